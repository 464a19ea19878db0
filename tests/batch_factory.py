"""Fictional inputs for the batch tests: IR records, answers tables and bad files.

Every company, person and number here is invented; nothing is copied from ../shared.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

COMPANIES = [
    ("300901", "星河算力", "星河算力科技股份有限公司"),
    ("002977", "青禾材料", "青禾新材料股份有限公司"),
    ("688321", "澄芯微电", "澄芯微电子股份有限公司"),
    ("600588", "远帆物流", "远帆智慧物流股份有限公司"),
    ("000512", "岭南医械", "岭南医疗器械股份有限公司"),
]

QA = [
    ("公司智算中心的建设进度如何？", "公司智算中心一期已经投入运营，GPU服务器上架率超过八成，算力租赁订单饱满。"),
    ("今年的资本开支计划是多少？", "公司今年资本开支预计约十二亿元，主要用于新建产线和数据中心扩容。"),
    ("公司是否有定向增发的计划？", "公司暂无定向增发计划，目前现金流充裕，可以满足募投项目的资金需求。"),
    ("国产芯片替代进展怎样？", "公司已完成国产芯片的适配验证，国产替代比例明显提升，供应链更加安全。"),
    ("公司毛利率为什么下降？", "受原材料价格上涨影响，毛利率同比下降三个百分点，公司将通过降本增效改善盈利。"),
    ("公司有没有减持计划？", "截至目前，公司控股股东没有减持计划，也不存在质押风险。"),
    ("海外业务的情况如何？", "海外业务收入同比大幅增长，东南亚市场拓展顺利，在手订单充足。"),
    ("公司如何看待行业竞争？", "谢谢您的关注。具体情况请关注公司在指定媒体披露的定期报告。"),
    ("光模块产品的需求怎么样？", "光模块产品需求旺盛，八百G产品已批量出货，产能利用率保持高位。"),
    ("公司的研发投入情况？", "公司研发投入占营业收入的比例约为百分之九，大模型相关研发团队持续扩充。"),
    ("应收账款增加的原因是什么？", "应收账款增加主要是部分客户回款周期延长，公司已加强催收，坏账风险可控。"),
    ("公司未来三年的发展规划？", "公司将坚持主业，继续扩大产能，提升核心竞争力，为股东创造更好的回报。"),
]

PARTICIPANTS = ["甲乙证券 张一", "丙丁基金 李二", "戊己资本 王三", "庚辛资管 赵四"]


def record_pairs(rng: random.Random) -> list[tuple[str, str]]:
    return rng.sample(QA, k=rng.randint(2, 6))


def record_text(index: int, pairs: list[tuple[str, str]]) -> str:
    code, short, full = COMPANIES[index % len(COMPANIES)]
    month, day = 1 + index % 12, 1 + index % 27
    lines = [
        f"证券代码：{code}                        证券简称：{short}",
        full,
        "投资者关系活动记录表",
        f"编号：2023-{index:03d}",
        "投资者关系活动类别 ☑特定对象调研 □分析师会议 □业绩说明会",
        "参与单位名称及人员姓名 " + "、".join(PARTICIPANTS[index % 3 : index % 3 + 2]),
        f"时间 2023年{month}月{day}日",
        "地点 公司会议室",
        "上市公司接待人员姓名 董事会秘书 陈五",
        "投资者关系活动主要内容介绍",
    ]
    for n, (q, a) in enumerate(pairs, 1):
        lines.append(f"问{n}：{q}")
        lines.append(f"答：{a}")
    lines += ["附件清单（如有） 无", f"日期 2023年{month}月{day}日"]
    return "\n".join(lines) + "\n"


@dataclass
class Corpus:
    inputs: list[Path]  # what to give ``irtone batch``: the folder, then the tables
    answers: int  # rows an uninterrupted batch must write
    documents: int  # inputs that parse
    errors: list[str]  # sources of the bad inputs, in input order


def answer_rows(n: int, seed: int = 7) -> list[dict]:
    """Rows of an answers table: id, company, date, question, answer (groups of 1–9 answers)."""
    rng = random.Random(seed)
    rows, group = [], 0
    while len(rows) < n:
        code, short, full = COMPANIES[group % len(COMPANIES)]
        date = f"2023-{1 + group % 12:02d}-{1 + group % 27:02d}"
        for _ in range(rng.randint(1, 9)):
            q, a = rng.choice(QA)
            if rng.random() < 0.3:  # as exported from web pages: line breaks and indentation inside the text
                cut = rng.randrange(1, len(a))
                a = a[:cut] + rng.choice(["\n", "\r\n　　", " \n  "]) + a[cut:]
            rows.append({"id": f"A{len(rows) + 1:05d}", "company": full, "code": code, "date": date,
                         "question": q, "answer": a})
        group += 1
    return rows[:n]


def write_corpus(root: Path, records: int = 30, answers: int = 60, seed: int = 3, bad: bool = True) -> Corpus:
    """A folder of TXT records, an answers CSV, a whole-record JSONL and (optionally) bad files."""
    import csv

    rng = random.Random(seed)
    folder = root / "records"
    folder.mkdir(parents=True, exist_ok=True)
    expected_answers, documents, errors = 0, 0, []
    files = {}
    for i in range(records):
        pairs = record_pairs(rng)
        files[f"r{i:04d}.txt"] = record_text(i, pairs).encode("utf-8")
        expected_answers += len(pairs)
        documents += 1
    if bad:
        files["r0002_empty.txt"] = b""
        files["r0005_binary.txt"] = b"\x00\x01\x02binary\x00" * 20
        files["r0007_notes.txt"] = "今天天气不错，我们去公园散步吧。\n".encode()
    for name in sorted(files):
        (folder / name).write_bytes(files[name])
        if name.count("_"):
            errors.append(str(folder / name))
    answers_csv = root / "answers.csv"
    rows = answer_rows(answers, seed)
    with open(answers_csv, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "company", "code", "date", "question", "answer"])
        writer.writeheader()
        writer.writerows(rows)
    expected_answers += len(rows)
    keys = [(r["code"], r["date"]) for r in rows]
    documents += sum(1 for i, k in enumerate(keys) if i == 0 or k != keys[i - 1])  # irtone's answers groups
    whole = root / "whole.jsonl"
    lines = []
    for i in range(max(3, records // 5)):
        code, short, full = COMPANIES[(i + 2) % len(COMPANIES)]
        pairs = record_pairs(rng)
        lines.append(json.dumps({"doc_id": f"D{i:04d}", "code": code, "name": short, "date": "2023-05-06",
                                 "content": record_text(1000 + i, pairs)}, ensure_ascii=False))
        expected_answers += len(pairs)
        documents += 1
        if bad and i == 1:
            lines.append("{not json")
            errors.append(f"{whole}#{len(lines)}")
    whole.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Corpus([folder, answers_csv, whole], expected_answers, documents, errors)


def child_pids(pid: int) -> list[int]:
    """Live child processes of ``pid`` (Linux /proc; empty elsewhere)."""
    children = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            children.append(int(entry.parent.name))
    return children


def running(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
