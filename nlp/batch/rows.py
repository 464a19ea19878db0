"""A filing's answers → the columns of its output rows (``nlp.output`` defines their shape).

Keys: ``row_id`` is ``<filing_id>:<n>`` for a disclosure or a whole-record table row (n the
answer's 1-based position among the filing's Q&A pairs), and ``<table file name>#<id>`` for a
row of an answers table (``id`` the row's own id, else its row number), so reordering an answers
table's rows does not change its keys. The batch makes keys unique within an output
(``KeyBook``): a key met again gets ``~2``, ``~3``… in input order.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from nlp.output import answer_schema, answer_status, company_key, null_scores
from nlp.records import Filing, ScoredAnswer


def row_keys(filing: Filing, first: int = 1) -> list[str]:
    """The (not yet deduplicated) ``row_id`` of each qa segment of ``filing`` (``first``: the
    position of the first one, for a slice of a large answers group)."""
    segments = filing.qa
    if filing.kind == "answers":
        table = os.path.basename(filing.source.rsplit("#", 1)[0])
        return [f"{table}#{s.ref if s.ref is not None else first + i}" for i, s in enumerate(segments)]
    return [f"{filing.filing_id}:{first + i}" for i in range(len(segments))]


def filing_columns(
    filing: Filing, answers: Sequence[ScoredAnswer] | None, theme_names: Sequence[str], model_version: str,
    first: int = 1, scored: dict[str, list] | None = None, doc_id: str | None = None, failed: bool = False,
) -> dict[str, list]:
    """Output columns for ``answers``, the scored qa segments of ``filing`` (in order).

    ``scored``: instead of ``answers`` (None), the segments' score columns from
    ``Scorer.score_columns`` (faster; the workers' path when no store wants the records).
    ``failed``: the segments could not be scored: status ``error``, null scores.
    ``status`` is ``answer_status`` of the answer as written to the row; an ``empty`` row's scores
    are null. ``doc_id`` is the whole-record table's id of the record, if any.
    """
    from nlp.scorer import answer_columns

    segments = filing.qa
    if answers is not None and len(segments) != len(answers):
        raise ValueError(f"{filing.source}: {len(answers)} scored answers for {len(segments)} qa segments")
    n = len(segments)
    company = filing.company or filing.name
    answer_text = [a.answer for a in answers] if answers is not None else [s.answer or "" for s in segments]
    status = ["error"] * n if failed else [answer_status(a) for a in answer_text]
    cols: dict[str, list] = {
        "row_id": row_keys(filing, first),
        "id": [s.ref for s in segments],
        "doc_id": [doc_id] * n,
        "source": [filing.source] * n,
        "filing_id": [filing.filing_id] * n,
        "company": [company] * n,
        "company_key": [company_key(filing.code, filing.name, filing.company)] * n,
        "code": [filing.code] * n,
        "date": [filing.date] * n,
        "period": [filing.period] * n,
        "segment": [s.number for s in segments],
        "question": [a.question for a in answers] if answers is not None else [s.question or "" for s in segments],
        "answer": answer_text,
        "status": status,
    }
    if failed:
        scores = {name: [None] * n for name in _score_names(theme_names)}
        scores["model_version"] = [model_version] * n
    elif answers is not None:
        scores = answer_columns(answers, theme_names, model_version)
    else:
        scores = dict(scored)  # type: ignore[arg-type]
    cols.update(scores)
    null_scores(cols, [k for k, s in enumerate(status) if s == "empty"])
    return cols


def _score_names(theme_names: Sequence[str]) -> list[str]:
    return [c.name for c in answer_schema(theme_names) if c.scored]


class KeyBook:
    """The row keys an output already holds, to make each new one unique (``~2``, ``~3``… for a
    key met again). Kept as 8-byte digests: ~60 bytes a row instead of the key itself."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.next: dict[str, int] = {}

    @staticmethod
    def _digest(key: str) -> int:
        return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")

    def add(self, key: str) -> None:
        self.seen.add(self._digest(key))

    def unique(self, keys: Sequence[str]) -> list[str] | None:
        """``keys`` made unique against the book (and each other), recorded; None when none changed."""
        changed = None
        for k, key in enumerate(keys):
            digest = self._digest(key)
            if digest in self.seen:
                n = self.next.get(key, 2)
                while self._digest(f"{key}~{n}") in self.seen:
                    n += 1
                self.next[key] = n + 1
                if changed is None:
                    changed = list(keys)
                changed[k] = key = f"{key}~{n}"
                digest = self._digest(key)
            self.seen.add(digest)
        return changed
