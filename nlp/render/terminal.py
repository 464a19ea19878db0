"""The analyst report as rich renderables, for a terminal (80 columns and up) and TXT export.

``Report(comparison, labels)`` is made of smaller renderables (``Header``, ``ThemeTable``,
``ThemeToneTable``, ``ToneGauge``, ``WhatChanged``, ``GuidanceTable``, ``RecurringQuestions``,
``KeyAnswers``). They only arrange numbers computed by ``nlp.compare``. Every piece of filing text
goes into ``rich.text.Text`` objects, never into markup strings, so ``[bold]`` in an answer stays
literal. Colour comes from the console: none when stdout is not a terminal.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from nlp.calendar import date_is_valid
from nlp.guidance import LABELS as ITEM_LABELS
from nlp.records import Comparison, FilingScore, HistoryPoint, ScoredAnswer
from nlp.render.format import (
    Labels,
    attendance_text,
    bar,
    clip,
    date_or_period,
    label,
    median,
    percent,
    period_label,
    points,
    signed,
    sparkline,
    tone_style,
    tone_text,
)
from nlp.render.why import highlight_answer, why_line

MAX_TREND = 24  # sparkline points shown (the most recent)
MAX_TABLE_TREND = 12  # in the theme table, where 80 columns must also hold the bars
MAX_PARTICIPANTS = 6
MIN_HISTORY_UNUSUAL = 5  # a tone z-score from fewer earlier filings is too unstable to call unusual
NEW_SHOWN = 5  # new statements listed in the terminal (the JSON and the HTML list all)
GUIDANCE_SHOWN = 10
RECURRING_SHOWN = 5


def _change_style(value: float | None, at: float = 0.05) -> str:
    return "dim" if value is None or abs(value) < at else "bold"


def attendance_line(score: FilingScore, history: Sequence[HistoryPoint] = ()) -> Text | None:
    """调研热度: how many came, against the company's median."""
    text = attendance_text(score.n_institutions, score.n_participants)
    if not text:
        return None
    line = Text(text)
    earlier = [h.n_institutions for h in history if h.n_institutions is not None]
    if earlier and score.n_institutions is not None:
        m = median(earlier)
        line.append(f"  (company median {m:g} institution{'' if m == 1 else 's'} over {len(earlier)} earlier filings)",
                    style="dim")
    return line


class Header:
    """Company, code, date, activity, participants, attendance and provenance of the filing."""

    def __init__(self, score: FilingScore, date_valid: bool = True, history: Sequence[HistoryPoint] = ()):
        self.score = score
        self.date_valid = date_valid
        self.history = history

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
        attendance = attendance_line(self.score, self.history)
        if attendance is not None:
            grid.add_row("Attendance", attendance)
        grid.add_row("Answers", Text(f"{len(self.score.answers)}   filing {f.filing_id}   model {self.score.model_version}"))
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
                Text(label(self.labels, d.theme)),
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
            shown = min(len(c.history) + 1, MAX_TABLE_TREND)
            legend += (f"; Δ in percentage points vs the previous filing and the history's mean; trend: the last "
                       f"{shown} filings → this one" if shown < len(c.history) + 1 else
                       f"; Δ in percentage points vs the previous filing and the history's mean; trend: all "
                       f"{shown} filings → this one")
        yield Text(legend, style="dim")


class ThemeToneTable:
    """How management talks about each theme: the tone of the answers tagged with it, and its change."""

    def __init__(self, comparison: Comparison, labels: Labels | None = None):
        self.comparison = comparison
        self.labels = labels

    def rows(self):
        return [d for d in self.comparison.themes if d.tone is not None]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        c = self.comparison
        rows = self.rows()
        if not rows:
            yield Text("No answer tagged with a theme: no tone per theme.", style="dim")
            return
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("Theme", max_width=12, overflow="fold")
        table.add_column("Tone", justify="right", no_wrap=True)
        table.add_column("Answers", justify="right", no_wrap=True)
        if c.history:
            table.add_column("Δ prev", justify="right", no_wrap=True)
            table.add_column("Δ mean", justify="right", no_wrap=True)
            table.add_column("Trend", no_wrap=True)
        ok = [a for a in c.current.answers if a.status == "ok"]
        for d in rows:
            from nlp.scale import tone_label

            row = [Text(label(self.labels, d.theme)), Text(tone_text(d.tone), style=tone_style(tone_label(d.tone))),
                   Text(str(sum(d.theme in a.tagged for a in ok)))]
            if c.history:
                row.append(Text(signed(d.tone_change_prev), style=_change_style(d.tone_change_prev, 0.1)))
                row.append(Text(signed(d.tone_change_mean), style=_change_style(d.tone_change_mean, 0.1)))
                trend = [h.theme_tone[d.theme] for h in c.history if h.theme_tone.get(d.theme) is not None]
                trend = (trend + [d.tone])[-MAX_TABLE_TREND:]
                row.append(Text(sparkline(trend, lo=-1.0, hi=1.0) if len(trend) > 1 else "", style="cyan"))
            table.add_row(*row)
        yield table
        legend = "tone of the answers tagged with the theme (length-weighted, −1…+1)"
        if c.history:
            legend += "; Δ vs the last earlier filing and the mean of the earlier filings where the theme had a tone"
        yield Text(legend, style="dim")


class ToneGauge:
    """The filing's tone on a −1…+1 gauge, its change, its z-score (with the standard error), the
    questions' tone and the non-answer rate where measured, and the trend."""

    WIDTH = 31

    def __init__(self, comparison: Comparison):
        self.comparison = comparison

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        c = self.comparison
        if not c.current.answers:
            yield Text("Tone n/a  (no question-answer pairs in this filing: nothing was scored)", style="dim")
            return
        tone = c.current.tone
        style = tone_style(c.current.tone_label)
        line = Text("Tone ", style="bold")
        line.append(tone_text(tone), style=f"bold {style}")
        line.append(f"  {c.current.tone_label}", style=style)
        if c.tone_se is not None:
            line.append(f"  ±{c.tone_se:.2f} (standard error, {len(c.current.answers)} answers)", style="dim")
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
        measured = measures_line(c)
        if measured is not None:
            yield measured
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
            spread = f", sd {c.tone_std:.2f}" if c.tone_std is not None else ""
            stats.append(f"   history mean {signed(c.tone_mean)}{spread}, {len(c.history)} filings", style="dim")
        yield stats
        trend = c.tone_trend[-MAX_TREND:]
        spark = Text("trend ")
        spark.append(sparkline(trend), style=style)
        span = "oldest" if len(c.tone_trend) <= MAX_TREND else f"last {MAX_TREND} of {len(c.tone_trend)}"
        spark.append(f"  {signed(min(trend))} … {signed(max(trend))}, {span} → this filing", style="dim")
        yield spark


def measures_line(c: Comparison) -> Text | None:
    """Questions' tone, the answer-minus-question gap and the non-answer rate, where measured."""
    s = c.current
    if s.question_tone is None and s.non_answer_rate is None:
        return None
    out = Text()
    if s.question_tone is not None:
        out.append(f"questions {signed(s.question_tone)}")
        if s.tone_gap is not None:
            out.append(f", answers {signed(s.tone_gap, 2)} above them")
    if s.non_answer_rate is not None:
        if out.plain:
            out.append("   ")
        evasive = sum(1 for a in s.answers if a.measures is not None and a.measures.evasive)
        out.append(f"non-answers {evasive} ({percent(s.non_answer_rate)})")
        earlier = [h.non_answer_rate for h in c.history if h.non_answer_rate is not None]
        if earlier:
            mean = sum(earlier) / len(earlier)
            out.append(f" vs the company's {percent(mean)} over {len(earlier)} filings",
                       style="bold" if s.non_answer_rate - mean >= 0.15 else "dim")
    return out


class WhatChanged:
    """The tone's change, themes up and down, new statements, repeats; terms in and out below them."""

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
        grid.add_row("New", self._statements())
        if c.repeats:
            grid.add_row("Repeated", self._repeats())
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

    def _statements(self) -> Text:
        c = self.comparison
        if not c.statements:
            return Text("nothing said that the company had not said before", style="dim")
        out = Text()
        for i, s in enumerate(c.statements[:NEW_SHOWN]):
            if i:
                out.append("\n")
            # no space after the number: a Chinese sentence is one "word" that would move to the next line
            out.append(f"#{_number(c.current.answers[s.index], s.index)}：", style="bold")
            out.append(clip(s.sentence, 120))
            if s.themes:
                out.append("  " + "、".join(label(self.labels, t) for t in s.themes), style="cyan")
        more = len(c.statements) - NEW_SHOWN
        if more > 0:
            out.append(f"\n… {more} more new sentence(s) (--json, or the HTML export)", style="dim")
        return out

    def _repeats(self) -> Text:
        c = self.comparison
        out = Text()
        for i, r in enumerate(c.repeats):
            if i:
                out.append(" · ")
            out.append(f"#{_number(c.current.answers[r.index], r.index)}", style="bold")
            span = r.first_date if r.first_date == r.last_date else f"{r.first_date} … {r.last_date}"
            out.append(f" as in {r.filings} earlier filing{'s' if r.filings > 1 else ''} ({span})")
        return out

    def _themes(self, deltas: Iterable) -> Text:
        out = Text()
        for i, d in enumerate(deltas):
            if i:
                out.append(" · ")
            out.append(label(self.labels, d.theme))
            out.append(f" {points(d.share_change_prev)}", style="bold")
        return out if out.plain else Text("none", style="dim")

    def _terms(self, terms: Sequence[tuple[str, float]], style: str) -> Text:
        out = Text(style="dim")
        for i, (term, z) in enumerate(terms[: self.top]):
            if i:
                out.append(" · ")
            out.append(term, style=style)
            out.append(f" {signed(z, 1)}", style="dim")
        return out if out.plain else Text("none significant", style="dim")


def _number(answer: ScoredAnswer, index: int) -> int:
    return answer.number if answer.number is not None else index + 1


def guidance_change(fig) -> str:
    """ "+5亿元", "−500MW", "unchanged", "" (nothing to compare with)."""
    if fig.previous is None or fig.change is None:
        return ""
    if abs(fig.change) < 1e-9:
        return "unchanged"
    unit = {"money": "亿元", "power": "MW", "mass": "万吨", "percent": "pp", "money_usd": "亿美元",
            "money_hkd": "亿港元"}.get(fig.dimension, fig.unit.lstrip("万"))
    return signed(fig.change, 2).rstrip("0").rstrip(".") + unit


class GuidanceTable:
    """The figures management gave, each with the last earlier one on the same item."""

    def __init__(self, comparison: Comparison, labels: Labels | None = None):
        self.comparison = comparison
        self.labels = labels

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        figures = self.comparison.guidance
        if not figures:
            yield Text("No figures on capex, fundraising, capacity, orders, revenue or profit in this filing.", style="dim")
            return
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("Item", max_width=16, overflow="fold")
        table.add_column("Figure", no_wrap=True)
        table.add_column("Period", no_wrap=True)
        table.add_column("Theme", max_width=10, overflow="fold")
        table.add_column("Before", overflow="fold", max_width=22)
        table.add_column("Change", no_wrap=True, justify="right")
        for fig in figures[:GUIDANCE_SHOWN]:
            item = Text(ITEM_LABELS.get(fig.item, fig.item), style="bold")
            if fig.subject and fig.subject != item.plain:
                item.append(f"\n{fig.subject}", style="dim")
            figure = Text((fig.qualifier + " " if fig.qualifier in ("约", "近", "超过", "不低于", "不少于") else "")
                          + fig.figure + (" " + fig.qualifier if fig.qualifier in ("左右", "以上", "以内", "多") else ""))
            period = Text(fig.period or "–")
            if fig.basis:
                period.append(f"\n{fig.basis}", style="dim")
            before = Text()
            if fig.previous is not None:
                before.append(fig.previous.figure)
                before.append(f" {fig.previous.date or 'undated'}", style="dim")
            table.add_row(Text(str(_number(self.comparison.current.answers[fig.index], fig.index))), item, figure, period,
                          Text(label(self.labels, fig.theme) if fig.theme else "–", style="cyan"), before,
                          Text(guidance_change(fig), style="bold"))
        yield table
        more = len(figures) - GUIDANCE_SHOWN
        if more > 0:
            yield Text(f"… {more} more figure(s) in --json and the HTML export", style="dim")


class RecurringQuestions:
    """Questions investors asked before, with when and the answer's tone each time."""

    def __init__(self, comparison: Comparison, labels: Labels | None = None):
        self.comparison = comparison

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        c = self.comparison
        for r in c.recurring[:RECURRING_SHOWN]:
            head = Text(no_wrap=True, overflow="ellipsis")
            head.append(f"#{_number(c.current.answers[r.index], r.index)} ", style="bold")
            head.append(clip(r.question, 160))
            yield head
            tones = [a.tone for a in r.earlier] + [r.tone]
            span = (r.earlier[0].date or "undated") + (f" … {r.earlier[-1].date or 'undated'}" if len(r.earlier) > 1 else "")
            line = Text(f"  {len(r.earlier)} earlier filing{'s' if len(r.earlier) > 1 else ''} {span} · answer tone ",
                        style="dim")
            line.append(sparkline(tones[-8:], lo=-1.0, hi=1.0), style="cyan")  # the last 8: one line at 80 columns
            line.append(f" now {signed(r.tone)}", style="dim")
            yield line
        more = len(c.recurring) - RECURRING_SHOWN
        if more > 0:
            yield Text(f"… {more} more in --json and the HTML export", style="dim")


class KeyAnswers:
    """The answers that moved most (with history) or the most telling ones (without), with evidence."""

    def __init__(self, comparison: Comparison, labels: Labels | None = None, limit: int = 3, explain: bool = False):
        self.comparison = comparison
        self.labels = labels
        self.limit = limit
        self.explain = explain

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
        repeated = {r.index: r for r in self.comparison.repeats}
        for index, answer, change, new in items:
            head = Text(no_wrap=True, overflow="ellipsis")  # one line: the answer below matters more
            head.append(f"#{_number(answer, index)} ", style="bold")
            head.append(Text(clip(answer.question, 200) or "(no question)", style="bold"))
            yield head
            meta = Text("  tone ")
            meta.append(tone_text(answer.tone.score), style=tone_style(answer.tone.label))
            if change is not None:
                meta.append(f" ({signed(change)} vs the mean of earlier answers)", style="dim")
            if answer.tagged:
                meta.append("  themes ")
                for i, theme in enumerate(answer.tagged):
                    if i:
                        meta.append(", ")
                    meta.append(label(self.labels, theme), style="cyan")
                    if theme in new:
                        meta.append(" new", style="bold magenta")
            flags = answer_flags(answer, repeated.get(index))
            if flags:
                meta.append("  " + " · ".join(flags), style="bold red")
            yield meta
            why = why_line(answer, self.labels, explain=self.explain)
            if why.plain:
                yield Padding(why, (0, 0, 0, 2))
            yield Padding(highlight_answer(answer), (0, 0, 1, 2))


def answer_flags(answer: ScoredAnswer, repeat=None) -> list[str]:
    """What to flag about an answer: evasive (the answer measures' flag), a repeat, not scored."""
    flags = []
    m = answer.measures
    if m is not None and m.evasive:
        flags.append("evasive" + (f" (non-answer {m.non_answer:.2f})" if m.non_answer is not None else ""))
    if repeat is not None:
        flags.append(f"repeat of {repeat.filings} earlier")
    if answer.status != "ok":
        flags.append(f"not scored ({answer.status})")
    return flags


class Report:
    """The whole analyst report of one filing against the company's earlier ones."""

    def __init__(self, comparison: Comparison, labels: Labels | None = None, answers: int = 3, explain: bool = False):
        self.comparison = comparison
        self.labels = labels
        self.answers = answers
        self.explain = explain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        c = self.comparison
        yield Header(c.current, date_is_valid(c.current.filing.date), c.history)
        yield Rule(Text("Themes", style="bold"), align="left")
        yield ThemeTable(c, self.labels)
        yield Rule(Text("Tone", style="bold"), align="left")
        yield ToneGauge(c)
        if not c.current.answers:
            yield Text("This filing has no question-answer pairs (a stub or a truncated file?): nothing was "
                       "scored, so nothing is compared.", style="dim")
            return
        yield Rule(Text("Tone by theme", style="bold"), align="left")
        yield ThemeToneTable(c, self.labels)
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
        yield Rule(Text("Guidance", style="bold"), align="left")
        yield GuidanceTable(c, self.labels)
        if c.recurring:
            yield Rule(Text("Asked before", style="bold"), align="left")
            yield RecurringQuestions(c, self.labels)
        if self.answers > 0:  # --answers 0: no answers section at all, not an empty one
            yield Rule(Text(title, style="bold"), align="left")
            yield KeyAnswers(c, self.labels, self.answers, self.explain)
