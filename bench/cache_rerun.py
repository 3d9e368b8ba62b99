"""Re-running a fully cached batch: seconds and reports per second.

Usage: python bench/cache_rerun.py [--reports 1000] [--concurrency 4]

For each backend, a batch of ``--reports`` copies of the five samples (``NNN-slug.txt``,
the five texts in turn) goes through ``BatchRunner`` into a fresh ``ResultCache``; then the
same batch runs again into a NEW output file with the same cache, so every report is a hit.
The texts are the five samples repeated (the recorded LLM answers only match those), so the
cache holds five entries; each hit still reads the file, hashes it, computes the key, reads
SQLite, re-validates the JSON and every evidence span, and appends a JSONL line.

Backends: the rules (offline) backend, and the LLM backend on the REAL recorded answers
replayed instantly from the cassettes (an httpx2 ``MockTransport``). The offline run
without a cache is shown for comparison: a hit should cost less than recomputing.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx2
import openai
from common import (
    LOCAL_BASE_URL,
    LOCAL_MODEL,
    REPORTS,
    SAMPLES,
    Replay,
    machine_line,
    missing_cassettes,
    sample_replay,
    table,
)

from rulelaw_llm import AsyncSummarizer
from rulelaw_llm.corpus.batch import BatchRunner
from rulelaw_llm.llm.cache import ResultCache


def replay_summarizer(replay: Replay) -> AsyncSummarizer:
    """The summarizer of the cassette tests, answered instantly from the cassettes."""

    async def handle(request: httpx2.Request) -> httpx2.Response:
        interaction = replay.answer(await request.aread())
        return httpx2.Response(
            interaction.status,
            headers={"content-type": interaction.content_type},
            content=interaction.body.encode("utf-8"),
        )

    client = openai.AsyncOpenAI(
        base_url=LOCAL_BASE_URL,
        api_key="local",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handle)),
    )
    return AsyncSummarizer(
        provider="llama-cpp-python",
        base_url=LOCAL_BASE_URL,
        model=LOCAL_MODEL,
        api_key="local",
        client=client,
    )


async def run(
    paths: list[Path],
    out: Path,
    summarizer: AsyncSummarizer | None,
    cache: ResultCache | None,
    concurrency: int,
) -> tuple[float, int, int]:
    """Seconds, records and cache hits of one batch run."""
    runner = BatchRunner(out, summarizer=summarizer, concurrency=concurrency, cache=cache)
    started = time.perf_counter()
    records = 0
    async for _record in runner.run(paths):
        records += 1
    seconds = time.perf_counter() - started
    if runner.stats.failed:
        raise SystemExit(f"{runner.stats.failed} reports failed: {runner.stats.errors[:3]}")
    return seconds, records, runner.stats.cached


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--samples", default=",".join(SAMPLES))
    args = parser.parse_args(argv)
    slugs = args.samples.split(",")
    missing = missing_cassettes(slugs)
    if missing:
        raise SystemExit(f"no cassette for {', '.join(missing)}: record them first")

    rows = []
    with tempfile.TemporaryDirectory(prefix="rulelaw-bench-") as name:
        folder = Path(name)
        inputs = folder / "reports"
        inputs.mkdir()
        paths = []
        for index in range(args.reports):
            slug = slugs[index % len(slugs)]
            path = inputs / f"{index:04d}-{slug}.txt"
            # Distinct bytes (the batch runner summarizes identical files once and records
            # the others as duplicates), the same cleaned text (the cache key and the
            # replayed answers need it).
            path.write_bytes((REPORTS / f"{slug}.txt").read_bytes() + b"\n" + b" " * index)
            paths.append(path)

        def measure(label: str, summarizer: AsyncSummarizer | None, cache: ResultCache | None):
            out = folder / f"{len(rows)}.jsonl"
            seconds, records, hits = asyncio.run(
                run(paths, out, summarizer, cache, args.concurrency)
            )
            rows.append(
                [label, records, hits, f"{seconds:.2f}", f"{records / seconds:,.0f}", seconds]
            )

        # Warm up (imports, regexes, schemas) outside the measured runs.
        asyncio.run(run(paths[:5], folder / "warm-up.jsonl", None, None, args.concurrency))
        measure("rules backend, no cache", None, None)
        with ResultCache(folder / "rules.sqlite3") as cache:
            measure("rules backend, first run (fills the cache)", None, cache)
            measure("rules backend, re-run: all cached", None, cache)
        replay = sample_replay(slugs, cycle=True)
        with ResultCache(folder / "llm.sqlite3") as cache:
            measure(
                "LLM backend (instant replayed model), first run (fills the cache)",
                replay_summarizer(replay),
                cache,
            )
            measure("LLM backend, re-run: all cached", replay_summarizer(replay), cache)

    baseline = rows[0][5]
    print(f"cached re-run · {args.reports} reports · concurrency {args.concurrency}")
    print(f"{machine_line()}\n")
    print(
        table(
            ["run", "records", "cache hits", "seconds", "reports/s", "time ÷ rules without cache"],
            [[*row[:5], f"{row[5] / baseline:.2f}"] for row in rows],
        )
    )


if __name__ == "__main__":
    main()
