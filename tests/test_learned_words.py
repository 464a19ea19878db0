"""The tone model's learned words: TF-IDF as scikit-learn computes it, JSON round trips, word contributions,
and the word tokens they read (negation marking, stopwords, courtesy)."""
import json
import random

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from nlp.features.words import NEGATED_MARK, WordTokens, column_table, count_matrix
from nlp.models.estimators import ToneModel
from nlp.models.tone import given_tokens
from nlp.scorer import Scorer
from nlp.tokens import CLAUSE_BREAKS, TokenBatch, Vocab

DOCS = [
    ["订单", "饱满", "产能", "扩张", "订单"],
    ["业绩", "下降", "亏损"],
    ["订单", "下降"],
    ["产能", "饱满", "业绩", "增长"],
    ["公告", "披露"],
    ["业绩", "增长", "订单"],
]
NEW_DOCS = [["订单", "订单", "订单", "业绩"], ["无关"], [], ["¬增长", "增长", "下降", "下降"]]


class TwoFeatureModel(ToneModel):
    FEATURE_NAMES = ("pos", "neg")


TWO_X = np.array([[1.0, 0.0], [0.0, 2.0], [0.5, 1.0], [2.0, 0.0], [0.0, 0.0], [1.5, 0.0]])
TWO_Y = np.array([0.5, -0.5, -0.25, 0.5, 0.0, 0.5])


def frame(dense, docs=None):
    X = pd.DataFrame(dense, columns=list(TwoFeatureModel.FEATURE_NAMES))
    if docs is not None:
        X["words"] = list(docs)
    return X


@pytest.fixture(scope="module")
def scorer():
    return Scorer()


# ---------------------------------------------------------------- TF-IDF
@pytest.mark.parametrize("objective", ["logistic", "ridge"])
def test_tfidf_rows_equal_scikit_learns(objective):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=given_tokens, min_df=2, sublinear_tf=True)
    expected = vec.fit_transform(DOCS)
    model = TwoFeatureModel(objective=objective, words=True, min_df=2).fit(frame(TWO_X, DOCS), TWO_Y)
    assert model.vocabulary_ == vec.vocabulary_
    np.testing.assert_allclose(model.idf_, vec.idf_, rtol=0, atol=1e-12)
    ours = model.tfidf(model.word_counts(frame(TWO_X, DOCS)))
    np.testing.assert_allclose(ours.toarray(), expected.toarray(), rtol=0, atol=1e-12)
    # answers it was not fitted on: repeated words, unknown words only, no words
    new = model.tfidf(model.word_counts(frame(np.zeros((len(NEW_DOCS), 2)), NEW_DOCS)))
    np.testing.assert_allclose(new.toarray(), vec.transform(NEW_DOCS).toarray(), rtol=0, atol=1e-12)
    assert not new[1].nnz and not new[2].nnz


def test_scored_answers_count_their_words_as_count_vectorizer_does(scorer):
    """The scorer's count matrix (``column_table`` + ``count_matrix`` over the word tokens) is
    CountVectorizer's over the answers' word strings, with the shipped vocabulary."""
    from sklearn.feature_extraction.text import CountVectorizer

    answers = ["公司订单饱满，产能利用率保持高位。", "净利润没有增长，毛利率下降。", "谢谢您的关注！", "",
               "公司订单订单订单饱满。没有下降", "AI算力服务收入下降3%，客户数量大幅增加。"]
    f = scorer.features([""] * len(answers), answers)
    strings = f.words.strings(f.answers.vocab)
    per_answer = [[w for w, d in zip(strings, f.words.doc.tolist()) if d == k] for k in range(len(answers))]
    model = scorer._load()["tone_model"]
    expected = CountVectorizer(analyzer=given_tokens, vocabulary=model.vocabulary_).transform(per_answer)
    assert (f.tone_counts != expected).nnz == 0 and f.tone_counts.nnz > 10
    assert any(w.startswith(NEGATED_MARK) for w in strings)
    # binary counts, and words outside the columns left out
    tables = column_table(f.answers.vocab, {"订单": 0, NEGATED_MARK + "增长": 1}, "test")
    binary = count_matrix(f.words, len(answers), tables, 2, binary=True)
    assert binary.toarray().tolist() == [[1, 0], [0, 1], [0, 0], [0, 0], [1, 0], [0, 0]]
    assert count_matrix(f.words, len(answers), tables, 2).toarray()[4].tolist() == [3, 0]


# ---------------------------------------------------------------- JSON and the scores
@pytest.mark.parametrize("objective", ["logistic", "ridge"])
def test_word_model_round_trips_through_json(objective):
    model = TwoFeatureModel(objective=objective, C=3.0, alpha=1.0, words=True, lexicon_scale=0.5).fit(
        frame(TWO_X, DOCS), TWO_Y)
    again = TwoFeatureModel.from_dict(json.loads(json.dumps(model.to_dict(), ensure_ascii=False)))
    assert again.get_params() == model.get_params() and again.vocabulary_ == model.vocabulary_
    X = frame(np.vstack([TWO_X, np.ones((len(NEW_DOCS), 2))]), DOCS + NEW_DOCS)
    np.testing.assert_allclose(again.predict(X), model.predict(X), rtol=0, atol=1e-12)
    counts = model.word_counts(X)
    (pos, neg, T), (pos2, neg2, T2) = model.decision_arrays(X[["pos", "neg"]].to_numpy(), counts), \
        again.decision_arrays(X[["pos", "neg"]].to_numpy(), counts)
    np.testing.assert_allclose(pos2, pos, rtol=0, atol=1e-12)
    C, C2 = model.word_contributions(pos, neg, T), again.word_contributions(pos2, neg2, T2)
    np.testing.assert_allclose(C2.toarray(), C.toarray(), rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="words"):
        TwoFeatureModel(words=True).fit(frame(TWO_X), TWO_Y)


def test_two_sided_model_scores_p_positive_minus_p_negative():
    model = TwoFeatureModel(objective="logistic", C=3.0, words=True, lexicon_scale=0.5).fit(frame(TWO_X, DOCS), TWO_Y)
    scores = model.predict(frame(TWO_X, DOCS))
    pos, neg, _ = model.decision_arrays(TWO_X, model.word_counts(frame(TWO_X, DOCS)))
    np.testing.assert_allclose(scores, 1 / (1 + np.exp(-pos)) - 1 / (1 + np.exp(-neg)), rtol=0, atol=1e-12)
    assert np.all((scores > -1) & (scores < 1))
    # the positive answers (订单, 增长) outrank the negative ones (下降, 亏损)
    assert min(scores[[0, 3, 5]]) > max(scores[[1, 2]])
    with pytest.raises(ValueError, match="objective"):
        TwoFeatureModel(objective="lasso").fit(frame(TWO_X, DOCS), TWO_Y)


def test_two_sided_word_contributions_are_the_scores_derivative():
    """A word's contribution is the first-order change of P(positive) - P(negative) along its weights:
    moving both sides' logits by eps times the word's terms changes the score by eps times it."""
    model = TwoFeatureModel(objective="logistic", C=3.0, words=True, lexicon_scale=0.5).fit(frame(TWO_X, DOCS), TWO_Y)
    pos, neg, T = model.decision_arrays(TWO_X, model.word_counts(frame(TWO_X, DOCS)))
    C = model.word_contributions(pos, neg, T).toarray()
    T = T.toarray()
    eps = 1e-6
    checked = 0
    for i in range(len(DOCS)):
        base = model._score(pos[i:i + 1], neg[i:i + 1])[0]
        for j in np.flatnonzero(T[i]):
            a, b = T[i, j] * model.word_coef_[j], T[i, j] * model.word_coef_neg_[j]
            moved = model._score(pos[i:i + 1] + eps * a, neg[i:i + 1] + eps * b)[0]
            assert (moved - base) / eps == pytest.approx(C[i, j], rel=1e-3, abs=1e-9)
            checked += 1
    assert checked >= 10 and np.abs(C).max() > 1e-3


def test_ridge_contributions_are_tfidf_times_weight_and_sum_to_the_word_part():
    model = TwoFeatureModel(objective="ridge", alpha=1.0, words=True, lexicon_scale=0.5).fit(frame(TWO_X, DOCS), TWO_Y)
    docs = DOCS + NEW_DOCS
    dense = np.ones((len(docs), 2))
    counts = model.word_counts(frame(dense, docs))
    pos, neg, T = model.decision_arrays(dense, counts)
    assert neg is None
    C = model.word_contributions(pos, neg, T)
    np.testing.assert_allclose(C.toarray(), T.toarray() * model.word_coef_, rtol=0, atol=1e-12)
    without_words, _, _ = model.decision_arrays(dense, None)
    np.testing.assert_allclose(np.asarray(C.sum(axis=1)).ravel(), pos - without_words, rtol=0, atol=1e-12)


def test_a_side_without_both_classes_gets_the_base_rate():
    """Labels with no negative answer (a small user training set) still fit: the negative side is
    the smoothed base rate, so P(negative) is small and the same for every answer."""
    model = TwoFeatureModel(objective="logistic", words=False).fit(TWO_X, np.abs(TWO_Y))
    assert not model.coef_neg_.any()
    assert model.intercept_neg_ == pytest.approx(np.log(0.5 / 6.5))
    _, neg, _ = model.decision_arrays(np.random.default_rng(1).normal(size=(5, 2)))
    np.testing.assert_allclose(neg, np.log(0.5 / 6.5), rtol=0, atol=1e-12)


def test_a_training_set_without_repeated_words_fits_without_learned_words():
    """A small user training set whose words each occur in one answer only: no word reaches ``min_df``, so
    no word is learned, and the lexicon features still fit (as a side without both classes still fits)."""
    docs = [["收入", "增长"], ["订单", "饱满"], ["出现", "亏损"], ["利润", "下滑"]]
    model = TwoFeatureModel(words=True, min_df=2).fit(frame(TWO_X[:4], docs), TWO_Y[:4])
    assert model.vocabulary_ == {}
    assert np.isfinite(model.predict(frame(TWO_X[:4], docs))).all()


# ---------------------------------------------------------------- the word tokens
def batch_of(*docs):
    vocab = Vocab()
    tokens = [t for doc in docs for t in doc]
    ptr = np.concatenate([[0], np.cumsum([len(doc) for doc in docs])]).astype(np.int64)
    return TokenBatch(["".join(doc) for doc in docs], tokens, vocab.ids(tokens), ptr, vocab)


def read_words(scorer, *docs):
    """The scorer's word tokens of token lists (courtesy found by its tone lexicon), per text."""
    s = scorer._load()
    batch = batch_of(*docs)
    words = s["word_tokens"].transform(batch, s["lexicon_features"].transform(batch).courtesy)
    strings = words.strings(batch.vocab)
    return [[w for w, d in zip(strings, words.doc.tolist()) if d == k] for k in range(len(docs))]


def test_negated_words_are_marked_within_the_clause(scorer):
    assert read_words(scorer, ["订单", "不再", "下降", "，", "利润", "增长", "。"]) == [
        ["订单", "不再", NEGATED_MARK + "下降", "利润", "增长"]]  # the comma ends the negation


def test_negation_reaches_four_words_and_not_into_the_next_text(scorer):
    words = ["利润", "收入", "订单", "产能", "毛利"]
    assert read_words(scorer, ["不再", *words], ["增长"]) == [
        ["不再"] + [NEGATED_MARK + w for w in words[:4]] + ["毛利"], ["增长"]]
    # stopwords and numbers between do not count towards the four words
    assert read_words(scorer, ["不再", "利润", "和", "3", "收入", "的", "订单", "产能", "毛利"]) == [
        ["不再"] + [NEGATED_MARK + w for w in words[:4]] + ["毛利"]]


def test_stopwords_are_not_read_but_a_stopword_negator_still_negates(scorer):
    s = scorer._load()
    assert {"没有", "和", "了"} <= s["word_tokens"].stopwords and "没有" in s["word_tokens"].negators
    assert read_words(scorer, ["订单", "和", "利润", "没有", "下降", "了", "。"]) == [["订单", "利润", NEGATED_MARK + "下降"]]


def test_courtesy_is_not_read(scorer):
    cut = scorer.tokenizer.cut
    polite, plain = read_words(scorer, cut("谢谢您的提问！公司订单饱满。感谢您的关注！"), cut("公司订单饱满。"))
    assert polite == plain and plain


def test_courtesy_carries_no_learned_weight(scorer):
    answers = ["公司订单饱满。", "谢谢您的提问！公司订单饱满。感谢您的关注！"]
    counts = scorer.features(["", ""], answers).tone_counts
    assert counts[0].nnz and (counts[0] != counts[1]).nnz == 0  # the same learned words, the same TF-IDF row
    plain, polite = (dict(r.tone.words) for r in scorer.score_many(["", ""], answers))
    # the same words shown; their shares differ only as the sigmoid's slope does (the lexicon sees the
    # length): one common factor for every word, near 1 (shares are rounded to 4 decimals)
    assert plain.keys() == polite.keys() and len(plain) >= 2
    factors = [polite[w] / plain[w] for w in plain]
    assert factors == pytest.approx([factors[0]] * len(factors), rel=0.02)
    assert 0.8 < factors[0] < 1.25


def reference_words(tokens, negators, stopwords, courtesy):
    """The words a token list reads: a negator opens a window of four words (not stopwords, numbers or
    punctuation), a clause break closes it; courtesy tokens are not read and count for nothing."""
    import re

    wordlike = re.compile(r"[^\W\d_]")
    out, left = [], 0
    for i, t in enumerate(tokens):
        if not wordlike.search(t):
            left = 0 if t in CLAUSE_BREAKS else left
        elif i in courtesy:
            continue
        elif t in negators:
            left = 4
            if t not in stopwords:
                out.append(t)
        elif t not in stopwords:
            out.append(NEGATED_MARK + t if left else t)
            left = max(left - 1, 0)
    return out


def test_word_tokens_equal_a_plain_reading_on_random_tokens():
    alphabet = ["没有", "不", "和", "了", "增长", "下降", "利润", "，", "。", "、", "3", "12.5", "!", "谢谢", "订单", "AI", " ", "¬"]
    reader = WordTokens(["没有", "不"], ["和", "了", "没有"])
    n_negated = 0
    for trial in range(300):
        rng = random.Random(trial)
        docs = [[rng.choice(alphabet) for _ in range(rng.randint(0, 15))] for _ in range(rng.randint(1, 5))]
        batch = batch_of(*docs)
        courtesy = np.array([rng.random() < 0.15 for _ in batch.tokens], dtype=bool)
        words = reader.transform(batch, courtesy)
        strings = words.strings(batch.vocab)
        for k, doc in enumerate(docs):
            base = int(batch.doc_ptr[k])
            polite = {i - base for i in np.flatnonzero(courtesy).tolist() if base <= i < batch.doc_ptr[k + 1]}
            ours = [w for w, d in zip(strings, words.doc.tolist()) if d == k]
            assert ours == reference_words(doc, {"没有", "不"}, {"和", "了", "没有"}, polite), (doc, polite)
            n_negated += sum(w.startswith(NEGATED_MARK) for w in ours)
        assert [batch.tokens[p] for p in words.position.tolist()] == [batch.vocab.strings[i] for i in words.ids.tolist()]
    assert n_negated > 100


# ---------------------------------------------------------------- the words shown
def test_strongest_words_are_the_first_of_a_stable_sort():
    from nlp.explain import TONE_WORDS_SHOWN, strongest_words

    parts = [("a", 0.1), ("b", -0.3), ("c", 0.3), ("d", 0.05), ("e", -0.1), ("f", 0.3), ("g", 0.2), ("h", -0.3)]
    strings = [w for w, _ in parts][::-1]  # columns in another order than the answer's
    column = {w: j for j, w in enumerate(strings)}
    rows = [parts, parts[:2], [], [("c", 0.123456789)]]
    C = sparse.lil_matrix((len(rows), len(strings)))
    first_seen = {}
    for r, row in enumerate(rows):
        for position, (w, c) in enumerate(row):
            C[r, column[w]] = c
            first_seen[(r, column[w])] = 100 * r + position
    C = sparse.csr_matrix(C)
    C.sort_indices()
    stored_rows = np.repeat(np.arange(len(rows)), np.diff(C.indptr))
    firsts = np.array([first_seen[(r, j)] for r, j in zip(stored_rows.tolist(), C.indices.tolist())])
    shown = strongest_words(C, firsts, strings)
    ranked = sorted(parts, key=lambda p: -abs(p[1]))[:TONE_WORDS_SHOWN]  # ties: first in the answer
    assert shown[0] == tuple((w, round(c, 4)) for w, c in ranked)
    assert [w for w, _ in shown[0]] == ["b", "c", "f", "h", "g"]
    assert shown[1:] == [(("b", -0.3), ("a", 0.1)), (), (("c", 0.1235),)]
