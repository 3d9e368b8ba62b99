"""The audit's contract: findings, parts, scores, the rubric and the Chinese labels.

Field names are stable: the review page and the exports read them (AUDIT.md documents
every check, the rule it comes from and its weight).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from rulelaw_llm.kinds import KindKey
from rulelaw_llm.reading.document import Report
from rulelaw_llm.schema import Evidence, ReportSummary

if TYPE_CHECKING:
    pass


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
    "indicator_outlier",
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
        default=None,
        description=(
            "该条目在摘要 problems / plans 列表中的序号（从 0 起）；"
            "indicator_outlier：（第一个）指标在 indicators 中的序号"
        ),
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
    indicator_kind: KindKey | None = Field(
        default=None, description="indicator_outlier：指标种类键（rulelaw_llm.kinds）"
    )
    outlier: Literal["rate_over_100", "ten_times_median", "count_for_rate"] | None = Field(
        default=None,
        description=(
            "indicator_outlier：rate_over_100 比率超过 100%；ten_times_median 为同种类同层级"
            "其他报告中位数的十倍以上；count_for_rate 名称是比率而单位不是 %"
        ),
    )


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
    "indicator_outlier": Rule("warning", 0, 0),
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
    "indicator_outlier": "数据异常（请核对）",
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
