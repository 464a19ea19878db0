"""``irtone history CODE``: one row a stored filing of a company (without CODE: the stored companies)."""
from __future__ import annotations

import argparse
import sys

HELP = "one row a stored filing of a company: date (or reporting period), activity, answers, tone, institutions, themes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("company", metavar="CODE", nargs="?", help="6-digit stock code or company name (omit to list companies)")
    parser.add_argument("--db", metavar="PATH", help="the store (default: $IRTONE_DB or the user data directory)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--out", metavar="FILE",
                        help="write one row per stored filing (of CODE, or of every company) to FILE: "
                             ".parquet, .csv or .jsonl; a panel of filing-level tone, theme shares and tones, attendance")


def write_filings(rows, out: str, labels: dict[str, str] | None = None) -> None:
    """``nlp.report.filings_frame`` of ``rows`` to ``out`` (by its suffix), written beside it first
    and then renamed, so an interrupted export never leaves half a file under the name."""
    import os
    from pathlib import Path

    from nlp.batch import output_format
    from nlp.records import IrtoneError
    from nlp.render import builtin_theme_labels, filings_frame

    path = Path(out)
    fmt = output_format(path)  # the batch's formats, and its error for any other
    frame = filings_frame(rows, list(labels if labels is not None else builtin_theme_labels()))
    partial = path.with_name(path.name + ".partial")
    try:
        if fmt == "parquet":
            frame.to_parquet(partial, index=False)
        elif fmt == "csv":
            frame.to_csv(partial, index=False)
        else:
            frame.to_json(partial, orient="records", lines=True, force_ascii=False)
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise IrtoneError(out, f"cannot write ({err.strerror or err})") from None


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from nlp.render import HistoryTable, builtin_theme_labels, dumps, history_json
    from nlp.store import Store

    with Store(args.db, create=False) as store:
        if args.out:
            keys = [args.company] if args.company else [c.key for c in store.companies()]
            rows = [row for key in keys for row in store.filings(key)]
            write_filings(rows, args.out, {**builtin_theme_labels(), **store.theme_labels()})
            print(f"irtone history: {len(rows)} filing{'' if len(rows) == 1 else 's'} of {len(keys)} "
                  f"compan{'y' if len(keys) == 1 else 'ies'} "
                  f"→ {args.out}", file=sys.stderr)
            return 0
        if not args.company:
            companies = store.companies()
            if args.json:
                print(dumps([{"key": c.key, "code": c.code, "name": c.name, "filings": c.filings} for c in companies]))
                return 0
            table = Table("Company", "Code", "Name", "Filings", title=Text(f"{store.count()} filings in {store.path}"))
            for c in companies:
                table.add_row(Text(c.key), Text(c.code or ""), Text(c.name or ""), Text(str(c.filings)))
            Console().print(table)
            return 0
        rows = store.filings(args.company)
        labels = {**builtin_theme_labels(), **store.theme_labels()}
    if args.json:
        print(dumps(history_json(rows)))
        return 0
    first = rows[0]
    title = f"{first.name or first.company_name or first.company} {first.code or ''}".strip() + f": {len(rows)} filing{'' if len(rows) == 1 else 's'}"
    Console().print(HistoryTable(rows, labels, title=title))
    return 0
