"""What the command line shows while it works: progress, grouped warnings, uncut tables.

The progress view is driven as the library drives it (``progress(step, done, total)``) on a
plain stream, as when stderr is a file or a pipe; the batch and export commands run on
real files.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from rich.table import Table

from rulelaw_llm.cli import main
from rulelaw_llm.console import StepProgress, grouped_lines, render
from rulelaw_llm.results import Notice
from tests.conftest import REPORTS


@pytest.fixture(autouse=True)
def _no_llm_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_a_slow_step_prints_plain_lines_when_piped_and_a_fast_one_none() -> None:
    stream = io.StringIO()
    with StepProgress(stream=stream, terminal=False, interval=0.05) as steps:
        steps("快步骤", 1, 1)
        for done in range(10):
            steps("审核", done, 10)
            time.sleep(0.03)
    steps.finish("已写入 out.json")
    lines = stream.getvalue().splitlines()
    assert any(line.startswith("rulelaw-llm: 审核 ") and "/10（" in line for line in lines)
    assert any("审核 10 完成" in line for line in lines)
    assert not any("快步骤" in line for line in lines)
    assert lines[-1].startswith("已写入 out.json")


def test_a_quick_command_prints_only_what_it_wrote() -> None:
    stream = io.StringIO()
    with StepProgress(stream=stream, terminal=False) as steps:
        steps("审核", 5, 5)
    steps.finish("已写入 out.json")
    assert stream.getvalue() == "已写入 out.json\n"


def test_warnings_are_one_line_per_kind_and_each_with_verbose() -> None:
    notices = [Notice("duplicate", f"p{n}.txt 与 p0.txt 内容相同") for n in range(1, 500)]
    notices.append(Notice("input", "x.txt 看起来不是法治政府建设报告"))
    lines = grouped_lines(notices, {"duplicate": "内容相同的输入只处理一次"})
    assert lines == [
        "内容相同的输入只处理一次：共 499 处，例如：p1.txt 与 p0.txt 内容相同（--verbose 逐条列出）",
        "x.txt 看起来不是法治政府建设报告",
    ]
    assert len(grouped_lines(notices, {}, verbose=True)) == 500


def test_a_table_for_a_file_is_as_wide_as_its_cells() -> None:
    table = Table(title="批量处理结果")
    for column in ("输入", "已跳过（之前完成）", "需要处理"):
        table.add_column(column)
    long = "缺原因、第一责任人；发布日期不明；标题不规范；计划空泛×4；数据偏少；未涉及主题×3"
    table.add_row("1,000", "0", long)
    text = render(table, width=None)
    assert "已跳过（之前完成）" in text and long in text  # not folded, not cut
    assert "…" not in text
    narrow = render(table, width=40)
    assert max(len(line) for line in narrow.splitlines()) <= 40


def _collection(tmp_path: Path, copies: int) -> Path:
    texts = [path.read_text(encoding="utf-8").strip() for path in sorted(REPORTS.glob("*.txt"))]
    path = tmp_path / "合集.txt"
    path.write_text("\n".join(text for _ in range(copies) for text in texts) + "\n", "utf-8")
    return path


def test_batch_split_on_many_duplicate_parts_prints_a_few_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collection = _collection(tmp_path, 40)  # 200 reports, 195 of them repeats
    out = tmp_path / "out.jsonl"
    command = ["batch", str(collection), "--split", "-o", str(out), "--offline", "--no-cache"]

    assert main(command) == 0

    # Progress lines come once a second on a slow machine; the rest is what the run says.
    err = [
        line
        for line in capsys.readouterr().err.splitlines()
        if not line.startswith("rulelaw-llm: 处理报告")
    ]
    warnings = [line for line in err if "警告" in line]
    assert len(warnings) == 1 and "共 195 处" in warnings[0]
    assert len(err) <= 5, err
    assert err[0].startswith("批量处理结果：输入 200，")  # one plain line: nothing to cut
    assert err[-1].startswith(f"结果已写入 {out}")

    out.unlink()
    assert main([*command, "--verbose"]) == 0
    assert sum("内容相同" in line for line in capsys.readouterr().err.splitlines()) == 195
