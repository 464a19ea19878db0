"""Raw text → stripped lines without page furniture, repeated page headers or fake-bold doubling."""
from __future__ import annotations

import re

from nlp.parse.patterns import _CODE, _FAKE_BOLD, _FURNITURE, _INLINE_ANSWER, _INLINE_QUESTION, _LONE_NUMBER, _PAGE_HEADER, _QUAD_RUN, _SPACES, _TITLE_LINE, _ZERO_WIDTH


def _clean_lines(text: str) -> list[str]:
    """Stripped non-empty lines without page furniture, repeated page headers or fake-bold runs."""
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
    return _drop_repeated_headers(lines)


def _undo_fake_bold(line: str) -> str:
    """PDF "bold" drawn by overprinting comes out as every character four times (问问问问)."""
    if not _QUAD_RUN.search(line):
        return line

    def collapse(match: re.Match[str]) -> str:
        if match.start() > 0 and line[match.start() - 1].isdigit():
            return match.group(0)  # 10000000: a number, not bold text
        return _QUAD_RUN.sub(r"\1", match.group(0))

    return _FAKE_BOLD.sub(collapse, line)


def _drop_repeated_headers(lines: list[str]) -> list[str]:
    """Page headers (the record's title, code line or company name) repeat on every page: keep
    only a copy within the first lines. Other repeated lines may be real answers (暂无。) and stay."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    repeated = {
        line
        for line, n in counts.items()
        if n >= 2 and (_TITLE_LINE.search(line) or _CODE.search(line) or _PAGE_HEADER.search(line))
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
