"""Stand-in models (fakes) that answer the flow's questions from gold written by reading.

They measure a check from both sides (TESTING.md): a stand-in that answers what a strong
model would (``"gold"``: each number's hand label) must be accepted; stand-ins that answer
plausibly wrong (``"neighbour"``: the label of the next indicator of the same report;
``"other"``: a label from another report) must never leave the result below the rules.

The same modes answer the kinds of numbers (``KindsTask``): the number's gold ``kind``, the
next labelled number's, or a kind from another report.

They drive ``summary_flow`` directly (no HTTP): the questions of a report are the ones
``plan_tasks`` makes, so each key of a request is mapped to its target exactly. Item
questions are answered with the rules' own values (a stand-in that agrees with the floor).

The digest is written by a ``DigestWriter`` from what its request lists for each sentence,
as a model reads it: ``"faithful"`` paraphrases the listed items in their own words (what a
strong model would write: it must be accepted); the wrong writers each get one thing wrong
in one sentence, the way a small model was seen to (issue 15), and must be caught:
(``"copy"`` writes the listed items in the template's frame, for measuring something else)
``"extra_part"`` adds a problems (or plans) sentence the result has no basis for,
``"swap_noun"`` puts each number beside another figure's noun, ``"foreign_number"`` cites a
number the report does not have, ``"drop_marker"`` drops 余/多/以上, ``"invent_issuer"``
opens with another body's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rulelaw_llm.corpus.evaluation import gold_spans
from rulelaw_llm.llm.flow import ReportFacts, plan_tasks, summary_flow
from rulelaw_llm.llm.kind_task import KindsTask
from rulelaw_llm.llm.settings import Settings
from rulelaw_llm.llm.tasks import ItemsTask, NamesTask, Reply, Request, Task
from rulelaw_llm.reading.document import Report
from rulelaw_llm.rules.quantities import find_quantities
from rulelaw_llm.schema import ReportSummary

Mode = Literal["gold", "neighbour", "other"]
DigestMode = Literal[
    "copy", "faithful", "extra_part", "swap_noun", "foreign_number", "drop_marker", "invent_issuer"
]
DIGEST_MODES: tuple[DigestMode, ...] = (
    "faithful",
    "extra_part",
    "swap_noun",
    "foreign_number",
    "drop_marker",
    "invent_issuer",
)
Answerer = Callable[[Request], Reply]


@dataclass
class NameLedger:
    """What a stand-in was asked and what became of its answers (for the benchmark)."""

    asked: int = 0
    answered_gold: int = 0
    """Questions answered with a gold label (numbers the gold counts)."""
    names: dict[int, str] = field(default_factory=dict)
    """Quantity index -> the name the stand-in gave."""
    kinds_asked: int = 0
    kinds: dict[int, str] = field(default_factory=dict)
    """Quantity index -> the kind the stand-in gave."""


def gold_labels(
    report: Report, gold: Mapping[str, object], quantities: Sequence[object], field: str = "what"
) -> dict[int, str]:
    """Quantity index -> the gold ``field`` (``what``, ``kind``) of the gold indicator at the
    same place."""
    indicators = [item for item in gold.get("indicators", []) or [] if isinstance(item, dict)]
    spans = gold_spans(report.text, indicators)
    labels: dict[int, str] = {}
    for index, quantity in enumerate(quantities):
        start, end = quantity.start, quantity.end  # type: ignore[attr-defined]
        for item, span in zip(indicators, spans, strict=True):
            if span is not None and span[0] < end and start < span[1] and item.get(field):
                labels[index] = str(item[field])
                break
    return labels


def _next_of(labels: Mapping[int, str]) -> dict[int, str]:
    """The neighbour of a number: the next labelled number of the report (cyclic)."""
    ordered = sorted(labels)
    return {
        index: labels[ordered[(position + 1) % len(ordered)]]
        for position, index in enumerate(ordered)
    }


@dataclass
class ClaimLedger:
    """What a digest writer wrote on its first asks, sentence by sentence (keys ``s1``…)."""

    written: list[str] = field(default_factory=list)
    """The keys it answered."""
    wrong: dict[str, str] = field(default_factory=dict)
    """Key -> the wrong thing it put in that sentence."""
    markers: dict[str, list[str]] = field(default_factory=dict)
    """Key -> the figures (with 余/多/以上) it wrote without their marker (drop_marker)."""


_SENTENCE = re.compile(r"^(s\d+)（(.+?)，不超过(\d+)字）：(.+)$", re.MULTILINE)
_OPENING = re.compile(r"(s\d+)以“(.+?)”开头")
_MARKER = re.compile(r"^[近约超逾]|[余多]|以上$|左右$")
#: A problems sentence and a plans sentence no result gave (the issue's 1.5B model wrote these).
_INVENTED = {
    "problems": "但仍存在部分干部法治意识不强、普法形式单一等不足。",
    "plans": "下一步将继续深化法治建设，提升依法行政水平。",
}


#: How the copying writer frames each sentence (the template's own frame).
_COPY = {
    "主要举措": ("主要举措包括", "；"),
    "关键数字": ("主要数据：", "，"),
    "存在的问题": ("存在问题：", "；"),
    "下一年度的工作": ("下一步将", "；"),
}


def _noun_first(item: str) -> str:
    """召开4次专题会议 → 召开专题会议4次: a short noun after a number moved before it."""
    quantities = find_quantities(item)
    if len(quantities) != 1:
        return item
    quantity = quantities[0]
    after = item[quantity.end :]
    if not 2 <= len(after) <= 8 or not re.fullmatch(r"[\u4e00-\u9fff]+", after):
        return item
    return item[: quantity.start] + after + quantity.raw


def _clauses(item: str) -> list[str]:
    return [piece for piece in re.split(r"[，,]", item) if piece]


class DigestWriter:
    """A fake model writing the digest's sentences from its request (see the module docstring)."""

    def __init__(self, mode: DigestMode = "faithful", *, report_text: str = "") -> None:
        self.mode = mode
        self.report_text = report_text
        self.ledger = ClaimLedger()

    def __call__(self, request: Request) -> dict[str, object]:
        prompt = request.user.split("上一次的回答中", 1)[0]
        opening = _OPENING.search(prompt)
        sentences = {
            key: (part, items.split("；")) for key, part, _, items in _SENTENCE.findall(prompt)
        }
        has = {part for part, _ in sentences.values()}
        answer: dict[str, object] = {}
        wrong_done = any(self.ledger.wrong) or request.reask
        for key in request.keys:
            part, items = sentences[key]
            who = opening.group(2) if opening and opening.group(1) == key else ""
            text = self._faithful(part, items, who)
            if not request.reask:
                self.ledger.written.append(key)
            if self.mode not in ("faithful", "copy") and not wrong_done:
                altered = self._wrong(key, part, items, who, text, has)
                if altered is not None:
                    text = altered
                    wrong_done = True
            elif request.reask and key in self.ledger.wrong:
                text = self._wrong(key, part, items, who, text, has, again=True) or text
            answer[key] = text
        return answer

    # ------------------------------------------------------------------ faithful

    def _faithful(self, part: str, items: Sequence[str], who: str) -> str:
        """The listed items in their own words, reordered and joined the way a summary reads."""
        if self.mode == "copy":
            lead, joiner = _COPY[part]
            return f"{who}{'：' if who else ''}{lead}{joiner.join(items)}。"
        if part == "主要举措":
            # Each item's clauses in reverse order: 提高站位，拥护领导 → 拥护领导、提高站位.
            phrases = ["、".join(reversed(_clauses(item))) for item in items]
            body = "，".join(phrases[:-1]) + (
                f"，并{phrases[-1]}" if len(phrases) > 1 else phrases[-1]
            )
            return f"{who}{'，' if who else ''}{body}。"
        if part == "关键数字":
            return f"{who}{'，' if who else ''}全年{'；'.join(_noun_first(item) for item in reversed(items))}。"
        if part == "存在的问题":
            return f"{who}{'，' if who else ''}当前仍存在{'、'.join(items)}等方面的不足。"
        return f"{who}{'，' if who else ''}下一步将{'，'.join(items)}。"

    # ------------------------------------------------------------------ wrong

    def _wrong(
        self,
        key: str,
        part: str,
        items: Sequence[str],
        who: str,
        text: str,
        has: set[str],
        *,
        again: bool = False,
    ) -> str | None:
        mode = self.mode
        altered: str | None = None
        what = ""
        if mode == "extra_part" and part != "存在的问题" and part != "下一年度的工作":
            extra = (
                "problems"
                if "存在的问题" not in has
                else "plans"
                if "下一年度的工作" not in has
                else "problems"
            )
            altered, what = text + _INVENTED[extra], _INVENTED[extra]
        elif mode == "swap_noun" and part == "关键数字":
            altered, what = self._swapped(items, who)
        elif mode == "foreign_number" and part == "关键数字":
            altered, what = self._foreign(text)
        elif mode == "drop_marker":
            dropped = []
            altered = text
            for quantity in reversed(find_quantities(text)):
                bare = _MARKER.sub("", quantity.raw)
                if quantity.approx and bare != quantity.raw:
                    dropped.append(quantity.raw)
                    altered = altered[: quantity.start] + bare + altered[quantity.end :]
            if dropped:
                self.ledger.markers[key] = dropped
                what = "、".join(dropped)
            else:
                altered = None
        elif mode == "invent_issuer" and who:
            year = re.search(r"20\d{2}年", who)
            invented = f"某某县司法局{year.group(0) if year else ''}"
            altered, what = text.replace(who, invented, 1), invented
        if altered is None or altered == text:
            return None
        if not again:
            self.ledger.wrong[key] = what
        return altered

    def _swapped(self, items: Sequence[str], who: str) -> tuple[str | None, str]:
        """Each listed figure's number moved beside the next figure's noun (cyclic)."""
        found = [(item, find_quantities(item)) for item in items]
        figures = [(item, quantities[0]) for item, quantities in found if quantities]
        if len(figures) < 2:
            if not figures:
                return None, ""
            _, quantity = figures[0]
            swapped = [f"办理法律援助案件{quantity.raw}"]
        else:
            swapped = []
            for position, (_item, quantity) in enumerate(figures):
                other, other_quantity = figures[(position + 1) % len(figures)]
                if other_quantity.raw == quantity.raw:
                    continue
                swapped.append(
                    other[: other_quantity.start] + quantity.raw + other[other_quantity.end :]
                )
            if not swapped:
                return None, ""
        return f"{who}{'，' if who else ''}全年{'；'.join(swapped)}。", "；".join(swapped)

    def _foreign(self, text: str) -> tuple[str | None, str]:
        """The first figure's number changed to one the report does not have."""
        quantities = find_quantities(text)
        if not quantities:
            return None, ""
        quantity = quantities[0]
        known = {q.value for q in find_quantities(self.report_text)}
        value = int(quantity.value) * 10 + 7
        while value in known:
            value += 10
        number = re.search(r"[\d.]+|[一二两三四五六七八九十百千万]+", quantity.raw)
        if number is None:
            return None, ""
        raw = quantity.raw[: number.start()] + str(value) + quantity.raw[number.end() :]
        return text[: quantity.start] + raw + text[quantity.end :], raw


class GoldStandin:
    """A fake model answering names from gold (``mode``), items with the floor, the digest
    with a ``DigestWriter`` (``digest``)."""

    def __init__(
        self,
        report: Report,
        gold: Mapping[str, object],
        settings: Settings,
        *,
        mode: Mode = "gold",
        other_labels: Sequence[str] = (),
        other_kinds: Sequence[str] = (),
        digest: DigestMode = "faithful",
    ) -> None:
        self.facts = ReportFacts.of(report, settings)
        scope = "all" if settings.scope == "all" else "unsure"
        self.tasks: dict[str, Task] = {}
        for task in plan_tasks(self.facts, settings, scope):
            label = task.name if not isinstance(task, ItemsTask) else f"items:{task.part}"
            self.tasks[label] = task
        self.labels = gold_labels(report, gold, self.facts.quantities)
        self.mode = mode
        self.other_labels = list(other_labels)
        self.ledger = NameLedger()
        self.digest = DigestWriter(digest, report_text=report.text)
        self._neighbour = _next_of(self.labels)
        self.kinds = gold_labels(report, gold, self.facts.quantities, "kind")
        self.other_kinds = list(other_kinds)
        self._neighbour_kind = _next_of(self.kinds)

    def _name(self, index: int) -> str:
        floor = self.facts.baseline.indicators[index].name
        if self.mode == "gold":
            return self.labels.get(index, floor)
        if self.mode == "neighbour":
            if len(self._neighbour) > 1 and index in self._neighbour:
                return self._neighbour[index]
            return self.other_labels[index % len(self.other_labels)] if self.other_labels else floor
        return self.other_labels[index % len(self.other_labels)] if self.other_labels else floor

    def _kind(self, index: int) -> str:
        floor = self.facts.baseline.indicators[index].kind
        if self.mode == "gold":
            return self.kinds.get(index, floor)
        if self.mode == "neighbour" and len(self._neighbour_kind) > 1:
            return self._neighbour_kind.get(index, floor)
        return self.other_kinds[index % len(self.other_kinds)] if self.other_kinds else floor

    def __call__(self, request: Request) -> Reply:
        task = self._task_of(request)
        data: dict[str, object] = {}
        if isinstance(task, NamesTask):
            for key in request.keys:
                index = task.targets[key].index
                name = self._name(index)
                if not request.reask:
                    self.ledger.asked += 1
                    self.ledger.answered_gold += index in self.labels
                self.ledger.names[index] = name
                data[key] = name
        elif isinstance(task, KindsTask):
            for key in request.keys:
                index = task.targets[key].index
                self.ledger.kinds_asked += not request.reask
                self.ledger.kinds[index] = data[key] = self._kind(index)
        elif isinstance(task, ItemsTask):
            floor = {
                "achievements": self.facts.baseline.achievements,
                "problems": self.facts.baseline.problems,
                "plans": self.facts.baseline.plans,
            }[task.part]
            for key in request.keys:
                target = task.targets[key]
                item = floor[target.index]
                answer: dict[str, object] = {}
                for name in target.asked:
                    answer[name] = None if name == "cause" else getattr(item, name)
                data[key] = answer
        else:
            data = self.digest(request)
        return Reply(data, raw=str(data))

    def _task_of(self, request: Request) -> Task | None:
        """The planned task that made ``request`` (its rendering opens the request)."""
        for task in self.tasks.values():
            if (
                task.name == request.task
                and set(request.keys) <= set(task.keys)
                and request.user.startswith(task.render(request.keys))
            ):
                return task
        return None


def run_flow(report: Report, settings: Settings, answerer: Answerer) -> ReportSummary:
    """Drive ``summary_flow`` for ``report`` with ``answerer`` standing in for the model."""
    flow = summary_flow(report, settings)
    try:
        requests = next(flow)
        while True:
            requests = flow.send([answerer(request) for request in requests])
    except StopIteration as stop:
        summary: ReportSummary = stop.value.summary
        return summary
