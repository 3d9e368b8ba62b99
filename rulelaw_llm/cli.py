"""The ``rulelaw-llm`` command: a thin shell over the public API.

Every user mistake ends as one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rulelaw_llm.arguments import display_width
from rulelaw_llm.cli_compare import kinds_data, run_compare, run_compile
from rulelaw_llm.cli_parser import EXIT_CODES
from rulelaw_llm.cli_parser import build_parser as _parser
from rulelaw_llm.console import StepProgress, terminal_width
from rulelaw_llm.corpus.render import SECTION_LABELS, outline, outline_data, to_markdown
from rulelaw_llm.errors import (
    ConfigurationError,
    ExtractionError,
    InputError,
    RulelawError,
    describe_failure,
    describe_os_error,
    os_error_reason,
)
from rulelaw_llm.llm.cache import ResultCache
from rulelaw_llm.llm.providers import NOT_CONFIGURED, llm_settings_present, resolve_provider
from rulelaw_llm.reading.document import Report, load_report, load_reports, split_report_file
from rulelaw_llm.reading.limits import InputLimits
from rulelaw_llm.results import summaries_to_json, summaries_to_jsonl
from rulelaw_llm.rules.offline import summarize_offline
from rulelaw_llm.rules.quantities import find_quantities
from rulelaw_llm.schema import ReportSummary

if TYPE_CHECKING:
    # Imported where used: they load openai and instructor, which the rules path never needs.
    from rulelaw_llm.llm.summarizer import AsyncSummarizer, Summarizer

__all__ = ["EXIT_CODES", "main"]

_Built = TypeVar("_Built")


def _limits(args: argparse.Namespace) -> InputLimits | None:
    """The input limits the command line sets (``None``: the defaults)."""
    value = getattr(args, "max_input_mb", None)
    return InputLimits(max_input_mb=value) if value is not None else None


def _configured(args: argparse.Namespace, build: Callable[[], _Built]) -> _Built | None:
    """``build()`` when an LLM is configured; else None, with a one-line hint, for the rules."""
    if args.offline:
        return None
    try:
        # Resolved before ``build`` imports the LLM backend, so that "nothing configured"
        # falls back to the rules without loading openai and instructor.
        resolve_provider(
            provider=args.provider, model=args.model, base_url=args.base_url, mode=args.mode
        )
        return build()
    except ConfigurationError as error:
        # Only "nothing configured at all" falls back to the rules; a half-set
        # configuration (e.g. RULELAW_BASE_URL without a model) is an error.
        if llm_settings_present(provider=args.provider, model=args.model, base_url=args.base_url):
            raise
        how = str(error).removeprefix(NOT_CONFIGURED)
        print(f"rulelaw-llm: 未配置大模型，使用规则摘要。{how}", file=sys.stderr)
        return None


def _summarizer(args: argparse.Namespace) -> Summarizer | None:
    """The configured synchronous summarizer, or None for the rules."""

    def build() -> Summarizer:
        from rulelaw_llm.llm.summarizer import Summarizer

        return Summarizer(**_endpoint(args))

    return _configured(args, build)


def _async_summarizer(args: argparse.Namespace) -> AsyncSummarizer | None:
    """The configured async summarizer for a batch, or None for the rules.

    ``--concurrency`` is its limit of requests in flight over every report of the batch.
    """

    def build() -> AsyncSummarizer:
        from rulelaw_llm.llm.summarizer import AsyncSummarizer

        return AsyncSummarizer(**_endpoint(args), concurrency=args.concurrency)

    return _configured(args, build)


def _endpoint(args: argparse.Namespace) -> dict[str, Any]:
    """The summarizer options the command line sets."""
    return {
        "provider": args.provider,
        "model": args.model,
        "base_url": args.base_url,
        "mode": args.mode,
        "scope": args.scope,
    }


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as error:
        raise RulelawError(f"无法写入 {output}：{os_error_reason(error)}") from error


#: Inputs longer than this (characters) show what is happening on stderr.
LONG_INPUT_CHARS = 200_000


def _reports(file: str, args: argparse.Namespace) -> list[Report]:
    """The reports of one input file: one, or one per report with ``--split``.

    Warnings about the input (not a report, several reports) go to stderr; with ``--strict``
    they are errors.
    """
    limits = _limits(args)
    reports = (
        load_reports(file, limits=limits) if args.split else [load_report(file, limits=limits)]
    )
    for report in reports:
        for warning in report.warnings:
            if args.strict:
                raise InputError(f"{warning}（--strict：未处理）")
            print(f"rulelaw-llm: 提示：{warning}", file=sys.stderr)
    return reports


def _summaries(args: argparse.Namespace) -> tuple[list[ReportSummary], int]:
    """Summarize every file; a file that fails is reported and the others go on.

    Many files, or a file split into many reports, show progress on stderr (``StepProgress``);
    a very long input says when it starts and how long it took.
    """
    summarizer = _summarizer(args)
    results: list[ReportSummary] = []
    failures = 0
    many = len(args.files) > 1
    with _steps(prepare=many) as steps:
        for index, file in enumerate(args.files):
            if many:
                steps("摘要", index, len(args.files))
            try:
                reports = _reports(file, args)
                for number, report in enumerate(reports, start=1):
                    if len(reports) > 1:
                        steps(f"摘要 {file}", number - 1, len(reports))
                    long_input = len(report.text) > LONG_INPUT_CHARS
                    began = time.monotonic()
                    if long_input:
                        steps.print(
                            f"rulelaw-llm: 正在处理 {report.source or file}"
                            f"（{len(reports)} 份中的第 {number} 份，{len(report.text):,} 字）…"
                        )
                    if summarizer is None:
                        results.append(summarize_offline(report))
                    else:
                        results.append(summarizer.summarize(report))
                    if long_input:
                        steps.print(
                            f"rulelaw-llm: 完成 {report.source or file}，"
                            f"用时 {time.monotonic() - began:.1f} 秒。"
                        )
            except (InputError, ExtractionError) as error:
                failures += 1
                steps.print(f"rulelaw-llm: {error}")
    return results, failures


def _digest(args: argparse.Namespace) -> int:
    results, failures = _summaries(args)
    for result in results:
        print(f"{result.entity or result.provenance.source}：{result.digest}")
    return 1 if failures else 0


def _summarize(args: argparse.Namespace) -> int:
    results, failures = _summaries(args)
    if results:
        if args.format == "markdown":
            text = "\n\n---\n\n".join(to_markdown(result) for result in results)
        elif args.format == "jsonl":
            text = summaries_to_jsonl(results)
        else:
            text = summaries_to_json(results, as_array=len(args.files) > 1 or len(results) > 1)
        _write(text, args.output)
    return 1 if failures else 0


def _batch(args: argparse.Namespace) -> int:
    from rulelaw_llm.corpus.batch import REPORTS_PER_REQUEST_SLOT
    from rulelaw_llm.corpus.progress import run_batch_with_progress

    summarizer = _async_summarizer(args)
    if args.batch_api and summarizer is None:
        raise ConfigurationError(
            "--batch-api 需要大模型：请用 --provider（及 --model）选择有批量接口的服务商"
            "（openai、qwen、zhipu、moonshot、siliconflow），或去掉 --batch-api。"
        )
    cache = None if args.no_cache else ResultCache(args.cache)
    try:
        stats = run_batch_with_progress(
            args.inputs,
            args.output,
            summarizer=summarizer,
            # With a model, N bounds the requests in flight (the summarizer's limit); more
            # reports than that are admitted so that no slot waits while a report is between
            # two rounds of its requests (bench/throughput.py).
            concurrency=args.concurrency * (REPORTS_PER_REQUEST_SLOT if summarizer else 1),
            cache=cache,
            retry_failed=args.retry_failed,
            split=args.split,
            strict=args.strict,
            verbose=args.verbose,
            wait=not args.no_wait,
            limits=_limits(args),
            batch_api=args.batch_api,
            poll_seconds=args.poll_seconds,
        )
    finally:
        if cache is not None:
            cache.close()
    if stats.stop_reason:
        print(f"rulelaw-llm: {stats.stop_reason}", file=sys.stderr)
        return 1
    if stats.interrupted:
        print(
            f"rulelaw-llm: 已中断：已完成的 {stats.finished} 份已写入 {args.output}；"
            "重新运行同一命令即可继续。",
            file=sys.stderr,
        )
        return 130
    return 1 if stats.failed else 0


def _steps(*, prepare: bool = True) -> StepProgress:
    """The progress view of a command on stderr; the library's warnings go through it.

    With ``prepare``, its first step is the command's own start (imports, opening files), so
    that even that is not a silent wait.
    """
    steps = StepProgress()
    if prepare:
        steps("准备", 0, None)
    _OneLine.steps = steps
    return steps


def _export(args: argparse.Namespace) -> int:
    with _steps() as steps:
        from rulelaw_llm.corpus.export import export_results

        report = export_results(
            Path(args.results), to=args.to, output=Path(args.output), progress=steps
        )
    for line in report.warning_lines(verbose=args.verbose):
        steps.print(f"rulelaw-llm: {line}")
    counts = "，".join(f"{table} {rows:,} 行" for table, rows in report.counts.items())
    steps.finish(f"已导出到 {args.output}：{counts}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    with _steps() as steps:
        from rulelaw_llm.corpus.evaluation import evaluate, render_table

        evaluation = evaluate(Path(args.results), Path(args.gold), progress=steps)
    print(evaluation.model_dump_json(indent=2) if args.json else render_table(evaluation))
    notes = evaluation.notes if args.verbose else evaluation.notes[:0]
    for note in notes:
        steps.print(f"rulelaw-llm: {note}")
    return 0


def _review(args: argparse.Namespace) -> int:
    with _steps() as steps:
        from rulelaw_llm.corpus.review import read_audits, write_review

        if args.audit:
            steps("读取审核结果", 0, None)
        audits = read_audits(Path(args.audit)) if args.audit else None
        path = write_review(
            Path(args.results),
            Path(args.output),
            gold_dir=Path(args.gold) if args.gold else None,
            audits=audits,
            progress=steps,
        )
    size = path.stat().st_size / 1e6
    steps.finish(f"已生成 {path}（{size:.1f} MB，双击即可在浏览器中打开）")
    return 0


def _split(args: argparse.Namespace) -> int:
    written = split_report_file(args.file, args.output, limits=_limits(args))
    for path in written:
        print(path)
    count = "1 份报告（无需拆分）" if len(written) == 1 else f"{len(written)} 份报告"
    print(f"rulelaw-llm: {args.file} 中有 {count}，已写入 {args.output}。", file=sys.stderr)
    return 0


def _published(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"--published 的日期 {text!r} 无法识别：请写成 YYYY-MM-DD，如 2025-03-28。"
        ) from None


def _audit(args: argparse.Namespace) -> int:
    from rulelaw_llm.auditing.audit import audit
    from rulelaw_llm.auditing.render import audits_to_json, audits_to_markdown, audits_to_table

    published = _published(args.published)
    summarizer = _summarizer(args)
    cache = None if args.no_cache else ResultCache(args.cache)
    try:
        with _steps() as steps:
            audits = audit(
                args.inputs,
                previous=args.previous,
                published=published,
                summarizer=summarizer,
                cache=cache,
                judge=summarizer,
                progress=steps,
                limits=_limits(args),
            )
            if not audits:
                raise InputError(
                    "没有找到可审核的报告：请给出报告文件、目录或 batch 生成的结果文件。"
                )
            steps("生成审核结果", 0, None)
            if args.format == "json":
                text = audits_to_json(audits)
            elif args.format == "markdown":
                text = audits_to_markdown(audits)
            else:
                # A terminal gets a table at its width; a file or a pipe one nothing cuts.
                width = None if args.output is not None else terminal_width(sys.stdout)
                text = audits_to_table(audits, width=width)
            _write(text, args.output)
    finally:
        if cache is not None:
            cache.close()
    if args.output is not None:
        findings = sum(len(result.findings) for result in audits)
        steps.finish(f"已写入 {args.output}：{len(audits):,} 份报告的审核结果，{findings:,} 条发现")
    return 0


def _sections(args: argparse.Namespace) -> int:
    report = load_report(args.file, limits=_limits(args))
    if not args.json:
        print(outline(report))
        return 0
    print(_dump(outline_data(report)))
    return 0


def _quantities(args: argparse.Namespace) -> int:
    report = load_report(args.file, limits=_limits(args))
    found = find_quantities(report.text)
    if args.json:
        print(
            _dump(
                [
                    {
                        "raw": q.raw,
                        "value": q.value,
                        "unit": q.unit,
                        "approx": q.approx,
                        "start": q.start,
                        "end": q.end,
                    }
                    for q in found
                ]
            )
        )
        return 0
    for quantity in found:
        section = report.section_at(quantity.start)
        kind = SECTION_LABELS.get(section.kind, section.kind) if section else "-"
        value = f"{quantity.value:,.0f}" if quantity.value.is_integer() else f"{quantity.value:,}"
        raw = quantity.raw + " " * max(0, 12 - display_width(quantity.raw))
        print(
            f"{quantity.start:>6}  {raw} = {value} {quantity.unit}"
            f"{'（约）' if quantity.approx else ''}  [{kind}]"
        )
    print(f"共 {len(found)} 个", file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    from rulelaw_llm.llm.check import check_endpoint, render_check
    from rulelaw_llm.llm.providers import resolve_provider

    config = resolve_provider(provider=args.provider, model=args.model, base_url=args.base_url)
    print(f"正在检查 {config.public_base_url}（模型 {config.model}）……", file=sys.stderr)
    report = check_endpoint(config)
    print(render_check(report))
    return 0 if report.recommended_mode is not None and report.unreachable is None else 1


def _schema(args: argparse.Namespace) -> int:
    print(_dump(kinds_data() if args.kinds else ReportSummary.model_json_schema()))
    return 0


class _OneLine(logging.Handler):
    """Shows the library's warnings (retries, downgraded parameters) as one line each.

    While a command shows progress, the lines go through it so that the bar stays whole.
    """

    steps: StepProgress | None = None

    def emit(self, record: logging.LogRecord) -> None:
        line = f"rulelaw-llm: {record.getMessage()}"
        if _OneLine.steps is not None and not _OneLine.steps.closed:
            _OneLine.steps.print(line)
        else:
            print(line, file=sys.stderr, flush=True)


def _show_library_warnings() -> None:
    library = logging.getLogger("rulelaw_llm")
    if not any(isinstance(handler, _OneLine) for handler in library.handlers):
        handler = _OneLine(logging.WARNING)
        library.addHandler(handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error already printed
        return stop.code if isinstance(stop.code, int) else 2
    handlers = {
        "summarize": _summarize,
        "digest": _digest,
        "batch": _batch,
        "export": _export,
        "eval": _eval,
        "review": _review,
        "split": _split,
        "audit": _audit,
        "sections": _sections,
        "quantities": _quantities,
        "schema": _schema,
        "compare": lambda args: run_compare(args, _write),
        "compile": run_compile,
        "check": _check,
    }
    if args.command is None:
        parser.print_help()
        return 2
    _show_library_warnings()
    try:
        return handlers[args.command](args)
    except RulelawError as error:
        print(f"rulelaw-llm: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a file the library does not wrap (outputs, directories)
        print(f"rulelaw-llm: {describe_os_error(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("rulelaw-llm: 已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of the user's.
        sys.stderr.close()
        return 0
    except Exception as error:
        # The promise of this module: one line and a non-zero exit, never a traceback, even
        # for a defect of the library (say so, with the exception's type, and what to try).
        if os.environ.get("RULELAW_TRACEBACK"):
            raise
        print(
            f"rulelaw-llm: {describe_failure(error)}（设置 RULELAW_TRACEBACK=1 可看到详细信息）",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
