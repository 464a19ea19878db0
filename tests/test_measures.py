"""The answer measures (nlp.features.measures) on fictional answers: each orders obvious cases the right
way, NaN where a value is undefined, and a row's values never depend on the rows beside it.

Every company, figure and sentence here is invented."""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

from nlp.features.measure_patterns import MeasureDataError, MeasurePatterns, load_patterns
from nlp.features.measures import MEASURE_COLUMNS, measure_columns
from nlp.features.relevance import load_space
from nlp.lang import read_json
from nlp.tokens import Tokenizer

CUT = Tokenizer().cut


def columns(answers, questions=None, terms=None, **kw):
    questions = [""] * len(answers) if questions is None else questions
    terms = [[] for _ in answers] if terms is None else terms
    return measure_columns(answers, questions, [CUT(a) for a in answers], [CUT(q) for q in questions], terms, **kw)


def one(answer, question="", terms=(), **kw):
    out = columns([answer], [question], [list(terms)], **kw)
    return {k: float(v[0]) for k, v in out.items()}


# ---- non-answers

DEFLECTIONS = [
    "积极关注，谨慎实施。",
    "您好，请投资者直接向星河电力咨询。谢谢！",
    "具体情况请关注公司公告，谢谢！",
    "相关数据以定期报告为准。",
    "该信息属于商业秘密，暂不方便回答，感谢您的关注。",
    "您好，此事项公司不便透露。",
    "如有相关事项，公司将及时履行信息披露义务。",
    "感谢您的关注！",
    "您好！谢谢！",
    "二级市场股价受宏观经济、市场情绪等多种因素影响，请投资者理性投资，注意风险。",
    "会后我们证券部同事会和您进一步沟通。",
    "公司不存在应披露而未披露的重大信息，一切以公司公告为准。",
    "相关项目情况详见重组报告书，谢谢！",
    "公司若有相关举措，公司会履行相关的信息披露义务。",
]
ANSWERS = [
    "2023年公司风电业务收入4.2亿元，同比增长18%，毛利率提升2个百分点。",
    "海上风电项目已在江苏并网，装机容量300MW。",
    "是的，公司的产品已经供货给三家整车厂。",
    "您好，公司今年新签订单12亿元，其中海外订单占35%。谢谢！",
    "主要是原材料钢材价格上涨约20%，而产品售价调整滞后。",
    "公司出口占比不到5%，影响有限。",
]


def test_deflections_score_above_answers_with_figures():
    scores = columns(DEFLECTIONS + ANSWERS)["non_answer"]
    deflect, answer = scores[: len(DEFLECTIONS)], scores[len(DEFLECTIONS):]
    assert deflect.min() > answer.max()
    assert np.all(answer < 0.1)


def test_deflections_are_flagged_evasive_and_answers_are_not():
    out = columns(DEFLECTIONS + ANSWERS)
    threshold = read_json("measures.json")["non_answer_rules"]["evasive_threshold"]
    assert np.all(out["evasive"][: len(DEFLECTIONS)] == 1.0)
    assert np.all(out["evasive"][len(DEFLECTIONS):] == 0.0)
    assert np.array_equal(out["evasive"] == 1.0, out["non_answer"] >= threshold)


def test_a_pointer_to_the_report_after_real_figures_is_mostly_an_answer():
    mixed = one("2023年公司收入增长25%，主要来自储能业务的放量；其他细节请查阅公司年报。")["non_answer"]
    pure = one("具体情况请查阅公司年报。")["non_answer"]
    assert 0.0 < mixed < 0.5 < pure


def test_courtesy_only_is_a_non_answer_and_courtesy_around_an_answer_is_not():
    assert one("感谢您对公司的关注！")["non_answer"] == pytest.approx(1.0)
    wrapped = one("尊敬的投资者您好！公司的新工厂已经投产。感谢您对公司的关注与支持！")["non_answer"]
    assert wrapped == pytest.approx(0.0)


def test_a_plain_no_is_an_answer():
    assert one("公司目前没有减持计划。")["non_answer"] == pytest.approx(0.0)
    # a short denial before a pointer is not a lead-in to the pointer (the guide's rule 2); it still
    # counts by its length only, so with a long pointer the answer may stay flagged (left to the dev split)
    assert one("暂时没有，请关注公告。")["non_answer"] < one("请关注公告。")["non_answer"]
    assert one("暂时没有，请关注公告。")["non_answer"] <= 0.5


def test_a_reason_beside_a_refusal_is_an_answer_and_a_topic_lead_in_is_not():
    # the guide's rules 8 and 1; 关于… only names the topic of the pointer after it
    assert one("目前无法预计，主要取决于原材料价格走势。")["non_answer"] < 0.5
    assert one("关于募投项目延期的原因，详见公司于巨潮资讯网披露的相关公告。")["non_answer"] > 0.8
    assert one("与公司相关信息，公司会及时公告。")["non_answer"] > 0.7


# ---- specificity

def test_specific_answers_score_above_vague_ones():
    specific = [
        "2023年上半年公司实现营业收入3.5亿元，同比增长12.5%。",
        "公司在上海和德国设有研发中心，客户包括国家电网。",
    ]
    vague = [
        "公司会继续努力，做好经营管理工作。",
        "公司业务发展良好，各项工作有序推进。",
    ]
    out = columns(specific + vague)["specificity"]
    assert out[:2].min() > out[2:].max()
    assert np.all(out[2:] == 0.0)
    assert np.all((out >= 0) & (out <= 1))


def test_specificity_counts_named_places_and_organizations_as_whole_tokens():
    assert one("公司与华为在深圳合作。")["specificity"] > 0.3
    assert one("公司与合作伙伴在当地合作。")["specificity"] == 0.0


def test_list_numbers_are_not_figures():
    assert one("1、加强管理；2、提升效率。")["specificity"] == 0.0


# ---- forward-looking

def test_plans_score_above_past_facts():
    plans = "公司计划明年新建两条产线，预计产能将提升一倍。"
    past = "公司去年新建了两条产线，产能提升了一倍。"
    assert one(plans)["forward_looking"] == pytest.approx(1.0)
    assert one(past)["forward_looking"] == pytest.approx(0.0)


def test_forward_share_counts_every_sentence_as_the_guide_splits_them():
    # docs/labeling_measures.md: 您好！ and 谢谢！ are sentences; a line break does not end one
    out = one("您好！公司去年收入增长10%。未来公司将重点拓展海外市场。谢谢！")
    assert out["forward_looking"] == pytest.approx(0.25)
    assert one("公司去年收入增长10%\n未来将拓展海外市场。")["forward_looking"] == pytest.approx(1.0)
    assert one("公司新产线已于3月投产，预计年底达产；明年将继续扩产。")["forward_looking"] == pytest.approx(1.0)
    assert one("公司新产线已于3月投产；明年将继续扩产。")["forward_looking"] == pytest.approx(0.5)


def test_jiang_as_object_marker_or_nearly_is_not_forward():
    assert one("公司已将募集资金全部投入项目。")["forward_looking"] == 0.0
    assert one("公司员工将近三千人。")["forward_looking"] == 0.0
    assert one("公司将其作为核心业务。")["forward_looking"] == 0.0
    assert one("公司将加大研发投入。")["forward_looking"] == 1.0


def test_no_intention_is_forward_but_a_disclosure_promise_or_a_past_plan_is_not():
    # the guide's rules 2, 3 and 1
    assert one("公司目前暂无回购计划。")["forward_looking"] == 1.0
    assert one("公司将及时履行信息披露义务。")["forward_looking"] == 0.0
    assert one("如有相关计划，公司将及时公告。")["forward_looking"] == 0.0
    assert one("公司去年计划投资5亿元，实际投资4亿元。")["forward_looking"] == 0.0


def test_forward_tone_reads_only_the_terms_of_forward_sentences():
    text = "去年利润下滑。明年公司将加快增长。"
    start_fall = text.index("下滑")
    start_grow = text.index("增长")
    terms = [("下滑", -1.0, start_fall, False), ("增长", 0.5, start_grow, False)]
    out = one(text, terms=terms)
    assert out["forward_looking"] == pytest.approx(0.5)
    assert out["forward_tone"] == pytest.approx(0.5 / 1.5)
    negative = one("公司预计明年需求将下滑。", terms=[("下滑", -1.0, 9, False)])["forward_tone"]
    assert negative == pytest.approx(-0.5)


def test_forward_tone_is_nan_without_a_forward_sentence_and_zero_without_terms():
    assert math.isnan(one("公司去年收入增长。", terms=[("增长", 1.0, 6, False)])["forward_tone"])
    assert one("公司将扩大产能。")["forward_tone"] == 0.0


def test_terms_outside_their_answer_are_ignored():
    out = one("公司将扩大产能。", terms=[("增长", 1.0, 99, False), ("增长", 1.0, -1, False)])
    assert out["forward_tone"] == 0.0


# ---- relevance

def test_on_topic_answers_are_more_relevant_than_off_topic_ones():
    questions = ["公司海上风电项目的进展如何？", "公司光伏组件的毛利率是多少？", "公司锂电池材料的产能规划？"]
    on_topic = ["公司海上风电项目已完成吊装，预计年内并网发电。", "公司光伏组件毛利率约为15%，较去年有所提升。",
                "公司锂电池正极材料产能明年将扩至5万吨。"]
    off_topic = ["公司食堂将于下月装修，员工餐补标准不变。", "公司股东大会审议通过了章程修订。", "公司办公楼绿化工作已完成。"]
    rel_on = columns(on_topic, questions)["relevance"]
    rel_off = columns(off_topic, questions)["relevance"]
    assert np.all(rel_on > rel_off)
    assert np.all((rel_on >= 0) & (rel_on <= 1)) and np.all((rel_off >= 0) & (rel_off <= 1))


def test_relevance_is_nan_without_a_question():
    out = columns(["公司海上风电项目进展顺利。"] * 3, ["", "   ", "？"])
    assert np.all(np.isnan(out["relevance"]))


def test_an_answer_with_no_vocabulary_word_has_the_lowest_relevance():
    low = one("谢谢！", "公司海上风电项目的进展如何？")["relevance"]
    high = one("公司海上风电项目已完成吊装。", "公司海上风电项目的进展如何？")["relevance"]
    assert low < high and low == pytest.approx(float(load_space().normalize(np.array([0.0]))[0]))


# ---- NaN rules, empty strings, shapes

def test_empty_and_punctuation_only_answers_are_undefined():
    out = columns(["", "。！", "   "], ["问题？", "问题？", ""])
    for name in ("non_answer", "evasive", "specificity", "forward_looking", "forward_tone"):
        assert np.all(np.isnan(out[name])), name


def test_empty_chunk():
    out = columns([])
    assert set(out) == set(MEASURE_COLUMNS)
    assert all(v.shape == (0,) for v in out.values())


def test_columns_are_float_arrays_of_the_chunk_length():
    out = columns(ANSWERS + DEFLECTIONS, ["问题？"] * len(ANSWERS + DEFLECTIONS))
    assert set(out) == set(MEASURE_COLUMNS)
    for name, values in out.items():
        assert values.dtype == np.float64 and values.shape == (len(ANSWERS + DEFLECTIONS),), name


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="questions"):
        measure_columns(["a"], [], [["a"]], [], [[]])


# ---- row independence

CHUNK = DEFLECTIONS + ANSWERS + [
    "", "公司将在明年推出新品。", "已将", "计划", "\n公司去年亏损。\n请关注公告", "公司拟在上海设立子公司，预计投资1亿元。",
    "谢谢", "将近一年", "1、", "2", "规划设计院成立于去年。",
]
QUESTIONS = ["公司的规划？", "", "产能？", "海外业务？"] * 10


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.allclose(a, b, rtol=0, atol=1e-12, equal_nan=True))


def test_values_do_not_depend_on_the_other_rows_of_the_chunk():
    n = len(CHUNK)
    questions = QUESTIONS[:n]
    terms = [[("增长", 1.0, 0, False)] if a else [] for a in CHUNK]
    whole = columns(CHUNK, questions, terms)
    singles = [columns([a], [q], [t]) for a, q, t in zip(CHUNK, questions, terms)]
    order = list(range(n))
    random.Random(7).shuffle(order)
    shuffled = columns([CHUNK[i] for i in order], [questions[i] for i in order], [terms[i] for i in order])
    for name in MEASURE_COLUMNS:
        assert _same(whole[name], np.array([s[name][0] for s in singles])), name
        back = np.empty(n)
        back[order] = shuffled[name]
        assert _same(whole[name], back), name
        for size in (2, 3, 5):
            parts = [columns(CHUNK[i:i + size], questions[i:i + size], terms[i:i + size])[name] for i in range(0, n, size)]
            assert _same(whole[name], np.concatenate(parts)), (name, size)


# ---- the language data

def test_measure_patterns_reject_a_bad_regex():
    data = read_json("measures.json")
    data["forward"]["markers"].append("(unclosed")
    with pytest.raises(MeasureDataError, match="forward.markers"):
        MeasurePatterns.from_dict(data, "copy.json")


def test_a_users_copy_of_the_patterns_is_used(tmp_path):
    import json

    data = read_json("measures.json")
    data["forward"]["markers"] = ["扩产"]
    path = tmp_path / "measures.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    mine = load_patterns(path)
    assert one("公司今年扩产。", patterns=mine)["forward_looking"] == 1.0
    assert one("公司将加大投入。", patterns=mine)["forward_looking"] == 0.0


def test_no_pattern_reaches_across_a_newline():
    patterns = load_patterns()
    every = list(patterns.courtesy) + list(patterns.forward_markers) + list(patterns.not_forward) + list(patterns.specific)
    every += [rx for c in patterns.non_answer for rx in c.patterns]
    text = "\n".join(DEFLECTIONS + ANSWERS + CHUNK)
    for rx in every:
        for m in rx.finditer(text):
            assert "\n" not in m.group(0), rx.pattern


def test_the_shipped_relevance_space_is_small_and_consistent():
    from nlp.lang import read_bytes

    assert len(read_bytes("relevance.npz")) < 2_000_000
    space = load_space()
    assert len(space.vocabulary) == len(space.idf) == space.components.shape[1]
    assert 0.0 <= space.alpha <= 1.0
    assert np.all(np.diff(space.quantiles) >= 0) and space.probabilities[0] == 0.0 and space.probabilities[-1] == 1.0
    assert all(" " not in w and len(w) <= 20 for w in space.vocabulary)  # single words, no text


def test_columns_read_by_token_ids_equal_columns_read_by_strings():
    from nlp.tokens import Vocab, cut_batch

    answers = ANSWERS + DEFLECTIONS + ["", "。"]
    questions = ["公司风电业务收入如何？", "", "海外订单占比多少？"] * (len(answers) // 3) + ["请问毛利率？"] * (len(answers) % 3)
    distinct = list(dict.fromkeys(questions))
    vocab = Vocab()
    tokenizer = Tokenizer()
    batch, qbatch = cut_batch(tokenizer, answers, vocab), cut_batch(tokenizer, distinct, vocab)
    question_of = np.array([distinct.index(q) for q in questions])
    a_tokens = [batch.doc_tokens(d) for d in range(len(answers))]
    q_tokens = [qbatch.doc_tokens(q) for q in question_of.tolist()]
    terms = [[] for _ in answers]
    by_strings = measure_columns(answers, questions, a_tokens, q_tokens, terms)
    by_ids = measure_columns(answers, questions, a_tokens, q_tokens, terms, token_batches=(batch, qbatch, question_of))
    assert np.isfinite(by_strings["relevance"]).sum() > 5
    for name in MEASURE_COLUMNS:
        assert np.allclose(by_ids[name], by_strings[name], rtol=0, atol=1e-12, equal_nan=True), name
