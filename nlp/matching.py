"""Find multi-token terms in a token sequence.

Lexicon and theme terms are tokenized with the same tokenizer as the text, then matched as token
sequences (longest match first). Matching on token boundaries keeps '芯片' from firing inside an
unrelated longer word and makes '请关注' match even though jieba splits it into 请 / 关注.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence


@dataclass(frozen=True)
class Match:
    term: str
    key: Hashable  # what the caller attached to the term (category, theme, ...)
    first: int  # index of the first token
    last: int  # index one past the last token


class TermMatcher:
    """Longest-match lookup of token sequences.

    ``entries`` are (term, key) pairs; a term may carry several keys (it is then reported once per key).
    """

    def __init__(self, entries: Iterable[tuple[str, Hashable]], tokenizer):
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, Hashable]]] = {}
        seen = set()
        for term, key in entries:
            if (term, key) in seen or not term:
                continue
            seen.add((term, key))
            toks = tuple(t for t in tokenizer.cut(term) if t.strip())
            if not toks:
                continue
            self._by_first.setdefault(_fold(toks[0]), []).append((tuple(_fold(t) for t in toks), term, key))
        for cands in self._by_first.values():
            cands.sort(key=lambda c: -len(c[0]))  # longest first

    def find(self, tokens: Sequence[str]) -> list[Match]:
        """All matches, non-overlapping per key, scanning left to right, longest first."""
        out: list[Match] = []
        folded = [_fold(t) for t in tokens]
        n = len(folded)
        blocked: dict[Hashable, int] = {}  # key -> first token index free again
        for i, tok in enumerate(folded):
            cands = self._by_first.get(tok)
            if not cands:
                continue
            for seq, term, key in cands:
                if blocked.get(key, 0) > i:
                    continue
                k = len(seq)
                if i + k <= n and (k == 1 or tuple(folded[i : i + k]) == seq):
                    out.append(Match(term, key, i, i + k))
                    blocked[key] = i + k
        return out


def _fold(token: str) -> str:
    # ASCII terms match case-insensitively (AI, ai; IDC, idc); Chinese is unchanged.
    return token.upper() if token.isascii() else token
