"""Theme evidence features of a batch of answers (with their questions).

For every answer and theme, a small vector of *theme-agnostic* features (``FEATURE_NAMES``): how many
core and related terms of the theme the answer holds, in how many of its sentences, whether the
question asks about the theme, how much of the answer is boilerplate deflection, how long it is.
Because the features do not depend on which theme they describe, a user's own theme is scored with
the same learned weights. Rows are answer by answer, themes in the themes' order. Answers with no
term of any theme (most) get their rows from arrays; Python runs only for the answers with hits.

Terms that describe another party's activity (运营商的资本开支, 参股公司的IPO) or another subject (GPU of a
mobile SoC) do not count: the themes' scope terms (``Theme.others`` …) decide it per sentence or clause.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from nlp.features.terms import Matches, PhraseMatcher
from nlp.lang import read_json
from nlp.themes import TERM_KINDS, Theme, split_term

_OWN, _OTHERS, _OTHERS_CLAUSE, _CONTEXT, _TOPIC = range(5)  # roles of a scope term (see ``Theme``)

FEATURE_NAMES = (
    "core_weight",  # log1p(summed weight of the distinct core terms in the answer)
    "core_hits",  # log1p(core term occurrences)
    "related_weight",  # log1p(summed weight of the distinct related terms)
    "exclude_weight",  # log1p(summed weight of the exclusion terms found)
    "core_sentence_share",  # share of the answer's sentences with a core term
    "any_sentence_share",  # share with a core or related term
    "question_cue",  # the question names the theme (question or core terms)
    "question_answered",  # question cue, and the answer holds a theme term and is not mere deflection
    "deflection",  # share of the answer's sentences that are boilerplate deflection
    "log_length",  # log answer length in characters
    "listed_share",  # share of core hits that stand in an enumeration (A、B、C等): a passing word in a list
)
_KIND_INDEX = {kind: k for k, kind in enumerate(TERM_KINDS)}


class ThemeEvidence(NamedTuple):
    """What the theme features saw in a batch."""

    X: np.ndarray  # (answers × themes) rows of FEATURE_NAMES
    found: dict  # answer → {theme: (core, related, exclude)}, each a list of (text found, token index, entry)
    cues: list  # per answer: the names of the themes its question names


class ThemeFeatures:
    """``deflection_terms`` (boilerplate such as 请关注公告) mark answers that say nothing of substance."""

    def __init__(self, themes: Sequence[Theme], tokenizer, deflection_terms: Iterable[str] = ()):
        self.themes = tuple(themes)
        self.names = [t.name for t in self.themes]
        entries, self._weights = [], {}
        for t in self.themes:
            for kind in TERM_KINDS:
                for entry in getattr(t, kind):
                    term, weight = split_term(entry)
                    self._weights[(t.name, kind, term)] = weight
                    entries.append((term, (t.name, kind)))
        self.answer_matcher = PhraseMatcher(entries, tokenizer)
        q_entries = [(split_term(w)[0], t.name) for t in self.themes for w in (*t.question, *t.core)]
        self.question_matcher = PhraseMatcher([(w, k) for w, k in q_entries if not w.startswith("re:")], tokenizer)
        self.deflection_matcher = PhraseMatcher([(w, "x") for w in deflection_terms], tokenizer)
        pointers = read_json("themes.json").get("pointer_markers", ())
        self.pointer_matcher = PhraseMatcher([(w, "pointer") for w in pointers], tokenizer) if pointers else None
        self._init_scopes(tokenizer)

    def _init_scopes(self, tokenizer) -> None:
        """The matcher of the themes' scope terms: one key per theme for its own/others terms (so that the
        longer of 参股公司 and 公司 wins), one for its context terms; each (key, entry) has a role."""
        entries, roles = [], {}
        for t in self.themes:
            for kind, role, key in (("own", _OWN, (t.name, "owner")), ("others", _OTHERS, (t.name, "owner")),
                                    ("others_clause", _OTHERS_CLAUSE, (t.name, "owner")),
                                    ("context_exclude", _CONTEXT, (t.name, "context"))):
                for entry in getattr(t, kind):
                    term = split_term(entry)[0]
                    entries.append((term, key))
                    roles[(key, term)] = role
            if t.others:  # 关于明年的资本开支，运营商…: a topic clause's terms are the next clause's subject's
                for term in read_json("themes.json").get("topic_markers", ()):
                    entries.append((term, (t.name, "owner")))
                    roles.setdefault(((t.name, "owner"), term), _TOPIC)
        self.scope_matcher = PhraseMatcher(entries, tokenizer) if entries else None
        keys, matched = self.answer_matcher.keys, self.answer_matcher.entries
        self._key_theme = np.array([self.names.index(name) for name, _ in keys], np.int64)
        self._key_is_term = np.array([kind != "exclude" for _, kind in keys], bool)
        self._key_kind = np.array([TERM_KINDS.index(kind) for _, kind in keys], np.int64)
        self._cancel_entries = {}
        for t in self.themes:
            cancels = {split_term(c)[0] for c in t.context_cancels}
            self._cancel_entries[t.name] = [e for e, term in enumerate(matched) if term in cancels]
        if self.scope_matcher is None:
            return
        m = self.scope_matcher
        key_id = {key: k for k, key in enumerate(m.keys)}
        entry_id = {entry: e for e, entry in enumerate(m.entries)}
        self._scope_role = np.full((len(m.keys), len(m.entries)), -1, np.int64)
        for (key, term), role in roles.items():
            if key in key_id and term in entry_id:  # a term given two roles: the others one wins
                k, e = key_id[key], entry_id[term]
                self._scope_role[k, e] = max(self._scope_role[k, e], role)
        self._scope_theme = np.array([self.names.index(name) for name, _ in m.keys], np.int64)

    def question_cues(self, questions) -> list[set[str]]:
        """Per question of a batch: the themes it names."""
        matches = self.question_matcher.match(questions)
        cues: list[set[str]] = [set() for _ in range(len(questions))]
        keys = self.question_matcher.keys
        for d, k in zip(matches.doc.tolist(), matches.key.tolist()):
            cues[d].add(keys[k])
        return cues

    def transform(self, answers, cues: Sequence[set[str]]) -> ThemeEvidence:
        """``answers``: a ``TokenBatch``; ``cues``: per answer the themes its question names."""
        n, k = len(answers), len(self.themes)
        deflection = self._deflection(answers)
        log_length = np.log1p(answers.text_length)
        X = np.zeros((n, k, len(FEATURE_NAMES)))
        X[:, :, 8] = deflection[:, None]
        X[:, :, 9] = log_length[:, None]
        column = {name: j for j, name in enumerate(self.names)}
        for d, names in enumerate(cues):
            for name in names:
                if name in column:
                    X[d, column[name], 6] = 1.0
        matches = self.answer_matcher.match(answers)
        keep = self._scopes(answers, matches)
        found = self._found(matches, keep)
        self._evidence_rows(answers, matches, np.flatnonzero(keep), X, deflection)
        return ThemeEvidence(X.reshape(n * k, len(FEATURE_NAMES)), found, [set(c) for c in cues])

    def _evidence_rows(self, answers, matches: Matches, rows: np.ndarray, X: np.ndarray, deflection: np.ndarray) -> None:
        """Fill the term features of ``X`` (answers × themes × FEATURE_NAMES; cues, deflection and length
        already set) from the counted matches ``rows``, array-at-a-time over (answer, theme) cells."""
        if not len(rows):
            return
        n, k = X.shape[0], X.shape[1]
        cells = n * k
        key, entry, token = matches.key[rows], matches.entry[rows], matches.first[rows]
        cell = matches.doc[rows] * k + self._key_theme[key]
        kind = self._key_kind[key]
        weight = self._entry_weights()[key, entry]
        core, related, exclude = kind == 0, kind == 1, kind == 2
        n_entries = len(self.answer_matcher.entries)

        def distinct_weight(mask):  # each distinct term of a cell once, with its weight
            c, e, w = cell[mask], entry[mask], weight[mask]
            first = np.unique(c * n_entries + e, return_index=True)[1]
            return np.bincount(c[first], weights=w[first], minlength=cells)

        sentence = answers.sentence[token]
        width = int(sentence.max()) + 1

        def distinct_sentences(mask):
            return np.bincount(np.unique(cell[mask] * width + sentence[mask]) // width, minlength=cells)

        core_hits = np.bincount(cell[core], minlength=cells)
        n_sent = np.repeat(answers.n_sentences, k)
        any_sents = distinct_sentences(core | related)
        cue = X[:, :, 6].reshape(cells) > 0
        flat = X.reshape(cells, X.shape[2])
        flat[:, 0] = np.log1p(distinct_weight(core))
        flat[:, 1] = np.log1p(core_hits)
        flat[:, 2] = np.log1p(distinct_weight(related))
        flat[:, 3] = np.log1p(np.bincount(cell[exclude], weights=weight[exclude], minlength=cells))
        flat[:, 4] = distinct_sentences(core) / n_sent
        flat[:, 5] = any_sents / n_sent
        flat[:, 7] = cue & (any_sents > 0) & (np.repeat(deflection, k) < 0.5)
        flat[:, 10] = self._listed_share(answers, cell, token, core, core | related, core_hits)

    def _listed_share(self, answers, cell, token, core, theme_term, core_hits) -> np.ndarray:
        """Per (answer, theme) cell: the share of its core hits that are a passing item in an enumeration
        of other things — a 、 within two tokens on either side, or 等 right after — unless a neighbouring
        item (two tokens either side) is a term of the same theme and every item of the enumeration holds
        one (非公开发行股票、发行债券等融资渠道: the theme's own subject; 大数据、云计算、区块链、人工智能等科技:
        a list of buzzwords, 区块链 not the theme's)."""
        cells = len(core_hits)
        ids, doc_ptr = answers.ids, answers.doc_ptr
        vocab = answers.vocab
        comma = vocab.attribute("enumeration_comma", lambda strings: [t == "、" for t in strings], bool)[ids]
        etc = vocab.attribute("enumeration_etc", lambda strings: [t == "等" for t in strings], bool)[ids]
        at, at_cell = token[core], cell[core]
        d = answers.doc[at]
        lo, hi = doc_ptr[d], doc_ptr[d + 1]
        listed = np.zeros(len(at), bool)
        span = len(ids) + 4
        codes = cell[theme_term] * span + token[theme_term] + 2
        beside_term = np.zeros(len(at), bool)
        for offset in (-2, -1, 1, 2):
            near = at + offset
            inside = (near >= lo) & (near < hi)
            listed |= inside & comma[np.clip(near, 0, len(ids) - 1)]
            beside_term |= np.isin(at_cell * span + near + 2, codes)
        after = at + 1
        listed |= (after < hi) & etc[np.minimum(after, len(ids) - 1)]
        own_list = beside_term & self._every_item_holds_a_term(answers, comma, cell[theme_term], token[theme_term],
                                                               at_cell, at)
        counted = np.bincount(at_cell, weights=listed & ~own_list, minlength=cells)
        return np.divide(counted, core_hits, out=np.zeros(cells), where=core_hits > 0)

    @staticmethod
    def _every_item_holds_a_term(answers, comma, term_cell, term_token, at_cell, at) -> np.ndarray:
        """Per hit ``at`` (of cell ``at_cell``): whether every item of the enumeration it stands in (clauses
        joined by 、) holds a term of the same cell (``term_cell``, ``term_token``)."""
        item, group = _enumeration_items(answers, comma)
        n_items = np.bincount(group)  # items per enumeration group
        width = int(item.max()) + 1
        pairs = np.unique(term_cell * width + item[term_token])  # (cell, item) with a term
        pair_cell, pair_item = pairs // width, pairs % width
        # items per (cell, group) with a term, looked up by the hit's (cell, group)
        groups = len(n_items)
        with_term = np.unique(pair_cell * groups + group[pair_item], return_counts=True)
        at_group = group[item[at]]
        code = at_cell * groups + at_group
        where = np.searchsorted(with_term[0], code)
        found = (where < len(with_term[0])) & (with_term[0][np.minimum(where, len(with_term[0]) - 1)] == code)
        counts = np.where(found, with_term[1][np.minimum(where, len(with_term[0]) - 1)], 0)
        return counts >= n_items[at_group]

    def _entry_weights(self) -> np.ndarray:
        """(matcher key × entry): a term's weight in its theme and kind (1 unless written ``term|w``)."""
        if getattr(self, "_entry_weight_table", None) is None:
            keys, entries = self.answer_matcher.keys, self.answer_matcher.entries
            self._entry_weight_table = np.array([[self._weights.get((name, kind, e), 1.0) for e in entries]
                                                 for name, kind in keys])
        return self._entry_weight_table

    def _found(self, matches: Matches, keep: np.ndarray) -> dict:
        """Per answer and theme the (core, related, exclude) hits of the matches ``keep`` marks."""
        found: dict = {}
        keys, entries = self.answer_matcher.keys, self.answer_matcher.entries
        rows = np.flatnonzero(keep).tolist()
        terms = matches.terms(entries)
        for r, d, k, first, e in zip(rows, matches.doc[rows].tolist(), matches.key[rows].tolist(),
                                     matches.first[rows].tolist(), matches.entry[rows].tolist()):
            name, kind = keys[k]
            term, entry = terms[r], entries[e]
            lists = found.setdefault(d, {}).get(name)
            if lists is None:
                lists = found[d][name] = ([], [], [])
            lists[_KIND_INDEX[kind]].append((term, first, entry))
        return found

    def _scopes(self, answers, matches: Matches) -> np.ndarray:
        """Mask of the theme matches that count (see ``Theme``). A core or related term is another
        party's when the nearest own/others term before it is an ``others`` term in the same sentence
        (运营商的资本开支) or an ``others_clause`` term in the same clause (行业新增产能); a theme's
        ``context_cancels`` term does not count in an answer holding one of its ``context_exclude``
        terms. Array-at-a-time over the batch's matches: one pass per theme, none per answer."""
        keep = ~self._pointed(answers, matches)
        if self.scope_matcher is None or not len(matches):
            return keep
        scope = self.scope_matcher.match(answers)
        if not len(scope):
            return keep
        role = self._scope_role[scope.key, scope.entry]
        theme_of = self._scope_theme[scope.key]
        match_theme, is_term = self._key_theme[matches.key], self._key_is_term[matches.key]
        for j, name in enumerate(self.names):
            rows = np.flatnonzero(is_term & (match_theme == j))
            if not len(rows):
                continue
            owners = np.flatnonzero((theme_of == j) & (role != _CONTEXT))
            owners = owners[_not_inside_another(scope, role[owners] == _OWN, owners)]
            if len(owners) and np.isin(role[owners], (_OTHERS, _OTHERS_CLAUSE)).any():
                order = np.lexsort((role[owners], scope.first[owners]))  # at one token: others after own
                owners = owners[order]
                at = np.searchsorted(scope.first[owners], matches.first[rows], side="right") - 1
                owner = owners[np.maximum(at, 0)]
                first, term_first = scope.first[owner], matches.first[rows]
                same_sentence = ((answers.doc[first] == answers.doc[term_first])
                                 & (answers.sentence[first] == answers.sentence[term_first]))
                same_clause = same_sentence & (answers.clause[first] == answers.clause[term_first])
                others = (at >= 0) & (((role[owner] == _OTHERS) & same_sentence)
                                      | ((role[owner] == _OTHERS_CLAUSE) & same_clause))
                # in a topic clause (关于明年的资本开支，运营商…) the next owner of the sentence decides
                topic = (at >= 0) & (role[owner] == _TOPIC) & same_clause
                nxt = owners[np.minimum(at + 1, len(owners) - 1)]
                ahead = (topic & (at + 1 < len(owners)) & (role[nxt] == _OTHERS)
                         & (answers.doc[scope.first[nxt]] == answers.doc[term_first])
                         & (answers.sentence[scope.first[nxt]] == answers.sentence[term_first]))
                keep[rows[others | ahead]] = False
            cancels = self._cancel_entries[name]
            context = np.flatnonzero((theme_of == j) & (role == _CONTEXT))
            if cancels and len(context):
                void = np.isin(matches.doc[rows], scope.doc[context]) & np.isin(matches.entry[rows], cancels)
                keep[rows[void]] = False
        return keep

    def _pointed(self, answers, matches: Matches) -> np.ndarray:
        """Mask of the theme matches in a clause that points to a document instead of answering (募投项目进展
        请参见《…专项报告》, 在建项目详见年报): clauses joined by 、 count as one, and a pointer's match may run
        on over the title it points to."""
        pointed = np.zeros(len(matches), bool)
        if self.pointer_matcher is None or not len(matches):
            return pointed
        pointers = self.pointer_matcher.match(answers)
        if not len(pointers):
            return pointed
        n = len(answers.ids)
        hard = answers.is_clause_break & (answers.vocab.attribute("enumeration_comma", lambda s: [t == "、" for t in s],
                                                                  bool)[answers.ids] == 0)
        opens = np.zeros(n, bool)
        opens[1:] = hard[:-1]  # a break token belongs to the clause it ends
        opens[answers.doc_ptr[:-1][np.diff(answers.doc_ptr) > 0]] = True
        group = np.cumsum(opens)  # clause number across the batch (、 does not end one)
        depth = np.zeros(int(group[-1]) + 2, np.int64)
        np.add.at(depth, group[pointers.first], 1)
        np.add.at(depth, group[pointers.last - 1] + 1, -1)
        return (np.cumsum(depth) > 0)[group[matches.first]]

    def _deflection(self, answers) -> np.ndarray:
        """Per answer: the share of its sentences with a deflection term."""
        matches = self.deflection_matcher.match(answers)
        out = np.zeros(len(answers))
        if len(matches):
            docs = matches.doc
            sentences = answers.sentence[matches.first]
            pairs = np.unique(np.stack([docs, sentences]), axis=1)
            out = np.bincount(pairs[0], minlength=len(answers)) / answers.n_sentences
        return out

    def entry_keys(self, lists: tuple) -> tuple[str, ...]:
        """Keys of the term entries one theme matched in an answer: "c|entry", "r|entry", "x|entry"."""
        return tuple(sorted({f"{kind[0]}|{e}" for kind, hits in zip(TERM_KINDS, lists) for _, _, e in hits}))


def _not_inside_another(scope: Matches, own: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """Mask of the scope matches ``owners`` that do not lie inside a longer match of the other side (own
    against others): 公司 inside a regex match 客户公司…, 客户 inside an own phrase such as 满足客户. The token matcher's
    longest match settles this among token terms, not for a regex's match."""
    mask = np.ones(len(owners), bool)
    first, last = scope.first[owners], scope.last[owners]
    for side in (own, ~own):
        other = np.flatnonzero(~side)
        if not len(other) or not side.any():
            continue
        other = other[np.argsort(first[other], kind="stable")]
        mine = np.flatnonzero(side)
        at = np.searchsorted(first[other], first[mine], side="right") - 1
        cover = other[np.maximum(at, 0)]
        inside = (at >= 0) & (last[cover] >= last[mine]) & (last[cover] - first[cover] > last[mine] - first[mine])
        mask[mine[inside]] = False
    return mask


def _enumeration_items(answers, comma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per token of a batch its item (clause number across the batch, 、 ending one), and per item its
    enumeration group (clauses joined by 、 count as one)."""
    n = len(answers.ids)
    starts = answers.doc_ptr[:-1][np.diff(answers.doc_ptr) > 0]
    opens_item = np.zeros(n, bool)
    opens_item[1:] = answers.is_clause_break[:-1]  # a break token belongs to the clause it ends
    opens_item[starts] = True
    opens_group = np.zeros(n, bool)
    opens_group[1:] = answers.is_clause_break[:-1] & ~comma[:-1]
    opens_group[starts] = True
    item = np.cumsum(opens_item) - 1
    group_of_token = np.cumsum(opens_group) - 1
    group = np.zeros(int(item[-1]) + 1 if n else 0, np.int64)
    group[item] = group_of_token
    return item, group
