"""The template digest: whole clauses only, balanced quotes and brackets, nothing made up."""

from __future__ import annotations

import re

import pytest

from rulelaw_llm import summarize_offline
from rulelaw_llm.rules.digest import clause_ends, is_balanced, template_digest
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
