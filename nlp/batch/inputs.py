"""Inputs → pieces → chunks: the units of work of a batch, numbered from the input alone.

A **unit** is one item of ``nlp.read.iter_inputs``: a disclosure file, a whole-record table row,
a group of answers from an answers table, or a bad file/row (an ``IrtoneError`` value). A **piece**
is a unit, or a slice of ``split_answers`` answers of a very large answers group. A **chunk** is up
to ``max_docs`` pieces or about ``max_chars`` characters: what a worker scores at once and the
batch writes at once. Chunks depend on the input only, so the output does not depend on ``--jobs``.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from nlp.records import Filing, IrtoneError, RawDocument


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

    @property
    def doc_id(self) -> str | None:
        """The whole-record table's id of the record (None for files and answers tables)."""
        meta = self.doc.meta if self.doc is not None else None
        return meta.get("doc_id") if meta and meta.get("pairs") is None else None


def answer_ids(doc: RawDocument) -> list[str]:
    """The ids of an answers group's rows (their id column, else their row numbers)."""
    return [str(p.get("id")) for p in doc.meta.get("pairs") or ()]


def table_of(source: str) -> str:
    """The table path of a table row's or answers group's source (``path#row`` → ``path``)."""
    return source.rsplit("#", 1)[0]


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
            yield _Piece(unit, len(pairs), chars, item.source, doc=item, error=err.reason)
            continue
        except Exception as err:  # as in the workers: one bad input must not end the batch
            yield _Piece(unit, len(pairs), chars, item.source, doc=item,
                         error=f"unexpected {type(err).__name__} while parsing: {one_line(err)}")
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


def one_line(err: BaseException, limit: int = 200) -> str:
    """An exception as one line of at most ``limit`` characters (for the error log)."""
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
