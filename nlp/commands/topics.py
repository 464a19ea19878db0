"""irtone topics INPUT... --k N: emergent topic discovery (NMF) over the answers of a set of filings."""
from __future__ import annotations

import json

HELP = "discover emergent topics (NMF) over a set of filings"


def add_arguments(parser) -> None:
    parser.add_argument("inputs", nargs="+", help="files, directories or tables (as for irtone batch)")
    parser.add_argument("--k", type=int, default=8, help="number of topics (default 8)")
    parser.add_argument("--top", type=int, default=10, help="terms shown per topic (default 10)")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--themes", action="append", default=[], metavar="FILE", help="extra theme file(s)")
    parser.add_argument("--json", action="store_true", help="print the topics as JSON")


def run(args) -> int:
    import sys

    from nlp.compare import TermFilter
    from nlp.parse import parse_document
    from nlp.read import iter_inputs
    from nlp.records import IrtoneError
    from nlp.scorer import Scorer
    from nlp.themes import load_themes
    from nlp.topics import TopicModel

    if args.k < 2:
        raise IrtoneError("--k", "needs at least 2 topics")
    scorer = Scorer(theme_files=args.themes)
    content_terms = TermFilter(tokenizer=scorer.tokenizer)  # the report's notion of a content term
    docs, errors, filings = [], 0, 0
    for item in iter_inputs(args.inputs):
        if isinstance(item, IrtoneError):
            errors += 1
            print(f"irtone topics: skipped: {item}", file=sys.stderr)
            continue
        try:
            filing = parse_document(item)
        except IrtoneError as err:
            errors += 1
            print(f"irtone topics: skipped: {err}", file=sys.stderr)
            continue
        filings += 1
        docs.extend(content_terms(seg.answer) for seg in filing.qa)
    docs = [d for d in docs if d]
    if len(docs) < args.k:
        raise IrtoneError(", ".join(args.inputs), f"only {len(docs)} answers found; need at least --k {args.k}")
    themes = load_themes(args.themes)
    model = TopicModel(k=args.k, top_n=args.top, random_state=args.random_state).fit(docs, themes)
    if args.json:
        print(json.dumps({"filings": filings, "answers": len(docs), "errors": errors, "topics": [
            {"topic": t.index, "share": t.share, "nearest_theme": t.nearest_theme, "shared_terms": list(t.shared_terms),
             "terms": [[w, s] for w, s in t.terms]}
            for t in model.topics_]}, ensure_ascii=False, indent=1))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{args.k} emergent topics over {len(docs)} answers from {filings} filing{'s' if filings != 1 else ''}", title_justify="left")
    labels = {t.name: t.label for t in themes}
    table.add_column("#", justify="right")  # rank by share (the JSON's "topic" is the model's own index)
    table.add_column("share", justify="right")
    table.add_column("top terms", overflow="fold")
    table.add_column("near theme (shared terms)")
    for rank, t in enumerate(model.topics_, 1):
        near = f"{labels.get(t.nearest_theme, t.nearest_theme)} ({' '.join(t.shared_terms)})" if t.nearest_theme else "—"
        table.add_row(str(rank), f"{t.share:.0%}", " ".join(w for w, _ in t.terms), near)
    Console().print(table)
    return 0
