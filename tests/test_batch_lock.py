"""One writer per OUT: a second batch on the same OUT is refused (exit 2, one line) while the first
runs, and the first finishes intact; a lock left by a killed batch is taken over; OUT appears only
when complete."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_factory import write_corpus

from nlp.batch import BatchOptions, OutputLock, journal_path, lock_path, run_batch
from nlp.records import IrtoneError

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args, **popen):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [sys.executable, "-m", "nlp.cli", "batch", *map(str, args)], dict(env=env, **popen)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus"), records=120, answers=300)


def _wait_for_journal(journal: Path, proc: subprocess.Popen, units: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the batch finished before the test could stop it"
        try:
            if json.loads(journal.read_text(encoding="utf-8"))["units"] >= units:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.005)
    raise AssertionError("no progress")


# the lock does not depend on the format: JSONL in the default run, Parquet (its rows file) in the slow one
@pytest.mark.parametrize("fmt", ["jsonl", pytest.param("parquet", marks=pytest.mark.slow)])
def test_a_second_batch_on_the_same_out_is_refused_and_the_first_finishes_intact(corpus, tmp_path, fmt):
    reference = tmp_path / f"ref.{fmt}"
    run_batch(BatchOptions(tuple(map(str, corpus.inputs)), str(reference)))
    out = tmp_path / f"out.{fmt}"
    cmd, kw = _cli(*corpus.inputs, "--out", out, "--chunk-docs", 1, "--commit-every", 0, "--quiet")
    first = subprocess.Popen(cmd, **kw)
    try:
        _wait_for_journal(journal_path(out), first, units=3)
        first.send_signal(signal.SIGSTOP)  # hold it mid-run, lock taken: no race with its finishing
        assert not out.exists() and Path(f"{out}.tmp").exists()  # OUT appears only when complete
        for extra in ((), ("--resume",)):
            cmd2, kw2 = _cli(*corpus.inputs, "--out", out, *extra)
            second = subprocess.run(cmd2, capture_output=True, text=True, **kw2)
            assert second.returncode == 2
            lines = second.stderr.strip().splitlines()
            assert len(lines) == 1 and f"another irtone batch is writing it (pid {first.pid})" in lines[0], lines
    finally:
        first.send_signal(signal.SIGCONT)
    assert first.wait(timeout=120) == 0
    assert out.read_bytes() == reference.read_bytes()
    assert not lock_path(out).exists() and not journal_path(out).exists() and not Path(f"{out}.tmp").exists()


def test_a_lock_held_by_this_process_refuses_in_process_and_cli(corpus, tmp_path):
    out = tmp_path / "o.jsonl"
    with OutputLock(out):
        with pytest.raises(IrtoneError, match="another irtone batch is writing it"):
            run_batch(BatchOptions((str(corpus.inputs[1]),), str(out)))
        cmd, kw = _cli(corpus.inputs[1], "--out", out)
        done = subprocess.run(cmd, capture_output=True, text=True, **kw)
        assert done.returncode == 2 and f"(pid {os.getpid()})" in done.stderr
    assert not lock_path(out).exists() and not out.exists()
    assert run_batch(BatchOptions((str(corpus.inputs[1]),), str(out))).answers > 0


def test_a_stale_lock_file_is_taken_over_and_removed(corpus, tmp_path):
    out = tmp_path / "o.jsonl"
    lock_path(out).write_text("999999999\n", encoding="utf-8")  # left by a killed batch: nobody holds it
    summary = run_batch(BatchOptions((str(corpus.inputs[1]),), str(out)))
    assert summary.answers > 0 and out.exists() and not lock_path(out).exists()


def test_killed_after_renaming_out_resume_says_it_is_complete(corpus, tmp_path):
    """A batch killed between renaming OUT.tmp to OUT and removing its journal is complete."""
    out = tmp_path / "o.jsonl"
    run_batch(BatchOptions((str(corpus.inputs[1]),), str(out)))
    done = out.read_bytes()
    state = {"complete": True}
    from nlp.batch import JOURNAL_VERSION

    journal_path(out).write_text(json.dumps({**state, "version": JOURNAL_VERSION}), encoding="utf-8")
    summary = run_batch(BatchOptions((str(corpus.inputs[1]),), str(out), resume=True))
    assert "nothing to resume" in summary.note
    assert out.read_bytes() == done and not journal_path(out).exists()
