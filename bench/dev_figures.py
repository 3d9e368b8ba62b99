"""A results file of the development corpus built from its gold figures, for compiling and comparing.

Usage: python bench/dev_figures.py TEXTS -o dev-figures.jsonl

For each ``dev`` text of bench/realworld (holdout texts are never read) that has gold, the
result is the rules summary of the text with its figures, items and facts replaced by the
gold written by reading: every gold indicator (its ``what`` as the name, value, unit,
approximation and ``kind``) quoted by its gold ``context``, every gold achievement, problem
and plan quoted by its gold ``quote``, and the gold issuer, level and year. The quotes are the
gold's own snippets (committed in bench/realworld/gold), so what ``rulelaw-llm compile``
writes from this file quotes nothing of the pages beyond them. Inputs are written as
``rwNNN.txt`` (the texts themselves are not committed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rulelaw_llm import load_report, summarize_offline  # noqa: E402
from rulelaw_llm.categories import classify  # noqa: E402
from rulelaw_llm.corpus.evaluation import gold_spans  # noqa: E402
from rulelaw_llm.corpus.evaluation_model import _locate  # noqa: E402
from rulelaw_llm.kinds import fold_unit  # noqa: E402
from rulelaw_llm.results import summaries_to_jsonl  # noqa: E402
from rulelaw_llm.schema import (  # noqa: E402
    Achievement,
    Evidence,
    Indicator,
    Plan,
    Problem,
    ReportSummary,
)

REALWORLD = ROOT / "bench" / "realworld"


def _evidence(text: str, span: tuple[int, int]) -> Evidence:
    return Evidence(quote=text[span[0] : span[1]], start=span[0], end=span[1])


def figures_summary(path: Path, gold: dict[str, object]) -> ReportSummary:
    """The rules summary of ``path`` with the gold's figures, items and facts."""
    report = load_report(path)
    text = report.text
    indicators = []
    entries = [item for item in gold["indicators"] if isinstance(item, dict)]  # type: ignore[attr-defined]
    for item, span in zip(entries, gold_spans(text, entries), strict=True):
        context = _locate(text, str(item["context"]))
        if span is None or context is None:
            continue
        quote = _evidence(text, context)
        indicators.append(
            Indicator(
                name=str(item["what"]),
                value=float(item["value"]),
                unit=fold_unit(str(item["unit"])),
                approx=bool(item["approx"]),
                category=classify(quote.quote),
                kind=item["kind"],
                evidence=quote,
            )
        )

    def located(key: str) -> list[tuple[dict[str, object], Evidence]]:
        found = []
        for item in gold.get(key) or []:  # type: ignore[attr-defined]
            span = _locate(text, str(item["quote"]))
            if span is not None:
                found.append((item, _evidence(text, span)))
        return found

    def category(item: dict[str, object], evidence: Evidence) -> str:
        return str(item.get("category") or classify(evidence.quote))

    summary = summarize_offline(report)
    return summary.model_copy(
        update={
            "entity": gold.get("entity"),
            "parent_entity": gold.get("parent_entity"),
            "level": gold.get("level"),
            "year": gold.get("year"),
            "title": gold.get("title") or summary.title,
            "indicators": indicators,
            "achievements": [
                Achievement(category=category(i, e), summary=e.quote, evidence=e)  # type: ignore[arg-type]
                for i, e in located("achievements")
            ],
            "problems": [
                Problem(category=category(i, e), summary=e.quote, evidence=e)  # type: ignore[arg-type]
                for i, e in located("problems")
            ],
            "plans": [
                Plan(category=category(i, e), summary=e.quote, evidence=e)  # type: ignore[arg-type]
                for i, e in located("plans")
            ],
            "provenance": summary.provenance.model_copy(update={"source": path.name}),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("texts", type=Path, help="the restored texts (rwNNN.txt)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    manifest = (REALWORLD / "manifest.jsonl").read_text("utf-8").splitlines()
    summaries = []
    for entry in map(json.loads, manifest):
        path = args.texts / f"{entry['id']}.txt"
        if entry["split"] != "dev" or not path.exists():
            continue
        gold = json.loads((REALWORLD / "gold" / f"{entry['id']}.json").read_text("utf-8"))
        summaries.append(figures_summary(path, gold))
    args.output.write_text(summaries_to_jsonl(summaries), encoding="utf-8")
    print(
        f"{len(summaries)} dev reports, {sum(len(s.indicators) for s in summaries)} figures → {args.output}"
    )


if __name__ == "__main__":
    main()
