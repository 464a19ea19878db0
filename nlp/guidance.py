"""Guidance as figures: what management said it spent, plans to spend, raises, produces or has on order.

``filing_guidance(score, when, year)`` reads each answer (``status == "ok"``) for figures with a unit
(亿元, 万元, GW/MW, 万吨, 台, %) that a guidance item names in the same clause, before the figure:

============  ==========================================================  ===============================
item          named by (the nearest keyword before the figure wins)       units
============  ==========================================================  ===============================
fundraising   募集资金 募资 融资 定增 非公开发行 定向增发 配股 可转债 发行   money
capex         资本开支 资本性支出 资本支出 固定资产投资 总投资 投资 投入    money
capacity      产能 装机 年产 生产能力 并网                                  power, mass, units
orders        在手订单 订单 中标 签约 合同                                   money, power, mass, units
revenue       营业收入 营收 收入 销售额                                      money, percent
profit        净利润 利润 归母                                               money, percent
margin        毛利率 净利率                                                  percent
rd            研发投入 研发费用 研发支出                                     money, percent
============  ==========================================================  ===============================

A figure about a market rather than the company (国内新增装机容量, 全球服务器投资, 行业总产能: a market
named after the company in the clause, or with no company named) is not guidance and is skipped.
A figure is a number (Arabic, or Chinese: 八, 两个亿, 三十) or a range (40-50, 1.5亿元至2亿元) and its
unit, with a qualifier (约, 左右, 以上, 超过…). Its period is the last period named before it in the
sentence: a year (2013年, 2013年和2014年 → "2013-2014"), or a relative one resolved against the
filing's year (今年, 明年, 去年; 未来两年 stays as written), with 上半年 / 下半年 / 一季度… as H1, H2,
Q1…. Its basis: "plan" where the clause says 计划, 预计, 拟, 将, 目标…, "actual" where it says 已,
完成, 实现, 累计, 了…, else by the period (over before the filing's date: actual; begun after it:
plan), else None.
Its theme: the answer's tagged theme with the most evidence terms in the figure's sentence, else the
item's own theme (capex → capex, fundraising → financing) where it is tagged, else the answer's
first tagged theme, else None.

``link(current, earlier)`` sets each figure's ``previous``: the company's last earlier figure on the
same item and dimension (of several in that filing, the one about an overlapping period, then with
the most alike subject, then the last said), and its
``change`` in the base unit (亿元, MW, 万吨, the unit itself); ``earlier`` lists them all.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence

from nlp.records import FilingScore, GuidanceFigure, ScoredAnswer

ITEMS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], str | None]] = {
    # item: (label, keywords, dimensions, its own theme)
    "fundraising": ("募集资金", ("募集资金", "募资", "融资", "定增", "非公开发行", "定向增发", "配股", "可转债", "发行股票"),
                    ("money",), "financing"),
    "capex": ("资本开支", ("资本开支", "资本性支出", "资本性开支", "资本支出", "固定资产投资", "总投资", "投资", "投入"), ("money",), "capex"),
    "capacity": ("产能", ("产能", "装机", "年产", "生产能力", "并网"), ("power", "mass", "units"), "capex"),
    "orders": ("订单", ("在手订单", "订单", "中标", "签约", "合同"), ("money", "power", "mass", "units"), None),
    "revenue": ("营业收入", ("营业收入", "营收", "收入", "销售额"), ("money", "percent"), None),
    "profit": ("净利润", ("净利润", "利润", "归母"), ("money", "percent"), None),
    "margin": ("毛利率", ("毛利率", "净利率"), ("percent",), None),
    "rd": ("研发投入", ("研发投入", "研发费用", "研发支出"), ("money", "percent"), None),
}
LABELS = {item: spec[0] for item, spec in ITEMS.items()}

# unit → (dimension, factor to the dimension's base unit); "units" figures compare only in the same unit
_UNITS: dict[str, tuple[str, float | None]] = {
    "亿元": ("money", 1.0), "亿元人民币": ("money", 1.0), "亿人民币": ("money", 1.0), "亿": ("money", 1.0),
    "千万元": ("money", 0.1), "百万元": ("money", 0.01), "万元": ("money", 1e-4), "元": ("money", 1e-8),
    "亿美元": ("money_usd", 1.0), "万美元": ("money_usd", 1e-4), "百万美元": ("money_usd", 0.01),
    "亿港元": ("money_hkd", 1.0), "万港元": ("money_hkd", 1e-4),
    "gw": ("power", 1000.0), "吉瓦": ("power", 1000.0), "mw": ("power", 1.0), "兆瓦": ("power", 1.0),
    "万千瓦": ("power", 10.0), "kw": ("power", 0.001), "千瓦": ("power", 0.001),
    "万吨": ("mass", 1.0), "千吨": ("mass", 0.1), "吨": ("mass", 1e-4),
    "万台": ("units", None), "台": ("units", None), "万套": ("units", None), "套": ("units", None),
    "万片": ("units", None), "片": ("units", None), "万辆": ("units", None), "辆": ("units", None),
    "万平方米": ("units", None), "平方米": ("units", None),
    "%": ("percent", 1.0),
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_CN_DIGITS = "零一二两三四五六七八九十百千"
_NUM = rf"(?:\d+(?:\.\d+)?|[{_CN_DIGITS}]+)"
_RANGE = r"(?:-|~|～|—|–|至|到)"
_FIGURE = re.compile(
    rf"(?P<q1>大约|约为|约|近|超过|逾|不低于|不少于|将近)?(?<![\d.])(?P<low>{_NUM})(?:(?P<u1>{_UNIT_RE})?{_RANGE}(?P<high>{_NUM}))?"
    rf"个?(?P<unit>{_UNIT_RE})(?![a-z])(?P<q2>左右|以上|以内|多|余)?",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?\n]")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_KEYWORDS = sorted(((k, item) for item, spec in ITEMS.items() for k in spec[1]), key=lambda p: -len(p[0]))
_KEYWORD_RE = re.compile("|".join(re.escape(k) for k, _ in _KEYWORDS))
_ITEM_OF = {k: item for k, item in _KEYWORDS}
MAX_GAP = 20  # characters between the keyword and its figure
MAX_SUBJECT = 16
_RATE_OF = re.compile(r"[按占][\u4e00-\u9fff]{0,3}$")
_NOT_CAPEX = re.compile(r"收益|收入|利润|者")  # 投资收益 is income, 投资者 people
# a market's figure (国内新增装机, 全球市场规模, 全球数据中心投资: up to 4 characters between), not the company's: skipped when named after the
# company in the clause (公司预计今年国内新增装机13GW is the market's); 在国内 is where the company acts
_MARKET = re.compile(r"(?<!在)(?:国内|全国|全球|世界|我国|中国|国际|海外|全行业|行业|全社会|整个市场)(?:的|整体)?(?:市场)?"
                     r"[\u4e00-\u9fff]{0,4}?(?:新增|总|整体|累计|年)?(?:市场规模|市场空间|市场容量|规模|需求量?|装机容量|装机|容量|产能|产量|销量|"
                     r"投资|出货量|资本开支|资本支出|市场)")
_OWN = re.compile(r"公司|我们|我司|本公司|集团|我公司|本集团")

_YEAR = re.compile(r"(?P<y1>(?:19|20)\d{2})\s*年?\s*(?:度)?\s*(?:和|与|及|、|-|~|～|至|到)\s*(?P<y2>(?:19|20)\d{2})\s*年|(?P<y>(?:19|20)\d{2})\s*年")
_RELATIVE = {"今年": 0, "本年度": 0, "本年": 0, "当年": 0, "明年": 1, "来年": 1, "下一年": 1, "去年": -1, "上年": -1,
             "上一年": -1, "前年": -2, "后年": 2}
_RELATIVE_RE = re.compile("|".join(sorted(_RELATIVE, key=len, reverse=True)) + r"|未来[一二两三四五六七八九十\d]+年")
_PART = re.compile(r"\s*(?:度)?\s*(?:的)?\s*(上半年|下半年|一季度|二季度|三季度|四季度|第一季度|第二季度|第三季度|第四季度)")
_PART_CODE = {"上半年": "H1", "下半年": "H2", "一季度": "Q1", "二季度": "Q2", "三季度": "Q3", "四季度": "Q4"}
_PLAN = re.compile(r"计划|预计|拟|将|目标|预期|争取|力争|有望|规划|预测|估计|希望|打算|准备")
_ACTUAL = re.compile(r"已|完成|实现|累计|了|截至|截止|合计")
_SUBJECT_TRIM = re.compile(r"^(?:公司|我们|目前|预计|计划|本次|其中|主要|大约|预期|共计|[的为是将约和及与、，度拟])+")
_PERIOD_WORDS = re.compile(r"(?:上半年|下半年|第?[一二三四]季度|全年|年底|年末|年初)")
_QUALIFIERS = {"大约": "约", "约为": "约", "约": "约", "近": "近", "将近": "近", "超过": "超过", "逾": "超过",
               "不低于": "不低于", "不少于": "不少于", "左右": "左右", "以上": "以上", "以内": "以内", "多": "多", "余": "多"}


def chinese_number(text: str) -> float | None:
    """An Arabic or Chinese numeral (八, 十二, 三十, 一百二十, 两千五百) as a number; None if not one."""
    try:
        return float(text)
    except ValueError:
        pass
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
    scales = {"十": 10, "百": 100, "千": 1000}
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch in scales:
            total += (current or 1) * scales[ch]
            current = 0
        else:
            return None
    return float(total + current)


def _period(prefix: str, year: int | None) -> str | None:
    """The last period named in ``prefix`` (text before a figure), resolved against ``year``."""
    found: list[tuple[int, str]] = []
    for m in _YEAR.finditer(prefix):
        text = f"{m['y1']}-{m['y2']}" if m["y1"] else m["y"]
        part = _PART.match(prefix, m.end())
        found.append((m.start(), text + (_PART_CODE[part.group(1).replace("第", "")] if part and not m["y1"] else "")))
    for m in _RELATIVE_RE.finditer(prefix):
        word = m.group(0)
        if word in _RELATIVE and year is not None:
            part = _PART.match(prefix, m.end())
            found.append((m.start(), str(year + _RELATIVE[word]) + (_PART_CODE[part.group(1).replace("第", "")] if part else "")))
        elif word not in _RELATIVE:
            found.append((m.start(), word))
    return max(found)[1] if found else None


_PERIOD_SPAN = re.compile(r"(?P<first>\d{4})(?:-(?P<last>\d{4}))?(?P<part>H1|H2|Q[1-4])?")
_PART_MONTHS = {None: ("01-01", "12-31"), "H1": ("01-01", "06-30"), "H2": ("07-01", "12-31"), "Q1": ("01-01", "03-31"),
                "Q2": ("04-01", "06-30"), "Q3": ("07-01", "09-30"), "Q4": ("10-01", "12-31")}


def _basis(clause: str, period: str | None, placed: str | None) -> str | None:
    """plan / actual from the clause's words, else from the period against the filing's date."""
    if _PLAN.search(clause):
        return "plan"
    if _ACTUAL.search(clause):
        return "actual"
    span = _PERIOD_SPAN.fullmatch(period or "")
    if span and placed:
        first, last = _PART_MONTHS[span["part"]]
        if f"{span['last'] or span['first']}-{last}" < placed:
            return "actual"
        if f"{span['first']}-{first}" > placed:
            return "plan"
    return None


def _item(prefix: str, dimension: str) -> tuple[str, int, int] | None:
    """(item, keyword start, keyword end) of the nearest keyword before the figure naming an item
    that takes the figure's dimension, within MAX_GAP characters."""
    for m in reversed(list(_KEYWORD_RE.finditer(prefix))):
        if len(prefix) - m.end() > MAX_GAP:
            break
        item = _ITEM_OF[m.group(0)]
        if _RATE_OF.search(prefix, 0, m.start()):  # 按销售收入的3%, 占营业收入: a rate, not a figure
            continue
        if item == "capex" and _NOT_CAPEX.match(prefix, m.end()):
            continue
        base = dimension.split("_")[0]
        if base in ITEMS[item][2] or dimension in ITEMS[item][2]:
            return item, m.start(), m.end()
    return None


def _market_figure(prefix: str) -> bool:
    """Whether the clause before a figure makes it a market's (the last subject named is a market)."""
    market = [m.start() for m in _MARKET.finditer(prefix)]
    if not market:
        return False
    own = [m.start() for m in _OWN.finditer(prefix)]
    return not own or market[-1] > own[-1]


def _theme(answer: ScoredAnswer, item: str, sentence: str, known: Iterable[str]) -> str | None:
    tagged = [t for t in answer.themes if t.tagged]
    scored = [(sum(term in sentence for term in t.evidence.terms), t.score, t.theme)
              for t in tagged if t.evidence is not None]
    scored = [s for s in scored if s[0] > 0]
    if scored:
        return max(scored)[2]
    own = ITEMS[item][3]
    if own is not None and own in {t.theme for t in tagged}:
        return own
    return tagged[0].theme if tagged else None


def _format(value: float) -> str:
    return f"{value:g}"


def answer_figures(answer: ScoredAnswer, index: int, placed: str | None = None,
                   known_themes: Iterable[str] = ()) -> list[GuidanceFigure]:
    """The guidance figures of one answer (module doc); ``placed``: the ISO date the filing speaks
    from (its date, or its reporting period's stand-in), which relative periods resolve against."""
    year = int(placed[:4]) if placed else None
    text = unicodedata.normalize("NFKC", answer.answer)
    text = re.sub(r"(?<=[\d.])\s+(?=[\d.]|[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+(?=\d)", "", text)  # 33 亿元 → 33亿元
    out = []
    for m in _FIGURE.finditer(text):
        unit_key = m["unit"].lower()
        dimension, factor = _UNITS[unit_key]
        low, high = chinese_number(m["low"]), chinese_number(m["high"]) if m["high"] else None
        if low is None or (m["high"] and high is None):
            continue
        if high is None:
            high = low
        if m["u1"] and m["u1"].lower() != unit_key:  # 5000万元至1亿元: the low end in its own unit
            d1, f1 = _UNITS[m["u1"].lower()]
            if d1 != dimension or f1 is None or factor is None:
                continue
            low = low * f1 / factor
        clause_start = max([c.end() for c in _CLAUSE_END.finditer(text, 0, m.start())] or [0])
        sentence_start = max([c.end() for c in _SENTENCE_END.finditer(text, 0, m.start())] or [0])
        sentence_end = _SENTENCE_END.search(text, m.end())
        sentence = text[sentence_start: sentence_end.end() if sentence_end else len(text)].strip()
        prefix = text[clause_start: m.start()]
        found = _item(prefix, dimension)
        if found is None or _market_figure(prefix):
            continue
        item, k_start, k_end = found
        period = _period(text[sentence_start: m.start()], year)
        unit = m["unit"] if not m["unit"].isascii() else m["unit"].upper() if m["unit"] != "%" else "%"
        qualifier = _QUALIFIERS.get(m["q1"] or m["q2"] or "", "")
        figure = (_format(low) if low == high else f"{_format(low)}-{_format(high)}") + unit
        subject = _PERIOD_WORDS.sub("", _YEAR.sub("", _RELATIVE_RE.sub("", re.sub(r"\s+", "", prefix[:k_end]))))
        subject = _SUBJECT_TRIM.sub("", subject)[-MAX_SUBJECT:]
        base = (low + high) / 2 * factor if factor is not None else (low + high) / 2
        out.append(GuidanceFigure(
            item=item, subject=_SUBJECT_TRIM.sub("", subject) or ITEMS[item][0], figure=figure, low=low, high=high,
            unit=unit, dimension=dimension if dimension != "units" else f"units:{unit.lstrip('万')}",
            value_base=base if dimension != "units" else base * (1e4 if unit.startswith("万") else 1),
            period=period, basis=_basis(text[clause_start: m.start()], period, placed), qualifier=qualifier,
            theme=_theme(answer, item, sentence, known_themes), index=index, sentence=sentence,
        ))
    return out


def filing_guidance(score: FilingScore, when: str | None = None, placed: str | None = None) -> tuple[GuidanceFigure, ...]:
    """Every guidance figure of a filing, in answer order; ``when``: the filing's date (or period)
    the figures are labelled with; ``placed``: the ISO date relative periods (今年) resolve against
    (``nlp.calendar.history_date``)."""
    out: list[GuidanceFigure] = []
    for i, answer in enumerate(score.answers):
        if answer.status != "ok":
            continue
        for fig in answer_figures(answer, i, placed, score.theme_share):
            out.append(dataclasses.replace(fig, filing_id=score.filing.filing_id, date=when))
    return tuple(out)


def _alike(a: str, b: str) -> float:
    x, y = {a[i:i + 2] for i in range(len(a) - 1)}, {b[i:i + 2] for i in range(len(b) - 1)}
    return len(x & y) / len(x | y) if x | y else 0.0


def _years(period: str | None) -> set[int]:
    span = _PERIOD_SPAN.fullmatch(period or "")
    return set(range(int(span["first"]), int(span["last"] or span["first"]) + 1)) if span else set()


def _overlap(a: str | None, b: str | None) -> bool:
    return bool(_years(a) & _years(b))


def link(current: Sequence[GuidanceFigure], earlier: Sequence[GuidanceFigure]) -> tuple[GuidanceFigure, ...]:
    """``current`` with ``previous``, ``change`` and ``earlier`` set from ``earlier`` (the company's
    earlier figures, oldest filing first); see the module doc."""
    out = []
    for fig in current:
        same = [e for e in earlier if e.item == fig.item and e.dimension == fig.dimension]
        previous = None
        if same:
            last_filing = same[-1].filing_id
            candidates = [e for e in same if e.filing_id == last_filing]
            # of several in that filing: the one about the same period, then the same subject, then the last said
            previous = max(candidates, key=lambda e: (_overlap(e.period, fig.period), _alike(e.subject, fig.subject),
                                                      candidates.index(e)))
        change = (fig.value_base - previous.value_base
                  if previous is not None and fig.value_base is not None and previous.value_base is not None else None)
        out.append(dataclasses.replace(fig, previous=previous, change=change, earlier=tuple(same)))
    return tuple(out)
