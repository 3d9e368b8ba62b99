"""Comparing numbers across reports: one row per report and kind, and the outliers to check.

A report states a measure (a kind, ``rulelaw_llm.kinds``) once or several times: 排查矛盾纠纷124起
and 排查60余次 are both dispute screenings. ``kind_rows`` gives one row per report and kind:
the values of its indicators in the family's base unit (万元 → 元, 名 → 人次), summed — a rate
is averaged instead — with the indicators it sums and their quotes, so that every figure can
be traced to the report's words. Not summed: numbers tied to another year (由2023年的20批次;
the plans part's targets), parts of a number before them (其中已办结173件，正在办理16件: a
clause opened by 其中 and the clauses of the same kind right after it), and ``other``.

``find_outliers`` looks across reports for figures a person should check (请核对):

* ``rate_over_100``: a rate of a rate kind above 100 %;
* ``ten_times_median``: a report's figure of a kind at least ten times the median of the
  same kind among the other reports of its level tier (乡镇（街道）, 县（区）, 市（州）, 省, 部门),
  when at least ``OUTLIER_MINIMUM_REPORTS`` other reports state it;
* ``count_for_rate``: a number named as a rate (化解率, 持证比例) whose unit is not %.

Both the audit (``indicator_outlier`` findings) and the corpus tools (``compare``, exports,
the review page) read these; results of schema 1.2 (no ``kind``) get the rules' kind from the
name and quote.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rulelaw_llm.auditing.model import RUBRIC, Finding
from rulelaw_llm.kinds import KINDS, FamilyKey, KindKey, fold_unit, to_base
from rulelaw_llm.rules.measures import KindEvidence, rule_kind
from rulelaw_llm.schema import Evidence, Indicator, ReportSummary

__all__ = [
    "LEVEL_TIERS",
    "OUTLIER_FACTOR",
    "OUTLIER_MINIMUM_REPORTS",
    "Counted",
    "KindRow",
    "Outlier",
    "OutlierCode",
    "find_outliers",
    "indicator_kinds",
    "kind_rows",
    "level_tier",
    "median",
    "outlier_findings",
]

#: How many other reports of the same kind and level tier a median needs (as the audit's
#: corpus median, ``auditing.checks.MEDIAN_MINIMUM_REPORTS``): townships differ in size, so
#: a median of three or four of them is no yardstick (the five samples' 化解矛盾纠纷 run
#: from 1 to 96).
OUTLIER_MINIMUM_REPORTS = 5
#: A figure this many times the median of its kind and level tier is to be checked.
OUTLIER_FACTOR = 10.0
#: Levels compared together: a township and a street do the same work.
LEVEL_TIERS: dict[str, str] = {
    "乡": "乡镇（街道）",
    "镇": "乡镇（街道）",
    "街道": "乡镇（街道）",
    "县": "县（区）",
    "区": "县（区）",
    "市": "市（州）",
    "州": "市（州）",
    "省": "省",
    "部门": "部门",
}
_UNKNOWN_TIER = "层级不明"
_PART = re.compile(r"^\s*(?:其中|内含|含)")
#: A name that says rate: only a % can measure it.
_RATE_NAME = re.compile(r"(?:率|比例|比率|占比)$")

OutlierCode = Literal["rate_over_100", "ten_times_median", "count_for_rate"]


def level_tier(level: str | None) -> str:
    """The tier a level is compared in (乡、镇、街道 → 乡镇（街道）)."""
    return LEVEL_TIERS.get(level or "", _UNKNOWN_TIER)


@dataclass(frozen=True, slots=True)
class Counted:
    """One indicator a row sums: its position, its value in the base unit and its words."""

    index: int
    """Its index in the summary's ``indicators`` (from 0)."""
    value: float
    unit: str
    """The unit the report wrote (folded): 名, 场次…"""
    approx: bool
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class KindRow:
    """What one report states of one kind."""

    kind: KindKey
    family: FamilyKey
    unit: str
    """The family's base unit (次, 人次, 件, 份, 个, %, 元, 户, 年)."""
    value: float
    """The sum of ``counted`` in ``unit``; for rates, their mean."""
    aggregate: Literal["sum", "mean"]
    approx: bool
    """Any counted figure was approximate or a lower bound (500余份)."""
    counted: tuple[Counted, ...]
    parts: tuple[int, ...] = ()
    """Indexes of indicators of this kind not summed: parts of a number before them."""

    @property
    def label(self) -> str:
        """The kind's Chinese label."""
        return KINDS[self.kind].label


def indicator_kinds(summary: ReportSummary) -> list[KindKey]:
    """Each indicator's kind; results written before schema 1.3 get the rules' kind."""
    if _version(summary.provenance.schema_version) >= (1, 3):
        return [indicator.kind for indicator in summary.indicators]
    return [_rules_kind(indicator) for indicator in summary.indicators]


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError:
        return (0,)


def _rules_kind(indicator: Indicator) -> KindKey:
    quote = indicator.evidence.quote
    return rule_kind(
        KindEvidence(name=indicator.name, clause=quote, sentence=quote, unit=indicator.unit)
    )


def _counts_this_year(indicator: Indicator, year: int | None) -> bool:
    return indicator.period is None or (year is not None and indicator.period == str(year))


def kind_rows(summary: ReportSummary) -> list[KindRow]:
    """One row per kind the report states (``other`` left out), in the vocabulary's order."""
    grouped: dict[KindKey, list[Counted]] = defaultdict(list)
    parts: dict[KindKey, list[int]] = defaultdict(list)
    part_ends: dict[KindKey, int] = {}
    for index, (indicator, kind) in enumerate(
        zip(summary.indicators, indicator_kinds(summary), strict=True)
    ):
        if kind == "other" or not _counts_this_year(indicator, summary.year):
            continue
        based = to_base(kind, indicator.value, indicator.unit)
        if based is None:  # a kind given by hand that does not take this unit
            continue
        evidence = indicator.evidence
        # 其中已办结173件，正在办理16件: both are parts of the figure before them.
        follows_part = 0 <= evidence.start - part_ends.get(kind, -9) <= 1
        if grouped[kind] and (_PART.match(evidence.quote) or follows_part):
            parts[kind].append(index)
            part_ends[kind] = evidence.end
            continue
        grouped[kind].append(
            Counted(
                index, based[0], fold_unit(indicator.unit), indicator.approx, indicator.evidence
            )
        )
    rows = []
    for vocabulary_kind in KINDS.values():
        kind, family = vocabulary_kind.key, vocabulary_kind.family
        counted = grouped.get(kind)
        if not counted or family is None:  # only ``other`` has no family
            continue
        # Rates and runs of years (连续5年) are not added up across indicators: averaged.
        is_rate = family in ("rate", "years")
        total = sum(item.value for item in counted)
        rows.append(
            KindRow(
                kind=kind,
                family=family,
                unit=vocabulary_kind.base,
                value=total / len(counted) if is_rate else total,
                aggregate="mean" if is_rate else "sum",
                approx=any(item.approx for item in counted),
                counted=tuple(counted),
                parts=tuple(parts.get(kind, ())),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class Outlier:
    """A figure to check, with the words it comes from."""

    code: OutlierCode
    kind: KindKey
    indexes: tuple[int, ...]
    """The indicators concerned (indexes in the summary's ``indicators``)."""
    value: float
    unit: str
    tier: str
    median: float | None
    """``ten_times_median``: the median of the other reports of the kind and tier."""
    others: int
    """``ten_times_median``: how many other reports of the kind and tier state it."""
    message: str
    evidence: tuple[Evidence, ...]


def median(values: Sequence[float]) -> float:
    """The median of ``values`` (not empty)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _median_without(ordered: Sequence[float], position: int) -> float:
    """The median of the sorted ``ordered`` without the element at ``position``."""
    count = len(ordered) - 1

    def at(rank: int) -> float:
        return ordered[rank if rank < position else rank + 1]

    middle = count // 2
    return at(middle) if count % 2 else (at(middle - 1) + at(middle)) / 2


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def find_outliers(
    summaries: Sequence[ReportSummary],
    *,
    rows: Sequence[Sequence[KindRow]] | None = None,
) -> list[list[Outlier]]:
    """The outliers of each summary, compared with the others (one list per summary).

    ``rows`` may pass ``[kind_rows(s) for s in summaries]`` when the caller has them.
    """
    if rows is None:
        rows = [kind_rows(summary) for summary in summaries]
    found: list[list[Outlier]] = [[] for _ in summaries]
    groups: dict[tuple[KindKey, str], list[tuple[float, int, KindRow]]] = defaultdict(list)
    for position, (summary, report_rows) in enumerate(zip(summaries, rows, strict=True)):
        tier = level_tier(summary.level)
        for row in report_rows:
            if row.family == "rate":
                for item in row.counted:
                    if item.value > 100:
                        found[position].append(_rate_over_100(row, item, tier))
            else:
                groups[(row.kind, tier)].append((row.value, position, row))
        kinds = indicator_kinds(summary)
        for index, indicator in enumerate(summary.indicators):
            if _RATE_NAME.search(indicator.name) and fold_unit(indicator.unit) != "%":
                found[position].append(_count_for_rate(indicator, index, kinds[index], tier))
    for (_, tier), members in groups.items():
        if len(members) - 1 < OUTLIER_MINIMUM_REPORTS:
            continue
        members.sort(key=lambda member: member[0])
        ordered = [value for value, _, _ in members]
        for rank, (value, position, row) in enumerate(members):
            middle = _median_without(ordered, rank)
            if middle > 0 and value >= OUTLIER_FACTOR * middle:
                found[position].append(_ten_times(row, tier, middle, len(members) - 1))
    return found


def _rate_over_100(row: KindRow, item: Counted, tier: str) -> Outlier:
    return Outlier(
        code="rate_over_100",
        kind=row.kind,
        indexes=(item.index,),
        value=item.value,
        unit="%",
        tier=tier,
        median=None,
        others=0,
        message=(
            f"{row.label}为 {_number(item.value)}%，超过 100%：请核对数字或单位"
            f"（原文“{item.evidence.quote}”）。"
        ),
        evidence=(item.evidence,),
    )


def _ten_times(row: KindRow, tier: str, middle: float, others: int) -> Outlier:
    quotes = "；".join(f"“{item.evidence.quote}”" for item in row.counted[:3])
    return Outlier(
        code="ten_times_median",
        kind=row.kind,
        indexes=tuple(item.index for item in row.counted),
        value=row.value,
        unit=row.unit,
        tier=tier,
        median=middle,
        others=others,
        message=(
            f"{row.label}为 {_number(row.value)}{row.unit}，是同层级（{tier}）其他 {others} 份报告"
            f"中位数 {_number(middle)}{row.unit} 的 {row.value / middle:.0f} 倍：请核对数字、单位"
            f"（万、亿）是否有误（原文{quotes}）。"
        ),
        evidence=tuple(item.evidence for item in row.counted),
    )


def _count_for_rate(indicator: Indicator, index: int, kind: KindKey, tier: str) -> Outlier:
    return Outlier(
        code="count_for_rate",
        kind=kind,
        indexes=(index,),
        value=indicator.value,
        unit=indicator.unit,
        tier=tier,
        median=None,
        others=0,
        message=(
            f"“{indicator.name}”是比率，数字的单位却是“{indicator.unit}”"
            f"（{_number(indicator.value)}{indicator.unit}）：请核对应为百分比还是件数"
            f"（原文“{indicator.evidence.quote}”）。"
        ),
        evidence=(indicator.evidence,),
    )


def outlier_findings(outliers: Sequence[Outlier]) -> list[Finding]:
    """The audit's ``indicator_outlier`` findings (a warning that costs no points: the figure
    may be right, a person checks it)."""
    findings = []
    for outlier in outliers:
        threshold = (
            100.0
            if outlier.code == "rate_over_100"
            else OUTLIER_FACTOR * outlier.median
            if outlier.median is not None
            else None
        )
        findings.append(
            Finding(
                code="indicator_outlier",
                severity=RUBRIC["indicator_outlier"].severity,
                message=outlier.message,
                evidence=list(outlier.evidence),
                index=outlier.indexes[0] if outlier.indexes else None,
                indicator_kind=outlier.kind,
                outlier=outlier.code,
                measured=outlier.value,
                threshold=threshold,
                corpus_median=outlier.median,
            )
        )
    return findings
