"""Audit: check each report against what the rules require (the contract and the checks).

An audit checks a report against what the rules require of it (AUDIT.md documents every
check, the rule it comes from and its weight). Every finding carries grounded evidence — a
verbatim quote with its span in ``Report.text`` — or, when something is absent, an
explanation of what was looked for (``looked_for``). Field names are stable: the review
page and the exports read them.
"""

from __future__ import annotations

import logging
import os
import statistics
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Union

from rulelaw_llm.auditing.checks import (
    MEDIAN_MINIMUM_REPORTS,
    TOPICS,
    _issuer,
    _missing_parts,
    _publication,
    _publication_date,
    _title,
    check_parts,
)
from rulelaw_llm.auditing.comparison import find_outliers, outlier_findings
from rulelaw_llm.auditing.judged import (
    _boilerplate,
    _few_indicators,
    _follow_up,
    _indicator_rate,
    _problems_without_cause,
    _problems_without_plan,
    _topic_gaps,
    _vague_plans,
)
from rulelaw_llm.auditing.model import (
    AUDIT_VERSION,
    CODE_LABELS,
    PART_LABELS,
    PART_SHORT_LABELS,
    RUBRIC,
    SEVERITY_LABELS,
    Audit,
    Finding,
    FindingCode,
    FollowUp,
    OtherQuote,
    PartCheck,
    PartName,
    Parts,
    Score,
    ScoreLine,
    Severity,
    Subject,
)
from rulelaw_llm.console import Progress
from rulelaw_llm.errors import InputError
from rulelaw_llm.llm.cache import ResultCache, cache_key
from rulelaw_llm.reading.document import Report, load_report
from rulelaw_llm.reading.limits import InputLimits
from rulelaw_llm.reading.readers import expand_inputs
from rulelaw_llm.results import read_results
from rulelaw_llm.rules.offline import summarize_offline, text_digest
from rulelaw_llm.schema import ReportSummary

if TYPE_CHECKING:
    from rulelaw_llm.llm.summarizer import Summarizer

logger = logging.getLogger(__name__)

__all__ = [
    "AUDIT_VERSION",
    "CODE_LABELS",
    "PART_LABELS",
    "PART_SHORT_LABELS",
    "RUBRIC",
    "SEVERITY_LABELS",
    "TOPICS",
    "Audit",
    "Finding",
    "FindingCode",
    "FollowUp",
    "OtherQuote",
    "PartCheck",
    "PartName",
    "Parts",
    "Score",
    "ScoreLine",
    "Severity",
    "Subject",
    "audit",
    "audit_subjects",
    "check_parts",
    "load_subjects",
    "score",
    "subjects_of",
]

# --------------------------------------------------------------------------- entry point


def audit(
    sources: Source | Sequence[Source],
    *,
    previous: Source | Sequence[Source] | None = None,
    published: date | None = None,
    summarizer: Summarizer | None = None,
    cache: ResultCache | None = None,
    judge: Summarizer | None = None,
    progress: Progress | None = None,
    limits: InputLimits | None = None,
) -> list[Audit]:
    """Audit reports (files, folders, ``Report`` objects) or results files, one ``Audit`` each.

    Reports are summarized first — by the rules, or by ``summarizer`` when given — and the
    summaries are kept in ``cache`` when one is given. A results file (``.jsonl`` written by
    ``rulelaw-llm batch``) is audited from its summaries; the original text is re-read from
    the record's ``input`` when that file is still there and unchanged.

    ``previous`` holds last year's reports of the same issuers (for ``plan_not_followed``
    and for boilerplate carried over from last year). ``published`` overrides the
    publication date found in the reports' metadata. ``judge`` (a ``Summarizer``) asks the
    model the questions that need reading (see ``audit_subjects``); without it every
    judgement is the rules'. ``limits`` bound what is read from each file
    (``rulelaw_llm.reading.limits``). Raises ``InputError`` for an input that cannot be read.
    ``progress`` is told of each step (``rulelaw_llm.console.Progress``).
    """
    subjects = load_subjects(
        sources, summarizer=summarizer, cache=cache, progress=progress, limits=limits
    )
    earlier = (
        load_subjects(
            previous, summarizer=summarizer, cache=cache, progress=progress, limits=limits
        )
        if previous is not None
        else []
    )
    return audit_subjects(
        subjects, previous=earlier, published=published, judge=judge, progress=progress
    )


def audit_subjects(
    subjects: Sequence[Subject],
    *,
    previous: Sequence[Subject] = (),
    published: date | None = None,
    judge: Summarizer | None = None,
    progress: Progress | None = None,
) -> list[Audit]:
    """Audit summarized reports together (boilerplate and medians look across all of them).

    With ``judge``, the model reads what the rules can only approximate: whether a plan
    addresses a problem, whether last year's plan was carried out, whether a plan states a
    target, deadline or owner. Answers that fail their checks fall back to the rules.
    """
    rates = [_indicator_rate(subject) for subject in subjects]
    known = sorted(rate[0] for rate in rates if rate is not None)
    median = statistics.median(known) if len(known) >= MEDIAN_MINIMUM_REPORTS else None
    if progress is not None:
        progress("比对套话", 0, None)
    copies = _boilerplate(subjects, previous)
    outliers = find_outliers([subject.summary for subject in subjects])
    audits: list[Audit] = []
    for position, (subject, rate) in enumerate(zip(subjects, rates, strict=True)):
        if progress is not None:
            progress("审核", position, len(subjects))
        parts = check_parts(subject)
        findings: list[Finding] = []
        findings += _missing_parts(subject, parts)
        date_found, date_origin = _publication_date(subject, published)
        deadline = date(subject.summary.year + 1, 4, 1) if subject.summary.year else None
        findings += _publication(subject, date_found, date_origin, deadline)
        findings += _title(subject)
        findings += _issuer(subject)
        findings += copies.get(position, [])
        findings += _problems_without_cause(subject, parts)
        findings += _problems_without_plan(subject, judge)
        findings += _vague_plans(subject, judge)
        findings += _few_indicators(rate, median)
        findings += _topic_gaps(subject)
        findings += outlier_findings(outliers[position])
        follow_up: list[FollowUp] | None = None
        if previous:
            follow_up, not_followed = _follow_up(subject, previous, judge)
            findings += not_followed
        summary = subject.summary
        audits.append(
            Audit(
                input=subject.input,
                entity=summary.entity,
                parent_entity=summary.parent_entity,
                level=summary.level,
                year=summary.year,
                title=summary.title,
                published=date_found,
                published_from=date_origin,
                deadline=deadline,
                indicators_per_1000=round(rate[0], 2) if rate is not None else None,
                parts=parts,
                findings=findings,
                follow_up=follow_up,
                score=score(findings),
                backend=(
                    "llm"
                    if any(f.judged_by == "llm" for f in findings)
                    or any(item.judged_by == "llm" for item in follow_up or [])
                    else "rules"
                ),
                text_available=subject.report is not None,
            )
        )
    if progress is not None:
        progress("审核", len(subjects), len(subjects))
    return audits


def score(findings: Sequence[Finding]) -> Score:
    """100 minus, for each check, ``min(weight × findings, cap)``; info findings cost nothing."""
    lines: list[ScoreLine] = []
    for code, rule in RUBRIC.items():
        counted = sum(
            1 for finding in findings if finding.code == code and finding.severity != "info"
        )
        deducted = min(rule.weight * counted, rule.cap)
        lines.append(
            ScoreLine(code=code, weight=rule.weight, cap=rule.cap, count=counted, deducted=deducted)
        )
    return Score(value=max(0, 100 - sum(line.deducted for line in lines)), rubric=lines)


# --------------------------------------------------------------------------- inputs

Source = Union[str, "os.PathLike[str]", Report]

#: Suffixes read as results files (batch JSONL, summarize JSON or JSONL) rather than reports.
RESULTS_SUFFIXES = (".jsonl", ".json")


def load_subjects(
    sources: Source | Sequence[Source],
    *,
    summarizer: Summarizer | None = None,
    cache: ResultCache | None = None,
    progress: Progress | None = None,
    limits: InputLimits | None = None,
) -> list[Subject]:
    """Reports and results files as summarized subjects, in the order given."""
    if isinstance(sources, (str, os.PathLike, Report)):
        sources = [sources]
    subjects: list[Subject] = []
    paths: list[str | os.PathLike[str]] = []

    def flush() -> None:
        expanded = expand_inputs(paths)
        for number, path in enumerate(expanded):
            if path.suffix.lower() in RESULTS_SUFFIXES:
                subjects.extend(_results_subjects(path, progress))
            else:
                if progress is not None:
                    progress("读取并摘要报告", number, len(expanded))
                report = load_report(path, limits=limits)
                subjects.append(Subject(str(path), _summarize(report, summarizer, cache), report))
        paths.clear()

    for source in sources:
        if isinstance(source, Report):
            flush()
            name = source.source or f"报告 {len(subjects) + 1}"
            subjects.append(Subject(name, _summarize(source, summarizer, cache), source))
        else:
            paths.append(source)
    flush()
    return subjects


def _summarize(
    report: Report, summarizer: Summarizer | None, cache: ResultCache | None
) -> ReportSummary:
    config = summarizer.config if summarizer is not None else None
    settings = summarizer.settings if summarizer is not None else None
    key = cache_key(report, config, settings) if cache is not None else ""
    if cache is not None:
        hit = cache.get(key, report)
        if hit is not None:
            return hit
    summary = summarize_offline(report) if summarizer is None else summarizer.summarize(report)
    if cache is not None:
        cache.put(key, summary)
    return summary


def _read_results(path: Path, progress: Progress | None) -> list[tuple[str, ReportSummary]]:
    """The (input, summary) pairs of a results file (the one reader of that format)."""
    loaded = read_results(path, progress=progress)
    for warning in loaded.warnings:
        logger.warning("%s", warning)
    return [(record.input, record.summary) for record in loaded.results]


def _results_subjects(path: Path, progress: Progress | None) -> list[Subject]:
    return subjects_of(_read_results(path, progress), progress=progress)


def subjects_of(
    records: Sequence[tuple[str, ReportSummary]], *, progress: Progress | None = None
) -> list[Subject]:
    """Subjects for (input, summary) pairs; the text is re-read when the input is unchanged."""
    subjects: list[Subject] = []
    for number, (name, summary) in enumerate(records):
        if progress is not None:
            progress("读取报告原文", number, len(records))
        report: Report | None = None
        source = Path(name)
        if source.is_file():
            try:
                candidate = load_report(source)
            except InputError:
                candidate = None
            if candidate is not None and text_digest(candidate.text) == (
                summary.provenance.text_sha256
            ):
                report = candidate
        subjects.append(Subject(name, summary, report))
    return subjects
