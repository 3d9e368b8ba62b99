"""The batch command's terminal view: a rich progress bar and a final summary table."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from rulelaw_llm.corpus.batch import BatchRunner, BatchStats, install_interrupt
from rulelaw_llm.corpus.batch_api import BatchApiOptions, BatchProgress
from rulelaw_llm.llm.cache import ResultCache
from rulelaw_llm.reading.limits import InputLimits
from rulelaw_llm.results import BatchRecord

if TYPE_CHECKING:
    from rulelaw_llm.llm.summarizer import AsyncSummarizer

__all__ = ["run_batch_with_progress"]


def _line(stats: BatchStats) -> str:
    cost = f"，费用 {stats.cost:.4f}" if stats.cost else ""
    return (
        f"完成 {stats.done}（缓存 {stats.cached}）失败 {stats.failed} "
        f"token {stats.prompt_tokens + stats.completion_tokens:,}{cost}"
    )


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "估算中"
    if seconds < 90:
        return f"约 {seconds:.0f} 秒"
    if seconds < 5400:
        return f"约 {seconds / 60:.0f} 分钟"
    return f"约 {seconds / 3600:.1f} 小时"


def _jobs_line(progress: BatchProgress) -> str:
    """One short line on where a batch-API run stands: round, jobs, requests, time left."""
    return (
        f"第 {progress.round} 轮 · 任务 {progress.jobs_done}/{progress.jobs} · "
        f"请求 {progress.requests_done:,}/{progress.requests:,} · "
        f"本轮还需 {_minutes(progress.remaining_seconds)}"
    )


def run_batch_with_progress(
    inputs: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    summarizer: AsyncSummarizer | None,
    concurrency: int,
    cache: ResultCache | None,
    retry_failed: bool,
    split: bool = False,
    strict: bool = False,
    wait: bool = True,
    limits: InputLimits | None = None,
    batch_api: bool = False,
    poll_seconds: float = 30.0,
    console: Console | None = None,
) -> BatchStats:
    """Run a batch with a progress bar on stderr; returns the final counts."""
    console = console or Console(stderr=True)
    options = BatchApiOptions(poll_seconds=poll_seconds) if batch_api else None
    runner = BatchRunner(
        output,
        summarizer=summarizer,
        concurrency=concurrency,
        cache=cache,
        retry_failed=retry_failed,
        split=split,
        strict=strict,
        wait=wait,
        limits=limits,
        batch_api=options or False,
    )

    async def main() -> None:
        undo = install_interrupt(runner)
        try:
            # Before the progress bar: a wait for another writer (or --no-wait) is said alone.
            await runner.lock_output()
        except BaseException:
            undo()
            raise
        columns = (
            TextColumn("[bold]处理报告"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[line]}"),
            TimeElapsedColumn(),
            TextColumn("剩余"),
            TimeRemainingColumn(),
        )
        try:
            with Progress(*columns, console=console, transient=False) as progress:
                task = progress.add_task("batch", total=None, line="")
                if options is not None:
                    jobs = progress.add_task("jobs", total=None, line="批量任务：准备中")

                    def jobs_update(state: BatchProgress) -> None:
                        progress.update(
                            jobs,
                            total=state.requests or None,
                            completed=state.requests_done,
                            line=_jobs_line(state),
                        )

                    options.on_progress = jobs_update

                def update(record: BatchRecord, stats: BatchStats) -> None:
                    todo = stats.total - stats.skipped
                    progress.update(task, total=todo, completed=stats.finished, line=_line(stats))

                runner.on_record = update
                async for _ in runner.run(inputs):
                    pass
                todo = runner.stats.total - runner.stats.skipped
                progress.update(
                    task,
                    total=todo,
                    completed=runner.stats.finished,
                    line=_line(runner.stats),
                )
        finally:
            undo()

    asyncio.run(main())
    stats = runner.stats
    table = Table(title="批量处理结果", show_header=True)
    for column in (
        "输入",
        "已跳过（之前完成）",
        "完成",
        "其中缓存",
        "失败",
        "内容重复",
        "提示 token",
        "生成 token",
        *(("批量任务", "批量请求") if batch_api else ()),
    ):
        table.add_column(column, justify="right")
    table.add_row(
        str(stats.total),
        str(stats.skipped),
        str(stats.done),
        str(stats.cached),
        str(stats.failed),
        str(stats.duplicates),
        f"{stats.prompt_tokens:,}",
        f"{stats.completion_tokens:,}",
        *((f"{stats.jobs}", f"{stats.batch_requests:,}") if batch_api else ()),
    )
    console.print(table)
    for error in stats.errors[:20]:
        console.print(f"[red]失败[/red] {error}", markup=True, highlight=False)
    if len(stats.errors) > 20:
        console.print(f"……另有 {len(stats.errors) - 20} 个失败，见结果文件中的 error 记录。")
    for warning in stats.warnings:
        console.print(
            f"[yellow]警告[/yellow] {warning}", markup=True, highlight=False, soft_wrap=True
        )
    console.print(f"结果已写入 {output}")
    return stats
