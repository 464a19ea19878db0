"""`irtone analyze`, `irtone report` and `irtone history` end to end (fictional store; the seed)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_factory import answer, filing_score, haiyue_briefings, hostile_filing, single_filing, xinghe_filings

from nlp.cli import main
from nlp.compare import compare
from nlp.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ece50293e7075997.txt"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "store.db"
    with Store(path) as store:
        for f in xinghe_filings():
            store.put(f)
        store.put(single_filing())
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_json_names_latest_and_earlier_filings(capsys, db):
    code, out, err = run(capsys, "report", "990001", "--db", str(db), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["filing"]["date"] == "2023-05-18"
    assert [h["date"] for h in data["history"]] == ["2021-03-10", "2021-09-15", "2022-04-20"]
    assert data["tone"]["change_prev"] == pytest.approx(0.7)
    f1, f2, f3, f4, _ = xinghe_filings()
    assert data["tone"]["z"] == pytest.approx(compare(f4, [f1, f2, f3]).tone_z)  # its numbers: tests/test_compare.py
    assert data["undated_filings"] == 1
    assert next(t for t in data["themes"] if t["theme"] == "financing")["share_change_prev"] == pytest.approx(-0.5)


def test_report_by_name_and_date(capsys, db):
    code, out, _ = run(capsys, "report", "星河云算", "--db", str(db), "--date", "2021-09-15", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["filing"]["date"] == "2021-09-15" and data["previous"]["date"] == "2021-03-10"


def test_report_terminal_output_is_plain_when_piped(capsys, db):
    code, out, _ = run(capsys, "report", "990001", "--db", str(db))
    assert code == 0
    assert "What changed" in out and "星河云算" in out
    assert "\x1b[" not in out


def test_report_export(capsys, db, tmp_path):
    target = tmp_path / "out" / "r.html"
    code, _, _ = run(capsys, "report", "990001", "--db", str(db), "--export", str(target))
    assert code == 0
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<table>" in html and "<svg" in html and "<pre" not in html
    assert "What is new" in html and "星河云算" in html


def test_hostile_record_exported_to_html_stays_inert(capsys, tmp_path):
    path = tmp_path / "hostile.db"
    with Store(path) as store:
        store.put(hostile_filing(history=True))
        store.put(hostile_filing())
    target = tmp_path / "hostile.html"
    code, out, _ = run(capsys, "report", "990009", "--db", str(path), "--export", str(target))
    assert code == 0
    html = target.read_text(encoding="utf-8").lower()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[bold red]注意[/bold red]" in out  # markup in filing text printed literally


def test_history_table_and_json(capsys, db):
    code, out, _ = run(capsys, "history", "990001", "--db", str(db))
    assert code == 0
    assert "2021-03-10" in out and "0202-11-07?" in out and "Inst" in out
    assert "资本开支" in out or ("资本" in out and "开支" in out)  # labels wrap at 80 columns beside Inst
    code, out, _ = run(capsys, "history", "990001", "--db", str(db), "--json")
    rows = json.loads(out)
    assert [r["date"] for r in rows] == ["2021-03-10", "2021-09-15", "2022-04-20", "2023-05-18", "0202-11-07"]
    assert [r["answers"] for r in rows] == [2, 2, 2, 4, 1]
    code, out, _ = run(capsys, "history", "--db", str(db), "--json")
    assert [c["code"] for c in json.loads(out)] == ["990001", "990002"]


def test_single_filing_company_reports_without_history(capsys, db):
    code, out, _ = run(capsys, "report", "990002", "--db", str(db))
    assert code == 0
    assert "No earlier filings" in out and "What changed" not in out


@pytest.mark.parametrize(
    "argv,message",
    [
        (["report", "123456"], "no filings of company 123456 in the store"),
        (["report", "不存在的公司"], "no company matching '不存在的公司'"),
        (["history", "123456"], "no filings of company 123456"),
        (["report", "990001", "--date", "1999-01-01"], "no filing on 1999-01-01"),
        (["report", "990001", "--export", "r.pdf"], "unsupported export format .pdf"),
    ],
)
def test_unknown_company_is_a_one_line_error(capsys, db, argv, message):
    code, out, err = run(capsys, *argv, "--db", str(db))
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_missing_and_empty_store(capsys, tmp_path):
    missing = tmp_path / "none.db"
    code, _, err = run(capsys, "report", "990001", "--db", str(missing))
    assert code == 2 and "no irtone store here" in err
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    Store(empty).open().close()
    code, _, err = run(capsys, "report", "990001", "--db", str(empty))
    assert code == 2 and "the store is empty" in err


def test_db_from_environment(capsys, db, monkeypatch):
    monkeypatch.setenv("IRTONE_DB", str(db))
    code, out, _ = run(capsys, "history", "990002", "--json")
    assert code == 0 and json.loads(out)[0]["date"] == "2022-06-01"


# -- analyze: needs the parser and the scoring pipeline ---------------------------------------


@pytest.fixture
def pipeline():
    pytest.importorskip("nlp.parse")
    pytest.importorskip("nlp.scorer")


def test_analyze_seed_stores_and_reports(capsys, tmp_path, pipeline):
    db = tmp_path / "a.db"
    code, out, err = run(capsys, "analyze", str(SEED), "--db", str(db), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["company"]["code"] == "300846" and data["company"]["name"] == "首都在线"
    assert data["history"] == [] and data["tone"]["z"] is None
    assert data["filing"]["answers"] == 20
    with Store(db) as store:
        assert store.count() == 1
        stored = store.get(data["filing"]["filing_id"])
    assert len(stored.answers) == 20
    # Analyzing again adds nothing and still reports.
    code, out, _ = run(capsys, "analyze", str(SEED), "--db", str(db))
    assert code == 0 and "首都在线" in out and "Key answers" in out
    assert "2023-04-04 … 2023-04-07" in out  # the meetings, besides the record's own date (2023-04-10)
    with Store(db) as store:
        assert store.count() == 1


def test_analyze_default_db_in_user_data_dir(capsys, tmp_path, monkeypatch, pipeline):
    monkeypatch.delenv("IRTONE_DB", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from nlp.store import default_db_path

    expected = default_db_path()
    if tmp_path not in expected.parents:
        pytest.skip(f"this platform's data directory ignores HOME/XDG_DATA_HOME ({expected})")
    code, out, err = run(capsys, "analyze", str(SEED))
    assert code == 0, err
    assert expected.exists()
    with Store(expected) as store:
        assert store.count() == 1


def test_analyze_no_store_compares_without_writing(capsys, tmp_path, pipeline):
    db = tmp_path / "n.db"
    code, out, _ = run(capsys, "analyze", str(SEED), "--db", str(db), "--no-store", "--json")
    assert code == 0 and json.loads(out)["company"]["code"] == "300846"
    assert not db.exists()


def test_analyze_with_a_user_tone_lexicon(capsys, tmp_path, pipeline):
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text("neg\t公司\t2\n", encoding="utf-8")  # absurd on purpose: every 公司 is bad news
    db = tmp_path / "n.db"
    _, out, _ = run(capsys, "analyze", str(SEED), "--db", str(db), "--no-store", "--json")
    code, mine, err = run(capsys, "analyze", str(SEED), "--db", str(db), "--no-store", "--json",
                          "--tone-lexicon", str(lexicon))
    assert code == 0, err
    built_in, mine = json.loads(out), json.loads(mine)
    assert mine["filing"]["model_version"] != built_in["filing"]["model_version"]
    assert mine["tone"]["value"] < 0 < built_in["tone"]["value"]


def test_analyze_export_html_is_a_document_with_tables_and_a_chart(capsys, tmp_path, pipeline):
    """The issue's acceptance: real tables, at least one inline chart, no <pre> dump; the seed's
    fundraising and GPU investment in the guidance table."""
    from html.parser import HTMLParser

    db = tmp_path / "e.db"
    with Store(db) as store:  # an earlier (fictional) filing of the same code, so the tone chart is drawn
        store.put(filing_score("300846", "首都在线", "2022-11-01", [answer("公司数据中心业务稳定。", tone=0.2)]))
    target = tmp_path / "seed.html"
    code, _, err = run(capsys, "analyze", str(SEED), "--db", str(db), "--export", str(target))
    assert code == 0, err
    html = target.read_text(encoding="utf-8")

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.text = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text.append(data)

    parsed = Tags()
    parsed.feed(html)
    assert "pre" not in parsed.tags and "script" not in parsed.tags
    assert parsed.tags.count("table") >= 4 and "svg" in parsed.tags and "header" in parsed.tags
    text = "".join(parsed.text)
    assert "首都在线" in text and "300846" in text and "7.3亿元" in text and "2亿" in text
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html


def test_svg_export_is_refused(capsys, db, tmp_path):
    code, out, err = run(capsys, "report", "990001", "--db", str(db), "--export", str(tmp_path / "r.svg"))
    assert code == 2 and "SVG export is not offered" in err and out == ""


def test_name_only_briefings_report_and_history_by_period(capsys, tmp_path):
    db = tmp_path / "briefings.db"
    with Store(db) as store:
        for f in reversed(haiyue_briefings()):
            store.put(f)
    code, out, err = run(capsys, "report", "海 岳电子", "--db", str(db), "--json")  # matched by normalized name
    assert code == 0, err
    data = json.loads(out)
    assert (data["company"]["code"], data["company"]["name"]) == (None, "海岳电子")
    assert (data["filing"]["date"], data["filing"]["period"]) == (None, "2017")
    assert data["previous"]["period"] == "2017H1"
    assert [h["period"] for h in data["history"]] == ["2016", "2017H1"]
    assert data["tone"]["z"] == pytest.approx(2.142857, abs=1e-6)  # (0.9 - 0.3) / 0.28: tests/test_compare.py
    code, out, _ = run(capsys, "report", "海岳电子", "--db", str(db), "--date", "2016", "--json")
    assert code == 0 and json.loads(out)["filing"]["period"] == "2016" and json.loads(out)["history"] == []
    code, out, _ = run(capsys, "history", "海岳电子", "--db", str(db))
    assert code == 0 and "2016 年报期" in out and "2017H1 半年报期" in out
    code, out, _ = run(capsys, "history", "海岳电子", "--db", str(db), "--json")
    assert [r["period"] for r in json.loads(out)] == ["2016", "2017H1", "2017", None]


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_history_out_writes_a_filing_panel_of_every_company(capsys, db, tmp_path, suffix):
    """One row a stored filing with its aggregates, the same numbers the store holds; stable columns
    whatever the data (an all-null column keeps its type)."""
    import pandas as pd

    out = tmp_path / f"filings{suffix}"
    code, _, err = run(capsys, "history", "--db", str(db), "--out", str(out))
    assert code == 0, err
    read = {".parquet": pd.read_parquet, ".csv": pd.read_csv, ".jsonl": lambda p: pd.read_json(p, lines=True)}[suffix]
    frame = read(out)
    with Store(db) as store:
        stored = [r for c in store.companies() for r in store.filings(c.key)]
        xinghe = store.filings("990001")
    assert len(frame) == len(stored) and len({r.company for r in stored}) == 2
    assert list(frame["filing_id"]) == [r.filing_id for r in stored]
    assert list(frame["tone"]) == pytest.approx([r.tone for r in stored])
    assert list(frame["share_financing"]) == pytest.approx([r.theme_share.get("financing", 0.0) for r in stored])
    assert {"share_ai_compute", "intensity_capex", "n_answers", "placed_on", "activity"} <= set(frame.columns)
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        schema = pq.read_schema(out)
        assert str(schema.field("period").type) in ("string", "large_string")  # all null, still text
    one = tmp_path / f"one{suffix}"
    assert run(capsys, "history", "990001", "--db", str(db), "--out", str(one))[0] == 0
    assert list(read(one)["filing_id"]) == [r.filing_id for r in xinghe]
    assert not list(tmp_path.glob("*.partial"))


def test_history_out_refuses_an_unknown_format(capsys, db, tmp_path):
    code, _, err = run(capsys, "history", "--db", str(db), "--out", str(tmp_path / "f.xlsx"))
    assert code == 2 and "unsupported output format .xlsx" in err


def test_user_theme_labels_and_explain_reach_report_and_history(capsys, tmp_path, pipeline):
    """A theme file's label is shown by later `report` and `history` runs too, not only by `analyze`."""
    themes = tmp_path / "themes.json"
    themes.write_text(json.dumps({"version": 1, "themes": [{"name": "render_cloud", "label": "渲染云", "core": ["渲染|3", "GPU|2"]}]},
                                 ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "t.db"
    code, out, err = run(capsys, "analyze", str(SEED), "--db", str(db), "--themes", str(themes))
    assert code == 0, err
    code, out, err = run(capsys, "report", "300846", "--db", str(db), "--json")
    data = json.loads(out)
    assert code == 0 and {"render_cloud": "渲染云"}.items() <= {t["theme"]: t["label"] for t in data["themes"]}.items()
    code, out, _ = run(capsys, "history", "300846", "--db", str(db))
    assert "渲染" in out and "render_cloud" not in out  # the label (wrapped at 80 columns), not the name
    code, plain, _ = run(capsys, "report", "300846", "--db", str(db))
    code, explained, _ = run(capsys, "report", "300846", "--db", str(db), "--explain")
    assert "learned:" not in plain and "learned:" in explained


def test_report_json_has_tone_per_theme_and_guidance(capsys, tmp_path, pipeline):
    db = tmp_path / "g.db"
    code, out, err = run(capsys, "analyze", str(SEED), "--db", str(db), "--json")
    assert code == 0, err
    data = json.loads(out)
    ai = next(t for t in data["themes"] if t["theme"] == "ai_compute")
    assert -1 <= ai["tone"] <= 1 and ai["tone_change_prev"] is None
    figures = {(g["item"], g["figure"]) for g in data["guidance"]}
    assert ("fundraising", "7.3亿元") in figures and ("capex", "2亿") in figures
    assert data["filing"]["institutions"] == 8 and data["filing"]["participants_count"] >= 8
