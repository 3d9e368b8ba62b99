"""Audits for people: a terminal table an office can act on, and Markdown.

The overview lists the reports from the lowest score up, with what each must fix in a few
words; below it every report's findings, worst first, each with its proof (the quote, or
what was looked for) so that a reader can check it against the report.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath

from rich.table import Table

from rulelaw_llm.auditing.audit import (
    CODE_LABELS,
    PART_SHORT_LABELS,
    SEVERITY_LABELS,
    Audit,
    Finding,
    FindingCode,
)
from rulelaw_llm.console import render

__all__ = ["audits_to_json", "audits_to_markdown", "audits_to_table", "to_do"]

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_MARKS = {"error": "✗", "warning": "!", "info": "·"}
_QUOTE_CHARS = 60


def _name(audit: Audit) -> str:
    return audit.entity or audit.input


def _names(audits: Sequence[Audit]) -> dict[int, str]:
    """What each audit is called: its issuer, with its file when another report has that name."""
    counts = Counter(_name(audit) for audit in audits)
    files = Counter((_name(audit), _file(audit.input)) for audit in audits)
    names: dict[int, str] = {}
    for audit in audits:
        name = _name(audit)
        if counts[name] == 1 or name == audit.input:
            names[id(audit)] = name
        elif files[(name, _file(audit.input))] == 1:
            names[id(audit)] = f"{name}（{_file(audit.input)}）"
        else:
            names[id(audit)] = f"{name}（{audit.input}）"
    return names


def _file(path: str) -> str:
    return PurePath(path.replace("\\", "/")).name


def _ordered(audits: Sequence[Audit]) -> list[Audit]:
    return sorted(audits, key=lambda audit: (audit.score.value, _name(audit)))


def _findings(audit: Audit) -> list[Finding]:
    return sorted(audit.findings, key=lambda finding: _SEVERITY_ORDER[finding.severity])


def _count(audit: Audit, severity: str) -> int:
    return sum(1 for finding in audit.findings if finding.severity == severity)


def to_do(audit: Audit) -> str:
    """What the report must fix, in a few words (errors and warnings; info left out)."""
    pieces: list[str] = []
    missing = [
        PART_SHORT_LABELS[finding.part]
        for finding in audit.findings
        if finding.code == "missing_part" and finding.part is not None
    ]
    if missing:
        pieces.append("缺" + "、".join(missing))
    counts: Counter[FindingCode] = Counter(
        finding.code
        for finding in audit.findings
        if finding.severity != "info" and finding.code != "missing_part"
    )
    for code, count in counts.items():
        label = CODE_LABELS[code]
        pieces.append(label if count == 1 else f"{label}×{count}")
    return "；".join(pieces) or "无"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1] + "…"


def _proof(finding: Finding) -> list[str]:
    lines = [f"原文（{e.start}–{e.end}）：“{_short(e.quote)}”" for e in finding.evidence[:2]]
    if finding.other is not None:
        other = finding.other
        who = f"{other.entity or other.input}{other.year or ''}"
        if other.entity:
            who += f"（{_file(other.input)}）"
        lines.append(f"对照 {who}：“{_short(other.evidence.quote)}”")
    if finding.looked_for and not finding.evidence:
        lines.append(f"依据：{finding.looked_for}")
    if finding.judged_by == "llm":
        lines.append("（这一判断由大模型做出，请核对原文）")
    return lines


def audits_to_table(audits: Sequence[Audit], *, width: int | None = 120) -> str:
    """The terminal report: an overview table, findings per report, and totals by check.

    The table fits ``width`` columns; with ``width=None`` (a file or a pipe) it is as wide as
    its cells need, so nothing is cut. The lines below it are never wrapped.
    """
    names = _names(audits)
    overview = Table(
        title=f"法治政府建设年度报告审核（{len(audits)} 份，按得分从低到高）",
        show_lines=False,
    )
    for header, justify in (
        ("报告", "left"),
        ("年度", "right"),
        ("得分", "right"),
        ("错误", "right"),
        ("警告", "right"),
        ("提示", "right"),
        ("需要处理", "left"),
    ):
        overview.add_column(header, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for audit in _ordered(audits):
        overview.add_row(
            names[id(audit)],
            str(audit.year or "？"),
            str(audit.score.value),
            str(_count(audit, "error")),
            str(_count(audit, "warning")),
            str(_count(audit, "info")),
            to_do(audit),
        )
    lines = [render(overview, width=width).rstrip("\n")]
    for audit in _ordered(audits):
        lines.append("")
        lines.append(
            f"■ {names[id(audit)]} {audit.year or ''}  得分 {audit.score.value}  {audit.input}"
        )
        if audit.follow_up is not None:
            done = sum(1 for item in audit.follow_up if item.followed)
            lines.append(f"  上年计划 {len(audit.follow_up)} 条，本年度成效中找到落实 {done} 条。")
        if not audit.findings:
            lines.append("  未发现问题。")
        for finding in _findings(audit):
            label = SEVERITY_LABELS[finding.severity]
            lines.append(f"  {_MARKS[finding.severity]} {label} [{finding.code}] {finding.message}")
            lines += [f"      {line}" for line in _proof(finding)]
    lines += ["", _totals_line(audits)]
    return "\n".join(lines) + "\n"


def _totals_line(audits: Sequence[Audit]) -> str:
    counts = Counter(finding.code for audit in audits for finding in audit.findings)
    reports = Counter(
        code for audit in audits for code in {finding.code for finding in audit.findings}
    )
    if not counts:
        return "按检查汇总：无发现。"
    pieces = [
        f"{CODE_LABELS[code]}（{code}）{count} 条/{reports[code]} 份"
        for code, count in counts.most_common()
    ]
    return "按检查汇总：" + "；".join(pieces)


def audits_to_markdown(audits: Sequence[Audit]) -> str:
    """The same report as Markdown (for a document or an e-mail)."""
    lines = [
        f"# 法治政府建设年度报告审核（{len(audits)} 份）",
        "",
        "| 报告 | 年度 | 得分 | 错误 | 警告 | 提示 | 需要处理 |",
        "|---|---|---|---|---|---|---|",
    ]
    names = _names(audits)
    for audit in _ordered(audits):
        lines.append(
            f"| {names[id(audit)]} | {audit.year or '？'} | {audit.score.value} | "
            f"{_count(audit, 'error')} | {_count(audit, 'warning')} | {_count(audit, 'info')} | "
            f"{to_do(audit)} |"
        )
    for audit in _ordered(audits):
        lines += ["", f"## {names[id(audit)]} {audit.year or ''}（得分 {audit.score.value}）", ""]
        lines.append(f"输入：`{audit.input}`")
        lines.append("")
        if not audit.findings:
            lines.append("未发现问题。")
        for finding in _findings(audit):
            label = SEVERITY_LABELS[finding.severity]
            lines.append(f"- **{label}** `{finding.code}` {finding.message}")
            lines += [f"  - {line}" for line in _proof(finding)]
    lines += ["", _totals_line(audits), ""]
    return "\n".join(lines)


def audits_to_json(audits: Sequence[Audit]) -> str:
    """The audits as a JSON array (the contract: ``Audit.model_json_schema()``)."""
    return json.dumps(
        [audit.model_dump(mode="json") for audit in audits], ensure_ascii=False, indent=2
    )
