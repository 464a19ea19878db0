"""A chunk of answers as one text and per-character arrays: the ground every answer measure works on.

The answers are joined with a newline (itself a sentence break), so one compiled regular expression
scans the whole chunk once, and numpy turns its matches into per-character masks; a character's row,
sentence and clause come from cumulative sums. Patterns never reach across a newline (see
``nlp/lang/zh_ir/measures.json``), so no match touches two answers, and a row's values never depend on
the rows that share its chunk.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

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
        return cls(text, starts, lengths, row, content, sentence, clause)

    def per_row(self, values: np.ndarray) -> np.ndarray:
        """The sum of a per-character array over each row."""
        return np.bincount(self.row, weights=values, minlength=self.n_rows)

    def span_mask(self, spans: Iterable[tuple[int, int]]) -> np.ndarray:
        """Characters covered by any of the (start, end) spans."""
        diff = np.zeros(len(self.text) + 1, dtype=np.int64)
        spans = np.asarray(list(spans), dtype=np.int64).reshape(-1, 2)
        if len(spans):
            np.add.at(diff, spans[:, 0], 1)
            np.add.at(diff, spans[:, 1], -1)
        return np.cumsum(diff[:-1]) > 0

    def match_mask(self, patterns: Sequence[re.Pattern]) -> np.ndarray:
        return self.span_mask(m.span() for rx in patterns for m in rx.finditer(self.text) if m.end() > m.start())

    def match_starts(self, patterns: Sequence[re.Pattern]) -> np.ndarray:
        return np.fromiter((m.start() for rx in patterns for m in rx.finditer(self.text) if m.end() > m.start()),
                           dtype=np.int64)

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
