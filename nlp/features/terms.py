"""Find multi-token terms in a batch of token sequences.

Lexicon and theme terms are tokenized with the same tokenizer as the text, then matched as token
sequences (longest match first) on token boundaries: '芯片' does not fire inside an unrelated longer word,
and '请关注' matches although jieba splits it into 请 / 关注. A term written ``re:PATTERN`` is a regular
expression matched on the joined text instead, for phrases with a gap (``re:扩大[^，。]{0,8}产能``) or
numbers (``re:增长\\d+(\\.\\d+)?%``); its match is reported on the tokens it overlaps.

Matching works on a whole ``TokenBatch``: which tokens may start a term is an attribute of the token's
id, computed once per distinct token (``Vocab.attribute``), so the per-token work is one array look-up;
Python runs only at the few candidate positions.
"""
from __future__ import annotations

import bisect
import re
from typing import Hashable, Iterable, NamedTuple, Sequence

import numpy as np


class Matches(NamedTuple):
    """Term matches of a batch, text by text: within a text, token matches left to right, then regex
    matches. ``first``/``last`` are token indices into the batch's flat tokens (last exclusive)."""

    doc: list[int]
    first: list[int]
    last: list[int]
    key: list[Hashable]  # what the caller attached to the term (category, (theme, kind), ...)
    term: list[str]  # the term as written (for a regex: the matched text)
    entry: list[str]  # the entry that matched, as written ("re:..." for a regex)

    def by_doc(self) -> dict[int, list[int]]:
        """Text → positions of its matches in these lists."""
        out: dict[int, list[int]] = {}
        for k, d in enumerate(self.doc):
            out.setdefault(d, []).append(k)
        return out


class PhraseMatcher:
    """Longest-match look-up of token sequences (and regexes) over a ``TokenBatch``.

    ``entries`` are (term, key) pairs; a term may carry several keys (it is then reported once per key).
    ``inside_tokens``: also find one-token terms inside longer tokens (稳步 in 稳步增长). Right for tone
    words, which jieba often glues to their neighbours; wrong for theme terms, where a term inside an
    unrelated word (芯片 in 核酸芯片) is exactly what must not match.
    """

    def __init__(self, entries: Iterable[tuple[str, Hashable]], tokenizer, inside_tokens: bool = False):
        self.inside_tokens = inside_tokens
        self._single: dict[str, list[tuple[str, Hashable]]] = {}
        self._by_first: dict[str, list[tuple[tuple[str, ...], int, str, Hashable]]] = {}
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
            seq = tuple(fold(t) for t in toks)
            self._by_first.setdefault(seq[0], []).append((seq, len(seq), term, key))
            if len(toks) == 1 and len(toks[0]) >= 2:
                self._single.setdefault(fold(toks[0]), []).append((term, key))
        self._max_single = max((len(w) for w in self._single), default=0)
        for cands in self._by_first.values():
            cands.sort(key=lambda c: -c[1])  # longest first
        self._prefilter = RegexPrefilter([required_strings(rx) for rx, _, _ in self._regexes])
        self._inside: dict[str, tuple[tuple[str, Hashable], ...]] = {}  # long token -> terms inside it

    def _roles(self, strings: Sequence[str]) -> list[int]:
        """Per token string: 1 if it starts a term, 2 if (inside matching) it holds one-token terms, else 0."""
        out = []
        for token in strings:
            folded = fold(token)
            if folded in self._by_first:
                out.append(1)
            elif self.inside_tokens and len(folded) >= 3:
                terms = self._inside_terms(folded)
                if terms:
                    self._inside[folded] = terms
                out.append(2 if terms else 0)
            else:
                out.append(0)
        return out

    def match(self, batch) -> Matches:
        """All matches of every text: per key non-overlapping, scanning left to right, longest first; then
        each text's regex matches."""
        roles = batch.vocab.attribute(("roles", id(self)), self._roles, np.int8)
        positions = np.flatnonzero(roles[batch.ids])
        tokens, doc_ptr = batch.tokens, batch.doc_ptr
        by_first, inside = self._by_first, self._inside
        out = Matches([], [], [], [], [], [])
        docs, firsts, lasts, keys, terms, entries = out
        blocked: dict[Hashable, int] = {}  # key -> first token index free again (within the current text)
        current, end = -1, 0
        for i, d in zip(positions.tolist(), batch.doc[positions].tolist()):
            if d != current:
                current, end = d, int(doc_ptr[d + 1])
                blocked = {}
            tok = fold(tokens[i])
            cands = by_first.get(tok)
            if cands is None:
                for term, key in inside[tok]:
                    docs.append(d), firsts.append(i), lasts.append(i + 1), keys.append(key), terms.append(term), entries.append(term)
                continue
            for seq, k, term, key in cands:
                if blocked.get(key, 0) > i:
                    continue
                if i + k <= end and (k == 1 or tuple(map(fold, tokens[i:i + k])) == seq):
                    docs.append(d), firsts.append(i), lasts.append(i + k), keys.append(key), terms.append(term), entries.append(term)
                    blocked[key] = i + k
        if self._regexes:
            self._match_regexes(batch, out)
        return out

    def _match_regexes(self, batch, out: Matches) -> None:
        regex_hits: list[tuple] = []
        regexes = self._regexes
        for d, text in enumerate(batch.texts):
            candidates = self._prefilter.candidates(text)
            if not candidates:
                continue
            base = int(batch.doc_ptr[d])
            starts = None  # the text's token start offsets, computed only once a regex matches (rarely)
            for k in candidates:
                rx, key, entry = regexes[k]
                for mo in rx.finditer(text):
                    if mo.end() == mo.start():
                        continue
                    if starts is None:
                        starts = batch.start[base:batch.doc_ptr[d + 1]].tolist()
                    first = bisect.bisect_right(starts, mo.start()) - 1
                    last = bisect.bisect_left(starts, mo.end())
                    regex_hits.append((d, base + first, base + max(last, first + 1), key, mo.group(0), entry))
        if not regex_hits:
            return
        # each text's regex matches go after its token matches: merge by text, keeping both orders
        merged = sorted([(d, 0, k) for k, d in enumerate(out.doc)] + [(h[0], 1, k) for k, h in enumerate(regex_hits)])
        old = [list(column) for column in out]
        for column in out:
            column.clear()
        for _, source, k in merged:
            row = tuple(c[k] for c in old) if source == 0 else regex_hits[k]
            for column, value in zip(out, row):
                column.append(value)

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


class RegexPrefilter:
    """Which of a list of regexes may match a text: those with one of their ``required_strings`` (the
    needles) in it, and those without needles.

    One search of an alternation of all the needles, in C, finds the needles in a text, instead of an
    ``in`` test per needle and regex in Python; most texts hold only one or two of them.
    """

    def __init__(self, needles: Sequence[tuple[str, ...] | None]):
        self._always = tuple(k for k, strings in enumerate(needles) if strings is None)
        by_needle: dict[str, set[int]] = {}
        for k, strings in enumerate(needles):
            for needle in strings or ():
                by_needle.setdefault(needle, set()).add(k)
        # Longest first: at each position the search finds the longest needle there, the others there
        # are its prefixes; so a needle found stands for the regexes of its prefixes too.
        ordered = sorted(by_needle, key=lambda n: (-len(n), n))
        self._search = re.compile("|".join(map(re.escape, ordered))).search if ordered else None
        self._regexes_of = {n: {k for p in ordered if n.startswith(p) for k in by_needle[p]} for n in ordered}

    def candidates(self, text: str) -> Sequence[int]:
        """Indices (ascending) of the regexes that may match ``text``."""
        if self._search is None:
            return self._always
        found = None
        mo = self._search(text)
        while mo is not None:  # from each needle's next character: needles may overlap (产能, 能力)
            if found is None:
                found = set(self._always)
            found |= self._regexes_of[mo.group()]
            mo = self._search(text, mo.start() + 1)
        return self._always if found is None else sorted(found)


# Bound of the needles of one regex. Needles cost one search for all of a matcher's regexes (however
# many there are), so a regex starting with a choice of several words (建立|设立|建设|新建…) still gets them.
MAX_NEEDLES = 8


def required_strings(pattern: re.Pattern) -> tuple[str, ...] | None:
    """A few strings of which every match of ``pattern`` contains one (``%`` or ``％`` for
    ``增长\\d+[%％]``), or None when the pattern has no such short list.

    Finding them (``RegexPrefilter``) costs a fraction of running the regex, and most texts hold none. Read
    from the pattern's parse tree: only parts every match must pass through (no repeats, branches
    of plain text), so the test never skips a text the regex would match.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        try:
            from re import _constants as sre, _parser as parser  # Python >= 3.11
        except ImportError:  # Python 3.10
            import sre_constants as sre
            import sre_parse as parser
        items = list(parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # an internal module changed: no shortcut, same results
        return None

    def alternatives(seq) -> set[str] | None:
        """All texts a sequence of items can match, if it matches plain text only (few of them)."""
        out = {""}
        for op, av in seq:
            if op is sre.LITERAL:
                options = {chr(av)}
            elif op is sre.IN and all(o is sre.LITERAL for o, _ in av):
                options = {chr(c) for _, c in av}
            elif op is sre.SUBPATTERN and not av[1] and not av[2]:  # a group without inline flags
                options = alternatives(av[3])
            elif op is sre.BRANCH:
                branches = [alternatives(b) for b in av[1]]
                options = None if any(b is None for b in branches) else set().union(*branches)
            else:
                return None
            if options is None or len(out) * len(options) > MAX_NEEDLES * MAX_NEEDLES:
                return None
            out = {a + b for a in out for b in options}
        return out

    # each top-level item a match must pass through, and each run of them (同比 + 增长|增加)
    candidates = []
    for start in range(len(items)):
        for end in range(start + 1, len(items) + 1):
            found = alternatives(items[start:end])
            if found is None:
                break
            candidates.append(found)
    # a text holding 暂无 holds 无: of strings containing one another, the shortest is the test
    candidates = [{a for a in c if not any(b != a and b in a for b in c)} for c in candidates if c and "" not in c]
    candidates = [c for c in candidates if len(c) <= MAX_NEEDLES]
    if not candidates:
        return None
    best = min(candidates, key=lambda c: (len(c), -min(map(len, c))))
    return tuple(sorted(best))


def fold(token: str) -> str:
    """ASCII terms match case-insensitively (AI, ai; IDC, idc); Chinese is unchanged."""
    return token.upper() if token.isascii() else token
