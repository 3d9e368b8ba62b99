"""The review page: structure checks in Python, behaviour in a real headless Chromium.

The browser tests drive Debian's Chromium (/usr/bin/chromium, ``apt-get install chromium``)
with Playwright for Python; they never download a browser. When that Chromium is missing
they are skipped with the reason, except in CI (``CI=true``) where they fail: a CI machine
must not pass without testing the page. Screenshots are written to ``test-artifacts/``.
A corpus of 1,000 reports (``tests/synthetic_corpus.py``) checks the page at scale.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import os
import re
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rulelaw_llm import Achievement, Evidence, Indicator, Problem, ReportSummary, load_report
from rulelaw_llm.corpus.batch import BatchRunner
from rulelaw_llm.corpus.evaluation import evidence_items, is_grounded
from rulelaw_llm.corpus.review import read_audits, render_review, write_review
from rulelaw_llm.errors import InputError
from rulelaw_llm.rules.offline import text_digest
from rulelaw_llm.schema import Provenance
from tests.conftest import GOLD, REPORTS, ROOT
from tests.synthetic_corpus import write_corpus

if TYPE_CHECKING:
    # The browser extra (playwright) is imported by the browser fixture: without it the
    # structure checks of this module still run, and the browser tests skip (fail in CI).
    from playwright.sync_api import Browser, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
MISSING_CHROMIUM = "需要 Debian 的 Chromium：apt-get install -y chromium"
MISSING_PLAYWRIGHT = '需要浏览器测试的依赖：python -m pip install -e ".[browser]"'


def _in_ci(environ: Mapping[str, str]) -> bool:
    return environ.get("CI", "").lower() in ("true", "1", "yes")


def require_chromium(path: Path, environ: Mapping[str, str]) -> None:
    """Skip when Chromium is missing, but fail in CI (``CI`` set to true), where it must be."""
    if path.exists():
        return
    if _in_ci(environ):
        pytest.fail(f"CI 中缺少 {path}，浏览器测试不能跳过：{MISSING_CHROMIUM}")
    pytest.skip(MISSING_CHROMIUM)


def require_playwright(environ: Mapping[str, str]) -> None:
    """Skip when the browser extra is not installed, but fail in CI, where it must be."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if _in_ci(environ):
            pytest.fail(f"CI 中缺少 playwright，浏览器测试不能跳过：{MISSING_PLAYWRIGHT}")
        pytest.skip(MISSING_PLAYWRIGHT)


#: A sixth report that repeats a problem and a plan of 卡乡 almost word for word: the five
#: samples alone share no problem or plan at similarity ≥ 0.8.
BOILERPLATE_REPORT = """示例镇2024年法治政府建设工作报告
一、工作开展情况
（一）加强组织领导
全年召开法治建设专题会议5次，开展普法宣传活动12场。
二、存在问题
（一）法治宣传形式单一，难以入脑入心
普法宣传多以发放资料为主，群众参与不够。
三、下一步工作计划
（一）持续加强法律法规学习
组织干部职工学法用法。
"""

PAYLOAD = """<script>window.__xss=1</script><img src=x onerror="window.__xss=2">"""
XSS_REPORT = f"""某乡2024年法治政府建设情况报告
一、工作开展情况
（一）加强普法宣传{PAYLOAD}
全年开展宣传活动3次，发放资料200余份<script>window.__xss=1</script>。
二、存在问题
（一）宣传形式单一<img src=x onerror="window.__xss=2">
群众参与不够。
三、下一步工作计划
（一）创新宣传方式{PAYLOAD}
丰富宣传载体。
"""


def _batch(inputs: list[Path], output: Path) -> Path:
    """Summarize ``inputs`` offline into a JSONL results file, as ``rulelaw-llm batch`` does.

    One report at a time, so the records keep the order of ``inputs`` (with more at once they
    are written as they finish, and the tests name reports by their place: ``r1``, ``r2``).
    """

    async def run() -> None:
        async for _ in BatchRunner(output, concurrency=1).run(inputs):
            pass

    # In its own thread: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()
    return output


def report_data(page: str, anchor: str) -> dict[str, object]:
    """The body and item fields the page embeds for one report (gzipped JSON in base64)."""
    match = re.search(
        rf'<script type="text/plain" class="report-data" id="data-{anchor}">([^<]*)<', page
    )
    assert match, f"no data block for {anchor}"
    data: dict[str, object] = json.loads(gzip.decompress(base64.b64decode(match.group(1))))
    return data


def report_html(page: str, anchor: str = "r1") -> str:
    """The HTML of one report's view, as the script inserts it."""
    return str(report_data(page, anchor)["html"])


def _grounded_ids(results: Path) -> int:
    count = 0
    for line in results.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        summary = ReportSummary.model_validate(record["summary"])
        text = load_report(record["input"]).text
        count += sum(1 for _, _, evidence in evidence_items(summary) if is_grounded(evidence, text))
    return count


# --------------------------------------------------------------------------- no browser


class _Marks(HTMLParser):
    """Checks that ``<mark>`` elements nest properly and collects the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict[str, str | None]] = []
        self.marks: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "mark":
            self.stack.append(dict(attrs))
            self.marks.append(dict(attrs))
            self.depth = max(self.depth, len(self.stack))

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            assert self.stack, "a </mark> without its <mark>"
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _summary_for(path: Path, **items: object) -> ReportSummary:
    text = load_report(path).text
    return ReportSummary.model_validate(
        {
            "entity": "某镇",
            "level": "镇",
            "year": 2024,
            "title": None,
            "digest": "摘要",
            **items,
            "provenance": Provenance(
                backend="llm",
                model="test-model",
                library_version="test",
                source=str(path),
                text_sha256=text_digest(text),
                created_at=datetime(2025, 1, 1, tzinfo=timezone.utc),
            ),
        }
    )


def _at(text: str, quote: str) -> Evidence:
    start = text.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote))


def test_nested_and_crossing_spans_give_well_formed_marks(tmp_path: Path) -> None:
    report = tmp_path / "mou-zhen-2024.txt"
    report.write_text("一、工作情况\n全年召开会议4次，化解纠纷5起，群众满意。\n", encoding="utf-8")
    text = load_report(report).text
    achievement = Achievement(
        category="other", summary="召开会议", evidence=_at(text, "全年召开会议4次，化解纠纷5起")
    )
    indicator = Indicator(
        name="会议",
        value=4,
        unit="次",
        approx=False,
        category="other",
        evidence=_at(text, "召开会议4次"),
    )
    crossing = Problem(
        category="other", summary="纠纷", evidence=_at(text, "化解纠纷5起，群众满意")
    )
    summary = _summary_for(
        report, achievements=[achievement], indicators=[indicator], problems=[crossing]
    )
    page = report_html(render_review([summary]))
    body = page[page.index('data-testid="report-text"') :]
    body = body[body.index(">") + 1 : body.index("</div>")]
    parser = _Marks()
    parser.feed(body)
    assert parser.stack == []
    assert "".join(parser.text) == text  # highlighting never changes the text
    heads = [mark for mark in parser.marks if mark.get("data-cont") is None]
    assert sorted(str(mark["data-kind"]) for mark in heads) == [
        "achievement",
        "indicator",
        "problem",
    ]
    assert parser.depth == 2  # the indicator nests inside the achievement
    continued = [mark["data-kind"] for mark in parser.marks if mark.get("data-cont")]
    assert continued == ["problem"]  # the problem crosses the achievement's end: split once


def test_report_and_model_text_is_escaped(tmp_path: Path) -> None:
    report = tmp_path / "xss-xiang-2024.txt"
    report.write_text(XSS_REPORT, encoding="utf-8")
    results = _batch([report], tmp_path / "out.jsonl")
    page = render_review(results)
    body = report_html(page)
    for html in (page, body):
        assert "<script>window" not in html
        assert "<img src=x" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in body
    fields = json.dumps(report_data(page, "r1")["items"], ensure_ascii=False)
    assert "<script>window.__xss=1</script>" in fields  # shown with textContent, never parsed
    # The report's data, the kinds' data (JSON) and the page's script.
    assert len(re.findall(r"<script\b", page)) == 3


def test_a_missing_report_file_is_said_and_items_still_listed(tmp_path: Path) -> None:
    report = tmp_path / "mou-zhen-2024.txt"
    report.write_text("一、工作情况\n全年召开会议4次。\n", encoding="utf-8")
    results = _batch([report], tmp_path / "out.jsonl")
    report.unlink()
    page = report_html(render_review(results))
    assert 'data-testid="missing-text"' in page and "找不到原文文件" in page
    assert 'data-testid="item"' in page and "<mark" not in page


def test_write_review_writes_one_file_without_external_references(tmp_path: Path) -> None:
    results = _batch([REPORTS / "wutong-zhen-2024.txt"], tmp_path / "out.jsonl")
    output = write_review(results, tmp_path / "sub" / "review.html", gold_dir=GOLD)
    assert output == tmp_path / "sub" / "review.html"
    page = output.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)
    assert '<link rel="stylesheet"' not in page and "<script src" not in page
    assert 'data-testid="evaluation"' in page and 'data-testid="gold"' in report_html(page)
    for html in (page, report_html(page)):
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)


# --------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_playwright(os.environ)
    require_chromium(CHROMIUM, os.environ)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The five samples and a sixth report with boilerplate: results file and review page."""
    folder = tmp_path_factory.mktemp("corpus")
    extra = folder / "shili-zhen-2024.txt"
    extra.write_text(BOILERPLATE_REPORT, encoding="utf-8")
    results = _batch([REPORTS, extra], folder / "out.jsonl")
    return results, write_review(results, folder / "review.html", gold_dir=GOLD)


class _Console:
    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", self._message)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _message(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"{message.type}: {message.text}")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    yield opened
    context.close()


def test_the_page_loads_without_console_errors(corpus: tuple[Path, Path], page: Page) -> None:
    _, review = corpus
    console = _Console(page)
    page.goto(review.as_uri())
    page.wait_for_load_state("load")
    assert page.title() == "法治政府建设年度报告 · 抽取结果审阅"
    assert page.locator("[data-testid=corpus]").is_visible()
    assert page.locator("[data-testid=report-link]").count() == 6
    page.click("nav a[data-view=r3]")
    assert page.locator("#r3").is_visible() and not page.locator("#corpus").is_visible()
    assert console.errors == []


def test_every_grounded_item_is_highlighted_once(corpus: tuple[Path, Path], page: Page) -> None:
    results, review = corpus
    page.goto(review.as_uri())
    assert page.locator("mark.ev").count() == 0  # report bodies are built when shown
    ids: set[str] = set()
    heads = 0
    for anchor in page.eval_on_selector_all("nav a[data-view]", "a => a.map(x => x.dataset.view)"):
        page.click(f"nav a[data-view={anchor}]")
        view = page.locator(f"#{anchor}[data-loaded='1']")
        view.wait_for()
        ids |= set(view.evaluate("v => [...v.querySelectorAll('mark.ev')].map(m => m.dataset.id)"))
        heads += view.locator("mark.ev:not(.ev-cont)").count()
    expected = _grounded_ids(results)
    assert expected > 100
    assert len(ids) == heads == expected


def test_clicking_a_highlight_shows_its_fields(corpus: tuple[Path, Path], page: Page) -> None:
    _, review = corpus
    page.goto(review.as_uri())
    view = page.locator("[data-testid=report][data-report='shenzha-zhen-2024.txt']")
    page.click(f"nav a[data-view={view.get_attribute('id')}]")
    mark = view.locator("mark.ev-indicator", has_text="发放宣传单（册）500余份")
    mark.click()
    panel = view.locator("[data-testid=panel-body]")
    assert panel.locator("[data-field=value]").inner_text() == "500"
    assert panel.locator("[data-field=unit]").inner_text() == "份"
    assert panel.locator("[data-field=approx]").inner_text() == "是"
    assert panel.locator("[data-field=category]").inner_text() == "普法宣传"
    assert "与金标准匹配" in panel.locator("[data-field=gold]").inner_text()
    assert "selected" in (mark.get_attribute("class") or "")
    # Hovering another highlight previews it; leaving it brings the pinned item back.
    view.locator("mark.ev-problem").first.hover()
    assert panel.locator("[data-field=cause]").count() == 1
    page.mouse.move(5, 5)
    assert panel.locator("[data-field=value]").inner_text() == "500"
    # A list entry selects the same item as its highlight.
    view.locator("button.item[data-kind=plan]").first.click()
    assert panel.get_attribute("data-current") == view.locator("mark.ev-plan").first.get_attribute(
        "data-id"
    )
    mark.click()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review.png"))


def test_a_digest_sentence_shows_its_highlighted_sources(
    corpus: tuple[Path, Path], page: Page
) -> None:
    _, review = corpus
    page.goto(review.as_uri())
    view = page.locator("[data-testid=report][data-report='shenzha-zhen-2024.txt']")
    page.click(f"nav a[data-view={view.get_attribute('id')}]")
    claims = view.locator("[data-testid=digest-claim]")
    assert claims.count() == 4  # measures, figures, problems, plans
    assert claims.first.inner_text().startswith("申扎镇2024年")
    figures = claims.nth(1)
    ids = (figures.get_attribute("data-sources") or "").split()
    assert len(ids) >= 2 and all("-indicator-" in item_id for item_id in ids)
    figures.click()
    panel = view.locator("[data-testid=panel-body]")
    panel.locator("[data-field=value]").wait_for()
    assert panel.get_attribute("data-current") == ids[0]
    for item_id in ids:
        mark = view.locator(f"mark.ev[data-id='{item_id}']").first
        assert "selected" in (mark.get_attribute("class") or "")
    assert "selected" in (figures.get_attribute("class") or "")
    first = view.locator(f"mark.ev[data-id='{ids[0]}']").first
    assert first.evaluate("m => m.getBoundingClientRect().top < window.innerHeight")
    # The problems' sentence selects the problems it speaks of.
    claims.nth(2).click()
    assert "-problem-" in (panel.get_attribute("data-current") or "")


def test_the_corpus_shows_charts_and_boilerplate(corpus: tuple[Path, Path], page: Page) -> None:
    _, review = corpus
    page.goto(review.as_uri())
    for chart in ("chart-problems", "chart-plans", "chart-indicators"):
        svg = page.locator(f"[data-testid={chart}] svg")
        assert svg.is_visible()
        assert svg.locator("rect.bar").count() > 0
    assert "普法宣传" in page.locator("[data-testid=chart-problems] svg").inner_html()
    flags = page.locator("[data-testid=boilerplate-flag]")
    assert flags.count() == 2  # the problem and the plan that 示例镇 repeats
    flag = flags.filter(has_text="法治宣传形式单一")
    assert "卡乡" in flag.inner_text() and "示例镇" in flag.inner_text()
    flag.locator("a").first.click()  # jumps to the item in its report
    # The report's body is built when it is shown: wait for it rather than race it.
    marked = page.locator(".view.active [data-testid=panel-body] [data-field=boilerplate]")
    marked.first.wait_for()
    assert marked.count()
    page.goto(review.as_uri() + "#corpus")
    page.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-corpus.png"), full_page=True)


def test_markup_in_a_report_is_shown_as_text_and_never_runs(tmp_path: Path, page: Page) -> None:
    report = tmp_path / "xss-xiang-2024.txt"
    report.write_text(XSS_REPORT, encoding="utf-8")
    review = write_review(_batch([report], tmp_path / "out.jsonl"), tmp_path / "review.html")
    console = _Console(page)
    page.goto(review.as_uri() + "#r1")
    view = page.locator("#r1[data-loaded='1']")
    view.wait_for()
    for mark in view.locator("mark.ev:not(.ev-cont)").all():
        mark.click()  # the panel shows the model's fields, markup included
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#r1 img").count() == 0
    text = view.locator("[data-testid=report-text]").inner_text()
    assert "<script>window.__xss=1</script>" in text
    assert '<img src=x onerror="window.__xss=2">' in text
    assert "<script>" in view.locator("[data-testid=panel-body]").inner_text()
    assert console.errors == []


# --------------------------------------------------------------------------- names, folding, CI


def test_reports_with_the_same_name_get_tabs_that_name_their_file(tmp_path: Path) -> None:
    summaries = []
    for name in ("dongcun-zhen-2024.txt", "xicun-zhen-2024.txt"):
        report = tmp_path / name
        report.write_text("一、工作情况\n全年召开会议4次。\n", encoding="utf-8")
        summaries.append(_summary_for(report))  # both say entity 某镇
    page = render_review(summaries)
    nav = re.findall(r'<a href="#r\d" data-view="r\d"[^>]*>([^<]*)</a>', page)
    assert nav == ["某镇（dongcun-zhen-2024.txt）", "某镇（xicun-zhen-2024.txt）"]
    assert "xicun-zhen-2024.txt" in report_html(page, "r2")


def test_a_long_list_of_rejected_items_starts_folded(tmp_path: Path) -> None:
    report = tmp_path / "mou-zhen-2024.txt"
    report.write_text("一、工作情况\n全年召开会议4次。\n", encoding="utf-8")

    def rejected(count: int) -> list[dict[str, object]]:
        return [
            {"kind": "indicator", "content": {"n": n}, "reason": "名称无依据"} for n in range(count)
        ]

    few = report_html(render_review([_summary_for(report, rejected=rejected(2))]))
    many = report_html(render_review([_summary_for(report, rejected=rejected(12))]))
    assert '<details class="box" data-testid="rejected" open>' in few
    assert '<details class="box" data-testid="rejected">' in many
    assert many.count('data-testid="rejected-item"') == 12


def test_browser_tests_skip_without_chromium_but_fail_in_ci(tmp_path: Path) -> None:
    missing = tmp_path / "chromium"
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        require_chromium(missing, {})
    with pytest.raises(pytest.fail.Exception, match="CI 中缺少"):
        require_chromium(missing, {"CI": "true"})
    missing.touch()
    require_chromium(missing, {"CI": "true"})  # present: neither


# --------------------------------------------------------------------------- audits


@dataclass(frozen=True)
class FindingInput:
    """A finding as the page reads it (the audit module's ``Finding`` has these fields)."""

    code: str
    severity: str
    message: str
    evidence: list[Evidence] = field(default_factory=list)
    looked_for: str | None = None


@dataclass(frozen=True)
class ScoreInput:
    value: int


@dataclass(frozen=True)
class AuditInput:
    """An audit as the page reads it (the audit module's ``Audit`` has these fields)."""

    input: str
    findings: list[FindingInput]
    score: ScoreInput


def _audited(tmp_path: Path) -> tuple[Path, list[AuditInput]]:
    results = _batch(
        [REPORTS / "wutong-zhen-2024.txt", REPORTS / "ka-xiang-2024.txt"], tmp_path / "out.jsonl"
    )
    text = load_report(REPORTS / "wutong-zhen-2024.txt").text
    wutong = AuditInput(
        str(REPORTS / "wutong-zhen-2024.txt"),
        [
            FindingInput(
                "missing_part",
                "error",
                "未写明党政主要负责人履行第一责任人职责情况。",
                looked_for="查找了标题和正文中的“第一责任人”，未找到。",
            ),
            FindingInput(
                "vague_plan", "warning", "计划没有可衡量的目标<b>", [_at(text, text[100:120])]
            ),
            FindingInput("vague_plan", "warning", "另一条计划空泛。"),
        ],
        ScoreInput(71),
    )
    kaxiang = AuditInput(
        "ka-xiang-2024.txt",  # matched by file name
        [FindingInput("missing_part", "error", "未写明原因。")],
        ScoreInput(85),
    )
    return results, [wutong, kaxiang]


def test_audits_show_findings_per_report_and_a_table_by_code(tmp_path: Path) -> None:
    results, audits = _audited(tmp_path)
    page = render_review(results, audits=audits)
    table = page[page.index('data-testid="findings"') :]
    table = table[: table.index("</section>")]
    rows = re.findall(
        r'data-code="(\w+)"><td><button[^>]*>\w+</button></td><td>([^<]+)</td>.*?<td class="number">(\d+)</td><td class="number">(\d+)</td>',
        table,
    )
    assert rows == [
        ("missing_part", "缺少必备部分", "2", "2"),
        ("vague_plan", "计划空泛", "1", "2"),
    ]
    assert "得分中位数 78" in table
    wutong = report_html(page, "r1")
    assert "审核：得分 71，发现 3 项" in wutong
    assert wutong.count('data-testid="finding"') == 3
    assert "查找了标题和正文中的“第一责任人”，未找到。</p>" in wutong
    assert "计划没有可衡量的目标&lt;b&gt;" in wutong
    assert "审核：得分 85" in report_html(page, "r2")
    header = re.findall(r'class="sort" data-testid="sort">([^<]+)<', page)
    assert header[5:9] == ["审核得分", "错误", "警告", "提示"]
    first_row = page[page.index('data-testid="corpus-row"') :].split("</tr>")[0]
    assert '<td class="number" data-value="71">71</td>' in first_row


def test_without_audits_the_audit_parts_are_absent(tmp_path: Path) -> None:
    results, _ = _audited(tmp_path)
    page = render_review(results)
    assert 'data-testid="findings"' not in page and "审核得分" not in page
    assert 'data-testid="audit"' not in report_html(page, "r1")
    # An audit for another input leaves this report without one, said in the corpus.
    other = render_review(results, audits=[AuditInput("elsewhere.txt", [], ScoreInput(100))])
    assert "2 份报告没有审核结果" in other


def test_read_audits_reads_the_audit_json_and_refuses_other_files(tmp_path: Path) -> None:
    audit = {
        "input": "a.txt",
        "entity": "某镇",
        "findings": [
            {
                "code": "vague_plan",
                "severity": "warning",
                "message": "空泛",
                "evidence": [{"quote": "计划", "start": 3, "end": 5}],
            }
        ],
        "score": {"value": 90, "maximum": 100, "rubric": []},
    }
    array = tmp_path / "audits.json"
    array.write_text(
        json.dumps([audit, {**audit, "input": "b.txt"}], ensure_ascii=False), encoding="utf-8"
    )
    lines = tmp_path / "audits.jsonl"
    lines.write_text(json.dumps(audit, ensure_ascii=False) + "\n", encoding="utf-8")
    read = read_audits(array)
    assert [a.input for a in read] == ["a.txt", "b.txt"] and read[0].score.value == 90
    assert read[0].findings[0].evidence[0].quote == "计划"
    assert [a.input for a in read_audits(lines)] == ["a.txt"]
    results = tmp_path / "results.jsonl"
    results.write_text('{"record": "result", "summary": {}}\n', encoding="utf-8")
    for path, message in ((results, "不是审核结果"), (REPORTS / "ka-xiang-2024.txt", "不是 JSON")):
        with pytest.raises(InputError, match=message):
            read_audits(path)


def test_review_command_takes_an_audit_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rulelaw_llm.cli import main

    results = _batch([REPORTS / "wutong-zhen-2024.txt"], tmp_path / "out.jsonl")
    audits = tmp_path / "audits.json"
    audits.write_text(
        json.dumps(
            [
                {
                    "input": str(REPORTS / "wutong-zhen-2024.txt"),
                    "findings": [],
                    "score": {"value": 100},
                }
            ]
        ),
        encoding="utf-8",
    )
    assert (
        main(["review", str(results), "-o", str(tmp_path / "r.html"), "--audit", str(audits)]) == 0
    )
    assert 'data-testid="findings"' in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert (
        main(["review", str(results), "-o", str(tmp_path / "r.html"), "--audit", str(results)]) != 0
    )
    assert "不是审核结果" in capsys.readouterr().err


# --------------------------------------------------------------------------- 1,000 reports


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A corpus of 1,000 distinct reports (renamed samples) and its review page."""
    folder = tmp_path_factory.mktemp("thousand")
    results = write_corpus(folder, 1000)
    started = time.perf_counter()
    review = write_review(results, folder / "review.html")
    print(f"\n1,000 reports: page written in {time.perf_counter() - started:.1f} s")
    return review, review.read_text(encoding="utf-8")


def test_a_thousand_reports_make_a_page_under_30_mb_with_top_entries_in_charts(
    thousand: tuple[Path, str],
) -> None:
    review, page = thousand
    size = review.stat().st_size
    print(f"1,000 reports: {size / 1e6:.1f} MB")
    assert size < 30_000_000
    assert page.count('data-testid="corpus-row"') == 1000
    assert page.count('data-testid="corpus-row" hidden') == 800  # one page of 200 shown
    assert len(re.findall(r'<a href="#r\d+" data-view=', page)) == 1000  # the navigation
    assert page.count('data-testid="report-link"') == 1000
    assert "<mark" not in page  # the bodies are data until shown
    for chart in ("chart-problems", "chart-plans", "chart-achievements"):
        svg = page[page.index(f'data-testid="{chart}"') :]
        svg = svg[: svg.index("</figure>")]
        # At 1,000 reports a bar counts the reports of a category (a stack of 991 grey
        # reports said nothing): no legend of reports, no "其他" part.
        assert "共 1,000 份" in svg and "其他" not in svg
        reports = [int(n) for n in re.findall(r'data-reports="(\d+)"', svg)]
        assert reports and reports == sorted(reports, reverse=True) and reports[0] <= 1000
    indicators = page[page.index('data-testid="chart-indicators"') :]
    indicators = indicators[: indicators.index("</figure>")]
    assert indicators.count('data-other="1"') == 12  # each of 12 indicators: top 10 and 其他
    assert re.search(r"其他 \d+ 条", indicators)


def test_a_thousand_reports_search_sort_group_and_open_in_chromium(
    thousand: tuple[Path, str], page: Page
) -> None:
    review, _ = thousand
    console = _Console(page)
    started = time.perf_counter()
    page.goto(review.as_uri())
    page.wait_for_load_state("load")
    print(f"\n1,000 reports: loaded in Chromium in {time.perf_counter() - started:.1f} s")
    rows = page.locator("[data-testid=corpus-row]:visible")
    assert rows.count() == 200
    assert page.locator("[data-testid=search-count]").inner_text() == "1000 份报告"

    # Search: the table and the navigation keep only the matching names.
    page.fill("[data-testid=search]", "青石岗")
    names = [name for name in rows.locator("a").all_inner_texts()]
    assert names and all("青石岗" in name for name in names)
    nav = page.locator("nav a[data-view]:visible").all_inner_texts()
    assert nav == names
    assert page.locator("[data-testid=search-count]").inner_text() == f"匹配 {len(names)} / 1000 份"
    page.fill("[data-testid=search]", "司法局")  # departments: 1 in 4 reports, 1 in 6 of those
    assert page.locator("[data-testid=search-count]").inner_text() == "匹配 42 / 1000 份"
    page.fill("[data-testid=search]", "")

    # Sort by indicators: few indicators is what needs looking at, so smallest first;
    # again for largest first.
    header = page.locator("[data-testid=sort]", has_text="数字指标")
    column = page.locator("table.corpus thead th").all_inner_texts().index(header.inner_text())

    def indicator_counts() -> list[int]:
        return [
            int(value)
            for value in rows.evaluate_all(f"r => r.map(x => x.cells[{column}].dataset.value)")
        ]

    header.click()  # the samples have 5 to 21 indicators; the first page holds 200 rows
    assert indicator_counts() == [5] * 200
    header.click()
    assert indicator_counts() == [21] * 200
    page.click("[data-testid=show-all]")
    counts = indicator_counts()
    assert len(counts) == 1000 and counts == sorted(counts, reverse=True) and counts[0] == 21

    # Group by level: one heading per level with its count.
    page.select_option("[data-testid=group-by]", "level")
    groups = page.locator("[data-testid=group-row]").all_inner_texts()
    assert sorted(groups) == ["乡（250 份）", "街道（250 份）", "部门（250 份）", "镇（250 份）"]
    page.select_option("[data-testid=group-by]", "parent")
    assert (
        page.locator("[data-testid=group-row]").count() == 80
    )  # 40 counties, each with its departments' government

    # A report's body is built when its link is clicked.
    page.select_option("[data-testid=group-by]", "")
    link = page.locator("[data-testid=report-link]").nth(500)
    anchor = (link.get_attribute("href") or "").lstrip("#")
    assert page.locator(f"#{anchor} mark.ev").count() == 0
    link.click()
    view = page.locator(f"#{anchor}[data-loaded='1']")
    view.wait_for()
    assert view.locator("mark.ev").count() > 10
    view.locator("mark.ev-indicator").first.click()
    assert view.locator("[data-testid=panel-body] [data-field=value]").count() == 1
    assert console.errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-1000-report.png"))


def test_a_deep_link_shows_the_title_below_the_sticky_header(
    corpus: tuple[Path, Path], page: Page
) -> None:
    _, review = corpus
    page.set_viewport_size({"width": 1400, "height": 700})
    page.goto(review.as_uri())
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.evaluate("location.hash = 'r5'")
    title = page.locator("#r5[data-loaded='1'] [data-testid=report-title]")
    title.wait_for()
    page.wait_for_timeout(100)
    header = page.locator("header.top").bounding_box()
    box = title.bounding_box()
    assert header is not None and box is not None
    assert box["y"] >= header["y"] + header["height"]
    assert box["y"] < 200  # and it was scrolled to, not left at the bottom


def test_audit_findings_filter_the_corpus_table_in_chromium(tmp_path: Path, page: Page) -> None:
    results, audits = _audited(tmp_path)
    review = write_review(results, tmp_path / "review.html", audits=audits)
    console = _Console(page)
    page.goto(review.as_uri())
    rows = page.locator("[data-testid=corpus-row]:visible")
    assert rows.count() == 2
    page.click("button.code-filter[data-code=vague_plan]")  # only 梧桐镇 has a vague plan
    assert rows.locator("a").all_inner_texts() == ["梧桐镇"]
    assert "vague_plan" in page.locator("[data-testid=code-filter]").inner_text()
    assert page.locator("[data-testid=search-count]").inner_text() == "匹配 1 / 2 份"
    page.click("[data-testid=clear-code-filter]")
    assert rows.count() == 2 and not page.locator("[data-testid=code-filter]").is_visible()
    rows.locator("a", has_text="梧桐镇").click()
    box = page.locator(".view.active [data-testid=audit]")
    assert "得分 71" in box.inner_text()
    assert box.locator("[data-testid=finding]").count() == 3
    assert box.locator("b").count() == 0  # a finding's markup is text
    assert console.errors == []
