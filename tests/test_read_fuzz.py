"""Damaged inputs: a seeded mutation loop over the seed as TXT, PDF, DOCX and HTML. Every case must
read and parse, or fail with a one-line ``IrtoneError`` naming the file — never another exception.

The default run tries a few dozen cases; the slow suite (``-m slow``) a few thousand."""
from __future__ import annotations

import html
import random
from pathlib import Path

import pytest

from nlp.parse import parse_document
from nlp.read import read_file
from nlp.records import IrtoneError

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ece50293e7075997.txt"
FIXTURES = ROOT / "tests" / "fixtures"


def seeds() -> dict[str, bytes]:
    text = SEED.read_text(encoding="utf-8")
    page = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip()) + "</body></html>"
    return {
        "txt": SEED.read_bytes(),
        "pdf": (FIXTURES / "seed_boxes.pdf").read_bytes(),
        "docx": (FIXTURES / "seed_textbox.docx").read_bytes(),
        "html": page.encode("utf-8"),
    }


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randrange(len(out))
        op = rng.random()
        if op < 0.5:
            out[pos] = rng.randrange(256)  # flip a byte
        elif op < 0.6:
            del out[pos:]  # truncate
        elif op < 0.75:
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))  # insert junk
        elif op < 0.9:
            del out[pos : pos + rng.randint(1, 512)]  # cut a piece out
        else:
            start = rng.randrange(len(out))
            out[pos:pos] = out[start : start + rng.randint(1, 256)]  # repeat a piece
        if not out:
            out = bytearray(b"x")
    return bytes(out)


def run_cases(count: int, seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    originals = seeds()
    failures = []
    for case in range(count):
        kind = rng.choice(sorted(originals))
        path = tmp_path / f"case{case}.{kind}"
        path.write_bytes(mutate(originals[kind], rng))
        try:
            parse_document(read_file(path))
        except IrtoneError as err:
            if "\n" in str(err) or not str(err).startswith(str(path)):
                failures.append((path.name, f"badly formed error: {err!r}"))
        except Exception as err:  # the bug this test exists for
            failures.append((path.name, f"{type(err).__name__}: {err}"))
        path.unlink()
    assert not failures, failures[:5]


def test_mutated_inputs_fail_cleanly(tmp_path):
    run_cases(40, seed=19, tmp_path=tmp_path)


@pytest.mark.slow
def test_mutated_inputs_fail_cleanly_many(tmp_path):
    run_cases(3000, seed=2019, tmp_path=tmp_path)
