"""The committed real-world gold (bench/realworld) is well formed without its texts.

The texts are third-party pages and are not in the repository; what is committed must still be
usable: every manifest line has its gold file and back, every field has its type, categories are
keys of the vocabulary, and each indicator's value, unit and approximation agree with its raw.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rulelaw_llm.categories import CATEGORIES
from rulelaw_llm.kinds import KINDS, fits
from rulelaw_llm.reading.normalize import fold
from rulelaw_llm.rules.quantities import parse_number

HERE = Path(__file__).resolve().parents[1] / "bench" / "realworld"
GOLD = sorted((HERE / "gold").glob("*.json"))
MANIFEST = [json.loads(line) for line in (HERE / "manifest.jsonl").read_text("utf-8").splitlines()]
LEVELS = {"乡", "镇", "街道", "县", "区", "市", "州", "省", "部门"}
APPROX = re.compile(r"余|多|近|约|左右|以上|超过|超|逾")


def test_manifest_and_gold_name_the_same_texts() -> None:
    assert [entry["id"] for entry in MANIFEST] == [path.stem for path in GOLD]
    assert {entry["split"] for entry in MANIFEST} == {"dev", "holdout"}
    assert len(GOLD) >= 60


@pytest.mark.parametrize("path", GOLD, ids=[path.stem for path in GOLD])
def test_a_gold_file_has_the_page_facts_and_no_page_text(path: Path) -> None:
    gold = json.loads(path.read_text("utf-8"))
    assert gold["report"] == f"{path.stem}.txt"
    assert gold["url"].startswith(("http://", "https://"))
    assert gold["level"] in LEVELS
    assert isinstance(gold["year"], int) and 2019 <= gold["year"] <= 2026
    assert gold["published"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", gold["published"])
    assert isinstance(gold["issuer_named"], bool)
    assert gold["entity"] is not None or not gold["issuer_named"]
    assert "excerpt" not in gold and "text" not in gold
    for item in [*gold["achievements"], *gold["problems"], *gold["plans"]]:
        assert item.get("category", "other") in CATEGORIES
        assert len(item["quote"]) <= 30


@pytest.mark.parametrize("path", GOLD, ids=[path.stem for path in GOLD])
def test_each_indicator_agrees_with_its_raw(path: Path) -> None:
    for indicator in json.loads(path.read_text("utf-8"))["indicators"]:
        raw, context = indicator["raw"], indicator["context"]
        assert raw in context and len(context) <= 30, indicator
        assert 1 <= len(indicator["what"]) <= 16, indicator
        assert indicator["approx"] == bool(APPROX.search(fold(raw))), indicator  # 餘 is 余
        number = re.match(
            r"[近约超逾过]*([\d.,]+万?|[零一二两三四五六七八九十百千万亿]+)(?:余|多)?([万亿])?",
            fold(raw),
        )
        assert number is not None, indicator
        value = parse_number(number.group(1).replace("余", ""))
        scale = {"万": 10_000, "亿": 100_000_000}.get(number.group(2) or "", 1)
        assert value is not None and abs(value * scale - indicator["value"]) < 1e-6, indicator


@pytest.mark.parametrize("path", GOLD, ids=[path.stem for path in GOLD])
def test_a_gold_kind_is_a_key_of_the_vocabulary_that_accepts_its_unit(path: Path) -> None:
    for indicator in json.loads(path.read_text("utf-8"))["indicators"]:
        if "kind" not in indicator:  # the holdout files are labelled apart (README)
            continue
        assert indicator["kind"] in KINDS, indicator
        assert fits(indicator["kind"], indicator["unit"]), indicator


def test_every_dev_indicator_has_its_kind() -> None:
    dev = [entry["id"] for entry in MANIFEST if entry["split"] == "dev"]
    for name in dev:
        gold = json.loads((HERE / "gold" / f"{name}.json").read_text("utf-8"))
        assert all("kind" in indicator for indicator in gold["indicators"]), name
