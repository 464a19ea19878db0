"""Terminal sections added for the analyst: tone by theme, new statements, guidance, questions asked
before, attendance, evasive flags; all within 80 columns."""
from __future__ import annotations

import dataclasses

from report_factory import LABELS, answer, filing_score, xinghe_filings
from rich.cells import cell_len

from nlp.compare import compare
from nlp.records import AnswerMeasures
from nlp.render import Report, render_text


def _company(date, texts, questions, tones):
    return filing_score("990007", "云帆风电", date, [answer(t, question=q, tone=x, number=k + 1)
                                                 for k, (t, q, x) in enumerate(zip(texts, questions, tones))],
                        participants=("甲辰基金 张远", "乙巳证券 李明 王芳"))


def test_the_new_sections_at_80_columns():
    early = _company("2013-09-09", ["从长期来看风电上网电价的调整是必然趋势，目前还没有明确的政策出台。", "公司今年的资本开支预计在40亿元左右。"],
                     ["风电上网电价是否会下调？", "资本开支计划？"], [0.0, 0.2])
    now = _company("2014-11-24", ["从长期来看风电上网电价的调整是必然趋势，目前还没有明确的政策出台。",
                                  "明年公司的资本开支预计在50亿元左右。公司将在海外新设两家海上风电研发中心。"],
                   ["风电电价下调对公司有什么影响？", "资本开支计划？"], [0.05, 0.3])
    evasive = dataclasses.replace(now.answers[0], measures=AnswerMeasures(non_answer=0.8, evasive=True))
    now = dataclasses.replace(now, answers=(evasive, now.answers[1]))
    text = render_text(Report(compare(now, [early], tokenize=list), LABELS), 80)
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    flat = " ".join(text.split())
    for expected in ("Tone by theme", "Attendance 2 institutions, 3 people", "New #2：公司将在海外新设两家海上风电研发中心。",
                     "Repeated #1 as in 1 earlier filing (2013-09-09)", "Guidance", "资本开支", "50亿元 左右", "2015",
                     "40亿元 2013-09-09", "+10亿元", "Asked before", "风电电价下调对公司有什么影响？",
                     "1 earlier filing 2013-09-09 · answer tone", "now +0.05", "evasive (non-answer 0.80)",
                     "repeat of 1 earlier"):
        assert expected in flat, expected


def test_learned_words_only_with_explain():
    f1, f2, f3, f4, _ = xinghe_filings()
    first = dataclasses.replace(f4.answers[0], tone=dataclasses.replace(f4.answers[0].tone, words=(("旺盛", 0.04),)))
    c = compare(dataclasses.replace(f4, answers=(first, *f4.answers[1:])), [f1, f2, f3], tokenize=list)
    assert "learned: 旺盛+0.04" not in render_text(Report(c, LABELS), 80)
    assert "learned: 旺盛+0.04" in render_text(Report(c, LABELS, explain=True), 80)


def test_the_theme_trend_says_how_many_filings_it_shows():
    f1, f2, f3, f4, _ = xinghe_filings()
    text = " ".join(render_text(Report(compare(f4, [f1, f2, f3], tokenize=list), LABELS), 80).split())
    assert "trend: all 4 filings → this one" in text
    many = [filing_score("990001", "星河云算", f"20{10 + k // 12:02d}-{k % 12 + 1:02d}-01", list(f1.answers)) for k in range(20)]
    text = " ".join(render_text(Report(compare(f4, many, tokenize=list), LABELS), 80).split())
    assert "trend: the last 12 filings → this one" in text and "last 24 of 21" not in text
