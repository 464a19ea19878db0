"""The answer measures' language data (``nlp/lang/zh_ir/measures.json``), compiled once per process."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from nlp.lang import display_path, read_json
from nlp.records import IrtoneError

MEASURES_FILE = "measures.json"
MACROS = {
    "{G}": "[^。！？；!?;\\n]",  # a character of the same sentence
    "{C}": "[^，,：:。！？；!?;\\n]",  # a character of the same clause (a list's 、 does not end one)
    "{NUM}": "[0-9０-９]+",
}


class MeasureDataError(IrtoneError):
    """The measures file is malformed (names the file and the entry)."""


def expand(pattern: str) -> str:
    for name, value in MACROS.items():
        pattern = pattern.replace(name, value)
    return pattern


def _compile(pattern: Any, where: str) -> re.Pattern:
    if not isinstance(pattern, str) or not pattern:
        raise MeasureDataError(where, f"a pattern must be a non-empty string, not {pattern!r}")
    try:
        return re.compile(expand(pattern), re.MULTILINE)
    except re.error as exc:
        raise MeasureDataError(where, f"bad regular expression {pattern!r}: {exc}") from None


def _patterns(values: Any, where: str) -> tuple[re.Pattern, ...]:
    if not isinstance(values, list):
        raise MeasureDataError(where, "expected a list of patterns")
    return tuple(_compile(p, f"{where}[{i}]") for i, p in enumerate(values))


@dataclass(frozen=True)
class NonAnswerCategory:
    name: str
    weight: float
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class MeasurePatterns:
    courtesy: tuple[re.Pattern, ...]
    non_answer: tuple[NonAnswerCategory, ...]  # ascending weight
    courtesy_only: float
    evasive_threshold: float
    min_content_chars: int
    short_clause_chars: int
    topic_clause: tuple[re.Pattern, ...]  # a clause that starts with one leads into its sentence
    answer_clause: tuple[re.Pattern, ...]  # a whole clause that is a plain yes or no: never a lead-in
    forward_markers: tuple[re.Pattern, ...]
    not_forward: tuple[re.Pattern, ...]
    specific: tuple[re.Pattern, ...]
    specific_words: frozenset[str]  # named places and organizations, matched as whole tokens

    @classmethod
    def from_dict(cls, data: dict, source: str) -> MeasurePatterns:
        try:
            categories = []
            for name, entry in data["non_answer"].items():
                weight = float(entry["weight"])
                if not 0.0 < weight <= 1.0:
                    raise MeasureDataError(source, f"non_answer.{name}.weight must be in (0, 1], not {weight}")
                categories.append(NonAnswerCategory(name, weight, _patterns(entry["patterns"], f"{source}: non_answer.{name}")))
            rules = data["non_answer_rules"]
            specific = data["specific"]
            words = [w for key in ("places", "organizations") for w in specific[key]]
            if not all(isinstance(w, str) and w for w in words):
                raise MeasureDataError(source, "specific.places/organizations must be lists of words")
            return cls(
                courtesy=_patterns(data["courtesy"], f"{source}: courtesy"),
                non_answer=tuple(sorted(categories, key=lambda c: c.weight)),
                courtesy_only=float(rules["courtesy_only"]),
                evasive_threshold=float(rules["evasive_threshold"]),
                min_content_chars=int(rules["min_content_chars"]),
                short_clause_chars=int(rules["short_clause_chars"]),
                topic_clause=_patterns(rules["topic_clause"], f"{source}: non_answer_rules.topic_clause"),
                answer_clause=_patterns(rules["answer_clause"], f"{source}: non_answer_rules.answer_clause"),
                forward_markers=_patterns(data["forward"]["markers"], f"{source}: forward.markers"),
                not_forward=_patterns(data["forward"]["not_forward"], f"{source}: forward.not_forward"),
                specific=_patterns(specific["patterns"], f"{source}: specific.patterns"),
                specific_words=frozenset(words),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise MeasureDataError(source, f"missing or malformed entry ({exc!r})") from None


@cache
def _shipped() -> MeasurePatterns:
    return MeasurePatterns.from_dict(read_json(MEASURES_FILE), display_path(MEASURES_FILE))


def load_patterns(path: str | Path | None = None) -> MeasurePatterns:
    """The shipped patterns (compiled once per process), or a user's copy of the file."""
    if path is None:
        return _shipped()
    import json

    return MeasurePatterns.from_dict(json.loads(Path(path).read_text(encoding="utf-8")), str(path))
