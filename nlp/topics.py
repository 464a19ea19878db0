"""Emergent topics: NMF over the answers of a set of filings, so analysts see themes nobody defined.

``TopicModel`` follows scikit-learn's conventions: parameters in ``__init__``, ``fit`` on token
lists, learned state in ``vocabulary_``, ``components_`` and ``topics_``. Each topic is reported
with its top terms and, where its terms overlap a defined theme's, the nearest theme.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Topic:
    index: int
    terms: tuple[tuple[str, float], ...]  # (term, weight), strongest first
    share: float  # share of the answers whose strongest topic this is
    nearest_theme: str | None  # a defined theme sharing the most top terms, if any
    shared_terms: tuple[str, ...] = ()  # the top terms it shares with that theme's terms


class TopicModel:
    """NMF topics over answers (token lists; ``nlp.compare.TermFilter`` gives the content terms).

    Parameters: ``k`` topics, ``max_features`` vocabulary size, ``min_df``, ``top_n`` terms per topic,
    ``random_state``.
    """

    def __init__(self, k: int = 8, max_features: int = 5000, min_df: int = 2, top_n: int = 10, random_state: int = 0):
        self.k = k
        self.max_features = max_features
        self.min_df = min_df
        self.top_n = top_n
        self.random_state = random_state

    def fit(self, token_lists: Sequence[Sequence[str]], themes=()) -> TopicModel:
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = [list(t) for t in token_lists if t]
        if len(docs) < self.k:
            raise ValueError(f"need at least k={self.k} non-empty answers for {self.k} topics, got {len(docs)}")
        vec = TfidfVectorizer(analyzer=lambda d: d, max_features=self.max_features,
                              min_df=min(self.min_df, len(docs)), sublinear_tf=True)
        X = vec.fit_transform(docs)
        nmf = NMF(n_components=self.k, init="nndsvda", random_state=self.random_state, max_iter=1000)
        W = nmf.fit_transform(X)
        vocab = vec.get_feature_names_out()
        self.vocabulary_ = vocab
        self.components_ = nmf.components_
        dominant = W.argmax(axis=1)
        has_topic = W.max(axis=1) > 0
        theme_terms = {t.name: {w.split("|")[0] for w in (*t.core, *t.related)} for t in themes}
        topics = []
        for i, row in enumerate(nmf.components_):
            top = np.argsort(-row)[: self.top_n]
            terms = tuple((str(vocab[j]), round(float(row[j]), 4)) for j in top if row[j] > 0)
            words = {w for w, _ in terms}
            overlap = {name: len(words & tt) for name, tt in theme_terms.items()}
            nearest = max(overlap, key=overlap.get) if overlap and max(overlap.values()) >= 2 else None
            shared = tuple(w for w, _ in terms if nearest is not None and w in theme_terms[nearest])
            share = float(((dominant == i) & has_topic).sum()) / len(docs)
            topics.append(Topic(index=i, terms=terms, share=round(share, 4), nearest_theme=nearest, shared_terms=shared))
        self.topics_ = tuple(sorted(topics, key=lambda t: -t.share))
        return self
