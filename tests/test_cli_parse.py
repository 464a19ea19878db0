"""`irtone parse FILE [--json]` end to end (the seed, and fictional files)."""
from __future__ import annotations

import json
from pathlib import Path

from nlp.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ece50293e7075997.txt"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_json_is_one_object_with_the_documented_keys(capsys):
    code, out, err = run(capsys, "parse", str(SEED), "--json")
    assert code == 0, err
    data = json.loads(out)  # exactly one JSON document: json.loads rejects trailing data
    assert list(data) == [
        "code", "name", "company", "activity_types", "participants", "date", "period", "event_dates",
        "location", "staff", "filing_id", "segments",
    ]
    assert data["period"] is None  # a dated IR record; only results briefings carry a reporting period
    assert data["code"] == "300846"
    assert data["name"] == "首都在线"
    assert data["company"] == "北京首都在线科技股份有限公司"
    assert data["activity_types"] == ["特定对象调研"]  # U+F0A3 before 路演活动 is an empty Wingdings 2 box
    assert data["date"] == "2023-04-10"
    assert data["event_dates"] == ["2023-04-04", "2023-04-07"]
    assert data["location"] == "公司会议室（线上+线下）"
    assert data["staff"] == ["董事、副总经理、董事会秘书 杨丽萍", "战略投资部总监 宋潇"]
    assert len(data["participants"]) == 8
    assert data["filing_id"] == "c7ceaf61505e21a0"
    segments = data["segments"]
    assert [s["kind"] for s in segments] == ["presentation"] * 2 + ["qa"] * 20
    assert set(segments[0]) == {"kind", "number", "question", "answer", "text", "title"}
    assert segments[2] == {
        "kind": "qa",
        "number": 1,
        "question": "请介绍下公司全球布局安排？",
        "answer": segments[2]["text"],
        "text": segments[2]["answer"],
        "title": "",
    }
    assert segments[2]["answer"].startswith("公司在全球50多个国家，部署94个数据中心，将近1000个边缘节点，")
    assert "首都在线" in out  # ensure_ascii=False: Chinese stays readable


def test_parse_rich_view_lists_metadata_and_numbered_pairs(capsys):
    code, out, err = run(capsys, "parse", str(SEED))
    assert code == 0, err
    assert "300846" in out and "首都在线" in out and "2023-04-04 → 2023-04-07" in out
    assert "20 Q&A pairs, 2 presentation sections" in out
    assert "Q1" in out and "Q20" in out and "请介绍下公司全球布局安排？" in out
    assert "(+" in out  # long answers are shortened
    code, full, err = run(capsys, "parse", str(SEED), "--full")
    assert code == 0 and "(+" not in full


def test_parse_fictional_gbk_file(capsys, tmp_path):
    path = tmp_path / "record.txt"
    path.write_bytes("证券代码：300999 证券简称：青石科技\n问：产能利用率？\n答：约九成。\n".encode("gb18030"))
    code, out, err = run(capsys, "parse", str(path), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["code"], data["name"]) == ("300999", "青石科技")
    assert [(s["question"], s["answer"]) for s in data["segments"]] == [("产能利用率？", "约九成。")]


def test_parse_rejects_text_that_is_not_an_ir_record(capsys, tmp_path):
    path = tmp_path / "fox.txt"
    path.write_text("The quick brown fox jumps over the lazy dog.\n", encoding="utf-8")
    code, out, err = run(capsys, "parse", str(path))
    assert code == 2
    assert out == ""
    assert err.strip() == f"irtone parse: error: {path}: not an investor-relations record (no 证券代码/记录表 header, no Q&A markup, no investor-relations keywords)"


def test_parse_missing_file_is_a_one_line_error(capsys, tmp_path):
    code, out, err = run(capsys, "parse", str(tmp_path / "nope.txt"))
    assert code == 2
    assert err.startswith("irtone parse: error: ") and err.count("\n") == 1


def test_parse_warns_on_stderr_when_no_pairs_are_found(capsys, tmp_path):
    stub = tmp_path / "stub.txt"
    stub.write_text("证券代码：300999 证券简称：青石科技\n投资者关系活动记录表\n投资者关系活动主要内容介绍 见附件\n", encoding="utf-8")
    code, out, err = run(capsys, "parse", str(stub), "--json")
    assert code == 0
    assert json.loads(out)["segments"] == []
    assert err.count("\n") == 1 and "warning" in err and "no question-answer pairs" in err
    code, out, err = run(capsys, "parse", str(SEED), "--json")
    assert err == ""  # a record with pairs warns about nothing


def test_parse_damaged_docx_is_a_one_line_error(capsys, tmp_path):
    data = bytearray((ROOT / "tests" / "fixtures" / "seed_textbox.docx").read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 6 : central + 8] = (99).to_bytes(2, "little")  # "needs zip version 9.9"
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(bytes(data))
    code, out, err = run(capsys, "parse", str(damaged))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "damaged.docx" in err and "Traceback" not in err
