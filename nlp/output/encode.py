"""Answer rows → bytes: JSONL lines, CSV records, or an Arrow IPC stream (merged into Parquet).

Rows arrive as columns (``{name: [value, ...]}``) holding only str, int, float, lists of str and
None; the bytes depend on the values only, so any process encoding the same rows writes the same
bytes. ``replace_row_ids`` re-encodes such bytes with other keys (rarely needed: see nlp.batch).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from nlp.output.schema import arrow_schema, output_columns


def _rows_of(cols: dict[str, list], names: Sequence[str]) -> Iterator[tuple]:
    return zip(*(cols[c] for c in names))


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

    schema = arrow_schema(theme_names)
    batch = pa.RecordBatch.from_arrays([_arrow_array(cols.get(f.name, []), f.type) for f in schema], schema=schema)
    return _ipc_bytes(batch)


def _ipc_bytes(batch) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as stream:
        stream.write_batch(batch)
    return sink.getvalue().to_pybytes()


def replace_row_ids(fmt: str, payload: bytes, theme_names: Sequence[str], row_ids: Sequence[str]) -> bytes:
    """``payload`` (from ``encode_rows``) with its ``row_id`` column replaced by ``row_ids``: the
    bytes ``encode_rows`` gives for the rows with those keys."""
    if fmt == "jsonl":
        lines = payload.decode("utf-8").splitlines(keepends=True)
        out = []
        for line, row_id in zip(lines, row_ids, strict=True):
            row = json.loads(line)
            row["row_id"] = row_id
            out.append(json.dumps(row, ensure_ascii=False) + "\n")
        return "".join(out).encode("utf-8")
    if fmt == "csv":  # every cell is text already: re-writing it gives the same quoting
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        records = list(csv.reader(io.StringIO(payload.decode("utf-8"), newline="")))
        for record, row_id in zip(records, row_ids, strict=True):
            writer.writerow([row_id, *record[1:]])
        return buf.getvalue().encode("utf-8")
    import pyarrow as pa

    with pa.ipc.open_stream(payload) as reader:
        table = reader.read_all()
    table = table.set_column(0, table.schema.field(0), _arrow_strings(list(row_ids)))
    return _ipc_bytes(table.combine_chunks().to_batches()[0]) if table.num_rows else payload


def csv_header(theme_names: Sequence[str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(output_columns(theme_names))
    return buf.getvalue().encode("utf-8")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return value


# ---- Arrow arrays from Python lists --------------------------------------------------------------


def _arrow_array(values: list, type_: Any) -> Any:
    """``pa.array(values, type_)`` for the row's column types, built from buffers.

    Why: pyarrow imports pandas the first time it converts a Python list (~0.4 s and ~50 MB in
    every process that writes Parquet rows), to recognise pandas' missing values. These columns hold
    only str, float, int, lists of str and None; anything else goes to ``pa.array`` (the same array).
    """
    import pyarrow as pa

    try:
        if pa.types.is_string(type_):
            return _arrow_strings(values)
        if pa.types.is_float64(type_):
            return _arrow_numbers(values, float, type_, "float64")
        if pa.types.is_int32(type_):
            return _arrow_numbers(values, int, type_, "int32")
        if pa.types.is_list(type_) and pa.types.is_string(type_.value_type):
            return _arrow_lists(values, type_)
    except _NotPlain:
        pass
    return pa.array(values, type=type_)


class _NotPlain(Exception):
    """A column value ``_arrow_array`` leaves to ``pa.array``."""


def _validity(values: list) -> tuple[Any, int]:
    import numpy as np
    import pyarrow as pa

    present = [v is not None for v in values]
    nulls = len(values) - sum(present)
    if not nulls:
        return None, 0
    return pa.py_buffer(np.packbits(np.array(present, dtype=bool), bitorder="little")), nulls


def _arrow_numbers(values: list, kind: type, type_: Any, dtype: str) -> Any:
    import numpy as np
    import pyarrow as pa

    if not all(type(v) is kind or v is None for v in values):
        raise _NotPlain
    plain = [0 if v is None else v for v in values]
    if kind is int and plain and not (-2**31 <= min(plain) and max(plain) < 2**31):
        raise _NotPlain
    validity, nulls = _validity(values)
    return pa.Array.from_buffers(type_, len(values), [validity, pa.py_buffer(np.array(plain, dtype=dtype))], nulls)


def _arrow_lists(values: list, type_: Any) -> Any:
    import numpy as np
    import pyarrow as pa

    if not all(type(v) is list or v is None for v in values):
        raise _NotPlain
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum([len(v) if v is not None else 0 for v in values], out=offsets[1:])
    items = _arrow_strings([item for v in values if v is not None for item in v])
    validity, nulls = _validity(values)
    return pa.ListArray.from_buffers(type_, len(values), [validity, pa.py_buffer(offsets)], nulls, children=[items])


def _arrow_strings(values: list) -> Any:
    import numpy as np
    import pyarrow as pa

    encoded = []
    for value in values:
        if type(value) is str:
            encoded.append(value.encode("utf-8"))  # a lone surrogate raises, as in pa.array
        elif value is None:
            encoded.append(b"")
        else:
            raise _NotPlain
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    if offsets[-1] >= 2**31:  # more than int32 offsets hold: pa.array makes a chunked array
        raise _NotPlain
    validity, nulls = _validity(values)
    return pa.StringArray.from_buffers(len(values), pa.py_buffer(offsets.astype(np.int32)),
                                       pa.py_buffer(b"".join(encoded)), validity, nulls)
