"""Large results tables are written cell for cell as small ones (rolemix.report.cells).

The table writer checks each distinct text once and skips the "General"
format, so that plans of tens of thousands of people are written quickly.
These tests pin down what a planner sees in every row of such a table, read
back from the saved file: the same safe text, number formats and bold rows
as a single cell written on its own.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell

from rolemix.report.cells import NUMBER_FORMATS, Column, Shown, TableNames, put, write_table

ROWS = 2_000

COLUMNS = [
    Column("Role"),
    Column("Unit"),
    Column("Headcount", "people"),
    Column("Cost", "money"),
    Column("Count", "number"),
    Column("Flag"),
    Column("Measure", "money"),
]


def _row(index: int) -> list[object]:
    """A row mixing repeated names (some formula-like), gaps, yes/no flags and per-cell formats."""
    return [
        '=HYPERLINK("http://x","AE")' if index % 2 else "Solution engineer",
        "North\x07 SMB" if index % 3 else "-West",
        None if index % 5 == 0 else index + 0.5,
        index * 1_000,
        index,
        index % 4 == 0,
        Shown(index / ROWS, "share") if index % 7 == 0 else index,
    ]


def _facts(cell: Cell) -> tuple[object, ...]:
    return cell.value, cell.data_type, cell.number_format, bool(cell.quotePrefix), bool(cell.font.b)


def _expected(index: int, bold: bool) -> list[tuple[object, ...]]:
    number = None if index % 5 == 0 else index + 0.5
    measure_kind = "share" if index % 7 == 0 else "money"
    measure = index / ROWS if index % 7 == 0 else index
    return [
        ('=HYPERLINK("http://x","AE")', "s", "General", True, bold)
        if index % 2
        else ("Solution engineer", "s", "General", False, bold),
        ("North SMB", "s", "General", False, bold) if index % 3 else ("-West", "s", "General", True, bold),
        (number, "n", NUMBER_FORMATS["people"], False, bold),
        (index * 1_000, "n", NUMBER_FORMATS["money"], False, bold),
        (index, "n", "General", False, bold),
        ("yes" if index % 4 == 0 else "no", "s", "General", False, bold),
        (measure, "n", NUMBER_FORMATS[measure_kind], False, bold),
    ]


def test_every_row_of_a_large_table_is_written_like_the_first(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    block = write_table(
        ws, TableNames(book), "big", COLUMNS, [_row(i) for i in range(ROWS)], top=3, left=2, bold_rows=(0, ROWS - 1)
    )
    assert block is not None and (block.first_row, block.last_row, block.last_column) == (4, ROWS + 3, 8)
    book.save(tmp_path / "big.xlsx")

    sheet = load_workbook(tmp_path / "big.xlsx").active
    assert [cell.value for cell in sheet[3][1:]] == [column.header for column in COLUMNS]
    for index, row in enumerate(sheet.iter_rows(min_row=4, min_col=2)):
        assert [_facts(cell) for cell in row] == _expected(index, bold=index in (0, ROWS - 1)), f"row {index}"
    assert sheet.tables["big"].ref == f"B3:H{ROWS + 3}"


def test_a_cell_written_on_its_own_matches_a_table_cell() -> None:
    book = Workbook()
    ws = book.active
    assert _facts(put(ws["A1"], "@cmd")) == ("@cmd", "s", "General", True, False)
    assert _facts(put(ws["A2"], None, "money")) == (None, "n", NUMBER_FORMATS["money"], False, False)
    assert _facts(put(ws["A3"], 3, "number")) == (3, "n", "General", False, False)
    assert not ws["A3"].has_style
    assert _facts(put(ws["A4"], False)) == ("no", "s", "General", False, False)
    assert _facts(put(ws["A5"], Path("plan.xlsx"))) == ("plan.xlsx", "s", "General", False, False)
