"""The shape of an output row: column names and order, types, status values and keys.

Every table irtone writes from answers (``irtone batch``, ``nlp.batch.score_records``) and every
frame its API returns from them is described here, once. ``answer_schema(theme_names)`` is the
ordered list of columns with their Arrow and pandas types; the encoders (``nlp.output.encode``) and
readers (``nlp.output.tables``) take their types from it. Light to import: pyarrow and pandas are
imported only by the functions that build their types.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlp.identity import normalize_name
from nlp.records import MEASURES
from nlp.text import has_chinese

# What a row can be. ``ok``: scored. ``empty``: the answer is empty or whitespace, so there is nothing
# to score: null scores. ``no_chinese``: the answer holds no Chinese character (English, a bare
# number, 021-22252595); scored as any other answer (irtone reads Chinese only, so about neutral) and
# flagged. ``error``: the answer was read but scoring it failed; null scores, the reason in the error
# log. Filing aggregates use ``ok`` rows only.
STATUSES = ("ok", "empty", "no_chinese", "error")
SCORED_STATUSES = ("ok", "no_chinese")  # the statuses whose rows carry scores


@dataclass(frozen=True)
class Column:
    """One output column: its name, Arrow type, pandas dtype and JSON/CSV form."""

    name: str
    arrow: str  # "string", "int32", "float64" or "list<string>"
    pandas: str  # the dtype a reader gives the column: "string", "Int32", "float64", "object" (lists)
    scored: bool = False  # written by the scorer: null when the row is not scored (``empty``, ``error``)


_TEXT, _INT, _FLOAT, _LIST = ("string", "string"), ("int32", "Int32"), ("float64", "float64"), ("list<string>", "object")

_KEY_COLUMNS = (
    ("row_id", _TEXT), ("id", _TEXT), ("doc_id", _TEXT), ("source", _TEXT), ("filing_id", _TEXT),
    ("company", _TEXT), ("company_key", _TEXT), ("code", _TEXT), ("date", _TEXT), ("period", _TEXT),
    ("segment", _INT), ("question", _TEXT), ("answer", _TEXT), ("status", _TEXT),
)
_HEAD_SCORES = (("tone", _FLOAT), ("tone_label", _TEXT), ("themes", _LIST))
_MEASURE_SCORES = tuple((name, _FLOAT) for name in MEASURES)  # nlp.records.MEASURES, after the theme scores
_TAIL_SCORES = (*_MEASURE_SCORES, ("evidence", _TEXT), ("tone_terms", _TEXT), ("tone_words", _TEXT))

# Column names of a batch row around the ``score_<theme>`` columns (which follow ``themes``).
HEAD_COLUMNS = tuple(n for n, _ in _KEY_COLUMNS + _HEAD_SCORES)
TAIL_COLUMNS = (*(n for n, _ in _TAIL_SCORES), "model_version")
# The columns that say which answer a row is (before the scores).
KEY_COLUMNS = tuple(n for n, _ in _KEY_COLUMNS)


def answer_schema(theme_names: Sequence[str]) -> list[Column]:
    """The columns of an answer row, in order (docs/output.md describes each)."""
    cols = [Column(n, *t) for n, t in _KEY_COLUMNS]
    cols += [Column(n, *t, scored=True) for n, t in _HEAD_SCORES]
    cols += [Column(f"score_{n}", *_FLOAT, scored=True) for n in theme_names]
    cols += [Column(n, *t, scored=True) for n, t in _TAIL_SCORES]
    cols.append(Column("model_version", *_TEXT))
    return cols


def scored_schema(theme_names: Sequence[str]) -> list[Column]:
    """The columns the scorer produces for an answer: ``status`` and the scores, in row order."""
    return [c for c in answer_schema(theme_names) if c.scored or c.name in ("status", "model_version")]


def output_columns(theme_names: Sequence[str]) -> list[str]:
    """Column names of an answer row, in order."""
    return [c.name for c in answer_schema(theme_names)]


def pandas_dtypes(theme_names: Sequence[str]) -> dict[str, str]:
    """``{column: pandas dtype}`` of an answer row, for ``DataFrame.astype``."""
    return {c.name: c.pandas for c in answer_schema(theme_names)}


def arrow_type(name: str):
    """The pyarrow type for a ``Column.arrow`` name."""
    import pyarrow as pa

    return {"string": pa.string(), "int32": pa.int32(), "float64": pa.float64(),
            "list<string>": pa.list_(pa.string())}[name]


def arrow_schema(theme_names: Sequence[str] | None = None, columns: Sequence[Column] | None = None):
    """The explicit pyarrow schema of an answer row (types never depend on the data)."""
    import pyarrow as pa

    columns = answer_schema(theme_names or ()) if columns is None else columns
    return pa.schema([pa.field(c.name, arrow_type(c.arrow)) for c in columns])


output_schema = arrow_schema  # the name batch code and tests know it by


def answer_status(answer: str | None) -> str:
    """``empty``, ``no_chinese`` or ``ok`` for an answer's text (``error`` is set by whoever failed)."""
    if not answer or not answer.strip():
        return "empty"
    if not has_chinese(answer):
        return "no_chinese"
    return "ok"


def company_key(code: str | None, name: str | None, company: str | None = None) -> str | None:
    """The company a row belongs to, keyed as the store keys companies: the 6-digit code, else
    ``name:<normalize_name(short name, else full name)>`` (万 科Ａ and 万科A are one key), else None."""
    if code:
        return code
    for text in (name, company):
        norm = normalize_name(text) if text else ""
        if norm:
            return f"name:{norm}"
    return None


def null_scores(cols: dict[str, list], rows: Sequence[int]) -> None:
    """Set the scorer's columns of ``rows`` (positions in ``cols``) to null, in place."""
    if not rows:
        return
    for name, values in cols.items():
        if _is_scored(name):
            for k in rows:
                values[k] = None


def _is_scored(name: str) -> bool:
    return name.startswith("score_") or name in _SCORED_NAMES


_SCORED_NAMES = frozenset(n for n, _ in _HEAD_SCORES + _TAIL_SCORES)
