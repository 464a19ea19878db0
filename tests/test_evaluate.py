"""Metrics, the CV protocol and ``irtone eval``, on small hand-made (fictional) examples."""
from __future__ import annotations

import itertools
import json
import math
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from nlp.evaluate import (
    CEILING_NAME,
    bootstrap_ci,
    continuous_ceiling,
    cross_validated_predictions,
    evaluate_external,
    evaluate_labels,
    load_cfbench_news,
    load_finfe_eval,
    load_labels,
    spearman,
    text_fingerprint,
    theme_f1,
    three_class_macro_f1,
)
from nlp.records import IrtoneError

# --------------------------------------------------------------------------- fictional labels

FICTIONAL = [
    # (question, answer, themes, tone)
    ("公司产能情况？", "蓝鲸科技新建生产线已投产，产能增长一倍。", ["capex"], 2.0),
    ("融资安排？", "公司拟发行可转债融资五亿元，用于新生产线建设。", ["capex", "financing"], 1.0),
    ("毛利率为何下降？", "原材料涨价，毛利率下降，短期承压。", [], -1.0),
    ("订单情况？", "在手订单充足，收入增长稳健。", [], 1.0),
    ("是否有定增计划？", "请以公司公告为准。", [], 0.0),
    ("银行贷款情况？", "公司获得银行贷款授信三亿元，融资成本下降。", ["financing"], 0.5),
    ("产品价格？", "产品价格下降，业绩亏损。", [], -2.0),
    ("扩产计划？", "二期扩产项目正在建设，预计明年投产，产能增长。", ["capex"], 1.5),
    ("现金流？", "经营现金流稳定。", [], 0.0),
    ("债券发行？", "公司债券发行已获批准，募集资金将偿还贷款。", ["financing"], 0.5),
]


def write_labels(path, items=FICTIONAL, annotators=True):
    with path.open("w", encoding="utf-8") as handle:
        for number, (question, answer, themes, tone) in enumerate(items, start=1):
            row = {"id": f"F{number:02d}", "source": "fiction", "question": question, "answer": answer,
                   "themes": themes, "tone": tone}
            if annotators:
                row.update(themes_a=themes, tone_a=math.floor(tone), themes_b=themes, tone_b=math.ceil(tone))
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


class FakeScorer:
    """Keyword scorer standing in for nlp.scorer.Scorer; records what it was fitted on."""

    theme_names = ["capex", "financing"]
    keywords = {"capex": ("产能", "扩产", "生产线"), "financing": ("融资", "可转债", "债券", "贷款")}

    def __init__(self, trained_on=frozenset(), log=None):
        self.trained_on = frozenset(trained_on)
        self.log = log
        self.fitted_answers: list[str] | None = None

    def fit(self, df):
        self.fitted_answers = list(df["answer"])
        if self.log is not None:
            self.log.append({"fit": list(df["answer"]), "columns": list(df.columns)})
        return self

    def score_answers(self, df):
        import pandas as pd

        if self.log is not None:
            self.log.append({"score": list(df["answer"]), "columns": list(df.columns)})
        rows = []
        for answer in df["answer"]:
            tone = 0.5 * answer.count("增长") - 0.5 * (answer.count("下降") + answer.count("亏损"))
            tone = max(-1.0, min(1.0, tone))
            themes = [t for t, words in self.keywords.items() if any(w in answer for w in words)]
            label = "positive" if tone > 0.2 else ("negative" if tone < -0.2 else "neutral")
            rows.append({"tone": tone, "tone_label": label, "themes": themes})
        return pd.DataFrame(rows)


# --------------------------------------------------------------------------- metrics


def test_spearman_known_values():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # ties get average ranks: x ranks (1, 2.5, 2.5, 4), y ranks (1, 2, 3, 4) → 0.9486832980505138
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486832980505138)
    assert math.isnan(spearman([1, 1, 1], [1, 2, 3]))
    with pytest.raises(ValueError):
        spearman([1, 2], [1, 2, 3])


def test_spearman_agrees_with_scipy():
    stats = pytest.importorskip("scipy.stats")
    x = [0.3, -1.0, 0.3, 2.0, 0.0, 0.5, -0.5, 1.0]
    y = [1, -2, 0, 2, 0, 1, -1, 1]
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic)


def test_theme_f1_perfect_and_constructed_half():
    truth = [["a"], ["a", "b"], [], ["b"]]
    assert theme_f1(truth, truth, ["a", "b"]) == {"a": 1.0, "b": 1.0, "macro": 1.0}
    # theme a: 1 true positive, 1 false positive, 1 false negative → F1 = 2/(2+1+1) = 0.5
    truth = [["a"], ["a"], [], []]
    pred = [["a"], [], ["a"], []]
    assert theme_f1(truth, pred, ["a"]) == {"a": 0.5, "macro": 0.5}
    # macro over a (0.5) and b (1.0); predicted themes outside the list are ignored
    truth = [["a", "b"], ["a"], [], []]
    pred = [["a", "b", "zzz"], [], ["a"], []]
    assert theme_f1(truth, pred, ["a", "b"]) == {"a": 0.5, "b": 1.0, "macro": 0.75}


def test_theme_f1_absent_theme_is_undefined_and_left_out_of_macro():
    scores = theme_f1([["a"], []], [["a"], []], ["a", "b"])
    assert scores["a"] == 1.0 and math.isnan(scores["b"]) and scores["macro"] == 1.0
    assert theme_f1([[]], [["b"]], ["b"])["b"] == 0.0
    with pytest.raises(ValueError):
        theme_f1([[]], [], ["a"])


def test_three_class_macro_f1():
    truth = ["positive", "positive", "neutral", "negative"]
    assert three_class_macro_f1(truth, truth) == 1.0
    pred = ["positive", "neutral", "neutral", "positive"]
    # positive: tp1 fp1 fn1 → 0.5; neutral: tp1 fp1 fn0 → 2/3; negative: tp0 fp0 fn1 → 0
    assert three_class_macro_f1(truth, pred) == pytest.approx((0.5 + 2 / 3 + 0.0) / 3)
    with pytest.raises(ValueError):
        three_class_macro_f1(["good"], ["positive"])


def test_bootstrap_ci_is_deterministic_and_contains_the_estimate():
    x = [0.1, 0.4, -0.3, 0.8, 0.0, 0.5, -0.6, 0.9, 0.2, -0.1, 0.7, 0.3]
    y = [0, 1, -1, 2, 0, 1, -1, 1, 0, 0, 2, 1]
    first = bootstrap_ci(spearman, x, y, n=200, random_state=0)
    assert first == bootstrap_ci(spearman, x, y, n=200, random_state=0)
    assert first != bootstrap_ci(spearman, x, y, n=200, random_state=1)
    low, high = first
    assert low <= spearman(x, y) <= high <= 1.0


def test_bootstrap_ci_of_constant_metric_and_bad_input():
    assert bootstrap_ci(lambda a: 0.5, [1, 2, 3], n=10) == (0.5, 0.5)
    # every resample of a constant column has an undefined Spearman
    assert all(math.isnan(v) for v in bootstrap_ci(spearman, [1, 1], [2, 2], n=10))
    with pytest.raises(ValueError):
        bootstrap_ci(spearman, [1, 2], [1], n=10)


# --------------------------------------------------------------------------- labels


def test_load_labels_reads_fictional_file(tmp_path):
    labels = load_labels(write_labels(tmp_path / "labels.jsonl"))
    assert len(labels) == 10
    assert labels["id"].tolist()[:2] == ["F01", "F02"]
    assert labels.loc[1, "themes"] == ["capex", "financing"]
    assert labels.loc[6, "tone"] == -2.0
    assert labels.loc[7, "tone_a"] == 1.0 and labels.loc[7, "tone_b"] == 2.0


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "labels.jsonl:2: not valid JSON"),
        ('["a list"]', "labels.jsonl:2: each line must be a JSON object"),
        ('{"id": "X", "question": "", "answer": "a", "themes": []}', "labels.jsonl:2: missing field(s) tone"),
        ('{"id": "X", "question": "", "answer": "a", "themes": [], "tone": 3}', "'tone' must be a number in [-2, 2]"),
        ('{"id": "X", "question": "", "answer": "a", "themes": "capex", "tone": 0}', "'themes' must be a list"),
        ('{"id": "F01", "question": "", "answer": "a", "themes": [], "tone": 0}', "duplicate id(s): F01"),
        ('{"id": "X", "question": "", "answer": "a", "themes": [], "tone": 0, "tone_a": 1}',
         "annotator labels incomplete"),
    ],
)
def test_load_labels_rejects_bad_lines(tmp_path, line, message):
    path = tmp_path / "labels.jsonl"
    first = {"id": "F01", "question": "q", "answer": "a", "themes": [], "tone": 0}
    path.write_text(json.dumps(first) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(IrtoneError) as err:
        load_labels(path)
    assert message in str(err.value)


def test_load_labels_missing_or_empty_file(tmp_path):
    with pytest.raises(IrtoneError, match="no such labels file"):
        load_labels(tmp_path / "absent.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(IrtoneError, match="no labelled answers"):
        load_labels(tmp_path / "empty.jsonl")


def test_training_overlap_accepts_raw_stripped_and_whitespace_free_fingerprints():
    from nlp.evaluate import training_overlap

    texts = [" 蓝鲸 科技 ", "鲸落公司"]
    assert training_overlap(texts, {text_fingerprint(" 蓝鲸 科技 ")}) == [True, False]
    assert training_overlap(texts, {text_fingerprint("蓝鲸 科技")}) == [True, False]
    assert training_overlap(texts, {text_fingerprint("蓝鲸科技")}) == [True, False]
    assert training_overlap(texts, set()) == [False, False]


# --------------------------------------------------------------------------- cross-validation


def test_cross_validation_never_fits_on_a_test_item(tmp_path):
    labels = load_labels(write_labels(tmp_path / "labels.jsonl"))
    log: list[dict] = []
    predictions = cross_validated_predictions(labels, lambda: FakeScorer(log=log), n_splits=5, random_state=0)
    fits = [entry for entry in log if "fit" in entry]
    scores = [entry for entry in log if "score" in entry]
    assert len(fits) == len(scores) == 5
    for fit, score in zip(fits, scores):
        assert not set(fit["fit"]) & set(score["score"])
        assert len(fit["fit"]) + len(score["score"]) == 10
        assert fit["columns"] == ["question", "answer", "themes", "tone"]
        assert "tone" not in score["columns"] and "themes" not in score["columns"]
    scored = [answer for entry in scores for answer in entry["score"]]
    assert sorted(scored) == sorted(labels["answer"])
    # original order restored; each row's prediction is the fake's verdict on that row's answer
    assert predictions.index.tolist() == labels.index.tolist()
    assert predictions["themes"].tolist()[1] == ["capex", "financing"]
    assert predictions["tone"].tolist()[6] == -1.0
    assert sorted(predictions["cv_fold"].value_counts().tolist()) == [2, 2, 2, 2, 2]


def test_cross_validation_adds_extra_training_labels_but_never_a_held_out_answer(tmp_path):
    labels = load_labels(write_labels(tmp_path / "labels.jsonl"))
    extra = labels.iloc[:2].copy()
    extra["answer"] = [" " + a.replace("，", " ，") for a in extra["answer"]]  # the same answers, spaced
    extra = pd.concat([extra, pd.DataFrame({"question": ["问"], "answer": ["公司新建生产线。"], "themes": [["capex"]],
                                            "tone": [1.0], "weight": [2.0]})], ignore_index=True)
    log: list[dict] = []
    cross_validated_predictions(labels, lambda: FakeScorer(log=log), n_splits=5, random_state=0, extra_train=extra)
    fits = [entry for entry in log if "fit" in entry]
    scores = [entry for entry in log if "score" in entry]
    for fit, score in zip(fits, scores):
        assert "公司新建生产线。" in fit["fit"] and fit["columns"][-1] == "weight"
        squeezed = {"".join(a.split()) for a in fit["fit"]}
        assert not squeezed & {"".join(a.split()) for a in score["score"]}
        assert len(fit["fit"]) == 8 + 1 + sum(a in squeezed for a in labels["answer"].iloc[:2])


def test_cross_validation_rejects_bad_fold_counts(tmp_path):
    labels = load_labels(write_labels(tmp_path / "labels.jsonl"))
    with pytest.raises(ValueError):
        cross_validated_predictions(labels, FakeScorer, n_splits=11)
    with pytest.raises(ValueError):
        cross_validated_predictions(labels, FakeScorer, n_splits=1)


def test_ceiling_breaks_the_consensus_ties_and_bounds_any_untied_score():
    tone = [0.0, 1.0, 0.0, 0.0, 1.0, -1.0, 2.0]
    ceiling = continuous_ceiling(tone)
    assert len(set(ceiling)) == len(tone)  # no ties left
    assert spearman(ceiling, tone) == pytest.approx(max(spearman(p, tone) for p in itertools.permutations(range(7))))
    assert spearman(ceiling, tone) < 1.0 == spearman(tone, tone)


def test_evaluate_labels_uses_cv_when_labels_overlap_training(tmp_path):
    labels = load_labels(write_labels(tmp_path / "labels.jsonl"))
    overlapping = frozenset({text_fingerprint(labels.loc[0, "answer"])})
    report = evaluate_labels(labels, "labels.jsonl", make_scorer=lambda: FakeScorer(overlapping),
                             baselines=False, n_boot=50)
    assert report.irtone_mode == "5-fold CV"
    assert [s.name for s in report.systems] == ["irtone (5-fold CV)", "annotator A vs B", CEILING_NAME]
    assert "1 of 10 labelled answers" in report.notes[0]

    report = evaluate_labels(labels, "labels.jsonl", make_scorer=FakeScorer, baselines=False, n_boot=50)
    assert report.irtone_mode == "shipped"
    irtone = report.systems[0]
    assert irtone.name == "irtone"
    # every fictional capex / financing answer carries one of the fake's keywords, and no other does
    assert irtone.theme_f1 == {"capex": 1.0, "financing": 1.0}
    assert report.themes == ("capex", "financing")

    report = evaluate_labels(labels, "labels.jsonl", make_scorer=FakeScorer, baselines=False, cv=3, n_boot=50)
    assert report.irtone_mode == "3-fold CV"


# --------------------------------------------------------------------------- the command


def _install_fake_pipeline(monkeypatch, trained_on=frozenset()):
    module = types.ModuleType("nlp.scorer")
    module.Scorer = lambda **options: FakeScorer(trained_on)
    monkeypatch.setitem(sys.modules, "nlp.scorer", module)


def test_eval_command_json(tmp_path, monkeypatch, capsys):
    from nlp.cli import main

    _install_fake_pipeline(monkeypatch)
    path = write_labels(tmp_path / "labels.jsonl")
    assert main(["eval", str(path), "--no-baselines", "--json", "--bootstrap", "50"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n_items"] == 10
    assert result["irtone_mode"] == "shipped"
    names = [s["name"] for s in result["systems"]]
    assert names == ["irtone", "annotator A vs B", CEILING_NAME]
    irtone = result["systems"][0]
    assert irtone["macro_f1"] == 1.0 and irtone["theme_f1"] == {"capex": 1.0, "financing": 1.0}
    low, high = irtone["tone_spearman_ci95"]
    assert low <= irtone["tone_spearman"] <= high
    assert result["systems"][1]["kind"] == "reference"


def test_eval_command_table_with_baselines_and_forced_cv(tmp_path, monkeypatch, capsys):
    pytest.importorskip("snownlp")
    if not (Path(__file__).resolve().parents[1] / "nlp" / "lang" / "zh_ir" / "lexicons" / "yao2021_formal_positive.txt").is_file():
        pytest.skip("third-party word lists not built (python bench/build_lexicons.py needs ../shared/lexicons)")
    from nlp.cli import main

    _install_fake_pipeline(monkeypatch)
    monkeypatch.setenv("COLUMNS", "160")
    path = write_labels(tmp_path / "labels.jsonl")
    assert main(["eval", str(path), "--cv", "5", "--bootstrap", "20"]) == 0
    out = capsys.readouterr().out
    for name in ("irtone (5-fold CV)", "SnowNLP", "姚加权 net tone", "jieba + keyword themes", "annotator A vs B"):
        assert name in out
    assert "capex" in out and "financing" in out


def test_eval_command_bad_input_exits_2(tmp_path, monkeypatch, capsys):
    from nlp.cli import main

    _install_fake_pipeline(monkeypatch)
    path = tmp_path / "labels.jsonl"
    path.write_text('{"id": "1", "question": "", "answer": "x", "themes": [], "tone": 9}\n', encoding="utf-8")
    assert main(["eval", str(path), "--no-baselines"]) == 2
    assert "labels.jsonl:1" in capsys.readouterr().err
    assert main(["eval", str(write_labels(path)), "--no-baselines", "--cv", "1"]) == 2


def test_eval_command_external_skips_without_corpus(tmp_path, monkeypatch, capsys):
    from nlp.cli import main

    _install_fake_pipeline(monkeypatch)
    path = write_labels(tmp_path / "labels.jsonl")
    assert main(["eval", str(path), "--no-baselines", "--external", "--corpus", str(tmp_path / "none"),
                 "--bootstrap", "0"]) == 0
    assert "--external skipped" in capsys.readouterr().out


# --------------------------------------------------------------------------- external sets


def _write_external(corpus):
    (corpus / "finfe").mkdir(parents=True)
    train = [["涨停了", 2], ["跌惨了", 0]]
    evaluation = [
        ["涨停了", 2],  # also in train: dropped
        ["业绩增长", 2],
        ["业绩增长", 2],  # repeated with one label: kept once
        ["股价下降", 0],
        ["横盘", 1],
        ["看不懂", 1],
        ["看不懂", 0],  # conflicting labels: dropped
    ]
    (corpus / "finfe" / "finfe_train.json").write_text(json.dumps(train, ensure_ascii=False), encoding="utf-8")
    (corpus / "finfe" / "finfe_eval.json").write_text(json.dumps(evaluation, ensure_ascii=False), encoding="utf-8")
    news = [("蓝鲸科技净利润增长三成。  ", "积极"), ("蓝鲸科技召开股东大会。", "中性"), ("蓝鲸科技营收下降。", "消极")]
    with (corpus / "cfbench_sentiment_news.jsonl").open("w", encoding="utf-8") as handle:
        for text, label in news:
            handle.write(json.dumps({"input": text, "instruction": "分析情感", "response": label}, ensure_ascii=False) + "\n")


def test_external_loaders_deduplicate(tmp_path):
    _write_external(tmp_path)
    finfe = load_finfe_eval(tmp_path)
    assert finfe.values.tolist() == [["业绩增长", "positive"], ["股价下降", "negative"], ["横盘", "neutral"]]
    news = load_cfbench_news(tmp_path)
    assert news.values.tolist() == [
        ["蓝鲸科技净利润增长三成。", "positive"],
        ["蓝鲸科技召开股东大会。", "neutral"],
        ["蓝鲸科技营收下降。", "negative"],
    ]


def test_evaluate_external_with_fake_scorer(tmp_path):
    _write_external(tmp_path)
    sizes, external, notes = evaluate_external(tmp_path, FakeScorer, baselines=False)
    assert sizes == {"FinFE eval (dedup)": 3, "CFBench news": 3}
    assert [e.name for e in external] == ["irtone"]
    assert external[0].macro_f1 == {"FinFE eval (dedup)": 1.0, "CFBench news": 1.0}
    assert notes == []
    # items the model was trained on are dropped for every system
    trained = frozenset({text_fingerprint("横盘")})
    sizes, external, notes = evaluate_external(tmp_path, lambda: FakeScorer(trained), baselines=False)
    assert sizes["FinFE eval (dedup)"] == 2 and "1 items in irtone's training data" in notes[0]
