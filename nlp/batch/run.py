"""``run_batch``: inputs → chunks → workers → rows in input order → OUT, with a journal to resume.

At a chunk that ends on a unit boundary (at most every ``commit_every`` seconds) the main process
makes the rows and errors so far durable and only then atomically replaces the progress journal
with the counts so far. ``--resume`` truncates the outputs back to the committed byte counts,
skips the units already done and goes on; rows are a pure function of their unit, so the result is
exactly the rows of an uninterrupted run. Keys are made unique here, in input order (``KeyBook``),
so they too do not depend on ``--jobs`` or on where a run was interrupted.
"""
from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.batch.inputs import _chunks, _pieces
from nlp.batch.journal import JOURNAL_VERSION, OutputLock, atomic_write, journal_path, read_journal
from nlp.batch.rows import KeyBook
from nlp.batch.workers import NO_QA_REASON, _map_ordered, _WorkerConfig, _Workers
from nlp.batch.writers import _ErrorLog, _ParquetOut, _TextOut, partial_path
from nlp.output import STATUSES, replace_row_ids
from nlp.records import Filing, IrtoneError, ScoredAnswer

CHUNK_DOCS = 64  # pieces per chunk: enough to amortize the IPC round trip
CHUNK_CHARS = 50_000  # or about this much text (≈ 0.25 s of scoring, ~500 answers in one call; a short tail when workers finish)
SPLIT_ANSWERS = 256  # answers groups larger than this are scored in slices of this size
COMMIT_EVERY_S = 1.0  # fsync and checkpoint at most this often (at a chunk boundary): fsync is not free
FORMATS = {".parquet": "parquet", ".csv": "csv", ".jsonl": "jsonl"}


@dataclass(frozen=True)
class BatchOptions:
    """What ``irtone batch`` was asked to do (see ``nlp/commands/batch.py`` for the flags)."""

    inputs: tuple[str, ...]
    out: str
    jobs: int = 1
    resume: bool = False
    db: str | None = None
    errors: str | None = None
    theme_files: tuple[str, ...] = ()
    tone_lexicon: str | None = None  # replaces nlp/lang/zh_ir/tone_lexicon.txt
    user_dicts: tuple[str, ...] = ()  # extra tokenizer dictionaries
    chunk_docs: int = CHUNK_DOCS
    chunk_chars: int = CHUNK_CHARS
    split_answers: int = SPLIT_ANSWERS
    engine: str = "auto"
    commit_every: float = COMMIT_EVERY_S


@dataclass(frozen=True)
class BatchSummary:
    documents: int  # inputs parsed and scored (a filing, a table record or an answers group)
    answers: int  # rows written
    errors: int  # lines of the error log: bad files, rows and documents, records with no Q&A
    seconds: float
    out: str
    resumed_units: int = 0  # units skipped because an interrupted run had done them
    first_errors: tuple[tuple[str, str], ...] = ()  # the first few, for the terminal
    note: str = ""
    no_qa: int = 0  # of ``errors``: documents read fine that hold no question-answer pair (NO_QA_REASON)
    statuses: dict[str, int] = field(default_factory=dict)  # rows written, by status

    def line(self) -> str:
        if self.note:
            return f"{self.out}: {self.note}"
        resumed = f" (resumed after {self.resumed_units} inputs)" if self.resumed_units else ""
        # a record with no Q&A (a stub, a presentation) is logged, but it is not a broken input
        logged = (f"{self.errors - self.no_qa} errors, {self.no_qa} without Q&A" if self.no_qa
                  else f"{self.errors} errors")
        flagged = ", ".join(f"{self.statuses[s]} {s}" for s in STATUSES[1:] if self.statuses.get(s))
        answers = f"{self.answers} answers" + (f" ({flagged})" if flagged else "")
        return f"{self.documents} documents, {answers}, {logged} in {self.seconds:.1f} s → {self.out}{resumed}"


@dataclass
class BatchProgress:
    """Callbacks the terminal front end gets; all optional."""

    start: Callable[[int], None] = lambda done_rows: None  # input rows already done (resume)
    total: Callable[[int], None] = lambda rows: None  # input rows in all inputs, when known
    advance: Callable[[int, int, int, int], None] = lambda rows, documents, answers, errors: None


@dataclass
class _Counts:
    units: int = 0
    rows: int = 0  # input rows (progress)
    documents: int = 0
    answers: int = 0
    errors: int = 0
    last_source: str | None = None
    first_errors: list = field(default_factory=list)
    no_qa: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def output_format(out: str | Path) -> str:
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        raise IrtoneError(out, f"unsupported output format {suffix or '(none)'}; use .parquet, .csv or .jsonl")
    return FORMATS[suffix]


def run_batch(options: BatchOptions, progress: BatchProgress | None = None) -> BatchSummary:
    """Score ``options.inputs`` into ``options.out`` (see ``nlp.batch``).

    Only one batch writes an OUT at a time: another one running on it is an ``IrtoneError``.
    With ``jobs > 1`` workers are forked (Linux, no other thread running) or spawned: a script
    calling this needs the usual ``if __name__ == "__main__":`` guard for the latter.
    """
    started = time.perf_counter()
    out = Path(options.out)
    fmt = output_format(out)
    if not out.parent.is_dir():
        raise IrtoneError(out, "output folder does not exist")
    errors_path = Path(options.errors) if options.errors else None
    if errors_path is not None and errors_path.resolve() == out.resolve():
        raise IrtoneError(errors_path, "the errors file must not be the output file")
    for written in (out, errors_path):  # both are committed (fsync) and truncated on resume: files only
        if written is not None and written.exists() and not written.is_file():
            raise IrtoneError(written, "not a regular file (a device or pipe cannot be committed or resumed); "
                                       "give a file path")
    for written in (out, errors_path):
        if written is not None:
            _check_not_an_input(written, options.inputs)
    with OutputLock(out):
        return _run_locked(options, progress or BatchProgress(), out, fmt, errors_path, started)


def _run_locked(options: BatchOptions, progress: BatchProgress, out: Path, fmt: str, errors_path: Path | None,
                started: float) -> BatchSummary:
    from nlp.read import iter_inputs
    from nlp.themes import load_themes

    themes = load_themes(options.theme_files)
    theme_names = tuple(t.name for t in themes)
    identity = {
        "version": JOURNAL_VERSION,
        "format": fmt,
        "inputs": [str(p) for p in options.inputs],  # as given: they are the rows' `source`
        "inputs_resolved": [str(Path(p).resolve()) for p in options.inputs],
        "theme_files": [str(Path(p).resolve()) for p in options.theme_files],
        "theme_names": list(theme_names),
        "tone_lexicon": str(Path(options.tone_lexicon).resolve()) if options.tone_lexicon else None,
        "user_dicts": [str(Path(p).resolve()) for p in options.user_dicts] or None,  # None: as journals before it
        "errors_file": str(errors_path.resolve()) if errors_path else None,
        "split_answers": options.split_answers,
    }
    jpath = journal_path(out)
    journal = read_journal(jpath) if options.resume else None
    finished = "nothing to resume: the output is complete (no progress file)"
    if options.resume and journal is None and out.exists():
        # the progress file goes only when a batch completes
        return BatchSummary(0, 0, 0, time.perf_counter() - started, str(out), note=finished)
    if journal is not None and journal.get("complete") and out.exists() and not partial_path(out).exists():
        jpath.unlink()  # killed after renaming OUT, before removing the journal: it is done
        return BatchSummary(0, 0, 0, time.perf_counter() - started, str(out), note=finished)
    if journal is not None:
        changed = list(dict.fromkeys(k.removesuffix("_resolved") for k, v in identity.items() if journal.get(k) != v))
        if changed:
            raise IrtoneError(jpath, f"cannot resume: {', '.join(changed)} differ from the interrupted run; "
                                     "rerun without --resume")
    elif jpath.exists():
        jpath.unlink()  # a fresh run replaces an interrupted one

    counts = _Counts()
    model_version = None
    if journal is not None:
        counts = _Counts(journal["units"], journal["rows"], journal["documents"], journal["answers"],
                         journal["errors"], journal["last_source"], no_qa=journal.get("no_qa", 0),
                         statuses=dict(journal.get("statuses", {})))
        model_version = journal.get("model_version")
    resumed_units = counts.units

    config = _WorkerConfig(tuple(options.theme_files), fmt, bool(options.db), options.engine,
                           options.tone_lexicon, tuple(options.user_dicts))
    # Workers start now: their start-up overlaps the opening of the outputs and the first reads.
    workers = _Workers(config, options.jobs) if options.jobs > 1 else None
    keys = KeyBook()
    writer: Any = None
    try:
        committed = journal["out"] if journal else None
        if fmt == "parquet":
            writer = _ParquetOut(out, committed, theme_names, keys)
        else:
            writer = _TextOut(out, fmt, committed, theme_names, keys)
        error_log = _ErrorLog(errors_path, journal["errors_bytes"] if journal else None)
    except BaseException as err:
        if writer is not None:
            writer.close()
        if workers is not None:
            workers.close()
        if isinstance(err, OSError):
            raise IrtoneError(err.filename or out, f"cannot write ({err.strerror or err})") from None
        raise
    store = None
    stack = contextlib.ExitStack()
    if workers is not None:
        stack.callback(workers.close)
    try:
        if options.db:
            store = _open_store(options.db)
            # the labels a report shows for the batch's themes (a user theme file's own, 物流 for logistics)
            store.put_theme_labels({t.name: t.label for t in themes})

        def commit(complete: bool = False) -> None:
            state = {**identity, "units": counts.units, "rows": counts.rows, "documents": counts.documents,
                     "answers": counts.answers, "errors": counts.errors, "no_qa": counts.no_qa,
                     "statuses": counts.statuses, "last_source": counts.last_source,
                     "model_version": model_version, "out": writer.commit(), "errors_bytes": error_log.commit(),
                     "complete": complete}
            atomic_write(jpath, json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8"))

        if journal is None:
            commit()  # the CSV header and an empty errors file are the committed start
        progress.start(counts.rows)

        def on_skip(unit: int, source: str) -> None:
            if unit == resumed_units - 1 and source != counts.last_source:
                raise IrtoneError(jpath, f"cannot resume: input {unit + 1} is now {source}, was "
                                         f"{counts.last_source}; inputs changed, rerun without --resume")

        whole: dict[int, Filing] | None = {} if store is not None else None
        pieces = _pieces(iter_inputs(options.inputs), resumed_units, options.split_answers, whole, on_skip)
        chunks = _chunks(pieces, options.chunk_docs, options.chunk_chars)
        sliced: dict[int, list[ScoredAnswer]] = {}
        last_commit = time.monotonic()
        scored_chunks = _map_ordered(config, chunks, options.jobs, workers)
        stack.callback(scored_chunks.close)  # stop the workers now, also when the loop raises
        for chunk, result in scored_chunks:
            if model_version is None:
                model_version = result.model_version
            elif result.model_version != model_version:
                raise IrtoneError(jpath, f"cannot resume: the model changed ({model_version} → "
                                         f"{result.model_version}); rerun without --resume")
            if result.theme_names != theme_names:
                raise IrtoneError(out, "workers see other themes than the batch; this is a bug")
            unique = keys.unique(result.row_ids)
            writer.write(result.payload if unique is None else replace_row_ids(fmt, result.payload, theme_names, unique))
            error_log.write(result.errors)
            if store is not None:
                _store_chunk(store, chunk, result, whole, sliced, theme_names, model_version)
            counts.rows += sum(p.rows for p in chunk)
            counts.documents += result.documents
            counts.answers += result.rows
            counts.errors += len(result.errors)
            counts.no_qa += sum(reason == NO_QA_REASON for _, reason in result.errors)
            for status, n in result.statuses.items():
                counts.statuses[status] = counts.statuses.get(status, 0) + n
            counts.first_errors.extend(result.errors[: max(0, 20 - len(counts.first_errors))])
            last = chunk[-1]
            if last.last:  # a chunk that ends inside a sliced group is committed with the group's end
                counts.units = last.unit + 1
                counts.last_source = last.source
                if time.monotonic() - last_commit >= options.commit_every:
                    commit()
                    last_commit = time.monotonic()
            progress.advance(sum(p.rows for p in chunk), result.documents, result.rows, len(result.errors))
        commit(complete=True)
        writer.finish()
        writer = None
        jpath.unlink()
    finally:
        stack.close()
        if writer is not None:
            writer.close()
        error_log.close()
        if store is not None:
            store.close()
    return BatchSummary(counts.documents, counts.answers, counts.errors, time.perf_counter() - started, str(out),
                        resumed_units, tuple(counts.first_errors), no_qa=counts.no_qa,
                        statuses={s: counts.statuses[s] for s in STATUSES if s in counts.statuses})


def _store_chunk(store, chunk, result, whole, sliced, theme_names: Sequence[str], model_version: str) -> None:
    """Store the chunk's complete filings, and a sliced group once its last slice is in."""
    for score in result.scores:
        store.put(score)
    for unit, answers in result.slices:
        sliced.setdefault(unit, []).extend(answers)
    for piece in chunk:
        if piece.part is not None and piece.last:
            filing, answers = whole.pop(piece.unit), sliced.pop(piece.unit, [])
            if len(answers) == len(filing.qa):  # a slice that failed is in the errors
                from nlp.filing import aggregate  # (numpy: imported only with a store)

                store.put(aggregate(filing, answers, theme_names, model_version))


def _check_not_an_input(written: Path, inputs: Sequence[str]) -> None:
    """An output inside an input folder would be read back as input (a batch eating its own rows)."""
    target = written.resolve()
    for given in inputs:
        path = Path(given).resolve()
        if target == path or (path.is_dir() and path in target.parents):
            raise IrtoneError(written, f"is inside the input {given}: it would be read as input; "
                                       "write it elsewhere")


def _open_store(path: str):
    try:
        from nlp.store import Store
    except ImportError as err:
        raise IrtoneError(path, f"--db needs the store (nlp.store), which is not available ({err})") from None
    store = Store(path)
    store.open()
    return store
