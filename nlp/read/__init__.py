"""Bytes → text: the first stage of irtone.

Three entry points:

``read_file(path) -> RawDocument``
    One disclosure: TXT (UTF-8, UTF-8 with BOM, UTF-16/32 with or without BOM, GB18030/GBK), PDF
    (text layer), DOCX (paragraphs, tables and text boxes in document order) or HTML (a saved web
    page). The format is decided by the file's content (magic bytes, an HTML start tag), not its
    extension, so a PDF saved as ``.txt`` still reads as a PDF; ``.html``/``.htm`` always read as HTML.

``read_documents(path) -> Iterator[RawDocument]``
    Any input: a disclosure file yields one document; a table (CSV, JSONL, Parquet, also
    ``.csv.gz``/``.jsonl.gz``) yields one document per record or per group of answers; a directory
    is walked recursively in sorted order. Raises ``IrtoneError`` at the first bad file or row.

``iter_inputs(paths) -> Iterator[RawDocument | IrtoneError]``
    Like ``read_documents`` over many paths, but bad files and rows are *yielded* as
    ``IrtoneError`` values so that a batch can log them and go on.

The package holds one module per format: ``files`` (limits, sniffing, walking folders), ``txt``
(encodings), ``pdf``, ``docx``, ``html`` and ``tables``.

Every error is an ``IrtoneError(source, reason)`` whose message is one line naming the file (or
``file#row``) and the reason. Heavy libraries (pypdfium2, python-docx, pandas, pyarrow) are
imported only by the functions that need them.

Table layouts, detected from the column names (case-insensitive):

* whole records: a ``content`` column (+ optional ``doc_id, code, name, company, category,
  institutions, date``). One document per row, ``source="<path>#<doc_id or row>"``, ``meta`` with
  those columns (``code`` normalised to 6 digits, other values as given).
* answers: ``question`` and ``answer`` (+ optional ``id, company, code, date, conference, year,
  qa_index``). Consecutive rows with the same (code or company, date or conference or year) form
  one document with ``text=""`` and ``meta["pairs"] = [{"id", "number", "question", "answer"}]``
  (``number`` is the 1-based position in the group; ``id`` defaults to the row number).

Row numbers are 1-based: the n-th record of a CSV or Parquet file, the line number of a JSONL file.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from nlp.identity import normalize_code
from nlp.read.docx import docx_header_fields, read_docx
from nlp.read.files import (
    DISCLOSURE_SUFFIXES,
    HTML_SUFFIXES,
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENT_CHARS,
    MAX_DOCX_XML_BYTES,
    MAX_TABLE_BYTES,
    MAX_UNPACKED_BYTES,
    TABLE_SUFFIXES,
    check_file,
    one_line,
    read_head,
    sniff,
    table_format,
    table_suffix,
    walk_files,
)
from nlp.read.html import looks_like_html, read_html
from nlp.read.pdf import read_pdf, unreadable_share
from nlp.read.tables import (
    ANSWERS_GROUP_META,
    WHOLE_RECORD_META,
    _json_line,  # noqa: F401  (nlp.batch's tests time it)
    iter_table,
)
from nlp.read.txt import decode_text, read_txt
from nlp.records import IrtoneError, RawDocument

__all__ = [
    "read_file", "read_documents", "iter_inputs", "decode_text", "walk_files", "unreadable_share",
    "normalize_code", "docx_header_fields", "WHOLE_RECORD_META", "ANSWERS_GROUP_META", "MAX_DOCUMENT_BYTES",
    "MAX_DOCUMENT_CHARS", "MAX_TABLE_BYTES", "MAX_DOCX_XML_BYTES", "MAX_UNPACKED_BYTES", "DISCLOSURE_SUFFIXES", "TABLE_SUFFIXES", "UNSUPPORTED",
]

# ---- public API ------------------------------------------------------------------------------


def read_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_DOCUMENT_BYTES) -> RawDocument:
    """Read one disclosure (TXT, PDF, DOCX or HTML, decided by content) into a ``RawDocument``.

    Raises ``IrtoneError`` for a missing file, a directory, a file over ``max_bytes`` (checked
    before reading), an empty file, a binary or undecodable file, a damaged or encrypted PDF, a PDF
    without a text layer (no OCR), a damaged DOCX, a DOCX or PDF with no text, and tables (use
    ``read_documents`` for those).
    """
    source = str(path)
    check_file(source, max_bytes)
    if table_suffix(source):
        raise IrtoneError(source, f"is a {table_format(source)} table, not a disclosure; score tables with irtone batch (--db to store them), or nlp.read_documents")
    head = read_head(source)
    kind = sniff(head)
    if kind in ("gzip", "parquet"):
        raise IrtoneError(source, f"is a {kind} file, not a disclosure (TXT, PDF, DOCX or HTML)")
    if kind == "ole2":
        raise IrtoneError(
            source, "is an OLE2 file (legacy .doc/.xls, or a password-protected Office file); save it as DOCX"
        )
    if kind == "pdf":
        doc = read_pdf(source)
    elif kind == "zip":
        doc = read_docx(source)
    elif source.lower().endswith(HTML_SUFFIXES) or looks_like_html(head):
        doc = read_html(source)
    else:
        doc = read_txt(source)
    if len(doc.text) > MAX_DOCUMENT_CHARS:
        raise IrtoneError(source, f"holds {len(doc.text):,} characters of text, more than one IR record could "
                                  f"(limit {MAX_DOCUMENT_CHARS:,}): split it, or give its answers as a table")
    return doc


def read_documents(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_table_bytes: int = MAX_TABLE_BYTES,
) -> Iterator[RawDocument]:
    """Yield the documents in ``path``: a disclosure file, a table, or a directory (recursively).

    Raises ``IrtoneError`` at the first bad file or row (already-yielded documents stay valid).
    Use ``iter_inputs`` to get errors as values and keep going.
    """
    for item in iter_inputs([path], max_bytes=max_bytes, max_table_bytes=max_table_bytes):
        if isinstance(item, IrtoneError):
            raise item
        yield item


def iter_inputs(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_table_bytes: int = MAX_TABLE_BYTES,
) -> Iterator[RawDocument | IrtoneError]:
    """Yield a ``RawDocument`` per disclosure, table record or answers group, and an ``IrtoneError``
    value (never raised) per bad file or row, so a batch can log it and continue.

    Directories are walked recursively in sorted order (hidden entries skipped, symlinked
    directories not followed) for ``.txt .pdf .docx .csv .csv.gz .jsonl .jsonl.gz .parquet``
    (case-insensitive); other files are ignored. A path named explicitly is always read.
    A JSONL line that is not a JSON object yields an error and reading goes on with the next line;
    other table errors (bad CSV quoting, damaged Parquet or gzip) end that table.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for path in paths:
        source = str(path)
        if os.path.isdir(source):
            for file in walk_files(source):
                if file.lower().endswith(DISCLOSURE_SUFFIXES + TABLE_SUFFIXES):
                    yield from _iter_file(file, max_bytes, max_table_bytes)
                else:  # logged, not silently passed over: a .doc or .xlsx in a folder is data someone expected read
                    yield IrtoneError(file, UNSUPPORTED)
        else:
            yield from _iter_file(source, max_bytes, max_table_bytes)


def _iter_file(source: str, max_bytes: int, max_table_bytes: int) -> Iterator[RawDocument | IrtoneError]:
    try:
        if table_suffix(source):
            yield from iter_table(source, max_table_bytes)
        else:
            yield read_file(source, max_bytes=max_bytes)
    except IrtoneError as err:
        yield err
    except Exception as err:  # a library failing in a way we did not foresee must not stop a batch
        yield IrtoneError(source, f"unexpected {type(err).__name__} while reading: {one_line(err)}")


UNSUPPORTED = ("unsupported file type: irtone reads .txt, .pdf, .docx and .html disclosures and .csv, .jsonl and "
               ".parquet tables (also .gz); convert it to one of them")

