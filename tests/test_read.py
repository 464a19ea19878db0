"""nlp.read: bytes → text for TXT, PDF, DOCX and tables; bad input → one-line IrtoneError.

All fixtures are fictional records generated here in tmp_path (or the seed); the corpus test only
reads ../shared/corpus and is skipped where it is absent.
"""
from __future__ import annotations

import gzip
import io
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.read import decode_text, iter_inputs, normalize_code, read_documents, read_file, unreadable_share
from nlp.records import IrtoneError, RawDocument

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_ece50293e7075997.txt"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

# A fictional record (invented company, people and numbers).
RECORD = """证券代码：300999                 证券简称：星河科技
星河云智科技股份有限公司
投资者关系活动记录表
投资者关系活动类别  ■特定对象调研 □分析师会议
时间  2024年3月12日
问：公司今年的订单情况如何？
答：公司在手订单充足，一季度新签合同约3.2亿元，同比增长18%。
问：原材料价格上涨对毛利率有何影响？
答：毛利率预计与去年基本持平，不存在大幅下滑的风险。
日期：2024年3月13日
"""
CJK = re.compile(r"[\u4e00-\u9fff]")


def cjk(text: str) -> str:
    return "".join(CJK.findall(text))


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def make_pdf(pages: list[list[str]], encrypt=None) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, encrypt=encrypt)
    for lines in pages:
        pdf.setFont("STSong-Light", 11)
        for i, line in enumerate(lines):
            pdf.drawString(50, 800 - 18 * i, line)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def assert_error(path: Path | str, reason: str, **kwargs) -> IrtoneError:
    with pytest.raises(IrtoneError) as info:
        read_file(path, **kwargs)
    return check_error(info.value, path, reason)


def check_error(err: IrtoneError, path: Path | str, reason: str) -> IrtoneError:
    message = str(err)
    assert Path(path).name in message
    assert reason in message, message
    assert "\n" not in message
    return err


# ---- TXT ---------------------------------------------------------------------------------


def test_seed_reads_as_utf8_unchanged():
    doc = read_file(SEED)
    assert doc == RawDocument(
        source=str(SEED), text=SEED.read_text(encoding="utf-8"), format="txt", encoding="utf-8", meta={}
    )


@pytest.mark.parametrize(
    "encoding, data_encoding, newline",
    [
        ("utf-8", "utf-8", "\n"),
        ("utf-8", "utf-8", "\r\n"),
        ("utf-8-sig", "utf-8-sig", "\r\n"),
        ("gb18030", "gb18030", "\r\n"),
        ("gb18030", "gbk", "\r"),
        ("utf-16-le", "utf-16", "\r\n"),  # Python's utf-16 writes a little-endian BOM
        ("utf-16-be", "utf-16-be", "\n"),
    ],
)
def test_txt_encodings_read_back_identical(tmp_path, encoding, data_encoding, newline):
    data = RECORD.replace("\n", newline).encode(data_encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    doc = read_file(write(tmp_path / "record.txt", data))
    assert doc.text == RECORD
    assert doc.encoding == encoding
    assert doc.format == "txt"


def test_gb18030_that_is_not_chinese_is_rejected():
    # Valid GB18030 byte pairs, but decoding to rare characters: binary, not Chinese text.
    data = bytes([0x81, 0x40, 0x82, 0x41, 0x83, 0x42, 0x84, 0x43] * 50)
    with pytest.raises(IrtoneError, match="not text in a supported encoding"):
        decode_text(data, "x.txt")


def test_a_few_bad_bytes_in_utf8_are_replaced_and_counted(tmp_path):
    data = RECORD.encode("utf-8") * 3 + b"\xff" + RECORD.encode("utf-8")
    doc = read_file(write(tmp_path / "r.txt", data))
    assert doc.encoding == "utf-8"
    assert doc.meta == {"decode_errors": 1}
    assert doc.text == RECORD * 3 + "\ufffd" + RECORD


# ---- PDF ---------------------------------------------------------------------------------


def test_pdf_text_layer_in_page_order(tmp_path):
    lines = RECORD.splitlines()
    path = write(tmp_path / "record.pdf", make_pdf([lines[:5], lines[5:]]))
    doc = read_file(path)
    assert doc.format == "pdf"
    assert doc.encoding is None
    assert doc.meta == {"pages": 2}
    assert cjk(doc.text) == cjk(RECORD)
    out_lines = [re.sub(r"\s", "", line) for line in doc.text.splitlines()]
    assert out_lines == [re.sub(r"\s", "", line) for line in lines]


def test_pdf_line_final_hyphen_and_kangxi_radicals(tmp_path):
    path = write(tmp_path / "r.pdf", make_pdf([["会议时间14:00-", "16:00，⽅案已确定"]]))
    assert read_file(path).text == "会议时间14:00-\n16:00，方案已确定"


def test_pdf_with_owner_password_only_opens(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption

    encrypt = StandardEncryption("", ownerPassword="owner", canPrint=0)
    path = write(tmp_path / "r.pdf", make_pdf([["公司经营稳健"]], encrypt=encrypt))
    assert read_file(path).text == "公司经营稳健"


def test_txt_that_is_really_a_pdf_is_read_as_pdf(tmp_path):
    doc = read_file(write(tmp_path / "misnamed.txt", make_pdf([["公司经营稳健"]])))
    assert (doc.format, doc.text) == ("pdf", "公司经营稳健")


def test_pdf_that_is_really_text_is_read_as_text(tmp_path):
    doc = read_file(write(tmp_path / "misnamed.pdf", RECORD.encode("gb18030")))
    assert (doc.format, doc.encoding, doc.text) == ("txt", "gb18030", RECORD)


# ---- DOCX --------------------------------------------------------------------------------


def _sym(run, char: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sym = OxmlElement("w:sym")
    sym.set(qn("w:font"), "Wingdings 2")
    sym.set(qn("w:char"), char)
    run._r.append(sym)


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("证券代码：300999                 证券简称：星河科技")
    document.add_paragraph("投资者关系活动记录表")
    table = document.add_table(rows=6, cols=2)
    rows = [
        ("投资者关系活动类别", None),
        ("参与单位名称及人员姓名", "远山证券 王小明；青松基金 李晓红"),
        ("时间", "2024年3月12日"),
        ("上市公司接待人员姓名", "董事会秘书 赵一鸣"),
        ("投资者关系活动主要内容介绍", "问：公司今年的订单情况如何？"),
        ("日期", "2024年3月13日"),
    ]
    for row, (label, value) in zip(table.rows, rows):
        row.cells[0].text = label
        if value:
            row.cells[1].text = value
    category = table.rows[0].cells[1].paragraphs[0]
    _sym(category.add_run(), "F052")
    category.add_run("特定对象调研 □分析师会议")
    table.rows[4].cells[1].add_paragraph("答：公司在手订单充足。")
    merged = document.add_table(rows=3, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 2)).text = "附件清单"  # horizontal merge
    merged.cell(1, 0).merge(merged.cell(2, 0)).text = "备注"  # vertical merge
    merged.cell(1, 1).text = "无"
    merged.cell(1, 2).text = "无"  # identical neighbour: collapsed
    merged.cell(2, 1).text = "见公告"
    document.add_paragraph("以上内容不涉及应披露重大信息。")
    document.save(path)
    return path


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    doc = read_file(make_docx(tmp_path / "record.docx"))
    assert doc.format == "docx"
    assert doc.text.split("\n") == [
        "证券代码：300999                 证券简称：星河科技",
        "投资者关系活动记录表",
        "投资者关系活动类别\t\uf052特定对象调研 □分析师会议",
        "参与单位名称及人员姓名\t远山证券 王小明；青松基金 李晓红",
        "时间\t2024年3月12日",
        "上市公司接待人员姓名\t董事会秘书 赵一鸣",
        "投资者关系活动主要内容介绍\t问：公司今年的订单情况如何？",
        "答：公司在手订单充足。",
        "日期\t2024年3月13日",
        "附件清单",
        "备注\t无",
        "见公告",
        "以上内容不涉及应披露重大信息。",
    ]
    assert doc.meta == {
        "category": "\uf052特定对象调研 □分析师会议",
        "institutions": "远山证券 王小明；青松基金 李晓红",
        "event_time": "2024年3月12日",
        "staff": "董事会秘书 赵一鸣",
        "date": "2024年3月13日",
    }


def test_docx_page_header_is_prepended(tmp_path):
    import docx

    document = docx.Document()
    header = document.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = "证券代码：002888  证券简称：青禾农业"
    document.add_paragraph("投资者关系活动记录表")
    path = tmp_path / "h.docx"
    document.save(path)
    assert read_file(path).text == "证券代码：002888  证券简称：青禾农业\n投资者关系活动记录表"


# ---- tables ------------------------------------------------------------------------------

WHOLE = [
    {"doc_id": "9000000001", "code": "2594", "name": "星河科技", "category": "特定对象调研",
     "institutions": "远山证券;青松基金", "date": "2024-03-13", "content": "问：订单如何？\r\n答：充足。"},
    {"doc_id": "", "code": "300999", "name": "青禾农业", "category": "", "institutions": "",
     "date": "0202-01-05", "content": "1、研发进展？\n答：稳步推进。"},
]
WHOLE_META = [
    {"doc_id": "9000000001", "code": "002594", "name": "星河科技", "category": "特定对象调研",
     "institutions": "远山证券;青松基金", "date": "2024-03-13"},
    {"code": "300999", "name": "青禾农业", "date": "0202-01-05"},
]
ANSWERS = [
    {"conference": "星河科技2016年度业绩说明会", "company": "星河科技", "year": 2016, "qa_index": 0,
     "question": "今年分红吗？", "answer": "请关注公告，谢谢！"},
    {"conference": "星河科技2016年度业绩说明会", "company": "星河科技", "year": 2016, "qa_index": 1,
     "question": "海外业务？", "answer": "稳步推进。"},
    {"conference": "青禾农业2016年度业绩说明会", "company": "青禾农业", "year": 2016, "qa_index": 0,
     "question": "种子销量？", "answer": "同比增长。"},
]


def write_table(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    import pandas as pd

    frame = pd.DataFrame(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    name = path.name
    if name.endswith(".parquet"):
        frame.to_parquet(path, index=False)
    elif ".csv" in name:
        frame.to_csv(path, index=False, encoding=encoding, compression="gzip" if name.endswith(".gz") else None)
    else:
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")
        path.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    return path


@pytest.mark.parametrize("name", ["t.csv", "t.csv.gz", "t.jsonl", "t.jsonl.gz", "t.parquet"])
def test_whole_record_tables(tmp_path, name):
    path = write_table(tmp_path / name, WHOLE)
    docs = list(read_documents(path))
    fmt = name.split(".")[1]
    assert [d.source for d in docs] == [f"{path}#9000000001", f"{path}#2"]
    assert [d.text for d in docs] == ["问：订单如何？\n答：充足。", "1、研发进展？\n答：稳步推进。"]
    assert [d.meta for d in docs] == WHOLE_META
    assert {d.format for d in docs} == {fmt}
    assert {d.encoding for d in docs} == ({None} if fmt == "parquet" else {"utf-8"})


def test_gbk_csv_from_excel_is_detected(tmp_path):
    path = write_table(tmp_path / "excel.csv", WHOLE, encoding="gbk")
    docs = list(read_documents(path))
    assert [d.meta["name"] for d in docs] == ["星河科技", "青禾农业"]
    assert docs[0].encoding == "gb18030"


def test_parquet_integer_codes_are_zero_padded(tmp_path):
    rows = [{"code": 2594, "content": "问：订单？答：充足。"}]
    assert next(read_documents(write_table(tmp_path / "c.parquet", rows))).meta == {"code": "002594"}


@pytest.mark.parametrize("name", ["a.csv", "a.jsonl.gz", "a.parquet"])
def test_answer_tables_group_consecutive_rows(tmp_path, name):
    path = write_table(tmp_path / name, ANSWERS)
    docs = list(read_documents(path))
    fmt = name.split(".")[1]
    assert [(d.source, d.text, d.format) for d in docs] == [(f"{path}#1-2", "", fmt), (f"{path}#3", "", fmt)]
    assert docs[0].meta == {
        "company": "星河科技",
        "conference": "星河科技2016年度业绩说明会",
        "year": "2016",
        "pairs": [
            {"id": "1", "number": 1, "question": "今年分红吗？", "answer": "请关注公告，谢谢！"},
            {"id": "2", "number": 2, "question": "海外业务？", "answer": "稳步推进。"},
        ],
    }
    assert docs[1].meta["pairs"] == [{"id": "3", "number": 1, "question": "种子销量？", "answer": "同比增长。"}]


def test_answer_groups_by_code_and_date_with_ids(tmp_path):
    rows = [
        {"id": "a1", "code": "2594", "company": "星河", "date": "2024-05-01", "question": "Q1", "answer": "回答1"},
        {"id": "a2", "code": "002594", "company": "星河科技", "date": "2024-05-01", "question": "Q2", "answer": "回答2"},
        {"id": "a3", "code": "002594", "company": "星河科技", "date": "2024-06-01", "question": "Q3", "answer": "回答3"},
    ]
    docs = list(read_documents(write_table(tmp_path / "a.csv", rows)))
    assert [[p["id"] for p in d.meta["pairs"]] for d in docs] == [["a1", "a2"], ["a3"]]
    assert [(d.meta["code"], d.meta["date"], d.meta["company"]) for d in docs] == [
        ("002594", "2024-05-01", "星河"),
        ("002594", "2024-06-01", "星河科技"),
    ]


def test_empty_answer_rows_are_answers_not_dropped(tmp_path):
    """Every answer row reaches the batch (which writes an empty one with status ``empty``)."""
    rows = [
        {"id": "a1", "code": "002594", "date": "2024-05-01", "question": "Q1", "answer": "回答1"},
        {"id": "a2", "code": "002594", "date": "2024-05-01", "question": "Q2", "answer": "  "},
        {"id": "a3", "code": "002594", "date": "2024-05-01", "question": "Q3", "answer": "回答3"},
    ]
    path = write_table(tmp_path / "a.csv", rows)
    out = list(iter_inputs([path]))
    assert not [o for o in out if isinstance(o, IrtoneError)]
    assert [p["id"] for d in out for p in d.meta["pairs"]] == ["a1", "a2", "a3"]


@pytest.mark.parametrize("name", ["u.csv", "u.jsonl", "u.parquet"])
def test_unknown_table_layout(tmp_path, name):
    path = write_table(tmp_path / name, [{"title": "x", "body": "y"}])
    with pytest.raises(IrtoneError) as info:
        list(read_documents(path))
    check_error(info.value, path, "unknown table layout: columns found: title, body; expected 'content'")


def test_answers_table_without_questions_is_read(tmp_path):
    """The question is context: a table of answers alone is scored, as nlp.score_answers scores it."""
    path = write_table(tmp_path / "a.csv", [{"id": "x1", "answer": "公司产能扩张顺利。"}, {"id": "x2", "answer": "谢谢。"}])
    docs = [d for d in iter_inputs([path]) if not isinstance(d, IrtoneError)]
    assert [(p["id"], p["question"]) for d in docs for p in d.meta["pairs"]] == [("x1", ""), ("x2", "")]


def test_answer_without_chinese_text_is_read(tmp_path):
    path = write_table(tmp_path / "e.csv", [{"answer": "Revenue grew."}, {"answer": "12345"}, {"answer": "产能扩张。"}])
    items = list(iter_inputs([path]))
    assert [p["answer"] for d in items for p in d.meta["pairs"]] == ["Revenue grew.", "12345", "产能扩张。"]


def test_bad_jsonl_line_is_yielded_and_reading_goes_on(tmp_path):
    lines = [json.dumps(WHOLE[0], ensure_ascii=False), "{not json", "[1, 2]", json.dumps(WHOLE[1], ensure_ascii=False)]
    path = write(tmp_path / "t.jsonl", "\n".join(lines) + "\n")
    items = list(iter_inputs([path]))
    assert [str(i) if isinstance(i, IrtoneError) else i.source for i in items] == [
        f"{path}#9000000001",
        f"{path}#2: invalid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"{path}#3: line is not a JSON object",
        f"{path}#4",
    ]
    with pytest.raises(IrtoneError, match="#2: invalid JSON"):
        list(read_documents(path))


# ---- bad input ---------------------------------------------------------------------------


def _truncated_docx(path: Path) -> None:
    make_docx(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _zip_not_docx(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")


def _empty_docx(path: Path) -> None:
    import docx

    docx.Document().save(path)


def _encrypted_pdf(path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    path.write_bytes(make_pdf([["机密"]], encrypt=StandardEncryption("secret", ownerPassword="o")))


def _image_only_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 300, 300, fill=1)  # a "scanned page": marks but no text
    pdf.save()


BAD_FILES = {
    "empty.txt": (lambda p: p.write_bytes(b""), "is empty (0 bytes)"),
    "blank.txt": (lambda p: p.write_bytes(" \r\n\t\u3000\n".encode("utf-8")), "is empty (only whitespace)"),
    "nul.txt": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary file (contains NUL bytes)"),
    "latin.txt": (lambda p: p.write_bytes(bytes(range(0x80, 0x100)) * 4), "not text in a supported encoding"),
    "truncated.pdf": (lambda p: p.write_bytes(make_pdf([["公司"]])[:-40]), "PDF is damaged or truncated"),
    "corrupt.pdf": (lambda p: p.write_bytes(b"%PDF-1.4\n" + b"garbage " * 200), "PDF is damaged or truncated"),
    "encrypted.pdf": (_encrypted_pdf, "PDF is encrypted and needs a password"),
    "scanned.pdf": (_image_only_pdf, "PDF has no text layer (scanned image?); OCR is not supported"),
    "truncated.docx": (_truncated_docx, "DOCX is damaged or truncated"),
    "workbook.docx": (_zip_not_docx, "ZIP archive but not a DOCX"),
    "empty.docx": (_empty_docx, "DOCX has no text"),
    "legacy.doc.docx": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "OLE2 file"),
    "table.csv": (lambda p: write_table(p, WHOLE), "is a csv table, not a disclosure; score tables with irtone batch (--db to store them), or nlp.read_documents"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_raise_one_line_errors(tmp_path, name):
    make, reason = BAD_FILES[name]
    path = tmp_path / name
    make(path)
    assert_error(path, reason)


def test_missing_file_and_directory(tmp_path):
    assert_error(tmp_path / "nope.txt", "no such file")
    assert_error(tmp_path, "is a directory, not a file")


def test_size_limit_is_checked_before_reading(tmp_path):
    path = write(tmp_path / "big.txt", RECORD)
    size = path.stat().st_size
    assert read_file(path, max_bytes=size).text == RECORD
    assert_error(path, "is too large", max_bytes=size - 1)
    table = write_table(tmp_path / "big.csv", WHOLE)
    with pytest.raises(IrtoneError, match="big.csv: is too large"):
        list(read_documents(table, max_table_bytes=100))


def test_text_too_long_for_one_record_is_an_error(tmp_path, monkeypatch):
    import nlp.read

    path = write(tmp_path / "dump.txt", RECORD * 3)
    monkeypatch.setattr(nlp.read, "MAX_DOCUMENT_CHARS", len(RECORD) * 2)
    with pytest.raises(IrtoneError) as info:
        read_file(path)
    check_error(info.value, path, f"holds {len(RECORD) * 3:,} characters of text, more than one IR record could")
    assert read_file(write(tmp_path / "one.txt", RECORD)).text == RECORD


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.csv", b"", "is empty (0 bytes)"),
        ("header.csv", b"doc_id,content\n", "table has no rows"),
        ("blank.jsonl", b"\n\n", "is empty (no JSON records)"),
        ("plain.csv.gz", b"doc_id,content\n1,x\n", "is not a gzip-compressed file (content looks like plain text)"),
        ("pdf.csv", b"%PDF-1.4\n...", "is not a CSV text file (content looks like PDF)"),
        ("text.parquet", b"doc_id,content\n1,x\n", "is not a Parquet file (content looks like plain text)"),
        ("cut.parquet", b"PAR1" + b"\x15\x04" * 40, "Parquet file is damaged or truncated"),
        ("broken.jsonl.gz", gzip.compress(b'{"content": "x"}\n' * 50)[:-12], "gzip data is damaged or truncated"),
        ("quote.csv", b'doc_id,content\n1,"ok"\n2,"unclosed\n', "CSV error after 0 rows: Error tokenizing data. C error: EOF inside string"),
    ],
)
def test_bad_tables(tmp_path, name, data, reason):
    path = write(tmp_path / name, data)
    with pytest.raises(IrtoneError) as info:
        list(read_documents(path))
    check_error(info.value, path, reason)


# ---- directories -------------------------------------------------------------------------


def test_directory_walk_yields_errors_as_values_and_goes_on(tmp_path):
    write(tmp_path / "b_record.txt", RECORD)
    write(tmp_path / "a" / "broken.pdf", b"%PDF-1.7\nnot really")
    write(tmp_path / "a" / "ok.pdf", make_pdf([["公司经营稳健"]]))
    write(tmp_path / "notes.md", "not ignored in silence")
    write(tmp_path / ".hidden" / "x.txt", RECORD)
    write_table(tmp_path / "c" / "answers.JSONL", ANSWERS)
    items = list(iter_inputs([tmp_path]))
    summary = [("error", Path(i.source).name) if isinstance(i, IrtoneError) else (i.format, Path(i.source).name) for i in items]
    assert summary == [
        ("txt", "b_record.txt"),
        ("error", "notes.md"),  # an unsupported file in a folder is reported (a .doc would be data lost)
        ("error", "broken.pdf"),
        ("pdf", "ok.pdf"),
        ("jsonl", "answers.JSONL#1-2"),
        ("jsonl", "answers.JSONL#3"),
    ]
    assert next(i for i in items if isinstance(i, IrtoneError)).reason.startswith("unsupported file type")
    with pytest.raises(IrtoneError, match="notes.md: unsupported file type"):
        list(read_documents(tmp_path))
    missing = list(iter_inputs([tmp_path / "missing.txt", tmp_path / "b_record.txt"]))
    assert [type(i) for i in missing] == [IrtoneError, RawDocument]


# ---- helpers and import cost -------------------------------------------------------------


@pytest.mark.parametrize(
    "value, code",
    [(2594, "002594"), ("333", "000333"), (" 002152 ", "002152"), ("SZ000338", "000338"),
     ("000725、200725", "000725"), ("000063.SZ/0763.HK", "000063"), ("00", None), ("", None), (None, None),
     (2594.0, "002594"), ("1234567", None), ("2594 ", "002594"), ("００２５９４", "002594")],
)
def test_normalize_code(value, code):
    assert normalize_code(value) == code


def test_unreadable_share():
    assert unreadable_share("") == 0.0
    assert unreadable_share("\uf052特定对象调研 \n□分析师会议") == 1 / 13
    assert unreadable_share("\x01\x02\ue000 公司\ufffd") == 4 / 6


def test_import_is_light():
    code = "import sys, nlp.read; print(sorted(m for m in ('pandas', 'docx', 'pypdfium2', 'pyarrow', 'pdfplumber') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"


# ---- corpus ------------------------------------------------------------------------------


@pytest.mark.corpus
def test_corpus_first_50_records():
    path = CORPUS / "szse_ir_records_2012_2015.csv.gz"
    if not path.exists():
        pytest.skip(f"corpus not found at {path} (../shared/corpus beside the checkout)")
    import pandas as pd

    expected = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=50)
    docs = list(itertools.islice(read_documents(path), 50))
    assert [d.source for d in docs] == [f"{path}#{doc_id}" for doc_id in expected.doc_id]
    assert [d.meta["doc_id"] for d in docs] == list(expected.doc_id)
    assert [d.meta.get("name") for d in docs] == list(expected.name)
    assert [d.meta.get("date") for d in docs] == list(expected.date)
    assert [d.text for d in docs] == list(expected.content)
    assert all(re.fullmatch(r"\d{6}", d.meta["code"]) for d in docs if "code" in d.meta)
    assert {(d.format, d.encoding) for d in docs} == {("csv", "utf-8")}
