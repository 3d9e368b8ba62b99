"""The review page's comparison by kind: per-kind columns of the corpus table, a table of the
kinds, a distribution view (the values of one kind across reports, level tier by level tier)
and the figures to check (outliers), in the corpus view and in each report's view.

The distribution is drawn by ``review_assets/review_kinds.js`` from a JSON block (one entry
per report and kind), so that a page of 1,000 reports carries numbers, not thousands of SVG
elements. Every text goes through ``html.escape``; the JSON is escaped so that it cannot
end its element.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from html import escape

from rulelaw_llm.auditing.comparison import (
    LEVEL_TIERS,
    find_outliers,
    kind_rows,
    level_tier,
    median,
)
from rulelaw_llm.corpus.review_data import _View
from rulelaw_llm.kinds import KINDS

__all__ = [
    "KIND_COLUMNS",
    "attach_kinds",
    "kind_cells",
    "kind_header",
    "kinds_section",
    "short_label",
    "outliers_box",
    "outliers_section",
]

#: How many kinds get a column of the corpus table (those most reports state).
KIND_COLUMNS = 3
#: Figures to check listed open in the corpus view; the rest start folded, at most
#: ``OUTLIERS_LISTED`` in all (laying out a thousand lines of text slows the page's load).
OUTLIERS_SHOWN = 20
OUTLIERS_LISTED = 500
_TIERS = [*dict.fromkeys(LEVEL_TIERS.values()), "层级不明"]


def attach_kinds(views: Sequence[_View]) -> list[str]:
    """Compute each report's kind rows and outliers; return the kinds that get a column."""
    rows = [kind_rows(view.summary) for view in views]
    outliers = find_outliers([view.summary for view in views], rows=rows)
    stated: Counter[str] = Counter()
    for view, report_rows, found in zip(views, rows, outliers, strict=True):
        view.kinds = {row.kind: row for row in report_rows}
        view.outliers = list(found)
        stated.update(view.kinds.keys())
    return [kind for kind, _ in stated.most_common(KIND_COLUMNS)]


def _compact(value: float) -> str:
    """A figure for a narrow cell: 9,339 · 1.2万 · 35万 (a rate keeps its decimals)."""
    if value < 10_000:
        return _number(value)
    for unit, size in (("亿", 100_000_000), ("万", 10_000)):
        if value >= size:
            shown = value / size
            return f"{shown:.1f}".removesuffix(".0") + unit if shown < 10 else f"{shown:,.0f}{unit}"
    return _number(value)  # pragma: no cover


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def short_label(key: str) -> str:
    """A kind column's name, short enough for the table at 1,400 px: 集体学法（次）."""
    return f"{KINDS[key].label.split('（')[0].removesuffix('次数').removesuffix('数')}（{KINDS[key].base}）"


def kind_header(kinds: Sequence[str]) -> list[tuple[str, tuple[str, str, str]]]:
    """The corpus table's kind columns: label and (type, first sort, what the column holds)."""
    header = []
    for key in kinds:
        unit = KINDS[key].base
        title = f"该报告写明的“{KINDS[key].label}”（各指标之和，单位：{unit}；多的在前）"
        header.append((short_label(key), ("number", "descending", title)))
    return header


def kind_cells(view: _View, kinds: Sequence[str]) -> list[str]:
    """The cells of the kind columns for one report (empty when it does not state the kind)."""
    cells = []
    for key in kinds:
        row = view.kinds.get(key)
        if row is None:
            cells.append('<td class="number empty" data-value="">—</td>')
            continue
        flagged = any(outlier.kind == key for outlier in view.outliers)
        extra = ' outlier" title="请核对' if flagged else ""
        cells.append(
            f'<td class="number{extra}" data-value="{row.value:g}" data-kind="{escape(key)}">'
            f"{escape(_compact(row.value))}{'约' if row.approx else ''}</td>"
        )
    return cells


def _data(views: Sequence[_View]) -> str:
    values: dict[str, list[list[object]]] = {}
    for view in views:
        tier = _TIERS.index(level_tier(view.summary.level))
        flagged = {outlier.kind for outlier in view.outliers}
        for key, row in view.kinds.items():
            values.setdefault(key, []).append(
                [view.anchor, view.tab, tier, row.value, int(row.approx), int(key in flagged)]
            )
    kinds = {
        key: {
            "label": KINDS[key].label,
            "unit": next(iter(v for v in (view.kinds.get(key) for view in views) if v)).unit,
        }
        for key in values
    }
    text = json.dumps(
        {"tiers": _TIERS, "kinds": kinds, "values": values},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return f'<script type="application/json" id="kind-data">{text}</script>'


def kinds_section(views: Sequence[_View]) -> str:
    """The corpus view's section of kinds: a table by tier and the distribution of one kind."""
    members: dict[str, list[tuple[str, float]]] = {}
    for view in views:
        for key, row in view.kinds.items():
            members.setdefault(key, []).append((level_tier(view.summary.level), row.value))
    if not members:
        return (
            '<section class="box" data-testid="kinds"><h3>指标种类</h3>'
            '<p class="empty">没有可比较的指标种类。</p></section>'
        )
    order = sorted(members, key=lambda key: (-len(members[key]), list(KINDS).index(key)))
    rows = []
    for key in order:
        unit = next(view.kinds[key].unit for view in views if key in view.kinds)
        tiers = []
        for tier in _TIERS:
            values = [value for name, value in members[key] if name == tier]
            if values:
                tiers.append(
                    f"{escape(tier)} {len(values)} 份：{_number(min(values))}–{_number(median(values))}–"
                    f"{_number(max(values))}"
                )
        rows.append(
            f'<tr data-testid="kind-row" data-kind="{escape(key)}"><td>{escape(KINDS[key].label)}</td>'
            f'<td>{escape(unit)}</td><td class="number">{len(members[key])}</td>'
            f"<td>{'；'.join(tiers)}</td></tr>"
        )
    options = "".join(
        f'<option value="{escape(key)}">{escape(KINDS[key].label)}（{len(members[key])} 份）</option>'
        for key in order
    )
    return (
        '<section class="box" data-testid="kinds"><h3>指标种类（各报告写明的同一项统计）</h3>'
        '<p class="hint">数值已换算到单位族的基本单位：一份报告的数值是它该种类各指标之和（比率取平均）；'
        "层级列为 最小–中位数–最大。</p>"
        '<div class="table-wrap kinds-wrap"><table data-testid="kinds-table"><thead><tr><th>种类</th><th>单位</th>'
        f"<th>报告数</th><th>各层级（最小–中位数–最大）</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        '<h4>一个种类在各报告中的数值（按层级）</h4><label>种类：<select data-testid="kind-select">'
        f'{options}</select></label><div class="kind-distribution" data-testid="kind-distribution"></div>'
        f"{_data(views)}</section>"
    )


def outliers_section(views: Sequence[_View]) -> str:
    """The corpus view's list of figures to check."""
    entries = [
        f'<li data-testid="outlier"><a href="#{escape(view.anchor)}">{escape(view.tab)}</a>：'
        f"{escape(outlier.message)}</li>"
        for view in views
        for outlier in view.outliers
    ]
    shown = "".join(entries[:OUTLIERS_SHOWN])
    body = f"<ul>{shown}</ul>" if entries else '<p class="empty">没有发现需要核对的数据。</p>'
    rest = entries[OUTLIERS_SHOWN:OUTLIERS_LISTED]
    if rest:
        unlisted = len(entries) - OUTLIERS_SHOWN - len(rest)
        tail = f"<p>另有 {unlisted} 处未列出，见各报告视图。</p>" if unlisted else ""
        body += (
            f"<details><summary>另有 {len(entries) - OUTLIERS_SHOWN} 处</summary>"
            f"<ul>{''.join(rest)}</ul>{tail}</details>"
        )
    return (
        f'<section class="box" data-testid="outliers"><h3>需要核对的数据（{len(entries)}）</h3>'
        '<p class="hint">比率超过 100%；数值为同种类、同层级其他报告中位数的十倍以上（至少 5 份报告）；'
        "名称是比率而单位不是 %。数字可能无误，请对照原文核对。</p>"
        f"{body}</section>"
    )


def outliers_box(view: _View) -> str:
    """A report's figures to check, in its own view (nothing when there are none)."""
    if not view.outliers:
        return ""
    entries = "".join(
        f'<li data-testid="report-outlier">{escape(outlier.message)}</li>'
        for outlier in view.outliers
    )
    return (
        f'<section class="box notice" data-testid="report-outliers"><h4>需要核对的数据'
        f"（{len(view.outliers)}）</h4><ul>{entries}</ul></section>"
    )
