"""Behaviour of themes and tone that cannot pass by accident."""
import json
from pathlib import Path

import pandas as pd
import pytest

from nlp.records import IrtoneError
from nlp.scorer import Scorer, score_frame


@pytest.fixture(scope="module")
def scorer():
    return Scorer()


def tone(scorer, answer, question=""):
    return scorer.score_answer(question, answer).tone


def test_negation_flips_a_positive_term(scorer):
    plain = tone(scorer, "公司今年订单实现增长。")
    negated = tone(scorer, "公司今年订单没有增长。")
    assert plain.score > 0 > negated.score
    flipped = [t for t in negated.terms if t.term == "增长"]
    assert flipped and flipped[0].negated and flipped[0].weight < 0


def test_negated_risk_is_not_negative(scorer):
    risk = tone(scorer, "公司存在重大风险。")
    no_risk = tone(scorer, "公司不存在重大风险。")
    assert risk.score < no_risk.score
    assert no_risk.label != "negative"
    assert all(t.weight > 0 for t in no_risk.terms if t.term == "风险")


def test_not_yet_profitable_is_negative(scorer):
    assert tone(scorer, "该业务尚未盈利，目前暂无订单。").score < tone(scorer, "该业务已经盈利，目前订单饱满。").score


def test_not_yet_negates_like_not(scorer):
    """尚未成熟 is not 成熟: 尚未, 暂未, 并非 … negate the polar word after them, as 未 and 没有 do."""
    for text, word in (("量产工艺尚未成熟。", "成熟"), ("新产品暂未实现突破。", "突破"), ("该业务并非公司的优势。", "优势")):
        terms = [t for t in tone(scorer, text).terms if t.term == word]
        assert terms and all(t.negated and t.weight < 0 for t in terms), (text, terms)
    assert tone(scorer, "技术尚未成熟。").score < 0 < tone(scorer, "技术已经成熟。").score


def test_a_term_starting_with_a_degree_word_is_not_a_modifier(scorer):
    """大幅增长 is a polar term that begins with the degree word 大幅; another polar term right after it
    (订单饱满) must not turn it into a mere modifier. 显著 before 提升 in one clause is a modifier."""
    terms = [t.term for t in tone(scorer, "收入大幅增长，订单饱满。").terms]
    assert terms == ["大幅增长", "订单饱满"]
    assert [t.term for t in tone(scorer, "收入显著提升。").terms] == ["提升"]
    assert [t.term for t in tone(scorer, "业绩显著，增长明显。").terms][:2] == ["显著", "增长"]  # another clause


def test_pressure_sensing_is_not_pressure(scorer):
    """压力 (pressure on the business) is a setback; 压力感应 (a touch screen's pressure sensing) is not."""
    assert [t.weight for t in tone(scorer, "公司面临较大的成本压力。").terms if t.term == "压力"]
    assert not [t for t in tone(scorer, "公司研发压力感应触摸屏。").terms if "压力" in t.term]


def test_courtesy_only_answer_is_neutral(scorer):
    for text in ("谢谢！", "感谢您的关注！", "您好，感谢您对公司的关注和支持，谢谢！"):
        result = tone(scorer, text)
        assert result.label == "neutral"
        assert result.terms == ()


def test_degree_words_scale(scorer):
    mild = [t.weight for t in tone(scorer, "公司收入略有下降。").terms]
    strong = [t.weight for t in tone(scorer, "公司收入大幅下降。").terms]
    assert min(strong) < min(mild) < 0


def test_costs_read_the_other_way_round(scorer):
    """A falling cost is good news, a rising one bad; a falling revenue is bad, a negative profit a loss."""

    def lexicon_weights(answer):
        return [t.weight for t in tone(scorer, answer).terms]

    for good in ("今年原材料成本下降15%。", "产品可为用户降低电费15%。", "公司管理费用同比下降10%。",
                 "公司资产负债率相对较低。", "多元的下游可以降低公司经营性风险。"):
        assert lexicon_weights(good) and all(w > 0 for w in lexicon_weights(good)), good
    for bad in ("今年公司收入下降15%。", "公司净利润同比下降10%。", "公司毛利率较低。", "公司营业成本增加15%。",
                "主要原材料价格较上年同期有不同程度上升。", "归属于上市公司股东的净利润-1665万元。",
                "设备调试影响了四季度的产销量。", "管理费用大幅增长。", "应收账款增长20%。"):
        assert sum(lexicon_weights(bad)) < 0, bad


def test_good_things_that_fall_and_shortfalls_are_bad_news(scorer):
    """经济增长放缓 is not 增长 plus 放缓 cancelling out; below expectations and "still needs work" are
    setbacks (found reading real reports, not the labelled sets)."""
    for text in ("经济增长放缓、消费信心下降。", "整体出货量不理想。", "连接器业务有点低于预期。",
                 "良品率后续有待进一步提升。"):
        terms = tone(scorer, text).terms
        assert terms and all(t.weight < 0 for t in terms), (text, terms)


def test_setbacks_denied_or_benefits_are_not_negative(scorer):
    """压力不大 and 差距较小 deny a setback; 受益于…的影响 is a benefit, not 受…影响; 减少坏账 is good news."""
    for text in ("目前经营压力不大。", "与国外产品差距较小。", "公司受益于国产化替代的影响。", "公司将减少坏账的产生。"):
        terms = tone(scorer, text).terms
        assert terms and all(t.weight > 0 for t in terms), (text, terms)
    assert all(t.weight < 0 for t in tone(scorer, "受原材料涨价影响，经营压力较大。").terms)


def test_lexicon_define_names_a_word_list_once(tmp_path):
    """A user lexicon can name a word list and use it in several regexes (and lookbehinds)."""
    from nlp.features.tone import ToneLexicon

    path = tmp_path / "lexicon.txt"
    path.write_text("define\tFEE\t运费|关税\n"
                    "pos\tre:({FEE})下降\t1\n"
                    "pos\tre:(?<!{FEE})上升\t1\n", encoding="utf-8")
    entries = ToneLexicon.load(path).entries
    assert [w for _, w, _ in entries] == ["re:((?:运费|关税))下降", "re:(?<!运费)(?<!关税)上升"]
    scorer = Scorer(tone_lexicon=path)
    found = lambda text: [t.term for t in scorer.score_answer("", text).tone.terms]  # noqa: E731
    assert found("今年关税下降。") == ["关税下降"] and found("今年运费上升。") == [] and found("收入上升。") == ["上升"]
    path.write_text("pos\tre:({FEE})下降\t1\n", encoding="utf-8")
    with pytest.raises(IrtoneError, match=r"\{FEE\} is used before"):
        ToneLexicon.load(path)


def test_tone_orders_clear_cases(scorer):
    good = tone(scorer, "公司今年营业收入同比增长35%，订单饱满，产能已满产，下游需求旺盛。")
    bad = tone(scorer, "受行业下行影响，公司净利润同比下降40%，出现亏损，经营压力较大。")
    boiler = tone(scorer, "具体情况请关注公司在指定媒体披露的定期报告。")
    assert good.label == "positive" and bad.label == "negative"
    assert bad.score < boiler.score < good.score


def test_tone_terms_point_into_the_answer(scorer):
    answer = "您好，公司2023年营业收入同比增长20%，但毛利率有所下降。"
    for term in tone(scorer, answer).terms:
        assert answer[term.start : term.start + len(term.term)] == term.term


def test_theme_evidence_points_into_the_answer(scorer):
    q = "公司的算力业务进展如何？"
    a = "公司去年采购了一批GPU服务器，建设了两个智算中心，为客户提供AI推理算力服务。产能利用率较高。"
    result = scorer.score_answer(q, a)
    ai = result.theme("ai_compute")
    assert ai.tagged and ai.score > 0.5
    ev = ai.evidence
    assert a[ev.start : ev.end] == ev.sentence
    assert {"GPU", "智算中心", "算力"} & set(ev.terms)
    assert all(term in a for term in ev.terms)


def test_themes_tag_definitions_not_words(scorer):
    financing = scorer.score_answer("公司有融资计划吗？", "公司本次非公开发行股票拟募集资金不超过10亿元，已获证监会发审会审核通过，募集资金将用于新建生产线。")
    assert {"financing", "capex"} <= set(financing.tagged)
    smart_meter = scorer.score_answer("", "公司主要产品为智能电表和智能家居控制器，销售情况良好。")
    assert "ai_compute" not in smart_meter.tagged
    nothing = scorer.score_answer("", "感谢您的关注！")
    assert nothing.tagged == ()


def test_user_theme_file_adds_a_theme(tmp_path):
    path = tmp_path / "my_themes.json"
    path.write_text(json.dumps({"themes": [{
        "name": "sodium_battery", "label": "钠电池",
        "core": ["钠离子电池|2", "钠电池|2", "钠电|2"], "related": ["储能|0.5", "正极材料|0.5"],
        "exclude": [], "question": ["钠电"],
    }]}, ensure_ascii=False), encoding="utf-8")
    scorer = Scorer(theme_files=[path])
    assert scorer.theme_names[-1] == "sodium_battery" and "ai_compute" in scorer.theme_names
    hit = scorer.score_answer("钠电池进展如何？", "公司钠离子电池已实现量产，钠电池正极材料产线今年投产，储能客户需求旺盛。")
    miss = scorer.score_answer("锂电池进展如何？", "公司锂电池业务稳定。")
    assert "sodium_battery" in hit.tagged and "sodium_battery" not in miss.tagged
    out = scorer.score_answers(pd.DataFrame({"answer": ["公司钠电池产能扩张顺利。"]}))
    assert "score_sodium_battery" in out.columns


def test_bad_theme_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(IrtoneError, match="bad.json"):
        Scorer(theme_files=[bad]).theme_names
    nameless = tmp_path / "nameless.json"
    nameless.write_text('{"themes": [{"core": ["x"]}]}', encoding="utf-8")
    with pytest.raises(IrtoneError, match="name"):
        Scorer(theme_files=[nameless]).theme_names
    cases = {
        "missing.json": (None, "not found"),
        "list.json": ("[]", "'themes' list"),
        "upper.json": ('{"themes": [{"name": "Sodium", "core": ["钠电池"]}]}', "lower-case"),
        "termless.json": ('{"themes": [{"name": "sodium", "core": [" "], "question": ["钠"]}]}', "no 'core' or 'related'"),
        "latin1.json": (b"{\"themes\": []}" + b"\xff", "UTF-8"),
    }
    for name, (content, reason) in cases.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content, encoding="utf-8")
        with pytest.raises(IrtoneError, match=reason) as err:
            Scorer(theme_files=[path]).theme_names
        assert name in str(err.value) and "\n" not in str(err.value)


def test_bad_lexicon_and_model_files_are_clear_errors(tmp_path):
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text("pos\t增长\t1\nposit\t下降\t1\n", encoding="utf-8")
    with pytest.raises(IrtoneError, match="line 2") as err:
        Scorer(tone_lexicon=lexicon).theme_names
    assert "lexicon.txt" in str(err.value)
    lexicon.write_text("pos\t增长\tmuch\n", encoding="utf-8")
    with pytest.raises(IrtoneError, match="not a number"):
        Scorer(tone_lexicon=lexicon).theme_names
    with pytest.raises(IrtoneError, match="cannot read"):
        Scorer(tone_lexicon=tmp_path / "absent.txt").theme_names
    model = tmp_path / "model.json"
    model.write_text("{", encoding="utf-8")
    with pytest.raises(IrtoneError, match="not valid JSON"):
        Scorer(model_file=model).theme_names
    with pytest.raises(IrtoneError, match="cannot read model"):
        Scorer(model_file=tmp_path / "absent.json").theme_names


def test_score_frame_is_deterministic_and_keeps_rows():
    df = pd.DataFrame({"id": ["a", "b", "c"], "question": ["", None, "融资？"],
                       "answer": ["公司产能扩张顺利。", "谢谢！", "公司拟发行可转债。"]})
    out1, out2 = score_frame(df), score_frame(df.copy())
    pd.testing.assert_frame_equal(out1, out2)
    assert list(out1["id"]) == ["a", "b", "c"] and list(df.columns) == ["id", "question", "answer"]
    assert {"tone", "tone_label", "themes", "score_capex", "evidence", "tone_terms", "model_version"} <= set(out1.columns)
    assert "financing" in out1.loc[2, "themes"]


def test_fit_learns_from_labels_and_records_what_it_saw(scorer):
    # A tiny fictional training set where the labels invert the lexicon: the fitted tone model must follow it.
    labels = pd.DataFrame({
        "question": [""] * 6,
        "answer": ["收入增长。", "利润增长，订单饱满。", "业绩大幅增长。", "收入下降。", "利润下滑，亏损。", "业绩大幅下降。"],
        "themes": [[]] * 6,
        "tone": [-2, -2, -2, 2, 2, 2],
    })
    fitted = Scorer().fit(labels)
    assert fitted.score_answer("", "销售额增长。").tone.score < fitted.score_answer("", "销售额下降。").tone.score
    assert scorer.score_answer("", "销售额增长。").tone.score > scorer.score_answer("", "销售额下降。").tone.score
    assert len(fitted.trained_on) == 6 and fitted.model_version != scorer.model_version
    # the labels had no theme: the theme tagger is kept; the model file written holds what was fitted
    stored = fitted.model_dict()
    assert stored["themes"] == scorer.model_dict()["themes"] and len(stored["trained_on"]) == 6
    assert json.loads(json.dumps(stored, ensure_ascii=False)) == stored


def test_empty_frame_keeps_column_types():
    empty = score_frame(pd.DataFrame({"question": pd.Series([], dtype=object), "answer": pd.Series([], dtype=object)}))
    full = score_frame(pd.DataFrame({"question": ["融资？"], "answer": ["公司拟发行可转债。"]}))
    assert len(empty) == 0
    ours = [c for c in full.columns if c not in ("question", "answer")]
    assert dict(empty[ours].dtypes) == dict(full[ours].dtypes)
    assert empty["tone"].dtype == "float64" and empty["tone_label"].dtype == object


def test_snownlp_signal_needs_a_fit():
    scorer = Scorer(snownlp_signal=True)
    for score in (lambda: scorer.score_answer("", "公司业绩增长。"), lambda: scorer.score_columns([""], ["公司业绩增长。"]),
                  lambda: scorer.score_answers(pd.DataFrame({"answer": ["公司业绩增长。"]}))):
        with pytest.raises(IrtoneError, match="fit"):
            score()


@pytest.mark.slow  # SnowNLP loads its own model and scores ~100x slower than irtone
def test_snownlp_signal_scores_once_fitted():
    scorer = Scorer(snownlp_signal=True)
    labels = pd.DataFrame({"question": [""] * 4, "answer": ["收入增长。", "订单饱满。", "收入下降。", "出现亏损。"],
                           "themes": [[]] * 4, "tone": [1, 2, -1, -2]})
    scorer.fit(labels)
    assert scorer.score_answer("", "利润增长。").tone.score > scorer.score_answer("", "利润下降。").tone.score


def test_a_model_fitted_on_other_features_must_be_rebuilt_but_can_be_refitted(tmp_path):
    model = json.loads((Path(__file__).resolve().parents[1] / "nlp" / "data" / "model.json").read_text(encoding="utf-8"))
    model["tone"]["feature_names"] = model["tone"]["feature_names"][:-1] + ["a_feature_irtone_no_longer_has"]
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(model), encoding="utf-8")
    scorer = Scorer(model_file=stale)
    with pytest.raises(IrtoneError, match="rebuild"):
        scorer.score_answer("", "公司订单实现增长。")
    labels = pd.DataFrame({
        "question": ["", "", "", ""],
        "answer": ["公司订单实现大幅增长。", "公司业绩下滑，亏损扩大。", "请关注公司公告。", "公司新建生产线扩大产能。"],
        "themes": [[], [], [], ["capex"]],
        "tone": [2, -2, 0, 1],
    })
    refitted = scorer.fit(labels)
    assert refitted.score_answer("", "公司订单实现大幅增长。").tone.score > refitted.score_answer("", "公司业绩下滑，亏损扩大。").tone.score


def test_api_cleans_text_as_the_parser_does_and_nulls_empty_answers(scorer):
    """An answer scores the same raw (line breaks, indentation) or cleaned, through every entry point;
    the API's offsets index the answer as the caller gave it; an empty answer is not scored."""
    raw = "公司新建的智算中心\n　　已经投入运营，GPU 服务器上架率超过九成。\r\n订单饱满。"
    clean = "公司新建的智算中心已经投入运营，GPU服务器上架率超过九成。订单饱满。"
    one = scorer.score_answer("算力业务？", raw)
    assert one.answer == clean and one == scorer.score_answer("算力业务？", clean)
    frame = scorer.score_answers(pd.DataFrame({"question": ["算力业务？"] * 5,
                                               "answer": [raw, clean, "  \n ", "12345 !!!", "Revenue grew strongly."]}))
    offsets = ("tone_terms", "evidence")
    cols = [c for c in frame.columns if c not in ("question", "answer", *offsets)]
    pd.testing.assert_series_equal(frame.loc[0, cols], frame.loc[1, cols], check_names=False)  # NaN equals NaN
    raw_terms, clean_terms = (json.loads(frame.loc[k, "tone_terms"]) for k in (0, 1))
    assert [t[:2] for t in raw_terms] == [t[:2] for t in clean_terms] and raw_terms
    for (term, _, start, _), (_, _, clean_start, _) in zip(raw_terms, clean_terms):
        assert raw[start:].startswith(term) and clean[clean_start:].startswith(term)
    raw_evidence, clean_evidence = (json.loads(frame.loc[k, "evidence"]) for k in (0, 1))
    assert set(raw_evidence) == set(clean_evidence) and raw_evidence
    for theme, e in raw_evidence.items():
        assert raw[e["start"]:e["end"]] == e["sentence"]
        assert "".join(e["sentence"].split()) == "".join(clean_evidence[theme]["sentence"].split())
    assert pd.isna(frame.loc[2, "tone"]) and frame.loc[2, "tone_label"] is None and pd.isna(frame.loc[2, "score_capex"])
    # no Chinese character: scored (a labelled set's evaluation must not meet a null), about neutral
    assert frame.loc[[3, 4], "tone_label"].tolist() == ["neutral", "neutral"] and frame.loc[[3, 4], "tone"].notna().all()


def test_tone_term_offsets_point_into_the_answer_also_inside_a_longer_word(scorer):
    """信心 is found inside the token 充满信心: the offset is the term's own."""
    text = "我们对未来充满信心，归属于母公司的净利润有所增长。"
    assert "充满信心" in scorer.tokenizer.cut(text)  # the case this test is about
    terms = scorer.score_answer("", text).tone.terms
    assert {t.term for t in terms} >= {"信心", "增长"}
    for t in terms:
        assert text[t.start:t.start + len(t.term)] == t.term, t


def test_customers_capex_is_not_the_companys(scorer):
    """The guide: customers' capex only as a demand driver is not capex (中国移动's spending plan)."""
    customer = scorer.score_answer("", "按照中国移动今年初公布的资本开支计划，4G基站建设规模较大，公司产品需求旺盛。")
    own = scorer.score_answer("", "公司今年计划投资5亿元新建生产线，明年投产。")
    assert "capex" not in customer.tagged and "capex" in own.tagged


def test_regex_term_offsets_point_into_the_answer_when_the_match_starts_inside_a_token(tmp_path):
    """A user's regex term 最最热门 in 行业最最最热门: jieba cuts 行业|最最|最|热门, so the match starts at the second
    character of the token 最最; its offset must be the match's own (3), not the token's (2)."""
    path = tmp_path / "lexicon.txt"
    path.write_text("pos\tre:最最热门\t1\n", encoding="utf-8")
    scorer = Scorer(tone_lexicon=path)
    text = "行业最最最热门。"
    assert scorer.tokenizer.cut(text)[:3] == ["行业", "最最", "最"]  # the case this test is about
    terms = scorer.score_answer("", text).tone.terms
    assert [t.term for t in terms] == ["最最热门"]
    for t in terms:
        assert text[t.start:t.start + len(t.term)] == t.term, t


def test_offsets_into_the_given_answer_match_a_character_scan():
    """The run-by-run alignment of a cleaned answer with the answer as given equals the plain scan of
    both texts, on texts mixing Chinese, Latin words, every kind of whitespace and a NUL."""
    import random

    from nlp.scorer import _alignment, _alignment_scan, clean_texts

    rng = random.Random(11)
    alphabet = list("公司业绩增长AbC  \t\n\r\u3000\xa0\x00xy")
    checked = 0
    for _ in range(3000):
        given = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        clean = clean_texts([given])[0]
        if clean:
            assert _alignment(given, clean) == _alignment_scan(given, clean), repr(given)
            checked += 1
    assert checked > 2000


def test_scoring_a_chunk_leaves_the_garbage_collector_as_it_found_it(scorer, monkeypatch):
    """The collector is paused while a chunk is scored and resumes as it was, also after a failure."""
    import gc

    seen = []
    measures = scorer._measures
    monkeypatch.setattr(scorer, "_measures", lambda *a: (seen.append(gc.isenabled()), measures(*a))[1])
    assert gc.isenabled()
    scorer.score_columns(["产能？"], ["公司新建两条生产线。"])
    assert gc.isenabled() and seen == [False]
    gc.disable()
    try:
        scorer.score_columns(["产能？"], ["公司新建两条生产线。"])
        assert not gc.isenabled()
    finally:
        gc.enable()

    def fail(*_):
        raise RuntimeError("a failing measure")

    monkeypatch.setattr(scorer, "_measures", fail)
    with pytest.raises(RuntimeError):
        scorer.score_columns(["产能？"], ["公司新建两条生产线。"])
    assert gc.isenabled()
