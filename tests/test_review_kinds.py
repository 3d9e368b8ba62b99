"""The review page compares reports by kind: columns of the kinds most reports state, a table
of the kinds by level tier, the distribution of one kind across reports drawn in Chromium, and
the figures to check (in the corpus view and in each report's view)."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from rulelaw_llm import read_results, summarize_offline
from rulelaw_llm.auditing.comparison import find_outliers, kind_rows
from rulelaw_llm.corpus.review import render_review, write_review
from rulelaw_llm.corpus.review_kinds import KIND_COLUMNS, kind_cells, short_label
from rulelaw_llm.kinds import KINDS
from rulelaw_llm.results import summaries_to_jsonl
from tests.planted_corpus import PLANTS, write_planted
from tests.test_review import CHROMIUM, CHROMIUM_ARGS, _Console, report_html, require_chromium


def _columns(page: str) -> set[str]:
    """The kinds the corpus table has a column for (by their label in its header)."""
    header = re.search(r"<thead><tr>(.*?)</tr></thead>", page)
    assert header is not None
    return {key for key in KINDS if f">{short_label(key)}<" in header.group(1)}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("review-kinds")
    results = write_planted(folder)
    return results, write_review(results, folder / "review.html")


def test_the_corpus_table_has_columns_of_the_kinds_most_reports_state(
    planted: tuple[Path, Path],
) -> None:
    results, review = planted
    page = review.read_text("utf-8")
    summaries = [record.summary for record in read_results(results).results]
    stated = Counter(row.kind for summary in summaries for row in kind_rows(summary))
    shown = _columns(page)
    assert len(shown) == KIND_COLUMNS
    assert min(stated[kind] for kind in shown) >= max(stated[k] for k in stated if k not in shown)
    first = {row.kind: row for row in kind_rows(summaries[0])}
    for kind in shown:
        assert f'data-value="{first[kind].value:g}" data-kind="{kind}"' in page


def test_the_figures_to_check_are_listed_and_shown_in_their_reports(
    planted: tuple[Path, Path],
) -> None:
    results, review = planted
    page = review.read_text("utf-8")
    section = page.split('data-testid="outliers"')[1].split("</section>")[0]
    assert section.count('data-testid="outlier"') == len(PLANTS) and "化解率120%" in section
    # A flagged figure in a kind column is marked in the corpus table too.
    summaries = [record.summary for record in read_results(results).results]
    flagged = {
        (number, outlier.kind)
        for number, found in enumerate(find_outliers(summaries))
        for outlier in found
    }
    marked = re.findall(
        r'class="number outlier" title="请核对" data-value="[^"]*" data-kind="(\w+)"', page
    )
    assert sorted(marked) == sorted(kind for _, kind in flagged if kind in _columns(page))
    assert 'data-testid="report-outliers"' in report_html(page, "r4")
    assert 'data-testid="report-outliers"' not in report_html(page, "r1")


def test_report_text_in_the_kind_data_cannot_end_its_element(tmp_path: Path) -> None:
    write_planted(tmp_path, count=3)
    reports = sorted((tmp_path / "reports").glob("*.txt"))
    first = reports[0].read_text("utf-8").replace("青石镇", "青石</script><b>镇")
    reports[0].write_text(first, encoding="utf-8")
    results = tmp_path / "marked.jsonl"
    results.write_text(summaries_to_jsonl([summarize_offline(p) for p in reports]), "utf-8")
    page = render_review(results)
    data = page.split('id="kind-data">')[1].split("</script>")[0]
    assert "</" not in data and "\\u003c/script\\u003e" in data


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_chromium(CHROMIUM, os.environ)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    yield opened
    context.close()


def test_the_distribution_of_a_kind_is_drawn_tier_by_tier(
    planted: tuple[Path, Path], page: Page
) -> None:
    _, review = planted
    console = _Console(page)
    page.goto(review.as_uri())
    page.select_option("[data-testid=kind-select]", "publicity_materials")
    tiers = page.locator("[data-testid=kind-tier]")
    assert tiers.count() == 1
    assert tiers.first.text_content().startswith("乡镇（街道）：12 份")  # type: ignore[union-attr]
    bars = page.locator("[data-testid=kind-distribution] rect.bar")
    assert bars.count() == 12
    assert page.locator("[data-testid=kind-distribution] rect.bar.outlier").count() == 1
    # The highest bar is the planted ten-times figure; clicking it opens its report.
    page.locator("[data-testid=kind-distribution] a").first.click()
    page.wait_for_selector("#r6[data-loaded='1']")
    assert page.locator("#r6 [data-testid=report-outliers]").is_visible()
    assert console.errors == []


def test_a_flagged_figure_is_marked_in_its_column(planted: tuple[Path, Path]) -> None:
    results, _ = planted
    summaries = [record.summary for record in read_results(results).results]
    (outlier,) = find_outliers(summaries)[5]
    view = SimpleNamespace(
        kinds={row.kind: row for row in kind_rows(summaries[5])}, outliers=[outlier]
    )
    flagged, plain, absent = kind_cells(
        view, ["publicity_materials", "publicity_events", "funding"]
    )  # type: ignore[arg-type]
    assert flagged.startswith('<td class="number outlier" title="请核对" data-value="12000"')
    assert 'class="number"' in plain and "outlier" not in plain
    assert absent == '<td class="number empty" data-value="">—</td>'
