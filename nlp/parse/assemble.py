"""The texts of segments: questions, answers and presentation sections from their paragraphs."""
from __future__ import annotations

from nlp.parse.paragraphs import _Para
from nlp.parse.patterns import _HEADING_SEPARATOR, _INTRO_BEFORE_QUESTION
from nlp.parse.vocabulary import _Vocabulary
from nlp.records import Segment
from nlp.text import normalize_segment_text


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
