"""Which PDF library should ``nlp.read`` use for the text layer? Measure, don't guess.

Generates PDFs with reportlab's built-in CJK font (STSong-Light, not embedded: the text layer is
CIDs mapped through the UniGB-UCS2-H CMap, as in many real 记录表 PDFs) from the seed record and
a few fictional records, laid out like the real forms (a two-column header table, wrapped body
lines, several pages), then extracts them with each library and prints per library:

    accuracy  difflib ratio between source and extracted text, whitespace removed
    cjk       % of the source's CJK characters recovered, in order
    lines     % of source lines found as an extracted line (whitespace removed): the parser
              relies on line breaks to join wrapped lines and spot ``Q1：``/``答：`` markers
    pages/s   extraction speed (best of --repeat runs, one process)

Usage: python bench/pdf_readers.py [--repeat 3] [--copies 4]
"""
from __future__ import annotations

import argparse
import difflib
import io
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_ece50293e7075997.txt"

# Fictional records (invented companies, people and numbers), in the shapes real records take.
FICTIONAL = [
    [
        ("证券代码：300999", "证券简称：星河科技"),
        "星河云智科技股份有限公司",
        "投资者关系活动记录表",
        ("投资者关系活动类别", "☑特定对象调研 □分析师会议 □媒体采访 □业绩说明会"),
        ("参与单位名称及人员姓名", "远山证券 王小明；青松基金 李晓红"),
        ("时间", "2024年3月12日 14:00-15:30"),
        ("地点", "公司会议室"),
        ("上市公司接待人员姓名", "董事会秘书 赵一鸣"),
        ("投资者关系活动主要内容介绍", "本次活动的主要内容如下："),
        "问：公司今年的订单情况如何？",
        "答：公司在手订单充足，一季度新签合同约3.2亿元，同比增长18%。海外市场拓展顺利，"
        "东南亚地区的数据中心项目已进入交付阶段，预计全年收入保持稳定增长。",
        "问：原材料价格上涨对毛利率有何影响？",
        "答：公司通过集中采购和工艺改进降低成本，毛利率预计与去年基本持平，不存在大幅下滑的风险。",
        ("日期", "2024年3月13日"),
    ],
    [
        ("证券代码：002888", "证券简称：青禾农业"),
        "青禾现代农业股份有限公司",
        "投资者关系活动记录表",
        ("投资者关系活动类别", "□特定对象调研 ☑业绩说明会 □路演活动"),
        ("时间", "2023年5月8日"),
        "1、公司种子业务的研发进展？",
        "答：公司每年研发投入占营业收入的6.5%左右，新品种审定数量稳步增加，"
        "玉米和水稻品种在西南区域的推广面积扩大。",
        "2、公司是否有定向增发的计划？",
        "答：目前暂无非公开发行股票的计划，如有相关安排将按规定及时披露。",
        "Q3：How about the export business (出口业务)?",
        "A3：出口业务占比约12%，主要面向东南亚和非洲市场，汇率波动影响有限。",
    ],
    [
        ("证券代码：688777", "证券简称：蓝海芯片"),
        "蓝海芯片技术股份有限公司",
        "投资者关系活动记录表",
        ("投资者关系活动类别", "☑特定对象调研 ☑现场参观"),
        ("参与单位名称及人员姓名", "北辰资本 周全；东岳保险资管 孙立"),
        "问题1：国产替代进展如何？",
        "公司光模块与芯片产品已进入多家头部客户供应链，国产化率持续提升，"
        "资本开支主要用于募投项目建设与智算中心配套产线，预计明年下半年达产。",
        "问题2：公司对行业景气度的判断？",
        "行业需求仍有不确定性，下游库存调整尚未结束，公司将审慎控制费用，保持现金流稳健。",
    ],
]

FONT = "STSong-Light"
SIZE = 10.5
PAGE_W, PAGE_H = 595, 842  # A4 in points
LEFT, RIGHT, TOP, BOTTOM = 60, 60, 60, 60
LABEL_W = 130  # width of the header table's label column
LEADING = 16
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WS = re.compile(r"\s+")


def _wrap(text: str, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in text:
        if line and stringWidth(line + ch, FONT, SIZE) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines or [""]


def _seed_items() -> list:
    text = SEED.read_text(encoding="utf-8")
    # Private-use glyphs (Wingdings checkboxes) have no STSong-Light glyph; reportlab would drop them.
    text = re.sub(r"[\ue000-\uf8ff]", "☑", text)
    return [line.strip() for line in text.splitlines() if line.strip()]


def make_pdf(items: list) -> tuple[bytes, str, int]:
    """Lay out ``items`` (str = body paragraph, (label, value) = table row); return pdf, source text, pages."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H))
    pdf.setFont(FONT, SIZE)
    body_w = PAGE_W - LEFT - RIGHT
    y = PAGE_H - TOP
    pages = 1
    source_lines: list[str] = []

    def next_line() -> None:
        nonlocal y, pages
        y -= LEADING
        if y < BOTTOM:
            pdf.showPage()
            pdf.setFont(FONT, SIZE)  # reportlab resets the font on a new page
            pages += 1
            y = PAGE_H - TOP

    for item in items:
        if isinstance(item, tuple):
            label, value = item
            labels = _wrap(label, LABEL_W - 10)
            values = _wrap(value, body_w - LABEL_W)
            top = y
            for i in range(max(len(labels), len(values))):
                left = labels[i] if i < len(labels) else ""
                right = values[i] if i < len(values) else ""
                if left:
                    pdf.drawString(LEFT, y, left)
                if right:
                    pdf.drawString(LEFT + LABEL_W, y, right)
                source_lines.append(f"{left} {right}".strip())
                next_line()
            if y < top:  # a cell border, as real forms have; only when the row stayed on one page
                pdf.line(LEFT + LABEL_W - 5, top + LEADING - 4, LEFT + LABEL_W - 5, y + LEADING - 4)
        else:
            for line in _wrap(item, body_w):
                pdf.drawString(LEFT, y, line)
                source_lines.append(line)
                next_line()
    pdf.save()
    return buf.getvalue(), "\n".join(source_lines), pages


# ---- extractors: bytes -> text with pages in order -------------------------------------------


def by_pdfplumber(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def by_pdfminer(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def by_pypdf(data: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def by_pypdfium2(data: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


READERS: dict[str, Callable[[bytes], str]] = {
    "pdfplumber": by_pdfplumber,
    "pdfminer.six": by_pdfminer,
    "pypdf": by_pypdf,
    "pypdfium2": by_pypdfium2,
}


def _nows(text: str) -> str:
    return WS.sub("", text)


def scores(source: str, extracted: str) -> tuple[float, float, float]:
    accuracy = difflib.SequenceMatcher(None, _nows(source), _nows(extracted), autojunk=False).ratio()
    src_cjk, out_cjk = "".join(CJK.findall(source)), "".join(CJK.findall(extracted))
    matcher = difflib.SequenceMatcher(None, src_cjk, out_cjk, autojunk=False)
    cjk = sum(b.size for b in matcher.get_matching_blocks()) / max(len(src_cjk), 1)
    out_lines = {_nows(line) for line in extracted.splitlines()}
    src_lines = [_nows(line) for line in source.splitlines() if _nows(line)]
    lines = sum(line in out_lines for line in src_lines) / max(len(src_lines), 1)
    return accuracy, cjk, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per library (best kept)")
    parser.add_argument("--copies", type=int, default=4, help="times the corpus of PDFs is extracted per run")
    args = parser.parse_args(argv)

    docs = [make_pdf(_seed_items())] + [make_pdf(items) for items in FICTIONAL]
    total_pages = sum(pages for _, _, pages in docs)
    print(f"{len(docs)} PDFs, {total_pages} pages, {sum(len(s) for _, s, _ in docs)} source characters")
    print(f"{'library':<14}{'accuracy':>10}{'cjk':>9}{'lines':>9}{'pages/s':>10}")
    for name, read in READERS.items():
        try:
            outputs = [read(pdf) for pdf, _, _ in docs]
        except ImportError as err:
            print(f"{name:<14} not installed ({err})")
            continue
        measured = [scores(source, out) for (_, source, _), out in zip(docs, outputs)]
        weights = [len(source) for _, source, _ in docs]
        mean = [sum(m[i] * w for m, w in zip(measured, weights)) / sum(weights) for i in range(3)]
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            for _ in range(args.copies):
                for pdf, _, _ in docs:
                    read(pdf)
            best = min(best, time.perf_counter() - start)
        rate = total_pages * args.copies / best
        print(f"{name:<14}{mean[0]:>10.4f}{mean[1]:>9.2%}{mean[2]:>9.2%}{rate:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
