"""Where a report goes: stdout (rich, or JSON) and an export file chosen by its suffix.

- ``.html``: the document of ``nlp.render.html`` (built from the numbers, not from the console).
- ``.png``: that document in headless Chromium (``chromium``, ``chromium-browser`` or
  ``google-chrome`` on PATH), screenshotted at ``PNG_WIDTH`` pixels and the page's height; with no
  such browser the export is a one-line ``IrtoneError`` saying so.
- ``.txt``: the terminal report as plain text at ``EXPORT_WIDTH`` columns (CJK characters two
  columns wide, as in a terminal).

SVG is not offered: a console recording in SVG sets every character in a one-column cell, which
squeezes Chinese to half its width in browsers, and it pulled its font from a CDN; the HTML
document with its inline SVG charts, and a PNG of it, serve instead.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console

from nlp.records import IrtoneError

EXPORT_WIDTH = 100
EXPORT_FORMATS = (".html", ".png", ".txt")
PNG_WIDTH = 1200
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def render_text(renderable: Any, width: int = 80) -> str:
    """Plain text of a renderable at ``width`` columns (no colour codes)."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def _document(renderable: Any) -> str:
    from nlp.render.html import html_document

    comparison = getattr(renderable, "comparison", None)
    if comparison is None:
        raise IrtoneError("export", "only a report (nlp.render.Report) has an HTML document")
    return html_document(comparison, getattr(renderable, "labels", None), getattr(renderable, "explain", False))


def _write(path: Path, text: str) -> None:
    """Write beside the target first and rename, so an interrupted export leaves no half file."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise IrtoneError(path, f"cannot write ({err.strerror or err})") from None


def browser() -> str | None:
    """The headless browser a PNG export uses, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(html_path: Path, png_path: Path, width: int = PNG_WIDTH, height: int | None = None) -> Path:
    """``html_path`` rendered by headless Chromium into ``png_path`` (no network, a fresh profile)."""
    exe = browser()
    if exe is None:
        raise IrtoneError(png_path, "PNG export needs Chromium (apt-get install chromium); export .html instead")
    if height is None:  # the page's own height: about 1.6 lines of text per 24 px, never below a screen
        height = max(900, min(20000, len(html_path.read_text(encoding="utf-8")) // 6))
    with tempfile.TemporaryDirectory() as profile:
        command = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--hide-scrollbars", f"--user-data-dir={profile}", f"--screenshot={png_path}",
                   f"--window-size={width},{height}", html_path.resolve().as_uri()]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=120)
        except (subprocess.SubprocessError, OSError) as err:
            raise IrtoneError(png_path, f"Chromium could not render the report ({err})") from None
    if not png_path.exists():
        raise IrtoneError(png_path, "Chromium wrote no screenshot")
    return png_path


def export(renderable: Any, path: str | Path, width: int = EXPORT_WIDTH) -> Path:
    """Write ``renderable`` to ``path`` as HTML, PNG or plain text (by suffix); see the module doc."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        raise IrtoneError(path, "SVG export is not offered (its Chinese text cannot be laid out right); use .html or .png")
    if suffix not in EXPORT_FORMATS:
        raise IrtoneError(path, f"unsupported export format {suffix or '(none)'}; use .html, .png or .txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".txt":
        _write(path, render_text(renderable, width))
        return path
    document = _document(renderable)
    if suffix == ".html":
        _write(path, document)
        return path
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(document, encoding="utf-8")
        return screenshot(page, path)


def builtin_theme_labels() -> dict[str, str]:
    """Theme name → display label from the built-in theme file (names shown as-is when unavailable)."""
    try:
        from nlp.themes import load_themes

        return {t.name: t.label for t in load_themes()}
    except (ImportError, IrtoneError, OSError, ValueError):
        return {}


def print_or_export(renderable: Any, export_path: str | None, *, json_data: Any = None) -> None:
    """The one output path of the report commands: JSON or the rich report on stdout, plus an export.

    The stdout console is rich's default: colour only on a terminal, no codes when piped.
    """
    if export_path:  # a bad export path fails before anything is printed
        suffix = Path(export_path).suffix.lower()
        if suffix not in EXPORT_FORMATS:
            export(renderable, export_path)
    if json_data is not None:
        import sys

        from nlp.render.json import dumps

        sys.stdout.write(dumps(json_data) + "\n")
    else:
        Console().print(renderable)
    if export_path:
        export(renderable, export_path)
