"""The batched hot path gives what the one-answer-at-a-time API gives, whatever the batch.

All texts here are made up for the tests.
"""
import json
import math
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nlp.batch import filing_columns
from nlp.matching import MatcherSet, RegexPrefilter, TermMatcher, fold_tokens, required_strings
from nlp.parse import parse_document
from nlp.scorer import Scorer, answer_columns, round4, tone_terms_json
from nlp.read import read_file
from nlp.tokens import CLAUSE_BREAKS, Tokenizer

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ece50293e7075997.txt"

QA = [
    ("公司的产能情况如何？", "公司今年营收同比增长25.3%，毛利率明显提升。新建的生产线已投产，产能扩大一倍。"),
    ("请问公司是否使用国产芯片？", "公司服务器采购了国产GPU和CPU，暂无订单受美国制裁影响。谢谢您的关注！"),
    ("", "感谢您的关注！具体请以公司公告为准。"),
    ("公司有减持计划吗？", "公司控股股东没有减持计划，也不存在重大风险；未来将继续稳步增长。"),
    ("AI算力业务进展？", "公司的ai算力平台和IDC业务稳步推进，训练算力服务收入下降3%，但客户数量大幅增加。"),
    ("募集资金用途？", "公司拟募集资金约10亿元，用于扩建数据中心、购置设备；项目尚未盈利。"),
    ("", ""),
    ("无关问题", "好的。"),
]


@pytest.fixture(scope="module")
def scorer():
    return Scorer()


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer()


def test_many_at_once_equals_one_at_a_time(scorer):
    questions, answers = [q for q, _ in QA], [a for _, a in QA]
    together = scorer.score_many(questions, answers, list(range(len(QA))))
    alone = [scorer.score_answer(q, a, n) for n, (q, a) in enumerate(QA)]
    assert together == alone
    # a row's scores do not depend on its neighbours in the batch
    shuffled = list(range(len(QA)))
    random.Random(3).shuffle(shuffled)
    again = scorer.score_many([questions[i] for i in shuffled], [answers[i] for i in shuffled], shuffled)
    assert sorted(again, key=lambda a: a.number) == together
    assert any(a.tagged for a in together) and any(t.terms for t in (a.tone for a in together))


def test_columns_without_records_equal_columns_of_records(scorer):
    questions, answers = [q for q, _ in QA], [a for _, a in QA]
    records = scorer.score_many(questions, answers)
    assert scorer.score_columns(questions, answers) == answer_columns(records, scorer.theme_names, scorer.model_version)
    frame = pd.DataFrame({"question": questions + [None, float("nan")], "answer": answers + [None, 7]})
    out = scorer.score_answers(frame)
    assert out["evidence"].tolist()[: len(QA)] == answer_columns(records, scorer.theme_names, "")["evidence"]
    assert out["themes"].tolist()[: len(QA)] == [list(a.tagged) for a in records]
    assert out["tone_terms"].tolist()[-2:] == ["[]", "[]"]


def test_batch_rows_from_columns_equal_rows_from_records(scorer):
    filing = parse_document(read_file(SEED))
    score = scorer.score_filing(filing)
    names, version = scorer.theme_names, scorer.model_version
    qa = filing.qa
    scored = scorer.score_columns([s.question for s in qa], [s.answer for s in qa])
    assert filing_columns(filing, None, names, version, scored=scored) == filing_columns(filing, score.answers, names, version)


def test_model_rows_are_scored_like_a_single_row(scorer):
    model = scorer._load()["tone_model"]
    X = np.random.default_rng(0).normal(size=(500, len(model.FEATURE_NAMES))) * 3
    together = model._linear_rows(X)
    assert all(together[i] == model._linear(X[i : i + 1])[0] for i in range(len(X)))


def test_round4_is_pythons_round():
    rng = random.Random(1)
    values = [rng.random() for _ in range(20000)] + [-rng.random() for _ in range(2000)]
    values += [k / 1e4 + 5e-5 for k in range(-100, 10000)]  # halfway cases (as written in decimal)
    values += [0.0, -0.0, 1.0, -1.0, 2.675, 0.00005, 0.99995, float("nan")]
    got = round4(np.array(values)).tolist()
    want = [round(v, 4) for v in values]
    assert [repr(g) for g in got] == [repr(w) for w in want]


def test_tone_terms_json_is_json_dumps():
    terms = [("增长", 0.8, 3, False), ('说"不"', -0.2400000000000001, 10, True), ("a\\b\n\t", 1e-05, 0, False),
             ("\U0001F600", -0.0, 7, True), ("x", float("nan"), 1, False), ("y", float("-inf"), 2, True)]
    assert tone_terms_json(terms) == json.dumps([list(t) for t in terms], ensure_ascii=False)
    assert tone_terms_json([]) == "[]"


def test_scan_and_matcher_set_find_what_find_finds(tokenizer):
    entries = [("增长", "pos"), ("稳步", "pos"), ("下降", "neg"), ("没有", "negator"), ("大幅", "degree"),
               ("re:同比(增长|增加)", "pos"), ("re:(下降|减少)\\d+%", "neg"), ("AI", "pos")]
    inside = TermMatcher(entries, tokenizer, inside_tokens=True)
    themes = TermMatcher([("国产芯片", ("chips", "core")), ("GPU", ("chips", "core")), ("算力", ("ai", "core")),
                          ("re:(购买|采购)[^，。]{0,8}(设备|服务器)", ("capex", "core"))], tokenizer)
    plain = TermMatcher([("请关注", "x"), ("公告", "x")], tokenizer)
    both = MatcherSet([themes, plain, inside], marks=CLAUSE_BREAKS)
    texts = [a for _, a in QA] + [q for q, _ in QA] + [
        "营收同比增长，成本下降5%，没有大幅下降。", "公司稳步增长，ai与gpu业务同比增加。请关注公告。",
        "采购了一批服务器，国产芯片占比提升", "稳步增长稳步增长", "AI、GPU等；算力。",
    ]
    for text in texts:
        tokens = tokenizer.cut(text)
        folded = fold_tokens(tokens)
        (theme_hits, plain_hits, inside_hits), marks = both.scan(tokens)
        for matcher, hits in ((themes, theme_hits), (plain, plain_hits), (inside, inside_hits)):
            assert hits == matcher.scan(tokens) == [tuple(m.__dict__.values()) for m in matcher.find(tokens)]
        assert marks == [i for i, t in enumerate(folded) if t in CLAUSE_BREAKS]
    assert any(inside.scan(tokenizer.cut("公司稳步增长")))


def test_required_strings_never_skip_a_match():
    patterns = [r"同比(增长|增加|上升)", r"(增长|提升)[^，。；]{0,6}\d+(\.\d+)?\s*[%％]", r"(暂无|尚无|没有|无)(订单|收入)",
                r"已(经)?(实现|完成)", r"(?i)abc", r"\d+倍", r"(投入|投资)[^，。]{0,6}(亿|万元)", r"a|b", r"x*"]
    assert required_strings(re.compile(r"同比(增长|增加|上升)")) == ("同比",)
    assert required_strings(re.compile(r"(?i)abc")) is None
    assert set(required_strings(re.compile(r"(暂无|尚无|没有|无)(订单|收入)"))) <= {"无", "没有", "订单", "收入"}
    texts = ["同比增长", "增长了12.5 %", "暂无订单", "尚无收入", "已经实现", "ABC abc", "3倍", "投入约2亿", "a", "",
             "没有", "增加", "提升10％", "同比", "订单"]
    for p in patterns:
        rx = re.compile(p)
        needles = required_strings(rx)
        for text in texts:
            if needles is not None and not any(n in text for n in needles):
                assert rx.search(text) is None or rx.search(text).group() == "", (p, text)


def test_regex_prefilter_keeps_every_regex_that_matches(scorer):
    # overlapping needles, one inside another, a regex without needles
    patterns = [r"产能(扩大|提升)", r"(能力|水平)提升", r"产(品|能)", r"募集资金[^，]{0,4}项目", r"募集", r"[a-z]+\d", r"资金(充足|紧张)",
                r"能力(强|弱)"]
    rx = [re.compile(p) for p in patterns]
    prefilter = RegexPrefilter([required_strings(r) for r in rx])
    texts = ["产能力提升", "产能扩大", "募集资金投资项目", "ai2", "募集", "", "产品", "能力", "募集资金充足", "产能力强", "产品能力弱"]
    for text in texts:
        assert {k for k, r in enumerate(rx) if r.search(text)} <= set(prefilter.candidates(text)), text
    assert list(prefilter.candidates("无关")) == [5]
    # the lexicons' own regexes on real answers (the seed filing)
    state = scorer._load()
    matchers = [state["theme_features"].answer_matcher, state["tone_features"].matcher]
    texts = [seg.answer for seg in parse_document(read_file(SEED)).qa] + [a for _, a in QA]
    for matcher in matchers:
        for text in texts:
            matching = {k for k, (r, _, _) in enumerate(matcher._regexes) if any(m.group() for m in r.finditer(text))}
            assert matching <= set(matcher._prefilter.candidates(text)), text
    assert any(matcher._prefilter.candidates(text) for text in texts)


def test_public_analysis_agrees_with_the_hot_path(scorer, tokenizer):
    state = scorer._load()
    tone, themes = state["tone_features"], state["theme_features"]
    for question, answer in QA:
        a, q = tokenizer.cut(answer), tokenizer.cut(question)
        analysis = tone.analyze(a)
        scan = tone.scan(a)
        assert [(c.term, c.weight, c.start, c.negated) for c in analysis.contributions] == scan[0]
        assert (analysis.positive, analysis.negative, analysis.promised, analysis.hedge, analysis.deflection,
                analysis.n_sentences, analysis.length) == scan[1:]
        assert list(tone.features(analysis, tone.analyze(q) if question else None)) == list(
            tone.scan_features(scan, tone.scan(q) if question else None))
        matches = themes.matches(q, a)
        cues = themes.question_cues(q)
        rows = themes.feature_rows(themes.scan_answer(a), cues, a)
        assert themes.features(matches, a).tolist() == [list(r) for r in rows]
        assert {name for name, m in matches.items() if m.question_cue} == cues
        assert all(math.isfinite(x) for r in rows for x in r)
