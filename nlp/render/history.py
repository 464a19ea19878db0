"""``HistoryTable``: a company's stored filings, one row each, planned to fit the terminal's width."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from nlp.render.format import Labels, label, period_label, sparkline, tone_style, tone_text

MAX_TREND = 24


DATE_CELLS = 10  # 2021-03-10
ACTIVITY_MIN_CELLS = 8  # the header, "Activity"
THEME_CELLS = 4  # 100%
FIXED = 5  # columns before the themes: date, activity, answers, tone, institutions


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
                         max_width: int, inst: bool = True) -> tuple[bool, int, int]:
    """(wrap the theme labels?, cells for the activity or 0 for no activity column, theme columns shown).

    rich measures a cell that cannot wrap by its whole text, and a header by its longest word (a
    Chinese label is one word: 芯片国产化 claims 10 cells); where the columns do not fit it crops
    those at the right. So the widths are planned here: the theme labels stay on one line where they
    fit, else break into lines of a percentage's width (``broken``); the activity takes what is
    left, cut with an ellipsis; where even its header does not fit, it goes (the least needed); and
    where the themes still do not fit, the last ones go (the table says which). ``inst``: the rows
    hold the institutions column (index 4); the caller drops it before any theme column goes."""
    def widest(i: int, header_cells: int) -> int:
        return max([header_cells] + [cell_len(row[i].plain) for row in rows])

    first = FIXED if inst else FIXED - 1  # the first theme column
    fixed = widest(0, DATE_CELLS) + widest(2, 3) + widest(3, 4) + (widest(4, 4) if inst else 0)
    one_line = [widest(first + k, cell_len(x)) for k, x in enumerate(labels)]
    least = [widest(first + k, max(map(cell_len, x.splitlines()))) for k, x in enumerate(broken)]
    room = max_width - _table_overhead(len(labels) + first) - fixed
    wrapped = room - ACTIVITY_MIN_CELLS < sum(one_line)
    activity_cells = room - sum(least if wrapped else one_line)
    if activity_cells >= ACTIVITY_MIN_CELLS:
        return wrapped, activity_cells, len(labels)
    shown = len(labels)
    while shown and _table_overhead(shown + first - 1) + fixed + sum(least[:shown]) > max_width:
        shown -= 1
    return wrapped, 0, shown


class HistoryTable:
    """One row a filing: date, activity, answers, tone, institutions (调研热度) and each theme's share."""

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
        labels = [label(self.labels, t) for t in themes]
        rows = list(self._cells(themes))
        broken = [_break_cells(x, THEME_CELLS) for x in labels]
        wrapped, activity_cells, shown = _plan_history_widths(rows, labels, broken, options.max_width)
        show_inst = shown == len(labels)
        if not show_inst:  # the institutions go before any theme does
            for row in rows:
                del row[4]
            wrapped, activity_cells, shown = _plan_history_widths(rows, labels, broken, options.max_width, inst=False)
        show_activity = activity_cells > 0
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=Text(self.title) if self.title else None)
        table.add_column("Date", no_wrap=True, min_width=DATE_CELLS)
        if show_activity:
            table.add_column("Activity", overflow="ellipsis", no_wrap=True, min_width=ACTIVITY_MIN_CELLS)
        table.add_column("Ans", justify="right", no_wrap=True, min_width=3)
        table.add_column("Tone", justify="right", no_wrap=True, min_width=5)
        if show_inst:
            table.add_column("Inst", justify="right", no_wrap=True, min_width=4)
        for one_line, header in zip(labels[:shown], broken):  # the percentages never wrap
            table.add_column(Text(header if wrapped else one_line), justify="right", min_width=THEME_CELLS, overflow="fold")
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
            institutions = getattr(r, "n_institutions", None)
            inst = Text("–" if institutions is None else str(institutions), style="dim" if institutions is None else "")
            if not r.n_answers:  # nothing measured: no tone of 0, no shares of 0
                yield [date, activity, Text("0"), Text("–", style="dim"), inst, *[Text("–", style="dim") for _ in themes]]
                continue
            yield [
                date,
                activity,
                Text(str(r.n_answers)),
                Text(tone_text(r.tone), style=tone_style(r.tone_label)),
                inst,
                *[Text(f"{r.theme_share.get(t, 0.0) * 100:.0f}%") for t in themes],
            ]
