"""Filing-level aggregates of scored answers.

Only answers whose ``status == "ok"`` count (an empty or non-Chinese answer measured nothing).

- tone: mean of the answers' tone scores weighted by answer length in characters, capped at
  ``LENGTH_CAP`` so that one very long answer cannot outweigh the rest (a 40-character deflection
  weighs 40, a 3,000-character essay weighs 600).
- theme_share[t]: share of answers tagged t. theme_intensity[t]: the same length-weighted mean of
  theme t's score over all answers. theme_tone[t]: the length-weighted mean tone of the answers
  tagged t; None where no answer is (how management talks about a theme, not how often).
- n_institutions / n_participants (调研热度): from ``Filing.participants`` (``attendance``).
- question_tone: length-weighted mean (by the answer's weight) of the questions' tone, over answers
  whose ``measures`` carry one; tone_gap: the same mean of answer tone minus question tone;
  non_answer_rate: share of answers flagged ``evasive`` among those with measures. None without
  measures.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.records import Filing, FilingScore, ScoredAnswer
from nlp.scale import tone_label

LENGTH_CAP = 600


def answer_weight(answer: str) -> float:
    return float(min(max(len(answer.strip()), 1), LENGTH_CAP))


def _weighted_mean(pairs: Sequence[tuple[float, float]]) -> float | None:
    total = sum(w for w, _ in pairs)
    return sum(w * v for w, v in pairs) / total if pairs and total > 0 else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def aggregate(filing: Filing, answers: Sequence[ScoredAnswer], theme_names: Sequence[str], model_version: str) -> FilingScore:
    ok = [a for a in answers if a.status == "ok"]
    weights = [answer_weight(a.answer) for a in ok]
    total = sum(weights)
    if ok:
        tone = sum(w * a.tone.score for w, a in zip(weights, ok)) / total
        share = {t: sum(t in a.tagged for a in ok) / len(ok) for t in theme_names}
        intensity = {
            t: sum(w * (a.theme(t).score if a.theme(t) else 0.0) for w, a in zip(weights, ok)) / total
            for t in theme_names
        }
    else:
        tone, share, intensity = 0.0, {t: 0.0 for t in theme_names}, {t: 0.0 for t in theme_names}
    theme_tone = {t: _weighted_mean([(w, a.tone.score) for w, a in zip(weights, ok) if t in a.tagged])
                  for t in theme_names}
    measured = [(w, a.tone.score, a.measures) for w, a in zip(weights, ok) if a.measures is not None]
    asked = [(w, tone_, m.question_tone) for w, tone_, m in measured if m.question_tone is not None]
    institutions, participants = attendance(filing.participants)
    tone = round(tone, 4)
    return FilingScore(
        filing=filing,
        answers=tuple(answers),
        tone=tone,
        tone_label=tone_label(tone),
        theme_share={t: round(v, 4) for t, v in share.items()},
        theme_intensity={t: round(v, 4) for t, v in intensity.items()},
        model_version=model_version,
        theme_tone={t: _round(v) for t, v in theme_tone.items()},
        n_institutions=institutions,
        n_participants=participants,
        question_tone=_round(_weighted_mean([(w, q) for w, _, q in asked])),
        tone_gap=_round(_weighted_mean([(w, t - q) for w, t, q in asked])),
        non_answer_rate=_non_answer_rate([m for _, _, m in measured]),
    )


def _non_answer_rate(measures) -> float | None:
    """Share of evasive answers among those whose flag is defined (None when there are none)."""
    flags = [m.evasive for m in measures if m.evasive is not None]
    return _round(sum(flags) / len(flags)) if flags else None


# -- attendance (调研热度) -------------------------------------------------------------------------

# Words that make a participant entry an institution (a fund, broker, insurer, bank, media outlet…).
_INSTITUTION = re.compile(
    r"证券|基金|资产|资本|投资|投顾|银行|保险|人寿|信托|期货|管理|公司|集团|控股|研究|投信|国际|合伙|私募|创投|资管|"
    r"财富|顾问|咨询|金融|券商|中心|报|网|社|电视|媒体|传媒|杂志|日报|财经|客户|机构|事务所|实业|科技|"
    r"capital|securities|fund|management|partners|bank|research|invest|asset|advis|llc|ltd|inc\b|group|"
    r"holdings|limited|company|co\.|gmbh|\bag\b|plc|trust|insurance|morgan|goldman|ubs|citi|hsbc|jpm|cicc",
    re.IGNORECASE,
)
# Short names of institutions that contain none of those words (中金, 高盛…).
_SHORT_INSTITUTIONS = frozenset("中金 高盛 摩根 大摩 小摩 瑞银 瑞信 花旗 汇丰 野村 麦格理 里昂 美林 德意志 "
                                "中信建投 申万 海通 国泰君安 招商 广发 华泰 兴业 光大 平安 中信 易方达 华夏 嘉实 "
                                "南方 博时 富国 汇添富 景顺 工银 建信 交银 淡水泉 重阳 高毅 景林 星石 从容".split())
# A job title (基金经理, 投资经理邓军, 高级副总裁) on its own line is a person of the institution above.
_TITLE = re.compile(r"^[\u4e00-\u9fff]{0,3}(经理|总监|总裁|副总|分析师|研究员|董事|主管|助理|先生|女士|主任|院长|合伙人)[\u4e00-\u9fff]{0,3}$")
_LATIN_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]*\.?){1,3}")
_PERSON = re.compile(r"[\u4e00-\u9fff·]{2,4}|[A-Z][a-z]+(?: [A-Z][a-z]+)*")
# The most common surnames (about 85 % of people): a bare two- or three-character entry starting
# with one is a person, not an institution.
_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
                      "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
                      "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒"
                      "阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农"
                      "司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋"
                      "商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")


def _is_institution(name: str) -> bool:
    if _INSTITUTION.search(name) or name in _SHORT_INSTITUTIONS:
        return True
    cjk = re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name)
    return not (cjk and name[0] in _SURNAMES)


def attendance(participants: Sequence[str]) -> tuple[int | None, int | None]:
    """(institutions, people) of a participant list as ``nlp.parse`` gives it, one entry a line
    or list item: an institution, optionally followed by its people ("中邮证券 孙业亮 丁子慧"), or a
    person on their own. Institutions are counted once each (the same fund twice is one); people
    are the names listed, an institution that names nobody counting as one. (None, None) for an
    empty list (not said, not zero)."""
    if not participants:
        return None, None
    institutions: set[str] = set()
    people = 0
    for entry in participants:
        parts = entry.split()
        if not parts:
            continue
        head, rest = parts[0], parts[1:]
        if _LATIN_NAME.fullmatch(entry.strip()) and not _INSTITUTION.search(entry):
            people += 1  # Boris Petersik
            continue
        if len(parts) == 1 and (not _is_institution(head) or _TITLE.search(head)):
            people += 1  # a person without an institution (an individual investor, or 龚斯闻等)
            continue
        if rest and not _is_institution(head) and not _INSTITUTION.search(" ".join(rest)):
            if all(_PERSON.fullmatch(p) for p in parts):  # a line of names only
                people += len(parts)
                continue
        institutions.add(re.sub(r"\s+", "", head))
        named = sum(1 for p in rest if _PERSON.fullmatch(p) and not _is_institution(p))
        people += named or 1
    return len(institutions), people
