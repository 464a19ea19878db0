"""Forward-looking statements (Li 2010): the share of an answer's sentences about plans, expectations
and guidance, and the tone of those sentences.

Sentences follow the labelling guide (docs/labeling_measures.md): they end after 。！？；!?; (line breaks
do not end one), and a piece with no letter, digit or Chinese character is not a sentence; greetings and
thanks are sentences like any other. A sentence is forward-looking when a ``forward.markers`` match
starts in it outside courtesy, outside every ``forward.not_forward`` match (将其/将近 are not 将 "will";
达到预期 and 去年计划 look back) and outside the disclosure promises of the ``later`` and
``disclosure_elsewhere`` non-answer categories (将及时公告 says nothing about the business: the guide's
rule 3). Intentions count, "no intention" too (暂无减持计划: rule 2).

    forward_looking = forward sentences / counted sentences       (NaN with no counted sentence)
    forward_tone = (P − N) / (P + N + 1)                          (NaN with no forward sentence)

where P and N are the summed positive and negative signed weights of the tone terms that start inside
forward sentences: the lexicon net tone of ``nlp.features.tone`` (its weights already hold negation, degree and
the discount of promises), restricted to those sentences, in (−1, 1).
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import itemgetter

import numpy as np

from nlp.features.layout import ChunkLayout, run_any
from nlp.features.measure_patterns import MeasurePatterns

DISCLOSURE_PROMISES = ("later", "disclosure_elsewhere")


def sentence_flags(layout: ChunkLayout, courtesy: np.ndarray, patterns: MeasurePatterns) -> tuple[np.ndarray, np.ndarray]:
    """Per sentence id: (a sentence: it has content, forward-looking)."""
    if not layout.text:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    counted = run_any(layout.content, layout.sentence_starts)
    starts = layout.match_starts(patterns.forward_markers)
    if len(starts):
        promises = [rx for c in patterns.non_answer if c.name in DISCLOSURE_PROMISES for rx in c.patterns]
        blocked = layout.match_mask(patterns.not_forward) | layout.match_mask(promises) | courtesy
        starts = starts[~blocked[starts]]
    forward = np.zeros(len(counted), dtype=bool)
    forward[layout.sentence[starts]] = True
    forward &= counted
    return counted, forward


def forward_share(layout: ChunkLayout, counted: np.ndarray, forward: np.ndarray) -> np.ndarray:
    if not layout.text:
        return np.full(layout.n_rows, np.nan)
    sentence_row = layout.sentence_row
    n_counted = np.bincount(sentence_row, weights=counted.astype(float), minlength=layout.n_rows)
    n_forward = np.bincount(sentence_row, weights=forward.astype(float), minlength=layout.n_rows)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_counted > 0, n_forward / np.where(n_counted > 0, n_counted, 1.0), np.nan)


def forward_tone(layout: ChunkLayout, forward: np.ndarray,
                 tone_terms: Sequence[Sequence[tuple[str, float, int, bool]]]) -> np.ndarray:
    """Per row: the net tone of the terms inside forward sentences (see the module's docstring). A term
    whose offset lies outside its answer is not placed in any sentence."""
    n = layout.n_rows
    if not layout.text:
        return np.full(n, np.nan)
    counts = np.fromiter(map(len, tone_terms), dtype=np.int64, count=n)
    flat = list(chain.from_iterable(tone_terms))
    positive = np.zeros(n)
    negative = np.zeros(n)
    if flat:
        weights = np.fromiter(map(itemgetter(1), flat), dtype=float, count=len(flat))
        offsets = np.fromiter(map(int, map(itemgetter(2), flat)), dtype=np.int64, count=len(flat))
        rows = np.repeat(np.arange(n), counts)
        inside = (offsets >= 0) & (offsets < layout.lengths[rows])
        pos = np.where(inside, layout.starts[rows] + offsets, 0)
        in_forward = inside & forward[layout.sentence[pos]]
        positive = np.bincount(rows, weights=np.where(in_forward, np.maximum(weights, 0.0), 0.0), minlength=n)
        negative = np.bincount(rows, weights=np.where(in_forward, np.maximum(-weights, 0.0), 0.0), minlength=n)
    has_forward = np.bincount(layout.sentence_row, weights=forward.astype(float), minlength=n) > 0
    return np.where(has_forward, (positive - negative) / (positive + negative + 1.0), np.nan)
