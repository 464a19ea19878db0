"""The scoring pipeline: tokens → themes and tone → ScoredAnswer → FilingScore.

``Scorer`` is the one object that holds the language data (tokenizer with its dictionary, theme
definitions, tone lexicon) and the two small learned models (``ThemeTagger``, ``ToneModel``, stored
as JSON in ``nlp/data/model.json``; rebuilt by ``bench/train_models.py``). Everything loads lazily on
first use, once per process. ``score_frame`` is a pure DataFrame → DataFrame function for Dask
``map_partitions`` and Spark ``mapInPandas``.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from importlib import resources
from json.encoder import encode_basestring as _json_str
from math import isfinite
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from nlp import __version__
from nlp.records import Filing, FilingScore, IrtoneError, ScoredAnswer

MODEL_FILE = "model.json"
QUESTION_MEMO = 50_000  # questions remembered per Scorer (then forgotten all at once)


def text_fingerprint(answer: str) -> str:
    """sha1 of an answer's text with all whitespace removed (what ``trained_on`` records)."""
    return hashlib.sha1("".join(str(answer).split()).encode("utf-8")).hexdigest()


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
        (default: those of the loaded model file), e.g. ``{"alpha": 3.0, "words": True}``.
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
    def _load(self):
        if self._state is not None:
            return self._state
        from nlp.compare import load_stopwords
        from nlp.matching import MatcherSet
        from nlp.themes import ThemeFeaturizer, ThemeTagger, load_themes
        from nlp.tokens import CLAUSE_BREAKS, Tokenizer
        from nlp.tone import ToneFeaturizer, ToneLexicon, ToneModel

        tokenizer = Tokenizer(self.engine, self.user_dicts)
        themes = load_themes(self.theme_files)
        lexicon = ToneLexicon.load(self.tone_lexicon)
        deflection = lexicon.words("boilerplate")
        if self.model_file is None:
            model_text = resources.files("nlp.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
        else:
            try:
                model_text = Path(self.model_file).read_text(encoding="utf-8")
            except OSError as err:
                raise IrtoneError(self.model_file, f"cannot read model ({err.__class__.__name__})") from None
        model = json.loads(model_text)
        digest = hashlib.sha1(model_text.encode("utf-8"))
        for t in themes:
            digest.update(json.dumps(t.__dict__, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        digest.update(repr(lexicon.entries).encode("utf-8"))
        stopwords = load_stopwords()
        digest.update(repr(tokenizer.entries).encode("utf-8"))
        digest.update(repr(sorted(stopwords)).encode("utf-8"))
        theme_features = ThemeFeaturizer(themes, tokenizer, deflection)
        tone_features = ToneFeaturizer(lexicon, tokenizer, stopwords)
        self._state = {
            "tokenizer": tokenizer,
            "themes": themes,
            "theme_features": theme_features,
            "tone_features": tone_features,
            # one pass over an answer's tokens for all its matchers and its clause breaks; one over a question's
            "answer_scan": MatcherSet(
                [theme_features.answer_matcher, theme_features.deflection_matcher, tone_features.matcher],
                marks=CLAUSE_BREAKS),
            "question_scan": MatcherSet([theme_features.question_matcher, tone_features.matcher], marks=CLAUSE_BREAKS),
            "question_memo": {},
            # a model file older than the features loads unfitted: fit() still works, scoring says to rebuild
            "theme_model": ThemeTagger.from_dict(model["themes"], allow_stale=True),
            "tone_model": ToneModel.from_dict(model["tone"], allow_stale=True),
            "trained_on": frozenset(model.get("trained_on", ())),
            "training": dict(model.get("training", {})),
            "model_version": f"{__version__}+{digest.hexdigest()[:10]}",
        }
        return self._state

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
    def _analyze(self, questions: Sequence[str], answers: Sequence[str], terms_as_json: bool = False,
                 keep_tokens: bool = False):
        """Tokens, term matches and feature rows of many answers (with their questions).

        Returns ``(matched, terms, theme_x, tone_x, words)``: per answer what its evidence needs, ``(tokens,
        sentence breaks, ((theme, core matches, related matches), ...))``, or None when no core or
        related term matched (kept only where needed and as tuples of strings and numbers, which
        Python's garbage collector stops tracking: the many per-answer lists and dicts a batch kept
        alive made its collections cost a fifth of the scoring time); per answer its tone terms
        (``tone_terms_json`` of them with ``terms_as_json``); the theme feature matrix (one row per
        answer and theme, answer by answer) and the tone feature matrix (one row per answer). The
        per-token work is Python, one pass over each text for all matchers; the models then run
        once over the matrices instead of once per answer (numpy's per-call cost dominates on
        arrays of one answer). ``words``: per answer the learned words' share of the tone score and
        its strongest words (``tone_words``; as JSON with ``terms_as_json``), plus every answer's
        tokens with ``keep_tokens`` (what ``fit`` learns the words from).
        """
        from nlp.matching import fold_tokens
        from nlp.themes import entry_keys
        from nlp.tokens import SENTENCE_BREAKS

        s = self._load()
        tok, theme_f, tone_f = s["tokenizer"], s["theme_features"], s["tone_features"]
        answer_scan = s["answer_scan"]
        question_info = self._question_info(questions)
        if self.snownlp_signal:
            from nlp.baselines import snownlp_tone
        cut = tok.cutter()
        tone_model, theme_model = s["tone_model"], s["theme_model"]
        learned = tone_model.fitted and getattr(tone_model, "words_", None) is not None
        per_theme = bool(getattr(theme_model, "theme_bias_", None))  # the tagger's own weights per theme
        names = [t.name for t in s["themes"]]
        matched, terms, theme_rows, tone_rows, word_scores, word_terms, kept = [], [], [], [], [], [], []
        theme_extra, kept_entries = [], []
        for answer, (cues, q_tone) in zip(answers, question_info):
            # tokenized here, not all up front: the next steps find the new tokens still in the CPU cache
            at = cut(answer)
            text = "".join(at)
            folded = fold_tokens(at, text)
            (theme_hits, deflections, tone_hits), clause_breaks = answer_scan.scan(at, folded, text)
            sentence_breaks = [i for i in clause_breaks if at[i] in SENTENCE_BREAKS]
            found = theme_f.scan_answer(at, folded, theme_hits)
            theme_rows.extend(theme_f.feature_rows(found, cues, at, folded, sentence_breaks, deflections, text))
            a_tone = tone_f.scan(at, folded, (clause_breaks, sentence_breaks), tone_hits, text)
            row = tone_f.scan_features(a_tone, q_tone)
            if self.snownlp_signal:
                row += (snownlp_tone(answer),)
            tone_rows.append(row)
            evidence_terms = tuple((name, tuple(core), tuple(related)) for name, (core, related, _) in found.items()
                                   if core or related) if found else ()
            matched.append((tuple(at), tuple(sentence_breaks), evidence_terms) if evidence_terms else None)
            terms.append(tone_terms_json(a_tone[0]) if terms_as_json else a_tone[0])
            if learned or keep_tokens or per_theme:
                words_read = tone_f.word_tokens(at, tone_hits)
            if per_theme or keep_tokens:
                entries = {name: entry_keys(lists) for name, lists in found.items()} if found else {}
                if per_theme:
                    # the learned words are of two characters or more (answer_words): others find no index
                    theme_extra.append(theme_model.feature_indices(names, entries, words_read))
                if keep_tokens:
                    kept_entries.append(entries)
            if learned:
                total, parts = tone_model.word_part(words_read)
                word_scores.append(total)
                strongest = strongest_words(tone_model.word_contributions(row, total, parts))
                word_terms.append(tone_words_json(strongest) if terms_as_json else strongest)
            else:
                word_terms.append("[]" if terms_as_json else ())
            if keep_tokens:
                kept.append(words_read)
        theme_x = np.array(theme_rows, dtype=float).reshape(-1, len(s["theme_model"].FEATURE_NAMES))
        tone_x = np.array(tone_rows, dtype=float).reshape(-1, len(s["tone_model"].FEATURE_NAMES) + self.snownlp_signal)
        words = (word_scores if learned else None, word_terms, kept if keep_tokens else None,
                 kept_entries if keep_tokens else None,
                 theme_model.theme_part_rows(names, theme_extra) if per_theme else None,
                 theme_extra if per_theme else None)
        return matched, terms, theme_x, tone_x, words

    def _question_info(self, questions: Sequence[str]) -> list[tuple]:
        """Per question: (names of the themes it cues, its tone ``scan`` or None for no question).

        Memoized per question text (bounded): in IR tables one question often heads several answers.
        """
        from nlp.matching import fold_tokens
        from nlp.tokens import SENTENCE_BREAKS

        s = self._load()
        memo = s["question_memo"]
        if len(memo) > QUESTION_MEMO:
            memo.clear()
        todo = list(dict.fromkeys(q for q in questions if q not in memo))
        if todo:
            theme_f, tone_f, question_scan = s["theme_features"], s["tone_features"], s["question_scan"]
            cut = s["tokenizer"].cutter()
            for question in todo:
                if not question:
                    memo[question] = ((), None)
                    continue
                qt = cut(question)
                text = "".join(qt)
                folded = fold_tokens(qt, text)
                (cue_hits, tone_hits), clause_breaks = question_scan.scan(qt, folded, text)
                breaks = clause_breaks, [i for i in clause_breaks if qt[i] in SENTENCE_BREAKS]
                tone = tone_f.scan(qt, folded, breaks, tone_hits, text)
                # tuples of strings and numbers only: the garbage collector stops tracking them
                memo[question] = (tuple(theme_f.question_cues(qt, folded, cue_hits)), (None, tone[1], tone[2]))
        return [memo[q] for q in questions]

    def _predict(self, questions: Sequence[str], answers: Sequence[str], terms_as_json: bool = False):
        """``(matched, (tone terms, tone words), theme probabilities (answers × themes), tone scores)``:
        ``_analyze``, then the models."""
        s = self._load()
        if not (s["theme_model"].fitted and s["tone_model"].fitted):
            raise IrtoneError(self.model_file or "nlp/data/model.json",
                              "the model was fitted on other features: rebuild it with python bench/train_models.py")
        if len(s["tone_model"].feature_names_) != len(s["tone_model"].FEATURE_NAMES) + self.snownlp_signal:
            raise IrtoneError("model", "the tone model was not fitted with the SnowNLP signal: call fit() first")
        matched, terms, theme_x, tone_x, (word_scores, word_terms, _, _, theme_extra, theme_rows) = self._analyze(
            questions, answers, terms_as_json)
        probs = s["theme_model"].proba_rows(theme_x, theme_extra).reshape(len(terms), len(s["themes"]))
        return matched, (terms, word_terms, theme_rows), probs, s["tone_model"].predict_rows(tone_x, word_scores)

    # ------------------------------------------------------------------ fitting
    def fit(self, labels) -> "Scorer":
        """Refit the theme tagger and the tone model on labelled answers.

        ``labels``: DataFrame (or records) with question, answer, themes (list of names), tone
        (-2..2, the labelling guide's scale), and optionally ``weight`` (how much an answer counts,
        default 1). Themes not in the labels count as untagged.
        """
        import pandas as pd

        from nlp.themes import ThemeTagger, answer_words
        from nlp.tone import ToneModel

        df = pd.DataFrame(labels)
        s = self._load()
        names = self.theme_names
        questions = clean_texts(q if isinstance(q, str) else "" for q in df.get("question", [""] * len(df)))
        answers = clean_texts(a if isinstance(a, str) else "" for a in df["answer"])
        _, _, tx, ox, (_, _, tokens, entries, _, _) = self._analyze(questions, answers, keep_tokens=True)
        ty = np.asarray([[n in set(themes) for n in names] for themes in df["themes"]], dtype=int).reshape(-1)
        weight = (df["weight"].fillna(1.0).to_numpy(dtype=float) if "weight" in df.columns
                  else np.ones(len(df)))
        theme_params = dict(self.theme_params) if self.theme_params is not None else s["theme_model"].get_params()
        tone_params = dict(self.tone_params) if self.tone_params is not None else s["tone_model"].get_params()
        tone_params["extra_features"] = ("snownlp",) if self.snownlp_signal else ()
        if len(np.unique(ty)) == 2:  # labels with no theme at all cannot teach the tagger: keep the current one
            s["theme_model"] = ThemeTagger(**theme_params).fit(
                tx, ty, sample_weight=np.repeat(weight, len(names)), themes=names, entries=entries,
                words=[answer_words(t) for t in tokens])
        s["tone_model"] = ToneModel(**tone_params).fit(ox, df["tone"].to_numpy(dtype=float) / 2.0, docs=tokens,
                                                       sample_weight=weight)
        s["trained_on"] = frozenset(text_fingerprint(a) for a in df["answer"])
        s["model_version"] = s["model_version"].split("+")[0] + "+fit" + hashlib.sha1(
            "".join(sorted(s["trained_on"])).encode()).hexdigest()[:6]
        return self

    def model_dict(self) -> dict:
        s = self._load()
        return {
            "about": "irtone's learned weights: a pooled theme tagger and a tone model over the features in "
                     "nlp/themes.py and nlp/tone.py. Rebuild with: python bench/train_models.py",
            "themes": s["theme_model"].to_dict(),
            "tone": s["tone_model"].to_dict(),
            "trained_on": sorted(s["trained_on"]),
        }

    # ------------------------------------------------------------------ scoring
    def score_answer(self, question: str, answer: str, number: int | None = None) -> ScoredAnswer:
        return self.score_many([question], [answer], [number])[0]

    def score_many(self, questions: Sequence[str], answers: Sequence[str],
                   numbers: Sequence[int | None] | None = None) -> list[ScoredAnswer]:
        """``score_answer`` of many answers at once (the same records, much faster)."""
        from nlp.records import Evidence, TermContribution, ThemeResult, ToneResult
        from nlp.tone import tone_label

        questions, answers = clean_texts(questions), clean_texts(answers)
        s = self._load()
        themes = s["themes"]
        matched, (terms, word_terms, theme_rows), probs, tones = self._predict(questions, answers)
        names = [t.name for t in themes]
        model = s["theme_model"]
        rounded = round4(probs)
        scores = rounded.tolist()
        # the tag compares the score as shown (4 decimals): a 0.39999667 shown as 0.4 is tagged at 0.4
        tagged = ((rounded >= model.threshold) & _term_mask(matched, names)).tolist()
        out = []
        for k, (part, score_row, tagged_row, tone) in enumerate(zip(matched, scores, tagged, round4(tones).tolist())):
            results = []
            for t, score, tag in zip(themes, score_row, tagged_row):
                ev = _evidence(part, t.name) if part is not None else None
                words = model.top_words(names, theme_rows[k], t.name) if tag and theme_rows is not None else ()
                results.append(ThemeResult(t.name, score, tag, Evidence(*ev) if ev is not None else None, words))
            out.append(ScoredAnswer(
                number=numbers[k] if numbers is not None else None, question=questions[k], answer=answers[k],
                tone=ToneResult(tone, tone_label(tone), tuple(TermContribution(*c) for c in terms[k]), word_terms[k]),
                themes=tuple(results),
            ))
        return out

    def score_filing(self, filing: Filing) -> FilingScore:
        from nlp.filing import aggregate

        qa = filing.qa
        answers = self.score_many([seg.question for seg in qa], [seg.answer for seg in qa], [seg.number for seg in qa])
        return aggregate(filing, answers, self.theme_names, self.model_version)

    def score_answers(self, df):
        """Score a DataFrame of answers (columns ``answer`` and optionally ``question``, ``id`` …).

        Returns a new DataFrame in the same row order: the input's columns, then ``tone``,
        ``tone_label``, ``themes``, ``score_<theme>`` per theme, ``evidence``, ``tone_terms``,
        ``tone_words`` (JSON strings) and ``model_version``. The input is not modified. Texts are cleaned as the
        parser cleans a record's (``clean_texts``), so evidence and term offsets index the cleaned
        answer; an empty or missing answer gets null scores (NaN tone and scores, no label). An answer
        without a Chinese character (English, a bare number) is scored like any other (irtone reads
        Chinese only, so it comes out about neutral); ``nlp.text.has_chinese`` finds such rows, and
        ``irtone batch`` logs them as bad rows.
        """
        import pandas as pd

        if "answer" not in df.columns:
            raise IrtoneError("<DataFrame>", f"needs an 'answer' column; found {list(df.columns)}")
        # tolist(): one conversion per column, much cheaper than iterating an Arrow-backed Series
        answers = [_text(a) for a in df["answer"].tolist()]
        questions = [_text(q) for q in df["question"].tolist()] if "question" in df.columns else [""] * len(df)
        out = df.copy()
        columns = self.score_columns(questions, answers)
        for k in [k for k, a in enumerate(answers) if not a.strip()]:  # nothing to score: null, not a score
            for col, values in columns.items():
                if col == "tone" or col.startswith("score_"):
                    values[k] = float("nan")
                elif col == "tone_label":
                    values[k] = None
        for col, values in columns.items():
            # explicit dtypes, so that an empty frame (an empty Dask partition) has the same types
            dtype = "float64" if col == "tone" or col.startswith("score_") else "object"
            out[col] = pd.Series(values, index=df.index, dtype=dtype)
        return out

    def score_columns(self, questions: Sequence[str], answers: Sequence[str]) -> dict[str, list]:
        """``answer_columns(score_many(questions, answers), ...)`` without building the records: the
        DataFrame path needs no evidence for untagged themes and no dataclasses."""
        from nlp.tone import tone_label

        s = self._load()
        names = [t.name for t in s["themes"]]
        matched, (terms, word_terms, theme_rows), probs, tones = self._predict(
            clean_texts(questions), clean_texts(answers), terms_as_json=True)
        scores = round4(probs)
        tagged = (scores >= s["theme_model"].threshold) & _term_mask(matched, names)  # as shown, like score_many
        tone_col = round4(tones).tolist()
        tagged_col, evidence_col = [], []
        for k, any_tagged in enumerate(tagged.any(axis=1).tolist()):
            if not any_tagged:  # most answers: no theme, no evidence
                tagged_col.append([])
                evidence_col.append("{}")
                continue
            part = matched[k]
            row_tagged = [name for name, tag in zip(names, tagged[k].tolist()) if tag]
            evidence = {}
            for name, score in zip(row_tagged, scores[k][tagged[k]].tolist()):
                ev = _evidence(part, name) if part is not None else None
                if ev is not None:
                    words = s["theme_model"].top_words(names, theme_rows[k], name) if theme_rows is not None else ()
                    evidence[name] = {"score": score, "terms": list(ev[0]), "sentence": ev[1], "start": ev[2],
                                      "end": ev[3], "words": [list(wc) for wc in words]}
            tagged_col.append(row_tagged)
            evidence_col.append(_JSON.encode(evidence) if evidence else "{}")
        cols: dict[str, list] = {
            "tone": tone_col,
            "tone_label": [tone_label(t) for t in tone_col],
            "themes": tagged_col,
        }
        for j, name in enumerate(names):
            cols[f"score_{name}"] = scores[:, j].tolist()
        cols["evidence"] = evidence_col
        cols["tone_terms"] = terms
        cols["tone_words"] = word_terms
        cols["model_version"] = [s["model_version"]] * len(terms)
        return cols


_WHITESPACE = re.compile(r"\s")


def clean_texts(texts: Iterable[str | None]) -> list[str]:
    """Texts as the parser leaves a record's answers (``nlp.text.normalize_segment_text``: line breaks
    and spaces removed, one space kept between Latin letters), so that an answer scores the same through
    the API, a table or a disclosure, and as it did in training. Offsets index the cleaned text."""
    from nlp.text import normalize_segment_text

    out = []
    for text in texts:
        if not text:
            out.append("")
        elif _WHITESPACE.search(text):
            out.append(normalize_segment_text(text))
        else:
            out.append(text)
    return out


def _term_mask(matched: Sequence[tuple | None], names: Sequence[str]) -> np.ndarray:
    """(answers × themes): whether a core or related term of the theme is in the answer. A tag needs
    one: every tag carries its evidence, whatever the learned weights add."""
    mask = np.zeros((len(matched), len(names)), dtype=bool)
    column = {name: j for j, name in enumerate(names)}
    for k, part in enumerate(matched):
        if part is not None:
            for name, _, _ in part[2]:
                mask[k, column[name]] = True
    return mask


def _evidence(part: tuple, theme: str) -> tuple | None:
    """``evidence_tuple`` of one theme from an answer's ``_analyze`` evidence part."""
    from nlp.themes import evidence_tuple

    tokens, sentence_breaks, by_theme = part
    for name, core, related in by_theme:
        if name == theme:
            return evidence_tuple(core, related, tokens, sentence_breaks)
    return None


def round4(values: np.ndarray) -> np.ndarray:
    """``round(v, 4)`` of each value, vectorized and exactly as Python rounds (the output must not
    change with the batch). ``rint(v·10⁴)/10⁴`` is exact except where v·10⁴ is within the product's
    rounding error (~1e-12) of a half: those few values are rounded by Python itself."""
    values = np.asarray(values, dtype=float)
    scaled = values * 1e4
    out = np.rint(scaled) / 1e4
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    if near_half.any():
        out[near_half] = [round(v, 4) for v in values[near_half].tolist()]
    return out


def _text(value) -> str:
    return value if isinstance(value, str) else ("" if value is None or value != value else str(value))


# One encoder for all calls: ``json.dumps(..., ensure_ascii=False)`` builds a new one each time.
_JSON = json.JSONEncoder(ensure_ascii=False)


def tone_terms_json(terms: Sequence[tuple]) -> str:
    """``[[term, weight, start, negated], ...]`` of (term, weight, start, negated) tuples, as JSON:
    what ``json.dumps(..., ensure_ascii=False)`` writes, built directly (it is one column of every
    row). A weight that is not finite goes through the encoder (NaN, Infinity)."""
    if not terms:
        return "[]"
    return "[" + ", ".join([
        f"[{_json_str(term)}, {repr(weight) if isfinite(weight) else _JSON.encode(weight)}, {start}, "
        f"{'true' if negated else 'false'}]"
        for term, weight, start, negated in terms
    ]) + "]"


TONE_WORDS_SHOWN = 5  # the learned words reported per answer: the strongest, by absolute contribution


def strongest_words(parts: Sequence[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    """The ``TONE_WORDS_SHOWN`` words that moved the score most (ties: first in the answer), rounded."""
    ranked = sorted(parts, key=_strength)[:TONE_WORDS_SHOWN]  # a stable sort: ties stay in answer order
    return tuple((w, round(c, 4)) for w, c in ranked)


def _strength(part: tuple[str, float]) -> float:
    return -abs(part[1])


def tone_words_json(words: Sequence[tuple[str, float]]) -> str:
    """``[[word, contribution], ...]`` as ``json.dumps(..., ensure_ascii=False)`` writes it."""
    if not words:
        return "[]"
    return "[" + ", ".join([f"[{_json_str(w)}, {repr(c) if isfinite(c) else _JSON.encode(c)}]" for w, c in words]) + "]"


def answer_columns(scored: Sequence[ScoredAnswer], theme_names: Sequence[str], model_version: str) -> dict[str, list]:
    """The output columns for scored answers (see README: output schema)."""
    cols: dict[str, list] = {
        "tone": [a.tone.score for a in scored],
        "tone_label": [a.tone.label for a in scored],
        "themes": [list(a.tagged) for a in scored],
    }
    for name in theme_names:
        cols[f"score_{name}"] = [(a.theme(name).score if a.theme(name) else 0.0) for a in scored]
    cols["evidence"] = [evidence_json(a) for a in scored]
    cols["tone_terms"] = [tone_terms_json([(c.term, c.weight, c.start, c.negated) for c in a.tone.terms]) for a in scored]
    cols["tone_words"] = [tone_words_json(a.tone.words) for a in scored]
    cols["model_version"] = [model_version] * len(scored)
    return cols


def evidence_json(answer: ScoredAnswer) -> str:
    """{theme: {score, terms, sentence, start, end, words}} for the tagged themes (``words``: the
    per-theme learned words that moved the score most, [[word, contribution], ...])."""
    out = {}
    for t in answer.themes:
        if t.tagged and t.evidence is not None:
            e = t.evidence
            out[t.theme] = {"score": t.score, "terms": list(e.terms), "sentence": e.sentence, "start": e.start,
                            "end": e.end, "words": [list(wc) for wc in t.words]}
    return _JSON.encode(out) if out else "{}"


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """One default Scorer per process (its models are read-only once loaded)."""
    return Scorer()


def score_answers(df, scorer: Scorer | None = None):
    """Score a DataFrame of answers with the default (or a given) Scorer."""
    return (scorer or default_scorer()).score_answers(df)


def score_frame(df):
    """Pure DataFrame → DataFrame scoring for Dask ``map_partitions`` and Spark ``mapInPandas``.

    Same rows and order as the input, same columns as ``score_answers``. Deterministic.
    """
    return default_scorer().score_answers(df)


def score_filing(filing: Filing, scorer: Scorer | None = None) -> FilingScore:
    return (scorer or default_scorer()).score_filing(filing)
