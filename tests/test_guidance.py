"""Guidance figures: items, figures, units, periods, basis, themes, and the change from the last one."""
from __future__ import annotations

from pathlib import Path

import pytest
from report_factory import answer

from nlp.guidance import answer_figures, chinese_number, filing_guidance, link

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_ece50293e7075997.txt"


def figures(text, placed="2013-05-27", **themes):
    return [(f.item, f.figure, f.qualifier, f.period, f.basis) for f in answer_figures(answer(text, themes=themes), 0, placed)]


@pytest.mark.parametrize("text,value", [("八", 8), ("两", 2), ("十二", 12), ("三十", 30), ("一百二十", 120), ("两千五百", 2500),
                                        ("7.3", 7.3), ("亿", None)])
def test_chinese_number(text, value):
    assert chinese_number(text) == value


def test_a_sentence_with_two_periods_gives_two_figures():
    assert figures("公司 2012 年资本开支 33 亿元，2013 年公司计划资本开支40-50亿元。") == [
        ("capex", "33亿元", "", "2012", "actual"), ("capex", "40-50亿元", "", "2013", "plan")]


@pytest.mark.parametrize("text,expected", [
    ("今年公司计划资本支出为40-50亿人民币。", ("capex", "40-50亿人民币", "", "2013", "plan")),
    ("2013年和2014年公司的资本开支预计在40亿左右。", ("capex", "40亿", "左右", "2013-2014", "plan")),
    ("今年上半年公司投入风力发电板块的资本开支为19亿元。", ("capex", "19亿元", "", "2013H1", None)),  # H1 not over
    ("本次计划融资规模约 7.3 亿元。", ("fundraising", "7.3亿元", "约", None, "plan")),
    ("扩产项目总投资约八亿元。", ("capex", "8亿元", "约", None, None)),
    ("预计今年公司新增装机容量为1.3GW。", ("capacity", "1.3GW", "", "2013", "plan")),
    ("公司在国内新增产能10万吨。", ("capacity", "10万吨", "", None, None)),  # where the company builds
    ("公司在手订单超过 5000MW。", ("orders", "5000MW", "超过", None, None)),
    ("明年营业收入预计增长20%以上。", ("revenue", "20%", "以上", "2014", "plan")),
    ("募集资金5000万元至1亿元。", ("fundraising", "0.5-1亿元", "", None, None)),
])
def test_items_figures_periods_and_basis(text, expected):
    assert figures(text) == [expected]


@pytest.mark.parametrize("text", [
    "公司在全球 50多个国家部署 94个数据中心。",  # no unit
    "训练一次模型(13 亿参数)需要的算力约 27.5PFlop/s-day。",  # 亿 without an item
    "我们按销售收入的3%计提产品质保拨备。",  # a rate
    "投资收益2亿元。",  # income, not capex
    # a market's figures, not the company's guidance
    "预计今年国内新增装机容量为13-15GW。",
    "公司预计今年全国新增装机容量为13-15GW。",
    "全球数据中心投资将达到300亿美元。",
    "行业总产能约为500万吨。",
])
def test_no_figure(text):
    assert figures(text) == []


def test_a_period_over_by_the_filing_date_is_actual():
    assert figures("今年上半年公司投入风力发电板块的资本开支为19亿元。", "2013-09-27")[0][4] == "actual"


def test_the_figure_takes_the_theme_its_sentence_is_about():
    scored = answer("公司去年在GPU上投入了两个亿。订单平稳。", themes={"ai_compute": ("GPU",), "capex": ("投入",)})
    (fig,) = answer_figures(scored, 0, "2023-04-10")
    assert (fig.item, fig.figure, fig.period, fig.basis, fig.value_base) == ("capex", "2亿", "2022", "actual", 2.0)
    assert fig.theme in ("ai_compute", "capex") and fig.sentence == "公司去年在GPU上投入了两个亿。"
    assert answer_figures(answer("公司去年在GPU上投入了两个亿。"), 0, "2023-04-10")[0].theme is None


def test_link_compares_in_the_base_unit_and_only_within_a_dimension():
    def fig(text, fid):
        import dataclasses

        return [dataclasses.replace(f, filing_id=fid) for f in answer_figures(answer(text), 0, "2013-01-01")]

    earlier = fig("募集资金8000万元。", "a") + fig("新增装机容量为3GW。", "a")
    (now,) = link(fig("募集资金1.2亿元。", "b"), earlier)
    assert now.previous.figure == "8000万元" and now.change == pytest.approx(0.4)
    (power,) = link(fig("新增装机容量为2500MW。", "b"), earlier)
    assert power.change == pytest.approx(-500)  # MW
    (first,) = link(fig("在手订单100台。", "b"), earlier)
    assert first.previous is None and first.change is None


def test_the_seed_gives_its_fundraising_and_its_gpu_investment():
    pytest.importorskip("nlp.parse")
    from nlp.parse import parse_file
    from nlp.scorer import Scorer

    score = Scorer().score_filing(parse_file(SEED))
    got = filing_guidance(score, score.filing.date, score.filing.date)
    found = {(g.item, g.figure, g.period) for g in got}
    assert ("fundraising", "7.3亿元", "2022") in found
    assert ("capex", "2亿", "2022") in found  # 去年在 GPU 上投入了两个亿, said in 2023
    gpu = next(g for g in got if g.figure == "2亿")
    assert "GPU" in gpu.sentence and gpu.theme == "ai_compute" and gpu.basis == "actual"
