"""Results files, both ways: what ``summarize`` and ``batch`` write, and the one reader.

Three formats hold results, and every command that reads results (``eval``, ``export``,
``review``, ``audit``) reads all three through ``read_results``:

    JSON     ``summarize --format json``: one summary object, or an array of summaries
    JSONL    ``summarize --format jsonl``: one summary object per line
    batch    ``batch -o``: one record per line, appended as each input finishes:

        {"record": "result",    "input": ..., "input_sha256": ..., "settings_key": ...,
         "code": ..., "finished_at": ..., "attempts": 1, "cached": false, "summary": {...}}
        {"record": "error",     ..., "error": {"type": ..., "message": ..., "detail": ...}}
        {"record": "duplicate", ..., "duplicate_of": "the input with the same content"}

``input`` is the resolved path of the input file; ``code`` is the fingerprint of the library
code that produced the record (see ``rulelaw_llm.llm.cache.code_fingerprint``); ``position``
(when present) is the input's place in the order the run took its inputs, so that readers
can show them in that order rather than in the order they finished. An error's ``message``
says in Chinese what went wrong and what to do; ``type`` is the exception's class and
``detail`` its own text when that differs (files without ``detail`` read as before).

The reader keeps the latest record per input (a failure retried with success, a file
summarized again after it changed). A line that is not complete JSON (the half-written last
line of a killed run) or a summary of another schema is skipped with a ``Notice``. Anything
that is not results (an empty file, a report's text, a Python file, JSON of another kind)
raises ``InputError`` saying what the file is and what was expected.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from rulelaw_llm.console import Progress
from rulelaw_llm.errors import InputError, os_error_reason
from rulelaw_llm.schema import ReportSummary

__all__ = [
    "BatchRecord",
    "DuplicateRecord",
    "ErrorRecord",
    "Notice",
    "ResultRecord",
    "Results",
    "ResultsFormat",
    "read_results",
    "summaries_to_json",
    "summaries_to_jsonl",
]

ResultsFormat = Literal["json", "jsonl", "batch"]

#: The step ``read_results`` reports to its ``progress``.
READING_STEP = "读取结果文件"

#: What a results file should be, for the messages that refuse other files.
EXPECTED = "应为 rulelaw-llm summarize（--format json 或 jsonl）或 rulelaw-llm batch 写出的结果文件"


# --------------------------------------------------------------------------- writing


def summaries_to_json(summaries: Sequence[ReportSummary], *, as_array: bool) -> str:
    """The ``summarize --format json`` text: one object, or an array when ``as_array``.

    Each summary is serialized by pydantic straight to text (no dict of the whole result in
    between: a large input's result is written in about its own size of memory); the text is
    what ``json.dumps(…, ensure_ascii=False, indent=2)`` of the dumped model gives.
    """
    texts = [summary.model_dump_json(indent=2) for summary in summaries]
    if not as_array:
        if len(texts) != 1:
            raise ValueError("a single JSON object holds exactly one summary")
        return texts[0] + "\n"
    if not texts:
        return "[]\n"
    # JSON strings hold no raw line breaks, so indenting every line nests each object.
    return "[\n" + ",\n".join("  " + text.replace("\n", "\n  ") for text in texts) + "\n]\n"


def summaries_to_jsonl(summaries: Sequence[ReportSummary]) -> str:
    """The ``summarize --format jsonl`` text: one summary per line."""
    return "".join(summary.model_dump_json() + "\n" for summary in summaries)


@dataclass(frozen=True, slots=True)
class BatchRecord:
    """One line of a batch results file: a summary, an error or a duplicate, for one input."""

    record: Literal["result", "error", "duplicate"]
    input: str
    input_sha256: str | None
    settings_key: str
    finished_at: str
    summary: ReportSummary | None = None
    error_type: str | None = None
    message: str | None = None
    detail: str | None = None
    """For an error: the exception's own text, when it differs from ``message``."""
    attempts: int = 1
    """How many times this input was tried, counting earlier runs and retries."""
    cached: bool = False
    duplicate_of: str | None = None
    """For a duplicate: the input with the same content, which holds the result."""
    code: str | None = None
    """The fingerprint of the library code that produced the record."""
    position: int | None = None
    """The input's place (from 0) in the order the run took its inputs."""

    def to_json(self) -> str:
        """The JSONL line (without the newline)."""
        data: dict[str, object] = {
            "record": self.record,
            "input": self.input,
            "input_sha256": self.input_sha256,
            "settings_key": self.settings_key,
            "code": self.code,
            "finished_at": self.finished_at,
            "attempts": self.attempts,
        }
        if self.position is not None:
            data["position"] = self.position
        if self.record == "result" and self.summary is not None:
            data["cached"] = self.cached
            data["summary"] = self.summary.model_dump(mode="json")
        elif self.record == "duplicate":
            data["duplicate_of"] = self.duplicate_of
        else:
            error: dict[str, object] = {"type": self.error_type, "message": self.message}
            if self.detail is not None:
                error["detail"] = self.detail
            data["error"] = error
        return json.dumps(data, ensure_ascii=False)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class ResultRecord:
    """A summarized input: a ``result`` line of a batch file, or one summary of ``summarize``."""

    input: str
    input_sha256: str | None
    settings_key: str | None
    finished_at: datetime | None
    summary: ReportSummary
    attempts: int | None = None
    cached: bool = False
    code: str | None = None
    position: int | None = None
    """The input's place in the order its batch run took the inputs (``None`` if unknown)."""


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """An input that failed: an ``error`` line of a batch file."""

    input: str
    input_sha256: str | None
    settings_key: str | None
    finished_at: datetime | None
    type: str
    """The exception's class, e.g. ``InputLimitError``."""
    message: str
    """What went wrong and what to do (Chinese)."""
    attempts: int | None
    code: str | None = None
    position: int | None = None
    detail: str | None = None
    """The exception's own text when it differs from ``message`` (``None`` in older files)."""


@dataclass(frozen=True, slots=True)
class DuplicateRecord:
    """An input with the same content as another one, which holds the result."""

    input: str
    input_sha256: str | None
    settings_key: str | None
    finished_at: datetime | None
    duplicate_of: str
    attempts: int | None = None
    code: str | None = None
    position: int | None = None


Record = ResultRecord | ErrorRecord | DuplicateRecord


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the reader of a results file skipped or noticed, of one ``kind``."""

    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Results:
    """What a results file holds: the latest record per input, in file order."""

    path: Path
    format: ResultsFormat
    records: tuple[ResultRecord | ErrorRecord, ...]
    """The summaries and the failures (an input that failed and later succeeded is a result)."""
    duplicates: tuple[DuplicateRecord, ...]
    """Inputs whose content is another input's; their result is that input's."""
    history: tuple[Record, ...]
    """Every readable record in file order, superseded ones included (what a resume needs)."""
    warnings: tuple[Notice, ...]
    """Lines that were skipped and why (a truncated last line, a summary of another schema)."""

    @property
    def results(self) -> list[ResultRecord]:
        """The inputs that were summarized."""
        return [record for record in self.records if isinstance(record, ResultRecord)]

    @property
    def errors(self) -> list[ErrorRecord]:
        """The inputs that failed (and did not succeed later)."""
        return [record for record in self.records if isinstance(record, ErrorRecord)]

    @property
    def summaries(self) -> list[ReportSummary]:
        """The summaries, one per summarized input."""
        return [record.summary for record in self.results]


def read_results(path: str | os.PathLike[str], *, progress: Progress | None = None) -> Results:
    """Read a results file written by ``summarize`` (JSON or JSONL) or by ``batch``.

    Raises ``InputError`` when the file cannot be read or holds no results: an empty file,
    a report or other text, JSON that is not summaries, or only lines that cannot be used.
    ``progress`` is told of the lines read (``rulelaw_llm.console.Progress``).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError as error:
        raise InputError(f"{path} 是目录，不是结果文件：{EXPECTED}。") from error
    except OSError as error:
        raise InputError(f"无法读取结果文件 {path}：{os_error_reason(error)}") from error
    if not data.strip():
        raise InputError(f"结果文件 {path} 是空的：{EXPECTED}。")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path} 不是 UTF-8 文本（可能是二进制文件或报告原件），不是结果文件：{EXPECTED}。"
        ) from error
    if progress is not None:
        progress(READING_STEP, 0, None)
    whole = _whole_json(text)
    if whole is not None:
        return _read_whole(path, whole)
    return _read_lines(path, text, progress)


def _whole_json(text: str) -> object | None:
    """The file parsed as one JSON document, or ``None`` (JSONL or not JSON)."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        parsed: object = json.loads(text)
    except ValueError:
        return None
    return parsed


def _is_summary(value: object) -> bool:
    return isinstance(value, dict) and "provenance" in value and "digest" in value


def _read_whole(path: Path, parsed: object) -> Results:
    if isinstance(parsed, dict) and "record" in parsed:
        return _read_lines(path, json.dumps(parsed, ensure_ascii=False))
    items = parsed if isinstance(parsed, list) else [parsed]
    if not any(_is_summary(item) for item in items):
        what = "JSON 数组" if isinstance(parsed, list) else "JSON"
        raise InputError(
            f"{path} 是 {what}，但不是 rulelaw-llm 的结果（没有 digest 和 provenance 字段）："
            f"{EXPECTED}。"
        )
    records: list[Record] = []
    warnings: list[Notice] = []
    for number, item in enumerate(items, start=1):
        where = f"{path.name} 第 {number} 份摘要"
        record = _summary_record(item, where, warnings, fallback=f"#{number}")
        if record is not None:
            records.append(record)
    return _results(path, "json", records, warnings)


def _read_lines(path: Path, text: str, progress: Progress | None = None) -> Results:
    records: list[Record] = []
    warnings: list[Notice] = []
    kinds: set[str] = set()
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if progress is not None and number % 50 == 0:
            progress(READING_STEP, number, len(lines))
        if not line.strip():
            continue
        where = f"{path.name} 第 {number} 行"
        try:
            parsed = json.loads(line)
        except ValueError:
            if not records and not warnings:
                raise InputError(_not_results(path, line)) from None
            warnings.append(
                Notice(
                    "truncated",
                    f"{where}不是完整的 JSON（可能是运行中断时只写了一半），已跳过。",
                )
            )
            continue
        record: Record | None
        if isinstance(parsed, dict) and "record" in parsed:
            kinds.add("batch")
            record = _batch_record(parsed, where, warnings)
        elif _is_summary(parsed):
            kinds.add("jsonl")
            record = _summary_record(parsed, where, warnings, fallback=f"#{number}")
        else:
            if not records and not warnings:
                raise InputError(
                    f"{path} 第 {number} 行是 JSON，但不是 rulelaw-llm 的结果记录"
                    f"（没有 record 字段，也不是摘要）：{EXPECTED}。"
                )
            warnings.append(Notice("not-a-record", f"{where}不是结果记录，已跳过。"))
            continue
        if record is not None:
            records.append(record)
    return _results(path, "batch" if "batch" in kinds else "jsonl", records, warnings)


def _not_results(path: Path, line: str) -> str:
    first = line.strip()
    shown = first if len(first) <= 30 else first[:30] + "…"
    if first.startswith(("{", "[")):
        what = "不完整的 JSON（可能写入时被中断）"
    elif path.suffix.lower() == ".py" or first.startswith(
        ("import ", "from ", "def ", "class ", "#!", '"""')
    ):
        what = " Python 源代码"
    elif path.suffix.lower() in (".txt", ".docx", ".pdf", ".html", ".htm", ".md"):
        what = "文本（可能是报告原文；报告请用 rulelaw-llm summarize 或 batch 处理）"
    else:
        what = "文本（不是 JSON）"
    return f"{path} 是{what}，不是结果文件（第一行：「{shown}」）：{EXPECTED}。"


def _results(
    path: Path, kind: ResultsFormat, history: list[Record], warnings: list[Notice]
) -> Results:
    if not history:
        reason = f"：{warnings[0].message}" if warnings else ""
        raise InputError(f"{path} 中没有可用的结果{reason}；{EXPECTED}。")
    latest: dict[str, Record] = {}
    for record in history:
        latest.pop(record.input, None)  # keep the file order of the records that remain
        latest[record.input] = record
    records = tuple(r for r in latest.values() if isinstance(r, ResultRecord | ErrorRecord))
    duplicates = tuple(r for r in latest.values() if isinstance(r, DuplicateRecord))
    return Results(path, kind, records, duplicates, tuple(history), tuple(warnings))


def _summary_record(
    parsed: object, where: str, warnings: list[Notice], *, fallback: str
) -> ResultRecord | None:
    summary = _summary(parsed, where, warnings)
    if summary is None:
        return None
    return ResultRecord(summary.provenance.source or fallback, None, None, None, summary)


def _summary(parsed: object, where: str, warnings: list[Notice]) -> ReportSummary | None:
    try:
        return ReportSummary.model_validate(parsed)
    except ValidationError as error:
        problem = error.errors()[0]
        location = ".".join(str(part) for part in problem["loc"]) or "summary"
        warnings.append(
            Notice(
                "schema",
                f"{where}的结果不符合当前结果结构（{location}：{_problem(problem)}），已跳过；"
                "可能由其他版本的 rulelaw-llm 生成。",
            )
        )
        return None


#: pydantic's kinds of validation error, in the words of a results file's reader.
_PROBLEMS = {
    "missing": "缺少这个字段",
    "extra_forbidden": "多了当前结构没有的字段",
    "literal_error": "取值不在允许的范围内",
    "enum": "取值不在允许的范围内",
    "value_error": "取值不合要求",
    "assertion_error": "取值不合要求",
}


def _problem(problem: Mapping[str, Any]) -> str:
    """A pydantic error (``missing``, ``int_parsing`` …) said in Chinese.

    A model validator's own words (a claim off its digest, a span ending before it starts)
    are kept after the Chinese, since they say which value.
    """
    kind = str(problem.get("type", ""))
    said = _PROBLEMS.get(kind) or ("类型不对" if kind.endswith(("_type", "_parsing")) else None)
    if kind in ("value_error", "assertion_error"):
        detail = str(problem.get("msg", "")).split(", ", 1)[-1]
        return f"{said}：{detail}"
    return said or f"不合要求（{kind}）"


def _batch_record(parsed: dict[str, object], where: str, warnings: list[Notice]) -> Record | None:
    input_path = parsed.get("input")
    if not isinstance(input_path, str):
        warnings.append(Notice("not-a-record", f"{where}不是结果记录（缺少 input），已跳过。"))
        return None
    kind = parsed.get("record")
    input_sha256 = _optional_text(parsed.get("input_sha256"))
    settings_key = _optional_text(parsed.get("settings_key"))
    finished_at = _timestamp(parsed.get("finished_at"))
    code = _optional_text(parsed.get("code"))
    position = parsed.get("position")
    position = position if isinstance(position, int) and not isinstance(position, bool) else None
    details = parsed.get("error")
    details = details if isinstance(details, dict) else {}
    # Files written before attempts moved to the top level kept it in the error object.
    attempts = parsed.get("attempts", details.get("attempts"))
    attempts = attempts if isinstance(attempts, int) else None
    if kind == "result":
        summary = _summary(parsed.get("summary"), f"{where}（{input_path}）", warnings)
        if summary is None:
            return None
        cached = parsed.get("cached") is True
        return ResultRecord(
            input_path,
            input_sha256,
            settings_key,
            finished_at,
            summary,
            attempts,
            cached,
            code,
            position,
        )
    if kind == "error":
        return ErrorRecord(
            input_path,
            input_sha256,
            settings_key,
            finished_at,
            type=str(details.get("type") or "Error"),
            message=str(details.get("message") or ""),
            attempts=attempts,
            code=code,
            position=position,
            detail=_optional_text(details.get("detail")),
        )
    if kind == "duplicate" and isinstance(parsed.get("duplicate_of"), str):
        duplicate_of = str(parsed["duplicate_of"])
        return DuplicateRecord(
            input_path,
            input_sha256,
            settings_key,
            finished_at,
            duplicate_of,
            attempts,
            code,
            position,
        )
    warnings.append(
        Notice(
            "unknown-record",
            f"{where}的记录类型 {kind!r} 未知（应为 result、error 或 duplicate），已跳过。",
        )
    )
    return None


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
