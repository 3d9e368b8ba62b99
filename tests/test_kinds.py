"""The kind vocabulary: every kind has a label, a family and a category; units fold and
convert to their family's base unit; the sample gold uses the vocabulary within its units."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from rulelaw_llm.categories import CATEGORIES
from rulelaw_llm.kinds import FAMILIES, KINDS, fits, fold_unit, kind_table, to_base, unit_family

GOLD = Path(__file__).resolve().parents[1] / "examples" / "gold"
REALWORLD = Path(__file__).resolve().parents[1] / "bench" / "realworld"


def test_the_vocabulary_has_between_30_and_60_kinds_and_other() -> None:
    assert 30 <= len(KINDS) - 1 <= 60
    assert "other" in KINDS and KINDS["other"].family is None


@pytest.mark.parametrize("key", list(KINDS))
def test_a_kind_has_a_chinese_label_a_family_a_category_and_words(key: str) -> None:
    kind = KINDS[key]
    assert kind.key == key and kind.label
    assert kind.category in CATEGORIES
    if key != "other":
        assert kind.family in FAMILIES and kind.words
        assert set(kind.extra_units).isdisjoint(FAMILIES[kind.family].units)


def test_labels_are_distinct() -> None:
    labels = Counter(kind.label for kind in KINDS.values())
    assert [label for label, count in labels.items() if count > 1] == []


def test_each_unit_belongs_to_one_family() -> None:
    units = [unit for family in FAMILIES.values() for unit in family.units]
    assert len(units) == len(set(units))


def test_units_fold_and_carry_their_scale_into_the_base_unit() -> None:
    assert fold_unit("個") == "个" and fold_unit("％") == "%"
    assert unit_family("場次") == "times" and unit_family("人次") == "persons"
    assert unit_family("天") is None
    assert to_base("fines_and_fees", 8.18, "万元") == (81_800.0, "元")
    assert to_base("publicity_audience", 1.5, "万人次") == (15_000.0, "人次")
    assert to_base("publicity_audience", 30, "名") == (30.0, "人次")
    assert to_base("collective_law_study", 5, "期") == (5.0, "次")
    assert to_base("collective_law_study", 5, "份") is None
    assert to_base("other", 2, "天") == (2.0, "天")


def test_a_kind_takes_its_family_and_its_extra_units_only() -> None:
    assert fits("legality_reviews", "件") and fits("legality_reviews", "次")
    assert not fits("legality_reviews", "人次")
    assert not fits("dispute_resolution_rate", "件")
    assert fits("other", "倍")


def test_the_prompt_table_names_every_kind_with_its_units() -> None:
    table = kind_table()
    assert len(table.splitlines()) == len(KINDS)
    assert "collective_law_study：集体学法（专题学习）次数（次/场）" in table.splitlines()
    assert kind_table(("petitions",)) == "petitions：信访件数（批次）（件/起）"


def _gold_indicators() -> list[dict[str, object]]:
    manifest = [
        json.loads(line) for line in (REALWORLD / "manifest.jsonl").read_text("utf-8").splitlines()
    ]
    paths = sorted(GOLD.glob("*.json"))
    paths += [REALWORLD / "gold" / f"{e['id']}.json" for e in manifest if e["split"] == "dev"]
    return [
        indicator
        for path in paths
        for indicator in json.loads(path.read_text("utf-8"))["indicators"]
    ]


def test_the_gold_of_the_samples_and_dev_corpus_uses_the_vocabulary_within_its_units() -> None:
    indicators = _gold_indicators()
    kinds = Counter(str(indicator["kind"]) for indicator in indicators)
    assert set(kinds) <= set(KINDS)
    assert all(fits(str(i["kind"]), str(i["unit"])) for i in indicators)
    # The targets of issue 17: at most 60 distinct measures, `other` at most 20 %.
    assert len(kinds) <= 60
    assert kinds["other"] <= 0.2 * len(indicators)


def test_the_schema_command_documents_the_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    from rulelaw_llm.cli import main

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    kind = schema["$defs"]["Indicator"]["properties"]["kind"]
    assert kind["enum"] == list(KINDS) and kind["default"] == "other"
    assert kind["x-kind-labels"]["petitions"] == "信访件数（批次）"
    assert main(["schema", "--kinds"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [entry["key"] for entry in listed] == list(KINDS)
    assert listed[0]["family"] == "次/场" and "次" in listed[0]["units"]


def test_the_reference_page_is_generated_from_the_module() -> None:
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location(
        "kinds_reference", root / "scripts" / "kinds_reference.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    page = root / "docs" / "reference" / "kinds.md"
    assert page.read_text("utf-8") == script.kind_reference(), (
        "run python scripts/kinds_reference.py"
    )
