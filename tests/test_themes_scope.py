"""Whose activity a theme term describes (issue 18): another party's capex (运营商, 客户, 参股公司, 行业) does
not count as the company's own, while the company's own capex elsewhere in the answer still does; a GPU in
a mobile-graphics answer (VPU, MIPS, Imagination) is not AI computing; a chip company's own chips count
for domestic chips. The answers are written for these tests."""
import json

import pytest

from nlp.scorer import Scorer
from nlp.tokens import cut_batch


@pytest.fixture(scope="module")
def scorer():
    return Scorer()


def _found(scorer, answers, theme):
    """Per answer: the (core, related) terms of ``theme`` the evidence features count."""
    s = scorer._load()
    batch = cut_batch(s["tokenizer"], answers, s["vocab"])
    found = s["theme_features"].transform(batch, [set()] * len(answers)).found
    out = []
    for d in range(len(answers)):
        core, related, _ = found.get(d, {}).get(theme, ([], [], []))
        out.append(([t for t, _, _ in core], [t for t, _, _ in related]))
    return out


def _terms(found):
    core, related = found
    return set(core) | set(related)


def test_operators_capex_does_not_count_in_the_sentence_that_names_them(scorer):
    operators = "今年4G网络建设进展较快，中国移动已完成一期基站的建设，二期建设正在进行中，同时，中移动已经启动了三期的建设。"
    (core, related), = _found(scorer, [operators], "capex")
    # the clause before the operator is named still counts (建设 of "4G网络建设"); none after it does
    assert core == [] and related == ["建设"]


def test_own_capex_in_another_sentence_or_after_the_company_is_named_still_counts(scorer):
    own_later = "运营商今年的资本开支有所下降。公司今年新建两条生产线，扩大产能。"
    own_same_sentence = "运营商今年的资本开支有所下降，公司今年新建两条生产线，扩大产能。"
    customer_only = "运营商今年的资本开支有所下降。"
    later, same, only = _found(scorer, [own_later, own_same_sentence, customer_only], "capex")
    assert "资本开支" not in _terms(later) and {"新建", "生产线", "扩大产能"} <= set(later[0])
    assert "资本开支" not in _terms(same) and {"新建", "生产线", "扩大产能"} <= set(same[0])
    assert _terms(only) == set()


def test_a_stake_or_a_client_named_as_the_subject_is_another_party(scorer):
    stake, client, demand = _found(scorer, [
        "公司的参股公司正在建设一期项目，预计明年投产。",
        "下游客户新建工厂较多，带动了公司设备的订单。",
        "为满足客户需求，公司新建生产线，预计明年投产。",
    ], "capex")
    assert not stake[0] and not client[0]
    # a customer's demand that the company answers is the company's capex
    assert {"新建", "生产线", "投产"} <= set(demand[0])


def test_an_industry_term_voids_only_its_own_clause(scorer):
    industry, = _found(scorer, ["行业近年来扩产较快，公司今年扩建两条产线。"], "capex")
    assert industry[0].count("扩产") == 0 and "扩建" in industry[0]


def test_scope_does_not_leak_from_one_answer_into_the_next(scorer):
    """The batch is flat arrays: an others term at the end of one answer must not reach the next answer's terms,
    and every answer gets the terms it gets when scored alone."""
    answers = ["我们的主要客户", "扩建产线正在进行中。", "行业", "扩产计划已经确定。", "运营商资本开支下降。公司新建产线。"]
    together = _found(scorer, answers, "capex")
    alone = [_found(scorer, [a], "capex")[0] for a in answers]
    assert together == alone
    assert "扩建" in together[1][0] and "扩产" in together[3][0]


def test_scorer_tags_own_capex_and_not_operators(scorer):
    operators = scorer.score_answer("目前4G网络建设的情况？",
                                    "中国移动已完成一期基站的建设，二期建设正在进行中，同时，中移动已经启动了三期的建设。")
    mixed = scorer.score_answer("", "运营商今年的资本开支有所下降。公司今年新建两条生产线，扩大产能，预计明年投产。")
    assert "capex" not in operators.tagged and "capex" in mixed.tagged
    assert operators.theme("capex").score < mixed.theme("capex").score


def test_gpu_in_a_mobile_graphics_answer_is_not_ai_compute(scorer):
    mobile, compute = _found(scorer, [
        "我们的新一代芯片集成了自研的CPU核和VPU，GPU采用Imagination的授权。",
        "公司采购了一批GPU服务器，用于建设智算中心。",
    ], "ai_compute")
    assert not ({"GPU", "CPU", "芯片"} & _terms(mobile))
    assert "GPU" in compute[0]
    result = scorer.score_answer("", "我们的新一代芯片集成了自研的CPU核和VPU，GPU采用Imagination的授权。")
    assert "ai_compute" not in result.tagged


def test_a_chip_companys_own_chips_count_for_domestic_chips(scorer):
    own_card, special, negated, bought = _found(scorer, [
        "公司自主研发的安全芯片已通过认证，今年开始批量出货。",
        "特种集成电路业务的研发和销售稳步推进，产品品种不断增加。",
        "公司暂无涉及芯片的计划。",
        "公司采购的芯片主要用于控制器。",
    ], "domestic_chips")
    assert own_card[0] and "特种集成电路" in _terms(special)
    assert not negated[0] and not bought[0]


def test_a_user_theme_file_may_name_others_and_own(tmp_path):
    path = tmp_path / "themes.json"
    path.write_text(json.dumps({"themes": [{
        "name": "stores", "label": "门店", "core": ["新开门店|2", "开店|2"],
        "others": ["加盟商"], "own": ["公司"],
    }]}, ensure_ascii=False), encoding="utf-8")
    mine = Scorer(theme_files=[path])
    franchise, own = _found(mine, ["加盟商今年新开门店较多。", "加盟商有所减少，公司今年新开门店20家。"], "stores")
    assert franchise == ([], []) and own[0] == ["新开门店"]


def test_a_stakes_listing_or_a_clients_loan_is_not_the_companys_financing(scorer):
    stake, client, own = _found(scorer, [
        "公司参股的城商行已向证监会报送IPO申请材料。",
        "平台协同多家银行为客户提供在线融资产品。",
        "参股公司的上市仍在排队，公司本身拟非公开发行股票募集资金。",
    ], "financing")
    assert not stake[0] and not client[0]
    assert {"非公开发行", "募集资金"} <= set(own[0]) and "IPO" not in own[0]


def test_a_topic_clause_belongs_to_the_party_the_next_clause_names(scorer):
    operators, own, nobody = _found(scorer, [
        "关于明年的资本开支，目前运营商还没有明确的规划。",
        "关于明年的资本开支，公司计划新建两条产线。",
        "对于募投项目，目前进展顺利，预计年底投产。",
    ], "capex")
    assert operators == ([], [])
    assert "资本开支" in own[0] and "新建" in own[0]
    assert "募投项目" in nobody[0] and "投产" in nobody[0]


def test_a_clause_that_points_to_a_document_discusses_nothing(scorer):
    """募投项目进展请参见《…专项报告》, 在建项目详见年报, 已在年报中披露: the terms of a pointer's clause (and
    of the title it points to) do not count; a fact stated in another clause of the answer still does."""
    pointers = ["募投项目的进展情况请参见公司《关于募集资金存放与使用情况的专项报告》，谢谢。",
                "您好，公司的在建工程、扩产项目详见年度报告。",
                "公司募投项目的实施情况已在半年度报告中进行了披露。"]
    for found in _found(scorer, pointers, "capex") + _found(scorer, pointers, "financing"):
        assert _terms(found) == set(), found
    (stated, _), = _found(scorer, ["公司的募投项目正在建设中，资金使用情况请详见《募集资金存放与使用情况的专项报告》。"],
                          "capex")
    assert "募投项目" in stated
    assert not _found(scorer, ["公司的募投项目正在建设中，资金使用情况请详见《募集资金存放与使用情况的专项报告》。"],
                      "financing")[0][0]
