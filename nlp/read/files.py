"""Files and directories: size checks, reading, the container type from magic bytes, walking folders."""
from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator

from nlp.records import IrtoneError

MAX_DOCUMENT_BYTES = 50 * 1024**2  # one disclosure file (a PDF may carry images); real records are well under 5 MB
# Text of one disclosure: the longest of the 10,149 SZSE records in ../shared holds 25,675 characters.
# Far beyond that a file is not one record (a concatenation, a dump) and would cost GBs to score at once.
MAX_DOCUMENT_CHARS = 1_000_000
# What a DOCX may unpack to: its XML is parsed whole (a record's document.xml is well under 5 MB);
# images and fonts add to the rest.
MAX_DOCX_XML_BYTES = 64 * 1024**2
MAX_UNPACKED_BYTES = 4 * MAX_DOCUMENT_BYTES
MAX_TABLE_BYTES = 2 * 1024**3  # tables are streamed, so they may be much bigger

HTML_SUFFIXES = (".html", ".htm")
DISCLOSURE_SUFFIXES = (".txt", ".pdf", ".docx") + HTML_SUFFIXES
TABLE_SUFFIXES = (".csv", ".csv.gz", ".jsonl", ".jsonl.gz", ".parquet")

_SNIFF_BYTES = 1024
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")


def walk_files(root: str) -> Iterator[str]:
    """Every file under ``root`` except hidden ones (name starting with "."), folders and files sorted."""
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield os.path.join(folder, name)


def check_file(source: str, max_bytes: int) -> int:
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
        raise IrtoneError(source, f"is too large ({mb(st.st_size)} > limit {mb(max_bytes)}; see max_bytes)")
    return st.st_size


def read_head(source: str, n: int = _SNIFF_BYTES) -> bytes:
    try:
        with open(source, "rb") as fh:
            return fh.read(n)
    except OSError as err:
        raise IrtoneError(source, f"cannot read file ({err.strerror or err})") from None


def read_bytes(source: str) -> bytes:
    try:
        with open(source, "rb") as fh:
            return fh.read()
    except OSError as err:
        raise IrtoneError(source, f"cannot read file ({err.strerror or err})") from None


def sniff(head: bytes) -> str:
    """Container type from magic bytes: pdf, zip, ole2, gzip, parquet or text."""
    if _PDF_HEADER.search(head[:_SNIFF_BYTES]):  # readers tolerate junk before the header
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"  # a DOCX if it holds word/document.xml: read_docx checks
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"PAR1"):
        return "parquet"
    return "text"


def table_suffix(source: str) -> str | None:
    lower = source.lower()
    return next((s for s in TABLE_SUFFIXES if lower.endswith(s)), None)


def table_format(source: str) -> str:
    return (table_suffix(source) or "").lstrip(".").removesuffix(".gz")


def one_line(err: BaseException, limit: int = 200) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mb(size: int) -> str:
    return f"{size / 1024**2:.1f} MB"
