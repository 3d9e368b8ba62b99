"""Faults on a FAKE transport (tests/fakes.py): retries, re-asks, truncation, provider errors.

No test here sleeps for real: the backoff sleep is replaced and its requested waits recorded.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import openai
import pytest

from rulelaw_llm import ConfigurationError, ProviderError, Summarizer
from rulelaw_llm.errors import BudgetExceededError
from rulelaw_llm.summarizer import AsyncSummarizer
from tests.fakes import Answer, FakeModel, completion, error

REPORT = """某某镇2024年法治政府建设工作报告
2024年，某某镇坚持依法行政，现将情况报告如下。
一、工作开展情况
（一）加强学法用法。全年召开法治专题学习会议4次，组织干部参加法治培训2场。
（二）深化普法宣传。开展普法宣传活动20余场，发放宣传资料500余份。
二、存在的问题
（一）普法形式单一，群众参与不够。
（二）专业人才不足，原因是编制有限。
三、下一步工作计划
（一）创新普法方式。
（二）加强队伍建设。
"""


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the backoff waits instead of sleeping."""
    waits: list[float] = []
    monkeypatch.setattr("rulelaw_llm.transport._sleep", waits.append)

    async def record(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr("rulelaw_llm.transport._async_sleep", record)
    return waits


def summarizer(fake: FakeModel, **options: Any) -> Summarizer:
    client = openai.OpenAI(
        base_url="http://fake.test/v1",
        api_key="fake-key-0123456789abcdef",
        http_client=httpx2.Client(transport=fake.transport()),
    )
    return Summarizer(client=client, model="fake-model", **options)


def steps_of(fake: FakeModel) -> list[str]:
    """What each request asked for: names, items or digest (by its first id)."""
    kinds = []
    for body in fake.requests:
        prompt = next(m["content"] for m in body["messages"] if m["role"] == "user")
        kinds.append("names" if "q1：" in prompt else "items" if "i1：" in prompt else "digest")
    return kinds


def test_a_clean_run_is_grounded_and_accounts_every_request(sleeps: list[float]) -> None:
    fake = FakeModel()
    summary = summarizer(fake).summarize(REPORT)

    assert steps_of(fake) == ["names", "names", "items", "items", "items", "digest"]
    assert summary.provenance.backend == "llm"
    assert summary.provenance.usage.requests == 6
    assert summary.provenance.usage.prompt_tokens == 600
    assert summary.coverage is not None and summary.coverage.unresolved == 0
    # Names come from the (fake) model's answers, numbers and spans from the pre-pass.
    assert [i.name for i in summary.indicators] == [
        "专题学习会议",
        "参加法治培训",
        "普法宣传活动",
        "发放宣传资料",
    ]
    assert [(i.value, i.unit) for i in summary.indicators] == [
        (4, "次"),
        (2, "场"),
        (20, "场"),
        (500, "份"),
    ]
    assert summary.rejected == [] and summary.warnings == []
    assert sleeps == []


def test_429_with_retry_after_is_honoured_then_succeeds(sleeps: list[float]) -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> httpx2.Response | None:
        return error(429, "rate limited", {"retry-after": "7"}) if call == 1 else None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake).summarize(REPORT)
    assert sleeps == [7.0]
    assert summary.provenance.usage.transport_retries == 1
    assert len(fake.requests) == 7


def test_retry_after_is_bounded(sleeps: list[float]) -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> httpx2.Response | None:
        return error(429, "slow down", {"retry-after": "3600"}) if call == 1 else None

    summarizer(FakeModel(fault=fault), retry_after_max=20).summarize(REPORT)
    assert sleeps == [20.0]


def test_500_twice_then_success(sleeps: list[float]) -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> httpx2.Response | None:
        return error(500, "overloaded") if call in (1, 2) else None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake).summarize(REPORT)
    assert len(sleeps) == 2 and all(wait <= 30 for wait in sleeps)
    assert summary.provenance.usage.transport_retries == 2
    assert summary.rejected == []


@pytest.mark.parametrize(
    "exception", [httpx2.ReadTimeout, httpx2.ConnectError, httpx2.RemoteProtocolError]
)
def test_timeouts_and_connection_resets_are_retried(
    sleeps: list[float], exception: type[Exception]
) -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> None:
        if call == 1:
            raise exception("injected by the fake transport")

    summary = summarizer(FakeModel(fault=fault)).summarize(REPORT)
    assert len(sleeps) == 1
    assert summary.provenance.usage.transport_retries == 1


def test_transport_retries_are_bounded_and_end_in_provider_error(sleeps: list[float]) -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> httpx2.Response:
        return error(503, "down")

    fake = FakeModel(fault=fault)
    with pytest.raises(ProviderError, match="已尝试 3 次"):
        summarizer(fake, transport_retries=2).summarize(REPORT)
    assert len(fake.requests) == 3  # no multiplication by SDK or re-ask retries
    assert len(sleeps) == 2


def test_malformed_json_is_reasked_then_succeeds(sleeps: list[float]) -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> httpx2.Response | None:
        return completion(body, answer, content_override='{"q1": "法治专题') if call == 1 else None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake).summarize(REPORT)
    assert summary.provenance.usage.reasks == 1
    assert summary.provenance.usage.attempts[0].outcome == "invalid"
    assert summary.rejected == []
    assert sleeps == []


def test_quote_not_in_report_is_reasked_then_succeeds() -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> Answer | None:
        prompt = body["messages"][1]["content"]
        if "cause：" in prompt and len(body["messages"]) == 2:
            return {
                **answer,
                "i2": {**answer["i2"], "cause": "上级拨款严重不足"},
            }  # not in the text
        if "cause：" in prompt:
            assert "上级拨款严重不足" in json.dumps(body["messages"], ensure_ascii=False)
            assert "在原文中找不到" in json.dumps(body["messages"], ensure_ascii=False)
            return {**answer, "i2": {**answer["i2"], "cause": "原因是编制有限"}}
        return None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake).summarize(REPORT)
    assert summary.provenance.usage.reasks == 1
    problem = summary.problems[1]
    assert problem.cause == "原因是编制有限"
    assert problem.cause_evidence is not None
    text = summary  # the evidence slices the cleaned report text
    from rulelaw_llm import load_report

    report_text = load_report(REPORT).text
    assert report_text[problem.cause_evidence.start : problem.cause_evidence.end] == problem.cause
    assert text.rejected == []


def test_reask_budget_exhausted_moves_the_item_to_rejected() -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> Answer | None:
        if "q1：4次" in body["messages"][1]["content"]:
            return {**answer, "q1": "完全无关的内容"}
        return None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake, reasks=2).summarize(REPORT)
    steps = [attempt.step for attempt in summary.provenance.usage.attempts]
    # Three attempts (two re-asks), then one focused follow-up about the unnamed quantity.
    assert steps.count("names:1") == 3 and steps.count("names:follow-up") == 3
    assert summary.provenance.usage.reasks == 4
    assert [r.content["quantity"] for r in summary.rejected] == ["4次", "4次"]
    rejected = summary.rejected[0]
    assert rejected.kind == "indicator" and rejected.content["name"] == "完全无关的内容"
    assert "不在这个数字所在的分句" in rejected.reason
    # The quantity is not lost: it keeps its pre-pass number, span and rule name.
    assert summary.indicators[0].value == 4 and summary.indicators[0].name == "法治专题学习会议"
    # The second quantity of the same request was accepted from the last answer.
    assert summary.indicators[1].name == "参加法治培训"
    assert summary.coverage is not None
    assert (summary.coverage.candidates, summary.coverage.unresolved) == (4, 1)
    assert any("4次" in warning and "未得到" in warning for warning in summary.warnings)
    assert any("未通过校验" in warning for warning in summary.warnings)


def test_truncated_output_raises_the_limit_once_then_succeeds() -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> httpx2.Response | None:
        if call == 1:
            return completion(body, answer, finish_reason="length", content_override='{"q1": "法')
        return None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake, max_tokens=100, max_tokens_ceiling=400).summarize(REPORT)
    assert [body["max_tokens"] for body in fake.requests[:2]] == [100, 200]
    assert summary.provenance.usage.attempts[0].outcome == "truncated"
    assert summary.provenance.usage.reasks == 0
    assert summary.rejected == []


def test_truncated_at_the_ceiling_splits_the_request() -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> httpx2.Response | None:
        prompt = body["messages"][1]["content"]
        if "q2：2场" in prompt:
            return completion(body, answer, finish_reason="length", content_override='{"q1": "')
        return None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake, max_tokens=100, max_tokens_ceiling=100).summarize(REPORT)
    first_step = [
        b
        for b in fake.requests
        if "q1：4次" in b["messages"][1]["content"] or "q1：2场" in b["messages"][1]["content"]
    ]
    assert len(first_step) == 3  # the truncated pair, then each quantity on its own
    assert summary.coverage is not None and summary.coverage.unresolved == 0


def test_401_names_the_key_variable_and_never_the_key(sleeps: list[float]) -> None:
    fake = FakeModel(
        fault=lambda call, body, answer: error(
            401, "Incorrect API key provided: fake-key-0123456789abcdef"
        )
    )
    with pytest.raises(ProviderError) as raised:
        summarizer(fake).summarize(REPORT)
    assert "RULELAW_API_KEY" in str(raised.value)
    assert "fake-key-0123" not in str(raised.value)
    assert raised.value.status_code == 401
    assert len(fake.requests) == 1 and sleeps == []


def test_moderation_400_is_not_retried_and_says_so(sleeps: list[float]) -> None:
    fake = FakeModel(
        fault=lambda call, body, answer: error(
            400, "Input data may contain inappropriate content. (data_inspection_failed)"
        )
    )
    with pytest.raises(ProviderError, match="内容审核"):
        summarizer(fake).summarize(REPORT)
    assert len(fake.requests) == 1 and sleeps == []


@pytest.mark.parametrize("status", [403, 404, 422])
def test_client_errors_are_not_retried(sleeps: list[float], status: int) -> None:
    fake = FakeModel(fault=lambda call, body, answer: error(status, "nope"))
    with pytest.raises(ProviderError) as raised:
        summarizer(fake).summarize(REPORT)
    assert raised.value.status_code == status
    assert len(fake.requests) == 1 and sleeps == []


def test_500_that_rejects_the_response_format_is_not_retried(sleeps: list[float]) -> None:
    fake = FakeModel(
        fault=lambda call, body, answer: error(
            500, "1 validation error for CreateChatCompletionRequest response_format"
        )
    )
    with pytest.raises(ProviderError, match="mode='tools'"):
        summarizer(fake).summarize(REPORT)
    assert len(fake.requests) == 1 and sleeps == []


def test_empty_content_and_think_prefix_in_json_mode() -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> httpx2.Response | None:
        if call == 1:
            return completion(body, answer, content_override="")
        text = json.dumps(answer, ensure_ascii=False)
        return completion(
            body, answer, content_override=f"<think>先想一想。</think>\n```json\n{text}\n```"
        )

    fake = FakeModel(fault=fault)
    summary = summarizer(fake, mode="json").summarize(REPORT)
    assert "tools" not in fake.requests[0]
    assert summary.provenance.usage.reasks == 1
    assert summary.rejected == []
    assert summary.indicators[0].name == "专题学习会议"


def test_token_budget_stops_with_a_clear_error() -> None:
    with pytest.raises(BudgetExceededError, match="预算"):
        summarizer(FakeModel(), token_budget=250).summarize(REPORT)


def test_digest_with_an_invented_number_is_reasked_then_falls_back_to_the_template() -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> Answer | None:
        if "digest" in answer:
            return {"digest": answer["digest"] + "全年开展培训99场。"}
        return None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake, reasks=1).summarize(REPORT)
    assert any("模板摘要" in warning for warning in summary.warnings)
    assert summary.rejected[-1].kind == "digest" and "99" in summary.rejected[-1].reason
    assert "99" not in summary.digest and summary.digest.startswith("某某镇2024年")


async def test_async_twin_gives_the_same_result(sleeps: list[float]) -> None:
    sync = summarizer(FakeModel()).summarize(REPORT)
    fake = FakeModel()
    client = openai.AsyncOpenAI(
        base_url="http://fake.test/v1",
        api_key="fake-key",
        http_client=httpx2.AsyncClient(transport=fake.async_transport()),
    )
    result = await AsyncSummarizer(client=client, model="fake-model").summarize(REPORT)
    strip = {"provenance": True}
    assert result.model_dump(exclude=strip) == sync.model_dump(exclude=strip)
    assert result.provenance.usage.requests == sync.provenance.usage.requests


def test_nothing_configured_raises_configuration_error_naming_what_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in (
        "RULELAW_PROVIDER",
        "RULELAW_MODEL",
        "RULELAW_BASE_URL",
        "RULELAW_API_KEY",
        "DEEPSEEK_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match="RULELAW_BASE_URL"):
        Summarizer()
    with pytest.raises(ConfigurationError, match="DEEPSEEK_API_KEY"):
        Summarizer(provider="deepseek")
    with pytest.raises(ConfigurationError, match="RULELAW_MODEL"):
        Summarizer(base_url="http://intranet.example:8000/v1")
    with pytest.raises(ConfigurationError, match="未知的设置项"):
        Summarizer(base_url="http://intranet.example:8000/v1", model="m", temprature=0.1)  # type: ignore[call-arg]


def test_cost_comes_from_the_configured_price_table() -> None:
    from rulelaw_llm import Price

    prices = {"fake-model": Price(prompt=2.0, completion=8.0, currency="CNY")}
    summary = summarizer(FakeModel(), prices=prices).summarize(REPORT)
    usage = summary.provenance.usage
    expected = (usage.prompt_tokens * 2.0 + usage.completion_tokens * 8.0) / 1_000_000
    assert usage.cost == pytest.approx(expected) and usage.currency == "CNY"
    assert summarizer(FakeModel()).summarize(REPORT).provenance.usage.cost is None


def test_report_text_with_jinja_syntax_reaches_the_model_verbatim() -> None:
    text = REPORT.replace(
        "召开法治专题学习会议4次", "召开法治专题学习会议{{ 7 * 7 }}次，{{17次，{% endraw %}4次"
    )
    fake = FakeModel()
    summarizer(fake).summarize(text)
    prompts = [
        m["content"] for body in fake.requests for m in body["messages"] if m["role"] == "user"
    ]
    assert any("{{ 7 * 7 }}次，{{17次，{% endraw %}4次" in prompt for prompt in prompts)
    assert not any("49次" in prompt for prompt in prompts)
