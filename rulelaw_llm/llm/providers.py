"""Provider presets and configuration: arguments, else environment, else a clear error.

Every preset is an OpenAI-compatible endpoint; any other one (an intranet vLLM, a gateway)
works with ``base_url`` + ``model``. Nothing here reads the environment at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from urllib.parse import urlsplit, urlunsplit

from rulelaw_llm.errors import ConfigurationError
from rulelaw_llm.llm.capabilities import CAPABILITIES, Capability, Json, capability_for

__all__ = [
    "NOT_CONFIGURED",
    "PRESETS",
    "ProviderConfig",
    "ProviderPreset",
    "llm_settings_present",
    "resolve_provider",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderPreset:
    """Where one provider's OpenAI-compatible API is and which key it needs.

    What a model there accepts (structured output, thinking switch, temperature) is in
    ``rulelaw_llm.llm.capabilities``, per model family.
    """

    name: str
    label: str
    base_url: str
    key_env: str | None
    """The provider's own environment variable for the key; ``None`` for local servers."""
    default_model: str | None = None
    checked: str = ""
    """The date the default model was checked against the provider's documentation."""
    scope: str | None = None
    """The plan for this provider's models: ``all`` asks every field (large hosted models
    rewrite every summary well); ``None`` keeps the default ``unsure``."""
    keys_per_request: int | None = None
    """Targets per request: large hosted models take a whole part in one request."""


#: Targets per request in the coarser plan of hosted presets: a whole part at once.
_WHOLE_PART = 60


PRESETS: Mapping[str, ProviderPreset] = MappingProxyType(
    {
        preset.name: preset
        for preset in (
            ProviderPreset(
                name="openai",
                label="OpenAI",
                base_url="https://api.openai.com/v1",
                key_env="OPENAI_API_KEY",
                default_model="gpt-4o-mini",
            ),
            # deepseek-chat stopped on 2026-07-24; deepseek-flash is the documented id
            # (api-docs.deepseek.com/quick_start/pricing, checked 2026-11-30).
            ProviderPreset(
                name="deepseek",
                label="DeepSeek",
                base_url="https://api.deepseek.com",
                key_env="DEEPSEEK_API_KEY",
                default_model="deepseek-flash",
                checked="2026-11-30",
                # Large hosted model: the coarser plan, every field, one request per part.
                scope="all",
                keys_per_request=_WHOLE_PART,
            ),
            ProviderPreset(
                name="qwen",
                label="通义千问（DashScope 兼容模式）",
                base_url="https://dashscope.aliyuncs.com/compatible-mode/v1",
                key_env="DASHSCOPE_API_KEY",
                default_model="qwen-plus",
                checked="2026-11-30",
                # Large hosted model: the coarser plan, every field, one request per part.
                scope="all",
                keys_per_request=_WHOLE_PART,
            ),
            ProviderPreset(
                name="zhipu",
                label="智谱 GLM",
                base_url="https://open.bigmodel.cn/api/paas/v4",
                key_env="ZHIPUAI_API_KEY",
                default_model="glm-4-flash-250414",
                checked="2026-11-30",
                # Large hosted model: the coarser plan, every field, one request per part.
                scope="all",
                keys_per_request=_WHOLE_PART,
            ),
            ProviderPreset(
                name="moonshot",
                label="Moonshot Kimi",
                base_url="https://api.moonshot.cn/v1",
                key_env="MOONSHOT_API_KEY",
                default_model="moonshot-v1-8k",
                checked="2026-11-30",
                # Large hosted model: the coarser plan, every field, one request per part.
                scope="all",
                keys_per_request=_WHOLE_PART,
            ),
            # Doubao models are addressed by an endpoint id (ep-…): no default model.
            ProviderPreset(
                name="doubao",
                label="火山引擎豆包",
                base_url="https://ark.cn-beijing.volces.com/api/v3",
                key_env="ARK_API_KEY",
                # Large hosted model: the coarser plan, every field, one request per part.
                scope="all",
                keys_per_request=_WHOLE_PART,
            ),
            ProviderPreset(
                name="siliconflow",
                label="硅基流动",
                base_url="https://api.siliconflow.cn/v1",
                key_env="SILICONFLOW_API_KEY",
                default_model="Qwen/Qwen2.5-7B-Instruct",
                checked="2026-11-30",
            ),
            ProviderPreset(
                name="ollama",
                label="Ollama（本地）",
                base_url="http://localhost:11434/v1",
                key_env=None,
                default_model="qwen2.5:7b",
            ),
            ProviderPreset(
                name="vllm",
                label="vLLM（本地/内网）",
                base_url="http://localhost:8000/v1",
                key_env=None,
            ),
            ProviderPreset(
                name="llamacpp",
                label="llama.cpp server",
                base_url="http://localhost:8080/v1",
                key_env=None,
            ),
            ProviderPreset(
                name="llama-cpp-python",
                label="llama-cpp-python server",
                base_url="http://localhost:8000/v1",
                key_env=None,
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
    """Request options sent with every call, e.g. the switch that turns "thinking" off."""
    capability: Capability = field(default_factory=lambda: CAPABILITIES[-1])
    """The row of ``capabilities.CAPABILITIES`` this model matched."""
    scope: str | None = None
    """The preset's plan (``all`` for large hosted models); ``None``: the default ``unsure``."""
    keys_per_request: int | None = None
    """The preset's targets per request (a whole part for large hosted models)."""
    downgrades: tuple[str, ...] = ()
    """Parameters downgraded during this run after the provider refused them
    (``fallback``), e.g. ``"response_format: json_schema→json_object"``."""

    def with_downgrades(self, downgrades: tuple[str, ...]) -> ProviderConfig:
        """The same endpoint with the downgrades learnt so far (part of the cache key)."""
        return replace(self, downgrades=downgrades) if downgrades != self.downgrades else self

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
    "ollama、vllm、llamacpp、llama-cpp-python）及该服务商的密钥变量；"
    "也可在命令行用 --provider/--model/--base-url。"
)
#: How the error for "no model configured at all" begins (the CLI says it once).
NOT_CONFIGURED = "未配置大模型。"


#: The variables that say "use an LLM"; any one of them set means the user wants one.
_LLM_VARIABLES = ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY")


def llm_settings_present(
    *,
    provider: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Whether anything at all asks for an LLM (arguments or ``RULELAW_*`` variables).

    Only when nothing does may a command fall back to the rules; a half-set configuration
    is an error that says what is missing.
    """
    env = os.environ if environ is None else environ
    return bool(provider or model or base_url) or any(env.get(name) for name in _LLM_VARIABLES)


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
    A half-set configuration (a base URL without a model, a model or key without a base
    URL or provider, a provider without its key) names what is missing.
    """
    env = os.environ if environ is None else environ
    provider = provider or env.get("RULELAW_PROVIDER") or None
    model = model or env.get("RULELAW_MODEL") or None
    base_url = base_url or env.get("RULELAW_BASE_URL") or None
    if provider is None and base_url is None:
        given = [
            name
            for name, value in (
                ("RULELAW_MODEL（--model）", model),
                ("RULELAW_API_KEY", api_key or env.get("RULELAW_API_KEY")),
            )
            if value
        ]
        if given:
            raise ConfigurationError(
                f"已设置 {'、'.join(given)}，但缺少接口地址：请再设置 RULELAW_BASE_URL"
                "（--base-url）或 RULELAW_PROVIDER（--provider）。"
            )
        raise ConfigurationError(f"{NOT_CONFIGURED}{_HOW_TO}")
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
        where = preset.label if preset else f"接口 {base_url}"
        raise ConfigurationError(
            f"已设置 {where}，但未指定模型名称：请设置 RULELAW_MODEL 或使用 --model。"
        )
    name = preset.name if preset else "openai-compatible"
    capability = capability_for(name, model)
    return ProviderConfig(
        provider=name,
        base_url=(base_url or (preset.base_url if preset else "")).rstrip("/"),
        model=model,
        mode=mode or capability.mode,
        key_env=preset.key_env if preset and preset.key_env else "RULELAW_API_KEY",
        api_key=key,
        extra_body=capability.thinking_off,
        capability=capability,
        scope=preset.scope if preset else None,
        keys_per_request=preset.keys_per_request if preset else None,
    )
