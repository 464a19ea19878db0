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


def _user_dict(tmp_path):
    d = tmp_path / "user.txt"
    d.write_text("# my words\n钠电池储能 5000 n\n", encoding="utf-8")
    return d


def test_user_dictionary_adds_words(tmp_path, engines):
    assert "钠电池储能" not in engines[1].cut("发展钠电池储能业务")
    assert "钠电池储能" in Tokenizer("jieba", [_user_dict(tmp_path)]).cut("发展钠电池储能业务")


@pytest.mark.slow  # the fast engine with a user dictionary computes the dictionary's tie pairs (seconds)
def test_user_dictionary_adds_words_to_the_fast_engine(tmp_path):
    assert "钠电池储能" in Tokenizer("rjieba", [_user_dict(tmp_path)]).cut("发展钠电池储能业务")


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


@pytest.fixture(scope="module")
def compact(engines):
    return engines[1].tie_breaker()


def test_the_tie_breaker_is_the_compact_table_not_the_reference():
    from nlp.jieba_table import CompactJieba

    fast = Tokenizer("rjieba")
    assert fast.cut("最最最热门行业") and isinstance(fast.tie_breaker(), CompactJieba)
    assert fast._reference is None  # the ~65 MB reference is never loaded for the tie texts


def test_compact_table_cuts_as_the_reference(engines, compact):
    """jieba's algorithm over the compact table gives the reference's tokens: exact ties of every
    shipped kind, domain words, Latin letters and digits merged as jieba merges them, whitespace,
    punctuation, a word given twice (the last frequency counts), the seed line by line."""
    ref, _ = engines
    ties = sorted(read_tie_pairs())
    texts = ["最最最业务", "最最最热门行业", "自购自建的公司", "东东东业务", "公司A100芯片 7.3 亿元\r\n募投项目",
             "a b\tc  GPU，CPU。国产替代！", "", "   ", "资本开支和资本性支出", "😀表情🙂，好的。"]
    texts += ["公司" + a + b + "业务" for a, b in ties[::97]] + [a + b for a, b in ties[5::211]]
    texts += SEED.read_text(encoding="utf-8").splitlines()
    for text in texts:
        assert compact.lcut(text, HMM=False) == ref.reference().lcut(text, HMM=False), text
    assert len(texts) > 700
    from nlp.jieba_table import CompactJieba

    twice = CompactJieba([("钠电池储能", 5), ("钠电池储能", 500000)])
    assert twice._get("钠电池储能") == 500000 and twice._get("钠电池储") == 0 and twice._get("钠电池储能站") == 0


@pytest.mark.slow  # tie_pairs over jieba's whole dictionary
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


@pytest.mark.corpus
def test_identical_on_labelled_answers(engines):
    path = SHARED / "labels" / "dev.jsonl"
    if not path.exists():
        pytest.skip("../shared/labels/dev.jsonl not present")
    ref, fast = engines
    rows = [json.loads(l) for l in path.open(encoding="utf-8")]
    diffs = [r["id"] for r in rows for f in ("question", "answer") if ref.cut(r[f]) != fast.cut(r[f])]
    assert diffs == []


@pytest.mark.corpus
@pytest.mark.slow
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
    compact = fast.tie_breaker()
    assert all(compact.lcut(t) == ref.cut(t) for t in texts[:500])


def test_environment_chooses_the_reference_engine(monkeypatch):
    monkeypatch.setenv("IRTONE_TOKENIZER", "jieba")
    assert Tokenizer().engine_name == "jieba"
    monkeypatch.setenv("IRTONE_TOKENIZER", "rjieba")
    assert Tokenizer().engine_name == "rjieba"


# ---------------------------------------------------------------- TokenBatch and Vocab
# Made-up texts: sentence and clause breaks of every kind, empty texts, punctuation only, whitespace,
# Latin letters, numbers, emoji, texts that hold exact ties of the two engines.
BATCH_TEXTS = [
    "公司今年营收同比增长25.3%，毛利率明显提升。新建的生产线已投产；产能扩大一倍！",
    "",
    "。",
    "，，；？！",
    "请问公司是否使用国产芯片？公司服务器采购了国产GPU和CPU:暂无订单受影响、谢谢",
    "   ",
    "最最最业务",
    "A100 GPU 7.3 亿元\n募投项目\n\n进展顺利",
    "😀表情🙂，好的。",
    "",
    "自购自建的公司，最最最热门行业。",
    "没有标点的一句话",
]


def _reference_numbers(tokens):
    """Per text: start offsets, clause and sentence numbers by bisection over the break positions, and the
    number of sentences (breaks before the last token, plus one)."""
    from bisect import bisect_left

    from nlp.tokens import break_positions

    clause_breaks, sentence_breaks = break_positions(tokens)
    starts = [len("".join(tokens[:i])) for i in range(len(tokens))]
    clause = [bisect_left(clause_breaks, i) for i in range(len(tokens))]
    sentence = [bisect_left(sentence_breaks, i) for i in range(len(tokens))]
    n_sentences = bisect_left(sentence_breaks, len(tokens) - 1) + 1 if tokens else 1
    return starts, clause, sentence, n_sentences


@pytest.mark.parametrize("engine", ["jieba", "rjieba"])
def test_cut_batch_gives_each_texts_own_tokens_and_numbers(engines, engine):
    from nlp.tokens import Vocab, cut_batch

    tokenizer = engines[0] if engine == "jieba" else engines[1]
    texts = BATCH_TEXTS + [line for line in SEED.read_text(encoding="utf-8").splitlines()[:60]]
    batch = cut_batch(tokenizer, texts, Vocab())
    assert len(batch) == len(texts) and batch.texts == texts
    assert len(batch.tokens) == len(batch.ids) == batch.doc_ptr[-1] == len(batch.doc) == len(batch.start)
    for d, text in enumerate(texts):
        tokens = tokenizer.cut(text)
        assert batch.doc_tokens(d) == tokens, text
        assert (batch.doc[batch.doc_ptr[d]:batch.doc_ptr[d + 1]] == d).all()
        starts, clause, sentence, n_sentences = _reference_numbers(tokens)
        span = slice(batch.doc_ptr[d], batch.doc_ptr[d + 1])
        assert batch.start[span].tolist() == starts, text
        assert batch.clause[span].tolist() == clause, text
        assert batch.sentence[span].tolist() == sentence, text
        assert batch.n_sentences[d] == n_sentences, text
        assert batch.text_length[d] == len(text)
        assert all(text[s:s + len(t)] == t for s, t in zip(starts, tokens))
    # ids are the vocabulary's: equal strings, equal ids (the vocabulary may also hold the fast engine's
    # tokens of a text the reference cut again)
    strings = batch.vocab.strings
    assert [strings[i] for i in batch.ids.tolist()] == batch.tokens
    assert len(set(strings)) == len(strings)


def test_exact_ties_are_cut_by_the_reference_in_a_batch(engines):
    """The tie guard of ``cut_batch`` (one array look at adjacent ids) recuts exactly the texts ``cut`` would:
    also a tie text between empty texts, and no pair across two texts."""
    from nlp.tokens import Vocab, cut_batch

    ref, fast = engines
    texts = ["", "最最最业务", "", "最", "最最", "自购自建的公司", "东东东业务", "", "公司最最最热门行业"]
    batch = cut_batch(fast, texts, Vocab())
    for d, text in enumerate(texts):
        assert batch.doc_tokens(d) == ref.cut(text) == fast.cut(text), text


def test_numbers_do_not_depend_on_the_neighbouring_texts(engines):
    """A text's offsets and clause/sentence numbers restart at each text: cutting texts together or one by one
    (sharing one vocabulary) gives the same per-text arrays."""
    import random

    from nlp.tokens import Vocab, cut_batch

    fast = engines[1]
    texts = BATCH_TEXTS * 3
    random.Random(5).shuffle(texts)
    vocab = Vocab()
    together = cut_batch(fast, texts, vocab)
    for d, text in enumerate(texts):
        alone = cut_batch(fast, [text], vocab)
        span = slice(together.doc_ptr[d], together.doc_ptr[d + 1])
        for name in ("ids", "start", "clause", "sentence", "is_clause_break", "is_sentence_break"):
            assert getattr(alone, name).tolist() == getattr(together, name)[span].tolist(), (name, text)
        assert alone.n_sentences.tolist() == [together.n_sentences[d]]


def test_empty_and_punctuation_only_batches(engines):
    from nlp.tokens import Vocab, cut_batch

    fast = engines[1]
    none = cut_batch(fast, [], Vocab())
    assert len(none) == 0 and none.doc_ptr.tolist() == [0] and none.n_sentences.tolist() == []
    empties = cut_batch(fast, ["", "", ""], Vocab())
    assert empties.doc_ptr.tolist() == [0, 0, 0, 0] and empties.tokens == []
    assert empties.n_sentences.tolist() == [1, 1, 1] and empties.text_length.tolist() == [0, 0, 0]
    marks = cut_batch(fast, ["。！？", "，、：", "", "。"], Vocab())
    assert marks.n_sentences.tolist() == [3, 1, 1, 1]  # the breaks before each text's last token, plus one
    assert marks.clause.tolist() == [0, 1, 2, 0, 1, 2, 0]
    assert marks.sentence.tolist() == [0, 1, 2, 0, 0, 0, 0]
    assert marks.start.tolist() == [0, 1, 2, 0, 1, 2, 0]


def test_vocab_attributes_are_computed_once_per_new_string():
    from nlp.tokens import Vocab

    vocab = Vocab()
    seen = []

    def compute(strings):
        seen.append(list(strings))
        return [len(s) * 10 for s in strings]

    first = vocab.ids(["公司", "增长", "公司", "。"])
    assert first.tolist() == [0, 1, 0, 2]
    assert vocab.attribute("x", compute, int).tolist() == [20, 20, 10]
    assert vocab.attribute("x", compute, int).tolist() == [20, 20, 10]  # nothing new: no call
    assert vocab.ids(["增长", "订单饱满", "。", "AI"]).tolist() == [1, 3, 2, 4]
    assert vocab.attribute("x", compute, int).tolist() == [20, 20, 10, 40, 20]
    assert seen == [["公司", "增长", "。"], ["订单饱满", "AI"]]
    assert vocab.strings == ["公司", "增长", "。", "订单饱满", "AI"] and len(vocab) == 5
