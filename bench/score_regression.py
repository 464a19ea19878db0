"""Scores of a fixed sample of real answers, saved once and compared after a change of the scoring core.

    python bench/score_regression.py --save bench/out/scores_before.parquet [--sample 20000]
    python bench/score_regression.py --against bench/out/scores_before.parquet

The sample: ``--sample`` briefing answers (with their questions) drawn with a fixed seed from
../shared/corpus, plus every answer of ../shared/labels/dev.jsonl. ``--against`` prints, per column,
how many rows differ (floats: by more than ``--tol``, 1e-9), the largest difference, and a few
differing rows' ids, and exits 1 when any row differs. Output stays in bench/out/ (git-ignored):
it holds corpus text.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


def sample_frame(n: int, seed: int = 7):
    import pandas as pd

    with gzip.open(SHARED / "corpus" / "results_briefings_2016_2017.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    picked = sorted(random.Random(seed).sample(range(len(rows)), n))
    items = [{"id": f"B{i + 1}", "question": rows[i].get("question"), "answer": rows[i].get("answer")} for i in picked]
    with open(SHARED / "labels" / "dev.jsonl", encoding="utf-8") as fh:
        items += [{"id": d["id"], "question": d["question"], "answer": d["answer"]} for d in map(json.loads, fh)]
    return pd.DataFrame(items)


def _plain(value):
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist") and not isinstance(value, str):
        return tuple(_plain(v) for v in list(value))
    return str(value)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--against", type=Path)
    ap.add_argument("--sample", type=int, default=20000)
    ap.add_argument("--tol", type=float, default=1e-9)
    args = ap.parse_args()
    import numpy as np
    import pandas as pd

    import nlp

    df = sample_frame(args.sample)
    out = nlp.score_answers(df)
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        out.to_parquet(args.save)
        print(f"saved {len(out)} rows to {args.save}")
        return 0
    ref = pd.read_parquet(args.against)
    differs = False
    for col in ref.columns:
        if col not in out.columns:
            print(f"{col}: missing now")
            differs = True
            continue
        a, b = ref[col], out[col]
        if a.dtype.kind == "f":
            diff = np.abs(a.to_numpy() - b.to_numpy(dtype=float))
            both_nan = a.isna().to_numpy() & b.isna().to_numpy()
            bad = ~both_nan & ~(diff <= args.tol)
            worst = float(np.nanmax(np.where(both_nan, 0.0, diff))) if len(diff) else 0.0
            print(f"{col}: {int(bad.sum())} rows differ (max {worst:.3g})")
        else:
            # lists come back from parquet as arrays: compare them as tuples
            bad = np.array([_plain(x) != _plain(y) for x, y in zip(a, b)], dtype=bool)
            print(f"{col}: {int(bad.sum())} rows differ")
        if bad.any():
            differs = True
            print("   e.g.", ", ".join(df["id"][bad].head(5)))
    for col in out.columns.difference(ref.columns):
        print(f"{col}: new")
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
