"""When a provider refuses one parameter: downgrade it, retry once, remember it for the run.

This lives at the HTTP layer, below the openai client and instructor, so it does not depend
on how the summarizer builds its requests. ``FallbackTransport`` (sync) and
``AsyncFallbackTransport`` wrap the transport of the ``httpx2`` client the summarizer gives
its openai client (``fallback_client``). For every chat-completion request they

1. apply what the capability table says about the model (``capabilities``): the fixed or
   omitted temperature, ``"strict": true`` on ``json_schema``;
2. apply the downgrades learnt earlier in the run for that base URL and model;
3. on an answer of 400/422 (or the 500 some servers send for a validation error) that names
   a parameter of the request, downgrade that one parameter and send the request once more:

   - ``response_format``: ``json_schema`` → ``json_object`` (the schema goes into a system
     message, with the word "JSON" some providers require) → no ``response_format`` (JSON
     asked for in the prompt only; the answer is parsed the same way);
   - a thinking switch (``enable_thinking``, ``thinking``, ``reasoning_effort``,
     ``chat_template_kwargs``, ``think``) → removed; ``enable_thinking`` that the provider
     says "must be set to false" → ``false``;
   - ``temperature`` → the value the message says is allowed, else not sent;
   - a forced ``tool_choice`` → ``"auto"``.

   The downgrade is remembered in ``FallbackMemory`` (per base URL and model, for the
   lifetime of the summarizer), logged once as a warning on the ``rulelaw_llm`` logger, and
   shows in the summarizer's effective ``config.downgrades`` (part of the cache key).

Never a loop: one retry per request. When the retried request is refused again, its
response carries the header ``x-rulelaw-refused-parameter`` and ``transport.provider_error``
names the parameter in the error.

Why not ``json_object`` → tools: the JSON modes carry the schema only inside prompt text,
and llama.cpp and Zhipu do not honour a forced ``tool_choice``; the prompt-only step works
everywhere the answer is parsed from the message content.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

from rulelaw_llm.llm.capabilities import Capability
from rulelaw_llm.llm.providers import ProviderConfig

__all__ = [
    "AsyncFallbackTransport",
    "Downgrade",
    "FallbackMemory",
    "FallbackTransport",
    "REFUSED_HEADER",
    "fallback_async_client",
    "fallback_client",
    "next_downgrade",
    "prepare_body",
    "refused_parameter",
]

logger = logging.getLogger("rulelaw_llm.llm.fallback")

REFUSED_HEADER = "x-rulelaw-refused-parameter"
_REFUSAL_STATUSES = (400, 422, 500)
_THINKING_SWITCHES = (
    "enable_thinking",
    "thinking",
    "reasoning_effort",
    "chat_template_kwargs",
    "think",
)

# (parameter, pattern in the provider's message). A parameter counts only if the request
# carries it; the first match wins, so precise names come before loose words.
_NAMED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("temperature", re.compile(r"temperature", re.I)),
    ("enable_thinking", re.compile(r"enable_thinking", re.I)),
    ("chat_template_kwargs", re.compile(r"chat_template_kwargs", re.I)),
    (
        "reasoning_effort",
        re.compile(
            r"reasoning_effort|reasoning effort|does not support thinking|think value", re.I
        ),
    ),
    ("thinking", re.compile(r"\bthinking\b", re.I)),
    ("think", re.compile(r"\bthink\b", re.I)),
    ("tool_choice", re.compile(r"tool_choice|\btools?\b", re.I)),
    ("response_format", re.compile(r"response_format|json_schema|json_object|json schema", re.I)),
)
_MUST_BE_FALSE = re.compile(r"enable_thinking[^.]*must be (set to )?false", re.I)
_ALLOWED_VALUE = re.compile(
    r"only\s+(-?\d+(?:\.\d+)?)\s+is allowed|must be\s+(-?\d+(?:\.\d+)?)", re.I
)
# A 500 is a refusal only when it carries a validation message (llama-cpp-python).
_VALIDATION = re.compile(
    r"validation error|invalid|not supported|unsupported|does not support", re.I
)


@dataclass(frozen=True, slots=True)
class Downgrade:
    """One parameter changed after the provider refused it."""

    parameter: str
    before: str
    after: str

    def describe(self) -> str:
        """``"parameter: before→after"``, as stored in ``ProviderConfig.downgrades``."""
        return f"{self.parameter}: {self.before}→{self.after}"


class FallbackMemory:
    """The downgrades learnt during one run, per (base URL, model). Safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._learnt: dict[tuple[str, str], list[Downgrade]] = {}

    def downgrades(self, base_url: str, model: str) -> tuple[Downgrade, ...]:
        """What has been downgraded so far for this endpoint and model, oldest first."""
        with self._lock:
            return tuple(self._learnt.get((base_url.rstrip("/"), model), ()))

    def describe(self, base_url: str, model: str) -> tuple[str, ...]:
        """The downgrades as short strings (for the effective config and the cache key)."""
        return tuple(item.describe() for item in self.downgrades(base_url, model))

    def add(self, base_url: str, model: str, downgrade: Downgrade) -> bool:
        """Remember ``downgrade``; warn the first time. False when it was already known."""
        key = (base_url.rstrip("/"), model)
        with self._lock:
            known = self._learnt.setdefault(key, [])
            if downgrade in known:
                return False
            known.append(downgrade)
        logger.warning(
            "服务商拒绝了参数 %s：本次运行对 %s（模型 %s）改为 %s，并已重试。",
            downgrade.parameter,
            key[0],
            model,
            downgrade.after,
        )
        return True


def _schema_hint(schema: object) -> dict[str, Any]:
    text = json.dumps(schema, ensure_ascii=False)
    return {
        "role": "system",
        "content": f"只输出一个 JSON 对象，不要输出其他文字。该 JSON 须符合以下 JSON Schema：\n{text}",
    }


def _apply(body: dict[str, Any], downgrade: Downgrade) -> None:
    parameter = downgrade.parameter
    if parameter == "temperature":
        if downgrade.after == "omit":
            body.pop("temperature", None)
        elif "temperature" in body:
            body["temperature"] = float(downgrade.after)
    elif parameter in _THINKING_SWITCHES:
        if downgrade.after == "false":
            body[parameter] = False
        else:
            body.pop(parameter, None)
    elif parameter == "tool_choice":
        if isinstance(body.get("tool_choice"), dict):
            body["tool_choice"] = "auto"
    elif parameter == "response_format":
        current = body.get("response_format")
        if not isinstance(current, dict):
            return
        kind = current.get("type")
        if downgrade.before == "json_schema" and kind == "json_schema":
            schema = (current.get("json_schema") or {}).get("schema")
            body["response_format"] = {"type": "json_object"}
            body["messages"] = [_schema_hint(schema), *body.get("messages", [])]
        elif downgrade.before == "json_object" and kind == "json_object":
            del body["response_format"]
            if "schema" in current:  # json_grammar: the schema rode on response_format
                body["messages"] = [_schema_hint(current["schema"]), *body.get("messages", [])]


def prepare_body(
    body: dict[str, Any], capability: Capability, downgrades: tuple[Downgrade, ...]
) -> dict[str, Any]:
    """The request body as it is sent: the table's rules, then the downgrades of the run."""
    prepared: dict[str, Any] = json.loads(json.dumps(body))
    if capability.temperature == "omit":
        prepared.pop("temperature", None)
    elif capability.temperature != "any" and "temperature" in prepared:
        prepared["temperature"] = capability.temperature
    response_format = prepared.get("response_format")
    if (
        capability.strict
        and isinstance(response_format, dict)
        and response_format.get("type") == "json_schema"
        and isinstance(response_format.get("json_schema"), dict)
    ):
        response_format["json_schema"]["strict"] = True
    for downgrade in downgrades:
        _apply(prepared, downgrade)
    return prepared


def _message(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict):
        inner = data.get("error", data)
        if isinstance(inner, dict):
            for key in ("message", "msg", "detail"):
                if isinstance(inner.get(key), str):
                    return str(inner[key])
        if isinstance(data.get("message"), str):
            return str(data["message"])
    return text


def _mentions(parameter: str, text: str) -> bool:
    return any(name == parameter and pattern.search(_message(text)) for name, pattern in _NAMED)


def refused_parameter(status: int, text: str, body: dict[str, Any]) -> str | None:
    """The parameter of ``body`` an error response names, if it is a refusal of one."""
    if status not in _REFUSAL_STATUSES:
        return None
    message = _message(text)
    if status == 500 and not _VALIDATION.search(message):
        return None
    if _MUST_BE_FALSE.search(message) and body.get("enable_thinking") is not False:
        return "enable_thinking"
    for parameter, pattern in _NAMED:
        if parameter in body and pattern.search(message):
            return parameter
    return None


def next_downgrade(parameter: str, text: str, body: dict[str, Any]) -> Downgrade | None:
    """The one step down for ``parameter`` in ``body`` (as sent), or None when none is left."""
    message = _message(text)
    if parameter == "temperature":
        allowed = _ALLOWED_VALUE.search(message)
        value = next((group for group in allowed.groups() if group), None) if allowed else None
        if value is not None and float(value) != body.get("temperature"):
            return Downgrade("temperature", str(body.get("temperature")), value)
        return Downgrade("temperature", str(body.get("temperature")), "omit")
    if parameter == "enable_thinking" and _MUST_BE_FALSE.search(message):
        if body.get("enable_thinking") is False:
            return None
        return Downgrade("enable_thinking", json.dumps(body.get("enable_thinking")), "false")
    if parameter in _THINKING_SWITCHES:
        return Downgrade(parameter, json.dumps(body[parameter], ensure_ascii=False), "removed")
    if parameter == "tool_choice":
        if isinstance(body.get("tool_choice"), dict):
            return Downgrade("tool_choice", "forced", "auto")
        return None
    if parameter == "response_format":
        current = body.get("response_format")
        kind = current.get("type") if isinstance(current, dict) else None
        if kind == "json_schema":
            return Downgrade("response_format", "json_schema", "json_object")
        if kind == "json_object":
            return Downgrade("response_format", "json_object", "prompt")
    return None


def _is_chat(request: httpx2.Request) -> bool:
    return request.method == "POST" and request.url.path.endswith("/chat/completions")


def _rebuild(request: httpx2.Request, body: dict[str, Any]) -> httpx2.Request:
    headers = httpx2.Headers(request.headers)
    headers.pop("content-length", None)
    return httpx2.Request(
        request.method,
        request.url,
        headers=headers,
        content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        extensions=request.extensions,
    )


class _Flow:
    """The decisions, shared by the sync and async transports (one flow, two drivers)."""

    def __init__(self, config: ProviderConfig, memory: FallbackMemory) -> None:
        self.config = config
        self.memory = memory

    def run(
        self, request: httpx2.Request, original: dict[str, Any]
    ) -> Generator[httpx2.Request, httpx2.Response, httpx2.Response]:
        base_url, model = self.config.base_url, str(original.get("model", self.config.model))
        learnt = self.memory.downgrades(base_url, model)
        body = prepare_body(original, self.config.capability, learnt)
        response = yield _rebuild(request, body)
        if response.status_code not in _REFUSAL_STATUSES:
            return response
        parameter = refused_parameter(response.status_code, response.text, body)
        if parameter is None:
            return response
        downgrade = next_downgrade(parameter, response.text, body)
        if downgrade is None:
            response.headers[REFUSED_HEADER] = parameter
            return response
        self.memory.add(base_url, model, downgrade)
        retried_body = prepare_body(original, self.config.capability, (*learnt, downgrade))
        retried = yield _rebuild(request, retried_body)
        if retried.status_code not in _REFUSAL_STATUSES:
            return retried
        again = refused_parameter(retried.status_code, retried.text, retried_body)
        if again is None and _mentions(parameter, retried.text):
            again = parameter  # refused again although it is no longer sent as it was
        if again is not None:
            retried.headers[REFUSED_HEADER] = again
        return retried


def _parse(request: httpx2.Request) -> dict[str, Any] | None:
    try:
        data = json.loads(request.content)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class FallbackTransport(httpx2.BaseTransport):
    """Wraps a sync transport with the parameter fallback (see the module docstring)."""

    def __init__(
        self, inner: httpx2.BaseTransport, config: ProviderConfig, memory: FallbackMemory
    ) -> None:
        self._inner = inner
        self._flow = _Flow(config, memory)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        body = _parse(request) if _is_chat(request) else None
        if body is None:
            return self._inner.handle_request(request)
        flow = self._flow.run(request, body)
        outgoing = next(flow)
        while True:
            response = self._inner.handle_request(outgoing)
            if response.status_code in _REFUSAL_STATUSES:
                response.read()
            try:
                outgoing = flow.send(response)
            except StopIteration as done:
                result: httpx2.Response = done.value
                return result
            response.close()

    def close(self) -> None:
        self._inner.close()


class AsyncFallbackTransport(httpx2.AsyncBaseTransport):
    """The async twin of ``FallbackTransport``."""

    def __init__(
        self, inner: httpx2.AsyncBaseTransport, config: ProviderConfig, memory: FallbackMemory
    ) -> None:
        self._inner = inner
        self._flow = _Flow(config, memory)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        body = _parse(request) if _is_chat(request) else None
        if body is None:
            return await self._inner.handle_async_request(request)
        flow = self._flow.run(request, body)
        outgoing = next(flow)
        while True:
            response = await self._inner.handle_async_request(outgoing)
            if response.status_code in _REFUSAL_STATUSES:
                await response.aread()
            try:
                outgoing = flow.send(response)
            except StopIteration as done:
                result: httpx2.Response = done.value
                return result
            await response.aclose()

    async def aclose(self) -> None:
        await self._inner.aclose()


def _timeout(seconds: float, connect: float) -> httpx2.Timeout:
    return httpx2.Timeout(seconds, connect=min(seconds, connect))


def _kept(client: openai.OpenAI | openai.AsyncOpenAI | None) -> dict[str, Any]:
    """What a user gave the HTTP client of an injected openai client, to keep on ours."""
    if client is None:
        return {}
    http = client._client
    return {
        "event_hooks": http.event_hooks,
        "auth": http.auth,
        "headers": http.headers,
        "cookies": http.cookies,
        "follow_redirects": http.follow_redirects,
    }


def fallback_client(
    client: openai.OpenAI | None,
    config: ProviderConfig,
    memory: FallbackMemory,
    *,
    timeout: float,
    connect_timeout: float,
) -> openai.OpenAI:
    """The openai client the summarizer uses: the fallback transport under it, no SDK retries.

    An injected ``client`` keeps its own transport (e.g. a test's fake), wrapped, and what its
    HTTP client was given: event hooks, auth, headers, cookies, redirects.
    """
    inner: httpx2.BaseTransport = (
        client._client._transport if client is not None else httpx2.HTTPTransport()
    )
    http_client = httpx2.Client(
        transport=FallbackTransport(inner, config, memory),
        timeout=_timeout(timeout, connect_timeout),
        **_kept(client),
    )
    if client is not None:
        return client.with_options(
            max_retries=0, timeout=_timeout(timeout, connect_timeout), http_client=http_client
        )
    return openai.OpenAI(
        base_url=config.base_url,
        api_key=config.api_key,
        max_retries=0,
        timeout=_timeout(timeout, connect_timeout),
        http_client=http_client,
    )


def fallback_async_client(
    client: openai.AsyncOpenAI | None,
    config: ProviderConfig,
    memory: FallbackMemory,
    *,
    timeout: float,
    connect_timeout: float,
) -> openai.AsyncOpenAI:
    """The async twin of ``fallback_client``."""
    inner: httpx2.AsyncBaseTransport = (
        client._client._transport if client is not None else httpx2.AsyncHTTPTransport()
    )
    http_client = httpx2.AsyncClient(
        transport=AsyncFallbackTransport(inner, config, memory),
        timeout=_timeout(timeout, connect_timeout),
        **_kept(client),
    )
    if client is not None:
        return client.with_options(
            max_retries=0, timeout=_timeout(timeout, connect_timeout), http_client=http_client
        )
    return openai.AsyncOpenAI(
        base_url=config.base_url,
        api_key=config.api_key,
        max_retries=0,
        timeout=_timeout(timeout, connect_timeout),
        http_client=http_client,
    )
