"""The review page: one self-contained HTML file to check results against the reports.

``write_review(results, "review.html")`` writes a single file that opens by double-click:
no network, no CDN; CSS, JavaScript and SVG charts are inline (the style sheet and the
script are package data files, ``review_assets/``), and a Content Security Policy forbids
every external load and every script but the page's own (by its hash).

* **语料总览** (the corpus): a table of the reports (counts per kind, key indicators, and
  with ``audits`` the audit's score and findings) that sorts by any column, groups by level
  or by parent (county / department's government) and is filtered, with the navigation, by
  a search box; bar charts of the achievement, problem and plan categories (the reports
  with most items each get a colour, the rest are one "其他" bar); a chart comparing
  indicator values whose name and unit occur in several reports (the largest values, the
  rest as "其他"); *boilerplate* flags: problems or plans of different reports whose
  evidence quotes are nearly identical (``fuzz.ratio`` ≥ 80 on the quotes folded and
  stripped of punctuation, whitespace and a leading item marker such as （一） or 一是);
  with ``audits``, the findings by code (a code filters the table to the reports that have
  it); with ``gold_dir``, the evaluation table. **By kind** (``review_kinds``): columns of
  the kinds most reports state, a table of every kind by level tier, the distribution of one
  kind across reports (tier by tier), and the figures to check (outliers), also in each
  report's view.
* **One view per report**, built the first time it is shown from JSON embedded in the page
  (so a page of 1,000 reports loads fast): digest and metadata, the audit's findings, the
  full cleaned text re-read from the input file with every grounded evidence span
  highlighted as ``<mark class="ev ev-KIND" data-kind=… data-id=…>`` (overlapping spans
  nest; a span that crosses another is split, its later parts carry ``ev-cont``), the
  lists of items, a side panel with the fields of the item under the mouse or last
  clicked, rejected items (collapsible) and warnings. Two reports with the same name are
  told apart by their file name.

Every text from a report or a model goes through ``html.escape``; the data the script
reads is JSON with ``<``, ``>`` and ``&`` escaped as ``\\u003c``…, so a report containing
``<script>`` is shown as text and never runs. Elements tests rely on carry ``data-testid``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path, PurePath

from rulelaw_llm.console import Progress
from rulelaw_llm.corpus.evaluation import (
    ResultEntry,
    evaluate,
    read_source_text,
    result_entries,
)
from rulelaw_llm.corpus.review_charts import _category_chart, _indicator_chart
from rulelaw_llm.corpus.review_data import (
    BOILERPLATE_THRESHOLD,
    AuditLike,
    FindingLike,
    _build_items,
    _find_boilerplate,
    _indicator_groups,
    _View,
    read_audits,
)
from rulelaw_llm.corpus.review_html import (
    _boilerplate_section,
    _corpus_table,
    _evaluation_section,
    _failures,
    _findings_section,
    _report_data,
    _report_view,
    _script_hash,
    _search_key,
)
from rulelaw_llm.corpus.review_kinds import attach_kinds, kinds_section, outliers_section
from rulelaw_llm.schema import ReportSummary

__all__ = [
    "BOILERPLATE_THRESHOLD",
    "AuditLike",
    "FindingLike",
    "read_audits",
    "render_review",
    "write_review",
]

# --------------------------------------------------------------------------- the page


@cache
def _asset(name: str) -> str:
    """A file of ``rulelaw_llm/corpus/review_assets`` (package data, in the wheel and in a checkout)."""
    folder = resources.files("rulelaw_llm.corpus").joinpath("review_assets")
    return folder.joinpath(name).read_text(encoding="utf-8")


def _read_results(
    results: str | os.PathLike[str] | Sequence[ReportSummary],
    progress: Progress | None = None,
) -> tuple[list[ResultEntry], list[str], Path | None]:
    """The entries of ``results``, in input order: the one place the page reads results.

    A batch writes its records as reports finish; the order the batch took its inputs in
    (each record's ``position``) is the order a reader expects. Entries without one keep
    their place after those with one.
    """
    entries, notes, base = result_entries(results, progress=progress)
    ordered = sorted(
        enumerate(entries),
        key=lambda pair: (pair[1].position is None, pair[1].position or 0, pair[0]),
    )
    return [entry for _, entry in ordered], notes, base


def _name_tabs(views: list[_View]) -> None:
    """Give each view its navigation name; reports sharing a name show their file too."""
    counts = Counter(view.label for view in views)
    files = Counter((view.label, view.entry.name) for view in views)
    for view in views:
        if counts[view.label] == 1:
            view.tab = view.label
        elif files[(view.label, view.entry.name)] == 1:
            view.tab = f"{view.label}（{view.entry.name}）"
        else:
            view.tab = f"{view.label}（{view.entry.input or view.entry.name}）"


def _match_audits(views: list[_View], audits: Sequence[AuditLike], base: Path | None) -> None:
    """Attach each audit to the view of the same input (as written, resolved, or file name)."""

    def resolved(path: str) -> str:
        candidate = Path(path)
        if not candidate.is_absolute() and base is not None and not candidate.exists():
            candidate = base / candidate
        return str(candidate.resolve())

    by_input = {audit.input: audit for audit in audits}
    by_path = {resolved(audit.input): audit for audit in audits}
    names = Counter(PurePath(audit.input.replace("\\", "/")).name for audit in audits)
    by_name = {
        PurePath(audit.input.replace("\\", "/")).name: audit
        for audit in audits
        if names[PurePath(audit.input.replace("\\", "/")).name] == 1
    }
    for view in views:
        source = view.entry.input or ""
        view.audit = (
            by_input.get(source)
            or (by_path.get(resolved(source)) if source else None)
            or by_name.get(view.entry.name)
        )


def render_review(
    results: str | os.PathLike[str] | Sequence[ReportSummary],
    *,
    gold_dir: str | os.PathLike[str] | None = None,
    audits: Sequence[AuditLike] | None = None,
    progress: Progress | None = None,
) -> str:
    """The review page as one HTML string (see ``write_review``)."""
    entries, notes, base = _read_results(results, progress)
    evaluation = evaluate(results, gold_dir) if gold_dir is not None else None
    by_input = {report.input: report for report in evaluation.reports} if evaluation else {}
    views: list[_View] = []
    for number, entry in enumerate(entries):
        if progress is not None:
            progress("读取报告原文", number, len(entries))
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
    _name_tabs(views)
    if audits is not None:
        _match_audits(views, audits, base)
    kind_columns = attach_kinds(views)
    if progress is not None:
        progress("比对套话", 0, None)
    clusters = _find_boilerplate(views)
    if progress is not None:
        progress("比较指标", 0, None)
    groups = _indicator_groups(views)
    shared = {item.id for group in groups for _, item, _, _ in group.members}
    nav = "".join(
        f'<a href="#{escape(view.anchor)}" data-view="{escape(view.anchor)}" '
        f'data-search="{escape(_search_key(view))}" title="{escape(view.entry.input or view.entry.name)}">'
        f"{escape(view.tab)}</a>"
        for view in views
    )
    notices = "".join(f'<p class="notice">{escape(note)}</p>' for note in notes)
    corpus = (
        '<section class="view corpus-view" id="corpus" data-testid="corpus">'
        f"<h2>语料总览：{len(views)} 份报告"
        f"{f'，{len(entries) - len(views)} 份失败' if len(entries) > len(views) else ''}</h2>"
        f"{notices}{_corpus_table(views, shared, audits is not None, kind_columns)}"
        f"{_failures(entries)}{outliers_section(views)}"
        f"{_findings_section(views) if audits is not None else ''}"
        f"{_evaluation_section(evaluation) if evaluation else ''}"
        '<div class="charts">'
        f"{_category_chart('chart-problems', '问题的类别', views, 'problem')}"
        f"{_category_chart('chart-plans', '下一年度计划的类别', views, 'plan')}"
        f"{_category_chart('chart-achievements', '举措和成效的类别', views, 'achievement')}"
        f"{_indicator_chart(groups)}</div>"
        f"{kinds_section(views)}{_boilerplate_section(clusters)}</section>"
    )
    body = corpus + "".join(_report_view(view) for view in views)
    blocks = []
    for number, view in enumerate(views):
        if progress is not None:
            progress("生成报告页", number, len(views))
        blocks.append(_report_data(view))
    data = "".join(blocks)
    script = _asset("review.js") + _asset("review_kinds.js")
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
        f"<style>{_asset('review.css')}{_asset('review_kinds.css')}</style></head><body>"
        '<header class="top"><h1>法治政府建设年度报告 · 抽取结果审阅</h1>'
        '<a href="#corpus" data-view="corpus">语料总览</a>'
        '<input type="search" data-testid="search" placeholder="筛选报告：主体、上级、文件名" '
        'aria-label="按名称筛选报告">'
        '<span class="search-count" data-testid="search-count"></span>'
        '<span class="current-title" data-testid="current-title"></span></header>'
        f'<div class="layout"><nav class="reports" data-testid="nav" aria-label="报告">{nav}</nav>'
        f"<main>{body}</main></div>{data}"
        f"<script>{script}</script></body></html>\n"
    )


def write_review(
    results: str | os.PathLike[str] | Sequence[ReportSummary],
    output: str | os.PathLike[str],
    *,
    gold_dir: str | os.PathLike[str] | None = None,
    audits: Sequence[AuditLike] | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the review page for ``results`` (a JSONL results file or summaries) to ``output``.

    Each report's text is re-read from its input file (``load_report``) so that the
    evidence can be highlighted in place; a missing file is shown as such. With
    ``gold_dir``, the page also compares every item with the gold annotations; with
    ``audits`` (the audits of these reports, matched by input), it shows each report's
    findings and score and a corpus table of findings by code — without them those parts
    are simply absent. Raises ``InputError`` if the results or the gold directory cannot
    be read. ``progress`` is told of each step (``rulelaw_llm.console.Progress``).
    """
    path = Path(output)
    page = render_review(results, gold_dir=gold_dir, audits=audits, progress=progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
