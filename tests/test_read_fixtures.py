"""Records as publishers make them: the seed re-made as a Word form and exported by LibreOffice
(tests/fixtures/, made by bench/make_read_fixtures.py), read and parsed like the seed itself."""
from __future__ import annotations

from pathlib import Path

import pytest

from nlp.parse import parse_file
from nlp.read import read_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "seeds" / "000_ece50293e7075997.txt"
REMADE_CHECKED = ("特定对象调研", "路演活动")  # what the re-made forms tick


@pytest.fixture(scope="module")
def seed_pairs():
    return [(s.question, s.answer) for s in parse_file(SEED).qa]


@pytest.mark.parametrize("name", ["seed_boxes.pdf", "seed_wingdings.pdf", "seed_textbox.docx"])
def test_remade_seed_reads_like_the_seed(name, seed_pairs):
    filing = parse_file(FIXTURES / name)
    assert [(s.question, s.answer) for s in filing.qa] == seed_pairs  # 20 pairs, headers and footers out
    assert filing.activity_types == REMADE_CHECKED
    assert (filing.code, filing.name, filing.date) == ("300846", "首都在线", "2023-04-10")


def test_pdf_symbols_are_put_where_they_are_drawn():
    # LibreOffice writes ☑ (a fallback font) after 路演活动 in the text layer; it is drawn before it
    text = read_file(FIXTURES / "seed_boxes.pdf").text
    line = next(line for line in text.splitlines() if "路演活动" in line)
    assert line.index("☑") < line.index("路演活动")


def test_boxes_after_their_labels(tmp_path):
    filing = parse_file(FIXTURES / "fictional_after.pdf")
    assert filing.activity_types == REMADE_CHECKED
    assert [s.question for s in filing.qa] == [
        "公司今年的订单情况如何？", "公司海外业务的进展？", "原材料价格上涨对毛利率有何影响？", "公司未来三年的产能规划？",
    ]
    assert all("远山科技" not in s.answer and "页" not in s.answer for s in filing.qa)


def test_docx_drawingml_text_box_is_read_once(tmp_path):
    docx = pytest.importorskip("docx")
    from lxml import etree

    document = docx.Document()
    document.add_paragraph("证券代码：300999 证券简称：青石科技")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    box = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in ("问：今年订单如何？", "答：一季度订单同比增长两成。"))
    xml = (
        f'<w:p xmlns:w="{w}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>{box}</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{box}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r></w:p>"
    )
    document.element.body.insert(1, etree.fromstring(xml))
    path = tmp_path / "box.docx"
    document.save(path)
    text = read_file(path).text
    assert text.count("今年订单如何") == 1
    assert [(s.question, s.answer) for s in parse_file(path).qa] == [("今年订单如何？", "一季度订单同比增长两成。")]
