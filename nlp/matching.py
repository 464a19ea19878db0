"""Find multi-token terms in a token sequence.

Lexicon and theme terms are tokenized with the same tokenizer as the text, then matched as token
sequences (longest match first). Matching on token boundaries keeps '芯片' from firing inside an
unrelated longer word and makes '请关注' match even though jieba splits it into 请 / 关注.
A term written ``re:PATTERN`` is a regular expression matched on the joined text instead, for
phrases with a gap (``re:扩大[^，。]{0,8}产能``) or numbers (``re:增长\\d+(\\.\\d+)?%``); its match is
reported on the tokens it overlaps.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence


@dataclass(frozen=True)
class Match:
    term: str  # the term as written (for a regex: the matched text)
    key: Hashable  # what the caller attached to the term (category, theme, ...)
    first: int  # index of the first token
    last: int  # index one past the last token
    entry: str = ""  # the entry that matched, as written ("re:..." for a regex)


class TermMatcher:
    """Longest-match lookup of token sequences (and regexes).

    ``entries`` are (term, key) pairs; a term may carry several keys (it is then reported once per key).
    """

    # Bound of the per-instance token memo below: a long batch must not grow it without limit.
    MEMO_TOKENS = 200_000

    def __init__(self, entries: Iterable[tuple[str, Hashable]], tokenizer, inside_tokens: bool = False):
        # inside_tokens: also find one-token terms inside longer tokens (稳步 in 稳步增长). Right for
        # tone words, which jieba often glues to their neighbours; wrong for theme terms, where a
        # term inside an unrelated word (芯片 in 核酸芯片) is exactly what must not match.
        self.inside_tokens = inside_tokens
        self._single: dict[str, list[tuple[str, Hashable]]] = {}
        self._by_first: dict[str, list[tuple[tuple[str, ...], int, str, Hashable]]] = {}
        self._regexes: list[tuple[re.Pattern, Hashable, str]] = []
        seen = set()
        for term, key in entries:
            if (term, key) in seen or not term:
                continue
            seen.add((term, key))
            if term.startswith("re:"):
                self._regexes.append((re.compile(term[3:]), key, term))
                continue
            toks = tuple(t for t in tokenizer.cut(term) if t.strip())
            if not toks:
                continue
            seq = tuple(_fold(t) for t in toks)
            self._by_first.setdefault(seq[0], []).append((seq, len(seq), term, key))
            if len(toks) == 1 and len(toks[0]) >= 2:
                self._single.setdefault(_fold(toks[0]), []).append((term, key))
        self._max_single = max((len(w) for w in self._single), default=0)
        for cands in self._by_first.values():
            cands.sort(key=lambda c: -c[1])  # longest first
        self._firsts = frozenset(self._by_first)
        self._prefilter = RegexPrefilter([required_strings(rx) for rx, _, _ in self._regexes])
        # Inside matching: tokens known to hold terms (token -> terms found inside it) and tokens
        # known to hold none. Both are pure functions of the token, and tokens repeat a lot.
        self._inside_memo: dict[str, tuple[tuple[str, Hashable], ...]] = {}
        self._looked_at: set[str] = set()
        self._worth_a_look: set[str] = set(self._firsts)

    def find(self, tokens: Sequence[str]) -> list[Match]:
        """All matches, non-overlapping per key, scanning left to right, longest first; then regexes."""
        return [Match(*m) for m in self.scan(tokens)]

    def scan(self, tokens: Sequence[str], folded: Sequence[str] | None = None) -> list[tuple]:
        """``find`` as plain tuples ``(term, key, first, last, entry)``, in the same order: the hot
        path builds no Match objects. ``folded``: ``fold_tokens(tokens)`` if the caller has it."""
        if folded is None:
            folded = fold_tokens(tokens)
        present = self.present(set(folded))
        # Only tokens that start a term (or, for inside matching, tokens known to hold a term) need a
        # look; finding them with a set intersection keeps the per-token Python work to a list
        # comprehension.
        positions = [i for i, t in enumerate(folded) if t in present] if present else []
        return self.scan_at(tokens, folded, positions)

    def present(self, distinct: set[str]) -> set[str]:
        """The folded tokens among ``distinct`` (a text's folded tokens) that ``scan_at`` must visit."""
        if self.inside_tokens:
            if not self._looked_at.issuperset(distinct):
                self._look_inside(distinct.difference(self._looked_at), distinct)
            return self._worth_a_look.intersection(distinct)
        return self._firsts.intersection(distinct)

    def visits(self, token: str) -> bool:
        """Whether ``scan_at`` must visit this folded token: it starts a term, or (inside matching)
        holds one."""
        if token in self._firsts:
            return True
        if not self.inside_tokens or len(token) < 3:
            return False
        terms = self._inside_memo.get(token)
        if terms is None:
            terms = self._inside_terms(token)
            if terms and len(self._inside_memo) < self.MEMO_TOKENS:
                self._inside_memo[token] = terms
        return bool(terms)

    def scan_at(self, tokens: Sequence[str], folded: Sequence[str], positions: Iterable[int],
                text: str | None = None) -> list[tuple]:
        """``scan`` given the positions (ascending) of the tokens in ``present`` (``text``: the
        tokens joined, if the caller has it)."""
        out: list[tuple] = []
        n = len(folded)
        by_first = self._by_first
        blocked: dict[Hashable, int] = {}  # key -> first token index free again
        inside = self._inside_memo
        for i in positions:
            tok = folded[i]
            cands = by_first.get(tok)
            if not cands:
                terms = inside.get(tok)
                if terms is None:  # forgotten (the memo is bounded) or never seen by ``present``
                    terms = self._inside_terms(tok)
                out.extend([(term, key, i, i + 1, term) for term, key in terms])
                continue
            for seq, k, term, key in cands:
                if blocked.get(key, 0) > i:
                    continue
                if i + k <= n and (k == 1 or tuple(folded[i : i + k]) == seq):
                    out.append((term, key, i, i + k, term))
                    blocked[key] = i + k
        if self._regexes and tokens:
            if text is None:
                text = "".join(tokens)
            starts = None  # token start offsets, computed only once a regex matches (rarely)
            regexes = self._regexes
            for k in self._prefilter.candidates(text):  # most texts hold few of the strings every match contains
                rx, key, entry = regexes[k]
                for mo in rx.finditer(text):
                    if mo.end() == mo.start():
                        continue
                    if starts is None:
                        starts = list(itertools.accumulate(map(len, tokens), initial=0))[:-1]
                    first = bisect.bisect_right(starts, mo.start()) - 1
                    last = bisect.bisect_left(starts, mo.end())
                    out.append((mo.group(0), key, first, max(last, first + 1), entry))
        return out

    def _look_inside(self, tokens: set[str], text_tokens: set[str]) -> None:
        """Remember which of ``tokens`` (new ones of ``text_tokens``) hold one-token terms inside them."""
        if len(self._looked_at) + len(tokens) > self.MEMO_TOKENS:  # bounded: start over (with the whole text)
            self._inside_memo.clear()
            self._looked_at.clear()
            self._worth_a_look = set(self._firsts)
            tokens = text_tokens
        for tok in tokens:
            # a token that starts a term is matched as a term, never looked inside (see scan)
            if len(tok) >= 3 and tok not in self._firsts:
                terms = self._inside_terms(tok)
                if terms:
                    self._inside_memo[tok] = terms
                    self._worth_a_look.add(tok)
        self._looked_at.update(tokens)

    def _inside_terms(self, tok: str) -> tuple[tuple[str, Hashable], ...]:
        found, j = [], 0
        while j < len(tok) - 1:
            for k in range(min(self._max_single, len(tok) - j), 1, -1):
                if k == len(tok):
                    continue
                hits = self._single.get(tok[j : j + k])
                if hits:
                    found.extend(hits)
                    j += k - 1
                    break
            j += 1
        return tuple(found)


class RegexPrefilter:
    """Which of a list of regexes may match a text: those with one of their ``required_strings`` (the
    needles) in it, and those without needles.

    One search of an alternation of all the needles, in C, finds the needles in a text, instead of an
    ``in`` test per needle and regex in Python; most texts hold only one or two of them.
    """

    def __init__(self, needles: Sequence[tuple[str, ...] | None]):
        self._always = tuple(k for k, strings in enumerate(needles) if strings is None)
        by_needle: dict[str, set[int]] = {}
        for k, strings in enumerate(needles):
            for needle in strings or ():
                by_needle.setdefault(needle, set()).add(k)
        # Longest first: at each position the search finds the longest needle there, the others there
        # are its prefixes; so a needle found stands for the regexes of its prefixes too.
        ordered = sorted(by_needle, key=lambda n: (-len(n), n))
        self._search = re.compile("|".join(map(re.escape, ordered))).search if ordered else None
        self._regexes_of = {n: {k for p in ordered if n.startswith(p) for k in by_needle[p]} for n in ordered}

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


# Bound of the needles of one regex. Needles cost one search for all of a matcher's regexes (however
# many there are), so a regex starting with a choice of several words (建立|设立|建设|新建…) still gets them.
MAX_NEEDLES = 8


def required_strings(pattern: re.Pattern) -> tuple[str, ...] | None:
    """A few strings of which every match of ``pattern`` contains one (``%`` or ``％`` for
    ``增长\\d+[%％]``), or None when the pattern has no such short list.

    Finding them (``RegexPrefilter``) costs a fraction of running the regex, and most texts hold none. Read
    from the pattern's parse tree: only parts every match must pass through (no repeats, branches
    of plain text), so the test never skips a text the regex would match.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        try:
            from re import _constants as sre, _parser as parser  # Python >= 3.11
        except ImportError:  # Python 3.10
            import sre_constants as sre
            import sre_parse as parser
        items = list(parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # an internal module changed: no shortcut, same results
        return None

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


class MatcherSet:
    """Several matchers over the same tokens in one pass.

    ``scan`` returns what each matcher's own ``scan`` returns, and the positions of the ``marks``
    tokens (e.g. clause breaks). Which matchers must visit a token is one look-up in a small table
    (the tokens that start a term, and the marks: it stays in the CPU cache), and for the few long
    tokens of an inside-matching matcher, one in a remembered table (bounded); a round of set
    operations per matcher over big sets cost several times more.
    """

    MEMO_TOKENS = 300_000  # long tokens whose roles are remembered (then forgotten all at once)

    def __init__(self, matchers: Sequence[TermMatcher], marks: Iterable[str] = ()):
        self.matchers = tuple(matchers)
        self.marks = frozenset(marks)
        self._mark_bit = 1 << len(self.matchers)
        self._starts: dict[str, int] = {}  # token -> bit k: it starts a term of matcher k; mark bit: a mark
        for k, matcher in enumerate(self.matchers):
            for token in matcher._firsts:
                self._starts[token] = self._starts.get(token, 0) | 1 << k
        for token in self.marks:
            self._starts[token] = self._starts.get(token, 0) | self._mark_bit
        self._inside = [(1 << k, m) for k, m in enumerate(self.matchers) if m.inside_tokens]
        self._long_roles: dict[str, int] = {}  # long token -> bits of the matchers that look inside it

    def _long_role(self, token: str) -> int:
        if len(self._long_roles) >= self.MEMO_TOKENS:
            self._long_roles.clear()
        bits = 0
        for bit, matcher in self._inside:
            if matcher.visits(token):
                bits |= bit
        self._long_roles[token] = bits
        return bits

    def scan(self, tokens: Sequence[str], folded: Sequence[str] | None = None,
             text: str | None = None) -> tuple[list[list[tuple]], list[int]]:
        """(each matcher's ``scan``, positions of the marks); ``folded``, ``text``:
        ``fold_tokens(tokens)``, the tokens joined, if the caller has them."""
        if text is None:
            text = "".join(tokens)
        if folded is None:
            folded = fold_tokens(tokens, text)
        roles = list(map(self._starts.get, folded))  # None: no role (most tokens)
        if self._inside:  # tokens of 3+ characters may hold a term (稳步增长)
            known = self._long_roles.get
            for i in itertools.compress(range(len(folded)), map(_THREE.__le__, map(len, folded))):
                token = folded[i]
                bits = known(token)
                if bits is None:
                    bits = self._long_role(token)
                if bits:
                    roles[i] = (roles[i] or 0) | bits
        positions = list(itertools.compress(range(len(roles)), roles))  # the tokens with any role
        found = []
        for k, matcher in enumerate(self.matchers):
            bit = 1 << k
            found.append(matcher.scan_at(tokens, folded, [i for i in positions if roles[i] & bit], text))
        mark = self._mark_bit
        return found, [i for i in positions if roles[i] & mark]


_THREE = 3  # ``_THREE.__le__(len(token))``: a token of three or more characters


def fold_tokens(tokens: Sequence[str], text: str | None = None) -> Sequence[str]:
    """``_fold`` of each token; the list itself when no token has a lower-case ASCII letter (most
    Chinese texts: one regex search instead of a per-token check). ``text``: the tokens joined, if
    the caller has it."""
    if not _LOWER_ASCII.search("".join(tokens) if text is None else text):
        return tokens
    return [t.upper() if t.isascii() else t for t in tokens]


_LOWER_ASCII = re.compile("[a-z]")


def _fold(token: str) -> str:
    # ASCII terms match case-insensitively (AI, ai; IDC, idc); Chinese is unchanged.
    return token.upper() if token.isascii() else token
