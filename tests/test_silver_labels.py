"""The silver labels: references only (never corpus text), and they rebuild into the labelled answers."""
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "labels" / "silver.jsonl"
TEST_LABELS = ROOT / "bench" / "labels" / "silver_test.jsonl"
CORPUS = ROOT.parent / "shared" / "corpus"
THEMES = {"ai_compute", "capex", "domestic_chips", "financing"}


def _items(path=LABELS):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("path", [LABELS, TEST_LABELS], ids=["train", "test"])
def test_silver_labels_hold_references_and_labels_only(path):
    items = _items(path)
    assert len(items) > 500
    for it in items:
        assert set(it) == {"id", "ref", "themes", "tone", "annotator", "unsure"}
        assert set(it["ref"]) in ({"file", "line", "answer_sha1"}, {"file", "doc_id", "number", "answer_sha1"})
        assert set(it["themes"]) <= THEMES and it["tone"] in (-2, -1, 0, 1, 2)
    assert len({it["ref"]["answer_sha1"] for it in items}) == len(items)  # no answer labelled twice


def test_silver_test_set_is_disjoint_from_the_training_labels():
    train = {it["ref"]["answer_sha1"] for it in _items(LABELS)}
    assert not train & {it["ref"]["answer_sha1"] for it in _items(TEST_LABELS)}


@pytest.mark.corpus
def test_silver_references_rebuild_the_labelled_answers(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus not present")
    spec = importlib.util.spec_from_file_location("build_silver", ROOT / "bench" / "build_silver.py")
    build_silver = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_silver)
    sample = _items()[::40]
    refs = tmp_path / "refs.jsonl"
    refs.write_text("".join(json.dumps(it, ensure_ascii=False) + "\n" for it in sample), encoding="utf-8")
    rebuilt, missing = build_silver.build(refs, CORPUS)
    assert missing == 0 and len(rebuilt) == len(sample)
    for it, ref in zip(rebuilt, sample):
        assert build_silver.answer_sha1(it["answer"]) == ref["ref"]["answer_sha1"]
        assert (it["themes"], it["tone"]) == (ref["themes"], ref["tone"])
