"""A standardized linear model stored as JSON: the shared base of ThemeTagger and ToneModel.

Learned state follows scikit-learn's convention (trailing underscores): ``mean_`` and ``scale_``
standardize the features, ``coef_`` and ``intercept_`` weigh them. ``to_dict``/``from_dict``
round-trip through plain JSON (never pickle), and refuse a file fitted on other features.
"""
from __future__ import annotations

import numpy as np


class StandardizedLinear:
    FEATURE_NAMES: tuple[str, ...] = ()

    def get_params(self) -> dict:
        raise NotImplementedError

    def _standardize_fit(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        self.feature_names_ = self.FEATURE_NAMES
        return (X - self.mean_) / self.scale_

    def _linear(self, X) -> np.ndarray:
        return ((np.asarray(X, dtype=float) - self.mean_) / self.scale_) @ self.coef_ + self.intercept_

    def to_dict(self) -> dict:
        return {
            "params": self.get_params(),
            "feature_names": list(self.feature_names_),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
        }

    @classmethod
    def from_dict(cls, d: dict):
        self = cls(**d["params"])
        if tuple(d["feature_names"]) != cls.FEATURE_NAMES:
            raise ValueError(f"{cls.__name__} was trained on other features; rebuild it with bench/train_models.py")
        self.feature_names_ = cls.FEATURE_NAMES
        self.coef_ = np.asarray(d["coef"], dtype=float)
        self.intercept_ = float(d["intercept"])
        self.mean_ = np.asarray(d["mean"], dtype=float)
        self.scale_ = np.asarray(d["scale"], dtype=float)
        return self
