"""Bytes → text: the first stage of irtone.

Three entry points:

``read_file(path) -> RawDocument``
    One disclosure: TXT (UTF-8, UTF-8 with BOM, UTF-16/32 with BOM, GB18030/GBK), PDF (text layer)
    or DOCX (paragraphs and tables in document order). The format is decided by the file's content
    (magic bytes), not its extension, so a PDF saved as ``.txt`` still reads as a PDF.

``read_documents(path) -> Iterator[RawDocument]``
    Any input: a disclosure file yields one document; a table (CSV, JSONL, Parquet, also
    ``.csv.gz``/``.jsonl.gz``) yields one document per record or per group of answers; a directory
    is walked recursively in sorted order. Raises ``IrtoneError`` at the first bad file or row.

``iter_inputs(paths) -> Iterator[RawDocument | IrtoneError]``
    Like ``read_documents`` over many paths, but bad files and rows are *yielded* as
    ``IrtoneError`` values so that a batch can log them and go on.

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

import codecs
import functools
import itertools
import os
import re
import stat
import unicodedata
from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping

from nlp.identity import normalize_code
from nlp.lang import read_text
from nlp.records import IrtoneError, RawDocument
from nlp.text import cell_str as _cell_str, has_chinese  # noqa: F401 - nlp.read.has_chinese is documented

MAX_DOCUMENT_BYTES = 50 * 1024**2  # one disclosure file (a PDF may carry images); real records are well under 5 MB
# Text of one disclosure: the longest of the 10,149 SZSE records in ../shared holds 25,675 characters.
# Far beyond that a file is not one record (a concatenation, a dump) and would cost GBs to score at once.
MAX_DOCUMENT_CHARS = 1_000_000
MAX_TABLE_BYTES = 2 * 1024**3  # tables are streamed, so they may be much bigger

DISCLOSURE_SUFFIXES = (".txt", ".pdf", ".docx")
TABLE_SUFFIXES = (".csv", ".csv.gz", ".jsonl", ".jsonl.gz", ".parquet")

WHOLE_RECORD_META = ("doc_id", "code", "name", "company", "category", "institutions", "date")
ANSWERS_GROUP_META = ("company", "code", "date", "conference", "year")

_CHUNK_ROWS = 5000  # rows per pandas/pyarrow chunk: bounded memory on multi-GB tables
_SNIFF_BYTES = 1024
_TABLE_HEAD_BYTES = 1 << 20  # how much of a CSV decides its encoding
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
_CJK_RADICALS = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")
_MAX_TOLERATED_BAD_UTF8 = 10  # stray bad bytes in an otherwise UTF-8 file are replaced, not fatal

_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# ---- public API ------------------------------------------------------------------------------


def read_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_DOCUMENT_BYTES) -> RawDocument:
    """Read one disclosure (TXT, PDF or DOCX, decided by content) into a ``RawDocument``.

    Raises ``IrtoneError`` for a missing file, a directory, a file over ``max_bytes`` (checked
    before reading), an empty file, a binary or undecodable file, a damaged or encrypted PDF, a PDF
    without a text layer (no OCR), a damaged DOCX, a DOCX or PDF with no text, and tables (use
    ``read_documents`` for those).
    """
    source = str(path)
    _check_file(source, max_bytes)
    if _table_suffix(source):
        raise IrtoneError(source, f"is a {_table_format(source)} table, not a disclosure; score tables with irtone batch (--db to store them), or nlp.read_documents")
    head = _read_head(source)
    kind = _sniff(head)
    if kind in ("gzip", "parquet"):
        raise IrtoneError(source, f"is a {kind} file, not a disclosure (TXT, PDF or DOCX)")
    if kind == "ole2":
        raise IrtoneError(
            source, "is an OLE2 file (legacy .doc/.xls, or a password-protected Office file); save it as DOCX"
        )
    doc = _read_pdf(source) if kind == "pdf" else _read_docx(source) if kind == "zip" else _read_txt(source)
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


def decode_text(data: bytes, source: str = "<bytes>") -> tuple[str, str, int]:
    """Decode disclosure bytes: ``(text with LF line ends, encoding, bad bytes replaced)``.

    Order: a BOM (UTF-8/16/32); NUL bytes → binary; strict UTF-8; strict GB18030 when the result is
    plausibly Chinese (≥ 90 % GB2312 characters, ASCII or whitespace); UTF-8 with at most
    ``_MAX_TOLERATED_BAD_UTF8`` (and ≤ 1 %) bad bytes replaced by U+FFFD. Otherwise ``IrtoneError``.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _newlines(data[len(bom) :].decode(encoding.replace("-sig", ""))), encoding, 0
            except UnicodeDecodeError as err:
                raise IrtoneError(source, f"has a {encoding} byte-order mark but is not valid {encoding} ({err.reason})")
    if b"\x00" in data:
        raise IrtoneError(source, "is a binary file (contains NUL bytes), not text")
    try:
        return _newlines(data.decode("utf-8")), "utf-8", 0
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausibly_chinese(text):
        return _newlines(text), "gb18030", 0
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if bad <= _MAX_TOLERATED_BAD_UTF8 and bad * 100 <= len(text):
        return _newlines(text), "utf-8", bad
    raise IrtoneError(source, "is not text in a supported encoding (UTF-8, UTF-16/32 with BOM, GB18030): binary?")




# ---- files and directories -------------------------------------------------------------------


def _iter_file(source: str, max_bytes: int, max_table_bytes: int) -> Iterator[RawDocument | IrtoneError]:
    try:
        if _table_suffix(source):
            yield from _iter_table(source, max_table_bytes)
        else:
            yield read_file(source, max_bytes=max_bytes)
    except IrtoneError as err:
        yield err
    except Exception as err:  # a library failing in a way we did not foresee must not stop a batch
        yield IrtoneError(source, f"unexpected {type(err).__name__} while reading: {_one_line(err)}")






UNSUPPORTED = ("unsupported file type: irtone reads .txt, .pdf and .docx disclosures and .csv, .jsonl and "
               ".parquet tables (also .gz); convert it to one of them")


def walk_files(root: str) -> Iterator[str]:
    """Every file under ``root`` except hidden ones (name starting with "."), folders and files sorted."""
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield os.path.join(folder, name)


def _check_file(source: str, max_bytes: int) -> int:
    """Stat ``source`` and return its size; raise for anything we should not open."""
    try:
        st = os.stat(source)
    except FileNotFoundError:
        raise IrtoneError(source, "no such file") from None
    except OSError as err:
        raise IrtoneError(source, f"cannot access file ({err.strerror or err})") from None
    if stat.S_ISDIR(st.st_mode):
        raise IrtoneError(source, "is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise IrtoneError(source, "is not a regular file")
    if st.st_size == 0:
        raise IrtoneError(source, "is empty (0 bytes)")
    if st.st_size > max_bytes:
        raise IrtoneError(source, f"is too large ({_mb(st.st_size)} > limit {_mb(max_bytes)}; see max_bytes)")
    return st.st_size


def _read_head(source: str, n: int = _SNIFF_BYTES) -> bytes:
    try:
        with open(source, "rb") as fh:
            return fh.read(n)
    except OSError as err:
        raise IrtoneError(source, f"cannot read file ({err.strerror or err})") from None


def _read_bytes(source: str) -> bytes:
    try:
        with open(source, "rb") as fh:
            return fh.read()
    except OSError as err:
        raise IrtoneError(source, f"cannot read file ({err.strerror or err})") from None


def _sniff(head: bytes) -> str:
    """Container type from magic bytes: pdf, zip, ole2, gzip, parquet or text."""
    if _PDF_HEADER.search(head[:_SNIFF_BYTES]):  # readers tolerate junk before the header
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"  # a DOCX if it holds word/document.xml: _read_docx checks
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"PAR1"):
        return "parquet"
    return "text"


def _table_suffix(source: str) -> str | None:
    lower = source.lower()
    return next((s for s in TABLE_SUFFIXES if lower.endswith(s)), None)


def _table_format(source: str) -> str:
    return (_table_suffix(source) or "").lstrip(".").removesuffix(".gz")


# ---- TXT -------------------------------------------------------------------------------------


def _read_txt(source: str) -> RawDocument:
    text, encoding, bad = decode_text(_read_bytes(source), source)
    if not text.strip():
        raise IrtoneError(source, "is empty (only whitespace)")
    meta = {"decode_errors": bad} if bad else {}
    return RawDocument(source=source, text=text, format="txt", encoding=encoding, meta=meta)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _plausibly_chinese(text: str) -> bool:
    """GB18030 decodes much non-Chinese binary; accept only text of mostly common characters."""
    if not text:
        return False
    from collections import Counter

    plausible = 0
    for char, count in Counter(text).items():
        if char.isascii() and (char.isprintable() or char.isspace()):
            plausible += count
        elif not char.isascii():
            try:
                char.encode("gb2312")  # common hanzi, CJK and full-width punctuation
                plausible += count
            except UnicodeEncodeError:
                pass
    return plausible >= 0.9 * len(text)


# ---- PDF -------------------------------------------------------------------------------------
# Text layer via pypdfium2 (PDFium), chosen by measurement (bench/pdf_readers.py, 4 reportlab
# STSong-Light PDFs of the seed and fictional records, 9 pages): PDFium recovered 100 % of the
# characters (difflib ratio 1.0000, whitespace removed) and 100 % of the visual lines, at ~1400
# pages/s; pdfplumber 0.9995 / 98.2 % lines (drops ☑) at 52 pages/s; pdfminer.six 0.9992 /
# 95.5 % at 75 pages/s (splits table label and value apart); pypdf 1.0000 / 95.2 % at 318 pages/s.
# It is already installed as a dependency of pdfplumber.

_PDFIUM_PASSWORD_ERROR = 4
_PDFIUM_SECURITY_ERROR = 5


def _read_pdf(source: str) -> RawDocument:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(source)  # PDFium tries the empty user password itself
    except pdfium.PdfiumError as err:
        code = getattr(err, "err_code", None)
        if code == _PDFIUM_PASSWORD_ERROR or "password" in str(err).lower():
            raise IrtoneError(source, "PDF is encrypted and needs a password; decrypt it first") from None
        if code == _PDFIUM_SECURITY_ERROR:
            raise IrtoneError(source, "PDF uses an unsupported security handler (encrypted)") from None
        raise IrtoneError(source, f"PDF is damaged or truncated ({_one_line(err)})") from None
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                pages.append(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
    except pdfium.PdfiumError as err:
        raise IrtoneError(source, f"PDF is damaged ({_one_line(err)})") from None
    finally:
        pdf.close()
    text = _clean_pdf_text("\n".join(pages))
    if not text.strip():
        raise IrtoneError(source, "PDF has no text layer (scanned image?); OCR is not supported")
    if unreadable_share(text) > 0.5:
        raise IrtoneError(
            source, "PDF text layer is unreadable (fonts without a Unicode map); OCR is not supported"
        )
    return RawDocument(source=source, text=text, format="pdf", meta={"pages": len(pages)})


def unreadable_share(text: str) -> float:
    """Share of non-space characters that are private-use, control, unassigned or U+FFFD.

    A PDF whose fonts lack a Unicode map yields such characters instead of hanzi. A few are
    normal (Wingdings checkboxes come out as private-use characters), a majority is not.
    """
    from collections import Counter

    total = bad = 0
    for char, count in Counter(text).items():
        if char.isspace():
            continue
        total += count
        if char == "\ufffd" or unicodedata.category(char) in ("Co", "Cc", "Cn", "Cs"):
            bad += count
    return bad / total if total else 0.0


def _clean_pdf_text(text: str) -> str:
    # PDFium marks a line-final hyphen as U+FFFE and drops the line break after it: restore both.
    text = _newlines(text).replace("\ufffe", "-\n").replace("\x00", "")
    # Some PDF producers map hanzi to Kangxi radicals / compatibility ideographs (⽅ for 方).
    return _CJK_RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


# ---- DOCX ------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_SKIP = {  # never text, or text that Word does not show (deleted, field codes, text boxes)
    _W + tag
    for tag in (
        "pPr", "rPr", "tblPr", "tblGrid", "trPr", "tcPr", "sectPr", "sdtPr", "sdtEndPr", "del",
        "moveFrom", "delText", "instrText", "delInstrText", "txbxContent", "drawing", "pict",
        "object", "footnoteReference", "endnoteReference", "commentReference",
    )
} | {_MC_FALLBACK}


@functools.lru_cache(maxsize=1)
def docx_header_fields() -> Mapping[str, str]:
    """Header-table label → meta key, from ``nlp/lang/zh_ir/docx_header_fields.tsv``."""
    fields = {}
    for line in read_text("docx_header_fields.tsv").splitlines():
        if line.strip() and not line.startswith("#"):
            label, key = line.split("\t")
            fields[_label_key(label)] = key.strip()
    return MappingProxyType(fields)


def _label_key(label: str) -> str:
    return re.sub(r"\s+", "", label).rstrip("：:")


def _read_docx(source: str) -> RawDocument:
    import zipfile

    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise IrtoneError(source, f"DOCX is damaged or truncated ({_one_line(err)})") from None
    if "word/document.xml" not in names:
        raise IrtoneError(source, "is a ZIP archive but not a DOCX (no word/document.xml)")
    import docx

    try:
        document = docx.Document(source)
        meta: dict[str, Any] = {}
        lines = _docx_header_lines(document) + _block_lines(document.element.body, meta)
    except IrtoneError:
        raise
    except Exception as err:  # python-docx and lxml raise many types for broken packages
        raise IrtoneError(source, f"DOCX is damaged ({type(err).__name__}: {_one_line(err)})") from None
    text = _newlines("\n".join(lines))
    if not text.strip():
        raise IrtoneError(source, "DOCX has no text")
    return RawDocument(source=source, text=text, format="docx", meta=meta)


def _docx_header_lines(document: Any) -> list[str]:
    """Page-header text of the first section (记录表 often put 证券代码/证券简称 there)."""
    section = document.sections[0] if document.sections else None
    if section is None:
        return []
    headers = [section.first_page_header] if section.different_first_page_header_footer else []
    headers.append(section.header)
    lines: list[str] = []
    for header in headers:
        if header.is_linked_to_previous:  # no header of its own: don't make python-docx add one
            continue
        for line in _block_lines(header._element, {}):
            if line not in lines:
                lines.append(line)
    return lines


def _block_lines(container: Any, meta: dict[str, Any]) -> list[str]:
    """Lines of the paragraphs and tables directly in ``container``, in document order."""
    lines: list[str] = []
    for child in container:
        tag = child.tag
        if tag == _W + "p":
            lines.append(_paragraph_text(child))
        elif tag == _W + "tbl":
            lines.extend(_table_lines(child, meta))
        elif tag in (_W + "sdt", _W + "customXml"):
            content = child.find(_W + "sdtContent") if tag == _W + "sdt" else child
            if content is not None:
                lines.extend(_block_lines(content, meta))
    return lines


def _paragraph_text(element: Any) -> str:
    parts: list[str] = []
    _collect_text(element, parts)
    return "".join(parts)


def _collect_text(element: Any, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _W_SKIP:
            continue
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "sym":
            parts.append(_symbol(child.get(_W + "char")))
        else:
            _collect_text(child, parts)


def _symbol(code: str | None) -> str:
    """A ``w:sym`` glyph (e.g. Wingdings 2 F052, a ticked box) as the private-use character that
    PDF extraction of the same form gives; the parser decides what it means."""
    try:
        value = int(code or "", 16)
    except ValueError:
        return ""
    return chr(value + 0xF000 if value < 0x100 else value)


def _table_lines(table: Any, meta: dict[str, Any]) -> list[str]:
    """One ``label<TAB>value`` line per row (a multi-paragraph value continues on the next lines).

    Reads the XML directly: a horizontally merged cell is one ``w:tc``, and the continuation
    cells of a vertical merge are skipped, so merged content appears once; consecutive cells with
    identical text are also collapsed. Two-cell rows with a known label fill ``meta``.
    """
    fields = docx_header_fields()
    lines: list[str] = []
    for row in table.iter(_W + "tr"):
        if _enclosing_table(row) is not table:  # rows of nested tables are rendered by their cell
            continue
        cells: list[str] = []
        for cell in _row_cells(row):
            text = "\n".join(_block_lines(cell, meta)).strip()
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if not cells:
            continue
        lines.append("\t".join(cells))
        if len(cells) == 2:
            key = fields.get(_label_key(cells[0]))
            if key and key not in meta:
                meta[key] = cells[1]
    return lines


def _enclosing_table(row: Any) -> Any:
    parent = row.getparent()
    while parent is not None and parent.tag != _W + "tbl":
        parent = parent.getparent()
    return parent


def _row_cells(row: Any) -> Iterator[Any]:
    for child in row:
        if child.tag == _W + "tc":
            vmerge = child.find(f"{_W}tcPr/{_W}vMerge")
            if vmerge is not None and vmerge.get(_W + "val", "continue") == "continue":
                continue
            yield child
        elif child.tag in (_W + "sdt", _W + "customXml"):  # cells wrapped in content controls
            content = child.find(_W + "sdtContent") if child.tag == _W + "sdt" else child
            if content is not None:
                yield from _row_cells(content)


# ---- tables ----------------------------------------------------------------------------------


def _iter_table(source: str, max_bytes: int) -> Iterator[RawDocument | IrtoneError]:
    _check_file(source, max_bytes)
    fmt = _table_format(source)
    head = _read_head(source)
    kind = _sniff(head)
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
            source=f"{source}#{ref}", text=_newlines(row.get("content", "")), format=fmt, encoding=encoding, meta=meta
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
                "question": _newlines(row.get("question", "")),
                "answer": _newlines(row.get("answer", "")),
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
            head = _read_head(source, _TABLE_HEAD_BYTES)
    except (OSError, EOFError) as err:
        raise IrtoneError(source, f"gzip data is damaged or truncated ({_one_line(err)})") from None
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in head:
        raise IrtoneError(source, "is a binary file (contains NUL bytes), not CSV text")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or _plausibly_chinese(text):
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
        raise IrtoneError(source, f"cannot read CSV ({_one_line(err)})") from None

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
            yield IrtoneError(source, f"CSV error after {number} rows: {_one_line(err)}")

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
            yield IrtoneError(source, f"gzip data is damaged or truncated ({_one_line(err)})")

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
        raise IrtoneError(source, f"Parquet file is damaged or truncated ({_one_line(err)})") from None
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
            yield IrtoneError(source, f"Parquet data is damaged after row {number} ({_one_line(err)})")
        finally:
            parquet.close()

    return columns, rows(), None


# ---- helpers ---------------------------------------------------------------------------------


def _one_line(err: BaseException, limit: int = 200) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mb(size: int) -> str:
    return f"{size / 1024**2:.1f} MB"
