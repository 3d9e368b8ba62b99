"""Typed tasks: each kind of question the model is asked, with everything that belongs to it.

A task holds its targets, each under a key (``q1``, ``i3``, ``s1``), and owns

- its prompt file, rendered for any subset of its keys (a re-ask sends only the failing
  keys, with their feedback);
- its response model, built once per shape (the keys and what each asks) and cached with
  its JSON schema;
- its checks: plain functions from one answered value to an accepted (maybe repaired)
  value or a failure reason;
- how an accepted answer is applied (``apply`` on the concrete tasks).

The driver (``rulelaw_llm.llm.flow.run_task``) runs any task: it decides accept / re-ask only
the failing keys / stop. How a task splits when its answer is too long is generic: the
driver asks for half of the keys at a time.

Writing a new task (the audit's judgements, say) means subclassing ``Task``: give it
``name`` (its prompt file), ``keys``, ``render``, ``fields`` and ``check``. This module
imports neither openai nor instructor; nor does the driver.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, create_model

from rulelaw_llm.categories import CATEGORIES, CategoryKey
from rulelaw_llm.llm.prompts import (
    CAUSE_CHARS,
    NAME_CHARS,
    SUMMARY_CHARS,
    category_table,
    load_lines,
    load_prompt,
)
from rulelaw_llm.rules.claims import ClaimGrounds, Figure, Subject, check_claim
from rulelaw_llm.rules.digest import ClaimPlan
from rulelaw_llm.rules.grounding import Located, char_overlap, locate_quote, numbers_in
from rulelaw_llm.schema import RejectedKind

__all__ = [
    "DigestTask",
    "FieldSpec",
    "Figure",
    "ItemTarget",
    "ItemsTask",
    "NameTarget",
    "NamesTask",
    "Reply",
    "Request",
    "Task",
    "check_cause",
    "check_category",
    "check_digest_claim",
    "check_name",
    "check_summary",
    "feedback",
    "field_description",
    "response_model",
    "schema_of",
]

PartKind = Literal["achievements", "problems", "plans"]
ItemField = Literal["summary", "category", "cause"]

_NULLISH = {"", "null", "none", "无", "没有", "未写明", "未提及", "-", "—"}


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True, slots=True)
class Request:
    """One question for the model, with no transport detail: what any client can send."""

    id: int
    """Its number within one report (or one run), in the order the flow made it."""
    task: str
    label: str
    """What it asks, for the usage ledger: ``names:1``, ``items:problems:1``, ``digest``."""
    keys: tuple[str, ...]
    system: str
    user: str
    response_model: type[BaseModel]
    max_tokens: int
    reask: bool = False
    """True when this request re-asks the failing keys of an earlier one."""

    @property
    def schema(self) -> dict[str, Any]:
        """The response model's JSON schema (computed once per model)."""
        return schema_of(self.response_model)


@dataclass(frozen=True, slots=True)
class Reply:
    """What came back for a request, read as far as a JSON object and no further."""

    data: Mapping[str, object] | None
    """The answer's JSON object, or ``None`` when none could be read."""
    raw: str | None = None
    """The raw answer text, kept for ``rejected``."""
    truncated: bool = False
    """The answer hit the token limit (``finish_reason == "length"``)."""


# --------------------------------------------------------------------------- models


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a response model: its name, its type and its length cap (hashable)."""

    name: str
    annotation: Any
    max_length: int | None = None
    nullable: bool = False


def field_description(name: str, **values: str) -> str:
    """A field's description, from ``prompts/fields``."""
    line = load_lines("fields")[name]
    return line.render(**{slot: values.get(slot, "") for slot in line.slots})


def _description(spec: FieldSpec) -> str:
    return field_description(spec.name, summary_chars=str(SUMMARY_CHARS))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


@cache
def _group_model(specs: tuple[FieldSpec, ...]) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for spec in specs:
        annotation = spec.annotation | None if spec.nullable else spec.annotation
        fields[spec.name] = (
            annotation,
            Field(
                default=None if spec.nullable else ...,
                max_length=spec.max_length,
                description=_description(spec),
            ),
        )
    name = "".join(spec.name.title() for spec in specs)
    return create_model(name, __base__=_Strict, **fields)


@cache
def response_model(
    name: str, shape: tuple[tuple[str, tuple[FieldSpec, ...]], ...]
) -> type[BaseModel]:
    """The response model of one shape: one field per key, each an object or one value.

    ``shape`` pairs each key with its field specs; a key with a single spec named like the
    task's value (``name``, ``claim``) is that value itself, else an object of the specs.
    Built once per shape; ``schema_of`` caches its JSON schema.
    """
    fields: dict[str, Any] = {}
    for key, specs in shape:
        if len(specs) == 1 and specs[0].name in ("name", "claim"):
            spec = specs[0]
            fields[key] = (
                spec.annotation,
                Field(max_length=spec.max_length, description=_description(spec)),
            )
        else:
            fields[key] = (_group_model(specs), Field(description=key))
    return create_model(name, __base__=_Strict, **fields)


@cache
def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """A response model's JSON schema, computed once."""
    return model.model_json_schema()


def feedback(code: str, **values: object) -> str:
    """A failure reason from ``prompts/feedback`` (sent back to the model on a re-ask)."""
    line = load_lines("feedback")[code]
    return line.render(**{slot: str(values.get(slot, "")) for slot in line.slots})


# --------------------------------------------------------------------------- the interface


class Task(ABC):
    """One kind of question over some targets, each under a key.

    Subclasses set ``name`` (the prompt file and the request label), ``kind`` (what a
    rejected answer is recorded as) and implement ``keys``, ``render``, ``fields`` and
    ``check``. ``max_keys`` bounds the keys of one request.
    """

    name: ClassVar[str]
    kind: RejectedKind = "indicator"
    max_keys: int = 8
    numbered: ClassVar[bool] = True
    """Whether its requests are labelled by number (``names:2``) or by name alone (``digest``)."""

    @property
    @abstractmethod
    def keys(self) -> tuple[str, ...]:
        """Every key of the task, in the order they are asked."""

    @abstractmethod
    def render(self, keys: Sequence[str]) -> str:
        """The user message asking about ``keys`` (report text inserted verbatim)."""

    @abstractmethod
    def fields(self, key: str) -> tuple[FieldSpec, ...]:
        """What the answer for ``key`` holds."""

    @abstractmethod
    def check(self, key: str, value: object) -> tuple[object, str | None]:
        """Repair and check one answered value: (accepted value, ``None``) or (value, reason)."""

    @property
    def system(self) -> str:
        """The system message (the same for every task)."""
        return load_prompt("system").render()

    def model_for(self, keys: Sequence[str]) -> type[BaseModel]:
        """The response model for ``keys`` (cached per shape)."""
        shape = tuple((key, self.fields(key)) for key in keys)
        return response_model(type(self).__name__ + "Answer", shape)

    def user_message(self, keys: Sequence[str], failures: Mapping[str, str]) -> str:
        """The request for ``keys``; with ``failures``, a re-ask naming what failed."""
        request = self.render(keys)
        if not failures:
            return request
        return load_prompt("reask").render(
            request=request, failures="\n".join(failures[key] for key in keys if key in failures)
        )

    def content(self, key: str, value: object) -> dict[str, JsonValue]:
        """What a rejected answer for ``key`` keeps (the model's own words)."""
        if isinstance(value, dict):
            return {str(name): _json(item) for name, item in value.items()}
        return {"key": key, "value": _json(value)}


def _json(value: object) -> JsonValue:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


# --------------------------------------------------------------------------- names


@dataclass(frozen=True, slots=True)
class NameTarget:
    """A quantity whose name (what it counts) is asked."""

    index: int
    """Its index among the report's quantities (and the result's indicators)."""
    raw: str
    sentence: str
    """The whole sentence that holds it, shown to the model."""
    region: str
    """The clause that holds it (and the clause before when its own names nothing): a name
    must be anchored there. A small model shifts names between neighbouring numbers of one
    sentence (measured: 化解率100% named “帮教人员” from the next clause); this catches it."""
    reasons: tuple[str, ...] = ()
    """Why the rules floor was not sure of its name."""
    context: str = ""
    """Where the rest of a name may come from: the sentence, the item's and the section's
    headings (a good annotator names a number from all of them)."""
    unit: str = ""
    """The number's measure word (a rate is named by its rate word)."""
    floor: str = ""
    """The rules' own name for it."""
    others: tuple[str, ...] = ()
    """The rules' names of the other numbers of its sentence: an answer that is one of
    them names a neighbour."""


#: Words an annotator adds from the unit or a stated sum, found in no clause: 受众人数,
#: 培训时长, 两项合计, 法律顾问覆盖率.
_ABSTRACTION = re.compile(
    r"人数|人次|次数|件数|场次|户数|个数|家数|数量|总数|合计|总计|时长|天数|年数|金额|比例|占比|率"
)
#: Heads so general that they name nothing by themselves (活动次数 for 20余次).
_GENERIC = re.compile(r"活动|工作|问题|事项|单位|人员|对象|项目|情况|征收|开展|组织|参加|参与|完成")
#: What a rate is called.
_RATE_WORD = re.compile(r"率|比例|占比|比重|度|幅|权重|份额|增长|下降|提高|降低|增加|减少|百分点")
#: A name that is a rate's (for a count it names the wrong thing).
_RATE_NAME = re.compile(r"(?:率|比例|占比|比重)$")
#: A count word at the end of a name says what it counts; the number's unit must agree
#: (参加讲座人次 for 36期 counts people where the number counts sessions).
_COUNT_WORD_UNITS = (
    (re.compile(r"(?:人数|人次)$"), frozenset({"人", "名", "人次", "位", "户", "户次"})),
    (re.compile(r"(?:次数|场次|期数)$"), frozenset({"次", "场", "场次", "期", "轮", "批次"})),
    (re.compile(r"件数$"), frozenset({"件", "起", "件次", "宗", "例"})),
    (re.compile(r"户数$"), frozenset({"户", "户次", "家"})),
)
#: A clause that states a sum (共…, 合计…).
_SUM_WORDS = re.compile(r"共|合计|共计|总计|累计")


def _cjk_count(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def _strip_unpaired(text: str) -> str:
    """Trim quotes, marks and unpaired brackets at either end (巡察乡镇(街道) keeps its pair)."""
    text = text.strip(" “”\"'《》。")
    for left, right in (("（", "）"), ("(", ")")):
        if text.startswith(left) and text.count(left) > text.count(right):
            text = text[1:]
        if text.endswith(right) and text.count(right) > text.count(left):
            text = text[:-1]
    return text


def check_name(
    key: str,
    value: object,
    raw: str,
    region: str,
    *,
    context: str = "",
    unit: str = "",
    floor: str = "",
    others: Sequence[str] = (),
) -> tuple[str, str | None]:
    """Repair and check the name of a quantity; returns (name, failure or ``None``).

    A name passes when it is a noun phrase (not only a measure word or a general head)
    anchored in the number's own clause (``region``: two of its characters at least, the
    number itself no evidence), the rest of it from its sentence and headings (``context``)
    or words implied by the unit or a stated sum (人数, 时长, 合计, 覆盖率); a rate is named
    by a rate word; and it is not the rules' name of another number of the sentence
    (``others``) unless it is as close to this one's (``floor``).
    """
    text = str(value or "").strip() if not isinstance(value, dict) else str(value.get("name", ""))
    # Small models echo the prompt's wording before the answer ("的统计对象是赴京访量").
    text = re.sub(r"^.{0,8}?统计对象(?:是|为|：|:)", "", text)
    text = text.replace(raw, "")
    text = re.sub(r"^[\d.,，、:：\s]+|[\d.,，、:：\s]+$", "", text)
    text = _strip_unpaired(text)
    if not text or not re.search(r"[\u4e00-\u9fffA-Za-z]", text):
        return text, feedback("name_empty", key=key, raw=raw)
    if len(text) > NAME_CHARS:
        return text, feedback("name_long", key=key, raw=raw, name=text, limit=NAME_CHARS)
    if re.search(r"\d", text):
        return text, feedback("name_digits", key=key, raw=raw, name=text)
    measure = unit or re.sub(r"^[近约超逾]*[\d.,，]*[万亿千]?[余多]?", "", raw).rstrip("左右以上余")
    core = _GENERIC.sub("", _ABSTRACTION.sub("", text))
    if _cjk_count(core) < 2 or text in (measure, measure + "数"):
        return text, feedback("name_unit", key=key, raw=raw, name=text)
    rate = measure in ("%", "‰", "个百分点", "百分点")
    if rate != bool(_RATE_WORD.search(text) if rate else _RATE_NAME.search(text)):
        return text, feedback("name_rate" if rate else "name_count", key=key, raw=raw, name=text)
    for count_word, units in _COUNT_WORD_UNITS:
        if count_word.search(text) and measure not in units:
            return text, feedback("name_unit_family", key=key, raw=raw, name=text)
    # The number itself is no evidence for its name: "活动次数" for 20余次 or "征收户数" for
    # 320户 borrow the measure word of the number and would otherwise pass as grounded.
    own = region.replace(raw, "")
    whole = own + context
    summed = _SUM_WORDS.search(own) is not None and re.search(r"合计|总计|总数|共计", text)
    # Most of a name comes from its own clause; the rest from its sentence and headings.
    rest = _ABSTRACTION.sub("", text) or text
    # Characters counted once: 学习法律法规 is not anchored in 干部集中学法 by its two 法.
    # A bare clause (参加人数100余人次: only count words and general verbs) takes its subject
    # from the clause before it, as a sum does.
    bare = _cjk_count(_GENERIC.sub("", _ABSTRACTION.sub("", own))) < 2
    anchor = char_overlap("".join(dict.fromkeys(rest)), whole if summed or bare else own)
    if anchor < 0.5 or char_overlap(rest, whole) < 0.8:
        return text, feedback("name_elsewhere", key=key, raw=raw, name=text)
    # Another number's name: its words are those of a neighbour's rule name, clearly more
    # than this number's own (a rate's subject is its count's, so rates are not compared).
    mine = char_overlap(rest, floor) if floor else 0.0
    theirs = max((char_overlap(rest, other) for other in others), default=0.0)
    if not rate and not summed and theirs >= 0.5 and theirs > mine + 0.1:
        return text, feedback("name_other", key=key, raw=raw, name=text)
    return text, None


class NamesTask(Task):
    """What each of some quantities counts (its indicator name)."""

    name = "names"

    def __init__(self, targets: Sequence[NameTarget], *, max_keys: int = 8) -> None:
        self.targets = {f"q{number}": target for number, target in enumerate(targets, 1)}
        self.max_keys = max_keys

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.targets)

    def render(self, keys: Sequence[str]) -> str:
        sentences: list[str] = []
        for key in keys:
            sentence = self.targets[key].sentence
            if sentence not in sentences:
                sentences.append(sentence)
        candidates = "\n".join(f"{key}：{self.targets[key].raw}" for key in keys)
        return load_prompt("names").render(
            name_chars=str(NAME_CHARS), block="\n".join(sentences), candidates=candidates
        )

    def fields(self, key: str) -> tuple[FieldSpec, ...]:
        # The cap leaves room for a repairable answer (a number left in, quotes).
        return (FieldSpec("name", str, NAME_CHARS + 10),)

    def check(self, key: str, value: object) -> tuple[object, str | None]:
        target = self.targets[key]
        return check_name(
            key,
            value,
            target.raw,
            target.region,
            context=target.context,
            unit=target.unit,
            floor=target.floor,
            others=target.others,
        )

    def content(self, key: str, value: object) -> dict[str, JsonValue]:
        return {"quantity": self.targets[key].raw, "name": _json(value)}


# --------------------------------------------------------------------------- items


@dataclass(frozen=True, slots=True)
class ItemTarget:
    """An item of one part, and which of its fields are asked (and why)."""

    index: int
    """Its index within its part (as the result lists them)."""
    text: str
    """The item's whole text: summaries and causes are checked against it."""
    shown: str
    """What the model is shown (the text, cut to ``item_chars``)."""
    start: int
    asked: tuple[ItemField, ...]
    reasons: Mapping[str, str]
    """Field -> why the rules floor was not sure of it."""
    choices: tuple[str, ...] = ()
    """The categories the model may choose from (empty: any key of the vocabulary)."""


def check_summary(key: str, summary: str, text: str) -> tuple[str, str | None]:
    """Repair and check a summary: one phrase, within the limit, grounded in the item."""
    summary = re.sub(r"\s+", "", summary)
    # A small model often copies the item's opening words instead of summarising; its
    # numbering is dropped and its first sentence kept. Repaired here, not re-asked.
    summary = re.sub(
        r"^[（(]?[一二三四五六七八九十\d]{1,3}[)）、.]\s*|^[一二三四五六七八九十]是", "", summary
    )
    first = re.split(r"[。；;！？!?]", summary, maxsplit=1)[0]
    if len(first) >= 4:
        summary = first
    summary = summary.strip("。；;，, …")
    if len(summary) > SUMMARY_CHARS:
        # Cut at the last clause break within the limit when that keeps most of it.
        cut = max(summary.rfind(mark, 0, SUMMARY_CHARS + 1) for mark in "，、,")
        if cut >= SUMMARY_CHARS * 0.6:
            summary = summary[:cut]
    if not summary:
        return summary, feedback("summary_empty", key=key)
    if len(summary) > SUMMARY_CHARS:
        return summary, feedback("summary_long", key=key, length=len(summary), limit=SUMMARY_CHARS)
    known = numbers_in(text)
    invented = [
        number
        for number in numbers_in(summary)
        if not any(abs(number - value) < 1e-6 for value in known)
    ]
    if invented:
        return summary, feedback("summary_number", key=key, number=f"{invented[0]:g}")
    if char_overlap(summary, text) < 0.5:
        return summary, feedback("summary_ungrounded", key=key, summary=summary)
    return summary, None


def check_category(
    key: str, category: object, choices: Sequence[str] = ()
) -> tuple[CategoryKey | None, str | None]:
    """A category must be a key of the vocabulary (and one of ``choices`` when given)."""
    value = str(category or "").strip()
    if choices and value not in choices:
        return None, feedback(
            "category_choice", key=key, category=value, choices="、".join(choices)
        )
    if value in CATEGORIES:
        return value, None  # type: ignore[return-value]
    return None, feedback("category_unknown", key=key, category=value)


#: Words that state a cause; a cause quoted from inside its own problem must hold one.
_CAUSAL = re.compile(
    r"原因|由于|因为|导致|造成|致使|缘于|源于|归因|根源|所致|主要是|受[^，。；]{0,12}(?:影响|制约|限制)"
)


def check_cause(
    key: str,
    cause: object,
    *,
    report_text: str,
    own_start: int,
    items: Sequence[tuple[int, str]],
    region: tuple[int, int] | None,
    threshold: float,
) -> tuple[Located | None, str | None]:
    """A stated cause must be quoted from the report, not from the problem itself or another.

    Returns where it stands (``None`` for "not stated") and a failure or ``None``.
    """
    if cause is None or str(cause).strip().lower() in _NULLISH:
        return None, None
    text = str(cause).strip()
    located = locate_quote(report_text, text, within=region, threshold=threshold)
    if located is None:
        return None, feedback("cause_missing", key=key, cause=text[:30])
    if located.start <= own_start + 4 <= located.end:
        return None, feedback("cause_self", key=key)
    if any(
        start <= located.start < start + len(other) for start, other in items if start != own_start
    ):
        return None, feedback("cause_other", key=key)
    own = next((other for start, other in items if start == own_start), "")
    if own_start <= located.start < own_start + len(own) and not _CAUSAL.search(
        report_text[located.start : located.end]
    ):
        # Inside the problem's own sentence, only words that say "why" make a cause; without
        # them the quote is the problem told again in other words ("宣传载体还不够鲜活").
        return None, feedback("cause_unmarked", key=key)
    return located, None


@dataclass(frozen=True, slots=True)
class ItemAnswer:
    """An accepted answer about one item: only the asked fields are set."""

    summary: str | None = None
    category: CategoryKey | None = None
    cause: Located | None = None
    cause_asked: bool = False


class ItemsTask(Task):
    """Summary, category and (for problems) stated cause of some items of one part."""

    name = "items"

    _KINDS: ClassVar[dict[str, RejectedKind]] = {
        "achievements": "achievement",
        "problems": "problem",
        "plans": "plan",
    }

    def __init__(
        self,
        part: PartKind,
        targets: Sequence[ItemTarget],
        *,
        report_text: str,
        cause_text: str = "",
        cause_region: tuple[int, int] | None = None,
        threshold: float = 85.0,
        max_keys: int = 8,
    ) -> None:
        self.part = part
        self.kind = self._KINDS[part]
        self.targets = {f"i{number}": target for number, target in enumerate(targets, 1)}
        self.report_text = report_text
        self.cause_text = cause_text
        self.cause_region = cause_region
        self.threshold = threshold
        self.max_keys = max_keys

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.targets)

    def render(self, keys: Sequence[str]) -> str:
        asks = load_lines("asks")
        lines = []
        for key in keys:
            target = self.targets[key]
            among = (
                asks["choices"].render(choices="、".join(target.choices)) if target.choices else ""
            )
            lines.append(f"{key}［{'、'.join(target.asked)}］{among}：{target.shown}")
        asked = {name for key in keys for name in self.targets[key].asked}
        open_category = any(
            "category" in self.targets[key].asked and not self.targets[key].choices for key in keys
        )
        limits = {"summary_chars": str(SUMMARY_CHARS), "cause_chars": str(CAUSE_CHARS)}
        fields = "\n".join(
            asks[name].render(**{slot: limits[slot] for slot in asks[name].slots})
            for name in ("summary", "category", "cause")
            if name in asked
        )
        causes = (
            "\n" + load_prompt("causes").render(text=self.cause_text)
            if "cause" in asked and self.cause_text
            else ""
        )
        categories = (
            "\n" + load_prompt("categories").render(table=category_table()) + "\n"
            if open_category
            else ""
        )
        return load_prompt("items").render(
            part=load_lines("parts")[self.part].render(),
            fields=fields,
            categories=categories,
            items="\n".join(lines),
            causes=causes,
        )

    def fields(self, key: str) -> tuple[FieldSpec, ...]:
        choices = self.targets[key].choices
        category: Any = Literal.__getitem__(choices) if choices else CategoryKey
        specs = {
            "summary": FieldSpec("summary", str, SUMMARY_CHARS + 10),
            "category": FieldSpec("category", category),
            "cause": FieldSpec("cause", str, CAUSE_CHARS + 20, nullable=True),
        }
        return tuple(specs[name] for name in self.targets[key].asked)

    def check(self, key: str, value: object) -> tuple[object, str | None]:
        target = self.targets[key]
        if not isinstance(value, dict):
            return value, feedback("item_shape", key=key)
        failures: list[str] = []
        summary: str | None = None
        category: CategoryKey | None = None
        cause: Located | None = None
        if "summary" in target.asked:
            summary, failure = check_summary(key, str(value.get("summary") or ""), target.text)
            failures += [failure] if failure else []
        if "category" in target.asked:
            category, failure = check_category(key, value.get("category"), target.choices)
            failures += [failure] if failure else []
        if "cause" in target.asked:
            cause, failure = check_cause(
                key,
                value.get("cause"),
                report_text=self.report_text,
                own_start=target.start,
                items=[(other.start, other.text) for other in self.targets.values()],
                region=self.cause_region,
                threshold=self.threshold,
            )
            failures += [failure] if failure else []
        if failures:
            return value, "；".join(failures)
        return ItemAnswer(summary, category, cause, cause_asked="cause" in target.asked), None


# --------------------------------------------------------------------------- digest


def check_digest_claim(
    key: str, value: object, grounds: ClaimGrounds, subject: Subject
) -> tuple[str, str | None]:
    """Repair and check one sentence of the digest (``rules.claims.check_claim``), with feedback.

    Returns the claim as repaired (a figure's lost marker put back) and the reasons it
    fails, or ``None``.
    """
    text, failures = check_claim(str(value or ""), grounds, subject)
    reasons = [feedback(failure.code, key=key, **failure.values) for failure in failures]
    return text, "；".join(dict.fromkeys(reasons)) or None


class DigestTask(Task):
    """The digest, one sentence per claim of ``plan_digest``, each from its own items only.

    A claim whose sentence fails its check is re-asked alone with its reason; one that
    still fails keeps the template's sentence for the same items (``flow.apply_digest``).
    """

    name = "digest"
    numbered = False

    def __init__(self, *, claims: Sequence[ClaimPlan], subject: Subject, max_chars: int) -> None:
        self.kind = "digest"
        self.claims = tuple(claims)
        self.subject = subject
        self.max_chars = max_chars
        asked = [claim for claim in self.claims if claim.part != "report"]
        self.targets = {f"s{number}": claim for number, claim in enumerate(asked, 1)}
        self.max_keys = max(1, len(self.targets))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.targets)

    def render(self, keys: Sequence[str]) -> str:
        lines = load_lines("facts")
        subject = self.subject
        known = "entity" if subject.entity else "title" if subject.title else "unknown"
        opening = ""
        sentences = []
        for key in keys:
            claim = self.targets[key]
            if claim.grounds.opening:
                opening = lines[f"open_{known}"].render(key=key, who=subject.who)
            sentences.append(
                lines[claim.part].render(
                    key=key, limit=str(claim.grounds.limit), items="；".join(claim.pieces)
                )
            )
        subject_line = lines[f"subject_{known}"]
        return load_prompt("digest").render(
            subject=subject_line.render(**({"who": subject.who} if subject_line.slots else {})),
            opening=opening,
            sentences="\n".join(sentences),
        )

    def fields(self, key: str) -> tuple[FieldSpec, ...]:
        # The cap stops a grammar-constrained model from running on; the check trims.
        limit = self.targets[key].grounds.limit
        return (FieldSpec("claim", str, limit + limit // 5),)

    def check(self, key: str, value: object) -> tuple[object, str | None]:
        return check_digest_claim(key, value, self.targets[key].grounds, self.subject)

    def content(self, key: str, value: object) -> dict[str, JsonValue]:
        return {"claim": key, "part": self.targets[key].part, "text": _json(value)}
