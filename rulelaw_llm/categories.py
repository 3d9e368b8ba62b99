"""The controlled category vocabulary, kept in one place.

Derived from 法治政府建设实施纲要（2021—2025年） plus the two themes that dominate township
reports. Every achievement, indicator, problem and plan carries one of these keys; the
Chinese label is what people (and the model) read.
"""

from __future__ import annotations

from typing import Literal, cast, get_args

__all__ = [
    "CATEGORIES",
    "CategoryKey",
    "category_scores",
    "classify",
    "decisive",
    "is_decisive",
    "label_of",
]

CategoryKey = Literal[
    "leadership",
    "legal_learning",
    "government_functions",
    "institutional_rules",
    "lawful_decision_making",
    "law_enforcement",
    "emergency_safety",
    "dispute_resolution",
    "oversight_transparency",
    "digital_rule_of_law",
    "legal_publicity",
    "public_legal_services",
    "other",
]

#: key -> Chinese label, in the order of the national outline.
CATEGORIES: dict[str, str] = {
    "leadership": "组织领导与第一责任人（含述法）",
    "legal_learning": "学法用法与能力建设",
    "government_functions": "政府职能与放管服/营商环境",
    "institutional_rules": "制度建设与规范性文件",
    "lawful_decision_making": "依法决策（合法性审查、法律顾问）",
    "law_enforcement": "行政执法",
    "emergency_safety": "突发事件应对与安全",
    "dispute_resolution": "矛盾纠纷化解（调解、复议、应诉、信访）",
    "oversight_transparency": "权力监督与政务公开",
    "digital_rule_of_law": "数字法治",
    "legal_publicity": "普法宣传",
    "public_legal_services": "公共法律服务",
    "other": "其他",
}

assert tuple(CATEGORIES) == get_args(CategoryKey), "CATEGORIES and CategoryKey must agree"

# Keywords for the offline (rules) classifier. Weights: longer, more specific words win.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "leadership": (
        "第一责任人",
        "组织领导",
        "领导小组",
        "述法",
        "主体责任",
        "统筹部署",
        "党委领导",
        "责任落实",
        "督导考核",
        "考核",
        "部署会",
        "压实责任",
        "一把手",
        "履职尽责",
        "压力传导",
        "传导压力",
        "指挥调度",
        "高位推动",
        "督促检查",
    ),
    "legal_learning": (
        "学法",
        "用法",
        "法治素养",
        "培训",
        "讲座",
        "法治思维",
        "理论学习",
        "学习",
        "能力",
        "考试",
        "队伍建设",
        "人才",
        "专业人员",
        "法治意识",
    ),
    "government_functions": (
        "放管服",
        "营商环境",
        "政府职能",
        "机构改革",
        "政务服务",
        "便民",
        "职能",
        "服务水平",
        "行政效率",
        "治理效能",
    ),
    "institutional_rules": (
        "规范性文件",
        "制度建设",
        "备案审查",
        "工作规则",
        "议事规则",
        "制度体系",
        "清理",
    ),
    "lawful_decision_making": (
        "依法决策",
        "合法性审查",
        "合法性审核",
        "法律顾问",
        "决策程序",
        "重大行政决策",
        "三重一大",
        "集体决策",
        "民主决策",
    ),
    "law_enforcement": (
        "行政执法",
        "执法",
        "处罚",
        "案件",
        "整治",
        "拆除",
        "查处",
        "规费",
        "综合执法",
    ),
    "emergency_safety": (
        "应急",
        "演练",
        "消防",
        "安全排查",
        "安全检查",
        "安全生产",
        "突发事件",
        "禁毒",
        "隐患",
    ),
    "dispute_resolution": (
        "矛盾纠纷",
        "纠纷",
        "调解",
        "调处",
        "信访",
        "复议",
        "应诉",
        "枫桥",
        "化解",
        "维稳",
        "综治",
    ),
    "oversight_transparency": ("监督", "政务公开", "信息公开", "公开", "透明", "阳光"),
    "digital_rule_of_law": ("数字", "互联网", "信息化", "智慧", "数字化", "网络平台", "大数据"),
    "legal_publicity": (
        "普法",
        "法治宣传",
        "宣传",
        "宣讲",
        "法治文化",
        "宪法日",
        "宪法宣传",
        "法治氛围",
        "法律进",
        "以案释法",
    ),
    "public_legal_services": (
        "公共法律服务",
        "法律援助",
        "法律服务",
        "法律明白人",
        "法律咨询",
        "司法所",
    ),
}


def label_of(key: str) -> str:
    """The Chinese label of a category key (``KeyError`` for an unknown key)."""
    return CATEGORIES[key]


def category_scores(heading: str, body: str = "") -> list[tuple[CategoryKey, int]]:
    """Every category with keyword evidence, best first: words in ``heading`` count three times.

    A word weighs its length, so longer, more specific words win. The scores tell how sure
    the rules are: one short word is weak evidence, two close scores are split evidence.
    """
    scores: list[tuple[CategoryKey, int]] = []
    for key, words in _KEYWORDS.items():
        score = 0
        for word in words:
            weight = len(word)
            score += 3 * weight * heading.count(word) + weight * body.count(word)
        if score > 0:
            scores.append((cast(CategoryKey, key), score))
    # Stable: on a tie the category listed first in the outline wins, as it always has.
    return sorted(scores, key=lambda pair: -pair[1])


def classify(heading: str, body: str = "") -> CategoryKey:
    """Pick the category whose keywords weigh most; words in ``heading`` count three times.

    This is the rules backend's judgement, deliberately simple and deterministic; the LLM
    backend asks the model only where these scores are weak or split (and checks its
    choice against the same vocabulary).
    """
    scores = category_scores(heading, body)
    return scores[0][0] if scores else "other"


def is_decisive(heading: str, body: str = "") -> bool:
    """Whether one category's keywords outweigh every other's (no tie, not "other")."""
    return decisive(category_scores(heading, body))


def decisive(ranked: list[tuple[CategoryKey, int]]) -> bool:
    """Whether scores from ``category_scores`` have one winner (no tie, not empty)."""
    return bool(ranked) and (len(ranked) < 2 or ranked[0][1] > ranked[1][1])
