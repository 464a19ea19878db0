"""Facts and procedures the tone lexicon must not read as news (issue 18, fourth round): each test
holds phrasings of one class and the control that keeps its sign."""
import pytest
from tone_checks import assert_negative, assert_positive, assert_toneless, weights

from nlp.scorer import Scorer


@pytest.fixture(scope="module")
def scorer():
    return Scorer()



def test_a_metric_or_a_market_segment_named_without_news_is_a_fact(scorer):
    assert_toneless(scorer, ["本年度公司实现净利润3200万元。", "具体的利润情况请以公司披露的定期报告为准。",
                             "公司的产品主要面向中高端客户。"])
    assert_positive(scorer, ["本年度公司净利润同比增长25%。"])


def test_certification_counts_when_passed_not_as_a_procedure(scorer):
    assert_toneless(scorer, ["新产品需要通过整车厂的认证才能供货。", "目前正在配合客户做产品认证工作。"])
    assert_positive(scorer, ["公司的检测实验室去年获得了CNAS认证。"])


def test_a_market_price_that_fluctuates_is_a_fact_the_company_results_are_not(scorer):
    assert_toneless(scorer, ["铜材的市场价格每年都会有波动。", "公司的出口业务会随汇率的波动而变化。"])
    assert_negative(scorer, ["今年公司的毛利率波动较大。", "近两年公司的经营业绩波动较大。"])


def test_disposing_of_assets_is_a_procedure(scorer):
    assert_toneless(scorer, ["公司已按程序处置了两台旧锅炉。", "上述股权的处置事项已经董事会审议。"])
    assert_negative(scorer, ["出售子公司股权产生了处置损失。"])


def test_whose_price_rises_decides_its_sign(scorer):
    """A seller's price that rises is good news, an input's that falls too; an input's rise stays bad."""
    assert_positive(scorer, ["今年公司主要产品的销售均价有所上涨。", "二季度起公司对部分型号产品提价。",
                             "上半年主要原材料的采购价格明显回落。"])
    assert_negative(scorer, ["主要原材料的价格较去年同期上涨。", "公司产品的销售价格有所下降。"])


def test_hypothetical_and_boilerplate_risk_warnings_carry_no_tone(scorer):
    assert_toneless(scorer, ["若行业政策发生变化，公司可能面临订单减少的风险。",
                             "本次交易能否获批尚存在不确定性，敬请广大投资者注意投资风险。"])
    assert_negative(scorer, ["公司目前面临应收账款回收困难的风险。"])


def test_a_definition_describes_a_kind_not_the_company(scorer):
    assert_toneless(scorer, ["固态电池是一种新型储能技术，具有能量密度高、安全性好等优势。"])
    assert_positive(scorer, ["公司的固态电池具有能量密度高、安全性好等优势。"])


def test_mitigating_an_effect_and_plans_in_other_words(scorer):
    assert_positive(scorer, ["公司通过远期结汇降低影响。"])
    before = weights(scorer, "公司提升核心技术水平。")
    after = weights(scorer, "公司坚持提升核心技术水平。")
    assert sum(after) < sum(before)  # 坚持…: a plan, discounted like 将…
