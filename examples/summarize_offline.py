"""Summarize every sample report with the rules backend and print a small table.

Run: python examples/summarize_offline.py
"""

from __future__ import annotations

from pathlib import Path

from rulelaw_llm import summarize_offline

REPORTS = Path(__file__).resolve().parent / "reports"


def main() -> None:
    print(f"{'单位':<8}{'年度':>6}{'成效':>6}{'指标':>6}{'问题':>6}{'计划':>6}")
    for path in sorted(REPORTS.glob("*.txt")):
        summary = summarize_offline(path)
        print(
            f"{summary.entity or '?':<8}{summary.year or 0:>6}{len(summary.achievements):>6}"
            f"{len(summary.indicators):>6}{len(summary.problems):>6}{len(summary.plans):>6}"
        )
        for indicator in summary.indicators[:2]:
            quote = indicator.evidence
            print(
                f"    {indicator.name}: {indicator.value:g}{indicator.unit}"
                f"  〔{quote.start}–{quote.end}〕{quote.quote}"
            )


if __name__ == "__main__":
    main()
