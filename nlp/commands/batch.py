"""``irtone batch INPUT... --out OUT``: score many files or tables into Parquet, CSV or JSONL.

The work is done by ``nlp.batch.run_batch``; this module turns flags into ``BatchOptions`` and
draws the progress bar (stderr, only on a terminal and without ``--quiet``).
"""
from __future__ import annotations

import argparse
import os
import sys

HELP = "score many files or tables into Parquet/CSV/JSONL (and a store)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="disclosures (TXT/PDF/DOCX), folders of them (recursive) and tables "
                             "(CSV/JSONL/Parquet, also .csv.gz/.jsonl.gz) of whole records or of answers")
    parser.add_argument("--out", required=True, metavar="OUT",
                        help="output file: .parquet, .csv or .jsonl; one row per answer (README: Batch output schema)")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                        help="worker processes (default 1; 0 = one per CPU)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted batch with the same inputs and OUT")
    parser.add_argument("--db", metavar="DB", help="also store every scored filing in this SQLite store")
    parser.add_argument("--errors", metavar="FILE",
                        help="log bad files and rows here: JSONL (source, reason) for a .jsonl name, else TSV")
    parser.add_argument("--themes", action="append", default=[], metavar="FILE",
                        help="a theme file (JSON, the layout of nlp/lang/zh_ir/themes.json) added to the built-in themes; "
                             "repeatable")
    parser.add_argument("--tone-lexicon", metavar="FILE",
                        help="a tone lexicon replacing nlp/lang/zh_ir/tone_lexicon.txt (same format; start from a copy of it)")
    parser.add_argument("--user-dict", action="append", default=[], metavar="FILE",
                        help="an extra tokenizer dictionary (format of nlp/lang/zh_ir/domain_dict.txt); repeatable")
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when any input was bad (default: 0 if anything was scored; "
                             "2 when nothing was)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary line")
    # For tests and benchmarks: smaller chunks commit (and can be interrupted) more often.
    parser.add_argument("--chunk-docs", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--commit-every", type=float, default=None, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from nlp.batch import CHUNK_DOCS, COMMIT_EVERY_S, BatchOptions, run_batch
    from nlp.records import IrtoneError

    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    if args.jobs < 0:
        raise IrtoneError("--jobs", f"must be 0 or more, got {args.jobs}")
    if args.chunk_docs is not None and args.chunk_docs < 1:
        raise IrtoneError("--chunk-docs", f"must be 1 or more, got {args.chunk_docs}")
    options = BatchOptions(
        inputs=tuple(args.inputs), out=args.out, jobs=jobs, resume=args.resume, db=args.db, errors=args.errors,
        theme_files=tuple(args.themes), tone_lexicon=args.tone_lexicon, user_dicts=tuple(args.user_dict),
        chunk_docs=args.chunk_docs or CHUNK_DOCS,
        commit_every=COMMIT_EVERY_S if args.commit_every is None else args.commit_every,
    )
    show_bar = not args.quiet and sys.stderr.isatty() and sys.stdout.isatty()
    if show_bar:
        summary = _run_with_bar(options, run_batch)
    else:
        summary = run_batch(options)
    if not args.quiet:
        for source, reason in summary.first_errors[: 0 if args.errors else 10]:
            print(f"irtone batch: skipped {source}: {reason}", file=sys.stderr)
        if summary.errors > 10 and not args.errors:
            print(f"irtone batch: … and {summary.errors - 10} more bad inputs; pass --errors FILE to log them all",
                  file=sys.stderr)
        print(f"irtone batch: {summary.line()}", file=sys.stderr)
    return exit_status(summary, args.strict)


def exit_status(summary, strict: bool = False) -> int:
    """0: every input scored (or nothing left to resume); 2: nothing scored at all (every input bad, or
    none found), so a scheduled job notices; with ``--strict``, 1 when some inputs were bad."""
    if summary.note:
        return 0
    if summary.documents == 0:
        return 2
    return 1 if strict and summary.errors else 0


def _run_with_bar(options, run_batch):
    import threading

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from nlp.batch import BatchProgress, count_input_rows

    console = Console(stderr=True)
    bar = Progress(
        SpinnerColumn(),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),  # input rows: disclosures, table records, answers
        TextColumn("· {task.fields[rate]} answers/s · {task.fields[errors]} bad ·"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task("scoring", total=None, answers=0, errors=0, rate="–")
    stop = threading.Event()
    tally = {"answers": 0, "errors": 0}
    import time

    started = time.perf_counter()

    def count() -> None:
        total = count_input_rows(options.inputs, stop)
        if not stop.is_set():
            bar.update(task, total=total)

    def advance(rows: int, documents: int, answers: int, errors: int) -> None:
        tally["answers"] += answers
        tally["errors"] += errors
        rate = tally["answers"] / max(time.perf_counter() - started, 1e-9)
        bar.update(task, advance=rows, answers=tally["answers"], errors=tally["errors"], rate=f"{rate:,.0f}")

    counter = threading.Thread(target=count, daemon=True, name="irtone-count-inputs")

    def start(done: int) -> None:
        # The bar's threads start only now, once the batch has its workers: the batch forks them
        # only while it is the one thread of this process (see nlp.batch._can_fork).
        bar.start()
        counter.start()
        bar.update(task, completed=done)

    progress = BatchProgress(start=start, advance=advance)
    try:
        return run_batch(options, progress)
    finally:
        stop.set()
        bar.stop()
