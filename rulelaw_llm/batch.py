"""The batch runner: many reports, bounded concurrency, and no input ever lost.

Every finished report is appended to a JSONL file at once as one complete, flushed line,
with its input path, the SHA-256 of the input file and a key of the settings; a failure
becomes an error record in the same file. Re-running the same command resumes: inputs
already done with the same settings are skipped (failed ones are retried on request). A
run killed at any moment leaves at worst a truncated last line, which the next run cuts
off before appending, so the file ends with exactly one record per input.

    async for record in BatchRunner("out.jsonl", summarizer=AsyncSummarizer(...)).run(paths):
        ...
"""

from __future__ import annotations

import asyncio
import glob
import hashlib
import json
import os
import signal
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from rulelaw_llm.cache import ResultCache, cache_key
from rulelaw_llm.detection import split_reports
from rulelaw_llm.document import Report, load_report, report_from_text
from rulelaw_llm.errors import ExtractionError, InputError, ProviderError, RulelawError
from rulelaw_llm.offline import summarize_offline
from rulelaw_llm.prompts import PROMPT_VERSION
from rulelaw_llm.readers import read_source
from rulelaw_llm.schema import SCHEMA_VERSION, ReportSummary
from rulelaw_llm.summarizer import AsyncSummarizer

__all__ = ["BatchRecord", "BatchRunner", "BatchStats", "expand_inputs", "settings_key"]

#: Suffixes a directory is searched for.
SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")


def expand_inputs(inputs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files, directories (searched recursively) and glob patterns, deduplicated, in order."""
    found: list[Path] = []
    for item in inputs:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
        elif any(char in text for char in "*?[") and not path.exists():
            matches = sorted(Path(match) for match in glob.glob(text, recursive=True))
            if not matches:
                raise InputError(f"没有文件匹配 {text}")
            found += [match for match in matches if match.is_file()]
        else:
            found.append(path)
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(os.path.normpath(path), path)
    return list(unique.values())


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
            "temperature": settings.temperature,
            "max_tokens": settings.max_tokens,
            "reasks": settings.reasks,
            "digest_chars": settings.digest_chars,
            "block_chars": settings.block_chars,
            "item_chars": settings.item_chars,
        }
    blob = json.dumps(parts, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class BatchRecord:
    """One line of the results file: a summary or an error, for one input."""

    record: Literal["result", "error"]
    input: str
    input_sha256: str | None
    settings_key: str
    finished_at: str
    summary: ReportSummary | None = None
    error_type: str | None = None
    message: str | None = None
    attempts: int = 0
    cached: bool = False

    def to_json(self) -> str:
        """The JSONL line (without the newline)."""
        data: dict[str, object] = {
            "record": self.record,
            "input": self.input,
            "input_sha256": self.input_sha256,
            "settings_key": self.settings_key,
            "finished_at": self.finished_at,
        }
        if self.summary is not None:
            data["cached"] = self.cached
            data["summary"] = self.summary.model_dump(mode="json")
        else:
            data["error"] = {
                "type": self.error_type,
                "message": self.message,
                "attempts": self.attempts,
            }
        return json.dumps(data, ensure_ascii=False)


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
    interrupted: bool = False
    errors: list[str] = field(default_factory=list)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _read_done(output: Path, key: str, retry_failed: bool) -> set[tuple[str, str | None]]:
    """Inputs already finished with these settings; also cuts off a truncated last line."""
    done: set[tuple[str, str | None]] = set()
    if not output.exists():
        return done
    with output.open("rb+") as handle:
        data = handle.read()
        if data and not data.endswith(b"\n"):
            # A run killed in the middle of a write: drop the partial line.
            handle.truncate(data.rfind(b"\n") + 1)
            data = data[: data.rfind(b"\n") + 1]
    for line in data.decode("utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(record, dict) or record.get("settings_key") != key:
            continue
        identity = (str(record.get("input")), record.get("input_sha256"))
        if record.get("record") == "result" or (
            record.get("record") == "error" and not retry_failed
        ):
            done.add(identity)
        elif record.get("record") == "error":
            done.discard(identity)
    return done


@dataclass(frozen=True, slots=True)
class _Part:
    """One report of a file that holds several (``batch --split``)."""

    name: str
    text: str
    digest: str


def _parts(path: Path) -> list[_Part]:
    """The reports in the file at ``path``; an unreadable file gives none (and fails later)."""
    try:
        raw, _ = read_source(path)
    except InputError:
        return []
    texts = split_reports(raw.replace("\r\n", "\n").replace("\r", "\n"))
    return [
        _Part(f"{path}#{number}", text, hashlib.sha256(text.encode("utf-8")).hexdigest())
        for number, text in enumerate(texts, start=1)
    ]


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class BatchRunner:
    """Summarize many reports into a JSONL file, resumably.

    ``summarizer=None`` uses the rules backend. ``concurrency`` bounds the reports in
    flight. ``cache`` (a ``ResultCache``) serves repeated reports without tokens. With
    ``split``, a file holding several reports is processed as one input per report, named
    ``FILE#1``, ``FILE#2`` … (each identified by the SHA-256 of its own text). With
    ``strict``, an input that does not look like one report is an error record.
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
    ) -> None:
        if concurrency < 1:
            raise RulelawError("并发数必须至少为 1。")
        self.output = Path(output)
        self.summarizer = summarizer
        self.concurrency = concurrency
        self.cache = cache
        self.retry_failed = retry_failed
        self.on_record = on_record
        self.split = split
        self.strict = strict
        self.key = settings_key(summarizer)
        self.stats = BatchStats()
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Finish the reports in flight, start no new ones (what Ctrl-C does)."""
        self._stop.set()
        self.stats.interrupted = True

    async def run(self, inputs: Sequence[str | os.PathLike[str]]) -> AsyncIterator[BatchRecord]:
        """Process ``inputs``, yielding each record as soon as it is written."""
        paths = expand_inputs(inputs)
        self.output.parent.mkdir(parents=True, exist_ok=True)
        done = _read_done(self.output, self.key, self.retry_failed)
        units: list[tuple[Path, str | None, _Part | None]] = []
        for path in paths:
            parts = await asyncio.to_thread(_parts, path) if self.split else []
            if len(parts) > 1:
                units += [(path, part.digest, part) for part in parts]
            else:
                units.append((path, _file_digest(path), None))
        todo: list[tuple[Path, str | None, _Part | None]] = []
        for path, digest, part in units:
            if (part.name if part else str(path), digest) in done:
                self.stats.skipped += 1
            else:
                todo.append((path, digest, part))
        self.stats.total = len(units)
        queue: asyncio.Queue[BatchRecord] = asyncio.Queue()
        limit = asyncio.Semaphore(self.concurrency)

        async def work(path: Path, digest: str | None, part: _Part | None) -> None:
            async with limit:
                if self._stop.is_set():
                    return
                await queue.put(await self._one(path, digest, part))

        tasks = [asyncio.create_task(work(*unit)) for unit in todo]
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
                handle.write(record.to_json() + "\n")
                handle.flush()
                self._count(record)
                if self.on_record is not None:
                    self.on_record(record, self.stats)
                yield record
        await finished

    def _count(self, record: BatchRecord) -> None:
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

    async def _one(self, path: Path, digest: str | None, part: _Part | None = None) -> BatchRecord:
        """Summarize one input; every failure becomes an error record, never a lost input."""
        name = Path(part.name) if part is not None else path
        try:
            if part is None:
                report = await asyncio.to_thread(load_report, path)
            else:
                report = await asyncio.to_thread(report_from_text, part.text, source=part.name)
            if self.strict and report.warnings:
                raise InputError(f"{'；'.join(report.warnings)}（--strict：未处理）")
            summary, cached = await self._summarize(report)
        except InputError as error:
            return self._error(name, digest, error, attempts=0)
        except ProviderError as error:
            if error.status_code in (401, 403, 404):
                self.stop()  # a wrong key, permission or model name fails every report alike
            return self._error(name, digest, error, attempts=1)
        except (ExtractionError, RulelawError) as error:
            return self._error(name, digest, error, attempts=1)
        except asyncio.CancelledError:
            raise
        # A batch records every failure, even a bug of ours, rather than lose the input.
        except Exception as error:
            return self._error(name, digest, error, attempts=1)
        return BatchRecord(
            record="result",
            input=str(name),
            input_sha256=digest,
            settings_key=self.key,
            finished_at=_now(),
            summary=summary,
            cached=cached,
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
        self, path: Path, digest: str | None, error: BaseException, *, attempts: int
    ) -> BatchRecord:
        return BatchRecord(
            record="error",
            input=str(path),
            input_sha256=digest,
            settings_key=self.key,
            finished_at=_now(),
            error_type=type(error).__name__,
            message=str(error) or type(error).__name__,
            attempts=attempts,
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
