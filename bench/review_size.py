"""The review page at scale: size, time to write and load time in Chromium per corpus size.

Usage: python bench/review_size.py [--reports 100 1000 5000] [--runs 3] [--before 233955d]

For each size N, ``tests/synthetic_corpus.py`` writes N distinct reports (the five samples
in turn, the issuer renamed in the text, so each has its own text and rules summary;
levels and parents varied) and their results file; ``write_review`` writes the page.
Chromium (Debian's /usr/bin/chromium, driven by Playwright) then opens it ``--runs`` times:
*load* is the navigation's ``loadEventEnd`` (the page usable: corpus table, charts,
navigation), median of the runs; *open a report* is the time, measured in the page, from a
click on the first report's link to its body (gzipped JSON in the page) being built and
painted, median of the runs. ``--before REV`` also measures the page written by the review
module of git revision REV (every report body in the DOM) for sizes up to 1,000.

The machine is shared: the load average before and after is printed with the table.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, machine_line, table
from playwright.sync_api import Browser, sync_playwright

sys.path.insert(0, str(ROOT))
from rulelaw_llm.corpus.review import write_review
from tests.synthetic_corpus import write_corpus

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
ARGS += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
Writer = Callable[[Path, Path], object]
#: Click the first report in the navigation; resolve when its body is built and painted.
_OPEN_FIRST_REPORT = """() => new Promise(resolve => {
  const started = performance.now();
  const view = document.getElementById("r1");
  const observer = new MutationObserver(() => {
    if (view.getAttribute("data-loaded") === "1") {
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - started));
    }
  });
  observer.observe(view, {attributes: true});
  document.querySelector("nav a[data-view=r1]").click();
})"""


def _before(revision: str, folder: Path) -> Writer:
    """``write_review`` of the review module at ``revision`` (the rest of the library is today's)."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:rulelaw_llm/review.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = folder / "review_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("review_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    writer: Writer = module.write_review
    return writer


def _load_seconds(
    browser: Browser, page_path: Path, runs: int, open_report: bool
) -> tuple[float, float | None]:
    loads, opens = [], []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(300_000)
        page.goto(page_path.as_uri(), wait_until="load")
        timing = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        loads.append(float(timing) / 1000)
        if open_report:
            opens.append(page.evaluate(_OPEN_FIRST_REPORT) / 1000)
        page.close()
    return statistics.median(loads), statistics.median(opens) if opens else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", metavar="REV", help="also measure the page at this revision")
    args = parser.parse_args()
    print(f"{machine_line()} · load average before {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as temporary, sync_playwright() as playwright:
        folder = Path(temporary)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        writers: list[tuple[str, Writer, int]] = [("now", write_review, max(args.reports))]
        if args.before:
            writers.append((f"before ({args.before})", _before(args.before, folder), 1000))
        for count in args.reports:
            results = write_corpus(folder / f"corpus-{count}", count)
            for name, writer, largest in writers:
                if count > largest:
                    continue
                output = folder / f"review-{count}-{name.split()[0]}.html"
                started = time.perf_counter()
                writer(results, output)
                written = time.perf_counter() - started
                load, opened = _load_seconds(browser, output, args.runs, name == "now")
                rows.append(
                    [
                        f"{count:,}",
                        name,
                        f"{output.stat().st_size / 1e6:.1f}",
                        f"{written:.1f}",
                        f"{load:.1f}",
                        "—" if opened is None else f"{opened:.2f}",
                    ]
                )
                print(" | ".join(rows[-1]), flush=True)
        browser.close()
    print()
    headers = ["reports", "page", "MB", "write s", "load s (median)", "open a report s"]
    print(table(headers, rows))
    print(f"\nload average after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
