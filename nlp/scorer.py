"""The scoring core: answers (with their questions) → themes, tone and their explanations, a chunk at a time.

``Scorer`` holds the language data (tokenizer and its dictionary, theme definitions, tone lexicon,
stopwords) and the two learned models (``ThemeTagger``, ``ToneModel``; JSON in ``nlp/data/model.json``,
rebuilt by ``bench/train_models.py``), loaded lazily once per process. A chunk of answers flows one way:

    texts → TokenBatch (flat token ids, offsets, clause and sentence numbers; nlp.tokens)
          → features: lexicon evidence, word tokens, theme evidence (nlp.features.*)
          → models: theme probabilities, tone (nlp.models.*)
          → explanations: evidence, tone terms, tone words (nlp.explain), only where shown

A row's scores never depend on which other answers share its chunk. ``score_answers`` and
``score_frame`` (for Dask ``map_partitions`` and Spark ``mapInPandas``) run the same core as
``irtone batch``.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy import sparse

from nlp import __version__
from nlp.records import MEASURES, Filing, FilingScore, IrtoneError, ScoredAnswer

MODEL_FILE = "model.json"
CHUNK = 2000  # answers per pass through the core: big enough for the arrays, small enough for the cache


def text_fingerprint(answer: str) -> str:
    """sha1 of an answer's text with all whitespace removed (what ``trained_on`` records)."""
    return hashlib.sha1("".join(str(answer).split()).encode("utf-8")).hexdigest()


class Features(NamedTuple):
    """What the features of one chunk hand to the models and the explanations."""

    answers: object  # TokenBatch
    tone_dense: np.ndarray  # answers × tone FEATURE_NAMES (+ extra)
    tone_counts: object  # answers × tone model vocabulary (CSR) or None
    words: object  # Words of the answers
    theme_dense: np.ndarray  # (answers · themes) × theme FEATURE_NAMES
    theme_indicators: object  # answers × compiled per-theme rows (CSR, binary) or None
    themes: object  # ThemeEvidence
    lexicon: object  # LexiconEvidence of the answers
    questions: tuple  # distinct questions: (tone features, word counts, each answer's question, non-empty, TokenBatch)


class Scorer:
    """Scores answers for themes and tone.

    Parameters
    ----------
    theme_files : user theme files (JSON, the layout of ``nlp/lang/zh_ir/themes.json``) added to, or
        replacing by name, the built-in themes.
    tone_lexicon : a tone lexicon file replacing ``nlp/lang/zh_ir/tone_lexicon.txt``.
    user_dicts : extra tokenizer dictionaries.
    model_file : a model JSON replacing ``nlp/data/model.json``.
    engine : tokenizer engine ("auto", "rjieba", "jieba").
    theme_params, tone_params : parameters of the ``ThemeTagger`` and ``ToneModel`` that ``fit`` trains
        (default: those of the loaded model file), e.g. ``{"C": 3.0}``.
    snownlp_signal : add SnowNLP's sentiment as one more tone feature. Off by default: on the labelled
        answers it did not improve the cross-validated tone, and it runs ~100x slower than the rest;
        ``irtone eval`` reports it as "irtone + SnowNLP signal". A scorer with it must be ``fit`` first.
    """

    def __init__(self, theme_files: Iterable[str | Path] = (), tone_lexicon: str | Path | None = None,
                 user_dicts: Iterable[str | Path] = (), model_file: str | Path | None = None, engine: str = "auto",
                 snownlp_signal: bool = False, theme_params: dict | None = None, tone_params: dict | None = None):
        self.theme_files = tuple(theme_files)
        self.tone_lexicon = tone_lexicon
        self.user_dicts = tuple(user_dicts)
        self.model_file = model_file
        self.engine = engine
        self.snownlp_signal = snownlp_signal
        self.theme_params = theme_params
        self.tone_params = tone_params
        self._state = None

    # ------------------------------------------------------------------ loading
    def _load(self) -> dict:
        if self._state is not None:
            return self._state
        from nlp.features.themes import ThemeFeatures
        from nlp.features.tone import LexiconFeatures, ToneLexicon
        from nlp.features.words import WordTokens
        from nlp.lang import read_words
        from nlp.models.themes import ThemeWeights
        from nlp.models.tone import ToneWeights
        from nlp.themes import load_themes
        from nlp.tokens import Tokenizer

        tokenizer = Tokenizer(self.engine, self.user_dicts)
        themes = load_themes(self.theme_files)
        lexicon = ToneLexicon.load(self.tone_lexicon)
        if self.model_file is None:
            model_text = resources.files("nlp.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
        else:
            try:
                model_text = Path(self.model_file).read_text(encoding="utf-8")
            except OSError as err:
                raise IrtoneError(self.model_file, f"cannot read model ({err.__class__.__name__})") from None
        try:
            model = json.loads(model_text)
        except json.JSONDecodeError as err:
            raise IrtoneError(self.model_file or MODEL_FILE, f"model is not valid JSON ({err})") from None
        stopwords = read_words("stopwords.txt")
        digest = hashlib.sha1(model_text.encode("utf-8"))
        for t in themes:
            digest.update(json.dumps(t.__dict__, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        digest.update(repr(lexicon.entries).encode("utf-8"))
        digest.update(repr(tokenizer.entries).encode("utf-8"))
        digest.update(repr(sorted(stopwords)).encode("utf-8"))
        self._state = {
            "tokenizer": tokenizer,
            "themes": themes,
            "theme_features": ThemeFeatures(themes, tokenizer, lexicon.words("boilerplate")),
            "lexicon_features": LexiconFeatures(lexicon, tokenizer),
            "word_tokens": WordTokens(lexicon.words("negator"), stopwords),
            # a model file older than the features loads unfitted: fit() still works, scoring says to rebuild
            "theme_model": ThemeWeights.from_dict(model["themes"], allow_stale=True),
            "tone_model": ToneWeights.from_dict(model["tone"], allow_stale=True),
            "trained_on": frozenset(model.get("trained_on", ())),
            "training": dict(model.get("training", {})),
            "model_version": f"{__version__}+{digest.hexdigest()[:10]}",
        }
        self._models_changed()
        return self._state

    def _models_changed(self) -> None:
        """Forget what was derived from the models (the vocabulary's column tables, compiled weights)."""
        from nlp.tokens import Vocab

        s = self._state
        s["vocab"] = Vocab()
        s["model_key"] = object()
        tagger = s["theme_model"]
        names = [t.name for t in s["themes"]]
        s["compiled"] = tagger.compiled(names) if tagger.fitted and tagger.theme_bias_ else None
        tone = s["tone_model"]
        vocabulary = getattr(tone, "vocabulary_", None) or {}
        s["word_strings"] = sorted(vocabulary, key=vocabulary.__getitem__)  # column → learned word

    @property
    def theme_names(self) -> list[str]:
        return [t.name for t in self._load()["themes"]]

    @property
    def theme_labels(self) -> dict[str, str]:
        return {t.name: t.label for t in self._load()["themes"]}

    @property
    def model_version(self) -> str:
        return self._load()["model_version"]

    @property
    def trained_on(self) -> frozenset[str]:
        """Fingerprints (``text_fingerprint``) of the answers the current models were fitted on."""
        return self._load()["trained_on"]

    @property
    def training_info(self) -> dict:
        """What the model file says of its training (``bench/train_models.py``: label counts, CV figures)."""
        return self._load()["training"]

    @property
    def tokenizer(self):
        return self._load()["tokenizer"]

    # ------------------------------------------------------------------ features
    def features(self, questions: Sequence[str], answers: Sequence[str]) -> Features:
        """The features of one chunk of (cleaned) answers and their questions."""
        from nlp.features.words import column_table, count_matrix
        from nlp.tokens import cut_batch

        s = self._load()
        vocab = s["vocab"]
        if len(vocab) > vocab.MAX_STRINGS:
            self._models_changed()
            vocab = s["vocab"]
        tokenizer = s["tokenizer"]
        lexicon_f, theme_f, word_f = s["lexicon_features"], s["theme_features"], s["word_tokens"]
        distinct = list(dict.fromkeys(questions))  # IR tables repeat a question over several answers
        which = dict(zip(distinct, range(len(distinct))))
        question_of = np.fromiter(map(which.__getitem__, questions), dtype=np.int64, count=len(questions))
        qbatch = cut_batch(tokenizer, distinct, vocab)
        batch = cut_batch(tokenizer, answers, vocab)
        q_lex = lexicon_f.transform(qbatch)
        lex = lexicon_f.transform(batch)
        dense = self._tone_dense(lex, answers)
        q_dense = self._tone_dense(q_lex, distinct)
        words = word_f.transform(batch, lex.courtesy)
        q_words = word_f.transform(qbatch, q_lex.courtesy)
        tone_model = s["tone_model"]
        counts = q_counts = None
        if tone_model.fitted and tone_model.words:
            tables = column_table(vocab, tone_model.vocabulary_, ("tone", id(s["model_key"])))
            counts = count_matrix(words, len(batch), tables, len(tone_model.vocabulary_))
            q_counts = count_matrix(q_words, len(qbatch), tables, len(tone_model.vocabulary_))
        cues_q = theme_f.question_cues(qbatch)
        evidence = theme_f.transform(batch, [cues_q[q] for q in question_of.tolist()])
        indicators = self._indicators(batch, words, evidence) if s["compiled"] is not None else None
        return Features(batch, dense, counts, words, evidence.X, indicators, evidence, lex,
                        (q_dense, q_counts, question_of, np.array([bool(q) for q in distinct], dtype=bool), qbatch))

    def _tone_dense(self, lex, texts: Sequence[str]) -> np.ndarray:
        from nlp.models.tone import lexicon_features

        dense = lexicon_features(lex.positive, lex.negative, lex.promised, lex.hedge, lex.deflection,
                                 lex.n_sentences, lex.length)
        if self.snownlp_signal:
            from nlp.baselines import snownlp_tone

            dense = np.column_stack([dense, [snownlp_tone(t) for t in texts]])
        return dense

    def _indicators(self, batch, words, evidence):
        """Answers × compiled per-theme rows: the answer's words (≥ 2 characters) and each theme's
        matched entries, as a binary CSR."""
        from nlp.features.words import column_table, count_matrix

        s = self._state
        index = s["compiled"][0]
        word_rows = {w: i for w, i in index.items() if isinstance(w, str) and len(w) >= 2}
        tables = column_table(batch.vocab, word_rows, ("theme", id(s["model_key"])))
        n_rows = len(index) + 1
        matrix = count_matrix(words, len(batch), tables, n_rows, binary=True)
        extra_r, extra_c = [], []
        entry_keys = s["theme_features"].entry_keys
        for d, by_theme in evidence.found.items():
            for name, lists in by_theme.items():
                for key in entry_keys(lists):
                    i = index.get((name, key))
                    if i is not None:
                        extra_r.append(d), extra_c.append(i)
        if extra_r:
            matrix = matrix + sparse.csr_matrix((np.ones(len(extra_r)), (extra_r, extra_c)), shape=matrix.shape)
            matrix.data[:] = 1.0
        return matrix

    # ------------------------------------------------------------------ models
    def _check_models(self) -> None:
        s = self._load()
        if not (s["theme_model"].fitted and s["tone_model"].fitted):
            raise IrtoneError(self.model_file or "nlp/data/model.json",
                              "the model was fitted on other features: rebuild it with python bench/train_models.py")
        if len(s["tone_model"].feature_names_) != len(s["tone_model"].FEATURE_NAMES) + self.snownlp_signal:
            raise IrtoneError("model", "the tone model was not fitted with the SnowNLP signal: call fit() first")

    def _predict(self, f: Features):
        """(theme probabilities answers × themes, tone scores, tone side logits, TF-IDF rows)."""
        s = self._state
        names = self.theme_names
        probs = s["theme_model"].predict_proba_arrays(f.theme_dense, len(names), f.theme_indicators, s["compiled"])
        pos, neg, T = s["tone_model"].decision_arrays(f.tone_dense, f.tone_counts)
        return probs, s["tone_model"]._score(pos, neg), pos, neg, T

    def _question_tone(self, f: Features) -> np.ndarray:
        """Each answer's question's tone, by the answers' tone model (NaN without a question)."""
        q_dense, q_counts, question_of, asked, _ = f.questions
        tone = self._state["tone_model"].predict_arrays(q_dense, q_counts)
        return np.where(asked, tone, np.nan)[question_of]

    def _chunks(self, questions, answers):
        for start in range(0, len(answers), CHUNK):
            yield start, clean_texts(questions[start:start + CHUNK]), clean_texts(answers[start:start + CHUNK])

    # ------------------------------------------------------------------ fitting
    def fit(self, labels) -> Scorer:
        """Refit the theme tagger and the tone model on labelled answers.

        ``labels``: DataFrame (or records) with question, answer, themes (list of names), tone
        (-2..2, the labelling guide's scale), and optionally ``weight`` (how much an answer counts,
        default 1). Themes not in the labels count as untagged.
        """
        import pandas as pd

        from nlp.features.themes import FEATURE_NAMES as THEME_FEATURES
        from nlp.models.estimators import ThemeTagger, ToneModel
        from nlp.models.tone import FEATURE_NAMES as TONE_FEATURES

        df = pd.DataFrame(labels)
        s = self._load()
        names = self.theme_names
        questions = clean_texts(q if isinstance(q, str) else "" for q in df.get("question", [""] * len(df)))
        answers = clean_texts(a if isinstance(a, str) else "" for a in df["answer"])
        f = self.features(questions, answers)
        vocab = f.answers.vocab
        word_strings = f.words.strings(vocab)
        per_answer = [[] for _ in range(len(answers))]
        for d, w in zip(f.words.doc.tolist(), word_strings):
            per_answer[d].append(w)
        weight = (df["weight"].fillna(1.0).to_numpy(dtype=float) if "weight" in df.columns else np.ones(len(df)))
        tone_names = list(TONE_FEATURES) + (["snownlp"] if self.snownlp_signal else [])
        tone_X = pd.DataFrame(f.tone_dense, columns=tone_names)
        tone_X["words"] = per_answer
        theme_X = pd.DataFrame(f.theme_dense, columns=list(THEME_FEATURES))
        entry_keys = s["theme_features"].entry_keys
        keys = []
        for d, words in enumerate(per_answer):
            word_keys = {f"w|{w}" for w in words if len(w) >= 2}
            found = f.themes.found.get(d, {})
            for name in names:
                keys.append(tuple(sorted(word_keys | set(entry_keys(found[name])) if name in found else word_keys)))
        theme_X["theme"] = names * len(per_answer)
        theme_X["keys"] = keys
        ty = np.asarray([[n in set(themes) for n in names] for themes in df["themes"]], dtype=int).reshape(-1)
        theme_params = dict(self.theme_params) if self.theme_params is not None else s["theme_model"].get_params()
        tone_params = dict(self.tone_params) if self.tone_params is not None else s["tone_model"].get_params()
        tone_params["extra_features"] = ("snownlp",) if self.snownlp_signal else ()
        if len(np.unique(ty)) == 2:  # labels with no theme at all cannot teach the tagger: keep the current one
            s["theme_model"] = ThemeTagger(**theme_params).fit(theme_X, ty, sample_weight=np.repeat(weight, len(names)))
        s["tone_model"] = ToneModel(**tone_params).fit(tone_X, df["tone"].to_numpy(dtype=float) / 2.0,
                                                       sample_weight=weight)
        s["trained_on"] = frozenset(text_fingerprint(a) for a in df["answer"])
        s["model_version"] = s["model_version"].split("+")[0] + "+fit" + hashlib.sha1(
            "".join(sorted(s["trained_on"])).encode()).hexdigest()[:6]
        self._models_changed()
        return self

    def model_dict(self) -> dict:
        s = self._load()
        return {
            "about": "irtone's learned weights: a pooled theme tagger and a tone model over the features in "
                     "nlp/features/. Rebuild with: python bench/train_models.py",
            "themes": s["theme_model"].to_dict(),
            "tone": s["tone_model"].to_dict(),
            "trained_on": sorted(s["trained_on"]),
        }

    # ------------------------------------------------------------------ scoring
    def score_answer(self, question: str, answer: str, number: int | None = None) -> ScoredAnswer:
        return self.score_many([question], [answer], [number])[0]

    def score_many(self, questions: Sequence[str], answers: Sequence[str],
                   numbers: Sequence[int | None] | None = None) -> list[ScoredAnswer]:
        """Scored answers with every theme's result, evidence and tone explanation (the records the
        report shows)."""
        from nlp.output.schema import answer_status
        from nlp.records import AnswerMeasures, Evidence, TermContribution, ThemeResult, ToneResult
        from nlp.scale import tone_label

        self._check_models()
        questions, answers = list(questions), list(answers)
        out: list[ScoredAnswer] = []
        themes = self._load()["themes"]
        for start, qs, ans in self._chunks(questions, answers):
            rows = self._rows(qs, ans)
            for k in range(len(ans)):
                results = []
                for j, t in enumerate(themes):
                    ev = rows.evidence(k, j)
                    tagged = bool(rows.tagged[k, j])
                    results.append(ThemeResult(t.name, rows.scores[k][j], tagged, Evidence(*ev) if ev else None,
                                               rows.theme_words(k, j) if tagged else ()))
                tone = rows.tone[k]
                values = {m: _optional(rows.measures[m][k]) for m in MEASURES}
                values["evasive"] = None if values["evasive"] is None else bool(values["evasive"])
                measures = AnswerMeasures(**values)
                out.append(ScoredAnswer(
                    number=numbers[start + k] if numbers is not None else None, question=qs[k], answer=ans[k],
                    tone=ToneResult(tone, tone_label(tone), tuple(TermContribution(*c) for c in rows.terms(k)),
                                    rows.tone_words[k]),
                    themes=tuple(results),
                    status=answer_status(ans[k]),
                    measures=measures,
                ))
        return out

    def _rows(self, questions: list[str], answers: list[str]) -> ChunkRows:
        with _collector_paused():
            f = self.features(questions, answers)
            probs, tones, pos, neg, T = self._predict(f)
            rows = ChunkRows(self, f, probs, tones, pos, neg, T)
            rows.measures = self._measures(f, questions, answers)
        return rows

    def _measures(self, f: Features, questions: list[str], answers: list[str]) -> dict[str, np.ndarray]:
        """The answer measures of a chunk (``MEASURES``), one array each."""
        from nlp.explain import round4
        from nlp.features.measures import measure_columns

        measured = measure_columns(answers, questions, None, None, f.lexicon.terms,
                                   token_batches=(f.answers, f.questions[4], f.questions[2]))
        out = {name: round4(np.asarray(measured[name], dtype=float)) for name in MEASURES if name in measured}
        out["question_tone"] = round4(self._question_tone(f))
        return {name: out.get(name, np.full(len(answers), np.nan)) for name in MEASURES}

    def score_filing(self, filing: Filing) -> FilingScore:
        from nlp.filing import aggregate

        qa = filing.qa
        answers = self.score_many([seg.question for seg in qa], [seg.answer for seg in qa], [seg.number for seg in qa])
        return aggregate(filing, answers, self.theme_names, self.model_version)

    def score_columns(self, questions: Sequence[str], answers: Sequence[str], *,
                      offsets_into_given: bool = False) -> dict[str, list]:
        """The output columns of many answers (see docs/output.md): tone, tone_label, themes,
        score_<theme>, evidence, tone_terms, tone_words (JSON strings), model_version.

        Texts are scored cleaned (``clean_texts``); evidence and tone-term offsets index the cleaned
        text, or with ``offsets_into_given`` the answer as given (``answer[start:end] == sentence``)."""
        from nlp.explain import encode, tone_terms_json, tone_words_json
        from nlp.scale import tone_label

        self._check_models()
        s = self._load()
        names = self.theme_names
        cols: dict[str, list] = {"tone": [], "tone_label": [], "themes": []}
        for name in names:
            cols[f"score_{name}"] = []
        for name in MEASURES:
            cols[name] = []
        cols.update(evidence=[], tone_terms=[], tone_words=[])
        answers = list(answers)
        for start, qs, ans in self._chunks(list(questions), answers):
            rows = self._rows(qs, ans)
            # where the cleaning changed an answer, its offsets move into the text as given
            where = ({k: _alignment(answers[start + k], a) for k, a in enumerate(ans) if a and a != answers[start + k]}
                     if offsets_into_given else {})
            cols["tone"].extend(rows.tone)
            cols["tone_label"].extend(tone_label(t) for t in rows.tone)
            for j, name in enumerate(names):
                cols[f"score_{name}"].extend(rows.scores_array[:, j].tolist())
            for name in MEASURES:  # undefined: null (NaN in a DataFrame, null in every output format)
                cols[name].extend(None if v != v else v for v in rows.measures[name].tolist())
            any_tagged = rows.tagged.any(axis=1).tolist()
            for k, tagged_here in enumerate(any_tagged):
                if not tagged_here:  # most answers: no theme, no evidence
                    cols["themes"].append([])
                    cols["evidence"].append("{}")
                    continue
                row_tagged, evidence = [], {}
                for j, name in enumerate(names):
                    if rows.tagged[k, j]:
                        row_tagged.append(name)
                        ev = rows.evidence(k, j)
                        if ev is not None:
                            sentence, first, end = ev[1], ev[2], ev[3]
                            if k in where:
                                first, end = where[k][first], where[k][max(end - 1, first)] + 1
                                sentence = answers[start + k][first:end]
                            evidence[name] = {"score": rows.scores[k][j], "terms": list(ev[0]), "sentence": sentence,
                                              "start": first, "end": end,
                                              "words": [list(wc) for wc in rows.theme_words(k, j)]}
                cols["themes"].append(row_tagged)
                cols["evidence"].append(encode(evidence) if evidence else "{}")
            cols["tone_terms"].extend(
                tone_terms_json([(t, w, where[k][at], n) for t, w, at, n in rows.terms(k)] if k in where else rows.terms(k))
                for k in range(len(ans)))
            cols["tone_words"].extend(tone_words_json(w) for w in rows.tone_words)
        cols["model_version"] = [s["model_version"]] * len(cols["tone"])
        return cols

    def score_answers(self, df):
        """Score a DataFrame of answers (columns ``answer`` and optionally ``question``, ``id`` …).

        Returns a new DataFrame in the same row order and index: the input's columns, then the output
        columns (``score_columns``). The input is not modified. Texts are scored cleaned as the parser
        cleans a record's (``clean_texts``), but evidence and tone-term offsets index the answer as given
        (``answer[start:end] == sentence``); an empty or missing answer (None, NaN, pd.NA) gets null
        scores (NaN tone, scores and measures, no label).
        """
        import pandas as pd

        if "answer" not in df.columns:
            raise IrtoneError("<DataFrame>", f"needs an 'answer' column; found {list(df.columns)}")
        # tolist(): one conversion per column, much cheaper than iterating an Arrow-backed Series
        answers = [_text(a) for a in df["answer"].tolist()]
        questions = [_text(q) for q in df["question"].tolist()] if "question" in df.columns else [""] * len(df)
        out = df.copy()
        columns = self.score_columns(questions, answers, offsets_into_given=True)
        for k in [k for k, a in enumerate(answers) if not a.strip()]:  # nothing to score: null, not a score
            for col, values in columns.items():
                if col == "tone" or col.startswith("score_") or col in MEASURES:
                    values[k] = float("nan")
                elif col == "tone_label":
                    values[k] = None
        for col, values in columns.items():
            # explicit dtypes, so that an empty frame (an empty Dask partition) has the same types
            dtype = "float64" if col == "tone" or col.startswith("score_") or col in MEASURES else "object"
            out[col] = pd.Series(values, index=df.index, dtype=dtype)
        return out


class ChunkRows:
    """One chunk's model outputs and the explanations built from them on demand."""

    def __init__(self, scorer: Scorer, f: Features, probs, tones, pos, neg, T):
        from nlp.explain import round4

        s = scorer._state
        self.f = f
        self.names = scorer.theme_names
        self.scores_array = round4(probs)
        self.scores = self.scores_array.tolist()
        # the tag compares the score as shown (4 decimals): a 0.39999667 shown as 0.4 is tagged at 0.4
        self.tagged = (self.scores_array >= s["theme_model"].threshold) & self._term_mask()
        self.tone = round4(tones).tolist()
        self._tagger = s["theme_model"]
        self._compiled = s["compiled"]
        self._word_strings = s["word_strings"]
        self.tone_words = self._tone_words(s["tone_model"], pos, neg, T)
        self._sentence_breaks: dict[int, list[int]] = {}

    def _term_mask(self) -> np.ndarray:
        """(answers × themes): whether a core or related term of the theme is in the answer. A tag needs
        one: every tag carries its evidence, whatever the learned weights add."""
        mask = np.zeros((len(self.f.answers), len(self.names)), dtype=bool)
        column = {name: j for j, name in enumerate(self.names)}
        for d, by_theme in self.f.themes.found.items():
            for name, (core, related, _) in by_theme.items():
                if core or related:
                    mask[d, column[name]] = True
        return mask

    def terms(self, k: int) -> tuple:
        return self.f.lexicon.terms[k]

    def evidence(self, k: int, j: int):
        from nlp.explain import evidence_tuple

        lists = self.f.themes.found.get(k, {}).get(self.names[j])
        if lists is None or not (lists[0] or lists[1]):
            return None
        batch = self.f.answers
        base = int(batch.doc_ptr[k])
        breaks = self._sentence_breaks.get(k)
        if breaks is None:
            breaks = self._sentence_breaks[k] = (np.flatnonzero(
                batch.is_sentence_break[base:batch.doc_ptr[k + 1]])).tolist()
        core = [(w, i - base, e) for w, i, e in lists[0]]
        related = [(w, i - base, e) for w, i, e in lists[1]]
        return evidence_tuple(core, related, batch.doc_tokens(k), breaks)

    def theme_words(self, k: int, j: int) -> tuple:
        if self.f.theme_indicators is None or self._compiled is None:
            return ()
        M = self.f.theme_indicators
        return self._tagger.top_words(self._compiled, M.indices[M.indptr[k]:M.indptr[k + 1]].tolist(), j)

    def _tone_words(self, model, pos, neg, T) -> list[tuple]:
        from nlp.explain import strongest_words

        n = len(self.f.answers)
        if T is None or not model.words:
            return [()] * n
        C = model.word_contributions(pos, neg, T)
        words = self.f.words
        cols = _word_columns(self.f, model)
        # first occurrence of each (answer, word column), in token order
        known = cols >= 0
        keys = words.doc[known] * (len(model.vocabulary_) + 1) + cols[known]
        unique, first_index = np.unique(keys, return_index=True)
        first_pos = words.position[known][first_index]
        C = sparse.csr_matrix(C)
        C.sort_indices()
        rows = np.repeat(np.arange(n), np.diff(C.indptr))
        stored = rows * (len(model.vocabulary_) + 1) + C.indices
        first_seen = first_pos[np.searchsorted(unique, stored)] if len(stored) else np.zeros(0, np.int64)
        strings = self._word_strings
        return strongest_words(C, first_seen, strings)


def _word_columns(f: Features, model) -> np.ndarray:
    """Each word token's column in the tone model's vocabulary (-1: not learned)."""
    from nlp.features.words import column_table

    plain, marked = column_table(f.answers.vocab, model.vocabulary_, ("tone_explain", id(model)))
    ids = f.words.ids
    return np.where(f.words.negated, marked[ids], plain[ids]) if len(ids) else np.zeros(0, np.int64)


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while a chunk is scored (as ``timeit`` pauses it): the
    core allocates many short-lived tuples and no cycles, and each collection would walk them all
    (about 5 % of the scoring time in paired runs). It resumes, as it was, when the chunk is done or fails."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def clean_texts(texts: Iterable[str | None]) -> list[str]:
    """Texts as the parser leaves a record's answers (``nlp.text.normalize_segment_text``: line breaks
    and spaces removed, one space kept between Latin letters), so that an answer scores the same through
    the API, a table or a disclosure, and as it did in training. Offsets index the cleaned text."""
    from nlp.text import normalize_segment_text

    whitespace = re.compile(r"\s")
    out = []
    for text in texts:
        if not text:
            out.append("")
        elif whitespace.search(text):
            out.append(normalize_segment_text(text))
        else:
            out.append(text)
    return out


def _alignment(given: str, clean: str) -> list[int]:
    """For each character of ``clean`` (``given`` as ``clean_texts`` leaves it: line breaks and most
    whitespace removed, one space kept between Latin letters), its index in ``given``; one past the end
    maps to ``len(given)``. Built run by run of non-space characters; a kept space is the whitespace
    right after the run before it."""
    where: list[int] = []
    pieces: list[str] = []
    at, end = 0, 0
    for mo in _NON_SPACE_RUN.finditer(given):
        if at < len(clean) and clean[at] == " " and where:
            where.append(end)
            pieces.append(" ")
            at += 1
        start, end = mo.span()
        where.extend(range(start, end))
        pieces.append(mo.group())
        at += end - start
    if "".join(pieces) != clean:  # a text the cleaning did not make
        return _alignment_scan(given, clean)
    where.append(len(given))
    return where


_NON_SPACE_RUN = re.compile(r"\S+")


def _alignment_scan(given: str, clean: str) -> list[int]:
    """``_alignment`` by a scan of both texts: the general case (a text the cleaning did not make alone)."""
    where, i = [], 0
    for ch in clean:
        while i < len(given) and not (given[i] == ch or (ch == " " and given[i].isspace())):
            i += 1
        where.append(min(i, len(given) - 1))
        i += 1
    where.append(len(given))
    return where


def _measure_value(measures, name: str) -> float | None:
    value = getattr(measures, name, None) if measures is not None else None
    return None if value is None else float(value)


def _optional(value):
    """A measure's value for a record: None for NaN, bools and floats as they are."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    value = float(value)
    return None if value != value else value


def _text(value) -> str:
    """A cell as text: None, NaN and pd.NA are empty."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def answer_columns(scored: Sequence[ScoredAnswer], theme_names: Sequence[str], model_version: str) -> dict[str, list]:
    """``score_columns``'s columns for already scored answers (``ScoredAnswer`` records)."""
    from nlp.explain import evidence_json, tone_terms_json, tone_words_json

    cols: dict[str, list] = {
        "tone": [a.tone.score for a in scored],
        "tone_label": [a.tone.label for a in scored],
        "themes": [list(a.tagged) for a in scored],
    }
    for name in theme_names:
        cols[f"score_{name}"] = [(a.theme(name).score if a.theme(name) else 0.0) for a in scored]
    for name in MEASURES:
        cols[name] = [_measure_value(a.measures, name) for a in scored]
    cols["evidence"] = [evidence_json(a.themes) for a in scored]
    cols["tone_terms"] = [tone_terms_json([(c.term, c.weight, c.start, c.negated) for c in a.tone.terms]) for a in scored]
    cols["tone_words"] = [tone_words_json(a.tone.words) for a in scored]
    cols["model_version"] = [model_version] * len(scored)
    return cols


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """One default Scorer per process (its models are read-only once loaded)."""
    return Scorer()


def score_answers(df, scorer: Scorer | None = None):
    """Score a DataFrame of answers with the default (or a given) Scorer."""
    return (scorer or default_scorer()).score_answers(df)


def score_frame(df):
    """Pure DataFrame → DataFrame scoring for Dask ``map_partitions`` and Spark ``mapInPandas``.

    Same rows, order and index as the input, same columns as ``score_answers``. Deterministic.
    """
    return default_scorer().score_answers(df)


def score_filing(filing: Filing, scorer: Scorer | None = None) -> FilingScore:
    return (scorer or default_scorer()).score_filing(filing)
