"""``batch --batch-api``: every round of every pending report's flow as one provider batch job.

A report's flow (``rulelaw_llm.llm.flow.summary_flow``) is a sans-I/O generator: it yields a
round of requests and receives their replies. Online, each round goes out as HTTP requests.
Here the rounds of all pending reports go out together, as one batch job per round (more
than one when a round is over the provider's per-file limits): round 1 holds every report's
first asks, round 2 their re-asks (and the digests of reports with nothing to re-ask),
and so on. Replies come from the job's output file and are read and checked exactly as
online answers are, by the same flow; finished reports are written to the results file at
once. A request is named by its ``custom_id``: ``r{report}-q{request}-{task}-{round}-{hash}``
(the hash is of the request body, so a request is never taken for another).

The run's state is kept beside the results file (``结果.jsonl.batch-api.json``): the reports
of the run, for each round the jobs (input file, file id, job id, status) and every answer
downloaded, and the re-ask record at the start of the round. Everything is written down
before the next step is taken, so a run killed at any point resumes: its flows are replayed
from the stored answers (no request), a job already submitted is polled again, a file
uploaded or a job created just before the kill is found on the provider by its name or its
input file — nothing is submitted twice. A request that failed or expired is sent again in
the next round, at most ``reask_budget`` times per report; a parameter the provider refuses
is downgraded as online (``fallback``) and the request sent again.

The model's re-ask record (``Settings.reask_stop``) is kept per round here: the re-asks of
one round are judged together at its end, so that each report's flow depends only on its own
answers and on the record stored for each round, and can be replayed alone.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rulelaw_llm.errors import ProviderError, RulelawError
from rulelaw_llm.llm.flow import FlowResult, ReaskRecord, summary_flow
from rulelaw_llm.llm.tasks import Reply, Request
from rulelaw_llm.reading.document import Report
from rulelaw_llm.results import BatchRecord
from rulelaw_llm.schema import ReportSummary

if TYPE_CHECKING:
    from rulelaw_llm.llm.batch_jobs import BatchEndpoint, Job, LineResult
    from rulelaw_llm.llm.summarizer import _Ledger

__all__ = ["BatchApiOptions", "BatchProgress", "STATE_SUFFIX", "state_path"]

logger = logging.getLogger("rulelaw_llm.corpus.batch_api")

#: The run's state is kept in ``<results file><STATE_SUFFIX>``.
STATE_SUFFIX = ".batch-api.json"
_VERSION = 1


class _Stats(Protocol):
    stop_reason: str | None
    interrupted: bool

    @property
    def finished(self) -> int: ...


class Runner(Protocol):
    """What a batch-API run needs of the batch runner that drives it (``BatchRunner``)."""

    output: Path
    key: str
    _stop: asyncio.Event

    @property
    def stats(self) -> _Stats: ...

    def stop(self) -> None: ...

    def _warn(self, kind: str, message: str) -> None: ...

    def _result(
        self, path: Path, digest: str | None, attempts: int, summary: ReportSummary
    ) -> BatchRecord: ...

    def _error(
        self, path: Path, digest: str | None, error: BaseException, attempts: int
    ) -> BatchRecord: ...


def state_path(output: Path) -> Path:
    """Where the batch-API state of the results file ``output`` is kept."""
    return output.with_name(output.name + STATE_SUFFIX)


@dataclass(frozen=True, slots=True)
class BatchProgress:
    """Where a batch-API run stands, for a progress display."""

    round: int
    jobs: int
    """Jobs of this run so far (submitted or resumed)."""
    jobs_done: int
    """Jobs of this run whose results are read."""
    requests: int
    """Requests in this round's jobs."""
    requests_done: int
    remaining_seconds: float | None
    """The estimated time left for this round's jobs (``None``: not yet known)."""
    reports: int
    reports_done: int


@dataclass(slots=True, kw_only=True)
class BatchApiOptions:
    """How a batch-API run waits: poll interval, and the clock and sleep it uses.

    ``sleep`` and ``clock`` are there for simulations (the benchmark runs a virtual clock).
    """

    poll_seconds: float = 30.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic
    on_progress: Callable[[BatchProgress], None] | None = None


@dataclass(slots=True)
class _RoundRecord(ReaskRecord):
    """The re-ask record, judged once per round (see the module docstring)."""

    notes: list[bool] = field(default_factory=list)

    def note(self, *, progress: bool) -> None:
        self.notes.append(progress)

    def close_round(self) -> None:
        for progress in self.notes:
            ReaskRecord.note(self, progress=progress)
        self.notes.clear()

    def snapshot(self) -> dict[str, object]:
        return {"in_a_row": self.in_a_row, "stopped": self.stopped}

    def restore(self, snapshot: dict[str, Any]) -> None:
        self.in_a_row = int(snapshot.get("in_a_row", 0))
        self.stopped = bool(snapshot.get("stopped", False))
        self.notes.clear()


@dataclass(slots=True)
class Unit:
    """One report of the run and where its flow stands."""

    name: Path
    """The input as recorded (resolved path, or ``FILE#N``)."""
    digest: str | None
    attempts: int
    report: Report
    cache_key: str = ""
    """The result cache's key for the report (computed before the run, as online)."""
    position: int | None = None
    """The input's place in the run's order (kept on its record, as online)."""
    index: int = -1
    joined: int = 0
    flow: Generator[list[Request], list[Reply], FlowResult] | None = None
    ledger: _Ledger | None = None
    started: float = 0.0
    pending: list[Request] = field(default_factory=list)
    held: dict[int, Reply] = field(default_factory=dict)
    resubmits: int = 0
    finished: bool = False


def _hash(body: dict[str, Any]) -> str:
    blob = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:8]


def _task(request: Request) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", request.task).strip("-") or "task"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class _State:
    """The JSON file beside the results file; every change is written at once (atomically)."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    @classmethod
    def open(cls, path: Path, key: str, warn: Callable[[str, str], None]) -> _State:
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if (
                isinstance(data, dict)
                and data.get("version") == _VERSION
                and data.get("settings_key") == key
            ):
                return cls(path, data)
            stale = path.with_name(path.name + ".old")
            os.replace(path, stale)
            warn(
                "batch-api",
                f"{path} 是另一组设置（或已损坏）的批量任务记录，已改名为 {stale.name}，本次不使用；"
                "其中的任务如仍在服务商处运行，可在服务商控制台查看或取消。",
            )
        data = {
            "version": _VERSION,
            "settings_key": key,
            "run": secrets.token_hex(4),
            "created_at": _now(),
            "reports": [],
            "rounds": [],
        }
        return cls(path, data)

    def save(self) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)

    def round(self, number: int, record: _RoundRecord) -> dict[str, Any]:
        rounds: list[dict[str, Any]] = self.data["rounds"]
        while len(rounds) < number:
            rounds.append({"record": record.snapshot(), "jobs": [], "answers": {}})
        return rounds[number - 1]

    def resume_round(self) -> int:
        """The first round not fully answered (where reports new to the run join)."""
        for number, stored in enumerate(self.data["rounds"], start=1):
            if not stored.get("complete"):
                return number
        return len(self.data["rounds"]) + 1


class BatchApiRun:
    """One batch-API run over ``units`` for ``runner`` (see the module docstring)."""

    def __init__(self, runner: Runner, endpoint: BatchEndpoint, options: BatchApiOptions) -> None:
        self.runner = runner
        self.endpoint = endpoint
        self.options = options
        self.settings = endpoint.settings
        self.record = _RoundRecord(limit=self.settings.reask_stop)
        self.jobs = 0
        self.jobs_done = 0
        self.requests_sent = 0
        self.rounds = 0

    # ------------------------------------------------------------------ the loop

    async def run(self, units: list[Unit]) -> AsyncIterator[BatchRecord]:
        """Drive every unit's flow through rounds of batch jobs; yield each finished record."""
        stats = self.runner.stats
        state = _State.open(state_path(self.runner.output), self.runner.key, self.runner._warn)
        self._join(state, units)
        state.save()
        number = 0
        while not all(unit.finished for unit in units):
            number += 1
            stored = state.round(number, self.record)
            self.record.restore(stored["record"])
            for unit in units:
                if unit.joined == number and not unit.finished:
                    for record in self._start(unit):
                        yield record
            active = [unit for unit in units if not unit.finished and unit.joined <= number]
            requests = [
                (unit, request)
                for unit in active
                for request in unit.pending
                if request.id not in unit.held
            ]
            if not requests:
                if any(not unit.finished and unit.joined > number for unit in units):
                    continue
                break
            self.rounds = number
            answers = await self._answers(state, number, requests, len(units))
            if answers is None:  # stopped: interrupted, or the provider refused the job
                state.save()
                if stats.stop_reason is None:  # interrupted: the jobs go on without us
                    self.runner._warn(
                        "batch-api",
                        f"已提交的批量任务仍在服务商处运行，进度记录在 {state.path}："
                        "重新运行同一命令会继续等待这些任务，不会重复提交。",
                    )
                return
            for unit in active:
                for record in self._apply(unit, answers):
                    yield record
            self.record.close_round()
            stored["complete"] = True
            state.round(number + 1, self.record)  # keeps the record stored by an earlier run
            state.save()
        state.path.unlink(missing_ok=True)

    def _join(self, state: _State, units: list[Unit]) -> None:
        """Give every unit its place in the run: its old one when resumed, else a new one."""
        known = {
            (entry["name"], entry["sha256"]): (position, entry)
            for position, entry in enumerate(state.data["reports"])
        }
        joining = state.resume_round()
        for unit in units:
            found = known.get((str(unit.name), unit.digest))
            if found is not None:
                unit.index, entry = found
                unit.joined = int(entry["joined"])
            else:
                unit.index = len(state.data["reports"])
                unit.joined = joining
                state.data["reports"].append(
                    {"name": str(unit.name), "sha256": unit.digest, "joined": joining}
                )

    def _start(self, unit: Unit) -> list[BatchRecord]:
        unit.flow = summary_flow(unit.report, self.settings, self.record)
        unit.ledger = self.endpoint.ledger()
        unit.started = time.perf_counter()
        return self._advance(unit, None)

    def _advance(self, unit: Unit, replies: list[Reply] | None) -> list[BatchRecord]:
        """Send the round's replies (or start the flow); a finished flow becomes a record."""
        assert unit.flow is not None and unit.ledger is not None
        try:
            unit.pending = next(unit.flow) if replies is None else unit.flow.send(replies)
            unit.held = {}
            unit.ledger.check_budget()
            return []
        except StopIteration as stop:
            unit.finished = True
            try:
                summary = self.endpoint.finish(stop.value, unit.report, unit.ledger, unit.started)
            except RulelawError as error:
                return [self._error(unit, error)]
            return [self.runner._result(unit.name, unit.digest, unit.attempts, summary)]
        except RulelawError as error:  # the token budget of the report ran out
            unit.finished = True
            return [self._error(unit, error)]

    def _error(self, unit: Unit, error: BaseException) -> BatchRecord:
        return self.runner._error(unit.name, unit.digest, error, unit.attempts)

    def _apply(
        self, unit: Unit, answers: dict[tuple[int, int], tuple[LineResult, bytes]]
    ) -> list[BatchRecord]:
        """Give the unit the answers of this round; resend what failed; advance when complete."""
        assert unit.ledger is not None
        for request in unit.pending:
            if request.id in unit.held:
                continue
            answer = answers.get((unit.index, request.id))
            if answer is None:
                continue
            result, line = answer
            if result.ok:
                completion = self.endpoint.completion(result.body or {})
                unit.ledger.record(request, completion, 0.0)
                reply = self.endpoint.reply(completion)
                unit.ledger.raw_outputs.append(reply.raw or "")
                unit.held[request.id] = reply
                continue
            sent = json.loads(line)["body"]
            if result.status_code in (400, 401, 403, 404, 422) and not self.endpoint.refused(
                sent, result
            ):
                unit.finished = True
                return [self._error(unit, self.endpoint.failure(result))]
            unit.resubmits += 1
            unit.ledger.transport_retries += 1
            if unit.resubmits > self.settings.reask_budget:
                unit.finished = True
                error = ProviderError(
                    f"批量任务中本报告的请求已 {unit.resubmits} 次失败或过期（最近一次：{result.error}），"
                    f"超过每份报告的重问上限 reask_budget={self.settings.reask_budget}：本报告未完成。"
                    "稍后用 --retry-failed 重试，或不加 --batch-api 在线运行。"
                )
                return [self._error(unit, error)]
        if all(request.id in unit.held for request in unit.pending):
            replies = [unit.held[request.id] for request in unit.pending]
            return self._advance(unit, replies)
        return []

    # ------------------------------------------------------------------ one round's answers

    def _custom_id(self, unit: Unit, request: Request, number: int) -> str:
        body = self.endpoint.body(request)
        return f"r{unit.index}-q{request.id}-{_task(request)}-{number}-{_hash(body)}"

    async def _answers(
        self,
        state: _State,
        number: int,
        requests: list[tuple[Unit, Request]],
        reports: int,
    ) -> dict[tuple[int, int], tuple[LineResult, bytes]] | None:
        """Every request of the round answered (success or failure), submitting what is not.

        Returns each answer with the line that was sent, by (report, request id): the custom
        ids are fixed before any answer is applied (an answer may teach a downgrade, which
        changes later bodies). ``None`` when the run stopped.
        """
        from rulelaw_llm.llm.batch_jobs import LineResult

        stored = state.round(number, self.record)
        lines: dict[str, bytes] = {}
        names: dict[tuple[int, int], str] = {}
        for unit, request in requests:
            custom_id = self._custom_id(unit, request, number)
            names[(unit.index, request.id)] = custom_id
            lines[custom_id] = self.endpoint.line(custom_id, request)
        submitted = {custom_id for job in stored["jobs"] for custom_id in job["custom_ids"]}
        missing = [
            custom_id
            for custom_id in lines
            if custom_id not in stored["answers"] and custom_id not in submitted
        ]
        if missing:
            stored["complete"] = False
            self._plan_jobs(state, stored, number, missing, lines)
        for job in stored["jobs"]:
            if job.get("downloaded"):
                continue
            if not await self._submit(state, job, lines):
                return None
        if not await self._wait(state, number, stored, reports):
            return None
        answers = stored["answers"]
        return {
            identity: (LineResult(custom_id, **answers[custom_id]), lines[custom_id])
            for identity, custom_id in names.items()
            if custom_id in answers
        }

    def _plan_jobs(
        self,
        state: _State,
        stored: dict[str, Any],
        number: int,
        custom_ids: list[str],
        lines: dict[str, bytes],
    ) -> None:
        """Cut the requests into jobs within the provider's limits, written down before upload."""
        api = self.endpoint.api
        batch: list[str] = []
        size = 0
        groups: list[list[str]] = []
        for custom_id in custom_ids:
            length = len(lines[custom_id])
            if batch and (len(batch) >= api.max_requests or size + length > api.max_bytes):
                groups.append(batch)
                batch, size = [], 0
            batch.append(custom_id)
            size += length
        if batch:
            groups.append(batch)
        for group in groups:
            count = len(stored["jobs"]) + 1
            stored["jobs"].append(
                {
                    "name": f"rulelaw-{state.data['run']}-round{number}-{count}.jsonl",
                    "bytes": sum(len(lines[custom_id]) for custom_id in group),
                    "custom_ids": group,
                    "input_file_id": None,
                    "batch_id": None,
                    "status": "planned",
                }
            )
        state.save()

    async def _submit(self, state: _State, job: dict[str, Any], lines: dict[str, bytes]) -> bool:
        """Upload and create the job once: what a killed run did is found, not done again."""
        if job.get("batch_id"):
            return True
        if any(custom_id not in lines for custom_id in job["custom_ids"]):
            job["status"] = "abandoned"  # never submitted, and no longer asked for
            job["downloaded"] = True
            state.save()
            return True
        endpoint = self.endpoint
        try:
            if not job.get("input_file_id"):
                data = b"".join(lines[custom_id] for custom_id in job["custom_ids"])
                found = await endpoint.find_upload(job["name"], len(data))
                job["input_file_id"] = found or await endpoint.upload(job["name"], data)
                state.save()
            existing = await endpoint.find_job(job["input_file_id"])
            created = existing or await endpoint.create(
                job["input_file_id"], {"rulelaw_run": state.data["run"], "file": job["name"]}
            )
        except ProviderError as error:
            self._stop(f"无法提交批量任务：{error}")
            return False
        job["batch_id"] = created.id
        job["status"] = created.status
        job["submitted_at"] = _now()
        state.save()
        self.jobs += 1
        self.requests_sent += len(job["custom_ids"])
        return True

    async def _wait(self, state: _State, number: int, stored: dict[str, Any], reports: int) -> bool:
        """Poll the round's jobs until each is finished and its files are read."""
        endpoint = self.endpoint
        seen: dict[str, float] = {}
        while True:
            waiting = [
                job for job in stored["jobs"] if job.get("batch_id") and not job.get("downloaded")
            ]
            running = 0
            remaining: list[float] = []
            for job in waiting:
                try:
                    status = await endpoint.retrieve(job["batch_id"])
                except ProviderError as error:
                    self._stop(f"无法查询批量任务 {job['batch_id']}：{error}")
                    return False
                job["status"] = status.status
                if status.finished:
                    if not await self._download(job, status, stored):
                        return False
                    state.save()
                    continue
                running += status.completed + status.failed
                now = self.options.clock()
                first = seen.setdefault(job["batch_id"], now)
                if status.completed and now > first:
                    rate = status.completed / (now - first)
                    remaining.append((max(status.total, 1) - status.completed) / rate)
            total = sum(len(job["custom_ids"]) for job in stored["jobs"])
            done = sum(
                1
                for job in stored["jobs"]
                if job.get("downloaded")
                for custom_id in job["custom_ids"]
                if custom_id in stored["answers"]
            )
            self._progress(number, total, min(done + running, total), remaining, reports)
            if not any(job.get("batch_id") and not job.get("downloaded") for job in stored["jobs"]):
                return True
            if self.runner._stop.is_set():
                return False
            await self.options.sleep(self.options.poll_seconds)

    async def _download(self, job: dict[str, Any], status: Job, stored: dict[str, Any]) -> bool:
        """Read a finished job's output and error files into the round's answers."""
        endpoint = self.endpoint
        results: list[LineResult] = []
        try:
            for file_id in (status.output_file_id, status.error_file_id):
                if file_id:
                    results += endpoint.read_lines(await endpoint.content(file_id))
        except ProviderError as error:
            self._stop(f"无法下载批量任务 {status.id} 的结果：{error}")
            return False
        answers = stored["answers"]
        mine = set(job["custom_ids"])
        for result in results:
            if result.custom_id in mine:
                answers[result.custom_id] = {
                    "status_code": result.status_code,
                    "body": dict(result.body) if result.body is not None else None,
                    "error": result.error,
                }
        if status.status == "failed":
            reason = "；".join(status.errors) or "服务商未说明原因"
            self._stop(
                f"批量任务 {status.id} 未通过服务商的验证（{reason}）：已停止。"
                "请检查模型名称和参数（rulelaw-llm check），修正后重新运行同一命令。"
            )
        for custom_id in job["custom_ids"]:
            answers.setdefault(
                custom_id,
                {
                    "status_code": None,
                    "body": None,
                    "error": f"批量任务结束（{status.status}）时没有这个请求的结果",
                },
            )
        job["downloaded"] = True
        self.jobs_done += 1
        job["output_file_id"] = status.output_file_id
        job["error_file_id"] = status.error_file_id
        return status.status != "failed"

    def _progress(
        self,
        number: int,
        total: int,
        done: int,
        remaining: list[float],
        reports: int,
    ) -> None:
        if self.options.on_progress is None:
            return
        self.options.on_progress(
            BatchProgress(
                round=number,
                jobs=max(self.jobs, self.jobs_done),
                jobs_done=self.jobs_done,
                requests=total,
                requests_done=done,
                remaining_seconds=max(remaining) if remaining else None,
                reports=reports,
                reports_done=self.runner.stats.finished,
            )
        )

    def _stop(self, reason: str) -> None:
        self.runner.stats.stop_reason = reason
        self.runner.stop()
        self.runner.stats.interrupted = False
