"""The review page's HTML: SVG charts, the report views, the corpus table and its sections.

Every text from a report or a model goes through ``html.escape``; elements tests rely on
carry ``data-testid``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from html import escape

from rulelaw_llm.corpus.evaluation import (
    ResultEntry,
)
from rulelaw_llm.corpus.evaluation_model import (
    FIELD_LABELS,
    FIELDS,
    Evaluation,
    ReportEvaluation,
)
from rulelaw_llm.corpus.review_data import (
    _KIND_ORDER,
    _NONE,
    _REJECTED_LABELS,
    BOILERPLATE_LISTED,
    BOILERPLATE_SHOWN,
    FINDING_LABELS,
    KIND_LABELS,
    REJECTED_OPEN,
    SEVERITY_LABELS,
    TABLE_PAGE,
    AuditLike,
    _Item,
    _View,
)
from rulelaw_llm.corpus.review_kinds import kind_cells, kind_header, outliers_box

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
    # A long list would push the report's text far down: it starts folded.
    is_open = " open" if len(summary.rejected) <= REJECTED_OPEN else ""
    parts.append(
        f'<details class="box" data-testid="rejected"{is_open}><summary><h4>未通过校验的条目'
        f"（{len(summary.rejected)}）</h4></summary><ul>{rejected or _NONE}</ul></details>"
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


def _severity_chip(severity: str) -> str:
    label = SEVERITY_LABELS.get(severity, severity)
    return f'<span class="badge severity-{escape(severity)}">{escape(label)}</span>'


def _audit_box(audit: AuditLike) -> str:
    entries = []
    for finding in audit.findings:
        quotes = "".join(
            f"<li><q>{escape(evidence.quote)}</q>"
            f'<span class="score">{evidence.start}–{evidence.end}</span></li>'
            for evidence in finding.evidence
        )
        looked = (
            f'<p class="hint" title="查找了什么">{escape(finding.looked_for)}</p>'
            if finding.looked_for
            else ""
        )
        entries.append(
            f'<li data-testid="finding" data-code="{escape(finding.code)}">'
            f"{_severity_chip(finding.severity)}"
            f'<span class="chip">{escape(FINDING_LABELS.get(finding.code, finding.code))}</span>'
            f"{escape(finding.message)}{f'<ul>{quotes}</ul>' if quotes else ''}{looked}</li>"
        )
    # Open, since the findings are what an office acts on; it folds like the rejected items.
    return (
        f'<details class="box" data-testid="audit" open><summary><h4>审核：得分 '
        f"{audit.score.value}，发现 {len(audit.findings)} 项</h4></summary>"
        f"<ul>{''.join(entries) or _NONE}</ul></details>"
    )


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


def _digest(view: _View) -> str:
    """The digest, each claim a link to its sources' highlights (results of schema 1.3 on)."""
    digest = view.summary.digest
    known = {item.id for item in view.items if item.grounded}
    out: list[str] = []
    position = 0
    for number, claim in enumerate(view.summary.digest_claims, 1):
        ids = [f"{view.anchor}-{s.kind}-{s.index}" for s in claim.sources]
        ids = [item_id for item_id in ids if item_id in known]
        who = "模型撰写，已逐句核对出处" if claim.origin == "model" else "规则模板"
        out.append(escape(digest[position : claim.start]))
        out.append(
            f'<span class="claim claim-{claim.origin}" data-testid="digest-claim" '
            f'data-sources="{escape(" ".join(ids))}" tabindex="0" title="{who}；依据 '
            f'{len(claim.sources)} 个条目">{escape(claim.text)}<sup>{number}</sup></span>'
        )
        position = claim.end
    return "".join(out) + escape(digest[position:])


def _report_body(view: _View) -> str:
    """The inner HTML of a report's view, inserted by the script when it is first shown."""
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
    heading = escape(summary.title or view.label)
    if view.tab != view.label:
        heading += f' <small class="hint">（{escape(view.entry.input or view.entry.name)}）</small>'
    return (
        f'<h2 data-testid="report-title">{heading}</h2>'
        f'<p class="digest" data-testid="digest">{_digest(view)}</p>'
        f"{_metadata(view)}"
        f"{_audit_box(view.audit) if view.audit is not None else ''}{outliers_box(view)}"
        f'<div class="boxes">{_problems_box(view)}</div>'
        f'<p class="legend">高亮：{legend}（悬停或点击查看字段）</p>'
        f'<div class="columns"><article class="text-column">{text_html}</article>'
        f'<div class="side"><aside class="panel" data-testid="panel">'
        f'<h3>条目详情</h3><div class="panel-body" data-testid="panel-body">'
        f'<p class="hint">将鼠标移到高亮处或点击条目，查看抽取出的字段。</p></div></aside>'
        f'<div class="lists">{_item_lists(view)}</div></div></div>'
    )


def _report_view(view: _View) -> str:
    """The empty view of a report: a deep-link target whose body is loaded when shown."""
    return (
        f'<section class="view report" id="{escape(view.anchor)}" data-testid="report" '
        f'data-report="{escape(view.entry.name)}"><h2>{escape(view.tab)}</h2>'
        '<p class="loading">正在载入……</p></section>'
    )


def _report_data(view: _View) -> str:
    """The data block of a report: its body's HTML and its items' fields, as gzipped JSON.

    Compressed because it is most of the page (about 6× smaller); the script inflates it
    with the browser's ``DecompressionStream`` the first time the report is shown.
    """
    items = {
        item.id: {
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
        for item in view.items
    }
    data = {"html": _report_body(view), "items": items}
    packed = gzip.compress(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), mtime=0
    )
    # Base64 holds no "<", so the block can never end early or open a tag.
    return (
        f'<script type="text/plain" class="report-data" id="data-{escape(view.anchor)}">'
        f"{base64.b64encode(packed).decode('ascii')}</script>"
    )


def _top_indicators(view: _View, shared: set[str], limit: int = 3) -> str:
    indicators = [item for item in view.items if item.kind == "indicator"]
    indicators.sort(key=lambda item: (item.id not in shared, item.index))
    return "；".join(item.title for item in indicators[:limit])


def _cell(text: str, value: float | None = None, *, kind: str = "", title: str = "") -> str:
    classes = " ".join(part for part in ("number" if value is not None else "", kind) if part)
    attributes = f' class="{classes}"' if classes else ""
    if value is not None:
        attributes += f' data-value="{value:g}"'
    if title:
        attributes += f' title="{escape(title)}"'
    return f"<td{attributes}>{text}</td>"


def compact_number(value: int) -> str:
    """A count short enough for a narrow column: 9,339 · 1.2万 · 35万 · 1.2亿."""
    if value < 10_000:
        return f"{value:,}"
    for unit, size in (("亿", 100_000_000), ("万", 10_000)):
        if value >= size:
            shown = value / size
            text = f"{shown:.1f}" if shown < 10 else f"{shown:,.0f}"
            return f"{text.removesuffix('.0')}{unit}"
    return str(value)  # pragma: no cover - every value ≥ 10,000 has a unit above


#: The corpus table's columns: label, kind ("text", "number", or "name" for a wrapping text),
#: which way a first click sorts (a count where few is bad goes up first, so that the reports
#: to look at come first), and what the column holds.
_COLUMNS: dict[str, tuple[str, str, str]] = {
    "报告": ("name", "ascending", "报告主体（同名时附文件名）"),
    "上级": ("name", "ascending", "所属县区或部门所属政府"),
    "层级": ("text", "ascending", "镇、乡、街道、部门……"),
    "年度": ("number", "ascending", "报告所述年度"),
    "模型": ("name", "ascending", "生成结果的模型（规则为离线摘要）"),
    "审核得分": ("number", "ascending", "审核得分（满分 100，低分在前）"),
    "错误": ("number", "descending", "审核发现中的错误条数"),
    "警告": ("number", "descending", "审核发现中的警告条数"),
    "提示": ("number", "descending", "审核发现中的提示条数"),
    "成效": ("number", "ascending", "举措和成效条数（少的在前）"),
    "数字指标": ("number", "ascending", "数字指标个数（少的在前）"),
    "问题": ("number", "ascending", "存在的问题条数（少的在前）"),
    "原因": ("number", "ascending", "写明的原因条数（少的在前）"),
    "计划": ("number", "ascending", "下一年度计划条数（少的在前）"),
    "未定位": ("number", "descending", "引文与原文位置不一致的条目数"),
    "拒绝": ("number", "descending", "未通过校验的条目数"),
    "抽取警告": ("number", "descending", "抽取结果中的警告条数"),
    "token": ("number", "descending", "提示 + 生成 token"),
    "主要指标": ("name", "ascending", "多份报告共有的指标在前"),
}


def _search_key(view: _View) -> str:
    """What the search box matches: the names and the file, lower-cased."""
    parts = [view.label, view.tab, view.summary.title or "", view.entry.name]
    parts += [view.summary.parent_entity or "", view.summary.level or ""]
    return " ".join(part for part in parts if part).lower()


def _codes(view: _View) -> str:
    """The ``data-codes`` attribute: the audit's finding codes, for the findings filter."""
    if view.audit is None:
        return ""
    codes = sorted({finding.code for finding in view.audit.findings})
    return f' data-codes=" {escape(" ".join(codes))} "'


def _corpus_table(
    views: list[_View], shared: set[str], with_audits: bool, kinds: Sequence[str] = ()
) -> str:
    rows = []
    for order, view in enumerate(views):
        counts = {kind: sum(1 for i in view.items if i.kind == kind) for kind in KIND_LABELS}
        summary = view.summary
        provenance = summary.provenance
        usage = provenance.usage
        backend = provenance.model or ("规则" if provenance.backend == "rules" else "大模型")
        ungrounded = sum(1 for item in view.items if not item.grounded)
        tokens = usage.prompt_tokens + usage.completion_tokens
        cells = [
            _cell(
                f'<a href="#{escape(view.anchor)}" data-testid="report-link">{escape(view.tab)}</a>',
                kind="name",
            ),
            _cell(escape(summary.parent_entity or ""), kind="name"),
            _cell(escape(summary.level or "")),
            _cell(escape(str(summary.year or "")), summary.year),
            _cell(escape(backend), kind="name"),
        ]
        if with_audits:
            audit = view.audit
            if audit is None:
                cells += ['<td class="empty">—</td>'] * 4
            else:
                severities = Counter(finding.severity for finding in audit.findings)
                cells.append(_cell(str(audit.score.value), audit.score.value))
                cells += [
                    _cell(str(severities[severity]), severities[severity])
                    for severity in SEVERITY_LABELS
                ]
        cells += [_cell(str(counts[kind]), counts[kind]) for kind in KIND_LABELS]
        cells += kind_cells(view, kinds)
        cells += [
            _cell(str(ungrounded), ungrounded),
            _cell(str(len(summary.rejected)), len(summary.rejected)),
            _cell(str(len(summary.warnings)), len(summary.warnings)),
            _cell(
                compact_number(tokens),
                tokens,
                title=f"提示 {usage.prompt_tokens:,} + 生成 {usage.completion_tokens:,}",
            ),
            _cell(escape(_top_indicators(view, shared)), kind="name"),
        ]
        # Rows after the first page start hidden, as the script would hide them.
        hidden = " hidden" if order >= TABLE_PAGE else ""
        rows.append(
            f'<tr data-testid="corpus-row"{hidden} data-order="{order}" '
            f'data-view="{escape(view.anchor)}" data-search="{escape(_search_key(view))}" '
            f'data-level="{escape(summary.level or "")}" '
            f'data-parent="{escape(summary.parent_entity or "")}"{_codes(view)}>'
            f"{''.join(cells)}</tr>"
        )
    header = ["报告", "上级", "层级", "年度", "模型"]
    if with_audits:
        header += ["审核得分", *SEVERITY_LABELS.values()]
    kind_columns = dict(kind_header(kinds))
    header += [*KIND_LABELS.values(), *kind_columns, "未定位", "拒绝", "抽取警告", "token"]
    header += ["主要指标"]
    columns = {**_COLUMNS, **kind_columns}
    head = "".join(
        f'<th data-type="{"number" if columns[label][0] == "number" else "text"}" '
        f'data-first="{columns[label][1]}" title="{escape(columns[label][2])}">'
        f'<button type="button" class="sort" data-testid="sort">{escape(label)}</button></th>'
        for label in header
    )
    tools = (
        '<div class="tools"><label>分组：<select data-testid="group-by">'
        '<option value="">不分组</option><option value="level">按层级</option>'
        '<option value="parent">按上级（县区 / 部门所属政府）</option></select></label>'
        '<span class="chip" data-testid="code-filter" hidden>只显示有“<span></span>”的报告 '
        '<button type="button" data-testid="clear-code-filter" aria-label="取消">×</button></span>'
        '<span class="hint">点击列名排序；顶部搜索框按名称筛选。</span></div>'
    )
    more = (
        '<p class="tools"><button type="button" data-testid="show-more" hidden></button>'
        '<button type="button" data-testid="show-all" hidden>全部显示</button></p>'
    )
    return (
        f'{tools}<div class="table-wrap"><table class="corpus" data-testid="corpus-table" '
        f'data-page-size="{TABLE_PAGE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{more}"
    )


def _findings_section(views: list[_View]) -> str:
    """The corpus table of audit findings by code: how many reports and findings each."""
    reports: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    severities: dict[str, Counter[str]] = defaultdict(Counter)
    audited = 0
    for view in views:
        if view.audit is None:
            continue
        audited += 1
        codes = [finding.code for finding in view.audit.findings]
        findings.update(codes)
        reports.update(set(codes))
        for finding in view.audit.findings:
            severities[finding.code][finding.severity] += 1
    rows = "".join(
        f'<tr data-testid="finding-row" data-code="{escape(code)}"><td>'
        f'<button type="button" class="code-filter" data-code="{escape(code)}" '
        f'title="只显示有这项发现的报告">{escape(code)}</button></td>'
        f"<td>{escape(FINDING_LABELS.get(code, code))}</td>"
        f"<td>{''.join(_severity_chip(s) for s in SEVERITY_LABELS if severities[code][s])}</td>"
        f'<td class="number">{reports[code]}</td><td class="number">{count}</td></tr>'
        for code, count in sorted(findings.items(), key=lambda pair: (-reports[pair[0]], pair[0]))
    )
    scores = [view.audit.score.value for view in views if view.audit is not None]
    median = f"，得分中位数 {statistics.median(scores):g}" if scores else ""
    missing = len(views) - audited
    note = f"；{missing} 份报告没有审核结果" if missing else ""
    return (
        f'<section class="box" data-testid="findings"><h3>审核发现（按检查代码）</h3>'
        f'<p class="hint">已审核 {audited} 份报告{median}{note}。点击代码，报告表只显示有这项发现的报告。</p>'
        "<table><thead><tr><th>代码</th><th>检查</th><th>严重程度</th><th>报告数</th>"
        f"<th>发现数</th></tr></thead><tbody>{rows or '<tr><td colspan=5>没有发现</td></tr>'}"
        "</tbody></table></section>"
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
            members = [
                f'<li><a href="#{escape(view.anchor)}" data-select="{escape(item.id)}">'
                f"{escape(view.tab)}</a> · {escape(KIND_LABELS[item.kind])}："
                f"<q>{escape(item.evidence.quote or item.title)}</q>"
                f'<span class="score">相似度 {score:.2f}</span></li>'
                for view, item, score in cluster
            ]
            shown = members[:BOILERPLATE_SHOWN]
            rest = members[BOILERPLATE_SHOWN:BOILERPLATE_LISTED]
            unlisted = len(members) - len(shown) - len(rest)
            tail = f"<p>另有 {unlisted} 条未列出，见各报告中的“套话”标记。</p>" if unlisted else ""
            more = (
                f"<details><summary>另有 {len(members) - len(shown)} 条</summary>"
                f"<ul>{''.join(rest)}</ul>{tail}</details>"
                if rest
                else ""
            )
            reports = len({id(view) for view, _, _ in cluster})
            flags.append(
                f'<div class="flag" data-testid="boilerplate-flag">'
                f'<p class="hint">{reports} 份报告，{len(cluster)} 条</p>'
                f"<ul>{''.join(shown)}</ul>{more}</div>"
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
