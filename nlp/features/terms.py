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

import re
from collections.abc import Hashable, Iterable, Sequence
from itertools import repeat
from typing import NamedTuple

import numpy as np

from nlp.text import fold


class Matches(NamedTuple):
    """Term matches of a batch, sorted by text; within a text, token matches left to right, then regex
    matches. ``first``/``last`` are token indices into the batch's flat tokens (last exclusive);
    ``key`` and ``entry`` index the matcher's ``keys`` and ``entries``; ``text`` holds a regex match's
    text (None for a token match, whose text is its entry)."""

    doc: np.ndarray
    first: np.ndarray
    last: np.ndarray
    key: np.ndarray
    entry: np.ndarray
    text: dict  # row → matched text, for regex matches
    offset: dict = {}  # row → character offset of a regex match in its text (it may start inside a token)

    def __len__(self) -> int:
        return len(self.doc)

    def bounds(self, n_docs: int) -> np.ndarray:
        """Text d's matches are rows ``bounds[d]:bounds[d + 1]``."""
        return np.searchsorted(self.doc, np.arange(n_docs + 1))

    def terms(self, entries: Sequence[str]) -> list[str]:
        """Each match's text: its entry, or for a regex the text it matched."""
        out = [entries[e] for e in self.entry.tolist()]
        for row, text in self.text.items():
            out[row] = text
        return out


_NONE, _SIMPLE, _INSIDE, _COMPLEX = range(4)  # what a token is to a matcher (its role)


class PhraseMatcher:
    """Longest-match look-up of token sequences (and regexes) over a ``TokenBatch``.

    ``entries`` are (term, key) pairs; a term may carry several keys (it is then reported once per key).
    ``inside_tokens``: also find one-token terms inside longer tokens (稳步 in 稳步增长). Right for tone
    words, which jieba often glues to their neighbours; wrong for theme terms, where a term inside an
    unrelated word (芯片 in 核酸芯片) is exactly what must not match.

    A token that starts only one-token terms (most) is matched by array look-ups: its role and its
    candidates are attributes of its id. Python runs at tokens that may start a longer term; such a
    match blocks the same key's matches inside it.
    """

    def __init__(self, entries: Iterable[tuple[str, Hashable]], tokenizer, inside_tokens: bool = False):
        self.inside_tokens = inside_tokens
        self.keys: list[Hashable] = []
        self.entries: list[str] = []
        self._key_ids: dict[Hashable, int] = {}
        self._entry_ids: dict[str, int] = {}
        self._single: dict[str, list[tuple[str, Hashable]]] = {}
        self._by_first: dict[str, list[tuple[tuple[str, ...], int, int, int]]] = {}
        self._regexes: list[tuple[re.Pattern, int, int]] = []
        seen = set()
        for term, key in entries:
            if (term, key) in seen or not term:
                continue
            seen.add((term, key))
            if term.startswith("re:"):
                self._regexes.append((re.compile(term[3:]), self._key_id(key), self._entry_id(term)))
                continue
            toks = tuple(t for t in tokenizer.cut(term) if t.strip())
            if not toks:
                continue
            seq = tuple(fold(t) for t in toks)
            self._by_first.setdefault(seq[0], []).append((seq, len(seq), self._entry_id(term), self._key_id(key)))
            if len(toks) == 1 and len(toks[0]) >= 2:
                self._single.setdefault(fold(toks[0]), []).append((term, key))
        self._max_single = max((len(w) for w in self._single), default=0)
        for cands in self._by_first.values():
            cands.sort(key=lambda c: -c[1])  # longest first
        self._prefilter = RegexPrefilter([required_strings(rx) for rx, _, _ in self._regexes])
        self._finders = [finder(rx) for rx, _, _ in self._regexes]
        # candidate groups: (entry, key) pairs a token emits where it starts only one-token terms, or holds
        # terms inside it; group 0 is empty
        self._groups: list[tuple[tuple[int, int], ...]] = [()]
        self._group_ids: dict[tuple, int] = {(): 0}
        self._group_arrays = None
        self._sequence_arrays = None

    def _key_id(self, key: Hashable) -> int:
        if key not in self._key_ids:
            self._key_ids[key] = len(self.keys)
            self.keys.append(key)
        return self._key_ids[key]

    def _entry_id(self, entry: str) -> int:
        if entry not in self._entry_ids:
            self._entry_ids[entry] = len(self.entries)
            self.entries.append(entry)
        return self._entry_ids[entry]

    def _group(self, pairs: tuple) -> int:
        gid = self._group_ids.get(pairs)
        if gid is None:
            gid = self._group_ids[pairs] = len(self._groups)
            self._groups.append(pairs)
            self._group_arrays = None
        return gid

    def _roles(self, folded_strings: Sequence[str]) -> list[int]:
        """Per (folded) token string: its candidate group × 4 + its role (most: none, by one look-up)."""
        out = [_NONE] * len(folded_strings)
        by_first, inside = self._by_first, self.inside_tokens
        look = range(len(folded_strings)) if inside else \
            [i for i, f in enumerate(map(by_first.__contains__, folded_strings)) if f]
        for i in look:
            folded = folded_strings[i]
            cands = by_first.get(folded)
            if cands is not None:
                if all(k == 1 for _, k, _, _ in cands):
                    pairs, keys = [], set()
                    for _, _, entry, key in cands:  # a key matches once per token: its first (longest) entry
                        if key not in keys:
                            keys.add(key)
                            pairs.append((entry, key))
                    out[i] = self._group(tuple(pairs)) * 4 + _SIMPLE
                else:
                    out[i] = _COMPLEX
            elif inside and len(folded) >= 3:
                terms = self._inside_terms(folded)
                if terms:
                    out[i] = self._group(tuple((self._entry_id(t), self._key_id(k)) for t, k in terms)) * 4 + _INSIDE
        return out

    def _arrays(self):
        if self._group_arrays is None:
            counts = np.fromiter(map(len, self._groups), dtype=np.int64, count=len(self._groups))
            flat = [pair for group in self._groups for pair in group]
            entries = np.array([e for e, _ in flat], dtype=np.int64)
            keys = np.array([k for _, k in flat], dtype=np.int64)
            self._group_arrays = (np.concatenate([[0], np.cumsum(counts)])[:-1], counts, entries, keys)
        return self._group_arrays

    def match(self, batch) -> Matches:
        """All matches of every text: per key non-overlapping, scanning left to right, longest first; then
        each text's regex matches."""
        code = batch.vocab.attribute(("roles", id(self)), self._roles, np.int64, folded=True)[batch.ids]
        roles, groups = code & 3, code >> 2
        starts, counts, group_entries, group_keys = self._arrays()
        # one-token candidates and terms inside tokens: array expansion
        at = np.flatnonzero(groups)
        gid = groups[at]
        n_each = counts[gid]
        rows = np.repeat(at, n_each)
        rank = np.arange(len(rows)) - np.repeat(np.cumsum(n_each) - n_each, n_each)
        cand = np.repeat(starts[gid], n_each) + rank
        entry, key = group_entries[cand], group_keys[cand]
        last = rows + 1
        # tokens that may start a longer term: Python, with the per-key blocking of the scan
        complex_rows = self._match_complex(batch, np.flatnonzero(roles == _COMPLEX))
        if len(complex_rows[0]):
            c_first, c_last, c_entry, c_key, c_rank = complex_rows
            long = c_last - c_first > 1
            if long.any():  # a longer match blocks its key's one-token matches inside it (not inside-token ones)
                inner = [(p, k) for f, l_, k in zip(c_first[long].tolist(), c_last[long].tolist(), c_key[long].tolist())
                         for p in range(f + 1, l_)]
                codes = np.array([p * len(self.keys) + k for p, k in inner], dtype=np.int64)
                simple = roles[rows] == _SIMPLE
                keep = ~(simple & np.isin(rows * len(self.keys) + key, codes))
                rows, last, entry, key, rank = rows[keep], last[keep], entry[keep], key[keep], rank[keep]
            rows = np.concatenate([rows, c_first])
            last = np.concatenate([last, c_last])
            entry = np.concatenate([entry, c_entry])
            key = np.concatenate([key, c_key])
            rank = np.concatenate([rank, c_rank])
            order = np.lexsort((rank, rows))
            rows, last, entry, key = rows[order], last[order], entry[order], key[order]
        out = Matches(batch.doc[rows], rows, last, key, entry, {})
        if self._regexes:
            out = self._with_regexes(batch, out)
        return out

    def _sequences(self):
        """The longer terms as arrays: per first token (in ``_by_first``'s order) its candidates' range,
        longest first; per candidate its length, entry, key and folded token codes (-1 padded)."""
        if self._sequence_arrays is None:
            firsts = list(self._by_first)
            codes: dict[str, int] = {}
            cands = [c for f in firsts for c in self._by_first[f]]
            width = max((k for _, k, _, _ in cands), default=1)
            seq = np.full((len(cands), width), -1, dtype=np.int64)
            for r, (tokens, k, _, _) in enumerate(cands):
                seq[r, :k] = [codes.setdefault(t, len(codes)) for t in tokens]
            count = np.array([len(self._by_first[f]) for f in firsts], dtype=np.int64)
            self._sequence_arrays = (
                {f: i for i, f in enumerate(firsts)}, codes, np.concatenate([[0], np.cumsum(count)])[:-1], count,
                np.array([k for _, k, _, _ in cands], dtype=np.int64), np.array([e for _, _, e, _ in cands], dtype=np.int64),
                np.array([key for _, _, _, key in cands], dtype=np.int64), seq)
        return self._sequence_arrays

    def _match_complex(self, batch, positions: np.ndarray) -> tuple[np.ndarray, ...]:
        """Matches at the tokens that may start a longer term, as arrays (first, end, entry, key, rank):
        every candidate sequence compared on folded token codes at once; then, left to right, a key's
        match blocks that key until its end (``_first_free``)."""
        if not len(positions):
            return (np.zeros(0, np.int64),) * 5
        group_of, codes, start, count, length, entries, keys, seq = self._sequences()
        vocab = batch.vocab
        group = vocab.attribute(("first_group", id(self)), lambda s: list(map(group_of.get, s, repeat(-1))), np.int64,
                                folded=True)
        code = vocab.attribute(("fold_code", id(self)), lambda s: list(map(codes.get, s, repeat(-1))), np.int64, folded=True)
        ids = batch.ids
        g = group[ids[positions]]
        n_each = count[g]
        rows = np.repeat(positions, n_each)
        rank = np.arange(len(rows)) - np.repeat(np.cumsum(n_each) - n_each, n_each)
        cand = np.repeat(start[g], n_each) + rank
        k = length[cand]
        ok = rows + k <= batch.doc_ptr[batch.doc[rows] + 1]
        token_code = code[ids]
        last_token = len(ids) - 1
        for j in range(1, seq.shape[1]):
            need = ok & (k > j)
            if not need.any():
                break
            ok &= ~need | (token_code[np.minimum(rows + j, last_token)] == seq[cand, j])
        valid = np.flatnonzero(ok)
        first, end = rows[valid], rows[valid] + k[valid]
        entry, key, rank = entries[cand[valid]], keys[cand[valid]], rank[valid]
        accepted = _first_free(batch.doc[first], key, first, end)
        return first[accepted], end[accepted], entry[accepted], key[accepted], rank[accepted]

    def _with_regexes(self, batch, out: Matches) -> Matches:
        regexes = self._regexes
        texts = batch.texts
        hits: list[tuple] = []  # (text, regex, start, end, matched text)
        finders = self._finders
        for d, k in zip(*(a.tolist() for a in self._prefilter.pairs(texts, batch.cache))):
            for mo in finders[k](texts[d]):
                if mo.end() > mo.start():
                    hits.append((d, k, mo.start(), mo.end(), mo.group(0)))
        if not hits:
            return out
        d_, k_, start, end, matched = zip(*hits)
        d_, k_ = np.array(d_, dtype=np.int64), np.array(k_, dtype=np.int64)
        start, end = np.array(start, dtype=np.int64), np.array(end, dtype=np.int64)
        # the tokens a match overlaps: positions in the batch's texts laid end to end, where token starts
        # increase along the batch
        text_start = np.concatenate([[0], np.cumsum(batch.text_length)])
        token_start = batch.start + text_start[batch.doc]
        first = np.searchsorted(token_start, text_start[d_] + start, side="right") - 1
        last = np.maximum(np.searchsorted(token_start, text_start[d_] + end, side="left"), first + 1)
        keys = np.array([key for _, key, _ in regexes], dtype=np.int64)[k_]
        entries = np.array([entry for _, _, entry in regexes], dtype=np.int64)[k_]
        h = np.column_stack([d_, first, last, keys, entries])
        texts = list(zip(matched, start.tolist()))
        n = len(out.doc)
        # each text's regex matches go after its token matches (a stable sort by text)
        source = np.concatenate([np.zeros(n, np.int64), np.ones(len(h), np.int64)])
        doc = np.concatenate([out.doc, h[:, 0]])
        order = np.lexsort((np.arange(len(doc)), source, doc))
        columns = [np.concatenate([getattr(out, c), h[:, j]])[order]
                   for c, j in (("first", 1), ("last", 2), ("key", 3), ("entry", 4))]
        position = np.empty(len(order), np.int64)
        position[order] = np.arange(len(order))
        text = {int(position[n + k]): t for k, (t, _) in enumerate(texts)}
        offset = {int(position[n + k]): start for k, (_, start) in enumerate(texts)}
        return Matches(doc[order], *columns, text, offset)

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


def _first_free(doc: np.ndarray, key: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Which of these candidate matches (in scan order: by start, best first at one start) a left-to-
    right scan keeps when a kept match blocks its key, in its text, until its end.

    Array-at-a-time: a candidate at the start of a kept one is never kept; a candidate starting at or
    after the end of every earlier candidate of its (text, key) is always kept; Python decides only the
    (text, key) groups with overlapping candidates."""
    n = len(start)
    keep = np.zeros(n, bool)
    if not n:
        return keep
    order = np.lexsort((np.arange(n), start, key, doc))
    d, k, s, e = doc[order], key[order], start[order], end[order]
    new_group = np.ones(n, bool)
    new_group[1:] = (d[1:] != d[:-1]) | (k[1:] != k[:-1])
    follower = np.zeros(n, bool)
    follower[1:] = ~new_group[1:] & (s[1:] == s[:-1])  # behind the best candidate at its start
    lead = np.flatnonzero(~follower)
    group = np.cumsum(new_group)[lead]
    span = int(e.max()) + 1
    ends = group * span + e[lead]
    before = np.empty(len(lead), np.int64)
    before[0] = -1
    before[1:] = np.maximum.accumulate(ends)[:-1]
    first_in_group = np.ones(len(lead), bool)
    first_in_group[1:] = group[1:] != group[:-1]
    before[first_in_group] = -1
    free = group * span + s[lead] >= before
    keep_sorted = np.zeros(n, bool)
    keep_sorted[lead[free]] = True
    if not free.all():  # groups with overlapping candidates: the scan itself
        bounds = np.append(np.flatnonzero(first_in_group), len(lead))
        at = np.searchsorted(bounds, np.flatnonzero(~free), side="right") - 1
        starts, ends_ = s.tolist(), e.tolist()
        for b in np.unique(at).tolist():
            blocked = -1
            for i in lead[bounds[b]:bounds[b + 1]].tolist():
                keep_sorted[i] = starts[i] >= blocked
                if keep_sorted[i]:
                    blocked = ends_[i]
    keep[order] = keep_sorted
    return keep


class RegexPrefilter:
    """Which of a list of regexes may match a text: those with one of their ``required_strings`` (the
    needles) in it, and those without needles.

    One search of an alternation of all the needles, in C, finds the needles in a text, instead of an
    ``in`` test per needle and regex in Python; most texts hold only one or two of them. Over a batch
    (``pairs`` with a cache) the texts are searched once for the needles of every prefilter of the
    process (``_NeedleScan``): the tone lexicon's, the themes', the scope terms' … regexes share one scan.
    """

    def __init__(self, needles: Sequence[tuple[str, ...] | None]):
        self._always = tuple(k for k, strings in enumerate(needles) if strings is None)
        self._n_regexes = max(len(needles), 1)
        by_needle: dict[str, set[int]] = {}
        for k, strings in enumerate(needles):
            for needle in strings or ():
                by_needle.setdefault(needle, set()).add(k)
        self._by_needle = by_needle
        # Longest first: at each position the search finds the longest needle there, the others there
        # are its prefixes; so a needle found stands for the regexes of its prefixes too.
        ordered = sorted(by_needle, key=lambda n: (-len(n), n))
        self._search = re.compile("|".join(map(re.escape, ordered))).search if ordered else None
        self._regexes_of = {n: {k for p in ordered if n.startswith(p) for k in by_needle[p]} for n in ordered}
        self._incidence_of = None  # (shared scan, CSR of its needles → this prefilter's regexes)
        _SHARED_NEEDLES.add(ordered)

    def pairs(self, texts: Sequence[str], cache: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(text indices, regex indices) of every regex that may match each text, by text then regex.
        ``cache``: a dict that lives as long as ``texts`` (a ``TokenBatch``'s), for the shared scan."""
        always = np.asarray(self._always, np.int64)
        if self._search is None:  # no regex has needles: every text may match every regex
            return np.repeat(np.arange(len(texts)), len(always)), np.tile(always, len(texts))
        search, text_of, needle_of, ordered = _SHARED_NEEDLES.found(texts, {} if cache is None else cache)
        indptr, indices = self._incidence(search, ordered)
        counts = indptr[needle_of + 1] - indptr[needle_of]
        rows = np.repeat(text_of, counts)
        rank = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
        regexes = indices[np.repeat(indptr[needle_of], counts) + rank]
        if len(always):
            rows = np.concatenate([rows, np.repeat(np.arange(len(texts)), len(always))])
            regexes = np.concatenate([regexes, np.tile(always, len(texts))])
        width = self._n_regexes
        codes = np.unique(rows * width + regexes)
        return codes // width, codes % width

    def _incidence(self, search, ordered: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """CSR (shared needle → this prefilter's regexes): a needle found stands for the regexes of this
        prefilter's needles that are its prefixes. Built once per set of shared needles."""
        if self._incidence_of is None or self._incidence_of[0] is not search:
            rows = [sorted({k for p, ks in self._by_needle.items() if needle.startswith(p) for k in ks})
                    for needle in ordered]
            indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
            indices = np.array([k for r in rows for k in r], dtype=np.int64)
            self._incidence_of = (search, indptr, indices)
        return self._incidence_of[1], self._incidence_of[2]

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


class _NeedleScan:
    """The needles of every ``RegexPrefilter`` of the process, and which of them each text of a batch
    holds (longest at each position: a needle found stands for its prefixes, as in one prefilter)."""

    def __init__(self):
        self._needles: set[str] = set()
        self._search = None

    def add(self, needles: Iterable[str]) -> None:
        new = set(needles) - self._needles
        if new:
            self._needles |= new
            self._search = None

    def found(self, texts: Sequence[str], cache: dict) -> tuple:
        """(the scan, text index and needle id of each needle found, the needles by id): the needles at
        each position of each text, longest first, as ``RegexPrefilter.candidates`` finds them."""
        if self._search is None:
            self._ordered = sorted(self._needles, key=lambda n: (-len(n), n))
            self._ids = {n: i for i, n in enumerate(self._ordered)}
            self._search = re.compile("|".join(map(re.escape, self._ordered))).search
        search = self._search
        hit = cache.get("needles")
        if hit is not None and hit[0] is search:  # the scan of these texts with today's needles
            return hit
        ids = self._ids
        text_of, needle_of = [], []
        for d, text in enumerate(texts):
            mo = search(text)
            while mo is not None:
                text_of.append(d), needle_of.append(ids[mo.group()])
                mo = search(text, mo.start() + 1)
        hit = cache["needles"] = (search, np.array(text_of, np.int64), np.array(needle_of, np.int64), self._ordered)
        return hit


_SHARED_NEEDLES = _NeedleScan()


# Bound of the needles of one regex. Needles cost one search for all of a matcher's regexes (however
# many there are), so a regex starting with a choice of several words (建立|设立|建设|新建…) still gets them.
MAX_NEEDLES = 8


def _parse_tree(pattern: re.Pattern):
    """(sre constants, the pattern's parse tree), or None when Python's internal modules changed."""
    try:
        try:
            from re import _constants as sre  # Python >= 3.11
            from re import _parser as parser
        except ImportError:  # Python 3.10
            import sre_constants as sre
            import sre_parse as parser
        return sre, parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # no shortcut, same results
        return None


def finder(pattern: re.Pattern):
    """``pattern.finditer`` as a function of the text; for a pattern that opens with lookbehinds (which
    keep ``re`` from skipping ahead to a possible first character: it tries every position), the same
    matches found by trying the pattern only where one of its possible first characters stands."""
    chars = start_chars(pattern)
    if chars is None:
        return pattern.finditer
    probe = re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]").search
    match = pattern.match

    def find(text: str):
        pos, n = 0, len(text)
        while pos <= n:
            at = probe(text, pos)
            if at is None:
                return
            start = at.start()
            mo = match(text, start)  # lookbehinds see the text before ``start``, as in a search
            if mo is None:
                pos = start + 1
                continue
            yield mo
            pos = mo.end() if mo.end() > start else start + 1

    return find


def start_chars(pattern: re.Pattern) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with, when the pattern opens with lookbehinds
    followed by an item of plain characters (None otherwise: ``re`` finds its first character itself)."""
    parsed = None if pattern.flags & re.IGNORECASE else _parse_tree(pattern)
    if parsed is None:
        return None
    sre, tree = parsed
    items = list(tree)
    lead = 0
    while lead < len(items) and items[lead][0] in (sre.ASSERT, sre.ASSERT_NOT) and items[lead][1][0] < 0:
        lead += 1
    if lead == 0 or lead == len(items):
        return None

    def first(op, av) -> set[str] | None:
        """The characters the item must start by consuming one of (None: it may consume none, or any)."""
        if op is sre.LITERAL:
            return {chr(av)}
        if op is sre.IN and all(o is sre.LITERAL for o, _ in av):
            return {chr(c) for _, c in av}
        if op is sre.SUBPATTERN and not av[1] and not av[2] and len(av[3]):
            return first(*av[3][0])
        if op is sre.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                found = first(*branch[0]) if len(branch) else None
                if found is None:
                    return None
                out |= found
            return out
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] > 0 and len(av[2]):
            return first(*av[2][0])
        return None

    found = first(*items[lead])
    return frozenset(found) if found else None


def required_strings(pattern: re.Pattern) -> tuple[str, ...] | None:
    """A few strings of which every match of ``pattern`` contains one (``%`` or ``％`` for
    ``增长\\d+[%％]``), or None when the pattern has no such short list.

    Finding them (``RegexPrefilter``) costs a fraction of running the regex, and most texts hold none. Read
    from the pattern's parse tree: only parts every match must pass through (no repeats, branches
    of plain text), so the test never skips a text the regex would match.
    """
    parsed = None if pattern.flags & re.IGNORECASE else _parse_tree(pattern)
    if parsed is None:
        return None
    sre, tree = parsed
    items = list(tree)

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

