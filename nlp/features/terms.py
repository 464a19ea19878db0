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

from nlp.features.regex_scan import RegexScan
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
        self._regex_scan = RegexScan([rx for rx, _, _ in self._regexes])
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
        d_, k_, start, end, matched = self._regex_scan.hits(batch.texts, batch.cache)
        if not len(d_):
            return out
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
