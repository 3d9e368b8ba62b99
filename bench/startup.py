"""A light start: import time and the offline path's time to first result, cold.

Usage: python bench/startup.py [--repeat 15]

Every measurement is a fresh interpreter (``subprocess``), so nothing is warm in
``sys.modules``; the OS file cache is warm after the first run, as it is for a user who runs
the tool twice. Each row is the median (and the minimum) wall time of ``--repeat`` runs,
interleaved row by row so that the machine's noise falls on every row alike.

Side by side, in the same run:

- ``python -c pass``: the interpreter alone (the floor nobody can go under);
- ``import rulelaw_llm`` against ``import rulelaw_llm`` + ``rulelaw_llm.Summarizer`` (which
  loads openai and instructor: what every import cost before the LLM backend became lazy);
- the offline path to its first result, library (``load_report`` + ``summarize_offline`` of
  one sample) and CLI (``summarize --offline``, and ``summarize`` with nothing configured),
  each also with the LLM backend loaded first, as it was before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from common import REPORTS, ROOT, machine_line, table

SAMPLE = str(REPORTS / "shenzha-zhen-2024.txt")
_COUNT_MODULES = "import sys; print(len(sys.modules), file=sys.stderr)"
_CLI = "import contextlib, io; from rulelaw_llm.cli import main\n"
_QUIET = (
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
)

#: (label, code). ``+ Summarizer`` rows load the LLM backend first, as every import did before.
SCENARIOS: list[tuple[str, str]] = [
    ("python -c pass (interpreter only)", "pass"),
    ("import rulelaw_llm", "import rulelaw_llm"),
    ("import rulelaw_llm + Summarizer", "import rulelaw_llm; rulelaw_llm.Summarizer"),
    (
        "library: load_report + summarize_offline",
        f"import rulelaw_llm; rulelaw_llm.summarize_offline(rulelaw_llm.load_report({SAMPLE!r}))",
    ),
    (
        "library: same + Summarizer",
        "import rulelaw_llm; rulelaw_llm.Summarizer; "
        f"rulelaw_llm.summarize_offline(rulelaw_llm.load_report({SAMPLE!r}))",
    ),
    (
        "CLI: summarize --offline",
        f"{_CLI}{_QUIET}    main(['summarize', {SAMPLE!r}, '--offline'])",
    ),
    (
        "CLI: summarize --offline + Summarizer",
        f"import rulelaw_llm.llm.summarizer\n{_CLI}{_QUIET}"
        f"    main(['summarize', {SAMPLE!r}, '--offline'])",
    ),
    (
        "CLI: summarize, nothing configured",
        f"{_CLI}{_QUIET}    main(['summarize', {SAMPLE!r}])",
    ),
    (
        "CLI: summarize, nothing configured + Summarizer",
        f"import rulelaw_llm.llm.summarizer\n{_CLI}{_QUIET}    main(['summarize', {SAMPLE!r}])",
    ),
]


def _environment() -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("RULELAW_") and name != "PYTHONPATH"
    }
    environment["PYTHONPATH"] = str(ROOT)
    return environment


def _run(code: str, environment: dict[str, str]) -> tuple[float, int]:
    """Wall seconds of one cold interpreter running ``code``, and the modules it loaded."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{_COUNT_MODULES}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {code!r}\n{result.stderr}")
    return seconds, int(result.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per row (default 15)")
    args = parser.parse_args()
    environment = _environment()

    times: dict[str, list[float]] = {label: [] for label, _ in SCENARIOS}
    modules: dict[str, int] = {}
    for _label, code in SCENARIOS:  # one warm-up each: the OS file cache, not Python's
        _run(code, environment)
    for _ in range(args.repeat):
        for label, code in SCENARIOS:
            seconds, loaded = _run(code, environment)
            times[label].append(seconds)
            modules[label] = loaded

    medians = {label: statistics.median(values) for label, values in times.items()}
    rows = []
    for index, (label, _) in enumerate(SCENARIOS):
        ratio = ""
        if label.endswith("+ Summarizer"):
            light = SCENARIOS[index - 1][0]
            ratio = f"{medians[label] / medians[light]:.2f}× ({light})"
        rows.append(
            [
                label,
                f"**{medians[label] * 1000:.0f}**",
                f"{min(times[label]) * 1000:.0f}",
                modules[label],
                ratio,
            ]
        )
    print(f"startup, cold interpreter · median of {args.repeat} · {machine_line()}")
    print()
    print(
        table(
            ["what", "median ms", "min ms", "modules loaded", "with the LLM backend ÷ without"],
            rows,
        )
    )
    floor = medians[SCENARIOS[0][0]]
    light = medians["import rulelaw_llm"] - floor
    heavy = medians["import rulelaw_llm + Summarizer"] - floor
    print()
    print(
        f"Import cost above the bare interpreter: {light * 1000:.0f} ms without the LLM "
        f"backend, {heavy * 1000:.0f} ms with it ({heavy / light:.1f}×)."
    )


if __name__ == "__main__":
    main()
