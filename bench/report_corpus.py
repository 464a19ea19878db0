"""End-to-end check of the store, comparison and report on one company of the shared corpus.

Reads the records of one company from ``../shared/corpus/szse_ir_records_2012_2015.csv.gz``, parses
and scores each, stores them in a (temporary) database and builds the comparison of the latest filing,
timing each stage. One process; nothing from the corpus is written anywhere but the given database.

    python bench/report_corpus.py --code 002202 --db /tmp/irtone-002202.db
    irtone report 002202 --db /tmp/irtone-002202.db --json
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "szse_ir_records_2012_2015.csv.gz"
META = ("doc_id", "code", "name", "category", "institutions", "date")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", default="002202")
    parser.add_argument("--db", help="database to fill (default: a new temporary file)")
    parser.add_argument("--corpus", default=str(CORPUS))
    args = parser.parse_args(argv)
    if not Path(args.corpus).exists():
        print(f"corpus not found: {args.corpus} (it lives beside the checkout in ../shared)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    import pandas as pd

    from nlp.compare import comparison_for
    from nlp.parse import parse_document
    from nlp.records import IrtoneError, RawDocument
    from nlp.scorer import Scorer
    from nlp.store import Store

    db = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "irtone.db"
    frame = pd.read_csv(args.corpus, dtype=str, keep_default_na=False)
    rows = frame[frame["code"].str.zfill(6) == args.code]
    scorer = Scorer()
    scorer.model_version  # load the models before timing
    parse_s = score_s = put_s = 0.0
    new = failed = answers = 0
    with Store(db) as store:
        for _, row in rows.iterrows():
            meta = {k: row[k].strip() for k in META if row[k].strip()}
            meta["code"] = args.code
            doc = RawDocument(source=f"{Path(args.corpus).name}#{row['doc_id']}", text=row["content"], format="csv", meta=meta)
            t0 = time.perf_counter()
            try:
                filing = parse_document(doc)
            except IrtoneError as err:
                failed += 1
                print(f"skipped: {err}", file=sys.stderr)
                continue
            t1 = time.perf_counter()
            score = scorer.score_filing(filing)
            t2 = time.perf_counter()
            new += store.put(score)
            t3 = time.perf_counter()
            parse_s, score_s, put_s = parse_s + t1 - t0, score_s + t2 - t1, put_s + t3 - t2
            answers += len(score.answers)
        t0 = time.perf_counter()
        comparison = comparison_for(store, args.code)
        compare_s = time.perf_counter() - t0
        undated = sum(1 for f in store.filings(args.code) if not f.date_valid)
    n = len(rows)
    print(f"{args.code}: {n} records, {new} new filings stored, {failed} unparsable, {answers} answers, {undated} undated")
    print(f"parse {parse_s:.2f} s, score {score_s:.2f} s, store {put_s:.3f} s ({put_s / max(n, 1) * 1000:.1f} ms a filing)")
    print(f"compare latest ({comparison.current.filing.date}) with {len(comparison.history)} earlier filings: {compare_s:.2f} s")
    print(f"database: {db}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
