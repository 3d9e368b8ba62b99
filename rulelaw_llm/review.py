"""The review page: one self-contained HTML file to check results against the reports.

``write_review(results, "review.html")`` writes a single file that opens by double-click:
no network, no CDN; CSS, JavaScript and SVG charts are inline, and a Content Security
Policy forbids every external load and every script but the page's own (by its hash).

* **语料总览** (the corpus): a table of the reports (counts per kind, key indicators), bar
  charts of the achievement, problem and plan categories across reports, a chart comparing
  indicator values whose name and unit occur in several reports, and *boilerplate* flags:
  problems or plans of different reports whose evidence quotes are nearly identical
  (``fuzz.ratio`` ≥ 80 on the quotes folded and stripped of punctuation, whitespace and a
  leading item marker such as （一） or 一是). With ``gold_dir``, the evaluation table too.
* **One view per report**: digest and metadata (entity, level, year, backend, model,
  tokens), the full cleaned text re-read from the input file with every grounded evidence
  span highlighted as ``<mark class="ev ev-KIND" data-kind=… data-id=…>`` (overlapping
  spans nest; a span that crosses another is split, its later parts carry ``ev-cont``),
  the lists of achievements, indicators, problems, causes and plans, a side panel with the
  fields of the item under the mouse or last clicked, rejected items and warnings.

Every text from a report or a model goes through ``html.escape``; the data the script
reads is JSON with ``<``, ``>`` and ``&`` escaped as ``\\u003c``…, so a report containing
``<script>`` is shown as text and never runs. Elements tests rely on carry ``data-testid``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from rapidfuzz import fuzz, process

from rulelaw_llm.categories import CATEGORIES, label_of
from rulelaw_llm.evaluation import (
    FIELD_LABELS,
    FIELDS,
    Evaluation,
    ItemKind,
    ReportEvaluation,
    ResultEntry,
    SourceText,
    evaluate,
    evidence_items,
    is_grounded,
    read_source_text,
    result_entries,
)
from rulelaw_llm.normalize import fold, squash
from rulelaw_llm.schema import Evidence, ReportSummary

__all__ = ["BOILERPLATE_THRESHOLD", "render_review", "write_review"]

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
_MARKER = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|[一二三四五六七八九十\d]+\s*[、.．]"
    r"|[一二三四五六七八九十]+是|——)\s*"
)


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
    items: list[_Item] = field(default_factory=list)

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
    """Groups of problems/plans from different reports whose quotes are nearly identical."""
    candidates = [
        (view, item, _boilerplate_key(item.evidence.quote or item.title))
        for view in views
        for item in view.items
        if item.kind in ("problem", "plan")
    ]
    candidates = [candidate for candidate in candidates if len(candidate[2]) >= 4]
    keys = [key for _, _, key in candidates]
    parent = list(range(len(candidates)))
    best: dict[int, float] = defaultdict(float)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (view, _, key) in enumerate(candidates):
        found = process.extract(
            key, keys, scorer=fuzz.ratio, score_cutoff=BOILERPLATE_THRESHOLD, limit=None
        )
        for _, score, j in found:
            if j <= i or candidates[j][0] is view:
                continue
            parent[root(j)] = root(i)
            best[i] = max(best[i], float(score))
            best[j] = max(best[j], float(score))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in best:
        groups[root(i)].append(i)
    clusters = []
    for members in groups.values():
        if len({id(candidates[i][0]) for i in members}) < 2:
            continue
        clusters.append(
            [(candidates[i][0], candidates[i][1], best[i] / 100) for i in sorted(members)]
        )
    for cluster in clusters:
        for view, item, _ in cluster:
            others = sorted({other.label for other, _, _ in cluster if other is not view})
            item.boilerplate = others
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
    """Indicators whose unit is equal and names nearly so, found in at least two reports."""
    groups: list[_IndicatorGroup] = []
    for view in views:
        for item in view.items:
            if item.kind != "indicator":
                continue
            indicator = view.summary.indicators[item.index]
            unit, name = fold(indicator.unit.strip()), squash(indicator.name)
            if not name:
                continue
            for group in groups:
                if group.unit == unit and any(
                    fuzz.ratio(name, squash(other)) >= INDICATOR_NAME_THRESHOLD
                    for other in group.names
                ):
                    break
            else:
                group = _IndicatorGroup(unit)
                groups.append(group)
            group.names.append(indicator.name)
            group.members.append((view, item, indicator.value, indicator.approx))
    shared = [group for group in groups if len({id(m[0]) for m in group.members}) >= 2]
    shared.sort(key=lambda group: -len({id(m[0]) for m in group.members}))
    return shared


# --------------------------------------------------------------------------- SVG charts


def _text_width(text: str) -> int:
    return sum(13 if ord(char) > 0x2E7F else 7 for char in text)


def _legend(series: list[str], y: int, width: int) -> tuple[str, int]:
    parts, x = [], 10
    for i, name in enumerate(series):
        step = 20 + _text_width(name) + 16
        if x + step > width and x > 10:
            x, y = 10, y + 20
        color = _PALETTE[i % len(_PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{color}"></rect>'
            f'<text x="{x + 16}" y="{y + 11}">{escape(name)}</text>'
        )
        x += step
    return "".join(parts), y + 20


def _category_chart(testid: str, title: str, views: list[_View], kind: ItemKind) -> str:
    """Stacked horizontal bars: items per category, one colour per report."""
    counts: dict[str, list[int]] = {key: [0] * len(views) for key in CATEGORIES}
    for i, view in enumerate(views):
        for item in view.items:
            if item.kind == kind:
                summary_item = (
                    view.summary.problems[item.index]
                    if kind == "problem"
                    else view.summary.plans[item.index]
                    if kind == "plan"
                    else view.summary.achievements[item.index]
                )
                counts[summary_item.category][i] += 1
    rows = [(key, row) for key, row in counts.items() if sum(row)]
    heading = f"<figcaption>{escape(title)}</figcaption>"
    if not rows:
        return (
            f'<figure class="chart" data-testid="{testid}">{heading}'
            f'<p class="empty">没有{escape(KIND_LABELS[kind])}条目。</p></figure>'
        )
    label_width = max(_text_width(label_of(key)) for key, _ in rows) + 16
    bar_width, row_height, total_width = 360, 24, 0
    most = max(sum(row) for _, row in rows)
    total_width = label_width + bar_width + 60
    parts = []
    for r, (key, row) in enumerate(rows):
        y = 10 + r * row_height
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(label_of(key))}</text>"
        )
        x = float(label_width)
        for i, count in enumerate(row):
            if not count:
                continue
            width = bar_width * count / most
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="16" '
                f'fill="{_PALETTE[i % len(_PALETTE)]}" data-report="{escape(views[i].anchor)}">'
                f"<title>{escape(views[i].label)}：{escape(label_of(key))} {count} 条</title>"
                "</rect>"
            )
            x += width
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{sum(row)}</text>')
    legend, height = _legend(
        [view.label for view in views], 20 + len(rows) * row_height, total_width
    )
    parts.append(legend)
    return (
        f'<figure class="chart" data-testid="{testid}">{heading}'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{total_width}" height="{height + 6}" viewBox="0 0 {total_width} {height + 6}">'
        f"{''.join(parts)}</svg></figure>"
    )


def _indicator_chart(groups: list[_IndicatorGroup], limit: int = 12) -> str:
    title = "同名指标的数值比较（名称相近、单位相同、出现在多份报告中）"
    heading = f"<figcaption>{escape(title)}</figcaption>"
    if not groups:
        return (
            f'<figure class="chart" data-testid="chart-indicators">{heading}'
            '<p class="empty">没有在多份报告中出现的同名指标。</p></figure>'
        )
    labels = [view.label for group in groups[:limit] for view, _, _, _ in group.members]
    label_width = max(_text_width(label) for label in labels) + 16
    bar_width, total_width = 320, 0
    total_width = label_width + bar_width + 110
    parts, y = [], 6
    for group in groups[:limit]:
        parts.append(
            f'<text class="group" x="6" y="{y + 14}">{escape(group.label)}'
            f"（{escape(group.unit)}）</text>"
        )
        y += 22
        most = max(value for _, _, value, _ in group.members) or 1.0
        for view, item, value, approx in group.members:
            width = max(bar_width * value / most, 1.0)
            shown = f"{_number(value)}{'（约）' if approx else ''}"
            parts.append(
                f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end">'
                f"{escape(view.label)}</text>"
                f'<rect class="bar" x="{label_width}" y="{y + 2}" width="{width:.1f}" '
                f'height="14" fill="#4e79a7" data-item="{escape(item.id)}">'
                f"<title>{escape(item.title)}</title></rect>"
                f'<text x="{label_width + width + 6:.1f}" y="{y + 13}">{escape(shown)}</text>'
            )
            y += 20
        y += 8
    return (
        f'<figure class="chart" data-testid="chart-indicators">{heading}'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{total_width}" height="{y}" viewBox="0 0 {total_width} {y}">'
        f"{''.join(parts)}</svg></figure>"
    )


# --------------------------------------------------------------------------- HTML parts


def _highlight(text: str, items: list[_Item]) -> str:
    """The text with one ``<mark>`` per grounded item; crossing spans are split."""
    spans = [item for item in items if item.grounded and item.evidence.end > item.evidence.start]
    starts: dict[int, list[_Item]] = defaultdict(list)
    for item in spans:
        starts[item.evidence.start].append(item)
    for group in starts.values():
        group.sort(key=lambda item: (-item.evidence.end, _KIND_ORDER[item.kind], item.index))
    points = sorted(
        {0, len(text)} | {i.evidence.start for i in spans} | {i.evidence.end for i in spans}
    )
    out: list[str] = []
    stack: list[_Item] = []

    def open_mark(item: _Item, continued: bool) -> None:
        extra = ' ev-cont" data-cont="1' if continued else '" tabindex="0'
        out.append(
            f'<mark class="ev ev-{item.kind}{extra}" data-kind="{item.kind}" '
            f'data-id="{escape(item.id)}">'
        )
        stack.append(item)

    for n, point in enumerate(points):
        if any(item.evidence.end == point for item in stack):
            reopen: list[_Item] = []
            while any(item.evidence.end == point for item in stack):
                top = stack.pop()
                out.append("</mark>")
                if top.evidence.end != point:
                    reopen.append(top)
            for item in reversed(reopen):
                open_mark(item, continued=True)
        for item in starts.get(point, []):
            open_mark(item, continued=False)
        if n + 1 < len(points):
            out.append(escape(text[point : points[n + 1]]))
    return "".join(out)


def _badges(item: _Item) -> str:
    badges = []
    if not item.grounded:
        badges.append('<span class="badge warn" title="引文与原文位置不一致">未定位</span>')
    if item.gold is not None:
        ok = item.gold.startswith("与金标准匹配")
        badges.append(
            f'<span class="badge {"ok" if ok else "warn"}" data-testid="gold-status" '
            f'title="{escape(item.gold)}">{"金标准✓" if ok else "金标准✗"}</span>'
        )
    if item.boilerplate:
        others = "、".join(item.boilerplate)
        badges.append(
            f'<span class="badge boiler" data-testid="boilerplate-badge" '
            f'title="与{escape(others)}的条目几乎逐字相同">套话</span>'
        )
    return "".join(badges)


def _item_lists(view: _View) -> str:
    parts = []
    for kind, label in KIND_LABELS.items():
        items = [item for item in view.items if item.kind == kind]
        if kind == "cause" and not items:
            continue
        entries = []
        for item in items:
            category = next((value for key, _, value in item.fields if key == "category"), None)
            chip = f'<span class="chip">{escape(category)}</span>' if category else ""
            entries.append(
                f'<li><button type="button" class="item ev-{kind}" data-testid="item" '
                f'data-kind="{kind}" data-select="{escape(item.id)}" data-id="{escape(item.id)}">'
                f"{chip}{escape(item.title)}{_badges(item)}</button></li>"
            )
        body = "".join(entries) or '<li class="empty">无</li>'
        parts.append(
            f'<section class="list" data-testid="list-{kind}"><h4>'
            f'<span class="swatch ev-{kind}"></span>{label}（{len(items)}）</h4><ol>{body}</ol></section>'
        )
    return "".join(parts)


def _metadata(view: _View) -> str:
    summary = view.summary
    provenance, usage = summary.provenance, summary.provenance.usage
    rows = [
        ("主体", summary.entity),
        ("上级", summary.parent_entity),
        ("层级", summary.level),
        ("年度", str(summary.year) if summary.year is not None else None),
        ("标题", summary.title),
        ("后端", "大模型" if provenance.backend == "llm" else "规则（离线）"),
        ("服务商", provenance.provider),
        ("模型", provenance.model),
        ("提示词版本", provenance.prompt_version),
        ("库版本", provenance.library_version),
        ("生成时间", provenance.created_at.isoformat(timespec="seconds")),
        (
            "token",
            f"提示 {usage.prompt_tokens:,}，生成 {usage.completion_tokens:,}，"
            f"缓存 {usage.cached_tokens:,}",
        ),
        (
            "请求",
            f"{usage.requests} 次，重问 {usage.reasks} 次，重试 {usage.transport_retries} 次，"
            f"{usage.seconds:.1f} 秒",
        ),
        (
            "费用",
            f"{usage.cost:.4f} {usage.currency or ''}" if usage.cost is not None else None,
        ),
        ("输入", view.entry.input or provenance.source),
    ]
    if summary.coverage is not None:
        coverage = summary.coverage
        rows.append(
            (
                "数字覆盖",
                f"候选 {coverage.candidates}，成为指标 {coverage.indicators}，"
                f"问模型 {coverage.asked}，采用模型名称 {coverage.named_by_model}，未得到 {coverage.unresolved}",
            )
        )
    cells = "".join(
        f"<div><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>"
        for label, value in rows
        if value
    )
    return f'<dl class="meta" data-testid="metadata">{cells}</dl>'


def _problems_box(view: _View) -> str:
    summary, parts = view.summary, []
    if view.source.problem:
        parts.append(
            f'<p class="notice" data-testid="source-notice">{escape(view.source.problem)}</p>'
        )
    warnings = "".join(f"<li>{escape(warning)}</li>" for warning in summary.warnings)
    parts.append(
        f'<section class="box" data-testid="warnings"><h4>警告（{len(summary.warnings)}）</h4>'
        f"<ul>{warnings or _NONE}</ul></section>"
    )
    rejected = "".join(
        f'<li data-testid="rejected-item"><span class="chip">{escape(_REJECTED_LABELS[r.kind])}'
        f"</span>{escape(r.reason)}"
        f"<pre>{escape(json.dumps(r.content, ensure_ascii=False, indent=1))}</pre></li>"
        for r in summary.rejected
    )
    parts.append(
        f'<section class="box" data-testid="rejected"><h4>未通过校验的条目'
        f"（{len(summary.rejected)}）</h4><ul>{rejected or _NONE}</ul></section>"
    )
    ungrounded = [item for item in view.items if not item.grounded]
    if ungrounded and view.source.text is not None:
        entries = "".join(
            f'<li><button type="button" class="item" data-select="{escape(item.id)}">'
            f"{escape(KIND_LABELS[item.kind])}：{escape(item.evidence.quote or item.title)}</button></li>"
            for item in ungrounded
        )
        parts.append(
            f'<section class="box" data-testid="ungrounded"><h4>引文与原文不一致、未高亮的条目'
            f"（{len(ungrounded)}）</h4><ul>{entries}</ul></section>"
        )
    if view.evaluation is not None:
        parts.append(_gold_box(view.evaluation))
    return "".join(parts)


def _gold_box(evaluation: ReportEvaluation) -> str:
    rows = []
    for field_name in FIELDS:
        score = getattr(evaluation, field_name)
        missed = "".join(f"<li>{escape(text)}</li>" for text in score.missed)
        rows.append(
            f"<tr><th>{FIELD_LABELS[field_name]}</th><td>{score.matched}/{score.gold}</td>"
            f"<td>{score.precision:.2f}</td><td>{score.recall:.2f}</td>"
            f'<td><ul data-testid="gold-missed">{missed}</ul></td></tr>'
        )
    notes = "".join(f"<li>{escape(note)}</li>" for note in evaluation.notes)
    return (
        '<section class="box" data-testid="gold"><h4>与金标准比对</h4>'
        "<table><thead><tr><th>字段</th><th>匹配/金标准</th><th>精确率</th><th>召回率</th>"
        f"<th>漏掉的金标准条目</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"{f'<ul>{notes}</ul>' if notes else ''}</section>"
    )


def _report_view(view: _View) -> str:
    summary = view.summary
    if view.source.text is None:
        text_html = (
            f'<p class="notice" data-testid="missing-text">无法显示原文：'
            f"{escape(view.source.problem or '')}以下只列出抽取结果。</p>"
        )
    else:
        text_html = (
            f'<div class="report-text" data-testid="report-text">'
            f"{_highlight(view.source.text, view.items)}</div>"
        )
    legend = "".join(
        f'<span class="swatch ev-{kind}"></span>{label}' for kind, label in KIND_LABELS.items()
    )
    return (
        f'<section class="view report" id="{escape(view.anchor)}" data-testid="report" '
        f'data-report="{escape(view.entry.name)}">'
        f"<h2>{escape(summary.title or view.label)}</h2>"
        f'<p class="digest" data-testid="digest">{escape(summary.digest)}</p>'
        f'{_metadata(view)}<div class="boxes">{_problems_box(view)}</div>'
        f'<p class="legend">高亮：{legend}（悬停或点击查看字段）</p>'
        f'<div class="columns"><article class="text-column">{text_html}</article>'
        f'<div class="side"><aside class="panel" data-testid="panel">'
        f'<h3>条目详情</h3><div class="panel-body" data-testid="panel-body">'
        f'<p class="hint">将鼠标移到高亮处或点击条目，查看抽取出的字段。</p></div></aside>'
        f'<div class="lists">{_item_lists(view)}</div></div></div></section>'
    )


def _top_indicators(view: _View, shared: set[str], limit: int = 3) -> str:
    indicators = [item for item in view.items if item.kind == "indicator"]
    indicators.sort(key=lambda item: (item.id not in shared, item.index))
    return "；".join(item.title for item in indicators[:limit])


def _corpus_table(views: list[_View], shared: set[str]) -> str:
    rows = []
    for view in views:
        counts = {kind: sum(1 for i in view.items if i.kind == kind) for kind in KIND_LABELS}
        provenance = view.summary.provenance
        usage = provenance.usage
        backend = provenance.model or ("规则" if provenance.backend == "rules" else "大模型")
        cells = [
            f'<a href="#{escape(view.anchor)}" data-testid="report-link">{escape(view.label)}</a>',
            escape(view.summary.level or ""),
            escape(str(view.summary.year or "")),
            escape(backend),
            *(str(counts[kind]) for kind in KIND_LABELS),
            str(sum(1 for item in view.items if not item.grounded)),
            str(len(view.summary.rejected)),
            str(len(view.summary.warnings)),
            f"{usage.prompt_tokens:,}+{usage.completion_tokens:,}",
            escape(_top_indicators(view, shared)),
        ]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    header = ["报告", "层级", "年度", "模型", *KIND_LABELS.values()]
    header += ["未定位", "拒绝", "警告", "token", "主要指标"]
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    return (
        f'<table class="corpus" data-testid="corpus-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _failures(entries: list[ResultEntry]) -> str:
    failed = [entry for entry in entries if entry.summary is None]
    if not failed:
        return ""
    rows = "".join(
        f"<tr><td>{escape(entry.input or entry.name)}</td><td>{escape(entry.failure or '')}</td></tr>"
        for entry in failed
    )
    return (
        f'<section class="box" data-testid="failures"><h3>处理失败的输入（{len(failed)}）</h3>'
        f"<table><thead><tr><th>输入</th><th>错误</th></tr></thead><tbody>{rows}</tbody></table>"
        "</section>"
    )


def _boilerplate_section(clusters: list[list[tuple[_View, _Item, float]]]) -> str:
    if not clusters:
        body = '<p class="empty">没有发现不同报告之间几乎逐字相同的问题或计划。</p>'
    else:
        flags = []
        for cluster in clusters:
            members = "".join(
                f'<li><a href="#{escape(view.anchor)}" data-select="{escape(item.id)}">'
                f"{escape(view.label)}</a> · {escape(KIND_LABELS[item.kind])}："
                f"<q>{escape(item.evidence.quote or item.title)}</q>"
                f'<span class="score">相似度 {score:.2f}</span></li>'
                for view, item, score in cluster
            )
            flags.append(
                f'<div class="flag" data-testid="boilerplate-flag"><ul>{members}</ul></div>'
            )
        body = "".join(flags)
    return (
        f'<section class="box" data-testid="boilerplate"><h3>套话提示（{len(clusters)}）</h3>'
        '<p class="hint">不同报告中字符级相似度 ≥ 0.8 的问题或计划（引文去掉编号、标点和空白后比较）。</p>'
        f"{body}</section>"
    )


def _evaluation_section(evaluation: Evaluation) -> str:
    rows = []
    for field_name in FIELDS:
        score = getattr(evaluation, field_name)
        rows.append(
            f"<tr><th>{FIELD_LABELS[field_name]}</th><td>{score.gold}</td><td>{score.predicted}</td>"
            f"<td>{score.matched}</td><td>{score.precision:.2f}</td><td>{score.recall:.2f}</td>"
            f"<td>{score.f1:.2f}</td></tr>"
        )

    def ratio(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    summary = (
        f"主体准确率 {ratio(evaluation.entity_accuracy)}，年度准确率 {ratio(evaluation.year_accuracy)}，"
        f"有出处 {evaluation.grounded}/{evaluation.items}，拒绝 {evaluation.rejected} 项，"
        f"警告 {evaluation.warnings} 条；没有结果的金标准：{len(evaluation.missing)} 份。"
    )
    return (
        f'<section class="box" data-testid="evaluation"><h3>与金标准比对（{escape(evaluation.gold_dir)}）</h3>'
        "<table><thead><tr><th>字段</th><th>金标准</th><th>预测</th><th>匹配</th><th>精确率</th>"
        f"<th>召回率</th><th>F1</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p>{escape(summary)}</p></section>"
    )


def _script_json(data: object) -> str:
    """JSON that cannot end its ``<script>`` element or open another one."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


# --------------------------------------------------------------------------- the page


def render_review(
    results: str | os.PathLike[str] | Sequence[ReportSummary],
    *,
    gold_dir: str | os.PathLike[str] | None = None,
) -> str:
    """The review page as one HTML string (see ``write_review``)."""
    entries, notes, base = result_entries(results)
    evaluation = evaluate(results, gold_dir) if gold_dir is not None else None
    by_input = {report.input: report for report in evaluation.reports} if evaluation else {}
    views: list[_View] = []
    for entry in entries:
        if entry.summary is None:
            continue
        source = read_source_text(entry.summary, input_path=entry.input, base=base)
        view = _View(
            anchor=f"r{len(views) + 1}",
            entry=entry,
            summary=entry.summary,
            source=source,
            evaluation=by_input.get(entry.input),
        )
        _build_items(view)
        views.append(view)
    clusters = _find_boilerplate(views)
    groups = _indicator_groups(views)
    shared = {item.id for group in groups for _, item, _, _ in group.members}
    data = {
        "items": {
            item.id: {
                "report": view.anchor,
                "kind": item.kind,
                "kindLabel": KIND_LABELS[item.kind],
                "index": item.index,
                "fields": [
                    *item.fields,
                    *([("gold", "金标准", item.gold)] if item.gold else []),
                    *(
                        [
                            (
                                "boilerplate",
                                "套话",
                                "与" + "、".join(item.boilerplate) + "的条目几乎逐字相同",
                            )
                        ]
                        if item.boilerplate
                        else []
                    ),
                ],
            }
            for view in views
            for item in view.items
        }
    }
    nav = "".join(
        f'<a href="#{escape(view.anchor)}" data-view="{escape(view.anchor)}">{escape(view.label)}</a>'
        for view in views
    )
    notices = "".join(f'<p class="notice">{escape(note)}</p>' for note in notes)
    corpus = (
        '<section class="view corpus-view" id="corpus" data-testid="corpus">'
        f"<h2>语料总览：{len(views)} 份报告"
        f"{f'，{len(entries) - len(views)} 份失败' if len(entries) > len(views) else ''}</h2>"
        f"{notices}{_corpus_table(views, shared)}{_failures(entries)}"
        f"{_evaluation_section(evaluation) if evaluation else ''}"
        '<div class="charts">'
        f"{_category_chart('chart-problems', '问题的类别（按报告堆叠）', views, 'problem')}"
        f"{_category_chart('chart-plans', '下一年度计划的类别（按报告堆叠）', views, 'plan')}"
        f"{_category_chart('chart-achievements', '举措和成效的类别（按报告堆叠）', views, 'achievement')}"
        f"{_indicator_chart(groups)}</div>"
        f"{_boilerplate_section(clusters)}</section>"
    )
    body = corpus + "".join(_report_view(view) for view in views)
    script = _SCRIPT
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src '{_script_hash(script)}'; base-uri 'none'; form-action 'none'"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        "<title>法治政府建设年度报告 · 抽取结果审阅</title>"
        f"<style>{_STYLE}</style></head><body>"
        '<header class="top"><h1>法治政府建设年度报告 · 抽取结果审阅</h1>'
        f'<nav data-testid="nav"><a href="#corpus" data-view="corpus">语料总览</a>{nav}</nav></header>'
        f"<main>{body}</main>"
        f'<script type="application/json" id="review-data">{_script_json(data)}</script>'
        f"<script>{script}</script></body></html>\n"
    )


def write_review(
    results: str | os.PathLike[str] | Sequence[ReportSummary],
    output: str | os.PathLike[str],
    *,
    gold_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Write the review page for ``results`` (a JSONL results file or summaries) to ``output``.

    Each report's text is re-read from its input file (``load_report``) so that the
    evidence can be highlighted in place; a missing file is shown as such. With
    ``gold_dir``, the page also compares every item with the gold annotations.
    Raises ``InputError`` if the results or the gold directory cannot be read.
    """
    path = Path(output)
    page = render_review(results, gold_dir=gold_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


_STYLE = """
:root{--achievement:#cdebc5;--indicator:#ffd27f;--problem:#f8b9b9;--cause:#dcc8f2;--plan:#bcd6f6;
--ink:#1f2328;--muted:#5f6b76;--line:#d8dee4;--paper:#fff;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:var(--bg);font:14px/1.6 "Noto Sans CJK SC","Source Han Sans SC",
"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif}
header.top{position:sticky;top:0;z-index:5;background:#24292f;color:#fff;padding:6px 16px}
header.top h1{font-size:16px;margin:0 0 4px}
nav a{color:#cfe3ff;margin-right:12px;text-decoration:none;white-space:nowrap}
nav a.current{color:#fff;font-weight:bold;border-bottom:2px solid #fff}
main{padding:12px 16px}
.js .view{display:none}.js .view.active{display:block}
h2{font-size:18px;margin:8px 0}h3{font-size:15px;margin:8px 0}h4{font-size:14px;margin:6px 0}
table{border-collapse:collapse;background:var(--paper);margin:6px 0}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;white-space:nowrap}
table.corpus td{white-space:nowrap}table.corpus td:last-child{white-space:normal}
.box{background:var(--paper);border:1px solid var(--line);border-radius:6px;padding:6px 12px;margin:8px 0}
.notice{background:#fff4d6;border:1px solid #e8c66a;padding:6px 10px;border-radius:6px}
.empty,.hint{color:var(--muted)}
.charts{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
figure.chart{background:var(--paper);border:1px solid var(--line);border-radius:6px;margin:8px 0;padding:8px}
figcaption{font-weight:bold;margin-bottom:4px}
svg text{font-size:12px;fill:#24292f}svg text.group{font-weight:bold}
.flag{border-left:4px solid #d4a72c;padding:2px 8px;margin:6px 0;background:#fffbea}
.flag ul{margin:0;padding-left:18px}.score{color:var(--muted);margin-left:8px}
.digest{background:var(--paper);border-left:4px solid #4e79a7;padding:8px 12px;margin:6px 0}
dl.meta{display:flex;flex-wrap:wrap;gap:2px 20px;background:var(--paper);
border:1px solid var(--line);border-radius:6px;padding:6px 12px;margin:6px 0}
dl.meta div{display:flex;gap:6px}dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
.boxes{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0}.boxes>.box{flex:1 1 320px;margin:0}
.boxes>.notice{flex:1 1 100%;margin:0}
.columns{display:grid;grid-template-columns:minmax(0,1fr) 380px;gap:14px;align-items:start}
.report-text{white-space:pre-wrap;background:var(--paper);border:1px solid var(--line);border-radius:6px;
padding:12px 16px;font-size:15px;line-height:1.9}
.side{position:sticky;top:64px;max-height:calc(100vh - 76px);display:flex;flex-direction:column}
.lists{overflow:auto;flex:1;min-height:120px}
.panel{flex:none;max-height:55vh;overflow:auto;background:var(--paper);border:2px solid #4e79a7;
border-radius:6px;padding:6px 12px;margin-bottom:8px}
.panel dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:4px 0}
.panel dt{color:var(--muted)}.panel dd{margin:0;word-break:break-all}
.panel p button.item{display:inline-block;background:#eef1f4;padding:0 8px;margin:0 4px}
.panel-kind{font-weight:bold;margin:4px 0;padding:0 6px;border-radius:4px;display:inline-block}
mark.ev{color:inherit;border-radius:2px;padding:1px 0;cursor:pointer}
mark.ev-achievement,.ev-achievement.swatch,.kind-achievement{background:var(--achievement)}
mark.ev-indicator,.ev-indicator.swatch,.kind-indicator{background:var(--indicator)}
mark.ev-indicator{border-bottom:2px solid #c77700}
mark.ev-problem,.ev-problem.swatch,.kind-problem{background:var(--problem)}
mark.ev-cause,.ev-cause.swatch,.kind-cause{background:var(--cause)}
mark.ev-cause{border-bottom:2px dotted #7a4fb0}
mark.ev-plan,.ev-plan.swatch,.kind-plan{background:var(--plan)}
mark.ev.selected{outline:2px solid #24292f;outline-offset:1px}
mark.ev:hover{filter:brightness(.92)}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}
.list ol{margin:0;padding-left:22px}
button.item{all:unset;cursor:pointer;display:block;padding:2px 4px;border-radius:4px;background:transparent}
button.item:hover,button.item.selected{background:#eef3fb}
button.item.selected{outline:1px solid #4e79a7}
button.item:focus-visible,mark.ev:focus-visible{outline:2px solid #4e79a7}
.chip{display:inline-block;font-size:12px;color:#44505c;background:#eef1f4;border-radius:8px;padding:0 6px;margin-right:4px}
.badge{display:inline-block;font-size:11px;border-radius:8px;padding:0 6px;margin-left:4px}
.badge.warn{background:#ffe1e1;color:#8a1f1f}.badge.ok{background:#dff5df;color:#1f6b2a}
.badge.boiler{background:#fff0c2;color:#6b5200}
.list li.empty{list-style:none}
pre{white-space:pre-wrap;background:#f3f4f6;padding:4px 8px;border-radius:4px;font-size:12px}
.legend{color:var(--muted)}
@media (max-width:900px){.columns{grid-template-columns:1fr}.side{position:static;max-height:none}
.lists{overflow:visible}}
"""

_SCRIPT = """
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var node = document.getElementById("review-data");
  var items = node ? JSON.parse(node.textContent).items : {};
  var pinned = {};

  function activate(name) {
    var target = document.getElementById(name);
    if (!target || !target.classList.contains("view")) {
      target = document.getElementById("corpus");
    }
    document.querySelectorAll(".view").forEach(function (view) {
      view.classList.toggle("active", view === target);
    });
    document.querySelectorAll("nav a[data-view]").forEach(function (link) {
      link.classList.toggle("current", link.getAttribute("data-view") === target.id);
    });
    return target;
  }

  function route() {
    var name = "";
    try { name = decodeURIComponent(location.hash.slice(1)); } catch (error) { name = ""; }
    activate(name || "corpus");
  }

  function marksOf(view, id) {
    return Array.prototype.filter.call(view.querySelectorAll("mark.ev"), function (mark) {
      return mark.getAttribute("data-id") === id;
    });
  }

  function render(id, mark) {
    var item = items[id];
    if (!item) { return; }
    var view = document.getElementById(item.report);
    var body = view.querySelector("[data-testid=panel-body]");
    body.textContent = "";
    var title = document.createElement("p");
    title.className = "panel-kind kind-" + item.kind;
    title.textContent = item.kindLabel + " #" + (item.index + 1);
    body.appendChild(title);
    var list = document.createElement("dl");
    item.fields.forEach(function (entry) {
      var term = document.createElement("dt");
      term.textContent = entry[1];
      var value = document.createElement("dd");
      value.textContent = entry[2];
      value.setAttribute("data-field", entry[0]);
      list.appendChild(term);
      list.appendChild(value);
    });
    body.appendChild(list);
    var outer = [];
    var parent = mark && mark.parentElement ? mark.parentElement.closest("mark.ev") : null;
    while (parent) {
      var other = parent.getAttribute("data-id");
      if (other !== id && outer.indexOf(other) < 0) { outer.push(other); }
      parent = parent.parentElement ? parent.parentElement.closest("mark.ev") : null;
    }
    if (outer.length) {
      var note = document.createElement("p");
      note.textContent = "同时位于：";
      outer.forEach(function (other) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "item";
        button.setAttribute("data-select", other);
        button.textContent = items[other] ? items[other].kindLabel + " #" + (items[other].index + 1) : other;
        note.appendChild(button);
      });
      body.appendChild(note);
    }
    body.setAttribute("data-current", id);
  }

  function reset(view) {
    var id = pinned[view.id];
    if (id) { render(id, marksOf(view, id)[0]); return; }
    var body = view.querySelector("[data-testid=panel-body]");
    if (!body) { return; }
    body.textContent = "";
    var hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = "将鼠标移到高亮处或点击条目，查看抽取出的字段。";
    body.appendChild(hint);
    body.removeAttribute("data-current");
  }

  function select(id, mark, scroll) {
    var item = items[id];
    if (!item) { return; }
    var view = activate(item.report);
    if (location.hash.slice(1) !== item.report && history.replaceState) {
      history.replaceState(null, "", "#" + item.report);
    }
    view.querySelectorAll(".selected").forEach(function (element) {
      element.classList.remove("selected");
    });
    var marks = marksOf(view, id);
    marks.forEach(function (element) { element.classList.add("selected"); });
    view.querySelectorAll("button.item[data-id]").forEach(function (button) {
      if (button.getAttribute("data-id") !== id) { return; }
      button.classList.add("selected");
      var lists = button.closest(".lists");
      if (lists) {
        var box = lists.getBoundingClientRect(), place = button.getBoundingClientRect();
        if (place.top < box.top || place.bottom > box.bottom) {
          lists.scrollTop += place.top - box.top - box.height / 2;
        }
      }
    });
    pinned[item.report] = id;
    render(id, mark || marks[0]);
    if (scroll && marks[0]) { marks[0].scrollIntoView({block: "center"}); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var mark = target.closest("mark.ev");
    if (mark) { select(mark.getAttribute("data-id"), mark, false); return; }
    var chooser = target.closest("[data-select]");
    if (chooser) {
      event.preventDefault();
      select(chooser.getAttribute("data-select"), null, true);
    }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof Element && target.matches("mark.ev")) {
      select(target.getAttribute("data-id"), target, false);
    }
  });
  document.addEventListener("mouseover", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var mark = target.closest("mark.ev");
    if (mark) { render(mark.getAttribute("data-id"), mark); }
  });
  document.addEventListener("mouseout", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.closest("mark.ev")) { return; }
    var next = event.relatedTarget;
    if (next instanceof Element && next.closest("mark.ev")) { return; }
    var view = target.closest(".view");
    if (view) { reset(view); }
  });
  window.addEventListener("hashchange", route);
  route();
})();
"""
