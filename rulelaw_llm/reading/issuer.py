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
    r"^(?:中共|中国共产党)?[\u4e00-\u9fff]{2,30}?(?:人民政府|办事处|管委会|委员会|党工委|党委|党组|政府|"
    r"街道|苏木|镇|乡|县|区|市|州|省|旗|局|委|厅|办公室|部|街)$"
)
#: The start of a title broken over lines: it ends where a title cannot (吕村镇2024年度 /
#: 法治政府建设工作报告; 关于 / 2024年度…的报告).
_OPEN_TITLE_START = re.compile(
    r"(?:20\d{2}|[零〇一二][零〇一二三四五六七八九]{3})年度?$|(?:关于|的|和|及|与)$"
)
_HEAD_LINES = 40
#: A document number before the title ([某政发〔2026〕7号]…): no part of it, and its year is not
#: the report's.
_DOCUMENT_NUMBER = re.compile(
    r"^[\[【(（［]?[\u4e00-\u9fff]{1,10}[〔\[(（［]\d{4}[〕\])）］]\s*\d+\s*号[\]】)）］]?\s*"
)


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
        if above is not None and _title_start_above(lines[above].folded.strip()):
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
        return _DOCUMENT_NUMBER.sub("", title) or title, _after_repeats(
            lines, after, head_end, title
        )
    if first < len(lines):
        single = _title_opening_a_line(lines[first])
        if single is not None:
            return single, first
    return None, first


def _title_start_above(folded: str) -> bool:
    """Whether a line above a title line is the start of the title: the issuer alone
    (某镇人民政府 / 关于…的报告) or a start that cannot end a title (某局2024年度 / 法治…)."""
    if _ISSUER_LINE.match(folded):
        return True
    return (
        len(folded) <= 40
        and _OPEN_TITLE_START.search(folded) is not None
        and _SENTENCE_MARK.search(folded) is None
        and not _METADATA.match(folded)
    )


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
    r".+?(?:自治区|自治州|自治县|特别行政区|街道办事处|街道|苏木|省|市|州(?![市县区])|盟|县|区|旗|镇|乡|"
    r"街(?![道街]))"
)
_DEPARTMENT = re.compile(
    r"^[\u4e00-\u9fff]{1,12}?(?:局|委员会|委|办公室|办|厅|中心|院|所|署|队|站|(?<!干)部)"
)
#: Another name of the same body, in brackets after it: 某市农业农村局（某市乡村振兴局）.
_ALIAS = re.compile(r"[(（][^()（）]{1,30}[)）]")
#: A level word with no name of its own before it (西市 + 区, 新市 + 街道办事处): it ends
#: the place before it, whose name holds a level character. Not a level word where it
#: begins a word (市场监管局, 区委, 镇党委).
_NAMELESS_LEVEL = re.compile(
    r"(?:街道办事处|街道|自治县|县|区|市|镇|乡|旗|街)(?=$|人民政府|政府|办事处|[^场政民级直属辖委党人])"
)
#: The level of a place by its level word: a prefecture (州, 自治州) is its own level.
_LEVELS = {
    "自治区": "省",
    "省": "省",
    "特别行政区": "省",
    "市": "市",
    "州": "州",
    "自治州": "州",
    "盟": "市",
    "地区": "市",
    "县": "县",
    "自治县": "县",
    "旗": "县",
    "区": "区",
    "街道办事处": "街道",
    "街道": "街道",
    "镇": "镇",
    "乡": "乡",
    "苏木": "乡",
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
    folded = _with_digit_years(fold(title))  # 二〇二四年 is 2024年: the name may follow it
    cut = re.search(r"\d{4}|关于|法治|依法|年度|工作报告", folded)
    prefix = folded[: cut.start()] if cut else folded
    if not prefix.strip() and cut and cut.group(0) == "关于":
        # 关于2024年度青石街道法治政府建设情况的报告: the name after the year.
        rest = re.sub(r"^关于\s*(?:\d{4}年?(?:度)?)?", "", folded)
        following = re.search(r"法治|依法|年度|工作报告|关于", rest)
        prefix = rest[: following.start()] if following else ""
    # Marks around the name (【白沙镇】2024年…) and another name in brackets are no part of it.
    prefix = _ALIAS.sub("", re.sub(r"[【】\[\]“”\"《》]", "", prefix))
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
    names = _places(prefix)
    remainder = prefix[sum(len(name) for name in names) :]
    # 某县人民政府办公室 is a department named with its government; 某县人民政府 is the county.
    remainder = re.sub(
        r"^(?:人民政府|政府|党委|委员会|人大常委会|人民代表大会)(?!办公室|办)", "", remainder
    )
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


def _places(prefix: str) -> list[str]:
    """The places that open ``prefix``, outermost first (石门市, 青川区, 白沙镇).

    A level word never stands without a name: when the next place would be a bare level
    word (西市区 read as 西市 + 区), the level character before it was part of the name.
    A conjunction deep inside a would-be place after the first (住房和城乡 + 建设局) joins
    two fields of a department's name: the places end before it.
    """
    names: list[str] = []
    position = 0
    while position < len(prefix):
        match = _ADMIN.match(prefix, position)
        if match is None or (names and re.search(r"[和与及]", match.group(0)[2:])):
            break
        names.append(match.group(0))
        position = match.end()
        while (bare := _NAMELESS_LEVEL.match(prefix, position)) is not None:
            following = _ADMIN.match(prefix, position)
            if following is not None and following.end() > bare.end():
                break  # 市中区: a place whose name begins with a level character
            names[-1] += bare.group(0)
            position = bare.end()
    return names


def _original(title: str, folded: str, name: str | None) -> str | None:
    """Map a name found in the folded title back to the title's own characters."""
    if name is None:
        return None
    index = folded.find(name)
    return title[index : index + len(name)] if index >= 0 else name


#: What a body's name ends with: its level word or the kind of body it is. 州 before
#: 市/县/区 and 街 before 街道 are part of a name.
_NAME_END = r"(?:街道办事处|街道|苏木|镇|乡|县|区|市|州(?![市县区])|旗|省|局|委员会|办公室|厅|部|街(?![道街]))"
#: The organs a place's name may be followed by (白沙镇党委、政府; 柳溪街道办).
_ORGANS = (
    r"(?:人民政府|党工委|党委|党组|政府|办事处|管委会|领导班子|办(?!公|理|法))?"
    r"(?:、?(?:党委|政府|人民政府|办事处|管委会))?"
)
#: How a sentence goes on after its subject: an adverb (始终, 全面, 进一步), a preposition
#: or coverb (在, 以, 围绕, 紧扣) or a verb of the genre (坚持, 落实, 团结带领, 聚力, 取得),
#: perhaps after the report's topic (白沙镇法治政府建设工作取得…, 青川区法治建设工作以…). A
#: topic followed by a noun (青石县法治政府建设工作会议召开后) has another subject.
_PREDICATE = (
    r"(?=(?:(?:法治政府建设|法治建设|依法行政)(?:工作)?)?"
    r"(?:始终|一直|坚持|深入|认真|全面|扎实|持续|不断|进一步|积极|主动|切实|大力|全力|着力|"
    r"牢牢|坚定|坚决|严格|高度重视|精心|奋力|勇于|善于|更加|紧紧|紧扣|紧密|紧盯|紧跟|紧抓|"
    r"在|以|把|将|对|按照|围绕|聚焦|立足|结合|对标|锚定|秉承|秉持|依托|通过|根据|针对|着眼|"
    r"贯彻|落实|践行|推进|推动|统筹|强化|加强|深化|健全|完善|狠抓|抓实|抓好|注重|聚力|团结|带领|"
    r"树牢|牢固|扛牢|压实|依法|取得|稳步|有序))"
)
#: The subject of a sentence that opens with the year or the circumstances: 2024年，白沙镇
#: 坚持…; 2024年白沙镇坚持…; 2023年，在县委的领导和支持下，青石县司法局深入…; 某部党组深入….
#: A place of one character and 县 (萧县) is a name too.
_SUBJECT = re.compile(
    r"(?:^|[\n。；;]|(?:年|年度|以来|下)[，,]|20\d{2}年度?)\s*"
    rf"((?:中共)?(?:[\u4e00-\u9fff]{{2,24}}?{_NAME_END}|[\u4e00-\u9fff][县州]))"
    rf"{_ORGANS}{_PREDICATE}"
)
#: The report naming itself at the start of any clause: …，湟中区田家寨镇坚持…
_SELF_REFERENCE = re.compile(
    rf"(?:^|(?<=[\s，,：:]))([\u4e00-\u9fff]{{2,16}}?{_NAME_END}){_ORGANS}{_PREDICATE}"
)
#: Words inside a would-be name that show it is a clause, not a name: verbs, function
#: words, a conjunction after a body's name (青石县和白沙镇: two bodies; 住房和城乡建设局 is
#: one), and a deictic before a level or a body (我局, 全县, 本镇).
_CLAUSE_WORDS = re.compile(
    r"的|坚持|深入|政府(?!办)|领导|指导|关于|部署|要求|落实|贯彻|召开|命名|开展|组织|举办|印发|出台|"
    r"现将|(?<=.)[在并对向为报]|(?<=[省市州县区旗镇乡街道局委厅办部])[和与及、]|"
    r"[全各我本该](?:街道|[省市州县区旗镇乡街局委厅办])"
)
#: "现将青石镇2024年法治政府建设情况报告如下".
_REPORTING = re.compile(
    r"现将([\u4e00-\u9fff]{2,16}?)(?=20\d{2}|二[〇零]|关于|法治|依法|年度|本年度|全年|一年来)"
)
#: Words that open a sentence before the name (今年以来，在…) and are no part of it.
_LEADING_WORDS = re.compile(
    r"^(?:今年以来|一年来|近年来|以来|本年度|年度|年来|全年|年|来|度|在|和|与|及|是|由|对|为|按照|根据)+"
)
#: Words of time that may stand before a subject (一年来，白沙镇… / 全年白沙镇…).
_TEMPORAL_WORDS = re.compile(r"^(?:今年以来|一年来|近年来|以来|本年度|年度|年来|全年|年|来|度)+")
#: A preposition or a copula: the name after it is an object (为青石县法治建设贡献力量,
#: 在青石县委的领导下, 对白沙镇…), never the subject.
_PREPOSITION = re.compile(r"^(?:在|和|与|及|是|由|对|为|向|把|将|从|经|按照|根据|通过|围绕|针对)")
#: A would-be name that ends in a common noun (柳溪社区, 白沙村, 某某景区): no reporting body.
_NOT_A_BODY_END = re.compile(r"(?:社区|小区|景区|校区|片区|辖区|山区|郊区|街区|村|组)$")
#: Words that end like a place or a body but are not one: a scope or deictic word before
#: a level (全镇, 各县, 我局, 辖区) and common nouns (城市, 社区, 园区, 乡镇 …). A place whose
#: name merely begins like one (城关镇, 山阳县, 全椒县) is a place.
_NOT_A_NAME = re.compile(
    r"^(?:[各我该辖此]|[全本](?:街道|[省市州县区旗镇乡街局委厅办部])|城市|城区|市区|社区|园区|景区|"
    r"山区|片区|郊区|地区|老区|街区|小区|校区|辖区|城乡|乡镇|市县|县区|区县|县市|省市|自治[区州县旗]$)"
)
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
    """The reporting body as the report names itself in its first paragraphs: the subject
    of a sentence that opens with the year or the circumstances, else the body named in
    the sentence that introduces the report (现将…), else a name opening any clause."""
    head = folded[:1500]
    spoken = _self_levels(head)
    for pattern in (_SUBJECT, _REPORTING, _SELF_REFERENCE):
        for match in pattern.finditer(head):
            strong = pattern is _SUBJECT
            found = _body_named(text, match.group(1), match.start(1), strip=not strong)
            if found is not None and _agrees(found[2], spoken, subject=strong):
                return found
    return None, None, None


def _self_levels(folded: str) -> set[str]:
    """The levels a report gives itself by 我镇 / 本局 / 现将市政府…: who is speaking."""
    return {
        _SELF_LEVELS[match.group(1) or match.group(2)]
        for match in _SELF_LEVEL.finditer(folded)
        if match.group(1) or match.group(2)
    }


def _agrees(level: str | None, spoken: set[str], *, subject: bool) -> bool:
    """Whether a body of ``level`` may be the one that says 我镇 / 我局 … (``spoken``).

    A report that calls itself 我镇 is not a county's bureau's, one that says 我局 is not a
    town's; 我县 / 我市 are said by a government and by its departments alike, so a
    department is taken under them only as the subject of an opening sentence
    (2024年，青石县司法局坚持…), not from any clause (…，青川区司法局积极履职).
    """
    if not spoken or level in spoken:
        return True
    return subject and level == "部门" and spoken <= {"省", "市", "州", "县", "区"}


def _body_named(
    text: str, candidate: str, start: int, *, strip: bool
) -> tuple[str, str | None, str | None] | None:
    """The body that ``candidate`` (found at ``start``) names, when it is a name as a whole.

    Words of time before it (今年以来…) are dropped when ``strip``; after a preposition
    (为青石县…, 在青石县委…) the name is an object, not the reporting body. A candidate holding
    a clause word, or of which only a part reads as a name (部署… in a heading, before 我镇),
    is not one: the name runs right up to its predicate.
    """
    name = _TEMPORAL_WORDS.sub("", candidate) if strip else candidate
    start += len(candidate) - len(name)
    core = _TITLE_NOISE.sub("", name)
    if (
        len(core) < 2
        or _NOT_A_NAME.match(core)
        or _NOT_A_BODY_END.search(core)
        or _CLAUSE_WORDS.search(core)
    ):
        return None
    preposition = _PREPOSITION.match(core) if strip else None
    if preposition is not None and _entity_from_title(core[preposition.end() :])[0] is not None:
        return None
    entity, parent, level = _entity_from_title(text[start : start + len(name)])
    if entity is None:
        return None
    last = fold(entity.split()[-1])
    if not re.sub(r"(?:人民政府|政府|办事处|党工委|党委|党组|委员会)$", "", core).endswith(
        _TITLE_NOISE.sub("", re.sub(r"(?:人民政府|政府|办事处)$", "", last))
    ):
        return None
    return entity, parent, level


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
    r"[我本](街道|[省市州县区旗镇乡街局委厅]|办(?!法))|"
    r"(?:^|[\n，,。；;]|现将)([省市州县区旗镇乡])(?:人民)?政府|"
    r"全(街道|[省市州县区旗镇乡街])"
)
_SELF_LEVELS = {
    "街道": "街道",
    "街": "街道",
    "省": "省",
    "市": "市",
    "州": "州",
    "县": "县",
    "旗": "县",
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

    我镇 / 本局 and "现将省政府…" / "2024年，市政府…" weigh three times a scope word
    (全县, 全街: a town's report also speaks of its county); the first-mentioned wins a tie.
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


def _fuller_department(
    entity: str, text: str, metadata: Mapping[str, str]
) -> tuple[str, str | None] | None:
    """A department named with more of its places than ``entity`` (霞山区统计局 written
    湛江市霞山区统计局 as the page's 发布机构 or in the text), and its parent; ``None`` when
    the page names it no more fully.

    The places must stand where a name starts (a metadata value's start, or after a mark
    or a space in the text) and each must read as a place, so that a phrase before the
    name (落实霞山区统计局…) never joins it.
    """
    wanted = fold(entity)
    if " " in wanted:
        return None  # joint issuers are named as the title names them
    sources = [value for key in _ISSUER_KEYS if (value := metadata.get(key))]
    pattern = re.compile(rf"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{{2,16}}?){re.escape(wanted)}")
    for source in [*sources, text]:
        folded = fold(source)
        for found in pattern.finditer(folded):
            prefix = found.group(1)
            places = _places(prefix)
            if "".join(places) != prefix or not all(
                _is_place(place, place[-1]) for place in places
            ):
                continue
            fuller = source[found.start(1) : found.end()]
            parent = _entity_from_title(fuller)[1]
            return fuller, parent
    return None


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
