"""The audit's judgements by a model: the tasks' checks, answers from a FAKE transport
(tests/fakes.py, made-up answers) and, replayed from a cassette, from the REAL local model.

The cassette was recorded against the local llama-cpp-python server with
Qwen2.5-Coder-1.5B-Instruct (``../shared/tools/local-llm run -- python -m pytest
--record-mode=rewrite -k test_llm_judgements_of_a_sample``). Its assertions check what the
library guarantees on real answers (closed answers, grounded quotes, fallback to the rules),
not whether the small model judged well; the README reports that.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest

from rulelaw_llm import Summarizer, audit, load_report
from rulelaw_llm.auditing.tasks import FollowUpTask, PlansForProblemsTask, PlanTargetsTask
from tests.conftest import LOCAL_BASE_URL, LOCAL_MODEL, REPORTS
from tests.fakes import Answer, FakeModel
from tests.test_audit import CONSTRUCTED_2023

SHENZHA = REPORTS / "shenzha-zhen-2024.txt"


# --------------------------------------------------------------------------- checks, no HTTP


def test_plans_for_problems_accepts_only_listed_plans() -> None:
    task = PlansForProblemsTask(["宣传形式单一"], ["创新普法形式", "加强队伍建设"])
    assert task.check("w1", ["p2"]) == (["p2"], None)
    assert task.check("w1", []) == ([], None)
    _, failure = task.check("w1", ["p3"])
    assert failure is not None and "w1" in failure
    schema = json.dumps(task.model_for(["w1"]).model_json_schema())
    assert '"p1"' in schema and '"p2"' in schema  # the grammar can only produce listed plans


def test_follow_up_accepts_only_the_candidates_of_that_plan() -> None:
    task = FollowUpTask(
        ["建设法治书屋", "开展案卷评查"], [["建成书屋11个", "开展培训"], ["召开会议"]]
    )
    assert task.check("l1", "c2") == ("c2", None)
    assert task.check("l2", None) == (None, None)
    assert task.check("l2", "c1")[1] is not None  # c1 was offered for l1, not for l2


def test_plan_targets_must_be_quoted_from_the_plan_and_concrete() -> None:
    task = PlanTargetsTask(
        ["（一）创新普法方式。6月底前开展普法宣传活动10场。", "（二）持续加强队伍建设。"]
    )
    assert task.check("p1", "6月底前开展普法宣传活动10场") == ("6月底前开展普法宣传活动10场", None)
    assert task.check("p1", "null") == (None, None)
    assert task.check("p2", "年内建成法治书屋")[1] is not None  # not in the plan
    assert task.check("p2", "持续加强")[1] is not None  # in the plan, but no target


# --------------------------------------------------------------------------- a fake model


def judge_on(fake: FakeModel) -> Summarizer:
    client = openai.OpenAI(
        base_url="http://fake.test/v1",
        api_key="fake-key-0123456789abcdef",
        http_client=httpx2.Client(transport=fake.transport()),
    )
    return Summarizer(client=client, model="fake-model", reasks=1)


def _prompt(body: dict[str, Any]) -> str:
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def test_the_models_reading_replaces_the_rules_and_bad_answers_fall_back(
    tmp_path: Path,
) -> None:
    """Made-up answers: problem 2 has no plan, plan 1 names an owner, a bad follow-up answer."""

    def answers(call: int, body: dict[str, Any], answer: Answer) -> Answer:
        prompt = _prompt(body)
        if "存在的问题" in prompt and "w1" in prompt:
            return {"w1": ["p1"], "w2": []}
        if "可衡量目标" in prompt:
            return {"p1": "充分利用法治宣传活动、宪法宣传周", "p2": None}
        if "上一年度报告中的工作计划" in prompt:
            return {"l1": "c99", "l2": "c99", "l3": "c99"}  # never a listed sentence
        return answer

    fake = FakeModel(fault=answers)
    previous = tmp_path / "shenzha-zhen-2023.txt"
    previous.write_text(CONSTRUCTED_2023, encoding="utf-8")
    (result,) = audit(str(SHENZHA), previous=str(previous), judge=judge_on(fake))

    unplanned = [f for f in result.findings if f.code == "problem_without_plan"]
    assert [(f.index, f.judged_by) for f in unplanned] == [(1, "llm")]
    # "充分利用法治宣传活动、宪法宣传周" is in plan 1 but states no target: rejected twice,
    # so plan 1 falls back to the rules (vague); plan 2 is judged vague by the model.
    vague = [(f.index, f.judged_by) for f in result.findings if f.code == "vague_plan"]
    assert vague == [(0, "rules"), (1, "llm")]
    # Every follow-up answer failed its check: the rules decide, and say so.
    assert result.follow_up is not None
    assert [item.judged_by for item in result.follow_up] == ["rules"] * 3
    assert [item.followed for item in result.follow_up] == [True, True, False]
    assert result.backend == "llm"
    # Plans for problems answered well at once; targets and follow-up re-asked once each.
    assert len(fake.requests) == 1 + 2 + 2
    assert re.search(r"^w2：", _prompt(fake.requests[0]), re.MULTILINE)


# --------------------------------------------------------------------------- the real model


@pytest.mark.vcr
def test_llm_judgements_of_a_sample(played: Any, tmp_path: Path) -> None:
    judge = Summarizer(
        provider="llama-cpp-python", base_url=LOCAL_BASE_URL, model=LOCAL_MODEL, api_key="local"
    )
    previous = tmp_path / "shenzha-zhen-2023.txt"
    previous.write_text(CONSTRUCTED_2023, encoding="utf-8")
    (result,) = audit(str(SHENZHA), previous=str(previous), judge=judge)
    text = load_report(SHENZHA).text

    for finding in result.findings:
        for evidence in finding.evidence:
            assert text[evidence.start : evidence.end] == evidence.quote
    assert result.follow_up is not None and len(result.follow_up) == 3
    for item in result.follow_up:
        for evidence in item.evidence:
            assert text[evidence.start : evidence.end] == evidence.quote
        assert item.followed == bool(item.evidence) or item.judged_by == "rules"
    judged = [f.judged_by for f in result.findings] + [i.judged_by for i in result.follow_up]
    assert "llm" in judged and result.backend == "llm"


def test_the_table_marks_the_models_judgements(tmp_path: Path) -> None:
    from rulelaw_llm.auditing.render import audits_to_table

    def answers(call: int, body: dict[str, Any], answer: Answer) -> Answer:
        prompt = _prompt(body)
        if "存在的问题" in prompt and "w1" in prompt:
            return {"w1": [], "w2": ["p1"]}
        return {key: None for key in re.findall(r"^(p\d+)：", prompt, re.MULTILINE)}

    (result,) = audit(str(SHENZHA), judge=judge_on(FakeModel(fault=answers)))
    table = audits_to_table([result])
    assert table.count("（这一判断由大模型做出，请核对原文）") == sum(
        1 for f in result.findings if f.judged_by == "llm"
    )
    assert [f.index for f in result.findings if f.code == "problem_without_plan"] == [0]


def test_a_follow_up_sentence_sharing_no_word_with_the_plan_is_refused() -> None:
    task = FollowUpTask(
        ["开展行政执法案卷评查"], [["开展案卷评查3次", "认真履职尽责"]], shared=[[2, 0]]
    )
    assert task.check("l1", "c1") == ("c1", None)
    _, failure = task.check("l1", "c2")
    assert failure is not None and "没有一个相同的词" in failure
