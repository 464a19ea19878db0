"""Small formatting rules shared by every renderer: numbers, signs, sparklines, bars, periods, labels."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
_PARTIAL = " ▏▎▍▌▋▊▉"

Labels = Mapping[str, str]


def sparkline(values: Sequence[float], lo: float | None = None, hi: float | None = None) -> str:
    """One block character per value, scaled between ``lo`` and ``hi`` (default: the series' range).

    A flat series is drawn at mid height.
    """
    if not values:
        return ""
    lo = min(values) if lo is None else lo
    hi = max(values) if hi is None else hi
    if hi - lo <= 1e-12:
        return SPARK_BLOCKS[3] * len(values)
    top = len(SPARK_BLOCKS) - 1
    out = []
    for v in values:
        level = (min(max(v, lo), hi) - lo) / (hi - lo)
        out.append(SPARK_BLOCKS[int(round(level * top))])
    return "".join(out)


def bar(fraction: float, width: int = 10) -> str:
    """A horizontal bar of ``width`` cells filled to ``fraction`` (eighth-cell resolution)."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = int(round(fraction * width * 8))
    full, part = divmod(eighths, 8)
    text = "█" * full + (_PARTIAL[part] if part else "")
    return text.ljust(width)


def signed(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:+.{digits}f}"
    if float(text) == 0:  # −0.004 rounds to "−0.00": no sign for a change too small to show
        text = f"{0.0:+.{digits}f}"
    return text.replace("-", "−")


def tone_text(value: float) -> str:
    """A tone with two decimals, or more where rounding would carry it across a label threshold
    (0.2957 is neutral: "+0.30" would read as positive at the threshold 0.3)."""
    from nlp.scale import tone_label

    for digits in (2, 3, 4):
        text = signed(value, digits)
        if tone_label(float(text.replace("−", "-"))) == tone_label(value):
            break
    return text


def points(value: float | None) -> str:
    """A change in share as percentage points."""
    if value is None:
        return "–"
    return signed(value * 100, 0) + "pp"


def label(labels: Labels | None, theme: str) -> str:
    return (labels or {}).get(theme, theme)


def tone_style(label: str) -> str:
    """The colour of a tone label (green positive, red negative): the label the scoring model gave,
    so colour and label agree also for filings stored by an earlier model."""
    return {"positive": "green", "negative": "red"}.get(label, "yellow")


# How a reporting period is named where a date would be shown: it is a period, not a day.
_PERIOD_NAMES = {None: "年报期", "H1": "半年报期", "Q1": "一季报期", "Q2": "二季报期", "Q3": "三季报期", "Q4": "四季报期"}


def period_label(period: str | None) -> str:
    """ "2016" → "2016 年报期", "2016H1" → "2016H1 半年报期", "2016Q3" → "2016Q3 三季报期"; other
    values as "period <value>"; "" for None."""
    if not period:
        return ""
    if len(period) >= 4 and period[:4].isdigit() and (period[4:] or None) in _PERIOD_NAMES:
        return f"{period} {_PERIOD_NAMES[period[4:] or None]}"
    return f"period {period}"


def date_or_period(date: str | None, date_valid: bool, period: str | None) -> str:
    """Where a filing sits in time, for people: its valid date, else its reporting period, else the
    date as written (or "undated")."""
    if date_valid and date:
        return date
    if period:
        return period_label(period)
    return date or "undated"


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"



def when_text(date: str | None, period: str | None = None) -> str:
    """A label for a history entry given as a date or, when undated, a reporting period."""
    from nlp.calendar import date_is_valid

    return date_or_period(date, date_is_valid(date), period)


def attendance_text(institutions: int | None, people: int | None) -> str:
    """ "8 institutions, 10 people"; "" when unknown."""
    if institutions is None and people is None:
        return ""
    parts = []
    if institutions is not None:
        parts.append(f"{institutions} institution{'' if institutions == 1 else 's'}")
    if people is not None:
        parts.append(f"{people} {'person' if people == 1 else 'people'}")
    return ", ".join(parts)


def percent(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def median(values: Sequence[float]) -> float | None:
    values = sorted(values)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
