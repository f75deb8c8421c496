"""Cell-level helpers shared by every results sheet: safe text, number formats, Excel tables, print setup.

Every string that reaches a cell goes through :func:`put` or the
:class:`CellWriter` of a table (which the large tables of
:mod:`rolemix.report.bulk` share) and hence through :func:`neutralise`, the
one place that keeps a planner's text from ever being read as a formula.
Nothing here knows about plans; the sheet builders in
:mod:`rolemix.report.workbook` decide what goes where.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    from rolemix.report.bulk import LargeTables

#: How a column's numbers are shown.
Kind = Literal["text", "people", "hours", "money", "money_fine", "share", "share_fine", "integer", "number", "seconds",
               "money_change", "people_change", "hours_change", "share_change", "integer_change"]

GENERAL = "General"

NUMBER_FORMATS: dict[str, str] = {
    "text": GENERAL,
    "people": "#,##0.0",
    "hours": "#,##0",
    "money": "#,##0",
    "money_fine": "#,##0.00",
    "share": "0.0%",
    "share_fine": "0.00%",
    "integer": "#,##0",
    "number": GENERAL,
    "seconds": "#,##0.0",
    # Differences carry an explicit sign so a board reader sees the direction at a glance.
    "money_change": "+#,##0;-#,##0;0",
    "people_change": "+#,##0.0;-#,##0.0;0.0",
    "hours_change": "+#,##0;-#,##0;0",
    "share_change": "+0.0%;-0.0%;0.0%",
    "integer_change": "+#,##0;-#,##0;0",
}

#: Characters that make Excel, LibreOffice or a CSV consumer read a cell as a formula
#: (OWASP's list, plus the full-width forms some input methods type).
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

MAX_CELL_TEXT = 32_767

TITLE_FONT = Font(bold=True, size=16)
HEADING_FONT = Font(bold=True, size=12)
BOLD = Font(bold=True)
NOTE_FONT = Font(italic=True, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")
TABLE_STYLE = "TableStyleMedium2"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HIGHLIGHT = PatternFill("solid", fgColor="FFF2CC")

_LINE_BREAKS = re.compile(r"[\r\n]+")


def neutralise(text: str) -> tuple[str, bool]:
    """Make ``text`` safe to store in a cell.

    Parameters
    ----------
    text
        Any string, typically a name a planner typed (role, unit, plan name, ...).

    Returns
    -------
    tuple of (str, bool)
        The text without the control characters a workbook cannot hold (and
        cut to the 32,767 characters a cell can hold), and
        whether it starts like a formula and so needs Excel's quote prefix
        (the apostrophe a person would type to force text).
    """
    # Excel refuses (with a repair prompt) a cell longer than 32,767 characters.
    clean = ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_TEXT]
    return clean, clean.startswith(FORMULA_TRIGGERS)


def put(cell: Cell, value: object, kind: Kind = "text") -> Cell:
    """Store ``value`` in ``cell`` as a plain value (never a formula) with the format of ``kind``.

    Strings go through :func:`neutralise` and are always stored as text; a
    string starting like a formula also gets the quote-prefix style, so that
    editing the cell in Excel keeps it text.
    """
    return CellWriter(cell.parent).fill(cell, value, kind)


#: A value as a cell stores it: the value itself, its number format, and whether it needs the quote prefix.
Stored = tuple[str | int | float | None, str, bool]


class CellWriter:
    """Writes plain values into one sheet, neutralising each distinct text only once.

    Tables repeat the same few names (roles, units, period labels) in every
    row, so checking a text once and reusing the answer saves most of the
    work of writing a large table.
    """

    def __init__(self, ws: Worksheet) -> None:
        self._cell = ws.cell
        self._safe: dict[str, Stored] = {}

    def stored(self, value: object, kind: Kind) -> Stored:
        """What a cell holds for ``value`` shown as ``kind``, as :func:`put` stores it."""
        if isinstance(value, str):
            safe = self._safe.get(value)
            if safe is None:
                text, needs_prefix = neutralise(value)
                safe = self._safe[value] = (text, GENERAL, needs_prefix)
            return safe
        if isinstance(value, bool):
            # A planner reads yes/no, not TRUE/FALSE.
            return self.stored("yes" if value else "no", "text")
        if value is None or isinstance(value, int | float):
            return value, NUMBER_FORMATS[kind], False
        return self.stored(str(value), "text")

    def fill(self, cell: Cell, value: object, kind: Kind) -> Cell:
        """Store ``value`` in ``cell`` as :func:`put` does."""
        stored, number_format, needs_prefix = self.stored(value, kind)
        cell.value = stored
        if isinstance(stored, str):
            # openpyxl turns any string starting with "=" into a formula; force text.
            cell.data_type = "s"
        if needs_prefix:
            cell.quotePrefix = True
        if number_format != GENERAL:
            # "General" is what a cell shows without a format, so setting it would change nothing.
            cell.number_format = number_format
        return cell

    def put(self, row: int, column: int, value: object, kind: Kind) -> Cell:
        """Write ``value`` at ``row``, ``column`` as :func:`put` does."""
        return self.fill(self._cell(row, column), value, kind)

    def table_cell(self, cell: Cell, value: object, kind: Kind, bold: bool) -> Cell:
        """Store one value of a table row in ``cell``: a :class:`Shown` value in its own format, bold if asked."""
        if isinstance(value, Shown):
            self.fill(cell, value.value, value.kind)
        else:
            self.fill(cell, value, kind)
        if bold:
            cell.font = BOLD
        return cell

    def row(self, row: int, left: int, kinds: Sequence[Kind], values: Sequence[object], bold: bool) -> None:
        """Write one table row from column ``left`` on, each value in the format of its column's kind."""
        for column, kind, value in zip(range(left, left + len(kinds)), kinds, values, strict=True):
            self.table_cell(self._cell(row, column), value, kind, bold)


def text_cell(ws: Worksheet, row: int, column: int, text: str, font: Font | None = None) -> Cell:
    """Write a line of text (a title, heading or note) at ``row``, ``column``."""
    cell = put(ws.cell(row=row, column=column), text)
    if font is not None:
        cell.font = font
    return cell


class Shown(NamedTuple):
    """A table value whose number format differs from its column's (rows of mixed measures).

    A named tuple rather than a frozen dataclass: the Assumptions sheet of a
    large plan holds tens of thousands, and a tuple is made several times
    faster.
    """

    value: object
    kind: Kind


@dataclass(frozen=True)
class Column:
    """One column of a results table: its header and how its values are shown."""

    header: str
    kind: Kind = "text"
    width: float | None = None


class TableNames:
    """Hands out Excel table names that are unique in the workbook (including tables already in it)."""

    def __init__(self, workbook: Workbook) -> None:
        self._taken = {name.lower() for ws in workbook.worksheets for name in ws.tables}

    def claim(self, wanted: str) -> str:
        """Return ``wanted`` or ``wanted_2``, ``wanted_3`` ... whichever is still free."""
        name, number = wanted, 1
        while name.lower() in self._taken:
            number += 1
            name = f"{wanted}_{number}"
        self._taken.add(name.lower())
        return name


def unique_headers(headers: Sequence[str]) -> list[str]:
    """Make table headers unique, ignoring case, as Excel requires (``Name``, ``Name (2)``, ...).

    Line breaks are replaced by spaces because a table header is one line.
    """
    seen: set[str] = set()
    result: list[str] = []
    for header in headers:
        base = _LINE_BREAKS.sub(" ", neutralise(header)[0]).strip() or "Column"
        name, number = base, 1
        while name.lower() in seen:
            number += 1
            name = f"{base} ({number})"
        seen.add(name.lower())
        result.append(name)
    return result


@dataclass(frozen=True)
class TableRange:
    """Where a written table sits: header row, first and last data row, first and last column."""

    header_row: int
    first_row: int
    last_row: int
    first_column: int
    last_column: int


def write_table(
    ws: Worksheet,
    names: TableNames,
    name: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    top: int = 1,
    left: int = 1,
    bold_rows: Sequence[int] = (),
    large: LargeTables | None = None,
) -> TableRange | None:
    """Write ``rows`` under a header as one Excel table with per-column number formats.

    Parameters
    ----------
    ws
        Sheet to write on.
    names
        Table-name registry of the workbook.
    name
        Wanted table name (letters, digits, underscores).
    columns
        Header and number format of each column.
    rows
        Values, one sequence per row, in column order.
    top, left
        Cell of the first header.
    bold_rows
        Indexes (0-based) of rows shown in bold, such as a total.
    large
        Where the workbook keeps the rows of its large tables until it is
        saved (see :class:`~rolemix.report.bulk.LargeTables`); without it
        every cell is written here.

    Returns
    -------
    TableRange or None
        The table's position, or ``None`` when there were no rows (Excel
        cannot hold a table without data rows, so nothing is written).
    """
    materialised = list(rows)
    if not materialised:
        return None
    headers = unique_headers([column.header for column in columns])
    writer = CellWriter(ws)
    for offset, header in enumerate(headers):
        cell = writer.put(top, left + offset, header, "text")
        # Explicit header colours as well as the table style: LibreOffice prints without table styles.
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    kinds = [column.kind for column in columns]
    bold = set(bold_rows)
    if large is None or not large.hold(ws, writer, top + 1, left, kinds, materialised, bold):
        for index, values in enumerate(materialised):
            writer.row(top + 1 + index, left, kinds, values, index in bold)
    last_row = top + len(materialised)
    last_column = left + len(columns) - 1
    ref = f"{get_column_letter(left)}{top}:{get_column_letter(last_column)}{last_row}"
    table = Table(displayName=names.claim(name), ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    # The columns as openpyxl would name them from the header cells when saving (numbered by sheet column),
    # said here because the data cells of a large table are not in the sheet for it to look through.
    table.tableColumns = [TableColumn(id=left + offset, name=header) for offset, header in enumerate(headers)]
    table.autoFilter = AutoFilter(ref=ref)
    ws.add_table(table)
    header_lines = 1
    for offset, (column, header) in enumerate(zip(columns, headers, strict=True)):
        letter = get_column_letter(left + offset)
        width = column.width if column.width is not None else _fitting_width(header, materialised, offset, column)
        width = max(width, ws.column_dimensions[letter].width or 0.0)
        ws.column_dimensions[letter].width = width
        header_lines = max(header_lines, min(3, math.ceil((len(header) + 2) / width)))
    if header_lines > 1:
        # Excel does not grow a row for wrapped text on opening; say how tall the header is.
        ws.row_dimensions[top].height = 15.0 * header_lines
    return TableRange(top, top + 1, last_row, left, last_column)


def _fitting_width(header: str, rows: Sequence[Sequence[object]], index: int, column: Column) -> float:
    """A column width (in characters) that shows every value; long headers wrap instead of widening numbers."""
    # A column at a time, not a value: the tables of a large plan have over a hundred columns to measure.
    sample = [values[index] for values in rows[:500]]
    sample = [value.value if isinstance(value, Shown) else value for value in sample]
    texts = [value for value in sample if isinstance(value, str)]
    numbers = [value for value in sample if isinstance(value, float | int) and not isinstance(value, bool)]
    longest = max(map(len, texts), default=0)
    if numbers:
        widest = "+100.0%" if column.kind.startswith("share") else max(map("+{:,.1f}".format, numbers), key=len)
        longest = max(longest, len(widest))
    header_room = min(len(header), 24 if texts else 10)
    return float(min(max(longest, header_room, 6) + 3, 60))


def print_setup(
    ws: Worksheet,
    *,
    fit_height: bool = False,
    title_rows: str | None = None,
    area: str | None = None,
) -> None:
    """Landscape, fitted to one page wide (and one page tall when ``fit_height``), narrow margins.

    Parameters
    ----------
    ws
        Sheet to set up.
    fit_height
        Also fit the sheet to one page tall (the one-page Summary).
    title_rows
        Rows repeated on every printed page, e.g. ``"1:1"`` for a table header.
    area
        Print area, e.g. ``"A1:P120"``; the whole used range when ``None``.
    """
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if fit_height else 0
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    if title_rows is not None:
        ws.print_title_rows = title_rows
    if area is not None:
        ws.print_area = area
