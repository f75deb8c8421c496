"""How the results workbook's large tables are written quickly (rolemix.report.bulk), and that it changes nothing.

The rows of a large table are filled into one ``%`` template per table,
about half of the sheets are made and compressed by a forked helper
process, and the compressed parts are written as a zip file by
``_write_zip``.  These tests lower the thresholds so that a hand-built plan
takes every path, and check the file byte for byte, part by part, against
the file written without the helper (or by ``zipfile`` itself).
"""

from __future__ import annotations

import sys
import zipfile
import zlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import Workbook
from test_report import WHEN, small_baseline, small_result
from test_report_bulk_tables import _everything, _saved

from rolemix.report import bulk, write_plan_workbook
from rolemix.report.bulk import LargeTables
from rolemix.report.cells import FORMULA_TRIGGERS, Column, TableNames, neutralise, write_table

OVERRIDES = [("Roles", "Account executive / First-year attrition", 0.25, 0.3), ("Settings", "Time limit", 30, 60)]


def _parts(path: Path) -> dict[str, bytes]:
    """Every part of a saved workbook, unzipped, without the time stamps of docProps/core.xml."""
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts.pop("docProps/core.xml")
    return parts


@pytest.fixture
def helpers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every table of more than one row goes straight into the file; the list says, save by save, whether a
    helper process was started."""
    monkeypatch.setattr(bulk, "LARGE_TABLE_ROWS", 1)
    monkeypatch.setattr(bulk, "HELPER_MIN_CELLS", 0)
    # Other tests may leave an idle thread behind, which would keep the helper from being forked.
    monkeypatch.setattr(bulk, "may_fork", lambda: True)
    started: list[bool] = []
    start = bulk._Helper.start

    def spy(*args: Any) -> bulk._Helper | None:
        helper = start(*args)
        started.append(helper is not None)
        return helper

    monkeypatch.setattr(bulk._Helper, "start", spy)
    return started


def _plan(tmp_path: Path, name: str) -> Path:
    return write_plan_workbook(
        small_result(), tmp_path / name, baseline=small_baseline(), scenario_overrides=OVERRIDES, generated_at=WHEN
    )


linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the helper process is forked, on Linux only")


@linux_only
def test_sheets_made_by_a_helper_process_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helpers: list[bool]
) -> None:
    with_helper = _plan(tmp_path, "helper.xlsx")
    monkeypatch.setattr(bulk, "may_fork", lambda: False)
    alone = _plan(tmp_path, "alone.xlsx")
    assert helpers == [True, False]
    assert _parts(with_helper) == _parts(alone)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["alone.xlsx", "helper.xlsx"]


@linux_only
def test_a_helper_that_sends_nothing_leaves_its_sheets_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helpers: list[bool]
) -> None:
    alone = _plan(tmp_path, "alone.xlsx")

    def fail(sheets: object, share: list[int], connection: Any) -> None:
        raise RuntimeError("the helper breaks down")

    # The helper is a fork of this process, so it runs the replaced function.
    monkeypatch.setattr(bulk, "_help", fail)
    failed = _plan(tmp_path, "failed.xlsx")
    assert helpers == [True, True]
    assert _parts(failed) == _parts(alone)


def test_the_share_of_the_helper_is_the_larger_half() -> None:
    def sheet(*sizes: tuple[int, int]) -> list[Any]:
        """A sheet's kept-back tables, each of so many rows and columns."""
        return [SimpleNamespace(table=SimpleNamespace(rows=[()] * rows, kinds=["text"] * columns))
                for rows, columns in sizes]

    plan, coverage, reskilling, assumptions = (
        sheet((100_000, 24)), sheet((80_000, 19), (20_000, 11)), sheet((50_000, 14)), sheet((150_000, 6))
    )
    # 2.4 million cells, 1.74, 0.7 and 0.9: plan and reskilling (3.1) against coverage and assumptions (2.64).
    assert bulk._helper_share([plan, coverage, reskilling, assumptions]) == [0, 2]
    assert bulk._helper_share([plan]) == []
    assert bulk._helper_share([sheet((10, 2)), sheet((10, 2))]) == []


def _zip_of(path: Path, parts: dict[str, bytes]) -> list[tuple[zipfile.ZipInfo, bulk._Deflated]]:
    """Zip entries as openpyxl's save gives them, each with its data compressed."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    with zipfile.ZipFile(path) as package:
        return [(info, bulk._Deflated.of([package.read(info)])) for info in package.infolist()]


PARTS = {
    "[Content_Types].xml": b"<Types/>",
    "xl/worksheets/sheet1.xml": b"<worksheet>" + b"<row/>" * 5_000 + b"</worksheet>",
    "xl/\u00fcbersicht.xml": b"a part with a name beyond ASCII",
}


def test_compressed_parts_are_written_as_zipfile_writes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Compressed as zipfile compresses (with zlib), the file is byte for byte the one zipfile writes.
    monkeypatch.setattr(bulk, "DEFLATE", zlib)
    entries = _zip_of(tmp_path / "source.zip", PARTS)
    bulk._write_zip(tmp_path / "ours.zip", entries)
    with (
        zipfile.ZipFile(tmp_path / "source.zip") as source,
        zipfile.ZipFile(tmp_path / "theirs.zip", "w", zipfile.ZIP_DEFLATED) as package,
    ):
        for info, _ in entries:
            package.writestr(info, source.read(info.filename), compresslevel=bulk.COMPRESS_LEVEL)
    assert (tmp_path / "ours.zip").read_bytes() == (tmp_path / "theirs.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "ours.zip") as package:
        assert package.testzip() is None
        assert {name: package.read(name) for name in package.namelist()} == PARTS


def test_parts_compressed_with_isal_read_back_with_zipfile(tmp_path: Path) -> None:
    assert bulk.DEFLATE.__name__ == "isal.isal_zlib"  # a dependency: installed wherever the tests run
    entries = _zip_of(tmp_path / "source.zip", PARTS)
    bulk._write_zip(tmp_path / "ours.zip", entries)
    with zipfile.ZipFile(tmp_path / "ours.zip") as package:
        assert package.testzip() is None  # every entry's checksum holds
        assert {name: package.read(name) for name in package.namelist()} == PARTS


def test_a_file_too_large_for_plain_zip_is_written_by_zipfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = _zip_of(tmp_path / "source.zip", PARTS)
    monkeypatch.setattr(bulk, "_ZIP_LIMIT", 1_000)
    bulk._write_zip(tmp_path / "large.zip", entries)
    with zipfile.ZipFile(tmp_path / "large.zip") as package:
        assert package.testzip() is None
        assert {name: package.read(name) for name in package.namelist()} == PARTS


def test_texts_that_look_like_templates_are_written_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "LARGE_TABLE_ROWS", 1)
    texts = ["100%", "%s", "%d %%", "%(name)s", "%.16g", "50 % off"]
    rows: list[list[object]] = [[text, index + 0.5, None if index % 2 else text] for index, text in enumerate(texts)]
    columns = [Column("Text"), Column("Number", "people"), Column("Gaps")]
    read_back = []
    for large in (LargeTables(), None):
        book = Workbook()
        write_table(book.active, TableNames(book), "t", columns, rows, large=large)
        read_back.append(_everything(_saved(book, tmp_path / f"{large is not None}.xlsx", large)))
    assert read_back[0] == read_back[1]
    cells = read_back[0][1]
    assert [row[0][0] for row in cells[1:]] == texts
    assert [row[2][0] for row in cells[1:]] == [text if index % 2 == 0 else None for index, text in enumerate(texts)]


def test_only_texts_that_may_start_like_a_formula_are_checked_for_the_quote_prefix() -> None:
    texts = [*FORMULA_TRIGGERS, "", " =", "a=", "\x07=x", "\x07a", "\n=", "\t", "Zürich", "１", "=", "+1", "x"]
    texts += [f"{character}tail" for character in map(chr, range(0, 0x300))]
    for text in texts:
        if neutralise(text)[1]:
            assert bulk._may_need_prefix(text), text
