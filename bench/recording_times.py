"""Wall time per sample of the recording run, for bench/quality.py (a cassette keeps no timings).

Usage, right after `local-llm run -- python -m pytest --record-mode=rewrite tests/test_llm_samples.py`:

    python bench/recording_times.py --started "2026-11-22T05:25:43+00:00" \\
        [--server-log ~/.cache/rulelaw-local-llm/server-8765.log]

The samples are recorded one after another in name order, and vcrpy writes each cassette
when its test ends, so a sample's wall time is its cassette's modification time minus the
previous one's (the first: minus ``--started``, the start of the pytest process). When the
server log of that run is given, the model's own time per request ("total time" of
llama.cpp) is added up per sample as well, split by each cassette's number of requests.
Writes bench/recordings/rulelaw-recording-times.json.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime
from pathlib import Path

from common import RECORDINGS, SAMPLES, cassette_path, load_interactions

_TOTAL = re.compile(r"llama_perf_context_print:\s+total time =\s+([\d.]+) ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--started", required=True, help="ISO time the pytest process started")
    parser.add_argument("--server-log", type=Path, default=None)
    args = parser.parse_args(argv)
    previous = datetime.fromisoformat(args.started).timestamp()
    seconds = {}
    for slug in SAMPLES:
        written = cassette_path(slug).stat().st_mtime
        seconds[slug] = round(written - previous, 1)
        previous = written
    result: dict[str, object] = {
        "seconds": seconds,
        "source": "cassette modification times of the recording run that began "
        f"{args.started} (pytest start to each test's end)",
    }
    if args.server_log is not None:
        totals = [float(m.group(1)) / 1000 for m in _TOTAL.finditer(args.server_log.read_text())]
        counts = {slug: len(load_interactions(slug)) for slug in SAMPLES}
        if len(totals) == sum(counts.values()):
            model_seconds = {}
            at = 0
            for slug in SAMPLES:
                model_seconds[slug] = round(sum(totals[at : at + counts[slug]]), 1)
                at += counts[slug]
            result["model_seconds"] = model_seconds
        else:
            result["model_seconds_error"] = (
                f"{len(totals)} timed completions in the log, {sum(counts.values())} recorded"
            )
    RECORDINGS.mkdir(parents=True, exist_ok=True)
    path = RECORDINGS / "rulelaw-recording-times.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
