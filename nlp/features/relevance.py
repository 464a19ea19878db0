"""Relevance (答非所问, 卞世博, 管之凡 & 阎志鹏 2021): how much an answer addresses its question, as the
cosine of the two texts in a latent semantic space learned on unlabelled briefing answers and questions,
normalized by its rank among real question-answer pairs.

The space (``nlp/lang/zh_ir/relevance.npz``, rebuilt by ``python bench/build_relevance.py``) holds a
vocabulary with its IDF, the TruncatedSVD (LSA) components, the mixing weight ``alpha`` and the
quantiles of the mixed cosine over the real pairs of the corpus. A text becomes scikit-learn's TF-IDF
vector of its tokens (sublinear term frequency, L2-normalized; tokens outside the vocabulary are
ignored; built with numpy from one dictionary look-up a token, equal to ``TfidfVectorizer.transform``); the TF-IDF cosine rewards the words answer and question share, the LSA cosine (the vectors
projected on the components, L2-normalized again) words that occur in the same contexts:

    cos = alpha * cos_tfidf(answer, question) + (1 - alpha) * cos_lsa(answer, question)
    relevance = F_real(cos)   in [0, 1]   (0.5: as relevant as the median real pair of the corpus)

NaN when the question is empty or holds no vocabulary word; an answer with no vocabulary word has cosine
0. The shipped file is numbers and single vocabulary words only (no text), read with
``allow_pickle=False``.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from itertools import chain, repeat

import numpy as np

from nlp.lang import display_path, read_bytes
from nlp.records import IrtoneError

RELEVANCE_FILE = "relevance.npz"


def identity_analyzer(tokens):
    """The analyzer of the TF-IDF vectorizer: the given tokens (already cut by ``nlp.tokens``)."""
    return tokens


@dataclass(frozen=True, eq=False)  # identity hash: one cached vectorizer per space
class RelevanceSpace:
    vocabulary: tuple[str, ...]
    idf: np.ndarray  # (V,)
    components: np.ndarray  # (k, V) float32: rows of the SVD, in TF-IDF coordinates
    quantiles: np.ndarray  # cosine of real pairs at the probabilities ``probabilities``
    probabilities: np.ndarray
    alpha: float = 1.0  # weight of the TF-IDF cosine; the rest is the LSA cosine

    @classmethod
    def from_npz(cls, data: bytes, source: str) -> RelevanceSpace:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as z:
                vocabulary = tuple(z["vocabulary"].tolist())
                idf = z["idf"].astype(np.float64)
                components = z["components"].astype(np.float32) * z["component_scale"].astype(np.float32)[:, None]
                quantiles = z["quantiles"].astype(np.float64)
                probabilities = z["probabilities"].astype(np.float64)
                alpha = float(z["alpha"])
        except (KeyError, ValueError, OSError) as exc:
            raise IrtoneError(source, f"not a relevance space ({exc})") from None
        if len(idf) != len(vocabulary) or components.shape[1] != len(vocabulary) or len(quantiles) != len(probabilities):
            raise IrtoneError(source, "relevance space arrays disagree in size")
        if not 0.0 <= alpha <= 1.0 or not np.all(np.diff(quantiles) >= 0):
            raise IrtoneError(source, "relevance space: alpha outside [0, 1] or quantiles not increasing")
        return cls(vocabulary, idf, components, quantiles, probabilities, alpha)

    @property
    def vectorizer(self):
        """scikit-learn's ``TfidfVectorizer`` of the space (``tfidf`` gives the same rows)."""
        return _vectorizer(self)

    @cached_property
    def _components_t(self) -> np.ndarray:
        """The components transposed, float64 and contiguous: what the sparse product would convert
        them to at every call (so the product is the same)."""
        return np.ascontiguousarray(self.components.T, dtype=np.float64)

    @cached_property
    def index(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.vocabulary)}

    def tfidf(self, token_lists: Sequence[Sequence[str]]):
        """The L2-normalized TF-IDF rows (scipy CSR, sorted indices) of the texts: per vocabulary word
        (1 + ln count) * idf, each row divided by its Euclidean norm (rows without a word stay zero)."""
        counts = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        columns = np.fromiter(map(self.index.get, chain.from_iterable(token_lists), repeat(-1)),
                              dtype=np.int64, count=int(counts.sum()))
        return self._tfidf(columns, counts)

    def tfidf_batch(self, batch):
        """``tfidf`` of the texts of an ``nlp.tokens.TokenBatch``: the vocabulary column of each of its
        vocabulary's strings is looked up once, then indexed by the token ids."""
        columns = batch.vocab.attribute(("relevance", self), self._columns_of, np.int64)[batch.ids]
        return self._tfidf(columns, np.diff(batch.doc_ptr))

    def _columns_of(self, strings: Sequence[str]) -> list[int]:
        get = self.index.get
        return [get(s, -1) for s in strings]

    def _tfidf(self, columns: np.ndarray, counts: np.ndarray):
        """TF-IDF rows from each token's vocabulary column (-1: not a vocabulary word), text after
        text, ``counts[i]`` tokens for text ``i``."""
        from scipy.sparse import csr_matrix

        n, width = len(counts), len(self.vocabulary)
        known = columns >= 0
        # per text, where its vocabulary tokens end: the running count of known tokens at its last token
        ends = np.cumsum(counts)
        seen = np.concatenate([[0], np.cumsum(known)])
        indptr = np.concatenate([[0], seen[ends]]).astype(np.int32)
        indices = columns[known].astype(np.int32)
        # the token counts: scipy sorts each row's columns and sums the repeats
        X = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(n, width))
        X.sum_duplicates()
        row = np.repeat(np.arange(n, dtype=np.int64), np.diff(X.indptr))
        X.data = (np.log(X.data) + 1.0) * self.idf[X.indices]
        norms = np.sqrt(np.bincount(row, weights=X.data * X.data, minlength=n))
        X.data /= norms[row]
        return X

    def project(self, X) -> np.ndarray:
        """TF-IDF rows as unit vectors in the latent space (zero rows where the projection is zero)."""
        Z = np.asarray(X @ self._components_t, dtype=np.float64)
        norms = np.linalg.norm(Z, axis=1)
        return Z / np.where(norms > 0, norms, 1.0)[:, None]

    def cosine(self, answer_tokens, question_tokens, batches=None) -> tuple[np.ndarray, np.ndarray]:
        """The mixed cosine of each (answer, question) row, and whether the question has a vocabulary word.
        ``batches``: (answer ``TokenBatch``, ``TokenBatch`` of the distinct questions, each row's
        question in it) holding the same tokens, read by id instead of by string."""
        if batches is not None:
            answers, distinct, question_of = batches
            A, Q_distinct, which = self.tfidf_batch(answers), self.tfidf_batch(distinct), np.asarray(question_of)
        else:
            A, (Q_distinct, which) = self.tfidf(answer_tokens), self._tfidf_shared(question_tokens)
        Q = Q_distinct[which]
        cos = np.zeros(A.shape[0])
        if self.alpha > 0:
            cos += self.alpha * np.asarray(A.multiply(Q).sum(axis=1)).ravel()
        if self.alpha < 1:
            # each distinct question projected once (a row's projection depends on that row only)
            cos += (1.0 - self.alpha) * np.einsum("ij,ij->i", self.project(A), self.project(Q_distinct)[which])
        return cos, np.diff(Q.indptr) > 0

    def _tfidf_shared(self, token_lists):
        """``tfidf`` of texts of which many are the same list (IR tables repeat a question over several
        answers), each list object once: (the rows of the distinct lists, each text's row in them)."""
        first: dict[int, int] = {}
        which = np.fromiter((first.setdefault(id(t), len(first)) for t in token_lists), dtype=np.int64,
                            count=len(token_lists))
        distinct = list({id(t): t for t in token_lists}.values())
        return self.tfidf(distinct), which

    def normalize(self, cosine: np.ndarray) -> np.ndarray:
        """The share of real pairs whose cosine is below ``cosine`` (interpolated between quantiles)."""
        return np.interp(cosine, self.quantiles, self.probabilities)


@lru_cache(maxsize=8)
def _vectorizer(space: RelevanceSpace):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=identity_analyzer, vocabulary={w: i for i, w in enumerate(space.vocabulary)},
                          sublinear_tf=True, norm="l2", dtype=np.float64)
    vec.idf_ = space.idf
    return vec


@cache
def load_space() -> RelevanceSpace:
    return RelevanceSpace.from_npz(read_bytes(RELEVANCE_FILE), display_path(RELEVANCE_FILE))


def relevance(questions: Sequence[str], answer_tokens, question_tokens, space: RelevanceSpace | None = None,
              batches=None) -> np.ndarray:
    """Per row: relevance in [0, 1], NaN without a question (see the module's docstring; ``batches``:
    as ``RelevanceSpace.cosine``)."""
    space = load_space() if space is None else space
    n = len(questions)
    if n == 0:
        return np.zeros(0)
    cosine, question_ok = space.cosine(answer_tokens, question_tokens, batches)
    try:  # the scorer's questions are strings: stripped at C speed
        asked = np.fromiter(map(bool, map(str.strip, questions)), dtype=bool, count=n)
    except TypeError:
        asked = np.fromiter((bool(q and str(q).strip()) for q in questions), dtype=bool, count=n)
    return np.where(asked & question_ok, space.normalize(cosine), np.nan)
