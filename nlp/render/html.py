"""The analyst report as an HTML document built from the numbers (``--export report.html``).

A document, not a console recording: a ``<header>`` with company, code, date, activity, participants
and attendance; semantic ``<table>``s for the themes (share, Δ prev, Δ mean, intensity, tone, trend),
the tone per theme, the guidance figures, the questions asked before, every answer and the history;
inline SVG charts (tone over time with this filing marked; theme shares over time) from
``nlp.render.charts``. No script, no network fetch; a CJK font stack; print CSS. Every piece of text
goes through ``html.escape``.
"""
from __future__ import annotations

from html import escape

from nlp.calendar import date_is_valid
from nlp.guidance import LABELS as ITEM_LABELS
from nlp.records import Comparison, ScoredAnswer
from nlp.render import charts
from nlp.render.format import (
    Labels,
    attendance_text,
    date_or_period,
    label,
    median,
    percent,
    period_label,
    points,
    signed,
    tone_text,
)
from nlp.render.terminal import answer_flags, guidance_change
from nlp.render.why import NEAR_MISS_FROM, THEME_WORD_SHOWN_FROM, answer_marks, learned_words, tone_terms

MAX_CHART = 40  # filings in the charts (the most recent)

CSS = """
:root { --fg: #1d1d1f; --muted: #66666d; --rule: #dcdce0; --pos: #137333; --neg: #b3261e; --neu: #8a6d00;
        --accent: #1f5fbf; --soft: #f4f5f7; }
* { box-sizing: border-box; }
body { font-family: "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", "Noto Sans", system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--fg); background: #fff; line-height: 1.6; max-width: 1120px; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
header { border-bottom: 2px solid var(--fg); padding-bottom: .8rem; margin-bottom: 1.2rem; }
h1 { font-size: 1.7rem; margin: 0 0 .4rem; } h1 .code { color: var(--accent); font-weight: 600; margin-left: .6rem; }
h1 .full { font-size: 1rem; color: var(--muted); font-weight: normal; margin-left: .6rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; margin: 2rem 0 .6rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1.2rem; margin: 0; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: .8rem; }
.card { background: var(--soft); border-radius: 6px; padding: .6rem .8rem; }
.card .big { font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .small, .note, .legend { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; font-size: .93rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .55rem; border-bottom: 1px solid var(--rule); }
thead th { border-bottom: 2px solid var(--fg); white-space: nowrap; }
.nowrap { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pos { color: var(--pos); } .neg { color: var(--neg); } .neu { color: var(--neu); }
.bar { display: inline-block; height: .7rem; background: var(--accent); border-radius: 2px; vertical-align: middle; }
.bar-cell { white-space: nowrap; min-width: 9rem; }
.tag { display: inline-block; background: #e8effb; color: #1b4a94; border-radius: 3px; padding: 0 .35rem;
       margin: 0 .2rem .15rem 0; font-size: .8rem; white-space: nowrap; }
.flag { display: inline-block; background: #fde8e7; color: var(--neg); border-radius: 3px; padding: 0 .35rem;
        margin: 0 .2rem .15rem 0; font-size: .8rem; font-weight: 600; white-space: nowrap; }
.flag.repeat { background: #fff4d6; color: #7a5a00; } .flag.new { background: #e6f4ea; color: var(--pos); }
.question { font-weight: 600; margin-bottom: .2rem; }
.answer .ev { text-decoration: underline; text-decoration-color: #9bb7e6; text-underline-offset: 3px; }
.answer .term { font-weight: 700; background: #fff3bf; } .answer .tpos { color: var(--pos); } .answer .tneg { color: var(--neg); }
.why { color: var(--muted); font-size: .83rem; margin-top: .3rem; }
ol.statements li { margin-bottom: .35rem; }
.chips span { display: inline-block; margin: 0 .3rem .2rem 0; padding: 0 .3rem; background: var(--soft); border-radius: 3px;
              font-size: .82rem; white-space: nowrap; font-variant-numeric: tabular-nums; }
svg.chart { max-width: 100%; height: auto; } svg .grid { stroke: #ececf0; } svg .zero { stroke: #9a9aa2; }
svg .mean { stroke: #9a9aa2; stroke-dasharray: 4 3; } svg .axis { fill: #66666d; }
svg .whisker { stroke: #c2410c; stroke-width: 2; } svg .current { fill: #c2410c; stroke: #fff; stroke-width: 2; }
svg text { font-family: inherit; }
footer { margin-top: 2.5rem; border-top: 1px solid var(--rule); padding-top: .6rem; color: var(--muted); font-size: .8rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; } tr, .card, svg { break-inside: avoid; } thead { display: table-header-group; }
  .tag, .flag, .card, .answer .term { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _tone_class(value: float | None) -> str:
    from nlp.scale import tone_label

    if value is None:
        return ""
    return {"positive": "pos", "negative": "neg"}.get(tone_label(value), "neu")


def _tone_cell(value: float | None) -> str:
    if value is None:
        return '<td class="num">–</td>'
    return f'<td class="num {_tone_class(value)}">{_e(tone_text(value))}</td>'


def _number(answer: ScoredAnswer, index: int) -> int:
    return answer.number if answer.number is not None else index + 1


def _when(date: str | None, period: str | None) -> str:
    return date_or_period(date, date_is_valid(date), period)


def answer_html(answer: ScoredAnswer) -> str:
    """The whole answer, escaped, with its evidence sentences, evidence terms and tone terms marked
    (the marks ``nlp.render.why`` gives the terminal)."""
    text = answer.answer
    classes: list[set[str]] = [set() for _ in text]
    css = {"evidence": "ev", "term": "term", "positive": "tpos", "negative": "tneg"}
    marks, _ = answer_marks(answer)
    for m in marks:
        for i in range(max(m.start, 0), min(m.end, len(text))):
            classes[i].add(css[m.kind])
    out, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or classes[i] != classes[start]:
            piece = _e(text[start:i])
            out.append(f'<span class="{" ".join(sorted(classes[start]))}">{piece}</span>' if classes[start] else piece)
            start = i
    return "".join(out)


def why_html(answer: ScoredAnswer, labels: Labels | None, explain: bool) -> str:
    parts = []
    for t in answer.themes:
        if t.tagged and t.evidence is not None and t.evidence.terms:
            words = ""
            if explain:
                shown = [f"{w}{c:+.2f}" for w, c in t.words if abs(c) >= THEME_WORD_SHOWN_FROM]
                words = f" [{' '.join(shown)}]" if shown else ""
            parts.append(f"{_e(label(labels, t.theme))} {t.score:.2f}: {_e(' '.join(t.evidence.terms[:6]))}{_e(words)}")
    near = [t for t in answer.themes if not t.tagged and t.score >= NEAR_MISS_FROM]
    if near:
        parts.append("near " + _e(", ".join(f"{label(labels, t.theme)} {t.score:.2f}" for t in near)))
    terms = tone_terms(answer)
    if terms:
        shown = [f'<span class="{"pos" if w > 0 else "neg"}">{_e(("¬" if neg else "") + term + f"{w:+.1f}" + (f"×{n}" if n > 1 else ""))}</span>'
                 for term, w, n, neg in terms]
        parts.append("tone: " + " ".join(shown))
    if explain and learned_words(answer):
        parts.append("learned: " + _e(" ".join(f"{w}{c:+.2f}" for w, c in learned_words(answer))))
    return f'<div class="why">why {" · ".join(parts)}</div>' if parts else ""


def _header(c: Comparison) -> str:
    s = c.current
    f = s.filing
    name = f.name or f.company or "unknown company"
    rows = []
    date = f.date or "none"
    if not date_is_valid(f.date):
        date += " (placed in the history by its reporting period)" if f.period else " (missing or unreadable: not placed in the history)"
    rows.append(("Date", _e(date)))
    held = [d for d in f.event_dates if d]
    if held and held != [f.date]:
        rows.append(("Held", _e(" … ".join(dict.fromkeys(held)))))
    if f.period:
        rows.append(("Period", _e(period_label(f.period) + " (the reporting period discussed)")))
    if f.activity_types:
        rows.append(("Activity", _e("、".join(f.activity_types))))
    if f.participants:
        rows.append(("Participants", _e("、".join(f.participants))))
    attendance = attendance_text(s.n_institutions, s.n_participants)
    if attendance:
        earlier = [h.n_institutions for h in c.history if h.n_institutions is not None]
        if earlier and s.n_institutions is not None:
            m = median(earlier)
            attendance += f" (company median {m:g} institution{'' if m == 1 else 's'} over {len(earlier)} earlier filings)"
        rows.append(("Attendance 调研热度", _e(attendance)))
    if f.staff:
        rows.append(("Company staff", _e("、".join(f.staff))))
    rows.append(("Answers", _e(f"{len(s.answers)} · filing {f.filing_id} · model {s.model_version}")))
    rows.append(("Source", _e(f.source)))
    full = f'<span class="full">{_e(f.company)}</span>' if f.company and f.company != name else ""
    code = f'<span class="code">{_e(f.code)}</span>' if f.code else ""
    meta = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<header><h1>{_e(name)}{code}{full}</h1><dl class="meta">{meta}</dl></header>'


def _cards(c: Comparison) -> str:
    s = c.current
    cards = [("Tone", f'<span class="{_tone_class(s.tone)}">{_e(tone_text(s.tone))}</span>',
              _e(s.tone_label + (f" · ±{c.tone_se:.2f} se" if c.tone_se is not None else "")))]
    if c.history:
        cards.append(("vs previous", _e(signed(c.tone_change_prev)), _e(_when(c.previous.date, c.previous.period))))
        cards.append(("z against history", _e(signed(c.tone_z)) if c.tone_z is not None else "–",
                      _e(f"{len(c.history)} earlier filings, mean {signed(c.tone_mean)}")))
    if s.n_institutions is not None:
        earlier = [h.n_institutions for h in c.history if h.n_institutions is not None]
        cards.append(("Institutions", _e(s.n_institutions),
                      _e(f"company median {median(earlier):g}") if earlier else _e(f"{s.n_participants} people")))
    if s.non_answer_rate is not None:
        earlier = [h.non_answer_rate for h in c.history if h.non_answer_rate is not None]
        cards.append(("Non-answers", _e(percent(s.non_answer_rate)),
                      _e(f"company {percent(sum(earlier) / len(earlier))}") if earlier else "of the answers"))
    if s.question_tone is not None:
        cards.append(("Questions' tone", _e(signed(s.question_tone)), _e(f"answers {signed(s.tone_gap)} above")))
    if c.history:
        cards.append(("New statements", _e(len(c.statements)), _e(f"{len(c.repeats)} answer(s) repeated")))
    cards.append(("Guidance figures", _e(len(c.guidance)), _e(f"{sum(g.previous is not None for g in c.guidance)} with an earlier one")))
    body = "".join(f'<div class="card"><div class="small">{t}</div><div class="big">{v}</div><div class="small">{n}</div></div>'
                   for t, v, n in cards)
    return f'<section id="summary"><h2>At a glance</h2><div class="cards">{body}</div></section>'


def _tone_section(c: Comparison) -> str:
    history = list(c.history)[-(MAX_CHART - 1):]
    labels = [_when(h.date, h.period) for h in history] + ["this filing"]
    chart = charts.tone_chart(labels, [h.tone for h in history] + [c.current.tone], se=c.tone_se, mean=c.tone_mean,
                              title="Tone of each filing, oldest first, this filing marked")
    note = ("The whisker is this filing's tone ± its standard error (the spread of its answers' tones over the "
            "square root of their effective number). z = (tone − history mean) / √(spread² + se²), where spread "
            "is the history's between-filing standard deviation net of sampling noise: a tone resting on few "
            "answers moves less far in z.")
    shown = "" if len(c.history) < MAX_CHART else f" (the last {MAX_CHART} of {len(c.history) + 1})"
    return f'<section id="tone"><h2>Tone over time{_e(shown)}</h2>{chart}<p class="note">{_e(note)}</p></section>'


def _themes_section(c: Comparison, labels: Labels | None) -> str:
    hist = bool(c.history)
    head = ["Theme", "Share of answers"] + (["Δ prev", "Δ mean"] if hist else []) + ["Intensity", "Tone"] \
        + (["Δ tone prev", "Δ tone mean", "Share trend"] if hist else [])
    rows = []
    for d in c.themes:
        cells = [f"<th scope=\"row\">{_e(label(labels, d.theme))}</th>",
                 f'<td class="bar-cell"><span class="bar" style="width:{d.share * 6:.2f}rem"></span> {d.share * 100:.0f}%</td>']
        if hist:
            cells += [f'<td class="num">{_e(points(d.share_change_prev))}</td>', f'<td class="num">{_e(points(d.share_change_mean))}</td>']
        cells += [f'<td class="num">{d.intensity:.2f}</td>', _tone_cell(d.tone)]
        if hist:
            trend = c.share_trend(d.theme)[-MAX_CHART:]
            cells += [f'<td class="num">{_e(signed(d.tone_change_prev))}</td>', f'<td class="num">{_e(signed(d.tone_change_mean))}</td>',
                      f"<td>{charts.sparkline(trend, 0.0, max(max(trend), 1e-9), title=f'{label(labels, d.theme)}: share over {len(trend)} filings')}</td>"]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    heads = "".join(f'<th scope="col"{" class=num" if h not in ("Theme", "Share of answers", "Share trend") else ""}>{_e(h)}</th>' for h in head)
    table = f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    legend = ("Share: answers tagged with the theme. Intensity: mean theme score over all answers (0–1, "
              "length-weighted). Tone: of the answers tagged with the theme (−1…+1). Δ: vs the previous filing "
              "and the mean of the earlier ones (shares in percentage points; tones against the filings where "
              "the theme had a tone).")
    chart = ""
    if hist:
        history = list(c.history)[-(MAX_CHART - 1):]
        x = [_when(h.date, h.period) for h in history] + ["this filing"]
        series = [(label(labels, d.theme), list(c.share_trend(d.theme))[-len(x):]) for d in c.themes]
        chart = charts.share_chart(x, series, title="Share of answers tagged with each theme, oldest first")
    return f'<section id="themes"><h2>Themes</h2>{table}<p class="legend">{_e(legend)}</p>{chart}</section>'


def _changes_section(c: Comparison, labels: Labels | None) -> str:
    if not c.history:
        return ('<section id="new"><h2>What is new</h2><p class="note">No earlier filings of this company in the store: '
                'nothing to compare with yet.</p></section>')
    answers = c.current.answers
    items = []
    for s in c.statements:
        tags = "".join(f'<span class="tag">{_e(label(labels, t))}</span>' for t in s.themes)
        items.append(f"<li><b>#{_number(answers[s.index], s.index)}</b> {_e(s.sentence)} {tags} "
                     f'<span class="note">(closest earlier {s.similarity:.2f})</span></li>')
    new = (f'<ol class="statements">{"".join(items)}</ol>' if items
           else '<p class="note">Nothing said that the company had not said before.</p>')
    repeats = ""
    if c.repeats:
        rows = "".join(
            f'<tr><td class="num">#{_number(answers[r.index], r.index)}</td><td>{_e(answers[r.index].question)}</td>'
            f'<td class="num">{r.filings}</td><td>{_e(r.first_date)}</td><td>{_e(r.last_date)}</td>'
            f'<td class="num">{r.similarity:.2f}</td></tr>' for r in c.repeats)
        repeats = ('<h3>Answers repeated from earlier filings</h3><table><thead><tr><th scope="col">#</th><th scope="col">'
                   'Question</th><th scope="col" class="num">Filings</th><th scope="col">First</th><th scope="col">Last</th>'
                   f'<th scope="col" class="num">Alike</th></tr></thead><tbody>{rows}</tbody></table>')
    terms = ""
    if c.terms_in or c.terms_out:
        def fmt(ts):
            return "、".join(f"{t} {signed(z, 1)}" for t, z in ts[:10]) or "none significant"
        terms = f'<p class="note">Terms in: {_e(fmt(c.terms_in))}. Terms out: {_e(fmt(c.terms_out))}.</p>'
    return (f'<section id="new"><h2>What is new</h2><p class="note">Sentences with no close match in the company\'s '
            f'{len(c.history)} earlier filings, most telling first.</p>{new}{repeats}{terms}</section>')


def _guidance_section(c: Comparison, labels: Labels | None) -> str:
    if not c.guidance:
        return ('<section id="guidance"><h2>Guidance</h2><p class="note">No figures on capex, fundraising, capacity, '
                'orders, revenue or profit in this filing.</p></section>')
    answers = c.current.answers
    rows = []
    for g in c.guidance:
        item = ITEM_LABELS.get(g.item, g.item)
        chain = " → ".join(f"{e.figure} ({e.date or 'undated'})" for e in g.earlier[-3:])
        before = (f'{_e(g.previous.figure)} <span class="note">({_e(g.previous.date or "undated")})</span>'
                  if g.previous else "–")
        rows.append(
            f'<tr><td class="num">#{_number(answers[g.index], g.index)}</td><td class="nowrap"><b>{_e(item)}</b>'
            + (f'<br><span class="note">{_e(g.subject)}</span>' if g.subject != item else "") + '</td>'
            f'<td class="num"><b>{_e(g.qualifier if g.qualifier in ("约", "近", "超过") else "")}'
            f'{_e(g.figure)}{_e(g.qualifier if g.qualifier in ("左右", "以上", "以内", "多") else "")}</b></td>'
            f'<td class="nowrap">{_e(g.period or "–")}</td><td>{_e(g.basis or "–")}</td>'
            f'<td class="nowrap">{_e(label(labels, g.theme)) if g.theme else "–"}</td><td>{before}</td>'
            f'<td class="num">{_e(guidance_change(g) or "–")}</td>'
            f'<td><span class="note">{_e(chain + " → " + g.figure) if chain else "first"}</span></td>'
            f'<td class="note">{_e(g.sentence)}</td></tr>')
    heads = "".join(f'<th scope="col">{h}</th>' for h in ("#", "Item", "Figure", "Period", "Basis", "Theme", "Before",
                                                          "Change", "History", "Said"))
    return (f'<section id="guidance"><h2>Guidance</h2><table><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}'
            '</tbody></table><p class="legend">Before: the company\'s last earlier figure on the same item (of the same '
            'dimension); change in 亿元, MW or 万吨 between midpoints.</p></section>')


def _recurring_section(c: Comparison) -> str:
    if not c.recurring:
        return ""
    answers = c.current.answers
    rows = []
    for r in c.recurring:
        chips = "".join(f'<span title="{_e(a.question)}">{_e(a.date or "undated")} '
                        f'<b class="{_tone_class(a.tone)}">{_e(signed(a.tone))}</b></span>' for a in r.earlier)
        chips += f'<span><b>now</b> <b class="{_tone_class(r.tone)}">{_e(signed(r.tone))}</b></span>'
        rows.append(f'<tr><td class="num">#{_number(answers[r.index], r.index)}</td><td>{_e(r.question)}</td>'
                    f'<td class="num">{len(r.earlier)}</td><td class="chips">{chips}</td></tr>')
    return ('<section id="recurring"><h2>Questions asked before</h2><table><thead><tr><th scope="col">#</th>'
            '<th scope="col">Question</th><th scope="col" class="num">Earlier filings</th><th scope="col">When, and the '
            f'answer\'s tone each time</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>')


def _answers_section(c: Comparison, labels: Labels | None, explain: bool) -> str:
    if not c.current.answers:
        return ('<section id="answers"><h2>Answers</h2><p class="note">This filing has no question-answer pairs: '
                'nothing was scored.</p></section>')
    moved = {m.index: m for m in c.movers}
    repeated = {r.index: r for r in c.repeats}
    new_rows = {s.index for s in c.statements}
    rows = []
    for i, a in enumerate(c.current.answers):
        m = moved.get(i)
        tags = "".join(f'<span class="tag">{_e(label(labels, t))}{" · new" if m and t in m.new_themes else ""}</span>'
                       for t in a.tagged)
        flags = "".join(f'<span class="flag{" repeat" if f.startswith("repeat") else ""}">{_e(f)}</span>'
                        for f in answer_flags(a, repeated.get(i)))
        if i in new_rows:
            flags += '<span class="flag new">says something new</span>'
        if m is not None:
            flags += f'<span class="flag new">moved {_e(signed(m.tone_change_mean))} vs earlier answers</span>'
        rows.append(f'<tr><td class="num">#{_number(a, i)}</td><td><div class="question">{_e(a.question or "(no question)")}</div>'
                    f'<div class="answer">{answer_html(a)}</div>{why_html(a, labels, explain)}</td>'
                    f'{_tone_cell(a.tone.score if a.status == "ok" else None)}<td>{tags}{flags}</td></tr>')
    return ('<section id="answers"><h2>Answers</h2><p class="legend">Underlined: the sentence that carries a theme; '
            '<span class="answer"><span class="term">marked</span></span>: its evidence terms; green / red: tone terms.'
            '</p><table><thead><tr><th scope="col">#</th><th scope="col">Question and answer</th>'
            f'<th scope="col" class="num">Tone</th><th scope="col">Themes, flags</th></tr></thead><tbody>{"".join(rows)}'
            '</tbody></table></section>')


def _history_section(c: Comparison, labels: Labels | None) -> str:
    if not c.history:
        return ""
    themes = [d.theme for d in c.themes]
    heads = "".join(f'<th scope="col" class="num">{_e(label(labels, t))}</th>' for t in themes)
    rows = []
    for h in list(c.history)[::-1]:
        shares = "".join(f'<td class="num">{h.theme_share.get(t, 0.0) * 100:.0f}%</td>' for t in themes)
        rows.append(f'<tr><td>{_e(_when(h.date, h.period))}</td><td>{_e(h.activity)}</td><td class="num">{h.answers}</td>'
                    f'<td class="num">{_e("–" if h.n_institutions is None else h.n_institutions)}</td>{_tone_cell(h.tone)}{shares}</tr>')
    return ('<section id="history"><h2>Earlier filings</h2><table><thead><tr><th scope="col">Date</th><th scope="col">'
            'Activity</th><th scope="col" class="num">Answers</th><th scope="col" class="num">Institutions</th>'
            f'<th scope="col" class="num">Tone</th>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>')


def _footer(c: Comparison) -> str:
    notes = []
    if c.undated:
        notes.append(f"{c.undated} stored filing(s) with missing or unreadable dates not compared.")
    if c.without_answers:
        notes.append(f"{c.without_answers} earlier filing(s) without question-answer pairs left out.")
    if c.other_models:
        notes.append(f"{c.other_models} earlier filing(s) scored by another model version.")
    notes.append(f"irtone report · model {c.current.model_version} · filing {c.current.filing.filing_id}.")
    return "<footer>" + "".join(f"<p>{_e(n)}</p>" for n in notes) + "</footer>"


def html_document(comparison: Comparison, labels: Labels | None = None, explain: bool = False) -> str:
    """The whole report as one self-contained HTML document (module doc)."""
    c = comparison
    f = c.current.filing
    title = f"{f.name or f.company or 'unknown company'} {f.code or ''} {_when(f.date, f.period)} · irtone report"
    body = [_header(c)]
    if c.current.answers:
        body += [_cards(c), _tone_section(c) if c.history else "", _themes_section(c, labels), _changes_section(c, labels),
                 _guidance_section(c, labels), _recurring_section(c)]
    body += [_answers_section(c, labels, explain), _history_section(c, labels), _footer(c)]
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="irtone"><title>{_e(" ".join(title.split()))}</title>'
            f'<style>{CSS}</style></head><body>{"".join(body)}</body></html>\n')

