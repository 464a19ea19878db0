"""Tone lexicon evidence of a batch of texts: polar terms with negation, degree and plans.

``ToneLexicon`` (data: ``nlp/lang/zh_ir/tone_lexicon.txt``) lists polar terms, negators (没有, 暂无,
不存在 … flip the next polar term within the same clause), degree words (大幅 ×1.5, 略有 ×0.5), hedges,
boilerplate, courtesy (谢谢, 感谢您的关注 carry no tone), aspirations (将继续…: a plan, not a result) and
neutral phrases (a list of risk factors, a pointer to the report's risk section, the share-price formula):
no polar term, negator or modifier that starts inside one counts, and, like courtesy, their tokens are
left out of the learned words. A prefix (非 of 非经常性, 非电) negates only the polar word directly after it;
a dismissal (影响不大, 不会对…产生重大影响) voids the negative terms before it in its clause or the clause
before (该诉讼不会对公司经营产生重大影响: the lawsuit is said not to matter).
Negated negatives (不存在重大风险, 没有减持计划) count as mildly reassuring, negated positives (尚未盈利,
没有增长) as negative: the labelling guide's rule. ``LexiconFeatures.transform`` gives, for every text
of a ``TokenBatch``, the summed positive and negative weight, the promised part, hedges, the share of
boilerplate sentences, and each term's signed contribution with its character offset.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from nlp.features.terms import Matches, PhraseMatcher
from nlp.lang import display_path, read_text
from nlp.records import IrtoneError

CATEGORIES = ("pos", "neg", "negator", "degree", "hedge", "boilerplate", "courtesy", "aspiration", "neutral", "prefix",
              "dismissal")
NEGATION_WINDOW = 4  # tokens before a polar term in which a negator applies
DEGREE_WINDOW = 2
NEGATED_NEGATIVE_FACTOR = 0.3  # 不存在风险: reassuring, but weaker than a plain positive
NEGATED_POSITIVE_FACTOR = 0.8  # 没有增长: nearly as negative as 下降
ASPIRATION_FACTOR = 0.35  # 公司将继续提升竞争力: a promise weighs about a third of a result (rest of the sentence)

_NAME = re.compile(r"[A-Z][A-Z_]*")
_NAME_USE = re.compile(r"(\(\?<!)?\{([A-Z][A-Z_]*)\}(\))?")


def expand_names(pattern: str, names: Mapping[str, Sequence[str]], source: str = "lexicon", line: int = 0) -> str:
    """Replace ``{NAME}`` in a ``re:`` pattern by the alternatives a ``define`` line gave it.

    ``(?<!{NAME})`` becomes one negative lookbehind per alternative, since Python's lookbehinds must
    have a fixed width; elsewhere ``{NAME}`` becomes ``(?:a|b|…)``. ``{0,6}`` and other quantifiers are
    untouched (a name starts with a capital letter).
    """
    def expand(m: re.Match) -> str:
        lookbehind, name, close = m.group(1), m.group(2), m.group(3)
        if name not in names:
            raise IrtoneError(source, f"line {line}: {{{name}}} is used before a 'define' line gives it")
        alternatives = names[name]
        if lookbehind and close:
            return "".join(f"(?<!{re.escape(a)})" for a in alternatives)
        return (lookbehind or "") + "(?:" + "|".join(map(re.escape, alternatives)) + ")" + (close or "")

    return _NAME_USE.sub(expand, pattern)


@dataclass(frozen=True)
class ToneLexicon:
    """Word lists by category with weights (see the data file's header)."""

    entries: tuple[tuple[str, str, float], ...]  # (category, word, weight)

    @classmethod
    def load(cls, path: str | Path | None = None) -> ToneLexicon:
        if path is None:
            text = read_text("tone_lexicon.txt")
            source = display_path("tone_lexicon.txt")
        else:
            source = str(path)
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise IrtoneError(source, f"cannot read tone lexicon ({err.__class__.__name__})") from None
        entries, names = [], {}
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) == 3 and parts[0] == "define":
                name, alternatives = parts[1].strip(), tuple(a.strip() for a in parts[2].split("|"))
                if not _NAME.fullmatch(name) or not all(alternatives):
                    raise IrtoneError(source, f"line {n}: expected 'define<TAB>NAME<TAB>word|word|…' with NAME in capitals")
                names[name] = alternatives
                continue
            if len(parts) != 3 or parts[0] not in CATEGORIES:
                raise IrtoneError(source, f"line {n}: expected 'category<TAB>word<TAB>weight' with a category in {CATEGORIES}")
            word = parts[1].strip()
            if word.startswith("re:"):
                word = expand_names(word, names, source, n)
            try:
                entries.append((parts[0], word, float(parts[2])))
            except ValueError:
                raise IrtoneError(source, f"line {n}: weight {parts[2]!r} is not a number") from None
        return cls(tuple(entries))

    def words(self, category: str) -> tuple[str, ...]:
        return tuple(w for c, w, _ in self.entries if c == category)

class LexiconEvidence(NamedTuple):
    """What the lexicon found in each text of a batch (arrays of one value per text)."""

    positive: np.ndarray
    negative: np.ndarray
    promised: np.ndarray  # positive weight in clauses of plans and intentions (already discounted in positive)
    hedge: np.ndarray
    deflection: np.ndarray  # share of sentences with boilerplate
    n_sentences: np.ndarray
    length: np.ndarray
    terms: list  # per text: ((term, signed weight, character offset, negated), ...)
    courtesy: np.ndarray  # per token of the batch: inside a courtesy or neutral phrase (no tone, no learned word)


class LexiconFeatures:
    """Finds the lexicon's terms in a ``TokenBatch`` and weighs them (``transform``), a batch at a time.

    A token span can match several categories (显著 is both degree and pos): at each start token the
    matches keep one per category, and a span whose longest match is courtesy carries nothing. A polar
    term's sign and weight then follow from the modifiers before it: degree words within
    ``DEGREE_WINDOW`` tokens of its clause multiply it, a negator within ``NEGATION_WINDOW`` tokens of its
    clause flips it (a prefix only directly before it), an aspiration earlier in its sentence discounts a
    positive, a dismissal after it (in its clause or the next, same sentence) voids a negative. A degree word directly
    before another polar term of its clause is a modifier only (a longer term that starts with one,
    大幅增长, is not). Every step is an array operation over all the batch's matches.
    """

    def __init__(self, lexicon: ToneLexicon, tokenizer):
        self.lexicon = lexicon
        self.matcher = PhraseMatcher([(word, cat) for cat, word, _ in lexicon.entries], tokenizer, inside_tokens=True)
        keys, entries = self.matcher.keys, self.matcher.entries
        self._category = np.array([CATEGORIES.index(k) for k in keys], dtype=np.int64)  # matcher key → category
        # weight of (key, entry); a later line of the lexicon overrides an earlier one, as in the file
        self._weight = np.zeros((len(keys), len(entries)))
        key_id, entry_id = {k: i for i, k in enumerate(keys)}, {e: i for i, e in enumerate(entries)}
        for cat, word, w in lexicon.entries:
            if word in entry_id:
                self._weight[key_id[cat], entry_id[word]] = w

    def transform(self, batch, matches: Matches | None = None) -> LexiconEvidence:
        if matches is None:
            matches = self.matcher.match(batch)
        n = len(batch)
        category = self._category[matches.key]
        courtesy = _inside(batch, matches, category == _COURTESY)
        neutral = _inside(batch, matches, category == _NEUTRAL)
        values = np.zeros((5, n))
        terms: list = [()] * n
        if len(matches):
            terms = self._weigh(batch, matches, category, values, neutral)
        positive, negative, promised, hedge, boilerplate = values
        return LexiconEvidence(positive, negative, promised, hedge, boilerplate / batch.n_sentences,
                               batch.n_sentences, batch.text_length, terms, courtesy | neutral)

    def _weigh(self, batch, matches: Matches, category: np.ndarray, values: np.ndarray, neutral: np.ndarray) -> list:
        """Fill ``values`` (positive, negative, promised, hedge, boilerplate sentences per text) and return
        each text's terms as (term, signed weight, character offset, negated). ``neutral``: per token,
        inside a neutral phrase (a match starting there does not count)."""
        n = len(batch)
        first, last = matches.first, matches.last
        order = np.arange(len(first))
        # the longest match at each start token (the first of equals): a courtesy phrase there silences it
        by_length = np.lexsort((order, first - last, first))
        head = _distinct(first[by_length])
        silenced = first[by_length][head][category[by_length][head] == _COURTESY]
        kept = np.flatnonzero((category != _COURTESY) & (category != _NEUTRAL) & ~np.isin(first, silenced)
                              & ~neutral[first])
        if not len(kept):
            return [()] * n
        # one match per (start token, category): the last one
        by_kind = kept[np.lexsort((order[kept], category[kept], first[kept]))]
        change = (first[by_kind][1:] != first[by_kind][:-1]) | (category[by_kind][1:] != category[by_kind][:-1])
        chosen = by_kind[np.r_[change, True]]
        cat = category[chosen]
        weight = self._weight[matches.key[chosen], matches.entry[chosen]]
        doc = matches.doc[chosen]

        hedge = cat == _HEDGE
        values[3] = np.bincount(doc[hedge], weights=weight[hedge], minlength=n)
        boiler = cat == _BOILERPLATE
        sentence_ids = _global_ids(batch.sentence, batch.doc, batch.doc_ptr)
        boiler_docs = doc[boiler][_distinct(sentence_ids[first[chosen][boiler]])]
        values[4] = np.bincount(boiler_docs, minlength=n)

        polar = chosen[(cat == _POS) | (cat == _NEG)]  # by start token, pos before neg
        polar = self._resolve(batch, matches, polar)
        if not len(polar):
            return [()] * n
        p_first, p_last, p_doc = first[polar], last[polar], matches.doc[polar]
        p_neg = category[polar] == _NEG
        clause_ids = _global_ids(batch.clause, batch.doc, batch.doc_ptr)
        p_clause = clause_ids[p_first]

        degrees = chosen[cat == _DEGREE]
        # a degree word of the same span directly before another polar term of its clause: a modifier
        span_code = len(batch.ids) + 1
        next_at = np.searchsorted(p_first, p_first, side="right")
        has_next = next_at < len(p_first)
        next_start = np.where(has_next, p_first[np.minimum(next_at, len(p_first) - 1)], -1)
        reach = np.minimum(p_last + DEGREE_WINDOW, _clause_end(batch, p_first))
        modifier = (np.isin(p_first * span_code + p_last, first[degrees] * span_code + last[degrees])
                    & has_next & (p_doc[np.minimum(next_at, len(p_first) - 1)] == p_doc)
                    & (next_start > p_first) & (next_start <= reach))

        factor = np.ones(len(polar))
        for m, w in _before(degrees, first, last, clause_ids, p_first, p_clause, DEGREE_WINDOW + 1):
            factor = np.where(m, factor * self._weight[matches.key[w], matches.entry[w]], factor)
        negators = chosen[cat == _NEGATOR]
        negated = np.zeros(len(polar), dtype=bool)
        for m, _ in _before(negators, first, last, clause_ids, p_first, p_clause, NEGATION_WINDOW):
            negated |= m
        for m, _ in _before(chosen[cat == _PREFIX], first, last, clause_ids, p_first, p_clause, 1):
            negated |= m  # 非优质: a prefix negates only the word it is attached to
        signed = self._weight[matches.key[polar], matches.entry[polar]] * factor * np.where(p_neg, -1.0, 1.0)
        signed = np.where(negated, -signed * np.where(p_neg, NEGATED_NEGATIVE_FACTOR, NEGATED_POSITIVE_FACTOR),
                          signed)
        # a positive after an aspiration of its sentence (将继续…) is a promise
        aspirations = chosen[cat == _ASPIRATION]
        p_sentence = sentence_ids[p_first]
        a_sentence = sentence_ids[first[aspirations]]
        at = np.minimum(np.searchsorted(a_sentence, p_sentence), max(len(aspirations) - 1, 0))
        promise = (signed > 0) & (len(aspirations) > 0)
        if len(aspirations):  # aspirations are by start token: the first of a sentence is its earliest
            promise &= (a_sentence[at] == p_sentence) & (first[aspirations][at] < p_first)
        signed = np.where(promise, signed * ASPIRATION_FACTOR, signed)
        signed = np.where((signed < 0) & _dismissed(chosen[cat == _DISMISSAL], first, clause_ids, sentence_ids, p_first),
                          0.0, signed)

        # a polar term of weight 0 (紧张进行 over 紧张) won its overlaps to silence them: it is not reported
        counted = ~modifier & (signed != 0)
        c_doc, c_signed = p_doc[counted], signed[counted]
        values[0] = np.bincount(c_doc, weights=np.where(c_signed > 0, c_signed, 0.0), minlength=n)
        values[1] = np.bincount(c_doc, weights=np.where(c_signed > 0, 0.0, -c_signed), minlength=n)
        values[2] = np.bincount(c_doc, weights=np.where(promise[counted], c_signed, 0.0), minlength=n)
        return self._terms(batch, matches, polar[counted], c_signed, negated[counted], n)

    def _resolve(self, batch, matches: Matches, polar: np.ndarray) -> np.ndarray:
        """``polar`` (match rows by start token) without the matches that lose an overlap
        (``_resolve_overlaps``), each text's kept matches by start and end token."""
        first, last, doc = matches.first[polar], matches.last[polar], matches.doc[polar]
        overlap = (doc[1:] == doc[:-1]) & (last[:-1] > first[1:])
        if not overlap.any():  # in order and disjoint (most texts): nothing to resolve
            return polar
        texts = matches.terms(self.matcher.entries)
        bounds = np.searchsorted(doc, np.arange(int(doc[-1]) + 2)).tolist()
        rank = np.arange(len(polar), dtype=np.float64)
        for d in np.unique(doc[1:][overlap]).tolist():
            lo, hi = bounds[d], bounds[d + 1]
            rows = [(int(first[i]), int(last[i]), texts[polar[i]], i) for i in range(lo, hi)]
            resolved = _resolve_overlaps(rows)
            rank[lo:hi] = np.inf
            rank[[r[3] for r in resolved]] = np.arange(lo, lo + len(resolved))
        keep = np.isfinite(rank)
        return polar[keep][np.argsort(rank[keep], kind="stable")]

    def _terms(self, batch, matches: Matches, polar: np.ndarray, signed: np.ndarray, negated: np.ndarray,
               n: int) -> list:
        """Per text: ((term, signed weight rounded to 4 places, character offset in the text, negated), …).
        A token match starts at its first token's offset, or inside it when the term lies inside that token
        (利润 in 净利润): worked out once per (token string, term); a regex match knows its offset."""
        from nlp.explain import round4

        entries = self.matcher.entries
        first, last, entry = matches.first[polar], matches.last[polar], matches.entry[polar]
        rows = polar.tolist()
        texts, offsets = matches.text, matches.offset
        terms = [texts.get(r) or entries[e] for r, e in zip(rows, entry.tolist())] if texts else \
            [entries[e] for e in entry.tolist()]
        inner = np.zeros(len(polar), np.int64)
        single = np.flatnonzero(last - first == 1)
        if len(single):
            head = batch.ids[first[single]]
            codes, where = np.unique(head * len(entries) + entry[single], return_inverse=True)
            strings = batch.vocab.strings
            found = [_inner_offset(strings[c // len(entries)], entries[c % len(entries)]) for c in codes.tolist()]
            inner[single] = np.asarray(found, np.int64)[where]
        at = (batch.start[first] + inner).tolist()
        for k, r in enumerate(rows):
            if r in offsets:  # a regex match knows where it starts
                at[k] = offsets[r]
        found_terms = list(zip(terms, round4(signed).tolist(), at, negated.tolist()))
        out: list = [()] * n
        docs = matches.doc[polar]
        bounds = np.searchsorted(docs, np.arange(n + 1)).tolist()
        for d in np.unique(docs).tolist():
            out[d] = tuple(found_terms[bounds[d]:bounds[d + 1]])
        return out


def _inner_offset(token: str, term: str) -> int:
    """Where ``term`` starts inside a token it was found in (0 when the token starts it)."""
    return 0 if token.startswith(term[:len(token)]) else max(token.find(term), 0)


(_POS, _NEG, _NEGATOR, _DEGREE, _HEDGE, _BOILERPLATE, _COURTESY, _ASPIRATION, _NEUTRAL, _PREFIX,
 _DISMISSAL) = range(len(CATEGORIES))


def _inside(batch, matches: Matches, rows: np.ndarray) -> np.ndarray:
    """Per token of the batch: inside one of the matches selected by the boolean ``rows`` (+1 at a
    match's first token, -1 after its last, summed)."""
    depth = np.zeros(len(batch.ids) + 1, dtype=np.int64)
    np.add.at(depth, matches.first[rows], 1)
    np.add.at(depth, matches.last[rows], -1)
    return np.cumsum(depth[:-1]) > 0


def _distinct(values: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each value (of a sorted array: where each run begins)."""
    return np.unique(values, return_index=True)[1]


def _global_ids(local: np.ndarray, doc: np.ndarray, doc_ptr: np.ndarray) -> np.ndarray:
    """Per-text clause or sentence numbers of the batch's tokens made unique across the batch (a text's
    numbers start after the previous text's last)."""
    ends = doc_ptr[1:]
    has_tokens = ends > doc_ptr[:-1]
    count = np.zeros(len(ends), dtype=np.int64)
    count[has_tokens] = local[ends[has_tokens] - 1] + 1
    offset = np.concatenate([[0], np.cumsum(count)[:-1]])
    return local + offset[doc]


def _clause_end(batch, tokens: np.ndarray) -> np.ndarray:
    """Per token index of ``tokens``: the index of the first clause break at or after it in its text (a
    large number if none)."""
    breaks = np.append(np.flatnonzero(batch.is_clause_break), len(batch.ids))  # with a sentinel past the end
    following = breaks[np.searchsorted(breaks, tokens)]
    return np.where(following < batch.doc_ptr[batch.doc[tokens] + 1], following, 1 << 30)


def _dismissed(dismissals: np.ndarray, first: np.ndarray, clause_ids: np.ndarray, sentence_ids: np.ndarray,
               p_first: np.ndarray) -> np.ndarray:
    """Per polar term: a dismissal (影响不大, 不会对…产生重大影响; rows of ``first``, by start token) starts
    after it in its sentence, in its clause or the next one: what it says is said not to matter."""
    if not len(dismissals):
        return np.zeros(len(p_first), dtype=bool)
    d_first = first[dismissals]
    at = np.searchsorted(d_first, p_first, side="right")
    found = at < len(d_first)
    d_next = d_first[np.minimum(at, len(d_first) - 1)]
    return (found & (sentence_ids[d_next] == sentence_ids[p_first])
            & (clause_ids[d_next] - clause_ids[p_first] <= 1))


def _before(modifiers: np.ndarray, first: np.ndarray, last: np.ndarray, clause_ids: np.ndarray,
            p_first: np.ndarray, p_clause: np.ndarray, width: int):
    """For modifier matches (rows of ``first``/``last``) that end at most ``width - 1`` tokens before a
    polar term, in its clause, and do not start where it starts: yields (mask over the polar terms, the
    modifier row for each), one modifier per polar term at a time."""
    if not len(modifiers):
        return
    ends = last[modifiers]
    order = np.argsort(ends, kind="stable")
    modifiers, ends = modifiers[order], ends[order]
    lo = np.searchsorted(ends, p_first - width + 1, side="left")
    hi = np.searchsorted(ends, p_first, side="right")
    for k in range(int((hi - lo).max(initial=0))):
        row = modifiers[np.minimum(lo + k, len(modifiers) - 1)]
        yield (lo + k < hi) & (first[row] != p_first) & (clause_ids[first[row]] == p_clause), row


def _resolve_overlaps(polar: list) -> list:
    """Where polar matches overlap (降低 inside 降低成本, a regex over a word) the longest wins;
    several words found inside one glued token (稳步 and 增长 in 稳步增长) all count."""
    if all(polar[i - 1][1] <= polar[i][0] for i in range(1, len(polar))):
        return polar  # in order and disjoint (most answers): nothing to resolve, already sorted
    polar = sorted(polar, key=lambda p: (-(p[1] - p[0]), -len(p[2]), p[0]))
    kept: list = []
    for p in polar:
        clash = [q for q in kept if q[0] < p[1] and p[0] < q[1]]
        one_token = p[1] - p[0] == 1
        if clash and not (one_token and all(q[1] - q[0] == 1 and p[2] not in q[2] for q in clash)):
            continue
        kept.append(p)
    return sorted(kept, key=lambda p: (p[0], p[1]))
