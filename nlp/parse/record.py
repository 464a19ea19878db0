"""A whole record (a disclosure file or a whole-record table row) → a Filing of kind "ir_record"."""
from __future__ import annotations

from typing import Any

from nlp.parse.activity import _parse_activity
from nlp.parse.cleaning import _clean_lines, _split_inline_markers
from nlp.parse.header import _find_company, _find_header
from nlp.parse.metadata import (
    _clean_code,
    _clean_name,
    _clean_str,
    _event_dates,
    _filing_id,
    _first_date,
    _meta_date,
    _people_lines,
    _split_activity_text,
)
from nlp.parse.patterns import _CODE, _NAME, _STUB, _compact
from nlp.parse.segment import _segment
from nlp.parse.vocabulary import _Vocabulary, _vocabulary
from nlp.records import Filing, IrtoneError, Segment
from nlp.text import normalize_segment_text


def _parse_record(source: str, text: str, meta: dict[str, Any]) -> Filing:
    vocab = _vocabulary()
    lines = _clean_lines(text, tuple(str(meta[key]).strip() for key in ("name", "code") if meta.get(key)))
    if not lines:
        if _has_meta(meta):
            return _build_filing(source, text, meta, {}, (), vocab)
        raise IrtoneError(source, "no investor-relations content (empty text)")
    header = _find_header(lines, vocab)
    content = _split_inline_markers(lines[header.content_start : header.content_end])
    if _STUB.match(_compact("".join(content))) and len(_compact("".join(content))) <= 20:
        content = []  # "见附件": the record is in an attachment we do not have
    segments = _segment(content, vocab)
    has_header = header.found_header or bool(_CODE.search("\n".join(lines[:15])))
    if not has_header and not _has_meta(meta) and not segments:
        compact = _compact(text)
        if any(word in compact for word in vocab.ir_keywords):
            pass  # an IR text with no recognisable segments: a Filing with none
        elif len(compact) < 40:
            raise IrtoneError(source, "no investor-relations content (stub such as 见附件?)")
        else:
            raise IrtoneError(
                source,
                "not an investor-relations record (no 证券代码/记录表 header, no Q&A markup, "
                "no investor-relations keywords)",
            )
    if not has_header and not _has_meta(meta) and segments and not any(s.kind == "qa" for s in segments):
        compact = _compact(text)
        if not any(word in compact for word in vocab.ir_keywords):
            raise IrtoneError(
                source,
                "not an investor-relations record (no 证券代码/记录表 header, no Q&A markup, "
                "no investor-relations keywords)",
            )
    values = dict(header.values)
    values["_lines"] = lines
    values["_title_end"] = header.title_end
    return _build_filing(source, text, meta, values, tuple(segments), vocab)


def _has_meta(meta: dict[str, Any]) -> bool:
    return any(meta.get(key) for key in ("code", "name", "company", "doc_id", "category", "institutions"))


def _build_filing(
    source: str,
    text: str,
    meta: dict[str, Any],
    values: dict[str, Any],
    segments: tuple[Segment, ...],
    vocab: _Vocabulary,
) -> Filing:
    lines: list[str] = values.get("_lines", [])
    head_text = "\n".join(lines[:40])
    code_match = _CODE.search(head_text)
    code = code_match.group("code") if code_match else _clean_code(meta.get("code"))
    name_match = _NAME.search(head_text)
    name = name_match.group("name") if name_match else _clean_name(meta.get("name"))
    company = _find_company(lines[: values.get("_title_end", 0)], lines[:20], name) or _clean_str(meta.get("company"))

    activity = _parse_activity(values.get("activity"), vocab)
    if not activity and meta.get("category"):
        activity = _parse_activity(str(meta["category"]).splitlines(), vocab) or _split_activity_text(meta["category"])
        if sum(kind in vocab.activity_types for kind in activity) >= 5:
            activity = ()  # every option of the form listed (37 SZSE records): the template, not what was held

    participants = _people_lines(values.get("participants"), vocab)
    if not participants and meta.get("institutions"):
        participants = _people_lines(str(meta["institutions"]).splitlines(), vocab)
    staff = _people_lines(values.get("staff"), vocab, strip_numbers=True)
    if not staff and meta.get("staff"):
        staff = _people_lines(str(meta["staff"]).splitlines(), vocab, strip_numbers=True)

    time_text = " ".join(values.get("time") or []) or str(meta.get("event_time") or "")
    event_dates = _event_dates(time_text)
    location_lines = values.get("location") or str(meta.get("location") or "").splitlines()
    location = normalize_segment_text("\n".join(location_lines)) or None

    # the table's date column when it names a valid day, else the record's 日期, else the
    # activity's first day (nlp/parse/RULES.md, "Which date")
    date = _meta_date(meta.get("date"))
    if date is None:
        date = _first_date(" ".join(values.get("date") or []))
    if date is None:
        date = event_dates[0] if event_dates else None

    return Filing(
        filing_id=_filing_id(_compact(text), code, date, meta),
        source=source,
        code=code,
        name=name,
        company=company,
        activity_types=activity,
        participants=participants,
        date=date,
        event_dates=event_dates,
        location=location,
        staff=staff,
        segments=segments,
        kind="ir_record",
    )
