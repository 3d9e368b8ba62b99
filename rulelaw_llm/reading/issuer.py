"""Who reports on which year: the title, the issuer (from the title, the body's first
sentences, the signature or the page's metadata), its level and parent, and the year.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence

from rulelaw_llm.reading.normalize import fold, squash
from rulelaw_llm.reading.sections import _Line, _part_heading, _starts_with_marker

# --------------------------------------------------------------------------- title, entity

_METADATA = re.compile(
    r"^(索引号|发布时间|发布日期|来源|发布机构|发文机关|成文日期|浏览次数|字号|【?字体|分享到|"
    r"首页|当前位置|您的位置|打印|关闭|主题分类|文号|信息来源)"
)
_TITLE_WORDS = re.compile(r"报告|法治|依法行政|工作总结")
#: A line that ends a title: the kind of document it is.
_TITLE_END = re.compile(r"(?:报告|总结|汇报|情况)$")
#: Punctuation that a title line never holds (a title block ends at the first sentence).
_SENTENCE_MARK = re.compile(r"[。，,；;：:！？!?]")
#: A line that is only an issuer or a place, written above the title (吕村镇人民政府 /
#: 关于…的报告; 湟中区田家寨镇 / 2024年…报告).
_ISSUER_LINE = re.compile(
    r"^(?:中共|中国共产党)?[\u4e00-\u9fff]{2,30}?(?:人民政府|办事处|委员会|党工委|党委|党组|政府|"
    r"街道|镇|乡|县|区|市|州|省|旗|局|委|厅|办公室|部|街)$"
)
_HEAD_LINES = 40


def _find_title(lines: Sequence[_Line]) -> tuple[str | None, int]:
    """Return the title and the index of the first line after it (after its repeats).

    The title is looked for in the head of the text, the lines before its first sentence:
    web copies put a site's banner, list marks and stray words above it, and repeat it
    below (split over two lines, or with a stray space). The first line there that reads
    like a title is the title, with the issuer line above it and the end of a title broken
    over lines below it. A text that is all one line may open with its title.
    """
    first = 0
    while first < len(lines) and (not lines[first].text or _METADATA.match(lines[first].folded)):
        first += 1
    head_end = first
    while head_end < len(lines) and head_end - first < _HEAD_LINES:
        line = lines[head_end]
        if line.text and _is_sentence_line(line.folded):
            break
        head_end += 1
    for index in range(first, head_end):
        line = lines[index]
        if not _is_title_line(line):
            continue
        collected = [line]
        above = _previous_text_line(lines, index, first)
        if above is not None and _ISSUER_LINE.match(lines[above].folded.strip()):
            collected.insert(0, lines[above])
        after = index + 1
        while not _TITLE_END.search(collected[-1].folded.strip()) and len(collected) < 3:
            following = _next_text_line(lines, after, head_end)
            if following is None or len(lines[following].text) > 30:
                break
            if _part_heading(lines[following]) is not None:
                break
            collected.append(lines[following])
            after = following + 1
        title = "".join(line.text.strip() for line in collected)
        return title, _after_repeats(lines, after, head_end, title)
    if first < len(lines):
        single = _title_opening_a_line(lines[first])
        if single is not None:
            return single, first
    return None, first


def _is_sentence_line(folded: str) -> bool:
    """A line of running text or an addressee (某县人民政府：), where a title block ends; a
    banner's "欢迎您!" is not one."""
    stripped = folded.strip()
    return len(stripped) > 60 or bool(re.search(r"[。，,；;]|[:：]$", stripped))


def _is_title_line(line: _Line) -> bool:
    folded = line.folded.strip()
    return (
        bool(folded)
        and len(folded) <= 60
        and _TITLE_WORDS.search(folded) is not None
        and _SENTENCE_MARK.search(folded) is None
        and not re.search(r"\s>|>>|[»›|]", folded)  # a breadcrumb
        and _part_heading(line) is None
        and not _starts_with_marker(line.text)
    )


def _previous_text_line(lines: Sequence[_Line], index: int, first: int) -> int | None:
    for position in range(index - 1, max(first, index - 3) - 1, -1):
        if lines[position].text.strip():
            return position
    return None


def _next_text_line(lines: Sequence[_Line], index: int, end: int) -> int | None:
    for position in range(index, min(end, index + 3)):
        if lines[position].text.strip():
            return position
    return None


def _after_repeats(lines: Sequence[_Line], index: int, end: int, title: str) -> int:
    """The line after the copies of ``title`` (or pieces of it) that follow ``index``."""
    wanted = squash(title)
    after = index
    for position in range(index, end):
        text = squash(lines[position].text)
        if text and text not in wanted:
            break
        if text:
            after = position + 1
    return after


def _title_opening_a_line(line: _Line) -> str | None:
    """``…关于2024年度法治政府建设的报告 中共某市委、某市人民政府: 2024年,…`` on one line."""
    match = re.match(r"([^\s。，,；;：:！？!?]{6,60}?(?:报告|总结))\s", line.folded)
    if match is None or not re.search(r"法治|依法", match.group(1)):
        return None
    return line.text[: match.end(1)]


#: A place and its level word. 州 before 市/县/区 is part of a name (广州市, 通州区), and
#: 街 before 街道 too (坡子街街道); a street may be written 某某街.
_ADMIN = re.compile(
    r".+?(?:自治区|自治州|自治县|特别行政区|街道办事处|街道|省|市|州(?![市县区])|盟|县|区|旗|镇|乡|"
    r"街(?![道街]))"
)
_DEPARTMENT = re.compile(
    r"^[\u4e00-\u9fff]{1,12}?(?:局|委员会|委|办公室|办|厅|中心|院|所|署|队|站|(?<!干)部)"
)
#: Another name of the same body, in brackets after it: 某市农业农村局（某市乡村振兴局）.
_ALIAS = re.compile(r"[(（][^()（）]{1,30}[)）]")
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
    "街": "街道",
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
            name = match.group(0)
            if position > 0 and not _ADMIN.match(_TITLE_NOISE.sub("", name)):
                # 中共某区委 + 教育工作委员会: a committee of the one before, not a second issuer.
                issuers[-1] += name
            else:
                issuers.append(name)
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
    if not prefix.strip() and cut and cut.group(0) == "关于":
        # 关于2024年度青石街道法治政府建设情况的报告: the name after the year.
        rest = re.sub(r"^关于\s*(?:\d{4}年?(?:度)?)?", "", folded)
        following = re.search(r"法治|依法|年度|工作报告|关于", rest)
        prefix = rest[: following.start()] if following else ""
    prefix = _ALIAS.sub("", prefix)
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
        # A department keeps every place before it: 重庆市南川区卫生健康委员会.
        entity = "".join(names) + department.group(0)
        parent = names[-1] if names else None
        return _original(title, folded, entity), _original(title, folded, parent), "部门"
    if not names:
        return None, None, None
    entity = names[-1]
    if entity.endswith("街道办事处"):
        entity = entity[: -len("办事处")]  # 某某街道办事处 is 某某街道
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
#: The subject of a sentence that opens with the year or the circumstances: 2024年，白沙镇
#: 坚持…; 2023年，在县委的领导下，青石县司法局深入…; 2024年，柳溪街以…; 某部党组深入….
_SUBJECT = re.compile(
    r"(?:^|[\n。；;]|(?:年|年度|以来|一年来|导下|持下|筹下|督下)[，,])\s*"
    r"((?:中共)?[\u4e00-\u9fff]{2,24}?(?:街道办事处|街道|镇|乡|县|区|市|州(?![市县区])|旗|省|局|"
    r"委员会|办公室|厅|部|街(?![道街])))"
    r"(?:人民政府|党工委|党委|党组|政府|办事处)?(?:、?(?:党委|政府|人民政府))?"
    r"(?=始终|坚持|深入|认真|全面|扎实|在|持续|紧紧|紧扣|紧密|紧盯|围绕|聚焦|立足|积极|按照|"
    r"高度重视|切实|大力|不断|全力|严格|着力|牢牢|坚定|以|锚定|秉承|秉持|贯彻|落实|践行|推进|"
    r"进一步|把|将|统筹|主动|结合|对标|依法|强化|法治政府建设)"
)
#: Words inside a would-be name that show it is a clause, not a name.
_CLAUSE_WORDS = re.compile(
    r"的|坚持|深入|政府|领导|指导|关于|部署|要求|落实|贯彻|召开|命名|开展|组织|举办|印发|出台|"
    r"(?<=.)[在和与及并对向为报]|[全各我本该](?:省|市|县|区|镇|乡|街道)$"
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
    "发文机构",
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
    for match in _SUBJECT.finditer(head):
        name = match.group(1)
        if _NOT_A_NAME.match(name) or _CLAUSE_WORDS.search(_TITLE_NOISE.sub("", name)):
            continue
        entity, parent, level = _entity_from_title(text[match.start(1) : match.end(1)])
        if entity is not None:
            return entity, parent, level
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


#: The levels a parent is looked for, and the levels a parent of each may have.
_LOCAL_LEVELS = {"乡": "县区市旗", "镇": "县区市旗", "街道": "县区市旗", "县": "市州盟", "区": "市"}
#: The government a report is addressed to (中共青石县委员会、青石县人民政府：) or led by
#: (在青石县委、县政府的坚强领导下).
_UPPER = re.compile(
    r"(?:^|\s|在)(?:中共)?([\u4e00-\u9fff]{2,8}?[县区市州盟旗])(?:委员会|委|人民政府|政府)"
    r"(?=[、，, ]|[^\n]{0,40}(?:领导|指导)下|[^\n]{0,30}:\s*$)",
    re.MULTILINE,
)


def _parent_in_body(folded: str, text: str, level: str) -> str | None:
    """The place above a town, street or county, from the body's first lines: the
    government the report is addressed to, or the one it was led by."""
    allowed = _LOCAL_LEVELS[level]
    for match in _UPPER.finditer(folded[:600]):
        name = _LEADING_WORDS.sub("", match.group(1))
        if name[-1] in allowed and _is_place(name, name[-1]):
            start = match.end(1) - len(name)
            return text[start : match.end(1)]
    return None


#: How a report that does not name itself speaks of itself: 我镇, 我局, 现将省政府…, 全县.
_SELF_LEVEL = re.compile(
    r"我(街道|省|市|县|区|镇|乡|街|局|委|厅|办)|(?:^|[\n，,。；;]|现将)(省|市|县|区)(?:人民)?政府|"
    r"全(省|市|县|区|镇|乡)"
)
_SELF_LEVELS = {
    "街道": "街道",
    "街": "街道",
    "省": "省",
    "市": "市",
    "县": "县",
    "区": "区",
    "镇": "镇",
    "乡": "乡",
    "局": "部门",
    "委": "部门",
    "厅": "部门",
    "办": "部门",
}


def _level_of_self(folded: str) -> str | None:
    """The level of a report that never names itself, from how it speaks of itself.

    我镇 / 我局 and "现将省政府…" / "2024年，市政府…" weigh three times 全县 / 全市 (a
    town's report also speaks of its county); the first-mentioned wins a tie.
    """
    scores: dict[str, int] = {}
    first: dict[str, int] = {}
    for match in _SELF_LEVEL.finditer(folded[:2000]):
        word = match.group(1) or match.group(2) or match.group(3)
        level = _SELF_LEVELS[word]
        scores[level] = scores.get(level, 0) + (1 if match.group(3) else 3)
        first.setdefault(level, match.start())
    if not scores:
        return None
    return max(scores, key=lambda level: (scores[level], -first[level]))


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


#: Words that show a would-be place before a department is a clause (落实市应急管理局…).
_NOT_A_PLACE = re.compile(
    r"落实|贯彻|推进|加强|关于|根据|按照|现将|报送|领导|要求|部署|指导|会议|工作|年度|年|以来|"
    r"政府|部门|[委局厅]"
)
#: Function words that never stand inside a place name (和平区 and 将乐县 begin with one).
_INSIDE_NOT_A_PLACE = re.compile(r"[在和与及并报的对向为由经将把]")


def _resolve_short_department(
    entity: str, text: str, metadata: Mapping[str, str]
) -> tuple[str, str | None]:
    """市市场监管局 and the city named where it can be trusted → 青石市市场监管局 (parent 青石市).

    The place is taken from the page's issuer (发布机构：青石市市场监督管理局), from the
    department's full name written in the text (《青石市应急管理局…清单》), or from the
    government that leads it (在青川区委、区政府的坚强领导下，区司法局…). A place named
    only inside another name (a project, a party committee's document) is not its place:
    the department stays as the page writes it.
    """
    match = _SHORT_DEPARTMENT.match(fold(entity))
    if match is None:
        return entity, None
    level, department = match.groups()
    starting = re.compile(rf"(?:中共)?([\u4e00-\u9fff]{{2,6}}?{level})(?={department[:2]})")
    sources = [value for key in _ISSUER_KEYS if (value := metadata.get(key))]
    sources += [value for key, value in metadata.items() if key not in _ISSUER_KEYS]
    for source in sources:
        found = starting.match(fold(source).strip())
        if found and _is_place(found.group(1), level):
            return found.group(1) + entity[1:], found.group(1)
    folded = fold(text)
    written = re.compile(
        rf"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{{2,6}}?{level}){re.escape(department)}"
    )
    leading = re.compile(rf"在(?:中共)?([\u4e00-\u9fff]{{2,6}}?{level})(?:委|党委|人民政府|政府)")
    for pattern in (written, leading):
        for found in pattern.finditer(folded):
            if _is_place(found.group(1), level):
                name = text[found.start(1) : found.end(1)]
                return name + entity[1:], name
    return entity, None


def _is_place(name: str, level: str) -> bool:
    return (
        len(name) >= 2
        and name != level + level
        and not _NOT_A_NAME.match(name)
        and not _NOT_A_PLACE.search(name[:-1])
        and not _INSIDE_NOT_A_PLACE.search(name[1:-1])
    )


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
#: The sentence that introduces the report: 现将我镇2024年法治政府建设情况报告如下.
_REPORTING_YEAR = re.compile(
    r"现将[^，,。；;\n]{0,20}?(20\d{2})年(?:度)?[^，,。；;\n]{0,30}?(?:报告|汇报|总结)(?:如下|于后)"
)
#: After a year: it is the point of comparison (2023年相比, 2023年同期, 2023年工作基础上),
#: not the year reported on.
_COMPARED = re.compile(r"(?:的)?(?:相比|同期|同比|比较|[\u4e00-\u9fff]{0,4}?基础上)")
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
    own = _REPORTING_YEAR.search(text[:3000]) or _OWN_YEAR.search(text[:2000])
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
