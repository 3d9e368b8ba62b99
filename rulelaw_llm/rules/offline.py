"""The rules backend: a ``ReportSummary`` from the deterministic pre-pass alone.

Useful with no key and no network, and the floor the LLM backend must never fall below:
every item is grounded by construction (its evidence is a slice of ``Report.text``).
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib import metadata

from rulelaw_llm.categories import CategoryKey, category_scores, classify, decisive
from rulelaw_llm.reading.document import Item, Report, Section, load_report
from rulelaw_llm.rules.digest import DEFAULT_DIGEST_CHARS, assemble_digest, plan_digest
from rulelaw_llm.rules.grounding import clause_span, evidence_at, sentence_span
from rulelaw_llm.rules.measures import KindEvidence, rule_kind
from rulelaw_llm.rules.naming import name_quantities, name_quantity
from rulelaw_llm.rules.quantities import Quantity, find_quantities
from rulelaw_llm.schema import (
    Achievement,
    Coverage,
    Evidence,
    Indicator,
    Plan,
    Problem,
    Provenance,
    ReportSummary,
)

__all__ = ["as_report", "kind_evidence", "library_version", "summarize_offline"]


def library_version() -> str:
    """The installed version of rulelaw_llm."""
    try:
        return metadata.version("rulelaw-llm")
    except metadata.PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


def as_report(source: str | os.PathLike[str] | bytes | Report) -> Report:
    """Accept a path, a text, raw bytes or an already loaded ``Report``."""
    return source if isinstance(source, Report) else load_report(source)


def indicator_name(
    text: str, quantity: Quantity, others: Sequence[Quantity] = ()
) -> tuple[str, tuple[int, int]]:
    """What a quantity counts (``naming.name_quantity``) and the clause it is quoted from.

    先后召开4次法治专题学习会议 -> 法治专题学习会议, with the clause as evidence.
    """
    return name_quantity(text, quantity, others), clause_span(text, quantity.start, quantity.end)


def period_of(
    text: str, clause: tuple[int, int], quantity: Quantity, year: int | None
) -> str | None:
    """The year a quantity is tied to when it is not the report's year (由2023年的20批次)."""
    before = text[clause[0] : quantity.start]
    years: list[str] = re.findall(r"(20\d{2})年", before)
    if years and (year is None or int(years[-1]) != year):
        return years[-1]
    return None


def _item_evidence(report: Report, item: Item) -> tuple[str, Evidence]:
    """The summary of an item (its title, else first sentence) and the evidence for it."""
    body_start = item.start + len(item.marker)
    while body_start < item.end and report.text[body_start] in " ：:、":
        body_start += 1
    if item.title:
        start = report.text.find(item.title, body_start, item.end)
        if start >= 0:
            return item.title, evidence_at(report, start, start + len(item.title))
    left, right = sentence_span(report.text, body_start, body_start)
    left = max(left, body_start)
    right = min(right, item.end)
    evidence = evidence_at(report, left, right)
    summary = evidence.quote.rstrip("。；;！？!?")
    if len(summary) > 80:
        clause_end = clause_span(report.text, left, left)[1]
        summary = report.text[left:clause_end]
    return summary, evidence


def _category(item: Item | None, clause: str) -> CategoryKey:
    """The clause's own words decide; the enclosing item's words decide when they do not.

    When the clause names no category, or two equally (提升法治素养，营造浓厚法治氛围), the
    item's heading and body are weighed together.
    """
    scores = category_scores(clause)  # weighed once, for the choice and its decisiveness
    if item is not None and not decisive(scores):
        return classify(item.title or "", item.text)
    return scores[0][0] if scores else "other"


def kind_evidence(report: Report, quantity: Quantity, name: str) -> KindEvidence:
    """The words a number's kind is judged from: its name, clause, sentence and item heading."""
    clause = clause_span(report.text, quantity.start, quantity.end)
    item = _item_at(report.section_at(quantity.start), quantity.start)
    sentence = sentence_span(report.text, quantity.start, quantity.end)
    return KindEvidence(
        name=name,
        clause=report.text[clause[0] : clause[1]],
        sentence=report.text[sentence[0] : sentence[1]],
        heading=item.title or "" if item is not None else "",
        unit=quantity.unit,
    )


def _item_at(section: Section | None, offset: int) -> Item | None:
    if section is None:
        return None
    # Items are in text order and do not overlap: bisection, for parts with many items.
    index = bisect.bisect_right(section.items, offset, key=lambda item: item.start)
    if index and section.items[index - 1].start <= offset < section.items[index - 1].end:
        return section.items[index - 1]
    return None


def summarize_offline(
    source: str | os.PathLike[str] | bytes | Report,
    *,
    digest_chars: int = DEFAULT_DIGEST_CHARS,
    quantities: Sequence[Quantity] | None = None,
) -> ReportSummary:
    """Summarize a report with the deterministic pre-pass only (no model, no network).

    Indicators come from the quantities in the achievement parts, problems and plans from
    their parts' items, achievements from the items of part 1 (and of the 第一责任人 part).
    ``quantities`` may pass ``find_quantities(report.text)`` when the caller already has it
    (the LLM backend computes it once per report).
    """
    report = as_report(source)
    warnings: list[str] = list(report.warnings)

    achievements = [
        Achievement(category=_category(item, summary), summary=summary, evidence=evidence)
        for section in report.sections_of("achievements", "responsibility")
        for item in section.items
        for summary, evidence in [_item_evidence(report, item)]
    ]

    indicators: list[Indicator] = []
    candidates = 0
    if quantities is None:
        quantities = find_quantities(report.text)
    names = name_quantities(report.text, quantities)
    for quantity, name in zip(quantities, names, strict=True):
        section = report.section_at(quantity.start)
        # Numbers in the plans part are targets for next year; everywhere else they are
        # facts about the year's work (numbers in the problems part too: 仍有3件积案).
        in_plans = section is not None and section.kind == "plans"
        if not in_plans:
            candidates += 1
        clause = clause_span(report.text, quantity.start, quantity.end)
        period = period_of(report.text, clause, quantity, report.year)
        if in_plans and period is None and report.year:
            period = str(report.year + 1)
        item = _item_at(section, quantity.start)
        indicators.append(
            Indicator(
                name=name,
                value=quantity.value,
                unit=quantity.unit,
                approx=quantity.approx,
                period=period,
                category=_category(item, report.text[clause[0] : clause[1]]),
                kind=rule_kind(kind_evidence(report, quantity, name)),
                evidence=evidence_at(report, *clause),
            )
        )

    problems: list[Problem] = []
    problem_items = [item for s in report.sections_of("problems") for item in s.items]
    cause_items = [item for s in report.sections_of("causes") for item in s.items]
    if cause_items and len(cause_items) != len(problem_items):
        warnings.append(
            f"原因部分有 {len(cause_items)} 条、问题部分有 {len(problem_items)} 条，"
            "按顺序对应，多出的原因未能对应到问题。"
        )
    for index, item in enumerate(problem_items):
        summary, evidence = _item_evidence(report, item)
        cause = cause_evidence = None
        if index < len(cause_items):
            cause, cause_evidence = _item_evidence(report, cause_items[index])
            # The cause is the evidence itself: the same span, without end punctuation.
            start = cause_evidence.start
            cause_evidence = evidence_at(report, start, start + len(cause))
            cause = cause_evidence.quote
        problems.append(
            Problem(
                category=_category(item, summary),
                summary=summary,
                cause=cause,
                evidence=evidence,
                cause_evidence=cause_evidence,
            )
        )

    plans = [
        Plan(category=_category(item, summary), summary=summary, evidence=evidence)
        for section in report.sections_of("plans")
        for item in section.items
        for summary, evidence in [_item_evidence(report, item)]
    ]

    if not report.sections_of("achievements", "responsibility"):
        warnings.append("未识别到“主要举措和成效”部分：成效条目可能不完整。")
    if not problem_items:
        warnings.append("未识别到“存在的问题”部分。")
    if not plans:
        warnings.append("未识别到“下一年度工作安排”部分。")
    if report.entity is None:
        warnings.append("未能从标题识别报告主体（单位名称）。")
    if report.year is None:
        warnings.append("未能识别报告年度。")

    digest, claims = assemble_digest(
        plan_digest(
            entity=report.entity,
            year=report.year,
            achievements=achievements,
            indicators=indicators,
            problems=problems,
            plans=plans,
            title=report.title,
            parent_entity=report.parent_entity,
            max_chars=digest_chars,
            text=report.text,
        )
    )
    return ReportSummary(
        entity=report.entity,
        parent_entity=report.parent_entity,
        level=report.level,
        year=report.year,
        title=report.title,
        published=report.published,
        metadata=dict(report.metadata),
        achievements=achievements,
        indicators=indicators,
        problems=problems,
        plans=plans,
        digest=digest,
        digest_claims=claims,
        warnings=warnings,
        coverage=Coverage(candidates=candidates, indicators=candidates, unresolved=0),
        provenance=Provenance(
            backend="rules",
            library_version=library_version(),
            source=report.source,
            text_sha256=text_digest(report.text),
            created_at=datetime.now(timezone.utc),
        ),
    )


def text_digest(text: str) -> str:
    """SHA-256 of a report's cleaned text (the identity of its content)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
