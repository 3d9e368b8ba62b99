"""Tokens per report: rulelaw_llm against plain instructor and LangExtract, on the same text.

Usage (LangExtract lives in its own venv, see BENCHMARKS.md):

    ~/.cache/rulelaw-bench-venv/bin/python bench/tokens.py

Counted with the local model's own Qwen tokenizer and chat template (bench/qwen_tokens.py,
run in the venv of ../shared/tools/local-llm; only the vocabulary is loaded), exactly as the
llama-cpp-python server counts prompt tokens — checked below against the ``usage`` the
server reported for every recorded request.

- rulelaw_llm: the requests and ``usage`` of its live run in bench/quality.py
  (bench/recordings/quality/rulelaw_llm/, the same run as the peers') where that run kept
  its exchanges, else those recorded in cassettes/test_llm_samples/ (every request of a
  report, re-asks included).
- plain instructor and LangExtract (set up as in bench/quality.py): the requests each would
  send for the same text, captured without a model and counted; completion tokens exist
  only where bench/quality.py ran that peer live (bench/recordings/quality/), and there the
  prompt count is checked against the server's ``usage`` as well.

``report tokens`` is the cleaned report text counted alone; ``overhead`` is everything else
in the prompts (instructions, schemas, few-shot examples, chat template, re-sent context):
prompt tokens − report tokens. rulelaw_llm sends the report in pieces (sentences with
numbers, item openings), so part of its report text is sent more than once or not at all.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx2
from common import (
    ROOT,
    SAMPLES,
    Interaction,
    Replay,
    load_interactions,
    machine_line,
    missing_cassettes,
    table,
)
from overhead import summarizer as replay_summarizer
from quality import load_recorded, run_instructor, run_langextract

from rulelaw_llm import ReportSummary, load_report
from rulelaw_llm.schema import Attempt

LOCAL_LLM = ROOT.parent / "shared" / "tools" / "local-llm"
LLAMA_PYTHON = Path.home() / ".cache" / "rulelaw-local-llm" / "venv" / "bin" / "python"


class Tokenizer:
    """bench/qwen_tokens.py in the local model's venv, fed one JSON line at a time."""

    def __init__(self, python: Path, gguf: str) -> None:
        self.process = subprocess.Popen(
            [str(python), str(Path(__file__).with_name("qwen_tokens.py")), gguf],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def count(self, item: dict[str, Any]) -> int:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(item, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("the tokenizer helper stopped; see its error above")
        return int(json.loads(line)["tokens"])

    def prompt(self, body: dict[str, Any]) -> int:
        keys = ("messages", "tools", "tool_choice")
        return self.count({key: body[key] for key in keys if key in body})

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def _canned(request: httpx2.Request) -> httpx2.Response:
    """A valid, empty answer, so that a peer sends all its requests without a model."""
    body = json.loads(request.content)
    if body.get("tools"):
        arguments = {
            "entity": "",
            "year": 2024,
            "achievements": [],
            "indicators": [],
            "problems": [],
            "plans": [],
            "digest": "",
        }
        message: dict[str, Any] = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call",
                    "type": "function",
                    "function": {
                        "name": body["tools"][0]["function"]["name"],
                        "arguments": json.dumps(arguments),
                    },
                }
            ],
        }
    else:
        message = {"role": "assistant", "content": '{"extractions": []}'}
    return httpx2.Response(
        200,
        json={
            "id": "capture",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        },
    )


def captured_requests(system: str, text: str) -> list[dict[str, Any]]:
    runner = run_instructor if system == "instructor" else run_langextract
    outcome = runner(text, "http://127.0.0.1:9/v1", "qwen2.5-1.5b", httpx2.MockTransport(_canned))
    if outcome["error"]:
        raise SystemExit(f"capturing {system} failed: {outcome['error']}")
    return [exchange["request"] for exchange in outcome["exchanges"]]


def rulelaw_interactions(slug: str) -> list[Interaction]:
    """rulelaw_llm's requests on one sample: from the live run of bench/quality.py when there
    is one (the same run as the peers'), else from the sample's cassette."""
    recorded = load_recorded("rulelaw_llm", slug)
    if recorded is None or not recorded["exchanges"]:
        return load_interactions(slug)
    return [
        Interaction(
            request=exchange["request"],
            status=exchange["status"],
            content_type="application/json",
            body=json.dumps(exchange["response"], ensure_ascii=False),
        )
        for exchange in recorded["exchanges"]
    ]


def ledgers() -> dict[str, list[Attempt]]:
    """rulelaw_llm's request ledger per sample, from the same source as its requests
    (``rulelaw_interactions``): the live run's summaries, else the replayed cassettes."""
    found = {}
    for slug in SAMPLES:
        recorded = load_recorded("rulelaw_llm", slug)
        if recorded is not None and recorded["exchanges"] and not recorded["error"]:
            summary = ReportSummary.model_validate(recorded["result"])
        else:
            replay = Replay(load_interactions(slug))
            path = ROOT / "examples" / "reports" / f"{slug}.txt"
            summary = replay_summarizer(replay).summarize(path)
        found[slug] = summary.provenance.usage.attempts
    return found


def first_asks_and_reasks(attempts: dict[str, list[Attempt]]) -> dict[str, list[int]]:
    """Count, prompt and completion tokens of first asks and of re-asks (a later attempt of
    the same step)."""
    asks: dict[str, list[int]] = {}
    for slug, ledger in attempts.items():
        seen: set[tuple[str, str]] = set()
        for attempt in ledger:
            kind = "re-asks" if (slug, attempt.step) in seen else "first asks"
            seen.add((slug, attempt.step))
            split = asks.setdefault(kind, [0, 0, 0])
            split[0] += 1
            split[1] += attempt.prompt_tokens
            split[2] += attempt.completion_tokens
    return asks


def reask_outcomes(attempts: dict[str, list[Attempt]]) -> str:
    """How rulelaw_llm's re-asked requests ended, from the ledgers."""
    steps: dict[tuple[str, str], list[str]] = defaultdict(list)
    for slug, ledger in attempts.items():
        for attempt in ledger:
            steps[(slug, attempt.step)].append(attempt.outcome)
    asked = [outcomes for outcomes in steps.values() if len(outcomes) > 1]
    recovered = sum(outcomes[-1] == "ok" for outcomes in asked)
    return (
        f"{len(steps)} requests, {len(asked)} of them re-asked; {recovered} of those ended with "
        f"a valid answer, {len(asked) - recovered} did not (re-asks stopped or used up)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llama-python", type=Path, default=LLAMA_PYTHON)
    parser.add_argument("--gguf", default=None, help="default: `../shared/tools/local-llm path`")
    args = parser.parse_args(argv)
    missing = missing_cassettes()
    if missing:
        raise SystemExit(f"no cassette for {', '.join(missing)}: record them first")
    gguf = (
        args.gguf
        or subprocess.run(
            [str(LOCAL_LLM), "path"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    tokenizer = Tokenizer(args.llama_python, gguf)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    rows = []
    checks = {"rulelaw_llm": [0, 0], "instructor": [0, 0], "langextract": [0, 0]}
    totals: dict[str, dict[str, int]] = {}
    per_sample: dict[str, dict[str, dict[str, Any]]] = {}
    attempts = ledgers()
    asks = first_asks_and_reasks(attempts)
    for slug in SAMPLES:
        text = load_report(ROOT / "examples" / "reports" / f"{slug}.txt").text
        report_tokens = tokenizer.count({"text": text})
        per_sample[slug] = {}

        interactions = rulelaw_interactions(slug)
        prompt = completion = 0
        for interaction in interactions:
            usage = interaction.response.get("usage") or {}
            prompt += usage.get("prompt_tokens", 0)
            completion += usage.get("completion_tokens", 0)
            checks["rulelaw_llm"][0] += tokenizer.prompt(interaction.request) == usage.get(
                "prompt_tokens"
            )
            checks["rulelaw_llm"][1] += 1
        per_sample[slug]["rulelaw_llm"] = {
            "requests": len(interactions),
            "prompt": prompt,
            "completion": completion,
        }

        for system in ("instructor", "langextract"):
            requests = captured_requests(system, text)
            counted = sum(tokenizer.prompt(body) for body in requests)
            entry: dict[str, Any] = {"requests": len(requests), "prompt": counted}
            recorded = load_recorded(system, slug)
            if recorded is not None:
                usages = [
                    (exchange["request"], exchange["response"].get("usage") or {})
                    for exchange in recorded["exchanges"]
                    if isinstance(exchange["response"], dict)
                ]
                entry["completion"] = sum(u.get("completion_tokens", 0) for _r, u in usages)
                entry["served_prompt"] = sum(u.get("prompt_tokens", 0) for _r, u in usages)
                entry["served_requests"] = len(usages)
                for body, usage in usages:
                    checks[system][0] += tokenizer.prompt(body) == usage.get("prompt_tokens")
                    checks[system][1] += 1
            per_sample[slug][system] = entry

        for system, entry in per_sample[slug].items():
            overhead = entry["prompt"] - report_tokens
            total = totals.setdefault(
                system, {"prompt": 0, "report": 0, "completion": 0, "completion_reports": 0}
            )
            total["prompt"] += entry["prompt"]
            total["report"] += report_tokens
            if "completion" in entry:
                total["completion"] += entry["completion"]
                total["completion_reports"] += 1
            rows.append(
                [
                    slug,
                    system,
                    entry["requests"],
                    f"{report_tokens:,}",
                    f"{entry['prompt']:,}",
                    f"{overhead:,}",
                    f"{entry['prompt'] / report_tokens:.2f}",
                    f"{entry['completion']:,}" if "completion" in entry else "–",
                ]
            )
    tokenizer.close()

    print(f"tokens per report · Qwen2.5 tokenizer of the local model · {machine_line()}\n")
    print(
        table(
            [
                "report",
                "system",
                "requests",
                "report tokens",
                "prompt tokens",
                "overhead = prompt − report",
                "prompt ÷ report",
                "completion tokens",
            ],
            rows,
        )
    )
    base = totals["rulelaw_llm"]
    summary = []
    for system, total in totals.items():
        completion = (
            f"{total['completion']:,} ({total['completion_reports']} reports)"
            if total["completion_reports"]
            else "–"
        )
        summary.append(
            [
                system,
                f"{total['prompt']:,}",
                f"{total['prompt'] - total['report']:,}",
                f"{total['prompt'] / total['report']:.2f}",
                f"{base['prompt'] / total['prompt']:.2f}",
                completion,
            ]
        )
    print("\nAll five reports\n")
    print(
        table(
            [
                "system",
                "prompt tokens",
                "overhead",
                "prompt ÷ report",
                "rulelaw_llm prompt ÷ this system's",
                "completion tokens (where run live)",
            ],
            summary,
        )
    )
    print("\nrulelaw_llm's requests on all five reports: first asks and re-asks\n")
    all_prompt = sum(split[1] for split in asks.values())
    print(
        table(
            ["requests", "count", "prompt tokens", "share of prompt tokens", "completion tokens"],
            [
                [kind, n, f"{p:,}", f"{p / all_prompt:.0%}", f"{c:,}"]
                for kind, (n, p, c) in sorted(asks.items())
            ],
        )
    )
    print(f"\nWhat the re-asks bought (the summaries' usage ledgers): {reask_outcomes(attempts)}")
    print("\nCompletion tokens on the reports each peer ran live (same reports for all)\n")
    live = [
        slug
        for slug in SAMPLES
        if all("completion" in per_sample[slug][s] for s in ("instructor", "langextract"))
    ]
    if live:
        sums = {
            system: sum(per_sample[slug][system]["completion"] for slug in live)
            for system in ("rulelaw_llm", "instructor", "langextract")
        }
        print(
            table(
                ["reports", "rulelaw_llm", "instructor", "langextract"],
                [[", ".join(live), *(f"{sums[s]:,}" for s in sums)]],
            )
        )
    else:
        print("(no report was run live by both peers)")
    print(
        "\nTokenizer check (counted here == prompt_tokens reported by the server): "
        + "; ".join(f"{system} {ok}/{n} requests" for system, (ok, n) in checks.items() if n),
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
