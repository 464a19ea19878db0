"""Tone: lexicon evidence with negation and degree, calibrated by small learned models.

``ToneLexicon`` (data: ``nlp/lang/zh_ir/tone_lexicon.txt``) finds polar terms in an answer's tokens, applies
negators (没有, 暂无, 不存在 … flip the next polar term within the same clause) and degree words
(大幅 ×1.5, 略有 ×0.5), and drops courtesy (谢谢, 感谢您的关注 carry no tone). Negated negatives
(不存在重大风险, 没有减持计划) count as mildly reassuring, negated positives (尚未盈利, 没有增长) as
negative: the labelling guide's rule. ``ToneFeaturizer`` summarizes those hits, with hedges,
deflection and the question's own polarity, into a few features; ``ToneModel`` (two logistic
regressions, P(positive) - P(negative), or a ridge regression; scikit-learn) maps them and the answer's
learned words to a score in [-1, 1]. Every score comes with the terms that moved it.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from operator import mul
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from nlp.linear import StandardizedLinear
from nlp.matching import TermMatcher, fold_tokens
from nlp.records import IrtoneError, TermContribution
from nlp.tokens import CLAUSE_BREAKS, SENTENCE_BREAKS, break_positions  # noqa: F401 - re-exported
from nlp.lang import display_path, read_text

CATEGORIES = ("pos", "neg", "negator", "degree", "hedge", "boilerplate", "courtesy", "aspiration")
NEGATION_WINDOW = 4  # tokens before a polar term in which a negator applies
DEGREE_WINDOW = 2
NEGATED_NEGATIVE_FACTOR = 0.3  # 不存在风险: reassuring, but weaker than a plain positive
NEGATED_POSITIVE_FACTOR = 0.8  # 没有增长: nearly as negative as 下降
ASPIRATION_FACTOR = 0.35  # 公司将继续提升竞争力: a promise weighs about a third of a result (rest of the sentence)
_WORDLIKE = re.compile(r"[^\W\d_]")  # a letter or a character: not punctuation, not a bare number
_SKIP, _BREAK, _NEGATOR, _QUIET_NEGATOR, _WORD = range(5)  # what word_tokens does with a token
WORD_KIND_MEMO = 500_000  # tokens remembered by word_tokens before the memo starts over
NEGATED_MARK = "¬"  # prefix of a negated token in the learned words' vocabulary (¬增长)
# score >= POSITIVE_LABEL_AT is "positive", <= -NEGATIVE_LABEL_AT "negative". Positive: the middle of the
# plateau of 3-class macro-F1 by cross-validation (dev 0.775-0.779 and silver 0.645-0.653 for 0.25-0.4;
# 0.72 and 0.62 at 0.5). Negative: the side that learned from few negatives (2-4% of the labels) fires
# less readily; at -0.2 dev keeps its best (0.773) and silver rises (0.647 -> 0.670); -0.1 suits silver
# best (0.686) but costs dev 0.04
POSITIVE_LABEL_AT = 0.3
NEGATIVE_LABEL_AT = 0.2


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
    def load(cls, path: str | Path | None = None) -> "ToneLexicon":
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
    """``stopwords``: function words the learned words do not read (nlp/lang/zh_ir/stopwords.txt): 和, 了, 的
    carry no tone of their own, and a why line that names them explains nothing."""

    def __init__(self, lexicon: ToneLexicon, tokenizer, stopwords: frozenset[str] = frozenset()):
        self.lexicon = lexicon
        self.tokenizer = tokenizer
        self.stopwords = frozenset(stopwords)
        weights = {}
        entries = []
        for cat, word, w in lexicon.entries:
            weights[(cat, word)] = w
            entries.append((word, cat))
        self._weights = weights
        self._negators = frozenset(lexicon.words("negator"))
        self._word_kind: dict[str, int] = {}  # token -> one of _WORD, _NEGATOR, ... (memo, bounded)
        self.matcher = TermMatcher(entries, tokenizer, inside_tokens=True)

    def word_tokens(self, tokens: Sequence[str], matches: list[tuple] | None = None) -> list[str]:
        """The tokens the learned words read (``LearnedWords``): courtesy (谢谢, 感谢您的关注) is left
        out, as it carries no tone, and so are punctuation, bare numbers and stopwords; a token within
        ``NEGATION_WINDOW`` words after a negator, in the same clause, is marked ``NEGATED_MARK`` +
        token, so 没有增长 does not count as 增长 (negation marking, Das & Chen 2001). ``matches``:
        ``matcher.scan(tokens)`` if the caller has it."""
        if matches is None:
            matches = self.matcher.scan(tokens, fold_tokens(tokens))
        courtesy = None
        for m in matches:
            if m[1] == "courtesy":
                if courtesy is None:
                    courtesy = set()
                courtesy.update(range(m[2], m[3]))
        kinds = self._word_kind
        if len(kinds) > WORD_KIND_MEMO:
            kinds.clear()
        out: list[str] = []
        append = out.append
        left = 0
        for i, tok in enumerate(tokens):
            kind = kinds.get(tok)
            if kind is None:  # remembered per token: one look-up instead of a regex and two set tests
                kind = kinds[tok] = self._kind_of(tok)
            if kind == _WORD:
                if courtesy is not None and i in courtesy:
                    continue
                if left:
                    append(NEGATED_MARK + tok)
                    left -= 1
                else:
                    append(tok)
            elif kind == _NEGATOR or kind == _QUIET_NEGATOR:
                if courtesy is not None and i in courtesy:
                    continue
                left = NEGATION_WINDOW
                if kind == _NEGATOR:
                    append(tok)
            elif kind == _BREAK:
                left = 0
        return out

    def _kind_of(self, token: str) -> int:
        if not _WORDLIKE.search(token):  # punctuation (a clause break at most) or a bare number
            return _BREAK if token in CLAUSE_BREAKS else _SKIP
        if token in self._negators:  # a stopword negator (没有) still negates, but is not read as a word
            return _QUIET_NEGATOR if token in self.stopwords else _NEGATOR
        return _SKIP if token in self.stopwords else _WORD

    def analyze(self, tokens: Sequence[str]) -> ToneAnalysis:
        terms, *numbers = self.scan(tokens)
        return ToneAnalysis(tuple(TermContribution(*t) for t in terms), *numbers)

    def scan(self, tokens: Sequence[str], folded: Sequence[str] | None = None,
             breaks: tuple[list[int], list[int]] | None = None, matches: list[tuple] | None = None,
             text: str | None = None) -> tuple:
        """``analyze`` as plain values, for the hot path: (terms as (term, weight, start, negated)
        tuples, positive, negative, promised, hedge, deflection, n_sentences, length). ``folded``,
        ``breaks``, ``matches``, ``text``: ``fold_tokens(tokens)``, ``break_positions(tokens)``,
        ``matcher.scan(tokens)``, the tokens joined, if the caller has them."""
        if folded is None:
            folded = fold_tokens(tokens)
        clause_breaks, sentence_breaks = break_positions(tokens) if breaks is None else breaks
        length = sum(map(len, tokens)) if text is None else len(text)
        # sentence number of token i: the sentence breaks before it (bisection, only at matched tokens)
        n_sent = bisect_left(sentence_breaks, len(tokens) - 1) + 1 if tokens else 1
        if matches is None:
            matches = self.matcher.scan(tokens, folded)  # (term, category, first, last, entry)
        if not matches:
            return [], 0.0, 0.0, 0.0, 0.0, 0.0, n_sent, length
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
                    polar.append((first, m[3], m[0], cat, weights[(cat, m[4])]))
                elif cat == "negator":
                    negators.append(m)
                elif cat == "degree":
                    degrees.append(m)
                elif cat == "aspiration":
                    aspirations.append(m)
                elif cat == "hedge":
                    hedge += weights[("hedge", m[4])]
                elif cat == "boilerplate":
                    boiler_sents.add(bisect_left(sentence_breaks, first))
                continue  # courtesy carries no tone
            cats = {m[1]: m for m in group}
            longest = max(group, key=_span)
            if "courtesy" in cats and longest[1] == "courtesy":
                continue
            if "boilerplate" in cats:
                boiler_sents.add(bisect_left(sentence_breaks, first))
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
                    polar.append((m[2], m[3], m[0], cat, weights[(cat, m[4])]))
        if len(polar) > 1:
            polar = _resolve_overlaps(polar)
        contributions = []
        pos = neg = promised = 0.0
        offset_token = offset = 0  # character offset of token ``offset_token``, advanced along the sorted terms
        polar_starts = [p[0] for p in polar]
        degree_spans = {(d[2], d[3]) for d in degrees}
        for first, last, term, cat, w in polar:
            # a degree word (显著, also a polar word) directly before another polar term of its clause is
            # a modifier, not a polar term itself; a longer term that starts with one (大幅增长) is not
            if (first, last) in degree_spans and _starts_within(
                    polar_starts, first, min(last + DEGREE_WINDOW, _clause_end(clause_breaks, first))):
                continue
            factor = 1.0
            negated = False
            if degrees or negators:
                clause = bisect_left(clause_breaks, first)
                for d in degrees:
                    if (d[3] <= first and first - d[3] <= DEGREE_WINDOW and d[2] != first
                            and bisect_left(clause_breaks, d[2]) == clause):
                        factor *= weights[("degree", d[4])]
                for n in negators:
                    if (n[3] <= first and first - n[3] < NEGATION_WINDOW and n[2] != first
                            and bisect_left(clause_breaks, n[2]) == clause):
                        negated = True
                        break
            signed = w * factor * (1.0 if cat == "pos" else -1.0)
            if negated:
                signed = -signed * (NEGATED_NEGATIVE_FACTOR if cat == "neg" else NEGATED_POSITIVE_FACTOR)
            if signed > 0 and aspirations:
                sentence = bisect_left(sentence_breaks, first)
                for a in aspirations:
                    if a[2] < first and bisect_left(sentence_breaks, a[2]) == sentence:
                        signed *= ASPIRATION_FACTOR
                        promised += signed
                        break
            if signed > 0:
                pos += signed
            else:
                neg -= signed
            if first > offset_token:
                offset += len("".join(tokens[offset_token:first]))
                offset_token = first
            # a term may start inside its first token (利润 in 净利润, a regex match mid-token)
            head = tokens[first]
            inner = 0 if head.startswith(term[:len(head)]) else "".join(tokens[first:last]).find(term)
            contributions.append((term, round(signed, 4), offset + max(inner, 0), negated))
        return contributions, pos, neg, promised, hedge, len(boiler_sents) / n_sent, n_sent, length

    def features(self, a: ToneAnalysis, q: ToneAnalysis | None = None) -> np.ndarray:
        return np.asarray(feature_row(a.positive, a.negative, a.promised, a.hedge, a.deflection, a.n_sentences,
                                      a.length, q.positive if q else None, q.negative if q else None), dtype=float)

    @staticmethod
    def scan_features(a: tuple, q: tuple | None = None) -> tuple[float, ...]:
        """``features`` of two ``scan`` results, as a tuple (one row of the batch's matrix)."""
        return feature_row(a[1], a[2], a[3], a[4], a[5], a[6], a[7], q[1] if q else None, q[2] if q else None)


def feature_row(positive: float, negative: float, promised: float, hedge: float, deflection: float,
                n_sentences: int, length: int, q_positive: float | None, q_negative: float | None) -> tuple[float, ...]:
    """The tone features (``FEATURE_NAMES``) of an answer and its question (None: no question)."""
    return (
        math.log1p(positive),
        math.log1p(promised),
        math.log1p(negative),
        (positive - negative) / (positive + negative + 1.0),
        positive / n_sentences,
        negative / n_sentences,
        math.log1p(hedge),
        deflection,
        math.log1p(length),
        math.log1p(q_negative) if q_negative is not None else 0.0,
        math.log1p(q_positive) if q_positive is not None else 0.0,
    )


def _span(match: tuple) -> int:
    return match[3] - match[2]


def _starts_within(starts: list[int], lo: int, hi: int) -> bool:
    """Some start s with lo < s <= hi."""
    for s in starts:
        if lo < s <= hi:
            return True
    return False


def _clause_end(clause_breaks: list[int], i: int) -> int:
    """The position of the first clause break at or after token i (a large number if none)."""
    k = bisect_left(clause_breaks, i)
    return clause_breaks[k] if k < len(clause_breaks) else 1 << 30


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


class LearnedWords:
    """Word weights learned from labelled answers: a TF-IDF bag of words (sublinear term frequency,
    smoothed idf, L2 norm: scikit-learn's ``TfidfVectorizer`` defaults) with one linear weight per word.

    It reads what the lexicon cannot list: the words annotators respond to in this domain (投产,
    份额, 延期 …) in whatever phrasing. ``score_parts(tokens)`` gives each word's signed share of the
    score, so a score can always be explained word by word. Learned state: ``idf_`` and ``coef_``
    (dicts keyed by word), set by ``ToneModel.fit``; stored as JSON by ``to_dict``.
    """

    def __init__(self, idf: dict[str, float], coef: dict[str, float], coef_neg: dict[str, float] | None = None):
        self.idf_ = idf
        self.coef_ = coef
        self.coef_neg_ = coef_neg  # the negative side's weights (ToneModel(objective="logistic")), else None
        self._idf_coef = {w: (v, v * coef[w]) for w, v in idf.items()}  # one look-up per token when scoring
        if coef_neg is not None:  # per word: idf², and idf times each side's weight
            self._idf_sides = {w: (v * v, v * coef[w], v * coef_neg[w]) for w, v in idf.items()}

    @staticmethod
    def vocabulary(docs: Sequence[Sequence[str]], min_df: int) -> tuple[list[str], dict[str, float]]:
        """Words in at least ``min_df`` documents (sorted) and their smoothed idf."""
        df: dict[str, int] = {}
        for tokens in docs:
            for word in set(tokens):
                if word.strip():
                    df[word] = df.get(word, 0) + 1
        n = len(docs)
        words = sorted(w for w, c in df.items() if c >= min_df)
        return words, {w: math.log((1 + n) / (1 + df[w])) + 1.0 for w in words}

    @staticmethod
    def tfidf(tokens: Sequence[str], idf: dict[str, float]) -> dict[str, float]:
        """The answer's TF-IDF row as {word: value}, words in order of first occurrence."""
        counts: dict[str, int] = {}
        for word in tokens:
            if word in idf:
                counts[word] = counts.get(word, 0) + 1
        if not counts:
            return {}
        row = {w: (1.0 + math.log(c)) * idf[w] for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in row.values()))
        return {w: v / norm for w, v in row.items()}

    def score_parts(self, tokens: Sequence[str]) -> tuple[float, list[tuple[str, float]]]:
        """(the words' share of the score, [(word, signed contribution)] for every learned word of
        the answer): each word's ``tfidf`` value times its weight, computed here in one pass (the hot
        path of scoring; ``tfidf`` is the reference the tests hold it to)."""
        weights = self._idf_coef
        squares = 0.0
        raw = []
        for w, c in Counter(tokens).items():  # counted in C; first occurrences keep the answer's order
            known = weights.get(w)
            if known is None:
                continue
            idf, idf_coef = known
            if c == 1:
                squares += idf * idf
                raw.append((w, idf_coef))
            else:
                tf = 1.0 + math.log(c)
                squares += (tf * idf) ** 2
                raw.append((w, tf * idf_coef))
        if not raw:
            return 0.0, []
        norm = math.sqrt(squares)
        parts = [(w, v / norm) for w, v in raw]
        total = 0.0
        for _, c in parts:
            total += c
        return total, parts

    def score_sides(self, tokens: Sequence[str]) -> tuple[float, float, list[tuple[str, float, float]]]:
        """``score_parts`` for both sides of a two-sided model: (the words' share of the positive side's
        log-odds, of the negative side's, [(word, positive contribution, negative contribution)])."""
        weights = self._idf_sides
        squares = pos_total = neg_total = 0.0
        raw = []
        append = raw.append
        for w, c in Counter(tokens).items():
            known = weights.get(w)
            if known is None:
                continue
            idf_squared, pos, neg = known
            if c != 1:  # most words occur once: no logarithm for them
                tf = 1.0 + math.log(c)
                idf_squared, pos, neg = idf_squared * tf * tf, pos * tf, neg * tf
            squares += idf_squared
            pos_total += pos
            neg_total += neg
            append((w, pos, neg))
        if not raw:
            return 0.0, 0.0, []
        inverse_norm = 1.0 / math.sqrt(squares)
        return (pos_total * inverse_norm, neg_total * inverse_norm,
                [(w, pos * inverse_norm, neg * inverse_norm) for w, pos, neg in raw])

    def to_dict(self) -> dict:
        # one [idf, coef] pair (two-sided: [idf, coef, coef_neg]) per word, words sorted: a stable, diffable file
        if self.coef_neg_ is not None:
            return {w: [self.idf_[w], self.coef_[w], self.coef_neg_[w]] for w in sorted(self.idf_)}
        return {w: [self.idf_[w], self.coef_[w]] for w in sorted(self.idf_)}

    @classmethod
    def from_dict(cls, d: dict) -> "LearnedWords":
        two_sided = any(len(v) == 3 for v in d.values())
        return cls({w: float(v[0]) for w, v in d.items()}, {w: float(v[1]) for w, v in d.items()},
                   {w: float(v[2]) for w, v in d.items()} if two_sided else None)


class ToneModel(StandardizedLinear):
    """From tone features, and optionally the answer's words, to a tone score in [-1, 1].

    ``objective="ridge"``: ridge regression on the labelled tone scaled to [-1, 1], the score clipped.
    ``objective="logistic"``: two logistic regressions, one for "the annotators call it positive"
    (tone > 0), one for "negative" (tone < 0); the score is P(positive) - P(negative). The two sides
    learn their own weights, and a side's probability saturates: a few strong negative words do not
    need to outweigh every positive word linearly, as they must in one regression (cross-validated,
    this ranks answers better than the ridge on every estimate of bench/train_models.py).

    Parameters: ``alpha`` (ridge penalty), ``C`` (the logistic sides' inverse penalty),
    ``extra_features`` (names of signals appended after the lexicon features, e.g. ("snownlp",)),
    ``words`` (also learn word weights, ``LearnedWords``), ``lexicon_scale`` (the standardized
    lexicon features are multiplied by it before the joint fit: a smaller value penalizes their
    weights more against the words'), ``min_df`` (a word must occur in this many training answers).
    Learned: ``coef_``, ``intercept_`` (logistic: the positive side), ``coef_neg_``, ``intercept_neg_``
    (logistic: the negative side), ``mean_``, ``scale_``, and ``words_`` (``LearnedWords`` or None).
    """

    FEATURE_NAMES = FEATURE_NAMES
    OBJECTIVES = ("ridge", "logistic")

    def __init__(self, alpha: float = 30.0, extra_features: tuple[str, ...] = (), words: bool = False,
                 lexicon_scale: float = 1.0, min_df: int = 2, objective: str = "ridge", C: float = 3.0):
        if objective not in self.OBJECTIVES:
            raise ValueError(f"ToneModel objective must be one of {self.OBJECTIVES}, got {objective!r}")
        self.alpha = alpha
        self.extra_features = tuple(extra_features)
        self.words = words
        self.lexicon_scale = lexicon_scale
        self.min_df = min_df
        self.objective = objective
        self.C = C

    @property
    def two_sided(self) -> bool:
        return self.objective == "logistic"

    def get_params(self) -> dict:
        params = {"alpha": self.alpha} if not self.two_sided else {"objective": self.objective, "C": self.C}
        if self.extra_features:
            params["extra_features"] = list(self.extra_features)
        if self.words:
            params.update(words=True, lexicon_scale=self.lexicon_scale, min_df=self.min_df)
        return params

    def fit(self, X: np.ndarray, y: np.ndarray, docs: Sequence[Sequence[str]] | None = None,
            sample_weight: np.ndarray | None = None) -> "ToneModel":
        """``y``: labelled tone in [-1, 1]; ``docs``: each answer's tokens (needed when ``words``);
        ``sample_weight``: per answer."""
        from scipy import sparse

        Z = self._standardize_fit(X)
        y = np.asarray(y, dtype=float)
        k = Z.shape[1]
        self.__dict__.pop("_sides", None)
        words, idf, design = [], {}, Z
        if self.words:
            if docs is None or len(docs) != len(y):
                raise ValueError("ToneModel(words=True).fit needs the tokens of every answer (docs)")
            words, idf = LearnedWords.vocabulary(docs, self.min_df)
            index = {w: j for j, w in enumerate(words)}
            rows, cols, vals = [], [], []
            for i, tokens in enumerate(docs):
                for w, v in LearnedWords.tfidf(tokens, idf).items():
                    rows.append(i)
                    cols.append(index[w])
                    vals.append(v)
            T = sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(words)))
            design = sparse.hstack([sparse.csr_matrix(Z * self.lexicon_scale), T]).tocsr()
        scale = np.full(k, self.lexicon_scale if self.words else 1.0)
        if self.two_sided:
            (coef, self.intercept_), (coef_neg, self.intercept_neg_) = (
                self._fit_side(design, side, sample_weight) for side in (y > 0, y < 0))
            self.coef_, self.coef_neg_ = coef[:k] * scale, coef_neg[:k] * scale
        else:
            from sklearn.linear_model import Ridge

            solver = dict(solver="sparse_cg", tol=1e-8, max_iter=10000) if self.words else {}
            model = Ridge(alpha=self.alpha, **solver).fit(design, y, sample_weight=sample_weight)
            coef, coef_neg = model.coef_, None
            self.coef_ = coef[:k] * scale  # weights of the standardized features as such
            self.intercept_ = float(model.intercept_)
        self.words_ = None
        if self.words:
            self.words_ = LearnedWords(idf, {w: round(float(c), 6) for w, c in zip(words, coef[k:])},
                                       None if coef_neg is None else
                                       {w: round(float(c), 6) for w, c in zip(words, coef_neg[k:])})
        return self

    def _fit_side(self, design, side: np.ndarray, sample_weight) -> tuple[np.ndarray, float]:
        """One logistic side: (coefficients, intercept). Labels without both classes (no negative
        answer among them) give zero weights and the smoothed base rate's log-odds."""
        from sklearn.linear_model import LogisticRegression

        if side.all() or not side.any():
            rate = (side.sum() + 0.5) / (len(side) + 1.0)
            return np.zeros(design.shape[1]), float(math.log(rate / (1.0 - rate)))
        model = LogisticRegression(C=self.C, max_iter=5000, tol=1e-8).fit(design, side, sample_weight=sample_weight)
        return model.coef_[0], float(model.intercept_[0])

    def word_part(self, tokens: Sequence[str]) -> tuple:
        """The learned words' share of an answer's score (two-sided: of each side's log-odds, a pair),
        and each word's contribution (two-sided: (word, positive side, negative side); see
        ``word_contributions``)."""
        if self.words_ is None:
            return (0.0, 0.0) if self.two_sided else 0.0, []
        if self.two_sided:
            pos, neg, parts = self.words_.score_sides(tokens)
            return (pos, neg), parts
        return self.words_.score_parts(tokens)

    def word_contributions(self, row: Sequence[float], total, parts: list) -> list[tuple[str, float]]:
        """Each learned word's signed share of the score, from ``word_part``'s output and the answer's
        feature row. Ridge: the word's term of the sum. Two-sided: the first-order change of
        P(positive) - P(negative) at this answer, ``p(1-p)·w_pos - q(1-q)·w_neg``: near a side's
        saturation a word moves the score less, as it does."""
        if not self.two_sided or not parts:
            return parts
        sides = self.__dict__.get("_sides")
        if sides is None:  # each side as plain per-raw-feature weights and an offset: no numpy per answer
            sides = self._sides = tuple(
                ((c / self.scale_).tolist(), float(b - np.sum(self.mean_ * c / self.scale_)))
                for c, b in ((self.coef_, self.intercept_), (self.coef_neg_, self.intercept_neg_)))
        (pos_w, pos_b), (neg_w, neg_b) = sides
        p = _logistic(sum(map(mul, row, pos_w)) + pos_b + total[0])
        q = _logistic(sum(map(mul, row, neg_w)) + neg_b + total[1])
        dp, dq = p * (1.0 - p), q * (1.0 - q)
        return [(w, dp * a - dq * b) for w, a, b in parts]

    def _side_logits(self, X: np.ndarray, word_scores: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        pos = self._linear_rows(X)
        neg = self._linear_rows(X, self.coef_neg_, self.intercept_neg_)
        if word_scores is not None and len(pos):
            pos = pos + word_scores[:, 0]
            neg = neg + word_scores[:, 1]
        return pos, neg

    def predict(self, X: np.ndarray, word_scores: Sequence | None = None) -> np.ndarray:
        return self.predict_rows(np.atleast_2d(np.asarray(X, dtype=float)), word_scores)

    def predict_rows(self, X: np.ndarray, word_scores: Sequence | None = None) -> np.ndarray:
        """Scores of many answers at once (each row computed independently of the others)."""
        if self.two_sided:
            ws = None if word_scores is None else np.asarray(word_scores, dtype=float).reshape(-1, 2)
            pos, neg = self._side_logits(X, ws)
            return _sigmoid(pos) - _sigmoid(neg)
        linear = self._linear_rows(X)
        if word_scores is not None and len(linear):
            linear = linear + np.asarray(word_scores, dtype=float)
        return np.clip(linear, -1.0, 1.0)

    def to_dict(self) -> dict:
        d = super().to_dict()
        if self.two_sided:
            d["coef_neg"] = self.coef_neg_.tolist()
            d["intercept_neg"] = self.intercept_neg_
        if self.words_ is not None:
            d["words"] = self.words_.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict, allow_stale: bool = False):
        self = super().from_dict(d, allow_stale)
        if self.fitted:
            if self.two_sided:
                if "coef_neg" not in d:
                    raise ValueError("ToneModel(objective='logistic') stored without its negative side; rebuild it")
                self.coef_neg_ = np.asarray(d["coef_neg"], dtype=float)
                self.intercept_neg_ = float(d["intercept_neg"])
            self.words_ = LearnedWords.from_dict(d["words"]) if "words" in d else None
            if self.words and self.words_ is None:
                raise ValueError("ToneModel(words=True) stored without its word weights; rebuild it")
            if self.words_ is not None and self.two_sided != (self.words_.coef_neg_ is not None):
                raise ValueError("ToneModel word weights do not match its objective; rebuild it")
        return self


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _logistic(z: float) -> float:
    """``_sigmoid`` of one number (clamped: math.exp overflows past ~709)."""
    return 1.0 / (1.0 + math.exp(-min(max(z, -60.0), 60.0)))


def tone_label(score: float) -> str:
    if score >= POSITIVE_LABEL_AT:
        return "positive"
    if score <= -NEGATIVE_LABEL_AT:
        return "negative"
    return "neutral"
