"""``filings_frame``: the stored filings as a filing-level panel (``irtone history --out``)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FILINGS_COLUMNS = (
    "filing_id", "company", "code", "name", "company_name", "date", "date_valid", "period", "placed_on",
    "kind", "activity", "n_answers", "tone", "tone_label", "model_version", "source",
    "n_institutions", "n_participants", "question_tone", "answer_question_gap", "non_answer_rate",
)
_TYPES = {"date_valid": bool, "n_answers": "int64", "tone": "float64", "n_institutions": "Int64",
          "n_participants": "Int64", "question_tone": "float64", "answer_question_gap": "float64", "non_answer_rate": "float64"}


def filings_frame(rows: Sequence[Any], theme_names: Sequence[str] = ()):
    """One row a stored filing (``nlp.store.StoredFiling``), for a panel: ``FILINGS_COLUMNS``, then
    ``share_<theme>``, ``intensity_<theme>`` and ``tone_<theme>`` for ``theme_names`` and every other
    theme the rows hold (in that order; shares and intensities 0.0 where a filing was scored without
    a theme).

    Every filing is a row, one without question-answer pairs too (``n_answers`` 0): its ``tone`` and
    theme tones are null (nothing was measured), not 0. ``tone_<theme>``: the tone of the answers
    tagged with the theme, null where none is (or the filing was stored before theme tones).
    ``n_institutions`` / ``n_participants``: attendance (调研热度), null where the record lists nobody;
    ``question_tone``, ``answer_question_gap`` (answer minus question tone) and ``non_answer_rate``: from the
    answer measures, null without them. ``activity`` is the types joined by 、 (a string in every
    format, so the column's type never depends on the data); the types are stable whatever the data.
    """
    import pandas as pd

    themes = list(theme_names)
    for r in rows:
        themes.extend(t for t in r.theme_share if t not in themes)
    records = []
    for r in rows:
        measured = bool(r.n_answers)
        record = {
            "filing_id": r.filing_id, "company": r.company, "code": r.code, "name": r.name,
            "company_name": r.company_name, "date": r.date, "date_valid": bool(r.date_valid), "period": r.period,
            "placed_on": r.placed_on, "kind": r.kind, "activity": "、".join(r.activity), "n_answers": int(r.n_answers),
            "tone": float(r.tone) if measured else None, "tone_label": r.tone_label, "model_version": r.model_version,
            "source": r.source, "n_institutions": r.n_institutions, "n_participants": r.n_participants,
            "question_tone": r.question_tone, "answer_question_gap": r.tone_gap, "non_answer_rate": r.non_answer_rate,
        }
        record.update({f"share_{t}": float(r.theme_share.get(t, 0.0)) for t in themes})
        record.update({f"intensity_{t}": float(r.theme_intensity.get(t, 0.0)) for t in themes})
        record.update({f"tone_{t}": r.theme_tone.get(t) if measured else None for t in themes})
        records.append(record)
    columns = [*FILINGS_COLUMNS, *(f"share_{t}" for t in themes), *(f"intensity_{t}" for t in themes),
               *(f"tone_{t}" for t in themes)]
    frame = pd.DataFrame.from_records(records, columns=columns)
    text = [c for c in FILINGS_COLUMNS if c not in _TYPES]
    return frame.astype({**{c: "string" for c in text}, **_TYPES, **{f"tone_{t}": "float64" for t in themes}})
