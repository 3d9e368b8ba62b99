"""Logging: instructor's, openai's and httpx's records never reach the library's users.

Runs on the FAKE transport of tests/fakes.py. pytest puts its own handlers on the root
logger, so what an unconfigured program prints on stderr is checked in a fresh interpreter.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from typing import Any

import pytest

from rulelaw_llm import ProviderError
from tests.conftest import ROOT
from tests.fakes import Answer, FakeModel, error
from tests.test_summarizer_faults import REPORT, summarizer

THIRD_PARTY = ("instructor", "openai", "httpx", "httpx2")


def name_never_grounded(call: int, body: dict[str, Any], answer: Answer) -> Answer | None:
    """Every answer about 4次 names something that is not in its sentence: re-asks run out."""
    if "q1：4次" in body["messages"][1]["content"]:
        return {**answer, "q1": "完全无关的内容"}
    return None


def key_refused(call: int, body: dict[str, Any], answer: Answer) -> Any:
    return error(401, "Incorrect API key provided")


def _third_party(records: list[logging.LogRecord]) -> list[str]:
    return [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in records
        if r.name.split(".")[0] in THIRD_PARTY
    ]


def test_exhausted_reasks_log_nothing_through_instructor_and_the_library_logs_its_own(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    summary = summarizer(FakeModel(fault=name_never_grounded), reasks=1).summarize(REPORT)

    assert summary.rejected  # the re-asks did run out
    assert _third_party(caplog.records) == []
    own = [r for r in caplog.records if r.name.startswith("rulelaw_llm.llm.summarizer")]
    assert {r.levelno for r in own} == {logging.DEBUG, logging.INFO}
    assert any("已完成" in r.getMessage() and "次重问" in r.getMessage() for r in own)
    # Whatever the SDKs log during the call is not lost: it is passed on, demoted, under
    # rulelaw_llm (the flow's own re-asks mean instructor no longer logs "Max retries").
    forwarded = [r for r in caplog.records if r.name == "rulelaw_llm.third_party"]
    assert all(r.levelno == logging.DEBUG for r in forwarded)


def test_a_provider_error_is_raised_not_logged_by_instructor(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ProviderError, match="HTTP 401"):
        summarizer(FakeModel(fault=key_refused)).summarize(REPORT)
    assert _third_party(caplog.records) == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_the_async_twin_keeps_them_quiet_too(caplog: pytest.LogCaptureFixture) -> None:
    import httpx2
    import openai

    from rulelaw_llm import AsyncSummarizer

    caplog.set_level(logging.DEBUG)
    fake = FakeModel(fault=name_never_grounded)
    client = openai.AsyncOpenAI(
        base_url="http://fake.test/v1",
        api_key="fake-key-0123456789abcdef",
        http_client=httpx2.AsyncClient(transport=fake.async_transport()),
    )
    summary = await AsyncSummarizer(
        client=client, model="fake-model", reasks=1, scope="all"
    ).summarize(REPORT)
    assert summary.rejected
    assert _third_party(caplog.records) == []


def test_outside_the_library_calls_those_loggers_are_untouched(
    caplog: pytest.LogCaptureFixture,
) -> None:
    summarizer(FakeModel()).summarize(REPORT)  # filters are attached by now
    caplog.set_level(logging.INFO)
    logging.getLogger("instructor").error("an application's own instructor call failed")
    logging.getLogger("httpx2").info("an application's own request")
    assert _third_party(caplog.records) == [
        "ERROR instructor: an application's own instructor call failed",
        "INFO httpx2: an application's own request",
    ]


def _fresh_python(code: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("RULELAW_") and name != "PYTHONPATH"
    }
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", code, *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_program_without_logging_configured_sees_nothing_on_stderr() -> None:
    code = (
        "from rulelaw_llm import ProviderError\n"
        "from tests.fakes import FakeModel\n"
        "from tests.test_logging import key_refused, name_never_grounded\n"
        "from tests.test_summarizer_faults import REPORT, summarizer\n"
        "summary = summarizer(FakeModel(fault=name_never_grounded), reasks=1).summarize(REPORT)\n"
        "assert summary.rejected\n"
        "try:\n"
        "    summarizer(FakeModel(fault=key_refused)).summarize(REPORT)\n"
        "except ProviderError:\n"
        "    print('raised')\n"
    )
    result = _fresh_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "raised"
    assert result.stderr == ""


_CLI_WITH_FAKE = (
    "import sys, httpx2\n"
    "from tests.fakes import FakeModel\n"
    "from tests import test_logging\n"
    "fake = FakeModel(fault=getattr(test_logging, sys.argv[1]))\n"
    # The summarizer builds its own HTTP transport (under the parameter fallback): the fake
    # stands in for the network transport it wraps.
    "httpx2.HTTPTransport = lambda *arguments, **options: fake.transport()\n"
    "from rulelaw_llm.cli import main\n"
    "sys.exit(main(['digest', 'examples/reports/wutong-zhen-2024.txt',\n"
    "               '--base-url', 'http://fake.test/v1', '--model', 'fake-model']))\n"
)


def test_the_cli_prints_only_its_own_one_line_messages() -> None:
    refused = _fresh_python(_CLI_WITH_FAKE, "key_refused")
    assert refused.returncode == 1
    lines = refused.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rulelaw-llm: API 密钥无效"), refused.stderr

    exhausted = _fresh_python(_CLI_WITH_FAKE, "name_never_grounded")
    assert exhausted.returncode == 0, exhausted.stderr
    assert exhausted.stderr == ""
