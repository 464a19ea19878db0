"""DOCX: paragraphs and tables in document order, plus the first section's page header."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from nlp.lang import read_text
from nlp.read.files import MAX_DOCX_XML_BYTES, MAX_UNPACKED_BYTES, mb, one_line
from nlp.read.txt import newlines
from nlp.records import IrtoneError, RawDocument

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


def read_docx(source: str) -> RawDocument:
    import zipfile

    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise IrtoneError(source, f"DOCX is damaged or truncated ({one_line(err)})") from None
    except Exception as err:  # NotImplementedError for a zip version or method zipfile lacks, and others
        raise IrtoneError(source, f"DOCX is damaged or unsupported ({type(err).__name__}: {one_line(err)})") from None
    if "word/document.xml" not in {info.filename for info in infos}:
        raise IrtoneError(source, "is a ZIP archive but not a DOCX (no word/document.xml)")
    # zipfile never inflates a member past its declared size, so the declared sizes bound memory
    unpacked = sum(info.file_size for info in infos)
    xml = sum(info.file_size for info in infos if info.filename.endswith((".xml", ".rels")))
    if unpacked > MAX_UNPACKED_BYTES or xml > MAX_DOCX_XML_BYTES:
        raise IrtoneError(
            source,
            f"DOCX unpacks to {mb(unpacked)} ({mb(xml)} of XML), more than a record holds "
            f"(limits {mb(MAX_UNPACKED_BYTES)}, {mb(MAX_DOCX_XML_BYTES)} of XML): a damaged file or a zip bomb",
        )
    import docx

    try:
        document = docx.Document(source)
        meta: dict[str, Any] = {}
        lines = _docx_header_lines(document) + _block_lines(document.element.body, meta)
    except IrtoneError:
        raise
    except Exception as err:  # python-docx and lxml raise many types for broken packages
        raise IrtoneError(source, f"DOCX is damaged ({type(err).__name__}: {one_line(err)})") from None
    text = newlines("\n".join(lines))
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
    """Lines of the paragraphs and tables directly in ``container``, in document order; a text box
    (or a shape with text) anchored in a paragraph follows that paragraph's own text."""
    lines: list[str] = []
    for child in container:
        tag = child.tag
        if tag == _W + "p":
            lines.append(_paragraph_text(child))
            for box in _text_boxes(child):
                lines.extend(_block_lines(box, meta))
        elif tag == _W + "tbl":
            lines.extend(_table_lines(child, meta))
        elif tag in (_W + "sdt", _W + "customXml"):
            content = child.find(_W + "sdtContent") if tag == _W + "sdt" else child
            if content is not None:
                lines.extend(_block_lines(content, meta))
    return lines


def _text_boxes(element: Any) -> Iterator[Any]:
    """The outermost ``w:txbxContent`` under ``element`` (DrawingML shapes and VML text boxes),
    skipping ``mc:Fallback``: it repeats the shape of its ``mc:Choice`` for older readers."""
    for child in element:
        if not isinstance(child.tag, str) or child.tag == _MC_FALLBACK:
            continue
        if child.tag == _W + "txbxContent":
            yield child
        else:
            yield from _text_boxes(child)


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

