"""Small predicates on a line's words: a topic, an agenda point, a question run."""
from __future__ import annotations

import re

from nlp.parse.paragraphs import _Para
from nlp.parse.patterns import _compact
from nlp.parse.vocabulary import _Vocabulary

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
