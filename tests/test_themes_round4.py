"""Theme error classes found on the silver training labels' out-of-fold errors and on real briefing
answers (issue 18): a list of buzzwords is a passing mention even when two of its items are the theme's;
a promise to disclose a plan if there is one discusses nothing; chips bought from a supplier are not
domestic chips, nor is 国产化 of things that are not chips or IT hardware, while a chip business measured
against foreign suppliers (外资为主, 本土化, 进口替代) is; a lender's financing products are not the company's
financing. The answers are written for these tests."""
import numpy as np
import pytest

from nlp.features.themes import FEATURE_NAMES
from nlp.scorer import Scorer
from nlp.tokens import cut_batch

LISTED = FEATURE_NAMES.index("listed_share")


@pytest.fixture(scope="module")
def scorer():
    return Scorer()


def _evidence(scorer, answers):
    s = scorer._load()
    features = s["theme_features"]
    batch = cut_batch(s["tokenizer"], answers, s["vocab"])
    evidence = features.transform(batch, [set()] * len(answers))
    return features.names, evidence.X.reshape(len(answers), len(features.names), len(FEATURE_NAMES)), evidence.found


def _core(found, d, theme):
    return [t for t, _, _ in found.get(d, {}).get(theme, ([], [], []))[0]]


def test_a_list_with_items_foreign_to_the_theme_is_a_passing_mention(scorer):
    names, X, _ = _evidence(scorer, [
        "公司将通过非公开发行股份、发行公司债券、重大资产重组、股权激励等多种方式做好市值管理。",
        "公司通过非公开发行股票、发行债券等融资渠道筹集资金。",
    ])
    financing = names.index("financing")
    # 重大资产重组 and 股权激励 are not financing: every core hit of that list is passing
    assert X[0, financing, LISTED] == pytest.approx(1.0, abs=1e-12)
    # a list of financing channels alone is the theme's own subject
    assert X[1, financing, LISTED] < 0.5


def test_a_promise_to_disclose_a_plan_if_there_is_one_discusses_nothing(scorer):
    _, _, found = _evidence(scorer, [
        "公司如有再融资计划，将及时进行信息披露。",
        "您好！如果公司有新的融资计划，公司将及时对外公告，谢谢！",
        "详情请参照4月27日披露的一季度报告中募集资金使用情况的内容。",
        "公司本次非公开发行已获证监会核准，如有进展将及时公告。",
    ])
    assert not _core(found, 0, "financing") and not _core(found, 1, "financing")
    assert not _core(found, 2, "financing")
    assert "非公开发行" in _core(found, 3, "financing")


def test_bought_chips_and_other_things_made_locally_are_not_domestic_chips(scorer):
    _, _, found = _evidence(scorer, [
        "公司有多元化的光芯片采购渠道，与供应商合作稳定。",
        "公司产品实现了核电阀门的国产化，替代了国外产品。",
        "体外诊断产业在我国仍处在快速发展阶段，国产替代的进程将会逐步加快。",
        "公司自主研发的安全芯片今年开始批量出货。",
    ])
    assert not _core(found, 0, "domestic_chips") and not _core(found, 1, "domestic_chips")
    assert not _core(found, 2, "domestic_chips") and _core(found, 3, "domestic_chips")
    bought = scorer.score_answer("光芯片是否主要从国外进口？", "公司有多元化的光芯片采购渠道，与供应商合作稳定。")
    assert "domestic_chips" not in bought.tagged


def test_a_chip_business_against_foreign_suppliers_is_localization(scorer):
    answers = ["公司在半导体行业的竞争对手以外资为主，国内目前仍是空白。",
               "随着半导体厂商关注成本，我们的本土化优势明显，客户有进口替代的意愿。",
               "公司加快党政办公信息系统国产化平台的研发。",
               "数据中心的国产化还很长，唯一有国产化可能的是网络设备。",
               "公司服务器国产替代进展顺利。"]
    _, _, found = _evidence(scorer, answers)
    for d, foreign in enumerate(("外资", "本土化", "国产化", "网络设备", "国产替代")):  # the localization phrase is a core hit
        assert any(foreign in term for term in _core(found, d, "domestic_chips")), answers[d]
    # the foreign-supply word alone, without a chip in its sentence, is not chip localization
    _, _, alone = _evidence(scorer, ["公司产品具有本土化优势，客户有进口替代的意愿。"])
    assert not _core(alone, 0, "domestic_chips")


def test_a_lenders_financing_products_count_against_financing(scorer):
    names, X, _ = _evidence(scorer, ["公司旗下平台协同多家银行提供在线供应链融资产品。", "公司计划通过银行贷款融资。"])
    financing = names.index("financing")
    exclude = FEATURE_NAMES.index("exclude_weight")
    assert X[0, financing, exclude] > 0 and X[1, financing, exclude] == 0
    assert np.isfinite(X).all()
