"""The rules' categories: keyword weights, ties, and the item body deciding a tie.

Headings are invented (not taken from the sample reports).
"""

from __future__ import annotations

import pytest

from rulelaw_llm import summarize_offline
from rulelaw_llm.categories import category_scores, classify, is_decisive


@pytest.mark.parametrize(
    ("heading", "category"),
    [
        ("层层传导压力，压紧压实法治建设责任", "leadership"),
        ("强化指挥调度，确保各项任务落地", "leadership"),
        ("履职尽责，推动依法治区走深走实", "leadership"),
        ("充实专业人员，增强干部法治意识", "legal_learning"),
        ("丰富法治宣传学习载体", "legal_publicity"),
        ("提升基层治理效能", "government_functions"),
    ],
)
def test_a_heading_names_its_category(heading: str, category: str) -> None:
    assert classify(heading) == category


def test_heading_words_weigh_three_times_body_words() -> None:
    scores = dict(category_scores("加强普法", "组织培训"))
    assert scores["legal_publicity"] == 3 * 2
    assert scores["legal_learning"] == 2
    assert classify("加强普法", "组织培训") == "legal_publicity"


def test_a_tie_or_no_keyword_is_not_decisive() -> None:
    assert is_decisive("深化普法宣传")
    assert not is_decisive("提高法治素养，营造浓厚法治氛围")  # 4 + 4 against 4 + 4
    assert not is_decisive("夯实工作基础")  # no keyword at all


def test_an_item_whose_heading_ties_is_decided_by_its_body() -> None:
    text = """某街道2024年法治政府建设情况报告
一、主要举措和成效
（一）提高法治素养，营造浓厚法治氛围。在社区广场开展普法宣传活动12场，发放宣传资料800份，以案释法讲座覆盖居民。
二、存在的问题
一是法律人才不足。
三、下一步工作计划
（一）加大普法宣传力度。
"""
    summary = summarize_offline(text)
    assert summary.achievements[0].category == "legal_publicity"
