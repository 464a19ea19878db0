"""nlp.parse: metadata and exact segments of the seed and of fictional records, one per Q&A markup.

Every record here except the seed is invented for these tests (fictional companies and numbers).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.parse import normalize_segment_text, parse_document, parse_file, parse_text
from nlp.records import IrtoneError, RawDocument

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ece50293e7075997.txt"
SHARED = ROOT.parent / "shared"


def pairs(filing):
    return [(s.question, s.answer) for s in filing.qa]


# The seed's 20 Q&A pairs, whitespace-normalized (they equal items S01..S20 of the labelled dev set).
SEED_QA = [
    (
        '请介绍下公司全球布局安排？',
        '公司在全球50多个国家，部署94个数据中心，将近1000个边缘节点，构建算力资源池和全球物理环网，并在美国达拉斯持有自建机房，业务范围覆盖欧美等成熟市场，东南亚，南美等新兴热点区域。公司是从2014年第二次战略转型开始布局海外市场，主要的客户包括游戏、音视频、电商。同时，公司积极优化客户结构，实现客户多样性，从而更好的提升公司综合竞争实力与抗风险能力。在游戏赛道中，公司在海外公有云业务中使用的以CPU为主的全球公有云平台，已展现出了良好的发展态势和业绩韧性。',
    ),
    (
        '据了解AI智能算力方面主要使用A100的卡。公司对此怎么布局？公司如何看待AI算力作为一个新兴产业，成长较快但是相对风险较大的问题？',
        '公司去年在GPU上投入了两个亿，主要购买的是A100、A5000、A30、A40等10多个型号的卡。主要为满足渲染客户需求。目前公司也在使用A5000为推理算力客户提供服务。公司认为只要客户能力强，总体风险是可控的。目前AI算力市场上主要还是以训练算力为主的中小公司，客户签约时间不长，不能深度绑定，这样就将风险转接给公司，公司如大量采购A100的卡，将有设备冗余和成本风险，所以公司现阶段只储备了部分A100的芯片。公司会在控制规模的前提下，在新的赛道上抢占先机，积极拓展AI智能算力业务。',
    ),
    (
        '公司如何看待AI推理算力虽然客户粘性更高，但是从训练到推理是需要时间的问题？',
        '公司认为在训练完成后，会产生大量的推理算力需求，推理需求将大于训练算力需求。在结合推理算力需要网络，公司在网络上具有优势，所以主赛道选择了推理算力，但是公司也会做一部分训练算力，不承接大规模的训练算力。公司某客户是AI行业较早期涉足的企业，目前已经从大模型进入推理算力。',
    ),
    (
        '公司如何看待算力资源利用不高的问题？如果后续全部利用后，预计将对公司的收益带来什么样的影响？',
        '为承接大客户的需求，公司要预留部分资源冗余，公司会通过精细化的管理，将这部分冗余合理化。公司于2022年初增加了部分前瞻性投资，在新的业务市场、新的行业领域进行开拓，加大面向新兴产业所需的边缘算力的研发及投资部署，此部分前瞻性投资仍处于快速迭代升级阶段，业绩释放尚需要时间，如此部分业绩得以释放，将大幅提高公司的营收规模、毛利水平。',
    ),
    (
        '公司今年的经营目标是如何的？',
        '今年，公司经营的目标是将去年前瞻性战略布局的算力资源实现业绩兑现，增加的收入即可认为是公司增加的毛利，这对公司利润增长将有非常大的正向影响。',
    ),
    (
        '请介绍下公司与GPU厂商合作情况的优势？',
        '公司目前采购的芯片是英伟达A5000和A100，但是考虑到中美科技脱钩加速，所以公司较早就与国内GPU厂商建立了生态合作。目前，公司与燧原科技的合作为资源方面的合作，双方通过首都在线云计算平台与燧原科技AI算力平台的强强联合，共同聚焦打造全面的AIGC生态圈，将重点针对大模型MaaS（Model-as-a-Service）展开联合攻关。同时，燧原科技以现在部署于首都在线的算力基础设施为首发，结合其过往五年积累的大模型训练与推理的经验，正式对外推出基于云燧i20支撑的AIGC实时推理应用。未来的商业化路径为双方共同打造针对大模型MaaS的国产算力池平台，共同开发市场，共同构建生态体系。与此同时，未来公司也将积极拓展与国产算力第一梯队的厂家开展深入合作，共建GPU合作生态。',
    ),
    (
        '目前巨头云计算厂商都在布局大模型，会不会我们只能获得一些尾部的客户？未来如果大厂也提供类似服务，我们如何竞争？',
        '大模型需要经历深度训练，然后被终端用户使用。深度训练需要训练算力，这是目前大厂布局的方向。终端用户使用需要推理算力，叠加公司在网络方面的优势，推理算力是公司目前布局的主要方向。根据数据显示，训练一次ChatGPT模型(13亿参数)需要的算力约27.5PFlop/s-day，即以1万亿次每秒的速度进行计算，需要耗时27.5天，需要1万张A100算力支持。推理算力，如果以A100GPU单卡单字输出需要350ms为基准计算，假设每日访问客户数量高达5,000万人时，按单客户每日发问ChatGPT应用10次，单次需要50字回答，则每日消耗GPU的计算时间将会高达243万个小时，对应的GPU需求数量将超过10万个。由此可见，推理算力的需求规模比训练算力需求规模大太多。同样一个大模型客户，既需要训练算力提供商，也需要推理算力提供商，因此，一个大模型既需要大厂提供训练算力，也需要公司为其提供推理算力，不存在大厂布局头部客户，只剩下尾部客户的情况。',
    ),
    (
        '公司在开发AI算力底座的时候，与前期的算力底座相比会有什么差异化吗？',
        'AI算力底座与前期算力底座相比是一个新的产品，具有很大的差异。首先，从功能层面，CPU算力资源的主要功能体现在逻辑判断，任务调用和控制，而GPU侧重于大规模并发算力及图形处理。其次，从网络要求上，对于CPU公有云服务，对internet网络要求很高，有网络才能实现数据的互联互通。而对于GPU算力来说，训练算力对网络的依赖度不大，但是面向于客户端的推理算力对网络的依赖度较大。最后，从价格角度，GPU的价格通常是CPU的十倍，GPU算力资源池建设是一项重资产投资业务。',
    ),
    (
        '目前很多IDC厂商都在纷纷往云计算方面转型，将来云计算行业竞争压力将会与日俱增，公司相对于其他云厂商的竞争优势主要体现在哪些方面呢？',
        '首先，公司在云计算领域已深耕多年，在技术储备上具有一定的优势，包括在公有云搭建、运维服务等方面，已经积累了丰富的经验。同时将来越来越多的高端制造业企业也将纷纷上云，例如车联网等，这一类企业对上云整体的解决方案要求较高，需要有一定技术优势及经验的云厂商协助其完成复杂的上云迁移过程；其次，公司认为未来信创持续高增长发展是必然趋势，所以较早就与国内的GPU厂商进行了合作，做好公司上下游的生态合作建设；再次，除去算力，网络能力也是公司的一大核心竞争力，公司目前在全球布局环网，同时公司计划继续在全球及国内继续增加节点，都是为了进一步提升网络覆盖。在海量算力的基础上，再加上网络覆盖，从而增强公司云的核心能力。',
    ),
    (
        '公司AI公有云、渲染云是开始布局的时间及去年的主要客户的情况？',
        '公司自2021年下半年开始进行业务布局，2022年初开始采购英伟达的芯片，并自主研发渲染云等产品，作为公司业务的第二增长曲线。由于公司在渲染云方面布局较早，抢占了一定的行业先机，因此公司在该领域的大客户都是行业头部客户，如全球元宇宙引擎提供商及国内相关领域的龙头企业。在推理计算方面，已与行业内较为优秀的芯片企业建立了生态建设战略合作。目前客户主要集中在推理算力、训练算力、建筑设计等领域所属企业。',
    ),
    (
        '公司目前的算力资源利用如何？对公司的收益带来的影响？',
        '公司于2022年初增加了部分前瞻性投资，在新的业务市场、新的行业领域进行开拓，加大面向新兴产业所需的边缘算力的研发及投资部署，此部分前瞻性投资仍处于快速迭代升级阶段，业绩释放尚需要时间，如此部分业绩得以释放，将大幅提高公司的营收规模，毛利水平也将大幅提高。',
    ),
    (
        '公司今年在销售团队人员配置上会有调整规划吗？',
        '公司目前的销售团队已经具有一定的实力。2022年公司进行战略调整，划分为4个不同产品线条的事业群。公司目前正在从集团的层面，将4个事业群的销售力量更加高效的进行整合，贯彻大客户原则，从多维度、多产品线条更好的为客户提供综合解决方案。此外，公司计划今年将进一步加强销售团队力量，一是布局信创市场及混合云市场，将注入更加强大的销售力量，进而提升云业务的规模，利用规模优势实现降本增效。二是丰富客户多样性，利用客户多样性实现资源使用错峰，为公司带来更高的利润增长。',
    ),
    (
        '2022年的收入占比情况是什么样的？公有云及混合云的情况如何？',
        '公司2022年收入整体跟2021年持平，公司2022年度IDC服务收入约6.89亿元，公有云及混合云的云服务收入约4.92亿元，增值服务及其他收入约为4200万元，公有云中海外云收入大约3.5亿元，公司近年公有云收入增长也主要来自于海外云，海外云主要是服务中国企业出海，客户主要是游戏、音视频、电商这三类C端客户，其中游戏类客户出海中公司市场份额应该是可以排到第一的。主要产品为云平台、网络、pass数据库安全产品等。AI公有云方面的赛道主要是AI推理，业务含有少部分AI训练。赛道选择主要是考虑AI训练对网络没有要求，但对资金规模有很大要求。公司的优势在于网络，AI训练不是我们擅长的领域，所以聚焦了AI推理这个赛道。目前公司将产品解决方案建立在GPU算力资源池上，依托低延时的网络，实现AI推理解决方案的提供。渲染云主要是服务元宇宙、数字建筑客户，目前公司的渲染GPU云主机性能非常好。公司从去年开始布局渲染云，截止目前整体增速较小，但我们认为渲染、虚拟人的市场将在今年下半年有很大的增长。混合云主要是存储项目，例如在新疆等地区，主要形式是公司通过为运营商提供底层存储产品，然后由运营商与政企客户签约，最终实现公司为政企客户提供产品和服务。',
    ),
    (
        '公司如何提高经营利润率和毛利？',
        '为了维持公司业务的快速增长，公司将在业务量起来以后，去调整客户结构，提升利润率。例如出海业务，我们开始是做中国企业出海业务，待业务量起来以后，再去开拓国外本地化的业务，从而提高整体利润率。公司将通过大客户做大规模，然后通过规模优势调整客户结构，提高毛利。',
    ),
    (
        '公司与英伟达高端显卡合作的预期？是否将来有更加密切和深入的合作？',
        '在限售禁令发布之前，公司就已持有英伟达的A100和A5000芯片。目前，英伟达公布在向全球开放云算力资源池，公司在积极关注英伟达开放中国的具体政策。鉴于AI训练及推理的爆发，催生了更多的算力需求，公司预期将很快实现去年前瞻性投资的回收并产生效益。同时，考虑芯片的交付周期，公司目前也已经在考虑提前进行新的算力资源部署，以满足后续的客户需求。根据英伟达发布的公开信息，英伟达计划在全球范围内开放算力资源，目前在寻找国内优秀的公有云厂商进行合作，同时公司也希望能够和英伟达在GPU算力方面催生密切和深入的合作机会。',
    ),
    (
        '相对于CPU卡，GPU卡折旧年限情况？',
        'CPU的卡基本已更新迭代稳定了，GPU的卡A100折旧为5年，其他的卡公司内测大概是3年。同时除了折旧，新开发版本的迭代，会导致GPU的性能损耗也较快。公司布局GPU算力较早，可能会面临性能损耗的问题，但提前占据了赛道。',
    ),
    (
        '在政企合作的混合云模式中，公司的角色是什么？',
        '产业互联网客户的上云是一个复杂的过程，会存在各种困难，不是一个标准化过程，需要公司为其提供定制化的上云服务，是需要技术支持的。其次，公司与运营商紧密合作，为其产品提供支撑。',
    ),
    (
        '公司自建机房情况如何？',
        '公司自建机房主要在美国达拉斯和海南，公司近期计划在怀来建设一个新的机房，位于国家东数西算环京的张家口数据中心集群。美国机房去年已建设完毕，海南机房今年6-7月份可交付使用。',
    ),
    (
        '公司将来会有融资的需求吗？整体的投资方向是什么？',
        '公司目前正在推进2022年向特定对象发行股票的准备工作，本次计划融资规模约7.3亿元，募投项目主要是渲染算力平台和怀来数据中心项目，主要是围绕算力资源建设进行的投资。',
    ),
    (
        '公司本次向特定对象发行股票对于投资人类型有什么考虑？',
        '公司更倾向于战略投资者，能够为公司业务上下游形成协同效应。从另一方面，公司也需要同步考虑融资进度的情况，酌情考虑财务投资人。',
    ),
]


# ---- the seed ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed():
    return parse_text(SEED.read_text(encoding="utf-8"), source=str(SEED))


def test_seed_metadata(seed):
    assert seed.kind == "ir_record"
    assert seed.code == "300846"
    assert seed.name == "首都在线"
    assert seed.company == "北京首都在线科技股份有限公司"
    # the seed's boxes are Wingdings 2: U+F052 (☑) before 特定对象调研, U+F0A3 (⬜, empty) before 路演活动
    assert seed.activity_types == ("特定对象调研",)
    assert seed.date == "2023-04-10"
    assert seed.event_dates == ("2023-04-04", "2023-04-07")
    assert seed.location == "公司会议室（线上+线下）"
    assert seed.staff == ("董事、副总经理、董事会秘书 杨丽萍", "战略投资部总监 宋潇")
    assert seed.participants == (
        "中邮证券 孙业亮 丁子慧",
        "中邮基金 于淼",
        "广发证券 吴祖鹏",
        "平安基金 翟森",
        "易方达基金 何一铖",
        "招商基金 韩冰",
        "工银瑞信基金 胡志利",
        "华西证券 刘泽晶",
    )
    assert seed.filing_id == "c7ceaf61505e21a0"


def test_seed_segments(seed):
    kinds = [s.kind for s in seed.segments]
    assert kinds == ["presentation"] * 2 + ["qa"] * 20
    intro, exchange = seed.segments[:2]
    assert (intro.number, intro.title) == (1, "公司简况")
    assert intro.text.startswith("公司是一家云网一体化服务商，一开始的客户群体主要是互联网企业，")
    assert intro.text.endswith("4．坚持与产业链上下游合作伙伴的生态建设；5．坚持提升数字化赋能和数字化转型。")
    assert (exchange.number, exchange.title, exchange.text) == (2, "互动交流环节", "")
    assert [s.number for s in seed.qa] == list(range(1, 21))
    assert pairs(seed) == SEED_QA
    assert all(s.text == s.answer for s in seed.qa)


def test_seed_matches_labelled_dev_items(seed):
    labels = SHARED / "labels" / "dev.jsonl"
    if not labels.exists():
        pytest.skip(f"labelled data not found at {labels} (../shared beside the checkout)")
    items = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    expected = [(i["question"], i["answer"]) for i in items if i["source"] == "seed"]
    assert pairs(seed) == expected


def test_parse_file_reads_the_seed(seed):
    filing = parse_file(SEED)
    assert filing == seed


def test_filing_id_ignores_whitespace_and_line_breaks(seed):
    text = SEED.read_text(encoding="utf-8")
    reflowed = text.replace("\n\n", "\n").replace("  ", " ")
    assert parse_text(reflowed).filing_id == seed.filing_id


# ---- one fictional record per markup ------------------------------------------------------------

Q1_A = """证券代码：300999    证券简称：青石科技
青石科技股份有限公司投资者关系活动记录表
编号：2024-003
投资者关系活动类别 ☑特定对象调研 □分析师会议 □媒体采访 ■业绩说明会 □其他
参与单位名称及人员姓名 远山基金 李明；北辰证券 王芳
时间 2024年3月5日
地点 公司会议室
上市公司接待人员姓名 董事会秘书 赵一
投资者关系活动主要内容介绍
一、公司介绍
公司主营工业传感器。
二、问答
Q1：今年订单如何？
A：一季度订单同比增长两成。
Q2: 海外业务进展？
A: 东南亚工厂已投产。
附件清单（如有） 无
日期 2024年3月6日
"""


def test_q1_a_markup_with_header():
    filing = parse_text(Q1_A)
    assert (filing.code, filing.name, filing.company) == ("300999", "青石科技", "青石科技股份有限公司")
    assert filing.activity_types == ("特定对象调研", "业绩说明会")
    assert filing.participants == ("远山基金 李明", "北辰证券 王芳")
    assert filing.event_dates == ("2024-03-05",)
    assert filing.date == "2024-03-06"
    assert filing.location == "公司会议室"
    assert filing.staff == ("董事会秘书 赵一",)
    assert [(s.kind, s.title, s.text) for s in filing.segments if s.kind == "presentation"] == [
        ("presentation", "公司介绍", "公司主营工业传感器。"),
        ("presentation", "问答", ""),
    ]
    assert pairs(filing) == [("今年订单如何？", "一季度订单同比增长两成。"), ("海外业务进展？", "东南亚工厂已投产。")]


def test_wen_da_markup():
    text = "问：公司毛利率为何下降？\n答：原材料涨价，公司已提价5%。\n问:明年资本开支计划？\n答:计划新建一条产线。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司毛利率为何下降？", "原材料涨价，公司已提价5%。"),
        ("明年资本开支计划？", "计划新建一条产线。"),
    ]


def test_wenti_number_markup():
    text = "问题1：公司的产能利用率？\n答：目前约八成。\n问题2：是否考虑定增？\n回复：暂无计划。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司的产能利用率？", "目前约八成。"),
        ("是否考虑定增？", "暂无计划。"),
    ]


def test_numbered_question_then_answer_marker():
    text = (
        "1、公司新产品何时上市？\n答：预计下半年。\n（1）先在华东试销；\n（2）再推向全国。\n"
        "2、研发投入占比多少？\n答：约占收入的8%。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司新产品何时上市？", "预计下半年。（1）先在华东试销；（2）再推向全国。"),
        ("研发投入占比多少？", "约占收入的8%。"),
    ]


def test_answer_lists_numbered_like_questions_stay_in_the_answer():
    text = "1、公司有哪些优势？\n答：主要有两点：\n1、成本低；\n2、渠道广。\n2、未来规划？\n答：稳步扩张。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司有哪些优势？", "主要有两点：1、成本低；2、渠道广。"),
        ("未来规划？", "稳步扩张。"),
    ]


def test_tiwen_huida_markup():
    text = "提问：公司现金流情况？\n回答：经营现金流为正。\n提问：分红政策？\n回答：每年分红不低于利润的三成。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司现金流情况？", "经营现金流为正。"),
        ("分红政策？", "每年分红不低于利润的三成。"),
    ]


def test_half_width_q_a_and_full_width_colons_mixed():
    text = "Q: 新厂进度如何？\nA：已完成主体施工。\nQ：贷款利率？\nA: 约3.5%。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("新厂进度如何？", "已完成主体施工。"),
        ("贷款利率？", "约3.5%。"),
    ]


def test_numbered_questions_with_no_answer_marker():
    text = (
        "公司与投资者就以下问题进行了交流：\n"
        "1. 公司主要客户有哪些？\n客户以大型车企为主。\n"
        "2. 今年的出口情况？\n出口同比增长，欧洲占比提高。\n"
        "3. 公司战略定位。\n聚焦高端市场。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [
        ("公司主要客户有哪些？", "客户以大型车企为主。"),
        ("今年的出口情况？", "出口同比增长，欧洲占比提高。"),
        ("公司战略定位。", "聚焦高端市场。"),
    ]
    assert [s.kind for s in filing.segments] == ["presentation", "qa", "qa", "qa"]
    assert filing.segments[0].text == "公司与投资者就以下问题进行了交流："


def test_numbered_question_and_answer_on_one_line():
    text = "1．公司负债率多少？目前约四成。\n2．有无并购计划？暂无。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司负债率多少？", "目前约四成。"),
        ("有无并购计划？", "暂无。"),
    ]


def test_several_questions_share_one_answer():
    text = (
        "问题1：公司一季度收入增速？问题2：毛利率能否维持？\n答：收入增长一成，毛利率基本稳定。\n"
        "问题3：在手订单金额？\n答：约十亿元。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司一季度收入增速？公司毛利率能否维持？".replace("公司毛", "毛"), "收入增长一成，毛利率基本稳定。"),
        ("在手订单金额？", "约十亿元。"),
    ]


def test_numbered_questions_before_one_answer_merge():
    text = "1、募投项目进度？\n2、何时达产？\n答：项目已完工，明年达产。\n3、股东减持？\n答：暂无减持计划。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("募投项目进度？何时达产？", "项目已完工，明年达产。"),
        ("股东减持？", "暂无减持计划。"),
    ]


def test_inline_question_and_answer_markers_are_split():
    text = "问：公司有无回购计划？答：暂无。问：产品价格走势？答：保持平稳。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司有无回购计划？", "暂无。"),
        ("产品价格走势？", "保持平稳。"),
    ]


def test_unmarked_answer_after_question_marker():
    text = "问：公司海外收入占比？\n约两成，主要在东南亚。\n问：汇率影响？\n答：影响有限。\n问：明年展望？\n保持稳健增长。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司海外收入占比？", "约两成，主要在东南亚。"),
        ("汇率影响？", "影响有限。"),
        ("明年展望？", "保持稳健增长。"),
    ]


def test_speaker_names_answer_questions():
    text = (
        "投资者：公司储能业务进展？\n张明：储能电池已批量供货。\n"
        "投资者：研发团队规模？\n张明：研发人员三百余人。\n"
        "投资者：海外认证？\n李华：已取得欧盟认证。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司储能业务进展？", "储能电池已批量供货。"),
        ("研发团队规模？", "研发人员三百余人。"),
        ("海外认证？", "已取得欧盟认证。"),
    ]


def test_opening_speech_before_first_question_is_presentation():
    text = "董事长：欢迎各位来访，下面回答大家的问题。\n问：公司订单饱满吗？\n答：订单已排到年底。\n"
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [("公司订单饱满吗？", "订单已排到年底。")]
    assert [(s.kind, s.text) for s in filing.segments][0] == ("presentation", "董事长：欢迎各位来访，下面回答大家的问题。")


def test_closing_boilerplate_is_dropped():
    text = "问：行业竞争格局？\n答：集中度逐步提高。\n接待过程中，公司严格遵守信息披露制度，未泄露未公开重大信息。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("行业竞争格局？", "集中度逐步提高。")]


def test_dash_answers_and_a_skipped_number():
    text = (
        "1、公司库存情况？\n——库存处于正常水平。\n"
        "2、费用率会上升吗？\n——不会显著上升。\n"
        "四季度销售情况？\n——正常。\n"
        "4、高新技术企业复审时间？\n——明年上半年。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司库存情况？", "库存处于正常水平。"),
        ("费用率会上升吗？", "不会显著上升。"),
        ("四季度销售情况？", "正常。"),
        ("高新技术企业复审时间？", "明年上半年。"),
    ]


def test_question_keyed_onto_the_previous_answer_line_is_split_off():
    text = "a、公司的市场占有率；\n回复：行业第一。\nb、出口情况如何；\n回复：出口最多。2、产品定位如何；\n回复：定位中高端。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司的市场占有率；", "行业第一。"),
        ("出口情况如何；", "出口最多。"),
        ("产品定位如何；", "定位中高端。"),
    ]


def test_numbered_question_run_into_an_answer_without_punctuation():
    text = "1、问：毛利率能否上升？\n答：存在上升空间2、问：订单情况如何？\n答：订单良好。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("毛利率能否上升？", "存在上升空间"),
        ("订单情况如何？", "订单良好。"),
    ]


def test_unanswered_topics_after_the_answers():
    text = (
        "一、公司的战略是什么？\n答：聚焦主业。\n"
        "二、永磁产品的产能和价格\n三、软磁产品的产能和价格\n四、行业竞争格局\n"
        "永磁产品稳中有升，软磁产品有所下降，竞争格局稳定。\n"
        "五、探讨行业未来的发展。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [
        ("公司的战略是什么？", "聚焦主业。"),
        ("永磁产品的产能和价格软磁产品的产能和价格行业竞争格局", "永磁产品稳中有升，软磁产品有所下降，竞争格局稳定。"),
    ]
    assert [(s.kind, s.title) for s in filing.segments][-1] == ("presentation", "探讨行业未来的发展")


def test_agenda_and_timed_closing_lines_are_not_answers():
    text = (
        "第一部分：10：00-10：30，介绍公司基本情况\n"
        "第二部分：10：30-11：30，投资者提问\n"
        "Q1：产能利用率？\n约九成。\nQ2：新厂何时投产？\n明年投产。\n"
        "11:30，本次调研活动结束。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert [(s.kind, s.title) for s in filing.segments if s.kind == "presentation"] == [
        ("presentation", "10：00-10：30，介绍公司基本情况"),
        ("presentation", "10：30-11：30，投资者提问"),
    ]
    assert pairs(filing) == [("产能利用率？", "约九成。"), ("新厂何时投产？", "明年投产。")]


def test_trailing_agenda_item_and_commitment_lines_leave_the_last_answer():
    text = (
        "1、问：海外工厂进展？\n答：已投产。\n2、问：分红计划？\n答：维持三成分红。\n"
        "3、参观公司展厅。\n上述人员已签署《承诺书》。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("海外工厂进展？", "已投产。"), ("分红计划？", "维持三成分红。")]


def test_markers_typed_the_wrong_way_round():
    text = "问：直营店情况？\n答：已有两百家。\n答：工程机械板块情况？\n问：行业低迷，明年可能好转。\n问：分红？\n答：维持。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("直营店情况？", "已有两百家。"),
        ("工程机械板块情况？", "行业低迷，明年可能好转。"),
        ("分红？", "维持。"),
    ]


def test_sections_with_their_own_numbered_questions():
    text = (
        "一、关于新产品\n1、新产品何时上市？\n预计明年。\n2、定价如何？\n与竞品相当。\n"
        "二、关于经营\n1、今年收入增速？\n约一成。\n2、毛利率变化？\n基本稳定。\n"
        "三、参观生产线\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [
        ("新产品何时上市？", "预计明年。"),
        ("定价如何？", "与竞品相当。"),
        ("今年收入增速？", "约一成。"),
        ("毛利率变化？", "基本稳定。"),
    ]
    assert [(s.kind, s.title) for s in filing.segments if s.kind == "presentation"] == [
        ("presentation", "关于新产品"),
        ("presentation", "关于经营"),
    ]  # 三、参观生产线 is closing agenda, dropped like 接待过程中…


def test_numbering_style_change_and_a_speech_under_a_heading():
    text = (
        "一、交流内容\n董事会秘书：欢迎各位来访。\n"
        "一、行业形势如何？\n答：仍在调整。\n二、产品结构？\n答：高端占两成。\n三、渠道库存？\n答：正常。\n"
        "4、提价计划？\n答：暂无。\n5、分红？\n答：维持。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert [q for q, _ in pairs(filing)] == ["行业形势如何？", "产品结构？", "渠道库存？", "提价计划？", "分红？"]
    assert filing.segments[0].kind == "presentation"


def test_numbered_questions_with_some_numbers_left_out():
    text = (
        "公司对未来有什么规划？\n聚焦主业。\n公司面临哪些挑战？\n需求偏弱。\n"
        "（3）募投项目何时达产？\n明年下半年。\n询问海外业务情况？\n出口增长较快。\n（5）增发进展？\n已获受理。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司对未来有什么规划？", "聚焦主业。"),
        ("公司面临哪些挑战？", "需求偏弱。"),
        ("募投项目何时达产？", "明年下半年。"),
        ("询问海外业务情况？", "出口增长较快。"),
        ("增发进展？", "已获受理。"),
    ]


def test_closing_visit_line_leaves_the_last_answer():
    text = "1、新工厂何时投产？\n答：预计明年。\n2、分红政策？\n答：保持稳定。\n最后陪同调研人员参观了生产车间。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("新工厂何时投产？", "预计明年。"), ("分红政策？", "保持稳定。")]


def test_number_followed_by_a_space_is_numbering():
    text = (
        "1 订单是否有季节性？\n没有明显季节性。\n2 公司发展背景\n公司成立于2004年。\n"
        "3、客户主要是哪些？\n内河港口码头。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("订单是否有季节性？", "没有明显季节性。"),
        ("公司发展背景", "公司成立于2004年。"),
        ("客户主要是哪些？", "内河港口码头。"),
    ]
    text = "1 公司目前产能如何？\n答：约一万吨。\n2、原料价格走势？\n答：基本平稳。\n"
    assert [q for q, _ in pairs(parse_text(text, meta={"code": "002999"}))] == ["公司目前产能如何？", "原料价格走势？"]


def test_a_number_wrapped_onto_its_own_line_is_not_numbering():
    text = "问：海外布局？\n答：公司在全球\n50 多个国家设有网点，覆盖主要市场。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("海外布局？", "公司在全球50多个国家设有网点，覆盖主要市场。")]


def test_number_and_colon_numbering():
    text = "会谈：\n1：公司主要竞争对手有哪些？\n国内两家同行。\n2：毛利率为何提高？\n原料降价。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司主要竞争对手有哪些？", "国内两家同行。"),
        ("毛利率为何提高？", "原料降价。"),
    ]


def test_next_top_level_heading_ends_the_answers_under_a_sub_heading():
    text = (
        "一、座谈会\n（一）董秘介绍了公司基本情况。\n"
        "（二）公司利润为何下降？\n答：原材料涨价。\n（三）明年展望？\n答：稳中有升。\n"
        "二、董秘带投资者参观了展室。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [("公司利润为何下降？", "原材料涨价。"), ("明年展望？", "稳中有升。")]
    assert filing.segments[-1].kind == "presentation"
    # an answer that numbers its own points 一、 二、 is not cut at its 二、
    text = "一、交流情况\n1、产能规划？\n答：分两步：\n一、现有产能一万吨；\n二、新产能明年投产。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("产能规划？", "分两步：一、现有产能一万吨；二、新产能明年投产。")
    ]


def test_unnumbered_questions_before_a_numbering_that_starts_late():
    text = (
        "索道何时提价？\n仍在等待审批。\n客流统计口径为何不同？\n我们按售票统计。\n"
        "经济下滑有影响吗？\n有一定影响。\n酒店二期何时开业？\n预计明年一季度。\n"
        "五、餐饮中心何时营业？\n预计明年五月。\n六、未来战略方向？\n立足本地，辐射周边。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("索道何时提价？", "仍在等待审批。"),
        ("客流统计口径为何不同？", "我们按售票统计。"),
        ("经济下滑有影响吗？", "有一定影响。"),
        ("酒店二期何时开业？", "预计明年一季度。"),
        ("餐饮中心何时营业？", "预计明年五月。"),
        ("未来战略方向？", "立足本地，辐射周边。"),
    ]


def test_question_typed_twice_and_a_doubled_separator():
    text = (
        "1、问：公司产能多少？\n答：约一万吨。\n2、、问：高管会减持吗？\n高管会减持吗？\n答：暂无减持计划。\n"
        "3、分红比例？\n分红比例？\n维持三成。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司产能多少？", "约一万吨。"),
        ("高管会减持吗？", "暂无减持计划。"),
        ("分红比例？", "维持三成。"),
    ]


def test_parting_words_of_the_visitors_leave_the_last_answer():
    text = "问：海外订单？\n答：同比增长两成。\n最后，结合同行经验，来访者对公司发展提出了一些建议。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("海外订单？", "同比增长两成。")]


def test_two_sections_each_numbering_its_questions_from_one():
    text = (
        "行业情况交流：\n1.行业何时复苏？\n预计明年。\n2.竞争格局如何？\n集中度提高。\n"
        "公司业务问答：\n1.手机业务定位？\n战略产品。\n2.财务费用情况？\n利息减少。\n3.出货量多少？\n四千万台。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert [q for q, _ in pairs(filing)] == ["行业何时复苏？", "竞争格局如何？", "手机业务定位？", "财务费用情况？", "出货量多少？"]
    assert pairs(filing)[1] == ("竞争格局如何？", "集中度提高。")
    assert [(s.kind, s.title) for s in filing.segments if s.kind == "presentation"][-1] == ("presentation", "公司业务问答")


def test_numbered_question_run_onto_the_last_line_of_an_unmarked_answer_part():
    text = (
        "1. 公司有哪些优势？\n答：1）渠道优势：覆盖全国。\n2）技术优势：研发领先。2. 为何进入农村金融？\n"
        "答：政策支持，需求大。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司有哪些优势？", "1）渠道优势：覆盖全国。2）技术优势：研发领先。"),
        ("为何进入农村金融？", "政策支持，需求大。"),
    ]


def test_numbering_style_switch_on_a_topic_and_an_answer_list_before_the_next_question():
    text = (
        "1.行业看法。\n增速放缓。\n2.西南市场情况。\n发展较快。\n3.毛利率为何下降？\n"
        "1、原料涨价。\n2、折旧增加。\n4.未来增长点在哪里？\n华东华南。\n5、公司今年的出口情况。\n与去年持平。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("行业看法。", "增速放缓。"),
        ("西南市场情况。", "发展较快。"),
        ("毛利率为何下降？", "1、原料涨价。2、折旧增加。"),
        ("未来增长点在哪里？", "华东华南。"),
        ("公司今年的出口情况。", "与去年持平。"),
    ]


def test_section_heading_before_an_unnumbered_question_is_not_the_question():
    text = (
        "一、参观生产车间，介绍了熔铸、挤压和深加工车间的主要设备与工艺流程。\n二、互动交流摘要\n"
        "公司军品订单情况？\n答：订单饱满，主要以提供材料为主，希望以后能继续加深合作。\n"
        "公司有收购计划吗？\n答：暂无。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [
        ("公司军品订单情况？", "订单饱满，主要以提供材料为主，希望以后能继续加深合作。"),
        ("公司有收购计划吗？", "暂无。"),
    ]
    assert [s.title for s in filing.segments if s.kind == "presentation"][-1] == "互动交流摘要"


def test_topic_line_before_an_answer_marker_beats_an_earlier_list_item():
    text = (
        "募投项目的商业模式\n（1）配用电监测服务\n本项目在用户处安装监控设备，监控主站集中建设在公司，提供配用电监测。\n"
        "（2）运维服务\n利用平台监测用户用电状态，发现异常即派人现场检修，收取运维服务费。\n"
        "公司订单及毛利率变动情况\n答：订单正常，毛利率基本稳定。\n公司员工持股计划\n答：暂无。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [("公司订单及毛利率变动情况", "订单正常，毛利率基本稳定。"), ("公司员工持股计划", "暂无。")]


def test_the_meetings_closing_thanks_leave_the_last_answer_an_askers_thanks_stay():
    text = "问：明年展望？\n答：稳中有升。\n谢谢大家！\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("明年展望？", "稳中有升。")]
    text = "问：明年展望？\n答：稳中有升。\n感谢您的关注！\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("明年展望？", "稳中有升。感谢您的关注！")]


def test_next_number_typed_without_a_separator():
    text = "1.欢乐谷开设的标准？\n人口一千万以上。\n2.二次消费情况？\n餐饮全部自营。\n3游客构成？\n本地占七成。\n"
    assert [q for q, _ in pairs(parse_text(text, meta={"code": "002999"}))] == ["欢乐谷开设的标准？", "二次消费情况？", "游客构成？"]
    # a line opening with 3月份 after item 2 is text, not item 3
    text = "1.销售情况？\n稳定。\n2.订单情况？\n订单饱满，\n3月份以来增长较快。\n"
    assert pairs(parse_text(text, meta={"code": "002999"}))[1] == ("订单情况？", "订单饱满，3月份以来增长较快。")


def test_numbered_questions_before_the_only_answer_marker():
    text = (
        "一、公司产量为何增加？\n技改项目完成。\n二、行业有无企业退出？\n每年都有小企业退出。\n"
        "三、出口增长的原因？\n产品品质提升。\n四、钛白粉用于哪些涂料？\n答：各色涂料都用。\n"
    )
    assert [q for q, _ in pairs(parse_text(text, meta={"code": "002999"}))] == [
        "公司产量为何增加？", "行业有无企业退出？", "出口增长的原因？", "钛白粉用于哪些涂料？",
    ]
    # agenda points before the questions stay presentation
    text = (
        "1、参观公司的产品陈列室。\n介绍了主要产品。\n2、介绍公司情况。\n公司专业从事五金工具生产。\n"
        "3、汇率影响如何？\n答：影响有限。\n4、竞争优势有哪些？\n答：渠道和品牌。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert [q for q, _ in pairs(filing)] == ["汇率影响如何？", "竞争优势有哪些？"]
    assert [s.kind for s in filing.segments] == ["presentation", "qa", "qa"]


def test_unnumbered_topics_before_a_numbering_starting_at_three():
    text = (
        "现场参观\n互动问答\n公司何时更名\n更名材料已报审批。\n海外项目基本情况\n"
        "拟合作开发房地产项目。\n3、风电项目进展如何？\n已完成测风。\n4、机器人技术优势？\n力控精度高。\n"
    )
    assert [q for q, _ in pairs(parse_text(text, meta={"code": "002999"}))] == [
        "公司何时更名", "海外项目基本情况", "风电项目进展如何？", "机器人技术优势？",
    ]


def test_end_mark_and_agenda_line_at_the_end_leave_the_last_answer():
    for tail in ("（结束）", "公司展示室参观"):
        text = f"问：明年展望？\n答：稳中有升。\n{tail}\n"
        assert pairs(parse_text(text, meta={"code": "002999"})) == [("明年展望？", "稳中有升。")]


def test_points_asked_under_a_numbered_topic():
    text = (
        "1、关于模具业务：\n2.1  汽车销量下滑对模具订单有影响吗？\n影响有限。\n2.2  合资品牌占比多少？\n占比较大。\n"
        "2、公司未来战略？\n稳步发展。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [
        ("汽车销量下滑对模具订单有影响吗？", "影响有限。"),
        ("合资品牌占比多少？", "占比较大。"),
        ("公司未来战略？", "稳步发展。"),
    ]
    assert [(s.kind, s.title) for s in filing.segments][0] == ("presentation", "关于模具业务")


def test_number_dot_then_a_year_and_context_before_the_first_question():
    text = (
        "1.2012年GDP增速下滑至7.4%。\n那么，明年经济走势的焦点是什么？\n答：在投资。\n"
        "2.2013年货币政策如何？\n答：以公开市场操作为主。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("2012年GDP增速下滑至7.4%。那么，明年经济走势的焦点是什么？", "在投资。"),
        ("2013年货币政策如何？", "以公开市场操作为主。"),
    ]


def test_a_visit_with_an_escort_ends_the_last_answer():
    text = "问：募投进展？\n答：按计划推进。\n其他：公司董秘陪同研究员参观了生产车间。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("募投进展？", "按计划推进。")]


def test_a_numbered_topic_filling_the_line_is_not_joined_with_its_answer():
    wide = "浙江疏浚的应收账款净额为两亿元，占期末流动资产的比"  # lines of ~24 characters
    text = (
        f"1.  浙江疏浚的应收款数额较大，请说明一下情况\n{wide}\n例较高。\n"
        "2.  原材料价格上涨对公司毛利率和业绩的影响\n如何？灯珠占成本多少？目前价格是否稳定？\n灯珠占一成，价格稳定。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("浙江疏浚的应收款数额较大，请说明一下情况", wide + "例较高。"),
        ("原材料价格上涨对公司毛利率和业绩的影响如何？灯珠占成本多少？目前价格是否稳定？", "灯珠占一成，价格稳定。"),
    ]


def test_part_and_ord_headings_after_the_qa_end_the_last_answer():
    text = "PART I 投资者问答\n问题一：盈利模式？\n回答：广告和增值业务。\nPART II参观公司的智能终端产品。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("盈利模式？", "广告和增值业务。")]
    text = "第二部分：\n问：海外增速？\n答：超过六成。\n第三部分：\n公司介绍了研究院的五个方向。\n"
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [("海外增速？", "超过六成。")]
    assert filing.segments[-1].kind == "presentation"


def test_doubled_dot_after_a_question_number():
    text = "5..产能利用率如何？\n答：接近满产。\n6..明年资本开支？\n答：约三亿元。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("产能利用率如何？", "接近满产。"),
        ("明年资本开支？", "约三亿元。"),
    ]


def test_trailing_question_with_its_own_role_marker_loses_the_marker():
    text = "1、来宾问：订单情况？\n答：饱满。6、来宾问：海外市场拓展如何？\n答：进展顺利。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("订单情况？", "饱满。"),
        ("海外市场拓展如何？", "进展顺利。"),
    ]


def test_unmarked_topic_after_the_last_answer_when_questions_are_topics():
    text = (
        "主要产品的销售情况\n答：销量同比增长两成。\n"
        "原材料采购的情况\n答：以长协为主。\n"
        "未来三年的规划\n公司将扩建二期产线。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("主要产品的销售情况", "销量同比增长两成。"),
        ("原材料采购的情况", "以长协为主。"),
        ("未来三年的规划", "公司将扩建二期产线。"),
    ]


def test_answered_numbered_points_before_the_first_marked_question():
    text = (
        "1、介绍公司背景及业务领域。\n远航电气成立于2001年，主营变压器。\n"
        "2、介绍公司去年业绩情况及原因。\n去年营收下滑一成，主因是订单推迟。\n"
        "3、问：今年一季度业绩如何？\n答：同比持平。\n4、问：海外市场进展？\n答：新增两个国家。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("介绍公司背景及业务领域。", "远航电气成立于2001年，主营变压器。"),
        ("介绍公司去年业绩情况及原因。", "去年营收下滑一成，主因是订单推迟。"),
        ("今年一季度业绩如何？", "同比持平。"),
        ("海外市场进展？", "新增两个国家。"),
    ]
    # one question, answered in a word, before the marked ones
    text = "1、哪些车企采用增程模式？\n青石汽车。\n2、投放了多少辆？\n答：四千多辆。\n3、电池有无突破？\n答：暂时没有。\n"
    assert [q for q, _ in pairs(parse_text(text, meta={"code": "002999"}))] == [
        "哪些车企采用增程模式？", "投放了多少辆？", "电池有无突破？",
    ]
    # a manager presenting is a point of the programme, not a question
    text = (
        "1、王先生介绍网购业务发展情况。\n网购业务覆盖三个省。\n2、李女士介绍生鲜经营情况。\n生鲜改革已历时三年。\n"
        "3、亏损门店调整是否结束？\n答：基本结束。\n4、明年开店计划？\n答：新开十家。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert [q for q, _ in pairs(filing)] == ["亏损门店调整是否结束？", "明年开店计划？"]


def test_visit_after_the_talk_ends_the_last_answer():
    text = "问：付款周期如何？\n答：不同订单不同。\n沟通结束后，三位研究员参观了公司车间。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("付款周期如何？", "不同订单不同。")]


def test_a_request_continues_numbering_in_another_style():
    text = (
        "1、主要客户有哪些？\n国内品牌厂商。\n2、技术优势在哪里？\n电源管理。\n3、产品毛利率差别如何？\n多节电芯更高。\n"
        "4、海外收入占比多少？\n约三成。\n5. 请简单介绍与客户合作的流程。\n先通过资质认证，再按项目下单。\n"
        "6、未来增长点在哪里？\n动力电池。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"}))[4] == ("请简单介绍与客户合作的流程。", "先通过资质认证，再按项目下单。")


def test_points_asked_in_parentheses_under_a_numbered_topic():
    text = (
        "1、增资青石新材的方案详情：\n（1）请介绍青石新材的技术优势？\n拥有梯度材料技术。\n"
        "（2）技术能否与公司产品结合？\n可用于衬板改性。\n2、今年市场开拓难度会增大吗？\n难度不大。\n"
        "3、利润增长点在哪里？\n新产线投产。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [
        ("请介绍青石新材的技术优势？", "拥有梯度材料技术。"),
        ("技术能否与公司产品结合？", "可用于衬板改性。"),
        ("今年市场开拓难度会增大吗？", "难度不大。"),
        ("利润增长点在哪里？", "新产线投产。"),
    ]
    assert (filing.segments[0].kind, filing.segments[0].title) == ("presentation", "增资青石新材的方案详情")
    # an answer's own list under a question stays in the answer
    text = "1、公司的优势？\n（1）技术领先。\n（2）成本较低。\n2、明年计划？\n稳步扩产。\n"
    assert pairs(parse_text(text, meta={"code": "002999"}))[0] == ("公司的优势？", "（1）技术领先。（2）成本较低。")


def test_number_dot_then_a_range_of_years():
    text = "7．2010—2013年研发支出情况？\n分别为九亿和十六亿元。\n8．2010-2013年资本开支情况？\n逐年增加。\n"
    assert [q for q, _ in pairs(parse_text(text, meta={"code": "002999"}))] == [
        "2010—2013年研发支出情况？", "2010-2013年资本开支情况？",
    ]


PDF_LIKE = """证券代码：002888                    证券简称：远航电气
远航电气股份有限公司
投资者关系活动记录表
投资者关系活动
类别
□ 特定对象调研         □ 分析师会议
□ 媒体采访            □ 业绩说明会
□ 新闻发布会            路演活动
□ 现场参观
√ 其他 （电话会议）
参与单位名称及
人员姓名
东海证券 陈立（以上排名不分先后）
时间 2024 年 5月 6日至 2024 年 5月 8日
地点 线上
上市公司接待人
员姓名
1、董事长  孙强
2、财务总监  周敏
投资者关系活动
主要内容介绍
Q1：请介绍公司在变压器领域的
布局？
A：公司在特高压变压器领域已有多年积累，产品覆盖 110kV 至
800kV，2023 年相关收入约 12.5 亿元，海外订单
- 1 -
远航电气股份有限公司投资者关系活动记录表
持续增长。
Q2：Model as a
Service 模式是否适用？
第 2 页 共 3 页
A：公司正在评估该模式，暂未形成收入。
远航电气股份有限公司投资者关系活动记录表
附件清单（如有） 无
日期 2024 年 5月 9 日
"""


def test_pdf_like_record_with_page_furniture_and_wrapped_lines():
    filing = parse_text(PDF_LIKE)
    assert (filing.code, filing.name, filing.company) == ("002888", "远航电气", "远航电气股份有限公司")
    assert filing.activity_types == ("路演活动", "其他（电话会议）")
    assert filing.participants == ("东海证券 陈立",)
    assert filing.event_dates == ("2024-05-06", "2024-05-08")
    assert filing.staff == ("董事长 孙强", "财务总监 周敏")
    assert filing.date == "2024-05-09"
    assert filing.location == "线上"
    assert [s.kind for s in filing.segments] == ["qa", "qa"]
    assert pairs(filing) == [
        (
            "请介绍公司在变压器领域的布局？",
            "公司在特高压变压器领域已有多年积累，产品覆盖110kV至800kV，2023年相关收入约12.5亿元，海外订单持续增长。",
        ),
        ("Model as aService模式是否适用？", "公司正在评估该模式，暂未形成收入。"),
    ]


def test_fake_bold_doubling_is_undone():
    text = "问问问问：：：：公公公公司司司司产产产产能能能能？？？？\n答答答答：：：：满产。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("公司产能？", "满产。")]


def test_docx_record_through_the_reader(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("证券代码：300999        证券简称：青石科技")
    document.add_paragraph("青石科技股份有限公司投资者关系活动记录表")
    table = document.add_table(rows=0, cols=2)
    rows = [
        ("投资者关系活动类别", "☑特定对象调研 □分析师会议 □业绩说明会"),
        ("参与单位名称及人员姓名", "远山基金 李明\n北辰证券 王芳"),
        ("时间", "2024年3月5日"),
        ("地点", "公司会议室"),
        ("上市公司接待人员姓名", "董事会秘书 赵一"),
        ("投资者关系活动主要内容介绍", "问：今年订单如何？\n答：同比增长两成。\n问：海外进展？\n答：东南亚工厂已投产。"),
        ("附件清单（如有）", "无"),
        ("日期", "2024年3月6日"),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    path = tmp_path / "record.docx"
    document.save(path)
    filing = parse_file(path)
    assert (filing.code, filing.name, filing.company) == ("300999", "青石科技", "青石科技股份有限公司")
    assert filing.activity_types == ("特定对象调研",)
    assert filing.participants == ("远山基金 李明", "北辰证券 王芳")
    assert (filing.event_dates, filing.date, filing.location) == (("2024-03-05",), "2024-03-06", "公司会议室")
    assert filing.staff == ("董事会秘书 赵一",)
    assert pairs(filing) == [("今年订单如何？", "同比增长两成。"), ("海外进展？", "东南亚工厂已投产。")]


# ---- metadata from table columns, stubs, errors ----------------------------------------------------


def test_table_row_meta_fills_what_the_text_lacks():
    meta = {
        "doc_id": "9001",
        "code": "2999",
        "name": "青石科技",
        "category": "特定对象调研，其他",
        "institutions": "远山基金；北辰证券",
        "date": "2014-06-30",
    }
    filing = parse_document(RawDocument("t.csv#9001", "问：产能？\n答：满产。", "csv", meta=meta))
    assert (filing.code, filing.name, filing.date) == ("002999", "青石科技", "2014-06-30")
    assert filing.activity_types == ("特定对象调研", "其他")
    assert filing.participants == ("远山基金", "北辰证券")
    assert filing.event_dates == ()


def test_garbled_meta_date_is_dropped():
    filing = parse_text("问：产能？\n答：满产。", meta={"code": "002999", "date": "0202-06-30"})
    assert filing.date is None


def test_docx_meta_checkbox_category_is_interpreted():
    meta = {"category": "\uf052特定对象调研 □分析师会议 □媒体采访\n□其他", "event_time": "2024年1月2日", "date": "2024年1月3日"}
    filing = parse_text("问：产能？\n答：满产。", meta=meta)
    assert filing.activity_types == ("特定对象调研",)
    assert filing.event_dates == ("2024-01-02",)
    # the form's 日期 wins over the activity's day, as it does when the same form is read as text
    assert filing.date == "2024-01-03"


def test_event_date_range_with_short_end():
    filing = parse_text("时间 2024年7月1日-3日\n地点 深圳\n问：产能？\n答：满产。")
    assert filing.event_dates == ("2024-07-01", "2024-07-03")
    assert filing.location == "深圳"


def test_stub_with_metadata_has_no_segments():
    filing = parse_text("见附件", meta={"code": "002999", "name": "青石科技"})
    assert filing.segments == ()
    assert filing.code == "002999"


def test_stub_without_metadata_raises():
    with pytest.raises(IrtoneError, match=r"no investor-relations content \(stub such as 见附件\?\)"):
        parse_text("见附件", source="stub.txt")


def test_non_ir_text_raises():
    with pytest.raises(IrtoneError) as err:
        parse_text("The quick brown fox jumps over the lazy dog. " * 5, source="fox.txt")
    assert str(err.value).startswith("fox.txt: not an investor-relations record")


def test_empty_text_raises():
    with pytest.raises(IrtoneError, match="empty"):
        parse_text("  \n\n ", source="empty.txt")


def test_answers_table_document():
    meta = {
        "company": "万 科Ａ",
        "year": "2016",
        "pairs": [
            {"id": "r7", "number": 1, "question": "分红 多少？", "answer": "每股 1 元。"},
            {"id": "r8", "number": 2, "question": "负债率？", "answer": "约 80%。"},
        ],
    }
    filing = parse_document(RawDocument("b.jsonl#7-8", "", "jsonl", meta=meta))
    assert filing.kind == "answers"
    assert (filing.company, filing.name) == ("万 科Ａ", "万 科Ａ")
    assert filing.activity_types == ("业绩说明会",)
    assert (filing.date, filing.event_dates) == (None, ())  # a year is not a day
    assert filing.period == "2016" and filing.to_dict()["period"] == "2016"  # ... but a reporting period
    assert [(s.kind, s.number, s.ref, s.question, s.answer, s.text) for s in filing.segments] == [
        ("qa", 1, "r7", "分红多少？", "每股1元。", "每股1元。"),
        ("qa", 2, "r8", "负债率？", "约80%。", "约80%。"),
    ]
    again = parse_document(RawDocument("other-name", "", "jsonl", meta=meta))
    assert again.filing_id == filing.filing_id and len(filing.filing_id) == 16


def test_answers_table_dates_and_category():
    pair = [{"id": "1", "number": 1, "question": "分红？", "answer": "每股1元。"}]
    dated = parse_document(RawDocument("b.csv#1", "", "csv", meta={"code": "2999", "date": "2024/5/10", "pairs": pair}))
    assert (dated.code, dated.date, dated.activity_types) == ("002999", "2024-05-10", ("业绩说明会",))
    titled = {"company": "远航电气", "conference": "远航电气2024年5月10日业绩说明会", "year": "2023", "pairs": pair}
    assert parse_document(RawDocument("b.csv#1", "", "csv", meta=titled)).date == "2024-05-10"
    fiscal = {"company": "远航电气股份有限公司", "conference": "远航电气2023年度业绩说明会", "year": "2023", "pairs": pair}
    filing = parse_document(RawDocument("b.csv#1", "", "csv", meta=fiscal))
    assert (filing.date, filing.name, filing.company) == (None, None, "远航电气股份有限公司")
    other = parse_document(RawDocument("b.csv#1", "", "csv", meta={"category": "路演活动", "pairs": pair}))
    assert other.activity_types == ("路演活动",)


@pytest.mark.parametrize(
    "conference,year,period",
    [
        ("远航电气2023年度业绩说明会", "2023", "2023"),
        ("远航电气2023年年度报告网上说明会", "2023", "2023"),
        ("远航电气2023 年年报网上业绩说明会", "", "2023"),
        ("远航电气2023年投资者说明会", "2023", "2023"),
        ("远航电气２０２３年半年度业绩网上说明会", "2023", "2023H1"),
        ("远航电气2023年中期业绩网络说明会", "2023", "2023H1"),
        ("远航电气2023年第三季度业绩说明会", "2023", "2023Q3"),
        ("远航电气2024年一季度业绩网上说明会", "2024", "2024Q1"),
        # combined briefings are about the period named first
        ("远航电气2023年度暨2024年第一季度业绩说明会", "2023", "2023"),
        # the title beats a conflicting year column
        ("远航电气2023年半年度业绩说明会", "2022", "2023H1"),
        # a full date is the event's day, not the period: the year column gives it
        ("远航电气2024年5月10日业绩说明会", "2023", "2023"),
        ("远航电气业绩说明会", "2023年度", "2023"),
        ("远航2000科技2023年度业绩说明会", "", "2023"),
        ("远航电气业绩说明会", "", None),
        ("远航电气业绩说明会", "去年", None),
    ],
)
def test_answers_table_period(conference, year, period):
    pair = [{"id": "1", "number": 1, "question": "分红？", "answer": "每股1元。"}]
    meta = {"company": "远航电气", "conference": conference, "year": year, "pairs": pair}
    assert parse_document(RawDocument("b.csv#1", "", "csv", meta=meta)).period == period


def test_ir_records_have_no_period():
    filing = parse_text("问：2023年度业绩如何？\n答：稳定增长。", meta={"code": "002999", "date": "2024-04-10"})
    assert (filing.date, filing.period) == ("2024-04-10", None)


def test_normalize_segment_text_keeps_spaces_between_latin_words_only():
    assert normalize_segment_text("以 A100 GPU 为\n基准，Model as a Service") == "以A100GPU为基准，Model as a Service"


def test_lettered_points_under_numbered_topics_with_answer_markers():
    text = (
        "1、公司的经营战略？\n答：稳健扩张。\n2、订单情况\na) 今年新签订单有何特点？\n答：大客户占比提升。\n"
        "b) 订单到收入确认的周期多久？\n答：约一年。\n3、营销策略。\na)主要客户类型？\n答：以战略客户为主。\n"
        "b)营销团队建设情况\n营销副总负责全国营销体系。\nc)品牌规划\n答：提升品牌形象。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司的经营战略？", "稳健扩张。"),
        ("订单情况今年新签订单有何特点？", "大客户占比提升。"),
        ("订单到收入确认的周期多久？", "约一年。"),
        ("营销策略。主要客户类型？", "以战略客户为主。"),
        ("营销团队建设情况", "营销副总负责全国营销体系。"),
        ("品牌规划", "提升品牌形象。"),
    ]
    # an answer's own 1、2、 list is not a topic of the next question
    text = "（1）成本为何下降？\n答：原因有二：\n1、铜价下跌。\n2、良率提升。\n（2）明年计划？\n答：扩产。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("成本为何下降？", "原因有二：1、铜价下跌。2、良率提升。"),
        ("明年计划？", "扩产。"),
    ]


def test_number_put_on_a_line_of_its_own_by_pdf():
    text = (
        "二、互动问答\n1、海外子公司的亏损情况\n海外子公司去年试生产，亏损较大。\n"
        "2\n、原料进口情况\n原料约六成进口。\n3 PX\n、 供求展望\n明年供应将会过剩。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("海外子公司的亏损情况", "海外子公司去年试生产，亏损较大。"),
        ("原料进口情况", "原料约六成进口。"),
        ("PX供求展望", "明年供应将会过剩。"),
    ]


def test_unmarked_question_wrapped_onto_two_lines():
    text = (
        "问：青石科技的收购情况？\n答：已发布提示性公告。\n"
        "青石科技的主要股东是技术人员，对于收购后青石科技的建设和运营，双方还需要进一步商谈确定。\n"
        "若收购青石科技成功，产品方向主要是\n哪方面？\n答：高附加值的产品。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("青石科技的收购情况？", "已发布提示性公告。青石科技的主要股东是技术人员，对于收购后青石科技的建设和运营，双方还需要进一步商谈确定。"),
        ("若收购青石科技成功，产品方向主要是哪方面？", "高附加值的产品。"),
    ]


def test_listed_questions_repeated_in_the_answer_each_get_their_answer():
    text = (
        "问题一：收购青石互联相关事宜\n1、重组目前进展情况？\n2、青石互联的分公司情况？\n"
        "回复：\n1、重组目前进展情况？\n处于一次反馈阶段。\n2、青石互联的分公司情况？\n有五家分公司。\n"
        "问题二：公司运营情况\n1、与客户的合作模式？\n2、传统业务的定位？\n"
        "回复：\n1、与客户的合作模式？\n合作模式是ODM。\n2、传统业务的定位？\n主营业务不变。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("收购青石互联相关事宜重组目前进展情况？", "处于一次反馈阶段。"),
        ("青石互联的分公司情况？", "有五家分公司。"),
        ("公司运营情况与客户的合作模式？", "合作模式是ODM。"),
        ("传统业务的定位？", "主营业务不变。"),
    ]


def test_numbered_topic_labels_in_unmarked_answers_are_not_speakers():
    text = (
        "1、新并购的两家公司如何协同？\n青石动漫与两家公司的用户重合度高。\n"
        "青石科技：虚拟现实技术与动漫产业有先天的契合度。\n"
        "2、两家公司的盈利模式是怎样？\n（1）青石科技：与景点门票分成。\n（2）迷你乐园：门票和广告收入。\n"
        "3、会考虑股权激励吗？\n有可能。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("新并购的两家公司如何协同？", "青石动漫与两家公司的用户重合度高。青石科技：虚拟现实技术与动漫产业有先天的契合度。"),
        ("两家公司的盈利模式是怎样？", "（1）青石科技：与景点门票分成。（2）迷你乐园：门票和广告收入。"),
        ("会考虑股权激励吗？", "有可能。"),
    ]


def test_question_number_glued_to_or_after_its_marker_is_not_question_text():
    text = "提问1.上半年电量完成情况？\n答：同比下降。\n提问2公司的技改是国家要求的吗？\n答：是的。\n提问：3.还有哪些机组需要改造？\n答：两台。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("上半年电量完成情况？", "同比下降。"),
        ("公司的技改是国家要求的吗？", "是的。"),
        ("还有哪些机组需要改造？", "两台。"),
    ]


def test_programme_point_ending_in_semicolon_is_not_asked_with_the_next_question():
    text = (
        "1、介绍公司经营情况；\n2、民用领域产品介绍；\n民用方面主要是工业电力和体温检测。\n"
        "3、介绍车载夜视产品的用途；\n4、探测器的研究进展如何？\n正在按计划进行。\n5、募投项目进展如何？\n即将投产。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [
        ("民用领域产品介绍；", "民用方面主要是工业电力和体温检测。"),
        ("探测器的研究进展如何？", "正在按计划进行。"),
        ("募投项目进展如何？", "即将投产。"),
    ]
    assert [(s.kind, s.title) for s in filing.segments][2] == ("presentation", "介绍车载夜视产品的用途")


def test_question_after_the_last_answer_in_another_numbering_style():
    text = (
        "1.公司经营情况如何？\n回答：经营平稳。\n2.电商未来的爆款？\n回答：坚果类产品。\n\n"
        "3、员工持股计划进展如何？\n已通过二级市场买入股票。\n"
    )
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司经营情况如何？", "经营平稳。"),
        ("电商未来的爆款？", "坚果类产品。"),
        ("员工持股计划进展如何？", "已通过二级市场买入股票。"),
    ]


def test_colon_in_an_investors_sentence_is_not_a_speaker_label():
    # "我问两个问题：" / "我想问：" is an investor talking, not a label: the numbered questions stay pairs
    text = (
        "主要问答：\n"
        "1 、今年公司的人员有什么安排？\n 今年重点是控制人员增长。\n\n"
        "2 、我问两个问题 ：一个是光纤问题，一个是海外招标的问题，今年招标是怎样的情况？\n招标还没有结束，现在不好判断。\n\n"
        "3、老厂区改造与新建投资差别有多大？\n 部分厂区可以改造，年限太早的需要新建。\n\n"
        "4、 我想问：公司对南美市场如何看？\n 南美市场的态度不会改变。\n\n"
        "5、 能否说明下北非项目的情况？\n项目还在招标中，不好评论。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [
        ("今年公司的人员有什么安排？", "今年重点是控制人员增长。"),
        ("我问两个问题：一个是光纤问题，一个是海外招标的问题，今年招标是怎样的情况？", "招标还没有结束，现在不好判断。"),
        ("老厂区改造与新建投资差别有多大？", "部分厂区可以改造，年限太早的需要新建。"),
        ("我想问：公司对南美市场如何看？", "南美市场的态度不会改变。"),
        ("能否说明下北非项目的情况？", "项目还在招标中，不好评论。"),
    ]


def test_questions_listed_together_then_answered_in_the_same_order():
    text = (
        "首先，公司介绍了近年的并购情况：\n公司围绕主业开展收购，整合进展顺利。\n"
        "会上，分析师主要提出以下几个问题：\n"
        "1、青石科技为什么放弃独立上市？\n2、青石科技的竞争对手有哪些？\n3、收购后公司怎样管理它？\n"
        "针对上述问题，公司领导逐一作了解答。\n"
        "1、独立上市排队时间太长，合作更快。\n2、国内同类厂家只有三家。\n另外两家是研究所。\n3、保持其管理团队稳定。\n"
    )
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [
        ("青石科技为什么放弃独立上市？", "独立上市排队时间太长，合作更快。"),
        ("青石科技的竞争对手有哪些？", "国内同类厂家只有三家。另外两家是研究所。"),
        ("收购后公司怎样管理它？", "保持其管理团队稳定。"),
    ]
    assert [s.kind for s in filing.segments] == ["presentation", "presentation", "qa", "qa", "qa"]


@pytest.mark.parametrize("column, code", [
    ("000063.SZ/0763.HK", "000063"), ("000625（200625）", "000625"), ("200725、000725", "000725"),
    ("SZ002024；HK2024", "002024"), ("2666", "002666"), ("002060 ", "002060"), ("00", None), ("1234567", None),
    ("中能电气", None)])
def test_a_dual_listing_code_column_gives_the_a_share_code(column, code):
    """3 % of the SZSE records name an A+H or A+B listing in the code column; a code of None would
    leave the record out of its company's history."""
    text = "问：公司订单情况如何？\n答：订单饱满。\n"
    assert parse_text(text, meta={"code": column}).code == code


def test_a_colon_after_a_numbered_question_label_is_not_part_of_the_question():
    text = "问一、：母公司三季度收入下降的原因？\n答：主要受价格影响。\n问二、：明年计划？\n答：稳步推进。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("母公司三季度收入下降的原因？", "主要受价格影响。"), ("明年计划？", "稳步推进。")]


def test_numbered_questions_answered_in_plain_text_before_wen_da_markers_are_pairs():
    """1、…？ answered in plain text, then 问：…答：… unnumbered: the first question is a pair, not a
    presentation section; agenda points (1、参观公司展厅。) before the markers stay presentation."""
    text = "1、公司目前的行业地位？\n公司是行业龙头之一，市场份额领先。\n问：明年资本开支计划？\n答：新建产线。\n问：毛利率？\n答：稳定。\n"
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司目前的行业地位？", "公司是行业龙头之一，市场份额领先。"), ("明年资本开支计划？", "新建产线。"), ("毛利率？", "稳定。")]
    agenda = "1、参观公司展厅。\n2、介绍公司情况。\n问：明年资本开支计划？\n答：新建产线。\n"
    assert pairs(parse_text(agenda, meta={"code": "002999"})) == [("明年资本开支计划？", "新建产线。")]


def test_a_numbered_programme_point_is_presentation_not_a_question():
    """1、现场参观 followed by what the visitors saw is a point of the programme; the numbered questions
    after it are the pairs."""
    text = ("1、现场参观\n投资者参观了公司厂区和污水处理站。\n2、公司三季报情况，请简单分析原因。\n"
            "前三季度营业收入增长1.25%。\n3、公司未来的发展规划？\n拓展国际市场。\n")
    filing = parse_text(text, meta={"code": "002999"})
    assert pairs(filing) == [("公司三季报情况，请简单分析原因。", "前三季度营业收入增长1.25%。"),
                             ("公司未来的发展规划？", "拓展国际市场。")]
    assert [(s.title, s.text) for s in filing.segments if s.kind == "presentation"] == [
        ("现场参观", "投资者参观了公司厂区和污水处理站。")]


def test_participants_column_junk_is_cleaned():
    """The SZSE table's institutions column was split at every space and around head counts: Latin
    names go back together, a legal suffix rejoins its name, head counts and cut title marks go."""
    text = "问：公司订单情况如何？\n答：订单饱满。\n"
    meta = {"code": "002999", "institutions": "嘉实基金；black；rock；广发证券；有限公司；《上海证券；本次调研共有4；位机构投资者参与"}
    assert parse_text(text, meta=meta).participants == ("嘉实基金", "black rock", "广发证券有限公司", "上海证券")


def test_numbering_from_three_takes_both_unnumbered_title_answer_pairs_before_it():
    """Numbering begins at 3: the two title lines before it, each with its answer, are questions 1
    and 2, even where one of them (募投项目达产时间) names no topic word."""
    text = ("募投项目达产时间\n一期工程预计在建设后第一年开始达产。\n重庆公司的产能情况\n建成后年产电梯4,500台。\n"
            "3．2012年新增订单情况\n新增订单增长较好。\n4. 维保期是否收取费用？\n免费维保期后收取费用。\n")
    assert [q for q, _ in pairs(parse_text(text, meta={"code": "002999"}))] == [
        "募投项目达产时间", "重庆公司的产能情况", "2012年新增订单情况", "维保期是否收取费用？"]


def test_an_opening_sentence_before_the_intro_line_is_kept_and_the_intro_line_dropped():
    text = "宋总致欢迎辞并介绍公司基本情况。\n本次调研记录如下：\n问1：订单情况？\n答：订单饱满。\n"
    filing = parse_text(text, meta={"code": "002999"})
    assert [s.text for s in filing.segments if s.kind == "presentation"] == ["宋总致欢迎辞并介绍公司基本情况。"]
    assert pairs(filing) == [("订单情况？", "订单饱满。")]
    only_intro = parse_text("本次调研记录如下：\n问1：订单情况？\n答：订单饱满。\n", meta={"code": "002999"})
    assert [s for s in only_intro.segments if s.kind == "presentation"] == []


def test_table_metadata_junk_is_cleaned():
    """A participant written 凯石益正等共37人 is 凯石益正; a name column run into the form's number is
    the name; a category listing every activity type is the form's template, not what was held."""
    text = "问：公司订单情况如何？\n答：订单饱满。\n"
    meta = {"code": "002999", "institutions": "凯石益正等共37人；华夏基金等机构联合调研；鹏华基金等；和君咨询等机构投资者",
            "name": "鸿博股份            编号：2013-003",
            "category": "特定对象调研；分析师会议；媒体采访；业绩说明会；新闻发布会；路演活动；现场参观；其他"}
    filing = parse_text(text, meta=meta)
    assert filing.participants == ("凯石益正", "华夏基金", "鹏华基金", "和君咨询")
    assert filing.name == "鸿博股份"
    assert filing.activity_types == ()
    assert parse_text(text, meta={**meta, "category": "特定对象调研；现场参观"}).activity_types == ("特定对象调研", "现场参观")


def test_an_end_mark_before_the_closing_boilerplate_is_not_part_of_the_last_answer():
    text = ("问：明年资本开支计划？\n答：计划新建一条产线。\n（调研结束）\n"
            "接待过程中，公司严格按照规定进行了交流，没有出现未公开重大信息泄露等情况。\n")
    assert pairs(parse_text(text, meta={"code": "002999"})) == [("明年资本开支计划？", "计划新建一条产线。")]


def test_numbered_points_after_a_bare_answer_marker_stay_in_the_answer():
    """答： then （1）… （2）…: the last point belongs to the answer, not to the unnumbered question after it."""
    text = ("1、公司大客户情况？\n答：\n（1）公司大客户比较集中。\n（2）进入苹果供应链是时间问题。\n"
            "公司未来对汽车电子领域的发展如何定位？\n答：发展空间很大。\n")
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("公司大客户情况？", "（1）公司大客户比较集中。（2）进入苹果供应链是时间问题。"),
        ("公司未来对汽车电子领域的发展如何定位？", "发展空间很大。")]


def test_numbered_questions_typed_without_the_marker_after_marked_ones_are_pairs():
    """7、问：…？ then 8、…？ 9、…？ with no 问： and no answer markers at all: 8 and 9 are questions, not
    text of the 7th answer (a question wrapped onto a short next line asks too)."""
    text = ("1、问：公司的订单模式？\n以销定产。\n2、问：公司产品定价模式是怎样的？\n成本加成。\n"
            "3、公司2012年业绩下滑的主要原因？\n原材料涨价。\n4、公司大股东认购资金来源，其对\n公司的发展有何考虑？\n"
            "自有资金。\n")
    assert [q for q, _ in pairs(parse_text(text, meta={"code": "002999"}))] == [
        "公司的订单模式？", "公司产品定价模式是怎样的？", "公司2012年业绩下滑的主要原因？", "公司大股东认购资金来源，其对公司的发展有何考虑？"]


def test_a_question_ending_in_a_colon_loses_it():
    text = "1、公司下游销售渠道拓展情况：\n公司在华东新增经销商20家。\n2、公司毛利率？\n稳定。\n"
    assert [q for q, _ in pairs(parse_text(text, meta={"code": "002999"}))] == ["公司下游销售渠道拓展情况", "公司毛利率？"]


def test_a_sign_off_under_the_last_answer_and_a_contents_label_before_the_first_question_go():
    text = ("主要采访内容：1、上市对公司的发展有何影响？\n答：品牌知名度提升。\n2、公司还有哪些新品种？\n"
            "答：准备涉及化药。\n贵州信邦制药股份有限公司\n证券投资部\n")
    assert pairs(parse_text(text, meta={"code": "002999"})) == [
        ("上市对公司的发展有何影响？", "品牌知名度提升。"), ("公司还有哪些新品种？", "准备涉及化药。")]


def test_a_numbered_line_announcing_a_speech_is_presentation():
    text = ("1、董事长就本次人事变动情况向投资者做了说明：\n公司此次人员变动是经过长期规划的。\n"
            "2、总经理就本次人事变动情况向投资者做了说明：\n交接班在一年前便有规划。\n"
            "3、公司渠道改革的计划进度如何？\n合伙人计划正在推进。\n4、渠道改革有没有遇到阻力？\n没有。\n")
    assert [q for q, _ in pairs(parse_text(text, meta={"code": "002999"}))] == [
        "公司渠道改革的计划进度如何？", "渠道改革有没有遇到阻力？"]
