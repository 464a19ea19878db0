"""Emergent topics: NMF separates answers about clearly different subjects."""
import json

import pytest

from nlp.cli import main
from nlp.compare import TermFilter
from nlp.themes import load_themes
from nlp.topics import TopicModel

COMPUTE = ["算力 GPU 服务器 数据中心 推理 训练", "数据中心 机柜 算力 服务器 租赁", "GPU 算力 推理 集群 服务器"]
LOANS = ["银行 贷款 授信 利率 融资", "贷款 利率 银行 债券 融资 成本", "授信 银行 融资 贷款 期限"]


def test_topics_separate_subjects():
    docs = [d.split() for d in COMPUTE * 3 + LOANS * 3]
    model = TopicModel(k=2, min_df=1, random_state=0).fit(docs, load_themes())
    tops = [{w for w, _ in t.terms[:4]} for t in model.topics_]
    assert any(top <= {"算力", "GPU", "服务器", "数据中心", "推理", "训练", "机柜", "租赁", "集群"} for top in tops)
    assert any(top <= {"银行", "贷款", "授信", "利率", "融资", "债券", "成本", "期限"} for top in tops)
    assert sorted(t.nearest_theme for t in model.topics_) == ["ai_compute", "financing"]
    for t in model.topics_:  # the shared terms are the topic's own top terms found in the theme's lists
        theme = next(th for th in load_themes() if th.name == t.nearest_theme)
        listed = {w.split("|")[0] for w in (*theme.core, *theme.related)}
        assert len(t.shared_terms) >= 2 and set(t.shared_terms) <= {w for w, _ in t.terms} & listed
    assert abs(sum(t.share for t in model.topics_) - 1.0) < 1e-6


def test_content_terms_drop_noise():
    assert TermFilter(stopwords=frozenset({"公司"}))("公司的2023年，算力A100") == ["算力", "A100"]


def test_too_few_answers_is_an_error():
    with pytest.raises(ValueError):
        TopicModel(k=5).fit([["算力"]])


def test_topics_command_on_seed(capsys):
    assert main(["topics", "seeds/000_ece50293e7075997.txt", "--k", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["filings"] == 1 and out["answers"] == 20 and len(out["topics"]) == 3
    assert any(t["nearest_theme"] == "ai_compute" for t in out["topics"])


def test_topics_table_ranks_and_names_themes_by_label(capsys):
    assert main(["topics", "seeds/000_ece50293e7075997.txt", "--k", "3"]) == 0
    out = capsys.readouterr().out
    ranks = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│") and line.split("│")[1].strip()]
    assert ranks == ["1", "2", "3"]
    assert "AI 算力 (" in out and "ai_compute" not in out
