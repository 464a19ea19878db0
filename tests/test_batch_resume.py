"""Kill and resume an answers table: every id comes back exactly once, with the uninterrupted run's
rows (a fast version, and the 30,000-answer one marked slow)."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from batch_factory import answer_rows

from nlp.batch import journal_path

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args, **popen):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [sys.executable, "-m", "nlp.cli", "batch", *map(str, args)], dict(env=env, **popen)


def _table(path: Path, n: int) -> tuple[list[str], Counter]:
    rows = answer_rows(n, seed=21)
    for k in range(0, n, 997):  # a few answers a briefing table really holds: blank, English, a figure
        rows[k]["answer"] = ("", "Revenue grew.", "60.92%")[k % 3]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    from nlp.output import answer_status

    return [r["id"] for r in rows], Counter(answer_status(r["answer"]) for r in rows)


def _units(journal: Path) -> int:
    try:
        return json.loads(journal.read_text(encoding="utf-8"))["units"]
    except (OSError, ValueError, KeyError):
        return -1


def _kill_when(journal: Path, proc: subprocess.Popen, units: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while _units(journal) < units:
        assert proc.poll() is None, "the batch finished before it could be killed"
        assert time.monotonic() < deadline, "no progress"
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _kill_and_resume(tmp_path: Path, n: int, jobs: int, kills: int = 2) -> None:
    table = tmp_path / "answers.csv"
    ids, want = _table(table, n)
    groups = _count_groups(table)
    out = tmp_path / "out.jsonl"
    args = (table, "--out", out, "--jobs", jobs, "--chunk-docs", 4, "--commit-every", 0, "--quiet")
    journal = journal_path(out)
    for k in range(1, kills + 1):
        cmd, kw = _cli(*args, *(("--resume",) if k > 1 else ()))
        proc = subprocess.Popen(cmd, start_new_session=True, **kw)
        _kill_when(journal, proc, units=groups * k // (kills + 1))
        assert not out.exists()
    cmd, kw = _cli(*args, "--resume")
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ids  # every id exactly once, in input order
    assert not [i for i, c in Counter(r["row_id"] for r in rows).items() if c > 1]
    assert Counter(r["status"] for r in rows) == want and want["empty"] and want["no_chinese"]
    reference = tmp_path / "ref.jsonl"
    cmd, kw = _cli(table, "--out", reference, "--jobs", jobs, "--quiet")
    assert subprocess.run(cmd, **kw).returncode == 0
    assert out.read_bytes() == reference.read_bytes()


def _count_groups(table: Path) -> int:
    with open(table, encoding="utf-8", newline="") as fh:
        keys = [(r["code"], r["date"]) for r in csv.DictReader(fh)]
    return sum(1 for i, k in enumerate(keys) if i == 0 or k != keys[i - 1])


def test_kill_and_resume_returns_every_id_once(tmp_path):
    _kill_and_resume(tmp_path, 1_200, jobs=2, kills=1)


@pytest.mark.slow
def test_kill_and_resume_30000_answers_returns_all_30000_ids(tmp_path):
    _kill_and_resume(tmp_path, 30_000, jobs=2, kills=2)
