"""Find multi-token terms in a token sequence.

Lexicon and theme terms are tokenized with the same tokenizer as the text, then matched as token
sequences (longest match first). Matching on token boundaries keeps '芯片' from firing inside an
unrelated longer word and makes '请关注' match even though jieba splits it into 请 / 关注.
A term written ``re:PATTERN`` is a regular expression matched on the joined text instead, for
phrases with a gap (``re:扩大[^，。]{0,8}产能``) or numbers (``re:增长\\d+(\\.\\d+)?%``); its match is
reported on the tokens it overlaps.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence


@dataclass(frozen=True)
class Match:
    term: str  # the term as written (for a regex: the matched text)
    key: Hashable  # what the caller attached to the term (category, theme, ...)
    first: int  # index of the first token
    last: int  # index one past the last token
    entry: str = ""  # the entry that matched, as written ("re:..." for a regex)


class TermMatcher:
    """Longest-match lookup of token sequences (and regexes).

    ``entries`` are (term, key) pairs; a term may carry several keys (it is then reported once per key).
    """

    def __init__(self, entries: Iterable[tuple[str, Hashable]], tokenizer, inside_tokens: bool = False):
        # inside_tokens: also find one-token terms inside longer tokens (稳步 in 稳步增长). Right for
        # tone words, which jieba often glues to their neighbours; wrong for theme terms, where a
        # term inside an unrelated word (芯片 in 核酸芯片) is exactly what must not match.
        self.inside_tokens = inside_tokens
        self._single: dict[str, list[tuple[str, Hashable]]] = {}
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, Hashable]]] = {}
        self._regexes: list[tuple[re.Pattern, Hashable, str]] = []
        seen = set()
        for term, key in entries:
            if (term, key) in seen or not term:
                continue
            seen.add((term, key))
            if term.startswith("re:"):
                self._regexes.append((re.compile(term[3:]), key, term))
                continue
            toks = tuple(t for t in tokenizer.cut(term) if t.strip())
            if not toks:
                continue
            self._by_first.setdefault(_fold(toks[0]), []).append((tuple(_fold(t) for t in toks), term, key))
            if len(toks) == 1 and len(toks[0]) >= 2:
                self._single.setdefault(_fold(toks[0]), []).append((term, key))
        self._max_single = max((len(w) for w in self._single), default=0)
        for cands in self._by_first.values():
            cands.sort(key=lambda c: -len(c[0]))  # longest first
        self._firsts = frozenset(self._by_first)
        # token -> terms found inside it: a pure function of the token, and tokens repeat a lot
        self._inside_memo: dict[str, tuple[tuple[str, Hashable], ...]] = {}

    def find(self, tokens: Sequence[str]) -> list[Match]:
        """All matches, non-overlapping per key, scanning left to right, longest first; then regexes."""
        out: list[Match] = []
        folded = [t.upper() if t.isascii() else t for t in tokens]  # _fold, inlined: the hot loop
        n = len(folded)
        by_first = self._by_first
        # Only tokens that start a term (or, for inside matching, long tokens) need a look; finding
        # them with a set intersection keeps the per-token Python work to a list comprehension.
        present = self._firsts.intersection(folded)
        if self.inside_tokens:
            positions = [i for i, t in enumerate(folded) if t in present or len(t) >= 3]
        elif present:
            positions = [i for i, t in enumerate(folded) if t in present]
        else:
            positions = []
        blocked: dict[Hashable, int] = {}  # key -> first token index free again
        for i in positions:
            tok = folded[i]
            cands = by_first.get(tok)
            if not cands:
                out.extend(self._inside(tok, i))
                continue
            for seq, term, key in cands:
                if blocked.get(key, 0) > i:
                    continue
                k = len(seq)
                if i + k <= n and (k == 1 or tuple(folded[i : i + k]) == seq):
                    out.append(Match(term, key, i, i + k, term))
                    blocked[key] = i + k
        if self._regexes and tokens:
            text = "".join(tokens)
            starts = None  # token start offsets, computed only once a regex matches (rarely)
            for rx, key, entry in self._regexes:
                for mo in rx.finditer(text):
                    if mo.end() == mo.start():
                        continue
                    if starts is None:
                        starts = list(itertools.accumulate(map(len, tokens), initial=0))[:-1]
                    first = bisect.bisect_right(starts, mo.start()) - 1
                    last = bisect.bisect_left(starts, mo.end())
                    out.append(Match(mo.group(0), key, first, max(last, first + 1), entry))
        return out


    def _inside(self, tok: str, i: int) -> list[Match]:
        terms = self._inside_memo.get(tok)
        if terms is None:
            terms = self._inside_terms(tok)
            if len(self._inside_memo) < 200_000:  # bounded: a long batch must not grow without limit
                self._inside_memo[tok] = terms
        return [Match(term, key, i, i + 1, term) for term, key in terms]

    def _inside_terms(self, tok: str) -> tuple[tuple[str, Hashable], ...]:
        found, j = [], 0
        while j < len(tok) - 1:
            for k in range(min(self._max_single, len(tok) - j), 1, -1):
                if k == len(tok):
                    continue
                hits = self._single.get(tok[j : j + k])
                if hits:
                    found.extend(hits)
                    j += k - 1
                    break
            j += 1
        return tuple(found)


def _fold(token: str) -> str:
    # ASCII terms match case-insensitively (AI, ai; IDC, idc); Chinese is unchanged.
    return token.upper() if token.isascii() else token
