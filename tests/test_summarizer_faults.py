"""Faults on a FAKE transport (tests/fakes.py): retries, re-asks, truncation, provider errors.

No test here sleeps for real: the backoff sleep is replaced and its requested waits recorded.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx2
import openai
import pytest

from rulelaw_llm import (
    ConfigurationError,
    ProviderError,
    Summarizer,
    load_report,
    summarize_offline,
)
from rulelaw_llm.errors import BudgetExceededError, ExtractionError
from rulelaw_llm.llm.summarizer import AsyncSummarizer
from tests.conftest import REPORTS
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
    monkeypatch.setattr("rulelaw_llm.llm.transport._sleep", waits.append)

    async def record(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr("rulelaw_llm.llm.transport._async_sleep", record)
    return waits


def summarizer(fake: FakeModel, **options: Any) -> Summarizer:
    """A summarizer on the fake; ``scope="all"`` so that every kind of request is made."""
    client = openai.OpenAI(
        base_url="http://fake.test/v1",
        api_key="fake-key-0123456789abcdef",
        http_client=httpx2.Client(transport=fake.transport()),
    )
    options.setdefault("scope", "all")
    return Summarizer(client=client, model="fake-model", **options)


def steps_of(fake: FakeModel) -> list[str]:
    """What each request asked for: names, items or digest (by its first id)."""
    kinds = []
    for body in fake.requests:
        prompt = next(m["content"] for m in body["messages"] if m["role"] == "user")
        kinds.append(
            "names"
            if re.search(r"^q\d+：", prompt, re.MULTILINE)
            else "items"
            if re.search(r"^i\d+［", prompt, re.MULTILINE)
            else "digest"
        )
    return kinds


def test_a_clean_run_is_grounded_and_accounts_every_request(sleeps: list[float]) -> None:
    fake = FakeModel()
    summary = summarizer(fake).summarize(REPORT)

    # One request for the names of the part's numbers, one per part for its items, the digest.
    assert steps_of(fake) == ["names", "items", "items", "items", "digest"]
    assert summary.provenance.backend == "llm"
    assert summary.provenance.usage.requests == 5
    assert summary.provenance.usage.prompt_tokens == 500
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
    assert len(fake.requests) == 6


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
        if "cause］" in prompt and "上一次的回答" not in prompt:
            return {
                **answer,
                "i2": {**answer["i2"], "cause": "上级拨款严重不足"},
            }  # not in the text
        if "cause］" in prompt:
            # The re-ask names the failing key and why, and asks for it alone.
            assert "上级拨款严重不足" in prompt and "在原文中找不到" in prompt
            assert "i1［" not in prompt and list(answer) == ["i2"]
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


def test_a_reask_answered_like_before_stops_at_once_and_keeps_the_rule_name() -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> Answer | None:
        if "q1：4次" in body["messages"][1]["content"]:
            return {**answer, "q1": "完全无关的内容"}
        return None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake, reasks=2).summarize(REPORT)
    steps = [attempt.step for attempt in summary.provenance.usage.attempts]
    # The first answer fails on q1; the re-ask asks q1 alone, gets the same answer and
    # stops there: the second allowed re-ask is not sent, nor any follow-up.
    assert steps.count("names:1") == 2
    reask = next(b for b in fake.requests if "上一次的回答" in b["messages"][1]["content"])
    assert "q1：4次" in reask["messages"][1]["content"]
    assert "q2：2场" not in reask["messages"][1]["content"]
    usage = summary.provenance.usage
    assert (usage.reasks, usage.repeated_answers, usage.reasks_without_progress) == (1, 1, 1)
    assert [r.content["quantity"] for r in summary.rejected] == ["4次"]
    rejected = summary.rejected[0]
    assert rejected.kind == "indicator" and rejected.content["name"] == "完全无关的内容"
    assert "不在这个数字所在的分句" in rejected.reason
    # The quantity is not lost: it keeps its pre-pass number, span and rule name.
    assert summary.indicators[0].value == 4 and summary.indicators[0].name == "法治专题学习会议"
    assert summary.indicators[0].origin == "prepass"
    # The other quantities of the same request were accepted from the first answer.
    assert summary.indicators[1].name == "参加法治培训"
    assert summary.indicators[1].origin == "model"
    assert summary.coverage is not None
    assert (summary.coverage.asked, summary.coverage.unresolved) == (4, 1)
    assert any("4次" in warning and "未得到" in warning for warning in summary.warnings)
    assert any("未通过校验" in warning for warning in summary.warnings)


def test_reask_limit_per_request_is_kept_when_answers_keep_changing() -> None:
    wrong = iter(["无关内容甲", "无关内容乙", "无关内容丙", "无关内容丁"])

    def fault(call: int, body: dict[str, Any], answer: Answer) -> Answer | None:
        if "q1：4次" in body["messages"][1]["content"]:
            return {**answer, "q1": next(wrong)}
        return None

    summary = summarizer(FakeModel(fault=fault), reasks=2).summarize(REPORT)
    usage = summary.provenance.usage
    assert [a.step for a in usage.attempts].count("names:1") == 3
    assert (usage.reasks, usage.repeated_answers, usage.reasks_without_progress) == (2, 0, 2)
    assert summary.rejected[0].content["name"] == "无关内容丙"


def test_the_reask_budget_of_a_report_bounds_reasks_across_requests() -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> Answer | None:
        prompt = body["messages"][1]["content"]
        if "i1［" in prompt:
            return {
                key: {**value, "summary": f"与原文无关的说法{call}"}
                for key, value in answer.items()
            }
        return None

    summary = summarizer(FakeModel(fault=fault), reasks=2, reask_budget=1).summarize(REPORT)
    usage = summary.provenance.usage
    assert usage.reasks == 1
    assert sum(1 for a in usage.attempts if a.step.startswith("items")) == 4


def test_truncated_output_raises_the_limit_once_then_succeeds() -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> httpx2.Response | None:
        if call == 1:
            return completion(body, answer, finish_reason="length", content_override='{"q1": "法')
        return None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake, max_tokens=100, max_tokens_ceiling=400).summarize(REPORT)
    names = [
        body for body, kind in zip(fake.requests, steps_of(fake), strict=True) if kind == "names"
    ]
    assert [body["max_tokens"] for body in names] == [100, 200]
    assert summary.provenance.usage.attempts[0].outcome == "truncated"
    assert summary.provenance.usage.reasks == 0
    assert summary.rejected == []


def test_truncated_at_the_ceiling_splits_the_request() -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> httpx2.Response | None:
        prompt = body["messages"][1]["content"]
        if "q1：4次" in prompt and "q2：2场" in prompt:
            return completion(body, answer, finish_reason="length", content_override='{"q1": "')
        return None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake, max_tokens=100, max_tokens_ceiling=100).summarize(REPORT)
    asked = [
        re.findall(r"^(q\d+)：", body["messages"][1]["content"], re.MULTILINE)
        for body, kind in zip(fake.requests, steps_of(fake), strict=True)
        if kind == "names"
    ]
    # Halves until the answer fits: all four, then q1+q2 (still too long), then each alone.
    assert asked == [["q1", "q2", "q3", "q4"], ["q1", "q2"], ["q1"], ["q2"], ["q3", "q4"]]
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


def test_a_digest_sentence_with_an_invented_number_is_reasked_alone_then_left_to_the_template() -> (
    None
):
    def fault(call: int, body: dict[str, Any], answer: Answer) -> Answer | None:
        if "s2" in answer:
            return {**answer, "s2": answer["s2"].rstrip("。") + "，开展培训99场。"}
        return None

    fake = FakeModel(fault=fault)
    summary = summarizer(fake, reasks=1).summarize(REPORT)
    offline = summarize_offline(REPORT)
    # The re-ask carries the failing sentence alone, with its reason.
    reask = next(m["content"] for m in fake.requests[-1]["messages"] if m["role"] == "user")
    assert "s2（关键数字" in reask and "s1（" not in reask and "99场" in reask
    assert any("模板摘要" in warning for warning in summary.warnings)
    assert summary.rejected[-1].kind == "digest" and "99" in summary.rejected[-1].reason
    assert summary.rejected[-1].content["claim"] == "s2"
    assert "99" not in summary.digest and summary.digest.startswith("某某镇2024年")
    # The other sentences are the model's; the figures' sentence is the template's own.
    assert [claim.origin for claim in summary.digest_claims] == [
        "model",
        "template",
        "model",
        "model",
    ]
    assert summary.digest_claims[1].text == offline.digest_claims[1].text


async def test_async_twin_gives_the_same_result(sleeps: list[float]) -> None:
    sync = summarizer(FakeModel()).summarize(REPORT)
    fake = FakeModel()
    client = openai.AsyncOpenAI(
        base_url="http://fake.test/v1",
        api_key="fake-key",
        http_client=httpx2.AsyncClient(transport=fake.async_transport()),
    )
    result = await AsyncSummarizer(client=client, model="fake-model", scope="all").summarize(REPORT)
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


def test_a_model_that_never_answers_json_raises_extraction_error_with_its_outputs() -> None:
    def fault(call: int, body: dict[str, Any], answer: Answer) -> httpx2.Response:
        return completion(body, answer, content_override=f"抱歉，我无法完成第{call}个请求。")

    with pytest.raises(ExtractionError, match="mode") as raised:
        summarizer(FakeModel(fault=fault), mode="json").summarize(REPORT)
    assert raised.value.last_output is not None and "无法完成" in raised.value.last_output
    assert len(raised.value.attempts) >= 5


def test_the_default_plan_asks_only_where_the_rules_are_unsure() -> None:
    fake = FakeModel()
    summary = summarizer(fake, scope="unsure").summarize(REPORT)
    # Names and categories are sure here; only the problems' causes and the digest are asked.
    assert steps_of(fake) == ["items", "digest"]
    assert summary.coverage is not None
    assert {(q.target, q.field) for q in summary.coverage.questions} == {
        ("problem", "cause"),
        ("digest", "digest"),
    }
    offline = summarize_offline(REPORT)
    assert [i.name for i in summary.indicators] == [i.name for i in offline.indicators]


@pytest.mark.parametrize("provider", ["deepseek", "qwen", "zhipu", "moonshot", "doubao"])
def test_hosted_presets_ask_everything_in_one_request_per_part(provider: str) -> None:
    fake = FakeModel()
    client = openai.OpenAI(
        base_url="http://fake.test/v1",
        api_key="fake-key",
        http_client=httpx2.Client(transport=fake.transport()),
    )
    report = load_report(REPORTS / "lvcun-zhen-2024.txt")
    summarizer = Summarizer(provider=provider, model="fake-model", client=client)
    assert (summarizer.settings.scope, summarizer.settings.keys_per_request) == ("all", 60)
    summary = summarizer.summarize(report)
    # One request per part (re-asks of failing keys aside), and the digest.
    assert {attempt.step for attempt in summary.provenance.usage.attempts} == {
        "names:1",
        "items:achievements:1",
        "items:problems:1",
        "items:plans:1",
        "digest",
    }
    assert summary.coverage is not None
    assert summary.coverage.asked == summary.coverage.candidates == 21


def test_a_local_server_keeps_the_small_plan_unless_asked() -> None:
    local = Summarizer(provider="llama-cpp-python", base_url="http://127.0.0.1:1/v1", model="m")
    assert (local.settings.scope, local.settings.keys_per_request) == ("unsure", 8)
    chosen = Summarizer(provider="deepseek", api_key="k", scope="unsure", keys_per_request=4)
    assert (chosen.settings.scope, chosen.settings.keys_per_request) == ("unsure", 4)


def test_ask_runs_any_task_on_its_own() -> None:
    from rulelaw_llm.llm.tasks import NamesTask, NameTarget

    sentence = "全年召开法治专题学习会议4次，组织干部参加法治培训2场。"
    task = NamesTask(
        [
            NameTarget(0, "4次", sentence, "全年召开法治专题学习会议4次"),
            NameTarget(1, "2场", sentence, "组织干部参加法治培训2场"),
        ]
    )
    fake = FakeModel()
    outcome = summarizer(fake).ask(task)
    assert outcome.accepted == {"q1": "专题学习会议", "q2": "参加法治培训"}
    assert len(fake.requests) == 1


def test_one_summarizer_stops_reasking_a_model_that_never_makes_progress() -> None:
    answers = iter(f"无关内容{n}" for n in range(100))

    def fault(call: int, body: dict[str, Any], answer: Answer) -> Answer | None:
        if "q1：4次" in body["messages"][1]["content"]:
            return {**answer, "q1": next(answers)}  # always wrong, never the same twice
        return None

    shared = summarizer(FakeModel(fault=fault), reasks=2)
    first, second, third = (shared.summarize(REPORT) for _ in range(3))
    usages = [s.provenance.usage for s in (first, second, third)]
    assert [(u.reasks, u.reasks_skipped) for u in usages] == [(2, 0), (1, 1), (0, 1)]
    assert not any("不再重问" in warning for warning in first.warnings)
    assert any("连续 3 次重问" in warning for warning in third.warnings)
    # The floor is kept: the number still has its rule name.
    assert third.indicators[0].name == first.indicators[0].name == "法治专题学习会议"
    # A summarizer told never to stop keeps re-asking.
    never = summarizer(FakeModel(fault=fault), reasks=2, reask_stop=0)
    assert [never.summarize(REPORT).provenance.usage.reasks for _ in range(3)] == [2, 2, 2]
