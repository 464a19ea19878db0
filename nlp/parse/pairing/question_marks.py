"""Pairing on unmarked, unnumbered paragraphs ending in ？ and the text after them."""
from __future__ import annotations

from nlp.parse.pairs import _Pair
from nlp.parse.paragraphs import _Para
from nlp.parse.patterns import _compact


def _pairs_by_question_marks(paras: list[_Para]) -> tuple[int, list[_Pair]]:
    starts = []
    i = 0
    while i < len(paras):
        if paras[i].ends_question() and len(_compact(paras[i].full())) <= 200:
            j = i
            while j + 1 < len(paras) and paras[j + 1].ends_question():
                j += 1
            if j + 1 < len(paras):
                starts.append((i, j + 1))
            i = j + 1
        else:
            i += 1
    if len(starts) < 2:
        return 0, []
    pairs = []
    for k, (qi, ai) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(paras)
        pairs.append(_Pair(paras[qi:ai], paras[ai:end], unmarked=True))
    return starts[0][0], pairs
