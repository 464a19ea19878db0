"""The filing panel (``irtone history --out``): every filing a row, tone per theme, attendance, measures."""
from __future__ import annotations

import math

import pytest
from report_factory import THEMES, filing_score, xinghe_filings

from nlp.render import filings_frame
from nlp.store import Store


def test_panel_has_theme_tones_attendance_and_a_row_for_a_filing_without_answers(tmp_path):
    f1, f2, f3, f4, _ = xinghe_filings()
    stub = filing_score("990001", "星河云算", "2023-06-01", [])
    with Store(tmp_path / "s.db") as store:
        for f in (f1, f2, f3, f4, stub):
            store.put(f)
        rows = store.filings("990001")
    frame = filings_frame(rows, THEMES)
    assert len(frame) == 5 and list(frame["n_answers"]) == [2, 2, 2, 4, 0]
    last = frame.iloc[-1]
    assert last["filing_id"] == stub.filing.filing_id and math.isnan(last["tone"])  # nothing measured: null, not 0
    assert all(math.isnan(last[f"tone_{t}"]) for t in THEMES)
    assert frame["tone_capex"].iloc[1] == pytest.approx(0.45)  # (0.5 + 0.4) / 2, the factory's plain mean
    assert math.isnan(frame["tone_ai_compute"].iloc[0]) and frame["tone_ai_compute"].iloc[3] == pytest.approx(0.8)
    assert list(frame["n_institutions"]) == [2] * 5 and list(frame["n_participants"]) == [2] * 5
    assert str(frame["n_institutions"].dtype) == "Int64" and frame["non_answer_rate"].isna().all()
    assert str(frame["question_tone"].dtype) == "float64" and "answer_question_gap" in frame.columns
    assert [c for c in frame.columns if c.startswith("tone_") and c != "tone_label"] == [f"tone_{t}" for t in THEMES]
