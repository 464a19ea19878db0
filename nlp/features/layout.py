"""A chunk of answers as one text and per-character arrays: the ground every answer measure works on.

The answers are joined with a newline (itself a sentence break), and numpy turns the matches of the
compiled regular expressions into per-character masks; a character's row, sentence and clause come
from cumulative sums. The patterns of a group are matched together (``find_all``): every occurrence
of each of their required texts (``measure_patterns.required_texts``) is found with numpy, which gives
the rows holding one text of each required set and, around the occurrences of one set, the places a
match may start at (``measure_patterns.start_rule``); the pattern is tried there only (a pattern with
no bounded required text scans each run of consecutive candidate rows). Each row is matched up to its
end, so no match touches two answers, and a row's values never depend on the rows that share its chunk.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat

import numpy as np

from nlp.features.measure_patterns import BLOCK, ScanPlan, pack_codes, scan_plan

SEPARATOR = "\n"
# docs/labeling_measures.md: sentences end after 。！？； (full or half width); line breaks, commas and
# colons do not end one. Clauses also end at commas, semicolons and colons (not at the 、 of a list).
SENTENCE_BREAK_CHARS = "。！？；!?;"
CLAUSE_BREAK_CHARS = SENTENCE_BREAK_CHARS + "，,：:"


def _char_set_mask(codes: np.ndarray, chars: Iterable[str]) -> np.ndarray:
    return np.isin(codes, np.array([ord(c) for c in chars], dtype=np.uint32))


def _distinct(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(codes, return_inverse=True, return_counts=True)`` by counting (code points are small
    integers)."""
    if not len(codes):
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    counts = np.bincount(codes, minlength=int(codes.max()) + 1)
    seen = counts > 0
    uniques = np.flatnonzero(seen).astype(np.uint32)
    index = np.cumsum(seen) - 1
    return uniques, index[codes], counts[seen]


@dataclass
class ChunkLayout:
    """``text``: the answers joined by ``SEPARATOR``; ``starts``/``lengths``: each answer's span in it.
    Per character: ``row``, ``content`` (a letter, digit or Chinese character: what shares are shares
    of), ``sentence`` and ``clause`` (ids increasing along the text; a break character belongs to the
    sentence or clause it ends)."""

    text: str
    starts: np.ndarray
    lengths: np.ndarray
    row: np.ndarray
    content: np.ndarray
    sentence: np.ndarray
    clause: np.ndarray
    codes: np.ndarray  # per character: its code point
    uniques: np.ndarray  # the distinct character codes of the text, ascending
    inverse: np.ndarray  # per character: its index in ``uniques``
    counts: np.ndarray  # per distinct character: how often it occurs

    def __post_init__(self):
        self._spans: dict[re.Pattern, tuple[np.ndarray, np.ndarray]] = {}
        self._rows_with: dict[str, np.ndarray] = {}  # per indexed character: which rows hold it
        self._positions: dict[str, np.ndarray] = {}  # per indexed character: where it occurs

    @property
    def n_rows(self) -> int:
        return len(self.starts)

    @classmethod
    def build(cls, answers: Sequence[str]) -> ChunkLayout:
        try:
            if not all(map(str.__instancecheck__, answers)):
                raise TypeError
            texts = answers
        except TypeError:
            texts = ["" if a is None else str(a) for a in answers]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = np.zeros(len(texts), dtype=np.int64)
        if len(texts) > 1:
            starts[1:] = np.cumsum(lengths[:-1] + 1)
        text = SEPARATOR.join(texts)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        # each answer's characters, then its separator: the separator belongs to the row before it
        row = np.repeat(np.arange(len(texts)), lengths + 1)[: len(text)]
        uniques, inverse, counts = _distinct(codes)
        content = _is_alnum(uniques)[inverse]
        separator = np.zeros(len(text), dtype=bool)
        separator[starts[1:] - 1] = True
        sentence_break = _char_set_mask(uniques, SENTENCE_BREAK_CHARS)[inverse] | separator
        clause_break = _char_set_mask(uniques, CLAUSE_BREAK_CHARS)[inverse] | separator
        sentence = np.cumsum(sentence_break) - sentence_break
        clause = np.cumsum(clause_break) - clause_break
        return cls(text, starts, lengths, row, content, sentence, clause, codes, uniques, inverse, counts)

    def per_row(self, values: np.ndarray) -> np.ndarray:
        """The sum of a per-character array over each row."""
        return np.bincount(self.row, weights=values, minlength=self.n_rows)

    def count_per_row(self, mask: np.ndarray) -> np.ndarray:
        """How many characters of each row (its separator included) ``mask`` marks, as floats."""
        return _run_counts(mask, self.starts).astype(float)

    def count_per_clause(self, mask: np.ndarray) -> np.ndarray:
        """How many characters of each clause ``mask`` marks."""
        return _run_counts(mask, self.clause_starts)

    @cached_property
    def _packed(self) -> np.ndarray:
        """Per character: it and the next ``BLOCK - 1`` packed in one word (0 past the text's end)."""
        return pack_codes(np.concatenate([self.codes, np.zeros(2 * BLOCK, dtype=self.codes.dtype)]))

    @cached_property
    def clause_starts(self) -> np.ndarray:
        """Where each clause starts (every clause has a character: at least its break)."""
        return _run_starts(self.clause)

    @cached_property
    def sentence_starts(self) -> np.ndarray:
        """Where each sentence starts (every sentence has a character: at least its break)."""
        return _run_starts(self.sentence)

    @cached_property
    def sentence_row(self) -> np.ndarray:
        """Per sentence: its row."""
        return self.row[self.sentence_starts]

    def span_mask(self, spans: Iterable[tuple[int, int]]) -> np.ndarray:
        """Characters covered by any of the (start, end) spans."""
        spans = np.asarray(list(spans), dtype=np.int64).reshape(-1, 2)
        return self._cover(spans[:, 0], spans[:, 1])

    def _cover(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(self.text), dtype=bool)
        mask[_ranges(starts, np.maximum(ends - starts, 0))] = True
        return mask

    # ------------------------------------------------------------------ pattern matches
    def _grouped(self, column: np.ndarray, n_groups: int):
        """The positions of the characters ``column`` gives a group (-1: none), grouped: (positions in
        the text, their groups, positions by group ascending, bounds: group g is
        ``by_group[bounds[g]:bounds[g + 1]]``)."""
        of_char = column[self.inverse]
        where = np.flatnonzero(of_char >= 0)
        keys = of_char[where]
        # a stable sort of small integers (a radix sort) groups the positions by character, in order
        order = np.argsort(keys.astype(np.int16) if n_groups < 2**15 else keys, kind="stable")
        return where, keys, where[order], np.searchsorted(keys[order], np.arange(n_groups + 1))

    def index_chars(self, chars: Iterable[str]) -> None:
        """Index where each of the characters occurs and which rows hold it, in one pass."""
        missing = sorted(set(chars).difference(self._positions))
        if not missing:
            return
        codes = np.array([ord(c) for c in missing], dtype=np.uint32)
        column = np.full(len(self.uniques), -1, dtype=np.int64)
        if len(self.uniques):
            at = np.minimum(np.searchsorted(self.uniques, codes), len(self.uniques) - 1)
            present = self.uniques[at] == codes
            column[at[present]] = np.flatnonzero(present)
        where, keys, positions, bounds = self._grouped(column, len(missing))
        table = np.zeros((len(missing), self.n_rows), dtype=bool)
        table[keys, self.row[where]] = True
        for k, c in enumerate(missing):
            self._positions[c] = positions[bounds[k]:bounds[k + 1]]
            self._rows_with[c] = table[k]


    # ------------------------------------------------------------------ pattern matches
    def match_spans(self, pattern: re.Pattern) -> tuple[np.ndarray, np.ndarray]:
        """The (starts, ends) of the non-empty matches of ``pattern`` in each row (computed once)."""
        found = self._spans.get(pattern)
        if found is None:
            self.find_all((pattern,))
            found = self._spans[pattern]
        return found

    def find_all(self, patterns: Iterable[re.Pattern]) -> None:
        """Find the matches of all the patterns (those not found yet) together: the places each may
        start at are gathered for all of them with numpy, then each pattern is tried there."""
        todo = tuple(dict.fromkeys(rx for rx in patterns if rx not in self._spans))
        if not todo:
            return
        empty = np.zeros(0, dtype=np.int64)
        if not self.text:
            self._spans.update((rx, (empty, empty)) for rx in todo)
            return
        plan = scan_plan(todo)
        key_offset, key_char, char_count = self._rarest_chars(plan)
        # at most this many occurrences of each text: those of its rarest character
        estimate = char_count[key_char]
        set_estimate = np.add.reduceat(estimate[plan.set_texts], plan.set_ptr[:-1]) if len(plan.set_texts) else estimate[:0]
        pair_pattern, pair_text, pair_before = [], [], []
        scanned = []
        for p, anchors in enumerate(plan.anchors):
            if not anchors:
                scanned.append(p)
                continue
            # the required set whose occurrences leave the fewest places a match may start at
            k, before = min(anchors, key=lambda a: (a[1] + 1) * set_estimate[a[0]])
            for t in plan.set_texts[plan.set_ptr[k]:plan.set_ptr[k + 1]].tolist():
                pair_pattern.append(p)
                pair_text.append(t)
                pair_before.append(before)
        pair_text = np.array(pair_text, dtype=np.int64)
        # a set is checked row by row only where it may be missing from many rows: the other sets
        # are taken as held (a weaker filter, the same matches)
        checked = set_estimate <= self.n_rows
        wanted = np.zeros(len(plan.texts), dtype=bool)
        wanted[pair_text] = True
        wanted[plan.set_texts[np.repeat(checked, np.diff(plan.set_ptr))]] = True
        occurrences, ptr = self._text_occurrences(plan, key_offset, key_char, char_count, wanted)
        held = self._held_sets(plan, occurrences, np.diff(ptr), checked)
        # per pattern, the checked sets (-1 after the last), in as few columns as they need
        table = np.append(checked, False)[plan.pattern_set_table]  # -1: the False appended
        order = np.argsort(~table, axis=1, kind="stable")
        sets = np.where(np.take_along_axis(table, order, axis=1), np.take_along_axis(plan.pattern_set_table, order, axis=1), -1)
        sets = sets[:, :max(int(table.sum(axis=1).max()), 1)]
        starts, which = self._starts_near(plan, held, sets, occurrences, ptr, np.array(pair_pattern, dtype=np.int64),
                                          pair_text, np.array(pair_before, dtype=np.int64))
        self._spans.update(self._match_at(plan, starts, which))
        for p in scanned:
            rows = self._holds_all(held, sets, np.full(self.n_rows, p), np.arange(self.n_rows))
            flat = np.array(self._scan_rows(plan.patterns[p], rows), dtype=np.int64)
            s, e = flat[0::2], flat[1::2]
            keep = e > s
            self._spans[plan.patterns[p]] = (s[keep], e[keep])

    def _rarest_chars(self, plan: ScanPlan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per text of the plan: the offset and ``plan.chars`` index of its character occurring least
        often in the chunk; per character of ``plan.chars``: how often it occurs."""
        uniques = self.uniques
        at = np.minimum(np.searchsorted(uniques, plan.chars), len(uniques) - 1)
        char_count = np.where(uniques[at] == plan.chars, self.counts[at], 0)
        per_position = np.where(plan.text_chars >= 0, char_count[plan.text_chars], np.iinfo(np.int64).max)
        key_offset = np.argmin(per_position, axis=1)
        return key_offset, plan.text_chars[np.arange(len(plan.texts)), key_offset], char_count

    def _text_occurrences(self, plan: ScanPlan, key_offset: np.ndarray, key_char: np.ndarray,
                          char_count: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each ``wanted`` text of the plan starts: ``occurrences[ptr[t]:ptr[t + 1]]`` ascending
        for text ``t`` (none for the others). Found at each occurrence of the text's rarest character,
        then checked character by character (all texts together)."""
        n_texts = len(plan.texts)
        uniques = self.uniques
        found = wanted & (char_count[key_char] > 0)
        keys = np.flatnonzero(np.bincount(key_char[found], minlength=len(plan.chars)))
        column = np.full(len(uniques), -1, dtype=np.int64)
        column[np.searchsorted(uniques, plan.chars[keys])] = np.arange(len(keys))
        _, _, positions, bounds = self._grouped(column, len(keys))
        group = np.minimum(np.searchsorted(keys, key_char), len(keys) - 1) if len(keys) else np.zeros(n_texts, dtype=np.int64)
        first = bounds[group]
        lengths = np.where(found, bounds[np.minimum(group + 1, len(keys))] - first, 0)
        text_of = np.repeat(np.arange(n_texts), lengths)
        cand = positions[_ranges(first, lengths)] - key_offset[text_of]
        size = plan.text_lengths[text_of]
        ok = (cand >= 0) & (cand + size <= len(self.codes))
        cand, text_of = cand[ok], text_of[ok]
        blocks = self._packed
        for j in range(plan.text_blocks.shape[1]):
            if j:  # only the texts longer than the blocks checked so far
                longer = plan.text_lengths[text_of] > j * BLOCK
                if not longer.any():
                    break
            ok = (blocks[cand + j * BLOCK] & plan.block_masks[text_of, j]) == plan.text_blocks[text_of, j]
            if j:
                ok |= ~longer
            cand, text_of = cand[ok], text_of[ok]
        return cand, np.searchsorted(text_of, np.arange(n_texts + 1))

    def _held_sets(self, plan: ScanPlan, occurrences: np.ndarray, counts: np.ndarray, checked: np.ndarray) -> np.ndarray:
        """Per required set and row (flat, set after set): whether the row holds one of its texts
        (True throughout for a set not ``checked``)."""
        held = np.repeat(np.append(~checked, True), self.n_rows)
        text_of = np.repeat(np.arange(len(plan.texts)), counts)
        n_sets = plan.text_set_ptr[text_of + 1] - plan.text_set_ptr[text_of]
        sets = plan.sets_of_text[_ranges(plan.text_set_ptr[text_of], n_sets)]
        held[sets * self.n_rows + np.repeat(self.row[occurrences], n_sets)] = True
        return held

    def _holds_all(self, held: np.ndarray, sets: np.ndarray, pattern: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Per (pattern, row) pair: whether the row holds one text of each of the pattern's ``sets``
        (a row of set numbers per pattern, -1 for none)."""
        ok = np.ones(len(row), dtype=bool)
        for j in range(sets.shape[1]):
            k = sets[pattern, j]
            ok &= (k < 0) | held[np.maximum(k, 0) * self.n_rows + row]
        return ok

    def _starts_near(self, plan: ScanPlan, held: np.ndarray, sets: np.ndarray, occurrences: np.ndarray, ptr: np.ndarray,
                     pair_pattern: np.ndarray, pair_text: np.ndarray, pair_before: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every place a match may start at, as (starts, pattern index), sorted by pattern then start:
        at most ``before`` characters before an occurrence of one of its anchor's texts (each pair of
        pattern and text), in the occurrence's row (a candidate row of the pattern), where the
        pattern's start rule allows it."""
        lengths = ptr[pair_text + 1] - ptr[pair_text]
        pair_of = np.repeat(np.arange(len(pair_text)), lengths)
        at = occurrences[_ranges(ptr[pair_text], lengths)]
        pattern = pair_pattern[pair_of]
        row = self.row[at]
        keep = self._holds_all(held, sets, pattern, row)
        at, pattern, row, before = at[keep], pattern[keep], row[keep], pair_before[pair_of][keep]
        spread = before + 1
        back = _ranges(np.zeros(len(at), dtype=np.int64), spread)
        starts = np.repeat(at, spread) - back
        pattern, row = np.repeat(pattern, spread), np.repeat(row, spread)
        keep = starts >= self.starts[row]
        starts, pattern = starts[keep], pattern[keep]
        n_rule = len(plan.rule_chars)
        column = np.full(len(self.uniques), n_rule, dtype=np.int64)  # per distinct character: its rule column
        at_rule = np.minimum(np.searchsorted(self.uniques, plan.rule_chars), len(self.uniques) - 1)
        listed = self.uniques[at_rule] == plan.rule_chars
        column[at_rule[listed]] = np.flatnonzero(listed)
        keep = plan.first_ok[pattern, column[self.inverse[starts]]]
        # the character before each start; the text's start has the last column
        previous = np.where(starts > 0, column[self.inverse[np.maximum(starts - 1, 0)]], n_rule + 1)
        keep &= plan.after_ok[pattern, previous]
        key = np.sort(pattern[keep] * (len(self.text) + 1) + starts[keep])
        key = key[np.concatenate([[True], key[1:] != key[:-1]])] if len(key) else key
        return key % (len(self.text) + 1), key // (len(self.text) + 1)

    def _match_at(self, plan: ScanPlan, starts: np.ndarray, which: np.ndarray):
        """Per anchored pattern: the matches ``finditer`` finds row by row, when every match starts at
        one of ``starts`` (ascending per pattern): the next match after a cursor is the first match at
        a start past it. Each start is tried once; the matches a previous one overlaps are dropped."""
        text = self.text
        row_end = (self.starts + self.lengths)[self.row[starts]].tolist()
        start_list = starts.tolist()
        bounds = np.searchsorted(which, np.arange(len(plan.patterns) + 1)).tolist()
        hit_starts, hit_ends, hit_pattern = [], [], []
        for p, anchors in enumerate(plan.anchors):
            a, b = bounds[p], bounds[p + 1]
            if not anchors or a == b:
                continue
            found = list(filter(None, map(plan.patterns[p].match, repeat(text, b - a), start_list[a:b], row_end[a:b])))
            hit_starts += map(re.Match.start, found)
            hit_ends += map(re.Match.end, found)
            hit_pattern += repeat(p, len(found))
        s = np.array(hit_starts, dtype=np.int64)
        e = np.array(hit_ends, dtype=np.int64)
        owner = np.array(hit_pattern, dtype=np.int64)
        width = len(text) + 1
        key, end_key = owner * width + s, owner * width + e
        # a match that starts before the end of every earlier one (of its pattern) is kept; the others
        # are kept only if they start at or after the end of the last match kept before them
        overlapping = np.flatnonzero(key[1:] < np.maximum.accumulate(end_key)[:-1]) + 1 if len(key) > 1 else key[:0]
        if len(overlapping):
            starts_at, ends_at = key.tolist(), end_key.tolist()
            dropped = []
            cursor = 0
            last = -2
            for i in overlapping.tolist():
                if i - 1 != last:  # the one before is kept: no earlier match reaches past its start
                    cursor = ends_at[i - 1]
                if starts_at[i] >= cursor:
                    cursor = ends_at[i]
                else:
                    dropped.append(i)
                last = i
            kept = np.ones(len(key), dtype=bool)
            kept[dropped] = False
            s, e, owner = s[kept], e[kept], owner[kept]
        bounds = np.searchsorted(owner, np.arange(len(plan.patterns) + 1)).tolist()
        return [(plan.patterns[p], (s[bounds[p]:bounds[p + 1]], e[bounds[p]:bounds[p + 1]]))
                for p, anchors in enumerate(plan.anchors) if anchors]

    def _scan_rows(self, pattern: re.Pattern, rows: np.ndarray) -> list[int]:
        """``finditer`` over each run of consecutive candidate rows, from its first row's start to its
        last row's end (the separators between them end every match: no match touches two rows).
        Flat: start, end, start, end …"""
        edges = np.flatnonzero(np.diff(np.concatenate([[False], rows, [False]]).astype(np.int8)))
        first, last = edges[0::2], edges[1::2] - 1
        begin = self.starts[first].tolist()
        end = (self.starts[last] + self.lengths[last]).tolist()
        text, finditer = self.text, pattern.finditer
        return [x for b, e in zip(begin, end) for m in finditer(text, b, e) for x in m.span()]

    def match_mask(self, patterns: Sequence[re.Pattern]) -> np.ndarray:
        """Characters covered by a match of any of the patterns."""
        spans = [self.match_spans(rx) for rx in patterns]
        if not spans:
            return np.zeros(len(self.text), dtype=bool)
        return self._cover(np.concatenate([s for s, _ in spans]), np.concatenate([e for _, e in spans]))

    def match_positions(self, patterns: Sequence[re.Pattern]) -> np.ndarray:
        """The characters covered by a match of any of the patterns, as positions (with repeats)."""
        spans = [self.match_spans(rx) for rx in patterns]
        if not spans:
            return np.zeros(0, dtype=np.int64)
        starts = np.concatenate([s for s, _ in spans])
        return _ranges(starts, np.concatenate([e for _, e in spans]) - starts)

    def match_starts(self, patterns: Sequence[re.Pattern]) -> np.ndarray:
        """Where the matches of the patterns start (pattern after pattern)."""
        if not patterns:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([self.match_spans(rx)[0] for rx in patterns])

    def rows_holding(self, words: Iterable[str]) -> np.ndarray:
        """Per row: whether it holds every character of one of the words (somewhere in it)."""
        words = [w for w in set(words) if w]
        self.index_chars({c for w in words for c in w})
        rows = np.zeros(self.n_rows, dtype=bool)
        by_length: dict[int, list[str]] = {}
        for w in words:
            by_length.setdefault(len(w), []).append(w)
        chars = sorted({c for w in words for c in w})
        if not chars:
            return rows
        table = np.stack([self._rows_with[c] for c in chars])
        column = {c: k for k, c in enumerate(chars)}
        for group in by_length.values():
            at = np.array([[column[c] for c in w] for w in group], dtype=np.int64)
            rows |= table[at].all(axis=1).any(axis=0)
        return rows

    def token_mask(self, token_lists: Sequence[Sequence[str]], words: frozenset[str], batch=None) -> np.ndarray:
        """Characters of the tokens that are in ``words``. Each row's tokens must join to its answer;
        a row whose tokens do not is left out (its tokens cannot be placed). ``batch``: the same tokens
        as an ``nlp.tokens.TokenBatch``, read by id; without it, only the rows that hold the characters
        of one of the words are looked at."""
        if batch is not None:
            return self._token_mask_by_ids(batch, words)
        spans = []
        text = self.text
        for r in np.flatnonzero(self.rows_holding(words)).tolist():
            tokens = list(token_lists[r])
            hits = list(map(words.__contains__, tokens))
            if not any(hits):
                continue
            start, length = int(self.starts[r]), int(self.lengths[r])
            if "".join(tokens) != text[start:start + length]:
                continue
            lens = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
            ends = start + np.cumsum(lens)
            hit = np.asarray(hits)
            spans.extend(zip((ends - lens)[hit].tolist(), ends[hit].tolist()))
        return self.span_mask(spans)

    def _token_mask_by_ids(self, batch, words: frozenset[str]) -> np.ndarray:
        listed = batch.vocab.attribute(("listed words", words), lambda strings: [w in words for w in strings], bool)
        hits = np.flatnonzero(listed[batch.ids])
        doc = batch.doc[hits]
        text = self.text
        # the documents with a hit (ascending: tokens are document after document), each checked once
        first = np.concatenate([[True], doc[1:] != doc[:-1]]) if len(doc) else np.zeros(0, dtype=bool)
        docs = doc[first]
        texts = batch.texts
        placed = np.fromiter((texts[d] == text[a:a + n] for d, a, n in
                              zip(docs.tolist(), self.starts[docs].tolist(), self.lengths[docs].tolist())),
                             dtype=bool, count=len(docs))  # texts: the tokens joined
        keep = placed[np.cumsum(first) - 1]
        starts = (self.starts[doc] + batch.start[hits])[keep]
        return self._cover(starts, starts + batch.length[hits][keep])


_ALNUM_BMP: np.ndarray | None = None


def _is_alnum(codes: np.ndarray) -> np.ndarray:
    """Per code point: ``str.isalnum`` of its character (a table of the Basic Multilingual Plane made
    once per process; the characters beyond it one by one)."""
    global _ALNUM_BMP
    if _ALNUM_BMP is None:
        _ALNUM_BMP = np.fromiter((chr(c).isalnum() for c in range(65536)), dtype=bool, count=65536)
    out = _ALNUM_BMP[np.minimum(codes, 65535)]
    wide = np.flatnonzero(codes > 65535)
    if len(wide):
        out[wide] = [chr(c).isalnum() for c in codes[wide].tolist()]
    return out


def _run_starts(ids: np.ndarray) -> np.ndarray:
    """Where each run of equal ids starts, for ids 0, 1, 2 … increasing along the array by steps of
    at most one (layout's sentence and clause ids)."""
    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([[0], np.flatnonzero(ids[1:] != ids[:-1]) + 1])


def _run_counts(mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per run (``starts`` ascending, the last running to the end): how many elements ``mask`` marks."""
    total = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])
    ends = np.append(starts[1:], len(mask))
    return total[ends] - total[starts]


def run_max(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The maximum of ``values`` over each run of ``run_starts`` (every run non-empty)."""
    if not len(starts):
        return np.zeros(0, dtype=float)
    return np.maximum.reduceat(values.astype(float), starts)


def run_any(mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per run (every run non-empty): whether ``mask`` marks one of its elements."""
    return _run_counts(mask, starts) > 0


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``starts[i] + arange(lengths[i])`` for every i, concatenated."""
    total = int(lengths.sum())
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total)


def group_max(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """The maximum of ``values`` over each group id (0 for an empty group); values are non-negative."""
    if len(groups) and groups[0] == 0 and groups[-1] == n_groups - 1 and np.all(np.diff(groups) >= 0):
        # ids ascending along the array (clauses, sentences): each group is one run; a group with no
        # element is the run of length zero between two others, whose reduceat value is discarded
        starts = np.searchsorted(groups, np.arange(n_groups))
        out = np.maximum.reduceat(values.astype(float), np.minimum(starts, len(values) - 1))
        out[np.searchsorted(groups, np.arange(n_groups), side="right") == starts] = 0.0
        return out
    out = np.zeros(n_groups, dtype=float)
    np.maximum.at(out, groups, values)
    return out

