"""The batch runner: one record per input, resumable after Ctrl-C or SIGKILL, faults recorded.

Model answers come from the FAKE model in tests/fakes.py; subprocess tests run
tests/batch_worker.py and really kill it.
"""

from __future__ import annotations

import asyncio
import hashlib
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

from rulelaw_llm import cli
from rulelaw_llm.cli import main
from rulelaw_llm.corpus.batch import BatchRunner
from rulelaw_llm.errors import InputError
from rulelaw_llm.llm.cache import ResultCache
from rulelaw_llm.llm.summarizer import AsyncSummarizer
from rulelaw_llm.reading.readers import expand_inputs
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

    monkeypatch.setattr("rulelaw_llm.llm.transport._async_sleep", no_sleep)
    kinds = ["429", "500", "timeout", "malformed"]
    seen: set[str] = set()

    def fault(call: int, body: dict[str, Any], answer: Answer) -> Any:
        # The schedule is a function of the request's content, never of the order in which
        # concurrent reports happen to send: one distinct request in five fails, once.
        content = json.dumps(body["messages"], ensure_ascii=False, sort_keys=True)
        number = int(hashlib.sha256(content.encode("utf-8")).hexdigest(), 16)
        if content in seen or number % 5:
            seen.add(content)
            return None
        seen.add(content)
        kind = kinds[(number // 5) % 4]
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
    resent = len(fake.requests) - len(seen)  # a transport fault sends the same request again
    assert resent > len(seen) // 10  # the faults really happened and were absorbed
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


def test_the_batch_command_admits_twice_as_many_reports_as_request_slots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A report waits between the rounds of its requests; another report fills its slot.
    fake = FakeModel()
    counts = {"requests": 0, "reports": 0}
    peaks = {"requests": 0, "reports": 0}

    def enter(kind: str) -> None:
        counts[kind] += 1
        peaks[kind] = max(peaks[kind], counts[kind])

    async def slow(request: httpx2.Request) -> httpx2.Response:
        enter("requests")
        await asyncio.sleep(0.01)
        counts["requests"] -= 1
        return fake.handle(request)

    class Counting(AsyncSummarizer):
        async def summarize(self, source: Any) -> Any:
            enter("reports")
            try:
                return await super().summarize(source)
            finally:
                counts["reports"] -= 1

    def configured(args: Any) -> AsyncSummarizer:
        client = openai.AsyncOpenAI(
            base_url="http://fake.test/v1",
            api_key="fake",
            http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(slow)),
        )
        return Counting(client=client, model="fake", concurrency=args.concurrency)

    monkeypatch.setattr(cli, "_async_summarizer", configured)
    out = tmp_path / "out.jsonl"
    corpus = _corpus(tmp_path, 12)
    assert main(["batch", str(corpus), "-o", str(out), "--concurrency", "3", "--no-cache"]) == 0
    assert len(_records(out)) == 12
    assert peaks == {"requests": 3, "reports": 6}


# --------------------------------------------------------------------------- input identity


def test_every_spelling_of_the_same_folder_is_the_same_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _corpus(tmp_path, 3)
    (tmp_path / "link").symlink_to(folder, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out.jsonl"

    for spelling in ["reports", "./reports/", str(folder.resolve()), "link", "link/r0001.txt"]:
        _run(BatchRunner(out), [spelling])

    records = _records(out)
    assert len(records) == 3
    assert sorted(r["input"] for r in records) == sorted(
        str(path.resolve()) for path in folder.glob("*.txt")
    )


def test_two_spellings_in_one_command_are_one_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _corpus(tmp_path, 2)
    monkeypatch.chdir(tmp_path)
    paths = expand_inputs(["reports", "./reports/r0000.txt", str(folder / "r0001.txt")])
    assert [path.name for path in paths] == ["r0000.txt", "r0001.txt"]


def test_the_same_content_under_two_names_is_summarized_once_and_the_second_points_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "in"
    folder.mkdir()
    text = (REPORTS / "ka-xiang-2024.txt").read_text("utf-8")
    (folder / "a.txt").write_text(text, "utf-8")
    (folder / "b-copy.txt").write_text(text, "utf-8")
    (folder / "c.txt").write_text((REPORTS / "wutong-zhen-2024.txt").read_text("utf-8"), "utf-8")
    out = tmp_path / "out.jsonl"

    assert main(["batch", str(folder), "-o", str(out), "--offline", "--no-cache"]) == 0

    records = {Path(r["input"]).name: r for r in _records(out)}
    assert len(_records(out)) == 3
    assert [records[name]["record"] for name in ("a.txt", "b-copy.txt", "c.txt")] == [
        "result",
        "duplicate",
        "result",
    ]
    assert records["b-copy.txt"]["duplicate_of"] == str((folder / "a.txt").resolve())
    assert "summary" not in records["b-copy.txt"]
    err = capsys.readouterr().err
    assert "b-copy.txt" in err and "内容相同" in err

    assert main(["batch", str(folder), "-o", str(out), "--offline", "--no-cache"]) == 0
    assert len(_records(out)) == 3  # the duplicate is remembered too


def test_attempts_count_the_tries_of_an_input_across_runs(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "late.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"

    first = _run(BatchRunner(out), [str(folder)])
    again = _run(BatchRunner(out, retry_failed=True), [str(folder)])
    (folder / "late.txt").write_text((REPORTS / "ka-xiang-2024.txt").read_text("utf-8"), "utf-8")
    third = _run(BatchRunner(out, retry_failed=True), [str(folder)])

    assert [(r.record, r.attempts) for r in first + again + third] == [
        ("error", 1),
        ("error", 2),
        ("result", 3),
    ]
    assert [r["attempts"] for r in _records(out)] == [1, 2, 3]


def test_an_output_file_that_is_not_batch_results_is_never_appended_to(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    assert (
        main(["summarize", str(REPORTS / "ka-xiang-2024.txt"), "--offline", "-o", str(summary)])
        == 0
    )
    before = summary.read_bytes()
    report = tmp_path / "report.txt"
    report.write_text("某镇2024年法治政府建设情况报告\n一、主要成效", encoding="utf-8")

    with pytest.raises(InputError, match="不是批量处理的结果文件"):
        _run(BatchRunner(summary), [str(REPORTS / "wutong-zhen-2024.txt")])
    with pytest.raises(InputError, match="不是批量处理的结果文件"):
        _run(BatchRunner(report), [str(REPORTS / "wutong-zhen-2024.txt")])

    assert summary.read_bytes() == before
    assert report.read_text(encoding="utf-8").endswith("一、主要成效")  # not cut as "truncated"


def test_records_of_older_code_are_kept_on_resume_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.jsonl"
    _run(BatchRunner(out), [str(REPORTS / "ka-xiang-2024.txt")])
    monkeypatch.setattr("rulelaw_llm.corpus.batch.code_fingerprint", lambda: "0000000000000000")

    runner = BatchRunner(out)
    assert _run(runner, [str(REPORTS)]) != []

    records = _records(out)
    assert len(records) == 5  # the old record of 卡乡 was kept, not redone
    assert [r["code"] == "0000000000000000" for r in records] == [False, True, True, True, True]
    assert runner.stats.skipped == 1
    assert any("1 份报告" in warning and "另一版本" in warning for warning in runner.stats.warnings)


def test_a_folder_is_searched_for_every_suffix_the_readers_read(tmp_path: Path) -> None:
    from rulelaw_llm.reading.readers import SUPPORTED_SUFFIXES

    for suffix in (*SUPPORTED_SUFFIXES, ".doc", ".json", ".jsonl", ".py"):
        (tmp_path / f"report{suffix.replace('.', '-')}{suffix}").write_bytes(b"x")

    found = {path.suffix for path in expand_inputs([str(tmp_path)])}

    assert found == set(SUPPORTED_SUFFIXES) >= {".txt", ".text", ".md", ".docx", ".pdf", ".html"}


def test_split_makes_each_report_of_a_collection_an_input_of_its_own(tmp_path: Path) -> None:
    samples = sorted(REPORTS.glob("*.txt"))
    collection = tmp_path / "合集.txt"
    collection.write_text(
        "".join(path.read_text(encoding="utf-8").rstrip("\n") + "\n" for path in samples),
        encoding="utf-8",
    )
    single = tmp_path / "single.txt"
    single.write_text(samples[0].read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out.jsonl"

    first = _run(BatchRunner(out, split=True), [str(collection), str(single)])
    again = BatchRunner(out, split=True)
    assert _run(again, [str(collection), str(single)]) == []

    records = _records(out)
    # Records are written as reports finish, in any order.
    assert {record["input"]: record["summary"]["entity"] for record in records} == {
        f"{collection}#1": "卡乡",
        f"{collection}#2": "吕村镇",
        f"{collection}#3": "申扎镇",
        f"{collection}#4": "田家寨镇",
        f"{collection}#5": "梧桐镇",
        str(single): "卡乡",
    }
    assert len({record["input_sha256"] for record in records}) == 6
    assert (len(first), again.stats.skipped, again.stats.total) == (6, 6, 6)
    # Without --split the collection is one input (and its summary says it holds five).
    runner = BatchRunner(tmp_path / "whole.jsonl")
    whole = _run(runner, [str(collection)])
    assert len(whole) == 1 and whole[0].summary is not None
    assert any("5 份报告" in warning for warning in whole[0].summary.warnings)
    # ... and so does the batch, for the user's stderr, with the way to split it.
    (said,) = runner.stats.warnings
    assert "似乎有 5 份报告" in said and "--split" in said


def test_a_file_is_processed_one_way_in_one_results_file_whole_or_split(tmp_path: Path) -> None:
    collection = tmp_path / "合集.txt"
    collection.write_text(
        "".join(path.read_text(encoding="utf-8") + "\n" for path in sorted(REPORTS.glob("*.txt"))),
        encoding="utf-8",
    )
    # Whole first, then --split: the whole record stays the only one, and the user is told.
    whole = tmp_path / "whole.jsonl"
    assert len(_run(BatchRunner(whole), [str(collection)])) == 1
    resumed = BatchRunner(whole, split=True)
    assert _run(resumed, [str(collection)]) == []
    assert [r["input"] for r in _records(whole)] == [str(collection)]
    assert (resumed.stats.skipped, resumed.stats.total) == (1, 1)
    assert any("未按 --split 拆分" in warning for warning in resumed.stats.warnings)
    # Split first, then whole: the five part records stay, no sixth summary of all five.
    split = tmp_path / "split.jsonl"
    assert len(_run(BatchRunner(split, split=True), [str(collection)])) == 5
    resumed = BatchRunner(split)
    assert _run(resumed, [str(collection)]) == []
    assert len(_records(split)) == 5
    assert (resumed.stats.skipped, resumed.stats.total) == (1, 1)
    assert any("已有按 --split 拆分的记录" in warning for warning in resumed.stats.warnings)


def test_strict_records_an_input_that_is_not_one_report_as_an_error(tmp_path: Path) -> None:
    collection = tmp_path / "合集.txt"
    collection.write_text(
        "".join(path.read_text(encoding="utf-8") + "\n" for path in sorted(REPORTS.glob("*.txt"))),
        encoding="utf-8",
    )
    single = REPORTS / "ka-xiang-2024.txt"

    records = _run(BatchRunner(tmp_path / "out.jsonl", strict=True), [str(collection), str(single)])

    outcome = {record.input: (record.record, record.error_type) for record in records}
    assert outcome == {str(collection): ("error", "InputError"), str(single): ("result", None)}
    (error,) = [record for record in records if record.record == "error"]
    assert error.message is not None and "5 份报告" in error.message and "--strict" in error.message


def test_every_input_is_accounted_for_in_the_counts(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = (REPORTS / "ka-xiang-2024.txt").read_text("utf-8")
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(text, "utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "c.txt").write_text((REPORTS / "wutong-zhen-2024.txt").read_text("utf-8"), "utf-8")
    out = tmp_path / "out.jsonl"
    _run(BatchRunner(out), [str(folder / "c.txt")])

    runner = BatchRunner(out)
    _run(runner, [str(folder)])

    stats = runner.stats
    assert (stats.total, stats.skipped, stats.done, stats.failed, stats.duplicates) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert stats.finished == stats.total - stats.skipped  # what the progress bar completes to
