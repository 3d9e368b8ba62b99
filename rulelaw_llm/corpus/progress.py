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
from rulelaw_llm.llm.cache import ResultCache
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
    stats: BatchStats, output: str | os.PathLike[str], *, width: int | None, verbose: bool = False
) -> list[str]:
    """What a finished batch says: counts, failures, grouped warnings, where the results are.

    ``width`` is the terminal's (a table) or ``None`` for a file or a pipe (one plain line).
    """
    if width is None:
        pairs = "，".join(
            f"{name} {value}" for name, value in zip(_COLUMNS, _values(stats), strict=True)
        )
        lines = [f"批量处理结果：{pairs}"]
    else:
        from rich.table import Table

        table = Table(title="批量处理结果", show_header=True)
        for column in _COLUMNS:
            table.add_column(column, justify="right", no_wrap=True)
        table.add_row(*_values(stats))
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
    console: Console | None = None,
    verbose: bool = False,
    stream: IO[str] | None = None,
) -> BatchStats:
    """Run a batch with progress on ``stream`` (stderr by default); returns the final counts.

    ``console`` (a rich ``Console``) is still accepted: its file is the stream.
    """
    if stream is None:
        stream = console.file if console is not None else None
    steps = StepProgress(stream=stream)
    runner = BatchRunner(
        output,
        summarizer=summarizer,
        concurrency=concurrency,
        cache=cache,
        retry_failed=retry_failed,
        split=split,
        strict=strict,
    )

    def update(record: BatchRecord, stats: BatchStats) -> None:
        steps(_STEP, stats.finished, stats.total - stats.skipped, _line(stats))

    async def main() -> None:
        undo = install_interrupt(runner)
        try:
            runner.on_record = update
            async for _ in runner.run(inputs):
                pass
        finally:
            undo()

    with steps:
        steps(_STEP, 0, None)
        asyncio.run(main())
        stats = runner.stats
        steps(_STEP, stats.finished, stats.total - stats.skipped, _line(stats))
    width = terminal_width(steps.stream) if is_terminal(steps.stream) else None
    for line in summary_lines(stats, output, width=width, verbose=verbose):
        steps.print(line)
    steps.finish(f"结果已写入 {output}")
    return stats
