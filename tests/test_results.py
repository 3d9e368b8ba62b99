"""Results files: every file summarize and batch write is read by every command; nothing else is."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from rulelaw_llm import InputError, ReportSummary
from rulelaw_llm.cli import main
from rulelaw_llm.results import (
    BatchRecord,
    DuplicateRecord,
    ErrorRecord,
    ResultRecord,
    read_results,
    summaries_to_json,
    summaries_to_jsonl,
)
from tests.conftest import GOLD, REPORTS, ROOT
from tests.test_export import (  # noqa: F401 (fixtures)
    FINISHED_AT,
    LVCUN,
    error_line,
    result_line,
    results_file,
    summaries,
)

TWO = [REPORTS / "ka-xiang-2024.txt", REPORTS / "wutong-zhen-2024.txt"]
WRITERS = ["summarize-json-one", "summarize-json-array", "summarize-jsonl", "batch"]


@pytest.fixture(autouse=True)
def _no_llm_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests run the rules backend; a configured model (e.g. while recording) is hidden."""
    for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY"):
        monkeypatch.delenv(name, raising=False)


# --------------------------------------------------------------------------- reading


def test_read_results_keeps_the_last_record_per_input_and_warns_about_the_broken_line(
    results_file: Path,  # noqa: F811
    summaries: dict[str, ReportSummary],  # noqa: F811
) -> None:
    loaded = read_results(results_file)

    assert loaded.format == "batch"
    assert [record.input for record in loaded.results] == list(summaries)
    assert [(error.input, error.type, error.attempts) for error in loaded.errors] == [
        ("reports/bad.txt", "InputError", 1)
    ]
    assert loaded.results[1].summary == summaries[LVCUN]
    assert loaded.results[1].input_sha256 == hashlib.sha256((ROOT / LVCUN).read_bytes()).hexdigest()
    assert [str(warning) for warning in loaded.warnings] == [
        "results.jsonl 第 8 行不是完整的 JSON（可能是运行中断时只写了一半），已跳过。"
    ]
    assert len(loaded.history) == 7  # the superseded error of 吕村镇 stays in the history


def test_a_later_error_supersedes_an_earlier_result(
    tmp_path: Path,
    summaries: dict[str, ReportSummary],  # noqa: F811
) -> None:
    path = tmp_path / "results.jsonl"
    lines = [
        result_line(LVCUN, summaries[LVCUN]),
        error_line(LVCUN, None, "InputError", "文件已被删除", 1),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    loaded = read_results(path)

    assert loaded.records == (
        ErrorRecord(
            LVCUN,
            None,
            "0123456789abcdef",
            loaded.records[0].finished_at,
            type="InputError",
            message="文件已被删除",
            attempts=1,
        ),
    )
    assert loaded.records[0].finished_at is not None
    assert loaded.records[0].finished_at.isoformat() == FINISHED_AT


def test_a_summary_of_another_shape_is_skipped_with_a_warning_and_alone_is_refused(
    tmp_path: Path,
    summaries: dict[str, ReportSummary],  # noqa: F811
) -> None:
    broken = json.loads(result_line(LVCUN, summaries[LVCUN]))
    del broken["summary"]["provenance"]
    good = result_line(
        "examples/reports/ka-xiang-2024.txt", summaries["examples/reports/ka-xiang-2024.txt"]
    )
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps(broken, ensure_ascii=False) + "\n" + good + "\n", encoding="utf-8")

    loaded = read_results(path)
    assert [record.summary.entity for record in loaded.results] == ["卡乡"]
    assert len(loaded.warnings) == 1
    assert "第 1 行" in str(loaded.warnings[0]) and "provenance" in str(loaded.warnings[0])

    path.write_text(json.dumps(broken, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"没有可用的结果.*provenance"):
        read_results(path)


def test_a_result_of_schema_1_2_reads_without_digest_claims_and_a_claim_off_its_digest_does_not(
    tmp_path: Path,
    summaries: dict[str, ReportSummary],  # noqa: F811
) -> None:
    older = json.loads(result_line(LVCUN, summaries[LVCUN]))
    del older["summary"]["digest_claims"]
    older["summary"]["provenance"]["schema_version"] = "1.2"
    moved = json.loads(result_line(LVCUN, summaries[LVCUN]))
    moved["summary"]["digest_claims"][0]["start"] += 1
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps(older, ensure_ascii=False) + "\n", encoding="utf-8")
    (loaded,) = read_results(path).results
    assert loaded.summary.digest_claims == [] and loaded.summary.digest

    path.write_text(json.dumps(moved, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="digest claim"):
        read_results(path)


def test_batch_records_of_every_kind_read_back_as_written(
    tmp_path: Path,
    summaries: dict[str, ReportSummary],  # noqa: F811
) -> None:
    summary = summaries[LVCUN]
    common = {"input_sha256": "ab" * 32, "settings_key": "k", "finished_at": FINISHED_AT}
    written = [
        BatchRecord("result", "/r/a.txt", **common, summary=summary, attempts=2, code="c1"),
        BatchRecord(
            "error", "/r/b.txt", **common, error_type="InputError", message="空", code="c1"
        ),
        BatchRecord("duplicate", "/r/c.txt", **common, attempts=0, duplicate_of="/r/a.txt"),
    ]
    path = tmp_path / "out.jsonl"
    path.write_text("".join(record.to_json() + "\n" for record in written), encoding="utf-8")

    loaded = read_results(path)

    result, error = loaded.records
    assert isinstance(result, ResultRecord) and isinstance(error, ErrorRecord)
    assert (result.input, result.summary, result.attempts, result.code) == (
        "/r/a.txt",
        summary,
        2,
        "c1",
    )
    assert (error.input, error.type, error.message, error.attempts) == (
        "/r/b.txt",
        "InputError",
        "空",
        1,
    )
    assert loaded.duplicates == (
        DuplicateRecord(
            "/r/c.txt", "ab" * 32, "k", loaded.duplicates[0].finished_at, "/r/a.txt", 0, None
        ),
    )


def test_summary_writers_read_back_as_the_same_summaries(
    tmp_path: Path,
    summaries: dict[str, ReportSummary],  # noqa: F811
) -> None:
    values = list(summaries.values())
    cases = {
        "one.json": summaries_to_json(values[:1], as_array=False),
        "many.json": summaries_to_json(values, as_array=True),
        "many.jsonl": summaries_to_jsonl(values),
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert read_results(tmp_path / "one.json").summaries == values[:1]
    assert read_results(tmp_path / "many.json").summaries == values
    assert read_results(tmp_path / "many.jsonl").summaries == values
    assert read_results(tmp_path / "many.jsonl").format == "jsonl"


# --------------------------------------------------------------------------- writers × readers


@pytest.fixture(scope="module", params=WRITERS)
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results file of the two reports, as each command writes it."""
    folder = tmp_path_factory.mktemp(str(request.param))
    files = [str(path) for path in TWO]
    with pytest.MonkeyPatch.context() as patch:
        for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY"):
            patch.delenv(name, raising=False)
        if request.param == "batch":
            output = folder / "out.jsonl"
            arguments = ["batch", *files, "-o", str(output), "--offline", "--no-cache"]
        elif request.param == "summarize-json-one":
            output = folder / "out.json"
            arguments = ["summarize", files[0], "--offline", "-o", str(output)]
        elif request.param == "summarize-json-array":
            output = folder / "out.json"
            arguments = ["summarize", *files, "--offline", "-o", str(output)]
        else:
            output = folder / "out.jsonl"
            arguments = ["summarize", *files, "--format", "jsonl", "--offline", "-o", str(output)]
        assert main(arguments) == 0
    return output


def _expected_entities(written: Path) -> set[str]:
    return {"卡乡"} if written.parent.name.startswith("summarize-json-one") else {"卡乡", "梧桐镇"}


def test_the_reader_gives_every_summary_with_its_input(written: Path) -> None:
    loaded = read_results(written)
    assert {record.summary.entity for record in loaded.results} == _expected_entities(written)
    assert {Path(record.input).name for record in loaded.results} <= {path.name for path in TWO}
    assert loaded.warnings == ()


def test_eval_scores_every_written_format(
    written: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(written), "--gold", str(GOLD), "--json"]) == 0
    evaluation = json.loads(capsys.readouterr().out)
    assert {report["entity"] for report in evaluation["reports"]} == _expected_entities(written)
    assert evaluation["indicators"]["gold"] > 0 and evaluation["indicators"]["matched"] > 0


def test_export_writes_every_written_format(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.sqlite"
    assert main(["export", str(written), "--to", "sqlite", "-o", str(output)]) == 0
    import sqlite3

    with sqlite3.connect(output) as connection:
        entities = {row[0] for row in connection.execute("SELECT entity FROM reports")}
        indicators = connection.execute("SELECT count(*) FROM indicators").fetchone()[0]
    connection.close()
    assert entities == _expected_entities(written)
    assert indicators > 0


def test_review_shows_every_written_format(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "review.html"
    assert main(["review", str(written), "-o", str(output)]) == 0
    page = output.read_text(encoding="utf-8")
    for entity in _expected_entities(written):
        assert entity in page
    assert "梧桐镇" in page or written.parent.name.startswith("summarize-json-one")


# --------------------------------------------------------------------------- refusals


def _not_results(kind: str, folder: Path) -> Path:
    """A file that is not results, of the given kind."""
    if kind == "empty":
        path = folder / "empty.jsonl"
        path.write_bytes(b"")
    elif kind == "blank":
        path = folder / "blank.jsonl"
        path.write_text("\n \n", encoding="utf-8")
    elif kind == "report":
        path = folder / "report.txt"
        shutil.copy(REPORTS / "ka-xiang-2024.txt", path)
    elif kind == "python":
        path = folder / "module.py"
        shutil.copy(ROOT / "rulelaw_llm" / "results.py", path)
    elif kind == "json":
        path = folder / "config.json"
        path.write_text('{"name": "not results", "items": [1, 2]}', encoding="utf-8")
    elif kind == "json-array":
        path = folder / "numbers.json"
        path.write_text("[1, 2, 3]", encoding="utf-8")
    elif kind == "jsonl":
        path = folder / "other.jsonl"
        path.write_text('{"a": 1}\n{"a": 2}\n', encoding="utf-8")
    else:
        path = folder / "image.bin"
        path.write_bytes(bytes(range(256)) * 4)
    return path


REFUSED = {
    "empty": "是空的",
    "blank": "是空的",
    "report": "报告原文",
    "python": "是 Python 源代码",
    "json": "是 JSON，但不是 rulelaw-llm 的结果",
    "json-array": "是 JSON 数组，但不是 rulelaw-llm 的结果",
    "jsonl": "不是 rulelaw-llm 的结果记录",
    "binary": "不是 UTF-8 文本",
}


@pytest.mark.parametrize("kind", list(REFUSED))
def test_a_file_that_is_not_results_is_refused_saying_what_it_is(kind: str, tmp_path: Path) -> None:
    path = _not_results(kind, tmp_path)
    with pytest.raises(InputError) as raised:
        read_results(path)
    message = str(raised.value)
    assert REFUSED[kind] in message
    assert "应为 rulelaw-llm summarize" in message and "\n" not in message


@pytest.mark.parametrize("command", ["eval", "export", "review"])
@pytest.mark.parametrize("kind", ["empty", "report", "python", "json"])
def test_every_reading_command_refuses_a_file_that_is_not_results(
    command: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _not_results(kind, tmp_path)
    arguments = {
        "eval": ["eval", str(path), "--gold", str(GOLD)],
        "export": ["export", str(path), "--to", "csv", "-o", str(tmp_path / "csv")],
        "review": ["review", str(path), "-o", str(tmp_path / "review.html")],
    }[command]

    assert main(arguments) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and REFUSED[kind] in lines[0]
    assert not (tmp_path / "csv").exists() and not (tmp_path / "review.html").exists()


def test_eval_without_any_report_matching_the_gold_prints_no_score(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stranger = tmp_path / "某街道2024年报告.txt"
    shutil.copy(REPORTS / "ka-xiang-2024.txt", stranger)
    results = tmp_path / "s.jsonl"
    assert (
        main(["summarize", str(stranger), "--offline", "--format", "jsonl", "-o", str(results)])
        == 0
    )
    capsys.readouterr()

    assert main(["eval", str(results), "--gold", str(GOLD)]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "没有与金标准对应的报告" in captured.err and "某街道2024年报告.txt" in captured.err
    assert "1.00" not in captured.err
