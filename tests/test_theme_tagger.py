"""The theme tagger's per-theme weights: what they learn, JSON round trips, order independence, the scorer's
array path equal to the DataFrame path, and that a tag still needs a term of the theme (its evidence)."""
import json

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from nlp.features.themes import FEATURE_NAMES
from nlp.models.estimators import ThemeTagger
from nlp.scorer import Scorer

THEMES = ["capex", "financing"]
SEED = "seeds/000_ece50293e7075997.txt"


def _data(reverse_keys=False):
    """Six answers (× 4) × two themes with the same pooled features for every row: only the per-theme part
    can tell that 募资 marks financing and 厂房 marks capex. Rows answer by answer, themes in THEMES order."""
    words = [{"厂房", "建设"}, {"厂房", "进度"}, {"厂房"}, {"募资", "进度"}, {"募资"}, {"募资", "建设"}] * 4
    entries = [{"capex": ("r|建设",)}, {}, {}, {}, {}, {"capex": ("r|建设",)}] * 4
    rows, y = [], []
    for ws, ent in zip(words, entries):
        for theme in THEMES:
            keys = sorted({f"w|{w}" for w in ws} | set(ent.get(theme, ())), reverse=reverse_keys)
            rows.append({"theme": theme, "keys": tuple(keys)})
            y.append(int(("厂房" if theme == "capex" else "募资") in ws))
    X = pd.DataFrame(np.tile(np.linspace(0.0, 1.0, len(FEATURE_NAMES)), (len(rows), 1)), columns=list(FEATURE_NAMES))
    X["theme"] = [r["theme"] for r in rows]
    X["keys"] = [r["keys"] for r in rows]
    return X, np.array(y), entries, words


def test_per_theme_weights_learn_what_the_pooled_part_cannot():
    X, y, _, _ = _data()
    pooled = ThemeTagger(C=1.0, per_theme=False).fit(X[list(FEATURE_NAMES)], y)
    assert np.ptp(pooled.predict_proba(X)[:, 1]) < 1e-9  # identical rows: the pooled part cannot separate them
    tagger = ThemeTagger(C=1.0, per_theme=True, min_df=2).fit(X, y)
    assert tagger.word_weight_["financing"]["募资"] > 0 > tagger.word_weight_["capex"]["募资"]
    assert tagger.word_weight_["capex"]["厂房"] > 0 > tagger.word_weight_["financing"]["厂房"]
    assert set(tagger.theme_bias_) == set(THEMES) and "r|建设" in tagger.term_weight_["capex"]
    assert ((tagger.predict_proba(X)[:, 1] >= 0.5) == y.astype(bool)).all()
    np.testing.assert_allclose(tagger.predict_proba(X).sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # a theme the labels never saw (a user's) gets the pooled part alone
    mine = X.iloc[:1].assign(theme="mine", keys=[("c|x", "w|募资")])
    assert tagger.decision_function(mine)[0] == pytest.approx(tagger._linear(mine[list(FEATURE_NAMES)].to_numpy())[0],
                                                              abs=1e-12)


def test_per_theme_weights_round_trip_and_ignore_key_order():
    X, y, _, _ = _data()
    tagger = ThemeTagger(C=1.0, per_theme=True, min_df=2).fit(X, y)
    again = ThemeTagger.from_dict(json.loads(json.dumps(tagger.to_dict(), ensure_ascii=False)))
    assert again.get_params() == tagger.get_params()
    np.testing.assert_allclose(again.decision_function(X), tagger.decision_function(X), rtol=0, atol=1e-12)
    reordered, _, _, _ = _data(reverse_keys=True)
    np.testing.assert_allclose(tagger.decision_function(reordered), tagger.decision_function(X), rtol=0, atol=1e-12)
    # fitted on the keys in another order: the same weights
    other = ThemeTagger(C=1.0, per_theme=True, min_df=2).fit(reordered, y)
    assert other.to_dict() == tagger.to_dict()
    # a model file from before the per-theme weights loads with none: the pooled part alone
    old = tagger.to_dict()
    del old["per_theme"]
    plain = ThemeTagger.from_dict(old)
    assert plain.theme_bias_ == {} and plain.compiled(THEMES)[1].shape == (1, 2)
    np.testing.assert_allclose(plain.decision_function(X), tagger._linear(X[list(FEATURE_NAMES)].to_numpy()),
                               rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="theme"):
        ThemeTagger(per_theme=True).fit(X[list(FEATURE_NAMES)], y)


def test_compiled_weights_score_as_the_frame_does():
    """The scorer's path (dense rows + one binary indicator row per answer over ``compiled``) gives the
    decision values of ``decision_function`` on the DataFrame (each row its own theme's weights)."""
    X, y, entries, words = _data()
    tagger = ThemeTagger(C=1.0, per_theme=True, min_df=2).fit(X, y)
    compiled = tagger.compiled(THEMES)
    index, matrix, bias, row_words = compiled
    assert not matrix[0].any() and set(row_words.values()) == {w for ws in words for w in ws} & set(index)
    r, c = [], []
    for k, (ws, ent) in enumerate(zip(words, entries)):
        cells = {index[w] for w in ws if w in index}
        cells |= {index[(t, key)] for t, keys in ent.items() for key in keys if (t, key) in index}
        r += [k] * len(cells)
        c += sorted(cells)
    indicators = sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(words), matrix.shape[0]))
    dense = X[list(FEATURE_NAMES)].to_numpy()
    z = tagger.decision_arrays(dense, len(THEMES), indicators, compiled)
    np.testing.assert_allclose(z.ravel(), tagger.decision_function(X), rtol=0, atol=1e-12)
    np.testing.assert_allclose(tagger.predict_proba_arrays(dense, len(THEMES), indicators, compiled).ravel(),
                               tagger.predict_proba(X)[:, 1], rtol=0, atol=1e-12)
    # the strongest words of a row are its own, with the tagger's weights for that theme
    top = tagger.top_words(compiled, indicators[3].indices.tolist(), THEMES.index("financing"))
    assert top and all(w in words[3] and v == round(tagger.word_weight_["financing"][w], 4) for w, v in top)


def test_entry_keys_and_the_keys_fit_learns_from(monkeypatch):
    """``fit`` gives the tagger one row per (answer, theme): the theme's name and as keys the theme's matched
    entries ("c|entry", "r|entry", "x|entry") and the answer's words of two or more characters ("w|word")."""
    scorer = Scorer()
    features = scorer._load()["theme_features"]
    core = [("扩产", 3, "扩产|3")]
    related = [("产能", 5, "产能|0.8"), ("产能", 9, "产能|0.8")]
    assert features.entry_keys((core, related, [])) == ("c|扩产|3", "r|产能|0.8")
    seen = {}
    real_fit = ThemeTagger.fit

    def spy(self, X, y, sample_weight=None):
        seen["X"], seen["y"] = X.copy(), np.asarray(y).copy()
        return real_fit(self, X, y, sample_weight=sample_weight)

    monkeypatch.setattr(ThemeTagger, "fit", spy)
    labels = pd.DataFrame({"question": ["", "融资？"],
                           "answer": ["公司新建生产线扩大产能，订单没有下降。", "公司拟发行可转债募集资金，订单饱满。"],
                           "themes": [["capex"], ["financing"]], "tone": [1, 0]})
    scorer.fit(labels)
    X, names = seen["X"], scorer.theme_names
    assert list(X["theme"]) == names * 2 and len(seen["y"]) == 2 * len(names)
    assert seen["y"].tolist() == [int(n == "capex") for n in names] + [int(n == "financing") for n in names]
    capex = X.iloc[names.index("capex")]["keys"]
    assert {"w|生产线", "w|¬下降"} <= set(capex) and not any(k.startswith("w|") and len(k) == 3 for k in capex)
    assert any(k[:2] in ("c|", "r|") for k in capex)
    assert not any(k[:2] in ("c|", "r|", "x|") for k in X.iloc[names.index("ai_compute")]["keys"])
    assert X.iloc[0]["keys"] == tuple(sorted(X.iloc[0]["keys"]))


def test_a_tag_needs_a_term_of_the_theme_whatever_the_words_add():
    scorer = Scorer()
    model = scorer._load()["theme_model"]
    assert model.theme_bias_, "the shipped model has per-theme weights"
    text = "今年公司稳步推进各项工作，经营情况良好。"
    before = scorer.score_answer("", text)
    model.word_weight_ = {**model.word_weight_, "financing": {**model.word_weight_.get("financing", {}), "经营": 50.0}}
    scorer._models_changed()  # the weights changed: recompile
    after = scorer.score_answer("", text)
    frame = scorer.score_answers(pd.DataFrame({"answer": [text]}))
    assert after.theme("financing").score > 0.99 > before.theme("financing").score
    assert not after.theme("financing").tagged and "financing" not in after.tagged
    assert frame.loc[0, "themes"] == [] and frame.loc[0, "score_financing"] > 0.99


def test_tagged_themes_name_their_learned_words_the_same_way_everywhere(tmp_path):
    """score_many's ThemeResult.words, the batch evidence JSON's "words", the store and the why line agree:
    the words are in the answer, and their contributions are the tagger's own weights."""
    from nlp.explain import evidence_json
    from nlp.parse import parse_file
    from nlp.report import why_line
    from nlp.store import Store

    scorer = Scorer()
    model = scorer._load()["theme_model"]
    filing = parse_file(SEED)
    score = scorer.score_filing(filing)
    with_words = [(a, t) for a in score.answers for t in a.themes if t.words]
    assert with_words, "the seed's tagged themes have learned words"
    frame = scorer.score_answers(pd.DataFrame({"question": [a.question for a in score.answers],
                                               "answer": [a.answer for a in score.answers]}))
    for k, a in enumerate(score.answers):
        assert frame.loc[k, "evidence"] == evidence_json(a.themes)
        for t in a.themes:
            assert t.tagged or not t.words
            for w, c in t.words:
                assert w.lstrip("¬") in a.answer and c == round(model.word_weight_[t.theme][w], 4)
            if t.tagged:
                assert t.evidence is not None and a.answer[t.evidence.start:t.evidence.end] == t.evidence.sentence
    answer, theme = with_words[0]
    shown = [w for w, c in theme.words if abs(c) >= 0.05]
    assert not shown or f"[{shown[0]}" in why_line(answer, explain=True).plain  # learned words: --explain
    with Store(tmp_path / "s.db") as store:
        store.put(score)
        assert store.get(filing.filing_id).answers == score.answers
