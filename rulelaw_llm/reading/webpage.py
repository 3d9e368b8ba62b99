"""The furniture of a report saved from a web page: its metadata table and its navigation.

Reports are mostly published as web pages, and users save them as .html or paste the text
with everything around it: a breadcrumb (首页 > 政务公开 > …), a site header with today's date
(某区人民政府 2019年12月3日星期二), the metadata table of the government information portal
(索引号, 主题分类, 发布机构, 成文日期, 发布日期 …), a 来源/发布时间 line, 打印/关闭 links.
None of that is the report's content, but the metadata is worth keeping: ``split_furniture``
takes it out of the text and returns it as key/value pairs; ``published_date`` reads the
publication date from them. ``readers`` writes a web page's ``<meta>`` tags (PubDate,
firstpublishedtime, ContentSource…) as ``key：value`` lines so that they arrive here too.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from rulelaw_llm.reading.normalize import fold

__all__ = [
    "META_TAG_NAMES",
    "METADATA_KEYS",
    "is_navigation",
    "metadata_pairs",
    "parse_date",
    "published_date",
    "split_furniture",
]

#: Labels of the metadata tables and lines of government web pages (simplified: a page in
#: traditional characters, 發布時間, is matched through ``fold``).
METADATA_KEYS = (
    "索引号",
    "信息索引号",
    "关键词",
    "关键字",
    "主题分类",
    "体裁分类",
    "组配分类",
    "服务对象分类",
    "服务对象",
    "信息分类",
    "分类",
    "所属主题",
    "公开目录",
    "公开方式",
    "公开范围",
    "公开时限",
    "公文时效",
    "信息时效",
    "有效性",
    "时效",
    "审核程序",
    "发布机构",
    "发布单位",
    "发布部门",
    "发文机关",
    "发文机构",
    "发文单位",
    "制发机关",
    "主办单位",
    "公文生成日期",
    "生成日期",
    "成文日期",
    "发文日期",
    "发布日期",
    "发布时间",
    "发表日期",
    "发表时间",
    "信息提供日期",
    "公开日期",
    "更新时间",
    "文号",
    "发文字号",
    "来源",
    "信息来源",
    "文章来源",
    "稿件来源",
    "作者",
    "编辑",
    "责任编辑",
    "审核",
    "浏览次数",
    "阅读次数",
    "阅读",
    "访问次数",
    "浏览量",
    "访问量",
    "阅读量",
    "浏览",
    "点击数",
    "点击量",
    "名称",
    "标题",
    "日期",
    "时间",
    "联系电话",
    "网站标识码",
    "网址",
    "原文链接",
    "原文地址",
    "本文链接",
    "页面地址",
)

#: ``<meta name=…>`` tags of government sites kept as metadata (compared case-insensitively).
META_TAG_NAMES = (
    "ArticleTitle",
    "PubDate",
    "firstpublishedtime",
    "publishdate",
    "ContentSource",
    "SiteName",
    "ColumnName",
    "Keywords",
    "author",
)

#: Keys whose value is the publication date, most specific first. 成文日期 and 公文生成日期
#: are the dates a document was drafted, not published: they are kept as metadata only.
_PUBLICATION_KEYS = (
    "发布时间",
    "发布日期",
    "发表日期",
    "发表时间",
    "信息提供日期",
    "PubDate",
    "firstpublishedtime",
    "publishdate",
    "公开日期",
    "发文日期",
    "日期",
    "时间",
)
#: Generic keys whose value may be a site's clock rather than the page's date.
_GENERIC_DATE_KEYS = ("日期", "时间")
#: Keys that name the page's address; all are kept as ``网址``.
_URL_KEYS = ("原文链接", "原文地址", "本文链接", "页面地址", "URL")
#: Keys whose value may be the report's title (a title line is never another key's value).
_TITLE_KEYS = ("名称", "标题", "ArticleTitle")

_KEYS = sorted([*METADATA_KEYS, *META_TAG_NAMES, "URL"], key=len, reverse=True)


def _spaced(key: str) -> str:
    """A key as a pattern that allows spaces between its characters (索 引 号; 时  效 and
    名  称 padded to the width of a three-character key)."""
    if key.isascii():
        return re.escape(key)
    return "[ \u3000]{0,3}".join(re.escape(char) for char in key)


_KEY_ALTERNATIVES = "|".join(_spaced(key) for key in _KEYS)
#: A key followed by a colon (in the folded line): at the start, after a space or a cell
#: break, or anywhere for a key of three or more Chinese characters (…木渎镇浏览量：).
_KEY_WITH_COLON = re.compile(
    rf"(?:(?<![^\s|\d\]】)\-])|(?=[\u4e00-\u9fff]{{3}}))[【\[]?[ ]?({_KEY_ALTERNATIVES})[ ]?[】\]]?\s*:",
    re.IGNORECASE,
)
#: A key written without its colon, between spaces, inside a line of metadata (来源：青石县
#: 司法局 发布时间 2025年09月05日): it starts a value all the same.
_KEY_WITH_SPACE = re.compile(rf"(?<=\s)({_KEY_ALTERNATIVES})(?=\s+[^\s:])", re.IGNORECASE)
#: Page tools that end a metadata value even when written right after it (来源：青石镇分享到：…).
_TOOL_LABEL = re.compile(r"[【\[]?(?:分享到|分享|字体|字号|打印|关闭|收藏)\s*[:：]?")
#: Cells of a table row: a tab, a full-width space or a run of two or more spaces between them.
_CELL_BREAK = re.compile(r"\t|\u3000|\s{2,}")
_CANONICAL = {re.sub(r"\s", "", key).lower(): key for key in _KEYS}
_STARTS_WITH_KEY = re.compile(rf"[【\[]?\s*(?:{_KEY_ALTERNATIVES})", re.IGNORECASE)
#: A list mark before a metadata label (• 索引号, - 发布日期, ▪ [ 主题分类 ]); "--" and "——"
#: are content bullets.
_BULLET = re.compile(r"^\s*[·●○◦▪■□◆◇►‣*\-–](?![\-–—])\s*")
#: A label in brackets, alone or before its value: [ 发布日期 ] 2025-01-15.
_BRACKET_LABEL = re.compile(
    r"^[【\[]\s*([\u4e00-\u9fff][\u4e00-\u9fff /]{0,11}?)\s*[】\]]\s*:?\s*(.*)$"
)
#: A short label and a colon in a run of listed metadata (- 备注/文号：…, - 公文时效：).
_LISTED_LABEL = re.compile(r"([\u4e00-\u9fff][\u4e00-\u9fff /]{0,9}?)\s*:\s*(.*)$")
#: Sentence punctuation: a line with it is content, never a metadata value.
_SENTENCE = re.compile(r"[。，；！？]|[,;!?](?!\d)")
#: A numbered heading (一、… （一）… 1.…): the report begins, never a label's value.
_HEADING = re.compile(
    r"[一二三四五六七八九十]+[、.]|[(]\s*[一二三四五六七八九十\d]+\s*[)]|\d+[、.](?!\d)"
)
#: A line that looks like the report's title.
_TITLE_LIKE = re.compile(r"(?:报告|总结|汇报)$|法治.*(?:报告|总结)")
_SITE_LIKE = re.compile(r"网站|门户|www\.|https?:|\.(?:cn|com|net|org)\b", re.IGNORECASE)
_VALUE_END = " \t|｜】]-–—"

_DATE = re.compile(
    r"(?<!\d)(20\d{2}|19\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)"
)
_BREADCRUMB_START = re.compile(
    r"^(?:首页|主页|网站首页|当前位置|您的位置|您当前的位置|您当前所在的位置|当前所在位置|位置)\s*[:：>＞»›]?"
)
_BREADCRUMB_SEPARATOR = re.compile(r"\s*(?:>>|>|＞|»|›|→|/)\s*")
_WEEKDAY = re.compile(r"(?:星期|礼拜|周)[一二三四五六日天]")
#: Words of a page's tool bar (font size, print, close, share, accessibility), nothing else
#: on their line.
_PAGE_TOOL_WORDS = re.compile(
    r"扫一扫在手机(?:上)?打开(?:当前页)?|返回顶部|分享到|字体|字号|打印|关闭|收藏|分享|窗口|本页|此页|"
    r"默认|标准|超大|长者版|适老版|无障碍阅读|网站无障碍|无障碍|用户登录|繁体|简体|[大中小【】\[\]:：|｜\s]"
)
#: Links of a site's header: accessibility, the elders' version, logging in.
_SITE_HEADER = re.compile(r"用户登录|无障碍|适老版|长者版|繁体版|简体版|English", re.IGNORECASE)
#: A site's footer: copyright and registration numbers.
_FOOTER = re.compile(r"Copyright|©|版权所有|ICP备|公网安备|网站标识码", re.IGNORECASE)
#: A time of day after a date: 10:14, 10:14:05, 09时07分.
_TIME = re.compile(r"\d{1,2}\s*[:时]\s*\d{2}(?:\s*分)?(?:\s*:?\s*\d{2}\s*秒?)?")
#: Words beside a date that make a line more than a date and its source.
_NOT_A_SOURCE = re.compile(r"报告|总结|法治|依法|关于|^(?:在|于|经|由|从)")
#: How the name of a site or a paper ends.
_SITE_END = re.compile(r"(?:网|网站|门户|报|社|台|新闻)$")
#: How the name of a body ends.
_BODY_END = re.compile(r"(?:政府|办公室|办|局|厅|委|委员会|中心|街道|镇|乡|县|区|市|州|省|旗)$")


def parse_date(value: str) -> datetime.date | None:
    """The first date written in ``value`` (2025-03-12, 2025/3/12, 2025年3月12日)."""
    match = _DATE.search(value)
    if match is None:
        return None
    year, month, day = (int(group) for group in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _canonical(key: str) -> str | None:
    """The canonical name of a key as written (索 引 号 → 索引号, 原文链接 → 网址)."""
    name = _CANONICAL.get(re.sub(r"\s", "", key).lower())
    if name in _URL_KEYS:
        return "网址"
    return name


def _value(text: str) -> str:
    tool = _TOOL_LABEL.search(text)
    return (text[: tool.start()] if tool else text).strip(_VALUE_END + "　")


def _key_pairs(line: str, folded: str, offset: int = 0) -> list[tuple[str, str]]:
    """The ``key：value`` pairs of a line from the first key on (``offset`` where it stands)."""
    matches = [m for m in _KEY_WITH_COLON.finditer(folded, offset) if _canonical(m.group(1))]
    if matches:
        spaced = [
            m
            for m in _KEY_WITH_SPACE.finditer(folded, matches[0].end())
            if _canonical(m.group(1)) and not any(o.start() <= m.start() < o.end() for o in matches)
        ]
        matches = sorted([*matches, *spaced], key=lambda m: m.start())
    pairs: list[tuple[str, str]] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
        # A value ends at a bar (来源：某局 | 2025-03-05 | 浏览：…); a cell after it with only a
        # date is the page's date.
        value, *cells = re.split(r"\s*[|｜]\s*", line[match.end() : end])
        pairs.append((_canonical(match.group(1)) or match.group(1), _value(value)))
        pairs += [("日期", cell.strip()) for cell in cells if dated_source(cell) == ""]
    return pairs


def _spaced_pairs(line: str, folded: str) -> list[tuple[str, str]] | None:
    """``发布时间 2025-03-05 来源 某镇``: keys without colons, each before its value. Only a
    line without sentence punctuation whose pairs hold a publication date, or two values
    or more, counts."""
    first = _STARTS_WITH_KEY.match(folded)
    if (
        first is None
        or _SENTENCE.search(folded)
        or not folded[first.end() : first.end() + 1].isspace()
    ):
        return None
    if _canonical(first.group(0).strip("【[ ")) is None:
        return None
    starts = [(first.start(), first.end(), first.group(0).strip("【[ "))]
    starts += [
        (m.start(), m.end(), m.group(1))
        for m in _KEY_WITH_SPACE.finditer(folded, first.end())
        if _canonical(m.group(1))
    ]
    pairs: list[tuple[str, str]] = []
    for index, (_, end, key) in enumerate(starts):
        stop = starts[index + 1][0] if index + 1 < len(starts) else len(line)
        pairs.append((_canonical(key) or key, _value(line[end:stop])))
    dated = any(parse_date(value) for key, value in pairs if key in _PUBLICATION_KEYS)
    if dated or sum(1 for _, value in pairs if value) >= 2:
        return pairs
    return None


def metadata_pairs(line: str) -> list[tuple[str, str]] | None:
    """The key/value pairs of a metadata line, or ``None`` when the line is not one.

    ``来源：某区司法局 发布时间：2025-03-12`` gives two pairs; a table row whose cells
    alternate keys and values (``索引号　1142…　主题分类　政务公开``) too, and so does a listed
    label (``• 发布日期：2025-01-15``, ``- 發布時間:…``, ``• [ 发布日期 ] 2025-01-15``). A line
    counts only when it starts with a key: ``来源`` in the middle of a sentence is content.
    A label without its value (``• 文号``, ``发布日期：``) gives a pair with an empty value.
    """
    folded = fold(line)
    bullet = _BULLET.match(folded)
    start = bullet.end() if bullet else len(folded) - len(folded.lstrip())
    line, folded = line[start:].rstrip(), folded[start:].rstrip()
    table = _table_row(line)
    if table is not None:
        return table
    if not folded or not _STARTS_WITH_KEY.match(folded):
        bracket = _BRACKET_LABEL.match(folded) if bullet else None
        if bracket is None:
            return None
        # • [ 主题分类 ] …: a listed label in brackets, known or not (• [ 索号 ]).
        label = _canonical(bracket.group(1)) or re.sub(r"\s", "", bracket.group(1))
        return [(label, _value(line[bracket.start(2) :]))]
    first = _KEY_WITH_COLON.match(folded)
    if first is not None:
        return _key_pairs(line, folded)
    if bullet and _canonical(folded) is not None:
        return [(_canonical(folded) or folded, "")]  # • 文号: a listed label alone
    bracket = _BRACKET_LABEL.match(folded)
    if bracket is not None and _canonical(bracket.group(1)):
        return [(_canonical(bracket.group(1)) or "", _value(line[bracket.start(2) :]))]
    return _cell_pairs(line) or _spaced_pairs(line, folded)


def _cell_pairs(line: str) -> list[tuple[str, str]] | None:
    """A table row whose cells alternate keys and values (``索引号　1142…　主题分类　政务公开``)."""
    cells = [cell.strip() for cell in _CELL_BREAK.split(line) if cell.strip()]
    if len(cells) < 2 or not _canonical(fold(cells[0]).rstrip(":")):
        return None
    pairs: list[tuple[str, str]] = []
    index = 0
    while index < len(cells):
        key = _canonical(fold(cells[index]).rstrip(":"))
        if key is None:
            return None
        following = cells[index + 1] if index + 1 < len(cells) else ""
        if _canonical(fold(following).rstrip(":")):
            pairs.append((key, ""))
            index += 1
        else:
            pairs.append((key, following))
            index += 2
    return pairs


#: A cell of a table row that is a label (文件编号: / 发布机构：…).
_LABEL_CELL = re.compile(r"^([\u4e00-\u9fff][\u4e00-\u9fff ]{0,9}?)\s*:\s*(.*)$")
#: A cell that is a known key alone (索引号 | QS-001 | …).
_KEY_CELL = re.compile(rf"^[【\[]?\s*({_KEY_ALTERNATIVES})\s*[】\]]?()$", re.IGNORECASE)


def _table_row(line: str) -> list[tuple[str, str]] | None:
    """The pairs of a row of a metadata table written with bars (``文件编号: | 无 | 发布机构:
    | 某局 |``, ``索引号 | QS-001 | 发布机构 | 某局``), or ``None``. Every label cell counts,
    known or not (统一编号), once the row opens with a label and holds a known one; a value
    is the cell after its label."""
    if "|" not in line and "｜" not in line:
        return None
    cells = [cell.strip() for cell in re.split(r"[|｜]", line) if cell.strip()]
    labels = [_LABEL_CELL.match(fold(cell)) or _KEY_CELL.match(fold(cell)) for cell in cells]
    if (
        not cells
        or labels[0] is None
        or not any(label and _canonical(label.group(1)) for label in labels)
    ):
        return None
    pairs: list[tuple[str, str]] = []
    for cell, label in zip(cells, labels, strict=True):
        if label is not None:
            key = _canonical(label.group(1)) or re.sub(r"\s", "", label.group(1))
            pairs.append((key, _value(cell[label.start(2) :])))
        elif pairs and not pairs[-1][1]:
            pairs[-1] = (pairs[-1][0], _value(cell))
        else:
            return None  # a cell that is neither a label nor a label's value: not a table row
    return pairs


def _listed_label(line: str) -> tuple[str, str] | None:
    """``- 备注/文号：…`` in a run of listed metadata: a short label, a colon and its value."""
    folded = fold(line)
    bullet = _BULLET.match(folded)
    if bullet is None:
        return None
    match = _LISTED_LABEL.match(folded, bullet.end())
    if match is None:
        return None
    return re.sub(r"\s", "", match.group(1)), _value(line[match.start(2) :])


def _prefixed_pairs(
    line: str, *, any_pair: bool = False
) -> tuple[str, list[tuple[str, str]]] | None:
    """``湘潭县人民政府门户网站 www… 发布时间：2025-12-31``: words, then metadata pairs.

    Only a short line without sentence punctuation whose pairs hold a date (or two pairs or
    more, or any pair with ``any_pair``: a label waits for its value, or words that are a
    date: ``2025-03-05 来源：某镇``) counts; the words before the first key are returned
    beside the pairs.
    """
    folded = fold(line)
    if len(line.strip()) > 120:
        return None
    for match in _KEY_WITH_COLON.finditer(folded):
        if match.start() == 0 or not _canonical(match.group(1)):
            continue
        prefix = line[: match.start()].strip(_VALUE_END + "　")
        if not prefix or _SENTENCE.search(fold(prefix)):
            return None
        pairs = _key_pairs(line, folded, match.start())
        dated = any(parse_date(value) for key, value in pairs if key in _PUBLICATION_KEYS)
        if dated or len(pairs) >= 2 or any_pair or dated_source(prefix) == "":
            return prefix, pairs
        return None
    return None


def is_navigation(line: str, *, leading: bool = False) -> bool:
    """Whether ``line`` is page navigation: a breadcrumb, a dated site header, page tools,
    a site's footer (copyright, ICP registration).

    With ``leading`` (the line stands in the title block, before the first sentence), a line
    that is only a date or a date and time counts too (kept as the metadata ``日期``): at the
    end of a report the same line is its signature date and stays.
    """
    stripped = fold(line).strip()
    if not stripped:
        return False
    if _BREADCRUMB_START.match(stripped) and (
        len(_BREADCRUMB_SEPARATOR.split(stripped)) >= 2 or len(stripped) <= 8
    ):
        return not re.search(r"[。；;]", stripped)
    date = _DATE.search(stripped)
    crumbs = stripped.lstrip(">»›→ ")
    if not date and len(crumbs) <= 80 and len(_BREADCRUMB_SEPARATOR.findall(stripped)) >= 2:
        segments = _BREADCRUMB_SEPARATOR.split(crumbs)
        if all(0 < len(segment) <= 12 for segment in segments) and not re.search(
            r"[。，,；;]", stripped
        ):
            return True
    if (
        date
        and _WEEKDAY.search(stripped)
        and len(stripped) <= 40
        and not re.search(r"[。，,；;]", stripped)
    ):
        return True  # a site header showing today's date: never a date of the report
    if _FOOTER.search(stripped) and len(stripped) <= 160 and not re.search(r"[。，；]", stripped):
        return True
    if re.fullmatch(r"[\[【(]?(?:图片|img|image|pic)[\]】)]?", stripped, re.IGNORECASE):
        return True  # what is left of an image
    if (
        _SITE_HEADER.search(stripped)
        and len(stripped) <= 50
        and not re.search(r"[。，,；;]", stripped)
    ):
        return True  # 某区欢迎您！ 用户登录 网站无障碍 适老版
    if re.search(
        r"打印|关闭|字体|字号|分享|收藏|返回顶部|长者版|适老版|无障碍", stripped
    ) and not _PAGE_TOOL_WORDS.sub("", stripped):
        return True
    return leading and dated_source(stripped) is not None


def dated_source(line: str) -> str | None:
    """For a line that is a date, perhaps its time, and perhaps the name of the page's
    source beside them (``2025-04-27 10:14 云岭省人民政府网``), that name (``""`` when there
    is none); ``None`` for any other line. Pages show the publication date so, above the
    text; the caller decides whether the line stands there.

    A site's name (…网, …报) may stand beside a date alone; a body's name only beside a
    date and a time, the web page's stamp: ``某县人民政府 2025年1月20日`` without a time is
    how a document is signed, a drafting date.
    """
    stripped = fold(line).strip()
    date = _DATE.search(stripped)
    if date is None:
        return None
    after = re.sub(r"^\s*日", "", stripped[date.end() :])
    joined = stripped[: date.start()] + " " + after
    rest = _TIME.sub("", joined, count=1).strip(" 　")
    if not rest:
        return ""
    named = _SITE_END.search(rest) or (_TIME.search(joined) and _BODY_END.search(rest))
    if (
        len(rest) <= 30
        and re.fullmatch(r"[\u4e00-\u9fff]{2,}", rest)
        and named
        and not _NOT_A_SOURCE.search(rest)
    ):
        index = stripped.find(rest)
        return line.strip()[index : index + len(rest)]
    return None


def split_furniture(raw: str) -> tuple[str, dict[str, str]]:
    """``raw`` without its metadata and navigation lines, and the metadata as key/value pairs.

    Removed lines are replaced by nothing (the text closes up); a key seen twice keeps its
    first non-empty value. The text of the report itself is not changed. A label whose value
    stands on a line of its own (``• 发布日期：`` then ``  2025-01-15``; ``• 主题分类`` then
    ``• 教育``) gets that value; a title line is never taken as a value, except of 名称/标题.
    """
    metadata: dict[str, str] = {}
    kept: list[str] = []
    leading = True
    pending: str | None = None  # a label still waiting for its value
    pending_listed = False  # …given as a list item (its value is a list item or indented)
    listed_run = False  # the last metadata line was a list item

    def store(key: str, value: str) -> None:
        if value and not metadata.get(key):
            metadata[key] = value

    for line in raw.split("\n"):
        if not line.strip():
            kept.append(line)
            continue
        folded = fold(line)
        bullet = _BULLET.match(folded)
        if pending is not None and (pending_listed or leading):
            value = _pending_value(line, pending, listed=pending_listed)
            if value is not None:
                store(pending, value)
                pending = None
                listed_run = listed_run or bool(bullet)
                continue
        pairs = metadata_pairs(line)
        if pairs is None and bullet and listed_run:
            listed = _listed_label(line)
            pairs = [listed] if listed else ([] if not folded[bullet.end() :].strip() else None)
        prefix: str | None = None
        if pairs is None and (leading or pending is not None):
            prefixed = _prefixed_pairs(line, any_pair=pending is not None)
            if prefixed is not None:
                prefix, pairs = prefixed
        if pairs is not None:
            if prefix is not None:
                if pending is not None:
                    store(pending, prefix)  # 发文机关： / 双牌县教育局 发文日期：…
                elif _SITE_LIKE.search(prefix):
                    store("网站", prefix)
                elif dated_source(prefix) == "":
                    store("日期", prefix)  # 2025-03-05 来源：…: the page's date
                else:
                    kept.append(prefix)
            pending = None
            for key, value in pairs:
                store(key, value)
            if pairs and not pairs[-1][1]:
                pending, pending_listed = pairs[-1][0], bool(bullet)
            listed_run = bool(bullet)
            continue
        pending = None
        listed_run = False
        if is_navigation(line, leading=leading):
            source = dated_source(line) if leading else None
            if source is not None and not _WEEKDAY.search(fold(line)):
                # A date (and time) above the text, as pages show the publication date, and
                # the source written beside it.
                metadata.setdefault("日期", line.strip())
                store("来源", source)
            continue
        if _SENTENCE.search(folded):
            leading = False  # the title block (title, issuer, dates) ends with the first sentence
        kept.append(line)
    return "\n".join(kept), metadata


def _pending_value(line: str, key: str, *, listed: bool) -> str | None:
    """The value of a label given on the line after it, or ``None`` if ``line`` is not one."""
    folded = fold(line)
    bullet = _BULLET.match(folded)
    if metadata_pairs(line) is not None or (bullet and _listed_label(line)):
        return None
    if _TOOL_LABEL.fullmatch(folded.strip()):
        return None  # 访问量： then 字体：: a page tool, no value
    if _prefixed_pairs(line, any_pair=True) is not None:
        return None  # 双牌县教育局 发文日期：…: the words before the keys are the value
    if bullet:
        value = line[bullet.end() :].strip()
    elif listed and not line[:1].isspace():
        return None  # after • 服务对象, an unindented line is the page going on
    else:
        value = line.strip()
    if not value or len(value) > 80 or _SENTENCE.search(fold(value)) or _HEADING.match(fold(value)):
        return None
    if _TITLE_LIKE.search(fold(value)) and key not in _TITLE_KEYS:
        return None
    return value


def published_date(metadata: Mapping[str, str]) -> datetime.date | None:
    """The publication date named in the metadata (发布时间, 发布日期, 发表日期, 信息提供日期,
    PubDate, … 日期); never a drafting date (成文日期, 公文生成日期) nor a site's clock."""
    lowered = {key.lower(): value for key, value in metadata.items()}
    for key in _PUBLICATION_KEYS:
        value = lowered.get(key.lower())
        if not value:
            continue
        if key in _GENERIC_DATE_KEYS and _WEEKDAY.search(fold(value)):
            continue  # 日期：2019年12月3日 星期二 is the site's clock
        date = parse_date(value)
        if date is not None:
            return date
    return None
