"""Paragraphs → ordered segments: speakers resolved, pairs found by ``nlp.parse.pairing``, presentation
split off.
"""
from __future__ import annotations

from nlp.parse.assemble import _answer_text, _presentation, _question_text
from nlp.parse.closing import _cut_closing, _strip_closing
from nlp.parse.pairing import pair_paragraphs
from nlp.parse.pairs import _Pair
from nlp.parse.paragraphs import _number_of, _Para, _paragraphs, _role_of
from nlp.parse.patterns import _TRAILING_QUESTION
from nlp.parse.vocabulary import _Vocabulary
from nlp.records import Segment
from nlp.text import normalize_segment_text


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
    first_q, pairs = pair_paragraphs(paras, vocab)
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
