"""Reading answer tables back with the types of ``answer_schema``: the recipes of docs/output.md.

``read_output(path)`` gives the same DataFrame (same columns, dtypes and values) for the Parquet,
CSV and JSONL forms of one output, except that CSV cannot tell an empty text from a null (both
are an empty cell; read back as null).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from nlp.output.schema import answer_schema


def theme_names_of(columns: Sequence[str]) -> list[str]:
    """The themes of an output from its ``score_<theme>`` columns, in order."""
    return [c[len("score_"):] for c in columns if c.startswith("score_")]


def read_output(path: str | Path):
    """An ``irtone batch`` output (by suffix: .parquet, .csv, .jsonl) as a DataFrame with the
    schema's dtypes: text ``string``, ``segment`` ``Int32``, scores ``float64``, ``themes`` lists."""
    import pandas as pd

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif suffix == ".csv":
        header = pd.read_csv(path, nrows=0).columns
        text = {c.name: "string" for c in answer_schema(theme_names_of(header)) if c.pandas in ("string", "object")}
        frame = pd.read_csv(path, dtype=text, keep_default_na=False, na_values=[""])
        frame["themes"] = [None if v is pd.NA else json.loads(v) for v in frame["themes"]]
    elif suffix == ".jsonl":
        frame = pd.read_json(path, lines=True, dtype=False)  # dtype=False: "002594" stays text
    else:
        raise ValueError(f"{path}: not an irtone output (.parquet, .csv or .jsonl)")
    return conform(frame)


def conform(frame):
    """``frame`` with the schema's dtypes (columns not in the schema are left as they are)."""
    import pandas as pd

    schema = answer_schema(theme_names_of(frame.columns))
    dtypes = {c.name: c.pandas for c in schema if c.name in frame.columns and c.pandas != "object"}
    frame = frame.astype(dtypes)
    if "themes" in frame.columns:  # Parquet gives arrays, JSON/CSV lists; null stays None
        frame["themes"] = pd.Series([None if v is None or (isinstance(v, float) and v != v) else list(v)
                                     for v in frame["themes"]], index=frame.index, dtype="object")
    return frame
