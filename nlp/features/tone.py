"""Tone lexicon evidence of a batch of texts: polar terms with negation, degree and plans.

``ToneLexicon`` (data: ``nlp/lang/zh_ir/tone_lexicon.txt``) lists polar terms, negators (没有, 暂无,
不存在 … flip the next polar term within the same clause), degree words (大幅 ×1.5, 略有 ×0.5), hedges,
boilerplate, courtesy (谢谢, 感谢您的关注 carry no tone) and aspirations (将继续…: a plan, not a result).
Negated negatives (不存在重大风险, 没有减持计划) count as mildly reassuring, negated positives (尚未盈利,
没有增长) as negative: the labelling guide's rule. ``LexiconFeatures.transform`` gives, for every text
of a ``TokenBatch``, the summed positive and negative weight, the promised part, hedges, the share of
boilerplate sentences, and each term's signed contribution with its character offset.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from nlp.features.terms import Matches, PhraseMatcher
from nlp.lang import display_path, read_text
from nlp.records import IrtoneError

CATEGORIES = ("pos", "neg", "negator", "degree", "hedge", "boilerplate", "courtesy", "aspiration")
NEGATION_WINDOW = 4  # tokens before a polar term in which a negator applies
DEGREE_WINDOW = 2
NEGATED_NEGATIVE_FACTOR = 0.3  # 不存在风险: reassuring, but weaker than a plain positive
NEGATED_POSITIVE_FACTOR = 0.8  # 没有增长: nearly as negative as 下降
ASPIRATION_FACTOR = 0.35  # 公司将继续提升竞争力: a promise weighs about a third of a result (rest of the sentence)

_NAME = re.compile(r"[A-Z][A-Z_]*")
_NAME_USE = re.compile(r"(\(\?<!)?\{([A-Z][A-Z_]*)\}(\))?")


def expand_names(pattern: str, names: Mapping[str, Sequence[str]], source: str = "lexicon", line: int = 0) -> str:
    """Replace ``{NAME}`` in a ``re:`` pattern by the alternatives a ``define`` line gave it.

    ``(?<!{NAME})`` becomes one negative lookbehind per alternative, since Python's lookbehinds must
    have a fixed width; elsewhere ``{NAME}`` becomes ``(?:a|b|…)``. ``{0,6}`` and other quantifiers are
    untouched (a name starts with a capital letter).
    """
    def expand(m: re.Match) -> str:
        lookbehind, name, close = m.group(1), m.group(2), m.group(3)
        if name not in names:
            raise IrtoneError(source, f"line {line}: {{{name}}} is used before a 'define' line gives it")
        alternatives = names[name]
        if lookbehind and close:
            return "".join(f"(?<!{re.escape(a)})" for a in alternatives)
        return (lookbehind or "") + "(?:" + "|".join(map(re.escape, alternatives)) + ")" + (close or "")

    return _NAME_USE.sub(expand, pattern)


@dataclass(frozen=True)
class ToneLexicon:
    """Word lists by category with weights (see the data file's header)."""

    entries: tuple[tuple[str, str, float], ...]  # (category, word, weight)

    @classmethod
    def load(cls, path: str | Path | None = None) -> ToneLexicon:
        if path is None:
            text = read_text("tone_lexicon.txt")
            source = display_path("tone_lexicon.txt")
        else:
            source = str(path)
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise IrtoneError(source, f"cannot read tone lexicon ({err.__class__.__name__})") from None
        entries, names = [], {}
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) == 3 and parts[0] == "define":
                name, alternatives = parts[1].strip(), tuple(a.strip() for a in parts[2].split("|"))
                if not _NAME.fullmatch(name) or not all(alternatives):
                    raise IrtoneError(source, f"line {n}: expected 'define<TAB>NAME<TAB>word|word|…' with NAME in capitals")
                names[name] = alternatives
                continue
            if len(parts) != 3 or parts[0] not in CATEGORIES:
                raise IrtoneError(source, f"line {n}: expected 'category<TAB>word<TAB>weight' with a category in {CATEGORIES}")
            word = parts[1].strip()
            if word.startswith("re:"):
                word = expand_names(word, names, source, n)
            try:
                entries.append((parts[0], word, float(parts[2])))
            except ValueError:
                raise IrtoneError(source, f"line {n}: weight {parts[2]!r} is not a number") from None
        return cls(tuple(entries))

    def words(self, category: str) -> tuple[str, ...]:
        return tuple(w for c, w, _ in self.entries if c == category)

class LexiconEvidence(NamedTuple):
    """What the lexicon found in each text of a batch (arrays of one value per text)."""

    positive: np.ndarray
    negative: np.ndarray
    promised: np.ndarray  # positive weight in clauses of plans and intentions (already discounted in positive)
    hedge: np.ndarray
    deflection: np.ndarray  # share of sentences with boilerplate
    n_sentences: np.ndarray
    length: np.ndarray
    terms: list  # per text: ((term, signed weight, character offset, negated), ...)
    courtesy: np.ndarray  # per token of the batch: inside a courtesy phrase


class LexiconFeatures:
    """Finds the lexicon's terms in a ``TokenBatch`` and weighs them (``transform``)."""

    def __init__(self, lexicon: ToneLexicon, tokenizer):
        self.lexicon = lexicon
        self._weights = {(cat, word): w for cat, word, w in lexicon.entries}
        self.matcher = PhraseMatcher([(word, cat) for cat, word, _ in lexicon.entries], tokenizer, inside_tokens=True)

    def transform(self, batch, matches: Matches | None = None) -> LexiconEvidence:
        if matches is None:
            matches = self.matcher.match(batch)
        n = len(batch)
        values = np.zeros((5, n))
        terms: list = [()] * n
        courtesy = np.zeros(len(batch.ids) + 1, dtype=np.int64)
        keys = self.matcher.keys
        if "courtesy" in keys:  # tokens inside a courtesy phrase: +1 at its start, -1 after its end
            is_courtesy = matches.key == keys.index("courtesy")
            np.add.at(courtesy, matches.first[is_courtesy], 1)
            np.add.at(courtesy, matches.last[is_courtesy], -1)
        courtesy = np.cumsum(courtesy[:-1]) > 0
        if len(matches):
            rows = list(zip(matches.terms(self.matcher.entries), [keys[k] for k in matches.key.tolist()],
                            matches.first.tolist(), matches.last.tolist(),
                            [self.matcher.entries[e] for e in matches.entry.tolist()],
                            [matches.offset.get(r) for r in range(len(matches))]))
            bounds = matches.bounds(n).tolist()
            for d in np.unique(matches.doc).tolist():
                found = self._weigh(batch, d, rows[bounds[d]:bounds[d + 1]])
                terms[d] = tuple(found[0])
                values[:, d] = found[1:]
        positive, negative, promised, hedge, boilerplate = values
        return LexiconEvidence(positive, negative, promised, hedge, boilerplate / batch.n_sentences,
                               batch.n_sentences, batch.text_length, terms, courtesy)

    def _weigh(self, batch, d: int, matches: list[tuple]) -> tuple:
        """(terms, positive, negative, promised, hedge, boilerplate sentences) of text ``d`` from its
        matches (term, category, first, last, entry, regex offset or None); token indices are the batch's."""
        clause, sentence, tokens = batch.clause, batch.sentence, batch.tokens
        # A token span can match several categories (显著 is both degree and pos): a modifier
        # that precedes another polar term acts as a modifier, otherwise as a polar term.
        by_start: dict[int, list] = {}
        for m in matches:
            group = by_start.get(m[2])
            if group is None:
                by_start[m[2]] = [m]
            else:
                group.append(m)
        weights = self._weights
        polar = []  # (first, last, term, cat, weight)
        negators, degrees, aspirations = [], [], []
        hedge = 0.0
        boiler_sents = set()
        for first in sorted(by_start):
            group = by_start[first]
            if len(group) == 1:  # one category at this token (most): no resolution needed
                m = group[0]
                cat = m[1]
                if cat == "pos" or cat == "neg":
                    polar.append((first, m[3], m[0], cat, weights[(cat, m[4])], m[5]))
                elif cat == "negator":
                    negators.append(m)
                elif cat == "degree":
                    degrees.append(m)
                elif cat == "aspiration":
                    aspirations.append(m)
                elif cat == "hedge":
                    hedge += weights[("hedge", m[4])]
                elif cat == "boilerplate":
                    boiler_sents.add(sentence[first])
                continue  # courtesy carries no tone
            cats = {m[1]: m for m in group}
            longest = max(group, key=_span)
            if "courtesy" in cats and longest[1] == "courtesy":
                continue
            if "boilerplate" in cats:
                boiler_sents.add(sentence[first])
            if "hedge" in cats:
                hedge += weights[("hedge", cats["hedge"][4])]
            if "negator" in cats:
                negators.append(cats["negator"])
            if "degree" in cats:
                degrees.append(cats["degree"])
            if "aspiration" in cats:
                aspirations.append(cats["aspiration"])
            for cat in ("pos", "neg"):
                if cat in cats:
                    m = cats[cat]
                    polar.append((m[2], m[3], m[0], cat, weights[(cat, m[4])], m[5]))
        if len(polar) > 1:
            polar = _resolve_overlaps(polar)
        contributions = []
        pos = neg = promised = 0.0
        polar_starts = [p[0] for p in polar]
        degree_spans = {(d_[2], d_[3]) for d_ in degrees}
        end = int(batch.doc_ptr[d + 1])
        for first, last, term, cat, w, exact in polar:
            # a degree word (显著, also a polar word) directly before another polar term of its clause is
            # a modifier, not a polar term itself; a longer term that starts with one (大幅增长) is not
            if (first, last) in degree_spans and _starts_within(
                    polar_starts, first, min(last + DEGREE_WINDOW, _clause_end(batch, first, end))):
                continue
            factor = 1.0
            negated = False
            if degrees or negators:
                here = clause[first]
                for m in degrees:
                    if m[3] <= first and first - m[3] <= DEGREE_WINDOW and m[2] != first and clause[m[2]] == here:
                        factor *= weights[("degree", m[4])]
                for m in negators:
                    if m[3] <= first and first - m[3] < NEGATION_WINDOW and m[2] != first and clause[m[2]] == here:
                        negated = True
                        break
            signed = w * factor * (1.0 if cat == "pos" else -1.0)
            if negated:
                signed = -signed * (NEGATED_NEGATIVE_FACTOR if cat == "neg" else NEGATED_POSITIVE_FACTOR)
            if signed > 0 and aspirations:
                here = sentence[first]
                for m in aspirations:
                    if m[2] < first and sentence[m[2]] == here:
                        signed *= ASPIRATION_FACTOR
                        promised += signed
                        break
            if signed > 0:
                pos += signed
            else:
                neg -= signed
            # a term may start inside its first token (利润 in 净利润, a regex match mid-token)
            if exact is not None:  # a regex match knows where it starts
                offset = exact
            else:
                head = tokens[first]
                inner = 0 if head.startswith(term[:len(head)]) else "".join(tokens[first:last]).find(term)
                offset = int(batch.start[first]) + max(inner, 0)
            contributions.append((term, round(signed, 4), offset, negated))
        return contributions, pos, neg, promised, hedge, float(len(boiler_sents))


def _span(match: tuple) -> int:
    return match[3] - match[2]


def _starts_within(starts: list[int], lo: int, hi: int) -> bool:
    """Some start s with lo < s <= hi."""
    for s in starts:
        if lo < s <= hi:
            return True
    return False


def _clause_end(batch, i: int, end: int) -> int:
    """The position of the first clause break at or after token i, relative to its text's first token
    as the token indices are (a large number if none)."""
    breaks = np.flatnonzero(batch.is_clause_break[i:end])
    return i + int(breaks[0]) if len(breaks) else 1 << 30


def _resolve_overlaps(polar: list) -> list:
    """Where polar matches overlap (降低 inside 降低成本, a regex over a word) the longest wins;
    several words found inside one glued token (稳步 and 增长 in 稳步增长) all count."""
    if all(polar[i - 1][1] <= polar[i][0] for i in range(1, len(polar))):
        return polar  # in order and disjoint (most answers): nothing to resolve, already sorted
    polar = sorted(polar, key=lambda p: (-(p[1] - p[0]), -len(p[2]), p[0]))
    kept: list = []
    for p in polar:
        clash = [q for q in kept if q[0] < p[1] and p[0] < q[1]]
        one_token = p[1] - p[0] == 1
        if clash and not (one_token and all(q[1] - q[0] == 1 and p[2] not in q[2] for q in clash)):
            continue
        kept.append(p)
    return sorted(kept, key=lambda p: (p[0], p[1]))
