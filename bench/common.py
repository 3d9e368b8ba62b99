"""What the benchmarks share: the samples, the recorded cassettes, a replay index, the machine.

Benchmarks are scripts, not tests: each prints a Markdown table of ratios measured side by
side in one run. Absolute times are context only; machines are noisy.

The replay index answers a chat-completions request with the response recorded for the same
request body, compared as parsed JSON exactly as vcrpy's ``body`` matcher does (the cassette
tests match on it). A body recorded twice is answered in recorded order.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import subprocess
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

# Re-ask bodies were recorded without pydantic's docs URL; keep them identical on replay.
# pydantic-core reads this once, so it must be set before any validation error is formatted.
os.environ["PYDANTIC_ERRORS_INCLUDE_URL"] = "0"

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "examples" / "reports"
GOLD = ROOT / "examples" / "gold"
CASSETTES = ROOT / "cassettes" / "test_llm_samples"
RECORDINGS = Path(__file__).resolve().parent / "recordings"
SAMPLES = sorted(path.stem for path in REPORTS.glob("*.txt"))

#: Where the cassettes were recorded (tests/test_llm_samples.py and local-llm).
LOCAL_BASE_URL = "http://127.0.0.1:8765/v1"
LOCAL_MODEL = "qwen2.5-1.5b"


def cassette_path(slug: str) -> Path:
    """The cassette of one sample's end-to-end test."""
    return CASSETTES / f"test_llm_summary_of_a_sample_is_grounded[{slug}].yaml"


def body_key(body: bytes | str | dict[str, Any]) -> str:
    """A request body as the cassette matcher sees it: parsed JSON, keys in a fixed order."""
    parsed = body if isinstance(body, dict) else json.loads(body)
    return json.dumps(parsed, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Interaction:
    """One recorded request and its response."""

    request: dict[str, Any]
    status: int
    content_type: str
    body: str

    @property
    def response(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


def load_interactions(slug: str) -> list[Interaction]:
    """The interactions of a sample's cassette, in recorded order."""
    data = yaml.load(cassette_path(slug).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    interactions = []
    for item in data["interactions"]:
        response = item["response"]
        headers = {name.lower(): values for name, values in response.get("headers", {}).items()}
        content_type = (headers.get("content-type") or ["application/json"])[0]
        interactions.append(
            Interaction(
                request=json.loads(item["request"]["body"]),
                status=int(response["status"]["code"]),
                content_type=content_type,
                body=response["body"]["string"],
            )
        )
    return interactions


class Replay:
    """Recorded responses by request body.

    ``rewind()`` starts the cassettes over (one replay of a report = one pass). With
    ``cycle=True`` a body that has been answered as often as it was recorded starts over, so
    that many copies of the same report can be served by one index.
    """

    def __init__(self, interactions: Iterable[Interaction], *, cycle: bool = False) -> None:
        self._recorded: dict[str, list[Interaction]] = defaultdict(list)
        for interaction in interactions:
            self._recorded[body_key(interaction.request)].append(interaction)
        self._cycle = cycle
        self._queues: dict[str, deque[Interaction]] = {}
        self.rewind()

    def __len__(self) -> int:
        return sum(len(items) for items in self._recorded.values())

    def rewind(self) -> None:
        """Start every recorded body over."""
        self._queues = {key: deque(items) for key, items in self._recorded.items()}

    def answer(self, body: bytes | str | dict[str, Any]) -> Interaction:
        """The recorded response to ``body``; ``LookupError`` when nothing matches."""
        key = body_key(body)
        queue = self._queues.get(key)
        if queue is None:
            raise LookupError("no recorded request has this body")
        if not queue:
            if not self._cycle:
                raise LookupError("this body was answered as often as it was recorded")
            queue.extend(self._recorded[key])
        return queue.popleft()


def sample_replay(slugs: Iterable[str] = SAMPLES, *, cycle: bool = False) -> Replay:
    """One replay index over the cassettes of ``slugs``."""
    return Replay((i for slug in slugs for i in load_interactions(slug)), cycle=cycle)


def missing_cassettes(slugs: Iterable[str] = SAMPLES) -> list[str]:
    """Samples whose cassette has not been recorded."""
    return [slug for slug in slugs if not cassette_path(slug).exists()]


def report_text(slug: str) -> str:
    """The raw text of a sample file."""
    return (REPORTS / f"{slug}.txt").read_text(encoding="utf-8")


def median_seconds(function: Callable[[], object], *, repeat: int) -> float:
    """The median wall time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, else the platform's word for it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_line() -> str:
    """Date, cores, CPU and Python, for the heading of a table."""
    commit = "unknown"
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now} · nproc {os.cpu_count()} · {cpu_model()} · Python {platform.python_version()}"
        f" · commit {commit} (plus uncommitted work)"
    )


def table(headers: list[str], rows: Iterable[Iterable[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
