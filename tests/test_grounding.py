"""Quote location (exact, normalised, fuzzy), number checks and prompt rendering."""

from __future__ import annotations

import pytest

from rulelaw_llm import ConfigurationError
from rulelaw_llm.llm.prompts import load_prompt
from rulelaw_llm.rules.grounding import char_overlap, locate_quote, value_in_text

TEXT = "（二）强化普法宣传。全年开展普法宣传活动20余场，发放宣传资料500余份，受众1600余人次。"


def test_exact_quote_gives_its_span() -> None:
    found = locate_quote(TEXT, "发放宣传资料500余份")
    assert found is not None and found.match == "exact"
    assert TEXT[found.start : found.end] == "发放宣传资料500余份"


@pytest.mark.parametrize(
    "quote",
    [
        "發放宣傳資料500餘份",
        "发放宣传资料５００余份",
        "发放 宣传资料500余份，",
        "全年开展普法宣传活动20余场, 发放宣传资料",
    ],
)
def test_width_traditional_punctuation_and_spaces_are_normalised(quote: str) -> None:
    found = locate_quote(TEXT, quote)
    assert found is not None and found.match == "normalized"
    assert "宣传资料" in TEXT[found.start : found.end]


def test_a_slightly_wrong_quote_is_found_by_character_level_fuzzy_matching() -> None:
    found = locate_quote(TEXT, "全年开展普法宣传活动二十余场，发放宣传资料500余份")
    assert found is not None and found.match == "fuzzy" and found.score >= 85
    assert TEXT[found.start : found.end].startswith("全年开展普法宣传活动")


def test_an_invented_quote_is_not_found() -> None:
    assert locate_quote(TEXT, "上级拨款严重不足导致工作滞后") is None
    assert locate_quote(TEXT, "") is None


def test_within_prefers_the_expected_region() -> None:
    text = "一是宣传不足。原因：一是宣传不足。"
    found = locate_quote(text, "一是宣传不足", within=(7, len(text)))
    assert found is not None and found.start == 10


@pytest.mark.parametrize(
    ("value", "text", "expected"),
    [
        (4_400_000, "征收规费440万元", True),
        (20, "开展活动二十余场", True),
        (1600, "受众1600余人次", True),
        (1700, "受众1600余人次", False),
        (100, "化解率100%", True),
    ],
)
def test_value_in_text(value: float, text: str, expected: bool) -> None:
    assert value_in_text(value, text) is expected


def test_char_overlap_is_character_level() -> None:
    assert char_overlap("普法宣传活动", TEXT) == 1.0
    assert char_overlap("财政预算", TEXT) == 0.0


def test_report_text_with_braces_passes_through_prompts_verbatim() -> None:
    prompt = load_prompt("names")
    block = "召开会议{{candidates}}4次，${name} {0} }}{{"
    rendered = prompt.render(block=block, candidates="q1：4次", name_chars="15")
    assert block in rendered and rendered.count("q1：4次") == 1


def test_a_missing_or_unknown_prompt_variable_raises() -> None:
    with pytest.raises(ConfigurationError, match="缺少"):
        load_prompt("names").render(block="x")
    with pytest.raises(ConfigurationError, match="多余"):
        load_prompt("system").render(extra="x")
