"""The command line: outputs users can pipe, one-line errors, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rulelaw_llm.cli import main
from tests.conftest import REPORTS

SHENZHA = str(REPORTS / "shenzha-zhen-2024.txt")


@pytest.fixture(autouse=True)
def _no_llm_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests run the rules backend; a configured model (e.g. while recording) is hidden."""
    for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_summarize_offline_prints_pretty_chinese_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summarize", SHENZHA, "--offline"]) == 0
    out = capsys.readouterr().out
    assert "申扎镇" in out  # ensure_ascii=False
    data = json.loads(out)
    assert data["entity"] == "申扎镇"
    assert data["provenance"]["backend"] == "rules"


def test_summarize_several_files_gives_an_array_and_markdown_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted(str(path) for path in REPORTS.glob("*.txt"))
    assert main(["summarize", *files, "--offline"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 5
    out = tmp_path / "summary.md"
    assert main(["summarize", *files, "--offline", "--format", "markdown", "-o", str(out)]) == 0
    markdown = out.read_text(encoding="utf-8")
    assert markdown.count("## 摘要") == 5
    assert "| 指标 | 数值 |" in markdown


def test_jsonl_gives_one_line_per_report(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(path) for path in REPORTS.glob("*.txt"))
    assert main(["summarize", *files, "--offline", "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line)["entity"] for line in lines] == [
        "卡乡",
        "吕村镇",
        "申扎镇",
        "田家寨镇",
        "梧桐镇",
    ]


def test_sections_and_quantities_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sections", str(REPORTS / "wutong-zhen-2024.txt")]) == 0
    out = capsys.readouterr().out
    assert "[原因] 原因：" in out
    assert main(["quantities", SHENZHA, "--json"]) == 0
    quantities = json.loads(capsys.readouterr().out)
    assert len(quantities) == 17


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "ReportSummary"
    assert schema["additionalProperties"] is False


def test_user_mistakes_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["summarize", str(tmp_path / "missing.txt"), "--offline"]) == 1
    assert main(["sections", str(empty)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert "找不到文件" in err[0] and "空文件" in err[1]
    assert all("Traceback" not in line for line in err)


def test_one_bad_file_does_not_lose_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summarize", str(tmp_path / "missing.txt"), SHENZHA, "--offline"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["entity"] == "申扎镇"
    assert "找不到文件" in captured.err


def test_a_folder_given_to_summarize_says_to_name_its_files_or_use_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summarize", str(tmp_path), "--offline"]) == 1
    err = capsys.readouterr().err
    assert "是目录" in err and "rulelaw-llm batch" in err and "Traceback" not in err


def test_without_a_model_summarize_says_how_to_configure_and_uses_the_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["summarize", SHENZHA]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["provenance"]["backend"] == "rules"
    hint = captured.err.strip().splitlines()
    assert len(hint) == 1 and "RULELAW_BASE_URL" in hint[0]


def test_digest_command_prints_one_line_per_report(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(path) for path in REPORTS.glob("*.txt"))
    assert main(["digest", *files, "--offline"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5 and lines[0].startswith("卡乡：卡乡2024年")


def test_a_named_provider_without_its_key_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    assert main(["summarize", SHENZHA, "--provider", "deepseek"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "DEEPSEEK_API_KEY" in err[0]


def _five_reports_in_one_file(tmp_path: Path) -> Path:
    path = tmp_path / "合集.txt"
    path.write_text(
        "".join(
            (REPORTS / f"{sample}.txt").read_text(encoding="utf-8").rstrip("\n") + "\n"
            for sample in sorted(path.stem for path in REPORTS.glob("*.txt"))
        ),
        encoding="utf-8",
    )
    return path


def test_several_reports_in_one_file_are_named_on_stderr_and_strict_refuses_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collection = str(_five_reports_in_one_file(tmp_path))

    assert main(["summarize", collection, "--offline"]) == 0
    err = capsys.readouterr().err
    assert "中似乎有 5 份报告" in err and "行“吕村镇人民政府”" in err

    assert main(["summarize", collection, "--offline", "--strict"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--strict" in captured.err and len(captured.err.strip().splitlines()) == 1


def test_a_file_that_is_not_a_report_is_a_warning_and_with_strict_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = tmp_path / "cli.txt"
    code.write_text(Path(main.__code__.co_filename).read_text(encoding="utf-8"), encoding="utf-8")

    assert main(["digest", str(code), "--offline"]) == 0
    assert "看起来不是法治政府建设报告" in capsys.readouterr().err
    assert main(["digest", str(code), "--offline", "--strict"]) == 1
    assert "看起来不是法治政府建设报告" in capsys.readouterr().err
    assert main(["summarize", SHENZHA, "--offline", "--strict"]) == 0


def test_split_on_summarize_gives_one_summary_per_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collection = _five_reports_in_one_file(tmp_path)

    assert main(["summarize", str(collection), "--offline", "--split"]) == 0
    summaries = json.loads(capsys.readouterr().out)

    assert [summary["entity"] for summary in summaries] == [
        "卡乡",
        "吕村镇",
        "申扎镇",
        "田家寨镇",
        "梧桐镇",
    ]
    assert [summary["provenance"]["source"] for summary in summaries] == [
        f"{collection}#{number}" for number in range(1, 6)
    ]
    assert all("份报告" not in " ".join(summary["warnings"]) for summary in summaries)


def test_split_writes_one_file_per_report_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collection = _five_reports_in_one_file(tmp_path)
    out = tmp_path / "拆分"

    assert main(["split", str(collection), "-o", str(out)]) == 0
    names = sorted(path.name for path in out.iterdir())
    assert names == [
        "01-卡乡-2024.txt",
        "02-吕村镇-2024.txt",
        "03-申扎镇-2024.txt",
        "04-田家寨镇-2024.txt",
        "05-梧桐镇-2024.txt",
    ]
    for name, sample in zip(names, sorted(REPORTS.glob("*.txt")), strict=True):
        # Round trip: each part is the sample it came from, and reads the same.
        assert (out / name).read_text(encoding="utf-8").strip() == sample.read_text(
            encoding="utf-8"
        ).strip()
    before = {path.name: path.stat().st_mtime_ns for path in out.iterdir()}
    capsys.readouterr()

    assert main(["split", str(collection), "-o", str(out)]) == 1
    assert "不会覆盖已有文件" in capsys.readouterr().err
    assert {path.name: path.stat().st_mtime_ns for path in out.iterdir()} == before


def test_a_long_input_shows_progress_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Long, but with few numbers: the rules' indicator naming grows with the square of the
    # number of quantities, which is not what this test is about.
    item = (
        "（一）加强组织领导。坚持依法行政，规范行政执法行为，推进矛盾纠纷调解，提升干部法治素养。\n"
    )
    long_report = tmp_path / "long.txt"
    long_report.write_text(
        "青石镇2024年法治政府建设情况报告\n2024年，青石镇坚持依法行政。\n一、主要举措和成效\n"
        + item * 5000
        + "二、存在的问题\n（一）法治宣传形式单一。\n三、下一步工作计划\n（一）加强普法。\n",
        encoding="utf-8",
    )

    assert main(["digest", str(long_report), "--offline"]) == 0

    err = capsys.readouterr().err
    assert "正在处理" in err and "字）…" in err
    assert "完成" in err and "用时" in err


def test_sections_shows_the_metadata_of_a_web_copy_apart_from_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "web.txt"
    page.write_text(
        "索引号：1142/2025-1\n发布时间：2025-03-12\n" + Path(SHENZHA).read_text(encoding="utf-8"),
        encoding="utf-8",
    )

    assert main(["sections", str(page), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["published"], data["metadata"], data["warnings"]) == (
        "2025-03-12",
        {"索引号": "1142/2025-1", "发布时间": "2025-03-12"},
        [],
    )
    assert data["title"] == "申扎镇2024年法治政府建设工作报告"  # not a metadata line
    assert main(["sections", str(page)]) == 0
    assert "发布：2025-03-12  元数据：索引号：1142/2025-1" in capsys.readouterr().out


def test_scope_reaches_the_summarizer() -> None:
    from rulelaw_llm.cli import _async_summarizer, _parser, _summarizer

    base = ["summarize", "x.txt", "--base-url", "http://127.0.0.1:1/v1", "--model", "m"]
    args = _parser().parse_args([*base, "--scope", "all"])
    summarizer = _summarizer(args)
    assert summarizer is not None and summarizer.settings.scope == "all"
    default = _summarizer(_parser().parse_args(base))
    assert default is not None and default.settings.scope == "unsure"
    batch = ["batch", "in", "--output", "o.jsonl", "--base-url", "http://127.0.0.1:1/v1"]
    batch_args = _parser().parse_args([*batch, "--model", "m", "--scope", "all"])
    asynchronous = _async_summarizer(batch_args)
    assert asynchronous is not None and asynchronous.settings.scope == "all"


def test_quantities_prints_values_in_full_with_section_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "q.txt"
    report.write_text("一、工作情况\n全年投入经费440万元，办理案件1.5万件。\n", encoding="utf-8")
    assert main(["quantities", str(report)]) == 0
    out = capsys.readouterr().out
    assert "440万元" in out and "= 4,400,000 元" in out and "= 15,000 件" in out
    assert "e+" not in out and "[主要举措和成效]" in out


def test_export_help_lists_every_table(capsys: pytest.CaptureFixture[str]) -> None:
    from rulelaw_llm.corpus.export import TABLES

    assert main(["export", "--help"]) == 0
    help_text = capsys.readouterr().out.replace("\n", "")
    assert [table for table in TABLES if table not in help_text] == []


def test_the_no_model_hint_says_it_once_and_names_every_preset(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from rulelaw_llm.llm.providers import PRESETS

    assert main(["summarize", SHENZHA]) == 0
    (hint,) = capsys.readouterr().err.strip().splitlines()
    assert hint.count("未配置大模型") == 1
    assert [name for name in PRESETS if name not in hint] == []
