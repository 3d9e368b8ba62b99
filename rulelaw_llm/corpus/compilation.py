"""``rulelaw-llm compile``: a compiled summary (汇总) of many reports, for the office above them.

``compile_results(results)`` builds a ``Compilation`` from results files — the rules' results
are enough, no model is needed — and ``compilation_to_markdown`` / ``write_docx`` render it:

* per category (in the order of the national outline): how many reports describe work of
  that kind and the strongest examples (the achievements with most figures in them), with
  report and quote; for each kind of that category, "N 份报告中 M 份提及", the total (for a
  rate: the range and median — rates are not added up) and the report that states the most;
* the problems that recur across reports, grouped by category, with counts and examples;
* next year's plans, grouped the same way;
* the figures to check (the outliers of ``auditing.comparison``).

**Every figure is recomputed from the results by code and footnoted to what it sums**: a
total of a kind lists each report's indicator (value in the base unit, the quote and its
span in that report's text), a count of reports lists each item counted. A test checks that
each footnoted total equals the sum of the figures it cites.

Model-written connecting sentences are left out: they would need the digest's claim checks
(not part of the library yet); every sentence here is a template filled with recomputed
figures and quotes.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rulelaw_llm.auditing.comparison import KindRow, find_outliers, kind_rows, level_tier, median
from rulelaw_llm.categories import CATEGORIES
from rulelaw_llm.corpus.compare import ResultsSource, read_many
from rulelaw_llm.corpus.render import escape_markdown
from rulelaw_llm.errors import ConfigurationError
from rulelaw_llm.kinds import KINDS
from rulelaw_llm.results import ResultRecord
from rulelaw_llm.schema import Achievement, Evidence, Plan, Problem, ReportSummary

__all__ = [
    "Citation",
    "Compilation",
    "Figure",
    "compilation_to_markdown",
    "compile_results",
    "write_compilation",
    "write_docx",
]

#: Examples shown per category (achievements, problems, plans).
EXAMPLES = 3
Part = Literal["indicator", "achievement", "problem", "plan"]


@dataclass(frozen=True, slots=True)
class Citation:
    """One thing a figure counts or sums: a report's indicator or item, and its words."""

    input: str
    entity: str | None
    part: Part
    index: int
    """Its index in the summary's list of that part (from 0)."""
    value: float
    """What it adds to the figure: the indicator's value in the base unit; 1 for an item."""
    evidence: Evidence


@dataclass(slots=True)
class Figure:
    """A number in the compilation and everything it is computed from (its footnote)."""

    number: int
    """Its footnote number."""
    label: str
    value: float
    unit: str
    aggregate: Aggregate
    citations: list[Citation]

    def recomputed(self) -> float:
        """The figure computed again from its citations (a mean, a sum or a count)."""
        values = [citation.value for citation in self.citations]
        if self.aggregate == "mean":
            return sum(values) / len(values)
        return float(len(values)) if self.aggregate == "count" else sum(values)


@dataclass(slots=True)
class KindLine:
    kind: str
    reports: int
    figure: Figure
    """The total (a rate: the mean of the reports' rates)."""
    low: float
    middle: float
    high: float
    most: Citation
    """The report that states the most (its first indicator)."""
    most_value: float
    most_count: int
    """How many indicators the most's figure sums (its quote is shown when one)."""


@dataclass(slots=True)
class Example:
    entity: str | None
    input: str
    summary: str
    evidence: Evidence
    figures: list[tuple[str, Evidence]] = field(default_factory=list)
    """(name and raw value, evidence) of the indicators in the item."""


@dataclass(slots=True)
class Group:
    """Items of one category (achievements, problems or plans) across reports."""

    category: str
    figure: Figure
    """The number of items (each cited)."""
    reports: int
    examples: list[Example]


@dataclass(slots=True)
class Compilation:
    """The compiled summary, ready to render."""

    title: str
    reports: int
    tiers: dict[str, int]
    years: list[int]
    entities: list[str]
    achievements: list[tuple[Group | None, list[KindLine]]]
    problems: list[Group]
    plans: list[Group]
    outliers: list[tuple[ResultRecord, str, list[Evidence]]]
    figures: list[Figure] = field(default_factory=list)


# --------------------------------------------------------------------------- building


Aggregate = Literal["sum", "mean", "count"]


@dataclass(slots=True)
class _Notes:
    """The figures of a compilation, numbered in the order they are made."""

    figures: list[Figure] = field(default_factory=list)

    def add(
        self, label: str, value: float, unit: str, aggregate: Aggregate, cited: list[Citation]
    ) -> Figure:
        made = Figure(len(self.figures) + 1, label, value, unit, aggregate, cited)
        self.figures.append(made)
        return made


def compile_results(
    sources: ResultsSource | Sequence[ResultsSource], *, title: str | None = None
) -> Compilation:
    """Build the compiled summary of the reports of one or more results files.

    Raises ``InputError`` if a file cannot be read or holds no result.
    """
    records, _, _ = read_many(sources)
    rows = [kind_rows(record.summary) for record in records]
    notes = _Notes()

    tiers: dict[str, int] = defaultdict(int)
    for record in records:
        tiers[level_tier(record.summary.level)] += 1
    years = sorted({record.summary.year for record in records if record.summary.year})
    lines = _kind_lines(records, rows, notes)
    achievements = []
    for category in CATEGORIES:
        group = _group(records, "achievement", category, notes)
        kinds = [line for line in lines if KINDS[line.kind].category == category]
        if group is not None or kinds:
            achievements.append((group, kinds))
    problems = [g for c in CATEGORIES if (g := _group(records, "problem", c, notes))]
    plans = [g for c in CATEGORIES if (g := _group(records, "plan", c, notes))]
    problems.sort(key=lambda group: -group.reports)
    plans.sort(key=lambda group: -group.reports)
    outliers = [
        (record, outlier.message, list(outlier.evidence))
        for record, found in zip(
            records, find_outliers([r.summary for r in records], rows=rows), strict=True
        )
        for outlier in found
    ]
    # Footnotes are numbered in the order the text refers to them.
    order = [
        *(
            figure
            for group, kinds in achievements
            for figure in ([group.figure] if group else []) + [line.figure for line in kinds]
        ),
        *(group.figure for group in problems),
        *(group.figure for group in plans),
    ]
    for number, made in enumerate(order, start=1):
        made.number = number
    return Compilation(
        title=title or "法治政府建设年度报告汇总",
        reports=len(records),
        tiers=dict(tiers),
        years=years,
        entities=[record.summary.entity or Path(record.input).name for record in records],
        achievements=achievements,
        problems=problems,
        plans=plans,
        outliers=outliers,
        figures=order,
    )


def _kind_lines(
    records: Sequence[ResultRecord], rows: Sequence[Sequence[KindRow]], notes: _Notes
) -> list[KindLine]:
    by_kind: dict[str, list[tuple[ResultRecord, KindRow]]] = defaultdict(list)
    for record, report_rows in zip(records, rows, strict=True):
        for row in report_rows:
            by_kind[row.kind].append((record, row))
    lines = []
    for key in KINDS:
        members = by_kind.get(key)
        if not members:
            continue
        first = members[0][1]
        cited = [
            Citation(
                record.input,
                record.summary.entity,
                "indicator",
                item.index,
                item.value,
                item.evidence,
            )
            for record, row in members
            for item in row.counted
        ]
        values = [row.value for _, row in members]
        if first.aggregate == "mean":
            # The rate of each indicator, averaged over them all (as each report's row is).
            total = sum(c.value for c in cited) / len(cited)
        else:
            total = sum(c.value for c in cited)
        made = notes.add(KINDS[key].label, total, first.unit, first.aggregate, cited)
        best_record, best_row = max(members, key=lambda member: member[1].value)
        item = best_row.counted[0]
        most_count = len(best_row.counted)
        lines.append(
            KindLine(
                kind=key,
                reports=len(members),
                figure=made,
                low=min(values),
                middle=median(values),
                high=max(values),
                most=Citation(
                    best_record.input,
                    best_record.summary.entity,
                    "indicator",
                    item.index,
                    item.value,
                    item.evidence,
                ),
                most_value=best_row.value,
                most_count=most_count,
            )
        )
    return lines


def _items(summary: ReportSummary, part: Part) -> Sequence[Achievement | Problem | Plan]:
    if part == "achievement":
        return summary.achievements
    return summary.problems if part == "problem" else summary.plans


def _figures_in(summary: ReportSummary) -> dict[int, list[int]]:
    """Achievement index -> the indicators standing in its item (between its start and the
    next item's)."""
    starts = sorted((a.evidence.start, index) for index, a in enumerate(summary.achievements))
    later = [p.evidence.start for p in summary.problems] + [p.evidence.start for p in summary.plans]
    ends = [start for start, _ in starts[1:]] + [min(later or [10**9])]
    inside: dict[int, list[int]] = defaultdict(list)
    for number, indicator in enumerate(summary.indicators):
        for (start, index), end in zip(starts, ends, strict=True):
            if start <= indicator.evidence.start < end:
                inside[index].append(number)
                break
    return inside


def _group(
    records: Sequence[ResultRecord], part: Part, category: str, notes: _Notes
) -> Group | None:
    cited: list[Citation] = []
    candidates: list[tuple[int, Example]] = []
    reports = 0
    for record in records:
        summary = record.summary
        items = [
            (i, item) for i, item in enumerate(_items(summary, part)) if item.category == category
        ]
        if not items:
            continue
        reports += 1
        inside = _figures_in(summary) if part == "achievement" else {}
        for index, item in items:
            cited.append(Citation(record.input, summary.entity, part, index, 1.0, item.evidence))
            numbers = inside.get(index, [])
            example = Example(
                summary.entity,
                record.input,
                item.summary,
                item.evidence,
                [
                    (
                        f"{summary.indicators[n].name}{_raw(summary, n)}",
                        summary.indicators[n].evidence,
                    )
                    for n in numbers[:2]
                ],
            )
            candidates.append((len(numbers), example))
    if not cited:
        return None
    # The strongest examples: the items with most figures, one per report.
    candidates.sort(key=lambda pair: -pair[0])
    examples: list[Example] = []
    seen: set[str] = set()
    for _, example in candidates:
        if example.input not in seen:
            seen.add(example.input)
            examples.append(example)
        if len(examples) == EXAMPLES:
            break
    made = notes.add(f"{CATEGORIES[category]}条目", float(len(cited)), "条", "count", cited)
    return Group(category, made, reports, examples)


def _raw(summary: ReportSummary, index: int) -> str:
    indicator = summary.indicators[index]
    return f"{_number(indicator.value)}{indicator.unit}{'（约）' if indicator.approx else ''}"


# --------------------------------------------------------------------------- Markdown


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def _who(entity: str | None, input_path: str) -> str:
    return escape_markdown(entity or Path(input_path).name)


def _quote(evidence: Evidence) -> str:
    return f"“{escape_markdown(evidence.quote)}”"


def _note(figure: Figure) -> str:
    where = "；".join(
        f"{_who(c.entity, c.input)}"
        + (f" {_number(c.value)}" if figure.aggregate != "count" else "")
        + f"（{escape_markdown(Path(c.input).name)} 第 {c.evidence.start}–{c.evidence.end} 字：{_quote(c.evidence)}）"
        for c in figure.citations
    )
    if figure.aggregate == "count":
        return f"[^{figure.number}]: {figure.label}共 {_number(figure.value)} 条：{where}。"
    terms = " + ".join(_number(citation.value) for citation in figure.citations)
    if figure.aggregate == "mean":
        equation = (
            f"平均 {_number(figure.value)}{figure.unit} = ({terms}) / {len(figure.citations)}"
        )
    else:
        equation = f"合计 {_number(figure.value)}{figure.unit} = {terms}"
    return (
        f"[^{figure.number}]: {figure.label}{equation}"
        f"（{len(figure.citations)} 个指标，单位已换算为{figure.unit}）：{where}。"
    )


def _kind_sentence(line: KindLine, reports: int) -> str:
    label, unit = line.figure.label, line.figure.unit
    mention = f"{reports} 份报告中 {line.reports} 份提及"
    note = f"[^{line.figure.number}]"
    who = _who(line.most.entity, line.most.input)
    if line.figure.aggregate == "mean":
        if line.reports == 1:
            return f"- **{label}**：{mention}：{who} {_number(line.figure.value)}{unit}{note}。"
        return (
            f"- **{label}**：{mention}，介于 {_number(line.low)}{unit}–{_number(line.high)}{unit}，"
            f"中位数 {_number(line.middle)}{unit}，平均 {_number(line.figure.value)}{unit}{note}。"
        )
    words = _quote(line.most.evidence) if line.most_count == 1 else f"{line.most_count} 个数字之和"
    if line.reports == 1:
        return (
            f"- **{label}**：{mention}：{who} {_number(line.figure.value)}{unit}{note}（{words}）。"
        )
    return (
        f"- **{label}**：{mention}，合计 {_number(line.figure.value)}{unit}{note}"
        f"（每份 {_number(line.low)}–{_number(line.high)}{unit}，中位数 {_number(line.middle)}{unit}）；"
        f"最多的是{who}（{_number(line.most_value)}{unit}，{words}）。"
    )


def _examples(group: Group) -> list[str]:
    lines = []
    for example in group.examples:
        figures = "；".join(
            f"{escape_markdown(name)}（{_quote(e)}）" for name, e in example.figures
        )
        lines.append(
            f"  - {_who(example.entity, example.input)}：{_quote(example.evidence)}"
            + (f"——{figures}" if figures else "")
        )
    return lines


def compilation_to_markdown(compilation: Compilation) -> str:
    """The compiled summary as Markdown, every figure footnoted."""
    c = compilation
    tiers = "、".join(
        f"{tier} {count} 份" for tier, count in sorted(c.tiers.items(), key=lambda kv: -kv[1])
    )
    years = "、".join(str(year) for year in c.years) or "年度不明"
    names = "、".join(escape_markdown(name) for name in c.entities[:30])
    more = f"等 {len(c.entities)} 个单位" if len(c.entities) > 30 else ""
    out = [
        f"# {escape_markdown(c.title)}",
        "",
        f"本汇总依据 {c.reports} 份报告（{years} 年度；{tiers}）的结构化结果，由程序逐项重新计算；"
        "每个数字都以脚注注明它来自哪些报告的哪些原文（报告文件与字符位置）。",
        "",
        f"报告单位：{names}{more}。",
        "",
        "## 一、主要举措和成效",
        "",
    ]
    for number, (group, kinds) in enumerate(c.achievements, start=1):
        category = group.category if group else KINDS[kinds[0].kind].category
        out.append(f"### （{_chinese(number)}）{CATEGORIES[category]}")
        out.append("")
        if group is not None:
            out.append(
                f"{c.reports} 份报告中 {group.reports} 份写有这方面的举措，共 "
                f"{_number(group.figure.value)} 条[^{group.figure.number}]。典型做法："
            )
            out += _examples(group)
            out.append("")
        out += [_kind_sentence(line, c.reports) for line in kinds]
        if kinds:
            out.append("")
    for heading, groups, what in (
        ("## 二、存在的问题（按类别归并，涉及报告多的在前）", c.problems, "问题"),
        ("## 三、下一年度工作安排（按类别归并）", c.plans, "安排"),
    ):
        out += [heading, ""]
        if not groups:
            out += [f"各报告的结果中没有{what}条目。", ""]
        for group in groups:
            out.append(
                f"- **{CATEGORIES[group.category]}**：{group.reports} 份报告，{_number(group.figure.value)} 条"
                f"[^{group.figure.number}]。例如："
            )
            out += _examples(group)
        out.append("")
    out += ["## 四、需要核对的数据", ""]
    if not c.outliers:
        out.append(
            "没有发现需要核对的数据（比率超过 100%、数值为同层级中位数的十倍以上、比率写成件数）。"
        )
    for record, message, evidence in c.outliers:
        where = "；".join(f"第 {e.start}–{e.end} 字" for e in evidence)
        out.append(
            f"- {_who(record.summary.entity, record.input)}（{escape_markdown(Path(record.input).name)}，{where}）：{escape_markdown(message)}"
        )
    out += ["", "---", "", *(_note(figure) for figure in c.figures), ""]
    return "\n".join(out)


def _chinese(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


# --------------------------------------------------------------------------- files


def write_docx(compilation: Compilation, output: str | os.PathLike[str]) -> Path:
    """Write the compiled summary as a Word document (the ``docx`` extra); footnotes become
    numbered notes at the end."""
    try:
        import docx
    except ImportError as error:
        raise ConfigurationError(
            '写出 .docx 需要 python-docx：请运行 pip install "rulelaw-llm[docx]"。'
        ) from error
    document = docx.Document()
    # Styles looked up once: python-docx resolves a style name on every paragraph otherwise.
    bullet, nested = document.styles["List Bullet"], document.styles["List Bullet 2"]
    for line in compilation_to_markdown(compilation).splitlines():
        plain = _unescape(line)
        if line.startswith("# "):
            document.add_heading(plain[2:], level=0)
        elif line.startswith("## "):
            document.add_heading(plain[3:], level=1)
        elif line.startswith("### "):
            document.add_heading(plain[4:], level=2)
        elif line == "---":
            document.add_heading("注释", level=1)
        elif line.startswith("  - "):
            document.add_paragraph(plain[4:], style=nested)
        elif line.startswith("- "):
            document.add_paragraph(plain[2:], style=bullet)
        elif line.strip():
            document.add_paragraph(plain)
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _unescape(line: str) -> str:
    """Markdown markup back to plain text for Word: **bold**, escapes, ``[^n]`` as ``[n]``."""
    import html
    import re

    text = re.sub(r"\[\^(\d+)\]:", r"[\1]", line)
    text = re.sub(r"\[\^(\d+)\]", r"[\1]", text)
    text = text.replace("**", "")
    text = re.sub(r"\\([\\`*_\[\]|~#+\-=.)])", r"\1", text)
    return html.unescape(text)


def write_compilation(
    sources: ResultsSource | Sequence[ResultsSource],
    output: str | os.PathLike[str],
    *,
    title: str | None = None,
) -> Path:
    """Compile ``sources`` into ``output``: ``.docx`` as a Word document, anything else Markdown."""
    compilation = compile_results(sources, title=title)
    path = Path(output)
    if path.suffix.lower() == ".docx":
        return write_docx(compilation, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(compilation_to_markdown(compilation), encoding="utf-8")
    return path
