"""Header field values: participants and staff, dates, codes and names, ``filing_id`` (activity types:
``nlp.parse.activity``).
"""
from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from typing import Any

from nlp.parse.patterns import (
    _DATE_FULL,
    _ETC_TAIL,
    _HEAD_COUNT,
    _ISO_DATE,
    _ITEM_SEPARATORS,
    _LEGAL_SUFFIX,
    _LIST_SEPARATORS,
    _RANGE_TAIL,
    _SPACES,
    _STAFF_NUMBER,
    _compact,
)
from nlp.parse.vocabulary import _Vocabulary

_US_DATE = re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})$")


def _split_activity_text(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    parts = [p for p in _ITEM_SEPARATORS.split(str(value)) if p]
    return tuple(dict.fromkeys(parts))


def _people_lines(value_lines: list[str] | None, vocab: _Vocabulary, strip_numbers: bool = False) -> tuple[str, ...]:
    if not value_lines:
        return ()
    out: list[str] = []
    for line in value_lines:
        for note in vocab.ranking_notes:
            line = line.replace(note, "")
        line_start = len(out)  # parts are joined again only within one line: a line is one entry or more
        for part in _LIST_SEPARATORS.split(line):
            part = _SPACES.sub(" ", part).strip(" ，,。、")
            if strip_numbers:
                part = _STAFF_NUMBER.sub("", part).strip()
            etc = _ETC_TAIL.search(part)
            if etc and etc.start() > 0:
                part = part[: etc.start()]
            if ("《" in part) != ("》" in part):  # 《上海证券: a title mark cut off with the rest of the name
                part = part.strip("《》")
            if not part or _HEAD_COUNT.search(part):
                continue
            # a Latin name split at its spaces (black；rock, Topeka；Capital；Markets的Brian；White) or a
            # Chinese one before its legal suffix goes back together
            joinable = len(out) > line_start
            if joinable and out[-1][-1:].isascii() and out[-1][-1:].isalpha() and part[0].isascii() and part[0].isalpha():
                out[-1] = f"{out[-1]} {part}"
            elif joinable and _LEGAL_SUFFIX.match(part):
                out[-1] += part
            else:
                out.append(part)
    return tuple(out)


def _iso(y: str | int, m: str | int, d: str | int) -> str | None:
    """YYYY-MM-DD of a day that exists (2013-02-29 does not) between 1990 and 2100, else None."""
    y, m, d = int(y), int(m), int(d)
    if not 1990 <= y <= 2100:
        return None
    try:
        return datetime.date(y, m, d).isoformat()
    except ValueError:
        return None


def _first_date(text: str) -> str | None:
    match = _DATE_FULL.search(_compact(text))
    return _iso(match["y"], match["m"], match["d"]) if match else None


def _event_dates(text: str) -> tuple[str, ...]:
    compact = _compact(text)
    match = _DATE_FULL.search(compact)
    if not match:
        return ()
    first = _iso(match["y"], match["m"], match["d"])
    if first is None:
        return ()
    tail = _RANGE_TAIL.match(compact[match.end() :])
    last = None
    if tail:
        last = _iso(tail["y"] or match["y"], tail["m"] or match["m"], tail["d"])
    else:
        dates = [_iso(m["y"], m["m"], m["d"]) for m in _DATE_FULL.finditer(compact)]
        dates = [d for d in dates if d]
        if len(dates) > 1:
            last = max(dates)
    if last and last > first:
        return (first, last)
    return (first,)


def _meta_date(value: Any) -> str | None:
    """The day of a table's date column: 2013-08-22, 8/22/2013 (month first, as spreadsheets
    write it), 2013年8月22日; full-width digits (８/22/2013) read as ASCII. None when it names no
    valid day (a garbled year 0202, 2/29/2013, 11/07/202)."""
    if not value:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _ISO_DATE.match(text)
    if match:
        return _iso(match["y"], match["m"], match["d"])
    match = _US_DATE.match(text)
    if match:
        return _iso(match["y"], match["m"], match["d"])
    return _first_date(text)


_A_SHARE_PREFIXES = ("00", "30", "60", "68")  # Shenzhen main board/SME, ChiNext, Shanghai, STAR


def _clean_code(value: Any) -> str | None:
    """The 6-digit stock code of a code column. A dual listing names several codes (000063.SZ/0763.HK,
    000625（200625）, 000725、200725, SZ002024；HK2024: 3 % of the SZSE records): the A share's is
    kept, as the company's code in the store, else the first 6-digit one. A lone shorter number is
    a code whose leading zeros a spreadsheet dropped (2666 → 002666)."""
    if value is None:
        return None
    groups = re.findall(r"\d+", str(value))
    if len(groups) == 1:  # a code truncated to 00 is no code, not 000000
        return groups[0].zfill(6) if len(groups[0]) <= 6 and groups[0].strip("0") else None
    six = [g for g in groups if len(g) == 6]
    if not six:
        return None
    return next((g for g in six if g.startswith(_A_SHARE_PREFIXES)), six[0])


def _clean_name(value: Any) -> str | None:
    """A short name column that ran into the form's number (鸿博股份            编号：2013-003)."""
    text = _clean_str(value)
    if text is None:
        return None
    return _clean_str(re.split(r"\s{2,}|编号", text, maxsplit=1)[0])


def _clean_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Table columns that tell apart meetings filed with the same text (one company, one day, one
# record text for several visits): hashed into filing_id when given.
IDENTITY_META = ("doc_id", "category", "institutions")


def _filing_id(body: str, code: str | None, date: str | None, meta: dict[str, Any] | None = None) -> str:
    """16 hex digits of sha1 over the code, the date, the whitespace-free ``body`` and the
    ``IDENTITY_META`` values ``meta`` gives (whitespace removed). Without such values the key is
    code, date and body alone, so a text file's id does not depend on anything but its content."""
    key = "\x1f".join([code or "", date or "", body])
    identity = [f"{name}={_compact(str(meta[name]))}" for name in IDENTITY_META if meta and _compact(str(meta.get(name) or ""))]
    if identity:
        key += "\x1f" + "\x1e".join(identity)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
