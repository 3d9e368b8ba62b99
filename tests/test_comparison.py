"""Comparing reports by kind: rows that sum what a report states of a measure, and the
outliers a person should check — every planted error caught, none on the five samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rulelaw_llm import audit, read_results, summarize_offline
from rulelaw_llm.auditing.comparison import (
    find_outliers,
    indicator_kinds,
    kind_rows,
    level_tier,
    median,
)
from rulelaw_llm.kinds import to_base
from rulelaw_llm.schema import ReportSummary
from tests.conftest import REPORTS, SAMPLES
from tests.planted_corpus import PLANTS, write_planted


def _sample(slug: str) -> ReportSummary:
    return summarize_offline(REPORTS / f"{slug}.txt")


def test_a_row_sums_the_indicators_of_its_kind_in_the_base_unit() -> None:
    summary = _sample("lvcun-zhen-2024")
    rows = {row.kind: row for row in kind_rows(summary)}
    fees = rows["fines_and_fees"]
    assert (fees.value, fees.unit, fees.aggregate) == (4_510_000, "元", "sum")
    assert [item.evidence.quote for item in fees.counted] == [
        "征收城镇垃圾处理费320户11万元",
        "征收规费440万元",
    ]
    # Every row is recomputable from the indicators it names.
    for row in rows.values():
        values = [summary.indicators[item.index] for item in row.counted]
        based = [to_base(row.kind, i.value, i.unit) for i in values]
        assert all(value is not None for value in based)
        total = sum(value[0] for value in based if value is not None)
        assert row.value == (total / len(values) if row.aggregate == "mean" else total)


def test_figures_of_another_year_are_not_summed() -> None:
    # 由2023年的20批次21人次，下降到2024年的1批次1人次: only 2024 counts.
    rows = {row.kind: row for row in kind_rows(_sample("lvcun-zhen-2024"))}
    assert rows["petitions"].value == 1 and rows["petitioners"].value == 1


def test_parts_introduced_by_qizhong_are_not_summed_again() -> None:
    # 共受理信访件189件，其中已处理解决173件，正在处理16件。
    summary = _sample("tianjiazhai-zhen-2024")
    petitions = next(row for row in kind_rows(summary) if row.kind == "petitions")
    assert petitions.value == 189
    assert [summary.indicators[index].value for index in petitions.parts] == [173, 16]


def test_rates_are_averaged_not_summed() -> None:
    rates = [row for row in kind_rows(_sample("ka-xiang-2024")) if row.family == "rate"]
    assert [(row.kind, row.value, row.aggregate) for row in rates] == [
        ("dispute_resolution_rate", 100, "mean")
    ]


def test_a_result_of_schema_1_2_gets_the_rules_kind() -> None:
    data = json.loads(_sample("wutong-zhen-2024").model_dump_json())
    data["provenance"]["schema_version"] = "1.2"
    for indicator in data["indicators"]:
        del indicator["kind"]
    old = ReportSummary.model_validate(data)
    assert indicator_kinds(old)[:4] == [
        "collective_law_study",
        "collective_law_study",
        "disputes_resolved",
        "dispute_resolution_rate",
    ]


def test_levels_are_compared_in_tiers() -> None:
    assert level_tier("乡") == level_tier("镇") == level_tier("街道") == "乡镇（街道）"
    assert level_tier("区") == "县（区）"
    assert level_tier(None) == "层级不明"
    assert median([3, 1, 2]) == 2 and median([4, 1, 2, 3]) == 2.5


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_planted(tmp_path_factory.mktemp("planted"))


def test_every_planted_error_is_caught_and_nothing_else(planted: Path) -> None:
    summaries = [record.summary for record in read_results(planted).results]
    found = {
        (number, outlier.code)
        for number, outliers in enumerate(find_outliers(summaries))
        for outlier in outliers
    }
    assert found == {(number, code) for number, (code, _) in PLANTS.items()}


def test_an_outlier_says_what_to_check_and_quotes_the_report(planted: Path) -> None:
    summaries = [record.summary for record in read_results(planted).results]
    (outlier,) = find_outliers(summaries)[5]
    assert outlier.kind == "publicity_materials" and outlier.unit == "份"
    assert outlier.value == 12_000 and outlier.others == 11
    assert outlier.median is not None and outlier.value >= 10 * outlier.median
    assert "请核对" in outlier.message and "发放宣传资料12000余份" in outlier.message
    text = Path(read_results(planted).results[5].input).read_text("utf-8")
    (evidence,) = outlier.evidence
    assert evidence.quote in text


def test_none_on_the_five_samples() -> None:
    assert find_outliers([_sample(slug) for slug in SAMPLES]) == [[] for _ in SAMPLES]


def test_the_audit_reports_outliers_as_findings_to_check(planted: Path) -> None:
    audits = audit(planted)
    outliers = [
        (number, finding.outlier)
        for number, result in enumerate(audits)
        for finding in result.findings
        if finding.code == "indicator_outlier"
    ]
    assert outliers == sorted((number, code) for number, (code, _) in PLANTS.items())
    finding = next(f for f in audits[3].findings if f.code == "indicator_outlier")
    assert finding.severity == "warning" and finding.indicator_kind == "dispute_resolution_rate"
    assert (finding.measured, finding.threshold) == (120, 100)
    assert audits[3].score.value == 100 - sum(
        line.deducted for line in audits[3].score.rubric if line.code != "indicator_outlier"
    )
