"""irtone: tone and theme analysis of Chinese investor-relations disclosures.

The public API is imported lazily so that ``import nlp`` (and ``irtone --help``) stays fast:

    nlp.read_file(path) -> RawDocument; nlp.read_documents(path), nlp.iter_inputs(paths) for many
    nlp.parse_file(path) -> Filing; nlp.parse_document(doc), nlp.parse_text(text)
    nlp.score_filing(filing) -> FilingScore
    nlp.score_answers(df) -> DataFrame
    nlp.score_frame(df) -> DataFrame       (pure; for Dask map_partitions / Spark mapInPandas)
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "read_file": "nlp.read",
    "read_documents": "nlp.read",
    "iter_inputs": "nlp.read",
    "parse_file": "nlp.parse",
    "parse_document": "nlp.parse",
    "parse_text": "nlp.parse",
    "score_filing": "nlp.scorer",
    "score_answers": "nlp.scorer",
    "score_frame": "nlp.scorer",
    "Scorer": "nlp.scorer",
    "IrtoneError": "nlp.records",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nlp' has no attribute {name!r}")
