"""The batch's data contract (issue 15): every answer back once with a status, keys that are keys,
company keys, error rows named by id, and a store that lists records without Q&A.

All texts are fictional.
"""
from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from batch_factory import QA, answer_rows, record_text

from nlp.batch import BatchOptions, run_batch
from nlp.output import STATUSES, answer_status

THEMES = ["ai_compute", "capex", "domestic_chips", "financing"]
SCORES = ["tone", "tone_label", "themes", *(f"score_{t}" for t in THEMES), "evidence", "tone_terms", "tone_words"]

# Answers as a briefing table holds them: empty, blank, English, a figure, a phone number, Chinese.
ODD_ANSWERS = [("公司的负债比率有多少？", "60.92%"), ("电话多少？", "021-22252595"), ("", "   "), ("市场情况？", ""),
               ("Any plans?", "Model S/X/3, Semitruck."), ("笑一个？", "^_^")]


def _batch(inputs, out, **kw):
    return run_batch(BatchOptions(tuple(str(p) for p in inputs), str(out), **kw))


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _answers_with_odd_rows(n: int = 40, seed: int = 5) -> list[dict]:
    rows = answer_rows(n, seed)
    for k, (q, a) in enumerate(ODD_ANSWERS):
        rows[3 + 5 * k]["question"], rows[3 + 5 * k]["answer"] = q, a
    return rows


def test_answer_status_rules():
    assert [answer_status(a) for a in ("", "  \n", None, "60.92%", "Revenue grew.", "订单饱满。", "GPU订单")] == [
        "empty", "empty", "empty", "no_chinese", "no_chinese", "ok", "ok"]
    assert STATUSES[0] == "ok" and set(STATUSES) == {"ok", "empty", "no_chinese", "error"}


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_every_answer_of_an_answers_table_is_a_row_with_its_status(tmp_path, fmt):
    import pandas as pd

    from nlp.output import read_output
    from nlp.scorer import score_answers

    rows = _answers_with_odd_rows()
    table = _write_csv(tmp_path / "answers.csv", rows)
    out = tmp_path / f"o.{fmt}"
    summary = _batch([table], out, errors=str(tmp_path / "e.jsonl"))
    got = read_output(out)
    assert got["id"].tolist() == [r["id"] for r in rows]  # one row per input row, in order
    assert summary.answers == len(rows) and summary.errors == 0 and not (tmp_path / "e.jsonl").read_text()
    want = [answer_status(r["answer"]) for r in rows]
    assert got["status"].tolist() == want
    assert summary.statuses == {"ok": want.count("ok"), "empty": 2, "no_chinese": 4}
    empty = got[got["status"] == "empty"]
    assert len(empty) == 2 and all(empty[c].isna().all() for c in SCORES if c != "themes")
    assert empty["themes"].map(lambda v: v is None).all()
    # a no_chinese answer is scored as the API scores it, and flagged
    flagged = got[got["status"] == "no_chinese"]
    api = score_answers(pd.DataFrame({"question": flagged["question"].tolist(), "answer": flagged["answer"].tolist()}))
    assert flagged["tone"].tolist() == pytest.approx(api["tone"].tolist(), abs=1e-12)
    assert flagged["tone_label"].tolist() == api["tone_label"].tolist()
    assert got.loc[got["status"] == "ok", "tone"].notna().all()


def test_whole_records_flag_empty_and_english_answers_the_same_way(tmp_path):
    pairs = [("公司订单情况如何？", "订单饱满，产能利用率较高。"), ("What about exports？", "Exports grew 5% in 2023."),
             ("海外业务？", "")]
    table = tmp_path / "records.jsonl"
    table.write_text(json.dumps({"doc_id": "D1", "code": "300901", "content": record_text(3, pairs)},
                                ensure_ascii=False) + "\n", encoding="utf-8")
    for out in (tmp_path / "o.jsonl", tmp_path / "folder.jsonl"):
        if out.name == "folder.jsonl":
            folder = tmp_path / "in"
            folder.mkdir()
            (folder / "r.txt").write_text(record_text(3, pairs), encoding="utf-8")
            _batch([folder], out)
        else:
            _batch([table], out)
        rows = _jsonl(out)
        assert [r["status"] for r in rows] == ["ok", "no_chinese", "empty"]
        assert rows[2]["tone"] is None and rows[2]["themes"] is None and rows[1]["tone"] is not None
    assert [r["doc_id"] for r in _jsonl(tmp_path / "o.jsonl")] == ["D1"] * 3
    assert [r["doc_id"] for r in _jsonl(tmp_path / "folder.jsonl")] == [None] * 3


def test_identical_pairs_under_different_ids_keep_distinct_keys_in_any_row_order(tmp_path):
    rows = answer_rows(60, seed=9)
    for r in rows[10:20]:  # ten different ids with the very same question and answer
        r["question"], r["answer"] = QA[0]
    shuffled = rows[:]
    random.Random(4).shuffle(shuffled)
    _batch([_write_csv(tmp_path / "answers.csv", rows)], tmp_path / "a.jsonl")
    (tmp_path / "b").mkdir()
    _batch([_write_csv(tmp_path / "b" / "answers.csv", shuffled)], tmp_path / "b.jsonl")
    a, b = _jsonl(tmp_path / "a.jsonl"), _jsonl(tmp_path / "b.jsonl")
    assert len({r["row_id"] for r in a}) == len(a) == 60
    assert {r["id"]: r["row_id"] for r in a} == {r["id"]: r["row_id"] for r in b}
    assert all(r["row_id"] == f"answers.csv#{r['id']}" for r in a)
    scores_a = {r["id"]: [r[c] for c in SCORES] for r in a}
    assert scores_a == {r["id"]: [r[c] for c in SCORES] for r in b}


def test_row_id_is_unique_when_filings_repeat(tmp_path):
    """Two meetings with one code, date and text (their filing_id may be one) and an input given
    twice still give unique keys: a key met again gets ~2, ~3 in input order, in every format and
    with any --jobs."""
    content = record_text(7, [("公司订单情况如何？", "订单饱满。"), ("海外业务？", "稳步推进。")])
    table = tmp_path / "records.jsonl"
    table.write_text("".join(json.dumps({"doc_id": d, "code": "002977", "date": "2023-05-06", "category": c,
                                         "content": content}, ensure_ascii=False) + "\n"
                             for d, c in (("D1", "特定对象调研"), ("D2", "业绩说明会"))), encoding="utf-8")
    answers = _write_csv(tmp_path / "answers.csv", answer_rows(12, seed=2))
    outs = {}
    for fmt, jobs in (("jsonl", 1), ("jsonl", 2), ("csv", 1), ("parquet", 2)):
        out = tmp_path / f"o{jobs}.{fmt}"
        _batch([table, answers, answers, table], out, jobs=jobs, chunk_docs=1)
        outs[(fmt, jobs)] = out
    from nlp.output import read_output

    rows = read_output(outs[("jsonl", 1)])
    assert rows["row_id"].is_unique and len(rows) == 2 * (4 + 12)
    assert rows["row_id"].str.endswith("~2").sum() >= 12 + 2  # the second answers table, the second table
    assert outs[("jsonl", 1)].read_bytes() == outs[("jsonl", 2)].read_bytes()
    for key in (("csv", 1), ("parquet", 2)):
        assert read_output(outs[key])["row_id"].tolist() == rows["row_id"].tolist()


def test_company_key_normalizes_names_and_keeps_the_raw_one(tmp_path):
    rows = [{"company": name, "conference": f"{name}2016年度业绩说明会", "question": "订单？", "answer": "订单饱满。"}
            for name in ("万 科Ａ", "万科A", "万科a")]
    table = tmp_path / "b.jsonl"
    table.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    _batch([table], tmp_path / "o.jsonl")
    got = _jsonl(tmp_path / "o.jsonl")
    assert [r["company"] for r in got] == ["万 科Ａ", "万科A", "万科a"]
    assert {r["company_key"] for r in got} == {"name:万科A"}
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.txt").write_text(record_text(0, QA[:1]), encoding="utf-8")
    _batch([folder], tmp_path / "r.jsonl")
    assert _jsonl(tmp_path / "r.jsonl")[0]["company_key"] == "300901"  # the code, when there is one


def test_offsets_index_the_answer_in_the_row(tmp_path):
    rows = answer_rows(200, seed=13)  # a third of the answers carry line breaks and indentation
    _batch([_write_csv(tmp_path / "answers.csv", rows)], tmp_path / "o.jsonl")
    checked = 0
    for r in _jsonl(tmp_path / "o.jsonl"):
        for term, _, start, _ in json.loads(r["tone_terms"]):
            assert r["answer"][start : start + len(term)] == term
            checked += 1
        for ev in json.loads(r["evidence"]).values():
            assert r["answer"][ev["start"] : ev["end"]] == ev["sentence"]
    assert checked > 50


def test_a_failed_answers_group_gives_error_rows_and_names_its_ids(tmp_path, monkeypatch):
    from nlp.scorer import Scorer

    real = Scorer.score_columns

    def flaky(self, questions, answers):
        if any("坏账风险可控" in a for a in answers):
            raise RuntimeError("boom")
        return real(self, questions, answers)

    monkeypatch.setattr(Scorer, "score_columns", flaky)
    rows = answer_rows(50, seed=3)
    table = _write_csv(tmp_path / "answers.csv", rows)
    summary = _batch([table], tmp_path / "o.jsonl", errors=str(tmp_path / "e.jsonl"))
    got = _jsonl(tmp_path / "o.jsonl")
    assert [r["id"] for r in got] == [r["id"] for r in rows]  # failed answers are rows too
    failed = [r for r in got if r["status"] == "error"]
    assert failed and all(r["tone"] is None and r["score_capex"] is None for r in failed)
    assert summary.statuses["error"] == len(failed)
    logged = _jsonl(tmp_path / "e.jsonl")
    assert [e["source"] for e in logged] == [f"{table}#id={r['id']}" for r in failed]
    assert all(e["reason"] == "unexpected RuntimeError while scoring: boom" for e in logged)
    # the chunk is scored as one batch; the groups beside the failed one keep their scores, as in a clean run
    monkeypatch.setattr(Scorer, "score_columns", real)
    _batch([table], tmp_path / "clean.jsonl")
    clean = {r["id"]: r for r in _jsonl(tmp_path / "clean.jsonl")}
    kept = [r for r in got if r["status"] != "error"]
    assert kept and all(r == clean[r["id"]] for r in kept)


def test_records_without_qa_are_stored_for_the_panel(tmp_path):
    from nlp.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(record_text(1, QA[:2]), encoding="utf-8")
    (folder / "b_stub.txt").write_text(record_text(2, []), encoding="utf-8")
    summary = _batch([folder], tmp_path / "o.jsonl", db=str(tmp_path / "s.db"))
    assert (summary.documents, summary.no_qa, summary.answers) == (1, 1, 2)
    with Store(tmp_path / "s.db") as store:
        filings = [f for c in store.companies() for f in store.filings(c.key)]
    assert sorted(f.n_answers for f in filings) == [0, 2]
