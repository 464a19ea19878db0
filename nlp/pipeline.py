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
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from nlp import __version__
from nlp.records import Filing, FilingScore, IrtoneError, ScoredAnswer

MODEL_FILE = "model.json"
OUTPUT_COLUMNS_FIXED = ("tone", "tone_label", "themes")  # then score_<theme>..., evidence, tone_terms, model_version


def text_fingerprint(answer: str) -> str:
    """sha1 of an answer's text with all whitespace removed (what ``trained_on`` records)."""
    return hashlib.sha1("".join(str(answer).split()).encode("utf-8")).hexdigest()


class Scorer:
    """Scores answers for themes and tone.

    Parameters
    ----------
    theme_files : user theme files (JSON, the layout of ``nlp/data/themes.json``) added to, or
        replacing by name, the built-in themes.
    tone_lexicon : a tone lexicon file replacing ``nlp/data/tone_lexicon.txt``.
    user_dicts : extra tokenizer dictionaries.
    model_file : a model JSON replacing ``nlp/data/model.json``.
    engine : tokenizer engine ("auto", "rjieba", "jieba").
    snownlp_signal : add SnowNLP's sentiment as one more tone feature. Off by default: on the labelled
        answers it did not improve the cross-validated tone, and it runs ~100x slower than the rest;
        ``irtone eval`` reports it as "irtone + SnowNLP signal". A scorer with it must be ``fit`` first.
    """

    def __init__(self, theme_files: Iterable[str | Path] = (), tone_lexicon: str | Path | None = None,
                 user_dicts: Iterable[str | Path] = (), model_file: str | Path | None = None, engine: str = "auto",
                 snownlp_signal: bool = False):
        self.theme_files = tuple(theme_files)
        self.tone_lexicon = tone_lexicon
        self.user_dicts = tuple(user_dicts)
        self.model_file = model_file
        self.engine = engine
        self.snownlp_signal = snownlp_signal
        self._state = None

    # ------------------------------------------------------------------ loading
    def _load(self):
        if self._state is not None:
            return self._state
        from nlp.themes import ThemeFeaturizer, ThemeTagger, load_themes
        from nlp.tokens import Tokenizer
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
        digest.update(repr(tokenizer.entries).encode("utf-8"))
        self._state = {
            "tokenizer": tokenizer,
            "themes": themes,
            "theme_features": ThemeFeaturizer(themes, tokenizer, deflection),
            "tone_features": ToneFeaturizer(lexicon, tokenizer),
            "theme_model": ThemeTagger.from_dict(model["themes"]),
            "tone_model": ToneModel.from_dict(model["tone"]),
            "trained_on": frozenset(model.get("trained_on", ())),
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
    def tokenizer(self):
        return self._load()["tokenizer"]

    # ------------------------------------------------------------------ features
    def _features(self, question: str, answer: str):
        s = self._load()
        tok = s["tokenizer"]
        q_tokens, a_tokens = tok.cut(question or ""), tok.cut(answer or "")
        matches = s["theme_features"].matches(q_tokens, a_tokens)
        theme_x = s["theme_features"].features(matches, a_tokens)
        tf = s["tone_features"]
        a_tone = tf.analyze(a_tokens)
        q_tone = tf.analyze(q_tokens) if question else None
        tone_x = tf.features(a_tone, q_tone)
        if self.snownlp_signal:
            from nlp.baselines import snownlp_tone

            tone_x = np.append(tone_x, snownlp_tone(answer or ""))
        return a_tokens, matches, theme_x, a_tone, tone_x

    # ------------------------------------------------------------------ fitting
    def fit(self, labels) -> "Scorer":
        """Refit the theme tagger and the tone model on labelled answers.

        ``labels``: DataFrame (or records) with question, answer, themes (list of names), tone
        (-2..2, the labelling guide's scale). Themes not in the labels count as untagged.
        """
        import pandas as pd

        from nlp.themes import ThemeTagger
        from nlp.tone import ToneModel

        df = pd.DataFrame(labels)
        s = self._load()
        names = self.theme_names
        tx, ty, ox = [], [], []
        for q, a, themes in zip(df.get("question", [""] * len(df)), df["answer"], df["themes"]):
            _, _, theme_x, _, tone_x = self._features(q if isinstance(q, str) else "", a)
            tx.append(theme_x)
            ty.append([n in set(themes) for n in names])
            ox.append(tone_x)
        tx, ty = np.asarray(tx), np.asarray(ty, dtype=int)
        theme_params = s["theme_model"].get_params()
        tone_params = s["tone_model"].get_params()
        tone_params["extra_features"] = ("snownlp",) if self.snownlp_signal else ()
        if len(np.unique(ty)) == 2:  # labels with no theme at all cannot teach the tagger: keep the current one
            s["theme_model"] = ThemeTagger(**theme_params).fit(tx.reshape(-1, tx.shape[-1]), ty.reshape(-1))
        s["tone_model"] = ToneModel(**tone_params).fit(np.asarray(ox), df["tone"].to_numpy(dtype=float) / 2.0)
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
        from nlp.themes import theme_results
        from nlp.tone import tone_result

        s = self._load()
        if len(s["tone_model"].feature_names_) != len(s["tone_model"].FEATURE_NAMES) + self.snownlp_signal:
            raise IrtoneError("model", "the tone model was not fitted with the SnowNLP signal: call fit() first")
        a_tokens, matches, theme_x, a_tone, tone_x = self._features(question, answer)
        probs = s["theme_model"].predict_proba(theme_x)
        themes = theme_results(s["themes"], probs, matches, a_tokens, s["theme_model"].threshold)
        tone = tone_result(float(s["tone_model"].predict(tone_x[None, :])[0]), a_tone)
        return ScoredAnswer(number=number, question=question or "", answer=answer or "", tone=tone, themes=themes)

    def score_filing(self, filing: Filing) -> FilingScore:
        from nlp.filing import aggregate

        answers = [self.score_answer(seg.question, seg.answer, seg.number) for seg in filing.qa]
        return aggregate(filing, answers, self.theme_names, self.model_version)

    def score_answers(self, df):
        """Score a DataFrame of answers (columns ``answer`` and optionally ``question``, ``id`` …).

        Returns a new DataFrame in the same row order: the input's columns, then ``tone``,
        ``tone_label``, ``themes``, ``score_<theme>`` per theme, ``evidence``, ``tone_terms``
        (JSON strings) and ``model_version``. The input is not modified.
        """
        import pandas as pd

        if "answer" not in df.columns:
            raise IrtoneError("<DataFrame>", f"needs an 'answer' column; found {list(df.columns)}")
        questions = df["question"] if "question" in df.columns else pd.Series([""] * len(df), index=df.index)
        scored = [self.score_answer(_text(q), _text(a)) for q, a in zip(questions, df["answer"])]
        out = df.copy()
        for col, values in answer_columns(scored, self.theme_names, self.model_version).items():
            # explicit dtypes, so that an empty frame (an empty Dask partition) has the same types
            dtype = "float64" if col == "tone" or col.startswith("score_") else "object"
            out[col] = pd.Series(values, index=df.index, dtype=dtype)
        return out


def _text(value) -> str:
    return value if isinstance(value, str) else ("" if value is None or value != value else str(value))


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
    cols["tone_terms"] = [
        json.dumps([[c.term, c.weight, c.start, c.negated] for c in a.tone.terms], ensure_ascii=False) for a in scored
    ]
    cols["model_version"] = [model_version] * len(scored)
    return cols


def evidence_json(answer: ScoredAnswer) -> str:
    """{theme: {score, terms, sentence, start, end}} for the tagged themes."""
    out = {}
    for t in answer.themes:
        if t.tagged and t.evidence is not None:
            e = t.evidence
            out[t.theme] = {"score": t.score, "terms": list(e.terms), "sentence": e.sentence, "start": e.start, "end": e.end}
    return json.dumps(out, ensure_ascii=False)


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
