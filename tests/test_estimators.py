"""The two models are scikit-learn estimators: parameters, clone, fit/predict conventions, model selection,
and their JSON form (never pickle).

The training data are invented answers whose labels follow from the clauses they are made of; their features
come from ``Scorer().features``, as ``Scorer.fit`` builds them.
"""
import ast
import inspect
import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_val_score
from sklearn.utils.validation import check_is_fitted

from nlp.features.themes import FEATURE_NAMES as THEME_FEATURES
from nlp.models.estimators import ThemeTagger, ToneModel
from nlp.models.tone import FEATURE_NAMES as TONE_FEATURES
from nlp.scorer import Scorer

ROOT = Path(__file__).resolve().parents[1]
ESTIMATORS = [ToneModel, ThemeTagger]

GOOD = ["营业收入同比增长20%", "订单饱满", "毛利率明显提升", "产能利用率保持高位", "海外业务收入大幅增长", "净利润实现增长"]
BAD = ["净利润同比下降15%", "出现亏损", "毛利率有所下降", "经营压力较大", "订单明显减少", "出货量不理想"]
PLAIN = ["具体请关注公司公告", "谢谢您的关注", "公司将按规定履行信息披露义务", "好的"]
CAPEX = ["公司今年计划投资5亿元新建生产线", "公司拟扩建厂房扩大产能", "今年资本开支约八亿元，主要用于购置设备"]
FINANCING = ["公司拟发行可转债募集资金", "本次非公开发行股票拟募集资金不超过10亿元", "公司计划通过银行贷款补充流动资金"]


def invented_labels(n=90, seed=0):
    """Answers of random clauses: tone = (good clauses - bad clauses) on -2..2, themes from the theme clauses."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        good, bad = rng.randint(0, 2), rng.randint(0, 2)
        parts = rng.sample(GOOD, good) + rng.sample(BAD, bad) + rng.sample(PLAIN, rng.randint(0, 1))
        themes = [name for name, clauses in (("capex", CAPEX), ("financing", FINANCING)) if rng.random() < 0.3
                  and not parts.append(rng.choice(clauses))]
        rng.shuffle(parts)
        rows.append({"question": "", "answer": "。".join(parts or PLAIN[:1]) + "。", "themes": themes,
                     "tone": max(-2, min(2, good - bad))})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def data():
    """(tone X, tone y, theme X, theme y) as Scorer.fit hands them to the models."""
    scorer = Scorer()
    labels = invented_labels()
    f = scorer.features(list(labels["question"]), list(labels["answer"]))
    strings = f.words.strings(f.answers.vocab)
    words = [[] for _ in range(len(labels))]
    for d, w in zip(f.words.doc.tolist(), strings):
        words[d].append(w)
    tone_X = pd.DataFrame(f.tone_dense, columns=list(TONE_FEATURES))
    tone_X["words"] = words
    names = scorer.theme_names
    entry_keys = scorer._load()["theme_features"].entry_keys
    keys = []
    for d, ws in enumerate(words):
        word_keys = {f"w|{w}" for w in ws if len(w) >= 2}
        found = f.themes.found.get(d, {})
        keys += [tuple(sorted(word_keys | set(entry_keys(found[n])) if n in found else word_keys)) for n in names]
    theme_X = pd.DataFrame(f.theme_dense, columns=list(THEME_FEATURES))
    theme_X["theme"] = names * len(words)
    theme_X["keys"] = keys
    theme_y = np.array([[int(n in set(t)) for n in names] for t in labels["themes"]]).reshape(-1)
    return tone_X, labels["tone"].to_numpy() / 2.0, theme_X, theme_y


def spearman(y, p):
    return spearmanr(y, p).statistic


# ---------------------------------------------------------------- parameters
OTHER_PARAMS = {
    ToneModel: dict(objective="ridge", C=0.5, alpha=2.0, words=False, lexicon_scale=0.3, min_df=1,
                    extra_features=("snownlp",)),
    ThemeTagger: dict(C=0.3, class_weight="balanced", threshold=0.55, random_state=4, per_theme=False, term_scale=0.1,
                      word_scale=0.05, min_df=1),
}


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_get_params_returns_the_constructors_arguments(cls):
    signature = inspect.signature(cls.__init__)
    names = [p for p in signature.parameters if p != "self"]
    defaults = {p: signature.parameters[p].default for p in names}
    assert cls().get_params(deep=True) == defaults
    other = OTHER_PARAMS[cls]
    assert other.keys() == defaults.keys() and all(other[k] != defaults[k] for k in other)
    estimator = cls(**other)
    params = estimator.get_params(deep=True)
    assert params == other and all(params[k] is other[k] for k in other)  # stored as given, not copied
    assert cls().set_params(**other).get_params() == other
    assert cls.__name__ in repr(estimator)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_clone_gives_an_unfitted_estimator_with_equal_params(cls, data):
    tone_X, tone_y, theme_X, theme_y = data
    X, y = (tone_X, tone_y) if cls is ToneModel else (theme_X, theme_y)
    fitted = cls(**{**cls().get_params(), "C": 2.0}).fit(X, y)
    for original in (cls(**OTHER_PARAMS[cls]), fitted):
        copy = clone(original)
        assert type(copy) is cls and copy is not original
        assert copy.get_params() == original.get_params()
        assert not [a for a in vars(copy) if a.endswith("_")]
        with pytest.raises(NotFittedError):
            check_is_fitted(copy)


def test_defaults_are_the_shipped_recipe():
    shipped = json.loads((ROOT / "nlp" / "data" / "model.json").read_text(encoding="utf-8"))
    for cls, part in ((ToneModel, "tone"), (ThemeTagger, "themes")):
        stored = shipped[part]["params"]
        defaults = cls().get_params()
        assert stored and set(stored) <= set(defaults), part
        as_json = {k: list(v) if isinstance(v, tuple) else v for k, v in defaults.items()}  # JSON has no tuples
        assert {k: as_json[k] for k in stored} == stored, part
        # the shipped model loads with exactly the default parameters
        assert cls.from_dict(shipped[part]).get_params() == defaults, part


# ---------------------------------------------------------------- fit and predict
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_fit_returns_self_and_sets_trailing_underscore_attributes_only(cls, data):
    tone_X, tone_y, theme_X, theme_y = data
    X, y = (tone_X, tone_y) if cls is ToneModel else (theme_X, theme_y)
    before_X = X.copy()
    estimator = cls()
    params, state = estimator.get_params(), dict(vars(estimator))
    assert estimator.fit(X, y) is estimator
    added = set(vars(estimator)) - set(state)
    assert added and all(a.endswith("_") and not a.startswith("_") for a in added), added
    assert {k: vars(estimator)[k] for k in state} == state and estimator.get_params() == params
    pd.testing.assert_frame_equal(X, before_X)  # the input is not modified
    check_is_fitted(estimator)
    assert estimator.coef_.shape == (len(cls.FEATURE_NAMES),)
    # fitting again on the same data gives the same model
    np.testing.assert_allclose(clone(estimator).fit(X, y).predict(X), estimator.predict(X), rtol=0, atol=1e-12)


@pytest.mark.parametrize("estimator", [ToneModel(words=False), ToneModel(objective="ridge", words=False), ThemeTagger(),
                                       ThemeTagger(per_theme=False)], ids=repr)
def test_predict_before_fit_raises_not_fitted(estimator, data):
    tone_X, _, theme_X, _ = data
    X = tone_X if isinstance(estimator, ToneModel) else theme_X
    methods = ["predict"] + [m for m in ("predict_proba", "decision_function") if hasattr(estimator, m)]
    for method in methods:
        with pytest.raises(NotFittedError):
            getattr(estimator, method)(X)
    with pytest.raises(NotFittedError):
        check_is_fitted(estimator)


def test_word_model_predict_before_fit_raises_not_fitted(data):
    with pytest.raises(NotFittedError):
        ToneModel().predict(data[0])


def test_scikit_learn_sees_a_regressor_and_a_classifier():
    from sklearn.base import is_classifier, is_regressor
    from sklearn.utils.estimator_checks import check_mixin_order

    assert is_regressor(ToneModel()) and is_classifier(ThemeTagger())
    for cls in ESTIMATORS:
        check_mixin_order(cls.__name__, cls())


def test_models_take_part_in_cross_validation(data):
    tone_X, tone_y, theme_X, theme_y = data
    tone_scores = cross_val_score(ToneModel(), tone_X, tone_y, scoring=make_scorer(spearman),
                                  cv=KFold(3, shuffle=True, random_state=0))
    assert len(tone_scores) == 3 and np.all(tone_scores > 0.5), tone_scores  # the labels follow the clauses
    ridge = cross_val_score(ToneModel(objective="ridge", alpha=1.0), tone_X, tone_y, scoring=make_scorer(spearman),
                            cv=KFold(3, shuffle=True, random_state=0))
    assert np.all(ridge > 0.5), ridge
    theme_scores = cross_val_score(ThemeTagger(), theme_X, theme_y, scoring=make_scorer(f1_score),
                                   cv=StratifiedKFold(3, shuffle=True, random_state=0))
    assert len(theme_scores) == 3 and np.all(theme_scores > 0.5), theme_scores
    search = GridSearchCV(ThemeTagger(), {"C": [0.1, 1.0]}, scoring=make_scorer(f1_score),
                          cv=StratifiedKFold(3, shuffle=True, random_state=0)).fit(theme_X, theme_y)
    assert search.best_params_["C"] in (0.1, 1.0) and search.best_estimator_.C == search.best_params_["C"]
    check_is_fitted(search.best_estimator_)


def test_sample_weight_counts_like_repeated_rows(data):
    """Weight 2 on every row is the labels given twice (the same feature statistics, every loss doubled)."""
    tone_X, tone_y, theme_X, theme_y = data
    for estimator, X, y in ((ToneModel(words=False), tone_X, tone_y), (ToneModel(objective="ridge", words=False), tone_X, tone_y),
                            (ThemeTagger(per_theme=False), theme_X, theme_y)):
        weighted = clone(estimator).fit(X, y, sample_weight=np.full(len(y), 2.0))
        repeated = clone(estimator).fit(pd.concat([X, X], ignore_index=True), np.concatenate([y, y]))
        np.testing.assert_allclose(weighted.decision_function(X) if hasattr(weighted, "decision_function")
                                   else weighted.predict(X),
                                   repeated.decision_function(X) if hasattr(repeated, "decision_function")
                                   else repeated.predict(X), rtol=0, atol=1e-5)
        half = np.where(np.arange(len(y)) % 2 == 0, 0.0, 1.0)
        assert not np.allclose(clone(estimator).fit(X, y, sample_weight=half).coef_, weighted.coef_)
    with pytest.raises(ValueError, match="labels"):
        ToneModel(words=False).fit(tone_X, tone_y[:-1])
    with pytest.raises(ValueError, match="feature columns"):
        ToneModel(words=False).fit(tone_X.drop(columns=["net"]), tone_y)


# ---------------------------------------------------------------- JSON, never pickle
@pytest.mark.parametrize("estimator", [ToneModel(), ToneModel(objective="ridge", alpha=1.0),
                                       ToneModel(words=False), ThemeTagger(), ThemeTagger(per_theme=False)], ids=repr)
def test_json_round_trip_keeps_predictions(estimator, data):
    tone_X, tone_y, theme_X, theme_y = data
    X, y = (tone_X, tone_y) if isinstance(estimator, ToneModel) else (theme_X, theme_y)
    fitted = clone(estimator).fit(X, y)
    text = json.dumps(fitted.to_dict(), ensure_ascii=False, allow_nan=False)
    again = type(fitted).from_dict(json.loads(text))
    assert again.get_params() == fitted.get_params()
    np.testing.assert_allclose(again.predict(X), fitted.predict(X), rtol=0, atol=1e-12)
    if isinstance(fitted, ThemeTagger):
        np.testing.assert_allclose(again.predict_proba(X), fitted.predict_proba(X), rtol=0, atol=1e-12)
        np.testing.assert_allclose(again.decision_function(X), fitted.decision_function(X), rtol=0, atol=1e-12)
    assert json.dumps(again.to_dict(), ensure_ascii=False, allow_nan=False) == text


def test_a_stored_model_of_other_features_is_refused_or_comes_back_unfitted(data):
    tone_X, tone_y, _, _ = data
    stored = ToneModel().fit(tone_X, tone_y).to_dict()
    stored["feature_names"] = stored["feature_names"][:-1] + ["gone"]
    with pytest.raises(ValueError, match="rebuild"):
        ToneModel.from_dict(stored)
    unfitted = ToneModel.from_dict(stored, allow_stale=True)
    assert unfitted.get_params() == ToneModel().get_params() and not unfitted.fitted
    with pytest.raises(NotFittedError):
        check_is_fitted(unfitted)


def test_no_pickle_anywhere():
    """No module of the package imports a pickle-like serializer; the shipped model is JSON."""
    banned = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "shelve", "marshal"}
    found = []
    for path in sorted((ROOT / "nlp").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            found += [(path.name, m) for m in modules if m.split(".")[0] in banned]
    assert found == []
    shipped = ROOT / "nlp" / "data"
    assert sorted(p.name for p in shipped.iterdir() if p.is_file() and p.suffix != ".py") == ["model.json"]
    json.loads((shipped / "model.json").read_text(encoding="utf-8"))


def test_scoring_does_not_import_scikit_learn():
    """The scorer predicts with the weights classes: a worker need not import scikit-learn (~150 MB)."""
    import subprocess
    import sys

    code = ("import sys; from nlp.scorer import Scorer; s = Scorer(); "
            "s.score_columns(['产能如何？'], ['公司新建两条生产线。']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'pandas')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]", out.stdout


def test_the_estimators_are_their_weights_classes_with_scikit_learns_bases():
    from nlp.models.themes import ThemeWeights
    from nlp.models.tone import ToneWeights

    assert issubclass(ToneModel, ToneWeights) and issubclass(ThemeTagger, ThemeWeights)
    assert ToneWeights().get_params() == ToneModel().get_params()
    assert ThemeWeights().get_params() == ThemeTagger().get_params()
