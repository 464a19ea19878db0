"""The report and the history as plain data (``irtone report --json``, ``irtone history --json``).

``to_json(comparison, labels)`` returns a dict with these keys (floats unrounded; ``null`` where a
value is undefined, e.g. without earlier filings):

- ``schema``: ``"irtone.report/2"`` (2: z with a standard error; tone per theme, attendance,
  statements, repeats, recurring questions, guidance, answer measures)
- ``company``: ``{code, name, company}``
- ``filing``: ``{filing_id, date, period, date_valid, activity, participants, institutions,
  participants_count, source, kind, answers, model_version}``; ``period`` is a results briefing's
  reporting period ("2016" annual, "2016H1", "2016Q3"; see ``nlp.parse``), else ``null``. A briefing
  without a date is placed in the history by its period (``nlp.calendar.period_date``), so its
  ``date`` stays ``null`` and ``date_valid`` false. ``institutions`` / ``participants_count``: 调研热度
  (``nlp.filing.attendance``), ``null`` when the record lists nobody.
- ``tone``: ``{value, label, change_prev, z, se, spread, history_mean, history_std, trend,
  question_tone, tone_gap, non_answer_rate}``; ``change_prev`` = tone − previous filing's tone;
  ``z`` = (tone − history_mean) / sqrt(spread² + se²) with ``se`` this tone's standard error and
  ``spread`` the history's between-filing sd net of sampling noise (``nlp.compare.tone``; needs ≥ 2
  earlier filings); ``history_std`` the plain sample sd of the earlier tones; ``trend`` = filing
  tones oldest first, ending with this one. ``question_tone``, ``tone_gap`` (answers minus
  questions), ``non_answer_rate``: from the answer measures, ``null`` without them. A filing without
  question-answer pairs has ``value`` ``null``.
- ``themes``: list of ``{theme, label, share, intensity, tone, share_change_prev, share_change_mean,
  intensity_change_prev, intensity_change_mean, tone_change_prev, tone_change_mean, share_trend,
  tone_trend}`` (changes are current − previous and current − mean of the earlier filings, as
  fractions, not percentage points; ``tone``: of the answers tagged with the theme, ``null`` where
  none is; its changes are against the earlier filings where the theme had a tone; ``tone_trend``
  lists those, ending with this one's).
- ``previous``: ``{filing_id, date, period}`` of the previous filing, or ``null``.
- ``history``: the earlier filings, oldest first: ``{filing_id, date, period, date_valid, activity,
  answers, tone, theme_share, theme_intensity, theme_tone, institutions, participants_count,
  question_tone, tone_gap, non_answer_rate}``; ``undated_filings``: stored filings left out for a
  garbled or missing date (and no reporting period); ``filings_without_answers``: earlier filings
  with no question-answer pairs, left out; ``other_model_filings``: earlier filings scored by another
  model version (``Store.stale`` finds them).
- ``statements``: ``[{index, number, sentence, start, similarity, themes}]``: sentences with no close
  match in the earlier filings, most telling first (``nlp.compare.similar``).
- ``repeats``: ``[{index, number, similarity, filings, first_date, last_date}]``: answers given
  (nearly) word for word before.
- ``recurring``: ``[{index, number, question, tone, earlier: [{filing_id, date, question, tone,
  similarity}]}]``: questions asked before, with the answer's tone each time.
- ``guidance``: ``[{index, number, item, item_label, subject, figure, low, high, unit, dimension,
  value_base, period, basis, qualifier, theme, sentence, previous: {filing_id, date, figure, low,
  high, unit, period, basis, sentence} | null, change, earlier: [same as previous]}]``
  (``nlp.guidance``; ``change`` in the dimension's base unit: 亿元, MW, 万吨).
- ``terms_in`` / ``terms_out``: ``[{term, z}]``, log-odds z-scores (Monroe et al. 2008) of terms more /
  less used than in the earlier filings.
- ``movers``: ``[{index, number, question, answer, status, tone, tone_label, tone_terms: [{term,
  weight, start, negated}], tone_words: [{word, contribution}], measures, tone_change_mean,
  new_themes, score, themes: [{theme, score, words: [{word, contribution}], evidence: {terms,
  sentence, start, end} | null}]}]`` (tagged themes only; ``words``: the theme's learned words that
  moved its score most; ``measures``: ``{question_tone, non_answer, evasive, relevance, specificity,
  forward_looking, forward_tone}`` or ``null``): why each score.
- ``answers``: every answer of the filing in order, the same keys as a mover without the three
  comparison keys, plus ``theme_scores`` (every theme's score, tagged or not: near misses show).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from nlp.calendar import date_is_valid
from nlp.guidance import LABELS as ITEM_LABELS
from nlp.records import Comparison, GuidanceFigure, HistoryPoint, ScoredAnswer
from nlp.render.format import Labels, label

SCHEMA = "irtone.report/2"


def _number(answer: ScoredAnswer, index: int) -> int:
    return answer.number if answer.number is not None else index + 1


def answer_json(index: int, answer: ScoredAnswer) -> dict[str, Any]:
    return {
        "index": index,
        "number": answer.number,
        "question": answer.question,
        "answer": answer.answer,
        "status": answer.status,
        "tone": answer.tone.score,
        "tone_label": answer.tone.label,
        "tone_terms": [{"term": t.term, "weight": t.weight, "start": t.start, "negated": t.negated}
                       for t in answer.tone.terms],
        "tone_words": [{"word": w, "contribution": c} for w, c in answer.tone.words],
        "measures": None if answer.measures is None else asdict(answer.measures),
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
        "theme_tone": dict(p.theme_tone),
        "institutions": p.n_institutions,
        "participants_count": p.n_participants,
        "question_tone": p.question_tone,
        "tone_gap": p.tone_gap,
        "non_answer_rate": p.non_answer_rate,
    }


def _figure_json(g: GuidanceFigure) -> dict[str, Any]:
    return {"filing_id": g.filing_id, "date": g.date, "figure": g.figure, "low": g.low, "high": g.high, "unit": g.unit,
            "period": g.period, "basis": g.basis, "sentence": g.sentence}


def guidance_json(c: Comparison, labels: Labels | None = None) -> list[dict[str, Any]]:
    return [
        {
            "index": g.index, "number": _number(c.current.answers[g.index], g.index), "item": g.item,
            "item_label": ITEM_LABELS.get(g.item, g.item), "subject": g.subject, "figure": g.figure, "low": g.low,
            "high": g.high, "unit": g.unit, "dimension": g.dimension, "value_base": g.value_base, "period": g.period,
            "basis": g.basis, "qualifier": g.qualifier, "theme": g.theme,
            "theme_label": label(labels, g.theme) if g.theme else None, "sentence": g.sentence,
            "previous": None if g.previous is None else _figure_json(g.previous), "change": g.change,
            "earlier": [_figure_json(e) for e in g.earlier],
        }
        for g in c.guidance
    ]


def to_json(comparison: Comparison, labels: Labels | None = None) -> dict[str, Any]:
    """The report as plain data; keys are documented in the module docstring."""
    c = comparison
    s = c.current
    f = s.filing
    prev = c.previous
    answers = s.answers
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
            "institutions": s.n_institutions,
            "participants_count": s.n_participants,
            "source": f.source,
            "kind": f.kind,
            "answers": len(answers),
            "model_version": s.model_version,
        },
        "tone": {
            "value": s.tone if answers else None,
            "label": s.tone_label,
            "change_prev": c.tone_change_prev,
            "z": c.tone_z,
            "se": c.tone_se,
            "spread": c.tone_spread,
            "history_mean": c.tone_mean,
            "history_std": c.tone_std,
            "trend": list(c.tone_trend),
            "question_tone": s.question_tone,
            "tone_gap": s.tone_gap,
            "non_answer_rate": s.non_answer_rate,
        },
        "themes": [
            {
                "theme": d.theme,
                "label": label(labels, d.theme),
                "share": d.share,
                "intensity": d.intensity,
                "tone": d.tone,
                "share_change_prev": d.share_change_prev,
                "share_change_mean": d.share_change_mean,
                "intensity_change_prev": d.intensity_change_prev,
                "intensity_change_mean": d.intensity_change_mean,
                "tone_change_prev": d.tone_change_prev,
                "tone_change_mean": d.tone_change_mean,
                "share_trend": list(c.share_trend(d.theme)),
                "tone_trend": [h.theme_tone[d.theme] for h in c.history if h.theme_tone.get(d.theme) is not None]
                + ([d.tone] if d.tone is not None else []),
            }
            for d in c.themes
        ],
        "previous": None if prev is None else {"filing_id": prev.filing_id, "date": prev.date, "period": prev.period},
        "history": [_point_json(p) for p in c.history],
        "undated_filings": c.undated,
        "filings_without_answers": c.without_answers,
        "other_model_filings": c.other_models,
        "statements": [{"index": st.index, "number": _number(answers[st.index], st.index), "sentence": st.sentence,
                        "start": st.start, "similarity": st.similarity, "themes": list(st.themes)} for st in c.statements],
        "repeats": [{"index": r.index, "number": _number(answers[r.index], r.index), "similarity": r.similarity,
                     "filings": r.filings, "first_date": r.first_date, "last_date": r.last_date} for r in c.repeats],
        "recurring": [
            {"index": r.index, "number": _number(answers[r.index], r.index), "question": r.question, "tone": r.tone,
             "earlier": [{"filing_id": a.filing_id, "date": a.date, "question": a.question, "tone": a.tone,
                          "similarity": a.similarity} for a in r.earlier]}
            for r in c.recurring
        ],
        "guidance": guidance_json(c, labels),
        "terms_in": [{"term": t, "z": z} for t, z in c.terms_in],
        "terms_out": [{"term": t, "z": z} for t, z in c.terms_out],
        "movers": [
            {
                **answer_json(m.index, m.answer),
                "tone_change_mean": m.tone_change_mean,
                "new_themes": list(m.new_themes),
                "score": m.score,
            }
            for m in c.movers
        ],
        "answers": [
            {**answer_json(i, a), "theme_scores": {t.theme: t.score for t in a.themes}}
            for i, a in enumerate(answers)
        ],
    }


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
            "tone": r.tone if r.n_answers else None,
            "tone_label": r.tone_label,
            "theme_share": dict(r.theme_share),
            "theme_intensity": dict(r.theme_intensity),
            "theme_tone": dict(r.theme_tone),
            "institutions": r.n_institutions,
            "participants_count": r.n_participants,
            "question_tone": r.question_tone,
            "tone_gap": r.tone_gap,
            "non_answer_rate": r.non_answer_rate,
            "model_version": r.model_version,
            "source": r.source,
        }
        for r in rows
    ]


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
