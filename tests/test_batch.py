"""The batch runner: one record per input, resumable after Ctrl-C or SIGKILL, faults recorded.

Model answers come from the FAKE model in tests/fakes.py; subprocess tests run
tests/batch_worker.py and really kill it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest

from rulelaw_llm.batch import BatchRunner, expand_inputs
from rulelaw_llm.cache import ResultCache
from rulelaw_llm.cli import main
from rulelaw_llm.summarizer import AsyncSummarizer
from tests.conftest import REPORTS, ROOT
from tests.fakes import Answer, FakeModel, completion, error


def _records(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _corpus(tmp_path: Path, copies: int) -> Path:
    """``copies`` distinct report files made from the samples (a line differs in each)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    samples = sorted(REPORTS.glob("*.txt"))
    for number in range(copies):
        text = samples[number % len(samples)].read_text(encoding="utf-8")
        (folder / f"r{number:04d}.txt").write_text(text + f"\n（第{number}份）\n", encoding="utf-8")
    return folder


def _run(runner: BatchRunner, inputs: list[str]) -> list[Any]:
    async def collect() -> list[Any]:
        return [record async for record in runner.run(inputs)]

    return asyncio.run(collect())


def test_offline_batch_writes_one_record_per_report_and_resumes(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    first = _run(BatchRunner(out), [str(REPORTS)])
    assert len(first) == 5 and all(r.record == "result" for r in first)

    again = BatchRunner(out)
    assert _run(again, [str(REPORTS)]) == []
    assert again.stats.skipped == 5
    records = _records(out)
    assert len(records) == 5
    assert {r["summary"]["entity"] for r in records} == {
        "卡乡",
        "吕村镇",
        "申扎镇",
        "田家寨镇",
        "梧桐镇",
    }
    assert all(len(r["input_sha256"]) == 64 for r in records)


def test_a_truncated_last_line_is_cut_off_and_completed(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    _run(BatchRunner(out), [str(REPORTS)])
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    # As if killed while writing the last record.
    out.write_text("".join(lines[:3]) + lines[3][:50], encoding="utf-8")

    _run(BatchRunner(out), [str(REPORTS)])
    records = _records(out)  # every line parses: no truncated line left
    assert sorted(r["input"] for r in records) == sorted(str(p) for p in REPORTS.glob("*.txt"))


def test_bad_inputs_become_error_records_and_are_retried_on_request(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "good.txt").write_text((REPORTS / "ka-xiang-2024.txt").read_text("utf-8"), "utf-8")
    out = tmp_path / "out.jsonl"
    _run(BatchRunner(out), [str(folder)])
    records = {Path(r["input"]).name: r for r in _records(out)}
    assert records["empty.txt"]["record"] == "error"
    assert records["empty.txt"]["error"]["type"] == "InputError"
    assert "空文件" in records["empty.txt"]["error"]["message"]

    assert _run(BatchRunner(out), [str(folder)]) == []  # failures are not retried by default
    (folder / "empty.txt").write_text(
        (REPORTS / "ka-xiang-2024.txt").read_text("utf-8") + "\n", "utf-8"
    )
    retried = _run(BatchRunner(out, retry_failed=True), [str(folder)])
    assert [r.record for r in retried] == ["result"]


def test_inputs_expand_directories_globs_and_deduplicate(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 3)
    paths = expand_inputs([str(folder), str(folder / "r000*.txt"), str(folder / "r0001.txt")])
    assert [p.name for p in paths] == ["r0000.txt", "r0001.txt", "r0002.txt"]


def _fake_async(fake: FakeModel) -> AsyncSummarizer:
    async def handle(request: httpx2.Request) -> httpx2.Response:
        return fake.handle(request)

    client = openai.AsyncOpenAI(
        base_url="http://fake.test/v1",
        api_key="fake",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handle)),
    )
    return AsyncSummarizer(client=client, model="fake", reasks=2, transport_retries=4)


def test_fifty_reports_with_one_request_in_five_failing_end_with_fifty_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_sleep(seconds: float) -> None:
        return None

    monkeypatch.setattr("rulelaw_llm.transport._async_sleep", no_sleep)
    kinds = ["429", "500", "timeout", "malformed"]

    def fault(call: int, body: dict[str, Any], answer: Answer) -> Any:
        if call % 5:
            return None
        kind = kinds[(call // 5) % 4]
        if kind == "429":
            return error(429, "rate limited", {"retry-after": "1"})
        if kind == "500":
            return error(500, "internal error")
        if kind == "timeout":
            raise httpx2.ReadTimeout("injected")
        return completion(body, answer, content_override='{"broken": ')

    fake = FakeModel(fault=fault)
    folder = _corpus(tmp_path, 50)
    out = tmp_path / "out.jsonl"
    runner = BatchRunner(out, summarizer=_fake_async(fake), concurrency=8)
    _run(runner, [str(folder)])

    records = _records(out)
    assert len(records) == 50
    assert len({r["input"] for r in records}) == 50
    assert all(r["record"] == "result" for r in records)
    # At least three requests per report (default plan: the unsure fields, then the digest);
    # every fifth one failed, and all were absorbed.
    assert len(fake.requests) > 50 * 3
    retries = sum(r["summary"]["provenance"]["usage"]["transport_retries"] for r in records)
    reasks = sum(r["summary"]["provenance"]["usage"]["reasks"] for r in records)
    assert retries > 0 and reasks > 0


def test_cache_serves_repeats_without_tokens_and_misses_when_settings_change(
    tmp_path: Path,
) -> None:
    cache = ResultCache(tmp_path / "cache.sqlite3")
    fake = FakeModel()
    first = _run(
        BatchRunner(tmp_path / "a.jsonl", summarizer=_fake_async(fake), cache=cache), [str(REPORTS)]
    )
    assert [record.record for record in first] == ["result"] * 5
    calls = len(fake.requests)

    second = BatchRunner(tmp_path / "b.jsonl", summarizer=_fake_async(fake), cache=cache)
    records = _run(second, [str(REPORTS)])
    assert len(fake.requests) == calls  # no request at all
    assert second.stats.cached == 5 and second.stats.prompt_tokens == 0
    assert all(record.cached for record in records)

    other = _fake_async(fake)
    other.settings = other.settings.with_overrides(digest_chars=200)
    _run(BatchRunner(tmp_path / "c.jsonl", summarizer=other, cache=cache), [str(REPORTS)])
    assert len(fake.requests) > calls  # a changed setting misses the cache
    cache.close()


def test_a_damaged_cache_entry_is_revalidated_and_dropped(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "cache.sqlite3"
    with ResultCache(path) as cache:
        _run(BatchRunner(tmp_path / "a.jsonl", cache=cache), [str(REPORTS / "ka-xiang-2024.txt")])
    with sqlite3.connect(path) as connection:
        (stored,) = connection.execute("SELECT summary FROM results").fetchone()
        damaged = json.loads(stored)
        damaged["indicators"][0]["evidence"]["quote"] = "不在原文中的引文"
        connection.execute("UPDATE results SET summary = ?", (json.dumps(damaged),))
    with ResultCache(path) as cache:
        runner = BatchRunner(tmp_path / "b.jsonl", cache=cache)
        _run(runner, [str(REPORTS / "ka-xiang-2024.txt")])
        assert runner.stats.cached == 0 and cache.misses == 1


def _worker(folder: Path, out: Path, delay: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.batch_worker", str(folder), str(out), str(delay)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _wait_for_lines(out: Path, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists() and out.read_text(encoding="utf-8").count("\n") >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} records after {timeout}s")


def test_sigkill_half_way_then_rerun_gives_exactly_one_record_per_report(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 24)
    out = tmp_path / "out.jsonl"
    process = _worker(folder, out, delay=0.05)
    _wait_for_lines(out, 8)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    killed_at = len(out.read_text(encoding="utf-8").splitlines())
    assert killed_at < 24

    rerun = _worker(folder, out, delay=0.0)
    assert rerun.wait(timeout=120) == 0
    records = _records(out)
    assert len(records) == 24 and len({r["input"] for r in records}) == 24


def test_ctrl_c_finishes_in_flight_reports_and_says_how_to_resume(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 24)
    out = tmp_path / "out.jsonl"
    process = _worker(folder, out, delay=0.05)
    _wait_for_lines(out, 4)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "re-run" in stderr
    partial = _records(out)  # only complete lines
    assert 4 <= len(partial) < 24

    assert _worker(folder, out, delay=0.0).wait(timeout=120) == 0
    assert len({r["input"] for r in _records(out)}) == 24 == len(_records(out))


def test_cli_batch_offline_then_rerun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "out.jsonl"
    cache = tmp_path / "cache.sqlite3"
    assert main(["batch", str(REPORTS), "-o", str(out), "--offline", "--cache", str(cache)]) == 0
    assert main(["batch", str(REPORTS), "-o", str(out), "--offline", "--cache", str(cache)]) == 0
    assert len(_records(out)) == 5
    err = capsys.readouterr().err
    assert "批量处理结果" in err


def test_requests_in_flight_never_exceed_the_summarizers_concurrency(tmp_path: Path) -> None:
    fake = FakeModel()
    in_flight = peak = 0

    async def slow(request: httpx2.Request) -> httpx2.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return fake.handle(request)

    client = openai.AsyncOpenAI(
        base_url="http://fake.test/v1",
        api_key="fake",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(slow)),
    )
    summarizer = AsyncSummarizer(client=client, model="fake", concurrency=3)
    _run(
        BatchRunner(tmp_path / "out.jsonl", summarizer=summarizer, concurrency=8),
        [str(_corpus(tmp_path, 10))],
    )
    assert len(_records(tmp_path / "out.jsonl")) == 10
    assert peak == 3  # reached, never exceeded, though 8 reports were in flight
