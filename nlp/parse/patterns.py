"""Regular expressions of the parser (compiled once) and ``_compact``; marker words live in the
vocabulary.
"""
from __future__ import annotations

import re

from nlp.lang import read_json


def _words(key: str) -> str:
    """A regex alternation of the literal words listed under ``key`` in parse_markers.json, longest first."""
    words = read_json("parse_markers.json")[key]
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))




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
# 第 2 页 共 8 页 / 共8页 第2页 / 2/8 / Page 2 of 8, inside a header or footer line (whitespace removed)
_PAGE_NUMBER = re.compile(r"第\d+页[,，/]?共\d+页|共\d+页[,，/]?第\d+页|[Pp]age\d+(?:of|/)\d+")
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
# half-year word, else annual (nlp/parse/RULES.md).
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
_TITLE_LINE = re.compile(_words("title_words"))
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


def _compact(text: str) -> str:
    return _ANY_WS.sub("", text)
