"""The output contract: what an answer row is, in every format irtone writes (docs/output.md).

* ``answer_schema(theme_names)``: the ordered columns with their Arrow and pandas types;
  ``output_columns``, ``arrow_schema``, ``pandas_dtypes`` are views of it.
* ``STATUSES``: what a row can be (``ok``, ``empty``, ``no_chinese``, ``error``); ``answer_status``
  decides the first three from the answer's text; ``null_scores`` blanks an unscored row.
* ``company_key``: the normalized company key (as the store keys companies).
* ``encode_rows`` / ``csv_header`` / ``replace_row_ids``: rows → JSONL, CSV or Arrow IPC bytes.
* ``read_output(path)``: any output read back with the schema's types.
"""
from nlp.output.encode import csv_header, encode_rows, replace_row_ids
from nlp.output.schema import (
                               HEAD_COLUMNS,
                               KEY_COLUMNS,
                               SCORED_STATUSES,
                               STATUSES,
                               TAIL_COLUMNS,
                               Column,
                               answer_schema,
                               answer_status,
                               arrow_schema,
                               arrow_type,
                               company_key,
                               null_scores,
                               output_columns,
                               output_schema,
                               pandas_dtypes,
                               scored_schema,
)
from nlp.output.tables import conform, read_output, theme_names_of

__all__ = [
    "HEAD_COLUMNS", "KEY_COLUMNS", "SCORED_STATUSES", "STATUSES", "TAIL_COLUMNS", "Column", "answer_schema",
    "answer_status", "arrow_schema", "arrow_type", "company_key", "conform", "csv_header", "encode_rows",
    "null_scores", "output_columns", "output_schema", "pandas_dtypes", "read_output", "replace_row_ids",
    "scored_schema", "theme_names_of",
]
