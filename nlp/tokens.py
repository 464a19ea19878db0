"""Tokenization: one jieba-identical tokenizer with irtone's domain dictionary.

The reference is a ``jieba.Tokenizer`` instance (never jieba's module-level default) with HMM off,
plus ``nlp/data/domain_dict.txt``. ``rjieba`` (jieba-rs) builds the same prefix dictionary and gives
the same tokens about ten times faster; it serves the hot path only because
``tests/test_tokens.py`` proves its tokens identical to the reference on the seed, the labelled
answers and a corpus sample. HMM stays off: with HMM on, jieba-rs and jieba disagree on ~3% of texts.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

DEFAULT_DICT = "domain_dict.txt"
CLAUSE_BREAKS = frozenset("，,。；;！!？?：:\n、")
SENTENCE_BREAKS = frozenset("。！!？?；;\n")  # each also a clause break


def break_positions(tokens: Sequence[str]) -> tuple[list[int], list[int]]:
    """Indices of the tokens that end a clause, and of those that end a sentence (a token's clause or
    sentence number is the count of break indices before it: ``bisect_left``)."""
    clause = [i for i, t in enumerate(tokens) if t in CLAUSE_BREAKS]
    return clause, [i for i in clause if tokens[i] in SENTENCE_BREAKS]


@dataclass(frozen=True)
class DictEntry:
    word: str
    freq: int
    tag: str | None


def read_dictionary(path: str | Path | None = None) -> tuple[DictEntry, ...]:
    """Read a jieba-format user dictionary ("word freq [tag]" a line, '#' comments)."""
    if path is None:
        text = resources.files("nlp.data").joinpath(DEFAULT_DICT).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    entries = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 else 3000
        tag = parts[2] if len(parts) > 2 else None
        entries.append(DictEntry(word, freq, tag))
    return tuple(entries)


class Tokenizer:
    """A jieba-identical tokenizer.

    Parameters
    ----------
    engine : "rjieba", "jieba" or "auto" (the ``IRTONE_TOKENIZER`` environment variable if set, else
        rjieba where installed, else jieba). rjieba and jieba agree on all but exact ties between two
        equally likely routes (1 answer in 20,000 in bench/throughput.py); set IRTONE_TOKENIZER=jieba
        for the reference itself.
    user_dicts : extra dictionary files in the domain dictionary's format.
    """

    def __init__(self, engine: str = "auto", user_dicts: Iterable[str | Path] = ()):
        self.engine = engine
        self.user_dicts = tuple(user_dicts)
        self._impl = None

    @property
    def entries(self) -> tuple[DictEntry, ...]:
        entries = list(read_dictionary())
        for path in self.user_dicts:
            entries.extend(read_dictionary(path))
        return tuple(entries)

    def _load(self):
        if self._impl is not None:
            return self._impl
        engine = self.engine
        if engine == "auto":
            import os

            engine = os.environ.get("IRTONE_TOKENIZER", "auto")
        if engine == "auto":
            try:
                import rjieba  # noqa: F401

                engine = "rjieba"
            except ImportError:
                engine = "jieba"
        if engine == "rjieba":
            import rjieba

            impl = rjieba.Jieba()
            for e in self.entries:
                impl.add_word(e.word, e.freq, e.tag)
            self._impl = ("rjieba", impl)
        elif engine == "jieba":
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            impl = jieba.Tokenizer()
            for e in self.entries:
                impl.add_word(e.word, e.freq, e.tag)
            self._impl = ("jieba", impl)
        else:
            raise ValueError(f"unknown tokenizer engine {self.engine!r}")
        return self._impl

    @property
    def engine_name(self) -> str:
        return self._load()[0]

    def cut(self, text: str) -> list[str]:
        name, impl = self._load()
        if name == "rjieba":
            return impl.cut(text, False)
        return impl.lcut(text, HMM=False)

    def cutter(self):
        """``cut`` as a plain function of the text (no per-call engine look-up: the hot path)."""
        name, impl = self._load()
        if name == "rjieba":
            return lambda text: impl.cut(text, False)
        return lambda text: impl.lcut(text, HMM=False)

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """Tokens with character offsets: (word, start, end)."""
        out = []
        pos = 0
        for word in self.cut(text):
            out.append((word, pos, pos + len(word)))
            pos += len(word)
        return out

    def __getstate__(self):
        # Worker processes rebuild the engine; never ship the native object.
        return {"engine": self.engine, "user_dicts": self.user_dicts, "_impl": None}
