"""Evaluation: compare results with the hand-made gold in ``examples/gold``.

``evaluate(results, gold_dir)`` takes a results file (any format ``read_results`` reads:
``summarize`` JSON or JSONL, ``batch`` records, the latest record per input counting) or a
list of ``ReportSummary`` and matches each result to the gold file whose
``report`` field is the input's file name (``provenance.source`` or the record's input ends
with it). Positions are checked against the cleaned text, re-read with ``load_report``.

Matching rules (one-to-one: a gold item and a predicted item are used at most once; among
the possible pairings the largest is kept, preferring span matches, then higher similarity):

* **indicators**: a predicted indicator matches a gold one when ``value`` (to 1e-9),
  ``unit`` (after width folding, 次 ≠ 场) and ``approx`` are equal **and** the span of the
  gold ``raw`` overlaps the indicator's evidence span. The gold span is found by locating
  ``context`` in the cleaned text (verbatim, else ignoring width, punctuation and
  whitespace) and ``raw`` inside it. A gold indicator that cannot be located cannot match.
* **problems, plans** and **causes** (gold ``causes`` against the problems'
  ``cause_evidence``): the gold ``quote`` is located in the cleaned text the same way; a
  predicted item matches when its evidence span overlaps the quote's span, or else when
  their character-level similarity is at least 0.6: ``fuzz.partial_ratio`` (rapidfuzz) / 100
  of the gold quote and the item's evidence quote (its summary if the quote is empty), both
  folded and stripped of punctuation and whitespace. Texts shorter than 4 characters after
  stripping never match by similarity (a short text is "contained" in almost anything).
* **achievements** (gold ``achievements``, one per top-level block of the achievements
  part) match like problems and plans.
* **entity, year, level**: accuracy over the evaluated reports (exact equality).

Judgement is scored on the matched pairs (examples/gold/README.md, section 五):

* **label agreement**: the share of gold indicators carrying a ``what`` label whose matched
  predicted indicator's ``name`` has a character-level F1 of at least 0.5 with ``what``
  (``char_f1``: both texts folded and stripped of punctuation and whitespace, characters
  counted as a multiset). An unmatched gold indicator disagrees.
* **category agreement**: the share of gold achievements, problems and plans carrying a
  ``category`` whose matched predicted item has that category. An unmatched item disagrees.
* **kind agreement**: the share of gold indicators carrying a ``kind`` whose matched
  predicted indicator has that kind (``rulelaw_llm.kinds``). An unmatched one disagrees.

Precision, recall and F1 per field, per report and micro-averaged over all reports.
Empty sets follow one rule: precision is 1.0 when nothing was predicted and recall is 1.0
when the gold has nothing (nothing claimed is nothing wrong); F1 is 0.0 when precision and
recall are both 0, so no predictions against a non-empty gold give P=1, R=0, F1=0, and a
report with no gold causes and no predicted causes scores 1.0 on causes.

An input whose latest record is an error counts as a report with no predictions (a failure
must not flatter the score); a gold file without any record for its report is listed in
``missing`` and not scored; a result without a gold file is listed in ``unmatched``. When
no result matches any gold file there is nothing to score: ``evaluate`` raises ``InputError``
rather than report a perfect score over zero items.

Besides the scores: the grounding rate (share of items — achievements, indicators,
problems, plans and cause evidence — whose ``evidence.quote`` is non-empty and equal to
``text[start:end]``), rejected items, warnings, tokens, requests and re-asks.
``render_table`` prints it all as a Markdown table that is aligned in a terminal.
"""

from __future__ import annotations

import json
import math
import os
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from rulelaw_llm.console import Progress
from rulelaw_llm.corpus.evaluation_model import (
    FIELD_LABELS,
    FIELDS,
    LABEL_THRESHOLD,
    SIMILARITY_THRESHOLD,
    Agreement,
    Edge,
    Evaluation,
    FieldEvaluation,
    FieldName,
    Match,
    ReportEvaluation,
    Score,
    SourceText,
    _field,
    _locate,
    _make_score,
    _match,
    _overlaps,
    evidence_items,
    is_grounded,
    read_source_text,
    similarity,
)
from rulelaw_llm.errors import InputError, os_error_reason
from rulelaw_llm.reading.normalize import fold
from rulelaw_llm.results import ErrorRecord, ResultRecord, read_results
from rulelaw_llm.rules.grounding import char_f1
from rulelaw_llm.schema import (
    Achievement,
    Evidence,
    Indicator,
    Plan,
    Problem,
    ReportSummary,
    Usage,
)

__all__ = [
    "Agreement",
    "Evaluation",
    "FieldEvaluation",
    "Match",
    "ReportEvaluation",
    "ResultEntry",
    "Score",
    "SourceText",
    "char_f1",
    "evaluate",
    "evidence_items",
    "gold_spans",
    "is_grounded",
    "read_source_text",
    "render_table",
    "result_entries",
    "similarity",
]

# --------------------------------------------------------------------------- per report


def _gold_items(gold: dict[str, object], key: str) -> list[dict[str, object]]:
    items = gold.get(key)
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, dict)]


def gold_spans(text: str, gold: Sequence[Mapping[str, object]]) -> list[tuple[int, int] | None]:
    """Where each gold indicator's ``raw`` stands in ``text``: found inside its ``context``.

    ``None`` for an indicator that cannot be located (it can then match nothing).
    """
    spans: list[tuple[int, int] | None] = []
    for item in gold:
        raw, context = str(item.get("raw", "")), str(item.get("context", ""))
        region = _locate(text, context) if context else (0, len(text))
        spans.append(_locate(text, raw, region) if region is not None and raw else None)
    return spans


def _evaluate_indicators(
    predicted: Sequence[Indicator],
    gold: list[dict[str, object]],
    text: str | None,
    notes: list[str],
) -> FieldEvaluation:
    spans = gold_spans(text, gold) if text is not None else [None] * len(gold)
    for item, span in zip(gold, spans, strict=True):
        if text is not None and span is None:
            raw, context = item.get("raw", ""), item.get("context", "")
            notes.append(f"金标准指标“{raw}”（{context}）未能在清洗后的原文中定位，不计匹配。")

    def edge(g: int, p: int) -> Edge | None:
        item, indicator = gold[g], predicted[p]
        value = item.get("value")
        if not isinstance(value, int | float) or not math.isclose(
            float(value), indicator.value, rel_tol=1e-9, abs_tol=1e-9
        ):
            return None
        if fold(str(item.get("unit", "")).strip()) != fold(indicator.unit.strip()):
            return None
        if bool(item.get("approx")) != indicator.approx:
            return None
        return ("span", 1.0) if _overlaps(spans[g], _span(indicator.evidence)) else None

    matches = _match(len(gold), len(predicted), edge)
    gold_labels = [f"{item.get('raw')}（{item.get('context')}）" for item in gold]
    predicted_labels = [f"{item.name}：{item.evidence.quote}" for item in predicted]
    return _field(gold_labels, predicted_labels, matches)


def _evaluate_quotes(
    kind: str,
    gold: list[dict[str, object]],
    predicted: list[tuple[str, tuple[int, int] | None]],
    text: str | None,
    notes: list[str],
) -> FieldEvaluation:
    quotes = [str(item.get("quote", "")) for item in gold]
    spans: list[tuple[int, int] | None] = []
    for quote in quotes:
        span = _locate(text, quote) if text is not None and quote else None
        if text is not None and span is None:
            notes.append(f"金标准{kind}“{quote}”未能在清洗后的原文中定位，只按文字相似匹配。")
        spans.append(span)

    def edge(g: int, p: int) -> Edge | None:
        predicted_text, predicted_span = predicted[p]
        score = similarity(quotes[g], predicted_text)
        if _overlaps(spans[g], predicted_span):
            return "span", score
        if score >= SIMILARITY_THRESHOLD:
            return "similarity", score
        return None

    matches = _match(len(gold), len(predicted), edge)
    return _field(quotes, [label for label, _ in predicted], matches)


def _evaluate_causes(
    problems: Sequence[Problem], gold: list[dict[str, object]], text: str | None, notes: list[str]
) -> FieldEvaluation:
    """Gold causes against the problems' stated causes; matches name the problem's index."""
    owners: list[int] = []
    predicted: list[tuple[str, tuple[int, int] | None]] = []
    for index, problem in enumerate(problems):
        if problem.cause_evidence is not None:
            predicted.append((problem.cause_evidence.quote, _span(problem.cause_evidence)))
        elif problem.cause:
            predicted.append((problem.cause, None))
        else:
            continue
        owners.append(index)
    causes = _evaluate_quotes("原因", gold, predicted, text, notes)
    causes.matches = [
        match.model_copy(update={"predicted": owners[match.predicted]}) for match in causes.matches
    ]
    return causes


def _label_agreement(
    gold: list[dict[str, object]], predicted: Sequence[Indicator], field: FieldEvaluation
) -> Agreement:
    """Gold indicators with a ``what`` label against the names of their matched indicators."""
    return _matched_agreement(
        gold,
        field,
        "what",
        lambda partner: predicted[partner].name,
        lambda what, name: char_f1(what, name) >= LABEL_THRESHOLD,
        lambda what, name: f"“{what}” ≠ {'未匹配' if name is None else f'“{name}”'}",
    )


def _kind_agreement(
    gold: list[dict[str, object]], predicted: Sequence[Indicator], field: FieldEvaluation
) -> Agreement:
    """Gold indicators with a ``kind`` against the kinds of their matched indicators."""
    return _matched_agreement(
        gold,
        field,
        "kind",
        lambda partner: predicted[partner].kind,
        lambda kind, chosen: kind == chosen,
        lambda kind, chosen: f"{kind} ≠ {chosen or '未匹配'}",
    )


def _matched_agreement(
    gold: list[dict[str, object]],
    field: FieldEvaluation,
    key: str,
    value_of: Callable[[int], str],
    agrees: Callable[[str, str], bool],
    shown: Callable[[str, str | None], str],
) -> Agreement:
    """Gold indicators carrying ``key`` against the value of the indicator matched to each."""
    matched = {match.gold: match.predicted for match in field.matches}
    labelled = agreed = 0
    disagreements: list[str] = []
    for index, item in enumerate(gold):
        wanted = item.get(key)
        if not isinstance(wanted, str) or not wanted:
            continue
        labelled += 1
        partner = matched.get(index)
        value = value_of(partner) if partner is not None else None
        if value is not None and agrees(wanted, value):
            agreed += 1
        else:
            disagreements.append(
                f"{item.get('raw')}（{item.get('context')}）：{shown(wanted, value)}"
            )
    return _agreement(labelled, agreed, disagreements)


CategoryPart = tuple[str, list[dict[str, object]], list[str], FieldEvaluation]


def _category_agreement(parts: Sequence[CategoryPart]) -> Agreement:
    """Gold items with a ``category`` against the categories of their matched items.

    Each part is (kind, gold items, predicted categories in order, that field's evaluation).
    """
    labelled = agreed = 0
    disagreements: list[str] = []
    for kind, gold, predicted, field in parts:
        matched = {match.gold: match.predicted for match in field.matches}
        for index, item in enumerate(gold):
            category = item.get("category")
            if not isinstance(category, str) or not category:
                continue
            labelled += 1
            partner = matched.get(index)
            chosen = predicted[partner] if partner is not None else None
            if chosen == category:
                agreed += 1
            else:
                shown = chosen or "未匹配"
                disagreements.append(f"{kind}“{item.get('quote')}”：{category} ≠ {shown}")
    return _agreement(labelled, agreed, disagreements)


def _agreement(gold: int, agreed: int, disagreements: list[str] | None = None) -> Agreement:
    return Agreement(
        gold=gold,
        agreed=agreed,
        rate=agreed / gold if gold else None,
        disagreements=disagreements or [],
    )


def _quoted(
    items: Sequence[Achievement | Problem | Plan],
) -> list[tuple[str, tuple[int, int] | None]]:
    """The text and span each item is matched by: its evidence quote, else its summary."""
    return [(item.evidence.quote or item.summary, _span(item.evidence)) for item in items]


def _evaluate_report(
    name: str,
    gold: dict[str, object],
    summary: ReportSummary | None,
    *,
    input_path: str | None,
    failure: str | None,
    base: Path | None,
) -> ReportEvaluation:
    notes: list[str] = []
    text: str | None = None
    if summary is None:
        notes.append(f"该输入处理失败，按没有任何预测计分：{failure}")
    else:
        source = read_source_text(summary, input_path=input_path, base=base)
        text = source.text
        if source.problem:
            notes.append(source.problem + ("" if text else "位置无法核对，只按文字相似匹配。"))
    indicators = list(summary.indicators) if summary else []
    achievements = list(summary.achievements) if summary else []
    problems = list(summary.problems) if summary else []
    plans = list(summary.plans) if summary else []
    items = grounded = 0
    if summary is not None and text is not None:
        evidence = evidence_items(summary)
        items = len(evidence)
        grounded = sum(1 for _, _, piece in evidence if is_grounded(piece, text))
    usage = summary.provenance.usage if summary else Usage()
    gold_entity, gold_year, gold_level = gold.get("entity"), gold.get("year"), gold.get("level")
    entity = summary.entity if summary else None
    year = summary.year if summary else None
    level = summary.level if summary else None
    gold_indicators = _gold_items(gold, "indicators")
    gold_achievements = _gold_items(gold, "achievements")
    gold_problems = _gold_items(gold, "problems")
    gold_plans = _gold_items(gold, "plans")
    indicator_field = _evaluate_indicators(indicators, gold_indicators, text, notes)
    achievement_field = _evaluate_quotes(
        "成效", gold_achievements, _quoted(achievements), text, notes
    )
    problem_field = _evaluate_quotes("问题", gold_problems, _quoted(problems), text, notes)
    plan_field = _evaluate_quotes("计划", gold_plans, _quoted(plans), text, notes)
    categories = _category_agreement(
        [
            (
                "成效",
                gold_achievements,
                [item.category for item in achievements],
                achievement_field,
            ),
            ("问题", gold_problems, [item.category for item in problems], problem_field),
            ("计划", gold_plans, [item.category for item in plans], plan_field),
        ]
    )
    return ReportEvaluation(
        report=name,
        input=input_path or (summary.provenance.source if summary else None),
        failed=failure,
        entity=entity,
        gold_entity=_text_or_none(gold_entity),
        entity_correct=entity is not None and entity == gold_entity,
        year=year,
        gold_year=gold_year if isinstance(gold_year, int) else None,
        year_correct=year is not None and year == gold_year,
        level=level,
        gold_level=_text_or_none(gold_level),
        level_correct=level is not None and level == gold_level,
        indicators=indicator_field,
        achievements=achievement_field,
        problems=problem_field,
        causes=_evaluate_causes(problems, _gold_items(gold, "causes"), text, notes),
        plans=plan_field,
        labels=_label_agreement(gold_indicators, indicators, indicator_field),
        categories=categories,
        kinds=_kind_agreement(gold_indicators, indicators, indicator_field),
        items=items,
        grounded=grounded,
        grounding_rate=grounded / items if items else (1.0 if text is not None else None),
        rejected=len(summary.rejected) if summary else 0,
        warnings=len(summary.warnings) if summary else 0,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        requests=usage.requests,
        reasks=usage.reasks,
        notes=notes,
    )


def _span(evidence: Evidence) -> tuple[int, int]:
    return evidence.start, evidence.end


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- evaluate


@dataclass(frozen=True, slots=True)
class ResultEntry:
    """One input of a set of results: its summary, or why it failed."""

    name: str
    """The input's file name, which names its gold file's ``report``."""
    input: str | None
    summary: ReportSummary | None
    failure: str | None
    """``"Type: message"`` when the latest record of this input is an error."""
    position: int | None = None
    """The input's place in the order its batch took the inputs, when the file says it."""


def _where(error: ValueError) -> str:
    """Where a JSON or UTF-8 error is, in Chinese (json's own message is English)."""
    if isinstance(error, json.JSONDecodeError):
        return f"第 {error.lineno} 行第 {error.colno} 列"
    if isinstance(error, UnicodeDecodeError):
        return f"第 {error.start} 个字节"
    return type(error).__name__


def result_entries(
    results: str | os.PathLike[str] | Sequence[ReportSummary],
    *,
    progress: Progress | None = None,
) -> tuple[list[ResultEntry], list[str], Path | None]:
    """The entries of a results file (latest record per input) or of summaries.

    Returns the entries, notes about skipped lines, and the folder relative input paths
    are resolved against (the results file's folder; ``None`` for summaries).
    """
    if isinstance(results, str | os.PathLike):
        path = Path(results)
        loaded = read_results(path, progress=progress)
        entries: list[ResultEntry] = []
        for record in loaded.records:
            name = PurePath(record.input.replace("\\", "/")).name
            if isinstance(record, ResultRecord):
                entries.append(
                    ResultEntry(name, record.input, record.summary, None, record.position)
                )
            elif isinstance(record, ErrorRecord):
                failure = f"{record.type}: {record.message}"
                entries.append(ResultEntry(name, record.input, None, failure, record.position))
        notes = [str(warning) for warning in loaded.warnings]
        notes += [
            f"{duplicate.input} 与 {duplicate.duplicate_of} 内容相同，按后者评测。"
            for duplicate in loaded.duplicates
        ]
        return entries, notes, path.parent
    entries = []
    for summary in results:
        source = summary.provenance.source or ""
        name = PurePath(source.replace("\\", "/")).name
        entries.append(ResultEntry(name, summary.provenance.source, summary, None))
    return entries, [], None


def _read_gold(gold_dir: Path) -> dict[str, dict[str, object]]:
    if not gold_dir.is_dir():
        raise InputError(f"金标准目录 {gold_dir} 不存在或不是目录。")
    gold: dict[str, dict[str, object]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise InputError(f"无法读取金标准文件 {path}：{os_error_reason(error)}") from error
        except ValueError as error:  # not UTF-8, or not JSON
            raise InputError(
                f"无法读取金标准文件 {path}：不是 UTF-8 编码的 JSON（{_where(error)}）。"
            ) from error
        if not isinstance(data, dict) or not isinstance(data.get("report"), str):
            raise InputError(f"金标准文件 {path} 缺少 report 字段（报告文件名）。")
        gold[data["report"]] = data
    if not gold:
        raise InputError(f"金标准目录 {gold_dir} 中没有 .json 文件。")
    return gold


def _no_match(
    gold: dict[str, dict[str, object]],
    unmatched: list[str],
    results: str | os.PathLike[str] | Sequence[ReportSummary],
) -> str:
    where = f"结果文件 {results} 中" if isinstance(results, str | os.PathLike) else "给出的摘要中"
    names = "、".join(sorted(gold)[:5]) + ("等" if len(gold) > 5 else "")
    found = (
        f"结果的输入是 {'、'.join(PurePath(name).name for name in unmatched[:5])}"
        + ("等" if len(unmatched) > 5 else "")
        if unmatched
        else "结果中没有任何报告"
    )
    return (
        f"{where}没有与金标准对应的报告，无法评测：{found}，金标准标注的是 {names}。"
        "请检查结果文件和 --gold 目录是否对应（按输入文件名匹配）。"
    )


def _accuracy(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def evaluate(
    results: str | os.PathLike[str] | Sequence[ReportSummary],
    gold_dir: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
) -> Evaluation:
    """Score ``results`` (a JSONL results file or summaries) against the gold in ``gold_dir``.

    Raises ``InputError`` if the results file or the gold directory cannot be read, or if
    no result matches any gold file (there would be nothing to score). ``progress`` is told
    of each step (``rulelaw_llm.console.Progress``).
    """
    gold_path = Path(gold_dir)
    gold = _read_gold(gold_path)
    entries, notes, base = result_entries(results, progress=progress)
    chosen: dict[str, ResultEntry] = {}
    unmatched: list[str] = []
    for entry in entries:
        if entry.name not in gold:
            unmatched.append(entry.input or entry.name or "（没有输入路径）")
            continue
        if entry.name in chosen:
            notes.append(
                f"有多个结果对应金标准 {entry.name}，使用最后一个（{entry.input or ''}）。"
            )
        chosen[entry.name] = entry
    if not chosen:
        raise InputError(_no_match(gold, unmatched, results))
    reports: list[ReportEvaluation] = []
    for name in gold:
        if name not in chosen:
            continue
        if progress is not None:
            progress("与金标准比对", len(reports), len(chosen))
        reports.append(
            _evaluate_report(
                name,
                gold[name],
                chosen[name].summary,
                input_path=chosen[name].input,
                failure=chosen[name].failure,
                base=base,
            )
        )
    totals: dict[FieldName, Score] = {}
    for field in FIELDS:
        scores = [getattr(report, field) for report in reports]
        totals[field] = _make_score(
            sum(score.gold for score in scores),
            sum(score.predicted for score in scores),
            sum(score.matched for score in scores),
        )
    items = sum(report.items for report in reports)
    grounded = sum(report.grounded for report in reports)
    return Evaluation(
        gold_dir=str(gold_path),
        reports=reports,
        indicators=totals["indicators"],
        achievements=totals["achievements"],
        problems=totals["problems"],
        causes=totals["causes"],
        plans=totals["plans"],
        label_agreement=_agreement(
            sum(report.labels.gold for report in reports),
            sum(report.labels.agreed for report in reports),
        ),
        category_agreement=_agreement(
            sum(report.categories.gold for report in reports),
            sum(report.categories.agreed for report in reports),
        ),
        kind_agreement=_agreement(
            sum(report.kinds.gold for report in reports),
            sum(report.kinds.agreed for report in reports),
        ),
        entity_accuracy=_accuracy([report.entity_correct for report in reports]),
        year_accuracy=_accuracy([report.year_correct for report in reports]),
        level_accuracy=_accuracy([report.level_correct for report in reports]),
        items=items,
        grounded=grounded,
        grounding_rate=grounded / items if items else None,
        rejected=sum(report.rejected for report in reports),
        warnings=sum(report.warnings for report in reports),
        prompt_tokens=sum(report.prompt_tokens for report in reports),
        completion_tokens=sum(report.completion_tokens for report in reports),
        requests=sum(report.requests for report in reports),
        reasks=sum(report.reasks for report in reports),
        missing=[name for name in gold if name not in chosen],
        unmatched=unmatched,
        notes=notes,
    )


# --------------------------------------------------------------------------- rendering


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table padded so that it is aligned in a terminal (CJK counts double)."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [
            cell + " " * (width - _width(cell)) for cell, width in zip(cells, widths, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _agreed(agreement: Agreement) -> str:
    if agreement.rate is None:
        return "—"
    return f"{agreement.rate:.2f}（{agreement.agreed}/{agreement.gold}）"


def _pr(score: Score) -> str:
    if not score.gold and not score.predicted:
        return "—"
    return (
        f"{score.matched}/{score.gold}/{score.predicted}"
        f"（P {score.precision:.2f} R {score.recall:.2f}）"
    )


def render_table(evaluation: Evaluation) -> str:
    """The evaluation as Markdown: per field, per report, and what else needs attention."""
    field_rows = [
        [
            FIELD_LABELS[field],
            str(score.gold),
            str(score.predicted),
            str(score.matched),
            f"{score.precision:.2f}",
            f"{score.recall:.2f}",
            f"{score.f1:.2f}",
        ]
        for field in FIELDS
        for score in [getattr(evaluation, field)]
    ]
    parts = [
        _table(["字段", "金标准", "预测", "匹配", "精确率", "召回率", "F1"], field_rows),
        "",
        (
            f"主体准确率 {_ratio(evaluation.entity_accuracy)}，"
            f"年度准确率 {_ratio(evaluation.year_accuracy)}，"
            f"层级准确率 {_ratio(evaluation.level_accuracy)}；"
            f"标签一致率 {_agreed(evaluation.label_agreement)}，"
            f"类别一致率 {_agreed(evaluation.category_agreement)}，"
            f"种类一致率 {_agreed(evaluation.kind_agreement)}；"
            f"有出处 {evaluation.grounded}/{evaluation.items}"
            f"（{_ratio(evaluation.grounding_rate)}），"
            f"拒绝 {evaluation.rejected} 项，警告 {evaluation.warnings} 条；"
            f"请求 {evaluation.requests} 次，重问 {evaluation.reasks} 次，"
            f"token {evaluation.prompt_tokens:,} + {evaluation.completion_tokens:,}。"
        ),
    ]
    if evaluation.reports:
        report_rows = [
            [
                report.gold_entity or report.report,
                "✓" if report.entity_correct else "✗",
                "✓" if report.year_correct else "✗",
                _pr(report.indicators),
                _pr(report.achievements),
                _pr(report.problems),
                _pr(report.causes),
                _pr(report.plans),
                _agreed(report.labels),
                _agreed(report.categories),
                _agreed(report.kinds),
                f"{report.grounded}/{report.items}",
                str(report.rejected),
                str(report.warnings),
                f"{report.prompt_tokens:,}+{report.completion_tokens:,}",
                str(report.requests),
                str(report.reasks),
            ]
            for report in evaluation.reports
        ]
        header = ["报告", "主体", "年度", "指标", "成效", "问题", "原因", "计划"]
        header += ["标签", "类别", "种类"]
        header += ["有出处"]
        header += ["拒绝", "警告", "token", "请求", "重问"]
        parts += [
            "",
            _table(header, report_rows),
            "",
            "指标、成效、问题、原因、计划列：匹配/金标准/预测（精确率、召回率）；"
            "标签、类别、种类列：一致率（一致数/带标签的金标准数），见 examples/gold/README.md 第五、六节。",
        ]
    remarks = [f"没有结果：{name}" for name in evaluation.missing]
    remarks += [f"没有金标准：{name}" for name in evaluation.unmatched]
    remarks += evaluation.notes
    for report in evaluation.reports:
        remarks += [f"{report.report}：{note}" for note in report.notes]
    if remarks:
        parts += ["", *(f"- {remark}" for remark in remarks)]
    return "\n".join(parts)
