"""A server that cannot be reached: said at once, bounded, and a batch stops (FAKE transport).

The transport below raises the connection error httpx2 raises for a refused connection;
the backoff sleeps are recorded instead of slept.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx2
import openai
import pytest

from rulelaw_llm import Summarizer
from rulelaw_llm.cli import main
from rulelaw_llm.corpus.batch import UNREACHABLE_STOP, BatchRunner
from rulelaw_llm.errors import ProviderUnreachableError
from rulelaw_llm.llm.summarizer import AsyncSummarizer
from tests.conftest import REPORTS

SHORT = "某某镇2024年法治政府建设工作报告\n一、工作开展情况\n（一）加强学法。召开学法会议4次。\n"


def _refuse(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ConnectError("[Errno 111] Connection refused", request=request)


async def _refuse_async(request: httpx2.Request) -> httpx2.Response:
    return _refuse(request)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr("rulelaw_llm.llm.transport._sleep", waits.append)
    monkeypatch.setattr("rulelaw_llm.llm.transport._async_sleep", record)
    return waits


def test_an_unreachable_server_is_said_at_once_and_given_up_after_a_bounded_few_tries(
    sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    attempts: list[str] = []

    def refuse(request: httpx2.Request) -> httpx2.Response:
        attempts.append(str(request.url))
        return _refuse(request)

    client = openai.OpenAI(
        base_url="http://127.0.0.1:9/v1",
        api_key="k",
        http_client=httpx2.Client(transport=httpx2.MockTransport(refuse)),
    )
    summarizer = Summarizer(client=client, model="x")
    with (
        caplog.at_level(logging.WARNING, logger="rulelaw_llm"),
        pytest.raises(ProviderUnreachableError, match="无法连接到服务（已尝试 3 次）"),
    ):
        summarizer.summarize(SHORT)

    assert len(attempts) == summarizer.settings.connect_retries + 1 == 3
    assert len(sleeps) == 2 and sum(sleeps) <= 3.0  # backoff 1 s, then 2 s at most
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == "无法连接 http://127.0.0.1:9，正在重试（1/2）…"
    assert messages[1] == "无法连接 http://127.0.0.1:9，正在重试（2/2）…"


def test_the_cli_prints_the_retry_line_and_one_clear_error(
    sleeps: list[float], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The real HTTP transport is replaced by one that refuses, as 127.0.0.1:9 does.
    monkeypatch.setattr(
        "rulelaw_llm.llm.fallback.httpx2.HTTPTransport", lambda: httpx2.MockTransport(_refuse)
    )
    for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    code = main(
        [
            "summarize",
            str(REPORTS / "shenzha-zhen-2024.txt"),
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--model",
            "x",
        ]
    )
    lines = capsys.readouterr().err.splitlines()
    assert code == 1
    assert lines[0] == "rulelaw-llm: 无法连接 http://127.0.0.1:9，正在重试（1/2）…"
    assert lines[-1].startswith("rulelaw-llm: 无法连接到服务（已尝试 3 次）")


def test_a_batch_stops_after_a_run_of_unreachable_reports(
    sleeps: list[float], tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for number in range(8):
        (folder / f"r{number}.txt").write_text(SHORT + f"（第{number}份）\n", encoding="utf-8")
    client = openai.AsyncOpenAI(
        base_url="http://127.0.0.1:9/v1",
        api_key="k",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(_refuse_async)),
    )
    runner = BatchRunner(
        tmp_path / "out.jsonl",
        summarizer=AsyncSummarizer(client=client, model="x", concurrency=1),
        concurrency=1,
    )

    async def collect() -> list[object]:
        return [record async for record in runner.run([str(folder)])]

    records = asyncio.run(collect())
    assert len(records) == UNREACHABLE_STOP == 3  # not all eight
    assert runner.stats.stop_reason is not None
    assert runner.stats.stop_reason.startswith("连续 3 份报告无法连接到服务，已停止")


def test_a_half_set_configuration_is_an_error_not_a_silent_fallback_to_the_rules(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RULELAW_BASE_URL", "http://10.0.0.5:8000/v1")
    code = main(["summarize", str(REPORTS / "shenzha-zhen-2024.txt")])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert captured.err.strip().splitlines() == [
        "rulelaw-llm: 已设置 接口 http://10.0.0.5:8000/v1，但未指定模型名称："
        "请设置 RULELAW_MODEL 或使用 --model。"
    ]


def test_nothing_configured_still_falls_back_to_the_rules_with_the_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    code = main(["summarize", str(REPORTS / "shenzha-zhen-2024.txt")])
    captured = capsys.readouterr()
    assert code == 0 and captured.out
    assert captured.err.startswith("rulelaw-llm: 未配置大模型，使用规则摘要。")
