"""score_frame on a local Dask cluster gives the rows of irtone batch."""
from __future__ import annotations

import json

import pytest
from batch_factory import answer_rows

from nlp.batch import BatchOptions, output_columns, run_batch, score_frame_meta, score_frame_schema

dd = pytest.importorskip("dask.dataframe", reason="dask is not installed (pip install 'dask[dataframe]' distributed)")
distributed = pytest.importorskip("distributed", reason="distributed is not installed")

SCORED = ["tone", "tone_label", "themes", "score_ai_compute", "score_capex", "score_domestic_chips",
          "score_financing", "evidence", "tone_terms", "tone_words", "model_version"]


def test_score_frame_on_a_local_dask_cluster_equals_batch_rows(tmp_path):
    import pandas as pd

    from nlp.scorer import score_frame

    table = tmp_path / "answers.jsonl"
    rows = answer_rows(150, seed=11)
    table.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    run_batch(BatchOptions((str(table),), str(tmp_path / "out.jsonl")))
    batch = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in batch] == [r["id"] for r in rows]
    assert list(batch[0]) == output_columns(["ai_compute", "capex", "domestic_chips", "financing"])

    frame = pd.DataFrame(rows)
    # offsets index the answer each side returns: the batch's is the cleaned text, so score that
    frame["answer"] = [r["answer"] for r in batch]
    meta = score_frame_meta(frame)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        lazy = dd.from_pandas(frame, npartitions=4).map_partitions(score_frame, meta=meta)
        scored = lazy.compute()
        lazy.to_parquet(tmp_path / "scored", schema=score_frame_schema(meta))
    assert list(scored.columns) == list(meta.columns)
    assert scored["id"].tolist() == [r["id"] for r in rows]
    for got, want in zip(scored.to_dict("records"), batch):
        assert {c: got[c] for c in SCORED} == {c: want[c] for c in SCORED}
    assert scored["tone"].dtype == "float64" and scored["score_capex"].dtype == "float64"
    written = pd.read_parquet(tmp_path / "scored")
    assert [list(t) for t in written["themes"]] == [r["themes"] for r in batch]
    assert written["tone"].tolist() == [r["tone"] for r in batch]
