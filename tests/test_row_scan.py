"""Runs of rows read by a regular expression give exactly what the parser's handlers give.

The cell reader parses every part with expat, but reads runs of whole rows
of a sheet's data with one regular expression instead of the handlers
(rolemix.workbook.cells, ``_SheetParser.scan``) when it can prove the two
the same.  These tests read sheets whose XML holds what the scan must not
be fooled by, cut into runs of many sizes, and compare every row, every
formula without a result and every refusal with the handlers reading alone.
"""

from __future__ import annotations

import random
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_read_ahead import EXAMPLE, HEADCOUNT_PART, with_headcount
from test_read_ahead import sheet_reads as sheet_reads_ahead
from test_reader_speed import write_handmade

import rolemix.workbook.cells as cells_module

#: Bytes read from a part at a time: runs end at the last row end of each, so these cut a sheet many ways.
CHUNKS = (61, 250, 700, 1000, 1500, 7000, cells_module.CHUNK_BYTES)


def sheet_reads(path: Path, names: list[str]) -> tuple[object, ...]:
    """Every row and formula without a result of ``names``, in order, or the refusal, read by this process."""
    return sheet_reads_ahead(path, names, ahead=False)


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One process; whether each run offered to the scan was read by it (see also ``left_out``)."""
    results: list[bool] = []
    original = cells_module._SheetParser.scan

    def noting(self: cells_module._SheetParser, run: bytes) -> cells_module._Scanned | None:
        scanned = original(self, run)
        results.append(scanned is not None)
        LEFT_OUT.append(scanned is not None and scanned.whole)
        return scanned

    monkeypatch.setattr(cells_module, "may_fork", lambda: False)
    monkeypatch.setattr(cells_module._SheetParser, "scan", noting)
    return results


#: Whether each run offered to the scan was also left out of the parser's reading (well-formed by itself).
LEFT_OUT: list[bool] = []


@pytest.fixture(autouse=True)
def _clear_left_out() -> None:
    LEFT_OUT.clear()


def by_handlers(path: Path, names: list[str]) -> tuple[object, ...]:
    """What the handlers alone read (no run is scanned)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cells_module._SheetParser, "scan", lambda _self, _run: None)
        return sheet_reads(path, names)


def reads_in_chunks(path: Path, names: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[object, ...]]:
    for chunk in CHUNKS:
        monkeypatch.setattr(cells_module, "CHUNK_BYTES", chunk)
        yield sheet_reads(path, names)


def test_the_example_reads_the_same_scanned(scans: list[bool], monkeypatch: pytest.MonkeyPatch) -> None:
    names = ["Headcount", "Skills", "Demand", "Units"]
    handlers = by_handlers(EXAMPLE, names)
    for read in reads_in_chunks(EXAMPLE, names, monkeypatch):
        assert read == handlers
    assert scans.count(True) > 100  # most runs of the smaller chunks are scanned
    assert LEFT_OUT.count(True) > 100  # and left out of the parser's reading
    assert isinstance(handlers[0], tuple) and len(handlers[0][0]) == 93


def test_every_kind_of_cell_reads_the_same_scanned(
    tmp_path: Path, scans: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "handmade.xlsx"
    write_handmade(path)
    handlers = by_handlers(path, ["Made"])
    assert isinstance(handlers[0], tuple)
    for read in reads_in_chunks(path, ["Made"], monkeypatch):
        assert read == handlers


def after_row(number: int, xml: bytes) -> Callable[[bytes], bytes]:
    """A change that puts ``xml`` right after row ``number`` (and before the next)."""
    start = f'<row r="{number + 1}"'.encode()
    return lambda sheet: sheet.replace(start, xml + start)


def cell(reference: str, xml: str) -> Callable[[bytes], bytes]:
    """A change that puts ``xml`` in place of cell ``reference`` (written as the example writes it)."""
    found = re.compile(rf'<c r="{reference}"[^>]*?(?:/>|>.*?</c>)'.encode())

    def change(sheet: bytes) -> bytes:
        changed, count = found.subn(xml.encode(), sheet, 1)
        assert count == 1
        return changed

    return change


def changes(*each: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    def change(sheet: bytes) -> bytes:
        for one in each:
            sheet = one(sheet)
        return sheet

    return change


def attributes_on(start: bytes, attributes: bytes) -> Callable[[bytes], bytes]:
    """A change that puts ``attributes`` (`` name="value"`` each) first after each start tag ``start`` (the element's
    name, or a row's with its number: ``row r="45"``)."""
    tag = re.compile(rb"<" + re.escape(start) + rb"(?=[ >])")
    return lambda sheet: tag.sub(lambda found: found.group(0) + attributes, sheet)


#: The row given attributes by the surprises below.
ROW_45 = b'row r="45"'


def in_text(text: bytes) -> Callable[[bytes], bytes]:
    """A change that writes ``text`` in place of each inline text "Sales manager"."""
    return lambda sheet: sheet.replace(b"<t>Sales manager</t>", b"<t>" + text + b"</t>")


def latin1(sheet: bytes) -> bytes:
    # Bytes that are UTF-8 for "é" but two letters in ISO-8859-1: a scan reading them as UTF-8 would differ.
    declared = b'<?xml version="1.0" encoding="ISO-8859-1"?>' + sheet
    return declared.replace(b"<t>Account executive</t>", b"<t>Account ex\xc3\xa9cutive</t>")


def utf16(sheet: bytes) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-16"?>' + sheet.decode()).encode("utf-16")


SURPRISES: dict[str, Callable[[bytes], bytes]] = {
    # Markup that holds a row end without ending a row: no run after it is scanned.
    "a comment holding rows": after_row(
        20, b'<!-- </row><row r="99"><c r="A99" t="inlineStr"><is><t>x</t></is></c></row> -->'
    ),
    "CDATA holding a row end": lambda sheet: sheet.replace(
        b"<t>Account executive</t>", b'<t><![CDATA[Account </row><row r="98"> executive]]></t>', 1
    ),
    "a processing instruction holding a row end": after_row(30, b'<?rows </row><row r="97"/> ?>'),
    # Text the parser changes: read by the handlers.
    "an entity in a text": in_text(b"Sales &amp; manager"),
    "a carriage return in a text": in_text(b"Sales\r\nmanager"),
    "text between cells and rows": lambda sheet: sheet.replace(b"</c><c", b"</c>\n  <c").replace(
        b"</row>", b"</row>\n"
    ),
    "preserved spaces": lambda sheet: sheet.replace(
        b"<t>Sales manager</t>", b'<t xml:space="preserve"> Sales manager </t>'
    ),
    # Cells and rows of every shape.
    "formulas with and without results": lambda sheet: re.sub(
        rb'<c r="E(3\d)" s="17" t="n"><v>(\d+)</v>', rb'<c r="E\1"><f>SUM(E2:E3)</f><v>\2</v>', sheet
    ).replace(b'<c r="E50" s="17" t="n"><v>', b'<c r="E50"><f>1+1</f><v>'),
    "a formula without a result": lambda sheet: re.sub(
        rb'<c r="E40" s="17" t="n"><v>\d+</v>', b'<c r="E40"><f>SUM(E2:E3)</f>', sheet
    ),
    "far-right cells": changes(
        cell("F30", '<c r="F30" s="13" t="n" /><c r="XFD30"><v>7</v></c>'),
        cell("F31", '<c r="ZZ31"><v>8</v></c><c r="F31"><v>9</v></c>'),
    ),
    "cells out of order": lambda sheet: re.sub(
        rb'(<c r="A4\d"[^>]*>.*?</c>)(<c r="B4\d"[^>]*>.*?</c>)', rb"\2\1", sheet
    ),
    "the same cell twice": cell("F33", '<c r="E33"><v>5</v></c>'),
    "empty values": changes(cell("F34", '<c r="F34"><v></v></c>'), cell("F35", '<c r="F35"></c>')),
    "empty rows": after_row(36, b'<row r="37"/><row r="38" ht="15" /><row r="39" spans="1:6"></row>'),
    "row attributes of other programs": changes(
        attributes_on(ROW_45, b' spans="1:6" ht="15" customHeight="1" x14ac:dyDescent="0.25"'),
        attributes_on(b"worksheet", b' xmlns:x14ac="urn:x14ac"'),
    ),
    "a row attribute of an undeclared namespace": attributes_on(ROW_45, b' x14ac:dyDescent="0.25"'),
    "a row without a number after scanned rows": lambda sheet: sheet.replace(b'<row r="60">', b"<row>"),
    "a cell without a reference between rows": after_row(61, b"<c><f>A1</f></c>"),
    "a cell without a reference after a scanned row": cell("F62", "<c><f>B2</f></c>"),
    "a row in a row": lambda sheet: sheet.replace(
        b'<row r="70">', b'<row r="70"><row r="700"><c r="A700"><v>1</v></c></row>'
    ),
    "rows in a cell": cell("F71", '<c r="F71"><row r="710"><c r="A710"><v>2</v></c></row></c>'),
    "rows in another element": lambda sheet: sheet.replace(b'<row r="10">', b'<more><row r="10">').replace(
        b'<row r="25">', b'</more><row r="25">'
    ),
    "a prefixed row": lambda sheet: re.sub(
        rb'<row r="80">(.*?)</row>',
        rb'<x:row r="80" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\1</x:row>',
        sheet,
    ),
    "text after the rows": lambda sheet: sheet.replace(b"</sheetData>", b"tail text</sheetData>"),
    "a second sheetData": lambda sheet: sheet.replace(
        b"</sheetData>",
        b'</sheetData><extLst><sheetData><row r="500"><c r="A500"><v>5</v></c></row></sheetData></extLst>',
    ),
    # Other encodings: read as the declaration says.
    "ISO-8859-1": latin1,
    "UTF-16": utf16,
    # Runs the parser would refuse, or take only where it stands: the parser reads them (it leaves out only
    # runs well-formed by themselves), and a refusal's message is the parser's own.
    "]]> in a text": in_text(b"Sales ]]> manager"),
    "a NUL in a text": in_text(b"Sales\x00manager"),
    "U+FFFE in a text": in_text("Sales\ufffemanager".encode()),
    "a byte that is no UTF-8 in a text": in_text(b"Sales\xffmanager"),
    "a row attribute twice": attributes_on(ROW_45, b' ht="15" ht="16"'),
    "a row's number twice": attributes_on(ROW_45, b' r="46"'),
    "two prefixes for one namespace on a row": changes(
        attributes_on(b"worksheet", b' xmlns:a="urn:one" xmlns:b="urn:one"'), attributes_on(ROW_45, b' a:x="1" b:x="2"')
    ),
    "one local name under two namespaces": changes(
        attributes_on(b"worksheet", b' xmlns:a="urn:one" xmlns:b="urn:two"'), attributes_on(ROW_45, b' a:x="1" b:x="2"')
    ),
    "an attribute name that starts with a digit": attributes_on(ROW_45, b' 1x="1"'),
    "a namespace declared on a row": attributes_on(ROW_45, b' xmlns:q="urn:q" q:x="1"'),
    "a default namespace declared on a row": attributes_on(ROW_45, b' xmlns="urn:other"'),
    "a prefix declared on sheetData": changes(
        attributes_on(b"sheetData", b' xmlns:z="urn:z"'), attributes_on(ROW_45, b' z:x="1"')
    ),
    "a prefix declared on another element": changes(
        attributes_on(b"sheetPr", b' xmlns:z="urn:z"'), attributes_on(ROW_45, b' z:x="1"')
    ),
    "a declaration in the text of a root attribute": changes(
        attributes_on(b"worksheet", b' note="xmlns:z=1"'), attributes_on(ROW_45, b' z:x="1"')
    ),
    "an entity in a row attribute": attributes_on(ROW_45, b' note="a &amp; b"'),
    "an undefined entity in a row attribute": attributes_on(ROW_45, b' note="a &bogus; b"'),
    "a control character in a row attribute": attributes_on(ROW_45, b' note="a\x02b"'),
    "a tab and a line feed in a row attribute": attributes_on(ROW_45, b' note="a\tb\nc"'),
    # Refusals: the same message, found in the same order.
    "a missing text number": cell("E40", '<c r="E40" s="17" t="s"><v>4000</v></c>'),
    "a column beyond XFD": cell("F40", '<c r="XFE40"><v>1</v></c>'),
    "a reference with other digits": cell("F40", '<c r="F\u0663\u0660"><v>1</v></c>'),
    "a row number in other digits": lambda sheet: sheet.replace(b'<row r="30">', '<row r="\u0663\u0660">'.encode()),
    "damage before a bad cell": changes(after_row(40, b"&bogus;"), cell("F42", '<c r="XFE42"><v>1</v></c>')),
    "a bad cell before damage": changes(cell("F41", '<c r="XFE41"><v>1</v></c>'), after_row(42, b"&bogus;")),
    "a control character in a value": lambda sheet: sheet.replace(b"<v>127</v>", b"<v>1\x0127</v>"),
    "damaged XML at the end": lambda sheet: sheet.replace(
        b"</row></sheetData>", b'</row><row r="999"><c r="A999"><v>1</v></row></sheetData>'
    ),
    "unfinished at the end": lambda sheet: sheet[: sheet.index(b'<row r="90">') + 40],
}


@pytest.mark.parametrize("surprise", SURPRISES, ids=list(SURPRISES))
def test_a_sheet_reads_the_same_scanned_whatever_its_xml_holds(
    surprise: str, tmp_path: Path, scans: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = with_headcount(tmp_path, SURPRISES[surprise])
    assert path.read_bytes() != EXAMPLE.read_bytes()
    names = ["Headcount"]
    handlers = by_handlers(path, names)
    for read in reads_in_chunks(path, names, monkeypatch):
        assert read == handlers


def test_the_surprises_that_read_as_the_example_are_the_ones_meant_to(tmp_path: Path) -> None:
    """No surprise above is a change the comparison passes for want of changing anything by mistake."""
    plain = by_handlers(EXAMPLE, ["Headcount"])
    same = [
        name
        for name, change in SURPRISES.items()
        if by_handlers(with_headcount(tmp_path, change), ["Headcount"]) == plain
    ]
    # Markup and text the handlers skip, the same values written another way, row attributes they do not read,
    # and the example re-encoded.
    assert same == [
        "a comment holding rows",
        "a processing instruction holding a row end",
        "text between cells and rows",
        "formulas with and without results",
        "cells out of order",
        "row attributes of other programs",
        "a row without a number after scanned rows",
        "rows in another element",
        "a prefixed row",
        "text after the rows",
        "UTF-16",
        "one local name under two namespaces",
        "a namespace declared on a row",
        "a default namespace declared on a row",
        "a prefix declared on sheetData",
        "an entity in a row attribute",
        "a tab and a line feed in a row attribute",
        "a row number in other digits",
    ]


@pytest.mark.parametrize("surprise", ["damaged XML at the end", "unfinished at the end", "a row attribute twice"])
def test_a_refusal_after_runs_left_out_names_what_the_parser_names(
    surprise: str, tmp_path: Path, scans: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = with_headcount(tmp_path, SURPRISES[surprise])
    monkeypatch.setattr(cells_module, "CHUNK_BYTES", 1000)
    read = sheet_reads(path, ["Headcount"])
    assert True in LEFT_OUT  # runs before the damage were left out of the parser's reading
    handlers = by_handlers(path, ["Headcount"])
    assert read == handlers
    assert isinstance(handlers[0], str) and "line 1, column" in handlers[0]


def test_markup_that_starts_at_the_end_of_a_run_is_seen(
    tmp_path: Path, scans: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A run without a row end ends with the "<" of a comment holding a row: the next runs must not be scanned.
    chunk = 250
    comment = b'<!-- </row><row r="99"/> -->'

    def spaced(gap: int) -> Callable[[bytes], bytes]:
        return after_row(20, b" " * gap + comment)

    plain = with_headcount(tmp_path, spaced(0))
    with zipfile.ZipFile(plain) as archive:
        at = archive.read(HEADCOUNT_PART).index(b"<!--")
    gap = 2 * chunk + (-(at + 1)) % chunk  # the "<" ends a chunk that holds no row end
    path = with_headcount(tmp_path, spaced(gap))
    with zipfile.ZipFile(path) as archive:
        assert (archive.read(HEADCOUNT_PART).index(b"<!--") + 1) % chunk == 0
    monkeypatch.setattr(cells_module, "CHUNK_BYTES", chunk)
    assert sheet_reads(path, ["Headcount"]) == by_handlers(path, ["Headcount"])
    assert True in scans  # runs before the comment were scanned


def test_a_run_is_scanned_only_between_rows_of_the_sheet_data(
    tmp_path: Path, scans: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cells_module, "CHUNK_BYTES", 1000)
    sheet_reads(with_headcount(tmp_path, SURPRISES["a comment holding rows"]), ["Headcount"])
    # Runs before the comment are scanned; none from the run holding it on.
    assert scans[0] is True and scans[-1] is False
    assert scans == sorted(scans, reverse=True)
    scans.clear()
    sheet_reads(with_headcount(tmp_path, latin1), ["Headcount"])
    assert scans == []  # not offered: the text is not UTF-8


#: Pieces of XML (and damage) put into the example's rows at random by the test below.
PIECES = [
    b"<!--x-->",
    b"&amp;",
    b"]]>",
    b"\r",
    b"\r\n",
    b'<row r="5"/>',
    b"</row>",
    b"<row>",
    b'<c r="A1"/>',
    b"<c><v>1</v></c>",
    b"\x00",
    b"\x01",
    b"\xff",
    b"\xc3\xa9",
    b"<?pi x?>",
    b"<![CDATA[</row>]]>",
    b" ",
    b"\t",
    b"x",
    b'<c r="ZZZ9"><v>1</v></c>',
    b'<c r="B5" t="s"><v>0</v></c>',
    b"<f>1</f>",
    b'<row r="7" ht="1" ht="2">',
    b'<row r="7" a:b="1">',
    b"&bogus;",
    b"<is><t>q</t></is>",
    b"<v>",
    b"</v>",
    b"</c>",
    b"<t>",
    b'xml:space="preserve"',
    b'" ',
    b"=",
    b"<",
    b">",
    b"/",
    "\ufffe".encode(),
]


@pytest.mark.parametrize("seed", range(4))
def test_a_sheet_changed_at_random_reads_the_same_scanned(
    seed: int, tmp_path: Path, scans: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pieces put in, bytes taken out or changed, anywhere among the rows: whatever the handlers read or refuse,
    # the scan (and leaving runs out of the parser's reading) gives the same.  Run with many more seeds while
    # the scan was built: 1,800 changed sheets at two chunk sizes each, no difference.
    chance = random.Random(seed)
    with zipfile.ZipFile(EXAMPLE) as archive:
        sheet = archive.read(HEADCOUNT_PART)
    first, last = sheet.index(b"<sheetData>"), sheet.index(b"</sheetData>")
    for trial in range(15):
        xml = bytearray(sheet)
        for _ in range(chance.randint(1, 3)):
            at = chance.randint(first, last)
            what = chance.random()
            if what < 0.7:
                xml[at:at] = chance.choice(PIECES)
            elif what < 0.85:
                del xml[at : at + chance.randint(1, 8)]
            else:
                xml[at] = chance.randint(0, 255)
        path = with_headcount(tmp_path, lambda _sheet, xml=bytes(xml): xml)
        handlers = by_handlers(path, ["Headcount"])
        for chunk in (chance.randint(50, 3000), chance.randint(50, 3000)):
            monkeypatch.setattr(cells_module, "CHUNK_BYTES", chunk)
            assert sheet_reads(path, ["Headcount"]) == handlers, (trial, chunk)
    assert True in LEFT_OUT
