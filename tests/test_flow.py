"""The flow driven by hand: requests out, parsed replies in, no HTTP anywhere."""

from __future__ import annotations

import ast
from collections.abc import Generator, Mapping

import pytest

from rulelaw_llm import load_report
from rulelaw_llm.llm.flow import (
    ReaskRecord,
    ReportFacts,
    RunState,
    TaskOutcome,
    category_choices,
    category_doubt,
    name_doubts,
    plan_tasks,
    run_task,
    run_together,
    summary_flow,
)
from rulelaw_llm.llm.plan import _name_target
from rulelaw_llm.llm.settings import Settings
from rulelaw_llm.llm.tasks import ItemsTask, NamesTask, NameTarget, Reply, Request
from rulelaw_llm.reading.document import Item
from tests.conftest import REPORTS, ROOT
from tests.test_summarizer_faults import REPORT

SETTINGS = Settings(reasks=2, reask_budget=6, max_tokens=100, max_tokens_ceiling=200)


def names_task() -> NamesTask:
    sentence = "全年召开法治专题学习会议4次，组织干部参加法治培训2场。"
    return NamesTask(
        [
            NameTarget(0, "4次", sentence, "全年召开法治专题学习会议4次", ("测试",)),
            NameTarget(1, "2场", sentence, "组织干部参加法治培训2场", ("测试",)),
        ]
    )


def drive(
    flow: Generator[Request, Reply, TaskOutcome], replies: list[Reply]
) -> tuple[list[Request], TaskOutcome]:
    """Send ``replies`` one by one; return every request made and the outcome."""
    requests = [next(flow)]
    for reply in replies:
        try:
            requests.append(flow.send(reply))
        except StopIteration as stop:
            return requests, stop.value
    raise AssertionError(f"the flow wanted more than {len(replies)} replies")


def answer(data: Mapping[str, object]) -> Reply:
    return Reply(dict(data), raw=str(sorted(data.items())))


def test_an_answer_that_passes_every_check_is_accepted_in_one_request() -> None:
    state = RunState(reask_budget=6)
    requests, outcome = drive(
        run_task(names_task(), SETTINGS, state),
        [answer({"q1": "法治专题学习会议", "q2": "参加法治培训"})],
    )
    assert [r.keys for r in requests] == [("q1", "q2")]
    assert outcome.accepted == {"q1": "法治专题学习会议", "q2": "参加法治培训"}
    assert outcome.rejected == {} and state.reasks == 0
    assert state.verdicts == {1: "ok"}


def test_a_reask_sends_only_the_failing_keys_with_their_reasons() -> None:
    state = RunState(reask_budget=6)
    requests, outcome = drive(
        run_task(names_task(), SETTINGS, state),
        [
            answer({"q1": "法治专题学习会议", "q2": "人"}),
            answer({"q2": "参加法治培训"}),
        ],
    )
    first, second = requests
    assert second.keys == ("q2",) and second.reask
    assert "q2：2场" in second.user and "q1：4次" not in second.user
    assert "只写了单位" in second.user
    assert list(second.response_model.model_fields) == ["q2"]
    assert outcome.accepted == {"q1": "法治专题学习会议", "q2": "参加法治培训"}
    assert (state.reasks, state.reasks_without_progress) == (1, 0)
    assert state.verdicts == {first.id: "invalid", second.id: "ok"}


def test_an_answer_repeated_in_the_failing_keys_stops_the_reasks() -> None:
    state = RunState(reask_budget=6)
    requests, outcome = drive(
        run_task(names_task(), SETTINGS, state),
        [
            answer({"q1": "法治专题学习会议", "q2": "人"}),
            answer({"q2": "人"}),
        ],
    )
    assert len(requests) == 2  # the second re-ask allowed by reasks=2 is never made
    assert state.repeated_answers == 1 and state.reasks_without_progress == 1
    assert outcome.accepted == {"q1": "法治专题学习会议"}
    assert outcome.rejected["q2"].content == {"quantity": "2场", "name": "人"}


def test_a_model_whose_reasks_make_no_progress_is_not_reasked_in_later_reports() -> None:
    record = ReaskRecord(limit=3)
    wrong = [answer({"q1": "法治专题学习会议", "q2": f"无关{n}"}) for n in range(3)]
    # First report: two re-asks, neither accepts q2 (the answers change, so no repeat stop).
    first = RunState(reask_budget=6, record=record)
    requests, _ = drive(run_task(names_task(), SETTINGS, first), wrong)
    assert len(requests) == 3 and first.reasks == 2 and not record.stopped
    # Second report: its one re-ask makes no progress either; that is three in a row.
    second = RunState(reask_budget=6, record=record)
    requests, outcome = drive(run_task(names_task(), SETTINGS, second), wrong[:2])
    assert len(requests) == 2 and record.stopped
    assert (second.reasks, second.reasks_skipped) == (1, 1)
    assert outcome.accepted == {"q1": "法治专题学习会议"} and "q2" in outcome.rejected
    # Third report: no re-ask at all, and it says how many it skipped.
    third = RunState(reask_budget=6, record=record)
    requests, _ = drive(run_task(names_task(), SETTINGS, third), wrong[:1])
    assert len(requests) == 1 and (third.reasks, third.reasks_skipped) == (0, 1)


def test_a_reask_that_makes_progress_resets_the_count() -> None:
    record = ReaskRecord(limit=2)
    state = RunState(reask_budget=6, record=record)
    drive(
        run_task(names_task(), SETTINGS, state),
        [
            answer({"q1": "无关", "q2": "无关"}),
            answer({"q1": "法治专题学习会议", "q2": "又无关"}),  # q1 accepted: progress
            answer({"q2": "还无关"}),
        ],
    )
    assert (record.in_a_row, record.stopped) == (1, False)
    assert ReaskRecord(limit=0).stopped is False  # 0 never stops


def test_two_unreadable_answers_in_a_row_stop_the_reasks() -> None:
    state = RunState(reask_budget=6)
    requests, outcome = drive(
        run_task(names_task(), SETTINGS, state),
        [Reply(None, raw="我无法回答"), Reply(None, raw="我无法回答")],
    )
    assert len(requests) == 2 and state.repeated_answers == 1
    assert set(outcome.rejected) == {"q1", "q2"}
    assert "无法解析" in outcome.rejected["q1"].reason
    assert outcome.failed_requests == ["names:1"]


def test_the_report_budget_bounds_reasks_across_tasks() -> None:
    state = RunState(reask_budget=0)
    requests, outcome = drive(
        run_task(names_task(), SETTINGS, state),
        [answer({"q1": "法治专题学习会议", "q2": "人"})],
    )
    assert len(requests) == 1 and state.reasks == 0
    assert set(outcome.rejected) == {"q2"}


def test_a_truncated_answer_raises_the_limit_then_halves_the_keys() -> None:
    state = RunState(reask_budget=6)
    truncated = Reply(None, raw='{"q1": "法', truncated=True)
    requests, outcome = drive(
        run_task(names_task(), SETTINGS, state),
        [
            truncated,
            truncated,
            answer({"q1": "法治专题学习会议"}),
            answer({"q2": "参加法治培训"}),
        ],
    )
    assert [(r.keys, r.max_tokens) for r in requests] == [
        (("q1", "q2"), 100),
        (("q1", "q2"), 200),
        (("q1",), 200),
        (("q2",), 200),
    ]
    assert [r.label for r in requests] == ["names:1", "names:1", "names:1a", "names:1b"]
    assert len(outcome.accepted) == 2 and state.reasks == 0


def test_a_task_is_cut_into_requests_of_at_most_max_keys() -> None:
    sentence = "开展活动1次，2次，3次。"
    task = NamesTask(
        [NameTarget(index, f"{index}次", sentence, "开展活动", ()) for index in range(1, 4)],
        max_keys=2,
    )
    requests, _ = drive(
        run_task(task, SETTINGS, RunState(reask_budget=0)),
        [answer({"q1": "开展活动", "q2": "开展活动"}), answer({"q3": "开展活动"})],
    )
    assert [r.keys for r in requests] == [("q1", "q2"), ("q3",)]


def test_response_models_are_built_once_per_shape() -> None:
    task = names_task()
    assert task.model_for(["q1", "q2"]) is names_task().model_for(["q1", "q2"])
    assert task.model_for(["q2"]) is not task.model_for(["q1", "q2"])


def test_lockstep_rounds_never_send_an_identical_request_twice() -> None:
    state = RunState(reask_budget=6)
    flows = [run_task(names_task(), SETTINGS, state), run_task(names_task(), SETTINGS, state)]
    runner = run_together(flows, state)
    first_round = next(runner)
    assert len(first_round) == 1  # the twin's request is answered from the first
    with pytest.raises(StopIteration) as stop:
        runner.send([answer({"q1": "法治专题学习会议", "q2": "参加法治培训"})])
    outcomes: list[TaskOutcome] = stop.value.value
    assert [len(outcome.accepted) for outcome in outcomes] == [2, 2]
    assert state.reused == 1


# --------------------------------------------------------------------------- the plan


def facts(text: str = REPORT) -> ReportFacts:
    return ReportFacts.of(load_report(text), Settings())


def test_the_default_plan_asks_only_what_the_rules_are_unsure_of() -> None:
    tasks = plan_tasks(facts(), Settings(), "unsure")
    # Short rule names in clauses of their own, headed items with clear keywords: only the
    # problems' causes are asked (there is no cause part to take them from).
    assert [type(task).__name__ for task in tasks] == ["ItemsTask"]
    problems = tasks[0]
    assert isinstance(problems, ItemsTask) and problems.part == "problems"
    assert [target.asked for target in problems.targets.values()] == [("cause",), ("cause",)]
    assert problems.targets["i2"].reasons["cause"] == "规则找不到该问题的原因"


def test_scope_all_asks_every_field() -> None:
    tasks = plan_tasks(facts(), Settings(), "all")
    names = tasks[0]
    assert isinstance(names, NamesTask) and len(names.keys) == 4
    parts = [task for task in tasks if isinstance(task, ItemsTask)]
    assert [task.part for task in parts] == ["achievements", "problems", "plans"]
    assert parts[1].targets["i1"].asked == ("summary", "category", "cause")


def test_unsure_names_say_why() -> None:
    text = REPORT.replace(
        "全年召开法治专题学习会议4次",
        "全年组织开展习近平法治思想专题学习研讨交流会议4次",
    ).replace("开展普法宣传活动20余场，发放宣传资料500余份", "开展活动20余场500余份")
    known = facts(text)
    # The long phrase is cut to its head (研讨交流会议), and the doubt says so.
    assert known.baseline.indicators[0].name == "研讨交流会议"
    assert "规则截取了名称的中心词" in "；".join(name_doubts(known, 0))
    assert "分句中还有别的数字" in name_doubts(known, 2)
    assert name_doubts(known, 1) == ()


@pytest.mark.parametrize(
    ("text", "doubt"),
    [
        ("深化普法宣传。开展活动。", None),
        ("做好其他工作。按时完成。", "类别没有关键词依据"),
        ("做好相关工作。提高能力。", "类别关键词依据弱"),
        ("开展普法培训。按时完成。", "类别关键词依据分散"),
    ],
)
def test_category_doubts_come_from_the_keyword_evidence(text: str, doubt: str | None) -> None:
    title = text.split("。")[0]
    item = Item(marker="", title=title, start=0, end=len(text), text=text)
    assert category_doubt(item, title) == doubt


def test_a_report_flow_runs_by_hand_and_keeps_the_floor_where_sure() -> None:
    flow = summary_flow(load_report(REPORT), Settings())
    batch = next(flow)
    assert [request.label for request in batch] == ["items:problems:1"]
    batch = flow.send(
        [
            answer(
                {
                    "i1": {"cause": None},
                    "i2": {"cause": "原因是编制有限"},
                }
            )
        ]
    )
    assert [request.label for request in batch] == ["digest"]
    assert batch[0].keys == ("s1", "s2", "s3", "s4")
    assert "开展普法宣传活动20余场" in batch[0].user  # figures as the report writes them
    sentences = {
        "s1": "某某镇2024年加强学法用法，深化普法宣传。",
        "s2": "全年召开法治专题学习会议4次，开展普法宣传活动20场。",
        "s3": "存在普法形式单一、群众参与不够等问题。",
        "s4": "下一步将创新普法方式，加强队伍建设。",
    }
    with pytest.raises(StopIteration) as stop:
        flow.send([answer(sentences)])
    summary = stop.value.value.summary
    assert "开展普法宣传活动20余场" in summary.digest  # the marker is repaired, not re-asked
    assert [claim.origin for claim in summary.digest_claims] == ["model"] * 4
    assert summary.digest == "".join(claim.text for claim in summary.digest_claims)
    assert summary.problems[1].cause == "原因是编制有限"
    assert summary.problems[0].cause is None
    assert [i.origin for i in summary.indicators] == ["prepass"] * 4
    assert summary.coverage is not None
    fields = [(q.target, q.index, q.field, q.outcome) for q in summary.coverage.questions]
    assert fields == [
        ("problem", 0, "cause", "accepted"),
        ("problem", 1, "cause", "accepted"),
        ("digest", 0, "digest", "accepted"),
        ("digest", 1, "digest", "accepted"),
        ("digest", 2, "digest", "accepted"),
        ("digest", 3, "digest", "accepted"),
    ]


def _imports(module: str) -> set[str]:
    """The top-level names a module of the package imports, and those of its package imports."""
    seen: set[str] = set()
    found: set[str] = set()
    pending = [module]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        path = ROOT / (name.replace(".", "/") + ".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for target in targets:
                if target.startswith("rulelaw_llm."):
                    pending.append(target)
                found.add(target.split(".")[0])
    return found


def test_the_flow_and_tasks_need_neither_openai_nor_instructor() -> None:
    for module in ("rulelaw_llm.llm.flow", "rulelaw_llm.llm.tasks"):
        assert not {"openai", "instructor"} & _imports(module), module


def test_split_evidence_limits_the_choices_to_the_close_categories() -> None:
    text = "开展普法培训。按时完成。"
    item = Item(marker="", title="开展普法培训", start=0, end=len(text), text=text)
    assert category_choices(item, "开展普法培训") == ("legal_learning", "legal_publicity")
    weak = Item(marker="", title="做好相关工作", start=0, end=12, text="做好相关工作。提高能力。")
    assert category_choices(weak, "做好相关工作") == ()


def test_the_default_plan_asks_a_category_only_when_no_keyword_supports_one() -> None:
    known = ReportFacts.of(load_report(REPORTS / "shenzha-zhen-2024.txt"), Settings())
    asked = {
        (task.part, target.reasons["category"])
        for task in plan_tasks(known, Settings(), "unsure")
        if isinstance(task, ItemsTask)
        for target in task.targets.values()
        if "category" in target.asked
    }
    assert asked == set()  # every item here has keyword evidence, split or not
    everything = [
        target
        for task in plan_tasks(known, Settings(), "all")
        if isinstance(task, ItemsTask)
        for target in task.targets.values()
    ]
    split = [t for t in everything if t.reasons.get("category") == "类别关键词依据分散"]
    assert split and all(len(t.choices) == 2 for t in split)


# --------------------------------------------------------------------------- name checks, both sides

LIST_REPORT = """青石镇2024年法治政府建设情况报告
一、主要举措和成效
（一）深化普法宣传
全年举办法治讲座6次、张贴宣传海报40张、发放普法手册1500余册，受众3000余人次。
全镇9个村均聘请律师担任法律顾问，覆盖率100%。
举办为期三天的执法人员轮训，累计开展执法检查20次、专项督查5次，合计25次。
司法所共受理调解申请42件，其中当场化解30件。
对全镇12个站所和8个村居开展法治巡察。
"""


def name_check(raw: str, answer: str) -> str | None:
    """How the names task judges ``answer`` for the number written ``raw``."""
    known = facts(LIST_REPORT)
    task = NamesTask(
        [
            _name_target(known, index, ("测试",))
            for index, quantity in enumerate(known.quantities)
            if quantity.raw == raw
        ]
    )
    return task.check("q1", answer)[1]


@pytest.mark.parametrize(
    ("raw", "answer"),
    [
        ("6次", "法治讲座"),
        ("1500余册", "普法手册"),
        ("3000余人次", "普法受众人数"),  # the unit says 人数; 普法 from the heading
        ("100%", "法律顾问覆盖率"),  # a rate's subject from the clause before it
        ("三天", "执法人员轮训时长"),  # a duration from its unit
        ("25次", "执法检查督查合计"),  # a stated sum of the counts before it
        ("30件", "当场化解调解申请"),  # the subject of a list from the clause before
    ],
)
def test_a_grounded_abstraction_of_a_good_annotator_is_accepted(raw: str, answer: str) -> None:
    assert name_check(raw, answer) is None


@pytest.mark.parametrize(
    ("raw", "answer", "reason"),
    [
        ("40张", "普法手册", "不在这个数字所在的分句"),  # the next number's noun
        ("6次", "宣传海报", "不在这个数字所在的分句"),
        ("20次", "专项督查", "不在这个数字所在的分句"),
        ("100%", "聘请法律顾问村", "比率"),  # a count's name for a rate
        ("9个", "法律顾问覆盖率", "不是比率"),  # a rate's name for a count
        ("42件", "信访积案", "不在这个数字所在的分句"),  # words found nowhere near
        ("12个", "巡察村居", "另一个数字"),  # one clause, the other number's noun
        ("6次", "法治讲座参加人次", "单位与统计对象"),  # counts sessions, named as people
    ],
)
def test_a_plausible_wrong_name_is_caught(raw: str, answer: str, reason: str) -> None:
    failure = name_check(raw, answer)
    assert failure is not None and reason in failure
