"""Provider presets: the request each one builds is what that provider accepts (FAKE transport)."""

from __future__ import annotations

import re

import httpx2
import openai
import pytest

from rulelaw_llm import ConfigurationError, Summarizer
from rulelaw_llm.providers import PRESETS, resolve_provider
from tests.fakes import FakeModel

SHORT = "某某镇2024年法治政府建设工作报告\n一、工作开展情况\n（一）加强学法。召开学法会议4次。\n二、存在问题\n一是形式单一。\n三、下一步工作计划\n（一）加强学习。\n"

EXPECTED = {
    # name: (mode on the wire, extra body the preset must send)
    "openai": ("tools", {}),
    "deepseek": ("json", {"thinking": {"type": "disabled"}}),
    "qwen": ("json_schema", {"enable_thinking": False}),
    "zhipu": ("json", {"thinking": {"type": "disabled"}}),
    "moonshot": ("json", {}),
    "doubao": ("json", {"thinking": {"type": "disabled"}}),
    "siliconflow": ("json", {"enable_thinking": False}),
    "ollama": ("json_schema", {"think": False}),
    "vllm": ("json_schema", {"chat_template_kwargs": {"enable_thinking": False}}),
    "llamacpp": ("json_schema", {}),
    "llama-cpp-python": ("json_grammar", {}),
}


def test_every_preset_is_covered() -> None:
    assert set(EXPECTED) == set(PRESETS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_builds_the_request_its_provider_accepts(name: str) -> None:
    preset = PRESETS[name]
    fake = FakeModel()
    client = openai.OpenAI(
        base_url=preset.base_url,
        api_key="test-key",
        http_client=httpx2.Client(transport=fake.transport()),
    )
    summary = Summarizer(provider=name, client=client, model="m").summarize(SHORT)

    mode, extra = EXPECTED[name]
    body = fake.requests[0]
    assert fake.urls[0] == preset.base_url + "/chat/completions"
    for key, value in extra.items():
        assert body[key] == value
    if mode == "tools":
        assert body["tool_choice"]["type"] == "function" and "response_format" not in body
    elif mode == "json":
        assert body["response_format"] == {"type": "json_object"}
        assert "json" in body["messages"][0]["content"].lower()  # DeepSeek requires the word
    elif mode == "json_schema":
        assert body["response_format"]["type"] == "json_schema"
    else:
        assert body["response_format"]["type"] == "json_object"
        # The schema asks exactly the keys of the prompt (here the default plan's first ask).
        prompt = body["messages"][1]["content"]
        asked = set(re.findall(r"^([qi]\d+)(?:：|［)", prompt, re.MULTILINE))
        assert asked and body["response_format"]["schema"]["properties"].keys() == asked
    assert summary.provenance.provider == name
    assert summary.rejected == []


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


def test_doubao_needs_an_endpoint_id() -> None:
    with pytest.raises(ConfigurationError, match="模型名称"):
        resolve_provider(provider="doubao", api_key="k", environ={})
