"""The claim check (rules/claims.py): what one digest sentence may say, for any writer.

Every sentence here is written for these tests in the shapes seen in real reports; none is
taken from a report.
"""

from __future__ import annotations

import pytest

from rulelaw_llm.rules.claims import ClaimGrounds, Figure, Subject, check_claim, noun_beside
from rulelaw_llm.rules.quantities import find_quantities

TOWN = Subject("青石镇", "云岭县", None, 2024, has_problems=False, has_plans=True)
NO_ISSUER = Subject(None, None, None, 2024, has_problems=False, has_plans=False)
TITLED = Subject(None, None, "关于2024年度法治政府建设情况的报告", 2024, False, False)

MEASURES = ClaimGrounds(
    "achievements",
    ("加强学法用法，提升干部法治素养", "深化普法宣传，营造守法氛围"),
    opening=True,
    limit=80,
)
FIGURES = ClaimGrounds(
    "indicators",
    ("村法律顾问", "全镇32个村全部聘请法律顾问", "普法宣传资料", "发放普法宣传资料600余份"),
    figures=(
        Figure("村法律顾问", "32个", 32, "个", False, "全镇32个村全部聘请法律顾问"),
        Figure("普法宣传资料", "600余份", 600, "份", True, "发放普法宣传资料600余份"),
    ),
    limit=80,
    must_cite=True,
)
PLANS = ClaimGrounds("plans", ("创新普法方式", "加强执法队伍建设"), limit=60)


def codes(text: str, grounds: ClaimGrounds, subject: Subject = TOWN) -> list[str]:
    return [failure.code for failure in check_claim(text, grounds, subject)[1]]


@pytest.mark.parametrize(
    ("grounds", "text"),
    [
        (MEASURES, "青石镇2024年加强学法用法、提升干部法治素养，深化普法宣传。"),
        (MEASURES, "2024年，青石镇坚持深化普法宣传，营造守法氛围，并提升干部法治素养。"),
        (FIGURES, "全镇32个村全部聘请法律顾问，发放普法宣传资料600余份。"),
        (FIGURES, "全年发放普法宣传资料600余份，全镇32个村聘请了法律顾问。"),
        (PLANS, "下一步将创新普法方式，加强执法队伍建设。"),
        (PLANS, "2025年将着力创新普法方式。"),
    ],
)
def test_a_faithful_paraphrase_of_its_own_items_passes(grounds: ClaimGrounds, text: str) -> None:
    assert check_claim(text, grounds, TOWN) == (text, [])


def test_a_figure_that_lost_or_changed_its_marker_is_written_as_the_report_writes_it() -> None:
    text, failures = check_claim("全镇32个村聘请法律顾问，发放普法宣传资料600份", FIGURES, TOWN)
    assert failures == []
    assert text == "全镇32个村聘请法律顾问，发放普法宣传资料600余份。"
    text, _ = check_claim("发放普法宣传资料约600份，全镇32个村聘请法律顾问。", FIGURES, TOWN)
    assert "600余份" in text and "约600" not in text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # A true number beside another noun: the report's 32 are villages with counsel.
        ("全镇32个社区全面开展法治宣传教育，发放普法宣传资料600余份。", "claim_noun"),
        ("发放普法宣传资料32个，全镇600余份村聘请法律顾问。", "claim_noun"),
        # A number the sentence's figures do not have.
        ("全镇32个村聘请法律顾问，发放普法宣传资料800余份。", "claim_number"),
        ("全镇32个村聘请法律顾问，组织普法培训12场。", "claim_number"),
        # A figures sentence that cites none of its figures.
        ("全镇普遍聘请法律顾问，普法宣传资料发放广泛。", "claim_no_figure"),
    ],
)
def test_a_wrong_figure_is_caught(text: str, code: str) -> None:
    assert code in codes(text, FIGURES)


def test_a_sentence_never_speaks_of_a_part_the_result_lacks() -> None:
    # The result has plans but no problems.
    text = "青石镇2024年加强学法用法，但仍存在干部法治意识不强等不足。"
    assert "claim_part_missing" in codes(text, MEASURES)
    # Plans exist, but the measures' sentence may not invent one.
    assert "claim_part_other" in codes("青石镇2024年加强学法用法，下一步将继续深化。", MEASURES)
    # Without plans at all, no sentence may speak of them.
    assert "claim_part_missing" in codes(
        "本报告（2024年）加强学法用法，明年将继续深化普法宣传。", MEASURES, NO_ISSUER
    )


def test_a_new_fact_in_the_words_of_the_genre_is_caught() -> None:
    failures = codes("青石镇2024年建成全市首个智慧法治服务平台。", MEASURES)
    assert failures == ["claim_words"]


@pytest.mark.parametrize(
    ("text", "subject", "code"),
    [
        ("加强学法用法，提升干部法治素养，深化普法宣传。", TOWN, "claim_who"),
        ("某某县司法局2024年加强学法用法，深化普法宣传。", TOWN, "claim_issuer"),
        ("某某县司法局2024年加强学法用法，深化普法宣传。", NO_ISSUER, "claim_issuer"),
        ("2024年，云岭县人民政府加强学法用法，深化普法宣传。", NO_ISSUER, "claim_issuer"),
        ("青石镇2023年加强学法用法，深化普法宣传。", TOWN, "claim_year"),
        ("本报告（2024年）：加强学法用法，深化普法宣传。", TITLED, "claim_who"),
    ],
)
def test_the_issuer_and_year_are_the_results(text: str, subject: Subject, code: str) -> None:
    assert code in codes(text, MEASURES, subject)


def test_without_an_issuer_the_title_or_this_report_opens_the_digest() -> None:
    assert codes("本报告（2024年）：加强学法用法，深化普法宣传。", MEASURES, NO_ISSUER) == []
    opening = "《关于2024年度法治政府建设情况的报告》：加强学法用法，深化普法宣传。"
    assert codes(opening, MEASURES, TITLED) == []


def test_a_long_sentence_is_trimmed_to_its_last_whole_item_or_fails() -> None:
    grounds = ClaimGrounds("plans", ("创新普法方式", "加强执法队伍建设"), limit=16)
    text, failures = check_claim("下一步将创新普法方式；加强执法队伍建设。", grounds, TOWN)
    assert (text, failures) == ("下一步将创新普法方式。", [])
    _, failures = check_claim("下一步将创新普法方式并加强执法队伍建设工作。", grounds, TOWN)
    assert [failure.code for failure in failures] == ["claim_long"]


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("全镇32个村全部聘请法律顾问", "村全"),
        ("召开专题会议共计4次", "会议"),
        ("受教育群众达5000余人次", "群众"),
    ],
)
def test_the_noun_beside_a_number_is_read_on_the_side_that_holds_it(text: str, noun: str) -> None:
    (quantity,) = find_quantities(text)
    assert noun_beside(text, quantity, [])[0] == noun


def test_an_issuer_in_traditional_characters_is_the_same_issuer() -> None:
    bureau = Subject("市鄉村振興局", None, None, 2023, False, False)
    assert codes("市乡村振兴局2023年加强学法用法，深化普法宣传。", MEASURES, bureau) == []
    failures = check_claim("某某县司法局2023年加强学法用法。", MEASURES, bureau)[1]
    assert [(f.code, f.values["name"]) for f in failures if f.code == "claim_issuer"] == [
        ("claim_issuer", "某某县司法局")
    ]


def test_a_joint_issuer_keeps_its_space_and_is_named() -> None:
    joint = Subject("中共青石镇委员会 青石镇人民政府", None, None, 2024, False, False)
    text = "中共青石镇委员会 青石镇人民政府2024年加强学法用法，深化普法宣传。"
    assert check_claim(text, MEASURES, joint) == (text, [])
    assert codes("青石镇人民政府2024年加强学法用法，深化普法宣传。", MEASURES, joint) == []
