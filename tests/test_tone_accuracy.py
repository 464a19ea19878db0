"""Systematic tone errors of real answers (issue 18), fixed as classes: each test holds several
phrasings of one class, and the control that must keep its sign."""
import pytest
from tone_checks import assert_negative, assert_reassuring, assert_toneless, terms, weights

from nlp.scorer import Scorer


@pytest.fixture(scope="module")
def scorer():
    return Scorer()



def test_a_far_negator_governs_the_adverse_object_of_its_clause(scorer):
    """不会…影响, 不存在…风险, 未…影响, 避免…损失: the negator is more than four words before the polar
    word, and still denies it."""
    assert_reassuring(scorer, [
        "本次担保事项不会对公司当期的经营业绩产生重大不利影响。",
        "目前公司不存在因环保问题被有关部门处罚的风险。",
        "汇率变动未对本公司今年的出口业务造成重大影响。",
        "公司提前锁定了铜价，避免了原材料价格剧烈波动带来的损失。",
    ])
    assert_negative(scorer, ["汇率变动对本公司今年的出口业务造成了重大不利影响。",
                             "公司存在因环保问题被有关部门处罚的风险。"])


def test_overcoming_a_difficulty_is_not_a_setback(scorer):
    """克服/解决/化解 + a difficulty word is a step forward (not a setback, not a negated positive);
    应对 + a pressure acknowledges it and acts: no tone."""
    assert_reassuring(scorer, ["为了克服场地不足的困难，公司租用了新厂房。",
                               "通过引入战略投资者，解决了流动性紧张的问题。",
                               "随着新线投产，产能瓶颈将逐步解决。"])
    for text in ("为了克服场地不足的困难，公司租用了新厂房。",):
        assert not any(t.negated for t in terms(scorer, text))
    assert_toneless(scorer, ["公司正在积极应对行业下行的压力。"])
    assert_negative(scorer, ["公司经营遇到了较大的困难。"])


def test_a_metric_direction_takes_the_metric_sign(scorer):
    """For collection, turnover and margin rates a rise is good news; for days outstanding, debt and
    expense ratios a rise is bad news, even beside 应收账款 or a percentage."""
    assert_reassuring(scorer, ["今年应收账款的回款率有所提高。",
                               "存货周转率明显提升。",
                               "应收账款周转天数缩短了12天。",
                               "销售费用率较上年下降。"])
    assert_negative(scorer, ["应收账款周转天数有所增加。",
                             "资产负债率上升至65%。",
                             "今年回款率有所下降。",
                             "产能利用率下滑。"])
    assert_negative(scorer, ["应收账款余额大幅增加。"])  # the balance, not a rate: still bad when rising


def test_pointers_to_the_risk_section_and_risk_lists_carry_no_tone(scorer):
    """请查阅年报中的风险提示, 面临的主要风险如下：… and risk management are boilerplate; a risk said to
    have materialized still counts."""
    assert_toneless(scorer, [
        "您好，具体请查阅公司2017年年度报告中关于公司面临风险的章节。",
        "公司的风险因素请详见招股说明书。",
        "公司面临的主要风险包括：行业竞争加剧的风险、主要原材料价格波动的风险、汇率变动风险。",
        "公司可能面临的风险如下：\n1、政策变化风险；\n2、环保风险：若环保标准提高，公司成本将增加。",
        "公司一贯重视风险管理，采取多种措施防范汇率风险。",
    ])
    assert_negative(scorer, ["公司订单下滑的风险已经出现，短期业绩承压。"])


def test_intensive_work_is_not_tension(scorer):
    """紧张 of work (紧张进行中, 紧张施工) has no tone; tight capacity is demand; tight funds stay bad."""
    assert_toneless(scorer, ["二期工程目前正在紧张进行中。", "经过半年的紧张施工，厂房主体已封顶。"])
    assert terms(scorer, "二期工程目前正在紧张进行中。") == ()  # the silencing phrase itself is not reported
    assert_reassuring(scorer, ["目前公司产能比较紧张。"])
    assert_negative(scorer, ["公司目前资金比较紧张。"])


def test_an_effect_denied_after_it_or_a_normal_fluctuation_is_not_a_setback(scorer):
    assert_reassuring(scorer, ["汇率变化对公司的影响并不显著。"])
    assert_toneless(scorer, ["季度之间的收入变化属于正常波动。"])
    assert_negative(scorer, ["季度之间的收入波动较大。"])


def test_share_price_and_investment_risk_formulas_carry_no_tone(scorer):
    """股价受多种因素影响，请注意投资风险 is the standard reply to a share-price question."""
    assert_toneless(scorer, ["您好，二级市场的股价波动受诸多因素影响，敬请注意投资风险。",
                             "股市有风险，入市需谨慎，谢谢。"])
    assert_negative(scorer, ["受行业需求下降影响，公司销量减少。"])


def test_accounting_routines_and_idle_cash_are_not_setbacks(scorer):
    """闲置自有资金理财, 减值测试, 折旧 and 不具有明显的季节性 are facts, not setbacks or negated strengths."""
    assert_toneless(scorer, ["公司使用部分闲置自有资金购买银行理财产品。",
                             "商誉每年年末进行减值测试。",
                             "公司产品销售不具有明显的季节性。",
                             "公司业务的周期性不明显。"])


def test_a_risk_or_effect_said_to_be_small_or_lowered_reassures(scorer):
    """坏账风险很低, 受…影响较小, 仍未形成明显影响, 降低…带来的…风险: reassuring, not the adverse word."""
    assert_reassuring(scorer, ["公司客户多为国有企业，坏账风险很低。",
                               "公司产品受经济周期的影响较小。",
                               "目前关税调整对公司的销售仍未形成明显影响。",
                               "拓展新客户可以降低大客户订单变化给公司带来的业绩波动风险。"])
    assert_negative(scorer, ["公司产品受经济周期的影响较大。", "新产品的收入增长不明显。"])


def test_cutting_a_burden_or_narrowing_a_gap_is_good_news(scorer):
    """降低能耗, 减少差旅费支出, 降低客户集中度, 差距缩小, 淘汰落后产能: the fall of a bad thing; a fall of
    demand or of subsidies stays bad news."""
    assert_reassuring(scorer, ["公司通过技术改造降低了单位产品的能耗。",
                               "公司精简流程，减少了差旅费支出。",
                               "公司积极开拓新客户，降低客户的集中度。",
                               "与国际同行的技术差距正在缩小。",
                               "环保督查正在淘汰行业的落后产能。"])
    assert_negative(scorer, ["今年海外客户的需求降低。", "国家将逐步减少相关补贴。"])


def read_words(scorer, answer):
    f = scorer.features([""], [answer])
    return set(f.words.strings(f.answers.vocab))


def test_risk_boilerplate_is_left_out_of_the_learned_words_too(scorer):
    """A risk-factor list, a pointer to the report's risk section and the share-price formula carry no
    tone for the learned words either (the neutral category): their words are not read, the rest is."""
    listed = read_words(scorer, "公司面临的主要风险如下：\n1、行业竞争加剧的风险；\n2、汇率波动风险。\n今年订单增长较快。")
    assert not {"风险", "竞争", "加剧", "汇率", "波动"} & listed and {"订单", "增长"} <= listed
    assert not {"股价", "波动", "风险"} & read_words(scorer, "二级市场的股价波动受诸多因素影响，请注意投资风险。")
    assert not {"风险", "汇率"} & read_words(scorer, "公司面临的汇率风险、原材料价格风险请查阅公司年度报告。")
    assert {"风险", "汇率"} <= read_words(scorer, "公司今年的汇率风险明显加大。")


def test_a_list_of_risk_items_carries_no_tone(scorer):
    """Two or more items ending in 风险, in a row, are a risk-factor list however it is introduced."""
    assert_toneless(scorer, ["主要有宏观经济波动风险、行业竞争加剧的风险、核心人员流失风险。",
                             "公司未来可能面临以下风险：技术更新风险；应收账款回收风险。"])
    assert_negative(scorer, ["受需求下滑影响，公司出现亏损的风险加大。"])


def test_a_neutral_phrase_silences_every_term_inside_it(tmp_path):
    """A user lexicon's neutral line: polar words and negators inside it do not count; outside it they do."""
    path = tmp_path / "lexicon.txt"
    path.write_text("pos\t增长\t1\nneg\t风险\t1\nnegator\t没有\t1\nneutral\tre:风险清单[^。]*\t0\n", encoding="utf-8")
    scorer = Scorer(tone_lexicon=path)
    found = lambda text: [(t.term, t.weight) for t in scorer.score_answer("", text).tone.terms]  # noqa: E731
    assert found("风险清单：没有增长的风险。收入增长。") == [("增长", 1.0)]
    assert found("存在风险。") == [("风险", -1.0)]


def test_a_prefix_negates_only_the_word_it_forms(scorer):
    """非 forms words (非经常性, 非公开, 非电): the growth after 非电项目 is growth; 非优质 is still 'not good'."""
    for text in ("今年非电领域增长明显。", "公司扣非净利润稳步增长。", "公司非主营业务收入增长较快。"):
        assert not any(t.negated for t in terms(scorer, text)), (text, terms(scorer, text))
        assert_reassuring(scorer, [text])
    assert [t.negated for t in terms(scorer, "公司的非优质资产已全部剥离出去。") if t.term == "优质"] == [True]


def test_a_metric_noun_before_a_decline_carries_only_the_decline(scorer):
    """净利润下降, 盈利水平大幅下降, 对利润产生负面影响: 利润/盈利 are what falls, not good news of their own;
    利润分配 is a procedure. A rise keeps its sign."""
    for text in ("今年一季度公司的净利润同比下降。", "受价格战影响，行业盈利水平大幅下滑。",
                 "原材料涨价对公司利润产生了负面影响。"):
        w = weights(scorer, text)
        assert w and max(w) <= 0 and min(w) < 0, (text, terms(scorer, text))
    assert_toneless(scorer, ["公司的利润分配方案将提交股东大会审议。"])
    assert_reassuring(scorer, ["今年一季度公司的净利润同比增长。"])


def test_a_setback_said_not_to_matter_does_not_count(scorer):
    """The subject before a dismissal (该诉讼不会对…产生重大影响, 成本有所上升，对…影响不大) is said not to
    matter: the setback word does not count, in its clause or the clause before the dismissal."""
    assert_reassuring(scorer, ["该诉讼事项不会对公司的正常经营产生重大影响。",
                               "今年公司的人工成本有所上升，但对产品的价格影响不大。",
                               "公司计提的减值准备金额较小，总体影响有限。"])
    # a setback two clauses before, or in another sentence, still counts
    assert_negative(scorer, ["公司产品销量大幅下滑，毛利率下降，汇率变动对公司影响不大。",
                             "公司涉及一起专利诉讼。目前公司生产经营正常。"])


def test_strengths_and_setbacks_in_other_words_count(scorer):
    """满负荷运转, 位居…首位, 增幅较大 are good news; 收效甚微, 延误 are setbacks (words the list missed)."""
    assert_reassuring(scorer, ["目前几条产线都处于满负荷生产状态。", "公司的出口量多年位居行业前列。",
                               "今年一季度订单的增幅较大。"])
    assert_negative(scorer, ["前期的整改措施收效甚微。", "受设备到货延误影响，新厂的建设晚于计划。"])


def test_a_good_event_whose_timing_cannot_be_told_is_uncertainty(scorer):
    """放量/盈利…的时间还不能确定: the positive words are what is uncertain, not results."""
    assert_negative(scorer, ["新产品放量的时间点目前还无法确定。", "子公司何时实现盈利尚不能确定。"])
    assert_reassuring(scorer, ["新产品今年已经开始放量。"])


def test_a_bad_thing_that_grows_is_bad_news_and_one_that_shrinks_good(scorer):
    """亏损扩大, 损失加大, 竞争加剧, 缺口扩大: the growth word is the bad thing's, not a result's growth;
    亏损收窄, 降幅缩小, 减亏 are good news, not a loss. 竞争力/抗风险能力 that grow stay good news."""
    grows = ["受原材料涨价影响，本期亏损扩大。", "汇率波动使公司的汇兑损失进一步加大。",
             "今年行业竞争日益加剧。", "下游回款变慢，公司的资金缺口扩大。", "海外项目的违约风险有所上升。"]
    for text in grows:
        w = weights(scorer, text)
        assert w and max(w) <= 0 < -sum(w), (text, terms(scorer, text))
    assert_reassuring(scorer, ["通过压缩低毛利业务，本期亏损大幅收窄。", "四季度销量降幅明显缩小。",
                               "新业务今年实现减亏。", "随着回款改善，公司的资金压力逐步缓解。"])
    assert_reassuring(scorer, ["公司的核心竞争力进一步增加。", "多元布局使公司的抗风险能力增加。"])
    assert_negative(scorer, ["计提商誉减值会减少公司当期的净利润。"])


def test_procedures_are_not_shortfalls(scorer):
    """An approval still to come (尚需…核准), 不足 before a number ("less than"), the shortfall of a
    fundraising met by own funds, provisioning by an accounting rule: procedures, no tone. A real
    impairment and a real shortage stay negative."""
    assert_toneless(scorer, ["本次定增已经董事会审议通过，尚需中国证监会核准。",
                             "公司对北美的销售占比很小，不足2%。",
                             "不足部分由公司以自有资金补足。",
                             "公司按照账龄计提坏账准备，对存货按库龄计提跌价准备。"])
    assert_reassuring(scorer, ["该生产线运行正常，无需计提减值准备。"])
    assert_negative(scorer, ["本年度公司计提商誉减值准备8000万元。", "公司目前技术人才储备不足。"])


def test_managing_a_risk_or_reducing_an_impact_is_not_a_setback(scorer):
    """预防/应对/把握…风险 describes risk management (no tone); acting to reduce an impact (，减少汇率波动
    对公司业绩的影响) is mitigation, mildly good; an impact of a fall (受销量减少的影响) stays a setback."""
    assert_toneless(scorer, ["公司设立专门团队，预防项目实施中可能遇到的风险。"])
    assert_reassuring(scorer, ["公司开展套期保值，减少汇率波动对公司业绩的影响。",
                               "公司拓展新客户，以降低单一客户对公司收入的影响。"])
    assert_negative(scorer, ["受销量减少的影响，收入下降。"])
