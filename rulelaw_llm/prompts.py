"""Prompt templates: files in ``prompts/``, versioned in their names, validated on load.

Rendering replaces ``{{name}}`` slots in one pass and never re-reads what it inserted, so
report text (which may contain braces, ``{{`` or ``$``) arrives in the prompt verbatim. A
missing or unexpected value raises ``ConfigurationError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from rulelaw_llm.errors import ConfigurationError

__all__ = ["PROMPT_VERSION", "Prompt", "load_prompt"]

#: The version of the prompt set; stored in every result's provenance.
PROMPT_VERSION = "v1"

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
    source = Path(__file__).resolve().parent.parent / "prompts" / filename
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
