"""Replay the recorded sample cassettes and print, per sample, what the LLM path produced.

Usage: python scripts/llm_stats.py [--jsonl RESULTS.jsonl]

With --jsonl, the replayed summaries are also written as a batch results file, so that
``rulelaw-llm eval RESULTS.jsonl --gold examples/gold`` and ``rulelaw-llm review`` can be
run on the local model's real answers.

Numbers come from replaying the real model's recorded answers (no network): indicators
against the hand-made gold in examples/gold/, names given by the model, rejected items,
re-asks, requests and tokens. Wall time is not in the cassettes: it is read from the
recording run (see the notes).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

# Re-ask bodies were recorded without pydantic's docs URL; keep them identical on replay.
os.environ["PYDANTIC_ERRORS_INCLUDE_URL"] = "0"

import vcr
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rulelaw_llm import ProviderError, Summarizer, load_report  # noqa: E402
from rulelaw_llm.corpus.batch import BatchRecord  # noqa: E402


class _Yaml:
    @staticmethod
    def serialize(data: dict) -> str:  # pragma: no cover - replay only
        return yaml.dump(data, allow_unicode=True)

    @staticmethod
    def deserialize(text: str) -> dict:
        return yaml.load(text, Loader=yaml.SafeLoader)


def main() -> None:
    jsonl = Path(sys.argv[sys.argv.index("--jsonl") + 1]) if "--jsonl" in sys.argv else None
    lines: list[str] = []
    recorder = vcr.VCR(
        record_mode="none", match_on=["method", "path", "body"], decode_compressed_response=True
    )
    recorder.register_serializer("yaml", _Yaml)
    print(
        "| 报告 | 金标准指标 | 找到（同位置） | 问了名称 | 模型命名 | 未命名 | 问的字段 | 拒绝 | 重问 | 无进展重问 | 摘要句（模型写的/共） | 请求 | 提示 token | 生成 token |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for gold_path in sorted((ROOT / "examples" / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        slug = gold_path.stem
        cassette = (
            ROOT
            / "cassettes"
            / "test_llm_samples"
            / f"test_llm_summary_of_a_sample_is_grounded[{slug}].yaml"
        )
        if not cassette.exists():
            print(f"| {slug} | 没有录制 |")
            continue
        report = load_report(ROOT / "examples" / "reports" / gold["report"])
        try:
            with recorder.use_cassette(str(cassette)):
                summary = Summarizer(
                    provider="llama-cpp-python",
                    base_url="http://127.0.0.1:8765/v1",
                    model="qwen2.5-1.5b",
                    api_key="local",
                    connect_retries=0,
                ).summarize(report)
        except ProviderError:
            # A request the cassette does not hold (vcr refuses it): the library now asks
            # something else than what was recorded.
            print(f"| {slug} | 录制与当前的请求不符：请重新录制（tests/test_llm_samples.py） |")
            continue
        report_path = ROOT / "examples" / "reports" / gold["report"]
        record = BatchRecord(
            record="result",
            input=str(report_path.relative_to(ROOT)),
            input_sha256=None,
            settings_key="cassette-replay",
            finished_at=summary.provenance.created_at.isoformat(),
            summary=summary,
        )
        lines.append(record.to_json())
        spans = set()
        for indicator in gold["indicators"]:
            start = report.text.index(indicator["raw"], report.text.index(indicator["context"]))
            spans.add((indicator["value"], indicator["unit"], start))
        found = sum(
            1
            for i in summary.indicators
            if any(
                v == i.value and u == i.unit and i.evidence.start <= s < i.evidence.end
                for v, u, s in spans
            )
        )
        usage = summary.provenance.usage
        coverage = summary.coverage
        print(
            f"| {gold['entity']} | {len(gold['indicators'])} | {found} | {coverage.asked if coverage else 0} | "
            f"{coverage.named_by_model if coverage else 0} | {coverage.unresolved if coverage else 0} | "
            f"{len(coverage.questions) if coverage else 0} | {len(summary.rejected)} | {usage.reasks} | "
            f"{usage.reasks_without_progress} | "
            f"{sum(c.origin == 'model' for c in summary.digest_claims)}/{len(summary.digest_claims)} | "
            f"{usage.requests} | "
            f"{usage.prompt_tokens:,} | {usage.completion_tokens:,} |"
        )
    if jsonl is not None:
        jsonl.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


if __name__ == "__main__":
    main()
