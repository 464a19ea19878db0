"""The tone model's learned words: TF-IDF as scikit-learn computes it, JSON round trips, negation marking."""
import json

import numpy as np
import pytest

from nlp.scorer import Scorer
from nlp.tone import NEGATED_MARK, LearnedWords, ToneModel

DOCS = [
    ["订单", "饱满", "产能", "扩张", "订单"],
    ["业绩", "下降", "亏损"],
    ["订单", "下降"],
    ["产能", "饱满", "业绩", "增长"],
    ["公告", "披露"],
    ["业绩", "增长", "订单"],
]


def test_tfidf_rows_equal_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=lambda doc: doc, min_df=2, sublinear_tf=True)
    expected = vec.fit_transform(DOCS).toarray()
    words, idf = LearnedWords.vocabulary(DOCS, min_df=2)
    assert words == sorted(vec.vocabulary_)
    for doc, row in zip(DOCS, expected):
        ours = LearnedWords.tfidf(doc, idf)
        np.testing.assert_allclose([ours.get(w, 0.0) for w in words], [row[vec.vocabulary_[w]] for w in words])


def test_word_model_round_trips_through_json_and_explains_its_score():
    X = np.array([[1.0, 0.0], [0.0, 2.0], [0.5, 1.0], [2.0, 0.0], [0.0, 0.0], [1.5, 0.0]])
    y = np.array([0.5, -0.5, -0.25, 0.5, 0.0, 0.5])

    class Model(ToneModel):
        FEATURE_NAMES = ("pos", "neg")

    model = Model(alpha=1.0, words=True, lexicon_scale=0.5).fit(X, y, docs=DOCS)
    again = Model.from_dict(json.loads(json.dumps(model.to_dict(), ensure_ascii=False)))
    scores = [model.word_part(d)[0] for d in DOCS]
    assert [again.word_part(d)[0] for d in DOCS] == scores
    np.testing.assert_array_equal(again.predict_rows(X, scores), model.predict_rows(X, scores))
    total, parts = model.word_part(DOCS[0])
    assert total == pytest.approx(sum(c for _, c in parts))
    assert {w for w, _ in parts} <= set(DOCS[0])
    with pytest.raises(ValueError, match="tokens"):
        Model(words=True).fit(X, y)


class TwoFeatureModel(ToneModel):
    FEATURE_NAMES = ("pos", "neg")


TWO_X = np.array([[1.0, 0.0], [0.0, 2.0], [0.5, 1.0], [2.0, 0.0], [0.0, 0.0], [1.5, 0.0]])
TWO_Y = np.array([0.5, -0.5, -0.25, 0.5, 0.0, 0.5])


def test_two_sided_model_round_trips_and_scores_p_positive_minus_p_negative():
    model = TwoFeatureModel(objective="logistic", C=3.0, words=True, lexicon_scale=0.5).fit(TWO_X, TWO_Y, docs=DOCS)
    again = TwoFeatureModel.from_dict(json.loads(json.dumps(model.to_dict(), ensure_ascii=False)))
    totals = [model.word_part(d)[0] for d in DOCS]
    assert [again.word_part(d)[0] for d in DOCS] == totals
    scores = model.predict_rows(TWO_X, totals)
    np.testing.assert_array_equal(again.predict_rows(TWO_X, totals), scores)
    # each row is scored alone: the same answer gets the same score in any batch
    assert [model.predict_rows(TWO_X[i:i + 1], totals[i:i + 1])[0] for i in range(len(DOCS))] == scores.tolist()
    assert np.all((scores > -1) & (scores < 1))
    # the positive answers (订单, 增长) outrank the negative ones (下降, 亏损)
    assert min(scores[[0, 3, 5]]) > max(scores[[1, 2]])
    with pytest.raises(ValueError, match="objective"):
        TwoFeatureModel(objective="lasso")


def test_two_sided_word_contributions_are_the_scores_derivative():
    """A word's contribution is the first-order change of P(positive) - P(negative) along its weights:
    moving both sides' word totals by eps times the word's parts changes the score by eps times it."""
    model = TwoFeatureModel(objective="logistic", C=3.0, words=True, lexicon_scale=0.5).fit(TWO_X, TWO_Y, docs=DOCS)
    (pos, neg), parts = model.word_part(DOCS[0])
    assert (pos, neg) == pytest.approx((sum(p for _, p, _ in parts), sum(n for _, _, n in parts)))
    contributions = dict(model.word_contributions(TWO_X[0], (pos, neg), parts))
    eps = 1e-6
    for word, a, b in parts:
        moved = model.predict_rows(TWO_X[:1], [(pos + eps * a, neg + eps * b)])[0]
        base = model.predict_rows(TWO_X[:1], [(pos, neg)])[0]
        assert (moved - base) / eps == pytest.approx(contributions[word], rel=1e-3, abs=1e-9)


def test_a_side_without_both_classes_gets_the_base_rate():
    """Labels with no negative answer (a small user training set) still fit: the negative side is
    the smoothed base rate, so P(negative) is small and the same for every answer."""
    y = np.abs(TWO_Y)
    model = TwoFeatureModel(objective="logistic").fit(TWO_X, y)
    assert not model.coef_neg_.any()
    assert model.intercept_neg_ == pytest.approx(np.log(0.5 / 6.5))


def test_negated_words_are_marked_within_the_clause():
    featurizer = Scorer()._load()["tone_features"]
    read = featurizer.word_tokens(["订单", "不再", "下降", "，", "利润", "增长", "。"])
    assert read == ["订单", "不再", NEGATED_MARK + "下降", "利润", "增长"]  # the comma ends the negation


def test_stopwords_are_not_read_but_a_stopword_negator_still_negates():
    featurizer = Scorer()._load()["tone_features"]
    assert {"没有", "和", "了"} <= featurizer.stopwords
    read = featurizer.word_tokens(["订单", "和", "利润", "没有", "下降", "了", "。"])
    assert read == ["订单", "利润", NEGATED_MARK + "下降"]


def test_courtesy_carries_no_learned_weight():
    scorer = Scorer()
    model, featurizer, cut = scorer._load()["tone_model"], scorer._load()["tone_features"], scorer.tokenizer.cutter()
    plain = model.word_part(featurizer.word_tokens(cut("公司订单饱满。")))[0]
    polite_words = featurizer.word_tokens(cut("谢谢您的提问！公司订单饱满。感谢您的关注！"))
    assert not set(polite_words) & {"谢谢", "感谢", "关注", "提问", "！"}
    assert model.word_part(polite_words)[0] == pytest.approx(plain, abs=0.005)


def test_contributions_are_tfidf_times_weight():
    words, idf = LearnedWords.vocabulary(DOCS, min_df=2)
    coef = {w: (k - 2.5) / 10 for k, w in enumerate(words)}
    learned = LearnedWords(idf, coef)
    for doc in DOCS + [["订单", "订单", "订单", "业绩"], ["无关"]]:
        expected = {w: v * coef[w] for w, v in LearnedWords.tfidf(doc, idf).items()}
        assert dict(learned.score_parts(doc)[1]) == pytest.approx(expected)


def test_strongest_words_are_the_first_of_a_stable_sort():
    from nlp.scorer import TONE_WORDS_SHOWN, strongest_words

    parts = [("a", 0.1), ("b", -0.3), ("c", 0.3), ("d", 0.05), ("e", -0.1), ("f", 0.3), ("g", 0.2), ("h", -0.3)]
    ranked = sorted(parts, key=lambda p: -abs(p[1]))[:TONE_WORDS_SHOWN]  # ties: first in the answer
    assert strongest_words(parts) == tuple((w, round(c, 4)) for w, c in ranked)
    assert [w for w, _ in strongest_words(parts)] == ["b", "c", "f", "h", "g"]
    assert strongest_words(parts[:2]) == (("b", -0.3), ("a", 0.1))
    assert strongest_words([]) == ()
