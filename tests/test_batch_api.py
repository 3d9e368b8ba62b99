"""``batch --batch-api``: rounds of all reports as batch jobs, answers checked as online, resumable.

Every test runs against the STAND-IN batch server of tests/batch_server.py on localhost (a
real HTTP server, built to the documented Files/Batches shapes, answering with the FAKE
model of tests/fakes.py). A live check against a real provider was not possible here.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rulelaw_llm import AsyncSummarizer, BatchRunner, Price, read_results
from rulelaw_llm.cli import main
from rulelaw_llm.corpus.batch_api import BatchApiOptions, BatchProgress, state_path
from rulelaw_llm.errors import ConfigurationError
from rulelaw_llm.llm.batch_jobs import BatchEndpoint
from rulelaw_llm.llm.capabilities import BATCH_APIS, batch_api_for
from rulelaw_llm.llm.providers import PRESETS
from tests.batch_server import StandInBatchServer, fake_completion
from tests.conftest import REPORTS, ROOT

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

PRICES = {"qwen-plus": Price(prompt=0.8, completion=2.0)}


@pytest.fixture
def server() -> Iterator[StandInBatchServer]:
    stand_in = StandInBatchServer()
    stand_in.start()
    yield stand_in
    stand_in.stop()


def _base_url(server: StandInBatchServer) -> str:
    assert server._server is not None
    return f"http://127.0.0.1:{server._server.server_address[1]}/v1"


def _summarizer(server: StandInBatchServer, **options: Any) -> AsyncSummarizer:
    options = {"reasks": 1, "prices": PRICES, **options}
    return AsyncSummarizer(provider="qwen", base_url=_base_url(server), api_key="fake", **options)


def _run(runner: BatchRunner, inputs: list[str]) -> list[Any]:
    async def collect() -> list[Any]:
        return [record async for record in runner.run(inputs)]

    return asyncio.run(collect())


def _fast(**options: Any) -> BatchApiOptions:
    return BatchApiOptions(poll_seconds=0.01, **options)


def _normalized(summary: Any) -> dict[str, Any]:
    """A summary without what depends on when and how it was sent (time, cost, discount)."""
    data: dict[str, Any] = summary.model_dump(mode="json")
    provenance = data["provenance"]
    provenance.pop("created_at")
    usage = provenance["usage"]
    for key in ("seconds", "cost", "batch_discount"):
        usage.pop(key)
    for attempt in usage["attempts"]:
        attempt.pop("seconds")
    return data


def _corpus(tmp_path: Path, copies: int) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    samples = sorted(REPORTS.glob("*.txt"))
    for number in range(copies):
        text = samples[number % len(samples)].read_text(encoding="utf-8")
        (folder / f"r{number:03d}.txt").write_text(text + f"\n（第{number}份）\n", "utf-8")
    return folder


# --------------------------------------------------------------------------- the table


def test_the_capability_table_says_which_presets_document_a_batch_api() -> None:
    supported = {row.provider for row in BATCH_APIS if row.supported}
    assert supported == {"openai", "qwen", "zhipu", "moonshot", "siliconflow"}
    assert {row.provider for row in BATCH_APIS if not row.supported} == {"doubao", "deepseek"}
    assert all(row.provider in PRESETS for row in BATCH_APIS)
    assert all(row.source and row.checked == "2026-12-02" for row in BATCH_APIS)
    qwen = batch_api_for("qwen")
    assert qwen is not None and qwen.discount == 0.5 and qwen.max_requests == 50_000
    zhipu = batch_api_for("zhipu")
    assert zhipu is not None and zhipu.endpoint == "/v4/chat/completions"


def test_a_provider_without_a_batch_api_is_refused_with_what_to_do_instead(
    tmp_path: Path, server: StandInBatchServer
) -> None:
    summarizer = AsyncSummarizer(provider="deepseek", base_url=_base_url(server), api_key="k")
    runner = BatchRunner(tmp_path / "out.jsonl", summarizer=summarizer, batch_api=True)
    with pytest.raises(ConfigurationError, match="没有可用的批量接口") as refused:
        _run(runner, [str(REPORTS / "ka-xiang-2024.txt")])
    assert "错峰" in str(refused.value) and "qwen" in str(refused.value)
    assert server.uploads == [] and server.chat_requests == 0


def test_the_command_needs_a_model_for_the_batch_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["batch", str(REPORTS), "-o", str(tmp_path / "o.jsonl"), "--batch-api", "--offline"]
    )
    assert code == 1
    assert "--batch-api 需要大模型" in capsys.readouterr().err


# --------------------------------------------------------------------------- online and batch


def test_batch_results_equal_online_results_on_the_same_answers_at_half_the_cost(
    tmp_path: Path, server: StandInBatchServer
) -> None:
    online = _run(
        BatchRunner(tmp_path / "online.jsonl", summarizer=_summarizer(server)), [str(REPORTS)]
    )
    requests_online = server.chat_requests
    seen: list[BatchProgress] = []
    runner = BatchRunner(
        tmp_path / "batch.jsonl",
        summarizer=_summarizer(server),
        batch_api=_fast(on_progress=seen.append),
    )
    batch = _run(runner, [str(REPORTS)])

    by_input = {record.input: record.summary for record in online}
    assert {record.input for record in batch} == set(by_input)
    for record in batch:
        assert _normalized(record.summary) == _normalized(by_input[record.input])
    # The same requests, one job per round, nothing sent twice.
    assert server.chat_requests == requests_online
    assert runner.stats.batch_requests == requests_online == sum(server.submitted.values())
    assert max(server.submitted.values()) == 1
    assert runner.stats.jobs == len(server.jobs) == len(server.uploads) <= 4
    # Same tokens, half the price, and said so in every usage.
    cost_online = sum(record.summary.provenance.usage.cost for record in online)
    cost_batch = sum(record.summary.provenance.usage.cost for record in batch)
    assert runner.stats.prompt_tokens == sum(
        record.summary.provenance.usage.prompt_tokens for record in online
    )
    assert cost_batch == pytest.approx(cost_online * 0.5, rel=1e-3)
    assert {record.summary.provenance.usage.batch_discount for record in batch} == {0.5}
    assert {record.summary.provenance.usage.batch_discount for record in online} == {None}
    # Progress named jobs and requests; the state file is gone once everything is written.
    assert seen and seen[-1].requests_done == seen[-1].requests
    assert not state_path(tmp_path / "batch.jsonl").exists()
    assert len(read_results(tmp_path / "batch.jsonl").results) == 5


def test_each_line_of_a_job_is_the_online_request_body(
    tmp_path: Path, server: StandInBatchServer
) -> None:
    sent_online: list[str] = []
    original = server.answer

    def answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        sent_online.append(json.dumps(body, sort_keys=True, ensure_ascii=False))
        return original(body)

    server.answer = answer
    report = [str(REPORTS / "ka-xiang-2024.txt")]
    _run(BatchRunner(tmp_path / "online.jsonl", summarizer=_summarizer(server)), report)
    online = list(sent_online)
    _run(
        BatchRunner(tmp_path / "batch.jsonl", summarizer=_summarizer(server), batch_api=_fast()),
        report,
    )
    assert sorted(server.bodies.elements()) == sorted(online)
    lines = [
        json.loads(line)
        for item in server.files.values()
        if item["filename"].startswith("rulelaw-")
        for line in item["data"].decode().splitlines()
    ]
    assert {line["url"] for line in lines} == {"/v1/chat/completions"}
    assert all(line["method"] == "POST" for line in lines)
    assert all(line["custom_id"].startswith("r0-q") for line in lines)


def test_zhipu_lines_and_jobs_name_its_own_endpoint(
    tmp_path: Path, server: StandInBatchServer
) -> None:
    summarizer = AsyncSummarizer(
        provider="zhipu", base_url=_base_url(server), api_key="k", reasks=1
    )
    records = _run(
        BatchRunner(tmp_path / "out.jsonl", summarizer=summarizer, batch_api=_fast()),
        [str(REPORTS / "wutong-zhen-2024.txt")],
    )
    assert [record.record for record in records] == ["result"]
    assert {job.endpoint for job in server.jobs} == {"/v4/chat/completions"}


# --------------------------------------------------------------------------- jobs that go wrong


def test_jobs_pass_through_every_status_and_progress_estimates_the_rest(
    tmp_path: Path, server: StandInBatchServer
) -> None:
    server.validate_seconds, server.delay, server.finalize_seconds = 0.05, 0.3, 0.05
    statuses: list[str] = []
    real_retrieve = BatchEndpoint.retrieve

    async def retrieve(self: BatchEndpoint, job_id: str) -> Any:
        job = await real_retrieve(self, job_id)
        statuses.append(job.status)
        return job

    seen: list[BatchProgress] = []
    runner = BatchRunner(
        tmp_path / "out.jsonl",
        summarizer=_summarizer(server),
        batch_api=BatchApiOptions(poll_seconds=0.02, on_progress=seen.append),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BatchEndpoint, "retrieve", retrieve)
        records = _run(runner, [str(REPORTS / "shenzha-zhen-2024.txt")])
    assert [record.record for record in records] == ["result"]
    first = statuses[: statuses.index("completed") + 1]
    assert [status for index, status in enumerate(first) if status not in first[:index]] == [
        "validating",
        "in_progress",
        "finalizing",
        "completed",
    ]
    assert any(item.remaining_seconds is not None for item in seen)


def test_expired_requests_are_sent_again_next_round_and_nothing_is_lost(
    tmp_path: Path, server: StandInBatchServer
) -> None:
    online = _run(
        BatchRunner(tmp_path / "online.jsonl", summarizer=_summarizer(server)), [str(REPORTS)]
    )
    server.expire = {1}  # the first job finishes half of its requests, then expires
    runner = BatchRunner(
        tmp_path / "batch.jsonl", summarizer=_summarizer(server), batch_api=_fast()
    )
    batch = _run(runner, [str(REPORTS)])

    assert [record.record for record in batch] == ["result"] * 5
    by_input = {record.input: record.summary for record in online}
    for record in batch:
        assert _normalized(record.summary) | {"provenance": None} == _normalized(
            by_input[record.input]
        ) | {"provenance": None}
    expired = [job for job in server.jobs if job.ended == "expired"]
    assert len(expired) == 1
    assert sum(record.summary.provenance.usage.transport_retries for record in batch) > 0
    # Each body was answered once: the expired half was sent again, the done half was not.
    assert runner.stats.batch_requests == server.chat_requests + len(expired[0].lines) // 2 + (
        len(expired[0].lines) % 2
    )


def test_a_failing_request_is_resent_within_the_reask_budget_then_recorded(
    tmp_path: Path, server: StandInBatchServer
) -> None:
    def fail(custom_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        if "-digest-" in custom_id:
            return 500, {"error": {"message": "stand-in: internal error", "type": "server_error"}}
        return None

    server.fail = fail
    runner = BatchRunner(
        tmp_path / "out.jsonl",
        summarizer=_summarizer(server, reask_budget=2),
        batch_api=_fast(),
    )
    (record,) = _run(runner, [str(REPORTS / "ka-xiang-2024.txt")])

    assert record.record == "error" and record.error_type == "ProviderError"
    assert "reask_budget=2" in (record.message or "") and "--retry-failed" in (record.message or "")
    digests = [custom_id for custom_id in server.submitted if "-digest-" in custom_id]
    assert len(digests) == 3  # the first try and two resends, one per round


def test_a_refused_parameter_is_downgraded_and_the_request_sent_again(
    tmp_path: Path, server: StandInBatchServer
) -> None:
    def fail(custom_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        if (body.get("response_format") or {}).get("type") == "json_schema":
            return 400, {"error": {"message": "response_format json_schema is not supported"}}
        return None

    server.fail = fail
    runner = BatchRunner(tmp_path / "out.jsonl", summarizer=_summarizer(server), batch_api=_fast())
    (record,) = _run(runner, [str(REPORTS / "lvcun-zhen-2024.txt")])

    assert record.record == "result"
    assert record.summary.provenance.downgrades == ["response_format: json_schema→json_object"]


def test_a_job_that_fails_validation_stops_the_run_and_says_why(
    tmp_path: Path, server: StandInBatchServer
) -> None:
    server.invalid = {1}
    runner = BatchRunner(tmp_path / "out.jsonl", summarizer=_summarizer(server), batch_api=_fast())
    assert _run(runner, [str(REPORTS)]) == []
    assert runner.stats.stop_reason is not None
    assert "未通过服务商的验证" in runner.stats.stop_reason
    assert "rulelaw-llm check" in runner.stats.stop_reason
    assert state_path(tmp_path / "out.jsonl").exists()


# --------------------------------------------------------------------------- resuming


class _Killed(BaseException):
    """Stands for the process dying at this point (nothing after it runs, no state saved)."""


def test_a_run_stopped_while_a_job_runs_resumes_polling_that_job(
    tmp_path: Path, server: StandInBatchServer
) -> None:
    server.delay = 0.5
    out = tmp_path / "out.jsonl"
    first = BatchRunner(out, summarizer=_summarizer(server), batch_api=_fast())

    def stop_in_round_two(progress: BatchProgress) -> None:
        if progress.round == 2:
            first.stop()  # Ctrl-C while the second job runs

    assert first.batch_api is not None
    first.batch_api.on_progress = stop_in_round_two
    _run(first, [str(REPORTS)])
    assert first.stats.interrupted and len(server.jobs) == 2
    assert any("不会重复提交" in warning for warning in first.stats.warnings)

    second = BatchRunner(out, summarizer=_summarizer(server), batch_api=_fast())
    _run(second, [str(REPORTS)])
    assert len(read_results(out).results) == 5 and len(out.read_text().splitlines()) == 5
    assert max(server.submitted.values()) == 1
    assert len(server.uploads) == len(server.jobs) == 3  # round 2 was polled, not sent again


@pytest.mark.parametrize("step", ["upload", "create"])
def test_a_file_or_job_made_just_before_a_kill_is_found_not_made_again(
    tmp_path: Path, server: StandInBatchServer, step: str
) -> None:
    out = tmp_path / "out.jsonl"
    real = getattr(BatchEndpoint, step)

    async def then_die(self: BatchEndpoint, *args: Any) -> Any:
        await real(self, *args)  # the provider has it; the run dies before writing it down
        raise _Killed

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BatchEndpoint, step, then_die)
        with pytest.raises(_Killed):
            _run(
                BatchRunner(out, summarizer=_summarizer(server), batch_api=_fast()), [str(REPORTS)]
            )
    made = len(server.uploads), len(server.jobs)

    _run(BatchRunner(out, summarizer=_summarizer(server), batch_api=_fast()), [str(REPORTS)])
    assert len(read_results(out).results) == 5
    assert max(server.submitted.values()) == 1
    assert len(server.uploads) == len(server.jobs)  # one file per job, none uploaded twice
    assert made[0] == 1  # the first upload was the one adopted after the "kill"


def _wait_for(predicate: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"not reached within {timeout} s")


def _state_jobs(out: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(state_path(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [job for stored in data["rounds"] for job in stored["jobs"]]


def test_sigkill_between_rounds_then_rerun_loses_nothing_and_submits_nothing_twice(
    tmp_path: Path, server: StandInBatchServer
) -> None:
    server.delay = 1.0
    folder = _corpus(tmp_path, 12)
    out = tmp_path / "out.jsonl"
    command = [
        sys.executable,
        "-m",
        "rulelaw_llm.cli",
        "batch",
        str(folder),
        "-o",
        str(out),
        "--batch-api",
        "--provider",
        "qwen",
        "--base-url",
        _base_url(server),
        "--poll-seconds",
        "0.1",
        "--no-cache",
    ]
    env = {**os.environ, "DASHSCOPE_API_KEY": "fake-key", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    # Killed once the second round's job is submitted and running.
    _wait_for(lambda: sum(1 for job in _state_jobs(out) if job.get("batch_id")) >= 2)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    jobs_before = len(server.jobs)

    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 12 and len({record["input"] for record in records}) == 12
    assert {record["record"] for record in records} == {"result"}
    assert max(server.submitted.values()) == 1
    names = [server.files[job.input_file_id]["filename"] for job in server.jobs]
    assert len(names) == len(set(names)) == len(server.uploads) >= jobs_before
    assert not state_path(out).exists()


def test_the_stand_in_answers_online_with_the_same_fake(server: StandInBatchServer) -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "单位：某镇；年度：2024"}]}
    status, payload = fake_completion(body)
    assert status == 200 and payload["usage"]["prompt_tokens"] > 0
