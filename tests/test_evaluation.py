"""Evaluation against gold annotations: the matching rules on tiny hand-built cases."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from rulelaw_llm import (
    Evidence,
    Indicator,
    InputError,
    Plan,
    Problem,
    ReportSummary,
    load_report,
    summarize_offline,
)
from rulelaw_llm.corpus.evaluation import Evaluation, evaluate, render_table
from rulelaw_llm.rules.offline import text_digest
from rulelaw_llm.schema import Provenance
from tests.conftest import GOLD, REPORTS

TINY = """某镇2024年法治政府建设情况报告
一、主要举措和成效
（一）加强组织领导。全年召开法治专题会议4次，发放宣传资料200余份。
二、存在的问题
一是法治宣传形式单一。二是法律专业人员不足。
三、下一步工作计划
（一）创新普法宣传方式，丰富活动载体。
"""

GOLD_TINY = {
    "report": "tiny.txt",
    "entity": "某镇",
    "parent_entity": None,
    "level": "镇",
    "year": 2024,
    "indicators": [
        {"raw": "4次", "value": 4, "unit": "次", "approx": False, "context": "法治专题会议4次"},
        {
            "raw": "200余份",
            "value": 200,
            "unit": "份",
            "approx": True,
            "context": "发放宣传资料200余份",
        },
    ],
    "problems": [{"quote": "一是法治宣传形式单一"}, {"quote": "二是法律专业人员不足"}],
    "causes": [],
    "plans": [{"quote": "（一）创新普法宣传方式"}],
}


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    """The tiny report file and a gold directory holding its annotation."""
    report = tmp_path / "reports" / "tiny.txt"
    report.parent.mkdir()
    report.write_text(TINY, encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "tiny.json").write_text(json.dumps(GOLD_TINY, ensure_ascii=False), encoding="utf-8")
    return report, gold


def _at(text: str, quote: str) -> Evidence:
    start = text.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote))


def _indicator(evidence: Evidence, value: float, unit: str, approx: bool) -> Indicator:
    return Indicator(
        name="指标", value=value, unit=unit, approx=approx, category="other", evidence=evidence
    )


def _summary(
    report: Path,
    *,
    indicators: list[Indicator] | None = None,
    problems: list[Problem] | None = None,
    plans: list[Plan] | None = None,
) -> ReportSummary:
    text = load_report(report).text
    if indicators is None:
        indicators = [
            _indicator(_at(text, "召开法治专题会议4次"), 4, "次", False),
            _indicator(_at(text, "发放宣传资料200余份"), 200, "份", True),
        ]
    if problems is None:
        problems = [
            Problem(category="legal_publicity", summary="宣传形式单一", evidence=_at(text, q))
            for q in ("法治宣传形式单一", "法律专业人员不足")
        ]
    if plans is None:
        plans = [
            Plan(
                category="legal_publicity",
                summary="创新普法",
                evidence=_at(text, "创新普法宣传方式，丰富活动载体。"),
            )
        ]
    return ReportSummary(
        entity="某镇",
        level="镇",
        year=2024,
        title="某镇2024年法治政府建设情况报告",
        indicators=indicators,
        problems=problems,
        plans=plans,
        digest="",
        provenance=Provenance(
            backend="rules",
            library_version="test",
            source=str(report),
            text_sha256=text_digest(text),
            created_at=datetime(2025, 1, 1, tzinfo=timezone.utc),
        ),
    )


def test_a_perfect_result_scores_one_everywhere(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    evaluation = evaluate([_summary(report)], gold)
    for field in (evaluation.indicators, evaluation.problems, evaluation.plans):
        assert (field.precision, field.recall, field.f1) == (1.0, 1.0, 1.0)
    causes = evaluation.causes
    assert (causes.gold, causes.predicted, causes.f1) == (0, 0, 1.0)
    assert (evaluation.entity_accuracy, evaluation.year_accuracy) == (1.0, 1.0)
    assert (evaluation.grounded, evaluation.items, evaluation.grounding_rate) == (5, 5, 1.0)
    assert [match.method for match in evaluation.reports[0].problems.matches] == ["span", "span"]
    assert evaluation.reports[0].notes == []


def test_a_wrong_unit_does_not_match(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    text = load_report(report).text
    wrong = _indicator(_at(text, "召开法治专题会议4次"), 4, "场", False)
    right = _indicator(_at(text, "发放宣传资料200余份"), 200, "份", True)
    score = evaluate([_summary(report, indicators=[wrong, right])], gold).indicators
    assert (score.matched, score.precision, score.recall) == (1, 0.5, 0.5)


def test_an_approx_mismatch_does_not_match(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    text = load_report(report).text
    exact = _indicator(_at(text, "发放宣传资料200余份"), 200, "份", False)
    evaluation = evaluate([_summary(report, indicators=[exact])], gold)
    assert evaluation.indicators.matched == 0
    assert evaluation.reports[0].indicators.missed == [
        "4次（法治专题会议4次）",
        "200余份（发放宣传资料200余份）",
    ]


def test_a_span_that_does_not_overlap_does_not_match(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    text = load_report(report).text
    # Right value, unit and approx, but grounded in another clause of the report.
    elsewhere = _indicator(_at(text, "加强组织领导"), 4, "次", False)
    evaluation = evaluate([_summary(report, indicators=[elsewhere])], gold)
    assert (evaluation.indicators.matched, evaluation.indicators.predicted) == (0, 1)
    assert evaluation.grounding_rate == 1.0  # grounded, just not where the gold number is


def test_a_problem_can_match_by_similarity_alone(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    text = load_report(report).text
    # A paraphrased quote with no usable span: only the text can match it.
    paraphrase = Problem(
        category="legal_publicity",
        summary="宣传形式单一",
        evidence=Evidence(quote="法治宣传的形式较为单一", start=0, end=0),
    )
    other = Problem(
        category="legal_learning", summary="缺人", evidence=_at(text, "法律专业人员不足")
    )
    evaluation = evaluate([_summary(report, problems=[paraphrase, other])], gold)
    matches = evaluation.reports[0].problems.matches
    assert [(m.gold, m.predicted, m.method) for m in matches] == [
        (0, 0, "similarity"),
        (1, 1, "span"),
    ]
    assert matches[0].similarity >= 0.6
    assert (evaluation.grounded, evaluation.items) == (4, 5)  # the paraphrase is not grounded


def test_dissimilar_text_without_overlap_does_not_match(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    unrelated = Problem(
        category="other",
        summary="道路建设滞后",
        evidence=Evidence(quote="道路建设资金缺口较大", start=0, end=0),
    )
    score = evaluate([_summary(report, problems=[unrelated])], gold).problems
    assert (score.matched, score.precision, score.recall) == (0, 0.0, 0.0)


def test_no_predictions_give_recall_zero_and_precision_one(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    empty = _summary(report, indicators=[], problems=[], plans=[])
    evaluation = evaluate([empty], gold)
    for field in (evaluation.indicators, evaluation.problems, evaluation.plans):
        assert (field.predicted, field.precision, field.recall, field.f1) == (0, 1.0, 0.0, 0.0)


def test_one_gold_item_matches_at_most_one_prediction(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    text = load_report(report).text
    twice = [_indicator(_at(text, "召开法治专题会议4次"), 4, "次", False)] * 2
    score = evaluate([_summary(report, indicators=twice)], gold).indicators
    assert (score.matched, score.predicted, score.precision, score.recall) == (1, 2, 0.5, 0.5)


def test_a_results_file_counts_the_latest_record_per_input(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    report, gold = tiny
    results = tmp_path / "out.jsonl"
    failed = {
        "record": "error",
        "input": str(report),
        "input_sha256": None,
        "settings_key": "k",
        "finished_at": "2025-01-01T00:00:00+00:00",
        "error": {"type": "ProviderError", "message": "超时", "attempts": 1},
    }
    succeeded = {
        **{key: value for key, value in failed.items() if key != "error"},
        "record": "result",
        "cached": False,
        "summary": _summary(report).model_dump(mode="json"),
    }
    lines = [json.dumps(failed, ensure_ascii=False)]
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    failure = evaluate(results, gold)
    assert failure.reports[0].failed == "ProviderError: 超时"
    assert (failure.indicators.recall, failure.entity_accuracy) == (0.0, 0.0)

    lines.append(json.dumps(succeeded, ensure_ascii=False))
    results.write_text("\n".join(lines) + '\n{"record": "res', encoding="utf-8")
    evaluation = evaluate(results, gold)
    assert evaluation.reports[0].failed is None
    assert evaluation.indicators.f1 == 1.0
    assert len(evaluation.notes) == 1  # the truncated last line is reported, not fatal


def test_reports_without_gold_or_without_results_are_listed(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    report, gold = tiny
    (gold / "other.json").write_text(
        json.dumps({**GOLD_TINY, "report": "other.txt"}), encoding="utf-8"
    )
    stray = tmp_path / "stray.txt"
    stray.write_text(TINY, encoding="utf-8")
    evaluation = evaluate([_summary(report), _summary(stray)], gold)
    assert [r.report for r in evaluation.reports] == ["tiny.txt"]
    assert evaluation.missing == ["other.txt"]
    assert evaluation.unmatched == [str(stray)]


def test_a_missing_report_file_falls_back_to_similarity(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    summary = _summary(report)
    report.unlink()
    evaluation = evaluate([summary], gold)
    assert evaluation.grounding_rate is None
    assert evaluation.indicators.matched == 0  # indicators need positions
    assert evaluation.problems.recall == 1.0
    assert "找不到原文文件" in evaluation.reports[0].notes[0]


def test_a_missing_gold_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="金标准目录"):
        evaluate([], tmp_path / "nowhere")


def test_the_evaluation_serialises_and_renders(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    evaluation = evaluate([_summary(report)], gold)
    assert Evaluation.model_validate_json(evaluation.model_dump_json()) == evaluation
    table = render_table(evaluation)
    assert "| 数字指标 | 2      | 2    | 2    | 1.00   | 1.00   | 1.00 |" in table
    assert "某镇" in table


def test_offline_summaries_of_the_samples_agree_with_the_gold() -> None:
    summaries = [summarize_offline(path) for path in sorted(REPORTS.glob("*.txt"))]
    evaluation = evaluate(summaries, GOLD)
    assert len(evaluation.reports) == 5 and not evaluation.missing
    assert evaluation.indicators.recall >= 0.95
    assert evaluation.indicators.precision >= 0.95
    assert evaluation.problems.recall >= 0.9
    assert evaluation.plans.recall >= 0.9
    assert evaluation.grounding_rate == 1.0
