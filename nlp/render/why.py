"""Why an answer got its tags and its tone: marked-up answer text, and the one-line "why".

``answer_marks`` finds what to mark in an answer (evidence sentences, evidence terms, tone terms);
``highlight_answer`` draws them as a rich ``Text`` and ``nlp.render.html`` as HTML elements, so the
terminal and the document mark the same characters.

``why_line`` is compact by default: each tagged theme's evidence terms (theme-file terms), untagged
themes that came close, and the lexicon terms that moved the tone most. The learned words of the
models (``ThemeResult.words``, ``ToneResult.words``) are shown only with ``explain=True``: they are
the models' internals, and a learned weight next to a lexicon term with the opposite sign (风险 −2.4
in the lexicon, 风险 +0.05 learned) reads as a contradiction rather than an explanation.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from nlp.records import ScoredAnswer
from nlp.render.format import Labels, label

ANSWER_CHARS = 260  # answer text shown per key answer in the terminal, around its evidence
THEME_WORD_SHOWN_FROM = 0.05  # a theme word moving the decision value (log-odds) by less is not shown
NEAR_MISS_FROM = 0.2  # an untagged theme scoring this much (tags start at 0.4) is named as a near miss
MAX_WORDS_SHOWN = 3  # learned words in the why line (the JSON keeps ToneResult.words: up to 5)
WORD_SHOWN_FROM = 0.01  # a learned word that moved the score by less is not worth a reader's attention


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # "evidence" (a sentence), "term" (an evidence term), "positive" / "negative" (tone terms)


def answer_marks(answer: ScoredAnswer) -> tuple[list[Mark], int | None]:
    """(the marks, the offset of the first evidence sentence or None). Offsets that do not match the
    answer text are not trusted: the sentence is looked up instead, and tone terms are skipped."""
    text = answer.answer
    marks: list[Mark] = []
    first = None
    for theme in answer.themes:
        ev = theme.evidence
        if not theme.tagged or ev is None:
            continue
        start, end = ev.start, ev.end
        if text[start:end] != ev.sentence:
            start = text.find(ev.sentence) if ev.sentence else -1
            end = start + len(ev.sentence)
        if start < 0:
            start, end = 0, len(text)
        else:
            marks.append(Mark(start, end, "evidence"))
            first = start if first is None else min(first, start)
        for term in ev.terms:
            if not term:
                continue
            pos = text.find(term, start, end)
            while pos >= 0:
                marks.append(Mark(pos, pos + len(term), "term"))
                pos = text.find(term, pos + len(term), end)
    for term in answer.tone.terms:
        if term.term and term.weight and text[term.start: term.start + len(term.term)] == term.term:
            marks.append(Mark(term.start, term.start + len(term.term), "positive" if term.weight > 0 else "negative"))
    return marks, first


_RICH_STYLE = {"evidence": "underline", "term": "bold yellow", "positive": "green", "negative": "red"}


def highlight_answer(answer: ScoredAnswer, limit: int = ANSWER_CHARS) -> Text:
    """The answer with its evidence sentences underlined, evidence terms bold and tone terms coloured,
    clipped to ``limit`` characters around the first evidence sentence."""
    text = answer.answer
    rich_text = Text(text)
    marks, first = answer_marks(answer)
    for m in marks:
        rich_text.stylize(_RICH_STYLE[m.kind], m.start, m.end)
    if len(text) <= limit:
        return rich_text
    begin = max(0, min(first or 0, len(text) - limit) - 20) if first else 0
    clipped = rich_text[begin: begin + limit]
    if begin > 0:
        clipped = Text("…") + clipped
    if begin + limit < len(text):
        clipped.append("…")
    return clipped


def tone_terms(answer: ScoredAnswer, max_terms: int = 6) -> list[tuple[str, float, int, bool]]:
    """(term, summed weight, count, negated) of the lexicon terms that moved the tone most: the same
    term found several times is one entry (坏账 −3.9 ×3)."""
    merged: dict[tuple[str, bool, bool], list[float]] = {}
    for t in answer.tone.terms:
        merged.setdefault((t.term, t.negated, t.weight > 0), []).append(t.weight)
    ranked = sorted(merged.items(), key=lambda kv: -abs(sum(kv[1])))[:max_terms]
    return [(term, sum(weights), len(weights), negated) for (term, negated, _), weights in ranked]


def learned_words(answer: ScoredAnswer) -> list[tuple[str, float]]:
    return [(w, c) for w, c in answer.tone.words if abs(c) >= WORD_SHOWN_FROM][:MAX_WORDS_SHOWN]


def why_line(answer: ScoredAnswer, labels: Labels | None = None, max_terms: int = 6, explain: bool = False) -> Text:
    """Why the tags and the tone: each tagged theme's evidence terms, near misses, then the lexicon
    terms that moved the tone most, signed (a negated term is marked ¬); with ``explain`` also the
    models' learned words (the theme's in brackets, the tone's after "learned:"). Plain text, so it
    survives piping and TXT export."""
    out = Text(style="dim")
    for theme in answer.themes:
        if theme.tagged and theme.evidence is not None and theme.evidence.terms:
            out.append("why " if not out.plain else " · ")
            out.append(label(labels, theme.theme), style="cyan")
            out.append(f" {theme.score:.2f}: " + " ".join(theme.evidence.terms[:max_terms]))
            shown = [(w, c) for w, c in theme.words if abs(c) >= THEME_WORD_SHOWN_FROM]
            if explain and shown:  # the theme's own learned words, in brackets: not terms of the theme file
                out.append(" [" + " ".join(f"{w}{c:+.2f}" for w, c in shown) + "]")
    near = [t for t in answer.themes if not t.tagged and t.score >= NEAR_MISS_FROM]
    if near:  # untagged but close: the reader can judge (the threshold is the model's, not a verdict)
        out.append(" · " if out.plain else "why ")
        out.append("near " + ", ".join(f"{label(labels, t.theme)} {t.score:.2f}" for t in near))
    terms = tone_terms(answer, max_terms)
    if terms:
        out.append(" · " if out.plain else "why ")
        out.append("tone: ")
        for i, (term, weight, count, negated) in enumerate(terms):
            if i:
                out.append(" ")
            shown = ("¬" if negated else "") + term + f"{weight:+.1f}" + (f"×{count}" if count > 1 else "")
            out.append(shown, style="green" if weight > 0 else "red")
    words = learned_words(answer) if explain else []
    if words:
        out.append(" · " if out.plain else "why ")
        out.append("learned: ")
        for i, (w, c) in enumerate(words):
            if i:
                out.append(" ")
            out.append(f"{w}{c:+.2f}", style="green" if c > 0 else "red")
    return out
