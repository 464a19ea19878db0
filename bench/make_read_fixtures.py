"""Make the reader fixtures of tests/fixtures/ the way publishers make records: a Word form, exported.

    python bench/make_read_fixtures.py [--out tests/fixtures] [--keep-docx]

Needs LibreOffice (``soffice``, Debian ``libreoffice-writer-nogui``) and a CJK font (Debian
``fonts-noto-cjk``); CI has neither, so the files it writes are committed. Every record is the
project's own seed (seeds/000_ece50293e7075997.txt, parsed) or fictional.

What it writes, each a 投资者关系活动记录表 in the standard two-column form (labels wrapped in a
narrow first column; 特定对象调研 and 路演活动 checked):

* ``seed_boxes.pdf``      ☑/□ boxes as text, ``Q1：/A：`` markup, page header 首都在线（300846）,
                          footer 第 N 页 共 M 页
* ``seed_wingdings.pdf``  Wingdings 2 boxes (``w:sym`` F052 checked, F0A3 empty), ``问：/答：``,
                          page header 北京首都在线科技股份有限公司 2023年4月10日, footer with the title
                          and 第 N 页 共 M 页
* ``seed_textbox.docx``   the whole form inside a text box (``w:txbxContent``), ☑/□ boxes
* ``fictional_after.pdf`` a fictional record (远山科技) whose boxes follow their labels
                          (特定对象调研☑ 分析师会议□), numbered bold questions ``1、…？`` without
                          answer markers, page header 远山科技 and footer 第 N 页 共 M 页
"""
from __future__ import annotations

import argparse
import copy
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = ROOT / "seeds" / "000_ece50293e7075997.txt"
TYPES = (("特定对象调研", "分析师会议"), ("媒体采访", "业绩说明会"), ("新闻发布会", "路演活动"), ("现场参观", ""), ("其他", ""))
CHECKED = {"特定对象调研", "路演活动"}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

FICTIONAL_QA = [
    ("公司今年的订单情况如何？", "公司今年在手订单较去年同期增长约两成，主要来自新能源客户。"),
    ("公司海外业务的进展？", "公司在东南亚设立了销售子公司，海外收入占比逐步提高。"),
    ("原材料价格上涨对毛利率有何影响？", "公司通过长协采购和产品提价消化了大部分成本压力，毛利率保持稳定。"),
    ("公司未来三年的产能规划？", "募投项目建成后公司产能将翻一番，预计分两期投产。"),
]


def seed_record() -> dict:
    """The seed's fields and segments, as nlp.parse reads them."""
    from nlp.parse import parse_file

    filing = parse_file(SEED)
    return {
        "code": filing.code, "name": filing.name, "company": filing.company,
        "participants": list(filing.participants), "time": "2023年4月4日至2023年4月7日",
        "location": filing.location, "staff": [f"{k}、{s}" for k, s in enumerate(filing.staff, 1)],
        "date": "2023年4月10日",
        "intro": "本次投资者关系活动的主要内容如下：",
        "sections": [(seg.title, seg.text) for seg in filing.segments if seg.kind == "presentation"],
        "qa": [(seg.question, seg.answer) for seg in filing.qa],
    }


def fictional_record() -> dict:
    return {
        "code": "300999", "name": "远山科技", "company": "远山科技股份有限公司",
        "participants": ["青石基金 王明", "远望证券 李华"], "time": "2024年3月5日",
        "location": "公司会议室", "staff": ["1、董事会秘书 张三"], "date": "2024年3月6日",
        "intro": "", "sections": [("公司简况", "公司主要从事精密结构件的研发和生产。"), ("问答环节", "")],
        "qa": FICTIONAL_QA,
    }


# ---- DOCX building ---------------------------------------------------------------------------


def _field(paragraph, code: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _sym(paragraph, font: str, char: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    sym = OxmlElement("w:sym")
    sym.set(qn("w:font"), font)
    sym.set(qn("w:char"), char)
    run.append(sym)
    paragraph._p.append(run)


def _page_furniture(document, header: str, footer_title: str) -> None:
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    footer = section.footer.paragraphs[0]
    if footer_title:
        footer.add_run(footer_title + " ")
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")


def _boxes(cell, style: str) -> None:
    """The 活动类别 cell: two types a line, each with its box (``style``: text, wingdings, after)."""
    cell.paragraphs[0].text = ""
    first = True
    for pair in TYPES:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        for k, name in enumerate(pair):
            if not name:
                continue
            checked = name in CHECKED
            label = name + ("（请文字说明其他活动内容）" if name == "其他" else "")
            gap = "        " if k == 0 else ""
            if style == "wingdings":
                _sym(paragraph, "Wingdings 2", "F052" if checked else "F0A3")
                paragraph.add_run(" " + label + gap)
            elif style == "after":
                paragraph.add_run(label + ("☑" if checked else "□") + gap)
            else:
                paragraph.add_run(("☑" if checked else "□") + " " + label + gap)


def _content(cell, record: dict, markup: str) -> None:
    from docx.shared import Pt

    paragraphs = []
    if record["intro"]:
        paragraphs.append((record["intro"], False))
    numerals = "一二三四五六七八九十"
    for k, (title, text) in enumerate(record["sections"]):
        paragraphs.append((f"{numerals[k]}、{title}", False))
        if text:
            paragraphs.append((text, False))
    for n, (question, answer) in enumerate(record["qa"], 1):
        if markup == "qa":
            paragraphs += [(f"Q{n}：{question}", False), (f"A：{answer}", False)]
        elif markup == "wenda":
            paragraphs += [(f"问：{question}", False), (f"答：{answer}", False)]
        else:  # numbered bold questions, no answer marker
            paragraphs += [(f"{n}、{question}", True), (answer, False)]
    cell.paragraphs[0].text = ""
    for k, (text, bold) in enumerate(paragraphs):
        paragraph = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(10.5)


def build_docx(record: dict, boxes: str, markup: str, header: str, footer_title: str):
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    style.font.name = "WenQuanYi Zen Hei"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "WenQuanYi Zen Hei")
    _page_furniture(document, header, footer_title)
    document.add_paragraph(f"证券代码：{record['code']}                    证券简称：{record['name']}")
    document.add_paragraph(record["company"])
    document.add_paragraph("投资者关系活动记录表")
    rows = [
        ("投资者关系活动类别", None),
        ("参与单位名称及人员姓名", "\n".join(record["participants"])),
        ("时间", record["time"]),
        ("地点", record["location"]),
        ("上市公司接待人员姓名", "\n".join(record["staff"])),
        ("投资者关系活动主要内容介绍", None),
        ("附件清单（如有）", "无"),
        ("日期", record["date"]),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows):
        row.cells[0].width = Cm(3.0)  # narrow: the long labels wrap (投资者关系活动 / 类别)
        row.cells[1].width = Cm(13.0)
        row.cells[0].text = label
        if label == "投资者关系活动类别":
            _boxes(row.cells[1], boxes)
        elif label == "投资者关系活动主要内容介绍":
            _content(row.cells[1], record, markup)
        else:
            lines = value.split("\n")
            row.cells[1].text = lines[0]
            for line in lines[1:]:
                row.cells[1].add_paragraph(line)
    return document


def into_text_box(document) -> None:
    """Move the whole body (title and table) into one text box anchored in an empty paragraph."""
    from lxml import etree

    body = document.element.body
    blocks = [child for child in body if child.tag != f"{{{W_NS}}}sectPr"]
    vml = (
        f'<w:p xmlns:w="{W_NS}" xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:pict>'
        '<v:shape id="box1" style="width:450pt;height:1800pt" type="#_x0000_t202"><v:textbox>'
        '<w:txbxContent/></v:textbox></v:shape></w:pict></w:r></w:p>'
    )
    anchor = etree.fromstring(vml)
    content = anchor.find(f".//{{{W_NS}}}txbxContent")
    for block in blocks:
        body.remove(block)
        content.append(copy.deepcopy(block))
    body.insert(0, anchor)


def to_pdf(docx_path: Path, out_dir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) not found: apt-get install libreoffice-writer-nogui")
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out_dir), str(docx_path)],
        check=True, capture_output=True, timeout=300,
    )
    return out_dir / (docx_path.stem + ".pdf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures")
    parser.add_argument("--keep-docx", action="store_true", help="also keep the DOCX the PDFs were made from")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    seed, fictional = seed_record(), fictional_record()
    pdfs = {
        "seed_boxes": build_docx(seed, "text", "qa", "首都在线（300846）", ""),
        "seed_wingdings": build_docx(seed, "wingdings", "wenda", "北京首都在线科技股份有限公司 2023年4月10日",
                                     "北京首都在线科技股份有限公司投资者关系活动记录表"),
        "fictional_after": build_docx(fictional, "after", "numbered", "远山科技", ""),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, document in pdfs.items():
            docx_path = Path(tmp) / f"{name}.docx"
            document.save(docx_path)
            pdf = to_pdf(docx_path, Path(tmp))
            shutil.copy(pdf, args.out / f"{name}.pdf")
            if args.keep_docx:
                shutil.copy(docx_path, args.out / f"{name}.docx")
            print(f"wrote {args.out / (name + '.pdf')} ({pdf.stat().st_size:,} bytes)")
    boxed = build_docx(seed, "text", "qa", "首都在线", "")
    into_text_box(boxed)
    boxed.save(args.out / "seed_textbox.docx")
    print(f"wrote {args.out / 'seed_textbox.docx'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
