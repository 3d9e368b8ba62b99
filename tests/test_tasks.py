"""The tasks' checks are plain functions: each tested here with no model and no HTTP."""

from __future__ import annotations

import re

import pytest

from rulelaw_llm.llm.prompts import (
    NAME_CHARS,
    PROMPT_FILES,
    PROMPT_VERSION,
    SUMMARY_CHARS,
    load_prompt,
    prompt_sources,
)
from rulelaw_llm.llm.tasks import (
    DigestTask,
    ItemAnswer,
    ItemsTask,
    ItemTarget,
    check_category,
    check_cause,
    check_name,
    check_summary,
    feedback,
    schema_of,
)
from rulelaw_llm.rules.claims import Subject
from rulelaw_llm.rules.digest import plan_digest
from rulelaw_llm.schema import Achievement, Evidence, Indicator, Plan, Problem
from tests.conftest import ROOT

REGION = "全年召开法治专题学习会议4次"


# --------------------------------------------------------------------------- names


def test_a_name_from_the_clause_is_accepted() -> None:
    assert check_name("q1", "法治专题学习会议", "4次", REGION) == ("法治专题学习会议", None)


@pytest.mark.parametrize(
    ("answer", "repaired"),
    [
        ("4次法治专题学习会议", "法治专题学习会议"),
        ("的统计对象是法治专题学习会议", "法治专题学习会议"),
        ("“法治专题学习会议”", "法治专题学习会议"),
    ],
)
def test_a_name_is_repaired_before_it_is_judged(answer: str, repaired: str) -> None:
    assert check_name("q1", answer, "4次", REGION) == (repaired, None)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("", "为空或只写了数字"),
        ("次", "只写了单位"),
        ("召开了全年的法治专题学习会议并组织干部学习", "太长"),
        ("第2次学习会议", "不要包含数字"),
        ("帮教人员", "不在这个数字所在的分句"),
    ],
)
def test_a_bad_name_fails_with_a_reason_naming_the_key(answer: str, reason: str) -> None:
    _, failure = check_name("q3", answer, "4次", REGION)
    assert failure is not None and reason in failure and failure.startswith("q3（4次）")


def test_the_name_limit_of_the_prompt_is_the_limit_of_the_check() -> None:
    prompt = load_prompt("names").render(name_chars=str(NAME_CHARS), block="x", candidates="y")
    assert f"不超过{NAME_CHARS}个字" in prompt
    long_name = "法" * (NAME_CHARS + 1)
    assert check_name("q1", long_name, "4次", long_name)[1] is not None
    assert check_name("q1", long_name[:-1], "4次", long_name)[1] is None


# --------------------------------------------------------------------------- items

ITEM = "（一）加强学法用法。全年召开法治专题学习会议4次，组织干部参加法治培训2场。"


def test_a_summary_copied_with_its_numbering_is_repaired() -> None:
    assert check_summary("i1", "（一）加强学法用法。全年召开", ITEM) == ("加强学法用法", None)


def test_a_long_summary_is_cut_at_a_clause_break_within_the_limit() -> None:
    answer = "全年召开法治专题学习会议4次，组织干部参加法治培训2场，学法用法成效明显提升"
    summary, failure = check_summary("i1", answer, ITEM)
    assert failure is None and len(summary) <= SUMMARY_CHARS
    assert summary == "全年召开法治专题学习会议4次，组织干部参加法治培训2场"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("", "概括为空"),
        ("召开学习会议9次", "数字9不在该条原文中"),
        ("推进乡村振兴产业发展", "与该条原文不符"),
        (
            "加强学法用法组织干部参加法治培训召开法治专题学习会议开展学习组织干部参加法治培训",
            "太长",
        ),
    ],
)
def test_a_bad_summary_fails_with_its_reason(answer: str, reason: str) -> None:
    _, failure = check_summary("i2", answer, ITEM)
    assert failure is not None and reason in failure and failure.startswith("i2")


def test_a_category_must_be_a_key_of_the_vocabulary() -> None:
    assert check_category("i1", "legal_learning") == ("legal_learning", None)
    category, failure = check_category("i1", "学法用法")
    assert category is None and failure is not None and "不在类别键表中" in failure


PROBLEMS = "二、存在的问题\n（一）普法形式单一。\n（二）专业人才不足，原因是编制有限。\n"


def cause(answer: object, own: int) -> tuple[object, str | None]:
    starts = [PROBLEMS.index("（一）"), PROBLEMS.index("（二）")]
    texts = ["（一）普法形式单一。", "（二）专业人才不足，原因是编制有限。"]
    return check_cause(
        f"i{own + 1}",
        answer,
        report_text=PROBLEMS,
        own_start=starts[own],
        items=list(zip(starts, texts, strict=True)),
        region=(0, len(PROBLEMS)),
        threshold=85.0,
    )


def test_a_stated_cause_is_located_in_the_report() -> None:
    located, failure = cause("原因是编制有限", 1)
    assert failure is None and located is not None
    assert PROBLEMS[located.start : located.end] == "原因是编制有限"  # type: ignore[attr-defined]


@pytest.mark.parametrize("answer", [None, "null", "无", "未写明"])
def test_no_cause_is_an_accepted_answer(answer: object) -> None:
    assert cause(answer, 0) == (None, None)


@pytest.mark.parametrize(
    ("answer", "own", "reason"),
    [
        ("上级拨款严重不足", 1, "在原文中找不到"),
        ("专业人才不足", 1, "照抄了问题本身"),
        ("原因是编制有限", 0, "摘自另一条问题"),
    ],
)
def test_a_bad_cause_fails_with_its_reason(answer: str, own: int, reason: str) -> None:
    located, failure = cause(answer, own)
    assert located is None and failure is not None and reason in failure


def test_a_cause_inside_its_own_problem_must_say_why() -> None:
    # The 1.5B model offered the problem told again as its "cause" (吕村镇, recording).
    text = "二、存在的问题\n（一）法治宣传仍需加强。宣传载体还不够鲜活，群众参与不够。\n"
    start = text.index("（一）")
    item = [(start, text[start:].strip())]
    located, failure = check_cause(
        "i1",
        "宣传载体还不够鲜活",
        report_text=text,
        own_start=start,
        items=item,
        region=(0, len(text)),
        threshold=85.0,
    )
    assert located is None and failure is not None and "没有说明为什么" in failure
    located, failure = cause("原因是编制有限", 1)  # a causal word: a cause
    assert failure is None and located is not None


def test_an_items_answer_holds_only_the_asked_fields() -> None:
    target = ItemTarget(0, ITEM, ITEM, 0, ("category",), {"category": "类别关键词依据弱"})
    task = ItemsTask("achievements", [target], report_text=ITEM)
    schema = schema_of(task.model_for(["i1"]))
    item_schema = schema["$defs"][schema["properties"]["i1"]["$ref"].split("/")[-1]]
    assert list(item_schema["properties"]) == ["category"]
    assert "i1［category］：" in task.render(["i1"])
    value, failure = task.check("i1", {"category": "legal_learning"})
    assert failure is None and value == ItemAnswer(category="legal_learning")
    _, failure = task.check("i1", "legal_learning")
    assert failure is not None and "格式不对" in failure


# --------------------------------------------------------------------------- digest

ACHIEVEMENT = "（一）加强学法用法，提升干部法治素养"
FIGURE_CLAUSE = "全年召开法治专题学习会议4次"


def _digest_task(*, entity: str | None, problems: bool) -> DigestTask:
    """A digest task for a small result: one measure, one figure, a plan and maybe a problem."""
    text = f"{ACHIEVEMENT}。{FIGURE_CLAUSE}。（一）工作方法单一。（一）创新普法方式。"
    figure_start = text.index(FIGURE_CLAUSE)

    def evidence(quote: str, start: int | None = None) -> Evidence:
        begin = text.index(quote) if start is None else start
        return Evidence(quote=quote, start=begin, end=begin + len(quote))

    indicator = Indicator(
        name="法治专题学习会议",
        value=4,
        unit="次",
        approx=False,
        category="legal_learning",
        evidence=evidence(FIGURE_CLAUSE, figure_start),
    )
    problem = Problem(category="other", summary="工作方法单一", evidence=evidence("工作方法单一"))
    claims = plan_digest(
        entity=entity,
        year=2024,
        achievements=[
            Achievement(
                category="legal_learning",
                summary="加强学法用法，提升干部法治素养",
                evidence=evidence("加强学法用法，提升干部法治素养"),
            )
        ],
        indicators=[indicator],
        problems=[problem] if problems else [],
        plans=[
            Plan(
                category="legal_publicity",
                summary="创新普法方式",
                evidence=evidence("创新普法方式"),
            )
        ],
        text=text,
    )
    subject = Subject(entity, None, None, 2024, problems, True)
    return DigestTask(claims=claims, subject=subject, max_chars=250)


def test_the_digest_request_lists_each_sentence_with_its_own_items_only() -> None:
    task = _digest_task(entity="某某镇", problems=True)
    prompt = task.render(task.keys)
    assert task.keys == ("s1", "s2", "s3", "s4")
    assert "s1以“某某镇2024年”开头" in prompt
    assert "s1（主要举措，" in prompt and "：加强学法用法，提升干部法治素养" in prompt
    assert "s2（关键数字，" in prompt and FIGURE_CLAUSE in prompt
    assert "s3（存在的问题，" in prompt and "s4（下一年度的工作，" in prompt
    schema = schema_of(task.model_for(task.keys))
    assert list(schema["properties"]) == ["s1", "s2", "s3", "s4"]


def test_a_result_without_problems_or_issuer_is_never_asked_for_them() -> None:
    task = _digest_task(entity=None, problems=False)
    prompt = task.render(task.keys)
    assert [claim.part for claim in task.targets.values()] == [
        "achievements",
        "indicators",
        "plans",
    ]
    assert "问题" not in prompt
    assert "s1以“本报告（2024年）”开头，不要写单位名称" in prompt
    # A re-ask of one sentence shows that sentence alone.
    assert "s1" not in task.render(["s2"]) and "s2（关键数字" in task.render(["s2"])


def test_a_failing_sentence_gets_its_reasons_as_feedback() -> None:
    task = _digest_task(entity="某某镇", problems=False)
    assert task.check("s2", "全年召开法治专题学习会议4次。") == (
        "全年召开法治专题学习会议4次。",
        None,
    )
    _, failure = task.check("s2", "全年召开法治专题学习会议5次，存在宣传不足等问题。")
    assert failure is not None
    assert "数字5次不是为它列出的数字" in failure
    assert "报告没有这一部分" in failure
    _, failure = task.check("s1", "某县司法局2024年加强学法用法。")
    assert failure is not None and "应以“某某镇2024年”开头" in failure and "某县司法局" in failure


# --------------------------------------------------------------------------- prompts


def test_every_prompt_file_is_listed_for_the_cache_key() -> None:
    files = {path.name for path in (ROOT / "prompts").glob("*.md")}
    sources = prompt_sources()
    assert files == {f"{name}.{version}.md" for name, version in PROMPT_FILES.items()}
    assert max(PROMPT_FILES.values()) == PROMPT_VERSION
    assert files <= set(sources)
    assert "code:category_table" in sources and "legal_publicity" in sources["code:category_table"]


def test_every_feedback_code_used_in_code_has_its_text() -> None:
    used: set[str] = set()
    for path in (ROOT / "rulelaw_llm").rglob("*.py"):
        used |= set(re.findall(r'feedback\(\s*"(\w+)"', path.read_text(encoding="utf-8")))
    assert used and all(feedback(code) for code in used)


def test_a_split_category_is_chosen_among_its_candidates_only() -> None:
    target = ItemTarget(
        0,
        ITEM,
        ITEM,
        0,
        ("category",),
        {"category": "类别关键词依据分散"},
        choices=("legal_learning", "legal_publicity"),
    )
    task = ItemsTask("achievements", [target], report_text=ITEM)
    prompt = task.render(["i1"])
    assert "只能从 legal_learning、legal_publicity 中选" in prompt
    assert "leadership" not in prompt  # no whole table when every category has its choices
    schema = schema_of(task.model_for(["i1"]))
    item_schema = schema["$defs"][schema["properties"]["i1"]["$ref"].split("/")[-1]]
    assert item_schema["properties"]["category"]["enum"] == ["legal_learning", "legal_publicity"]
    _, failure = task.check("i1", {"category": "leadership"})
    assert failure is not None and "不在可选的" in failure
    assert task.check("i1", {"category": "legal_publicity"})[1] is None


@pytest.mark.parametrize(
    ("name", "raw", "region"),
    [
        ("活动次数", "20余次", "开展“八五”普法等法治宣传活动，共20余次"),
        ("征收户数", "320户", "征收城镇垃圾处理费320户"),
        ("活动场次", "10余场", "开展法律进校园10余场"),
    ],
)
def test_a_name_made_of_the_numbers_own_measure_word_is_not_grounded(
    name: str, raw: str, region: str
) -> None:
    # Names a 1.5B model wrote in the recordings: the measure word comes from the number.
    _, failure = check_name("q1", name, raw, region)
    assert failure is not None and name in failure


def test_a_name_from_the_clause_itself_is_grounded() -> None:
    assert check_name("q1", "法治宣传活动", "20余次", "开展法治宣传活动，共20余次") == (
        "法治宣传活动",
        None,
    )


@pytest.mark.parametrize(
    ("name", "raw", "region"),
    [
        ("电子证照种类增幅", "62.5%", "签发电子证照种类182种,较上年增长62.5%"),
        ("行政案件降幅", "25%", "办结行政案件103件,同比下降25%"),
        ("考核权重", "15%", "法治建设考核权重提升至15%"),
    ],
)
def test_a_percentage_named_by_its_growth_fall_or_weight_is_a_rate_name(
    name: str, raw: str, region: str
) -> None:
    assert check_name("q1", name, raw, region, unit="%") == (name, None)


def test_a_percentage_named_like_a_count_is_still_refused() -> None:
    _, failure = check_name("q1", "电子证照种类", "62.5%", "电子证照种类较上年增长62.5%", unit="%")
    assert failure is not None and "率" in failure


def test_a_bare_clause_takes_its_subject_from_the_clause_before() -> None:
    sentence = "组织干部专题会议2次,参加人数120人次。"
    name, failure = check_name(
        "q1", "专题会议参加人数", "120人次", "参加人数120人次", context=sentence, unit="人次"
    )
    assert (name, failure) == ("专题会议参加人数", None)
    # Another number's name is still another number's.
    _, failure = check_name(
        "q1", "专题会议", "120人次", "参加人数120人次", context=sentence, unit="人次",
        floor="参加人数", others=["专题会议"],
    )  # fmt: skip
    assert failure is not None
