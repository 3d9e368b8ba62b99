"""One frozen settings object for the LLM backend; every option is keyword-only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

from typing_extensions import TypedDict

from rulelaw_llm.errors import ConfigurationError
from rulelaw_llm.rules.digest import DEFAULT_DIGEST_CHARS

__all__ = ["MODES", "SCOPES", "Price", "Settings", "SettingsOverrides", "answer_settings"]

#: Structured-output modes: tools (forced tool call), json (json_object + schema in the
#: prompt), json_grammar (json_object with the schema attached, llama.cpp grammars),
#: json_schema (OpenAI response_format json_schema), md_json (JSON in a Markdown fence).
MODES = ("tools", "json", "json_grammar", "json_schema", "md_json")
#: What the model is asked: only where the rules floor is unsure, or everything.
SCOPES = ("unsure", "all")


@dataclass(frozen=True, slots=True, kw_only=True)
class Price:
    """Price per million tokens, for the optional cost estimate in the usage ledger."""

    prompt: float
    completion: float
    cached_prompt: float | None = None
    currency: str = "CNY"
    batch: float | None = None
    """The share of this price a request through the provider's Batch API costs (0.5: half);
    ``None``: the discount the provider documents (``capabilities.BATCH_APIS``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """How the LLM backend talks to the model. Defaults suit small local models."""

    temperature: float = 0.0
    max_tokens: int = 1024
    """Completion tokens allowed per request."""
    max_tokens_ceiling: int = 4096
    """On a truncated answer the limit is doubled once, up to this ceiling, then work is split."""
    reasks: int = 2
    """Re-asks per request when some keys fail their checks (0 = never re-ask)."""
    reask_budget: int = 6
    """Re-asks per report, across all its requests."""
    reask_stop: int = 3
    """After this many re-asks in a row that got no failing key accepted, a summarizer sends
    no more re-asks for the rest of its life (all the reports it serves); 0 = never stop.
    Measured on the local 1.5B model: none of its re-asks made progress."""
    scope: str | None = None
    """What the model is asked: ``unsure`` (only the fields the rules floor is not sure of)
    or ``all`` (every name, summary, category and cause). ``None``: the provider preset's
    choice, else ``unsure``."""
    keys_per_request: int | None = None
    """Most targets (numbers or items) in one request. ``None``: the provider preset's
    choice, else 8."""
    timeout: float = 300.0
    """Seconds to wait for one HTTP response (local CPU models are slow)."""
    connect_timeout: float = 10.0
    """Seconds to wait for a connection to the server (not for its answer)."""
    transport_retries: int = 4
    """Retries of one request on timeouts, 429 and 5xx."""
    connect_retries: int = 2
    """Retries when the server cannot be reached at all (connection refused, DNS, no route):
    a wrong base URL should fail in seconds, not minutes."""
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    retry_after_max: float = 60.0
    """Longest Retry-After a 429 is honoured for; longer waits are capped."""
    digest_chars: int = DEFAULT_DIGEST_CHARS
    concurrency: int = 4
    """Requests in flight at once per AsyncSummarizer, across all the reports it serves."""
    block_chars: int = 1200
    """Longest piece of report text sent in one request; longer parts are split."""
    item_chars: int = 120
    """How much of each item's text is shown when asking for its summary."""
    token_budget: int | None = None
    """Stop a report with ``BudgetExceededError`` once it has used this many tokens."""
    fuzzy_threshold: float = 85.0
    """Minimum character-level similarity (0–100) for a quote to count as found."""
    mode: str | None = None
    """Override the structured-output mode of the provider preset (see ``MODES``)."""
    prices: Mapping[str, Price] = field(default_factory=lambda: MappingProxyType({}))
    """Model name -> price, for the cost estimate."""

    def __post_init__(self) -> None:
        if self.reasks < 0 or self.transport_retries < 0 or self.connect_retries < 0:
            raise ConfigurationError("reasks、transport_retries 和 connect_retries 不能为负数。")
        if self.max_tokens <= 0 or self.digest_chars <= 0 or self.concurrency <= 0:
            raise ConfigurationError("max_tokens、digest_chars 和 concurrency 必须为正数。")
        if self.scope is not None and self.scope not in SCOPES:
            raise ConfigurationError(f"未知的 scope：{self.scope}（可选 {'、'.join(SCOPES)}）")
        if (
            self.reask_budget < 0
            or self.reask_stop < 0
            or (self.keys_per_request is not None and self.keys_per_request <= 0)
        ):
            raise ConfigurationError(
                "reask_budget 和 reask_stop 不能为负数，keys_per_request 必须为正数。"
            )
        if self.mode is not None and self.mode not in MODES:
            raise ConfigurationError(f"未知的 mode：{self.mode}（可选 {'、'.join(MODES)}）")

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with some options changed; unknown names raise ``ConfigurationError``."""
        known = {item.name for item in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ConfigurationError(f"未知的设置项：{', '.join(unknown)}")
        changes: dict[str, Any] = dict(overrides)
        return replace(self, **changes)


class SettingsOverrides(TypedDict, total=False):
    """The keyword arguments ``Summarizer(**options)`` accepts: the fields of ``Settings``."""

    temperature: float
    max_tokens: int
    max_tokens_ceiling: int
    reasks: int
    reask_budget: int
    reask_stop: int
    scope: str | None
    keys_per_request: int | None
    timeout: float
    connect_timeout: float
    transport_retries: int
    connect_retries: int
    backoff_initial: float
    backoff_max: float
    retry_after_max: float
    digest_chars: int
    concurrency: int
    block_chars: int
    item_chars: int
    token_budget: int | None
    fuzzy_threshold: float
    mode: str | None
    prices: Mapping[str, Price]


#: Settings that change cost, speed or resilience, never what a result says.
_NOT_IN_ANSWER = frozenset(
    {
        "prices",
        "timeout",
        "connect_timeout",
        "connect_retries",
        "transport_retries",
        "backoff_initial",
        "backoff_max",
        "retry_after_max",
        "concurrency",
        "token_budget",
    }
)


def answer_settings(settings: Settings) -> dict[str, Any]:
    """Every setting that can change a result, by name: what the cache key and the batch's
    resume key both cover (a new field of ``Settings`` is covered unless listed above)."""
    return {
        item.name: getattr(settings, item.name)
        for item in fields(settings)
        if item.name not in _NOT_IN_ANSWER
    }
