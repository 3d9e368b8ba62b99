"""The audit: what the rules require of a report, checked with proof.

The expected audits of the five samples (tests/expected/audit) were written by reading
the reports; each file says why. The mutation tests change one thing in a real report and
check that the audit notices exactly that.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from rulelaw_llm import Audit, Report, audit, load_report
from rulelaw_llm.auditing.audit import RUBRIC, Finding, score
from rulelaw_llm.cli import main
from tests.conftest import EXPECTED, REPORTS, SAMPLES, load_json

ALL = [str(REPORTS / f"{name}.txt") for name in SAMPLES]


@pytest.fixture(autouse=True)
def _no_llm_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests run the rules; a configured model (e.g. while recording) is hidden."""
    for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def sample_audits() -> dict[str, Audit]:
    return {Path(result.input).stem: result for result in audit(ALL)}


def _key(finding: Finding) -> tuple[str, str | None, str | None, int | None, str]:
    return (finding.code, finding.part, finding.topic, finding.index, finding.severity)


def _expected_key(entry: dict[str, object]) -> tuple[str, str | None, str | None, int | None, str]:
    code = str(entry["code"])
    index = entry.get("index")
    return (
        code,
        entry.get("part"),  # type: ignore[return-value]
        entry.get("topic"),  # type: ignore[return-value]
        index if isinstance(index, int) else None,
        str(entry.get("severity", RUBRIC[code].severity)),  # type: ignore[index]
    )


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _sample_text(name: str) -> str:
    return (REPORTS / f"{name}.txt").read_text(encoding="utf-8")


def _codes(result: Audit) -> list[tuple[str, str | None]]:
    return [(f.code, f.part) for f in result.findings]


# --------------------------------------------------------------------------- the five samples


def test_the_samples_audit_as_read_by_a_person(
    sample: str, sample_audits: dict[str, Audit]
) -> None:
    expected = load_json(EXPECTED / "audit" / f"{sample}.json")
    result = sample_audits[sample]
    parts = {
        name: {"present": check.present, "separate": check.separate} for name, check in result.parts
    }
    assert parts == expected["parts"]
    assert sorted(map(_key, result.findings), key=str) == sorted(
        map(_expected_key, expected["findings"]), key=str
    )


def test_every_quote_of_an_audit_stands_in_its_report(sample_audits: dict[str, Audit]) -> None:
    for name, result in sample_audits.items():
        text = load_report(REPORTS / f"{name}.txt").text
        evidences = [e for _, check in result.parts for e in check.evidence]
        evidences += [e for finding in result.findings for e in finding.evidence]
        assert evidences, name
        for evidence in evidences:
            assert text[evidence.start : evidence.end] == evidence.quote


def test_a_finding_without_a_quote_says_what_was_looked_for(
    sample_audits: dict[str, Audit],
) -> None:
    for result in sample_audits.values():
        for finding in result.findings:
            assert finding.evidence or finding.looked_for, finding


def test_the_score_is_100_minus_the_capped_deductions() -> None:
    findings = [
        Finding(code="vague_plan", severity="warning", message="x", kind="plan", index=i)
        for i in range(7)
    ] + [Finding(code="topic_gap", severity="info", message="x", topic="digital")]
    result = score(findings)
    vague = next(line for line in result.rubric if line.code == "vague_plan")
    assert (vague.count, vague.deducted) == (7, RUBRIC["vague_plan"].cap)
    assert result.value == 100 - RUBRIC["vague_plan"].cap  # info costs nothing


# --------------------------------------------------------------------------- mutations: parts


def test_a_removed_problems_part_is_a_missing_part(tmp_path: Path) -> None:
    text = _sample_text("ka-xiang-2024")
    start = text.index("二、存在问题")
    end = text.index("三、下一步工作计划")
    (result,) = audit(_write(tmp_path, "ka.txt", text[:start] + text[end:]))
    assert ("missing_part", "problems") in _codes(result)
    assert not result.parts.problems.present


def test_a_removed_plans_part_is_missing_and_leaves_every_problem_without_a_plan(
    tmp_path: Path,
) -> None:
    text = _sample_text("lvcun-zhen-2024")
    (result,) = audit(_write(tmp_path, "lv.txt", text[: text.index("三、2025年")]))
    assert ("missing_part", "plans") in _codes(result)
    unplanned = [f.index for f in result.findings if f.code == "problem_without_plan"]
    assert unplanned == [0, 1, 2]


def test_an_added_causes_part_is_present_and_separate(tmp_path: Path) -> None:
    text = _sample_text("ka-xiang-2024")
    causes = (
        "原因：一是乡里没有专职法律人员，干部学法多靠自学。"
        "二是宣传经费少，宣传手段仍以发放资料为主。\n"
    )
    at = text.index("三、下一步工作计划")
    (result,) = audit(_write(tmp_path, "ka.txt", text[:at] + causes + text[at:]))
    assert result.parts.causes.present and result.parts.causes.separate
    assert ("missing_part", "causes") not in _codes(result)


def test_an_added_responsibility_part_is_separate(tmp_path: Path) -> None:
    text = _sample_text("lvcun-zhen-2024")
    part = (
        "二、党政主要负责人履行推进法治建设第一责任人职责情况\n"
        "镇党委书记、镇长带头学法，主持召开法治建设专题会议4次，年终述法1次。\n"
    )
    at = text.index("二、2024年法治政府建设存在的问题")
    (result,) = audit(_write(tmp_path, "lv.txt", text[:at] + part + text[at:]))
    assert result.parts.responsibility.present and result.parts.responsibility.separate
    assert ("missing_part", "responsibility") not in _codes(result)


def test_a_removed_causes_paragraph_breaks_the_promise_of_the_heading(tmp_path: Path) -> None:
    text = _sample_text("wutong-zhen-2024")
    start = text.index("原因：")
    end = text.index("3、 下步工作打算")
    (result,) = audit(_write(tmp_path, "wt.txt", text[:start] + text[end:]))
    (finding,) = [f for f in result.findings if f.code == "missing_part"]
    assert finding.part == "causes"
    assert finding.evidence[0].quote == "2、 存在的不足及原因"
    assert "写明“原因”" in finding.message


def test_a_removed_second_cause_leaves_the_second_problem_without_cause(tmp_path: Path) -> None:
    text = _sample_text("wutong-zhen-2024")
    start = text.index("二是法治宣传工作有待完善")
    end = text.index("3、 下步工作打算")
    (result,) = audit(_write(tmp_path, "wt.txt", text[:start] + "\n" + text[end:]))
    assert [(f.code, f.index) for f in result.findings if f.code.startswith("problem_")] == [
        ("problem_without_cause", 1)
    ]


# --------------------------------------------------------------------------- mutations: copies


def test_a_problem_copied_between_reports_is_boilerplate_in_both(tmp_path: Path) -> None:
    ka = _sample_text("ka-xiang-2024")
    lv = _sample_text("lvcun-zhen-2024")
    copied = "在法律宣传中，宣传形式相对单一，群众接受程度有限，需加强立体化、互动化的宣传方式，提升群众学习兴趣，让群众对法律更深入了解。"
    assert copied in ka
    at = lv.index("三、2025年")
    lv = lv[:at] + "（四）宣传方式有待创新。" + copied + "\n" + lv[at:]
    results = audit([_write(tmp_path, "ka.txt", ka), _write(tmp_path, "lv.txt", lv)])
    for result, other in zip(results, reversed(results), strict=True):
        (finding,) = [f for f in result.findings if f.code == "boilerplate"]
        assert finding.kind == "problem"
        assert finding.evidence[0].quote == copied
        assert finding.other is not None and finding.other.input == other.input
        assert finding.other.evidence.quote == copied
        assert finding.copies == 1


def test_the_samples_share_no_boilerplate(sample_audits: dict[str, Audit]) -> None:
    assert not [f for a in sample_audits.values() for f in a.findings if f.code == "boilerplate"]


# --------------------------------------------------------------------------- publication


@pytest.mark.parametrize(
    ("published", "late"),
    [(date(2025, 3, 31), False), (date(2025, 4, 1), False), (date(2025, 4, 2), True)],
)
def test_publication_after_1_april_of_the_next_year_is_late(published: date, late: bool) -> None:
    (result,) = audit(str(REPORTS / "shenzha-zhen-2024.txt"), published=published)
    codes = [f.code for f in result.findings]
    assert "unknown_publication_date" not in codes
    assert ("late_publication" in codes) is late
    assert result.deadline == date(2025, 4, 1)
    assert result.published_from == "option"
    if late:
        (finding,) = [f for f in result.findings if f.code == "late_publication"]
        assert (finding.published, finding.deadline) == (published, date(2025, 4, 1))


def test_the_cli_takes_the_publication_date_and_rejects_a_bad_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shenzha = str(REPORTS / "shenzha-zhen-2024.txt")
    assert (
        main(
            [
                "audit",
                shenzha,
                "--offline",
                "--no-cache",
                "--published",
                "2025-04-20",
                "--format",
                "json",
            ]
        )
        == 0
    )
    (data,) = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in data["findings"]].count("late_publication") == 1
    assert main(["audit", shenzha, "--offline", "--no-cache", "--published", "2025/4/20"]) == 1
    error = capsys.readouterr().err
    assert "YYYY-MM-DD" in error and error.count("\n") == 1


# --------------------------------------------------------------------------- title, plans, figures


def test_a_title_without_issuer_year_or_standard_name(tmp_path: Path) -> None:
    text = _sample_text("lvcun-zhen-2024").replace(
        "吕村镇人民政府\n关于2024年法治政府建设情况的报告", "法治政府建设工作总结", 1
    )
    (result,) = audit(_write(tmp_path, "lv.txt", text))
    codes = [f.code for f in result.findings]
    assert "title_nonstandard" in codes
    assert "unnamed_issuer" in codes


def test_a_plan_with_a_deadline_a_target_or_an_owner_is_not_vague(tmp_path: Path) -> None:
    text = _sample_text("shenzha-zhen-2024")
    text = text.replace(
        "（一）着力提升法治宣传学习效能。",
        "（一）着力提升法治宣传学习效能。6月底前开展普法宣传活动10场。",
        1,
    )
    text = text.replace(
        "（二）着力提升领导干部法治思维。",
        "（二）着力提升领导干部法治思维。由镇司法所牵头负责。",
        1,
    )
    (result,) = audit(_write(tmp_path, "sz.txt", text))
    assert [f for f in result.findings if f.code == "vague_plan"] == []


def test_achievements_without_figures_are_flagged(tmp_path: Path) -> None:
    text = _sample_text("tianjiazhai-zhen-2024")
    for figure in (
        "共化解矛盾纠纷52件，化解率100%。",
        "共受理信访件189件，其中已处理解决173件，正在处理16件。",
    ):
        assert figure in text
        text = text.replace(figure, "")
    (result,) = audit(_write(tmp_path, "tj.txt", text))
    (finding,) = [f for f in result.findings if f.code == "few_indicators"]
    assert finding.severity == "warning"
    assert finding.measured == 0.0


# --------------------------------------------------------------------------- previous year

# A previous-year report constructed for this test (not a real report): two of its three
# plans are carried out in the real 2024 申扎镇 report, one is not, and one of its problem
# sentences is repeated word for word in 2024.
CONSTRUCTED_2023 = """申扎镇2023年法治政府建设年度报告
2023年，申扎镇坚持依法行政，推进法治政府建设。
一、主要举措和成效
（一）加强组织领导。镇党委书记履行第一责任人职责，召开专题会议3次。
二、存在问题
一是法治宣传的载体形式不够丰富，群众法律意识有待提升。
原因：宣传经费不足。
三、下一步工作计划
（一）建设法治书屋和法治文化宣传阵地。
（二）开展法律明白人、法治带头人培训。
（三）开展行政执法案卷评查。
"""


def test_last_years_plans_are_matched_to_this_years_work_or_flagged(tmp_path: Path) -> None:
    previous = _write(tmp_path, "shenzha-zhen-2023.txt", CONSTRUCTED_2023)
    (result,) = audit(str(REPORTS / "shenzha-zhen-2024.txt"), previous=previous)
    assert result.follow_up is not None
    assert [item.followed for item in result.follow_up] == [True, True, False]
    assert "法治书屋" in result.follow_up[0].evidence[0].quote
    assert "法律明白人" in result.follow_up[1].evidence[0].quote
    (finding,) = [f for f in result.findings if f.code == "plan_not_followed"]
    assert finding.other is not None and "案卷评查" in finding.other.evidence.quote
    copies = [f for f in result.findings if f.code == "boilerplate"]
    assert [(f.kind, f.other.year if f.other else None) for f in copies] == [("problem", 2023)]


def test_a_previous_report_of_another_issuer_is_not_followed_up(tmp_path: Path) -> None:
    previous = _write(tmp_path, "x.txt", CONSTRUCTED_2023.replace("申扎镇", "雄梅镇"))
    (result,) = audit(str(REPORTS / "shenzha-zhen-2024.txt"), previous=previous)
    assert result.follow_up is None
    assert "plan_not_followed" not in [f.code for f in result.findings]


# --------------------------------------------------------------------------- inputs, CLI


def test_a_results_file_audits_like_the_reports(tmp_path: Path) -> None:
    results = tmp_path / "off.jsonl"
    assert main(["batch", str(REPORTS), "-o", str(results), "--offline", "--no-cache"]) == 0
    from_results = sorted(audit(str(results)), key=lambda a: Path(a.input).name)
    from_reports = audit(ALL)  # in file name order
    assert [Path(a.input).name for a in from_results] == [Path(a.input).name for a in from_reports]
    assert [a.model_dump(exclude={"input"}) for a in from_results] == [
        a.model_dump(exclude={"input"}) for a in from_reports
    ]
    assert all(a.text_available for a in from_results)


def test_a_results_file_without_its_reports_is_audited_from_the_summaries(tmp_path: Path) -> None:
    copy = tmp_path / "lv.txt"
    copy.write_text(_sample_text("lvcun-zhen-2024"), encoding="utf-8")
    results = tmp_path / "off.jsonl"
    assert main(["batch", str(copy), "-o", str(results), "--offline", "--no-cache"]) == 0
    copy.unlink()
    (result,) = audit(str(results))
    assert not result.text_available
    assert ("missing_part", "causes") in _codes(result)
    assert result.parts.plans.present


def test_the_cli_table_lists_every_report_with_what_to_fix(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["audit", str(REPORTS), "--offline", "--no-cache"]) == 0
    out = capsys.readouterr().out
    for entity in ("卡乡", "吕村镇", "申扎镇", "田家寨镇", "梧桐镇"):
        assert entity in out
    assert "缺原因、第一责任人" in out  # 吕村镇's row says what to add
    assert "按检查汇总" in out


def test_the_cli_writes_markdown(tmp_path: Path) -> None:
    out = tmp_path / "audit.md"
    assert (
        main(["audit", *ALL, "--offline", "--no-cache", "--format", "markdown", "-o", str(out)])
        == 0
    )
    markdown = out.read_text(encoding="utf-8")
    assert markdown.startswith("# 法治政府建设年度报告审核（5 份）")
    assert "| 吕村镇 | 2024 |" in markdown


def test_a_missing_file_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "没有这个文件.txt", "--offline", "--no-cache"]) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_audits_of_reports_are_cached(tmp_path: Path) -> None:
    from rulelaw_llm.llm.cache import ResultCache

    with ResultCache(tmp_path / "cache.sqlite3") as cache:
        first = audit(ALL[:1], cache=cache)
        second = audit(ALL[:1], cache=cache)
        assert (cache.misses, cache.hits) == (1, 1)
    assert first[0].findings == second[0].findings


def test_the_cli_follows_up_last_years_plans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = _write(tmp_path, "shenzha-zhen-2023.txt", CONSTRUCTED_2023)
    shenzha = str(REPORTS / "shenzha-zhen-2024.txt")
    command = ["audit", shenzha, "--previous", previous, "--offline", "--no-cache"]
    assert main([*command, "--format", "json"]) == 0
    (data,) = json.loads(capsys.readouterr().out)
    assert [item["followed"] for item in data["follow_up"]] == [True, True, False]
    assert main(command) == 0
    table = capsys.readouterr().out
    assert "上年计划未见落实" in table and "案卷评查" in table


def test_the_publication_date_of_the_reports_metadata_is_checked() -> None:
    """``Report.published`` comes from a web copy's 发布时间 line, kept by the readers."""
    text = (REPORTS / "lvcun-zhen-2024.txt").read_text(encoding="utf-8")

    def web_copy(published: str) -> Report:
        return load_report(f"来源：吕村镇人民政府　发布时间：{published} 09:30\n{text}")

    late = web_copy("2025-05-06")
    assert late.published == date(2025, 5, 6) and late.year == 2024
    (result,) = audit([late])
    (finding,) = [f for f in result.findings if f.code == "late_publication"]
    assert (result.published_from, finding.published) == ("metadata", date(2025, 5, 6))
    assert "35 天" in finding.message
    (on_time,) = audit([web_copy("2025-03-01")])
    assert {"late_publication", "unknown_publication_date"}.isdisjoint(
        f.code for f in on_time.findings
    )


def test_same_named_reports_are_told_apart_by_their_file(tmp_path: Path) -> None:
    from rulelaw_llm.auditing.render import audits_to_markdown, audits_to_table

    text = (REPORTS / "ka-xiang-2024.txt").read_text(encoding="utf-8")
    first, second = tmp_path / "a" / "0001.txt", tmp_path / "b" / "0002.txt"
    for path in (first, second):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")  # both reports call themselves 卡乡

    results = audit([str(first), str(second)])

    table = audits_to_table(results, width=None)
    assert "卡乡（0001.txt）" in table and "卡乡（0002.txt）" in table
    assert "| 卡乡（0001.txt） |" in audits_to_markdown(results)
    copied = [f.message for f in results[0].findings if f.code == "boilerplate"]
    assert copied and all("0002.txt" in message for message in copied)


def test_a_table_for_a_file_or_a_pipe_cuts_nothing(sample_audits: dict[str, Audit]) -> None:
    from rulelaw_llm.auditing.render import audits_to_table, to_do

    table = audits_to_table(list(sample_audits.values()), width=None)
    for result in sample_audits.values():
        assert any(to_do(result) in line for line in table.splitlines())  # on one line
    assert "…" not in table.split("\n\n")[0]


def test_a_results_file_without_its_text_is_checked_with_the_date_the_summary_carries() -> None:
    """A 1.3 result keeps the page's publication date, so the audit needs no text for it."""
    from rulelaw_llm import summarize_offline
    from rulelaw_llm.auditing.audit import audit_subjects, subjects_of

    text = (REPORTS / "lvcun-zhen-2024.txt").read_text(encoding="utf-8")
    late = summarize_offline(
        load_report(f"来源：吕村镇人民政府　发布时间：2025-05-06 09:30\n{text}")
    )
    drafted = summarize_offline(load_report(f"成文日期：2025-05-06\n{text}"))
    assert (late.published, drafted.published) == (date(2025, 5, 6), None)

    # Inputs that are not files: the text is gone, only the summaries are audited.
    (result, unknown) = audit_subjects(
        subjects_of([("gone/lvcun-late.txt", late), ("gone/lvcun-drafted.txt", drafted)])
    )

    assert not result.text_available
    (finding,) = [f for f in result.findings if f.code == "late_publication"]
    assert (result.published_from, finding.published) == ("metadata", date(2025, 5, 6))
    assert finding.looked_for is not None and "发布时间：2025-05-06 09:30" in finding.looked_for
    assert "unknown_publication_date" in {f.code for f in unknown.findings}
