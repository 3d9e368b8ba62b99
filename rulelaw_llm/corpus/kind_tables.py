"""The tables that compare reports by kind: ``indicator_kinds`` (long) and its wide form.

``indicator_kinds`` has one row per report and kind (``rulelaw_llm.auditing.comparison.
kind_rows``): the value in the family's base unit, how many indicators it sums and which
(their ids in the ``indicators`` table and their quotes), and the indicators of the kind not
summed (parts introduced by 其中). The wide form puts reports in rows and kinds in columns
(``label（unit）``), for a spreadsheet; an empty cell means the report does not state the kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from rulelaw_llm.auditing.comparison import KindRow
from rulelaw_llm.categories import label_of
from rulelaw_llm.kinds import FAMILIES, KINDS

__all__ = ["QUOTE_SEPARATOR", "WIDE_HEAD", "kind_table_rows", "wide_table", "with_wide_sheet"]

#: Joins the quotes of the indicators a row sums into one cell.
QUOTE_SEPARATOR = " ｜ "
#: The first columns of the wide form (the rest are kinds).
WIDE_HEAD = ("report_id", "entity", "parent_entity", "level", "year")

Cell = str | int | float | bool | datetime | None


def kind_table_rows(report_id: str, rows: Sequence[KindRow]) -> list[dict[str, Cell]]:
    """The ``indicator_kinds`` rows of one report (indicator ids as in ``indicators``)."""
    table: list[dict[str, Cell]] = []
    for row in rows:
        kind = KINDS[row.kind]
        table.append(
            {
                "report_id": report_id,
                "kind": row.kind,
                "kind_label": kind.label,
                "category": kind.category,
                "category_label": label_of(kind.category),
                "family": row.family,
                "family_label": FAMILIES[row.family].label,
                "unit": row.unit,
                "value": row.value,
                "aggregate": row.aggregate,
                "approx": row.approx,
                "indicators": len(row.counted),
                "indicator_ids": ";".join(_id(report_id, item.index) for item in row.counted),
                "quotes": QUOTE_SEPARATOR.join(item.evidence.quote for item in row.counted),
                "parts": len(row.parts),
                "part_ids": ";".join(_id(report_id, index) for index in row.parts) or None,
            }
        )
    return table


def _id(report_id: str, index: int) -> str:
    return f"{report_id}-i{index + 1:03d}"


def wide_table(
    reports: Sequence[dict[str, Cell]], kinds: Sequence[dict[str, Cell]]
) -> tuple[list[str], list[list[Cell]]]:
    """Reports × kinds: a header (``WIDE_HEAD`` then ``label（unit）`` per kind present, in
    the vocabulary's order) and one row per report."""
    present = {str(row["kind"]) for row in kinds}
    columns = [key for key in KINDS if key in present]
    values: dict[tuple[object, str], Cell] = {
        (row["report_id"], str(row["kind"])): row["value"] for row in kinds
    }
    header = [*WIDE_HEAD]
    for key in columns:
        unit = KINDS[key].base
        header.append(f"{KINDS[key].label}（{unit}）")
    body = [
        [*(report.get(name) for name in WIDE_HEAD)]
        + [values.get((report["report_id"], key)) for key in columns]
        for report in reports
    ]
    return header, body


def with_wide_sheet(
    tables: Mapping[str, Sequence[dict[str, Cell]]], columns: Mapping[str, Sequence[object]]
) -> list[tuple[str, list[str], Sequence[dict[str, Cell]]]]:
    """The sheets of a workbook: every table (its column names from ``columns``, the export's
    ``TABLES``), then ``indicator_kinds_wide`` — reports × kinds, for reading in a spreadsheet
    (the long table is for joining)."""
    sheets = [
        (name, [str(getattr(column, "name", column)) for column in columns[name]], rows)
        for name, rows in tables.items()
    ]
    header, body = wide_table(tables["reports"], tables["indicator_kinds"])
    wide = [dict(zip(header, row, strict=True)) for row in body]
    return [*sheets, ("indicator_kinds_wide", header, wide)]
