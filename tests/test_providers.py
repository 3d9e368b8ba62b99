"""Provider presets: the request each one builds is what that provider accepts (FAKE transport)."""

from __future__ import annotations

import httpx2
import openai
import pytest

from rulelaw_llm import ConfigurationError, Summarizer
from rulelaw_llm.llm.capabilities import CAPABILITIES, capability_for
from rulelaw_llm.llm.providers import PRESETS, llm_settings_present, resolve_provider
from tests.fakes import FakeModel

SHORT = "某某镇2024年法治政府建设工作报告\n一、工作开展情况\n（一）加强学法。召开学法会议4次。\n二、存在问题\n一是形式单一。\n三、下一步工作计划\n（一）加强学习。\n"

#: One model name per row of the capability table, in table order.
EXAMPLES: list[tuple[str, str]] = [
    ("deepseek", "deepseek-chat"),
    ("deepseek", "deepseek-flash"),
    ("qwen", "qwen-plus"),
    ("qwen", "qwen-max"),
    ("zhipu", "glm-4.6"),
    ("zhipu", "glm-4-flash-250414"),
    ("moonshot", "kimi-k2.5"),
    ("moonshot", "kimi-k2-thinking"),
    ("moonshot", "moonshot-v1-8k"),
    ("doubao", "doubao-seed-1-6-thinking-250715"),
    ("doubao", "ep-20250101-abcde"),
    ("siliconflow", "Qwen/Qwen3-8B"),
    ("siliconflow", "Qwen/Qwen2.5-7B-Instruct"),
    ("openai", "gpt-5-mini"),
    ("openai", "gpt-4o-mini"),
    ("ollama", "qwen3:8b"),
    ("ollama", "qwen2.5:7b"),
    ("vllm", "Qwen3-8B"),
    ("llamacpp", "Qwen3-8B-Q4_K_M"),
    ("llamacpp", "gemma-3-4b"),
    ("llama-cpp-python", "qwen2.5-1.5b"),
    ("openai-compatible", "anything"),
]


def test_every_row_of_the_table_has_an_example_that_selects_it() -> None:
    assert [capability_for(*example) for example in EXAMPLES] == list(CAPABILITIES)
    assert all(row.checked and row.source for row in CAPABILITIES)


def _client(base_url: str, fake: FakeModel) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=base_url, api_key="test-key", http_client=httpx2.Client(transport=fake.transport())
    )


@pytest.mark.parametrize(("provider", "model"), EXAMPLES)
def test_each_model_family_gets_the_request_its_documentation_asks_for(
    provider: str, model: str
) -> None:
    row = capability_for(provider, model)
    base_url = PRESETS[provider].base_url if provider in PRESETS else "http://10.0.0.5:8000/v1"
    fake = FakeModel()
    summarizer = Summarizer(
        provider=provider if provider in PRESETS else None,
        base_url=None if provider in PRESETS else base_url,
        model=model,
        client=_client(base_url, fake),
    )
    summary = summarizer.summarize(SHORT)

    body = fake.requests[0]
    assert fake.urls[0] == base_url + "/chat/completions"
    for key, value in row.thinking_off.items():
        assert body[key] == value
    sent_switches = {
        "thinking",
        "enable_thinking",
        "reasoning_effort",
        "chat_template_kwargs",
        "think",
    }
    assert sent_switches & body.keys() == set(row.thinking_off)
    if row.temperature == "omit":
        assert "temperature" not in body
    else:
        assert body["temperature"] == (0.0 if row.temperature == "any" else row.temperature)
    if row.mode == "tools":
        assert body["tool_choice"]["type"] == "function" and "response_format" not in body
    elif row.mode == "json":
        assert body["response_format"] == {"type": "json_object"}
        assert "json" in body["messages"][0]["content"].lower()  # DeepSeek, DashScope need it
    elif row.mode == "json_schema":
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"].get("strict", False) is row.strict
    else:
        assert body["response_format"]["type"] == "json_object"
        # json_grammar: the response model's own schema goes with json_object (a grammar).
        assert body["response_format"]["schema"]["type"] == "object"
        assert body["response_format"]["schema"]["properties"]
    assert summary.provenance.provider == (provider if provider in PRESETS else "openai-compatible")
    assert summary.rejected == []


def test_defaults_that_work_today() -> None:
    """The documented ids of late 2026: deepseek-chat is retired, SiliconFlow's default is
    not a reasoning model (so no enable_thinking), Qwen's default takes strict json_schema."""
    keys = {"DEEPSEEK_API_KEY": "k", "SILICONFLOW_API_KEY": "k", "DASHSCOPE_API_KEY": "k"}
    deepseek = resolve_provider(provider="deepseek", environ=keys)
    assert (deepseek.model, deepseek.mode, dict(deepseek.extra_body)) == (
        "deepseek-flash",
        "json",
        {"thinking": {"type": "disabled"}},
    )
    siliconflow = resolve_provider(provider="siliconflow", environ=keys)
    assert dict(siliconflow.extra_body) == {}
    qwen = resolve_provider(provider="qwen", environ=keys)
    assert (qwen.mode, qwen.capability.strict) == ("json_schema", True)
    assert resolve_provider(provider="qwen", model="qwen-turbo", environ=keys).mode == "json"
    ollama = resolve_provider(provider="ollama", model="qwen3:8b", environ={})
    assert dict(ollama.extra_body) == {"reasoning_effort": "none"}
    assert dict(resolve_provider(provider="ollama", environ={}).extra_body) == {}


def test_keys_come_from_arguments_then_rulelaw_then_the_providers_variable() -> None:
    env = {"DEEPSEEK_API_KEY": "from-provider-var"}
    assert resolve_provider(provider="deepseek", environ=env).api_key == "from-provider-var"
    env["RULELAW_API_KEY"] = "from-rulelaw-var"
    assert resolve_provider(provider="deepseek", environ=env).api_key == "from-rulelaw-var"
    assert resolve_provider(provider="deepseek", api_key="arg", environ=env).api_key == "arg"


def test_an_intranet_vllm_needs_only_base_url_and_model() -> None:
    config = resolve_provider(
        environ={"RULELAW_BASE_URL": "http://10.1.2.3:8000/v1/", "RULELAW_MODEL": "qwen2.5-7b"}
    )
    assert (config.provider, config.base_url, config.model, config.mode) == (
        "openai-compatible",
        "http://10.1.2.3:8000/v1",
        "qwen2.5-7b",
        "tools",
    )


def test_the_key_never_shows_in_repr_or_stored_urls() -> None:
    config = resolve_provider(
        base_url="http://user:secret@gateway.example/v1",
        model="m",
        api_key="fake-key-abcdefabcdefabcdef",
        environ={},
    )
    assert "fake-key" not in repr(config) and "secret" not in config.public_base_url


def test_unknown_provider_lists_the_presets() -> None:
    with pytest.raises(ConfigurationError, match="deepseek"):
        resolve_provider(provider="nosuch", environ={})


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"RULELAW_BASE_URL": "http://10.0.0.5:8000/v1"}, "RULELAW_MODEL"),
        ({"RULELAW_MODEL": "qwen2.5-7b"}, "RULELAW_BASE_URL"),
        ({"RULELAW_API_KEY": "k"}, "RULELAW_BASE_URL"),
        ({"RULELAW_PROVIDER": "deepseek"}, "DEEPSEEK_API_KEY"),
    ],
)
def test_a_half_set_configuration_says_what_is_missing(environ: dict[str, str], says: str) -> None:
    assert llm_settings_present(environ=environ)
    with pytest.raises(ConfigurationError, match=says):
        resolve_provider(environ=environ)


def test_nothing_configured_is_not_a_half_set_configuration() -> None:
    assert not llm_settings_present(environ={"DEEPSEEK_API_KEY": "k"})
    with pytest.raises(ConfigurationError, match="未配置大模型"):
        resolve_provider(environ={})


def test_doubao_needs_an_endpoint_id() -> None:
    with pytest.raises(ConfigurationError, match="模型名称"):
        resolve_provider(provider="doubao", api_key="k", environ={})
