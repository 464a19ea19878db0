"""Sanity table of the answer measures over a sample of the results-briefing corpus (stdout only).

    python bench/measures_sanity.py [--corpus ../shared/corpus/results_briefings_2016_2017.jsonl.gz]
                                    [--n 5000] [--seed 16] [--no-examples]

For specificity and relevance (no labels): their correlation with answer length, their distribution,
and the ten top and bottom answers by each (printed, never saved: the corpus may not be committed).
For non_answer and forward_looking: the rates irtone and the keyword baselines of ``nlp.eval_measures``
give on the same sample, and how far they agree (the labelled comparison is ``nlp.eval_measures``).
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS_NAME = "results_briefings_2016_2017.jsonl.gz"
DEFAULT_CORPUS = next((d / "shared" / "corpus" / CORPUS_NAME for d in (ROOT.parent, ROOT.parent.parent)
                       if (d / "shared" / "corpus" / CORPUS_NAME).exists()), ROOT.parent / "shared" / "corpus" / CORPUS_NAME)
QUANTILES = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)
CHUNK = 2000


def sample_pairs(path: Path, n: int, seed: int) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rows = [r for r in rows if (r.get("answer") or "").strip()]
    return random.Random(seed).sample(rows, min(n, len(rows)))


def spearman(x, y) -> float:
    from scipy.stats import spearmanr

    ok = ~(np.isnan(x) | np.isnan(y))
    return float(spearmanr(x[ok], y[ok]).statistic)


def clip(text: str, width: int = 70) -> str:
    flat = "".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--no-examples", action="store_true", help="figures only, no answer text")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"{args.corpus}: corpus not found (../shared beside the checkout)", file=sys.stderr)
        return 2

    from nlp.eval_measures import keyword_forward_share, keyword_non_answer
    from nlp.features.measures import measure_columns
    from nlp.tokens import Tokenizer

    pairs = sample_pairs(args.corpus, args.n, args.seed)
    answers = [p["answer"] for p in pairs]
    questions = [p.get("question") or "" for p in pairs]
    cut = Tokenizer().cutter()
    a_tok, q_tok = [cut(a) for a in answers], [cut(q) for q in questions]
    t0 = time.perf_counter()
    parts = [measure_columns(answers[i:i + CHUNK], questions[i:i + CHUNK], a_tok[i:i + CHUNK], q_tok[i:i + CHUNK],
                             [[] for _ in range(len(answers[i:i + CHUNK]))]) for i in range(0, len(answers), CHUNK)]
    elapsed = time.perf_counter() - t0
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    length = np.array([len("".join(a.split())) for a in answers], dtype=float)
    print(f"{len(pairs)} answers sampled (seed {args.seed}) from {args.corpus.name}; measures in {elapsed:.2f}s "
          f"({1000 * elapsed / len(pairs):.2f} ms per answer, chunks of {CHUNK}, tokens given)\n")

    print("| measure | Spearman with length | " + " | ".join(f"q{int(q * 100)}" for q in QUANTILES) + " | mean | share = 0 | NaN |")
    print("| --- | --- | " + " | ".join("---" for _ in QUANTILES) + " | --- | --- | --- |")
    for name in ("specificity", "relevance", "non_answer", "forward_looking"):
        v = cols[name]
        ok = v[~np.isnan(v)]
        qs = np.quantile(ok, QUANTILES)
        print(f"| {name} | {spearman(v, length):+.3f} | " + " | ".join(f"{q:.3f}" for q in qs) +
              f" | {ok.mean():.3f} | {np.mean(ok == 0):.3f} | {np.mean(np.isnan(v)):.3f} |")

    kw_na = keyword_non_answer(answers)
    ev = cols["evasive"]
    kw_fw = keyword_forward_share(answers)
    fw = cols["forward_looking"]
    both = ~np.isnan(ev)
    print("\n| baseline comparison on the sample | irtone | keyword baseline | agreement |")
    print("| --- | --- | --- | --- |")
    print(f"| non-answer rate (irtone: evasive) | {np.nanmean(ev):.3f} | {kw_na.mean():.3f} | "
          f"{np.mean(ev[both] == kw_na[both]):.3f} (same flag); Cohen's kappa {kappa(ev[both], kw_na[both]):.3f} |")
    print(f"| mean forward-looking share | {np.nanmean(fw):.3f} | {np.nanmean(kw_fw):.3f} | "
          f"Spearman {spearman(fw, kw_fw):.3f} |")
    print(f"| answers with a forward sentence | {np.nanmean(fw > 0):.3f} | {np.nanmean(kw_fw > 0):.3f} | |")
    print(f"| keyword-flagged answers irtone does not flag | {np.mean((kw_na == 1) & (ev == 0)):.3f} | | |")
    print(f"| irtone-flagged answers without a keyword | {np.mean((kw_na == 0) & (ev == 1)):.3f} | | |")

    if args.no_examples:
        return 0
    for name in ("specificity", "relevance"):
        v = cols[name]
        order = [i for i in np.argsort(v, kind="stable") if not np.isnan(v[i])]
        for title, idx in (("top", order[::-1][:10]), ("bottom", order[:10])):
            print(f"\n{name}: ten {title}")
            for i in idx:
                q = f"  Q: {clip(questions[i], 40)}" if name == "relevance" else ""
                print(f"  {v[i]:.3f}  A: {clip(answers[i])}{q}")
    return 0


def kappa(a: np.ndarray, b: np.ndarray) -> float:
    po = np.mean(a == b)
    pe = np.mean(a) * np.mean(b) + (1 - np.mean(a)) * (1 - np.mean(b))
    return float((po - pe) / (1 - pe)) if pe < 1 else float("nan")


if __name__ == "__main__":
    raise SystemExit(main())
