"""The ``irtone`` command.

Each subcommand lives in ``nlp/commands/<name>.py`` and exposes ``HELP`` (one line),
``add_arguments(parser)`` and ``run(args) -> int``. Only the chosen subcommand's module is
imported, so ``irtone --help`` stays fast (no jieba, pandas or scikit-learn at start-up).
"""
from __future__ import annotations

import argparse
import importlib
import sys

# name -> one-line help; kept here (not read from the modules) so --help imports nothing heavy.
COMMANDS: dict[str, str] = {
    "analyze": "parse, score, store and report one filing against the company's earlier ones",
    "parse": "parse a disclosure into metadata and ordered Q&A segments",
    "batch": "score many files or tables into Parquet/CSV/JSONL (and a store)",
    "report": "report a company's latest (or a chosen) filing against its history",
    "history": "one row a stored filing of a company: date, activity, answers, tone, themes",
    "topics": "discover emergent topics (NMF) over a set of filings",
    "eval": "evaluate tone and themes against labelled answers, with baselines",
}

EXIT_BAD_INPUT = 2


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="irtone",
        description="Tone and theme analysis of Chinese investor-relations disclosures.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, text in COMMANDS.items():
        sub.add_parser(name, help=text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        parser = _top_parser()
        args = parser.parse_args(argv)
        if args.version:
            from nlp import __version__

            print(__version__)
            return 0
        parser.print_help()
        return 0 if not argv else EXIT_BAD_INPUT
    name = argv[0]
    module = importlib.import_module(f"nlp.commands.{name}")
    parser = argparse.ArgumentParser(prog=f"irtone {name}", description=COMMANDS[name])
    module.add_arguments(parser)
    args = parser.parse_args(argv[1:])
    from nlp.records import IrtoneError

    try:
        return int(module.run(args) or 0)
    except IrtoneError as err:
        print(f"irtone {name}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"irtone {name}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
