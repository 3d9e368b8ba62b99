"""Scoring judgement against the gold: indicator names vs ``what``, item categories.

Plain functions on a tiny invented report; no cassettes.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from rulelaw_llm import (
    Achievement,
    Evidence,
    Indicator,
    Plan,
    Problem,
    ReportSummary,
    load_report,
    summarize_offline,
)
from rulelaw_llm.categories import CategoryKey
from rulelaw_llm.cli import main
from rulelaw_llm.corpus.evaluation import Evaluation, char_f1, evaluate, render_table
from rulelaw_llm.rules.offline import text_digest
from rulelaw_llm.schema import Provenance
from tests.conftest import GOLD, REPORTS

TINY = """某镇2024年法治政府建设情况报告
一、主要举措和成效
（一）加强组织领导，压实主体责任。全年召开法治专题会议4次。
（二）创新普法宣传，营造法治氛围。发放宣传资料200余份。
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
        {
            "raw": "4次",
            "value": 4,
            "unit": "次",
            "approx": False,
            "context": "法治专题会议4次",
            "what": "法治专题会议",
        },
        {
            "raw": "200余份",
            "value": 200,
            "unit": "份",
            "approx": True,
            "context": "发放宣传资料200余份",
            "what": "宣传资料",
        },
    ],
    "achievements": [
        {"quote": "（一）加强组织领导，压实主体责任", "category": "leadership"},
        {"quote": "（二）创新普法宣传，营造法治氛围", "category": "legal_publicity"},
    ],
    "problems": [
        {"quote": "一是法治宣传形式单一", "category": "legal_publicity"},
        {"quote": "二是法律专业人员不足", "category": "legal_learning"},
    ],
    "causes": [],
    "plans": [{"quote": "（一）创新普法宣传方式", "category": "legal_publicity"}],
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


def _summary(
    report: Path,
    *,
    names: tuple[str, str] = ("法治专题会议", "宣传资料"),
    categories: tuple[CategoryKey, ...] = (
        "leadership",
        "legal_publicity",
        "legal_publicity",
        "legal_learning",
        "legal_publicity",
    ),
    indicators: int = 2,
) -> ReportSummary:
    """A summary of the tiny report; ``categories``: two achievements, two problems, a plan."""
    text = load_report(report).text
    found = [
        Indicator(
            name=names[0],
            value=4,
            unit="次",
            approx=False,
            category="leadership",
            evidence=_at(text, "召开法治专题会议4次"),
        ),
        Indicator(
            name=names[1],
            value=200,
            unit="份",
            approx=True,
            category="legal_publicity",
            evidence=_at(text, "发放宣传资料200余份"),
        ),
    ][:indicators]
    achievements = [
        Achievement(category=categories[index], summary=quote, evidence=_at(text, quote))
        for index, quote in enumerate(["加强组织领导，压实主体责任", "创新普法宣传，营造法治氛围"])
    ]
    problems = [
        Problem(category=categories[2 + index], summary=quote, evidence=_at(text, quote))
        for index, quote in enumerate(["法治宣传形式单一", "法律专业人员不足"])
    ]
    plans = [
        Plan(
            category=categories[4],
            summary="创新普法",
            evidence=_at(text, "创新普法宣传方式，丰富活动载体。"),
        )
    ]
    return ReportSummary(
        entity="某镇",
        level="镇",
        year=2024,
        title="某镇2024年法治政府建设情况报告",
        achievements=achievements,
        indicators=found,
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


def test_character_f1_counts_shared_characters_ignoring_width_and_punctuation() -> None:
    assert char_f1("宣传资料", "宣传资料") == 1.0
    # 4 shared characters: precision 4/6, recall 4/4.
    assert char_f1("宣传资料", "发放宣传资料") == pytest.approx(0.8)
    assert char_f1("宣传单（册）", "宣传单册") == 1.0
    assert char_f1("LED标语", "ＬＥＤ标语") == 1.0
    assert char_f1("法治专题会议", "赴京访量") == 0.0
    assert char_f1("", "宣传资料") == 0.0


def test_characters_count_as_a_multiset() -> None:
    # "纠纷纠纷" shares two characters with "矛盾纠纷", not four.
    assert char_f1("矛盾纠纷", "纠纷纠纷") == pytest.approx(0.5)


def test_a_perfect_prediction_agrees_on_every_label_and_category(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    evaluation = evaluate([_summary(report)], gold)
    assert (evaluation.label_agreement.agreed, evaluation.label_agreement.gold) == (2, 2)
    assert evaluation.label_agreement.rate == 1.0
    assert (evaluation.category_agreement.agreed, evaluation.category_agreement.gold) == (5, 5)
    assert evaluation.category_agreement.rate == 1.0
    assert evaluation.achievements.f1 == 1.0
    assert evaluation.reports[0].labels.disagreements == []
    assert evaluation.reports[0].categories.disagreements == []


def test_a_name_close_to_the_label_agrees_and_a_clause_does_not(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    names = ("召开法治专题会议", "“12·4”等节点和走村入户的契机组织开展普法宣传活动")
    evaluation = evaluate([_summary(report, names=names)], gold)
    labels = evaluation.reports[0].labels
    assert (labels.agreed, labels.gold, labels.rate) == (1, 2, 0.5)
    assert labels.disagreements == [
        "200余份（发放宣传资料200余份）：“宣传资料” ≠ ““12·4”等节点和走村入户的契机组织开展普法宣传活动”"
    ]
    assert evaluation.indicators.f1 == 1.0  # the numbers still match; only the name is wrong


def test_an_unmatched_gold_indicator_counts_as_a_disagreement(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    labels = evaluate([_summary(report, indicators=1)], gold).reports[0].labels
    assert (labels.agreed, labels.gold) == (1, 2)
    assert labels.disagreements[0].endswith("：“宣传资料” ≠ 未匹配")


def test_a_wrong_category_lowers_category_agreement(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    wrong: tuple[CategoryKey, ...] = (
        "leadership",
        "government_functions",
        "legal_publicity",
        "legal_learning",
        "legal_publicity",
    )
    categories = evaluate([_summary(report, categories=wrong)], gold).category_agreement
    assert (categories.agreed, categories.gold, categories.rate) == (4, 5, 0.8)
    report_categories = evaluate([_summary(report, categories=wrong)], gold).reports[0].categories
    assert report_categories.disagreements == [
        "成效“（二）创新普法宣传，营造法治氛围”：legal_publicity ≠ government_functions"
    ]


def test_an_unmatched_gold_item_counts_as_a_category_disagreement(
    tiny: tuple[Path, Path],
) -> None:
    report, gold = tiny
    summary = _summary(report)
    without_plans = summary.model_copy(update={"plans": []})
    categories = evaluate([without_plans], gold).reports[0].categories
    assert (categories.agreed, categories.gold) == (4, 5)
    assert categories.disagreements == ["计划“（一）创新普法宣传方式”：legal_publicity ≠ 未匹配"]


def test_gold_without_labels_has_no_agreement_rate(tiny: tuple[Path, Path]) -> None:
    report, gold = tiny
    unlabelled = {
        **GOLD_TINY,
        "indicators": [
            {"raw": "4次", "value": 4, "unit": "次", "approx": False, "context": "法治专题会议4次"}
        ],
        "achievements": [],
        "problems": [{"quote": "一是法治宣传形式单一"}],
        "plans": [],
    }
    (gold / "tiny.json").write_text(json.dumps(unlabelled, ensure_ascii=False), encoding="utf-8")
    evaluation = evaluate([_summary(report)], gold)
    assert evaluation.label_agreement.rate is None
    assert evaluation.category_agreement.rate is None
    assert "标签一致率 —，类别一致率 —" in render_table(evaluation)


def test_the_table_and_the_json_report_both_agreements(
    tiny: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, gold = tiny
    evaluation = evaluate([_summary(report)], gold)
    table = render_table(evaluation)
    assert "标签一致率 1.00（2/2），类别一致率 1.00（5/5）" in table
    assert "| 成效     | 2      | 2    | 2    | 1.00   | 1.00   | 1.00 |" in table

    results = tmp_path / "out.jsonl"
    record = {
        "record": "result",
        "input": str(report),
        "input_sha256": None,
        "settings_key": "k",
        "finished_at": "2025-01-01T00:00:00+00:00",
        "cached": False,
        "summary": _summary(report, names=("专题会议", "资料")).model_dump(mode="json"),
    }
    results.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["eval", str(results), "--gold", str(gold), "--json"]) == 0
    printed = Evaluation.model_validate_json(capsys.readouterr().out)
    # "专题会议" against "法治专题会议": F1 0.8; "资料" against "宣传资料": F1 0.67.
    assert printed.label_agreement.rate == 1.0
    assert printed.category_agreement.rate == 1.0


def test_rules_names_and_categories_agree_with_the_samples_gold() -> None:
    """The rules backend on the five samples (development data, see examples/gold)."""
    summaries = [summarize_offline(path) for path in sorted(REPORTS.glob("*.txt"))]
    evaluation = evaluate(summaries, GOLD)
    assert evaluation.label_agreement.gold == 69
    assert evaluation.category_agreement.gold == 50
    assert evaluation.label_agreement.rate is not None
    assert evaluation.label_agreement.rate >= 0.90
    assert evaluation.category_agreement.rate is not None
    assert evaluation.category_agreement.rate >= 0.90
