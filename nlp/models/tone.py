"""The tone model: from lexicon features and an answer's learned words to a tone score in [-1, 1].

``objective="logistic"`` (the shipped recipe): two logistic regressions, one for "the annotators call it
positive" (tone > 0), one for "negative" (tone < 0); the score is P(positive) - P(negative). The two
sides learn their own weights, and a side's probability saturates: a few strong negative words need not
outweigh every positive word linearly, as they must in one regression. ``objective="ridge"``: one ridge
regression on the labelled tone, clipped.

With ``words``, the answer's words (``nlp.features.words``: negation-marked, stopwords and courtesy out)
enter as a TF-IDF bag (scikit-learn's ``CountVectorizer`` + ``TfidfTransformer``: sublinear tf, smoothed
idf, L2 norm) beside the standardized lexicon features, which are multiplied by ``lexicon_scale``
before the joint fit (smaller: their weights are penalized more against the words').
"""
from __future__ import annotations

import math

import numpy as np
from scipy import sparse

from nlp.models.linear import StandardizedLinear

FEATURE_NAMES = (
    "positive",  # log1p(summed positive weight)
    "promised",  # log1p(positive weight that only states plans)
    "negative",  # log1p(summed negative weight)
    "net",  # (pos - neg) / (pos + neg + 1)
    "positive_density",  # positive weight per sentence
    "negative_density",
    "hedge",  # log1p(hedge weight)
    "deflection",  # share of boilerplate sentences
    "log_length",
)
# The question is not among the features: an answer's tone is its own, the same under any question
# (the question's tone is scored apart, by the same model: ``question_tone``).


def given_tokens(doc):
    """The analyzer of the word vectorizer: the documents are token lists already."""
    return doc


def lexicon_features(positive, negative, promised, hedge, deflection, n_sentences, length) -> np.ndarray:
    """The tone features (``FEATURE_NAMES``) of many texts (arrays of ``LexiconEvidence``)."""
    n = len(positive)
    return np.column_stack([
        np.log1p(positive),
        np.log1p(promised),
        np.log1p(negative),
        (positive - negative) / (positive + negative + 1.0),
        positive / n_sentences,
        negative / n_sentences,
        np.log1p(hedge),
        deflection,
        np.log1p(length),
    ]) if n else np.zeros((0, len(FEATURE_NAMES)))


class ToneWeights(StandardizedLinear):
    """The tone model without scikit-learn's base classes (the scorer predicts with it; ``ToneModel`` is
    the estimator). Parameters: ``objective`` ("logistic" or "ridge"), ``C`` (the logistic sides' inverse penalty),
    ``alpha`` (ridge penalty), ``words`` (learn word weights), ``lexicon_scale``, ``min_df`` (a word must
    occur in this many training answers), ``extra_features`` (names of signals appended after the
    lexicon features, e.g. ("snownlp",)).

    ``fit(X, y)``: ``X`` a DataFrame with the ``FEATURE_NAMES`` (+ extra) columns and, with ``words``, a
    ``words`` column (each answer's word tokens); ``y`` the labelled tone in [-1, 1]. Learned:
    ``coef_``, ``intercept_`` (logistic: the positive side), ``coef_neg_``, ``intercept_neg_``, ``mean_``,
    ``scale_``, and with ``words`` ``vocabulary_`` (word → column), ``idf_``, ``word_coef_``,
    ``word_coef_neg_``.
    """

    FEATURE_NAMES = FEATURE_NAMES
    OBJECTIVES = ("ridge", "logistic")

    def __init__(self, objective: str = "logistic", C: float = 3.0, alpha: float = 30.0, words: bool = True,
                 lexicon_scale: float = 0.1, min_df: int = 2, extra_features: tuple[str, ...] = ()):
        self.objective = objective
        self.C = C
        self.alpha = alpha
        self.words = words
        self.lexicon_scale = lexicon_scale
        self.min_df = min_df
        self.extra_features = extra_features

    @property
    def two_sided(self) -> bool:
        return self.objective == "logistic"

    def fit(self, X, y, sample_weight=None) -> ToneWeights:
        if self.objective not in self.OBJECTIVES:
            raise ValueError(f"ToneModel objective must be one of {self.OBJECTIVES}, got {self.objective!r}")
        Z = self._standardize_fit(self._dense(X))
        y = np.asarray(y, dtype=float)
        if len(y) != len(Z):
            raise ValueError(f"ToneModel.fit: {len(Z)} rows of X but {len(y)} labels")
        k = Z.shape[1]
        design = Z
        if self.words:
            if not hasattr(X, "columns") or "words" not in X.columns:
                raise ValueError("ToneModel(words=True).fit needs a 'words' column (each answer's word tokens)")
            from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

            vectorizer = CountVectorizer(analyzer=given_tokens, min_df=self.min_df)
            try:
                counts = vectorizer.fit_transform(list(X["words"]))
                self.vocabulary_ = dict(vectorizer.vocabulary_)
                self.idf_ = TfidfTransformer(sublinear_tf=True).fit(counts).idf_
            except ValueError:  # no word in min_df answers: nothing to learn from words
                counts = sparse.csr_matrix((len(Z), 0))
                self.vocabulary_, self.idf_ = {}, np.zeros(0)
            design = sparse.hstack([sparse.csr_matrix(Z * self.lexicon_scale), self.tfidf(counts)]).tocsr()
        scale = np.full(k, self.lexicon_scale if self.words else 1.0)
        if self.two_sided:
            (coef, self.intercept_), (coef_neg, self.intercept_neg_) = (
                self._fit_side(design, side, sample_weight) for side in (y > 0, y < 0))
            self.coef_, self.coef_neg_ = coef[:k] * scale, coef_neg[:k] * scale
        else:
            from sklearn.linear_model import Ridge

            solver = dict(solver="sparse_cg", tol=1e-8, max_iter=10000) if self.words else {}
            model = Ridge(alpha=self.alpha, **solver).fit(design, y, sample_weight=sample_weight)
            coef, coef_neg = model.coef_, None
            self.coef_ = coef[:k] * scale
            self.intercept_ = float(model.intercept_)
        if self.words:
            self.word_coef_ = np.round(coef[k:], 6)
            self.word_coef_neg_ = None if coef_neg is None else np.round(coef_neg[k:], 6)
        return self

    def _fit_side(self, design, side: np.ndarray, sample_weight) -> tuple[np.ndarray, float]:
        """One logistic side: (coefficients, intercept). Labels without both classes (no negative
        answer among them) give zero weights and the smoothed base rate's log-odds."""
        from sklearn.linear_model import LogisticRegression

        if side.all() or not side.any():
            rate = (side.sum() + 0.5) / (len(side) + 1.0)
            return np.zeros(design.shape[1]), float(math.log(rate / (1.0 - rate)))
        model = LogisticRegression(C=self.C, max_iter=5000, tol=1e-8).fit(design, side, sample_weight=sample_weight)
        return model.coef_[0], float(model.intercept_[0])

    # ---------------------------------------------------------------- prediction
    def tfidf(self, counts) -> sparse.csr_matrix:
        """TF-IDF rows (sublinear tf, idf, L2 norm) of answers × ``vocabulary_`` word counts."""
        T = sparse.csr_matrix(counts, dtype=float, copy=True)
        np.log(T.data, out=T.data)
        T.data += 1.0
        T = T @ sparse.diags(self.idf_)
        norms = np.sqrt(np.asarray(T.multiply(T).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ T)

    def _word_totals(self, T) -> tuple[np.ndarray, np.ndarray | None]:
        if T is None or not self.words:
            n = 0 if T is None else T.shape[0]
            return np.zeros(n), (np.zeros(n) if self.two_sided else None)
        return T @ self.word_coef_, (T @ self.word_coef_neg_ if self.two_sided else None)

    def decision_arrays(self, dense: np.ndarray, counts=None) -> tuple:
        """(positive side's log-odds, negative side's) — ridge: (linear score, None) — of many answers:
        their dense features and word counts over ``vocabulary_``. Also returns the TF-IDF rows."""
        self._check_fitted()
        T = self.tfidf(counts) if self.words and counts is not None else None
        pos_words, neg_words = self._word_totals(T) if T is not None else (0.0, 0.0)
        pos = self._linear(dense) + pos_words
        neg = self._linear(dense, self.coef_neg_, self.intercept_neg_) + neg_words if self.two_sided else None
        return pos, neg, T

    def predict_arrays(self, dense: np.ndarray, counts=None) -> np.ndarray:
        pos, neg, _ = self.decision_arrays(dense, counts)
        return self._score(pos, neg)

    def _score(self, pos, neg) -> np.ndarray:
        if self.two_sided:
            return _sigmoid(pos) - _sigmoid(neg)
        return np.clip(pos, -1.0, 1.0)

    def word_counts(self, X):
        """Answers × ``vocabulary_`` counts of a DataFrame's ``words`` column."""
        if not self.vocabulary_:
            return sparse.csr_matrix((len(X), 0))
        from sklearn.feature_extraction.text import CountVectorizer

        vectorizer = CountVectorizer(analyzer=given_tokens, vocabulary=self.vocabulary_)
        return vectorizer.transform(list(X["words"]))

    def predict(self, X) -> np.ndarray:
        self._check_fitted()
        counts = self.word_counts(X) if self.words else None
        return self.predict_arrays(self._dense(X), counts)

    def word_contributions(self, pos: np.ndarray, neg, T) -> sparse.csr_matrix:
        """Each learned word's signed share of each answer's score, in the layout of ``T`` (the TF-IDF
        rows). Ridge: the word's term of the sum. Two-sided: the first-order change of P(positive) -
        P(negative) at this answer, ``p(1-p)·w_pos - q(1-q)·w_neg``: near a side's saturation a word
        moves the score less, as it does."""
        T = sparse.csr_matrix(T)
        cols = T.indices
        if not self.two_sided:
            return sparse.csr_matrix((T.data * self.word_coef_[cols], T.indices, T.indptr), shape=T.shape)
        p, q = _sigmoid(pos), _sigmoid(neg)
        rows = np.repeat(np.arange(T.shape[0]), np.diff(T.indptr))
        dp, dq = (p * (1.0 - p))[rows], (q * (1.0 - q))[rows]
        data = dp * (T.data * self.word_coef_[cols]) - dq * (T.data * self.word_coef_neg_[cols])
        return sparse.csr_matrix((data, T.indices, T.indptr), shape=T.shape)

    # ---------------------------------------------------------------- JSON
    def to_dict(self) -> dict:
        d = self._base_dict()
        if self.two_sided:
            d["coef_neg"] = self.coef_neg_.tolist()
            d["intercept_neg"] = self.intercept_neg_
        if self.words:
            # one [idf, coef] pair (two-sided: [idf, coef, coef_neg]) per word, words sorted: a stable, diffable file
            words = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)
            d["words"] = {w: ([float(self.idf_[j]), float(self.word_coef_[j])] +
                              ([float(self.word_coef_neg_[j])] if self.two_sided else []))
                          for j, w in enumerate(words)}
        return d

    @classmethod
    def from_dict(cls, d: dict, allow_stale: bool = False) -> ToneWeights:
        params = dict(d["params"])
        params.setdefault("objective", "ridge")  # files written before the objective was a parameter
        params.setdefault("words", False)
        self = cls._from_base({**d, "params": params}, allow_stale)
        if not self.fitted:
            return self
        if self.two_sided:
            if "coef_neg" not in d:
                raise ValueError("ToneModel(objective='logistic') stored without its negative side; rebuild it")
            self.coef_neg_ = np.asarray(d["coef_neg"], dtype=float)
            self.intercept_neg_ = float(d["intercept_neg"])
        if self.words:
            if "words" not in d:
                raise ValueError("ToneModel(words=True) stored without its word weights; rebuild it")
            words = sorted(d["words"])
            values = np.asarray([d["words"][w] for w in words], dtype=float).reshape(len(words), -1)
            if values.shape[1] != (3 if self.two_sided else 2):
                raise ValueError("ToneModel word weights do not match its objective; rebuild it")
            self.vocabulary_ = {w: j for j, w in enumerate(words)}
            self.idf_ = values[:, 0]
            self.word_coef_ = values[:, 1]
            self.word_coef_neg_ = values[:, 2] if self.two_sided else None
        return self


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))
