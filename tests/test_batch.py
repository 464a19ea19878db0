"""irtone batch: rows and schema, errors, --jobs, large groups, --db, and resume after SIGKILL."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_factory import QA, child_pids, running, write_corpus

from nlp.batch import (
    JOURNAL_VERSION,
    BatchOptions,
    journal_path,
    output_columns,
    output_schema,
    run_batch,
    score_records,
)
from nlp.records import IrtoneError

ROOT = Path(__file__).resolve().parents[1]
THEMES = ["ai_compute", "capex", "domestic_chips", "financing"]


def _batch(corpus_inputs, out, **kw) -> object:
    return run_batch(BatchOptions(tuple(str(p) for p in corpus_inputs), str(out), **kw))


def _cli(*args, cwd=None, **popen):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [sys.executable, "-m", "nlp.cli", "batch", *map(str, args)], dict(env=env, cwd=cwd, **popen)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    """One uninterrupted jobs=1 JSONL run: the rows every other run must reproduce."""
    out = tmp_path_factory.mktemp("ref") / "out.jsonl"
    summary = _batch(corpus.inputs, out, errors=str(out.with_suffix(".errors.jsonl")))
    return out, summary


def test_columns_and_parquet_schema_are_fixed():
    assert output_columns(THEMES) == [
        "row_id", "id", "doc_id", "source", "filing_id", "company", "company_key", "code", "date", "period", "segment",
        "question", "answer", "status", "tone", "tone_label", "themes", "score_ai_compute", "score_capex", "score_domestic_chips",
        "score_financing", "question_tone", "non_answer", "evasive", "relevance", "specificity", "forward_looking",
        "forward_tone", "evidence", "tone_terms", "tone_words", "model_version",
    ]
    schema = output_schema(THEMES)
    assert str(schema.field("segment").type) == "int32"
    assert str(schema.field("themes").type) == "list<item: string>"
    assert {str(schema.field(c).type) for c in ("tone", "score_capex", "score_financing")} == {"double"}
    assert {str(schema.field(c).type) for c in ("row_id", "id", "doc_id", "company_key", "code", "date", "period",
                                                "status", "evidence")} == {"string"}


def test_parquet_rows_are_built_from_buffers_as_pyarrow_would_from_lists():
    import math

    import pyarrow as pa

    from nlp.batch import encode_rows

    names = output_columns(["a"])
    rows = [
        ["x:1", None, "d1", "s", "f", None, None, "000001", "", None, 1, "问？😀", "", "ok", 0.25, "positive", [], 0.0,
         0.1, 0.0, 0.0, None, 0.5, 1.0, -0.2, "{}", "[]", "[]", "v"],
        ["x:2", "7", None, "s", "f", "公司", "name:公司", None, None, "2016", 2**31 - 1, "", "a\x00b", "empty", -1.0,
         "negative", ["a", "b"], 1e-300, *[None] * 7, "{}", "[]", "[]", "v"],
        ["x:3", None, None, "s", "f", None, None, None, None, None, None, "q", "é", "ok", math.nan, "neutral", None,
         None, *[None] * 7, "", "", "", "v"],
    ]
    # floats with a null; a NaN; an int (pa.array); lists with a null; an int32 with a null
    for tone in ([0.25, -1.0, math.nan], [None, 1.0, 2.0], [1, 2.5, 3.0]):
        cols = {c: [r[i] for r in rows] for i, c in enumerate(names)}
        cols["tone"] = tone
        got = pa.ipc.open_stream(encode_rows("parquet", cols, ["a"])).read_all()
        want = pa.Table.from_pydict(cols, schema=output_schema(["a"]))
        assert got.schema.equals(want.schema)
        for c in names:
            assert str(got.column(c).to_pylist()) == str(want.column(c).to_pylist()), c  # (nan != nan)
            assert got.column(c).null_count == want.column(c).null_count, c


def test_jsonl_lines_decode_as_json_loads_does():
    from nlp.read import _json_line

    lines = ['{"a": 1}\n', '{"a": 1}  \r\n', ' {"a": 1}', '{"a": 1} x', '{"a": 1}\x0c', '\ufeff{"a":1}', '[1,2]', '"s"',
             '{"a": NaN}', '{"a": 1}{"b":2}', '', '{', '1 2', '{"a":"\\ud800"}', '  ']
    for line in lines:
        outcome = []
        for decode in (json.loads, _json_line):
            try:
                outcome.append(("value", repr(decode(line))))
            except json.JSONDecodeError as err:
                outcome.append(("error", err.msg, err.colno))
        assert outcome[0] == outcome[1], line


def test_rows_counts_ids_and_error_log(corpus, reference):
    out, summary = reference
    rows = _jsonl(out)
    assert (summary.documents, summary.answers, summary.errors) == (corpus.documents, corpus.answers, 4)
    assert len(rows) == corpus.answers
    assert all(list(r) == output_columns(THEMES) for r in rows)
    assert len({r["row_id"] for r in rows}) == len(rows)
    # a filing's answers are keyed by position; an answers table's rows by their own id (issue 15)
    assert all(r["row_id"] == (f"answers.csv#{r['id']}" if r["id"] else f"{r['filing_id']}:{r['segment']}")
               for r in rows)
    # answers-table rows keep their input id, in input order; disclosures have none
    table_ids = [r["id"] for r in rows if r["source"].startswith(str(corpus.inputs[1]))]
    assert table_ids == [f"A{i:05d}" for i in range(1, 61)]
    assert all(r["id"] is None for r in rows if r["source"].endswith(".txt"))
    # rows follow the input order: the folder (sorted), then the answers table, then the whole records
    sources = [r["source"] for r in rows]
    firsts = list(dict.fromkeys(s.split("#")[0] for s in sources))
    assert firsts[-2:] == [str(corpus.inputs[1]), str(corpus.inputs[2])]
    assert firsts[:-2] == sorted(firsts[:-2])
    for r in rows:
        assert -1.0 <= r["tone"] <= 1.0 and r["tone_label"] in ("negative", "neutral", "positive")
        assert set(r["themes"]) <= set(THEMES)
        assert all(0.0 <= r[f"score_{t}"] <= 1.0 for t in THEMES)
        evidence = json.loads(r["evidence"])
        assert set(evidence) == set(r["themes"])
        for ev in evidence.values():  # evidence points into the answer
            assert r["answer"][ev["start"] : ev["end"]] == ev["sentence"]
    pairs = {(r["question"], r["answer"]) for r in rows}
    assert pairs <= set(QA)
    errors = _jsonl(out.with_suffix(".errors.jsonl"))
    assert [e["source"] for e in errors] == corpus.errors
    assert errors[0]["reason"] == "is empty (0 bytes)"


def test_a_record_without_answers_is_logged_not_lost(tmp_path):
    """A record whose header parses but that holds no Q&A (a stub) leaves a line in the error log, not
    silence, in a folder and in a table of whole records alike; the scored records keep their rows."""
    from batch_factory import record_text

    from nlp.batch import NO_QA_REASON

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_full.txt").write_text(record_text(1, [("公司订单情况如何？", "订单饱满。")]), encoding="utf-8")
    (folder / "b_stub.txt").write_text(record_text(2, []), encoding="utf-8")
    table = tmp_path / "records.jsonl"
    table.write_text("".join(json.dumps({"doc_id": d, "code": "600001", "content": record_text(i, pairs)},
                                        ensure_ascii=False) + "\n"
                             for i, (d, pairs) in enumerate([("d1", []), ("d2", [("问？", "答。")])])), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    summary = _batch([folder, table], out, errors=str(tmp_path / "e.jsonl"))
    assert (summary.documents, summary.answers, summary.errors, summary.no_qa) == (2, 2, 2, 2)
    assert "0 errors, 2 without Q&A" in summary.line()  # a stub is not counted as a broken input
    logged = _jsonl(tmp_path / "e.jsonl")
    assert [(e["source"].rsplit("/", 1)[-1], e["reason"]) for e in logged] == [
        ("b_stub.txt", NO_QA_REASON), ("records.jsonl#d1", NO_QA_REASON)]
    assert len(_jsonl(out)) == 2


def test_financing_answer_is_tagged_with_evidence(reference):
    rows = [r for r in _jsonl(reference[0]) if r["question"] == "公司是否有定向增发的计划？"]
    assert rows and all("financing" in r["themes"] for r in rows)
    assert all("定向增发" in json.loads(r["evidence"])["financing"]["terms"] for r in rows)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_two_jobs_and_small_chunks_give_the_same_bytes(corpus, tmp_path, fmt):
    one = tmp_path / f"one.{fmt}"
    two = tmp_path / f"two.{fmt}"
    _batch(corpus.inputs, one, chunk_docs=64)
    _batch(corpus.inputs, two, jobs=2, chunk_docs=3)
    assert one.read_bytes() == two.read_bytes()
    assert not journal_path(two).exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name not in ("one." + fmt, "two." + fmt)]  # no rows/tmp file


@pytest.mark.parametrize("fork", [False, True])
def test_spawned_or_forked_workers_and_the_progress_bar_give_the_same_bytes(corpus, reference, tmp_path, monkeypatch,
                                                                           fork):
    import nlp.batch
    import nlp.batch.workers
    from nlp.commands.batch import _run_with_bar

    monkeypatch.setattr(nlp.batch.workers, "_can_fork", lambda: fork)
    seen = []
    real = nlp.batch._Workers.__init__

    def workers(self, *args, **kw):
        real(self, *args, **kw)
        seen.append(self.forked)

    monkeypatch.setattr(nlp.batch._Workers, "__init__", workers)
    out = tmp_path / "o.jsonl"
    options = BatchOptions(tuple(str(p) for p in corpus.inputs), str(out), jobs=2, chunk_docs=5)
    summary = _run_with_bar(options, run_batch)  # the bar's threads start after the workers
    assert seen == [fork] and summary.answers == corpus.answers
    assert out.read_bytes() == reference[0].read_bytes()


def test_csv_and_parquet_hold_the_jsonl_rows(corpus, reference, tmp_path):
    import pandas as pd
    import pyarrow.parquet as pq

    expected = _jsonl(reference[0])
    _batch(corpus.inputs, tmp_path / "o.parquet")
    table = pq.read_table(tmp_path / "o.parquet")
    assert table.schema.equals(output_schema(THEMES))
    assert table.to_pylist() == expected
    _batch(corpus.inputs, tmp_path / "o.csv")
    frame = pd.read_csv(tmp_path / "o.csv", dtype={"code": str, "id": str}, keep_default_na=False)
    assert list(frame.columns) == output_columns(THEMES)
    assert [json.loads(t) for t in frame["themes"]] == [r["themes"] for r in expected]
    assert frame["tone"].tolist() == [r["tone"] for r in expected]
    assert frame["row_id"].tolist() == [r["row_id"] for r in expected]


def test_parquet_types_hold_when_a_column_is_all_null_or_empty(tmp_path):
    import pyarrow.parquet as pq

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    summary = _batch([bad], tmp_path / "empty.parquet")
    assert (summary.answers, summary.errors) == (0, 1)
    empty = pq.read_table(tmp_path / "empty.parquet")
    assert empty.num_rows == 0 and empty.schema.equals(output_schema(THEMES))
    corpus = write_corpus(tmp_path / "c", records=3, answers=0, bad=False)
    _batch(corpus.inputs[:1], tmp_path / "records.parquet")
    table = pq.read_table(tmp_path / "records.parquet")
    assert table.num_rows > 0 and table.column("id").null_count == table.num_rows
    assert table.schema.equals(output_schema(THEMES))


def test_briefing_period_column_in_every_format_and_the_store(tmp_path):
    import pandas as pd
    import pyarrow.parquet as pq

    table = tmp_path / "briefings.jsonl"
    groups = [("远航电气2016年度业绩说明会", "2016"), ("远航电气2017年半年度业绩网上说明会", "2017"), ("远航电气业绩说明会", "")]
    lines = [
        json.dumps({"conference": conference, "company": "远航电气", "year": year, "qa_index": i,
                    "question": QA[g * 2 + i][0], "answer": QA[g * 2 + i][1]}, ensure_ascii=False)
        for g, (conference, year) in enumerate(groups) for i in range(2)
    ]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = ["2016", "2016", "2017H1", "2017H1", None, None]
    _batch([table], tmp_path / "b.jsonl", db=str(tmp_path / "b.db"))
    rows = _jsonl(tmp_path / "b.jsonl")
    assert [(r["date"], r["period"]) for r in rows] == [(None, p) for p in expected]
    assert list(rows[0])[8:11] == ["date", "period", "segment"]
    _batch([table], tmp_path / "b.parquet")
    parquet = pq.read_table(tmp_path / "b.parquet")
    assert parquet.schema.equals(output_schema(THEMES)) and parquet.column("period").to_pylist() == expected
    _batch([table], tmp_path / "b.csv")
    frame = pd.read_csv(tmp_path / "b.csv", dtype=str, keep_default_na=False)
    assert frame["period"].tolist() == [p or "" for p in expected]
    from nlp.store import Store

    with Store(tmp_path / "b.db") as store:
        assert [(r.period, r.placed_on) for r in store.filings("远航电气")] == [
            ("2016", "2017-04-30"), ("2017H1", "2017-08-31"), (None, None)]


def test_large_answers_group_is_sliced_with_the_same_rows(tmp_path):
    import csv

    table = tmp_path / "one_group.csv"
    with open(table, "w", encoding="utf-8", newline="") as fh:  # no company/date: one group of 300
        writer = csv.writer(fh)
        writer.writerow(["id", "question", "answer"])
        for i in range(300):
            writer.writerow([f"q{i}", *QA[i % len(QA)]])
    _batch([table], tmp_path / "whole.jsonl", split_answers=1000)
    _batch([table], tmp_path / "sliced.jsonl", split_answers=64, jobs=2, db=str(tmp_path / "s.db"))
    assert (tmp_path / "whole.jsonl").read_bytes() == (tmp_path / "sliced.jsonl").read_bytes()
    rows = _jsonl(tmp_path / "sliced.jsonl")
    filing = rows[0]["filing_id"]
    assert [r["row_id"] for r in rows] == [f"one_group.csv#q{i}" for i in range(300)]  # keyed by id
    assert {r["filing_id"] for r in rows} == {filing} and [r["segment"] for r in rows] == list(range(1, 301))
    from nlp.store import Store

    with Store(tmp_path / "s.db") as store:
        assert store.count() == 1
        assert len(store.get(filing).answers) == 300


def test_db_stores_each_filing_once(corpus, tmp_path):
    from nlp.store import Store

    db = tmp_path / "h.db"
    first = _batch(corpus.inputs, tmp_path / "a.jsonl", db=str(db))
    _batch(corpus.inputs, tmp_path / "b.jsonl", db=str(db), jobs=2)
    with Store(db) as store:
        assert store.count() == first.documents
        stored = sum(len(store.get(fid).answers) for fid in {r["filing_id"] for r in _jsonl(tmp_path / "a.jsonl")})
    assert stored == first.answers


def test_user_theme_file_adds_a_score_column(corpus, tmp_path):
    themes = tmp_path / "mine.json"
    themes.write_text(json.dumps({"themes": [{"name": "logistics", "label": "物流", "core": ["物流", "仓储"],
                                              "related": ["运输"]}]}, ensure_ascii=False), encoding="utf-8")
    _batch(corpus.inputs[1:2], tmp_path / "t.jsonl", theme_files=(str(themes),), db=str(tmp_path / "t.db"))
    rows = _jsonl(tmp_path / "t.jsonl")
    assert list(rows[0]) == output_columns([*THEMES, "logistics"])
    from nlp.store import Store

    with Store(tmp_path / "t.db") as store:  # `irtone report` and `history` show the user's label
        assert store.theme_labels()["logistics"] == "物流"


def test_user_tone_lexicon_and_dictionary_reach_every_worker(corpus, reference, tmp_path):
    """--tone-lexicon replaces the built-in lexicon in the workers too; resume refuses another lexicon."""
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text("pos\t公司\t2\n", encoding="utf-8")  # absurd on purpose: every 公司 is praise
    words = tmp_path / "words.txt"
    words.write_text("融资渠道 50 n\n", encoding="utf-8")
    for jobs in (1, 2):
        out = tmp_path / f"lex{jobs}.jsonl"
        _batch(corpus.inputs, out, jobs=jobs, tone_lexicon=str(lexicon), user_dicts=(str(words),))
        rows = _jsonl(out)
        terms = {t[0] for r in rows for t in json.loads(r["tone_terms"])}
        assert terms == {"公司"}, terms
        assert {r["model_version"] for r in rows}.isdisjoint({r["model_version"] for r in _jsonl(reference[0])})
    assert (tmp_path / "lex1.jsonl").read_bytes() == (tmp_path / "lex2.jsonl").read_bytes()
    cmd, kw = _cli(*corpus.inputs, "--out", tmp_path / "cli.jsonl", "--tone-lexicon", lexicon,
                   "--user-dict", words, "--quiet")
    assert subprocess.run(cmd, capture_output=True, text=True, **kw).returncode == 0
    assert (tmp_path / "cli.jsonl").read_bytes() == (tmp_path / "lex1.jsonl").read_bytes()
    # an interrupted run with the built-in lexicon cannot be resumed with another one
    out = tmp_path / "o.jsonl"
    _batch(corpus.inputs, out)
    state = {"version": JOURNAL_VERSION, "format": "jsonl", "inputs": [str(p) for p in corpus.inputs],
             "inputs_resolved": [str(p.resolve()) for p in corpus.inputs],
             "theme_files": [], "theme_names": THEMES, "errors_file": None, "split_answers": 256,
             "units": 1, "rows": 1, "documents": 1, "answers": 1, "errors": 0, "last_source": None,
             "model_version": None, "out": 0, "errors_bytes": 0, "complete": False}
    journal_path(out).write_text(json.dumps(state), encoding="utf-8")
    with pytest.raises(IrtoneError, match="tone_lexicon differ from the interrupted run"):
        _batch(corpus.inputs, out, resume=True, tone_lexicon=str(lexicon))


def test_bad_output_names_are_clear_errors(corpus, tmp_path):
    with pytest.raises(IrtoneError, match="unsupported output format .xlsx"):
        _batch(corpus.inputs, tmp_path / "out.xlsx")
    with pytest.raises(IrtoneError, match="output folder does not exist"):
        _batch(corpus.inputs, tmp_path / "nowhere" / "out.jsonl")
    with pytest.raises(IrtoneError, match="is inside the input .*: it would be read as input"):
        _batch(corpus.inputs, corpus.inputs[0] / "scores.jsonl")
    with pytest.raises(IrtoneError, match="is inside the input"):
        _batch(corpus.inputs, tmp_path / "o.jsonl", errors=str(corpus.inputs[1]))
    with pytest.raises(IrtoneError, match="not a regular file"):  # fsync and resume need a file
        _batch(corpus.inputs, tmp_path / "o.jsonl", errors="/dev/null")
    assert not list(tmp_path.glob("o.*"))  # nothing left behind
    cmd, kw = _cli(corpus.inputs[1], "--out", tmp_path / "x.txt")
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert done.returncode == 2
    assert done.stderr.strip().endswith("unsupported output format .txt; use .parquet, .csv or .jsonl")


def test_exit_status_says_when_nothing_or_not_everything_was_scored(corpus, tmp_path):
    cmd, kw = _cli(tmp_path / "missing.txt", "--out", tmp_path / "m.csv", "--quiet")
    assert subprocess.run(cmd, capture_output=True, text=True, **kw).returncode == 2  # nothing scored
    cmd, kw = _cli(*corpus.inputs, "--out", tmp_path / "s.jsonl", "--quiet", "--strict")
    assert subprocess.run(cmd, capture_output=True, text=True, **kw).returncode == 1  # 4 bad inputs
    cmd, kw = _cli(corpus.inputs[1], "--out", tmp_path / "g.jsonl", "--quiet", "--strict")
    assert subprocess.run(cmd, capture_output=True, text=True, **kw).returncode == 0  # all good


def test_cli_summary_line_and_quiet(corpus, tmp_path):
    cmd, kw = _cli(*corpus.inputs, "--out", tmp_path / "o.jsonl", "--errors", tmp_path / "e.tsv")
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert done.returncode == 0 and done.stdout == ""
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"irtone batch: {corpus.documents} documents, {corpus.answers} answers, 4 errors in ")
    assert (tmp_path / "e.tsv").read_text(encoding="utf-8").splitlines()[0] == "source\treason"
    assert len((tmp_path / "e.tsv").read_text(encoding="utf-8").splitlines()) == 5
    cmd, kw = _cli(*corpus.inputs, "--out", tmp_path / "q.jsonl", "--quiet")
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_score_records_frame_matches_batch_rows(corpus, reference):
    import pandas as pd

    whole = corpus.inputs[2]
    records = [json.loads(line) for line in whole.read_text(encoding="utf-8").splitlines() if line != "{not json"]
    frame = score_records(pd.DataFrame(records))
    batch_rows = [r for r in _jsonl(reference[0]) if r["source"].startswith(str(whole))]
    got = frame.to_dict("records")
    assert len(got) == len(batch_rows) > 0
    for g, b in zip(got, batch_rows):
        assert g["source"] == "<frame>#" + b["source"].split("#")[1]
        def nulls(v):  # a frame's NaN is a row's null
            return None if isinstance(v, float) and v != v else v

        assert {k: nulls(v) for k, v in g.items() if k != "source"} == {k: v for k, v in b.items() if k != "source"}


# ---- resume --------------------------------------------------------------------------------------


def _wait_for_progress(journal: Path, proc: subprocess.Popen, units: int, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the batch finished before it could be interrupted"
        try:
            state = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = None
        if state and state["units"] >= units:
            return state
        time.sleep(0.005)
    raise AssertionError("no progress")


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("big"), records=300, answers=900)


# jobs=1 takes the same journal and commit path as jobs=2 (without workers): kept for the slow run
@pytest.mark.parametrize("fmt,jobs", [("jsonl", 2), pytest.param("parquet", 1, marks=pytest.mark.slow), ("parquet", 2)])
def test_sigkill_then_resume_gives_exactly_the_uninterrupted_rows(big_corpus, tmp_path, fmt, jobs):
    reference = tmp_path / f"ref.{fmt}"
    summary = _batch(big_corpus.inputs, reference, errors=str(tmp_path / "ref_errors.jsonl"))
    assert summary.answers == big_corpus.answers
    out, errors = tmp_path / f"out.{fmt}", tmp_path / "errors.jsonl"
    args = (*big_corpus.inputs, "--out", out, "--errors", errors, "--jobs", jobs, "--chunk-docs", 2, "--commit-every", 0,
            "--quiet")
    journal = journal_path(out)

    # 1st kill: the main process only, early; its workers must notice and exit on their own
    cmd, kw = _cli(*args)
    proc = subprocess.Popen(cmd, **kw)
    state = _wait_for_progress(journal, proc, units=5)
    workers = child_pids(proc.pid)
    if sys.platform.startswith("linux") and jobs > 1:
        assert len(workers) >= jobs  # the spawned workers (and multiprocessing's resource tracker)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert state["complete"] is False
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(pid) for pid in workers), "orphaned workers kept running"
    # a row torn in half by the kill (written after the last commit) must not survive the resume
    if fmt == "jsonl":
        with open(out, "ab") as fh:
            fh.write(b'{"row_id": "torn')
    with open(errors, "ab") as fh:
        fh.write(b'{"source": "torn')

    # 2nd kill: the whole process group, half-way through the resumed run
    cmd, kw = _cli(*args, "--resume")
    proc = subprocess.Popen(cmd, start_new_session=True, **kw)
    _wait_for_progress(journal, proc, units=state["units"] + 60)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    cmd, kw = _cli(*args, "--resume")
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == reference.read_bytes()
    assert errors.read_bytes() == (tmp_path / "ref_errors.jsonl").read_bytes()
    assert not journal.exists() and not Path(str(out) + ".rows.arrows").exists() and not Path(str(out) + ".tmp").exists()

    # resuming a finished batch does nothing
    cmd, kw = _cli(*args[:-1], "--resume")  # without --quiet
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert done.returncode == 0 and "nothing to resume" in done.stderr
    assert out.read_bytes() == reference.read_bytes()


def test_resume_refuses_other_inputs(corpus, tmp_path):
    out = tmp_path / "o.jsonl"
    journal = journal_path(out)
    _batch(corpus.inputs, out)
    # pretend the run was interrupted after 3 inputs
    state = {"version": JOURNAL_VERSION, "format": "jsonl", "inputs": [str(p) for p in corpus.inputs],
             "inputs_resolved": [str(p.resolve()) for p in corpus.inputs],
             "theme_files": [], "theme_names": THEMES, "errors_file": None, "split_answers": 256,
             "units": 3, "rows": 3, "documents": 3, "answers": 10, "errors": 0,
             "last_source": "elsewhere.txt", "model_version": None, "errors_bytes": 0,
             "out": len(b"".join(out.read_bytes().splitlines(keepends=True)[:10])),  # 10 rows committed
             "complete": False}
    journal.write_text(json.dumps(state), encoding="utf-8")
    Path(f"{out}.tmp").write_bytes(out.read_bytes())  # an interrupted run's rows are beside OUT
    with pytest.raises(IrtoneError, match="inputs differ from the interrupted run"):
        _batch(corpus.inputs[:2], out, resume=True)
    with pytest.raises(IrtoneError, match=r"input 3 is now .*r0002\.txt, was elsewhere\.txt"):
        _batch(corpus.inputs, out, resume=True)
    # without --resume the interrupted run is replaced
    assert _batch(corpus.inputs, out).answers == corpus.answers
    assert not journal.exists()
