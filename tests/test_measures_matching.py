"""How the answer measures find pattern matches (nlp.features.layout, nlp.features.measure_patterns):
a pattern is tried only in rows holding its required texts and only where a match can start, and must
find exactly the matches a plain ``finditer`` over each row finds. Checked on fictional answers and on
random rows made of the patterns' own pieces, for the shipped patterns and for patterns written to hit
the corners (look-behinds at a row's start, ``^``, optional leads, lazy gaps, negated classes)."""
from __future__ import annotations

import random
import re

import numpy as np
import pytest

from nlp.features.layout import ChunkLayout
from nlp.features.measure_patterns import TEXT_START, load_patterns, required_texts, start_rule
from nlp.features.measures import chunk_layout
from tests.test_measures import ANSWERS, CHUNK, DEFLECTIONS

CORNER_PATTERNS = [
    r"(?<![已曾])将(?![近其])",
    r"(?:^|(?<=[，。]))(?:关于|对于)",
    r"^(?:答|回复)[：:]",
    r"(?:公司|我们)?(?:将|会)[^，。\n]{0,6}?(?:披露|公告)",
    r"(?:非常)?(?:感谢|谢谢)(?:您)?",
    r"(?<![0-9.])[0-9][0-9.]*[0-9]|(?<![0-9.])[0-9](?![0-9])",
    r"[^\W\d_的公司]{2,4}(?:公司|集团)",
    r"(?:将|会)+(?:披露)",
    r"(?:一|二){1,2}(?:季度)",
    r"《[^《》\n]{0,10}(?:报告|公告)》",
    r"(?:如有|若有)(?:[^，。\n]{0,8}?)(?:计划)",
    r"x?",  # can match empty text: no required text, scanned row by row
    r"(?:a|b)*c",
]


def _shipped() -> list[re.Pattern]:
    return list(load_patterns().every_pattern())


def _corner() -> list[re.Pattern]:
    return [re.compile(p, re.MULTILINE) for p in CORNER_PATTERNS]


def _plain(layout: ChunkLayout, rx: re.Pattern) -> list[tuple[int, int]]:
    spans = []
    for start, length in zip(layout.starts.tolist(), layout.lengths.tolist()):
        spans += [m.span() for m in rx.finditer(layout.text, start, start + length) if m.end() > m.start()]
    return spans


def _random_rows(patterns, n: int, seed: int) -> list[str]:
    """Rows of random pieces: the patterns' required texts, their neighbours' characters, breaks."""
    rng = random.Random(seed)
    pieces = sorted({t for rx in patterns for req in required_texts(rx) for t in req.texts})
    pieces += list("，。：；！？,:;、 .0123456789１２已曾其近的公司我们有限了《》答回复您好") + ["", "\n"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 14))) for _ in range(n)]


def _texts(patterns):
    return DEFLECTIONS + ANSWERS + CHUNK + _random_rows(patterns, 400, seed=7)


@pytest.mark.parametrize("kind", ["shipped", "corner"])
def test_matches_are_those_of_a_plain_scan_of_each_row(kind):
    patterns = _shipped() if kind == "shipped" else _corner()
    layout = chunk_layout(_texts(patterns), load_patterns())
    for rx in patterns:
        starts, ends = layout.match_spans(rx)
        assert list(zip(starts.tolist(), ends.tolist())) == _plain(layout, rx), rx.pattern


def test_masks_do_not_depend_on_the_order_of_the_rows():
    patterns = _shipped()
    rows = _texts(patterns)
    order = list(range(len(rows)))
    random.Random(3).shuffle(order)
    a = ChunkLayout.build(rows)
    b = ChunkLayout.build([rows[k] for k in order])
    for rx in patterns:
        mask_a, mask_b = a.match_mask([rx]), b.match_mask([rx])
        for k, r in enumerate(order):
            sa, sb = int(a.starts[r]), int(b.starts[k])
            n = int(a.lengths[r])
            assert np.array_equal(mask_a[sa:sa + n], mask_b[sb:sb + n]), rx.pattern


@pytest.mark.parametrize("kind", ["shipped", "corner"])
def test_every_match_holds_its_required_texts_and_its_start_rule(kind):
    patterns = _shipped() if kind == "shipped" else _corner()
    text = "\n".join(_texts(patterns))
    checked = 0
    for rx in patterns:
        rule = start_rule(rx)
        for m in rx.finditer(text):
            if m.end() == m.start():
                continue
            s, e = m.span()
            for req in required_texts(rx):
                assert any(text.startswith(t, q) and q + len(t) <= e
                           for t in req.texts for q in range(s, min(e, s + int(min(req.before, e - s))) + 1)), (rx.pattern, m.group())
            previous = text[s - 1] if s > 0 else TEXT_START
            assert rule.first is None or text[s] in rule.first, (rx.pattern, m.group())
            assert text[s] not in rule.not_first, (rx.pattern, m.group())
            assert rule.after is None or previous in rule.after, (rx.pattern, m.group())
            assert previous not in rule.not_after, (rx.pattern, m.group())
            checked += 1
    assert checked > 200


def test_what_a_pattern_requires_is_read_from_its_parse_tree():
    def req(p):
        return [(r.texts, r.before) for r in required_texts(re.compile(p, re.MULTILINE))]

    assert req("(?:不|暂不)(?:便|方便)透露") == [(("不",), 1.0), (("便",), 3.0), (("透",), 4.0), (("露",), 5.0)]
    assert req("[^，]{0,3}?(?:公告|年报)") == [(("公告", "年报"), 3.0)]
    assert req("x?y*") == []
    assert required_texts(re.compile("谢谢", re.IGNORECASE)) == ()
    rule = start_rule(re.compile(r"(?:^|(?<=[，。]))(?<!已)(?:关于|对于)", re.MULTILINE))
    assert rule.first == frozenset("关对") and rule.after == frozenset({TEXT_START, "\n", "，", "。"})
    assert rule.not_after == frozenset("已")
    assert start_rule(re.compile(r"[^的]{2}公司")).not_first == frozenset("的")


def test_a_listed_word_is_looked_for_only_in_rows_holding_its_characters():
    layout = ChunkLayout.build(["公司在江苏投产。", "江边苏醒", "无关", ""])
    assert layout.rows_holding({"江苏", "浙江"}).tolist() == [True, True, False, False]
    tokens = [["公司", "在", "江苏", "投产", "。"], ["江边", "苏醒"], ["无关"], []]
    mask = layout.token_mask(tokens, frozenset({"江苏"}))
    assert "".join(c for c, m in zip(layout.text, mask) if m) == "江苏"


def test_group_max_over_runs_equals_an_unbuffered_maximum():
    from nlp.features.layout import group_max

    rng = np.random.default_rng(0)
    for n in (1, 7, 300):
        for _ in range(20):
            groups = np.sort(rng.integers(0, max(1, n // 3), n))  # ascending, with missing ids
            values = rng.random(n) * (rng.random(n) < 0.5)
            for n_groups in (int(groups[-1]) + 1, int(groups[-1]) + 3):
                expected = np.zeros(n_groups)
                np.maximum.at(expected, groups, values)
                assert np.array_equal(group_max(values, groups, n_groups), expected)
    shuffled = np.array([2, 0, 1, 0])
    assert group_max(np.array([1.0, 2.0, 3.0, 4.0]), shuffled, 3).tolist() == [4.0, 3.0, 1.0]


def test_patterns_found_together_are_those_found_one_at_a_time():
    patterns = _shipped() + _corner()
    rows = _texts(patterns)
    together = ChunkLayout.build(rows)
    together.find_all(patterns)
    for rx in patterns:
        alone = ChunkLayout.build(rows)
        a, b = together.match_spans(rx), alone.match_spans(rx)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]), rx.pattern


def test_overlapping_candidates_keep_the_matches_of_a_left_to_right_scan():
    # every 好/您 is a place a match may start at; the later ones lie inside earlier matches
    rx = re.compile("(?:您|你)?(?:们)?好+")
    rows = ["您们好好好您好", "好您好好", "您您们好", ""]
    layout = ChunkLayout.build(rows)
    assert list(zip(*(x.tolist() for x in layout.match_spans(rx)))) == _plain(layout, rx)


def test_sums_over_runs_equal_those_over_ids():
    from nlp.features.layout import run_any, run_max

    rng = np.random.default_rng(1)
    rows = ["".join(rng.choice(list("公司，。好1 ！"), size=int(rng.integers(0, 9)))) for _ in range(60)] + [""]
    layout = ChunkLayout.build(rows)
    mask = rng.random(len(layout.text)) < 0.4
    values = rng.random(len(layout.text)) * mask
    assert np.array_equal(layout.count_per_row(mask), layout.per_row(mask.astype(float)))
    n_clauses = int(layout.clause[-1]) + 1
    expected = np.zeros(n_clauses)
    np.maximum.at(expected, layout.clause, values)
    assert np.array_equal(run_max(values, layout.clause_starts), expected)
    assert np.array_equal(run_any(mask, layout.sentence_starts),
                          np.bincount(layout.sentence, weights=mask.astype(float)) > 0)
    assert np.array_equal(layout.count_per_clause(mask), np.bincount(layout.clause, weights=mask.astype(float)))
    assert np.array_equal(layout.sentence_row, [layout.row[layout.sentence == k][0] for k in range(len(layout.sentence_starts))])


def test_answers_that_are_not_strings_are_laid_out_as_text():
    layout = ChunkLayout.build(["您好", None, 12, ""])
    assert layout.text == "您好\n\n12\n"
    assert layout.content.tolist() == [True, True, False, False, True, True, False]
