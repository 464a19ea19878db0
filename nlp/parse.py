"""Text → ``Filing``: the metadata and ordered segments of one investor-relations disclosure.

Public API::

    parse_document(doc: RawDocument) -> Filing
    parse_text(text, source="<text>", meta=None) -> Filing
    parse_file(path) -> Filing                      (nlp.read.read_file, then parse_document)

What a record looks like, and how it is read
--------------------------------------------
A 投资者关系活动记录表 is a two-column table flattened to text: a header (证券代码/证券简称,
the company's full name, 活动类别 checkboxes, 参与单位, 时间, 地点, 接待人员), the main content
(主要内容介绍: presentation sections, then questions and answers) and a footer (附件清单, 日期).
PDF extraction wraps every cell, labels included ("投资者关系活动\\n类别"), so labels are matched
after removing whitespace. A table row of the SZSE corpus holds the main content only; its
columns arrive in ``doc.meta`` and fill the fields the text lacks. The company's full name is
read from the title block above the first label (alone or before 投资者关系活动记录表), else from
an early line starting with a 股份有限公司 name that holds the short name (a page header, or the
company as a sentence's subject) — never from a body line naming a subsidiary or a counterparty.

The content is cleaned (page numbers, repeated page headers and fake-bold doubling dropped,
inline ``？答：`` split onto their own lines, a number PDF put on a line of its own — "2" then
"、公司产品…", or "3 PX" then "、供求展望" — put back in front of its 、), lines are joined into paragraphs where PDF
extraction wrapped them (a numbered topic such as 2.请说明应收款情况 ends its line even when it
fills it), and each paragraph gets a role from its leading marker: question
(问：, Q1:, 问题1：, 提问2…, 提问：6.…, 投资者：, 1、问：, 【问】 …), answer (答：, A：, 回答：, 回复：,
董秘答：, or a recurring speaker name that answers a question — not a point （1）灵境科技：… of an
answer naming its topic), or none; numbering (1、 1. 5.. 1：
（1） 一、 ①, "1 " with a bare space where a question or the next number starts a paragraph,
"5关于…？" with none where it continues the numbering, 1.2014年… and 7．2010—2013年…, and 2.1
— or （1）…？ right under the topic — for a question asked under the topic 2、关于…：, which becomes a
presentation heading) is noted separately. Pairs are then anchored on the answer markers (a question runs from
the first question marker — or the numbered line that continues the question numbering, or the
paragraph just before the answer, or the topic line just before it rather than an earlier
presentation point （3）节能服务… — to the answer marker; several questions before one answer
become one pair, unless unmarked answer text follows one of them (c)… 正文 d)… 答：); a numbered topic
line continuing the questions' numbering over points of another style (3、营销策略 a)…？ 答：) opens the
next question, it does not close the previous answer; questions listed together and then each
repeated in the answer before its own answer (问题一：… 1、…？ 2、…？ 回复： 1、…？ 正文 2、…？ 正文) are
a pair each; an unmarked question wrapped onto two lines (…主要是 / 哪方面？ 答：) is asked whole;
questions without an answer marker of their own become pairs with the text
that follows them (after the last answer, a numbered line continuing the numbering — in any arabic style if it asks —, or — when the
questions were bare topics such as 主要产品的销售情况 — another bare topic line), and so do numbered questions 一、…？ before the first answer marker when
the answered question continues their numbering (two or more asking with ？, or every one answered
by text of its own and asking or naming a topic — not a programme point such as 1、参观… or
1、王先生介绍…)); numbered questions listed together (1、…？ 2、…？) and then answered in
the same order (1、… 2、…, after at most one unnumbered line) are paired by number; without answer markers, on question markers; without either, on a run of
consecutive numbers (1、2、3 …, tolerating a skipped, repeated or restyled number) whose lines
ask questions (a ？ or a short topic such as 公司毛利率情况) — the numbered line is the question
and the text up to the next number its answer; when one item of the run names its topic up to a
full stop (1、公司的经营情况。正文…), every item of the run that names one is split there alike,
with or without a cue word (2、公司定向增发事宜。正文…) (sections that number their questions from 1
again each count; questions ending in ？, or short topics, before a numbering that starts late,
3、 or 十二、, are pairs too); last, on paragraphs ending in ？. Whatever precedes the first question is split into
presentation sections at 一、/（一） headings (a heading such as 二、互动交流 just before an
unnumbered question stays a heading); a speech before the first question (董事长：欢迎…) is
presentation; a later heading of any level (三、参观…, 二、 after 一、座谈会 （二）…？, 第三部分：,
PART II) ends the Q&A, and a section with numbered questions of its own is segmented on its own. Closing boilerplate (接待过程中…未泄露未公开重大信息, 参观…,
签署《承诺书》, 最后陪同…参观…, …陪同…参观…, 沟通结束后…参观…, 最后，…来访者…, a last line 谢谢大家！, （结束） or 公司展厅参观)
is dropped. Speaker names
(潘一德：) become answer markers once they answer a question; text before a colon that is a
sentence — opening with a pronoun (2、我问两个问题：…？, 我想问：) or counting what it announces
(三个关键词：) — is no speaker label; an unmarked paragraph between two
speakers' turns that does not ask (no ？, no number or label, no 请/是否/吗…, not a short topic)
is more of the answer, and the next speaker answers the same question (not before 答：, where such
a line is a question typed without its ？); 问/答 typed the wrong way round are
swapped; a question typed onto the end of the previous answer's line (6、来宾问：… included; or, numbered, onto an
unmarked line just before an answer marker) is split off; a question typed twice is asked once.

Answers tables (results briefings: ``meta["pairs"]`` from ``nlp.read``) become a Filing of
kind "answers" with one qa segment per pair, ``activity_types=("业绩说明会",)`` unless the table
has a category column, ``name`` the table's short company name (万科Ａ) when it has no name
column, and ``date`` the table's date column, else a full date in the conference title, else None.
The ``year`` of a briefing table is NOT turned into a date or an event date: "2016年度业绩说明会"
has year 2016 but is held in spring 2017, on a day the data does not give, and ``Filing.date`` /
``event_dates`` are ISO days of the event (``nlp.store`` accepts only YYYY-MM-DD as a valid date).
It becomes ``Filing.period``, the reporting period the briefing is about, which ``nlp.store``
orders undated briefings by:

* ``"2016"`` — annual (2016年度, 2016年年度, 2016年年报, or a year with no period word: 2016年投资者说明会);
* ``"2016H1"`` — half year (2016年半年度, 2016年中期);
* ``"2016Q1"`` … ``"2016Q4"`` — a quarter (2016年第一季度, 2016年三季度, 2016年1季度).

The period comes from the first "<year>年" of the conference title (after NFKC and removing
whitespace) that is not the start of a full date (2024年5月10日 is the event's day), so a combined
"2016年度及2017年第一季度业绩说明会" is the annual briefing "2016". The table's ``year`` column is used
only when the title has no year (or there is no title): when both are given and disagree the title
wins, because the title is what the company announced, while the column is a label the table's
compiler added. IR records get no period.

Text of every segment is normalized the way the labelled data is: line breaks removed and
whitespace dropped except a single space between two Latin letters ("A100 GPU" → "A100GPU",
"Model as a Service" stays).

Decisions
---------
* A stub ("见附件") with recognisable metadata (a header, or table columns) is a Filing with zero
  segments; without metadata it raises ``IrtoneError(source, "no investor-relations content
  (stub such as 见附件?)")``. Text with no metadata, no Q&A markup and no investor-relations
  keyword raises ``IrtoneError(source, "not an investor-relations record ...")``.
* ``number`` of a segment is its 1-based position among segments of its kind (explicit numbers
  in records skip, repeat and restart too often to be identifiers).
* ``filing_id`` is the first 16 hex digits of sha1 over the whitespace-free text plus the code and
  date, so that identical stub bodies filed by different companies stay distinct. Answers tables
  hash their pairs the same way.

Rules from hand audits of corpus samples (five samples of 40 records; each rule checked against
every SZSE record it changes):

* a table's code column naming a dual listing (000063.SZ/0763.HK, 000625（200625）, 000725、200725)
  gives the A share's code, and a truncated one (00) gives none; its name column is cut before 编号; a category listing every activity
  type is the form's template (no types); participants lose 等共37人 / 等机构联合调研 tails and head
  counts (本次调研共有4；位机构投资者参与), cut 《 marks, and get split Latin names (black；rock) and
  legal suffixes (…；有限公司) back;
* a short numbered programme point with text (1、现场参观, 展厅参观及主要产品介绍), or a numbered line
  announcing a speech (2、总经理…向投资者做了说明：), is presentation;
* numbered questions answered in plain text (1、…？ answer) before unnumbered 问：/答： markers are
  pairs; numbering that begins at N takes N-1 unnumbered title-answer pairs before it; with no
  answer markers, numbered lines that go on with the marked questions' numbering and ask (8、…？
  after 7、问：…) are questions;
* numbered points （1）（2） right after a bare 答： stay in that answer; 问一、： loses its colon; an
  end mark （调研结束） before the closing boilerplate is not answer text; a presentation that ends
  in an intro line (主要问答如下：) loses only that line; a sign-off under the last answer
  (…股份有限公司 证券投资部) is not answer text; a question loses a contents label before it
  (主要采访内容：1、) and a colon after it (…拓展情况：).
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from nlp.lang import read_json
from nlp.records import Filing, IrtoneError, RawDocument, Segment
from nlp.text import normalize_segment_text

__all__ = ["parse_document", "parse_text", "parse_file", "normalize_segment_text"]


# ---- regular expressions (constants, compiled once) -----------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TERMINAL = "。！？!?；;：:…"
_CLOSERS = "”’\"'）)】」』"

_LETTER_GAP = re.compile(r"(?<=[A-Za-z])[ \t\u3000\xa0]+(?=[A-Za-z])")
_ANY_WS = re.compile(r"\s+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u3000\xa0\u2002\u2003\u2009]+")

_FURNITURE = re.compile(
    r"^(?:[-—–_\s]*\d{1,3}[-—–_\s]*"
    r"|第\s*\d+\s*页\s*[,，/]?\s*(?:共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页\s*第\s*\d+\s*页"
    r"|\d{1,3}\s*/\s*\d{1,3}"
    r"|[Pp]age\s*\d+(?:\s*(?:of|/)\s*\d+)?)$"
)
_LONE_NUMBER = re.compile(r"^(?P<n>\d{1,3})(?:\s+(?P<latin>[A-Za-z0-9][A-Za-z0-9.+\-]{0,11}))?$")
_QUAD_RUN = re.compile(r"(.)\1{3}")
_FAKE_BOLD = re.compile(r"(?:(.)\1{3}[ \t]*){2,}")  # two or more characters drawn four times each
_TIME_PREFIX = re.compile(r"^(?:上午|下午)?\d{1,2}[:：]\d{2}(?:[-—~至]\d{1,2}[:：]\d{2})?[，,、]?")  # 12:15，本次调研…
_HEADING_SEPARATOR = re.compile(r"(?<!\d)[：:]|[：:](?!\d)|。")  # not the colon of 11:30
_TRAILING_QUESTION = re.compile(
    r"(?<=[。！!；;])\s*((?:\d{1,3}\s*[、.．]|[（(]\d{1,3}[)）])\s*[^。！!？?]{2,80}[？?；;]|[^。！!？?；;]{2,80}[？?])\s*$"
)
_INTRO_BEFORE_QUESTION = re.compile(
    r"^[^？?]{6,120}?如下[：:]"
    r"|^[^？?，,。：:]{0,8}(?:内容|纪要|记录)[：:]\s*(?:\d{1,3}\s*[、.．]\s*)?(?=\S)"  # 主要采访内容：1、…
)
_NARROW = re.compile("[\x00-\u2e7f]+")
_STUB = re.compile(r"^(?:详|请)?见(?:附件|附表|公告)|^(?:无|略|同上)$")

# numbering at the start of a line: (1) 1、 1. 1． 1.2014年… 1：公司… 一、 （一） 第一、 ① 2.1
_NUMBERING = re.compile(
    r"^(?:"
    r"[（(]\s*(?P<pa>\d{1,3})\s*[)）]"
    r"|[（(]\s*(?P<pc>[一二三四五六七八九十]{1,3})\s*[)）]"
    rf"|(?P<ar>\d{{1,3}})\s*(?P<asep>、|[.．,，](?![\d.．])|[.．]{{2}}(?![\d.．])|[.．](?=(?:19|20)\d\d(?:年|\s*[-—–~～至到]\s*(?:19|20)?\d\d年))|[)）]|[：:](?=\s*[{_CJK}]))"
    r"|(?P<cn>[一二三四五六七八九十]{1,3})\s*[、.．,，](?![一二三四五六七八九十]线)"
    r"|第(?P<ord>[一二三四五六七八九十]{1,3}|\d{1,3})(?:部分|个问题|个方面)?\s*[、，,：:.．]"
    r"|(?P<ci>[①-⑳])"
    r"|(?P<la>[a-zA-Z])\s*[、．)）](?![a-zA-Z])"
    r"|(?P<sub>\d{1,2}[.．]\d{1,2})(?=[ \t\u3000\xa0]+\S)"  # 2.1  … : a point under 2、
    r"|PART\s*(?P<part>[IVX]{1,4})(?![A-Za-z])[\s:：.．、]*"  # PART II 参观…
    r")(?:\s*、)*\s*"  # 2、、问： typed with the separator twice
)
# "1 公司目前产能情况？": a number and a space, only where a question or the next number starts a
# paragraph (a PDF wraps "50 多个国家" and "32 寸产品" onto a line of their own too)
_SPACE_NUMBER = re.compile(rf"^(?P<n>\d{{1,2}})[ \t\u3000]+(?=[{_CJK}])")
# "5关于二次消费？": the next number typed with no separator at all (not 3月份, 2家, 5亿元)
_BARE_NUMBER = re.compile(rf"^(?P<n>\d{{1,2}})(?=[{_CJK}])(?![年月日号个家种季亿万千百元倍成名位次期层人台吨米条所项只])")
_DASH_ANSWER = re.compile(r"^(?:——|—|--|－－)\s*(?=\S)")
_BULLET = re.compile(r"^[*＊●•·◆◇■□☆★>＞－\-—]+\s*")
# a speaker label: short text ending in a colon, or a bracketed 【问】 / [答]
_COLON_LABEL = re.compile(r"^(?P<label>[^\s:：，。,？?！!；;、“”\"]{1,14}?(?:\s{1,3}[^\s:：，。,？?！!；;、“”\"]{1,6})?)\s*[:：]\s*")
_BRACKET_LABEL = re.compile(r"^[【\[〖](?P<label>[^】\]〗]{1,12})[】\]〗]\s*[:：]?\s*")
# 问题1、… / 问题一 … / Q1. … / 问1 … : question numbers without a colon
_BARE_QUESTION = re.compile(
    r"^(?P<label>(?:问题|提问|问|Q|Ｑ)\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3}))\s*[、.．)）\s]\s*(?:[:：]\s*)?"  # 问一、：
    rf"|^(?P<glued>(?:问题|提问)\d{{1,2}})(?=[{_CJK}])"  # 提问2公司…？ typed with no separator
)
_COMMA_MARKER = re.compile(r"^(?P<label>问|答|回答|答复|回复)\s*[、，,]\s*")  # 答、… typed for 答：
_PERSON_SUFFIX = re.compile(r"人员|代表|朋友|们|[A-Za-z甲乙丙丁]")  # 机构人员 / 投资者代表 / 投资者甲
_LABEL_DIGITS = re.compile(r"[\d０-９一二三四五六七八九十]+$")
_PAREN_CONTENT = re.compile(r"[（(][^）)]*[)）]")
# a count of items (两个问题, 三个方面, 4个阶段), not an ordinal (第二个问题): a sentence announcing a list
_ITEM_COUNT = re.compile(r"(?<!第)(?:[一两二三四五六七八九十几多]|\d{1,2})个")

# inline markers that PDF/keyed text runs into the previous sentence
_INLINE_QUESTION = re.compile(
    r"(?<=[。！？!?；;”\"])[ \t\u3000]*"
    r"(?=(?:\d{1,3}\s*[、.．]\s*|[（(]\d{1,3}[)）]\s*)?(?:问题\s*\d{1,3}|问|提问\s*\d{0,3}|Q\d{0,3}|Ｑ\d{0,3})\s*[:：])"
    r"|(?<=[^\d\s])(?=\d{1,3}\s*[、.．]\s*(?:问题|问|提问)\s*[:：])"  # …上升空间2、 问：
)
_INLINE_ANSWER = re.compile(
    r"(?<=[。！？!?；;”\"])[ \t\u3000]*(?=(?:答|回答|回复|答复|A\d{0,3}|Ａ\d{0,3})\s*[:：])"
    r"|(?<=\S)[ \t\u3000]+(?=(?:答|回答|回复|答复)\s*[:：])"
)

_DATE_FULL = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:年|[-./])\s*(?P<m>\d{1,2})\s*(?:月|[-./])\s*(?P<d>\d{1,2})\s*日?")
_RANGE_TAIL = re.compile(
    r"^\s*(?:[:：]\s*\d{1,2}\s*[:：]\s*\d{2}\s*)?(?:至|到|~|～|-|—|–|－)+\s*"
    r"(?:(?P<y>(?:19|20)\d{2})\s*(?:年|[-./])\s*)?(?:(?P<m>\d{1,2})\s*(?:月|[-./])\s*)?(?P<d>\d{1,2})\s*日?"
)
_ISO_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
# A briefing's reporting period in its title: "<year>年" not followed by a month, then a quarter or
# half-year word, else annual (see the module docstring).
_TITLE_PERIOD = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})年(?!\d{1,2}月)(?:第?(?P<q>[一二三四1-4])季|(?P<h>半年|中期))?"
)
_YEAR_VALUE = re.compile(r"(?P<y>(?:19|20)\d{2})(?:年度?)?")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_CODE = re.compile(r"(?:证券|股票|公司)代码\s*[:：]?\s*(?P<code>\d{6})")
_NAME = re.compile(r"(?:证券|股票|公司)简称\s*[:：]?\s*(?P<name>[^\s:：;；,，]{2,12}?)(?=\s|$|[;；,，]|编号|公告|证券代码|股票代码)")
_COMPANY = re.compile(rf"^(?P<company>[{_CJK}A-Za-z0-9（）()·]{{2,40}}?(?:股份有限公司|有限责任公司|有限公司|集团公司))")
_COMPANY_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|公司)$")
_PAGE_HEADER = re.compile(r"^[^，。：:？]{2,30}(?:股份有限公司|有限公司)$|^编号[:：]")
_TITLE_LINE = re.compile(r"投资者关系活动记录表|投资者关系活动记录|调研活动记录表|投资者关系管理档案")
_ITEM_SEPARATORS = re.compile(r"[，,、;；\s]+")
_LIST_SEPARATORS = re.compile(r"[;；]+")
# a head count written into a participants list (本次调研共有4；位机构投资者参与): not a participant
# 凯石益正等共37人 / 华夏基金等机构联合调研 / 朱冰兵等8家机构: the name before 等 is the participant
_ETC_TAIL = re.compile(
    r"等(?:共|合计|一行)?\s*(?:\d+|[一二三四五六七八九十两几多]+)?\s*[位家名人个]?"
    r"(?:机构|媒体|单位|公司)?(?:投资者|研究员|分析师|人员)?(?:联合|共同)?(?:调研|参与|参加|来访|出席)?$")
_HEAD_COUNT = re.compile(r"共(?:有|计)?\s*\d+\s*[位家名人]?$|^\d*\s*[位家名](?:机构)?(?:投资者|研究员|分析师|人员)?(?:参与|参加|出席)")
_LEGAL_SUFFIX = re.compile(r"^(?:股份)?有限(?:责任)?公司$")  # 广发证券；有限公司: a name split before its suffix
_STAFF_NUMBER = re.compile(r"^(?:\d{1,3}\s*[、.．,，)）]|[（(]\s*\d{1,3}\s*[)）]|[①-⑳])\s*")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


# ---- vocabulary (nlp/lang/zh_ir/parse_markers.json) -------------------------------------------------------


@dataclass(frozen=True)
class _Vocabulary:
    header_fields: tuple[tuple[str, str], ...]  # (compact label, field), longest label first
    label_initials: frozenset[str]  # first characters of the labels: a fast "no label here"
    activity_types: tuple[str, ...]
    answers_activity: str  # the activity of an answers table without a category (results briefings)
    other_placeholder: tuple[str, ...]
    checked: frozenset[str]
    unchecked: frozenset[str]
    ranking_notes: tuple[str, ...]
    question_speakers: frozenset[str]
    answer_speakers: tuple[str, ...]
    not_speakers: frozenset[str]
    running_text_openers: tuple[str, ...]
    pronoun_speakers: frozenset[str]
    section_words: tuple[str, ...]
    closing_prefixes: tuple[str, ...]
    closing_phrases: tuple[str, ...]
    closing_visit_openers: tuple[str, ...]
    closing_visit_words: tuple[str, ...]
    closing_visitors: tuple[str, ...]
    closing_escorts: tuple[str, ...]
    presenters: tuple[str, ...]
    closing_thanks: tuple[str, ...]
    closing_marks: frozenset[str]
    intro_suffixes: tuple[str, ...]
    ir_keywords: tuple[str, ...]
    question_cues: tuple[str, ...]
    topic_endings: tuple[str, ...]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = read_json("parse_markers.json")
    fields = [(_compact(label), field) for field, labels in data["header_fields"].items() for label in labels]
    fields.sort(key=lambda item: -len(item[0]))
    return _Vocabulary(
        header_fields=tuple(fields),
        label_initials=frozenset(label[0] for label, _ in fields),
        activity_types=tuple(sorted(data["activity_types"], key=len, reverse=True)),
        answers_activity=data["answers_activity"],
        other_placeholder=tuple(data["other_placeholder"]),
        checked=frozenset(data["checked_glyphs"]),
        unchecked=frozenset(data["unchecked_glyphs"]),
        ranking_notes=tuple(sorted(data["ranking_notes"], key=len, reverse=True)),
        question_speakers=frozenset(data["question_speakers"]),
        answer_speakers=tuple(data["answer_speakers"]),
        not_speakers=frozenset(data["not_speakers"]),
        running_text_openers=tuple(data["running_text_openers"]),
        pronoun_speakers=frozenset(data["pronoun_speakers"]),
        section_words=tuple(data["section_words"]),
        closing_prefixes=tuple(data["closing_prefixes"]),
        closing_phrases=tuple(data["closing_phrases"]),
        closing_visit_openers=tuple(data["closing_visit_openers"]),
        closing_visit_words=tuple(data["closing_visit_words"]),
        closing_visitors=tuple(data["closing_visitors"]),
        closing_escorts=tuple(data["closing_escorts"]),
        presenters=tuple(data["presenters"]),
        closing_thanks=tuple(data["closing_thanks"]),
        closing_marks=frozenset(data["closing_marks"]),
        intro_suffixes=tuple(data["intro_suffixes"]),
        ir_keywords=tuple(data["ir_keywords"]),
        question_cues=tuple(data["question_cues"]),
        topic_endings=tuple(data["topic_endings"]),
    )


# ---- public API ----------------------------------------------------------------------------------


def parse_file(path: str | os.PathLike[str]) -> Filing:
    """Read one disclosure (TXT, PDF or DOCX) and parse it."""
    from nlp.read import read_file

    return parse_document(read_file(path))


def parse_text(text: str, source: str = "<text>", meta: dict[str, Any] | None = None) -> Filing:
    """Parse the text of one disclosure (``meta`` as ``RawDocument.meta``)."""
    return parse_document(RawDocument(source=source, text=text, format="txt", meta=dict(meta or {})))


def parse_document(doc: RawDocument) -> Filing:
    """Parse a ``RawDocument`` into a ``Filing`` (see the module docstring for the rules)."""
    meta = doc.meta or {}
    if meta.get("pairs") is not None:
        return _parse_answers(doc.source, meta)
    return _parse_record(doc.source, doc.text or "", meta)




# ---- answers tables ------------------------------------------------------------------------------


def _parse_answers(source: str, meta: dict[str, Any]) -> Filing:
    segments = []
    hashed = []
    for position, pair in enumerate(meta["pairs"], start=1):
        question = normalize_segment_text(str(pair.get("question") or ""))
        answer = normalize_segment_text(str(pair.get("answer") or ""))
        ref = pair.get("id")
        segments.append(
            Segment(
                kind="qa",
                number=_as_int(pair.get("number")) or position,
                question=question,
                answer=answer,
                text=answer,
                ref=None if ref is None else str(ref),
            )
        )
        hashed.append(f"{question}\x1e{answer}")
    code = _clean_code(meta.get("code"))
    # a conference title rarely carries a full date (2024年5月10日业绩说明会); "2016年度" is the
    # fiscal year reported on, not the day of the briefing, so it gives no date (see module docstring)
    date = _meta_date(meta.get("date")) or _first_date(str(meta.get("conference") or ""))
    period = _briefing_period(meta.get("conference"), meta.get("year"))
    company = _clean_str(meta.get("company"))
    name = _clean_str(meta.get("name"))
    if name is None and company and not _COMPANY_FORM.search(company):
        name = company  # briefing tables name the company by its short name (万科Ａ)
    return Filing(
        filing_id=_filing_id("\x1d".join(hashed), code, date),
        source=source,
        code=code,
        name=name,
        company=company,
        activity_types=_split_activity_text(meta.get("category")) or (_vocabulary().answers_activity,),
        date=date,
        period=period,
        segments=tuple(segments),
        kind="answers",
    )


def _briefing_period(conference: Any, year: Any) -> str | None:
    """The reporting period of a results briefing: "2016", "2016H1" or "2016Q3" (module docstring)."""
    title = _compact(unicodedata.normalize("NFKC", str(conference or "")))
    match = _TITLE_PERIOD.search(title)
    if match:
        if match["h"]:
            return f"{match['y']}H1"
        if match["q"]:
            return f"{match['y']}Q{_QUARTERS[match['q']]}"
        return match["y"]
    year_match = _YEAR_VALUE.fullmatch(_compact(unicodedata.normalize("NFKC", str(year or ""))))
    return year_match["y"] if year_match else None


# ---- whole records -------------------------------------------------------------------------------


@dataclass
class _Header:
    """Field values found in the text (each a list of cleaned lines)."""

    values: dict[str, list[str]]
    content_start: int  # index into lines where the main content begins
    content_end: int  # index where the footer (附件清单 / 日期) begins
    found_header: bool
    title_end: int = 0  # lines before it are the title block (code, short name, full name, title)


def _parse_record(source: str, text: str, meta: dict[str, Any]) -> Filing:
    vocab = _vocabulary()
    lines = _clean_lines(text)
    if not lines:
        if _has_meta(meta):
            return _build_filing(source, text, meta, {}, (), vocab)
        raise IrtoneError(source, "no investor-relations content (empty text)")
    header = _find_header(lines, vocab)
    content = _split_inline_markers(lines[header.content_start : header.content_end])
    if _STUB.match(_compact("".join(content))) and len(_compact("".join(content))) <= 20:
        content = []  # "见附件": the record is in an attachment we do not have
    segments = _segment(content, vocab)
    has_header = header.found_header or bool(_CODE.search("\n".join(lines[:15])))
    if not has_header and not _has_meta(meta) and not segments:
        compact = _compact(text)
        if any(word in compact for word in vocab.ir_keywords):
            pass  # an IR text with no recognisable segments: a Filing with none
        elif len(compact) < 40:
            raise IrtoneError(source, "no investor-relations content (stub such as 见附件?)")
        else:
            raise IrtoneError(
                source,
                "not an investor-relations record (no 证券代码/记录表 header, no Q&A markup, "
                "no investor-relations keywords)",
            )
    if not has_header and not _has_meta(meta) and segments and not any(s.kind == "qa" for s in segments):
        compact = _compact(text)
        if not any(word in compact for word in vocab.ir_keywords):
            raise IrtoneError(
                source,
                "not an investor-relations record (no 证券代码/记录表 header, no Q&A markup, "
                "no investor-relations keywords)",
            )
    values = dict(header.values)
    values["_lines"] = lines
    values["_title_end"] = header.title_end
    return _build_filing(source, text, meta, values, tuple(segments), vocab)


def _has_meta(meta: dict[str, Any]) -> bool:
    return any(meta.get(key) for key in ("code", "name", "company", "doc_id", "category", "institutions"))


def _build_filing(
    source: str,
    text: str,
    meta: dict[str, Any],
    values: dict[str, Any],
    segments: tuple[Segment, ...],
    vocab: _Vocabulary,
) -> Filing:
    lines: list[str] = values.get("_lines", [])
    head_text = "\n".join(lines[:40])
    code_match = _CODE.search(head_text)
    code = code_match.group("code") if code_match else _clean_code(meta.get("code"))
    name_match = _NAME.search(head_text)
    name = name_match.group("name") if name_match else _clean_name(meta.get("name"))
    company = _find_company(lines[: values.get("_title_end", 0)], lines[:20], name) or _clean_str(meta.get("company"))

    activity = _parse_activity(values.get("activity"), vocab)
    if not activity and meta.get("category"):
        activity = _parse_activity(str(meta["category"]).splitlines(), vocab) or _split_activity_text(meta["category"])
        if sum(kind in vocab.activity_types for kind in activity) >= 5:
            activity = ()  # every option of the form listed (37 SZSE records): the template, not what was held

    participants = _people_lines(values.get("participants"), vocab)
    if not participants and meta.get("institutions"):
        participants = _people_lines(str(meta["institutions"]).splitlines(), vocab)
    staff = _people_lines(values.get("staff"), vocab, strip_numbers=True)
    if not staff and meta.get("staff"):
        staff = _people_lines(str(meta["staff"]).splitlines(), vocab, strip_numbers=True)

    time_text = " ".join(values.get("time") or []) or str(meta.get("event_time") or "")
    event_dates = _event_dates(time_text)
    location_lines = values.get("location") or str(meta.get("location") or "").splitlines()
    location = normalize_segment_text("\n".join(location_lines)) or None

    date = _first_date(" ".join(values.get("date") or []))
    if date is None:
        date = event_dates[0] if event_dates else None
    if date is None:
        date = _meta_date(meta.get("date"))

    return Filing(
        filing_id=_filing_id(_compact(text), code, date),
        source=source,
        code=code,
        name=name,
        company=company,
        activity_types=activity,
        participants=participants,
        date=date,
        event_dates=event_dates,
        location=location,
        staff=staff,
        segments=segments,
        kind="ir_record",
    )


# ---- cleaning ------------------------------------------------------------------------------------


def _clean_lines(text: str) -> list[str]:
    """Stripped non-empty lines without page furniture, repeated page headers or fake-bold runs."""
    text = _ZERO_WIDTH.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n"))
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    stripped = [line for line in (_SPACES.sub(" ", raw).strip() for raw in text.split("\n")) if line]
    lines = []
    for k, line in enumerate(stripped):
        lone = _LONE_NUMBER.match(line)
        if lone and k + 1 < len(stripped) and stripped[k + 1].startswith("、"):
            # "2" / "、公司产品和原料进出口情况": PDF put the number (and "PX" of 3、PX供求展望, "3" of
            # 1、3季报) on a line of its own, where it would pass for a page number
            stripped[k + 1] = lone["n"] + "、" + (lone["latin"] or "") + stripped[k + 1][1:].lstrip()
            continue
        if _FURNITURE.match(line):
            continue
        line = _undo_fake_bold(line)
        lines.append(line)
    return _drop_repeated_headers(lines)


def _undo_fake_bold(line: str) -> str:
    """PDF "bold" drawn by overprinting comes out as every character four times (问问问问)."""
    if not _QUAD_RUN.search(line):
        return line

    def collapse(match: re.Match[str]) -> str:
        if match.start() > 0 and line[match.start() - 1].isdigit():
            return match.group(0)  # 10000000: a number, not bold text
        return _QUAD_RUN.sub(r"\1", match.group(0))

    return _FAKE_BOLD.sub(collapse, line)


def _drop_repeated_headers(lines: list[str]) -> list[str]:
    """Page headers (the record's title, code line or company name) repeat on every page: keep
    only a copy within the first lines. Other repeated lines may be real answers (暂无。) and stay."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    repeated = {
        line
        for line, n in counts.items()
        if n >= 2 and (_TITLE_LINE.search(line) or _CODE.search(line) or _PAGE_HEADER.search(line))
    }
    if not repeated:
        return lines
    seen: set[str] = set()
    kept = []
    for index, line in enumerate(lines):
        if line in repeated:
            if line in seen or index >= 10:  # a page header, not the record's own title
                continue
            seen.add(line)
        kept.append(line)
    return kept


def _split_inline_markers(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if "：" in line or ":" in line:
            line = _INLINE_QUESTION.sub("\n", line)
            line = _INLINE_ANSWER.sub("\n", line)
            out.extend(part.strip() for part in line.split("\n") if part.strip())
        else:
            out.append(line)
    return out




def _compact(text: str) -> str:
    return _ANY_WS.sub("", text)


# ---- header and footer ---------------------------------------------------------------------------


def _match_label(
    lines: list[str], i: int, vocab: _Vocabulary, fields: Iterable[str] | None = None
) -> tuple[str, int, int] | None:
    """A header label starting line ``i``, possibly wrapped over up to 3 lines.

    Returns (field, line index, char offset in that line where the value begins) or None.
    """
    first = lines[i].lstrip()
    if not first or first[0] not in vocab.label_initials:
        return None
    pieces: list[str] = []
    starts: list[int] = []
    total = 0
    for j in range(i, min(i + 3, len(lines))):
        compact = _compact(lines[j])
        starts.append(total)
        pieces.append(compact)
        total += len(compact)
    joined = "".join(pieces)
    for label, field in vocab.header_fields:
        if (fields is not None and field not in fields) or not joined.startswith(label):
            continue
        end = len(label)
        k = max(n for n, s in enumerate(starts) if s < end)
        j = i + k
        line = lines[j]
        offset = _offset_after_compact(line, end - starts[k])
        rest = line[offset:]
        if rest and rest[0] not in " \t:：" and not (field in ("time", "date") and rest[0].isdigit()):
            continue  # the label is only the start of a longer word
        rest = rest.lstrip(" \t:：")
        if field == "date" and not _DATE_FULL.search(_compact(rest + "".join(lines[j + 1 : j + 2]))):
            continue
        return field, j, len(line) - len(rest)
    return None


def _offset_after_compact(line: str, compact_chars: int) -> int:
    """Index in ``line`` just after its first ``compact_chars`` non-whitespace characters."""
    if compact_chars <= 0:
        return 0
    seen = 0
    for index, char in enumerate(line):
        if not char.isspace():
            seen += 1
            if seen == compact_chars:
                return index + 1
    return len(line)


def _find_header(lines: list[str], vocab: _Vocabulary) -> _Header:
    found: list[tuple[str, int, int, int]] = []  # field, label line, value line, value offset
    content_at = None
    i = 0
    limit = len(lines)
    while i < limit:
        hit = _match_label(lines, i, vocab)
        if hit is not None:
            field, j, offset = hit
            if field in ("attachments", "date") and not found:
                i += 1
                continue
            if field == "content":
                found.append((field, i, j, offset))
                content_at = (j, offset)
                break
            if field not in (f for f, *_ in found):
                found.append((field, i, j, offset))
            i = j + 1
            continue
        i += 1
        if not found and i > 25:
            break  # no header near the top: a body-only text
    header_fields = [f for f, *_ in found if f not in ("code", "name", "serial")]
    found_header = len(header_fields) >= 2 or content_at is not None
    if not found_header:
        start = 0
        while start < min(len(lines), 6) and _is_title_line(lines[start]):
            start += 1  # 证券代码/简称, the company's name, 投资者关系活动记录表, 编号
        end = _find_footer(lines, start, vocab)
        footer = _footer_values(lines, end, vocab)
        return _Header(values=footer, content_start=start, content_end=end, found_header=bool(start), title_end=start)

    values: dict[str, list[str]] = {}
    for k, (field, label_line, value_line, offset) in enumerate(found):
        if field == "content":
            break
        stop_line = found[k + 1][1] if k + 1 < len(found) else None
        if stop_line is None:
            stop_line = value_line + 1
        chunk = [lines[value_line][offset:]] + lines[value_line + 1 : stop_line]
        values[field] = [line.strip() for line in chunk if line.strip()]
    if content_at is not None:
        start_line, offset = content_at
        rest = lines[start_line][offset:].strip()
        if rest:
            lines[start_line] = rest
            start = start_line
        else:
            start = start_line + 1
    else:
        last = found[-1]
        start = last[2] + 1
    end = _find_footer(lines, start, vocab)
    values.update(_footer_values(lines, end, vocab))
    labels = [label_line for field, label_line, *_ in found if field not in ("code", "name", "serial")]
    return _Header(values=values, content_start=start, content_end=end, found_header=True, title_end=min(labels, default=start))


def _is_title_line(line: str) -> bool:
    compact = _compact(line)
    return bool(
        _CODE.search(compact)
        or _NAME.search(line)
        or _PAGE_HEADER.search(compact)
        or (_TITLE_LINE.search(compact) and len(compact) <= 40)
    )


def _find_footer(lines: list[str], start: int, vocab: _Vocabulary) -> int:
    """Index of the first footer line (附件清单 / 日期 with a date) in the last lines."""
    end = len(lines)
    for i in range(max(start, len(lines) - 8), len(lines)):
        hit = _match_label(lines, i, vocab, fields=("attachments", "date"))
        if hit is None:
            continue
        field = hit[0]
        compact = _compact(lines[i])
        if field == "attachments" and not compact.startswith("附件清单"):
            continue
        return i
    return end


def _footer_values(lines: list[str], end: int, vocab: _Vocabulary) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for i in range(end, len(lines)):
        hit = _match_label(lines, i, vocab, fields=("date",))
        if hit is not None:
            _, j, offset = hit
            values["date"] = [lines[j][offset:]] + lines[j + 1 : j + 2]
    return values


def _find_company(title: list[str], head: list[str], name: str | None) -> str | None:
    """The company's full name (青石科技股份有限公司): a line of the title block (the lines above
    the first header label: 证券代码/简称, the name, 投资者关系活动记录表, 编号) that is the name,
    alone or followed by the record's title. Else, among the first lines (a table row holds the
    body only), a line that starts with a listed company's name (…股份有限公司) holding the short
    name near its start: a page header of the company's own (青石医药股份有限公司 for 青石医药),
    or the company as the subject of a sentence (远山科技股份有限公司是专业从事…). Never a
    body line that only happens to start with a name ending in 有限公司 (（1）公司从关联方收购了某某
    电子有限公司…, 公司控股子公司…有限公司…, 远山数码科技有限公司于… for 远山数码)."""
    for line in title:
        company, rest = _company_at_start(_NAME.sub(" ", _CODE.sub(" ", line)))  # 证券代码：… 证券简称：… 名称
        if company and (not rest or _COMPANY_LINE_REST.match(rest)):
            return company
    cores = _short_name_cores(name)
    for line in head:
        company, _ = _company_at_start(line)
        if company and company.endswith("股份有限公司") and any(0 <= company.find(core) <= 4 for core in cores):
            return company
    return None


_COMPANY_LINE_REST = re.compile(r"^(?:" + _TITLE_LINE.pattern + r")?(?:[（(]?编号[:：].*)?$")
_BODY_START = re.compile(r"^(?:公司|本公司|我公司|该公司|贵公司|本次|此次|其中|由于|根据)")


def _company_at_start(line: str) -> tuple[str | None, str]:
    """(the company name ``line`` starts with, the rest of the line), or (None, "") for a line
    that starts with a list marker (（1）… / 1、…), a bullet or a sentence (公司控股子公司…)."""
    compact = _compact(line)
    if not compact or _NUMBERING.match(compact) or _BULLET.match(compact) or _BODY_START.match(compact):
        return None, ""
    match = _COMPANY.match(compact)
    if match is None or "代码" in match.group("company") or len(match.group("company")) > 30:
        return None, ""
    return match.group("company"), compact[match.end() :]


def _short_name_cores(name: str | None) -> list[str]:
    """青石股份；青石B → [青石]; 远山科技 → [远山科技]: what a full name holds of the short name."""
    cores = []
    for part in re.split(r"[；;、,，\s]+|编号.*", name or ""):
        core = re.sub(r"(?:股份|[A-Za-zＡＢ]+)$", "", part)
        if len(core) >= 2:
            cores.append(core)
    return cores


# ---- metadata values -----------------------------------------------------------------------------


def _parse_activity(value_lines: list[str] | None, vocab: _Vocabulary) -> tuple[str, ...]:
    """Checked activity types. A checked box usually vanishes in extracted text (or becomes a
    private-use Wingdings glyph) while an unchecked one stays □; ☑ ■ √ ✓ ⊠ count as checked."""
    if not value_lines:
        return ()
    text = _compact("".join(value_lines))
    for placeholder in vocab.other_placeholder:
        text = text.replace(placeholder, "")
    if not text:
        return ()
    hits: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    for name in vocab.activity_types:
        start = 0
        while True:
            pos = text.find(name, start)
            if pos < 0:
                break
            if not any(taken[pos : pos + len(name)]):
                hits.append((pos, pos + len(name), name))
                for k in range(pos, pos + len(name)):
                    taken[k] = True
            start = pos + 1
    if not hits:
        return ()
    hits.sort()
    boxes = vocab.checked | vocab.unchecked
    has_any_box = any(ch in boxes or _PRIVATE_USE.match(ch) for ch in text)
    if not has_any_box and len(hits) >= 5:
        return ()  # a bare template: nothing tells which boxes were ticked
    chosen: list[str] = []
    for k, (pos, end, name) in enumerate(hits):
        before = text[pos - 1] if pos > 0 else ""
        if before in vocab.unchecked:
            continue
        if name == "其他":
            stop = hits[k + 1][0] if k + 1 < len(hits) else len(text)
            note = text[end:stop]
            while note and (note[-1] in boxes or _PRIVATE_USE.match(note[-1])):
                note = note[:-1]
            note = note.strip("（）()：:，,、;； ")
            name = f"其他（{note}）" if note else "其他"
        if name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def _split_activity_text(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    parts = [p for p in _ITEM_SEPARATORS.split(str(value)) if p]
    return tuple(dict.fromkeys(parts))


def _people_lines(value_lines: list[str] | None, vocab: _Vocabulary, strip_numbers: bool = False) -> tuple[str, ...]:
    if not value_lines:
        return ()
    out: list[str] = []
    for line in value_lines:
        for note in vocab.ranking_notes:
            line = line.replace(note, "")
        line_start = len(out)  # parts are joined again only within one line: a line is one entry or more
        for part in _LIST_SEPARATORS.split(line):
            part = _SPACES.sub(" ", part).strip(" ，,。、")
            if strip_numbers:
                part = _STAFF_NUMBER.sub("", part).strip()
            etc = _ETC_TAIL.search(part)
            if etc and etc.start() > 0:
                part = part[: etc.start()]
            if ("《" in part) != ("》" in part):  # 《上海证券: a title mark cut off with the rest of the name
                part = part.strip("《》")
            if not part or _HEAD_COUNT.search(part):
                continue
            # a Latin name split at its spaces (black；rock, Topeka；Capital；Markets的Brian；White) or a
            # Chinese one before its legal suffix goes back together
            joinable = len(out) > line_start
            if joinable and out[-1][-1:].isascii() and out[-1][-1:].isalpha() and part[0].isascii() and part[0].isalpha():
                out[-1] = f"{out[-1]} {part}"
            elif joinable and _LEGAL_SUFFIX.match(part):
                out[-1] += part
            else:
                out.append(part)
    return tuple(out)


def _iso(y: str | int, m: str | int, d: str | int) -> str | None:
    y, m, d = int(y), int(m), int(d)
    if not (1990 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _first_date(text: str) -> str | None:
    match = _DATE_FULL.search(_compact(text))
    return _iso(match["y"], match["m"], match["d"]) if match else None


def _event_dates(text: str) -> tuple[str, ...]:
    compact = _compact(text)
    match = _DATE_FULL.search(compact)
    if not match:
        return ()
    first = _iso(match["y"], match["m"], match["d"])
    if first is None:
        return ()
    tail = _RANGE_TAIL.match(compact[match.end() :])
    last = None
    if tail:
        last = _iso(tail["y"] or match["y"], tail["m"] or match["m"], tail["d"])
    else:
        dates = [_iso(m["y"], m["m"], m["d"]) for m in _DATE_FULL.finditer(compact)]
        dates = [d for d in dates if d]
        if len(dates) > 1:
            last = max(dates)
    if last and last > first:
        return (first, last)
    return (first,)


def _meta_date(value: Any) -> str | None:
    if not value:
        return None
    text = str(value).strip()
    match = _ISO_DATE.match(text)
    if match:
        return _iso(match["y"], match["m"], match["d"])
    return _first_date(text)


_A_SHARE_PREFIXES = ("00", "30", "60", "68")  # Shenzhen main board/SME, ChiNext, Shanghai, STAR


def _clean_code(value: Any) -> str | None:
    """The 6-digit stock code of a code column. A dual listing names several codes (000063.SZ/0763.HK,
    000625（200625）, 000725、200725, SZ002024；HK2024: 3 % of the SZSE records): the A share's is
    kept, as the company's code in the store, else the first 6-digit one. A lone shorter number is
    a code whose leading zeros a spreadsheet dropped (2666 → 002666)."""
    if value is None:
        return None
    groups = re.findall(r"\d+", str(value))
    if len(groups) == 1:  # a code truncated to 00 is no code, not 000000
        return groups[0].zfill(6) if len(groups[0]) <= 6 and groups[0].strip("0") else None
    six = [g for g in groups if len(g) == 6]
    if not six:
        return None
    return next((g for g in six if g.startswith(_A_SHARE_PREFIXES)), six[0])


def _clean_name(value: Any) -> str | None:
    """A short name column that ran into the form's number (鸿博股份            编号：2013-003)."""
    text = _clean_str(value)
    if text is None:
        return None
    return _clean_str(re.split(r"\s{2,}|编号", text, maxsplit=1)[0])


def _clean_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filing_id(body: str, code: str | None, date: str | None) -> str:
    key = "\x1f".join([code or "", date or "", body])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


# ---- paragraphs ----------------------------------------------------------------------------------


@dataclass
class _Para:
    lines: list[str]
    role: str | None  # "Q", "A", or "S" (an unclassified speaker label), None
    label: str  # the speaker label (for "S" and "A"), compact
    body_start: int  # chars of lines[0] taken by numbering and marker
    style: str | None  # numbering style
    value: int | None  # numbering value
    canonical_answer: bool = False  # 答/A/回答/回复: stripped even when merged into an answer

    @property
    def first(self) -> str:
        return self.lines[0]

    def body(self) -> str:
        return "\n".join([self.lines[0][self.body_start :]] + self.lines[1:])

    def full(self) -> str:
        return "\n".join(self.lines)

    def numbering_stripped(self) -> str:
        line = self.lines[0]
        if self.style == "space":
            match = _SPACE_NUMBER.match(line) or _BARE_NUMBER.match(line)
        else:
            match = _NUMBERING.match(line)
        first = line[match.end() :] if match else line
        return "\n".join([first] + self.lines[1:])

    def ends_question(self) -> bool:
        tail = self.lines[-1].rstrip(_CLOSERS + " ")
        return tail.endswith(("？", "?"))

    def has_question_mark(self) -> bool:
        return any("？" in line or "?" in line for line in self.lines)


_QUESTION_GOES_ON = ("如何", "怎样", "怎么", "是否", "有何", "有哪些", "有多大", "多少", "吗", "呢", "？", "?")


def _is_topic_line(para: _Para, next_line: str, vocab: _Vocabulary) -> bool:
    """2. 浙江疏浚的应收款数额较大，请说明一下情况 — a numbered topic ending in 情况/问题/…: the
    next line starts its answer even when the topic fills the line (unless it ends the question:
    …的经营情况 / 如何？)."""
    if para.style is None or len(para.lines) > 1:
        return False
    text = _compact(para.numbering_stripped())
    tail = _compact(next_line)
    if "？" in text or "?" in text or tail.startswith(_QUESTION_GOES_ON) or (len(tail) <= 20 and tail.endswith(("？", "?"))):
        return False  # 三、LED产品的成本构成如何？原材料上涨对公司的影响 / 如何？…
    return len(text) <= 40 and text.endswith(vocab.topic_endings)


def _width(line: str) -> int:
    """Display width: CJK and full-width characters count two columns."""
    return len(line) + len(_NARROW.sub("", line))


def _ends_terminal(line: str) -> bool:
    tail = line.rstrip(_CLOSERS + " ")
    return bool(tail) and tail[-1] in _TERMINAL


def _number_of(text: str) -> tuple[str | None, int | None, int]:
    match = _NUMBERING.match(text)
    if not match:
        return None, None, 0
    if match["pa"]:
        return "paren", int(match["pa"]), match.end()
    if match["pc"]:
        return "paren-cn", _cn_value(match["pc"]), match.end()
    if match["ar"]:
        sep = match["asep"]
        style = "dot" if sep[0] in ".．" else ("paren-close" if sep in ")）" else ("colon" if sep in "：:" else "comma"))
        return style, int(match["ar"]), match.end()
    if match["cn"]:
        return "cn", _cn_value(match["cn"]), match.end()
    if match["ord"]:
        value = match["ord"]
        return "ord", int(value) if value.isdigit() else _cn_value(value), match.end()
    if match["la"]:
        return "letter", ord(match["la"].lower()) - ord("a") + 1, match.end()
    if match["part"]:
        return "part", {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}.get(match["part"], 0), match.end()
    if match["sub"]:
        return "sub", int(re.split("[.．]", match["sub"])[1]), match.end()
    return "circled", ord(match["ci"]) - ord("①") + 1, match.end()


_ARABIC_STYLES = frozenset({"comma", "dot", "paren-close", "paren", "colon", "space"})


def _cn_value(text: str) -> int:
    digits = {c: i + 1 for i, c in enumerate("一二三四五六七八九")}
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(text, 0)


def _role_of(text: str) -> tuple[str | None, str, int, bool]:
    """(role, label, chars taken, canonical answer) of a line's leading speaker marker."""
    vocab = _vocabulary()
    start = 0
    bullet = _BULLET.match(text)
    if bullet and not _BRACKET_LABEL.match(text):
        start = bullet.end()
    rest = text[start:]
    dash = _DASH_ANSWER.match(text)
    if dash:
        return "S", "——", dash.end(), False  # ——answer: an answer if it follows questions
    match = _BRACKET_LABEL.match(rest)
    if match is None:
        match = _COLON_LABEL.match(rest) or _COMMA_MARKER.match(rest)
        if match is None:
            match = _BARE_QUESTION.match(rest)
            if match is None:
                return None, "", 0, False
            return "Q", _compact(match["label"] or match["glued"]), start + match.end(), False
    label = _compact(match["label"])
    role, canonical = _classify_label(label, vocab)
    if role is None:
        return None, label, 0, False
    taken = start + match.end()
    if role == "Q" and (number := _NUMBERING.match(text[taken:])) and number["ar"]:
        taken += number.end()  # 提问：6.公司还有哪些…？ — the question's number after its marker
    return role, label, taken, canonical


def _is_running_text(core: str, vocab: _Vocabulary) -> bool:
    """The text before a colon is a sentence, not a speaker: it opens with a personal pronoun
    (我问两个问题： / 我想问： / 我们认为：, but not 我司： / 我公司：) or counts the items it
    announces (有两个问题： / 三个关键词：, but not 第二个问题：)."""
    if core.startswith(vocab.running_text_openers) and not core.startswith(tuple(vocab.pronoun_speakers)):
        return True
    return bool(_ITEM_COUNT.search(core))


def _classify_label(label: str, vocab: _Vocabulary) -> tuple[str | None, bool]:
    """Q for a questioner's label, A for an answerer's, S for a possible speaker name."""
    if not label or label in vocab.not_speakers:
        return None, False
    core = _LABEL_DIGITS.sub("", _PAREN_CONTENT.sub("", label)) or label
    if core in vocab.not_speakers or "问答" in core or "顾问" in core:
        return None, False
    if _is_running_text(core, vocab):
        return None, False  # 我问两个问题： / 我想问： / 三个关键词： — a colon inside a sentence
    if len(core) > 3 and any(word in core for word in vocab.section_words):
        return None, False  # 提问和解答主要内容： / 投资者提问环节： title a section
    if core in ("A", "Ａ", "a", "Answer", "答", "回答", "回复", "答复", "解答"):
        return "A", True
    if core.endswith(("答", "回答", "回复", "答复", "发言", "解答")):
        return "A", core in ("答", "回答", "回复", "答复", "解答")
    if core in ("Q", "Ｑ", "q", "Question"):
        return "Q", False
    if "问" in core and len(core) <= 6 and (
        core.endswith(("问", "提问", "询问", "问题")) or core.startswith(("问", "提问"))
    ):
        return "Q", False  # 问 / 问题一 / 提问者5 / 投资者询问 / 来宾问, not 请问公司…：
    if core in vocab.question_speakers or any(
        core.endswith(s) or (core.startswith(s) and _PERSON_SUFFIX.fullmatch(core[len(s) :]))
        for s in vocab.question_speakers
        if len(s) >= 2
    ):
        if len(core) <= 8:
            return "Q", False  # 投资者 / 机构投资者 / 机构人员 / 调研员
    for title in vocab.answer_speakers:
        if len(title) < 2:
            continue
        if core == title:
            return "A", False
        if title == "公司":
            continue  # 公司定位： / 公司简介： title topics, not the company speaking
        if (core.startswith(title) and len(core) - len(title) <= 4) or (
            core.endswith(title) and len(core) - len(title) <= 3
        ):
            return "A", False
    if re.fullmatch(rf"[{_CJK}]{{2,8}}|[{_CJK}]{{1,4}}(?:先生|女士|总|董|经理)", core):
        return "S", False
    return None, False


def _paragraphs(lines: list[str]) -> list[_Para]:
    """Join lines that PDF extraction wrapped; every marker or numbered line starts a paragraph."""
    if not lines:
        return []
    vocab = _vocabulary()
    widths = sorted(_width(line) for line in lines)
    wrap_width = widths[min(len(widths) - 1, int(len(widths) * 0.9))] if len(widths) >= 4 else 10**6
    paras: list[_Para] = []
    last_arabic = 0  # value of the latest 1、/1./（1） number: what a bare "2 " would continue
    for line in lines:
        style, value, num_end = _number_of(line)
        if style == "sub" and "？" not in line and "?" not in line:
            style, value, num_end = None, None, 0  # 2.5 亿元 wrapped onto a line, not a question 2.5
        if style is None and (not paras or _ends_terminal(paras[-1].lines[-1])):
            spaced = _SPACE_NUMBER.match(line)
            asks = "？" in line or "?" in line
            if spaced and (asks or int(spaced["n"]) == last_arabic + 1 > 1):
                style, value, num_end = "space", int(spaced["n"]), spaced.end()
            elif asks and (bare := _BARE_NUMBER.match(line)) and int(bare["n"]) == last_arabic + 1 > 1:
                style, value, num_end = "space", int(bare["n"]), bare.end()  # 4、…？ then 5关于…？
        if style in _ARABIC_STYLES:
            last_arabic = value or 0
        if style is not None:  # 3、问：… / （6）投资者：… : a marker after the numbering
            role, label, taken, canonical = _role_of(line[num_end:])
            taken += num_end if role else 0
        else:
            role, label, taken, canonical = _role_of(line)
        starts_new = (
            not paras
            or role is not None
            or style is not None
            or _BULLET.match(line) is not None
            or _ends_terminal(paras[-1].lines[-1])
            or _width(paras[-1].lines[-1]) < 0.8 * wrap_width
            or _is_topic_line(paras[-1], line, vocab)
        )
        if starts_new:
            paras.append(_Para([line], role, label, taken if role else 0, style, value, canonical))
        else:
            paras[-1].lines.append(line)
    return paras


# ---- segmentation --------------------------------------------------------------------------------


@dataclass
class _Pair:
    question: list[_Para]
    answer: list[_Para]
    kind: str = "qa"  # "qa"; "item": a numbered agenda line with no answer, "heading": a section's title (presentation)
    unmarked: bool = False  # found without any Q/A marker: an empty answer makes it an item


def _segment(lines: list[str], vocab: _Vocabulary) -> list[Segment]:
    paras = _paragraphs(lines)
    if not paras:
        return []
    _resolve_speakers(paras)
    _fix_swapped_markers(paras)
    paras = _split_trailing_questions(paras)
    segments = _segment_paras(paras, vocab)
    # number each kind 1, 2, 3 … in document order
    counters = {"qa": 0, "presentation": 0}
    numbered = []
    for seg in segments:
        counters[seg.kind] += 1
        numbered.append(Segment(seg.kind, counters[seg.kind], seg.question, seg.answer, seg.text, seg.title, seg.ref))
    return numbered


def _segment_paras(paras: list[_Para], vocab: _Vocabulary) -> list[Segment]:
    """Segments of one run of paragraphs; a next top-level section (三、…) is segmented on its own."""
    cut = _next_section(paras)
    if cut:
        return _segment_paras(paras[:cut], vocab) + _segment_paras(paras[cut:], vocab)
    answers = [i for i, p in enumerate(paras) if p.role == "A"]
    questions = [i for i, p in enumerate(paras) if p.role == "Q"]
    first_q, pairs = 0, []
    if answers:
        first_q, pairs = _pairs_by_answers(paras, answers, vocab)
        if pairs and any(p.style is not None for p in paras[:first_q]):
            first_q, pairs = _numbered_questions_before(paras, first_q, pairs, vocab)
    elif questions:
        first_q, pairs = _pairs_by_questions(paras, _numbering_continued(paras, questions))
    if not pairs:
        first_q, pairs = _pairs_by_numbering(paras, vocab)
    if not pairs:
        first_q, pairs = _pairs_by_question_marks(paras)
    trailing: list[_Para] = []
    pairs = [split for pair in pairs for split in _split_repeated_questions(pair)]
    if pairs:
        pairs[-1].answer, trailing = _split_next_section(paras[:first_q], pairs[-1].answer)
        pairs[-1].answer = _cut_closing(pairs[-1].answer, vocab)
        if pairs[-1].unmarked and not pairs[-1].answer:
            pairs[-1].kind = "item"
    segments = _presentation(paras[:first_q] if pairs else _strip_closing(paras, vocab), vocab)
    qa_number = 0
    item_number = len(segments)
    for pair in pairs:
        if pair.kind in ("item", "heading"):
            item_number += 1
            title = _question_text(pair.question).rstrip("。；;，,：:")
            body = _answer_text(pair.answer)
            segments.append(Segment(kind="presentation", number=item_number, question="", answer="", text=body, title=title))
            continue
        qa_number += 1
        question = _question_text(pair.question)
        question = question.rstrip("：:") or question  # 下游销售渠道拓展情况： — the colon introduced the answer
        if len(pair.answer) > 1 and pair.answer[0].role is None and normalize_segment_text(pair.answer[0].full()) == question:
            pair.answer = pair.answer[1:]  # the question typed twice: its copy does not answer it
        answer = _answer_text(pair.answer)
        segments.append(Segment(kind="qa", number=qa_number, question=question, answer=answer, text=answer))
    if trailing:
        segments.extend(_segment_paras(trailing, vocab))
    return segments


def _split_repeated_questions(pair: _Pair) -> list[_Pair]:
    """问题一：… 1、…？ 2、…？ 回复： 1、…？ 正文 2、…？ 正文 — questions listed together, then each
    one repeated in the answer before its own answer: a pair per repeated question."""
    if pair.kind != "qa" or len(pair.question) < 2 or len(pair.answer) < 4:
        return [pair]
    asked = {}
    for k, para in enumerate(pair.question):
        if para.style is not None:
            asked.setdefault(normalize_segment_text(para.numbering_stripped()), k)
    if len(asked) < 2:
        return [pair]
    repeats = [
        k
        for k, para in enumerate(pair.answer)
        if para.style is not None and normalize_segment_text(para.numbering_stripped()) in asked
    ]
    lead = pair.answer[: repeats[0]] if repeats else []
    if len(repeats) < 2 or any(_answer_text([p]) for p in lead):
        return [pair]  # text before the first repeat would be an answer to all of them
    first_asked = asked[normalize_segment_text(pair.answer[repeats[0]].numbering_stripped())]
    topic = [p for p in pair.question[:first_asked] if p.style is None]  # 问题一：公司运营情况
    out = []
    for n, k in enumerate(repeats):
        end = repeats[n + 1] if n + 1 < len(repeats) else len(pair.answer)
        body = pair.answer[k + 1 : end]
        if not body:
            return [pair]
        out.append(_Pair((topic if n == 0 else []) + [pair.answer[k]], body, unmarked=pair.unmarked))
    return out


def _numbered_questions_before(
    paras: list[_Para], first_q: int, pairs: list[_Pair], vocab: _Vocabulary
) -> tuple[int, list[_Pair]]:
    """一、…？ answer 二、…？ answer … 十、…？ 答：… — only the last question has an answer marker:
    the numbered questions before it, whose numbering it continues, are pairs too."""
    lead_first, lead = _pairs_by_numbering(paras[:first_q], vocab)
    answered = [pair for pair in lead if pair.kind == "qa"]
    # questions, not agenda points (1、参观产品陈列室。 2、介绍公司情况。 3、…？ 答：…)
    asking = sum(1 for pair in answered if "？" in pair.question[-1].full() or "?" in pair.question[-1].full())
    # or every one answered by text of its own, and asking or naming a topic (1、介绍公司业绩情况。 正文…)
    answering = (
        bool(answered)
        and len(answered) == len(lead)
        and all(pair.answer for pair in answered)
        and not any(_is_agenda_point(pair.question[-1].full(), vocab) for pair in answered)
        and _asks([pair.question[-1] for pair in answered], list(range(len(answered))), vocab)
    )
    head, last = paras[first_q], answered[-1].question[-1] if answered else None
    if (
        ((asking >= 2 and 2 * asking >= len(answered)) or answering)
        and head.style is not None
        and last.style == head.style
        and last.value == (head.value or 0) - 1
    ):
        return lead_first, lead + pairs
    # 1、公司目前的行业地位？ answer, then 问：…答：… unnumbered: the record opens with numbered
    # questions answered in plain text before it switches to markers (numbering from 1, each asking)
    if (
        answering
        and asking == len(answered)
        and head.style is None
        and answered[0].question[-1].value == 1
    ):
        return lead_first, lead + pairs
    return first_q, pairs


_SPEECH_TITLE = re.compile(r"(?:做|作|进行)了(?:说明|介绍|发言|讲解|致辞)|致(?:欢迎)?辞")


def _is_agenda_title(text: str, vocab: _Vocabulary) -> bool:
    """现场参观 / 参观生产车间: a short numbered title naming a point of the programme, asking nothing;
    or one announcing a speech (总经理任富佳就本次人事变动情况向投资者做了说明：)."""
    if re.search("[？?]", text):
        return False
    return (len(text) <= 12 and _is_agenda_point(text, vocab)) or (len(text) <= 40 and bool(_SPEECH_TITLE.search(text)))


def _is_agenda_point(text: str, vocab: _Vocabulary) -> bool:
    """1、参观产品陈列室 / 1、赵总经理介绍网购业务情况 / 介绍了公司经营情况: a point of the
    programme, not a question."""
    if any(word in text for word in vocab.closing_visit_words) or "介绍了" in text:
        return True
    before, sep, _ = text.partition("介绍")
    return bool(sep) and any(word in before for word in vocab.presenters)


def _next_section(paras: list[_Para]) -> int | None:
    """一、关于冰片项目 1、…？ … 二、关于经营 1、…？ …: where the section that paras[0] heads ends.

    Only a heading numbered one more than paras[0], with no other 一、-style number in between
    (an answer listing 一、二、三 is not a new section)."""
    head = paras[0]
    if head.style not in ("cn", "paren-cn") or not head.value or head.has_question_mark() or head.role:
        return None  # 一、公司的战略是什么？ is a question, not a section heading
    if any(p.role in ("Q", "A") for p in paras):
        return None  # with 问/答 markers the answers anchor the pairs; see _split_next_section
    for k in range(1, len(paras)):
        para = paras[k]
        if para.style == head.style:
            if para.value != head.value + 1:
                return None
            inner = paras[1:k]
            asked = sum(1 for p in inner if p.style is not None and p.style != head.style and p.has_question_mark())
            # a section holds numbered questions of its own (1、…？ 2、…？), not just one answer
            return k if asked >= 1 else None
    return None


def _split_next_section(before: list[_Para], answer: list[_Para]) -> tuple[list[_Para], list[_Para]]:
    """二、问答 … 三、参观生产线: the heading after the Q&A's own heading ends the last answer."""
    current = {p.style: p.value for p in before if p.style in ("cn", "paren-cn", "ord", "part") and p.value}  # latest per style
    listed: set[tuple[str | None, int | None]] = set()
    for k, para in enumerate(answer):
        value = current.get(para.style or "")
        # 一、座谈会 （一）介绍 （二）…？答：… 二、参观: the next heading of any level ends the answer,
        # unless the answer numbers its own points in that style (一、… 二、…)
        if k and value and para.value == value + 1 and (para.style, value) not in listed:
            return answer[:k], answer[k:]
        listed.add((para.style, para.value))
    return answer, []


def _fix_swapped_markers(paras: list[_Para]) -> None:
    """答：公司工程机械板块情况？ 问：截止今年三季度… — markers typed the wrong way round."""
    for i in range(len(paras) - 1):
        para, nxt = paras[i], paras[i + 1]
        if para.role == "A" and para.ends_question() and nxt.role == "Q" and not nxt.ends_question():
            para.role, nxt.role = "Q", "A"
            para.canonical_answer, nxt.canonical_answer = False, True


def _split_trailing_questions(paras: list[_Para]) -> list[_Para]:
    """答：…最全的。2、公司的产品定位如何？ 答：… — a question keyed onto the end of the previous
    answer's line: two answer markers in a row with such a tail get the question split off. So is
    a numbered one on an unmarked line before an answer marker (…场景应用广泛。4. 为何…？ 答：),
    unless that line asks a question itself (1、A如何？B；2、C？ is one question)."""
    out: list[_Para] = []
    for i, para in enumerate(paras):
        follows = i + 1 < len(paras) and paras[i + 1].role == "A"
        match = _TRAILING_QUESTION.search(para.lines[-1]) if para.role in ("A", None) and follows else None
        if match is not None and para.role is None:
            before = "".join(para.lines[:-1]) + para.lines[-1][: match.start()]
            if _number_of(match.group(1))[0] is None or "？" in before or "?" in before:
                match = None
        if match is None or (len(para.lines) == 1 and match.start() <= para.body_start):
            out.append(para)
            continue
        head = para.lines[-1][: match.start()].rstrip()
        lines = para.lines[:-1] + ([head] if head else [])
        out.append(_Para(lines, para.role, para.label, para.body_start, para.style, para.value, para.canonical_answer))
        question = match.group(1)
        style, value, num_end = _number_of(question)
        role, label, taken, _ = _role_of(question[num_end:])  # 6、来宾问：…？
        if role == "Q":
            out.append(_Para([question], "Q", label, num_end + taken, style, value))
        else:
            out.append(_Para([question], None, "", 0, style, value))
    return out


def _resolve_speakers(paras: list[_Para]) -> None:
    """A recurring name label that follows a question is an answerer's; other names are text."""
    counts: dict[str, int] = {}
    answering: set[str] = set()
    for i, para in enumerate(paras):
        if para.role == "S":
            counts[para.label] = counts.get(para.label, 0) + 1
            # （1）灵境科技：… under 2、…？ is a point of the answer naming its topic, not a speaker
            if i > 0 and para.style is None and (paras[i - 1].role == "Q" or paras[i - 1].ends_question()):
                answering.add(para.label)
    recurring = {label for label in answering if counts[label] >= 2}
    for i, para in enumerate(paras):
        if para.role == "S":
            after_question = i > 0 and (paras[i - 1].role == "Q" or (recurring and paras[i - 1].ends_question()))
            if after_question or para.label in recurring:
                para.role = "A"  # once one name answers repeatedly, a colleague answering once counts too
            else:
                para.role, para.body_start = None, 0


# -- anchored on answer markers


def _pairs_by_answers(paras: list[_Para], answers: list[int], vocab: _Vocabulary) -> tuple[int, list[_Pair]]:
    pairs: list[_Pair] = []
    first_q = None
    prev_answer = None  # where the previous pair's answer begins
    last_marker = None  # the latest answer marker seen
    prev_number: tuple[str, int] | None = None
    topic_asked = False  # the latest question was a bare topic line (主要产品的情况)
    asked_numbers: set[tuple[str | None, int | None]] = set()  # numbers seen in questions
    for a in answers:
        lo = 0 if last_marker is None else last_marker + 1
        if lo == a:
            if pairs:  # an answer marker straight after an answer: the same answer goes on
                last_marker = a
            # else: a speech before any question (董事长：欢迎…) belongs to the presentation
            continue
        if pairs and not paras[a].canonical_answer and _continues_answer(paras[lo:a], vocab):
            last_marker = a  # 王海：… 正文 赵宁：… — a second speaker answering the same question
            continue
        qstart = _question_start(paras, lo, a, prev_number)
        if not pairs and _is_speech(paras, qstart, a, vocab):
            continue  # 一、交流内容 董事会秘书：欢迎… : an opening speech under a heading, not an answer
        numbers_from = qstart
        if qstart - 1 >= lo and _is_topic_over_points(paras[qstart - 1], paras[qstart], asked_numbers):
            qstart -= 1  # 2、订单情况 a)…？答 b)…？答 3、营销策略 a)…？答: the topic heads its first point
        if prev_answer is not None and pairs:
            pairs[-1].answer = paras[prev_answer:qstart]
        if first_q is None:
            first_q = qstart
        pairs.extend(_split_question_block(paras[qstart:a]))
        topic_asked = a - qstart == 1 and _is_bare_topic(paras[qstart], vocab)
        asked_numbers.update((p.style, p.value) for p in paras[qstart:a] if p.style is not None)
        numbered = [p for p in paras[numbers_from:a] if p.style is not None and p.value is not None]
        if numbered:
            style = numbered[0].style
            prev_number = (style, max(p.value for p in numbered if p.style == style))
        prev_answer = last_marker = a
    if pairs and prev_answer is not None:
        tail = _cut_closing(paras[prev_answer:], vocab)
        later = _later_questions(tail, prev_number, topic_asked, vocab)
        pairs[-1].answer = tail[: later[0]] if later else tail
        if later:
            pairs.extend(_merge_shared_answers(_pairs_by_questions(tail, later)[1], after_answer=True))
    return (first_q or 0), pairs


def _continues_answer(block: list[_Para], vocab: _Vocabulary) -> bool:
    """问题1：…？ 王海：… 公司已开展… 赵宁：… — unmarked text between two speakers' turns that
    does not ask is more of the previous answer, and the next speaker answers the same question.
    (Only before a speaker's turn: before 答：/答复： such a line is a question typed without its
    ？ and 问： far more often — 公司今后主要开拓的方向。 答：…)

    It does not ask: no ？, no question marker or number, a sentence (not a topic or heading such
    as 二：公司本次发行项目的主要目的 or 水质监测的未来市场；), no request or question word
    (想请周总分析一下。 不知公司有什么考虑。), no speaker label of its own (孙伟：好像…。)."""
    if not block or any(p.role is not None or p.style is not None or p.has_question_mark() for p in block):
        return False
    last = _compact(block[-1].full())  # the paragraph just before the turn: what would be asked
    if not last or last.rstrip(_CLOSERS)[-1:] not in ("。", "！", "!", "…"):
        return False
    if _ASKING_WORDS.search(last) or _COLON_LABEL.match(last):
        return False
    short = len(last) <= 40
    return not (short and (_is_topic(last, vocab) or last.rstrip("。！!…").endswith(vocab.topic_endings)))


# words that make an unmarked sentence a question or a request (公司是否… / 请介绍… / 不知…)
_ASKING_WORDS = re.compile("请|想问|想了解|不知|能否|可否|是否|吗|呢|何")


def _is_topic_over_points(para: _Para, point: _Para, asked_numbers: set[tuple[str | None, int | None]]) -> bool:
    """3、公司目前的营销战略。 just before a) …？ 答：… — a numbered topic line continuing the
    questions' numbering (2、 was asked) over points numbered in another style: it opens the
    next question rather than closing the previous answer."""
    return (
        para.role is None
        and para.style not in (None, "sub")
        and point.style not in (None, "sub")
        and para.style != point.style
        and len(para.lines) == 1
        and not para.has_question_mark()
        and len(_compact(para.numbering_stripped())) <= 30
        and (para.value or 0) > 1
        and (para.style, (para.value or 0) - 1) in asked_numbers
    )


def _later_questions(
    tail: list[_Para], prev_number: tuple[str, int] | None, topic_asked: bool = False, vocab: _Vocabulary | None = None
) -> list[int]:
    """Questions after the last answer marker that have no answer marker of their own; when the
    questions were bare topic lines (就…问题 答：…), a later bare topic line after a full stop too."""
    starts = []
    expected = None if prev_number is None else (prev_number[0], prev_number[1] + 1)
    listed = False  # the answer numbers its own points in the questions' style (1、成本 2、渠道)
    for k in range(1, len(tail)):
        para = tail[k]
        if para.role == "Q":
            starts.append(k)
        elif expected and (para.style, para.value) == expected and (para.has_question_mark() or not listed):
            starts.append(k)
            expected = (expected[0], expected[1] + 1)
        elif (
            expected
            and para.value == expected[1]
            and {para.style, expected[0]} <= _ARABIC_STYLES
            and para.has_question_mark()
            and _ends_terminal(tail[k - 1].lines[-1])
        ):
            starts.append(k)  # 7.…？ 回答：… 8、…？ — the numbering style changed, the questions go on
            expected = (para.style, para.value + 1)
        elif expected and para.style == expected[0]:
            listed = True
        elif topic_asked and vocab and _is_bare_topic(para, vocab) and _ends_terminal(tail[k - 1].lines[-1]):
            starts.append(k)
    return starts


def _is_bare_topic(para: _Para, vocab: _Vocabulary) -> bool:
    """主要产品的情况: a short unmarked, unnumbered line naming a topic, with no punctuation."""
    text = _compact(para.full())
    return (
        para.role is None
        and para.style is None
        and len(text) <= 24
        and not re.search("[，,。；;：:？?！!、]", text)
        and text.endswith(vocab.topic_endings)
    )


def _is_speech(paras: list[_Para], qstart: int, a: int, vocab: _Vocabulary) -> bool:
    block = paras[qstart:a]
    return (
        not paras[a].canonical_answer
        and bool(block)
        and all(p.role is None and not p.has_question_mark() for p in block)
        and block[-1].style in ("cn", "paren-cn", "ord")
        and not any(cue in block[-1].full() for cue in vocab.question_cues if cue not in ("情况", "介绍"))
    )


def _question_start(paras: list[_Para], lo: int, a: int, prev_number: tuple[str, int] | None) -> int:
    """Where the question answered at ``a`` begins, searching paragraphs lo..a-1."""
    if lo >= a:
        return a  # an answer with no question before it
    questions = [i for i in range(lo, a) if paras[i].role == "Q"]
    if questions:
        return questions[0]
    numbered = [i for i in range(lo, a) if paras[i].style not in (None, "sub")]
    if numbered:
        if prev_number is not None:
            style, value = prev_number
            same = [i for i in numbered if paras[i].style == style]
            following = [i for i in same if paras[i].value == value + 1]
            asking = [i for i in following if paras[i].has_question_mark()]
            if asking:
                return asking[0]
            if following:
                return following[0]
            if same and a - same[-1] <= 4:
                return same[-1]
        # 答：（1）… （2）… then 公司未来…如何定位？ 答：: the points numbered from 1 right after the
        # previous answer marker answer it; the unnumbered question after them is the next one
        first = numbered[0]
        points = [i for i in numbered if paras[i].style == paras[first].style]
        if (
            first == lo
            and lo > 0
            and paras[lo - 1].role == "A"
            and paras[first].value == 1
            and (prev_number is None or paras[first].style != prev_number[0])
            and points[-1] + 1 < a
            and any(paras[k].has_question_mark() for k in range(points[-1] + 1, a))
        ):
            return _last_paragraph_question(paras, points[-1] + 1, a)
        last = numbered[-1]
        if a - last <= 4:
            start = last
            vocab = _vocabulary()
            if last + 1 < a and _is_section_heading(paras[last], vocab):
                return last + 1  # 二、互动交流摘要 then 公司军工产品的订单情况？ 答：…
            if prev_number is None and last + 1 < a and _asks_after_list_item(paras, last, a, vocab):
                return _last_paragraph_question(paras, last + 1, a)
            # 1、…？ 2、…？ 答：… : earlier consecutive numbered questions share the answer
            while True:
                earlier = [
                    i
                    for i in numbered
                    if i < start
                    and paras[i].style == paras[start].style
                    and paras[i].value == (paras[start].value or 0) - 1
                    and paras[i].has_question_mark()
                    and all(paras[k].has_question_mark() for k in range(i, start))
                ]
                if not earlier:
                    break
                start = earlier[-1]
            return start
    return _last_paragraph_question(paras, lo, a)


def _asks_after_list_item(paras: list[_Para], item: int, a: int, vocab: _Vocabulary) -> bool:
    """（3）节能服务：正文… 公司订单及毛利率变动情况 答：… — the numbered line is a point of the
    presentation; the unnumbered topic or question just before the answer is what was asked."""
    head, tail = paras[item], paras[a - 1]
    # 1.2012年GDP增速下滑至7.4%。 那么…？ 答：… 2.…？: the first number of the questions' own
    # numbering opens the first question, it is not a presentation point
    numbers_questions = head.value == 1 and any(
        p.style == head.style and p.value == 2 and p.has_question_mark() for p in paras[a:]
    )
    return (
        not numbers_questions
        and not head.has_question_mark()
        and not _is_topic(_first_sentence(head), vocab)
        and tail.role is None
        and tail.style is None
        and (tail.ends_question() or _is_topic(_compact(tail.full()), vocab))
    )


def _is_section_heading(para: _Para, vocab: _Vocabulary) -> bool:
    """二、互动交流摘要 / （二）问答环节: a short top-level heading naming a part of the meeting."""
    text = _compact(para.numbering_stripped()).rstrip("：:")
    return (
        para.style in ("cn", "paren-cn", "ord")
        and not para.has_question_mark()
        and len(text) <= 20
        and any(word in text for word in vocab.section_words)
    )


def _last_paragraph_question(paras: list[_Para], lo: int, a: int) -> int:
    start = a - 1
    while start - 1 >= lo and paras[start - 1].ends_question() and paras[start - 1].role != "A":
        start -= 1
    if start - 1 >= lo and _wrapped_question_head(paras[start - 1], paras[start]):
        start -= 1  # 若收购成功，在杜克的产品方向主要是 / 哪方面？ : one question wrapped onto two lines
    return start


def _wrapped_question_head(head: _Para, tail: _Para) -> bool:
    """A line broken off mid-sentence just before the short rest of an unmarked question."""
    last = head.lines[-1].rstrip()
    return (
        head.role is None
        and head.style is None
        and len(head.lines) == 1
        and bool(last)
        and re.match(rf"[{_CJK}A-Za-z0-9]", last[-1]) is not None
        and 15 <= len(_compact(last)) <= 60  # a line the PDF filled, not a heading (公司情况交流)
        and tail.role is None
        and len(tail.lines) == 1
        and len(_compact(tail.first)) <= 12
        and tail.ends_question()
    )


def _split_question_block(block: list[_Para]) -> list[_Pair]:
    """Pairs in a block running from a question start to the next answer marker.

    Several questions asked back-to-back become one question (问题1：…？问题2：…？答：…); a
    question followed by unmarked answer text before the next question is a pair of its own.
    """
    if not block:
        return [_Pair([], [])]
    head_style = block[0].style
    starts = [0]
    for i in range(1, len(block)):
        para, last = block[i], block[starts[-1]]
        same_style = head_style is not None and para.style == head_style
        # c)营销团队建设情况 正文… d)品牌规划 答：… — the next number after unmarked answer text
        if para.role == "Q" or (same_style and (para.has_question_mark() or (last.style == head_style and para.value == (last.value or 0) + 1))):
            starts.append(i)
    pairs: list[_Pair] = []
    pending: list[_Para] = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(block)
        chunk = block[s:e]
        if k + 1 < len(starts):
            question, answer = _split_unmarked(chunk)
            if answer:
                pairs.append(_Pair(pending + question, answer))
                pending = []
                continue
        pending = pending + chunk
    pairs.append(_Pair(pending, []))
    return pairs


def _split_unmarked(chunk: list[_Para]) -> tuple[list[_Para], list[_Para]]:
    """(question, answer) of a question paragraph followed by answer text with no marker."""
    question = [chunk[0]]
    k = 1
    while k < len(chunk) and not question[-1].ends_question() and chunk[k].ends_question() and chunk[k].role is None:
        question.append(chunk[k])
        k += 1
    rest = chunk[k:]
    if not rest or all(p.ends_question() for p in rest):
        return chunk, []
    return question, rest


# -- anchored on question markers (no answer markers at all)


def _numbering_continued(paras: list[_Para], questions: list[int]) -> list[int]:
    """``questions`` (marked 7、问：…) plus the numbered lines after the last that go on with its
    numbering and ask (8、…？ 9、…？ typed without 问：), up to the first that does not: with no answer
    markers, they would otherwise be text of the 7th answer. A question wrapped onto a short next
    line (10、…其对 / 公司的发展有何考虑？) asks too."""
    last = paras[questions[-1]]
    if last.style is None or last.value is None:
        return questions
    style, value, more = last.style, last.value, []
    for i in range(questions[-1] + 1, len(paras)):
        para = paras[i]
        if para.style != style or para.value != value + 1:
            continue
        wrapped = i + 1 < len(paras) and paras[i + 1].style is None and len(paras[i + 1].full()) <= 40
        if not (para.has_question_mark() or (wrapped and paras[i + 1].has_question_mark())):
            break
        more.append(i)
        value += 1
    return questions + more


def _pairs_by_questions(paras: list[_Para], questions: list[int]) -> tuple[int, list[_Pair]]:
    pairs = []
    for k, qi in enumerate(questions):
        end = questions[k + 1] if k + 1 < len(questions) else len(paras)
        head = paras[qi]
        answer = list(paras[qi + 1 : end])
        if not answer:
            question, inline_answer = _split_at_question_mark(head.body() if head.role == "Q" else head.numbering_stripped())
            if inline_answer:
                head = _Para([question], "Q", head.label, 0, head.style, head.value)
                answer = [_Para([inline_answer], None, "", 0, None, None)]
        # an unanswered numbered line with no question marker (11、探讨…) is an agenda item
        kind = "item" if not answer and head.role != "Q" else "qa"
        pairs.append(_Pair([head], answer, kind))
    return questions[0], pairs


def _split_at_question_mark(text: str) -> tuple[str, str]:
    """"question？answer" → (question, answer) at the last ？ that has text after it."""
    stripped = text.rstrip()
    if stripped.endswith(("？", "?")) or ("？" not in stripped and "?" not in stripped):
        return text, ""
    cut = max(stripped.rfind("？"), stripped.rfind("?")) + 1
    while cut < len(stripped) and stripped[cut] in _CLOSERS:
        cut += 1
    return stripped[:cut], stripped[cut:].strip()


# -- numbered questions with no markers


def _pairs_by_numbering(paras: list[_Para], vocab: _Vocabulary) -> tuple[int, list[_Pair]]:
    """Numbered questions with no answer marker: 1、…？ then the answer, 2、…？ …

    Runs of consecutive numbers (1, 2, 3 … of one numbering style) are candidates; the run whose
    items look most like answered questions wins. Its items without a question and without an
    answer (1、签署承诺书；) are agenda lines: presentation segments in their place.
    """
    runs: list[list[int]] = []
    # (style, expected value) -> the runs waiting for it, latest last: an answer's own 1、2、 list
    # waits for 3、 as well as the questions 1、2、 before it
    open_runs: dict[tuple[str, int], list[list[int]]] = {}

    shadowed: set[int] = set()  # runs a later run took the expected number from (by id)

    def take(key: tuple[str, int], asking: bool = False) -> list[int] | None:
        """The latest run waiting for ``key``; for a question, the latest run of questions even
        if a later run (an answer's list) took over the number it waits for."""
        waiting = open_runs.get(key)
        if not waiting:
            return None
        pick = None if id(waiting[-1]) in shadowed else len(waiting) - 1
        if asking:  # 3、…？ continues the run of questions, not the list inside the last answer
            pick = next((k for k in range(len(waiting) - 1, -1, -1) if _asks(paras, waiting[k], vocab)), pick)
        if pick is None:
            return None
        run = waiting.pop(pick)
        shadowed.discard(id(run))
        if not waiting:
            del open_runs[key]
        return run

    for i, p in enumerate(paras):
        if p.style in (None, "sub") or p.value is None:
            continue  # 2.1 2.2 are asked under 2、 and split off its body
        asking = p.has_question_mark()
        run = take((p.style, p.value), asking)
        if run is None and p.style in _ARABIC_STYLES:
            # "1 订单…？" then "2、…": a number typed with a bare space continues any arabic run
            spaced = [key for key in open_runs if key[1] == p.value and "space" in (key[0], p.style) and key[0] in _ARABIC_STYLES]
            if spaced:
                run = take(spaced[-1])
        for gap in (1, 2):  # one or two numbers skipped (14、 then 16、)
            if run is None and p.value > gap + 1 and (gap == 1 or asking):
                run = take((p.style, p.value - gap))
        if run is None and p.value > 1 and asking:
            run = take((p.style, p.value + 1))  # one number typed twice (3、 3、)
        if run is None and p.value > 3 and (asking or _is_topic(_first_sentence(p), vocab)):
            # 一、二、三、 then 4、5、 (or 11. then 12、公司出口情况。): the numbering style changed, the run goes on
            other = [key for key in open_runs if key[1] == p.value and key[0] != p.style]
            if other and not asking:
                # a topic continues only a run of topics and questions, not an answer's (1)(2)(3)
                other = [key for key in other if _asks(paras, open_runs[key][-1], vocab)]
            if other:
                run = take(other[-1])
        if run is None:
            run = []
            runs.append(run)
        run.append(i)
        waiting = open_runs.setdefault((p.style, p.value + 1), [])
        shadowed.update(id(other) for other in waiting)
        waiting.append(run)
    best: list[int] = []
    best_score = 0.0
    scores = [_question_run_score(paras, run, vocab) for run in runs]
    for run, score in zip(runs, scores):
        if score > best_score:
            best, best_score = run, score
    if not best:
        return 0, []
    listed = _answers_listed_after(paras, best, runs)
    if listed:
        return best[0], listed
    # 介绍TD情况 1.…？ 2.…？ … 公司业务问答： 1.…？ 2.…？: sections that number their questions from 1 again
    sections = [best]
    for run, score in sorted(zip(runs, scores), key=lambda item: -item[1]):
        if score >= 2 and len(run) >= 2 and paras[run[0]].value == 1 and not any(
            run[0] <= other[-1] and other[0] <= run[-1] for other in sections
        ):
            sections.append(run)
    starts = {run[0] for run in sections}
    # the items of one run are treated alike: when one names its topic up to a full stop, they all do
    topic_items = {i for run in sections if _is_topic_run(paras, run, vocab) for i in run}
    best = sorted(i for run in sections for i in run)
    pairs = []
    first = best[0]
    missing = (paras[first].value or 1) - 1
    if 0 < missing <= 3:
        # 公司对未来有何规划？ … 公司面临哪些挑战？ … （3）… （4）…: the first questions lost their numbers
        lead = [i for i in range(first - 1) if paras[i].style is None and _asks_unnumbered(paras[i], vocab)][-missing:]
        # 募投项目达产时间 answer 重庆公司的产能情况 answer 3．…: where the topics found fall short of the
        # missing numbers, short unpunctuated title lines in the same title-answer rhythm make up the
        # rest, only when exactly enough of them reach back to the start of the record
        extended = list(lead)
        while extended and len(extended) < missing and extended[0] >= 2 and _is_bare_title(paras[extended[0] - 2]):
            extended.insert(0, extended[0] - 2)
        if len(extended) == missing and extended[0] == 0:
            lead = extended
        bounds = lead + [first]
        if lead and all(bounds[k] + 1 < bounds[k + 1] for k in range(len(lead))):
            start = lead[0]
            before = paras[start - 1].lines[-1].rstrip() if start > 0 else ""
            heading = "问答" in before or any(word in before for word in vocab.section_words)  # 互动问答
            if before and not heading and paras[start - 1].style is None and re.match(rf"[{_CJK}A-Za-z]", before[-1]):
                start -= 1  # 公司收购洛卡后，股权将被进一步 / 稀释，您如何看待？ : a question wrapped in two
            starts = [start] + lead[1:]
            for k, i in enumerate(lead):
                pairs.append(_Pair(paras[starts[k] : i + 1], paras[i + 1 : bounds[k + 1]], unmarked=True))
            first = start
    elif missing > 3:
        # eleven questions ending in ？ with their answers, then 十二、…: numbering began part-way
        lead_first, lead_pairs = _pairs_by_question_marks(paras[:first])
        if 2 * len(lead_pairs) >= missing and len(lead_pairs) <= missing + 1:
            pairs.extend(lead_pairs)
            first = lead_first
    for k, qi in enumerate(best):
        end = best[k + 1] if k + 1 < len(best) else len(paras)
        head = paras[qi]
        body = list(paras[qi + 1 : end])
        section_title = None
        if end in starts and len(body) >= 2 and _is_section_title(body[-1]):
            section_title = body.pop()  # 公司业务问答： heads the next section, it does not answer
        question, inline_answer = _numbered_question(head, bool(body), vocab, qi in topic_items)
        if inline_answer:
            body = [_Para([inline_answer], None, "", 0, None, None)] + body
        body, extra = _split_unnumbered_questions(body, _is_topic_heading(question))
        kind = "qa" if body else ("heading" if extra else "item")  # 2、关于模具业务： 2.1…？ 2.2…？
        if kind == "qa" and _is_agenda_title(question, vocab):
            kind = "item"  # 1、现场参观 and what the visitors saw: a point of the programme, not a question
        pairs.append(_Pair([_Para([question], "Q", "", 0, head.style, head.value)], body, kind, unmarked=True))
        pairs.extend(extra)
        if section_title is not None:
            pairs.append(_Pair([section_title], [], "heading", unmarked=True))
    return first, _merge_shared_answers(pairs)


def _answers_listed_after(paras: list[_Para], questions: list[int], runs: list[list[int]]) -> list[_Pair]:
    """1、…？ 2、…？ 3、…？ listed together, then (after at most one unnumbered line such as
    针对上述问题，公司答复如下。) 1、answer 2、answer 3、answer numbered alike and in the same order:
    the k-th answer answers the k-th question. Only that exact shape, else []."""
    count = len(questions)
    if count < 2 or [paras[i].value for i in questions] != list(range(1, count + 1)):
        return []
    if any(b != a + 1 for a, b in zip(questions, questions[1:])):
        return []  # a question with text of its own under it is answered there
    if not all(paras[i].ends_question() and len(paras[i].lines) == 1 for i in questions):
        return []
    last = questions[-1]
    answers = next((run for run in runs if run[0] > last), None)
    if answers is None or len(answers) != count or answers[0] - last > 2:
        return []
    if [paras[i].value for i in answers] != list(range(1, count + 1)):
        return []
    region = paras[last + 1 :]
    if any(p.role is not None for p in region) or any(p.has_question_mark() for p in (paras[i] for i in answers)):
        return []
    numbered_after = [i for i, p in enumerate(paras) if i > answers[0] and p.style not in (None, "sub") and i not in answers]
    if any(answers[0] < i < answers[-1] for i in numbered_after):
        return []  # an answer with a numbered list of its own: the pairing is not certain
    pairs: list[_Pair] = []
    if answers[0] > last + 1:  # the line introducing the answers
        intro = paras[last + 1]
        if intro.style is not None:
            return []
        pairs.append(_Pair([intro], [], "heading", unmarked=True))
    for k, (qi, ai) in enumerate(zip(questions, answers)):
        end = answers[k + 1] if k + 1 < count else len(paras)
        head = paras[qi]
        question = _Para([head.numbering_stripped()], "Q", "", 0, head.style, head.value)
        answer = [_Para([paras[ai].numbering_stripped()], None, "", 0, None, None)] + list(paras[ai + 1 : end])
        pairs.append(_Pair([question], answer, unmarked=True))
    return pairs


def _is_section_title(para: _Para) -> bool:
    """公司业务问答： — a short unnumbered line introducing what follows."""
    text = _compact(para.full())
    return para.style is None and para.role is None and len(text) <= 30 and text.endswith(("：", ":"))


def _is_bare_title(para: _Para) -> bool:
    """募投项目达产时间: one short line, unnumbered and unpunctuated, that could title an answer."""
    text = _compact(para.full())
    return para.style is None and para.role is None and len(para.lines) == 1 and 2 <= len(text) <= 20 and not _ends_terminal(text)


def _asks_unnumbered(para: _Para, vocab: _Vocabulary) -> bool:
    """公司面临哪些挑战？ or the short topic 公司何时更名: an unnumbered line that asks."""
    if para.ends_question():
        return True
    text = _compact(para.full())
    return para.role is None and len(text) <= 30 and not _ends_terminal(text) and _is_topic(text, vocab)


def _is_topic_heading(question: str) -> bool:
    """关于增资中物泰沃的方案： — a numbered line announcing a topic rather than asking."""
    text = _compact(question)
    return text.endswith(("：", ":")) and "？" not in text and "?" not in text


def _split_unnumbered_questions(body: list[_Para], under_topic: bool = False) -> tuple[list[_Para], list[_Pair]]:
    """1、…？ answer 询问养殖业务情况？ answer 3、…: a question whose number was left out; and
    2、关于模具业务： 2.1 …？ answer 2.2 …？ answer (or, right under the topic, （1）…？ answer
    （2）…？ answer): the points asked under a topic."""
    points = under_topic and bool(body) and body[0].style in ("paren", "paren-close") and body[0].has_question_mark()
    cuts = [
        k
        for k in range(len(body) - 1)
        if (
            (body[k].style == "sub" and body[k].has_question_mark())
            or (points and body[k].style == body[0].style and body[k].has_question_mark())
            or (k and body[k].style is None and body[k].ends_question() and len(_compact(body[k].full())) <= 80)
        )
        and not body[k + 1].ends_question()
    ]
    if not cuts:
        return body, []
    extra = []
    for n, k in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else len(body)
        extra.append(_Pair([body[k]], body[k + 1 : end], unmarked=True))
    return body[: cuts[0]], extra


def _merge_shared_answers(pairs: list[_Pair], after_answer: bool = False) -> list[_Pair]:
    """六、…  七、…  八、… then one answer: unanswered items between answered questions were
    asked together with the next one, so they join its question. Items before the first answered
    question (一、签署承诺书) or after the last stay agenda lines, and so does a point listed with a
    semicolon (4、介绍车载夜视产品的用途；) before a question that asks."""
    merged: list[_Pair] = []
    waiting: list[_Pair] = []
    seen_answer = after_answer
    for pair in pairs:
        if pair.kind == "item" and seen_answer:
            listed = _question_text(pair.question).endswith(("；", ";"))
            if listed and not any(p.has_question_mark() for p in pair.question):
                merged.extend(waiting + [pair])  # 4、介绍车载夜视产品的用途； — a programme point, not asked
                waiting = []
                continue
            waiting.append(pair)
            continue
        if pair.kind == "qa" and waiting:
            pair = _Pair([p for w in waiting for p in w.question] + pair.question, pair.answer, "qa", unmarked=True)
            waiting = []
        seen_answer = seen_answer or pair.kind == "qa"
        merged.append(pair)
    return merged + waiting


def _numbered_question(head: _Para, has_body: bool, vocab: _Vocabulary, topic_run: bool = False) -> tuple[str, str]:
    """(question, answer on the same line) of a numbered question paragraph.

    In a run of topic items (``topic_run``: one of its items is "1、公司战略定位。正文…") every item
    that does not ask is split the same way, whether or not its topic has a cue word
    (2、公司定向增发事宜。正文…), and so is one with a body of its own when the rest of its line
    is a long answer, not more of the question (3、离职的原因。是否和解禁有关。 then the answer)."""
    text = head.numbering_stripped()
    if topic_run and not head.has_question_mark():
        first, sep, rest = text.partition("。")
        rest = rest.strip()
        if sep and rest and _names_topic(first, vocab):
            if not has_body or (len(_compact(rest)) > 40 and not any(cue in rest for cue in vocab.question_cues)):
                return first + sep, rest
    if has_body:
        return text, ""  # text after a ？ is more often the question's context than its answer
    question, inline_answer = _split_at_question_mark(text)
    if not inline_answer and not head.has_question_mark():
        # "1、公司战略定位。正文…": a short topic up to the first full stop
        first, sep, rest = question.partition("。")
        if sep and rest.strip() and _is_topic(first, vocab):
            question, inline_answer = first + sep, rest.strip()
    return question, inline_answer


# punctuation between clauses, and adverbs or aspect marks of a statement (公司左氟产品还在快速增长)
_CLAUSE_MARKS = re.compile("[，,；;：:]|已|将|正在|还在|了|是|均|都|也|很|较|不断|继续|仍")


def _names_topic(first: str, vocab: _Vocabulary) -> bool:
    """公司定向增发事宜 / 公司目前的产品: the first sentence of a numbered item in a run of topics
    names one — short, one phrase (no clause after a comma, not a statement such as
    产品还在快速增长), not a programme point (参观…)."""
    compact = _compact(first)
    return _is_topic(compact, vocab) or (
        2 <= len(compact) <= 30
        and not _CLAUSE_MARKS.search(compact)
        and not _is_agenda_point(compact, vocab)
    )


def _is_topic_run(paras: list[_Para], run: list[int], vocab: _Vocabulary) -> bool:
    """A run whose items name their topics up to a full stop and are answered (1、公司的经营情况。正文…,
    or 三、X86市场竞争格局情况。 then its answer): at least one item, not asking, has a topic with a
    cue word before its first 。 and text after it, on its line or in paragraphs of its own."""
    for k, i in enumerate(run):
        head = paras[i]
        if head.has_question_mark():
            continue
        end = run[k + 1] if k + 1 < len(run) else len(paras)
        first, sep, rest = head.numbering_stripped().partition("。")
        if sep and (rest.strip() or end > i + 1) and _is_topic(first, vocab):
            return True
    return False


def _asks(paras: list[_Para], run: list[int], vocab: _Vocabulary) -> bool:
    """At least half of the run's numbered lines ask a question or name a topic."""
    asking = sum(1 for i in run if paras[i].has_question_mark() or _is_topic(_first_sentence(paras[i]), vocab))
    return 2 * asking >= len(run)


def _first_sentence(para: _Para) -> str:
    """The numbered line's text up to its first full stop (公司今年的出口情况。)."""
    return para.numbering_stripped().split("。", 1)[0]


def _is_topic(text: str, vocab: _Vocabulary) -> bool:
    """A short line naming what investors asked about (公司毛利率情况；关于募投项目进展)."""
    compact = _compact(text)
    return len(compact) <= 40 and any(cue in compact for cue in vocab.question_cues)


def _question_run_score(paras: list[_Para], run: list[int], vocab: _Vocabulary) -> float:
    """How much a run of numbered paragraphs looks like answered questions (0 = not at all)."""
    asked = topics = 0
    for k, i in enumerate(run):
        head = paras[i]
        end = run[k + 1] if k + 1 < len(run) else len(paras)
        question, inline_answer = _numbered_question(head, end > i + 1, vocab)
        if not (inline_answer or end > i + 1):
            continue
        if head.has_question_mark():
            asked += 1
        elif _is_topic(question, vocab):
            topics += 1
    if asked:
        return asked + 0.5 * topics
    if len(run) >= 2 and 2 * topics >= len(run):
        return 0.5 * topics
    return 0.0


# -- unmarked, unnumbered: a paragraph ending in ？ and the text after it


def _pairs_by_question_marks(paras: list[_Para]) -> tuple[int, list[_Pair]]:
    starts = []
    i = 0
    while i < len(paras):
        if paras[i].ends_question() and len(_compact(paras[i].full())) <= 200:
            j = i
            while j + 1 < len(paras) and paras[j + 1].ends_question():
                j += 1
            if j + 1 < len(paras):
                starts.append((i, j + 1))
            i = j + 1
        else:
            i += 1
    if len(starts) < 2:
        return 0, []
    pairs = []
    for k, (qi, ai) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(paras)
        pairs.append(_Pair(paras[qi:ai], paras[ai:end], unmarked=True))
    return starts[0][0], pairs


# -- text of segments


def _cut_closing(paras: list[_Para], vocab: _Vocabulary) -> list[_Para]:
    """Drop the closing boilerplate (接待过程中…未泄露未公开重大信息…) at the end."""
    for i, para in enumerate(paras):
        if i == 0 and para.role == "A":
            continue
        text = _TIME_PREFIX.sub("", _compact(para.numbering_stripped()))
        if text.startswith(vocab.closing_prefixes) or (i > 0 and any(p in text for p in vocab.closing_phrases)):
            return _drop_end_marks(paras[:i], vocab)
        if i > 0 and _is_closing_visit(text, vocab):
            return _drop_end_marks(paras[:i], vocab)
        if i > 0 and i == len(paras) - 1 and _is_last_closing_line(text, vocab):
            return paras[:i]
    return _drop_end_marks(paras, vocab)


_END_MARK = re.compile(r"^[（(][^（）()]{0,6}(?:结束|完)[)）]$")  # （调研结束） （会议结束）
# 贵州信邦制药股份有限公司 / 证券投资部: the record's sign-off under the last answer
_SIGN_OFF = re.compile(r"^[^\s，,。；;：:？?！!]{0,30}(?:股份有限公司|有限公司)?(?:证券投资部|证券事务部|证券部|投资者关系部|董事会办公室|董秘办公室|董秘办)$"
                       r"|^[^\s，,。；;：:？?！!]{2,30}股份有限公司$")


def _drop_end_marks(paras: list[_Para], vocab: _Vocabulary) -> list[_Para]:
    """（调研结束） before the closing boilerplate: the end of the meeting, not of the answer."""
    while len(paras) > 1:
        text = _compact(paras[-1].full())
        if not (text in vocab.closing_marks or _END_MARK.match(text) or _SIGN_OFF.match(text)):
            break
        paras = paras[:-1]
    return paras


def _is_last_closing_line(text: str, vocab: _Vocabulary) -> bool:
    """The record's last line closing the meeting: 谢谢大家！ (谢谢！ thanks the asker: kept), an
    end mark （结束）, or an agenda line 公司展示室参观."""
    if len(text) <= 12 and text.startswith(vocab.closing_thanks):
        return True
    if text in vocab.closing_marks or _END_MARK.match(text):
        return True
    return len(text) <= 20 and not re.search("[。，,；;：:]", text) and any(w in text for w in vocab.closing_visit_words)


def _is_closing_visit(text: str, vocab: _Vocabulary) -> bool:
    """最后陪同调研人员参观了产业园。/ 最后，结合…，来访者对公司发展提出了建议。: a short closing
    line sending the visitors round the plant or giving their parting words."""
    if len(text) > 120:
        return False
    visit = any(word in text for word in vocab.closing_visit_words)
    if visit and any(word in text for word in vocab.closing_escorts):
        return True  # 其他：公司董秘陪同研究员参观生产车间
    if not text.startswith(vocab.closing_visit_openers):
        return False
    return visit or any(word in text[:40] for word in vocab.closing_visitors)


def _strip_closing(paras: list[_Para], vocab: _Vocabulary) -> list[_Para]:
    """Drop closing boilerplate paragraphs at the very end of a presentation-only record."""
    end = len(paras)
    while end > 0 and _TIME_PREFIX.sub("", _compact(paras[end - 1].numbering_stripped())).startswith(vocab.closing_prefixes):
        end -= 1
    return paras[:end]


def _question_text(q_paras: list[_Para]) -> str:
    parts: list[str] = []
    for para in q_paras:
        part = normalize_segment_text(para.body() if para.role == "Q" else para.numbering_stripped())
        if not parts or part != parts[-1]:  # a question typed twice is asked once
            parts.append(part)
    text = "".join(parts).lstrip("、，,.．")  # "1\n、公司基本情况": the number went to another line
    # 双方就…进行了交流，主要问题如下：石膏板的应用领域？ — the introduction is not the question
    intro = _INTRO_BEFORE_QUESTION.search(text)
    return text[intro.end() :] if intro and intro.end() < len(text) else text


def _answer_text(a_paras: list[_Para]) -> str:
    parts = []
    for k, para in enumerate(a_paras):
        if para.role == "A" and (k == 0 or para.canonical_answer):
            parts.append(para.body())
        else:
            parts.append(para.full())
    return normalize_segment_text("\n".join(parts))


def _presentation(paras: list[_Para], vocab: _Vocabulary) -> list[Segment]:
    """Sections before the Q&A: split at 一、 / （一） / 第一部分 headings."""
    if not paras:
        return []
    heading_styles = ("cn", "paren-cn", "ord")
    sections: list[tuple[str, list[_Para]]] = []
    current_title: str | None = None
    current: list[_Para] = []
    for para in paras:
        if para.style in heading_styles:
            if current_title is not None or current:
                sections.append((current_title or "", current))
            title, body = _heading(para.numbering_stripped())
            current_title = title
            current = [_Para([body], None, "", 0, None, None)] if body else []
        else:
            current.append(para)
    if current_title is not None or current:
        sections.append((current_title or "", current))
    segments = []
    number = 0
    for title, body_paras in sections:
        body = normalize_segment_text("\n".join(p.full() for p in body_paras))
        if not title and body.endswith(vocab.intro_suffixes):
            # "本次活动的主要内容如下：" introduces, it is not a section; a sentence before it is kept
            # (宋总致欢迎辞并介绍公司基本情况。本次调研记录如下：)
            last = max(body.rfind(mark, 0, len(body) - 1) for mark in "。！？!?；;") + 1
            if len(body) - last <= 40:
                body = body[:last]
        if not title and not body:
            continue
        number += 1
        segments.append(Segment(kind="presentation", number=number, question="", answer="", text=body, title=title))
    return segments


def _heading(text: str) -> tuple[str, str]:
    """"公司简况" → (title, ""); "公司简况：正文…" → (title, body); long text → ("", text)."""
    flat = normalize_segment_text(text)
    match = _HEADING_SEPARATOR.search(flat)
    if match and match.start() <= 30:
        head, body = flat[: match.start()], flat[match.end() :]
        return head, body
    if len(flat) <= 30:
        return flat.rstrip("；;，,"), ""
    return "", flat
