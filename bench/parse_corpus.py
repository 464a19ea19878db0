"""Run nlp.parse over every record of the SZSE corpus and print counts (never record text).

    python bench/parse_corpus.py                 # counts and records/s
    python bench/parse_corpus.py --sample 40 --seed 7 [--exclude judged.txt]
                                                 # also the doc_ids of a hand-check sample
    python bench/parse_corpus.py --show ID ...   # print one record's content and parsed pairs
                                                 # to the terminal, for checking by hand

Reads ``../shared/corpus/szse_ir_records_2012_2015.csv.gz`` beside the checkout (or --corpus).
"Q&A markup" is decided by a regex of this script, independent of the parser: a line starting
(after optional numbering) with a question or answer marker, or a numbered line holding a ？.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "szse_ir_records_2012_2015.csv.gz"
META_COLUMNS = ("doc_id", "code", "name", "category", "institutions", "date")

MARKUP = re.compile(
    r"^\s*(?:[（(]?\d{1,3}[)）]?[、.．]?\s*)?"
    r"(?:问|答|提问|回答|回复|答复|问题\s*[\d一二三四五六七八九十]*|Q\s*\d*|A\s*\d*|投资者)\s*[:：]"
    r"|^\s*(?:\d{1,3}\s*[、.．]|[（(]\d{1,3}[)）]|[一二三四五六七八九十]{1,3}、)[^\n]*[？?]",
    re.M,
)
QUESTION_IN_ANSWER = re.compile(r"问[:：]|Q\d*[:：]|问题\d+[:：]")


def load(corpus: Path):
    import pandas as pd

    frame = pd.read_csv(corpus, dtype=str, keep_default_na=False)
    return frame


def documents(frame):
    from nlp.records import RawDocument

    for row in frame.itertuples(index=False):
        meta = {key: getattr(row, key) for key in META_COLUMNS if getattr(row, key)}
        yield RawDocument(source=f"corpus#{row.doc_id}", text=row.content, format="csv", meta=meta)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sample", type=int, default=0, help="print N doc_ids of records with Q&A markup")
    parser.add_argument("--seed", type=int, default=2026, help="random seed of --sample")
    parser.add_argument(
        "--exclude", type=Path, help="a file of doc_ids already judged (whitespace-separated): sample among the others"
    )
    parser.add_argument("--show", nargs="*", default=[], help="print these records and their parsed pairs")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus} (it lives in ../shared beside the checkout)", file=sys.stderr)
        return 2

    from nlp.parse import parse_document
    from nlp.records import IrtoneError

    frame = load(args.corpus)
    docs = list(documents(frame))
    if args.show:
        wanted = set(args.show)
        for doc in docs:
            if doc.source.split("#", 1)[1] in wanted:
                show(doc, parse_document)
        return 0

    has_markup: dict[str, bool] = {}
    results = {}
    errors = 0
    started = time.perf_counter()
    for doc in docs:
        try:
            results[doc.source] = parse_document(doc)
        except IrtoneError:
            errors += 1
    elapsed = time.perf_counter() - started

    with_markup = with_pairs = pairs = question_in_answer = empty_answers = empty_questions = 0
    presentation_only = 0
    for doc in docs:
        doc_id = doc.source.split("#", 1)[1]
        marked = bool(MARKUP.search(doc.text))
        has_markup[doc_id] = marked
        filing = results.get(doc.source)
        qa = filing.qa if filing else ()
        if marked:
            with_markup += 1
            with_pairs += bool(qa)
        elif filing and filing.segments and not qa:
            presentation_only += 1
        pairs += len(qa)
        for seg in qa:
            question_in_answer += bool(QUESTION_IN_ANSWER.search(seg.answer))
            empty_answers += not seg.answer
            empty_questions += not seg.question

    n = len(docs)
    print(f"records                         {n}")
    print(f"errors (IrtoneError)            {errors}")
    print(f"records with Q&A markup         {with_markup}")
    print(f"  of which parsed into >=1 pair {with_pairs} ({100 * with_pairs / max(with_markup, 1):.1f}%)")
    print(f"records without markup, presentation only {presentation_only}")
    print(f"total pairs                     {pairs}")
    print(f"answers holding a question marker {question_in_answer}")
    print(f"empty answers                   {empty_answers}")
    print(f"empty questions                 {empty_questions}")
    print(f"parse time                      {elapsed:.2f} s ({n / elapsed:.0f} records/s)")
    if args.sample:
        judged = set(args.exclude.read_text().split()) if args.exclude else set()
        marked_ids = sorted(doc_id for doc_id, marked in has_markup.items() if marked and doc_id not in judged)
        sample = random.Random(args.seed).sample(marked_ids, args.sample)
        print("sample doc_ids:", " ".join(sample))
    return 0


def show(doc, parse_document) -> None:
    print("=" * 100)
    print(doc.source, doc.meta.get("code"), doc.meta.get("name"))
    print(doc.text)
    print("-" * 100)
    filing = parse_document(doc)
    for seg in filing.segments:
        if seg.kind == "qa":
            print(f"[Q{seg.number}] {seg.question}")
            print(f"[A{seg.number}] {seg.answer}")
        else:
            print(f"[P{seg.number} {seg.title}] {seg.text}")


if __name__ == "__main__":
    raise SystemExit(main())
