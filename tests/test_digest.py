"""The template digest: whole clauses only, balanced quotes and brackets, nothing made up."""

from __future__ import annotations

import re

import pytest

from rulelaw_llm import load_report, summarize_offline
from rulelaw_llm.rules.claims import check_claim
from rulelaw_llm.rules.digest import clause_ends, is_balanced, plan_digest_of, template_digest
from rulelaw_llm.rules.quantities import find_quantities
from rulelaw_llm.schema import Evidence, Problem
from tests.conftest import REPORTS

_PAIRS = ("《》", "“”", "（）", "()", "【】")


def _pieces(digest: str) -> list[str]:
    """The summaries the digest quotes: the text between its ；/。 and its fixed lead-ins."""
    body = re.sub(r"^.*?报告：", "", digest)
    body = re.sub(r"主要举措包括|主要数据：|存在问题：|下一步将", "", body)
    return [piece for piece in re.split(r"[；。]", body) if piece]


def test_digest_of_every_sample_has_balanced_marks_no_none_and_ends_a_sentence(
    sample: str,
) -> None:
    summary = summarize_offline(REPORTS / f"{sample}.txt")
    digest = summary.digest

    assert "None" not in digest
    assert digest.endswith("。")
    for opening, closing in _PAIRS:
        assert digest.count(opening) == digest.count(closing), (opening, digest)
    assert is_balanced(digest)
    text = REPORTS.joinpath(f"{sample}.txt").read_text(encoding="utf-8")
    compact = re.sub(r"[^\S\n]+", "", text)
    for piece in _pieces(digest):
        # Every quoted summary is whole clauses of the report: it stands in the text and is
        # followed there by a clause mark (or ends its paragraph), never by the rest of a phrase.
        position = compact.find(piece)
        assert position >= 0 or re.search(r"\d", piece), piece
        if position >= 0:
            following = compact[position + len(piece) : position + len(piece) + 1]
            assert following in "，。；、：,;:！？!?\n" or not following, (piece, following)


def test_a_quotation_is_never_cut_and_a_scene_setting_clause_keeps_its_clause() -> None:
    shenzha = summarize_offline(REPORTS / "shenzha-zhen-2024.txt").digest
    tianjiazhai = summarize_offline(REPORTS / "tianjiazhai-zhen-2024.txt").digest

    assert "“照本宣。" not in shenzha and "“照本宣" not in shenzha.replace("“照本宣科”", "")
    assert "推进过程中；" not in tianjiazhai
    assert "推进过程中，法律法规的宣传力度还不够" in tianjiazhai


def _problem(summary: str) -> Problem:
    return Problem(
        category="other",
        summary=summary,
        cause=None,
        evidence=Evidence(quote=summary, start=0, end=len(summary)),
        cause_evidence=None,
    )


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("镇缺乏法律专业人员，开展法律宣传“照本宣科”现象仍然存在", "镇缺乏法律专业人员"),
        (
            "落实《中华人民共和国行政处罚法》《行政复议法》规定的各项要求",
            "落实《中华人民共和国行政处罚法》《行政复议法》规定的各项要求",
        ),
        (
            "严格落实《中华人民共和国行政处罚法》《中华人民共和国行政复议法》《信访工作条例》等法律法规",
            "",
        ),
        (
            "在推进依法行政过程中，部分干部法治意识不强，学法不够深入",
            "在推进依法行政过程中，部分干部法治意识不强",
        ),
        ("法治宣传（含“八五”普法）形式单一", "法治宣传（含“八五”普法）形式单一"),
    ],
)
def test_problem_summaries_are_cut_only_between_whole_clauses(summary: str, expected: str) -> None:
    digest = template_digest(
        entity="青石镇",
        year=2024,
        achievements=[],
        indicators=[],
        problems=[_problem(summary)],
        plans=[],
    )
    assert digest == (
        f"青石镇2024年法治政府建设报告：存在问题：{expected}。"
        if expected
        else "青石镇2024年法治政府建设报告。"
    )


def test_clause_ends_ignore_marks_inside_quotes_and_brackets() -> None:
    text = "开展“送法下乡，进村入户”活动，发放《宣传册（一，二）》，受益群众"
    assert [text[end] for end in clause_ends(text)] == ["，", "，"]
    assert clause_ends(text) == [text.index("活动") + 2, text.index("》，") + 1]


# --------------------------------------------------------------------------- claims

#: Our own sentences in the shapes where the old template cut a number from its noun.
CUTS = """云溪街道2024年法治政府建设工作报告
一、主要工作
（一）压实主体责任。对上级督查指出的9个问题，逐项整改到位。全年召开专题会议5次、组织法治培训3场。
（二）深化依法行政。审核合同、文件等46件次，在政务服务事项中1280项实现网上办理。
（三）强化普法宣传。开设法治讲堂12期，受教育群众达6000余人次
"""


def test_a_number_always_stands_with_its_own_noun_phrase() -> None:
    summary = summarize_offline(CUTS)
    digest = summary.digest
    assert digest.startswith("云溪街道2024年法治政府建设报告：")
    # A clause that needs the next one (对……的9个问题，逐项整改) is not used at all.
    assert "9个" not in digest
    # A list joined by 、 is taken whole: 46件次 counts contracts and documents.
    assert "审核合同、文件等46件次" in digest
    assert "召开专题会议5次、组织法治培训3场" in digest
    # A scene-setting clause (在……中) is never the piece that holds a number.
    assert "事项中1280项" not in digest
    # The text stops mid-sentence after its last figure: that figure is not cut off there.
    assert "6000余人次" not in digest or "受教育群众达6000余人次" in digest
    for piece in re.split(r"[，；。：]", digest):
        assert not re.search(r"(?:的|对|在|中|和|与|及|将|向|于)$", piece), piece


def test_every_claim_slices_the_digest_and_names_items_of_its_part(sample: str) -> None:
    summary = summarize_offline(REPORTS / f"{sample}.txt")
    assert summary.digest == "".join(claim.text for claim in summary.digest_claims)
    parts = {"achievement": "achievements", "indicator": "indicators"}
    parts |= {"problem": "problems", "plan": "plans"}
    for claim in summary.digest_claims:
        assert summary.digest[claim.start : claim.end] == claim.text
        assert claim.sources and claim.origin == "template"
        own = [source for source in claim.sources if parts[source.kind] == claim.part]
        assert own, claim
        for source in claim.sources:
            items = getattr(summary, parts[source.kind])
            assert items[source.index].evidence.quote == source.quote
    # Every number is an indicator, written as the report writes it (余, 以上).
    text = REPORTS.joinpath(f"{sample}.txt").read_text(encoding="utf-8")
    for quantity in find_quantities(summary.digest):
        assert quantity.raw in {q.raw for q in find_quantities(text)}, quantity


def test_every_template_claim_passes_the_check_a_model_claim_must_pass(sample: str) -> None:
    summary = summarize_offline(REPORTS / f"{sample}.txt")
    text = load_report(REPORTS / f"{sample}.txt").text
    claims, subject = plan_digest_of(summary, text=text)
    for claim in claims:
        assert check_claim(claim.text, claim.grounds, subject) == (claim.text, [])


@pytest.mark.parametrize(
    ("entity", "title", "opening"),
    [
        ("青石镇", "青石镇2024年法治政府建设工作报告", "青石镇2024年法治政府建设报告："),
        (None, "关于2024年度法治政府建设情况的报告", "《关于2024年度法治政府建设情况的报告》："),
        (None, None, "本报告（2024年）："),
    ],
)
def test_the_issuer_or_else_the_title_or_else_this_report_opens_the_digest(
    entity: str | None, title: str | None, opening: str
) -> None:
    digest = template_digest(
        entity=entity,
        year=2024,
        achievements=[],
        indicators=[],
        problems=[_problem("基层法治力量薄弱")],
        plans=[],
        title=title,
    )
    assert digest == f"{opening}存在问题：基层法治力量薄弱。"


def test_a_list_clause_with_a_number_no_indicator_counts_gives_the_figure_alone() -> None:
    # 每月1次 is a frequency, not an indicator: the digest may not write it, so the list
    # joined by 、 is not taken whole — the figure's own clause stands alone.
    text = (
        "河湾镇2024年法治政府建设情况报告\n"
        "一、加强理论学习\n"
        "2024年共开展会前学法12次、党委会定期学法每月1次，推动学法常态化。\n"
    )
    summary = summarize_offline(text)
    digest = summary.digest
    assert "会前学法12次" in digest
    assert "每月1次" not in digest
    assert [(i.value, i.unit) for i in summary.indicators] == [(12.0, "次")]
