"""Stand-in models (fakes) that answer the flow's questions from gold written by reading.

They measure a check from both sides (TESTING.md): a stand-in that answers what a strong
model would (``"gold"``: each number's hand label) must be accepted; stand-ins that answer
plausibly wrong (``"neighbour"``: the label of the next indicator of the same report;
``"other"``: a label from another report) must never leave the result below the rules.

The same modes answer the kinds of numbers (``KindsTask``): the number's gold ``kind``, the
next labelled number's, or a kind from another report.

They drive ``summary_flow`` directly (no HTTP): the questions of a report are the ones
``plan_tasks`` makes, so each key of a request is mapped to its target exactly. Questions
other than names and kinds are answered with the rules' own values (a stand-in that agrees
with the floor), so what is measured is the names and kinds alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rulelaw_llm.corpus.evaluation import gold_spans
from rulelaw_llm.llm.flow import ReportFacts, plan_tasks, summary_flow
from rulelaw_llm.llm.kind_task import KindsTask
from rulelaw_llm.llm.settings import Settings
from rulelaw_llm.llm.tasks import ItemsTask, NamesTask, Reply, Request, Task
from rulelaw_llm.reading.document import Report
from rulelaw_llm.schema import ReportSummary

Mode = Literal["gold", "neighbour", "other"]
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


class GoldStandin:
    """A fake model answering names from gold (``mode``), everything else with the floor."""

    def __init__(
        self,
        report: Report,
        gold: Mapping[str, object],
        settings: Settings,
        *,
        mode: Mode = "gold",
        other_labels: Sequence[str] = (),
        other_kinds: Sequence[str] = (),
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
            data = {key: self.facts.baseline.digest for key in request.keys}
        return Reply(data, raw=str(data))

    def _task_of(self, request: Request) -> Task | None:
        label = request.label.rsplit(":", 1)[0] if request.label.count(":") else request.label
        return self.tasks.get(label) or self.tasks.get(request.task)


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
