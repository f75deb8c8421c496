"""Fast, hardened reading of cell values from an Office Open XML workbook.

Why not openpyxl's read-only mode: it parses through defusedxml's pure-Python
ElementTree and does per-cell work the reader does not need (styles, cell
objects), about 6 s of CPU for a 62,000-row Headcount sheet.  This module
drives the expat parser directly, keeps only what a planner typed (or what a
formula last showed: cached values, like openpyxl's ``data_only=True``) and
reads the same sheet in about a fifth of the time.

Runs of whole rows written as Excel, LibreOffice and openpyxl write them are
read by one regular expression (:meth:`_SheetParser.scan`): the cells of a
62,000-employee workbook in 1.26 s instead of 2.22 s.  A run is read so only
where that is proven to give what the handlers give; anything else in it
(formulas, rich text, entities, comments, other encodings) is read by the
handlers.  The parser checks every byte of a scanned run too, without
calling a handler, unless the run is well-formed XML by itself (no
reference, no character XML forbids, row attributes that hold anywhere):
such a run is balanced, so the parser is left where it would have been after
reading it.  Should the part turn out damaged further on, it is read again
by the handlers alone, so that the refusal names the line and column the
parser finds.

Hardening is the same as defusedxml's: every parser refuses DOCTYPE, entity
and external-entity declarations outright (a declaration raises before any
entity could expand), in addition to the byte scan of
:func:`rolemix.workbook.safety.check_xml_declarations` done before parsing.

Values come out as openpyxl gives them with ``data_only=True``: text as
``str``, whole numbers as ``int``, other numbers as ``float``, logical values
as ``bool``, error values as their text (``"#N/A"``), and numbers in a date
format as :class:`datetime.datetime` (or :class:`datetime.timedelta` for
duration formats).  A formula without a cached value is blank (``None``);
:meth:`WorkbookCells.formulas_without_results` tells such cells apart from
empty ones, so that the reader can name them instead of taking a default.

A number cell whose text is no number Excel writes (``NaN``, ``INF``, or
any other text) comes out as that number (``nan``, ``inf``) or text, never
as a refusal of the whole file: the validator then names the one cell.
Cell references beyond the last column of a worksheet (XFD) are refused as
damage, and a row's padding is built only when the row is handed out, so a
crafted sheet of far-right cells cannot exhaust memory.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import posixpath
import queue
import re
import signal
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, NamedTuple
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from rolemix.errors import FileRefused
from rolemix.forking import may_fork, start_forked, stop_forked
from rolemix.workbook.safety import damaged_message, declaration_message

#: Bytes of a zip member fed to the parser at a time (memory stays bounded on large sheets).
CHUNK_BYTES = 256 * 1024

#: Most shared strings and styles a workbook part may declare before it is taken for a bomb.
MAX_SHARED_STRINGS = 10_000_000

#: Columns of a worksheet (A to XFD); a cell reference beyond is damage, not data.
MAX_COLUMNS = 16_384

#: Digits up to which a number's text is read as a whole number; Excel keeps 15 significant digits,
#: so longer digit strings are read as a float (a 400-digit text becomes infinity, not a huge int).
MAX_INTEGER_DIGITS = 18

#: A cell this many columns beyond a row's last stored cell is kept aside and the row padded only when
#: handed out: rows wait in memory while a chunk is parsed, and padding each to XFD could exhaust it.
FAR_CELL_GAP = 256

#: Sheets read after the largest one are parsed in a second process when their XML adds up to at least this
#: many bytes (the Skills and Demand sheets of a 62,000-employee workbook: 10 MB, 0.7 s of parsing).
READ_AHEAD_MIN_BYTES = 4 * 1024 * 1024

#: The largest sheet is split between the two processes when its XML is at least this many bytes: this process
#: parses its head, the second process its tail (the 62,000 rows of a Headcount sheet: 23 MB, 1.6 s of parsing).
SPLIT_MIN_BYTES = 4 * 1024 * 1024

#: Share of the largest sheet's XML this process parses itself.  It also checks every row (its own and those
#: the second process sends), but the second process parses the sheets after it too: at 62,000 employees
#: 0.6-0.7 read in 1.71-1.80 s (best of three), 0.5 in 2.07 s, no split in 2.20-2.29 s.  With runs of rows scanned
#: (the parsing cheaper, the checks as dear as before): 0.65 in 1.08-1.11 s, 0.7 in 1.11-1.15 s, 0.55 in 1.18 s.
HEAD_SHARE = 0.65

#: Where the tail of a split sheet starts: a row whose number is written (both processes look for the same bytes).
_ROW_START = b'<row r="'

#: How the head of a split sheet ends: the two elements open between its rows.
_HEAD_END = b"</sheetData></worksheet>"

#: The start of the rows in the XML before the tail (``<sheetData>`` with any attributes, not empty).
_SHEET_DATA = re.compile(rb"<sheetData(?:\s[^>]*)?>")

#: An optional byte order mark and the XML declaration, the only markup before the rows that is not an element.
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*\?>")

#: Bytes within which a sheet's rows must start for it to be split (a few kilobytes in every program's files).
_MAX_PREFIX_BYTES = 1024 * 1024

_DIGITS = "0123456789"
_TRUE_TEXT = ("1", "true")

#: The rows of a sheet as Excel, LibreOffice and openpyxl write them, one match per row start, cell or row end;
#: :meth:`_SheetParser.scan` reads a run of them with this instead of three handler calls per element.
#: Groups: a cell's column letters, style, type, ``/`` when it is empty, ``v`` and the text of its ``<v>``,
#: ``i`` and the text of its inline string; a row's number and ``/`` when it is empty.  (One-letter marks:
#: Python keeps one string of each letter, so they cost nothing to hand out.)  Text with ``&`` (an entity)
#: or a carriage return (which the parser turns into a line feed) does not match: such a run is parsed
#: by the handlers.
_ROW_RUN = re.compile(
    r'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="([A-Za-z]+)")?'
    r'(?: ?(/)>|>(?:<(v)>([^<&\r]*)</v>|<(i)s><t(?: xml:space="preserve")?>([^<&\r]*)</t></is>)?</c>)'
    r'|<row r="(\d+)"((?: [\w:.-]+="[^"<]*")*) ?(/?)>'
    r"|</row>",
    re.ASCII,  # digits 0-9 only: the handlers read a reference's row digits as these (other digits are damage)
)

#: Characters XML does not allow in a document (the decoder refuses surrogates): a run holding one is left to
#: the parser, which refuses the part.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: An attribute of a row besides its number (Excel writes ``spans``, ``ht``, ``x14ac:dyDescent`` and the like).
_ATTRIBUTE = re.compile(r' ([\w:.-]+)="')

#: An attribute name the parser takes whatever the document: an optional prefix, a local name (ASCII letters).
_ATTRIBUTE_NAME = re.compile(r"(?:([A-Za-z_][A-Za-z0-9_.-]*):)?([A-Za-z_][A-Za-z0-9_.-]*)", re.ASCII)

#: The root element's start tag (after the declaration), and each of its attributes' names.
_ROOT_TAG = re.compile(
    rb"""\s*<[A-Za-z_][\w.:-]*((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*/?>""", re.ASCII
)
_ROOT_ATTRIBUTE = re.compile(rb"""\s+([\w.:-]+)\s*=\s*(?:"[^"]*"|'[^']*')""", re.ASCII)

#: The reference of the last cell in a run (the handlers keep the attributes of the cell they read last).
_LAST_CELL = re.compile(r'<c r="([A-Z]{1,3}\d+)"(?: s="(\d+)")?(?: t="([A-Za-z]+)")?', re.ASCII)

Row = tuple[int, tuple[object, ...]]
#: A row as parsed: its number, its values and its far-right cells (``None`` when it has none).
ParsedRow = tuple[int, tuple[object, ...], tuple[tuple[int, object], ...] | None]
Feed = Callable[[IO[bytes]], Iterator[bytes]]
StartHandler = Callable[[str, dict[str, str]], None]
EndHandler = Callable[[str], None]
TextHandler = Callable[[str], None]


class DeclarationFound(Exception):
    """An XML part declares a DOCTYPE or an entity; the workbook is refused."""


def _refuse_declaration(*_args: object) -> None:
    raise DeclarationFound


def hardened_parser(start: StartHandler, end: EndHandler, text: TextHandler) -> expat.XMLParserType:
    """An expat parser that reports local element names and refuses any DTD or entity declaration.

    Element names arrive as ``"namespace local"``; handlers compare the part
    after the last space, so both transitional and strict OOXML (and any
    prefix) read the same.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    # The same four hooks defusedxml uses: nothing declared in a DTD is ever honoured.
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    parser.UnparsedEntityDeclHandler = _refuse_declaration
    parser.ExternalEntityRefHandler = _refuse_declaration  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _attribute(attributes: dict[str, str], local_name: str) -> str | None:
    """An attribute by local name whatever its namespace (``r:id`` arrives as ``"<uri> id"``)."""
    for key, value in attributes.items():
        if key == local_name or key.endswith(" " + local_name):
            return value
    return None


class WorkbookCells:
    """The sheets of one workbook and their cell values, read on demand.

    Use :func:`open_workbook_cells`; the zip stays open while the object is used.
    """

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self._archive = archive
        self._names = set(archive.namelist())
        workbook_part = self._office_document()
        self._epoch = WINDOWS_EPOCH
        self._sheets: dict[str, str | None] = {}  # sheet name -> worksheet part, None for chart sheets
        self._uncomputed: dict[str, dict[tuple[int, int], str]] = {}
        self._ahead: _ReadAhead | None = None
        relationships = self._relationships(workbook_part)
        for name, relationship_id in self._sheet_list(workbook_part):
            kind, target = relationships.get(relationship_id, ("", ""))
            if kind not in ("worksheet", ""):
                self._sheets[name] = None  # a chart sheet (or a dialog or macro sheet): no cells to read
            elif target in self._names:
                self._sheets[name] = target
            else:
                # Excel itself would have to repair such a file; guessing the sheet empty would hide data.
                raise FileRefused(damaged_message(self.path, f"the cells of sheet {name!r} are missing"))
        parts_by_kind = {kind: target for kind, target in relationships.values()}
        strings_part = parts_by_kind.get("sharedStrings")
        styles_part = parts_by_kind.get("styles")
        self._strings = self._shared_strings(strings_part) if strings_part in self._names else []
        self._date_styles, self._duration_styles = (
            self._styles(styles_part) if styles_part in self._names else (frozenset(), frozenset())
        )

    @property
    def sheetnames(self) -> list[str]:
        """Names of every sheet (worksheets and chart sheets), in workbook order."""
        return list(self._sheets)

    def is_worksheet(self, name: str) -> bool:
        """Tell whether sheet ``name`` is a sheet of cells (not a chart sheet)."""
        return self._sheets.get(name) is not None

    # --- parsing parts ---------------------------------------------------------------------------

    def _parse(
        self,
        part: str,
        start: StartHandler,
        end: EndHandler,
        text: TextHandler,
        feed: Feed | None = None,
        sheet: _SheetParser | None = None,
    ) -> Iterator[None]:
        """Feed ``part`` to a hardened parser chunk by chunk, yielding after each chunk.

        ``feed`` turns the part's stream into the chunks parsed (the whole part when not given).  With
        ``sheet`` (whose handlers ``start``, ``end`` and ``text`` are), runs of whole rows are read by
        :meth:`_SheetParser.scan` where it proves them the same (see there).
        """
        parser = hardened_parser(start, end, text)
        try:
            with self._archive.open(part) as stream:
                if sheet is None:
                    for chunk in (feed or _whole)(stream):
                        parser.Parse(chunk, False)
                        yield
                else:
                    parser.XmlDeclHandler = sheet.declaration
                    carry = b""
                    for chunk in (feed or _whole)(stream):
                        data = carry + chunk if carry else chunk
                        cut = data.rfind(b"</row>") + len(b"</row>")
                        if cut < len(b"</row>"):  # no row ends here: parsed as it is, nothing carried
                            cut = len(data)
                        carry = data[cut:]
                        sheet.parse(parser, data[:cut] if carry else data)
                        yield
                    parser.Parse(carry, False)
                parser.Parse(b"", True)
        except DeclarationFound:
            self._refuse_as_read_whole(part, sheet)
            raise FileRefused(declaration_message(self.path, part)) from None
        except (
            expat.ExpatError,
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            KeyError,
            ValueError,
            IndexError,
            OverflowError,
        ) as error:
            # KeyError: a part the workbook names is missing; ValueError/IndexError: a cell's value or
            # shared-string number is not what its type says; OverflowError: a date beyond the calendar.
            self._refuse_as_read_whole(part, sheet)
            raise FileRefused(damaged_message(self.path, error)) from None
        yield

    def _refuse_as_read_whole(self, part: str, sheet: _SheetParser | None) -> None:
        """After a refusal of a sheet some of whose runs the parser left out: the refusal of the whole part
        read by the handlers alone (where the parser sees every byte, its message names the same line and
        column).  Returns when that reading finds nothing (the refusal at hand then stands)."""
        if sheet is None or not sheet.skipped:
            return
        alone = self._sheet_parser(sheet.name, {})
        for _ in self._parse(part, alone.start, alone.end, alone.text):
            pass

    def _parse_all(self, part: str, start: StartHandler, end: EndHandler, text: TextHandler) -> None:
        for _ in self._parse(part, start, end, text):
            pass

    def _office_document(self) -> str:
        """The workbook part named by the package relationships (``xl/workbook.xml`` as a rule)."""
        for kind, target in self._relationships("").values():
            if kind == "officeDocument" and target in self._names:
                return target
        if "xl/workbook.xml" in self._names:
            return "xl/workbook.xml"
        raise FileRefused(
            f"{self.path.name} is a zip file but not an Excel workbook: save the workbook from Excel as .xlsx."
        )

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (kind, target part) of ``part`` (``""`` for the package itself)."""
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if rels_part not in self._names:
            return found

        def start(element: str, attributes: dict[str, str]) -> None:
            if _local(element) != "Relationship" or attributes.get("TargetMode") == "External":
                return
            target = attributes.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            kind = attributes.get("Type", "").rpartition("/")[2]
            found[attributes.get("Id", "")] = (kind, posixpath.normpath(resolved))

        self._parse_all(rels_part, start, lambda _element: None, lambda _text: None)
        return found

    def _sheet_list(self, workbook_part: str) -> list[tuple[str, str]]:
        sheets: list[tuple[str, str]] = []

        def start(element: str, attributes: dict[str, str]) -> None:
            local = _local(element)
            if local == "sheet":
                sheets.append((attributes.get("name", ""), _attribute(attributes, "id") or ""))
            elif local == "workbookPr" and attributes.get("date1904", "").lower() in _TRUE_TEXT:
                self._epoch = MAC_EPOCH

        self._parse_all(workbook_part, start, lambda _element: None, lambda _text: None)
        return sheets

    def _shared_strings(self, part: str) -> list[str]:
        """The shared string table: the text of each item, rich-text runs joined, phonetic guides left out."""
        strings: list[str] = []
        pieces: list[str] = []
        state = {"collect": False, "phonetic": False}

        def start(element: str, _attributes: dict[str, str]) -> None:
            local = _local(element)
            if local == "si":
                pieces.clear()
            elif local == "rPh":
                state["phonetic"] = True
            elif local == "t":
                state["collect"] = not state["phonetic"]

        def end(element: str) -> None:
            local = _local(element)
            if local == "t":
                state["collect"] = False
            elif local == "rPh":
                state["phonetic"] = False
            elif local == "si":
                if len(strings) >= MAX_SHARED_STRINGS:
                    raise FileRefused(f"{self.path.name} has more than {MAX_SHARED_STRINGS:,} texts: it was not read.")
                strings.append("".join(pieces))

        def text(data: str) -> None:
            if state["collect"]:
                pieces.append(data)

        self._parse_all(part, start, end, text)
        return strings

    def _styles(self, part: str) -> tuple[frozenset[str], frozenset[str]]:
        """Cell style indices (as written in ``s="..."``) whose number format shows a date, or a duration."""
        custom: dict[int, str] = {}
        formats: list[int] = []
        inside = {"cellXfs": False}

        def start(element: str, attributes: dict[str, str]) -> None:
            local = _local(element)
            if local == "numFmt":
                custom[int(attributes.get("numFmtId", "0"))] = attributes.get("formatCode", "")
            elif local == "cellXfs":
                inside["cellXfs"] = True
            elif local == "xf" and inside["cellXfs"]:
                formats.append(int(attributes.get("numFmtId", "0")))

        def end(element: str) -> None:
            if _local(element) == "cellXfs":
                inside["cellXfs"] = False

        self._parse_all(part, start, end, lambda _text: None)
        dates: set[str] = set()
        durations: set[str] = set()
        for index, format_id in enumerate(formats):
            code = custom.get(format_id) or BUILTIN_FORMATS.get(format_id)
            if is_timedelta_format(code):
                durations.add(str(index))
            elif is_date_format(code):
                dates.add(str(index))
        return frozenset(dates), frozenset(durations)

    # --- cell values -----------------------------------------------------------------------------

    def read_ahead(self, names: Sequence[str]) -> None:
        """Let a second process parse part of the sheets, ``names`` being the order they will be read in.

        While this process parses the largest sheet and checks its rows, a forked copy of it parses the
        sheets after it and, when the largest sheet's XML is at least :data:`SPLIT_MIN_BYTES`, the tail of
        the largest sheet too, so that :meth:`rows` finds them parsed.  Only where it pays and is safe: on
        Linux, when that work adds up to :data:`READ_AHEAD_MIN_BYTES` (or the largest sheet is split), in
        a process that may have children and runs no other thread.  Rows, formulas without results and
        refusals of damaged sheets are the same as when this process parses them; should the second
        process fail, or a tail not be proven to read the same, this process parses it itself.
        """
        parts = [self._sheets.get(name) for name in names]
        sizes = [self._archive.getinfo(part).file_size if part else 0 for part in parts]
        if not sizes or not may_fork():
            return
        largest = sizes.index(max(sizes))
        after = [name for name, part in zip(names[largest + 1 :], parts[largest + 1 :], strict=True) if part]
        split = (names[largest], int(sizes[largest] * HEAD_SHARE)) if sizes[largest] >= SPLIT_MIN_BYTES else None
        if split is None and (not after or sum(sizes[largest + 1 :]) < READ_AHEAD_MIN_BYTES):
            return
        process, receiver = start_forked(self._parse_ahead, (after, split), duplex=False)
        self._ahead = _ReadAhead(process, receiver, set(after), split)

    def _parse_ahead(self, names: list[str], split: tuple[str, int] | None, sender: Connection) -> None:
        """In the second process: parse the tail of ``split`` and then ``names``, sending each one's rows.

        A thread sends them, so that parsing goes on while the first process has yet to read what was sent.
        """
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the first process's to handle
        self._ahead = None
        outbox: queue.SimpleQueue[Message | None] = queue.SimpleQueue()
        courier = threading.Thread(target=_post, args=(outbox, sender))
        courier.start()
        try:
            # The file's own handle is shared with the first process (its position too): open it anew.
            with open(f"/proc/self/fd/{self._archive.fp.fileno()}", "rb") as stream:  # type: ignore[union-attr]
                self._archive = zipfile.ZipFile(stream)
                if split is not None:
                    outbox.put(((split[0], True), *self._tail(*split)))
                for name in names:
                    try:
                        rows = list(self.rows(name))
                    except FileRefused as refused:
                        outbox.put(((name, False), None, {}, str(refused)))
                        break
                    outbox.put(((name, False), rows, self._uncomputed.get(name, {}), None))
        except Exception:  # noqa: BLE001, S110 - the first process parses whatever was not sent
            pass
        finally:
            outbox.put(None)
            courier.join()
            sender.close()

    def _tail(self, name: str, offset: int) -> Sent:
        """In the second process: the rows of sheet ``name`` from the first row that starts at ``offset`` or after.

        The tail is parsed as the sheet's XML up to its ``<sheetData>`` followed by the XML from that row
        on; it reads as the rows of the whole sheet would when nothing before the rows is a comment, CDATA
        or processing instruction and the sheet names no ``sheetData`` between them and the tail (the first
        process checks the rest: that the head ends between rows).  Otherwise, or on any error, no rows
        are sent and the first process parses the tail itself.
        """
        part = self._sheets[name]
        assert part is not None
        uncomputed: dict[tuple[int, int], str] = {}
        try:
            rows = list(self._rows_of(part, self._sheet_parser(name, uncomputed), lambda s: _tail_of(s, offset)))
        except (FileRefused, _NotSplit):
            return None, {}, None
        return rows, uncomputed, None

    def close(self) -> None:
        """Stop a second process still parsing (after an error or Ctrl+C in this one)."""
        if self._ahead is not None:
            self._ahead.stop()
            self._ahead = None

    def rows(self, name: str) -> Iterator[Row]:
        """Spreadsheet row number and cell values of every row stored in sheet ``name``.

        Rows with no stored cells may be missing; values are padded with
        ``None`` from column A up to the row's last stored cell.

        Raises
        ------
        FileRefused
            When the sheet's XML is damaged or declares a DOCTYPE or an entity.
        """
        part = self._sheets[name]
        if part is None:
            raise ValueError(f"sheet {name!r} is not a worksheet")
        ahead = self._ahead
        if ahead is not None and name in ahead.names:
            sent = ahead.take((name, False))
            if sent is not None:
                rows, uncomputed_ahead, refused = sent
                if refused is not None or rows is None:
                    raise FileRefused(str(refused))
                self._uncomputed.setdefault(name, {}).update(uncomputed_ahead)
                return iter(rows)
        sheet = self._sheet_parser(name, self._uncomputed.setdefault(name, {}))
        if ahead is not None and ahead.split is not None and ahead.split[0] == name:
            offset = ahead.split[1]
            ahead.split = None
            return self._rows_split(name, part, sheet, offset, ahead)
        return self._rows_of(part, sheet)

    def _sheet_parser(self, name: str, uncomputed: dict[tuple[int, int], str]) -> _SheetParser:
        """Handlers for sheet ``name`` that note its formulas without results in ``uncomputed``."""
        return _SheetParser(name, self._strings, self._date_styles, self._duration_styles, self._epoch, uncomputed)

    def _rows_of(self, part: str, sheet: _SheetParser, feed: Feed | None = None) -> Iterator[Row]:
        for _ in self._parse(part, sheet.start, sheet.end, sheet.text, feed, sheet):
            if sheet.ready:
                for number, values, far in sheet.ready:
                    yield number, values if far is None else _padded(values, far)
                sheet.ready.clear()

    def _rows_split(
        self, name: str, part: str, sheet: _SheetParser, offset: int, ahead: _ReadAhead
    ) -> Iterator[Row]:
        """The rows of a sheet whose tail (from the first row at ``offset`` on) the second process parsed.

        This process parses the head and ends it after its last row, which parses only when the tail
        starts between rows of the ``<sheetData>`` (the only elements open there).  Should the head not
        end so, or the second process have sent no tail, the sheet is parsed here as a whole, the rows
        already handed out skipped.
        """
        tail: list[Sent] = []

        def head(stream: IO[bytes]) -> Iterator[bytes]:
            for chunk, at_tail in _split_at_row(stream, offset):
                if at_tail:
                    sent = ahead.take((name, True))
                    if sent is not None and sent[0] is not None:
                        tail.append(sent)
                        yield _HEAD_END
                        return
                yield chunk

        handed = 0
        try:
            for row in self._rows_of(part, sheet, head):
                handed += 1
                yield row
        except FileRefused:
            if not tail:
                raise  # damage in the head, refused as when parsed whole
            tail.clear()  # the tail did not start between rows: parse the sheet whole
        if tail:
            rows, uncomputed, _refused = tail[0]
            assert rows is not None
            sheet.uncomputed.update(uncomputed)
            yield from rows
            return
        whole = self._sheet_parser(name, sheet.uncomputed)
        for index, row in enumerate(self._rows_of(part, whole)):
            if index >= handed:
                yield row

    def formulas_without_results(self, name: str) -> dict[tuple[int, int], str]:
        """Cells of sheet ``name`` holding a formula but no saved result, by (row, column): the formula text.

        :meth:`rows` gives such cells as blank (``None``), like openpyxl; the
        mapping grows as rows are read, and holds every such cell of a row
        once the row has been handed out.
        """
        return self._uncomputed.setdefault(name, {})



def _whole(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


def _split_at_row(stream: IO[bytes], offset: int) -> Iterator[tuple[bytes, bool]]:
    """The stream's chunks, the first row that starts at ``offset`` or after starting a chunk of its own.

    That chunk comes with ``True``, every other with ``False``; both processes split a sheet at the same
    bytes.  A row start split across two reads is found: the last bytes of a read wait for the next.
    """
    pending = b""
    position = 0  # where ``pending`` starts in the part
    searching = True
    for chunk in _whole(stream):
        if not searching:
            yield chunk, False
            continue
        pending += chunk
        found = pending.find(_ROW_START, max(0, offset - position))
        if found >= 0:
            if found:
                yield pending[:found], False
            yield pending[found:], True
            searching = False
            continue
        cut = len(pending) - len(_ROW_START) + 1
        if cut > 0:
            yield pending[:cut], False
            position += cut
            pending = pending[cut:]
    if searching and pending:
        yield pending, False


class _NotSplit(Exception):
    """A sheet's tail cannot be proven to read the same on its own."""


def _tail_of(stream: IO[bytes], offset: int) -> Iterator[bytes]:
    """The XML the second process parses for a sheet's tail: the start up to ``<sheetData>``, then the tail.

    Raises :class:`_NotSplit` when the XML before ``<sheetData>`` holds markup other than elements and the
    declaration, when ``<sheetData>`` does not come early, when ``sheetData`` is named again before the
    tail, or when the sheet has no row at ``offset`` or after.
    """
    prefix = b""
    rows_start = -1
    previous = b""
    in_tail = False
    for chunk, at_tail in _split_at_row(stream, offset):
        if in_tail:
            yield chunk
            continue
        if at_tail:
            if rows_start < 0:
                raise _NotSplit
            yield prefix[:rows_start]
            yield chunk
            in_tail = True
            continue
        if rows_start < 0:
            prefix += chunk
            opening = _SHEET_DATA.search(prefix)
            if opening is None:
                if len(prefix) > _MAX_PREFIX_BYTES:
                    raise _NotSplit
                continue
            rows_start = opening.end()
            declaration = _DECLARATION.match(prefix)
            markup = prefix[declaration.end() if declaration else 0 : opening.start()]
            if prefix[rows_start - 2 : rows_start] == b"/>" or b"<!" in markup or b"<?" in markup:
                raise _NotSplit
            chunk = prefix[rows_start:]
        if b"sheetData" in previous[-8:] + chunk:
            raise _NotSplit
        previous = chunk
    if not in_tail:
        raise _NotSplit


def _post(outbox: queue.SimpleQueue[Message | None], sender: Connection) -> None:
    """Send what the second process parsed, in order, until ``None`` (a send waits for the first process)."""
    try:
        while (message := outbox.get()) is not None:
            sender.send(message)
    except OSError:
        pass  # the first process stopped listening


#: What the second process sends for a sheet (or a sheet's tail): its rows, its formulas without results, and
#: why it was refused.  No rows: the sheet was refused, or the tail is left to the first process.
Sent = tuple[list[Row] | None, dict[tuple[int, int], str], str | None]
#: A sheet's name and whether the rows are its tail, then what was sent.
Message = tuple[tuple[str, bool], list[Row] | None, dict[tuple[int, int], str], str | None]


class _ReadAhead:
    """The second process of :meth:`WorkbookCells.read_ahead` and what it has sent so far."""

    def __init__(
        self,
        process: multiprocessing.process.BaseProcess,
        receiver: Connection,
        names: set[str],
        split: tuple[str, int] | None,
    ) -> None:
        self.process = process
        self.receiver = receiver
        self.names = names
        #: The sheet whose tail the second process parses, and where the tail starts (cleared once read).
        self.split = split
        self.sent: dict[tuple[str, bool], Sent] = {}

    def take(self, key: tuple[str, bool]) -> Sent | None:
        """What the second process sent for a sheet or its tail; ``None`` if it stopped before."""
        while key not in self.sent:
            try:
                sheet, rows, uncomputed, refused = self.receiver.recv()
            except (EOFError, OSError):
                self.names.clear()  # the second process ended: the first parses what is left itself
                return None
            self.sent[sheet] = (rows, uncomputed, refused)
        self.names.discard(key[0])
        return self.sent.pop(key)

    def stop(self) -> None:
        stop_forked(self.process, self.receiver)


def _padded(values: tuple[object, ...], far: tuple[tuple[int, object], ...]) -> tuple[object, ...]:
    """A row's values with its far-right cells put in place and the gap filled with ``None``."""
    width = max(len(values), max(column for column, _ in far))
    full = list(values) + [None] * (width - len(values))
    for column, value in far:
        full[column - 1] = value
    return tuple(full)


def _number(text: str) -> int | float | None:
    """The number a number cell's text holds: whole numbers as ``int``; ``None`` when it is no number."""
    if "." not in text and "e" not in text and "E" not in text and len(text) <= MAX_INTEGER_DIGITS:
        try:
            return int(text)
        except ValueError:
            pass  # NaN, INF and the like: float() reads them
    try:
        return float(text)
    except ValueError:
        return None


class _SheetParser:
    """Expat handlers that turn ``<sheetData>`` into rows of values.

    A 62,000-row Headcount sheet sends about three million events through
    :meth:`start`, :meth:`end` and :meth:`text`, so each handler tests the
    frequent elements first (``c``, ``v``, ``t``), keeps a cell's attributes as
    expat hands them over instead of copying them, and appends a value in
    place when cells come in column order, as every program writes them.
    """

    __slots__ = (
        "ready",
        "uncomputed",
        "_sheet",
        "_strings",
        "_date_styles",
        "_duration_styles",
        "_dated_styles",
        "_epoch",
        "_local",
        "_columns",
        "_in_data",
        "_row",
        "_values",
        "_far",
        "_column",
        "_cell",
        "_text",
        "_collect",
        "_inline",
        "_phonetic",
        "_found",
        "_formula",
        "_in_formula",
        "_plain",
        "_markup",
        "_after_row",
        "_open_end",
        "_prefixes",
        "_row_attributes",
        "skipped",
    )

    def __init__(
        self,
        sheet: str,
        strings: list[str],
        date_styles: frozenset[str],
        duration_styles: frozenset[str],
        epoch: dt.datetime,
        uncomputed: dict[tuple[int, int], str],
    ) -> None:
        #: Rows parsed but not yet handed out: number, values, far-right cells (``None`` when none).
        self.ready: list[ParsedRow] = []
        self.uncomputed = uncomputed
        self._sheet = sheet
        self._strings = strings
        self._date_styles = date_styles
        self._duration_styles = duration_styles
        self._dated_styles = date_styles | duration_styles
        self._epoch = epoch
        self._local: dict[str, str] = {}
        self._columns: dict[str, int] = {}
        self._in_data = False
        self._row = 0
        self._values: list[object] = []
        self._far: list[tuple[int, object]] = []
        self._column = 0
        #: The attributes of the cell being read (its reference ``r``, type ``t`` and style ``s``).
        self._cell: dict[str, str] = {}
        self._text: list[str] = []
        self._collect = False
        self._inline = False
        self._phonetic = False
        self._found: str | None = None
        self._formula: list[str] | None = None
        self._in_formula = False
        #: Whether the part's text is UTF-8, as a run is scanned (``None`` until its first bytes are parsed).
        self._plain: bool | None = None
        #: Whether the part holds a comment, CDATA section or processing instruction (other than the XML
        #: declaration) in what was parsed: a ``</row>`` might be inside one, so no later run is scanned.
        self._markup = False
        #: Whether the last run parsed ended with the end tag of a row.
        self._after_row = False
        #: Whether the last run parsed ended with "<" (markup going on in the next run).
        self._open_end = False
        #: The namespace prefixes the root element declares (in scope in every row); found in the first run.
        self._prefixes: frozenset[str] = frozenset()
        #: Whether a row's other attributes (as written) are well-formed wherever the row is, by their text.
        self._row_attributes: dict[str, bool] = {}
        #: Whether a run was left out of the parser's reading (see :meth:`parse`).
        self.skipped = False

    @property
    def name(self) -> str:
        """The sheet's name."""
        return self._sheet

    def _name(self, element: str) -> str:
        local = self._local.get(element)
        if local is None:
            local = self._local[element] = _local(element)
        return local

    def _column_of(self, reference: str) -> int:
        letters = reference.rstrip(_DIGITS)
        column = self._columns.get(letters)
        if column is None:
            column = 0
            if 1 <= len(letters) <= 3 and letters.isascii() and letters.isalpha():
                for letter in letters.upper():
                    column = column * 26 + ord(letter) - 64
            if not 1 <= column <= MAX_COLUMNS:
                raise ValueError(
                    f"cell {reference!r} of sheet {self._sheet!r} is not a cell of a worksheet (columns A to XFD)"
                )
            self._columns[letters] = column
        return column

    def start(self, element: str, attributes: dict[str, str]) -> None:
        # The cached name first, without a method call: this runs for every element of the sheet.
        local = self._local.get(element) or self._name(element)
        if not self._in_data:
            self._in_data = local == "sheetData"
        elif local == "c":
            reference = attributes.get("r")
            if reference:
                # A column seen before (nearly every cell) is a dictionary look-up; a new one is checked.
                self._column = self._columns.get(reference.rstrip(_DIGITS)) or self._column_of(reference)
            else:
                self._column += 1
            self._cell = attributes
            self._found = None
            self._formula = None
        elif local == "v":
            self._text.clear()
            self._collect = True
        elif local == "t":
            self._collect = self._inline and not self._phonetic
        elif local == "is":
            self._inline = True
            self._text.clear()
        elif local == "row":
            number = attributes.get("r")
            self._row = int(number) if number else self._row + 1
            # Emptied, not replaced: a row is handed out as a copy, and fewer new lists spare the collector.
            self._values.clear()
            self._far.clear()
            self._column = 0
        elif local == "rPh":
            self._phonetic = True
        elif local == "f":
            self._formula = []
            self._in_formula = True

    def end(self, element: str) -> None:
        if not self._in_data:
            return
        local = self._local[element]  # named when it started
        if local == "c":
            if self._formula is not None:
                self._end_formula_cell()
            elif self._found is not None:
                value = self._value(self._found)
                values = self._values
                if self._column == len(values) + 1 and not self._far:
                    values.append(value)  # the next column: how every program writes its cells
                else:
                    self._store(value)
        elif local == "v":
            self._collect = False
            self._found = "".join(self._text)
        elif local == "t":
            self._collect = False
        elif local == "is":
            self._inline = False
            self._found = "".join(self._text)
        elif local == "row":
            self.ready.append((self._row, tuple(self._values), tuple(self._far) if self._far else None))
        elif local == "rPh":
            self._phonetic = False
        elif local == "f":
            self._in_formula = False
        elif local == "sheetData":
            self._in_data = False

    def text(self, data: str) -> None:
        if self._collect:
            self._text.append(data)
        elif self._in_formula and self._formula is not None:
            self._formula.append(data)

    def _end_formula_cell(self) -> None:
        """Keep a formula cell's saved result, or note the formula when it has none."""
        assert self._formula is not None
        found = self._found
        if found is None or (not found and self._cell.get("t", "n") == "n"):
            # No saved result: no <v>, or the empty <v/> of programs that do not calculate (openpyxl).
            # A text formula's empty result (t="str") is a real, blank result.
            self.uncomputed[(self._row, self._column)] = "".join(self._formula)
        else:
            self._store(self._value(found))

    def _store(self, value: object) -> None:
        """Put a value in its column of the row being read (see :func:`_put`)."""
        _put(self._values, self._far, self._column, value)

    def _value(self, text: str) -> object:
        """The value of the cell being read from the text of its ``<v>`` (or inline string), by its type."""
        cell = self._cell
        kind = cell.get("t")
        if kind == "s":
            try:
                return self._strings[int(text)]
            except (ValueError, IndexError):
                raise ValueError(
                    f"cell {cell.get('r') or self._column!r} of sheet {self._sheet!r} refers to "
                    f"text number {text.strip()!r}, which the workbook does not hold"
                ) from None
        return self._typed(text, kind, cell.get("s"))

    def _typed(self, text: str, kind: str | None, style: str | None) -> object:
        """A cell's value from its text, by its type (any but shared text) and its style."""
        if kind is None or kind == "n":
            return self._number_value(text, style)
        if kind == "inlineStr" or kind == "str" or kind == "e":
            return text  # an inline string, a formula's text result, an error value such as #N/A
        if kind == "b":
            return text.strip().lower() in _TRUE_TEXT
        if kind == "d":
            try:
                return from_ISO8601(text)
            except ValueError:
                return text  # not a date: the validator names the cell
        return text  # a type Excel does not write: the text, for the validator to name

    def _number_value(self, text: str, style: str | None) -> object:
        """A number cell's value: the number, or a date or duration when its style shows one."""
        if not text:
            return None
        number = _number(text)
        if number is None:
            return text  # no number at all: the validator names the cell and what it holds
        if style is not None and style in self._dated_styles:
            try:
                return from_excel(number, self._epoch, timedelta=style in self._duration_styles)
            except (OverflowError, ValueError):
                return number  # beyond the calendar (or NaN): shown as the number it is
        return number

    # --- runs of rows read by a regular expression -----------------------------------------------

    def declaration(self, _version: str, encoding: str | None, _standalone: int) -> None:
        """Note the XML declaration's encoding: a run is scanned only when the text is UTF-8."""
        if encoding is not None and encoding.lower() != "utf-8":
            self._plain = False

    def parse(self, parser: expat.XMLParserType, run: bytes) -> None:
        """Parse a run of the part: whole rows, ending with a row's end tag (or a run holding no row end).

        When :meth:`scan` reads the run's rows, the parser reads the run without calling the handlers, or
        not at all when the run is well-formed by itself (see :class:`_Scanned`); otherwise the handlers
        read the run.  Damage and declarations are found and refused as before.  Scanning needs the handlers
        standing between the rows of the sheet data: after a row's end tag, in ``<sheetData>``, no text
        being collected, and no comment, CDATA section or processing instruction in the part so far (a
        ``</row>`` inside one would not end a row).
        """
        if self._plain is None:  # the part's first bytes: a byte order mark and the declaration may come first
            self._plain = not run.startswith((b"\xfe\xff", b"\xff\xfe")) and b"\x00" not in run[:4]
            declaration = _DECLARATION.match(run)
            markup = run[declaration.end() :] if declaration else run
            root = _ROOT_TAG.match(markup)
            if root is not None:
                names = _ROOT_ATTRIBUTE.findall(root.group(1))
                self._prefixes = frozenset(n[6:].decode() for n in names if n.startswith(b"xmlns:") and len(n) > 6)
        else:
            markup = run
        scanned: _Scanned | None = None
        if (
            self._after_row
            and self._plain
            and not self._markup
            and self._in_data
            and not (self._collect or self._inline or self._phonetic or self._in_formula)
        ):
            try:
                scanned = self.scan(run)
            except (ValueError, IndexError, OverflowError):
                scanned = None  # the handlers raise for the cell, in the order the parser finds things
        self._markup = (
            self._markup
            or b"<!" in markup
            or b"<?" in markup
            or (self._open_end and run.startswith((b"!", b"?")))  # "<!" or "<?" across two runs
        )
        self._after_row = run.endswith(b"</row>")
        self._open_end = run.endswith(b"<")
        if scanned is None:
            parser.Parse(run, False)
            return
        if scanned.whole:
            # Well-formed by itself and balanced: the parser, standing between rows, would read it and stand
            # there again.  Left out (a quarter of the time of a large sheet); should the part turn out damaged
            # further on, the parser's own message comes from a reading of the whole part (see _parse).
            self.skipped = True
        else:
            # No handler is called while the parser reads the run (the scan has read its rows).
            parser.StartElementHandler = parser.EndElementHandler = parser.CharacterDataHandler = None
            try:
                parser.Parse(run, False)
            finally:
                parser.StartElementHandler = self.start
                parser.EndElementHandler = self.end
                parser.CharacterDataHandler = self.text
        self.ready.extend(scanned.rows)
        self._row, self._values, self._far, self._column = scanned.row, scanned.values, scanned.far, scanned.column
        if scanned.cell is not None:
            self._cell, self._found, self._formula = scanned.cell, scanned.found, None

    def scan(self, run: bytes) -> _Scanned | None:
        """The rows of a run read with :data:`_ROW_RUN`; ``None`` when they cannot be proven the same.

        The run must be text and matches only: every ``<`` in it begins a match (so the run holds no other
        element), cells come inside rows and rows are not nested.  The handlers would then see exactly the
        matches' elements and no text they collect: they would hand out these rows, and end in the state
        returned with them.  A cell the handlers refuse (a column beyond XFD, a text number the workbook
        does not hold) raises: the handlers then read the run and raise in the parser's order.
        """
        try:
            text = run.decode()
        except UnicodeDecodeError:
            return None
        rows: list[ParsedRow] = []
        columns = self._columns
        strings = self._strings
        marks = 0  # the number of "<" the matches hold
        row, values, far, column = self._row, self._values, self._far, self._column
        in_row = False
        found: str | None = None
        attributes_ok = True  # every row's other attributes are well-formed anywhere
        known = self._row_attributes
        for letters, style, kind, slash, v, v_text, inline, i_text, number, extra, closed in _ROW_RUN.findall(text):
            if letters:
                if not in_row:
                    return None
                column = columns.get(letters) or self._column_of(letters)
                if v:
                    found = v_text
                    marks += 4
                elif inline:
                    found = i_text
                    marks += 6
                else:
                    found = None  # no value: nothing is stored
                    marks += 1 if slash else 2
                    continue
                # _value inlined for the kinds of nearly every cell (no call per cell: 372,000 in a 62,000-row sheet);
                # the shared text's refusal is the handlers' (the run goes to them when the look-up raises).
                if kind == "s":
                    value: object = strings[int(found)]
                elif kind == "inlineStr" or kind == "str":
                    value = found
                elif not kind or kind == "n":
                    value = self._number_value(found, style or None)
                else:
                    value = self._typed(found, kind, style or None)
                if not far and column == len(values) + 1:
                    values.append(value)
                else:
                    _put(values, far, column, value)
            elif number:
                if in_row:
                    return None
                marks += 1
                if extra:
                    ok = known.get(extra)
                    if ok is None:
                        ok = known[extra] = self._attributes_ok(extra)
                    attributes_ok = attributes_ok and ok
                row, values, far, column = int(number), [], [], 0
                if closed:
                    rows.append((row, (), None))
                else:
                    in_row = True
            else:
                if not in_row:
                    return None
                marks += 1
                rows.append((row, tuple(values), tuple(far) if far else None))
                in_row = False
        if in_row or marks != text.count("<"):
            return None
        cell: dict[str, str] | None = None
        at = text.rfind('<c r="')
        last = _LAST_CELL.match(text, at) if at >= 0 else None
        if last is not None:
            reference, style, kind = last.groups()
            cell = {"r": reference}
            if style:
                cell["s"] = style
            if kind:
                cell["t"] = kind
        # Well-formed XML by itself (the parser may leave it out): no reference (entities), no "]]>" in text,
        # no character XML forbids, and row attributes that hold anywhere.  Elements and their nesting are
        # the matches'.
        whole = attributes_ok and "&" not in text and "]]>" not in text and _NOT_XML.search(text) is None
        return _Scanned(rows, row, values, far, column, cell, found, whole)

    def _attributes_ok(self, extra: str) -> bool:
        """Whether a row's other attributes (``extra``, as written) are well-formed wherever the row is.

        Each name is an ASCII name whose prefix the root element declares; no two names share a local name,
        and none is the row's ``r`` (so none can be a duplicate, whatever a prefix is bound to); no
        namespace is declared on the row.  Values have no ``<`` (the pattern) and no ``&`` (the run).
        """
        seen = {"r"}
        for name in _ATTRIBUTE.findall(extra):
            parts = _ATTRIBUTE_NAME.fullmatch(name)
            if parts is None:
                return False
            prefix, local = parts.groups()
            if local in seen or local == "xmlns" or (prefix is not None and prefix not in self._prefixes):
                return False
            seen.add(local)
        return True


class _Scanned(NamedTuple):
    """The rows of a scanned run, and the state the handlers would be left in after reading it."""

    rows: list[ParsedRow]
    row: int
    values: list[object]
    far: list[tuple[int, object]]
    column: int
    #: The last cell's attributes and value text; ``None`` when the run holds no cell.
    cell: dict[str, str] | None
    found: str | None
    #: Whether the run is well-formed XML by itself, so that the parser may leave it out.
    whole: bool


def _put(values: list[object], far: list[tuple[int, object]], column: int, value: object) -> None:
    """Put a value in its column of a row: padding a gap with ``None``, or keeping a far-right cell aside."""
    missing = column - len(values) - 1
    if missing > FAR_CELL_GAP or (far and missing >= 0):
        far.append((column, value))
    elif missing >= 0:
        values.extend([None] * missing)
        values.append(value)
    else:
        values[column - 1] = value


@contextmanager
def open_workbook_cells(path: Path) -> Iterator[WorkbookCells]:
    """Open a workbook that passed :func:`rolemix.workbook.safety.check_workbook_file` for reading cells.

    The file is opened read-only and closed on leaving the block.

    Raises
    ------
    FileRefused
        When the workbook's structure is damaged.
    """
    with path.open("rb") as stream:
        try:
            archive = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise FileRefused(damaged_message(path, error)) from None
        with archive:
            try:
                cells = WorkbookCells(path, archive)
            except (IndexError, TypeError) as error:
                raise FileRefused(damaged_message(path, error)) from None
            try:
                yield cells
            finally:
                cells.close()
