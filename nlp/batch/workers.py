"""The worker side of a batch: parse, score and serialize whole chunks, in worker processes.

Workers (``concurrent.futures.ProcessPoolExecutor``) are started as soon as the batch knows its
configuration: on Linux forked from the main process once it has loaded the tokenizer and models
(so they start at once, with everything loaded), elsewhere spawned (each loads them in its
initializer). ``_map_ordered`` hands them chunks, a few ahead, and gives the results back in
input order.

A piece that cannot be scored never takes the chunk down: its answers (when it was read and
parsed) become rows of status ``error`` with null scores, and the reason goes to the error log,
naming each answer of an answers table by its ``id``.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nlp.batch.inputs import _Piece, answer_ids, one_line, table_of
from nlp.batch.rows import filing_columns
from nlp.output import encode_rows, output_columns
from nlp.records import Filing, FilingScore, IrtoneError, ScoredAnswer

READ_AHEAD = 4  # chunks in flight per worker: the main process reads ahead while workers start and score
NO_QA_REASON = "no question-answer pairs found (a stub, a presentation-only record or not an IR record): nothing scored"


@dataclass
class _ChunkResult:
    payload: bytes
    rows: int
    documents: int
    errors: list[tuple[str, str]]
    scores: list[FilingScore]  # complete filings (only with a store)
    slices: list[tuple[int, tuple[ScoredAnswer, ...]]]  # (unit, answers) of sliced groups (only with a store)
    theme_names: tuple[str, ...]
    model_version: str
    row_ids: list[str]  # the rows' keys as the workers made them (the batch makes them unique)
    statuses: dict[str, int]  # rows by status


@dataclass(frozen=True)
class _WorkerConfig:
    theme_files: tuple[str, ...]
    fmt: str
    keep_scores: bool
    engine: str = "auto"
    tone_lexicon: str | None = None
    user_dicts: tuple[str, ...] = ()

    def scorer(self):
        return _worker_scorer(self.theme_files, self.engine, self.tone_lexicon, self.user_dicts)


@lru_cache(maxsize=2)
def _worker_scorer(theme_files: tuple[str, ...], engine: str, tone_lexicon: str | None = None,
                   user_dicts: tuple[str, ...] = ()):
    """One Scorer per process and configuration, loaded once (models are read-only afterwards)."""
    from nlp.scorer import Scorer

    scorer = Scorer(theme_files=theme_files, tone_lexicon=tone_lexicon, user_dicts=user_dicts, engine=engine)
    scorer.model_version  # noqa: B018 - loads tokenizer, themes, lexicon and models now
    return scorer


def _warm_up(config: _WorkerConfig) -> None:
    """Import what scoring a chunk needs (done before forking, so the workers inherit it)."""
    import nlp.parse  # noqa: F401

    if config.fmt == "parquet":
        import pyarrow.ipc  # noqa: F401


def _init_worker(config: _WorkerConfig) -> None:
    parent = os.getppid()

    def watch_parent() -> None:
        # A SIGKILLed batch cannot stop its workers; they notice the orphaning and exit.
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch_parent, daemon=True, name="irtone-parent-watch").start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's to handle, not each worker's
    config.scorer()

def _score_chunk(config: _WorkerConfig, pieces: Sequence[_Piece]) -> _ChunkResult:
    """Parse, score and serialize one chunk. A bad piece becomes errors (and ``error`` rows).

    The chunk's answers are scored together, one batch for the scoring core (the same scores as piece by
    piece: a row's scores never depend on the rows beside it); when that fails, piece by piece, so that
    only the piece at fault becomes ``error`` rows."""
    scorer = config.scorer()
    names = tuple(scorer.theme_names)
    version = scorer.model_version
    merged: dict[str, list] = {c: [] for c in output_columns(names)}
    errors: list[tuple[str, str]] = []
    scores: list[FilingScore] = []
    slices: list[tuple[int, tuple[ScoredAnswer, ...]]] = []
    documents = 0
    parsed: list[tuple[_Piece, Filing]] = []
    for piece in pieces:
        if piece.error is not None:
            errors.extend(_logged(piece, piece.error))
            continue
        try:
            filing = piece.part if piece.part is not None else _parse(piece)
        except Exception as err:  # one document must not take the batch (and what it scored) down
            errors.extend(_logged(piece, *_reason(err, "parsing", piece)))
            continue
        if not filing.qa:  # logged, so that "no Q&A" differs from "lost"; stored, so the panel lists it
            errors.append((piece.source, NO_QA_REASON))
            if config.keep_scores:
                scores.append(scorer.score_filing(filing))
            continue
        parsed.append((piece, filing))
    for (piece, filing), result in zip(parsed, _scored_pieces(config, scorer, parsed, names, version)):
        if isinstance(result, Exception):
            errors.extend(_logged(piece, *_reason(result, "scoring", piece)))
            cols = filing_columns(filing, None, names, version, first=piece.offset + 1, doc_id=piece.doc_id,
                                  failed=True)
        else:
            cols, score, answers = result
            if score is not None:
                scores.append(score)
            if answers is not None:
                slices.append((piece.unit, answers))
            documents += piece.last
        for c, values in cols.items():
            merged[c].extend(values)
    rows = len(merged["row_id"])
    payload = encode_rows(config.fmt, merged, names) if rows else b""
    return _ChunkResult(payload, rows, documents, errors, scores, slices, names, version, merged["row_id"],
                        dict(Counter(merged["status"])))


def _reason(err: Exception, stage: str, piece: _Piece) -> tuple[str, str]:
    if isinstance(err, IrtoneError):
        return err.reason, err.source
    return f"unexpected {type(err).__name__} while {stage}: {one_line(err)}", piece.source


def _parse(piece: _Piece) -> Filing:
    from nlp.parse import parse_document

    assert piece.doc is not None
    return parse_document(piece.doc)


def _scored_pieces(config: _WorkerConfig, scorer, parsed: list[tuple[_Piece, Filing]], names: tuple[str, ...],
                   version: str) -> list:
    """Per piece: (its rows' columns, its FilingScore or None, its sliced answers or None), or the
    exception that scoring it raised."""
    try:
        return _score_together(config, scorer, parsed, names, version)
    except Exception as err:
        if len(parsed) == 1:
            return [err]
    out: list = []
    for one in parsed:  # find the piece at fault; the others keep their scores
        try:
            out.extend(_score_together(config, scorer, [one], names, version))
        except Exception as err:
            out.append(err)
    return out


def _score_together(config: _WorkerConfig, scorer, parsed: list[tuple[_Piece, Filing]], names: tuple[str, ...],
                    version: str) -> list:
    from nlp.filing import aggregate

    # a sliced group's piece is scored with every segment when its records are kept (as the store wants them)
    segments = [filing.segments if config.keep_scores and piece.part is not None else filing.qa
                for piece, filing in parsed]
    qa = [s for segs in segments for s in segs]
    if config.keep_scores:
        answers = scorer.score_many([s.question for s in qa], [s.answer for s in qa], [s.number for s in qa])
    else:  # no store: the rows need no ScoredAnswer records
        columns = scorer.score_columns([s.question for s in qa], [s.answer for s in qa])
    out, start = [], 0
    for (piece, filing), segs in zip(parsed, segments):
        end = start + len(segs)
        if not config.keep_scores:
            scored = {c: values[start:end] for c, values in columns.items()}
            out.append((filing_columns(filing, None, names, version, first=piece.offset + 1, doc_id=piece.doc_id,
                                       scored=scored), None, None))
        elif piece.part is not None:
            mine = tuple(answers[start:end])
            out.append((filing_columns(filing, mine, names, version, first=piece.offset + 1), None, mine))
        else:
            score = aggregate(filing, answers[start:end], scorer.theme_names, scorer.model_version)
            out.append((filing_columns(filing, score.answers, names, version, doc_id=piece.doc_id), score, None))
        start = end
    return out


def _logged(piece: _Piece, reason: str, source: str | None = None) -> list[tuple[str, str]]:
    """Error-log lines for a piece that failed: one per answer of an answers table, named by its id
    (``table#id=A17``); else one naming the file or row."""
    if piece.part is not None:
        ids = [str(s.ref) for s in piece.part.qa]
    elif piece.doc is not None and piece.doc.meta.get("pairs") is not None:
        ids = answer_ids(piece.doc)
    else:
        return [(source or piece.source, reason)]
    table = table_of(piece.source)
    return [(f"{table}#id={i}", reason) for i in ids]


def _ready() -> int:
    """A no-op task: submitting one per worker makes the pool start them all at once."""
    return os.getpid()


def _can_fork() -> bool:
    """Fork workers only where it is safe: Linux, and no other thread in this process (a thread
    holding a lock while we fork would leave the lock held forever in the child)."""
    import multiprocessing

    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class _Workers:
    """``jobs`` worker processes, started as soon as the batch knows its configuration.

    On Linux (with no other thread running) this process loads the tokenizer and models once and
    *forks* the workers: they start at once with everything loaded, instead of each starting an
    interpreter and loading it all again (~1 s of CPU each). Elsewhere they are spawned, and their
    start-up overlaps the main process's own. Either way a worker's parent is this process, so a
    worker can tell when the batch was killed (not forkserver: its workers are children of the fork
    server, which outlives us).
    """

    def __init__(self, config: _WorkerConfig, jobs: int, fork: bool | None = None):
        import gc
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.config = config
        self.jobs = jobs
        self.forked = _can_fork() if fork is None else fork
        context = multiprocessing.get_context("fork" if self.forked else "spawn")
        if self.forked:
            config.scorer()
            _warm_up(config)
            gc.collect()
            gc.freeze()  # what the workers inherit stays out of their garbage collections (and shared)
        self.executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                                            initargs=(config,))
        _widen_pipes(self.executor)
        try:
            # Forked workers all start at the first task; spawned ones one per task while none is
            # idle: one no-op task each.
            self.warm = [self.executor.submit(_ready) for _ in range(jobs)]
        finally:
            if self.forked:
                gc.unfreeze()
                _worker_scorer.cache_clear()  # the workers have it; this process does not score

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def _widen_pipes(executor: Any) -> None:
    """Let a worker hand over a whole chunk's rows (~0.5 MB) without waiting for the main process
    to read them, and the main process queue chunks without waiting for a worker: pipes of 1 MB
    instead of 64 kB (Linux; elsewhere, or if the pool's internals change, nothing happens)."""
    try:
        import fcntl

        for queue in (executor._result_queue, executor._call_queue):
            fcntl.fcntl(queue._reader.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
    except Exception:  # noqa: BLE001 - only a speed-up
        pass


def _map_ordered(config: _WorkerConfig, chunks: Iterable[list[_Piece]], jobs: int,
                 workers: _Workers | None = None) -> Iterator[tuple[list[_Piece], _ChunkResult]]:
    """(chunk, result) in input order; with jobs > 1, at most ``READ_AHEAD``·jobs chunks in flight."""
    if jobs <= 1:
        config.scorer()
        for chunk in chunks:
            yield chunk, _score_chunk(config, chunk)
        return
    from concurrent.futures.process import BrokenProcessPool

    own = workers is None
    if workers is None:
        workers = _Workers(config, jobs)
    executor = workers.executor
    in_flight: deque = deque()
    try:
        source = iter(chunks)
        for chunk in source:
            in_flight.append((chunk, executor.submit(_score_chunk, config, chunk)))
            if len(in_flight) >= READ_AHEAD * jobs:
                break
        while in_flight:
            chunk, future = in_flight.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                raise IrtoneError("irtone batch", "a worker process died (out of memory?); what was written is "
                                                  "kept: rerun with --resume") from None
            next_chunk = next(source, None)
            if next_chunk is not None:
                in_flight.append((next_chunk, executor.submit(_score_chunk, config, next_chunk)))
            yield chunk, result
    finally:
        if own:
            workers.close()

