"""Rebuild the shipped financial sentiment word lists in ``nlp/lang/zh_ir/lexicons/`` from ../shared.

Sources (both licences allow redistribution with citation; see nlp/lang/zh_ir/lexicons/README.md):

    ../shared/lexicons/yao2021_financial_sentiment.xlsx   sheets 年报正面 / 年报负面 (formal lists);
        no header row: the first cell is a word.
    ../shared/lexicons/jiang2020_financial_sentiment.xlsx sheets positive / negative; the first
        cell is a header ("Positive Word"); every word carries a trailing newline.

Each word is stripped of surrounding whitespace (a few Yao words carry a trailing space, every
Jiang word a trailing newline: no jieba token ever contains either), empty cells are skipped and
repeated words are kept once, in the source's order, so the output is byte-for-byte reproducible.

Usage: python bench/build_lexicons.py [--shared ../shared] [--out nlp/lang/zh_ir/lexicons] [--check]
  --check  rebuild in memory and exit 1 if a shipped file differs (nothing is written).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = REPO / "nlp" / "lang" / "zh_ir" / "lexicons"
BUILD_COMMAND = "python bench/build_lexicons.py"

YAO_CITATION = (
    "姚加权, 冯绪, 王赞钧, 纪荣嵘, 张维 (2021). 语调、情绪及市场影响：基于金融情绪词典. "
    "管理科学学报 24(5), 26-46."
)
YAO_LICENCE = (
    "Free for research use with citation (the authors' note in the workbook asks users to cite "
    "the paper); the same formal lists ship under the MIT licence inside the PyPI package "
    "cntext 1.9.2 (cntext/files/ChineseFinancialFormalUnformalSentiment.pkl)."
)
JIANG_CITATION = (
    "姜富伟, 孟令超, 唐国豪 (2021). 媒体文本情绪与股票回报预测. 经济学(季刊). "
    "Built on: Fuwei Jiang, Joshua Lee, Xiumin Martin, Guofu Zhou (2019), Manager Sentiment "
    "and Stock Returns, Journal of Financial Economics 132(1), 126-149."
)
JIANG_LICENCE = (
    "Free to use with citation (the authors' note in the workbook: 在尊重知识产权的前提下，"
    "读者可以免费使用该词典，请引用下列文献)."
)


@dataclass(frozen=True)
class ListSpec:
    filename: str
    workbook: str
    sheet: str
    skip_header_rows: int
    citation: str
    licence: str
    description: str


SPECS = (
    ListSpec("yao2021_formal_positive.txt", "yao2021_financial_sentiment.xlsx", "年报正面", 0,
             YAO_CITATION, YAO_LICENCE, "formal (annual-report) positive words"),
    ListSpec("yao2021_formal_negative.txt", "yao2021_financial_sentiment.xlsx", "年报负面", 0,
             YAO_CITATION, YAO_LICENCE, "formal (annual-report) negative words"),
    ListSpec("jiang2020_positive.txt", "jiang2020_financial_sentiment.xlsx", "positive", 1,
             JIANG_CITATION, JIANG_LICENCE, "positive words"),
    ListSpec("jiang2020_negative.txt", "jiang2020_financial_sentiment.xlsx", "negative", 1,
             JIANG_CITATION, JIANG_LICENCE, "negative words"),
)


def read_sheet_words(path: Path, sheet: str, skip_header_rows: int) -> list[str]:
    """First-column words of one sheet: stripped, non-empty, first occurrence kept."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        if sheet not in workbook.sheetnames:
            raise SystemExit(f"{path}: no sheet {sheet!r} (has {workbook.sheetnames})")
        rows = workbook[sheet].iter_rows(values_only=True)
        seen: dict[str, None] = {}
        for index, row in enumerate(rows):
            if index < skip_header_rows or not row or row[0] is None:
                continue
            word = str(row[0]).strip()
            if word:
                seen.setdefault(word, None)
        return list(seen)
    finally:
        workbook.close()


def render_list(spec: ListSpec, words: list[str]) -> str:
    header = [
        f"# {spec.filename}: {spec.description}, one word a line ({len(words)} words).",
        f"# Source: {spec.citation}",
        f"# Licence: {spec.licence}",
        f"# Taken from sheet '{spec.sheet}' of {spec.workbook}; words stripped of surrounding "
        "whitespace, repeats kept once, source order.",
        f"# Built by: {BUILD_COMMAND} (reads ../shared/lexicons/{spec.workbook}); do not edit by hand.",
    ]
    return "\n".join(header + words) + "\n"


def build(shared: Path) -> dict[str, str]:
    lexicon_dir = shared / "lexicons"
    out: dict[str, str] = {}
    for spec in SPECS:
        source = lexicon_dir / spec.workbook
        if not source.exists():
            raise SystemExit(f"{source}: not found (pass --shared DIR)")
        words = read_sheet_words(source, spec.sheet, spec.skip_header_rows)
        out[spec.filename] = render_list(spec, words)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true",
                        help="compare with the shipped files instead of writing them")
    args = parser.parse_args(argv)
    built = build(args.shared)
    differing = []
    for name, text in built.items():
        target = args.out / name
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                differing.append(name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target} ({text.count(chr(10)) - 5} words)")
    if differing:
        print("differ from a rebuild: " + ", ".join(differing), file=sys.stderr)
        return 1
    if args.check:
        print("all shipped lexicons match a rebuild")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
