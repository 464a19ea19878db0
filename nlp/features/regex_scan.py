"""Regular-expression terms (``re:PATTERN``) over a batch of texts.

Python's ``re`` engine is most of the cost of these terms, so it runs as few times as it can:

* ``RegexPrefilter``: which regexes may match which texts, from one scan of the batch for their
  ``required_strings`` (needles) shared by every matcher of the process (``_NeedleScan``);
* ``scan``: each regex runs once over all its candidate texts joined by ``SEPARATOR``, a character no
  rewritten pattern can match or look across (``separated``), instead of once per text; the matches
  are those of ``finditer`` on each text alone;
* ``finder``: a regex that opens with lookbehinds is tried only where its first character can stand.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np


class RegexPrefilter:
    """Which of a list of regexes may match a text: those with one of their ``required_strings`` (the
    needles) in it, and those without needles.

    One search of an alternation of all the needles, in C, finds the needles in a text, instead of an
    ``in`` test per needle and regex in Python; most texts hold only one or two of them. Over a batch
    (``pairs`` with a cache) the texts are searched once for the needles of every prefilter of the
    process (``_NeedleScan``): the tone lexicon's, the themes', the scope terms' … regexes share one scan.
    """

    def __init__(self, needles: Sequence[tuple[str, ...] | None]):
        self._always = tuple(k for k, strings in enumerate(needles) if strings is None)
        self._n_regexes = max(len(needles), 1)
        by_needle: dict[str, set[int]] = {}
        for k, strings in enumerate(needles):
            for needle in strings or ():
                by_needle.setdefault(needle, set()).add(k)
        self._by_needle = by_needle
        # Longest first: at each position the search finds the longest needle there, the others there
        # are its prefixes; so a needle found stands for the regexes of its prefixes too.
        ordered = sorted(by_needle, key=lambda n: (-len(n), n))
        self._search = re.compile("|".join(map(re.escape, ordered))).search if ordered else None
        self._regexes_of = {n: {k for p in ordered if n.startswith(p) for k in by_needle[p]} for n in ordered}
        self._incidence_of = None  # (shared scan, CSR of its needles → this prefilter's regexes)
        _SHARED_NEEDLES.add(ordered)

    def pairs(self, texts: Sequence[str], cache: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(text indices, regex indices) of every regex that may match each text, by text then regex.
        ``cache``: a dict that lives as long as ``texts`` (a ``TokenBatch``'s), for the shared scan."""
        always = np.asarray(self._always, np.int64)
        if self._search is None:  # no regex has needles: every text may match every regex
            return np.repeat(np.arange(len(texts)), len(always)), np.tile(always, len(texts))
        search, text_of, needle_of, ordered = _SHARED_NEEDLES.found(texts, {} if cache is None else cache)
        indptr, indices = self._incidence(search, ordered)
        counts = indptr[needle_of + 1] - indptr[needle_of]
        rows = np.repeat(text_of, counts)
        rank = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
        regexes = indices[np.repeat(indptr[needle_of], counts) + rank]
        if len(always):
            rows = np.concatenate([rows, np.repeat(np.arange(len(texts)), len(always))])
            regexes = np.concatenate([regexes, np.tile(always, len(texts))])
        width = self._n_regexes
        codes = np.unique(rows * width + regexes)
        return codes // width, codes % width

    def _incidence(self, search, ordered: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """CSR (shared needle → this prefilter's regexes): a needle found stands for the regexes of this
        prefilter's needles that are its prefixes. Built once per set of shared needles."""
        if self._incidence_of is None or self._incidence_of[0] is not search:
            rows = [sorted({k for p, ks in self._by_needle.items() if needle.startswith(p) for k in ks})
                    for needle in ordered]
            indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
            indices = np.array([k for r in rows for k in r], dtype=np.int64)
            self._incidence_of = (search, indptr, indices)
        return self._incidence_of[1], self._incidence_of[2]

    def candidates(self, text: str) -> Sequence[int]:
        """Indices (ascending) of the regexes that may match ``text``."""
        if self._search is None:
            return self._always
        found = None
        mo = self._search(text)
        while mo is not None:  # from each needle's next character: needles may overlap (产能, 能力)
            if found is None:
                found = set(self._always)
            found |= self._regexes_of[mo.group()]
            mo = self._search(text, mo.start() + 1)
        return self._always if found is None else sorted(found)


class _NeedleScan:
    """The needles of every ``RegexPrefilter`` of the process, and which of them each text of a batch
    holds (longest at each position: a needle found stands for its prefixes, as in one prefilter)."""

    def __init__(self):
        self._needles: set[str] = set()
        self._search = None

    def add(self, needles: Iterable[str]) -> None:
        new = set(needles) - self._needles
        if new:
            self._needles |= new
            self._search = None

    def found(self, texts: Sequence[str], cache: dict) -> tuple:
        """(the scan, text index and needle id of each needle found, the needles by id): the needles at
        each position of each text, longest first, as ``RegexPrefilter.candidates`` finds them."""
        if self._search is None:
            self._ordered = sorted(self._needles, key=lambda n: (-len(n), n))
            self._ids = {n: i for i, n in enumerate(self._ordered)}
            self._search = re.compile("|".join(map(re.escape, self._ordered))).search
        search = self._search
        hit = cache.get("needles")
        if hit is not None and hit[0] is search:  # the scan of these texts with today's needles
            return hit
        ids = self._ids
        text_of, needle_of = [], []
        for d, text in enumerate(texts):
            mo = search(text)
            while mo is not None:
                text_of.append(d), needle_of.append(ids[mo.group()])
                mo = search(text, mo.start() + 1)
        hit = cache["needles"] = (search, np.array(text_of, np.int64), np.array(needle_of, np.int64), self._ordered)
        return hit


_SHARED_NEEDLES = _NeedleScan()


# Bound of the needles of one regex. Needles cost one search for all of a matcher's regexes (however
# many there are), so a regex starting with a choice of several words (建立|设立|建设|新建…) still gets them.
MAX_NEEDLES = 8


def _parse_tree(pattern: re.Pattern):
    """(sre constants, the pattern's parse tree), or None when Python's internal modules changed."""
    try:
        try:
            from re import _constants as sre  # Python >= 3.11
            from re import _parser as parser
        except ImportError:  # Python 3.10
            import sre_constants as sre
            import sre_parse as parser
        return sre, parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # no shortcut, same results
        return None


def finder(pattern: re.Pattern):
    """``pattern.finditer`` as a function of the text; for a pattern that opens with lookbehinds (which
    keep ``re`` from skipping ahead to a possible first character: it tries every position), the same
    matches found by trying the pattern only where one of its possible first characters stands."""
    chars = start_chars(pattern)
    if chars is None:
        return pattern.finditer
    probe = re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]").search
    match = pattern.match

    def find(text: str):
        pos, n = 0, len(text)
        while pos <= n:
            at = probe(text, pos)
            if at is None:
                return
            start = at.start()
            mo = match(text, start)  # lookbehinds see the text before ``start``, as in a search
            if mo is None:
                pos = start + 1
                continue
            yield mo
            pos = mo.end() if mo.end() > start else start + 1

    return find


def start_chars(pattern: re.Pattern) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with, when the pattern opens with lookbehinds
    followed by an item of plain characters (None otherwise: ``re`` finds its first character itself)."""
    parsed = None if pattern.flags & re.IGNORECASE else _parse_tree(pattern)
    if parsed is None:
        return None
    sre, tree = parsed
    items = list(tree)
    lead = 0
    while lead < len(items) and items[lead][0] in (sre.ASSERT, sre.ASSERT_NOT) and items[lead][1][0] < 0:
        lead += 1
    if lead == 0 or lead == len(items):
        return None

    def first(op, av) -> set[str] | None:
        """The characters the item must start by consuming one of (None: it may consume none, or any)."""
        if op is sre.LITERAL:
            return {chr(av)}
        if op is sre.IN and all(o is sre.LITERAL for o, _ in av):
            return {chr(c) for _, c in av}
        if op is sre.SUBPATTERN and not av[1] and not av[2] and len(av[3]):
            return first(*av[3][0])
        if op is sre.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                found = first(*branch[0]) if len(branch) else None
                if found is None:
                    return None
                out |= found
            return out
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] > 0 and len(av[2]):
            return first(*av[2][0])
        return None

    found = first(*items[lead])
    return frozenset(found) if found else None


def required_strings(pattern: re.Pattern) -> tuple[str, ...] | None:
    """A few strings of which every match of ``pattern`` contains one (``%`` or ``％`` for
    ``增长\\d+[%％]``), or None when the pattern has no such short list.

    Finding them (``RegexPrefilter``) costs a fraction of running the regex, and most texts hold none. Read
    from the pattern's parse tree: only parts every match must pass through (no repeats, branches
    of plain text), so the test never skips a text the regex would match.
    """
    parsed = None if pattern.flags & re.IGNORECASE else _parse_tree(pattern)
    if parsed is None:
        return None
    sre, tree = parsed
    items = list(tree)

    def alternatives(seq) -> set[str] | None:
        """All texts a sequence of items can match, if it matches plain text only (few of them)."""
        out = {""}
        for op, av in seq:
            if op is sre.LITERAL:
                options = {chr(av)}
            elif op is sre.IN and all(o is sre.LITERAL for o, _ in av):
                options = {chr(c) for _, c in av}
            elif op is sre.SUBPATTERN and not av[1] and not av[2]:  # a group without inline flags
                options = alternatives(av[3])
            elif op is sre.BRANCH:
                branches = [alternatives(b) for b in av[1]]
                options = None if any(b is None for b in branches) else set().union(*branches)
            else:
                return None
            if options is None or len(out) * len(options) > MAX_NEEDLES * MAX_NEEDLES:
                return None
            out = {a + b for a in out for b in options}
        return out

    # each top-level item a match must pass through, and each run of them (同比 + 增长|增加)
    candidates = []
    for start in range(len(items)):
        for end in range(start + 1, len(items) + 1):
            found = alternatives(items[start:end])
            if found is None:
                break
            candidates.append(found)
    # a text holding 暂无 holds 无: of strings containing one another, the shortest is the test
    candidates = [{a for a in c if not any(b != a and b in a for b in c)} for c in candidates if c and "" not in c]
    candidates = [c for c in candidates if len(c) <= MAX_NEEDLES]
    if not candidates:
        return None
    best = min(candidates, key=lambda c: (len(c), -min(map(len, c))))
    return tuple(sorted(best))



# Joins the texts of a batch for one search per regex. NUL: no cleaned answer holds it, and a batch
# whose texts do hold it is searched text by text.
SEPARATOR = "\x00"
_SEPARATOR_CODE = ord(SEPARATOR)


def separated(pattern: re.Pattern) -> re.Pattern | None:
    """``pattern`` with ``SEPARATOR`` added to every negated character class (``[^，。]`` →
    ``[^，。\\x00]``), when the result can neither match nor look across ``SEPARATOR``; else None.

    Then ``finditer`` over texts joined by ``SEPARATOR`` finds, in each text, exactly what it finds in
    that text alone: a match or a lookaround that would reach past a text's end (or before its start)
    must consume the separator there, which fails as it fails at the end (start) of a lone text; and
    ``\\b``/``\\B`` see the separator as they see a text's edge (not a word character). Anchors (``^``,
    ``$``, ``\\A``, ``\\Z``) and items that can consume the separator (``.``, ``\\D``, ``\\S``,
    ``\\W``, ``[^…]`` that could not be rewritten) make the pattern None.
    """
    source = _add_to_negated_classes(pattern.pattern, "\\x00")
    if source is None:
        return None
    try:
        rewritten = re.compile(source, pattern.flags)
    except re.error:  # e.g. a class ending in '-' turned into a range
        return None
    parsed = _parse_tree(rewritten)
    if parsed is None:
        return None
    sre, tree = parsed
    return rewritten if rewritten.groups == pattern.groups and _keeps_off_separator(sre, tree) else None


def _add_to_negated_classes(source: str, addition: str) -> str | None:
    """The pattern source with ``addition`` before the closing bracket of each ``[^…]``; None when the
    source's classes cannot be told apart by this simple reading (nested brackets)."""
    out, i, n = [], 0, len(source)
    while i < n:
        c = source[i]
        if c == "\\":
            out.append(source[i:i + 2])
            i += 2
            continue
        if c != "[":
            out.append(c)
            i += 1
            continue
        j = i + 1
        negated = j < n and source[j] == "^"
        j += negated
        if j < n and source[j] == "]":  # a ']' first in a class is a member
            j += 1
        while j < n and source[j] != "]":
            if source[j] == "\\":
                j += 1
            elif source[j] == "[":
                return None
            j += 1
        if j >= n:
            return None
        out.append(source[i:j] + (addition if negated else "") + "]")
        i = j + 1
    return "".join(out)


def _keeps_off_separator(sre, items) -> bool:
    """No item of the parse tree can consume ``SEPARATOR``, and no anchor but ``\\b``/``\\B`` is used."""
    for op, av in items:
        if op is sre.LITERAL:
            if av == _SEPARATOR_CODE:
                return False
        elif op in (sre.NOT_LITERAL, sre.ANY):
            if op is sre.ANY or av != _SEPARATOR_CODE:
                return False
        elif op is sre.IN:
            if _class_takes_separator(sre, av):
                return False
        elif op is sre.AT:
            if av not in (sre.AT_BOUNDARY, sre.AT_NON_BOUNDARY):
                return False
        elif op is sre.BRANCH:
            if not all(_keeps_off_separator(sre, branch) for branch in av[1]):
                return False
        elif op is sre.SUBPATTERN:
            if not _keeps_off_separator(sre, av[3]):
                return False
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            if not _keeps_off_separator(sre, av[2]):
                return False
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            if not _keeps_off_separator(sre, av[1]):
                return False
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            if not _keeps_off_separator(sre, av):
                return False
        elif op is sre.GROUPREF:  # repeats what a group matched, which keeps off it
            continue
        elif op is sre.GROUPREF_EXISTS:
            if not all(_keeps_off_separator(sre, branch) for branch in av[1:] if branch is not None):
                return False
        else:  # an item this reading does not know: not shown safe
            return False
    return True


def _class_takes_separator(sre, members) -> bool:
    negated = False
    takes = False
    for op, av in members:
        if op is sre.NEGATE:
            negated = True
        elif op is sre.LITERAL:
            takes |= av == _SEPARATOR_CODE
        elif op is sre.RANGE:
            takes |= av[0] <= _SEPARATOR_CODE <= av[1]
        elif op is sre.CATEGORY:  # NUL is no digit, space or word character: only the negations take it
            takes |= "NOT" in str(av)
        else:
            return True
    return takes != negated


class RegexScan:
    """The ``re:`` terms of one matcher, searched over a batch of texts.

    Each regex runs once over its candidate texts (``RegexPrefilter``) joined by ``SEPARATOR``, when
    ``separated`` shows that equal to running it on each text; the others run text by text."""

    def __init__(self, patterns: Sequence[re.Pattern]):
        self.patterns = tuple(patterns)
        self.prefilter = RegexPrefilter([required_strings(rx) for rx in self.patterns])
        self._finders = [finder(rx) for rx in self.patterns]
        joined = [separated(rx) for rx in self.patterns]
        self._joined_finders = [None if rx is None else finder(rx) for rx in joined]

    def hits(self, texts: Sequence[str], cache: dict | None = None):
        """Every non-empty match of every regex in every text, as (text, regex, start, end) arrays and
        the matched strings, ordered by text, regex, then start: what ``finditer`` of each regex finds
        in each text alone. ``cache``: a dict that lives as long as ``texts`` (a ``TokenBatch``'s)."""
        cache = {} if cache is None else cache
        d_, k_ = self.prefilter.pairs(texts, cache)
        lengths = cache.get("text_lengths")
        if lengths is None:
            lengths = cache["text_lengths"] = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
            cache["joinable"] = not any(SEPARATOR in t for t in texts)
        joinable = cache["joinable"]
        found_d, found_k, found_start, found_end, matched = [], [], [], [], []
        # pairs come by text, then regex: a stable sort by regex keeps the texts in order within one
        order = np.argsort(k_, kind="stable")
        k_sorted, d_sorted = k_[order], d_[order]
        bounds = np.flatnonzero(np.diff(k_sorted)) + 1
        for ks, ds in zip(np.split(k_sorted, bounds), np.split(d_sorted, bounds)):
            if not len(ks):
                continue
            k = int(ks[0])
            find = self._joined_finders[k] if joinable else None
            if find is None:
                for d in ds.tolist():
                    for mo in self._finders[k](texts[d]):
                        if mo.end() > mo.start():
                            found_d.append(d), found_k.append(k), found_start.append(mo.start())
                            found_end.append(mo.end()), matched.append(mo.group(0))
                continue
            if len(ds) == len(texts):  # every text: one join of the batch, made once
                whole = cache.get("joined")
                if whole is None:
                    whole = cache["joined"] = (SEPARATOR.join(texts), np.concatenate([[0], np.cumsum(lengths + 1)]))
                text, offsets = whole
            else:
                text, offsets = SEPARATOR.join([texts[d] for d in ds.tolist()]), None
            n_before = len(found_start)
            for mo in find(text):
                if mo.end() > mo.start():
                    found_start.append(mo.start()), found_end.append(mo.end()), matched.append(mo.group(0))
            n_new = len(found_start) - n_before
            if n_new:
                # which of the joined texts each match lies in, and its offsets there
                if offsets is None:
                    offsets = np.concatenate([[0], np.cumsum(lengths[ds] + 1)])
                starts = np.array(found_start[n_before:], dtype=np.int64)
                part = np.searchsorted(offsets, starts, side="right") - 1
                shift = offsets[part]
                found_start[n_before:] = (starts - shift).tolist()
                found_end[n_before:] = (np.array(found_end[n_before:], dtype=np.int64) - shift).tolist()
                found_d.extend(ds[part].tolist())
                found_k.extend([k] * n_new)
        d_out = np.array(found_d, dtype=np.int64)
        k_out = np.array(found_k, dtype=np.int64)
        start = np.array(found_start, dtype=np.int64)
        end = np.array(found_end, dtype=np.int64)
        order = np.lexsort((start, k_out, d_out))
        return d_out[order], k_out[order], start[order], end[order], [matched[i] for i in order.tolist()]
