"""Editing a workbook's zip and XML bytes directly, for variants no spreadsheet program would write.

A :class:`Package` holds the members of one ``.xlsx`` in memory; its edits
work on the sheet XML exactly as openpyxl writes it (inline strings, one
``<c r="B2" ...>`` element per cell, cells in column order), which is how the
shipped example and every workbook of :func:`rolemix.workbook.template.write_input_workbook`
are laid out.  Nothing here parses untrusted XML: the base workbook is ours.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

WORKSHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
CHARTSHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet"

_SHEET_ENTRY = re.compile(r'<sheet name="(?P<name>[^"]*)"[^>]*?r:id="(?P<rid>[^"]*)"[^>]*/>')
_RELATIONSHIP = re.compile(r"<Relationship [^>]*/>")
_ROW = re.compile(r'<row r="(?P<number>\d+)"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</row>)', re.DOTALL)
_CELL = re.compile(r'<c r="(?P<column>[A-Z]+)(?P<row>\d+)"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)', re.DOTALL)
_STYLE = re.compile(r'\bs="(\d+)"')
_INLINE_TEXT = re.compile(r"<is><t[^>]*>(?P<text>[^<]*)</t></is>")


def column_number(letters: str) -> int:
    """``"A"`` -> 1, ``"AA"`` -> 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """1 -> ``"A"``, 27 -> ``"AA"``."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --- cell XML ------------------------------------------------------------------------------------
# Each builder returns the attributes after ``r="..."`` and ``s="..."`` and the element's body.


@dataclass(frozen=True)
class CellXml:
    """What a cell holds in the sheet XML: its ``t`` attribute (if any) and its body."""

    kind: str | None
    body: str
    style: int | None = None

    def element(self, reference: str, style: int | None) -> str:
        chosen = self.style if self.style is not None else style
        attrs = f' r="{reference}"'
        if chosen is not None:
            attrs += f' s="{chosen}"'
        if self.kind is not None:
            attrs += f' t="{self.kind}"'
        return f"<c{attrs}/>" if not self.body else f"<c{attrs}>{self.body}</c>"


def text(value: str) -> CellXml:
    """A typed text (an inline string, as openpyxl writes it)."""
    return CellXml("inlineStr", f"<is><t xml:space=\"preserve\">{escape(value)}</t></is>")


def number(literal: str, style: int | None = None) -> CellXml:
    """A number cell holding ``literal`` exactly as written (``"NaN"``, ``"1E+308"`` included)."""
    return CellXml("n", f"<v>{escape(literal)}</v>", style)


def logical(value: bool) -> CellXml:
    """A logical (TRUE/FALSE) cell."""
    return CellXml("b", f"<v>{int(value)}</v>")


def iso_date(value: str) -> CellXml:
    """A cell of type date holding an ISO 8601 text (as strict OOXML writes dates)."""
    return CellXml("d", f"<v>{escape(value)}</v>")


def error(code: str, formula: str) -> CellXml:
    """A formula whose saved result is an error value such as ``#DIV/0!``."""
    return CellXml("e", f"<f>{escape(formula)}</f><v>{escape(code)}</v>")


def formula(expression: str, cached_text: str | None = None) -> CellXml:
    """A formula, with its saved text result or (``None``) without any saved result."""
    if cached_text is None:
        return CellXml(None, f"<f>{escape(expression)}</f>")
    return CellXml("str", f"<f>{escape(expression)}</f><v>{escape(cached_text)}</v>")


def blank() -> CellXml:
    """An empty cell (kept with its style, as a cleared cell is)."""
    return CellXml(None, "")


# --- the package ---------------------------------------------------------------------------------


class Package:
    """The members of one workbook zip, in order, edited in memory and saved as a new file."""

    def __init__(self, members: dict[str, bytes]) -> None:
        self.members = dict(members)

    @classmethod
    def read(cls, path: Path) -> Package:
        with zipfile.ZipFile(path) as archive:
            return cls({info.filename: archive.read(info) for info in archive.infolist()})

    def copy(self) -> Package:
        return Package(self.members)

    def save_bytes(self, compresslevel: int = 1) -> bytes:
        """The package as zip bytes (level 1 by default: the corpus writes hundreds of files)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
            for name, data in self.members.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    def save(self, path: Path) -> Path:
        path.write_bytes(self.save_bytes())
        return path

    # --- parts as text

    def text_of(self, part: str) -> str:
        return self.members[part].decode("utf-8")

    def edit(self, part: str, change: Callable[[str], str]) -> None:
        """Replace ``part`` by ``change`` of its text; the change must alter it (a silent no-op is a bug)."""
        before = self.text_of(part)
        after = change(before)
        if after == before:
            raise AssertionError(f"the edit of {part} changed nothing")
        self.members[part] = after.encode("utf-8")

    # --- sheets

    def sheet_entries(self) -> list[tuple[str, str]]:
        """``(sheet name, relationship id)`` in workbook order."""
        return [(m["name"], m["rid"]) for m in _SHEET_ENTRY.finditer(self.text_of("xl/workbook.xml"))]

    def relationships(self) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part) of the workbook part."""
        found: dict[str, tuple[str, str]] = {}
        for element in _RELATIONSHIP.findall(self.text_of("xl/_rels/workbook.xml.rels")):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', element))
            found[attrs["Id"]] = (attrs["Type"], attrs["Target"].lstrip("/"))
        return found

    def sheet_part(self, sheet: str) -> str:
        relationships = self.relationships()
        for name, rid in self.sheet_entries():
            if name == sheet:
                return relationships[rid][1]
        raise KeyError(sheet)

    def cell_style(self, sheet: str, reference: str) -> int | None:
        match = self._find_cell(self.text_of(self.sheet_part(sheet)), reference)
        if match is None:
            return None
        style = _STYLE.search(match["attrs"])
        return int(style.group(1)) if style else None

    @staticmethod
    def _find_cell(xml: str, reference: str) -> re.Match[str] | None:
        letters = reference.rstrip("0123456789")
        row = reference[len(letters):]
        pattern = re.compile(rf'<c r="{letters}{row}"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)', re.DOTALL)
        return pattern.search(xml)

    def set_cell(self, sheet: str, reference: str, cell: CellXml) -> None:
        """Put ``cell`` at ``reference`` (e.g. ``"B2"``), keeping the old cell's style; the row must exist."""
        part = self.sheet_part(sheet)

        def change(xml: str) -> str:
            found = self._find_cell(xml, reference)
            if found is not None:
                style = _STYLE.search(found["attrs"])
                element = cell.element(reference, int(style.group(1)) if style else None)
                return xml[: found.start()] + element + xml[found.end():]
            return self._insert_cell(xml, reference, cell.element(reference, None))

        self.edit(part, change)

    @staticmethod
    def _insert_cell(xml: str, reference: str, element: str) -> str:
        letters = reference.rstrip("0123456789")
        row_number = int(reference[len(letters):])
        for row in _ROW.finditer(xml):
            if int(row["number"]) != row_number:
                continue
            body = row["body"] or ""
            position = len(body)
            for cell in _CELL.finditer(body):
                if column_number(cell["column"]) > column_number(letters):
                    position = cell.start()
                    break
            new_body = body[:position] + element + body[position:]
            return xml[: row.start()] + f'<row r="{row_number}"{row["attrs"]}>{new_body}</row>' + xml[row.end():]
        raise KeyError(f"row {row_number} is not in the sheet")

    def header(self, sheet: str) -> dict[str, str]:
        """Header label -> column letters of a table sheet (row 1)."""
        xml = self.text_of(self.sheet_part(sheet))
        found: dict[str, str] = {}
        for cell in _CELL.finditer(xml):
            if cell["row"] != "1" or not cell["body"]:
                continue
            inline = _INLINE_TEXT.search(cell["body"])
            if inline is not None:
                found[inline["text"]] = cell["column"]
        return found

    def setting_rows(self, sheet: str) -> dict[str, int]:
        """Setting label -> spreadsheet row of a settings sheet (labels in column A)."""
        xml = self.text_of(self.sheet_part(sheet))
        found: dict[str, int] = {}
        for cell in _CELL.finditer(xml):
            if cell["column"] != "A" or cell["row"] == "1" or not cell["body"]:
                continue
            inline = _INLINE_TEXT.search(cell["body"])
            if inline is not None:
                found[inline["text"]] = int(cell["row"])
        return found

    def row_numbers(self, sheet: str) -> list[int]:
        return [int(row["number"]) for row in _ROW.finditer(self.text_of(self.sheet_part(sheet)))]

    def cell_text(self, sheet: str, reference: str) -> str | None:
        """The inline text of a cell, ``None`` when it holds no text."""
        found = self._find_cell(self.text_of(self.sheet_part(sheet)), reference)
        if found is None or not found["body"]:
            return None
        inline = _INLINE_TEXT.search(found["body"])
        return inline["text"] if inline else None

    def cell_body(self, sheet: str, reference: str) -> CellXml:
        """The cell at ``reference`` as a :class:`CellXml` (to copy it elsewhere)."""
        found = self._find_cell(self.text_of(self.sheet_part(sheet)), reference)
        if found is None:
            return blank()
        kind = re.search(r'\bt="([^"]*)"', found["attrs"])
        return CellXml(kind.group(1) if kind else None, found["body"] or "")

    def remove_row(self, sheet: str, row_number: int) -> None:
        def change(xml: str) -> str:
            return "".join(
                piece for piece in _split_rows(xml) if not piece.startswith(f'<row r="{row_number}"')
            )

        self.edit(self.sheet_part(sheet), change)

    def map_cells(self, sheet: str, change: Callable[[str, int, str], tuple[str, int]]) -> None:
        """Move every cell: ``change(column letters, row, element)`` gives its new column and row.

        Cells are written back in row and column order, rows renumbered as needed.
        """

        def rewrite(xml: str) -> str:
            start = xml.index("<sheetData>") + len("<sheetData>")
            end = xml.index("</sheetData>")
            moved: dict[int, list[tuple[int, str]]] = {}
            for row in _ROW.finditer(xml[start:end]):
                for cell in _CELL.finditer(row["body"] or ""):
                    column, number_ = change(cell["column"], int(cell["row"]), cell.group(0))
                    element = re.sub(r'^<c r="[A-Z]+\d+"', f'<c r="{column}{number_}"', cell.group(0))
                    moved.setdefault(number_, []).append((column_number(column), element))
            rows = "".join(
                f'<row r="{number_}">' + "".join(element for _, element in sorted(cells)) + "</row>"
                for number_, cells in sorted(moved.items())
            )
            return xml[:start] + rows + xml[end:]

        self.edit(self.sheet_part(sheet), rewrite)

    def add_merge(self, sheet: str, cells: str) -> None:
        """Merge ``cells`` (e.g. ``"B2:B3"``): the cells after the first are emptied, as Excel does."""

        def change(xml: str) -> str:
            merge = f'<mergeCells count="1"><mergeCell ref="{cells}"/></mergeCells>'
            return xml.replace("</sheetData>", "</sheetData>" + merge, 1)

        self.edit(self.sheet_part(sheet), change)

    def add_date_style(self) -> int:
        """Add a cell style with Excel's built-in date format (14) and return its index."""
        styles = self.text_of("xl/styles.xml")
        match = re.search(r'<cellXfs count="(\d+)">', styles)
        assert match is not None
        index = int(match.group(1))
        date_xf = '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1" xfId="0"/>'
        styles = styles.replace(match.group(0), f'<cellXfs count="{index + 1}">', 1)
        styles = styles.replace("</cellXfs>", date_xf + "</cellXfs>", 1)
        self.members["xl/styles.xml"] = styles.encode("utf-8")
        return index

    # --- workbook structure

    def rename_sheet(self, old: str, new: str) -> None:
        self.edit(
            "xl/workbook.xml", lambda xml: xml.replace(f'<sheet name="{old}"', f"<sheet name={quoteattr(new)}", 1)
        )

    def drop_sheet_entry(self, sheet: str) -> None:
        """Remove a sheet from the workbook's sheet list (its part stays in the zip, unused)."""
        self.edit("xl/workbook.xml", lambda xml: re.sub(rf'<sheet name="{re.escape(sheet)}"[^>]*/>', "", xml, count=1))

    def reorder_sheets(self, order: list[str]) -> None:
        def change(xml: str) -> str:
            entries = {m["name"]: m.group(0) for m in _SHEET_ENTRY.finditer(xml)}
            start, end = xml.index("<sheets>") + len("<sheets>"), xml.index("</sheets>")
            return xml[:start] + "".join(entries[name] for name in order) + xml[end:]

        self.edit("xl/workbook.xml", change)

    def set_relationship_type(self, sheet: str, kind: str) -> None:
        rid = dict(self.sheet_entries())[sheet]

        def change(xml: str) -> str:
            pattern = re.compile(rf'<Relationship Type="[^"]*"(?P<rest>[^>]*Id="{rid}"[^>]*/>)')
            return pattern.sub(lambda m: f'<Relationship Type="{kind}"{m["rest"]}', xml, count=1)

        self.edit("xl/_rels/workbook.xml.rels", change)

    def add_sheet_copy(self, source: str, name: str) -> None:
        """Add a sheet ``name`` whose cells are those of ``source`` (a plain copy, no tables or notes)."""
        xml = self.text_of(self.sheet_part(source))
        start, end = xml.index("<sheetData>"), xml.index("</sheetData>") + len("</sheetData>")
        part = f"xl/worksheets/copy{len(self.members)}.xml"
        self.members[part] = (
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + xml[start:end]
            + "</worksheet>"
        ).encode("utf-8")
        rid = f"rIdCopy{len(self.members)}"
        self.edit(
            "xl/_rels/workbook.xml.rels",
            lambda rels: rels.replace(
                "</Relationships>",
                f'<Relationship Type="{WORKSHEET_TYPE}" Target="/{part}" Id="{rid}"/></Relationships>',
            ),
        )
        sheet_id = len(self.sheet_entries()) + 100
        self.edit(
            "xl/workbook.xml",
            lambda book: book.replace(
                "</sheets>",
                f'<sheet name={quoteattr(name)} sheetId="{sheet_id}" state="visible" r:id="{rid}"/></sheets>',
            ),
        )
        self.edit(
            "[Content_Types].xml",
            lambda types: types.replace(
                "</Types>",
                f'<Override PartName="/{part}" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
            ),
        )


def _split_rows(xml: str) -> list[str]:
    """The sheet XML cut into pieces so that every ``<row>`` element is a piece of its own."""
    pieces: list[str] = []
    position = 0
    for row in _ROW.finditer(xml):
        pieces.append(xml[position : row.start()])
        pieces.append(row.group(0))
        position = row.end()
    pieces.append(xml[position:])
    return pieces
