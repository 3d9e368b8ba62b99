"""What to ask about one report: the rules floor's facts (computed once) and its doubts.

``ReportFacts.of`` computes the quantities, the offline summary, the items of each part and
why the rules cannot vouch for each name; ``plan_tasks`` turns the doubts into tasks
(only the unsure fields, unless ``scope="all"``). ``rulelaw_llm.llm.flow`` runs them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from rulelaw_llm.categories import CategoryKey, category_scores
from rulelaw_llm.llm.kind_task import KindsTask, kind_targets
from rulelaw_llm.llm.settings import Settings
from rulelaw_llm.llm.tasks import (
    ItemField,
    ItemsTask,
    ItemTarget,
    NamesTask,
    NameTarget,
    PartKind,
    Task,
)
from rulelaw_llm.reading.document import Item, Report
from rulelaw_llm.rules.grounding import COMMA_CLAUSE_BREAK, clause_span, sentence_span
from rulelaw_llm.rules.naming import Naming, explain_quantities
from rulelaw_llm.rules.offline import summarize_offline
from rulelaw_llm.rules.quantities import Quantity, find_quantities
from rulelaw_llm.schema import (
    Achievement,
    Plan,
    Problem,
    ReportSummary,
)

__all__ = [
    "ReportFacts",
    "Scope",
    "category_choices",
    "category_doubt",
    "name_doubts",
    "plan_tasks",
]

Scope = Literal["unsure", "all"]
_PARTS: tuple[PartKind, ...] = ("achievements", "problems", "plans")
_PAIRS = (("（", "）"), ("(", ")"), ("“", "”"), ("《", "》"), ("【", "】"), ("「", "」"))
#: A rule name longer than this is unsure: long names carry more than what is counted
#: (measured on the gold labels: names of 13+ characters rarely match them).
_LONG_NAME = 12
#: Keyword evidence below this weight is weak (one two-character word in the body is 2).
_WEAK_CATEGORY = 6
#: A runner-up scoring this share of the best makes the evidence split.
_SPLIT_CATEGORY = 0.6
#: The only category doubt the default plan asks about. Measured on the local 1.5B model
#: (five samples, two recordings): on weak or split evidence its choice was a coin flip
#: (with the whole table it broke a right rule category once and fixed two; restricted to
#: the close candidates it broke two and fixed one), so the rules' choice stands there
#: unless ``scope="all"``. With no keyword at all the rules can only say "other".
_NO_CATEGORY_EVIDENCE = "类别没有关键词依据"


# --------------------------------------------------------------------------- the floor


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """What the rules floor knows about one report, computed once."""

    report: Report
    quantities: tuple[Quantity, ...]
    baseline: ReportSummary
    items: dict[PartKind, tuple[Item, ...]]
    candidates: tuple[int, ...]
    """Quantities outside the plans part: facts about the year's work (the indicators the
    model may name)."""
    namings: tuple[Naming, ...] = ()
    """The rule name of each quantity and why the rules cannot vouch for it."""

    @classmethod
    def of(cls, report: Report, settings: Settings) -> ReportFacts:
        """Compute the floor once: quantities, the offline summary, the items of each part."""
        quantities = tuple(find_quantities(report.text))
        baseline = summarize_offline(
            report, digest_chars=settings.digest_chars, quantities=quantities
        )
        items: dict[PartKind, tuple[Item, ...]] = {
            "achievements": tuple(
                item
                for section in report.sections_of("achievements", "responsibility")
                for item in section.items
            ),
            "problems": tuple(
                item for section in report.sections_of("problems") for item in section.items
            ),
            "plans": tuple(
                item for section in report.sections_of("plans") for item in section.items
            ),
        }
        candidates = []
        for index, quantity in enumerate(quantities):
            section = report.section_at(quantity.start)
            if section is None or section.kind != "plans":
                candidates.append(index)
        namings = tuple(explain_quantities(report.text, quantities))
        return cls(report, quantities, baseline, items, tuple(candidates), namings)


def _unbalanced(name: str) -> bool:
    """Whether a name opens a bracket or quote it does not close (or closes one it never opened)."""
    if name.count('"') % 2:
        return True
    return any(name.count(left) != name.count(right) for left, right in _PAIRS)


def name_doubts(facts: ReportFacts, index: int) -> tuple[str, ...]:
    """Why the rules floor is not sure of a quantity's name (empty: sure)."""
    text = facts.report.text
    quantity = facts.quantities[index]
    name = facts.baseline.indicators[index].name
    left, right = clause_span(text, quantity.start, quantity.end)
    reasons = list(facts.namings[index].doubts) if facts.namings else []
    if len(name) > _LONG_NAME:
        reasons.append(f"规则名称过长（{len(name)}字）")
    if len(re.findall(r"[\u4e00-\u9fff]", name.replace(quantity.raw, ""))) < 2:
        reasons.append("规则未找到统计对象")  # also when the facts come without namings
    if _unbalanced(name):
        reasons.append("规则名称跨括号或引号")
    if any(other is not quantity and left <= other.start < right for other in facts.quantities):
        reasons.append("分句中还有别的数字")
    return tuple(dict.fromkeys(reasons))


def _item_scores(item: Item, summary: str) -> list[tuple[CategoryKey, int]]:
    return category_scores(summary) or category_scores(item.title or "", item.text)


def category_doubt(item: Item, summary: str) -> str | None:
    """Why the rules floor is not sure of an item's category (``None``: sure)."""
    scores = _item_scores(item, summary)
    if not scores:
        return _NO_CATEGORY_EVIDENCE
    best = scores[0][1]
    if best < _WEAK_CATEGORY:
        return "类别关键词依据弱"
    if len(scores) > 1 and scores[1][1] >= best * _SPLIT_CATEGORY:
        return "类别关键词依据分散"
    return None


def category_choices(item: Item, summary: str) -> tuple[CategoryKey, ...]:
    """The categories the model may choose from: the close candidates when the evidence is
    split (in the vocabulary's order, not the rules' ranking), else all (empty)."""
    scores = _item_scores(item, summary)
    if len(scores) < 2 or scores[0][1] < _WEAK_CATEGORY:
        return ()
    close = {key for key, score in scores if score >= scores[0][1] * _SPLIT_CATEGORY}
    if len(close) < 2:
        return ()
    return tuple(key for key in get_args(CategoryKey) if key in close)


def _floor_items(summary: ReportSummary, part: PartKind) -> Sequence[Achievement | Problem | Plan]:
    if part == "achievements":
        return summary.achievements
    return summary.problems if part == "problems" else summary.plans


def _item_targets(
    facts: ReportFacts, part: PartKind, scope: Scope, settings: Settings
) -> list[ItemTarget]:
    items = facts.items[part]
    floor = _floor_items(facts.baseline, part)
    causes_located = part == "problems" and len(
        [item for section in facts.report.sections_of("causes") for item in section.items]
    ) == len(items)
    targets = []
    for index, (item, result) in enumerate(zip(items, floor, strict=True)):
        reasons: dict[str, str] = {}
        if item.title is None:
            reasons["summary"] = "条目没有小标题"
        elif scope == "all":
            reasons["summary"] = "scope=all"
        doubt = category_doubt(item, result.summary)
        if doubt == _NO_CATEGORY_EVIDENCE or (doubt is not None and scope == "all"):
            reasons["category"] = doubt
        elif scope == "all":
            reasons["category"] = "scope=all"
        if part == "problems":
            if not causes_located:
                reasons["cause"] = "规则找不到该问题的原因"
            elif scope == "all":
                reasons["cause"] = "scope=all"
        if not reasons:
            continue
        asked: tuple[ItemField, ...] = tuple(
            name for name in ("summary", "category", "cause") if name in reasons
        )
        shown = re.sub(r"\s+", " ", item.text).strip()
        if len(shown) > settings.item_chars:
            shown = shown[: settings.item_chars] + "…"
        choices = category_choices(item, result.summary) if "category" in asked else ()
        targets.append(
            ItemTarget(index, item.text, shown, item.start, asked, reasons, choices=choices)
        )
    return targets


def _name_target(facts: ReportFacts, index: int, reasons: tuple[str, ...]) -> NameTarget:
    text = facts.report.text
    quantity = facts.quantities[index]
    span = sentence_span(text, quantity.start, quantity.end)
    # A list (审核决策、文件等295件) is one clause here: the name may be any of its words;
    # unless the list holds other numbers (学法8次、集中学法16次): then each its own item.
    left, right = clause_span(text, quantity.start, quantity.end, breaks=COMMA_CLAUSE_BREAK)
    if any(other is not quantity and left <= other.start < right for other in facts.quantities):
        left, right = clause_span(text, quantity.start, quantity.end)
    # An enumeration run on without a comma (…4次二是组织…) starts a new clause.
    enumeration = list(re.finditer(r"[一二三四五六七八九十]是", text[left:right]))
    for match in enumeration:
        if left + match.start() >= quantity.end:
            right = left + match.start()
            break
    for match in reversed(enumeration):
        if left + match.start() < quantity.start:
            left = left + match.start()
            break
    own = text[left : quantity.start] + text[quantity.end : right]
    own = re.sub(r"\d{4}年|[共计达的]|[^\u4e00-\u9fff]", "", own)
    if (len(own) < 2 or quantity.unit == "%") and left > span[0]:
        # A bare clause (共20余次): what is counted stands in the clause before; so does
        # the subject of a rate (聘请法律顾问11个村，覆盖率100%).
        left = max(span[0], clause_span(text, left - 1, left - 1, breaks=COMMA_CLAUSE_BREAK)[0])
    sentence = re.sub(r"\s+", " ", text[span[0] : span[1]]).strip()
    # What else a good annotator names a number from: the item's and the part's headings.
    section = facts.report.section_at(quantity.start)
    headings = [section.heading or ""] if section is not None else []
    if section is not None:
        headings += [
            item.title or "" for item in section.items if item.start <= quantity.start < item.end
        ]
    others = tuple(
        facts.baseline.indicators[other].name
        for other, neighbour in enumerate(facts.quantities)
        if other != index and span[0] <= neighbour.start < span[1]
    )
    return NameTarget(
        index,
        quantity.raw,
        sentence,
        text[left:right],
        reasons,
        context=" ".join([sentence, *headings]),
        unit=quantity.unit,
        floor=facts.baseline.indicators[index].name,
        others=others,
    )


def plan_tasks(facts: ReportFacts, settings: Settings, scope: Scope) -> list[Task]:
    """The questions for one report, fewest first: only unsure fields unless scope="all".

    Unsure names go in requests of up to ``keys_per_request`` quantities; each part's
    unsure items in one request of up to ``keys_per_request`` items.
    """
    per_request = settings.keys_per_request or 8
    tasks: list[Task] = []
    names = []
    for index in facts.candidates:
        reasons = name_doubts(facts, index)
        if scope == "all" and not reasons:
            reasons = ("scope=all",)
        if reasons:
            names.append(_name_target(facts, index, reasons))
    if names:
        tasks.append(NamesTask(names, max_keys=per_request))
    if kinds := kind_targets(facts, scope):
        tasks.append(KindsTask(kinds, max_keys=per_request))
    report = facts.report
    for part in _PARTS:
        targets = _item_targets(facts, part, scope, settings)
        if not targets:
            continue
        cause_text = ""
        cause_region = None
        if part == "problems":
            regions = report.sections_of("problems", "causes")
            cause_region = (regions[0].start, regions[-1].end) if regions else None
            causes = report.sections_of("causes")
            if causes:
                cause_text = re.sub(r"\s+", " ", causes[0].body(report.text)).strip()
                cause_text = cause_text[: settings.block_chars]
        tasks.append(
            ItemsTask(
                part,
                targets,
                report_text=report.text,
                cause_text=cause_text,
                cause_region=cause_region,
                threshold=settings.fuzzy_threshold,
                max_keys=per_request,
            )
        )
    return tasks
