"""Exporting batch results to normalised tables: csv, parquet, sqlite, duckdb or xlsx.

Any results file (``summarize`` JSON or JSONL, or ``batch`` records) is read with
``rulelaw_llm.results.read_results``, which keeps the last record per input and refuses a
file that is not results; ``export_results`` writes tables that join on ``report_id``:

    reports        one row per report (report_id = provenance.text_sha256[:16]); with the
                   page's publication date, its address (metadata 网址) and its metadata
                   as a JSON object
    achievements   ┐
    indicators     │ one row per item; id = f"{report_id}-{a|i|p|n}{position:03d}"
    problems       │ (position counts from 1 in the summary's order)
    plans          ┘
    digest_claims  one row per sentence of the digest (id = f"{report_id}-d{position:03d}"):
                   its span in the digest, who wrote it, the ids and spans of its sources
    errors         one row per input that failed
    indicator_kinds  one row per report and kind: the value in the family's base unit, the
                   indicators it sums and their quotes (rulelaw_llm.corpus.kind_tables);
                   xlsx also gets ``indicator_kinds_wide`` (reports × kinds)
    audits         one row per report: the audit's score, counts and parts (rulelaw_llm.auditing.audit)
    findings       one row per audit finding; id = f"{report_id}-f{position:03d}"

Every category column carries its Chinese label beside the machine key (``category`` /
``category_label``, ``code`` / ``code_label``, ``severity`` / ``severity_label``…).

Tables are built from plain rows; pyarrow, duckdb and openpyxl (the ``export`` extra) are
imported only for the formats that need them, and csv and sqlite need nothing.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rulelaw_llm.auditing.comparison import indicator_kinds, kind_rows
from rulelaw_llm.categories import label_of
from rulelaw_llm.console import Progress, grouped_lines
from rulelaw_llm.corpus.kind_tables import kind_table_rows, with_wide_sheet
from rulelaw_llm.errors import ConfigurationError, InputError
from rulelaw_llm.kinds import kind_label
from rulelaw_llm.results import Notice, ResultRecord, Results, read_results

if TYPE_CHECKING:
    import pandas
    import pyarrow

__all__ = [
    "EXPORT_FORMATS",
    "TABLES",
    "Column",
    "ExportReport",
    "export_results",
    "to_frames",
]

#: The formats ``export_results`` writes.
EXPORT_FORMATS = ("csv", "parquet", "sqlite", "duckdb", "xlsx")

ColumnKind = Literal["text", "integer", "real", "boolean", "timestamp"]
Value = str | int | float | bool | datetime | None
Row = dict[str, Value]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an exported table and its type."""

    name: str
    kind: ColumnKind


def _columns(spec: str) -> tuple[Column, ...]:
    """``"name:kind name:kind …"`` → columns (``text`` when no kind is written)."""
    columns = []
    for word in spec.split():
        name, _, kind = word.partition(":")
        columns.append(Column(name, _KINDS[kind or "text"]))
    return tuple(columns)


_KINDS: dict[str, ColumnKind] = {
    "text": "text",
    "int": "integer",
    "real": "real",
    "bool": "boolean",
    "time": "timestamp",
}
_SPAN = "quote start:int end:int"

#: Every exported table, its columns in order.
TABLES: dict[str, tuple[Column, ...]] = {
    "reports": _columns(
        "report_id input input_sha256 entity parent_entity level year:int title published url "
        "metadata digest "
        "backend provider model downgrades prompt_version schema_version library_version "
        "prompt_tokens:int completion_tokens:int requests:int reasks:int seconds:real "
        "cost:real n_achievements:int n_indicators:int n_problems:int n_plans:int "
        "n_rejected:int n_warnings:int warnings created_at:time"
    ),
    "achievements": _columns(f"id report_id position:int category category_label summary {_SPAN}"),
    "indicators": _columns(
        "id report_id position:int name value:real unit approx:bool period category "
        f"category_label kind kind_label {_SPAN} origin"
    ),
    "indicator_kinds": _columns(
        "report_id kind kind_label category category_label family family_label unit "
        "value:real aggregate approx:bool indicators:int indicator_ids quotes parts:int part_ids"
    ),
    "problems": _columns(
        f"id report_id position:int category category_label summary cause {_SPAN} "
        "cause_start:int cause_end:int"
    ),
    "plans": _columns(f"id report_id position:int category category_label summary {_SPAN}"),
    "digest_claims": _columns(
        "id report_id position:int part text start:int end:int origin sources source_spans"
    ),
    "errors": _columns("input input_sha256 type message attempts:int finished_at:time"),
    "audits": _columns(
        "report_id input entity parent_entity level year:int title score:int errors:int "
        "warnings:int infos:int to_do published published_from deadline "
        "indicators_per_1000:real "
        + " ".join(
            f"{part}_present:bool {part}_separate:bool"
            for part in ("achievements", "problems", "causes", "responsibility", "plans")
        )
        + " previous_plans:int previous_plans_followed:int backend text_available:bool "
        "audit_version"
    ),
    "findings": _columns(
        "id report_id position:int code code_label severity severity_label message "
        "part part_label kind kind_label item_index:int topic topic_label "
        f"{_SPAN} looked_for other_input other_entity other_year:int other_quote "
        "similarity:real published deadline measured:real threshold:real corpus_median:real"
    ),
}
#: The primary key of each table.
_KEYS = {
    "reports": "report_id",
    "achievements": "id",
    "indicators": "id",
    "indicator_kinds": "report_id kind",
    "problems": "id",
    "plans": "id",
    "digest_claims": "id",
    "errors": "input",
    "audits": "report_id",
    "findings": "id",
}

_ITEM_LETTERS = {"achievements": "a", "indicators": "i", "problems": "p", "plans": "n"}
#: Tables whose rows belong to a report (a foreign key to ``reports``).
_CHILDREN = (*_ITEM_LETTERS, "digest_claims", "indicator_kinds", "audits", "findings")
_SOURCE_TABLES = {
    "achievement": "achievements",
    "indicator": "indicators",
    "problem": "problems",
    "plan": "plans",
}
#: Joins a report's warnings into one cell.
WARNING_SEPARATOR = "；"
#: Excel refuses longer cells.
_XLSX_CELL_LIMIT = 32_767


# --------------------------------------------------------------------------- tables


def _tables(
    loaded: Results, warnings: list[Notice], progress: Progress | None = None
) -> dict[str, list[Row]]:
    tables: dict[str, list[Row]] = {name: [] for name in TABLES}
    by_report: dict[str, ResultRecord] = {}
    for record in loaded.results:
        report_id = record.summary.provenance.text_sha256[:16]
        earlier = by_report.pop(report_id, None)
        if earlier is not None:
            warnings.append(
                Notice(
                    "same-text",
                    f"{earlier.input} 与 {record.input} 的正文相同（report_id {report_id}），"
                    "只导出后者。",
                )
            )
        by_report[report_id] = record
    for number, (report_id, record) in enumerate(by_report.items()):
        if progress is not None:
            progress("整理表格", number, len(by_report))
        summary = record.summary
        tables["reports"].append(_report_row(report_id, record))
        tables["achievements"].extend(
            {
                **_item_head("achievements", report_id, position, item.category),
                "summary": item.summary,
                **_span(item.evidence.quote, item.evidence.start, item.evidence.end),
            }
            for position, item in enumerate(summary.achievements, start=1)
        )
        tables["indicators"].extend(
            {
                **_item_head("indicators", report_id, position, item.category),
                "name": item.name,
                "value": item.value,
                "unit": item.unit,
                "approx": item.approx,
                "period": item.period,
                "kind": kind,
                "kind_label": kind_label(kind),
                **_span(item.evidence.quote, item.evidence.start, item.evidence.end),
                "origin": item.origin,
            }
            for position, (item, kind) in enumerate(
                zip(summary.indicators, indicator_kinds(summary), strict=True), start=1
            )
        )
        tables["indicator_kinds"].extend(kind_table_rows(report_id, kind_rows(summary)))
        tables["problems"].extend(
            {
                **_item_head("problems", report_id, position, item.category),
                "summary": item.summary,
                "cause": item.cause,
                **_span(item.evidence.quote, item.evidence.start, item.evidence.end),
                "cause_start": item.cause_evidence.start if item.cause_evidence else None,
                "cause_end": item.cause_evidence.end if item.cause_evidence else None,
            }
            for position, item in enumerate(summary.problems, start=1)
        )
        tables["plans"].extend(
            {
                **_item_head("plans", report_id, position, item.category),
                "summary": item.summary,
                **_span(item.evidence.quote, item.evidence.start, item.evidence.end),
            }
            for position, item in enumerate(summary.plans, start=1)
        )
        tables["digest_claims"].extend(
            {
                "id": f"{report_id}-d{position:03d}",
                "report_id": report_id,
                "position": position,
                "part": claim.part,
                "text": claim.text,
                "start": claim.start,
                "end": claim.end,
                "origin": claim.origin,
                "sources": " ".join(
                    f"{report_id}-{_ITEM_LETTERS[_SOURCE_TABLES[source.kind]]}{source.index + 1:03d}"
                    for source in claim.sources
                )
                or None,
                "source_spans": "; ".join(
                    f"{source.start}-{source.end}" for source in claim.sources
                )
                or None,
            }
            for position, claim in enumerate(summary.digest_claims, start=1)
        )
    warnings.extend(
        Notice(
            "duplicate",
            f"{duplicate.input} 与 {duplicate.duplicate_of} 内容相同，只导出后者的结果。",
        )
        for duplicate in loaded.duplicates
    )
    audits, findings = _audit_tables(by_report, progress)
    tables["audits"], tables["findings"] = audits, findings
    tables["errors"] = [
        {
            "input": error.input,
            "input_sha256": error.input_sha256,
            "type": error.type,
            "message": error.message,
            "attempts": error.attempts,
            "finished_at": error.finished_at,
        }
        for error in loaded.errors
    ]
    return tables


def _audit_tables(
    by_report: dict[str, ResultRecord], progress: Progress | None = None
) -> tuple[list[Row], list[Row]]:
    """The audits of the exported reports (the rules; all reports audited together)."""
    # Imported here: the audit reads results files through this module.
    from rulelaw_llm.auditing.audit import (
        CODE_LABELS,
        PART_LABELS,
        SEVERITY_LABELS,
        TOPICS,
        audit_subjects,
        subjects_of,
    )
    from rulelaw_llm.auditing.render import to_do

    report_ids = list(by_report)
    audits = audit_subjects(
        subjects_of(
            [(record.input, record.summary) for record in by_report.values()], progress=progress
        ),
        progress=progress,
    )
    audit_rows: list[Row] = []
    finding_rows: list[Row] = []
    kinds = {"problem": "问题", "plan": "计划"}
    for report_id, result in zip(report_ids, audits, strict=True):
        row: Row = {
            "report_id": report_id,
            "input": result.input,
            "entity": result.entity,
            "parent_entity": result.parent_entity,
            "level": result.level,
            "year": result.year,
            "title": result.title,
            "score": result.score.value,
            "errors": sum(1 for f in result.findings if f.severity == "error"),
            "warnings": sum(1 for f in result.findings if f.severity == "warning"),
            "infos": sum(1 for f in result.findings if f.severity == "info"),
            "to_do": to_do(result),
            "published": result.published.isoformat() if result.published else None,
            "published_from": result.published_from,
            "deadline": result.deadline.isoformat() if result.deadline else None,
            "indicators_per_1000": result.indicators_per_1000,
            "previous_plans": len(result.follow_up) if result.follow_up is not None else None,
            "previous_plans_followed": (
                sum(1 for item in result.follow_up if item.followed)
                if result.follow_up is not None
                else None
            ),
            "backend": result.backend,
            "text_available": result.text_available,
            "audit_version": result.audit_version,
        }
        for part, check in result.parts:
            row[f"{part}_present"] = check.present
            row[f"{part}_separate"] = check.separate
        audit_rows.append(row)
        for position, finding in enumerate(result.findings, start=1):
            evidence = finding.evidence[0] if finding.evidence else None
            other = finding.other
            finding_rows.append(
                {
                    "id": f"{report_id}-f{position:03d}",
                    "report_id": report_id,
                    "position": position,
                    "code": finding.code,
                    "code_label": CODE_LABELS[finding.code],
                    "severity": finding.severity,
                    "severity_label": SEVERITY_LABELS[finding.severity],
                    "message": finding.message,
                    "part": finding.part,
                    "part_label": PART_LABELS[finding.part] if finding.part else None,
                    "kind": finding.kind,
                    "kind_label": kinds[finding.kind] if finding.kind else None,
                    "item_index": finding.index,
                    "topic": finding.topic,
                    "topic_label": TOPICS[finding.topic][0] if finding.topic else None,
                    **(
                        _span(evidence.quote, evidence.start, evidence.end)
                        if evidence is not None
                        else {"quote": None, "start": None, "end": None}
                    ),
                    "looked_for": finding.looked_for,
                    "other_input": other.input if other else None,
                    "other_entity": other.entity if other else None,
                    "other_year": other.year if other else None,
                    "other_quote": other.evidence.quote if other else None,
                    "similarity": finding.similarity,
                    "published": finding.published.isoformat() if finding.published else None,
                    "deadline": finding.deadline.isoformat() if finding.deadline else None,
                    "measured": finding.measured,
                    "threshold": finding.threshold,
                    "corpus_median": finding.corpus_median,
                }
            )
    return audit_rows, finding_rows


def _report_row(report_id: str, record: ResultRecord) -> Row:
    summary = record.summary
    provenance = summary.provenance
    usage = provenance.usage
    return {
        "report_id": report_id,
        "input": record.input,
        "input_sha256": record.input_sha256,
        "entity": summary.entity,
        "parent_entity": summary.parent_entity,
        "level": summary.level,
        "year": summary.year,
        "title": summary.title,
        "published": summary.published.isoformat() if summary.published else None,
        "url": summary.metadata.get("网址"),
        "metadata": (
            json.dumps(summary.metadata, ensure_ascii=False) if summary.metadata else None
        ),
        "digest": summary.digest,
        "backend": provenance.backend,
        "provider": provenance.provider,
        "model": provenance.model,
        "downgrades": "; ".join(provenance.downgrades) or None,
        "prompt_version": provenance.prompt_version,
        "schema_version": provenance.schema_version,
        "library_version": provenance.library_version,
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "requests": usage.requests,
        "reasks": usage.reasks,
        "seconds": usage.seconds,
        "cost": usage.cost,
        "n_achievements": len(summary.achievements),
        "n_indicators": len(summary.indicators),
        "n_problems": len(summary.problems),
        "n_plans": len(summary.plans),
        "n_rejected": len(summary.rejected),
        "n_warnings": len(summary.warnings),
        "warnings": WARNING_SEPARATOR.join(summary.warnings),
        "created_at": provenance.created_at,
    }


def _item_head(table: str, report_id: str, position: int, category: str) -> Row:
    return {
        "id": f"{report_id}-{_ITEM_LETTERS[table]}{position:03d}",
        "report_id": report_id,
        "position": position,
        "category": category,
        "category_label": label_of(category),
    }


def _span(quote: str, start: int, end: int) -> Row:
    return {"quote": quote, "start": start, "end": end}


# --------------------------------------------------------------------------- exporting


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What ``export_results`` wrote."""

    format: str
    output: Path
    counts: dict[str, int]
    """Rows written per table, in table order."""
    warnings: tuple[Notice, ...]
    """Skipped lines of the results file and other things the user should know."""

    def warning_lines(self, *, verbose: bool = False) -> list[str]:
        """The warnings for a terminal: one line per kind, however often it occurred.

        With ``verbose``, every warning on its own line.
        """
        return grouped_lines(self.warnings, _WARNING_LABELS, verbose=verbose)


#: How each kind of warning is named when it is counted.
_WARNING_LABELS = {
    "truncated": "不完整的行已跳过",
    "schema": "不符合当前结果结构的结果已跳过",
    "not-a-record": "不是结果记录的行已跳过",
    "unknown-record": "类型未知的记录已跳过",
    "same-text": "正文相同的报告只导出一份",
    "duplicate": "内容相同的输入只导出一份",
    "xlsx-cell": "超长单元格已截断",
}


def export_results(
    results_path: str | os.PathLike[str],
    *,
    to: str,
    output: str | os.PathLike[str],
    progress: Progress | None = None,
) -> ExportReport:
    """Export a results file (``summarize`` JSON/JSONL or ``batch`` JSONL) as the tables of ``TABLES``.

    ``to`` is one of ``csv`` and ``parquet`` (``output`` is a directory, one file per table;
    csv is UTF-8 with BOM so that Excel shows Chinese), ``sqlite`` and ``duckdb`` (one
    database file with a table each) or ``xlsx`` (one workbook with a sheet each). An
    existing output file, or the table files in an output directory, are replaced. Raises
    ``ConfigurationError`` for an unknown format or a missing optional library, and
    ``InputError`` if the file cannot be read or is not a results file. ``progress`` is told
    of each step (``rulelaw_llm.console.Progress``).
    """
    if to not in EXPORT_FORMATS:
        raise ConfigurationError(f"不支持导出为 {to!r}：可选格式为 {'、'.join(EXPORT_FORMATS)}。")
    output = Path(output)
    loaded = read_results(results_path, progress=progress)
    warnings = list(loaded.warnings)
    tables = _tables(loaded, warnings, progress)
    if progress is not None:
        progress(f"写入 {to}", 0, sum(len(rows) for rows in tables.values()))
    counted = _Counted(tables, f"写入 {to}", progress)
    if to == "csv":
        _write_csv(counted.tables, output)
    elif to == "parquet":
        _write_parquet(tables, output)
    elif to == "sqlite":
        _write_sqlite(counted.tables, output)
    elif to == "duckdb":
        _write_duckdb(tables, output)
    else:
        _write_xlsx(counted.tables, output, warnings)
    counts = {name: len(rows) for name, rows in tables.items()}
    return ExportReport(to, output, counts, tuple(warnings))


class _Counted:
    """The tables, whose rows tell ``progress`` how many were written as they are read."""

    def __init__(self, tables: dict[str, list[Row]], step: str, progress: Progress | None):
        self._rows = tables
        self._step = step
        self._progress = progress
        self._total = sum(len(rows) for rows in tables.values())
        self._done = 0

    @property
    def tables(self) -> dict[str, list[Row]]:
        if self._progress is None:
            return self._rows
        return {name: _CountedRows(rows, self) for name, rows in self._rows.items()}

    def tick(self) -> None:
        self._done += 1
        if self._progress is not None and self._done % 200 == 0:
            self._progress(self._step, self._done, self._total)


class _CountedRows(list[Row]):
    """A table's rows that count themselves as they are iterated (to write them)."""

    def __init__(self, rows: list[Row], counter: _Counted) -> None:
        super().__init__(rows)
        self._counter = counter

    def __iter__(self) -> Iterator[Row]:
        for row in super().__iter__():
            self._counter.tick()
            yield row


def to_frames(results_path: str | os.PathLike[str]) -> dict[str, pandas.DataFrame]:
    """The exported tables of a results file as pandas DataFrames, by table name.

    The same tables and columns as ``export_results`` (audits and findings included), with
    pandas' nullable dtypes so that a missing year stays missing rather than becoming a
    float. pandas is imported only here (the ``export`` extra). Raises
    ``ConfigurationError`` without pandas and ``InputError`` if the file cannot be read.
    """
    try:
        import pandas as pd
    except ImportError as error:
        raise _missing("pandas", "DataFrame") from error
    loaded = read_results(results_path)
    tables = _tables(loaded, list(loaded.warnings))
    dtypes = {
        "text": "string",
        "integer": "Int64",
        "real": "Float64",
        "boolean": "boolean",
        "timestamp": "datetime64[ns, UTC]",
    }
    frames: dict[str, pandas.DataFrame] = {}
    for name, rows in tables.items():
        columns = TABLES[name]
        frame = pd.DataFrame(
            {column.name: [row[column.name] for row in rows] for column in columns},
            columns=[column.name for column in columns],
        )
        frames[name] = frame.astype({column.name: dtypes[column.kind] for column in columns})
    return frames


def _missing(library: str, to: str) -> ConfigurationError:
    return ConfigurationError(
        f"导出为 {to} 需要 {library}，当前环境未安装：请运行 "
        f'pip install "rulelaw-llm[export]"（或 pip install {library}）。'
    )


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A sibling of ``path`` to write to; it replaces ``path`` only once it is complete."""
    temporary = path.with_name(f".{path.name}.partial")
    temporary.unlink(missing_ok=True)
    try:
        yield temporary
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, path)


def _directory(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise InputError(f"{output} 是文件：导出为 csv/parquet 时 -o 应是一个目录。")
    output.mkdir(parents=True, exist_ok=True)


def _file(output: Path) -> None:
    if output.is_dir():
        raise InputError(f"{output} 是目录：导出为 sqlite/duckdb/xlsx 时 -o 应是一个文件。")
    output.parent.mkdir(parents=True, exist_ok=True)


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _write_csv(tables: dict[str, list[Row]], output: Path) -> None:
    _directory(output)
    for name, rows in tables.items():
        columns = [column.name for column in TABLES[name]]
        with (
            _replacing(output / f"{name}.csv") as temporary,
            temporary.open("w", encoding="utf-8-sig", newline="") as handle,
        ):
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([_csv_value(row[column]) for column in columns] for row in rows)


def _arrow_table(name: str, rows: Sequence[Row]) -> pyarrow.Table:
    import pyarrow as pa

    types = {
        "text": pa.string(),
        "integer": pa.int64(),
        "real": pa.float64(),
        "boolean": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }
    schema = pa.schema(
        [
            pa.field(
                column.name, types[column.kind], nullable=column.name not in _KEYS[name].split()
            )
            for column in TABLES[name]
        ]
    )
    arrays = [
        pa.array([row[column.name] for row in rows], type=types[column.kind])
        for column in TABLES[name]
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _write_parquet(tables: dict[str, list[Row]], output: Path) -> None:
    try:
        import pyarrow.parquet as pq
    except ImportError as error:
        raise _missing("pyarrow", "parquet") from error
    _directory(output)
    for name, rows in tables.items():
        with _replacing(output / f"{name}.parquet") as temporary:
            pq.write_table(_arrow_table(name, rows), str(temporary))


_SQL_TYPES = {
    "sqlite": {
        "text": "TEXT",
        "integer": "INTEGER",
        "real": "REAL",
        "boolean": "BOOLEAN",  # stored as 0/1
        "timestamp": "TEXT",  # ISO 8601, which SQLite's date functions read
    },
    "duckdb": {
        "text": "VARCHAR",
        "integer": "BIGINT",
        "real": "DOUBLE",
        "boolean": "BOOLEAN",
        "timestamp": "TIMESTAMPTZ",
    },
}


def _create_statements(dialect: str) -> Iterator[str]:
    """CREATE TABLE statements; identifiers quoted (``start`` and ``end`` are SQL keywords)."""
    types = _SQL_TYPES[dialect]
    for name, columns in TABLES.items():
        key = _KEYS[name]
        definitions = [
            f'"{column.name}" {types[column.kind]}' + (" PRIMARY KEY" if column.name == key else "")
            for column in columns
        ]
        if " " in key:  # a key of several columns (indicator_kinds: report and kind)
            quoted = ", ".join(f'"{part}"' for part in key.split())
            definitions.append(f"PRIMARY KEY ({quoted})")
        if name in _CHILDREN:
            definitions.append('FOREIGN KEY ("report_id") REFERENCES "reports" ("report_id")')
        yield f'CREATE TABLE "{name}" ({", ".join(definitions)})'
        if name in _CHILDREN and name != "audits":
            yield f'CREATE INDEX "{name}_report_id" ON "{name}" ("report_id")'


def _sqlite_value(value: Value) -> str | int | float | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _write_sqlite(tables: dict[str, list[Row]], output: Path) -> None:
    _file(output)
    with _replacing(output) as temporary, closing(sqlite3.connect(temporary)) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        for statement in _create_statements("sqlite"):
            connection.execute(statement)
        for name, rows in tables.items():
            columns = [column.name for column in TABLES[name]]
            placeholders = ", ".join("?" for _ in columns)
            connection.executemany(
                f'INSERT INTO "{name}" VALUES ({placeholders})',
                ([_sqlite_value(row[column]) for column in columns] for row in rows),
            )
        connection.commit()


def _write_duckdb(tables: dict[str, list[Row]], output: Path) -> None:
    try:
        import duckdb
    except ImportError as error:
        raise _missing("duckdb", "duckdb") from error
    try:
        import pyarrow  # noqa: F401 - rows reach duckdb as Arrow tables
    except ImportError as error:
        raise _missing("pyarrow", "duckdb") from error
    _file(output)
    with _replacing(output) as temporary, duckdb.connect(str(temporary)) as connection:
        for statement in _create_statements("duckdb"):
            connection.execute(statement)
        for name, rows in tables.items():
            connection.register("incoming", _arrow_table(name, rows))
            connection.execute(f'INSERT INTO "{name}" SELECT * FROM incoming')
            connection.unregister("incoming")


def _write_xlsx(tables: dict[str, list[Row]], output: Path, warnings: list[Notice]) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    except ImportError as error:
        raise _missing("openpyxl", "xlsx") from error
    _file(output)
    workbook = Workbook(write_only=True)
    truncated = 0
    for name, columns, rows in with_wide_sheet(tables, TABLES):
        sheet = workbook.create_sheet(name)
        sheet.append(columns)
        for row in rows:
            cells: list[object] = []
            for column in columns:
                value = row[column]
                if isinstance(value, datetime):
                    # Excel has no time zones: write UTC wall time.
                    value = value.astimezone(timezone.utc).replace(tzinfo=None)
                elif isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    if len(value) > _XLSX_CELL_LIMIT:
                        value = value[:_XLSX_CELL_LIMIT]
                        truncated += 1
                    if value.startswith("="):
                        # Text, not a formula: a quote may begin with "=".
                        cell = WriteOnlyCell(sheet, value=value)
                        cell.data_type = "s"
                        cells.append(cell)
                        continue
                cells.append(value)
            sheet.append(cells)
    if truncated:
        warnings.append(
            Notice(
                "xlsx-cell",
                f"{truncated} 个单元格超过 Excel 的 {_XLSX_CELL_LIMIT} 字符上限，已截断；"
                "完整内容请导出为 csv、parquet 或数据库。",
            )
        )
    with _replacing(output) as temporary:
        workbook.save(str(temporary))
