"""Lines → paragraphs, each with the role of its leading marker (question, answer, speaker) and its
numbering.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.lang import read_json
from nlp.parse.patterns import (
    _BARE_NUMBER,
    _BARE_QUESTION,
    _BRACKET_LABEL,
    _BULLET,
    _CJK,
    _CLOSERS,
    _COLON_LABEL,
    _COMMA_MARKER,
    _DASH_ANSWER,
    _ITEM_COUNT,
    _LABEL_DIGITS,
    _NARROW,
    _NUMBERING,
    _PAREN_CONTENT,
    _PERSON_SUFFIX,
    _SPACE_NUMBER,
    _TERMINAL,
    _compact,
)
from nlp.parse.vocabulary import _Vocabulary, _vocabulary


@dataclass
class _Para:
    lines: list[str]
    role: str | None  # "Q", "A", or "S" (an unclassified speaker label), None
    label: str  # the speaker label (for "S" and "A"), compact
    body_start: int  # chars of lines[0] taken by numbering and marker
    style: str | None  # numbering style
    value: int | None  # numbering value
    canonical_answer: bool = False  # 答/A/回答/回复: stripped even when merged into an answer

    @property
    def first(self) -> str:
        return self.lines[0]

    def body(self) -> str:
        return "\n".join([self.lines[0][self.body_start :]] + self.lines[1:])

    def full(self) -> str:
        return "\n".join(self.lines)

    def numbering_stripped(self) -> str:
        line = self.lines[0]
        if self.style == "space":
            match = _SPACE_NUMBER.match(line) or _BARE_NUMBER.match(line)
        else:
            match = _NUMBERING.match(line)
        first = line[match.end() :] if match else line
        return "\n".join([first] + self.lines[1:])

    def ends_question(self) -> bool:
        tail = self.lines[-1].rstrip(_CLOSERS + " ")
        return tail.endswith(("？", "?"))

    def has_question_mark(self) -> bool:
        return any("？" in line or "?" in line for line in self.lines)


_QUESTION_GOES_ON = tuple(read_json("parse_markers.json")["question_continuations"])


def _is_topic_line(para: _Para, next_line: str, vocab: _Vocabulary) -> bool:
    """2. 浙江疏浚的应收款数额较大，请说明一下情况 — a numbered topic ending in 情况/问题/…: the
    next line starts its answer even when the topic fills the line (unless it ends the question:
    …的经营情况 / 如何？)."""
    if para.style is None or len(para.lines) > 1:
        return False
    text = _compact(para.numbering_stripped())
    tail = _compact(next_line)
    if "？" in text or "?" in text or tail.startswith(_QUESTION_GOES_ON) or (len(tail) <= 20 and tail.endswith(("？", "?"))):
        return False  # 三、LED产品的成本构成如何？原材料上涨对公司的影响 / 如何？…
    return len(text) <= 40 and text.endswith(vocab.topic_endings)


def _width(line: str) -> int:
    """Display width: CJK and full-width characters count two columns."""
    return len(line) + len(_NARROW.sub("", line))


def _ends_terminal(line: str) -> bool:
    tail = line.rstrip(_CLOSERS + " ")
    return bool(tail) and tail[-1] in _TERMINAL


def _number_of(text: str) -> tuple[str | None, int | None, int]:
    match = _NUMBERING.match(text)
    if not match:
        return None, None, 0
    if match["pa"]:
        return "paren", int(match["pa"]), match.end()
    if match["pc"]:
        return "paren-cn", _cn_value(match["pc"]), match.end()
    if match["ar"]:
        sep = match["asep"]
        style = "dot" if sep[0] in ".．" else ("paren-close" if sep in ")）" else ("colon" if sep in "：:" else "comma"))
        return style, int(match["ar"]), match.end()
    if match["cn"]:
        return "cn", _cn_value(match["cn"]), match.end()
    if match["ord"]:
        value = match["ord"]
        return "ord", int(value) if value.isdigit() else _cn_value(value), match.end()
    if match["la"]:
        return "letter", ord(match["la"].lower()) - ord("a") + 1, match.end()
    if match["part"]:
        return "part", {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}.get(match["part"], 0), match.end()
    if match["sub"]:
        return "sub", int(re.split("[.．]", match["sub"])[1]), match.end()
    return "circled", ord(match["ci"]) - ord("①") + 1, match.end()


_ARABIC_STYLES = frozenset({"comma", "dot", "paren-close", "paren", "colon", "space"})


def _cn_value(text: str) -> int:
    digits = {c: i + 1 for i, c in enumerate("一二三四五六七八九")}
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(text, 0)


def _role_of(text: str) -> tuple[str | None, str, int, bool]:
    """(role, label, chars taken, canonical answer) of a line's leading speaker marker."""
    vocab = _vocabulary()
    start = 0
    bullet = _BULLET.match(text)
    if bullet and not _BRACKET_LABEL.match(text):
        start = bullet.end()
    rest = text[start:]
    dash = _DASH_ANSWER.match(text)
    if dash:
        return "S", "——", dash.end(), False  # ——answer: an answer if it follows questions
    match = _BRACKET_LABEL.match(rest)
    if match is None:
        match = _COLON_LABEL.match(rest) or _COMMA_MARKER.match(rest)
        if match is None:
            match = _BARE_QUESTION.match(rest)
            if match is None:
                return None, "", 0, False
            return "Q", _compact(match["label"] or match["glued"]), start + match.end(), False
    label = _compact(match["label"])
    role, canonical = _classify_label(label, vocab)
    if role is None:
        return None, label, 0, False
    taken = start + match.end()
    if role == "Q" and (number := _NUMBERING.match(text[taken:])) and number["ar"]:
        taken += number.end()  # 提问：6.公司还有哪些…？ — the question's number after its marker
    return role, label, taken, canonical


def _is_running_text(core: str, vocab: _Vocabulary) -> bool:
    """The text before a colon is a sentence, not a speaker: it opens with a personal pronoun
    (我问两个问题： / 我想问： / 我们认为：, but not 我司： / 我公司：) or counts the items it
    announces (有两个问题： / 三个关键词：, but not 第二个问题：)."""
    if core.startswith(vocab.running_text_openers) and not core.startswith(tuple(vocab.pronoun_speakers)):
        return True
    return bool(_ITEM_COUNT.search(core))


def _classify_label(label: str, vocab: _Vocabulary) -> tuple[str | None, bool]:
    """Q for a questioner's label, A for an answerer's, S for a possible speaker name."""
    if not label or label in vocab.not_speakers:
        return None, False
    core = _LABEL_DIGITS.sub("", _PAREN_CONTENT.sub("", label)) or label
    if core in vocab.not_speakers or "问答" in core or "顾问" in core:
        return None, False
    if _is_running_text(core, vocab):
        return None, False  # 我问两个问题： / 我想问： / 三个关键词： — a colon inside a sentence
    if len(core) > 3 and any(word in core for word in vocab.section_words):
        return None, False  # 提问和解答主要内容： / 投资者提问环节： title a section
    if core in ("A", "Ａ", "a", "Answer", "答", "回答", "回复", "答复", "解答"):
        return "A", True
    if core.endswith(("答", "回答", "回复", "答复", "发言", "解答")):
        return "A", core in ("答", "回答", "回复", "答复", "解答")
    if core in ("Q", "Ｑ", "q", "Question"):
        return "Q", False
    if "问" in core and len(core) <= 6 and (
        core.endswith(("问", "提问", "询问", "问题")) or core.startswith(("问", "提问"))
    ):
        return "Q", False  # 问 / 问题一 / 提问者5 / 投资者询问 / 来宾问, not 请问公司…：
    if core in vocab.question_speakers or any(
        core.endswith(s) or (core.startswith(s) and _PERSON_SUFFIX.fullmatch(core[len(s) :]))
        for s in vocab.question_speakers
        if len(s) >= 2
    ):
        if len(core) <= 8:
            return "Q", False  # 投资者 / 机构投资者 / 机构人员 / 调研员
    for title in vocab.answer_speakers:
        if len(title) < 2:
            continue
        if core == title:
            return "A", False
        if title == "公司":
            continue  # 公司定位： / 公司简介： title topics, not the company speaking
        if (core.startswith(title) and len(core) - len(title) <= 4) or (
            core.endswith(title) and len(core) - len(title) <= 3
        ):
            return "A", False
    if re.fullmatch(rf"[{_CJK}]{{2,8}}|[{_CJK}]{{1,4}}(?:先生|女士|总|董|经理)", core):
        return "S", False
    return None, False


def _paragraphs(lines: list[str]) -> list[_Para]:
    """Join lines that PDF extraction wrapped; every marker or numbered line starts a paragraph."""
    if not lines:
        return []
    vocab = _vocabulary()
    widths = sorted(_width(line) for line in lines)
    wrap_width = widths[min(len(widths) - 1, int(len(widths) * 0.9))] if len(widths) >= 4 else 10**6
    paras: list[_Para] = []
    last_arabic = 0  # value of the latest 1、/1./（1） number: what a bare "2 " would continue
    for line in lines:
        style, value, num_end = _number_of(line)
        if style == "sub" and "？" not in line and "?" not in line:
            style, value, num_end = None, None, 0  # 2.5 亿元 wrapped onto a line, not a question 2.5
        if style is None and (not paras or _ends_terminal(paras[-1].lines[-1])):
            spaced = _SPACE_NUMBER.match(line)
            asks = "？" in line or "?" in line
            if spaced and (asks or int(spaced["n"]) == last_arabic + 1 > 1):
                style, value, num_end = "space", int(spaced["n"]), spaced.end()
            elif asks and (bare := _BARE_NUMBER.match(line)) and int(bare["n"]) == last_arabic + 1 > 1:
                style, value, num_end = "space", int(bare["n"]), bare.end()  # 4、…？ then 5关于…？
        if style in _ARABIC_STYLES:
            last_arabic = value or 0
        if style is not None:  # 3、问：… / （6）投资者：… : a marker after the numbering
            role, label, taken, canonical = _role_of(line[num_end:])
            taken += num_end if role else 0
        else:
            role, label, taken, canonical = _role_of(line)
        starts_new = (
            not paras
            or role is not None
            or style is not None
            or _BULLET.match(line) is not None
            or _ends_terminal(paras[-1].lines[-1])
            or _width(paras[-1].lines[-1]) < 0.8 * wrap_width
            or _is_topic_line(paras[-1], line, vocab)
        )
        if starts_new:
            paras.append(_Para([line], role, label, taken if role else 0, style, value, canonical))
        else:
            paras[-1].lines.append(line)
    return paras
