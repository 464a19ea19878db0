"""Evaluation: metrics, the cross-validation protocol, and the runs behind ``irtone eval``.

Metrics are pure functions over plain sequences (numpy only):

    spearman(x, y)                                  rank correlation, ties averaged
    theme_f1(true_lists, pred_lists, themes)        per-theme F1 and their macro mean
    bootstrap_ci(metric_fn, *columns, n, random_state)  95% percentile interval over resampled items
    three_class_macro_f1(true, pred)                negative / neutral / positive

Protocol: irtone's numbers on labelled answers that overlap the shipped model's training data are
computed by K-fold cross-validation (``cross_validated_predictions``): a fresh scorer is fitted on
each fold's training items and scores only the held-out items, never an item it was fitted on.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.records import IrtoneError
from nlp.text import json_objects

TONE_RANGE = (-2.0, 2.0)
ANNOTATOR_FIELDS = ("themes_a", "tone_a", "themes_b", "tone_b")
# What a scorer may learn from: the labels, never the annotators' separate judgements or ids.
FIT_COLUMNS = ("question", "answer", "themes", "tone")
TONE_CLASSES = ("negative", "neutral", "positive")
CONFIDENCE = 0.95

FINFE_LABELS = {0: "negative", 1: "neutral", 2: "positive"}
CFBENCH_LABELS = {"消极": "negative", "中性": "neutral", "积极": "positive"}


# --------------------------------------------------------------------------- labels


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_themes(value: Any, where: str, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
        raise IrtoneError(where, f"field {name!r} must be a list of theme names, got {value!r}")
    return list(value)


def _check_tone(value: Any, where: str, name: str) -> float:
    low, high = TONE_RANGE
    if not _is_number(value) or not low <= value <= high:
        raise IrtoneError(where, f"field {name!r} must be a number in [{low:g}, {high:g}], got {value!r}")
    return float(value)


def load_labels(path: str | Path):
    """Read a labels JSONL file (one labelled answer a line) into a DataFrame, validating each line.

    Required: ``id`` (str or int), ``question`` (str or null), ``answer`` (str), ``themes`` (list of
    theme names), ``tone`` (number in [-2, 2]). Optional, on every line or on none: the two
    annotators' ``themes_a``, ``tone_a``, ``themes_b``, ``tone_b``. Other fields are kept as they are.
    Raises ``IrtoneError`` naming the file and line on any problem.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise IrtoneError(str(path), "no such labels file")
    rows: list[dict[str, Any]] = []
    with_annotators: list[bool] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise IrtoneError(str(path), "labels file is not UTF-8 text") from None
    for where, item in json_objects(lines, path):
        missing = [name for name in ("id", "question", "answer", "themes", "tone") if name not in item]
        if missing:
            raise IrtoneError(where, f"missing field(s) {', '.join(missing)}")
        if not isinstance(item["id"], (str, int)) or isinstance(item["id"], bool):
            raise IrtoneError(where, f"field 'id' must be a string or an integer, got {item['id']!r}")
        item["id"] = str(item["id"])
        if item["question"] is None:
            item["question"] = ""
        for name in ("question", "answer"):
            if not isinstance(item[name], str):
                raise IrtoneError(where, f"field {name!r} must be a string")
        item["themes"] = _check_themes(item["themes"], where, "themes")
        item["tone"] = _check_tone(item["tone"], where, "tone")
        present = [name in item for name in ANNOTATOR_FIELDS]
        if any(present) and not all(present):
            absent = [n for n, p in zip(ANNOTATOR_FIELDS, present) if not p]
            raise IrtoneError(where, f"annotator labels incomplete: missing {', '.join(absent)}")
        if all(present):
            for suffix in ("a", "b"):
                item[f"themes_{suffix}"] = _check_themes(item[f"themes_{suffix}"], where, f"themes_{suffix}")
                item[f"tone_{suffix}"] = _check_tone(item[f"tone_{suffix}"], where, f"tone_{suffix}")
        with_annotators.append(all(present))
        rows.append(item)
    if not rows:
        raise IrtoneError(str(path), "no labelled answers in file")
    if any(with_annotators) and not all(with_annotators):
        raise IrtoneError(str(path), "annotator labels (themes_a ... tone_b) on some lines only")
    frame = pd.DataFrame(rows)
    duplicated = frame["id"][frame["id"].duplicated()].tolist()
    if duplicated:
        raise IrtoneError(str(path), f"duplicate id(s): {', '.join(duplicated[:5])}")
    return frame


def has_annotators(labels) -> bool:
    return all(name in labels.columns for name in ANNOTATOR_FIELDS)


def text_fingerprint(text: str) -> str:
    """sha1 hex digest of an answer's UTF-8 text: how a model records what it was trained on."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def training_overlap(texts: Iterable[str], trained_on: Iterable[str]) -> list[bool]:
    """Per text: was it among the training texts?

    A model may fingerprint the text as is, stripped, or with all whitespace removed (irtone's
    ``nlp.scorer.text_fingerprint``); any of the three counts as a match.
    """
    trained = frozenset(trained_on)
    if not trained:
        return [False for _ in texts]
    return [
        any(text_fingerprint(form) in trained for form in (text, text.strip(), "".join(text.split())))
        for text in texts
    ]


def trained_on(scorer) -> frozenset[str]:
    """The sha1 digests of the answers a scorer was trained on (empty when it does not say)."""
    digests = getattr(scorer, "trained_on", None)
    if digests is None:
        digests = getattr(scorer, "training_fingerprint", None)
    return frozenset(digests or ())


# --------------------------------------------------------------------------- metrics


def _average_ranks(values):
    import numpy as np

    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts_group = np.r_[True, ordered[1:] != ordered[:-1]]
    group = np.cumsum(starts_group) - 1
    starts = np.flatnonzero(starts_group)
    ends = np.r_[starts[1:], len(values)]
    mean_rank = (starts + ends - 1) / 2.0 + 1.0
    ranks = np.empty(len(values), dtype=float)
    ranks[order] = mean_rank[group]
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman rank correlation (ties get their average rank); nan when either side is constant."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"spearman needs two sequences of one length, got {x.shape} and {y.shape}")
    if np.isnan(x).any() or np.isnan(y).any():
        raise ValueError("spearman: missing values (nan) in input")
    if len(x) < 2:
        return math.nan
    rx = _average_ranks(x)
    ry = _average_ranks(y)
    rx -= rx.mean()
    ry -= ry.mean()
    denominator = math.sqrt(float(rx @ rx) * float(ry @ ry))
    if denominator == 0.0:
        return math.nan
    return float(rx @ ry) / denominator


def _nanmean(values: Iterable[float]) -> float:
    defined = [v for v in values if not math.isnan(v)]
    return sum(defined) / len(defined) if defined else math.nan


def _f1(tp: int, fp: int, fn: int) -> float:
    # Undefined (nan) when the class is absent from both truth and predictions.
    return math.nan if tp + fp + fn == 0 else 2.0 * tp / (2.0 * tp + fp + fn)


def theme_f1(
    true_lists: Sequence[Iterable[str]], pred_lists: Sequence[Iterable[str]], themes: Sequence[str]
) -> dict[str, float]:
    """F1 per theme (items as multi-label sets) plus ``"macro"``, the mean over themes.

    A theme absent from both truth and predictions has F1 nan and is left out of the macro mean.
    Predicted themes not in ``themes`` are ignored.
    """
    if len(true_lists) != len(pred_lists):
        raise ValueError(f"theme_f1: {len(true_lists)} true items but {len(pred_lists)} predictions")
    true_sets = [set(t) for t in true_lists]
    pred_sets = [set(p) for p in pred_lists]
    scores: dict[str, float] = {}
    for theme in themes:
        tp = fp = fn = 0
        for truth, pred in zip(true_sets, pred_sets):
            if theme in pred:
                if theme in truth:
                    tp += 1
                else:
                    fp += 1
            elif theme in truth:
                fn += 1
        scores[theme] = _f1(tp, fp, fn)
    scores["macro"] = _nanmean(scores[t] for t in themes)
    return scores


def macro_theme_f1(true_lists, pred_lists, themes) -> float:
    return theme_f1(true_lists, pred_lists, themes)["macro"]


def three_class_macro_f1(true_labels: Sequence[str], pred_labels: Sequence[str]) -> float:
    """Macro-F1 over negative / neutral / positive (a class absent from truth and predictions is skipped)."""
    if len(true_labels) != len(pred_labels):
        raise ValueError("three_class_macro_f1: sequences differ in length")
    unknown = (set(true_labels) | set(pred_labels)) - set(TONE_CLASSES)
    if unknown:
        raise ValueError(f"three_class_macro_f1: unknown label(s) {sorted(unknown)}")
    scores = []
    for cls in TONE_CLASSES:
        tp = sum(t == cls and p == cls for t, p in zip(true_labels, pred_labels))
        fp = sum(t != cls and p == cls for t, p in zip(true_labels, pred_labels))
        fn = sum(t == cls and p != cls for t, p in zip(true_labels, pred_labels))
        scores.append(_f1(tp, fp, fn))
    return _nanmean(scores)


def bootstrap_ci(
    metric_fn: Callable[..., float],
    *columns: Sequence[Any],
    n: int = 1000,
    random_state: int = 0,
    confidence: float = CONFIDENCE,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``metric_fn(*columns)``, resampling items with replacement.

    ``columns`` are parallel per-item sequences (e.g. predictions and truth); each resample draws
    the same item indices from all of them. Deterministic for a given ``random_state``. Resamples
    on which the metric is undefined (nan) are dropped; (nan, nan) if all are.
    """
    import numpy as np

    if not columns:
        raise ValueError("bootstrap_ci needs at least one column of items")
    columns_as_lists = [list(column) for column in columns]
    size = len(columns_as_lists[0])
    if any(len(column) != size for column in columns_as_lists):
        raise ValueError("bootstrap_ci: columns differ in length")
    if size == 0 or n < 1:
        return (math.nan, math.nan)
    rng = np.random.default_rng(random_state)
    values = []
    for _ in range(n):
        index = rng.integers(0, size, size)
        value = metric_fn(*[[column[i] for i in index] for column in columns_as_lists])
        if not math.isnan(value):
            values.append(value)
    if not values:
        return (math.nan, math.nan)
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(values, [tail, 100.0 - tail])
    return (float(low), float(high))


# --------------------------------------------------------------------------- cross-validation


def _fit_columns(df) -> list[str]:
    """The columns ``fit`` reads: ``FIT_COLUMNS`` and, where present, the optional ``weight``."""
    return [c for c in (*FIT_COLUMNS, "weight") if c in df.columns]


def cross_validated_predictions(labels_df, make_scorer: Callable[[], Any], n_splits: int = 5, random_state: int = 0,
                                extra_train=None):
    """Out-of-fold predictions: every item scored by a scorer fitted without it.

    ``KFold(n_splits, shuffle=True, random_state)``; per fold ``make_scorer().fit(train)`` on the
    training items' ``question, answer, themes, tone`` only, then ``.score_answers(test)`` on the
    held-out items' ``id, question, answer`` (no labels). Returns the scorers' output rows
    concatenated in the original order (index of ``labels_df``), plus a ``cv_fold`` column.
    ``extra_train``: more labelled answers added to every fold's training items (the recipe of a
    model trained on more than these labels), except any whose answer is in the fold's test items.
    """
    import pandas as pd
    from sklearn.model_selection import KFold

    count = len(labels_df)
    if n_splits < 2 or n_splits > count:
        raise ValueError(f"cross-validation needs 2 <= folds <= items ({count}), got {n_splits}")
    test_columns = [c for c in ("id", "question", "answer") if c in labels_df.columns]
    folds = KFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    extra = None
    if extra_train is not None and len(extra_train):
        extra = extra_train[_fit_columns(extra_train)].reset_index(drop=True)
        extra_texts = [str(a) for a in extra["answer"]]
    parts = []
    for fold, (train_index, test_index) in enumerate(folds.split(labels_df)):
        train = labels_df.iloc[train_index][_fit_columns(labels_df)].reset_index(drop=True)
        test = labels_df.iloc[test_index][test_columns].reset_index(drop=True)
        if extra is not None:  # never train on a held-out answer, whitespace aside
            held_out = {text_fingerprint("".join(str(a).split())) for a in test["answer"]}
            keep = [not hit for hit in training_overlap(extra_texts, held_out)]
            train = pd.concat([train, extra[keep]], ignore_index=True)
        scorer = make_scorer().fit(train)
        out = scorer.score_answers(test)
        if len(out) != len(test):
            raise RuntimeError(f"fold {fold}: scorer returned {len(out)} rows for {len(test)} answers")
        out = out.reset_index(drop=True).copy()
        out["cv_fold"] = fold
        out.index = test_index
        parts.append(out)
    combined = pd.concat(parts).sort_index()
    combined.index = labels_df.index
    return combined


# --------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class SystemScores:
    """One row of the eval table. None where the system does not predict that (tone or themes)."""

    name: str
    kind: str  # "irtone", "baseline" or "reference"
    tone_spearman: float | None = None
    tone_ci: tuple[float, float] | None = None
    theme_f1: dict[str, float] | None = None  # per theme, without "macro"
    macro_f1: float | None = None
    macro_ci: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return _json_safe(
            {
                "name": self.name,
                "kind": self.kind,
                "tone_spearman": self.tone_spearman,
                "tone_spearman_ci95": list(self.tone_ci) if self.tone_ci else None,
                "theme_f1": self.theme_f1,
                "macro_f1": self.macro_f1,
                "macro_f1_ci95": list(self.macro_ci) if self.macro_ci else None,
            }
        )


@dataclass(frozen=True)
class ExternalScores:
    """3-class macro-F1 on external sentiment sets: dataset name → score (None: not run)."""

    name: str
    macro_f1: dict[str, float | None]

    def to_dict(self) -> dict[str, Any]:
        return _json_safe({"name": self.name, "macro_f1": self.macro_f1})


@dataclass(frozen=True)
class EvalReport:
    labels: str
    n_items: int
    themes: tuple[str, ...]
    systems: tuple[SystemScores, ...]
    irtone_mode: str | None  # "shipped", "5-fold CV", ... or None when irtone was not run
    notes: tuple[str, ...] = ()
    external_sizes: dict[str, int] = field(default_factory=dict)
    external: tuple[ExternalScores, ...] = ()
    bootstrap: int = 1000

    def to_dict(self) -> dict[str, Any]:
        return _json_safe(
            {
                "labels": self.labels,
                "n_items": self.n_items,
                "themes": list(self.themes),
                "irtone_mode": self.irtone_mode,
                "bootstrap_resamples": self.bootstrap,
                "systems": [s.to_dict() for s in self.systems],
                "external": {
                    "sizes": self.external_sizes,
                    "systems": [e.to_dict() for e in self.external],
                }
                if self.external_sizes or self.external
                else None,
                "notes": list(self.notes),
            }
        )


def _json_safe(value):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def score_system(
    name: str,
    kind: str,
    true_tone: Sequence[float] | None = None,
    pred_tone: Sequence[float] | None = None,
    true_themes: Sequence[Iterable[str]] | None = None,
    pred_themes: Sequence[Iterable[str]] | None = None,
    themes: Sequence[str] = (),
    n_boot: int = 1000,
    random_state: int = 0,
) -> SystemScores:
    """Spearman and theme F1 (with bootstrap CIs) of one system's predictions against truth."""
    tone_value = tone_ci = per_theme = macro = macro_ci = None
    if pred_tone is not None:
        tone_value = spearman(pred_tone, true_tone)
        tone_ci = bootstrap_ci(spearman, pred_tone, true_tone, n=n_boot, random_state=random_state)
    if pred_themes is not None:
        scores = theme_f1(true_themes, pred_themes, themes)
        macro = scores.pop("macro")
        per_theme = scores
        macro_ci = bootstrap_ci(
            lambda t, p: macro_theme_f1(t, p, themes), true_themes, pred_themes, n=n_boot, random_state=random_state
        )
    return SystemScores(name, kind, tone_value, tone_ci, per_theme, macro, macro_ci)


def evaluated_themes(labels, preferred_order: Sequence[str] = ()) -> tuple[str, ...]:
    """Themes to score: those with at least one positive in the consensus labels.

    Ordered as in ``preferred_order`` (the scorer's theme order), then alphabetically.
    """
    present = {theme for themes in labels["themes"] for theme in themes}
    ordered = [t for t in preferred_order if t in present]
    return tuple(ordered + sorted(present - set(ordered)))


def default_scorer_factory():
    """``nlp.scorer.Scorer``."""
    from nlp.scorer import Scorer

    return Scorer


def _is_pipeline_scorer(make_scorer) -> bool:
    from nlp.scorer import Scorer

    return make_scorer is Scorer


def _irtone_predictions(labels, make_scorer, cv: int | None, random_state: int, extra_train=None):
    """(predictions, mode, notes, theme_names) for irtone on the labels, honestly."""
    notes = []
    shipped = make_scorer()
    overlap = sum(training_overlap(labels["answer"].tolist(), trained_on(shipped)))
    theme_names = list(getattr(shipped, "theme_names", []) or [])
    if overlap or cv:
        folds = cv or 5
        if overlap:
            notes.append(
                f"{overlap} of {len(labels)} labelled answers are in the shipped model's training data: "
                f"irtone is scored by {folds}-fold cross-validation (refitted per fold)"
            )
        predictions = cross_validated_predictions(labels, make_scorer, n_splits=folds, random_state=random_state,
                                                  extra_train=extra_train)
        extra = len(extra_train) if extra_train is not None else 0
        trained_extra = (getattr(shipped, "training_info", None) or {}).get("extra_labels", 0)
        if extra:
            notes.append(f"each fold is also fitted on {extra} extra labelled answers (--train-extra), as the shipped model was")
        elif trained_extra:
            notes.append(f"the shipped model was also fitted on {trained_extra} extra labelled answers: without them "
                         f"(--train-extra FILE) the folds are fitted on these labels alone and score lower")
        mode = f"{folds}-fold CV" + (" + extra" if extra else "")
        return predictions, mode, notes, theme_names
    test_columns = [c for c in ("id", "question", "answer") if c in labels.columns]
    predictions = shipped.score_answers(labels[test_columns].reset_index(drop=True))
    if len(predictions) != len(labels):
        raise RuntimeError(f"scorer returned {len(predictions)} rows for {len(labels)} answers")
    notes.append("no labelled answer is in the shipped model's training data: the shipped model scores them directly")
    return predictions.reset_index(drop=True), "shipped", notes, theme_names


CEILING_NAME = "best possible score without ties"


def continuous_ceiling(tone: Sequence[float]) -> list[float]:
    """The consensus's own order with its ties broken by position: the highest tone Spearman a score
    that never ties can reach. The consensus ties heavily (most answers 0 or +1); two annotators'
    integer scores share such ties and so can agree above this, a continuous score cannot."""
    import numpy as np

    order = np.argsort(np.asarray(tone, dtype=float), kind="stable")
    ranks = np.empty(len(order))
    ranks[order] = np.arange(len(order))
    return ranks.tolist()


def evaluate_labels(
    labels,
    source: str = "",
    make_scorer: Callable[[], Any] | None | str = "default",
    baselines: bool = True,
    cv: int | None = None,
    n_boot: int = 1000,
    random_state: int = 0,
    tokenizer=None,
    snownlp_signal: bool = True,
    extra_train=None,
) -> EvalReport:
    """irtone, the baselines and the annotators' agreement on a labels DataFrame (``load_labels``).

    ``make_scorer``: a callable returning a scorer (default ``nlp.scorer.Scorer``; None skips
    irtone). irtone is cross-validated when ``cv`` is given or the labels overlap the shipped
    model's training data (``trained_on``); otherwise the shipped model scores the labels directly.
    ``snownlp_signal`` (with baselines and the default scorer): one more row, irtone with SnowNLP's
    sentiment as an extra tone feature, always cross-validated (that model is never shipped), to show
    what SnowNLP adds. ``extra_train``: labelled answers added to every cross-validation fold's
    training data (the shipped model's recipe when it was trained on more than these labels).
    """
    notes: list[str] = []
    if make_scorer == "default":
        make_scorer = default_scorer_factory()
    true_tone = labels["tone"].tolist()
    true_themes = labels["themes"].tolist()

    irtone_rows = []
    mode = None
    theme_order: list[str] = []
    if make_scorer is not None:
        predictions, mode, irtone_notes, theme_order = _irtone_predictions(labels, make_scorer, cv, random_state,
                                                                           extra_train)
        notes.extend(irtone_notes)
        irtone_rows.append((predictions["tone"].astype(float).tolist(), [list(t) for t in predictions["themes"]]))
    snownlp_rows = []
    if baselines and snownlp_signal and make_scorer is not None and _is_pipeline_scorer(make_scorer):
        folds = cv or 5
        with_snownlp = cross_validated_predictions(
            labels, lambda: make_scorer(snownlp_signal=True), n_splits=folds, random_state=random_state,
            extra_train=extra_train)
        cv_name = f"{folds}-fold CV" + (" + extra" if extra_train is not None and len(extra_train) else "")
        snownlp_rows.append((f"irtone + SnowNLP signal ({cv_name})", with_snownlp["tone"].astype(float).tolist()))
    themes = evaluated_themes(labels, theme_order or _baseline_theme_order())
    absent = [t for t in theme_order if t not in themes]
    if absent:
        notes.append(f"no labelled answer has theme(s) {', '.join(absent)}: not scored")

    systems = []
    for pred_tone, pred_themes in irtone_rows:
        name = "irtone" if mode == "shipped" else f"irtone ({mode})"
        systems.append(
            score_system(name, "irtone", true_tone, pred_tone, true_themes, pred_themes, themes, n_boot, random_state)
        )
    for name, pred_tone in snownlp_rows:
        systems.append(score_system(name, "irtone", true_tone, pred_tone, n_boot=n_boot, random_state=random_state))
    if baselines:
        from nlp.baselines import score_baselines

        scores = score_baselines(labels["answer"].tolist(), tokenizer=tokenizer)
        systems.append(
            score_system("SnowNLP", "baseline", true_tone, scores["snownlp_tone"].tolist(),
                         n_boot=n_boot, random_state=random_state)
        )
        systems.append(
            score_system("姚加权 net tone", "baseline", true_tone, scores["yao_net_tone"].tolist(),
                         n_boot=n_boot, random_state=random_state)
        )
        systems.append(
            score_system("jieba + keyword themes", "baseline", true_themes=true_themes,
                         pred_themes=scores["keyword_themes"].tolist(), themes=themes,
                         n_boot=n_boot, random_state=random_state)
        )
    if has_annotators(labels):
        systems.append(
            score_system("annotator A vs B", "reference", labels["tone_a"].tolist(), labels["tone_b"].tolist(),
                         labels["themes_a"].tolist(), labels["themes_b"].tolist(), themes, n_boot, random_state)
        )
    else:
        notes.append("no annotator fields (themes_a, tone_a, themes_b, tone_b): agreement row omitted")
    if len(set(true_tone)) < len(true_tone):
        systems.append(score_system(CEILING_NAME, "reference", true_tone, continuous_ceiling(true_tone),
                                    n_boot=n_boot, random_state=random_state))
    return EvalReport(
        labels=source,
        n_items=len(labels),
        themes=themes,
        systems=tuple(systems),
        irtone_mode=mode,
        notes=tuple(notes),
        bootstrap=n_boot,
    )


def _baseline_theme_order() -> list[str]:
    from nlp.baselines import load_baseline_keywords

    return list(load_baseline_keywords())


# --------------------------------------------------------------------------- external sets


def load_finfe_eval(corpus_dir: str | Path):
    """FinFE eval as DataFrame(text, label), deduplicated.

    Drops eval texts that also occur in FinFE train, then texts whose eval copies carry
    conflicting labels; a text repeated with one label is kept once.
    """
    import pandas as pd

    finfe = Path(corpus_dir) / "finfe"
    train = _read_json_list(finfe / "finfe_train.json")
    evaluation = _read_json_list(finfe / "finfe_eval.json")
    train_texts = {text for text, _ in train}
    labels_by_text: dict[str, set[int]] = {}
    for text, label in evaluation:
        if text not in train_texts:
            labels_by_text.setdefault(text, set()).add(label)
    rows = [
        {"text": text, "label": FINFE_LABELS[next(iter(labels))]}
        for text, labels in labels_by_text.items()
        if len(labels) == 1
    ]
    return pd.DataFrame(rows, columns=["text", "label"])


def _read_json_list(path: Path) -> list[tuple[str, int]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise IrtoneError(str(path), f"cannot read FinFE file ({err})") from None
    pairs = []
    for index, item in enumerate(data):
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and item[1] in FINFE_LABELS):
            raise IrtoneError(f"{path}[{index}]", "expected [text, label] with label 0, 1 or 2")
        pairs.append((item[0], item[1]))
    return pairs


def load_cfbench_news(corpus_dir: str | Path):
    """CFBenchmark sentiment news as DataFrame(text, label): text from ``input``, label from ``response``."""
    import pandas as pd

    path = Path(corpus_dir) / "cfbench_sentiment_news.jsonl"
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise IrtoneError(str(path), f"cannot read ({err})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            raise IrtoneError(f"{path}:{number}", f"not valid JSON ({err.msg})") from None
        label = CFBENCH_LABELS.get(str(item.get("response", "")).strip())
        if label is None or not isinstance(item.get("input"), str):
            raise IrtoneError(f"{path}:{number}", "expected 'input' text and 'response' 积极/中性/消极")
        rows.append({"text": item["input"].strip(), "label": label})
    return pd.DataFrame(rows, columns=["text", "label"])


EXTERNAL_SETS: dict[str, Callable[[Any], Any]] = {
    "FinFE eval (dedup)": load_finfe_eval,
    "CFBench news": load_cfbench_news,
}


def evaluate_external(
    corpus_dir: str | Path,
    make_scorer: Callable[[], Any] | None,
    baselines: bool = True,
    tokenizer=None,
    progress: Callable[[str], None] = lambda message: None,
) -> tuple[dict[str, int], tuple[ExternalScores, ...], list[str]]:
    """3-class macro-F1 of irtone and the tone baselines on FinFE eval and CFBench news.

    Baselines map their [-1, 1] score to classes with ``nlp.baselines.tone_label`` (fixed a priori);
    irtone uses its own ``tone_label`` column. Items in the shipped model's training data are dropped
    for every system, so all rows score the same items.
    """
    import pandas as pd

    from nlp.baselines import score_baselines, tone_label

    notes: list[str] = []
    scorer = make_scorer() if make_scorer is not None else None
    digests = trained_on(scorer) if scorer is not None else frozenset()
    sizes: dict[str, int] = {}
    results: dict[str, dict[str, float | None]] = {}
    if scorer is not None:
        results["irtone"] = {}
    if baselines:
        results["SnowNLP"] = {}
        results["姚加权 net tone"] = {}
    for set_name, loader in EXTERNAL_SETS.items():
        data = loader(corpus_dir)
        seen = training_overlap(data["text"].tolist(), digests)
        if any(seen):
            notes.append(f"{set_name}: {sum(seen)} items in irtone's training data dropped for every system")
            data = data[[not s for s in seen]].reset_index(drop=True)
        sizes[set_name] = len(data)
        truth = data["label"].tolist()
        if scorer is not None:
            progress(f"{set_name}: irtone on {len(data)} texts")
            frame = pd.DataFrame({"id": [str(i) for i in range(len(data))], "question": "", "answer": data["text"]})
            # an empty text has no label (null): it says nothing, so it counts as neutral here
            predicted = [label or "neutral" for label in scorer.score_answers(frame)["tone_label"].tolist()]
            results["irtone"][set_name] = three_class_macro_f1(truth, predicted)
        if baselines:
            progress(f"{set_name}: SnowNLP and 姚加权 on {len(data)} texts")
            scores = score_baselines(data["text"].tolist(), tokenizer=tokenizer, tone_only=True)
            results["SnowNLP"][set_name] = three_class_macro_f1(truth, [tone_label(s) for s in scores["snownlp_tone"]])
            results["姚加权 net tone"][set_name] = three_class_macro_f1(
                truth, [tone_label(s) for s in scores["yao_net_tone"]]
            )
    external = tuple(ExternalScores(name, scores) for name, scores in results.items())
    return sizes, external, notes
