"""A filing against the company's earlier filings → ``Comparison`` (pure functions, no I/O).

What is computed, and the conventions:

- Themes (``theme_deltas``, ``nlp.compare.tone``): for each theme, the current filing's share (share
  of answers tagged), intensity (length-weighted mean score) and tone (of the answers tagged), their
  change from the previous filing (``*_change_prev``) and from the mean over all earlier filings
  (``*_change_mean``); ``None`` without earlier filings (for the tone: without earlier filings where
  the theme had one).
- Tone (``tone_stats``, ``nlp.compare.tone``): change from the previous filing, and a z-score against
  the company's own history that accounts for the number of answers a tone rests on: ``(tone −
  mean) / sqrt(spread² + se²)``, ``se`` the current tone's standard error (answer spread over the
  square root of the effective number of answers), ``spread`` the history's between-filing standard
  deviation with the earlier tones' own sampling noise taken out. ``tone_z`` is ``None`` with fewer
  than 2 earlier filings.
- Distinctive terms (``nlp.compare.terms``): the weighted log-odds ratio with an informative
  Dirichlet prior of Monroe, Colaresi & Quinn (2008, "Fightin' Words", Political Analysis 16(4)), the
  current filing's answers against all earlier answers. The prior is the company's own term counts
  over all its filings (current and earlier) times ``prior_scale`` (default 0.1): it shrinks the
  log-odds of rare terms toward 0 so that a term seen once is not "distinctive". ``terms_in`` are
  terms with z ≥ ``min_z`` (more used now), ``terms_out`` those with z ≤ -``min_z``. Terms come from
  ``TermFilter``: the jieba-identical tokenizer, minus ``nlp/lang/zh_ir/stopwords.txt``, single
  characters, numbers and punctuation. Against a long history a term new to the company needs about
  two uses in the filing to reach z ≥ 1.96, and ``terms_out`` is often empty for a short record (by
  design: the method reports only what the counts support). Terms are the secondary view; the
  statements below are the primary one.
- Statements (``nlp.compare.similar``): the current filing's sentences with no close match in the
  company's earlier filings (``statements``), its answers repeated from earlier filings nearly word
  for word (``repeats``), and its questions investors asked before (``recurring``, with the answer
  tone each time): cosine similarity of character-bigram TF-IDF vectors over the company's texts.
- Guidance (``nlp.guidance``): the figures management gave (capex, fundraising, capacity, orders…),
  each with the company's last earlier figure on the same item and the change from it.
- Movers (``movers``): answers whose tone is furthest from the mean tone of all earlier answers
  (unweighted, answer by answer), plus, for each theme tagged in the answer that no earlier answer was
  tagged with, that theme's score. Score = |tone change| + the new themes' scores; top ``top_movers``
  with a score > 0. A new theme weighs its score, not a flat point, so a tag the evidence barely carries
  (a one-line "we will choose the best financing") ranks below one the answer is about.
- Trends for charts and sparklines: ``Comparison.tone_trend`` and ``Comparison.share_trend(theme)``.

Only answers with ``status == "ok"`` take part in the answer-level comparisons.

``comparison_for(store, company, ...)`` picks the current filing and its history from a ``Store``:
by default the latest placed filing; earlier = placed filings before it (same place: stored
earlier). A filing is placed by its valid date or, for an undated results briefing, by its reporting
period (``Filing.period``, at the approximate date ``nlp.calendar.period_date`` gives: "2016" sorts as
2017-04-30), so a 2017 annual briefing follows the 2016 one and both count as dated for the previous
filing, the z-score and the trends. Filings with neither (garbled or missing dates) are left out of
the history and counted in ``undated``. Filings without question-answer pairs (stubs, truncated files)
measured nothing: they are left out too, counted in ``without_answers``, and a current filing without
any has no tone change, z-score or theme deltas.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from statistics import fmean
from typing import TYPE_CHECKING

from nlp.calendar import date_is_valid, history_date
from nlp.compare.similar import Earlier, new_statements, recurring_questions, repeats
from nlp.compare.terms import (  # noqa: F401 (the package's public names)
    DEFAULT_STOPWORDS,
    TermFilter,
    Tokenize,
    distinctive_terms,
    load_stopwords,
    log_odds_z,
    term_counts,
)
from nlp.compare.tone import (  # noqa: F401
    ANSWER_TONE_SD,
    ToneStats,
    default_se,
    standard_error,
    theme_deltas,
    theme_names,
    tone_stats,
    within_sd,
)
from nlp.records import Comparison, FilingScore, GuidanceFigure, HistoryPoint, IrtoneError, Mover

if TYPE_CHECKING:
    from nlp.store import Store, StoredFiling


@functools.lru_cache(maxsize=1)
def default_terms() -> TermFilter:
    """One ``TermFilter`` for the process: its tokenizer takes a second to load."""
    return TermFilter()


def history_point(score: FilingScore, date_valid: bool = True) -> HistoryPoint:
    f = score.filing
    return HistoryPoint(
        filing_id=f.filing_id,
        date=f.date,
        activity="、".join(f.activity_types),
        answers=len(score.answers),
        tone=score.tone,
        theme_share=dict(score.theme_share),
        theme_intensity=dict(score.theme_intensity),
        date_valid=date_valid,
        period=f.period,
        theme_tone=dict(score.theme_tone),
        n_institutions=score.n_institutions,
        n_participants=score.n_participants,
        question_tone=score.question_tone,
        tone_gap=score.tone_gap,
        non_answer_rate=score.non_answer_rate,
    )


def when(date: str | None, period: str | None) -> str | None:
    """Where a filing sits in time, for a label: its valid date, else its period, else None."""
    return date if date_is_valid(date) else period


def movers(current: FilingScore, history: Sequence[FilingScore], top: int = 5) -> tuple[Mover, ...]:
    """The answers that moved most against all earlier answers (see module doc); () without history."""
    earlier = [a for s in history for a in s.answers if a.status == "ok"]
    if not earlier:
        return ()
    mean_tone = fmean(a.tone.score for a in earlier)
    seen_themes = {t for a in earlier for t in a.tagged}
    out = []
    for i, answer in enumerate(current.answers):
        if answer.status != "ok":
            continue
        change = answer.tone.score - mean_tone
        new = tuple(t for t in answer.tagged if t not in seen_themes)
        score = abs(change) + sum(answer.theme(t).score for t in new)
        if score > 0:
            out.append(Mover(index=i, answer=answer, tone_change_mean=change, new_themes=new, score=score))
    out.sort(key=lambda m: (-m.score, m.index))
    return tuple(out[:top])


def key_answers(current: FilingScore, top: int = 3) -> tuple[int, ...]:
    """Indexes of the answers to show when there is nothing to compare with: most tagged themes,
    then the strongest tone, then filing order."""
    ranked = sorted(
        range(len(current.answers)),
        key=lambda i: (-len(current.answers[i].tagged), -abs(current.answers[i].tone.score), i),
    )
    return tuple(ranked[:top])


TOP_MOVERS = 5  # movers kept by default (the report shows --answers of them, the JSON all)


def guidance(current: FilingScore, history: Sequence[FilingScore]) -> tuple[GuidanceFigure, ...]:
    """The current filing's guidance figures, each linked to the company's earlier ones."""
    from nlp.guidance import filing_guidance, link

    def figures(score: FilingScore) -> tuple[GuidanceFigure, ...]:
        f = score.filing
        return filing_guidance(score, when(f.date, f.period), history_date(f.date, f.period))

    earlier = [g for s in history for g in figures(s)]
    return link(figures(current), earlier)


def compare(
    current: FilingScore,
    history: Sequence[FilingScore],
    *,
    tokenize: Tokenize | None = None,
    undated: int = 0,
    history_points: Sequence[HistoryPoint] | None = None,
    top_terms: int = 10,
    min_z: float = 1.96,
    prior_scale: float = 0.1,
    top_movers: int = TOP_MOVERS,
    question_terms: Tokenize | None = None,
) -> Comparison:
    """Compare ``current`` with ``history`` (the company's earlier filings, oldest first).

    ``tokenize`` turns an answer into content terms for distinctive terms, ``question_terms`` a
    question for recurring questions (default for both ``TermFilter()``); ``history_points`` may be
    given when the caller already holds them (e.g. from the store, with date flags).
    """
    every = tuple(history_points) if history_points is not None else tuple(history_point(s) for s in history)
    # A filing without question-answer pairs (a stub, a truncated file) measured nothing: its tone of 0
    # and theme shares of 0 are not observations, so it is left out of the history like an undated one.
    points = tuple(p for p in every if p.answers > 0)
    history = [s for s in history if s.answers]
    sd = within_sd(history)
    by_id = {s.filing.filing_id: s for s in history}
    if current.answers:
        history_se = [standard_error(by_id[p.filing_id], sd) if p.filing_id in by_id else None for p in points]
        history_se = [se if se is not None else default_se(p.answers, sd) for se, p in zip(history_se, points)]
        stats = tone_stats(current.tone, [p.tone for p in points], standard_error(current, sd), history_se)
    else:
        stats = ToneStats(None, None, None, None)
    terms_in: tuple[tuple[str, float], ...] = ()
    terms_out: tuple[tuple[str, float], ...] = ()
    if history and current.answers:
        tokenize = tokenize or default_terms()
        terms_in, terms_out = distinctive_terms(
            term_counts([current], tokenize),
            term_counts(history, tokenize),
            prior_scale=prior_scale,
            min_z=min_z,
            top=top_terms,
        )
    place = {p.filing_id: when(p.date, p.period) for p in every}
    earlier = [Earlier(s, place.get(s.filing.filing_id, when(s.filing.date, s.filing.period))) for s in history]
    repeated = repeats(current, earlier)
    return Comparison(
        current=current,
        history=points,
        tone_change_prev=stats.change_prev,
        tone_z=stats.z,
        themes=theme_deltas(current, points if current.answers else ()),
        terms_in=terms_in,
        terms_out=terms_out,
        movers=movers(current, history, top=top_movers),
        tone_mean=stats.mean,
        tone_std=stats.std,
        undated=undated,
        other_models=sum(1 for s in history if s.model_version != current.model_version),
        without_answers=len(every) - len(points),
        tone_se=stats.se,
        tone_spread=stats.spread,
        statements=new_statements(current, earlier, skip={r.index for r in repeated}),
        repeats=repeated,
        recurring=recurring_questions(current, earlier, question_terms or default_terms()) if earlier else (),
        guidance=guidance(current, history),
    )


# -- choosing the current filing and its history from a store ----------------------------------


def filings_on(rows: Sequence[StoredFiling], date: str) -> list[StoredFiling]:
    """The filings ``date`` names: an ISO date, a reporting period ("2016", "2017H1") or a filing-id
    prefix (6 characters or more); in ``rows`` order."""
    return [r for r in rows if date in (r.date, r.period) or (len(date) >= 6 and r.filing_id.startswith(date))]


def pick_current(rows: Sequence[StoredFiling], date: str | None = None) -> StoredFiling:
    """The filing to report: on ``date`` (an ISO date, a reporting period such as "2016" or "2017H1",
    or a filing-id prefix; the last one stored), else the latest placed one (by date or period), else
    the last stored. ``rows`` in ``Store.filings`` order."""
    if not rows:
        raise IrtoneError("store", "the company has no stored filings")
    if date:
        chosen = filings_on(rows, date)
        if not chosen:
            places = [(r.date if r.date_valid else f"period {r.period}") for r in rows if r.placed_on]
            latest = ", ".join(places[-5:]) or "none valid"
            raise IrtoneError(rows[0].company, f"no filing on {date} (latest: {latest})")
        return chosen[-1]
    placed = [r for r in rows if r.placed_on is not None]
    return placed[-1] if placed else rows[-1]


def earlier(
    rows: Sequence[StoredFiling], filing_id: str, placed_on: str | None, seq: int | None
) -> tuple[list[StoredFiling], int]:
    """(the placed filings before the given one, oldest first; how many stored filings are unplaced).

    ``placed_on``: the given filing's date, or its period's stand-in (``nlp.calendar.history_date``).
    Same place: those stored earlier count as earlier (``seq`` None = not stored, so after all).
    A current filing with neither a valid date nor a period is compared with every placed filing.
    """
    others = [r for r in rows if r.filing_id != filing_id]
    undated = sum(1 for r in others if r.placed_on is None)
    placed = [r for r in others if r.placed_on is not None]
    if placed_on is None:
        return placed, undated
    limit = seq if seq is not None else math.inf
    before = [r for r in placed if r.placed_on < placed_on or (r.placed_on == placed_on and r.seq < limit)]
    return before, undated


def comparison_for(
    store: Store,
    company: str,
    *,
    date: str | None = None,
    current: FilingScore | None = None,
    tokenize: Tokenize | None = None,
    **options,
) -> Comparison:
    """Compare a company's filing with its earlier stored ones.

    ``current``: a scored filing (stored or not, e.g. ``analyze --no-store``); else the one
    ``pick_current`` chooses. ``company``: code, name or key as ``Store.resolve`` takes.
    """
    rows = store.filings(company)
    if current is None:
        row = pick_current(rows, date)
        current = store.get(row.filing_id)
        seq: int | None = row.seq
        placed_on = row.placed_on
    else:
        stored = store.filing(current.filing.filing_id)
        seq = stored.seq if stored is not None else None
        placed_on = history_date(current.filing.date, current.filing.period)
    before, undated = earlier(rows, current.filing.filing_id, placed_on, seq)
    history = [store.get(r.filing_id) for r in before]
    return compare(
        current,
        history,
        tokenize=tokenize,
        undated=undated,
        history_points=[r.history_point() for r in before],
        **options,
    )
