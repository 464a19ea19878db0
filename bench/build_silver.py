"""Rebuild the silver-labelled answers (text included) from ../shared and bench/labels/silver.jsonl.

    python bench/build_silver.py [--refs bench/labels/silver.jsonl] [--corpus ../shared/corpus]
                                 [--out bench/out/silver.jsonl]

``bench/labels/silver.jsonl`` holds labels only (themes, tone, who labelled) and a reference into the
shared corpora (briefings: the line of the .jsonl.gz; IR records: doc_id and Q&A number), each with
the sha1 of the answer it labels: the corpus text is never committed. This script joins them back
into a labels file with ``question`` and ``answer`` (the layout of ``../shared/labels/dev.jsonl``) for
``bench/train_models.py`` and ``irtone eval --train-extra``. A reference whose answer no longer matches
its sha1 (the parser changed) is looked up among the record's other pairs, else dropped with a count.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def answer_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def build(refs_path: Path, corpus: Path) -> tuple[list[dict], int]:
    import pandas as pd

    from nlp.parse import parse_text

    items = [json.loads(line) for line in refs_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    want_lines = {it["ref"]["line"] for it in items if "line" in it["ref"]}
    briefings: dict[int, dict] = {}
    with gzip.open(corpus / "results_briefings_2016_2017.jsonl.gz", "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n in want_lines:
                briefings[n] = json.loads(line)
    want_docs = {str(it["ref"]["doc_id"]) for it in items if "doc_id" in it["ref"]}
    records = pd.read_csv(corpus / "szse_ir_records_2012_2015.csv.gz", dtype=str)
    pairs: dict[str, list] = {}
    for row in records[records["doc_id"].isin(want_docs)].itertuples():
        pairs[row.doc_id] = parse_text(row.content or "", source=f"ir#{row.doc_id}").qa
    out, missing = [], 0
    for it in items:
        ref = it["ref"]
        question = answer = None
        if "line" in ref:
            row = briefings.get(ref["line"])
            if row and answer_sha1(row.get("answer") or "") == ref["answer_sha1"]:
                question, answer = row.get("question") or "", row["answer"]
        else:
            qa = pairs.get(str(ref["doc_id"]), [])
            by_number = [s for s in qa if s.number == ref["number"] and answer_sha1(s.answer) == ref["answer_sha1"]]
            found = by_number or [s for s in qa if answer_sha1(s.answer) == ref["answer_sha1"]]
            if found:
                question, answer = found[0].question, found[0].answer
        if answer is None:
            missing += 1
            continue
        out.append({"id": it["id"], "source": "briefing" if "line" in ref else "ir_record", "question": question,
                    "answer": answer, "themes": it["themes"], "tone": it["tone"], "annotator": it["annotator"]})
    return out, missing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--refs", default=str(ROOT / "bench" / "labels" / "silver.jsonl"))
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "silver.jsonl"))
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"build_silver: {corpus} not found: the silver labels need the shared corpora", file=sys.stderr)
        return 2
    items, missing = build(Path(args.refs), corpus)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}: {len(items)} labelled answers ({missing} references no longer found)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
