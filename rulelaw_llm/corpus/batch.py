"""The batch runner: many reports, bounded concurrency, and no input ever lost.

Every finished report is appended to a JSONL file at once as one complete, flushed line
(the batch format of ``rulelaw_llm.results``), with the input's resolved path, the SHA-256
of the input file and a key of the settings; a failure becomes an error record in the same
file. An input is identified by its resolved path and its content hash, so ``dir``,
``./dir/``, an absolute path and a symlink are the same input, and the same content under a
second name is summarized once: the second name gets a ``duplicate`` record pointing to the
first and a warning. Re-running the same command resumes: inputs already done with the same
settings are skipped (failed ones are retried on request). Records made by older library
code are kept (a resume never redoes work silently; the run warns about them), while the
result cache, whose key covers the code, never serves them. A run killed at any moment
leaves at worst a truncated last line, which the next run cuts off before appending, so the
file ends with exactly one record per input. With ``split``, a file holding several reports is
one input per report, named ``FILE#1``, ``FILE#2`` … and identified by its own text's hash.

One writer per results file: a run holds the file's lock (``rulelaw_llm.corpus.lock``) while
it writes; a second run on the same file waits for it, saying whom it waits for, or stops at
once (``wait=False``). Inputs are read within ``limits`` (``rulelaw_llm.reading.limits``):
a file over a limit becomes an error record saying which limit and how to raise it. With
``batch_api``, the model's requests go through the provider's Batch API, one job per round
of all pending reports (``rulelaw_llm.corpus.batch_api``).

    async for record in BatchRunner("out.jsonl", summarizer=AsyncSummarizer(...)).run(paths):
        ...
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import signal
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rulelaw_llm.console import grouped_lines
from rulelaw_llm.corpus.batch_api import BatchApiOptions, BatchApiRun, Unit
from rulelaw_llm.corpus.lock import ResultsLock
from rulelaw_llm.errors import (
    ExtractionError,
    InputError,
    ProviderError,
    ProviderUnreachableError,
    RulelawError,
    describe_failure,
)
from rulelaw_llm.llm.cache import ResultCache, cache_key, code_fingerprint
from rulelaw_llm.llm.prompts import PROMPT_VERSION
from rulelaw_llm.llm.settings import answer_settings
from rulelaw_llm.reading.detection import split_reports
from rulelaw_llm.reading.document import Report, load_report, report_from_text
from rulelaw_llm.reading.limits import InputLimits
from rulelaw_llm.reading.readers import expand_inputs, read_source
from rulelaw_llm.results import BatchRecord, DuplicateRecord, ErrorRecord, Notice, read_results
from rulelaw_llm.rules.offline import summarize_offline
from rulelaw_llm.schema import SCHEMA_VERSION, ReportSummary

if TYPE_CHECKING:
    from rulelaw_llm.llm.summarizer import AsyncSummarizer

__all__ = [
    "REPORTS_PER_REQUEST_SLOT",
    "BatchApiOptions",
    "BatchRecord",
    "BatchRunner",
    "BatchStats",
    "settings_key",
]


def settings_key(summarizer: AsyncSummarizer | None) -> str:
    """What a result depends on besides the input: backend, endpoint, prompts, schema, settings."""
    if summarizer is None:
        parts: dict[str, object] = {"backend": "rules", "schema": SCHEMA_VERSION}
    else:
        config, settings = summarizer.config, summarizer.settings
        parts = {
            "backend": "llm",
            "provider": config.provider,
            "base_url": config.public_base_url,
            "model": config.model,
            "mode": config.mode,
            "prompt": PROMPT_VERSION,
            "schema": SCHEMA_VERSION,
            "settings": answer_settings(settings),
        }
    blob = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


#: Reports admitted per request slot in ``rulelaw-llm batch`` with a model: a report waits
#: between the rounds of its requests, and another report's request takes the slot meanwhile.
REPORTS_PER_REQUEST_SLOT = 2

#: Consecutive reports that found the server unreachable before a batch stops.
UNREACHABLE_STOP = 3

#: How each kind of the batch's warnings is named when it is counted.
WARNING_LABELS = {
    "duplicate": "内容相同的输入只处理一次",
    "input": "输入提示（不像报告，或一个文件含多份报告）",
    "older-code": "另一版本生成的记录",
    "kept-whole": "未按 --split 拆分",
    "kept-split": "未整份重新处理",
    "batch-api": "批量任务",
}


@dataclass(slots=True)
class BatchStats:
    """Counts for the progress bar and the final table."""

    total: int = 0
    skipped: int = 0
    done: int = 0
    failed: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    duplicates: int = 0
    jobs: int = 0
    """Batch-API jobs submitted by this run (``batch_api``)."""
    batch_requests: int = 0
    """Requests sent in those jobs."""
    rounds: int = 0
    """Rounds of the batch-API run (resumed rounds included)."""
    waited_for: str | None = None
    """Who held the results file when this run started, if it had to wait."""
    interrupted: bool = False
    stop_reason: str | None = None
    """Why the batch stopped by itself (a wrong key, an unreachable server), if it did."""
    errors: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    """What the user should know though nothing failed, each of a kind (``WARNING_LABELS``):
    duplicates, records of older code, inputs that are not one report."""

    @property
    def warnings(self) -> list[str]:
        """The messages of ``notices``."""
        return [notice.message for notice in self.notices]

    def warning_lines(self, *, verbose: bool = False) -> list[str]:
        """The warnings for a terminal: one line per kind with a count (each with ``verbose``)."""
        return grouped_lines(self.notices, WARNING_LABELS, verbose=verbose)

    @property
    def finished(self) -> int:
        """Inputs that got a record in this run: summarized, failed or found to be duplicates."""
        return self.done + self.failed + self.duplicates


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(slots=True)
class _Previous:
    """What the results file already holds for the current settings."""

    done: set[tuple[Path, str | None]] = field(default_factory=set)
    """Identities (resolved path, content hash) that need no work."""
    attempts: dict[Path, int] = field(default_factory=dict)
    """Tries so far per input (resolved path), whatever its content was at each try."""
    owners: dict[str, Path] = field(default_factory=dict)
    """For each content hash, the input that holds its result (or error)."""
    codes: dict[tuple[Path, str | None], str | None] = field(default_factory=dict)
    """The code fingerprint of each identity's latest record."""


def _resolved(text: str) -> Path:
    return Path(text).resolve()


def _read_previous(output: Path, key: str, retry_failed: bool) -> _Previous:
    """The records already in ``output``; also cuts off a truncated last line."""
    previous = _Previous()
    if not output.exists() or output.stat().st_size == 0:
        return previous
    with output.open("rb+") as handle:
        data = handle.read()
        if data.lstrip().startswith(b"{") and not data.endswith(b"\n"):
            # A run killed in the middle of a write: drop the partial line.
            handle.truncate(data.rfind(b"\n") + 1)
            data = data[: data.rfind(b"\n") + 1]
    if not data.strip():
        return previous
    try:
        results = read_results(output)
    except InputError as error:
        raise InputError(f"输出文件 {output} 已存在，但不是批量处理的结果文件：{error}") from error
    if results.format != "batch":
        raise InputError(
            f"输出文件 {output} 是 summarize 写出的摘要（{results.format}），不是批量处理的"
            "结果文件：请为 batch 指定另一个输出文件。"
        )
    latest: dict[Path, tuple[str | None, bool]] = {}
    for record in results.history:
        if record.settings_key != key:
            continue
        identity = (_resolved(record.input), record.input_sha256)
        if not isinstance(record, DuplicateRecord):
            previous.attempts[identity[0]] = record.attempts or 1
        previous.codes[identity] = record.code
        if isinstance(record, ErrorRecord) and retry_failed:
            previous.done.discard(identity)
        else:
            previous.done.add(identity)
        latest.pop(identity[0], None)
        latest[identity[0]] = (record.input_sha256, isinstance(record, DuplicateRecord))
    for path, (digest, duplicate) in latest.items():
        if digest is not None and not duplicate:
            previous.owners.setdefault(digest, path)
    return previous


#: ``FILE#N``: the N-th report of a file processed with ``split``.
_PART_NAME = re.compile(r"(.+)#(\d+)")


@dataclass(frozen=True, slots=True)
class _Part:
    """One report of a file that holds several (``batch --split``)."""

    name: str
    text: str
    digest: str


def _parts(path: Path, limits: InputLimits | None) -> list[_Part]:
    """The reports in the file at ``path``; an unreadable file gives none (and fails later)."""
    try:
        raw, _ = read_source(path, limits=limits)
    except InputError:
        return []
    texts = split_reports(raw.replace("\r\n", "\n").replace("\r", "\n"))
    resolved = path.resolve()
    return [
        _Part(f"{resolved}#{number}", text, hashlib.sha256(text.encode("utf-8")).hexdigest())
        for number, text in enumerate(texts, start=1)
    ]


def _file_digest(path: Path) -> str | None:
    """The SHA-256 of the file, read in pieces (an input over the limits is hashed too)."""
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


class BatchRunner:
    """Summarize many reports into a JSONL file, resumably.

    ``summarizer=None`` uses the rules backend. ``concurrency`` bounds the reports in
    flight. ``cache`` (a ``ResultCache``) serves repeated reports without tokens. With
    ``split``, a file holding several reports is processed as one input per report, named
    ``FILE#1``, ``FILE#2`` … (each identified by the SHA-256 of its own text). With
    ``strict``, an input that does not look like one report is an error record.
    ``wait=False`` stops at once (``ResultsBusyError``) when another process is writing the
    same results file, instead of waiting for it. ``limits`` bound what is read from each
    input. ``batch_api`` (``True`` or ``BatchApiOptions``) sends the model's requests
    through the provider's Batch API, each round of all pending reports as one job; the job
    state is kept beside ``output`` so that a killed run resumes without submitting twice.
    """

    def __init__(
        self,
        output: str | os.PathLike[str],
        *,
        summarizer: AsyncSummarizer | None = None,
        concurrency: int = 4,
        cache: ResultCache | None = None,
        retry_failed: bool = False,
        on_record: Callable[[BatchRecord, BatchStats], None] | None = None,
        split: bool = False,
        strict: bool = False,
        wait: bool = True,
        limits: InputLimits | None = None,
        batch_api: bool | BatchApiOptions = False,
    ) -> None:
        if concurrency < 1:
            raise RulelawError("并发数必须至少为 1。")
        if batch_api and summarizer is None:
            raise RulelawError(
                "批量接口（--batch-api）需要大模型：请用 --provider（及 --model）选择一个有批量"
                "接口的服务商，或去掉 --batch-api。"
            )
        self.output = Path(output)
        self.summarizer = summarizer
        self.concurrency = concurrency
        self.cache = cache
        self.retry_failed = retry_failed
        self.on_record = on_record
        self.split = split
        self.strict = strict
        self.wait = wait
        self.limits = limits
        self.batch_api: BatchApiOptions | None = (
            batch_api
            if isinstance(batch_api, BatchApiOptions)
            else (BatchApiOptions() if batch_api else None)
        )
        self.key = settings_key(summarizer)
        self.code = code_fingerprint()
        self.stats = BatchStats()
        self._lock: ResultsLock | None = None
        self._stop = asyncio.Event()
        self._unreachable_in_a_row = 0

    def stop(self) -> None:
        """Finish the reports in flight, start no new ones (what Ctrl-C does)."""
        self._stop.set()
        self.stats.interrupted = True

    async def run(self, inputs: Sequence[str | os.PathLike[str]]) -> AsyncIterator[BatchRecord]:
        """Process ``inputs``, yielding each record as soon as it is written.

        The results file's lock is held from before it is read until the last record is
        written: another run on the same file waits (or, with ``wait=False``, stops).
        """
        paths = expand_inputs(inputs)
        await self.lock_output()
        try:
            async for record in self._run_locked(paths):
                yield record
        finally:
            lock, self._lock = self._lock, None
            if lock is not None:
                lock.release()

    async def lock_output(self) -> None:
        """Take the results file's lock now (``run`` takes it itself when not yet held).

        Waits for another process that holds it, saying whom it waits for, or raises
        ``ResultsBusyError`` when ``wait`` is false. The lock is released when ``run`` ends.
        """
        if self._lock is not None:
            return
        self.output.parent.mkdir(parents=True, exist_ok=True)
        lock = ResultsLock(self.output)
        await lock.acquire(wait=self.wait)
        self.stats.waited_for = lock.waited_for
        self._lock = lock

    async def _run_locked(self, paths: list[Path]) -> AsyncIterator[BatchRecord]:
        previous = _read_previous(self.output, self.key, self.retry_failed)
        owners = dict(previous.owners)
        units: list[tuple[Path, Path, str | None, _Part | None]] = []
        # A file has one way of being processed in one results file: whole, or split into
        # its reports. A resumed run in the other way keeps the records already there.
        kept_whole: list[Path] = []
        kept_split: list[Path] = []
        split_before = {
            named.group(1)
            for resolved, _ in previous.done
            if (named := _PART_NAME.fullmatch(str(resolved)))
        }
        for path in paths:
            parts = await asyncio.to_thread(_parts, path, self.limits) if self.split else []
            resolved, digest = path.resolve(), _file_digest(path)
            if len(parts) > 1 and (resolved, digest) not in previous.done:
                units += [(path, Path(part.name), part.digest, part) for part in parts]
                continue
            if len(parts) > 1:
                kept_whole.append(path)
            elif (resolved, digest) not in previous.done and str(resolved) in split_before:
                kept_split.append(path)
                self.stats.skipped += 1
                continue
            units.append((path, resolved, digest, None))
        if kept_whole:
            self._warn(
                "kept-whole",
                f"{len(kept_whole)} 个文件（{kept_whole[0]} 等）在 {self.output} 中已有作为一份报告"
                "的记录，本次未按 --split 拆分（同一结果文件中每个文件只有一种处理方式）；"
                "要拆分处理，请写入新的结果文件。",
            )
        if kept_split:
            self._warn(
                "kept-split",
                f"{len(kept_split)} 个文件（{kept_split[0]} 等）在 {self.output} 中已有按 --split "
                "拆分的记录，本次未作为整份重新处理；要整份处理，请写入新的结果文件。",
            )
        todo: list[tuple[Path, str | None, int, _Part | None, int]] = []
        duplicates: list[BatchRecord] = []
        older_code = 0
        for position, (path, resolved, digest, part) in enumerate(units):
            identity = (resolved, digest)
            if identity in previous.done:
                self.stats.skipped += 1
                older_code += previous.codes.get(identity) != self.code
                continue
            owner = owners.get(digest) if digest is not None else None
            if owner is not None and owner != resolved:
                duplicates.append(self._duplicate(resolved, digest, owner, position))
                continue
            if digest is not None:
                owners[digest] = resolved
            todo.append((path, digest, previous.attempts.get(resolved, 0) + 1, part, position))
        if older_code:
            self._warn(
                "older-code",
                f"{older_code} 份报告在 {self.output} 中已有由另一版本的 rulelaw-llm 生成的记录，"
                "按续跑规则保留、未重新处理；要用当前版本重新生成，请写入新的结果文件"
                "（缓存不会提供旧版本的结果）。",
            )
        self.stats.total = len(units) + len(kept_split)
        if self.batch_api is not None:
            async for record in self._run_batch_api(todo, duplicates):
                yield record
            return
        queue: asyncio.Queue[BatchRecord] = asyncio.Queue()
        for record in duplicates:
            queue.put_nowait(record)
        limit = asyncio.Semaphore(self.concurrency)

        async def work(
            path: Path, digest: str | None, attempts: int, part: _Part | None, position: int
        ) -> None:
            async with limit:
                if self._stop.is_set():
                    return
                record = await self._one(path, digest, attempts, part)
                await queue.put(replace(record, position=position))

        tasks = [asyncio.create_task(work(*job)) for job in todo]
        finished: asyncio.Future[list[object]] = asyncio.gather(*tasks, return_exceptions=True)
        with self.output.open("a", encoding="utf-8") as handle:
            while not (finished.done() and queue.empty()):
                getter: asyncio.Future[BatchRecord] = asyncio.ensure_future(queue.get())
                waiting: set[asyncio.Future[object]] = {getter, finished}  # type: ignore[arg-type]
                await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                if not getter.done():
                    getter.cancel()
                    continue
                record = getter.result()
                self._write(handle, record)
                yield record
        await finished

    def _warn(self, kind: str, message: str) -> None:
        self.stats.notices.append(Notice(kind, message))

    def _write(self, handle: TextIO, record: BatchRecord) -> None:
        handle.write(record.to_json() + "\n")
        handle.flush()
        self._count(record)
        if self.on_record is not None:
            self.on_record(record, self.stats)

    async def _run_batch_api(
        self,
        todo: list[tuple[Path, str | None, int, _Part | None, int]],
        duplicates: list[BatchRecord],
    ) -> AsyncIterator[BatchRecord]:
        """Read every pending input, then send the model's requests as batch jobs."""
        from rulelaw_llm.llm.batch_jobs import batch_endpoint

        assert self.summarizer is not None and self.batch_api is not None
        endpoint = batch_endpoint(self.summarizer)
        run = BatchApiRun(self, endpoint, self.batch_api)
        with self.output.open("a", encoding="utf-8") as handle:
            for record in duplicates:
                self._write(handle, record)
                yield record
            units: list[Unit] = []
            for path, digest, attempts, part, position in todo:
                if self._stop.is_set():
                    break
                ready = await self._prepare(path, digest, attempts, part)
                if isinstance(ready, Unit):
                    ready.position = position
                    units.append(ready)
                else:
                    ready = replace(ready, position=position)
                    self._write(handle, ready)
                    yield ready
            if units and not self._stop.is_set():
                keys = {str(unit.name.resolve()): unit.cache_key for unit in units}
                positions = {str(unit.name.resolve()): unit.position for unit in units}
                async for record in run.run(units):
                    record = replace(record, position=positions.get(record.input))
                    if record.summary is not None and self.cache is not None:
                        self.cache.put(keys[record.input], record.summary)
                    self._write(handle, record)
                    yield record
        self.stats.jobs += run.jobs
        self.stats.batch_requests += run.requests_sent
        self.stats.rounds = max(self.stats.rounds, run.rounds)

    async def _prepare(
        self, path: Path, digest: str | None, attempts: int, part: _Part | None
    ) -> Unit | BatchRecord:
        """An input read for the batch API: a unit to run, or its record already (an input
        that cannot be read, or one the cache holds)."""
        name = Path(part.name) if part is not None else path.resolve()
        key = ""
        try:
            report = await self._load(path, part)
            if self.cache is not None:
                config = self.summarizer.config if self.summarizer else None
                settings = self.summarizer.settings if self.summarizer else None
                key = cache_key(report, config, settings)
                hit = self.cache.get(key, report)
                if hit is not None:
                    return self._result(name, digest, attempts, hit, cached=True)
        except RulelawError as error:
            return self._error(name, digest, error, attempts)
        return Unit(name=name, digest=digest, attempts=attempts, report=report, cache_key=key)

    async def _load(self, path: Path, part: _Part | None) -> Report:
        if part is None:
            report = await asyncio.to_thread(load_report, path, limits=self.limits)
        else:
            report = await asyncio.to_thread(report_from_text, part.text, source=part.name)
        if self.strict and report.warnings:
            raise InputError(f"{'；'.join(report.warnings)}（--strict：未处理）")
        # Not a report, or several in one file: said on stderr as summarize says it.
        for warning in report.warnings:
            self._warn("input", warning)
        return report

    def _count(self, record: BatchRecord) -> None:
        if record.record == "duplicate":
            self.stats.duplicates += 1
            self._warn(
                "duplicate",
                f"{record.input} 与 {record.duplicate_of} 内容相同，只处理一次："
                f"结果见 {record.duplicate_of}（记录为 duplicate）。",
            )
            return
        if record.record == "error":
            self.stats.failed += 1
            self.stats.errors.append(f"{record.input}: {record.message}")
            return
        self.stats.done += 1
        if record.cached:
            self.stats.cached += 1
        elif record.summary is not None:
            usage = record.summary.provenance.usage
            self.stats.prompt_tokens += usage.prompt_tokens
            self.stats.completion_tokens += usage.completion_tokens
            self.stats.cost += usage.cost or 0.0

    async def _one(
        self, path: Path, digest: str | None, attempts: int, part: _Part | None = None
    ) -> BatchRecord:
        """Summarize one input; every failure becomes an error record, never a lost input."""
        name = Path(part.name) if part is not None else path
        try:
            report = await self._load(path, part)
            summary, cached = await self._summarize(report)
        except ProviderUnreachableError as error:
            # A server that cannot be reached fails every report alike: stop after a run.
            self._unreachable_in_a_row += 1
            if self._unreachable_in_a_row >= UNREACHABLE_STOP:
                self.stats.stop_reason = (
                    f"连续 {self._unreachable_in_a_row} 份报告无法连接到服务，已停止："
                    f"请检查 base_url 和服务是否已启动，然后重新运行同一命令继续。{error}"
                )
                self.stop()
            return self._error(name, digest, error, attempts)
        except ProviderError as error:
            if error.status_code in (401, 403, 404):
                self.stats.stop_reason = f"已停止：{error}"
                self.stop()  # a wrong key, permission or model name fails every report alike
            return self._error(name, digest, error, attempts)
        except (InputError, ExtractionError, RulelawError) as error:
            return self._error(name, digest, error, attempts)
        except asyncio.CancelledError:
            raise
        # A batch records every failure, even a bug of ours, rather than lose the input.
        except Exception as error:
            return self._error(name, digest, error, attempts)
        self._unreachable_in_a_row = 0
        return self._result(name, digest, attempts, summary, cached=cached)

    def _result(
        self,
        path: Path,
        digest: str | None,
        attempts: int,
        summary: ReportSummary,
        *,
        cached: bool = False,
    ) -> BatchRecord:
        return BatchRecord(
            record="result",
            input=str(path.resolve()),
            input_sha256=digest,
            settings_key=self.key,
            finished_at=_now(),
            summary=summary,
            attempts=attempts,
            cached=cached,
            code=self.code,
        )

    async def _summarize(self, report: Report) -> tuple[ReportSummary, bool]:
        config = self.summarizer.config if self.summarizer else None
        settings = self.summarizer.settings if self.summarizer else None
        key = cache_key(report, config, settings) if self.cache is not None else ""
        if self.cache is not None:
            hit = self.cache.get(key, report)
            if hit is not None:
                return hit, True
        if self.summarizer is None:
            summary = summarize_offline(report)
        else:
            summary = await self.summarizer.summarize(report)
        if self.cache is not None:
            self.cache.put(key, summary)
        return summary, False

    def _error(
        self, path: Path, digest: str | None, error: BaseException, attempts: int
    ) -> BatchRecord:
        # The message says in Chinese what went wrong and what to do; the exception's own
        # text (often English, from a library) is kept apart for whoever debugs it.
        message = describe_failure(error)
        detail = str(error)
        return BatchRecord(
            record="error",
            input=str(path.resolve()),
            input_sha256=digest,
            settings_key=self.key,
            finished_at=_now(),
            error_type=type(error).__name__,
            message=message,
            detail=detail if detail and detail != message else None,
            attempts=attempts,
            code=self.code,
        )

    def _duplicate(
        self, resolved: Path, digest: str | None, owner: Path, position: int | None = None
    ) -> BatchRecord:
        return BatchRecord(
            record="duplicate",
            input=str(resolved),
            input_sha256=digest,
            settings_key=self.key,
            finished_at=_now(),
            attempts=0,
            duplicate_of=str(owner),
            code=self.code,
            position=position,
        )


def install_interrupt(runner: BatchRunner) -> Callable[[], None]:
    """Ctrl-C once: finish in-flight reports and stop; twice: stop at once. Returns an undo."""
    loop = asyncio.get_running_loop()
    presses = 0

    def handler() -> None:
        nonlocal presses
        presses += 1
        if presses == 1:
            runner.stop()
        else:
            for task in asyncio.all_tasks(loop):
                task.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, handler)
    except (NotImplementedError, RuntimeError):  # Windows or not the main thread
        return lambda: None

    def undo() -> None:
        loop.remove_signal_handler(signal.SIGINT)

    return undo
