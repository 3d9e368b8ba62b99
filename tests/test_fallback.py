"""A provider refuses one parameter: we downgrade it, retry once and remember it (FAKE transport).

Each refusal below is made up in the shape the provider documents or its users reported
(see rulelaw_llm/capabilities.py for the sources); nothing here is a recording.
"""

from __future__ import annotations

import asyncio
import logging

import httpx2
import openai
import pytest

from rulelaw_llm import AsyncSummarizer, ProviderError, Summarizer
from rulelaw_llm.llm.cache import cache_key
from rulelaw_llm.llm.capabilities import capability_for
from rulelaw_llm.llm.fallback import Downgrade, next_downgrade, prepare_body, refused_parameter
from rulelaw_llm.reading.document import load_report
from tests.fakes import FakeModel, error, refusal, refuses_while

SHORT = "某某镇2024年法治政府建设工作报告\n一、工作开展情况\n（一）加强学法。召开学法会议4次。\n二、存在问题\n一是形式单一。\n三、下一步工作计划\n（一）加强学习。\n"

SILICONFLOW_20015 = {
    "code": 20015,
    "message": "Value error, current model does not support parameter `enable_thinking`.",
    "data": None,
}


def _summarizer(fake: FakeModel, **options: object) -> Summarizer:
    base_url = str(options.pop("base_url", "https://api.siliconflow.cn/v1"))
    client = openai.OpenAI(
        base_url=base_url, api_key="test-key", http_client=httpx2.Client(transport=fake.transport())
    )
    return Summarizer(client=client, **options)  # type: ignore[arg-type]


def test_siliconflow_refusing_enable_thinking_is_retried_without_it_and_remembered(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeModel(
        fault=refuses_while(
            lambda body: "enable_thinking" in body, lambda: refusal(400, SILICONFLOW_20015)
        )
    )
    summarizer = _summarizer(fake, provider="siliconflow", model="Qwen/Qwen3-8B")
    with caplog.at_level(logging.WARNING, logger="rulelaw_llm"):
        summary = summarizer.summarize(SHORT)

    refused = [body for body in fake.requests if "enable_thinking" in body]
    assert len(refused) == 1  # refused once, then never sent again in this run
    assert summary.rejected == [] and summary.digest
    assert summarizer.config.downgrades == ("enable_thinking: false→removed",)
    warnings = [r for r in caplog.records if "enable_thinking" in r.getMessage()]
    assert len(warnings) == 1
    # The result says what it was made with, and so does every later result of the run.
    assert summary.provenance.downgrades == ["enable_thinking: false→removed"]
    assert summarizer.summarize(SHORT).provenance.downgrades == ["enable_thinking: false→removed"]


def test_ollama_non_thinking_model_refusing_reasoning_effort_drops_it() -> None:
    fake = FakeModel(
        fault=refuses_while(
            lambda body: "reasoning_effort" in body,
            lambda: error(400, '"qwen3:30b" does not support thinking'),
        )
    )
    summarizer = _summarizer(
        fake, provider="ollama", model="qwen3:30b", base_url="http://localhost:11434/v1"
    )
    summary = summarizer.summarize(SHORT)
    assert fake.requests[0]["reasoning_effort"] == "none"
    assert "reasoning_effort" not in fake.requests[1]
    assert summary.rejected == []


def test_json_schema_refused_with_a_500_falls_back_to_json_object_with_the_schema_in_a_message() -> (
    None
):
    # llama-cpp-python answers the json_schema response format with a 500 validation error.
    fake = FakeModel(
        fault=refuses_while(
            lambda body: body.get("response_format", {}).get("type") == "json_schema",
            lambda: error(
                500, "1 validation error for CreateChatCompletionRequest response_format"
            ),
        )
    )
    summarizer = _summarizer(
        fake, base_url="http://127.0.0.1:8765/v1", model="qwen2.5-1.5b", mode="json_schema"
    )
    summary = summarizer.summarize(SHORT)
    refused, retried = fake.requests[0], fake.requests[1]
    assert retried["response_format"] == {"type": "json_object"}
    assert "JSON Schema" in retried["messages"][0]["content"]
    # The schema the provider refused travels in the message instead: every asked key is there.
    asked = refused["response_format"]["json_schema"]["schema"]["properties"]
    assert asked and all(f'"{key}"' in retried["messages"][0]["content"] for key in asked)
    assert summary.rejected == []
    assert summarizer.config.downgrades == ("response_format: json_schema→json_object",)
    assert summary.provenance.downgrades == ["response_format: json_schema→json_object"]


def test_moonshot_temperature_refusal_uses_the_value_the_message_allows() -> None:
    fake = FakeModel(
        fault=refuses_while(
            lambda body: body.get("temperature", 1.0) != 1.0,
            lambda: error(400, "invalid temperature: only 1 is allowed for this model"),
        )
    )
    summarizer = _summarizer(
        fake, provider="moonshot", model="moonshot-v1-8k", base_url="https://api.moonshot.cn/v1"
    )
    summary = summarizer.summarize(SHORT)
    assert fake.requests[0]["temperature"] == 0.0
    assert all(body["temperature"] == 1.0 for body in fake.requests[1:])
    assert summary.rejected == []


def test_doubao_thinking_only_model_refusing_thinking_disabled_drops_the_switch() -> None:
    fake = FakeModel(
        fault=refuses_while(
            lambda body: "thinking" in body,
            lambda: error(
                400, "The parameter `thinking.type` value `disabled` is not supported by this model"
            ),
        )
    )
    summarizer = _summarizer(
        fake,
        provider="doubao",
        model="ep-20250101-abcde",
        base_url="https://ark.cn-beijing.volces.com/api/v3",
    )
    summarizer.summarize(SHORT)
    assert fake.requests[0]["thinking"] == {"type": "disabled"}
    assert all("thinking" not in body for body in fake.requests[1:])


def test_dashscope_qwen3_without_the_switch_gets_enable_thinking_false() -> None:
    # A bare base URL has no preset, so nothing sends the switch until DashScope asks for it.
    fake = FakeModel(
        fault=lambda _, body, __: (
            None
            if body.get("enable_thinking") is False
            else error(
                400, "parameter.enable_thinking must be set to false for non-streaming calls"
            )
        )
    )
    summarizer = _summarizer(
        fake, base_url="https://dashscope.aliyuncs.com/compatible-mode/v1", model="qwen3-8b"
    )
    summary = summarizer.summarize(SHORT)
    assert "enable_thinking" not in fake.requests[0]
    assert all(body["enable_thinking"] is False for body in fake.requests[1:])
    assert summary.rejected == []


def test_a_forced_tool_choice_refused_becomes_auto() -> None:
    fake = FakeModel(
        fault=refuses_while(
            lambda body: isinstance(body.get("tool_choice"), dict),
            lambda: error(400, "tool_choice must be auto"),
        )
    )
    summarizer = _summarizer(
        fake,
        provider="zhipu",
        model="glm-4-flash-250414",
        mode="tools",
        base_url="https://open.bigmodel.cn/api/paas/v4",
    )
    summarizer.summarize(SHORT)
    assert fake.requests[1]["tool_choice"] == "auto"


def test_a_second_refusal_is_an_error_that_names_the_parameter_and_never_loops() -> None:
    fake = FakeModel(
        fault=lambda _, __, ___: error(400, "invalid temperature: temperature is not supported")
    )
    summarizer = _summarizer(
        fake, provider="moonshot", model="moonshot-v1-8k", base_url="https://api.moonshot.cn/v1"
    )
    with pytest.raises(ProviderError, match="temperature") as raised:
        summarizer.summarize(SHORT)
    assert "降级后仍被拒绝" in str(raised.value)
    assert len(fake.requests) == 2  # the request and its one retry: no loop
    assert "temperature" in fake.requests[0] and "temperature" not in fake.requests[1]


def test_an_error_that_names_no_parameter_of_the_request_is_not_retried() -> None:
    fake = FakeModel(fault=lambda _, __, ___: error(400, "messages too long"))
    summarizer = _summarizer(fake, provider="siliconflow", model="Qwen/Qwen2.5-7B-Instruct")
    with pytest.raises(ProviderError, match="HTTP 400"):
        summarizer.summarize(SHORT)
    assert len(fake.requests) == 1


def test_the_downgrade_is_part_of_the_effective_config_and_the_cache_key() -> None:
    fake = FakeModel(
        fault=refuses_while(
            lambda body: "enable_thinking" in body, lambda: refusal(400, SILICONFLOW_20015)
        )
    )
    summarizer = _summarizer(fake, provider="siliconflow", model="Qwen/Qwen3-8B")
    report = load_report(SHORT)
    before = cache_key(report, summarizer.config, summarizer.settings)
    summarizer.summarize(report)
    after = cache_key(report, summarizer.config, summarizer.settings)
    assert before != after


def test_the_async_summarizer_shares_the_fallback() -> None:
    fake = FakeModel(
        fault=refuses_while(
            lambda body: "enable_thinking" in body, lambda: refusal(400, SILICONFLOW_20015)
        )
    )
    client = openai.AsyncOpenAI(
        base_url="https://api.siliconflow.cn/v1",
        api_key="test-key",
        http_client=httpx2.AsyncClient(transport=fake.async_transport()),
    )
    summarizer = AsyncSummarizer(provider="siliconflow", model="Qwen/Qwen3-8B", client=client)
    summary = asyncio.run(summarizer.summarize(SHORT))
    assert summary.rejected == []
    assert summarizer.config.downgrades == ("enable_thinking: false→removed",)
    # Requests in flight when the first refusal came may be refused too; each retries once.
    assert sum("enable_thinking" in body for body in fake.requests) <= 2


def test_strict_is_added_to_json_schema_where_the_table_says_so() -> None:
    body = {
        "model": "qwen-plus",
        "temperature": 0.0,
        "response_format": {"type": "json_schema", "json_schema": {"name": "A", "schema": {}}},
    }
    prepared = prepare_body(body, capability_for("qwen", "qwen-plus"), ())
    assert prepared["response_format"]["json_schema"]["strict"] is True
    assert "strict" not in body["response_format"]["json_schema"]  # the original is untouched


def test_json_object_refused_goes_to_json_asked_for_in_the_prompt() -> None:
    body = {"model": "m", "messages": [], "response_format": {"type": "json_object"}}
    parameter = refused_parameter(
        400, '{"error": {"message": "response_format json_object is not supported"}}', body
    )
    assert parameter == "response_format"
    downgrade = next_downgrade("response_format", "", body)
    assert downgrade == Downgrade("response_format", "json_object", "prompt")
    assert "response_format" not in prepare_body(
        body, capability_for("openai-compatible", "m"), (downgrade,)
    )


def test_an_injected_clients_hooks_headers_and_auth_are_kept() -> None:
    # Users inject a client to log requests or add a gateway's headers; none of it is dropped.
    fake = FakeModel()
    seen: list[str] = []
    sent: list[httpx2.Request] = []

    class Signed(httpx2.Auth):
        def auth_flow(self, request: httpx2.Request):  # type: ignore[no-untyped-def]
            request.headers["X-Signed"] = "yes"
            yield request

    client = openai.OpenAI(
        base_url="http://fake.test/v1",
        api_key="test-key",
        http_client=httpx2.Client(
            transport=fake.transport(),
            headers={"X-Gateway": "county"},
            cookies={"sid": "abc"},
            auth=Signed(),
            event_hooks={
                "request": [
                    lambda request: seen.append(request.headers["x-gateway"]),
                    sent.append,
                ]
            },
        ),
    )
    summary = Summarizer(client=client, model="fake").summarize(SHORT)
    assert summary.digest
    assert seen and set(seen) == {"county"}
    assert len(seen) == summary.provenance.usage.requests
    assert all(r.headers.get("x-signed") == "yes" for r in sent)
    assert all("sid=abc" in r.headers.get("cookie", "") for r in sent)


def test_an_injected_async_clients_event_hooks_are_kept() -> None:
    fake = FakeModel()
    seen: list[str] = []

    async def hook(request: httpx2.Request) -> None:
        seen.append(request.url.path)

    client = openai.AsyncOpenAI(
        base_url="http://fake.test/v1",
        api_key="test-key",
        http_client=httpx2.AsyncClient(
            transport=fake.async_transport(), event_hooks={"request": [hook]}
        ),
    )
    summary = asyncio.run(AsyncSummarizer(client=client, model="fake").summarize(SHORT))
    assert len(seen) == summary.provenance.usage.requests >= 1
