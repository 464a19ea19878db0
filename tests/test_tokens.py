"""The fast tokenizer must give the reference jieba tokenizer's tokens, dictionary included."""
import json
from pathlib import Path

import pytest

from nlp.tokens import Tokenizer, read_dictionary, read_tie_pairs, tie_pairs

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = ROOT / "seeds" / "000_ece50293e7075997.txt"


@pytest.fixture(scope="module")
def engines():
    return Tokenizer("jieba"), Tokenizer("rjieba")


def test_domain_dictionary_joins_terms_jieba_splits(engines):
    ref, fast = engines
    for word in ("资本开支", "资本性支出", "智算中心", "国产替代", "定向增发", "大模型", "光模块", "募投项目", "在手订单"):
        assert ref.cut(f"公司的{word}情况") == ["公司", "的", word, "情况"]
        assert fast.cut(f"公司的{word}情况") == ["公司", "的", word, "情况"]


def test_user_dictionary_adds_words(tmp_path):
    d = tmp_path / "user.txt"
    d.write_text("# my words\n钠电池储能 5000 n\n", encoding="utf-8")
    assert "钠电池储能" not in Tokenizer("rjieba").cut("发展钠电池储能业务")
    for engine in ("jieba", "rjieba"):
        assert "钠电池储能" in Tokenizer(engine, [d]).cut("发展钠电池储能业务")


def test_offsets_cover_text(engines):
    text = "公司A100芯片 7.3 亿元\n募投项目"
    toks = engines[1].tokenize(text)
    assert "".join(w for w, _, _ in toks) == text
    assert all(text[s:e] == w for w, s, e in toks)


def test_identical_on_seed(engines):
    ref, fast = engines
    text = SEED.read_text(encoding="utf-8")
    assert ref.cut(text) == fast.cut(text)
    for line in text.splitlines():
        assert ref.cut(line) == fast.cut(line)


def test_exact_ties_are_cut_by_the_reference(engines):
    """Routes of equal probability (最|最最 against 最最|最; 自|购自 against 自购|自, both words of
    frequency 3): the fast engine breaks some such ties differently; the guard hands them to the
    reference."""
    ref, fast = engines
    raw = fast._load()[1]
    texts = ["最最最业务", "最最最热门行业", "自购自建的公司", "东东东业务"]
    assert any(raw.cut(t, False) != ref.cut(t) for t in texts)  # the ties are real in this rjieba
    for t in texts:
        assert fast.cut(t) == ref.cut(t), t


def test_shipped_tie_pairs_match_the_dictionaries(engines):
    """nlp/lang/zh_ir/jieba_ties.txt.gz is what bench/build_token_ties.py builds from jieba's dictionary and
    the domain dictionary today (rebuild it after changing either)."""
    ref, _ = engines
    shipped = read_tie_pairs()
    assert ("最", "最最") in shipped and ("自购", "自") in shipped
    assert shipped == tie_pairs(ref.reference().FREQ)


def test_tie_pairs_need_equal_frequency_products():
    freq = {"甲": 2, "乙": 3, "甲乙": 6, "乙丙": 1, "丙": 1, "甲乙丙": 0}
    # 甲|乙丙 (2 * 1) against 甲乙|丙 (6 * 1): no tie
    assert tie_pairs(freq) == set()
    freq["乙丙"] = 3  # now 2 * 3 == 6 * 1
    assert tie_pairs(freq) == {("甲", "乙丙"), ("甲乙", "丙")}


def test_dictionary_file_parses():
    entries = read_dictionary()
    assert len(entries) > 30 and all(e.freq > 0 for e in entries)


def test_identical_on_labelled_answers(engines):
    path = SHARED / "labels" / "dev.jsonl"
    if not path.exists():
        pytest.skip("../shared/labels/dev.jsonl not present")
    ref, fast = engines
    rows = [json.loads(l) for l in path.open(encoding="utf-8")]
    diffs = [r["id"] for r in rows for f in ("question", "answer") if ref.cut(r[f]) != fast.cut(r[f])]
    assert diffs == []


def test_identical_on_corpus_sample(engines):
    path = SHARED / "corpus" / "results_briefings_2016_2017.jsonl.gz"
    if not path.exists():
        pytest.skip("../shared/corpus not present")
    import gzip
    import random

    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    sample = random.Random(7).sample(lines, 3000)
    ref, fast = engines
    texts = [json.loads(l)["answer"] for l in sample]
    assert sum(ref.cut(t) == fast.cut(t) for t in texts) == len(texts)


def test_environment_chooses_the_reference_engine(monkeypatch):
    monkeypatch.setenv("IRTONE_TOKENIZER", "jieba")
    assert Tokenizer().engine_name == "jieba"
    monkeypatch.setenv("IRTONE_TOKENIZER", "rjieba")
    assert Tokenizer().engine_name == "rjieba"
