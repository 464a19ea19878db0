"""Company identity: stock codes and names as keys (shared by read, batch, store and compare)."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from nlp.text import cell_str

_SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")


def normalize_code(value: Any) -> str | None:
    """A 6-digit 证券代码 from a table cell, or None.

    ``2594`` / ``"2594"`` → ``"002594"``; ``"SZ000338"``, ``"000725、200725"`` and
    ``"000063.SZ/0763.HK"`` → their first 6-digit code; ``"00"`` or ``""`` → None.
    """
    text = unicodedata.normalize("NFKC", cell_str(value)).strip()  # full-width digits too
    if text.isascii() and text.isdigit() and len(text) <= 6:
        return text.zfill(6) if int(text) else None
    match = _SIX_DIGITS.search(text)
    return match.group(0) if match else None


def normalize_name(name: str) -> str:
    """The key names are matched by: NFKC (full-width → ASCII), no whitespace, ASCII upper-case.

    >>> normalize_name("万 科Ａ") == normalize_name("万科a")
    True
    """
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if not ch.isspace())
    return "".join(ch.upper() if ch.isascii() else ch for ch in text)
