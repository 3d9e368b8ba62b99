"""What the model fills, and the checks its answers must pass.

The model never writes offsets, numbers or units: those come from the pre-pass. It writes
only what needs judgement — what a number counts, a short summary and a category per item,
a stated cause (a verbatim clause), a digest. Each request gets a model built for it with
one named field per pre-pass fact (``q1``, ``q2``… or ``i1``, ``i2``…), so a
grammar-constrained server must answer every one, and the answer maps back by name.

Validators read instructor's validation context. They repair what can be repaired
deterministically (a number left in a name, a digest a few characters too long) and raise
one Chinese message naming every failing field, which instructor sends back as the re-ask.
The same per-field checks sort a last, still-failing answer into accepted and rejected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, model_validator

from rulelaw_llm.categories import CATEGORIES, CategoryKey
from rulelaw_llm.digest import digest_violations_for_values
from rulelaw_llm.grounding import Located, char_overlap, locate_quote, numbers_in

__all__ = [
    "DigestContext",
    "DigestDraft",
    "ItemJudgement",
    "ItemsContext",
    "NamesContext",
    "ProblemJudgement",
    "check_digest",
    "check_item",
    "category_table",
    "check_name",
    "digest_model",
    "items_model",
    "names_model",
]

#: Longest summary accepted; the schema carries it so grammar-constrained servers stop there.
SUMMARY_CHARS = 40
#: Longest indicator name accepted.
NAME_CHARS = 20

_NULLISH = {"", "null", "none", "无", "没有", "未写明", "未提及", "-", "—"}


@dataclass(frozen=True, slots=True)
class NamesContext:
    """What the checks of an indicator-names answer need: each q's raw text and region."""

    raws: Sequence[str]
    regions: Sequence[str]
    """The clause that holds each number (and the clause before it when the number's own
    clause names nothing, as in 共20余次): where its name must be found.

    A small model shifts names between neighbouring numbers of one sentence (measured:
    化解率100% named “帮教人员” from the next clause); the region catches that.
    """


@dataclass(frozen=True, slots=True)
class ItemsContext:
    """What the checks of an items answer need."""

    texts: Sequence[str]
    """Each item's full text, for grounding its summary."""
    starts: Sequence[int]
    """Where each item starts in the report, so a cause cannot be the item's own opening."""
    report_text: str
    cause_region: tuple[int, int] | None = None
    """Where stated causes may be quoted from (the problems and causes parts)."""
    threshold: float = 85.0


@dataclass(frozen=True, slots=True)
class DigestContext:
    """What the checks of a digest need."""

    allowed: Sequence[float]
    entity: str | None
    max_chars: int
    figures: Sequence[float] = ()
    """The key figures offered to the model; the digest must cite at least one."""
    repaired: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- names


def check_name(index: int, name: object, context: NamesContext) -> tuple[str, str | None]:
    """Repair and check the name of quantity ``q{index}``; returns (name, failure or None)."""
    label = f"q{index}"
    text = str(name or "").strip()
    raw = context.raws[index - 1]
    # Small models echo the prompt's wording before the answer ("的统计对象是赴京访量").
    text = re.sub(r"^.{0,8}?统计对象(?:是|为|：|:)", "", text)
    text = text.replace(raw, "")
    text = re.sub(r"^[\d.,，、:：\s]+|[\d.,，、:：\s]+$", "", text)
    text = text.strip(" “”\"'《》（）()。")
    if not text or not re.search(r"[\u4e00-\u9fffA-Za-z]", text):
        return text, f"{label}（{raw}）的统计对象为空或只写了数字，请写出它统计的是什么"
    if len(text) > NAME_CHARS:
        return text, f"{label}（{raw}）的统计对象“{text}”太长，请用不超过15个字的名词短语"
    if re.search(r"\d", text):
        return text, f"{label}（{raw}）的统计对象“{text}”中不要包含数字，只写它统计的是什么"
    unit = re.sub(r"^[近约超逾]*[\d.,，]*[万亿千]?[余多]?", "", raw).rstrip("左右以上余")
    if len(re.findall(r"[\u4e00-\u9fff]", text)) < 2 or text in (unit, unit + "数"):
        return text, f"{label}（{raw}）的统计对象“{text}”只写了单位，请写出它统计的是什么"
    if char_overlap(text, context.regions[index - 1]) < 0.7:
        return text, (
            f"{label}（{raw}）的统计对象“{text}”不在这个数字所在的分句或前一分句中："
            "请写这个数字本身统计的对象，用原文的词"
        )
    return text, None


class _NamesBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _check_names(self, info: ValidationInfo) -> _NamesBase:
        context = (info.context or {}).get("names")
        if not isinstance(context, NamesContext):
            return self
        failures = []
        for index in range(1, len(context.raws) + 1):
            repaired, failure = check_name(index, getattr(self, f"q{index}"), context)
            setattr(self, f"q{index}", repaired)
            if failure:
                failures.append(failure)
        if failures:
            raise ValueError("；".join(failures))
        return self


def names_model(raws: Sequence[str]) -> type[BaseModel]:
    """A response model with one string field per quantity: ``q1``, ``q2``…"""
    fields: dict[str, object] = {
        f"q{index}": (str, Field(max_length=NAME_CHARS + 10, description=f"{raw} 的统计对象"))
        for index, raw in enumerate(raws, 1)
    }
    return create_model("IndicatorNames", __base__=_NamesBase, **fields)  # type: ignore[call-overload,no-any-return]


# --------------------------------------------------------------------------- items


class ItemJudgement(BaseModel):
    """The model's judgement of one achievement or plan item."""

    model_config = ConfigDict(extra="forbid")

    summary: str = Field(max_length=SUMMARY_CHARS, description="不超过30字的概括，只用原文中的事实")
    category: CategoryKey = Field(description="类别键")


class ProblemJudgement(ItemJudgement):
    """The model's judgement of one problem item, with the cause the report states."""

    cause: str | None = Field(
        default=None, description="原文陈述的原因：逐字摘录的一个分句；没有写明则为 null"
    )


def check_item(
    index: int, judgement: ItemJudgement, context: ItemsContext
) -> tuple[ItemJudgement, Located | None, str | None]:
    """Check item ``i{index}``: summary grounded, no invented numbers, cause found.

    Returns the (repaired) judgement, where its cause stands, and a failure or ``None``.
    """
    label = f"i{index}"
    text = context.texts[index - 1]
    summary = re.sub(r"\s+", "", judgement.summary)
    # A small model often copies the item's opening words instead of summarising; its first
    # sentence (the item's own heading) is then the summary. Repaired here, not re-asked.
    summary = re.sub(
        r"^[（(]?[一二三四五六七八九十\d]{1,3}[)）、.]\s*|^[一二三四五六七八九十]是", "", summary
    )
    # A summary is one phrase: what follows its first sentence is copied text.
    first = re.split(r"[。；;！？!?]", summary, maxsplit=1)[0]
    if len(first) >= 4:
        summary = first[:SUMMARY_CHARS]
    summary = summary.strip("。；;，, …")
    judgement = judgement.model_copy(update={"summary": summary})
    failures: list[str] = []
    if not summary:
        failures.append(f"{label}的概括为空")
    elif len(summary) > SUMMARY_CHARS:
        failures.append(f"{label}的概括太长（{len(summary)}字），请不超过30字")
    else:
        invented = [
            number
            for number in numbers_in(summary)
            if not any(abs(number - known) < 1e-6 for known in numbers_in(text))
        ]
        if invented:
            failures.append(f"{label}的概括中的数字{invented[0]:g}不在该条原文中")
        elif char_overlap(summary, text) < 0.5:
            failures.append(f"{label}的概括“{summary}”与该条原文不符，请依据原文概括")
    located: Located | None = None
    cause = getattr(judgement, "cause", None)
    if isinstance(cause, str):
        cause = cause.strip()
        if cause.lower() in _NULLISH:
            judgement = judgement.model_copy(update={"cause": None})
        else:
            located = locate_quote(
                context.report_text,
                cause,
                within=context.cause_region,
                threshold=context.threshold,
            )
            if located is None:
                failures.append(
                    f"{label}的原因“{cause[:30]}”在原文中找不到：请逐字摘录原文中陈述原因的分句，"
                    "原文没有写明原因就填 null"
                )
            elif located.start <= context.starts[index - 1] + 4 <= located.end:
                located = None
                failures.append(
                    f"{label}的原因照抄了问题本身：请摘录原文中说明原因的分句，原文没有写明原因就填 null"
                )
            elif any(
                start <= located.start < start + len(other)
                for number, (start, other) in enumerate(
                    zip(context.starts, context.texts, strict=True), 1
                )
                if number != index
            ):
                located = None
                failures.append(
                    f"{label}的原因摘自另一条问题：请只摘录说明本条问题原因的分句，没有就填 null"
                )
    return judgement, located, "；".join(failures) or None


class _ItemsBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _check_items(self, info: ValidationInfo) -> _ItemsBase:
        context = (info.context or {}).get("items")
        if not isinstance(context, ItemsContext):
            return self
        failures = []
        for index in range(1, len(context.texts) + 1):
            judgement, _, failure = check_item(index, getattr(self, f"i{index}"), context)
            setattr(self, f"i{index}", judgement)
            if failure:
                failures.append(failure)
        if failures:
            raise ValueError("；".join(failures))
        return self


def items_model(count: int, *, problems: bool) -> type[BaseModel]:
    """A response model with one judgement per item: ``i1``, ``i2``…"""
    judgement: type[ItemJudgement] = ProblemJudgement if problems else ItemJudgement
    fields: dict[str, object] = {
        f"i{index}": (judgement, Field(description=f"第{index}条")) for index in range(1, count + 1)
    }
    name = "ProblemJudgements" if problems else "ItemJudgements"
    return create_model(name, __base__=_ItemsBase, **fields)  # type: ignore[call-overload,no-any-return]


# --------------------------------------------------------------------------- digest


def check_digest(digest: str, context: DigestContext) -> tuple[str, str | None]:
    """Repair (one paragraph, trim to the last full sentence) and check a digest."""
    text = re.sub(r"\s*\n\s*", "", digest).strip()
    if len(text) > context.max_chars:
        cut = text.rfind("。", 0, context.max_chars)
        if cut >= context.max_chars * 0.6:
            text = text[: cut + 1]
    failures: list[str] = []
    if len(text) > context.max_chars:
        failures.append(f"摘要有{len(text)}字，超过了{context.max_chars}字")
    invented = digest_violations_for_values(text, context.allowed)
    if invented:
        failures.append(f"摘要中的数字{'、'.join(invented)}不在已核实的信息中，只能使用列出的数字")
    if context.entity and context.entity not in text:
        failures.append(f"摘要应写明单位名称“{context.entity}”")
    cited = numbers_in(text)
    if context.figures and not any(
        any(abs(value - figure) < 1e-6 for figure in context.figures) for value in cited
    ):
        failures.append("摘要应引用两到三个已核实的关键数字")
    elif len(cited) > 6:
        failures.append(f"摘要引用了{len(cited)}个数字，只选两到三个最重要的")
    if len(text) < 30:
        failures.append("摘要太短，请写成完整的一段话")
    return text, "；".join(failures) or None


class DigestDraft(BaseModel):
    """The model's one-paragraph digest (see ``digest_model`` for the length limit)."""

    model_config = ConfigDict(extra="forbid")

    digest: str = Field(description="一段话中文摘要")

    @model_validator(mode="after")
    def _check_digest(self, info: ValidationInfo) -> DigestDraft:
        context = (info.context or {}).get("digest")
        if not isinstance(context, DigestContext):
            return self
        self.digest, failure = check_digest(self.digest, context)
        if failure:
            raise ValueError(failure)
        return self


def digest_model(max_chars: int) -> type[DigestDraft]:
    """A digest model whose schema caps the length a little above ``max_chars``.

    The cap stops a grammar-constrained model from running on; the check then trims the
    digest to its last full sentence within ``max_chars``.
    """
    limit = max_chars + max_chars // 5
    return create_model(
        "Digest",
        __base__=DigestDraft,
        digest=(str, Field(max_length=limit, description=f"一段话中文摘要，不超过{max_chars}字")),
    )


def category_table() -> str:
    """The vocabulary as the prompt shows it: ``key：中文名`` per line."""
    return "\n".join(f"{key}：{label}" for key, label in CATEGORIES.items())
