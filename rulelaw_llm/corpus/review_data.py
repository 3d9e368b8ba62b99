"""The review page's data: the audits read from a file, one view per report with its
items and their positions in the text, boilerplate clusters and indicators shared across
reports. No HTML here (``review_html`` renders it; ``review`` assembles the page).
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rapidfuzz import fuzz, process

from rulelaw_llm.auditing.audit import CODE_LABELS
from rulelaw_llm.auditing.audit import SEVERITY_LABELS as AUDIT_SEVERITY_LABELS
from rulelaw_llm.auditing.comparison import KindRow, Outlier
from rulelaw_llm.categories import CATEGORIES
from rulelaw_llm.corpus.evaluation import (
    ResultEntry,
)
from rulelaw_llm.corpus.evaluation_model import (
    FIELDS,
    ItemKind,
    ReportEvaluation,
    SourceText,
    evidence_items,
    is_grounded,
)
from rulelaw_llm.errors import InputError, os_error_reason
from rulelaw_llm.reading.normalize import fold, squash
from rulelaw_llm.schema import Evidence, ReportSummary

#: ``fuzz.ratio`` (0–100) from which two items of different reports count as boilerplate.
BOILERPLATE_THRESHOLD = 80.0
#: ``fuzz.ratio`` from which two indicator names (with the same unit) are compared.
INDICATOR_NAME_THRESHOLD = 80.0

KIND_LABELS: dict[ItemKind, str] = {
    "achievement": "成效",
    "indicator": "数字指标",
    "problem": "问题",
    "cause": "原因",
    "plan": "计划",
}
_REJECTED_LABELS: dict[str, str] = {**dict(KIND_LABELS.items()), "digest": "摘要"}
_NONE = '<li class="empty">无</li>'
_KIND_ORDER: dict[ItemKind, int] = {kind: i for i, kind in enumerate(KIND_LABELS)}
_FIELD_OF_KIND: dict[ItemKind, str] = {
    "indicator": "indicators",
    "problem": "problems",
    "cause": "causes",
    "plan": "plans",
}
_MATCH_LABELS = {"exact": "逐字", "normalized": "忽略全半角/标点/空白", "fuzzy": "字符级近似"}
_PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
#: How many rows of the corpus table are shown at a time (a button shows more): laying out
#: a table of 1,000 rows takes the browser seconds.
TABLE_PAGE = 200
#: Up to this many rejected items, their list starts unfolded.
REJECTED_OPEN = 3
#: How many reports a category chart colours; the others are summed into one "其他" bar.
CHART_TOP_REPORTS = 9
#: How many values each indicator of the comparison chart shows before "其他".
CHART_TOP_VALUES = 10
#: How many other reports an item's boilerplate note names before "等 N 份报告".
BOILERPLATE_NAMES = 5
#: How many members of a boilerplate cluster are listed before the rest are folded away.
BOILERPLATE_SHOWN = 10
#: How many members of a boilerplate cluster are listed at most (the rest are counted).
BOILERPLATE_LISTED = 50
#: The audit's own names for severities and finding codes (AUDIT.md documents each check),
#: keyed by plain strings so that audit JSON read from a file can be looked up too.
SEVERITY_LABELS: dict[str, str] = {str(key): label for key, label in AUDIT_SEVERITY_LABELS.items()}
FINDING_LABELS: dict[str, str] = {str(key): label for key, label in CODE_LABELS.items()}
_MARKER = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|[一二三四五六七八九十\d]+\s*[、.．]"
    r"|[一二三四五六七八九十]+是|——)\s*"
)


# --------------------------------------------------------------------------- audits


class FindingLike(Protocol):
    """What the page reads of one audit finding (``rulelaw_llm`` audits' ``Finding``)."""

    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def evidence(self) -> Sequence[Evidence]: ...
    @property
    def looked_for(self) -> str | None: ...


class ScoreLike(Protocol):
    """What the page reads of an audit's score."""

    @property
    def value(self) -> int: ...


class AuditLike(Protocol):
    """What the page reads of one report's audit (``rulelaw_llm`` audits' ``Audit``)."""

    @property
    def input(self) -> str: ...
    @property
    def findings(self) -> Sequence[FindingLike]: ...
    @property
    def score(self) -> ScoreLike: ...


@dataclass(frozen=True, slots=True)
class _FindingRecord:
    code: str
    severity: str
    message: str
    evidence: list[Evidence]
    looked_for: str | None


@dataclass(frozen=True, slots=True)
class _ScoreRecord:
    value: int


@dataclass(frozen=True, slots=True)
class _AuditRecord:
    input: str
    findings: list[_FindingRecord]
    score: _ScoreRecord


def _audit_from_json(data: object, where: str) -> _AuditRecord:
    if not isinstance(data, dict) or not isinstance(data.get("input"), str):
        raise InputError(
            f"{where} 不是审核结果（缺少 input）：请传入 rulelaw-llm audit --format json 的输出。"
        )
    findings = []
    for finding in data.get("findings") or []:
        if not isinstance(finding, dict) or not isinstance(finding.get("code"), str):
            raise InputError(f"{where} 的 findings 中有一项缺少 code，无法读取。")
        evidence = [
            Evidence.model_validate(quote)
            for quote in finding.get("evidence") or []
            if isinstance(quote, dict)
        ]
        looked_for = finding.get("looked_for")
        findings.append(
            _FindingRecord(
                code=finding["code"],
                severity=str(finding.get("severity") or "info"),
                message=str(finding.get("message") or ""),
                evidence=evidence,
                looked_for=looked_for if isinstance(looked_for, str) else None,
            )
        )
    score = data.get("score")
    value = score.get("value") if isinstance(score, dict) else None
    if not isinstance(value, int):
        raise InputError(
            f"{where}（{data['input']}）不是审核结果（缺少 score.value）："
            "请传入 rulelaw-llm audit --format json 的输出。"
        )
    return _AuditRecord(data["input"], findings, _ScoreRecord(value))


def read_audits(path: str | os.PathLike[str]) -> list[AuditLike]:
    """Read the audits written by ``rulelaw-llm audit --format json`` (a JSON array or JSONL).

    Raises ``InputError`` with a Chinese message when the file is not audit JSON.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InputError(f"无法读取审核结果文件 {path}：{os_error_reason(error)}") from error
    except UnicodeDecodeError as error:
        raise InputError(
            f"无法读取审核结果文件 {path}：不是 UTF-8 文本：请传入 rulelaw-llm audit --format json 的输出。"
        ) from error
    try:
        parsed = json.loads(text)
        records = parsed if isinstance(parsed, list) else [parsed]
    except ValueError:
        try:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError as error:
            raise InputError(
                f"{path} 不是 JSON 或 JSONL：请传入 rulelaw-llm audit --format json 的输出。"
            ) from error
    if not records:
        raise InputError(f"{path} 中没有审核结果。")
    return [_audit_from_json(record, str(path)) for record in records]


# --------------------------------------------------------------------------- the model


@dataclass(slots=True)
class _Item:
    """One extracted item as the page shows it."""

    id: str
    kind: ItemKind
    index: int
    evidence: Evidence
    grounded: bool
    title: str
    fields: list[tuple[str, str, str]]
    """(key, Chinese label, value) for the side panel."""
    gold: str | None = None
    """How the item compares with the gold, when a gold directory was given."""
    boilerplate: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _View:
    """One report of the corpus."""

    anchor: str
    entry: ResultEntry
    summary: ReportSummary
    source: SourceText
    evaluation: ReportEvaluation | None
    audit: AuditLike | None = None
    items: list[_Item] = field(default_factory=list)
    tab: str = ""
    """The name the navigation shows: ``label``, and the file name when names repeat."""
    kinds: dict[str, KindRow] = field(default_factory=dict)
    """What the report states of each kind (``auditing.comparison.kind_rows``)."""
    outliers: list[Outlier] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.summary.entity or self.entry.name or self.anchor


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def _category(key: str) -> str:
    return CATEGORIES.get(key, key)


def _position(evidence: Evidence, grounded: bool, text_known: bool) -> list[tuple[str, str, str]]:
    if grounded:
        place = f"逐字一致（{_MATCH_LABELS.get(evidence.match, evidence.match)}定位）"
    elif text_known:
        place = "引文与原文此位置不一致，未高亮"
    else:
        place = "原文不可用，无法核对"
    return [
        ("quote", "引文", evidence.quote),
        ("span", "位置", f"{evidence.start}–{evidence.end}"),
        ("grounding", "出处", place),
    ]


def _build_items(view: _View) -> None:
    summary, text = view.summary, view.source.text
    matched: dict[str, dict[int, str]] = defaultdict(dict)
    if view.evaluation is not None:
        for field_name in FIELDS:
            for match in getattr(view.evaluation, field_name).matches:
                how = "位置重叠" if match.method == "span" else f"文字相似 {match.similarity:.2f}"
                matched[field_name][match.predicted] = f"与金标准匹配（{how}）"
    for kind, index, evidence in evidence_items(summary):
        grounded = text is not None and is_grounded(evidence, text)
        fields: list[tuple[str, str, str]]
        if kind == "achievement":
            achievement = summary.achievements[index]
            title = achievement.summary
            fields = [
                ("category", "类别", _category(achievement.category)),
                ("summary", "概括", achievement.summary),
            ]
        elif kind == "indicator":
            indicator = summary.indicators[index]
            approx = "（约数）" if indicator.approx else ""
            title = f"{indicator.name}：{_number(indicator.value)} {indicator.unit}{approx}"
            fields = [
                ("name", "名称", indicator.name),
                ("value", "数值", _number(indicator.value)),
                ("unit", "单位", indicator.unit),
                ("approx", "约数", "是" if indicator.approx else "否"),
            ]
            if indicator.period:
                fields.append(("period", "时期", indicator.period))
            fields += [
                ("category", "类别", _category(indicator.category)),
                ("origin", "来源", "确定性预处理" if indicator.origin == "prepass" else "模型补充"),
            ]
        elif kind == "problem":
            problem = summary.problems[index]
            title = problem.summary
            fields = [
                ("category", "类别", _category(problem.category)),
                ("summary", "概括", problem.summary),
                ("cause", "原因", problem.cause or "（原文未陈述）"),
            ]
        elif kind == "cause":
            problem = summary.problems[index]
            title = problem.cause or evidence.quote
            fields = [
                ("problem", "所属问题", problem.summary),
                ("cause", "原因", problem.cause or evidence.quote),
            ]
        else:
            plan = summary.plans[index]
            title = plan.summary
            fields = [
                ("category", "类别", _category(plan.category)),
                ("summary", "概括", plan.summary),
            ]
        fields += _position(evidence, grounded, text is not None)
        item = _Item(
            id=f"{view.anchor}-{kind}-{index}",
            kind=kind,
            index=index,
            evidence=evidence,
            grounded=grounded,
            title=title,
            fields=fields,
        )
        if view.evaluation is not None and kind in _FIELD_OF_KIND:
            item.gold = matched[_FIELD_OF_KIND[kind]].get(index, "未与金标准匹配")
        view.items.append(item)


# --------------------------------------------------------------------------- analysis


def _boilerplate_key(text: str) -> str:
    return squash(_MARKER.sub("", text))


def _find_boilerplate(views: list[_View]) -> list[list[tuple[_View, _Item, float]]]:
    """Groups of problems/plans from different reports whose quotes are nearly identical.

    Identical keys are compared once; the distinct keys are compared in blocks of rows
    (``process.cdist``) so that memory stays bounded at thousands of reports.
    """
    candidates = [
        (view, item, _boilerplate_key(item.evidence.quote or item.title))
        for view in views
        for item in view.items
        if item.kind in ("problem", "plan")
    ]
    candidates = [candidate for candidate in candidates if len(candidate[2]) >= 4]
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, (_, _, key) in enumerate(candidates):
        by_key[key].append(i)
    keys = list(by_key)
    index = {key: k for k, key in enumerate(keys)}
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    similar: dict[int, float] = {k: 100.0 for k, key in enumerate(keys) if len(by_key[key]) > 1}
    block = 256
    for first in range(0, len(keys), block):
        scores = process.cdist(
            keys[first : first + block],
            keys,
            scorer=fuzz.ratio,
            score_cutoff=BOILERPLATE_THRESHOLD,
            dtype="uint8",
        )
        for row, column in zip(*scores.nonzero(), strict=True):
            i, j = first + int(row), int(column)
            if j <= i:
                continue
            parent[root(j)] = root(i)
            score = float(scores[row, column])
            similar[i] = max(similar.get(i, 0.0), score)
            similar[j] = max(similar.get(j, 0.0), score)
    groups: dict[int, list[int]] = defaultdict(list)
    for k in similar:
        groups[root(k)].extend(by_key[keys[k]])
    clusters = []
    for members in groups.values():
        if len({id(candidates[i][0]) for i in members}) < 2:
            continue
        clusters.append(
            [
                (candidates[i][0], candidates[i][1], similar[index[candidates[i][2]]] / 100)
                for i in sorted(members)
            ]
        )
    clusters.sort(key=lambda cluster: -len({id(view) for view, _, _ in cluster}))
    for cluster in clusters:
        labels = [view.tab for view, _, _ in cluster]
        for view, item, _ in cluster:
            others = sorted({label for label in labels if label != view.tab})
            shown = others[:BOILERPLATE_NAMES]
            if len(others) > len(shown):
                shown.append(f"等 {len(others)} 份报告")
            item.boilerplate = shown
    return clusters


@dataclass(slots=True)
class _IndicatorGroup:
    unit: str
    names: list[str] = field(default_factory=list)
    members: list[tuple[_View, _Item, float, bool]] = field(default_factory=list)

    @property
    def label(self) -> str:
        counts: dict[str, int] = defaultdict(int)
        for name in self.names:
            counts[name] += 1
        return min(counts, key=lambda name: (-counts[name], len(name), name))


def _indicator_groups(views: list[_View]) -> list[_IndicatorGroup]:
    """Indicators whose unit is equal and names nearly so, found in at least two reports.

    A name joins the group of the most similar name seen before with the same unit
    (``fuzz.ratio`` ≥ ``INDICATOR_NAME_THRESHOLD``); each distinct name is compared once.
    """
    groups: list[_IndicatorGroup] = []
    seen: dict[str, tuple[list[str], list[_IndicatorGroup]]] = defaultdict(lambda: ([], []))
    known: dict[tuple[str, str], _IndicatorGroup] = {}
    for view in views:
        for item in view.items:
            if item.kind != "indicator":
                continue
            indicator = view.summary.indicators[item.index]
            unit, name = fold(indicator.unit.strip()), squash(indicator.name)
            if not name:
                continue
            group = known.get((unit, name))
            if group is None:
                names, owners = seen[unit]
                match = process.extractOne(
                    name, names, scorer=fuzz.ratio, score_cutoff=INDICATOR_NAME_THRESHOLD
                )
                if match is not None:
                    group = owners[match[2]]
                else:
                    group = _IndicatorGroup(unit)
                    groups.append(group)
                names.append(name)
                owners.append(group)
                known[(unit, name)] = group
            group.names.append(indicator.name)
            group.members.append((view, item, indicator.value, indicator.approx))
    shared = [group for group in groups if len({id(m[0]) for m in group.members}) >= 2]
    shared.sort(key=lambda group: -len({id(m[0]) for m in group.members}))
    return shared
