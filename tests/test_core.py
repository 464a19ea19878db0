"""The array-at-a-time scoring core: a row's scores never depend on the answers that share its chunk, every
entry point (records, columns, DataFrame) says the same, and the phrase matcher finds what a plain
left-to-right matcher finds.

All texts here are made up for the tests (the seed filing aside).
"""
import dataclasses
import json
import math
import random
import re
from bisect import bisect_left, bisect_right
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nlp.scorer
from nlp.batch import filing_columns
from nlp.explain import evidence_json, round4, tone_terms_json, tone_words_json
from nlp.features.regex_scan import RegexPrefilter, RegexScan, required_strings, separated
from nlp.features.terms import PhraseMatcher, fold
from nlp.parse import parse_document, parse_file
from nlp.read import read_file
from nlp.scorer import Scorer, answer_columns, clean_texts
from nlp.tokens import TokenBatch, Vocab, cut_batch

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ece50293e7075997.txt"
TOLERANCE = 1e-9  # rows computed in chunks of other sizes take other BLAS paths: equal to rounding only

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

# Clauses of invented answers: tone (growth, decline, negation, degree, plans, courtesy, boilerplate,
# numbers for the regexes) and themes (compute, capex, chips, financing), recombined at random.
CLAUSES = [
    "公司今年营业收入同比增长18%", "净利润同比下降12.5%", "订单饱满", "产能利用率保持高位", "毛利率有所下降",
    "公司没有减持计划", "不存在重大风险", "该业务尚未盈利", "收入大幅增长", "成本略有下降", "公司将继续扩大产能",
    "未来将稳步推进海外业务", "谢谢您的关注", "感谢您对公司的关注和支持", "具体请关注公司在指定媒体披露的定期报告",
    "公司智算中心一期已经投入运营", "GPU服务器上架率超过八成", "为客户提供AI推理算力服务", "ai算力租赁业务稳步推进",
    "公司今年资本开支预计约十二亿元", "新建的生产线明年投产", "公司拟投资5亿元购置设备", "公司已完成国产芯片的适配验证",
    "国产替代比例明显提升", "公司拟发行可转债", "本次非公开发行股票拟募集资金不超过10亿元", "募集资金将用于新建生产线",
    "按照客户公布的资本开支计划，基站建设规模较大", "受原材料价格上涨影响，经营压力较大", "应收账款增加20%",
    "公司对未来充满信心", "归属于母公司的净利润有所增长", "技术尚未成熟", "研发投入占营业收入的比例约为9%",
    "出货量不理想", "经济增长放缓", "目前经营压力不大", "好的", "是的", "Revenue grew strongly",
]
QUESTIONS = ["", "公司的算力业务进展如何？", "今年的资本开支计划是多少？", "公司有融资计划吗？", "国产芯片替代进展怎样？",
             "公司毛利率为什么下降？", "公司有没有减持计划？", "请问公司经营情况？"]


def fictional_pairs(n: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = rng.sample(CLAUSES, rng.randint(1, 5))
        text = "".join(p + rng.choice("，，。；！") for p in parts)
        if rng.random() < 0.1:
            text = text.replace("，", "\n　　", 1)  # raw text: the scorer cleans it
        out.append((rng.choice(QUESTIONS), text))
    return out


@pytest.fixture(scope="module")
def scorer():
    return Scorer()


@pytest.fixture(scope="module")
def tokenizer(scorer):
    return scorer.tokenizer


@pytest.fixture(scope="module")
def seed_pairs():
    return [(seg.question, seg.answer) for seg in parse_file(SEED).qa]


@pytest.fixture(scope="module")
def many_pairs(seed_pairs):
    """A few hundred answers: the seed's, the fixed ones above, invented ones, and edge cases."""
    return seed_pairs + QA + fictional_pairs(300) + [("", "。。！"), ("问？", "谢谢！"), ("", "   "), ("", "12345")]


def assert_close(a, b, path="row"):
    """Equal records, floats to TOLERANCE (nested dataclasses, tuples, lists, dicts)."""
    if dataclasses.is_dataclass(a):
        assert type(a) is type(b), path
        for field in dataclasses.fields(a):
            assert_close(getattr(a, field.name), getattr(b, field.name), f"{path}.{field.name}")
    elif isinstance(a, float) or isinstance(b, float):
        assert not isinstance(a, bool) and not isinstance(b, bool), (path, a, b)
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), (path, a, b)
        if math.isnan(a) or math.isnan(b):
            assert math.isnan(a) and math.isnan(b), (path, a, b)
        else:
            assert abs(a - b) <= TOLERANCE, (path, a, b)
    elif isinstance(a, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b), (path, a, b)
        for k, (x, y) in enumerate(zip(a, b)):
            assert_close(x, y, f"{path}[{k}]")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), (path, a, b)
        for k in a:
            assert_close(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, str) and isinstance(b, str) and a != b and a.startswith(("[", "{")):
        assert_close(json.loads(a), json.loads(b), path)  # a JSON column: its numbers with a tolerance
    else:
        assert a == b, (path, a, b)


# ---------------------------------------------------------------- row independence
def test_many_at_once_equals_one_at_a_time(scorer):
    questions, answers = [q for q, _ in QA], [a for _, a in QA]
    together = scorer.score_many(questions, answers, list(range(len(QA))))
    alone = [scorer.score_answer(q, a, n) for n, (q, a) in enumerate(QA)]
    assert_close(together, alone)
    assert any(a.tagged for a in together) and any(t.terms for t in (a.tone for a in together))
    assert any(w for a in together for w in a.tone.words)


@pytest.fixture(scope="module")
def one_pass(scorer, many_pairs):
    """many_pairs scored in one pass: records and columns."""
    questions, answers = [q for q, _ in many_pairs], [a for _, a in many_pairs]
    return scorer.score_many(questions, answers, list(range(len(answers)))), scorer.score_columns(questions, answers)


@pytest.mark.parametrize("chunk", [1, 7, 2000])
def test_a_rows_scores_do_not_depend_on_its_chunk(scorer, many_pairs, one_pass, monkeypatch, chunk):
    """Shuffled, and cut into chunks of 1, 7 or 2000 answers, every answer scores as in one pass."""
    questions, answers = [q for q, _ in many_pairs], [a for _, a in many_pairs]
    reference, reference_columns = one_pass
    order = list(range(len(answers)))
    random.Random(chunk).shuffle(order)
    if chunk == 1:
        order = order[:120]  # a pass per answer costs a fixed overhead: a sample is enough
    monkeypatch.setattr(nlp.scorer, "CHUNK", chunk)
    shuffled = scorer.score_many([questions[i] for i in order], [answers[i] for i in order], order)
    assert_close(sorted(shuffled, key=lambda a: a.number), [reference[i] for i in sorted(order)])
    columns = scorer.score_columns([questions[i] for i in order], [answers[i] for i in order])
    assert columns.keys() == reference_columns.keys()
    for name, values in columns.items():
        assert_close(values, [reference_columns[name][i] for i in order], name)
    # the property is not vacuous: the batch has tags, tone terms, learned words, all three labels
    assert sum(bool(a.tagged) for a in reference) > 30
    assert {a.tone.label for a in reference} == {"positive", "neutral", "negative"}
    assert sum(bool(a.tone.words) for a in reference) > 100


def test_unrounded_model_outputs_do_not_depend_on_the_batch(scorer, many_pairs):
    """Below the 4-decimal rounding: each answer's theme probabilities and tone from one pass over all
    answers equal those of the answer alone, and of the batch reversed."""
    questions, answers = clean_texts(q for q, _ in many_pairs), clean_texts(a for _, a in many_pairs)
    probs, tones, pos, neg, _ = scorer._predict(scorer.features(questions, answers))
    back = scorer._predict(scorer.features(questions[::-1], answers[::-1]))
    np.testing.assert_allclose(back[0][::-1], probs, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(back[1][::-1], tones, rtol=0, atol=TOLERANCE)
    for i in range(0, len(answers), 9):
        p1, t1, pos1, neg1, _ = scorer._predict(scorer.features(questions[i:i + 1], answers[i:i + 1]))
        np.testing.assert_allclose(p1[0], probs[i], rtol=0, atol=TOLERANCE)
        assert abs(t1[0] - tones[i]) <= TOLERANCE and abs(pos1[0] - pos[i]) <= TOLERANCE
        assert abs(neg1[0] - neg[i]) <= TOLERANCE


def test_features_of_a_text_do_not_depend_on_the_batch(scorer, many_pairs):
    """Lexicon evidence, word tokens and theme rows of each answer, cut with others or alone."""
    questions, answers = clean_texts(q for q, _ in many_pairs), clean_texts(a for _, a in many_pairs)
    f = scorer.features(questions, answers)
    words = f.words.strings(f.answers.vocab)
    n_themes = len(scorer.theme_names)
    for i in range(0, len(answers), 5):
        g = scorer.features(questions[i:i + 1], answers[i:i + 1])
        assert g.lexicon.terms[0] == f.lexicon.terms[i]
        for name in ("positive", "negative", "promised", "hedge", "deflection", "n_sentences", "length"):
            assert getattr(g.lexicon, name)[0] == pytest.approx(getattr(f.lexicon, name)[i], abs=1e-12), name
        np.testing.assert_allclose(g.tone_dense[0], f.tone_dense[i], rtol=0, atol=1e-12)
        np.testing.assert_allclose(g.theme_dense, f.theme_dense[i * n_themes:(i + 1) * n_themes], rtol=0, atol=1e-12)
        assert g.words.strings(g.answers.vocab) == [w for w, d in zip(words, f.words.doc.tolist()) if d == i]
        assert (g.tone_counts != f.tone_counts[i]).nnz == 0
        assert (g.theme_indicators != f.theme_indicators[i]).nnz == 0
        assert g.themes.found.get(0, {}).keys() == f.themes.found.get(i, {}).keys()


def test_a_vocabulary_started_afresh_mid_run_changes_nothing(scorer, monkeypatch):
    """Past ``Vocab.MAX_STRINGS`` the scorer starts a new vocabulary (and forgets its column tables): the
    scores are those of one vocabulary."""
    pairs = fictional_pairs(40, seed=3)
    questions, answers = [q for q, _ in pairs], [a for _, a in pairs]
    reference = scorer.score_columns(questions, answers)
    fresh = Scorer()
    monkeypatch.setattr(nlp.scorer, "CHUNK", 3)
    monkeypatch.setattr(Vocab, "MAX_STRINGS", 20)
    got = fresh.score_columns(questions, answers)
    assert_close(got, reference)
    assert len(fresh._state["vocab"]) < 200  # it did start afresh


def test_columns_records_and_frames_agree(scorer, many_pairs, one_pass):
    """score_many's records, score_columns, answer_columns of the records and score_answers say the same."""
    questions, answers = [q for q, _ in many_pairs], [a for _, a in many_pairs]
    records, columns = one_pass
    from_records = answer_columns(records, scorer.theme_names, scorer.model_version)
    assert list(columns) == list(from_records)
    assert_close(columns, from_records)
    assert columns["evidence"] == from_records["evidence"]  # the same JSON text, not only the same values
    assert columns["tone_terms"] == from_records["tone_terms"] and columns["tone_words"] == from_records["tone_words"]
    frame = pd.DataFrame({"question": questions + [None, float("nan")], "answer": answers + [None, 7]},
                         index=[f"r{k}" for k in range(len(answers) + 2)])
    out = scorer.score_answers(frame)
    assert list(out.index) == list(frame.index)
    n = len(answers)
    # the API's offsets index the answer as given: the same JSON where cleaning changed nothing
    unchanged = [k for k, a in enumerate(answers) if clean_texts([a])[0] == a]
    assert unchanged and [out["evidence"].iloc[k] for k in unchanged] == [from_records["evidence"][k] for k in unchanged]
    assert out["themes"].tolist()[:n] == [list(a.tagged) for a in records]
    assert out["tone_terms"].tolist()[-2:] == ["[]", "[]"]
    blank = [k for k, a in enumerate(answers) if not a.strip()]
    assert blank and out["tone"].iloc[blank].isna().all()
    scored = [k for k in range(n) if k not in blank]
    np.testing.assert_allclose(out["tone"].to_numpy()[scored], [records[k].tone.score for k in scored], atol=TOLERANCE)


def test_batch_rows_from_columns_equal_rows_from_records(scorer):
    filing = parse_document(read_file(SEED))
    score = scorer.score_filing(filing)
    names, version = scorer.theme_names, scorer.model_version
    qa = filing.qa
    scored = scorer.score_columns([s.question for s in qa], [s.answer for s in qa])
    assert_close(filing_columns(filing, None, names, version, scored=scored),
                 filing_columns(filing, score.answers, names, version))


def test_model_rows_are_scored_like_a_single_row(scorer):
    """Both models score a row of many as they score it alone (dense arrays, to 1e-12)."""
    state = scorer._load()
    tone_model, tagger = state["tone_model"], state["theme_model"]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, len(tone_model.FEATURE_NAMES))) * 3
    together = tone_model.predict_arrays(X)
    alone = np.array([tone_model.predict_arrays(X[i:i + 1])[0] for i in range(len(X))])
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-12)
    n_themes = len(scorer.theme_names)
    Z = rng.normal(size=(60 * n_themes, len(tagger.FEATURE_NAMES)))
    together = tagger.predict_proba_arrays(Z, n_themes)
    alone = np.vstack([tagger.predict_proba_arrays(Z[i * n_themes:(i + 1) * n_themes], n_themes) for i in range(60)])
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-12)


# ---------------------------------------------------------------- explanations as text
def test_round4_is_pythons_round():
    rng = random.Random(1)
    values = [rng.random() for _ in range(20000)] + [-rng.random() for _ in range(2000)]
    values += [k / 1e4 + 5e-5 for k in range(-100, 10000)]  # halfway cases (as written in decimal)
    values += [0.0, -0.0, 1.0, -1.0, 2.675, 0.00005, 0.99995, float("nan")]
    got = round4(np.array(values)).tolist()
    want = [round(v, 4) for v in values]
    assert [repr(g) for g in got] == [repr(w) for w in want]


def test_tone_terms_and_words_json_is_json_dumps():
    terms = [("增长", 0.8, 3, False), ('说"不"', -0.2400000000000001, 10, True), ("a\\b\n\t", 1e-05, 0, False),
             ("\U0001F600", -0.0, 7, True), ("x", float("nan"), 1, False), ("y", float("-inf"), 2, True)]
    assert tone_terms_json(terms) == json.dumps([list(t) for t in terms], ensure_ascii=False)
    assert tone_terms_json([]) == "[]"
    words = [("¬增长", -0.0123), ('"引号"', 1e-07), ("\u2028", float("inf")), ("订单", 0.5)]
    assert tone_words_json(words) == json.dumps([list(w) for w in words], ensure_ascii=False)
    assert tone_words_json(()) == "[]"


def test_evidence_json_is_json_dumps_of_the_tagged_themes(scorer):
    answers = scorer.score_many([q for q, _ in QA], [a for _, a in QA])
    assert any(a.tagged for a in answers)
    for a in answers:
        expected = {t.theme: {"score": t.score, "terms": list(t.evidence.terms), "sentence": t.evidence.sentence,
                              "start": t.evidence.start, "end": t.evidence.end, "words": [list(w) for w in t.words]}
                    for t in a.themes if t.tagged and t.evidence is not None}
        assert evidence_json(a.themes) == (json.dumps(expected, ensure_ascii=False) if expected else "{}")


# ---------------------------------------------------------------- the phrase matcher
class ReferenceMatcher:
    """A plain matcher over one text's tokens: left to right; at each token the longest term first, a
    key's match blocking the same key's matches inside it; one-token terms inside a longer token that
    starts no term (``inside_tokens``); then every regex's non-empty matches on the joined text, on the
    tokens they overlap. ``find`` gives (term, key, first, last, entry) per match."""

    def __init__(self, entries, tokenizer, inside_tokens):
        self.inside_tokens = inside_tokens
        self.single, self.by_first, self.regexes, seen = {}, {}, [], set()
        for term, key in entries:
            if (term, key) in seen or not term:
                continue
            seen.add((term, key))
            if term.startswith("re:"):
                self.regexes.append((re.compile(term[3:]), key, term))
                continue
            toks = tuple(t for t in tokenizer.cut(term) if t.strip())
            if toks:
                self.by_first.setdefault(fold(toks[0]), []).append((tuple(map(fold, toks)), term, key))
                if len(toks) == 1 and len(toks[0]) >= 2:
                    self.single.setdefault(fold(toks[0]), []).append((term, key))
        for cands in self.by_first.values():
            cands.sort(key=lambda c: -len(c[0]))

    def find(self, tokens):
        folded = [fold(t) for t in tokens]
        out, blocked, single = [], {}, self.single
        for i, tok in enumerate(folded):
            if tok in self.by_first:
                for seq, term, key in self.by_first[tok]:
                    if blocked.get(key, 0) <= i and tuple(folded[i:i + len(seq)]) == seq:
                        out.append((term, key, i, i + len(seq), term))
                        blocked[key] = i + len(seq)
            elif self.inside_tokens and len(tok) >= 3:
                j = 0
                while j < len(tok) - 1:  # the longest term at each character, a proper part of the token
                    for k in range(len(tok) - j, 1, -1):
                        if k < len(tok) and tok[j:j + k] in single:
                            out.extend((t, key, i, i + 1, t) for t, key in single[tok[j:j + k]])
                            j += k - 1
                            break
                    j += 1
        text = "".join(tokens)
        starts = [len("".join(tokens[:i])) for i in range(len(tokens))]
        for rx, key, entry in self.regexes:
            for mo in rx.finditer(text):
                if mo.end() > mo.start():
                    first = bisect_right(starts, mo.start()) - 1
                    out.append((mo.group(0), key, first, max(bisect_left(starts, mo.end()), first + 1), entry))
        return out


def matcher_rows(matcher, batch):
    """PhraseMatcher.match as per-text lists of (term, key, first, last, entry), token indices within the text."""
    m = matcher.match(batch)
    terms, bounds = m.terms(matcher.entries), m.bounds(len(batch))
    assert (np.diff(m.doc) >= 0).all()
    out = []
    for d in range(len(batch)):
        base = int(batch.doc_ptr[d])
        out.append([(terms[r], matcher.keys[m.key[r]], int(m.first[r]) - base, int(m.last[r]) - base,
                     matcher.entries[m.entry[r]]) for r in range(bounds[d], bounds[d + 1])])
    return out


def test_phrase_matcher_finds_what_a_plain_matcher_finds_with_the_shipped_terms(scorer, tokenizer, many_pairs):
    from nlp.themes import TERM_KINDS, split_term

    state = scorer._load()
    lexicon = [(w, c) for c, w, _ in state["lexicon_features"].lexicon.entries]
    themes = [(split_term(e)[0], (t.name, kind)) for t in state["themes"] for kind in TERM_KINDS for e in getattr(t, kind)]
    texts = clean_texts([a for _, a in many_pairs] + [q for q, _ in many_pairs])
    random.Random(2).shuffle(texts)
    batch = cut_batch(tokenizer, texts, Vocab())
    for entries, inside in ((lexicon, True), (themes, False)):
        rows = matcher_rows(PhraseMatcher(entries, tokenizer, inside), batch)
        reference = ReferenceMatcher(entries, tokenizer, inside)
        for d, text in enumerate(texts):
            assert rows[d] == reference.find(batch.doc_tokens(d)), text
        assert sum(map(len, rows)) > 500
        assert any(r[4].startswith("re:") for found in rows for r in found)  # regexes matched too


class SlashTokenizer:
    """Terms written as their tokens: "甲/乙" is the two tokens 甲, 乙."""

    def cut(self, term):
        return term.split("/")


def test_phrase_matcher_finds_what_a_plain_matcher_finds_on_random_tokens():
    """Random terms (overlapping, sharing a first token, several keys, ASCII in any case, regexes) on
    random token sequences, several texts a batch: a term never runs across two texts."""
    alphabet = ["甲", "乙", "丙", "甲乙", "乙丙丁", "ai", "AI", "Ai", "，", "丁", "甲乙丙丁戊", "戊", "丙丁"]
    regexes = ["re:甲.{0,3}丙", "re:乙+", "re:(ai|AI)丙", "re:x*", "re:丁戊", "re:丙丁"]
    tokenizer = SlashTokenizer()
    n_matches = 0
    for trial in range(300):
        rng = random.Random(trial)
        entries = [("/".join(rng.choice(alphabet[:8] + ["丁", "戊"]) for _ in range(rng.choice([1, 1, 2, 3, 4]))),
                    rng.choice(["k0", "k1", ("theme", "core")])) for _ in range(rng.randint(1, 10))]
        entries += [(rng.choice(regexes), "k0")] * (rng.random() < 0.4)
        inside = rng.random() < 0.5
        docs = [[rng.choice(alphabet) for _ in range(rng.randint(0, 12))] for _ in range(rng.randint(1, 6))]
        tokens = [t for doc in docs for t in doc]
        vocab = Vocab()
        ptr = np.concatenate([[0], np.cumsum([len(doc) for doc in docs])]).astype(np.int64)
        batch = TokenBatch(["".join(doc) for doc in docs], tokens, vocab.ids(tokens), ptr, vocab)
        rows = matcher_rows(PhraseMatcher(entries, tokenizer, inside), batch)
        reference = ReferenceMatcher(entries, tokenizer, inside)
        for d, doc in enumerate(docs):
            assert rows[d] == reference.find(doc), (trial, entries, inside, doc)
            n_matches += len(rows[d])
    assert n_matches > 1000


def test_a_longer_match_blocks_its_own_key_only():
    tokenizer = SlashTokenizer()
    matcher = PhraseMatcher([("甲/乙/丙", "a"), ("乙", "a"), ("乙", "b"), ("乙/丙", "b"), ("丙", "a")], tokenizer)
    tokens = ["甲", "乙", "丙", "乙"]
    vocab = Vocab()
    batch = TokenBatch(["甲乙丙乙"], tokens, vocab.ids(tokens), np.array([0, 4]), vocab)
    assert matcher_rows(matcher, batch) == [[("甲/乙/丙", "a", 0, 3, "甲/乙/丙"), ("乙/丙", "b", 1, 3, "乙/丙"),
                                             ("乙", "a", 3, 4, "乙"), ("乙", "b", 3, 4, "乙")]]


# ---------------------------------------------------------------- regex prefilter
def test_required_strings_never_skip_a_match():
    patterns = [r"同比(增长|增加|上升)", r"(增长|提升)[^，。；]{0,6}\d+(\.\d+)?\s*[%％]", r"(暂无|尚无|没有|无)(订单|收入)",
                r"已(经)?(实现|完成)", r"(?i)abc", r"\d+倍", r"(投入|投资)[^，。]{0,6}(亿|万元)", r"a|b", r"x*",
                r"(?:建立|设立|建设|新建)[^，。]{0,4}(产线|工厂)", r"(?<!不)增长", r"增长(?!放缓)", r"^好的$", r"[甲乙]{2}丙?"]
    assert required_strings(re.compile(r"同比(增长|增加|上升)")) == ("同比",)
    assert required_strings(re.compile(r"(?i)abc")) is None
    assert set(required_strings(re.compile(r"(暂无|尚无|没有|无)(订单|收入)"))) <= {"无", "没有", "订单", "收入"}
    texts = ["同比增长", "增长了12.5 %", "暂无订单", "尚无收入", "已经实现", "ABC abc", "3倍", "投入约2亿", "a", "",
             "没有", "增加", "提升10％", "同比", "订单", "新建两条产线", "不增长", "增长放缓", "好的", "甲乙", "乙甲丙"]
    texts += [a for _, a in QA] + [p for p, _ in fictional_pairs(50, seed=9)]
    for p in patterns:
        rx = re.compile(p)
        needles = required_strings(rx)
        for text in texts:
            if needles is not None and not any(n in text for n in needles):
                assert all(m.group() == "" for m in rx.finditer(text)), (p, text)


def test_regex_prefilter_keeps_every_regex_that_matches(scorer, many_pairs):
    # overlapping needles, one inside another, a regex without needles
    patterns = [r"产能(扩大|提升)", r"(能力|水平)提升", r"产(品|能)", r"募集资金[^，]{0,4}项目", r"募集", r"[a-z]+\d", r"资金(充足|紧张)",
                r"能力(强|弱)"]
    rx = [re.compile(p) for p in patterns]
    prefilter = RegexPrefilter([required_strings(r) for r in rx])
    texts = ["产能力提升", "产能扩大", "募集资金投资项目", "ai2", "募集", "", "产品", "能力", "募集资金充足", "产能力强", "产品能力弱"]
    for text in texts:
        assert {k for k, r in enumerate(rx) if r.search(text)} <= set(prefilter.candidates(text)), text
    assert list(prefilter.candidates("无关")) == [5]
    # the shipped lexicon's and themes' own regexes on the seed's and invented answers
    state = scorer._load()
    texts = clean_texts(a for _, a in many_pairs)
    for matcher in (state["theme_features"].answer_matcher, state["lexicon_features"].matcher):
        assert matcher._regexes
        for text in texts:
            matching = {k for k, (r, _, _) in enumerate(matcher._regexes) if any(m.group() for m in r.finditer(text))}
            assert matching <= set(matcher._regex_scan.prefilter.candidates(text)), text
        assert any(matcher._regex_scan.prefilter.candidates(text) for text in texts)
    # over a batch the needles of every prefilter are searched once: the pairs each prefilter's own
    # search of each text gives
    cache: dict = {}
    for matcher in (state["theme_features"].answer_matcher, state["lexicon_features"].matcher, prefilter):
        one = matcher if isinstance(matcher, RegexPrefilter) else matcher._regex_scan.prefilter
        shared = list(zip(*(a.tolist() for a in one.pairs(texts, cache))))
        alone = [(d, k) for d, text in enumerate(texts) for k in one.candidates(text)]
        assert shared == alone and shared
    assert "needles" in cache


def test_blocking_of_longer_matches_keeps_what_a_left_to_right_scan_keeps():
    """``_first_free`` (arrays, Python only for overlapping groups) against the plain scan: a kept match
    blocks its key in its text until its end; candidates come by start, best first at one start."""
    from nlp.features.terms import _first_free

    rng = random.Random(5)
    for _ in range(300):
        n = rng.randint(0, 40)
        cands = sorted(((rng.randint(0, 2), rng.randint(0, 12), rng.randint(1, 4), rng.randint(0, 2)) for _ in range(n)),
                       key=lambda c: (c[0], c[1], -c[2]))  # (text, start, length, key)
        doc = np.array([c[0] for c in cands], dtype=np.int64)
        start = np.array([c[1] for c in cands], dtype=np.int64)
        end = start + np.array([c[2] for c in cands], dtype=np.int64)
        key = np.array([c[3] for c in cands], dtype=np.int64)
        expected, blocked, current = [], {}, None
        for d, s, length, k in cands:
            if d != current:
                current, blocked = d, {}
            keep = blocked.get(k, -1) <= s
            expected.append(keep)
            if keep:
                blocked[k] = s + length
        assert _first_free(doc, key, start, end).tolist() == expected


def test_regexes_opening_with_lookbehinds_find_what_finditer_finds(scorer, many_pairs):
    """``finder``: a pattern that opens with lookbehinds is tried only at its possible first characters;
    the matches are finditer's, on the shipped lexicon's and themes' regexes and on made-up ones."""
    import re

    from nlp.features.regex_scan import finder, start_chars

    state = scorer._load()
    shipped = [w[3:] for _, w, _ in state["lexicon_features"].lexicon.entries if w.startswith("re:")]
    made_up = [r"(?<!a)b", r"(?<!a)(?<!ab)(?:b|cd)[^，]{0,3}e", r"(?<=x)(y|yy)", r"(?<!增长)(增|提)[^。]{0,4}\d+%"]
    patterns = [re.compile(p) for p in shipped + made_up]
    probed = [p for p in patterns if start_chars(p) is not None]
    assert len(probed) >= 6
    texts = clean_texts([a for _, a in many_pairs]) + ["ab b cde abbe xyy xy", "成本增长10%，收入增长12%，提升3%"]
    spans = lambda found: [(m.start(), m.end(), m.group()) for m in found]  # noqa: E731
    hits = 0
    for pattern in probed:
        find = finder(pattern)
        for text in texts:
            expected = spans(pattern.finditer(text))
            assert spans(find(text)) == expected, (pattern.pattern, text)
            hits += len(expected)
    assert hits > 20


def test_separated_patterns_keep_off_the_separator():
    """``separated`` adds the separator to negated classes and refuses what could reach across it."""
    assert separated(re.compile(r"增长[^，。]{0,4}放缓")).pattern == "增长[^，。\\x00]{0,4}放缓"
    assert separated(re.compile(r"[^]a]b")).pattern == "[^]a\\x00]b"  # a ']' first in a class is a member
    for kept in (r"(?<!抗)(风险|压力)(?!力)", r"\d+(\.\d+)?%", r"\bIT\b", r"[a-z]+\s*\d", r"(a)\1"):
        assert separated(re.compile(kept)) is not None, kept
    for refused in (r"a.b", r"^公司", r"增长$", r"\A增", r"a\Sb", r"\W", r"\D+", r"[^a-]b", r"[\x00-\x1f]"):
        assert separated(re.compile(refused)) is None, refused


def _alone(patterns, texts):
    """(text, regex, start, end, matched) of finditer on each text alone, non-empty matches."""
    return [(d, k, m.start(), m.end(), m.group()) for d, t in enumerate(texts) for k, rx in enumerate(patterns)
            for m in rx.finditer(t) if m.end() > m.start()]


def _hits(scan, texts, cache=None):
    d, k, start, end, matched = scan.hits(texts, {} if cache is None else cache)
    return list(zip(d.tolist(), k.tolist(), start.tolist(), end.tolist(), matched))


def test_regexes_over_joined_texts_find_what_each_text_alone_gives(scorer, many_pairs):
    """``RegexScan.hits`` (each regex once over its candidate texts joined) against finditer on each
    text alone: the shipped regexes of every matcher, on real-like answers, and on every match cut in
    two at each character, the head ending one text and the tail opening the next, so that a match or
    a lookaround that reached across texts would show."""
    state = scorer._load()
    matchers = [m for m in (state["theme_features"].answer_matcher, state["lexicon_features"].matcher)]
    texts = clean_texts(a for _, a in many_pairs)
    joined_at_all = 0
    for matcher in matchers:
        patterns = [rx for rx, _, _ in matcher._regexes]
        scan = RegexScan(patterns)
        joined_at_all += sum(f is not None for f in scan._joined_finders)
        assert _hits(scan, texts) == _alone(patterns, texts)
        cut = []
        for _, _, _, _, matched in _alone(patterns, texts)[:400]:
            cut += [matched[:i] for i in range(1, len(matched))] + [matched[i:] for i in range(1, len(matched))]
        cut += ["抗", "风险", "降低", "成本上升", "", "IT", "服务器"]
        assert _hits(scan, cut) == _alone(patterns, cut)
        # a text holding the separator: every regex text by text, the same matches
        odd = texts[:20] + ["增长\x00放缓，风险\x00加大"]
        cache: dict = {}
        assert _hits(scan, odd, cache) == _alone(patterns, odd) and cache["joinable"] is False
    assert joined_at_all >= 60  # most shipped regexes take the joined path this test checks


def test_theme_feature_rows_say_what_the_counted_terms_say(scorer, many_pairs):
    """The (answer, theme) cells computed as arrays equal a plain reading of each cell's counted core,
    related and exclusion hits: distinct terms' weights, hit and sentence counts, the cue answered, the
    share of core hits that are passing items of an enumeration."""
    import math

    from nlp.features.themes import FEATURE_NAMES
    from nlp.tokens import CLAUSE_BREAKS

    state = scorer._load()
    features = state["theme_features"]
    pairs = many_pairs + [("融资渠道？", "公司通过非公开发行股票、发行债券等融资渠道筹集资金。"),
                          ("", "公司产品包括芯片、服务器、光模块等，数据中心业务稳步推进。"),
                          ("", "公司将通过非公开发行股份、发行公司债券、重大资产重组、股权激励等方式做好市值管理。")]
    answers = clean_texts(a for _, a in pairs)
    batch = cut_batch(state["tokenizer"], answers, Vocab())
    cues = features.question_cues(cut_batch(state["tokenizer"], clean_texts(q for q, _ in pairs), batch.vocab))
    evidence = features.transform(batch, cues)
    X = evidence.X.reshape(len(answers), len(features.names), len(FEATURE_NAMES))
    weights = features._weights
    checked = 0
    for d, by_theme in evidence.found.items():
        tokens, base = batch.doc_tokens(d), int(batch.doc_ptr[d])
        n_sent = int(batch.n_sentences[d])
        for name, (core, related, exclude) in by_theme.items():
            j = features.names.index(name)
            core_sents = {int(batch.sentence[i]) for _, i, _ in core}
            any_sents = core_sents | {int(batch.sentence[i]) for _, i, _ in related}
            theme_tokens = {i - base for _, i, _ in core + related}
            item, group, n = [], [], 0  # per token: its clause (、 ends one) and its enumeration (、 joins)
            for t, tok in enumerate(tokens):
                item.append(n)
                opens = t == 0 or (tokens[t - 1] in CLAUSE_BREAKS and tokens[t - 1] != "、")
                group.append(n if opens else group[-1])
                n += tok in CLAUSE_BREAKS
            items_of = {}
            for t in range(len(tokens)):
                items_of.setdefault(group[t], set()).add(item[t])
            listed = 0
            for _, i, _ in core:
                i -= base
                near = tokens[max(0, i - 2):i] + tokens[i + 1:i + 3]
                in_list = "、" in near or (i + 1 < len(tokens) and tokens[i + 1] == "等")
                every_item_a_term = items_of[group[i]] <= {item[k] for k in theme_tokens}
                listed += in_list and not (any(k in theme_tokens for k in (i - 2, i - 1, i + 1, i + 2))
                                           and every_item_a_term)
            expected = [
                math.log1p(sum(weights.get((name, "core", e), 1.0) for e in {e for _, _, e in core})),
                math.log1p(len(core)),
                math.log1p(sum(weights.get((name, "related", e), 1.0) for e in {e for _, _, e in related})),
                math.log1p(sum(weights.get((name, "exclude", e), 1.0) for _, _, e in exclude)),
                len(core_sents) / n_sent, len(any_sents) / n_sent, float(name in cues[d]),
                float(name in cues[d] and bool(any_sents) and X[d, j, 8] < 0.5), X[d, j, 8], X[d, j, 9],
                listed / len(core) if core else 0.0,
            ]
            assert X[d, j].tolist() == pytest.approx(expected, abs=1e-12), (answers[d], name)
            checked += 1
    assert checked > 50 and (X[:, :, 10] > 0).any() and (X[:, :, 7] > 0).any()
