"""Is a text one 法治政府建设 report, none, or several?

A Python file, an English text or a novel chapter has neither the structure nor the
vocabulary of the genre; a file holding many reports has several titles (or year headers)
and part numbering that starts again at 一、. ``detect_reports`` finds both from the text
alone, deterministically, and says where each report starts (line numbers and titles);
``split_reports`` cuts the text there. ``document.load_report`` turns the findings into
``Report.warnings``; the CLI prints them, refuses them with ``--strict`` and splits with
``--split`` or ``rulelaw-llm split``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rulelaw_llm.reading.normalize import fold

__all__ = ["Detection", "ReportStart", "detect_reports", "split_reports"]

#: Below this share of Chinese characters (among non-space characters) a text is not a report.
MIN_CHINESE_SHARE = 0.5
#: Words only this genre uses this often; a report has several of them many times.
_GENRE_WORDS = re.compile(
    r"法治|依法|执法|普法|法律|行政|政府|司法|调解|信访|矛盾纠纷|规范性文件|合法性审查|述法|法规"
)
#: Fewer genre words than this (per 1,000 Chinese characters, and in all) is not a report.
MIN_GENRE_DENSITY = 8.0
MIN_GENRE_WORDS = 5
#: A report shorter than this (characters) is not counted as one of several: a title in the
#: text of another report, or a heading, is not a report of its own.
MIN_REPORT_CHARS = 300
#: The genre is judged on the beginning of a text (enough for any report, fast on 5 MB).
GENRE_SAMPLE_CHARS = 50_000
#: A warning names at most this many starts.
MAX_STARTS_SHOWN = 10

_CJK = re.compile(r"[\u4e00-\u9fff]")
_TITLE_LINE = re.compile(r"(?:报告|工作总结|情况汇报)(?:[(（][^)）]{0,12}[)）])?$")
_TITLE_TOPIC = re.compile(r"法治|依法行政|依法治")
_ISSUER_LINE = re.compile(
    r"(?:人民政府|政府|委员会|党委|党工委|办事处|局|街道|镇|乡|县|区|市|州|旗)$"
)
_YEAR_HEADER = re.compile(r"^(?:20\d{2}|二[〇零][一二三四五六七八九〇零]{2})年(?:度)?$")
_MARKER = re.compile(
    r"^(?:[(][一二三四五六七八九十\d]{1,3}[)]|[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[、.])"
)
_TOP_PART = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.,]")
#: The later parts of a report: a numbering run that reaches one of them is a report's.
_LATER_PART = re.compile(r"问题|不足|短板|差距|计划|打算|安排|下一步|下步")
_OPENING = re.compile(r"^(?:20\d{2}年|今年以来|一年来|近年来|本年度|\d{4}年度)")
_NUMERALS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}


@dataclass(frozen=True, slots=True)
class ReportStart:
    """Where one report of a text begins."""

    line: int
    """1-based number of the line that begins it."""
    offset: int
    """Character offset of that line in the text."""
    title: str
    """The line that begins it (its title, or its first line when it has none)."""


@dataclass(frozen=True, slots=True)
class Detection:
    """What ``detect_reports`` found in a text."""

    is_report: bool
    """Whether the text has the structure or the vocabulary of a 法治政府建设 report."""
    reason: str | None
    """Why it is not one (``None`` when it is)."""
    starts: tuple[ReportStart, ...]
    """Where each report begins: one entry for one report, several for a collection."""

    @property
    def count(self) -> int:
        """How many reports the text holds (1 for a single report or a non-report)."""
        return max(1, len(self.starts))

    def warnings(self, name: str = "输入") -> list[str]:
        """The findings as one-line Chinese warnings that say what to do."""
        found: list[str] = []
        if not self.is_report:
            found.append(
                f"{name} 看起来不是法治政府建设报告（{self.reason}）：结果可能没有意义，"
                "请确认输入的是报告正文。"
            )
        if len(self.starts) > 1:
            where = "；".join(
                f"第 {start.line} 行“{_shorten(start.title)}”"
                for start in self.starts[:MAX_STARTS_SHOWN]
            )
            if len(self.starts) > MAX_STARTS_SHOWN:
                where += f"；…（其余 {len(self.starts) - MAX_STARTS_SHOWN} 份略）"
            found.append(
                f"{name} 中似乎有 {len(self.starts)} 份报告，分别从{where}开始："
                "可用 rulelaw-llm split 拆分，或在 summarize/batch 时加 --split 逐份处理。"
            )
        return found


def _shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _is_title(folded: str) -> bool:
    return (
        0 < len(folded) <= 60
        and not re.search(r"[。，,；;：:！？!?]", folded)
        and not _MARKER.match(folded)
        and bool(_TITLE_LINE.search(folded))
        and bool(_TITLE_TOPIC.search(folded))
    )


def _genre(text: str) -> tuple[bool, str | None]:
    visible = re.sub(r"\s+", "", text)
    chinese = len(_CJK.findall(visible))
    if not visible:
        return False, "没有文字"
    share = chinese / len(visible)
    if share < MIN_CHINESE_SHARE:
        return False, f"中文字符只占 {share:.0%}"
    words = len(_GENRE_WORDS.findall(fold(text)))
    density = words * 1000 / chinese
    if words < MIN_GENRE_WORDS or density < MIN_GENRE_DENSITY:
        return False, f"几乎没有这类报告的用语（每千字 {density:.1f} 个）"
    return True, None


def detect_reports(text: str) -> Detection:
    """Whether ``text`` is a report, and where each report starts when it holds several.

    A report starts at a title line (…法治政府建设…报告, with the issuer's line above it when
    the title is split over two lines), at a line holding only a year (2024年), or, for a
    report without a title, where the top-level numbering starts again at 一、 after a
    complete run (一、二、…) — at the opening paragraph just before it. Starts closer than
    ``MIN_REPORT_CHARS`` to the next one are not counted. A restart counts only when the new
    run reaches a problems or plans part (二、存在的问题), so that a sub-list numbered 一、二、
    inside one part is not taken for another report.
    """
    is_report, reason = _genre(text[:GENRE_SAMPLE_CHARS])
    lines = text.split("\n")
    offsets: list[int] = []
    position = 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    # Titles, year headers and part headings are short lines: only those need folding.
    folded_lines = [(fold(line) if len(line) <= 80 else line).strip() for line in lines]

    candidates: list[int] = []
    top_seen = 0
    last_start = -1
    restart: int | None = None
    for index, folded in enumerate(folded_lines):
        if _is_title(folded) or _YEAR_HEADER.match(folded):
            start = index
            previous = index - 1
            while previous >= 0 and not folded_lines[previous]:
                previous -= 1
            if (
                previous >= 0
                and previous > last_start
                and len(folded_lines[previous]) <= 30
                and _ISSUER_LINE.search(folded_lines[previous])
                and not re.search(r"[。，,；;：:！？!?]", folded_lines[previous])
                and not _MARKER.match(folded_lines[previous])
            ):
                start = previous  # 吕村镇人民政府 / 关于2024年法治政府建设情况的报告
            candidates.append(start)
            last_start = index
            top_seen = 0
            restart = None
            continue
        part = _TOP_PART.match(folded)
        if part is None:
            continue
        value = _NUMERALS.get(part.group(1), 0)
        if value == 1 and top_seen >= 2:
            # Tentative: a sub-list numbered 一、二、 inside a part restarts the numbering too.
            restart = _opening_before(folded_lines, index, last_start)
            last_start = index
            top_seen = 1
        elif value == top_seen + 1:
            top_seen = value
            if restart is not None and value >= 2 and _LATER_PART.search(folded):
                candidates.append(restart)  # confirmed: the new run has its 存在问题/计划 part
                restart = None

    offsets.append(position)  # the end of the text, for the last line's end

    def characters(begin: int, end: int | None = None) -> int:
        return offsets[len(lines) if end is None else end] - offsets[begin]

    first_text = next((index for index, line in enumerate(lines) if line.strip()), 0)
    starts = [first_text]
    for candidate in sorted(set(candidates)):
        if characters(starts[-1], candidate) >= MIN_REPORT_CHARS:
            starts.append(candidate)
    if len(starts) >= 2 and characters(starts[-1]) < MIN_REPORT_CHARS:
        starts.pop()
    found = tuple(
        ReportStart(line=start + 1, offset=offsets[start], title=lines[start].strip())
        for start in starts
    )
    return Detection(is_report=is_report, reason=reason, starts=found)


def _opening_before(folded_lines: list[str], index: int, floor: int) -> int:
    """Where a report without a title begins: the opening paragraph just before its 一、."""
    for back in range(index - 1, max(floor, index - 4), -1):
        line = folded_lines[back]
        if not line:
            continue
        if _OPENING.match(line):
            return back
        # An unnumbered paragraph right before 一、 is the new report's opening; a numbered
        # one is the last item of the report before it.
        return (
            index if _MARKER.match(line) or re.match(r"^[一二三四五六七八九十]是", line) else back
        )
    return index


def split_reports(text: str) -> list[str]:
    """``text`` cut where ``detect_reports`` found reports to start (one part per report)."""
    starts = [start.offset for start in detect_reports(text).starts]
    if len(starts) <= 1:
        return [text]
    bounds = [*starts[1:], len(text)]
    parts = [text[: bounds[0]]]
    parts += [text[start:end] for start, end in zip(starts[1:], bounds[1:], strict=True)]
    return [part.strip("\n") + "\n" for part in parts]
