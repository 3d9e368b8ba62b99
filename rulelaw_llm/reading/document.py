"""Reading a report: decoding, cleaning, title/entity/year, sections and their items.

Everything here is deterministic. ``Report.text`` is the cleaned text; every span in the
library (sections, items, quantities, evidence) is a pair of offsets into it, so that
``report.text[start:end]`` is exactly the quoted text.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from rulelaw_llm.errors import InputError
from rulelaw_llm.reading.detection import detect_reports, split_reports
from rulelaw_llm.reading.issuer import (
    _LOCAL_LEVELS,
    _agrees,
    _entity_from_title,
    _find_title,
    _find_year,
    _fuller_department,
    _issuer_in_body,
    _issuer_in_metadata,
    _issuer_in_signature,
    _level_of_self,
    _parent_in_body,
    _resolve_short_department,
    _self_levels,
)
from rulelaw_llm.reading.limits import InputLimits
from rulelaw_llm.reading.normalize import fold
from rulelaw_llm.reading.readers import read_source
from rulelaw_llm.reading.sections import (
    Item,
    Section,
    SectionKind,
    _is_heading_like,
    _lines,
    _split_sections,
    _starts_with_marker,
)
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
        """The section that contains ``offset`` in ``text`` (sections are in text order and
        do not overlap, so bisection finds it: a collection of thousands stays fast)."""
        index = bisect.bisect_right(self.sections, offset, key=lambda section: section.start)
        if index and self.sections[index - 1].start <= offset < self.sections[index - 1].end:
            return self.sections[index - 1]
        return None

    def sections_of(self, *kinds: SectionKind) -> list[Section]:
        """The sections of the given kinds, in text order."""
        return [section for section in self.sections if section.kind in kinds]


# --------------------------------------------------------------------------- cleaning

_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
#: Pinyin that a converter wrote after characters, in brackets: 內(nèi)蒙古自治區(qū). Only a
#: syllable with a tone mark right after a character, so that a bracketed word, a code or
#: an abbreviation (PPP) is never touched.
_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff])[(（](?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,7}}[)）]")


def remove_glosses(text: str) -> str:
    """``text`` without the pinyin a converter wrote after characters (內(nèi)蒙古 → 內蒙古)."""
    return _GLOSS.sub("", text)


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE_RUN = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009]+")
_SENTENCE_END = tuple("。！？!?；;：:…”’」』）)】")


def clean_text(raw: str) -> str:
    """Clean conversion leftovers: bookmarks, pinyin glosses, invisible characters, runs of
    spaces, hard breaks.

    Single spaces inside a line are kept (``1、 工作开展情况`` stays as written); a run of
    spaces becomes one space; lines are stripped; blank lines are collapsed to one; a line
    broken in the middle of a sentence is joined to the next.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").replace("\f", "\n").replace("\v", "\n")
    text = _BOOKMARK.sub("", text)
    text = remove_glosses(text)
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


# --------------------------------------------------------------------------- loading


def load_report(
    source: str | os.PathLike[str] | bytes, *, limits: InputLimits | None = None
) -> Report:
    """Read, clean and analyse a report.

    ``source`` is a path (``str`` or ``Path``), the report's text itself, or raw bytes.
    Raises ``InputError`` for a missing, empty, whitespace-only or binary input, and
    ``InputLimitError`` for one over ``limits`` (default ``InputLimits()``: 20 MB of text;
    ``load_report(path, limits=InputLimits(max_input_mb=200))`` raises it).
    """
    raw, path = read_source(source, limits=limits)
    return _analyse(raw, path)


def report_from_text(text: str, *, source: str | None = None) -> Report:
    """Analyse ``text`` as one report that was read from ``source`` (e.g. ``合集.txt#2``)."""
    return _analyse(text, source)


def load_reports(
    source: str | os.PathLike[str] | bytes, *, limits: InputLimits | None = None
) -> list[Report]:
    """Read ``source`` and return one ``Report`` per report it holds.

    A file that holds several reports (see ``detect_reports``) gives one ``Report`` for each,
    in order, whose ``source`` is the file's name with ``#1``, ``#2`` … appended; a file
    with one report gives a list of one, exactly ``load_report(source)``. ``limits`` as
    for ``load_report``.
    """
    raw, path = read_source(source, limits=limits)
    parts = split_reports(raw.replace("\r\n", "\n").replace("\r", "\n"))
    if len(parts) == 1:
        return [_analyse(raw, path)]
    name = path or "输入文本"
    return [_analyse(part, f"{name}#{number}") for number, part in enumerate(parts, start=1)]


def split_report_file(
    source: str | os.PathLike[str] | bytes,
    directory: str | os.PathLike[str],
    *,
    limits: InputLimits | None = None,
) -> list[Path]:
    """Write each report that ``source`` holds to its own UTF-8 .txt file in ``directory``.

    Files are named ``01-青石镇-2024.txt`` (number, issuer, year as found). Nothing is
    overwritten: if any of the files exists already, ``InputError`` is raised before writing.
    ``limits`` as for ``load_report``.
    """
    raw, path = read_source(source, limits=limits)
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
    # Glosses go before the furniture is read: 發(fā)布日期 is a label once they are gone.
    content, metadata = split_furniture(remove_glosses(lines_as_given))
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
        if not _agrees(level, _self_levels(folded[:1500]), subject=False):
            # 来源：某县司法局 on a page whose report says 我县 / 我镇: the site that posted it.
            entity = parent = level = None
    elif parent is None:
        # 白沙镇 in the title, 青石县白沙镇人民政府 as 发布机构: the metadata names the parent.
        same, parent_in_metadata, _ = _issuer_in_metadata(metadata)
        if same == entity:
            parent = parent_in_metadata
    if entity is not None and level == "部门" and parent is None:
        entity, parent = _resolve_short_department(entity, text, metadata)
    if entity is not None and level == "部门":
        # A department in its fullest form: 霞山区统计局 in the title, 湛江市霞山区统计局 as 来源.
        entity, parent = _fuller_department(entity, text, metadata) or (entity, parent)
    if entity is not None and parent is None and level in _LOCAL_LEVELS:
        parent = _parent_in_body(folded, text, level)
    if entity is None:
        level = _level_of_self(folded)  # 我镇 / 我局 / 现将省政府…: the level, not the name
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
