"""What is new, what is repeated, what investors keep asking: text similarity over the company's filings.

Texts are compared as TF-IDF vectors of character bigrams (NFKC, lower-case, numbers folded to one
symbol, punctuation and spaces dropped), with the IDF of the company's own texts, by cosine
similarity. Character bigrams need no tokenizer and treat 电价调整 and 调整电价 as alike; folding
numbers makes "资本开支预计40亿" and "资本开支预计50亿" the same statement (a changed figure is
guidance's business, ``nlp.guidance``), and the company IDF keeps its everyday words (风电, 公司)
from making every sentence look alike.

- ``new_statements``: sentences of the current filing's answers (``MIN_SENTENCE`` characters or
  more) whose closest earlier sentence is less similar than ``NEW_BELOW``; answers that are repeats
  contribute none. Ranked by how much they carry (theme evidence terms, figures, length) and how
  unlike anything earlier they are.
- ``repeats``: answers with an earlier answer at least ``REPEAT_FROM`` alike (near word for word),
  with how many earlier filings hold such a copy and when it was first and last given.
- ``recurring_questions``: questions of the current filing with a question at least ``ASKED_FROM``
  alike in earlier filings: one (the closest) per earlier filing, with its answer's tone. Questions
  are short and say the same thing in other characters (电价调整对风电行业的影响 / 风电上网电价是否会
  下调: character bigrams 0.12 alike), so they are compared by content terms (``TermFilter``: 电价,
  风电, 下调…; 0.34 to 0.73 on 金风科技's 电价 questions) rather than bigrams.
Only answers with ``status == "ok"`` take part.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nlp.records import Asked, FilingScore, RecurringQuestion, Repeat, Statement

NEW_BELOW = 0.5
REPEAT_FROM = 0.85
ASKED_FROM = 0.5
MIN_SENTENCE = 12  # characters after normalization: shorter ones (是的。谢谢关注。) say nothing new
MIN_QUESTION = 6

_SENTENCE_END = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")
_FOLD_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DROP = re.compile(r"[\W_]+")
_FIGURE = re.compile(r"\d")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return _DROP.sub("", _FOLD_NUMBER.sub("0", text))


def bigrams(text: str) -> list[str]:
    t = normalize(text)
    return [t[i:i + 2] for i in range(len(t) - 1)] or ([t] if t else [])


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) of a text cut after 。！？；, and at line ends."""
    return [(m.start(), m.group(0).strip()) for m in _SENTENCE_END.finditer(text) if m.group(0).strip()]


def similarity(current: Sequence[str], earlier: Sequence[str], analyzer: Callable[[str], Sequence[str]] = bigrams):
    """The cosine similarity matrix (len(current) × len(earlier)) of the texts' TF-IDF vectors of
    ``analyzer``'s features (default: character bigrams), the IDF fitted on both: sublinear term
    frequency 1 + ln(tf), smoothed IDF ln((1 + n) / (1 + df)) + 1, L2-normalized (scikit-learn's
    ``TfidfVectorizer(sublinear_tf=True)``, written out: importing scikit-learn costs a report more
    than the computation). An empty side, or texts without features, give zeros."""
    import numpy as np

    out = np.zeros((len(current), len(earlier)))
    if not current or not earlier:
        return out
    docs = [Counter(analyzer(t)) for t in current] + [Counter(analyzer(t)) for t in earlier]
    df = Counter(f for d in docs for f in d)
    n = len(docs)
    vectors = []
    for d in docs:
        v = {f: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[f])) + 1) for f, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({f: x / norm for f, x in v.items()})
    index: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for j, v in enumerate(vectors[len(current):]):
        for f, x in v.items():
            index[f].append((j, x))
    for i, v in enumerate(vectors[: len(current)]):
        row = out[i]
        for f, x in v.items():
            for j, y in index.get(f, ()):
                row[j] += x * y
    return out


@dataclass(frozen=True)
class Earlier:
    """An earlier filing as the similarity functions need it: where it sits and its scored answers."""

    score: FilingScore
    when: str | None  # its date, or the reporting period of an undated briefing


def _ok(score: FilingScore) -> list[tuple[int, object]]:
    return [(i, a) for i, a in enumerate(score.answers) if a.status == "ok"]


def repeats(current: FilingScore, earlier: Sequence[Earlier], repeat_from: float = REPEAT_FROM) -> tuple[Repeat, ...]:
    """The current filing's answers given nearly word for word before (module doc)."""
    mine = [(i, a) for i, a in _ok(current) if len(normalize(a.answer)) >= MIN_SENTENCE]
    theirs = [(k, a) for k, e in enumerate(earlier) for _, a in _ok(e.score)]
    sim = similarity([a.answer for _, a in mine], [a.answer for _, a in theirs])
    out = []
    for row, (index, _) in enumerate(mine):
        hits = sorted({theirs[col][0] for col in range(len(theirs)) if sim[row, col] >= repeat_from})
        if hits:
            out.append(Repeat(index=index, similarity=float(sim[row].max()), filings=len(hits),
                              first_date=earlier[hits[0]].when, last_date=earlier[hits[-1]].when))
    return tuple(out)


def _weight(sentence: str, terms: set[str]) -> float:
    """How much a sentence carries: theme evidence terms and figures count, then its length."""
    carried = sum(term in sentence for term in terms) + bool(_FIGURE.search(sentence))
    return (1 + carried) * min(len(sentence), 60) / 60


def new_statements(current: FilingScore, earlier: Sequence[Earlier], skip: Sequence[int] = (),
                   new_below: float = NEW_BELOW) -> tuple[Statement, ...]:
    """Sentences of the current filing with no close match among the earlier ones (module doc);
    ``skip``: answer indexes not to look at (repeats)."""
    if not earlier:
        return ()
    mine: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for index, answer in _ok(current):
        if index in skip:
            continue
        for start, sentence in sentences(answer.answer):
            key = normalize(sentence)
            if len(key) >= MIN_SENTENCE and key not in seen:  # the same sentence twice in a filing: once
                seen.add(key)
                mine.append((index, start, sentence))
    theirs = [s for e in earlier for _, a in _ok(e.score) for _, s in sentences(a.answer)]
    sim = similarity([s for _, _, s in mine], theirs)
    out = []
    for row, (index, start, sentence) in enumerate(mine):
        best = float(sim[row].max()) if theirs else 0.0
        if best < new_below:
            answer = current.answers[index]
            out.append((Statement(index=index, sentence=sentence, start=start, similarity=best, themes=answer.tagged),
                        _weight(sentence, {t for th in answer.themes if th.evidence for t in th.evidence.terms})))
    out.sort(key=lambda p: (-(p[1] * (1 - p[0].similarity)), p[0].index, p[0].start))
    return tuple(s for s, _ in out)


def recurring_questions(current: FilingScore, earlier: Sequence[Earlier], terms: Callable[[str], Sequence[str]],
                        asked_from: float = ASKED_FROM) -> tuple[RecurringQuestion, ...]:
    """Questions of the current filing asked in earlier filings too (module doc), compared by their
    content ``terms`` (``TermFilter``); most often asked first, then in filing order."""
    mine = [(i, a) for i, a in _ok(current) if len(normalize(a.question)) >= MIN_QUESTION]
    theirs = [(k, a) for k, e in enumerate(earlier) for _, a in _ok(e.score) if len(normalize(a.question)) >= MIN_QUESTION]
    sim = similarity([a.question for _, a in mine], [a.question for _, a in theirs], analyzer=terms)
    out = []
    for row, (index, answer) in enumerate(mine):
        best: dict[int, tuple[float, object]] = {}
        for col, (k, a) in enumerate(theirs):
            s = float(sim[row, col])
            if s >= asked_from and s > best.get(k, (0.0, None))[0]:
                best[k] = (s, a)
        if best:
            asked = tuple(Asked(filing_id=earlier[k].score.filing.filing_id, date=earlier[k].when, question=a.question,
                                tone=a.tone.score, similarity=s) for k, (s, a) in sorted(best.items()))
            out.append(RecurringQuestion(index=index, question=answer.question, tone=answer.tone.score, earlier=asked))
    out.sort(key=lambda r: (-len(r.earlier), r.index))
    return tuple(out)
