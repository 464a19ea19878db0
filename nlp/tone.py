"""Tone: lexicon evidence with negation and degree, calibrated by a small linear model.

``ToneLexicon`` (data: ``nlp/data/tone_lexicon.txt``) finds polar terms in an answer's tokens, applies
negators (没有, 暂无, 不存在 … flip the next polar term within the same clause) and degree words
(大幅 ×1.5, 略有 ×0.5), and drops courtesy (谢谢, 感谢您的关注 carry no tone). Negated negatives
(不存在重大风险, 没有减持计划) count as mildly reassuring, negated positives (尚未盈利, 没有增长) as
negative: the labelling guide's rule. ``ToneFeaturizer`` summarizes those hits, with hedges,
deflection and the question's own polarity, into a few features; ``ToneModel`` (ridge regression,
scikit-learn) maps them to a score in [-1, 1]. Every score comes with the terms that moved it.
"""
from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

from nlp.linear import StandardizedLinear
from nlp.matching import TermMatcher
from nlp.records import IrtoneError, TermContribution, ToneResult

CATEGORIES = ("pos", "neg", "negator", "degree", "hedge", "boilerplate", "courtesy", "aspiration")
CLAUSE_BREAKS = frozenset("，,。；;！!？?：:\n、")
SENTENCE_BREAKS = frozenset("。！!？?；;\n")  # each also a clause break
NEGATION_WINDOW = 4  # tokens before a polar term in which a negator applies
DEGREE_WINDOW = 2
NEGATED_NEGATIVE_FACTOR = 0.3  # 不存在风险: reassuring, but weaker than a plain positive
NEGATED_POSITIVE_FACTOR = 0.8  # 没有增长: nearly as negative as 下降
ASPIRATION_FACTOR = 0.35  # 公司将继续提升竞争力: a promise weighs about a third of a result (rest of the sentence)
POSITIVE_LABEL_AT = 0.2  # score >= this is "positive", <= -this "negative"; chosen on dev CV predictions (3-class macro-F1 0.70 vs 0.64 at 0.25)


@dataclass(frozen=True)
class ToneLexicon:
    """Word lists by category with weights (see the data file's header)."""

    entries: tuple[tuple[str, str, float], ...]  # (category, word, weight)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "ToneLexicon":
        if path is None:
            text = resources.files("nlp.data").joinpath("tone_lexicon.txt").read_text(encoding="utf-8")
            source = "nlp/data/tone_lexicon.txt"
        else:
            source = str(path)
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise IrtoneError(source, f"cannot read tone lexicon ({err.__class__.__name__})") from None
        entries = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3 or parts[0] not in CATEGORIES:
                raise IrtoneError(source, f"line {n}: expected 'category<TAB>word<TAB>weight' with a category in {CATEGORIES}")
            try:
                entries.append((parts[0], parts[1].strip(), float(parts[2])))
            except ValueError:
                raise IrtoneError(source, f"line {n}: weight {parts[2]!r} is not a number") from None
        return cls(tuple(entries))

    def words(self, category: str) -> tuple[str, ...]:
        return tuple(w for c, w, _ in self.entries if c == category)


@dataclass(frozen=True)
class ToneAnalysis:
    """What the lexicon found in one answer (before the model weighs it)."""

    contributions: tuple[TermContribution, ...]
    positive: float
    negative: float
    promised: float  # positive weight in clauses of plans and intentions (already discounted in positive)
    hedge: float
    deflection: float  # share of sentences with boilerplate
    n_sentences: int
    length: int


FEATURE_NAMES = (
    "positive",  # log1p(summed positive weight)
    "promised",  # log1p(positive weight that only states plans)
    "negative",  # log1p(summed negative weight)
    "net",  # (pos - neg) / (pos + neg + 1)
    "positive_density",  # positive weight per sentence
    "negative_density",
    "hedge",  # log1p(hedge weight)
    "deflection",  # share of boilerplate sentences
    "log_length",
    "question_negative",  # log1p(negative weight in the question): answers to worried questions
    "question_positive",
)


class ToneFeaturizer:
    def __init__(self, lexicon: ToneLexicon, tokenizer):
        self.lexicon = lexicon
        self.tokenizer = tokenizer
        weights = {}
        entries = []
        for cat, word, w in lexicon.entries:
            weights[(cat, word)] = w
            entries.append((word, cat))
        self._weights = weights
        self._matcher = TermMatcher(entries, tokenizer, inside_tokens=True)

    def analyze(self, tokens: Sequence[str]) -> ToneAnalysis:
        matches = self._matcher.find(tokens)
        # A token span can match several categories (显著 is both degree and pos): a modifier
        # that precedes another polar term acts as a modifier, otherwise as a polar term.
        by_start: dict[int, list] = {}
        for m in matches:
            by_start.setdefault(m.first, []).append(m)
        offsets = list(itertools.accumulate(map(len, tokens), initial=0))
        # Clause and sentence numbers are needed only at matched tokens: find the break tokens
        # once (a comprehension) and look numbers up by bisection instead of a per-token loop.
        clause_breaks = [i for i, t in enumerate(tokens) if t in CLAUSE_BREAKS]
        sentence_breaks = [i for i in clause_breaks if tokens[i] in SENTENCE_BREAKS]
        clause_of = _IndexOf(clause_breaks)
        sentence_of = _IndexOf(sentence_breaks)
        n_sent = max(1, (sentence_of[len(tokens) - 1] + 1) if tokens else 1)
        polar = []  # (first, last, term, cat, weight)
        negators, degrees, aspirations = [], [], []
        hedge = 0.0
        boiler_sents = set()
        for first in sorted(by_start):
            group = by_start[first]
            cats = {m.key: m for m in group}
            longest = max(group, key=lambda m: m.last - m.first)
            if "courtesy" in cats and longest.key == "courtesy":
                continue
            if "boilerplate" in cats:
                boiler_sents.add(sentence_of[first])
            if "hedge" in cats:
                m = cats["hedge"]
                hedge += self._weights[("hedge", m.entry)]
            if "negator" in cats:
                negators.append(cats["negator"])
            if "degree" in cats:
                degrees.append(cats["degree"])
            if "aspiration" in cats:
                aspirations.append(cats["aspiration"])
            for cat in ("pos", "neg"):
                if cat in cats:
                    m = cats[cat]
                    polar.append((m.first, m.last, m.term, cat, self._weights[(cat, m.entry)]))
        polar = _resolve_overlaps(polar)
        contributions = []
        pos = neg = promised = 0.0
        polar_starts = {p[0] for p in polar}
        for first, last, term, cat, w in polar:
            # a degree word directly before another polar term is a modifier, not a polar term itself
            if any(d.first == first for d in degrees) and any(first < q <= last + DEGREE_WINDOW for q in polar_starts):
                continue
            factor = 1.0
            for d in degrees:
                if d.last <= first and first - d.last <= DEGREE_WINDOW and clause_of[d.first] == clause_of[first] and d.first != first:
                    factor *= self._weights[("degree", d.entry)]
            negated = any(
                n.last <= first and first - n.last < NEGATION_WINDOW and clause_of[n.first] == clause_of[first] and n.first != first
                for n in negators
            )
            signed = w * factor * (1.0 if cat == "pos" else -1.0)
            if negated:
                signed = -signed * (NEGATED_NEGATIVE_FACTOR if cat == "neg" else NEGATED_POSITIVE_FACTOR)
            if signed > 0 and any(a.first < first and sentence_of[a.first] == sentence_of[first] for a in aspirations):
                signed *= ASPIRATION_FACTOR
                promised += signed
            if signed > 0:
                pos += signed
            else:
                neg -= signed
            contributions.append(TermContribution(term=term, weight=round(signed, 4), start=int(offsets[first]), negated=negated))
        return ToneAnalysis(
            contributions=tuple(contributions),
            positive=pos,
            negative=neg,
            promised=promised,
            hedge=hedge,
            deflection=len(boiler_sents) / n_sent,
            n_sentences=n_sent,
            length=int(offsets[-1]),
        )

    def features(self, a: ToneAnalysis, q: ToneAnalysis | None = None) -> np.ndarray:
        return np.asarray((
            math.log1p(a.positive),
            math.log1p(a.promised),
            math.log1p(a.negative),
            (a.positive - a.negative) / (a.positive + a.negative + 1.0),
            a.positive / a.n_sentences,
            a.negative / a.n_sentences,
            math.log1p(a.hedge),
            a.deflection,
            math.log1p(a.length),
            math.log1p(q.negative) if q else 0.0,
            math.log1p(q.positive) if q else 0.0,
        ), dtype=float)


class _IndexOf:
    """``index_of[i]``: how many break tokens stand before token i (its clause or sentence number)."""

    __slots__ = ("breaks",)

    def __init__(self, breaks: list[int]):
        self.breaks = breaks

    def __getitem__(self, i: int) -> int:
        return bisect.bisect_left(self.breaks, i)


def _resolve_overlaps(polar: list) -> list:
    """Where polar matches overlap (降低 inside 降低成本, a regex over a word) the longest wins;
    several words found inside one glued token (稳步 and 增长 in 稳步增长) all count."""
    polar = sorted(polar, key=lambda p: (-(p[1] - p[0]), -len(p[2]), p[0]))
    kept: list = []
    for p in polar:
        clash = [q for q in kept if q[0] < p[1] and p[0] < q[1]]
        one_token = p[1] - p[0] == 1
        if clash and not (one_token and all(q[1] - q[0] == 1 and p[2] not in q[2] for q in clash)):
            continue
        kept.append(p)
    return sorted(kept, key=lambda p: (p[0], p[1]))


class ToneModel(StandardizedLinear):
    """Ridge regression from tone features to the labelled tone (scaled to [-1, 1]).

    Parameters: ``alpha`` (ridge penalty), ``extra_features`` (names of signals appended after the
    lexicon features, e.g. ("snownlp",)). Learned: ``coef_``, ``intercept_``, ``mean_``, ``scale_``.
    """

    FEATURE_NAMES = FEATURE_NAMES

    def __init__(self, alpha: float = 30.0, extra_features: tuple[str, ...] = ()):
        self.alpha = alpha
        self.extra_features = tuple(extra_features)

    def get_params(self) -> dict:
        params = {"alpha": self.alpha}
        if self.extra_features:
            params["extra_features"] = list(self.extra_features)
        return params

    def fit(self, X: np.ndarray, y: np.ndarray) -> "ToneModel":
        from sklearn.linear_model import Ridge

        model = Ridge(alpha=self.alpha).fit(self._standardize_fit(X), np.asarray(y, dtype=float))
        self.coef_ = model.coef_.copy()
        self.intercept_ = float(model.intercept_)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.clip(self._linear(X), -1.0, 1.0)


def tone_label(score: float) -> str:
    if score >= POSITIVE_LABEL_AT:
        return "positive"
    if score <= -POSITIVE_LABEL_AT:
        return "negative"
    return "neutral"


def tone_result(score: float, analysis: ToneAnalysis) -> ToneResult:
    score = round(float(score), 4)
    return ToneResult(score=score, label=tone_label(score), terms=analysis.contributions)
