"""nlp.parse: activity types from check boxes — every box glyph read by what it draws, bound to the
label next to it on its line (before or after it). All records are fictional except the seed."""
from __future__ import annotations

from pathlib import Path

import pytest

from nlp.parse import parse_file, parse_text

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ece50293e7075997.txt"

RECORD = """证券代码：300999    证券简称：青石科技
青石科技股份有限公司投资者关系活动记录表
投资者关系活动类别
{boxes}
参与单位名称及人员姓名 远山基金 李明
时间 2024年3月5日
地点 公司会议室
投资者关系活动主要内容介绍
问：今年订单如何？
答：一季度订单同比增长两成。
日期 2024年3月6日
"""


def activity(boxes: str) -> tuple[str, ...]:
    return parse_text(RECORD.format(boxes=boxes)).activity_types


def test_seed_checks_only_the_wingdings_2_ticked_box():
    # U+F052 is ☑ in Wingdings 2; U+F0A3 (before 路演活动) is an empty box there, not a tick
    assert parse_file(SEED).activity_types == ("特定对象调研",)


@pytest.mark.parametrize(
    "boxes, expected",
    [
        # the standard form: box, then label
        ("☑特定对象调研 □分析师会议\n□媒体采访 □业绩说明会", ("特定对象调研",)),
        # a PDF text layer that wrote boxes after their labels (☑ and □ drawn in a fallback font)
        ("☑特定对象调研 分析师会议 □\n□媒体采访 业绩说明会 □", ("特定对象调研",)),
        ("特定对象调研☑ 分析师会议□\n新闻发布会□ 路演活动√", ("特定对象调研", "路演活动")),
        ("特定对象调研 ☑ 分析师会议 □ 路演活动 □", ("特定对象调研",)),
        # Wingdings 2 (U+F052 ☑, U+F0A3 ⬜), Wingdings (U+F0FE ☑, U+F0A8 ◻, U+F06F □), Webdings (U+F061 ✔, U+F063 □)
        ("\uf052 特定对象调研 \uf0a3 分析师会议\n\uf0a3 新闻发布会 \uf052 路演活动", ("特定对象调研", "路演活动")),
        ("\uf0a8特定对象调研 \uf0fe分析师会议 \uf06f媒体采访", ("分析师会议",)),
        ("\uf063特定对象调研 \uf061业绩说明会", ("业绩说明会",)),
        # ☒ ■ ▣ are ticks; ○ ☐ are empty
        ("☒特定对象调研 ☐分析师会议 ■业绩说明会 ○路演活动 ▣现场参观", ("特定对象调研", "业绩说明会", "现场参观")),
        # the ticked glyph lost in extraction: the type without a box of its own is the checked one
        ("特定对象调研 □分析师会议 □媒体采访", ("特定对象调研",)),
        # no box glyph at all: every type listed (a category typed as text)
        ("特定对象调研 其他（电话会议）", ("特定对象调研", "其他（电话会议）")),
    ],
)
def test_boxes_bind_to_the_label_next_to_them(boxes, expected):
    assert activity(boxes) == expected


def test_unknown_private_use_glyphs_are_read_from_the_others():
    # two glyphs the tables do not know: the frequent one is the empty box
    assert activity("\ue001特定对象调研 \ue002分析师会议 \ue002媒体采访 \ue002路演活动") == ("特定对象调研",)
    # among known empty boxes an unknown glyph is the tick
    assert activity("\ue001路演活动 □分析师会议 □媒体采访") == ("路演活动",)
    # one unknown glyph on every box tells nothing: no types rather than all of them
    assert activity("\ue001特定对象调研 \ue001分析师会议 \ue001媒体采访") == ()


def test_placeholder_of_other_wrapped_over_two_lines_is_no_type():
    boxes = "☑特定对象调研 □分析师会议\n□其他（请文字说明其他活动\n内容）"
    assert activity(boxes) == ("特定对象调研",)


def test_checked_other_keeps_its_note():
    assert activity("□特定对象调研 ☑其他（电话会议） □路演活动") == ("其他（电话会议）",)


def test_template_listing_every_type_without_boxes_is_no_activity():
    text = "特定对象调研 分析师会议 媒体采访 业绩说明会 新闻发布会 路演活动 现场参观 其他"
    assert activity(text) == ()
