"""The parser's marker words, read once from ``nlp/lang/zh_ir/parse_markers.json``."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from nlp.lang import read_json
from nlp.parse.patterns import _compact


@dataclass(frozen=True)
class _Vocabulary:
    header_fields: tuple[tuple[str, str], ...]  # (compact label, field), longest label first
    label_initials: frozenset[str]  # first characters of the labels: a fast "no label here"
    activity_types: tuple[str, ...]
    answers_activity: str  # the activity of an answers table without a category (results briefings)
    other_placeholder: tuple[str, ...]
    checked: frozenset[str]
    unchecked: frozenset[str]
    private_use: Mapping[str, str]  # a Symbol-font box (U+F052) → the glyph it draws (☑)
    ranking_notes: tuple[str, ...]
    question_speakers: frozenset[str]
    answer_speakers: tuple[str, ...]
    not_speakers: frozenset[str]
    running_text_openers: tuple[str, ...]
    pronoun_speakers: frozenset[str]
    section_words: tuple[str, ...]
    closing_prefixes: tuple[str, ...]
    closing_phrases: tuple[str, ...]
    closing_visit_openers: tuple[str, ...]
    closing_visit_words: tuple[str, ...]
    closing_visitors: tuple[str, ...]
    closing_escorts: tuple[str, ...]
    presenters: tuple[str, ...]
    closing_thanks: tuple[str, ...]
    closing_marks: frozenset[str]
    intro_suffixes: tuple[str, ...]
    ir_keywords: tuple[str, ...]
    question_cues: tuple[str, ...]
    topic_endings: tuple[str, ...]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = read_json("parse_markers.json")
    fields = [(_compact(label), field) for field, labels in data["header_fields"].items() for label in labels]
    fields.sort(key=lambda item: -len(item[0]))
    return _Vocabulary(
        header_fields=tuple(fields),
        label_initials=frozenset(label[0] for label, _ in fields),
        activity_types=tuple(sorted(data["activity_types"], key=len, reverse=True)),
        answers_activity=data["answers_activity"],
        other_placeholder=tuple(data["other_placeholder"]),
        checked=frozenset(data["checked_glyphs"]),
        unchecked=frozenset(data["unchecked_glyphs"]),
        private_use=MappingProxyType(
            {chr(int(code, 16)): glyph for code, glyph in data["private_use_glyphs"].items() if not code.startswith("_")}
        ),
        ranking_notes=tuple(sorted(data["ranking_notes"], key=len, reverse=True)),
        question_speakers=frozenset(data["question_speakers"]),
        answer_speakers=tuple(data["answer_speakers"]),
        not_speakers=frozenset(data["not_speakers"]),
        running_text_openers=tuple(data["running_text_openers"]),
        pronoun_speakers=frozenset(data["pronoun_speakers"]),
        section_words=tuple(data["section_words"]),
        closing_prefixes=tuple(data["closing_prefixes"]),
        closing_phrases=tuple(data["closing_phrases"]),
        closing_visit_openers=tuple(data["closing_visit_openers"]),
        closing_visit_words=tuple(data["closing_visit_words"]),
        closing_visitors=tuple(data["closing_visitors"]),
        closing_escorts=tuple(data["closing_escorts"]),
        presenters=tuple(data["presenters"]),
        closing_thanks=tuple(data["closing_thanks"]),
        closing_marks=frozenset(data["closing_marks"]),
        intro_suffixes=tuple(data["intro_suffixes"]),
        ir_keywords=tuple(data["ir_keywords"]),
        question_cues=tuple(data["question_cues"]),
        topic_endings=tuple(data["topic_endings"]),
    )
