"""Human-readable views of results: a one-page Markdown summary and a section outline.

Every piece of text that comes from a report (or from a model reading it) is escaped before
it goes into Markdown, so that ``<script>``, HTML tags, ``**``, ``[…](…)`` or a leading ``#``
in a report show as written instead of changing the page.
"""

from __future__ import annotations

import html
import re

from rulelaw_llm.categories import label_of
from rulelaw_llm.reading.document import Report
from rulelaw_llm.schema import Indicator, ReportSummary

__all__ = ["SECTION_LABELS", "escape_markdown", "outline", "outline_data", "to_markdown"]

#: The Chinese name of each kind of section (``Section.kind``).
SECTION_LABELS = {
    "preamble": "导语",
    "achievements": "主要举措和成效",
    "responsibility": "第一责任人履职",
    "problems": "存在的问题",
    "causes": "原因",
    "plans": "下一年度安排",
    "other": "其他",
}


def _number(indicator: Indicator) -> str:
    value = indicator.value
    text = f"{int(value):,}" if value == int(value) else f"{value:,}"
    return f"{'约' if indicator.approx else ''}{text} {indicator.unit}"


#: ASCII characters that open or close Markdown inline markup anywhere in a line.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]|~])")
#: What makes a line a heading, quote, list item, rule or setext underline when it starts it.
_BLOCK_START = re.compile(r"^(\s*)([#+\-=]|\d+(?=[.)]))")


def escape_markdown(text: str) -> str:
    """``text`` as literal Markdown on one line: no HTML, no inline or block markup.

    ``<``, ``>`` and ``&`` become HTML entities; ``\\ ` * _ [ ] | ~`` are backslash-escaped;
    a ``#``, ``+``, ``-``, ``=`` or ``1.`` at the start is escaped too; line breaks
    become spaces.
    """
    text = re.sub(r"\s*\n\s*", " ", text)
    text = html.escape(_INLINE_MARKUP.sub(r"\\\1", text), quote=False)
    match = _BLOCK_START.match(text)
    if match is None:
        return text
    marker = match.group(2)
    if marker.isdigit():  # "1." starts an ordered list: the escape goes on its "." or ")"
        return f"{text[: match.end()]}\\{text[match.end() :]}"
    return f"{match.group(1)}\\{text[match.start(2) :]}"


def _cell(text: str) -> str:
    return escape_markdown(text)


_SOURCE_LABELS = {"achievement": "成效", "indicator": "数字指标", "problem": "问题", "plan": "计划"}


def _digest(summary: ReportSummary) -> list[str]:
    """The digest with a footnote per claim naming its sources and their spans (schema 1.3)."""
    claims = summary.digest_claims
    if not claims:
        return [escape_markdown(summary.digest)]
    text = summary.digest
    pieces: list[str] = []
    position = 0
    for number, claim in enumerate(claims, 1):
        pieces.append(escape_markdown(text[position : claim.start]))
        pieces.append(f"{escape_markdown(claim.text)}[^{number}]")
        position = claim.end
    pieces.append(escape_markdown(text[position:]))
    notes = [""]
    for number, claim in enumerate(claims, 1):
        who = "模型撰写，已核对" if claim.origin == "model" else "模板"
        sources = "；".join(
            f"{_SOURCE_LABELS[source.kind]} #{source.index + 1}〔{source.start}–{source.end}〕"
            f"{escape_markdown(source.quote)}"
            for source in claim.sources
        )
        notes.append(f"[^{number}]: （{who}）{sources or '报告的单位和年度'}")
    return ["".join(pieces), *notes]


def to_markdown(summary: ReportSummary) -> str:
    """A readable one-page view of a summary, with evidence positions in brackets."""
    who = escape_markdown(summary.entity) if summary.entity else "（未识别单位）"
    title = escape_markdown(summary.title) if summary.title else who
    lines = [f"# {title}", ""]
    meta = [f"单位：{who}"]
    if summary.parent_entity:
        meta.append(f"上级：{escape_markdown(summary.parent_entity)}")
    if summary.level:
        meta.append(f"层级：{escape_markdown(summary.level)}")
    if summary.year:
        meta.append(f"年度：{summary.year}")
    backend = summary.provenance.backend
    model = f"（{escape_markdown(summary.provenance.model)}）" if summary.provenance.model else ""
    meta.append(f"来源：{'规则' if backend == 'rules' else '大模型'}{model}")
    lines += [" · ".join(meta), "", "## 摘要", "", *_digest(summary), ""]
    if summary.achievements:
        lines += ["## 主要举措和成效", ""]
        lines += [
            f"- **{label_of(item.category)}** {escape_markdown(item.summary)} "
            f"〔{item.evidence.start}–{item.evidence.end}〕"
            for item in summary.achievements
        ]
        lines.append("")
    if summary.indicators:
        lines += [
            "## 数字指标",
            "",
            "| 指标 | 数值 | 时期 | 类别 | 原文 |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {_cell(item.name)} | {_number(item)} | {_cell(item.period or '')} | "
            f"{label_of(item.category)} | {_cell(item.evidence.quote)} |"
            for item in summary.indicators
        ]
        lines.append("")
    if summary.problems:
        lines += ["## 存在的问题", ""]
        for problem in summary.problems:
            lines.append(f"- **{label_of(problem.category)}** {escape_markdown(problem.summary)}")
            if problem.cause:
                lines.append(f"  - 原因：{escape_markdown(problem.cause)}")
        lines.append("")
    if summary.plans:
        lines += ["## 下一年度安排", ""]
        lines += [
            f"- **{label_of(plan.category)}** {escape_markdown(plan.summary)}"
            for plan in summary.plans
        ]
        lines.append("")
    if summary.warnings:
        lines += (
            ["## 提示", ""]
            + [f"- {escape_markdown(warning)}" for warning in summary.warnings]
            + [""]
        )
    if summary.rejected:
        lines += ["## 未通过校验的条目", ""]
        lines += [f"- [{item.kind}] {escape_markdown(item.reason)}" for item in summary.rejected]
        lines.append("")
    return "\n".join(lines)


def outline(report: Report) -> str:
    """How a report was split: each section's kind, heading, span and items."""
    lines = [
        f"标题：{report.title or '（未识别）'}",
        f"单位：{report.entity or '（未识别）'}"
        + (f"（上级：{report.parent_entity}）" if report.parent_entity else "")
        + f"  层级：{report.level or '—'}  年度：{report.year or '—'}",
    ]
    if report.published or report.metadata:
        lines.append(
            f"发布：{report.published or '—'}  元数据："
            + ("；".join(f"{key}：{value}" for key, value in report.metadata.items()) or "—")
        )
    lines += [f"提示：{warning}" for warning in report.warnings]
    lines.append("")
    for section in report.sections:
        heading = section.heading or "（无标题）"
        lines.append(
            f"[{SECTION_LABELS[section.kind]}] {heading}  〔{section.start}–{section.end}〕"
            f"  {len(section.items)} 条"
        )
        for item in section.items:
            preview = item.text.replace("\n", " ")
            preview = preview if len(preview) <= 40 else preview[:40] + "…"
            lines.append(f"    {item.start:>6}–{item.end:<6} {preview}")
    return "\n".join(lines)


def outline_data(report: Report) -> dict[str, object]:
    """What ``rulelaw-llm sections --json`` prints: metadata, sections and items with spans."""
    return {
        "title": report.title,
        "entity": report.entity,
        "parent_entity": report.parent_entity,
        "level": report.level,
        "year": report.year,
        "published": report.published.isoformat() if report.published else None,
        "metadata": report.metadata,
        "warnings": list(report.warnings),
        "sections": [
            {
                "kind": section.kind,
                "heading": section.heading,
                "start": section.start,
                "end": section.end,
                "items": [
                    {
                        "marker": item.marker,
                        "title": item.title,
                        "start": item.start,
                        "end": item.end,
                    }
                    for item in section.items
                ],
            }
            for section in report.sections
        ],
    }
