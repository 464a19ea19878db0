"""Filing aggregates: ok answers only, tone per theme, attendance (调研热度), answer-measure aggregates."""
from __future__ import annotations

import dataclasses

import pytest
from report_factory import THEMES, answer

from nlp.filing import LENGTH_CAP, aggregate, attendance
from nlp.records import AnswerMeasures, Filing


def _filing(participants=()):
    return Filing(filing_id="f" * 16, source="fictional.txt", code="990001", name="星河云算", participants=participants)


# Lengths: "算力需求旺盛。" 7, "定增进展顺利，募资用于扩产。" 14, "订单平稳。" 5 characters.
def test_theme_tone_is_the_length_weighted_tone_of_the_tagged_answers():
    a = answer("算力需求旺盛。", tone=0.8, themes={"ai_compute": ("算力",)})
    b = answer("定增进展顺利，募资用于扩产。", tone=0.2, themes={"financing": ("定增",), "capex": ("扩产",)})
    c = answer("订单平稳。", tone=-0.1)
    d = answer("算力租赁扩产。", tone=0.5, themes={"ai_compute": ("算力",), "capex": ("扩产",)})
    score = aggregate(_filing(), [a, b, c, d], THEMES, "test")
    assert score.theme_tone["ai_compute"] == pytest.approx((7 * 0.8 + 7 * 0.5) / 14, abs=1e-4)
    assert score.theme_tone["capex"] == pytest.approx((14 * 0.2 + 7 * 0.5) / 21, abs=1e-4)
    assert score.theme_tone["financing"] == pytest.approx(0.2)
    assert score.theme_tone["domestic_chips"] is None  # no answer tagged: no tone, not a tone of 0
    assert score.tone == pytest.approx((7 * 0.8 + 14 * 0.2 - 5 * 0.1 + 7 * 0.5) / 33, abs=1e-4)


def test_only_ok_answers_count():
    good = answer("算力需求旺盛。", tone=0.8, themes={"ai_compute": ("算力",)})
    junk = dataclasses.replace(answer("Thanks a lot.", tone=-0.9, themes={"ai_compute": ("Thanks",)}), status="no_chinese")
    empty = dataclasses.replace(answer("。", tone=0.0), status="empty")
    score = aggregate(_filing(), [good, junk, empty], THEMES, "test")
    assert len(score.answers) == 3  # every answer is kept, and shown
    assert score.tone == pytest.approx(0.8)
    assert score.theme_share["ai_compute"] == 1.0 and score.theme_tone["ai_compute"] == pytest.approx(0.8)
    none_ok = aggregate(_filing(), [junk], THEMES, "test")
    assert none_ok.tone == 0.0 and none_ok.theme_tone["ai_compute"] is None


def test_measures_aggregate_where_present_and_none_without():
    plain = [answer("订单平稳。", tone=0.1)]
    assert aggregate(_filing(), plain, THEMES, "test").question_tone is None
    assert aggregate(_filing(), plain, THEMES, "test").non_answer_rate is None
    a = dataclasses.replace(answer("需求旺盛。", tone=0.6), measures=AnswerMeasures(question_tone=-0.2, non_answer=0.1))
    b = dataclasses.replace(answer("不便透露具体数字。", tone=0.0),
                            measures=AnswerMeasures(question_tone=0.4, non_answer=0.9, evasive=True))
    c = answer("谢谢。", tone=0.3)  # no measures: left out of the measure aggregates
    score = aggregate(_filing(), [a, b, c], THEMES, "test")
    # weights 5 and 9
    assert score.question_tone == pytest.approx((5 * -0.2 + 9 * 0.4) / 14, abs=1e-4)
    assert score.tone_gap == pytest.approx((5 * 0.8 + 9 * -0.4) / 14, abs=1e-4)
    assert score.non_answer_rate == 0.5


def test_long_answers_weigh_the_cap():
    long = answer("很好。" * 400, tone=1.0)
    short = answer("一般。", tone=0.0)
    score = aggregate(_filing(), [long, short], THEMES, "test")
    assert score.tone == pytest.approx(LENGTH_CAP / (LENGTH_CAP + 3), abs=1e-4)


@pytest.mark.parametrize("participants,expected", [
    ((), (None, None)),
    (("中邮证券 孙业亮 丁子慧", "中邮基金 于淼", "广发证券 吴祖鹏"), (3, 4)),
    (("甲辰基金", "乙巳证券", "甲辰基金"), (2, 3)),  # the same fund twice is one institution, two people
    (("东北证券", "龚斯闻"), (1, 2)),  # a person on their own line
    (("高盛", "中金", "摩根士丹利及客户"), (3, 3)),
    (("国泰投信", "基金经理", "投资总监"), (1, 3)),  # job titles are people of the institution above
    (("Capital International Inc.", "Boris Petersik"), (1, 2)),
])
def test_attendance(participants, expected):
    assert attendance(participants) == expected


def test_aggregate_counts_attendance():
    score = aggregate(_filing(("中邮证券 孙业亮 丁子慧", "招商基金 韩冰")), [answer("订单平稳。")], THEMES, "test")
    assert (score.n_institutions, score.n_participants) == (2, 3)
