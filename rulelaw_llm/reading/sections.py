"""A report's parts and their items: item markers, part headings, the split into sections
(主要举措和成效, 存在的问题, 原因, 下一年度安排 …) and the numbered blocks of each.

Every offset is into the cleaned text (``Report.text``).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from rulelaw_llm.reading.normalize import chinese_to_number, fold

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
        # A tie goes to the family seen first (a set's order would change with the hash seed).
        dominant = max(dict.fromkeys(numbered), key=numbered.count)
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
