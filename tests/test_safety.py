"""Files that must be refused before any XML is parsed, and the ones read with a warning.

Every test proves the file is byte-identical after the attempt to read it.
"""

from __future__ import annotations

import hashlib
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl.xml
import pytest

from rolemix.errors import FileRefused
from rolemix.inputs import PlanInput
from rolemix.workbook import safety
from rolemix.workbook.cells import DeclarationFound, hardened_parser, open_workbook_cells
from rolemix.workbook.example import example_rows
from rolemix.workbook.reader import read_plan_input
from rolemix.workbook.safety import check_file_exists, openpyxl_parses_safely
from rolemix.workbook.template import write_input_workbook

MIB = 1024 * 1024

EXAMPLE: dict[str, Any] = example_rows()


@pytest.fixture(scope="module")
def example_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The worked example as workbook bytes, written once for this module."""
    path = tmp_path_factory.mktemp("example") / "example.xlsx"
    write_input_workbook(path, example_rows())
    return path.read_bytes()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_unchanged(path: Path, warnings: list[str] | None = None) -> PlanInput:
    """Read ``path`` and prove the attempt left the file byte-identical."""
    before = sha256(path)
    try:
        return read_plan_input(path, warnings)
    finally:
        assert sha256(path) == before


def refusal(path: Path) -> str:
    with pytest.raises(FileRefused) as raised:
        read_unchanged(path)
    return str(raised.value)


def rezip(
    source: bytes, target: Path, change: Callable[[str, bytes], bytes], extra: dict[str, bytes] | None = None
) -> None:
    """Copy a workbook zip member by member, passing each through ``change``, adding ``extra`` members."""
    source_path = target.with_suffix(".source.zip")
    source_path.write_bytes(source)
    with zipfile.ZipFile(source_path) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info)))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    source_path.unlink()


def unchanged(name: str, data: bytes) -> bytes:
    return data


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "plan.xls",
            "plan.xls is an Excel 97-2003 workbook (.xls), which rolemix cannot read: "
            "open it in Excel and save it as .xlsx.",
        ),
        (
            "plan.XLSB",
            "plan.XLSB is an Excel binary workbook (.xlsb), which rolemix cannot read: "
            "open it in Excel and save it as .xlsx.",
        ),
        (
            "plan.csv",
            "plan.csv is a CSV file, not a workbook: put its data into the rolemix template and save that as .xlsx.",
        ),
        (
            "plan.ods",
            "plan.ods is an OpenDocument spreadsheet (.ods), which rolemix cannot read: "
            "save it as .xlsx (Excel 2007-365).",
        ),
        ("plan.txt", "plan.txt has '.txt', not .xlsx: rolemix reads Excel workbooks; save it as .xlsx."),
        ("plan", "plan has no extension, not .xlsx: rolemix reads Excel workbooks; save it as .xlsx."),
    ],
)
def test_refused_by_name(tmp_path: Path, example_bytes: bytes, name: str, expected: str) -> None:
    # The content is a perfectly good workbook: the name alone decides.
    path = tmp_path / name
    path.write_bytes(example_bytes)
    assert refusal(path) == expected


def test_missing_file_and_folder(tmp_path: Path) -> None:
    missing = tmp_path / "missing.xlsx"
    with pytest.raises(FileRefused) as raised:
        read_plan_input(missing)
    assert str(raised.value) == f"The input workbook '{missing}' does not exist: check the name and the folder."
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(FileRefused) as raised:
        read_plan_input(folder)
    assert str(raised.value) == f"The input workbook '{folder}' is a folder, not a file: name the file inside it."


def test_check_file_exists_is_reusable(tmp_path: Path) -> None:
    scenario = tmp_path / "slow-ai.yaml"
    with pytest.raises(FileRefused) as raised:
        check_file_exists(scenario, "scenario file")
    assert str(raised.value) == f"The scenario file '{scenario}' does not exist: check the name and the folder."
    scenario.write_text("name: slow\n")
    assert check_file_exists(str(scenario), "scenario file") == scenario


def test_random_bytes_and_empty_file(tmp_path: Path) -> None:
    noise = tmp_path / "noise.xlsx"
    noise.write_bytes(bytes(range(256)) * 64)
    assert refusal(noise) == "noise.xlsx is not an Excel workbook (its content is not .xlsx): save it as .xlsx."
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert refusal(empty) == "empty.xlsx is empty (0 bytes): save the workbook again as .xlsx."


def test_ole2_file_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(safety.OLE2_MAGIC + bytes(4096))
    assert refusal(path) == (
        "locked.xlsx is a password-protected (encrypted) workbook or an old .xls: "
        "remove the password (File > Info > Protect Workbook) or save it as .xlsx, then try again."
    )


def test_truncated_zip(tmp_path: Path, example_bytes: bytes) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes(example_bytes[: len(example_bytes) // 2])
    assert refusal(path) == (
        "cut.xlsx is damaged or incomplete and cannot be read (File is not a zip file): "
        "copy it again from where it came from, or open it in Excel and save it as .xlsx."
    )


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert (
        refusal(path) == "letter.xlsx is a zip file but not an Excel workbook: save the workbook from Excel as .xlsx."
    )


def test_damaged_sheet_xml(tmp_path: Path, example_bytes: bytes) -> None:
    path = tmp_path / "broken.xlsx"
    cut_short = b'<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c>'

    def break_roles(name: str, data: bytes) -> bytes:
        return cut_short if name == "xl/worksheets/sheet3.xml" else data

    rezip(example_bytes, path, break_roles)
    assert refusal(path) == (
        "broken.xlsx is damaged or incomplete and cannot be read (no element found: line 1, column 76): "
        "copy it again from where it came from, or open it in Excel and save it as .xlsx."
    )


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)

DECLARATION_REFUSED = (
    "bomb.xlsx contains an XML DOCTYPE or ENTITY declaration (in {part}), which Excel never writes and which can be "
    "used to attack the reader: it was not read. Open it in Excel and save it as a new .xlsx."
)


def _after_declaration(data: bytes) -> bytes:
    """The part without its XML declaration (the planted prolog brings its own)."""
    return data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data


def test_doctype_entity_in_workbook_xml(tmp_path: Path, example_bytes: bytes) -> None:
    path = tmp_path / "bomb.xlsx"

    def plant(name: str, data: bytes) -> bytes:
        return BILLION_LAUGHS + _after_declaration(data) if name == "xl/workbook.xml" else data

    rezip(example_bytes, path, plant)
    assert refusal(path) == DECLARATION_REFUSED.format(part="xl/workbook.xml")


def test_doctype_in_utf16_part(tmp_path: Path, example_bytes: bytes) -> None:
    path = tmp_path / "bomb.xlsx"

    def plant(name: str, data: bytes) -> bytes:
        if name != "xl/styles.xml":
            return data
        text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>' + _after_declaration(
            data
        ).decode("utf-8")
        return text.encode("utf-16")

    rezip(example_bytes, path, plant)
    assert refusal(path) == DECLARATION_REFUSED.format(part="xl/styles.xml")


def test_declaration_hidden_behind_a_long_preamble(tmp_path: Path, example_bytes: bytes) -> None:
    path = tmp_path / "bomb.xlsx"
    padding = b"<?pad " + b"x" * safety.XML_PROLOG_SCAN_BYTES + b"?>"

    def plant(name: str, data: bytes) -> bytes:
        return padding + BILLION_LAUGHS + _after_declaration(data) if name == "xl/workbook.xml" else data

    rezip(example_bytes, path, plant)
    assert refusal(path) == (
        "bomb.xlsx has an XML part (xl/workbook.xml) with an unusually long preamble: it was not read. "
        "Open it in Excel and save it as a new .xlsx."
    )


def test_doctype_inside_a_comment_is_harmless(tmp_path: Path, example_bytes: bytes) -> None:
    path = tmp_path / "commented.xlsx"

    def plant(name: str, data: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return data
        return b'<?xml version="1.0"?><!-- <!DOCTYPE x> was here -->' + _after_declaration(data)

    rezip(example_bytes, path, plant)
    assert len(read_unchanged(path).roles) == len(EXAMPLE["Roles"])


def test_zip_bomb_member(tmp_path: Path, example_bytes: bytes) -> None:
    path = tmp_path / "bomb.xlsx"
    rezip(example_bytes, path, unchanged, {"xl/media/zeros.bin": bytes(20 * MIB)})
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/media/zeros.bin")
    ratio = info.file_size / info.compress_size
    assert ratio > safety.MAX_COMPRESSION_RATIO
    assert refusal(path) == (
        f"bomb.xlsx has a part (xl/media/zeros.bin) that unpacks {ratio:,.0f} times its stored size, "
        "more than the 200:1 limit: it is not a workbook rolemix can read safely."
    )


def test_total_size_limit(tmp_path: Path, example_bytes: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real limit is 512 MiB; lower it rather than write hundreds of MiB.
    monkeypatch.setattr(safety, "MAX_TOTAL_UNCOMPRESSED", 2 * MIB)
    path = tmp_path / "big.xlsx"
    rezip(example_bytes, path, unchanged, {"xl/media/zeros.bin": bytes(3 * MIB)})
    with zipfile.ZipFile(path) as archive:
        total = sum(info.file_size for info in archive.infolist())
    assert refusal(path) == (
        f"big.xlsx would unpack to {total / MIB:,.0f} MiB, more than the 2 MiB limit: "
        "remove unused sheets, images or blank formatted rows and save it again."
    )


def test_member_count_limit(tmp_path: Path, example_bytes: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_MEMBERS", 10)
    path = tmp_path / "many.xlsx"
    path.write_bytes(example_bytes)
    with zipfile.ZipFile(path) as archive:
        count = len(archive.infolist())
    assert refusal(path) == (
        f"many.xlsx holds {count} parts, more than the 10 a workbook may have: "
        "it is not a workbook rolemix can read safely."
    )


def test_openpyxl_parses_through_defusedxml() -> None:
    # Other code that opens workbooks with openpyxl relies on this second line of defence.
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl_parses_safely() is True


def test_cell_reader_refuses_declarations_the_scan_did_not_see(
    tmp_path: Path, example_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Switch the byte scan off: the cell reader's own parser must still refuse the DOCTYPE.
    monkeypatch.setattr(safety, "check_xml_declarations", lambda path, archive: None)
    path = tmp_path / "bomb.xlsx"

    def plant(name: str, data: bytes) -> bytes:
        return BILLION_LAUGHS + _after_declaration(data) if name == "xl/worksheets/sheet3.xml" else data

    rezip(example_bytes, path, plant)
    assert refusal(path) == DECLARATION_REFUSED.format(part="xl/worksheets/sheet3.xml")


@pytest.mark.parametrize(
    "document",
    [
        BILLION_LAUGHS + b"<root>&lol2;</root>",
        b'<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>',
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://example.com/x.dtd"> %p;]><r/>',
    ],
)
def test_hardened_parser_refuses_every_declaration(document: bytes) -> None:
    parser = hardened_parser(lambda name, attributes: None, lambda name: None, lambda text: None)
    with pytest.raises(DeclarationFound):
        parser.Parse(document, True)


def test_macro_enabled_workbook_is_read_with_a_warning(tmp_path: Path, example_bytes: bytes) -> None:
    path = tmp_path / "plan.xlsm"
    path.write_bytes(example_bytes)
    warnings: list[str] = []
    plan = read_unchanged(path, warnings)
    assert len(plan.units) == len(EXAMPLE["Units"])
    assert warnings == [
        "plan.xlsm is a macro-enabled workbook: it is read as data and its macros are ignored (never run)."
    ]


def test_plain_workbook_has_no_warnings(tmp_path: Path, example_bytes: bytes) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(example_bytes)
    warnings: list[str] = []
    read_unchanged(path, warnings)
    assert warnings == []


def _far_right_sheet(rows: int) -> bytes:
    """A worksheet whose every row holds one cell in the last column, XFD."""
    body = "".join(f'<row r="{n}"><c r="XFD{n}"><v>{n}</v></c></row>' for n in range(1, rows + 1))
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f"{body}</sheetData></worksheet>"
    ).encode()


def test_rows_of_far_right_cells_are_padded_one_at_a_time(tmp_path: Path, example_bytes: bytes) -> None:
    # 3,000 rows fit in one parsing chunk; padded all at once to XFD they would take 390 MB.

    path = tmp_path / "wide.xlsx"
    segment_rules = "xl/worksheets/sheet19.xml"
    rezip(example_bytes, path, lambda name, data: _far_right_sheet(3000) if name == segment_rules else data)

    tracemalloc.start()
    try:
        with open_workbook_cells(path) as cells:
            rows = [(number, len(values), values[-1]) for number, values in cells.rows("SegmentRules")]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows[0] == (1, 16_384, 1) and rows[-1] == (3000, 16_384, 3000) and len(rows) == 3000
    assert peak < 40 * MIB


@pytest.mark.parametrize(
    ("reference", "detail"),
    [
        ("XFE2", "cell 'XFE2' of sheet 'Roles' is not a cell of a worksheet (columns A to XFD)"),
        ("2", "cell '2' of sheet 'Roles' is not a cell of a worksheet (columns A to XFD)"),
        ("B$2", "cell 'B$2' of sheet 'Roles' is not a cell of a worksheet (columns A to XFD)"),
    ],
)
def test_cell_references_beyond_a_worksheet_are_damage(
    tmp_path: Path, example_bytes: bytes, reference: str, detail: str
) -> None:
    path = tmp_path / "odd.xlsx"

    def move(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet3.xml":
            return data
        return data.replace(b'<c r="B2"', f'<c r="{reference}"'.encode(), 1)

    rezip(example_bytes, path, move)
    assert refusal(path) == (
        f"odd.xlsx is damaged or incomplete and cannot be read ({detail}): "
        "copy it again from where it came from, or open it in Excel and save it as .xlsx."
    )
