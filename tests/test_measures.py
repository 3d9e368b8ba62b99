"""The rules' kinds of numbers: the unit family must fit, the words near the number decide.

Sentences are invented in the shapes real reports use (not copied from any report).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rulelaw_llm import ReportSummary, summarize_offline
from rulelaw_llm.corpus.evaluation import evaluate
from rulelaw_llm.rules.measures import (
    OWN_WORDS,
    KindEvidence,
    kind_doubt,
    kind_scores,
    kind_supported,
    names_its_own,
    rule_kind,
)
from rulelaw_llm.schema import SCHEMA_VERSION


def _evidence(
    name: str, clause: str, unit: str, sentence: str = "", heading: str = ""
) -> KindEvidence:
    return KindEvidence(
        name=name, clause=clause, sentence=sentence or clause, heading=heading, unit=unit
    )


@pytest.mark.parametrize(
    ("name", "clause", "unit", "kind"),
    [
        ("理论学习中心组专题学法", "开展理论学习中心组专题学法9次", "次", "collective_law_study"),
        ("镇党委会", "召开镇党委会7次", "次", "rule_of_law_meetings"),
        ("法治专题学习会议", "先后召开3次法治专题学习会议", "次", "collective_law_study"),
        ("执法人员专项培训", "组织执法人员专项培训5场", "场", "law_training_sessions"),
        ("普法宣传活动", "开展普法宣传活动42次", "次", "publicity_events"),
        ("宣传折页", "发放宣传折页900余份", "份", "publicity_materials"),
        ("调解成功率", "调解成功率99%", "%", "dispute_resolution_rate"),
        ("化解矛盾纠纷", "化解矛盾纠纷31件", "件", "disputes_resolved"),
        ("行政复议案件", "办理行政复议案件12件", "件", "admin_reconsideration_cases"),
        ("罚没款", "罚没款3.5万元", "元", "fines_and_fees"),
        ("合法性审查", "开展合法性审查26次", "次", "legality_reviews"),
        ("主动公开政府信息", "主动公开政府信息310条", "条", "information_disclosed"),
    ],
)
def test_the_words_of_a_numbers_name_decide_its_kind(
    name: str, clause: str, unit: str, kind: str
) -> None:
    evidence = _evidence(name, clause, unit)
    assert rule_kind(evidence) == kind
    assert kind_doubt(evidence) is None


def test_the_unit_family_must_fit() -> None:
    # A number of cases in a sentence about a rate is not the rate.
    assert rule_kind(_evidence("化解率", "化解率100件", "件")) != "dispute_resolution_rate"
    assert kind_doubt(_evidence("化解率", "化解率100件", "件")) == "名称是比率而单位不是 %"
    # 人次 of a training is its participants, 次 its sessions.
    assert (
        rule_kind(_evidence("培训干部", "培训干部300人次", "人次")) == "law_training_participants"
    )
    assert rule_kind(_evidence("培训干部", "培训干部3次", "次")) == "law_training_sessions"


def test_a_bare_clause_takes_its_kind_from_the_sentence() -> None:
    sentence = "县委党校为机关干部举办法治专题培训讲座3场，参与人数90余人次"
    evidence = _evidence("参与人数", "参与人数90余人次", "人次", sentence=sentence)
    assert rule_kind(evidence) == "law_training_participants"
    assert kind_doubt(evidence) == "种类的支持词只在上下文中"
    # One or two short words in the sentence are too weak: other, and a doubt the model may settle.
    weak = _evidence(
        "参与人数", "参与人数90余人次", "人次", sentence="举办讲座3场，参与人数90余人次"
    )
    assert (rule_kind(weak), kind_doubt(weak)) == ("other", "种类的支持词只在上下文中且太弱")
    # Support in the clause but not in the name is a lesser doubt.
    clause = _evidence("对全县", "对全县单位开展考核12个", "个")
    assert (rule_kind(clause), kind_doubt(clause)) == ("units_assessed", "种类的支持词不在名称中")


def test_a_name_of_its_own_is_not_overruled_by_the_sentence() -> None:
    # The sentence is about a training; the number counts something the clause names in
    # words no kind has: the rules say other and ask, offering other too.
    sentence = "结合法治专题培训讲座，青年突击队慰问孤寡老人15次"
    evidence = _evidence("青年突击队慰问孤寡老人", "青年突击队慰问孤寡老人15次", "次",
                         sentence=sentence)  # fmt: skip
    assert rule_kind(_evidence("参与人数", "参与人数15次", "次", sentence=sentence)) != "other"
    assert names_its_own(evidence.name)
    assert (rule_kind(evidence), kind_doubt(evidence)) == ("other", OWN_WORDS)
    # A name made of bare words and supporting words leaves it to the sentence.
    assert not names_its_own("参与人数")
    assert not names_its_own("全年开展活动次数")
    assert not names_its_own("覆盖率")


def test_a_count_of_people_may_take_its_kind_from_the_sentence() -> None:
    # A count of persons names who was counted (网格员): what they did is said before it.
    sentence = "镇里开展法治培训两期、党校讲座两场，覆盖网格员180人次"
    evidence = _evidence("覆盖网格员", "覆盖网格员180人次", "人次", sentence=sentence)
    assert names_its_own(evidence.name)
    assert rule_kind(evidence) == "law_training_participants"
    assert kind_doubt(evidence) == "种类的支持词只在上下文中"


@pytest.mark.parametrize(
    ("name", "unit", "kind"),
    [
        ("组织干部旁听庭审", "次", "law_training_sessions"),
        ("新任科级干部任前考法", "人", "law_training_participants"),
        ("法治进社区宣讲", "场", "publicity_events"),
    ],
)
def test_the_usual_forms_of_learning_and_publicity_are_known(
    name: str, unit: str, kind: str
) -> None:
    assert rule_kind(_evidence(name, f"{name}12{unit}", unit)) == kind


def test_a_place_says_what_is_counted_only_as_the_head_of_the_name() -> None:
    # 社区 before the head says where: a count of service stations is no count of communities.
    station = _evidence("社区调解工作站", "新设社区调解工作站5个", "个")
    assert rule_kind(station) != "units_covered"
    assert rule_kind(_evidence("村级法治宣传队", "组建村级法治宣传队9支", "支")) == "other"
    # As the head (a bracket listing its like aside) it is the count of places.
    assert rule_kind(_evidence("行政村", "走访全镇14个行政村", "个")) == "units_covered"
    assert rule_kind(_evidence("社区（村）", "指导16个社区（村）完成公示", "个")) == "units_covered"


def test_on_a_tie_the_kind_with_more_support_in_the_name_wins() -> None:
    # 电子屏 (posts) and 宣传 (events) weigh the same here; 电子屏 is the longer word of the name.
    evidence = _evidence("电子屏宣传", "电子屏宣传600余次", "次",
                         sentence="借助公众号，电子屏宣传600余次")  # fmt: skip
    scores = kind_scores(evidence)
    assert scores[0][1] == scores[1][1]
    assert rule_kind(evidence) == "publicity_posts"


def test_the_head_of_the_name_outweighs_its_modifiers() -> None:
    # 学习会议 counts study; 部署会议 counts meetings.
    assert (
        rule_kind(_evidence("法治学习会议", "召开法治学习会议2次", "次")) == "collective_law_study"
    )
    assert (
        rule_kind(_evidence("法治工作部署会", "召开法治工作部署会2次", "次"))
        == "rule_of_law_meetings"
    )


def test_nothing_supports_a_kind_then_other() -> None:
    evidence = _evidence("古树", "保护古树36株", "株")
    assert kind_scores(evidence) == []
    assert rule_kind(evidence) == "other"
    assert kind_doubt(evidence) == "没有种类的支持词"
    # One short word once in the sentence is too weak to say what a number counts.
    weak = _evidence("样本", "抽取样本12个", "个", sentence="围绕整治抽取样本12个")
    assert rule_kind(weak) == "other"


def test_close_scores_are_a_doubt() -> None:
    evidence = _evidence("讲座", "举办讲座4场", "场", sentence="举办讲座4场")
    assert kind_doubt(evidence) == "种类的支持词分散"


def test_a_models_kind_must_fit_the_unit_and_be_said_near_the_number() -> None:
    evidence = _evidence("宣传活动", "开展宣传活动12次", "次", heading="（二）加强普法宣传")
    assert kind_supported("publicity_events", evidence)
    assert not kind_supported("publicity_materials", evidence)  # 份, not 次
    assert not kind_supported("emergency_drills", evidence)  # no word of drills nearby
    assert not kind_supported("not_a_kind", evidence)
    assert kind_supported("other", evidence)


SAMPLE = """某镇2024年法治政府建设情况报告
一、主要举措和成效
（一）加强学法用法。全年开展中心组专题学法6次，组织干部参加法治培训3场，参训干部120人次。
（二）深化普法宣传。开展普法宣传活动15次，发放宣传资料800余份。
二、存在的问题
一是普法形式单一。
三、下一步工作计划
（一）加大普法宣传力度。
"""


def test_the_offline_summary_gives_each_indicator_its_kind() -> None:
    summary = summarize_offline(SAMPLE)
    assert [(i.value, i.kind) for i in summary.indicators] == [
        (6, "collective_law_study"),
        (3, "law_training_sessions"),
        (120, "law_training_participants"),
        (15, "publicity_events"),
        (800, "publicity_materials"),
    ]
    assert summary.provenance.schema_version == SCHEMA_VERSION == "1.3"


def test_a_result_of_schema_1_2_without_kinds_still_reads() -> None:
    data = json.loads(summarize_offline(SAMPLE).model_dump_json())
    for indicator in data["indicators"]:
        del indicator["kind"]
    data["provenance"]["schema_version"] = "1.2"
    summary = ReportSummary.model_validate(data)
    assert {indicator.kind for indicator in summary.indicators} == {"other"}


def test_eval_scores_kind_agreement(tmp_path: Path) -> None:
    report = tmp_path / "某镇.txt"
    report.write_text(SAMPLE, encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "某镇.json").write_text(
        json.dumps(
            {
                "report": "某镇.txt",
                "indicators": [
                    {"raw": "6次", "value": 6, "unit": "次", "approx": False,
                     "context": "中心组专题学法6次", "kind": "collective_law_study"},
                    {"raw": "15次", "value": 15, "unit": "次", "approx": False,
                     "context": "普法宣传活动15次", "kind": "rule_of_law_meetings"},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )  # fmt: skip
    evaluation = evaluate([summarize_offline(report)], gold)
    assert (evaluation.kind_agreement.agreed, evaluation.kind_agreement.gold) == (1, 2)
    assert evaluation.reports[0].kinds.disagreements == [
        "15次（普法宣传活动15次）：rule_of_law_meetings ≠ publicity_events"
    ]
