"""Baselines and the shipped word lists. Fixtures are made-up token lists and fictional sentences."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nlp.baselines import (
    TONE_LABEL_THRESHOLD,
    keyword_themes,
    load_baseline_keywords,
    load_wordlist,
    snownlp_tone,
    tone_label,
    yao_net_tone,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
LISTS_BUILT = (REPO / "nlp" / "lang" / "zh_ir" / "lexicons" / "yao2021_formal_positive.txt").is_file()
needs_lists = pytest.mark.skipif(
    not LISTS_BUILT, reason="third-party word lists not built (python bench/build_lexicons.py needs ../shared/lexicons)")


@needs_lists
def test_wordlists_have_published_sizes_and_no_header_lines():
    sizes = {
        name: len(load_wordlist(name))
        for name in ("yao2021_formal_positive", "yao2021_formal_negative", "jiang2020_positive", "jiang2020_negative")
    }
    assert sizes == {
        "yao2021_formal_positive": 3592,
        "yao2021_formal_negative": 1633,
        "jiang2020_positive": 3194,
        "jiang2020_negative": 5621,
    }
    for name in sizes:
        words = load_wordlist(name)
        assert not any(w.startswith("#") or w != w.strip() or not w for w in words)
    # The first cell of a 姚加权 sheet is a word, not a header; the 姜富伟 header is dropped.
    assert "矮小" in load_wordlist("yao2021_formal_negative")
    assert "100强" in load_wordlist("yao2021_formal_positive")
    assert "Positive Word" not in load_wordlist("jiang2020_positive")
    assert "降价" in load_wordlist("yao2021_formal_negative")  # stored with a trailing space in the source


@needs_lists
def test_wordlist_name_may_carry_suffix_and_unknown_names_fail():
    assert load_wordlist("jiang2020_negative.txt") == load_wordlist("jiang2020_negative")
    with pytest.raises(ValueError, match="unknown word list"):
        load_wordlist("no_such_list")


@needs_lists
def test_wordlist_headers_cite_source_and_build_command():
    text = (REPO / "nlp" / "lang" / "zh_ir" / "lexicons" / "yao2021_formal_positive.txt").read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("姚加权" in line and "管理科学学报" in line for line in header)
    assert any("Licence" in line for line in header)
    assert any("bench/build_lexicons.py" in line for line in header)


@needs_lists
def test_shipped_wordlists_rebuild_exactly_from_shared():
    if not (SHARED / "lexicons" / "yao2021_financial_sentiment.xlsx").exists():
        pytest.skip("../shared/lexicons not present beside the checkout")
    pytest.importorskip("openpyxl")
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "build_lexicons.py"), "--check", "--shared", str(SHARED)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_yao_net_tone_counts_hits():
    pos, neg = frozenset({"增长", "突破"}), frozenset({"亏损"})
    assert yao_net_tone(["营收", "增长", "突破", "亏损"], pos, neg) == pytest.approx(1 / 3)
    assert yao_net_tone(["亏损", "亏损"], pos, neg) == -1.0
    assert yao_net_tone(["营收", "持平"], pos, neg) == 0.0
    assert yao_net_tone([], pos, neg) == 0.0
    assert yao_net_tone(["增长", "亏损"], pos, neg) == 0.0


@needs_lists
def test_yao_net_tone_default_lists_and_no_negation_handling():
    # "100强" is a formal positive word, "矮小" a formal negative one (first rows of their sheets).
    assert yao_net_tone(["进入", "100强"]) == 1.0
    assert yao_net_tone(["矮小"]) == -1.0
    # The literature's baseline ignores negators: 不 + positive word still counts as positive.
    assert yao_net_tone(["不", "100强"]) == 1.0


def test_keyword_themes_on_tokens_matches_whole_tokens_only():
    tokens = ["公司", "募投项目", "进展", "顺利", "，", "暂无", "融资", "计划"]
    assert keyword_themes(tokens) == ["capex", "financing"]
    # A keyword inside a longer token does not fire on tokens ...
    assert keyword_themes(["半导体设备"]) == []
    # ... but does on raw text (substring search).
    assert keyword_themes("公司半导体设备订单饱满") == ["domestic_chips"]
    assert keyword_themes("谢谢关注") == []


def test_keyword_themes_theme_selection():
    assert keyword_themes(["服务器", "芯片"], ["domestic_chips"]) == ["domestic_chips"]
    assert keyword_themes(["甲", "乙"], {"t1": ["乙"], "t2": ["丙"]}) == ["t1"]
    with pytest.raises(ValueError, match="no baseline keywords"):
        keyword_themes(["甲"], ["no_such_theme"])


def test_baseline_keywords_cover_the_four_themes():
    keywords = load_baseline_keywords()
    assert list(keywords) == ["ai_compute", "capex", "domestic_chips", "financing"]
    assert "算力" in keywords["ai_compute"] and "募集资金" in keywords["financing"]


def test_tone_label_threshold_is_symmetric_and_strict():
    assert TONE_LABEL_THRESHOLD == 0.2
    assert tone_label(0.21) == "positive"
    assert tone_label(0.2) == "neutral"
    assert tone_label(-0.2) == "neutral"
    assert tone_label(-0.21) == "negative"


def test_snownlp_tone_in_range():
    pytest.importorskip("snownlp")
    value = snownlp_tone("本公司今年业绩大幅增长，订单饱满。")
    assert -1.0 <= value <= 1.0
    assert snownlp_tone("") == 0.0
    assert snownlp_tone("   ") == 0.0


@needs_lists
def test_baselines_reproduce_published_numbers_on_dev():
    labels_path = SHARED / "labels" / "dev.jsonl"
    if not labels_path.exists():
        pytest.skip("../shared/labels/dev.jsonl not present beside the checkout")
    pytest.importorskip("snownlp")
    from nlp.baselines import score_baselines
    from nlp.evaluate import load_labels, spearman, theme_f1

    labels = load_labels(labels_path)
    scores = score_baselines(labels["answer"].tolist())
    themes = ["ai_compute", "capex", "domestic_chips", "financing"]
    # Published: SnowNLP 0.30, 姚加权 net tone 0.25, keyword themes macro-F1 0.57; annotators 0.91 / 0.96.
    assert spearman(scores["snownlp_tone"], labels["tone"]) == pytest.approx(0.30, abs=0.1)
    assert spearman(scores["yao_net_tone"], labels["tone"]) == pytest.approx(0.25, abs=0.1)
    keyword_f1 = theme_f1(labels["themes"].tolist(), scores["keyword_themes"].tolist(), themes)
    assert keyword_f1["macro"] == pytest.approx(0.57, abs=0.1)
    assert spearman(labels["tone_a"], labels["tone_b"]) == pytest.approx(0.91, abs=0.05)
    annotator_f1 = theme_f1(labels["themes_a"].tolist(), labels["themes_b"].tolist(), themes)
    assert annotator_f1["macro"] == pytest.approx(0.96, abs=0.05)


def test_missing_wordlist_is_a_clear_error(monkeypatch, tmp_path):
    import nlp.baselines as baselines

    monkeypatch.setattr(baselines, "_lexicon_file", lambda filename: tmp_path / filename)
    load = getattr(baselines.load_wordlist, "__wrapped__", baselines.load_wordlist)  # bypass the cache
    from nlp.records import IrtoneError

    with pytest.raises(IrtoneError, match="build_lexicons.py"):
        load("yao2021_formal_positive")
