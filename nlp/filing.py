"""Filing-level aggregates of scored answers.

tone: mean of the answers' tone scores weighted by answer length in characters, capped at
``LENGTH_CAP`` so that one very long answer cannot outweigh the rest (a 40-character deflection
weighs 40, a 3,000-character essay weighs 600). theme_share[t]: share of answers tagged t.
theme_intensity[t]: the same length-weighted mean of theme t's score over all answers.
"""
from __future__ import annotations

from typing import Sequence

from nlp.records import Filing, FilingScore, ScoredAnswer
from nlp.scale import tone_label

LENGTH_CAP = 600


def answer_weight(answer: str) -> float:
    return float(min(max(len(answer.strip()), 1), LENGTH_CAP))


def aggregate(filing: Filing, answers: Sequence[ScoredAnswer], theme_names: Sequence[str], model_version: str) -> FilingScore:
    weights = [answer_weight(a.answer) for a in answers]
    total = sum(weights)
    if answers:
        tone = sum(w * a.tone.score for w, a in zip(weights, answers)) / total
        share = {t: sum(t in a.tagged for a in answers) / len(answers) for t in theme_names}
        intensity = {
            t: sum(w * (a.theme(t).score if a.theme(t) else 0.0) for w, a in zip(weights, answers)) / total
            for t in theme_names
        }
    else:
        tone, share, intensity = 0.0, {t: 0.0 for t in theme_names}, {t: 0.0 for t in theme_names}
    tone = round(tone, 4)
    return FilingScore(
        filing=filing,
        answers=tuple(answers),
        tone=tone,
        tone_label=tone_label(tone),
        theme_share={t: round(v, 4) for t, v in share.items()},
        theme_intensity={t: round(v, 4) for t, v in intensity.items()},
        model_version=model_version,
    )
