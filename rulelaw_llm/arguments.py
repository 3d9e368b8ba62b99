"""A Chinese ``argparse``: usage, section titles, built-in help and every parse error.

Everything else the command line says is Chinese, so argparse's own English ("usage:",
"options", "show this help message and exit", "the following arguments are required",
"invalid choice"…) is translated here, in one place, without touching argparse globally:

* ``ChineseArgumentParser`` titles its sections, the ``-h`` and ``--version`` help, and
  turns every parse error into one Chinese line on stderr (exit status 2) that says where
  to find the usage. ``add_subparsers`` builds subcommands with the same class, so every
  subcommand — including ones added later — speaks Chinese without further work.
* Its help formatter writes "用法：" instead of "usage: ".
* ``translate_error`` maps argparse's error messages (as formatted by Python 3.10–3.13) to
  Chinese; a message it does not know is still prefixed in Chinese.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Callable
from typing import Any, NoReturn

from rulelaw_llm.errors import os_error_reason

__all__ = ["ChineseArgumentParser", "ChineseHelpFormatter", "display_width", "translate_error"]

_TYPE_NAMES = {"int": "整数", "float": "数字", "str": "文字"}


def _plain(value: str) -> str:
    """``'nope'`` → ``nope``: argparse quotes values with repr()."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _choices(text: str) -> str:
    return "、".join(_plain(choice) for choice in text.split(", "))


def _os_error(match: re.Match[str]) -> str:
    # argparse.FileType: "can't open 'x': [Errno 2] No such file or directory: 'x'"
    name, detail = match.group(1), match.group(2)
    number = re.search(r"\[Errno (\d+)\]", detail)
    if number is None:
        return f"无法打开 {name}"
    return f"无法打开 {name}：{os_error_reason(OSError(int(number.group(1)), detail))}"


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]
_RULES: list[_Rule] = [
    (
        re.compile(r"^argument (.+?): (.+)$", re.DOTALL),
        lambda m: f"参数 {m.group(1)}：{translate_error(m.group(2))}",
    ),
    (
        re.compile(r"^the following arguments are required: (.+)$"),
        lambda m: f"缺少必需的参数：{m.group(1)}",
    ),
    (
        re.compile(r"^unrecognized arguments: (.+)$"),
        lambda m: f"无法识别的参数：{m.group(1)}",
    ),
    (
        re.compile(r"^invalid choice: (.+?) \(choose from (.+)\)$"),
        lambda m: f"无效的选择“{_plain(m.group(1))}”（可选：{_choices(m.group(2))}）",
    ),
    (
        re.compile(r"^invalid (\S+) value: (.+)$"),
        lambda m: f"无效的{_TYPE_NAMES.get(m.group(1), m.group(1) + ' ')}值“{_plain(m.group(2))}”",
    ),
    (re.compile(r"^expected one argument$"), lambda m: "需要一个值"),
    (re.compile(r"^expected at most one argument$"), lambda m: "最多只能有一个值"),
    (re.compile(r"^expected at least one argument$"), lambda m: "至少需要一个值"),
    (re.compile(r"^expected (\d+) arguments?$"), lambda m: f"需要 {m.group(1)} 个值"),
    (
        re.compile(r"^not allowed with argument (.+)$"),
        lambda m: f"不能与参数 {m.group(1)} 同时使用",
    ),
    (
        re.compile(r"^ignored explicit argument (.+)$"),
        lambda m: f"此选项不接受值（收到“{_plain(m.group(1))}”）",
    ),
    (
        re.compile(r"^ambiguous option: (\S+) could match (.+)$"),
        lambda m: f"选项 {m.group(1)} 有歧义，可能是：{_choices(m.group(2))}",
    ),
    (
        re.compile(r"^one of the arguments (.+) is required$"),
        lambda m: f"以下参数必须提供一个：{m.group(1)}",
    ),
    (re.compile(r"^can't open (.+?): (.+)$"), _os_error),
]


def translate_error(message: str) -> str:
    """argparse's English error message in Chinese (unknown ones keep a Chinese prefix)."""
    for pattern, render in _RULES:
        match = pattern.match(message)
        if match is not None:
            return render(match)
    return f"参数有误：{message}"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Help with a Chinese usage prefix, aligned for Chinese (double-width) metavars."""

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        extra = display_width(invocation) - len(invocation)
        prefix = " " * self._current_indent + invocation
        first, newline, rest = text.partition("\n")
        if extra == 0 or not first.startswith(prefix) or first == prefix:
            return text
        # argparse padded the help column by len(), which counts a Chinese character as one.
        help_text = first[len(prefix) :].lstrip(" ")
        help_column = len(first) - len(help_text)
        padding = help_column - len(prefix)
        if padding - extra >= 2:
            first = prefix + " " * (padding - extra) + help_text
        else:
            first = prefix + "\n" + " " * help_column + help_text
        return first + newline + rest

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseRawDescriptionHelpFormatter(
    ChineseHelpFormatter, argparse.RawDescriptionHelpFormatter
):
    """``RawDescriptionHelpFormatter`` with a Chinese usage prefix."""


def _chinese_formatter(formatter: type[argparse.HelpFormatter]) -> type[argparse.HelpFormatter]:
    if issubclass(formatter, ChineseHelpFormatter):
        return formatter
    if formatter is argparse.HelpFormatter:
        return ChineseHelpFormatter
    if formatter is argparse.RawDescriptionHelpFormatter:
        return ChineseRawDescriptionHelpFormatter
    return type(f"Chinese{formatter.__name__}", (ChineseHelpFormatter, formatter), {})


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose help and errors are Chinese, and whose subcommands are too.

    Errors are one line on stderr, ``<prog>: <中文说明>。用法见 <prog> --help``, exit status 2.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        formatter = kwargs.get("formatter_class", ChineseHelpFormatter)
        kwargs["formatter_class"] = _chinese_formatter(formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        for action in self._actions:
            if "--help" in action.option_strings:
                action.help = "显示此帮助信息并退出"

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """``add_argument`` that gives ``action="version"`` a Chinese help text."""
        if kwargs.get("action") == "version":
            kwargs.setdefault("help", "显示版本号并退出")
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Print one Chinese line on stderr and exit with status 2."""
        self.exit(2, f"{self.prog}: {translate_error(message)}。用法见 {self.prog} --help\n")
