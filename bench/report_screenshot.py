"""Make ``reports/screenshot.html`` and ``reports/screenshot.png``: the report of a fictional company.

Three invented 投资者关系活动记录表 of an invented company (星河云算, code 990001) go through the real
pipeline (parse → score → store) into a temporary database; the latest one's report is exported as
the HTML document and, with Chromium on PATH, a PNG of it (``nlp.render.export``). Nothing here
comes from the shared corpus.

    python bench/report_screenshot.py [--out reports/screenshot.html] [--png-height 2600]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADER = """证券代码：990001                                  证券简称：星河云算

星河云算科技股份有限公司
投资者关系活动记录表

投资者关系活动类别  ■ 特定对象调研  □ 分析师会议  □ 业绩说明会
参与单位名称及人员姓名  {who}
时间  {when}
地点  公司会议室
上市公司接待人员姓名  董事会秘书 王青山
投资者关系活动主要内容介绍
"""

FOOTER = """
附件清单（如有） 无
日期 {when}
"""

RECORDS = [
    (
        "2022 年 3 月 18 日",
        "甲辰基金 张远；乙巳证券 李明",
        """Q1：公司新生产线的建设进度如何？
A：公司新建的两条生产线已经进入设备安装阶段，预计下半年投产，产能将提升约三成。今年公司计划资本开支约6亿元。
Q2：公司目前的订单情况怎样？
A：订单情况平稳，主要客户合作关系稳定，在手订单可以覆盖未来两个季度的排产。
Q3：公司算力业务的进展如何？
A：公司算力业务仍处于起步阶段，数据中心一期正在规划，公司将坚持稳健经营的原则，审慎推进新业务。
""",
    ),
    (
        "2022 年 9 月 22 日",
        "丙午资产 王芳；丁未保险 赵磊；戊申基金 陈晨",
        """Q1：公司定增的进展如何？
A：公司非公开发行股票的申请已获受理，本次计划募集资金约5亿元，将用于扩产项目和补充流动资金。
Q2：扩产项目的资本开支计划是怎样的？
A：扩产项目总投资约八亿元，资本开支将在未来两年内分批投入，资金来源为募集资金和银行贷款。
Q3：公司算力业务有什么新进展？
A：公司算力业务仍处于起步阶段，数据中心一期正在规划，公司将坚持稳健经营的原则，审慎推进新业务。
Q4：下游需求是否有所减弱？
A：部分下游客户需求有所减弱，公司短期业绩面临一定压力，但长期发展趋势没有改变。
""",
    ),
    (
        "2023 年 5 月 18 日",
        "戊申基金 陈晨；己酉证券 周洋 孙悦；庚戌资本 吴迪；辛亥投资 郑好；壬子基金 冯远",
        """Q1：公司算力业务的进展如何？
A：公司数据中心的算力需求旺盛，智算中心一期已经投入运营，GPU 服务器上架率超过九成，客户需求持续增长。今年公司计划在算力平台上投入约12亿元。
Q2：公司在国产芯片方面有什么布局？
A：公司积极推进国产化替代，已经完成与多家国产 AI 芯片厂商的适配测试，自主可控的算力平台预计年内上线。
Q3：公司未来是否还有融资计划？
A：目前公司现金流充裕，暂无新的股权融资计划，后续将根据算力业务的发展需要审慎安排。
Q4：下游需求是否有所减弱？
A：部分下游客户需求有所减弱，公司短期业绩面临一定压力，但长期发展趋势没有改变。
Q5：生产线的产能利用率怎样？
A：新建生产线产能利用率较高，订单情况良好。
""",
    ),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "reports" / "screenshot.html"))
    parser.add_argument("--png-height", type=int, default=2600, help="pixels of the page the PNG shows")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from nlp.compare import comparison_for
    from nlp.parse import parse_file
    from nlp.render import Report, export
    from nlp.render.export import browser, screenshot
    from nlp.scorer import Scorer
    from nlp.store import Store

    scorer = Scorer()
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "demo.db") as store:
            for i, (when, who, body) in enumerate(RECORDS):
                path = Path(tmp) / f"record_{i}.txt"
                path.write_text(HEADER.format(who=who, when=when) + body + FOOTER.format(when=when), encoding="utf-8")
                filing = parse_file(path)
                filing = type(filing)(**{**filing.__dict__, "source": f"fictional/{path.name}"})
                store.put(scorer.score_filing(filing))
            comparison = comparison_for(store, "990001")
    out = export(Report(comparison, scorer.theme_labels), args.out)
    print(f"wrote {out}: {comparison.current.filing.date} against {len(comparison.history)} earlier filings")
    if browser() is None:
        print("no Chromium on PATH: no PNG", file=sys.stderr)
        return 0
    png = screenshot(out, out.with_suffix(".png"), height=args.png_height)
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
