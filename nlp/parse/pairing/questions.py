"""Pairing anchored on question markers (问：, Q1:, 问题1：) when a record has no answer markers."""
from __future__ import annotations

from nlp.parse.pairs import _Pair, _split_at_question_mark
from nlp.parse.paragraphs import _Para


def _numbering_continued(paras: list[_Para], questions: list[int]) -> list[int]:
    """``questions`` (marked 7、问：…) plus the numbered lines after the last that go on with its
    numbering and ask (8、…？ 9、…？ typed without 问：), up to the first that does not: with no answer
    markers, they would otherwise be text of the 7th answer. A question wrapped onto a short next
    line (10、…其对 / 公司的发展有何考虑？) asks too."""
    last = paras[questions[-1]]
    if last.style is None or last.value is None:
        return questions
    style, value, more = last.style, last.value, []
    for i in range(questions[-1] + 1, len(paras)):
        para = paras[i]
        if para.style != style or para.value != value + 1:
            continue
        wrapped = i + 1 < len(paras) and paras[i + 1].style is None and len(paras[i + 1].full()) <= 40
        if not (para.has_question_mark() or (wrapped and paras[i + 1].has_question_mark())):
            break
        more.append(i)
        value += 1
    return questions + more


def _pairs_by_questions(paras: list[_Para], questions: list[int]) -> tuple[int, list[_Pair]]:
    pairs = []
    for k, qi in enumerate(questions):
        end = questions[k + 1] if k + 1 < len(questions) else len(paras)
        head = paras[qi]
        answer = list(paras[qi + 1 : end])
        if not answer:
            question, inline_answer = _split_at_question_mark(head.body() if head.role == "Q" else head.numbering_stripped())
            if inline_answer:
                head = _Para([question], "Q", head.label, 0, head.style, head.value)
                answer = [_Para([inline_answer], None, "", 0, None, None)]
        # an unanswered numbered line with no question marker (11、探讨…) is an agenda item
        kind = "item" if not answer and head.role != "Q" else "qa"
        pairs.append(_Pair([head], answer, kind))
    return questions[0], pairs
