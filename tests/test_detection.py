"""Inputs that are not one report: no report at all, or several in one file."""

from __future__ import annotations

from pathlib import Path

from rulelaw_llm import detect_reports, load_report, summarize_offline
from rulelaw_llm.reading.detection import split_reports
from tests.conftest import REPORTS, ROOT, SAMPLES

ENGLISH = (
    "Annual report on the modernisation of the municipal library. During the year the "
    "library opened two branches, lent 120,000 books and trained 40 volunteers. "
    "Problems remain: the budget is small and the buildings are old. Next year we plan "
    "to digitise the local newspaper archive.\n"
) * 8

NOVEL = (
    "第三章 雨夜\n"
    "夜色渐深，老街尽头的灯笼一盏盏亮了起来。阿明推着自行车，慢慢走过青石板路，"
    "心里还想着白天在码头上听到的那句话。\n"
    "他停在茶馆门口，听见里面有人在拉二胡，曲子断断续续，像是有人在叹气。"
    "掌柜的探出头来，笑着招呼他进去坐坐，说今晚的雨怕是要下到天亮。\n"
) * 10


def _samples_concatenated() -> tuple[str, list[tuple[int, str]]]:
    """The five samples in one text, with the line and first line each starts with."""
    text = ""
    expected: list[tuple[int, str]] = []
    for sample in SAMPLES:
        part = (REPORTS / f"{sample}.txt").read_text(encoding="utf-8")
        part = part if part.endswith("\n") else part + "\n"
        expected.append((text.count("\n") + 1, part.split("\n", 1)[0].strip()))
        text += part
    return text, expected


def test_a_python_source_file_is_not_a_report(tmp_path: Path) -> None:
    source = tmp_path / "document.txt"
    source.write_text(
        (ROOT / "rulelaw_llm" / "reading" / "document.py").read_text(encoding="utf-8")
    )

    report = load_report(source)

    assert not detect_reports(report.text).is_report
    assert len(report.warnings) == 1
    assert "看起来不是法治政府建设报告" in report.warnings[0]
    assert "中文字符只占" in report.warnings[0]
    assert report.warnings[0] in summarize_offline(report).warnings


def test_an_english_text_and_a_novel_chapter_are_not_reports() -> None:
    english = detect_reports(ENGLISH)
    novel = detect_reports(NOVEL)

    assert (english.is_report, novel.is_report) == (False, False)
    assert english.reason == "中文字符只占 0%"
    assert novel.reason is not None and "几乎没有这类报告的用语" in novel.reason
    assert load_report(NOVEL).warnings[0].startswith("输入文本 看起来不是法治政府建设报告")


def test_every_sample_is_one_report_without_any_warning(sample: str) -> None:
    path = REPORTS / f"{sample}.txt"
    detection = detect_reports(path.read_text(encoding="utf-8"))

    assert detection.is_report
    assert [start.line for start in detection.starts] == [1]
    assert load_report(path).warnings == ()


def test_the_five_samples_in_one_file_are_found_with_their_starts(tmp_path: Path) -> None:
    text, expected = _samples_concatenated()
    path = tmp_path / "five.txt"
    path.write_text(text, encoding="utf-8")

    detection = detect_reports(text)
    report = load_report(path)

    assert [(start.line, start.title) for start in detection.starts] == expected
    (warning,) = report.warnings
    assert "中似乎有 5 份报告" in warning
    for line, title in expected:
        assert f"第 {line} 行“{title[:30]}" in warning
    assert "rulelaw-llm split" in warning


def test_reports_without_titles_are_told_apart_by_their_numbering_starting_again() -> None:
    item = "召开法治专题学习会议6次，开展依法行政培训3场，调解矛盾纠纷12件，规范行政执法行为。"
    first = (
        "2024年，青石镇坚持以习近平法治思想为指导，扎实推进法治政府建设。\n"
        f"一、主要举措和成效\n（一）加强组织领导。{item * 3}\n"
        f"二、存在的问题\n（一）法治宣传形式单一。{item}\n"
        f"三、下一步工作计划\n（一）加强普法宣传。{item}\n"
    )
    second = first.replace("青石镇", "白沙镇")

    starts = detect_reports(first + second).starts

    assert [(start.line, start.title[:9]) for start in starts] == [
        (1, "2024年，青石镇"),
        (8, "2024年，白沙镇"),
    ]
    assert split_reports(first + second) == [first, second]


def test_split_reports_gives_back_each_sample() -> None:
    text, _ = _samples_concatenated()

    parts = split_reports(text)

    assert len(parts) == 5
    for part, sample in zip(parts, SAMPLES, strict=True):
        original = (REPORTS / f"{sample}.txt").read_text(encoding="utf-8")
        assert part.strip("\n") == original.strip("\n")
        assert load_report(part).text == load_report(original).text


def test_a_sub_list_numbered_again_inside_a_part_is_not_another_report() -> None:
    item = "召开法治专题学习会议6次，开展依法行政培训3场，调解矛盾纠纷12件，规范行政执法行为。"
    text = (
        "青石镇2024年法治政府建设情况报告\n2024年，青石镇坚持依法行政。\n"
        f"一、主要举措和成效\n（一）加强组织领导。{item * 8}\n"
        f"二、存在的问题\n（一）法治宣传形式单一。{item}\n"
        f"三、下一步工作计划\n一、加强普法宣传。{item * 4}\n二、规范行政执法。{item * 4}\n"
        f"三、推进依法决策。{item * 4}\n"
    )

    detection = detect_reports(text)

    assert detection.is_report and [start.line for start in detection.starts] == [1]
