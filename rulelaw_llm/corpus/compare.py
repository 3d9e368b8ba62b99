"""``rulelaw-llm compare``: what many reports state of each measure, what to check, and what
changed from one year to the next.

``compare_results(results)`` reads one or more results files (any format ``read_results``
reads) and gives, per kind (``rulelaw_llm.kinds``):

* how many reports state it and in how many indicators;
* by level tier (乡镇（街道）, 县（区）, 市（州）, 省, 部门): min / median / max of the reports'
  figures in the family's base unit (``auditing.comparison.kind_rows``);
* the outliers a person should check (``auditing.comparison.find_outliers``: a rate above
  100 %, ten times the median of the kind and tier, a count named as a rate), each with the
  report's words and where they stand.

**Year over year**: when the results hold two years of the same issuer (the same entity and
parent, consecutive years; from two files or from one), ``changes`` gives per issuer and
kind the figure of each year and the change, and ``follow_through`` how many of last year's
plans this year's report follows up — the audit's ``plan_not_followed`` check
(``rulelaw_llm.auditing``), run here on those issuers only; ``rulelaw-llm audit 今年 --previous
去年`` shows each plan and its evidence.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from rulelaw_llm.auditing.audit import audit_subjects, subjects_of
from rulelaw_llm.auditing.comparison import (
    LEVEL_TIERS,
    KindRow,
    find_outliers,
    kind_rows,
    level_tier,
    median,
)
from rulelaw_llm.corpus.evaluation import _table
from rulelaw_llm.corpus.render import escape_markdown
from rulelaw_llm.errors import InputError
from rulelaw_llm.kinds import KINDS
from rulelaw_llm.results import ResultRecord, read_results
from rulelaw_llm.schema import Evidence, ReportSummary

__all__ = [
    "Change",
    "Comparison",
    "FollowThrough",
    "KindComparison",
    "OutlierEntry",
    "TierStats",
    "compare_results",
    "comparison_to_json",
    "comparison_to_markdown",
    "comparison_to_table",
    "read_many",
]

ResultsSource = str | os.PathLike[str]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TierStats(_Model):
    """One kind's figures in one level tier."""

    tier: str = Field(description="层级组：乡镇（街道）、县（区）、市（州）、省、部门")
    reports: int = Field(description="该层级中写明这一种类的报告数")
    minimum: float
    median: float
    maximum: float


class KindComparison(_Model):
    """What the reports state of one kind."""

    kind: str
    label: str
    category: str
    unit: str = Field(description="单位族的基本单位（数值都已换算到它）")
    aggregate: str = Field(description="sum：一份报告的数值为各指标之和；mean：比率取平均")
    reports: int = Field(description="写明这一种类的报告数")
    indicators: int = Field(description="这些报告中该种类的指标数（计入合计的）")
    tiers: list[TierStats] = Field(default_factory=list)


class OutlierEntry(_Model):
    """A figure to check (请核对), with its report and words."""

    input: str
    entity: str | None
    level: str | None
    tier: str
    code: str = Field(description="rate_over_100 / ten_times_median / count_for_rate")
    kind: str
    kind_label: str
    value: float
    unit: str
    median: float | None = None
    others: int = 0
    message: str
    indicators: list[int] = Field(description="涉及的指标在该报告 indicators 中的序号")
    evidence: list[Evidence]


class Change(_Model):
    """One issuer's figure of one kind in two consecutive years."""

    entity: str
    parent_entity: str | None
    kind: str
    label: str
    unit: str
    previous_year: int
    previous: float | None = Field(description="上一年度的数值（没有写明时为空）")
    year: int
    current: float | None = Field(description="本年度的数值（没有写明时为空）")
    change: float | None = Field(description="本年度减上一年度（有一年没有写明时为空）")
    ratio: float | None = Field(
        description="变化的比例（上一年度为 0 或为空时、比率（变化以百分点计）为空）"
    )
    previous_input: str
    input: str


class FollowThrough(_Model):
    """How many of last year's plans this year's report follows up (the audit's check)."""

    entity: str
    parent_entity: str | None
    previous_year: int
    year: int
    plans: int
    followed: int
    input: str
    previous_input: str


class Comparison(_Model):
    """The comparison of a set of reports."""

    reports: int
    failed: int = Field(default=0, description="结果文件中处理失败的输入数")
    kinds: list[KindComparison] = Field(default_factory=list)
    outliers: list[OutlierEntry] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    follow_through: list[FollowThrough] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def read_many(
    sources: ResultsSource | Sequence[ResultsSource],
) -> tuple[list[ResultRecord], int, list[str]]:
    """The result records of one or more results files (one per report text: the last wins),
    how many inputs failed, and notes about what was skipped."""
    if isinstance(sources, str | os.PathLike):
        sources = [sources]
    records: dict[str, ResultRecord] = {}
    failed = 0
    notes: list[str] = []
    for source in sources:
        loaded = read_results(Path(source))
        failed += len(loaded.errors)
        notes += [str(warning) for warning in loaded.warnings]
        for record in loaded.results:
            records[record.summary.provenance.text_sha256] = record
    if not records:
        raise InputError(
            "结果文件中没有任何报告的结果：请先用 rulelaw-llm batch 或 summarize 生成结果。"
        )
    return list(records.values()), failed, notes


def compare_results(sources: ResultsSource | Sequence[ResultsSource]) -> Comparison:
    """Compare the reports of one or more results files (see the module docstring).

    Raises ``InputError`` if a file cannot be read or holds no result.
    """
    records, failed, notes = read_many(sources)
    summaries = [record.summary for record in records]
    rows = [kind_rows(summary) for summary in summaries]
    return Comparison(
        reports=len(records),
        failed=failed,
        kinds=_kinds(summaries, rows),
        outliers=_outliers(records, rows),
        changes=_changes(records, rows),
        follow_through=_follow_through(records),
        notes=notes,
    )


def _kinds(
    summaries: Sequence[ReportSummary], rows: Sequence[Sequence[KindRow]]
) -> list[KindComparison]:
    by_kind: dict[str, list[tuple[str, KindRow]]] = defaultdict(list)
    for summary, report_rows in zip(summaries, rows, strict=True):
        for row in report_rows:
            by_kind[row.kind].append((level_tier(summary.level), row))
    order = [*dict.fromkeys(LEVEL_TIERS.values()), "层级不明"]
    kinds = []
    for key in KINDS:
        members = by_kind.get(key)
        if not members:
            continue
        tiers: dict[str, list[float]] = defaultdict(list)
        for tier, row in members:
            tiers[tier].append(row.value)
        kind = KINDS[key]
        first = members[0][1]
        kinds.append(
            KindComparison(
                kind=key,
                label=kind.label,
                category=kind.category,
                unit=first.unit,
                aggregate=first.aggregate,
                reports=len(members),
                indicators=sum(len(row.counted) for _, row in members),
                tiers=[
                    TierStats(
                        tier=tier,
                        reports=len(values),
                        minimum=min(values),
                        median=median(values),
                        maximum=max(values),
                    )
                    for tier in order
                    if (values := tiers.get(tier))
                ],
            )
        )
    kinds.sort(key=lambda kind: -kind.reports)
    return kinds


def _outliers(
    records: Sequence[ResultRecord], rows: Sequence[Sequence[KindRow]]
) -> list[OutlierEntry]:
    found = find_outliers([record.summary for record in records], rows=rows)
    return [
        OutlierEntry(
            input=record.input,
            entity=record.summary.entity,
            level=record.summary.level,
            tier=outlier.tier,
            code=outlier.code,
            kind=outlier.kind,
            kind_label=KINDS[outlier.kind].label,
            value=outlier.value,
            unit=outlier.unit,
            median=outlier.median,
            others=outlier.others,
            message=outlier.message,
            indicators=list(outlier.indexes),
            evidence=list(outlier.evidence),
        )
        for record, outliers in zip(records, found, strict=True)
        for outlier in outliers
    ]


def _issuer(summary: ReportSummary) -> tuple[str, str | None] | None:
    if not summary.entity or summary.year is None:
        return None
    return summary.entity, summary.parent_entity


def _pairs(records: Sequence[ResultRecord]) -> list[tuple[int, int]]:
    """(previous, current) record indexes of the same issuer in consecutive years."""
    by_issuer: dict[tuple[str, str | None], dict[int, int]] = defaultdict(dict)
    for index, record in enumerate(records):
        issuer = _issuer(record.summary)
        if issuer is not None:
            by_issuer[issuer][record.summary.year or 0] = index
    pairs = []
    for years in by_issuer.values():
        for year, index in sorted(years.items()):
            if year - 1 in years:
                pairs.append((years[year - 1], index))
    return pairs


def _changes(records: Sequence[ResultRecord], rows: Sequence[Sequence[KindRow]]) -> list[Change]:
    changes = []
    for before, now in _pairs(records):
        old = {row.kind: row for row in rows[before]}
        new = {row.kind: row for row in rows[now]}
        summary, earlier = records[now].summary, records[before].summary
        for key in KINDS:
            if key not in old and key not in new:
                continue
            previous = old[key].value if key in old else None
            current = new[key].value if key in new else None
            change = current - previous if current is not None and previous is not None else None
            changes.append(
                Change(
                    entity=summary.entity or "",
                    parent_entity=summary.parent_entity,
                    kind=key,
                    label=KINDS[key].label,
                    unit=KINDS[key].base,
                    previous_year=earlier.year or 0,
                    previous=previous,
                    year=summary.year or 0,
                    current=current,
                    change=change,
                    # A rate changes by points, not by a share of itself.
                    ratio=(
                        change / previous
                        if change is not None and previous and KINDS[key].family != "rate"
                        else None
                    ),
                    previous_input=records[before].input,
                    input=records[now].input,
                )
            )
    return changes


def _follow_through(records: Sequence[ResultRecord]) -> list[FollowThrough]:
    pairs = _pairs(records)
    if not pairs:
        return []
    current = subjects_of([(records[now].input, records[now].summary) for _, now in pairs])
    previous = subjects_of(
        [(records[before].input, records[before].summary) for before, _ in pairs]
    )
    audits = audit_subjects(current, previous=previous)
    follow = []
    for (before, now), result in zip(pairs, audits, strict=True):
        if result.follow_up is None:
            continue
        summary = records[now].summary
        follow.append(
            FollowThrough(
                entity=summary.entity or "",
                parent_entity=summary.parent_entity,
                previous_year=records[before].summary.year or 0,
                year=summary.year or 0,
                plans=len(result.follow_up),
                followed=sum(1 for item in result.follow_up if item.followed),
                input=records[now].input,
                previous_input=records[before].input,
            )
        )
    return follow


# --------------------------------------------------------------------------- rendering


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def _sections(
    comparison: Comparison, limit: int | None, escape: Callable[[str], str] = str
) -> list[str]:
    kinds = comparison.kinds
    kind_rows_shown = [
        [
            kind.label,
            kind.unit,
            str(kind.reports),
            str(kind.indicators),
            tier.tier,
            str(tier.reports),
            _number(tier.minimum),
            _number(tier.median),
            _number(tier.maximum),
        ]
        for kind in kinds
        for tier in kind.tiers
    ]
    header = ["种类", "单位", "报告数", "指标数", "层级", "该层级报告数", "最小", "中位数", "最大"]
    parts = [
        f"共 {comparison.reports} 份报告"
        + (f"（另有 {comparison.failed} 份处理失败）" if comparison.failed else "")
        + f"，写明的统计种类 {len(kinds)} 种（比率取平均，其余为各报告之和，单位已换算）。",
        "",
        _table(header, kind_rows_shown) if kind_rows_shown else "（没有可比较的统计种类。）",
        "",
    ]
    outliers = comparison.outliers if limit is None else comparison.outliers[:limit]
    parts.append(f"需要核对的数据（请核对）：{len(comparison.outliers)} 处")
    for outlier in outliers:
        where = "；".join(f"{e.start}–{e.end}" for e in outlier.evidence)
        parts.append(
            f"- {escape(outlier.entity or outlier.input)}（{escape(outlier.input)}，位置 {where}）："
            + escape(outlier.message)
        )
    if limit is not None and len(comparison.outliers) > limit:
        parts.append(f"- ……另有 {len(comparison.outliers) - limit} 处，用 --format json 查看全部。")
    if comparison.changes:
        parts += ["", "逐年比较（同一主体相邻两个年度）：", ""]
        parts.append(
            _table(
                ["主体", "种类", "单位", "上一年度", "本年度", "变化"],
                [
                    [
                        escape(change.entity),
                        change.label,
                        change.unit,
                        f"{change.previous_year}：{_number(change.previous)}",
                        f"{change.year}：{_number(change.current)}",
                        _number(change.change)
                        + (" 个百分点" if change.unit == "%" and change.change is not None else "")
                        + (f"（{change.ratio:+.0%}）" if change.ratio is not None else ""),
                    ]
                    for change in comparison.changes
                ],
            )
        )
    if comparison.follow_through:
        parts += [
            "",
            "上年计划落实（审核 plan_not_followed 的核对；逐项依据见 rulelaw-llm audit 本年 --previous 上年）：",
        ]
        parts += [
            f"- {escape(item.entity)}：{item.previous_year} 年计划 {item.plans} 项，{item.year} 年报告中见到落实 {item.followed} 项"
            for item in comparison.follow_through
        ]
    parts += [f"- {escape(note)}" for note in comparison.notes]
    return parts


def comparison_to_table(comparison: Comparison, *, limit: int | None = 50) -> str:
    """The comparison for a terminal (aligned tables; at most ``limit`` outliers listed)."""
    return "\n".join(_sections(comparison, limit))


def comparison_to_markdown(comparison: Comparison) -> str:
    """The comparison as Markdown (every outlier listed)."""
    return "# 指标比较\n\n" + "\n".join(_sections(comparison, None, escape_markdown)) + "\n"


def comparison_to_json(comparison: Comparison) -> str:
    """The comparison as JSON."""
    return json.dumps(comparison.model_dump(mode="json"), ensure_ascii=False, indent=2)
