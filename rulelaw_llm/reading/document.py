"""Reading a report: decoding, cleaning, title/entity/year, sections and their items.

Everything here is deterministic. ``Report.text`` is the cleaned text; every span in the
library (sections, items, quantities, evidence) is a pair of offsets into it, so that
``report.text[start:end]`` is exactly the quoted text.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rulelaw_llm.errors import InputError
from rulelaw_llm.reading.detection import detect_reports, split_reports
from rulelaw_llm.reading.normalize import chinese_to_number, fold
from rulelaw_llm.reading.readers import read_source
from rulelaw_llm.reading.webpage import published_date, split_furniture

__all__ = [
    "Item",
    "Report",
    "Section",
    "SectionKind",
    "load_report",
    "load_reports",
    "report_from_text",
    "split_report_file",
]

SectionKind = Literal[
    "preamble", "achievements", "responsibility", "problems", "causes", "plans", "other"
]


@dataclass(frozen=True, slots=True)
class Item:
    """One numbered block of a section: （一）…, 1、…, （1）…, 一是…, or a paragraph."""

    marker: str
    """The numbering as written (``（一）``, ``1、``, ``一是``), empty for plain paragraphs."""
    title: str | None
    """The lead phrase after the marker when it is short (the block's own heading)."""
    start: int
    end: int
    text: str
    """``report.text[start:end]``: the whole block, marker included."""


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the report (主要举措和成效, 存在的问题, …) with its heading and items."""

    kind: SectionKind
    heading: str | None
    """The heading line as written, or ``None`` for the preamble or an unheaded part."""
    start: int
    end: int
    body_start: int
    """Where the text after the heading begins."""
    items: tuple[Item, ...] = ()

    def body(self, text: str) -> str:
        """The section's text without its heading, given the report's text."""
        return text[self.body_start : self.end]


@dataclass(frozen=True, slots=True)
class Report:
    """A cleaned report and what the pre-pass knows about it."""

    text: str
    title: str | None
    entity: str | None
    """The reporting body, e.g. ``申扎镇``, ``湟中区司法局``."""
    parent_entity: str | None
    """The administrative parent when the report states it (``湟中区`` for 田家寨镇)."""
    level: str | None
    """乡, 镇, 街道, 县, 区, 市, 州, 省 or 部门."""
    year: int | None
    """The year the report is about."""
    sections: tuple[Section, ...] = ()
    source: str | None = None
    """The file the report was read from, if any."""
    folded: str = field(default="", repr=False)
    """``fold(text)``: same length, simplified and half-width; detectors run on it."""
    published: datetime.date | None = None
    """When the report was published, from a web copy's 发布时间/发布日期/成文日期 or <meta>."""
    warnings: tuple[str, ...] = ()
    """What the reader noticed about the input as a whole: not a report, several reports."""
    metadata: dict[str, str] = field(default_factory=dict, hash=False)
    """A web copy's metadata table and <meta> tags (索引号, 发布机构, 来源, PubDate …).

    They are taken out of ``text``: never report content, kept here as key/value pairs.
    """

    def section_at(self, offset: int) -> Section | None:
        """The section that contains ``offset`` in ``text``."""
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None

    def sections_of(self, *kinds: SectionKind) -> list[Section]:
        """The sections of the given kinds, in text order."""
        return [section for section in self.sections if section.kind in kinds]


# --------------------------------------------------------------------------- cleaning

_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE_RUN = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009]+")
_SENTENCE_END = tuple("。！？!?；;：:…”’」』）)】")


def clean_text(raw: str) -> str:
    """Clean conversion leftovers: bookmarks, invisible characters, runs of spaces, hard breaks.

    Single spaces inside a line are kept (``1、 工作开展情况`` stays as written); a run of
    spaces becomes one space; lines are stripped; blank lines are collapsed to one; a line
    broken in the middle of a sentence is joined to the next.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").replace("\f", "\n").replace("\v", "\n")
    text = _BOOKMARK.sub("", text)
    text = _INVISIBLE.sub("", text)
    lines = [_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n")]
    lines = _join_broken_lines(lines)
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Join lines that a converter or a hard wrap broke in the middle of a sentence."""
    open_lengths = [
        len(line)
        for line, following in itertools.pairwise(lines)
        if len(line) >= 20
        and not line.endswith(_SENTENCE_END)
        and following
        and not _starts_with_marker(following)
    ]
    wrap_width: int | None = None
    non_empty = sum(1 for line in lines if line)
    if open_lengths:
        common = max(set(open_lengths), key=open_lengths.count)
        similar = sum(1 for length in open_lengths if abs(length - common) <= 1)
        if similar >= 5 and similar >= 0.3 * non_empty:
            wrap_width = common
    joined: list[str] = []
    for line in lines:
        if joined and line and _continues(joined[-1], line, wrap_width):
            previous = joined[-1]
            glue = " " if previous[-1:].isascii() and line[:1].isascii() else ""
            joined[-1] = previous + glue + line
        else:
            joined.append(line)
    return joined


def _continues(previous: str, line: str, wrap_width: int | None) -> bool:
    if not previous or previous.endswith(_SENTENCE_END) or _starts_with_marker(line):
        return False
    if previous.endswith(("，", "、", ",")):
        return True  # a clause cannot end a paragraph
    if _is_heading_like(previous) or re.search(r"报告$|^关于", fold(previous)):
        return False
    if wrap_width is not None:
        return len(previous) >= wrap_width - 1
    return len(previous) >= 30


# --------------------------------------------------------------------------- markers

_CN_DIGITS = "零一二两三四五六七八九十"
_CN = f"[{_CN_DIGITS}]{{1,3}}"
_MARKERS: dict[str, re.Pattern[str]] = {
    # family -> pattern matched at the start of a (folded) line; group 1 is the number.
    "part": re.compile(rf"^第({_CN})部分[、,. ]?\s*"),
    "cn_comma": re.compile(rf"^({_CN})\s*[、,.]\s*"),
    "br_cn": re.compile(rf"^[(]\s*({_CN})\s*[)]\s*"),
    "br_ar": re.compile(r"^[(]\s*(\d{1,2})\s*[)]\s*"),
    "ar": re.compile(r"^(\d{1,2})\s*(?:[、]|[.](?!\d))\s*"),
    "ordinal": re.compile(rf"^({_CN})是"),
    "dash": re.compile(r"^(?:——|—|-|●|·|▲|■|◆)\s*()"),
}
_INLINE_ORDINAL = re.compile(rf"(?:(?<=^)|(?<=[。；;，,：:、！？!?）)”\s]))({_CN})是")
_INLINE_DI = re.compile(rf"(?:(?<=^)|(?<=[。；;：:！？!?\s]))第({_CN})[，,、]")


def _starts_with_marker(line: str) -> bool:
    folded = fold(line)
    return any(pattern.match(folded) for pattern in _MARKERS.values())


def _is_heading_like(line: str) -> bool:
    folded = fold(line)
    return (
        len(line) <= 40
        and "。" not in line
        and any(
            _MARKERS[family].match(folded)
            for family in ("part", "cn_comma", "br_cn", "br_ar", "ar")
        )
    )


def _cn_value(numeral: str) -> int | None:
    """Value of a small Chinese numeral (一…九十九); ``None`` if it is not one."""
    value = chinese_to_number(numeral)
    return int(value) if value is not None else None


def _marker_value(number: str) -> int | None:
    return int(number) if number.isdigit() else _cn_value(number)


# --------------------------------------------------------------------------- part headings

_PART_KEYWORDS: list[tuple[SectionKind, re.Pattern[str]]] = [
    ("responsibility", re.compile(r"第一责任人|主要负责人.{0,12}(职责|情况)|述法")),
    ("causes", re.compile(r"^(?:存在|产生)?(?:问题|不足)?的?原因(?:分析)?$|^原因分析")),
    ("problems", re.compile(r"问题|不足|短板|差距|困难|薄弱环节")),
    ("plans", re.compile(r"计划|打算|安排|思路|下一步|下步|下阶段|下一年|展望|目标任务|工作重点")),
    ("achievements", re.compile(r"情况|举措|成效|做法|成绩|主要工作|进展|回顾|工作开展")),
    ("other", re.compile(r"^其他|^其它")),
]


def _part_kind(heading_text: str) -> SectionKind | None:
    text = fold(heading_text).strip(" 。:：")
    for kind, pattern in _PART_KEYWORDS:
        if pattern.search(text):
            return kind
    return None


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int
    text: str
    folded: str


@functools.lru_cache(maxsize=4)
def _lines(text: str, folded: str) -> tuple[_Line, ...]:
    """The lines of a text with their offsets (cached: every section asks for them)."""
    lines: list[_Line] = []
    position = 0
    for raw in text.split("\n"):
        end = position + len(raw)
        lines.append(_Line(position, end, raw, folded[position:end]))
        position = end + 1
    return tuple(lines)


def _lines_between(lines: Sequence[_Line], start: int, end: int) -> Sequence[_Line]:
    """The lines that begin in ``[start, end)`` (found by bisection: files with many reports
    have thousands of sections, and scanning every line for each was quadratic)."""
    first = bisect.bisect_left(lines, start, key=lambda line: line.start)
    last = bisect.bisect_left(lines, end, key=lambda line: line.start)
    return lines[first:last]


def _part_heading(line: _Line) -> tuple[SectionKind | None, str] | None:
    """If ``line`` is a part heading, return its kind (``None`` if thematic) and family."""
    folded = line.folded
    if not folded or len(folded) > 60:
        return None
    for family in ("part", "cn_comma", "ar"):
        match = _MARKERS[family].match(folded)
        if not match:
            continue
        rest = folded[match.end() :]
        if "。" in rest.rstrip("。") or len(rest) > 40:
            return None
        kind = _part_kind(rest)
        if family == "ar" and kind is None:
            return None  # 1、… without a part keyword is an item, not a part
        return kind, family
    # An unnumbered short line such as "存在的问题" or "下一步工作计划".
    if len(folded) <= 20 and not re.search(r"[。，,；;]", folded):
        kind = _part_kind(folded)
        if kind in ("problems", "plans", "responsibility", "causes") or (
            kind == "achievements" and re.search(r"工作|举措|成效|做法", folded)
        ):
            return kind, "bare"
    return None


# --------------------------------------------------------------------------- title, entity

_METADATA = re.compile(
    r"^(索引号|发布时间|发布日期|来源|发布机构|发文机关|成文日期|浏览次数|字号|【?字体|分享到|"
    r"首页|当前位置|您的位置|打印|关闭|主题分类|文号|信息来源)"
)
_TITLE_WORDS = re.compile(r"报告|法治|依法行政|工作总结")


def _find_title(lines: Sequence[_Line]) -> tuple[str | None, int]:
    """Return the title and the index of the first line after it."""
    index = 0
    while index < len(lines) and (not lines[index].text or _METADATA.match(lines[index].folded)):
        index += 1
    first = index
    collected: list[_Line] = []
    while index < len(lines) and len(collected) < 3:
        line = lines[index]
        if not line.text:
            if collected:
                break
            index += 1
            continue
        if (
            len(line.text) > 50
            or re.search(r"[。，,；;：:！？!?]", line.folded)
            or (_part_heading(line) is not None)
        ):
            break
        if _starts_with_marker(line.text):
            break
        collected.append(line)
        index += 1
    if collected and _TITLE_WORDS.search("".join(line.folded for line in collected)):
        return "".join(line.text for line in collected), index
    return None, first


_ADMIN = re.compile(
    r".+?(?:自治区|自治州|自治县|特别行政区|街道办事处|街道|省|市|州|盟|县|区|旗|镇|乡)"
)
_DEPARTMENT = re.compile(
    r"^[\u4e00-\u9fff]{1,12}?(?:局|委员会|委|办公室|办|厅|中心|院|所|署|队|站)"
)
_LEVELS = {
    "自治区": "省",
    "省": "省",
    "特别行政区": "省",
    "市": "市",
    "州": "市",
    "自治州": "市",
    "盟": "市",
    "县": "县",
    "自治县": "县",
    "旗": "县",
    "区": "区",
    "街道办事处": "街道",
    "街道": "街道",
    "镇": "镇",
    "乡": "乡",
}
_TITLE_NOISE = re.compile(r"^(?:中共|中国共产党)")


#: One issuer of a joint report: 中共青石县委, 青石县人民政府, 青石县委员会…
_ISSUER = re.compile(
    r"(?:中共|中国共产党)?[\u4e00-\u9fff]+?(?:委员会|党工委|党委|人民政府|办事处|政府|委)"
)
#: A department named by its level only (市市场监管局, 区司法局): the place is named elsewhere.
_SHORT_DEPARTMENT = re.compile(
    r"^([省市州县区旗])(?![场政民级直属辖])([\u4e00-\u9fff]{2,14}?"
    r"(?:局|委员会|委|办公室|办|厅|中心|院|所|署|队|站))$"
)


def _joint_issuer(prefix: str) -> list[str] | None:
    """The issuers of a joint report (中共青石县委 青石县人民政府), or ``None`` for one issuer."""
    issuers: list[str] = []
    for part in re.split(r"[\s、，,]+", prefix.strip()):
        position = 0
        for match in _ISSUER.finditer(part):
            if match.start() != position:
                break
            issuers.append(match.group(0))
            position = match.end()
        if position != len(part):
            return None
    return issuers if len(issuers) >= 2 else None


def _entity_from_title(title: str) -> tuple[str | None, str | None, str | None]:
    folded = fold(title)
    cut = re.search(
        r"\d{4}|[零〇一二][零〇一二三四五六七八九]{3}年|关于|法治|依法|年度|工作报告", folded
    )
    prefix = folded[: cut.start()] if cut else folded
    joint = _joint_issuer(prefix)
    if joint is not None:
        # 中共青石县委 青石县人民政府关于…: the report of both, at the level of the last one.
        _, parent, level = _entity_from_title(joint[-1])
        entity = " ".join(_original(title, folded, issuer) or issuer for issuer in joint)
        return entity, parent, level
    prefix = _TITLE_NOISE.sub("", prefix).strip()
    if _SHORT_DEPARTMENT.match(prefix):
        return _original(title, folded, prefix), None, "部门"
    if not prefix and cut and cut.group(0).isdigit():
        # "2024梧桐镇法治政府工作报告": the name comes after the year.
        rest = re.sub(r"^\d{4}年?(?:度)?", "", folded)
        following = re.search(r"关于|法治|依法|年度|工作报告", rest)
        prefix = rest[: following.start()] if following else rest
    names: list[str] = []
    position = 0
    for match in _ADMIN.finditer(prefix):
        if match.start() != position:
            break
        names.append(match.group(0))
        position = match.end()
    remainder = prefix[position:]
    remainder = re.sub(r"^(?:人民政府|政府|党委|委员会|人大常委会|人民代表大会)", "", remainder)
    department = _DEPARTMENT.match(remainder)
    if department and remainder.startswith(department.group(0)):
        entity = "".join(names[-1:]) + department.group(0) if names else department.group(0)
        parent = names[-1] if names else None
        return _original(title, folded, entity), _original(title, folded, parent), "部门"
    if not names:
        return None, None, None
    entity = names[-1]
    parent = names[-2] if len(names) >= 2 else None
    level = next(
        (
            level
            for suffix, level in sorted(_LEVELS.items(), key=lambda kv: -len(kv[0]))
            if entity.endswith(suffix)
        ),
        None,
    )
    return _original(title, folded, entity), _original(title, folded, parent), level


def _original(title: str, folded: str, name: str | None) -> str | None:
    """Map a name found in the folded title back to the title's own characters."""
    if name is None:
        return None
    index = folded.find(name)
    return title[index : index + len(name)] if index >= 0 else name


#: The report speaking of itself by name: 湟中区田家寨镇坚持…, 青石县司法局始终…
_SELF_REFERENCE = re.compile(
    r"([\u4e00-\u9fff]{2,16}?(?:街道办事处|街道|镇|乡|县|区|市|州|旗|局|委员会|办公室))"
    r"(?:人民政府|党工委|党委|政府)?(?:、?(?:党委|政府|人民政府))?"
    r"(?:始终|坚持|深入|认真|全面|扎实|在|持续|紧紧|紧扣|围绕|聚焦|立足|积极|按照|高度重视|"
    r"切实|大力|不断|全力|严格|着力|牢牢|坚定|以习近平)"
)
#: "现将青石镇2024年法治政府建设情况报告如下".
_REPORTING = re.compile(
    r"现将([\u4e00-\u9fff]{2,16}?)(?=20\d{2}|二[〇零]|关于|法治|依法|年度|本年度|全年|一年来)"
)
#: Words that open a sentence before the name (今年以来，在…) and are no part of it.
_LEADING_WORDS = re.compile(
    r"^(?:今年以来|一年来|近年来|以来|本年度|年度|年来|全年|年|来|度|在|和|与|及|是|由|对|为|按照|根据)+"
)
#: Words that end like a place or a body but are not one (全镇, 城市, 社区, 各部门…).
_NOT_A_NAME = re.compile(r"^(?:全|各|本|我|该|辖|城|社|园|景|山|片|郊|地|老|乡镇|市县|县区|区县)")
#: Metadata keys that name the issuing body, most reliable first.
_ISSUER_KEYS = (
    "发布机构",
    "发文机关",
    "发布单位",
    "发布部门",
    "制发机关",
    "主办单位",
    "来源",
    "信息来源",
    "文章来源",
    "稿件来源",
    "ContentSource",
)


def _issuer_in_body(text: str, folded: str) -> tuple[str | None, str | None, str | None]:
    """The reporting body as the report names itself in its first paragraphs."""
    head = folded[:1500]
    for pattern in (_REPORTING, _SELF_REFERENCE):
        for match in pattern.finditer(head):
            name = _LEADING_WORDS.sub("", match.group(1))
            if len(name) < 2 or _NOT_A_NAME.match(name):
                continue
            start = match.start(1) + len(match.group(1)) - len(name)
            original = text[start : start + len(name)]
            entity, parent, level = _entity_from_title(original)
            if entity is not None:
                return entity, parent, level
    return None, None, None


def _issuer_in_metadata(metadata: Mapping[str, str]) -> tuple[str | None, str | None, str | None]:
    """The reporting body named by the page's metadata (发布机构, 来源 …)."""
    for key in _ISSUER_KEYS:
        value = metadata.get(key, "").strip()
        value = re.sub(
            r"(?:门户网站|政府网站|网站|政府网|网)$", "", value.split()[0] if value else ""
        )
        if value == "人民":  # "人民网"
            continue
        if value:
            value = re.sub(r"(?:人民政府|政府|办事处)$", "", value) or value
            entity, parent, level = _entity_from_title(value)
            if entity is not None:
                return entity, parent, level
    return None, None, None


#: A signature line: the issuer's full name alone on a line near the end.
_SIGNATURE = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff]{2,24}?(?:人民政府|办事处|委员会|党工委|党委|局|办公室)$"
)


def _issuer_in_signature(lines: Sequence[_Line]) -> tuple[str | None, str | None, str | None]:
    """The issuer named in the signature (落款) at the end: 白沙镇人民政府 / 2025年1月20日."""
    tail = [line for line in lines if line.text][-3:]
    for line in reversed(tail):
        folded = line.folded.strip()
        if _SIGNATURE.match(folded):
            name = re.sub(r"(?:人民政府|办事处|党工委|党委)$", "", folded) or folded
            start = line.folded.find(name)
            return _entity_from_title(line.text[start : start + len(name)])
    return None, None, None


def _resolve_short_department(
    entity: str, text: str, metadata: Mapping[str, str]
) -> tuple[str, str | None]:
    """市市场监管局 with 青石市 named elsewhere -> 青石市市场监管局 (and its parent 青石市)."""
    match = _SHORT_DEPARTMENT.match(fold(entity))
    if match is None:
        return entity, None
    level, department = match.groups()
    place = re.compile(
        rf"([\u4e00-\u9fff]{{2,6}}?{level})(?=人民政府|政府|委|党委|{department[:2]})"
    )
    sources = [value for key in _ISSUER_KEYS if (value := metadata.get(key))]
    sources += [value for key, value in metadata.items() if key not in _ISSUER_KEYS]
    for source in [*sources, text]:
        for found in place.finditer(fold(source)):
            name = _LEADING_WORDS.sub("", found.group(1))
            if len(name) >= 2 and not _NOT_A_NAME.match(name) and name != level + level:
                return name + entity[1:], name
    return entity, None


def _with_digit_years(folded: str) -> str:
    """``folded`` with 二〇二四年 written 2024年 (same length, so offsets still hold)."""
    digits = "零一二三四五六七八九"

    def arabic(match: re.Match[str]) -> str:
        return (
            "".join(str(digits.index(char.replace("〇", "零"))) for char in match.group(1)) + "年"
        )

    return re.sub(r"(二[零〇][零〇一二三四五六七八九]{2})年", arabic, folded)


_YEAR = re.compile(r"(?<![\d—–~-])(20\d{2})(?![\d—–~-]|\s*[—–~-]\s*20\d{2})")
#: A year stated as the one reported on: 2024年，我镇… / 2024年以来 / 现将2024年… / 关于2024年…
_OWN_YEAR = re.compile(
    r"(?:^|\n|现将|关于|回顾|总结|[，,。])\s*(20\d{2})年(?:度)?(?:以来|，|,|是|我|全|在|上半年|"
    r"法治|依法|工作|共|累计|[\u4e00-\u9fff]{0,12}(?:坚持|深入|认真|紧紧|围绕|聚焦))"
)
#: After a year: it is the point of comparison (2023年相比, 2023年同期), not the year reported on.
_COMPARED = re.compile(r"(?:的)?(?:相比|同期|同比|比较|基础上)")
#: A year named as the next one, in plans (2025年工作计划, 2025年，我镇将…).
_PLAN_YEAR = re.compile(r"(20\d{2})年(?:度)?.{0,8}(?:计划|打算|安排|要点|思路|将)")


def _find_year(title: str | None, folded: str, published: datetime.date | None) -> int | None:
    """The year reported on: the title's, else the report's own year phrases, else the most
    mentioned year outside plans; the publication year minus one only when the text has none.
    """
    if title:
        match = _YEAR.search(_with_digit_years(fold(title)))
        if match:
            return int(match.group(1))
    text = _with_digit_years(folded)
    own = _OWN_YEAR.search(text[:2000])
    if own:
        return int(own.group(1))
    planned = {match.start(1) for match in _PLAN_YEAR.finditer(text)}
    counts: dict[int, int] = {}
    for match in re.finditer(r"(?<![\d较比与同由从])(20\d{2})年", text):
        if match.start(1) not in planned and not _COMPARED.match(text, match.end()):
            year = int(match.group(1))
            counts[year] = counts.get(year, 0) + 1
    if counts:
        return max(counts, key=lambda year: (counts[year], -year))
    if published is not None:
        return published.year - 1
    return None


# --------------------------------------------------------------------------- sections


@dataclass(slots=True)
class _Heading:
    kind: SectionKind | None
    line: _Line


def _split_sections(
    text: str, folded: str, lines: Sequence[_Line], body_line: int
) -> list[Section]:
    body_start = lines[body_line].start if body_line < len(lines) else len(text)
    headings: list[_Heading] = []
    families: list[str] = []
    for line in lines[body_line:]:
        found = _part_heading(line)
        if found is not None:
            headings.append(_Heading(found[0], line))
            families.append(found[1])
    # Numbered part headings define the structure: keep only the dominant numbered family
    # (plus bare keyword lines), so that a stray "1、…情况" item does not start a part.
    numbered = [family for family in families if family != "bare"]
    if numbered:
        dominant = max(set(numbered), key=numbered.count)
        headings = [
            heading
            for heading, family in zip(headings, families, strict=False)
            if family in (dominant, "bare") and not (family == "bare" and heading.kind is None)
        ]
        if dominant != "part":
            # Thematic "一、…" headings count only when parts are numbered that way too.
            headings = [h for h in headings if h.kind is not None or dominant == "cn_comma"]

    sections: list[Section] = []
    first_part = headings[0].line.start if headings else len(text)
    preamble_end = first_part
    has_achievements = any(heading.kind in ("achievements", None) for heading in headings)
    implicit_start: int | None = None
    if not has_achievements:
        implicit_start = _implicit_achievements_start(lines, body_start, first_part)
        if implicit_start is not None:
            preamble_end = implicit_start
    if preamble_end > body_start:
        sections.append(
            Section(
                "preamble", None, body_start, _rstrip(text, body_start, preamble_end), body_start
            )
        )
    if implicit_start is not None:
        sections.append(
            _make_section(
                text, folded, "achievements", None, implicit_start, implicit_start, first_part
            )
        )

    # Consecutive thematic headings (kind None) before the problems part form one
    # achievements section whose items are those headings.
    index = 0
    while index < len(headings):
        heading = headings[index]
        end_index = index + 1
        kind: SectionKind
        if heading.kind is None:
            while end_index < len(headings) and headings[end_index].kind is None:
                end_index += 1
            seen_problems = any(s.kind in ("problems", "plans") for s in sections)
            kind = "other" if seen_problems else "achievements"
            start = heading.line.start
            end = headings[end_index].line.start if end_index < len(headings) else len(text)
            if kind == "achievements":
                sections.append(_make_section(text, folded, kind, None, start, start, end))
            else:
                sections.append(
                    _make_section(
                        text, folded, kind, heading.line.text, start, heading.line.end, end
                    )
                )
            index = end_index
            continue
        kind = heading.kind
        start = heading.line.start
        end = headings[end_index].line.start if end_index < len(headings) else len(text)
        if kind == "problems":
            cause_at = _causes_start(lines, heading.line.end, end)
            if cause_at is not None:
                cause_line, label_end = cause_at
                sections.append(
                    _make_section(
                        text,
                        folded,
                        "problems",
                        heading.line.text,
                        start,
                        heading.line.end,
                        cause_line.start,
                    )
                )
                sections.append(
                    _make_section(
                        text,
                        folded,
                        "causes",
                        text[cause_line.start : label_end],
                        cause_line.start,
                        label_end,
                        end,
                    )
                )
                index = end_index
                continue
        sections.append(
            _make_section(text, folded, kind, heading.line.text, start, heading.line.end, end)
        )
        index = end_index
    return sections


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \n\t":
        end -= 1
    return end


def _implicit_achievements_start(lines: Sequence[_Line], start: int, end: int) -> int | None:
    """Where an unheaded part 1 begins: its first numbered block, else its second paragraph."""
    paragraphs = [line for line in lines if start <= line.start < end and line.text]
    for line in paragraphs:
        if any(
            _MARKERS[family].match(line.folded) for family in ("cn_comma", "br_cn", "ar", "br_ar")
        ):
            return line.start if line is not paragraphs[0] else None
    if len(paragraphs) >= 3:
        return paragraphs[1].start
    return None


_CAUSE_LABEL = re.compile(
    r"^(?:[(]?[一二三四五六七八九十\d]{1,2}[)、.]?\s*)?"
    r"((?:存在|产生)?(?:问题|不足)?的?原因(?:分析)?|原因分析)\s*[:：。]?"
)


def _causes_start(lines: Sequence[_Line], start: int, end: int) -> tuple[_Line, int] | None:
    """A line inside a problems part that opens its stated causes (原因：… / （二）原因分析)."""
    for line in _lines_between(lines, start + 1, end):
        if line.text:
            match = _CAUSE_LABEL.match(line.folded)
            if match and (
                match.end() == len(line.folded)
                or line.folded[match.end() - 1] in ":："
                or len(line.folded) <= 20
            ):
                return line, line.start + match.end()
    return None


def _make_section(
    text: str,
    folded: str,
    kind: SectionKind,
    heading: str | None,
    start: int,
    body_start: int,
    end: int,
) -> Section:
    end = _rstrip(text, start, end)
    body_start = min(body_start, end)
    items = tuple(_find_items(text, folded, body_start, end))
    return Section(kind, heading, start, end, body_start, items)


# --------------------------------------------------------------------------- items

_TITLE_END = re.compile(r"[。！？!?；;\n]")


def _item(text: str, marker_start: int, marker_end: int, end: int, marker: str) -> Item:
    end = _rstrip(text, marker_start, end)
    rest = text[marker_end:end]
    cut = _TITLE_END.search(rest)
    lead = (rest[: cut.start()] if cut else rest).strip()
    title = lead if 0 < len(lead) <= 40 else None
    return Item(marker, title, marker_start, end, text[marker_start:end])


def _find_items(text: str, folded: str, start: int, end: int) -> Iterator[Item]:
    lines = [line for line in _lines_between(_lines(text, folded), start, end) if line.text]
    # Lines inside the range that start a numbered block, by family.
    found: list[tuple[_Line, str, int | None, re.Match[str]]] = []
    for line in lines:
        for family in ("br_cn", "br_ar", "ar", "cn_comma", "dash"):
            match = _MARKERS[family].match(line.folded)
            if match:
                value = _marker_value(match.group(1)) if match.group(1) else None
                found.append((line, family, value, match))
                break
    if found:
        yield from _line_items(text, found, end)
        return
    inline = list(_inline_items(text, folded, start, end))
    if inline:
        yield from inline
        return
    for line in lines:
        if line.text.rstrip().endswith((":", "：")):
            continue
        yield _item(text, line.start, line.start, min(line.end, end), "")


_SIBLING = {"br_cn": "br_ar", "br_ar": "br_cn"}


def _line_items(
    text: str, found: list[tuple[_Line, str, int | None, re.Match[str]]], end: int
) -> Iterator[Item]:
    primary = found[0][1]
    sibling = _SIBLING.get(primary)
    sibling_is_sublist = any(family == sibling and value == 1 for _, family, value, _ in found)
    starts: list[tuple[_Line, re.Match[str]]] = []
    expected = found[0][2]
    for line, family, value, match in found:
        if family == primary and primary == "dash":
            starts.append((line, match))
            continue
        accepted_family = family == primary or (family == sibling and not sibling_is_sublist)
        if accepted_family and value is not None and value == expected:
            starts.append((line, match))
            expected = value + 1
    for index, (line, match) in enumerate(starts):
        item_end = starts[index + 1][0].start if index + 1 < len(starts) else end
        marker = line.text[: match.end()].rstrip()
        yield _item(text, line.start, line.start + match.end(), item_end, marker)


def _inline_items(text: str, folded: str, start: int, end: int) -> Iterator[Item]:
    """一是…二是… (or 第一，…第二，…) enumerations inside paragraphs."""
    for pattern in (_INLINE_ORDINAL, _INLINE_DI):
        positions: list[re.Match[str]] = []
        expected = 1
        for match in pattern.finditer(folded, start, end):
            if _cn_value(match.group(1)) == expected:
                positions.append(match)
                expected += 1
        if len(positions) >= 2 or (positions and pattern is _INLINE_ORDINAL):
            for index, match in enumerate(positions):
                paragraph_end = folded.find("\n", match.start(), end)
                limit = end if paragraph_end < 0 else paragraph_end
                item_end = positions[index + 1].start() if index + 1 < len(positions) else limit
                item_end = min(item_end, limit) if index + 1 >= len(positions) else item_end
                yield _item(
                    text, match.start(), match.end(), item_end, text[match.start() : match.end()]
                )
            return


# --------------------------------------------------------------------------- loading


def load_report(source: str | os.PathLike[str] | bytes) -> Report:
    """Read, clean and analyse a report.

    ``source`` is a path (``str`` or ``Path``), the report's text itself, or raw bytes.
    Raises ``InputError`` for a missing, empty, whitespace-only or binary input.
    """
    raw, path = read_source(source)
    return _analyse(raw, path)


def report_from_text(text: str, *, source: str | None = None) -> Report:
    """Analyse ``text`` as one report that was read from ``source`` (e.g. ``合集.txt#2``)."""
    return _analyse(text, source)


def load_reports(source: str | os.PathLike[str] | bytes) -> list[Report]:
    """Read ``source`` and return one ``Report`` per report it holds.

    A file that holds several reports (see ``detect_reports``) gives one ``Report`` for each,
    in order, whose ``source`` is the file's name with ``#1``, ``#2`` … appended; a file
    with one report gives a list of one, exactly ``load_report(source)``.
    """
    raw, path = read_source(source)
    parts = split_reports(raw.replace("\r\n", "\n").replace("\r", "\n"))
    if len(parts) == 1:
        return [_analyse(raw, path)]
    name = path or "输入文本"
    return [_analyse(part, f"{name}#{number}") for number, part in enumerate(parts, start=1)]


def split_report_file(
    source: str | os.PathLike[str] | bytes, directory: str | os.PathLike[str]
) -> list[Path]:
    """Write each report that ``source`` holds to its own UTF-8 .txt file in ``directory``.

    Files are named ``01-青石镇-2024.txt`` (number, issuer, year as found). Nothing is
    overwritten: if any of the files exists already, ``InputError`` is raised before writing.
    """
    raw, path = read_source(source)
    parts = split_reports(raw.replace("\r\n", "\n").replace("\r", "\n"))
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} 已存在且不是目录：请指定一个目录（会自动创建）。")
    names: list[Path] = []
    for number, part in enumerate(parts, start=1):
        report = _analyse(part, path)
        label = "-".join(
            piece
            for piece in (
                re.sub(r"[\\/:*?\"<>|\s]+", "", report.entity or "报告"),
                str(report.year) if report.year else "",
            )
            if piece
        )
        names.append(target / f"{number:02d}-{label}.txt")
    existing = [str(name) for name in names if name.exists()]
    if existing:
        raise InputError(
            f"不会覆盖已有文件：{'、'.join(existing)}。请换一个目录，或先移走这些文件。"
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, part in zip(names, parts, strict=True):
            name.write_text(part if part.endswith("\n") else part + "\n", encoding="utf-8")
    except OSError as error:
        raise InputError(f"无法写入 {target}：{error.strerror}") from error
    return names


def _analyse(raw: str, path: str | None) -> Report:
    """Clean and analyse the raw text of a report read from ``path`` (or given as text)."""
    name = path or "输入文本"
    lines_as_given = raw.replace("\r\n", "\n").replace("\r", "\n")
    content, metadata = split_furniture(lines_as_given)
    text = clean_text(content)
    if not text.strip():
        if raw.strip():
            raise InputError(f"{name} 只有网页导航和元数据，没有报告正文：请提供报告正文。")
        raise InputError(f"{name} 只有空白字符：请提供报告正文。")
    folded = fold(text)
    lines = _lines(text, folded)
    title, body_line = _find_title(lines)
    published = published_date(metadata)
    title_for_facts = title or next(
        (metadata[key] for key in ("标题", "ArticleTitle", "名称") if metadata.get(key)), None
    )
    entity = parent = level = None
    if title_for_facts:
        entity, parent, level = _entity_from_title(title_for_facts)
    if entity is None:
        entity, parent, level = _issuer_in_body(text, folded)
    if entity is None:
        entity, parent, level = _issuer_in_signature(lines)
    if entity is None:
        entity, parent, level = _issuer_in_metadata(metadata)
    elif parent is None:
        # 白沙镇 in the title, 青石县白沙镇人民政府 as 发布机构: the metadata names the parent.
        same, parent_in_metadata, _ = _issuer_in_metadata(metadata)
        if same == entity:
            parent = parent_in_metadata
    if entity is not None and level == "部门" and parent is None:
        entity, parent = _resolve_short_department(entity, text, metadata)
    year = _find_year(title_for_facts, folded, published)
    sections = tuple(_split_sections(text, folded, lines, body_line))
    # Line numbers in the warnings are those of the input as given (before cleaning).
    warnings = tuple(detect_reports(lines_as_given).warnings(name))
    return Report(
        text=text,
        title=title or title_for_facts,
        entity=entity,
        parent_entity=parent,
        level=level,
        year=year,
        sections=sections,
        source=path,
        folded=folded,
        published=published,
        warnings=warnings,
        metadata=metadata,
    )
