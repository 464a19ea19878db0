"""nlp.eval_measures on a tiny fictional labels file (the layout of bench/out/measures.jsonl): the test
split only, bootstrap intervals, keyword baselines, malformed lines named. Every item is invented."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nlp.eval_measures import (
    auc,
    bootstrap,
    evaluate_measures,
    f1,
    format_report,
    keyword_forward_share,
    keyword_non_answer,
    load_measure_labels,
    sentences,
    spearman,
)
from nlp.records import IrtoneError

ITEMS = [
    # (split, question, answer, non_answer, n_sentences, n_forward)
    ("test", "公司今年一季度净利润多少？", "您好，具体数据请以公司披露的一季度报告为准，谢谢！", 1, 1, 0),
    ("test", "和星河电力的合作进展？", "该事项涉及商业机密，不便透露。", 1, 1, 0),
    ("test", "公司对海上风电的策略？", "积极关注，谨慎实施。", 1, 1, 0),
    ("test", "公司有高送转的打算吗？", "感谢您的关注！", 1, 1, 0),
    ("test", "重组方案何时出来？", "公司将及时履行信息披露义务，请关注后续公告。", 1, 1, 0),
    ("test", "毛利率为何下降？", "主要是原材料钢材价格上涨约20%，而产品售价调整滞后。", 0, 1, 0),
    ("test", "明年有扩产计划吗？", "公司计划明年新建两条产线。预计产能将提升一倍。", 0, 2, 2),
    ("test", "新产线投产了吗？", "新产线已于3月投产。明年将继续扩产。", 0, 2, 1),
    ("test", "出口占比多少？", "公司出口占比不到5%，影响有限。", 0, 1, 0),
    ("test", "订单情况如何？", "您好！在手订单约5亿元。未来公司将重点拓展海外市场。谢谢！", 0, 4, 1),
    ("test", "有减持计划吗？", "公司目前没有减持计划。", 0, 1, 1),
    ("test", "去年投资多少？", "公司去年投资了4亿元，主要用于研发中心建设。", 0, 1, 0),
    ("dev", "dev 题目？", "请关注公司公告。", 1, 1, 0),
    ("dev", "dev 题目？", "公司将扩产。", 0, 1, 1),
]


def write_labels(path, items=ITEMS, extra=None):
    with open(path, "w", encoding="utf-8") as fh:
        for n, (split, q, a, na, ns, nf) in enumerate(items):
            row = {"id": f"M{n:03d}", "ref": {"file": "fictional"}, "split": split, "question": q, "answer": a,
                   "non_answer": na, "category": None, "n_sentences": ns, "n_forward": nf,
                   "non_answer_a": na, "n_forward_a": nf}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        if extra is not None:
            fh.write(extra + "\n")
    return path


def test_evaluates_the_test_split_only(tmp_path):
    report = evaluate_measures(write_labels(tmp_path / "m.jsonl"), n_boot=200)
    assert report["split"] == "test" and report["n"] == 12 and report["n_non_answer"] == 5
    na = report["non_answer"]
    assert na["auc"]["value"] > 0.9  # the obvious fictional deflections rank above the answers
    assert na["f1"]["value"] > 0.8
    fl = report["forward_looking"]
    assert fl["spearman"]["value"] > 0.7
    assert 0 <= fl["f1_any"]["value"] <= 1
    for measure in ("non_answer", "forward_looking"):
        for r in report[measure].values():
            lo, hi = r["ci"]
            assert lo <= r["value"] + 1e-9 and r["value"] <= hi + 1e-9
            assert r["difference"] == pytest.approx(r["value"] - r["baseline"])
    json.dumps(report)  # JSON-ready
    table = format_report(report)
    assert "| non_answer | auc |" in table and "keyword baseline" in table


def test_the_dev_split_is_separate(tmp_path):
    report = evaluate_measures(write_labels(tmp_path / "m.jsonl"), split="dev", n_boot=50)
    assert report["n"] == 2


def test_bootstrap_is_reproducible_with_its_seed(tmp_path):
    path = write_labels(tmp_path / "m.jsonl")
    a = evaluate_measures(path, n_boot=100, seed=3)
    b = evaluate_measures(path, n_boot=100, seed=3)
    assert a["non_answer"]["auc"]["ci"] == b["non_answer"]["auc"]["ci"]


@pytest.mark.parametrize("extra, reason", [
    ("{not json", "not valid JSON"),
    (json.dumps({"id": "X", "split": "test", "answer": "a", "non_answer": 2, "n_sentences": 1, "n_forward": 0}), "non_answer"),
    (json.dumps({"id": "X", "split": "test", "answer": "a", "non_answer": 0, "n_sentences": 1, "n_forward": 3}), "n_forward"),
    (json.dumps({"id": "X", "split": "test", "answer": "a"}), "missing"),
    (json.dumps({"id": "M000", "split": "test", "answer": "a", "non_answer": 0, "n_sentences": 1, "n_forward": 0}), "duplicate"),
])
def test_a_malformed_line_is_named(tmp_path, extra, reason):
    path = write_labels(tmp_path / "m.jsonl", extra=extra)
    with pytest.raises(IrtoneError, match=rf"m\.jsonl:{len(ITEMS) + 1}: .*{reason}"):
        load_measure_labels(path)


def test_no_test_items_is_an_error(tmp_path):
    path = write_labels(tmp_path / "m.jsonl", items=[i for i in ITEMS if i[0] == "dev"])
    with pytest.raises(IrtoneError, match="no labelled items"):
        evaluate_measures(path, n_boot=10)


def test_fractional_consensus_counts_are_read(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text(json.dumps({"id": "a", "split": "test", "question": "", "answer": "公司将扩产。谢谢！",
                                "non_answer": 0, "n_sentences": 2, "n_forward": 1.5}) + "\n", encoding="utf-8")
    assert load_measure_labels(path)[0].forward_share == pytest.approx(0.75)


def test_keyword_baselines():
    assert list(keyword_non_answer(["请关注公司公告。", "收入增长20%。"])) == [1.0, 0.0]
    share = keyword_forward_share(["公司将扩产。去年收入增长。", "", "公司已将资金投入项目。"])
    assert share[0] == pytest.approx(0.5) and math.isnan(share[1])
    assert share[2] == 1.0  # the baseline has no exclusions: 已将 counts
    assert sentences("您好！公司新产线已于3月投产，预计年底达产；\n明年将继续扩产。谢谢！") == [
        "您好！", "公司新产线已于3月投产，预计年底达产；", "明年将继续扩产。", "谢谢！"]


def test_metrics():
    t = np.array([1, 1, 0, 0], dtype=float)
    assert auc(t, np.array([0.9, 0.8, 0.1, 0.2])) == 1.0
    assert auc(t, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    assert math.isnan(auc(np.ones(3), np.arange(3.0)))
    assert f1(t, np.array([1, 0, 1, 0], dtype=float)) == pytest.approx(0.5)
    assert spearman(np.arange(5.0), np.arange(5.0) ** 2) == pytest.approx(1.0)
    r = bootstrap(spearman, (np.arange(30.0), np.arange(30.0)), n_boot=50)
    assert r["value"] == pytest.approx(1.0) and r["ci"][0] == pytest.approx(1.0)
