"""Dates of filings: which are valid, where an undated results briefing sits, which year a filing speaks from.

- ``date_is_valid``: an ISO date (YYYY-MM-DD) that exists, from 1990 (no A-share IR record predates
  the exchanges) up to next year; garbled dates such as year 0202 or month 13 are not.
- ``period_date``: where an undated briefing about a reporting period is placed: the statutory
  deadline of the report it presents (CSRC: annual report within 4 months of the year end, half-year
  within 2, quarterly within 1), by which the report and, in practice, its briefing are out. Q4 is
  reported with the year. An approximate stand-in, never a filing's date.
- ``history_date``: the valid date, else the period's stand-in, else None.
- ``speaking_year``: the calendar year a filing speaks from (今年 in it means this year).
"""
from __future__ import annotations

import re
from datetime import date as Date

MIN_YEAR = 1990

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PERIOD = re.compile(r"(?P<y>\d{4})(?P<part>H1|Q[1-4])?")
_PERIOD_DEADLINE = {None: (1, "04-30"), "Q1": (0, "04-30"), "Q2": (0, "08-31"), "H1": (0, "08-31"),
                    "Q3": (0, "10-31"), "Q4": (1, "04-30")}


def date_is_valid(value: str | None, today: Date | None = None) -> bool:
    """True for an ISO date (YYYY-MM-DD) that exists, from 1990 up to next year."""
    if not value or not _ISO_DATE.fullmatch(value):
        return False
    try:
        parsed = Date.fromisoformat(value)
    except ValueError:
        return False
    latest = (today or Date.today()).year + 1
    return MIN_YEAR <= parsed.year <= latest


def period_date(period: str | None, today: Date | None = None) -> str | None:
    """The approximate ISO date a briefing about ``period`` is placed at (not its day; see the
    module docstring): "2016" → "2017-04-30", "2016H1" → "2016-08-31", "2016Q1" → "2016-04-30",
    "2016Q3" → "2016-10-31". None for a missing or malformed period, or a year outside 1990…next year.
    """
    match = _PERIOD.fullmatch(period or "")
    if match is None:
        return None
    year = int(match["y"])
    if not MIN_YEAR <= year <= (today or Date.today()).year + 1:
        return None
    offset, month_day = _PERIOD_DEADLINE[match["part"]]
    return f"{year + offset:04d}-{month_day}"


def history_date(date: str | None, period: str | None) -> str | None:
    """The date a filing takes its place in the history by: ``date`` when valid, else
    ``period_date(period)`` (approximate), else None (the filing goes last, by ingestion)."""
    return date if date_is_valid(date) else period_date(period)


def speaking_year(date: str | None, period: str | None) -> int | None:
    """The year of ``history_date``: a 2017 annual briefing (placed 2018-04-30) speaks from 2018."""
    placed = history_date(date, period)
    return int(placed[:4]) if placed else None
