"""Pairing on numbered questions with no markers: the run of consecutive numbers whose lines ask."""
from __future__ import annotations

import re

from nlp.parse.cues import _asks, _first_sentence, _is_agenda_point, _is_agenda_title, _is_topic
from nlp.parse.pairing.question_marks import _pairs_by_question_marks
from nlp.parse.pairs import _merge_shared_answers, _Pair, _split_at_question_mark
from nlp.parse.paragraphs import _ARABIC_STYLES, _ends_terminal, _Para
from nlp.parse.patterns import _CJK, _compact, _words
from nlp.parse.vocabulary import _Vocabulary


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
_CLAUSE_MARKS = re.compile(_words("statement_marks"))


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
