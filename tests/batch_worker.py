"""A batch run against the FAKE model with a delay per request, for kill/interrupt tests.

Usage: python -m tests.batch_worker INPUT_DIR OUTPUT.jsonl [DELAY_SECONDS]
"""

from __future__ import annotations

import asyncio
import sys
import time

import httpx2
import openai

from rulelaw_llm.corpus.batch import BatchRunner, install_interrupt
from rulelaw_llm.llm.summarizer import AsyncSummarizer
from tests.fakes import FakeModel


def main() -> int:
    source, output = sys.argv[1], sys.argv[2]
    delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.05
    fake = FakeModel()

    async def slow(request: httpx2.Request) -> httpx2.Response:
        await asyncio.sleep(delay)
        return fake.handle(request)

    async def run() -> int:
        client = openai.AsyncOpenAI(
            base_url="http://fake.test/v1",
            api_key="fake",
            http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(slow)),
        )
        runner = BatchRunner(
            output, summarizer=AsyncSummarizer(client=client, model="fake"), concurrency=4
        )
        undo = install_interrupt(runner)
        async for record in runner.run([source]):
            print(record.record, record.input, flush=True)
        undo()
        if runner.stats.interrupted:
            print("interrupted: re-run the same command to resume", file=sys.stderr)
            return 130
        return 0

    started = time.perf_counter()
    code = asyncio.run(run())
    print(f"elapsed {time.perf_counter() - started:.1f}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
