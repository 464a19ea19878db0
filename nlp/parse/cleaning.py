"""Raw text → stripped lines without page furniture, repeated page headers or fake-bold doubling."""
from __future__ import annotations

import re

from nlp.parse.patterns import (
    _CODE,
    _COMPANY,
    _DATE_FULL,
    _FAKE_BOLD,
    _FURNITURE,
    _INLINE_ANSWER,
    _INLINE_QUESTION,
    _LONE_NUMBER,
    _NAME,
    _PAGE_HEADER,
    _PAGE_NUMBER,
    _QUAD_RUN,
    _SPACES,
    _TITLE_LINE,
    _ZERO_WIDTH,
    _compact,
)


def _clean_lines(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """Stripped non-empty lines without page furniture, repeated page headers or fake-bold runs.

    ``names`` are the record's short name and code as its table row gives them (a page header
    repeats them: 首都在线（300846）); the text's own 证券简称/证券代码 are added to them."""
    text = _ZERO_WIDTH.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n"))
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    stripped = [line for line in (_SPACES.sub(" ", raw).strip() for raw in text.split("\n")) if line]
    lines = []
    for k, line in enumerate(stripped):
        lone = _LONE_NUMBER.match(line)
        if lone and k + 1 < len(stripped) and stripped[k + 1].startswith("、"):
            # "2" / "、公司产品和原料进出口情况": PDF put the number (and "PX" of 3、PX供求展望, "3" of
            # 1、3季报) on a line of its own, where it would pass for a page number
            stripped[k + 1] = lone["n"] + "、" + (lone["latin"] or "") + stripped[k + 1][1:].lstrip()
            continue
        if _FURNITURE.match(line):
            continue
        line = _undo_fake_bold(line)
        lines.append(line)
    names = _header_names(lines, names)
    return _drop_repeated_headers([line for line in lines if not _is_numbered_page_header(line, names)], names)


def _undo_fake_bold(line: str) -> str:
    """PDF "bold" drawn by overprinting comes out as every character four times (问问问问)."""
    if not _QUAD_RUN.search(line):
        return line

    def collapse(match: re.Match[str]) -> str:
        if match.start() > 0 and line[match.start() - 1].isdigit():
            return match.group(0)  # 10000000: a number, not bold text
        return _QUAD_RUN.sub(r"\1", match.group(0))

    return _FAKE_BOLD.sub(collapse, line)


def _header_names(lines: list[str], names: tuple[str, ...]) -> tuple[str, ...]:
    """The short name and code a page header may repeat, longest first."""
    head = "\n".join(lines[:15])
    found = [match.group("name") for match in [_NAME.search(head)] if match]
    found += [match.group("code") for match in [_CODE.search(head)] if match]
    return tuple(sorted({name for name in (*names, *found) if name and len(name) >= 2}, key=len, reverse=True))


def _header_rest(line: str, names: tuple[str, ...]) -> str:
    """What is left of a line after removing what page headers and footers are made of: the
    company's full name at its start, the short name and code, the record's title, dates, page
    numbers (第 2 页 共 8 页) and brackets or separators. Empty for a page header."""
    rest = _compact(line)
    company = _COMPANY.match(rest)
    if company:
        rest = rest[company.end() :]
    for name in names:
        rest = rest.replace(name, "")
    rest = _PAGE_NUMBER.sub("", _DATE_FULL.sub("", _TITLE_LINE.sub("", rest)))
    return rest.strip("（）()[]【】<>《》·|/-—–_，,、:：")


def _is_numbered_page_header(line: str, names: tuple[str, ...]) -> bool:
    """北京首都在线科技股份有限公司投资者关系活动记录表 第 2 页 共 8 页: a header or footer with a page number."""
    compact = _compact(line)
    return len(compact) <= 80 and bool(_PAGE_NUMBER.search(compact)) and not _header_rest(line, names)


def _drop_repeated_headers(lines: list[str], names: tuple[str, ...] = ()) -> list[str]:
    """Page headers (the record's title, code line, company name, short name with its code, the
    company with a date) repeat on every page: keep only a copy within the first lines. Other
    repeated lines may be real answers (暂无。) and stay."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    repeated = {
        line
        for line, n in counts.items()
        if n >= 2
        and (
            _TITLE_LINE.search(line)
            or _CODE.search(line)
            or _PAGE_HEADER.search(line)
            or (len(_compact(line)) <= 60 and not _header_rest(line, names))
        )
    }
    if not repeated:
        return lines
    seen: set[str] = set()
    kept = []
    for index, line in enumerate(lines):
        if line in repeated:
            if line in seen or index >= 10:  # a page header, not the record's own title
                continue
            seen.add(line)
        kept.append(line)
    return kept


def _split_inline_markers(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if "：" in line or ":" in line:
            line = _INLINE_QUESTION.sub("\n", line)
            line = _INLINE_ANSWER.sub("\n", line)
            out.extend(part.strip() for part in line.split("\n") if part.strip())
        else:
            out.append(line)
    return out
