"""``irtone eval LABELS.jsonl``: irtone against the baselines and the annotators on labelled answers.

One table: tone Spearman vs the consensus tone and theme F1 vs the consensus themes, each with a
95% bootstrap interval, for irtone, SnowNLP, 姚加权 net tone, jieba + keyword themes and the two
annotators against each other (the human ceiling), and the best tone Spearman a score without ties can
reach on these labels (the consensus ties heavily). ``--external`` adds 3-class macro-F1 on FinFE eval
(deduplicated) and CFBench news from ../shared/corpus. ``--json`` prints one JSON object instead.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

HELP = "evaluate tone and themes against labelled answers, with baselines"
DEFAULT_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
DASH = "—"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("labels", type=Path, metavar="LABELS.jsonl",
                        help="labelled answers: id, question, answer, themes, tone (-2..2); "
                             "optional themes_a, tone_a, themes_b, tone_b")
    parser.add_argument("--cv", type=int, metavar="N", default=None,
                        help="score irtone by N-fold cross-validation (refit per fold) even when the "
                             "labels do not overlap the shipped model's training data (default: 5-fold "
                             "CV only when they do)")
    parser.add_argument("--train-extra", type=Path, metavar="FILE", default=None,
                        help="more labelled answers (same layout) added to every cross-validation fold's training "
                             "data: the shipped model's recipe (bench/out/silver.jsonl, built by bench/build_silver.py)")
    parser.add_argument("--no-baselines", action="store_true", help="skip SnowNLP, 姚加权 and keyword baselines")
    parser.add_argument("--external", action="store_true",
                        help="add 3-class macro-F1 on FinFE eval (dedup) and CFBench news (slow: minutes)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder holding finfe/ and cfbench_sentiment_news.jsonl (default: ../shared/corpus)")
    parser.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                        help="bootstrap resamples for the 95%% intervals (default 1000; 0 for none)")
    parser.add_argument("--json", action="store_true", help="print the numbers as one JSON object")


def run(args: argparse.Namespace) -> int:
    from nlp.evaluate import default_scorer_factory, evaluate_external, evaluate_labels, load_labels
    from nlp.records import IrtoneError

    if args.cv is not None and args.cv < 2:
        raise IrtoneError("--cv", f"needs at least 2 folds, got {args.cv}")
    if args.bootstrap < 0:
        raise IrtoneError("--bootstrap", f"must be 0 or more, got {args.bootstrap}")
    labels = load_labels(args.labels)
    extra = load_labels(args.train_extra) if args.train_extra is not None else None
    if args.cv is not None and args.cv > len(labels):
        raise IrtoneError("--cv", f"{args.cv} folds but only {len(labels)} labelled answers")

    from rich.console import Console

    status_console = Console(stderr=True)
    make_scorer = default_scorer_factory()
    tokenizer = None
    if not args.no_baselines or args.external:
        from nlp.tokens import Tokenizer

        tokenizer = Tokenizer(engine="jieba")  # one tokenizer for every baseline run
    with status_console.status("scoring labelled answers…"):
        report = evaluate_labels(
            labels,
            source=str(args.labels),
            make_scorer=make_scorer,
            baselines=not args.no_baselines,
            cv=args.cv,
            n_boot=args.bootstrap,
            tokenizer=tokenizer,
            extra_train=extra,
        )
    if args.external:
        if not _corpus_present(args.corpus):
            report = _with_notes(report, [f"--external skipped: {args.corpus} has no finfe/ or cfbench_sentiment_news.jsonl"])
        else:
            with status_console.status("external sets…") as status:
                sizes, external, notes = evaluate_external(
                    args.corpus,
                    make_scorer,
                    baselines=not args.no_baselines,
                    tokenizer=tokenizer,
                    progress=lambda message: status.update(message),
                )
            from dataclasses import replace

            report = replace(report, external_sizes=sizes, external=external, notes=report.notes + tuple(notes))

    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return 0
    console = Console()
    console.print(render_table(report))
    if report.external_sizes:
        console.print(render_external_table(report))
    for note in report.notes:
        console.print(f"[dim]note:[/dim] {note}", highlight=False)
    return 0


def _corpus_present(corpus: Path) -> bool:
    return (corpus / "finfe" / "finfe_eval.json").is_file() and (corpus / "cfbench_sentiment_news.jsonl").is_file()


def _with_notes(report, notes):
    from dataclasses import replace

    fresh = tuple(n for n in notes if n not in report.notes)
    return replace(report, notes=report.notes + fresh)


def _number(value: float | None) -> str:
    if value is None:
        return DASH
    if math.isnan(value):
        return "n/a"
    return f"{value:.2f}"


def _with_ci(value: float | None, ci: tuple[float, float] | None) -> str:
    if value is None:
        return DASH
    if ci is None or any(math.isnan(v) for v in ci):
        return _number(value)
    return f"{_number(value)}\n{ci[0]:.2f}–{ci[1]:.2f}"  # interval on its own line: keeps columns narrow


def render_table(report):
    """The main eval table as a rich Table."""
    from rich import box
    from rich.table import Table

    title = f"irtone eval: {Path(report.labels).name or 'labels'} ({report.n_items} answers)"
    caption = (
        "tone: Spearman vs consensus tone; themes: F1 vs consensus themes"
        + (f"; below each: 95% interval from {report.bootstrap} bootstrap resamples of answers"
           if report.bootstrap else "")
        + ". Annotator A vs B: the two annotators against each other (the human ceiling). Best possible score"
        " without ties: the consensus's own order with its ties broken, the most a continuous score can reach."
    )
    table = Table(title=title, caption=caption, caption_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("system", min_width=12)
    table.add_column("tone\nSpearman", justify="right", min_width=10)
    for theme in report.themes:
        # theme names break at "_" so that four themes fit an 80-column terminal
        table.add_column(theme.replace("_", "_\n") + "\nF1", justify="right")
    table.add_column("themes\nmacro-F1", justify="right", min_width=10)
    for system in report.systems:
        per_theme = [
            _number(system.theme_f1.get(theme)) if system.theme_f1 is not None else DASH for theme in report.themes
        ]
        style = "bold" if system.kind == "irtone" else ("dim" if system.kind == "reference" else None)
        table.add_row(
            system.name,
            _with_ci(system.tone_spearman, system.tone_ci),
            *per_theme,
            _with_ci(system.macro_f1, system.macro_ci),
            style=style,
        )
    return table


def render_external_table(report):
    """3-class macro-F1 on the external sentiment sets as a rich Table."""
    from rich.table import Table

    table = Table(
        title="3-class tone macro-F1 on external sets",
        caption="baselines: score > 0.2 positive, < -0.2 negative (fixed a priori); irtone: its tone_label",
        caption_justify="left",
    )
    table.add_column("system")
    for name, size in report.external_sizes.items():
        table.add_column(f"{name} (n={size})", justify="right")
    for system in report.external:
        table.add_row(system.name, *[_number(system.macro_f1.get(name)) for name in report.external_sizes])
    return table


if __name__ == "__main__":  # pragma: no cover
    from nlp.cli import main

    sys.exit(main(["eval", *sys.argv[1:]]))
