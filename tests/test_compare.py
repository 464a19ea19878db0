"""Comparison math against hand-computed numbers (fictional companies from report_factory)."""
from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter

import pytest
from report_factory import answer as answer_
from report_factory import filing_score, haiyue_briefings, single_filing, xinghe_filings

from nlp.compare import (
    ANSWER_TONE_SD,
    TermFilter,
    compare,
    comparison_for,
    distinctive_terms,
    key_answers,
    load_stopwords,
    log_odds_z,
    tone_stats,
)
from nlp.records import IrtoneError
from nlp.store import Store

VOCAB = ["算力", "数据中心", "客户", "生产线", "产能", "订单", "定增", "扩产"]


def vocab_tokenize(text: str) -> list[str]:
    """A stand-in tokenizer whose counts are easy to work out by hand."""
    return re.findall("|".join(VOCAB), text)


def reference_z(current, history):
    """The z-score of nlp.compare.tone written out from its definition, for the tests."""
    def weights(score):
        return [min(max(len(a.answer.strip()), 1), 600) for a in score.answers]

    squares = df = 0
    for h in history:
        tones = [a.tone.score for a in h.answers]
        m = sum(tones) / len(tones)
        squares += sum((t - m) ** 2 for t in tones)
        df += len(tones) - 1
    sd2 = (squares + 10 * ANSWER_TONE_SD ** 2) / (df + 10)

    def se2(score):
        w = weights(score)
        return sd2 / (sum(w) ** 2 / sum(x * x for x in w))

    tones = [h.tone for h in history]
    mean = sum(tones) / len(tones)
    var = sum((t - mean) ** 2 for t in tones) / (len(tones) - 1)
    spread2 = max(var - sum(se2(h) for h in history) / len(history), 0)
    return (current.tone - mean) / math.sqrt(spread2 + se2(current))


def test_tone_change_and_z_against_own_history():
    f1, f2, f3, f4, _ = xinghe_filings()
    c = compare(f4, [f1, f2, f3], tokenize=vocab_tokenize)
    assert c.tone_change_prev == pytest.approx(0.7)
    assert c.tone_mean == pytest.approx(0.166667, abs=1e-6)
    assert c.tone_std == pytest.approx(0.251661, abs=1e-6)  # sample sd of 0.2, 0.4, -0.1
    assert c.tone_z == pytest.approx(reference_z(f4, [f1, f2, f3]), abs=1e-9)
    assert c.tone_trend == (0.2, 0.4, -0.1, 0.6)
    assert [h.date for h in c.history] == ["2021-03-10", "2021-09-15", "2022-04-20"]


def _equal(date, tones, tone=None):
    """A filing of answers of equal length (5 characters), so that n_eff is the number of answers."""
    return filing_score("990001", "星河云算", date, [answer_("订单平稳。", tone=t) for t in tones], tone=tone)


# Answers of equal length: history (0.1, 0.3), (0.3, 0.5), (-0.2, 0.0): filing tones 0.2, 0.4, -0.1.
# Within: squares 0.02 × 3 = 0.06, df 3; sd² = (0.06 + 10 × 0.28²) / 13 = 0.0649231; se² = sd² / 2.
# var(0.2, 0.4, -0.1) = 0.0633333; spread² = 0.0633333 - 0.0324615 = 0.0308718.
# Current 4 answers, tone 0.6: se² = sd² / 4 = 0.0162308; z = 0.433333 / sqrt(0.0471026) = 1.996636.
# Current 1 answer, tone 0.6: se² = sd² = 0.0649231; z = 0.433333 / sqrt(0.0957949) = 1.400072.
def test_z_accounts_for_the_number_of_answers():
    history = [_equal("2021-01-01", (0.1, 0.3)), _equal("2021-06-01", (0.3, 0.5)), _equal("2022-01-01", (-0.2, 0.0))]
    four = compare(_equal("2023-01-01", (0.9, 0.7, 0.5, 0.3)), history, tokenize=vocab_tokenize)
    one = compare(_equal("2023-01-01", (0.6,)), history, tokenize=vocab_tokenize)
    assert four.current.tone == one.current.tone == pytest.approx(0.6)
    assert four.tone_se == pytest.approx(math.sqrt(0.0162308), abs=1e-6)
    assert four.tone_spread == pytest.approx(math.sqrt(0.0308718), abs=1e-6)
    assert four.tone_z == pytest.approx(1.996636, abs=1e-5)
    assert one.tone_z == pytest.approx(1.400072, abs=1e-5)  # the same tone from one answer: less unusual


def test_filings_without_answers_are_not_measurements():
    """A stub filing (no Q&A) stored between two real ones does not enter the change, the z-score or the
    theme deltas as a tone of 0 and shares of 0; the comparison counts it instead."""
    f1, f2, f3, f4, _ = xinghe_filings()
    stub = filing_score("990001", "星河云算", "2022-01-05", [])
    with_stub = compare(f4, [f1, f2, f3, stub], tokenize=vocab_tokenize)
    without = compare(f4, [f1, f2, f3], tokenize=vocab_tokenize)
    assert with_stub.without_answers == 1 and without.without_answers == 0
    assert with_stub.tone_change_prev == without.tone_change_prev == pytest.approx(0.7)
    assert (with_stub.tone_z, with_stub.themes, with_stub.history) == (without.tone_z, without.themes, without.history)
    # the stub as the current filing: nothing to compare
    current_stub = compare(stub, [f1, f2, f3], tokenize=vocab_tokenize)
    assert (current_stub.tone_change_prev, current_stub.tone_z) == (None, None)
    assert all(d.share_change_prev is None for d in current_stub.themes)
    assert current_stub.terms_in == current_stub.terms_out == ()


def test_tone_z_undefined_with_one_earlier_filing():
    assert tone_stats(0.5, [0.1]).z is None
    assert tone_stats(0.5, [0.1]).change_prev == pytest.approx(0.4)
    assert tone_stats(0.5, []) == tone_stats(0.0, [])  # all None


def test_tone_z_never_divides_by_less_than_the_standard_error():
    """Nearly or exactly equal earlier tones (sd 0.002, or 0) do not turn an ordinary change into
    z = 146 or infinity: the spread is taken as no smaller than the filing tone's standard error."""
    near_equal = tone_stats(0.32, [0.012, 0.009], se=0.1, history_se=[0.1, 0.1])
    assert near_equal.std == pytest.approx(0.0021213, abs=1e-6)
    assert near_equal.spread == 0.0
    assert near_equal.z == pytest.approx((0.32 - 0.0105) / 0.1)
    flat = tone_stats(0.5, [0.2, 0.2, 0.2], se=0.05, history_se=[0.1] * 3)
    assert (flat.std, flat.mean) == (0.0, pytest.approx(0.2))
    assert flat.z == pytest.approx(0.3 / 0.05)
    # with equal standard errors everywhere the z is (tone - mean) / max(sd, se)
    wide = tone_stats(0.9, [0.0, 0.6, -0.3], se=0.1, history_se=[0.1] * 3)
    assert wide.z == pytest.approx((0.9 - 0.1) / wide.std)


# Shares (tagged / answers): f1 capex .5; f2 financing .5, capex 1; f3 financing .5;
# f4 ai_compute 2/4 = .5, capex 1/4 = .25. Intensity = mean of 0.9 (tagged) / 0.1 (not).
def test_theme_deltas_hand_computed():
    f1, f2, f3, f4, _ = xinghe_filings()
    c = compare(f4, [f1, f2, f3], tokenize=vocab_tokenize)
    d = {t.theme: t for t in c.themes}
    assert [t.theme for t in c.themes] == ["ai_compute", "capex", "domestic_chips", "financing"]
    ai, capex, fin = d["ai_compute"], d["capex"], d["financing"]
    assert (ai.share, ai.share_change_prev, ai.share_change_mean) == (0.5, 0.5, 0.5)
    assert ai.intensity == pytest.approx(0.5)  # (0.9 + 0.9 + 0.1 + 0.1) / 4
    assert ai.intensity_change_prev == pytest.approx(0.4)
    assert capex.share_change_prev == pytest.approx(0.25)  # 0.25 - 0 (f3)
    assert capex.share_change_mean == pytest.approx(-0.25)  # 0.25 - (0.5 + 1 + 0) / 3
    assert capex.intensity_change_mean == pytest.approx(-0.2)  # 0.3 - (0.5 + 0.9 + 0.1) / 3
    assert fin.share_change_prev == pytest.approx(-0.5)
    assert fin.share_change_mean == pytest.approx(-1 / 3)
    assert c.share_trend("capex") == (0.5, 1.0, 0.0, 0.25)


# Earlier answers' tones: .3 .1 .5 .4 -.3 .1 → mean 1.1 / 6 = 0.183333; themes seen: capex, financing.
# A new theme adds its score (0.9 where tagged).
def test_movers_hand_computed():
    f1, f2, f3, f4, _ = xinghe_filings()
    c = compare(f4, [f1, f2, f3], tokenize=vocab_tokenize)
    got = [(m.index, round(m.tone_change_mean, 6), m.new_themes, round(m.score, 6)) for m in c.movers]
    assert got == [
        (0, 0.716667, ("ai_compute",), 1.616667),
        (1, 0.516667, ("ai_compute",), 1.416667),
        (2, 0.316667, (), 0.316667),
        (3, 0.116667, (), 0.116667),
    ]
    assert c.movers[0].answer.theme("ai_compute").evidence.terms == ("数据中心", "算力")
    assert len(compare(f4, [f1, f2, f3], tokenize=vocab_tokenize, top_movers=2).movers) == 2


# a = {x: 3, y: 1}, b = {x: 1, y: 5}, prior = a + b = {x: 4, y: 6} (scale 1), α0 = 10, n_a = 4, n_b = 6.
# δx = log(7 / 7) - log(5 / 11) = 0.788457; var = 1/7 + 1/5; z = 0.788457 / 0.585540 = 1.346547.
# δy = log(7 / 7) - log(11 / 5) = -0.788457; var = 1/7 + 1/11; z = -1.630750.
def test_log_odds_with_informative_dirichlet_prior_hand_computed():
    z = log_odds_z(Counter(x=3, y=1), Counter(x=1, y=5), prior_scale=1.0)
    assert z["x"] == pytest.approx(1.346547, abs=1e-6)
    assert z["y"] == pytest.approx(-1.630750, abs=1e-6)
    # An explicit background prior: terms it lacks are skipped.
    z = log_odds_z(Counter(x=3, y=1), Counter(x=1, y=5), prior=Counter(x=10), prior_scale=0.5)
    assert set(z) == {"x"}
    a_w, alpha0 = 5.0, 5.0
    delta = math.log((3 + a_w) / (4 + alpha0 - 3 - a_w)) - math.log((1 + a_w) / (6 + alpha0 - 1 - a_w))
    assert z["x"] == pytest.approx(delta / math.sqrt(1 / (3 + a_w) + 1 / (1 + a_w)))


# Current (f4) counts: 算力 2, 数据中心 1, 客户 1, 生产线 1, 产能 1, 订单 1 (n = 7); history: 生产线 1,
# 产能 1, 订单 1, 客户 1, 定增 2, 扩产 2 (n = 8). Prior 0.1 × all counts: α(算力) = 0.2, α0 = 1.5.
# z(算力) = [log(2.2 / 6.3) - log(0.2 / 9.3)] / sqrt(1/2.2 + 1/0.2) = 1.193476.
def test_terms_in_and_out():
    f1, f2, f3, f4, _ = xinghe_filings()
    c = compare(f4, [f1, f2, f3], tokenize=vocab_tokenize, min_z=0.5)
    assert [t for t, _ in c.terms_in] == ["算力", "数据中心"]
    assert c.terms_in[0][1] == pytest.approx(1.193476, abs=1e-6)
    assert [t for t, _ in c.terms_out] == ["定增", "扩产"]  # equal z: alphabetical by code point
    assert c.terms_out[0][1] == pytest.approx(-1.081687, abs=1e-6)
    # At the default 1.96 nothing this small is significant.
    c = compare(f4, [f1, f2, f3], tokenize=vocab_tokenize)
    assert (c.terms_in, c.terms_out) == ((), ())


def test_distinctive_terms_top_and_empty():
    current = Counter({"新词": 30, "共有": 10})
    earlier = Counter({"旧词": 40, "共有": 12})
    terms_in, terms_out = distinctive_terms(current, earlier, top=1)
    assert [t for t, _ in terms_in] == ["新词"] and [t for t, _ in terms_out] == ["旧词"]
    assert distinctive_terms(Counter(), earlier) == ((), ())


def test_single_filing_has_no_history_and_no_crash():
    score = single_filing()
    c = compare(score, [])
    assert c.history == () and c.previous is None
    assert (c.tone_change_prev, c.tone_z, c.tone_mean, c.tone_std) == (None, None, None, None)
    assert all(d.share_change_prev is None and d.intensity_change_mean is None for d in c.themes)
    assert (c.terms_in, c.terms_out, c.movers) == ((), (), ())
    assert c.tone_trend == (score.tone,)
    assert key_answers(score) == (1, 0)  # both one theme; |0.6| beats |0.2|


def test_comparison_for_picks_latest_dated_and_leaves_garbled_out(tmp_path):
    with Store(tmp_path / "s.db") as store:
        for f in reversed(xinghe_filings()):  # stored newest first, garbled first of all
            store.put(f)
        c = comparison_for(store, "星河云算", tokenize=vocab_tokenize)
        assert c.current.filing.date == "2023-05-18"
        assert [h.date for h in c.history] == ["2021-03-10", "2021-09-15", "2022-04-20"]
        assert c.undated == 1
        assert c.tone_z == pytest.approx(reference_z(xinghe_filings()[3], xinghe_filings()[:3]), abs=1e-9)
        earlier = comparison_for(store, "990001", date="2021-09-15", tokenize=vocab_tokenize)
        assert [h.date for h in earlier.history] == ["2021-03-10"]
        assert earlier.tone_change_prev == pytest.approx(0.2) and earlier.tone_z is None
        first = comparison_for(store, "990001", date="2021-03-10", tokenize=vocab_tokenize)
        assert first.history == () and first.movers == ()
        # The garbled filing itself, chosen by id: compared with every dated filing.
        garbled_id = xinghe_filings()[4].filing.filing_id
        odd = comparison_for(store, "990001", date=garbled_id[:8], tokenize=vocab_tokenize)
        assert len(odd.history) == 4 and odd.undated == 0
        with pytest.raises(IrtoneError, match="no filing on 2020-01-01"):
            comparison_for(store, "990001", date="2020-01-01")


# 海岳电子: history tones 0.2 (2016), 0.4 (2017H1); current 0.9 (2017), one answer each. No within-filing
# spread to pool (df 0): sd = 0.28, se² = 0.0784 everywhere; var(0.2, 0.4) = 0.02 < 0.0784: spread 0;
# z = (0.9 - 0.3) / 0.28 = 2.142857.
def test_briefings_are_placed_by_their_reporting_period(tmp_path):
    annual16, half17, annual17, neither = haiyue_briefings()
    with Store(tmp_path / "s.db") as store:
        for f in (neither, annual17, annual16, half17):  # stored out of order
            store.put(f)
        c = comparison_for(store, "海岳电子", tokenize=vocab_tokenize)
        assert c.current.filing.period == "2017" and c.current.filing.date is None
        assert [(h.period, h.date, h.date_valid) for h in c.history] == [("2016", None, False), ("2017H1", None, False)]
        assert c.previous.period == "2017H1"
        assert c.tone_change_prev == pytest.approx(0.5)
        assert c.tone_z == pytest.approx(2.142857, abs=1e-6)
        assert c.undated == 1
        assert c.tone_trend == pytest.approx((0.2, 0.4, 0.9))
        chosen = comparison_for(store, "海岳电子", date="2017H1", tokenize=vocab_tokenize)
        assert chosen.current.filing.period == "2017H1" and [h.period for h in chosen.history] == ["2016"]
        # A briefing scored but not stored (analyze --no-store) is placed the same way, after the
        # stored filings of the same period.
        fresh = dataclasses.replace(half17, filing=dataclasses.replace(half17.filing, filing_id="not-stored"))
        c2 = comparison_for(store, "海岳电子", current=fresh, tokenize=vocab_tokenize)
        assert [h.period for h in c2.history] == ["2016", "2017H1"] and c2.undated == 1
        with pytest.raises(IrtoneError, match=r"no filing on 2015 \(latest: period 2016, period 2017H1, period 2017\)"):
            comparison_for(store, "海岳电子", date="2015")


def test_same_day_filings_are_ordered_by_storage(tmp_path):
    f1, f2, *_ = xinghe_filings()
    import dataclasses

    same_day = dataclasses.replace(f2, filing=dataclasses.replace(f2.filing, filing_id="same-day", date=f1.filing.date))
    with Store(tmp_path / "s.db") as store:
        store.put(f1)
        store.put(same_day)
        c = comparison_for(store, "990001", tokenize=vocab_tokenize)
    assert c.current.filing.filing_id == "same-day"
    assert [h.filing_id for h in c.history] == [f1.filing.filing_id]


def test_term_filter_drops_stopwords_numbers_punctuation_and_single_characters():
    terms = TermFilter()("公司的数据中心建设进展顺利，2023年投资5亿元。我们认为IDC、ＧＰＵ需求旺盛，谢谢关注！")
    assert terms == ["数据中心", "建设", "进展", "顺利", "投资", "亿元", "IDC", "GPU", "需求", "旺盛"]


def test_stopwords_file_has_provenance_and_courtesy_words():
    from nlp.lang import read_text

    text = read_text("stopwords.txt")
    assert text.startswith("# irtone stopwords") and "Provenance" in text
    words = load_stopwords()
    assert {"谢谢", "我们", "公司", "以及"} <= words and "算力" not in words


def test_earlier_filings_scored_by_another_model_are_counted():
    import dataclasses

    f1, f2, f3, f4, _ = xinghe_filings()
    old = dataclasses.replace(f1, model_version="test-0")
    c = compare(f4, [old, f2, f3], tokenize=vocab_tokenize)
    assert c.other_models == 1
    assert compare(f4, [f1, f2, f3], tokenize=vocab_tokenize).other_models == 0


# -- tone per theme, statements, repeats, recurring questions ------------------------------------


def test_theme_tone_changes_against_the_filings_where_the_theme_had_a_tone():
    f1, f2, f3, f4, _ = xinghe_filings()
    c = compare(f4, [f1, f2, f3], tokenize=vocab_tokenize)
    d = {t.theme: t for t in c.themes}
    # capex: f4 0.5 (one answer); earlier f1 0.3, f2 (0.5 + 0.4) / 2 = 0.45, f3 none
    assert d["capex"].tone == pytest.approx(0.5)
    assert d["capex"].tone_change_prev == pytest.approx(0.05)  # vs f2: f3 had no capex answer
    assert d["capex"].tone_change_mean == pytest.approx(0.5 - 0.375)
    # ai_compute: (0.9 + 0.7) / 2 here, never before: no change to show
    assert d["ai_compute"].tone == pytest.approx(0.8) and d["ai_compute"].tone_change_prev is None
    assert d["financing"].tone is None and d["financing"].tone_change_mean is None


def _company(date, texts, questions=None, tones=None):
    questions = questions or ["请介绍一下情况？"] * len(texts)
    tones = tones or [0.1] * len(texts)
    return filing_score("990007", "云帆风电", date, [answer_(t, question=q, tone=x, number=k + 1)
                                                 for k, (t, q, x) in enumerate(zip(texts, questions, tones))])


BOILERPLATE = "从长期来看风电上网电价的调整是必然趋势，目前还没有明确的政策出台，对行业的影响还有待观察。"


def test_new_statements_repeats_and_recurring_questions():
    early = _company("2013-09-09", [BOILERPLATE, "公司今年的资本开支预计在40亿元左右，主要投向风电场。"],
                     ["风电上网电价是否会下调？", "资本开支计划？"], [0.0, 0.2])
    middle = _company("2014-11-24", [BOILERPLATE, "订单情况良好，在手订单充足。"],
                      ["电价调整对风电行业的影响？", "订单情况如何？"], [0.05, 0.4])
    now = _company("2015-04-14", [
        BOILERPLATE,
        "公司今年的资本开支预计在50亿元左右，主要投向风电场。公司将在海外新设两家海上风电研发中心。",
        "谢谢。",
    ], ["风电电价下调对公司有什么影响？", "资本开支计划？", "还有别的吗？"], [0.02, 0.3, 0.0])
    c = compare(now, [early, middle], tokenize=vocab_tokenize)
    # the boilerplate answer: given in both earlier filings
    assert [(r.index, r.filings, r.first_date, r.last_date) for r in c.repeats] == [(0, 2, "2013-09-09", "2014-11-24")]
    # a changed figure is not a new statement (numbers fold); the research centres are; 谢谢 is too short
    assert [(s.index, s.sentence) for s in c.statements] == [(1, "公司将在海外新设两家海上风电研发中心。")]
    assert c.statements[0].similarity < 0.5 and c.statements[0].start == c.current.answers[1].answer.index("公司将在")
    electricity = next(r for r in c.recurring if r.index == 0)
    assert [(a.date, a.tone) for a in electricity.earlier] == [("2013-09-09", 0.0), ("2014-11-24", 0.05)]
    assert electricity.tone == 0.02
    capex = next(r for r in c.recurring if r.index == 1)
    assert [a.date for a in capex.earlier] == ["2013-09-09"] and capex.earlier[0].similarity == pytest.approx(1.0)
    assert all(r.index != 2 for r in c.recurring)
    assert c.recurring[0].index == 0  # the most often asked first


def test_without_history_nothing_is_new_repeated_or_recurring():
    c = compare(single_filing(), [])
    assert (c.statements, c.repeats, c.recurring) == ((), (), ())
    assert [g.previous for g in c.guidance] == [None] * len(c.guidance)


def test_answers_not_ok_take_no_part():
    early = _company("2013-09-09", [BOILERPLATE])
    junk = dataclasses.replace(_company("2015-01-01", [BOILERPLATE]).answers[0], status="no_chinese")
    now = dataclasses.replace(_company("2015-01-01", [BOILERPLATE]), answers=(junk,))
    c = compare(now, [early], tokenize=vocab_tokenize)
    assert (c.repeats, c.statements, c.recurring, c.movers) == ((), (), (), ())


def test_guidance_links_each_figure_to_the_last_one_on_its_item():
    a = _company("2013-05-27", ["公司2012年资本开支33亿元，2013年公司计划资本开支40-50亿元。"])
    b = _company("2013-09-12", ["2013年和2014年公司的资本开支预计在40亿左右。"])
    c = compare(b, [a], tokenize=vocab_tokenize)
    (fig,) = c.guidance
    assert (fig.item, fig.figure, fig.qualifier, fig.period, fig.basis) == ("capex", "40亿", "左右", "2013-2014", "plan")
    assert fig.previous.figure == "40-50亿元" and fig.previous.date == "2013-05-27"
    assert fig.change == pytest.approx(40 - 45)
    assert [e.figure for e in fig.earlier] == ["33亿元", "40-50亿元"]
