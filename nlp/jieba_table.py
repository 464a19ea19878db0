"""jieba's own cut (HMM off) over a compact frequency table, for the few texts an exact tie may decide.

``jieba.Tokenizer`` keeps its prefix dictionary as a Python dict of ~500,000 strings (~65 MB per
process). The tokenizer needs it only to re-cut the texts whose fast tokens hold a pair of
``nlp.tokens.tie_pairs`` (about one answer in 5,000), so a batch worker would carry it for a handful of
texts. ``CompactJieba`` holds the same words — jieba's dict.txt and the domain dictionary, each with
its last frequency, the same total — as sorted numpy arrays of two 64-bit string hashes and a
frequency (~8 MB of arrays), and runs jieba's algorithm on them: the same blocks, the same DAG, the same route
sums in the same order, the same tie-break; so its tokens are jieba's (``tests/test_tokens.py``
compares them). Two independent hashes make a false hit as unlikely as 2^-128 per look-up.
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from math import log
from pathlib import Path

import numpy as np

# jieba 0.42.1's patterns (jieba/__init__.py): blocks of Han/Latin/digits, whitespace, Latin letters
_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_SKIP = re.compile("(\r\n|\\s)", re.U)
_ENG = re.compile("[a-zA-Z0-9]", re.U)


def jieba_dict_path() -> Path:
    """jieba's main dictionary, found without importing jieba (its import loads the HMM tables)."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "dict.txt"


def _second(s: str) -> int:
    return hash(s + "\x00")


class CompactJieba:
    """``lcut(text, HMM=False)`` of a ``jieba.Tokenizer`` holding jieba's dictionary plus ``entries``
    ((word, freq) pairs, added as ``add_word`` adds them, in order).

    The table holds the words only: jieba's prefix entries (frequency 0) serve its DAG scan to stop at a
    fragment no word continues; scanning every length up to the longest word finds the same words."""

    def __init__(self, entries: Iterable[tuple[str, int]], dictionary: Path | None = None):
        first, second, freq = array("q"), array("q"), array("q")
        total, longest = 0, 1

        def insert(word: str, f: int) -> None:
            nonlocal total, longest
            first.append(hash(word)), second.append(_second(word)), freq.append(f)
            total += f
            longest = max(longest, len(word))

        with open(dictionary or jieba_dict_path(), "rb") as fh:  # jieba's gen_pfdict
            for line in fh:
                word, f = line.strip().decode("utf-8").split(" ")[:2]
                insert(word, int(f))
        for word, f in entries:  # jieba's add_word
            insert(word, int(f))
        h1, h2, f_ = (np.frombuffer(a, np.int64) for a in (first, second, freq))
        # per word: the frequency of its last insertion (a later line or add_word overrides an earlier)
        rank = np.lexsort((np.arange(len(h1)), h2, h1))
        last = np.ones(len(rank), bool)
        last[:-1] = (h1[rank[1:]] != h1[rank[:-1]]) | (h2[rank[1:]] != h2[rank[:-1]])
        keep = rank[last]
        keep = keep[f_[keep] > 0]  # a word of frequency 0 is no word to jieba's DAG
        self._h1, self._h2 = h1[keep], h2[keep]
        self._freq = f_[keep]  # int64: a user dictionary may give any frequency
        self.total = total
        self.longest = longest

    def _get(self, word: str) -> int:
        """The frequency of ``word`` (0: not a word)."""
        h1 = hash(word)
        i = int(np.searchsorted(self._h1, h1))
        h2 = _second(word)
        while i < len(self._h1) and self._h1[i] == h1:
            if self._h2[i] == h2:
                return int(self._freq[i])
            i += 1
        return 0

    def lcut(self, sentence: str, HMM: bool = False) -> list[str]:  # noqa: N803 - jieba's signature
        if HMM:
            raise ValueError("CompactJieba cuts with HMM off only")
        out: list[str] = []
        for block in _HAN.split(sentence):
            if not block:
                continue
            if _HAN.match(block):
                out.extend(self._cut_block(block))
            else:
                for x in _SKIP.split(block):
                    if _SKIP.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
        return out

    def _cut_block(self, sentence: str) -> list[str]:
        n = len(sentence)
        dag = {}
        for k in range(n):  # jieba's get_DAG: the words starting at k, else k alone
            dag[k] = [i for i in range(k, min(n, k + self.longest)) if self._get(sentence[k:i + 1])] or [k]
        route = {n: (0, 0)}  # jieba's calc: the same sums in the same order, the same tie-break
        logtotal = log(self.total)
        for idx in range(n - 1, -1, -1):
            route[idx] = max((log(self._get(sentence[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x)
                             for x in dag[idx])
        words, x, buf = [], 0, ""
        while x < n:  # jieba's __cut_DAG_NO_HMM
            y = route[x][1] + 1
            word = sentence[x:y]
            if _ENG.match(word) and len(word) == 1:
                buf += word
            else:
                if buf:
                    words.append(buf)
                    buf = ""
                words.append(word)
            x = y
        if buf:
            words.append(buf)
        return words
