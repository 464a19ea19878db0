"""The question-answer pair the pairing strategies build, and the helpers they share."""
from __future__ import annotations

from dataclasses import dataclass

from nlp.parse.assemble import _question_text
from nlp.parse.paragraphs import _Para
from nlp.parse.patterns import _CLOSERS


@dataclass
class _Pair:
    question: list[_Para]
    answer: list[_Para]
    kind: str = "qa"  # "qa"; "item": a numbered agenda line with no answer, "heading": a section's title (presentation)
    unmarked: bool = False  # found without any Q/A marker: an empty answer makes it an item


def _split_at_question_mark(text: str) -> tuple[str, str]:
    """"question？answer" → (question, answer) at the last ？ that has text after it."""
    stripped = text.rstrip()
    if stripped.endswith(("？", "?")) or ("？" not in stripped and "?" not in stripped):
        return text, ""
    cut = max(stripped.rfind("？"), stripped.rfind("?")) + 1
    while cut < len(stripped) and stripped[cut] in _CLOSERS:
        cut += 1
    return stripped[:cut], stripped[cut:].strip()


def _merge_shared_answers(pairs: list[_Pair], after_answer: bool = False) -> list[_Pair]:
    """六、…  七、…  八、… then one answer: unanswered items between answered questions were
    asked together with the next one, so they join its question. Items before the first answered
    question (一、签署承诺书) or after the last stay agenda lines, and so does a point listed with a
    semicolon (4、介绍车载夜视产品的用途；) before a question that asks."""
    merged: list[_Pair] = []
    waiting: list[_Pair] = []
    seen_answer = after_answer
    for pair in pairs:
        if pair.kind == "item" and seen_answer:
            listed = _question_text(pair.question).endswith(("；", ";"))
            if listed and not any(p.has_question_mark() for p in pair.question):
                merged.extend(waiting + [pair])  # 4、介绍车载夜视产品的用途； — a programme point, not asked
                waiting = []
                continue
            waiting.append(pair)
            continue
        if pair.kind == "qa" and waiting:
            pair = _Pair([p for w in waiting for p in w.question] + pair.question, pair.answer, "qa", unmarked=True)
            waiting = []
        seen_answer = seen_answer or pair.kind == "qa"
        merged.append(pair)
    return merged + waiting
