"""The baselines irtone is measured against: faithful re-implementations of what researchers use today.

- ``snownlp_tone``: SnowNLP's sentiment classifier (trained on shopping reviews), rescaled to [-1, 1].
- ``yao_net_tone``: net tone (pos - neg) / (pos + neg) with the formal 姚加权 et al. (2021) financial
  sentiment lists over jieba tokens, as in the accounting and finance literature.
- ``keyword_themes``: a theme fires when any of its keywords occurs (the naive keyword list in
  ``nlp/lang/zh_ir/lexicons/baseline_theme_keywords.json``).

``TONE_LABEL_THRESHOLD`` maps a baseline's [-1, 1] score to three classes for external benchmarks.
It is fixed a priori (symmetric, the same for every baseline) and never tuned on an evaluation set.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache

from nlp.lang import data_path
from nlp.records import IrtoneError

WORDLISTS = (
    "yao2021_formal_positive",
    "yao2021_formal_negative",
    "jiang2020_positive",
    "jiang2020_negative",
)
BASELINE_KEYWORDS_FILE = "baseline_theme_keywords.json"

# score > +threshold → positive, score < -threshold → negative, else neutral (see module docstring).
TONE_LABEL_THRESHOLD = 0.2


def _lexicon_file(filename: str):
    return data_path(f"lexicons/{filename}")


@cache
def load_wordlist(name: str) -> frozenset[str]:
    """A word list built by ``bench/build_lexicons.py`` into ``nlp/lang/zh_ir/lexicons/<name>.txt`` (one word a
    line, ``#`` lines skipped). The lists are not committed: their licences are not clear enough about
    redistribution, so each machine rebuilds them from ../shared/lexicons (CI does, in .ci/run).

    ``name`` is one of ``WORDLISTS``, with or without ``.txt``.
    """
    stem = name[:-4] if name.endswith(".txt") else name
    if stem not in WORDLISTS:
        raise ValueError(f"unknown word list {name!r}; shipped: {', '.join(WORDLISTS)}")
    path = _lexicon_file(stem + ".txt")
    if not path.is_file():
        raise IrtoneError(
            f"nlp/lang/zh_ir/lexicons/{stem}.txt",
            "word list not built: run `python bench/build_lexicons.py` (it reads ../shared/lexicons; "
            "the third-party lists are not redistributed with irtone)")
    text = path.read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def _baseline_keywords() -> tuple[tuple[str, tuple[str, ...]], ...]:
    text = _lexicon_file(BASELINE_KEYWORDS_FILE).read_text(encoding="utf-8")
    themes = json.loads(text)["themes"]
    return tuple((theme, tuple(words)) for theme, words in themes.items())


def load_baseline_keywords() -> dict[str, tuple[str, ...]]:
    """Theme name → naive keyword list, in the file's order."""
    return dict(_baseline_keywords())


def snownlp_tone(text: str) -> float:
    """SnowNLP's positive probability rescaled to [-1, 1]: ``2 * SnowNLP(text).sentiments - 1``."""
    if not text or not text.strip():
        return 0.0  # SnowNLP's classifier is undefined on empty text; an empty answer has no tone
    from snownlp import SnowNLP  # slow import: loads the classifier

    return 2.0 * SnowNLP(text).sentiments - 1.0


def yao_net_tone(
    tokens: Iterable[str],
    positive: frozenset[str] | None = None,
    negative: frozenset[str] | None = None,
) -> float:
    """Net tone (pos - neg) / (pos + neg) over tokens; 0.0 when no token is in either list.

    Defaults to the formal (annual-report) lists of 姚加权 et al. (2021). No negation handling and
    no stop words (谢谢 counts as positive): that is the baseline as used in the literature.
    """
    positive = load_wordlist("yao2021_formal_positive") if positive is None else positive
    negative = load_wordlist("yao2021_formal_negative") if negative is None else negative
    pos = neg = 0
    for token in tokens:
        if token in positive:
            pos += 1
        elif token in negative:
            neg += 1
    return 0.0 if pos + neg == 0 else (pos - neg) / (pos + neg)


def keyword_themes(
    tokens_or_text: str | Sequence[str],
    themes: Mapping[str, Iterable[str]] | Iterable[str] | None = None,
) -> list[str]:
    """Themes any of whose keywords occurs: as a token (token list given) or a substring (text given).

    ``themes``: theme → keywords; or theme names, to use those themes' shipped baseline keywords;
    or None for all shipped baseline themes. Returns theme names in ``themes``' order.
    """
    shipped = load_baseline_keywords()
    if themes is None:
        keywords = shipped
    elif isinstance(themes, Mapping):
        keywords = {name: tuple(words) for name, words in themes.items()}
    else:
        names = list(themes)
        unknown = [name for name in names if name not in shipped]
        if unknown:
            raise ValueError(f"no baseline keywords for theme(s) {unknown}; have {list(shipped)}")
        keywords = {name: shipped[name] for name in names}
    if isinstance(tokens_or_text, str):
        text = tokens_or_text
        return [name for name, words in keywords.items() if any(w in text for w in words)]
    token_set = set(tokens_or_text)
    return [name for name, words in keywords.items() if any(w in token_set for w in words)]


def tone_label(score: float, threshold: float = TONE_LABEL_THRESHOLD) -> str:
    """Three classes from a [-1, 1] baseline score, with the a-priori symmetric threshold."""
    if score > threshold:
        return "positive"
    if score < -threshold:
        return "negative"
    return "neutral"


def score_baselines(texts: Sequence[str], tokenizer=None, tone_only: bool = False):
    """All baselines over texts → DataFrame (one row a text, same order).

    Columns: ``snownlp_tone``, ``yao_net_tone`` and, unless ``tone_only``, ``keyword_themes``
    (list[str]). ``tokenizer`` defaults to ``nlp.tokens.Tokenizer(engine="jieba")``: jieba with
    irtone's domain dictionary, so that 资本开支 or 募投项目 stay one token for the keyword baseline.
    """
    import pandas as pd

    if tokenizer is None:
        from nlp.tokens import Tokenizer

        tokenizer = Tokenizer(engine="jieba")
    texts = list(texts)
    token_lists = [tokenizer.cut(text) for text in texts]
    frame = pd.DataFrame(
        {
            "snownlp_tone": [snownlp_tone(text) for text in texts],
            "yao_net_tone": [yao_net_tone(tokens) for tokens in token_lists],
        }
    )
    if not tone_only:
        frame["keyword_themes"] = [keyword_themes(tokens) for tokens in token_lists]
    return frame
