"""Long reports (county and department reports run 10,000–30,000 characters).

The long input here is ASSEMBLED from the real sample reports: the achievement parts of all
five, then their problem parts, then their plan parts, under one title. Model answers come
from the FAKE model (tests/fakes.py).
"""

from __future__ import annotations

import re

import httpx2
import openai

from rulelaw_llm import Summarizer, find_quantities, load_report, summarize_offline
from tests.conftest import REPORTS
from tests.fakes import FakeModel

_CN = "一二三四五六七八九十"


def assembled_long_report() -> str:
    reports = [load_report(path) for path in sorted(REPORTS.glob("*.txt"))]
    parts: dict[str, list[str]] = {"achievements": [], "problems": [], "plans": []}
    for report in reports:
        for kind, chunks in parts.items():
            kinds = ("problems", "causes") if kind == "problems" else (kind,)
            for section in report.sections_of(*kinds):  # type: ignore[arg-type]
                chunks.extend(item.text for item in section.items)
    # Twice over, as a county report covers many more units than a township's.
    parts = {kind: chunks * 2 for kind, chunks in parts.items()}
    lines = [
        "某某县2024年法治政府建设情况报告",
        "2024年，某某县坚持以习近平法治思想为指导，现将情况报告如下。",
    ]
    for number, (kind, heading) in enumerate(
        [
            ("achievements", "主要举措和成效"),
            ("problems", "存在的不足和原因"),
            ("plans", "2025年主要安排"),
        ]
    ):
        lines.append(f"{_CN[number]}、{heading}")
        for index, text in enumerate(parts[kind], 1):
            body = re.sub(
                r"^(（[一二三四五六七八九十\d]+）|\([\d]+\)|（\d+）|[一二三四五六七八九十]是)\s*",
                "",
                text,
            )
            lines.append(f"（{index}）{body}")
    return "\n".join(lines) + "\n"


def test_the_assembled_report_is_long() -> None:
    text = assembled_long_report()
    assert 10_000 <= len(text) <= 30_000


def test_a_long_report_is_split_into_small_requests_and_merged_without_duplicates() -> None:
    text = assembled_long_report()
    report = load_report(text)
    assert [s.kind for s in report.sections] == ["preamble", "achievements", "problems", "plans"]

    fake = FakeModel()
    client = openai.OpenAI(
        base_url="http://fake.test/v1",
        api_key="fake",
        http_client=httpx2.Client(transport=fake.transport()),
    )
    summary = Summarizer(client=client, model="fake", scope="all").summarize(report)
    offline = summarize_offline(report)

    # Work was split (every field asked): many requests, each a bounded slice of the report.
    assert len(fake.requests) > 20
    for body in fake.requests:
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        assert len(user) < 2_500
    # Complete: every item and every quantity of the long report is in the result, once.
    assert len(summary.achievements) == len(offline.achievements) == len(report.sections[1].items)
    assert len(summary.problems) == len(report.sections[2].items)
    assert len(summary.plans) == len(report.sections[3].items)
    found = [(i.evidence.start, i.evidence.end, i.value, i.unit) for i in summary.indicators]
    assert len(found) == len(set(found)) == len(find_quantities(report.text))
    assert summary.coverage is not None
    assert summary.coverage.candidates == summary.coverage.indicators
    assert summary.coverage.asked == summary.coverage.named_by_model + summary.coverage.unresolved
    # Grounded.
    for item in [*summary.achievements, *summary.indicators, *summary.problems, *summary.plans]:
        assert report.text[item.evidence.start : item.evidence.end] == item.evidence.quote
    assert all(rejected.reason for rejected in summary.rejected)
