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
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Union

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from rulelaw_llm.auditing.tasks import FollowUpTask, PlansForProblemsTask, PlanTargetsTask
from rulelaw_llm.categories import CATEGORIES
from rulelaw_llm.errors import InputError
from rulelaw_llm.llm.cache import ResultCache, cache_key
from rulelaw_llm.reading.document import Report, SectionKind, load_report
from rulelaw_llm.reading.normalize import fold, squash
from rulelaw_llm.reading.readers import expand_inputs
from rulelaw_llm.results import read_results
from rulelaw_llm.rules.offline import summarize_offline, text_digest
from rulelaw_llm.rules.quantities import find_quantities
from rulelaw_llm.schema import Evidence, ReportSummary

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

#: Bumped whenever the shape of ``Audit`` or the meaning of a check changes.
AUDIT_VERSION = "1.0"

PartName = Literal["achievements", "problems", "causes", "responsibility", "plans"]
Severity = Literal["error", "warning", "info"]
FindingCode = Literal[
    "missing_part",
    "late_publication",
    "unknown_publication_date",
    "title_nonstandard",
    "unnamed_issuer",
    "boilerplate",
    "problem_without_cause",
    "problem_without_plan",
    "vague_plan",
    "few_indicators",
    "topic_gap",
    "plan_not_followed",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartCheck(_Model):
    """Whether one required part of the report is there."""

    present: bool = Field(description="报告是否陈述了这一部分的内容")
    separate: bool = Field(description="这一部分是否有自己的标题（单独成部分）")
    evidence: list[Evidence] = Field(
        default_factory=list, description="标题或陈述该部分内容的原文引文"
    )


class Parts(_Model):
    """The five parts the 2019 rule requires (the fifth, 其他, is optional and not checked)."""

    achievements: PartCheck = Field(description="（一）主要举措和成效")
    problems: PartCheck = Field(description="（二）存在的不足")
    causes: PartCheck = Field(description="（二）不足的原因")
    responsibility: PartCheck = Field(description="（三）党政主要负责人履行第一责任人职责情况")
    plans: PartCheck = Field(description="（四）下一年度主要安排")


class OtherQuote(_Model):
    """A quote from another report (the twin of a boilerplate, or last year's plan)."""

    input: str = Field(description="另一份报告的输入（文件路径或结果记录的 input）")
    entity: str | None = Field(default=None, description="另一份报告的主体")
    year: int | None = Field(default=None, description="另一份报告的年度")
    evidence: Evidence = Field(description="另一份报告中的原文引文（位置指向那份报告的正文）")


class Finding(_Model):
    """One thing the audit found: a stable code, a severity, a Chinese message and its proof."""

    code: FindingCode = Field(description="稳定的检查代码（见 AUDIT.md）")
    severity: Severity
    message: str = Field(description="中文说明：发现了什么、应当怎么做")
    evidence: list[Evidence] = Field(
        default_factory=list, description="本报告中支持这一发现的原文引文"
    )
    looked_for: str | None = Field(
        default=None, description="缺少某项内容时：查找了什么、在哪里查找（没有引文可给时）"
    )
    part: PartName | None = Field(default=None, description="missing_part：缺少的部分")
    kind: Literal["problem", "plan"] | None = Field(
        default=None, description="boilerplate / vague_plan / problem_without_*：条目种类"
    )
    index: int | None = Field(
        default=None, description="该条目在摘要 problems / plans 列表中的序号（从 0 起）"
    )
    other: OtherQuote | None = Field(
        default=None,
        description="boilerplate：相同表述所在的另一份报告；plan_not_followed：上一年度计划",
    )
    similarity: float | None = Field(default=None, description="boilerplate：字符相似度 0–1")
    copies: int | None = Field(
        default=None, description="boilerplate：有相同或几乎相同表述的其他报告份数"
    )
    judged_by: Literal["rules", "llm"] = Field(
        default="rules", description="这一判断由规则还是大模型做出"
    )
    published: date | None = Field(default=None, description="late_publication：发布日期")
    deadline: date | None = Field(default=None, description="late_publication：公开截止日期")
    measured: float | None = Field(
        default=None, description="few_indicators：成效部分每千字数字个数"
    )
    threshold: float | None = Field(default=None, description="few_indicators：文档规定的下限")
    corpus_median: float | None = Field(
        default=None, description="few_indicators：同批审核报告的中位数"
    )
    topic: str | None = Field(default=None, description="topic_gap：未涉及的主题")


class FollowUp(_Model):
    """One plan of the previous year's report and what this year's report says about it."""

    plan: OtherQuote = Field(description="上一年度报告中的计划")
    followed: bool = Field(description="本年度成效中是否找到对应的落实情况")
    evidence: list[Evidence] = Field(
        default_factory=list, description="本年度报告中与该计划对应的成效引文"
    )
    similarity: float = Field(description="计划与最接近成效的关键词重合度 0–1")
    judged_by: Literal["rules", "llm"] = Field(
        default="rules", description="这一判断由规则还是大模型做出"
    )


class ScoreLine(_Model):
    """One line of the rubric: a check, its weight and what it cost this report."""

    code: FindingCode
    weight: int = Field(description="每条发现扣的分")
    cap: int = Field(description="这一检查最多扣的分")
    count: int = Field(description="本报告的发现条数")
    deducted: int = Field(description="实际扣分 = min(weight × count, cap)")


class Score(_Model):
    """100 minus the rubric's deductions, floored at 0."""

    value: int = Field(ge=0, le=100)
    maximum: int = 100
    rubric: list[ScoreLine] = Field(default_factory=list)


class Audit(_Model):
    """The audit of one report."""

    input: str = Field(description="输入：文件路径或结果文件中的 input")
    entity: str | None = Field(description="报告主体")
    parent_entity: str | None = Field(default=None, description="上级行政区（原文写明时）")
    level: str | None = Field(default=None, description="层级")
    year: int | None = Field(description="报告所述年度")
    title: str | None = None
    published: date | None = Field(default=None, description="发布日期（元数据或 --published）")
    published_from: Literal["metadata", "option"] | None = Field(
        default=None, description="发布日期来自报告元数据还是命令行 --published"
    )
    deadline: date | None = Field(default=None, description="公开截止日期：次年 4 月 1 日")
    indicators_per_1000: float | None = Field(
        default=None, description="成效部分每千字的数字指标个数"
    )
    parts: Parts
    findings: list[Finding] = Field(default_factory=list)
    follow_up: list[FollowUp] | None = Field(
        default=None, description="有 --previous 时：上一年度每项计划的落实情况"
    )
    score: Score
    backend: Literal["rules", "llm"] = Field(
        default="rules", description="判断由规则还是大模型做出"
    )
    text_available: bool = Field(
        default=True, description="是否有报告正文（仅有结果文件而原文不可读时为 false）"
    )
    audit_version: str = AUDIT_VERSION


# =========================================================================== the checks
#
# Everything below is the rules floor: deterministic, offline, explained in AUDIT.md.


@dataclass(frozen=True, slots=True)
class Subject:
    """One report to audit: its summary and, when the text is at hand, the report itself."""

    input: str
    summary: ReportSummary
    report: Report | None


@dataclass(frozen=True, slots=True)
class Rule:
    """A check's severity, its weight per finding and the most it may cost one report."""

    severity: Severity
    weight: int
    cap: int


#: The rubric. Info findings never cost points (``weight`` applies to error/warning only).
RUBRIC: dict[FindingCode, Rule] = {
    "missing_part": Rule("error", 15, 45),
    "late_publication": Rule("error", 10, 10),
    "unknown_publication_date": Rule("warning", 0, 0),
    "title_nonstandard": Rule("warning", 3, 3),
    "unnamed_issuer": Rule("error", 10, 10),
    "boilerplate": Rule("warning", 3, 15),
    "problem_without_cause": Rule("warning", 3, 9),
    "problem_without_plan": Rule("warning", 5, 15),
    "vague_plan": Rule("warning", 2, 10),
    "few_indicators": Rule("warning", 5, 5),
    "topic_gap": Rule("info", 0, 0),
    "plan_not_followed": Rule("warning", 4, 16),
}

#: The Chinese name of each check, shown beside its code in tables and exports.
CODE_LABELS: dict[FindingCode, str] = {
    "missing_part": "缺少必备部分",
    "late_publication": "逾期公开",
    "unknown_publication_date": "发布日期不明",
    "title_nonstandard": "标题不规范",
    "unnamed_issuer": "未写明报告主体",
    "boilerplate": "套话（与其他报告雷同）",
    "problem_without_cause": "问题未写原因",
    "problem_without_plan": "问题无对应措施",
    "vague_plan": "计划空泛",
    "few_indicators": "数据偏少",
    "topic_gap": "未涉及主题",
    "plan_not_followed": "上年计划未见落实",
}

#: The Chinese name of each severity.
SEVERITY_LABELS: dict[Severity, str] = {"error": "错误", "warning": "警告", "info": "提示"}

#: The Chinese name of each required part.
PART_LABELS: dict[PartName, str] = {
    "achievements": "主要举措和成效",
    "problems": "存在的不足",
    "causes": "不足的原因",
    "responsibility": "党政主要负责人履行推进法治建设第一责任人职责情况",
    "plans": "下一年度主要安排",
}

#: The short name of each part, for table cells.
PART_SHORT_LABELS: dict[PartName, str] = {
    "achievements": "成效",
    "problems": "问题",
    "causes": "原因",
    "responsibility": "第一责任人",
    "plans": "计划",
}

#: Achievements with fewer figures than this per 1,000 characters get a warning.
INDICATOR_THRESHOLD = 2.0
#: ... and an info finding below this share of the median of the reports audited together.
MEDIAN_SHARE = 0.5
#: The median is only meaningful over this many reports.
MEDIAN_MINIMUM_REPORTS = 5
#: Character similarity (0-100, rapidfuzz ratio on squashed sentences) for boilerplate.
BOILERPLATE_SIMILARITY = 90.0
#: Sentences shorter than this (squashed characters) are too generic to call boilerplate.
BOILERPLATE_MINIMUM_CHARS = 14
#: A 4-gram in more distinct sentences than this (or 5 % of them) is too common to index.
_COMMON_GRAM_MINIMUM = 200
#: Share of a previous plan's keywords that a matching achievement must contain.
FOLLOW_UP_OVERLAP = 0.3

_CAUSE_WORDS = re.compile(r"原因|由于|因为|受限于|导致|归因|根源|源于|主要是因")
_RESPONSIBILITY_WORDS = re.compile(
    r"第一责任人|主要负责人|主要负责同志|主要领导|一把手|党委书记|党政主要|述法"
)
_TITLE_FORM = re.compile(r"法治政府建设(?:工作)?(?:年度报告|情况(?:的)?报告)$")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_DEADLINE_WORDS = re.compile(
    r"\d{1,2}月(?:底|前|份|中旬|上旬|下旬)?|年底|年内|年末|季度|上半年|下半年|之前|前完成|底前|期限|时限"
)
_OWNER_WORDS = re.compile(r"牵头|负责人|责任单位|责任人|责任部门|由[^，。；]{1,12}负责|配合单位")

#: The 2025 city guideline's menu of eight first-level topics, mapped to CATEGORIES keys,
#: with the words that show a report covered the topic (searched in its account of the year).
TOPICS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "organisation": (
        "组织领导",
        ("leadership",),
        ("领导小组", "组织领导", "第一责任人", "主要负责人", "党委书记", "主要领导", "述法"),
    ),
    "functions": (
        "政府职能",
        ("government_functions",),
        ("政府职能", "放管服", "营商环境", "政务服务", "机构改革", "职责定位", "便民"),
    ),
    "institutions": (
        "制度建设与规范性文件",
        ("institutional_rules",),
        ("规范性文件", "备案审查", "合法性审核", "议事规则", "工作规则", "制度建设"),
    ),
    "decisions": (
        "依法决策",
        ("lawful_decision_making",),
        ("决策", "合法性审查", "法律顾问", "三重一大"),
    ),
    "enforcement": ("行政执法", ("law_enforcement",), ("执法",)),
    "oversight": (
        "权力监督",
        ("oversight_transparency",),
        ("监督", "公开", "问责", "审计"),
    ),
    "society": (
        "法治社会",
        ("legal_publicity", "dispute_resolution", "public_legal_services"),
        ("普法", "宣传", "矛盾纠纷", "调解", "法律服务", "法律明白人", "法律援助"),
    ),
    "digital": (
        "数字政府",
        ("digital_rule_of_law",),
        ("数字", "互联网", "信息化", "网上", "线上", "智慧", "大数据", "新媒体", "公众号"),
    ),
}

#: Themes linking a problem to the plans that address it (a plan shares a theme with it).
THEMES: dict[str, tuple[str, ...]] = {
    "publicity": ("宣传", "普法", "宣讲", "法治氛围", "宣教"),
    "learning": ("学法", "学习", "培训", "素养", "法律意识", "法治意识", "法治思维", "业务能力"),
    "staffing": ("人才", "专业人员", "队伍", "人员"),
    "responsibility": ("责任", "组织领导", "领导小组", "督促", "考核", "统筹", "指挥调度"),
    "enforcement": ("执法",),
    "administration": ("依法行政", "依法决策", "合法性", "法定程序", "决策"),
    "oversight": ("监督", "公开"),
    "disputes": ("矛盾", "纠纷", "调解", "信访"),
    "digital": ("数字", "互联网", "信息化", "网络", "线上"),
}

# Two-character words so common in the genre that they say nothing about what a plan is.
_GENERIC = frozenset(
    [
        "法治",
        "政府",
        "建设",
        "工作",
        "加强",
        "推进",
        "提升",
        "进一步",
        "全面",
        "深入",
        "持续",
        "不断",
        "坚持",
        "落实",
        "开展",
        "提高",
        "强化",
        "推动",
        "积极",
        "充分",
        "切实",
        "确保",
        "我镇",
        "我乡",
        "全镇",
        "全乡",
        "镇党",
        "党委",
        "以习",
        "近平",
        "习近",
        "平新",
        "新时",
        "时代",
        "中国",
        "国特",
        "特色",
        "色社",
        "社会",
        "会主",
        "主义",
        "义思",
        "思想",
        "想为",
        "为指",
        "指导",
        "年度",
        "下一",
        "一步",
        "方式",
        "形式",
        "水平",
        "能力",
        "实现",
        "形成",
        "良好",
        "氛围",
        "群众",
        "干部",
        "机制",
        "制度",
        "有效",
        "完善",
        "依法",
        "法律",
    ]
)


# --------------------------------------------------------------------------- entry point


def audit(
    sources: Source | Sequence[Source],
    *,
    previous: Source | Sequence[Source] | None = None,
    published: date | None = None,
    summarizer: Summarizer | None = None,
    cache: ResultCache | None = None,
    judge: Summarizer | None = None,
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
    judgement is the rules'. Raises ``InputError`` for an input that cannot be read.
    """
    subjects = load_subjects(sources, summarizer=summarizer, cache=cache)
    earlier = (
        load_subjects(previous, summarizer=summarizer, cache=cache) if previous is not None else []
    )
    return audit_subjects(subjects, previous=earlier, published=published, judge=judge)


def audit_subjects(
    subjects: Sequence[Subject],
    *,
    previous: Sequence[Subject] = (),
    published: date | None = None,
    judge: Summarizer | None = None,
) -> list[Audit]:
    """Audit summarized reports together (boilerplate and medians look across all of them).

    With ``judge``, the model reads what the rules can only approximate: whether a plan
    addresses a problem, whether last year's plan was carried out, whether a plan states a
    target, deadline or owner. Answers that fail their checks fall back to the rules.
    """
    rates = [_indicator_rate(subject) for subject in subjects]
    known = sorted(rate[0] for rate in rates if rate is not None)
    median = statistics.median(known) if len(known) >= MEDIAN_MINIMUM_REPORTS else None
    copies = _boilerplate(subjects, previous)
    audits: list[Audit] = []
    for position, (subject, rate) in enumerate(zip(subjects, rates, strict=True)):
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
) -> list[Subject]:
    """Reports and results files as summarized subjects, in the order given."""
    if isinstance(sources, (str, os.PathLike, Report)):
        sources = [sources]
    subjects: list[Subject] = []
    paths: list[str | os.PathLike[str]] = []

    def flush() -> None:
        for path in expand_inputs(paths):
            if path.suffix.lower() in RESULTS_SUFFIXES:
                subjects.extend(_results_subjects(path))
            else:
                report = load_report(path)
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


def _read_results(path: Path) -> list[tuple[str, ReportSummary]]:
    """The (input, summary) pairs of a results file (the one reader of that format)."""
    loaded = read_results(path)
    for warning in loaded.warnings:
        logger.warning("%s", warning)
    return [(record.input, record.summary) for record in loaded.results]


def _results_subjects(path: Path) -> list[Subject]:
    return subjects_of(_read_results(path))


def subjects_of(records: Sequence[tuple[str, ReportSummary]]) -> list[Subject]:
    """Subjects for (input, summary) pairs; the text is re-read when the input is unchanged."""
    subjects: list[Subject] = []
    for name, summary in records:
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


# --------------------------------------------------------------------------- text helpers


def _evidence(text: str, start: int, end: int) -> Evidence:
    """Evidence for ``text[start:end]`` with surrounding whitespace trimmed."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(quote=text[start:end], start=start, end=end)


def _sentences(evidence: Evidence) -> list[Evidence]:
    """The sentences of a quote, as evidence with spans in the same report text."""
    found: list[Evidence] = []
    for match in _SENTENCE.finditer(evidence.quote):
        piece = _evidence(evidence.quote, match.start(), match.end())
        if piece.quote:
            found.append(
                Evidence(
                    quote=piece.quote,
                    start=evidence.start + piece.start,
                    end=evidence.start + piece.end,
                    match=evidence.match,
                )
            )
    return found


def _regions(subject: Subject, *kinds: SectionKind) -> list[Evidence]:
    """The bodies of the report's sections of ``kinds`` (or, without text, nothing)."""
    report = subject.report
    if report is None:
        return []
    return [
        _evidence(report.text, section.body_start, section.end)
        for section in report.sections_of(*kinds)
        if section.end > section.body_start
    ]


def _headings(subject: Subject, *kinds: SectionKind) -> list[Evidence]:
    report = subject.report
    if report is None:
        return []
    return [
        _evidence(report.text, section.start, section.body_start)
        for section in report.sections_of(*kinds)
        if section.heading
    ]


def _account(subject: Subject) -> list[Evidence]:
    """The report's account of the year: its achievements and responsibility parts."""
    regions = _regions(subject, "achievements", "responsibility")
    if regions or subject.report is not None:
        return regions
    return [achievement.evidence for achievement in subject.summary.achievements]


def _whole(subject: Subject, evidence: Evidence) -> Evidence:
    """The whole numbered item an evidence stands in (summaries often quote only its title)."""
    report = subject.report
    if report is None:
        return evidence
    section = report.section_at(evidence.start)
    if section is not None:
        for item in section.items:
            if item.start <= evidence.start < item.end:
                return _evidence(report.text, item.start, item.end)
    return evidence


def _keywords(text: str) -> set[str]:
    """Two-character Chinese words of ``text`` that say something (genre words removed)."""
    folded = fold(text)
    pairs = {folded[i : i + 2] for i in range(len(folded) - 1)}
    return {pair for pair in pairs if _HAN.fullmatch(pair) and pair not in _GENERIC}


def _themes(text: str) -> set[str]:
    folded = fold(text)
    return {theme for theme, words in THEMES.items() if any(word in folded for word in words)}


_HAN = re.compile(r"[\u4e00-\u9fff]{2}")
_LEADING_MARKER = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+是|\d+[、.．])\s*"
)


# --------------------------------------------------------------------------- parts


def check_parts(subject: Subject) -> Parts:
    """Which of the required parts the report states, and which have their own heading."""
    summary = subject.summary

    def part(kind: SectionKind, items: Sequence[Evidence]) -> PartCheck:
        headings = _headings(subject, kind)
        separate = bool(headings)
        present = separate or bool(items) or bool(_regions(subject, kind))
        return PartCheck(present=present, separate=separate, evidence=headings or list(items[:1]))

    achievements = part("achievements", [a.evidence for a in summary.achievements])
    problems = part("problems", [p.evidence for p in summary.problems])
    plans = part("plans", [p.evidence for p in summary.plans])

    # Causes: a part of their own, a cause matched to a problem, or a causal sentence
    # inside the problems part ("由于…", "原因是…").
    cause_headings = _headings(subject, "causes")
    cause_evidence = [p.cause_evidence for p in summary.problems if p.cause_evidence is not None]
    problem_text = _regions(subject, "problems") or [p.evidence for p in summary.problems]
    causal = [
        sentence
        for region in problem_text
        for sentence in _sentences(region)
        if _CAUSE_WORDS.search(fold(sentence.quote))
    ]
    causes = PartCheck(
        present=bool(cause_headings or cause_evidence or causal),
        separate=bool(cause_headings),
        evidence=cause_headings or (cause_evidence + causal)[:3],
    )

    # Responsibility: a part of its own, or sentences about the principal leaders' duty
    # folded into the account of the year or the preamble.
    duty_headings = _headings(subject, "responsibility")
    duty_text = _account(subject) + _regions(subject, "preamble")
    duty = [
        sentence
        for region in duty_text
        for sentence in _sentences(region)
        if _RESPONSIBILITY_WORDS.search(fold(sentence.quote))
    ]
    responsibility = PartCheck(
        present=bool(duty_headings or duty),
        separate=bool(duty_headings),
        evidence=duty_headings or duty[:3],
    )
    return Parts(
        achievements=achievements,
        problems=problems,
        causes=causes,
        responsibility=responsibility,
        plans=plans,
    )


_LOOKED_FOR: dict[PartName, str] = {
    "achievements": "查找了“工作情况/主要举措和成效/主要做法”等标题和成效条目，未找到。",
    "problems": "查找了“存在的问题/存在的不足/问题和不足”等标题和问题条目，未找到。",
    "causes": "查找了“原因”标题、与问题对应的原因段落，以及问题部分中“原因/由于/因为/受限于/导致”等原因陈述，未找到。",
    "responsibility": "查找了“第一责任人”标题，以及全文成效部分和开头中关于“第一责任人/主要负责人/主要领导/党委书记/一把手/述法”的陈述，未找到。",
    "plans": "查找了“下一步工作计划/下一年度工作打算/主要安排”等标题和计划条目，未找到。",
}


def _missing_parts(subject: Subject, parts: Parts) -> list[Finding]:
    findings: list[Finding] = []
    for name in ("achievements", "problems", "causes", "responsibility", "plans"):
        check: PartCheck = getattr(parts, name)
        if check.present:
            continue
        label = PART_LABELS[name]
        message = f"缺少“{label}”：按 2019 年督察工作规定，年度报告应当写明这一部分，请补充。"
        evidence: list[Evidence] = []
        if name == "causes":
            promising = [
                heading
                for heading in _headings(subject, "problems")
                if "原因" in fold(heading.quote)
            ]
            if promising:
                evidence = promising
                message = (
                    f"标题“{promising[0].quote}”写明“原因”，但正文没有陈述任何原因："
                    "请逐条写出问题的原因。"
                )
        findings.append(
            _finding(
                "missing_part",
                message,
                evidence=evidence,
                looked_for=_LOOKED_FOR[name]
                if subject.report is not None
                else _LOOKED_FOR[name] + "（仅有结果文件，原文不可读：按摘要判断）",
                part=name,
            )
        )
    return findings


def _finding(code: FindingCode, message: str, **fields: object) -> Finding:
    return Finding.model_validate(
        {"code": code, "severity": RUBRIC[code].severity, "message": message, **fields}
    )


# --------------------------------------------------------------------------- publication


_DATE_LINE = re.compile(r"(?:发布时间|发布日期|成文日期|发文日期)[:：\s]*[^\n]{0,40}")


def _publication_date(
    subject: Subject, option: date | None
) -> tuple[date | None, Literal["metadata", "option"] | None]:
    if option is not None:
        return option, "option"
    # ``Report.published`` comes from the readers (发布时间/发布日期/成文日期 lines, HTML meta).
    found = getattr(subject.report, "published", None)
    if isinstance(found, date):
        return found, "metadata"
    return None, None


def _publication(
    subject: Subject,
    published: date | None,
    origin: Literal["metadata", "option"] | None,
    deadline: date | None,
) -> list[Finding]:
    if published is None:
        return [
            _finding(
                "unknown_publication_date",
                "无法确定发布日期，不能核对是否在次年 4 月 1 日前公开：请核对网站发布时间，"
                "或用 --published YYYY-MM-DD 提供。",
                looked_for="查找了报告元数据中的“发布时间/发布日期/成文日期”和网页 meta 信息，未找到。",
            )
        ]
    if deadline is None or published <= deadline:
        return []
    report = subject.report
    evidence: list[Evidence] = []
    if origin == "metadata" and report is not None:
        match = _DATE_LINE.search(report.text)
        if match:
            evidence = [_evidence(report.text, match.start(), match.end())]
    looked_for: str | None = None
    if not evidence:
        metadata = getattr(report, "metadata", None) or {}
        shown = "；".join(
            f"{key}：{metadata[key]}"
            for key in ("发布时间", "发布日期", "成文日期")
            if key in metadata
        )
        looked_for = (
            f"发布日期来自报告元数据（{shown}）。"
            if origin == "metadata" and shown
            else "发布日期来自报告元数据。"
            if origin == "metadata"
            else "发布日期来自 --published 参数。"
        )
    days = (published - deadline).days
    return [
        _finding(
            "late_publication",
            f"发布日期 {published.isoformat()} 晚于公开截止日期 {deadline.isoformat()}（次年 4 月 1 日）"
            f" {days} 天：请说明原因并按时公开。",
            evidence=evidence,
            looked_for=looked_for,
            published=published,
            deadline=deadline,
        )
    ]


# --------------------------------------------------------------------------- title, issuer


def _title_evidence(subject: Subject) -> list[Evidence]:
    """The title as it stands in the text (it may span two lines)."""
    report = subject.report
    title = subject.summary.title
    if report is None or not title:
        return []
    wanted = squash(title)
    if not wanted:
        return []
    folded = report.folded or fold(report.text)
    start = folded.find(fold(title)[:4])
    if start < 0:
        return []
    collected = ""
    position = start
    while position < len(report.text) and len(collected) < len(wanted):
        collected += squash(report.text[position])
        position += 1
    if collected != wanted:
        return []
    return [_evidence(report.text, start, position)]


def _title(subject: Subject) -> list[Finding]:
    title = subject.summary.title
    if not title:
        return [
            _finding(
                "title_nonstandard",
                "未识别到标题：请使用规范名称“XX（单位）XXXX年法治政府建设年度报告”。",
                looked_for="在正文开头查找含“报告/法治”的标题行，未找到。",
            )
        ]
    folded = squash(title)
    issues: list[str] = []
    if not re.search(r"(?:19|20)\d{2}年", folded):
        issues.append("缺少年度（如“2024年”）")
    if not _TITLE_FORM.search(folded):
        issues.append("未采用规范名称“法治政府建设年度报告”（或“法治政府建设情况报告”）")
    if not issues:
        return []
    return [
        _finding(
            "title_nonstandard",
            f"标题“{title}”{'；'.join(issues)}：请使用规范名称“XX（单位）XXXX年法治政府建设年度报告”。",
            evidence=_title_evidence(subject),
        )
    ]


def _issuer(subject: Subject) -> list[Finding]:
    summary = subject.summary
    if summary.entity is None:
        return [
            _finding(
                "unnamed_issuer",
                "未能识别报告主体（制发单位）：请在标题中写明单位全称，如“XX镇人民政府”。",
                evidence=_title_evidence(subject),
                looked_for="在标题和正文开头查找“XX乡/镇/街道/县/区/市/局”等单位名称，未找到。",
            )
        ]
    if summary.title and fold(summary.entity) not in fold(summary.title):
        return [
            _finding(
                "unnamed_issuer",
                f"标题“{summary.title}”没有写明报告主体（正文中为“{summary.entity}”）："
                "请在标题中写明单位全称。",
                evidence=_title_evidence(subject),
            )
        ]
    return []


# --------------------------------------------------------------------------- problems, plans


def _problems_without_cause(subject: Subject, parts: Parts) -> list[Finding]:
    # With no cause anywhere, the one missing_part finding says it; per-problem findings
    # would charge the same gap several times.
    if not parts.causes.present:
        return []
    findings: list[Finding] = []
    for index, problem in enumerate(subject.summary.problems):
        if problem.cause or problem.cause_evidence is not None:
            continue
        if _CAUSE_WORDS.search(fold(_whole(subject, problem.evidence).quote)):
            continue
        findings.append(
            _finding(
                "problem_without_cause",
                f"问题“{problem.summary}”没有陈述原因：请写明产生这一问题的原因。",
                evidence=[problem.evidence],
                looked_for="在该问题的表述和原因部分中查找与之对应的原因，未找到。",
                kind="problem",
                index=index,
            )
        )
    return findings


def _problems_without_plan(subject: Subject, judge: Summarizer | None) -> list[Finding]:
    """Problems that no plan addresses: the rules' themes, or the model's reading."""
    summary = subject.summary
    plan_texts = [_whole(subject, plan.evidence).quote for plan in summary.plans]
    plan_themes = [_themes(text) for text in plan_texts]
    plan_categories = {plan.category for plan in summary.plans}
    covered = set().union(*plan_themes) if plan_themes else set()
    problem_texts = [_whole(subject, problem.evidence).quote for problem in summary.problems]
    judged: dict[int, bool] = {}
    if judge is not None and problem_texts and plan_texts:
        outcome = judge.ask(PlansForProblemsTask(problem_texts, plan_texts))
        for number in range(len(problem_texts)):
            answer = outcome.accepted.get(f"w{number + 1}")
            if isinstance(answer, list):
                judged[number] = bool(answer)
    findings: list[Finding] = []
    for index, problem in enumerate(summary.problems):
        themes = _themes(problem_texts[index])
        if index in judged:
            if judged[index]:
                continue
            looked_for = f"大模型逐条阅读了 {len(plan_texts)} 条计划，判断没有一条针对这个问题。"
        else:
            if themes & covered or (not themes and problem.category in plan_categories):
                continue
            wanted = "、".join(sorted(themes)) or problem.category
            looked_for = (
                f"在 {len(summary.plans)} 条计划中查找与该问题同主题（{wanted}）的计划，未找到。"
            )
        findings.append(
            _finding(
                "problem_without_plan",
                f"问题“{problem.summary}”在下一年度安排中没有对应的措施：请针对这一问题提出整改措施。",
                evidence=[problem.evidence],
                looked_for=looked_for,
                kind="problem",
                index=index,
                judged_by="llm" if index in judged else "rules",
            )
        )
    return findings


def _vague_plans(subject: Subject, judge: Summarizer | None) -> list[Finding]:
    """Plans with no target, deadline or owner: the rules first, then the model's reading.

    A plan the rules see a number, a deadline or an owner in is never vague; the others
    are asked, and the model must quote the phrase it finds (located in the plan).
    """
    plans = subject.summary.plans
    texts = [_whole(subject, plan.evidence) for plan in plans]
    vague = [
        index
        for index, text in enumerate(texts)
        if not (
            find_quantities(text.quote)
            or _DEADLINE_WORDS.search(fold(text.quote))
            or _OWNER_WORDS.search(fold(text.quote))
        )
    ]
    quoted: dict[int, str | None] = {}
    if judge is not None and vague:
        outcome = judge.ask(PlanTargetsTask([texts[index].quote for index in vague]))
        for number, index in enumerate(vague, 1):
            key = f"p{number}"
            if key in outcome.accepted:
                answer = outcome.accepted[key]
                quoted[index] = answer if isinstance(answer, str) else None
    findings: list[Finding] = []
    for index in vague:
        if quoted.get(index) is not None:
            continue  # the model quoted a target, deadline or owner from the plan
        plan = plans[index]
        findings.append(
            _finding(
                "vague_plan",
                f"计划“{plan.summary}”没有可衡量的目标、完成时限或责任单位：请至少写明其中一项。",
                evidence=[plan.evidence],
                looked_for=(
                    "大模型在计划中没有找到写明数量目标、时限或责任单位的短语。"
                    if index in quoted
                    else "在计划中查找数量目标（如“培训2次”）、时限（如“6月底前”“年内”）和"
                    "责任单位（“牵头/责任单位/由…负责”），均未找到。"
                ),
                kind="plan",
                index=index,
                judged_by="llm" if index in quoted else "rules",
            )
        )
    return findings


# --------------------------------------------------------------------------- indicators, topics


def _indicator_rate(subject: Subject) -> tuple[float, int, int] | None:
    """(figures per 1,000 characters, figures, characters) of the account of the year."""
    regions = _account(subject)
    characters = sum(len(region.quote) for region in regions)
    if characters == 0:
        return None
    figures = sum(
        1
        for indicator in subject.summary.indicators
        if any(region.start <= indicator.evidence.start < region.end for region in regions)
    )
    return figures * 1000 / characters, figures, characters


def _few_indicators(rate: tuple[float, int, int] | None, median: float | None) -> list[Finding]:
    if rate is None:
        return []
    value, figures, characters = rate
    measured = round(value, 2)
    explanation = (
        f"成效部分 {characters} 字，数字指标 {figures} 个，每千字 {measured} 个"
        f"（下限 {INDICATOR_THRESHOLD}"
        + (f"，同批报告中位数 {round(median, 2)}" if median is not None else "")
        + "）。"
    )
    common = {
        "looked_for": explanation,
        "measured": measured,
        "threshold": INDICATOR_THRESHOLD,
        "corpus_median": round(median, 2) if median is not None else None,
    }
    if value < INDICATOR_THRESHOLD:
        return [
            _finding(
                "few_indicators",
                f"成效部分几乎没有具体数字（每千字 {measured} 个，低于 {INDICATOR_THRESHOLD}）："
                "请用数据（次数、件数、人次、比例、金额）说明工作成效。",
                **common,
            )
        ]
    if median is not None and value < MEDIAN_SHARE * median:
        return [
            _finding(
                "few_indicators",
                f"成效部分的具体数字偏少（每千字 {measured} 个，不到同批报告中位数 "
                f"{round(median, 2)} 的一半）：可补充数据说明成效。",
                severity="info",
                **common,
            )
        ]
    return []


def _topic_gaps(subject: Subject) -> list[Finding]:
    regions = _account(subject)
    text = fold("\n".join(region.quote for region in regions))
    categories = {a.category for a in subject.summary.achievements}
    findings: list[Finding] = []
    for key, (label, mapped, words) in TOPICS.items():
        if any(word in text for word in words) or categories & set(mapped):
            continue
        labels = "、".join(CATEGORIES[category] for category in mapped)
        findings.append(
            _finding(
                "topic_gap",
                f"年度工作中未涉及“{label}”（某市 2025 年指引所列 8 个一级主题之一；对应类别：{labels}）："
                "如有相关工作，请补充。",
                looked_for=f"在成效部分查找：{'、'.join(words)}，未找到。",
                topic=key,
            )
        )
    return findings


# --------------------------------------------------------------------------- boilerplate


@dataclass(frozen=True, slots=True)
class _Sentence:
    owner: int
    """Index into the subjects (current first, then previous)."""
    kind: Literal["problem", "plan"]
    index: int
    evidence: Evidence
    key: str


def _item_sentences(owner: int, subject: Subject) -> list[_Sentence]:
    found: list[_Sentence] = []
    items: list[tuple[Literal["problem", "plan"], int, Evidence]] = [
        ("problem", index, _whole(subject, problem.evidence))
        for index, problem in enumerate(subject.summary.problems)
    ] + [
        ("plan", index, _whole(subject, plan.evidence))
        for index, plan in enumerate(subject.summary.plans)
    ]
    for kind, index, evidence in items:
        for sentence in _sentences(evidence):
            key = squash(_LEADING_MARKER.sub("", sentence.quote))
            if len(key) >= BOILERPLATE_MINIMUM_CHARS:
                found.append(_Sentence(owner, kind, index, sentence, key))
    return found


def _boilerplate(
    subjects: Sequence[Subject], previous: Sequence[Subject]
) -> dict[int, list[Finding]]:
    """Problems and plans with a near-identical sentence in another report, per current report.

    Sentences are grouped by their squashed text first, so that verbatim copies (the common
    case) cost nothing per pair; only distinct texts are compared, and only those that share
    a quarter of their character 4-grams (an inverted index; 4-grams found in very many
    distinct sentences are too common to say anything and are skipped).
    """
    everyone = list(subjects) + list(previous)
    sentences = [
        s for owner, subject in enumerate(everyone) for s in _item_sentences(owner, subject)
    ]
    clusters: dict[str, list[int]] = {}
    for number, sentence in enumerate(sentences):
        clusters.setdefault(sentence.key, []).append(number)
    keys = list(clusters)
    owners = [{sentences[n].owner for n in clusters[key]} for key in keys]
    grams = [{key[i : i + 4] for i in range(len(key) - 3)} for key in keys]
    postings: dict[str, list[int]] = {}
    for position, gram_set in enumerate(grams):
        for gram in gram_set:
            postings.setdefault(gram, []).append(position)
    common = max(_COMMON_GRAM_MINIMUM, len(keys) // 20)
    near: list[list[tuple[int, float]]] = [[(position, 100.0)] for position in range(len(keys))]
    for position, key in enumerate(keys):
        shared: dict[int, int] = {}
        for gram in grams[position]:
            posting = postings[gram]
            if len(posting) > common:
                continue
            for other in posting:
                if other > position:
                    shared[other] = shared.get(other, 0) + 1
        for other, count in shared.items():
            smaller = min(len(grams[position]), len(grams[other])) or 1
            if count / smaller < 0.25:
                continue
            similarity = fuzz.ratio(key, keys[other])
            if similarity >= BOILERPLATE_SIMILARITY:
                near[position].append((other, similarity))
                near[other].append((position, similarity))
    cluster_of = {key: position for position, key in enumerate(keys)}

    # Per current item: the best twin in another report, and how many reports share it.
    best: dict[tuple[int, Literal["problem", "plan"], int], tuple[float, int, int]] = {}
    sharing: dict[tuple[int, Literal["problem", "plan"], int], set[int]] = {}
    for number, sentence in enumerate(sentences):
        if sentence.owner >= len(subjects):
            continue  # previous reports are only compared against, never audited
        slot = (sentence.owner, sentence.kind, sentence.index)
        for twin_cluster, similarity in near[cluster_of[sentence.key]]:
            others = owners[twin_cluster] - {sentence.owner}
            if not others:
                continue
            sharing.setdefault(slot, set()).update(others)
            twin_number = next(
                n for n in clusters[keys[twin_cluster]] if sentences[n].owner != sentence.owner
            )
            if slot not in best or similarity > best[slot][0]:
                best[slot] = (similarity, number, twin_number)
    findings: dict[int, list[Finding]] = {}
    for (owner, kind, index), (similarity, number, other) in sorted(best.items()):
        slot = (owner, kind, index)
        twin = everyone[sentences[other].owner]
        copies = len(sharing[slot])
        where = "上一年度报告" if sentences[other].owner >= len(subjects) else "同批报告"
        name = f"{twin.summary.entity or twin.input}{twin.summary.year or ''}"
        label = "问题" if kind == "problem" else "计划"
        also = f"（共 {copies} 份报告有相同表述）" if copies > 1 else ""
        findings.setdefault(owner, []).append(
            _finding(
                "boilerplate",
                f"这条{label}与{where}“{name}”的表述几乎相同{also}"
                f"（相似度 {similarity / 100:.2f}）：请结合本单位实际情况写。",
                evidence=[sentences[number].evidence],
                kind=kind,
                index=index,
                other=OtherQuote(
                    input=twin.input,
                    entity=twin.summary.entity,
                    year=twin.summary.year,
                    evidence=sentences[other].evidence,
                ),
                similarity=round(similarity / 100, 3),
                copies=copies,
            )
        )
    return findings


# --------------------------------------------------------------------------- follow-up


def _same_issuer(subject: Subject, earlier: Subject) -> bool:
    now, then = subject.summary, earlier.summary
    if not now.entity or now.entity != then.entity:
        return False
    if now.parent_entity and then.parent_entity and now.parent_entity != then.parent_entity:
        return False
    return not (now.year and then.year and then.year != now.year - 1)


def _follow_up(
    subject: Subject, previous: Sequence[Subject], judge: Summarizer | None
) -> tuple[list[FollowUp] | None, list[Finding]]:
    """Each plan of last year's report of the same issuer, matched to this year's work.

    The rules rank this year's sentences by the plan's keywords; the model, when given,
    chooses among the best three (or none).
    """
    earlier = [candidate for candidate in previous if _same_issuer(subject, candidate)]
    if not earlier:
        return None, []
    account = [sentence for region in _account(subject) for sentence in _sentences(region)]
    follow_up: list[FollowUp] = []
    findings: list[Finding] = []
    for last_year in earlier:
        plans = last_year.summary.plans
        ranked: list[list[tuple[float, Evidence]]] = []
        for plan in plans:
            wanted = _keywords(plan.summary)
            matches = [
                (len(wanted & _keywords(sentence.quote)) / len(wanted), sentence)
                for sentence in account
                if wanted
            ]
            matches.sort(key=lambda match: -match[0])
            ranked.append(matches)
        chosen: dict[int, Evidence | None] = {}
        if judge is not None and plans and account:
            candidates = [[m[1] for m in matches[:3]] for matches in ranked]
            shared = [
                [len(_keywords(plan.summary) & _keywords(sentence.quote)) for sentence in group]
                for plan, group in zip(plans, candidates, strict=True)
            ]
            task = FollowUpTask(
                [_whole(last_year, plan.evidence).quote for plan in plans],
                [[sentence.quote for sentence in group] for group in candidates],
                shared=shared,
            )
            outcome = judge.ask(task)
            for number, group in enumerate(candidates):
                key = f"l{number + 1}"
                if key not in outcome.accepted:
                    continue
                answer = outcome.accepted[key]
                options = list(task.candidates[key])
                chosen[number] = group[options.index(answer)] if answer in options else None
        for index, plan in enumerate(plans):
            matches = ranked[index]
            similarity = round(matches[0][0], 3) if matches else 0.0
            quote = OtherQuote(
                input=last_year.input,
                entity=last_year.summary.entity,
                year=last_year.summary.year,
                evidence=plan.evidence,
            )
            if index in chosen:
                picked = chosen[index]
                followed = picked is not None
                evidence = [picked] if picked is not None else []
                judged_by: Literal["rules", "llm"] = "llm"
                looked_for = f"大模型在本年度成效中与该计划最接近的 {min(3, len(matches))} 句里没有找到落实情况。"
            else:
                followed = similarity >= FOLLOW_UP_OVERLAP
                evidence = [match[1] for match in matches[:2] if match[0] >= FOLLOW_UP_OVERLAP]
                judged_by = "rules"
                looked_for = (
                    f"在本年度成效部分的 {len(account)} 句中查找该计划（“{plan.summary}”）的"
                    f" {len(_keywords(plan.summary))} 个两字关键词，句中最多出现 {similarity:.0%}，"
                    f"低于 {FOLLOW_UP_OVERLAP:.0%}。"
                )
            follow_up.append(
                FollowUp(
                    plan=quote,
                    followed=followed,
                    evidence=evidence,
                    similarity=similarity,
                    judged_by=judged_by,
                )
            )
            if not followed:
                findings.append(
                    _finding(
                        "plan_not_followed",
                        f"上一年度计划“{plan.summary}”在本年度成效中没有找到落实情况："
                        "请说明落实情况或未落实的原因。",
                        looked_for=looked_for,
                        kind="plan",
                        index=index,
                        other=quote,
                        similarity=similarity,
                        judged_by=judged_by,
                    )
                )
    return follow_up, findings
