"""What each plan asks: first-ask requests and prompt tokens per report, without a model.

Usage: python bench/plans.py

Runs ``Summarizer`` on the five samples against the FAKE model of tests/fakes.py (answers
made up by rule from each request) under two plans, and counts only the first asks (the
plan itself; re-asks depend on the model's answers, so they are measured on the real
model's cassettes in tokens.py, not here):

- the default plan of local servers (``llama-cpp-python`` preset: ``scope="unsure"``, at
  most 8 targets per request, mode ``json_grammar``: the schema goes to the grammar);
- the coarser plan of the hosted presets (``deepseek`` preset: ``scope="all"``, a whole
  part per request, mode ``json``: instructor writes the schema into the system prompt).

Prompt tokens are counted with the local Qwen2.5 tokenizer and chat template
(bench/qwen_tokens.py in the local model's venv); a hosted model's own tokenizer gives
somewhat different counts. Completion tokens need a real model and are not estimated.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx2
import openai
from common import ROOT, SAMPLES, machine_line, report_text, table
from tokens import LLAMA_PYTHON, LOCAL_LLM, Tokenizer

sys.path.insert(0, str(ROOT))

from rulelaw_llm import Summarizer
from tests.fakes import FakeModel

PLANS = [
    ("local default (unsure, 8 per request, json_grammar)", "llama-cpp-python", {}),
    ("hosted preset (all, one request per part, json)", "deepseek", {}),
]


def first_asks(provider: str, options: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The request bodies of the plan's first asks for one report."""
    fake = FakeModel()
    client = openai.OpenAI(
        base_url="http://fake.test/v1",
        api_key="fake",
        http_client=httpx2.Client(transport=fake.transport()),
    )
    Summarizer(provider=provider, model="fake-model", client=client, **options).summarize(text)
    return [
        body
        for body in fake.requests
        if "上一次的回答" not in next(m["content"] for m in body["messages"] if m["role"] == "user")
    ]


def main() -> None:
    gguf = subprocess.run(
        [str(LOCAL_LLM), "path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    tokenizer = Tokenizer(LLAMA_PYTHON, gguf)
    rows = []
    totals: dict[str, list[int]] = {}
    for label, provider, options in PLANS:
        for slug in SAMPLES:
            bodies = first_asks(provider, options, report_text(slug))
            tokens = sum(tokenizer.prompt(body) for body in bodies)
            rows.append([slug, label, len(bodies), f"{tokens:,}"])
            totals.setdefault(label, [0, 0])
            totals[label][0] += len(bodies)
            totals[label][1] += tokens
    tokenizer.close()
    print(f"what each plan asks · {machine_line()}\n")
    print(table(["report", "plan", "first-ask requests", "prompt tokens (first asks)"], rows))
    print()
    print(
        table(
            ["plan", "requests per report", "prompt tokens per report"],
            [
                [label, f"{count / len(SAMPLES):.1f}", f"{tokens / len(SAMPLES):,.0f}"]
                for label, (count, tokens) in totals.items()
            ],
        )
    )


if __name__ == "__main__":
    main()
