"""A filing against the company's earlier filings → ``Comparison`` (pure functions, no I/O).

What is computed, and the conventions:

- Themes (``theme_deltas``): for each theme, the current filing's share (share of answers tagged) and
  intensity (length-weighted mean score), their change from the previous filing (``*_change_prev``)
  and from the mean over all earlier filings (``*_change_mean``); ``None`` without earlier filings.
- Tone (``tone_stats``): change from the previous filing, and the z-score against the company's own
  history, ``(tone - mean) / sd`` with the sample standard deviation (ddof = 1) of the earlier filings'
  tones, floored at ``MIN_TONE_SD``. ``tone_z`` is ``None`` with fewer than 2 earlier filings (no spread to
  measure). The floor keeps nearly or exactly equal earlier tones (0.012, 0.009: sd 0.002; or sd 0) from
  turning an ordinary change into z = 100 or infinity: the spread is never taken as smaller than a filing
  tone's own standard error.
- Distinctive terms (``log_odds_z``): the weighted log-odds ratio with an informative Dirichlet prior
  of Monroe, Colaresi & Quinn (2008, "Fightin' Words", Political Analysis 16(4)), the current filing's
  answers against all earlier answers. The prior is the company's own term counts over all its filings
  (current and earlier) times ``prior_scale`` (default 0.1): it shrinks the log-odds of rare terms
  toward 0 so that a term seen once is not "distinctive". ``terms_in`` are terms with z ≥ ``min_z``
  (more used now), ``terms_out`` those with z ≤ -``min_z`` (used before, rarer or absent now).
  Terms come from ``TermFilter``: the jieba-identical tokenizer, minus ``nlp/lang/zh_ir/stopwords.txt``,
  single characters, numbers and punctuation. What this means in practice: against a long history
  (thousands of terms) a term new to the company needs about two uses in the filing to reach z ≥ 1.96
  (more against a short one), while a term's absence from one short filing
  is weak evidence, so ``terms_out`` is often empty for a record of a few hundred characters (by design:
  the method reports only what the counts support).
- Movers (``movers``): answers whose tone is furthest from the mean tone of all earlier answers
  (unweighted, answer by answer), plus, for each theme tagged in the answer that no earlier answer was
  tagged with, that theme's score. Score = |tone change| + the new themes' scores; top ``top_movers``
  with a score > 0. A new theme weighs its score, not a flat point, so a tag the evidence barely carries
  (a one-line "we will choose the best financing") ranks below one the answer is about.
- Trends for sparklines: ``Comparison.tone_trend`` and ``Comparison.share_trend(theme)``.

``comparison_for(store, company, ...)`` picks the current filing and its history from a ``Store``:
by default the latest placed filing; earlier = placed filings before it (same place: stored
earlier). A filing is placed by its valid date or, for an undated results briefing, by its reporting
period (``Filing.period``, at the approximate date ``nlp.store.period_date`` gives: "2016" sorts as
2017-04-30), so a 2017 annual briefing follows the 2016 one and both count as dated for the previous
filing, the z-score and the trends. Filings with neither (garbled or missing dates) are left out of
the history and counted in ``undated``. Filings without question-answer pairs (stubs, truncated files)
measured nothing: they are left out too, counted in ``without_answers``, and a current filing without
any has no tone change, z-score or theme deltas.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean, stdev
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from nlp.records import Comparison, FilingScore, HistoryPoint, IrtoneError, Mover, ThemeDelta
from nlp.lang import read_text

if TYPE_CHECKING:
    from nlp.store import Store, StoredFiling

DEFAULT_STOPWORDS = "stopwords.txt"
_HAS_WORD_CHAR = re.compile(r"[A-Za-z\u3400-\u9fff]")
_NUMERIC = re.compile(r"[\d.,%+\-]+")

Tokenize = Callable[[str], Sequence[str]]


def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Words separated by whitespace; '#' starts a comment."""
    if path is None:
        text = read_text(DEFAULT_STOPWORDS)
    else:
        text = Path(path).read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        words.update(line.split("#", 1)[0].split())
    return frozenset(words)


@dataclass
class TermFilter:
    """Content terms of a text for term comparison: tokens minus stopwords, 1-character tokens,
    numbers and punctuation. Tokens are NFKC-normalized (full-width letters → ASCII)."""

    stopwords: frozenset[str] = field(default_factory=load_stopwords)
    tokenizer: object | None = None  # anything with .cut(text) -> list[str]; default nlp.tokens.Tokenizer()

    def __call__(self, text: str) -> list[str]:
        if self.tokenizer is None:
            from nlp.tokens import Tokenizer

            self.tokenizer = Tokenizer()
        out = []
        # NFKC first: full-width letters (ＧＰＵ) would otherwise be cut into single characters.
        for token in self.tokenizer.cut(unicodedata.normalize("NFKC", text)):  # type: ignore[attr-defined]
            term = token.strip()
            if len(term) < 2 or term in self.stopwords or _NUMERIC.fullmatch(term):
                continue
            if not _HAS_WORD_CHAR.search(term):
                continue
            out.append(term)
        return out


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
    )


def theme_names(current: FilingScore, history: Sequence[HistoryPoint]) -> list[str]:
    """Themes in the current filing's order, then any that only earlier filings have."""
    names = list(current.theme_share)
    for key in current.theme_intensity:
        if key not in names:
            names.append(key)
    for h in history:
        for key in h.theme_share:
            if key not in names:
                names.append(key)
    return names


def theme_deltas(current: FilingScore, history: Sequence[HistoryPoint]) -> tuple[ThemeDelta, ...]:
    out = []
    for theme in theme_names(current, history):
        share = current.theme_share.get(theme, 0.0)
        intensity = current.theme_intensity.get(theme, 0.0)
        if history:
            prev = history[-1]
            share_prev = share - prev.theme_share.get(theme, 0.0)
            intensity_prev = intensity - prev.theme_intensity.get(theme, 0.0)
            share_mean = share - fmean(h.theme_share.get(theme, 0.0) for h in history)
            intensity_mean = intensity - fmean(h.theme_intensity.get(theme, 0.0) for h in history)
        else:
            share_prev = intensity_prev = share_mean = intensity_mean = None
        out.append(
            ThemeDelta(
                theme=theme,
                share=share,
                intensity=intensity,
                share_change_prev=share_prev,
                intensity_change_prev=intensity_prev,
                share_change_mean=share_mean,
                intensity_change_mean=intensity_mean,
            )
        )
    return tuple(out)


# The smallest spread of filing tones a z-score divides by: about the standard error of a filing's tone
# (on 800 corpus records answer tones spread 0.28 around their filing's mean, and a record has 7 answers
# on average: 0.28 / sqrt(7) ~ 0.1).
MIN_TONE_SD = 0.1


@dataclass(frozen=True)
class ToneStats:
    change_prev: float | None
    z: float | None
    mean: float | None
    std: float | None


def tone_stats(tone: float, history_tones: Sequence[float]) -> ToneStats:
    """Change from the last earlier tone, and the z-score against the earlier tones (see module doc)."""
    if not history_tones:
        return ToneStats(None, None, None, None)
    mean = fmean(history_tones)
    change_prev = tone - history_tones[-1]
    if len(history_tones) < 2:
        return ToneStats(change_prev, None, mean, None)
    std = stdev(history_tones)
    z = (tone - mean) / max(std, MIN_TONE_SD)
    return ToneStats(change_prev, z, mean, std)


def log_odds_z(
    counts_a: Counter, counts_b: Counter, prior: Counter | None = None, prior_scale: float = 0.1
) -> dict[str, float]:
    """z-scores of the log-odds ratio of each term, corpus a against corpus b (Monroe et al. 2008, eq. 16-22).

    With α_w = prior_scale · prior[w] (prior defaults to a + b) and α0 = Σ α_w:
        δ_w = log((a_w + α_w) / (n_a + α0 - a_w - α_w)) - log((b_w + α_w) / (n_b + α0 - b_w - α_w))
        var(δ_w) ≈ 1 / (a_w + α_w) + 1 / (b_w + α_w),   z_w = δ_w / √var(δ_w)
    Terms with no prior mass, or that make up a whole corpus, are skipped (their log-odds are undefined).
    """
    if prior is None:
        prior = counts_a + counts_b
    alpha = {w: prior_scale * c for w, c in prior.items() if c > 0}
    alpha0 = sum(alpha.values())
    n_a = sum(counts_a.values())
    n_b = sum(counts_b.values())
    out = {}
    for w in set(counts_a) | set(counts_b):
        a_w = alpha.get(w)
        if not a_w:
            continue
        ya, yb = counts_a.get(w, 0), counts_b.get(w, 0)
        rest_a, rest_b = n_a + alpha0 - ya - a_w, n_b + alpha0 - yb - a_w
        if rest_a <= 0 or rest_b <= 0:  # the term is all there is: its odds are infinite
            continue
        delta = math.log((ya + a_w) / rest_a) - math.log((yb + a_w) / rest_b)
        var = 1.0 / (ya + a_w) + 1.0 / (yb + a_w)
        out[w] = delta / math.sqrt(var)
    return out


def term_counts(scores: Iterable[FilingScore], tokenize: Tokenize) -> Counter:
    counts: Counter = Counter()
    for score in scores:
        for answer in score.answers:
            counts.update(tokenize(answer.answer))
    return counts


def distinctive_terms(
    current: Counter, earlier: Counter, *, prior_scale: float = 0.1, min_z: float = 1.96, top: int = 10
) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
    """(terms_in, terms_out): the most distinctive terms each way, (term, z), strongest first.

    Ties on z break by term so that the result does not depend on hashing order.
    """
    if not current or not earlier:
        return (), ()
    z = log_odds_z(current, earlier, prior_scale=prior_scale)
    rising = sorted(((w, s) for w, s in z.items() if s >= min_z and current.get(w, 0) > 0), key=lambda p: (-p[1], p[0]))
    falling = sorted(((w, s) for w, s in z.items() if s <= -min_z and earlier.get(w, 0) > 0), key=lambda p: (p[1], p[0]))
    return tuple(rising[:top]), tuple(falling[:top])


def movers(current: FilingScore, history: Sequence[FilingScore], top: int = 5) -> tuple[Mover, ...]:
    """The answers that moved most against all earlier answers (see module doc); () without history."""
    earlier = [a for s in history for a in s.answers]
    if not earlier:
        return ()
    mean_tone = fmean(a.tone.score for a in earlier)
    seen_themes = {t for a in earlier for t in a.tagged}
    out = []
    for i, answer in enumerate(current.answers):
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
) -> Comparison:
    """Compare ``current`` with ``history`` (the company's earlier filings, oldest first).

    ``tokenize`` turns an answer into content terms (default ``TermFilter()``); ``history_points``
    may be given when the caller already holds them (e.g. from the store, with date flags).
    """
    every = tuple(history_points) if history_points is not None else tuple(history_point(s) for s in history)
    # A filing without question-answer pairs (a stub, a truncated file) measured nothing: its tone of 0
    # and theme shares of 0 are not observations, so it is left out of the history like an undated one.
    points = tuple(p for p in every if p.answers > 0)
    history = [s for s in history if s.answers]
    if current.answers:
        stats = tone_stats(current.tone, [p.tone for p in points])
    else:
        stats = ToneStats(None, None, None, None)
    terms_in: tuple[tuple[str, float], ...] = ()
    terms_out: tuple[tuple[str, float], ...] = ()
    if history and current.answers:
        tokenize = tokenize or TermFilter()
        terms_in, terms_out = distinctive_terms(
            term_counts([current], tokenize),
            term_counts(history, tokenize),
            prior_scale=prior_scale,
            min_z=min_z,
            top=top_terms,
        )
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
    )


# -- choosing the current filing and its history from a store ----------------------------------


def filings_on(rows: Sequence["StoredFiling"], date: str) -> list["StoredFiling"]:
    """The filings ``date`` names: an ISO date, a reporting period ("2016", "2017H1") or a filing-id
    prefix (6 characters or more); in ``rows`` order."""
    return [r for r in rows if date in (r.date, r.period) or (len(date) >= 6 and r.filing_id.startswith(date))]


def pick_current(rows: Sequence["StoredFiling"], date: str | None = None) -> "StoredFiling":
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
    rows: Sequence["StoredFiling"], filing_id: str, placed_on: str | None, seq: int | None
) -> tuple[list["StoredFiling"], int]:
    """(the placed filings before the given one, oldest first; how many stored filings are unplaced).

    ``placed_on``: the given filing's date, or its period's stand-in (``nlp.store.history_date``).
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
    store: "Store",
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
    from nlp.store import history_date

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
