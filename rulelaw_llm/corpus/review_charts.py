"""The review page's SVG charts: items per category, and indicators shared across reports.

Drawn in Python as inline SVG (the page loads nothing); every label goes through
``html.escape``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from html import escape

from rulelaw_llm.categories import CATEGORIES, label_of
from rulelaw_llm.corpus.evaluation_model import ItemKind
from rulelaw_llm.corpus.review_data import (
    _PALETTE,
    CHART_TOP_REPORTS,
    CHART_TOP_VALUES,
    KIND_LABELS,
    _IndicatorGroup,
    _number,
    _View,
)

__all__ = ["_category_chart", "_indicator_chart"]

# --------------------------------------------------------------------------- SVG charts


def _text_width(text: str) -> int:
    return sum(13 if ord(char) > 0x2E7F else 7 for char in text)


def _legend(series: list[tuple[str, str]], y: int, width: int) -> tuple[str, int]:
    parts, x = [], 10
    for name, color in series:
        step = 20 + _text_width(name) + 16
        if x + step > width and x > 10:
            x, y = 10, y + 20
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{color}"></rect>'
            f'<text x="{x + 16}" y="{y + 11}">{escape(name)}</text>'
        )
        x += step
    return "".join(parts), y + 20


_OTHER_COLOR = "#bab0ac"


def _category_counts(views: list[_View], kind: ItemKind) -> list[Counter[str]]:
    """Per report, how many items of ``kind`` each category has."""
    per_report: list[Counter[str]] = []
    for view in views:
        counted: Counter[str] = Counter()
        for item in view.items:
            if item.kind == kind:
                summary_item = (
                    view.summary.problems[item.index]
                    if kind == "problem"
                    else view.summary.plans[item.index]
                    if kind == "plan"
                    else view.summary.achievements[item.index]
                )
                counted[summary_item.category] += 1
        per_report.append(counted)
    return per_report


def _category_chart(testid: str, title: str, views: list[_View], kind: ItemKind) -> str:
    """Items per category: stacked by report for a few reports, reports per category for many.

    Up to ``CHART_TOP_REPORTS + 1`` reports, each bar is a category and each report one
    coloured part of it. With more, a stack of colours says nothing (one grey "其他" part
    would hold nearly every report): each bar is then the number of reports that have the
    category, with how many items they hold together.
    """
    per_report = _category_counts(views, kind)
    if len(views) > CHART_TOP_REPORTS + 1:
        return _reports_per_category(testid, title, per_report, kind)
    series = [(view.tab, _PALETTE[n % len(_PALETTE)], view.anchor) for n, view in enumerate(views)]
    columns: list[Counter[str]] = per_report
    title = f"{title}（按报告堆叠）"
    rows = [
        (key, [column[key] for column in columns])
        for key in CATEGORIES
        if any(column[key] for column in columns)
    ]
    heading = f"<figcaption>{escape(title)}</figcaption>"
    if not rows:
        return _empty_chart(testid, heading, kind)
    label_width = max(_text_width(label_of(key)) for key, _ in rows) + 16
    bar_width, row_height = 360, 24
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
        for (name, color, anchor), count in zip(series, row, strict=True):
            if not count:
                continue
            width = bar_width * count / most
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="16" '
                f'fill="{color}" data-report="{escape(anchor)}">'
                f"<title>{escape(name)}：{escape(label_of(key))} {count} 条</title>"
                "</rect>"
            )
            x += width
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{sum(row)}</text>')
    legend, height = _legend(
        [(name, color) for name, color, _ in series], 20 + len(rows) * row_height, total_width
    )
    parts.append(legend)
    return _svg_figure(testid, title, heading, total_width, height + 6, parts)


def _empty_chart(testid: str, heading: str, kind: ItemKind) -> str:
    return (
        f'<figure class="chart" data-testid="{testid}">{heading}'
        f'<p class="empty">没有{escape(KIND_LABELS[kind])}条目。</p></figure>'
    )


def _svg_figure(
    testid: str, title: str, heading: str, width: float, height: float, parts: list[str]
) -> str:
    return (
        f'<figure class="chart" data-testid="{testid}">{heading}'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"{''.join(parts)}</svg></figure>"
    )


def _reports_per_category(
    testid: str, title: str, per_report: list[Counter[str]], kind: ItemKind
) -> str:
    """One bar per category: how many reports have it (and their items), most first."""
    reports: Counter[str] = Counter()
    items: Counter[str] = Counter()
    for counted in per_report:
        reports.update(set(counted))
        items.update(counted)
    title = f"{title}（各类涉及的报告数，共 {len(per_report):,} 份）"
    heading = f"<figcaption>{escape(title)}</figcaption>"
    if not reports:
        return _empty_chart(testid, heading, kind)
    rows = sorted(reports, key=lambda key: (-reports[key], list(CATEGORIES).index(key)))
    label_width = max(_text_width(label_of(key)) for key in rows) + 16
    bar_width, row_height = 300, 24

    def said(key: str) -> str:
        share = reports[key] * 100 / len(per_report)
        return f"{reports[key]:,} 份（{share:.0f}%）· {items[key]:,} 条"

    total_width = label_width + bar_width + max(_text_width(said(key)) for key in rows) + 16
    parts = []
    for r, key in enumerate(rows):
        y = 10 + r * row_height
        width = bar_width * reports[key] / len(per_report)
        share = reports[key] * 100 / len(per_report)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(label_of(key))}</text>"
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{max(width, 1.0):.1f}" '
            f'height="16" fill="{_PALETTE[0]}" data-category="{escape(key)}" '
            f'data-reports="{reports[key]}">'
            f"<title>{escape(label_of(key))}：{reports[key]:,} 份报告（{share:.0f}%），"
            f"共 {items[key]:,} 条</title></rect>"
            f'<text x="{label_width + width + 6:.1f}" y="{y + 15}">{escape(said(key))}</text>'
        )
    height = 16 + len(rows) * row_height
    return _svg_figure(testid, title, heading, total_width, height, parts)


def _indicator_chart(groups: list[_IndicatorGroup], limit: int = 12) -> str:
    """Bars of the values of indicators shared by several reports: the largest ones, then "其他"."""
    title = "同名指标的数值比较（名称相近、单位相同、出现在多份报告中）"
    heading = f"<figcaption>{escape(title)}</figcaption>"
    if not groups:
        return (
            f'<figure class="chart" data-testid="chart-indicators">{heading}'
            '<p class="empty">没有在多份报告中出现的同名指标。</p></figure>'
        )
    shown_groups = [
        (group, sorted(group.members, key=lambda member: -member[2])) for group in groups[:limit]
    ]
    labels = [
        view.tab for _, members in shown_groups for view, _, _, _ in members[:CHART_TOP_VALUES]
    ]
    label_width = max(_text_width(label) for label in labels) + 16
    bar_width = 320
    total_width = label_width + bar_width + 110
    parts, y = [], 6
    for group, members in shown_groups:
        parts.append(
            f'<text class="group" x="6" y="{y + 14}">{escape(group.label)}'
            f"（{escape(group.unit)}）</text>"
        )
        y += 22
        most = max(value for _, _, value, _ in members) or 1.0
        top, rest = members[:CHART_TOP_VALUES], members[CHART_TOP_VALUES:]
        if len(rest) == 1:
            top, rest = members, []
        for view, item, value, approx in top:
            width = max(bar_width * value / most, 1.0)
            shown = f"{_number(value)}{'（约）' if approx else ''}"
            parts.append(
                f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end">'
                f"{escape(view.tab)}</text>"
                f'<rect class="bar" x="{label_width}" y="{y + 2}" width="{width:.1f}" '
                f'height="14" fill="#4e79a7" data-item="{escape(item.id)}">'
                f"<title>{escape(item.title)}</title></rect>"
                f'<text x="{label_width + width + 6:.1f}" y="{y + 13}">{escape(shown)}</text>'
            )
            y += 20
        if rest:
            values = [value for _, _, value, _ in rest]
            median = statistics.median(values)
            width = max(bar_width * median / most, 1.0)
            parts.append(
                f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end">'
                f"其他 {len(rest)} 条</text>"
                f'<rect class="bar other" x="{label_width}" y="{y + 2}" width="{width:.1f}" '
                f'height="14" fill="{_OTHER_COLOR}" data-other="1"><title>其他 {len(rest)} 条：'
                f"{_number(min(values))}–{_number(max(values))}，中位数 {_number(median)}</title>"
                f'</rect><text x="{label_width + width + 6:.1f}" y="{y + 13}">'
                f"中位数 {escape(_number(median))}</text>"
            )
            y += 20
        y += 8
    return (
        f'<figure class="chart" data-testid="chart-indicators">{heading}'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{total_width}" height="{y}" viewBox="0 0 {total_width} {y}">'
        f"{''.join(parts)}</svg></figure>"
    )
