"""Language data: the one loader for the files under ``nlp/lang/<language>/``.

Markers, themes, lexicons, dictionaries and stopwords are data, not code: each file says where it comes
from in its own header (``nlp/lang/zh_ir/README.md`` lists them), users may copy and edit them (the
``--themes``, ``--tone-lexicon`` and ``--user-dict`` options take such copies), and every stage reads
them through this module, so a file is parsed once per process.
"""
from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

LANGUAGE = "zh_ir"  # Chinese investor-relations text: the only language irtone ships


def data_path(name: str, language: str = LANGUAGE) -> Traversable:
    """The shipped file ``nlp/lang/<language>/<name>`` (``name`` may hold ``/``)."""
    path = resources.files("nlp.lang").joinpath(language)
    for part in name.split("/"):
        path = path.joinpath(part)
    return path


def display_path(name: str, language: str = LANGUAGE) -> str:
    """How messages name a shipped file: ``nlp/lang/zh_ir/themes.json``."""
    return f"nlp/lang/{language}/{name}"


@cache
def read_text(name: str, language: str = LANGUAGE) -> str:
    return data_path(name, language).read_text(encoding="utf-8")


@cache
def read_bytes(name: str, language: str = LANGUAGE) -> bytes:
    return data_path(name, language).read_bytes()


def read_json(name: str, language: str = LANGUAGE) -> Any:
    """The parsed JSON file (a new object each call: callers may change what they get)."""
    return json.loads(read_text(name, language))


def parse_words(text: str) -> frozenset[str]:
    """A word-list file's words: separated by whitespace, '#' starts a comment."""
    words: set[str] = set()
    for line in text.splitlines():
        words.update(line.split("#", 1)[0].split())
    return frozenset(words)


@cache
def read_words(name: str, language: str = LANGUAGE) -> frozenset[str]:
    return parse_words(read_text(name, language))
