"""A chunk of answers as one text and per-character arrays: the ground every answer measure works on.

The answers are joined with a newline (itself a sentence break), and numpy turns the matches of the
compiled regular expressions into per-character masks; a character's row, sentence and clause come
from cumulative sums. A pattern scans only the rows that hold one of each of its required texts
(``measure_patterns.required_texts``; tested by one character of each text, from a table of which rows
hold which characters), a run of consecutive such rows at a time. Each row is scanned up to its end, so
no match touches two answers, and a row's values never depend on the rows that share its chunk.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from nlp.features.measure_patterns import TEXT_START, Required, required_texts, start_rule

SEPARATOR = "\n"
# docs/labeling_measures.md: sentences end after 。！？； (full or half width); line breaks, commas and
# colons do not end one. Clauses also end at commas, semicolons and colons (not at the 、 of a list).
SENTENCE_BREAK_CHARS = "。！？；!?;"
CLAUSE_BREAK_CHARS = SENTENCE_BREAK_CHARS + "，,：:"


def _char_set_mask(codes: np.ndarray, chars: Iterable[str]) -> np.ndarray:
    return np.isin(codes, np.array([ord(c) for c in chars], dtype=np.uint32))


def _distinct(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(codes, return_inverse=True)`` by counting (code points are small integers)."""
    if not len(codes):
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    seen = np.bincount(codes, minlength=int(codes.max()) + 1) > 0
    uniques = np.flatnonzero(seen).astype(np.uint32)
    index = np.cumsum(seen) - 1
    return uniques, index[codes]


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

    def __post_init__(self):
        self._spans: dict[re.Pattern, tuple[np.ndarray, np.ndarray]] = {}
        self._rows_with: dict[str, np.ndarray] = {}  # per indexed character: which rows hold it
        self._positions: dict[str, np.ndarray] = {}  # per indexed character: where it occurs
        self._indexed: set[re.Pattern] = set()  # patterns whose characters are indexed
        self._held: dict[tuple[str, ...], np.ndarray] = {}  # per set of texts: the rows holding one
        self._found: dict[str, np.ndarray] = {}  # per text: where it starts
        self._rarest_of: dict[str, str] = {}

    @property
    def n_rows(self) -> int:
        return len(self.starts)

    @classmethod
    def build(cls, answers: Sequence[str]) -> ChunkLayout:
        texts = ["" if a is None else str(a) for a in answers]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = np.zeros(len(texts), dtype=np.int64)
        if len(texts) > 1:
            starts[1:] = np.cumsum(lengths[:-1] + 1)
        text = SEPARATOR.join(texts)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        # each answer's characters, then its separator: the separator belongs to the row before it
        row = np.repeat(np.arange(len(texts)), lengths + 1)[: len(text)]
        uniques, inverse = _distinct(codes)
        alnum = np.fromiter((chr(c).isalnum() for c in uniques.tolist()), dtype=bool, count=len(uniques))
        content = alnum[inverse]
        separator = np.zeros(len(text), dtype=bool)
        separator[starts[1:] - 1] = True
        sentence_break = _char_set_mask(uniques, SENTENCE_BREAK_CHARS)[inverse] | separator
        clause_break = _char_set_mask(uniques, CLAUSE_BREAK_CHARS)[inverse] | separator
        sentence = np.cumsum(sentence_break) - sentence_break
        clause = np.cumsum(clause_break) - clause_break
        return cls(text, starts, lengths, row, content, sentence, clause, codes, uniques, inverse)

    def per_row(self, values: np.ndarray) -> np.ndarray:
        """The sum of a per-character array over each row."""
        return np.bincount(self.row, weights=values, minlength=self.n_rows)

    def span_mask(self, spans: Iterable[tuple[int, int]]) -> np.ndarray:
        """Characters covered by any of the (start, end) spans."""
        spans = np.asarray(list(spans), dtype=np.int64).reshape(-1, 2)
        return self._cover(spans[:, 0], spans[:, 1])

    def _cover(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        n = len(self.text)
        if not len(starts):
            return np.zeros(n, dtype=bool)
        depth = np.bincount(starts, minlength=n + 1) - np.bincount(ends, minlength=n + 1)
        return np.cumsum(depth[:-1]) > 0

    # ------------------------------------------------------------------ pattern matches
    def index_patterns(self, patterns: Iterable[re.Pattern]) -> None:
        """Index, in one pass over the text, where each character the patterns' required texts are
        tested by occurs (``match_spans`` indexes what is missing itself, a pass a pattern)."""
        patterns = [rx for rx in patterns if rx not in self._indexed]
        if not patterns:
            return
        self.index_chars({c for rx in patterns for req in required_texts(rx) for t in req.texts for c in t})
        self._indexed.update(patterns)

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
        of_char = column[self.inverse]
        where = np.flatnonzero(of_char >= 0)
        keys = of_char[where]
        # a stable sort of small integers (a radix sort) groups the positions by character, in order
        order = np.argsort(keys.astype(np.int16) if len(missing) < 2**15 else keys, kind="stable")
        positions = where[order]
        bounds = np.searchsorted(keys[order], np.arange(len(missing) + 1))
        table = np.zeros((len(missing), self.n_rows), dtype=bool)
        table[keys, self.row[where]] = True
        for k, c in enumerate(missing):
            self._positions[c] = positions[bounds[k]:bounds[k + 1]]
            self._rows_with[c] = table[k]

    def candidate_rows(self, pattern: re.Pattern) -> np.ndarray:
        """Per row: whether it holds one of each of the pattern's required texts (tested by each text's
        rarest character in the chunk), so that a match of the pattern may lie in it."""
        self.index_patterns((pattern,))
        rows = np.ones(self.n_rows, dtype=bool)
        for req in required_texts(pattern):
            rows &= self._rows_holding_one(req.texts)
        return rows

    def _rows_holding_one(self, texts: tuple[str, ...]) -> np.ndarray:
        held = self._held.get(texts)
        if held is None:
            chars = {self._rarest(t) for t in texts}
            held = self._held[texts] = np.logical_or.reduce([self._rows_with[c] for c in chars])
        return held

    def _rarest(self, text: str) -> str:
        """The character of ``text`` occurring least often in the chunk (its characters indexed)."""
        if len(text) == 1:
            return text
        found = self._rarest_of.get(text)
        if found is None:
            found = self._rarest_of[text] = min(text, key=lambda c: len(self._positions[c]))
        return found

    def _occurrences(self, texts: Sequence[str], rows: np.ndarray) -> np.ndarray:
        """Where each of the texts starts, in the candidate ``rows`` (ascending, with repeats): found at
        each occurrence of its rarest character and checked character by character."""
        found = [self._occurrences_of(t) for t in texts]
        at = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        return np.sort(at[rows[self.row[at]]])

    def _occurrences_of(self, text: str) -> np.ndarray:
        """Where ``text`` starts in the chunk (computed once)."""
        at = self._found.get(text)
        if at is None:
            c = self._rarest(text)
            at = self._positions[c] - text.index(c)
            if len(text) > 1:
                codes = self.codes
                at = at[(at >= 0) & (at + len(text) <= len(codes))]
                for k, ch in enumerate(text):
                    at = at[codes[at + k] == ord(ch)]
            self._found[text] = at
        return at

    def match_spans(self, pattern: re.Pattern) -> tuple[np.ndarray, np.ndarray]:
        """The (starts, ends) of the non-empty matches of ``pattern`` in each row (computed once)."""
        found = self._spans.get(pattern)
        if found is None:
            found = self._spans[pattern] = self._find(pattern)
        return found

    def _find(self, pattern: re.Pattern) -> tuple[np.ndarray, np.ndarray]:
        rows = self.candidate_rows(pattern)
        if not rows.any():
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        bounded = [r for r in required_texts(pattern) if r.before != math.inf]
        # the required texts whose occurrences leave the fewest places a match may start at
        anchor = min(bounded, key=lambda r: (r.before + 1) * sum(len(self._positions[self._rarest(t)]) for t in r.texts),
                     default=None)
        if anchor is None:
            spans = self._scan_rows(pattern, rows)
        else:
            spans = self._match_at(pattern, self._starts_near(pattern, anchor, rows))
        flat = np.array(spans, dtype=np.int64)  # start, end, start, end …: quicker than pairs
        starts, ends = flat[0::2], flat[1::2]
        keep = ends > starts
        return starts[keep], ends[keep]

    def _starts_near(self, pattern: re.Pattern, anchor: Required, rows: np.ndarray) -> np.ndarray:
        """Every place a match may start at (ascending): at most ``anchor.before`` characters before an
        occurrence of one of the anchor's texts, in its row, on one of the pattern's first characters."""
        found = self._occurrences(anchor.texts, rows)
        if not len(found):
            return found
        row_start = self.starts[self.row[found]]
        before = int(anchor.before)
        starts = (found[:, None] - np.arange(before + 1)).ravel()
        starts = starts[starts >= np.repeat(row_start, before + 1)]
        rule = start_rule(pattern)
        if rule.first is not None:
            starts = starts[self._holds(rule.first)[self.inverse[starts]]]
        if rule.not_first:
            starts = starts[~self._holds(rule.not_first)[self.inverse[starts]]]
        if rule.after is not None or rule.not_after:
            # the character before each start; the text's start is -1
            previous = np.where(starts > 0, self.inverse[np.maximum(starts - 1, 0)], -1)
            if rule.after is not None:
                allowed = np.append(self._holds(rule.after), TEXT_START in rule.after)
                starts = starts[allowed[previous]]
                previous = np.where(starts > 0, self.inverse[np.maximum(starts - 1, 0)], -1)
            if rule.not_after:
                barred = np.append(self._holds(rule.not_after), TEXT_START in rule.not_after)
                starts = starts[~barred[previous]]
        starts = np.sort(starts)
        return starts[np.concatenate([[True], starts[1:] != starts[:-1]])] if len(starts) else starts

    def _holds(self, chars: frozenset[str]) -> np.ndarray:
        """Per distinct character of the text (``uniques``): whether it is one of ``chars``."""
        out = np.zeros(len(self.uniques), dtype=bool)
        codes = np.array([ord(c) for c in chars if c], dtype=np.uint32)
        if len(self.uniques) and len(codes):
            at = np.minimum(np.searchsorted(self.uniques, codes), len(self.uniques) - 1)
            out[at[self.uniques[at] == codes]] = True
        return out

    def _match_at(self, pattern: re.Pattern, starts: np.ndarray) -> list[int]:
        """The matches ``finditer`` finds row by row, when every match starts at one of ``starts``: the
        next match after a cursor is the first match at a start past it. Flat: start, end, start, end …"""
        if not len(starts):
            return []
        row = self.row[starts]
        row_end = (self.starts[row] + self.lengths[row]).tolist()
        text, match = self.text, pattern.match
        spans = []
        cursor = 0
        for start, end in zip(starts.tolist(), row_end):
            if start < cursor:
                continue
            m = match(text, start, end)
            if m is not None:
                span = m.span()
                spans += span
                cursor = span[1]
        return spans

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
        placed = {}
        for d in np.unique(doc).tolist():
            start = int(self.starts[d])
            placed[d] = batch.texts[d] == text[start:start + int(self.lengths[d])]  # texts: the tokens joined
        keep = np.array([placed[d] for d in doc.tolist()], dtype=bool)
        starts = (self.starts[doc] + batch.start[hits])[keep]
        return self._cover(starts, starts + batch.length[hits][keep])


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


def group_any(mask: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    return np.bincount(groups, weights=mask.astype(float), minlength=n_groups) > 0
