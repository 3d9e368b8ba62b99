"""Re-asks across the reports of one summarizer: ``reask_stop`` (default 3) against never stopping.

Usage: python bench/reask_stop.py [--rounds 2]

The five samples' cassettes (cassettes/test_llm_samples/, a real local model's answers) are
replayed through ONE ``Summarizer``, report after report, as a batch on the local model sends
them; ``--rounds 2`` runs the five twice (a batch of ten). With ``reask_stop=0`` every report
re-asks as in its cassette; with the default, the summarizer stops re-asking once three
re-asks in a row got nothing new accepted. Tokens are the server's ``usage`` recorded for each
request that was sent. The results of both runs are compared: names, categories, causes and
digests must be the same (on this model the re-asks recovered nothing).
"""

from __future__ import annotations

import argparse

from common import (
    LOCAL_BASE_URL,
    LOCAL_MODEL,
    REPORTS,
    SAMPLES,
    Replay,
    load_interactions,
    machine_line,
    table,
)
from overhead import replay_client

from rulelaw_llm import ReportSummary, Summarizer


def run(reask_stop: int, rounds: int) -> list[tuple[str, ReportSummary]]:
    replay = Replay(
        [interaction for slug in SAMPLES for interaction in load_interactions(slug)], cycle=True
    )
    summarizer = Summarizer(
        provider="llama-cpp-python",
        base_url=LOCAL_BASE_URL,
        model=LOCAL_MODEL,
        api_key="local",
        client=replay_client(replay),
        reask_stop=reask_stop,
    )
    return [
        (slug, summarizer.summarize(REPORTS / f"{slug}.txt"))
        for _ in range(rounds)
        for slug in SAMPLES
    ]


def judged(summary: ReportSummary) -> object:
    """What the model's answers decide in a result."""
    return (
        [(i.name, i.origin) for i in summary.indicators],
        [(i.summary, i.category) for i in (*summary.achievements, *summary.plans)],
        [(p.summary, p.category, p.cause) for p in summary.problems],
        summary.digest,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    runs = {stop: run(stop, args.rounds) for stop in (0, 3)}
    rows = []
    for stop, results in runs.items():
        usages = [summary.provenance.usage for _, summary in results]
        rows.append(
            [
                "never stop (reask_stop=0)" if stop == 0 else f"reask_stop={stop} (default)",
                len(results),
                sum(u.requests for u in usages),
                sum(u.reasks for u in usages),
                sum(u.reasks_skipped for u in usages),
                f"{sum(u.prompt_tokens for u in usages):,}",
                f"{sum(u.completion_tokens for u in usages):,}",
                f"{sum(u.prompt_tokens + u.completion_tokens for u in usages):,}",
            ]
        )
    same = sum(judged(a) == judged(b) for (_, a), (_, b) in zip(runs[0], runs[3], strict=True))
    print(f"re-asks across one summarizer · {args.rounds} × five samples · {machine_line()}\n")
    print(
        table(
            [
                "summarizer",
                "reports",
                "requests",
                "re-asks sent",
                "re-asks skipped",
                "prompt tokens",
                "completion tokens",
                "total tokens",
            ],
            rows,
        )
    )
    print(f"\nResults with the same names, categories, causes and digest: {same}/{len(runs[0])}")


if __name__ == "__main__":
    main()
