"""``irtone report CODE``: a company's latest (or chosen) stored filing against its earlier ones."""
from __future__ import annotations

import argparse
import sys

from nlp.commands import count

HELP = "report a company's latest (or a chosen) filing against its history"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("company", metavar="CODE", help="6-digit stock code or company name")
    parser.add_argument("--db", metavar="PATH", help="the store (default: $IRTONE_DB or the user data directory)")
    parser.add_argument("--date", metavar="D", help="report the filing of this date (YYYY-MM-DD), reporting period (2016, 2017H1) or id prefix")
    parser.add_argument("--json", action="store_true", help="print the report as JSON (keys: nlp/render/json.py)")
    parser.add_argument("--export", metavar="PATH", help="also write the report to PATH: .html (a document with tables and charts), .png (that document, "
                             "needs Chromium) or .txt")
    parser.add_argument("--answers", type=count, default=3, metavar="N", help="key answers to show (default 3; 0 for none)")
    parser.add_argument("--explain", action="store_true",
                        help="show the models' learned words in the why lines (default: lexicon terms and theme evidence)")


def run(args: argparse.Namespace) -> int:
    from nlp.compare import TOP_MOVERS, comparison_for, filings_on
    from nlp.render import Report, builtin_theme_labels, print_or_export, to_json
    from nlp.store import Store

    with Store(args.db, create=False) as store:
        key = store.resolve(args.company)
        comparison = comparison_for(store, key, date=args.date, top_movers=max(args.answers, TOP_MOVERS))
        if args.date:
            same = [r.filing_id for r in filings_on(store.filings(key), args.date)]
            if len(same) > 1:  # say which one is shown, and how to see the others
                shown = comparison.current.filing.filing_id
                others = ", ".join(f[:8] for f in same if f != shown)
                print(f"irtone report: {len(same)} filings on {args.date}; showing {shown[:8]} (the last stored); "
                      f"--date {others.split(',')[0]} shows another ({others})", file=sys.stderr)
        labels = {**builtin_theme_labels(), **store.theme_labels()}  # user themes keep their labels
    report = Report(comparison, labels, answers=args.answers, explain=args.explain)
    print_or_export(report, args.export, json_data=to_json(comparison, labels) if args.json else None)
    return 0
