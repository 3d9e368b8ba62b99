"""``rulelaw-llm check``: what an endpoint really accepts, with one tiny request per mode.

The first thing to run after setting a key. For each structured-output mode it sends one
small question (a few tokens of answer) with the thinking switch and temperature the
capability table gives for the model, through the same parameter fallback the summarizer
uses, and reports: accepted or refused (with the provider's words), what had to be
downgraded (thinking switch, temperature, response format), whether token usage came
back, the latency, and the settings to use.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import instructor
import openai
from instructor.core import InstructorRetryException
from pydantic import BaseModel, ConfigDict, Field

from rulelaw_llm.llm.fallback import FallbackMemory, fallback_client
from rulelaw_llm.llm.providers import ProviderConfig
from rulelaw_llm.llm.transport import clean_completion
from rulelaw_llm.logs import during_library_call, quiet_third_party

__all__ = ["CHECK_MODES", "CheckReport", "ModeResult", "check_endpoint", "render_check"]

#: The modes tried, in the order a working one is preferred when the table's is refused.
CHECK_MODES = ("json_schema", "json_grammar", "json", "tools")

_INSTRUCTOR_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "json_grammar": instructor.Mode.JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
}
_QUESTION = "请用 JSON 回答：1 加 1 等于几？answer 字段只写阿拉伯数字。"


class Probe(BaseModel):
    """The tiny answer ``check`` asks for."""

    model_config = ConfigDict(extra="forbid")

    answer: str = Field(description="答案，只写阿拉伯数字")


@dataclass(frozen=True, slots=True, kw_only=True)
class ModeResult:
    """What one structured-output mode did on the endpoint."""

    mode: str
    accepted: bool
    """The endpoint answered (HTTP 200) to this mode, possibly after a downgrade."""
    valid: bool
    """The answer parsed into the expected structure."""
    downgrades: tuple[str, ...]
    """What the fallback had to change for this mode (see ``fallback``)."""
    usage: bool
    """Token usage came back with the answer."""
    seconds: float
    detail: str = ""
    """The provider's words when refused, or what was wrong with the answer."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckReport:
    """The outcome of ``check_endpoint``."""

    config: ProviderConfig
    results: tuple[ModeResult, ...]
    unreachable: str | None = None
    """Set when the endpoint could not be used at all (no connection, wrong key, no model)."""

    @property
    def recommended_mode(self) -> str | None:
        """The table's mode if it works as is, else the first mode that works as is."""
        clean = [
            result.mode
            for result in self.results
            if result.valid
            and not any(item.startswith("response_format") for item in result.downgrades)
        ]
        if self.config.mode in clean:
            return self.config.mode
        return clean[0] if clean else None


def _request(mode: str, config: ProviderConfig, temperature: float) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "model": config.model,
        "messages": [{"role": "user", "content": _QUESTION}],
        "response_model": Probe,
        "max_tokens": 32,
        "temperature": temperature,
        "max_retries": 0,
    }
    extra_body: dict[str, Any] = dict(config.extra_body)
    if mode == "json_grammar":
        extra_body["response_format"] = {
            "type": "json_object",
            "schema": Probe.model_json_schema(),
        }
    if extra_body:
        kwargs["extra_body"] = extra_body
    return kwargs


def _unreachable_reason(error: openai.APIConnectionError) -> str:
    """Why no answer came, in Chinese (the SDK says only "Connection error.")."""
    if isinstance(error, openai.APITimeoutError):
        return "等待应答超时：服务可能过忙，或地址指向了不应答的主机；请稍后重试或检查地址。"
    return (
        "连接被拒绝或无人应答：请检查服务是否已启动，地址和端口（--base-url）是否写对，"
        "以及网络是否可达。"
    )


def _words(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return f"HTTP {error.status_code}：{str(inner['message'])[:160]}"
    return f"HTTP {error.status_code}：{error.message[:160]}"


def _one(
    mode: str, config: ProviderConfig, client: openai.OpenAI | None, timeout: float
) -> ModeResult:
    memory = FallbackMemory()
    probe_config = config if mode == config.mode else _with_mode(config, mode)
    sdk = fallback_client(client, probe_config, memory, timeout=timeout, connect_timeout=10.0)
    completions: list[Any] = []

    def create(**kwargs: Any) -> Any:
        completion = sdk.chat.completions.create(**kwargs)
        if mode != "tools":
            clean_completion(completion)
        completions.append(completion)
        return completion

    patched: Callable[..., Any] = instructor.patch(create=create, mode=_INSTRUCTOR_MODES[mode])
    started = time.perf_counter()
    valid, detail = True, ""
    try:
        patched(**_request(mode, probe_config, 0.0))
    except openai.APIStatusError as error:
        return ModeResult(
            mode=mode,
            accepted=False,
            valid=False,
            downgrades=memory.describe(config.base_url, config.model),
            usage=False,
            seconds=round(time.perf_counter() - started, 2),
            detail=_words(error),
        )
    except InstructorRetryException as error:
        cause = error.__cause__
        if isinstance(cause, openai.APIStatusError):
            return ModeResult(
                mode=mode,
                accepted=False,
                valid=False,
                downgrades=memory.describe(config.base_url, config.model),
                usage=False,
                seconds=round(time.perf_counter() - started, 2),
                detail=_words(cause),
            )
        if isinstance(cause, openai.APIConnectionError):
            raise cause from error
        first = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        valid, detail = False, f"回答不符合要求的 JSON 结构：{first}"
    usage = getattr(completions[-1], "usage", None) if completions else None
    return ModeResult(
        mode=mode,
        accepted=bool(completions),
        valid=valid,
        downgrades=memory.describe(config.base_url, config.model),
        usage=bool(usage and (getattr(usage, "total_tokens", 0) or 0) > 0),
        seconds=round(time.perf_counter() - started, 2),
        detail=detail,
    )


def _with_mode(config: ProviderConfig, mode: str) -> ProviderConfig:
    return replace(config, mode=mode)


@during_library_call
def check_endpoint(
    config: ProviderConfig,
    *,
    client: openai.OpenAI | None = None,
    modes: tuple[str, ...] = CHECK_MODES,
    timeout: float = 120.0,
) -> CheckReport:
    """Send one tiny request per mode in ``modes`` to the endpoint of ``config``.

    ``client`` is for tests (a fake transport); by default a client is built from
    ``config``. A connection failure or a 401/403/404 ends the check early. Like a summary,
    the check reports failures itself: the SDKs' own log records stay quiet (``logs``).
    """
    quiet_third_party()
    results: list[ModeResult] = []
    for mode in modes:
        try:
            result = _one(mode, config, client, timeout)
        except openai.APIConnectionError as error:
            return CheckReport(
                config=config,
                results=tuple(results),
                unreachable=f"无法连接 {config.public_base_url}：{_unreachable_reason(error)}",
            )
        results.append(result)
        status = result.detail.split("：", 1)[0]
        if status in ("HTTP 401", "HTTP 403", "HTTP 404"):
            return CheckReport(config=config, results=tuple(results), unreachable=result.detail)
    return CheckReport(config=config, results=tuple(results))


def _switch(config: ProviderConfig, result: ModeResult) -> str:
    if not config.extra_body:
        return "无（该模型不需要）"
    names = ", ".join(config.extra_body)
    refused = [item for item in result.downgrades if item.split(":")[0] in config.extra_body]
    return f"{names}：被拒绝，已去掉" if refused else f"{names}：接受"


def _temperature(config: ProviderConfig, result: ModeResult) -> str:
    rule = config.capability.temperature
    refused = [item for item in result.downgrades if item.startswith("temperature")]
    if refused:
        return f"被拒绝（{refused[0].split(': ', 1)[1]}）"
    if rule == "omit":
        return "不发送（服务端固定）"
    if rule == "any":
        return "0：接受"
    return f"{rule:g}：接受"


def render_check(report: CheckReport) -> str:
    """The check as text for the terminal (Chinese)."""
    config = report.config
    row = config.capability
    lines = [
        f"接口：{config.public_base_url}　模型：{config.model}　服务商：{config.provider}",
        f"能力表：{row.mode}{'（strict）' if row.strict else ''}；来源 {row.source}（{row.checked}）",
    ]
    if row.note:
        lines.append(f"说明：{row.note}")
    lines.append("")
    for result in report.results:
        if not result.accepted:
            verdict = f"拒绝（{result.detail}）"
        elif not result.valid:
            verdict = f"接受，但回答不合格（{result.detail}）"
        else:
            verdict = "接受"
        format_downgrade = [d for d in result.downgrades if d.startswith("response_format")]
        if result.accepted and format_downgrade:
            verdict += f"；降级：{format_downgrade[0]}"
        lines.append(
            f"{result.mode:<12} {verdict}\n"
            f"{'':<12} 思考开关 {_switch(config, result)}；温度 {_temperature(config, result)}；"
            f"用量{'有' if result.usage else '无'}；耗时 {result.seconds:.1f} 秒"
        )
    if report.unreachable:
        lines += [""] * bool(report.results) + [f"无法完成检查：{report.unreachable}"]
        return "\n".join(lines)
    recommended = report.recommended_mode
    lines.append("")
    if recommended is None:
        lines.append("没有一种结构化输出方式可用：请换用其他模型或服务。")
    else:
        flag = "" if recommended == config.mode else f" --mode {recommended}"
        lines.append(
            f"建议设置：--provider {config.provider} --model {config.model}{flag}"
            if config.provider != "openai-compatible"
            else f"建议设置：--base-url {config.public_base_url} --model {config.model}{flag}"
        )
    return "\n".join(lines)
