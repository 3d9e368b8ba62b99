"""The batch command's view: progress while it runs, then what it did, in a few lines.

On a terminal: a live bar (``rulelaw_llm.console.StepProgress``), then a table of the counts
at the terminal's width. Written to a file or a pipe: a plain progress line every
``console.PLAIN_INTERVAL`` seconds, then the counts on one line — nothing is cut or folded.
Then the failures (the first ``ERRORS_SHOWN``), the warnings grouped by kind (each with
``verbose``) and the one line saying where the results were written.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from rulelaw_llm.console import StepProgress, is_terminal, render, terminal_width
from rulelaw_llm.corpus.batch import BatchRunner, BatchStats, install_interrupt
from rulelaw_llm.corpus.batch_api import BatchApiOptions, BatchProgress
from rulelaw_llm.llm.cache import ResultCache
from rulelaw_llm.reading.limits import InputLimits
from rulelaw_llm.results import BatchRecord

if TYPE_CHECKING:
    from rich.console import Console

    from rulelaw_llm.llm.summarizer import AsyncSummarizer

__all__ = ["ERRORS_SHOWN", "run_batch_with_progress", "summary_lines"]

#: Failures listed one by one after a batch; the rest are counted.
ERRORS_SHOWN = 20
_STEP = "处理报告"


def _line(stats: BatchStats) -> str:
    cost = f"，费用 {stats.cost:.4f}" if stats.cost else ""
    return (
        f"完成 {stats.done}（缓存 {stats.cached}）失败 {stats.failed} "
        f"token {stats.prompt_tokens + stats.completion_tokens:,}{cost}"
    )


_COLUMNS = (
    "输入",
    "已跳过（之前完成）",
    "完成",
    "其中缓存",
    "失败",
    "内容重复",
    "提示 token",
    "生成 token",
)


_BATCH_COLUMNS = ("批量任务", "批量请求")


def _values(stats: BatchStats) -> list[str]:
    return [
        f"{stats.total:,}",
        f"{stats.skipped:,}",
        f"{stats.done:,}",
        f"{stats.cached:,}",
        f"{stats.failed:,}",
        f"{stats.duplicates:,}",
        f"{stats.prompt_tokens:,}",
        f"{stats.completion_tokens:,}",
    ]


def summary_lines(
    stats: BatchStats,
    output: str | os.PathLike[str],
    *,
    width: int | None,
    verbose: bool = False,
    batch_api: bool = False,
) -> list[str]:
    """What a finished batch says: counts, failures, grouped warnings, where the results are.

    ``width`` is the terminal's (a table) or ``None`` for a file or a pipe (one plain line).
    ``batch_api`` adds the batch jobs and requests.
    """
    columns = (*_COLUMNS, *(_BATCH_COLUMNS if batch_api else ()))
    values = _values(stats)
    if batch_api:
        values += [f"{stats.jobs:,}", f"{stats.batch_requests:,}"]
    if width is None:
        pairs = "，".join(f"{name} {value}" for name, value in zip(columns, values, strict=True))
        lines = [f"批量处理结果：{pairs}"]
    else:
        from rich.table import Table

        table = Table(title="批量处理结果", show_header=True)
        for column in columns:
            table.add_column(column, justify="right", no_wrap=True)
        table.add_row(*values)
        lines = render(table, width=width).rstrip("\n").splitlines()
    shown = stats.errors if verbose else stats.errors[:ERRORS_SHOWN]
    lines += [f"失败：{error}" for error in shown]
    if len(stats.errors) > len(shown):
        lines.append(
            f"……另有 {len(stats.errors) - len(shown)} 个失败，见结果文件中的 error 记录"
            "（--verbose 逐条列出）。"
        )
    lines += [f"警告：{line}" for line in stats.warning_lines(verbose=verbose)]
    return lines


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
    verbose: bool = False,
    stream: IO[str] | None = None,
) -> BatchStats:
    """Run a batch with progress on ``stream`` (stderr by default); returns the final counts.

    ``console`` (a rich ``Console``) is still accepted: its file is the stream. With
    ``batch_api`` the progress line also says where the batch jobs stand (round, jobs,
    requests, time left).
    """
    if stream is None:
        stream = console.file if console is not None else None
    steps = StepProgress(stream=stream)
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

    jobs: list[str] = []

    def update(record: BatchRecord, stats: BatchStats) -> None:
        detail = " · ".join([_line(stats), *jobs])
        steps(_STEP, stats.finished, stats.total - stats.skipped, detail)

    if options is not None:

        def jobs_update(state: BatchProgress) -> None:
            jobs[:] = [_jobs_line(state)]
            stats = runner.stats
            steps(
                _STEP,
                stats.finished,
                stats.total - stats.skipped,
                " · ".join([_line(stats), *jobs]),
            )

        options.on_progress = jobs_update

    async def main() -> None:
        undo = install_interrupt(runner)
        try:
            # Before any progress: a wait for another writer (or --no-wait) is said alone.
            await runner.lock_output()
        except BaseException:
            undo()
            raise
        with steps:
            steps(_STEP, 0, None)
            try:
                runner.on_record = update
                async for _ in runner.run(inputs):
                    pass
            finally:
                undo()
            stats = runner.stats
            steps(_STEP, stats.finished, stats.total - stats.skipped, _line(stats))

    asyncio.run(main())
    stats = runner.stats
    width = terminal_width(steps.stream) if is_terminal(steps.stream) else None
    for line in summary_lines(stats, output, width=width, verbose=verbose, batch_api=batch_api):
        steps.print(line)
    steps.finish(f"结果已写入 {output}")
    return stats
