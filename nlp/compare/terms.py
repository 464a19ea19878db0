"""Distinctive terms: the content terms of answers, and the log-odds z-scores of terms between two corpora.

``log_odds_z`` is the weighted log-odds ratio with an informative Dirichlet prior of Monroe,
Colaresi & Quinn (2008, "Fightin' Words", Political Analysis 16(4)); ``distinctive_terms`` applies
it to the current filing's answers against all earlier ones (see ``nlp.compare``).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nlp.lang import read_text
from nlp.records import FilingScore

DEFAULT_STOPWORDS = "stopwords.txt"
_HAS_WORD_CHAR = re.compile(r"[A-Za-z\u3400-\u9fff]")
_NUMERIC = re.compile(r"[\d.,%+\-]+")

Tokenize = Callable[[str], Sequence[str]]


def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Words separated by whitespace; '#' starts a comment."""
    if path is None:
        text = read_text(DEFAULT_STOPWORDS)
    else:
        text = Path(path).read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        words.update(line.split("#", 1)[0].split())
    return frozenset(words)


@dataclass
class TermFilter:
    """Content terms of a text for term comparison: tokens minus stopwords, 1-character tokens,
    numbers and punctuation. Tokens are NFKC-normalized (full-width letters → ASCII)."""

    stopwords: frozenset[str] = field(default_factory=load_stopwords)
    tokenizer: object | None = None  # anything with .cut(text) -> list[str]; default nlp.tokens.Tokenizer()

    def __call__(self, text: str) -> list[str]:
        if self.tokenizer is None:
            from nlp.tokens import Tokenizer

            self.tokenizer = Tokenizer()
        out = []
        # NFKC first: full-width letters (ＧＰＵ) would otherwise be cut into single characters.
        for token in self.tokenizer.cut(unicodedata.normalize("NFKC", text)):  # type: ignore[attr-defined]
            term = token.strip()
            if len(term) < 2 or term in self.stopwords or _NUMERIC.fullmatch(term):
                continue
            if not _HAS_WORD_CHAR.search(term):
                continue
            out.append(term)
        return out


def log_odds_z(
    counts_a: Counter, counts_b: Counter, prior: Counter | None = None, prior_scale: float = 0.1
) -> dict[str, float]:
    """z-scores of the log-odds ratio of each term, corpus a against corpus b (Monroe et al. 2008, eq. 16-22).

    With α_w = prior_scale · prior[w] (prior defaults to a + b) and α0 = Σ α_w:
        δ_w = log((a_w + α_w) / (n_a + α0 - a_w - α_w)) - log((b_w + α_w) / (n_b + α0 - b_w - α_w))
        var(δ_w) ≈ 1 / (a_w + α_w) + 1 / (b_w + α_w),   z_w = δ_w / √var(δ_w)
    Terms with no prior mass, or that make up a whole corpus, are skipped (their log-odds are undefined).
    """
    if prior is None:
        prior = counts_a + counts_b
    alpha = {w: prior_scale * c for w, c in prior.items() if c > 0}
    alpha0 = sum(alpha.values())
    n_a = sum(counts_a.values())
    n_b = sum(counts_b.values())
    out = {}
    for w in set(counts_a) | set(counts_b):
        a_w = alpha.get(w)
        if not a_w:
            continue
        ya, yb = counts_a.get(w, 0), counts_b.get(w, 0)
        rest_a, rest_b = n_a + alpha0 - ya - a_w, n_b + alpha0 - yb - a_w
        if rest_a <= 0 or rest_b <= 0:  # the term is all there is: its odds are infinite
            continue
        delta = math.log((ya + a_w) / rest_a) - math.log((yb + a_w) / rest_b)
        var = 1.0 / (ya + a_w) + 1.0 / (yb + a_w)
        out[w] = delta / math.sqrt(var)
    return out


def term_counts(scores: Iterable[FilingScore], tokenize: Tokenize) -> Counter:
    counts: Counter = Counter()
    for score in scores:
        for answer in score.answers:
            if answer.status == "ok":
                counts.update(tokenize(answer.answer))
    return counts


def distinctive_terms(
    current: Counter, earlier: Counter, *, prior_scale: float = 0.1, min_z: float = 1.96, top: int = 10
) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
    """(terms_in, terms_out): the most distinctive terms each way, (term, z), strongest first.

    Ties on z break by term so that the result does not depend on hashing order.
    """
    if not current or not earlier:
        return (), ()
    z = log_odds_z(current, earlier, prior_scale=prior_scale)
    rising = sorted(((w, s) for w, s in z.items() if s >= min_z and current.get(w, 0) > 0), key=lambda p: (-p[1], p[0]))
    falling = sorted(((w, s) for w, s in z.items() if s <= -min_z and earlier.get(w, 0) > 0), key=lambda p: (p[1], p[0]))
    return tuple(rising[:top]), tuple(falling[:top])
