"""Rebuild irtone's learned weights (nlp/data/model.json) from labelled answers in ../shared.

    python bench/train_models.py [--labels ../shared/labels/dev.jsonl] [--silver bench/out/silver.jsonl]
                                 [--out nlp/data/model.json]

Two sets of labels train the models:
- ``dev``: the human-labelled answers (two annotators and their consensus, ../shared/labels/dev.jsonl);
- ``silver``: answers of the shared corpora labelled by the labelling guide by model-assisted
  annotators (bench/labels/silver.jsonl holds the labels and references only; bench/build_silver.py
  joins the text from ../shared; this script runs it when the file is missing). See bench/labels/README.md.

Before fitting, it prints the honest estimates, each from models that never saw the items scored:
1. dev, 5-fold CV: every fold fitted on the silver labels and the other dev folds (the shipped recipe);
2. silver -> dev: fitted on the silver labels alone, scoring all of dev (human labels never trained on);
3. silver, 5-fold CV on silver items: agreement with the silver annotators (a different labeller);
4. the shipped model on bench/labels/silver_test.jsonl: silver answers of a third labelling round, never
   trained on (they lowered dev theme F1 when trained on, so they were kept out as a test set).
Then it fits on everything and writes the model: weights and feature statistics, the learned words'
weights, sha1 fingerprints of the training answers (so ``irtone eval`` knows its own training data), no text.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEV_WEIGHT = 1.0  # human labels against silver ones: chosen by the figures below


def metrics(pred, gold, names) -> dict:
    import numpy as np
    from scipy.stats import spearmanr
    from sklearn.metrics import f1_score

    f1 = {t: float(f1_score([t in x for x in gold["themes"]], [t in x for x in pred["themes"]])) for t in names}
    return {"tone_spearman": float(spearmanr(pred["tone"], gold["tone"])[0]), "theme_f1": f1,
            "theme_macro_f1": float(np.mean(list(f1.values())))}


def show(name: str, m: dict) -> str:
    themes = ", ".join(f"{t} {v:.3f}" for t, v in m["theme_f1"].items())
    return f"{name}: tone Spearman {m['tone_spearman']:.3f}; theme F1 {themes}; macro {m['theme_macro_f1']:.3f}"


def rounded(m: dict) -> dict:
    return {"tone_spearman": round(m["tone_spearman"], 4), "theme_f1": {t: round(v, 4) for t, v in m["theme_f1"].items()},
            "theme_macro_f1": round(m["theme_macro_f1"], 4)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", default=str(ROOT.parent / "shared" / "labels" / "dev.jsonl"))
    ap.add_argument("--silver", default=str(ROOT / "bench" / "out" / "silver.jsonl"),
                    help="silver-labelled answers with text (built by bench/build_silver.py); 'none' to train on --labels only")
    ap.add_argument("--silver-test", default=str(ROOT / "bench" / "out" / "silver_test.jsonl"),
                    help="held-out silver answers, never trained on (built from bench/labels/silver_test.jsonl); 'none' to skip")
    ap.add_argument("--out", default=str(ROOT / "nlp" / "data" / "model.json"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--dev-weight", type=float, default=DEV_WEIGHT,
                    help=f"how much a human-labelled answer counts against a silver one (default {DEV_WEIGHT})")
    args = ap.parse_args()

    import pandas as pd

    from nlp.evaluate import cross_validated_predictions
    from nlp.models.estimators import ThemeTagger, ToneModel
    from nlp.scorer import Scorer

    def make_scorer():
        # the estimators' defaults are the shipped recipe (their docstrings say why each value)
        return Scorer(theme_params=ThemeTagger().get_params(), tone_params=ToneModel().get_params())

    dev = pd.read_json(args.labels, lines=True)
    dev["weight"] = args.dev_weight
    silver = pd.DataFrame(columns=["question", "answer", "themes", "tone"])
    if args.silver != "none":
        if not Path(args.silver).exists():
            subprocess.run([sys.executable, str(ROOT / "bench" / "build_silver.py"), "--out", args.silver], check=True)
        silver = pd.read_json(args.silver, lines=True)
    silver_test = None
    if args.silver_test != "none":
        if not Path(args.silver_test).exists():
            subprocess.run([sys.executable, str(ROOT / "bench" / "build_silver.py"), "--refs",
                            str(ROOT / "bench" / "labels" / "silver_test.jsonl"), "--out", args.silver_test], check=True)
        silver_test = pd.read_json(args.silver_test, lines=True)
    names = make_scorer().theme_names
    print(f"labels: {len(dev)} dev answers ({Path(args.labels).name}), {len(silver)} silver answers")

    figures = {}
    cv = cross_validated_predictions(dev, make_scorer, n_splits=args.folds, random_state=0,
                                     extra_train=silver if len(silver) else None)
    figures["dev_cv"] = metrics(cv, dev, names)
    print(show(f"1. dev, {args.folds}-fold CV (folds fitted on silver + other dev folds)", figures["dev_cv"]))
    if len(silver):
        held_out = make_scorer().fit(silver).score_answers(dev[["question", "answer"]])
        figures["silver_to_dev"] = metrics(held_out, dev, names)
        print(show("2. silver only -> all dev (no dev label trained on)", figures["silver_to_dev"]))
        silver_cv = cross_validated_predictions(silver, make_scorer, n_splits=args.folds, random_state=0, extra_train=dev)
        figures["silver_cv"] = metrics(silver_cv, silver, names)
        print(show(f"3. silver, {args.folds}-fold CV (folds fitted on dev + other silver folds)", figures["silver_cv"]))

    train = pd.concat([dev[["question", "answer", "themes", "tone", "weight"]], silver[["question", "answer", "themes", "tone"]]],
                      ignore_index=True)
    final = make_scorer().fit(train)
    if silver_test is not None:
        figures["silver_test"] = metrics(final.score_answers(silver_test[["question", "answer"]]), silver_test, names)
        print(show(f"4. held-out silver test ({len(silver_test)} answers never trained on), shipped model",
                   figures["silver_test"]))
    model = final.model_dict()
    model["training"] = {"labels": Path(args.labels).name, "n": int(len(dev)), "extra_labels": int(len(silver)),
                         "dev_weight": args.dev_weight,
                         "extra_source": "bench/labels/silver.jsonl" if len(silver) else None, "cv_folds": args.folds,
                         **{k: rounded(v) for k, v in figures.items()}}
    Path(args.out).write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
