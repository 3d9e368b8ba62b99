"""How long each command stays silent on a large corpus, with its output piped (not a terminal).

    python bench/cli_silence.py [--reports 1000] [--folder DIR]

Builds (or reuses) a results file of N distinct reports (``tests/synthetic_corpus.py``: the
five samples renamed), then runs ``audit``, ``review``, ``export`` and ``eval`` on it and
``batch`` on its reports, each as a real process whose stderr is a pipe, and notes the time
every line arrives. It prints, per command: the total time, the lines it printed, the longest
stretch without a line (from the start to the first line, between two lines, or from the
last line to the exit), and its last line (what it wrote). Then a collection of the samples
repeated many times (hundreds of duplicate parts) is batched with ``--split``, and the
warning lines are counted, with and without ``--verbose``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.synthetic_corpus import REPORTS, write_corpus  # noqa: E402


def _timed(command: list[str], cwd: Path) -> tuple[float, list[tuple[float, str]], int]:
    """Run ``command``; the total seconds, each stderr line with when it came, the exit code."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RULELAW_")}
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append((time.monotonic() - started, line.rstrip("\n")))

    reader = threading.Thread(target=read)
    reader.start()
    code = process.wait()
    reader.join()
    return time.monotonic() - started, lines, code


def _silence(total: float, lines: list[tuple[float, str]]) -> float:
    moments = [0.0, *(moment for moment, _ in lines), total]
    return max(later - earlier for earlier, later in itertools.pairwise(moments))


def _collection(folder: Path, copies: int) -> Path:
    """The five samples, each repeated ``copies`` times, in one file."""
    texts = [path.read_text(encoding="utf-8").strip() for path in sorted(REPORTS.glob("*.txt"))]
    path = folder / "合集.txt"
    path.write_text("\n".join(text for _ in range(copies) for text in texts) + "\n", "utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--copies", type=int, default=153, help="每份样本在合集中重复几次")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="rulelaw-silence-"))
    results = folder / "results.jsonl"
    if not results.exists():
        write_corpus(folder, args.reports)
    tool = [sys.executable, "-m", "rulelaw_llm.cli"]
    # eval scores the inputs named like a gold file: the samples' own records, after the 1,000.
    samples = folder / "samples.jsonl"
    if not samples.exists():
        subprocess.run(
            [*tool, "batch", str(REPORTS), "-o", str(samples), "--offline", "--no-cache"],
            check=True,
            capture_output=True,
        )
    with_gold = folder / "with-gold.jsonl"
    with_gold.write_text(
        results.read_text(encoding="utf-8") + samples.read_text(encoding="utf-8"), "utf-8"
    )
    runs = {
        "audit": [*tool, "audit", str(results), "-o", str(folder / "audit.txt")],
        "audit --format json": [
            *tool,
            "audit",
            str(results),
            "--format",
            "json",
            "-o",
            str(folder / "audit.json"),
        ],
        "review": [*tool, "review", str(results), "-o", str(folder / "review.html")],
        "review --audit": [
            *tool,
            "review",
            str(results),
            "-o",
            str(folder / "review-audit.html"),
            "--audit",
            str(folder / "audit.json"),
        ],
        "export csv": [*tool, "export", str(results), "--to", "csv", "-o", str(folder / "csv")],
        "export xlsx": [
            *tool,
            "export",
            str(results),
            "--to",
            "xlsx",
            "-o",
            str(folder / "out.xlsx"),
        ],
        "eval": [*tool, "eval", str(with_gold), "--gold", str(ROOT / "examples" / "gold")],
        "batch --offline": [
            *tool,
            "batch",
            str(folder / "reports"),
            "-o",
            str(folder / "batch.jsonl"),
            "--offline",
            "--no-cache",
        ],
    }
    print(f"{args.reports} 份报告，标准错误输出为管道（{folder}）\n")
    print("| 命令 | 用时（秒） | 输出行数 | 最长无输出（秒） | 最后一行 |")
    print("|---|---|---|---|---|")
    for name, command in runs.items():
        (folder / "batch.jsonl").unlink(missing_ok=True)
        total, lines, code = _timed(command, ROOT)
        last = lines[-1][1] if lines else "（无）"
        status = "" if code == 0 else f"（退出状态 {code}）"
        print(
            f"| {name} | {total:.1f} | {len(lines)} | {_silence(total, lines):.1f} | "
            f"{last[:70]}{status} |"
        )
    collection = _collection(folder, args.copies)
    size = collection.stat().st_size / 1e6
    print(f"\n合集：{args.copies * 5} 份报告（{size:.1f} MB），其中 {args.copies * 5 - 5} 份重复")
    print("\n| 命令 | 用时（秒） | 输出行数 | 其中警告行 |")
    print("|---|---|---|---|")
    for flags in ([], ["--verbose"]):
        out = folder / "split.jsonl"
        out.unlink(missing_ok=True)
        command = [*tool, "batch", str(collection), "--split", "-o", str(out), "--offline"]
        total, lines, _ = _timed([*command, "--no-cache", *flags], ROOT)
        warnings = sum(1 for _, line in lines if "警告" in line)
        name = " ".join(["batch --split", *flags])
        print(f"| {name} | {total:.1f} | {len(lines)} | {warnings} |")


if __name__ == "__main__":
    main()
