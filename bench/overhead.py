"""Library overhead per report: everything but waiting for the model.

Usage: python bench/overhead.py [--repeat 20] [--profile-top 15]

The REAL responses recorded in cassettes/test_llm_samples/ are replayed through an httpx2
``MockTransport`` that answers at once (request bodies matched as the cassette tests match
them), so the wall time of ``Summarizer.summarize`` is the library's own cost: reading and
sectioning the report, the offline floor, building each request and its schema, the openai
SDK and instructor, validation, re-asks, assembly and the digest checks.

Side by side in the same run, per report:

- ``pre-pass``: ``load_report`` + ``summarize_offline`` (the deterministic floor, which
  ``summarize`` computes first);
- ``SDK floor``: the same recorded request bodies sent with the plain openai SDK through the
  same transport, one after another: what any client of the SDK pays for those requests;
- ``replay``: the fake transport's own lookup (parse + canonical JSON of each body), which
  is inside both of the above and is not the library's cost.

Then cProfile over all samples names where the time goes, by package and by function.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from collections import defaultdict
from collections.abc import Callable

import httpx2
import openai
from common import (
    LOCAL_BASE_URL,
    LOCAL_MODEL,
    SAMPLES,
    Interaction,
    Replay,
    load_interactions,
    machine_line,
    missing_cassettes,
    report_text,
    table,
)

from rulelaw_llm import Summarizer, load_report, summarize_offline

TARGET_MS = 5.0
#: Costs worth naming: (what it is, file suffix, function), measured by cumulative time.
NAMED_COSTS = [
    (
        "openai SDK, whole call (HTTP through the fake transport included)",
        "openai/resources/chat/completions/completions.py",
        "create",
    ),
    ("… of which: SDK param transform", "openai/_utils/_transform.py", "transform"),
    ("pydantic JSON schema of the response model", "pydantic/main.py", "model_json_schema"),
    ("pydantic create_model (once per shape, cached)", "pydantic/main.py", "create_model"),
    (
        "instructor request shaping for the mode (once per shape, cached)",
        "instructor/v2/core/response.py",
        "handle_response_model",
    ),
    ("the offline floor (pre-pass)", "rulelaw_llm/offline.py", "summarize_offline"),
    ("the floor's facts (quantities once, offline summary)", "rulelaw_llm/flow.py", "of"),
    ("planning the requests (what is unsure)", "rulelaw_llm/flow.py", "plan_tasks"),
    ("checking the answers", "rulelaw_llm/flow.py", "_ask"),
    ("assembling the result", "rulelaw_llm/flow.py", "assemble"),
]
TARGET_CHARS = 3000


def replay_client(replay: Replay) -> openai.OpenAI:
    """An openai client whose transport answers from the cassettes, instantly."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        interaction = replay.answer(request.read())
        return httpx2.Response(
            interaction.status,
            headers={"content-type": interaction.content_type},
            content=interaction.body.encode("utf-8"),
        )

    return openai.OpenAI(
        base_url=LOCAL_BASE_URL,
        api_key="local",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handle)),
    )


def summarizer(replay: Replay) -> Summarizer:
    """The summarizer of the cassette tests, on the replaying client."""
    return Summarizer(
        provider="llama-cpp-python",
        base_url=LOCAL_BASE_URL,
        model=LOCAL_MODEL,
        api_key="local",
        client=replay_client(replay),
    )


def timed(function: Callable[[], object], before: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``function`` over ``repeat`` runs; ``before`` runs untimed each time."""
    times = []
    for _ in range(repeat):
        before()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sdk_floor(client: openai.OpenAI, interactions: list[Interaction]) -> None:
    """Send the recorded bodies with the plain SDK."""
    for interaction in interactions:
        client.chat.completions.create(**interaction.request)


def measure(slug: str, repeat: int) -> dict[str, float]:
    """Median milliseconds of each part for one sample."""
    interactions = load_interactions(slug)
    replay = Replay(interactions)
    text = report_text(slug)
    chars = len(load_report(text).text)
    library = summarizer(replay)
    client = replay_client(replay)
    library.summarize(text)  # warm up (schemas, regexes, prompt files)
    replay.rewind()
    sdk_floor(client, interactions)

    full = timed(lambda: library.summarize(text), replay.rewind, repeat)
    prepass = timed(lambda: summarize_offline(load_report(text)), lambda: None, repeat)
    sdk = timed(lambda: sdk_floor(client, interactions), replay.rewind, repeat)

    def lookups() -> None:
        for interaction in interactions:
            replay.answer(interaction.request)

    lookup = timed(lookups, replay.rewind, repeat)
    return {
        "chars": chars,
        "requests": len(interactions),
        "full": full * 1000,
        "prepass": prepass * 1000,
        "sdk": sdk * 1000,
        "replay": lookup * 1000,
    }


def _package(filename: str) -> str:
    for name in ("rulelaw_llm", "instructor", "openai", "httpx2", "pydantic_core", "pydantic"):
        if f"/{name}/" in filename:
            return name
    if "/bench/" in filename:
        return "bench (fake transport)"
    if "site-packages" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C)"
    return "standard library"


def profile(slugs: list[str], repeat: int, top: int) -> None:
    """Print where the time of ``summarize`` goes, over every sample."""
    runs = []
    for slug in slugs:
        replay = Replay(load_interactions(slug))
        runs.append((summarizer(replay), replay, report_text(slug)))
    for library, replay, text in runs:
        replay.rewind()
        library.summarize(text)
    profiler = cProfile.Profile()
    for _ in range(repeat):
        for library, replay, text in runs:
            replay.rewind()
            profiler.enable()
            library.summarize(text)
            profiler.disable()
    stats = pstats.Stats(profiler)
    raw = stats.stats  # type: ignore[attr-defined]  # pstats keeps its table here
    total = sum(entry[2] for entry in raw.values())
    by_package: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), entry in raw.items():
        package = _package(filename)
        if package not in ("builtins (C)", "standard library"):
            by_package[package] += entry[2]
            continue
        # Builtins and the standard library count for the package that called them.
        for caller, (_cc, _nc, own, _cumulative) in entry[4].items():
            calling = _package(caller[0])
            if calling in ("builtins (C)", "standard library"):
                calling = "standard library / builtins"
            by_package[calling] += own
    print(
        f"\nWhere the time goes: cProfile, {repeat} × {len(runs)} reports; own time, with "
        "builtins and standard library calls counted for the package that made them\n"
    )
    print(
        table(
            ["package", "share of own time"],
            [
                [name, f"{seconds / total:.0%}"]
                for name, seconds in sorted(by_package.items(), key=lambda item: -item[1])
                if seconds / total >= 0.005
            ],
        )
    )
    calls = repeat * len(runs)
    whole = sum(
        entry[3]
        for (filename, _line, name), entry in raw.items()
        if filename.endswith("rulelaw_llm/summarizer.py") and name == "summarize"
    )
    named = []
    for label, path, function in NAMED_COSTS:
        cumulative = sum(
            entry[3]
            for (filename, _line, name), entry in raw.items()
            if filename.endswith(path) and name == function
        )
        named.append([label, f"`{path}:{function}`", f"{cumulative / whole:.0%}"])
    print("\nNamed costs: cumulative time as a share of `summarize` (cProfile; they overlap)\n")
    print(table(["cost", "function", "share of summarize"], named))
    rows = sorted(raw.items(), key=lambda item: -item[1][3])
    print(f"\nTop {top} functions by cumulative time (ms per report)\n")
    shown = []
    for (filename, line, name), entry in rows:
        package = _package(filename)
        if package in ("builtins (C)", "standard library") or name.startswith("<"):
            continue
        short = filename.split(f"/{package}/", 1)[-1] if "/" in filename else filename
        shown.append(
            [f"`{package}/{short}:{line} {name}`", f"{entry[3] * 1000 / calls:.2f}", entry[1]]
        )
        if len(shown) == top:
            break
    print(table(["function", "cumulative ms / report", "calls (all runs)"], shown))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile-repeat", type=int, default=5)
    parser.add_argument("--profile-top", type=int, default=15)
    parser.add_argument("--samples", default=",".join(SAMPLES))
    args = parser.parse_args(argv)
    slugs = args.samples.split(",")
    missing = missing_cassettes(slugs)
    if missing:
        raise SystemExit(f"no cassette for {', '.join(missing)}: record them first")

    rows = []
    results = {slug: measure(slug, args.repeat) for slug in slugs}
    for slug, r in results.items():
        rest = r["full"] - r["prepass"] - (r["sdk"] - r["replay"]) - r["replay"]
        rows.append(
            [
                slug,
                f"{r['chars']:,.0f}",
                f"{r['requests']:.0f}",
                f"**{r['full']:.1f}**",
                f"{r['full'] / r['chars'] * 1000:.1f}",
                f"{r['prepass']:.1f}",
                f"{r['sdk'] - r['replay']:.1f}",
                f"{r['replay']:.1f}",
                f"{rest:.1f}",
                f"{(r['full'] - r['replay']) / r['requests']:.2f}",
            ]
        )
    per_kchar = statistics.median(r["full"] / r["chars"] * 1000 for r in results.values())
    library_only = statistics.median(
        (r["full"] - r["replay"]) / r["chars"] * 1000 for r in results.values()
    )
    print(f"library overhead per report · median of {args.repeat} · {machine_line()}\n")
    print(
        table(
            [
                "report",
                "chars",
                "requests",
                "summarize ms",
                "ms / 1,000 chars",
                "pre-pass ms",
                "openai SDK ms",
                "fake transport ms",
                "instructor + rulelaw ms",
                "ms / request (less transport)",
            ],
            rows,
        )
    )
    expected = library_only * TARGET_CHARS / 1000
    verdict = "met" if expected < TARGET_MS else "NOT met"
    print(
        f"\nMedian {per_kchar:.1f} ms per 1,000 characters ({library_only:.1f} without the fake "
        f"transport) → about {expected:.0f} ms for a {TARGET_CHARS:,}-character report: the "
        f"{TARGET_MS:.0f} ms target is {verdict} ({expected / TARGET_MS:.1f}× the target)."
    )
    profile(slugs, args.profile_repeat, args.profile_top)


if __name__ == "__main__":
    main()
