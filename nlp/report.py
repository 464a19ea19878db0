"""Render a ``Comparison`` (and a company's history) for people and for machines.

People: ``Report(comparison, labels)`` is a rich renderable (``__rich_console__``) made of smaller ones
(``Header``, ``ThemeTable``, ``ToneGauge``, ``WhatChanged``, ``KeyAnswers``); ``HistoryTable`` lists a
company's filings. They only arrange numbers computed by ``nlp.compare``. Every piece of filing text
goes into ``rich.text.Text`` objects, never into markup strings, so ``[bold]`` in an answer stays
literal; HTML and SVG exports escape it (``export``). Colour comes from the console: none when stdout
is not a terminal.

Machines: ``to_json(comparison, labels)`` returns a dict with these keys (floats unrounded; ``null``
where a value is undefined, e.g. without earlier filings):

- ``schema``: ``"irtone.report/1"``
- ``company``: ``{code, name, company}``
- ``filing``: ``{filing_id, date, period, date_valid, activity, participants, source, kind, answers,
  model_version}``; ``period`` is a results briefing's reporting period ("2016" annual, "2016H1",
  "2016Q3"; see ``nlp.parse``), else ``null``. A briefing without a date is placed in the history by
  its period (``nlp.store.period_date``), so its ``date`` stays ``null`` and ``date_valid`` false.
- ``tone``: ``{value, label, change_prev, z, history_mean, history_std, trend}``; ``change_prev`` =
  tone − previous filing's tone; ``z`` = (tone − history_mean) / max(history_std, 0.1) (sample sd,
  floored at ``nlp.compare.MIN_TONE_SD``; needs ≥ 2 earlier filings); ``trend`` = filing tones oldest
  first, ending with this one. A filing without question-answer pairs has ``value`` ``null``.
- ``themes``: list of ``{theme, label, share, intensity, share_change_prev, share_change_mean,
  intensity_change_prev, intensity_change_mean, share_trend}`` (changes are current − previous and
  current − mean of the earlier filings, as fractions, not percentage points).
- ``previous``: ``{filing_id, date, period}`` of the previous filing, or ``null``.
- ``history``: the earlier filings, oldest first: ``{filing_id, date, period, date_valid, activity,
  answers, tone, theme_share, theme_intensity}``; ``undated_filings``: stored filings left out for a
  garbled or missing date (and no reporting period); ``filings_without_answers``: earlier filings
  with no question-answer pairs, left out (they measured nothing);
  ``other_model_filings``: earlier filings scored by another model version (``Store.stale`` finds them).
- ``terms_in`` / ``terms_out``: ``[{term, z}]``, log-odds z-scores (Monroe et al. 2008) of terms more /
  less used than in the earlier filings.
- ``movers``: ``[{index, number, question, answer, tone, tone_label, tone_terms: [{term, weight, start,
  negated}], tone_words: [{word, contribution}], tone_change_mean, new_themes, score, themes: [{theme,
  score, words: [{word, contribution}], evidence: {terms, sentence, start, end} | null}]}]`` (tagged
  themes only; ``words``: the theme's learned words that moved its score most): why each score.
- ``answers``: every answer of the filing in order, the same keys as a mover without the three
  comparison keys, plus ``theme_scores`` (every theme's score, tagged or not: near misses show).
"""
from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from nlp.records import Comparison, FilingScore, HistoryPoint, IrtoneError, ScoredAnswer

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
_PARTIAL = " ▏▎▍▌▋▊▉"
SCHEMA = "irtone.report/1"
EXPORT_WIDTH = 100
MAX_TREND = 24  # sparkline points shown (the most recent)
MAX_TABLE_TREND = 12  # in the theme table, where 80 columns must also hold the bars
MAX_PARTICIPANTS = 6
ANSWER_CHARS = 260  # answer text shown per key answer, around its evidence
MIN_HISTORY_UNUSUAL = 5  # a tone z-score from fewer earlier filings is too unstable to call unusual

Labels = Mapping[str, str]


# -- small text helpers ---------------------------------------------------------------------------


def sparkline(values: Sequence[float], lo: float | None = None, hi: float | None = None) -> str:
    """One block character per value, scaled between ``lo`` and ``hi`` (default: the series' range).

    A flat series is drawn at mid height.
    """
    if not values:
        return ""
    lo = min(values) if lo is None else lo
    hi = max(values) if hi is None else hi
    if hi - lo <= 1e-12:
        return SPARK_BLOCKS[3] * len(values)
    top = len(SPARK_BLOCKS) - 1
    out = []
    for v in values:
        level = (min(max(v, lo), hi) - lo) / (hi - lo)
        out.append(SPARK_BLOCKS[int(round(level * top))])
    return "".join(out)


def bar(fraction: float, width: int = 10) -> str:
    """A horizontal bar of ``width`` cells filled to ``fraction`` (eighth-cell resolution)."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = int(round(fraction * width * 8))
    full, part = divmod(eighths, 8)
    text = "█" * full + (_PARTIAL[part] if part else "")
    return text.ljust(width)


def signed(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:+.{digits}f}"
    if float(text) == 0:  # −0.004 rounds to "−0.00": no sign for a change too small to show
        text = f"{0.0:+.{digits}f}"
    return text.replace("-", "−")


def tone_text(value: float) -> str:
    """A tone with two decimals, or more where rounding would carry it across a label threshold
    (0.2957 is neutral: "+0.30" would read as positive at the threshold 0.3)."""
    from nlp.scale import tone_label

    for digits in (2, 3, 4):
        text = signed(value, digits)
        if tone_label(float(text.replace("−", "-"))) == tone_label(value):
            break
    return text


def points(value: float | None) -> str:
    """A change in share as percentage points."""
    if value is None:
        return "–"
    return signed(value * 100, 0) + "pp"


def _label(labels: Labels | None, theme: str) -> str:
    return (labels or {}).get(theme, theme)


def _tone_style(label: str) -> str:
    """The colour of a tone label (green positive, red negative): the label the scoring model gave,
    so colour and label agree also for filings stored by an earlier model."""
    return {"positive": "green", "negative": "red"}.get(label, "yellow")


# How a reporting period is named where a date would be shown: it is a period, not a day.
_PERIOD_NAMES = {None: "年报期", "H1": "半年报期", "Q1": "一季报期", "Q2": "二季报期", "Q3": "三季报期", "Q4": "四季报期"}


def period_label(period: str | None) -> str:
    """ "2016" → "2016 年报期", "2016H1" → "2016H1 半年报期", "2016Q3" → "2016Q3 三季报期"; other
    values as "period <value>"; "" for None."""
    if not period:
        return ""
    if len(period) >= 4 and period[:4].isdigit() and (period[4:] or None) in _PERIOD_NAMES:
        return f"{period} {_PERIOD_NAMES[period[4:] or None]}"
    return f"period {period}"


def date_or_period(date: str | None, date_valid: bool, period: str | None) -> str:
    """Where a filing sits in time, for people: its valid date, else its reporting period, else the
    date as written (or "undated")."""
    if date_valid and date:
        return date
    if period:
        return period_label(period)
    return date or "undated"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- renderables -------------------------------------------------------------------------------


class Header:
    """Company, code, date, activity, participants and provenance of the filing."""

    def __init__(self, score: FilingScore, date_valid: bool = True):
        self.score = score
        self.date_valid = date_valid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        f = self.score.filing
        title = Text(f.name or f.company or "unknown company", style="bold")
        if f.code:
            title.append(f"  {f.code}", style="cyan")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        if f.name and f.company and f.company != f.name:  # without a short name the title shows it
            grid.add_row("Company", Text(f.company))
        if not self.date_valid and f.period:
            date = Text(f.date or "none", style="dim")
            date.append("  (placed in the history by its reporting period)", style="dim")
        else:
            date = Text(f.date or "unknown")
            if not self.date_valid:
                date.append("  (missing or unreadable date: not placed in the history)", style="red")
        grid.add_row("Date", date)
        held = [d for d in f.event_dates if d]
        if held and held != [f.date]:  # the record's date is often the day it was filed, after the meetings
            grid.add_row("Held", Text(" … ".join(dict.fromkeys(held)) + "  (the activity itself)"))
        if f.period:
            grid.add_row("Period", Text(period_label(f.period) + "  (the reporting period discussed, not a day)"))
        if f.activity_types:
            grid.add_row("Activity", Text("、".join(f.activity_types)))
        if f.participants:
            shown = "、".join(f.participants[:MAX_PARTICIPANTS])
            more = len(f.participants) - MAX_PARTICIPANTS
            grid.add_row("Participants", Text(shown + (f" … (+{more})" if more > 0 else "")))
        grid.add_row(
            "Answers",
            Text(f"{len(self.score.answers)}   filing {f.filing_id}   model {self.score.model_version}"),
        )
        grid.add_row("Source", Text(f.source))
        yield Panel(grid, title=title, title_align="left", box=box.ROUNDED)


class ThemeTable:
    """Each theme's share of answers (bar), its changes and its trend across filings."""

    def __init__(self, comparison: Comparison, labels: Labels | None = None):
        self.comparison = comparison
        self.labels = labels

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        c = self.comparison
        has_history = bool(c.history)
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
        # Long theme labels wrap; the numbers keep their width (the table stays within 80 columns).
        table.add_column("Theme", max_width=12, overflow="fold")
        table.add_column("Share of answers", no_wrap=True, min_width=15)
        if has_history:
            table.add_column("Δ prev", justify="right", no_wrap=True, min_width=6)
            table.add_column("Δ mean", justify="right", no_wrap=True, min_width=6)
        table.add_column("Intensity", justify="right", no_wrap=True, min_width=9)
        if has_history:
            table.add_column("Trend", no_wrap=True, min_width=MAX_TABLE_TREND)
        for d in c.themes:
            row: list[Text] = [
                Text(_label(self.labels, d.theme)),
                Text(bar(d.share), style="cyan") + Text(f" {d.share * 100:3.0f}%"),
            ]
            if has_history:
                row.append(Text(points(d.share_change_prev), style=_change_style(d.share_change_prev)))
                row.append(Text(points(d.share_change_mean), style=_change_style(d.share_change_mean)))
            row.append(Text(f"{d.intensity:.2f}"))
            if has_history:
                trend = c.share_trend(d.theme)[-MAX_TABLE_TREND:]
                row.append(Text(sparkline(trend, lo=0.0, hi=max(max(trend), 1e-9)), style="cyan"))
            table.add_row(*row)
        yield table
        legend = "share: answers tagged; intensity: mean theme score over all answers (0–1, length-weighted)"
        if has_history:
            legend += "; Δ in percentage points vs the previous filing and the history's mean"
        yield Text(legend, style="dim")


def _change_style(value: float | None) -> str:
    if value is None or abs(value) < 0.05:
        return "dim"
    return "bold"


class ToneGauge:
    """The filing's tone on a −1…+1 gauge, its change, its z-score and the trend."""

    WIDTH = 31

    def __init__(self, comparison: Comparison):
        self.comparison = comparison

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        c = self.comparison
        if not c.current.answers:
            yield Text("Tone n/a  (no question-answer pairs in this filing: nothing was scored)", style="dim")
            return
        tone = c.current.tone
        style = _tone_style(c.current.tone_label)
        line = Text("Tone ", style="bold")
        line.append(tone_text(tone), style=f"bold {style}")
        line.append(f"  {c.current.tone_label}", style=style)
        yield line
        slot = int(round((min(max(tone, -1.0), 1.0) + 1) / 2 * (self.WIDTH - 1)))
        gauge = Text("−1 ├", style="dim")
        for i in range(self.WIDTH):
            if i == slot:
                gauge.append("●", style=f"bold {style}")
            elif i == self.WIDTH // 2:
                gauge.append("┼", style="dim")
            else:
                gauge.append("─", style="dim")
        gauge.append("┤ +1", style="dim")
        yield gauge
        if not c.history:
            return
        stats = Text("vs previous ")
        stats.append(signed(c.tone_change_prev), style="bold")
        stats.append("   z ")
        if c.tone_z is None:
            stats.append("n/a (needs 2+ earlier filings)", style="dim")
        else:
            stats.append(signed(c.tone_z), style="bold")
        if c.tone_mean is not None:
            spread = ""
            if c.tone_std is not None:
                spread = f", sd {c.tone_std:.2f}"
                if c.tone_se is not None:
                    spread += f"; this tone ±{c.tone_se:.2f} (se)"
            stats.append(f"   history mean {signed(c.tone_mean)}{spread}, {len(c.history)} filings", style="dim")
        yield stats
        trend = c.tone_trend[-MAX_TREND:]
        spark = Text("trend ")
        spark.append(sparkline(trend), style=style)
        span = "oldest" if len(c.tone_trend) <= MAX_TREND else f"last {MAX_TREND} of {len(c.tone_trend)}"
        spark.append(f"  {signed(min(trend))} … {signed(max(trend))}, {span} → this filing", style="dim")
        yield spark


class WhatChanged:
    """Terms in and out, themes up and down, and the tone's z-score, in a few lines."""

    def __init__(self, comparison: Comparison, labels: Labels | None = None, top: int = 8):
        self.comparison = comparison
        self.labels = labels
        self.top = top

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        c = self.comparison
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        prev = c.previous
        assert prev is not None
        tone = Text(f"{signed(c.tone_change_prev)} vs previous filing ({date_or_period(prev.date, prev.date_valid, prev.period)})")
        if c.tone_z is not None:
            tone.append(f"; z {signed(c.tone_z)} against {len(c.history)} earlier filings")
            if abs(c.tone_z) >= 2 and len(c.history) >= MIN_HISTORY_UNUSUAL:
                tone.append("  unusual", style="bold")
        now = "、".join(c.current.filing.activity_types)
        if prev.activity and now and prev.activity != now:
            # a results briefing answers retail investors, a visit analysts: tone differs by kind of event
            tone.append(f"  (previous: {prev.activity}; this: {now})", style="dim")
        grid.add_row("Tone", tone)
        # a theme moved when the number of answers tagged with it moved: the same one answer among 8
        # and among 10 is not a theme going down
        ups = sorted((d for d in c.themes if (d.share_change_prev or 0) >= 0.01 and c.tagged_change(d.theme) > 0),
                     key=lambda d: -(d.share_change_prev or 0))
        downs = sorted((d for d in c.themes if (d.share_change_prev or 0) <= -0.01 and c.tagged_change(d.theme) < 0),
                       key=lambda d: d.share_change_prev or 0)
        grid.add_row("Themes up", self._themes(ups))
        grid.add_row("Themes down", self._themes(downs))
        grid.add_row("Terms in", self._terms(c.terms_in, "green"))
        grid.add_row("Terms out", self._terms(c.terms_out, "red"))
        if c.undated:
            grid.add_row("Undated", Text(f"{c.undated} stored filing(s) with missing or unreadable dates not compared"))
        if c.without_answers:
            grid.add_row("No Q&A", Text(f"{c.without_answers} earlier filing(s) without question-answer pairs left out"))
        if c.other_models:
            grid.add_row(
                "Models",
                Text(f"{c.other_models} earlier filing(s) scored by another model version; re-score them to compare like with like"),
            )
        yield grid

    def _themes(self, deltas: Iterable) -> Text:
        out = Text()
        for i, d in enumerate(deltas):
            if i:
                out.append(" · ")
            out.append(_label(self.labels, d.theme))
            out.append(f" {points(d.share_change_prev)}", style="bold")
        return out if out.plain else Text("none", style="dim")

    def _terms(self, terms: Sequence[tuple[str, float]], style: str) -> Text:
        out = Text()
        for i, (term, z) in enumerate(terms[: self.top]):
            if i:
                out.append(" · ")
            out.append(term, style=style)
            out.append(f" {signed(z, 1)}", style="dim")
        return out if out.plain else Text("none significant", style="dim")


def highlight_answer(answer: ScoredAnswer, limit: int = ANSWER_CHARS) -> Text:
    """The answer with its evidence sentences underlined, evidence terms bold and tone terms coloured,
    clipped to ``limit`` characters around the first evidence sentence."""
    text = answer.answer
    rich_text = Text(text)
    first = None
    for theme in answer.themes:
        ev = theme.evidence
        if not theme.tagged or ev is None:
            continue
        start, end = ev.start, ev.end
        if text[start:end] != ev.sentence:  # offsets that do not match the text are not trusted
            start = text.find(ev.sentence) if ev.sentence else -1
            end = start + len(ev.sentence)
        if start < 0:
            start, end = 0, len(text)
        else:
            rich_text.stylize("underline", start, end)
            first = start if first is None else min(first, start)
        for term in ev.terms:
            if not term:
                continue
            pos = text.find(term, start, end)
            while pos >= 0:
                rich_text.stylize("bold yellow", pos, pos + len(term))
                pos = text.find(term, pos + len(term), end)
    for term in answer.tone.terms:
        if term.term and text[term.start : term.start + len(term.term)] == term.term:
            style = "green" if term.weight > 0 else "red" if term.weight < 0 else ""
            if style:
                rich_text.stylize(style, term.start, term.start + len(term.term))
    if len(text) <= limit:
        return rich_text
    begin = max(0, min(first or 0, len(text) - limit) - 20) if first else 0
    clipped = rich_text[begin : begin + limit]
    if begin > 0:
        clipped = Text("…") + clipped
    if begin + limit < len(text):
        clipped.append("…")
    return clipped


def why_line(answer: ScoredAnswer, labels: Labels | None = None, max_terms: int = 6) -> Text:
    """Why the tags and the tone: each tagged theme's evidence terms, then the lexicon terms that moved
    the tone most, signed (a negated term is marked ¬), then the learned words that moved it most
    (their contribution to the score). Plain text, so it survives piping and TXT export."""
    out = Text(style="dim")
    for theme in answer.themes:
        if theme.tagged and theme.evidence is not None and theme.evidence.terms:
            out.append("why " if not out.plain else " · ")
            out.append(_label(labels, theme.theme), style="cyan")
            out.append(f" {theme.score:.2f}: " + " ".join(theme.evidence.terms[:max_terms]))
            shown = [(w, c) for w, c in theme.words if abs(c) >= THEME_WORD_SHOWN_FROM]
            if shown:  # the theme's own learned words, in brackets: not terms of the theme file
                out.append(" [" + " ".join(f"{w}{c:+.2f}" for w, c in shown) + "]")
    near = [t for t in answer.themes if not t.tagged and t.score >= NEAR_MISS_FROM]
    if near:  # untagged but close: the reader can judge (the threshold is the model's, not a verdict)
        out.append(" · " if out.plain else "why ")
        out.append("near " + ", ".join(f"{_label(labels, t.theme)} {t.score:.2f}" for t in near))
    # the same term found several times is one entry, its weights summed and its count shown (坏账-3.9×3)
    merged: dict[tuple[str, bool, bool], list[float]] = {}
    for t in answer.tone.terms:
        merged.setdefault((t.term, t.negated, t.weight > 0), []).append(t.weight)
    terms = sorted(merged.items(), key=lambda kv: -abs(sum(kv[1])))[:max_terms]
    if terms:
        out.append(" · " if out.plain else "why ")
        out.append("tone: ")
        for i, ((term, negated, positive), weights) in enumerate(terms):
            if i:
                out.append(" ")
            count = f"×{len(weights)}" if len(weights) > 1 else ""
            out.append(("¬" if negated else "") + term + f"{sum(weights):+.1f}{count}", style="green" if positive else "red")
    words = [(w, c) for w, c in answer.tone.words if abs(c) >= WORD_SHOWN_FROM][:MAX_WORDS_SHOWN]
    if words:
        out.append(" · " if out.plain else "why ")
        out.append("learned: ")
        for i, (w, c) in enumerate(words):
            if i:
                out.append(" ")
            out.append(f"{w}{c:+.2f}", style="green" if c > 0 else "red")
    return out


THEME_WORD_SHOWN_FROM = 0.05  # a theme word moving the decision value (log-odds) by less is not shown
NEAR_MISS_FROM = 0.2  # an untagged theme scoring this much (tags start at 0.4) is named in the why line as a near miss
MAX_WORDS_SHOWN = 3  # learned words in the why line (the JSON keeps ToneResult.words: up to 5)
WORD_SHOWN_FROM = 0.01  # a learned word that moved the score by less is not worth a reader's attention


class KeyAnswers:
    """The answers that moved most (with history) or the most telling ones (without), with evidence."""

    def __init__(self, comparison: Comparison, labels: Labels | None = None, limit: int = 3):
        self.comparison = comparison
        self.labels = labels
        self.limit = limit

    def items(self) -> list[tuple[int, ScoredAnswer, float | None, tuple[str, ...]]]:
        c = self.comparison
        if c.movers:
            return [(m.index, m.answer, m.tone_change_mean, m.new_themes) for m in c.movers[: self.limit]]
        from nlp.compare import key_answers

        return [(i, c.current.answers[i], None, ()) for i in key_answers(c.current, self.limit)]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        items = self.items()
        if not items:
            if not self.comparison.current.answers:  # else none were asked for (--answers 0)
                yield Text("No answers in this filing.", style="dim")
            return
        for index, answer, change, new in items:
            head = Text(no_wrap=True, overflow="ellipsis")  # one line: the answer below matters more
            head.append(f"#{answer.number if answer.number is not None else index + 1} ", style="bold")
            head.append(Text(_clip(answer.question, 200) or "(no question)", style="bold"))
            yield head
            meta = Text("  tone ")
            meta.append(tone_text(answer.tone.score), style=_tone_style(answer.tone.label))
            if change is not None:
                meta.append(f" ({signed(change)} vs the mean of earlier answers)", style="dim")
            if answer.tagged:
                meta.append("  themes ")
                for i, theme in enumerate(answer.tagged):
                    if i:
                        meta.append(", ")
                    meta.append(_label(self.labels, theme), style="cyan")
                    if theme in new:
                        meta.append(" new", style="bold magenta")
            yield meta
            why = why_line(answer, self.labels)
            if why.plain:
                yield Padding(why, (0, 0, 0, 2))
            yield Padding(highlight_answer(answer), (0, 0, 1, 2))


class Report:
    """The whole analyst report of one filing against the company's earlier ones."""

    def __init__(self, comparison: Comparison, labels: Labels | None = None, answers: int = 3):
        self.comparison = comparison
        self.labels = labels
        self.answers = answers

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from nlp.store import date_is_valid

        c = self.comparison
        yield Header(c.current, date_is_valid(c.current.filing.date))
        yield Rule(Text("Themes", style="bold"), align="left")
        yield ThemeTable(c, self.labels)
        yield Rule(Text("Tone", style="bold"), align="left")
        yield ToneGauge(c)
        if not c.current.answers:
            yield Text("This filing has no question-answer pairs (a stub or a truncated file?): nothing was "
                       "scored, so nothing is compared.", style="dim")
            return
        if c.history:
            yield Rule(Text("What changed", style="bold"), align="left")
            yield WhatChanged(c, self.labels)
            title = "Answers that moved most" if c.movers else "Key answers"
        else:
            note = "No earlier filings of this company in the store: nothing to compare with yet."
            if c.undated:
                note += f" ({c.undated} stored filing(s) have missing or unreadable dates.)"
            if c.without_answers:
                note += f" ({c.without_answers} earlier filing(s) have no question-answer pairs.)"
            yield Text(note, style="dim")
            title = "Key answers"
        if self.answers > 0:  # --answers 0: no answers section at all, not an empty one
            yield Rule(Text(title, style="bold"), align="left")
            yield KeyAnswers(c, self.labels, self.answers)


DATE_CELLS = 10  # 2021-03-10
ACTIVITY_MIN_CELLS = 8  # the header, "Activity"
THEME_CELLS = 4  # 100%


def _table_overhead(columns: int) -> int:
    """Cells a ``HistoryTable`` spends outside its cells' text: a padding cell each side of a column
    but at the two edges (pad_edge=False), the box's separator between columns and its two edges."""
    return 2 * columns - 2 + (columns - 1) + 2


def _break_cells(label: str, width: int) -> str:
    """``label`` in lines of at most ``width`` cells: broken at spaces, and inside a Chinese word
    (a Chinese label is one word) where it is wider than a line; a Latin word is never cut."""
    lines: list[str] = []
    line = ""
    for word in label.split():
        pieces = list(word) if cell_len(word) > width and not word.isascii() else [word]
        for k, piece in enumerate(pieces):
            joined = line + (" " if line and k == 0 else "") + piece
            if line and cell_len(joined) > width:
                lines.append(line)
                line = piece
            else:
                line = joined
    if line:
        lines.append(line)
    return "\n".join(lines)


def _plan_history_widths(rows: Sequence[list[Text]], labels: Sequence[str], broken: Sequence[str],
                         max_width: int) -> tuple[bool, int, int]:
    """(wrap the theme labels?, cells for the activity or 0 for no activity column, theme columns shown).

    rich measures a cell that cannot wrap by its whole text, and a header by its longest word (a
    Chinese label is one word: 芯片国产化 claims 10 cells); where the columns do not fit it crops
    those at the right. So the widths are planned here: the theme labels stay on one line where they
    fit, else break into lines of a percentage's width (``broken``); the activity takes what is
    left, cut with an ellipsis; where even its header does not fit, it goes (the least needed); and
    where the themes still do not fit, the last ones go (the table says which)."""
    def widest(i: int, header_cells: int) -> int:
        return max([header_cells] + [cell_len(row[i].plain) for row in rows])

    fixed = widest(0, DATE_CELLS) + widest(2, 3) + widest(3, 4)  # date, answers, tone
    one_line = [widest(4 + k, cell_len(x)) for k, x in enumerate(labels)]
    least = [widest(4 + k, max(map(cell_len, x.splitlines()))) for k, x in enumerate(broken)]
    room = max_width - _table_overhead(len(labels) + 4) - fixed
    wrapped = room - ACTIVITY_MIN_CELLS < sum(one_line)
    activity_cells = room - sum(least if wrapped else one_line)
    if activity_cells >= ACTIVITY_MIN_CELLS:
        return wrapped, activity_cells, len(labels)
    shown = len(labels)
    while shown and _table_overhead(shown + 3) + fixed + sum(least[:shown]) > max_width:
        shown -= 1
    return wrapped, 0, shown


class HistoryTable:
    """One row a filing: date, activity, answers, tone and each theme's share."""

    def __init__(self, rows: Sequence[Any], labels: Labels | None = None, title: str | None = None):
        self.rows = rows  # StoredFiling-like: date, date_valid, activity, n_answers, tone, theme_share
        self.labels = labels
        self.title = title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        themes: list[str] = []
        for r in self.rows:
            for t in r.theme_share:
                if t not in themes:
                    themes.append(t)
        labels = [_label(self.labels, t) for t in themes]
        rows = list(self._cells(themes))
        broken = [_break_cells(x, THEME_CELLS) for x in labels]
        wrapped, activity_cells, shown = _plan_history_widths(rows, labels, broken, options.max_width)
        show_activity = activity_cells > 0
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=Text(self.title) if self.title else None)
        table.add_column("Date", no_wrap=True, min_width=DATE_CELLS)
        if show_activity:
            table.add_column("Activity", overflow="ellipsis", no_wrap=True, min_width=ACTIVITY_MIN_CELLS)
        table.add_column("Ans", justify="right", no_wrap=True, min_width=3)
        table.add_column("Tone", justify="right", no_wrap=True, min_width=5)
        for label, header in zip(labels[:shown], broken):  # the percentages never wrap
            table.add_column(Text(header if wrapped else label), justify="right", min_width=THEME_CELLS, overflow="fold")
        for row in rows:
            if show_activity:
                row[1].truncate(activity_cells, overflow="ellipsis")
            else:
                del row[1]
            table.add_row(*row[:len(table.columns)])
        yield table
        if shown < len(themes):
            yield Text(f"{len(themes) - shown} theme column(s) hidden ({'、'.join(labels[shown:])}): "
                       "widen the terminal or use --json", style="dim")
        if len(self.rows) > 1:
            placed = [r for r in self.rows if (r.date_valid or getattr(r, "period", None)) and r.n_answers]
            tones = [r.tone for r in placed][-MAX_TREND:]
            if len(tones) > 1:
                which = "dated filings" if all(r.date_valid for r in placed) else "filings by date or reporting period"
                yield Text("tone trend ") + Text(sparkline(tones)) + Text(f"  ({which})", style="dim")

    def _cells(self, themes: list[str]) -> Iterable[list[Text]]:
        for r in self.rows:
            period = getattr(r, "period", None)
            if not r.date_valid and period:
                date = Text(period_label(period), style="italic")  # a period, not a day
            else:
                date = Text(r.date or "no date")
            if not r.date_valid and not period:
                date.stylize("red")
                if r.date:
                    date.append("?", style="red")
            activity = Text("、".join(r.activity) if isinstance(r.activity, (tuple, list)) else str(r.activity))
            if not r.n_answers:  # nothing measured: no tone of 0, no shares of 0
                yield [date, activity, Text("0"), Text("–", style="dim"), *[Text("–", style="dim") for _ in themes]]
                continue
            yield [
                date,
                activity,
                Text(str(r.n_answers)),
                Text(tone_text(r.tone), style=_tone_style(r.tone_label)),
                *[Text(f"{r.theme_share.get(t, 0.0) * 100:.0f}%") for t in themes],
            ]


# -- JSON ------------------------------------------------------------------------------------


def _answer_json(index: int, answer: ScoredAnswer) -> dict[str, Any]:
    return {
        "index": index,
        "number": answer.number,
        "question": answer.question,
        "answer": answer.answer,
        "tone": answer.tone.score,
        "tone_label": answer.tone.label,
        "tone_terms": [{"term": t.term, "weight": t.weight, "start": t.start, "negated": t.negated}
                       for t in answer.tone.terms],
        "tone_words": [{"word": w, "contribution": c} for w, c in answer.tone.words],
        "themes": [
            {
                "theme": t.theme,
                "score": t.score,
                "words": [{"word": w, "contribution": c} for w, c in t.words],
                "evidence": None
                if t.evidence is None
                else {
                    "terms": list(t.evidence.terms),
                    "sentence": t.evidence.sentence,
                    "start": t.evidence.start,
                    "end": t.evidence.end,
                },
            }
            for t in answer.themes
            if t.tagged
        ],
    }


def _point_json(p: HistoryPoint) -> dict[str, Any]:
    return {
        "filing_id": p.filing_id,
        "date": p.date,
        "period": p.period,
        "date_valid": p.date_valid,
        "activity": p.activity,
        "answers": p.answers,
        "tone": p.tone,
        "theme_share": dict(p.theme_share),
        "theme_intensity": dict(p.theme_intensity),
    }


def to_json(comparison: Comparison, labels: Labels | None = None) -> dict[str, Any]:
    """The report as plain data; keys are documented in the module docstring."""
    from nlp.store import date_is_valid

    c = comparison
    f = c.current.filing
    prev = c.previous
    return {
        "schema": SCHEMA,
        "company": {"code": f.code, "name": f.name, "company": f.company},
        "filing": {
            "filing_id": f.filing_id,
            "date": f.date,
            "period": f.period,
            "date_valid": date_is_valid(f.date),
            "activity": list(f.activity_types),
            "participants": list(f.participants),
            "source": f.source,
            "kind": f.kind,
            "answers": len(c.current.answers),
            "model_version": c.current.model_version,
        },
        "tone": {
            "value": c.current.tone if c.current.answers else None,
            "label": c.current.tone_label,
            "change_prev": c.tone_change_prev,
            "z": c.tone_z,
            "se": c.tone_se,
            "history_mean": c.tone_mean,
            "history_std": c.tone_std,
            "trend": list(c.tone_trend),
        },
        "themes": [
            {
                "theme": d.theme,
                "label": _label(labels, d.theme),
                "share": d.share,
                "intensity": d.intensity,
                "share_change_prev": d.share_change_prev,
                "share_change_mean": d.share_change_mean,
                "intensity_change_prev": d.intensity_change_prev,
                "intensity_change_mean": d.intensity_change_mean,
                "share_trend": list(c.share_trend(d.theme)),
            }
            for d in c.themes
        ],
        "previous": None if prev is None else {"filing_id": prev.filing_id, "date": prev.date, "period": prev.period},
        "history": [_point_json(p) for p in c.history],
        "undated_filings": c.undated,
        "filings_without_answers": c.without_answers,
        "other_model_filings": c.other_models,
        "terms_in": [{"term": t, "z": z} for t, z in c.terms_in],
        "terms_out": [{"term": t, "z": z} for t, z in c.terms_out],
        "movers": [
            {
                **_answer_json(m.index, m.answer),
                "tone_change_mean": m.tone_change_mean,
                "new_themes": list(m.new_themes),
                "score": m.score,
            }
            for m in c.movers
        ],
        "answers": [
            {**_answer_json(i, a), "theme_scores": {t.theme: t.score for t in a.themes}}
            for i, a in enumerate(c.current.answers)
        ],
    }


FILINGS_COLUMNS = (
    "filing_id", "company", "code", "name", "company_name", "date", "date_valid", "period", "placed_on",
    "kind", "activity", "n_answers", "tone", "tone_label", "model_version", "source",
)


def filings_frame(rows: Sequence[Any], theme_names: Sequence[str] = ()):
    """One row a stored filing (``nlp.store.StoredFiling``), for a panel: ``FILINGS_COLUMNS``, then
    ``share_<theme>`` and ``intensity_<theme>`` for ``theme_names`` and every other theme the rows
    hold (in that order; 0.0 where a filing was scored without a theme). ``activity`` is the types
    joined by 、 (a string in every format, so the column's type never depends on the data)."""
    import pandas as pd

    themes = list(theme_names)
    for r in rows:
        themes.extend(t for t in r.theme_share if t not in themes)
    records = []
    for r in rows:
        record = {
            "filing_id": r.filing_id, "company": r.company, "code": r.code, "name": r.name,
            "company_name": r.company_name, "date": r.date, "date_valid": bool(r.date_valid), "period": r.period,
            "placed_on": r.placed_on, "kind": r.kind, "activity": "、".join(r.activity), "n_answers": int(r.n_answers),
            "tone": float(r.tone), "tone_label": r.tone_label, "model_version": r.model_version, "source": r.source,
        }
        record.update({f"share_{t}": float(r.theme_share.get(t, 0.0)) for t in themes})
        record.update({f"intensity_{t}": float(r.theme_intensity.get(t, 0.0)) for t in themes})
        records.append(record)
    columns = [*FILINGS_COLUMNS, *(f"share_{t}" for t in themes), *(f"intensity_{t}" for t in themes)]
    frame = pd.DataFrame.from_records(records, columns=columns)
    text = [c for c in FILINGS_COLUMNS if c not in ("date_valid", "n_answers", "tone")]
    return frame.astype({**{c: "string" for c in text}, "date_valid": bool, "n_answers": "int64", "tone": "float64"})


def history_json(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """One dict a stored filing (``nlp.store.StoredFiling``), in history order."""
    return [
        {
            "filing_id": r.filing_id,
            "date": r.date,
            "period": r.period,
            "date_valid": r.date_valid,
            "activity": list(r.activity),
            "answers": r.n_answers,
            "tone": r.tone,
            "tone_label": r.tone_label,
            "theme_share": dict(r.theme_share),
            "theme_intensity": dict(r.theme_intensity),
            "model_version": r.model_version,
            "source": r.source,
        }
        for r in rows
    ]


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


# -- output ------------------------------------------------------------------------------------

EXPORT_FORMATS = (".html", ".svg", ".txt")


def export(renderable: Any, path: str | Path, width: int = EXPORT_WIDTH, title: str = "irtone report") -> Path:
    """Write ``renderable`` to ``path`` as HTML, SVG or plain text (by suffix) via a recording console.

    Text is escaped by rich's exporters: filing text cannot inject tags or scripts.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise IrtoneError(path, f"unsupported export format {suffix or '(none)'}; use .html, .svg or .txt")
    console = Console(record=True, width=width, file=io.StringIO(), color_system="truecolor")
    console.print(renderable)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".html":
        console.save_html(str(path), theme=_light_page_theme())
    elif suffix == ".svg":
        console.save_svg(str(path), title=title)
    else:
        console.save_text(str(path))
    return path


def _light_page_theme():
    """Colours for an HTML page on white: rich's default export palette keeps a terminal's bright
    green (#00ff00) for rules and bright colours, unreadable on white; these are darker shades."""
    from rich.terminal_theme import TerminalTheme

    normal = [(0, 0, 0), (170, 20, 20), (0, 120, 0), (150, 105, 0), (20, 70, 170), (140, 20, 140), (0, 115, 135),
              (110, 110, 110)]
    bright = [(80, 80, 80), (200, 40, 40), (0, 140, 40), (170, 125, 0), (40, 95, 200), (170, 40, 170),
              (0, 135, 155), (60, 60, 60)]
    return TerminalTheme((255, 255, 255), (30, 30, 30), normal, bright)


def render_text(renderable: Any, width: int = 80) -> str:
    """Plain text of a renderable at ``width`` columns (no colour codes)."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def builtin_theme_labels() -> dict[str, str]:
    """Theme name → display label from the built-in theme file (names shown as-is when unavailable)."""
    try:
        from nlp.themes import load_themes

        return {t.name: t.label for t in load_themes()}
    except (ImportError, IrtoneError, OSError, ValueError):
        return {}


def print_or_export(renderable: Any, export_path: str | None, *, json_data: Any = None) -> None:
    """The one output path of the report commands: JSON or the rich report on stdout, plus an export.

    The stdout console is rich's default: colour only on a terminal, no codes when piped.
    """
    if json_data is not None:
        import sys

        sys.stdout.write(dumps(json_data) + "\n")
    else:
        Console().print(renderable)
    if export_path:
        export(renderable, export_path)
