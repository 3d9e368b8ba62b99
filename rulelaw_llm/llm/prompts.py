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
    "prompt_file_name",
    "prompt_sources",
]

#: The version of the prompt set; stored in every result's provenance. It goes up whenever
#: a file of the set changes its meaning; that file then gets the new version in its name.
PROMPT_VERSION = "v3"
#: Every prompt file of the set and the version in its name (``prompts/{name}.{version}.md``):
#: the version of the set in which it last changed meaning.
PROMPT_FILES: dict[str, str] = {
    "system": "v2",
    # v3: a name may take words from its sentence and headings and abstractions (人数, 合计,
    # 某某率), never another number's (issue 16).
    "names": "v3",
    "items": "v2",
    "parts": "v2",
    "asks": "v2",
    "categories": "v2",
    "causes": "v2",
    # v3: the digest is asked sentence by sentence, each from its own items (issue 15).
    "digest": "v3",
    "facts": "v3",
    "reask": "v2",
    # v3: the feedback of the name check says what it accepts (issue 16).
    "feedback": "v3",
    "fields": "v2",
    # The kinds of indicators (rulelaw_llm.llm.kind_task), new in v3 (issue 17).
    "kinds": "v3",
    "kind_lines": "v3",
    # The audit's judgements (rulelaw_llm.auditing.tasks).
    "audit_plans": "v2",
    "audit_follow_up": "v2",
    "audit_targets": "v2",
    "audit_lines": "v2",
}

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


def _version(name: str, version: str | None) -> str:
    if version is not None:
        return version
    if name not in PROMPT_FILES:
        raise ConfigurationError(
            f"提示词 {name} 不在提示词集中：安装可能不完整，请重新安装 rulelaw-llm。"
        )
    return PROMPT_FILES[name]


def prompt_file_name(name: str) -> str:
    """The file name of a prompt of the set: ``digest`` → ``digest.v3.md``."""
    return f"{name}.{PROMPT_FILES[name]}.md"


@cache
def load_prompt(name: str, version: str | None = None) -> Prompt:
    """Load ``prompts/{name}.{version}.md`` (by default the set's version of that file)."""
    version = _version(name, version)
    template = _prompt_file(f"{name}.{version}.md").strip()
    return Prompt(name, version, template, frozenset(_SLOT.findall(template)))


@cache
def load_lines(name: str, version: str | None = None) -> dict[str, Prompt]:
    """Load a file of one-line texts, ``code：text`` per line (``#`` lines are comments)."""
    version = _version(name, version)
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

    Keys are file names (``names.v3.md``, ``digest.v3.md``) and ``code:…`` for in-code text; a cache key
    that hashes these covers every prompt.
    """
    sources = {
        prompt_file_name(name): _prompt_file(prompt_file_name(name)) for name in PROMPT_FILES
    }
    sources["code:category_table"] = category_table()
    from rulelaw_llm.kinds import kind_table

    sources["code:kind_table"] = kind_table()
    sources["code:limits"] = f"name={NAME_CHARS} summary={SUMMARY_CHARS} cause={CAUSE_CHARS}"
    return sources
