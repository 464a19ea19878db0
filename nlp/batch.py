"""Batch scoring: many files and tables → one row per answer in Parquet, CSV or JSONL.

``run_batch(BatchOptions(...)) -> BatchSummary`` is what ``irtone batch`` runs:

    inputs ──iter_inputs──▶ units ──▶ pieces ──▶ chunks ──workers──▶ rows (in input order) ──▶ OUT
                                                                                  └─▶ progress file

* A **unit** is one item of ``nlp.read.iter_inputs``: a disclosure file, a whole-record table row,
  a group of answers from an answers table, or a bad file/row (an ``IrtoneError`` value).
* A **piece** is a unit, or a slice of ``SPLIT_ANSWERS`` answers of a very large answers group (an
  answers table without company/date columns is one group; slicing keeps the workers busy).
* A **chunk** is up to ``CHUNK_DOCS`` pieces or about ``CHUNK_CHARS`` characters: the unit of work
  sent to a worker process and of writing. Chunks are built from the input alone, so the rows (and
  the bytes of the output) do not depend on ``--jobs``.

Workers (``concurrent.futures.ProcessPoolExecutor``) are started as soon as the batch knows its
configuration: on Linux forked from the main process once it has loaded the tokenizer and models
(so they start at once, with everything loaded), elsewhere spawned (each loads them in its
initializer). They parse, score and *serialize* whole chunks; the main process reads inputs (a few
chunks ahead), writes bytes, merges Parquet row groups and keeps the books.

Resume after a crash or SIGKILL
-------------------------------
At a chunk that ends on a unit boundary (at most every ``COMMIT_EVERY_S`` seconds) the main
process makes the rows and errors so far durable (flush + fsync) and only then atomically replaces
the progress file ``OUT.progress.json`` (write, fsync, rename) with the counts so far: units done,
bytes of OUT (JSONL/CSV) or of ``OUT.rows.arrows`` (Parquet), bytes of the errors file. ``--resume``
truncates those files back to the committed byte counts (dropping a torn last row), skips the
units already done and goes on. Rows are a pure function of their unit, so the result is exactly
the rows of an uninterrupted run. Parquet rows are appended to ``OUT.rows.arrows`` (one
length-prefixed Arrow IPC stream per chunk) and merged into ``OUT.tmp`` as they come, in row
groups of ``ROW_GROUP_ROWS`` rows regardless of the chunk boundaries; a resume merges the
committed rows again first. When the batch completes ``OUT.tmp`` becomes OUT and the progress
and rows files are removed.

Outside ``irtone batch``: ``score_records(df)`` scores a whole-record DataFrame into the same
row layout (a pure function for Dask ``map_partitions`` / Spark ``mapInPandas``); answers frames
go through ``nlp.scorer.score_frame``.
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from nlp.records import Filing, FilingScore, IrtoneError, RawDocument, ScoredAnswer

CHUNK_DOCS = 64  # pieces per chunk: enough to amortize the IPC round trip
CHUNK_CHARS = 100_000  # or about this much text (≈ 0.2 s of scoring; a short tail when workers finish)
SPLIT_ANSWERS = 256  # answers groups larger than this are scored in slices of this size
COMMIT_EVERY_S = 1.0  # fsync and checkpoint at most this often (at a chunk boundary): fsync is not free
ROW_GROUP_ROWS = 65_536  # Parquet row group size of the merged output
READ_AHEAD = 4  # chunks in flight per worker: the main process reads ahead while workers start and score
JOURNAL_VERSION = 4  # 2: the `period` column, 3: `tone_words`, 4: Parquet rows in one file (not part files);
# an interrupted run of an older version is not resumed
FORMATS = {".parquet": "parquet", ".csv": "csv", ".jsonl": "jsonl"}

# The fixed columns of a batch row, in order; ``score_<theme>`` columns go after ``themes``.
HEAD_COLUMNS = (
    "row_id", "id", "source", "filing_id", "company", "code", "date", "period", "segment",
    "question", "answer", "tone", "tone_label", "themes",
)
TAIL_COLUMNS = ("evidence", "tone_terms", "tone_words", "model_version")


def output_columns(theme_names: Sequence[str]) -> list[str]:
    """Column names of a batch row, in order (see README: Batch output schema)."""
    return [*HEAD_COLUMNS, *(f"score_{n}" for n in theme_names), *TAIL_COLUMNS]


def output_schema(theme_names: Sequence[str]):
    """The explicit pyarrow schema of the Parquet output: types do not depend on the data."""
    import pyarrow as pa

    types = {"segment": pa.int32(), "tone": pa.float64(), "themes": pa.list_(pa.string())}
    fields = [pa.field(c, types.get(c, pa.string())) for c in HEAD_COLUMNS]
    fields += [pa.field(f"score_{n}", pa.float64()) for n in theme_names]
    fields += [pa.field(c, pa.string()) for c in TAIL_COLUMNS]
    return pa.schema(fields)


def filing_columns(
    filing: Filing, answers: Sequence[ScoredAnswer] | None, theme_names: Sequence[str], model_version: str,
    first: int = 1, scored: dict[str, list] | None = None,
) -> dict[str, list]:
    """Batch columns for ``answers``, the scored qa segments of ``filing`` (in order).

    ``row_id`` is ``<filing_id>:<n>``, n the 1-based position of the answer among the filing's qa
    segments (``first`` is that of ``answers[0]``: a slice of a large group keeps the group's
    numbering). The same answer of the same filing always gets the same key.

    ``scored``: instead of ``answers`` (None), the segments' score columns from
    ``Scorer.score_columns``, the same columns without building the records (faster; the workers'
    path when no store wants the records).
    """
    from nlp.scorer import answer_columns

    segments = filing.qa
    if answers is not None and len(segments) != len(answers):
        raise ValueError(f"{filing.source}: {len(answers)} scored answers for {len(segments)} qa segments")
    n = len(segments)
    company = filing.company or filing.name
    cols: dict[str, list] = {
        "row_id": [f"{filing.filing_id}:{first + i}" for i in range(n)],
        "id": [s.ref for s in segments],
        "source": [filing.source] * n,
        "filing_id": [filing.filing_id] * n,
        "company": [company] * n,
        "code": [filing.code] * n,
        "date": [filing.date] * n,
        "period": [filing.period] * n,
        "segment": [s.number for s in segments],
        "question": [a.question for a in answers] if answers is not None else [s.question or "" for s in segments],
        "answer": [a.answer for a in answers] if answers is not None else [s.answer or "" for s in segments],
    }
    cols.update(answer_columns(answers, theme_names, model_version) if answers is not None else scored)
    return cols


# ---- serialization (done in the workers) ----------------------------------------------------


def _rows_of(cols: dict[str, list], names: Sequence[str]) -> Iterator[list]:
    return zip(*(cols[c] for c in names))  # type: ignore[return-value]


def encode_rows(fmt: str, cols: dict[str, list], theme_names: Sequence[str]) -> bytes:
    """Rows as the bytes appended to OUT (JSONL, CSV) or an Arrow IPC stream (Parquet)."""
    names = output_columns(theme_names)
    if fmt == "jsonl":
        lines = [json.dumps(dict(zip(names, row)), ensure_ascii=False) + "\n" for row in _rows_of(cols, names)]
        return "".join(lines).encode("utf-8")
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for row in _rows_of(cols, names):
            writer.writerow([_csv_cell(v) for v in row])
        return buf.getvalue().encode("utf-8")
    import pyarrow as pa

    schema = output_schema(theme_names)
    batch = pa.RecordBatch.from_arrays([_arrow_array(cols.get(f.name, []), f.type) for f in schema], schema=schema)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as stream:
        stream.write_batch(batch)
    return sink.getvalue().to_pybytes()


def _arrow_array(values: list, type_: Any) -> Any:
    """``pa.array(values, type_)`` for the batch's column types, built from buffers.

    Why: pyarrow imports pandas the first time it converts a Python list (~0.4 s and ~50 MB in
    every process that writes Parquet rows), to recognise pandas' missing values. These columns hold
    only str, float, int, lists of str and None; anything else goes to ``pa.array`` (the same array).
    """
    import numpy as np
    import pyarrow as pa

    try:
        if pa.types.is_string(type_):
            return _arrow_strings(values)
        if pa.types.is_float64(type_) and all(type(v) is float for v in values):
            return pa.Array.from_buffers(type_, len(values), [None, pa.py_buffer(np.array(values, dtype=np.float64))])
        if (pa.types.is_int32(type_) and all(type(v) is int for v in values)
                and (not values or -2**31 <= min(values) and max(values) < 2**31)):
            return pa.Array.from_buffers(type_, len(values), [None, pa.py_buffer(np.array(values, dtype=np.int32))])
        if pa.types.is_list(type_) and pa.types.is_string(type_.value_type) and all(type(v) is list for v in values):
            offsets = np.zeros(len(values) + 1, dtype=np.int32)
            np.cumsum([len(v) for v in values], out=offsets[1:])
            items = _arrow_strings([item for v in values for item in v])
            return pa.ListArray.from_arrays(pa.Array.from_buffers(pa.int32(), len(offsets), [None, pa.py_buffer(offsets)]),
                                            items, type=type_)
    except _NotPlain:
        pass
    return pa.array(values, type=type_)


class _NotPlain(Exception):
    """A column value ``_arrow_array`` leaves to ``pa.array``."""


def _arrow_strings(values: list) -> Any:
    import numpy as np
    import pyarrow as pa

    encoded = []
    nulls = 0
    for value in values:
        if type(value) is str:
            encoded.append(value.encode("utf-8"))  # a lone surrogate raises, as in pa.array
        elif value is None:
            encoded.append(b"")
            nulls += 1
        else:
            raise _NotPlain
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    if offsets[-1] >= 2**31:  # more than int32 offsets hold: pa.array makes a chunked array
        raise _NotPlain
    validity = None
    if nulls:
        validity = pa.py_buffer(np.packbits(np.array([v is not None for v in values], dtype=bool), bitorder="little"))
    return pa.StringArray.from_buffers(len(values), pa.py_buffer(offsets.astype(np.int32)),
                                       pa.py_buffer(b"".join(encoded)), validity, nulls)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return value


def csv_header(theme_names: Sequence[str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(output_columns(theme_names))
    return buf.getvalue().encode("utf-8")


# ---- pieces and chunks ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """A unit of input (or a slice of one) on its way to a worker."""

    unit: int  # position of the unit in the input stream
    rows: int  # input rows it accounts for (progress): 1, or the answers of an answers group/slice
    chars: int
    source: str
    doc: RawDocument | None = None
    part: Filing | None = None  # a slice of a large answers group: its qa segments offset…
    offset: int = 0
    last: bool = True  # the unit's last piece
    error: str | None = None  # a bad file/row: the reason


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


def _pieces(items: Iterable[RawDocument | IrtoneError], skip: int, split_answers: int,
            whole: dict[int, Filing] | None, on_skip: Callable[[int, str], None]) -> Iterator[_Piece]:
    """Number the input units, skip the first ``skip`` (already done), slice very large answers groups."""
    from nlp.parse import parse_document

    for unit, item in enumerate(items):
        if isinstance(item, IrtoneError):
            if unit < skip:
                on_skip(unit, item.source)
                continue
            yield _Piece(unit, 1, 0, item.source, error=item.reason)
            continue
        pairs = item.meta.get("pairs") if item.meta else None
        if unit < skip:
            on_skip(unit, item.source)
            continue
        if pairs is None:
            yield _Piece(unit, 1, len(item.text), item.source, doc=item)
            continue
        chars = sum(len(str(p.get("question") or "")) + len(str(p.get("answer") or "")) for p in pairs)
        if len(pairs) <= split_answers:
            yield _Piece(unit, len(pairs), chars, item.source, doc=item)
            continue
        try:
            filing = parse_document(item)
        except IrtoneError as err:
            yield _Piece(unit, len(pairs), chars, item.source, error=err.reason)
            continue
        except Exception as err:  # as in the workers: one bad input must not end the batch
            yield _Piece(unit, len(pairs), chars, item.source,
                         error=f"unexpected {type(err).__name__} while parsing: {_one_line(err)}")
            continue
        if whole is not None:
            whole[unit] = filing
        qa = filing.qa
        for lo in range(0, len(qa), split_answers):
            part = qa[lo : lo + split_answers]
            yield _Piece(
                unit, len(part), sum(len(s.question) + len(s.answer) for s in part), item.source,
                part=replace(filing, segments=part), offset=lo, last=lo + split_answers >= len(qa),
            )


def _chunks(pieces: Iterable[_Piece], max_docs: int, max_chars: int) -> Iterator[list[_Piece]]:
    chunk: list[_Piece] = []
    chars = 0
    for piece in pieces:
        chunk.append(piece)
        chars += piece.chars
        if len(chunk) >= max_docs or chars >= max_chars:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


# ---- the worker side --------------------------------------------------------------------------


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
    """Parse, score and serialize one chunk. Bad documents become errors; the chunk goes on."""
    from nlp.parse import parse_document

    scorer = config.scorer()
    names = tuple(scorer.theme_names)
    version = scorer.model_version
    merged: dict[str, list] = {c: [] for c in output_columns(names)}
    errors: list[tuple[str, str]] = []
    scores: list[FilingScore] = []
    slices: list[tuple[int, tuple[ScoredAnswer, ...]]] = []
    documents = rows = 0
    for piece in pieces:
        if piece.error is not None:
            errors.append((piece.source, piece.error))
            continue
        try:
            if piece.part is not None:
                part = piece.part
                if config.keep_scores:
                    qa = part.segments
                    answers = tuple(scorer.score_many([s.question for s in qa], [s.answer for s in qa],
                                                      [s.number for s in qa]))
                    cols = filing_columns(part, answers, names, version, first=piece.offset + 1)
                    slices.append((piece.unit, answers))
                else:
                    cols = filing_columns(part, None, names, version, first=piece.offset + 1,
                                          scored=_score_columns(scorer, part))
                documents += piece.last
            else:
                assert piece.doc is not None
                filing = parse_document(piece.doc)
                if not filing.qa:  # logged, so that "no Q&A" differs from "lost" in a panel
                    errors.append((piece.source, NO_QA_REASON))
                    continue
                if config.keep_scores:
                    score = scorer.score_filing(filing)
                    cols = filing_columns(filing, score.answers, names, version)
                    scores.append(score)
                else:  # no store: the rows need no ScoredAnswer records
                    cols = filing_columns(filing, None, names, version, scored=_score_columns(scorer, filing))
                documents += 1
        except IrtoneError as err:
            errors.append((err.source, err.reason))
            continue
        except Exception as err:  # one document must not take the batch (and what it scored) down
            errors.append((piece.source, f"unexpected {type(err).__name__} while scoring: {_one_line(err)}"))
            continue
        for c, values in cols.items():
            merged[c].extend(values)
        rows += len(cols["row_id"])
    payload = encode_rows(config.fmt, merged, names) if rows else b""
    return _ChunkResult(payload, rows, documents, errors, scores, slices, names, version)


NO_QA_REASON = "no question-answer pairs found (a stub, a presentation-only record or not an IR record): nothing scored"


def _score_columns(scorer, filing: Filing) -> dict[str, list]:
    qa = filing.qa
    return scorer.score_columns([s.question for s in qa], [s.answer for s in qa])


def _one_line(err: BaseException, limit: int = 200) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- durable output ---------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class _AppendFile:
    """A file appended to chunk by chunk; ``commit()`` makes it durable and returns its size."""

    def __init__(self, path: Path, committed: int | None, header: bytes = b""):
        self.path = path
        if committed is None:  # a fresh run
            self.fh = open(path, "wb")
            self.fh.write(header)
        else:
            try:
                self.fh = open(path, "r+b")
            except FileNotFoundError:
                raise IrtoneError(path, "cannot resume: the file is gone; rerun without --resume") from None
            size = self.fh.seek(0, os.SEEK_END)
            if size < committed:
                self.fh.close()
                raise IrtoneError(path, f"cannot resume: {size} bytes, but {committed} were committed; "
                                        "rerun without --resume")
            self.fh.truncate(committed)  # drop rows written after the last commit (a torn row, too)
            self.fh.seek(committed)

    def write(self, data: bytes) -> None:
        if data:
            self.fh.write(data)

    def commit(self) -> int:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        return self.fh.tell()

    def close(self) -> None:
        self.fh.close()


class _ParquetOut:
    """Parquet output. Each chunk's rows (an Arrow IPC stream) are appended, length-prefixed, to one
    file ``OUT.rows.arrows`` that commits like a JSONL output (fsync, byte count; what a resume
    starts from), and merged into ``OUT.tmp`` as they come: a row group is written as soon as its
    rows are in, so ``finish`` only writes the last one and renames the file to OUT."""

    def __init__(self, out: Path, committed: int | None, theme_names: Sequence[str]):
        self.out = out
        self.tmp = out.with_name(out.name + ".tmp")
        self.rows = out.with_name(out.name + ".rows.arrows")
        self.theme_names = tuple(theme_names)
        old_parts = out.with_name(out.name + ".parts")  # an older irtone's part files
        if old_parts.is_dir():
            shutil.rmtree(old_parts)
        self.merger: _Merger | None = None
        self.log = _AppendFile(self.rows, committed)
        if committed:  # the rows an interrupted run committed go first
            try:
                with open(self.rows, "rb") as fh:
                    data = fh.read(committed)
                at = 0
                while at < len(data):
                    size = int.from_bytes(data[at : at + 8], "little")
                    self._merge(data[at + 8 : at + 8 + size])
                    at += 8 + size
            except BaseException:
                self.close()
                raise

    def _merge(self, data: bytes) -> None:
        if self.merger is None:
            self.merger = _Merger(self.tmp, output_schema(self.theme_names))
        self.merger.add(data)

    def write(self, data: bytes) -> None:
        if not data:
            return
        self.log.write(len(data).to_bytes(8, "little"))
        self.log.write(data)
        self._merge(data)

    def commit(self) -> int:
        return self.log.commit()

    def finish(self) -> None:
        """Write the last row group and the footer, rename ``OUT.tmp`` to OUT, drop the rows file."""
        if self.merger is None:  # no rows: a file with the schema and no row groups
            self.merger = _Merger(self.tmp, output_schema(self.theme_names))
        self.merger.close()
        self.merger = None
        with open(self.tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(self.tmp, self.out)
        _fsync_dir(self.out.parent)
        self.log.close()
        self.rows.unlink()

    def close(self) -> None:
        if self.merger is not None:  # an unfinished batch: its rows file stays for --resume
            self.merger.abandon()
            self.merger = None
        self.log.close()


class _Merger:
    """Arrow IPC streams, in order → one Parquet file, in row groups of ``ROW_GROUP_ROWS`` rows
    whatever the streams' sizes (the bytes depend only on the rows)."""

    def __init__(self, path: Path, schema):
        import pyarrow.parquet as pq

        self.path = path
        self.writer = pq.ParquetWriter(path, schema, compression="zstd")
        self.pending: list = []
        self.held = 0

    def add(self, data: bytes) -> None:
        import pyarrow as pa

        with pa.ipc.open_stream(data) as reader:
            table = reader.read_all()
        self.pending.append(table)
        self.held += table.num_rows
        if self.held >= ROW_GROUP_ROWS:
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        import pyarrow as pa

        if not self.pending:
            return
        table = pa.concat_tables(self.pending).combine_chunks()
        cut = self.held if final else (self.held // ROW_GROUP_ROWS) * ROW_GROUP_ROWS
        for lo in range(0, cut, ROW_GROUP_ROWS):
            self.writer.write_table(table.slice(lo, min(ROW_GROUP_ROWS, cut - lo)), row_group_size=ROW_GROUP_ROWS)
        rest = table.slice(cut)
        self.pending, self.held = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self) -> None:
        self._flush(final=True)
        self.writer.close()

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


class _ErrorLog:
    """Bad files and rows: JSONL (``{"source", "reason"}``) for a ``.jsonl`` name, else TSV."""

    def __init__(self, path: Path | None, committed: int | None):
        self.path = path
        self.jsonl = path is not None and path.name.lower().endswith(".jsonl")
        header = b"" if self.jsonl else b"source\treason\n"
        self.file = _AppendFile(path, committed, header) if path is not None else None

    def write(self, errors: Sequence[tuple[str, str]]) -> None:
        if self.file is None or not errors:
            return
        if self.jsonl:
            text = "".join(json.dumps({"source": s, "reason": r}, ensure_ascii=False) + "\n" for s, r in errors)
        else:
            text = "".join(f"{_tsv(s)}\t{_tsv(r)}\n" for s, r in errors)
        self.file.write(text.encode("utf-8"))

    def commit(self) -> int:
        return self.file.commit() if self.file is not None else 0

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _tsv(text: str) -> str:
    return " ".join(str(text).replace("\t", " ").split())


# ---- the progress journal ---------------------------------------------------------------------


def journal_path(out: str | Path) -> Path:
    out = Path(out)
    return out.with_name(out.name + ".progress.json")


def _read_journal(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise IrtoneError(path, f"progress file is unreadable ({_one_line(err)}); rerun without --resume") from None
    if not isinstance(data, dict) or data.get("version") != JOURNAL_VERSION:
        raise IrtoneError(path, "progress file is from another irtone version; rerun without --resume")
    return data


# ---- the batch --------------------------------------------------------------------------------


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
    errors: int  # bad files, rows and documents (logged), including those with no Q&A
    seconds: float
    out: str
    resumed_units: int = 0  # units skipped because an interrupted run had done them
    first_errors: tuple[tuple[str, str], ...] = ()  # the first few, for the terminal
    note: str = ""
    no_qa: int = 0  # of ``errors``: documents read fine that hold no question-answer pair (NO_QA_REASON)

    def line(self) -> str:
        if self.note:
            return f"{self.out}: {self.note}"
        resumed = f" (resumed after {self.resumed_units} inputs)" if self.resumed_units else ""
        # a record with no Q&A (a stub, a presentation) is logged, but it is not a broken input
        logged = (f"{self.errors - self.no_qa} errors, {self.no_qa} without Q&A" if self.no_qa
                  else f"{self.errors} errors")
        return (f"{self.documents} documents, {self.answers} answers, {logged} "
                f"in {self.seconds:.1f} s → {self.out}{resumed}")


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


def output_format(out: str | Path) -> str:
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        raise IrtoneError(out, f"unsupported output format {suffix or '(none)'}; use .parquet, .csv or .jsonl")
    return FORMATS[suffix]


def run_batch(options: BatchOptions, progress: BatchProgress | None = None) -> BatchSummary:
    """Score ``options.inputs`` into ``options.out`` (see the module docstring).

    With ``jobs > 1`` workers are forked (Linux, no other thread running) or spawned: a script
    calling this needs the usual ``if __name__ == "__main__":`` guard for the latter.
    """
    from nlp.read import iter_inputs
    from nlp.themes import load_themes

    started = time.perf_counter()
    progress = progress or BatchProgress()
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
    theme_names = tuple(t.name for t in load_themes(options.theme_files))
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
    journal = _read_journal(jpath) if options.resume else None
    if options.resume and journal is None and out.exists():
        # the progress file goes only when a batch completes
        return BatchSummary(0, 0, 0, time.perf_counter() - started, str(out),
                            note="nothing to resume: the output is complete (no progress file)")
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
                         journal["errors"], journal["last_source"], no_qa=journal.get("no_qa", 0))
        model_version = journal.get("model_version")
    resumed_units = counts.units

    config = _WorkerConfig(tuple(options.theme_files), fmt, bool(options.db), options.engine,
                           options.tone_lexicon, tuple(options.user_dicts))
    # Workers start now: their start-up overlaps the opening of the outputs and the first reads.
    workers = _Workers(config, options.jobs) if options.jobs > 1 else None
    writer: Any = None
    try:
        if fmt == "parquet":
            writer = _ParquetOut(out, journal["out"] if journal else None, theme_names)
        else:
            header = csv_header(theme_names) if fmt == "csv" else b""
            writer = _AppendFile(out, journal["out"] if journal else None, header)
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

        def commit(complete: bool = False) -> None:
            state = {**identity, "units": counts.units, "rows": counts.rows, "documents": counts.documents,
                     "answers": counts.answers, "errors": counts.errors, "no_qa": counts.no_qa,
                     "last_source": counts.last_source,
                     "model_version": model_version, "out": writer.commit(), "errors_bytes": error_log.commit(),
                     "complete": complete}
            _atomic_write(jpath, json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8"))

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
            writer.write(result.payload)
            error_log.write(result.errors)
            if store is not None:
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
            counts.rows += sum(p.rows for p in chunk)
            counts.documents += result.documents
            counts.answers += result.rows
            counts.errors += len(result.errors)
            counts.no_qa += sum(reason == NO_QA_REASON for _, reason in result.errors)
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
        if isinstance(writer, _ParquetOut):
            writer.finish()
        writer.close()
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
                        resumed_units, tuple(counts.first_errors), no_qa=counts.no_qa)


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


# ---- counting input rows for the progress bar -------------------------------------------------


def count_input_rows(paths: Iterable[str | os.PathLike[str]], stop: threading.Event | None = None) -> int:
    """Input rows in ``paths`` as the batch's progress counts them: 1 a disclosure file, 1 a table
    record or answer row. Cheap (no parsing of disclosures); used for the progress bar's total."""
    from nlp.read import walk_files

    total = 0
    for path in paths:
        path = str(path)
        files = walk_files(path) if os.path.isdir(path) else [path]
        for file in files:
            if stop is not None and stop.is_set():
                return total
            lower = file.lower()
            try:
                if lower.endswith((".jsonl", ".jsonl.gz")):
                    total += _count_lines(file)
                elif lower.endswith((".csv", ".csv.gz")):
                    total += _count_csv_records(file)
                elif lower.endswith(".parquet"):
                    import pyarrow.parquet as pq

                    total += pq.ParquetFile(file).metadata.num_rows
                else:
                    total += 1
            except Exception:  # a bad table is reported by the batch itself
                total += 1
    return total


def _open_maybe_gz(path: str):
    import gzip

    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")


def _count_lines(path: str) -> int:
    with _open_maybe_gz(path) as fh:
        return sum(1 for line in fh if line.strip())


def _count_csv_records(path: str) -> int:
    import pandas as pd

    # latin-1 decodes any byte; quotes, commas and newlines are single bytes in UTF-8 and GB18030
    # alike, so the record count is exact whatever the real encoding.
    with _open_maybe_gz(path) as fh:
        return sum(len(c) for c in pd.read_csv(fh, usecols=[0], dtype=str, encoding="latin-1", chunksize=50_000))


# ---- DataFrames -------------------------------------------------------------------------------


def score_records(df, scorer=None):
    """Whole-record DataFrame → one row per answer, in ``irtone batch``'s layout (``output_columns``).

    ``df`` has a ``content`` column (the record's text) and optionally ``doc_id, code, name,
    company, category, institutions, date``, as a whole-record table for ``irtone batch``. Pure and
    deterministic (rows depend only on their record), so it runs unchanged in Dask
    ``map_partitions`` and Spark ``mapInPandas``. A record that cannot be parsed yields no rows.
    ``source`` is ``<frame>#<doc_id>`` (or ``#<index label>`` without a doc_id).
    """
    import pandas as pd

    from nlp.parse import parse_document
    from nlp.scorer import default_scorer
    from nlp.identity import normalize_code
    from nlp.read import WHOLE_RECORD_META

    scorer = scorer or default_scorer()
    names = scorer.theme_names
    version = scorer.model_version
    columns = {str(c).strip().lower(): c for c in df.columns}
    if "content" not in columns:
        raise IrtoneError("<DataFrame>", f"needs a 'content' column; found {list(df.columns)}")
    merged: dict[str, list] = {c: [] for c in output_columns(names)}
    for label, row in zip(df.index, df.itertuples(index=False, name=None)):
        values = dict(zip(columns, row))
        meta = {}
        for key in WHOLE_RECORD_META:
            value = _cell(values.get(key))
            if key == "code" and value:
                value = normalize_code(value) or ""
            if value:
                meta[key] = value
        content = values.get("content")
        text = content if isinstance(content, str) else _cell(content)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        doc = RawDocument(source=f"<frame>#{meta.get('doc_id') or label}", text=text, format="frame", meta=meta)
        try:
            score = scorer.score_filing(parse_document(doc))
        except IrtoneError:
            continue
        for c, v in filing_columns(score.filing, score.answers, names, version).items():
            merged[c].extend(v)
    frame = pd.DataFrame(merged, columns=output_columns(names))
    frame["segment"] = frame["segment"].astype("Int32")
    frame["tone"] = frame["tone"].astype("float64")
    for n in names:
        frame[f"score_{n}"] = frame[f"score_{n}"].astype("float64")
    return frame


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def score_frame_meta(df, theme_names: Sequence[str] | None = None):
    """The empty DataFrame ``nlp.scorer.score_frame(df)`` returns for ``df``'s columns (its dtypes),
    for Dask's ``meta=``. Reads only the theme definitions, not the models."""
    import pandas as pd

    if theme_names is None:
        from nlp.themes import load_themes

        theme_names = [t.name for t in load_themes()]
    text = pd.Series(["x"]).dtype  # what pandas makes of a column of str: "str" (pandas 3) or object
    meta = df.iloc[:0].copy()
    meta["tone"] = pd.Series(dtype="float64")
    meta["tone_label"] = pd.Series(dtype=text)
    meta["themes"] = pd.Series(dtype="object")  # lists of theme names
    for name in theme_names:
        meta[f"score_{name}"] = pd.Series(dtype="float64")
    for col in TAIL_COLUMNS:
        meta[col] = pd.Series(dtype=text)
    return meta


def score_frame_schema(df, theme_names: Sequence[str] | None = None):
    """The pyarrow schema of ``score_frame(df)`` (``df``'s own columns, then the scores; ``df`` may
    be the input or ``score_frame_meta(input)``), e.g. for Dask's ``to_parquet(schema=...)``, which
    cannot infer the list column ``themes`` from ``meta``."""
    import pyarrow as pa

    if theme_names is None:
        from nlp.themes import load_themes

        theme_names = [t.name for t in load_themes()]
    scored = output_schema(theme_names)
    added = ["tone", "tone_label", "themes", *(f"score_{n}" for n in theme_names), *TAIL_COLUMNS]
    given = pa.Schema.from_pandas(df.iloc[:0].drop(columns=added, errors="ignore"), preserve_index=False)
    return pa.schema([*given, *(scored.field(c) for c in added)])
