"""HTML: a record saved from a browser or an exchange site, as the text a reader sees.

Parsed with lxml's HTML parser (it repairs broken markup as browsers do). Scripts, styles,
``<noscript>``, ``<template>`` and comments are dropped; block elements (``<p> <div> <li> <tr>
<h1>`` … and ``<br>``) end a line, table cells are separated by a tab, whitespace inside a line
collapses as a browser collapses it, and a check-box ``<input>`` becomes ☑ or □. The encoding is
the byte-order mark's, else the ``<meta>`` charset, else decided as for TXT.
"""
from __future__ import annotations

import codecs
import re
from typing import Any

from nlp.read.files import one_line, read_bytes
from nlp.read.txt import decode_text, newlines
from nlp.records import IrtoneError, RawDocument

_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_SKIPPED = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "select", "button"})
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "tfoot", "thead", "title", "tr", "ul",
})
_CELLS = frozenset({"td", "th"})
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_CHINESE_CHARSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def looks_like_html(head: bytes) -> bool:
    """The first bytes of a file start an HTML document (<!DOCTYPE html>, <html>, <head> or <body>)."""
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            head = head.decode("utf-16").encode("utf-8", errors="ignore")
        except UnicodeDecodeError:
            return False
    return bool(_HTML_START.match(head))


def read_html(source: str) -> RawDocument:
    data = read_bytes(source)
    markup, encoding = _decode(data, source)
    try:
        import lxml.etree
        import lxml.html
    except ImportError:  # pragma: no cover - lxml comes with python-docx
        raise IrtoneError(source, "is an HTML page; reading HTML needs lxml (pip install lxml)") from None
    try:
        root = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError) as err:
        raise IrtoneError(source, f"HTML cannot be parsed ({one_line(err)})") from None
    lines: list[str] = []
    current: list[str] = []
    _render(root, lines, current)
    lines.append("".join(current))
    text = newlines("\n".join(line.strip(" ") for line in lines))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise IrtoneError(source, "HTML page has no text (only markup, scripts or images)")
    return RawDocument(source=source, text=text, format="html", encoding=encoding)


def _decode(data: bytes, source: str) -> tuple[str, str]:
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as err:
                raise IrtoneError(source, f"has a {name} byte-order mark but is not valid {name} ({err.reason})") from None
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        name = _CHINESE_CHARSETS.get(name, name)
        try:
            codecs.lookup(name)
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: decide from the bytes
    text, name, _ = decode_text(data, source)
    return text, name


def _render(element: Any, lines: list[str], current: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else None
    if tag is None:  # a comment or processing instruction: only its tail is text
        _append(current, element.tail)
        return
    tag = tag.lower()
    if tag in _SKIPPED:
        _append(current, element.tail)
        return
    if tag == "br":
        _end_line(lines, current)
    elif tag == "input" and (element.get("type") or "").lower() in ("checkbox", "radio"):
        current.append("☑" if element.get("checked") is not None else "□")
    elif tag == "img" and element.get("alt"):
        _append(current, element.get("alt"))
    else:
        block = tag in _BLOCKS
        if block:
            _end_line(lines, current)
        if tag in _CELLS and current and "".join(current).strip():
            current.append("\t")
        if tag == "pre":
            lines.extend((element.text_content() or "").split("\n"))
        else:
            _append(current, element.text)
            for child in element:
                _render(child, lines, current)
        if block:
            _end_line(lines, current)
    _append(current, element.tail)


def _append(current: list[str], text: str | None) -> None:
    if text:
        current.append(_WHITESPACE.sub(" ", text))


def _end_line(lines: list[str], current: list[str]) -> None:
    line = "".join(current).strip(" ")
    if line:
        lines.append(line)
    current.clear()
