"""Summarize a folder of reports into one-paragraph digests (one line per report).

By default the rules write the digests (offline). With ``--llm`` and a model configured
(RULELAW_BASE_URL + RULELAW_MODEL, or RULELAW_PROVIDER and its key) the model writes them
and every number is checked against the report.
Run: python examples/digest_folder.py [FOLDER] [--llm]
"""

from __future__ import annotations

import sys
from pathlib import Path

from rulelaw_llm import Summarizer, summarize_offline

REPORTS = Path(__file__).resolve().parent / "reports"


def main(folder: Path = REPORTS, *, llm: bool = False) -> None:
    summarizer = Summarizer() if llm else None  # ConfigurationError says what to set
    for path in sorted(folder.glob("*.txt")):
        summary = summarizer.summarize(path) if summarizer else summarize_offline(path)
        print(f"{summary.entity}（{summary.year}）：{summary.digest}")


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if argument != "--llm"]
    main(Path(arguments[0]) if arguments else REPORTS, llm="--llm" in sys.argv[1:])
