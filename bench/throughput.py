"""Batch throughput against a model with a fixed latency: achieved versus ideal.

Usage: python bench/throughput.py [--latency 2.0] [--jitter 0.5] [--concurrency 1,4,16,64] [--reports-per-slot 1,2]
                                  [--reports 200] [--small 1:5,4:20] [--sdk-peer 1,64]

bench/replay_server.py is started on a free loopback port; it answers every request with the
response recorded for that body, after ``latency ± jitter`` seconds. The batch is copies of
the five sample reports (``NNN-slug.txt``, the five texts in turn): the recorded bodies only
match these five texts, so the same five are repeated. Each concurrency gets a fresh output
file and no cache.

rulelaw_llm runs as ``rulelaw-llm batch --concurrency C`` does: ``AsyncSummarizer(concurrency=C)``
(at most C requests in flight across all reports; the requests of one round of a report go
out together) under ``BatchRunner``, which admits ``reports-per-slot × C`` reports at a time
(1 = as many reports as request slots, the old behaviour; 2 = what the CLI does now). The
ideal time is ``requests × latency ÷ C``. A report is a chain of 2–3 rounds that wait for
each other, so with as many reports as slots the slots of reports between rounds (and of
the last reports) stand empty; admitting more reports than slots fills them.

Peers on the same server and the same request bodies: a plain sequential loop over the
openai SDK (``OpenAI().chat.completions.create`` one after another) at C = 1, and the plain
``AsyncOpenAI`` SDK with C requests in flight at the other C listed in ``--sdk-peer``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
from common import LOCAL_MODEL, REPORTS, SAMPLES, load_interactions, machine_line, table

from rulelaw_llm import AsyncSummarizer
from rulelaw_llm.corpus.batch import BatchRunner

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """The replay server in a child process (its own core, as a real server would have)."""

    def __init__(self, latency: float, jitter: float, slugs: list[str]) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "replay_server.py"),
                "--port",
                str(self.port),
                "--latency",
                str(latency),
                "--jitter",
                str(jitter),
                "--samples",
                ",".join(slugs),
            ]
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self._call("GET", "/v1/models")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise SystemExit("the replay server did not start") from None
                time.sleep(0.2)

    def _call(self, method: str, path: str) -> dict[str, Any]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method)
        with urllib.request.urlopen(request, timeout=5) as response:
            result: dict[str, Any] = json.loads(response.read())
            return result

    def reset(self) -> None:
        self._call("POST", "/stats/reset")

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/stats")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@dataclass
class Run:
    """One measured run."""

    system: str
    concurrency: int
    reports: int
    requests: int
    seconds: float
    mean_latency: float
    peak_in_flight: int
    unmatched: int
    errors: int = 0

    @property
    def ideal(self) -> float:
        return self.requests * self.mean_latency / self.concurrency


def batch_inputs(folder: Path, count: int, slugs: list[str]) -> list[Path]:
    """``count`` copies of the samples, the five texts in turn."""
    paths = []
    for index in range(count):
        slug = slugs[index % len(slugs)]
        path = folder / f"{index:03d}-{slug}.txt"
        if not path.exists():
            # Distinct bytes (the batch runner summarizes identical files once and records
            # the others as duplicates), the same cleaned text (the replayed answers need it).
            path.write_bytes((REPORTS / f"{slug}.txt").read_bytes() + b"\n" + b" " * index)
        paths.append(path)
    return paths


async def run_library(
    server: Server, paths: list[Path], concurrency: int, out: Path, reports_per_slot: int
) -> Run:
    client = openai.AsyncOpenAI(base_url=server.base_url, api_key="local")
    summarizer = AsyncSummarizer(
        provider="llama-cpp-python",
        base_url=server.base_url,
        model=LOCAL_MODEL,
        api_key="local",
        client=client,
        concurrency=concurrency,
    )
    runner = BatchRunner(
        out, summarizer=summarizer, concurrency=concurrency * reports_per_slot, cache=None
    )
    server.reset()
    started = time.perf_counter()
    requests = 0
    async for record in runner.run(paths):
        if record.summary is not None:
            requests += record.summary.provenance.usage.requests
    seconds = time.perf_counter() - started
    await client.close()
    stats = server.stats()
    return Run(
        system=f"rulelaw_llm, {reports_per_slot}×C reports in flight",
        concurrency=concurrency,
        reports=len(paths),
        requests=stats["served"] + stats["unmatched"],
        seconds=seconds,
        mean_latency=stats["mean_delay"],
        peak_in_flight=stats["peak_in_flight"],
        unmatched=stats["unmatched"],
        errors=runner.stats.failed,
    )


def bodies(paths: list[Path]) -> list[dict[str, Any]]:
    """The recorded request bodies of these reports, report after report."""
    slugs = {path.stem.split("-", 1)[1] for path in paths}
    recorded = {slug: [i.request for i in load_interactions(slug)] for slug in slugs}
    return [body for path in paths for body in recorded[path.stem.split("-", 1)[1]]]


def run_sequential_sdk(server: Server, paths: list[Path]) -> Run:
    client = openai.OpenAI(base_url=server.base_url, api_key="local", max_retries=0)
    requests = bodies(paths)
    server.reset()
    started = time.perf_counter()
    for body in requests:
        client.chat.completions.create(**body)
    seconds = time.perf_counter() - started
    stats = server.stats()
    return Run(
        system="plain openai SDK, sequential loop",
        concurrency=1,
        reports=len(paths),
        requests=len(requests),
        seconds=seconds,
        mean_latency=stats["mean_delay"],
        peak_in_flight=stats["peak_in_flight"],
        unmatched=stats["unmatched"],
    )


async def run_async_sdk(server: Server, paths: list[Path], concurrency: int) -> Run:
    client = openai.AsyncOpenAI(base_url=server.base_url, api_key="local", max_retries=0)
    requests = bodies(paths)
    limit = asyncio.Semaphore(concurrency)

    async def one(body: dict[str, Any]) -> None:
        async with limit:
            await client.chat.completions.create(**body)

    server.reset()
    started = time.perf_counter()
    await asyncio.gather(*(one(body) for body in requests))
    seconds = time.perf_counter() - started
    await client.close()
    stats = server.stats()
    return Run(
        system="plain AsyncOpenAI SDK, C requests in flight",
        concurrency=concurrency,
        reports=len(paths),
        requests=len(requests),
        seconds=seconds,
        mean_latency=stats["mean_delay"],
        peak_in_flight=stats["peak_in_flight"],
        unmatched=stats["unmatched"],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=2.0)
    parser.add_argument("--jitter", type=float, default=0.5)
    parser.add_argument("--concurrency", default="1,4,16,64")
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument(
        "--small",
        default="1:5,4:20",
        help="concurrency:reports pairs measured on a smaller batch and extrapolated",
    )
    parser.add_argument(
        "--sdk-peer",
        default="1,64",
        help="concurrencies at which the plain SDK runs too (1 = the sequential loop)",
    )
    parser.add_argument(
        "--reports-per-slot",
        default="1,2",
        help="reports in flight per request slot (the CLI's batch admits 2 per slot)",
    )
    parser.add_argument("--samples", default=",".join(SAMPLES))
    args = parser.parse_args(argv)
    slugs = args.samples.split(",")
    levels = [int(level) for level in args.concurrency.split(",")]
    small = dict(tuple(int(x) for x in pair.split(":")) for pair in args.small.split(",") if pair)
    per_slot = [int(n) for n in args.reports_per_slot.split(",")]

    server = Server(args.latency, args.jitter, slugs)
    runs: list[Run] = []
    try:
        with tempfile.TemporaryDirectory(prefix="rulelaw-bench-") as folder:
            inputs = Path(folder) / "reports"
            inputs.mkdir()
            for level in levels:
                paths = batch_inputs(inputs, small.get(level, args.reports), slugs)
                for reports_per_slot in per_slot:
                    out = Path(folder) / f"out-{level}-{reports_per_slot}.jsonl"
                    run = asyncio.run(run_library(server, paths, level, out, reports_per_slot))
                    runs.append(run)
                    print(
                        f"  measured {run.system} at {level}: {run.seconds:.1f} s", file=sys.stderr
                    )
                if str(level) in args.sdk_peer.split(","):
                    if level == 1:
                        peer = run_sequential_sdk(server, paths)
                    else:
                        peer = asyncio.run(run_async_sdk(server, paths, level))
                    runs.append(peer)
                    print(
                        f"  measured {peer.system} at {level}: {peer.seconds:.1f} s",
                        file=sys.stderr,
                    )
    finally:
        server.close()

    rows = []
    for run in runs:
        scale = args.reports / run.reports
        estimate = run.seconds * scale
        shown = f"{estimate:,.0f}" if scale == 1 else f"≈ {estimate:,.0f} (from {run.reports})"
        rows.append(
            [
                run.system,
                run.concurrency,
                run.reports,
                f"{run.requests:,}",
                f"{run.mean_latency:.3f}",
                f"{run.ideal:,.1f}",
                f"{run.seconds:,.1f}",
                f"**{run.ideal / run.seconds:.3f}**",
                run.peak_in_flight,
                f"{run.unmatched}/{run.errors}",
                shown,
            ]
        )
    print(f"throughput · latency {args.latency} ± {args.jitter} s (uniform) · {machine_line()}\n")
    print(
        table(
            [
                "system",
                "C",
                "reports",
                "requests",
                "mean latency s",
                "ideal s = requests × latency ÷ C",
                "measured s",
                "achieved ÷ ideal",
                "peak in flight",
                "unmatched / failed",
                f"s for {args.reports} reports",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
