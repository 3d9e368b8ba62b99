"""The command line's parser: every command, its options and their Chinese help.

Only declarations live here — which commands exist, what each option means, the exit
statuses the help lists. What the commands do is in :mod:`rulelaw_llm.cli`.
"""

from __future__ import annotations

import argparse

from rulelaw_llm.arguments import ChineseArgumentParser
from rulelaw_llm.cli_compare import add_comparison_commands
from rulelaw_llm.corpus.export import TABLES
from rulelaw_llm.llm.settings import MODES, SCOPES

__all__ = ["EXIT_CODES", "build_parser"]

#: What each exit status of ``rulelaw-llm`` means (the help and the CLI reference show it).
EXIT_CODES: dict[int, str] = {
    0: "成功",
    1: "出错：输入无法读取、配置不完整、服务出错，或有文件处理失败（其余文件照常处理）",
    2: "用法错误：缺少参数、未知的命令或选项",
    130: "被中断（Ctrl-C）；batch 重新运行同一命令即可从断点继续",
}

_EPILOG = """示例：
  rulelaw-llm summarize examples/reports/shenzha-zhen-2024.txt --offline
  rulelaw-llm summarize 报告.txt --provider deepseek            # 需设置 DEEPSEEK_API_KEY
  rulelaw-llm digest 报告/*.txt --base-url http://10.0.0.5:8000/v1 --model qwen2.5-7b
  rulelaw-llm summarize 报告/*.txt --format markdown -o 摘要.md
  rulelaw-llm split 合集.txt -o 报告/                           # 一个文件含多份报告时拆开
  rulelaw-llm audit examples/reports --offline                 # 审核一批报告，输出可据以整改的表格
  rulelaw-llm compare 结果.jsonl                                # 按指标种类比较，列出需要核对的数据
  rulelaw-llm compile 结果.jsonl -o 汇总.md                     # 汇编各单位的报告，每个数字注明出处
  rulelaw-llm sections examples/reports/wutong-zhen-2024.txt
  rulelaw-llm quantities examples/reports/lvcun-zhen-2024.txt
  rulelaw-llm schema > report-summary.schema.json
  rulelaw-llm check --provider qwen --model qwen-plus           # 接口接受哪些设置

"""


def build_parser() -> argparse.ArgumentParser:
    # Subcommands are built with the same Chinese parser class (add_subparsers' default).
    parser = ChineseArgumentParser(
        prog="rulelaw-llm",
        description="把法治政府建设年度报告变成有原文出处、可校验的结构化数据和摘要。",
        epilog=_EPILOG
        + "\n退出状态：\n"
        + "".join(f"  {code:<4} {meaning}\n" for code, meaning in EXIT_CODES.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="命令", help="要执行的命令")

    summarize = commands.add_parser(
        "summarize",
        help="提取成效、指标、问题、计划并生成摘要",
        description="提取每份报告的成效、数字指标、问题、计划和一段话摘要。"
        "未配置大模型或使用 --offline 时，只用确定性规则（不联网）。",
    )
    summarize.add_argument(
        "files", nargs="+", metavar="文件", help="报告文件（.txt、.docx、.pdf、.html）"
    )
    summarize.add_argument("--offline", action="store_true", help="只用规则，不调用大模型")
    summarize.add_argument(
        "--format",
        choices=("json", "jsonl", "markdown"),
        default="json",
        help="输出格式：json（默认；多个文件时为数组）、jsonl（每行一份）、markdown（便于阅读）",
    )
    summarize.add_argument("-o", "--output", metavar="输出文件", help="写入文件而不是标准输出")
    _input_options(summarize)
    _verbose_option(summarize)
    _llm_options(summarize)

    digest = commands.add_parser(
        "digest",
        help="为每份报告输出一段话摘要",
        description="为每份报告输出一段话摘要（经过数字核对；未配置大模型时用模板摘要）。",
    )
    digest.add_argument(
        "files", nargs="+", metavar="文件", help="报告文件（.txt、.docx、.pdf、.html）"
    )
    digest.add_argument("--offline", action="store_true", help="只用规则，不调用大模型")
    _input_options(digest)
    _verbose_option(digest)
    _llm_options(digest)

    batch = commands.add_parser(
        "batch",
        help="批量处理（可中断、可续跑），结果逐行写入 JSONL",
        description="批量处理报告：每完成一份立即写入一行 JSONL；失败写入错误记录。"
        "中断后重新运行同一命令即可从断点继续。",
    )
    batch.add_argument(
        "inputs", nargs="+", metavar="输入", help="文件、目录或通配符（如 '报告/*.txt'）"
    )
    batch.add_argument(
        "-o", "--output", required=True, metavar="结果.jsonl", help="结果文件（JSONL）"
    )
    batch.add_argument(
        "--concurrency",
        type=int,
        default=4,
        metavar="N",
        help="同时发出的请求数上限（默认 4）；用大模型时同时处理至多 2N 份报告，规则摘要时 N 份",
    )
    batch.add_argument("--offline", action="store_true", help="只用规则，不调用大模型")
    batch.add_argument("--retry-failed", action="store_true", help="重试之前失败的报告")
    batch.add_argument(
        "--split",
        action="store_true",
        help="一个文件含多份报告时逐份处理（记为 文件#1、文件#2 …）",
    )
    batch.add_argument(
        "--strict",
        action="store_true",
        help="输入不像报告或含多份报告时记为失败，而不只是提示",
    )
    batch.add_argument(
        "--batch-api",
        action="store_true",
        help="通过服务商的批量接口（Batch API）处理：约半价、可能要等几小时；"
        "每一轮请求是一个批量任务，中断后重新运行同一命令会继续等待已提交的任务",
    )
    batch.add_argument(
        "--poll-seconds",
        type=float,
        default=30.0,
        metavar="秒",
        help="--batch-api 时查询批量任务状态的间隔（默认 30 秒）",
    )
    batch.add_argument(
        "--no-wait",
        action="store_true",
        help="结果文件正由另一个进程写入时立即停止，而不是等它结束",
    )
    _limit_option(batch)
    cache = batch.add_mutually_exclusive_group()
    cache.add_argument("--cache", metavar="路径", help="缓存文件位置（默认在用户缓存目录）")
    cache.add_argument("--no-cache", action="store_true", help="不使用缓存")
    _verbose_option(batch)
    _llm_options(batch)

    export = commands.add_parser(
        "export",
        help="把结果导出为表格（csv/parquet/sqlite/duckdb/xlsx）",
        # The table names come from the exporter itself, so the help lists every one.
        description=f"导出规范化的表：{'、'.join(TABLES)}"
        "（audits 是每份报告的审核得分和需要处理的事项，findings 是每条审核发现）。",
    )
    export.add_argument(
        "results", metavar="结果文件", help="summarize（json/jsonl）或 batch 写出的结果文件"
    )
    export.add_argument(
        "--to",
        required=True,
        choices=("csv", "parquet", "sqlite", "duckdb", "xlsx"),
        help="导出格式",
    )
    export.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="输出",
        help="输出文件（sqlite/duckdb/xlsx）或目录（csv/parquet）",
    )
    _verbose_option(export)

    evaluate = commands.add_parser(
        "eval",
        help="与人工标注的金标准比对，给出精确率、召回率和 F1",
        description="按字段（指标、问题、原因、计划）计算精确率、召回率、F1，以及有出处比例、拒绝项和 token。",
    )
    evaluate.add_argument(
        "results", metavar="结果文件", help="summarize（json/jsonl）或 batch 写出的结果文件"
    )
    evaluate.add_argument(
        "--gold", required=True, metavar="目录", help="金标准目录，如 examples/gold"
    )
    evaluate.add_argument("--json", action="store_true", help="以 JSON 输出")
    _verbose_option(evaluate)

    review = commands.add_parser(
        "review",
        help="生成可双击打开的 HTML 审阅页（原文高亮、图表）",
        description="生成单个自包含 HTML 文件：每份报告的原文高亮与字段，语料层面的表格、图表和套话提示。",
    )
    review.add_argument(
        "results", metavar="结果文件", help="summarize（json/jsonl）或 batch 写出的结果文件"
    )
    review.add_argument(
        "-o", "--output", required=True, metavar="审阅.html", help="要生成的 HTML 文件"
    )
    review.add_argument("--gold", metavar="目录", help="同时显示与金标准的比对")
    review.add_argument(
        "--audit",
        metavar="审核.json",
        help="同时显示审核结果（rulelaw-llm audit --format json 的输出）：每份报告的发现和得分、按检查代码的汇总",
    )
    _verbose_option(review)

    split = commands.add_parser(
        "split",
        help="把含多份报告的文件拆成每份一个 .txt",
        description="找出文件中每份报告的开头（标题、年度标题、重新开始的“一、”编号），"
        "每份写成一个 UTF-8 .txt 文件，按序号、单位和年度命名；不会覆盖已有文件。",
    )
    split.add_argument("file", metavar="文件", help="含多份报告的文件")
    split.add_argument("-o", "--output", required=True, metavar="目录", help="输出目录")
    _limit_option(split)

    audit = commands.add_parser(
        "audit",
        help="按规定审核报告：必备部分、按时公开、标题与主体、套话、原因与措施、数据、上年计划落实",
        description="逐份审核报告（或 batch 生成的结果文件）是否符合法治政府建设年度报告的要求，"
        "给出每条发现的原文依据和得分。检查项和扣分见 AUDIT.md。",
    )
    audit.add_argument(
        "inputs",
        nargs="+",
        metavar="文件|目录|结果文件",
        help="报告文件、目录、通配符，或 batch 生成的结果文件（.jsonl）",
    )
    audit.add_argument(
        "--previous",
        nargs="+",
        metavar="文件|目录",
        help="上一年度的报告（核对上年计划是否落实、是否照搬上年表述）",
    )
    audit.add_argument(
        "--published",
        metavar="年-月-日",
        help="发布日期（覆盖报告元数据中的发布时间），用于核对是否在次年 4 月 1 日前公开",
    )
    audit.add_argument(
        "--format",
        choices=("table", "json", "markdown"),
        default="table",
        help="输出格式：table（默认，终端表格）、json、markdown",
    )
    audit.add_argument("-o", "--output", metavar="输出文件", help="写入文件而不是标准输出")
    audit.add_argument("--offline", action="store_true", help="摘要只用规则，不调用大模型")
    _limit_option(audit)
    audit_cache = audit.add_mutually_exclusive_group()
    audit_cache.add_argument("--cache", metavar="路径", help="摘要缓存位置（默认在用户缓存目录）")
    audit_cache.add_argument("--no-cache", action="store_true", help="不使用缓存")
    _verbose_option(audit)
    _llm_options(audit)

    sections = commands.add_parser(
        "sections",
        help="显示报告如何被划分为各部分和条目",
        description="显示报告的标题、单位、年度，以及规则如何把它划分为各部分和条目（含位置）。",
    )
    sections.add_argument("file", metavar="文件", help="报告文件")
    sections.add_argument("--json", action="store_true", help="以 JSON 输出")
    _limit_option(sections)

    quantities = commands.add_parser(
        "quantities",
        help="列出报告中的数字指标候选",
        description="列出报告中的数字指标候选（数值、单位、是否约数、位置和所在部分）。",
    )
    quantities.add_argument("file", metavar="文件", help="报告文件")
    quantities.add_argument("--json", action="store_true", help="以 JSON 输出")
    _limit_option(quantities)

    add_comparison_commands(commands)

    schema = commands.add_parser(
        "schema",
        help="输出结果的 JSON Schema（供其他工具使用）",
        description="输出结果（ReportSummary）的 JSON Schema；--kinds 输出指标种类词表。",
    )
    schema.add_argument(
        "--kinds", action="store_true", help="输出指标种类词表（键、名称、单位族、类别）"
    )

    check = commands.add_parser(
        "check",
        help="检查大模型接口接受哪些设置（设置密钥后先运行它）",
        description="对每种结构化输出方式发送一个很小的真实请求，列出接口接受什么"
        "（输出方式、思考开关、温度、是否返回用量、耗时）以及建议的设置。",
    )
    group = check.add_argument_group(
        "大模型（也可用环境变量 RULELAW_PROVIDER / RULELAW_MODEL / RULELAW_BASE_URL / RULELAW_API_KEY）"
    )
    group.add_argument("--provider", help="服务商预设")
    group.add_argument("--model", help="模型名称")
    group.add_argument("--base-url", help="OpenAI 兼容接口地址")
    return parser


def _input_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--split",
        action="store_true",
        help="一个文件含多份报告时，每份单独摘要（记为 文件#1、文件#2 …）",
    )
    command.add_argument(
        "--strict",
        action="store_true",
        help="输入不像报告或含多份报告时报错（非零退出），而不只是提示",
    )
    _limit_option(command)


def _limit_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--max-input-mb",
        type=float,
        metavar="MB",
        help="单个输入的上限（默认 20 MB 文字；.docx 解压、.pdf 文件为它的 10 倍，PDF 每 MB 100 页）；"
        "超过的文件在处理前就被拒绝",
    )


def _verbose_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="逐条列出每个警告（默认同类警告合为一行，注明共几处）",
    )


def _llm_options(command: argparse.ArgumentParser) -> None:
    group = command.add_argument_group(
        "大模型（也可用环境变量 RULELAW_PROVIDER / RULELAW_MODEL / RULELAW_BASE_URL / RULELAW_API_KEY）"
    )
    group.add_argument(
        "--provider",
        metavar="服务商",
        help="服务商预设：deepseek、qwen、zhipu、moonshot、doubao、siliconflow、openai、ollama、vllm、llamacpp、llama-cpp-python",
    )
    group.add_argument("--model", metavar="模型", help="模型名称")
    group.add_argument(
        "--base-url", metavar="地址", help="OpenAI 兼容接口地址，如 http://内网地址:8000/v1"
    )
    group.add_argument("--mode", choices=MODES, help="结构化输出方式（默认取服务商预设）")
    group.add_argument(
        "--scope",
        choices=SCOPES,
        help="问模型什么：unsure 只问规则没把握的字段（默认，本地小模型）；"
        "all 名称、概括、类别、原因都问（大模型预设的默认）",
    )


def _version() -> str:
    from rulelaw_llm.rules.offline import library_version

    return f"rulelaw-llm {library_version()}"
