"""What the command line shows while it works: progress, grouped warnings, tables that fit.

* ``Progress`` is the callback the library's long steps accept (``audit``, ``write_review``,
  ``export_results``, ``evaluate``, ``read_results``): ``progress(step, done, total)``, where
  ``step`` is a short Chinese label ("审核", "读取原文"), ``done`` how many items are finished
  and ``total`` how many there are (``None`` when unknown). The library never prints.
* ``StepProgress`` is the command line's receiver of those calls. On a terminal it draws a
  live bar (rich) that disappears when the command ends; when stderr is a file or a pipe it
  prints a plain line — ``rulelaw-llm: 审核 340/1,000（34%），已用 4 秒`` — whenever
  ``interval`` seconds passed since the last line, from a background thread, so no step
  stays silent longer than that however coarse its calls are; fast commands print none.
  ``finish(message)`` ends with the one line that says what the command wrote.
* ``grouped_lines`` turns many warnings into one line per kind with a count and an example
  (every one of them with ``verbose``).
* ``render`` lays a rich table out for a terminal's width, or — for a file or a pipe — at
  its natural width, so that nothing is cut or folded.
"""

from __future__ import annotations

import io
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    # rich is imported where it draws: a module beneath everything stays cheap to import.
    from rich.console import RenderableType
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

__all__ = [
    "PLAIN_INTERVAL",
    "Kinded",
    "Progress",
    "StepProgress",
    "grouped_lines",
    "is_terminal",
    "render",
    "terminal_width",
]

#: A long step of the library reports ``(step, done, total)``; see the module docstring.
Progress = Callable[[str, int, int | None], None]

#: Seconds between two plain progress lines when the output is not a terminal.
PLAIN_INTERVAL = 1.0
#: How many warnings of one kind are printed one by one before they are counted instead.
SHOWN_PER_KIND = 1


def is_terminal(stream: IO[str] | None) -> bool:
    """Whether ``stream`` is an interactive terminal (not a file, a pipe or a test capture)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _count(number: int) -> str:
    return f"{number:,}"


class StepProgress:
    """The command line's view of the library's progress calls (see the module docstring).

    Use as a context manager around the work, pass the instance as ``progress=``, and call
    ``finish`` with what was written. ``terminal`` defaults to whether ``stream`` is one.
    """

    def __init__(
        self,
        *,
        stream: IO[str] | None = None,
        terminal: bool | None = None,
        interval: float = PLAIN_INTERVAL,
        prefix: str = "rulelaw-llm: ",
    ) -> None:
        self.stream: IO[str] = stream if stream is not None else sys.stderr
        self.terminal = is_terminal(self.stream) if terminal is None else terminal
        self.interval = interval
        self.prefix = prefix
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._step: str | None = None
        self._done = 0
        self._total: int | None = None
        self._step_started = self.started
        self._last_line = self.started
        self._printed: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> StepProgress:
        if self.terminal:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as RichProgress

            console = Console(file=self.stream, highlight=False)
            self._bar = RichProgress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[detail]}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._bar.start()
        else:
            self._thread = threading.Thread(target=self._beat, name="rulelaw-progress")
            self._thread.daemon = True
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        """Whether ``close`` (or ``finish``) was called."""
        return self._stop.is_set()

    def close(self) -> None:
        """Stop the bar or the background thread (idempotent)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        with self._lock:
            if self._step is not None and self._step in self._printed:
                self._line(self._ended())
            self._step = None

    # ------------------------------------------------------------------ the callback

    def __call__(self, step: str, done: int, total: int | None = None, detail: str = "") -> None:
        """Record that ``done`` of ``total`` items of ``step`` are finished."""
        with self._lock:
            if step != self._step:
                if self._step is not None and self._step in self._printed:
                    self._line(self._ended())
                self._step, self._step_started = step, time.monotonic()
                # A slow command says at once what it does next, should that be one long call.
                if self._bar is None and self._printed and self._due():
                    self._done, self._total = done, total
                    self._printed.add(step)
                    self._line(self._state())
                if self._bar is not None:
                    if self._task is not None:
                        self._bar.remove_task(self._task)
                    self._task = self._bar.add_task(step, total=total, detail=detail)
            self._done, self._total = done, total
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, completed=done, total=total, detail=detail)

    def print(self, line: str) -> None:
        """Print a line of the command (a warning, a retry) without breaking the bar."""
        with self._lock:
            self._line(line, prefixed=False)

    def finish(self, message: str) -> None:
        """End with the one line that says what the command wrote, and how long it took."""
        self.close()
        seconds = time.monotonic() - self.started
        took = f"（用时 {seconds:.1f} 秒）" if seconds >= 1 else ""
        with self._lock:
            self._line(f"{message}{took}", prefixed=False)

    # ------------------------------------------------------------------ plain lines

    def _state(self) -> str:
        step, done, total = self._step or "", self._done, self._total
        seconds = time.monotonic() - self._step_started
        if total:
            return (
                f"{step} {_count(done)}/{_count(total)}（{done * 100 // total}%），"
                f"已用 {seconds:.0f} 秒"
            )
        if done:
            return f"{step} {_count(done)}，已用 {seconds:.0f} 秒"
        return f"{step}……已用 {seconds:.0f} 秒"

    def _ended(self) -> str:
        seconds = time.monotonic() - self._step_started
        done = self._total or self._done
        count = f" {_count(done)}" if done else ""
        return f"{self._step}{count} 完成，用时 {seconds:.1f} 秒"

    def _line(self, text: str, *, prefixed: bool = True) -> None:
        line = f"{self.prefix}{text}" if prefixed else text
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            try:
                self.stream.write(line + "\n")
                self.stream.flush()
            except (OSError, ValueError):  # stderr closed under us: nothing to tell
                pass
        self._last_line = time.monotonic()

    def _due(self) -> bool:
        """Whether a plain line is due: ``interval`` since the last one (or since the start)."""
        return time.monotonic() - self._last_line >= self.interval

    def _beat(self) -> None:
        tick = min(self.interval / 4, 0.25)
        while not self._stop.wait(tick):
            with self._lock:
                if self._step is None or not self._due():
                    continue
                self._printed.add(self._step)
                self._line(self._state())


class Kinded(Protocol):
    """A warning with a kind (``rulelaw_llm.results.Notice``)."""

    @property
    def kind(self) -> str: ...
    @property
    def message(self) -> str: ...


def grouped_lines(
    notices: Sequence[Kinded],
    labels: Mapping[str, str],
    *,
    verbose: bool = False,
) -> list[str]:
    """One line per kind of warning — its label, how many, one example — or each with ``verbose``.

    A kind seen once is its message. ``labels`` names each kind when it is counted; a kind
    without a label is called "警告".
    """
    if verbose:
        return [notice.message for notice in notices]
    counts = Counter(notice.kind for notice in notices)
    lines: list[str] = []
    for kind, count in counts.items():
        first = next(notice for notice in notices if notice.kind == kind)
        if count <= SHOWN_PER_KIND:
            lines.append(first.message)
        else:
            label = labels.get(kind, "警告")
            lines.append(
                f"{label}：共 {_count(count)} 处，例如：{first.message}（--verbose 逐条列出）"
            )
    return lines


def terminal_width(stream: IO[str] | None) -> int | None:
    """The width of the terminal ``stream`` is, or ``None`` when it is a file or a pipe."""
    if not is_terminal(stream):
        return None
    return shutil.get_terminal_size((100, 24)).columns


def render(renderable: RenderableType, *, width: int | None) -> str:
    """``renderable`` as text: fitted to ``width`` columns, or at its natural width if ``None``.

    Without a width nothing is cut or folded: the text is as wide as its longest cell needs.
    """
    from rich.console import Console
    from rich.measure import Measurement

    measuring = Console(width=100_000, color_system=None, highlight=False, emoji=False)
    if width is None:
        natural = Measurement.get(measuring, measuring.options, renderable).maximum
        width = max(natural, 20)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False, emoji=False)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
