"""The theme tagger: a pooled logistic regression over theme-agnostic evidence features, plus, with
``per_theme``, what each built-in theme's own labels teach.

The pooled part (``coef_``, ``intercept_`` over ``FEATURE_NAMES``, standardized by ``mean_`` and
``scale_``) scores any theme, a user's too. With ``per_theme`` the same logistic regression also learns,
for each theme in its training labels: an offset (``theme_bias_``), a weight per term entry of the
theme file that matched (``term_weight_``: "c|entry", "r|entry", "x|entry" for core, related, exclude:
how much *this* term says, where the pooled part only knows its kind and file weight), and a weight
per answer word (``word_weight_``: words such as 产能 or 募集 that the term lists do not weigh).
Indicator columns are scaled by ``term_scale`` and ``word_scale`` (smaller: more strongly regularized
toward the pooled part); an entry or word seen in fewer than ``min_df`` training rows is not learned.
Stored weights have the scales folded in. A theme without labels (a user's) gets the pooled part alone.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from nlp.features.themes import FEATURE_NAMES
from nlp.models.linear import StandardizedLinear


class ThemeWeights(StandardizedLinear):
    """The theme tagger without scikit-learn's base classes (the scorer predicts with it; ``ThemeTagger``
    is the estimator). Parameters mirror scikit-learn: ``C`` (inverse regularization), ``class_weight``, ``threshold``
    (probability at which a theme is tagged), ``random_state``; ``per_theme``, ``term_scale``,
    ``word_scale``, ``min_df`` as the module says. The defaults are the shipped recipe.

    ``fit(X, y)``: ``X`` a DataFrame with one row per (answer, theme): the ``FEATURE_NAMES`` columns and,
    with ``per_theme``, ``theme`` (its name) and ``keys`` (the matched entries' keys "c|entry" … and the
    answer's words ≥ 2 characters as "w|word"); ``y`` 1 where the theme is tagged.
    """

    FEATURE_NAMES = FEATURE_NAMES

    def __init__(self, C: float = 1.0, class_weight: str | None = None, threshold: float = 0.4, random_state: int = 0,
                 per_theme: bool = True, term_scale: float = 0.5, word_scale: float = 0.2, min_df: int = 3):
        self.C = C
        self.class_weight = class_weight
        self.threshold = threshold
        self.random_state = random_state
        self.per_theme = per_theme
        self.term_scale = term_scale
        self.word_scale = word_scale
        self.min_df = min_df

    def fit(self, X, y, sample_weight=None) -> ThemeWeights:
        from sklearn.linear_model import LogisticRegression

        Z = self._standardize_fit(self._dense(X))
        y = np.asarray(y, dtype=int)
        if len(y) != len(Z):
            raise ValueError(f"ThemeTagger.fit: {len(Z)} rows of X but {len(y)} labels")
        self.classes_ = np.array([0, 1])
        self.theme_bias_, self.term_weight_, self.word_weight_ = {}, {}, {}
        blocks, columns = [sparse.csr_matrix(Z)], []
        if self.per_theme:
            if not hasattr(X, "columns") or not {"theme", "keys"} <= set(X.columns):
                raise ValueError("ThemeTagger(per_theme=True).fit needs 'theme' and 'keys' columns")
            rows = [(t, set(keys)) for t, keys in zip(X["theme"], X["keys"])]
            counts: dict[tuple[str, str], int] = {}
            for t, keys in rows:
                for key in keys:
                    counts[(t, key)] = counts.get((t, key), 0) + 1
            themes = list(dict.fromkeys(t for t, _ in rows))
            columns = [(t, "bias") for t in themes] + sorted(c for c, n in counts.items() if n >= self.min_df)
            index = {c: j for j, c in enumerate(columns)}
            r, c, v = [], [], []
            for i, (t, keys) in enumerate(rows):
                r.append(i), c.append(index[(t, "bias")]), v.append(1.0)
                for key in keys:
                    j = index.get((t, key))
                    if j is not None:
                        r.append(i), c.append(j), v.append(self.word_scale if key.startswith("w|") else self.term_scale)
            blocks.append(sparse.csr_matrix((v, (r, c)), shape=(len(rows), len(columns))))
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, random_state=self.random_state,
                                   max_iter=3000)
        model.fit(sparse.hstack(blocks).tocsr(), y, sample_weight=sample_weight)
        n = Z.shape[1]
        self.coef_ = model.coef_[0][:n].copy()
        self.intercept_ = float(model.intercept_[0])
        for (t, key), w in zip(columns, model.coef_[0][n:]):
            if key == "bias":
                self.theme_bias_[t] = round(float(w), 6)
            elif key.startswith("w|"):
                self.word_weight_.setdefault(t, {})[key[2:]] = round(float(w) * self.word_scale, 6)
            else:
                self.term_weight_.setdefault(t, {})[key] = round(float(w) * self.term_scale, 6)
        return self

    # ---------------------------------------------------------------- prediction
    def compiled(self, themes: Sequence[str]) -> tuple[dict, np.ndarray, np.ndarray, dict]:
        """The per-theme weights for ``themes`` (in that order) as (feature → row, weight matrix rows ×
        themes, offsets, row → word): a word's row holds its weight for every theme, a term entry's
        ((theme, "c|entry")) only for its own theme. Row 0 stays zero."""
        column = {t: j for j, t in enumerate(themes)}
        index: dict = {}
        cells: list[tuple[int, int, float]] = []
        for t, weights in sorted(self.word_weight_.items()):
            if t in column:
                for word, w in weights.items():
                    cells.append((index.setdefault(word, len(index) + 1), column[t], w))
        for t, weights in sorted(self.term_weight_.items()):
            if t in column:
                for entry, w in weights.items():
                    cells.append((index.setdefault((t, entry), len(index) + 1), column[t], w))
        matrix = np.zeros((len(index) + 1, len(themes)))
        for i, j, w in cells:
            matrix[i, j] = w
        bias = np.array([self.theme_bias_.get(t, 0.0) for t in themes])
        return index, matrix, bias, {i: w for w, i in index.items() if isinstance(w, str)}

    def decision_arrays(self, dense: np.ndarray, n_themes: int, indicators=None, compiled=None) -> np.ndarray:
        """Decision values (answers × themes) from dense rows (answer by answer, theme by theme) and, with
        per-theme weights, the answers' binary indicator rows over ``compiled(themes)``."""
        self._check_fitted()
        z = self._linear(dense).reshape(-1, n_themes)
        if indicators is not None and compiled is not None and self.theme_bias_:
            _, matrix, bias, _ = compiled
            z = z + np.asarray(indicators @ matrix) + bias
        return z

    def predict_proba_arrays(self, dense, n_themes, indicators=None, compiled=None) -> np.ndarray:
        return _sigmoid(self.decision_arrays(dense, n_themes, indicators, compiled))

    def _frame_arrays(self, X):
        """Dense rows, and per-row indicator rows over the row's own theme's compiled weights."""
        dense = self._dense(X)
        extra = np.zeros(len(dense))
        if self.per_theme and self.theme_bias_ and hasattr(X, "columns") and "theme" in X.columns:
            for i, (t, keys) in enumerate(zip(X["theme"], X["keys"])):
                extra[i] = self.theme_bias_.get(t, 0.0) + sum(
                    self.word_weight_.get(t, {}).get(k[2:], 0.0) if k.startswith("w|")
                    else self.term_weight_.get(t, {}).get(k, 0.0) for k in set(keys))
        return dense, extra

    def decision_function(self, X) -> np.ndarray:
        self._check_fitted()
        dense, extra = self._frame_arrays(X)
        return self._linear(dense) + extra

    def predict_proba(self, X) -> np.ndarray:
        p = _sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= self.threshold).astype(int)

    def top_words(self, compiled, row_indices: Sequence[int], theme_column: int, n: int = 3) -> tuple:
        """The answer words (of its indicator rows) whose per-theme weights moved a theme's decision value
        most: ((word, contribution), ...), strongest first (ties by word)."""
        _, matrix, _, words = compiled
        rows = np.asarray(row_indices, dtype=np.int64)
        rows = rows[matrix[rows, theme_column] != 0.0] if len(rows) else rows
        found = [(words[i], round(w, 4)) for i, w in zip(rows.tolist(), matrix[rows, theme_column].tolist())
                 if i in words]
        return tuple(sorted(found, key=lambda wc: (-abs(wc[1]), wc[0]))[:n])

    # ---------------------------------------------------------------- JSON
    def to_dict(self) -> dict:
        d = self._base_dict()
        if self.theme_bias_:
            d["per_theme"] = {"bias": self.theme_bias_, "terms": self.term_weight_, "words": self.word_weight_}
        return d

    @classmethod
    def from_dict(cls, d: dict, allow_stale: bool = False) -> ThemeWeights:
        self = cls._from_base(d, allow_stale)
        if self.fitted:
            self.classes_ = np.array([0, 1])
            part = d.get("per_theme", {})
            self.theme_bias_ = dict(part.get("bias", {}))
            self.term_weight_ = {t: dict(w) for t, w in part.get("terms", {}).items()}
            self.word_weight_ = {t: dict(w) for t, w in part.get("words", {}).items()}
        return self


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))
