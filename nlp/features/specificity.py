"""Specificity (Hope, Hu & Lu 2016): the share of an answer's content characters that are specific —
numbers, amounts, percentages, dates and periods, named places and organizations.

Content characters are letters, digits and Chinese characters (punctuation and spaces are not).
Specific characters are those covered by a ``specific.patterns`` match or by a token listed in
``specific.places``/``specific.organizations`` (``nlp/lang/zh_ir/measures.json``).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.features.layout import ChunkLayout
from nlp.features.measure_patterns import MeasurePatterns


def specific_mask(layout: ChunkLayout, answer_tokens: Sequence[Sequence[str]], patterns: MeasurePatterns,
                  batch=None) -> np.ndarray:
    """Per character: inside specific content (``batch``: the answer tokens as a ``TokenBatch``)."""
    return layout.match_mask(patterns.specific) | layout.token_mask(answer_tokens, patterns.specific_words, batch)


def specificity(layout: ChunkLayout, specific: np.ndarray) -> np.ndarray:
    """Per row: specific content characters / content characters (NaN without content)."""
    content = layout.count_per_row(layout.content)
    hits = layout.count_per_row(specific & layout.content)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(content > 0, hits / np.where(content > 0, content, 1.0), np.nan)
