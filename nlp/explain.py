"""Explanations: what a person sees of a score — theme evidence, tone terms, the learned words that
moved the tone — computed from the scoring core's arrays, only for the rows and themes shown.
"""
from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Sequence
from json.encoder import encode_basestring as _json_str
from math import isfinite

import numpy as np

TONE_WORDS_SHOWN = 5  # the learned words reported per answer: the strongest, by absolute contribution

# One encoder for all calls: ``json.dumps(..., ensure_ascii=False)`` builds a new one each time.
_JSON = json.JSONEncoder(ensure_ascii=False)


def round4(values) -> np.ndarray:
    """``round(v, 4)`` of each value, vectorized and exactly as Python rounds (the output must not
    change with the batch). ``rint(v·10⁴)/10⁴`` is exact except where v·10⁴ is within the product's
    rounding error (~1e-12) of a half: those few values are rounded by Python itself."""
    values = np.asarray(values, dtype=float)
    scaled = values * 1e4
    out = np.rint(scaled) / 1e4
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    if near_half.any():
        out[near_half] = [round(v, 4) for v in values[near_half].tolist()]
    return out


def evidence_tuple(core: Sequence[tuple], related: Sequence[tuple], tokens: Sequence[str],
                   sentence_breaks: list[int]) -> tuple | None:
    """Why a theme was tagged, as (terms, sentence, start, end): the sentence with the most core (weight
    2) and related (1) terms, and the terms found, strongest first. ``core``/``related``: (text found,
    token index in ``tokens``, entry); ``sentence_breaks``: indices of the tokens that end a sentence."""
    n = len(tokens)
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
    start = len("".join(tokens[:first]))
    text = "".join(tokens[first : last + 1])
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    terms = tuple(dict.fromkeys(w for w, _, _ in sorted(hits, key=_strongest_first)))
    return terms, stripped, start + lead, start + lead + len(stripped)


def _strongest_first(hit: tuple) -> tuple:
    return -hit[2], hit[1]


def strongest_words(contributions, first_seen: np.ndarray, strings: Sequence[str]) -> list[tuple]:
    """Per answer, the ``TONE_WORDS_SHOWN`` learned words that moved its score most, as ((word,
    contribution rounded), ...): by absolute contribution, ties by first occurrence in the answer.
    ``contributions``: answers × words CSR; ``first_seen``: per stored value, the token index of the
    word's first occurrence; ``strings``: column → word."""
    from scipy import sparse

    C = sparse.csr_matrix(contributions)
    n = C.shape[0]
    rows = np.repeat(np.arange(n), np.diff(C.indptr))
    order = np.lexsort((first_seen, -np.abs(C.data), rows))
    rank = np.arange(len(order)) - C.indptr[rows[order]]
    shown = order[rank < TONE_WORDS_SHOWN]
    values = round4(C.data[shown]).tolist()
    out: list[list] = [[] for _ in range(n)]
    for r, col, v in zip(rows[shown].tolist(), C.indices[shown].tolist(), values):
        out[r].append((strings[col], v))
    return [tuple(words) for words in out]


def tone_terms_json(terms: Sequence[tuple]) -> str:
    """``[[term, weight, start, negated], ...]`` as ``json.dumps(..., ensure_ascii=False)`` writes it,
    built directly (it is one column of every row). A weight that is not finite goes through the encoder."""
    if not terms:
        return "[]"
    return "[" + ", ".join([
        f"[{_json_str(term)}, {repr(weight) if isfinite(weight) else _JSON.encode(weight)}, {start}, "
        f"{'true' if negated else 'false'}]"
        for term, weight, start, negated in terms
    ]) + "]"


def tone_words_json(words: Sequence[tuple[str, float]]) -> str:
    """``[[word, contribution], ...]`` as ``json.dumps(..., ensure_ascii=False)`` writes it."""
    if not words:
        return "[]"
    return "[" + ", ".join([f"[{_json_str(w)}, {repr(c) if isfinite(c) else _JSON.encode(c)}]" for w, c in words]) + "]"


def evidence_json(themes) -> str:
    """{theme: {score, terms, sentence, start, end, words}} of the tagged ``ThemeResult``s."""
    out = {}
    for t in themes:
        if t.tagged and t.evidence is not None:
            e = t.evidence
            out[t.theme] = {"score": t.score, "terms": list(e.terms), "sentence": e.sentence, "start": e.start,
                            "end": e.end, "words": [list(wc) for wc in t.words]}
    return encode(out) if out else "{}"


def encode(value) -> str:
    return _JSON.encode(value)
