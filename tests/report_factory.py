"""Fictional scored filings for the store, compare and report tests (not collected by pytest).

Every company, person and answer here is invented. Numbers are chosen so that tests can check the
comparison against hand-computed values.
"""
from __future__ import annotations

import hashlib

from nlp.records import (
    Evidence,
    Filing,
    FilingScore,
    ScoredAnswer,
    Segment,
    TermContribution,
    ThemeResult,
    ToneResult,
)

THEMES = ("ai_compute", "capex", "domestic_chips", "financing")
LABELS = {"ai_compute": "AI算力", "capex": "资本开支", "domestic_chips": "国产芯片", "financing": "融资"}


def tone_label(score: float) -> str:
    return "positive" if score > 0.1 else "negative" if score < -0.1 else "neutral"


def answer(
    text: str,
    *,
    question: str = "请介绍一下情况？",
    tone: float = 0.0,
    themes: dict[str, tuple[str, ...]] | None = None,
    number: int | None = None,
    tone_terms: tuple[tuple[str, float], ...] = (),
    tone_words: tuple[tuple[str, float], ...] = (),
) -> ScoredAnswer:
    """An answer tagged with ``themes`` (theme -> evidence terms, all found in ``text``)."""
    themes = themes or {}
    results = []
    for name in THEMES:
        if name in themes:
            terms = themes[name]
            pos = text.find(terms[0])
            assert pos >= 0, f"evidence term {terms[0]!r} not in the answer"
            start = max(text.rfind("。", 0, pos) + 1, 0)
            end = text.find("。", pos)
            end = len(text) if end < 0 else end + 1
            ev = Evidence(terms=terms, sentence=text[start:end], start=start, end=end)
            results.append(ThemeResult(theme=name, score=0.9, tagged=True, evidence=ev))
        else:
            results.append(ThemeResult(theme=name, score=0.1, tagged=False, evidence=None))
    contributions = tuple(TermContribution(term=t, weight=w, start=text.find(t)) for t, w in tone_terms)
    return ScoredAnswer(
        number=number,
        question=question,
        answer=text,
        tone=ToneResult(score=tone, label=tone_label(tone), terms=contributions, words=tone_words),
        themes=tuple(results),
    )


def filing_score(
    code: str | None,
    name: str | None,
    date: str | None,
    answers: list[ScoredAnswer],
    *,
    tone: float | None = None,
    activity: tuple[str, ...] = ("特定对象调研",),
    participants: tuple[str, ...] = ("甲基金 张三", "乙证券 李四"),
    model_version: str = "test-1",
    company: str | None = None,
    period: str | None = None,
) -> FilingScore:
    """A FilingScore whose aggregates are simple: tone = given (or the plain mean), share = tagged / n,
    intensity = plain mean of theme scores, theme tone = plain mean tone of the tagged answers;
    attendance as ``nlp.filing.attendance`` counts it."""
    from nlp.filing import attendance

    body = "\n".join(a.question + a.answer for a in answers)
    key = f"{code}|{name}|{date}|{body}" + (f"|{period}" if period else "")
    filing_id = hashlib.sha1(key.encode()).hexdigest()[:16]
    segments = (Segment(kind="presentation", number=None, question="", answer="", text="公司简况。", title="一、公司简况"),) + tuple(
        Segment(kind="qa", number=a.number, question=a.question, answer=a.answer, text=a.answer) for a in answers
    )
    filing = Filing(
        filing_id=filing_id,
        source=f"fictional/{code or name}/{date}.txt",
        code=code,
        name=name,
        company=company,
        activity_types=activity,
        participants=participants,
        date=date,
        period=period,
        event_dates=(date,) if date else (),
        location="公司会议室",
        staff=("董事会秘书 王五",),
        segments=segments,
    )
    n = len(answers)
    share = {t: sum(t in a.tagged for a in answers) / n if n else 0.0 for t in THEMES}
    intensity = {t: sum(a.theme(t).score for a in answers) / n if n else 0.0 for t in THEMES}
    if tone is None:
        tone = sum(a.tone.score for a in answers) / n if n else 0.0
    theme_tone = {}
    for t in THEMES:
        tagged = [a.tone.score for a in answers if t in a.tagged]
        theme_tone[t] = sum(tagged) / len(tagged) if tagged else None
    institutions, people = attendance(participants)
    return FilingScore(
        filing=filing,
        answers=tuple(answers),
        tone=tone,
        tone_label=tone_label(tone),
        theme_share=share,
        theme_intensity=intensity,
        model_version=model_version,
        theme_tone=theme_tone,
        n_institutions=institutions,
        n_participants=people,
    )


# -- 星河云算 (990001): four dated filings, one garbled date ------------------------------------


def xinghe_filings() -> list[FilingScore]:
    """Oldest first: tones 0.2, 0.4, -0.1 then the latest 0.6; plus one filing dated 0202-11-07."""
    f1 = filing_score(
        "990001",
        "星河云算",
        "2021-03-10",
        [
            answer("公司新建生产线进展顺利。产能将逐步释放。", tone=0.3, themes={"capex": ("生产线", "产能")}, number=1),
            answer("订单情况平稳，客户结构保持稳定。", tone=0.1, number=2),
        ],
        tone=0.2,
        company="星河云算科技股份有限公司",
    )
    f2 = filing_score(
        "990001",
        "星河云算",
        "2021-09-15",
        [
            answer("公司计划定增募集资金用于扩产。", tone=0.5, themes={"financing": ("定增",), "capex": ("扩产",)}, number=1),
            answer("扩产项目已经开工建设。", tone=0.4, themes={"capex": ("扩产",)}, number=2),
        ],
        tone=0.4,
    )
    f3 = filing_score(
        "990001",
        "星河云算",
        "2022-04-20",
        [
            answer("定增尚未获得批复，存在不确定性。", tone=-0.3, themes={"financing": ("定增",)}, number=1),
            answer("原材料价格上涨带来成本压力。", tone=0.1, number=2),
        ],
        tone=-0.1,
    )
    f4 = filing_score(
        "990001",
        "星河云算",
        "2023-05-18",
        [
            answer(
                "公司数据中心算力需求旺盛。智算中心建设进展顺利。",
                question="算力业务进展如何？",
                tone=0.9,
                themes={"ai_compute": ("数据中心", "算力")},
                tone_terms=(("旺盛", 0.6), ("顺利", 0.4)),
                number=1,
            ),
            answer("算力租赁客户持续增加。", tone=0.7, themes={"ai_compute": ("算力",)}, number=2),
            answer("新建生产线产能利用率较高。", tone=0.5, themes={"capex": ("生产线",)}, number=3),
            answer("订单情况平稳。", tone=0.3, number=4),
        ],
        tone=0.6,
    )
    garbled = filing_score(
        "990001",
        "星河云算",
        "0202-11-07",
        [answer("经营出现亏损，需求下滑。", tone=-0.8, number=1)],
        tone=-0.8,
    )
    return [f1, f2, f3, f4, garbled]


def single_filing() -> FilingScore:
    """东湖新材 (990002): a company with one filing only."""
    return filing_score(
        "990002",
        "东湖新材",
        "2022-06-01",
        [
            answer("公司拟发行可转债募集资金。", tone=0.2, themes={"financing": ("可转债",)}, number=1),
            answer("国产替代芯片材料已小批量供货。", tone=0.6, themes={"domestic_chips": ("国产替代",)}, number=2),
        ],
    )


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)> [bold red]注意[/bold red]"


def hostile_filing(history: bool = False) -> FilingScore:
    """A fictional record whose text tries to inject HTML and rich markup everywhere it can."""
    return filing_score(
        "990009",
        "恶意[bold]公司<b>",
        "2023-01-05" if history else "2023-02-05",
        [
            answer(
                "公司数据中心建设顺利。" + HOSTILE,
                question="<script>alert('q')</script>[red]问题[/red]？",
                tone=0.5 if history else -0.4,
                themes={"ai_compute": ("数据中心",)},
                number=1,
            ),
        ],
        participants=("<img src=x onerror=alert(2)>", "[link=http://x]机构[/link]"),
    )


# -- 海岳电子 (name only): results briefings placed by their reporting period -------------------


def haiyue_briefings() -> list[FilingScore]:
    """Undated results briefings, oldest period first: 2016 annual (tone 0.2), 2017 half year (0.4),
    2017 annual (0.9); then one with neither date nor period (-0.5). Named as briefing tables name
    companies, each spelt a little differently."""

    def briefing(name: str, period: str | None, answers: list[ScoredAnswer], tone: float) -> FilingScore:
        return filing_score(None, name, None, answers, tone=tone, activity=("业绩说明会",), participants=(), period=period)

    return [
        briefing("海岳电子", "2016", [answer("公司生产线运行平稳。", tone=0.2, themes={"capex": ("生产线",)}, number=1)], 0.2),
        briefing("海 岳电子", "2017H1", [answer("上半年订单增长。", tone=0.4, number=1)], 0.4),
        briefing(
            "海岳电子",
            "2017",
            [answer("数据中心业务增长强劲。", tone=0.9, themes={"ai_compute": ("数据中心",)}, number=1)],
            0.9,
        ),
        briefing("海岳电子", None, [answer("经营承压。", tone=-0.5, number=1)], -0.5),
    ]
