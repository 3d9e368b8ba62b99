"""The ``compare`` and ``compile`` commands (issue 17): their arguments and their thin handlers.

A part of the command line (``rulelaw_llm.cli`` adds them to its parser and calls the
handlers), kept apart so that ``cli.py`` stays one idea under 800 lines.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["add_comparison_commands", "kinds_data", "run_compare", "run_compile"]


def add_comparison_commands(commands: Any) -> None:
    """Add ``compare`` and ``compile`` to the subcommands of the ``rulelaw-llm`` parser."""
    compare = commands.add_parser(
        "compare",
        help="按指标种类比较多份报告：各层级的最小/中位数/最大、需要核对的数据、逐年变化",
        description="按指标种类（rulelaw-llm schema --kinds）比较结果文件中的报告：写明各种类的报告数，"
        "各层级的最小、中位数、最大；需要核对的数据（比率超过 100%、同层级中位数十倍以上、比率写成件数）；"
        "同一单位相邻两个年度时给出逐年变化和上年计划的落实。",
    )
    compare.add_argument("results", nargs="+", metavar="结果文件", help="一个或多个结果文件")
    compare.add_argument(
        "--format",
        choices=("table", "json", "markdown"),
        default="table",
        help="输出格式：table（默认，终端表格）、json、markdown",
    )
    compare.add_argument("-o", "--output", metavar="输出文件", help="写入文件而不是标准输出")

    compile_ = commands.add_parser(
        "compile",
        help="把多份报告汇编成一份汇总（.md 或 .docx），每个数字注明出处",
        description="按类别汇总各单位的举措和成效、各种类指标的合计（“N 份报告中 M 份提及”）、共性问题和"
        "下一年度安排；每个数字由程序从结果重新计算，并以脚注注明来自哪些报告的哪些原文。",
    )
    compile_.add_argument("results", nargs="+", metavar="结果文件", help="一个或多个结果文件")
    compile_.add_argument(
        "-o", "--output", required=True, metavar="汇总.md", help=".md，或 .docx（需要 [docx]）"
    )
    compile_.add_argument(
        "--title", metavar="标题", help="汇总的标题（默认：法治政府建设年度报告汇总）"
    )


def run_compare(args: argparse.Namespace, write: Callable[[str, str | None], None]) -> int:
    """``rulelaw-llm compare``: the comparison of the results files, in ``args.format``."""
    from rulelaw_llm.corpus import compare

    comparison = compare.compare_results([Path(path) for path in args.results])
    render = {"json": compare.comparison_to_json, "markdown": compare.comparison_to_markdown}
    write(render.get(args.format, compare.comparison_to_table)(comparison), args.output)
    return 0


def run_compile(args: argparse.Namespace) -> int:
    """``rulelaw-llm compile``: the compiled summary, Markdown or Word by the output's suffix."""
    from rulelaw_llm.corpus.compilation import write_compilation

    path = write_compilation([Path(p) for p in args.results], Path(args.output), title=args.title)
    print(f"已生成 {path}（每个数字的出处见文末注释）", file=sys.stderr)
    return 0


def kinds_data() -> list[dict[str, object]]:
    """``rulelaw-llm schema --kinds``: the kind vocabulary (key, label, family, units, words)."""
    from rulelaw_llm.kinds import FAMILIES, KINDS

    return [
        {
            "key": kind.key,
            "label": kind.label,
            "category": kind.category,
            "units": list(kind.units),
            "family": FAMILIES[kind.family].label if kind.family else None,
            "words": list(kind.words),
        }
        for kind in KINDS.values()
    ]
