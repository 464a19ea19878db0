"""Batch scoring: many files and tables → one row per answer in Parquet, CSV or JSONL.

``run_batch(BatchOptions(...)) -> BatchSummary`` is what ``irtone batch`` runs:

    inputs ──iter_inputs──▶ units ──▶ pieces ──▶ chunks ──workers──▶ rows (in input order) ──▶ OUT.tmp ──▶ OUT
                                                                                  └─▶ progress journal

Modules: ``inputs`` (units, pieces, chunks; counting input rows), ``workers`` (parse, score and
serialize chunks in worker processes), ``rows`` (a filing's answers → row columns; keys),
``writers`` (durable, resumable output files), ``journal`` (the progress journal and the lock that
makes one batch the only writer of an OUT), ``run`` (the batch itself), ``frames`` (the same rows
as DataFrames, for Dask and Spark). The row's shape (columns, types, statuses, encoders) is
``nlp.output``'s; docs/output.md describes it.

The contract: one output row per answer read, whatever its state (``status``: ``ok``,
``empty``, ``no_chinese``, ``error``); what yields no answer (a bad file or row, a record without
Q&A) is a line of the error log. ``row_id`` is unique within an output. The output bytes depend
on the inputs only: not on ``--jobs``, not on interruptions and ``--resume``.

Resume after a crash or SIGKILL
-------------------------------
At a chunk that ends on a unit boundary (at most every ``COMMIT_EVERY_S`` seconds) the main
process makes the rows and errors so far durable (flush + fsync) and only then atomically replaces
the progress file ``OUT.progress.json`` (write, fsync, rename) with the counts so far: units done,
bytes of ``OUT.tmp`` (JSONL/CSV) or of ``OUT.rows.arrows`` (Parquet), bytes of the errors file.
``--resume`` truncates those files back to the committed byte counts (dropping a torn last row),
reads back the committed rows' keys, skips the units already done and goes on. Parquet rows are
appended to ``OUT.rows.arrows`` (one length-prefixed Arrow IPC stream per chunk) and merged into
``OUT.tmp`` as they come, in row groups of ``ROW_GROUP_ROWS`` rows regardless of the chunk
boundaries; a resume merges the committed rows again first. When the batch completes ``OUT.tmp``
becomes OUT and the progress and rows files are removed.
"""
from nlp.batch.frames import score_frame_meta, score_frame_schema, score_records
from nlp.batch.inputs import count_input_rows
from nlp.batch.journal import JOURNAL_VERSION, OutputLock, journal_path, lock_path
from nlp.batch.rows import KeyBook, filing_columns, row_keys
from nlp.batch.run import (
                           CHUNK_CHARS,
                           CHUNK_DOCS,
                           COMMIT_EVERY_S,
                           FORMATS,
                           SPLIT_ANSWERS,
                           BatchOptions,
                           BatchProgress,
                           BatchSummary,
                           output_format,
                           run_batch,
)
from nlp.batch.workers import NO_QA_REASON, READ_AHEAD, _can_fork, _Workers  # noqa: F401 - tests patch them here
from nlp.batch.writers import ROW_GROUP_ROWS
from nlp.output import HEAD_COLUMNS, TAIL_COLUMNS, csv_header, encode_rows, output_columns, output_schema

__all__ = [
    "CHUNK_CHARS", "CHUNK_DOCS", "COMMIT_EVERY_S", "FORMATS", "HEAD_COLUMNS", "JOURNAL_VERSION", "NO_QA_REASON",
    "READ_AHEAD", "ROW_GROUP_ROWS", "SPLIT_ANSWERS", "TAIL_COLUMNS", "BatchOptions", "BatchProgress",
    "BatchSummary", "KeyBook", "OutputLock", "count_input_rows", "csv_header", "encode_rows", "filing_columns",
    "journal_path", "lock_path", "output_columns", "output_format", "output_schema", "row_keys", "run_batch",
    "score_frame_meta", "score_frame_schema", "score_records",
]
