"""Load a results file into pandas and DuckDB and compare the reports.

Summarizes the sample reports into a results file (as ``rulelaw-llm batch`` does), then
ranks the townships by figures per report with pandas, asks DuckDB which reports admit
problems in the same category, and puts the same measures (indicator kinds) of every report
side by side. Needs the ``export`` extra (pandas, duckdb).
Run: python examples/compare_with_pandas.py
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import duckdb

from rulelaw_llm import to_frames
from rulelaw_llm.corpus.batch import BatchRunner

REPORTS = Path(__file__).resolve().parent / "reports"


async def summarize_folder(output: Path) -> None:
    runner = BatchRunner(output, summarizer=None)  # the rules; pass an AsyncSummarizer for an LLM
    async for _ in runner.run([REPORTS]):
        pass


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = Path(folder) / "results.jsonl"
        asyncio.run(summarize_folder(results))
        frames = to_frames(results)

    reports, indicators = frames["reports"], frames["indicators"]
    print("每份报告的数字指标（pandas）：")
    table = reports.set_index("entity")[["n_indicators", "n_problems", "n_plans"]]
    print(table.sort_values("n_indicators", ascending=False).to_string())

    problems = frames["problems"]  # DuckDB finds the DataFrame by its variable name
    print("\n各类问题出现在几份报告里（DuckDB 直接查询 DataFrame）：")
    rows = duckdb.sql(
        "SELECT category_label, count(DISTINCT report_id) AS reports FROM problems"
        " GROUP BY category_label ORDER BY reports DESC, category_label"
    ).fetchall()
    for label, count in rows:
        print(f"  {label}：{count} 份")
    print(f"\n指标合计 {len(indicators)} 个，问题 {len(problems)} 条。")

    # The same measure in every report: one row per report and kind (values in base units).
    kinds = frames["indicator_kinds"].merge(reports[["report_id", "entity"]], on="report_id")
    common = kinds["kind_label"].value_counts().index[:3]
    wide = kinds[kinds["kind_label"].isin(common)].pivot_table(
        index="entity", columns="kind_label", values="value", aggfunc="sum"
    )
    print("\n各报告都写到的统计（indicator_kinds 表，报告 × 种类）：")
    print(wide.to_string())


if __name__ == "__main__":
    main()
