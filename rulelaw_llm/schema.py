"""The result contract: what users receive (``ReportSummary``) and its parts.

Every extracted item carries ``Evidence``: a verbatim quote from ``Report.text`` and the
character span where it stands, so ``report.text[evidence.start:evidence.end] ==
evidence.quote`` always holds. The library computes spans; models never write offsets
(the models an LLM fills live in ``rulelaw_llm.llm.tasks``).

All models forbid unknown fields, so a consumer can rely on the JSON Schema
(``rulelaw-llm schema``) as the exact shape of the output.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from rulelaw_llm.categories import CategoryKey
from rulelaw_llm.kinds import KINDS, KindKey

__all__ = [
    "Achievement",
    "Attempt",
    "ClaimSource",
    "Coverage",
    "DigestClaim",
    "Evidence",
    "Indicator",
    "Plan",
    "Problem",
    "Provenance",
    "Question",
    "Rejected",
    "ReportSummary",
    "SCHEMA_VERSION",
    "Usage",
]

#: Bumped whenever the shape of ``ReportSummary`` changes; stored in every result.
SCHEMA_VERSION = "1.3"

RejectedKind = Literal["achievement", "indicator", "problem", "plan", "digest"]
QuestionTarget = Literal["indicator", "achievement", "problem", "plan", "digest"]
QuestionField = Literal["name", "summary", "category", "cause", "digest", "kind"]
QuestionOutcome = Literal["accepted", "rejected", "unanswered"]
MatchKind = Literal["exact", "normalized", "fuzzy"]
SourceKind = Literal["achievement", "indicator", "problem", "plan"]
ClaimPart = Literal["report", "achievements", "indicators", "problems", "plans"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """A verbatim quote from the report and where it stands in ``Report.text``."""

    quote: str = Field(description="报告原文中的逐字引文（清洗后的文本）")
    start: int = Field(ge=0, description="引文在 Report.text 中的起始字符位置")
    end: int = Field(ge=0, description="引文在 Report.text 中的结束字符位置（不含）")
    match: MatchKind = Field(
        default="exact",
        description="引文如何定位：exact 逐字；normalized 忽略全半角/标点/空白；fuzzy 字符级近似",
    )

    @model_validator(mode="after")
    def _span_is_ordered(self) -> Evidence:
        if self.end < self.start:
            raise ValueError("evidence end is before its start")
        return self


class Achievement(_Model):
    """A measure taken or result achieved (主要举措和成效)."""

    category: CategoryKey = Field(description="类别键，取自受控词表")
    summary: str = Field(description="简明概括（一句话）")
    evidence: Evidence


class Indicator(_Model):
    """A numeric work indicator: what is counted, the number, its unit and its source."""

    name: str = Field(description="统计的是什么（如：法治专题学习会议、化解矛盾纠纷、化解率）")
    value: float = Field(description="数值，万/亿已展开（11万元 → 110000）")
    unit: str = Field(description="单位或量词，不含万/亿（次、场、人次、件、元、%…）")
    approx: bool = Field(description="是否为约数或下限（余、多、近、约、左右、以上、超、逾）")
    period: str | None = Field(
        default=None, description="原文把数字系于报告年度以外的时期时填写（如 2023）"
    )
    category: CategoryKey = Field(description="类别键，取自受控词表")
    kind: KindKey = Field(
        default="other",
        description=(
            "指标种类键，取自种类词表（rulelaw_llm.kinds）：这个数字是各报告共有的哪一项统计，"
            "单位须属于该种类的单位族；没有合适种类时为 other（schema 1.3 起）"
        ),
        json_schema_extra={"x-kind-labels": {key: kind.label for key, kind in KINDS.items()}},
    )
    evidence: Evidence
    origin: Literal["prepass", "model"] = Field(
        default="prepass",
        description=(
            "名称（统计对象）来自确定性预处理（prepass），还是由模型写出并通过校验（model）；"
            "数字、单位和位置总是来自预处理"
        ),
    )


class Problem(_Model):
    """A shortcoming the report admits (存在的问题和不足), with its stated cause if any."""

    category: CategoryKey = Field(description="类别键，取自受控词表")
    summary: str = Field(description="问题的简明概括")
    cause: str | None = Field(default=None, description="原文陈述的原因（没有则为空）")
    evidence: Evidence
    cause_evidence: Evidence | None = None


class Plan(_Model):
    """A measure planned for the next year (下一年度工作安排)."""

    category: CategoryKey = Field(description="类别键，取自受控词表")
    summary: str = Field(description="计划的简明概括")
    evidence: Evidence


class Rejected(_Model):
    """An item that failed validation, kept with the reason instead of being dropped."""

    kind: RejectedKind
    content: dict[str, JsonValue] = Field(description="模型给出的原始内容")
    reason: str = Field(description="未通过校验的原因")


class ClaimSource(_Model):
    """An item of the result that a digest claim speaks of, and where it stands in the report."""

    kind: SourceKind = Field(
        description="条目的种类：achievement 成效、indicator 数字指标、problem 问题、plan 计划"
    )
    index: int = Field(ge=0, description="该条目在结果对应列表中的序号（从 0 起）")
    quote: str = Field(description="该条目的原文引文（即它的 evidence.quote）")
    start: int = Field(ge=0, description="引文在 Report.text 中的起始字符位置")
    end: int = Field(ge=0, description="引文在 Report.text 中的结束字符位置（不含）")


class DigestClaim(_Model):
    """One sentence of the digest, the items it speaks of, and who wrote it.

    ``digest[start:end] == text``; every word of it was checked against its ``sources``
    (``rulelaw_llm.rules.claims.check_claim``).
    """

    text: str = Field(description="摘要中的这一句")
    start: int = Field(ge=0, description="这一句在 digest 中的起始字符位置")
    end: int = Field(ge=0, description="这一句在 digest 中的结束字符位置（不含）")
    part: ClaimPart = Field(
        description="这一句讲的是结果的哪一部分：achievements 举措、indicators 数字、problems 问题、"
        "plans 计划；report 只有单位和年度"
    )
    sources: list[ClaimSource] = Field(
        default_factory=list, description="这一句所依据的条目及其原文位置"
    )
    origin: Literal["template", "model"] = Field(
        default="template",
        description="template 由规则模板写成；model 由模型写成并通过逐句校验",
    )


class Attempt(_Model):
    """One request to the model (first try, re-ask or follow-up) and what it cost."""

    step: str = Field(description="哪一步：indicators、items、digest、coverage…")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    seconds: float = 0.0
    outcome: Literal["ok", "invalid", "truncated", "error"] = "ok"


class Usage(_Model):
    """The usage ledger of one report."""

    requests: int = 0
    reasks: int = Field(default=0, description="因校验失败而重新请求的次数")
    reasks_without_progress: int = Field(
        default=0, description="其中没有新通过任何一项的重新请求次数"
    )
    repeated_answers: int = Field(
        default=0, description="重新请求得到与上一次相同的回答（随即停止重问）的次数"
    )
    reasks_skipped: int = Field(
        default=0,
        description="因模型在本次运行中连续多次重问都没有进展而没有发出的重新请求次数",
    )
    transport_retries: int = Field(default=0, description="因网络/限流/5xx 而重试的次数")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    seconds: float = Field(default=0.0, description="总耗时（秒）")
    cost: float | None = Field(default=None, description="按配置的价格表估算的费用")
    currency: str | None = None
    batch_discount: float | None = Field(
        default=None,
        description="经服务商的批量接口（Batch API）处理时费用所乘的折扣（0.5 即半价）；在线请求为 None",
    )
    attempts: list[Attempt] = Field(default_factory=list)


class Question(_Model):
    """One field the model was asked to fill, why the rules floor was not sure, and the outcome."""

    target: QuestionTarget = Field(description="问的是哪类条目")
    index: int = Field(ge=0, description="该条目在结果对应列表中的序号（从 0 起）")
    field: QuestionField = Field(description="问的是哪个字段")
    reason: str = Field(description="为什么要问：规则结果不确定的原因，或 scope=all")
    outcome: QuestionOutcome = Field(
        description="accepted 采用了模型的回答；rejected 未通过校验、保留规则结果；unanswered 没有回答"
    )


class Coverage(_Model):
    """How the pre-pass quantities were accounted for, and what the model was asked and why."""

    candidates: int = Field(description="预处理在成效部分找到的数字个数")
    indicators: int = Field(description="其中成为指标的个数")
    asked: int = Field(default=0, description="其中名称不确定、问了模型的个数")
    named_by_model: int = Field(default=0, description="其中采用了模型所写名称的个数")
    unresolved: int = Field(
        description="问了模型却没有得到可用名称、保留规则名称的个数（会产生警告）"
    )
    questions: list[Question] = Field(
        default_factory=list, description="问了模型的每个字段、原因和结果"
    )


class Provenance(_Model):
    """Where a result came from, so that it can be reproduced and compared."""

    backend: Literal["rules", "llm"]
    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    downgrades: list[str] = Field(
        default_factory=list,
        description="服务商拒绝后降级的参数，如 response_format: json_schema→json_object",
    )
    prompt_version: str | None = None
    schema_version: str = SCHEMA_VERSION
    library_version: str
    source: str | None = Field(default=None, description="输入文件路径")
    text_sha256: str = Field(description="清洗后正文的 SHA-256")
    usage: Usage = Field(default_factory=Usage)
    created_at: datetime


class ReportSummary(_Model):
    """The structured, grounded summary of one report."""

    entity: str | None = Field(description="报告主体，如 申扎镇")
    parent_entity: str | None = Field(default=None, description="上级行政区（原文写明时）")
    level: str | None = Field(description="层级：乡、镇、街道、县、区、市、省、部门")
    year: int | None = Field(description="报告所述年度")
    title: str | None
    published: date | None = Field(
        default=None,
        description="发布日期：网页副本的发布时间/发布日期/发表日期/信息提供日期等（成文日期、"
        "公文生成日期是成文的日期，不算发布）；页面未写明时为空（1.3 新增）",
    )
    metadata: dict[str, str] = Field(
        default_factory=dict,
        description="网页副本的元数据（索引号、发布机构、来源、网址等，原样保留），不属于报告正文"
        "（1.3 新增）",
    )
    achievements: list[Achievement] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    plans: list[Plan] = Field(default_factory=list)
    digest: str = Field(description="一段话摘要")
    digest_claims: list[DigestClaim] = Field(
        default_factory=list,
        description="摘要逐句：每句的位置、所依据的条目（schema 1.3 起；更早的结果为空）",
    )
    warnings: list[str] = Field(default_factory=list)
    rejected: list[Rejected] = Field(default_factory=list)
    coverage: Coverage | None = None
    provenance: Provenance

    @model_validator(mode="after")
    def _claims_slice_the_digest(self) -> ReportSummary:
        for claim in self.digest_claims:
            if self.digest[claim.start : claim.end] != claim.text:
                raise ValueError(
                    f"digest claim {claim.text!r} is not digest[{claim.start}:{claim.end}]"
                )
        return self
