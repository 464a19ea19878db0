"""Throughput and memory of irtone against the research pipeline, on real briefing answers.

    python bench/throughput.py [--sample 20000] [--skip-batch | --batch-only] [--batch-repeat 3] [--corpus ../shared/corpus]

Prints one table, each figure beside its baseline and its goal (issue 14: ≥ 5× the research
pipeline, ≥ 40 % of rjieba alone). Every ratio is measured in this one run, on the same sample, one
process at a time, as the median of ``--repeat`` (3) interleaved runs (the machine is shared: absolute
numbers are noisy, ratios less so). The per-core figures are characters per CPU second of this process
(``time.process_time``: a neighbour's load weighs less than on the wall clock). Characters are the
answers' characters in every row of the table.

* research pipeline: ``jieba.lcut`` (jieba's default tokenizer, as researchers call it) and set
  lookups in the 姚加权 (2021) formal positive/negative lists → net tone. Marginal: dictionaries are
  loaded before the clock starts, as for irtone.
* irtone: ``Scorer.score_answers`` on the same answers (with their questions): tokens, theme
  features, tagger, tone lexicon with negation/degree, tone model, evidence and JSON columns.
* rjieba alone: ``rjieba.cut`` of every answer and its question, as irtone cuts them (no HMM).
* tokens: rjieba (irtone's hot path) against the jieba reference tokenizer (``Tokenizer("jieba")``,
  domain dictionary included), counted per answer.
* SnowNLP ``sentiments`` on a few hundred answers, for reference.
* ``irtone batch`` on the whole briefing corpus with --jobs 1 and --jobs 2, alternately, best of
  ``--batch-repeat`` (3) runs each (speedup; CPU seconds; peak RSS of each worker read from
  /proc/<pid>/status VmHWM while it runs; Linux), ``irtone --help`` wall time (median of 7), and
  both corpora end to end with --jobs 2. ``--batch-only`` measures just these.

Skips with a message when ../shared/corpus is absent.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
BRIEFINGS = "results_briefings_2016_2017.jsonl.gz"
RECORDS = "szse_ir_records_2012_2015.csv.gz"


def load_sample(path: Path, n: int, seed: int = 20240601) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    rows = [r for r in rows if isinstance(r.get("answer"), str) and r["answer"].strip()]
    random.Random(seed).shuffle(rows)
    return rows[:n]


def research_pipeline(answers: list[str]) -> tuple[float, list[float]]:
    """jieba.lcut + set lookups in the 姚加权 formal lists: seconds and net tones."""
    import logging

    import jieba

    from nlp.baselines import load_wordlist

    jieba.setLogLevel(logging.WARNING)
    positive = load_wordlist("yao2021_formal_positive")
    negative = load_wordlist("yao2021_formal_negative")
    jieba.lcut("预热词典")  # loads the default dictionary outside the clock
    start = time.process_time()
    tones = []
    for text in answers:
        tokens = jieba.lcut(text)
        pos = sum(1 for t in tokens if t in positive)
        neg = sum(1 for t in tokens if t in negative)
        tones.append((pos - neg) / (pos + neg) if pos + neg else 0.0)
    return time.process_time() - start, tones


def irtone_pipeline(rows: list[dict]) -> float:
    import pandas as pd

    from nlp.scorer import Scorer

    frame = pd.DataFrame({"question": [r.get("question") or "" for r in rows], "answer": [r["answer"] for r in rows]})
    scorer = Scorer()
    scorer.model_version  # noqa: B018 - load tokenizer and models outside the clock
    scorer.score_answers(frame.head(50))  # and warm the caches a first call fills
    scorer.tokenizer.tie_breaker()  # built once, at the first possible exact tie (~0.7 s): not a marginal cost
    start = time.process_time()
    scorer.score_answers(frame)
    return time.process_time() - start


def rjieba_alone(rows: list[dict]) -> float:
    """rjieba's cut (no HMM, as irtone cuts) of every answer and its question: the tokenizer's own rate."""
    import rjieba

    answers = [r["answer"] for r in rows]
    questions = [r.get("question") or "" for r in rows]
    rjieba.cut("预热词典", False)
    start = time.process_time()
    for text in answers:
        rjieba.cut(text, False)
    for text in questions:
        rjieba.cut(text, False)
    return time.process_time() - start


def identical_tokens(answers: list[str]) -> tuple[int, int]:
    """Answers whose irtone tokens equal the reference's, and answers the tie guard re-cut by jieba."""
    from nlp.tokens import Tokenizer

    fast, reference = Tokenizer("rjieba"), Tokenizer("jieba")
    _, raw, ties = fast._load()
    recut = sum(not ties.isdisjoint(zip(t, t[1:])) for t in (raw.cut(a, False) for a in answers))
    return sum(fast.cut(a) == reference.cut(a) for a in answers), recut


def snownlp_rate(answers: list[str]) -> float:
    from snownlp import SnowNLP

    SnowNLP("预热").sentiments
    start = time.process_time()
    for a in answers:
        SnowNLP(a).sentiments
    return sum(map(len, answers)) / (time.process_time() - start)


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def run_batch_cli(inputs: list[Path], out: Path, jobs: int) -> tuple[float, float, dict[int, float], float, str]:
    """Wall seconds, CPU seconds (all processes), peak RSS (MB) of each worker and of the main process,
    and the summary line."""
    import resource

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "nlp.cli", "batch", *map(str, inputs), "--out", str(out), "--jobs", str(jobs)]

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    workers: dict[int, float] = {}
    main_peak = 0.0
    while proc.poll() is None:
        for child in _children(proc.pid):
            if "resource_tracker" in _cmdline(child):
                continue
            peak = _vm_hwm_mb(child)
            if peak:
                workers[child] = max(workers.get(child, 0.0), peak)
        main_peak = max(main_peak, _vm_hwm_mb(proc.pid) or 0.0)
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the batch and its (reaped) workers
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"irtone batch failed ({proc.returncode}): {stderr}")
    return seconds, cpu, workers, main_peak, stderr.strip().splitlines()[-1]


def help_seconds(runs: int = 7) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nlp.cli", "--help"], env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_core(args: argparse.Namespace, briefings: Path, table: list) -> tuple[int, dict[str, float]]:
    rows = load_sample(briefings, args.sample)
    answers = [r["answer"] for r in rows]
    chars = sum(map(len, answers))
    print(f"sample: {len(rows)} briefing answers, {chars:,} characters", flush=True)
    # interleaved repeats, medians: the machine is shared, so each ratio compares runs made side by side
    research_runs, irtone_runs, rjieba_runs = [], [], []
    for _ in range(args.repeat):
        research_runs.append(research_pipeline(answers)[0])
        irtone_runs.append(irtone_pipeline(rows))
        rjieba_runs.append(rjieba_alone(rows))
    research_s, irtone_s, rjieba_s = (statistics.median(r) for r in (research_runs, irtone_runs, rjieba_runs))
    research_rate, irtone_rate, rjieba_rate = chars / research_s, chars / irtone_s, chars / rjieba_s
    ratio, share = irtone_rate / research_rate, irtone_rate / rjieba_rate
    table.append(("research pipeline (jieba.lcut + 姚加权 sets), chars/s/core", f"{research_rate:,.0f}", "—", "—"))
    table.append(("rjieba alone (answers and questions), chars/s/core", f"{rjieba_rate:,.0f}", "—", "—"))
    table.append(("irtone whole pipeline (score_answers), chars/s/core", f"{irtone_rate:,.0f}",
                  f"{research_rate:,.0f}", f"≥ {5 * research_rate:,.0f}"))
    table.append(("  ratio irtone / research", f"{ratio:.2f}x", "1x", "≥ 5x" + ("" if ratio >= 5 else "  ✗")))
    table.append(("  irtone / rjieba alone", f"{share:.0%}", "—", "≥ 40%" + ("" if share >= 0.4 else "  ✗")))
    print(f"medians of {args.repeat}: research {research_rate:,.0f} chars/s, rjieba alone {rjieba_rate:,.0f}, "
          f"irtone {irtone_rate:,.0f} chars/s ({ratio:.2f}x research, {share:.0%} of rjieba)", flush=True)
    stages: dict[str, float] = {}
    same, recut = identical_tokens(answers)
    table.append(("token lists identical, irtone (rjieba) vs jieba reference", f"{same}/{len(answers)}", "—",
                  f"{len(answers)}/{len(answers)}" + ("" if same == len(answers) else "  ✗")))
    table.append(("  answers re-cut by jieba at a possible exact tie", f"{recut}", "—", "—"))
    snow = snownlp_rate(answers[: args.snownlp])
    table.append((f"SnowNLP sentiments ({args.snownlp} answers), chars/s/core", f"{snow:,.0f}", "—", "—"))
    help_s = help_seconds()
    table.append(("irtone --help wall time, median of 7", f"{help_s:.2f} s", "—",
                  "≤ 0.3 s" + ("" if help_s <= 0.3 else "  ✗")))
    return chars, stages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=20000, help="answers for the per-core comparison")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved runs of each per-core figure (median)")
    ap.add_argument("--snownlp", type=int, default=300, help="answers for SnowNLP")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--skip-batch", action="store_true", help="only the per-core comparison")
    ap.add_argument("--batch-only", action="store_true", help="only the irtone batch figures")
    ap.add_argument("--batch-repeat", type=int, default=3, metavar="N",
                    help="run --jobs 1 and --jobs 2 alternately N times and take the best of each (default 3)")
    args = ap.parse_args()
    briefings = args.corpus / BRIEFINGS
    if not briefings.exists():
        print(f"skipped: {briefings} not found (the shared corpus sits beside the checkout)")
        return 0

    table: list[tuple[str, str, str, str]] = []  # figure, value, baseline, goal
    stages: dict[str, float] = {}
    chars = 0
    if not args.batch_only:
        chars, stages = per_core(args, briefings, table)
    batch_figures(args, briefings, table)

    if stages:
        print_stages(stages, chars)
    print_table(table)
    return 0


def batch_figures(args: argparse.Namespace, briefings: Path, table: list) -> None:
    if not args.skip_batch:
        with tempfile.TemporaryDirectory(prefix="irtone-bench-") as tmp:
            tmp = Path(tmp)
            # --jobs 1 and --jobs 2 alternately, best of N each: on a shared machine a single run
            # measures the neighbours as much as irtone.
            runs: dict[int, list] = {1: [], 2: []}
            load = os.getloadavg()[0]
            same_bytes = True
            for _ in range(args.batch_repeat):
                for jobs in (1, 2):
                    run = run_batch_cli([briefings], tmp / f"jobs{jobs}.parquet", jobs)
                    runs[jobs].append(run)
                    load = max(load, os.getloadavg()[0])
                    print(f"--jobs {jobs}: {run[0]:.1f} s, {run[1]:.1f} CPU s  ({run[4]})", flush=True)
                same_bytes &= (tmp / "jobs1.parquet").read_bytes() == (tmp / "jobs2.parquet").read_bytes()
            one, cpu1, _, main1, line1 = min(runs[1], key=lambda r: r[0])
            two, cpu2, _, main2, line2 = min(runs[2], key=lambda r: r[0])
            workers = {pid: mb for run in runs[2] for pid, mb in run[2].items()}
            speedup = one / two
            best = f"best of {args.batch_repeat}, alternating" if args.batch_repeat > 1 else "one run"
            table.append((f"irtone batch briefings (99,715 answers) --jobs 1, s ({best})", f"{one:.1f}", "—", "—"))
            table.append(("irtone batch briefings --jobs 2, s", f"{two:.1f}", f"{one:.1f}", "—"))
            table.append(("  speedup 2 workers / 1", f"{speedup:.2f}x", "1x",
                          "≥ 1.8x" + ("" if speedup >= 1.8 else "  ✗")))
            if args.batch_repeat > 1:
                ratios = ", ".join(f"{a[0] / b[0]:.2f}x" for a, b in zip(runs[1], runs[2]))
                table.append(("  speedup of each pair of runs", ratios, "—", "—"))
            table.append(("  CPU seconds --jobs 1 / --jobs 2 (parallel overhead)", f"{cpu1:.1f} / {cpu2:.1f}", "—", "—"))
            table.append(("  speedup an idle 2-core machine allows: 2·CPU1/CPU2", f"{2 * cpu1 / cpu2:.2f}x", "—",
                          f"(highest 1-min load average, ours included: {load:.1f})"))
            table.append(("  same output bytes, --jobs 1 and 2", "yes" if same_bytes else "NO", "—", "yes"))
            peak = max(workers.values()) if workers else float("nan")
            table.append(("peak RSS per worker (--jobs 2), MB", f"{peak:.0f}", "—",
                          "≤ 250" + ("" if peak <= 250 else "  ✗")))
            table.append(("peak RSS of the main process (--jobs 2), MB", f"{main2:.0f}", "—", "—"))
            records = args.corpus / RECORDS
            if records.exists():
                both, _, _, _, line = run_batch_cli([records, briefings], tmp / "both.parquet", 2)
                print(f"both corpora: {both:.1f} s  ({line})", flush=True)
                table.append(("both corpora end to end (--jobs 2), s", f"{both:.1f}", "—",
                              "< 60" + ("" if both < 60 else "  ✗")))
                table.append(("  " + line.removeprefix("irtone batch: ").split(" → ")[0], "", "", ""))



def print_stages(stages: dict[str, float], chars: int) -> None:
    print("\nwhere irtone's time goes (same sample, one core):")
    total = stages.pop("total")
    for name, seconds in stages.items():
        print(f"  {name:<55} {seconds:6.2f} s  {100 * seconds / total:4.0f} %  {chars / seconds:>12,.0f} chars/s")
    print(f"  {'total (score_answers)':<55} {total:6.2f} s  100 %  {chars / total:>12,.0f} chars/s")


def print_table(table: list) -> None:
    width = max((len(r[0]) for r in table), default=6)
    print()
    print(f"| {'figure':<{width}} | value | baseline | goal |")
    print(f"| {'-' * width} | ---: | ---: | --- |")
    for figure, value, baseline, goal in table:
        print(f"| {figure:<{width}} | {value} | {baseline} | {goal} |")
    print(f"\n(python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end)")


if __name__ == "__main__":
    raise SystemExit(main())
