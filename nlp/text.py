"""Small text helpers every stage shares: how a segment's text is normalized, what counts as Chinese,
how a table cell becomes text."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_LETTER_GAP = re.compile(r"(?<=[A-Za-z])[ \t\u3000\xa0]+(?=[A-Za-z])")
_ANY_WS = re.compile(r"\s+")
_CHINESE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")


def squash_line(line: str) -> str:
    """One line without whitespace, except one space between two Latin letters."""
    return _ANY_WS.sub("", _LETTER_GAP.sub("\x00", line)).replace("\x00", " ")


def normalize_segment_text(text: str) -> str:
    """Line breaks removed, whitespace dropped except one space between two Latin letters."""
    return "".join(squash_line(line) for line in text.splitlines())


def fold(token: str) -> str:
    """ASCII terms match case-insensitively (AI, ai; IDC, idc); Chinese is unchanged."""
    return token.upper() if token.isascii() else token


def has_chinese(text: str) -> bool:
    """Whether a text holds a Chinese character: irtone's lexicons, themes and models read Chinese only."""
    return _CHINESE.search(text) is not None


def cell_str(value: Any) -> str:
    """A table cell as text: None/NaN → "", integral floats without ".0", the rest ``str``."""
    if type(value) is str:  # the common case, first: this runs once per cell of every table
        return value
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def json_objects(lines, path) -> Iterator[tuple[str, dict]]:
    """(``path:line``, object) for each non-blank line of a JSON-lines file; a line that is not a JSON
    object raises ``IrtoneError`` naming it."""
    import json

    from nlp.records import IrtoneError

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            raise IrtoneError(where, f"not valid JSON ({err.msg})") from None
        if not isinstance(item, dict):
            raise IrtoneError(where, "each line must be a JSON object")
        yield where, item
