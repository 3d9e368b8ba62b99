"""``compare``: per kind, reports and min / median / max by level tier; outliers to check;
year over year for the same issuers, with the audit's plan follow-through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rulelaw_llm.cli import main
from rulelaw_llm.corpus.compare import compare_results, comparison_to_markdown
from rulelaw_llm.errors import InputError
from tests.planted_corpus import PLANTS, figures, write_planted


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("years")
    return write_planted(folder / "2023", year=2023, seed=5), write_planted(folder / "2024")


def test_each_kind_has_reports_and_min_median_max_by_tier(years: tuple[Path, Path]) -> None:
    comparison = compare_results(years[1])
    assert comparison.reports == 12
    events = next(kind for kind in comparison.kinds if kind.kind == "publicity_events")
    (tier,) = events.tiers
    values = sorted(int(figures(number)["events"]) for number in range(12))
    assert (events.reports, tier.tier, tier.reports) == (12, "乡镇（街道）", 12)
    assert (tier.minimum, tier.maximum) == (values[0], values[-1])
    assert tier.median == (values[5] + values[6]) / 2


def test_outliers_name_the_report_and_its_words(years: tuple[Path, Path]) -> None:
    comparison = compare_results(years[1])
    assert sorted((Path(o.input).name, o.code) for o in comparison.outliers) == sorted(
        (f"2024-{number:03d}.txt", code) for number, (code, _) in PLANTS.items()
    )
    for outlier in comparison.outliers:
        text = Path(outlier.input).read_text("utf-8")
        assert all(text[e.start : e.end] == e.quote for e in outlier.evidence)
        assert "请核对" in outlier.message


def test_two_years_of_the_same_issuers_give_the_change(years: tuple[Path, Path]) -> None:
    comparison = compare_results(list(years))
    assert comparison.reports == 24
    change = next(
        c for c in comparison.changes if c.entity == "青石镇" and c.kind == "publicity_events"
    )
    before, now = int(figures(0, seed=5)["events"]), int(figures(0)["events"])
    assert (change.previous_year, change.previous, change.year, change.current) == (
        2023,
        before,
        2024,
        now,
    )
    assert change.change == now - before
    assert {item.entity for item in comparison.follow_through} == {
        c.entity for c in comparison.changes
    }
    assert all(item.plans == 2 for item in comparison.follow_through)


def test_one_file_with_both_years_is_the_same(years: tuple[Path, Path], tmp_path: Path) -> None:
    both = tmp_path / "both.jsonl"
    both.write_text(years[0].read_text("utf-8") + years[1].read_text("utf-8"), encoding="utf-8")
    assert compare_results(both).changes == compare_results(list(years)).changes


def test_the_command_prints_the_table_and_writes_json(
    years: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", str(years[1])]) == 0
    out = capsys.readouterr().out
    assert "普法宣传活动场次" in out and "需要核对的数据（请核对）：3 处" in out
    output = tmp_path / "compare.json"
    assert (
        main(["compare", str(years[0]), str(years[1]), "--format", "json", "-o", str(output)]) == 0
    )
    data = json.loads(output.read_text("utf-8"))
    assert data["reports"] == 24 and data["changes"]


def test_markdown_escapes_report_text(years: tuple[Path, Path]) -> None:
    markdown = comparison_to_markdown(compare_results(years[1]))
    assert markdown.startswith("# 指标比较") and "| 普法宣传活动场次" in markdown


def test_a_file_with_no_results_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError):
        compare_results(empty)
    assert main(["compare", str(empty)]) == 1
    assert "rulelaw-llm:" in capsys.readouterr().err
