"""The reader's fast paths give exactly what the general paths give.

Reading a 62,000-row workbook sends millions of cells through the cell
reader and the converters, so each takes a short path for the usual cell (a
number within range, a listed choice, plain text, cells in column order).
These tests pin the values and messages at the edges of those short paths,
where a shortcut could differ from the full check: bounds, signs, huge and
non-finite numbers, logical values, blank text, cells out of order, gaps,
repeated and far-right cells, pretty-printed XML.  No test here is timed.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import zipfile
from pathlib import Path

import pytest

from rolemix.spec import SHEETS, Field
from rolemix.workbook.cells import MAX_COLUMNS, open_workbook_cells
from rolemix.workbook.example import example_rows
from rolemix.workbook.reader import read_plan_input
from rolemix.workbook.template import write_input_workbook
from rolemix.workbook.validate import converter

LARGEST_MESSAGE = "expected at most 1,000,000,000,000,000 (a larger number is taken for a typing error)"


def field(sheet: str, label: str) -> Field:
    """The spec's field for one column."""
    spec = next(spec for spec in SHEETS if spec.name == sheet)
    return next(f for f in spec.fields if f.label == label)


# --- converters: the short path and the full check agree ------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3, (3.0, None)),
        (2.5, (2.5, None)),
        (0, (0.0, None)),
        (5, (5.0, None)),
        (5.000001, (None, "found 5.000001, expected at most 5")),
        (-1, (None, "found -1, expected at least 0")),
        (True, (None, "found TRUE, expected a number")),
        (math.nan, (None, "found NaN, expected a number")),
        (math.inf, (None, "found infinity, expected a number")),
        (-math.inf, (None, "found minus infinity, expected a number")),
        ("3", (None, "found '3' (a number stored as text), expected a number")),
        ("  ", (None, "blank, but a value is required")),
        (None, (None, "blank, but a value is required")),
        (dt.datetime(2027, 1, 1), (None, "found the date 2027-01-01, expected a number")),
    ],
)
def test_number_converter_on_skill_levels(raw: object, expected: tuple[object, str | None]) -> None:
    value, message = converter(field("Skills", "Level"))(raw)
    assert (value, message) == expected
    if value is not None:
        assert type(value) is float


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (10**15, (1e15, None)),
        (1e15, (1e15, None)),
        (10**15 + 1, (None, f"found 1000000000000001.0, {LARGEST_MESSAGE}")),
        (1.5e15, (None, f"found 1500000000000000.0, {LARGEST_MESSAGE}")),
        (10**400, (None, "found a number of 401 digits, expected a number")),
        (None, (None, None)),
    ],
)
def test_number_converter_at_the_largest_number(raw: object, expected: tuple[object, str | None]) -> None:
    assert converter(field("Demand", "Hours"))(raw) == expected


def test_number_converter_keeps_the_sign_of_zero() -> None:
    value, message = converter(field("Demand", "Hours"))(-0.0)
    assert message is None and isinstance(value, float)
    assert value == 0.0 and math.copysign(1.0, value) == -1.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (2, (2, None)),
        (2.0, (2, None)),
        (0, (0, None)),
        (10**15, (10**15, None)),
        (2.5, (None, "found 2.5, expected a whole number")),
        (-3, (None, "found -3, expected at least 0")),
        (10**15 + 1, (None, f"found 1000000000000001.0, {LARGEST_MESSAGE}")),
        (True, (None, "found TRUE, expected a whole number")),
        (math.nan, (None, "found NaN, expected a whole number")),
        ("2", (None, "found '2' (a number stored as text), expected a whole number")),
        (None, (1, None)),
        ("", (1, None)),
    ],
)
def test_integer_converter_on_head_counts(raw: object, expected: tuple[object, str | None]) -> None:
    value, message = converter(field("Headcount", "Count"))(raw)
    assert (value, message) == expected
    if value is not None:
        assert type(value) is int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("under 1 year", ("under 1 year", None)),
        ("  UNDER   1 Year ", ("under 1 year", None)),
        ("   ", ("1 year or more", None)),
        ("", ("1 year or more", None)),
        (None, ("1 year or more", None)),
        ("under one year", (None, "found 'under one year', expected one of 'under 1 year', '1 year or more'")),
        (1, (None, "found 1, expected one of 'under 1 year', '1 year or more'")),
    ],
)
def test_choice_converter_on_tenure_bands(raw: object, expected: tuple[object, str | None]) -> None:
    assert converter(field("Headcount", "Tenure band"))(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" YES ", ("yes", None)), (True, ("yes", None)), (False, ("no", None)), (" ", (None, None))],
)
def test_yes_no_converter_on_must_meet(raw: object, expected: tuple[object, str | None]) -> None:
    assert converter(field("Demand", "Must meet"))(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  E000001 ", ("E000001", None)),
        (12.0, ("12", None)),
        (12, ("12", None)),
        (0.5, ("0.5", None)),
        (True, ("TRUE", None)),
        ("   ", (None, "blank, but a value is required")),
        (None, (None, "blank, but a value is required")),
    ],
)
def test_text_converter_on_group_names(raw: object, expected: tuple[object, str | None]) -> None:
    assert converter(field("Headcount", "Group"))(raw) == expected


# --- the cell reader: every per-cell path on one hand-made sheet ---------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

#: Pretty-printed, as some tools write it: whitespace between elements is no cell text.
SHEET = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}">
  <dimension ref="A1:XFD4"/>
  <sheetData>
    <row r="1">
      <c r="B1" t="inlineStr">
        <is>
          <t>second</t>
        </is>
      </c>
      <c r="A1" t="inlineStr"><is><t xml:space="preserve"> first </t></is></c>
    </row>
    <row r="3">
      <c r="A3"><v>7</v></c>
      <c r="A3"><v>8</v></c>
      <c r="D3" t="s"><v>0</v></c>
      <c t="b"><v>1</v></c>
      <c r="F3" t="e"><v>#N/A</v></c>
      <c r="G3"><f>1+1</f><v></v></c>
      <c r="H3" t="str"><f>"x"&amp;""</f><v></v></c>
      <c r="I3"><f>2*3</f><v>6</v></c>
      <c r="J3" s="1"><v>46477</v></c>
      <c r="K3"><v>1.50</v></c>
      <c r="L3"><v>12345678901234567890</v></c>
      <c r="M3" s="0"><v></v></c>
      <c r="N3" s="0"/>
      <c r="O3" t="s">
        <v>1</v>
      </c>
    </row>
    <row>
      <c r="XFD4" t="inlineStr"><is><t>far</t></is></c>
      <c r="B4"><v>2</v></c>
    </row>
  </sheetData>
</worksheet>
"""

SHARED_STRINGS = f"""<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="{MAIN}" count="2" uniqueCount="2">
  <si><r><t>Rich</t></r><r><t xml:space="preserve"> text</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si>
  <si><t>plain</t></si>
</sst>
"""

STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{MAIN}">
  <cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>
</styleSheet>
"""


def write_handmade(path: Path) -> None:
    """A workbook of one sheet, ``Made``, with shared strings and a date style."""
    relationship = f'<Relationship Id="{{}}" Type="{RELATIONSHIPS}/{{}}" Target="{{}}"/>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + relationship.format("rId1", "officeDocument", "xl/workbook.xml")
            + "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            '<sheets><sheet name="Made" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + relationship.format("rId1", "worksheet", "worksheets/made.xml")
            + relationship.format("rId2", "sharedStrings", "sharedStrings.xml")
            + relationship.format("rId3", "styles", "styles.xml")
            + "</Relationships>",
        )
        archive.writestr("xl/worksheets/made.xml", SHEET)
        archive.writestr("xl/sharedStrings.xml", SHARED_STRINGS)
        archive.writestr("xl/styles.xml", STYLES)


def test_cell_reader_reads_every_kind_of_cell_in_place(tmp_path: Path) -> None:
    path = tmp_path / "handmade.xlsx"
    write_handmade(path)
    with open_workbook_cells(path) as cells:
        rows = list(cells.rows("Made"))
        uncomputed = dict(cells.formulas_without_results("Made"))
    assert [number for number, _ in rows] == [1, 3, 4]
    # Cells written right to left land in their columns; whitespace around <t> is no text.
    assert rows[0][1] == (" first ", "second")
    assert rows[1][1] == (
        8,  # the same cell twice: the later one counts
        None,
        None,
        "Rich text",  # a rich shared string, its phonetic guide left out
        True,  # a cell without a reference is the next column
        "#N/A",
        None,  # a formula without a saved result reads blank, and is named below
        "",  # a text formula's empty result is a real, blank result
        6,
        dt.datetime(2027, 3, 31),
        1.5,
        1.2345678901234567e19,  # more digits than Excel keeps: a float, not a huge whole number
        None,
        None,
        "plain",
    )
    assert uncomputed == {(3, 7): "1+1"}
    number, far_row = rows[2]
    assert len(far_row) == MAX_COLUMNS
    assert far_row[:2] == (None, 2)  # a near cell after a far-right one still lands in place
    assert far_row[-1] == "far"
    assert sum(value is not None for value in far_row) == 2


def test_rows_handed_out_do_not_change_as_later_rows_are_read(tmp_path: Path) -> None:
    path = tmp_path / "handmade.xlsx"
    write_handmade(path)
    with open_workbook_cells(path) as cells:
        rows = cells.rows("Made")
        first = next(rows)
        rest = list(rows)
    assert first == (1, (" first ", "second"))
    assert len(rest) == 2


# --- building the plan input: reskilling eligibility per From role --------------------------------


def test_eligibility_counts_only_the_groups_of_each_paths_from_role(tmp_path: Path) -> None:
    rows = copy.deepcopy(example_rows())
    # No inside sales rep has a Skills row: level 0 in every skill, so a minimum of 0 lets every one in.
    rows["PathSkills"].append({"Path": "ISR to customer success", "Skill": "Negotiation", "Minimum level": 0})
    path = tmp_path / "plan.xlsx"
    write_input_workbook(path, rows)
    plan = read_plan_input(path)

    levels: dict[tuple[str, str], float] = {(r["Group"], r["Skill"]): r["Level"] for r in rows["Skills"]}
    minimums: dict[str, list[tuple[str, float]]] = {}
    for need in rows["PathSkills"]:
        minimums.setdefault(need["Path"], []).append((need["Skill"], need["Minimum level"]))
    for reskill_path in rows["ReskillPaths"]:
        needs = minimums.get(reskill_path["Path"])
        expected: dict[str, float] | None = None
        if needs:
            expected = {unit["Unit"]: 0.0 for unit in rows["Units"]}
            for group in rows["Headcount"]:
                met = all(levels.get((group["Group"], skill), 0) >= level for skill, level in needs)
                if group["Role"] == reskill_path["From role"] and met:
                    expected[group["Unit"]] += group["Count"]
        found = next(p for p in plan.paths if p.name == reskill_path["Path"])
        assert (None if found.eligible is None else dict(found.eligible)) == expected
    isr = next(p for p in plan.paths if p.name == "ISR to customer success")
    assert isr.eligible is not None and sum(count for _, count in isr.eligible) > 0
