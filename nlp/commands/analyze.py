"""``irtone analyze FILE``: parse, score, store, and report one filing against the company's history."""
from __future__ import annotations

import argparse
import sys

from nlp.commands import count

HELP = "parse, score, store and report one filing against the company's earlier ones"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a disclosure: TXT (any Chinese encoding), PDF or DOCX")
    parser.add_argument("--db", metavar="PATH", help="the store (default: $IRTONE_DB or the user data directory)")
    parser.add_argument("--export", metavar="PATH", help="also write the report to PATH: .html (a document with tables and charts), .png (that document, "
                             "needs Chromium) or .txt")
    parser.add_argument("--json", action="store_true", help="print the report as JSON (keys: nlp/render/json.py)")
    parser.add_argument("--no-store", action="store_true", help="compare with the store but do not add the filing")
    parser.add_argument("--answers", type=count, default=3, metavar="N", help="key answers to show (default 3; 0 for none)")
    parser.add_argument("--explain", action="store_true",
                        help="show the models' learned words in the why lines (default: lexicon terms and theme evidence)")
    parser.add_argument("--themes", action="append", default=[], metavar="FILE",
                        help="a theme file (layout of nlp/lang/zh_ir/themes.json) adding to or replacing built-in themes; repeatable")
    parser.add_argument("--user-dict", action="append", default=[], metavar="FILE",
                        help="an extra tokenizer dictionary (format of nlp/lang/zh_ir/domain_dict.txt); repeatable")
    parser.add_argument("--tone-lexicon", metavar="FILE",
                        help="a tone lexicon replacing nlp/lang/zh_ir/tone_lexicon.txt (same format; start from a copy of it)")


def run(args: argparse.Namespace) -> int:
    from nlp.compare import TOP_MOVERS, compare, comparison_for
    from nlp.parse import parse_file
    from nlp.render import Report, print_or_export, to_json
    from nlp.scorer import Scorer
    from nlp.store import Store

    filing = parse_file(args.file)
    if not filing.qa:
        print(f"irtone analyze: warning: {args.file}: no question-answer pairs found "
              "(a truncated file, or a stub such as 见附件?); themes and tone are empty", file=sys.stderr)
    if not (filing.code or filing.name or filing.company):
        print(f"irtone analyze: warning: {args.file}: no company code or name found in the record; it is "
              "stored under its own key and cannot be compared with the company's other filings", file=sys.stderr)
    scorer = Scorer(theme_files=args.themes, user_dicts=args.user_dict, tone_lexicon=args.tone_lexicon)
    score = scorer.score_filing(filing)
    labels = dict(scorer.theme_labels)
    movers = max(args.answers, TOP_MOVERS)  # --answers N shows N movers, not at most the JSON's default 5
    store = Store(args.db, create=not args.no_store)
    if args.no_store and not store.path.exists():
        comparison = compare(score, [])
    else:
        with store:
            if not args.no_store:
                store.put(score)
                store.put_theme_labels(labels)
            company = store.company_of(filing)
            comparison = (comparison_for(store, company, current=score, top_movers=movers) if company
                          else compare(score, []))
    report = Report(comparison, labels, answers=args.answers, explain=args.explain)
    print_or_export(report, args.export, json_data=to_json(comparison, labels) if args.json else None)
    return 0
