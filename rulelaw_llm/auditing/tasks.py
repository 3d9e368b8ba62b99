"""The audit's judgements for the model, as tasks of the summary's own flow.

Three questions need reading rather than rules (AUDIT.md):

- ``PlansForProblemsTask``: which plans address each problem (``problem_without_plan``);
- ``FollowUpTask``: which of this year's sentences shows each of last year's plans carried
  out (``plan_not_followed``), choosing among candidates the rules picked;
- ``PlanTargetsTask``: the phrase of each plan that states a target, deadline or owner
  (``vague_plan``), quoted verbatim.

Each is a ``rulelaw_llm.llm.tasks.Task``: ``rulelaw_llm.llm.flow.run_task`` asks, checks each key,
re-asks only the failing keys and keeps what failed in ``rejected`` — exactly as for the
summary. Answers are closed sets (plan or sentence numbers, enforced by the schema) or
verbatim quotes located in the plan's text. The prompts are ``prompts/audit_*.v2.md``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from rulelaw_llm.llm.prompts import load_lines, load_prompt
from rulelaw_llm.llm.tasks import FieldSpec, Task
from rulelaw_llm.reading.normalize import fold
from rulelaw_llm.rules.grounding import locate_quote
from rulelaw_llm.rules.quantities import find_quantities

__all__ = ["FollowUpTask", "PlanTargetsTask", "PlansForProblemsTask"]

#: Longest excerpt of an item shown to the model (the small local model reads slowly).
SHOWN_CHARS = 120

# A phrase that states a deadline or an owner (a number is found by find_quantities). Words
# such as 宣传周 or 镇党委 alone do not count: they name an event or the usual leadership.
_CONCRETE = re.compile(
    r"\d{1,2}月|年底|年内|年末|月底|季度|上半年|下半年|每月|每季|每周|每年|每半年|前完成|之前|"
    r"期限|时限|牵头|负责|责任单位|责任人|责任部门|司法所|派出所|综治中心|办公室|领导小组"
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _line(code: str, **values: str) -> str:
    line = load_lines("audit_lines")[code]
    return line.render(**{slot: values.get(slot, "") for slot in line.slots})


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


@cache
def _model(name: str, shape: tuple[tuple[str, Any, str], ...]) -> type[BaseModel]:
    """A response model: one field per key, of the given type, with its description."""
    fields: dict[str, Any] = {
        key: (annotation, Field(description=_line(description)))
        for key, annotation, description in shape
    }
    return create_model(name, __base__=_Strict, **fields)


def _choice(options: Sequence[str]) -> Any:
    """``Literal`` of the options (the schema, so a grammar-constrained server enforces it)."""
    return Literal[tuple(options)] if options else str


class PlansForProblemsTask(Task):
    """For each problem, the plans that address it (possibly none)."""

    name = "audit_plans"
    kind = "problem"

    def __init__(self, problems: Sequence[str], plans: Sequence[str], *, max_keys: int = 8) -> None:
        self.problems = {f"w{number}": text for number, text in enumerate(problems, 1)}
        self.plans = {f"p{number}": text for number, text in enumerate(plans, 1)}
        self.max_keys = max_keys

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.problems)

    def render(self, keys: Sequence[str]) -> str:
        return load_prompt("audit_plans").render(
            plans="\n".join(f"{key}：{_shown(text)}" for key, text in self.plans.items()),
            problems="\n".join(f"{key}：{_shown(self.problems[key])}" for key in keys),
        )

    def fields(self, key: str) -> tuple[FieldSpec, ...]:
        return ()

    def model_for(self, keys: Sequence[str]) -> type[BaseModel]:
        option = _choice(tuple(self.plans))
        shape = tuple((key, list[option], "field_plans") for key in keys)  # type: ignore[valid-type]
        return _model("PlansForProblemsAnswer", shape)

    def check(self, key: str, value: object) -> tuple[object, str | None]:
        if isinstance(value, list) and all(item in self.plans for item in value):
            return [str(item) for item in value], None
        return value, _line("plans_unknown", key=key, value=str(value)[:40])


class FollowUpTask(Task):
    """For each of last year's plans, this year's sentence that shows it done (or none)."""

    name = "audit_follow_up"
    kind = "plan"

    def __init__(
        self,
        plans: Sequence[str],
        candidates: Sequence[Sequence[str]],
        *,
        shared: Sequence[Sequence[int]] | None = None,
        max_keys: int = 4,
    ) -> None:
        """``shared[i][j]``: keywords candidate j has in common with plan i (0 = unrelated)."""
        self.plans = {f"l{number}": text for number, text in enumerate(plans, 1)}
        self.candidates: dict[str, dict[str, str]] = {}
        self.unrelated: set[str] = set()
        counter = 0
        for number, (key, sentences) in enumerate(zip(self.plans, candidates, strict=True)):
            options: dict[str, str] = {}
            for position, sentence in enumerate(sentences):
                counter += 1
                options[f"c{counter}"] = sentence
                if shared is not None and shared[number][position] == 0:
                    self.unrelated.add(f"c{counter}")
            self.candidates[key] = options
        self.max_keys = max_keys

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.plans)

    def render(self, keys: Sequence[str]) -> str:
        blocks: list[str] = []
        for key in keys:
            lines = [f"{key}（上一年度计划）：{_shown(self.plans[key])}"]
            lines += [
                f"  {option}：{_shown(text)}" for option, text in self.candidates[key].items()
            ]
            blocks.append("\n".join(lines))
        return load_prompt("audit_follow_up").render(plans="\n\n".join(blocks))

    def fields(self, key: str) -> tuple[FieldSpec, ...]:
        return ()

    def model_for(self, keys: Sequence[str]) -> type[BaseModel]:
        shape = tuple(
            (key, _choice(tuple(self.candidates[key])) | None, "field_sentence") for key in keys
        )
        return _model("FollowUpAnswer", shape)

    def check(self, key: str, value: object) -> tuple[object, str | None]:
        if value is not None and value not in self.candidates[key]:
            return value, _line("sentence_unknown", key=key, value=str(value)[:40])
        if value in self.unrelated:
            # The sentence shares not one word with the plan: it cannot show the plan done.
            return value, _line("sentence_unrelated", key=key, value=str(value))
        return value, None


class PlanTargetsTask(Task):
    """For each plan, a verbatim phrase stating a target, deadline or owner (or none)."""

    name = "audit_targets"
    kind = "plan"

    def __init__(self, plans: Sequence[str], *, max_keys: int = 8) -> None:
        self.plans = {f"p{number}": text for number, text in enumerate(plans, 1)}
        self.max_keys = max_keys

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.plans)

    def render(self, keys: Sequence[str]) -> str:
        return load_prompt("audit_targets").render(
            plans="\n".join(f"{key}：{' '.join(self.plans[key].split())}" for key in keys)
        )

    def fields(self, key: str) -> tuple[FieldSpec, ...]:
        return ()

    def model_for(self, keys: Sequence[str]) -> type[BaseModel]:
        shape = tuple((key, str | None, "field_target") for key in keys)
        return _model("PlanTargetsAnswer", shape)

    def check(self, key: str, value: object) -> tuple[object, str | None]:
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "null")):
            return None, None
        text = str(value).strip()
        located = locate_quote(self.plans[key], text)
        if located is None:
            return text, _line("target_missing", key=key, value=text[:40])
        quote = self.plans[key][located.start : located.end]
        if not (find_quantities(quote) or _CONCRETE.search(fold(quote))):
            return quote, _line("target_vague", key=key, value=quote[:40])
        return quote, None
