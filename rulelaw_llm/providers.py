"""Provider presets and configuration: arguments, else environment, else a clear error.

Every preset is an OpenAI-compatible endpoint; any other one (an intranet vLLM, a gateway)
works with ``base_url`` + ``model``. Nothing here reads the environment at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit, urlunsplit

from rulelaw_llm.errors import ConfigurationError

__all__ = ["PRESETS", "ProviderConfig", "ProviderPreset", "resolve_provider"]

Json = str | int | float | bool | None | dict[str, "Json"] | list["Json"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderPreset:
    """What is known about one provider's OpenAI-compatible API."""

    name: str
    label: str
    base_url: str
    key_env: str | None
    """The provider's own environment variable for the key; ``None`` for local servers."""
    mode: str
    """The structured-output mode that works there (``rulelaw_llm.settings.MODES``)."""
    default_model: str | None = None
    extra_body: Mapping[str, Json] = field(default_factory=lambda: MappingProxyType({}))
    """Request options sent with every call, e.g. the switch that turns "thinking" off."""
    scope: str | None = None
    """The plan for this provider's models: ``all`` asks every field (large hosted models
    rewrite every summary well); ``None`` keeps the default ``unsure``."""
    keys_per_request: int | None = None
    """Targets per request: large hosted models take a whole part in one request."""


#: Targets per request in the coarser plan of hosted presets: a whole part at once.
_WHOLE_PART = 60


def _preset(
    *,
    name: str,
    label: str,
    base_url: str,
    key_env: str | None,
    mode: str,
    default_model: str | None = None,
    extra_body: dict[str, Json] | None = None,
    hosted: bool = False,
) -> ProviderPreset:
    return ProviderPreset(
        name=name,
        label=label,
        base_url=base_url,
        key_env=key_env,
        mode=mode,
        default_model=default_model,
        extra_body=MappingProxyType(extra_body or {}),
        # Large hosted models: the coarser plan, one request per part with every field.
        scope="all" if hosted else None,
        keys_per_request=_WHOLE_PART if hosted else None,
    )


PRESETS: Mapping[str, ProviderPreset] = MappingProxyType(
    {
        preset.name: preset
        for preset in (
            _preset(
                name="openai",
                label="OpenAI",
                base_url="https://api.openai.com/v1",
                key_env="OPENAI_API_KEY",
                mode="tools",
                default_model="gpt-4o-mini",
            ),
            # DeepSeek: json_object only on the chat endpoint; thinking models reject
            # json_object and forced tool_choice, so thinking is switched off.
            _preset(
                name="deepseek",
                label="DeepSeek",
                base_url="https://api.deepseek.com",
                key_env="DEEPSEEK_API_KEY",
                mode="json",
                default_model="deepseek-chat",
                extra_body={"thinking": {"type": "disabled"}},
                hosted=True,
            ),
            _preset(
                name="qwen",
                label="通义千问（DashScope 兼容模式）",
                base_url="https://dashscope.aliyuncs.com/compatible-mode/v1",
                key_env="DASHSCOPE_API_KEY",
                mode="json_schema",
                default_model="qwen-plus",
                extra_body={"enable_thinking": False},
                hosted=True,
            ),
            _preset(
                name="zhipu",
                label="智谱 GLM",
                base_url="https://open.bigmodel.cn/api/paas/v4",
                key_env="ZHIPUAI_API_KEY",
                mode="json",
                default_model="glm-4-flash",
                extra_body={"thinking": {"type": "disabled"}},
                hosted=True,
            ),
            _preset(
                name="moonshot",
                label="Moonshot Kimi",
                base_url="https://api.moonshot.cn/v1",
                key_env="MOONSHOT_API_KEY",
                mode="json",
                default_model="moonshot-v1-8k",
                hosted=True,
            ),
            # Doubao models are addressed by an endpoint id (ep-…): no default model.
            _preset(
                name="doubao",
                label="火山引擎豆包",
                base_url="https://ark.cn-beijing.volces.com/api/v3",
                key_env="ARK_API_KEY",
                mode="json",
                extra_body={"thinking": {"type": "disabled"}},
                hosted=True,
            ),
            _preset(
                name="siliconflow",
                label="硅基流动",
                base_url="https://api.siliconflow.cn/v1",
                key_env="SILICONFLOW_API_KEY",
                mode="json",
                default_model="Qwen/Qwen2.5-7B-Instruct",
                extra_body={"enable_thinking": False},
            ),
            _preset(
                name="ollama",
                label="Ollama（本地）",
                base_url="http://localhost:11434/v1",
                key_env=None,
                mode="json_schema",
                default_model="qwen2.5:7b",
                extra_body={"think": False},
            ),
            # vLLM serving Qwen3-style models: the chat template switch turns thinking off.
            _preset(
                name="vllm",
                label="vLLM（本地/内网）",
                base_url="http://localhost:8000/v1",
                key_env=None,
                mode="json_schema",
                extra_body={"chat_template_kwargs": {"enable_thinking": False}},
            ),
            # llama.cpp's llama-server turns a forced tool_choice into "auto": use json_schema.
            _preset(
                name="llamacpp",
                label="llama.cpp server",
                base_url="http://localhost:8080/v1",
                key_env=None,
                mode="json_schema",
            ),
            # llama-cpp-python's server rejects the json_schema response format (HTTP 500)
            # and renders tool-call re-asks with \u-escaped Chinese (measured: a re-ask cost
            # 3,500 prompt tokens); json_object with the schema attached is grammar-constrained.
            _preset(
                name="llama-cpp-python",
                label="llama-cpp-python server",
                base_url="http://localhost:8000/v1",
                key_env=None,
                mode="json_grammar",
            ),
        )
    }
)


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """A resolved endpoint. ``repr`` never shows the key."""

    provider: str
    """A preset name, or ``openai-compatible`` for a bare base_url."""
    base_url: str
    model: str
    mode: str
    key_env: str | None
    api_key: str = field(repr=False)
    extra_body: Mapping[str, Json] = field(default_factory=lambda: MappingProxyType({}))
    scope: str | None = None
    keys_per_request: int | None = None

    @property
    def public_base_url(self) -> str:
        """The base URL without any user:password part, safe to store in results."""
        parts = urlsplit(self.base_url)
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


_HOW_TO = (
    "请设置 RULELAW_BASE_URL 和 RULELAW_MODEL（任何 OpenAI 兼容接口，如内网 vLLM），"
    "或设置 RULELAW_PROVIDER（deepseek、qwen、zhipu、moonshot、doubao、siliconflow、openai、"
    "ollama、vllm、llamacpp）及该服务商的密钥变量；也可在命令行用 --provider/--model/--base-url。"
)


def resolve_provider(
    *,
    provider: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    mode: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> ProviderConfig:
    """Resolve the endpoint from arguments, else environment, else ``ConfigurationError``.

    Environment: ``RULELAW_PROVIDER``, ``RULELAW_MODEL``, ``RULELAW_BASE_URL``,
    ``RULELAW_API_KEY`` and each provider's own key variable (``DEEPSEEK_API_KEY``…).
    """
    env = os.environ if environ is None else environ
    provider = provider or env.get("RULELAW_PROVIDER") or None
    model = model or env.get("RULELAW_MODEL") or None
    base_url = base_url or env.get("RULELAW_BASE_URL") or None
    if provider is None and base_url is None:
        raise ConfigurationError(f"未配置大模型。{_HOW_TO}")
    preset: ProviderPreset | None = None
    if provider is not None:
        preset = PRESETS.get(provider.lower())
        if preset is None:
            raise ConfigurationError(
                f"未知的服务商：{provider}。可选：{'、'.join(PRESETS)}；"
                "其他 OpenAI 兼容接口请只设置 RULELAW_BASE_URL 和 RULELAW_MODEL。"
            )
    key = api_key or env.get("RULELAW_API_KEY") or None
    if key is None and preset is not None and preset.key_env:
        key = env.get(preset.key_env) or None
    if key is None:
        if preset is not None and preset.key_env:
            raise ConfigurationError(
                f"缺少 {preset.label} 的 API 密钥：请设置环境变量 {preset.key_env}"
                "（或 RULELAW_API_KEY）。"
            )
        key = "EMPTY"  # local and intranet servers usually accept any key
    model = model or (preset.default_model if preset else None)
    if model is None:
        where = f"{preset.label} " if preset else ""
        raise ConfigurationError(f"未指定{where}模型名称：请设置 RULELAW_MODEL 或使用 --model。")
    chosen_mode = mode or (preset.mode if preset else "tools")
    return ProviderConfig(
        provider=preset.name if preset else "openai-compatible",
        base_url=(base_url or (preset.base_url if preset else "")).rstrip("/"),
        model=model,
        mode=chosen_mode,
        key_env=preset.key_env if preset and preset.key_env else "RULELAW_API_KEY",
        api_key=key,
        extra_body=preset.extra_body if preset else MappingProxyType({}),
        scope=preset.scope if preset else None,
        keys_per_request=preset.keys_per_request if preset else None,
    )
