"""The rules backend: grounded by construction, complete on the samples."""

from __future__ import annotations

from rulelaw_llm import ReportSummary, load_report, summarize_offline
from rulelaw_llm.categories import CATEGORIES
from rulelaw_llm.rules.digest import digest_violations
from tests.conftest import EXPECTED, GOLD, REPORTS, load_json


def _evidences(summary: ReportSummary) -> list[tuple[str, int, int]]:
    found = []
    for item in [*summary.achievements, *summary.indicators, *summary.problems, *summary.plans]:
        found.append((item.evidence.quote, item.evidence.start, item.evidence.end))
    for problem in summary.problems:
        if problem.cause_evidence is not None:
            evidence = problem.cause_evidence
            found.append((evidence.quote, evidence.start, evidence.end))
    return found


def test_every_item_is_grounded_in_the_cleaned_text(sample: str) -> None:
    report = load_report(REPORTS / f"{sample}.txt")
    summary = summarize_offline(report)
    for quote, start, end in _evidences(summary):
        assert quote and report.text[start:end] == quote


def test_indicator_numbers_stand_in_their_quotes(sample: str) -> None:
    summary = summarize_offline(REPORTS / f"{sample}.txt")
    gold = load_json(GOLD / f"{sample}.json")
    assert len(summary.indicators) == len(gold["indicators"])
    for indicator, expected in zip(summary.indicators, gold["indicators"], strict=False):
        assert expected["raw"] in indicator.evidence.quote
        assert (indicator.value, indicator.unit, indicator.approx) == (
            expected["value"],
            expected["unit"],
            expected["approx"],
        )


def test_problems_and_plans_follow_the_report_items(sample: str) -> None:
    summary = summarize_offline(REPORTS / f"{sample}.txt")
    expected = load_json(EXPECTED / f"{sample}.json")["items"]
    assert len(summary.problems) == len(expected["problems"])
    assert len(summary.plans) == len(expected["plans"])
    assert len(summary.achievements) == len(expected["achievements"])
    if expected["causes"]:
        assert all(problem.cause for problem in summary.problems)


def test_metadata_categories_digest_and_provenance(sample: str) -> None:
    summary = summarize_offline(REPORTS / f"{sample}.txt")
    gold = load_json(GOLD / f"{sample}.json")
    assert (summary.entity, summary.year) == (gold["entity"], gold["year"])
    categories = [item.category for item in [*summary.achievements, *summary.problems]]
    assert set(categories) <= set(CATEGORIES)
    assert summary.digest.startswith(f"{gold['entity']}{gold['year']}年")
    assert len(summary.digest) <= 250
    assert digest_violations(summary.digest, summary.indicators, summary.year) == []
    assert summary.provenance.backend == "rules"
    assert summary.provenance.source and summary.provenance.source.endswith(f"{sample}.txt")
    assert len(summary.provenance.text_sha256) == 64
    assert summary.warnings == []


def test_result_round_trips_through_json(sample: str) -> None:
    summary = summarize_offline(REPORTS / f"{sample}.txt")
    assert ReportSummary.model_validate_json(summary.model_dump_json()) == summary


def test_a_report_without_parts_still_gets_a_summary_with_warnings() -> None:
    summary = summarize_offline("今年开展普法宣传活动12场，发放资料300余份。")
    assert [indicator.value for indicator in summary.indicators] == [12, 300]
    assert any("存在的问题" in warning for warning in summary.warnings)
    assert any("主体" in warning for warning in summary.warnings)


def test_digest_check_flags_numbers_that_are_not_indicators() -> None:
    summary = summarize_offline(REPORTS / "tianjiazhai-zhen-2024.txt")
    assert digest_violations("化解矛盾纠纷52件，化解率100%，2024年", summary.indicators, 2024) == []
    assert digest_violations("化解矛盾纠纷53件，开展五次培训", summary.indicators, 2024) == [
        "53",
        "五次",
    ]


def test_a_cause_from_the_causes_part_is_exactly_its_evidence() -> None:
    summary = summarize_offline(REPORTS / "wutong-zhen-2024.txt")
    causes = [problem for problem in summary.problems if problem.cause_evidence is not None]
    assert causes
    for problem in causes:
        assert problem.cause_evidence is not None
        assert problem.cause == problem.cause_evidence.quote
