"""The kinds task: which measure of the vocabulary a number states, where the rules are unsure.

The rules (``rulelaw_llm.rules.measures``) give every indicator a kind; the model is asked
only where the rules' support comes from the sentence or heading alone (when that support
is too weak the rules say ``other``), under either plan (``kind_targets`` says why). Each number
is shown in its sentence with its *choices* (``kind_choices``): the kinds that fit its unit
and have a supporting word in its name or clause — or, when none has, in its sentence or
heading — and ``other`` only where the rules themselves found nothing strong enough. An
answer is accepted when it is one of those choices, so the unit family fits and words of
the number's own place support it; otherwise the rules' kind stands, as for categories.
Measured with stand-ins (``bench/compare.py``): offering ``other`` where the context names a
kind let a wrong answer replace a right rules kind.

``kind_targets`` plans the questions from the rules floor; ``apply_kinds`` applies the
accepted answers to the indicators. The flow (``rulelaw_llm.llm.flow``) runs the task like
any other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, JsonValue, create_model

from rulelaw_llm.kinds import KINDS, KindKey, kind_table
from rulelaw_llm.llm.prompts import load_lines, load_prompt
from rulelaw_llm.llm.tasks import FieldSpec, Task
from rulelaw_llm.reading.document import Report
from rulelaw_llm.rules.grounding import sentence_span
from rulelaw_llm.rules.measures import (
    ASKED,
    OWN_WORDS,
    SPLIT,
    SURE_MARGIN,
    WEAK_CONTEXT,
    KindEvidence,
    kind_doubt,
    kind_scores,
)
from rulelaw_llm.rules.offline import kind_evidence
from rulelaw_llm.rules.quantities import Quantity
from rulelaw_llm.schema import Indicator, Question, QuestionOutcome, Rejected, ReportSummary


class Facts(Protocol):
    """What the kinds task reads of the rules floor (``flow.ReportFacts``)."""

    @property
    def report(self) -> Report: ...
    @property
    def quantities(self) -> tuple[Quantity, ...]: ...
    @property
    def baseline(self) -> ReportSummary: ...
    @property
    def candidates(self) -> tuple[int, ...]: ...


class Outcome(Protocol):
    """What applying reads of a task's outcome (``flow.TaskOutcome``)."""

    @property
    def accepted(self) -> dict[str, object]: ...
    @property
    def rejected(self) -> dict[str, Rejected]: ...


__all__ = ["KindTarget", "KindsTask", "apply_kinds", "check_kind", "kind_choices", "kind_targets"]


@dataclass(frozen=True, slots=True)
class KindTarget:
    """A number whose kind is asked."""

    index: int
    """Its index among the report's quantities (and the result's indicators)."""
    raw: str
    sentence: str
    """The whole sentence that holds it, shown to the model."""
    choices: tuple[KindKey, ...]
    """The kinds it may be (``other`` last when it is allowed)."""
    reason: str
    """Why the rules were not sure of its kind."""


def kind_choices(evidence: KindEvidence) -> tuple[KindKey, ...]:
    """The kinds a number may be, in the vocabulary's order: those that fit its unit and have
    a supporting word in its name or clause; when none has, those the sentence or heading
    supports; ``other`` too when that support is too weak for the rules to name a kind.

    The words next to a number say what it counts; a kind only the rest of the sentence
    supports is another number's (measured: a check that took the whole sentence accepted
    the next number's kind for a third of the numbers, ``bench/compare.py``).
    """
    scores = kind_scores(evidence)
    doubt = kind_doubt(evidence, scores)
    said_other = doubt in (WEAK_CONTEXT, OWN_WORDS)
    if said_other:  # the rules said other: any kind the context names, or other
        scores = kind_scores(evidence, minimum=1, context=True)
    if doubt == SPLIT:
        # Split support: the kinds close to the best (as for categories).
        scores = [entry for entry in scores if entry[1] * SURE_MARGIN >= scores[0][1]]
    supported = {key for key, _, _ in scores}
    choices: list[KindKey] = [key for key in KINDS if key in supported and key != "other"]
    if not scores or said_other:
        choices.append("other")
    return tuple(choices)


def check_kind(key: str, value: object, target: KindTarget) -> tuple[KindKey | None, str | None]:
    """A kind must be one of the number's choices (``other`` only when it is one)."""
    answer = value.get("kind") if isinstance(value, dict) else value
    kind = str(answer or "").strip()
    lines = load_lines("kind_lines")
    choices = "、".join(target.choices)
    for choice in target.choices:
        if kind == choice:
            return choice, None
    if kind == "other":
        return None, lines["kind_other"].render(key=key, raw=target.raw, choices=choices)
    return None, lines["kind_choice"].render(key=key, raw=target.raw, kind=kind, choices=choices)


class KindsTask(Task):
    """Which measure of the vocabulary each of some numbers states."""

    name = "kinds"

    def __init__(self, targets: Sequence[KindTarget], *, max_keys: int = 8) -> None:
        self.targets = {f"k{number}": target for number, target in enumerate(targets, 1)}
        self.max_keys = max_keys

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.targets)

    def render(self, keys: Sequence[str]) -> str:
        sentences: list[str] = []
        shown: list[KindKey] = []
        for key in keys:
            target = self.targets[key]
            if target.sentence not in sentences:
                sentences.append(target.sentence)
            shown += [kind for kind in target.choices if kind not in shown and kind != "other"]
        candidates = "\n".join(
            f"{key}：{self.targets[key].raw}［{'、'.join(self.targets[key].choices)}］"
            for key in keys
        )
        return load_prompt("kinds").render(
            table=kind_table(tuple(kind for kind in KINDS if kind in shown)),
            block="\n".join(sentences),
            candidates=candidates,
        )

    def fields(self, key: str) -> tuple[FieldSpec, ...]:
        choices: Any = Literal.__getitem__(self.targets[key].choices)
        return (FieldSpec("kind", choices),)

    def model_for(self, keys: Sequence[str]) -> type[BaseModel]:
        """One field per key: the kind itself, among that number's choices (cached per shape)."""
        return _answer_model(tuple((key, self.targets[key].choices) for key in keys))

    def check(self, key: str, value: object) -> tuple[object, str | None]:
        return check_kind(key, value, self.targets[key])

    def content(self, key: str, value: object) -> dict[str, JsonValue]:
        answer = value.get("kind") if isinstance(value, dict) else value
        return {"quantity": self.targets[key].raw, "kind": None if answer is None else str(answer)}


def kind_targets(facts: Facts, scope: Literal["unsure", "all"]) -> list[KindTarget]:
    """The numbers whose kind the model is asked: where the rules' support is in the context
    alone, or too weak — under either plan.

    Measured with stand-ins on the dev corpus (``bench/compare.py``): where the name or clause
    supports a kind, asking let a plausible wrong answer (the next number's kind, another
    report's) replace a right rules kind, whether the rules were sure, the support was split or
    not in the name; so ``scope="all"`` asks no more than the default plan here.
    """
    del scope  # the same questions under both plans (see above)
    report, targets = facts.report, []
    for index in facts.candidates:
        quantity = facts.quantities[index]
        name = facts.baseline.indicators[index].name
        evidence = kind_evidence(report, quantity, name)
        doubt = kind_doubt(evidence)
        choices = kind_choices(evidence)
        if doubt not in ASKED or len(choices) < 2:
            continue
        left, right = sentence_span(report.text, quantity.start, quantity.end)
        sentence = re.sub(r"\s+", " ", report.text[left:right]).strip()
        targets.append(KindTarget(index, quantity.raw, sentence, choices, doubt))
    return targets


def apply_kinds(task: KindsTask, outcome: Outcome, indicators: list[Indicator]) -> list[Question]:
    """Set each accepted kind on its indicator; one question per asked number."""
    questions = []
    for key, target in task.targets.items():
        status: QuestionOutcome = (
            "accepted"
            if key in outcome.accepted
            else "rejected"
            if key in outcome.rejected
            else "unanswered"
        )
        if status == "accepted":
            kind = outcome.accepted[key]
            indicators[target.index] = indicators[target.index].model_copy(update={"kind": kind})
        questions.append(
            Question(
                target="indicator",
                index=target.index,
                field="kind",
                reason=target.reason,
                outcome=status,
            )
        )
    return questions


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


@cache
def _answer_model(shape: tuple[tuple[str, tuple[KindKey, ...]], ...]) -> type[BaseModel]:
    description = load_lines("kind_lines")["field"].render()
    fields: dict[str, Any] = {
        key: (Literal.__getitem__(choices), Field(description=description))
        for key, choices in shape
    }
    return create_model("KindsTaskAnswer", __base__=_Strict, **fields)
