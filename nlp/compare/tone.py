"""Tone against the company's history: the change, and a z-score that knows how many answers a tone rests on.

A filing's tone is a length-weighted mean of its answers' tones, so it carries sampling noise that
shrinks with the number of answers: a 3-answer filing's tone moves more by chance than an
11-answer one's. The z-score takes that into account:

- ``within_sd``: how much answer tones spread around their filing's tone, pooled over the company's
  earlier filings (sum of squared deviations over the sum of (answers − 1)), shrunk toward
  ``ANSWER_TONE_SD`` with the weight of ``PRIOR_DF`` degrees of freedom so that a short history does
  not give a spread of 0.
- ``standard_error``: a filing tone's standard error, ``within_sd / sqrt(n_eff)``, where ``n_eff`` =
  (Σw)² / Σw² is the effective number of answers under the length weights (``nlp.filing``): one
  long answer among short ones counts for less than one answer more.
- ``tone_stats``: ``spread`` = the history's between-filing standard deviation with the sampling
  noise taken out, sqrt(max(var(earlier tones) − mean(earlier se²), 0)) (method of moments), and
  ``z = (tone − mean) / sqrt(spread² + se²)`` with ``se`` the current filing's standard error. With
  the same se everywhere this is (tone − mean) / max(sd, se): the spread is never taken as smaller
  than the filing tone's own standard error, and a flat history gives a finite z. ``z`` is None
  with fewer than 2 earlier filings (no spread to measure).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean, variance

from nlp.filing import answer_weight
from nlp.records import FilingScore, HistoryPoint, ThemeDelta

# The spread of answer tones around their filing's tone that the pooled estimate is shrunk toward:
# measured on 800 corpus records (answer tones spread 0.28 around their filing's mean).
ANSWER_TONE_SD = 0.28
PRIOR_DF = 10  # the weight of ANSWER_TONE_SD, in degrees of freedom (answers beyond the first of a filing)
TYPICAL_ANSWERS = 7  # a record's answers on average (corpus): the se assumed where none can be computed


@dataclass(frozen=True)
class ToneStats:
    change_prev: float | None
    z: float | None
    mean: float | None
    std: float | None  # sample sd (ddof = 1) of the earlier tones
    se: float | None = None  # the current tone's standard error
    spread: float | None = None  # between-filing sd, sampling noise taken out


def _ok_tones(score: FilingScore) -> list[tuple[float, float]]:
    """(weight, tone) of the answers the filing's tone averages."""
    return [(answer_weight(a.answer), a.tone.score) for a in score.answers if a.status == "ok"]


def within_sd(history: Sequence[FilingScore]) -> float:
    """The pooled within-filing sd of answer tones, shrunk toward ANSWER_TONE_SD (see module doc)."""
    squares, df = 0.0, 0
    for score in history:
        tones = [t for _, t in _ok_tones(score)]
        if len(tones) > 1:
            m = fmean(tones)
            squares += sum((t - m) ** 2 for t in tones)
            df += len(tones) - 1
    return math.sqrt((squares + PRIOR_DF * ANSWER_TONE_SD ** 2) / (df + PRIOR_DF))


def effective_answers(weights: Sequence[float]) -> float:
    """(Σw)² / Σw²: n for equal weights, fewer when some answers weigh more."""
    squares = sum(w * w for w in weights)
    return sum(weights) ** 2 / squares if squares > 0 else 0.0


def standard_error(score: FilingScore, sd: float) -> float | None:
    """The standard error of the filing's tone given the answers' spread ``sd``; None without answers."""
    n = effective_answers([w for w, _ in _ok_tones(score)])
    return sd / math.sqrt(n) if n > 0 else None


def default_se(answers: int = TYPICAL_ANSWERS, sd: float = ANSWER_TONE_SD) -> float:
    return sd / math.sqrt(max(answers, 1))


def tone_stats(
    tone: float, history_tones: Sequence[float], se: float | None = None, history_se: Sequence[float] | None = None
) -> ToneStats:
    """Change from the last earlier tone, and the z-score against the earlier tones (module doc).

    ``se``: the current tone's standard error; ``history_se``: the earlier tones' (default for both:
    ``default_se()``, a typical record's)."""
    if not history_tones:
        return ToneStats(None, None, None, None, se, None)
    se = default_se() if se is None else se
    mean = fmean(history_tones)
    change_prev = tone - history_tones[-1]
    if len(history_tones) < 2:
        return ToneStats(change_prev, None, mean, None, se, None)
    ses = list(history_se) if history_se is not None else [default_se()] * len(history_tones)
    var = variance(history_tones)
    spread = math.sqrt(max(var - fmean(s * s for s in ses), 0.0))
    z = (tone - mean) / math.sqrt(spread ** 2 + se ** 2)
    return ToneStats(change_prev, z, mean, math.sqrt(var), se, spread)


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
    """Each theme's share, intensity and tone, with their changes from the previous filing and from
    the mean of the earlier ones (None without earlier filings; for the tone, without earlier filings
    where the theme had one)."""
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
        tone = current.theme_tone.get(theme)
        earlier = [h.theme_tone[theme] for h in history if h.theme_tone.get(theme) is not None]
        out.append(
            ThemeDelta(
                theme=theme,
                share=share,
                intensity=intensity,
                share_change_prev=share_prev,
                intensity_change_prev=intensity_prev,
                share_change_mean=share_mean,
                intensity_change_mean=intensity_mean,
                tone=tone,
                tone_change_prev=tone - earlier[-1] if tone is not None and earlier else None,
                tone_change_mean=tone - fmean(earlier) if tone is not None and earlier else None,
            )
        )
    return tuple(out)
