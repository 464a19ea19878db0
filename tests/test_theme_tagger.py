"""The theme tagger's per-theme weights: what they learn, JSON round trips, order independence, and that a
tag still needs a term of the theme (its evidence)."""
import json

import numpy as np
import pandas as pd
import pytest

from nlp.scorer import Scorer
from nlp.themes import FEATURE_NAMES, ThemeTagger, answer_words, entry_keys

THEMES = ["capex", "financing"]


def _data():
    """Six answers × two themes with the same pooled features for both themes of an answer: only the
    per-theme part can tell that 募资 marks financing and 厂房 marks capex."""
    words = [{"厂房", "建设"}, {"厂房", "进度"}, {"厂房"}, {"募资", "进度"}, {"募资"}, {"募资", "建设"}] * 4
    entries = [{"capex": ("r|建设",)}, {}, {}, {}, {}, {"capex": ("r|建设",)}] * 4
    X = np.tile(np.linspace(0.0, 1.0, len(FEATURE_NAMES)), (len(words) * 2, 1))
    y = np.array([[("厂房" in w), ("募资" in w)] for w in words], dtype=int).reshape(-1)
    return X, y, entries, words


def test_per_theme_weights_learn_what_the_pooled_part_cannot():
    X, y, entries, words = _data()
    pooled = ThemeTagger(C=1.0).fit(X, y)
    assert np.ptp(pooled.proba_rows(X)) < 1e-9  # identical rows: the pooled part cannot separate them
    tagger = ThemeTagger(C=1.0, per_theme=True, min_df=2).fit(X, y, themes=THEMES, entries=entries, words=words)
    assert tagger.word_weight_["financing"]["募资"] > 0 > tagger.word_weight_["capex"]["募资"]
    assert tagger.word_weight_["capex"]["厂房"] > 0 > tagger.word_weight_["financing"]["厂房"]
    extra = [v for ent, ws in zip(entries, words) for v in tagger.theme_part(THEMES, ent, ws)]
    tagged = tagger.proba_rows(X, extra) >= 0.5
    assert (tagged == y.astype(bool)).all()
    # a theme the labels never saw (a user's) gets the pooled part alone
    assert tagger.theme_part(["mine"], {"mine": ("c|x",)}, {"募资"}) == [0.0]


def test_per_theme_weights_round_trip_and_ignore_iteration_order():
    X, y, entries, words = _data()
    tagger = ThemeTagger(C=1.0, per_theme=True, min_df=2).fit(X, y, themes=THEMES, entries=entries, words=words)
    again = ThemeTagger.from_dict(json.loads(json.dumps(tagger.to_dict(), ensure_ascii=False)))
    assert again.get_params() == tagger.get_params()
    for ent, ws in zip(entries, words):
        assert again.theme_part(THEMES, ent, ws) == tagger.theme_part(THEMES, ent, ws)
        assert tagger.theme_part(THEMES, ent, sorted(ws, reverse=True)) == tagger.theme_part(THEMES, ent, sorted(ws))
    # a model file from before the per-theme weights loads with none
    old = tagger.to_dict()
    del old["per_theme"]
    assert ThemeTagger.from_dict(old).theme_part(THEMES, entries[0], words[0]) == [0.0, 0.0]
    with pytest.raises(ValueError, match="per_theme needs"):
        ThemeTagger(per_theme=True).fit(X, y)


def test_entry_keys_and_answer_words():
    core = [("扩产", 3, "扩产|3")]
    related = [("产能", 5, "产能|0.8"), ("产能", 9, "产能|0.8")]
    assert entry_keys((core, related, [])) == ("c|扩产|3", "r|产能|0.8")
    assert answer_words(["产能", "了", "¬增长", "厂"]) == frozenset({"产能", "¬增长"})


def test_a_tag_needs_a_term_of_the_theme_whatever_the_words_add():
    scorer = Scorer()
    model = scorer._load()["theme_model"]
    assert model.theme_bias_, "the shipped model has per-theme weights"
    text = "今年公司稳步推进各项工作，经营情况良好。"
    before = scorer.score_answer("", text)
    model.word_weight_ = {**model.word_weight_, "financing": {**model.word_weight_.get("financing", {}), "经营": 50.0}}
    model.__dict__.pop("_compiled", None)  # the weights changed: recompile
    try:
        after = scorer.score_answer("", text)
        frame = scorer.score_answers(pd.DataFrame({"answer": [text]}))
    finally:
        scorer._state = None  # drop the altered model
    assert after.theme("financing").score > 0.99 > before.theme("financing").score
    assert not after.theme("financing").tagged and "financing" not in after.tagged
    assert frame.loc[0, "themes"] == [] and frame.loc[0, "score_financing"] > 0.99


def test_tagged_themes_name_their_learned_words_the_same_way_everywhere(tmp_path):
    """score_many's ThemeResult.words, the batch evidence JSON's "words", the store and the why line agree:
    the words are in the answer, and their contributions are the tagger's own weights."""
    from nlp.explain import evidence_json
    from nlp.report import why_line
    from nlp.store import Store
    from nlp.parse import parse_file

    scorer = Scorer()
    model = scorer._load()["theme_model"]
    filing = parse_file("seeds/000_ece50293e7075997.txt")
    score = scorer.score_filing(filing)
    with_words = [(a, t) for a in score.answers for t in a.themes if t.words]
    assert with_words, "the seed's tagged themes have learned words"
    frame = scorer.score_answers(pd.DataFrame({"question": [a.question for a in score.answers],
                                               "answer": [a.answer for a in score.answers]}))
    for k, a in enumerate(score.answers):
        assert frame.loc[k, "evidence"] == evidence_json(a)
        for t in a.themes:
            assert t.tagged or not t.words
            for w, c in t.words:
                assert w.lstrip("¬") in a.answer and c == round(model.word_weight_[t.theme][w], 4)
    answer, theme = with_words[0]
    shown = [w for w, c in theme.words if abs(c) >= 0.05]
    assert not shown or f"[{shown[0]}" in why_line(answer, explain=True).plain  # learned words: --explain
    with Store(tmp_path / "s.db") as store:
        store.put(score)
        assert store.get(filing.filing_id).answers == score.answers
