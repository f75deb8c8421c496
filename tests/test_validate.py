"""Reading and validating input workbooks: conversion to the plan input, and every rule's exact message.

Workbooks are written into ``tmp_path`` from the worked example (or a tiny
hand-checkable plan) with one planted error each.  Every read goes through
:func:`read_unchanged`, which proves the file is byte-identical afterwards.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from rolemix.errors import InputError
from rolemix.inputs import (
    Copilot,
    Demand,
    ExternalSource,
    PlanInput,
    Policy,
    Ratio,
    ReskillPath,
    Role,
    ScopeRule,
    Settings,
    StartCohort,
    Unit,
    WorkType,
)
from rolemix.spec import SETTINGS
from rolemix.workbook.cells import open_workbook_cells
from rolemix.workbook.example import TEMPLATES_DIR, example_rows
from rolemix.workbook.reader import read_plan_input, summary
from rolemix.workbook.template import write_blank_template, write_input_workbook

Rows = dict[str, Any]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_unchanged(path: Path) -> PlanInput:
    """Read ``path`` and prove the read left the file byte-identical."""
    before = sha256(path)
    try:
        return read_plan_input(path)
    finally:
        assert sha256(path) == before


def problems_in(path: Path) -> list[str]:
    with pytest.raises(InputError) as raised:
        read_unchanged(path)
    return [str(problem) for problem in raised.value.problems]


def write(tmp_path: Path, rows: Rows, name: str = "plan.xlsx") -> Path:
    path = tmp_path / name
    write_input_workbook(path, rows)
    return path


def example() -> Rows:
    return copy.deepcopy(example_rows())


def rewrite_sheet(path: Path, name: str, values: list[list[object]]) -> None:
    """Replace sheet ``name`` by plain cells (for layouts the template writer never makes)."""
    workbook = load_workbook(path)
    index = workbook.sheetnames.index(name)
    del workbook[name]
    worksheet = workbook.create_sheet(name, index)
    for row in values:
        worksheet.append(row)
    workbook.save(path)
    workbook.close()


def set_cells(path: Path, sheet: str, cells: dict[str, object]) -> None:
    """Type values into cells the way Excel stores them (a date gets a date format, as when typed)."""
    workbook = load_workbook(path)
    for coordinate, value in cells.items():
        cell = workbook[sheet][coordinate]
        cell.value = value
        if isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd"
    workbook.save(path)
    workbook.close()


def tiny() -> Rows:
    """A plan small enough to check every converted value by hand."""
    return {
        "Settings": {
            "Plan name": "Tiny",
            "Period length": "quarter",
            "Periods": 2,
            "First period": "2027-Q4",
            "Objective": "fewest layoffs, then least cost",
            "Whole people": "no",
        },
        "Roles": [
            {
                "Role": "Seller",
                "Loaded cost": 100000,
                "Productive hours": 400,
                "Attrition": 0.1,
                "First-year attrition": 0.2,
                "Hires cap": 0,
            },
            {
                "Role": "Engineer",
                "Loaded cost": 150000,
                "Productive hours": 380,
                "Attrition": "12%",
                "First-year attrition": 0.3,
                "Ramp periods": 1.0,
                "Layoff cap": 0.05,
            },
        ],
        "Units": [
            {"Unit": "North", "Region": "Europe", "Segment": "Enterprise"},
            {"Unit": "South", "Region": "Europe", "Segment": "SMB"},
        ],
        "WorkTypes": [
            {"Work type": "selling", "Unmet penalty": 200, "Must meet": "no"},
            {"Work type": "tech", "Description": "Demos", "Unmet penalty": 300, "Must meet": "YES"},
        ],
        "Headcount": [
            {"Group": "G1", "Role": "Seller", "Unit": "North", "Count": 10},
            {
                "Group": "G2",
                "Role": "Seller",
                "Unit": "North",
                "Tenure band": "under 1 year",
                "Count": 5,
                "Cost override": 90000,
            },
            {"Group": "G3", "Role": "Engineer", "Unit": "North", "Count": 4},
            {"Group": 1004, "Role": "Seller", "Unit": "South", "Count": 3},
        ],
        "Skills": [
            {"Group": "G1", "Skill": "Tech", "Level": 4},
            {"Group": "G2", "Skill": "Tech", "Level": 2},
            {"Group": 1004, "Skill": "Negotiation", "Level": 5},
        ],
        "Demand": [
            {"Unit": "North", "Work type": "selling", "Period": "2027-Q4", "Hours": 1000},
            {"Unit": "North", "Work type": "tech", "Period": "2028-q1", "Accounts": 10, "Hours per account": 20},
            {"Unit": "South", "Work type": "selling", "Period": "2028-Q1", "Hours": 500, "Must meet": "yes"},
        ],
        "Effectiveness": [
            {"Role": "Seller", "Work type": "selling", "Effectiveness": 1},
            {"Role": "Seller", "Work type": "tech", "Effectiveness": 0},
            {"Role": "Engineer", "Work type": "tech", "Effectiveness": 1},
            {"Role": "Engineer", "Work type": "selling", "Effectiveness": 0.5},
        ],
        "ReskillPaths": [
            {
                "Path": "Upskill",
                "From role": "Seller",
                "To role": "Engineer",
                "Cost per person": 5000,
                "Duration": 1,
                "Completion rate": 0.8,
                "Non-completers": "Leave",
                "Seats per period": 3,
            },
            {"Path": "Back", "From role": "Engineer", "To role": "Seller"},
        ],
        "PathSkills": [{"Path": "Upskill", "Skill": "Tech", "Minimum level": 3}],
        "Capacity": [{"Source": "Bot", "Kind": "AI agent", "Cost per unit": 100, "Hours per unit": 50}],
        "CapacityScope": [{"Source": "Bot", "Work type": "selling", "Segment": "SMB", "Max share": "40%"}],
        "Copilots": [{"Copilot": "Helper", "Role": "Seller", "Seat cost": 10, "Uplift": 0.2}],
        "Adoption": [{"Name": "Bot", "Period": "2028-Q1", "Adoption": 0.5}],
        "Policy": {"Layoff cap people": 5},
        "Budget": [{"Period": "2028-Q1", "Budget": 1000000}],
        "Ratios": [{"Segment": "Enterprise", "Role": "Engineer", "Per role": "Seller", "Minimum": 0.2}],
        "SegmentRules": [{"Segment": "SMB", "Min human share": 0.5}],
    }


# --- reading whole workbooks ---------------------------------------------------------------------


def test_shipped_example_reads_with_the_expected_counts() -> None:
    path = TEMPLATES_DIR / "example-software-co.xlsx"
    rows: Rows = example_rows()
    plan = read_unchanged(path)
    headcount = sum(row["Count"] for row in rows["Headcount"])
    assert [role.name for role in plan.roles] == [row["Role"] for row in rows["Roles"]]
    assert [unit.name for unit in plan.units] == [row["Unit"] for row in rows["Units"]]
    assert sum(cohort.count for cohort in plan.start) == headcount
    assert len(plan.demand) == len(rows["Demand"])
    assert plan.period_labels == (
        "2027-Q1",
        "2027-Q2",
        "2027-Q3",
        "2027-Q4",
        "2028-Q1",
        "2028-Q2",
        "2028-Q3",
        "2028-Q4",
    )
    assert plan.provenance == (("workbook", str(path)), ("workbook_sha256", sha256(path)))
    demand_hours = sum(
        row["Hours"] if row.get("Hours") is not None else row["Accounts"] * row["Hours per account"]
        for row in rows["Demand"]
    )
    assert summary(plan) == {
        "plan": rows["Settings"]["Plan name"],
        "roles": len(rows["Roles"]),
        "units": len(rows["Units"]),
        "work_types": len(rows["WorkTypes"]),
        "period_length": "quarter",
        "periods": 8,
        "first_period": "2027-Q1",
        "last_period": "2028-Q4",
        "headcount": headcount,
        "demand_hours": pytest.approx(demand_hours, rel=1e-12),
    }


def test_tiny_plan_converts_exactly(tmp_path: Path) -> None:
    path = write(tmp_path, tiny())
    plan = read_unchanged(path)
    assert plan.settings == Settings(
        plan_name="Tiny",
        period_length="quarter",
        periods=2,
        first_period="2027-Q4",
        objective=("layoffs", "cost"),
        whole_people=False,
    )
    assert plan.period_labels == ("2027-Q4", "2028-Q1")
    assert plan.roles == (
        Role("Seller", 100000.0, 400.0, 0.1, 0.2, hires_cap=0.0),
        Role("Engineer", 150000.0, 380.0, 0.12, 0.3, ramp_periods=1, layoff_cap_share=0.05),
    )
    assert plan.units == (Unit("North", "Europe", "Enterprise"), Unit("South", "Europe", "SMB"))
    assert plan.work_types == (
        WorkType("selling", "", 200.0, False),
        WorkType("tech", "Demos", 300.0, True),
    )
    assert plan.start == (
        StartCohort("Seller", "North", 15.0, 5.0, (10 * 100000.0 + 5 * 90000.0) / 15),
        StartCohort("Engineer", "North", 4.0, 0.0, 150000.0),
        StartCohort("Seller", "South", 3.0, 0.0, 100000.0),
    )
    assert plan.demand == (
        Demand("North", "selling", 1, 1000.0, False, 200.0),
        Demand("North", "tech", 2, 200.0, True, 300.0),
        Demand("South", "selling", 2, 500.0, True, 200.0),
    )
    assert plan.effectiveness == (("Seller", "selling", 1.0), ("Engineer", "tech", 1.0), ("Engineer", "selling", 0.5))
    assert plan.paths == (
        ReskillPath(
            "Upskill",
            "Seller",
            "Engineer",
            cost_per_person=5000.0,
            duration=1,
            completion_rate=0.8,
            non_completers="leave",
            seats_per_period=3.0,
            min_skills=(("Tech", 3.0),),
            # G1 (level 4) qualifies, G2 (level 2) does not, group 1004 has no Tech row: level 0.
            eligible=(("North", 10.0), ("South", 0.0)),
        ),
        ReskillPath("Back", "Engineer", "Seller"),
    )
    assert plan.sources == (
        ExternalSource("Bot", "AI agent", 100.0, 50.0, (ScopeRule("selling", "SMB", 0.4),), (1.0, 0.5)),
    )
    assert plan.copilots == (Copilot("Helper", "Seller", 10.0, 0.2, (1.0, 1.0)),)
    assert plan.policy == Policy(budget=(None, 1000000.0), layoff_cap_people=5.0, min_human_share=(("SMB", 0.5),))
    assert plan.ratios == (Ratio("Enterprise", "Engineer", "Seller", minimum=0.2),)


def test_month_labels_that_excel_turned_into_dates_are_read_as_labels(tmp_path: Path) -> None:
    rows = tiny()
    rows["Settings"]["Period length"] = "month"
    rows["Demand"] = [
        {"Unit": "North", "Work type": "selling", "Period": "2028-01", "Hours": 10},
        {"Unit": "North", "Work type": "selling", "Period": "2027-12", "Hours": 20},
    ]
    rows["Adoption"] = rows["Budget"] = []
    path = write(tmp_path, rows)
    set_cells(path, "Settings", {"B5": dt.datetime(2027, 12, 1)})
    set_cells(path, "Demand", {"C2": dt.datetime(2028, 1, 1)})
    plan = read_unchanged(path)
    assert plan.period_labels == ("2027-12", "2028-01")
    assert [(d.period, d.hours) for d in plan.demand] == [(2, 10.0), (1, 20.0)]


def test_year_labels_typed_as_numbers(tmp_path: Path) -> None:
    rows = tiny()
    rows["Settings"].update({"Period length": "year", "First period": 2027, "Periods": 3})
    rows["Demand"] = [{"Unit": "North", "Work type": "selling", "Period": 2029, "Hours": 10}]
    rows["Adoption"] = rows["Budget"] = []
    plan = read_unchanged(write(tmp_path, rows))
    assert plan.period_labels == ("2027", "2028", "2029")
    assert plan.demand[0].period == 3


def test_blank_template_names_each_required_setting_and_sheet(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    write_blank_template(path)
    assert problems_in(path) == [
        "Settings, row 3, column 'Period length': blank, but a value is required",
        "Settings, row 4, column 'Periods': blank, but a value is required",
        "Settings, row 5, column 'First period': blank, but a value is required",
        "Roles: no rows filled in, but at least one is required",
        "Units: no rows filled in, but at least one is required",
        "WorkTypes: no rows filled in, but at least one is required",
        "Headcount: no rows filled in, but at least one is required",
        "Demand: no rows filled in, but at least one is required",
        "Effectiveness: no rows filled in, but at least one is required",
    ]


def test_five_planted_errors_in_five_sheets_come_back_together(tmp_path: Path) -> None:
    rows = example()
    rows["Roles"][2]["Attrition"] = 1.5
    rows["Headcount"][0]["Role"] = "Sales Engineer"
    rows["Demand"][3]["Period"] = "2031-Q3"
    rows["Effectiveness"][1]["Effectiveness"] = -1
    rows["Budget"][0]["Period"] = "2026-Q4"
    path = write(tmp_path, rows)
    with pytest.raises(InputError) as raised:
        read_unchanged(path)
    assert str(raised.value) == "\n".join(
        [
            "5 problems in the input:",
            "  Roles, row 4, column 'Attrition': found 1.5, expected a share between 0 and 1 (write 1.5% or 0.015)",
            "  Headcount, row 2, column 'Role': found 'Sales Engineer', expected one of the roles on the Roles sheet",
            "  Demand, row 5, column 'Period': found '2031-Q3', expected a period label from 2027-Q1 to 2028-Q4",
            "  Effectiveness, row 3, column 'Effectiveness': found -1, expected at least 0",
            "  Budget, row 2, column 'Period': found '2026-Q4', expected a period label from 2027-Q1 to 2028-Q4",
        ]
    )
    assert [(p.sheet, p.row, p.column) for p in raised.value.problems] == [
        ("Roles", 4, "Attrition"),
        ("Headcount", 2, "Role"),
        ("Demand", 5, "Period"),
        ("Effectiveness", 3, "Effectiveness"),
        ("Budget", 2, "Period"),
    ]


def test_scale_five_thousand_headcount_rows(tmp_path: Path) -> None:
    rows = tiny()
    rows["Skills"] = rows["PathSkills"] = []
    rows["Headcount"] = [
        {
            "Group": f"E{number:05d}",
            "Role": ("Seller", "Engineer")[number % 2],
            "Unit": ("North", "South")[number % 3 > 0],
        }
        for number in range(5000)
    ]
    plan = read_unchanged(write(tmp_path, rows))
    assert summary(plan)["headcount"] == 5000
    assert {(c.role, c.unit): c.count for c in plan.start} == {
        ("Seller", "North"): 834.0,
        ("Engineer", "South"): 1667.0,
        ("Seller", "South"): 1666.0,
        ("Engineer", "North"): 833.0,
    }


# --- cell types ----------------------------------------------------------------------------------

CELL_CASES: list[tuple[str, int, str, object, str]] = [
    # sheet, record index, column, planted value, expected problem
    ("Roles", 0, "Loaded cost", "abc", "Roles, row 2, column 'Loaded cost': found 'abc', expected a number"),
    (
        "Roles",
        0,
        "Loaded cost",
        " 180000 ",
        "Roles, row 2, column 'Loaded cost': found '180000' (a number stored as text), expected a number",
    ),
    ("Roles", 1, "Severance", -3, "Roles, row 3, column 'Severance': found -3, expected at least 0"),
    ("Roles", 1, "Hiring cost", True, "Roles, row 3, column 'Hiring cost': found TRUE, expected a number"),
    ("Roles", 2, "Loaded cost", None, "Roles, row 4, column 'Loaded cost': blank, but a value is required"),
    ("Roles", 2, "Loaded cost", "   ", "Roles, row 4, column 'Loaded cost': blank, but a value is required"),
    ("Roles", 0, "Ramp periods", 2.5, "Roles, row 2, column 'Ramp periods': found 2.5, expected a whole number"),
    ("Roles", 0, "Ramp periods", "two", "Roles, row 2, column 'Ramp periods': found 'two', expected a whole number"),
    ("Roles", 0, "Ramp periods", 121, "Roles, row 2, column 'Ramp periods': found 121, expected at most 120"),
    (
        "Roles",
        0,
        "Attrition",
        12,
        "Roles, row 2, column 'Attrition': found 12, expected a share between 0 and 1 (write 12% or 0.12)",
    ),
    ("Roles", 0, "Attrition", -0.1, "Roles, row 2, column 'Attrition': found -0.1, expected a share between 0 and 1"),
    ("Roles", 0, "Attrition", 250, "Roles, row 2, column 'Attrition': found 250, expected a share between 0 and 1"),
    (
        "Roles",
        0,
        "Attrition",
        "150%",
        "Roles, row 2, column 'Attrition': found '150%', expected a share between 0 and 1",
    ),
    (
        "Roles",
        0,
        "Attrition",
        "high",
        "Roles, row 2, column 'Attrition': found 'high', expected a share between 0 and 1 (write 12% or 0.12)",
    ),
    (
        "Effectiveness",
        0,
        "Effectiveness",
        7,
        "Effectiveness, row 2, column 'Effectiveness': found 7, expected at most 5",
    ),
    ("WorkTypes", 1, "Must meet", "maybe", "WorkTypes, row 3, column 'Must meet': found 'maybe', expected yes or no"),
    (
        "ReskillPaths",
        0,
        "Non-completers",
        "stay",
        "ReskillPaths, row 2, column 'Non-completers': found 'stay', expected one of 'return', 'leave'",
    ),
    (
        "ReskillPaths",
        0,
        "Coaching hours",
        -5,
        "ReskillPaths, row 2, column 'Coaching hours': found -5, expected at least 0",
    ),
    (
        "ReskillPaths",
        1,
        "Coaching hours",
        "lots",
        "ReskillPaths, row 3, column 'Coaching hours': found 'lots', expected a number",
    ),
    (
        "Capacity",
        0,
        "Kind",
        "robot",
        "Capacity, row 2, column 'Kind': found 'robot', expected one of 'AI agent', 'partner', 'contractor'",
    ),
    (
        "CapacityScope",
        0,
        "Max share",
        1.2,
        "CapacityScope, row 2, column 'Max share': found 1.2, expected a share between 0 and 1 (write 1.2% or 0.012)",
    ),
    ("Headcount", 1, "Count", 2.5, "Headcount, row 3, column 'Count': found 2.5, expected a whole number"),
    (
        "Headcount",
        1,
        "Tenure band",
        "new",
        "Headcount, row 3, column 'Tenure band': found 'new', expected one of 'under 1 year', '1 year or more'",
    ),
]


@pytest.mark.parametrize(("sheet", "index", "column", "value", "expected"), CELL_CASES)
def test_cell_problem(tmp_path: Path, sheet: str, index: int, column: str, value: object, expected: str) -> None:
    rows = example()
    rows[sheet][index][column] = value
    assert problems_in(write(tmp_path, rows)) == [expected]


SETTING_CASES: list[tuple[str, object, str]] = [
    (
        "Period length",
        "weekly",
        "Settings, row 3, column 'Period length': found 'weekly', expected one of 'month', 'quarter', 'year'",
    ),
    ("Periods", 121, "Settings, row 4, column 'Periods': found 121, expected at most 120"),
    ("Periods", 0, "Settings, row 4, column 'Periods': found 0, expected at least 1"),
    (
        "First period",
        "2027-01",
        "Settings, row 5, column 'First period': found '2027-01', expected a quarter label like 2027-Q1",
    ),
    (
        "Objective",
        "cheapest",
        "Settings, row 7, column 'Objective': found 'cheapest', expected one of 'least cost', "
        "'fewest layoffs, then least cost', 'least unmet demand, then least cost', "
        "'fewest layoffs, then least unmet demand, then least cost'",
    ),
    ("Time limit", 0.5, "Settings, row 10, column 'Time limit': found 0.5, expected at least 1"),
    ("Gap", 2, "Settings, row 11, column 'Gap': found 2, expected a share between 0 and 1 (write 2% or 0.02)"),
    ("Whole people", "sometimes", "Settings, row 9, column 'Whole people': found 'sometimes', expected yes or no"),
]


@pytest.mark.parametrize(("label", "value", "expected"), SETTING_CASES)
def test_setting_problem(tmp_path: Path, label: str, value: object, expected: str) -> None:
    rows = example()
    rows["Settings"][label] = value
    assert problems_in(write(tmp_path, rows)) == [expected]


def test_date_in_a_number_column(tmp_path: Path) -> None:
    path = write(tmp_path, example())
    set_cells(path, "Roles", {"F3": dt.datetime(2027, 1, 1), "F4": dt.datetime(2027, 1, 1, 9, 30)})
    assert problems_in(path) == [
        "Roles, row 3, column 'Hiring cost': found the date 2027-01-01, expected a number",
        "Roles, row 4, column 'Hiring cost': found the date and time 2027-01-01 09:30:00, expected a number",
    ]


def test_formulas_without_a_saved_result_are_named_not_taken_for_blank(tmp_path: Path) -> None:
    # openpyxl saves formulas without their results, as any program that does not calculate does.
    # Read as blank, "Hires cap" would silently mean "no cap" and "Time limit" the default.
    path = write(tmp_path, example())
    set_cells(path, "Roles", {"G2": "=10*2", "B3": "=Roles!B2"})
    set_cells(path, "Settings", {"B10": "=60*2"})
    hint = "expected a value (open the workbook in Excel and save it, or type the value)"
    assert problems_in(path) == [
        f"Settings, row 10, column 'Time limit': found the formula '=60*2' without a saved result, {hint}",
        f"Roles, row 2, column 'Hires cap': found the formula '=10*2' without a saved result, {hint}",
        f"Roles, row 3, column 'Loaded cost': found the formula '=Roles!B2' without a saved result, {hint}",
    ]


def test_numbers_excel_never_writes_are_named_by_cell(tmp_path: Path) -> None:
    path = tmp_path / "odd.xlsx"
    write_input_workbook(path, example())
    source = tmp_path / "source.xlsx"
    path.rename(source)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":  # Roles
                data = data.replace(b"<v>180000</v>", b"<v>NaN</v>", 1).replace(b"<v>210000</v>", b"<v>1E+400</v>", 1)
            new.writestr(info, data)
    assert problems_in(path) == [
        "Roles, row 2, column 'Loaded cost': found NaN, expected a number",
        "Roles, row 3, column 'Loaded cost': found infinity, expected a number",
    ]


def test_huge_numbers_are_typing_errors(tmp_path: Path) -> None:
    rows = example()
    rows["Headcount"][0]["Count"] = 10**20
    rows["Budget"][0]["Budget"] = 1e308
    path = write(tmp_path, rows)
    limit = "expected at most 1,000,000,000,000,000 (a larger number is taken for a typing error)"
    assert problems_in(path) == [
        # Excel keeps 15 significant digits: a longer whole number is read as the float it stands for.
        f"Headcount, row 2, column 'Count': found 1e+20, {limit}",
        f"Budget, row 2, column 'Budget': found 1e+308, {limit}",
    ]


def test_long_texts_are_shown_by_their_start_and_length(tmp_path: Path) -> None:
    rows = example()
    name = "Sales engineer " * 1000
    rows["Headcount"][0]["Role"] = name
    path = write(tmp_path, rows)
    assert problems_in(path) == [
        f"Headcount, row 2, column 'Role': found {name[:60] + '…'!r} (14,999 characters), "
        "expected one of the roles on the Roles sheet",
    ]


def test_lenient_forms_are_accepted(tmp_path: Path) -> None:
    rows = tiny()
    rows["Settings"].update({"Period length": " Quarter ", "Gap": "0.5%"})
    rows["Roles"][0]["Ramp periods"] = 3.0
    path = write(tmp_path, rows)
    set_cells(path, "Settings", {"B9": True})
    plan = read_unchanged(path)
    assert plan.settings.period_length == "quarter"
    assert plan.settings.whole_people is True
    assert plan.settings.gap == 0.005
    assert plan.roles[0].ramp_periods == 3
    assert isinstance(plan.roles[0].ramp_periods, int)


# --- references, keys and rules across sheets ----------------------------------------------------


def test_reference_with_other_capitals_says_names_must_match(tmp_path: Path) -> None:
    rows = example()
    rows["Headcount"][0]["Role"] = "account executive"
    assert problems_in(write(tmp_path, rows)) == [
        "Headcount, row 2, column 'Role': found 'account executive', expected one of the roles on the Roles sheet "
        "(names must match exactly: 'Account executive')"
    ]


REFERENCE_CASES: list[tuple[str, int, str, object, str]] = [
    (
        "Headcount",
        0,
        "Unit",
        "Atlantis",
        "Headcount, row 2, column 'Unit': found 'Atlantis', expected one of the units on the Units sheet",
    ),
    (
        "Demand",
        0,
        "Work type",
        "dancing",
        "Demand, row 2, column 'Work type': found 'dancing', expected one of the work types on the WorkTypes sheet",
    ),
    (
        "Skills",
        0,
        "Group",
        "NOPE",
        "Skills, row 2, column 'Group': found 'NOPE', expected one of the groups on the Headcount sheet",
    ),
    (
        "PathSkills",
        0,
        "Skill",
        "Python",
        "PathSkills, row 2, column 'Skill': found 'Python', expected one of the skills on the Skills sheet",
    ),
    (
        "PathSkills",
        0,
        "Path",
        "Nowhere",
        "PathSkills, row 2, column 'Path': found 'Nowhere', expected one of the paths on the ReskillPaths sheet",
    ),
    (
        "CapacityScope",
        0,
        "Source",
        "Elves",
        "CapacityScope, row 2, column 'Source': found 'Elves', expected one of the sources on the Capacity sheet",
    ),
    (
        "CapacityScope",
        0,
        "Segment",
        "Government",
        "CapacityScope, row 2, column 'Segment': found 'Government', expected one of the segments on the Units sheet",
    ),
    (
        "Adoption",
        0,
        "Name",
        "Robot",
        "Adoption, row 2, column 'Name': found 'Robot', expected one of the names on the Capacity or Copilots sheet",
    ),
    (
        "Copilots",
        0,
        "Role",
        "Wizard",
        "Copilots, row 2, column 'Role': found 'Wizard', expected one of the roles on the Roles sheet",
    ),
    (
        "Adoption",
        0,
        "Period",
        "2029-Q1",
        "Adoption, row 2, column 'Period': found '2029-Q1', expected a period label from 2027-Q1 to 2028-Q4",
    ),
]


@pytest.mark.parametrize(("sheet", "index", "column", "value", "expected"), REFERENCE_CASES)
def test_reference_problem(tmp_path: Path, sheet: str, index: int, column: str, value: object, expected: str) -> None:
    rows = example()
    rows[sheet][index][column] = value
    assert problems_in(write(tmp_path, rows)) == [expected]


def test_duplicate_keys(tmp_path: Path) -> None:
    rows = example()
    for sheet, index in (("Roles", 2), ("Headcount", 1), ("Demand", 0)):
        rows[sheet].append(dict(rows[sheet][index]))
    roles_row, headcount_row, demand_row = (len(rows[sheet]) + 1 for sheet in ("Roles", "Headcount", "Demand"))
    assert problems_in(write(tmp_path, rows)) == [
        f"Roles, row {roles_row}, column 'Role': duplicate of row 4 (same Role)",
        f"Headcount, row {headcount_row}, column 'Group': duplicate of row 3 (same Group)",
        f"Demand, row {demand_row}, column 'Unit': duplicate of row 2 (same Unit, Work type and Period)",
    ]


def test_path_from_a_role_to_itself(tmp_path: Path) -> None:
    rows = tiny()
    rows["ReskillPaths"][1]["To role"] = "Engineer"
    assert problems_in(write(tmp_path, rows)) == [
        "ReskillPaths, row 3, column 'To role': found 'Engineer', expected a role other than the From role"
    ]


def test_ratio_rules(tmp_path: Path) -> None:
    rows = tiny()
    rows["Ratios"] = [
        {"Segment": "Enterprise", "Role": "Seller", "Per role": "Seller", "Minimum": 0.1},
        {"Segment": "Enterprise", "Role": "Engineer", "Per role": "Seller", "Minimum": 2, "Maximum": 1},
        {"Segment": "SMB", "Role": "Engineer", "Per role": "Seller"},
    ]
    assert problems_in(write(tmp_path, rows)) == [
        "Ratios, row 2, column 'Per role': found 'Seller', expected a role other than Role",
        "Ratios, row 3, column 'Minimum': found 2, expected at most the Maximum 1",
        "Ratios, row 4, column 'Minimum': blank, but a Minimum or a Maximum is required",
    ]


def test_demand_amount_rules(tmp_path: Path) -> None:
    rows = tiny()
    rows["Demand"] = [
        {"Unit": "North", "Work type": "selling", "Period": "2027-Q4"},
        {
            "Unit": "North",
            "Work type": "tech",
            "Period": "2027-Q4",
            "Hours": 100,
            "Accounts": 10,
            "Hours per account": 5,
        },
        {"Unit": "South", "Work type": "selling", "Period": "2027-Q4", "Accounts": 10},
        {"Unit": "South", "Work type": "selling", "Period": "2028-Q1", "Hours per account": 5},
        {"Unit": "North", "Work type": "selling", "Period": "2028-Q1", "Hours": 100, "Accounts": 10},
    ]
    assert problems_in(write(tmp_path, rows)) == [
        "Demand, row 2, column 'Hours': blank, but Hours or Accounts and Hours per account are required",
        "Demand, row 3, column 'Hours': found 100 and also Accounts x Hours per account, "
        "expected Hours or Accounts x Hours per account, not both",
        "Demand, row 4, column 'Hours per account': blank, but a value is required when Accounts is given",
        "Demand, row 5, column 'Accounts': blank, but a value is required when Hours per account is given",
    ]


def test_demand_no_one_can_serve(tmp_path: Path) -> None:
    rows = tiny()
    # Nobody in South can do tech work, Engineers cannot be hired, and no path leads to them.
    rows["Roles"][1]["Hires cap"] = 0
    rows["ReskillPaths"] = rows["PathSkills"] = []
    rows["Demand"] += [
        {"Unit": "South", "Work type": "tech", "Period": "2027-Q4", "Hours": 0},
        {"Unit": "South", "Work type": "tech", "Period": "2028-Q1", "Hours": 100},
    ]
    assert problems_in(write(tmp_path, rows)) == [
        "Demand, row 6, column 'Work type': found demand for 'tech' work that no one can serve: no role with "
        "Effectiveness above 0 for it is in unit 'South' today or can be hired or reskilled into, and no capacity "
        "source covers it in segment 'SMB'"
    ]


def test_demand_coverage_is_not_judged_from_rows_with_problems(tmp_path: Path) -> None:
    rows = tiny()
    rows["Roles"][1]["Hires cap"] = 0
    rows["ReskillPaths"] = rows["PathSkills"] = []
    rows["Demand"].append({"Unit": "South", "Work type": "tech", "Period": "2028-Q1", "Hours": 100})
    # The Seller's tech effectiveness has a typo: it may well be the capacity that serves South's tech demand.
    rows["Effectiveness"][1]["Effectiveness"] = "abc"
    assert problems_in(write(tmp_path, rows)) == [
        "Effectiveness, row 3, column 'Effectiveness': found 'abc', expected a number"
    ]
    path = write(tmp_path, tiny(), "no-effectiveness.xlsx")
    workbook = load_workbook(path)
    del workbook["Effectiveness"]
    workbook.save(path)
    workbook.close()
    assert problems_in(path) == ["Effectiveness: sheet is missing, but it is required"]


@pytest.mark.parametrize(
    "lever",
    ["hire engineers", "reskill sellers", "bot covers tech in SMB"],
)
def test_demand_someone_could_serve(tmp_path: Path, lever: str) -> None:
    rows = tiny()
    rows["Roles"][1]["Hires cap"] = 0 if lever != "hire engineers" else 2
    if lever != "reskill sellers":
        rows["ReskillPaths"] = rows["PathSkills"] = []
    if lever == "bot covers tech in SMB":
        rows["CapacityScope"].append({"Source": "Bot", "Work type": "tech", "Segment": "SMB", "Max share": 0.1})
    rows["Demand"].append({"Unit": "South", "Work type": "tech", "Period": "2028-Q1", "Hours": 100})
    assert read_unchanged(write(tmp_path, rows)).demand[-1] == Demand("South", "tech", 2, 100.0, True, 300.0)


def test_copilot_named_like_a_capacity_source(tmp_path: Path) -> None:
    rows = tiny()
    rows["Copilots"][0]["Copilot"] = "Bot"
    assert problems_in(write(tmp_path, rows)) == [
        "Copilots, row 2, column 'Copilot': found 'Bot', expected a name that is not also a source on the Capacity "
        "sheet (the Adoption sheet tells them apart by name)"
    ]


def test_productive_hours_zero_is_fine(tmp_path: Path) -> None:
    rows = tiny()
    rows["Roles"][1]["Productive hours"] = 0
    assert read_unchanged(write(tmp_path, rows)).roles[1].hours_per_period == 0.0


# --- sheets and columns --------------------------------------------------------------------------


def test_unknown_column(tmp_path: Path) -> None:
    rows = tiny()
    rows["Units"][0]["Colour"] = "blue"
    assert problems_in(write(tmp_path, rows)) == [
        "Units, row 1, column 'Colour': unknown column 'Colour', expected one of 'Unit', 'Region', 'Segment'"
    ]


def test_missing_columns(tmp_path: Path) -> None:
    path = write(tmp_path, tiny())
    # Loaded cost (required) and Hiring cost (optional, default 0) are left out; columns are reordered.
    rewrite_sheet(
        path,
        "Roles",
        [
            ["First-year attrition", "Role", "Attrition", "Productive hours"],
            [0.2, "Seller", 0.1, 400],
            [0.3, "Engineer", 0.12, 380],
        ],
    )
    assert problems_in(path) == ["Roles, row 1, column 'Loaded cost': column is missing, but it is required"]


def test_columns_in_any_order_and_case_with_blank_rows_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, tiny())
    rewrite_sheet(
        path,
        "Units",
        [
            ["segment", " Unit ", "REGION", None],
            [None, None, None, None],
            ["SMB", "South", "Europe", None],
            ["Enterprise", "North", "Europe", None],
        ],
    )
    assert read_unchanged(path).units == (Unit("South", "Europe", "SMB"), Unit("North", "Europe", "Enterprise"))


def test_row_numbers_count_blank_rows(tmp_path: Path) -> None:
    path = write(tmp_path, tiny())
    rewrite_sheet(
        path,
        "Units",
        [["Unit", "Region", "Segment"], ["North", "Europe", "Enterprise"], [], [None, "  "], ["South", None, "SMB"]],
    )
    assert problems_in(path) == ["Units, row 5, column 'Region': blank, but a value is required"]


def test_duplicate_and_blank_header(tmp_path: Path) -> None:
    path = write(tmp_path, tiny())
    rewrite_sheet(
        path,
        "Units",
        [
            ["Unit", "Region", "Segment", "Region"],
            ["North", "Europe", "Enterprise", "Asia"],
            ["South", "Europe", "SMB"],
        ],
    )
    rewrite_sheet(path, "Ratios", [[None, None], ["Enterprise", "Engineer"]])
    assert problems_in(path) == [
        "Units, row 1, column 'Region': the column appears twice (columns B and D)",
        "Ratios, row 1: the header row is blank, expected the columns 'Segment', 'Role', 'Per role', 'Minimum', "
        "'Maximum'",
    ]


def test_missing_and_misnamed_sheets(tmp_path: Path) -> None:
    path = write(tmp_path, tiny())
    workbook = load_workbook(path)
    # openpyxl refuses a title equal to an existing one in other capitals, so rename in two steps.
    workbook["Roles"].title = "renamed"
    workbook["renamed"].title = "roles"
    workbook["WorkTypes"].title = "Work types"
    del workbook["Units"]
    workbook.save(path)
    workbook.close()
    assert problems_in(path) == [
        "Roles: sheet 'roles' should be named 'Roles'",
        "Units: sheet is missing, but it is required",
        "WorkTypes: sheet 'Work types' should be named 'WorkTypes'",
    ]


def test_optional_and_unknown_sheets(tmp_path: Path) -> None:
    rows = tiny()
    rows["Plan summary"] = [{"Anything": 1}]
    rows["Notes"] = [{"Text": "ignored"}]
    path = write(tmp_path, rows)
    workbook = load_workbook(path)
    for name in ("Budget", "Adoption", "Skills", "PathSkills"):
        del workbook[name]
    workbook.save(path)
    workbook.close()
    plan = read_unchanged(path)
    assert plan.policy.budget == (None, None)
    assert plan.sources[0].adoption == (1.0, 1.0)
    assert plan.paths[0].eligible is None


def test_settings_layout_problems(tmp_path: Path) -> None:
    rows = tiny()
    rows["Settings"]["Colour"] = "blue"
    path = write(tmp_path, rows)
    expected_labels = ", ".join(repr(label) for label in SETTINGS.labels)
    extra_row = len(SETTINGS.fields) + 2
    assert problems_in(path) == [
        f"Settings, row {extra_row}, column 'Colour': unknown setting 'Colour', expected one of {expected_labels}"
    ]
    rewrite_sheet(
        path,
        "Settings",
        [
            ["Setting", "Value"],
            ["Period length", "quarter"],
            ["First period", "2027-Q4"],
            ["period length", "month"],
            [None, 42],
        ],
    )
    assert problems_in(path) == [
        "Settings, column 'Periods': setting is missing, but it is required",
        "Settings, row 4, column 'Period length': duplicate of row 2 (same Setting)",
        "Settings, row 5, column 'Setting': blank, but a setting name is required next to a value",
    ]


# --- the cell reader agrees with openpyxl --------------------------------------------------------

LIBREOFFICE_TINY = Path(__file__).parent / "data" / "validate" / "tiny-libreoffice.xlsx"


def openpyxl_rows(path: Path) -> dict[str, dict[int, tuple[object, ...]]]:
    """Every sheet's filled-in rows as openpyxl reads them (read-only, cached values)."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheets: dict[str, dict[int, tuple[object, ...]]] = {}
        for worksheet in workbook.worksheets:
            worksheet.reset_dimensions()
            rows = {}
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                trimmed = trim(values)
                if trimmed:
                    rows[number] = trimmed
            sheets[worksheet.title] = rows
        return sheets
    finally:
        workbook.close()


def cell_reader_rows(path: Path) -> dict[str, dict[int, tuple[object, ...]]]:
    """Every sheet's filled-in rows as the cell reader reads them; the file stays byte-identical."""
    before = sha256(path)
    with open_workbook_cells(path) as cells:
        rows = {
            name: {number: trim(values) for number, values in cells.rows(name) if trim(values)}
            for name in cells.sheetnames
        }
    assert sha256(path) == before
    return rows


def trim(values: tuple[object, ...]) -> tuple[object, ...]:
    end = len(values)
    while end and values[end - 1] is None:
        end -= 1
    return tuple(values[:end])


def test_libreoffice_saved_workbook_reads_like_the_original(tmp_path: Path) -> None:
    original = read_unchanged(write(tmp_path, tiny()))
    saved_by_libreoffice = read_unchanged(LIBREOFFICE_TINY)
    assert dataclasses.replace(saved_by_libreoffice, provenance=()) == dataclasses.replace(original, provenance=())


@pytest.mark.parametrize("source", ["example", "libreoffice"])
def test_cell_reader_agrees_with_openpyxl(tmp_path: Path, source: str) -> None:
    path = LIBREOFFICE_TINY if source == "libreoffice" else write(tmp_path, example_rows())
    assert cell_reader_rows(path) == openpyxl_rows(path)


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_cell_reader_agrees_with_openpyxl_on_every_value_kind(tmp_path: Path, epoch: str) -> None:
    workbook = Workbook()
    if epoch == "1904":
        workbook.epoch = CALENDAR_MAC_1904
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = "Kinds"
    worksheet.append(["  padded text ", 12, -0.25, 1e-20, 12345678901234, True, False, "Zürich – ü"])
    worksheet["A3"] = dt.datetime(2027, 3, 31)
    worksheet["B3"] = dt.datetime(2027, 3, 31, 17, 45, 30)
    worksheet["C3"] = dt.timedelta(hours=36)
    worksheet["D3"] = "=1+1"  # a formula without a cached value reads as blank
    worksheet["E3"] = "#N/A"
    worksheet["F3"] = CellRichText([TextBlock(InlineFont(b=True), "bold"), " plain"])
    worksheet["Z5"] = "far right"
    worksheet["B5"].number_format = "0.0%"  # a styled but empty cell
    path = tmp_path / "kinds.xlsx"
    workbook.save(path)
    workbook.close()
    rows = cell_reader_rows(path)
    assert rows == openpyxl_rows(path)
    assert rows["Kinds"][3] == (
        dt.datetime(2027, 3, 31),
        dt.datetime(2027, 3, 31, 17, 45, 30),
        dt.timedelta(hours=36),
        None,
        "#N/A",
        "bold plain",
    )
    assert rows["Kinds"][5] == (None,) * 25 + ("far right",)


def test_cell_reader_reads_inline_rich_text_and_cells_without_references(tmp_path: Path) -> None:
    path = tmp_path / "handmade.xlsx"
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        b'<x:row><x:c t="inlineStr"><x:is><x:r><x:t>Ro</x:t></x:r><x:r><x:t>le</x:t></x:r>'
        b"<x:rPh><x:t>ignored</x:t></x:rPh></x:is></x:c><x:c><x:v>2.5</x:v></x:c></x:row>"
        b'<x:row r="4"><x:c r="C4" t="b"><x:v>1</x:v></x:c><x:c t="str"><x:v>from a formula</x:v></x:c>'
        b'<x:c t="d"><x:v>2027-01-01T00:00:00</x:v></x:c></x:row>'
        b"</x:sheetData></x:worksheet>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Made" sheetId="1" r:id="rId7"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="/xl/worksheets/made.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/made.xml", sheet)
    with open_workbook_cells(path) as cells:
        assert cells.sheetnames == ["Made"]
        assert list(cells.rows("Made")) == [
            (1, ("Role", 2.5)),
            (4, (None, None, True, "from a formula", dt.datetime(2027, 1, 1))),
        ]
