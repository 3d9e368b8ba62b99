"""Prompt templates: files in ``prompts/``, versioned in their names, validated on load.

Every word the model reads comes from these files: the requests, the re-ask feedback
(``feedback``), the field descriptions of the response schemas (``fields``). Only the
category table is built in code, from ``CATEGORIES``. ``prompt_sources()`` lists all of it,
so a cache key can cover every prompt.

Rendering replaces ``{{name}}`` slots in one pass and never re-reads what it inserted, so
report text (which may contain braces, ``{{`` or ``$``) arrives in the prompt verbatim: no
template engine ever sees it. A missing or unexpected value raises ``ConfigurationError``.

The limits the prompts state and the checks enforce are the constants below, passed into
the prompts, so the two cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from rulelaw_llm.errors import ConfigurationError

__all__ = [
    "CAUSE_CHARS",
    "NAME_CHARS",
    "PROMPT_FILES",
    "PROMPT_VERSION",
    "Prompt",
    "SUMMARY_CHARS",
    "category_table",
    "load_lines",
    "load_prompt",
    "prompt_sources",
]

#: The version of the prompt set; stored in every result's provenance.
PROMPT_VERSION = "v2"
#: Every prompt file of the set (``prompts/{name}.{PROMPT_VERSION}.md``).
PROMPT_FILES = (
    "system",
    "names",
    "items",
    "parts",
    "asks",
    "categories",
    "causes",
    "digest",
    "facts",
    "reask",
    "feedback",
    "fields",
    # The kinds of indicators (rulelaw_llm.llm.kind_task).
    "kinds",
    "kind_lines",
    # The audit's judgements (rulelaw_llm.auditing.tasks).
    "audit_plans",
    "audit_follow_up",
    "audit_targets",
    "audit_lines",
)

#: Longest indicator name (统计对象) the prompt asks for and the check accepts.
NAME_CHARS = 15
#: Longest item summary the prompt asks for and the check accepts.
SUMMARY_CHARS = 30
#: Longest stated cause the prompt asks for.
CAUSE_CHARS = 40

_SLOT = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True, slots=True)
class Prompt:
    """A loaded template and the slots it declares."""

    name: str
    version: str
    template: str
    slots: frozenset[str]

    def render(self, **values: str) -> str:
        """Fill every slot; report text is inserted verbatim, never re-templated."""
        missing = self.slots - values.keys()
        extra = values.keys() - self.slots
        if missing or extra:
            raise ConfigurationError(
                f"提示词 {self.name}.{self.version} 的变量不匹配："
                f"缺少 {sorted(missing)}，多余 {sorted(extra)}"
            )
        pieces: list[str] = []
        position = 0
        for match in _SLOT.finditer(self.template):
            pieces.append(self.template[position : match.start()])
            pieces.append(values[match.group(1)])
            position = match.end()
        pieces.append(self.template[position:])
        return "".join(pieces)


def _prompt_file(filename: str) -> str:
    packaged = resources.files("rulelaw_llm").joinpath("prompts").joinpath(filename)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # An editable install or a source checkout: prompts/ sits beside the package.
    source = Path(__file__).resolve().parents[2] / "prompts" / filename
    if source.is_file():
        return source.read_text(encoding="utf-8")
    raise ConfigurationError(
        f"找不到提示词文件 {filename}：安装可能不完整，请重新安装 rulelaw-llm。"
    )


@cache
def load_prompt(name: str, version: str = PROMPT_VERSION) -> Prompt:
    """Load ``prompts/{name}.{version}.md`` (from the installed package when installed)."""
    template = _prompt_file(f"{name}.{version}.md").strip()
    return Prompt(name, version, template, frozenset(_SLOT.findall(template)))


@cache
def load_lines(name: str, version: str = PROMPT_VERSION) -> dict[str, Prompt]:
    """Load a file of one-line texts, ``code：text`` per line (``#`` lines are comments)."""
    lines: dict[str, Prompt] = {}
    for line in _prompt_file(f"{name}.{version}.md").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        code, separator, text = line.partition("：")
        if not separator:
            raise ConfigurationError(f"提示词文件 {name}.{version} 的这一行缺少“：”：{line}")
        lines[code] = Prompt(f"{name}:{code}", version, text, frozenset(_SLOT.findall(text)))
    return lines


def category_table() -> str:
    """The vocabulary as the prompt shows it: ``key：中文名`` per line."""
    from rulelaw_llm.categories import CATEGORIES

    return "\n".join(f"{key}：{label}" for key, label in CATEGORIES.items())


def prompt_sources() -> dict[str, str]:
    """Every text the model may read: each prompt file, plus the prompt text built in code.

    Keys are file names (``names.v2.md``) and ``code:…`` for in-code text; a cache key
    that hashes these covers every prompt.
    """
    sources = {
        f"{name}.{PROMPT_VERSION}.md": _prompt_file(f"{name}.{PROMPT_VERSION}.md")
        for name in PROMPT_FILES
    }
    sources["code:category_table"] = category_table()
    from rulelaw_llm.kinds import kind_table

    sources["code:kind_table"] = kind_table()
    sources["code:limits"] = f"name={NAME_CHARS} summary={SUMMARY_CHARS} cause={CAUSE_CHARS}"
    return sources
