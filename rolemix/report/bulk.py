"""Large results tables written straight into the saved workbook.

Writing a plan of tens of thousands of people cell by cell through openpyxl
takes most of the time of a run.  :class:`LargeTables` keeps the data rows
of a long table back instead: openpyxl writes everything else (the header,
the Excel table, widths, print setup, the other sheets), and the kept rows
are then put into the sheet of the saved file as the same XML openpyxl would
have written for them, with the same values, number formats, bold rows and
quote prefixes (see :class:`~rolemix.report.cells.CellWriter`).

The rows of a 62,000-employee plan hold over a million cells, so the XML is
made a column at a time, not a cell at a time: each distinct text and each
distinct number of a column is turned into its cell's XML once, and each
row is then one join of its cells.  The saved file is compressed at a low
level (:data:`COMPRESS_LEVEL`) in a second thread while the sheets are
merged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from io import BytesIO
from itertools import pairwise, repeat
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

import numpy as np
from openpyxl.cell.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from rolemix.report.cells import CellWriter, Kind, Shown, Stored

#: Tables with more data rows than this are kept back and written straight into the saved file.
LARGE_TABLE_ROWS = 1_000

#: Deflate level of a saved workbook with large tables (zlib's 1 to 9; openpyxl uses 6).  Level 1 compresses
#: the 59 MB of XML of a 62,000-employee plan four times faster than 6, into a file a quarter larger (7.3 MB
#: instead of 5.8 MB).
COMPRESS_LEVEL = 1

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
        whose rows are merged in row and column order.  A second thread
        compresses each part (zlib lets go of Python's lock while it works)
        while this one makes the next sheet's rows.
        """
        if not self._tables:
            workbook.save(path)
            return
        # Cell styles must be known before openpyxl writes the style sheet, so the looks of the rows come first.
        kept: defaultdict[Worksheet, list[_TableXml]] = defaultdict(list)
        for table in self._tables:
            kept[table.ws].append(_TableXml(table))
        saved = BytesIO()
        workbook.save(saved)
        sheets = {ws.path.lstrip("/"): ws for ws in kept}
        with (
            ZipFile(saved) as source,
            ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as target,
            ThreadPoolExecutor(max_workers=1) as compressor,
        ):
            parts: list[Future[None]] = []
            for info in source.infolist():
                data = source.read(info)
                ws = sheets.get(info.filename)
                if ws is not None:
                    data = _with_rows(data.decode("utf-8"), kept[ws]).encode("utf-8")
                # One thread writes every part, in order.
                parts.append(compressor.submit(target.writestr, info, data, compresslevel=COMPRESS_LEVEL))
            for part in parts:
                part.result()


class _CellXml:
    """The XML of one table's cells as openpyxl writes them, each look's style and each text's XML made once."""

    def __init__(self, table: _Table) -> None:
        self._table = table
        self._styles: dict[tuple[str, bool, bool], str] = {}
        self._texts: dict[str, str] = {}

    def style(self, value: object, kind: Kind, bold: bool) -> str:
        """The style attribute (``' s="5"'``, or nothing for the default style) of a cell holding ``value``."""
        _, number_format, needs_prefix = self._stored(value, kind)
        return self._style(value, kind, bold, (number_format, bold, needs_prefix))

    def tail(self, value: object, kind: Kind, bold: bool) -> str | None:
        """A cell's XML after its reference (``<c r="B7"``), or ``None`` where openpyxl writes no cell."""
        stored, number_format, needs_prefix = self._stored(value, kind)
        style = self._style(value, kind, bold, (number_format, bold, needs_prefix))
        if isinstance(stored, str):
            text = self._texts.get(stored)
            if text is None:
                text = self._texts[stored] = _text_xml(stored)
            return f'{style} t="inlineStr"{text}'
        if stored is not None:
            shown = safe_string(stored)
            return f'{style} t="n"><v>{shown}</v></c>' if shown else f'{style} t="n"><v /></c>'
        return f'{style} t="n" />' if style else None

    def cell(self, reference: str, value: object, kind: Kind, bold: bool) -> str:
        """A cell's whole XML, or nothing where openpyxl writes no cell."""
        tail = self.tail(value, kind, bold)
        return "" if tail is None else f'<c r="{reference}"{tail}'

    def _stored(self, value: object, kind: Kind) -> Stored:
        if isinstance(value, Shown):
            return self._table.writer.stored(value.value, value.kind)
        return self._table.writer.stored(value, kind)

    def _style(self, value: object, kind: Kind, bold: bool, look: tuple[str, bool, bool]) -> str:
        style = self._styles.get(look)
        if style is None:
            # One cell of each look, outside the sheet, gives the index of its style in the saved file.
            model = self._table.writer.table_cell(Cell(self._table.ws), value, kind, bold)
            style = self._styles[look] = f' s="{model.style_id}"' if model.has_style else ""
        return style


class _TableXml:
    """The XML of a kept-back table's rows, made in two steps.

    Made, it has found the look of every cell, so that each style is in
    the workbook before openpyxl writes the style sheet; :meth:`rows` then
    writes the text, after openpyxl has saved the workbook.
    """

    def __init__(self, table: _Table) -> None:
        self.table = table
        cell_xml = _CellXml(table)
        letters = [get_column_letter(column) for column in range(table.left, table.right + 1)]
        self._bold: dict[int, str] = {}
        for index in sorted(table.bold - table.written):
            if 0 <= index < len(table.rows):
                # A bold row (a total) is rare in a large table: its cells are made one by one.
                number = table.first_row + index
                cells = "".join(
                    cell_xml.cell(f"{letter}{number}", value, kind, True)
                    for letter, kind, value in zip(letters, table.kinds, table.rows[index], strict=True)
                )
                self._bold[number] = f'<row r="{number}">{cells}</row>'
        skipped = table.bold | table.written
        plain = [index for index in range(len(table.rows)) if index not in skipped]
        self._row_numbers = [table.first_row + index for index in plain]
        values = table.rows if len(plain) == len(table.rows) else [table.rows[index] for index in plain]
        by_column = list(zip(*values, strict=True))
        if plain and len(by_column) != len(table.kinds):
            raise ValueError(f"rows of {len(by_column)} values in a table of {len(table.kinds)} columns")
        self._columns = [
            _Column(cell_xml, letter, kind, column_values)
            for letter, kind, column_values in zip(letters, table.kinds, by_column, strict=False)
        ]

    def rows(self) -> dict[int, str]:
        """Each kept-back row as openpyxl would write it: row number -> the row's XML."""
        row_numbers = list(map(str, self._row_numbers))
        parts: list[_Part] = ['<row r="', row_numbers, '">']
        for column in self._columns:
            parts += column.parts(row_numbers)
        parts.append("</row>")
        rows = dict(self._bold)
        rows.update(zip(self._row_numbers, _joined(parts), strict=True))
        return rows


#: Part of the XML of a table's rows: text that is the same on every row, or one text per row.
_Part = str | Sequence[str]

#: Types of value a column shows in the number format of its kind, with no work per cell.
_PLAIN = {str, int, float, type(None)}
_NUMBERS = {int, float}


class _Column:
    """One column of a table's plain (not bold) rows.

    Every cell is ``<c r="B7"`` and its tail (see :meth:`_CellXml.tail`).
    Made, the column has added the style of each of its looks to the
    workbook; :meth:`parts` then writes the cells.  Texts, finite numbers
    and gaps, almost every cell of a plan, are worked out per distinct text
    and per distinct number; a column holding anything else is made cell by
    cell.  A value with its own format (:class:`Shown`) is its value in
    that format.
    """

    def __init__(self, cell_xml: _CellXml, letter: str, kind: Kind, values: Sequence[object]) -> None:
        self._letter = letter
        self._kinds: Kind | list[Kind] = kind
        self._values = values
        types = set(map(type, values))
        if Shown in types:
            self._kinds = [value.kind if type(value) is Shown else kind for value in values]
            self._values = [value.value if type(value) is Shown else value for value in values]
            types = set(map(type, self._values))
        self._types = types
        #: The tail of each cell, when the column is made cell by cell.
        self._cells: Sequence[str | None] | None = None
        self._texts: dict[object, str | None] = {}
        self._styles: dict[Kind, str] = {}
        self._floats = _as_floats(self._values, types) if types <= _PLAIN else None
        if self._floats is None or not np.isfinite(self._floats).all():
            # openpyxl writes NaN and infinity as an empty value, and anything else as its text.
            self._cells = [cell_xml.tail(value, kind, False) for value in values]
            return
        if str in types:
            # A text is stored as text whatever its kind.
            texts = dict.fromkeys(self._values if types == {str} else self._strings())
            self._texts = {text: cell_xml.tail(text, "text", False) for text in texts}
        if types - {str}:
            # Numbers and gaps have the number format of their kind: a style is added for each kind in use.
            self._styles = {used: cell_xml.style(None, used, False) for used in self._number_kinds()}

    def _strings(self) -> Iterator[object]:
        """The column's texts, in order."""
        return (value for value in self._values if type(value) is str)

    def _number_kinds(self) -> Iterable[Kind]:
        """The kinds of the column's numbers and gaps, in order of first appearance."""
        if isinstance(self._kinds, str):
            return [self._kinds]
        return dict.fromkeys(
            kind for value, kind in zip(self._values, self._kinds, strict=True) if type(value) is not str
        )

    def parts(self, row_numbers: Sequence[str]) -> list[_Part]:
        """The column's cells as parts of the rows' XML (see :func:`_joined`)."""
        tails = self._tails()
        if None in tails:
            # Where openpyxl writes no cell there is no reference either, so these cells are made one by one.
            letter = self._letter
            cells = [
                "" if tail is None else f'<c r="{letter}{number}"{tail}'
                for number, tail in zip(row_numbers, tails, strict=True)
            ]
            return [cells]
        return [f'<c r="{self._letter}', row_numbers, '"', cast("list[str]", tails)]

    def _tails(self) -> Sequence[str | None]:
        """The tail of each cell, or ``None`` where openpyxl writes no cell."""
        if self._cells is not None:
            return self._cells
        values, kinds, types = self._values, self._kinds, self._types
        if types == {str}:
            return list(map(self._texts.__getitem__, values))
        numbers = cast("np.ndarray", self._floats)
        if not isinstance(kinds, str):
            digits = iter(_digits(numbers))
            return [self._tail(value, kind, digits) for value, kind in zip(values, kinds, strict=True)]
        # One kind: the whole tail of each distinct number is made once.
        number_tails = _digits(numbers, f'{self._styles.get(kinds, "")} t="n"><v>', "</v></c>")
        if types <= _NUMBERS:
            return number_tails
        following = iter(number_tails)
        gap = self._gap(kinds) if type(None) in types else None
        return [self._texts[value] if type(value) is str else gap if value is None else next(following)
                for value in values]

    def _tail(self, value: object, kind: Kind, digits: Iterator[str]) -> str | None:
        """The tail of a text, a gap, or a number (whose digits are next in ``digits``) shown as ``kind``."""
        if type(value) is str:
            return self._texts[value]
        if value is None:
            return self._gap(kind)
        return f'{self._styles[kind]} t="n"><v>{next(digits)}</v></c>'

    def _gap(self, kind: Kind) -> str | None:
        """A gap's tail: openpyxl writes an empty cell only when it has a style."""
        style = self._styles[kind]
        return f'{style} t="n" />' if style else None


def _as_floats(values: Sequence[object], types: set[type]) -> np.ndarray:
    """The numbers among ``values`` (in order) as floats, as openpyxl formats them."""
    if types <= _NUMBERS:
        return np.array(values, dtype=np.float64)
    if not types & _NUMBERS:
        return np.empty(0, dtype=np.float64)
    return np.array([value for value in values if type(value) in _NUMBERS], dtype=np.float64)


def _digits(numbers: np.ndarray, before: str = "", after: str = "") -> list[str]:
    """Each number as openpyxl writes it (``"%.16g" % number``) between ``before`` and ``after``.

    A plan's columns repeat a few values (mostly zero) thousands of times,
    so each distinct number is formatted once.  Numbers are told apart by
    their bits, so that 0.0 and -0.0, equal as numbers, keep their own
    digits ("0" and "-0").  ``.16g`` gives the same digits as ``%.16g``.
    """
    if not len(numbers):
        return []
    distinct, where = np.unique(numbers.view(np.int64), return_inverse=True)
    texts = [f"{before}{number:.16g}{after}" for number in distinct.view(np.float64).tolist()]
    return list(map(texts.__getitem__, where.tolist()))


def _joined(parts: Sequence[_Part]) -> list[str]:
    """Each row's text: the parts joined, text that is the same on every row repeated on each."""
    merged: list[_Part] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif not isinstance(part, str) or part:
            merged.append(part)
    # The per-row parts set the number of rows; a repeated text lasts as long as needed.
    return list(map("".join, zip(*(repeat(part) if isinstance(part, str) else part for part in merged), strict=False)))


def _text_xml(text: str) -> str:
    """The end of a text cell's XML, as openpyxl writes it (spaces kept where they lead or trail a text)."""
    if not text:
        return " />"
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f"><is><t{space}>{escape(text)}</t></is></c>"


def _with_rows(xml: str, kept: list[_TableXml]) -> str:
    """A sheet's XML as openpyxl wrote it, with the kept-back rows and a dimension that covers them.

    Rows openpyxl wrote itself keep their attributes (such as a height);
    where a row has cells from more than one place (openpyxl and a table,
    or two tables side by side), the cells are put in column order.

    Raises
    ------
    ValueError
        openpyxl wrote a cell of a kept-back row too (it was reached without
        :meth:`LargeTables.cell`), which would leave the row with two cells
        in one place.
    """
    tables = [table_xml.table for table_xml in kept]
    xml = _DIMENSION.sub(lambda found: f'<dimension ref="{_covering(found.group(1), tables)}"', xml, count=1)
    data = _SHEET_DATA.search(xml)
    if data is None:
        raise ValueError("openpyxl wrote a sheet without cell data")
    attributes: dict[int, str] = {}
    own: dict[int, list[_Cells]] = {}
    rows: dict[int, str] = {}
    for row in _ROW.finditer(data.group(1) or ""):
        number = int(row.group(1))
        attributes[number] = row.group(2)
        own[number] = [
            (column, column, cell.group(0))
            for cell in _CELL.finditer(row.group(3) or "")
            for column in (column_index_from_string(cell.group(1)),)
        ]
        rows[number] = f'<row r="{number}"{row.group(2)}>{"".join(text for _, _, text in own[number])}</row>'
    by_table = [(table_xml.table, table_xml.rows()) for table_xml in kept]
    shared: set[int] = set()
    for _, table_rows in by_table:
        shared |= table_rows.keys() & rows.keys()
        rows.update(table_rows)
    for number in sorted(shared):
        cells = _merged(number, own.get(number, []), by_table)
        rows[number] = f'<row r="{number}"{attributes.get(number, "")}>{cells}</row>'
    return "".join(
        [xml[: data.start()], "<sheetData>", *map(rows.__getitem__, sorted(rows)), "</sheetData>", xml[data.end() :]]
    )


def _merged(number: int, own: list[_Cells], by_table: list[tuple[_Table, dict[int, str]]]) -> str:
    """The cells of row ``number`` from openpyxl and from each table that has the row, in column order."""
    pieces = own + [(table.left, table.right, _cells_of(rows[number])) for table, rows in by_table if number in rows]
    pieces.sort()
    if any(before[1] >= after[0] for before, after in pairwise(pieces)):
        raise ValueError(f"row {number} has a cell both kept back and written by openpyxl")
    return "".join(xml for _, _, xml in pieces)


def _cells_of(row: str) -> str:
    """The cells of a kept-back row's XML (``<row r="7">...</row>``)."""
    return row[row.index(">") + 1 : -len("</row>")]


def _covering(ref: str, tables: list[_Table]) -> str:
    """The range ``ref`` widened to every cell of ``tables``."""
    first_column, first_row, last_column, last_row = range_boundaries(ref)
    for table in tables:
        first_column, last_column = min(first_column, table.left), max(last_column, table.right)
        first_row, last_row = min(first_row, table.first_row), max(last_row, table.last_row)
    return f"{get_column_letter(first_column)}{first_row}:{get_column_letter(last_column)}{last_row}"
