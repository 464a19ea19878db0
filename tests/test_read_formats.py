"""nlp.read: UTF-16/32 without a byte-order mark, HTML pages, and archives that are damaged or
inflate far beyond their size — read like the seed, or refused in one line."""
from __future__ import annotations

import html
import zipfile
from pathlib import Path

import pytest

from nlp.parse import parse_file
from nlp.read import decode_text, iter_inputs, read_file
from nlp.records import IrtoneError

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ece50293e7075997.txt"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8").replace("\r\n", "\n")


@pytest.fixture(scope="module")
def seed_pairs():
    return [(s.question, s.answer) for s in parse_file(SEED).qa]


# ---- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_without_bom_read_like_the_seed(encoding, seed_text, seed_pairs, tmp_path):
    path = tmp_path / "seed.txt"
    path.write_bytes(seed_text.encode(encoding))
    doc = read_file(path)
    assert (doc.text, doc.encoding) == (seed_text, encoding)
    assert [(s.question, s.answer) for s in parse_file(path).qa] == seed_pairs


def test_short_utf16_without_bom_holding_u4e00():
    # 一 is U+4E00: in UTF-16-LE its low byte is NUL, on the "wrong" side; ASCII decides
    text = "一、公司情况\n问：一季度订单？\n答：同比增长20%。\n"
    assert decode_text(text.encode("utf-16-le")) == (text, "utf-16-le", 0)


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\x00\x01\x02\x03" * 64, bytes(range(256)) * 4],
)
def test_binary_with_nul_bytes_is_still_refused(data):
    with pytest.raises(IrtoneError, match="binary file"):
        decode_text(data, "x.bin")


# ---- HTML ------------------------------------------------------------------------------------


def seed_page(seed_text: str, charset: str = "utf-8") -> str:
    lines = [line for line in seed_text.split("\n") if line.strip()]
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines)
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="{charset}"><title>投资者关系活动记录表</title>'
        '<style>p { margin: 0 }</style><script>var q = "问：这不是问题？";</script></head>'
        f"<body><!-- saved from an exchange site -->{body}<script>track('答：也不是答案')</script></body></html>"
    )


@pytest.mark.parametrize("name, charset", [("seed.html", "utf-8"), ("seed.txt", "gb2312")])
def test_html_page_reads_like_the_seed(name, charset, seed_text, seed_pairs, tmp_path):
    # a .txt holding HTML is read as HTML too: the content decides
    path = tmp_path / name
    path.write_bytes(seed_page(seed_text, charset).encode("gb18030" if charset == "gb2312" else "utf-8"))
    doc = read_file(path)
    assert doc.format == "html"
    assert "这不是问题" not in doc.text and "也不是答案" not in doc.text and "margin" not in doc.text
    filing = parse_file(path)
    assert [(s.question, s.answer) for s in filing.qa] == seed_pairs
    assert filing.activity_types == ("特定对象调研",)


def test_html_table_form_with_checkbox_inputs(tmp_path):
    page = """<html><body><table>
    <tr><td>证券代码：300999</td><td>证券简称：青石科技</td></tr>
    <tr><td>投资者关系活动类别</td><td><input type="checkbox" checked>特定对象调研
        <input type="checkbox">分析师会议 <input type="checkbox" checked="checked">路演活动</td></tr>
    <tr><td>时间</td><td>2024年3月5日</td></tr>
    <tr><td>投资者关系活动主要内容介绍</td><td><p>问：今年订单如何？</p><p>答：一季度订单<b>同比</b>增长两成。</p></td></tr>
    <tr><td>日期</td><td>2024年3月6日</td></tr></table></body></html>"""
    path = tmp_path / "form.htm"
    path.write_text(page, encoding="utf-8")
    filing = parse_file(path)
    assert filing.activity_types == ("特定对象调研", "路演活动")
    assert [(s.question, s.answer) for s in filing.qa] == [("今年订单如何？", "一季度订单同比增长两成。")]
    assert (filing.code, filing.date) == ("300999", "2024-03-06")


def test_html_without_text_is_a_one_line_error(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>var x = 1;</script></head><body><img src='a.png'></body></html>", encoding="utf-8")
    with pytest.raises(IrtoneError) as err:
        read_file(path)
    assert "no text" in str(err.value) and "\n" not in str(err.value)


def test_html_files_in_a_folder_are_read(tmp_path, seed_text):
    (tmp_path / "a.html").write_text(seed_page(seed_text), encoding="utf-8")
    items = list(iter_inputs(tmp_path))
    assert [type(item).__name__ for item in items] == ["RawDocument"]


# ---- damaged and oversized archives ---------------------------------------------------------


def test_docx_needing_an_unknown_zip_version_is_refused(tmp_path):
    data = bytearray((FIXTURES / "seed_textbox.docx").read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 6 : central + 8] = (99).to_bytes(2, "little")
    path = tmp_path / "v99.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(IrtoneError, match="v99.docx: DOCX is damaged"):
        read_file(path)


def test_docx_inflating_past_the_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    import nlp.read.docx

    monkeypatch.setattr(nlp.read.docx, "MAX_DOCX_XML_BYTES", 1024**2)
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(FIXTURES / "seed_textbox.docx") as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            bomb.writestr(info, source.read(info))
        bomb.writestr("customXml/item9.xml", b"<a>" + b" " * (2 * 1024**2) + b"</a>")  # 2 MB of XML, a few KB packed
    assert path.stat().st_size < 100_000
    with pytest.raises(IrtoneError, match="bomb.docx: DOCX unpacks to .* zip bomb"):
        read_file(path)


def test_docx_lying_about_its_sizes_is_a_one_line_error(tmp_path):
    data = bytearray((FIXTURES / "seed_textbox.docx").read_bytes())
    # shrink the declared size of word/document.xml in its central directory entry
    at = data.find(b"word/document.xml", data.find(b"PK\x01\x02"))
    header = data.rfind(b"PK\x01\x02", 0, at)
    data[header + 24 : header + 28] = (100).to_bytes(4, "little")
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(IrtoneError) as err:
        parse_file(path)
    assert str(err.value).startswith(f"{path}:") and "\n" not in str(err.value)


def test_truncated_pdf_is_a_one_line_error(tmp_path):
    data = (FIXTURES / "seed_boxes.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(IrtoneError) as err:
        parse_file(path)
    assert str(err.value).startswith(f"{path}:") and "\n" not in str(err.value)
