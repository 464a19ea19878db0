"""Evaluate the non_answer and forward_looking measures against human labels, and against keyword
baselines, on the labels' ``test`` split only.

The labels (docs/labeling_measures.md; ``bench/build_measures_labels.py`` writes them to
``bench/out/measures.jsonl``) are one JSON object a line with at least ``id``, ``split``, ``question``,
``answer``, ``non_answer`` (0/1), ``n_sentences`` and ``n_forward`` (a mean of two annotators may be
fractional). Reported, each with a percentile bootstrap 95 % interval (1,000 resamples of the items,
fixed seed), and the paired difference irtone − baseline on the same resamples:

- ``non_answer``: AUC of the score and F1 of the ``evasive`` flag (the documented threshold) against the
  label; the keyword baseline flags an answer holding any ``baselines.non_answer_keywords`` word of
  ``nlp/lang/zh_ir/measures.json`` (its AUC is that of a 0/1 score).
- ``forward_looking``: Spearman of the share against the labelled share n_forward / n_sentences, and F1
  of "has a forward-looking sentence"; the keyword baseline is the share of sentences holding any
  ``baselines.forward_keywords`` word (Li 2010's keyword approach, no exclusions).

Nothing here is tuned: thresholds and patterns come from the shipped files.

    python -m nlp.eval_measures bench/out/measures.jsonl [--split test]
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from nlp.lang import read_json
from nlp.records import IrtoneError
from nlp.text import json_objects

N_BOOT = 1000
SEED = 16
REQUIRED = ("id", "split", "answer", "non_answer", "n_sentences", "n_forward")
_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]*")
_CONTENT = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


@dataclass(frozen=True)
class LabelledItem:
    id: str
    split: str
    question: str
    answer: str
    non_answer: int
    n_sentences: float
    n_forward: float

    @property
    def forward_share(self) -> float:
        return self.n_forward / self.n_sentences


def _number(value, where: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise IrtoneError(where, f"{name} must be a number, got {value!r}")
    return float(value)


def load_measure_labels(path: str | Path) -> list[LabelledItem]:
    """Every line of the labels file as an item; a malformed line raises ``IrtoneError`` naming it."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise IrtoneError(str(path), f"cannot read the labels ({exc.strerror or exc})") from None
    items, seen = [], set()
    for where, row in json_objects(lines, path):
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise IrtoneError(where, f"missing {', '.join(missing)}")
        if row["non_answer"] not in (0, 1) or isinstance(row["non_answer"], bool):
            raise IrtoneError(where, f"non_answer must be 0 or 1, got {row['non_answer']!r}")
        n_sent = _number(row["n_sentences"], where, "n_sentences")
        n_fwd = _number(row["n_forward"], where, "n_forward")
        if n_sent <= 0 or not 0 <= n_fwd <= n_sent:
            raise IrtoneError(where, f"need n_sentences > 0 and 0 <= n_forward <= n_sentences, got {n_sent}, {n_fwd}")
        if not isinstance(row["answer"], str) or not isinstance(row.get("question") or "", str):
            raise IrtoneError(where, "question and answer must be text")
        item_id = str(row["id"])
        if item_id in seen:
            raise IrtoneError(where, f"duplicate id {item_id!r}")
        seen.add(item_id)
        items.append(LabelledItem(item_id, str(row["split"]), row.get("question") or "", row["answer"],
                                  int(row["non_answer"]), n_sent, n_fwd))
    return items


# ---- keyword baselines

@cache
def _baseline_regex(key: str) -> re.Pattern:
    words = read_json("measures.json")["baselines"][key]
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def sentences(text: str) -> list[str]:
    """The guide's sentences: whitespace dropped, split after 。！？；!?;, pieces without content dropped."""
    flat = "".join(text.split())
    return [s for s in _SENTENCE.findall(flat) if _CONTENT.search(s)]


def keyword_non_answer(answers: Sequence[str]) -> np.ndarray:
    """1.0 where the answer holds a non-answer keyword, else 0.0."""
    rx = _baseline_regex("non_answer_keywords")
    return np.array([1.0 if rx.search(a or "") else 0.0 for a in answers])


def keyword_forward_share(answers: Sequence[str]) -> np.ndarray:
    """The share of the guide's sentences that hold a forward keyword (NaN without a sentence)."""
    rx = _baseline_regex("forward_keywords")
    out = []
    for a in answers:
        sents = sentences(a or "")
        out.append(sum(1 for s in sents if rx.search(s)) / len(sents) if sents else math.nan)
    return np.array(out, dtype=float)


# ---- metrics

def f1(truth: np.ndarray, flag: np.ndarray) -> float:
    tp = float(np.sum((truth == 1) & (flag == 1)))
    fp = float(np.sum((truth == 0) & (flag == 1)))
    fn = float(np.sum((truth == 1) & (flag == 0)))
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else math.nan


def auc(truth: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney AUC (ties count half); NaN with one class only."""
    from scipy.stats import rankdata

    pos, neg = int(np.sum(truth == 1)), int(np.sum(truth == 0))
    if pos == 0 or neg == 0:
        return math.nan
    ranks = rankdata(score)
    return float((ranks[truth == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import rankdata

    if len(x) < 3:
        return math.nan
    rx, ry = rankdata(x), rankdata(y)
    if rx.std() == 0 or ry.std() == 0:
        return math.nan
    return float(np.corrcoef(rx, ry)[0, 1])


def bootstrap(metric: Callable[..., float], columns: Sequence[np.ndarray], n_boot: int = N_BOOT,
              seed: int = SEED, baseline: Sequence[np.ndarray] | None = None) -> dict:
    """The metric on all items, its percentile 95 % interval over ``n_boot`` resamples of the items,
    and with ``baseline`` (the same metric's other inputs) the baseline's value and the paired
    difference with its interval. Resamples where a metric is undefined are left out."""
    rng = np.random.default_rng(seed)
    n = len(columns[0])
    value = metric(*columns)
    draws, base_draws = [], []
    for _ in range(n_boot):
        idx = rng.integers(0, n, size=n)
        draws.append(metric(*(c[idx] for c in columns)))
        if baseline is not None:
            base_draws.append(metric(*(c[idx] for c in baseline)))
    out = {"value": value, "ci": _interval(draws)}
    if baseline is not None:
        out["baseline"] = metric(*baseline)
        out["baseline_ci"] = _interval(base_draws)
        out["difference"] = value - out["baseline"]
        out["difference_ci"] = _interval(np.asarray(draws) - np.asarray(base_draws))
    return out


def _interval(draws) -> tuple[float, float]:
    draws = np.asarray(draws, dtype=float)
    draws = draws[~np.isnan(draws)]
    if len(draws) == 0:
        return (math.nan, math.nan)
    lo, hi = np.percentile(draws, [2.5, 97.5])
    return (float(lo), float(hi))


# ---- the evaluation

def _irtone_columns(items: Sequence[LabelledItem]) -> dict[str, np.ndarray]:
    from nlp.features.measures import measure_columns
    from nlp.tokens import Tokenizer

    cut = Tokenizer().cutter()
    answers = [i.answer for i in items]
    questions = [i.question for i in items]
    return measure_columns(answers, questions, [cut(a) for a in answers], [cut(q) for q in questions],
                           [[] for _ in items])


def evaluate_measures(labels_path: str | Path, split: str = "test", n_boot: int = N_BOOT, seed: int = SEED) -> dict:
    """The evaluation of the labelled ``split`` (see the module's docstring) as a JSON-ready dict."""
    items = [i for i in load_measure_labels(labels_path) if i.split == split]
    if not items:
        raise IrtoneError(str(labels_path), f"no labelled items in the {split!r} split")
    cols = _irtone_columns(items)
    answers = [i.answer for i in items]
    truth = np.array([i.non_answer for i in items], dtype=float)
    score = np.nan_to_num(cols["non_answer"], nan=1.0)  # no content at all: nothing was answered
    flag = np.nan_to_num(cols["evasive"], nan=1.0)
    keyword = keyword_non_answer(answers)

    share = np.array([i.forward_share for i in items])
    ours = np.nan_to_num(cols["forward_looking"], nan=0.0)
    base = np.nan_to_num(keyword_forward_share(answers), nan=0.0)
    has_forward = (share > 0).astype(float)
    kw = dict(n_boot=n_boot, seed=seed)
    return {
        "labels": str(labels_path),
        "split": split,
        "n": len(items),
        "n_non_answer": int(truth.sum()),
        "bootstrap_resamples": n_boot,
        "seed": seed,
        "non_answer": {
            "auc": bootstrap(auc, (truth, score), baseline=(truth, keyword), **kw),
            "f1": bootstrap(f1, (truth, flag), baseline=(truth, keyword), **kw),
        },
        "forward_looking": {
            "spearman": bootstrap(spearman, (share, ours), baseline=(share, base), **kw),
            "f1_any": bootstrap(f1, (has_forward, (ours > 0).astype(float)),
                                baseline=(has_forward, (base > 0).astype(float)), **kw),
        },
    }


def format_report(report: dict) -> str:
    """The evaluation as a Markdown table."""
    def cell(v, ci):
        return f"{v:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]" if not math.isnan(v) else "n/a"

    lines = [f"{report['split']} split: {report['n']} items ({report['n_non_answer']} non-answers); "
             f"bootstrap {report['bootstrap_resamples']} resamples, seed {report['seed']}",
             "", "| measure | metric | irtone | keyword baseline | difference |", "| --- | --- | --- | --- | --- |"]
    for measure in ("non_answer", "forward_looking"):
        for metric, r in report[measure].items():
            lines.append(f"| {measure} | {metric} | {cell(r['value'], r['ci'])} | {cell(r['baseline'], r['baseline_ci'])} | "
                         f"{cell(r['difference'], r['difference_ci'])} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Evaluate non_answer and forward_looking against labels.")
    ap.add_argument("labels", type=Path)
    ap.add_argument("--split", default="test")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    report = evaluate_measures(args.labels, args.split)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
