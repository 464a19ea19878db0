"""Themes: definitions from a data file, features from matched terms, a scikit-learn tagger.

A theme is defined by data (``nlp/lang/zh_ir/themes.json`` or a user file with the same layout): core terms,
related terms, exclusions and question cues. ``ThemeFeaturizer`` turns an answer (with its question)
into a small vector of *theme-agnostic* evidence features for each theme: how many core and related
terms the answer holds, in how many sentences, whether the question asks about the theme, how much of
the answer is boilerplate. ``ThemeTagger`` is one logistic regression over those features, pooled
across themes: because the features do not depend on which theme they describe, a theme a user adds
in their own file is scored with the same learned weights, with no labelled data of its own. For the
themes its labels cover it also learns per-theme weights (an offset, each matched term entry, each
answer word), held close to the pooled part; a tag always needs a term of the theme (its evidence).
"""
from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from nlp.linear import StandardizedLinear
from nlp.matching import TermMatcher
from nlp.records import Evidence, IrtoneError
from nlp.tokens import break_positions
from nlp.lang import display_path, read_text

TERM_KINDS = ("core", "related", "exclude")
SENTENCE_END = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]?")


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    description: str = ""
    core: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    question: tuple[str, ...] = ()


def _themes_from_json(data: dict, source: str) -> list[Theme]:
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        raise IrtoneError(source, "theme file must be a JSON object with a 'themes' list")
    out = []
    for i, t in enumerate(data["themes"]):
        if not isinstance(t, dict) or not t.get("name"):
            raise IrtoneError(source, f"theme #{i + 1} has no 'name'")
        name = str(t["name"])
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name):
            raise IrtoneError(source, f"theme name {name!r} must be lower-case letters, digits and _ (it becomes a column name)")
        terms = {k: tuple(str(w) for w in t.get(k, ()) if str(w).strip()) for k in (*TERM_KINDS, "question")}
        if not terms["core"] and not terms["related"]:
            raise IrtoneError(source, f"theme {name!r} has no 'core' or 'related' terms")
        out.append(Theme(name=name, label=str(t.get("label", name)), description=str(t.get("description", "")), **terms))
    return out


def load_themes(extra_files: Iterable[str | Path] = (), builtin: bool = True) -> tuple[Theme, ...]:
    """The built-in themes, then each user file's themes (a user theme with a built-in's name replaces it)."""
    themes: dict[str, Theme] = {}
    if builtin:
        text = read_text("themes.json")
        for t in _themes_from_json(json.loads(text), display_path("themes.json")):
            themes[t.name] = t
    for path in extra_files:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IrtoneError(path, "theme file not found") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise IrtoneError(path, f"theme file is not valid UTF-8 JSON ({err.__class__.__name__}: {err})") from None
        for t in _themes_from_json(data, str(path)):
            themes[t.name] = t
    return tuple(themes.values())


FEATURE_NAMES = (
    "core_weight",  # log1p(summed weight of the distinct core terms in the answer)
    "core_hits",  # log1p(core term occurrences)
    "related_weight",  # log1p(summed weight of the distinct related terms)
    "exclude_weight",  # log1p(summed weight of the exclusion terms found)
    "core_sentence_share",  # share of the answer's sentences with a core term
    "any_sentence_share",  # share with a core or related term
    "question_cue",  # the question names the theme (question or core terms)
    "question_answered",  # question cue, and the answer holds a theme term and is not mere deflection
    "deflection",  # share of the answer's sentences that are boilerplate deflection
    "log_length",  # log answer length in characters
    "listed_share",  # share of core hits that stand in an enumeration (A、B、C等): a passing word in a list
)


@dataclass(frozen=True)
class ThemeMatches:
    """Term matches of one theme in one answer."""

    core: tuple[tuple[str, int, str], ...]  # (text found, token index, entry that matched)
    related: tuple[tuple[str, int, str], ...]
    exclude: tuple[tuple[str, int, str], ...]
    question_cue: bool


def split_term(entry: str) -> tuple[str, float]:
    """'term' or 'term|weight' -> (term, weight); weight defaults to 1."""
    term, sep, weight = entry.rpartition("|")
    if not sep:
        return entry, 1.0
    try:
        return term, float(weight)
    except ValueError:
        return entry, 1.0


class ThemeFeaturizer:
    """Turns (question tokens, answer tokens) into per-theme feature rows and evidence.

    Terms are matched on tokens; a term written ``re:PATTERN`` is a regular expression matched on the
    answer text (for phrases with a gap, e.g. ``re:扩大.{0,8}产能``). ``term|2`` gives a term weight 2.
    ``deflection_terms`` (boilerplate such as 请关注公告) mark answers that say nothing of substance.
    """

    def __init__(self, themes: Sequence[Theme], tokenizer, deflection_terms: Iterable[str] = ()):
        self.themes = tuple(themes)
        self.tokenizer = tokenizer
        entries, self._weights = [], {}
        for t in self.themes:
            for kind in TERM_KINDS:
                for entry in getattr(t, kind):
                    term, weight = split_term(entry)
                    self._weights[(t.name, kind, term)] = weight
                    entries.append((term, (t.name, kind)))
        self.answer_matcher = TermMatcher(entries, tokenizer)
        q_entries = [(split_term(w)[0], t.name) for t in self.themes for w in (*t.question, *t.core)]
        self.question_matcher = TermMatcher([(w, k) for w, k in q_entries if not w.startswith("re:")], tokenizer)
        self.deflection_matcher = TermMatcher([(w, "x") for w in deflection_terms], tokenizer)

    def weight(self, theme: str, kind: str, entry: str) -> float:
        return self._weights.get((theme, kind, entry), 1.0)

    def matches(self, q_tokens: Sequence[str], a_tokens: Sequence[str]) -> dict[str, ThemeMatches]:
        found = self.scan_answer(a_tokens)
        q_hit = self.question_cues(q_tokens)
        return {
            t.name: ThemeMatches(*map(tuple, found.get(t.name, ((), (), ()))), question_cue=t.name in q_hit)
            for t in self.themes
        }

    def scan_answer(self, a_tokens: Sequence[str], folded: Sequence[str] | None = None,
                    hits: list[tuple] | None = None) -> dict[str, tuple[list, list, list]]:
        """Theme name -> (core, related, exclude) lists of (text found, token index, entry), only for the
        themes with a match: ``matches`` for the hot path (most answers match no theme). ``hits``:
        ``answer_matcher.scan(a_tokens)`` if the caller has it."""
        found: dict[str, tuple[list, list, list]] = {}
        if hits is None:
            hits = self.answer_matcher.scan(a_tokens, folded)
        for term, (name, kind), first, _, entry in hits:
            lists = found.get(name)
            if lists is None:
                lists = found[name] = ([], [], [])
            lists[_KIND_INDEX[kind]].append((term, first, entry))
        return found

    def question_cues(self, q_tokens: Sequence[str], folded: Sequence[str] | None = None,
                      hits: list[tuple] | None = None) -> set[str]:
        """Names of the themes the question names (``hits``: ``question_matcher.scan(q_tokens)``)."""
        if hits is None:
            hits = self.question_matcher.scan(q_tokens, folded)
        return {m[1] for m in hits}

    def features(self, matches: dict[str, ThemeMatches], a_tokens: Sequence[str]) -> np.ndarray:
        """One row per theme (in ``self.themes`` order), columns ``FEATURE_NAMES``."""
        found = {name: (m.core, m.related, m.exclude) for name, m in matches.items() if m.core or m.related or m.exclude}
        cues = {name for name, m in matches.items() if m.question_cue}
        return np.asarray(self.feature_rows(found, cues, a_tokens), dtype=float)

    def feature_rows(self, found: dict[str, tuple], cues: set[str], a_tokens: Sequence[str],
                     folded: Sequence[str] | None = None, sentence_breaks: list[int] | None = None,
                     deflections: list[tuple] | None = None, text: str | None = None) -> list[tuple]:
        """``features`` from ``scan_answer`` and ``question_cues`` results, as a list of tuples (rows
        of the batch's matrix). ``folded``, ``sentence_breaks``, ``deflections``, ``text``:
        ``fold_tokens(a_tokens)``, ``break_positions(a_tokens)[1]``, ``deflection_matcher.scan(a_tokens)``,
        the tokens joined, if the caller has them."""
        if sentence_breaks is None:
            sentence_breaks = break_positions(a_tokens)[1]
        n_sent = bisect_left(sentence_breaks, len(a_tokens) - 1) + 1 if a_tokens else 1
        log_length = math.log1p(sum(map(len, a_tokens)) if text is None else len(text))
        if deflections is None:
            deflections = self.deflection_matcher.scan(a_tokens, folded)
        deflection = len({bisect_left(sentence_breaks, m[2]) for m in deflections}) / n_sent if deflections else 0.0
        rows = []
        for t in self.themes:
            name = t.name
            lists = found.get(name)
            if lists is None:  # no term of the theme in the answer: only the question and the answer's size speak
                rows.append((0.0, 0.0, 0.0, 0.0, 0.0, 0.0, float(name in cues), 0.0, deflection, log_length, 0.0))
                continue
            core, related, exclude = lists
            weights = self._weights
            core_sents = {bisect_left(sentence_breaks, i) for _, i, _ in core}
            any_sents = core_sents | {bisect_left(sentence_breaks, i) for _, i, _ in related}
            core_w = sum(weights.get((name, "core", e), 1.0) for e in {e for _, _, e in core})
            rel_w = sum(weights.get((name, "related", e), 1.0) for e in {e for _, _, e in related})
            exc_w = sum(weights.get((name, "exclude", e), 1.0) for _, _, e in exclude)
            cue = name in cues
            rows.append((
                math.log1p(core_w),
                math.log1p(len(core)),
                math.log1p(rel_w),
                math.log1p(exc_w),
                len(core_sents) / n_sent,
                len(any_sents) / n_sent,
                float(cue),
                float(cue and bool(any_sents) and deflection < 0.5),
                deflection,
                log_length,
                _listed_share(a_tokens, core, related),
            ))
        return rows

    @staticmethod
    def evidence(matches: ThemeMatches, a_tokens: Sequence[str], sent_of: Sequence[int] | None = None) -> Evidence | None:
        """The sentence with the most core (then related) terms, and the terms found in the answer.
        (``sent_of``: no longer needed; kept for callers that pass it.)"""
        found = evidence_tuple(matches.core, matches.related, a_tokens, break_positions(a_tokens)[1])
        return Evidence(*found) if found is not None else None


def evidence_tuple(core: Sequence[tuple], related: Sequence[tuple], a_tokens: Sequence[str],
                   sentence_breaks: list[int]) -> tuple | None:
    """``ThemeFeaturizer.evidence`` as a plain (terms, sentence, start, end) tuple, from the theme's core
    and related matches and the answer's sentence breaks (``break_positions(a_tokens)[1]``)."""
    n = len(a_tokens)
    hits = [(w, i, 2.0) for w, i, _ in core if 0 <= i < n] + [(w, i, 1.0) for w, i, _ in related if 0 <= i < n]
    if not hits:
        return None
    weight: dict[int, float] = {}
    for _, i, w in hits:
        s = bisect_left(sentence_breaks, i)
        weight[s] = weight.get(s, 0.0) + w
    best = max(sorted(weight), key=weight.__getitem__)
    # sentence ``best`` runs from the token after the previous break to its own break (or the end)
    first = sentence_breaks[best - 1] + 1 if best > 0 else 0
    last = sentence_breaks[best] if best < len(sentence_breaks) else n - 1
    start = len("".join(a_tokens[:first]))
    text = "".join(a_tokens[first : last + 1])
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    terms = tuple(dict.fromkeys(w for w, _, _ in sorted(hits, key=_strongest_first)))
    return terms, stripped, start + lead, start + lead + len(stripped)


def _strongest_first(hit: tuple) -> tuple:
    return -hit[2], hit[1]


_KIND_INDEX = {kind: k for k, kind in enumerate(TERM_KINDS)}


def _listed_share(tokens: Sequence[str], core: Sequence[tuple], related: Sequence[tuple]) -> float:
    """Share of core hits that are a passing item in an enumeration of other things. A list whose
    neighbouring items are terms of the same theme (非公开发行股票、发行债券等融资渠道) is the theme's
    own subject, not a passing mention."""
    if not core:
        return 0.0
    theme_tokens = {i for _, i, _ in core} | {i for _, i, _ in related}
    listed = 0
    for _, i, _ in core:
        if _in_list(tokens, i) and not any(j in theme_tokens for j in (i - 2, i - 1, i + 1, i + 2)):
            listed += 1
    return listed / len(core)


def _in_list(tokens: Sequence[str], i: int) -> bool:
    """Token i stands in an enumeration: a 、 within two tokens on either side, or 等 right after."""
    near = tokens[max(0, i - 2) : i] + tokens[i + 1 : i + 3]
    return "、" in near or (i + 1 < len(tokens) and tokens[i + 1] == "等")


class ThemeTagger(StandardizedLinear):
    """Pooled logistic regression over theme-agnostic evidence features, plus, with ``per_theme``, what
    each built-in theme's own labels teach.

    The pooled part (``coef_``, ``intercept_`` over ``FEATURE_NAMES``, standardized by ``mean_`` and
    ``scale_``) scores any theme, a user's too. With ``per_theme`` one logistic regression also learns,
    for each theme in its training labels: an offset (``theme_bias_``), a weight per term entry of the
    theme file that matched (``term_weight_``: "c|entry", "r|entry", "x|entry" for core, related,
    exclude; how much *this* term says, where the pooled part only knows its kind and file weight), and a
    weight per answer word (``word_weight_``: words such as 产能 or 募集 that the term lists do not
    weigh). Indicator columns are scaled by ``term_scale`` and ``word_scale`` (smaller: more strongly
    regularized toward the pooled part); an entry or word seen in fewer than ``min_df`` training rows
    is not learned. Stored weights have the scales folded in. A theme without labels (a user's) gets
    none of them: the pooled part alone, as before.

    Parameters mirror scikit-learn: ``C`` (inverse regularization), ``class_weight``, ``threshold``
    (probability at which a theme is tagged), ``random_state``.
    """

    FEATURE_NAMES = FEATURE_NAMES

    def __init__(self, C: float = 0.3, class_weight: str | None = None, threshold: float = 0.5, random_state: int = 0,
                 per_theme: bool = False, term_scale: float = 0.5, word_scale: float = 0.2, min_df: int = 3):
        self.C = C
        self.class_weight = class_weight
        self.threshold = threshold
        self.random_state = random_state
        self.per_theme = per_theme
        self.term_scale = term_scale
        self.word_scale = word_scale
        self.min_df = min_df

    def get_params(self) -> dict:
        return {"C": self.C, "class_weight": self.class_weight, "threshold": self.threshold,
                "random_state": self.random_state, "per_theme": self.per_theme, "term_scale": self.term_scale,
                "word_scale": self.word_scale, "min_df": self.min_df}

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None,
            themes: Sequence[str] = (), entries: Sequence[dict] = (), words: Sequence[Iterable[str]] = ()) -> "ThemeTagger":
        """``X``, ``y``: one row per (answer, theme), answer by answer, themes in ``themes`` order. With
        ``per_theme``: ``entries`` per answer ``{theme: keys of the entries that matched}``
        (``entry_keys``), ``words`` per answer its words (``answer_words``)."""
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        Z = self._standardize_fit(X)
        self.theme_bias_, self.term_weight_, self.word_weight_ = {}, {}, {}
        self.__dict__.pop("_compiled", None)
        self.__dict__.pop("_words_of", None)
        blocks, columns = [sparse.csr_matrix(Z)], []
        if self.per_theme:
            k = len(themes)
            if k == 0 or len(Z) != k * len(entries) or len(entries) != len(words):
                raise ValueError("per_theme needs themes, and entries and words for every answer")
            rows = [(t, {f"e|{e}" for e in ent.get(t, ())} | {f"w|{w}" for w in ws})
                    for ent, ws in zip(entries, map(set, words)) for t in themes]
            counts: dict[tuple[str, str], int] = {}
            for t, keys in rows:
                for key in keys:
                    counts[(t, key)] = counts.get((t, key), 0) + 1
            columns = [(t, "bias") for t in themes] + sorted(c for c, n in counts.items() if n >= self.min_df)
            index = {c: j for j, c in enumerate(columns)}
            cells = []  # (row, column, value) of the indicator block
            for i, (t, keys) in enumerate(rows):
                cells.append((i, index[(t, "bias")], 1.0))
                for key in keys:
                    j = index.get((t, key))
                    if j is not None:
                        cells.append((i, j, self.term_scale if key[0] == "e" else self.word_scale))
            r, c, v = zip(*cells)
            blocks.append(sparse.csr_matrix((v, (r, c)), shape=(len(rows), len(columns))))
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, random_state=self.random_state,
                                   max_iter=3000)
        model.fit(sparse.hstack(blocks).tocsr(), np.asarray(y, dtype=int), sample_weight=sample_weight)
        n = Z.shape[1]
        self.coef_ = model.coef_[0][:n].copy()
        self.intercept_ = float(model.intercept_[0])
        for (t, key), w in zip(columns, model.coef_[0][n:]):
            if key == "bias":
                self.theme_bias_[t] = round(float(w), 6)
            elif key[0] == "e":
                self.term_weight_.setdefault(t, {})[key[2:]] = round(float(w) * self.term_scale, 6)
            else:
                self.word_weight_.setdefault(t, {})[key[2:]] = round(float(w) * self.word_scale, 6)
        return self

    def compiled(self, themes: Sequence[str]) -> tuple[dict, np.ndarray, np.ndarray]:
        """The per-theme weights for ``themes`` (in that order) as (feature index, weight matrix
        features × themes, offsets): a word's row holds its weight for every theme, a term entry's
        only for its own theme. Built once per theme order and kept."""
        cache = self.__dict__.setdefault("_compiled", {})
        key = tuple(themes)
        if key not in cache:
            column = {t: j for j, t in enumerate(themes)}
            index: dict = {}  # feature -> row of the matrix, from 1: row 0 stays zero (see feature_indices)
            cells: list[tuple[int, int, float]] = []
            for t, weights in sorted(getattr(self, "word_weight_", {}).items()):
                if t in column:
                    for word, w in weights.items():
                        cells.append((index.setdefault(word, len(index) + 1), column[t], w))
            for t, weights in sorted(getattr(self, "term_weight_", {}).items()):
                if t in column:
                    for entry, w in weights.items():
                        cells.append((index.setdefault((t, entry), len(index) + 1), column[t], w))
            matrix = np.zeros((len(index) + 1, len(themes)))
            for i, j, w in cells:
                matrix[i, j] = w
            bias = np.array([getattr(self, "theme_bias_", {}).get(t, 0.0) for t in themes])
            cache[key] = (index, matrix, bias)
        return cache[key]

    def feature_indices(self, themes: Sequence[str], entries: dict, words: Iterable[str]) -> list[int]:
        """The per-theme features one answer holds (its words, and each theme's matched entry keys),
        as sorted indices into ``compiled(themes)``."""
        index = self.compiled(themes)[0]
        found = set(map(index.get, words))  # words it never learned (one character too) map to None
        found.discard(None)
        for t, keys in entries.items():
            for k in keys:
                i = index.get((t, k))
                if i is not None:
                    found.add(i)
        return sorted(found)

    def theme_part_rows(self, themes: Sequence[str], rows: Sequence[Sequence[int]]) -> np.ndarray:
        """What the per-theme weights add to the decision values of many answers (answers × themes),
        from their ``feature_indices``. One sparse product: each answer's sum runs over its own
        features in index order, so it does not depend on the other answers scored with it."""
        from scipy import sparse

        from itertools import chain

        index, matrix, bias = self.compiled(themes)
        if not getattr(self, "theme_bias_", None):
            return np.zeros((len(rows), len(themes)))
        indptr = np.cumsum([0] + list(map(len, rows)))
        cols = np.array(list(chain.from_iterable(rows)), dtype=np.int64)
        X = sparse.csr_matrix((np.ones(len(cols)), cols, indptr), shape=(len(rows), matrix.shape[0]))
        return X @ matrix + bias

    def top_words(self, themes: Sequence[str], indices: Sequence[int], theme: str, n: int = 3) -> tuple:
        """The answer words (of its ``feature_indices``) whose per-theme weights moved ``theme``'s
        decision value most: ((word, contribution), ...), strongest first (ties by word)."""
        index, matrix, _ = self.compiled(themes)
        words = self.__dict__.setdefault("_words_of", {}).get(tuple(themes))
        if words is None:
            words = self._words_of[tuple(themes)] = {i: w for w, i in index.items() if isinstance(w, str)}
        j = list(themes).index(theme)
        found = [(words[i], round(float(matrix[i, j]), 4)) for i in indices if i in words and matrix[i, j] != 0.0]
        return tuple(sorted(found, key=lambda wc: (-abs(wc[1]), wc[0]))[:n])

    def theme_part(self, themes: Sequence[str], entries: dict, words: Iterable[str]) -> list[float]:
        """``theme_part_rows`` of one answer: what the per-theme weights add, theme by theme (0 for a
        theme the labels did not cover, and for every theme without ``per_theme``)."""
        return self.theme_part_rows(themes, [self.feature_indices(themes, entries, words)])[0].tolist()

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return self._linear(X)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision_function(X)))

    def proba_rows(self, X: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
        """``predict_proba`` of many answers' rows at once (each row rounded independently of the
        others); ``extra``: ``theme_part`` values to add, one per row."""
        z = self._linear_rows(X)
        if extra is not None:
            z = z + np.asarray(extra, dtype=float).reshape(-1)
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict:
        d = super().to_dict()
        if getattr(self, "theme_bias_", None):
            d["per_theme"] = {"bias": self.theme_bias_, "terms": self.term_weight_, "words": self.word_weight_}
        return d

    @classmethod
    def from_dict(cls, d: dict, allow_stale: bool = False):
        self = super().from_dict(d, allow_stale)
        if self.fitted:
            part = d.get("per_theme", {})
            self.theme_bias_ = dict(part.get("bias", {}))
            self.term_weight_ = {t: dict(w) for t, w in part.get("terms", {}).items()}
            self.word_weight_ = {t: dict(w) for t, w in part.get("words", {}).items()}
        return self


def entry_keys(found_lists: tuple) -> tuple[str, ...]:
    """Keys of the term entries one theme matched in an answer (``scan_answer``'s (core, related,
    exclude) lists): "c|entry", "r|entry", "x|entry"."""
    return tuple(sorted({f"{kind[0]}|{e}" for kind, hits in zip(TERM_KINDS, found_lists) for _, _, e in hits}))


def answer_words(words: Iterable[str]) -> frozenset[str]:
    """The words of an answer the per-theme weights read: those the learned tone words read
    (``ToneFeaturizer.word_tokens``: stopwords out, ¬ marking negated words), of two characters or more."""
    return frozenset(w for w in words if len(w) >= 2)
