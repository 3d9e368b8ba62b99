"""The Markdown view shows a report's text as written: markup in a report never renders."""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

from rulelaw_llm import summarize_offline, to_markdown
from rulelaw_llm.corpus.render import escape_markdown

MARKUP_REPORT = """<b>青石镇</b>2024年法治政府建设情况的报告
2024年，青石镇认真落实法治政府建设各项任务。
一、工作开展情况
（一）<script>alert("x")</script>加强组织领导。召开法治专题学习会议12次。
（二）**开展**普法宣传[点击](javascript:alert(1))。发放宣传单500余份，![图](http://x/a.png)。
（三）# 严格执法_规范_ `代码` a|b & <img src=x onerror=alert(1)>。办理案件15件。
二、存在的问题
（一）<iframe src="http://x"></iframe>基层法治力量薄弱。
三、下一步工作计划
（一）1. 继续> 加强学习。
"""


def _rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


def _visible_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_markup_in_a_report_shows_as_written_and_never_renders() -> None:
    markdown = to_markdown(summarize_offline(MARKUP_REPORT))
    page = _rendered(markdown)

    for tag in ("<script", "<iframe", "<img", "<a ", "<b>", "<em>", "<code>", "<ol", "<h1>青石"):
        assert tag not in page
    visible = _visible_text(page)
    assert '<script>alert("x")</script>加强组织领导' in visible
    assert "**开展**普法宣传[点击](javascript:alert(1))" in visible
    assert "# 严格执法_规范_ `代码` a|b & <img src=x onerror=alert(1)>" in visible
    assert '<iframe src="http://x"></iframe>基层法治力量薄弱' in visible


def test_escaped_text_reads_back_unchanged_at_the_start_of_a_line() -> None:
    for text in ("# 标题", "1. 列表", "- 条目", "+ 条目", "> 引用", "=== 下划线", "12) 条目"):
        page = _rendered(f"{escape_markdown(text)}\n")
        assert page == f"<p>{html.escape(text, quote=False)}</p>\n"


def test_each_digest_sentence_has_a_footnote_naming_its_sources() -> None:
    summary = summarize_offline(MARKUP_REPORT)
    markdown = to_markdown(summary)
    digest = markdown.split("## 摘要\n\n", 1)[1].split("\n\n## ", 1)[0]
    paragraph, *notes = [line for line in digest.splitlines() if line]
    assert paragraph.count("[^") == len(summary.digest_claims) == len(notes)
    for number, (claim, note) in enumerate(zip(summary.digest_claims, notes, strict=True), 1):
        assert note.startswith(f"[^{number}]: （模板）")
        for source in claim.sources:
            assert f"〔{source.start}–{source.end}〕" in note
    figures = next(note for note in notes if "数字指标" in note)
    assert "数字指标 #1〔" in figures and "召开法治专题学习会议12次" in figures
    # The sources' words are escaped like every other text of the report.
    assert "<script" not in _rendered(markdown)
