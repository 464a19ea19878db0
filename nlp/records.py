"""Typed records passed between irtone's stages.

Data flows one way: read → parse → tokens → themes / tone → filing → store → compare → render.
Each stage takes the previous stage's record and returns a new one; none of them mutates its input.
Records hold numbers and text only; rendering lives in ``nlp.render``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class IrtoneError(Exception):
    """The one exception type irtone's API raises for bad input.

    ``str(err)`` is a single line naming the file (or row) and the reason, e.g.
    ``seeds/x.pdf: PDF has no text layer (scanned?); OCR is not supported``.
    """

    def __init__(self, source: str, reason: str):
        self.source = str(source)
        self.reason = reason
        super().__init__(f"{self.source}: {reason}")


@dataclass(frozen=True)
class RawDocument:
    """Output of ``nlp.read``: the text of one disclosure plus what the container told us.

    ``meta`` carries fields a table row or a DOCX header table supplied directly
    (keys as in ``Filing``: code, name, company, date, category, institutions, doc_id, ...).
    """

    source: str  # file path, or "path#row" for a table row
    text: str
    format: str  # "txt", "pdf", "docx", "csv", "jsonl", "parquet"
    encoding: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Segment:
    """One ordered piece of a record's main content.

    kind: "presentation" (a section such as 一、公司简况) or "qa" (a question and its answer).
    ``text`` is the segment's full cleaned text (for qa: the answer; for presentation: the body).
    """

    kind: str
    number: int | None
    question: str
    answer: str
    text: str
    title: str = ""
    ref: str | None = None  # the input row's id when the segment came from an answers table


@dataclass(frozen=True)
class Filing:
    """A parsed disclosure: metadata plus ordered segments."""

    filing_id: str  # stable content hash (sha1 of the normalized text, 16 hex digits)
    source: str
    code: str | None = None  # 6-digit 证券代码
    name: str | None = None  # 证券简称
    company: str | None = None  # full company name
    activity_types: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    date: str | None = None  # ISO date of the record (日期 at the end), or the event's first day
    # The reporting period a results briefing is about ("2016" annual, "2016H1", "2016Q3"; see
    # nlp.parse); None for IR records. Not a day: nlp.store orders by it only when ``date`` is missing.
    period: str | None = None
    event_dates: tuple[str, ...] = ()  # ISO start (and end) of the activity
    location: str | None = None
    staff: tuple[str, ...] = ()
    segments: tuple[Segment, ...] = ()
    kind: str = "ir_record"  # "ir_record" or "answers" (a table of Q&A pairs)

    @property
    def qa(self) -> tuple[Segment, ...]:
        return tuple(s for s in self.segments if s.kind == "qa")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("activity_types", "participants", "event_dates", "staff"):
            d[key] = list(d[key])
        d["segments"] = [asdict(s) for s in self.segments]
        return d


@dataclass(frozen=True)
class Evidence:
    """Why a theme was tagged: the terms that fired, and the sentence holding most of them.

    ``start``/``end`` are character offsets of ``sentence`` in the answer text.
    """

    terms: tuple[str, ...]
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class ThemeResult:
    theme: str
    score: float  # probability-like score in [0, 1]
    tagged: bool
    evidence: Evidence | None = None
    # per-theme learned words that moved the score most, (word, contribution to the decision value);
    # tagged themes only (the terms of the theme file are in ``evidence``)
    words: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class TermContribution:
    """One term's push on the tone score (negated terms carry the flipped sign)."""

    term: str
    weight: float
    start: int  # character offset in the answer
    negated: bool = False


@dataclass(frozen=True)
class ToneResult:
    score: float  # in [-1, 1], 0 = neutral
    label: str  # "negative" | "neutral" | "positive"
    terms: tuple[TermContribution, ...] = ()  # lexicon terms, with their signed lexicon weights
    # learned words (``ToneModel.words_``) that moved the score most: (word, contribution to the score)
    words: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class AnswerMeasures:
    """What an answer does besides its tone and themes (see docs/measures.md for definitions).

    question_tone: the investor's question's tone, on the answer tone's scale ([-1, 1]).
    non_answer: in [0, 1], how much the answer declines, deflects or only thanks; ``evasive`` is its flag.
    relevance: in [0, 1], how much the answer addresses its question (None without a question).
    specificity: share of the answer's characters in specific content (figures, dates, names).
    forward_looking: share of the answer's sentences about plans and expectations.
    forward_tone: the tone of those sentences (None when there are none).
    """

    question_tone: float | None = None
    non_answer: float | None = None
    evasive: bool | None = False  # None where undefined (an empty answer)
    relevance: float | None = None
    specificity: float | None = None
    forward_looking: float | None = None
    forward_tone: float | None = None


# the answer measures as output columns, in order (floats; ``evasive`` 1.0/0.0; NaN where undefined)
MEASURES = ("question_tone", "non_answer", "evasive", "relevance", "specificity", "forward_looking", "forward_tone")


@dataclass(frozen=True)
class ScoredAnswer:
    """One answer with its themes and tone.

    status: "ok" (scored), "empty" (nothing to score: null scores) or "no_chinese" (scored, flagged:
    irtone reads Chinese only). Filing aggregates use ``ok`` answers only.
    """

    number: int | None
    question: str
    answer: str
    tone: ToneResult
    themes: tuple[ThemeResult, ...]
    status: str = "ok"
    measures: AnswerMeasures | None = None

    @property
    def tagged(self) -> tuple[str, ...]:
        return tuple(t.theme for t in self.themes if t.tagged)

    def theme(self, name: str) -> ThemeResult | None:
        for t in self.themes:
            if t.theme == name:
                return t
        return None


@dataclass(frozen=True)
class FilingScore:
    """A filing with its scored answers and filing-level aggregates.

    tone: length-weighted mean of answer tones (weight = answer characters, capped; see nlp.filing).
    theme_share[t]: share of answers tagged with theme t.
    theme_intensity[t]: length-weighted mean of theme t's score over all answers.
    theme_tone[t]: length-weighted mean tone of the answers tagged with t (None where none is).
    n_institutions / n_participants: how many institutions and people came (调研热度; see nlp.filing).
    question_tone, tone_gap, non_answer_rate: from the answers' ``measures`` where present, else None.
    All aggregates count ``status == "ok"`` answers only.
    """

    filing: Filing
    answers: tuple[ScoredAnswer, ...]
    tone: float
    tone_label: str
    theme_share: dict[str, float]
    theme_intensity: dict[str, float]
    model_version: str
    theme_tone: dict[str, float | None] = field(default_factory=dict)
    n_institutions: int | None = None
    n_participants: int | None = None
    question_tone: float | None = None  # length-weighted mean of the questions' tone
    tone_gap: float | None = None  # length-weighted mean of answer tone minus question tone
    non_answer_rate: float | None = None  # share of answers flagged evasive (of those with measures)


@dataclass(frozen=True)
class ThemeDelta:
    theme: str
    share: float
    intensity: float
    share_change_prev: float | None
    intensity_change_prev: float | None
    share_change_mean: float | None
    intensity_change_mean: float | None
    tone: float | None = None  # the theme's tone here (FilingScore.theme_tone); None: no tagged answer
    tone_change_prev: float | None = None  # vs the last earlier filing with a tone for the theme
    tone_change_mean: float | None = None  # vs the mean over earlier filings with a tone for it


@dataclass(frozen=True)
class HistoryPoint:
    filing_id: str
    date: str | None
    activity: str
    answers: int
    tone: float
    theme_share: dict[str, float]
    theme_intensity: dict[str, float] = field(default_factory=dict)
    date_valid: bool = True  # False for garbled dates (e.g. year 0202) or none at all
    period: str | None = None  # the reporting period that placed an undated briefing (Filing.period)
    theme_tone: dict[str, float | None] = field(default_factory=dict)
    n_institutions: int | None = None
    n_participants: int | None = None
    question_tone: float | None = None
    tone_gap: float | None = None
    non_answer_rate: float | None = None


@dataclass(frozen=True)
class Mover:
    """An answer of the current filing that moved most against the company's history."""

    index: int  # position in FilingScore.answers
    answer: ScoredAnswer
    tone_change_mean: float | None  # answer tone minus the mean tone of all earlier answers
    new_themes: tuple[str, ...]  # tagged here, tagged in no earlier filing
    score: float  # |tone_change_mean| + the new themes' scores


@dataclass(frozen=True)
class Statement:
    """A sentence of the current filing with no close match among the company's earlier sentences."""

    index: int  # the answer's position in FilingScore.answers
    sentence: str
    start: int  # character offset in the answer
    similarity: float  # to the closest earlier sentence (0 = nothing alike)
    themes: tuple[str, ...]  # the answer's tagged themes


@dataclass(frozen=True)
class Repeat:
    """An answer of the current filing given (nearly) word for word in earlier filings."""

    index: int
    similarity: float  # to the closest earlier answer
    filings: int  # earlier filings holding a close copy
    first_date: str | None  # where the copies were first and last given (date, else the period)
    last_date: str | None


@dataclass(frozen=True)
class Asked:
    """One earlier time a question was asked: when, how, and the tone of the answer it got."""

    filing_id: str
    date: str | None  # the date, or the reporting period of an undated briefing
    question: str
    tone: float
    similarity: float


@dataclass(frozen=True)
class RecurringQuestion:
    """A question of the current filing that investors asked in earlier filings too."""

    index: int
    question: str
    tone: float  # the current answer's tone
    earlier: tuple[Asked, ...]  # oldest first, one per earlier filing (its closest question)


@dataclass(frozen=True)
class GuidanceFigure:
    """A figure management gave: an item (capex, fundraising, ...), a value or range, its unit and period.

    ``low``/``high`` are in ``unit`` as written (equal for a single value); ``value_base`` is the
    midpoint in the unit's base (亿元 for money, MW for power capacity; None where there is none), by
    which figures of the same item compare. ``previous`` is the company's last earlier figure on the
    same item and dimension, ``change`` the move of the midpoint from it in the base unit.
    """

    item: str
    subject: str  # the words naming what the figure is about (IDC服务收入, 风电场建设的资本开支)
    figure: str  # as written, normalized (40-50亿元)
    low: float
    high: float
    unit: str
    dimension: str  # "money", "power", "mass", "units", "percent"
    value_base: float | None
    period: str | None  # "2013", "2013-2014", "未来两年"; None when not said
    basis: str | None  # "plan" (计划/预计…), "actual" (已/去年…), None
    qualifier: str  # 约, 左右, 以上, 超过 … or ""
    theme: str | None
    index: int  # the answer's position in its filing
    sentence: str
    filing_id: str = ""
    date: str | None = None  # the filing's date (or period) the figure was given in
    previous: GuidanceFigure | None = None
    change: float | None = None
    earlier: tuple[GuidanceFigure, ...] = ()  # the item's earlier figures, oldest first (no nesting)


@dataclass(frozen=True)
class Comparison:
    """A filing against the company's earlier filings."""

    current: FilingScore
    history: tuple[HistoryPoint, ...]  # earlier filings, oldest first
    tone_change_prev: float | None
    tone_z: float | None
    themes: tuple[ThemeDelta, ...]
    terms_in: tuple[tuple[str, float], ...]  # (term, log-odds z) rising vs history
    terms_out: tuple[tuple[str, float], ...]
    movers: tuple[Mover, ...]  # answers that moved most, with evidence
    tone_mean: float | None = None  # mean filing tone of the history
    tone_std: float | None = None  # sample standard deviation (ddof=1) of the history's filing tones
    undated: int = 0  # the company's stored filings left out of the history for a garbled date
    other_models: int = 0  # earlier filings whose scores came from another model version
    without_answers: int = 0  # earlier filings with no question-answer pairs (nothing measured): left out
    tone_se: float | None = None  # the current filing tone's standard error (see nlp.compare)
    tone_spread: float | None = None  # between-filing sd of the history's tones, sampling noise taken out
    statements: tuple[Statement, ...] = ()  # new statements, most telling first
    repeats: tuple[Repeat, ...] = ()
    recurring: tuple[RecurringQuestion, ...] = ()
    guidance: tuple[GuidanceFigure, ...] = ()

    @property
    def previous(self) -> HistoryPoint | None:
        return self.history[-1] if self.history else None

    @property
    def tone_trend(self) -> tuple[float, ...]:
        """Filing tones, oldest first, ending with the current filing."""
        return tuple(h.tone for h in self.history) + (self.current.tone,)

    def tagged_change(self, theme: str) -> int:
        """Answers tagged with a theme here minus in the previous filing (0 without one)."""
        prev = self.previous
        if prev is None:
            return 0
        now = sum(theme in a.tagged for a in self.current.answers)
        return now - round(prev.theme_share.get(theme, 0.0) * prev.answers)

    def share_trend(self, theme: str) -> tuple[float, ...]:
        """A theme's share across filings, oldest first, ending with the current filing."""
        past = tuple(h.theme_share.get(theme, 0.0) for h in self.history)
        return past + (self.current.theme_share.get(theme, 0.0),)
