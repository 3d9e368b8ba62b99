"""One writer per results file, shown with real processes; the cache shared by several.

The batch runs are real ``rulelaw-llm batch … --offline`` subprocesses on one results file.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from rulelaw_llm.corpus.batch import BatchRunner
from rulelaw_llm.corpus.lock import ResultsLock, lock_path
from rulelaw_llm.errors import ResultsBusyError
from tests.conftest import ROOT

#: A short report in the genre (made up), varied per copy so that every file is an input.
_REPORT = """某县第{n}乡{year}年法治政府建设工作报告
一、主要举措和成效
（一）加强组织领导。召开党委会议研究法治建设{meetings}次，开展专题学习{lessons}次。
（二）深化普法宣传。开展法治宣传活动{events}场，发放宣传资料{leaflets}余份。
二、存在的问题
（一）普法形式比较单一，覆盖面还不够广。
三、下一步工作打算
（一）持续加强法治宣传教育，创新普法方式。
"""


def _reports(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        text = _REPORT.format(
            n=n,
            year=2024,
            meetings=2 + n % 5,
            lessons=3 + n % 7,
            events=4 + n % 9,
            leaflets=500 + n,
        )
        (folder / f"r{n:03d}.txt").write_text(text, encoding="utf-8")
    return folder


_OFFLINE = ("--offline",)


def _batch(folder: Path, out: Path, tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("RULELAW_") or key == "RULELAW_TRACEBACK"
    }
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rulelaw_llm.cli",
            "batch",
            str(folder),
            "-o",
            str(out),
            *_OFFLINE,
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _holder_pid(out: Path) -> int | None:
    try:
        data = json.loads(lock_path(out).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return None
    pid = data.get("pid")
    return pid if isinstance(pid, int) else None


def _wait_for_holder(out: Path, pid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _holder_pid(out) == pid:
            return
        time.sleep(0.02)
    raise AssertionError(f"process {pid} never took the lock")


def _records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_two_batch_processes_on_one_results_file_write_each_input_once(tmp_path: Path) -> None:
    folder = _reports(tmp_path / "in", 300)
    out = tmp_path / "out.jsonl"
    first = _batch(folder, out, tmp_path)
    _wait_for_holder(out, first.pid)
    second = _batch(folder, out, tmp_path)

    _, first_err = first.communicate(timeout=300)
    _, second_err = second.communicate(timeout=300)

    assert first.returncode == 0 == second.returncode, first_err + second_err
    records = _records(out)
    assert len(records) == 300 and len({record["input"] for record in records}) == 300
    # The second run said whom it waited for, then found everything done.
    assert f"正由另一个 rulelaw-llm 进程写入（进程 {first.pid}" in second_err
    assert "开始于" in second_err and "正在等它结束后继续" in second_err
    assert "300" in second_err  # its table: 300 inputs, all skipped


def test_with_no_wait_the_second_process_stops_at_once_and_says_why(tmp_path: Path) -> None:
    folder = _reports(tmp_path / "in", 300)
    out = tmp_path / "out.jsonl"
    first = _batch(folder, out, tmp_path)
    _wait_for_holder(out, first.pid)
    second = _batch(folder, out, tmp_path, "--no-wait")
    _, second_err = second.communicate(timeout=120)
    first.communicate(timeout=300)

    assert second.returncode == 1
    (line,) = [line for line in second_err.splitlines() if line.strip()]
    assert f"进程 {first.pid}" in line and "--no-wait" in line and "重新运行同一命令" in line
    assert len(_records(out)) == 300


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    folder = _reports(tmp_path / "in", 300)
    out = tmp_path / "out.jsonl"
    first = _batch(folder, out, tmp_path)
    _wait_for_holder(out, first.pid)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)

    rerun = _batch(folder, out, tmp_path, "--no-wait")
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert "正由另一个" not in err
    assert len({record["input"] for record in _records(out)}) == 300 == len(_records(out))


def test_in_python_a_busy_results_file_waits_or_raises(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    holder = ResultsLock(out)
    asyncio.run(holder.acquire())
    try:
        runner = BatchRunner(out, wait=False)

        async def attempt() -> None:
            async for _ in runner.run([str(tmp_path)]):
                pass

        with pytest.raises(ResultsBusyError, match=f"进程 {os.getpid()}"):
            asyncio.run(attempt())
        assert not out.exists()  # nothing read, nothing written
    finally:
        holder.release()


_CACHE_WRITER = """
import sys
from pathlib import Path
from rulelaw_llm import ResultCache, load_report, summarize_offline
cache = ResultCache(sys.argv[1])
base = Path(sys.argv[2]).read_text(encoding="utf-8")
for n in range(int(sys.argv[3])):
    report = load_report(base + f"\\n（第{sys.argv[4]}-{n}次）\\n")
    key = f"{sys.argv[4]}-{n}"
    cache.put(key, summarize_offline(report))
    assert cache.get(key, report) is not None
cache.close()
"""


def test_the_cache_stays_whole_with_four_processes_writing_at_once(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    report = tmp_path / "report.txt"
    report.write_text(
        _REPORT.format(n=1, year=2024, meetings=2, lessons=3, events=4, leaflets=5), "utf-8"
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _CACHE_WRITER, str(path), str(report), "40", str(worker)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(4)
    ]
    errors = [writer.communicate(timeout=300)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0] * 4, errors
    with sqlite3.connect(path) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM results").fetchone()
        (check,) = connection.execute("PRAGMA integrity_check").fetchone()
    assert (count, check) == (160, "ok")
