"""PDF: the text layer (no OCR)."""
from __future__ import annotations

import re
import unicodedata

from nlp.records import IrtoneError, RawDocument
from nlp.read.files import one_line
from nlp.read.txt import newlines

_CJK_RADICALS = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")

# Text layer via pypdfium2 (PDFium), chosen by measurement (bench/pdf_readers.py, 4 reportlab
# STSong-Light PDFs of the seed and fictional records, 9 pages): PDFium recovered 100 % of the
# characters (difflib ratio 1.0000, whitespace removed) and 100 % of the visual lines, at ~1400
# pages/s; pdfplumber 0.9995 / 98.2 % lines (drops ☑) at 52 pages/s; pdfminer.six 0.9992 /
# 95.5 % at 75 pages/s (splits table label and value apart); pypdf 1.0000 / 95.2 % at 318 pages/s.
# It is already installed as a dependency of pdfplumber.

_PDFIUM_PASSWORD_ERROR = 4
_PDFIUM_SECURITY_ERROR = 5


def read_pdf(source: str) -> RawDocument:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(source)  # PDFium tries the empty user password itself
    except pdfium.PdfiumError as err:
        code = getattr(err, "err_code", None)
        if code == _PDFIUM_PASSWORD_ERROR or "password" in str(err).lower():
            raise IrtoneError(source, "PDF is encrypted and needs a password; decrypt it first") from None
        if code == _PDFIUM_SECURITY_ERROR:
            raise IrtoneError(source, "PDF uses an unsupported security handler (encrypted)") from None
        raise IrtoneError(source, f"PDF is damaged or truncated ({one_line(err)})") from None
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
        raise IrtoneError(source, f"PDF is damaged ({one_line(err)})") from None
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
    text = newlines(text).replace("\ufffe", "-\n").replace("\x00", "")
    # Some PDF producers map hanzi to Kangxi radicals / compatibility ideographs (⽅ for 方).
    return _CJK_RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)

