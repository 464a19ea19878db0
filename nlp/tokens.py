"""Tokenization: one jieba-identical tokenizer with irtone's domain dictionary.

The reference is a ``jieba.Tokenizer`` instance (never jieba's module-level default) with HMM off,
plus ``nlp/lang/zh_ir/domain_dict.txt``. ``rjieba`` (jieba-rs) builds the same prefix dictionary and gives
the same tokens about ten times faster; it serves the hot path only because
``tests/test_tokens.py`` proves its tokens identical to the reference on the seed, the labelled
answers and a corpus sample. HMM stays off: with HMM on, jieba-rs and jieba disagree on ~3% of texts.

Exact ties. Both engines pick the most probable route, a sum of log frequencies; where two routes
have equal frequency products (露|露露 against 露露|露, or 自|购自 against 自购|自 when both words have
frequency 3) the float sums are equal or one rounding apart, and the two engines may break the tie
differently (2 texts of the 210,019 in ../shared). ``tie_pairs`` lists every pair of adjacent
dictionary words that can take part in such a tie (``nlp/lang/zh_ir/jieba_ties.txt.gz``, rebuilt by
``python bench/build_token_ties.py``); a text whose fast tokens hold such a pair is cut again by
jieba's own algorithm (``nlp.jieba_table.CompactJieba``: the reference's words and frequencies in a
compact table), so the tokens are the reference's everywhere.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from nlp.lang import read_bytes, read_text
from nlp.text import fold

DEFAULT_DICT = "domain_dict.txt"
TIES_FILE = "jieba_ties.txt.gz"
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
        text = read_text(DEFAULT_DICT)
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


def tie_pairs(freq: Mapping[str, int]) -> set[tuple[str, str]]:
    """Pairs of adjacent words (a, b) whose text a+b splits again into two dictionary words a2, b2 with
    the same frequency product: freq[a] * freq[b] == freq[a2] * freq[b2]. Both orientations are listed.

    ``freq``: the reference's word frequencies (``jieba.Tokenizer().FREQ`` after the user words; prefixes
    stored with frequency 0 are not words). Equal products are the only way two routes of a text can
    score the same, short of three or more words on each side (not seen in the corpora).
    """
    from collections import defaultdict
    from math import gcd

    words = {w: f for w, f in freq.items() if f > 0}
    # b split as prefix + rest (rest a word), indexed by (prefix, freq[rest]/freq[b] in lowest terms)
    by_prefix_ratio: dict[tuple[str, int, int], list[tuple[str, str]]] = defaultdict(list)
    for b, fb in words.items():
        for k in range(1, len(b)):
            f_rest = words.get(b[k:])
            if f_rest:
                g = gcd(f_rest, fb)
                by_prefix_ratio[(b[:k], f_rest // g, fb // g)].append((b, b[k:]))
    pairs = set()
    for a2, fa2 in words.items():  # a2 = a + prefix: tie when freq[a]/freq[a2] == freq[rest]/freq[b]
        for i in range(1, len(a2)):
            fa = words.get(a2[:i])
            if fa:
                g = gcd(fa, fa2)
                for b, rest in by_prefix_ratio.get((a2[i:], fa // g, fa2 // g), ()):
                    pairs.add((a2[:i], b))
                    pairs.add((a2, rest))
    return pairs


def read_tie_pairs(path: str | Path | None = None) -> frozenset[tuple[str, str]]:
    """The shipped ``tie_pairs`` of jieba's dictionary plus the domain dictionary (a gzip text file,
    one tab-separated pair a line)."""
    return frozenset(iter_tie_pairs(path))


def iter_tie_pairs(path: str | Path | None = None) -> Iterable[tuple[str, str]]:
    """``read_tie_pairs``'s pairs one by one."""
    import gzip

    data = read_bytes(TIES_FILE) if path is None else Path(path).read_bytes()
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            a, b = line.split("\t")
            yield a, b


class TieGuard:
    """The tie pairs as the tokenizer checks them: the words that stand first and second in a pair, and
    the pairs' hashes (a few MB instead of ~15 MB of string tuples). A hash shared with a pair that is
    none only sends a text to the exact re-cut, which gives the reference's tokens anyway."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        firsts, seconds, hashes = set(), set(), set()
        for pair in pairs:
            firsts.add(pair[0]), seconds.add(pair[1]), hashes.add(hash(pair))
        self.firsts, self.seconds, self._hashes = frozenset(firsts), frozenset(seconds), frozenset(hashes)

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, pair: tuple[str, str]) -> bool:
        return hash(pair) in self._hashes

    def isdisjoint(self, pairs: Iterable[tuple[str, str]]) -> bool:
        hashes = self._hashes
        return not any(hash(pair) in hashes for pair in pairs)


class Tokenizer:
    """A jieba-identical tokenizer.

    Parameters
    ----------
    engine : "rjieba", "jieba" or "auto" (the ``IRTONE_TOKENIZER`` environment variable if set, else
        rjieba where installed, else jieba). With rjieba, a text that may hold an exact tie is cut by the
        reference (see the module's docstring); set IRTONE_TOKENIZER=jieba for the reference alone.
    user_dicts : extra dictionary files in the domain dictionary's format. With rjieba they cost a few
        seconds at load: the tie pairs of the changed dictionary are computed then.
    """

    def __init__(self, engine: str = "auto", user_dicts: Iterable[str | Path] = ()):
        self.engine = engine
        self.user_dicts = tuple(user_dicts)
        self._impl = None
        self._reference = None
        self._tie_breaker = None
        self._cut = None  # the cut function, built once (cutter)

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
            ties = TieGuard(iter_tie_pairs() if not self.user_dicts else tie_pairs(self.reference().FREQ))
            self._impl = ("rjieba", impl, ties)
        elif engine == "jieba":
            self._impl = ("jieba", self.reference(), TieGuard(()))
        else:
            raise ValueError(f"unknown tokenizer engine {self.engine!r}")
        return self._impl

    def reference(self):
        """The reference: a jieba.Tokenizer with the same dictionary (loaded once, when first needed)."""
        if self._reference is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            impl = jieba.Tokenizer()
            for e in self.entries:
                impl.add_word(e.word, e.freq, e.tag)
            impl.initialize()
            self._reference = impl
        return self._reference

    def tie_breaker(self):
        """jieba's cut for the texts an exact tie may decide: ``nlp.jieba_table.CompactJieba`` (the
        reference's algorithm and words, ~20 MB instead of the reference's ~65 MB), built when first
        needed; the reference itself where it is loaded anyway (user dictionaries, the jieba engine)."""
        if self._reference is not None:
            return self._reference
        if self._tie_breaker is None:
            from nlp.jieba_table import CompactJieba

            self._tie_breaker = CompactJieba((e.word, e.freq) for e in self.entries)
        return self._tie_breaker

    @property
    def engine_name(self) -> str:
        return self._load()[0]

    def cut(self, text: str) -> list[str]:
        return self.cutter()(text)

    def cutter(self):
        """``cut`` as a plain function of the text (built once; no per-call engine look-up: the hot path)."""
        if self._cut is None:
            name, impl, ties = self._load()
            if name == "jieba":
                self._cut = lambda text: impl.lcut(text, HMM=False)
            else:
                fast_cut = impl.cut

                def cut(text: str) -> list[str]:
                    tokens = fast_cut(text, False)
                    if ties.isdisjoint(zip(tokens, islice(tokens, 1, None))):
                        return tokens
                    return self.tie_breaker().lcut(text, HMM=False)  # a possible exact tie: jieba decides

                self._cut = cut
        return self._cut

    def _tie_sides(self) -> tuple[frozenset[str], frozenset[str]]:
        """The words that stand first, and second, in some exact-tie pair."""
        ties = self._load()[2]
        return ties.firsts, ties.seconds

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
        return {"engine": self.engine, "user_dicts": self.user_dicts, "_impl": None, "_reference": None, "_cut": None,
                "_tie_breaker": None}


class _Index(dict):
    """token string → id, giving each new token the next id (``__missing__`` runs only for new tokens, so a
    whole batch's ids come from one C-level ``map``)."""

    __slots__ = ("strings",)

    def __init__(self):
        super().__init__()
        self.strings: list[str] = []

    def __missing__(self, token: str) -> int:
        i = self[token] = len(self.strings)
        self.strings.append(token)
        return i


class Vocab:
    """The ids of every token string seen, and per-id attribute arrays that components compute once per
    string (what a token is to the tone lexicon, a theme matcher, the learned words …).

    ``attribute(key, compute, dtype)`` returns an array indexed by id, extended with ``compute(new
    strings)`` when tokens were added since the last call: the per-string Python work runs once per
    distinct token of a whole batch run, never once per occurrence. ``MAX_STRINGS`` bounds memory:
    beyond it the scorer starts a new Vocab.
    """

    MAX_STRINGS = 2_000_000

    def __init__(self):
        self._index = _Index()
        self._attributes: dict = {}
        self._folded_strings: list[str] = []

    def __len__(self) -> int:
        return len(self._index.strings)

    @property
    def strings(self) -> list[str]:
        return self._index.strings

    def ids(self, tokens: Sequence[str]) -> np.ndarray:

        return np.fromiter(map(self._index.__getitem__, tokens), dtype=np.int64, count=len(tokens))

    def attribute(self, key, compute, dtype, folded: bool = False) -> np.ndarray:
        """``compute`` of each string (``folded``: of each string as ``nlp.text.fold`` folds it, made
        once for every component)."""
        array = self._attributes.get(key)
        n = len(self._index.strings)
        if array is None or len(array) < n:
            done = 0 if array is None else len(array)
            strings = self._folded(n) if folded else self._index.strings
            new = np.asarray(compute(strings[done:n]), dtype=dtype)
            array = new if array is None else np.concatenate([array, new])
            self._attributes[key] = array
        return array

    def _folded(self, n: int) -> list[str]:
        folded = self._folded_strings
        if len(folded) < n:
            folded.extend(map(fold, self._index.strings[len(folded):n]))
        return folded


@dataclass
class TokenBatch:
    """The tokens of many texts as flat arrays: the unit every feature component works on.

    ``tokens`` and ``ids`` hold all tokens, text after text; text ``d``'s tokens are
    ``doc_ptr[d]:doc_ptr[d + 1]``; ``doc`` is each token's text, ``start`` its character offset in its
    text (the text being its tokens joined), ``clause`` and ``sentence`` the number of clause and
    sentence breaks before it in its text (a break token belongs to the clause it ends).
    """

    texts: list[str]
    tokens: list[str]
    ids: np.ndarray
    doc_ptr: np.ndarray
    vocab: Vocab
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # what components compute once per batch

    def __post_init__(self):

        n_docs = len(self.texts)
        counts = np.diff(self.doc_ptr)
        self.doc = np.repeat(np.arange(n_docs), counts)
        lengths = self.vocab.attribute("length", lambda strings: list(map(len, strings)), np.int64)[self.ids]
        self.length = lengths
        self.text_length = np.bincount(self.doc, weights=lengths, minlength=n_docs).astype(np.int64)
        text_start = np.concatenate([[0], np.cumsum(self.text_length)])[:-1]
        self.start = np.cumsum(lengths) - lengths - text_start[self.doc]
        clause_break = self.vocab.attribute("clause_break", lambda s: [t in CLAUSE_BREAKS for t in s], bool)[self.ids]
        sentence_break = self.vocab.attribute("sentence_break", lambda s: [t in SENTENCE_BREAKS for t in s], bool)[self.ids]
        self.is_clause_break = clause_break
        self.is_sentence_break = sentence_break
        self.clause = _breaks_before(clause_break, self.doc_ptr, self.doc)
        self.sentence = _breaks_before(sentence_break, self.doc_ptr, self.doc)
        # sentences of a text: the breaks before its last token, plus one (one for a text without tokens)
        n_sentences = np.ones(n_docs, np.int64)
        has_tokens = counts > 0
        n_sentences[has_tokens] = self.sentence[self.doc_ptr[1:][has_tokens] - 1] + 1
        self.n_sentences = n_sentences

    def __len__(self) -> int:
        return len(self.texts)

    def doc_tokens(self, d: int) -> list[str]:
        return self.tokens[self.doc_ptr[d]:self.doc_ptr[d + 1]]


def _breaks_before(is_break, doc_ptr, doc):
    """Per token: how many break tokens come before it in its own text."""
    if not len(is_break):
        return np.zeros(0, np.int64)
    inclusive = np.cumsum(is_break)
    before = inclusive - is_break
    at_start = np.concatenate([[0], inclusive])[doc_ptr[:-1]]  # breaks before each text's first token
    return before - at_start[doc]


def cut_batch(tokenizer: Tokenizer, texts: Sequence[str], vocab: Vocab) -> TokenBatch:
    """``tokenizer.cut`` of many texts as one ``TokenBatch``. The exact-tie check of rjieba's tokens is one
    vectorized look at adjacent ids; only the few flagged texts are cut again by the reference."""
    from itertools import chain

    name, impl, ties = tokenizer._load()
    if name == "jieba":
        lists = [impl.lcut(t, HMM=False) for t in texts]
    else:
        fast_cut = impl.cut
        lists = [fast_cut(t, False) for t in texts]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    tokens = list(chain.from_iterable(lists))
    ids = vocab.ids(tokens)
    doc_ptr = np.concatenate([[0], np.cumsum(counts)])
    if ties and len(ids) > 1:
        firsts, seconds = tokenizer._tie_sides()
        left = vocab.attribute(("tie_left", id(tokenizer)), lambda s: [t in firsts for t in s], bool)
        right = vocab.attribute(("tie_right", id(tokenizer)), lambda s: [t in seconds for t in s], bool)
        pairs = np.flatnonzero(left[ids[:-1]] & right[ids[1:]])
        pairs = pairs[~np.isin(pairs + 1, doc_ptr)]  # a pair across two texts is no pair
        recut = sorted({int(np.searchsorted(doc_ptr, p, side="right") - 1) for p in pairs.tolist()
                        if (tokens[p], tokens[p + 1]) in ties})
        if recut:
            reference = tokenizer.tie_breaker()
            for d in recut:
                lists[d] = reference.lcut(texts[d], HMM=False)
            counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
            tokens = list(chain.from_iterable(lists))
            ids = vocab.ids(tokens)
            doc_ptr = np.concatenate([[0], np.cumsum(counts)])
    # the texts themselves when each is its tokens joined: the same concatenation, the same lengths
    batch = TokenBatch(list(texts), tokens, ids, doc_ptr, vocab)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    if not np.array_equal(batch.text_length, lengths) or "".join(tokens) != "".join(texts):
        batch.texts = ["".join(t) for t in lists]  # an engine that changed the text: its tokens' text
    return batch
