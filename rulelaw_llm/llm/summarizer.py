"""``Summarizer`` and ``AsyncSummarizer``: the LLM backend, two thin drivers of one flow.

All decisions live in ``rulelaw_llm.llm.flow`` (a generator that yields requests and receives
replies): what to ask, which answers to accept, which keys to re-ask, when to stop. The
classes here only send: build the HTTP request for the structured-output mode, send it
with the transport retry policy, read the answer as far as a JSON object, and keep the
usage ledger. Three kinds of failure, one place each, never nested:

1. transport faults (connection, timeout, 429, 5xx): the tenacity policy in ``transport``
   around each HTTP request; the openai client's own retries are off;
2. answers that fail their checks: the flow re-asks only the failing keys, and stops when
   an answer repeats the previous one or the per-report budget is spent;
3. truncated answers (``finish_reason == "length"``): the flow raises the token limit
   once, then asks for half of the keys; never a blind re-ask.

instructor is used only to shape a request for a mode (tools, JSON, Markdown JSON), never
for its re-ask loop or its templating: report text reaches the model verbatim.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from typing import Any, TypeVar

import instructor
import openai
from instructor.processing.response import handle_response_model
from pydantic import BaseModel
from typing_extensions import Unpack

from rulelaw_llm.errors import BudgetExceededError, ExtractionError
from rulelaw_llm.llm.fallback import FallbackMemory, fallback_async_client, fallback_client
from rulelaw_llm.llm.flow import (
    FlowResult,
    ReaskRecord,
    RunState,
    TaskOutcome,
    run_task,
    summary_flow,
)
from rulelaw_llm.llm.prompts import PROMPT_VERSION
from rulelaw_llm.llm.providers import ProviderConfig, resolve_provider
from rulelaw_llm.llm.settings import Settings, SettingsOverrides
from rulelaw_llm.llm.tasks import Reply, Request, Task
from rulelaw_llm.llm.transport import (
    async_transport_policy,
    clean_output,
    provider_error,
    transport_policy,
)
from rulelaw_llm.logs import during_library_call, quiet_third_party
from rulelaw_llm.reading.document import Report
from rulelaw_llm.rules.offline import as_report, library_version, text_digest
from rulelaw_llm.schema import Attempt, Provenance, ReportSummary, Usage

__all__ = ["AsyncSummarizer", "Summarizer"]

Source = str | os.PathLike[str] | bytes | Report
Result = TypeVar("Result")

_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}
_USER_SLOT = "\x00user\x00"
_log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Ledger:
    """Tokens, attempts and time of one report, by request id."""

    budget: int | None
    attempts: dict[int, Attempt] = field(default_factory=dict)
    transport_retries: int = 0
    raw_outputs: list[str] = field(default_factory=list)

    @property
    def tokens(self) -> int:
        return sum(a.prompt_tokens + a.completion_tokens for a in self.attempts.values())

    def check_budget(self) -> None:
        if self.budget is not None and self.tokens >= self.budget:
            raise BudgetExceededError(
                f"本报告已用 {self.tokens} 个 token，达到预算 {self.budget}：已停止。"
                "可调大 token_budget，或用 --offline 得到规则摘要。"
            )

    def record(self, request: Request, completion: Any, seconds: float) -> None:
        usage = getattr(completion, "usage", None)
        details = getattr(usage, "prompt_tokens_details", None)
        _log.debug(
            "请求 %s：提示 %s、生成 %s 个 token，%.2f 秒",
            request.label,
            getattr(usage, "prompt_tokens", 0),
            getattr(usage, "completion_tokens", 0),
            seconds,
        )
        self.attempts[request.id] = Attempt(
            step=request.label,
            prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
            cached_tokens=getattr(details, "cached_tokens", 0) or 0,
            seconds=round(seconds, 3),
        )

    def record_error(self, request: Request, seconds: float) -> None:
        self.attempts[request.id] = Attempt(
            step=request.label, seconds=round(seconds, 3), outcome="error"
        )

    def usage(
        self,
        state: RunState,
        settings: Settings,
        model: str,
        seconds: float,
        discount: float | None = None,
    ) -> Usage:
        """The report's usage; ``discount`` (a Batch API's share of the price) scales the cost."""
        attempts = [
            attempt.model_copy(update={"outcome": state.verdicts.get(request_id, "ok")})
            if attempt.outcome != "error"
            else attempt
            for request_id, attempt in sorted(self.attempts.items())
        ]
        prompt = sum(a.prompt_tokens for a in attempts)
        completion = sum(a.completion_tokens for a in attempts)
        cached = sum(a.cached_tokens for a in attempts)
        price = settings.prices.get(model)
        cost = currency = None
        if price is not None:
            cached_rate = price.cached_prompt if price.cached_prompt is not None else price.prompt
            cost = round(
                (
                    (prompt - cached) * price.prompt
                    + cached * cached_rate
                    + completion * price.completion
                )
                / 1_000_000
                * (discount if discount is not None else 1.0),
                6,
            )
            currency = price.currency
        return Usage(
            requests=len(attempts),
            reasks=state.reasks,
            reasks_without_progress=state.reasks_without_progress,
            repeated_answers=state.repeated_answers,
            reasks_skipped=state.reasks_skipped,
            transport_retries=self.transport_retries,
            prompt_tokens=prompt,
            completion_tokens=completion,
            cached_tokens=cached,
            seconds=round(seconds, 3),
            cost=cost,
            currency=currency,
            batch_discount=discount,
            attempts=attempts,
        )


def _settings(
    settings: Settings | None, overrides: SettingsOverrides, config: ProviderConfig
) -> Settings:
    """The settings with the provider preset's plan filled in where none was chosen."""
    chosen = (settings or Settings()).with_overrides(**overrides)
    return chosen.with_overrides(
        scope=chosen.scope or config.scope or "unsure",
        keys_per_request=chosen.keys_per_request or config.keys_per_request or 8,
    )


def _config(
    provider: str | None,
    model: str | None,
    base_url: str | None,
    api_key: str | None,
    client: openai.OpenAI | openai.AsyncOpenAI | None,
    mode: str | None,
) -> ProviderConfig:
    if client is not None:
        base_url = base_url or str(client.base_url)
        api_key = api_key or client.api_key
    return resolve_provider(
        provider=provider, model=model, base_url=base_url, api_key=api_key, mode=mode
    )


@cache
def _shaped(response_model: type[BaseModel], mode: str, system: str) -> dict[str, Any]:
    """The request arguments a mode needs for a response model, computed once per shape.

    The user message is a placeholder filled in per request by plain replacement (no
    template engine). ``json_grammar`` attaches the schema to ``response_format`` for
    servers that turn it into a grammar (llama.cpp), without repeating it in the prompt.
    """
    messages = [{"role": "system", "content": system}, {"role": "user", "content": _USER_SLOT}]
    if mode == "json_grammar":
        return {
            "messages": messages,
            "response_format": {
                "type": "json_object",
                "schema": response_model.model_json_schema(),
            },
        }
    _, shaped = handle_response_model(response_model, mode=_MODES[mode], messages=messages)
    return shaped


def _arguments(request: Request, config: ProviderConfig, temperature: float) -> dict[str, Any]:
    """The chat.completions arguments of one request."""
    shaped = _shaped(request.response_model, config.mode, request.system)
    arguments: dict[str, Any] = {
        "model": config.model,
        "max_tokens": request.max_tokens,
        "temperature": temperature,
    }
    for name, value in shaped.items():
        if name == "messages":
            value = [
                {**message, "content": message["content"].replace(_USER_SLOT, request.user)}
                if message["role"] == "user"
                else message
                for message in value
            ]
        arguments[name] = value
    extra_body = dict(config.extra_body)
    if "response_format" in arguments and config.mode == "json_grammar":
        extra_body["response_format"] = arguments.pop("response_format")
    if extra_body:
        arguments["extra_body"] = extra_body
    return arguments


def _reply(completion: Any, mode: str) -> Reply:
    """Read an answer as far as a JSON object (no validation: the flow checks each key)."""
    choices = getattr(completion, "choices", None) or []
    if not choices:
        return Reply(None, None)
    choice = choices[0]
    message = choice.message
    raw: str | None
    if mode == "tools" and message.tool_calls:
        raw = str(message.tool_calls[0].function.arguments)
    else:
        raw = clean_output(message.content if isinstance(message.content, str) else None)
    truncated = choice.finish_reason == "length"
    data: object = None
    if raw:
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            start, end = raw.find("{"), raw.rfind("}")
            if 0 <= start < end:
                try:
                    data = json.loads(raw[start : end + 1])
                except json.JSONDecodeError:
                    data = None
    return Reply(data if isinstance(data, dict) else None, raw, truncated=truncated)


def _finish(
    result: FlowResult,
    report: Report,
    config: ProviderConfig,
    settings: Settings,
    ledger: _Ledger,
    started: float,
    discount: float | None = None,
) -> ReportSummary:
    attempts = [a for a in ledger.attempts.values() if a.outcome != "error"]
    if attempts and all(verdict == "invalid" for verdict in result.state.verdicts.values()):
        unreadable = not any(
            isinstance(raw, str) and raw.strip().startswith("{") for raw in ledger.raw_outputs
        )
        if unreadable:
            raise ExtractionError(
                f"模型的 {len(attempts)} 次回答都不是 JSON 对象：请检查 mode（当前 {config.mode}）"
                "是否适合该服务，或改用 --offline。",
                attempts=ledger.raw_outputs,
            )
    provenance = Provenance(
        backend="llm",
        provider=config.provider,
        model=config.model,
        base_url=config.public_base_url,
        downgrades=list(config.downgrades),
        prompt_version=PROMPT_VERSION,
        library_version=library_version(),
        source=report.source,
        text_sha256=text_digest(report.text),
        usage=ledger.usage(
            result.state, settings, config.model, time.perf_counter() - started, discount
        ),
        created_at=datetime.now(timezone.utc),
    )
    usage = provenance.usage
    _log.info(
        "已完成 %s：%d 次请求，%d 次重问，%d 次传输重试，%d + %d 个 token，%.1f 秒，拒绝 %d 项",
        report.source or report.entity or "报告",
        usage.requests,
        usage.reasks,
        usage.transport_retries,
        usage.prompt_tokens,
        usage.completion_tokens,
        usage.seconds,
        len(result.summary.rejected),
    )
    update: dict[str, object] = {"provenance": provenance}
    if result.state.reasks_skipped:
        update["warnings"] = [
            *result.summary.warnings,
            f"模型在本次运行中连续 {settings.reask_stop} 次重问都没有新通过的内容，之后不再重问"
            f"（本报告少发 {result.state.reasks_skipped} 次；reask_stop=0 可关闭）。",
        ]
    return result.summary.model_copy(update=update)


def _start(flow: Generator[Result, Any, Any]) -> Result:
    return next(flow)


def _effective(config: ProviderConfig, memory: FallbackMemory) -> ProviderConfig:
    return config.with_downgrades(memory.describe(config.base_url, config.model))


def _client(
    config: ProviderConfig,
    settings: Settings,
    client: openai.OpenAI | openai.AsyncOpenAI | None,
    memory: FallbackMemory,
    *,
    asynchronous: bool,
) -> Any:
    """The one place an openai client is built (or an injected one is adapted).

    The SDK's own retries are off: transport retries are ours (``transport``). Under the
    client, the fallback transport downgrades a parameter the provider refuses
    (``fallback``), remembered in ``memory``.
    """
    if asynchronous:
        return fallback_async_client(
            client if isinstance(client, openai.AsyncOpenAI) else None,
            config,
            memory,
            timeout=settings.timeout,
            connect_timeout=settings.connect_timeout,
        )
    return fallback_client(
        client if isinstance(client, openai.OpenAI) else None,
        config,
        memory,
        timeout=settings.timeout,
        connect_timeout=settings.connect_timeout,
    )


class _Endpoint:
    """What both summarizers hold: the endpoint, the settings and what a run has learnt."""

    _config: ProviderConfig
    settings: Settings
    _fallback: FallbackMemory
    _reasks: ReaskRecord

    def _setup(
        self,
        provider: str | None,
        model: str | None,
        base_url: str | None,
        api_key: str | None,
        client: openai.OpenAI | openai.AsyncOpenAI | None,
        settings: Settings | None,
        options: SettingsOverrides,
    ) -> None:
        mode = options.get("mode", settings.mode if settings else None)
        self._config = _config(provider, model, base_url, api_key, client, mode)
        self.settings = _settings(settings, options, self._config)
        # Refused parameters are downgraded under the client, at the HTTP layer (fallback).
        self._fallback = FallbackMemory()
        # Whether the model's re-asks make progress, over every report this summarizer serves.
        self._reasks = ReaskRecord(limit=self.settings.reask_stop)
        quiet_third_party()

    @property
    def config(self) -> ProviderConfig:
        """The effective endpoint: the resolved one plus the downgrades learnt so far."""
        return _effective(self._config, self._fallback)

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(provider={self.config.provider!r}, model={self.config.model!r})"


class Summarizer(_Endpoint):
    """Summarize reports with an LLM behind an OpenAI-compatible API (synchronous).

    ``Summarizer(base_url="http://intranet:8000/v1", model="qwen2.5-7b")``, or
    ``Summarizer(provider="deepseek")`` with ``DEEPSEEK_API_KEY`` set, or an injected
    ``openai.OpenAI`` client. Options (``scope``, ``temperature``, ``reasks``,
    ``digest_chars``…) are the fields of ``Settings``.
    """

    def __init__(
        self,
        *,
        provider: str | None = None,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        client: openai.OpenAI | None = None,
        settings: Settings | None = None,
        **options: Unpack[SettingsOverrides],
    ) -> None:
        self._setup(provider, model, base_url, api_key, client, settings, options)
        self._client: openai.OpenAI = _client(
            self._config, self.settings, client, self._fallback, asynchronous=False
        )

    @during_library_call
    def summarize(self, source: Source) -> ReportSummary:
        """Read a report (path, text, bytes or ``Report``) and return its grounded summary."""
        started = time.perf_counter()
        report = as_report(source)
        ledger = _Ledger(self.settings.token_budget)
        flow = summary_flow(report, self.settings, self._reasks)
        batch = _start(flow)
        while True:
            replies = [self._send(request, ledger) for request in batch]
            try:
                batch = flow.send(replies)
            except StopIteration as stop:
                return _finish(stop.value, report, self.config, self.settings, ledger, started)

    @during_library_call
    def ask(self, task: Task) -> TaskOutcome:
        """Run one task (any ``rulelaw_llm.llm.tasks.Task``) and return what was accepted."""
        state = RunState(reask_budget=self.settings.reask_budget, record=self._reasks)
        ledger = _Ledger(self.settings.token_budget)
        flow = run_task(task, self.settings, state)
        request = _start(flow)
        while True:
            try:
                request = flow.send(self._send(request, ledger))
            except StopIteration as stop:
                outcome: TaskOutcome = stop.value
                return outcome

    def _send(self, request: Request, ledger: _Ledger) -> Reply:
        ledger.check_budget()
        arguments = _arguments(request, self.config, self.settings.temperature)
        started = time.perf_counter()

        def count_retry() -> None:
            ledger.transport_retries += 1

        attempts = 0
        try:
            for attempt in transport_policy(self.settings, count_retry):
                with attempt:
                    attempts += 1
                    completion = self._client.chat.completions.create(**arguments)
        except openai.OpenAIError as error:
            ledger.record_error(request, time.perf_counter() - started)
            raise provider_error(error, self.config, attempts=attempts) from error
        ledger.record(request, completion, time.perf_counter() - started)
        reply = _reply(completion, self.config.mode)
        ledger.raw_outputs.append(reply.raw or "")
        return reply


class AsyncSummarizer(_Endpoint):
    """The asynchronous twin of ``Summarizer``: each round of a report's requests runs concurrently.

    ``settings.concurrency`` bounds the requests in flight across all reports it serves.
    """

    def __init__(
        self,
        *,
        provider: str | None = None,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        client: openai.AsyncOpenAI | None = None,
        settings: Settings | None = None,
        **options: Unpack[SettingsOverrides],
    ) -> None:
        self._setup(provider, model, base_url, api_key, client, settings, options)
        self._client: openai.AsyncOpenAI = _client(
            self._config, self.settings, client, self._fallback, asynchronous=True
        )
        # One limit for every report this summarizer serves, so that a batch of N reports
        # in flight never has more than ``concurrency`` requests in flight.
        self._limit = asyncio.Semaphore(self.settings.concurrency)

    @during_library_call
    async def summarize(self, source: Source) -> ReportSummary:
        """Read a report (path, text, bytes or ``Report``) and return its grounded summary."""
        started = time.perf_counter()
        report = as_report(source)
        ledger = _Ledger(self.settings.token_budget)
        flow = summary_flow(report, self.settings, self._reasks)
        batch = _start(flow)
        while True:
            replies = list(await asyncio.gather(*(self._send(r, ledger) for r in batch)))
            try:
                batch = flow.send(replies)
            except StopIteration as stop:
                return _finish(stop.value, report, self.config, self.settings, ledger, started)

    @during_library_call
    async def ask(self, task: Task) -> TaskOutcome:
        """Run one task (any ``rulelaw_llm.llm.tasks.Task``) and return what was accepted."""
        state = RunState(reask_budget=self.settings.reask_budget, record=self._reasks)
        ledger = _Ledger(self.settings.token_budget)
        flow = run_task(task, self.settings, state)
        request = _start(flow)
        while True:
            try:
                request = flow.send(await self._send(request, ledger))
            except StopIteration as stop:
                outcome: TaskOutcome = stop.value
                return outcome

    async def _send(self, request: Request, ledger: _Ledger) -> Reply:
        ledger.check_budget()
        arguments = _arguments(request, self.config, self.settings.temperature)
        started = time.perf_counter()

        def count_retry() -> None:
            ledger.transport_retries += 1

        attempts = 0
        try:
            async for attempt in async_transport_policy(self.settings, count_retry):
                with attempt:
                    attempts += 1
                    # Every HTTP request takes a slot, so the limit holds however the work
                    # is split.
                    async with self._limit:
                        completion = await self._client.chat.completions.create(**arguments)
        except openai.OpenAIError as error:
            ledger.record_error(request, time.perf_counter() - started)
            raise provider_error(error, self.config, attempts=attempts) from error
        ledger.record(request, completion, time.perf_counter() - started)
        reply = _reply(completion, self.config.mode)
        ledger.raw_outputs.append(reply.raw or "")
        return reply
