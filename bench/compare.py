"""Comparing reports by kind: the vocabulary, kind agreement, outliers and the corpus tools at scale.

Usage: python bench/compare.py [--texts DIR] [--split dev|holdout] [--reports 1000] [--runs 1] [--skip-scale] [--before REV]

Prints five tables:

1. **Vocabulary** on the gold (the five samples and the ``dev`` texts of bench/realworld, or
   with ``--split holdout`` the held-out texts, to measure before a release): indicators, distinct names (gold ``what``), distinct kinds,
   the share of ``other``.
2. **Kind agreement** with the gold, ``rulelaw-llm eval``'s matching: the rules, then the
   stand-in models of ``tests/standins.py`` (fakes answering each kind question with the
   number's gold kind, the next number's gold kind, or another report's) under both plans,
   with the questions asked and accepted. The dev rows need ``--texts`` (the restored texts,
   ``bench/realworld/restore.py``).
3. **Doubt calibration**: of the rules' kinds that disagree with the gold, the share whose
   doubt is one the default plan asks about (support in the context only, or too weak); of
   those that agree, the share (questions asked only when a number has two choices or more).
4. **Outliers**: a corpus with planted errors (``tests/planted_corpus.py``: 120 % rate, ten
   times the median, a rate written in 件) and the five samples.
5. **Scale**: a corpus of N reports (``tests/synthetic_corpus.py``: the samples renamed, rules
   results) through ``compare``, ``compile`` (.md, .docx), every export, ``to_frames`` and
   the review page (size, write time, load time in Chromium), and the kinds' own share
   (``kind_rows`` and ``find_outliers`` over the corpus). ``--before REV`` also runs the
   exports and the review page of git revision REV (its own code and its own corpus, in a
   subprocess), in the same run, so that what the kinds add is told from what was there.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import machine_line, table  # noqa: E402

from rulelaw_llm import ReportSummary, load_report, read_results, summarize_offline  # noqa: E402
from rulelaw_llm.auditing.comparison import find_outliers, kind_rows  # noqa: E402
from rulelaw_llm.corpus.compare import compare_results  # noqa: E402
from rulelaw_llm.corpus.compilation import write_compilation  # noqa: E402
from rulelaw_llm.corpus.evaluation import evaluate, gold_spans  # noqa: E402
from rulelaw_llm.corpus.export import export_results, to_frames  # noqa: E402
from rulelaw_llm.corpus.review import write_review  # noqa: E402
from rulelaw_llm.llm.settings import Settings  # noqa: E402
from rulelaw_llm.rules.measures import (  # noqa: E402
    ASKED,
    kind_doubt,
    rule_kind,
)
from rulelaw_llm.rules.naming import name_quantities  # noqa: E402
from rulelaw_llm.rules.offline import kind_evidence  # noqa: E402
from rulelaw_llm.rules.quantities import find_quantities  # noqa: E402
from tests.planted_corpus import PLANTS, write_planted  # noqa: E402
from tests.standins import GoldStandin, run_flow  # noqa: E402
from tests.synthetic_corpus import write_corpus  # noqa: E402

SAMPLES = ROOT / "examples" / "reports"
SAMPLE_GOLD = ROOT / "examples" / "gold"
REALWORLD = ROOT / "bench" / "realworld"


def _split_ids(split: str) -> list[str]:
    lines = (REALWORLD / "manifest.jsonl").read_text("utf-8").splitlines()
    return [entry["id"] for entry in map(json.loads, lines) if entry["split"] == split]


def _sets(texts: Path | None, folder: Path, split: str) -> list[tuple[str, list[Path], Path]]:
    """(name, report files, gold folder): the samples, and the split's texts when given."""
    sets = [("samples", sorted(SAMPLES.glob("*.txt")), SAMPLE_GOLD)]
    if texts is not None:
        gold = folder / f"{split}-gold"
        gold.mkdir()
        ids = [i for i in _split_ids(split) if (texts / f"{i}.txt").exists()]
        for identifier in ids:  # only the split asked for: holdout gold is read on request
            shutil.copy(REALWORLD / "gold" / f"{identifier}.json", gold)
        sets.append((f"{split} ({len(ids)} texts)", [texts / f"{i}.txt" for i in ids], gold))
    return sets


def _gold(gold: Path, report: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((gold / f"{report.stem}.json").read_text("utf-8"))
    return data


def vocabulary(sets: list[tuple[str, list[Path], Path]]) -> str:
    rows = []
    everything: list[dict[str, object]] = []
    for name, reports, gold in sets:
        indicators = [i for r in reports for i in _gold(gold, r)["indicators"]]  # type: ignore[attr-defined]
        everything += indicators
        rows.append(_vocabulary_row(name, len(reports), indicators))
    if len(sets) > 1:
        rows.append(_vocabulary_row("both", sum(len(r) for _, r, _ in sets), everything))
    header = ["gold", "reports", "indicators", "distinct names", "distinct kinds", "other"]
    return table(header, rows)


def _vocabulary_row(name: str, reports: int, indicators: list[dict[str, object]]) -> list[str]:
    kinds = Counter(str(i.get("kind")) for i in indicators)
    names = {str(i.get("what")) for i in indicators}
    other = kinds["other"] / len(indicators) if indicators else 0.0
    return [name, str(reports), str(len(indicators)), str(len(names)), str(len(kinds)),
            f"{kinds['other']} ({other:.1%})"]  # fmt: skip


def _rate(summaries: list[ReportSummary], gold: Path) -> tuple[int, int]:
    agreement = evaluate(summaries, gold).kind_agreement
    return agreement.agreed, agreement.gold


def agreement(sets: list[tuple[str, list[Path], Path]]) -> str:
    rows = []
    for name, reports, gold in sets:
        loaded = [load_report(path) for path in reports]
        agreed, total = _rate([summarize_offline(report) for report in loaded], gold)
        rows.append([name, "rules", "—", f"{agreed / total:.3f} ({agreed}/{total})", "—", "—"])
        golds = [_gold(gold, path) for path in reports]
        for scope in ("unsure", "all"):
            settings = Settings(scope=scope)  # type: ignore[arg-type]
            for mode in ("gold", "neighbour", "other"):
                summaries, asked, accepted = [], 0, 0
                for index, report in enumerate(loaded):
                    other = golds[(index + 1) % len(golds)]["indicators"]
                    kinds = [str(i["kind"]) for i in other if i.get("kind")]  # type: ignore[attr-defined]
                    standin = GoldStandin(
                        report,
                        golds[index],
                        settings,
                        mode=mode,
                        other_kinds=kinds,  # type: ignore[arg-type]
                    )
                    summary = run_flow(report, settings, standin)
                    questions = [
                        q for q in (summary.coverage.questions if summary.coverage else [])
                        if q.field == "kind"
                    ]  # fmt: skip
                    asked += len(questions)
                    accepted += sum(q.outcome == "accepted" for q in questions)
                    summaries.append(summary)
                agreed, total = _rate(summaries, gold)
                share = f"{accepted / asked:.0%}" if asked else "—"
                rows.append([name, f"stand-in {mode}", scope, f"{agreed / total:.3f} ({agreed}/{total})",
                             str(asked), f"{accepted} ({share})"])  # fmt: skip
    header = ["set", "path", "plan", "kind agreement", "kinds asked", "accepted"]
    return table(header, rows)


def calibration(sets: list[tuple[str, list[Path], Path]]) -> str:
    rows = []
    for name, reports, gold in sets:
        counts: Counter[tuple[bool, bool]] = Counter()
        for path in reports:
            report = load_report(path)
            indicators = _gold(gold, path)["indicators"]
            spans = gold_spans(report.text, indicators)  # type: ignore[arg-type]
            quantities = find_quantities(report.text)
            for quantity, rule_name in zip(
                quantities, name_quantities(report.text, quantities), strict=True
            ):
                match = next(
                    (i for i, s in zip(indicators, spans, strict=True)  # type: ignore[call-overload]
                     if s and s[0] < quantity.end and quantity.start < s[1]),
                    None,
                )  # fmt: skip
                if match is None:
                    continue
                evidence = kind_evidence(report, quantity, rule_name)
                right = rule_kind(evidence) == match.get("kind")
                counts[(right, kind_doubt(evidence) in ASKED)] += 1
        wrong = counts[(False, True)] + counts[(False, False)]
        right = counts[(True, True)] + counts[(True, False)]
        rows.append([name, f"{wrong}", f"{counts[(False, True)]} ({counts[(False, True)] / max(wrong, 1):.0%})",
                     f"{right}", f"{counts[(True, True)]} ({counts[(True, True)] / max(right, 1):.0%})"])  # fmt: skip
    header = ["set", "rule kinds wrong", "of them asked", "rule kinds right", "of them asked"]
    return table(header, rows)


def outliers(folder: Path) -> str:
    planted = write_planted(folder / "planted")
    summaries = [record.summary for record in read_results(planted).results]
    found = {(n, o.code) for n, found in enumerate(find_outliers(summaries)) for o in found}
    expected = {(n, code) for n, (code, _) in PLANTS.items()}
    samples = [summarize_offline(path) for path in sorted(SAMPLES.glob("*.txt"))]
    on_samples = sum(len(found) for found in find_outliers(samples))
    rows = [
        [f"planted ({len(summaries)} reports)", str(len(expected)), str(len(found & expected)),
         str(len(found - expected)), ", ".join(sorted(code for _, code in found & expected))],
        ["five samples", "0", "—", str(on_samples), "—"],
    ]  # fmt: skip
    return table(["corpus", "planted", "caught", "other findings", "codes caught"], rows)


def _timed(function: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def _chromium_load(page_path: Path, runs: int) -> float | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    loads = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(300_000)
            page.goto(page_path.as_uri(), wait_until="load")
            loads.append(
                page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            )
            page.close()
        browser.close()
    return sorted(loads)[len(loads) // 2] / 1000


_BEFORE = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.synthetic_corpus import write_corpus
from rulelaw_llm.corpus.export import export_results, to_frames
from rulelaw_llm.corpus.review import write_review
folder = Path(sys.argv[2])
results = write_corpus(folder, int(sys.argv[3]))
steps = [(f"export --to {to}", lambda to=to: export_results(
    results, to=to, output=folder / (to if to in ("csv", "parquet") else f"out.{to}")))
    for to in ("csv", "parquet", "sqlite", "duckdb", "xlsx")]
steps += [("to_frames", lambda: to_frames(results)),
          ("review (write)", lambda: write_review(results, folder / "review.html"))]
for name, step in steps:
    started = time.perf_counter(); step()
    print(f"{name}\t{time.perf_counter() - started:.2f}", flush=True)
print(f"review page size (MB)\t{(folder / 'review.html').stat().st_size / 1e6:.1f}")
"""


def before(revision: str, folder: Path, count: int) -> dict[str, str]:
    """The exports' and review page's times at ``revision`` (its code, its corpus)."""
    source = folder / "before-source"
    source.mkdir()
    archive = subprocess.run(
        [
            "git",
            "-C",
            str(ROOT),
            "archive",
            revision,
            "rulelaw_llm",
            "tests",
            "prompts",
            "examples",
        ],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    corpus = folder / "before-corpus"
    corpus.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _BEFORE, str(source), str(corpus), str(count)],
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
    )
    return dict(line.split("\t") for line in done.stdout.splitlines() if "\t" in line)


def scale(folder: Path, count: int, runs: int, revision: str | None = None) -> str:
    results = write_corpus(folder / "scale", count)
    summaries = [record.summary for record in read_results(results).results]
    out = folder / "out"
    out.mkdir()
    steps: list[tuple[str, Callable[[], object]]] = [
        ("kind_rows + find_outliers (the kinds' own work)",
         lambda: find_outliers(summaries, rows=[kind_rows(s) for s in summaries])),
        ("compare", lambda: compare_results(results)),
        ("compile → 汇总.md", lambda: write_compilation(results, out / "汇总.md")),
        ("compile → 汇总.docx", lambda: write_compilation(results, out / "汇总.docx")),
        *((f"export --to {to}", lambda to=to: export_results(
            results, to=to, output=out / (to if to in ("csv", "parquet") else f"out.{to}")))
          for to in ("csv", "parquet", "sqlite", "duckdb", "xlsx")),
        ("to_frames", lambda: to_frames(results)),
        ("review (write)", lambda: write_review(results, out / "review.html")),
    ]  # fmt: skip
    earlier = before(revision, folder, count) if revision else {}
    rows = []
    for name, function in steps:
        seconds = _timed(function, runs)
        rows.append([name, f"{seconds:.2f}", earlier.get(name, "—")])
        print(f"  {name}: {seconds:.2f} s", flush=True)
    markdown = out / "汇总.md"
    rows.append(["汇总.md size (MB)", f"{markdown.stat().st_size / 1e6:.1f}", "—"])
    page = out / "review.html"
    size = "review page size (MB)"
    rows.append([size, f"{page.stat().st_size / 1e6:.1f}", earlier.get(size, "—")])
    load = _chromium_load(page, max(1, runs))
    shown = "—" if load is None else f"{load:.2f}"
    old_page = folder / "before-corpus" / "review.html"
    old_load = _chromium_load(old_page, max(1, runs)) if revision and old_page.exists() else None
    rows.append(["review page load in Chromium (s, loadEventEnd)", shown,
                 "—" if old_load is None else f"{old_load:.2f}"])  # fmt: skip
    header = [
        f"{count:,} reports (rules results)",
        "seconds",
        f"at {revision}" if revision else "—",
    ]
    return table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, help="the restored real-world texts (rwNNN.txt)")
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--split",
        choices=("dev", "holdout"),
        default="dev",
        help="which split of the real-world corpus (holdout: only to measure, never to tune)",
    )
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--before", metavar="REV", help="also time the exports and review at REV")
    args = parser.parse_args()
    print(f"{machine_line()} · load average before {os.getloadavg()[0]:.1f}\n", flush=True)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        sets = _sets(args.texts, folder, args.split)
        print("1. Vocabulary\n")
        print(vocabulary(sets), "\n", flush=True)
        print("2. Kind agreement with the gold\n")
        print(agreement(sets), "\n", flush=True)
        print("3. Doubt calibration (default plan)\n")
        print(calibration(sets), "\n", flush=True)
        print("4. Outliers\n")
        print(outliers(folder), "\n", flush=True)
        if not args.skip_scale:
            print("5. Scale\n", flush=True)
            print(scale(folder, args.reports, args.runs, args.before))
    print(f"\nload average after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
