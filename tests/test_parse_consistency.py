"""nlp.parse: a numbering run's items are treated alike, two speakers answering one question,
the company name taken from the header only.

Every record here is invented for these tests (fictional companies, people and numbers).
"""
from __future__ import annotations

from nlp.parse import parse_text

HEADER = """证券代码：300999        证券简称：青石科技
投资者关系活动记录表
投资者关系活动类别 特定对象调研
参与单位名称及人员姓名 远山基金 李明
时间 2024年3月5日
投资者关系活动主要内容介绍
"""
FOOTER = """附件清单（如有） 无
日期 2024年3月6日
"""


def pairs(filing):
    return [(s.question, s.answer) for s in filing.qa]


def kinds(filing):
    return [s.kind for s in filing.segments]


# -- 1. numbered topic items of one run: all questions, split the same way ------------------------

TOPICS_ONE_LINE = HEADER + """远山基金调研员到公司进行现场调研，主要内容如下：
1、公司定向增发事宜。本次定增募集资金五亿元，主要用于智能传感器产业化项目，目前尚在尽职调查阶段。
2、公司的经营情况。公司主营工业传感器，今年上半年收入同比增长两成，毛利率基本稳定。
""" + FOOTER


def test_numbered_topics_on_one_line_are_all_questions():
    filing = parse_text(TOPICS_ONE_LINE)
    assert kinds(filing) == ["qa", "qa"]  # 主要内容如下： only introduces
    assert pairs(filing) == [
        ("公司定向增发事宜。", "本次定增募集资金五亿元，主要用于智能传感器产业化项目，目前尚在尽职调查阶段。"),
        ("公司的经营情况。", "公司主营工业传感器，今年上半年收入同比增长两成，毛利率基本稳定。"),
    ]


TOPICS_WITH_BODIES = HEADER + """远山基金调研员到公司进行现场调研，主要内容如下：
一、公司目前的产品。公司在历年定期报告中披露过产品分类，主要分为工业传感器和智能仪表两大类，今年上半年收购了一家仪表贸易公司。
目前工业传感器收入占比约七成，智能仪表主要出口东南亚。
二、公司员工构成情况。公司现有员工800多人，其中研发人员约三成。
三、智能仪表销售情况。
目前该产品已在两家水务公司实现销售。
四、公司定向增发事宜。目前申报材料尚未报送审核。
""" + FOOTER


def test_numbered_topics_with_and_without_bodies_split_alike():
    filing = parse_text(TOPICS_WITH_BODIES)
    assert kinds(filing) == ["qa", "qa", "qa", "qa"]
    assert pairs(filing) == [
        (
            "公司目前的产品。",
            "公司在历年定期报告中披露过产品分类，主要分为工业传感器和智能仪表两大类，今年上半年收购了一家仪表贸易公司。"
            "目前工业传感器收入占比约七成，智能仪表主要出口东南亚。",
        ),
        ("公司员工构成情况。", "公司现有员工800多人，其中研发人员约三成。"),
        ("智能仪表销售情况。", "目前该产品已在两家水务公司实现销售。"),
        ("公司定向增发事宜。", "目前申报材料尚未报送审核。"),
    ]


TOPICS_ANSWERED_BELOW = HEADER + """远山基金调研员到公司进行现场调研，主要内容如下：
一、公司的基本概况。公司主营工业传感器，产品主要用于电网和水务两个领域。
二、智能仪表市场竞争格局情况。
国内市场集中度较低，公司份额约一成。
三、公司智能仪表的销售情况
目前已在两家水务公司实现销售。
""" + FOOTER


def test_a_topic_run_is_recognised_by_topics_answered_in_paragraphs_of_their_own():
    assert pairs(parse_text(TOPICS_ANSWERED_BELOW)) == [
        ("公司的基本概况。", "公司主营工业传感器，产品主要用于电网和水务两个领域。"),
        ("智能仪表市场竞争格局情况。", "国内市场集中度较低，公司份额约一成。"),
        ("公司智能仪表的销售情况", "目前已在两家水务公司实现销售。"),
    ]


PROGRAMME = HEADER + """1、参观公司展厅。随后双方进行了交流。
2、董事长介绍公司发展历程。公司成立于2001年。
3、公司的经营情况。公司主营工业传感器，今年上半年收入同比增长两成。
4、公司产品的价格情况。今年产品价格基本稳定。
""" + FOOTER


def test_programme_points_do_not_become_questions_of_a_topic_run():
    filing = parse_text(PROGRAMME)
    assert pairs(filing) == [
        ("公司的经营情况。", "公司主营工业传感器，今年上半年收入同比增长两成。"),
        ("公司产品的价格情况。", "今年产品价格基本稳定。"),
    ]
    assert [s.kind for s in filing.segments[:2]] == ["presentation", "presentation"]


# -- 2. two speakers answering one question --------------------------------------------------------

TWO_SPEAKERS = HEADER + """问题1：海外订单增长较快，公司如何看待汇率波动的影响？
王海：公司海外收入以美元结算为主，汇率波动对毛利率影响有限。
公司已开展远期结汇业务，锁定了部分汇率风险。
赵宁：从长期看，公司会继续拓展东南亚市场，分散单一市场的风险。
东南亚工厂已于今年投产，产能利用率逐月提升。
问题2：公司新产品的推广进度如何？
赵宁：新一代传感器已通过两家客户的验证，预计下半年批量供货。
目前正在与第三家客户洽谈。
王海：研发投入保持在收入的百分之八左右。
""" + FOOTER


def test_unmarked_paragraph_between_two_speakers_continues_the_answer():
    filing = parse_text(TWO_SPEAKERS)
    assert pairs(filing) == [
        (
            "海外订单增长较快，公司如何看待汇率波动的影响？",
            "公司海外收入以美元结算为主，汇率波动对毛利率影响有限。公司已开展远期结汇业务，锁定了部分汇率风险。"
            "赵宁：从长期看，公司会继续拓展东南亚市场，分散单一市场的风险。东南亚工厂已于今年投产，产能利用率逐月提升。",
        ),
        (
            "公司新产品的推广进度如何？",
            "新一代传感器已通过两家客户的验证，预计下半年批量供货。目前正在与第三家客户洽谈。"
            "王海：研发投入保持在收入的百分之八左右。",
        ),
    ]


UNMARKED_QUESTION = HEADER + """问：海外订单增长较快，公司如何看待汇率波动的影响？
王海：公司海外收入以美元结算为主，汇率波动对毛利率影响有限。
东南亚工厂的产能利用率如何？
王海：产能利用率逐月提升，目前约七成。
""" + FOOTER


def test_unmarked_paragraph_that_asks_between_answers_is_still_a_question():
    filing = parse_text(UNMARKED_QUESTION)
    assert [q for q, _ in pairs(filing)] == ["海外订单增长较快，公司如何看待汇率波动的影响？", "东南亚工厂的产能利用率如何？"]


def test_unmarked_request_or_remark_between_speakers_is_still_a_question():
    text = UNMARKED_QUESTION.replace("东南亚工厂的产能利用率如何？", "想请王总简单分析一下东南亚工厂的产能利用率。")
    assert len(pairs(parse_text(text))) == 2
    text = UNMARKED_QUESTION.replace("东南亚工厂的产能利用率如何？", "孙伟：好像东南亚工厂的产能爬坡比预期慢一些。")
    assert len(pairs(parse_text(text))) == 2


CANONICAL_ANSWERS = HEADER + """问：海外订单增长较快，公司如何看待汇率波动的影响？
答：公司海外收入以美元结算为主，汇率波动对毛利率影响有限。
公司今后主要开拓的方向。
答：东南亚和中东市场。
""" + FOOTER


def test_unmarked_line_before_a_canonical_answer_marker_stays_a_question():
    assert [q for q, _ in pairs(parse_text(CANONICAL_ANSWERS))] == [
        "海外订单增长较快，公司如何看待汇率波动的影响？",
        "公司今后主要开拓的方向。",
    ]


# -- 3. the company's full name comes from the header, not from the body ---------------------------

BODY_COMPANY = HEADER + """远山基金调研员到公司进行现场调研，主要内容如下：
一、公司营业收入增长的原因。
（1）公司上半年收购了远山（香港）电子有限公司100%股权，属于同一控制下企业合并。
（2）受益于国产替代。
""" + FOOTER


def test_company_name_is_not_taken_from_a_body_line():
    filing = parse_text(BODY_COMPANY)
    assert (filing.code, filing.name, filing.company) == ("300999", "青石科技", None)


def test_company_name_from_the_title_line():
    text = BODY_COMPANY.replace("投资者关系活动记录表\n", "青石科技股份有限公司投资者关系活动记录表\n", 1)
    assert parse_text(text).company == "青石科技股份有限公司"
    text = BODY_COMPANY.replace("投资者关系活动记录表\n", "青石科技股份有限公司\n投资者关系活动记录表\n", 1)
    assert parse_text(text).company == "青石科技股份有限公司"


def test_company_name_not_from_body_only_text():
    text = "公司控股子公司青石传感有限公司主要生产压力传感器。\n问：公司产能如何？\n答：满产。\n"
    filing = parse_text(text, meta={"code": "300999", "name": "青石科技"})
    assert filing.company is None
    filing = parse_text(text, meta={"code": "300999", "name": "青石科技", "company": "青石科技股份有限公司"})
    assert filing.company == "青石科技股份有限公司"


def test_participant_institution_is_not_the_company():
    text = HEADER.replace("远山基金 李明", "远山基金管理有限公司") + "问：公司产能如何？\n答：满产。\n" + FOOTER
    assert parse_text(text).company is None


def test_company_name_from_the_body_only_when_it_is_the_company_itself():
    body = "青石科技股份有限公司是专业从事工业传感器研发、生产和销售的企业。\n问：公司产能如何？\n答：满产。\n"
    assert parse_text(body, meta={"code": "300999", "name": "青石科技"}).company == "青石科技股份有限公司"
    # a subsidiary holding the short name is not the company
    body = "青石科技传感有限公司于2023年投产。\n问：公司产能如何？\n答：满产。\n"
    assert parse_text(body, meta={"code": "300999", "name": "青石科技"}).company is None
