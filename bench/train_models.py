"""Rebuild irtone's learned weights (nlp/data/model.json) from the labelled answers in ../shared.

    python bench/train_models.py [--labels ../shared/labels/dev.jsonl] [--out nlp/data/model.json]

Fits the pooled theme tagger and the tone model on every labelled answer, after printing their
5-fold cross-validated scores (the honest estimate: each fold is scored by models fitted without it).
The model file stores weights and feature statistics only, plus sha1 fingerprints of the training
answers (so `irtone eval` can tell when it is asked to score its own training data); no text.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--labels", default=str(ROOT.parent / "shared" / "labels" / "dev.jsonl"))
    ap.add_argument("--out", default=str(ROOT / "nlp" / "data" / "model.json"))
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()

    import numpy as np
    import pandas as pd
    from scipy.stats import spearmanr
    from sklearn.metrics import f1_score
    from sklearn.model_selection import KFold

    from nlp.pipeline import Scorer

    labels = pd.read_json(args.labels, lines=True)
    names = Scorer().theme_names
    preds = [None] * len(labels)
    for train, test in KFold(args.folds, shuffle=True, random_state=0).split(labels):
        scorer = Scorer().fit(labels.iloc[train])
        out = scorer.score_answers(labels.iloc[test])
        for i, (_, row) in zip(test, out.iterrows()):
            preds[i] = row
    pred = pd.DataFrame(preds)
    rho = spearmanr(pred["tone"], labels["tone"])[0]
    f1 = {t: f1_score([t in x for x in labels["themes"]], [t in x for x in pred["themes"]]) for t in names}
    print(f"{args.folds}-fold CV on {len(labels)} answers: tone Spearman {rho:.3f}; theme F1 "
          + ", ".join(f"{t} {v:.3f}" for t, v in f1.items()) + f"; macro {np.mean(list(f1.values())):.3f}")

    model = Scorer().fit(labels).model_dict()
    model["training"] = {"labels": Path(args.labels).name, "n": int(len(labels)), "cv_folds": args.folds,
                         "cv_tone_spearman": round(float(rho), 4),
                         "cv_theme_f1": {t: round(float(v), 4) for t, v in f1.items()}}
    Path(args.out).write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
