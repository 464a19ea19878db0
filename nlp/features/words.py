"""The words of each answer that learned weights read, with negation marks, as sparse count matrices.

``WordTokens.transform`` keeps, per text of a ``TokenBatch``, the tokens that are words: courtesy
(谢谢, 感谢您的关注; found by the tone lexicon) is left out, as it carries no tone, and so are punctuation,
bare numbers and stopwords (``nlp/lang/zh_ir/stopwords.txt``: 和, 了, 的 explain nothing). A word within
``NEGATION_WINDOW`` words after a negator, in the same clause, is read as ``NEGATED_MARK`` + word, so
没有增长 does not count as 增长 (negation marking, Das & Chen 2001). A negator that is a stopword (没有)
still negates but is not read as a word.

Everything is vectorized over the batch: a token's kind is an attribute of its id (computed once per
distinct token), the negation window is a running maximum within clauses.
"""
from __future__ import annotations

import re
from itertools import repeat
from typing import NamedTuple

import numpy as np
from scipy import sparse

from nlp.features.tone import NEGATION_WINDOW
from nlp.tokens import CLAUSE_BREAKS

NEGATED_MARK = "¬"  # prefix of a negated token in the learned words' vocabulary (¬增长)
_WORDLIKE = re.compile(r"[^\W\d_]")  # a letter or a character: not punctuation, not a bare number
SKIP, BREAK, NEGATOR, QUIET_NEGATOR, WORD = range(5)


class Words(NamedTuple):
    """The word tokens of a batch, text after text, in text order."""

    doc: np.ndarray  # the text of each word token
    ids: np.ndarray  # its token id (``Vocab``)
    negated: np.ndarray  # read with ``NEGATED_MARK``
    position: np.ndarray  # its index in the batch's flat tokens

    def strings(self, vocab) -> list[str]:
        strings = vocab.strings
        return [NEGATED_MARK + strings[i] if n else strings[i] for i, n in zip(self.ids.tolist(), self.negated.tolist())]


class WordTokens:
    def __init__(self, negators, stopwords):
        self.negators = frozenset(negators)
        self.stopwords = frozenset(stopwords)

    def _kinds(self, strings) -> list[int]:
        out = []
        for token in strings:
            if not _WORDLIKE.search(token):  # punctuation (a clause break at most) or a bare number
                out.append(BREAK if token in CLAUSE_BREAKS else SKIP)
            elif token in self.negators:
                out.append(QUIET_NEGATOR if token in self.stopwords else NEGATOR)
            else:
                out.append(SKIP if token in self.stopwords else WORD)
        return out

    def transform(self, batch, courtesy: np.ndarray) -> Words:
        """``courtesy``: per token of the batch, inside a courtesy phrase (``LexiconEvidence.courtesy``)."""
        kind = batch.vocab.attribute(("word_kind", id(self)), self._kinds, np.int8)[batch.ids]
        n = len(kind)
        idx = np.arange(n)
        is_word = (kind == WORD) & ~courtesy
        is_negator = ((kind == NEGATOR) | (kind == QUIET_NEGATOR)) & ~courtesy
        text_start = np.zeros(n, dtype=bool)
        text_start[batch.doc_ptr[:-1][np.diff(batch.doc_ptr) > 0]] = True
        # a window opens at a negator and closes at a clause break or a new text
        last_negator = np.maximum.accumulate(np.where(is_negator, idx, -1)) if n else idx
        last_reset = np.maximum.accumulate(np.where(kind == BREAK, idx, np.where(text_start, idx - 1, -1))) if n else idx
        words_so_far = np.cumsum(is_word)
        open_ = last_negator > last_reset
        between = words_so_far - 1 - words_so_far[np.maximum(last_negator, 0)]  # words after the negator, before this one
        negated = is_word & open_ & (between < NEGATION_WINDOW)
        keep = np.flatnonzero(is_word | (is_negator & (kind == NEGATOR)))
        return Words(batch.doc[keep], batch.ids[keep], negated[keep], keep)


def column_table(vocab, columns: dict[str, int], key) -> tuple[np.ndarray, np.ndarray]:
    """Per token id: its column in ``columns`` (a word → column mapping), plain and negated; -1 for none."""
    def plain(strings):
        return list(map(columns.get, strings, repeat(-1)))

    def marked(strings):
        return list(map(columns.get, map(NEGATED_MARK.__add__, strings), repeat(-1)))

    return (vocab.attribute(("columns", key, "plain"), plain, np.int64),
            vocab.attribute(("columns", key, "negated"), marked, np.int64))


def count_matrix(words: Words, n_docs: int, tables: tuple[np.ndarray, np.ndarray], n_columns: int,
                 binary: bool = False) -> sparse.csr_matrix:
    """Texts × columns counts of the words (a word outside the columns is not counted)."""
    plain, marked = tables
    cols = np.where(words.negated, marked[words.ids], plain[words.ids]) if len(words.ids) else np.zeros(0, np.int64)
    known = cols >= 0
    matrix = sparse.csr_matrix((np.ones(int(known.sum())), (words.doc[known], cols[known])), shape=(n_docs, n_columns))
    matrix.sum_duplicates()
    if binary:
        matrix.data[:] = 1.0
    return matrix

