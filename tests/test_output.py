"""The output contract: one schema, encoders that agree, and docs/output.md's read recipes, run
against real batch outputs in every format (types round-trip: code 002594 stays text)."""
from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest
from batch_factory import answer_rows, write_corpus

from nlp.batch import BatchOptions, run_batch
from nlp.output import (
    STATUSES,
    answer_schema,
    arrow_schema,
    encode_rows,
    output_columns,
    pandas_dtypes,
    read_output,
    replace_row_ids,
)
from nlp.records import MEASURES

MEASURE_VALUES = [0.1, 0.0, 0.0, 0.5, math.nan, 0.25, math.nan]  # one value per MEASURES column
DOC = Path(__file__).resolve().parents[1] / "docs" / "output.md"
THEMES = ["ai_compute", "capex", "domestic_chips", "financing"]


def _recipes() -> tuple[str, dict[str, str]]:
    """docs/output.md's shared prelude and its ``# read: <format>`` blocks."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    prelude = [b for b in blocks if not b.startswith("# read:")]
    recipes = {b.split("\n", 1)[0].split(":", 1)[1].strip(): b for b in blocks if b.startswith("# read:")}
    assert len(prelude) == 1 and set(recipes) == {"parquet", "jsonl", "csv"}
    return prelude[0], recipes


def test_the_schema_is_one_list_and_every_column_and_status_is_documented():
    schema = answer_schema(THEMES)
    assert [c.name for c in schema] == output_columns(THEMES)
    assert arrow_schema(THEMES).names == output_columns(THEMES)
    assert pandas_dtypes(THEMES)["segment"] == "Int32" and pandas_dtypes(THEMES)["code"] == "string"
    assert {c.name for c in schema if c.scored} == {"tone", "tone_label", "themes", "evidence", "tone_terms",
                                                   "tone_words", *(f"score_{t}" for t in THEMES), *MEASURES}
    text = DOC.read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z_<>]+)` \|", text, flags=re.M)
    generic = [c.name for c in answer_schema(["<theme>"])]
    assert documented[: len(generic)] == generic
    for c in answer_schema(["<theme>"]):  # the table states each column's types as the schema does
        row = next(line for line in text.splitlines() if line.startswith(f"| `{c.name}` |"))
        assert c.arrow in row and c.pandas.split()[0] in row, c.name
    for status in STATUSES:
        assert f"| `{status}` |" in text


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """One batch in the three formats: records, an answers table with odd answers and codes with
    leading zeros, whole records."""
    root = tmp_path_factory.mktemp("out")
    corpus = write_corpus(root / "c", records=8, answers=0, bad=False)
    rows = answer_rows(30, seed=17)
    for k, answer in enumerate(["", "60.92%", "Revenue grew.", "  "]):
        rows[2 + 6 * k]["answer"] = answer
    for r in rows[:10]:
        r["code"], r["question"] = "002594", ""
    table = root / "answers.csv"
    with open(table, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    inputs = (str(corpus.inputs[0]), str(table), str(corpus.inputs[2]))
    return {fmt: _run(inputs, root / f"o.{fmt}") for fmt in ("parquet", "jsonl", "csv")}


def _run(inputs, out: Path) -> Path:
    run_batch(BatchOptions(inputs, str(out)))
    return out


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "csv"])
def test_docs_recipes_read_every_format_back_with_the_schema_types(outputs, fmt):
    import pandas as pd

    prelude, recipes = _recipes()
    scope: dict = {"path": outputs[fmt]}
    exec(prelude, scope)  # noqa: S102 - the project's own documentation
    exec(recipes[fmt], scope)  # noqa: S102
    frame = scope["frame"]
    want = pandas_dtypes(THEMES)
    assert list(frame.columns) == list(want)
    assert {c: str(t) for c, t in frame.dtypes.items()} == {c: ("object" if t == "object" else t)
                                                           for c, t in want.items()}
    assert frame["code"].dropna().str.fullmatch(r"\d{6}").all() and "002594" in set(frame["code"].dropna())
    assert {"ok", "empty", "no_chinese"} <= set(frame["status"])
    reference = read_output(outputs["parquet"])
    if fmt == "csv":  # an empty cell is null: the one thing CSV cannot carry
        text = [c for c, t in want.items() if t == "string"]
        reference[text] = reference[text].replace("", pd.NA)
    pd.testing.assert_frame_equal(frame, reference)
    pd.testing.assert_frame_equal(read_output(outputs[fmt]), reference if fmt == "csv" else frame)


def test_plain_read_json_would_lose_the_leading_zeros(outputs):
    """Why the JSONL recipe passes dtype=False."""
    import pandas as pd

    naive = pd.read_json(outputs["jsonl"], lines=True)
    assert "002594" not in set(naive["code"].astype(str))


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_replace_row_ids_gives_the_bytes_encode_rows_gives(fmt):
    names = output_columns(["a"])
    rows = [
        ["k:1", "7", None, "s", "f", "公司", "name:公司", "000001", "2023-01-02", None, 1, "问，\"引号\"\n？", "答",
         "ok", 0.25, "positive", ["a"], 0.5, *MEASURE_VALUES, '{"a": {"start": 0}}', "[]", "[]", "v"],
        ["k:2", None, "d", "s", "f", None, None, None, None, "2016", None, "", "", "empty", None, None, None, None,
         *[None] * len(MEASURES), None, None, None, "v"],
        ["k:3", None, None, "s", "f", None, None, None, None, None, 3, "q", "é,x", "no_chinese", math.nan, "neutral",
         [], 0.0, *MEASURE_VALUES, "{}", "[[\"x\", 1.0, 0, false]]", "[]", "v"],
    ]
    cols = {c: [r[i] for r in rows] for i, c in enumerate(names)}
    payload = encode_rows(fmt, cols, ["a"])
    new_ids = ["k:1", "k:2~2", "k:3~3"]
    assert replace_row_ids(fmt, payload, ["a"], new_ids) == encode_rows(fmt, {**cols, "row_id": new_ids}, ["a"])
    if fmt == "jsonl":
        assert [json.loads(line)["status"] for line in payload.decode().splitlines()] == ["ok", "empty", "no_chinese"]
