"""Durable output: rows appended beside OUT, committed (fsync + byte count), renamed to OUT when done.

JSONL and CSV rows are appended to ``OUT.tmp``; Parquet rows to ``OUT.rows.arrows`` (one
length-prefixed Arrow IPC stream per chunk) and merged as they come into ``OUT.tmp``, in row groups
of ``ROW_GROUP_ROWS`` rows. ``commit()`` makes what was written durable and returns the byte count
the progress journal records; a resume truncates back to it. ``finish()`` renames ``OUT.tmp`` to
OUT, so a name never holds half an output.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from nlp.batch.journal import fsync_dir as _fsync_dir
from nlp.batch.rows import KeyBook
from nlp.output import arrow_schema, csv_header
from nlp.records import IrtoneError

ROW_GROUP_ROWS = 65_536  # Parquet row group size of the merged output


def partial_path(out: Path) -> Path:
    """Where OUT is written until it is complete."""
    return out.with_name(out.name + ".tmp")


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



class _TextOut:
    """JSONL or CSV output, appended to ``OUT.tmp`` and renamed to OUT by ``finish``."""

    def __init__(self, out: Path, fmt: str, committed: int | None, theme_names: Sequence[str],
                 keys: KeyBook | None = None):
        self.out = out
        self.tmp = partial_path(out)
        self.fmt = fmt
        self.log = _AppendFile(self.tmp, committed, csv_header(theme_names) if fmt == "csv" else b"")
        if committed and keys is not None:
            try:
                self._read_keys(keys)
            except (ValueError, KeyError, IndexError) as err:
                self.close()
                raise IrtoneError(self.tmp, f"cannot resume: a committed row is unreadable ({err}); "
                                            "rerun without --resume") from None
            except BaseException:
                self.close()
                raise

    def _read_keys(self, keys: KeyBook) -> None:
        """The committed rows' keys go into ``keys`` (a resume goes on making keys unique)."""
        self.log.fh.flush()
        with open(self.tmp, encoding="utf-8", newline="") as fh:
            if self.fmt == "jsonl":
                for line in fh:
                    keys.add(json.loads(line)["row_id"])
            else:
                records = csv.reader(fh)
                next(records, None)
                for record in records:
                    keys.add(record[0])

    def write(self, data: bytes) -> None:
        self.log.write(data)

    def commit(self) -> int:
        return self.log.commit()

    def finish(self) -> None:
        self.log.commit()
        self.log.close()
        os.replace(self.tmp, self.out)
        _fsync_dir(self.out.parent)

    def close(self) -> None:
        self.log.close()


class _ParquetOut:
    """Parquet output. Each chunk's rows (an Arrow IPC stream) are appended, length-prefixed, to one
    file ``OUT.rows.arrows`` that commits like a JSONL output (fsync, byte count; what a resume
    starts from), and merged into ``OUT.tmp`` as they come: a row group is written as soon as its
    rows are in, so ``finish`` only writes the last one and renames the file to OUT."""

    def __init__(self, out: Path, committed: int | None, theme_names: Sequence[str], keys: KeyBook | None = None):
        self.out = out
        self.tmp = partial_path(out)
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
                    table = self._merge(data[at + 8 : at + 8 + size])
                    if keys is not None:
                        for key in table.column("row_id").to_pylist():
                            keys.add(key)
                    at += 8 + size
            except BaseException:
                self.close()
                raise

    def _merge(self, data: bytes):
        if self.merger is None:
            self.merger = _Merger(self.tmp, arrow_schema(self.theme_names))
        return self.merger.add(data)

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
            self.merger = _Merger(self.tmp, arrow_schema(self.theme_names))
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

    def add(self, data: bytes):
        """Add one IPC stream's rows; returns them (a table)."""
        import pyarrow as pa

        with pa.ipc.open_stream(data) as reader:
            table = reader.read_all()
        self.pending.append(table)
        self.held += table.num_rows
        if self.held >= ROW_GROUP_ROWS:
            self._flush(final=False)
        return table

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


