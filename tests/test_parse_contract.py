"""nlp.parse: what a Filing promises about its identity and date, and page furniture that never
lands in a question or answer. Every record here is fictional."""
from __future__ import annotations

import pytest

from nlp.parse import parse_text

BODY = "问：今年订单如何？\n答：一季度订单同比增长两成。\n问：海外业务进展？\n答：东南亚工厂已投产。"
ROW = {"doc_id": "9000000001", "code": "300999", "name": "青石科技", "category": "特定对象调研",
       "institutions": "远山基金", "date": "2024-03-06"}


# ---- filing_id -------------------------------------------------------------------------------


def test_meetings_sharing_text_get_distinct_ids():
    first = parse_text(BODY, "t.csv#1", meta=ROW)
    other_visit = parse_text(BODY, "t.csv#2", meta={**ROW, "doc_id": "9000000002", "institutions": "北辰证券"})
    other_kind = parse_text(BODY, "t.csv#3", meta={**ROW, "doc_id": "9000000003", "category": "路演活动"})
    assert len({first.filing_id, other_visit.filing_id, other_kind.filing_id}) == 3


def test_same_row_gets_the_same_id_wherever_it_sits():
    # the source (path#row) is not part of the id: a row moved in the table keeps it
    assert parse_text(BODY, "a.csv#1", meta=dict(ROW)).filing_id == parse_text(BODY, "b.csv#77", meta=dict(ROW)).filing_id
    reordered = dict(reversed(list(ROW.items())))
    assert parse_text(BODY, meta=reordered).filing_id == parse_text(BODY, meta=ROW).filing_id


def test_whitespace_in_identity_columns_does_not_change_the_id():
    spaced = {**ROW, "institutions": " 远山 基金 "}
    assert parse_text(BODY, meta=spaced).filing_id == parse_text(BODY, meta=ROW).filing_id


# ---- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("８/22/2013", "2013-08-22"),  # full-width digit, month first
        ("8/22/2013", "2013-08-22"),
        ("２０１３-０８-２２", "2013-08-22"),
        ("2013年8月22日", "2013-08-22"),
        ("2/29/2013", None),  # no such day
        ("11/07/202", None),  # truncated year
        ("0202-06-30", None),  # garbled year
    ],
)
def test_table_date_column(value, expected):
    assert parse_text(BODY, meta={"code": "300999", "date": value}).date == expected


def test_table_date_wins_over_dates_in_the_text():
    text = "时间 2024年3月5日\n地点 公司会议室\n投资者关系活动主要内容介绍\n" + BODY + "\n日期 2024年3月8日"
    assert parse_text(text).date == "2024-03-08"  # the record's 日期 over the activity's day
    assert parse_text(text, meta={"code": "300999", "date": "2024-03-06"}).date == "2024-03-06"
    # an invalid table date gives way to the text's
    assert parse_text(text, meta={"code": "300999", "date": "2/30/2024"}).date == "2024-03-08"


# ---- page headers and footers ----------------------------------------------------------------

HEADER = """证券代码：300999    证券简称：青石科技
青石科技股份有限公司
投资者关系活动记录表
投资者关系活动类别 ☑特定对象调研 □分析师会议
时间 2024年3月5日
地点 公司会议室
投资者关系活动主要内容介绍
"""
ANSWERS = [
    ("今年订单如何？", "一季度订单同比增长两成，主要来自新能源客户，二季度排产已满。"),
    ("海外业务进展？", "东南亚工厂已投产，海外收入占比逐步提高，明年将继续扩产。"),
    ("毛利率的变化？", "原材料价格回落，毛利率较去年同期提高两个百分点左右。"),
]


@pytest.mark.parametrize(
    "header, footer",
    [
        ("青石科技", "第 {n} 页 共 3 页"),
        ("青石科技（300999）", "- {n} -"),
        ("青石科技股份有限公司 2024年3月6日", "青石科技股份有限公司投资者关系活动记录表 第 {n} 页 共 3 页"),
        ("300999 青石科技", "投资者关系活动记录表 第{n}页/共3页"),
    ],
)
def test_page_headers_and_footers_stay_out_of_answers(header, footer):
    body = []
    for n, (question, answer) in enumerate(ANSWERS, 1):
        cut = len(answer) // 2  # a page break in the middle of every answer
        body += [f"问：{question}", f"答：{answer[:cut]}", footer.format(n=n), header, answer[cut:]]
    text = header + "\n" + HEADER + "\n".join(body) + "\n日期 2024年3月6日"
    filing = parse_text(text)
    assert [(s.question, s.answer) for s in filing.qa] == ANSWERS


def test_a_short_name_that_is_an_answer_is_kept():
    text = HEADER + "问：公司的简称？\n答：青石科技\n问：明年的计划？\n答：继续扩产。"
    assert [s.answer for s in parse_text(text).qa] == ["青石科技", "继续扩产。"]
