"""Text → ``Filing``: the metadata and ordered segments of one investor-relations disclosure.

Public API::

    parse_document(doc: RawDocument) -> Filing
    parse_text(text, source="<text>", meta=None) -> Filing
    parse_file(path) -> Filing                      (nlp.read.read_file, then parse_document)

The rules the parser follows are written down in ``nlp/parse/RULES.md``. The modules, in the
order a record passes through them:

* ``cleaning``     lines without page furniture, repeated page headers or fake-bold doubling
* ``header``       the 记录表 header labels, the footer and the company's full name
* ``metadata``     field values: activity types (check boxes), people, dates, codes, ``filing_id``
* ``paragraphs``   lines joined into paragraphs, each with its marker role and numbering
* ``segment``      paragraphs → segments, trying the pairing strategies of ``pairing`` in order
* ``closing``      the closing boilerplate cut from the last answer
* ``assemble``     question, answer and presentation texts of the segments
* ``answers``      answers tables (results briefings) → a Filing of kind "answers"
* ``record``       a whole record → a Filing
* ``patterns``, ``vocabulary``, ``cues``, ``pairs``: the regular expressions, the marker words of
  ``nlp/lang/zh_ir/parse_markers.json``, small text predicates and the pair record they share.

Names with a leading underscore are internal to the package.
"""
from __future__ import annotations

import os
from typing import Any

from nlp.parse.answers import _parse_answers
from nlp.parse.record import _parse_record
from nlp.records import Filing, RawDocument
from nlp.text import normalize_segment_text

__all__ = ["parse_document", "parse_text", "parse_file", "normalize_segment_text"]


def parse_file(path: str | os.PathLike[str]) -> Filing:
    """Read one disclosure (TXT, PDF or DOCX) and parse it."""
    from nlp.read import read_file

    return parse_document(read_file(path))


def parse_text(text: str, source: str = "<text>", meta: dict[str, Any] | None = None) -> Filing:
    """Parse the text of one disclosure (``meta`` as ``RawDocument.meta``)."""
    return parse_document(RawDocument(source=source, text=text, format="txt", meta=dict(meta or {})))


def parse_document(doc: RawDocument) -> Filing:
    """Parse a ``RawDocument`` into a ``Filing`` (rules: nlp/parse/RULES.md)."""
    meta = doc.meta or {}
    if meta.get("pairs") is not None:
        return _parse_answers(doc.source, meta)
    return _parse_record(doc.source, doc.text or "", meta)
