"""Pairing strategies: how the paragraphs of a record's main content become question-answer pairs.

Each strategy looks for one kind of Q&A markup; ``STRATEGIES`` lists them in the order they are
tried, and the first that applies to the paragraphs and finds pairs wins (``pair_paragraphs``).
A strategy returns ``(first_q, pairs)``: the index of the first paragraph that belongs to the
Q&A (everything before it is presentation) and the pairs found.

1. ``answer markers`` (答：, A：, 回复：, a recurring speaker): pairs anchored on the answers,
   with numbered questions before the first marker when the answered one continues their numbering;
2. ``question markers`` (问：, Q1:, 问题1：), only when there is no answer marker;
3. ``numbering``: the run of consecutive numbers (1、2、3 …) whose lines ask questions;
4. ``question marks``: paragraphs ending in ？ and the text after them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nlp.parse.pairing.answers import _numbered_questions_before, _pairs_by_answers
from nlp.parse.pairing.numbering import _pairs_by_numbering
from nlp.parse.pairing.question_marks import _pairs_by_question_marks
from nlp.parse.pairing.questions import _numbering_continued, _pairs_by_questions
from nlp.parse.pairs import _Pair
from nlp.parse.paragraphs import _Para
from nlp.parse.vocabulary import _Vocabulary

Pairing = tuple[int, list[_Pair]]


@dataclass(frozen=True)
class Strategy:
    name: str
    applies: Callable[[list[_Para]], bool]
    pair: Callable[[list[_Para], _Vocabulary], Pairing]


def _answer_indices(paras: list[_Para]) -> list[int]:
    return [i for i, p in enumerate(paras) if p.role == "A"]


def _question_indices(paras: list[_Para]) -> list[int]:
    return [i for i, p in enumerate(paras) if p.role == "Q"]


def _by_answer_markers(paras: list[_Para], vocab: _Vocabulary) -> Pairing:
    first_q, pairs = _pairs_by_answers(paras, _answer_indices(paras), vocab)
    if pairs and any(p.style is not None for p in paras[:first_q]):
        first_q, pairs = _numbered_questions_before(paras, first_q, pairs, vocab)
    return first_q, pairs


def _by_question_markers(paras: list[_Para], vocab: _Vocabulary) -> Pairing:
    return _pairs_by_questions(paras, _numbering_continued(paras, _question_indices(paras)))


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("answer markers", lambda paras: bool(_answer_indices(paras)), _by_answer_markers),
    Strategy(
        "question markers",
        lambda paras: bool(_question_indices(paras)) and not _answer_indices(paras),
        _by_question_markers,
    ),
    Strategy("numbering", lambda paras: True, _pairs_by_numbering),
    Strategy("question marks", lambda paras: True, lambda paras, vocab: _pairs_by_question_marks(paras)),
)


def pair_paragraphs(paras: list[_Para], vocab: _Vocabulary) -> Pairing:
    """``(first_q, pairs)`` of the first strategy that applies and finds pairs; ``(0, [])`` if none does."""
    for strategy in STRATEGIES:
        if strategy.applies(paras):
            first_q, pairs = strategy.pair(paras, vocab)
            if pairs:
                return first_q, pairs
    return 0, []
