"""The closing boilerplate of a record (接待过程中…未泄露未公开重大信息, 参观…, 谢谢大家！) cut from the last answer."""
from __future__ import annotations

import re

from nlp.parse.paragraphs import _Para
from nlp.parse.patterns import _TIME_PREFIX, _compact, _words
from nlp.parse.vocabulary import _Vocabulary


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
_SIGN_OFF = re.compile(r"^[^\s，,。；;：:？?！!]{0,30}(?:股份有限公司|有限公司)?(?:" + _words("sign_off_departments") + ")$"
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
