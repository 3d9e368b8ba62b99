"""Tokens of the five samples with the digest asked sentence by sentence (prompts/digest.v3).

Usage (the tokenizer helper runs in the local model's venv, as bench/tokens.py does):

    python bench/digest_tokens.py

Every request but the digest is answered from the recorded cassettes (their bodies have not
changed) with the usage the server recorded. The digest request is new, so it cannot be in
a cassette: it is built by the library as it would be sent, its prompt is counted with the
local model's own Qwen tokenizer and chat template (bench/qwen_tokens.py, exactly as the
llama-cpp-python server counts), and it is answered by a stand-in writer
(tests/standins.DigestWriter): ``copy`` (the listed items in the template's frame, about
the length a model writes) for the first asks, and ``foreign_number`` for a run in which one
sentence per report is wrong and re-asked once (the re-ask sends that sentence alone). The
answer's tokens are counted with the same tokenizer. The recorded digest requests (the old
prompt) are shown beside them. A request other than the digest that another change has
altered since the recording is counted the same way and answered by the rule-made fake of
tests/fakes.py; the table says how many there were.

These are estimates of what the local model will be sent; its own answers, and so its
re-asks, are measured only when the lead re-records the cassettes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx2
import openai
from common import (
    LOCAL_BASE_URL,
    LOCAL_MODEL,
    SAMPLES,
    Replay,
    load_interactions,
    machine_line,
    missing_cassettes,
    table,
)
from tokens import LLAMA_PYTHON, Tokenizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rulelaw_llm import Summarizer, load_report  # noqa: E402
from tests.fakes import completion, fake_answer  # noqa: E402
from tests.standins import DigestMode, DigestWriter  # noqa: E402

GGUF = (
    Path.home()
    / ".cache"
    / "rulelaw-local-llm"
    / "models"
    / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
)


def _is_digest(body: dict[str, Any]) -> bool:
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return "写一段中文摘要" in str(user)


def run(slug: str, writer_mode: DigestMode, tokenizer: Tokenizer) -> dict[str, int]:
    """One sample through the summarizer; the digest's tokens counted, the rest recorded."""
    recorded = [i for i in load_interactions(slug) if not _is_digest(i.request)]
    replay = Replay(recorded)
    report = load_report(ROOT / "examples" / "reports" / f"{slug}.txt")
    writer = DigestWriter(writer_mode, report_text=report.text)
    counts = {"digest prompt": 0, "digest completion": 0, "digest requests": 0, "unrecorded": 0}

    def handle(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.read())
        if not _is_digest(body):
            try:
                interaction = replay.answer(body)
            except LookupError:
                # Another change altered this request since the recording: counted, and
                # answered by the rule-made fake of tests/fakes.py.
                counts["unrecorded"] += 1
                answer = fake_answer(body)
                usage = (tokenizer.prompt(body), tokenizer.count({"text": json.dumps(answer)}))
                return completion(body, answer, usage=usage)
            return httpx2.Response(
                interaction.status,
                headers={"content-type": interaction.content_type},
                content=interaction.body.encode("utf-8"),
            )
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        keys = tuple(body["response_format"]["schema"]["properties"])
        reask = "上一次的回答中" in user
        answer = writer(SimpleNamespace(user=user, keys=keys, reask=reask))  # type: ignore[arg-type]
        prompt = tokenizer.prompt(body)
        output = tokenizer.count({"text": json.dumps(answer, ensure_ascii=False)})
        counts["digest prompt"] += prompt
        counts["digest completion"] += output
        counts["digest requests"] += 1
        return completion(body, answer, usage=(prompt, output))

    client = openai.OpenAI(
        base_url=LOCAL_BASE_URL,
        api_key="local",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handle)),
    )
    summarizer = Summarizer(
        provider="llama-cpp-python",
        base_url=LOCAL_BASE_URL,
        model=LOCAL_MODEL,
        api_key="local",
        client=client,
    )
    summary = summarizer.summarize(report)
    usage = summary.provenance.usage
    counts["all tokens"] = usage.prompt_tokens + usage.completion_tokens
    counts["requests"] = usage.requests
    return counts


def _unrecorded(counts: dict[str, int]) -> str:
    number = counts["unrecorded"]
    return f" ({number} other requests not in the cassette)" if number else ""


def recorded_digest(slug: str) -> tuple[int, int]:
    """Prompt and completion tokens of the recorded digest requests (the old prompt)."""
    prompt = completion_tokens = 0
    for interaction in load_interactions(slug):
        if _is_digest(interaction.request):
            usage = interaction.response.get("usage", {})
            prompt += usage.get("prompt_tokens", 0)
            completion_tokens += usage.get("completion_tokens", 0)
    return prompt, completion_tokens


def main() -> int:
    missing = missing_cassettes()
    if missing:
        print(f"cassettes not recorded: {', '.join(missing)}", file=sys.stderr)
        return 1
    if not LLAMA_PYTHON.exists() or not GGUF.exists():
        print(f"needs the local model's venv ({LLAMA_PYTHON}) and {GGUF}", file=sys.stderr)
        return 1
    tokenizer = Tokenizer(LLAMA_PYTHON, str(GGUF))
    rows = []
    totals = dict.fromkeys(
        ("old", "old digest", "first", "first digest", "reask", "reask digest"), 0
    )
    try:
        for slug in SAMPLES:
            old_prompt, old_completion = recorded_digest(slug)
            old_all = sum(
                i.response.get("usage", {}).get("prompt_tokens", 0)
                + i.response.get("usage", {}).get("completion_tokens", 0)
                for i in load_interactions(slug)
            )
            first = run(slug, "copy", tokenizer)
            again = run(slug, "foreign_number", tokenizer)
            rows.append(
                [
                    slug,
                    f"{old_prompt} + {old_completion}",
                    f"{first['digest prompt']} + {first['digest completion']}",
                    f"{again['digest prompt']} + {again['digest completion']} "
                    f"({again['digest requests']} requests)",
                    f"{old_all:,}",
                    f"{first['all tokens']:,}" + _unrecorded(first),
                    f"{again['all tokens']:,}" + _unrecorded(again),
                ]
            )
            totals["old"] += old_all
            totals["old digest"] += old_prompt + old_completion
            totals["first"] += first["all tokens"]
            totals["first digest"] += first["digest prompt"] + first["digest completion"]
            totals["reask"] += again["all tokens"]
            totals["reask digest"] += again["digest prompt"] + again["digest completion"]
    finally:
        tokenizer.close()
    rows.append(
        [
            "**total**",
            f"{totals['old digest']:,}",
            f"{totals['first digest']:,}",
            f"{totals['reask digest']:,}",
            f"**{totals['old']:,}**",
            f"**{totals['first']:,}**",
            f"**{totals['reask']:,}**",
        ]
    )
    print(f"## Digest tokens, five samples ({machine_line()})\n")
    print(
        table(
            [
                "sample",
                "digest, recorded (old prompt): prompt + completion",
                "digest v3, first ask: prompt + completion",
                "digest v3, one sentence re-asked",
                "all requests, recorded",
                "all, digest v3",
                "all, digest v3 with one re-ask",
            ],
            rows,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
