"""One language on the command line: help, usage errors and OS errors are all Chinese."""

from __future__ import annotations

import argparse
import errno
import os
import re
from pathlib import Path

import pytest

from rulelaw_llm.arguments import ChineseArgumentParser, translate_error
from rulelaw_llm.cli import _parser, main
from rulelaw_llm.errors import describe_os_error, os_error_reason
from tests.conftest import REPORTS

SHENZHA = str(REPORTS / "shenzha-zhen-2024.txt")
#: Python's English wording of the OS errors users run into.
ENGLISH_OS_TEXT = [
    os.strerror(number)
    for number in (
        errno.ENOENT,
        errno.EISDIR,
        errno.ENOTDIR,
        errno.EACCES,
        errno.EPERM,
        errno.ENOSPC,
        errno.EROFS,
        errno.EEXIST,
    )
]
#: argparse's own English, in help and in errors.
ENGLISH_BOILERPLATE = re.compile(
    r"usage:|positional arguments|optional arguments|options:|show this help|"
    r"show program's|error:|the following arguments|invalid choice|invalid int|"
    r"unrecognized arguments|expected one argument|not allowed with|choose from",
    re.IGNORECASE,
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _no_llm_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _assert_chinese_without_english_os_text(text: str) -> None:
    assert CHINESE.search(text), text
    for english in ENGLISH_OS_TEXT:
        assert english not in text


def test_a_directory_given_as_report_is_a_chinese_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["summarize", str(tmp_path), "--offline"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "目录" in err[0]
    _assert_chinese_without_english_os_text(err[0])


@pytest.mark.parametrize(
    "arguments",
    [
        ["summarize", SHENZHA, "--offline", "-o", "{tmp}"],  # output is a directory
        ["summarize", SHENZHA, "--offline", "-o", "{tmp}/missing/out.json"],
        ["export", "{tmp}", "--to", "csv", "-o", "{tmp}/out"],  # results is a directory
        ["sections", "{tmp}/missing.txt"],
        ["batch", SHENZHA, "--offline", "--no-cache", "-o", "{tmp}"],
        ["review", "{tmp}", "-o", "{tmp}/review.html"],
    ],
    ids=["output-dir", "output-missing-dir", "export-dir", "missing", "batch-dir", "review-dir"],
)
def test_os_errors_are_chinese_one_line_messages(
    arguments: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([argument.replace("{tmp}", str(tmp_path)) for argument in arguments])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert err and err[-1].startswith("rulelaw-llm: ")
    assert all("Traceback" not in line for line in err)
    _assert_chinese_without_english_os_text(err[-1])


def test_an_unknown_command_is_a_chinese_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nope"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("rulelaw-llm: ") and "“nope”" in err[0] and "summarize、" in err[0]
    assert "rulelaw-llm --help" in err[0]
    assert not ENGLISH_BOILERPLATE.search(err[0])


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["summarize"], "rulelaw-llm summarize: 缺少必需的参数：文件"),
        (["summarize", SHENZHA, "--bogus"], "rulelaw-llm: 无法识别的参数：--bogus"),
        (["batch", "x", "-o", "y", "--concurrency", "many"], "--concurrency：无效的整数值“many”"),
        (["batch", "x", "-o", "y", "--cache", "c", "--no-cache"], "不能与参数 --cache 同时使用"),
        (["export", "r.jsonl", "--to", "pdf", "-o", "x"], "无效的选择“pdf”（可选：csv、parquet"),
        (["summarize", SHENZHA, "-o"], "参数 -o/--output：需要一个值"),
    ],
)
def test_usage_errors_are_one_chinese_line(
    arguments: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(arguments) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0], err
    assert not ENGLISH_BOILERPLATE.search(err[0])


def test_help_of_every_command_has_no_english_boilerplate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == 0
    top = capsys.readouterr().out
    assert top.startswith("用法：rulelaw-llm") and "显示此帮助信息并退出" in top
    assert not ENGLISH_BOILERPLATE.search(top)
    commands = _subcommands(_parser())
    assert "summarize" in commands
    for name in commands:
        assert main([name, "--help"]) == 0
        text = capsys.readouterr().out
        assert text.startswith(f"用法：rulelaw-llm {name}"), name
        assert "位置参数" in text or "选项" in text
        assert not ENGLISH_BOILERPLATE.search(text), (name, text)


def test_every_command_and_option_has_a_chinese_help_text() -> None:
    parser = _parser()
    commands = _subcommands(parser)
    for name, command in commands.items():
        assert command.description and CHINESE.search(command.description), name
        for action in command._actions:
            assert action.help and CHINESE.search(action.help), (name, action.dest)


def test_help_columns_line_up_with_chinese_metavars(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "--help"]) == 0
    lines = capsys.readouterr().out.splitlines()
    cache = next(line for line in lines if line.lstrip().startswith("--cache "))
    offline = next(line for line in lines if line.lstrip().startswith("--offline"))
    width = {"W": 2, "F": 2}

    def column(line: str, help_text: str) -> int:
        import unicodedata

        before = line[: line.index(help_text)]
        return sum(width.get(unicodedata.east_asian_width(char), 1) for char in before)

    assert column(cache, "缓存文件位置") == column(offline, "只用规则")


def test_subcommands_added_later_speak_chinese_without_further_work(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = ChineseArgumentParser(prog="tool")
    commands = parser.add_subparsers(dest="command")
    added = commands.add_parser("split", help="拆分")
    added.add_argument("file")
    assert isinstance(added, ChineseArgumentParser)
    with pytest.raises(SystemExit) as stop:
        parser.parse_args(["split"])
    assert stop.value.code == 2
    assert capsys.readouterr().err == "tool split: 缺少必需的参数：file。用法见 tool split --help\n"
    assert added.format_help().startswith("用法：tool split")


def test_an_unknown_argparse_message_still_reads_chinese_first() -> None:
    assert translate_error("something new in Python 3.99").startswith("参数有误：")
    assert translate_error("argument --x: expected at least one argument") == (
        "参数 --x：至少需要一个值"
    )


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), "a.txt"), "不存在"),
        (IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), "d"), "目录"),
        (NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), "f/x"), "不是目录"),
        (PermissionError(errno.EACCES, os.strerror(errno.EACCES), "p"), "没有权限"),
        (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "big"), "磁盘空间不足"),
        (OSError(errno.EROFS, os.strerror(errno.EROFS), "ro"), "只读"),
        (OSError(errno.EPROTO, os.strerror(errno.EPROTO)), "系统错误（EPROTO）"),
    ],
)
def test_os_errors_are_mapped_to_chinese_in_one_place(error: OSError, expected: str) -> None:
    assert expected in os_error_reason(error)
    described = describe_os_error(error)
    assert expected in described
    if error.filename is not None:
        assert described.startswith(f"{error.filename}：")
    assert error.strerror not in described
