"""The answer measures' language data (``nlp/lang/zh_ir/measures.json``), compiled once per process,
and what each compiled pattern's parse tree says about where its matches can be: the texts every match
holds (``required_texts``) and what it needs where it starts (``start_rule``), gathered as arrays for a
group of patterns (``scan_plan``). ``nlp.features.layout`` tries a pattern only there."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

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


@dataclass(frozen=True)
class Required:
    """Plain texts of which every match of a pattern contains one, and ``before``: at most how many
    characters of the match come before that text (``math.inf``: no bound)."""

    texts: tuple[str, ...]
    before: float


@lru_cache(maxsize=4096)
def required_texts(pattern: re.Pattern) -> tuple[Required, ...]:
    """What every match of ``pattern`` must hold: a match of ``(?:不|暂不)(?:便|方便)透露`` holds one of
    不/暂不 (after 0 characters), one of 便/方便 (after at most 2) and 透露 (after at most 4); each set is
    shortened to what a text must hold (不 for 不|暂不). Empty when nothing is required (``{C}+``).

    Read from the pattern's parse tree; only parts every match passes through count (no optional
    repeats, no look-arounds: they look at text outside the match), so a text that lacks one of the
    sets cannot hold a match. Patterns with case folding or inline flags give nothing.
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
    except Exception:  # an internal module changed: nothing required, every text is scanned
        return ()

    def chars(av) -> set[str] | None:
        out: set[str] = set()
        for op, value in av:
            if op is sre.LITERAL:
                out.add(chr(value))
            elif op is sre.RANGE and value[1] - value[0] < MAX_TEXTS:
                out.update(map(chr, range(value[0], value[1] + 1)))
            else:  # a negated set, a category (\w, \d), a wide range
                return None
        return out if len(out) <= MAX_TEXTS else None

    # Each piece gives (every text it matches, if few and plain; its widest match; the required sets
    # as (texts, characters before them at most, from the piece's start)).
    def sequence(seq):
        exact: set[str] | None = {""}
        width = 0.0
        required: list[tuple[set[str], float]] = []
        for op, av in seq:
            texts, item_width, sets = item(op, av)
            required += [(t, width + before) for t, before in sets]
            width += item_width
            if exact is not None and texts is not None and len(exact) * len(texts) <= MAX_TEXTS:
                exact = {a + b for a in exact for b in texts}
            else:
                exact = None
        return exact, width, required

    def item(op, av):
        if op is sre.LITERAL:
            return {chr(av)}, 1.0, [({chr(av)}, 0.0)]
        if op is sre.IN:
            found = chars(av)
            return found, 1.0, [(found, 0.0)] if found else []
        if op in (sre.ANY, sre.NOT_LITERAL, sre.CATEGORY):
            return None, 1.0, []
        if op is sre.SUBPATTERN:
            if av[1] or av[2]:  # inline flags
                return None, math.inf, []
            return sequence(av[3])
        if op is sre.BRANCH:
            branches = [sequence(b) for b in av[1]]
            width = max(w for _, w, _ in branches)
            texts = None
            if all(t is not None for t, _, _ in branches):
                texts = set().union(*(t for t, _, _ in branches))
                texts = texts if len(texts) <= MAX_TEXTS else None
            union: set[str] = set()
            before = 0.0
            for t, _, sets in branches:
                options = ([(t, 0.0)] if t and "" not in t else []) + sets
                if not options:
                    return texts, width, []
                chosen, at = min(options, key=lambda o: (len(o[0]), o[1]))
                union |= chosen
                before = max(before, at)
            return texts, width, [(union, before)]
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, sub = av
            texts, sub_width, sets = sequence(sub)
            width = math.inf if high is sre.MAXREPEAT else high * sub_width
            if low == 0:
                return ({""} | texts if high == 1 and texts is not None else None), width, []
            # the first repetition holds every required set, at its offset
            return (texts if low == high == 1 else None), width, sets
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            return {""}, 0.0, []
        return None, math.inf, []

    _, _, found = sequence(items)
    out: list[Required] = []
    for texts, before in found:
        # a text holding 暂不 holds 不: of texts containing one another, the shortest is the test
        kept = tuple(sorted(t for t in texts if not any(u != t and u in t for u in texts)))
        # 不 for 不|暂不 starts later in the match than 暂不 did: by at most the longest text's length
        before = before + max(map(len, texts)) - min(map(len, kept)) if kept and kept != tuple(sorted(texts)) else before
        if kept and "" not in kept and all(r.texts != kept for r in out):
            out.append(Required(kept, before))
    return tuple(out)


TEXT_START = ""  # in ``StartRule.after``/``not_after``: the start of the text (no character before)


@dataclass(frozen=True)
class StartRule:
    """What a non-empty match of a pattern needs where it starts: its first character in ``first``
    (None: any) and not in ``not_first``; the character before it in ``after`` (None: any) and not in
    ``not_after`` (``TEXT_START`` for the start of the text). Read from the pattern's leading parts:
    ``(?:^|(?<=[，,]))`` gives ``after`` = {start, newline, ，, ,}; ``(?<![0-9])`` gives ``not_after``."""

    first: frozenset[str] | None = None
    not_first: frozenset[str] = frozenset()
    after: frozenset[str] | None = None
    not_after: frozenset[str] = frozenset()


def _parse(pattern: re.Pattern):
    """The parse tree's items and the opcode module, or None (case folding; an internal change)."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        from re import _constants as sre
        from re import _parser as parser

        return list(parser.parse(pattern.pattern, pattern.flags)), sre
    except Exception:  # pragma: no cover - an internal module changed
        return None


@lru_cache(maxsize=4096)
def start_rule(pattern: re.Pattern) -> StartRule:
    """The ``StartRule`` of a pattern (an empty rule when nothing is known)."""
    parsed = _parse(pattern)
    if parsed is None:
        return StartRule()
    items, sre = parsed

    def char_set(av) -> tuple[set[str] | None, bool]:
        """The characters of a class, and whether it is negated (None: not a short list)."""
        out: set[str] = set()
        negated = False
        for o, v in av:
            if o is sre.NEGATE:
                negated = True
            elif o is sre.LITERAL:
                out.add(chr(v))
            elif o is sre.RANGE and v[1] - v[0] < MAX_TEXTS:
                out.update(map(chr, range(v[0], v[1] + 1)))
            elif not negated:  # a category or a wide range in a class
                return None, False
        return out, negated

    def one_char(sub) -> set[str] | None:
        """The characters of a look-behind of exactly one character from a short list."""
        sub = list(sub)
        if len(sub) != 1:
            return None
        op, av = sub[0]
        if op is sre.LITERAL:
            return {chr(av)}
        if op is sre.IN:
            found, negated = char_set(av)
            return None if negated else found
        return None

    line_start = {TEXT_START, "\n"} if pattern.flags & re.MULTILINE else {TEXT_START}

    def before_of(op, av) -> tuple[bool, set[str] | None, set[str]]:
        """For a zero-width item: (zero width, characters allowed before, characters not allowed)."""
        if op is sre.AT:
            return True, (set(line_start) if av is sre.AT_BEGINNING else {TEXT_START} if av is sre.AT_BEGINNING_STRING else None), set()
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, sub = av
            if direction != -1:  # a look-ahead: zero width, says nothing about the character before
                return True, None, set()
            found = one_char(sub)
            if found is None:
                return True, None, set()
            return (True, found, set()) if op is sre.ASSERT else (True, None, found)
        if op is sre.BRANCH:
            allowed: set[str] = set()
            for b in av[1]:
                b = list(b)
                if len(b) != 1:
                    return False, None, set()
                zero, ok, _ = before_of(*b[0])
                if not zero:
                    return False, None, set()
                if ok is None:
                    return True, None, set()
                allowed |= ok
            return True, allowed, set()
        return False, None, set()

    # the leading parts, groups opened (a group is its items in place)
    while items and items[0][0] is sre.SUBPATTERN and not items[0][1][1] and not items[0][1][2]:
        items = list(items[0][1][3]) + items[1:]
    after: set[str] | None = None
    not_after: set[str] = set()
    k = 0
    while k < len(items):
        zero, ok, no = before_of(*items[k])
        if not zero:
            break
        if ok is not None:
            after = ok if after is None else after & ok
        not_after |= no
        k += 1
    first, _ = _first_of(items, sre, char_set)
    not_first: set[str] = set()
    if k < len(items):
        op, av = items[k]
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1 and len(av[2]) == 1:
            op, av = list(av[2])[0]
        if op is sre.NOT_LITERAL:
            not_first = {chr(av)}
        elif op is sre.IN:
            found, negated = char_set(av)
            if negated and found:
                not_first = found
    if first is not None and len(first) > 4 * MAX_TEXTS:
        first = None
    return StartRule(None if first is None else frozenset(first), frozenset(not_first),
                     None if after is None else frozenset(after), frozenset(not_after))


def _first_of(seq, sre, char_set) -> tuple[set[str] | None, bool]:
    """(the characters a sequence's non-empty match starts with, or None; whether it matches empty)."""
    out: set[str] = set()
    for op, av in seq:
        if op is sre.LITERAL:
            found, empty = {chr(av)}, False
        elif op is sre.IN:
            chars, negated = char_set(av)
            found, empty = (None if negated else chars), False
        elif op is sre.SUBPATTERN:
            found, empty = (None, False) if av[1] or av[2] else _first_of(av[3], sre, char_set)
        elif op is sre.BRANCH:
            found, empty = set(), False
            for b in av[1]:
                f, e = _first_of(b, sre, char_set)
                if f is None:
                    found = None
                    break
                found |= f
                empty = empty or e
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            found, empty = _first_of(av[2], sre, char_set)
            empty = empty or av[0] == 0
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # zero width: the match starts after them
            found, empty = set(), True
        else:
            found, empty = None, False
        if found is None:
            return None, False
        out |= found
        if not empty:
            return out, False
    return out, True


BLOCK = 3  # characters packed in one 64-bit word (21 bits a code point)
CHAR_MASK = (1 << 21) - 1


def pack_codes(codes: np.ndarray) -> np.ndarray:
    """Per row of ``codes`` (2-D, at least ``BLOCK`` columns; or 1-D, padded at the end by the
    caller): its first ``BLOCK`` code points in one uint64, the first in the highest bits."""
    codes = np.asarray(codes, dtype=np.uint64)
    if codes.ndim == 1:
        n = len(codes) - BLOCK + 1
        return (codes[:n] << np.uint64(42)) | (codes[1:n + 1] << np.uint64(21)) | codes[2:n + 2]
    return (codes[:, 0] << np.uint64(42)) | (codes[:, 1] << np.uint64(21)) | codes[:, 2]


@dataclass(frozen=True, eq=False)
class ScanPlan:
    """What a group of patterns needs, as arrays, so that a chunk's candidate match starts for all of
    them are found together (``nlp.features.layout.ChunkLayout.find_all``).

    ``texts``: the distinct required texts of the patterns; ``text_codes``/``text_chars``: per text and
    character position its code point (0 after its end) and its index in ``chars`` (-1 after its end);
    ``text_blocks``/``block_masks``: the texts ``BLOCK`` characters at a time, packed as ``pack_codes``
    packs a text's characters, with the bits of the characters a block holds.
    The required sets of every pattern are numbered: ``set_texts[set_ptr[k]:set_ptr[k + 1]]`` are the
    texts of set ``k``, ``pattern_sets[pattern_ptr[p]:pattern_ptr[p + 1]]`` the sets of pattern ``p``,
    ``anchors[p]`` its sets with a bound (set, characters before it at most). ``first_ok[p, c]``: may a
    match of ``p`` start with ``rule_chars[c]`` (last column: any other character); ``after_ok[p, c]``:
    may the character before it be ``rule_chars[c]`` (then: any other character; the text's start)."""

    patterns: tuple[re.Pattern, ...]
    texts: tuple[str, ...]
    text_codes: np.ndarray
    text_lengths: np.ndarray
    text_chars: np.ndarray
    text_blocks: np.ndarray
    block_masks: np.ndarray
    chars: np.ndarray
    set_texts: np.ndarray
    set_ptr: np.ndarray
    pattern_sets: np.ndarray
    pattern_ptr: np.ndarray
    pattern_set_table: np.ndarray
    sets_of_text: np.ndarray
    text_set_ptr: np.ndarray
    anchors: tuple[tuple[tuple[int, int], ...], ...]
    rule_chars: np.ndarray
    first_ok: np.ndarray
    after_ok: np.ndarray


@lru_cache(maxsize=256)
def scan_plan(patterns: tuple[re.Pattern, ...]) -> ScanPlan:
    """The ``ScanPlan`` of the patterns (built once per group of patterns)."""
    texts: dict[str, int] = {}
    sets: dict[tuple[str, ...], int] = {}
    pattern_sets: list[int] = []
    pattern_ptr = [0]
    anchors = []
    for rx in patterns:
        bounded = []
        for req in required_texts(rx):
            k = sets.setdefault(req.texts, len(sets))
            for t in req.texts:
                texts.setdefault(t, len(texts))
            pattern_sets.append(k)
            if req.before != math.inf:
                bounded.append((k, int(req.before)))
        pattern_ptr.append(len(pattern_sets))
        anchors.append(tuple(bounded))
    text_list = tuple(texts)
    longest = max(map(len, text_list), default=1)
    chars = np.array(sorted({ord(c) for t in text_list for c in t}), dtype=np.uint32)
    text_codes = np.zeros((len(text_list), longest), dtype=np.uint32)
    text_chars = np.full((len(text_list), longest), -1, dtype=np.int64)
    for i, t in enumerate(text_list):
        codes = np.array([ord(c) for c in t], dtype=np.uint32)
        text_codes[i, :len(t)] = codes
        text_chars[i, :len(t)] = np.searchsorted(chars, codes)
    set_texts = [texts[t] for key in sets for t in key]
    set_ptr = np.cumsum([0] + [len(key) for key in sets])
    holding: list[list[int]] = [[] for _ in text_list]
    for k, key in enumerate(sets):
        for t in key:
            holding[texts[t]].append(k)
    widest = max((b - a for a, b in zip(pattern_ptr, pattern_ptr[1:])), default=0)
    pattern_set_table = np.full((len(patterns), max(widest, 1)), -1, dtype=np.int64)
    for p, (a, b) in enumerate(zip(pattern_ptr, pattern_ptr[1:])):
        pattern_set_table[p, :b - a] = pattern_sets[a:b]

    rules = [start_rule(rx) for rx in patterns]
    rule_chars = sorted({c for r in rules for group in (r.first or (), r.not_first, r.after or (), r.not_after)
                         for c in group if c != TEXT_START})
    column = {c: k for k, c in enumerate(rule_chars)}
    n_chars = len(rule_chars)
    first_ok = np.ones((len(patterns), n_chars + 1), dtype=bool)
    after_ok = np.ones((len(patterns), n_chars + 2), dtype=bool)
    for p, rule in enumerate(rules):
        if rule.first is not None:
            first_ok[p] = False
            first_ok[p, [column[c] for c in rule.first if c]] = True
        first_ok[p, [column[c] for c in rule.not_first if c]] = False
        if rule.after is not None:
            after_ok[p] = False
            after_ok[p, [column[c] for c in rule.after if c != TEXT_START]] = True
            after_ok[p, n_chars + 1] = TEXT_START in rule.after
        after_ok[p, [column[c] for c in rule.not_after if c != TEXT_START]] = False
        if TEXT_START in rule.not_after:
            after_ok[p, n_chars + 1] = False
    n_blocks = -(-longest // BLOCK)
    padded = np.zeros((len(text_list), n_blocks * BLOCK), dtype=np.uint32)
    padded[:, :longest] = text_codes
    held = np.zeros_like(padded)
    held[:, :longest] = text_chars >= 0
    text_blocks = np.stack([pack_codes(padded[:, j:]) for j in range(0, n_blocks * BLOCK, BLOCK)], axis=1)
    block_masks = np.stack([pack_codes(held[:, j:] * CHAR_MASK) for j in range(0, n_blocks * BLOCK, BLOCK)], axis=1)
    return ScanPlan(patterns, text_list, text_codes, np.array([len(t) for t in text_list], dtype=np.int64),
                    text_chars, text_blocks.reshape(len(text_list), n_blocks), block_masks.reshape(len(text_list), n_blocks), chars, np.array(set_texts, dtype=np.int64), np.asarray(set_ptr, dtype=np.int64),
                    np.array(pattern_sets, dtype=np.int64), np.array(pattern_ptr, dtype=np.int64), pattern_set_table,
                    np.array([k for ks in holding for k in ks], dtype=np.int64),
                    np.cumsum([0] + [len(ks) for ks in holding]).astype(np.int64), tuple(anchors),
                    np.array([ord(c) for c in rule_chars], dtype=np.uint32), first_ok, after_ok)


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

    def every_pattern(self) -> tuple[re.Pattern, ...]:
        """All the compiled patterns, each once."""
        groups = [self.courtesy, *(c.patterns for c in self.non_answer), self.topic_clause, self.answer_clause,
                  self.forward_markers, self.not_forward, self.specific]
        return tuple(dict.fromkeys(rx for group in groups for rx in group))

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
