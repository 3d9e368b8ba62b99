"""Exporting a results file to csv, parquet, sqlite, duckdb and xlsx, read back with real readers."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from rulelaw_llm import CATEGORIES, ConfigurationError, ReportSummary, summarize_offline
from rulelaw_llm.auditing.comparison import kind_rows
from rulelaw_llm.cli import main
from rulelaw_llm.corpus.export import TABLES, export_results
from tests.conftest import EXPECTED, REPORTS, ROOT, load_json

FINISHED_AT = "2026-11-22T05:00:00+00:00"
LVCUN = "examples/reports/lvcun-zhen-2024.txt"


def result_line(input_path: str, summary: ReportSummary) -> str:
    return json.dumps(
        {
            "record": "result",
            "input": input_path,
            "input_sha256": hashlib.sha256((ROOT / input_path).read_bytes()).hexdigest(),
            "settings_key": "0123456789abcdef",
            "finished_at": FINISHED_AT,
            "cached": False,
            "summary": summary.model_dump(mode="json"),
        },
        ensure_ascii=False,
    )


def error_line(input_path: str, sha256: str | None, kind: str, message: str, attempts: int) -> str:
    return json.dumps(
        {
            "record": "error",
            "input": input_path,
            "input_sha256": sha256,
            "settings_key": "0123456789abcdef",
            "finished_at": FINISHED_AT,
            "error": {"type": kind, "message": message, "attempts": attempts},
        },
        ensure_ascii=False,
    )


@pytest.fixture(scope="module")
def summaries() -> dict[str, ReportSummary]:
    """The rules summaries of the five sample reports, by input path."""
    inputs = [path.relative_to(ROOT).as_posix() for path in sorted(REPORTS.glob("*.txt"))]
    return {input_path: summarize_offline(ROOT / input_path) for input_path in inputs}


@pytest.fixture(scope="module")
def results_file(
    tmp_path_factory: pytest.TempPathFactory, summaries: dict[str, ReportSummary]
) -> Path:
    """A results file as a crashed-and-resumed batch run leaves it."""
    lvcun_sha = hashlib.sha256((ROOT / LVCUN).read_bytes()).hexdigest()
    lines = [
        # The first run timed out on 吕村镇; the retry below succeeded.
        error_line(LVCUN, lvcun_sha, "ProviderError", "请求超时", 3),
        *(result_line(input_path, summary) for input_path, summary in summaries.items()),
        error_line(
            "reports/bad.txt", None, "InputError", "reports/bad.txt 是空文件：请提供报告正文。", 1
        ),
    ]
    truncated = result_line(LVCUN, summaries[LVCUN])[:200]  # killed in the middle of a write
    path = tmp_path_factory.mktemp("results") / "results.jsonl"
    path.write_text("\n".join([*lines, truncated]), encoding="utf-8")
    return path


def expected_counts(summaries: dict[str, ReportSummary]) -> dict[str, int]:
    values = list(summaries.values())
    return {
        "reports": 5,
        "achievements": sum(len(summary.achievements) for summary in values),
        "indicators": sum(len(summary.indicators) for summary in values),
        "problems": sum(len(summary.problems) for summary in values),
        "plans": sum(len(summary.plans) for summary in values),
        "digest_claims": sum(len(summary.digest_claims) for summary in values),
        "errors": 1,
        "indicator_kinds": sum(len(kind_rows(summary)) for summary in values),
        "audits": 5,
        # The expected audits of the samples, written by reading them (tests/expected/audit).
        "findings": sum(
            len(load_json(path)["findings"]) for path in (EXPECTED / "audit").glob("*.json")
        ),
    }


def lvcun_report_id(summaries: dict[str, ReportSummary]) -> str:
    return summaries[LVCUN].provenance.text_sha256[:16]


# --------------------------------------------------------------------------- formats


def test_csv_export_is_utf8_with_bom_and_reads_back_with_pandas(
    results_file: Path, summaries: dict[str, ReportSummary], tmp_path: Path
) -> None:
    import pandas as pd

    output = tmp_path / "csv"
    report = export_results(results_file, to="csv", output=output)

    assert report.counts == expected_counts(summaries)
    assert report.counts["indicators"] == 69
    assert len(report.warnings) == 1
    for name, columns in TABLES.items():
        raw = (output / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # so that Excel opens it as UTF-8
        frame = pd.read_csv(
            output / f"{name}.csv", encoding="utf-8-sig", dtype={"input_sha256": str}
        )
        assert list(frame.columns) == [column.name for column in columns]
        assert len(frame) == report.counts[name]

    indicators = pd.read_csv(output / "indicators.csv", encoding="utf-8-sig")
    fee = indicators[indicators["quote"] == "征收规费440万元"].iloc[0]
    assert (fee["name"], fee["value"], fee["unit"], bool(fee["approx"])) == (
        "征收规费",
        4_400_000.0,
        "元",
        False,
    )
    assert fee["id"].startswith(lvcun_report_id(summaries) + "-i")
    reports = pd.read_csv(output / "reports.csv", encoding="utf-8-sig")
    assert set(reports["entity"]) == {summary.entity for summary in summaries.values()}
    assert "吕村镇" in set(reports["entity"])
    errors = pd.read_csv(output / "errors.csv", encoding="utf-8-sig")
    assert errors.to_dict("records")[0]["message"] == "reports/bad.txt 是空文件：请提供报告正文。"


def test_parquet_export_has_typed_columns(
    results_file: Path, summaries: dict[str, ReportSummary], tmp_path: Path
) -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    output = tmp_path / "parquet"
    report = export_results(results_file, to="parquet", output=output)

    assert report.counts == expected_counts(summaries)
    indicators = pq.read_table(output / "indicators.parquet")
    assert indicators.num_rows == 69
    assert indicators.schema.field("value").type == pa.float64()
    assert indicators.schema.field("approx").type == pa.bool_()
    assert indicators.schema.field("start").type == pa.int64()
    reports = pq.read_table(output / "reports.parquet")
    assert reports.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    frame = pd.read_parquet(output / "indicators.parquet")
    fee = frame[frame["quote"] == "征收规费440万元"].iloc[0]
    assert (fee["value"], fee["unit"]) == (4_400_000.0, "元")
    achievements = pd.read_parquet(output / "achievements.parquet")
    assert set(achievements["category_label"]) <= set(CATEGORIES.values())


def test_sqlite_export_has_keys_types_and_joins(
    results_file: Path, summaries: dict[str, ReportSummary], tmp_path: Path
) -> None:
    output = tmp_path / "results.sqlite"
    report = export_results(results_file, to="sqlite", output=output)

    with sqlite3.connect(output) as connection:
        counts = {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
            for name in TABLES
        }
        columns = {
            row[1]: (row[2], row[5]) for row in connection.execute("PRAGMA table_info(indicators)")
        }
        fee = connection.execute(
            'SELECT r.entity, r.year, i.id, i.value, i.unit, i.approx, i."end" - i.start '
            "FROM indicators i JOIN reports r USING (report_id) WHERE i.quote = '征收规费440万元'"
        ).fetchone()
        error = connection.execute("SELECT input, type, attempts FROM errors").fetchall()
    connection.close()

    assert counts == report.counts == expected_counts(summaries)
    assert columns["id"] == ("TEXT", 1)  # the primary key
    assert columns["value"] == ("REAL", 0)
    assert columns["start"] == ("INTEGER", 0)
    assert fee == (
        "吕村镇",
        2024,
        f"{lvcun_report_id(summaries)}-i{_position_of_fee(summaries):03d}",
        4_400_000.0,
        "元",
        0,
        len("征收规费440万元"),
    )
    assert error == [("reports/bad.txt", "InputError", 1)]


def _position_of_fee(summaries: dict[str, ReportSummary]) -> int:
    quotes = [indicator.evidence.quote for indicator in summaries[LVCUN].indicators]
    return quotes.index("征收规费440万元") + 1


def test_duckdb_export_has_every_table(
    results_file: Path, summaries: dict[str, ReportSummary], tmp_path: Path
) -> None:
    import duckdb

    output = tmp_path / "results.duckdb"
    report = export_results(results_file, to="duckdb", output=output)

    with duckdb.connect(str(output), read_only=True) as connection:
        tables = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
        counts = {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
            for name in TABLES
        }
        types = dict(
            connection.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'reports'"
            ).fetchall()
        )
        per_entity = dict(
            connection.execute(
                "SELECT r.entity, count(*) FROM indicators i JOIN reports r USING (report_id) GROUP BY r.entity"
            ).fetchall()
        )
        fee = connection.execute(
            "SELECT value, unit FROM indicators WHERE quote = '征收规费440万元'"
        ).fetchone()

    assert tables == set(TABLES)
    assert counts == report.counts == expected_counts(summaries)
    assert types["year"] == "BIGINT" and types["created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert per_entity == {summary.entity: len(summary.indicators) for summary in summaries.values()}
    assert fee == (4_400_000.0, "元")


def test_xlsx_export_has_one_sheet_per_table(
    results_file: Path, summaries: dict[str, ReportSummary], tmp_path: Path
) -> None:
    import openpyxl

    output = tmp_path / "results.xlsx"
    report = export_results(results_file, to="xlsx", output=output)

    workbook = openpyxl.load_workbook(output, read_only=True)
    assert workbook.sheetnames == [*TABLES, "indicator_kinds_wide"]
    rows = {name: list(workbook[name].iter_rows(values_only=True)) for name in TABLES}
    workbook.close()
    assert (
        {name: len(sheet) - 1 for name, sheet in rows.items()}
        == report.counts
        == expected_counts(summaries)
    )
    header = rows["indicators"][0]
    fee = next(
        dict(zip(header, row, strict=True))
        for row in rows["indicators"][1:]
        if row[header.index("quote")] == "征收规费440万元"
    )
    assert (fee["name"], fee["value"], fee["unit"], fee["category_label"]) == (
        "征收规费",
        4_400_000,
        "元",
        CATEGORIES["law_enforcement"],
    )
    assert [row[0] for row in rows["reports"][1:]] == [
        summary.provenance.text_sha256[:16] for summary in summaries.values()
    ]


# --------------------------------------------------------------------------- ids and edge cases


def test_ids_are_stable_and_positions_count_from_one(
    results_file: Path, summaries: dict[str, ReportSummary], tmp_path: Path
) -> None:
    first = tmp_path / "first.sqlite"
    second = tmp_path / "second.sqlite"
    export_results(results_file, to="sqlite", output=first)
    export_results(results_file, to="sqlite", output=second)

    query = "SELECT id, report_id, position FROM {} ORDER BY id"
    for table, letter in (
        ("achievements", "a"),
        ("indicators", "i"),
        ("problems", "p"),
        ("plans", "n"),
    ):
        with sqlite3.connect(first) as one, sqlite3.connect(second) as other:
            rows = one.execute(query.format(table)).fetchall()
            assert rows == other.execute(query.format(table)).fetchall()
        one.close()
        other.close()
        for item_id, report_id, position in rows:
            assert item_id == f"{report_id}-{letter}{position:03d}"
        report_id = lvcun_report_id(summaries)
        positions = [position for _, owner, position in rows if owner == report_id]
        assert positions == list(range(1, len(getattr(summaries[LVCUN], table)) + 1))


@pytest.mark.parametrize("to", ["csv", "parquet", "sqlite", "duckdb", "xlsx"])
def test_empty_tables_are_created_with_their_columns(tmp_path: Path, to: str) -> None:
    results = tmp_path / "results.jsonl"
    results.write_text(
        error_line("a.txt", None, "InputError", "空文件", 1) + "\n", encoding="utf-8"
    )
    output = tmp_path / ("out" if to in ("csv", "parquet") else f"out.{to}")

    report = export_results(results, to=to, output=output)

    assert report.counts == {
        "reports": 0,
        "achievements": 0,
        "indicators": 0,
        "problems": 0,
        "plans": 0,
        "digest_claims": 0,
        "errors": 1,
        "indicator_kinds": 0,
        "audits": 0,
        "findings": 0,
    }
    assert read_columns(to, output) == {
        name: [column.name for column in columns] for name, columns in TABLES.items()
    }


def read_columns(to: str, output: Path) -> dict[str, list[str]]:
    if to == "csv":
        import pandas as pd

        return {
            name: list(pd.read_csv(output / f"{name}.csv", encoding="utf-8-sig").columns)
            for name in TABLES
        }
    if to == "parquet":
        import pyarrow.parquet as pq

        return {name: pq.read_schema(output / f"{name}.parquet").names for name in TABLES}
    if to == "sqlite":
        with sqlite3.connect(output) as connection:
            found = {
                name: [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')]
                for name in TABLES
            }
        connection.close()
        return found
    if to == "duckdb":
        import duckdb

        with duckdb.connect(str(output), read_only=True) as database:
            return {
                name: [row[0] for row in database.execute(f'DESCRIBE "{name}"').fetchall()]
                for name in TABLES
            }
    import openpyxl

    workbook = openpyxl.load_workbook(output, read_only=True)
    found = {name: [cell.value for cell in next(workbook[name].iter_rows())] for name in TABLES}
    workbook.close()
    return found


def test_an_existing_output_is_replaced(
    results_file: Path, summaries: dict[str, ReportSummary], tmp_path: Path
) -> None:
    output = tmp_path / "results.sqlite"
    output.write_bytes(b"an old export")

    export_results(results_file, to="sqlite", output=output)

    with sqlite3.connect(output) as connection:
        assert connection.execute("SELECT count(*) FROM reports").fetchone() == (5,)
    connection.close()
    assert [path.name for path in tmp_path.iterdir()] == ["results.sqlite"]


@pytest.mark.parametrize(
    ("to", "module"),
    [("parquet", "pyarrow"), ("duckdb", "duckdb"), ("xlsx", "openpyxl")],
)
def test_a_missing_optional_library_names_the_install_command(
    results_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to: str, module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail

    with pytest.raises(ConfigurationError, match=r'pip install "rulelaw-llm\[export\]"'):
        export_results(results_file, to=to, output=tmp_path / "out")


def test_an_unknown_format_is_a_configuration_error(results_file: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="csv、parquet、sqlite、duckdb、xlsx"):
        export_results(results_file, to="json", output=tmp_path / "out")


def test_repeated_warnings_are_one_line_per_kind_on_the_command_line(
    tmp_path: Path, summaries: dict[str, ReportSummary], capsys: pytest.CaptureFixture[str]
) -> None:
    # The same report under 30 names, as old runs with differently spelled paths left it,
    # and two half-written lines.
    lines = [
        result_line(LVCUN, summaries[LVCUN]).replace(LVCUN, f"copy{n}/{LVCUN}") for n in range(30)
    ]
    path = tmp_path / "results.jsonl"
    path.write_text("\n".join([*lines, lines[0][:40], *lines[:1], lines[1][:40]]), encoding="utf-8")

    assert main(["export", str(path), "--to", "csv", "-o", str(tmp_path / "csv")]) == 0

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3  # same text, truncated lines, and where the tables went
    assert "正文相同的报告只导出一份：共 29 处，例如：copy0/" in err[1] or "共 29 处" in "".join(
        err
    )
    assert sum("不完整的行已跳过：共 2 处" in line for line in err) == 1
    assert err[-1].startswith("已导出到")


# --------------------------------------------------------------------------- audits, frames


def test_audits_and_findings_tables_sort_the_townships_and_carry_chinese_labels(
    results_file: Path, tmp_path: Path
) -> None:
    output = tmp_path / "results.sqlite"
    export_results(results_file, to="sqlite", output=output)
    with sqlite3.connect(output) as connection:
        ranking = connection.execute(
            "SELECT entity, score, to_do FROM audits ORDER BY score, entity"
        ).fetchall()
        missing = connection.execute(
            "SELECT r.entity, f.part, f.part_label FROM findings f JOIN reports r USING (report_id)"
            " WHERE f.code = 'missing_part' ORDER BY r.entity, f.part"
        ).fetchall()
        labels = connection.execute(
            "SELECT DISTINCT code, code_label, severity, severity_label FROM findings"
            " WHERE code = 'topic_gap'"
        ).fetchall()
    assert ranking[0][:2] == ("吕村镇", 64)
    assert ranking[0][2].startswith("缺原因、第一责任人")
    assert (
        "吕村镇",
        "responsibility",
        "党政主要负责人履行推进法治建设第一责任人职责情况",
    ) in missing
    assert "梧桐镇" not in {entity for entity, _, _ in missing}
    assert labels == [("topic_gap", "未涉及主题", "info", "提示")]


def test_digest_claims_keep_their_place_and_join_their_sources(
    results_file: Path, tmp_path: Path
) -> None:
    output = tmp_path / "results.sqlite"
    export_results(results_file, to="sqlite", output=output)
    with sqlite3.connect(output) as connection:
        claims = connection.execute(
            'SELECT r.digest, c.text, c.start, c."end", c.part, c.origin, c.sources '
            "FROM digest_claims c JOIN reports r USING (report_id) ORDER BY c.id"
        ).fetchall()
        ids = {
            row[0]
            for table in ("achievements", "indicators", "problems", "plans")
            for row in connection.execute(f'SELECT id FROM "{table}"')
        }
        figures = connection.execute(
            "SELECT i.quote FROM digest_claims c JOIN indicators i "
            "ON instr(' ' || c.sources || ' ', ' ' || i.id || ' ') > 0 "
            "WHERE c.part = 'indicators' AND c.report_id = i.report_id"
        ).fetchall()
    assert len(claims) == 20  # four sentences for each sample: measures, figures, problems, plans
    for digest, text, start, end, _, origin, sources in claims:
        assert digest[start:end] == text and origin == "template"
        assert set(sources.split()) <= ids
    assert {part for *_, part, _, _ in claims} == {
        "achievements",
        "indicators",
        "problems",
        "plans",
    }
    assert ("共化解矛盾纠纷52件",) in figures


def test_to_frames_gives_the_exported_tables_as_dataframes(
    results_file: Path, tmp_path: Path
) -> None:
    import rulelaw_llm

    frames = rulelaw_llm.to_frames(results_file)
    report = export_results(results_file, to="csv", output=tmp_path / "csv")
    assert list(frames) == list(TABLES)
    assert {name: len(frame) for name, frame in frames.items()} == report.counts
    for name, frame in frames.items():
        assert list(frame.columns) == [column.name for column in TABLES[name]]
    audits = frames["audits"].set_index("entity")
    assert audits.loc["梧桐镇", "causes_separate"]
    assert set(frames["digest_claims"]["origin"]) == {"template"}
    assert str(frames["reports"]["year"].dtype) == "Int64"
    topics = frames["findings"].query("code == 'topic_gap'")
    assert set(topics["topic_label"]) <= {
        "政府职能",
        "制度建设与规范性文件",
        "依法决策",
        "行政执法",
        "权力监督",
        "数字政府",
    }


def test_a_result_made_after_a_downgrade_says_so_in_the_reports_table(
    summaries: dict[str, ReportSummary], tmp_path: Path
) -> None:
    (input_path, summary), *_ = summaries.items()
    downgraded = summary.model_copy(
        update={
            "provenance": summary.provenance.model_copy(
                update={"downgrades": ["response_format: json_schema→json_object"]}
            )
        }
    )
    results = tmp_path / "results.jsonl"
    results.write_text(
        "\n".join(
            [
                result_line(input_path, downgraded),
                *(result_line(path, other) for path, other in list(summaries.items())[1:2]),
            ]
        ),
        encoding="utf-8",
    )
    output = tmp_path / "results.sqlite"
    export_results(results, to="sqlite", output=output)
    with sqlite3.connect(output) as connection:
        rows = connection.execute("SELECT input, downgrades FROM reports ORDER BY input").fetchall()
    connection.close()
    assert rows == [
        (input_path, "response_format: json_schema→json_object"),
        (list(summaries)[1], None),
    ]


# ------------------------------------------------------------------ the page's facts

WEB_COPY = (
    "网址：http://www.example.gov.cn/art/2025/3/12/art_31.html\n"
    "白沙镇2024年法治政府建设工作报告\n"
    "发布时间：2025-03-12 09:30　来源：青石县白沙镇人民政府\n"
    "2024年，白沙镇坚持依法行政，全年召开学法会议6次。\n"
    "一、主要举措和成效\n（一）加强学习。开展法治培训3场。\n"
)


def _web_copy_results(tmp_path: Path) -> Path:
    """A results file: a web copy (1.3, with its page facts) and a 1.2 result without them."""
    source = tmp_path / "baisha.txt"
    source.write_text(WEB_COPY, encoding="utf-8")
    web = summarize_offline(source)
    old = summarize_offline(ROOT / LVCUN).model_dump(mode="json", exclude={"published", "metadata"})
    old["provenance"]["schema_version"] = "1.2"
    lines = [
        json.dumps(
            {
                "record": "result",
                "input": name,
                "input_sha256": hashlib.sha256(name.encode()).hexdigest(),
                "settings_key": "0123456789abcdef",
                "finished_at": FINISHED_AT,
                "cached": False,
                "summary": summary,
            },
            ensure_ascii=False,
        )
        for name, summary in (("baisha.txt", web.model_dump(mode="json")), (LVCUN, old))
    ]
    path = tmp_path / "results.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _reports_rows(to: str, output: Path) -> list[dict[str, object]]:
    columns = [column.name for column in TABLES["reports"]]
    if to == "csv":
        import pandas as pd

        frame = pd.read_csv(output / "reports.csv", encoding="utf-8-sig", dtype=str)
        return [
            {key: (None if pd.isna(value) else value) for key, value in row.items()}
            for row in frame.to_dict("records")
        ]
    if to == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(output / "reports.parquet").to_pylist()
    if to == "sqlite":
        with sqlite3.connect(output) as connection:
            rows = connection.execute(f"SELECT {', '.join(columns)} FROM reports").fetchall()
        connection.close()
    elif to == "duckdb":
        import duckdb

        with duckdb.connect(str(output), read_only=True) as database:
            rows = database.execute(f"SELECT {', '.join(columns)} FROM reports").fetchall()
    else:
        import openpyxl

        workbook = openpyxl.load_workbook(output, read_only=True)
        rows = [tuple(cell.value for cell in row) for row in workbook["reports"].iter_rows()][1:]
        workbook.close()
    return [dict(zip(columns, row, strict=True)) for row in rows]


@pytest.mark.parametrize("to", ["csv", "parquet", "sqlite", "duckdb", "xlsx"])
def test_the_reports_table_carries_the_pages_date_address_and_metadata(
    tmp_path: Path, to: str
) -> None:
    output = tmp_path / ("out" if to in ("csv", "parquet") else f"out.{to}")

    export_results(_web_copy_results(tmp_path), to=to, output=output)

    rows = {row["input"]: row for row in _reports_rows(to, output)}
    web, old = rows["baisha.txt"], rows[LVCUN]
    assert (web["published"], web["url"]) == (
        "2025-03-12",
        "http://www.example.gov.cn/art/2025/3/12/art_31.html",
    )
    assert json.loads(str(web["metadata"])) == {
        "网址": "http://www.example.gov.cn/art/2025/3/12/art_31.html",
        "发布时间": "2025-03-12 09:30",
        "来源": "青石县白沙镇人民政府",
    }
    assert (old["published"], old["url"], old["metadata"]) == (None, None, None)
    assert old["schema_version"] == "1.2" and web["schema_version"] == "1.3"


def test_to_frames_carries_the_pages_date_and_address(tmp_path: Path) -> None:
    import rulelaw_llm

    reports = rulelaw_llm.to_frames(_web_copy_results(tmp_path))["reports"]

    web = reports[reports["input"] == "baisha.txt"].iloc[0]
    assert (web["published"], web["url"]) == (
        "2025-03-12",
        "http://www.example.gov.cn/art/2025/3/12/art_31.html",
    )
    assert reports[reports["input"] == LVCUN]["published"].isna().all()
