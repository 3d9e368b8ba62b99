"""The kinds task: planned where the rules are unsure, checked against the unit and the words
next to the number, applied without ever leaving the result below the rules.

Measured from both sides (TESTING.md) with the stand-ins of ``tests/standins.py`` on the five
samples: one answering each number's gold kind is always accepted, one answering the next
number's gold kind never lowers kind agreement below the rules floor.
"""

from __future__ import annotations

import json

import pytest

from rulelaw_llm import load_report, summarize_offline
from rulelaw_llm.corpus.evaluation import evaluate
from rulelaw_llm.llm.flow import ReportFacts, plan_tasks
from rulelaw_llm.llm.kind_task import KindsTask, KindTarget, check_kind, kind_choices
from rulelaw_llm.llm.settings import Settings
from rulelaw_llm.rules.measures import KindEvidence
from rulelaw_llm.schema import ReportSummary
from tests.conftest import REPORTS, ROOT, SAMPLES
from tests.standins import GoldStandin, Mode, run_flow

GOLD = ROOT / "examples" / "gold"

#: A bare clause: what it counts was said before (the rules' support is in the context only).
SENTENCE = "县委党校为机关干部举办法律讲座3场，参与人数90余人次"
REPORT = f"""某镇2024年法治政府建设情况报告
一、主要举措和成效
（一）加强学法用法。{SENTENCE}。全年开展中心组专题学法6次。
二、存在的问题
一是学法形式单一。
三、下一步工作计划
（一）加强学法用法。
"""


def _evidence(name: str, clause: str, unit: str, sentence: str = "") -> KindEvidence:
    return KindEvidence(name=name, clause=clause, sentence=sentence or clause, unit=unit)


def test_choices_are_the_kinds_supported_next_to_the_number() -> None:
    bare = _evidence("参与人数", "参与人数90余人次", "人次", sentence=SENTENCE)
    assert kind_choices(bare) == ("law_training_participants", "other")
    # Two kinds share 讲座: both are offered, and other is not (the clause says what it is).
    split = _evidence("讲座", "举办讲座4场", "场")
    assert kind_choices(split) == ("law_training_sessions", "publicity_events")
    # A clause naming something of its own: the sentence's kinds are offered, and other.
    own = _evidence("青年突击队慰问孤寡老人", "青年突击队慰问孤寡老人6次", "次",
                    sentence="围绕法治专题培训讲座，青年突击队慰问孤寡老人6次")  # fmt: skip
    assert kind_choices(own)[-1] == "other"
    assert "law_training_sessions" in kind_choices(own)


def test_an_answer_must_be_one_of_the_choices() -> None:
    target = KindTarget(0, "4场", "举办讲座4场", ("law_training_sessions", "publicity_events"), "")
    assert check_kind("k1", "publicity_events", target) == ("publicity_events", None)
    kind, failure = check_kind("k1", "emergency_drills", target)
    assert kind is None and failure is not None and "不在它的候选" in failure
    kind, failure = check_kind("k1", "other", target)
    assert kind is None and failure is not None and "不能答 other" in failure


def test_the_default_plan_asks_only_where_the_support_is_in_the_context() -> None:
    facts = ReportFacts.of(load_report(REPORT), Settings())
    tasks = [
        task for task in plan_tasks(facts, Settings(), "unsure") if isinstance(task, KindsTask)
    ]
    assert len(tasks) == 1
    (target,) = tasks[0].targets.values()
    assert (target.raw, target.choices) == ("90余人次", ("law_training_participants", "other"))
    message = tasks[0].render(tasks[0].keys)
    assert "k1：90余人次［law_training_participants、other］" in message
    assert "law_training_participants：法治培训（学法考试）人次（人/人次）" in message
    assert "publicity_events" not in message  # only the kinds offered are explained
    schema = tasks[0].model_for(tasks[0].keys).model_json_schema()
    assert schema["properties"]["k1"]["enum"] == ["law_training_participants", "other"]


def test_an_accepted_kind_is_applied_and_recorded_as_a_question() -> None:
    report = load_report(REPORT)
    # The rules say other: the sentence's words are too weak; the model's choice is taken.
    assert next(i for i in summarize_offline(report).indicators if i.value == 90).kind == "other"
    kind = "law_training_participants"
    gold = {"indicators": [{"raw": "90余人次", "context": "参与人数90余人次", "kind": kind}]}
    summary = run_flow(report, Settings(), GoldStandin(report, gold, Settings()))
    indicator = next(i for i in summary.indicators if i.value == 90)
    assert indicator.kind == "law_training_participants"
    (question,) = [q for q in summary.coverage.questions if q.field == "kind"]  # type: ignore[union-attr]
    assert (question.outcome, question.reason) == ("accepted", "种类的支持词只在上下文中且太弱")


def _agreement(summaries: list[ReportSummary]) -> float:
    rate = evaluate(summaries, GOLD).kind_agreement.rate
    assert rate is not None
    return rate


def _standin_run(mode: Mode, scope: str) -> tuple[list[ReportSummary], int, int]:
    settings = Settings(scope=scope)  # type: ignore[arg-type]
    summaries, asked, accepted = [], 0, 0
    for slug in SAMPLES:
        report = load_report(REPORTS / f"{slug}.txt")
        gold = json.loads((GOLD / f"{slug}.json").read_text("utf-8"))
        summary = run_flow(report, settings, GoldStandin(report, gold, settings, mode=mode))
        questions = [q for q in summary.coverage.questions if q.field == "kind"]  # type: ignore[union-attr]
        asked += len(questions)
        accepted += sum(q.outcome == "accepted" for q in questions)
        summaries.append(summary)
    return summaries, asked, accepted


@pytest.mark.parametrize("scope", ["unsure", "all"])
def test_a_standin_answering_the_gold_kind_is_accepted(scope: str) -> None:
    summaries, asked, accepted = _standin_run("gold", scope)
    assert asked > 0 and accepted == asked
    rules = [summarize_offline(REPORTS / f"{slug}.txt") for slug in SAMPLES]
    assert _agreement(summaries) >= _agreement(rules) >= 0.9


@pytest.mark.parametrize("scope", ["unsure", "all"])
def test_a_standin_answering_a_neighbours_kind_never_lowers_agreement(scope: str) -> None:
    summaries, _, _ = _standin_run("neighbour", scope)
    rules = [summarize_offline(REPORTS / f"{slug}.txt") for slug in SAMPLES]
    assert _agreement(summaries) >= _agreement(rules)
