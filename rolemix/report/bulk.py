"""Large results tables written straight into the saved workbook.

Writing a plan of tens of thousands of people cell by cell through openpyxl
takes most of the time of a run.  :class:`LargeTables` keeps the data rows
of a long table back instead: openpyxl writes everything else (the header,
the Excel table, widths, print setup, the other sheets), and the kept rows
are then put into the sheet of the saved file as the same XML openpyxl would
have written for them, with the same values, number formats, bold rows and
quote prefixes (see :class:`~rolemix.report.cells.CellWriter`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from itertools import pairwise
from pathlib import Path
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl.cell.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from rolemix.report.cells import CellWriter, Kind, Shown

#: Tables with more data rows than this are kept back and written straight into the saved file.
LARGE_TABLE_ROWS = 1_000

_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>(.*)</sheetData>", re.DOTALL)
_ROW = re.compile(r'<row r="(\d+)"([^>]*?)(?:\s*/>|>(.*?)</row>)', re.DOTALL)
_CELL = re.compile(r'<c r="([A-Z]+)\d+"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)
_DIMENSION = re.compile(r'<dimension ref="([^"]*)"')

#: Cells of one row: first and last column, and their XML.
_Cells = tuple[int, int, str]


@dataclass
class _Table:
    """The kept-back data rows of one table."""

    ws: Worksheet
    writer: CellWriter
    first_row: int
    left: int
    kinds: Sequence[Kind]
    rows: Sequence[Sequence[object]]
    bold: set[int]
    #: Rows written through openpyxl after all, because a cell of theirs was asked for.
    written: set[int] = field(default_factory=set)

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1

    @property
    def right(self) -> int:
        return self.left + len(self.kinds) - 1


class LargeTables:
    """The data rows of a workbook's large tables, kept back until the workbook is saved."""

    def __init__(self) -> None:
        self._tables: list[_Table] = []

    def hold(
        self,
        ws: Worksheet,
        writer: CellWriter,
        first_row: int,
        left: int,
        kinds: Sequence[Kind],
        rows: Sequence[Sequence[object]],
        bold: set[int],
    ) -> bool:
        """Keep back the data rows of a table longer than :data:`LARGE_TABLE_ROWS` rows.

        Parameters
        ----------
        ws
            Sheet of the table.
        writer
            The table's cell writer (its header is already written).
        first_row, left
            Cell of the first value.
        kinds
            Number format of each column.
        rows
            Values, one sequence per row, in column order.
        bold
            Indexes (0-based) of rows shown in bold.

        Returns
        -------
        bool
            Whether the rows are kept back; ``False`` for a short table,
            whose cells the caller writes.
        """
        if len(rows) <= LARGE_TABLE_ROWS:
            return False
        self._tables.append(_Table(ws, writer, first_row, left, kinds, rows, bold))
        return True

    def cell(self, ws: Worksheet, row: int, column: int) -> Cell:
        """The cell at ``row``, ``column`` of ``ws``, ready for more styling (such as a highlight).

        A kept-back row it belongs to is first written through openpyxl, as
        a short table's row would have been.
        """
        for table in self._tables:
            index = row - table.first_row
            if (
                table.ws is ws
                and table.left <= column <= table.right
                and 0 <= index < len(table.rows)
                and index not in table.written
            ):
                table.written.add(index)
                table.writer.row(row, table.left, table.kinds, table.rows[index], index in table.bold)
        return ws.cell(row=row, column=column)

    def save(self, workbook: Workbook, path: Path) -> None:
        """Save ``workbook`` to ``path`` with every kept-back row in its sheet.

        openpyxl saves the workbook into memory; the file at ``path`` then
        gets every part of it unchanged except the sheets of large tables,
        whose rows are merged in row and column order.
        """
        if not self._tables:
            workbook.save(path)
            return
        # Cell styles must be known before openpyxl writes the style sheet, so the rows are made first.
        kept: defaultdict[Worksheet, dict[int, list[_Cells]]] = defaultdict(dict)
        for table in self._tables:
            rows = kept[table.ws]
            for number, cells in _rows_xml(table):
                rows.setdefault(number, []).append((table.left, table.right, cells))
        saved = BytesIO()
        workbook.save(saved)
        sheets = {ws.path.lstrip("/"): ws for ws in kept}
        with ZipFile(saved) as source, ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as target:
            for info in source.infolist():
                data = source.read(info)
                ws = sheets.get(info.filename)
                if ws is not None:
                    tables = [table for table in self._tables if table.ws is ws]
                    data = _with_rows(data.decode("utf-8"), kept[ws], tables).encode("utf-8")
                target.writestr(info, data)


def _rows_xml(table: _Table) -> Iterator[tuple[int, str]]:
    """Each kept-back row of ``table`` as openpyxl would write it: its number and the XML of its cells."""
    styles: dict[tuple[str, bool, bool], str] = {}
    texts: dict[str, str] = {}
    letters = [get_column_letter(column) for column in range(table.left, table.right + 1)]
    stored_as = table.writer.stored
    for index, values in enumerate(table.rows):
        if index in table.written:
            continue
        number = table.first_row + index
        bold = index in table.bold
        cells: list[str] = []
        for letter, kind, value in zip(letters, table.kinds, values, strict=True):
            if isinstance(value, Shown):
                stored, number_format, needs_prefix = stored_as(value.value, value.kind)
            else:
                stored, number_format, needs_prefix = stored_as(value, kind)
            style = styles.get((number_format, bold, needs_prefix))
            if style is None:
                # One cell of each look, outside the sheet, gives the index of its style in the saved file.
                model = table.writer.table_cell(Cell(table.ws), value, kind, bold)
                style = f' s="{model.style_id}"' if model.has_style else ""
                styles[(number_format, bold, needs_prefix)] = style
            if isinstance(stored, str):
                text = texts.get(stored)
                if text is None:
                    text = texts[stored] = _text_xml(stored)
                cells.append(f'<c r="{letter}{number}"{style} t="inlineStr"{text}')
            elif stored is not None:
                shown = safe_string(stored)
                cells.append(
                    f'<c r="{letter}{number}"{style} t="n"><v>{shown}</v></c>'
                    if shown
                    else f'<c r="{letter}{number}"{style} t="n"><v /></c>'
                )
            elif style:
                cells.append(f'<c r="{letter}{number}"{style} t="n" />')
        yield number, "".join(cells)


def _text_xml(text: str) -> str:
    """The end of a text cell's XML, as openpyxl writes it (spaces kept where they lead or trail a text)."""
    if not text:
        return " />"
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f"><is><t{space}>{escape(text)}</t></is></c>"


def _with_rows(xml: str, kept: dict[int, list[_Cells]], tables: list[_Table]) -> str:
    """A sheet's XML as openpyxl wrote it, with the kept-back rows and a dimension that covers them.

    Rows openpyxl wrote itself keep their attributes (such as a height);
    where such a row also has kept-back cells, the cells are put in column
    order.

    Raises
    ------
    ValueError
        openpyxl wrote a cell of a kept-back row too (it was reached without
        :meth:`LargeTables.cell`), which would leave the row with two cells
        in one place.
    """
    data = _SHEET_DATA.search(xml)
    if data is None:
        raise ValueError("openpyxl wrote a sheet without cell data")
    attributes: dict[int, str] = {}
    for own in _ROW.finditer(data.group(1) or ""):
        number = int(own.group(1))
        attributes[number] = own.group(2)
        merged = kept.get(number, [])
        for cell in _CELL.finditer(own.group(3) or ""):
            column = column_index_from_string(cell.group(1))
            merged.append((column, column, cell.group(0)))
        merged.sort()
        kept[number] = merged
        if any(before[1] >= after[0] for before, after in pairwise(merged)):
            raise ValueError(f"row {number} has a cell both kept back and written by openpyxl")
    rows = "".join(
        f'<row r="{number}"{attributes.get(number, "")}>{"".join(cells for _, _, cells in kept[number])}</row>'
        for number in sorted(kept)
    )
    xml = f"{xml[: data.start()]}<sheetData>{rows}</sheetData>{xml[data.end() :]}"
    return _DIMENSION.sub(lambda found: f'<dimension ref="{_covering(found.group(1), tables)}"', xml, count=1)


def _covering(ref: str, tables: list[_Table]) -> str:
    """The range ``ref`` widened to every cell of ``tables``."""
    first_column, first_row, last_column, last_row = range_boundaries(ref)
    for table in tables:
        first_column, last_column = min(first_column, table.left), max(last_column, table.right)
        first_row, last_row = min(first_row, table.first_row), max(last_row, table.last_row)
    return f"{get_column_letter(first_column)}{first_row}:{get_column_letter(last_column)}{last_row}"
