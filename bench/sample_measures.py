"""Draw the answers to label for the non-answer and forward-looking measures (docs/labeling_measures.md).

    python bench/sample_measures.py [--corpus ../shared/corpus] [--dev ../shared/labels/dev.jsonl]
                                    [--n 640] [--seed 1616] [--out-dir bench/out]

Deterministic (fixed seed): the same corpus gives the same items in the same order. The sample is half
uniformly at random and half drawn from pairs whose question or answer mentions a deflection keyword
(请关注公告, 以定期报告为准, 不便透露, …) or a plan keyword (计划, 预计, 未来, …), each half split evenly
between the results briefings (one pair a line of the .jsonl.gz) and the SZSE IR records (split into Q&A
pairs by ``nlp.parse``, as ``bench/build_silver.py`` does). Answers have at least 4 characters, at most
one pair is taken per IR record, no item is drawn twice, and no item of ``../shared/labels/dev.jsonl``
or ``bench/labels/silver*.jsonl`` is drawn, nor a copy of one (see ``identity``: many IR records are
reposted under several doc_ids). A fifth of the items of each source and half, chosen by a hash of the
id, is the test split.

Writes, all under the git-ignored ``bench/out/`` (they hold corpus text: never commit them):
``measures_items.jsonl`` (every item with its ref, source, half, matched keywords, split and text) and
``measures_batch_a.jsonl``, ``measures_batch_b.jsonl``, ``measures_batch_c.jsonl`` (only ``id``,
``question``, ``answer``; the same items, each file in its own shuffled order: annotator A, annotator B,
and the adjudicator).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BRIEFINGS = "results_briefings_2016_2017.jsonl.gz"
IR_RECORDS = "szse_ir_records_2012_2015.csv.gz"
MIN_ANSWER_CHARS = 4
SAME_TEXT_CHARS = 30  # answers this long are the same item wherever they occur (reposted records)
TEST_FRACTION_DENOMINATOR = 5  # a fifth of the items are the test split

# Phrases of IR non-answers: refusals, deflections to announcements / reports / other parties,
# "will disclose later", boilerplate caution. Matched in the question or the answer.
DEFLECTION_KEYWORDS = (
    "请关注", "关注公司公告", "以公告为准", "公告为准", "以公司公告", "以公司披露", "定期报告", "为准",
    "不便透露", "不便回答", "不便", "不方便", "暂不方便", "无法透露", "不能透露", "不予", "无可奉告",
    "商业机密", "商业秘密", "保密", "咨询", "请参阅", "请查阅", "详见", "参见", "敬请",
    "积极关注", "谨慎实施", "审慎", "适时", "及时披露", "信息披露义务", "应披露而未披露", "后续公告",
    "会后", "另行", "暂无法", "无法预计", "无法预测", "感谢您的建议", "转达",
)
# A short answer that is mostly courtesy (谢谢关注) is a non-answer candidate too.
COURTESY_ONLY = re.compile(r"^[^。！？]{0,6}(谢谢|感谢)[^。！？]{0,12}[。！!]?$")
# Words of plans, expectations, guidance, targets and intentions (Li 2010's forward-looking cues).
PLAN_KEYWORDS = (
    "计划", "预计", "未来", "规划", "目标", "拟于", "拟将", "拟通过", "拟投资", "将会", "将继续",
    "将进一步", "将积极", "力争", "争取", "预期", "展望", "明年", "下半年", "下一步", "有望", "打算",
    "即将", "届时", "预测", "指引", "今后", "后续",
)

# Sentences end at 。！？； (full or half width); a closing quote or bracket stays with its sentence.
_SENTENCE = re.compile(r"[^。！？；!?;]*(?:[。！？；!?;]+[”’」』）)\]]*|$)")
_CONTENT = re.compile(r"[\w\u3400-\u4dbf\u4e00-\u9fff]")


def shared_dir() -> Path:
    """``shared/`` beside the checkout, or beside a parent folder (a worktree under ``wt/``)."""
    for parent in ROOT.parents:
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared"
    return ROOT.parent / "shared"


def answer_sha1(text: str) -> str:
    """First 16 hex digits of the sha1 of the answer text: proves a reference points at the same text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def split_sentences(text: str) -> list[str]:
    """The answer's sentences by the guide's rule: split after 。！？； (full or half width), pieces
    with no letter, digit or Chinese character dropped. Line breaks do not end a sentence."""
    flat = "".join(text.split())
    return [s for s in _SENTENCE.findall(flat) if _CONTENT.search(s)]


def split_hash(item_id: str) -> str:
    """The hash that orders items for the test split: it depends on the id alone."""
    return hashlib.sha1(f"measures-split:{item_id}".encode()).hexdigest()


def assign_splits(items: list[dict]) -> None:
    """``split`` = "test" for a fifth of the items of each source and half (the fifth with the lowest
    ``split_hash`` of the id, so neither the draw order nor the text decides), "dev" for the rest."""
    strata: dict[tuple[str, str], list[dict]] = {}
    for item in items:
        strata.setdefault((item["source"], item["half"]), []).append(item)
    for members in strata.values():
        ranked = sorted(members, key=lambda it: split_hash(it["id"]))
        n_test = round(len(ranked) / TEST_FRACTION_DENOMINATOR)
        for rank, item in enumerate(ranked):
            item["split"] = "test" if rank < n_test else "dev"


def _norm(text: str) -> str:
    return "".join(text.split())


def keyword_hits(question: str, answer: str) -> dict[str, list[str]]:
    """The deflection and plan keywords the question or answer mentions (courtesy-only answers count
    as a deflection hit, ``<courtesy>``)."""
    both = _norm(question) + "\n" + _norm(answer)
    deflection = [k for k in DEFLECTION_KEYWORDS if k in both]
    if COURTESY_ONLY.match(_norm(answer)):
        deflection.append("<courtesy>")
    return {"deflection": deflection, "plan": [k for k in PLAN_KEYWORDS if k in both]}


def identity(question: str, answer: str) -> str:
    """What makes two pairs the same item: a long answer (a record reposted under another doc_id
    repeats it) by its text alone; a short one (boilerplate such as 请关注公司公告, common to many
    questions) together with its question."""
    text = _norm(answer)
    return text if len(text) >= SAME_TEXT_CHARS else _norm(question) + "\n" + text


def excluded_items(labels_dir: Path, dev_path: Path, pairs: list[dict]) -> tuple[set[str], set[str], set[str]]:
    """What the sample must avoid: the ids of the silver labels; their identities (see ``identity``),
    so that a reposted copy is not drawn either; and every answer text of dev.jsonl, whatever its
    question (dev.jsonl holds no reference, and its questions were split by an older parser)."""
    ids, shas = set(), set()
    for path in sorted(labels_dir.glob("silver*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                ref = json.loads(line)["ref"]
                ids.add(f"B{ref['line']}" if "line" in ref else f"R{ref['doc_id']}_{ref['number']}")
                shas.add(ref["answer_sha1"])
    silver = {identity(p["question"], p["answer"]) for p in pairs
              if p["id"] in ids and p["ref"]["answer_sha1"] in shas}
    dev_answers = set()
    if dev_path.is_file():
        for line in dev_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                dev_answers.add(_norm(json.loads(line).get("answer") or ""))
    return ids, silver, dev_answers


def briefing_pairs(corpus: Path) -> list[dict]:
    """Every briefing pair as a candidate: id ``B<line>`` (0-based line of the .jsonl.gz)."""
    out = []
    with gzip.open(corpus / BRIEFINGS, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if not line.strip():
                continue
            row = json.loads(line)
            out.append({"id": f"B{n}", "source": "briefing", "group": f"B{n}",
                        "ref": {"file": BRIEFINGS, "line": n, "answer_sha1": answer_sha1(row.get("answer") or "")},
                        "company": row.get("company") or "", "date": str(row.get("year") or ""),
                        "question": row.get("question") or "", "answer": row.get("answer") or ""})
    return out


def ir_pairs(corpus: Path) -> tuple[list[dict], int]:
    """Every Q&A pair ``nlp.parse`` finds in the IR records: id ``R<doc_id>_<n>``; with the number of
    records the parser rejects (stubs, not IR records), which give no candidates."""
    import pandas as pd

    from nlp.parse import parse_text
    from nlp.records import IrtoneError

    records = pd.read_csv(corpus / IR_RECORDS, dtype=str, keep_default_na=False)
    out, rejected = [], 0
    for row in records.itertuples():
        try:
            qa = parse_text(row.content or "", source=f"ir#{row.doc_id}").qa
        except IrtoneError:
            rejected += 1
            continue
        for seg in qa:
            out.append({"id": f"R{row.doc_id}_{seg.number}", "source": "ir_record", "group": f"R{row.doc_id}",
                        "ref": {"file": IR_RECORDS, "doc_id": str(row.doc_id), "number": seg.number,
                                "answer_sha1": answer_sha1(seg.answer)},
                        "company": row.name or "", "date": row.date or "",
                        "question": seg.question or "", "answer": seg.answer or ""})
    return out, rejected


def eligible(pairs: list[dict], excluded: tuple[set[str], set[str], set[str]]) -> tuple[list[dict], dict[str, int]]:
    """Pairs that may be drawn, with the count of each reason a pair was left out."""
    ids, silver, dev_answers = excluded
    kept, dropped = [], {"short_answer": 0, "no_question": 0, "silver_id": 0, "copy_of_silver": 0, "dev_answer": 0}
    for p in pairs:
        if len(_norm(p["answer"])) < MIN_ANSWER_CHARS:
            dropped["short_answer"] += 1
        elif not _norm(p["question"]):
            dropped["no_question"] += 1
        elif p["id"] in ids:
            dropped["silver_id"] += 1
        elif identity(p["question"], p["answer"]) in silver:
            dropped["copy_of_silver"] += 1
        elif _norm(p["answer"]) in dev_answers:
            dropped["dev_answer"] += 1
        else:
            kept.append(p)
    return kept, dropped


def draw(pools: dict[str, list[dict]], n: int, rng: random.Random) -> list[dict]:
    """n items: per source, a random quarter of n and a keyword quarter (deflection and plan eighths)."""
    per_source = {"briefing": n // 2, "ir_record": n - n // 2}
    used_groups: set[str] = set()
    used_answers: set[str] = set()
    chosen: list[dict] = []

    def take(candidates: list[dict], k: int, half: str, stratum: str) -> None:
        order = candidates[:]
        rng.shuffle(order)
        got = 0
        for p in order:
            if got == k:
                break
            text = identity(p["question"], p["answer"])
            if p["group"] in used_groups or text in used_answers:
                continue
            used_groups.add(p["group"])
            used_answers.add(text)
            chosen.append({**p, "half": half, "stratum": stratum, "keywords": keyword_hits(p["question"], p["answer"])})
            got += 1
        if got < k:
            raise SystemExit(f"sample_measures: only {got} of {k} {stratum} items available")

    for source, total in per_source.items():
        pool = pools[source]
        n_random = total // 2
        n_keyword = total - n_random
        take(pool, n_random, "random", "random")
        hits = [(p, keyword_hits(p["question"], p["answer"])) for p in pool]
        take([p for p, h in hits if h["deflection"]], n_keyword // 2, "keyword", "deflection")
        take([p for p, h in hits if h["plan"]], n_keyword - n_keyword // 2, "keyword", "plan")
    for item in chosen:
        del item["group"]
    assign_splits(chosen)
    return chosen


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(shared_dir() / "corpus"))
    ap.add_argument("--dev", default=str(shared_dir() / "labels" / "dev.jsonl"))
    ap.add_argument("--n", type=int, default=640, help="items to draw (default 640)")
    ap.add_argument("--seed", type=int, default=1616)
    ap.add_argument("--out-dir", default=str(ROOT / "bench" / "out"))
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not (corpus / BRIEFINGS).is_file() or not (corpus / IR_RECORDS).is_file():
        print(f"sample_measures: {corpus} lacks {BRIEFINGS} or {IR_RECORDS}: the sample needs the shared corpora",
              file=sys.stderr)
        return 2
    briefings = briefing_pairs(corpus)
    records, rejected = ir_pairs(corpus)
    excluded = excluded_items(ROOT / "bench" / "labels", Path(args.dev), briefings + records)
    pools, report = {}, []
    for source, pairs in (("briefing", briefings), ("ir_record", records)):
        pools[source], dropped = eligible(pairs, excluded)
        report.append(f"  {source}: {len(pairs)} pairs, {len(pools[source])} eligible; left out {dropped}")
    items = draw(pools, args.n, random.Random(args.seed))
    out = Path(args.out_dir)
    write_jsonl(out / "measures_items.jsonl", items)
    for suffix, salt in (("a", 1), ("b", 2), ("c", 3)):
        batch = [{"id": it["id"], "question": it["question"], "answer": it["answer"]} for it in items]
        random.Random(args.seed * 10 + salt).shuffle(batch)
        write_jsonl(out / f"measures_batch_{suffix}.jsonl", batch)
    print(f"sample_measures: seed {args.seed}; {rejected} IR records rejected by the parser (no pairs)")
    print("\n".join(report))
    print(f"wrote {out / 'measures_items.jsonl'}: {len(items)} items, and measures_batch_{{a,b,c}}.jsonl")
    counts: dict[tuple, int] = {}
    for it in items:
        key = (it["source"], it["half"], it["stratum"], it["split"])
        counts[key] = counts.get(key, 0) + 1
    for key in sorted(counts):
        print("  " + " / ".join(key) + f": {counts[key]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
