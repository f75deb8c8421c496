"""Large results tables written straight into the saved workbook.

Writing a plan of tens of thousands of people cell by cell through openpyxl
takes most of the time of a run.  :class:`LargeTables` keeps the data rows
of a long table back instead: openpyxl writes everything else (the header,
the Excel table, widths, print setup, the other sheets), and the kept rows
are then put into the sheet of the saved file as the same XML openpyxl would
have written for them, with the same values, number formats, bold rows and
quote prefixes (see :class:`~rolemix.report.cells.CellWriter`).

The rows of a 62,000-employee plan hold over a million cells, so no Python
code runs per cell: a table's plain rows all have one shape, so they are one
``%`` template, filled in row by row with each row's number, the XML of each
text (made once per distinct text) and each number, whose digits ``%.16g``
writes as openpyxl does.  The sheets are compressed at a low level
(:data:`COMPRESS_LEVEL`, with Intel's ISA-L where installed) as they are made, and where it pays a forked copy
of this process makes and compresses about half of them on the second core
(:class:`_Helper`); the compressed parts are then written as the zip file
(:func:`_write_zip`).
"""

from __future__ import annotations

import importlib
import math
import multiprocessing
import re
import signal
import struct
import zlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from io import BytesIO
from itertools import pairwise
from multiprocessing.connection import Connection
from operator import itemgetter
from pathlib import Path
from types import ModuleType
from typing import NamedTuple, cast
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl.cell.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from rolemix.forking import may_fork, start_forked, stop_forked
from rolemix.report.cells import FORMULA_TRIGGERS, CellWriter, Kind, Shown, Stored

#: Tables with more data rows than this are kept back and written straight into the saved file.
LARGE_TABLE_ROWS = 1_000

#: Deflate level of a saved workbook with large tables (ISA-L's 0 to 3, zlib's 1 to 9; openpyxl uses zlib's 6).
COMPRESS_LEVEL = 1


def _deflate_module() -> ModuleType:
    """Intel's ISA-L deflate where installed, else zlib: both write the deflate streams every zip reader reads.

    At level 1 ISA-L compresses the 62 MB of XML of a 62,000-employee plan in 0.07 s into 9.0 MB; zlib takes
    0.27-0.39 s and makes 9.6 MB (zlib at level 6, as openpyxl, takes about four times as long as at 1).
    """
    try:
        return importlib.import_module("isal.isal_zlib")
    except ImportError:  # no ISA-L for this platform
        return zlib


#: The deflate module the large sheets are compressed with (see :func:`_deflate_module`).
DEFLATE = _deflate_module()

#: Rows made in one go (one call into C that keeps Python's lock, about 5 ms) and compressed in one piece.
ROWS_AT_ONCE = 500

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
        whose rows are merged in row and column order.  Where it pays and is
        safe (see :class:`_Helper`), a forked copy of this process makes and
        compresses about half of those sheets while this one does the rest;
        otherwise a second thread compresses each part while this one makes
        the next.
        """
        if not self._tables:
            workbook.save(path)
            return
        # Cell styles must be known before openpyxl writes the style sheet, so the looks of the rows come first.
        kept: defaultdict[Worksheet, list[_TableXml]] = defaultdict(list)
        for table in self._tables:
            kept[table.ws].append(_TableXml(table))
        sheets = list(kept.values())
        # Started before openpyxl saves: meanwhile the helper gets its tables' rows ready.
        helper = _Helper.start(sheets, _helper_share(sheets))
        try:
            saved = BytesIO()
            workbook.save(saved)
            with ZipFile(saved) as source:
                # The sheets' part names, as openpyxl numbered them when saving.
                sheet_of_part = {ws.path.lstrip("/"): index for index, ws in enumerate(kept)}
                openpyxl_xml = [source.read(name).decode("utf-8") for name in sheet_of_part]
                if helper is not None:
                    helper.hand_over(openpyxl_xml)

                def sheet(index: int) -> Iterator[bytes]:
                    return _with_rows(openpyxl_xml[index], sheets[index])

                parts = _compressed(source, sheet_of_part, sheet, helper)
            _write_zip(path, parts)
        finally:
            # Once the file is written: the helper ends (gives its memory back) meanwhile.
            if helper is not None:
                helper.stop()


def _compressed(
    source: ZipFile, sheet_of_part: dict[str, int], sheet: Callable[[int], Iterable[bytes]], helper: _Helper | None
) -> list[tuple[ZipInfo, _Deflated]]:
    """Every part of the file openpyxl saved (``source``), compressed, in order.

    The sheets of large tables (``sheet_of_part``: part name -> index) are
    made by ``sheet``, here or by ``helper``; every other part is as
    openpyxl wrote it.
    """
    helped = helper.share if helper is not None else []
    made_here: dict[str, _Deflated | Future[_Deflated]] = {}
    # Started after the helper: a process may only be forked while it runs no other thread.
    with ThreadPoolExecutor(max_workers=1) as compressor:
        for info in source.infolist():
            index = sheet_of_part.get(info.filename)
            if index in helped:
                continue
            pieces = sheet(index) if index is not None else [source.read(info)]
            if helper is not None:
                # The helper keeps the other core busy: this process compresses its parts as it makes them.
                made_here[info.filename] = _Deflated.of(pieces)
            else:
                # A second thread compresses each part (deflate lets go of Python's lock while it works) while this
                # one makes the next; in one piece, as between pieces it would wait for the lock.
                made_here[info.filename] = compressor.submit(_Deflated.of, [b"".join(pieces)])
        parts: list[tuple[ZipInfo, _Deflated]] = []
        for info in source.infolist():
            made = made_here.get(info.filename)
            if made is None:
                # Should the helper have failed, its sheets are made here after all.
                index = sheet_of_part[info.filename]
                made = cast("_Helper", helper).take(index) or _Deflated.of(sheet(index))
            parts.append((info, made.result() if isinstance(made, Future) else made))
    return parts


#: Sheets of large tables adding up to fewer cells than this are all made in this process (a fork costs more).
HELPER_MIN_CELLS = 100_000


def _helper_share(sheets: list[list[_TableXml]]) -> list[int]:
    """The sheets (by index) a helper process makes: about half of the work, counted in cells.

    Sheets go, largest first, to whichever process has fewer cells so far;
    the helper gets the larger share, as this process also saves the
    workbook with openpyxl, compresses the other parts and writes the file.
    Nothing when there is too little work (:data:`HELPER_MIN_CELLS`) or only
    one sheet to share out.
    """
    cells = [sum(len(made.table.rows) * len(made.table.kinds) for made in tables) for tables in sheets]
    if len(cells) < 2 or sum(cells) < HELPER_MIN_CELLS:
        return []
    shares: tuple[list[int], list[int]] = ([], [])
    totals = [0, 0]
    for index in sorted(range(len(cells)), key=cells.__getitem__, reverse=True):
        lighter = totals.index(min(totals))
        shares[lighter].append(index)
        totals[lighter] += cells[index]
    return sorted(shares[totals.index(max(totals))])


class _Deflated(NamedTuple):
    """A part of the file compressed as a zip entry holds it (raw deflate), with its checksum and size."""

    data: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, pieces: Iterable[bytes]) -> _Deflated:
        """The part made of ``pieces``, compressed at :data:`COMPRESS_LEVEL`."""
        compressor = DEFLATE.compressobj(COMPRESS_LEVEL, DEFLATE.DEFLATED, -zlib.MAX_WBITS)
        compressed: list[bytes] = []
        crc = size = 0
        for piece in pieces:
            compressed.append(compressor.compress(piece))
            crc = DEFLATE.crc32(piece, crc)
            size += len(piece)
        compressed.append(compressor.flush())
        return cls(b"".join(compressed), crc, size)


#: Sizes and counts a zip file without the zip64 extensions can hold.
_ZIP_LIMIT = 0xFFFF_FFFF
_ZIP_COUNT_LIMIT = 0xFFFF


def _write_zip(path: Path, parts: Sequence[tuple[ZipInfo, _Deflated]]) -> None:
    """Write ``parts``, compressed already, as the zip file at ``path``: as :class:`ZipFile` writes them.

    Each entry keeps the name, time and attributes of its part in the file
    openpyxl saved.  A file too large for plain zip (never a workbook Excel
    could open) is written through :class:`ZipFile`, with zip64.
    """
    if len(parts) >= _ZIP_COUNT_LIMIT or sum(len(part.data) + 100 for _, part in parts) >= _ZIP_LIMIT or any(
        part.size >= _ZIP_LIMIT for _, part in parts
    ):
        with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as target:
            for info, part in parts:
                target.writestr(info, zlib.decompress(part.data, -zlib.MAX_WBITS), compresslevel=COMPRESS_LEVEL)
        return
    directory: list[bytes] = []
    with path.open("wb") as target:
        for info, part in parts:
            info.compress_type, info.flag_bits = ZIP_DEFLATED, 0
            info.CRC, info.compress_size, info.file_size = part.crc, len(part.data), part.size
            offset = target.tell()
            target.write(info.FileHeader(zip64=False))
            target.write(part.data)
            # A name beyond ASCII is UTF-8, and says so (bit 11), as ZipFile writes it.
            name, flags = info.filename.encode("utf-8"), 0 if info.filename.isascii() else 0x800
            year, month, day, hour, minute, second = info.date_time
            directory.append(struct.pack(
                "<4s4B4HL2L5H2L", b"PK\x01\x02", info.create_version, info.create_system, info.extract_version,
                info.reserved, flags, ZIP_DEFLATED, hour << 11 | minute << 5 | second // 2,
                (year - 1980) << 9 | month << 5 | day, part.crc, len(part.data), part.size, len(name),
                len(info.extra), len(info.comment), 0, info.internal_attr, info.external_attr, offset,
            ) + name + info.extra + info.comment)
        start = target.tell()
        target.write(b"".join(directory))
        target.write(struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, len(directory), len(directory), target.tell() - start, start, 0
        ))


class _Helper:
    """A forked copy of this process that makes and compresses some sheets while this one does the others.

    Only on Linux, in a process that may have children and runs no other
    thread (a fork copies one thread: a lock another held would stay
    locked).  Forked before openpyxl saves the workbook, it gets its tables'
    rows ready, is then handed openpyxl's XML of its sheets, and makes them
    all before it sends any, as a send waits until this process reads, which
    it does once its own sheets are done.  Should the helper fail, this
    process makes the sheets it did not send.
    """

    def __init__(self, process: multiprocessing.process.BaseProcess, connection: Connection, share: list[int]) -> None:
        self.process = process
        self.connection = connection
        #: The sheets the helper makes, by index.
        self.share = share
        self._sent: dict[int, _Deflated] = {}
        self._ended = False

    @classmethod
    def start(cls, sheets: list[list[_TableXml]], share: list[int]) -> _Helper | None:
        """A helper making the sheets ``share`` (indexes) of ``sheets``; ``None`` where none may run."""
        if not share or not may_fork():
            return None
        process, connection = start_forked(_help, (sheets, share), duplex=True)
        return cls(process, connection, share)

    def hand_over(self, openpyxl_xml: list[str]) -> None:
        """Send the helper openpyxl's XML of its sheets (``openpyxl_xml`` has every sheet's, by index)."""
        try:
            self.connection.send([openpyxl_xml[index] for index in self.share])
        except OSError:
            self._ended = True  # the helper is gone: this process makes its sheets

    def take(self, index: int) -> _Deflated | None:
        """Sheet ``index`` as the helper sent it; ``None`` if it stopped before."""
        while index not in self._sent and not self._ended:
            try:
                sent_index, part = self.connection.recv()
            except (EOFError, OSError):
                self._ended = True
                break
            self._sent[sent_index] = part
        return self._sent.pop(index, None)

    def stop(self) -> None:
        """Stop the helper if it still runs (after an error or Ctrl+C here) and wait for it to end."""
        stop_forked(self.process, self.connection)


def _help(sheets: list[list[_TableXml]], share: list[int], connection: Connection) -> None:
    """In the helper: make and compress the sheets ``share``, then send them, each with its index."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the first process's to handle
    try:
        for index in share:
            for table_xml in sheets[index]:
                table_xml.prepare()
        openpyxl_xml: list[str] = connection.recv()
        made = [(index, _Deflated.of(_with_rows(xml, sheets[index])))
                for index, xml in zip(share, openpyxl_xml, strict=True)]
        for message in made:
            connection.send(message)
    except Exception:  # noqa: BLE001, S110 - the first process makes whatever was not sent
        pass
    finally:
        connection.close()



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
        #: The XML of each bold row, by row number.
        self.bold: dict[int, str] = {}
        for index in sorted(table.bold - table.written):
            if 0 <= index < len(table.rows):
                # A bold row (a total) is rare in a large table: its cells are made one by one.
                number = table.first_row + index
                cells = "".join(
                    cell_xml.cell(f"{letter}{number}", value, kind, True)
                    for letter, kind, value in zip(letters, table.kinds, table.rows[index], strict=True)
                )
                self.bold[number] = f'<row r="{number}">{cells}</row>'
        skipped = table.bold | table.written
        #: The numbers of the plain rows (neither bold nor written through openpyxl), in order.
        self.row_numbers = list(range(table.first_row, table.last_row + 1))
        values = table.rows
        if skipped:
            plain = [index for index in range(len(table.rows)) if index not in skipped]
            self.row_numbers = [table.first_row + index for index in plain]
            values = [table.rows[index] for index in plain]
        by_column = list(zip(*values, strict=True))
        if self.row_numbers and len(by_column) != len(table.kinds):
            raise ValueError(f"rows of {len(by_column)} values in a table of {len(table.kinds)} columns")
        self._columns = [
            _Column(cell_xml, letter, kind, column_values)
            for letter, kind, column_values in zip(letters, table.kinds, by_column, strict=False)
        ]
        #: The template of a plain row and what fills its fields, column after column (made with the first rows).
        self._template: str | None = None
        self._fields: list[Sequence[object]] = []

    def prepare(self) -> None:
        """Make the template of a plain row and what fills its fields (see :meth:`plain_rows`), if not yet made."""
        if self._template is not None:
            return
        template = ['<row r="%d">']
        self._fields = [self.row_numbers]
        for column in self._columns:
            piece, column_fields = column.cells(self.row_numbers)
            template.append(piece)
            self._fields += column_fields
        template.append("</row>")
        self._template = "".join(template)

    def plain_rows(self, start: int, stop: int) -> str:
        """The XML of plain rows ``start`` to ``stop`` (indexes into :attr:`row_numbers`), as openpyxl would write
        them.

        Every plain row has the same shape, so the rows are one ``%``
        template (see :meth:`_Column.cells`) filled in row by row, the
        numbers' digits included, with no Python code run per cell.
        """
        self.prepare()
        rows = zip(*(field[start:stop] for field in self._fields), strict=True)
        return "".join(map(cast("str", self._template).__mod__, rows))

    def row(self, number: int) -> str | None:
        """The XML of row ``number`` if the table has it (a bold row or a plain one)."""
        if number in self.bold:
            return self.bold[number]
        index = bisect_left(self.row_numbers, number)
        if index < len(self.row_numbers) and self.row_numbers[index] == number:
            return self.plain_rows(index, index + 1)
        return None


#: Types of value a column shows in the number format of its kind, with no work per cell.
_PLAIN = {str, int, float, type(None)}
_NUMBERS = {int, float}

#: A number's value as openpyxl writes it (``safe_string``), in a ``%`` template.
_DIGITS = "%.16g"


class _Column:
    """One column of a table's plain (not bold) rows.

    Every cell is ``<c r="B7"`` and its tail (see :meth:`_CellXml.tail`).
    Made, the column has added the style of each of its looks to the
    workbook; :meth:`cells` then writes the cells.  Texts, finite numbers
    and gaps, almost every cell of a plan, need no look-up per cell: a text's
    tail is made once per distinct text, and a number's digits are
    openpyxl's ``%.16g`` in a template.  A column holding anything else is
    made cell by cell.  A value with its own format (:class:`Shown`) is its
    value in that format.
    """

    def __init__(self, cell_xml: _CellXml, letter: str, kind: Kind, values: Sequence[object]) -> None:
        self._cell_xml = cell_xml
        self._letter = letter
        self._kinds: Kind | Sequence[Kind] = kind
        self._values = values
        types = set(map(type, values))
        if types == {Shown}:
            self._values, self._kinds = zip(*cast("Sequence[Shown]", values), strict=True)
            types = set(map(type, self._values))
        elif Shown in types:
            self._kinds = [value.kind if type(value) is Shown else kind for value in values]
            self._values = [value.value if type(value) is Shown else value for value in values]
            types = set(map(type, self._values))
        self._types = types
        #: The tail of each cell, when the column is made cell by cell.
        self._cells: Sequence[str | None] | None = None
        #: The style of each kind of number in the column.
        self._styles: dict[Kind, str] = {}
        #: The column's distinct texts; their tails are made with the cells.
        self._texts: Iterable[str] = ()
        if not types <= _PLAIN or not _finite(self._values, types):
            # openpyxl writes NaN and infinity as an empty value, and anything else as its text.
            self._cells = [cell_xml.tail(value, kind, False) for value in values]
            return
        if str in types:
            # A text is stored as text whatever its kind, with the quote prefix or without: the style of each
            # look is added.  Only a text that may start like a formula is checked; the others have no prefix.
            self._texts = cast("list[str]", [text for text in dict.fromkeys(self._values) if type(text) is str])
            plain = next((text for text in self._texts if not _may_need_prefix(text)), None)
            for text in [plain, *(text for text in self._texts if _may_need_prefix(text))]:
                if text is not None:
                    cell_xml.style(text, "text", False)
        if types - {str}:
            # Numbers and gaps have the number format of their kind: a style is added for each kind in use.
            self._styles = {used: cell_xml.style(None, used, False) for used in self._number_kinds()}

    def _number_kinds(self) -> Iterable[Kind]:
        """The kinds of the column's numbers and gaps, in order of first appearance."""
        if isinstance(self._kinds, str):
            return [self._kinds]
        # Each type with each kind once, in order; then the kinds of the values that are not texts.
        pairs = dict.fromkeys(zip(map(type, self._values), self._kinds, strict=True))
        return dict.fromkeys(kind for value_type, kind in pairs if value_type is not str)

    def cells(self, row_numbers: Sequence[int]) -> tuple[str, list[Sequence[object]]]:
        """The column's cells as a piece of the rows' ``%`` template and the sequences that fill its fields.

        A column of numbers in one format is ``<c r="B%d" s="5" t="n"><v>%.16g</v></c>``,
        filled with each row's number and value; any other column gives
        each row's tail (or whole cell) as text.
        """
        start = _literal(f'<c r="{self._letter}') + '%d"'
        if self._cells is None and self._types <= _NUMBERS and isinstance(self._kinds, str):
            return start + self._number(self._kinds), [row_numbers, self._values]
        tails = self._tails()
        if None in tails:
            # Where openpyxl writes no cell there is no reference either, so these cells are made one by one.
            letter = self._letter
            cells = [
                "" if tail is None else f'<c r="{letter}{number}"{tail}'
                for number, tail in zip(row_numbers, tails, strict=True)
            ]
            return "%s", [cells]
        return start + "%s", [row_numbers, tails]

    def _tails(self) -> Sequence[str | None]:
        """The tail of each cell, or ``None`` where openpyxl writes no cell."""
        if self._cells is not None:
            return self._cells
        values, kinds, types = self._values, self._kinds, self._types
        texts: dict[object, str | None] = {text: self._cell_xml.tail(text, "text", False) for text in self._texts}
        if types == {str}:
            return list(map(texts.__getitem__, values))
        if isinstance(kinds, str):
            number, gap = self._number(kinds), self._gap(kinds)
            return [texts[value] if type(value) is str else gap if value is None else number % value
                    for value in values]
        numbers = {used: self._number(used) for used in self._styles}
        gaps = {used: self._gap(used) for used in self._styles}
        return [
            texts[value] if type(value) is str else gaps[kind] if value is None else numbers[kind] % value
            for value, kind in zip(values, kinds, strict=True)
        ]

    def _number(self, kind: Kind) -> str:
        """The tail of a number shown as ``kind``, a ``%`` template of its digits."""
        return _literal(f'{self._styles[kind]} t="n"><v>') + _DIGITS + "</v></c>"

    def _gap(self, kind: Kind) -> str | None:
        """A gap's tail: openpyxl writes an empty cell only when it has a style."""
        style = self._styles[kind]
        return f'{style} t="n" />' if style else None


def _finite(values: Sequence[object], types: set[type]) -> bool:
    """Whether no number among ``values`` is NaN or infinite.

    Only a float can be either, and then so is the sum of the floats (a sum
    that overflows merely sends the column the slow way).
    """
    if float not in types:
        return True
    floats = values if types == {float} else [value for value in values if type(value) is float]
    return math.isfinite(sum(cast("Sequence[float]", floats)))


#: First characters of the texts that may need the quote prefix: those of a formula, and those a cell cannot
#: hold (removed, they let the next character start the text).
_PREFIX_STARTS = frozenset(trigger[:1] for trigger in FORMULA_TRIGGERS)


def _may_need_prefix(text: str) -> bool:
    """Whether ``text`` may start like a formula once made safe (:func:`~rolemix.report.cells.neutralise`)."""
    first = text[:1]
    return first < " " or first in _PREFIX_STARTS


def _literal(text: str) -> str:
    """``text`` as it stands in a ``%`` template."""
    return text.replace("%", "%%")


def _text_xml(text: str) -> str:
    """The end of a text cell's XML, as openpyxl writes it (spaces kept where they lead or trail a text)."""
    if not text:
        return " />"
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f"><is><t{space}>{escape(text)}</t></is></c>"


def _with_rows(xml: str, kept: list[_TableXml]) -> Iterator[bytes]:
    """A sheet's XML as openpyxl wrote it, with the kept-back rows and a dimension that covers them.

    The XML comes in pieces of :data:`ROWS_AT_ONCE` rows, encoded: the
    sheet is compressed as it is made, never held whole.

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
    single: dict[int, str] = {}
    for row in _ROW.finditer(data.group(1) or ""):
        number = int(row.group(1))
        attributes[number] = row.group(2)
        own[number] = [
            (column, column, cell.group(0))
            for cell in _CELL.finditer(row.group(3) or "")
            for column in (column_index_from_string(cell.group(1)),)
        ]
        single[number] = f'<row r="{number}"{row.group(2)}>{"".join(text for _, _, text in own[number])}</row>'
    # Rows with cells from more than one place, merged; the other rows of each table come in runs.
    seen, shared = set(single), set()
    for table_xml in kept:
        for numbers in (set(table_xml.bold), set(table_xml.row_numbers)):
            shared |= seen & numbers
            seen |= numbers
        single.update(table_xml.bold)
    for number in shared:
        cells = _merged(number, own.get(number, []), kept)
        single[number] = f'<row r="{number}"{attributes.get(number, "")}>{cells}</row>'
    # Each row by itself or a run of a table's plain rows, by row number.
    events: list[tuple[int, str | tuple[_TableXml, int, int]]] = [*single.items()]
    events += [
        (table_xml.row_numbers[start], (table_xml, start, stop))
        for table_xml in kept
        for start, stop in _runs(table_xml.row_numbers, shared)
    ]
    events.sort(key=itemgetter(0))
    yield f"{xml[: data.start()]}<sheetData>".encode()
    pending: list[str] = []
    for _, event in events:
        if isinstance(event, str):
            pending.append(event)
            continue
        table_xml, start, stop = event
        yield "".join(pending).encode()
        pending.clear()
        for first in range(start, stop, ROWS_AT_ONCE):
            yield table_xml.plain_rows(first, min(first + ROWS_AT_ONCE, stop)).encode()
    yield f"{''.join(pending)}</sheetData>{xml[data.end() :]}".encode()


def _runs(numbers: Sequence[int], shared: set[int]) -> Iterator[tuple[int, int]]:
    """The index ranges of ``numbers`` (ascending) that are consecutive rows, none of them in ``shared``."""
    start: int | None = None
    for index, number in enumerate(numbers):
        if number in shared:
            if start is not None:
                yield start, index
            start = None
        elif start is None:
            start = index
        elif number != numbers[index - 1] + 1:
            yield start, index
            start = index
    if start is not None:
        yield start, len(numbers)


def _merged(number: int, own: list[_Cells], kept: list[_TableXml]) -> str:
    """The cells of row ``number`` from openpyxl and from each table that has the row, in column order."""
    pieces = own + [
        (table_xml.table.left, table_xml.table.right, _cells_of(row))
        for table_xml in kept
        if (row := table_xml.row(number)) is not None
    ]
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
