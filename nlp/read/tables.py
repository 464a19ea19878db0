"""Tables: CSV, JSONL and Parquet (also gzip-compressed), streamed row by row into documents.

Whole-record tables (a ``content`` column) give one document per row; answers tables (an
``answer`` column) give one document per group of consecutive rows of one company and event.
"""
from __future__ import annotations

import codecs
import functools
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from nlp.identity import normalize_code
from nlp.read.files import check_file, one_line, read_head, sniff, table_format
from nlp.read.txt import newlines, plausibly_chinese
from nlp.records import IrtoneError, RawDocument
from nlp.text import cell_str as _cell_str

WHOLE_RECORD_META = ("doc_id", "code", "name", "company", "category", "institutions", "date")
ANSWERS_GROUP_META = ("company", "code", "date", "conference", "year")

_CHUNK_ROWS = 5000  # rows per pandas/pyarrow chunk: bounded memory on multi-GB tables
_TABLE_HEAD_BYTES = 1 << 20  # how much of a CSV decides its encoding


def iter_table(source: str, max_bytes: int) -> Iterator[RawDocument | IrtoneError]:
    check_file(source, max_bytes)
    fmt = table_format(source)
    head = read_head(source)
    kind = sniff(head)
    compressed = source.lower().endswith(".gz")
    expected = "gzip" if compressed else ("parquet" if fmt == "parquet" else "text")
    if kind != expected:
        found = {"text": "plain text"}.get(kind, kind.upper())
        want = {"gzip": "a gzip-compressed", "parquet": "a Parquet", "text": f"a {fmt.upper()} text"}[expected]
        raise IrtoneError(source, f"is not {want} file (content looks like {found})")
    if fmt == "csv":
        columns, rows, encoding = _csv_rows(source, compressed)
    elif fmt == "jsonl":
        columns, rows, encoding = _jsonl_rows(source, compressed)
    else:
        columns, rows, encoding = _parquet_rows(source)
    layout = _layout(source, columns)
    if layout == "whole":
        yield from _whole_records(source, fmt, rows, encoding)
    else:
        yield from _answer_groups(source, fmt, rows, encoding)


def _layout(source: str, columns: list[str]) -> str:
    names = set(columns)
    if "content" in names:
        return "whole"
    if "answer" in names:  # the question is context, not required (as in nlp.score_answers)
        return "answers"
    shown = ", ".join(columns[:20]) + (", ..." if len(columns) > 20 else "") or "(none)"
    raise IrtoneError(
        source,
        f"unknown table layout: columns found: {shown}; expected 'content' (whole records) "
        "or 'answer' (answers, with an optional 'question')",
    )


# What each table reader returns: lower-cased column names, then ``(row number, {column: str})``
# items or ``IrtoneError`` values, and the text encoding (None for Parquet).
_Rows = Iterator[tuple[int, dict[str, str]] | IrtoneError]
_Table = tuple[list[str], _Rows, str | None]


def _whole_records(source: str, fmt: str, rows: _Rows, encoding: str | None) -> Iterator[RawDocument | IrtoneError]:
    count = 0
    for item in rows:
        if isinstance(item, IrtoneError):
            yield item
            continue
        number, row = item
        count += 1
        meta: dict[str, Any] = {}
        for key in WHOLE_RECORD_META:
            value = row.get(key, "").strip()
            if key == "code" and value:
                value = _normalized_code(value) or ""
            if value:
                meta[key] = value
        ref = meta.get("doc_id") or str(number)
        yield RawDocument(
            source=f"{source}#{ref}", text=newlines(row.get("content", "")), format=fmt, encoding=encoding, meta=meta
        )
    if not count:
        yield IrtoneError(source, "table has no rows")


def _answer_groups(source: str, fmt: str, rows: _Rows, encoding: str | None) -> Iterator[RawDocument | IrtoneError]:
    seen = 0
    group_key: tuple[str, str] | None = None
    first = last = 0
    meta: dict[str, Any] = {}
    pairs: list[dict[str, Any]] = []

    def flush() -> RawDocument:
        span = str(first) if first == last else f"{first}-{last}"
        return RawDocument(
            source=f"{source}#{span}", text="", format=fmt, encoding=encoding, meta={**meta, "pairs": pairs}
        )

    for item in rows:
        if isinstance(item, IrtoneError):
            yield item
            continue
        number, row = item
        seen += 1
        # an empty or non-Chinese answer is an answer too: the batch writes it with its status
        values = {key: row.get(key, "").strip() for key in ANSWERS_GROUP_META}
        if values["code"]:
            values["code"] = _normalized_code(values["code"]) or ""
        key = (values["code"] or values["company"], values["date"] or values["conference"] or values["year"])
        if key != group_key:
            if pairs:
                yield flush()
            group_key, first, pairs = key, number, []
            meta = {k: v for k, v in values.items() if v}
        last = number
        pairs.append(
            {
                "id": row.get("id", "").strip() or str(number),
                "number": len(pairs) + 1,
                "question": newlines(row.get("question", "")),
                "answer": newlines(row.get("answer", "")),
            }
        )
    if pairs:
        yield flush()
    elif not seen:
        yield IrtoneError(source, "table has no rows")


@functools.lru_cache(maxsize=4096)
def _normalized_code(text: str) -> str | None:
    """``normalize_code`` of a table cell's text, remembered: a table repeats each code on many rows."""
    return normalize_code(text)


def _lower_columns(columns: Iterable[Any]) -> list[str]:
    return [str(c).strip().lower() for c in columns]


def _table_encoding(source: str, compressed: bool) -> str:
    """UTF-8 (with or without BOM) or GB18030 (Excel on Chinese Windows saves CSV as GBK)."""
    import gzip

    try:
        if compressed:
            with gzip.open(source, "rb") as fh:
                head = fh.read(_TABLE_HEAD_BYTES)
        else:
            head = read_head(source, _TABLE_HEAD_BYTES)
    except (OSError, EOFError) as err:
        raise IrtoneError(source, f"gzip data is damaged or truncated ({one_line(err)})") from None
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in head:
        raise IrtoneError(source, "is a binary file (contains NUL bytes), not CSV text")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or plausibly_chinese(text):
            return encoding
    raise IrtoneError(source, "is not text in a supported encoding (UTF-8, GB18030)")


def _csv_rows(source: str, compressed: bool) -> _Table:
    import pandas as pd

    encoding = _table_encoding(source, compressed)
    options = dict(dtype=str, keep_default_na=False, encoding=encoding, compression="gzip" if compressed else None)
    try:
        columns = _lower_columns(pd.read_csv(source, nrows=0, **options).columns)
    except pd.errors.EmptyDataError:
        raise IrtoneError(source, "is empty (no header row)") from None
    except (ValueError, OSError, EOFError, UnicodeDecodeError) as err:
        raise IrtoneError(source, f"cannot read CSV ({one_line(err)})") from None

    def rows() -> Iterator[tuple[int, dict[str, str]] | IrtoneError]:
        number = 0
        try:
            for chunk in pd.read_csv(source, chunksize=_CHUNK_ROWS, **options):
                chunk.columns = _lower_columns(chunk.columns)
                for record in chunk.to_dict("records"):
                    number += 1
                    yield number, {k: _cell_str(v) for k, v in record.items()}
        except UnicodeDecodeError as err:
            yield IrtoneError(source, f"is not valid {encoding} after {number} rows ({err.reason})")
        except (ValueError, OSError, EOFError) as err:  # pandas ParserError is a ValueError
            yield IrtoneError(source, f"CSV error after {number} rows: {one_line(err)}")

    return columns, rows(), encoding


def _jsonl_rows(source: str, compressed: bool) -> _Table:
    # The stdlib json module, not pandas: it streams, keeps every value as written, and lets a
    # bad line be reported by its number and skipped instead of failing the whole table.
    import gzip
    import json

    def open_lines() -> Any:
        return gzip.open(source, "rb") if compressed else open(source, "rb")

    def records() -> Iterator[tuple[int, dict[str, str]] | IrtoneError]:
        names: dict[tuple, tuple[str, ...]] = {}
        try:
            with open_lines() as fh:
                for number, raw in enumerate(fh, 1):
                    if number == 1 and raw.startswith(codecs.BOM_UTF8):
                        raw = raw[len(codecs.BOM_UTF8) :]
                    if not raw.strip():
                        continue
                    try:
                        record = _json_line(raw.decode("utf-8"))
                    except UnicodeDecodeError:
                        yield IrtoneError(f"{source}#{number}", "line is not valid UTF-8")
                        continue
                    except json.JSONDecodeError as err:
                        yield IrtoneError(f"{source}#{number}", f"invalid JSON ({err.msg} at column {err.colno})")
                        continue
                    if not isinstance(record, dict):
                        yield IrtoneError(f"{source}#{number}", "line is not a JSON object")
                        continue
                    keys = tuple(record)
                    lowered = names.get(keys)
                    if lowered is None:  # most tables have one key order: lower-case it once
                        if len(names) > 64:
                            names.clear()
                        lowered = names[keys] = tuple(str(k).strip().lower() for k in keys)
                    # (a key that lower-cases to an earlier one replaces its value, as a dict does)
                    yield number, dict(zip(lowered, map(_json_str, record.values())))
        except (OSError, EOFError) as err:  # gzip.BadGzipFile is an OSError
            yield IrtoneError(source, f"gzip data is damaged or truncated ({one_line(err)})")

    stream = records()
    pending: list[tuple[int, dict[str, str]] | IrtoneError] = []
    columns: list[str] = []
    for item in stream:  # the first object decides the layout; errors before it are kept
        pending.append(item)
        if not isinstance(item, IrtoneError):
            columns = list(item[1])
            break
    if not columns and not any(isinstance(item, IrtoneError) for item in pending):
        raise IrtoneError(source, "is empty (no JSON records)")
    if not columns:
        raise pending[0]  # type: ignore[misc]

    # pending, then the rest of the stream, lazily: a multi-GB table is never held in memory
    return columns, itertools.chain(pending, stream), "utf-8"


_JSON_DECODER = None


def _json_line(text: str) -> Any:
    """``json.loads(text)``: a line that is one JSON value from its first character (the common
    case) is decoded without ``json.loads``' two whitespace scans; anything else goes to
    ``json.loads`` itself, so values and error messages are the same."""
    global _JSON_DECODER
    import json

    if _JSON_DECODER is None:
        _JSON_DECODER = json.JSONDecoder()
    try:
        value, end = _JSON_DECODER.raw_decode(text)
    except json.JSONDecodeError:
        return json.loads(text)
    if end != len(text) and text[end:].strip(" \t\n\r"):  # json.loads' whitespace
        return json.loads(text)  # raises "Extra data"
    return value


def _json_str(value: Any) -> str:
    if type(value) is str:
        return value
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return _cell_str(value)


def _parquet_rows(source: str) -> _Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(source)
    except (pa.ArrowException, OSError) as err:
        raise IrtoneError(source, f"Parquet file is damaged or truncated ({one_line(err)})") from None
    names = list(parquet.schema_arrow.names)
    columns = _lower_columns(names)

    def rows() -> Iterator[tuple[int, dict[str, str]] | IrtoneError]:
        number = 0
        try:
            for batch in parquet.iter_batches(batch_size=_CHUNK_ROWS):
                for record in batch.to_pylist():
                    number += 1
                    yield number, {col: _cell_str(record[name]) for col, name in zip(columns, names)}
        except (pa.ArrowException, OSError) as err:
            yield IrtoneError(source, f"Parquet data is damaged after row {number} ({one_line(err)})")
        finally:
            parquet.close()

    return columns, rows(), None

