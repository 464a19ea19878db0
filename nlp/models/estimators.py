"""The scikit-learn estimators: ``ToneModel`` and ``ThemeTagger``.

Each is its weights class (``nlp.models.tone.ToneWeights``, ``nlp.models.themes.ThemeWeights``: parameters,
``fit``, prediction, JSON) with scikit-learn's ``BaseEstimator`` and mixin, so that ``get_params``,
``set_params``, ``sklearn.base.clone``, ``cross_val_score`` and ``GridSearchCV`` work. This is the one
module of nlp/models that imports scikit-learn at import time.
"""
from __future__ import annotations

from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from nlp.models.themes import ThemeWeights
from nlp.models.tone import ToneWeights


class ToneModel(RegressorMixin, BaseEstimator, ToneWeights):
    __doc__ = ToneWeights.__doc__


class ThemeTagger(ClassifierMixin, BaseEstimator, ThemeWeights):
    __doc__ = ThemeWeights.__doc__
