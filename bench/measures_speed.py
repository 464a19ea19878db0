"""Speed of the answer measures (``nlp.features.measures.measure_columns``) on real briefing answers,
and a check that a change of the measures leaves every column identical.

    python bench/measures_speed.py [--sample 5000] [--repeat 3] [--corpus ../shared/corpus]
    python bench/measures_speed.py --sample 20000 --save bench/out/measures_before.npz
    python bench/measures_speed.py --sample 20000 --against bench/out/measures_before.npz

The sample is ``bench/throughput.py``'s (briefing answers with their questions, fixed seed). Outside the
clock, the answers and questions are cleaned and tokenized and the tone terms found exactly as
``Scorer`` does it, one scorer chunk (``nlp.scorer.CHUNK``) at a time; the clock then covers
``measure_columns`` on every chunk (CPU time of this process, the machine being shared; median of
``--repeat`` runs), each stage alone (the layout's build; ``chunk_layout``, which also finds every
pattern's matches where the layout matches eagerly; courtesy mask, non-answer weights, specificity,
forward flags on such a layout; relevance) and each pattern alone (the ten slowest, as
``layout.match_mask`` of that one pattern over freshly built layouts).

When ``measure_columns`` takes ``token_batches``, the run with the scorer's token ids is timed and
compared too. ``--save`` writes the measure columns (numbers only, no text) to an ``.npz``; ``--against`` compares the
columns with such a file (NaN-aware, tolerance ``--tol`` 1e-12), prints the differing rows per column
and exits 1 when any row differs. Skips with a message when the corpus is absent.
"""
from __future__ import annotations

import argparse
import inspect
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
# ../shared beside the checkout (a worktree sits one level deeper: look further up too)
CORPUS = next((d / "shared" / "corpus" for d in ROOT.parents if (d / "shared" / "corpus").is_dir()),
              ROOT.parent / "shared" / "corpus")
BRIEFINGS = "results_briefings_2016_2017.jsonl.gz"


def prepare(rows: list[dict]) -> list[tuple]:
    """Per scorer chunk: (answers, questions, answer tokens, question tokens, tone terms), as the scorer
    hands them to ``measure_columns``."""
    from nlp.scorer import CHUNK, Scorer

    scorer = Scorer()
    questions = [r.get("question") or "" for r in rows]
    answers = [r["answer"] for r in rows]
    chunks = []
    for _, qs, ans in scorer._chunks(questions, answers):
        f = scorer.features(qs, ans)
        batch = f.answers
        a_tokens = [batch.doc_tokens(d) for d in range(len(batch))]
        qbatch, question_of = f.questions[4], f.questions[2]
        distinct_tokens = [qbatch.doc_tokens(d) for d in range(len(qbatch))]
        q_tokens = [distinct_tokens[q] for q in question_of.tolist()]  # a repeated question: one list
        chunks.append((ans, qs, a_tokens, q_tokens, f.lexicon.terms))
        BATCHES.append((batch, f.questions[4], f.questions[2]))
    assert all(len(c[0]) <= CHUNK for c in chunks)
    return chunks


BATCHES: list[tuple] = []  # per chunk: the scorer's token batches (answers, distinct questions, question_of)


def all_columns(chunks, by_ids: bool = False) -> dict:
    import numpy as np

    from nlp.features.measures import MEASURE_COLUMNS, measure_columns

    if by_ids:
        parts = [measure_columns(*c, token_batches=b) for c, b in zip(chunks, BATCHES)]
    else:
        parts = [measure_columns(*c) for c in chunks]
    return {name: np.concatenate([p[name] for p in parts]) for name in MEASURE_COLUMNS}


def timed(fn, repeat: int, setup=None) -> float:
    """Median CPU seconds of ``fn()`` (or of ``fn(setup())``, with ``setup`` outside the clock)."""
    times = []
    for _ in range(repeat):
        arg = setup() if setup is not None else None
        start = time.process_time()
        fn() if setup is None else fn(arg)
        times.append(time.process_time() - start)
    return statistics.median(times)


def named_patterns(patterns) -> list[tuple[str, object]]:
    out = [(f"courtesy[{i}]", p) for i, p in enumerate(patterns.courtesy)]
    for c in patterns.non_answer:
        out += [(f"non_answer.{c.name}[{i}]", p) for i, p in enumerate(c.patterns)]
    for group in ("topic_clause", "answer_clause", "forward_markers", "not_forward", "specific"):
        out += [(f"{group}[{i}]", p) for i, p in enumerate(getattr(patterns, group))]
    return out


def timing(chunks, repeat: int) -> None:
    from nlp.features import forward as fwd
    from nlp.features import nonanswer, relevance, specificity
    from nlp.features.layout import ChunkLayout
    from nlp.features.measure_patterns import load_patterns
    from nlp.features.measures import measure_columns

    patterns = load_patterns()
    relevance.load_space().vectorizer  # noqa: B018 - loaded outside the clock
    all_columns(chunks[:1])  # warm every cache a first call fills
    n_chars = sum(len(a) for c in chunks for a in c[0])
    n_rows = sum(len(c[0]) for c in chunks)

    def bare_layouts():  # nothing matched yet: each timed run starts from new ones
        return [ChunkLayout.build(c[0]) for c in chunks]

    def fresh_layouts():  # as measure_columns lays a chunk out (matching every pattern, where eager)
        from nlp.features import measures

        if hasattr(measures, "chunk_layout"):
            return [measures.chunk_layout(c[0], patterns) for c in chunks]
        return bare_layouts()

    def fresh():
        layouts = fresh_layouts()
        return layouts, [lay.match_mask(patterns.courtesy) for lay in layouts]

    def each(stage):
        return lambda arg: [stage(k, *arg) for k in range(len(chunks))]

    stages = [
        ("measure_columns (all)", lambda: all_columns(chunks), None),
        ("layout build", bare_layouts, None),
        ("chunk_layout (+ matching)", fresh_layouts, None),
        ("courtesy mask", lambda layouts: [lay.match_mask(patterns.courtesy) for lay in layouts], fresh_layouts),
        ("non-answer weights", each(lambda k, lays, _: nonanswer.non_answer_weights(lays[k], patterns)), fresh),
        ("specificity mask", each(lambda k, lays, _: specificity.specific_mask(lays[k], chunks[k][2], patterns)), fresh),
        ("forward sentence flags", each(lambda k, lays, court: fwd.sentence_flags(lays[k], court[k], patterns)), fresh),
        ("relevance", lambda: [relevance.relevance(c[1], c[2], c[3]) for c in chunks], None),
    ]
    if "token_batches" in inspect.signature(measure_columns).parameters:
        all_columns(chunks[:1], by_ids=True)
        stages.insert(1, ("measure_columns (token ids)", lambda: all_columns(chunks, by_ids=True), None))
        stages.append(("relevance (token ids)", lambda: [relevance.relevance(c[1], c[2], c[3], batches=b)
                                                         for c, b in zip(chunks, BATCHES)], None))
    print(f"{n_rows} answers, {n_chars} characters, {len(chunks)} chunks; median of {repeat}")
    print(f"{'stage':<28}{'CPU s':>10}{'µs/answer':>12}")
    for name, fn, setup in stages:
        t = timed(fn, repeat, setup)
        print(f"{name:<28}{t:>10.4f}{t / n_rows * 1e6:>12.1f}")
    per_pattern = []
    for name, p in named_patterns(patterns):
        t = timed(lambda layouts, p=p: [lay.match_mask((p,)) for lay in layouts], repeat, bare_layouts)
        per_pattern.append((t, name))
    per_pattern.sort(reverse=True)
    print(f"\nall {len(per_pattern)} patterns one at a time: {sum(t for t, _ in per_pattern):.4f} s; the 10 slowest:")
    for t, name in per_pattern[:10]:
        print(f"  {name:<34}{t:>10.4f}")


def compare(columns: dict, path: Path, tol: float) -> int:
    import numpy as np

    with np.load(path, allow_pickle=False) as z:
        ref = {k: z[k] for k in z.files}
    differs = False
    for name, before in ref.items():
        if name not in columns:
            print(f"{name}: missing now")
            differs = True
            continue
        after = columns[name]
        if before.shape != after.shape:
            print(f"{name}: {before.shape} rows before, {after.shape} now")
            differs = True
            continue
        both_nan = np.isnan(before) & np.isnan(after)
        diff = np.abs(before - after)
        bad = ~both_nan & ~(diff <= tol)
        worst = float(np.max(np.where(both_nan, 0.0, np.nan_to_num(diff, nan=np.inf)))) if len(diff) else 0.0
        print(f"{name}: {int(bad.sum())} of {len(bad)} rows differ (max {worst:.3g})")
        if bad.any():
            differs = True
            print("   e.g. rows", ", ".join(map(str, np.flatnonzero(bad)[:8].tolist())))
    return 1 if differs else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--save", type=Path)
    group.add_argument("--against", type=Path)
    ap.add_argument("--tol", type=float, default=1e-12)
    args = ap.parse_args()
    if not (args.corpus / BRIEFINGS).exists():
        print(f"skipped: {args.corpus / BRIEFINGS} not found")
        return 0
    import numpy as np
    from throughput import load_sample

    from nlp.features.measures import measure_columns

    chunks = prepare(load_sample(args.corpus / BRIEFINGS, args.sample))
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        np.savez(args.save, **all_columns(chunks))
        print(f"saved the measure columns of {sum(len(c[0]) for c in chunks)} answers to {args.save}")
        return 0
    if args.against:
        differs = compare(all_columns(chunks), args.against, args.tol)
        if "token_batches" in inspect.signature(measure_columns).parameters:
            print("with token ids:")
            differs |= compare(all_columns(chunks, by_ids=True), args.against, args.tol)
        return differs
    timing(chunks, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
