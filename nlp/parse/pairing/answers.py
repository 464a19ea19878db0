"""Pairing anchored on answer markers (答：, A：, 回复：, a recurring speaker name)."""
from __future__ import annotations

import re

from nlp.parse.closing import _cut_closing
from nlp.parse.cues import _asks, _first_sentence, _is_agenda_point, _is_topic
from nlp.parse.pairing.numbering import _pairs_by_numbering
from nlp.parse.pairing.questions import _pairs_by_questions
from nlp.parse.pairs import _merge_shared_answers, _Pair
from nlp.parse.paragraphs import _ARABIC_STYLES, _ends_terminal, _Para
from nlp.parse.patterns import _CJK, _CLOSERS, _COLON_LABEL, _compact, _words
from nlp.parse.vocabulary import _Vocabulary, _vocabulary


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
_ASKING_WORDS = re.compile(_words("asking_words"))


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
