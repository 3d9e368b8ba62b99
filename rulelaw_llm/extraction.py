"""The pure half of the LLM backend: which requests to make, and how answers become a result.

``plan_steps`` cuts a report into small, focused requests (measured on the local 1.5B
model: one big request misses most numbers; whole sentences plus the pre-pass facts work):

- ``names``: the pre-pass quantities of the achievement parts, a few at a time, with the
  sentences that hold them; the model writes what each one counts.
- ``items``: the items of one part (achievements, problems, plans), a few at a time; the
  model writes a summary and a category per item, and a problem's stated cause.
- ``digest``: planned last, from the validated result.

``assemble`` starts from the offline summary (the floor: numbers, units, spans, sections)
and replaces only what the model answered and the checks accepted. Everything that failed
ends in ``rejected`` or ``warnings``. Both the sync and the async summarizer use these.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, JsonValue

from rulelaw_llm.categories import CategoryKey, classify
from rulelaw_llm.digest import template_digest
from rulelaw_llm.document import Item, Report
from rulelaw_llm.drafts import (
    DigestContext,
    DigestDraft,
    ItemJudgement,
    ItemsContext,
    NamesContext,
    ProblemJudgement,
    category_table,
    check_digest,
    check_item,
    check_name,
    digest_model,
    items_model,
    names_model,
)
from rulelaw_llm.grounding import Located
from rulelaw_llm.offline import clause_span, sentence_span
from rulelaw_llm.prompts import load_prompt
from rulelaw_llm.quantities import Quantity, find_quantities
from rulelaw_llm.schema import Coverage, Evidence, Rejected, RejectedKind, ReportSummary
from rulelaw_llm.settings import Settings

__all__ = [
    "Answer",
    "Step",
    "answer_from_model",
    "answer_from_raw",
    "assemble",
    "digest_step",
    "plan_steps",
]

PartKind = Literal["achievements", "problems", "plans"]
_PART_LABELS = {
    "achievements": "主要举措和成效",
    "problems": "存在的问题",
    "plans": "下一年度工作安排",
}
_MAX_PER_REQUEST = 8


@dataclass(frozen=True, slots=True)
class Step:
    """One request: its messages, its response model, its validation context, its targets."""

    key: str
    kind: Literal["names", "items", "digest"]
    messages: tuple[dict[str, str], ...]
    response_model: type[BaseModel]
    context: dict[str, object]
    quantity_indexes: tuple[int, ...] = ()
    """For names: indexes into ``find_quantities(report.text)``."""
    part: PartKind | None = None
    item_indexes: tuple[int, ...] = ()
    """For items: indexes into the part's item list."""

    @property
    def size(self) -> int:
        return len(self.quantity_indexes) or len(self.item_indexes) or 1


@dataclass(slots=True)
class Answer:
    """What survived the checks of one step, and what did not."""

    names: dict[int, str] = field(default_factory=dict)
    """quantity index -> name."""
    judgements: dict[int, ItemJudgement] = field(default_factory=dict)
    """item index (within the part) -> judgement."""
    causes: dict[int, Located] = field(default_factory=dict)
    digest: str | None = None
    rejected: list[Rejected] = field(default_factory=list)
    failed: bool = False
    """True when nothing usable came back (the step fell back to the rules)."""


_JINJA_DELIMITERS = ("{{", "{%", "{#")


def _verbatim(content: str) -> str:
    """Protect report text from instructor's Jinja2 templating of messages.

    instructor renders every message as a template when a validation ``context`` is
    passed, so ``{{ 7 * 7 }}`` in a report would reach the model as ``49`` and ``{{17次``
    would raise. A ``raw`` block renders to exactly its content; text without Jinja
    delimiters is left as it is.
    """
    if not any(delimiter in content for delimiter in _JINJA_DELIMITERS):
        return content
    inner = content.replace("{% endraw %}", "{% endraw %}{{ '{% endraw %}' }}{% raw %}")
    return "{% raw %}" + inner + "{% endraw %}"


def _messages(prompt: str) -> tuple[dict[str, str], ...]:
    system = load_prompt("system").render()
    return ({"role": "system", "content": system}, {"role": "user", "content": _verbatim(prompt)})


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def achievement_side(report: Report, quantities: Sequence[Quantity]) -> list[int]:
    """Indexes of the quantities outside the plans part: facts about the year's work."""
    indexes = []
    for index, quantity in enumerate(quantities):
        section = report.section_at(quantity.start)
        if section is None or section.kind != "plans":
            indexes.append(index)
    return indexes


def part_items(report: Report, part: PartKind) -> list[Item]:
    """The items of a part, in the order the offline summary lists them."""
    kinds = ("achievements", "responsibility") if part == "achievements" else (part,)
    return [item for section in report.sections_of(*kinds) for item in section.items]


def names_step(
    report: Report, quantities: Sequence[Quantity], indexes: Sequence[int], key: str
) -> Step:
    """A request for the names of some quantities, shown in their whole sentences."""
    text = report.text
    regions: list[str] = []
    spans: list[tuple[int, int]] = []
    lines = []
    for number, index in enumerate(indexes, 1):
        quantity = quantities[index]
        span = sentence_span(text, quantity.start, quantity.end)
        if span not in spans:
            spans.append(span)
        left, right = clause_span(text, quantity.start, quantity.end)
        own = text[left : quantity.start] + text[quantity.end : right]
        own = re.sub(r"\d{4}年|[共计达的]|[^\u4e00-\u9fff]", "", own)
        if len(own) < 2 and left > span[0]:
            # A bare clause (共20余次): what is counted stands in the clause before.
            left = max(span[0], clause_span(text, left - 1, left - 1)[0])
        regions.append(text[left:right])
        lines.append(f"q{number}：{quantity.raw}")
    block = "\n".join(_one_line(text[start:end]) for start, end in spans)
    prompt = load_prompt("indicators").render(block=block, candidates="\n".join(lines))
    raws = [quantities[index].raw for index in indexes]
    return Step(
        key=key,
        kind="names",
        messages=_messages(prompt),
        response_model=names_model(raws),
        context={"names": NamesContext(raws=raws, regions=regions)},
        quantity_indexes=tuple(indexes),
    )


def items_step(
    report: Report,
    part: PartKind,
    items: Sequence[Item],
    indexes: Sequence[int],
    settings: Settings,
    key: str,
) -> Step:
    """A request for the summary and category of some items of one part."""
    lines = []
    for number, index in enumerate(indexes, 1):
        item = items[index]
        shown = _one_line(item.text)
        if len(shown) > settings.item_chars:
            shown = shown[: settings.item_chars] + "…"
        lines.append(f"i{number}：{shown}")
    cause_instruction = ""
    cause_region: tuple[int, int] | None = None
    if part == "problems":
        cause_instruction = (
            "cause：如原文写明了该问题的原因，逐字摘录原文中陈述原因的一个分句（不超过40字）；"
            "没有写明则填 null。"
        )
        regions = report.sections_of("problems", "causes")
        cause_region = (regions[0].start, regions[-1].end) if regions else None
        causes = report.sections_of("causes")
        if causes:
            cause_text = _one_line(causes[0].body(report.text))[: settings.block_chars]
            lines.append(f"（原因部分原文：{cause_text}）")
    prompt = load_prompt("items").render(
        part=_PART_LABELS[part],
        cause_instruction=cause_instruction,
        categories=category_table(),
        items="\n".join(lines),
    )
    return Step(
        key=key,
        kind="items",
        messages=_messages(prompt),
        response_model=items_model(len(indexes), problems=part == "problems"),
        context={
            "items": ItemsContext(
                texts=[items[index].text for index in indexes],
                starts=[items[index].start for index in indexes],
                report_text=report.text,
                cause_region=cause_region,
                threshold=settings.fuzzy_threshold,
            )
        },
        part=part,
        item_indexes=tuple(indexes),
    )


def _chunks(indexes: Sequence[int], size: int) -> list[list[int]]:
    return [list(indexes[start : start + size]) for start in range(0, len(indexes), size)]


def _names_groups(
    report: Report, quantities: Sequence[Quantity], indexes: Sequence[int], settings: Settings
) -> list[list[int]]:
    """Group quantities by the item (or section) that holds them, within size limits."""
    groups: dict[tuple[int, int], list[int]] = {}
    for index in indexes:
        quantity = quantities[index]
        section = report.section_at(quantity.start)
        item = next(
            (
                it
                for it in (section.items if section else ())
                if it.start <= quantity.start < it.end
            ),
            None,
        )
        holder = (
            (item.start, item.end) if item else (section.start, section.end) if section else (0, 0)
        )
        groups.setdefault(holder, []).append(index)
    result: list[list[int]] = []
    for members in groups.values():
        current: list[int] = []
        chars = 0
        for index in members:
            quantity = quantities[index]
            span = sentence_span(report.text, quantity.start, quantity.end)
            length = span[1] - span[0]
            if current and (
                len(current) >= _MAX_PER_REQUEST or chars + length > settings.block_chars
            ):
                result.append(current)
                current, chars = [], 0
            current.append(index)
            chars += length
        if current:
            result.append(current)
    return result


def plan_steps(report: Report, settings: Settings) -> list[Step]:
    """Every request except the digest, in a stable order."""
    quantities = find_quantities(report.text)
    steps = [
        names_step(report, quantities, group, f"names:{number}")
        for number, group in enumerate(
            _names_groups(report, quantities, achievement_side(report, quantities), settings), 1
        )
    ]
    parts: tuple[PartKind, ...] = ("achievements", "problems", "plans")
    for part in parts:
        items = part_items(report, part)
        per_request = max(
            1, min(_MAX_PER_REQUEST, settings.block_chars // max(settings.item_chars, 1))
        )
        for number, chunk in enumerate(_chunks(range(len(items)), per_request), 1):
            steps.append(items_step(report, part, items, chunk, settings, f"items:{part}:{number}"))
    return steps


def split_step(report: Report, step: Step, settings: Settings) -> list[Step]:
    """Halve a step whose answer was truncated; a single-target step cannot be split."""
    if step.size < 2:
        return []
    if step.kind == "names":
        quantities = find_quantities(report.text)
        half = len(step.quantity_indexes) // 2
        return [
            names_step(report, quantities, step.quantity_indexes[:half], step.key + "a"),
            names_step(report, quantities, step.quantity_indexes[half:], step.key + "b"),
        ]
    if step.kind == "items" and step.part is not None:
        items = part_items(report, step.part)
        half = len(step.item_indexes) // 2
        return [
            items_step(
                report, step.part, items, step.item_indexes[:half], settings, step.key + "a"
            ),
            items_step(
                report, step.part, items, step.item_indexes[half:], settings, step.key + "b"
            ),
        ]
    return []


def followup_step(report: Report, unresolved: Sequence[int]) -> Step:
    """One focused request about just the quantities no answer named."""
    return names_step(report, find_quantities(report.text), unresolved, "names:follow-up")


# --------------------------------------------------------------------------- answers


def answer_from_model(step: Step, result: BaseModel) -> Answer:
    """A validated answer: everything in it passed the checks."""
    answer = Answer()
    if step.kind == "names":
        for number, index in enumerate(step.quantity_indexes, 1):
            answer.names[index] = str(getattr(result, f"q{number}"))
    elif step.kind == "items":
        context = step.context["items"]
        assert isinstance(context, ItemsContext)
        for number, index in enumerate(step.item_indexes, 1):
            judgement = getattr(result, f"i{number}")
            checked, located, _ = check_item(number, judgement, context)
            answer.judgements[index] = checked
            if located is not None:
                answer.causes[index] = located
    else:
        assert isinstance(result, DigestDraft)
        answer.digest = result.digest
    return answer


def _reject(kind: RejectedKind, content: dict[str, JsonValue], reason: str) -> Rejected:
    return Rejected(kind=kind, content=content, reason=reason)


def answer_from_raw(step: Step, raw: str | None, reason: str) -> Answer:
    """Sort a last, still-failing answer field by field into accepted and rejected."""
    answer = Answer()
    data: object = None
    if raw:
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            data = None
    if not isinstance(data, dict):
        answer.failed = True
        kind: RejectedKind = (
            "indicator"
            if step.kind == "names"
            else "digest"
            if step.kind == "digest"
            else _item_kind(step)
        )
        answer.rejected.append(
            _reject(kind, {"raw": (raw or "")[:2000]}, f"模型输出无法解析：{reason}")
        )
        return answer
    if step.kind == "names":
        context = step.context["names"]
        assert isinstance(context, NamesContext)
        for number, index in enumerate(step.quantity_indexes, 1):
            name, failure = check_name(number, data.get(f"q{number}"), context)
            if failure is None:
                answer.names[index] = name
            else:
                answer.rejected.append(
                    _reject(
                        "indicator",
                        {"quantity": context.raws[number - 1], "name": str(data.get(f"q{number}"))},
                        failure,
                    )
                )
    elif step.kind == "items":
        context = step.context["items"]
        assert isinstance(context, ItemsContext)
        judgement_type = ProblemJudgement if step.part == "problems" else ItemJudgement
        for number, index in enumerate(step.item_indexes, 1):
            value = data.get(f"i{number}")
            content: dict[str, JsonValue] = (
                value if isinstance(value, dict) else {"value": str(value)}
            )
            try:
                judgement = judgement_type.model_validate(value)
            except ValueError as error:
                answer.rejected.append(
                    _reject(_item_kind(step), content, f"i{number}：{_first_line(error)}")
                )
                continue
            checked, located, failure = check_item(number, judgement, context)
            if failure is None:
                answer.judgements[index] = checked
                if located is not None:
                    answer.causes[index] = located
            else:
                answer.rejected.append(_reject(_item_kind(step), content, failure))
    else:
        context = step.context["digest"]
        assert isinstance(context, DigestContext)
        digest, failure = check_digest(str(data.get("digest", "")), context)
        if failure is None:
            answer.digest = digest
        else:
            answer.rejected.append(
                _reject("digest", {"digest": str(data.get("digest", ""))}, failure)
            )
    return answer


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _item_kind(step: Step) -> RejectedKind:
    kinds: dict[str, RejectedKind] = {
        "achievements": "achievement",
        "problems": "problem",
        "plans": "plan",
    }
    return kinds.get(step.part or "", "achievement")


# --------------------------------------------------------------------------- assembly


def assemble(
    report: Report, baseline: ReportSummary, answers: Sequence[tuple[Step, Answer]]
) -> ReportSummary:
    """The offline baseline with every accepted answer applied (without the digest)."""
    quantities = find_quantities(report.text)
    names: dict[int, str] = {}
    judgements: dict[PartKind, dict[int, ItemJudgement]] = {
        "achievements": {},
        "problems": {},
        "plans": {},
    }
    causes: dict[int, Located] = {}
    rejected: list[Rejected] = list(baseline.rejected)
    warnings: list[str] = list(baseline.warnings)
    for step, answer in answers:
        names.update(answer.names)
        if step.part is not None:
            judgements[step.part].update(answer.judgements)
            if step.part == "problems":
                causes.update(answer.causes)
        rejected.extend(answer.rejected)
        if answer.failed:
            warnings.append(f"请求 {step.key} 未得到可用的回答，相关条目保留规则结果。")

    item_categories: dict[tuple[int, int], CategoryKey] = {}
    achievements = []
    for index, (item, achievement) in enumerate(
        zip(part_items(report, "achievements"), baseline.achievements, strict=True)
    ):
        judgement = judgements["achievements"].get(index)
        if judgement is not None:
            achievement = achievement.model_copy(
                update={"summary": judgement.summary, "category": judgement.category}
            )
        item_categories[(item.start, item.end)] = achievement.category
        achievements.append(achievement)

    indicators = []
    for index, (quantity, indicator) in enumerate(
        zip(quantities, baseline.indicators, strict=True)
    ):
        name = names.get(index)
        update: dict[str, object] = {}
        if name is not None:
            update["name"] = name
        # The clause's own words decide the category; else the model's category of its item.
        clause_category = classify(indicator.evidence.quote)
        if clause_category == "other":
            holder = next(
                (
                    cat
                    for (start, end), cat in item_categories.items()
                    if start <= quantity.start < end
                ),
                None,
            )
            if holder is not None:
                update["category"] = holder
        else:
            update["category"] = clause_category
        indicators.append(indicator.model_copy(update=update) if update else indicator)

    problems = []
    for index, problem in enumerate(baseline.problems):
        judgement = judgements["problems"].get(index)
        if judgement is not None:
            update = {"summary": judgement.summary, "category": judgement.category}
            located = causes.get(index)
            if located is not None:
                update["cause"] = report.text[located.start : located.end]
                update["cause_evidence"] = Evidence(
                    quote=report.text[located.start : located.end],
                    start=located.start,
                    end=located.end,
                    match=located.match,
                )
            problem = problem.model_copy(update=update)
        problems.append(problem)

    plans = [
        plan.model_copy(update={"summary": j.summary, "category": j.category})
        if (j := judgements["plans"].get(index)) is not None
        else plan
        for index, plan in enumerate(baseline.plans)
    ]

    candidates = achievement_side(report, quantities)
    named = [index for index in candidates if index in names]
    unresolved = [quantities[index].raw for index in candidates if index not in names]
    if unresolved:
        warnings.append(
            f"{len(unresolved)} 个数字未得到模型的统计对象，保留规则给出的名称：{'、'.join(unresolved[:10])}"
        )
    labels: dict[PartKind, str] = {"achievements": "成效", "problems": "问题", "plans": "计划"}
    for part, label in labels.items():
        missing = len(part_items(report, part)) - len(judgements[part])
        if missing > 0:
            warnings.append(f"{missing} 条{label}未得到模型的概括，保留规则结果。")
    if rejected and len(rejected) > len(baseline.rejected):
        warnings.append(
            f"{len(rejected) - len(baseline.rejected)} 项模型输出未通过校验，见 rejected。"
        )
    return baseline.model_copy(
        update={
            "achievements": achievements,
            "indicators": indicators,
            "problems": problems,
            "plans": plans,
            "rejected": rejected,
            "warnings": warnings,
            "coverage": Coverage(
                candidates=len(candidates),
                indicators=len(named),
                not_indicators=0,
                unresolved=len(unresolved),
            ),
        }
    )


def unresolved_quantities(report: Report, answers: Sequence[tuple[Step, Answer]]) -> list[int]:
    """Achievement-side quantities that no answer named."""
    named: set[int] = set()
    for _, answer in answers:
        named.update(answer.names)
    return [
        index
        for index in achievement_side(report, find_quantities(report.text))
        if index not in named
    ]


def digest_step(summary: ReportSummary, settings: Settings) -> Step:
    """The digest request, built from the validated result."""
    facts = [f"单位：{summary.entity or '（未识别）'}；年度：{summary.year or '（未识别）'}"]
    if summary.achievements:
        facts.append("主要举措：" + "；".join(a.summary for a in summary.achievements[:6]))
    figures = [i for i in summary.indicators if i.period is None][:6]
    if figures:
        facts.append(
            "关键数字（选两到三个引用）："
            + "；".join(f"{i.name}{_figure_text(i.value, i.unit)}{i.unit}" for i in figures)
        )
    if summary.problems:
        facts.append("存在问题：" + "；".join(p.summary for p in summary.problems[:4]))
    if summary.plans:
        facts.append("下一年度：" + "；".join(p.summary for p in summary.plans[:5]))
    prompt = load_prompt("digest").render(
        entity=summary.entity or "",
        year=str(summary.year or ""),
        max_chars=str(settings.digest_chars),
        facts="\n".join(facts),
    )
    allowed = sorted(
        {i.value for i in summary.indicators}
        | ({float(summary.year), float(summary.year + 1)} if summary.year else set())
    )
    return Step(
        key="digest",
        kind="digest",
        messages=_messages(prompt),
        response_model=digest_model(settings.digest_chars),
        context={
            "digest": DigestContext(
                allowed=allowed,
                entity=summary.entity,
                max_chars=settings.digest_chars,
                figures=[indicator.value for indicator in figures],
            )
        },
    )


def _figure_text(value: float, unit: str) -> str:
    if unit == "元" and value >= 10_000 and value % 10_000 == 0:
        return f"{value / 10_000:g}万"
    return str(int(value)) if value == int(value) else f"{value:g}"


def apply_digest(
    summary: ReportSummary, answer: Answer | None, settings: Settings
) -> ReportSummary:
    """Set the model's digest, or fall back to the template digest with a warning."""
    warnings = list(summary.warnings)
    rejected = list(summary.rejected)
    if answer is not None:
        rejected.extend(answer.rejected)
    if answer is not None and answer.digest:
        digest = answer.digest
    else:
        warnings.append("模型摘要未通过校验，已改用模板摘要。")
        digest = template_digest(
            entity=summary.entity,
            year=summary.year,
            achievements=summary.achievements,
            indicators=summary.indicators,
            problems=summary.problems,
            plans=summary.plans,
            max_chars=settings.digest_chars,
        )
    return summary.model_copy(update={"digest": digest, "warnings": warnings, "rejected": rejected})
