"""Who reports on which year: the title, the issuer (from the title, the body's first
sentences, the signature or the page's metadata), its level and parent, and the year.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence

from rulelaw_llm.reading.normalize import fold
from rulelaw_llm.reading.sections import _Line, _part_heading, _starts_with_marker

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
