"""Memory of ``rulelaw-llm summarize --offline`` at 1, 10 and 100 MB: peak RSS, and where it goes.

Usage: python bench/memory.py [--sizes 1,10,100] [--numbers-sizes 0.1,0.5,1] [--phases 10]
                              [--before /path/to/an/older/checkout] [--before-sizes 0.025,0.05,0.1]

Inputs are made in a temporary folder:

- a *collection*: the five sample reports one after another, each with a line of its own,
  repeated to the size (a merged collection of a county's or a province's reports);
- *numbers*: text that is nothing but figures and words without punctuation (a table
  flattened into one line), the shape that made every quote a copy of the whole text.

Each size runs ``rulelaw-llm summarize FILE --offline -o OUT --max-input-mb 200`` in a new
process (the limit raised so that 100 MB is processed, not refused) and reads its peak
resident memory (VmHWM, /proc) and wall time. ``--phases N`` also runs the pipeline step by
step on the N MB collection under tracemalloc and prints what each step holds.
``--before DIR`` runs numbers of ``--before-sizes`` with the code of another checkout on
PYTHONPATH (e.g. the commit before issue 18) for comparison: small sizes, it was quadratic.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPORTS, ROOT, machine_line, table

_MEASURE = """
import sys, time
from rulelaw_llm.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - started
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(f"MEASURED {code} {peak:.1f} {seconds:.2f}", file=sys.stderr)
"""

_PHASES = """
import sys, time, tracemalloc
tracemalloc.start()
from rulelaw_llm.reading.document import load_report
from rulelaw_llm.rules.quantities import find_quantities
from rulelaw_llm.rules.offline import summarize_offline
from rulelaw_llm.results import summaries_to_json
from rulelaw_llm.reading.limits import InputLimits
rows = []
def step(name, function):
    tracemalloc.reset_peak()
    started = time.perf_counter()
    value = function()
    current, peak = tracemalloc.get_traced_memory()
    rows.append((name, time.perf_counter() - started, current / 1e6, peak / 1e6))
    return value
report = step("read, clean, sections (load_report)", lambda: load_report(sys.argv[1], limits=InputLimits(max_input_mb=200)))
found = step("quantities (find_quantities)", lambda: find_quantities(report.text))
summary = step("the rules summary (summarize_offline)", lambda: summarize_offline(report, quantities=found))
text = step("JSON text (summaries_to_json)", lambda: summaries_to_json([summary], as_array=False))
for name, seconds, current, peak in rows:
    print(f"PHASE|{name}|{seconds:.1f}|{current:.1f}|{peak:.1f}")
print(f"SIZES|{len(report.text)}|{len(found)}|{len(report.sections)}|{len(text)}")
"""


def collection(path: Path, megabytes: float) -> Path:
    texts = [path.read_text(encoding="utf-8") for path in sorted(REPORTS.glob("*.txt"))]
    target = int(megabytes * 1_000_000)
    with path.open("w", encoding="utf-8") as handle:
        size = number = 0
        while size < target:
            text = texts[number % len(texts)] + f"\n（第{number}份）\n"
            handle.write(text)
            size += len(text.encode("utf-8"))
            number += 1
    return path


def numbers(path: Path, megabytes: float) -> Path:
    target = int(megabytes * 1_000_000)
    head = "某镇2024年法治政府建设工作报告\n一、主要举措和成效\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(head)
        size, number = len(head.encode("utf-8")), 0
        while size < target:
            piece = f"开展普法宣传活动{number % 90 + 2}次 发放资料{number % 70 + 3}份 "
            handle.write(piece)
            size += len(piece.encode("utf-8"))
            number += 1
    return path


def measure(path: Path, out: Path, pythonpath: Path = ROOT) -> tuple[int, float, float]:
    arguments = ["summarize", str(path), "--offline", "-o", str(out)]
    if pythonpath == ROOT:  # an older checkout has no --max-input-mb (and no limit)
        arguments += ["--max-input-mb", "200"]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *arguments],
        cwd=pythonpath,
        env={**os.environ, "PYTHONPATH": str(pythonpath)},
        capture_output=True,
        text=True,
    )
    line = next(line for line in done.stderr.splitlines() if line.startswith("MEASURED"))
    _, code, peak, seconds = line.split()
    return int(code), float(peak), float(seconds)


def baseline() -> float:
    """Peak RSS of the command on a small report (the interpreter and the library)."""
    with tempfile.TemporaryDirectory() as directory:
        return measure(REPORTS / "ka-xiang-2024.txt", Path(directory) / "o.json")[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--numbers-sizes", default="0.1,0.5,1")
    parser.add_argument("--phases", type=float, default=10)
    parser.add_argument("--before", type=Path)
    parser.add_argument("--before-sizes", default="0.025,0.05,0.1")
    args = parser.parse_args()
    if not Path("/proc/self/status").exists():
        raise SystemExit("bench/memory.py reads peak memory from /proc (Linux)")

    print(f"summarize --offline memory · {machine_line()}\n")
    base = baseline()
    print(f"Baseline (one sample report, 2.5 KB): peak RSS {base:.0f} MB.\n")
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        shapes = [("collection", collection, float(size)) for size in args.sizes.split(",")]
        shapes += [("numbers", numbers, float(size)) for size in args.numbers_sizes.split(",")]
        if args.before is not None:
            shapes += [
                ("numbers, before", numbers, float(size)) for size in args.before_sizes.split(",")
            ]
        for shape, make, megabytes in shapes:
            source = make(work / f"{shape}-{megabytes:g}.txt", megabytes)
            size = source.stat().st_size / 1e6
            out = work / "out.json"
            started = time.perf_counter()
            before = shape.endswith("before")
            code, peak, seconds = measure(source, out, args.before if before else ROOT)
            wall = time.perf_counter() - started
            written = out.stat().st_size / 1e6 if out.exists() else 0.0
            rows.append(
                [
                    shape,
                    f"{size:,.3g}",
                    code,
                    f"{peak:,.0f}",
                    f"{(peak - base) / size:,.1f}",
                    f"{written:,.1f}",
                    f"{seconds:,.1f} ({wall:,.1f})",
                ]
            )
            source.unlink()
        print(
            table(
                [
                    "input",
                    "MB",
                    "exit",
                    "peak RSS (MB)",
                    "RSS above baseline per input MB",
                    "JSON out (MB)",
                    "seconds in main() (process)",
                ],
                rows,
            )
        )
        if args.phases:
            source = collection(work / "phases.txt", args.phases)
            done = subprocess.run(
                [sys.executable, "-c", _PHASES, str(source)],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                capture_output=True,
                text=True,
            )
            phases = [
                line.split("|")[1:]
                for line in done.stdout.splitlines()
                if line.startswith("PHASE|")
            ]
            sizes = next(
                line.split("|")[1:]
                for line in done.stdout.splitlines()
                if line.startswith("SIZES|")
            )
            print(
                f"\nWhere it goes, {args.phases:g} MB collection under tracemalloc (Python "
                f"allocations only; tracemalloc slows every step): {int(sizes[0]):,} characters of "
                f"clean text, {int(sizes[1]):,} quantities, {int(sizes[2]):,} sections, "
                f"{int(sizes[3]):,} characters of JSON.\n"
            )
            print(table(["step", "seconds", "held after (MB)", "peak during (MB)"], phases))


if __name__ == "__main__":
    main()
