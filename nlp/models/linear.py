"""What the two models share: standardized dense features, and their JSON form.

These classes hold a model's parameters, learned state and arithmetic without importing scikit-learn
(which costs about 150 MB and a second per process): the scorer predicts with them. The scikit-learn
estimators (``nlp.models.estimators``: ``ToneModel``, ``ThemeTagger``) add ``BaseEstimator`` and the mixins
on top, for fitting, ``clone``, ``get_params`` and model selection; their predictions are these classes'.

Learned state follows scikit-learn's convention (trailing underscores): ``mean_`` and ``scale_``
standardize the dense features, ``coef_`` and ``intercept_`` weigh them. Models are stored as plain
JSON (never pickle) by ``to_dict``/``from_dict``, which refuse a file fitted on other features.
"""
from __future__ import annotations

import inspect

import numpy as np


class StandardizedLinear:
    FEATURE_NAMES: tuple[str, ...] = ()

    @classmethod
    def _param_names(cls) -> list[str]:
        """The constructor's parameters, as scikit-learn's ``get_params`` reads them."""
        return sorted(p.name for p in inspect.signature(cls.__init__).parameters.values()
                      if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep: bool = True) -> dict:
        """The constructor's parameters and their values (scikit-learn's ``get_params`` for the estimators)."""
        return {k: getattr(self, k) for k in self._param_names()}

    @property
    def expected_features(self) -> tuple[str, ...]:
        return tuple(self.FEATURE_NAMES) + tuple(getattr(self, "extra_features", ()))

    def _dense(self, X) -> np.ndarray:
        """The dense feature columns of ``X`` (a DataFrame with ``expected_features`` columns, or an array)."""
        names = list(self.expected_features)
        if hasattr(X, "columns"):
            missing = [c for c in names if c not in X.columns]
            if missing:
                raise ValueError(f"{type(self).__name__} needs the feature columns {missing}")
            return X[names].to_numpy(dtype=float)
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != len(names):
            raise ValueError(f"{type(self).__name__} expects {len(names)} feature columns, got shape {X.shape}")
        return X

    def _standardize_fit(self, dense: np.ndarray) -> np.ndarray:
        self.mean_ = dense.mean(axis=0)
        std = dense.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        self.feature_names_ = self.expected_features
        return (dense - self.mean_) / self.scale_

    def _linear(self, dense: np.ndarray, coef=None, intercept=None) -> np.ndarray:
        if coef is None:
            coef, intercept = self.coef_, self.intercept_
        if len(dense) == 0:
            return np.zeros(0)
        return ((dense - self.mean_) / self.scale_) @ coef + intercept

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit first")

    def _base_dict(self) -> dict:
        params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.get_params().items()}
        return {
            "params": params,
            "feature_names": list(self.feature_names_),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
        }

    @classmethod
    def _from_base(cls, d: dict, allow_stale: bool = False):
        """The model stored by ``to_dict``. A model fitted on other features raises ValueError, or with
        ``allow_stale`` comes back unfitted with its parameters (to be refitted: bench/train_models.py)."""
        params = dict(d["params"])
        if "extra_features" in params:
            params["extra_features"] = tuple(params["extra_features"])
        known = cls._param_names()
        self = cls(**{k: v for k, v in params.items() if k in known})
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

    @property
    def fitted(self) -> bool:
        return hasattr(self, "coef_")
