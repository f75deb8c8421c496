"""Sheets parsed ahead in a second process give the same plan input, problems and refusals as parsed here.

A large workbook's sheets after its largest one, and the tail of the
largest, are parsed by a forked copy of the reader while the reader parses
the head of the largest (rolemix.workbook.cells, ``WorkbookCells.read_ahead``).
These tests force that on the shipped example, on a sample of the bad-input
corpus and on sheets whose XML holds what a split must not be fooled by
(comments, CDATA, rows in other elements, damage), split before every row,
and compare every outcome with the reader working alone.
"""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from corpus import Base, Variant, workbook_variants

import rolemix.workbook.cells as cells_module
from rolemix.errors import RolemixError
from rolemix.inputs import PlanInput
from rolemix.workbook.example import TEMPLATES_DIR
from rolemix.workbook.reader import read_plan_input

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the read-ahead process is forked, on Linux only")

BASE = Base.load()
VARIANTS = workbook_variants(BASE)
#: Every file and sheet variant (damaged parts, missing and misnamed sheets) and every tenth cell variant.
SAMPLE = [v for v in VARIANTS if v.level != "cell"] + [v for v in VARIANTS if v.level == "cell"][::10]


def outcome(path: Path) -> PlanInput | tuple[str, str]:
    """The plan input read from ``path``, or the error a planner is shown."""
    try:
        return read_plan_input(path)
    except RolemixError as error:
        return type(error).__name__, str(error)


@pytest.fixture
def read_ahead_used(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Read ahead and split the largest sheet whatever the sizes (and threads), counting the processes started."""
    started: list[int] = []
    original = cells_module._ReadAhead.__init__

    def counting(self: cells_module._ReadAhead, *args: object) -> None:
        started.append(1)
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(cells_module, "READ_AHEAD_MIN_BYTES", 0)
    monkeypatch.setattr(cells_module, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(cells_module, "may_fork", lambda: True)
    monkeypatch.setattr(cells_module._ReadAhead, "__init__", counting)
    return started


def test_the_example_reads_the_same_with_sheets_parsed_ahead(read_ahead_used: list[int]) -> None:
    example = TEMPLATES_DIR / "example-software-co.xlsx"
    ahead = outcome(example)
    assert read_ahead_used == [1]
    with pytest.MonkeyPatch.context() as alone:
        alone.setattr(cells_module, "may_fork", lambda: False)
        assert outcome(example) == ahead
    assert isinstance(ahead, PlanInput)


def test_a_small_workbook_is_read_by_one_process() -> None:
    started: list[int] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cells_module._ReadAhead, "__init__", lambda *_: started.append(1))
        read_plan_input(TEMPLATES_DIR / "example-software-co.xlsx")
    assert started == []


@pytest.mark.parametrize("variant", SAMPLE, ids=[v.name for v in SAMPLE])
def test_a_bad_workbook_gets_the_same_message_with_sheets_parsed_ahead(
    variant: Variant, tmp_path: Path, read_ahead_used: list[int]
) -> None:
    path = variant.build(BASE, tmp_path)
    ahead = outcome(path)
    with pytest.MonkeyPatch.context() as alone:
        alone.setattr(cells_module, "may_fork", lambda: False)
        assert outcome(path) == ahead


# --- the largest sheet split between the two processes ------------------------------------------------

EXAMPLE = TEMPLATES_DIR / "example-software-co.xlsx"
HEADCOUNT_PART = "xl/worksheets/sheet6.xml"
def with_headcount(tmp_path: Path, change: Callable[[bytes], bytes]) -> Path:
    """The example with its Headcount sheet's XML changed by ``change``."""
    path = tmp_path / "changed.xlsx"
    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, change(data) if item.filename == HEADCOUNT_PART else data)
    return path


def sheet_reads(path: Path, names: list[str], ahead: bool = True) -> tuple[object, ...]:
    """Every row and formula without a result of ``names``, in order, or the refusal (read ahead with ``ahead``)."""
    read: list[object] = []
    try:
        with cells_module.open_workbook_cells(path) as cells:
            if ahead:
                cells.read_ahead(names)
            for name in names:
                read.append((list(cells.rows(name)), dict(cells.formulas_without_results(name))))
    except RolemixError as error:
        read.append(str(error))
    return tuple(read)


@pytest.fixture
def split_always(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Split the largest sheet whatever its size; whether the tail parsed in the second process was used."""
    used: list[bool] = []
    original = cells_module._ReadAhead.take

    def noting(self: cells_module._ReadAhead, key: tuple[str, bool]) -> cells_module.Sent | None:
        sent = original(self, key)
        if key[1]:
            used.append(sent is not None and sent[0] is not None)
        return sent

    monkeypatch.setattr(cells_module, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(cells_module, "may_fork", lambda: True)
    monkeypatch.setattr(cells_module._ReadAhead, "take", noting)
    return used


def alone(path: Path, names: list[str]) -> tuple[object, ...]:
    with pytest.MonkeyPatch.context() as one:
        one.setattr(cells_module, "may_fork", lambda: False)
        return sheet_reads(path, names)


def reads_at_every_row(path: Path, names: list[str], monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The outcomes of splitting the largest of ``names`` (the first) at each of its rows, and after the last."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(HEADCOUNT_PART)
    starts = [found.start() for found in re.finditer(rb"<row r=", xml)] + [len(xml) - 1]
    outcomes = set()
    for start in starts:
        monkeypatch.setattr(cells_module, "HEAD_SHARE", start / len(xml))
        outcomes.add(repr(sheet_reads(path, names)))
    return outcomes


def test_a_split_sheet_reads_the_same_wherever_its_tail_starts(
    split_always: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["Headcount", "Skills", "Demand"]
    assert reads_at_every_row(EXAMPLE, names, monkeypatch) == {repr(alone(EXAMPLE, names))}
    # Split before each of the 93 rows (the first row alone is read here, ending the head with no row),
    # and after the last row, where no tail starts.
    assert split_always == [True] * 93


def test_a_formula_without_result_in_the_tail_is_kept(
    tmp_path: Path, split_always: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = with_headcount(
        tmp_path, lambda xml: re.sub(rb'<c r="E30" s="17" t="n"><v>\d+</v>', b'<c r="E30"><f>SUM(E2:E3)</f>', xml)
    )
    names = ["Headcount"]
    whole = alone(path, names)
    assert whole[0][1] == {(30, 5): "SUM(E2:E3)"}  # type: ignore[index]
    assert reads_at_every_row(path, names, monkeypatch) == {repr(whole)}
    assert True in split_always


SURPRISES: dict[str, Callable[[bytes], bytes]] = {
    # The second process refuses: a comment before the rows, or sheetData named again among them.
    "a comment before the rows": lambda xml: xml.replace(b"<sheetData>", b"<!-- rows --><sheetData>"),
    "an empty sheetData in a row": lambda xml: xml.replace(b'<row r="20">', b'<row r="20"><sheetData/>'),
    # The head does not end between rows when the tail would start in a comment, CDATA or another element.
    "a row in a comment": lambda xml: xml.replace(
        b'<row r="20">', b'<!-- <row r="99"><c r="A99" t="inlineStr"><is><t>x</t></is></c></row> --><row r="20">'
    ),
    "a row in CDATA": lambda xml: xml.replace(
        b"<t>Account executive</t>", b'<t><![CDATA[<row r="98"> Account executive]]></t>'
    ),
    "rows in another element": lambda xml: xml.replace(b'<row r="10">', b'<more><row r="10">').replace(
        b'<row r="25">', b'</more><row r="25">'
    ),
    "rows without numbers": lambda xml: re.sub(rb'<row r="\d+"', b"<row", xml),
    # Damage: the same refusal as when the sheet is parsed whole.
    "damaged XML at the end": lambda xml: xml.replace(
        b"</row></sheetData>", b'</row><row r="999"><c r="A999"><v>1</v></row></sheetData>'
    ),
    "damaged XML at the start": lambda xml: xml.replace(b'<c r="A2" s="12"', b'<c r="A2" s="12" s="1"'),
    "a missing text number at the end": lambda xml: xml.replace(
        b"</row></sheetData>", b'</row><row r="999"><c r="A999" t="s"><v>9999</v></c></row></sheetData>'
    ),
}


@pytest.mark.parametrize("surprise", SURPRISES, ids=list(SURPRISES))
def test_a_split_sheet_reads_as_whole_whatever_its_xml_holds(
    surprise: str, tmp_path: Path, split_always: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = with_headcount(tmp_path, SURPRISES[surprise])
    assert path.read_bytes() != EXAMPLE.read_bytes()
    names = ["Headcount"]
    assert reads_at_every_row(path, names, monkeypatch) == {repr(alone(path, names))}


@pytest.mark.parametrize("chunk", [700, 1500])
def test_a_split_sheet_reads_the_same_when_runs_of_rows_are_scanned(
    chunk: int, split_always: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both processes scan runs of whole rows (rolemix.workbook.cells, _SheetParser.scan): with small chunks the
    # head and the tail each hold many runs, the first of the tail starting right after <sheetData>.
    names = ["Headcount", "Skills", "Demand"]
    with pytest.MonkeyPatch.context() as handlers:
        handlers.setattr(cells_module._SheetParser, "scan", lambda _self, _run: None)
        whole = alone(EXAMPLE, names)
    monkeypatch.setattr(cells_module, "CHUNK_BYTES", chunk)
    assert reads_at_every_row(EXAMPLE, names, monkeypatch) == {repr(whole)}
    assert split_always == [True] * 93


@pytest.mark.parametrize("surprise", SURPRISES, ids=list(SURPRISES))
def test_a_split_sheet_with_runs_left_out_reads_as_whole_whatever_its_xml_holds(
    surprise: str, tmp_path: Path, split_always: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Runs of rows scanned and left out of the parser's reading in both processes, the head ending with
    # </sheetData></worksheet> and any refusal read again whole: still the handlers' reading of the whole sheet.
    path = with_headcount(tmp_path, SURPRISES[surprise])
    names = ["Headcount"]
    with pytest.MonkeyPatch.context() as handlers:
        handlers.setattr(cells_module._SheetParser, "scan", lambda _self, _run: None)
        whole = alone(path, names)
    monkeypatch.setattr(cells_module, "CHUNK_BYTES", 700)
    assert reads_at_every_row(path, names, monkeypatch) == {repr(whole)}
