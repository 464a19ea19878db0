"""Answers tables (results briefings: ``meta["pairs"]`` from ``nlp.read``) → a Filing of kind
"answers".
"""
from __future__ import annotations

import unicodedata
from typing import Any

from nlp.parse.metadata import (
    _as_int,
    _clean_code,
    _clean_str,
    _filing_id,
    _first_date,
    _meta_date,
    _split_activity_text,
)
from nlp.parse.patterns import _COMPANY_FORM, _QUARTERS, _TITLE_PERIOD, _YEAR_VALUE, _compact
from nlp.parse.vocabulary import _vocabulary
from nlp.records import Filing, Segment
from nlp.text import normalize_segment_text


def _parse_answers(source: str, meta: dict[str, Any]) -> Filing:
    segments = []
    hashed = []
    for position, pair in enumerate(meta["pairs"], start=1):
        question = normalize_segment_text(str(pair.get("question") or ""))
        answer = normalize_segment_text(str(pair.get("answer") or ""))
        ref = pair.get("id")
        segments.append(
            Segment(
                kind="qa",
                number=_as_int(pair.get("number")) or position,
                question=question,
                answer=answer,
                text=answer,
                ref=None if ref is None else str(ref),
            )
        )
        hashed.append(f"{question}\x1e{answer}")
    code = _clean_code(meta.get("code"))
    # a conference title rarely carries a full date (2024年5月10日业绩说明会); "2016年度" is the
    # fiscal year reported on, not the day of the briefing, so it gives no date (nlp/parse/RULES.md)
    date = _meta_date(meta.get("date")) or _first_date(str(meta.get("conference") or ""))
    period = _briefing_period(meta.get("conference"), meta.get("year"))
    company = _clean_str(meta.get("company"))
    name = _clean_str(meta.get("name"))
    if name is None and company and not _COMPANY_FORM.search(company):
        name = company  # briefing tables name the company by its short name (万科Ａ)
    return Filing(
        filing_id=_filing_id("\x1d".join(hashed), code, date),
        source=source,
        code=code,
        name=name,
        company=company,
        activity_types=_split_activity_text(meta.get("category")) or (_vocabulary().answers_activity,),
        date=date,
        period=period,
        segments=tuple(segments),
        kind="answers",
    )


def _briefing_period(conference: Any, year: Any) -> str | None:
    """The reporting period of a results briefing: "2016", "2016H1" or "2016Q3" (nlp/parse/RULES.md)."""
    title = _compact(unicodedata.normalize("NFKC", str(conference or "")))
    match = _TITLE_PERIOD.search(title)
    if match:
        if match["h"]:
            return f"{match['y']}H1"
        if match["q"]:
            return f"{match['y']}Q{_QUARTERS[match['q']]}"
        return match["y"]
    year_match = _YEAR_VALUE.fullmatch(_compact(unicodedata.normalize("NFKC", str(year or ""))))
    return year_match["y"] if year_match else None
