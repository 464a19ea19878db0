"""The answer measures' language data (``nlp/lang/zh_ir/measures.json``), compiled once per process."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
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


# Bound of the plain texts a piece of a pattern is expanded into (差异|区别 × 较大|很大: 4).
MAX_TEXTS = 64


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


@lru_cache(maxsize=4096)
def required_texts(pattern: re.Pattern) -> tuple[tuple[str, ...], ...]:
    """Sets of plain texts every match of ``pattern`` contains one of, each set: a match of
    ``(?:不|暂不)(?:便|方便)透露`` holds one of 不/暂不, one of 便/方便, and 透露 (shortened to what a
    text must hold: 不 for 不|暂不). Empty when the pattern has no such text (``{C}+``).

    Read from the pattern's parse tree; only parts every match passes through count (no optional
    repeats, no look-arounds: they look at text outside the match), so a text that lacks one of the
    sets cannot hold a match. Patterns with inline flags (case folding) give no sets.
    """
    if pattern.flags & re.IGNORECASE:
        return ()
    try:
        from re import _constants as sre  # Python >= 3.11
        from re import _parser as parser
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants as sre
        import sre_parse as parser
    try:
        items = list(parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # an internal module changed: no sets, every text is scanned
        return ()

    def chars(av) -> set[str] | None:
        out: set[str] = set()
        for op, value in av:
            if op is sre.LITERAL:
                out.add(chr(value))
            elif op is sre.RANGE and value[1] - value[0] < MAX_TEXTS:
                out.update(map(chr, range(value[0], value[1] + 1)))
            else:  # a negated set, a category (\\w, \\d), a wide range
                return None
        return out if len(out) <= MAX_TEXTS else None

    def sequence(seq) -> tuple[set[str] | None, list[set[str]]]:
        """(every text the sequence matches, if few and plain; the sets every match holds one of)."""
        exact: set[str] | None = {""}
        required: list[set[str]] = []
        for op, av in seq:
            texts, sets = item(op, av)
            required += sets
            if exact is not None and texts is not None and len(exact) * len(texts) <= MAX_TEXTS:
                exact = {a + b for a in exact for b in texts}
            else:
                exact = None
        return exact, required

    def item(op, av) -> tuple[set[str] | None, list[set[str]]]:
        if op is sre.LITERAL:
            return {chr(av)}, [{chr(av)}]
        if op is sre.IN:
            found = chars(av)
            return found, [found] if found else []
        if op is sre.SUBPATTERN:
            if av[1] or av[2]:  # inline flags
                return None, []
            return sequence(av[3])
        if op is sre.BRANCH:
            branches = [sequence(b) for b in av[1]]
            texts = None
            if all(t is not None for t, _ in branches):
                texts = set().union(*(t for t, _ in branches))
                texts = texts if len(texts) <= MAX_TEXTS else None
            union: set[str] = set()
            for t, sets in branches:
                options = ([t] if t and "" not in t else []) + sets
                if not options:
                    return texts, []
                union |= min(options, key=len)
            return texts, [union]
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, sub = av
            texts, sets = sequence(sub)
            if low == 0:
                return ({""} | texts if high == 1 and texts is not None else None), []
            return (texts if low == high == 1 else None), sets
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            return {""}, []
        return None, []

    _, found = sequence(items)
    out = []
    for texts in found:
        # a text holding 暂不 holds 不: of texts containing one another, the shortest is the test
        kept = tuple(sorted(t for t in texts if not any(u != t and u in t for u in texts)))
        if kept and "" not in kept and kept not in out:
            out.append(kept)
    return tuple(out)


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
