"""End-to-end summaries of the five samples by a REAL model, replayed from cassettes.

Recorded against the local llama-cpp-python server with Qwen2.5-Coder-1.5B-Instruct, with
the default plan (``scope="unsure"``: only the fields the rules floor is not sure of)
(``../shared/tools/local-llm run -- python -m pytest --record-mode=rewrite -k NAME``).
The assertions check the library's guarantees on those real answers — grounding, numbers,
the offline floor, digest numbers, provenance — not the model's wording.
"""

from __future__ import annotations

from typing import Any

import pytest

from rulelaw_llm import Summarizer, load_report, summarize_offline
from rulelaw_llm.categories import CATEGORIES
from rulelaw_llm.llm.prompts import PROMPT_VERSION
from rulelaw_llm.rules.digest import digest_violations
from rulelaw_llm.rules.grounding import value_in_text
from rulelaw_llm.rules.quantities import find_quantities
from tests.conftest import LOCAL_BASE_URL, LOCAL_MODEL, REPORTS, SAMPLES


def _local() -> Summarizer:
    return Summarizer(
        provider="llama-cpp-python", base_url=LOCAL_BASE_URL, model=LOCAL_MODEL, api_key="local"
    )


@pytest.mark.vcr
@pytest.mark.parametrize("slug", SAMPLES)
def test_llm_summary_of_a_sample_is_grounded(slug: str, played: Any) -> None:
    report = load_report(REPORTS / f"{slug}.txt")
    summary = _local().summarize(report)
    offline = summarize_offline(report)

    # Every item is grounded: its evidence slices the cleaned text exactly.
    items = [*summary.achievements, *summary.indicators, *summary.problems, *summary.plans]
    for item in items:
        evidence = item.evidence
        assert report.text[evidence.start : evidence.end] == evidence.quote
        assert item.category in CATEGORIES
    for problem in summary.problems:
        if problem.cause_evidence is not None:
            span = problem.cause_evidence
            assert report.text[span.start : span.end] == span.quote == problem.cause

    # Numbers are consistent: each indicator's value stands in its quote.
    for indicator in summary.indicators:
        assert value_in_text(indicator.value, indicator.evidence.quote), indicator

    # Never worse than the offline floor on what the pre-pass knows.
    assert [(i.value, i.unit, i.approx, i.evidence) for i in summary.indicators] == [
        (i.value, i.unit, i.approx, i.evidence) for i in offline.indicators
    ]
    assert [a.evidence for a in summary.achievements] == [a.evidence for a in offline.achievements]
    assert [p.evidence for p in summary.problems] == [p.evidence for p in offline.problems]
    assert [p.evidence for p in summary.plans] == [p.evidence for p in offline.plans]
    assert (summary.entity, summary.year) == (offline.entity, offline.year)

    # Coverage: every pre-pass quantity is an indicator; each name the model was asked for
    # is either the model's (checked) or the rules' with a warning.
    coverage = summary.coverage
    assert coverage is not None
    assert coverage.candidates == coverage.indicators
    assert coverage.asked == coverage.named_by_model + coverage.unresolved
    if coverage.unresolved:
        assert any("未得到模型的统计对象" in warning for warning in summary.warnings)
    # Where the rules were sure, their names and categories are kept.
    asked_names = {q.index for q in coverage.questions if q.field == "name"}
    for index, (mine, floor) in enumerate(zip(summary.indicators, offline.indicators, strict=True)):
        if index not in asked_names:
            assert (mine.name, mine.origin) == (floor.name, "prepass")
    asked_categories = {(q.target, q.index) for q in coverage.questions if q.field == "category"}
    for target, mine_items, floor_items in (
        ("achievement", summary.achievements, offline.achievements),
        ("problem", summary.problems, offline.problems),
        ("plan", summary.plans, offline.plans),
    ):
        for index, (mine, floor) in enumerate(zip(mine_items, floor_items, strict=True)):
            if (target, index) not in asked_categories:
                assert mine.category == floor.category

    # The digest: one paragraph, within the limit, numbers only from the indicators, each
    # written as the report writes it (500余份, not 500份).
    assert "\n" not in summary.digest and 0 < len(summary.digest) <= 250
    assert digest_violations(summary.digest, summary.indicators, summary.year) == []
    written = {q.raw for q in find_quantities(report.text)}
    for quantity in find_quantities(summary.digest):
        if quantity.value != summary.year:
            assert quantity.raw in written, quantity

    # Nothing failed silently: each rejected item says why.
    assert all(rejected.reason for rejected in summary.rejected)

    provenance = summary.provenance
    assert provenance.backend == "llm"
    assert (provenance.provider, provenance.model) == ("llama-cpp-python", LOCAL_MODEL)
    assert provenance.prompt_version == PROMPT_VERSION
    usage = provenance.usage
    assert usage.requests == len(usage.attempts) > 0
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.prompt_tokens == sum(attempt.prompt_tokens for attempt in usage.attempts)
