"""A chunk of answers as one text and per-character arrays: the ground every answer measure works on.

The answers are joined with a newline (itself a sentence break), and numpy turns the matches of the
compiled regular expressions into per-character masks; a character's row, sentence and clause come
from cumulative sums. A pattern scans only the rows that hold one of each of its required texts
(``measure_patterns.required_texts``; tested by one character of each text, from a table of which rows
hold which characters), a run of consecutive such rows at a time. Each row is scanned up to its end, so
no match touches two answers, and a row's values never depend on the rows that share its chunk.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from nlp.features.measure_patterns import required_texts

SEPARATOR = "\n"
# docs/labeling_measures.md: sentences end after 。！？； (full or half width); line breaks, commas and
# colons do not end one. Clauses also end at commas, semicolons and colons (not at the 、 of a list).
SENTENCE_BREAK_CHARS = "。！？；!?;"
CLAUSE_BREAK_CHARS = SENTENCE_BREAK_CHARS + "，,：:"


def _char_set_mask(codes: np.ndarray, chars: str) -> np.ndarray:
    return np.isin(codes, np.array([ord(c) for c in chars], dtype=np.uint32))


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
    uniques: np.ndarray  # the distinct character codes of the text, ascending
    inverse: np.ndarray  # per character: its index in ``uniques``

    def __post_init__(self):
        self._spans: dict[re.Pattern, tuple[np.ndarray, np.ndarray]] = {}
        self._rows_with: dict[str, np.ndarray] = {}  # per character: which rows hold it
        self._row_count: dict[str, int] = {}  # per character: how many rows hold it

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
        uniques, inverse = np.unique(codes, return_inverse=True)
        alnum = np.fromiter((chr(c).isalnum() for c in uniques.tolist()), dtype=bool, count=len(uniques))
        content = alnum[inverse]
        separator = np.zeros(len(text), dtype=bool)
        separator[starts[1:] - 1] = True
        sentence_break = _char_set_mask(codes, SENTENCE_BREAK_CHARS) | separator
        clause_break = _char_set_mask(codes, CLAUSE_BREAK_CHARS) | separator
        sentence = np.cumsum(sentence_break) - sentence_break
        clause = np.cumsum(clause_break) - clause_break
        return cls(text, starts, lengths, row, content, sentence, clause, uniques, inverse)

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
        """Fill the table of rows holding each character the patterns' required texts are tested by,
        in one pass over the text (``match_spans`` fills what is missing itself, a pass at a time)."""
        wanted = {c for rx in patterns for texts in required_texts(rx) for t in texts for c in t}
        missing = sorted(wanted.difference(self._rows_with))
        if not missing:
            return
        codes = np.array([ord(c) for c in missing], dtype=np.uint32)
        at = np.minimum(np.searchsorted(self.uniques, codes), max(len(self.uniques) - 1, 0))
        present = (self.uniques[at] == codes) if len(self.uniques) else np.zeros(len(codes), dtype=bool)
        column = np.full(len(self.uniques), -1, dtype=np.int64)
        column[at[present]] = np.flatnonzero(present)
        of_char = column[self.inverse]
        where = np.flatnonzero(of_char >= 0)
        table = np.zeros((len(missing), self.n_rows), dtype=bool)
        table[of_char[where], self.row[where]] = True
        self._rows_with.update(zip(missing, table))
        self._row_count.update(zip(missing, table.sum(axis=1).tolist()))

    def candidate_rows(self, pattern: re.Pattern) -> np.ndarray:
        """Per row: whether it holds one of each of the pattern's required texts (tested by each text's
        rarest character in the chunk), so that a match of the pattern may lie in it."""
        sets = required_texts(pattern)
        self.index_patterns((pattern,))
        rows_with, count = self._rows_with, self._row_count.__getitem__
        rows = np.ones(self.n_rows, dtype=bool)
        for texts in sets:
            held = np.zeros(self.n_rows, dtype=bool)
            for t in texts:
                held |= rows_with[min(t, key=count) if len(t) > 1 else t]
            rows &= held
        return rows

    def match_spans(self, pattern: re.Pattern) -> tuple[np.ndarray, np.ndarray]:
        """The (starts, ends) of the non-empty matches of ``pattern`` in each row (computed once)."""
        found = self._spans.get(pattern)
        if found is not None:
            return found
        rows = self.candidate_rows(pattern)
        # runs of consecutive candidate rows, each scanned at once from its first row's start to its
        # last row's end (the rows' separators end every match: no match touches two rows)
        edges = np.flatnonzero(np.diff(np.concatenate([[False], rows, [False]]).astype(np.int8)))
        first, last = edges[0::2], edges[1::2] - 1
        begin = self.starts[first].tolist()
        end = (self.starts[last] + self.lengths[last]).tolist()
        text, finditer = self.text, pattern.finditer
        spans = [m.span() for b, e in zip(begin, end) for m in finditer(text, b, e)]
        spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
        spans = spans[spans[:, 1] > spans[:, 0]]
        found = (spans[:, 0].copy(), spans[:, 1].copy())
        self._spans[pattern] = found
        return found

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

    def token_mask(self, token_lists: Sequence[Sequence[str]], words: frozenset[str]) -> np.ndarray:
        """Characters of the tokens that are in ``words``. Each row's tokens must join to its answer;
        a row whose tokens do not is left out (its tokens cannot be placed)."""
        spans = []
        text = self.text
        for r, tokens in enumerate(token_lists):
            tokens = list(tokens)
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


def group_max(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """The maximum of ``values`` over each group id (0 for an empty group); values are non-negative."""
    out = np.zeros(n_groups, dtype=float)
    np.maximum.at(out, groups, values)
    return out


def group_any(mask: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    return np.bincount(groups, weights=mask.astype(float), minlength=n_groups) > 0
