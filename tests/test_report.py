"""The report's renderables, JSON and exports (fictional companies from report_factory)."""
from __future__ import annotations

import io
import json
import re

import pytest
from report_factory import LABELS, answer, filing_score, haiyue_briefings, hostile_filing, single_filing, xinghe_filings
from rich.cells import cell_len
from rich.console import Console

from nlp.compare import compare, comparison_for
from nlp.records import IrtoneError
from nlp.render import (
    HistoryTable,
    Report,
    bar,
    export,
    highlight_answer,
    history_json,
    period_label,
    points,
    render_text,
    signed,
    sparkline,
    to_json,
)
from nlp.store import Store

VOCAB = ["算力", "数据中心", "客户", "生产线", "产能", "订单", "定增", "扩产"]


def tokenize(text):
    return re.findall("|".join(VOCAB), text)


@pytest.fixture
def xinghe():
    f1, f2, f3, f4, _ = xinghe_filings()
    return compare(f4, [f1, f2, f3], tokenize=tokenize, min_z=0.5, undated=1)


def render80(renderable) -> str:
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def test_sparkline_bar_and_number_formats():
    assert sparkline([0.2, 0.4, -0.1, 0.6]) == "▄▆▁█"  # levels round((v + 0.1) / 0.7 * 7) = 3, 5, 0, 7
    assert sparkline([0.5, 0.5]) == "▄▄"
    assert sparkline([]) == ""
    assert sparkline([0.0, 0.5, 1.0], lo=0.0, hi=1.0) == "▁▅█"
    assert bar(0.5, 10) == "█████     "
    assert bar(0.25, 10) == "██▌       "
    assert bar(1.5, 4) == "████"
    assert signed(0.7) == "+0.70" and signed(-0.25) == "−0.25" and signed(None) == "–"
    assert points(-1 / 3) == "−33pp" and points(0.25) == "+25pp" and points(None) == "–"
    assert points(-0.004) == "+0pp" and signed(-0.001) == "+0.00"  # no "−0" for a change that rounds away


def test_report_at_80_columns_has_every_section(xinghe):
    text = render80(Report(xinghe, LABELS))
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    for expected in (
        "星河云算",
        "990001",
        "2023-05-18",
        "特定对象调研",
        "甲基金 张三",
        "Themes",
        "AI算力",
        "资本开支",
        "+50pp",  # ai_compute share vs previous
        "−25pp",  # capex vs mean
        "Tone +0.60  positive",
        "vs previous +0.70",
        "What changed",
        "Terms in",
        "算力 +1.2",
        "Terms out",
        "定增 −1.1",
        "Themes up",
        "Themes down",
        "1 stored filing(s) with missing or unreadable dates not compared",
        "Answers that moved most",
        "算力业务进展如何",
        "(+0.72 vs the mean of earlier answers)",
        "AI算力 new",
    ):
        assert expected in text, expected
    assert "▁" in text or "█" in text  # sparklines
    assert "\x1b[" not in text


def test_single_filing_report_has_no_history_section():
    c = compare(single_filing(), [])
    text = render80(Report(c, LABELS))
    assert "东湖新材" in text and "Key answers" in text
    assert "No earlier filings of this company" in text
    assert "What changed" not in text and "Δ prev" not in text and "vs previous" not in text
    assert text.index("国产替代") < text.index("可转债")  # key answers: strongest tone first


def test_plain_console_has_no_colour_codes(xinghe):
    out = io.StringIO()
    Console(file=out, width=80).print(Report(xinghe, LABELS))
    assert "\x1b[" not in out.getvalue()


def test_highlight_marks_evidence_and_tone_terms():
    answer = xinghe_filings()[3].answers[0]
    text = highlight_answer(answer)
    assert text.plain == answer.answer
    styled = {(text.plain[s.start : s.end], str(s.style)) for s in text.spans}
    assert ("数据中心", "bold yellow") in styled and ("算力", "bold yellow") in styled
    assert ("旺盛", "green") in styled and ("顺利", "green") in styled
    assert ("公司数据中心算力需求旺盛。", "underline") in styled


def test_long_answers_are_clipped_around_evidence():
    from report_factory import answer

    long = answer("前言。" * 200 + "公司数据中心建设。" + "后话。" * 200, themes={"ai_compute": ("数据中心",)})
    text = highlight_answer(long, limit=60)
    assert "数据中心" in text.plain and text.plain.startswith("…") and text.plain.endswith("…")
    assert len(text.plain) == 62


def test_rich_markup_in_filing_text_stays_literal():
    c = compare(hostile_filing(), [hostile_filing(history=True)], tokenize=tokenize)
    text = render80(Report(c, LABELS))
    assert "[bold red]注意[/bold red]" in text
    assert "恶意[bold]公司<b>" in text
    assert "[red]问题[/red]" in text


def test_export_escapes_hostile_text(tmp_path):
    c = compare(hostile_filing(), [hostile_filing(history=True)], tokenize=tokenize)
    path = export(Report(c, LABELS), tmp_path / "r.html")
    out = path.read_text(encoding="utf-8")
    lowered = out.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "onerror=alert" not in lowered.replace("&#x27;", "'") or "&lt;img" in lowered
    assert "&lt;script&gt;" in out or "&lt;script" in out
    # the company name's tag is text, not markup (the document's own <b> elements are)
    assert "公司<b>" not in out and "恶意[bold]公司&lt;b&gt;" in out


def test_svg_export_is_refused_with_the_alternatives(tmp_path, xinghe):
    with pytest.raises(IrtoneError, match=r"SVG export is not offered.*use .html or .png"):
        export(Report(xinghe, LABELS), tmp_path / "r.svg")


def test_export_html_shows_the_escaped_answer(tmp_path):
    c = compare(hostile_filing(), [hostile_filing(history=True)], tokenize=tokenize)
    html = export(Report(c, LABELS), tmp_path / "r.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "[bold red]" in html
    # a page on white: no terminal bright green (#00ff00) or other near-white text colours
    colours = set(re.findall(r"[^-]color: #([0-9a-f]{6})", html))
    assert "00ff00" not in colours and all(sum(int(c[i:i + 2], 16) for i in (0, 2, 4)) < 3 * 200 for c in colours - {"ffffff"})


def test_export_text_and_unsupported_suffix(tmp_path, xinghe):
    out = export(Report(xinghe, LABELS), tmp_path / "sub" / "r.txt").read_text(encoding="utf-8")
    assert "What changed" in out and "\x1b[" not in out
    with pytest.raises(IrtoneError, match="unsupported export format .pdf"):
        export(Report(xinghe, LABELS), tmp_path / "r.pdf")


def test_json_keys_and_numbers(xinghe):
    data = to_json(xinghe, LABELS)
    json.dumps(data, allow_nan=False)
    assert data["schema"] == "irtone.report/2"  # 2: z with a standard error, and the new sections
    assert data["company"] == {"code": "990001", "name": "星河云算", "company": None}
    assert data["filing"]["date"] == "2023-05-18" and data["filing"]["date_valid"] is True
    assert list(data["filing"])[1:4] == ["date", "period", "date_valid"] and data["filing"]["period"] is None
    assert data["previous"] == {"filing_id": xinghe.history[-1].filing_id, "date": "2022-04-20", "period": None}
    assert [h["date"] for h in data["history"]] == ["2021-03-10", "2021-09-15", "2022-04-20"]
    assert data["undated_filings"] == 1 and data["other_model_filings"] == 0
    tone = data["tone"]
    assert tone["value"] == 0.6 and tone["change_prev"] == pytest.approx(0.7)
    assert tone["z"] == pytest.approx(xinghe.tone_z) and tone["se"] == pytest.approx(xinghe.tone_se)
    assert tone["history_std"] == pytest.approx(0.251661, abs=1e-6)
    assert tone["trend"] == [0.2, 0.4, -0.1, 0.6]
    capex = next(t for t in data["themes"] if t["theme"] == "capex")
    assert capex["label"] == "资本开支"
    assert capex["share_change_prev"] == pytest.approx(0.25)
    assert capex["share_change_mean"] == pytest.approx(-0.25)
    assert capex["share_trend"] == [0.5, 1.0, 0.0, 0.25]
    assert [t["term"] for t in data["terms_in"]] == ["算力", "数据中心"]
    assert data["terms_out"][0]["z"] == pytest.approx(-1.081687, abs=1e-6)
    mover = data["movers"][0]
    assert (mover["index"], mover["new_themes"]) == (0, ["ai_compute"])
    assert mover["tone_change_mean"] == pytest.approx(0.716667, abs=1e-6)
    assert mover["themes"][0]["evidence"]["terms"] == ["数据中心", "算力"]
    assert {"tone_terms", "tone_words"} <= set(mover)  # why the tone: lexicon terms and learned words
    terms = [(m["answer"], t) for m in data["movers"] for t in m["tone_terms"]]
    assert terms and all(answer[t["start"]:].startswith(t["term"]) for answer, t in terms)


def test_json_lists_every_answer_with_every_theme_score(xinghe):
    data = to_json(xinghe, LABELS)
    answers = data["answers"]
    assert [a["index"] for a in answers] == list(range(len(xinghe.current.answers)))
    for a, scored in zip(answers, xinghe.current.answers):
        assert a["answer"] == scored.answer and a["tone"] == scored.tone.score
        assert a["theme_scores"] == {t.theme: t.score for t in scored.themes}
        assert [t["theme"] for t in a["themes"]] == list(scored.tagged)
    moved = data["movers"][0]
    assert {k: v for k, v in answers[moved["index"]].items() if k != "theme_scores"} == {
        k: v for k, v in moved.items() if k not in ("tone_change_mean", "new_themes", "score")}


def test_filing_without_answers_reports_nothing_measured(xinghe):
    f1, f2, f3, _, _ = xinghe_filings()
    stub = filing_score("990001", "星河云算", "2023-06-01", [])
    c = compare(stub, [f1, f2, f3], tokenize=tokenize)
    text = render80(Report(c, LABELS))
    assert "Tone n/a" in text and "no question-answer pairs" in text and "What changed" not in text
    data = to_json(c, LABELS)
    assert data["tone"]["value"] is None and data["answers"] == [] and data["tone"]["z"] is None
    # as an earlier filing it is left out and counted
    f4 = xinghe_filings()[3]
    later = compare(f4, [f1, f2, f3, stub], tokenize=tokenize)
    assert to_json(later, LABELS)["filings_without_answers"] == 1
    assert "1 earlier filing(s) without question-answer pairs left out" in render80(Report(later, LABELS))


def test_tone_line_gives_the_standard_error():
    f1, f2, f3, f4, _ = xinghe_filings()
    near = [filing_score("990001", "星河云算", d, list(f.answers), tone=t)
            for f, d, t in ((f1, "2021-03-10", 0.012), (f2, "2021-09-15", 0.009))]
    c = compare(f4, near, tokenize=tokenize)
    text = render80(Report(c, LABELS))
    assert f"±{c.tone_se:.2f} (standard error, 4 answers)" in " ".join(line.strip() for line in text.splitlines())


def test_json_without_history_uses_nulls():
    data = to_json(compare(single_filing(), []), LABELS)
    assert data["previous"] is None and data["history"] == []
    assert data["tone"]["change_prev"] is None and data["tone"]["z"] is None
    assert all(t["share_change_prev"] is None for t in data["themes"])


def test_history_table_and_json(tmp_path):
    with Store(tmp_path / "s.db") as store:
        for f in xinghe_filings():
            store.put(f)
        rows = store.filings("990001")
    text = render_text(HistoryTable(rows, LABELS, title="星河云算 990001"), width=80)
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    lines = [line for line in text.splitlines() if re.match(r"\s*(\d{4}-\d\d-\d\d)", line)]
    assert [line.split()[0] for line in lines] == ["2021-03-10", "2021-09-15", "2022-04-20", "2023-05-18", "0202-11-07?"]
    assert "tone trend" in text
    assert lines[0].split()[1:4] == ["特定对象调研", "2", "+0.20"]  # numbers are never squeezed out
    data = history_json(rows)
    assert [d["date_valid"] for d in data] == [True, True, True, True, False]
    assert data[1]["theme_share"]["capex"] == 1.0


def test_long_history_and_long_labels_still_fit_80_columns():
    from report_factory import answer, filing_score

    history = [
        filing_score("990001", "星河云算", f"20{10 + i // 12:02d}-{1 + i % 12:02d}-15", [answer("订单平稳。", tone=(i % 7) / 10)])
        for i in range(30)
    ]
    current = xinghe_filings()[3]
    labels = {**LABELS, "domestic_chips": "芯片国产化（自主可控）", "ai_compute": "AI 算力"}
    text = render80(Report(compare(current, history, tokenize=tokenize), labels))
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    for header in ("Share of answers", "Δ prev", "Δ mean", "Intensity", "Trend", "芯片国产化（", "自主可控）", "+50pp"):
        assert header in text, header
    assert "30 filings" in text


def test_report_notes_history_scored_by_another_model():
    import dataclasses

    f1, f2, f3, f4, _ = xinghe_filings()
    c = compare(f4, [dataclasses.replace(f1, model_version="old"), f2, f3], tokenize=tokenize)
    text = render80(Report(c, LABELS))
    assert "1 earlier filing(s) scored by another model version" in text


@pytest.mark.parametrize(
    "period,label",
    [("2016", "2016 年报期"), ("2016H1", "2016H1 半年报期"), ("2017Q1", "2017Q1 一季报期"), ("2017Q3", "2017Q3 三季报期"),
     ("FY16", "period FY16"), (None, "")],
)
def test_period_label(period, label):
    assert period_label(period) == label


@pytest.fixture
def haiyue(tmp_path):
    with Store(tmp_path / "s.db") as store:
        for f in reversed(haiyue_briefings()):
            store.put(f)
        yield comparison_for(store, "海岳电子", tokenize=tokenize), store.filings("海岳电子")


def test_briefing_report_shows_periods_where_dates_would_be(haiyue):
    comparison, _ = haiyue
    text = render_text(Report(comparison, LABELS), width=80)
    assert re.search(r"Date +none +\(placed in the history by its reporting period\)", text)
    assert re.search(r"Period +2017 年报期 +\(the reporting period discussed, not a day\)", text)
    assert "+0.50 vs previous filing (2017H1 半年报期); z +2.14 against 2" in text
    assert "1 stored filing(s) with missing or unreadable dates not compared" in text
    data = to_json(comparison, LABELS)
    assert (data["filing"]["date"], data["filing"]["period"], data["filing"]["date_valid"]) == (None, "2017", False)
    assert data["previous"]["period"] == "2017H1" and data["previous"]["date"] is None
    assert [(h["date"], h["period"]) for h in data["history"]] == [(None, "2016"), (None, "2017H1")]
    assert data["tone"]["trend"] == [0.2, 0.4, 0.9] and data["undated_filings"] == 1


def test_briefing_history_table_and_json(haiyue):
    _, rows = haiyue
    text = render_text(HistoryTable(rows, LABELS, title="海岳电子"), width=80)
    firsts = [line.split()[:2] for line in text.splitlines() if re.match(r"\s*(20\d\d|no date)", line)]
    assert firsts == [["2016", "年报期"], ["2017H1", "半年报期"], ["2017", "年报期"], ["no", "date"]]
    assert "(filings by date or reporting period)" in text
    assert [(d["date"], d["period"]) for d in history_json(rows)] == [(None, "2016"), (None, "2017H1"), (None, "2017"), (None, None)]


def test_what_changed_counts_tagged_answers_and_names_a_change_of_event():
    """One chip answer among 8 and the same one among 10 is not a theme going down (-2pp); a move from an
    analyst visit to a results briefing is named next to the tone change, which it explains in part."""
    chip = answer("公司自研芯片已经量产。", tone=0.3, themes={"domestic_chips": ("自研芯片",)}, number=1)
    plain = [answer("订单情况平稳。", tone=0.1, number=k) for k in range(2, 11)]
    before = filing_score("990002", "海岳电子", "2023-01-10", [chip, *plain[:7]])
    after = filing_score("990002", "海岳电子", "2023-06-10", [chip, *plain], activity=("业绩说明会",))
    c = compare(after, [before], tokenize=list)
    assert [d.share_change_prev for d in c.themes if d.theme == "domestic_chips"][0] == pytest.approx(0.1 - 0.125)
    assert c.tagged_change("domestic_chips") == 0
    text = " ".join(line.strip() for line in render80(Report(c, LABELS)).splitlines())
    assert "Themes down none" in " ".join(text.split())
    assert "(previous: 特定对象调研; this: 业绩说明会)" in text
    more = filing_score("990002", "海岳电子", "2023-09-10", [chip, answer("芯片国产化替代加速。", tone=0.2,
                        themes={"domestic_chips": ("国产化",)}, number=2)], activity=("业绩说明会",))
    up = compare(more, [before, after], tokenize=list)
    assert up.tagged_change("domestic_chips") == 1
    assert re.search(r"Themes up +" + LABELS["domestic_chips"], render80(Report(up, LABELS)))


def test_answers_zero_shows_no_answers_section_and_the_trend_says_when_it_is_cut():
    f1, f2, f3, f4, _ = xinghe_filings()
    text = render80(Report(compare(f4, [f1, f2, f3], tokenize=list), LABELS, answers=0))
    assert "Answers that moved most" not in text and "Key answers" not in text
    assert "oldest → this filing" in text
    many = [filing_score("990001", "星河云算", f"20{10 + k // 12:02d}-{k % 12 + 1:02d}-01", list(f1.answers), tone=0.1 * (k % 3))
            for k in range(30)]
    assert "last 24 of 31 → this filing" in render80(Report(compare(f4, many, tokenize=list), LABELS))


def test_history_table_cuts_a_long_activity_instead_of_dropping_theme_columns(tmp_path):
    """rich measures an unwrappable cell by its whole text and drops the columns at the right that no
    longer fit: a long activity (特定对象调研、现场参观、路演活动、业绩说明会) must be cut instead."""
    f1 = xinghe_filings()[0]
    long_activity = ("特定对象调研", "现场参观", "路演活动", "业绩说明会", "分析师会议")
    rows_in = [filing_score("990001", "星河云算", "2021-03-10", list(f1.answers), activity=long_activity),
               filing_score("990001", "星河云算", "2021-09-10", list(f1.answers))]
    with Store(tmp_path / "s.db") as store:
        for f in rows_in:
            store.put(f)
        rows = store.filings("990001")
    for width in (72, 80):
        text = render_text(HistoryTable(rows, LABELS), width=width)
        assert max(cell_len(line) for line in text.splitlines()) <= width
        assert LABELS["financing"] in text.replace("\n", "") or "融" in text  # the last theme column is there
        assert all(line.rstrip().endswith("%") for line in text.splitlines() if re.match(r"\s*2021-", line)), text
    assert "…" in render_text(HistoryTable(rows, LABELS), width=80)


def test_history_table_on_a_narrow_terminal_wraps_labels_then_drops_activity_then_says_what_it_hid(tmp_path):
    """rich sizes a header by its longest word (a Chinese label is one) and silently crops the
    columns at the right that do not fit: at every width, no line may overflow and every row must
    end in a whole cell, and the themes that cannot be shown are named."""
    f1 = xinghe_filings()[0]
    with Store(tmp_path / "s.db") as store:
        for date, activity in (("2021-03-10", ("特定对象调研", "现场参观")), ("2021-09-10", ("业绩说明会",))):
            store.put(filing_score("990001", "星河云算", date, list(f1.answers), activity=activity))
        rows = store.filings("990001")
    labels = [LABELS[t] for t in rows[0].theme_share]
    seen = set()
    for width in range(36, 101):
        text = render_text(HistoryTable(rows, LABELS), width=width)
        lines = text.splitlines()
        assert max(cell_len(line) for line in lines) <= width, (width, text)
        dated = [line.rstrip() for line in lines if re.match(r"\s*2021-", line)]
        assert len(dated) == 2 and all(line.endswith("%") for line in dated), (width, text)
        hidden = re.search(r"(\d) theme column\(s\) hidden \((.*?)\)", text.replace("\n", ""))
        shown = len(labels) - (int(hidden.group(1)) if hidden else 0)
        assert all(cell_len(line.split("2021-")[1]) > 0 for line in dated)
        if hidden:
            assert hidden.group(2) == "、".join(labels[shown:])
        table = text.split("theme column(s) hidden")[0]
        seen.add(("Activity" in table, shown == len(labels), "".join(labels[-1].split()) in "".join(table.split())))
    # wide: everything; narrower: the activity goes first; narrowest: theme columns go, and are named
    assert (True, True, True) in seen and (False, True, True) in seen and (False, False, False) in seen
    assert (True, False, False) not in seen  # a theme column is never hidden while the activity shows


def test_tone_is_never_shown_across_the_label_threshold_by_rounding():
    from nlp.render import tone_text
    from nlp.scale import NEGATIVE_LABEL_AT, POSITIVE_LABEL_AT, tone_label

    assert tone_text(0.2957) == "+0.296" and tone_label(0.2957) == "neutral"
    assert tone_text(-0.1999) == "−0.1999" and tone_text(0.31) == "+0.31" and tone_text(0.12) == "+0.12"
    for value in (POSITIVE_LABEL_AT - 1e-4, POSITIVE_LABEL_AT, -NEGATIVE_LABEL_AT + 4e-3, -NEGATIVE_LABEL_AT, 0.5, -0.001):
        assert tone_label(float(tone_text(value).replace("−", "-"))) == tone_label(value), value
