"""The 记录表 header: labels (possibly wrapped over lines), the footer (附件清单, 日期) and the company's full
name.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nlp.parse.patterns import (
    _BULLET,
    _CODE,
    _COMPANY,
    _DATE_FULL,
    _NAME,
    _NUMBERING,
    _PAGE_HEADER,
    _TITLE_LINE,
    _compact,
    _words,
)
from nlp.parse.vocabulary import _Vocabulary


@dataclass
class _Header:
    """Field values found in the text (each a list of cleaned lines)."""

    values: dict[str, list[str]]
    content_start: int  # index into lines where the main content begins
    content_end: int  # index where the footer (附件清单 / 日期) begins
    found_header: bool
    title_end: int = 0  # lines before it are the title block (code, short name, full name, title)


def _match_label(
    lines: list[str], i: int, vocab: _Vocabulary, fields: Iterable[str] | None = None
) -> tuple[str, int, int] | None:
    """A header label starting line ``i``, possibly wrapped over up to 3 lines.

    Returns (field, line index, char offset in that line where the value begins) or None.
    """
    first = lines[i].lstrip()
    if not first or first[0] not in vocab.label_initials:
        return None
    pieces: list[str] = []
    starts: list[int] = []
    total = 0
    for j in range(i, min(i + 3, len(lines))):
        compact = _compact(lines[j])
        starts.append(total)
        pieces.append(compact)
        total += len(compact)
    joined = "".join(pieces)
    for label, field in vocab.header_fields:
        if (fields is not None and field not in fields) or not joined.startswith(label):
            continue
        end = len(label)
        k = max(n for n, s in enumerate(starts) if s < end)
        j = i + k
        line = lines[j]
        offset = _offset_after_compact(line, end - starts[k])
        rest = line[offset:]
        if rest and rest[0] not in " \t:：" and not (field in ("time", "date") and rest[0].isdigit()):
            continue  # the label is only the start of a longer word
        rest = rest.lstrip(" \t:：")
        if field == "date" and not _DATE_FULL.search(_compact(rest + "".join(lines[j + 1 : j + 2]))):
            continue
        return field, j, len(line) - len(rest)
    return None


def _offset_after_compact(line: str, compact_chars: int) -> int:
    """Index in ``line`` just after its first ``compact_chars`` non-whitespace characters."""
    if compact_chars <= 0:
        return 0
    seen = 0
    for index, char in enumerate(line):
        if not char.isspace():
            seen += 1
            if seen == compact_chars:
                return index + 1
    return len(line)


def _find_header(lines: list[str], vocab: _Vocabulary) -> _Header:
    found: list[tuple[str, int, int, int]] = []  # field, label line, value line, value offset
    content_at = None
    i = 0
    limit = len(lines)
    while i < limit:
        hit = _match_label(lines, i, vocab)
        if hit is not None:
            field, j, offset = hit
            if field in ("attachments", "date") and not found:
                i += 1
                continue
            if field == "content":
                found.append((field, i, j, offset))
                content_at = (j, offset)
                break
            if field not in (f for f, *_ in found):
                found.append((field, i, j, offset))
            i = j + 1
            continue
        i += 1
        if not found and i > 25:
            break  # no header near the top: a body-only text
    header_fields = [f for f, *_ in found if f not in ("code", "name", "serial")]
    found_header = len(header_fields) >= 2 or content_at is not None
    if not found_header:
        start = 0
        while start < min(len(lines), 6) and _is_title_line(lines[start]):
            start += 1  # 证券代码/简称, the company's name, 投资者关系活动记录表, 编号
        end = _find_footer(lines, start, vocab)
        footer = _footer_values(lines, end, vocab)
        return _Header(values=footer, content_start=start, content_end=end, found_header=bool(start), title_end=start)

    values: dict[str, list[str]] = {}
    for k, (field, label_line, value_line, offset) in enumerate(found):
        if field == "content":
            break
        stop_line = found[k + 1][1] if k + 1 < len(found) else None
        if stop_line is None:
            stop_line = value_line + 1
        chunk = [lines[value_line][offset:]] + lines[value_line + 1 : stop_line]
        values[field] = [line.strip() for line in chunk if line.strip()]
    if content_at is not None:
        start_line, offset = content_at
        rest = lines[start_line][offset:].strip()
        if rest:
            lines[start_line] = rest
            start = start_line
        else:
            start = start_line + 1
    else:
        last = found[-1]
        start = last[2] + 1
    end = _find_footer(lines, start, vocab)
    values.update(_footer_values(lines, end, vocab))
    labels = [label_line for field, label_line, *_ in found if field not in ("code", "name", "serial")]
    return _Header(values=values, content_start=start, content_end=end, found_header=True, title_end=min(labels, default=start))


def _is_title_line(line: str) -> bool:
    compact = _compact(line)
    return bool(
        _CODE.search(compact)
        or _NAME.search(line)
        or _PAGE_HEADER.search(compact)
        or (_TITLE_LINE.search(compact) and len(compact) <= 40)
    )


def _find_footer(lines: list[str], start: int, vocab: _Vocabulary) -> int:
    """Index of the first footer line (附件清单 / 日期 with a date) in the last lines."""
    end = len(lines)
    for i in range(max(start, len(lines) - 8), len(lines)):
        hit = _match_label(lines, i, vocab, fields=("attachments", "date"))
        if hit is None:
            continue
        field = hit[0]
        compact = _compact(lines[i])
        if field == "attachments" and not compact.startswith("附件清单"):
            continue
        return i
    return end


def _footer_values(lines: list[str], end: int, vocab: _Vocabulary) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for i in range(end, len(lines)):
        hit = _match_label(lines, i, vocab, fields=("date",))
        if hit is not None:
            _, j, offset = hit
            values["date"] = [lines[j][offset:]] + lines[j + 1 : j + 2]
    return values


def _find_company(title: list[str], head: list[str], name: str | None) -> str | None:
    """The company's full name (青石科技股份有限公司): a line of the title block (the lines above
    the first header label: 证券代码/简称, the name, 投资者关系活动记录表, 编号) that is the name,
    alone or followed by the record's title. Else, among the first lines (a table row holds the
    body only), a line that starts with a listed company's name (…股份有限公司) holding the short
    name near its start: a page header of the company's own (青石医药股份有限公司 for 青石医药),
    or the company as the subject of a sentence (远山科技股份有限公司是专业从事…). Never a
    body line that only happens to start with a name ending in 有限公司 (（1）公司从关联方收购了某某
    电子有限公司…, 公司控股子公司…有限公司…, 远山数码科技有限公司于… for 远山数码)."""
    for line in title:
        company, rest = _company_at_start(_NAME.sub(" ", _CODE.sub(" ", line)))  # 证券代码：… 证券简称：… 名称
        if company and (not rest or _COMPANY_LINE_REST.match(rest)):
            return company
    cores = _short_name_cores(name)
    for line in head:
        company, _ = _company_at_start(line)
        if company and company.endswith("股份有限公司") and any(0 <= company.find(core) <= 4 for core in cores):
            return company
    return None


_COMPANY_LINE_REST = re.compile(r"^(?:" + _TITLE_LINE.pattern + r")?(?:[（(]?编号[:：].*)?$")
_BODY_START = re.compile("^(?:" + _words("body_openers") + ")")


def _company_at_start(line: str) -> tuple[str | None, str]:
    """(the company name ``line`` starts with, the rest of the line), or (None, "") for a line
    that starts with a list marker (（1）… / 1、…), a bullet or a sentence (公司控股子公司…)."""
    compact = _compact(line)
    if not compact or _NUMBERING.match(compact) or _BULLET.match(compact) or _BODY_START.match(compact):
        return None, ""
    match = _COMPANY.match(compact)
    if match is None or "代码" in match.group("company") or len(match.group("company")) > 30:
        return None, ""
    return match.group("company"), compact[match.end() :]


def _short_name_cores(name: str | None) -> list[str]:
    """青石股份；青石B → [青石]; 远山科技 → [远山科技]: what a full name holds of the short name."""
    cores = []
    for part in re.split(r"[；;、,，\s]+|编号.*", name or ""):
        core = re.sub(r"(?:股份|[A-Za-zＡＢ]+)$", "", part)
        if len(core) >= 2:
            cores.append(core)
    return cores
