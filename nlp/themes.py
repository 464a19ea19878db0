"""Themes: their definitions, from a data file (the built-in ``nlp/lang/zh_ir/themes.json``) or a user's.

A theme is core terms, related terms, exclusions and question cues (``term|2`` weighs a term 2;
``re:PATTERN`` is a regular expression on the text). ``nlp.features.themes`` turns them into evidence
features, ``nlp.models.themes`` into scores.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nlp.lang import display_path, read_text
from nlp.records import IrtoneError

TERM_KINDS = ("core", "related", "exclude")
SCOPE_KINDS = ("others", "others_clause", "own", "context_exclude", "context_cancels")


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    description: str = ""
    core: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    question: tuple[str, ...] = ()
    # whose activity: the theme's terms after an ``others`` term (客户, 运营商) in a sentence, or after an
    # ``others_clause`` term (行业) in a clause, until an ``own`` term (公司, 我们) names the company
    # again, are another party's; ``context_exclude`` terms anywhere in an answer void its
    # ``context_cancels`` terms (GPU beside VPU/SoC IP is graphics)
    others: tuple[str, ...] = ()
    others_clause: tuple[str, ...] = ()
    own: tuple[str, ...] = ()
    context_exclude: tuple[str, ...] = ()
    context_cancels: tuple[str, ...] = ()


def _themes_from_json(data: dict, source: str) -> list[Theme]:
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        raise IrtoneError(source, "theme file must be a JSON object with a 'themes' list")
    out = []
    for i, t in enumerate(data["themes"]):
        if not isinstance(t, dict) or not t.get("name"):
            raise IrtoneError(source, f"theme #{i + 1} has no 'name'")
        name = str(t["name"])
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name):
            raise IrtoneError(source, f"theme name {name!r} must be lower-case letters, digits and _ (it becomes a column name)")
        terms = {k: tuple(str(w) for w in t.get(k, ()) if str(w).strip()) for k in (*TERM_KINDS, "question", *SCOPE_KINDS)}
        if not terms["core"] and not terms["related"]:
            raise IrtoneError(source, f"theme {name!r} has no 'core' or 'related' terms")
        out.append(Theme(name=name, label=str(t.get("label", name)), description=str(t.get("description", "")), **terms))
    return out


def load_themes(extra_files: Iterable[str | Path] = (), builtin: bool = True) -> tuple[Theme, ...]:
    """The built-in themes, then each user file's themes (a user theme with a built-in's name replaces it)."""
    themes: dict[str, Theme] = {}
    if builtin:
        text = read_text("themes.json")
        for t in _themes_from_json(json.loads(text), display_path("themes.json")):
            themes[t.name] = t
    for path in extra_files:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IrtoneError(path, "theme file not found") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise IrtoneError(path, f"theme file is not valid UTF-8 JSON ({err.__class__.__name__}: {err})") from None
        for t in _themes_from_json(data, str(path)):
            themes[t.name] = t
    return tuple(themes.values())


def split_term(entry: str) -> tuple[str, float]:
    """'term' or 'term|weight' -> (term, weight); weight defaults to 1."""
    term, sep, weight = entry.rpartition("|")
    if not sep:
        return entry, 1.0
    try:
        return term, float(weight)
    except ValueError:
        return entry, 1.0
