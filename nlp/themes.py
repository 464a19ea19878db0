"""Themes: definitions from a data file, features from matched terms, a scikit-learn tagger.

A theme is defined by data (``nlp/data/themes.json`` or a user file with the same layout): core terms,
related terms, exclusions and question cues. ``ThemeFeaturizer`` turns an answer (with its question)
into a small vector of *theme-agnostic* evidence features for each theme: how many core and related
terms the answer holds, in how many sentences, whether the question asks about the theme, how much of
the answer is boilerplate. ``ThemeTagger`` is one logistic regression over those features, pooled
across themes: because the features do not depend on which theme they describe, a theme a user adds
in their own file is scored with the same learned weights, with no labelled data of its own.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from nlp.linear import StandardizedLinear
from nlp.matching import TermMatcher
from nlp.records import Evidence, IrtoneError, ThemeResult

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
        text = resources.files("nlp.data").joinpath("themes.json").read_text(encoding="utf-8")
        for t in _themes_from_json(json.loads(text), "nlp/data/themes.json"):
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
        self._answer_matcher = TermMatcher(entries, tokenizer)
        q_entries = [(split_term(w)[0], t.name) for t in self.themes for w in (*t.question, *t.core)]
        self._question_matcher = TermMatcher([(w, k) for w, k in q_entries if not w.startswith("re:")], tokenizer)
        self._deflection = TermMatcher([(w, "x") for w in deflection_terms], tokenizer)

    def weight(self, theme: str, kind: str, entry: str) -> float:
        return self._weights.get((theme, kind, entry), 1.0)

    def matches(self, q_tokens: Sequence[str], a_tokens: Sequence[str]) -> dict[str, ThemeMatches]:
        found: dict[str, dict[str, list]] = {t.name: {k: [] for k in TERM_KINDS} for t in self.themes}
        for m in self._answer_matcher.find(a_tokens):
            name, kind = m.key
            found[name][kind].append((m.term, m.first, m.entry))
        q_hit = {m.key for m in self._question_matcher.find(q_tokens)}
        return {
            name: ThemeMatches(
                core=tuple(d["core"]), related=tuple(d["related"]), exclude=tuple(d["exclude"]),
                question_cue=name in q_hit,
            )
            for name, d in found.items()
        }

    def features(self, matches: dict[str, ThemeMatches], a_tokens: Sequence[str]) -> np.ndarray:
        """One row per theme (in ``self.themes`` order), columns ``FEATURE_NAMES``."""
        sent_of = _sentence_index(a_tokens)
        n_sent = max(1, sent_of[-1] + 1) if sent_of else 1
        length = sum(len(t) for t in a_tokens)
        deflection = len({sent_of[m.first] for m in self._deflection.find(a_tokens)}) / n_sent
        rows = []
        for t in self.themes:
            m = matches[t.name]
            core_sents = {sent_of[i] for _, i, _ in m.core}
            any_sents = core_sents | {sent_of[i] for _, i, _ in m.related}
            core_w = sum(self.weight(t.name, "core", e) for e in {e for _, _, e in m.core})
            rel_w = sum(self.weight(t.name, "related", e) for e in {e for _, _, e in m.related})
            exc_w = sum(self.weight(t.name, "exclude", e) for _, _, e in m.exclude)
            rows.append((
                math.log1p(core_w),
                math.log1p(len(m.core)),
                math.log1p(rel_w),
                math.log1p(exc_w),
                len(core_sents) / n_sent,
                len(any_sents) / n_sent,
                float(m.question_cue),
                float(m.question_cue and bool(any_sents) and deflection < 0.5),
                deflection,
                math.log1p(length),
                (sum(_in_list(a_tokens, i) for _, i, _ in m.core) / len(m.core)) if m.core else 0.0,
            ))
        return np.asarray(rows, dtype=float)

    @staticmethod
    def evidence(matches: ThemeMatches, a_tokens: Sequence[str], sent_of: Sequence[int] | None = None) -> Evidence | None:
        """The sentence with the most core (then related) terms, and the terms found in the answer."""
        hits = [(w, i, 2.0) for w, i, _ in matches.core] + [(w, i, 1.0) for w, i, _ in matches.related]
        hits = [h for h in hits if 0 <= h[1] < len(a_tokens)]
        if not hits:
            return None
        if sent_of is None:
            sent_of = _sentence_index(a_tokens)
        weight: dict[int, float] = {}
        for _, i, w in hits:
            weight[sent_of[i]] = weight.get(sent_of[i], 0.0) + w
        best = max(sorted(weight), key=lambda s: weight[s])
        offsets = np.cumsum([0] + [len(t) for t in a_tokens])
        idx = [i for i, s in enumerate(sent_of) if s == best]
        start, end = int(offsets[idx[0]]), int(offsets[idx[-1] + 1])
        text = "".join(a_tokens[idx[0] : idx[-1] + 1])
        lead = len(text) - len(text.lstrip())
        terms = tuple(dict.fromkeys(w for w, _, _ in sorted(hits, key=lambda h: (-h[2], h[1]))))
        return Evidence(terms=terms, sentence=text.strip(), start=start + lead, end=start + lead + len(text.strip()))


def _in_list(tokens: Sequence[str], i: int) -> bool:
    """Token i stands in an enumeration: a 、 within two tokens on either side, or 等 right after."""
    near = tokens[max(0, i - 2) : i] + tokens[i + 1 : i + 3]
    return "、" in near or (i + 1 < len(tokens) and tokens[i + 1] == "等")


def _sentence_index(tokens: Sequence[str]) -> list[int]:
    """Sentence number of each token (a sentence ends at 。！？；!?; or a newline)."""
    out, s = [], 0
    for tok in tokens:
        out.append(s)
        if tok in ("。", "！", "？", "!", "?", "；", ";", "\n"):
            s += 1
    return out


class ThemeTagger(StandardizedLinear):
    """Pooled logistic regression over theme-agnostic evidence features.

    Parameters mirror scikit-learn: ``C`` (inverse regularization), ``class_weight``, ``threshold``
    (probability at which a theme is tagged), ``random_state``. Learned state: ``coef_``,
    ``intercept_``, ``mean_``, ``scale_`` (feature standardization), ``feature_names_``.
    """

    FEATURE_NAMES = FEATURE_NAMES

    def __init__(self, C: float = 0.3, class_weight: str | None = None, threshold: float = 0.5, random_state: int = 0):
        self.C = C
        self.class_weight = class_weight
        self.threshold = threshold
        self.random_state = random_state

    def get_params(self) -> dict:
        return {"C": self.C, "class_weight": self.class_weight, "threshold": self.threshold, "random_state": self.random_state}

    def fit(self, X: np.ndarray, y: np.ndarray) -> "ThemeTagger":
        from sklearn.linear_model import LogisticRegression

        Z = self._standardize_fit(X)
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, random_state=self.random_state, max_iter=1000)
        model.fit(Z, np.asarray(y, dtype=int))
        self.coef_ = model.coef_[0].copy()
        self.intercept_ = float(model.intercept_[0])
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return self._linear(X)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision_function(X)))


def theme_results(themes, probs, matches, a_tokens, threshold) -> tuple[ThemeResult, ...]:
    out = []
    sent_of = None
    for t, p in zip(themes, probs):
        tagged = bool(p >= threshold)
        m = matches[t.name]
        ev = None
        if m.core or m.related:
            if sent_of is None:
                sent_of = _sentence_index(a_tokens)
            ev = ThemeFeaturizer.evidence(m, a_tokens, sent_of)
        out.append(ThemeResult(theme=t.name, score=round(float(p), 4), tagged=tagged, evidence=ev))
    return tuple(out)
