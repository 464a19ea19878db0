"""Inline SVG charts drawn from numbers (no script, no font or file fetched): a line chart of one
series with the last point marked, a chart of several series, and a sparkline.

Every label goes through ``html.escape``; coordinates are formatted numbers only.
"""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#1f5fbf", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d")
FONT = 'font-family="inherit" font-size="11"'


def _f(x: float) -> str:
    return f"{x:.1f}"


def _signed1(v: float) -> str:
    text = f"{v:+.1f}"
    return "0.0" if float(text) == 0 else text.replace("-", "−")


def _ticks(labels: Sequence[str], count: int = 6) -> list[int]:
    n = len(labels)
    if n <= count:
        return list(range(n))
    step = (n - 1) / (count - 1)
    return sorted({round(i * step) for i in range(count)})


def _frame(width: int, height: int, left: int, right: int, top: int, bottom: int, lo: float, hi: float,
           labels: Sequence[str], y_format) -> tuple[list[str], callable, callable]:
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(labels), 1)

    def x(i: float) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (min(max(v, lo), hi) - lo) / (hi - lo))

    parts = []
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(y(v))}" y2="{_f(y(v))}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{_f(y(v) + 4)}" text-anchor="end" {FONT} class="axis">{escape(y_format(v))}</text>')
    ticks = _ticks(labels)
    for i in ticks:
        # the first and last labels are anchored inside the plot, so that they are not cut at the edges
        anchor = "end" if i == len(labels) - 1 and len(labels) > 1 else "start" if i == 0 and len(labels) > 1 else "middle"
        parts.append(f'<text x="{_f(x(i))}" y="{height - bottom + 16}" text-anchor="{anchor}" {FONT} class="axis">'
                     f'{escape(labels[i])}</text>')
    return parts, x, y


def tone_chart(labels: Sequence[str], values: Sequence[float], *, se: float | None = None, mean: float | None = None,
               title: str = "Tone over time", width: int = 760, height: int = 240) -> str:
    """Filing tones oldest first, the last one (this filing) marked, with ±se whiskers and the
    history's mean as a dashed line."""
    reach = (se or 0.0) + 0.05
    lo = min(-0.2, min(values) - 0.1, values[-1] - reach) if values else -1.0
    hi = max(0.2, max(values) + 0.1, values[-1] + reach) if values else 1.0
    lo, hi = max(lo, -1.0), min(hi, 1.0)
    left, right, top, bottom = 48, 16, 16, 28
    parts, x, y = _frame(width, height, left, right, top, bottom, lo, hi, labels, _signed1)
    if lo < 0 < hi:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(y(0))}" y2="{_f(y(0))}" class="zero"/>')
    if mean is not None:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(y(mean))}" y2="{_f(y(mean))}" class="mean"/>')
        parts.append(f'<text x="{left + 4}" y="{_f(y(mean) - 4)}" text-anchor="start" {FONT} class="axis">'
                     f'history mean {escape(f"{mean:+.2f}")}</text>')
    if len(values) > 1:
        path = " ".join(f"{_f(x(i))},{_f(y(v))}" for i, v in enumerate(values))
        parts.append(f'<polyline points="{path}" class="line" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    for i, v in enumerate(values[:-1]):
        parts.append(f'<circle cx="{_f(x(i))}" cy="{_f(y(v))}" r="3" fill="{PALETTE[0]}">'
                     f'<title>{escape(labels[i])}: {escape(f"{v:+.2f}")}</title></circle>')
    if values:
        i, v = len(values) - 1, values[-1]
        if se:
            parts.append(f'<line x1="{_f(x(i))}" x2="{_f(x(i))}" y1="{_f(y(v - se))}" y2="{_f(y(v + se))}" class="whisker"/>')
        parts.append(f'<circle cx="{_f(x(i))}" cy="{_f(y(v))}" r="6" class="current">'
                     f'<title>this filing: {escape(f"{v:+.2f}")}</title></circle>')
        anchor = "end" if i > 0 else "start"
        parts.append(f'<text x="{_f(x(i) + (-10 if i > 0 else 10))}" y="{_f(y(v) - 8)}" text-anchor="{anchor}" '
                     f'{FONT} font-weight="bold">this filing {escape(f"{v:+.2f}")}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>' + "".join(parts) + "</svg>")


def share_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *,
                title: str = "Theme shares over time", width: int = 760, height: int = 240) -> str:
    """Several series in [0, 1] over the same filings (theme shares), with a legend."""
    left, right, top, bottom = 48, 16, 16, 28
    legend_h = 18 * ((len(series) + 3) // 4)
    parts, x, y = _frame(width, height, left, right, top, bottom, 0.0, 1.0, labels, lambda v: f"{v * 100:.0f}%")
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        if len(values) > 1:
            path = " ".join(f"{_f(x(i))},{_f(y(v))}" for i, v in enumerate(values))
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        if values:
            i = len(values) - 1
            parts.append(f'<circle cx="{_f(x(i))}" cy="{_f(y(values[-1]))}" r="4.5" fill="{colour}">'
                         f'<title>{escape(name)}: {values[-1] * 100:.0f}% in this filing</title></circle>')
        lx, ly = left + (k % 4) * ((width - left) // 4), height + 14 + 18 * (k // 4)
        parts.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="4" fill="{colour}"/>'
                     f'<text x="{lx + 16}" y="{ly}" {FONT}>{escape(name)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + legend_h + 6}" width="100%" '
            f'role="img" aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
            + "".join(parts) + "</svg>")


def sparkline(values: Sequence[float], lo: float = 0.0, hi: float = 1.0, width: int = 90, height: int = 18,
              title: str = "") -> str:
    """A small line of ``values`` between ``lo`` and ``hi``, the last point dotted."""
    if not values:
        return ""
    n = len(values)

    def x(i: int) -> float:
        return 2 + (width - 4) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return 2 + (height - 4) * (1 - (min(max(v, lo), hi) - lo) / ((hi - lo) or 1))

    path = " ".join(f"{_f(x(i))},{_f(y(v))}" for i, v in enumerate(values))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'class="spark" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5"/>'
            f'<circle cx="{_f(x(n - 1))}" cy="{_f(y(values[-1]))}" r="2.5" fill="{PALETTE[1]}"/></svg>')
