"""MkDocs hook: the reference pages are written from the code, so they cannot drift from it.

A page holds a marker comment where a generated part goes:

    <!-- generated: cli -->         every subcommand, from the argparse parsers of rulelaw_llm.cli
    <!-- generated: exit-codes -->  rulelaw_llm.cli.EXIT_CODES
    <!-- generated: schema -->      the result schema (``rulelaw-llm schema``), field by field
    <!-- generated: categories -->  the categories, section kinds, item kinds and finding codes
    <!-- generated: tables -->      the exported tables and their columns
    <!-- generated: prompts -->     the prompt files

``tests/test_docs.py`` builds the site with ``mkdocs build --strict`` and checks what these
functions write (every subcommand and option is in the CLI reference).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

_MARKER = re.compile(r"<!-- generated: ([a-z-]+) -->")


def _cell(text: object) -> str:
    """Text for one Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    from rulelaw_llm.cli import _parser

    for action in _parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _invocation(action: argparse.Action) -> str:
    if not action.option_strings:
        return str(action.metavar or action.dest)
    names = "、".join(f"`{name}`" for name in action.option_strings)
    if action.nargs == 0:
        return names
    value = action.metavar or (action.dest.upper() if not action.choices else None)
    return f"{names} {value}" if value else names


def _detail(action: argparse.Action) -> str:
    parts = []
    if action.choices:
        parts.append("可选：" + "、".join(f"`{choice}`" for choice in action.choices))
    if action.nargs in ("+", "*"):
        parts.append("可给多个")
    if action.required:
        parts.append("必需")
    default = action.default
    if default not in (None, False, argparse.SUPPRESS) and action.nargs != 0:
        parts.append(f"默认 `{default}`")
    return "；".join(parts)


def cli_reference() -> str:
    """Every subcommand: its description, usage and arguments, from the parsers themselves."""
    lines: list[str] = []
    for name, parser in _subcommands().items():
        lines += [f"## {name}", "", parser.description or "", ""]
        lines += ["```text", parser.format_usage().strip(), "```", ""]
        rows = [
            action
            for action in parser._actions
            if action.help != argparse.SUPPRESS and "--help" not in action.option_strings
        ]
        if rows:
            lines += ["| 参数 | 说明 | 取值 |", "|---|---|---|"]
            lines += [
                f"| {_cell(_invocation(a))} | {_cell(a.help or '')} | {_cell(_detail(a))} |"
                for a in rows
            ]
            lines.append("")
    return "\n".join(lines)


def exit_codes() -> str:
    from rulelaw_llm.cli import EXIT_CODES

    rows = [f"| `{code}` | {_cell(meaning)} |" for code, meaning in EXIT_CODES.items()]
    return "\n".join(["| 退出状态 | 含义 |", "|---|---|", *rows, ""])


def _type(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in spec:
        return " 或 ".join(_type(option) for option in spec["anyOf"])
    if "enum" in spec:
        return "、".join(f"`{value}`" for value in spec["enum"])
    if "const" in spec:
        return f"`{spec['const']}`"
    if spec.get("type") == "array":
        return f"{_type(spec.get('items', {}))} 的列表"
    if spec.get("type") == "object" and "additionalProperties" in spec:
        values = spec["additionalProperties"]
        return f"键 → {_type(values) if isinstance(values, dict) else '任意'}"
    return f"`{spec.get('type', '任意')}`"


def _model_table(name: str, spec: dict[str, Any]) -> Iterator[str]:
    yield f"### {name}"
    yield ""
    if spec.get("description"):
        yield str(spec["description"]).strip()
        yield ""
    required = set(spec.get("required", []))
    yield "| 字段 | 类型 | 必需 | 说明 |"
    yield "|---|---|---|---|"
    for field, detail in spec.get("properties", {}).items():
        default = (
            f"（默认 `{json.dumps(detail['default'], ensure_ascii=False)}`）"
            if ("default" in detail)
            else ""
        )
        yield (
            f"| `{field}` | {_cell(_type(detail))} | {'是' if field in required else '否'} | "
            f"{_cell(detail.get('description', ''))}{_cell(default)} |"
        )
    yield ""


def schema() -> str:
    """The result schema: one table per model, then the JSON Schema itself."""
    from rulelaw_llm.schema import SCHEMA_VERSION, ReportSummary

    full = ReportSummary.model_json_schema()
    lines = [f"结果结构版本 **{SCHEMA_VERSION}**。", ""]
    lines += list(_model_table("ReportSummary", full))
    for name, spec in sorted(full.get("$defs", {}).items()):
        if spec.get("type") == "object":
            lines += list(_model_table(name, spec))
        else:  # a named value type (a closed set, a JSON value): its heading is linked to
            lines += [f"### {name}", "", str(spec.get("description", "")).strip(), ""]
            lines += [f"类型：{_type({k: v for k, v in spec.items() if k != 'description'})}", ""]
    text = json.dumps(full, ensure_ascii=False, indent=2)
    lines += ['??? note "完整的 JSON Schema（`rulelaw-llm schema` 的输出）"', ""]
    lines += ["    ```json", *("    " + line for line in text.splitlines()), "    ```", ""]
    return "\n".join(lines)


def categories() -> str:
    """The closed sets a result's fields take their values from."""
    from rulelaw_llm.auditing.audit import CODE_LABELS, SEVERITY_LABELS, TOPICS
    from rulelaw_llm.categories import CATEGORIES
    from rulelaw_llm.corpus.render import SECTION_LABELS
    from rulelaw_llm.corpus.review_data import KIND_LABELS

    def table(header: tuple[str, str], rows: dict[str, str]) -> list[str]:
        return [
            f"| {header[0]} | {header[1]} |",
            "|---|---|",
            *(f"| `{key}` | {_cell(label)} |" for key, label in rows.items()),
            "",
        ]

    lines = ["## 类别（`category`）", ""]
    lines += ["成效、指标、问题和计划的类别键（`rulelaw_llm.CATEGORIES`）：", ""]
    lines += table(("键", "中文名"), dict(CATEGORIES))
    lines += ["## 报告的部分（`Section.kind`）", ""]
    lines += table(("键", "中文名"), dict(SECTION_LABELS))
    lines += ["## 条目的种类", ""]
    lines += ["审阅页、评估和导出中条目的种类：", ""]
    lines += table(("键", "中文名"), {str(k): v for k, v in KIND_LABELS.items()})
    lines += ["## 指标的来源（`Indicator.origin`）", ""]
    lines += table(
        ("键", "含义"),
        {"prepass": "确定性预处理找到的数字（数值、单位、位置都来自规则）", "llm": "模型补充"},
    )
    lines += ["## 审核发现的代码（`Finding.code`）", ""]
    lines += ["每项检查的依据、判断方法和权重见[审核规则](audit-rules.md)。", ""]
    lines += table(("代码", "检查"), {str(k): v for k, v in CODE_LABELS.items()})
    lines += ["## 严重程度（`Finding.severity`）", ""]
    lines += table(("键", "中文名"), {str(k): v for k, v in SEVERITY_LABELS.items()})
    lines += ["## 审核的主题（`topic_gap`）", ""]
    lines += table(("键", "主题"), {key: topic[0] for key, topic in TOPICS.items()})
    return "\n".join(lines)


def tables() -> str:
    """The tables ``rulelaw-llm export`` writes and ``to_frames`` returns, column by column."""
    from rulelaw_llm.corpus.export import TABLES

    lines: list[str] = []
    for name, columns in TABLES.items():
        lines += [f"### {name}", "", "| 列 | 类型 |", "|---|---|"]
        lines += [f"| `{column.name}` | `{column.kind}` |" for column in columns]
        lines.append("")
    return "\n".join(lines)


def prompts() -> str:
    """The prompt files of ``prompts/``, each with its first line."""
    folder = Path(__file__).resolve().parents[1] / "prompts"
    rows = []
    for path in sorted(folder.glob("*.md")):
        first = next((line for line in path.read_text("utf-8").splitlines() if line.strip()), "")
        rows.append(f"| `{path.name}` | {_cell(first.strip()[:60])} |")
    return "\n".join(["| 文件 | 开头 |", "|---|---|", *rows, ""])


GENERATORS: dict[str, Callable[[], str]] = {
    "cli": cli_reference,
    "exit-codes": exit_codes,
    "schema": schema,
    "categories": categories,
    "tables": tables,
    "prompts": prompts,
}


def on_page_markdown(markdown: str, **_: object) -> str:
    """Replace every ``<!-- generated: NAME -->`` marker with what its generator writes."""

    def generate(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in GENERATORS:
            raise KeyError(f"docs/hooks.py 没有名为 {name} 的生成器")
        return GENERATORS[name]()

    return _MARKER.sub(generate, markdown)
