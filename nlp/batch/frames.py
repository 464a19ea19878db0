"""DataFrames in the batch's row layout, for Dask ``map_partitions`` and Spark ``mapInPandas``.

``score_records(df)`` scores a whole-record DataFrame into ``irtone batch``'s rows; answers frames
go through ``nlp.scorer.score_frame``, whose ``meta=`` and pyarrow schema ``score_frame_meta`` and
``score_frame_schema`` give.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nlp.batch.rows import KeyBook, filing_columns
from nlp.output import arrow_type, output_columns, pandas_dtypes, scored_schema
from nlp.records import IrtoneError, RawDocument


def score_records(df, scorer=None):
    """Whole-record DataFrame → one row per answer, in ``irtone batch``'s layout (``output_columns``).

    ``df`` has a ``content`` column (the record's text) and optionally ``doc_id, code, name,
    company, category, institutions, date``, as a whole-record table for ``irtone batch``. Pure and
    deterministic (rows depend only on their record; keys are unique within the call), so it runs
    unchanged in Dask ``map_partitions`` and Spark ``mapInPandas``. A record that cannot be parsed,
    or holds no question-answer pair, yields no rows (``irtone batch`` logs both).
    ``source`` is ``<frame>#<doc_id>`` (or ``#<index label>`` without a doc_id).
    """
    import pandas as pd

    from nlp.identity import normalize_code
    from nlp.parse import parse_document
    from nlp.read import WHOLE_RECORD_META
    from nlp.scorer import default_scorer

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
        for c, v in filing_columns(score.filing, score.answers, names, version, doc_id=meta.get("doc_id")).items():
            merged[c].extend(v)
    merged["row_id"] = KeyBook().unique(merged["row_id"]) or merged["row_id"]
    return pd.DataFrame(merged, columns=output_columns(names)).astype(
        {c: t for c, t in pandas_dtypes(names).items() if t != "object"})


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def score_frame_meta(df, theme_names: Sequence[str] | None = None):
    """The empty DataFrame ``nlp.scorer.score_frame(df)`` returns for ``df``'s columns (its dtypes),
    for Dask's ``meta=``: ``score_frame`` of no rows (loads the models once in this process).
    ``theme_names`` is accepted for older callers; the default scorer's themes decide."""
    from nlp.scorer import score_frame

    return score_frame(df.iloc[:0].copy())


def score_frame_schema(df, theme_names: Sequence[str] | None = None):
    """The pyarrow schema of ``score_frame(df)`` (``df``'s own columns, then the scores; ``df`` may
    be the input or ``score_frame_meta(input)``), e.g. for Dask's ``to_parquet(schema=...)``, which
    cannot infer the list column ``themes`` from ``meta``. The scores' types are those of
    ``nlp.output.answer_schema``."""
    import pyarrow as pa

    if theme_names is None:
        from nlp.themes import load_themes

        theme_names = [t.name for t in load_themes()]
    scored = {c.name: c for c in scored_schema(theme_names)}
    meta = df if all(c in df.columns for c in ("tone", "themes")) else score_frame_meta(df)
    added = [c for c in meta.columns if c in scored]
    given = pa.Schema.from_pandas(meta.iloc[:0].drop(columns=added), preserve_index=False)
    return pa.schema([*given, *(pa.field(c, arrow_type(scored[c].arrow)) for c in added)])

