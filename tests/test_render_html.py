"""The HTML document: parsed with html.parser (structure, escaping, no network), and its parts."""
from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from report_factory import LABELS, answer, filing_score, hostile_filing, single_filing, xinghe_filings

from nlp.compare import compare
from nlp.records import AnswerMeasures
from nlp.render import Report, export, html_document
from nlp.render.html import answer_html


class Document(HTMLParser):
    """Tags (with attributes), the text of each element kind, and the tables' header cells."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.text: list[tuple[tuple[str, ...], str]] = []
        self.headers: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "meta", "line", "circle", "rect", "polyline"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        self.text.append((tuple(self.stack), data))
        if self.stack and self.stack[-1] == "th" and "thead" in self.stack:
            self.headers.append(data.strip())

    def inside(self, tag: str) -> str:
        return "".join(d for stack, d in self.text if tag in stack)

    def names(self) -> list[str]:
        return [t for t, _ in self.tags]


def parse(html: str) -> Document:
    doc = Document()
    doc.feed(html)
    return doc


def tokenize(text):
    return re.findall("算力|数据中心|客户|生产线|产能|订单|定增|扩产", text)


@pytest.fixture
def xinghe():
    f1, f2, f3, f4, _ = xinghe_filings()
    return compare(f4, [f1, f2, f3], tokenize=tokenize, undated=1)


def test_a_document_with_a_header_tables_and_inline_charts(xinghe):
    html = html_document(xinghe, LABELS)
    doc = parse(html)
    names = doc.names()
    assert html.startswith("<!DOCTYPE html>") and ("html", {"lang": "zh-CN"}) in doc.tags
    assert "pre" not in names and "script" not in names and "link" not in names and "img" not in names
    header = doc.inside("header")
    for expected in ("星河云算", "990001", "2023-05-18", "特定对象调研", "甲基金 张三", "2 institutions, 2 people"):
        assert expected in header, expected
    assert names.count("table") >= 3 and names.count("svg") >= 3  # tone chart, share chart, sparklines
    assert {"themes", "answers", "history", "tone", "new", "guidance"} <= {a.get("id") for t, a in doc.tags if t == "section"}
    assert {"Theme", "Share of answers", "Δ prev", "Δ mean", "Tone", "Share trend", "Question and answer"} <= set(doc.headers)
    assert doc.inside("title").startswith("星河云算 990001 2023-05-18")
    css = doc.inside("style")
    assert "Noto Sans CJK SC" in css and "PingFang SC" in css and "@media print" in css
    # nothing fetched: no URL but the SVG namespace
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html) and "@import" not in css and "url(" not in css


def test_the_tone_chart_marks_this_filing_and_plots_every_filing(xinghe):
    html = html_document(xinghe, LABELS)
    tone_svg = re.search(r'<section id="tone">.*?</section>', html, re.S).group(0)
    assert tone_svg.count("<circle") == len(xinghe.history) + 1
    assert 'class="current"' in tone_svg and "this filing +0.60" in tone_svg


def test_every_answer_is_shown_whole_and_escaped():
    c = compare(hostile_filing(), [hostile_filing(history=True)], tokenize=tokenize)
    html = html_document(c, LABELS)
    doc = parse(html)
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "[bold red]注意[/bold red]" in doc.inside("td")
    assert "恶意[bold]公司<b>" in doc.inside("h1")  # as text
    long = answer("前言。" * 300 + "公司数据中心建设。", themes={"ai_compute": ("数据中心",)})
    marked = answer_html(long)
    assert re.sub("<[^>]+>", "", marked) == long.answer  # the whole answer, not a clip
    assert '<span class="ev">' in marked and '<span class="ev term">数据中心</span>' in marked


def test_evasive_answers_and_repeats_are_flagged_and_measures_shown():
    f1, f2, f3, f4, _ = xinghe_filings()
    evasive = dataclasses.replace(f4.answers[3], measures=AnswerMeasures(question_tone=0.1, non_answer=0.91, evasive=True))
    plain = dataclasses.replace(f4.answers[0], measures=AnswerMeasures(question_tone=-0.2, non_answer=0.05))
    current = dataclasses.replace(f4, answers=(plain, *f4.answers[1:3], evasive), question_tone=-0.05, tone_gap=0.6,
                                  non_answer_rate=0.5)
    earlier = [dataclasses.replace(f, non_answer_rate=0.1) for f in (f1, f2, f3)]
    c = compare(current, earlier, tokenize=tokenize)
    html = html_document(c, LABELS)
    assert "evasive (non-answer 0.91)" in html and "Non-answers" in html and "company 10%" in html
    from nlp.render import render_text

    text = render_text(Report(c, LABELS), 80)
    assert "non-answers 1 (50%) vs the company's 10% over 3 filings" in " ".join(text.split())


def test_a_filing_without_history_or_answers_still_makes_a_document(tmp_path):
    single = html_document(compare(single_filing(), []), LABELS)
    assert "No earlier filings of this company" in single and "<table>" in single
    stub = filing_score("990001", "星河云算", "2023-06-01", [])
    empty = parse(html_document(compare(stub, list(xinghe_filings()[:3])), LABELS))
    assert "no question-answer pairs" in "".join(d for _, d in empty.text)
    path = export(Report(compare(single_filing(), []), LABELS), tmp_path / "a" / "r.html")
    assert path.read_text(encoding="utf-8") == single and not list(tmp_path.glob("a/*.partial"))


@pytest.mark.slow
def test_chromium_renders_the_document(tmp_path, xinghe):
    from nlp.render.export import browser

    if browser() is None:
        pytest.skip("no Chromium on PATH (apt-get install chromium)")
    png = export(Report(xinghe, LABELS), tmp_path / "r.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
