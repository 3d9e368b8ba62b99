"""``Summarizer`` and ``AsyncSummarizer``: the LLM backend, twin classes over shared functions.

Three layers of retry, never nested so that attempts multiply:

1. transport faults (connection, timeout, 429, 5xx): the tenacity policy in ``transport``
   around each HTTP request; the openai client's own retries are off;
2. answers that fail validation: instructor's re-ask loop (``max_retries`` with a tenacity
   policy that retries only validation and JSON errors), with a Chinese message naming the
   failing fields; after the budget, the last answer is sorted field by field;
3. truncated answers (``finish_reason == "length"``): the token limit is doubled once,
   then the request is split in two; never a blind re-ask.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, Retrying, retry_if_exception_type, stop_after_attempt
from typing_extensions import Unpack

from rulelaw_llm.document import Report
from rulelaw_llm.errors import BudgetExceededError, RulelawError
from rulelaw_llm.extraction import (
    Answer,
    Step,
    answer_from_model,
    answer_from_raw,
    apply_digest,
    assemble,
    digest_step,
    followup_step,
    plan_steps,
    split_step,
    unresolved_quantities,
)
from rulelaw_llm.logs import during_library_call, quiet_third_party
from rulelaw_llm.offline import as_report, library_version, summarize_offline, text_digest
from rulelaw_llm.prompts import PROMPT_VERSION
from rulelaw_llm.providers import ProviderConfig, resolve_provider
from rulelaw_llm.schema import Attempt, Provenance, Rejected, RejectedKind, ReportSummary, Usage
from rulelaw_llm.settings import Settings, SettingsOverrides
from rulelaw_llm.transport import (
    async_transport_policy,
    clean_completion,
    provider_error,
    transport_policy,
)

__all__ = ["AsyncSummarizer", "Summarizer"]

Source = str | os.PathLike[str] | bytes | Report

_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    # json_object with the schema attached: servers built on llama.cpp's grammar
    # (llama-cpp-python) then constrain the answer to the schema.
    "json_grammar": instructor.Mode.JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}
# Only answers that fail validation or are not JSON are re-asked.
_REASKABLE = (ValidationError, json.JSONDecodeError, ValueError)
_log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Ledger:
    """Tokens, attempts and time of one report."""

    budget: int | None
    attempts: list[Attempt] = field(default_factory=list)
    transport_retries: int = 0
    reasks: int = 0

    @property
    def tokens(self) -> int:
        return sum(a.prompt_tokens + a.completion_tokens for a in self.attempts)

    def check_budget(self) -> None:
        if self.budget is not None and self.tokens >= self.budget:
            raise BudgetExceededError(
                f"本报告已用 {self.tokens} 个 token，达到预算 {self.budget}：已停止。"
                "可调大 token_budget，或用 --offline 得到规则摘要。"
            )

    def record(self, step: str, completion: Any, seconds: float) -> None:
        usage = getattr(completion, "usage", None)
        details = getattr(usage, "prompt_tokens_details", None)
        choices = getattr(completion, "choices", None) or []
        finish = getattr(choices[0], "finish_reason", None) if choices else None
        _log.debug(
            "请求 %s：提示 %s、生成 %s 个 token，%.2f 秒，结束原因 %s",
            step,
            getattr(usage, "prompt_tokens", 0),
            getattr(usage, "completion_tokens", 0),
            seconds,
            finish,
        )
        self.attempts.append(
            Attempt(
                step=step,
                prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
                completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
                cached_tokens=getattr(details, "cached_tokens", 0) or 0,
                seconds=round(seconds, 3),
                outcome="truncated" if finish == "length" else "ok",
            )
        )

    def record_error(self, step: str, seconds: float) -> None:
        self.attempts.append(Attempt(step=step, seconds=round(seconds, 3), outcome="error"))

    def settle(self, step: str, first: int, *, succeeded: bool) -> None:
        """Mark one request's attempts from index ``first``: all but a success are invalid."""
        mine = [
            i
            for i in range(first, len(self.attempts))
            if self.attempts[i].step == step and self.attempts[i].outcome == "ok"
        ]
        failed = mine if not succeeded else mine[:-1]
        if not succeeded:
            _log.info(
                "请求 %s 的 %d 次回答未被完整采用：合格部分保留，其余进入 rejected", step, len(mine)
            )
        for index in failed:
            self.attempts[index] = self.attempts[index].model_copy(update={"outcome": "invalid"})
        self.reasks += max(0, len(mine) - 1)

    def usage(self, settings: Settings, model: str, seconds: float) -> Usage:
        prompt = sum(a.prompt_tokens for a in self.attempts)
        completion = sum(a.completion_tokens for a in self.attempts)
        cached = sum(a.cached_tokens for a in self.attempts)
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
                / 1_000_000,
                6,
            )
            currency = price.currency
        return Usage(
            requests=len(self.attempts),
            reasks=self.reasks,
            transport_retries=self.transport_retries,
            prompt_tokens=prompt,
            completion_tokens=completion,
            cached_tokens=cached,
            seconds=round(seconds, 3),
            cost=cost,
            currency=currency,
            attempts=list(self.attempts),
        )


def _settings(settings: Settings | None, overrides: SettingsOverrides) -> Settings:
    return (settings or Settings()).with_overrides(**overrides)


def _config(
    provider: str | None,
    model: str | None,
    base_url: str | None,
    api_key: str | None,
    client: openai.OpenAI | openai.AsyncOpenAI | None,
    settings: Settings,
) -> ProviderConfig:
    if client is not None:
        base_url = base_url or str(client.base_url)
        api_key = api_key or client.api_key
    return resolve_provider(
        provider=provider, model=model, base_url=base_url, api_key=api_key, mode=settings.mode
    )


def _request(
    step: Step, config: ProviderConfig, settings: Settings, max_tokens: int
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "model": config.model,
        "messages": [dict(message) for message in step.messages],
        "response_model": step.response_model,
        "context": step.context,
        "max_tokens": max_tokens,
        "temperature": settings.temperature,
    }
    extra_body = dict(config.extra_body)
    if config.mode == "json_grammar":
        extra_body["response_format"] = {
            "type": "json_object",
            "schema": step.response_model.model_json_schema(),
        }
    if extra_body:
        kwargs["extra_body"] = extra_body
    return kwargs


def _raw_output(error: InstructorRetryException, mode: str) -> str | None:
    completion = error.last_completion
    if completion is None and error.failed_attempts:
        completion = error.failed_attempts[-1].completion
    choices = getattr(completion, "choices", None) or []
    if not choices:
        return None
    message = choices[0].message
    if mode == "tools" and message.tool_calls:
        return str(message.tool_calls[0].function.arguments)
    return message.content if isinstance(message.content, str) else None


def _unwrap(error: InstructorRetryException) -> RulelawError | None:
    """The library error a request raised inside instructor's loop, if any."""
    cause: BaseException | None = error.__cause__
    while cause is not None:
        if isinstance(cause, RulelawError):
            return cause
        cause = cause.__cause__
    return None


def _truncated(step: Step) -> Answer:
    kinds: dict[str, RejectedKind] = {
        "names": "indicator",
        "items": "achievement",
        "digest": "digest",
    }
    answer = Answer(failed=True)
    answer.rejected.append(
        Rejected(
            kind=kinds[step.kind],
            content={"request": step.key},
            reason="模型输出超过了 token 上限且无法再拆分",
        )
    )
    return answer


def _after_truncation(
    report: Report, step: Step, settings: Settings, max_tokens: int
) -> tuple[int | None, list[Step]]:
    """After a truncated answer: a higher limit to retry with, else the halves to run."""
    if max_tokens < settings.max_tokens_ceiling:
        return min(max_tokens * 2, settings.max_tokens_ceiling), []
    return None, split_step(report, step, settings)


def _after_failed_reasks(step: Step, error: InstructorRetryException, mode: str) -> Answer:
    """After the re-ask budget: re-raise a library error, else sort the last answer."""
    library_error = _unwrap(error)
    if library_error is not None:
        raise library_error from error
    raw = _raw_output(error, mode)
    return answer_from_raw(step, raw, str(error).splitlines()[0][:200])


def _reask_policy(settings: Settings, policy: type[Retrying] | type[AsyncRetrying]) -> Any:
    """Instructor's re-ask loop: only answers that fail validation or are not JSON."""
    return policy(
        stop=stop_after_attempt(settings.reasks + 1),
        retry=retry_if_exception_type(_REASKABLE),
        reraise=True,
    )


def _finish(
    summary: ReportSummary,
    report: Report,
    config: ProviderConfig,
    settings: Settings,
    ledger: _Ledger,
    started: float,
) -> ReportSummary:
    provenance = Provenance(
        backend="llm",
        provider=config.provider,
        model=config.model,
        base_url=config.public_base_url,
        prompt_version=PROMPT_VERSION,
        library_version=library_version(),
        source=report.source,
        text_sha256=text_digest(report.text),
        usage=ledger.usage(settings, config.model, time.perf_counter() - started),
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
        len(summary.rejected),
    )
    return summary.model_copy(update={"provenance": provenance})


class Summarizer:
    """Summarize reports with an LLM behind an OpenAI-compatible API (synchronous).

    ``Summarizer(base_url="http://intranet:8000/v1", model="qwen2.5-7b")``, or
    ``Summarizer(provider="deepseek")`` with ``DEEPSEEK_API_KEY`` set, or an injected
    ``openai.OpenAI`` client. Options (``temperature``, ``reasks``, ``digest_chars``…) are
    the fields of ``Settings``.
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
        self.settings = _settings(settings, options)
        self.config = _config(provider, model, base_url, api_key, client, self.settings)
        self._client = (
            client.with_options(max_retries=0, timeout=self.settings.timeout)
            if client is not None
            else openai.OpenAI(
                base_url=self.config.base_url,
                api_key=self.config.api_key,
                max_retries=0,
                timeout=self.settings.timeout,
            )
        )
        self._mode = _MODES[self.config.mode]
        quiet_third_party()

    def __repr__(self) -> str:
        return f"Summarizer(provider={self.config.provider!r}, model={self.config.model!r})"

    @during_library_call
    def summarize(self, source: Source) -> ReportSummary:
        """Read a report (path, text, bytes or ``Report``) and return its grounded summary."""
        started = time.perf_counter()
        report = as_report(source)
        baseline = summarize_offline(report, digest_chars=self.settings.digest_chars)
        ledger = _Ledger(self.settings.token_budget)
        answers: list[tuple[Step, Answer]] = []
        for step in plan_steps(report, self.settings):
            answers += self._run(report, step, ledger)
        unresolved = unresolved_quantities(report, answers)
        if unresolved:
            answers += self._run(report, followup_step(report, unresolved), ledger)
        summary = assemble(report, baseline, answers)
        digest = self._run(report, digest_step(summary, self.settings), ledger)
        summary = apply_digest(summary, digest[0][1] if digest else None, self.settings)
        return _finish(summary, report, self.config, self.settings, ledger, started)

    def _create_function(self, step: Step, ledger: _Ledger) -> Callable[..., Any]:
        def create(**kwargs: Any) -> Any:
            ledger.check_budget()
            started = time.perf_counter()

            def count_retry() -> None:
                ledger.transport_retries += 1

            attempts = 0
            try:
                for attempt in transport_policy(self.settings, count_retry):
                    with attempt:
                        attempts += 1
                        completion = self._client.chat.completions.create(**kwargs)
            except openai.OpenAIError as error:
                ledger.record_error(step.key, time.perf_counter() - started)
                raise provider_error(error, self.config, attempts=attempts) from error
            if self.config.mode != "tools":
                clean_completion(completion)
            ledger.record(step.key, completion, time.perf_counter() - started)
            return completion

        return create

    def _run(self, report: Report, step: Step, ledger: _Ledger) -> list[tuple[Step, Answer]]:
        max_tokens = self.settings.max_tokens
        patched = instructor.patch(create=self._create_function(step, ledger), mode=self._mode)
        while True:
            first = len(ledger.attempts)
            try:
                result: BaseModel = patched(
                    **_request(step, self.config, self.settings, max_tokens),
                    max_retries=_reask_policy(self.settings, Retrying),
                )
            except IncompleteOutputException:
                ledger.settle(step.key, first, succeeded=False)
                higher, parts = _after_truncation(report, step, self.settings, max_tokens)
                if higher is not None:
                    max_tokens = higher
                    continue
                if not parts:
                    return [(step, _truncated(step))]
                return [pair for part in parts for pair in self._run(report, part, ledger)]
            except InstructorRetryException as error:
                ledger.settle(step.key, first, succeeded=False)
                return [(step, _after_failed_reasks(step, error, self.config.mode))]
            ledger.settle(step.key, first, succeeded=True)
            return [(step, answer_from_model(step, result))]


class AsyncSummarizer:
    """The asynchronous twin of ``Summarizer``: a report's requests run concurrently.

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
        self.settings = _settings(settings, options)
        self.config = _config(provider, model, base_url, api_key, client, self.settings)
        self._client = (
            client.with_options(max_retries=0, timeout=self.settings.timeout)
            if client is not None
            else openai.AsyncOpenAI(
                base_url=self.config.base_url,
                api_key=self.config.api_key,
                max_retries=0,
                timeout=self.settings.timeout,
            )
        )
        self._mode = _MODES[self.config.mode]
        # One limit for every report this summarizer serves, so that a batch of N reports
        # in flight never has more than ``concurrency`` requests in flight.
        self._limit = asyncio.Semaphore(self.settings.concurrency)
        quiet_third_party()

    def __repr__(self) -> str:
        return f"AsyncSummarizer(provider={self.config.provider!r}, model={self.config.model!r})"

    @during_library_call
    async def summarize(self, source: Source) -> ReportSummary:
        """Read a report (path, text, bytes or ``Report``) and return its grounded summary."""
        started = time.perf_counter()
        report = as_report(source)
        baseline = summarize_offline(report, digest_chars=self.settings.digest_chars)
        ledger = _Ledger(self.settings.token_budget)

        groups = await asyncio.gather(
            *(self._run(report, step, ledger) for step in plan_steps(report, self.settings))
        )
        answers = [pair for group in groups for pair in group]
        unresolved = unresolved_quantities(report, answers)
        if unresolved:
            answers += await self._run(report, followup_step(report, unresolved), ledger)
        summary = assemble(report, baseline, answers)
        digest = await self._run(report, digest_step(summary, self.settings), ledger)
        summary = apply_digest(summary, digest[0][1] if digest else None, self.settings)
        return _finish(summary, report, self.config, self.settings, ledger, started)

    def _create_function(self, step: Step, ledger: _Ledger) -> Callable[..., Awaitable[Any]]:
        async def create(**kwargs: Any) -> Any:
            ledger.check_budget()
            started = time.perf_counter()

            def count_retry() -> None:
                ledger.transport_retries += 1

            attempts = 0
            try:
                async for attempt in async_transport_policy(self.settings, count_retry):
                    with attempt:
                        attempts += 1
                        # Every HTTP request (first tries, re-asks, follow-ups, digests)
                        # takes a slot, so the limit holds however the work is split.
                        async with self._limit:
                            completion = await self._client.chat.completions.create(**kwargs)
            except openai.OpenAIError as error:
                ledger.record_error(step.key, time.perf_counter() - started)
                raise provider_error(error, self.config, attempts=attempts) from error
            if self.config.mode != "tools":
                clean_completion(completion)
            ledger.record(step.key, completion, time.perf_counter() - started)
            return completion

        return create

    async def _run(self, report: Report, step: Step, ledger: _Ledger) -> list[tuple[Step, Answer]]:
        max_tokens = self.settings.max_tokens
        patched = instructor.patch(create=self._create_function(step, ledger), mode=self._mode)
        while True:
            first = len(ledger.attempts)
            try:
                result: BaseModel = await patched(
                    **_request(step, self.config, self.settings, max_tokens),
                    max_retries=_reask_policy(self.settings, AsyncRetrying),
                )
            except IncompleteOutputException:
                ledger.settle(step.key, first, succeeded=False)
                higher, parts = _after_truncation(report, step, self.settings, max_tokens)
                if higher is not None:
                    max_tokens = higher
                    continue
                if not parts:
                    return [(step, _truncated(step))]
                pairs: list[tuple[Step, Answer]] = []
                for part in parts:
                    pairs += await self._run(report, part, ledger)
                return pairs
            except InstructorRetryException as error:
                ledger.settle(step.key, first, succeeded=False)
                return [(step, _after_failed_reasks(step, error, self.config.mode))]
            ledger.settle(step.key, first, succeeded=True)
            return [(step, answer_from_model(step, result))]
