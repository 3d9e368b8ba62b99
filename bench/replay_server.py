"""A local OpenAI-compatible server that answers with the recorded responses, after a delay.

Usage: python bench/replay_server.py [--port 8790] [--latency 2.0] [--jitter 0.5] [--seed 1]

``POST /v1/chat/completions`` answers with the response recorded in
cassettes/test_llm_samples/ for the same request body (compared as parsed JSON, as the
cassette tests compare them), after ``latency ± jitter`` seconds (uniform). Bodies recorded
once are served again and again, so any number of copies of the five samples can be run
through it. A body that was never recorded gets HTTP 422 (not retried by the library) and
is counted. ``GET /stats`` returns the counts and the peak number of requests in flight;
``POST /stats/reset`` zeroes them. It binds to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random

from aiohttp import web
from common import SAMPLES, Replay, missing_cassettes, sample_replay


class ReplayServer:
    """The aiohttp application and its counters."""

    def __init__(self, replay: Replay, *, latency: float, jitter: float, seed: int) -> None:
        self.replay = replay
        self.latency = latency
        self.jitter = jitter
        self.random = random.Random(seed)
        self.reset()

    def reset(self) -> None:
        self.served = 0
        self.unmatched = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.delay_total = 0.0

    def app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self.completions)
        app.router.add_get("/v1/models", self.models)
        app.router.add_get("/stats", self.stats)
        app.router.add_post("/stats/reset", self.reset_stats)
        return app

    async def completions(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            delay = max(
                0.0, self.random.uniform(self.latency - self.jitter, self.latency + self.jitter)
            )
            self.delay_total += delay
            try:
                interaction = self.replay.answer(body)
            except (LookupError, ValueError) as error:
                self.unmatched += 1
                await asyncio.sleep(delay)
                message = {"error": {"message": f"replay server: {error}", "type": "replay"}}
                return web.json_response(message, status=422)
            await asyncio.sleep(delay)
            self.served += 1
            return web.Response(
                status=interaction.status,
                body=interaction.body.encode("utf-8"),
                content_type=interaction.content_type.split(";")[0],
            )
        finally:
            self.in_flight -= 1

    async def models(self, request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "qwen2.5-1.5b"}]})

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "served": self.served,
                "unmatched": self.unmatched,
                "in_flight": self.in_flight,
                "peak_in_flight": self.peak_in_flight,
                "mean_delay": self.delay_total / max(1, self.served + self.unmatched),
            }
        )

    async def reset_stats(self, request: web.Request) -> web.Response:
        self.reset()
        return web.Response(text=json.dumps({"reset": True}), content_type="application/json")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--latency", type=float, default=2.0, help="mean seconds per answer")
    parser.add_argument("--jitter", type=float, default=0.5, help="± seconds, uniform")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", default=",".join(SAMPLES), help="whose cassettes to serve")
    args = parser.parse_args(argv)
    slugs = args.samples.split(",")
    missing = missing_cassettes(slugs)
    if missing:
        raise SystemExit(f"no cassette for {', '.join(missing)}: record them first")
    replay = sample_replay(slugs, cycle=True)
    server = ReplayServer(replay, latency=args.latency, jitter=args.jitter, seed=args.seed)
    # Loopback only: this is a benchmark fixture, never a service.
    web.run_app(server.app(), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
