"""TXT: decoding disclosure bytes (BOMs, UTF-8, GB18030) into text with LF line ends."""
from __future__ import annotations

import codecs

from nlp.read.files import read_bytes
from nlp.records import IrtoneError, RawDocument

_MAX_TOLERATED_BAD_UTF8 = 10  # stray bad bytes in an otherwise UTF-8 file are replaced, not fatal

_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes, source: str = "<bytes>") -> tuple[str, str, int]:
    """Decode disclosure bytes: ``(text with LF line ends, encoding, bad bytes replaced)``.

    Order: a BOM (UTF-8/16/32); NUL bytes in the pattern of UTF-32 or UTF-16 without a BOM (every
    code unit's high bytes zero for ASCII, in one byte order) and text that decodes strictly to
    printable characters → that encoding; other NUL bytes → binary; strict UTF-8; strict GB18030 when the result is
    plausibly Chinese (≥ 90 % GB2312 characters, ASCII or whitespace); UTF-8 with at most
    ``_MAX_TOLERATED_BAD_UTF8`` (and ≤ 1 %) bad bytes replaced by U+FFFD. Otherwise ``IrtoneError``.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return newlines(data[len(bom) :].decode(encoding.replace("-sig", ""))), encoding, 0
            except UnicodeDecodeError as err:
                raise IrtoneError(source, f"has a {encoding} byte-order mark but is not valid {encoding} ({err.reason})") from None
    if b"\x00" in data:
        wide = _wide_encoding(data)
        if wide is None:
            raise IrtoneError(source, "is a binary file (contains NUL bytes), not text")
        return newlines(data.decode(wide)), wide, 0
    try:
        return newlines(data.decode("utf-8")), "utf-8", 0
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and plausibly_chinese(text):
        return newlines(text), "gb18030", 0
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if bad <= _MAX_TOLERATED_BAD_UTF8 and bad * 100 <= len(text):
        return newlines(text), "utf-8", bad
    raise IrtoneError(source, "is not text in a supported encoding (UTF-8, UTF-16/32 with BOM, GB18030): binary?")


_SAMPLE = 1 << 16  # bytes of a file whose NUL pattern is looked at


def _wide_encoding(data: bytes) -> str | None:
    """utf-32-le/be or utf-16-le/be when ``data`` is such text without a byte-order mark, else None.

    Chinese text in UTF-16 has NUL bytes mostly as the high byte of ASCII characters (digits,
    spaces, line ends), so at least two in three sit at odd offsets (LE) or at even ones (BE); in
    UTF-32 two of almost every four bytes are NUL. The whole file must then decode strictly to printable text."""
    sample = data[:_SAMPLE]
    candidates = []
    if len(data) % 4 == 0:
        units = [sample[k : k + 4] for k in range(0, len(sample) - 3, 4)]
        if units and sum(unit[2:] == b"\x00\x00" for unit in units) >= 0.99 * len(units):
            candidates.append("utf-32-le")
        if units and sum(unit[:2] == b"\x00\x00" for unit in units) >= 0.99 * len(units):
            candidates.append("utf-32-be")
    if len(data) % 2 == 0:
        # a character U+xx00 (一 is U+4E00) puts a NUL on the other side: the majority decides
        nul_even = sample[0::2].count(0)
        nul_odd = sample[1::2].count(0)
        if nul_odd >= 2 * nul_even and nul_odd:
            candidates.append("utf-16-le")
        if nul_even >= 2 * nul_odd and nul_even:
            candidates.append("utf-16-be")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _printable(text):
            return encoding
    return None


def _printable(text: str) -> bool:
    """At least 98 % printable characters or whitespace, and not one NUL."""
    if not text or "\x00" in text:
        return False
    good = sum(1 for char in text if char.isprintable() or char in "\t\n\r\x0c")
    return good >= 0.98 * len(text)


def read_txt(source: str) -> RawDocument:
    text, encoding, bad = decode_text(read_bytes(source), source)
    if not text.strip():
        raise IrtoneError(source, "is empty (only whitespace)")
    meta = {"decode_errors": bad} if bad else {}
    return RawDocument(source=source, text=text, format="txt", encoding=encoding, meta=meta)


def newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def plausibly_chinese(text: str) -> bool:
    """GB18030 decodes much non-Chinese binary; accept only text of mostly common characters."""
    if not text:
        return False
    from collections import Counter

    plausible = 0
    for char, count in Counter(text).items():
        if char.isascii() and (char.isprintable() or char.isspace()):
            plausible += count
        elif not char.isascii():
            try:
                char.encode("gb2312")  # common hanzi, CJK and full-width punctuation
                plausible += count
            except UnicodeEncodeError:
                pass
    return plausible >= 0.9 * len(text)

