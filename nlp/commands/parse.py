"""``irtone parse FILE``: a disclosure's metadata and its ordered Q&A segments.

Default output is a rich view (metadata table, then the numbered segments with long answers
shortened); ``--json`` prints exactly one JSON object with the keys of ``JSON_KEYS``.

A record in which no question-answer pair is found (a stub such as 见附件, a truncated file, or
text without Q&A markup) is still printed, and one warning line goes to stderr; the exit status is
0 then too (2 is a file that cannot be read or is no IR record at all).
"""
from __future__ import annotations

import argparse
import json
import sys

HELP = "parse a disclosure into metadata and ordered Q&A segments"

JSON_KEYS = (
    "code", "name", "company", "activity_types", "participants", "date", "period", "event_dates",
    "location", "staff", "filing_id", "segments",
)
SEGMENT_KEYS = ("kind", "number", "question", "answer", "text", "title")
ANSWER_PREVIEW_CHARS = 160  # long answers are cut here in the rich view; --json has them whole


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="one disclosure: TXT (any Chinese encoding), PDF, DOCX or HTML")
    parser.add_argument("--json", action="store_true", help="print one JSON object (keys: " + ", ".join(JSON_KEYS) + ")")
    parser.add_argument("--full", action="store_true", help="show whole answers in the rich view")


def filing_json(filing) -> dict:
    """The JSON object ``irtone parse --json`` prints for a Filing."""
    data = filing.to_dict()
    out = {key: data[key] for key in JSON_KEYS if key != "segments"}
    out["segments"] = [{key: seg[key] for key in SEGMENT_KEYS} for seg in data["segments"]]
    return out


def run(args: argparse.Namespace) -> int:
    from nlp.parse import parse_file

    filing = parse_file(args.file)
    if not filing.qa:
        print(f"irtone parse: warning: {args.file}: no question-answer pairs found "
              "(a stub such as 见附件, a truncated file, or no Q&A markup)", file=sys.stderr)
    if args.json:
        print(json.dumps(filing_json(filing), ensure_ascii=False))
        return 0
    _print_rich(filing, full=args.full)
    return 0


def _print_rich(filing, full: bool = False) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    meta = Table(show_header=False, box=None, pad_edge=False)
    meta.add_column(style="bold cyan", no_wrap=True)
    meta.add_column()
    rows = [
        ("证券代码 code", filing.code),
        ("证券简称 name", filing.name),
        ("公司 company", filing.company),
        ("日期 date", filing.date),
        ("报告期 period", filing.period),
        ("活动时间 event", " → ".join(filing.event_dates)),
        ("活动类别 activity", "、".join(filing.activity_types)),
        ("地点 location", filing.location),
        ("参与单位 participants", "\n".join(filing.participants)),
        ("接待人员 staff", "\n".join(filing.staff)),
        ("filing_id", filing.filing_id),
    ]
    for label, value in rows:
        if value:
            meta.add_row(label, escape(str(value)))
    qa = filing.qa
    sections = len(filing.segments) - len(qa)
    console.print(meta)
    console.print(f"[bold]{len(qa)}[/] Q&A pairs, [bold]{sections}[/] presentation sections  ({escape(filing.source)})")
    for seg in filing.segments:
        if seg.kind == "qa":
            console.print(f"\n[bold green]Q{seg.number}[/] {escape(seg.question) or '[dim](no question)[/]'}")
            console.print(f"[bold]A{seg.number}[/] {escape(_preview(seg.answer, full))}")
        else:
            title = escape(seg.title) if seg.title else "[dim](untitled)[/]"
            console.print(f"\n[bold magenta]§{seg.number}[/] {title}")
            if seg.text:
                console.print(f"[dim]{escape(_preview(seg.text, full))}[/]")


def _preview(text: str, full: bool) -> str:
    if full or len(text) <= ANSWER_PREVIEW_CHARS:
        return text
    return f"{text[:ANSWER_PREVIEW_CHARS]}… (+{len(text) - ANSWER_PREVIEW_CHARS} chars)"
