"""Assertions on the tone terms of single answers, shared by the tone accuracy tests."""
import pytest


def terms(scorer, answer):
    return scorer.score_answer("", answer).tone.terms


def weights(scorer, answer):
    return [t.weight for t in terms(scorer, answer)]


def assert_reassuring(scorer, texts):
    """Some positive term and no negative one."""
    for text in texts:
        w = weights(scorer, text)
        assert w and max(w) > 0 and min(w) >= 0, (text, terms(scorer, text))


def assert_positive(scorer, texts):
    """Positive terms only, and some."""
    for text in texts:
        w = weights(scorer, text)
        assert w and sum(w) > 0 and min(w) >= 0, (text, terms(scorer, text))


def assert_toneless(scorer, texts):
    for text in texts:
        assert all(w == pytest.approx(0.0) for w in weights(scorer, text)), (text, terms(scorer, text))


def assert_negative(scorer, texts):
    for text in texts:
        w = weights(scorer, text)
        assert w and sum(w) < 0, (text, terms(scorer, text))
