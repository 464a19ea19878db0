"""PDF: the text layer (no OCR)."""
from __future__ import annotations

import re
import unicodedata

from nlp.read.files import one_line
from nlp.read.txt import newlines
from nlp.records import IrtoneError, RawDocument

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
    except Exception as err:  # PDFium wrappers raise other types for some damaged files
        raise IrtoneError(source, f"PDF is damaged ({type(err).__name__}: {one_line(err)})") from None
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                pages.append(_page_text(textpage))
            finally:
                textpage.close()
                page.close()
    except Exception as err:  # PdfiumError, and whatever else a damaged page makes the library raise
        raise IrtoneError(source, f"PDF is damaged ({type(err).__name__}: {one_line(err)})") from None
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


def _is_symbol(char: str) -> bool:
    """A check box or other pictograph (☑ □ √, a Wingdings private-use glyph): drawn in a font of its
    own, which PDF producers often write out of reading order."""
    return char == "√" or unicodedata.category(char) in ("So", "Co")


def _page_text(textpage) -> str:
    """The page's text with each symbol moved to where it is drawn on its line.

    LibreOffice and Word write the glyphs of a fallback or Symbol font in runs of their own, so
    the text layer may give ``□ 新闻发布会 路演活动 ☑`` for a line that shows ``□ 新闻发布会 ☑ 路演活动``.
    A symbol whose horizontal position falls between other characters of its line than those
    around it in the text is moved there, next to the nearer of the two (with a space on the other
    side). Lines whose other characters are not left to right are left alone.
    """
    text = textpage.get_text_range()
    if not any(_is_symbol(char) for char in text) or len(text) != textpage.count_chars():
        return text
    boxes = {}

    def box(index: int) -> tuple[float, float]:
        if index not in boxes:
            left, _, right, _ = textpage.get_charbox(index)
            boxes[index] = (left, right)
        return boxes[index]

    out: list[str] = []
    start = 0
    for end in [i for i, char in enumerate(text) if char == "\n"] + [len(text)]:
        out.append(_line_in_drawing_order(text, start, end, box))
        start = end
    return "".join(out)


def _line_in_drawing_order(text: str, start: int, end: int, box) -> str:
    line = list(range(start, end))  # indices into text, in text order
    symbols = [i for i in line if _is_symbol(text[i]) and box(i)[1] > box(i)[0]]
    if not symbols:
        return text[start:end]
    anchors = [i for i in line if i not in symbols and not text[i].isspace() and box(i)[1] > box(i)[0]]
    centres = [sum(box(i)) / 2 for i in anchors]
    if len(anchors) < 2 or any(b < a for a, b in zip(centres, centres[1:])):
        return text[start:end]
    order = [i for i in line if i not in symbols]
    for symbol in symbols:
        left, right = box(symbol)
        x = (left + right) / 2
        after = next((k for k, c in enumerate(centres) if c > x), len(anchors))  # anchors[after] is right of it
        position = line.index(symbol)
        prev_anchor = max((k for k, i in enumerate(anchors) if line.index(i) < position), default=-1)
        if prev_anchor == after - 1:
            order.insert(_insert_at(order, line, position), symbol)  # already between the right neighbours
            continue
        gap_left = left - box(anchors[after - 1])[1] if after > 0 else float("inf")
        gap_right = box(anchors[after])[0] - right if after < len(anchors) else float("inf")
        if gap_left <= gap_right:
            at = order.index(anchors[after - 1]) + 1
            order[at:at] = [symbol, -1]  # -1: a space
        else:
            at = order.index(anchors[after])
            order[at:at] = [-1, symbol]
    return "".join(" " if i == -1 else text[i] for i in order)


def _insert_at(order: list[int], line: list[int], position: int) -> int:
    """Where in ``order`` the character at ``line[position]`` goes back (after its text predecessor)."""
    for k in range(position - 1, -1, -1):
        if line[k] in order:
            return order.index(line[k]) + 1
    return 0


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

