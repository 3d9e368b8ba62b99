"""The sans-I/O flow of the LLM backend: what to ask, when to re-ask, when to stop.

``run_task`` is the one driver: a generator that yields a ``Request`` and receives its
``Reply`` (``reply = yield request``, as httpx's auth flows do). It runs any task:

- it asks for at most ``task.max_keys`` keys at a time;
- it checks each answered key with the task's own check and keeps every accepted key;
- it re-asks only the failing keys, with their reasons, within the per-request limit
  (``Settings.reasks``) and the per-report budget (``Settings.reask_budget``);
- it stops at once when a re-ask's answer repeats the previous answer in the failing keys
  (measured on the local 1.5B model: 37 of 44 re-asks did exactly that);
- on a truncated answer it raises the token limit once, then asks for half of the keys.

``summary_flow`` runs a report: the rules floor first (quantities computed once), then a
plan that asks only where the floor is unsure (``scope="unsure"``; ``scope="all"`` asks
everything), the tasks in lockstep (each round a list of requests that may be sent
concurrently), the accepted answers applied, and the digest last. An identical request is
never sent twice in one report: its earlier reply is reused.

The sync and async summarizers only send what these generators yield. Nothing here does
I/O or imports openai/instructor.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from rulelaw_llm.categories import CategoryKey, classify
from rulelaw_llm.llm.kind_task import KindsTask, apply_kinds
from rulelaw_llm.llm.plan import (
    _PARTS,
    ReportFacts,
    Scope,
    _floor_items,
    category_choices,
    category_doubt,
    name_doubts,
    plan_tasks,
)
from rulelaw_llm.llm.settings import Settings
from rulelaw_llm.llm.tasks import (
    DigestTask,
    ItemAnswer,
    ItemsTask,
    NamesTask,
    PartKind,
    Reply,
    Request,
    Task,
    feedback,
)
from rulelaw_llm.reading.document import Report
from rulelaw_llm.rules.digest import assemble_digest, plan_digest_of
from rulelaw_llm.schema import (
    Achievement,
    Coverage,
    Evidence,
    Plan,
    Problem,
    Question,
    QuestionField,
    QuestionOutcome,
    QuestionTarget,
    Rejected,
    ReportSummary,
)

__all__ = [
    "FlowResult",
    "ReportFacts",
    "ReaskRecord",
    "RunState",
    "Scope",
    "TaskOutcome",
    "category_choices",
    "category_doubt",
    "name_doubts",
    "plan_tasks",
    "run_task",
    "run_together",
    "summary_flow",
]

Verdict = Literal["ok", "invalid", "truncated"]
Result = TypeVar("Result")

# --------------------------------------------------------------------------- the driver


@dataclass(slots=True)
class ReaskRecord:
    """Whether the model's re-asks make progress, across every report a summarizer serves.

    After ``limit`` re-asks in a row that got no failing key accepted, no more re-asks are
    sent (``limit`` 0: never stop). A re-ask that gets any key accepted resets the count.
    """

    limit: int
    in_a_row: int = 0
    stopped: bool = False

    def note(self, *, progress: bool) -> None:
        self.in_a_row = 0 if progress else self.in_a_row + 1
        if self.limit and self.in_a_row >= self.limit:
            self.stopped = True


@dataclass(slots=True)
class RunState:
    """What the requests of one report (or one run of tasks) share: ids, budget, counts."""

    reask_budget: int
    next_id: int = 0
    reasks: int = 0
    reasks_without_progress: int = 0
    """Re-asks whose answer accepted no key that had failed before."""
    repeated_answers: int = 0
    """Re-asks whose answer repeated the previous one in the failing keys (then stopped)."""
    reused: int = 0
    """Requests identical to an earlier one, answered from it instead of being sent."""
    reasks_skipped: int = 0
    """Re-asks not sent because the model's re-asks of this run had stopped making progress."""
    record: ReaskRecord | None = None
    """The summarizer's record of re-asks across reports (``None``: this run alone)."""
    verdicts: dict[int, Verdict] = field(default_factory=dict)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


@dataclass(slots=True)
class TaskOutcome:
    """What a task ended with: accepted values per key, and what was rejected and why."""

    task: Task
    accepted: dict[str, object] = field(default_factory=dict)
    rejected: dict[str, Rejected] = field(default_factory=dict)
    failed_requests: list[str] = field(default_factory=list)
    """Labels of requests that got nothing usable at all."""


def _chunks(keys: Sequence[str], size: int) -> list[tuple[str, ...]]:
    size = max(1, size)
    return [tuple(keys[start : start + size]) for start in range(0, len(keys), size)]


def run_task(
    task: Task, settings: Settings, state: RunState
) -> Generator[Request, Reply, TaskOutcome]:
    """Ask everything ``task`` holds; return what was accepted and what was rejected."""
    outcome = TaskOutcome(task)
    for number, keys in enumerate(_chunks(task.keys, task.max_keys), 1):
        numbered = task.numbered and len(task.keys) > 1
        label = f"{_label(task)}:{number}" if numbered else task.name
        yield from _ask(task, keys, label, settings, state, outcome)
    return outcome


def _label(task: Task) -> str:
    part = getattr(task, "part", None)
    return f"{task.name}:{part}" if part else task.name


def _ask(
    task: Task,
    keys: tuple[str, ...],
    label: str,
    settings: Settings,
    state: RunState,
    outcome: TaskOutcome,
    max_tokens: int | None = None,
) -> Generator[Request, Reply, None]:
    pending = keys
    failures: dict[str, str] = {}
    previous: dict[str, object] = {}
    previous_raw: str | None = None
    max_tokens = max_tokens or settings.max_tokens
    reasks = 0
    while pending:
        request = Request(
            id=state.new_id(),
            task=task.name,
            label=label,
            keys=pending,
            system=task.system,
            user=task.user_message(pending, failures),
            response_model=task.model_for(pending),
            max_tokens=max_tokens,
            reask=bool(failures),
        )
        reply = yield request
        if reply.truncated:
            state.verdicts[request.id] = "truncated"
            if max_tokens < settings.max_tokens_ceiling:
                max_tokens = min(max_tokens * 2, settings.max_tokens_ceiling)
                continue
            if len(pending) > 1:
                half = len(pending) // 2
                for keys_half, suffix in ((pending[:half], "a"), (pending[half:], "b")):
                    yield from _ask(
                        task, keys_half, label + suffix, settings, state, outcome, max_tokens
                    )
                return
            _reject(outcome, task, pending, {}, {key: feedback("truncated") for key in pending})
            outcome.failed_requests.append(label)
            return
        answers: dict[str, object] = {}
        new_failures: dict[str, str] = {}
        if reply.data is None:
            detail = (reply.raw or "（空）")[:60]
            new_failures = {key: feedback("unreadable", detail=detail) for key in pending}
        else:
            for key in pending:
                if key not in reply.data:
                    new_failures[key] = feedback("missing", key=key)
                    continue
                answers[key] = reply.data[key]
                value, failure = task.check(key, answers[key])
                if failure is None:
                    outcome.accepted[key] = value
                else:
                    new_failures[key] = failure
        state.verdicts[request.id] = "invalid" if new_failures else "ok"
        if request.reask and len(new_failures) == len(pending):
            state.reasks_without_progress += 1
        if request.reask and state.record is not None:
            state.record.note(progress=len(new_failures) < len(pending))
        if not new_failures:
            return
        repeated = request.reask and (
            reply.raw == previous_raw
            or all(key in previous and answers.get(key) == previous[key] for key in new_failures)
        )
        if repeated:
            state.repeated_answers += 1
        limited = repeated or reasks >= settings.reasks or state.reask_budget <= 0
        # Otherwise allowed, but this model's re-asks have stopped making progress.
        stopped = not limited and state.record is not None and state.record.stopped
        state.reasks_skipped += stopped
        if limited or stopped:
            if reply.data is None and not outcome.accepted:
                outcome.failed_requests.append(label)
            _reject(outcome, task, tuple(new_failures), answers, new_failures, raw=reply.raw)
            return
        state.reask_budget -= 1
        state.reasks += 1
        reasks += 1
        previous = answers
        previous_raw = reply.raw
        failures = new_failures
        pending = tuple(key for key in pending if key in new_failures)


def _reject(
    outcome: TaskOutcome,
    task: Task,
    keys: Sequence[str],
    answers: dict[str, object],
    failures: dict[str, str],
    raw: str | None = None,
) -> None:
    for key in keys:
        if key in answers:
            content = task.content(key, answers[key])
        else:
            content = {"key": key, "raw": (raw or "")[:2000]}
        outcome.rejected[key] = Rejected(kind=task.kind, content=content, reason=failures[key])


def run_together(
    flows: Sequence[Generator[Request, Reply, Result]], state: RunState
) -> Generator[list[Request], list[Reply], list[Result]]:
    """Run several flows in lockstep: each round yields every flow's next request.

    A request identical to one already answered in this run is not yielded: the earlier
    reply is given again (so no identical request is ever sent twice).
    """
    results: dict[int, Result] = {}
    current: dict[int, Request] = {}
    answered: dict[tuple[str, str, type[object], int], Reply] = {}
    waiting: dict[tuple[str, str, type[object], int], list[int]] = {}

    def identity(request: Request) -> tuple[str, str, type[object], int]:
        return (request.system, request.user, request.response_model, request.max_tokens)

    def advance(index: int, reply: Reply | None) -> None:
        flow = flows[index]
        while True:
            try:
                request = next(flow) if reply is None else flow.send(reply)
            except StopIteration as stop:
                results[index] = stop.value
                current.pop(index, None)
                return
            key = identity(request)
            if key in answered:
                state.reused += 1
                reply = answered[key]
                continue
            current.pop(index, None)
            if any(identity(other) == key for other in current.values()):
                # The same question is already in this round: wait for its reply.
                waiting.setdefault(key, []).append(index)
                return
            current[index] = request
            return

    for index in range(len(flows)):
        advance(index, None)
    while current:
        order = list(current)
        batch = [current[index] for index in order]
        replies = yield batch
        for index, request, reply in zip(order, batch, replies, strict=True):
            key = identity(request)
            answered[key] = reply
            advance(index, reply)
            for waiter in waiting.pop(key, []):
                state.reused += 1
                advance(waiter, reply)
    return [results[index] for index in range(len(flows))]


# --------------------------------------------------------------------------- applying


def _question(
    target: QuestionTarget,
    index: int,
    field_name: QuestionField,
    reason: str,
    outcome: QuestionOutcome,
) -> Question:
    return Question(
        target=target,
        index=index,
        field=field_name,
        reason=reason,
        outcome=outcome,
    )


def assemble(facts: ReportFacts, outcomes: Sequence[TaskOutcome]) -> ReportSummary:
    """The rules floor with every accepted answer applied (the digest comes later).

    Numbers, units, spans and sections always stay the floor's; names, summaries and
    categories change only where they were asked and the answer passed its checks.
    """
    report = facts.report
    baseline = facts.baseline
    indicators = list(baseline.indicators)
    parts: dict[PartKind, list[Achievement | Problem | Plan]] = {
        part: list(_floor_items(baseline, part)) for part in _PARTS
    }
    questions: list[Question] = []
    rejected = list(baseline.rejected)
    warnings = list(baseline.warnings)
    named: set[int] = set()
    asked_names: set[int] = set()
    new_categories: dict[tuple[int, int], CategoryKey] = {}
    for outcome in outcomes:
        task = outcome.task
        rejected.extend(outcome.rejected.values())
        for label in outcome.failed_requests:
            warnings.append(f"请求 {label} 未得到可用的回答，相关条目保留规则结果。")
        if isinstance(task, NamesTask):
            for key, target in task.targets.items():
                asked_names.add(target.index)
                status: QuestionOutcome = (
                    "accepted"
                    if key in outcome.accepted
                    else "rejected"
                    if key in outcome.rejected
                    else "unanswered"
                )
                questions.append(
                    _question("indicator", target.index, "name", "；".join(target.reasons), status)
                )
                if key in outcome.accepted:
                    named.add(target.index)
                    indicators[target.index] = indicators[target.index].model_copy(
                        update={"name": str(outcome.accepted[key]), "origin": "model"}
                    )
        elif isinstance(task, KindsTask):
            questions += apply_kinds(task, outcome, indicators)
        elif isinstance(task, ItemsTask):
            results = parts[task.part]
            items = facts.items[task.part]
            for key, item_target in task.targets.items():
                answer = outcome.accepted.get(key)
                for name in item_target.asked:
                    item_status: QuestionOutcome = (
                        "accepted" if isinstance(answer, ItemAnswer) else "rejected"
                    )
                    questions.append(
                        _question(
                            task.kind,
                            item_target.index,
                            name,
                            item_target.reasons[name],
                            item_status,
                        )
                    )
                if not isinstance(answer, ItemAnswer):
                    continue
                update: dict[str, object] = {}
                if answer.summary is not None:
                    update["summary"] = answer.summary
                if answer.category is not None:
                    update["category"] = answer.category
                    item = items[item_target.index]
                    new_categories[(item.start, item.end)] = answer.category
                if answer.cause_asked:
                    located = answer.cause
                    if located is None:
                        update["cause"] = None
                        update["cause_evidence"] = None
                    else:
                        quote = report.text[located.start : located.end]
                        update["cause"] = quote
                        update["cause_evidence"] = Evidence(
                            quote=quote, start=located.start, end=located.end, match=located.match
                        )
                results[item_target.index] = results[item_target.index].model_copy(update=update)
    # An indicator whose clause has no category keyword takes its item's category: when
    # the model re-judged that item's category, the indicator follows.
    for index, quantity in enumerate(facts.quantities):
        indicator = indicators[index]
        if classify(indicator.evidence.quote) != "other":
            continue
        for (start, end), category in new_categories.items():
            if start <= quantity.start < end:
                indicators[index] = indicator.model_copy(update={"category": category})
    unresolved = [
        facts.quantities[index].raw for index in sorted(asked_names) if index not in named
    ]
    if unresolved:
        warnings.append(
            f"{len(unresolved)} 个数字未得到模型的统计对象，保留规则给出的名称："
            f"{'、'.join(unresolved[:10])}"
        )
    if len(rejected) > len(baseline.rejected):
        warnings.append(
            f"{len(rejected) - len(baseline.rejected)} 项模型输出未通过校验，见 rejected。"
        )
    candidates = len(facts.candidates)
    return baseline.model_copy(
        update={
            "achievements": parts["achievements"],
            "indicators": indicators,
            "problems": parts["problems"],
            "plans": parts["plans"],
            "rejected": rejected,
            "warnings": warnings,
            "coverage": Coverage(
                candidates=candidates,
                indicators=candidates,
                asked=len(asked_names),
                named_by_model=len(named),
                unresolved=len(unresolved),
                questions=questions,
            ),
        }
    )


# --------------------------------------------------------------------------- the digest


def digest_task(facts: ReportFacts, summary: ReportSummary, settings: Settings) -> DigestTask:
    """The digest request, built from the checked result: one sentence per claim.

    The claims are the template's (``plan_digest``): the same items for each sentence, so
    that a sentence the model gets wrong can be replaced by the template's for those items.
    Only the parts the result has are asked for.
    """
    claims, subject = plan_digest_of(
        summary, max_chars=settings.digest_chars, text=facts.report.text
    )
    return DigestTask(claims=claims, subject=subject, max_chars=settings.digest_chars)


def apply_digest(summary: ReportSummary, outcome: TaskOutcome, settings: Settings) -> ReportSummary:
    """Set the digest: each claim the model's where it passed, else the template's (the floor).

    Every claim keeps its sources; a rejected sentence is in ``rejected`` with its reason.
    """
    task = outcome.task
    if not isinstance(task, DigestTask):
        raise TypeError("apply_digest needs the outcome of a DigestTask")
    warnings = list(summary.warnings)
    rejected = [*summary.rejected, *outcome.rejected.values()]
    questions = list(summary.coverage.questions) if summary.coverage else []
    keys = {id(claim): key for key, claim in task.targets.items()}
    texts: list[str] = []
    origins: list[Literal["template", "model"]] = []
    for claim in task.claims:
        key = keys.get(id(claim))
        answer = outcome.accepted.get(key) if key else None
        if key is not None:
            status: QuestionOutcome = (
                "accepted"
                if isinstance(answer, str)
                else "rejected"
                if key in outcome.rejected
                else "unanswered"
            )
            questions.append(
                _question("digest", len(texts), "digest", "摘要逐句由模型撰写", status)
            )
        if isinstance(answer, str) and answer:
            texts.append(answer)
            origins.append("model")
        else:
            texts.append(claim.text)
            origins.append("template")
    asked = len(task.targets)
    kept = origins.count("model")
    if asked and not kept:
        warnings.append("模型摘要未通过校验，已改用模板摘要。")
    elif kept < asked:
        warnings.append(
            f"摘要中 {asked - kept} 句未通过校验，已换成模板摘要中同一内容的句子（见 rejected）。"
        )
    digest, claims = assemble_digest(task.claims, texts, origins)
    coverage = (
        summary.coverage.model_copy(update={"questions": questions}) if summary.coverage else None
    )
    return summary.model_copy(
        update={
            "digest": digest,
            "digest_claims": claims,
            "warnings": warnings,
            "rejected": rejected,
            "coverage": coverage,
        }
    )


# --------------------------------------------------------------------------- a report


@dataclass(frozen=True, slots=True)
class FlowResult:
    """A report's result (without provenance) and how its requests went."""

    summary: ReportSummary
    state: RunState


def summary_flow(
    report: Report, settings: Settings, record: ReaskRecord | None = None
) -> Generator[list[Request], list[Reply], FlowResult]:
    """Summarize one report: yields rounds of requests, receives their replies in order.

    ``settings.scope`` chooses what is asked (``None`` counts as ``unsure``). ``record``
    carries the model's re-ask progress across the reports of one summarizer.
    """
    scope: Scope = "all" if settings.scope == "all" else "unsure"
    facts = ReportFacts.of(report, settings)
    state = RunState(reask_budget=settings.reask_budget, record=record)
    tasks = plan_tasks(facts, settings, scope)
    outcomes = yield from run_together([run_task(task, settings, state) for task in tasks], state)
    summary = assemble(facts, outcomes)
    digest = digest_task(facts, summary, settings)
    (digest_outcome,) = yield from run_together([run_task(digest, settings, state)], state)
    summary = apply_digest(summary, digest_outcome, settings)
    return FlowResult(summary, state)
