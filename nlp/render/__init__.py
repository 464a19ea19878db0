"""Render a ``Comparison`` (and a company's history) for people and for machines.

- ``nlp.render.terminal``: ``Report`` and its parts, rich renderables for the terminal and TXT.
- ``nlp.render.history``: ``HistoryTable``, a company's stored filings.
- ``nlp.render.html``: ``html_document``, the report as an HTML document with inline SVG charts
  (``nlp.render.charts``).
- ``nlp.render.json``: ``to_json`` / ``history_json`` (their keys are documented there).
- ``nlp.render.panel``: ``filings_frame``, the filing-level panel of ``irtone history --out``.
- ``nlp.render.export``: stdout and ``--export`` (.html, .png, .txt).
- ``nlp.render.why`` / ``nlp.render.format``: the why line and answer marks; number formats.
"""
from nlp.render.export import (  # noqa: F401
    EXPORT_FORMATS,
    EXPORT_WIDTH,
    builtin_theme_labels,
    export,
    print_or_export,
    render_text,
)
from nlp.render.format import (  # noqa: F401
    bar,
    date_or_period,
    period_label,
    points,
    signed,
    sparkline,
    tone_text,
)
from nlp.render.history import HistoryTable  # noqa: F401
from nlp.render.html import html_document  # noqa: F401
from nlp.render.json import SCHEMA, dumps, history_json, to_json  # noqa: F401
from nlp.render.panel import FILINGS_COLUMNS, filings_frame  # noqa: F401
from nlp.render.terminal import (  # noqa: F401
    GuidanceTable,
    Header,
    KeyAnswers,
    RecurringQuestions,
    Report,
    ThemeTable,
    ThemeToneTable,
    ToneGauge,
    WhatChanged,
)
from nlp.render.why import highlight_answer, why_line  # noqa: F401

__all__ = [
    "EXPORT_FORMATS", "EXPORT_WIDTH", "FILINGS_COLUMNS", "SCHEMA", "GuidanceTable", "Header", "HistoryTable", "KeyAnswers",
    "RecurringQuestions", "Report", "ThemeTable", "ThemeToneTable", "ToneGauge", "WhatChanged", "bar", "builtin_theme_labels",
    "date_or_period", "dumps", "export", "filings_frame", "highlight_answer", "history_json", "html_document",
    "period_label", "points", "print_or_export", "render_text", "signed", "sparkline", "to_json", "tone_text", "why_line",
]
