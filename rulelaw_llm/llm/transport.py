"""Transport faults: one tenacity policy around each HTTP request, separate from re-asks.

Retried: connection errors, timeouts, 429 (honouring Retry-After, bounded) and 5xx, with
exponential backoff and jitter. Never retried: 400/401/403/404/422, which become a
``ProviderError`` that says what to do. The openai client itself is built with
``max_retries=0`` so attempts never multiply.

This module also cleans raw model output before parsing where the mode needs it
(``<think>`` blocks, Markdown code fences).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from typing import Any

import openai
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from rulelaw_llm.errors import ProviderError, ProviderUnreachableError
from rulelaw_llm.llm.fallback import REFUSED_HEADER
from rulelaw_llm.llm.providers import ProviderConfig
from rulelaw_llm.llm.settings import Settings

__all__ = [
    "async_transport_policy",
    "clean_output",
    "is_transient",
    "is_unreachable",
    "provider_error",
    "transport_policy",
]


logger = logging.getLogger("rulelaw_llm.llm.transport")


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


async def _async_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


_SCHEMA_REJECTED = re.compile(r"json_schema|response_format|validation error", re.IGNORECASE)


def _status(error: BaseException) -> int | None:
    return error.status_code if isinstance(error, openai.APIStatusError) else None


def is_transient(error: BaseException) -> bool:
    """Whether retrying the same request may succeed."""
    if isinstance(error, openai.APIConnectionError):  # includes APITimeoutError
        return True
    status = _status(error)
    if status == 429:
        return True
    if status is not None and status >= 500:
        # llama-cpp-python answers an unsupported response_format with a 500 that carries
        # a validation message: retrying it is in vain.
        return not _SCHEMA_REJECTED.search(str(error))
    return False


def _retry_after(error: BaseException | None, limit: float) -> float | None:
    if not isinstance(error, openai.APIStatusError) or error.status_code != 429:
        return None
    headers = error.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            continue
        return max(0.0, min(seconds, limit))
    return None


def _wait(settings: Settings) -> Callable[[RetryCallState], float]:
    backoff = wait_random_exponential(multiplier=settings.backoff_initial, max=settings.backoff_max)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = _retry_after(error, settings.retry_after_max)
        return retry_after if retry_after is not None else backoff(state)

    return wait


def is_unreachable(error: BaseException | None) -> bool:
    """Whether no connection could be made at all (a timeout waiting for an answer is not)."""
    return isinstance(error, openai.APIConnectionError) and not isinstance(
        error, openai.APITimeoutError
    )


def _stop(settings: Settings) -> Callable[[RetryCallState], bool]:
    """Stop after ``transport_retries``, or after ``connect_retries`` when unreachable.

    So a wrong base URL fails fast: with the defaults, a refused connection gives up after
    3 attempts and at most 3 s of backoff; an unanswered one after 3 × ``connect_timeout``
    (10 s) plus that backoff.
    """
    general = stop_after_attempt(settings.transport_retries + 1)

    def stop(state: RetryCallState) -> bool:
        error = state.outcome.exception() if state.outcome else None
        if is_unreachable(error):
            return state.attempt_number >= settings.connect_retries + 1
        return general(state)

    return stop


def _before_sleep(
    settings: Settings, on_retry: Callable[[], None]
) -> Callable[[RetryCallState], None]:
    def before_sleep(state: RetryCallState) -> None:
        on_retry()
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, openai.APIConnectionError) and is_unreachable(error):
            url = error.request.url
            where = f"{url.scheme}://{url.host}{f':{url.port}' if url.port else ''}"
            # Said at once, so that a wrong base URL is never a silent wait.
            logger.warning(
                "无法连接 %s，正在重试（%d/%d）…",
                where,
                state.attempt_number,
                settings.connect_retries,
            )

    return before_sleep


def transport_policy(settings: Settings, on_retry: Callable[[], None]) -> Retrying:
    """The tenacity policy for one request (sync)."""
    return Retrying(
        stop=_stop(settings),
        wait=_wait(settings),
        retry=retry_if_exception(is_transient),
        before_sleep=_before_sleep(settings, on_retry),
        sleep=lambda seconds: _sleep(seconds),
        reraise=True,
    )


def async_transport_policy(settings: Settings, on_retry: Callable[[], None]) -> AsyncRetrying:
    """The tenacity policy for one request (async)."""
    return AsyncRetrying(
        stop=_stop(settings),
        wait=_wait(settings),
        retry=retry_if_exception(is_transient),
        before_sleep=_before_sleep(settings, on_retry),
        sleep=lambda seconds: _async_sleep(seconds),
        reraise=True,
    )


_MODERATION = re.compile(
    r"content[_ ]?filter|moderation|data_inspection_failed|inappropriate|sensitive|"
    r"risk|敏感|不安全|审核|违规",
    re.IGNORECASE,
)


def _provider_message(error: BaseException) -> str:
    if isinstance(error, openai.APIStatusError):
        body = error.body
        if isinstance(body, dict):
            inner = body.get("error", body)
            if isinstance(inner, dict) and isinstance(inner.get("message"), str):
                return str(inner["message"])[:300]
        return error.message[:300]
    return str(error)[:300]


def provider_error(error: BaseException, config: ProviderConfig, *, attempts: int) -> ProviderError:
    """Turn an SDK exception into a ``ProviderError`` with an actionable Chinese message.

    The message names the key's environment variable, never the key itself.
    """
    status = _status(error)
    detail = _provider_message(error).replace(config.api_key, "***") if config.api_key else ""
    where = f"{config.provider}（{config.public_base_url}，模型 {config.model}）"
    refused = (
        error.response.headers.get(REFUSED_HEADER)
        if isinstance(error, openai.APIStatusError)
        else None
    )
    if refused:
        message = (
            f"服务商拒绝了参数 {refused}（HTTP {status}），降级后仍被拒绝：请用 "
            f"rulelaw-llm check 查看该接口接受的设置，或用 --mode 指定结构化输出方式。"
            f"详情：{detail}。服务：{where}"
        )
    elif status == 401:
        message = (
            f"API 密钥无效或已过期（HTTP 401）：请检查环境变量 {config.key_env}。服务：{where}"
        )
    elif status == 403:
        message = f"没有访问权限（HTTP 403）：密钥无权使用该模型，或账户余额不足。服务：{where}"
    elif status == 404:
        message = f"找不到模型或接口（HTTP 404）：请检查模型名称“{config.model}”和 base_url。服务：{where}"
    elif status in (400, 422) and _MODERATION.search(detail):
        message = f"内容被服务商的内容审核拒绝（HTTP {status}）：该报告无法由此服务处理，可改用本地模型或 --offline。详情：{detail}"
    elif status in (400, 422):
        message = f"请求被服务商拒绝（HTTP {status}）：{detail}。服务：{where}"
    elif status is not None and status >= 500 and _SCHEMA_REJECTED.search(detail):
        message = (
            f"服务器不接受当前的结构化输出方式（mode={config.mode}，HTTP {status}）："
            f"请换用 mode='tools' 或 'json'。详情：{detail}"
        )
    elif isinstance(error, openai.APITimeoutError):
        message = f"请求超时，已尝试 {attempts} 次：请稍后重试，或调大 timeout。服务：{where}"
    elif isinstance(error, openai.APIConnectionError):
        return ProviderUnreachableError(
            f"无法连接到服务（已尝试 {attempts} 次）：请检查网络、服务是否已启动和 base_url。"
            f"服务：{where}"
        )
    elif status == 429:
        message = (
            f"请求过于频繁（HTTP 429，已尝试 {attempts} 次）：请降低并发或稍后重试。服务：{where}"
        )
    else:
        message = f"服务出错（HTTP {status}，已尝试 {attempts} 次）：{detail}。服务：{where}"
    return ProviderError(message, status_code=status)


_THINK = re.compile(r"^\s*<think>.*?</think>\s*", re.DOTALL)
_FENCE = re.compile(r"^\s*```(?:json|JSON)?\s*\n?(.*?)\n?```\s*$", re.DOTALL)


def clean_output(content: str | None) -> str | None:
    """Strip a leading ``<think>…</think>`` block and a surrounding Markdown code fence."""
    if content is None:
        return None
    cleaned = _THINK.sub("", content)
    fenced = _FENCE.match(cleaned)
    if fenced:
        cleaned = fenced.group(1)
    return cleaned.strip()


def clean_completion(completion: Any) -> Any:
    """Clean every choice's message content in place (JSON modes); returns the completion."""
    for choice in getattr(completion, "choices", None) or []:
        message = getattr(choice, "message", None)
        if message is not None and isinstance(getattr(message, "content", None), str):
            message.content = clean_output(message.content)
    return completion
