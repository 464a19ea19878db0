"""``irtone history CODE``: one row a stored filing of a company (without CODE: the stored companies)."""
from __future__ import annotations

import argparse

HELP = "one row a stored filing of a company: date (or reporting period), activity, answers, tone, themes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("company", metavar="CODE", nargs="?", help="6-digit stock code or company name (omit to list companies)")
    parser.add_argument("--db", metavar="PATH", help="the store (default: $IRTONE_DB or the user data directory)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from nlp.report import HistoryTable, builtin_theme_labels, dumps, history_json
    from nlp.store import Store

    with Store(args.db, create=False) as store:
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
    if args.json:
        print(dumps(history_json(rows)))
        return 0
    first = rows[0]
    title = f"{first.name or first.company_name or first.company} {first.code or ''}".strip() + f": {len(rows)} filing{'' if len(rows) == 1 else 's'}"
    Console().print(HistoryTable(rows, builtin_theme_labels(), title=title))
    return 0
