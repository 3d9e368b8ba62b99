"""The review page for a person at 1,400 px, checked in a real Chromium on 1,000 audited reports.

The corpus table fits beside the side list (compact numbers, names that wrap), its columns
have distinct names, rows come in input order, a first click on a score or a count puts
what needs looking at first, the side list follows the search and the findings filter, and
the category charts still say something at 1,000 reports. The screenshots of the docs
(``docs/assets/screenshots/``) are taken here, so they show the page as it is.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rulelaw_llm import audit
from rulelaw_llm.corpus.batch import BatchRunner
from rulelaw_llm.corpus.review import render_review, write_review
from rulelaw_llm.corpus.review_html import compact_number
from tests.conftest import REPORTS, ROOT
from tests.synthetic_corpus import write_corpus
from tests.test_review import browser, report_html  # noqa: F401 - the shared Chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SCREENSHOTS = ROOT / "docs" / "assets" / "screenshots"
WIDTH = 1400


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:  # noqa: F811 - the fixture imported above
    context = browser.new_context(viewport={"width": WIDTH, "height": 1000})
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="module")
def audited_thousand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 distinct reports (renamed samples), audited by the rules, and their review page."""
    folder = tmp_path_factory.mktemp("audited")
    results = write_corpus(folder, 1000)
    audits = audit(str(results))
    return write_review(results, folder / "review.html", audits=audits)


def _batch(inputs: list[Path], output: Path, concurrency: int) -> Path:
    async def run() -> None:
        async for _ in BatchRunner(output, concurrency=concurrency).run(inputs):
            pass

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()
    return output


# --------------------------------------------------------------------------- without a browser


def test_compact_numbers_keep_a_column_narrow() -> None:
    assert [compact_number(n) for n in (0, 9_339, 12_345, 350_000, 123_456_789)] == [
        "0",
        "9,339",
        "1.2万",
        "35万",
        "1.2亿",
    ]


def test_rows_come_in_the_order_the_batch_took_its_inputs(tmp_path: Path) -> None:
    results = _batch([REPORTS], tmp_path / "out.jsonl", concurrency=4)
    lines = results.read_text(encoding="utf-8").splitlines()
    # As if the reports had finished the other way round.
    results.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    positions = [json.loads(line)["position"] for line in reversed(lines)]
    assert sorted(positions) == [0, 1, 2, 3, 4] and positions != [0, 1, 2, 3, 4]
    page = render_review(results)
    # The views, the table rows and the side list all follow the inputs' order (the batch
    # took the folder's files sorted by name), not the order the lines were written in.
    expected = sorted(path.name for path in REPORTS.glob("*.txt"))
    assert re.findall(r'data-testid="report" data-report="([^"]+)"', page) == expected
    rows = re.findall(r'data-testid="corpus-row"[^>]*data-view="(r\d+)"', page)
    nav = re.findall(r'<a href="#(r\d+)" data-view=', page)
    assert rows == nav == ["r1", "r2", "r3", "r4", "r5"]


def test_column_names_are_distinct(tmp_path: Path) -> None:
    results = _batch([REPORTS], tmp_path / "out.jsonl", concurrency=1)
    page = render_review(results, audits=audit(str(results)))
    header = re.findall(r'class="sort" data-testid="sort">([^<]+)<', page)
    assert len(header) == len(set(header)), header
    assert "审核得分" in header and "抽取警告" in header


# --------------------------------------------------------------------------- in Chromium


def test_the_corpus_table_fits_1400_px_beside_the_side_list(
    wide: Page, audited_thousand: Path
) -> None:
    wide.goto(audited_thousand.as_uri())
    wide.wait_for_load_state("load")
    sizes = wide.evaluate(
        """() => ({wrap: document.querySelector('.table-wrap').clientWidth,
                   table: document.querySelector('table.corpus').scrollWidth,
                   page: document.documentElement.scrollWidth})"""
    )
    assert sizes["table"] <= sizes["wrap"] and sizes["page"] <= WIDTH, sizes
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wide.screenshot(path=str(SCREENSHOTS / "review-corpus.png"))


def test_a_first_click_puts_the_lowest_score_first(wide: Page, audited_thousand: Path) -> None:
    wide.goto(audited_thousand.as_uri())
    header = wide.locator("table.corpus thead th")
    names = header.all_inner_texts()
    column = next(i for i, name in enumerate(names) if name.startswith("审核得分"))
    rows = wide.locator("[data-testid=corpus-row]:visible")

    def scores() -> list[int]:
        cells = rows.evaluate_all(f"r => r.map(x => x.cells[{column}].dataset.value)")
        return [int(value) for value in cells]

    everything = [
        int(value)
        for value in wide.locator("[data-testid=corpus-row]").evaluate_all(
            f"r => r.map(x => x.cells[{column}].dataset.value)"
        )
    ]
    header.nth(column).locator("button").click()
    assert scores()[0] == min(everything) and scores() == sorted(scores())
    header.nth(column).locator("button").click()
    assert scores()[0] == max(everything)


def test_the_side_list_follows_the_search_and_the_findings_filter(
    wide: Page, audited_thousand: Path
) -> None:
    wide.goto(audited_thousand.as_uri())
    nav = wide.locator("nav a[data-view]:visible")
    count = wide.locator("[data-testid=search-count]")
    assert nav.count() == 1000
    wide.click("button.code-filter[data-code=few_indicators]")
    matching = int(re.findall(r"匹配 (\d+) /", count.inner_text())[0])
    assert 0 < matching < 1000 and nav.count() == matching
    shown = set(wide.locator("[data-testid=corpus-row]:visible a").all_inner_texts())
    # textContent: links scrolled out of the side list are not laid out (content-visibility).
    listed = nav.evaluate_all("links => links.map(link => link.textContent)")
    assert shown <= set(listed) and len(listed) == matching
    wide.fill("[data-testid=search]", "司法局")  # and the search narrows both further
    both = int(re.findall(r"匹配 (\d+) /", count.inner_text())[0])
    assert both < matching and nav.count() == both
    assert all(
        "司法局" in name for name in nav.evaluate_all("links => links.map(l => l.textContent)")
    )
    wide.click("[data-testid=clear-code-filter]")
    wide.fill("[data-testid=search]", "")
    assert nav.count() == 1000


def test_category_charts_count_reports_per_category_at_1000_reports(
    wide: Page, audited_thousand: Path
) -> None:
    wide.goto(audited_thousand.as_uri())
    for chart in ("chart-problems", "chart-plans", "chart-achievements"):
        figure = wide.locator(f"[data-testid={chart}]")
        assert "共 1,000 份" in figure.locator("figcaption").inner_text()
        bars = figure.locator("rect.bar")
        assert bars.count() >= 2
        counts = [int(n) for n in bars.evaluate_all("b => b.map(x => x.dataset.reports)")]
        assert counts == sorted(counts, reverse=True) and max(counts) <= 1000
        # Every label is inside the drawing: nothing is clipped at the right edge.
        overflow = figure.evaluate(
            """f => { const svg = f.querySelector('svg'), right = svg.getBoundingClientRect().right;
                      return [...svg.querySelectorAll('text')].filter(
                        t => t.getBoundingClientRect().right > right + 1).length }"""
        )
        assert overflow == 0
    wide.locator("[data-testid=chart-problems]").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wide.screenshot(path=str(SCREENSHOTS / "review-charts.png"))


def test_a_report_view_for_the_docs(wide: Page, audited_thousand: Path) -> None:
    wide.goto(audited_thousand.as_uri() + "#r3")
    view = wide.locator("#r3[data-loaded='1']")
    view.wait_for()
    view.locator("mark.ev-indicator").first.click()
    assert view.locator("[data-testid=audit] [data-testid=finding]").count() > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wide.screenshot(path=str(SCREENSHOTS / "review-report.png"))
