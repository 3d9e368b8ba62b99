"""The tables that compare reports by kind, in every export format and in ``to_frames``: one
row per report and kind that sums (in the family's base unit) the indicators it names."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rulelaw_llm import read_results, to_frames
from rulelaw_llm.auditing.comparison import kind_rows
from rulelaw_llm.corpus.export import TABLES, export_results
from rulelaw_llm.corpus.kind_tables import QUOTE_SEPARATOR
from rulelaw_llm.kinds import to_base
from tests.planted_corpus import write_planted


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_planted(tmp_path_factory.mktemp("kinds"), count=6)


def test_every_format_has_the_indicator_kinds_table(results: Path, tmp_path: Path) -> None:
    import duckdb
    import pyarrow.parquet as pq

    expected = sum(len(kind_rows(r.summary)) for r in read_results(results).results)
    columns = [column.name for column in TABLES["indicator_kinds"]]
    export_results(results, to="csv", output=tmp_path / "csv")
    header = (tmp_path / "csv" / "indicator_kinds.csv").read_text("utf-8-sig").splitlines()[0]
    assert header.split(",") == columns
    export_results(results, to="parquet", output=tmp_path / "parquet")
    table = pq.read_table(tmp_path / "parquet" / "indicator_kinds.parquet")
    assert (table.column_names, table.num_rows) == (columns, expected)
    export_results(results, to="sqlite", output=tmp_path / "out.sqlite")
    with sqlite3.connect(tmp_path / "out.sqlite") as connection:
        count = connection.execute("SELECT count(*) FROM indicator_kinds").fetchone()[0]
        # One row per report and kind: the pair is the key.
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("INSERT INTO indicator_kinds SELECT * FROM indicator_kinds LIMIT 1")
    assert count == expected
    export_results(results, to="duckdb", output=tmp_path / "out.duckdb")
    with duckdb.connect(str(tmp_path / "out.duckdb")) as connection:
        total = connection.execute(
            "SELECT sum(value) FROM indicator_kinds WHERE kind = 'publicity_materials'"
        ).fetchone()
    rows = [row for r in read_results(results).results for row in kind_rows(r.summary)]
    assert total == (sum(row.value for row in rows if row.kind == "publicity_materials"),)


def test_a_row_is_recomputable_from_the_indicators_it_names(results: Path) -> None:
    frames = to_frames(results)
    kinds, indicators = frames["indicator_kinds"], frames["indicators"].set_index("id")
    assert list(kinds.columns) == [column.name for column in TABLES["indicator_kinds"]]
    for row in kinds.itertuples():
        ids = str(row.indicator_ids).split(";")
        cited = indicators.loc[ids]
        assert set(cited["kind"]) == {row.kind}
        values = [
            to_base(row.kind, value, unit)[0]  # type: ignore[index]
            for value, unit in zip(cited["value"], cited["unit"], strict=True)
        ]
        expected = sum(values) / len(values) if row.aggregate == "mean" else sum(values)
        assert row.value == pytest.approx(expected)
        assert str(row.quotes).split(QUOTE_SEPARATOR) == list(cited["quote"])
        assert row.indicators == len(ids)


def test_the_indicators_table_names_each_kind(results: Path) -> None:
    indicators = to_frames(results)["indicators"]
    fines = indicators[indicators["kind"] == "fines_and_fees"]
    assert set(fines["kind_label"]) == {"罚没（征收）金额"} and len(fines) == 6


def test_xlsx_has_a_wide_sheet_of_reports_by_kind(results: Path, tmp_path: Path) -> None:
    import openpyxl

    export_results(results, to="xlsx", output=tmp_path / "out.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    rows = list(workbook["indicator_kinds_wide"].iter_rows(values_only=True))
    workbook.close()
    header = list(rows[0])
    assert header[:5] == ["report_id", "entity", "parent_entity", "level", "year"]
    assert "宣传资料份数（份）" in header and "罚没（征收）金额（元）" in header
    column = header.index("罚没（征收）金额（元）")
    summaries = {
        r.summary.provenance.text_sha256[:16]: r.summary for r in read_results(results).results
    }
    for row in rows[1:]:
        fines = next(k for k in kind_rows(summaries[str(row[0])]) if k.kind == "fines_and_fees")
        assert row[column] == fines.value
