"""The company history: scored filings in a SQLite database.

One file, opened with ``Store(path)`` (a context manager). The default path is ``$IRTONE_DB`` or,
without it, ``irtone.db`` in the user's data directory (``platformdirs.user_data_dir("irtone")``).

- The schema is versioned with ``PRAGMA user_version``; ``MIGRATIONS`` is applied in order, each step
  once, inside one write transaction, so two processes opening a fresh file do not both migrate.
- WAL journal and a 30 s busy timeout: readers never block the writer, and concurrent writers queue
  instead of failing. Each filing is written in one ``BEGIN IMMEDIATE`` transaction.
- Filings are keyed by their content hash (``Filing.filing_id``): storing the same filing twice adds
  nothing; storing it with a different ``model_version`` replaces its scores (``Store.stale`` finds
  filings whose scores came from another model).
- Companies are keyed by 6-digit code. Records with a name only (results briefings) are matched by the
  normalized name (``normalize_name``: NFKC, no whitespace, ASCII upper-case), through a name → company
  map learned from records that carry both; until a code is known they live under ``name:<normalized>``,
  and move to the code as soon as a record with that name and a code is stored.
- A company's filings are ordered by ``StoredFiling.placed_on``: the date when it is valid; else,
  for a results briefing with a reporting period (``Filing.period``) and no event date, the date
  ``period_date`` gives as an approximate stand-in (``placed_by_period``), never written into
  ``date``; filings with neither (dates missing or garbled, such as year 0202 or month 13, kept and
  flagged ``date_valid = 0``) come last, by ingestion. Ties go by ingestion. The date rules live in
  ``nlp.calendar`` (re-exported here).
- Schema 4 keeps each filing's tone per theme, attendance and answer-measure aggregates, each
  answer's status and measures, and theme labels (``put_theme_labels``: a user theme file's labels
  outlive the run that scored with it). Filings stored before have NULL there (read as ``{}`` /
  None) until the same filing is stored again, which fills them in.

Every statement is parameterized; only the integer schema version is formatted into a PRAGMA.
"""
from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nlp.calendar import MIN_YEAR, date_is_valid, history_date, period_date  # noqa: F401 (re-exported)
from nlp.identity import normalize_name
from nlp.records import (
    AnswerMeasures,
    Evidence,
    Filing,
    FilingScore,
    HistoryPoint,
    IrtoneError,
    ScoredAnswer,
    Segment,
    TermContribution,
    ThemeResult,
    ToneResult,
)

BUSY_TIMEOUT_S = 30.0

# Each entry is one schema version: the statements that take version i to i + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE companies (
            key TEXT PRIMARY KEY,      -- 6-digit code, or 'name:<normalized name>' while no code is known
            code TEXT,
            name TEXT
        )""",
        """CREATE TABLE company_names (
            norm TEXT PRIMARY KEY,     -- normalize_name(name)
            name TEXT NOT NULL,        -- as first seen
            company TEXT NOT NULL REFERENCES companies(key)
        )""",
        """CREATE TABLE filings (
            filing_id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL,      -- ingestion order
            company TEXT NOT NULL REFERENCES companies(key),
            code TEXT,
            name TEXT,
            company_name TEXT,
            date TEXT,
            date_valid INTEGER NOT NULL,
            activity TEXT NOT NULL,    -- JSON list
            participants TEXT NOT NULL,
            event_dates TEXT NOT NULL,
            staff TEXT NOT NULL,
            location TEXT,
            source TEXT NOT NULL,
            kind TEXT NOT NULL,
            model_version TEXT NOT NULL,
            tone REAL NOT NULL,
            tone_label TEXT NOT NULL,
            theme_share TEXT NOT NULL,     -- JSON object theme -> share
            theme_intensity TEXT NOT NULL,
            n_answers INTEGER NOT NULL,
            ingested_at TEXT NOT NULL,
            scored_at TEXT NOT NULL
        )""",
        "CREATE INDEX filings_by_company ON filings(company, date_valid, date, seq)",
        "CREATE INDEX filings_by_model ON filings(model_version)",
        """CREATE TABLE segments (
            filing_id TEXT NOT NULL REFERENCES filings(filing_id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            kind TEXT NOT NULL,
            number INTEGER,
            title TEXT NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            text TEXT NOT NULL,
            ref TEXT,
            PRIMARY KEY (filing_id, idx)
        )""",
        """CREATE TABLE answers (
            filing_id TEXT NOT NULL REFERENCES filings(filing_id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            number INTEGER,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            tone REAL NOT NULL,
            tone_label TEXT NOT NULL,
            tone_terms TEXT NOT NULL,  -- JSON list of {term, weight, start, negated}
            tagged TEXT NOT NULL,      -- JSON list of tagged theme names
            themes TEXT NOT NULL,      -- JSON list of {theme, score, tagged, evidence}
            PRIMARY KEY (filing_id, idx)
        )""",
    ),
    # 2: the reporting period of results briefings (Filing.period); NULL for filings stored before.
    ("ALTER TABLE filings ADD COLUMN period TEXT",),
    # 3: the learned words that moved each answer's tone (ToneResult.words); '[]' for answers stored before.
    ("ALTER TABLE answers ADD COLUMN tone_words TEXT NOT NULL DEFAULT '[]'",),
    # 4: tone per theme, attendance (调研热度) and the answer measures' filing aggregates; each answer's
    # status and measures; the display labels of the themes filings were scored with. NULL (unknown)
    # for filings stored before, until they are stored again (``put`` fills them in).
    (
        "ALTER TABLE filings ADD COLUMN theme_tone TEXT",  # JSON object theme -> tone or null
        "ALTER TABLE filings ADD COLUMN n_institutions INTEGER",
        "ALTER TABLE filings ADD COLUMN n_participants INTEGER",
        "ALTER TABLE filings ADD COLUMN question_tone REAL",
        "ALTER TABLE filings ADD COLUMN tone_gap REAL",
        "ALTER TABLE filings ADD COLUMN non_answer_rate REAL",
        "ALTER TABLE answers ADD COLUMN status TEXT NOT NULL DEFAULT 'ok'",
        "ALTER TABLE answers ADD COLUMN measures TEXT",  # JSON object (AnswerMeasures) or NULL
        """CREATE TABLE theme_labels (
            name TEXT PRIMARY KEY,
            label TEXT NOT NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_CODE = re.compile(r"\d{6}")


def default_db_path() -> Path:
    """``$IRTONE_DB``, else ``irtone.db`` in the user's data directory."""
    env = os.environ.get("IRTONE_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("irtone", appauthor=False)) / "irtone.db"




@dataclass(frozen=True)
class StoredFiling:
    """One row of the history: a stored filing's metadata and aggregates (no answers)."""

    filing_id: str
    seq: int
    company: str  # the company key: code, or 'name:<normalized>'
    code: str | None
    name: str | None
    company_name: str | None
    date: str | None
    date_valid: bool
    period: str | None  # the reporting period of a results briefing (Filing.period)
    activity: tuple[str, ...]
    participants: tuple[str, ...]
    source: str
    kind: str
    model_version: str
    tone: float
    tone_label: str
    theme_share: dict[str, float]
    theme_intensity: dict[str, float]
    n_answers: int
    ingested_at: str
    theme_tone: dict[str, float | None] = field(default_factory=dict)  # {} when stored before schema 4
    n_institutions: int | None = None
    n_participants: int | None = None
    question_tone: float | None = None
    tone_gap: float | None = None
    non_answer_rate: float | None = None

    @property
    def placed_on(self) -> str | None:
        """The date the filing is ordered by: its valid date, else its period's ``period_date``."""
        return self.date if self.date_valid else period_date(self.period)

    @property
    def placed_by_period(self) -> bool:
        """True when ``placed_on`` is an approximate stand-in from the period, not a real date."""
        return not self.date_valid and self.placed_on is not None

    def history_point(self) -> HistoryPoint:
        return HistoryPoint(
            filing_id=self.filing_id,
            date=self.date,
            activity="、".join(self.activity),
            answers=self.n_answers,
            tone=self.tone,
            theme_share=dict(self.theme_share),
            theme_intensity=dict(self.theme_intensity),
            date_valid=self.date_valid,
            period=self.period,
            theme_tone=dict(self.theme_tone),
            n_institutions=self.n_institutions,
            n_participants=self.n_participants,
            question_tone=self.question_tone,
            tone_gap=self.tone_gap,
            non_answer_rate=self.non_answer_rate,
        )


@dataclass(frozen=True)
class CompanyInfo:
    key: str
    code: str | None
    name: str | None
    filings: int


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _measures_json(answer: ScoredAnswer) -> str | None:
    if answer.measures is None:
        return None
    return _dumps({k: (_finite(v) if isinstance(v, float) else v) for k, v in asdict(answer.measures).items()})


def _has_aggregates(score: FilingScore) -> bool:
    return bool(score.theme_tone) or score.n_institutions is not None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


_FILING_COLUMNS = (
    "filing_id, seq, company, code, name, company_name, date, date_valid, period, activity, participants, "
    "source, kind, model_version, tone, tone_label, theme_share, theme_intensity, n_answers, ingested_at, "
    "theme_tone, n_institutions, n_participants, question_tone, tone_gap, non_answer_rate"
)
# The filing aggregates added in schema 4, as (column, FilingScore attribute); NULL = not computed.
_AGGREGATE_COLUMNS = ("theme_tone", "n_institutions", "n_participants", "question_tone", "tone_gap", "non_answer_rate")


def history_order(rows: Iterable[StoredFiling]) -> list[StoredFiling]:
    """Filings in history order: by ``placed_on`` (date, or period stand-in), ties and the unplaced
    (last) by ingestion."""
    return sorted(rows, key=lambda r: (r.placed_on is None, r.placed_on or "", r.seq))


def _stored(row: sqlite3.Row) -> StoredFiling:
    return StoredFiling(
        filing_id=row["filing_id"],
        seq=row["seq"],
        company=row["company"],
        code=row["code"],
        name=row["name"],
        company_name=row["company_name"],
        date=row["date"],
        date_valid=bool(row["date_valid"]),
        period=row["period"],
        activity=tuple(json.loads(row["activity"])),
        participants=tuple(json.loads(row["participants"])),
        source=row["source"],
        kind=row["kind"],
        model_version=row["model_version"],
        tone=row["tone"],
        tone_label=row["tone_label"],
        theme_share=json.loads(row["theme_share"]),
        theme_intensity=json.loads(row["theme_intensity"]),
        n_answers=row["n_answers"],
        ingested_at=row["ingested_at"],
        **_aggregates(row),
    )


def _aggregates(row: sqlite3.Row) -> dict[str, Any]:
    """The schema-4 aggregates of a filings row (absent ones: ``{}`` for theme tone, else None)."""
    out: dict[str, Any] = {c: row[c] for c in _AGGREGATE_COLUMNS}
    out["theme_tone"] = json.loads(out["theme_tone"]) if out["theme_tone"] else {}
    return out


def _measures_from_json(text: str | None) -> AnswerMeasures | None:
    if not text:
        return None
    known = {f.name for f in fields(AnswerMeasures)}
    return AnswerMeasures(**{k: v for k, v in json.loads(text).items() if k in known})


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _theme_from_json(d: dict[str, Any]) -> ThemeResult:
    ev = d.get("evidence")
    evidence = None
    if ev is not None:
        evidence = Evidence(terms=tuple(ev["terms"]), sentence=ev["sentence"], start=ev["start"], end=ev["end"])
    words = tuple((str(w), float(c)) for w, c in d.get("words", ()))  # absent in stores before them
    return ThemeResult(theme=d["theme"], score=d["score"], tagged=bool(d["tagged"]), evidence=evidence, words=words)


def _is_busy(err: sqlite3.Error) -> bool:
    text = str(err).lower()
    return "locked" in text or "busy" in text


def _enable_wal(conn: sqlite3.Connection) -> str:
    """Switch to WAL, retrying while another process holds the lock.

    Changing the journal mode may fail at once with "database is locked" (SQLite skips the busy
    handler there to avoid deadlock) when several processes open a new store together.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as err:
            if not _is_busy(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Store:
    """A SQLite history of scored filings. Use as a context manager.

    Parameters
    ----------
    path : the database file; ``None`` for ``default_db_path()``.
    create : create the file (and its folder) when missing; with ``False`` a missing file is an
        ``IrtoneError`` (reports should not leave empty databases behind).
    """

    def __init__(self, path: str | Path | None = None, create: bool = True):
        self.path = Path(path) if path is not None else default_db_path()
        self.create = create
        self._conn: sqlite3.Connection | None = None

    # -- connection -------------------------------------------------------------------------
    def open(self) -> Store:
        if self._conn is not None:
            return self
        if not self.path.exists():
            if not self.create:
                raise IrtoneError(
                    self.path, "no irtone store here; run `irtone analyze FILE` or `irtone batch` first (or pass --db)"
                )
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as err:
            raise IrtoneError(self.path, f"cannot open the store: {err}") from err
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            mode = _enable_wal(conn)
            if str(mode).lower() != "wal":
                raise IrtoneError(self.path, f"cannot switch the store to WAL (journal mode {mode})")
            conn.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, and much faster
            self._conn = conn
            self._migrate()
        except sqlite3.OperationalError as err:
            conn.close()
            self._conn = None
            if _is_busy(err):
                raise IrtoneError(self.path, f"the store stayed locked by another process for {BUSY_TIMEOUT_S:.0f} s") from err
            raise IrtoneError(self.path, f"cannot use the store ({err})") from err
        except sqlite3.DatabaseError as err:
            conn.close()
            self._conn = None
            raise IrtoneError(self.path, f"not an irtone store ({err})") from err
        except BaseException:
            conn.close()
            self._conn = None
            raise
        return self

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Store:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self.open()
        assert self._conn is not None
        return self._conn

    def _migrate(self) -> None:
        conn = self.conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise IrtoneError(
                self.path, f"store schema {version} is newer than this irtone's ({SCHEMA_VERSION}); upgrade irtone"
            )
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for step in MIGRATIONS[version:]:
                for statement in step:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(SCHEMA_VERSION)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- writing ----------------------------------------------------------------------------
    def put(self, score: FilingScore) -> bool:
        """Store a scored filing in one transaction. True if the filing was not stored before.

        The same filing (same content hash) with the same model version changes nothing, except that a
        period missing from a filing stored under schema 1 is filled in; with another model version its
        scores are replaced (its ingestion order is kept).
        """
        filing = score.filing
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT model_version, period, theme_tone, n_institutions FROM filings WHERE filing_id = ?",
                (filing.filing_id,),
            ).fetchone()
            if row is not None and row["model_version"] == score.model_version:
                if row["period"] is None and filing.period is not None:
                    # Stored before the store knew periods (schema 1): learn it now.
                    conn.execute(
                        "UPDATE filings SET period = ? WHERE filing_id = ?", (filing.period, filing.filing_id)
                    )
                if row["theme_tone"] is None and row["n_institutions"] is None and _has_aggregates(score):
                    self._learn_aggregates(score)  # stored before schema 4
                conn.execute("COMMIT")
                return False
            company = self._company_key(filing)
            values = self._filing_values(score, company)
            now = _now()
            if row is None:
                seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM filings").fetchone()[0]
                conn.execute(
                    "INSERT INTO filings (filing_id, seq, company, code, name, company_name, date, date_valid,"
                    " period, activity, participants, event_dates, staff, location, source, kind, model_version,"
                    " tone, tone_label, theme_share, theme_intensity, n_answers, ingested_at, scored_at, "
                    + ", ".join(_AGGREGATE_COLUMNS) + ")"
                    " VALUES (:filing_id, :seq, :company, :code, :name, :company_name, :date, :date_valid,"
                    " :period, :activity, :participants, :event_dates, :staff, :location, :source, :kind, :model_version,"
                    " :tone, :tone_label, :theme_share, :theme_intensity, :n_answers, :now, :now, "
                    + ", ".join(f":{c}" for c in _AGGREGATE_COLUMNS) + ")",
                    {**values, "seq": seq, "now": now},
                )
            else:
                conn.execute("DELETE FROM answers WHERE filing_id = ?", (filing.filing_id,))
                conn.execute("DELETE FROM segments WHERE filing_id = ?", (filing.filing_id,))
                conn.execute(
                    "UPDATE filings SET company = :company, code = :code, name = :name,"
                    " company_name = :company_name, date = :date, date_valid = :date_valid,"
                    " period = :period, activity = :activity, participants = :participants, event_dates = :event_dates,"
                    " staff = :staff, location = :location, source = :source, kind = :kind,"
                    " model_version = :model_version, tone = :tone, tone_label = :tone_label,"
                    " theme_share = :theme_share, theme_intensity = :theme_intensity,"
                    " n_answers = :n_answers, scored_at = :now, "
                    + ", ".join(f"{c} = :{c}" for c in _AGGREGATE_COLUMNS) + " WHERE filing_id = :filing_id",
                    {**values, "now": now},
                )
            conn.executemany(
                "INSERT INTO segments (filing_id, idx, kind, number, title, question, answer, text, ref)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (filing.filing_id, i, s.kind, s.number, s.title, s.question, s.answer, s.text, s.ref)
                    for i, s in enumerate(filing.segments)
                ],
            )
            conn.executemany(
                "INSERT INTO answers (filing_id, idx, number, question, answer, tone, tone_label, tone_terms,"
                " tone_words, tagged, themes, status, measures) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        filing.filing_id,
                        i,
                        a.number,
                        a.question,
                        a.answer,
                        _finite(a.tone.score) or 0.0,  # an unscored answer's NaN: its status says so
                        a.tone.label,
                        _dumps([asdict(t) for t in a.tone.terms]),
                        _dumps([list(w) for w in a.tone.words]),
                        _dumps(list(a.tagged)),
                        _dumps([asdict(t) for t in a.themes]),
                        a.status,
                        _measures_json(a),
                    )
                    for i, a in enumerate(score.answers)
                ],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return row is None

    def _learn_aggregates(self, score: FilingScore) -> None:
        """Fill in the schema-4 aggregates and answer measures of a filing stored before them."""
        values = self._filing_values(score, "")
        self.conn.execute(
            "UPDATE filings SET " + ", ".join(f"{c} = :{c}" for c in _AGGREGATE_COLUMNS) + " WHERE filing_id = :filing_id",
            values,
        )
        self.conn.executemany(
            "UPDATE answers SET status = ?, measures = ? WHERE filing_id = ? AND idx = ?",
            [(a.status, _measures_json(a), score.filing.filing_id, i) for i, a in enumerate(score.answers)],
        )

    def put_theme_labels(self, labels: dict[str, str]) -> None:
        """Remember the display labels of themes (e.g. a user theme file's), the latest winning."""
        with_labels = [(str(k), str(v)) for k, v in labels.items() if v]
        if not with_labels:
            return
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT INTO theme_labels (name, label) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET label = excluded.label",
                with_labels,
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def theme_labels(self) -> dict[str, str]:
        """Theme name → label, as remembered by ``put_theme_labels``."""
        return {r["name"]: r["label"] for r in self.conn.execute("SELECT name, label FROM theme_labels ORDER BY name")}

    def put_many(self, scores: Iterable[FilingScore]) -> int:
        """Store several filings (one transaction each); the number that were new."""
        return sum(self.put(s) for s in scores)

    @staticmethod
    def _filing_values(score: FilingScore, company: str) -> dict[str, Any]:
        f = score.filing
        return {
            "filing_id": f.filing_id,
            "company": company,
            "code": f.code,
            "name": f.name,
            "company_name": f.company,
            "date": f.date,
            "date_valid": int(date_is_valid(f.date)),
            "period": f.period,
            "activity": _dumps(list(f.activity_types)),
            "participants": _dumps(list(f.participants)),
            "event_dates": _dumps(list(f.event_dates)),
            "staff": _dumps(list(f.staff)),
            "location": f.location,
            "source": f.source,
            "kind": f.kind,
            "model_version": score.model_version,
            "tone": float(score.tone),
            "tone_label": score.tone_label,
            "theme_share": _dumps({k: float(v) for k, v in score.theme_share.items()}),
            "theme_intensity": _dumps({k: float(v) for k, v in score.theme_intensity.items()}),
            "n_answers": len(score.answers),
            "theme_tone": _dumps({k: _finite(v) for k, v in score.theme_tone.items()}) if score.theme_tone else None,
            "n_institutions": score.n_institutions,
            "n_participants": score.n_participants,
            "question_tone": _finite(score.question_tone),
            "tone_gap": _finite(score.tone_gap),
            "non_answer_rate": _finite(score.non_answer_rate),
        }

    def _company_key(self, filing: Filing) -> str:
        """The company a filing belongs to; learns names. Runs inside put's transaction."""
        conn = self.conn
        code = filing.code if filing.code and _CODE.fullmatch(filing.code) else None
        names = [n for n in (filing.name, filing.company) if n and normalize_name(n)]
        if code is not None:
            conn.execute(
                "INSERT INTO companies (key, code, name) VALUES (?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET name = COALESCE(excluded.name, companies.name)",
                (code, code, filing.name),
            )
            for name in names:
                norm = normalize_name(name)
                known = conn.execute("SELECT company FROM company_names WHERE norm = ?", (norm,)).fetchone()
                if known is None:
                    conn.execute(
                        "INSERT INTO company_names (norm, name, company) VALUES (?, ?, ?)", (norm, name, code)
                    )
                elif known["company"].startswith("name:"):
                    # Filings stored under this name alone now join the code's history.
                    self._merge_company(known["company"], code)
                # A name already mapped to another code keeps its first owner: short names are
                # occasionally reused, and the first mapping is the one earlier filings were matched by.
            return code
        if not names:
            # No code, no name: a company of its own, reportable by this key only.
            key = f"file:{filing.filing_id}"
            conn.execute("INSERT OR IGNORE INTO companies (key, code, name) VALUES (?, NULL, NULL)", (key,))
            return key
        for name in names:
            known = conn.execute(
                "SELECT company FROM company_names WHERE norm = ?", (normalize_name(name),)
            ).fetchone()
            if known is not None:
                return known["company"]
        key = "name:" + normalize_name(names[0])
        conn.execute("INSERT OR IGNORE INTO companies (key, code, name) VALUES (?, NULL, ?)", (key, names[0]))
        for name in names:
            conn.execute(
                "INSERT OR IGNORE INTO company_names (norm, name, company) VALUES (?, ?, ?)",
                (normalize_name(name), name, key),
            )
        return key

    def _merge_company(self, old: str, new: str) -> None:
        conn = self.conn
        conn.execute("UPDATE filings SET company = ? WHERE company = ?", (new, old))
        conn.execute("UPDATE company_names SET company = ? WHERE company = ?", (new, old))
        conn.execute("DELETE FROM companies WHERE key = ?", (old,))

    # -- reading ----------------------------------------------------------------------------
    def companies(self) -> list[CompanyInfo]:
        rows = self.conn.execute(
            "SELECT c.key, c.code, c.name, COUNT(f.filing_id) AS n FROM companies c"
            " LEFT JOIN filings f ON f.company = c.key GROUP BY c.key ORDER BY c.key"
        ).fetchall()
        return [CompanyInfo(r["key"], r["code"], r["name"], r["n"]) for r in rows]

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM filings").fetchone()[0]

    def resolve(self, query: str) -> str:
        """The company key for a 6-digit code, a company key, or a (short or full) company name.

        Names match exactly after ``normalize_name``, else as a substring of one company's names.
        Raises ``IrtoneError`` with a one-line hint when nothing (or more than one company) matches.
        """
        conn = self.conn
        query = query.strip()
        if not query:
            raise IrtoneError(self.path, "no company given")
        if conn.execute("SELECT 1 FROM filings LIMIT 1").fetchone() is None:
            raise IrtoneError(
                self.path, "the store is empty; run `irtone analyze FILE` or `irtone batch` first"
            )
        key = self.lookup(query)
        if key is not None:
            return key
        from nlp.identity import normalize_code

        code = normalize_code(query)  # a code as tables write it: 000063.SZ/0763.HK, SZ000338, 2594
        key = self.lookup(code) if code is not None and code != query else None
        if key is not None:
            return key
        norm = normalize_name(query)
        if _CODE.fullmatch(norm):
            raise IrtoneError(self.path, f"no filings of company {norm} in the store (`irtone history` lists companies)")
        rows = conn.execute(
            "SELECT DISTINCT company FROM company_names WHERE instr(norm, ?) > 0 ORDER BY company", (norm,)
        ).fetchall()
        if len(rows) == 1:
            return rows[0]["company"]
        if len(rows) > 1:
            keys = ", ".join(r["company"] for r in rows[:5])
            raise IrtoneError(self.path, f"'{query}' matches several companies ({keys}); give the 6-digit code")
        raise IrtoneError(self.path, f"no company matching '{query}' in the store (`irtone history` lists companies)")

    def lookup(self, query: str) -> str | None:
        """The company key for an exact code, key or normalized name; None when unknown."""
        conn = self.conn
        query = query.strip()
        if conn.execute("SELECT 1 FROM companies WHERE key = ?", (query,)).fetchone():
            return query
        row = conn.execute("SELECT company FROM company_names WHERE norm = ?", (normalize_name(query),)).fetchone()
        return row["company"] if row is not None else None

    def company_of(self, filing: Filing) -> str | None:
        """The stored company a filing belongs to (by code, then by name), without storing anything."""
        stored = self.filing(filing.filing_id)
        if stored is not None:
            return stored.company
        for query in (filing.code, filing.name, filing.company):
            if query and normalize_name(query):
                key = self.lookup(query)
                if key is not None:
                    return key
        return None

    def filings(self, company: str) -> list[StoredFiling]:
        """A company's filings (code, key or name) in ``history_order``: by date or period stand-in,
        then those with neither, by ingestion."""
        key = self.resolve(company)
        rows = self.conn.execute(f"SELECT {_FILING_COLUMNS} FROM filings WHERE company = ?", (key,)).fetchall()
        return history_order(_stored(r) for r in rows)

    def filing(self, filing_id: str) -> StoredFiling | None:
        row = self.conn.execute(
            f"SELECT {_FILING_COLUMNS} FROM filings WHERE filing_id = ?", (filing_id,)
        ).fetchone()
        return _stored(row) if row is not None else None

    def __contains__(self, filing_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM filings WHERE filing_id = ?", (filing_id,)).fetchone() is not None

    def get(self, filing_id: str) -> FilingScore:
        """The stored filing, rebuilt as the ``FilingScore`` that was put."""
        conn = self.conn
        row = conn.execute("SELECT * FROM filings WHERE filing_id = ?", (filing_id,)).fetchone()
        if row is None:
            raise IrtoneError(self.path, f"no filing {filing_id} in the store")
        segments = tuple(
            Segment(kind=s["kind"], number=s["number"], question=s["question"], answer=s["answer"], text=s["text"],
                    title=s["title"], ref=s["ref"])
            for s in conn.execute("SELECT * FROM segments WHERE filing_id = ? ORDER BY idx", (filing_id,))
        )
        filing = Filing(
            filing_id=row["filing_id"], source=row["source"], code=row["code"], name=row["name"],
            company=row["company_name"], activity_types=tuple(json.loads(row["activity"])),
            participants=tuple(json.loads(row["participants"])), date=row["date"], period=row["period"],
            event_dates=tuple(json.loads(row["event_dates"])), location=row["location"],
            staff=tuple(json.loads(row["staff"])), segments=segments, kind=row["kind"],
        )
        answers = tuple(
            ScoredAnswer(
                number=a["number"],
                question=a["question"],
                answer=a["answer"],
                tone=ToneResult(
                    score=a["tone"],
                    label=a["tone_label"],
                    terms=tuple(TermContribution(**t) for t in json.loads(a["tone_terms"])),
                    words=tuple((w, c) for w, c in json.loads(a["tone_words"])),
                ),
                themes=tuple(_theme_from_json(t) for t in json.loads(a["themes"])),
                status=a["status"],
                measures=_measures_from_json(a["measures"]),
            )
            for a in conn.execute("SELECT * FROM answers WHERE filing_id = ? ORDER BY idx", (filing_id,))
        )
        return FilingScore(
            filing=filing,
            answers=answers,
            tone=row["tone"],
            tone_label=row["tone_label"],
            theme_share=json.loads(row["theme_share"]),
            theme_intensity=json.loads(row["theme_intensity"]),
            model_version=row["model_version"],
            **_aggregates(row),
        )

    def scores(self, company: str) -> list[FilingScore]:
        """A company's filings as ``FilingScore``s, in ``filings`` order."""
        return [self.get(f.filing_id) for f in self.filings(company)]

    def stale(self, model_version: str) -> list[str]:
        """Filings whose scores came from a model other than ``model_version``, in ingestion order."""
        rows = self.conn.execute(
            "SELECT filing_id FROM filings WHERE model_version != ? ORDER BY seq", (model_version,)
        ).fetchall()
        return [r["filing_id"] for r in rows]
