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
