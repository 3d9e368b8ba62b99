"""A provider's Batch API, as the summarizer sends: files up, jobs polled, answers read back.

``BatchEndpoint`` holds the send side of ``batch --batch-api`` for one ``AsyncSummarizer``:

- ``line`` turns a flow ``Request`` into one line of the input JSONL, whose ``body`` is the
  request exactly as the online path sends it (the same ``_arguments``, the capability
  table's rules and the downgrades learnt so far, ``fallback.prepare_body``);
- ``upload`` / ``create`` / ``retrieve`` / ``content`` / ``cancel`` call the OpenAI-style
  ``/files`` and ``/batches`` endpoints through the summarizer's own client (with the same
  transport retry policy), and ``find_upload`` / ``find_job`` find a file or a job a killed
  run created but did not get to write down, so that nothing is submitted twice;
- ``read_lines`` reads an output or error file (the documented shape: one object per line
  with ``custom_id``, ``response.status_code``, ``response.body`` and ``error``);
- ``reply`` and ``record`` turn one answer into the flow's ``Reply`` and the usage ledger's
  attempt exactly as an online answer would be (``_reply``, ``_Ledger.record``);
- ``refused`` learns a parameter the provider refused in one request line (as the
  fallback transport does online), so that the request is sent again without it.

What to ask, when and how often is decided elsewhere (``rulelaw_llm.corpus.batch_api``
drives ``rulelaw_llm.llm.flow``); nothing here decides.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import openai
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from rulelaw_llm.errors import ConfigurationError, ProviderError
from rulelaw_llm.llm.capabilities import BATCH_APIS, BatchApi, batch_api_for
from rulelaw_llm.llm.fallback import next_downgrade, prepare_body, refused_parameter
from rulelaw_llm.llm.flow import FlowResult
from rulelaw_llm.llm.summarizer import _arguments, _finish, _Ledger, _reply
from rulelaw_llm.llm.tasks import Reply, Request
from rulelaw_llm.llm.transport import async_transport_policy, provider_error
from rulelaw_llm.reading.document import Report
from rulelaw_llm.schema import ReportSummary

if TYPE_CHECKING:
    from rulelaw_llm.llm.summarizer import AsyncSummarizer

__all__ = ["BatchEndpoint", "Job", "LineResult", "TERMINAL", "batch_endpoint"]

Result = TypeVar("Result")

#: Job states after which nothing changes any more.
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})


@dataclass(frozen=True, slots=True)
class Job:
    """What the provider says of one batch job."""

    id: str
    status: str
    input_file_id: str
    output_file_id: str | None
    error_file_id: str | None
    total: int
    completed: int
    failed: int
    errors: tuple[str, ...]
    created_at: int | None = None

    @property
    def finished(self) -> bool:
        """Whether the job reached a state that will not change."""
        return self.status in TERMINAL


@dataclass(frozen=True, slots=True)
class LineResult:
    """One line of an output or error file."""

    custom_id: str
    status_code: int | None
    body: Mapping[str, Any] | None
    """The response body: a chat completion (status 200) or the provider's error object."""
    error: str | None
    """The line's ``error`` (``batch_expired``…) or the error body's message."""

    @property
    def ok(self) -> bool:
        """A chat completion came back."""
        return self.status_code == 200 and self.body is not None and self.error is None


def _job(batch: Any) -> Job:
    counts = getattr(batch, "request_counts", None)
    errors = getattr(getattr(batch, "errors", None), "data", None) or []
    return Job(
        id=str(batch.id),
        status=str(batch.status),
        input_file_id=str(getattr(batch, "input_file_id", "") or ""),
        output_file_id=getattr(batch, "output_file_id", None),
        error_file_id=getattr(batch, "error_file_id", None),
        total=int(getattr(counts, "total", 0) or 0),
        completed=int(getattr(counts, "completed", 0) or 0),
        failed=int(getattr(counts, "failed", 0) or 0),
        errors=tuple(
            f"{getattr(item, 'code', '') or ''} {getattr(item, 'message', '') or ''}".strip()
            for item in errors
        ),
        created_at=getattr(batch, "created_at", None),
    )


def _message(body: object) -> str | None:
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            for key in ("message", "msg", "code"):
                if isinstance(inner.get(key), str):
                    return str(inner[key])
    return None


class BatchEndpoint:
    """The Batch API behind one ``AsyncSummarizer`` (see the module docstring)."""

    def __init__(self, summarizer: AsyncSummarizer, api: BatchApi) -> None:
        self.summarizer = summarizer
        self.api = api
        self.settings = summarizer.settings
        self._client: openai.AsyncOpenAI = summarizer._client
        self.transport_retries = 0

    @property
    def config(self) -> Any:
        """The effective endpoint (downgrades learnt so far included)."""
        return self.summarizer.config

    # ------------------------------------------------------------------ requests

    def body(self, request: Request) -> dict[str, Any]:
        """The chat-completions body of ``request`` as the online path sends it."""
        config = self.config
        arguments = _arguments(request, config, self.settings.temperature)
        extra = arguments.pop("extra_body", None) or {}
        body = {**arguments, **extra}  # what the SDK does with extra_body
        learnt = self.summarizer._fallback.downgrades(config.base_url, config.model)
        return prepare_body(body, config.capability, learnt)

    def line(self, custom_id: str, request: Request) -> bytes:
        """One line of the input file (with its newline)."""
        data = {
            "custom_id": custom_id,
            "method": "POST",
            "url": self.api.endpoint,
            "body": self.body(request),
        }
        return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()

    # ------------------------------------------------------------------ the endpoints

    async def _call(self, call: Callable[[], Awaitable[Result]]) -> Result:
        """One API call under the transport retry policy; SDK errors become ``ProviderError``."""

        def count() -> None:
            self.transport_retries += 1

        attempts = 0
        try:
            async for attempt in async_transport_policy(self.settings, count):
                with attempt:
                    attempts += 1
                    return await call()
        except openai.OpenAIError as error:
            raise provider_error(error, self.config, attempts=attempts) from error
        raise AssertionError("unreachable: the retry policy re-raises")  # pragma: no cover

    async def upload(self, name: str, data: bytes) -> str:
        """Upload an input file (``purpose="batch"``); returns its id."""
        uploaded = await self._call(
            lambda: self._client.files.create(file=(name, data), purpose="batch")
        )
        return str(uploaded.id)

    async def find_upload(self, name: str, size: int) -> str | None:
        """The id of an input file uploaded earlier under ``name`` with ``size`` bytes."""
        try:
            page = await self._call(lambda: self._client.files.list(purpose="batch"))
        except ProviderError:
            return None  # the provider cannot list files: upload again (nothing was submitted)
        for item in page.data:
            if getattr(item, "filename", None) == name and getattr(item, "bytes", None) == size:
                return str(item.id)
        return None

    async def create(self, file_id: str, metadata: dict[str, str]) -> Job:
        """Create the batch job of an uploaded input file."""
        endpoint: Any = self.api.endpoint  # some providers' endpoints are not OpenAI's
        window: Any = self.api.completion_window
        created = await self._call(
            lambda: self._client.batches.create(
                input_file_id=file_id,
                endpoint=endpoint,
                completion_window=window,
                metadata=metadata,
            )
        )
        return _job(created)

    async def find_job(self, file_id: str) -> Job | None:
        """The job created earlier for the input file ``file_id``, if any."""
        try:
            page = await self._call(lambda: self._client.batches.list(limit=100))
        except ProviderError:
            return None
        for batch in page.data:
            if getattr(batch, "input_file_id", None) == file_id:
                return _job(batch)
        return None

    async def retrieve(self, job_id: str) -> Job:
        """The job's state now."""
        return _job(await self._call(lambda: self._client.batches.retrieve(job_id)))

    async def cancel(self, job_id: str) -> Job:
        """Ask the provider to cancel a job."""
        return _job(await self._call(lambda: self._client.batches.cancel(job_id)))

    async def content(self, file_id: str) -> bytes:
        """The bytes of an output or error file."""
        response = await self._call(lambda: self._client.files.content(file_id))
        return bytes(response.content)

    # ------------------------------------------------------------------ answers

    @staticmethod
    def read_lines(data: bytes) -> list[LineResult]:
        """The lines of an output or error file; a line that is not JSON is skipped."""
        results = []
        for text in data.decode("utf-8", errors="replace").splitlines():
            try:
                item = json.loads(text)
            except ValueError:
                continue
            if not isinstance(item, dict) or not isinstance(item.get("custom_id"), str):
                continue
            response = item.get("response") if isinstance(item.get("response"), dict) else {}
            status = response.get("status_code") if isinstance(response, dict) else None
            body = response.get("body") if isinstance(response, dict) else None
            error = item.get("error")
            message = None
            if isinstance(error, dict):
                message = (
                    " ".join(str(error[key]) for key in ("code", "message") if error.get(key))
                    or "error"
                )
            elif isinstance(error, str) and error:
                message = error
            if message is None and status != 200:
                message = _message(body) or f"HTTP {status}"
            results.append(
                LineResult(
                    custom_id=item["custom_id"],
                    status_code=status if isinstance(status, int) else None,
                    body=body if isinstance(body, dict) else None,
                    error=message,
                )
            )
        return results

    def completion(self, body: Mapping[str, Any]) -> ChatCompletion | None:
        """A 200 answer's body as the SDK's ``ChatCompletion`` (``None``: not one)."""
        try:
            return ChatCompletion.model_validate(dict(body))
        except ValidationError:
            return None

    def reply(self, completion: ChatCompletion | None) -> Reply:
        """The flow's reply to an answer, read exactly as an online answer is."""
        if completion is None:
            return Reply(None, None)
        return _reply(completion, self.config.mode)

    def refused(self, sent: Mapping[str, Any], result: LineResult) -> bool:
        """Learn a parameter the provider refused in the line whose body was ``sent``
        (True: send the request again, now without it)."""
        if result.status_code is None or result.body is None:
            return False
        sent = dict(sent)
        text = json.dumps(result.body, ensure_ascii=False)
        parameter = refused_parameter(result.status_code, text, sent)
        if parameter is None:
            return False
        downgrade = next_downgrade(parameter, text, sent)
        if downgrade is None:
            return False
        config = self.config
        self.summarizer._fallback.add(config.base_url, config.model, downgrade)
        return True

    def failure(self, result: LineResult) -> ProviderError:
        """A request line the provider answered with an error that resending will not fix."""
        config = self.config
        return ProviderError(
            f"服务商拒绝了批量任务中的请求 {result.custom_id}（HTTP {result.status_code}，"
            f"{config.provider}，模型 {config.model}）：{result.error}。"
            "请检查模型名称和参数，或不加 --batch-api 在线运行这份报告。",
            status_code=result.status_code,
        )

    # ------------------------------------------------------------------ the ledger

    def ledger(self) -> _Ledger:
        """A new usage ledger for one report."""
        return _Ledger(self.settings.token_budget)

    def finish(
        self, result: FlowResult, report: Report, ledger: _Ledger, started: float
    ) -> ReportSummary:
        """The report's summary with its provenance, its cost at the batch discount."""
        config = self.config
        price = self.settings.prices.get(config.model)
        discount = price.batch if price is not None and price.batch is not None else None
        if discount is None:
            discount = self.api.discount if self.api.discount is not None else 1.0
        return _finish(result, report, config, self.settings, ledger, started, discount)


def batch_endpoint(summarizer: AsyncSummarizer) -> BatchEndpoint:
    """The Batch API of the summarizer's provider, or a ``ConfigurationError`` saying why not."""
    config = summarizer.config
    api = batch_api_for(config.provider)
    supported = "、".join(row.provider for row in BATCH_APIS if row.supported)
    if api is None or not api.supported:
        why = f"：{api.note}" if api is not None and api.note else "。"
        raise ConfigurationError(
            f"服务商 {config.provider} 的文档中没有可用的批量接口（Batch API）{why}"
            f"--batch-api 可用于：{supported}（用 --provider 选择）；或去掉 --batch-api 在线运行。"
        )
    if not api.takes(config.model):
        raise ConfigurationError(
            f"{config.provider} 的批量接口不支持模型 {config.model}（{api.note}）："
            "请用 --model 换一个批量接口支持的模型，或去掉 --batch-api 在线运行。"
        )
    return BatchEndpoint(summarizer, api)
