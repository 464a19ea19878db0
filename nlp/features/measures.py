"""Per-answer measures beyond tone and themes, a chunk of answers at a time: non-answers, relevance,
specificity and forward-looking statements (definitions, formulas and thresholds: docs/measures.md).

``measure_columns`` lays the chunk's answers out as one text (``nlp.features.layout``), finds the
matches of each compiled pattern of ``nlp/lang/zh_ir/measures.json`` in it (trying a pattern only where
a match can lie: the layout's index of characters), and derives every column with numpy; relevance
projects the answers and questions into the shipped TF-IDF space in one sparse product. Each row's
values depend on that row's inputs only (never on the other answers of the chunk).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.features import forward as _forward
from nlp.features import nonanswer as _nonanswer
from nlp.features import relevance as _relevance
from nlp.features import specificity as _specificity
from nlp.features.layout import ChunkLayout
from nlp.features.measure_patterns import MeasurePatterns, load_patterns
from nlp.features.relevance import RelevanceSpace

MEASURE_COLUMNS = (
    "non_answer",  # in [0, 1]: the weighted share of the answer that declines, deflects, defers or only thanks
    "evasive",  # 1.0 where non_answer >= the threshold of measures.json (0.5), else 0.0
    "relevance",  # in [0, 1]: rank of cos(answer, question) among real pairs; NaN without a question
    "specificity",  # in [0, 1]: share of content characters in figures, dates, named places and organizations
    "forward_looking",  # in [0, 1]: share of the answer's sentences that are forward-looking
    "forward_tone",  # in (-1, 1): net tone of the tone terms inside forward-looking sentences
)


def _check_lengths(n: int, **columns: Sequence) -> None:
    for name, values in columns.items():
        if len(values) != n:
            raise ValueError(f"measure_columns: {name} has {len(values)} rows, answers has {n}")


def chunk_layout(answers: Sequence[str], patterns: MeasurePatterns) -> ChunkLayout:
    """The layout of a chunk, with the matches of every pattern found at once."""
    layout = ChunkLayout.build(answers)
    layout.find_all(patterns.every_pattern())
    return layout


def measure_columns(
    answers: Sequence[str],
    questions: Sequence[str],
    answer_tokens: Sequence[Sequence[str]] | None,
    question_tokens: Sequence[Sequence[str]] | None,
    tone_terms: Sequence[Sequence[tuple[str, float, int, bool]]],
    *,
    patterns: MeasurePatterns | None = None,
    space: RelevanceSpace | None = None,
    token_batches: tuple | None = None,
) -> dict[str, np.ndarray]:
    """The measure columns (``MEASURE_COLUMNS``) of a chunk of answers, float arrays of ``len(answers)``.

    ``answer_tokens[i]`` are the tokens of ``answers[i]`` (they must join to it; ``nlp.tokens``'s cut
    does) and ``question_tokens[i]`` those of ``questions[i]`` ("" or None: no question).
    ``tone_terms[i]``: the answer's tone terms as (term, signed weight, character offset in the answer,
    negated), as ``nlp.features.tone`` gives them. ``patterns``/``space``: other measure patterns or
    relevance space than the shipped ones. ``token_batches``: optionally the same tokens as
    (answers' ``nlp.tokens.TokenBatch``, the distinct questions' ``TokenBatch``, each row's index into
    it), read by id instead of looking up strings; with them the token lists are not read and may be
    None. NaN marks an undefined value: every column of an answer with no content (empty, punctuation only) except relevance, which is NaN only without a question;
    forward_tone without a forward-looking sentence.
    """
    n = len(answers)
    _check_lengths(n, questions=questions, tone_terms=tone_terms)
    if token_batches is None:
        if answer_tokens is None or question_tokens is None:
            raise ValueError("measure_columns: the token lists are needed without token_batches")
        _check_lengths(n, answer_tokens=answer_tokens, question_tokens=question_tokens)
    else:
        _check_lengths(n, token_batches_answers=token_batches[0], token_batches_question_of=token_batches[2])
    patterns = load_patterns() if patterns is None else patterns
    layout = chunk_layout(answers, patterns)
    courtesy = layout.match_mask(patterns.courtesy)
    substance = layout.content & ~courtesy
    specific = _specificity.specific_mask(layout, answer_tokens, patterns,
                                          None if token_batches is None else token_batches[0])

    weights = _nonanswer.non_answer_weights(layout, patterns)
    non_answer = _nonanswer.non_answer(layout, substance, specific, weights, patterns)

    counted, forward = _forward.sentence_flags(layout, courtesy, patterns)
    return {
        "non_answer": non_answer,
        "evasive": _nonanswer.evasive(non_answer, patterns.evasive_threshold),
        "relevance": _relevance.relevance(questions, answer_tokens, question_tokens, space, token_batches),
        "specificity": _specificity.specificity(layout, specific),
        "forward_looking": _forward.forward_share(layout, counted, forward),
        "forward_tone": _forward.forward_tone(layout, forward, tone_terms),
    }
