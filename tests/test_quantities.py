"""find_quantities against the hand-made gold and against the genre's traps."""

from __future__ import annotations

from typing import Any

import pytest

from rulelaw_llm import find_quantities, load_report
from rulelaw_llm.reading.normalize import chinese_to_number
from rulelaw_llm.rules.quantities import parse_number
from tests.conftest import GOLD, REPORTS, SAMPLES, load_json


def _gold_spans(slug: str) -> tuple[str, list[tuple[int, int, dict[str, Any]]]]:
    gold = load_json(GOLD / f"{slug}.json")
    text = load_report(REPORTS / gold["report"]).text
    spans = []
    for indicator in gold["indicators"]:
        context = text.index(indicator["context"])
        start = text.index(indicator["raw"], context)
        spans.append((start, start + len(indicator["raw"]), indicator))
    return text, spans


def test_samples_match_the_gold_with_the_required_precision_and_recall() -> None:
    true_positive = false_positive = false_negative = 0
    for slug in SAMPLES:
        text, spans = _gold_spans(slug)
        found = {(q.start, q.end): q for q in find_quantities(text)}
        gold = {(start, end): indicator for start, end, indicator in spans}
        true_positive += len(found.keys() & gold.keys())
        false_positive += len(found.keys() - gold.keys())
        false_negative += len(gold.keys() - found.keys())
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    assert recall >= 0.97, recall
    assert precision >= 0.95, precision


@pytest.mark.parametrize("slug", SAMPLES)
def test_value_unit_and_approx_agree_with_the_gold(slug: str) -> None:
    text, spans = _gold_spans(slug)
    found = {(q.start, q.end): q for q in find_quantities(text)}
    for start, end, indicator in spans:
        quantity = found.get((start, end))
        if quantity is None:
            continue  # counted as a miss by the precision/recall test
        assert (quantity.raw, quantity.value, quantity.unit, quantity.approx) == (
            indicator["raw"],
            indicator["value"],
            indicator["unit"],
            indicator["approx"],
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年召开两次常务会议", [("两次", 2, "次", False)]),
        ("举办十余场讲座，培训三十人", [("十余场", 10, "场", True), ("三十人", 30, "人", False)]),
        ("征收规费1.5亿元", [("1.5亿元", 150_000_000, "元", False)]),
        ("发放3万余份材料", [("3万余份", 30_000, "份", True)]),
        ("受益群众近500人", [("近500人", 500, "人", True)]),
        ("覆盖率达98.5%", [("98.5%", 98.5, "%", False)]),
        ("同比下降12个百分点", [("12个百分点", 12, "个百分点", False)]),
        ("提出法律意见100条以上", [("100条以上", 100, "条", True)]),
        ("满意度达到百分之九十五", [("百分之九十五", 95, "%", False)]),
        ("受理工单1,200件", [("1,200件", 1200, "件", False)]),
        ("发放资料500份左右", [("500份左右", 500, "份", True)]),
        ("開展普法宣傳活動20餘次", [("20餘次", 20, "次", True)]),
        ("深入学校、6各行政村开展宣讲", [("6各", 6, "个", False)]),
        ("主要成效：开展活动20次（含3个村）", [("20次", 20, "次", False), ("3个", 3, "个", False)]),
        ("１２场培训", [("１２场", 12, "场", False)]),
        # Years counted in a row are a result; a year is not.
        (
            "连续三年获评先进单位，连续6年考核优秀",
            [("三年", 3, "年", False), ("6年", 6, "年", False)],
        ),
        # Places counted in a list, each with its own measure word.
        (
            "对3市5县7个部门开展督察",
            [("3市", 3, "市", False), ("5县", 5, "县", False), ("7个", 7, "个", False)],
        ),
        # 目前 is a time word, not a ranking.
        ("目前18名干部已取得执法证", [("18名", 18, "名", False)]),
        # A stated deadline in minutes is a figure; a 15-minute service circle is a name.
        ("办件时限压缩至20分钟以内", [("20分钟", 20, "分钟", False)]),
        (
            "一季度召开会议1次，每月至少开展2次巡查，全年巡查30次",
            [("1次", 1, "次", False), ("30次", 30, "次", False)],
        ),
    ],
)
def test_indicators_are_found_with_value_unit_and_approx(
    text: str, expected: list[tuple[str, float, str, bool]]
) -> None:
    assert [(q.raw, q.value, q.unit, q.approx) for q in find_quantities(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "严格落实“三重一大”决策制度，坚持“两个维护”，增强“四个意识”",
        "推行一站式服务，压实第一责任人责任，深入开展八五普法和法律九进",
        "形成“五办三中心”工作模式，落实“六对一”帮教制度，明确一把手总负责",
        "深入学习党的二十大和二十届三中全会精神，落实第一议题制度",
        "利用“3·15”、4.15国家安全教育日、12.4国家宪法日、“12・4”等节点",
        "3月综治宣传月、6月安全生产月，2024年12月4日开展活动",
        "根据《法治政府建设实施纲要（2021—2025年）》和〔2025〕1号文件",
        "一是加强学习，每一次会议都认真记录，进一步提高能力，一系列措施，一起研究",
        "打造禁毒一条街，发放《告全镇人民一封信》，做到“不漏掉一户、不放过一处”",
        "第一次会议于3月召开，第3季度完成，排名前3名",
        "三大节日期间，村“两委”班子，千家万户，一户一档",
        "（1） 加强组织领导 1、 工作开展情况 （三）践行枫桥经验",
        "拨打12345热线，一次性告知",
        # Plenary sessions are numbered, not counted.
        "贯彻省委十一届四次全会和市委七届三次、四次全会精神",
        # Frequencies are rules of the work, not counts of it.
        "坚持每半年召开一次专题会议，每季度听取一次汇报",
        # A procedural rule, not a count.
        "严格执行两人以上执法和两名以上执法人员出示证件制度",
        # A structure described is not counted; half-yearly is a frequency.
        "落实三个“一号工程”，社区五人小组，抓住三个关键环节，从两个方面推进",
        "党组半年听取一次法治建设汇报",
        # "Only once" describes a procedure; a named set of measures is a name.
        "群众只需跑一次，递交一次材料即可办结",
        "出台优化营商环境八项措施和十项行动",
        # Attributive stretches of time name a service, they count nothing.
        "打造15分钟公共法律服务圈，建设30分钟便民服务网络",
    ],
)
def test_dates_slogans_ordinals_titles_and_document_numbers_are_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_spans_point_into_the_original_text() -> None:
    text = "召开４次会議，發放宣傳單500餘份"
    for quantity in find_quantities(text):
        assert text[quantity.start : quantity.end] == quantity.raw


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("一百零五", 105),
        ("两万", 20_000),
        ("三千五百", 3500),
        ("一亿二千万", 120_000_000),
    ],
)
def test_chinese_numerals(numeral: str, value: float) -> None:
    assert chinese_to_number(numeral) == value


@pytest.mark.parametrize("numeral", ["八五", "十四五", "", "万"])
def test_non_standard_numerals_are_not_numbers(numeral: str) -> None:
    assert chinese_to_number(numeral) is None


def test_parse_number_expands_scales() -> None:
    assert parse_number("440万") == 4_400_000
    assert parse_number("1,200") == 1200
    assert parse_number("十二") == 12


@pytest.mark.parametrize(
    "text",
    [
        "全面落实党务、村务、财务三类事项公开",  # the numeral counts the list before it
        "围绕服务全区发展两件大事开展工作",  # a set phrase
        "圍繞完成好兩件大事提供法治保障",  # the same in traditional characters
    ],
)
def test_a_numeral_that_counts_its_own_list_or_a_set_phrase_is_no_quantity(text: str) -> None:
    assert find_quantities(text) == []


def test_a_numeral_after_a_list_of_another_length_is_still_counted() -> None:
    quantities = find_quantities("组织培训、讲座三次，受理投诉、举报等四件")
    assert [(q.raw, q.value) for q in quantities] == [("三次", 3.0), ("四件", 4.0)]


def test_traditional_approximation_marks_and_scales_are_read() -> None:
    quantities = find_quantities("舉辦研討活動10餘場，覆蓋群眾1.2萬人次")
    assert [(q.value, q.approx) for q in quantities] == [(10.0, True), (12_000.0, False)]
