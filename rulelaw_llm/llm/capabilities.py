"""What each model family accepts, in one table: structured output, thinking switch, temperature.

A provider preset (``providers.PRESETS``) holds where an endpoint is and which key it needs;
this table holds what a *model* there accepts, because on one endpoint models differ
(SiliconFlow refuses ``enable_thinking`` on non-reasoning models, Kimi K2.5 refuses any
temperature but its own, only some Qwen models take ``json_schema``). The first row whose
provider and name pattern match wins; every provider ends with a catch-all row holding its
safest choice. Each row names the document it comes from and the date it was checked, so
the table can be kept current; ``rulelaw-llm check`` shows what an endpoint really accepts.

Where a provider refuses a parameter anyway, ``fallback`` downgrades that one parameter.

A second table, ``BATCH_APIS``, records which presets document an asynchronous Batch API
(``batch --batch-api``), with its discount and limits, its source and the date it was checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

__all__ = [
    "BATCH_APIS",
    "CAPABILITIES",
    "BatchApi",
    "Capability",
    "Temperature",
    "batch_api_for",
    "capability_for",
]

Json = str | int | float | bool | None | dict[str, "Json"] | list["Json"]

Temperature = float | Literal["any", "omit"]
"""``"any"``: the requested temperature is sent; ``"omit"``: never sent (the server picks
its fixed value); a number: the only value the model accepts."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Capability:
    """What one family of models behind one provider accepts."""

    provider: str
    """A preset name (``providers.PRESETS``), or ``openai-compatible`` for a bare base URL."""
    pattern: str
    """Regular expression matched against the whole model name, ignoring case."""
    mode: str
    """Structured-output mode (``settings.MODES``): tools, json, json_grammar, json_schema."""
    strict: bool = False
    """``json_schema`` is sent with ``"strict": true`` (the documented form there)."""
    thinking_off: Mapping[str, Json] = field(default_factory=lambda: MappingProxyType({}))
    """Request fields that switch thinking off; empty when the model has no switch."""
    temperature: Temperature = "any"
    checked: str
    """The date (YYYY-MM-DD) the row was checked against ``source``."""
    source: str
    """The document the row comes from."""
    note: str = ""

    def matches(self, provider: str, model: str) -> bool:
        """Whether this row describes ``model`` served by ``provider``."""
        return provider == self.provider and re.fullmatch(self.pattern, model, re.I) is not None


def _row(
    provider: str,
    pattern: str,
    mode: str,
    *,
    checked: str,
    source: str,
    strict: bool = False,
    thinking_off: dict[str, Json] | None = None,
    temperature: Temperature = "any",
    note: str = "",
) -> Capability:
    return Capability(
        provider=provider,
        pattern=pattern,
        mode=mode,
        strict=strict,
        thinking_off=MappingProxyType(thinking_off or {}),
        temperature=temperature,
        checked=checked,
        source=source,
        note=note,
    )


_DEEPSEEK_OFF: dict[str, Json] = {"thinking": {"type": "disabled"}}
_QWEN_OFF: dict[str, Json] = {"enable_thinking": False}
_TEMPLATE_OFF: dict[str, Json] = {"chat_template_kwargs": {"enable_thinking": False}}
_CHECKED = "2026-11-30"

#: The table. Order matters: the first matching row wins, so specific rows come first.
CAPABILITIES: tuple[Capability, ...] = (
    # ------------------------------------------------------------------ DeepSeek
    _row(
        "deepseek",
        r"deepseek-chat|deepseek-reasoner",
        "json",
        thinking_off=_DEEPSEEK_OFF,
        checked=_CHECKED,
        source="https://api-docs.deepseek.com/quick_start/pricing",
        note="旧名称，2026-07-24 起停用：请改用 deepseek-flash",
    ),
    _row(
        "deepseek",
        r".*",
        "json",
        thinking_off=_DEEPSEEK_OFF,
        checked=_CHECKED,
        source="https://api-docs.deepseek.com/guides/thinking_mode ; /guides/json_mode",
        note="deepseek-flash、deepseek-v4-pro 默认开启思考；JSON Output 需提示词含 json",
    ),
    # ------------------------------------------------------------------ Qwen (DashScope)
    _row(
        "qwen",
        r"qwen3-max(-.*)?|qwen-plus(-latest)?|qwen-plus-2025-07-(2[89]|3[01])"
        r"|qwen-plus-2025-(0[89]|1[0-2])-\d\d|qwen-plus-20(2[6-9])-\d\d-\d\d|qwen-flash(-.*)?",
        "json_schema",
        strict=True,
        thinking_off=_QWEN_OFF,
        checked=_CHECKED,
        source="https://help.aliyun.com/zh/model-studio/json-mode",
        note="json_schema 仅 qwen3-max、qwen-plus（2025-07-28 起的快照）、qwen-flash",
    ),
    _row(
        "qwen",
        r".*",
        "json",
        thinking_off=_QWEN_OFF,
        checked=_CHECKED,
        source="https://help.aliyun.com/zh/model-studio/json-mode",
        note="其他模型用 json_object（非思考模式）；qwen3 非流式调用须 enable_thinking=false",
    ),
    # ------------------------------------------------------------------ Zhipu GLM
    _row(
        "zhipu",
        r"glm-4\.[5-9].*|glm-[5-9].*",
        "json",
        thinking_off=_DEEPSEEK_OFF,
        checked=_CHECKED,
        source="https://docs.bigmodel.cn/cn/guide/capabilities/thinking",
        note="GLM-4.5 起默认开启思考；tool_choice 只能为 auto，不用 tools 模式",
    ),
    _row(
        "zhipu",
        r".*",
        "json",
        checked=_CHECKED,
        source="https://docs.bigmodel.cn/cn/guide/models/free/glm-4-flash-250414",
        note="GLM-4 系列（glm-4-flash-250414 等）没有思考开关",
    ),
    # ------------------------------------------------------------------ Moonshot Kimi
    _row(
        "moonshot",
        r"kimi-k2\.[5-9].*",
        "json",
        thinking_off=_DEEPSEEK_OFF,
        temperature="omit",
        checked=_CHECKED,
        source="Moonshot 参数说明，转引自 HKUDS/nanobot#4967、BerriAI/litellm#29687（原文未在文档库中）",
        note="温度固定（思考 1.0，非思考 0.6），传其他值返回 400：不发送 temperature",
    ),
    _row(
        "moonshot",
        r"kimi-k[3-9].*|kimi-k2-thinking.*",
        "json",
        temperature="omit",
        checked=_CHECKED,
        source="Moonshot Kimi Code 模型文档，转引自 dev.to/aihubmix（K3.1 迁移）；BerriAI/litellm#29687",
        note="只能思考：关闭思考返回 400；温度固定为 1",
    ),
    _row(
        "moonshot",
        r".*",
        "json",
        checked=_CHECKED,
        source="https://www.promptfoo.dev/docs/providers/moonshot/（moonshot-v1 系列）；原文未在文档库中",
        note="moonshot-v1 系列：json_object，温度可调",
    ),
    # ------------------------------------------------------------------ Volcengine Doubao
    _row(
        "doubao",
        r".*thinking.*",
        "json",
        checked=_CHECKED,
        source="volcengine/veadk-python#167（方舟文档原文未在文档库中）",
        note="只能思考的模型（如 doubao-seed-1.6-thinking）拒绝 thinking=disabled",
    ),
    _row(
        "doubao",
        r".*",
        "json",
        thinking_off=_DEEPSEEK_OFF,
        checked=_CHECKED,
        source="volcengine/veadk-python#167（方舟文档原文未在文档库中）",
        note="接入点 ep-… 看不出模型：发送 thinking=disabled，被拒绝时自动去掉",
    ),
    # ------------------------------------------------------------------ SiliconFlow
    _row(
        "siliconflow",
        r"Qwen/Qwen3-\d+(\.\d+)?B(-A\d+(\.\d+)?B)?|(Pro/)?deepseek-ai/DeepSeek-V3\.[12].*"
        r"|(Pro/)?deepseek-ai/DeepSeek-V4.*|(Pro/)?zai-org/GLM-4\.[5-9].*",
        "json",
        thinking_off=_QWEN_OFF,
        checked=_CHECKED,
        source="https://docs.siliconflow.cn/cn/api-reference/chat-completions/chat-completions",
        note="enable_thinking 只适用于混合推理模型",
    ),
    _row(
        "siliconflow",
        r".*",
        "json",
        checked=_CHECKED,
        source="https://docs.siliconflow.cn/cn/api-reference/chat-completions/chat-completions",
        note="非推理模型收到 enable_thinking 返回 400（code 20015）：不发送",
    ),
    # ------------------------------------------------------------------ OpenAI
    _row(
        "openai",
        r"o\d.*|gpt-5.*",
        "tools",
        temperature="omit",
        checked=_CHECKED,
        source="OpenAI 推理模型说明（未在文档库中核实）",
        note="推理模型只接受默认温度",
    ),
    _row(
        "openai",
        r".*",
        "tools",
        checked=_CHECKED,
        source="OpenAI function calling（未在文档库中核实；沿用原预设）",
    ),
    # ------------------------------------------------------------------ Ollama
    _row(
        "ollama",
        r"(qwen3|qwen3\.\d+|deepseek-r1|qwq|magistral)(:.*)?",
        "json_schema",
        thinking_off={"reasoning_effort": "none"},
        checked=_CHECKED,
        source="https://docs.ollama.com/api/openai-compatibility ; ollama/ollama#14820",
        note="/v1 接口忽略 think:false，只认 reasoning_effort:none",
    ),
    _row(
        "ollama",
        r".*",
        "json_schema",
        checked=_CHECKED,
        source="https://docs.ollama.com/api/openai-compatibility",
        note="非思考模型收到思考开关返回 400（does not support thinking）：不发送",
    ),
    # ------------------------------------------------------------------ local servers
    _row(
        "vllm",
        r".*",
        "json_schema",
        thinking_off=_TEMPLATE_OFF,
        checked=_CHECKED,
        source="https://qwen.readthedocs.io/en/latest/deployment/vllm.html",
    ),
    _row(
        "llamacpp",
        r".*qwen3.*",
        "json_schema",
        thinking_off=_TEMPLATE_OFF,
        checked=_CHECKED,
        source="llama.cpp server --chat-template-kwargs，见 CherryHQ/cherry-studio#14981；QwenLM/Qwen3#1300",
        note="llama-server 把强制 tool_choice 变为 auto：不用 tools 模式",
    ),
    _row(
        "llamacpp",
        r".*",
        "json_schema",
        checked=_CHECKED,
        source="../shared/DOMAIN.md（llama.cpp 把强制 tool_choice 变为 auto）",
    ),
    _row(
        "llama-cpp-python",
        r".*",
        "json_grammar",
        checked=_CHECKED,
        source="本机实测（../shared/DOMAIN.md）：json_schema 返回 HTTP 500",
        note="json_object 附 schema 时由语法约束",
    ),
    _row(
        "openai-compatible",
        r".*",
        "tools",
        checked=_CHECKED,
        source="OpenAI Chat Completions（任意兼容接口的最低共同点）",
    ),
)


def capability_for(provider: str, model: str) -> Capability:
    """The first row of ``CAPABILITIES`` matching ``provider`` and ``model``."""
    for row in CAPABILITIES:
        if row.matches(provider, model):
            return row
    # Every provider has a catch-all row; an unknown provider name gets the generic one.
    return CAPABILITIES[-1]


# --------------------------------------------------------------------------- Batch APIs


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchApi:
    """What one provider documents about its asynchronous Batch API (``batch --batch-api``).

    ``supported``: an OpenAI-compatible Files + Batches API (upload a JSONL file with
    ``purpose="batch"``, ``POST /batches``, poll, download the output and error files) that
    ``rulelaw_llm.corpus.batch_api`` drives. A provider whose batch inference works another
    way is listed with ``supported=False`` and what to do instead.
    """

    provider: str
    supported: bool
    endpoint: str = "/v1/chat/completions"
    """The ``url`` of every request line and the batch's ``endpoint``."""
    discount: float | None = None
    """The share of the online price a batch request costs (0.5: half); ``None``: not found
    in the documents (costs are then estimated at the online price)."""
    max_requests: int = 50_000
    """The most requests in one input file."""
    max_bytes: int = 100_000_000
    """The largest input file."""
    completion_window: str = "24h"
    models: str = r".*"
    """The models the Batch API takes (regular expression over the whole name)."""
    checked: str
    source: str
    note: str = ""

    def takes(self, model: str) -> bool:
        """Whether the Batch API documents ``model``."""
        return re.fullmatch(self.models, model, re.I) is not None


_BATCH_CHECKED = "2026-12-02"

#: Which presets document a Batch API, checked against each provider's documents (the
#: ``search`` tool's stored copies, corpora docs and pages) on ``_BATCH_CHECKED``. A live
#: check against a real provider was not possible here: the tests and the benchmark drive a
#: stand-in server (tests/batch_server.py) built to these documents.
BATCH_APIS: tuple[BatchApi, ...] = (
    BatchApi(
        provider="openai",
        supported=True,
        discount=0.5,
        max_bytes=200_000_000,
        checked=_BATCH_CHECKED,
        source="https://developers.openai.com/api/reference/cli/resources/batches ; "
        "platform.openai.com/docs/guides/batch（转引自 juejin.cn/post/7369767878781616147）",
        note="半价、独立的速率限制池；每个文件至多 50,000 个请求、200 MB；24 小时内完成",
    ),
    BatchApi(
        provider="qwen",
        supported=True,
        discount=0.5,
        models=r"qwen3?(\.\d+)?-(max|plus|flash|turbo|long)(-latest)?|qwq-plus|deepseek-(r1|v3(\.2)?)",
        checked=_BATCH_CHECKED,
        source="https://help.aliyun.com/zh/model-studio/batch-interfaces-compatible-with-openai ; "
        "https://help.aliyun.com/zh/dashscope/developer-reference/openai-batch-interface",
        note="OpenAI 兼容 Batch：费用为实时调用的 50%；单个任务至多 50,000 个请求、文件至多 100 MB；"
        "国际站（新加坡）只支持 qwen-max、qwen-plus、qwen-turbo 等",
    ),
    BatchApi(
        provider="zhipu",
        supported=True,
        endpoint="/v4/chat/completions",
        discount=0.5,
        checked=_BATCH_CHECKED,
        source="https://docs.bigmodel.cn/api-reference/批处理-api/创建批处理任务 ; "
        "智谱 Batch API 使用指南（zhipu-ef7018ed.mintlify.app/cn/guide/tools/batch）",
        note="价格降低 50%（GLM-4-Flash 免费）；单个文件至多 50,000 个请求、100 MB；"
        "请求行的 url 和任务的 endpoint 为 /v4/chat/completions",
    ),
    BatchApi(
        provider="moonshot",
        supported=True,
        max_requests=10_000,
        models=r"kimi-k2\.[56].*",
        checked=_BATCH_CHECKED,
        source="https://platform.kimi.com/docs/guide/use-batch-api",
        note="只支持 kimi-k2.6、kimi-k2.5（不可设置 temperature 等参数）；文件至多 100 MB；"
        "折扣和单个文件的请求数上限未在文档中找到（按在线价格估算，按 10,000 条分文件）",
    ),
    BatchApi(
        provider="siliconflow",
        supported=True,
        discount=0.5,
        max_requests=5_000,
        max_bytes=1_000_000_000,
        checked=_BATCH_CHECKED,
        source="https://docs.siliconflow.cn/cn/userguide/guides/batch ; "
        "https://docs.siliconflow.cn/cn/api-reference/batch/create-batch",
        note="价格降低 50%，预期 24 小时内完成；单个文件至多 5,000 行、1 GB；结果文件链接一个月内有效",
    ),
    BatchApi(
        provider="doubao",
        supported=False,
        discount=0.5,
        checked=_BATCH_CHECKED,
        source="https://www.volcengine.com/docs/82379/1399518（批量推理 SDK 教程）",
        note="方舟批量推理为在线价格的 50%，但不是 OpenAI 兼容的 Files/Batches 接口："
        "Batch Job 的数据放在对象存储 TOS、用 CreateBatchInferenceJob 创建；Batch Chat 用批量推理"
        "接入点按普通对话接口调用。请创建批量推理接入点（ep-…），不加 --batch-api 在线运行，"
        "并调大超时（文档建议 30 分钟以上）。",
    ),
    BatchApi(
        provider="deepseek",
        supported=False,
        checked=_BATCH_CHECKED,
        source="https://api-docs.deepseek.com/quick_start/pricing（转引自 docs.apiyi.com 2026-08 价格说明）",
        note="文档中没有找到批量接口（Batch API）；DeepSeek 改为错峰计价（非高峰时段半价），"
        "在非高峰时段在线运行即可。",
    ),
)


def batch_api_for(provider: str) -> BatchApi | None:
    """The Batch API row of ``provider`` (``None``: no batch inference documented)."""
    return next((row for row in BATCH_APIS if row.provider == provider), None)
