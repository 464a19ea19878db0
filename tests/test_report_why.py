"""The report says why: evidence terms of each tagged theme and the signed tone terms, in plain text."""
from nlp.render import why_line
from nlp.scorer import Scorer


def test_why_line_names_evidence_and_signed_tone_terms():
    scorer = Scorer()
    answer = scorer.score_answer("算力业务怎么样？", "公司新建了智算中心，GPU服务器满产，但目前不存在重大风险，利润没有增长。")
    line = why_line(answer, scorer.theme_labels).plain
    assert line.startswith("why AI 算力")
    assert "智算中心" in line and "GPU" in line
    assert "满产+" in line and "¬增长-" in line and "¬风险+" in line


def test_why_line_empty_for_courtesy():
    assert why_line(Scorer().score_answer("", "谢谢！")).plain == ""


def test_why_line_names_learned_words_with_their_contribution():
    from report_factory import answer

    scored = answer("订单饱满，产能没有下降。", tone=0.4, tone_terms=(("饱满", 1.0),),
                    tone_words=(("饱满", 0.031), ("¬下降", -0.012), ("了", 0.004)))
    line = why_line(scored, explain=True).plain
    assert "tone: 饱满+1.0" in line
    assert "learned: 饱满+0.03 ¬下降-0.01" in line
    assert "了" not in line  # below WORD_SHOWN_FROM
    assert "learned" not in why_line(scored).plain  # compact by default: lexicon terms and theme evidence only


def test_why_line_shows_theme_words_only_when_asked():
    import dataclasses

    from report_factory import answer

    scored = answer("公司在GPU上投入了两个亿。", tone=0.1, themes={"ai_compute": ("GPU",)})
    scored = dataclasses.replace(scored, themes=tuple(
        dataclasses.replace(t, words=(("投入", 0.12),)) if t.theme == "ai_compute" else t for t in scored.themes))
    assert "[投入+0.12]" in why_line(scored, explain=True).plain
    assert "[" not in why_line(scored).plain


def test_why_line_merges_a_repeated_term():
    from report_factory import answer

    scored = answer("坏账增加，坏账较多，坏账难收。", tone=-0.5, tone_terms=(("坏账", -1.3), ("坏账", -1.3), ("坏账", -1.3)))
    line = why_line(scored).plain
    assert "tone: 坏账-3.9×3" in line and line.count("坏账") == 1


def test_why_line_names_near_misses():
    import dataclasses

    from report_factory import answer

    scored = answer("公司在GPU上投入了两个亿。", tone=0.1, themes={"ai_compute": ("GPU",)})
    scored = dataclasses.replace(scored, themes=tuple(
        dataclasses.replace(t, score=0.36) if t.theme == "capex" else t for t in scored.themes))
    line = why_line(scored, {"capex": "资本开支"}).plain
    assert "near 资本开支 0.36" in line and "financing" not in line
