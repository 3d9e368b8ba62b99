"""``rulelaw-llm check``: one tiny request per mode, what the endpoint accepts, what to use.

Fake-transport tests (every row of the capability table, and refusals made up in the shape
the providers document) and one cassette recorded from the local llama-cpp-python server.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx2
import openai
import pytest

from rulelaw_llm.llm.capabilities import capability_for
from rulelaw_llm.llm.check import CHECK_MODES, check_endpoint, render_check
from rulelaw_llm.llm.providers import PRESETS, resolve_provider
from tests.conftest import LOCAL_BASE_URL, LOCAL_MODEL
from tests.fakes import FakeModel, error, refusal
from tests.test_providers import EXAMPLES


def _answer_two(_: int, __: dict[str, Any], ___: dict[str, Any]) -> dict[str, Any]:
    return {"answer": "2"}


def _config(provider: str, model: str) -> Any:
    if provider in PRESETS:
        return resolve_provider(provider=provider, model=model, api_key="test-key", environ={})
    return resolve_provider(base_url="http://10.0.0.5:8000/v1", model=model, environ={})


def _client(config: Any, fake: FakeModel) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=config.base_url,
        api_key="test-key",
        http_client=httpx2.Client(transport=fake.transport()),
    )


@pytest.mark.parametrize(("provider", "model"), EXAMPLES)
def test_check_tries_every_mode_with_the_rows_settings_and_recommends_the_rows_mode(
    provider: str, model: str
) -> None:
    row = capability_for(provider, model)
    config = _config(provider, model)
    fake = FakeModel(fault=_answer_two)
    report = check_endpoint(config, client=_client(config, fake))

    assert [result.mode for result in report.results] == list(CHECK_MODES)
    assert all(result.accepted and result.valid and result.usage for result in report.results)
    assert report.recommended_mode == row.mode
    assert len(fake.requests) == len(CHECK_MODES)  # one tiny request per mode
    for body in fake.requests:
        assert body["max_tokens"] <= 32
        for key, value in row.thinking_off.items():
            assert body[key] == value
        assert ("temperature" in body) is (row.temperature != "omit")
    text = render_check(report)
    assert f"模型：{model}" in text and "建议设置：" in text


def test_check_on_llama_cpp_python_shows_json_schema_refused_and_recommends_json_grammar() -> None:
    config = resolve_provider(base_url=LOCAL_BASE_URL, model=LOCAL_MODEL, environ={})
    fake = FakeModel(
        fault=lambda n, body, answer: (
            error(500, "1 validation error for CreateChatCompletionRequest response_format")
            if (body.get("response_format") or {}).get("type") == "json_schema"
            else {"answer": "2"}
        )
    )
    report = check_endpoint(config, client=_client(config, fake))
    schema = report.results[0]
    assert schema.mode == "json_schema" and schema.accepted
    assert schema.downgrades == ("response_format: json_schema→json_object",)
    # The bare base URL's table row says tools; it works, so it stays the recommendation.
    assert report.recommended_mode == "tools"
    assert "降级：response_format: json_schema→json_object" in render_check(report)


def test_check_reports_a_refused_thinking_switch() -> None:
    config = _config("siliconflow", "Qwen/Qwen3-8B")
    fake = FakeModel(
        fault=lambda n, body, answer: (
            refusal(
                400,
                {
                    "code": 20015,
                    "message": "Value error, current model does not support parameter `enable_thinking`.",
                    "data": None,
                },
            )
            if "enable_thinking" in body
            else {"answer": "2"}
        )
    )
    report = check_endpoint(config, client=_client(config, fake))
    assert all(r.downgrades == ("enable_thinking: false→removed",) for r in report.results)
    assert "enable_thinking：被拒绝，已去掉" in render_check(report)


def test_check_stops_at_a_wrong_key() -> None:
    config = _config("deepseek", "deepseek-flash")
    fake = FakeModel(fault=lambda n, body, answer: error(401, "Authentication Fails"))
    report = check_endpoint(config, client=_client(config, fake))
    assert len(report.results) == 1 and report.unreachable is not None
    assert "HTTP 401" in render_check(report)


def test_check_stops_when_the_server_cannot_be_reached(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("[Errno 111] Connection refused", request=request)

    config = resolve_provider(base_url="http://127.0.0.1:9/v1", model="x", environ={})
    client = openai.OpenAI(
        base_url=config.base_url,
        api_key="k",
        http_client=httpx2.Client(transport=httpx2.MockTransport(refuse)),
    )
    report = check_endpoint(config, client=client)
    assert report.results == () and report.unreachable is not None
    assert "无法连接 http://127.0.0.1:9/v1" in render_check(report)
    # Said in Chinese, with what to check; never the SDK's "Connection error.".
    assert "Connection error" not in render_check(report)
    assert "请检查服务是否已启动" in render_check(report)
    # instructor's "API call failed…" / "Max retries exceeded…" do not reach the user.
    assert not [r for r in caplog.records if r.name.split(".")[0] in ("instructor", "openai")]


@pytest.mark.vcr
def test_check_against_the_local_llama_cpp_python_server(played: Any) -> None:
    config = resolve_provider(
        provider="llama-cpp-python", base_url=LOCAL_BASE_URL, model=LOCAL_MODEL, environ={}
    )
    report = check_endpoint(config)
    print(render_check(report))
    by_mode = {result.mode: result for result in report.results}
    # The server refuses the OpenAI json_schema form with a 500 (DOMAIN.md); the fallback
    # downgrades it to json_object, which the server accepts.
    assert by_mode["json_schema"].downgrades == ("response_format: json_schema→json_object",)
    assert by_mode["json_grammar"].accepted and by_mode["json_grammar"].downgrades == ()
    assert by_mode["json_grammar"].usage
    assert report.recommended_mode == "json_grammar"
