"""1,000 reports through a Batch API (the stand-in) against the same run online; a SIGKILL.

Usage: python bench/batch_api.py [--reports 1000] [--job-seconds 60] [--poll-seconds 30]
                                 [--kill-reports 1000] [--kill-job-seconds 2]

The provider is the STAND-IN of tests/batch_server.py on 127.0.0.1 (no real provider could be
reached from here), with the FAKE answers of tests/fakes.py: the same JSON shapes as the
answers recorded in cassettes/test_llm_samples (``{"q1": …}``, ``{"i1": {…}}``,
``{"digest": …}``) and token counts of their size. The reports are copies of the five
samples, each with one line of its own (so 1,000 inputs, none a duplicate). Preset ``qwen``
(model qwen-plus, the DashScope OpenAI-compatible Batch API, discount 0.5) with
the default settings (``reasks=2``), as ``rulelaw-llm batch --batch-api`` uses them; price table 0.8 / 2.0 元 per
million prompt / completion tokens (the ratio is what matters).

Part 1, one process: the batch run on a VIRTUAL clock, a job taking ``--job-seconds`` from
submission to completion, polled every ``--poll-seconds`` (time is simulated: no real
minute passes); then the same reports online through the stand-in's chat endpoint (16
requests in flight). Results are compared report by report without what depends on the
transport (times, costs, the discount itself).

Part 2, real processes: ``rulelaw-llm batch --batch-api`` is SIGKILLed while its second
round's job runs (real time, ``--kill-job-seconds`` per job), then run again. The stand-in
counts every upload, job and submitted custom_id and request body.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import REPORTS, machine_line, table  # noqa: E402

from rulelaw_llm import AsyncSummarizer, BatchRunner, Price  # noqa: E402
from rulelaw_llm.corpus.batch_api import BatchApiOptions, BatchProgress, state_path  # noqa: E402
from tests.batch_server import StandInBatchServer, VirtualClock  # noqa: E402

PRICES = {"qwen-plus": Price(prompt=0.8, completion=2.0)}
#: Seconds per online request for the estimate printed beside the online run (an assumption).
ONLINE_LATENCY = 5.0


def make_reports(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    samples = sorted(REPORTS.glob("*.txt"))
    for number in range(count):
        text = samples[number % len(samples)].read_text(encoding="utf-8")
        (folder / f"r{number:04d}.txt").write_text(text + f"\n（第{number}份）\n", "utf-8")
    return folder


def summarizer(base_url: str, reask_stop: int) -> AsyncSummarizer:
    return AsyncSummarizer(
        provider="qwen",
        base_url=base_url,
        api_key="fake",
        reask_stop=reask_stop,
        prices=PRICES,
        concurrency=16,
    )


def normalized(summary: Any) -> str:
    data = summary.model_dump(mode="json")
    provenance = data["provenance"]
    provenance.pop("created_at")
    usage = provenance["usage"]
    for key in ("seconds", "cost", "batch_discount"):
        usage.pop(key)
    for attempt in usage["attempts"]:
        attempt.pop("seconds")
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


async def collect(runner: BatchRunner, folder: Path) -> list[Any]:
    return [record async for record in runner.run([str(folder)])]


def part_one(
    folder: Path, work: Path, job_seconds: float, poll_seconds: float, reask_stop: int
) -> dict[str, Any]:
    clock = VirtualClock()
    server = StandInBatchServer(delay=job_seconds, clock=clock)
    base_url = server.start()

    async def virtual_sleep(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(0)

    seen: list[BatchProgress] = []
    options = BatchApiOptions(
        poll_seconds=poll_seconds, sleep=virtual_sleep, clock=clock, on_progress=seen.append
    )
    batch_runner = BatchRunner(
        work / f"batch-{reask_stop}.jsonl",
        summarizer=summarizer(base_url, reask_stop),
        batch_api=options,
    )
    started_virtual, started = clock(), time.perf_counter()
    batch = asyncio.run(collect(batch_runner, folder))
    batch_real = time.perf_counter() - started
    batch_virtual = clock() - started_virtual

    online_runner = BatchRunner(
        work / f"online-{reask_stop}.jsonl",
        summarizer=summarizer(base_url, reask_stop),
        concurrency=32,
    )
    started = time.perf_counter()
    online = asyncio.run(collect(online_runner, folder))
    online_real = time.perf_counter() - started
    server.stop()

    by_input = {record.input: record.summary for record in online if record.summary is not None}
    equal = sum(
        1
        for record in batch
        if record.summary is not None
        and normalized(record.summary) == normalized(by_input[record.input])
    )

    def sums(records: list[Any]) -> tuple[int, int, int, float]:
        usages = [record.summary.provenance.usage for record in records if record.summary]
        return (
            sum(usage.requests for usage in usages),
            sum(usage.prompt_tokens for usage in usages),
            sum(usage.completion_tokens for usage in usages),
            sum(usage.cost or 0.0 for usage in usages),
        )

    return {
        "reports": len(batch),
        "results": sum(1 for record in batch if record.record == "result"),
        "equal": equal,
        "jobs": len(server.jobs),
        "uploads": len(server.uploads),
        "rounds": batch_runner.stats.rounds,
        "batch": sums(batch),
        "online": sums(online),
        "online_chat_requests": server.chat_requests,
        "batch_requests": batch_runner.stats.batch_requests,
        "most_submissions": max(server.submitted.values()),
        "batch_virtual": batch_virtual,
        "batch_real": batch_real,
        "online_real": online_real,
        "progress_updates": len(seen),
        "estimates": sum(1 for item in seen if item.remaining_seconds is not None),
        "state_left": state_path(work / f"batch-{reask_stop}.jsonl").exists(),
    }


def jobs_in_state(out: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(state_path(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [job for stored in data["rounds"] for job in stored["jobs"]]


def part_two(folder: Path, work: Path, job_seconds: float) -> dict[str, Any]:
    server = StandInBatchServer(delay=job_seconds)
    base_url = server.start()
    out = work / "killed.jsonl"
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
        base_url,
        "--poll-seconds",
        "0.2",
        "--no-cache",
    ]
    env = {**os.environ, "DASHSCOPE_API_KEY": "fake-key", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while sum(1 for job in jobs_in_state(out) if job.get("batch_id")) < 2:
        if process.poll() is not None:
            raise SystemExit("the batch ended before its second round")
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed = {
        "records": len(out.read_text(encoding="utf-8").splitlines()) if out.exists() else 0,
        "uploads": len(server.uploads),
        "jobs": len(server.jobs),
    }
    started = time.perf_counter()
    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    server.stop()
    names = [server.files[job.input_file_id]["filename"] for job in server.jobs]
    return {
        "exit": rerun.returncode,
        "killed": killed,
        "records": len(records),
        "inputs": len({record["input"] for record in records}),
        "results": sum(1 for record in records if record["record"] == "result"),
        "uploads": len(server.uploads),
        "jobs": len(server.jobs),
        "distinct_files": len(set(names)),
        "most_submissions": max(server.submitted.values()),
        "requests": sum(server.submitted.values()),
        "rerun_seconds": seconds,
        "state_left": state_path(out).exists(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--job-seconds", type=float, default=60.0)
    parser.add_argument("--poll-seconds", type=float, default=30.0)
    parser.add_argument("--kill-reports", type=int, default=1000)
    parser.add_argument("--kill-job-seconds", type=float, default=2.0)
    args = parser.parse_args()

    print(f"Batch API through the stand-in · {machine_line()}\n")
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        folder = make_reports(work / "reports", args.reports)
        print(
            f"{args.reports:,} reports, preset qwen (qwen-plus), default settings (reasks=2); a job takes "
            f"{args.job_seconds:g} s (virtual clock), polled every {args.poll_seconds:g} s. "
            "Online: 16 requests in flight against the same stand-in, which answers at once; "
            f"the estimate beside it assumes {ONLINE_LATENCY:g} s per request.\n"
        )
        rows = []
        notes = []
        for reask_stop in (0, 3):
            one = part_one(folder, work, args.job_seconds, args.poll_seconds, reask_stop)
            batch, online = one["batch"], one["online"]
            estimate = one["online_chat_requests"] * ONLINE_LATENCY / 16
            rows += [
                [
                    f"--batch-api, reask_stop={reask_stop}",
                    one["jobs"],
                    one["rounds"],
                    f"{one['batch_requests']:,}",
                    f"{batch[1]:,}",
                    f"{batch[2]:,}",
                    f"{batch[3]:.4f}",
                    f"{one['batch_virtual']:.0f} s simulated ({one['batch_real']:.1f} s real work)",
                ],
                [
                    f"online, reask_stop={reask_stop}",
                    "—",
                    "—",
                    f"{one['online_chat_requests']:,}",
                    f"{online[1]:,}",
                    f"{online[2]:,}",
                    f"{online[3]:.4f}",
                    f"{one['online_real']:.1f} s real (≈ {estimate:.0f} s at {ONLINE_LATENCY:g} s per request)",
                ],
            ]
            per_token_batch = batch[3] / max(1, batch[1] + batch[2])
            per_token_online = online[3] / max(1, online[1] + online[2])
            notes.append(
                f"- reask_stop={reask_stop}: cost batch ÷ online **{batch[3] / online[3]:.3f}** "
                f"(per token {per_token_batch / per_token_online:.3f}; tokens "
                f"{batch[1] + batch[2]:,} vs {online[1] + online[2]:,}); results equal to online: "
                f"**{one['equal']}/{one['reports']}**; uploads {one['uploads']}; most submissions "
                f"of one custom_id {one['most_submissions']}; progress updates "
                f"{one['progress_updates']} ({one['estimates']} with an estimate of the time left); "
                f"state file left: {one['state_left']}."
            )
        print(
            table(
                [
                    "run",
                    "jobs",
                    "rounds",
                    "requests",
                    "prompt tokens",
                    "completion tokens",
                    "cost (元)",
                    "wall time",
                ],
                rows,
            )
        )
        print()
        print("\n".join(notes))
        print()

        kill_folder = (
            folder
            if args.kill_reports == args.reports
            else make_reports(work / "k", args.kill_reports)
        )
        two = part_two(kill_folder, work, args.kill_job_seconds)
        print(
            f"SIGKILL while the second round's job runs ({args.kill_reports:,} reports, "
            f"{args.kill_job_seconds:g} s per job, real processes), then the same command again:\n"
        )
        print(
            table(
                ["", "records", "uploads", "jobs"],
                [
                    [
                        "at the kill",
                        two["killed"]["records"],
                        two["killed"]["uploads"],
                        two["killed"]["jobs"],
                    ],
                    ["after the rerun", two["records"], two["uploads"], two["jobs"]],
                ],
            )
        )
        print(
            f"\nrerun exit {two['exit']} in {two['rerun_seconds']:.1f} s; {two['inputs']:,} distinct "
            f"inputs, {two['results']:,} results; {two['distinct_files']} distinct input files for "
            f"{two['jobs']} jobs; most submissions of one custom_id: {two['most_submissions']}; {two['requests']:,} requests submitted; "
            f"state file left: {two['state_left']}."
        )


if __name__ == "__main__":
    main()
