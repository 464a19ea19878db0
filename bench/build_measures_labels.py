"""Join the non-answer and forward-looking labels with the corpus and report the annotators' agreement.

    python bench/build_measures_labels.py [--labels-dir bench/labels] [--corpus ../shared/corpus]
                                          [--items bench/out/measures_items.jsonl] [--out-dir bench/out]
                                          [--fill-refs]

Reads three label files (one JSON object a line, labels and references only, no text; the format is in
``bench/labels/README.md``): ``measures_a.jsonl`` and ``measures_b.jsonl`` (two annotators, blind to each
other) and ``measures_adjudicated.jsonl`` (the third annotator's labels for the items the two disagree on).
Prints the agreement of A and B (Cohen's kappa on ``non_answer``, kappa on the category where both flag
a non-answer, Spearman and ICC(2,1) on the forward-looking share, with bootstrap intervals; for all items
and per split), writes ``bench/out/measures_to_adjudicate.jsonl`` (the disputed items with text and both
labels, for the adjudicator) and, for every item whose labels are settled, ``bench/out/measures.jsonl``
(text, both annotators' labels and the consensus). Every output is under the git-ignored ``bench/out/``.

A label row without ``ref``/``split`` (an annotator writes only ``id`` and labels) takes them from the
sample (``bench/out/measures_items.jsonl``, written by ``bench/sample_measures.py``); ``--fill-refs``
writes them into the label files, which are then complete without the sample. A reference whose answer
no longer matches its sha1 (the parser changed) is looked up among the record's other pairs, else the
item is dropped with a count. When a file is missing the script says which and what it is for.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_measures import (
    BRIEFINGS,
    IR_RECORDS,
    answer_sha1,
    shared_dir,
    split_sentences,
)

CATEGORIES = ("decline", "deflect", "later", "courtesy", "restate", "noncommittal")
FORWARD_DISPUTE = 0.25  # forward-looking shares further apart than this go to the adjudicator
BOOTSTRAP = 1000
WHO = {"a": "the labels of annotator A", "b": "the labels of annotator B",
       "adjudicated": "the adjudicator's labels of the disputed items"}


class LabelError(Exception):
    """A label row that breaks the format: the message names the file, the line and the reason."""


def read_labels(path: Path, sample: dict[str, dict]) -> dict[str, dict]:
    """A label file as id → row, validated; ``ref`` and ``split`` filled from the sample where absent."""
    from nlp.records import IrtoneError
    from nlp.text import json_objects

    rows: dict[str, dict] = {}
    try:
        objects = list(json_objects(path.read_text(encoding="utf-8").splitlines(), path))
    except IrtoneError as err:
        raise LabelError(str(err)) from None
    for where, row in objects:
        item_id = row.get("id")
        if not isinstance(item_id, str):
            raise LabelError(f"{where}: no string id")
        if item_id in rows:
            raise LabelError(f"{where}: id {item_id} labelled twice")
        for key in ("question", "answer", "text"):
            if key in row:
                raise LabelError(f"{where}: holds {key!r}: label files carry no corpus text")
        if row.get("non_answer") not in (0, 1):
            raise LabelError(f"{where}: non_answer must be 0 or 1, got {row.get('non_answer')!r}")
        category = row.get("category")
        if row["non_answer"] == 1 and category not in CATEGORIES:
            raise LabelError(f"{where}: a non-answer needs a category among {', '.join(CATEGORIES)}, got {category!r}")
        if row["non_answer"] == 0 and category is not None:
            raise LabelError(f"{where}: category must be null when non_answer is 0, got {category!r}")
        n_sent, n_fwd = row.get("n_sentences"), row.get("n_forward")
        if not (isinstance(n_sent, int) and isinstance(n_fwd, int) and n_sent >= 1 and 0 <= n_fwd <= n_sent):
            raise LabelError(f"{where}: need integers n_sentences >= 1 and 0 <= n_forward <= n_sentences, "
                             f"got {n_sent!r}, {n_fwd!r}")
        if not isinstance(row.get("annotator"), str) or not row["annotator"]:
            raise LabelError(f"{where}: no annotator name")
        if "ref" not in row or "split" not in row:
            if item_id not in sample:
                raise LabelError(f"{where}: id {item_id} has no ref and is not in the sample "
                                 "(run bench/sample_measures.py, or add its ref)")
            row.setdefault("ref", sample[item_id]["ref"])
            row.setdefault("split", sample[item_id]["split"])
            row["_filled"] = True
        rows[item_id] = row
    return rows


def write_labels(path: Path, rows: dict[str, dict]) -> None:
    """The label file again, each row with its ref and split (the labels unchanged, key order fixed)."""
    keys = ("id", "ref", "split", "non_answer", "category", "n_sentences", "n_forward", "annotator", "unsure")
    with open(path, "w", encoding="utf-8") as f:
        for row in rows.values():
            out = {k: row[k] for k in keys if k in row}
            out.update({k: v for k, v in row.items() if k not in keys and not k.startswith("_")})
            f.write(json.dumps(out, ensure_ascii=False) + "\n")


def resolve(refs: dict[str, dict], corpus: Path) -> dict[str, dict]:
    """id → {source, company, date, question, answer} for every reference still found in the corpus."""
    import pandas as pd

    from nlp.parse import parse_text

    want_lines = {ref["line"]: i for i, ref in refs.items() if "line" in ref}
    found: dict[str, dict] = {}
    with gzip.open(corpus / BRIEFINGS, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n in want_lines:
                row = json.loads(line)
                item_id = want_lines[n]
                if answer_sha1(row.get("answer") or "") == refs[item_id]["answer_sha1"]:
                    found[item_id] = {"source": "briefing", "company": row.get("company") or "",
                                      "date": str(row.get("year") or ""), "question": row.get("question") or "",
                                      "answer": row["answer"]}
    want_docs = {str(ref["doc_id"]) for ref in refs.values() if "doc_id" in ref}
    records = pd.read_csv(corpus / IR_RECORDS, dtype=str, keep_default_na=False)
    pairs: dict[str, tuple] = {}
    for row in records[records["doc_id"].isin(want_docs)].itertuples():
        pairs[row.doc_id] = (row, parse_text(row.content or "", source=f"ir#{row.doc_id}").qa)
    for item_id, ref in refs.items():
        if "doc_id" not in ref or str(ref["doc_id"]) not in pairs:
            continue
        row, qa = pairs[str(ref["doc_id"])]
        same = [s for s in qa if answer_sha1(s.answer) == ref["answer_sha1"]]
        hit = [s for s in same if s.number == ref["number"]] or same
        if hit:
            found[item_id] = {"source": "ir_record", "company": row.name or "", "date": row.date or "",
                              "question": hit[0].question, "answer": hit[0].answer}
    return found


def share(row: dict) -> float:
    return row["n_forward"] / row["n_sentences"]


def disputes(a: dict, b: dict) -> list[str]:
    """What the two annotators disagree on: ``non_answer`` (the flag, or the category of a flagged
    non-answer) and ``forward`` (shares more than FORWARD_DISPUTE apart)."""
    out = []
    if a["non_answer"] != b["non_answer"] or a["category"] != b["category"]:
        out.append("non_answer")
    if abs(share(a) - share(b)) > FORWARD_DISPUTE:
        out.append("forward")
    return out


def consensus(a: dict, b: dict, adj: dict | None) -> dict | None:
    """The settled labels: agreed values, the adjudicator's where A and B disagree, and for the
    forward-looking share the mean of A and B when they are close. None while an adjudication is due."""
    disputed = disputes(a, b)
    if disputed and adj is None:
        return None
    out = {"adjudicated": disputed}
    if "non_answer" in disputed:
        out["non_answer"], out["category"] = adj["non_answer"], adj["category"]
    else:
        out["non_answer"], out["category"] = a["non_answer"], a["category"]
    if "forward" in disputed:
        out["forward_share"] = share(adj)
        out["n_forward"], out["n_sentences"] = adj["n_forward"], adj["n_sentences"]
    else:
        out["forward_share"] = (share(a) + share(b)) / 2
        out["n_forward"] = (a["n_forward"] + b["n_forward"]) / 2
        out["n_sentences"] = (a["n_sentences"] + b["n_sentences"]) / 2
    return out


def icc_2_1(x: list[float], y: list[float]) -> float:
    """ICC(2,1), two-way random effects, absolute agreement, single rater (Shrout & Fleiss 1979)."""
    import numpy as np

    m = np.column_stack([x, y]).astype(float)
    n, k = m.shape
    grand = m.mean()
    ms_rows = k * ((m.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    ms_cols = n * ((m.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    resid = m - m.mean(axis=1, keepdims=True) - m.mean(axis=0, keepdims=True) + grand
    ms_err = (resid ** 2).sum() / ((n - 1) * (k - 1))
    denom = ms_rows + (k - 1) * ms_err + k * (ms_cols - ms_err) / n
    return float((ms_rows - ms_err) / denom) if denom > 0 else float("nan")


def _with_interval(stat, x: list, y: list, rng: random.Random) -> str:
    """The statistic on all pairs and a 95 % bootstrap interval over items."""
    import math

    value = stat(x, y)
    draws = []
    idx = range(len(x))
    for _ in range(BOOTSTRAP):
        pick = [rng.choice(idx) for _ in idx]
        v = stat([x[i] for i in pick], [y[i] for i in pick])
        if not math.isnan(v):
            draws.append(v)
    if math.isnan(value):
        return "n/a (a single value)"
    if not draws:
        return f"{value:.3f}"
    draws.sort()
    lo, hi = draws[int(0.025 * len(draws))], draws[int(0.975 * len(draws)) - 1]
    return f"{value:.3f} [{lo:.3f}, {hi:.3f}]"


def agreement(pairs: list[tuple[dict, dict]], answers: dict[str, str], label: str) -> list[str]:
    """Lines of the agreement table between A and B on these items."""
    import warnings

    from scipy.stats import spearmanr
    from sklearn.metrics import cohen_kappa_score

    def kappa(x, y):
        return float(cohen_kappa_score(x, y)) if len(set(x) | set(y)) > 1 else float("nan")

    def spearman(x, y):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(spearmanr(x, y).statistic)

    rng = random.Random(16)
    n = len(pairs)
    if n < 2:
        return [f"{label}: {n} items labelled by both, too few for agreement"]
    flag_a = [a["non_answer"] for a, _ in pairs]
    flag_b = [b["non_answer"] for _, b in pairs]
    both = [(a["category"], b["category"]) for a, b in pairs if a["non_answer"] == b["non_answer"] == 1]
    share_a, share_b = [share(a) for a, _ in pairs], [share(b) for _, b in pairs]
    rule = [len(split_sentences(answers[a["id"]])) for a, _ in pairs if a["id"] in answers]
    counted = [(a["n_sentences"], b["n_sentences"]) for a, b in pairs if a["id"] in answers]
    lines = [
        f"{label}: {n} items labelled by A and B",
        f"  non_answer: A flags {sum(flag_a)}, B flags {sum(flag_b)}; raw agreement "
        f"{sum(x == y for x, y in zip(flag_a, flag_b)) / n:.3f}; Cohen's kappa "
        + _with_interval(kappa, flag_a, flag_b, rng),
        f"  category (the {len(both)} items both flag): raw agreement "
        + (f"{sum(x == y for x, y in both) / len(both):.3f}; kappa "
           + _with_interval(kappa, [x for x, _ in both], [y for _, y in both], rng) if both else "n/a"),
        f"  forward share: mean A {sum(share_a) / n:.3f}, B {sum(share_b) / n:.3f}; Spearman "
        + _with_interval(spearman, share_a, share_b, rng) + "; ICC(2,1) " + _with_interval(icc_2_1, share_a, share_b, rng),
        (f"  n_forward equal {sum(a['n_forward'] == b['n_forward'] for a, b in pairs) / n:.3f}; n_sentences as the "
        f"guide's split rule counts: A {sum(x == r for (x, _), r in zip(counted, rule)) / max(len(rule), 1):.3f}, "
        f"B {sum(y == r for (_, y), r in zip(counted, rule)) / max(len(rule), 1):.3f}"),
    ]
    return lines


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def _labels_of(row: dict) -> dict:
    return {k: row[k] for k in ("non_answer", "category", "n_sentences", "n_forward", "annotator")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels-dir", default=str(ROOT / "bench" / "labels"))
    ap.add_argument("--corpus", default=str(shared_dir() / "corpus"))
    ap.add_argument("--items", default=str(ROOT / "bench" / "out" / "measures_items.jsonl"))
    ap.add_argument("--out-dir", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--fill-refs", action="store_true", help="write ref and split into label rows that lack them")
    args = ap.parse_args()
    labels_dir, out_dir, corpus = Path(args.labels_dir), Path(args.out_dir), Path(args.corpus)

    items_path = Path(args.items)
    sample: dict[str, dict] = {}
    if items_path.is_file():
        for line in items_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                sample[row["id"]] = row
    else:
        print(f"note: no sample at {items_path} (python bench/sample_measures.py writes it): label rows must "
              "carry their own ref and split")

    paths = {who: labels_dir / f"measures_{who}.jsonl" for who in WHO}
    missing = [who for who, p in paths.items() if not p.is_file()]
    for who in missing:
        print(f"missing: {paths[who]} ({WHO[who]}, by docs/labeling_measures.md; format in "
              f"bench/labels/README.md)")
    labels: dict[str, dict[str, dict]] = {}
    try:
        for who, path in paths.items():
            if who not in missing:
                labels[who] = read_labels(path, sample)
    except LabelError as e:
        print(f"build_measures_labels: {e}", file=sys.stderr)
        return 2
    for who, rows in labels.items():
        filled = sum(1 for r in rows.values() if r.get("_filled"))
        if filled and args.fill_refs:
            write_labels(paths[who], rows)
            print(f"filled ref and split into {filled} rows of {paths[who]}")
        elif filled:
            print(f"note: {filled} rows of {paths[who]} have no ref/split: taken from the sample; "
                  "--fill-refs writes them into the file")
    if "a" in missing or "b" in missing:
        print("cannot report agreement or build bench/out/measures.jsonl until both annotators' files exist"
              + (f" (the sample has {len(sample)} items; annotators read bench/out/measures_batch_a.jsonl and "
                 "measures_batch_b.jsonl)" if sample else ""))
        return 1
    if not (corpus / BRIEFINGS).is_file() or not (corpus / IR_RECORDS).is_file():
        print(f"build_measures_labels: {corpus} lacks the shared corpora: the labels cannot be joined with text",
              file=sys.stderr)
        return 2

    a_rows, b_rows = labels["a"], labels["b"]
    adj_rows = labels.get("adjudicated", {})
    for who, rows in labels.items():
        if sample:
            stray = sorted(set(rows) - set(sample))
            if stray:
                print(f"note: {len(stray)} ids of measures_{who}.jsonl are not in the sample (e.g. {stray[0]})")
    only_a, only_b = sorted(set(a_rows) - set(b_rows)), sorted(set(b_rows) - set(a_rows))
    if only_a or only_b:
        print(f"note: {len(only_a)} items labelled by A only, {len(only_b)} by B only: left out until both label them")
    common = [i for i in a_rows if i in b_rows]
    refs = {i: a_rows[i]["ref"] for i in common}
    for i in common:
        if b_rows[i]["ref"]["answer_sha1"] != refs[i]["answer_sha1"]:
            print(f"build_measures_labels: {i}: A and B reference different answers", file=sys.stderr)
            return 2
    texts = resolve(refs, corpus)
    lost = [i for i in common if i not in texts]
    if lost:
        print(f"note: {len(lost)} references no longer found in the corpus (e.g. {lost[0]}): dropped")
    common = [i for i in common if i in texts]
    answers = {i: texts[i]["answer"] for i in common}

    split_of = {i: a_rows[i]["split"] for i in common}
    pairs = [(a_rows[i], b_rows[i]) for i in common]
    report = agreement(pairs, answers, "all")
    for split in ("dev", "test"):
        report += agreement([(a_rows[i], b_rows[i]) for i in common if split_of[i] == split], answers, split)
    print("\n".join(report))

    settled, pending = [], []
    for i in common:
        a, b = a_rows[i], b_rows[i]
        agreed = consensus(a, b, adj_rows.get(i))
        base = {"id": i, "ref": refs[i], "split": split_of[i], **{k: sample[i][k] for k in ("half", "stratum")
                                                                   if i in sample}, **texts[i]}
        if agreed is None:
            pending.append({"id": i, "question": texts[i]["question"], "answer": texts[i]["answer"],
                            "disputed": disputes(a, b), "a": _labels_of(a), "b": _labels_of(b)})
            continue
        settled.append({**base, **{f"{k}_a": v for k, v in _labels_of(a).items()},
                        **{f"{k}_b": v for k, v in _labels_of(b).items()}, **agreed,
                        "n_sentences_rule": len(split_sentences(texts[i]["answer"]))})
    n_disputed = sum(1 for a, b in pairs if disputes(a, b))
    unused = sorted(set(adj_rows) - {i for i in common if disputes(a_rows[i], b_rows[i])})
    print(f"disputed: {n_disputed} of {len(common)} items; adjudicated {n_disputed - len(pending)}; "
          f"waiting for adjudication {len(pending)}" + (f"; {len(unused)} adjudicated rows for undisputed items "
                                                       "ignored" if unused else ""))
    random.Random(1616 * 10 + 3).shuffle(pending)  # the adjudicator reads them in an order of their own
    write_jsonl(out_dir / "measures_to_adjudicate.jsonl", pending)
    write_jsonl(out_dir / "measures.jsonl", settled)
    print(f"wrote {out_dir / 'measures.jsonl'}: {len(settled)} items with settled labels "
          f"({sum(r['split'] == 'test' for r in settled)} test); {out_dir / 'measures_to_adjudicate.jsonl'}: "
          f"{len(pending)} items for the adjudicator")
    if pending and "adjudicated" in missing:
        print(f"to finish: the adjudicator labels the items of {out_dir / 'measures_to_adjudicate.jsonl'} "
              f"into {paths['adjudicated']}")
    return 1 if pending else 0


if __name__ == "__main__":
    raise SystemExit(main())
