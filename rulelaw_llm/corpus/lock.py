"""One writer per results file: an operating-system lock, and who holds it.

``batch`` appends to its results file and resumes from what is there; two runs on one file
would each think the other's inputs are still to do and write every input twice. So a run
takes an exclusive lock on ``<results file>.lock`` (``fcntl.flock`` on POSIX, ``msvcrt``
on Windows) for as long as it writes, and writes into that file who it is: process id,
host, start time and command. The operating system drops the lock when the process ends,
however it ends (even SIGKILL), so a lock is never left stale; the holder's details are only
read while someone really holds it.

A second run either waits, saying who it waits for (``wait=True``), or stops at once with
``ResultsBusyError`` (``batch --no-wait``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
from datetime import datetime
from pathlib import Path
from typing import IO

from rulelaw_llm.errors import ResultsBusyError, RulelawError, os_error_reason

__all__ = ["ResultsLock", "lock_path"]

logger = logging.getLogger("rulelaw_llm.corpus.lock")

#: How often a waiting run tries the lock again (seconds).
RETRY_SECONDS = 0.2


def lock_path(results: Path) -> Path:
    """The lock file of the results file ``results``."""
    return results.with_name(results.name + ".lock")


def _try_lock(handle: IO[str]) -> bool:
    """Take the exclusive lock without waiting; False when another process holds it."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(handle: IO[str]) -> None:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _command() -> str:
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    command = " ".join([name, *sys.argv[1:]])
    return command if len(command) <= 200 else command[:200] + "…"


class ResultsLock:
    """The lock of one results file (see the module docstring)."""

    def __init__(self, results: Path) -> None:
        self.results = results
        self.path = lock_path(results)
        self._handle: IO[str] | None = None
        self.waited_for: str | None = None
        """Who this run waited for, if it had to (for the caller's report)."""

    def holder(self) -> str:
        """Who holds the lock, as written in the lock file (in Chinese)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict) or "pid" not in data:
            return "另一个进程（尚未写下它的信息）"
        where = f"，主机 {data['host']}" if data.get("host") != socket.gethostname() else ""
        return (
            f"进程 {data['pid']}{where}，开始于 {data.get('started', '未知时间')}，"
            f"命令：{data.get('command', '未知')}"
        )

    def _open(self) -> IO[str]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # "a+": never truncate what the holder wrote before the lock is ours.
            return self.path.open("a+", encoding="utf-8")
        except OSError as error:
            raise RulelawError(
                f"无法创建锁文件 {self.path}：{os_error_reason(error)}。"
                "请检查结果文件所在目录的权限。"
            ) from error

    def _mark(self, handle: IO[str]) -> None:
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "started": datetime.now().astimezone().isoformat(sep=" ", timespec="seconds"),
                    "command": _command(),
                },
                ensure_ascii=False,
            )
        )
        handle.flush()

    def _busy(self, wait: bool) -> str:
        who = self.holder()
        if not wait:
            raise ResultsBusyError(
                f"结果文件 {self.results} 正由另一个 rulelaw-llm 进程写入（{who}），"
                "同一结果文件同时只能有一个进程写入：本次未处理（--no-wait）。请等它结束后重新运行"
                "同一命令（会从断点继续），或换一个结果文件。"
            )
        logger.warning(
            "结果文件 %s 正由另一个 rulelaw-llm 进程写入（%s）；同一结果文件同时只能有一个进程"
            "写入，正在等它结束后继续（不想等待可按 Ctrl-C，或加 --no-wait 立即停止）……",
            self.results,
            who,
        )
        return who

    async def acquire(self, *, wait: bool = True) -> None:
        """Take the lock; wait for its holder (saying so once), or raise ``ResultsBusyError``."""
        handle = self._open()
        try:
            if not _try_lock(handle):
                self.waited_for = self._busy(wait)
                while not _try_lock(handle):
                    await asyncio.sleep(RETRY_SECONDS)
                logger.warning("结果文件 %s 已可写入，继续。", self.results)
            self._mark(handle)
        except BaseException:
            handle.close()
            raise
        self._handle = handle

    def release(self) -> None:
        """Give the lock back (closing the file would too; the process's end always does)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            _unlock(handle)
        finally:
            handle.close()
