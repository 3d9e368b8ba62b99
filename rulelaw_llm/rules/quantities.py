"""Numeric work indicators found deterministically: ``find_quantities``.

A quantity is a number (Arabic or Chinese numerals, 万/亿 expanded) immediately followed by
a unit (a classifier such as 次/场/件/人次, money 元, or %), with the approximation words
that belong to it (余/多 inside, 近/约/超/逾 before, 左右/以上 after).

Requiring a unit right after the number removes most non-indicators by construction —
dates (12.4, 3·15, 3月), years (2024年), heading numbers（1）— and explicit rules remove
the rest: ordinals (第一…), slogans (两个维护, 三重一大, 一站式…), numbers inside book titles
《…》 and short quoted slogans “…”, idioms (千家万户, 一起), and document numbers.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from rulelaw_llm.reading.normalize import chinese_to_number, fold

__all__ = ["Quantity", "find_quantities", "parse_number"]


@dataclass(frozen=True, slots=True)
class Quantity:
    """One numeric indicator candidate and where it stands in the text."""

    raw: str
    """The text as written, approximation words included: ``500余份``, ``近30人``."""
    value: float
    """The number with 万/亿 expanded: ``11万元`` -> 110000.0."""
    unit: str
    """The classifier or measure word without the scale: 次, 人次, 元, %, 个…"""
    approx: bool
    """True for 余/多/近/约/左右/以上/超/逾 (approximate or lower-bound figures)."""
    start: int
    end: int


# Units, longest first so that 人次 wins over 人 and 个百分点 over 个.
_UNITS = sorted(
    {
        "个百分点",
        "百分点",
        "个工作日",
        "工作日",
        "个月",
        "人次",
        "场次",
        "批次",
        "户次",
        "件次",
        "车次",
        "架次",
        "班次",
        "课时",
        "学时",
        "小时",
        "分钟",
        "平方米",
        "平方公里",
        "公里",
        "公顷",
        "部门",
        "部委",
        "次",
        "场",
        "件",
        "起",
        "个",
        "名",
        "人",
        "位",
        "户",
        "家",
        "份",
        "册",
        "本",
        "张",
        "条",
        "篇",
        "期",
        "批",
        "项",
        "处",
        "所",
        "座",
        "块",
        "幅",
        "面",
        "部",
        "台",
        "辆",
        "套",
        "支",
        "类",
        "元",
        "天",
        "吨",
        "亩",
        "米",
        "株",
        "棵",
        "间",
        "栋",
        "宗",
        "笔",
        "例",
        "轮",
        "组",
        "队",
        "段",
        "则",
        "封",
        "卷",
        "盏",
        "枚",
        "首",
        "集",
        "遍",
        "倍",
        "种",
        "%",
        "‰",
        "各",
    },
    key=len,
    reverse=True,
)
_UNIT = "|".join(re.escape(unit) for unit in _UNITS)
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CHINESE = r"[零一二两三四五六七八九十百千万亿]+"
_PATTERN = re.compile(
    rf"(?P<pre>将近|接近|超过|大约|近|约|超|逾)?"
    rf"(?:(?P<arabic>{_ARABIC})\s?(?P<scale>[万亿千])?|(?P<chinese>{_CHINESE}))"
    rf"(?P<approx>余|多)?(?P<scale2>[万亿])?"
    rf"(?P<unit>{_UNIT})"
    rf"(?P<post>左右|以上|余)?"
)
_PERCENT_WORDS = re.compile(rf"百分之(?P<number>{_ARABIC}|[零一二两三四五六七八九十百]+)")

# Slogans and set phrases that look like quantities (checked on the folded text).
_SLOGANS = re.compile(
    r"两个维护|两个确立|两个毫不动摇|两个一百年|四个意识|四个自信|四个全面|四个最严|五位一体|"
    r"三重一大|三会一课|两学一做|一岗双责|一把手|一站式|一条街|一张网|一盘棋|一体化|一张图|"
    r"一件事|一次性|一起|六对一|五办三中心|法律九进|八五普法|七五普法|三大节日|十四五|十五五|"
    r"千家万户|千方百计|万无一失|一网通办|一窗受理|一门式|一次办|最多跑一次|一村一|一户一|一人一|"
    r"一事一|一案一|一企一|一校一|一点一|一区一|两委|第一|[两三四五]件大事|"
    # Rules of procedure, not counts: 执法人员不得少于两人 (两人以上执法, 两名以上执法人员).
    r"两人以上(?:执法|共同执法)|两名以上(?:执法|行政执法)"
)
#: Plenary sessions are numbered, not counted: 十届六次全会, 六届五次、六次全会.
_SESSIONS = re.compile(
    r"届[一二三四五六七八九十]+次(?:[、和及与][一二三四五六七八九十]+次)*"
    r"(?:全会|全体会议|全体(?:扩大)?会议|会议)"
)
#: A frequency is a rule of the work, not a count of it: 每半年召开一次, 每季度至少1次.
_FREQUENCY = re.compile(
    r"(?:每(?:年|半年|季度?|个?月|两个?月|周|星期|天|日|旬)|(?<![全上下])半年)[^，,。；;\n]{0,8}$"
)
#: "Only once" describes a procedure, it counts nothing: 申请人只需申请一次, 最多跑一次.
_ONLY_ONCE = re.compile(r"(?:只需|只要|仅需|仅|只|最多|至多)[^。；;\n]{0,12}$")
#: A named set of measures is a name, not a count: 八项措施, 十项行动 (a count is written in
#: Arabic numerals or with its own noun: 出台5项制度).
_NAMED_SET = re.compile(r"(?:措施|举措|制度|规定|机制|原则|要求|工程|行动|任务|承诺|禁令)")
#: A structure described, not counted: 三个“一号工程”, 五人小组, 三个关键环节, 两个方面.
_STRUCTURE_AFTER = re.compile(r"“|(?:人)?小组|(?:关键|重要|主要)?(?:环节|方面|层面|维度|阶段|步骤)")
#: A stretch of time used as an attribute, not a count: 15分钟公共服务圈, 30分钟生活圈.
_ATTRIBUTIVE_TIME = ("分钟", "小时")
#: Years counted, not named: 连续两年, 连续5年 (the only 年 that is a quantity).
_YEARS_IN_A_ROW = re.compile(rf"连续(?P<number>{_ARABIC}|[两三四五六七八九十]+)年")
#: Administrative units counted in a list: 对2市4县6个省直单位.
_PLACES_IN_A_LIST = re.compile(r"(?<![\d.])(?P<number>\d+)(?P<unit>[市县区])(?=\d+[市县区个家])")
# Characters that make a preceding number part of a bigger token, an ordinal or a range.
_BAD_BEFORE = set("第前每0123456789.·-—/#〔[")
_CN_BAD_BEFORE = set(
    "第每再又进这那哪同单唯统任某逐首其另之为是成合上下一二两三四五六七八九十百千万零周"
)
_ONE_UNITS = {"次", "场", "场次", "件", "期", "人次", "名", "户"}


def parse_number(text: str) -> float | None:
    """Parse an Arabic (``1,200``, ``3.5``) or Chinese (``十二``) number, with 万/亿 suffix."""
    text = fold(text).strip()
    scale = 1.0
    if text[-1:] in ("万", "亿") and re.match(r"\d", text):
        scale = 10_000.0 if text[-1] == "万" else 100_000_000.0
        text = text[:-1]
    if re.fullmatch(_ARABIC, text):
        return float(text.replace(",", "")) * scale
    return chinese_to_number(text)


def _quoted_spans(folded: str) -> list[tuple[int, int]]:
    """Spans inside 《…》 (always) and inside short “…” quotes (slogans, names)."""
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"《[^《》\n]{0,80}》|〔[^〔〕\n]{0,20}〕", folded):
        spans.append((match.start(), match.end()))
    for match in re.finditer(r"[“\"][^“”\"\n]{1,14}[”\"]", folded):
        spans.append((match.start(), match.end()))
    return spans


def _slogan_spans(folded: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _SLOGANS.finditer(folded) if m.end() > m.start()]
    return spans + [(m.start(), m.end()) for m in _SESSIONS.finditer(folded)]


def _merge(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Disjoint, sorted intervals (starts, ends) covering ``spans``."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _inside(position: int, merged: tuple[list[int], list[int]]) -> bool:
    starts, ends = merged
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and position < ends[index]


def find_quantities(text: str) -> list[Quantity]:
    """Find the numeric work indicators in ``text``, in order, with spans into ``text``.

    Returns quantities such as 召开4次…, 发放宣传单500余份, 征收规费440万元 (4,400,000 元),
    化解率100%; never dates, years, ordinals, slogans, document numbers or titles.
    """
    folded = fold(text)
    excluded = _merge(_quoted_spans(folded) + _slogan_spans(folded))
    found: list[Quantity] = []
    for match in _PATTERN.finditer(folded):
        quantity = _accept(text, folded, match, excluded)
        if quantity is not None:
            found.append(quantity)
    for pattern in (_YEARS_IN_A_ROW, _PLACES_IN_A_LIST):
        for match in pattern.finditer(folded):
            start = match.start("number")
            value = parse_number(match.group("number"))
            if value is None or _inside(start, excluded):
                continue
            unit = match.group("unit") if "unit" in pattern.groupindex else "年"
            found.append(
                Quantity(text[start : match.end()], value, unit, False, start, match.end())
            )
    for match in _PERCENT_WORDS.finditer(folded):
        if _inside(match.start(), excluded):
            continue
        value = parse_number(match.group("number"))
        if value is not None:
            found.append(
                Quantity(
                    text[match.start() : match.end()], value, "%", False, match.start(), match.end()
                )
            )
    found.sort(key=lambda quantity: quantity.start)
    return found


def _counts_its_list(folded: str, start: int, value: float) -> bool:
    """Whether a Chinese numeral only counts the list right before it (政务、财务、事务三类信息)."""
    clause_start = max(folded.rfind(mark, 0, start) for mark in "，,。；;：:\n") + 1
    items = folded[clause_start:start].split("、")
    return 2 <= len(items) == value and all(0 < len(item) <= 8 for item in items)


def _accept(
    text: str, folded: str, match: re.Match[str], excluded: tuple[list[int], list[int]]
) -> Quantity | None:
    number_start = match.start("arabic") if match.group("arabic") else match.start("chinese")
    start = match.start()
    before = folded[start - 1] if start > 0 else ""
    if _inside(number_start, excluded):
        return None
    unit = match.group("unit")
    after = folded[match.end() : match.end() + 1]
    # 目前、此前、之前…: the time word, not a ranking (前5名).
    adverb = before == "前" and start > 1 and folded[start - 2] in "目此之以提当从先"
    if _FREQUENCY.search(folded, max(0, start - 12), start):
        return None
    if (
        unit in _ATTRIBUTIVE_TIME
        and re.match(r"[\u4e00-\u9fff]", after)
        and after not in "内以左之的后前"
    ):
        return None
    if match.group("arabic"):
        if (before in _BAD_BEFORE and not adverb) or (before.isascii() and before.isalpha()):
            return None
        if unit == "各":
            # "6各行政村" is a typo for 6个: accept only before a noun.
            if not re.match(r"[\u4e00-\u9fff]", after) or after in "级类种项方部":
                return None
            unit = "个"
        value = float(match.group("arabic").replace(",", ""))
        for scale in (match.group("scale"), match.group("scale2")):
            if scale == "万":
                value *= 10_000
            elif scale == "亿":
                value *= 100_000_000
            elif scale == "千":
                value *= 1_000
    else:
        numeral = match.group("chinese")
        if unit == "各" or numeral[0] in "百千万亿零":
            return None
        if before in _CN_BAD_BEFORE:
            return None
        converted = chinese_to_number(numeral)
        if converted is None:
            return None
        value = converted
        if match.group("scale2") == "万":
            value *= 10_000
        elif match.group("scale2") == "亿":
            value *= 100_000_000
        if numeral == "一" and (unit not in _ONE_UNITS or match.group("approx")):
            return None
        if numeral == "一" and _ONLY_ONCE.search(folded, max(0, start - 14), start):
            return None
        if unit == "项" and _NAMED_SET.match(folded, match.end()):
            return None
        if unit in ("个", "人") and _STRUCTURE_AFTER.match(folded, match.end()):
            return None
        if _counts_its_list(folded, start, value):
            return None
        if after and after in "一二两三四五六七八九":  # 一户一档, 一村一法律顾问
            return None
    if unit in ("次", "个") and after == "性":
        return None
    if unit == "倍" and not match.group("arabic"):
        return None
    approx = bool(match.group("pre") or match.group("approx") or match.group("post"))
    return Quantity(text[start : match.end()], value, unit, approx, start, match.end())
