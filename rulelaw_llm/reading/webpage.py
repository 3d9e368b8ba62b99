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

__all__ = [
    "META_TAG_NAMES",
    "METADATA_KEYS",
    "is_navigation",
    "metadata_pairs",
    "parse_date",
    "published_date",
    "split_furniture",
]

#: Labels of the metadata tables and lines of government web pages.
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
    "所属主题",
    "公开方式",
    "公开范围",
    "公开时限",
    "有效性",
    "时效",
    "发布机构",
    "发布单位",
    "发布部门",
    "发文机关",
    "发文单位",
    "制发机关",
    "主办单位",
    "生成日期",
    "成文日期",
    "发布日期",
    "发布时间",
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
    "访问次数",
    "点击数",
    "点击量",
    "名称",
    "标题",
    "日期",
    "时间",
    "联系电话",
    "网站标识码",
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

#: Keys whose value is the publication date, most specific first.
_PUBLICATION_KEYS = (
    "发布时间",
    "发布日期",
    "PubDate",
    "firstpublishedtime",
    "publishdate",
    "公开日期",
    "成文日期",
    "生成日期",
    "日期",
    "时间",
)

_KEYS = sorted([*METADATA_KEYS, *META_TAG_NAMES], key=len, reverse=True)
_KEY_ALTERNATIVES = "|".join(re.escape(key) for key in _KEYS)
#: A key followed by a colon, anywhere in a line.
_KEY_WITH_COLON = re.compile(
    rf"(?:^|(?<=[\s　|｜\d\]】]))[【\[]?({_KEY_ALTERNATIVES})\s*[:：]", re.IGNORECASE
)
#: Page tools that end a metadata value even when written right after it (来源：青石镇分享到：…).
_TOOL_LABEL = re.compile(r"[【\[]?(?:分享到|分享|字体|字号|打印|关闭|收藏)\s*[:：]?")
#: Cells of a table row: a tab, a full-width space or a run of two or more spaces between them.
_CELL_BREAK = re.compile(r"\t|\u3000|\s{2,}")
_CANONICAL = {key.lower(): key for key in _KEYS}
_STARTS_WITH_KEY = re.compile(rf"[【\[]?(?:{_KEY_ALTERNATIVES})", re.IGNORECASE)

_DATE = re.compile(
    r"(?<!\d)(20\d{2}|19\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)"
)
_BREADCRUMB_START = re.compile(
    r"^(?:首页|主页|网站首页|当前位置|您的位置|您当前的位置|当前所在位置|位置)\s*[:：>＞»›]?"
)
_BREADCRUMB_SEPARATOR = re.compile(r"\s*(?:>|＞|»|›|→|/)\s*")
_WEEKDAY = re.compile(r"(?:星期|礼拜|周)[一二三四五六日天]")
#: Words of a page's tool bar (font size, print, close, share), nothing else on their line.
_PAGE_TOOL_WORDS = re.compile(
    r"扫一扫在手机(?:上)?打开(?:当前页)?|返回顶部|分享到|字体|字号|打印|关闭|收藏|分享|窗口|本页|此页|"
    r"默认|标准|超大|[大中小【】\[\]:：|｜\s]"
)
_TIME = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")


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


def metadata_pairs(line: str) -> list[tuple[str, str]] | None:
    """The key/value pairs of a metadata line, or ``None`` when the line is not one.

    ``来源：某区司法局 发布时间：2025-03-12`` gives two pairs; a table row whose cells
    alternate keys and values (``索引号　1142…　主题分类　政务公开``) too. A line counts only
    when it starts with a key: ``来源`` in the middle of a sentence is content.
    """
    stripped = line.strip()
    if not stripped or not _STARTS_WITH_KEY.match(stripped):
        return None
    matches = list(_KEY_WITH_COLON.finditer(stripped))
    if matches and matches[0].start() <= 1:
        pairs: list[tuple[str, str]] = []
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(stripped)
            value = stripped[match.end() : end]
            tool = _TOOL_LABEL.search(value)
            value = (value[: tool.start()] if tool else value).strip(" 　\t|｜】]")
            pairs.append((_CANONICAL[match.group(1).lower()], value))
        return pairs
    cells = [cell.strip() for cell in _CELL_BREAK.split(stripped) if cell.strip()]
    if len(cells) >= 2 and cells[0].lower() in _CANONICAL:
        pairs = []
        index = 0
        while index < len(cells):
            key = _CANONICAL.get(cells[index].rstrip(":：").lower())
            if key is None:
                return None
            following = cells[index + 1] if index + 1 < len(cells) else ""
            if following.rstrip(":：").lower() in _CANONICAL:
                pairs.append((key, ""))
                index += 1
            else:
                pairs.append((key, following))
                index += 2
        return pairs
    return None


def is_navigation(line: str, *, leading: bool = False) -> bool:
    """Whether ``line`` is page navigation: a breadcrumb, a dated site header, page tools.

    With ``leading`` (the line stands in the title block, before the first sentence), a line
    that is only a date or a date and time counts too (kept as the metadata ``日期``): at the
    end of a report the same line is its signature date and stays.
    """
    stripped = line.strip()
    if not stripped:
        return False
    if _BREADCRUMB_START.match(stripped) and (
        len(_BREADCRUMB_SEPARATOR.split(stripped)) >= 2 or len(stripped) <= 8
    ):
        return not re.search(r"[。；;]", stripped)
    date = _DATE.search(stripped)
    if not date and len(stripped) <= 80 and len(_BREADCRUMB_SEPARATOR.findall(stripped)) >= 2:
        segments = _BREADCRUMB_SEPARATOR.split(stripped)
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
    if re.search(r"打印|关闭|字体|字号|分享|收藏|返回顶部", stripped) and not _PAGE_TOOL_WORDS.sub(
        "", stripped
    ):
        return True
    if leading and date:
        rest = (stripped[: date.start()] + stripped[date.end() :]).strip(" 日　")
        if not rest or _TIME.match(rest):
            return True
    return False


def split_furniture(raw: str) -> tuple[str, dict[str, str]]:
    """``raw`` without its metadata and navigation lines, and the metadata as key/value pairs.

    Removed lines are replaced by nothing (the text closes up); a key seen twice keeps its
    first non-empty value. The text of the report itself is not changed.
    """
    metadata: dict[str, str] = {}
    kept: list[str] = []
    leading = True
    for line in raw.split("\n"):
        pairs = metadata_pairs(line)
        if pairs is not None:
            for key, value in pairs:
                if value and not metadata.get(key):
                    metadata[key] = value
            continue
        if is_navigation(line, leading=leading):
            if leading and _DATE.search(line) and not _WEEKDAY.search(line):
                # A bare date (and time) above the text, as pages show the publication date.
                metadata.setdefault("日期", line.strip())
            continue
        if re.search(r"[。，,；;！？!?]", line):
            leading = False  # the title block (title, issuer, dates) ends with the first sentence
        kept.append(line)
    return "\n".join(kept), metadata


def published_date(metadata: Mapping[str, str]) -> datetime.date | None:
    """The publication date named in the metadata (发布时间, 发布日期, PubDate, … 成文日期)."""
    lowered = {key.lower(): value for key, value in metadata.items()}
    for key in _PUBLICATION_KEYS:
        value = lowered.get(key.lower())
        if value:
            date = parse_date(value)
            if date is not None:
                return date
    return None
