"""A standardized linear model stored as JSON: the shared base of ThemeTagger and ToneModel.

Learned state follows scikit-learn's convention (trailing underscores): ``mean_`` and ``scale_``
standardize the features, ``coef_`` and ``intercept_`` weigh them. ``to_dict``/``from_dict``
round-trip through plain JSON (never pickle), and refuse a file fitted on other features.
"""
from __future__ import annotations

import numpy as np


class StandardizedLinear:
    FEATURE_NAMES: tuple[str, ...] = ()
    extra_features: tuple[str, ...] = ()  # optional signals appended after FEATURE_NAMES

    @property
    def expected_features(self) -> tuple[str, ...]:
        return tuple(self.FEATURE_NAMES) + tuple(self.extra_features)

    def get_params(self) -> dict:
        raise NotImplementedError

    def _standardize_fit(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        if X.shape[1] != len(self.expected_features):
            raise ValueError(f"{type(self).__name__} expects {len(self.expected_features)} features, got {X.shape[1]}")
        self.feature_names_ = self.expected_features
        return (X - self.mean_) / self.scale_

    def _linear(self, X) -> np.ndarray:
        return ((np.asarray(X, dtype=float) - self.mean_) / self.scale_) @ self.coef_ + self.intercept_

    def _linear_rows(self, X, coef=None, intercept=None) -> np.ndarray:
        """``_linear`` of a (rows, features) matrix, one vectorized pass for many answers. The products
        are summed feature by feature, in order, as a one-row dot product does: a BLAS matrix
        product rounds a row differently depending on its position in the matrix, and a row's score
        must not depend on which other answers were scored with it."""
        if coef is None:  # another weight vector over the same standardized features (ToneModel's second side)
            coef, intercept = self.coef_, self.intercept_
        Z = (np.asarray(X, dtype=float) - self.mean_) / self.scale_
        if Z.shape[0] == 0:
            return np.zeros(0)
        out = Z[:, 0] * coef[0]
        for j in range(1, Z.shape[1]):
            out += Z[:, j] * coef[j]
        return out + intercept

    def to_dict(self) -> dict:
        return {
            "params": self.get_params(),
            "feature_names": list(self.feature_names_),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
        }

    @property
    def fitted(self) -> bool:
        return hasattr(self, "coef_")

    @classmethod
    def from_dict(cls, d: dict, allow_stale: bool = False):
        """The model stored by ``to_dict``. A model fitted on other features raises ValueError, or with
        ``allow_stale`` comes back unfitted with its parameters (to be refitted: bench/train_models.py)."""
        params = dict(d["params"])
        if "extra_features" in params:
            params["extra_features"] = tuple(params["extra_features"])
        self = cls(**params)
        if tuple(d["feature_names"]) != self.expected_features:
            if allow_stale:
                return self
            raise ValueError(f"{cls.__name__} was trained on other features; rebuild it with bench/train_models.py")
        self.feature_names_ = self.expected_features
        self.coef_ = np.asarray(d["coef"], dtype=float)
        self.intercept_ = float(d["intercept"])
        self.mean_ = np.asarray(d["mean"], dtype=float)
        self.scale_ = np.asarray(d["scale"], dtype=float)
        return self
