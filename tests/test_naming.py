"""Rule names for numbers: the short noun phrase each number counts.

The sentences are invented (not taken from the sample reports) so that the rules are tested
beyond the development data.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rulelaw_llm import load_report, summarize_offline
from rulelaw_llm.rules.naming import MAX_NAME_CHARS, name_quantities, name_quantity
from rulelaw_llm.rules.quantities import find_quantities
from tests.conftest import REPORTS


def names(text: str) -> dict[str, str]:
    """Each number of ``text`` (by its raw text) and its rule name."""
    quantities = find_quantities(text)
    return {q.raw: name_quantity(text, q, quantities) for q in quantities}


@pytest.mark.parametrize(
    ("sentence", "raw", "name"),
    [
        # The noun before the number, without the general verb that leads to it.
        ("全年组织开展禁毒宣传活动15次，效果明显。", "15次", "禁毒宣传活动"),
        ("向群众分发法律明白纸800余份。", "800余份", "法律明白纸"),
        ("街道工作人员深入社区开展走访23次。", "23次", "走访"),
        # The noun after the measure word when only a verb stands before the number.
        ("先后举办3期行政执法人员培训班。", "3期", "行政执法人员培训班"),
        ("新建2个村级人民调解室。", "2个", "村级人民调解室"),
        ("在集市、学校等8处法治宣传点发放资料。", "8处", "法治宣传点"),
        # Rates and counting suffixes keep their verb.
        ("办结率98%，群众满意。", "98%", "办结率"),
        ("培训班参与人数达150人次。", "150人次", "培训班参与人数"),
        # 对 X 进行 Y: the activity and what it was done to.
        ("对社区矫正对象进行走访9次。", "9次", "走访社区矫正对象"),
        # Examples before 等 give way to the category after it.
        ("开展地震、火灾等应急疏散演练6次。", "6次", "应急疏散演练"),
    ],
)
def test_a_name_is_the_noun_phrase_the_number_counts(sentence: str, raw: str, name: str) -> None:
    assert names(sentence)[raw] == name


@pytest.mark.parametrize(
    ("sentence", "raw", "name"),
    [
        # Words that only say where or to whom: the noun after the measure word counts.
        ("对全县29个重点单位开展专项巡察。", "29个", "重点单位"),
        ("为辖区内15家企业提供法治体检。", "15家", "企业"),
        ("实现全市86个单位考核全覆盖。", "86个", "单位考核"),
        ("市县两级35名执法人员参加轮训。", "35名", "执法人员"),
        ("对巡察反馈的9个问题逐项整改。", "9个", "问题"),
        # The noun after the number ends where its predicate starts.
        ("全乡4名网格员全部取得调解员证书。", "4名", "网格员"),
        ("全镇12个村居也都配备了法律顾问。", "12个", "村居"),
        # Whom a thing went to is not what is counted.
        ("向县政府和县人大报备规范性文件6件。", "6件", "报备规范性文件"),
        # Examples before 等 with nothing after: the examples name the count.
        ("依法审核合同、文件等120件。", "120件", "审核合同、文件"),
        # Counted by the award: the award names them.
        ("3个村被评为省级民主法治示范村。", "3个", "省级民主法治示范村"),
        # A long name keeps its head; a list keeps its items.
        ("党委理论学习中心组学习专题学法8次。", "8次", "专题学法"),
        ("组织专题学习、集中学习、书记讲党课5次。", "5次", "专题学习、集中学习、书记讲党课"),
        # 共计 introduces the count of what follows.
        ("动态调整部门共计52项职权事项。", "52项", "职权事项"),
        # A count word keeps the owner of the activity it counts.
        ("组织志愿者小组开展活动次数25次。", "25次", "志愿者小组开展活动次数"),
        # A stated sum is named by the first item of the list it sums.
        ("群众评价非常满意702条，满意53条，合计755条。", "755条", "群众评价非常满意"),
        # 共性 is no 共; 年度内 leads to the noun; a quoted name may open the noun.
        ("针对省里反馈的9个共性问题逐项整改。", "9个", "共性问题"),
        ("各服务站2024年度内累计办件8800件。", "8800件", "办件"),
        ("推动15个“高效办成一件事”主题事项落地。", "15个", "“高效办成一件事”主题事项"),
        # A list inside brackets is part of its name; 工作 is no predicate 作.
        ("对全省6个县(市、区)开展实地督察。", "6个", "县(市、区)"),
        ("明确8家重点工作牵头单位。", "8家", "重点工作牵头单位"),
        # A change after 同期 takes its subject from the clause before.
        ("受理行政案件90件，较上年同期减少12件。", "12件", "受理行政案件较上年同期减少"),
        # A trailing general verb or 均在 is not part of the noun.
        ("走进学校开展3场次。", "3场次", "走进学校"),
        # 同 at the end of a noun (合同) is not the preposition 同.
        ("纳入清单的规范性文件9类，重大决策4类，行政合同3类。", "3类", "行政合同"),
    ],
)
def test_scope_words_and_open_ends_never_stand_as_a_name(
    sentence: str, raw: str, name: str
) -> None:
    assert names(sentence)[raw] == name


def test_a_bare_number_takes_the_noun_of_the_clause_before_it() -> None:
    text = "依托“宪法宣传周”“民法典宣传月”等节点开展以案释法宣讲活动，共12场。"
    assert names(text)["12场"] == "以案释法宣讲活动"


def test_a_comparison_takes_its_subject_from_the_earlier_clause() -> None:
    text = "全区越级上访量明显减少，由2022年的15批次40人次，下降到2023年的3批次5人次。"
    found = names(text)
    assert found["15批次"] == found["40人次"] == "越级上访量"
    assert found["3批次"] == found["5人次"] == "越级上访量"


def test_a_bare_verb_borrows_the_object_of_the_previous_clause() -> None:
    text = "共排查劳资纠纷30起，调解25起，其中已结案20起，正在审查5起。"
    found = names(text)
    assert found["30起"] == "排查劳资纠纷"
    assert found["25起"] == "调解劳资纠纷"
    assert found["20起"] == "结案劳资纠纷"
    assert found["5起"] == "正在审查劳资纠纷"


def test_a_change_takes_its_subject_from_the_clause_before() -> None:
    text = "行政复议收案41件，同比增长12%，其中撤销原行政行为5件。"
    assert names(text) == {
        "41件": "行政复议收案",
        "12%": "行政复议收案同比增长",
        "5件": "撤销原行政行为",  # 为 ends 行为 here, it is not the copula before a number
    }


def test_adverbs_after_the_noun_are_not_part_of_it() -> None:
    text = "全镇12个行政村全部配备法律顾问，签订法律顾问合同12份。"
    assert names(text) == {"12个": "行政村", "12份": "法律顾问合同"}


def test_two_numbers_in_one_clause_each_keep_their_own_noun() -> None:
    text = "发放宣传手册300余册、宣传围裙50条，悬挂横幅12条。"
    assert names(text) == {"300余册": "宣传手册", "50条": "宣传围裙", "12条": "横幅"}


def test_money_and_households_after_one_noun_share_it() -> None:
    text = "收缴农村污水处理费210户3.5万元。"
    assert names(text) == {"210户": "收缴农村污水处理费", "3.5万元": "收缴农村污水处理费"}


def test_a_name_never_starts_inside_a_book_title() -> None:
    text = (
        "在重要节点开展《反电信网络诈骗法》《未成年人保护法》《妇女权益保障法》"
        "《乡村振兴促进法》《安全生产法》普法宣传活动，共30余次。"
    )
    name = names(text)["30余次"]
    assert "》" not in name or "《" in name
    assert name.endswith("普法宣传活动")
    assert len(name) <= MAX_NAME_CHARS


def test_a_noun_after_the_number_that_opens_with_bi_is_a_noun_not_a_comparison() -> None:
    text = "组织执法队员进行3次比武练兵，参训人数比上年增加20人。"
    assert names(text)["3次"] == "比武练兵"


def test_the_activity_done_to_people_after_a_number_names_it() -> None:
    text = "分三期对全体村干部进行集中轮训。"
    assert names(text) == {"三期": "集中轮训"}


def test_two_meetings_joined_by_ji_each_keep_their_own_noun() -> None:
    text = "先后召开4次局务会暨9次党组理论学习中心组学习会。"
    assert names(text) == {"4次": "局务会", "9次": "党组理论学习中心组学习会"}


def test_a_report_in_traditional_characters_is_named_as_in_simplified_and_as_written() -> None:
    simplified = names("组织干警进行2次比武考核，开展法治讲座5场。")
    traditional = names("組織幹警進行2次比武考核，開展法治講座5場。")
    assert simplified == {"2次": "比武考核", "5场": "法治讲座"}
    assert traditional == {"2次": "比武考核", "5場": "法治講座"}


def test_a_verb_inside_a_quoted_name_does_not_cut_the_noun() -> None:
    text = "组织12个乡镇“一把手”向社会公开述法。"
    assert names(text)["12个"] == "乡镇“一把手”"


def test_a_preposition_or_a_locative_is_no_end_of_a_name() -> None:
    assert names("审批时限由20个工作日压缩。")["20个工作日"] == "审批时限"
    assert names("在申报的36个示范项目中，多数已完成。")["36个"] == "示范项目"


def test_a_long_list_keeps_its_last_item() -> None:
    text = "组织开展消防设施、燃气管道、危险化学品仓库、自建房屋结构安全隐患排查40余次。"
    assert names(text)["40余次"] == "自建房屋结构安全隐患排查"


def test_a_short_list_counted_together_is_kept_whole() -> None:
    assert names("张贴海报、标语60张。")["60张"] == "海报、标语"


_PAIRS = {"《": "》", "“": "”", "（": "）", "【": "】"}


def _balanced(name: str) -> bool:
    stack: list[str] = []
    for char in name:
        if char in _PAIRS:
            stack.append(_PAIRS[char])
        elif char in _PAIRS.values() and (not stack or stack.pop() != char):
            return False
    return not stack


def _derived(name: str, text: str) -> bool:
    """Whether ``name`` is one slice of ``text`` or two slices joined (a borrowed object)."""
    if name in text:
        return True
    return any(name[:i] in text and name[i:] in text for i in range(1, len(name)))


_WORDS = st.sampled_from(
    [
        "开展",
        "组织",
        "发放",
        "召开",
        "化解",
        "排查",
        "法治宣传活动",
        "矛盾纠纷",
        "《民法典》",
        "“法律进乡村”",
        "宣传资料（册）",
        "等",
        "、",
        "，",
        "。",
        "共",
        "由2023年的",
        "下降到2024年的",
        "12次",
        "300余份",
        "5起",
        "100%",
        "8个",
        "村调解室",
        "率",
        "对群众进行",
        "走访",
        "实现",
        "同比增长",
        "行为",
        "全部",
        "参与人数",
        "（",
        "》",
        "“",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=14))
def test_every_name_is_short_balanced_and_taken_from_the_text(words: list[str]) -> None:
    text = "".join(words)
    quantities = find_quantities(text)
    for quantity in quantities:
        name = name_quantity(text, quantity, quantities)
        assert name, text
        assert len(name) <= MAX_NAME_CHARS, (text, name)
        assert _balanced(name), (text, name)
        assert _derived(name, text), (text, name)
        assert not re.search(r"^[，。、；：]|[，。、；：]$", name), (text, name)
    assert name_quantities(text, quantities) == [
        name_quantity(text, quantity, quantities) for quantity in quantities
    ]


def test_every_rule_name_of_the_samples_is_short_balanced_and_taken_from_the_text() -> None:
    for path in sorted(REPORTS.glob("*.txt")):
        text = load_report(path).text
        for indicator in summarize_offline(path).indicators:
            name = indicator.name
            assert 1 <= len(name) <= MAX_NAME_CHARS, (path.name, name)
            assert _balanced(name), (path.name, name)
            assert _derived(name, text), (path.name, name)
