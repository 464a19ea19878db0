"""Non-answers (Gow, Larcker & Zakolyukina 2021, adapted to Chinese IR practice; labelled by
docs/labeling_measures.md): how much of an answer declines, deflects, defers, stays noncommittal or only
thanks.

Each ``non_answer`` category of ``nlp/lang/zh_ir/measures.json`` has a weight in (0, 1] and patterns.
The unit is the clause (split at ，,：:; and sentence ends). A clause takes the largest weight of the
matches that touch it. A clause without a match is substance (weight 0), since a partial answer is an
answer (the guide's rule 1), unless it only leads into the non-answer of its sentence: a topic clause
(``topic_clause``: 关于…, 对于…) or one of at most ``short_clause_chars`` substance characters with no
specific content (与公司相关信息，公司会及时公告) that is not a plain yes or no (``answer_clause``: 暂时没有,
是的: the guide's rule 2); such a clause takes the largest weight of its sentence.
Courtesy (您好, 感谢您的关注) is neither answer nor non-answer and leaves the count. The score is

    non_answer = Σ weight(char) over substance characters / number of substance characters

where substance characters are content characters (letters, digits, Chinese characters) outside
courtesy. An answer with content but fewer than ``min_content_chars`` substance characters is a
courtesy-only reply and scores ``courtesy_only`` (1.0); an answer with no content at all (empty,
punctuation) is undefined (NaN). ``evasive`` flags scores of at least ``evasive_threshold`` (0.5: at
least half of what the answer says is a non-answer).
"""
from __future__ import annotations

import numpy as np

from nlp.features.layout import ChunkLayout, run_any, run_max
from nlp.features.measure_patterns import MeasurePatterns


def non_answer_weights(layout: ChunkLayout, patterns: MeasurePatterns) -> np.ndarray:
    """Per character: the largest non-answer weight of a match covering it (0 if none)."""
    weight = np.zeros(len(layout.text), dtype=float)
    for category in patterns.non_answer:  # ascending weight: a later category overrides
        weight[layout.match_positions(category.patterns)] = category.weight
    return weight


def non_answer(layout: ChunkLayout, substance: np.ndarray, specific: np.ndarray, weights: np.ndarray,
               patterns: MeasurePatterns) -> np.ndarray:
    """Per row: the non-answer score in [0, 1] (see the module's docstring)."""
    if len(layout.text) == 0:
        return np.full(layout.n_rows, np.nan)
    clause_starts = layout.clause_starts
    n_clauses = len(clause_starts)
    clause_weight = run_max(weights, clause_starts)
    clause_substance = layout.count_per_clause(substance)
    clause_specific = run_any(specific & substance, clause_starts)
    clause_topic = np.zeros(n_clauses, dtype=bool)
    clause_topic[layout.clause[layout.match_starts(patterns.topic_clause)]] = True
    # the sentence of each clause: clauses never cross sentences (every sentence break is a clause break)
    clause_sentence = layout.sentence[clause_starts]
    sentence_weight = run_max(clause_weight, np.searchsorted(clause_sentence, np.arange(len(layout.sentence_starts))))
    clause_answer = np.zeros(n_clauses, dtype=bool)
    clause_answer[layout.clause[layout.match_starts(patterns.answer_clause)]] = True
    lead_in = (clause_weight == 0) & ~clause_specific & ~clause_answer & (
        clause_topic | (clause_substance <= patterns.short_clause_chars))
    clause_weight = np.where(lead_in, sentence_weight[clause_sentence], clause_weight)
    char_weight = clause_weight[layout.clause]
    substance_chars = layout.count_per_row(substance)
    content_chars = layout.count_per_row(layout.content)
    weighted = layout.per_row(np.where(substance, char_weight, 0.0))
    score = weighted / np.where(substance_chars > 0, substance_chars, 1.0)
    score = np.where(substance_chars < patterns.min_content_chars, patterns.courtesy_only, score)
    return np.clip(np.where(content_chars > 0, score, np.nan), 0.0, 1.0)


def evasive(scores: np.ndarray, threshold: float) -> np.ndarray:
    """1.0 where the score reaches ``threshold``, 0.0 below, NaN where the score is NaN."""
    return np.where(np.isnan(scores), np.nan, (scores >= threshold).astype(float))
