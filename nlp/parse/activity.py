"""Activity types (活动类别): which check boxes of the form are ticked.

A box is a glyph: checked (☑ ☒ ■ ▣ √ …), unchecked (□ ☐ ◻ …) or a Symbol-font private-use code
point (U+F052, U+F0A3 …) read as the glyph it draws (``private_use_glyphs`` of
``nlp/lang/zh_ir/parse_markers.json``). Each box is bound to the type label next to it on its
line, before or after it: the nearer one (fewer spaces between), else the side most boxes of the
value are on; a label keeps the nearest of the boxes bound to it. A type is checked when its box
is; a type with no box of its own, in a value that has boxes, is checked too (PDF extraction often
drops the ticked glyph and keeps the empty ones). A private-use glyph the tables do not know is
read from the others: checked among known empty boxes, empty among known ticked ones; when all
boxes are unknown glyphs, the most frequent is the empty box. With no box glyph at all, a type is
checked unless □ stands before it, and a value listing five or more types is the bare template.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.parse.patterns import _PRIVATE_USE, _compact
from nlp.parse.vocabulary import _Vocabulary

_PUNCTUATION = "（）()：:，,、;； "


@dataclass
class _Token:
    kind: str  # "label" or "box"
    start: int  # offsets in the compacted line
    end: int
    name: str = ""  # the type (label)
    state: str = ""  # "checked", "unchecked" or the unknown glyph itself (box)


def _parse_activity(value_lines: list[str] | None, vocab: _Vocabulary) -> tuple[str, ...]:
    """The checked activity types of the 活动类别 value, in the order the form lists them."""
    if not value_lines:
        return ()
    joined = _drop_placeholders("\n".join(value_lines), vocab)
    if not any(_box_state(ch, vocab) for ch in joined):
        return _unboxed_activity(_compact(joined), vocab)
    lines = [_tokens(line, vocab) for line in joined.split("\n")]
    boxes_after = sum(_orientation_votes(line) for line in lines) > 0
    labels = [(label, box, line) for line in lines for label, box in _bind(line, prefer_after=boxes_after)]
    if not labels:
        return ()
    resolve = _unknown_resolver([box for _, box, _ in labels if box is not None], any(box is None for _, box, _ in labels))
    chosen: list[str] = []
    for label, box, line in labels:
        state = "checked" if box is None else resolve(box.state)
        if state != "checked":
            continue
        name = label.name
        if name == "其他":
            name = _other_with_note(label, line)
        if name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def _drop_placeholders(text: str, vocab: _Vocabulary) -> str:
    """（请文字说明其他活动内容） holds 其他: remove it, also when a PDF wrapped it over two lines."""
    for placeholder in vocab.other_placeholder:
        text = re.sub(r"\s*".join(map(re.escape, placeholder)), "", text)
    return text


def _box_state(char: str, vocab: _Vocabulary) -> str:
    """"checked", "unchecked", the glyph itself for an unknown private-use glyph, or "" (no box)."""
    drawn = vocab.private_use.get(char, char)
    if drawn in vocab.checked:
        return "checked"
    if drawn in vocab.unchecked:
        return "unchecked"
    return char if _PRIVATE_USE.match(char) else ""


def _type_hits(text: str, vocab: _Vocabulary) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, type) in ``text``, longest type first, in text order."""
    hits: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    for name in vocab.activity_types:
        start = 0
        while True:
            pos = text.find(name, start)
            if pos < 0:
                break
            if not any(taken[pos : pos + len(name)]):
                hits.append((pos, pos + len(name), name))
                for k in range(pos, pos + len(name)):
                    taken[k] = True
            start = pos + 1
    return sorted(hits)


def _unboxed_activity(text: str, vocab: _Vocabulary) -> tuple[str, ...]:
    """No box glyph at all: a type is checked unless □ stands before it; five types or more listed
    with nothing to tell them apart are the bare template."""
    hits = _type_hits(text, vocab)
    if not hits or len(hits) >= 5:
        return ()
    chosen: list[str] = []
    for k, (pos, end, name) in enumerate(hits):
        if name == "其他":
            stop = hits[k + 1][0] if k + 1 < len(hits) else len(text)
            note = text[end:stop].strip(_PUNCTUATION)
            name = f"其他（{note}）" if note else "其他"
        if name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def _tokens(line: str, vocab: _Vocabulary) -> tuple[list[tuple[_Token, int]], str]:
    """The labels and boxes of one line, each with the number of spaces before it, and the
    compacted line their offsets refer to."""
    compact_chars: list[str] = []
    gaps: list[int] = []  # spaces before each compact character
    spaces = 0
    for char in line:
        if char.isspace():
            spaces += 1
            continue
        compact_chars.append(char)
        gaps.append(spaces)
        spaces = 0
    compact = "".join(compact_chars)
    tokens: list[tuple[_Token, int]] = []
    for pos, end, name in _type_hits(compact, vocab):
        tokens.append((_Token("label", pos, end, name=name), gaps[pos]))
    for pos, char in enumerate(compact):
        state = _box_state(char, vocab)
        if state:
            tokens.append((_Token("box", pos, pos + 1, state=state), gaps[pos]))
    tokens.sort(key=lambda item: item[0].start)
    return tokens, compact


def _neighbours(tokens: list[tuple[_Token, int]], k: int) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(index, spaces between) of the labels just before and just after box ``k``, if adjacent."""
    box = tokens[k][0]
    before = after = None
    if k > 0 and tokens[k - 1][0].kind == "label" and tokens[k - 1][0].end <= box.start:
        gap = tokens[k][1] + box.start - tokens[k - 1][0].end
        before = (k - 1, gap)
    if k + 1 < len(tokens) and tokens[k + 1][0].kind == "label":
        gap = tokens[k + 1][1] + tokens[k + 1][0].start - box.end
        after = (k + 1, gap)
    return before, after


def _orientation_votes(line: tuple[list[tuple[_Token, int]], str]) -> int:
    """+1 for each box nearer the label before it (boxes after their labels), -1 for each nearer
    the label after it: which side a box with equal gaps on both sides goes with."""
    tokens, _ = line
    votes = 0
    for k, (token, _) in enumerate(tokens):
        if token.kind != "box":
            continue
        before, after = _neighbours(tokens, k)
        if before and (not after or before[1] < after[1]):
            votes += 1
        elif after and (not before or after[1] < before[1]):
            votes -= 1
    return votes


def _bind(line: tuple[list[tuple[_Token, int]], str], prefer_after: bool) -> list[tuple[_Token, _Token | None]]:
    """Each label of the line with the box bound to it (None: no box of its own)."""
    tokens, _ = line
    bound: dict[int, tuple[int, int]] = {}  # label index -> (spaces, box index)
    for k, (token, _) in enumerate(tokens):
        if token.kind != "box":
            continue
        before, after = _neighbours(tokens, k)
        options = [side for side in (before, after) if side is not None]
        if not options:
            continue
        if len(options) == 2 and before[1] == after[1]:  # type: ignore[index]
            options = [before if prefer_after else after]  # type: ignore[list-item]
        index, gap = min(options, key=lambda side: side[1])
        if index not in bound or gap < bound[index][0]:
            bound[index] = (gap, k)
    return [
        (token, tokens[bound[k][1]][0] if k in bound else None)
        for k, (token, _) in enumerate(tokens)
        if token.kind == "label"
    ]


def _unknown_resolver(boxes: list[_Token], has_boxless: bool):
    """How to read the state of each bound box, unknown private-use glyphs included."""
    known = {box.state for box in boxes} & {"checked", "unchecked"}
    unknown = [box.state for box in boxes if box.state not in ("checked", "unchecked")]
    meaning: dict[str, str] = {}
    if unknown:
        glyphs = sorted(set(unknown), key=lambda g: (-unknown.count(g), g))
        if "unchecked" in known:
            meaning = {g: "checked" for g in glyphs}
        elif "checked" in known or has_boxless:
            meaning = {g: "unchecked" for g in glyphs}
        elif len(glyphs) >= 2:
            meaning = {g: ("unchecked" if g == glyphs[0] else "checked") for g in glyphs}
        else:
            meaning = {glyphs[0]: "unknown"}  # one glyph for every box: nothing tells which are ticked

    def state(value: str) -> str:
        return meaning.get(value, value)

    return state


def _other_with_note(label: _Token, line: tuple[list[tuple[_Token, int]], str]) -> str:
    """其他（电话会议）: the text after 其他 up to the next label or box of its line."""
    tokens, compact = line
    stop = min((t.start for t, _ in tokens if t.start >= label.end), default=len(compact))
    note = compact[label.end : stop].strip(_PUNCTUATION)
    return f"其他（{note}）" if note else "其他"
