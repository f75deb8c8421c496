"""Large results tables written straight into the saved file (rolemix.report.bulk).

The data rows of a long table skip openpyxl's cell objects and are put into
the saved sheet as text.  These tests lower the threshold to a few rows and
check, on the file read back, that a planner sees exactly what the
cell-by-cell writer gives for the same rows: values, number formats, bold
rows, quote prefixes, highlights, tables and the sheet's extent.
"""

from __future__ import annotations

import csv
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from test_report import WHEN, small_baseline, small_result

from rolemix.report import bulk, write_plan_workbook
from rolemix.report import pdf as pdf_module
from rolemix.report.bulk import LargeTables
from rolemix.report.cells import HIGHLIGHT, NUMBER_FORMATS, Column, Shown, TableNames, write_table
from rolemix.report.files import write_atomically

ROWS = 40

COLUMNS = [
    Column("Name"),
    Column("Headcount", "people"),
    Column("Cost", "money"),
    Column("Count", "number"),
    Column("Flag"),
    Column("Measure", "money"),
]

#: Texts a planner may type: formula-like starts, XML's special characters, spaces, unicode, control characters.
TEXTS = [
    "=SUM(A1:A9)",
    "+1 555",
    "-West",
    "@cmd",
    "R&D <north> \"team\" 'a'",
    "  padded  ",
    " ",
    "",
    "Zürich 東京 ✓",
    "bell\x07 and tab\there",
    "line\nbreak",
    "plain",
]


def _row(index: int) -> list[object]:
    """A row mixing texts, gaps, whole and fractional numbers, yes/no flags and values with their own format."""
    return [
        TEXTS[index % len(TEXTS)],
        None if index % 5 == 0 else index + 0.25,
        index * 1_000 if index % 3 else float("nan") if index % 2 else -index,
        index,
        index % 4 == 0,
        Shown(index / ROWS, "share")
        if index % 7 == 0
        else Shown(None, "share_change")
        if index % 11 == 0
        else Path(f"file-{index}")
        if index % 13 == 0
        else index,
    ]


def _sheet(book: Workbook, large: LargeTables | None) -> None:
    """A large table with neighbours: text beside some of its rows, a highlighted row and a small table below."""
    ws = book.active
    assert isinstance(ws, Worksheet)
    names = TableNames(book)
    ws["A2"] = "note left of the table"
    ws["J5"] = "note right of the table"
    ws.row_dimensions[6].height = 30
    block = write_table(
        ws,
        names,
        "big",
        COLUMNS,
        [_row(i) for i in range(ROWS)],
        top=3,
        left=2,
        bold_rows=(0, 17, ROWS - 1),
        large=large,
    )
    assert block is not None
    for column in range(block.first_column, block.last_column + 1):
        cell = ws.cell(9, column) if large is None else large.cell(ws, 9, column)
        cell.fill = HIGHLIGHT
    write_table(
        ws,
        names,
        "small",
        [Column("Item"), Column("Value", "money")],
        [["total", 12.5]],
        top=block.last_row + 3,
        large=large,
    )


def _save(tmp_path: Path, name: str, large: LargeTables | None) -> Path:
    book = Workbook()
    _sheet(book, large)
    return _saved(book, tmp_path / name, large)


def _saved(book: Workbook, target: Path, large: LargeTables | None) -> Path:
    """``book`` saved to ``target``: by openpyxl alone, or with the large tables' rows put in by ``large``."""
    if large is None:
        book.save(target)
    else:
        write_atomically(target, lambda temporary: large.save(book, temporary), what="the test", close_hint="")
    return target


def _facts(cell: Cell) -> tuple[object, ...]:
    return (
        cell.value,
        cell.data_type,
        cell.number_format,
        cell.quotePrefix,
        cell.font.b,
        cell.fill.fill_type,
        cell.fill.fgColor.rgb,
    )


def _everything(path: Path) -> tuple[object, ...]:
    ws = load_workbook(path).active
    assert isinstance(ws, Worksheet)
    cells = [[_facts(cell) for cell in row] for row in ws.iter_rows()]
    tables = {
        table.displayName: (table.ref, [column.name for column in table.tableColumns]) for table in ws.tables.values()
    }
    heights = {number: dimension.height for number, dimension in ws.row_dimensions.items() if dimension.height}
    return ws.dimensions, cells, tables, heights


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Tables of more than 10 rows go straight into the file; the list says, table by table, which did."""
    monkeypatch.setattr(bulk, "LARGE_TABLE_ROWS", 10)
    outcomes: list[bool] = []
    hold = LargeTables.hold

    def spy(self: LargeTables, *args: Any) -> bool:
        outcomes.append(hold(self, *args))
        return outcomes[-1]

    monkeypatch.setattr(LargeTables, "hold", spy)
    return outcomes


def test_a_large_table_reads_back_as_if_written_cell_by_cell(tmp_path: Path, held: list[bool]) -> None:
    by_cell = _everything(_save(tmp_path, "by-cell.xlsx", None))
    direct = _everything(_save(tmp_path, "direct.xlsx", LargeTables()))
    assert held == [True, False]
    assert direct == by_cell
    assert sorted(p.name for p in tmp_path.iterdir()) == ["by-cell.xlsx", "direct.xlsx"]

    dimensions, cells, tables, heights = direct
    assert dimensions == f"A1:J{ROWS + 7}"
    assert tables == {
        "big": (f"B3:G{ROWS + 3}", ["Name", "Headcount", "Cost", "Count", "Flag", "Measure"]),
        "small": (f"A{ROWS + 6}:B{ROWS + 7}", ["Item", "Value"]),
    }
    assert heights == {6: 30}
    rows = {number: row[1:7] for number, row in enumerate(cells, start=1)}
    assert rows[4][0] == ("=SUM(A1:A9)", "s", "General", True, True, None, "00000000")
    assert [rows[number][0][:4] for number in range(5, 16)] == [
        ("+1 555", "s", "General", True),
        ("-West", "s", "General", True),
        ("@cmd", "s", "General", True),
        ("R&D <north> \"team\" 'a'", "s", "General", False),
        ("  padded  ", "s", "General", False),
        (" ", "s", "General", False),
        (None, "inlineStr", "General", False),
        ("Zürich 東京 ✓", "s", "General", False),
        ("bell and tab\there", "s", "General", False),
        ("line\nbreak", "s", "General", False),
        ("plain", "s", "General", False),
    ]
    assert rows[5][1:5] == [
        (1.25, "n", NUMBER_FORMATS["people"], False, False, None, "00000000"),
        (1_000, "n", NUMBER_FORMATS["money"], False, False, None, "00000000"),
        (1, "n", "General", False, False, None, "00000000"),
        ("no", "s", "General", False, False, None, "00000000"),
    ]
    assert rows[9][0][4:] == (False, "solid", "00FFF2CC")
    assert rows[11][5][:3] == (0.175, "n", NUMBER_FORMATS["share"])
    assert rows[15][5][:3] == (None, "n", NUMBER_FORMATS["share_change"])
    assert rows[17][5][:3] == ("file-13", "s", "General")
    assert rows[21][0][4] and rows[ROWS + 3][0][4]


def test_a_cell_of_a_kept_back_row_reached_past_large_tables_stops_the_save(tmp_path: Path, held: list[bool]) -> None:
    book = Workbook()
    large = LargeTables()
    _sheet(book, large)
    book.active.cell(20, 3).fill = HIGHLIGHT
    with pytest.raises(ValueError, match="row 20 has a cell both kept back and written by openpyxl"):
        large.save(book, tmp_path / "direct.xlsx")


def test_a_plan_with_large_tables_reads_back_as_if_written_cell_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: list[bool]
) -> None:
    # The hand-built plan is small: every table of more than one row goes straight into the file.
    monkeypatch.setattr(bulk, "LARGE_TABLE_ROWS", 1)
    overrides = [("Roles", "Account executive / First-year attrition", 0.25, 0.3), ("Settings", "Time limit", 30, 60)]
    result, baseline = small_result(), small_baseline()
    direct = write_plan_workbook(
        result, tmp_path / "direct.xlsx", baseline=baseline, scenario_overrides=overrides, generated_at=WHEN
    )
    # Plan, Coverage (both tables), Reskilling and Assumptions.
    assert held == [True] * 5
    monkeypatch.setattr(bulk, "LARGE_TABLE_ROWS", 10**9)
    by_cell = write_plan_workbook(
        result, tmp_path / "by-cell.xlsx", baseline=baseline, scenario_overrides=overrides, generated_at=WHEN
    )
    first, second = load_workbook(direct), load_workbook(by_cell)
    assert first.sheetnames == second.sheetnames
    for name in first.sheetnames:
        ws, expected = first[name], second[name]
        assert ws.dimensions == expected.dimensions, name
        assert [[_facts(cell) for cell in row] for row in ws.iter_rows()] == [
            [_facts(cell) for cell in row] for row in expected.iter_rows()
        ], name
        assert {table.displayName: table.ref for table in ws.tables.values()} == {
            table.displayName: table.ref for table in expected.tables.values()
        }, name
    # The two highlighted (overridden) rows are written through openpyxl, the rest straight into the file.
    assert [cell.fill.fgColor.rgb for cell in first["Assumptions"]["A"]].count("00FFF2CC") == 2


def test_libreoffice_reads_a_large_table(tmp_path: Path, held: list[bool]) -> None:
    soffice = pdf_module.find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; install libreoffice-calc-nogui to run this test")
    workbook = _save(tmp_path, "direct.xlsx", LargeTables())
    assert held == [True, False]
    # A private LibreOffice profile, so a concurrent soffice elsewhere cannot lock this one out.
    profile = (tmp_path / "profile").as_uri()
    finished = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path / "csv"),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    with (tmp_path / "csv" / "direct.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[2][1:7] == ["Name", "Headcount", "Cost", "Count", "Flag", "Measure"]
    assert [row[1] for row in rows[3:15]] == [*TEXTS[:9], "bell and tab\there", "line\nbreak", "plain"]
    assert rows[4][2:7] == ["1.3", "1,000", "1", "no", "1"]
    assert rows[ROWS + 5][:2] == ["Item", "Value"]


#: Numbers whose digits a writer can get wrong: both zeros, 16 and 17 significant digits, exponents, whole floats.
AWKWARD_NUMBERS = [0.0, -0.0, 0.1 + 0.2, 1 / 3, 1e16, 123456789012345678, 1e-7, -2.5, 12345.0, 7, 2.0**60]

_CELL_VALUE = re.compile(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>(?:<v>([^<]*)</v>|<v />|<is>.*?</is>)?</c>)')


def _number_rows() -> list[list[object]]:
    """Rows of awkward numbers, repeated (so distinct values are shared), with gaps and per-cell formats."""
    rows: list[list[object]] = []
    for index in range(ROWS):
        number = AWKWARD_NUMBERS[index % len(AWKWARD_NUMBERS)]
        rows.append([
            number,
            None if index % 4 == 0 else number,
            None if index % 3 == 0 else -number,
            Shown(number, "share") if index % 2 else Shown(None, "money") if index % 5 else "text",
        ])
    return rows


def _values_in_sheet_xml(path: Path) -> dict[str, str | None]:
    """Each cell of the first sheet as the file stores it: reference -> the text of its value (None: no value)."""
    with zipfile.ZipFile(path) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode("utf-8")
    return {found.group(1): found.group(2) for found in _CELL_VALUE.finditer(xml)}


def _save_numbers(tmp_path: Path, name: str, large: LargeTables | None) -> Path:
    book = Workbook()
    columns = [Column("Plain", "people"), Column("Gaps", "money"), Column("Unformatted gaps", "number"),
               Column("Own format", "money")]
    write_table(book.active, TableNames(book), "numbers", columns, _number_rows(), large=large)
    return _saved(book, tmp_path / name, large)


def test_numbers_of_a_large_table_have_openpyxls_digits(tmp_path: Path, held: list[bool]) -> None:
    direct = _values_in_sheet_xml(_save_numbers(tmp_path, "direct.xlsx", LargeTables()))
    by_cell = _values_in_sheet_xml(_save_numbers(tmp_path, "by-cell.xlsx", None))
    assert held == [True]
    assert direct == by_cell
    # Row 2 on holds AWKWARD_NUMBERS in turn; negative zero keeps its sign and 16 significant digits are kept.
    assert [direct[f"A{row}"] for row in range(2, 2 + len(AWKWARD_NUMBERS))] == [
        "0", "-0", "0.3", "0.3333333333333333", "1e+16", "1.234567890123457e+17", "1e-07", "-2.5", "12345", "7",
        "1.152921504606847e+18",
    ]
    # A gap has an empty cell only where its format gives it a style.
    assert direct["B2"] is None and "C2" not in direct and (direct["C3"], direct["C13"]) == ("0", "-0")
    # Values in their own format: a text, negative zero as a share, a gap in the money format.
    assert [_facts(cell)[:3] for cell in load_workbook(tmp_path / "direct.xlsx").active["D"][1:4]] == [
        ("text", "s", "General"), (0, "n", NUMBER_FORMATS["share"]), (None, "n", NUMBER_FORMATS["money"]),
    ]
    assert direct["D3"] == "-0"
