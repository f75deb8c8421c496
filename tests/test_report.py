"""The results workbook and the PDF board pack (rolemix.report).

Most tests use a small plan built by hand (2 roles, 2 units, 2 quarters) whose
every figure is worked out below, so the sheets can be checked to the cent.
The last tests run the shipped example through the real model.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from rolemix.errors import OutputError
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
from rolemix.report import RESULT_SHEETS, render_pdf, role_colours, write_plan_workbook
from rolemix.report import pdf as pdf_module
from rolemix.report import workbook as workbook_module
from rolemix.report.assumptions import input_assumptions, overridden
from rolemix.report.cells import neutralise
from rolemix.report.figures import BridgeStep, cost_bridge, key_figures
from rolemix.report.workbook import pseudonymise_groups
from rolemix.results import (
    BindingLimit,
    CoverageRow,
    PeriodCost,
    PlanResult,
    PlanRow,
    ReskillRow,
    SolveOutcome,
    SourceRow,
    StageOutcome,
)

AE = "Account executive"
SE = "Solution engineer"
SMB = "North SMB"
ENT = "North Enterprise"
WHEN = datetime(2026, 5, 9, 14, 30)
SHA = "ab" * 32

NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


# --------------------------------------------------------------------------- the hand-built plan


def small_input(
    ae: str = AE, se: str = SE, smb: str = SMB, ent: str = ENT, plan_name: str = "Northwind test"
) -> PlanInput:
    """Two roles, two units, two quarters; salaries 30,000 (AE) and 40,000 (SE) per quarter."""
    return PlanInput(
        settings=Settings(plan_name=plan_name, period_length="quarter", periods=2, first_period="2027-Q1"),
        period_labels=("2027-Q1", "2027-Q2"),
        roles=(
            Role(ae, 120_000, 400, 0.2, 0.3, hiring_cost=15_000, severance=50_000, hires_cap=5),
            Role(se, 160_000, 400, 0.2, 0.2, hiring_cost=20_000, severance=60_000),
        ),
        units=(Unit(smb, "North", "SMB"), Unit(ent, "North", "Enterprise")),
        work_types=(WorkType("relationship", unmet_penalty_per_hour=100), WorkType("technical",
                                                                                   unmet_penalty_per_hour=200)),
        start=(
            StartCohort(ae, smb, 10, 0, 120_000),
            StartCohort(ae, ent, 6, 1, 120_000),
            StartCohort(se, smb, 2, 0, 160_000),
            StartCohort(se, ent, 4, 0, 160_000),
        ),
        demand=tuple(
            Demand(unit, work, period, hours, False, 100 if work == "relationship" else 200)
            for unit, work, period, hours in (
                (smb, "relationship", 1, 2600), (smb, "technical", 1, 1000), (ent, "relationship", 1, 2000),
                (ent, "technical", 1, 1500), (smb, "relationship", 2, 2600), (smb, "technical", 2, 1500),
                (ent, "relationship", 2, 2000), (ent, "technical", 2, 1500),
            )
        ),
        effectiveness=((ae, "relationship", 1.0), (se, "technical", 1.0), (se, "relationship", 0.5)),
        paths=(ReskillPath("AE to SE", ae, se, cost_per_person=8_000, duration=1, completion_rate=0.9,
                           min_skills=(("product", 3.0),), eligible=((smb, 4.0), (ent, 2.0))),),
        sources=(
            ExternalSource("Sales agent", "AI agent", 5_000, 500, (ScopeRule("relationship", "SMB", 0.4),),
                           (0.5, 1.0)),
            ExternalSource("Partner", "partner", 3_000, 300, (ScopeRule("relationship", "SMB", 0.2),), (1.0, 1.0)),
        ),
        copilots=(Copilot("Seller copilot", ae, 100, 0.1, (0.2, 0.6)),),
        policy=Policy(budget=(900_000, None), layoff_cap_share=0.04, min_human_share=(("Enterprise", 0.95),)),
        ratios=(Ratio("Enterprise", se, ae, minimum=0.5),),
        provenance=(("workbook", "/inputs/northwind.xlsx"), ("workbook_sha256", SHA)),
    )


def _row(role: str, unit: str, period: int, start: float, attrition: float, end: float, cost: float, *,
         hires: float = 0.0, kept: float = 0.0, layoffs: float = 0.0, out: float = 0.0, into: float = 0.0,
         returned: float = 0.0, training: float = 0.0, salary: float | None = None) -> PlanRow:
    return PlanRow(role, unit, period, start, attrition, hires, kept, layoffs, out, into, returned, training, end,
                   0.0, 0.0, 0.0, end * 400, end * 400, 0.0, cost if salary is None else salary, cost)


def outcome(**changes: Any) -> SolveOutcome:
    base = SolveOutcome(
        status="optimal", termination="optimal", objective=1_499_400.0, bound=1_498_650.3, gap=0.0005,
        runtime_s=1.25, solver="HiGHS", solver_version="1.7.2", pulp_version="3.3.2", whole_people=True,
        time_limit_s=60.0, gap_limit=0.001, priorities=("layoffs", "cost"),
        stages=(StageOutcome("layoffs", "optimal", 1.0, 1.0, 0.0, 0.5),
                StageOutcome("cost", "optimal", 1_499_400.0, 1_498_650.3, 0.0005, 0.75)),
    )
    return replace(base, **changes)


def small_result(plan_input: PlanInput | None = None) -> PlanResult:
    """The plan: lay off one AE and reskill two into SEs in SMB, hire one SE, buy AI agents and partner hours."""
    pi = plan_input or small_input()
    ae, se = pi.roles[0].name, pi.roles[1].name
    smb, ent = pi.units[0].name, pi.units[1].name
    plan = (
        _row(ae, smb, 1, 10, 0.5, 6.5, 305_000, layoffs=1, out=2, training=2, salary=255_000),
        _row(ae, smb, 2, 6.5, 0.325, 6.375, 191_250, returned=0.2),
        _row(ae, ent, 1, 6, 0.3, 5.7, 171_000),
        _row(ae, ent, 2, 5.7, 0.285, 5.415, 162_450),
        _row(se, smb, 1, 2, 0.1, 2.85, 134_000, hires=1, kept=0.95, salary=114_000),
        _row(se, smb, 2, 2.85, 0.1425, 4.5075, 180_300, into=1.8),
        _row(se, ent, 1, 4, 0.2, 3.8, 152_000),
        _row(se, ent, 2, 3.8, 0.19, 3.61, 144_400),
    )
    coverage = (
        CoverageRow(smb, "relationship", 1, 2600, ((ae, 1800), (se, 0)), (("Sales agent", 450), ("Partner", 300)), 50,
                    False),
        CoverageRow(smb, "technical", 1, 1000, ((se, 1000),), (), 0, False),
        CoverageRow(ent, "relationship", 1, 2000, ((ae, 2000), (se, 0)), (), 0, False),
        CoverageRow(ent, "technical", 1, 1500, ((se, 1400),), (), 100, False),
        CoverageRow(smb, "relationship", 2, 2600, ((ae, 1700), (se, 0)), (("Sales agent", 900), ("Partner", 0)), 0,
                    False),
        CoverageRow(smb, "technical", 2, 1500, ((se, 1500),), (), 0, False),
        CoverageRow(ent, "relationship", 2, 2000, ((ae, 2000), (se, 0)), (), 0, False),
        CoverageRow(ent, "technical", 2, 1500, ((se, 1500),), (), 0, False),
    )
    reskilling = (
        ReskillRow("AE to SE", smb, 1, 2, 0, 0, 0, 2, 16_000),
        ReskillRow("AE to SE", smb, 2, 0, 1.8, 0.2, 0, 0, 0),
        ReskillRow("AE to SE", ent, 1, 0, 0, 0, 0, 0, 0),
        ReskillRow("AE to SE", ent, 2, 0, 0, 0, 0, 0, 0),
    )
    sources = (
        SourceRow("Sales agent", smb, 1, 1, 500, 450, 5_000),
        SourceRow("Sales agent", smb, 2, 2, 1000, 900, 10_000),
        SourceRow("Partner", smb, 1, 1, 300, 300, 3_000),
        SourceRow("Partner", smb, 2, 0, 0, 0, 0),
    )
    costs = (
        PeriodCost(1, 692_000, 20_000, 50_000, 16_000, 8_000, 0, 0, 0, 25_000, 1.0),
        PeriodCost(2, 678_400, 0, 0, 0, 10_000, 0, 0, 0, 0, 1.0),
    )
    binding = (
        BindingLimit("layoff cap", 1, ae, -12_000.5, "One more layoff allowed in 2027-Q1 saves $12,000.50."),
        BindingLimit("training seats", 2, "AE to SE", -41_200.0, "One more training seat in 2027-Q2 saves $41,200."),
        BindingLimit("budget", None, "budget", 0.25, "Each extra $1 of budget saves $0.25."),
    )
    return PlanResult(pi, outcome(), plan, coverage, reskilling, sources, costs, binding)


def small_baseline(plan_input: PlanInput | None = None) -> PlanResult:
    """Doing nothing: headcount held at today's 22, leavers replaced; 450 hours a quarter go unmet."""
    pi = plan_input or small_input()
    plan = tuple(
        _row(cohort.role, cohort.unit, period, cohort.count, cohort.count * 0.05, cohort.count,
             cohort.cost_per_year / 4 * cohort.count, hires=cohort.count * 0.05, kept=cohort.count * 0.05)
        for cohort in pi.start
        for period in (1, 2)
    )
    coverage = tuple(
        CoverageRow(d.unit, d.work_type, d.period, d.hours, (), (),
                    300 if (d.unit, d.work_type) == (pi.units[0].name, "relationship") else
                    150 if (d.unit, d.work_type) == (pi.units[1].name, "technical") else 0, False)
        for d in pi.demand
    )
    costs = (
        PeriodCost(1, 780_000, 0, 0, 0, 0, 0, 0, 0, 60_000, 1.0),
        PeriodCost(2, 780_000, 0, 0, 0, 0, 0, 0, 0, 60_000, 1.0),
    )
    return PlanResult(pi, outcome(objective=1_680_000.0, bound=1_680_000.0, gap=0.0, stages=()), plan, coverage,
                      (), (), costs, ())


@pytest.fixture
def written(tmp_path: Path) -> Path:
    return write_plan_workbook(small_result(), tmp_path / "plan.xlsx", baseline=small_baseline(), generated_at=WHEN)


# --------------------------------------------------------------------------- reading the workbook back


def table_rows(ws: Worksheet, name: str) -> list[dict[str, Any]]:
    """The rows of Excel table ``name`` as dicts keyed by header."""
    table = ws.tables[name]
    cells = list(ws[table.ref])
    headers = [cell.value for cell in cells[0]]
    return [dict(zip(headers, (cell.value for cell in row), strict=True)) for row in cells[1:]]


def summary_value(ws: Worksheet, measure: str, column: str = "Plan") -> Any:
    for row in table_rows(ws, "summary_key_figures"):
        if row["Measure"] == measure:
            return row[column]
    raise KeyError(measure)


def chart_xml(path: Path) -> list[ElementTree.Element]:
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return [ElementTree.fromstring(archive.read(name)) for name in names]


def chart_title(chart: ElementTree.Element) -> str:
    return "".join(t.text or "" for t in chart.findall("c:chart/c:title//a:t", NS))


def series_colours(chart: ElementTree.Element, ws: Worksheet) -> dict[str, str | None]:
    """Series name (read from the cell its title refers to) -> fill colour (None when not filled)."""
    found: dict[str, str | None] = {}
    for series in chart.iter(f"{{{NS['c']}}}ser"):
        reference = series.find("c:tx/c:strRef/c:f", NS)
        assert reference is not None and reference.text is not None
        cell = reference.text.split("!")[1].replace("$", "")
        fill = series.find("c:spPr/a:solidFill/a:srgbClr", NS)
        found[str(ws[cell].value)] = fill.get("val") if fill is not None else None
    return found


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------- sheets and columns


def test_sheets_come_in_the_board_order(written: Path) -> None:
    assert load_workbook(written).sheetnames == list(RESULT_SHEETS)
    assert RESULT_SHEETS == ("Summary", "Charts", "Plan", "Coverage", "Reskilling", "Constraints", "Assumptions",
                             "Solver")


def test_plan_sheet_columns_and_first_row(written: Path) -> None:
    ws = load_workbook(written)["Plan"]
    rows = table_rows(ws, "plan_rows")
    assert list(rows[0]) == [
        "Role", "Unit", "Region", "Segment", "Period", "Period label", "Start", "Attrition", "Hires",
        "Hires who stay", "Layoffs", "Reskilled out", "Reskilled in", "Returned from training", "In training",
        "End", "Ramping", "Reduced hours", "Copilot seats", "Capacity (hours)", "Allocated (hours)",
        "Surplus (FTE)", "Salary cost (USD)", "Cost (USD)",
    ]
    assert len(rows) == 8
    first = rows[0]
    assert (first["Role"], first["Unit"], first["Region"], first["Segment"], first["Period label"]) == (
        AE, SMB, "North", "SMB", "2027-Q1")
    assert (first["Start"], first["Layoffs"], first["Reskilled out"], first["In training"], first["End"]) == (
        10, 1, 2, 2, 6.5)
    assert (first["Salary cost (USD)"], first["Cost (USD)"]) == (255_000, 305_000)
    assert ws.freeze_panes == "A2"
    assert ws["G2"].number_format == "#,##0.0"
    assert ws["X2"].number_format == "#,##0"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True


def test_coverage_sheet_has_a_column_per_role_and_source_and_the_capacity_bought(written: Path) -> None:
    ws = load_workbook(written)["Coverage"]
    rows = table_rows(ws, "coverage_rows")
    assert list(rows[0]) == [
        "Unit", "Region", "Segment", "Work type", "Period", "Period label", "Demand (hours)",
        f"{AE} (hours)", f"{SE} (hours)", "Sales agent (hours)", "Partner (hours)", "Unmet (hours)",
        "Served share", "Must meet", "Lost revenue (USD)",
    ]
    first = rows[0]
    assert (first["Unit"], first["Work type"], first["Period"], first["Demand (hours)"]) == (SMB, "relationship", 1,
                                                                                              2600)
    assert (first[f"{AE} (hours)"], first["Sales agent (hours)"], first["Partner (hours)"], first["Unmet (hours)"]) == (
        1800, 450, 300, 50)
    assert first["Served share"] == pytest.approx(2550 / 2600, rel=1e-12)
    assert first["Lost revenue (USD)"] == 5_000
    # A role that cannot do the work has no number, rather than a zero.
    technical = next(r for r in rows if r["Work type"] == "technical")
    assert technical[f"{AE} (hours)"] is None
    bought = table_rows(ws, "coverage_external_capacity")
    assert [(r["Source"], r["Kind"], r["Period"], r["Units"], r["Hours served"], r["Cost (USD)"]) for r in bought] == [
        ("Sales agent", "AI agent", 1, 1, 450, 5_000), ("Sales agent", "AI agent", 2, 2, 900, 10_000),
        ("Partner", "partner", 1, 1, 300, 3_000), ("Partner", "partner", 2, 0, 0, 0),
    ]


def test_reskilling_sheet(written: Path) -> None:
    rows = table_rows(load_workbook(written)["Reskilling"], "reskilling_rows")
    assert list(rows[0]) == ["Path", "From role", "To role", "Unit", "Region", "Segment", "Period", "Period label",
                             "Started", "Completed", "Returned", "Left", "In training", "Training cost (USD)"]
    assert [(r["Unit"], r["Period"], r["Started"], r["Completed"], r["Returned"], r["Training cost (USD)"])
            for r in rows] == [(SMB, 1, 2, 0, 0, 16_000), (SMB, 2, 0, 1.8, 0.2, 0), (ENT, 1, 0, 0, 0, 0),
                               (ENT, 2, 0, 0, 0, 0)]
    assert rows[0]["From role"] == AE and rows[0]["To role"] == SE


def test_constraints_sorted_by_size_of_marginal_value(written: Path) -> None:
    rows = table_rows(load_workbook(written)["Constraints"], "binding_limits")
    assert [(r["Limit"], r["Family"], r["Period"], r["Marginal value (USD per unit of the limit)"]) for r in rows] == [
        ("One more training seat in 2027-Q2 saves $41,200.", "training seats", "2027-Q2", -41_200),
        ("One more layoff allowed in 2027-Q1 saves $12,000.50.", "layoff cap", "2027-Q1", -12_000.5),
        ("Each extra $1 of budget saves $0.25.", "budget", "all periods", 0.25),
    ]


def test_constraints_sheet_says_so_when_no_limit_binds(tmp_path: Path) -> None:
    result = replace(small_result(), binding=())
    path = write_plan_workbook(result, tmp_path / "plan.xlsx", generated_at=WHEN)
    ws = load_workbook(path)["Constraints"]
    assert ws["A1"].value == ("No limit binds: relaxing any single limit in the workbook would not lower the cost of "
                              "this plan.")
    assert not ws.tables


def test_solver_sheet(written: Path) -> None:
    ws = load_workbook(written)["Solver"]
    outcome_rows = {r["Item"]: r["Value"] for r in table_rows(ws, "solver_outcome")}
    assert outcome_rows == {
        "Outcome": "Optimal plan (proven within 0.05% of the best possible).",
        "Status": "optimal",
        "Termination": "optimal",
        "Objective (USD, discounted)": 1_499_400,
        "Best bound (USD, discounted)": 1_498_650.3,
        "Gap": 0.0005,
        "Runtime (s)": 1.25,
        "Time limit (s)": 60,
        "Gap limit": 0.001,
        "People": "whole people",
        "Objective priorities": "fewest layoffs, then least cost",
        "Solver": "HiGHS 1.7.2",
        "PuLP": "3.3.2",
    }
    stages = table_rows(ws, "solver_stages")
    assert [(s["Stage"], s["Priority"], s["Measured in"], s["Status"], s["Objective"]) for s in stages] == [
        (1, "fewest layoffs", "people", "optimal", 1), (2, "least cost", "USD, discounted", "optimal", 1_499_400)]


# --------------------------------------------------------------------------- the Summary


def test_summary_key_figures(written: Path) -> None:
    ws = load_workbook(written)["Summary"]
    assert ws["A1"].value == "Northwind test"
    assert ws["A2"].value == "Optimal plan (proven within 0.05% of the best possible)."
    assert ws["A3"].value == (
        "2 quarters from 2027-Q1 to 2027-Q2; amounts in USD, undiscounted; generated 2026-05-09 14:30.")
    rows = {r["Measure"]: (r["Plan"], r["Do-nothing baseline"], r["Difference"]) for r in
            table_rows(ws, "summary_key_figures")}
    assert rows["Total cost over the horizon (USD)"] == (1_499_400, 1_680_000, -180_600)
    assert rows["Average cost per period (USD)"] == (749_700, 840_000, -90_300)
    assert rows["Headcount today (people)"] == (22, 22, 0)
    assert rows["Hires (people)"] == (1, pytest.approx(2.2, rel=1e-12), pytest.approx(-1.2, rel=1e-12))
    assert rows["Layoffs (people)"] == (1, 0, 1)
    assert rows["People reskilled (started a path)"] == (2, 0, 2)
    assert rows["Share of demand served by AI agents"][0] == pytest.approx(1350 / 14700, rel=1e-12)
    assert rows["Share served by partners and contractors"][0] == pytest.approx(300 / 14700, rel=1e-12)
    assert rows["Demand coverage (share served)"][:2] == (
        pytest.approx(14550 / 14700, rel=1e-12), pytest.approx(13800 / 14700, rel=1e-12))
    assert rows["Unmet demand (hours)"] == (150, 900, -750)
    assert "Total cost, discounted (USD)" not in rows
    mix = {r["Role"]: r for r in table_rows(ws, "summary_headcount")}
    assert (mix[AE]["Today"], mix[AE]["Mix today"], mix[AE]["End of 2027-Q2"]) == (16, 16 / 22, 11.79)
    assert mix[SE]["Mix at end"] == pytest.approx(8.1175 / 19.9075, rel=1e-12)
    assert (mix["All roles"]["Today"], mix["All roles"]["Mix today"]) == (22, 1)
    per_period = table_rows(ws, "summary_cost_per_period")
    assert [(r["Period"], r["Plan (USD)"], r["Do-nothing baseline (USD)"], r["Difference (USD)"]) for r in
            per_period] == [("2027-Q1", 811_000, 840_000, -29_000), ("2027-Q2", 688_400, 840_000, -151_600)]
    by_component = {r["Component"]: r["Difference (USD)"] for r in table_rows(ws, "summary_cost_by_component")}
    assert by_component["Salaries"] == -189_600 and by_component["Lost revenue (unmet demand)"] == -95_000
    assert ws.page_setup.fitToHeight == 1 and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.orientation == "landscape"
    assert ws["B8"].number_format == "#,##0" and ws["D8"].number_format == "+#,##0;-#,##0;0"
    assert ws["B16"].number_format == "0.0%"


def test_summary_figures_equal_those_recomputed_from_the_detail_sheets(written: Path) -> None:
    book = load_workbook(written)
    summary = book["Summary"]
    plan = table_rows(book["Plan"], "plan_rows")
    coverage = table_rows(book["Coverage"], "coverage_rows")
    bought = table_rows(book["Coverage"], "coverage_external_capacity")
    reskilling = table_rows(book["Reskilling"], "reskilling_rows")
    mix = {r["Role"]: r for r in table_rows(summary, "summary_headcount")}
    for role in (AE, SE):
        today = sum(r["Start"] for r in plan if r["Role"] == role and r["Period"] == 1)
        end = sum(r["End"] for r in plan if r["Role"] == role and r["Period"] == 2)
        assert mix[role]["Today"] == pytest.approx(today, rel=1e-12)
        assert mix[role]["End of 2027-Q2"] == pytest.approx(end, rel=1e-12)
    total = (sum(r["Cost (USD)"] for r in plan) + sum(r["Training cost (USD)"] for r in reskilling)
             + sum(r["Cost (USD)"] for r in bought) + sum(r["Lost revenue (USD)"] for r in coverage))
    assert summary_value(summary, "Total cost over the horizon (USD)") == pytest.approx(total, rel=1e-12)
    assert summary_value(summary, "Hires (people)") == sum(r["Hires"] for r in plan)
    assert summary_value(summary, "Layoffs (people)") == sum(r["Layoffs"] for r in plan)
    assert summary_value(summary, "People reskilled (started a path)") == sum(r["Started"] for r in reskilling)
    demand = sum(r["Demand (hours)"] for r in coverage)
    unmet = sum(r["Unmet (hours)"] for r in coverage)
    assert summary_value(summary, "Unmet demand (hours)") == unmet
    assert summary_value(summary, "Demand coverage (share served)") == pytest.approx(
        (demand - unmet) / demand, rel=1e-12)
    ai = sum(r["Sales agent (hours)"] or 0 for r in coverage)
    assert summary_value(summary, "Share of demand served by AI agents") == pytest.approx(ai / demand, rel=1e-12)


def test_summary_without_baseline_has_only_the_plan_column(tmp_path: Path) -> None:
    path = write_plan_workbook(small_result(), tmp_path / "plan.xlsx", generated_at=WHEN)
    ws = load_workbook(path)["Summary"]
    assert list(table_rows(ws, "summary_key_figures")[0]) == ["Measure", "Plan"]
    assert ws["A4"].value == "No do-nothing baseline was computed for this plan."
    assert len(chart_xml(path)) == 3


def test_summary_shows_discounted_cost_when_a_discount_rate_is_set(tmp_path: Path) -> None:
    plan_input = small_input()
    plan_input = replace(plan_input, settings=replace(plan_input.settings, discount_rate=0.1))
    result = small_result(plan_input)
    result = replace(result, costs=(result.costs[0], replace(result.costs[1], discount_factor=0.9765)))
    path = write_plan_workbook(result, tmp_path / "plan.xlsx", generated_at=WHEN)
    ws = load_workbook(path)["Summary"]
    assert summary_value(ws, "Total cost, discounted (USD)") == pytest.approx(811_000 + 688_400 * 0.9765, rel=1e-12)


def test_a_result_without_a_plan_still_writes_a_readable_workbook(tmp_path: Path) -> None:
    result = PlanResult(small_input(), outcome(status="infeasible", termination="infeasible", objective=None,
                                               bound=None, gap=None, stages=()))
    path = write_plan_workbook(result, tmp_path / "plan.xlsx", generated_at=WHEN)
    book = load_workbook(path)
    assert book.sheetnames == list(RESULT_SHEETS)
    assert book["Summary"]["A2"].value == "No plan satisfies all the limits in the workbook."
    assert book["Plan"]["A1"].value == "No rows: No plan satisfies all the limits in the workbook."
    assert chart_xml(path) == []


# --------------------------------------------------------------------------- Charts


def test_four_native_stacked_column_charts_with_titles_and_visible_axes(written: Path) -> None:
    charts = chart_xml(written)
    assert [chart_title(c) for c in charts] == [
        "Headcount by role", "Cost by component per period", "Demand served by source per period",
        "Cost bridge: do-nothing baseline to plan",
    ]
    for chart in charts:
        bars = chart.findall(".//c:barChart", NS)
        assert len(bars) == 1
        assert bars[0].find("c:barDir", NS).get("val") == "col"  # type: ignore[union-attr]
        assert bars[0].find("c:grouping", NS).get("val") == "stacked"  # type: ignore[union-attr]
        assert bars[0].find("c:overlap", NS).get("val") == "100"  # type: ignore[union-attr]
        axes = chart.findall(".//c:catAx", NS) + chart.findall(".//c:valAx", NS)
        assert len(axes) == 2
        assert [axis.find("c:delete", NS).get("val") for axis in axes] == ["0", "0"]  # type: ignore[union-attr]
    with zipfile.ZipFile(written) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
        assert "<pic" not in drawing and "<xdr:pic" not in drawing and drawing.count("<c:chart ") == 4
        # 16:9 slides: 24 cm x 13.5 cm, in EMU (360,000 per cm).
        assert re.findall(r'<(?:xdr:)?ext cx="(\d+)" cy="(\d+)"', drawing) == [("8640000", "4860000")] * 4


def test_every_role_keeps_one_colour_in_every_chart(written: Path) -> None:
    ws = load_workbook(written)["Charts"]
    charts = chart_xml(written)
    palette = role_colours([AE, SE])
    assert palette == {AE: "1F77B4", SE: "FF7F0E"}
    headcount = series_colours(charts[0], ws)
    served = series_colours(charts[2], ws)
    assert headcount == palette
    assert {role: served[role] for role in (AE, SE)} == palette
    assert served["Unmet demand"] == "D62728"
    other_colours = {colour for name, colour in served.items() if name not in palette}
    assert not other_colours & set(palette.values())


def test_chart_data_lives_on_the_charts_sheet(written: Path) -> None:
    ws = load_workbook(written)["Charts"]
    headcount = table_rows(ws, "chart_headcount")
    assert [(r["Quarter"], r[AE], r[SE]) for r in headcount] == [
        ("Today", 16, 6), ("2027-Q1", 12.2, 6.65), ("2027-Q2", 11.79, pytest.approx(8.1175, rel=1e-12))]
    cost = table_rows(ws, "chart_cost")
    assert list(cost[0]) == ["Quarter", "Salaries", "Hiring", "Severance", "Training", "AI and external capacity",
                             "Lost revenue (unmet demand)"]
    served = table_rows(ws, "chart_served")
    assert served[0] == {"Quarter": "2027-Q1", AE: 3800, SE: 2400, "Sales agent": 450, "Partner": 300,
                         "Unmet demand": 150}
    assert ws.print_area == "'Charts'!$A$1:$O$112"
    assert [brk.id for brk in ws.row_breaks.brk] == [28, 56, 84, 112]


def test_cost_bridge_walks_from_the_baseline_to_the_plan(written: Path) -> None:
    steps = cost_bridge(small_result(), small_baseline())
    assert steps == [
        BridgeStep("Do-nothing baseline", 0, 0, 0, 1_680_000),
        BridgeStep("Salaries", 1_490_400, 0, 189_600, 0),
        BridgeStep("Hiring", 1_490_400, 20_000, 0, 0),
        BridgeStep("Severance", 1_510_400, 50_000, 0, 0),
        BridgeStep("Training", 1_560_400, 16_000, 0, 0),
        BridgeStep("AI and external capacity", 1_576_400, 18_000, 0, 0),
        BridgeStep("Lost revenue (unmet demand)", 1_499_400, 0, 95_000, 0),
        BridgeStep("Plan", 0, 0, 0, 1_499_400),
    ]
    bridge = chart_xml(written)[3]
    base = bridge.find(".//c:ser/c:spPr", NS)
    assert base is not None and base.find("a:noFill", NS) is not None
    assert [e.find("c:idx", NS).get("val") for e in bridge.findall(".//c:legendEntry", NS)] == ["0"]  # type: ignore[union-attr]


def test_key_figures_of_the_baseline() -> None:
    figures = key_figures(small_baseline())
    assert (figures.total_cost, figures.layoffs, figures.unmet_hours, figures.ai_share) == (1_680_000, 0, 900, 0)


# --------------------------------------------------------------------------- Assumptions


def test_assumptions_list_every_input_with_its_source(written: Path) -> None:
    rows = table_rows(load_workbook(written)["Assumptions"], "assumptions")
    assert list(rows[0]) == ["Sheet", "Item", "Field", "Value", "Unit of measure", "Source"]
    as_tuples = [(r["Sheet"], r["Item"], r["Field"], r["Value"], r["Source"]) for r in rows]
    assert as_tuples[:6] == [
        ("Run", "Input workbook", "Path", "/inputs/northwind.xlsx", "run"),
        ("Run", "Input workbook", "SHA-256", SHA, "run"),
        ("Run", "Software", "rolemix", "0.1.0", "run"),
        ("Run", "Software", "PuLP", "3.3.2", "run"),
        ("Run", "Software", "Solver (HiGHS)", "1.7.2", "run"),
        ("Run", "Generated", "Date and time", "2026-05-09 14:30", "run"),
    ]
    assert ("Settings", None, "Objective", "least cost", "workbook") in as_tuples
    assert ("Roles", AE, "Loaded cost", 120_000, "workbook") in as_tuples
    assert ("Roles", AE, "Hires cap", 5, "workbook") in as_tuples
    assert ("Roles", SE, "Hires cap", "blank (no limit)", "workbook") in as_tuples
    assert ("Headcount", f"{AE} in {ENT}", "Under one year", 1, "workbook") in as_tuples
    assert ("Demand", f"{SMB} / technical / 2027-Q2", "Hours", 1500, "workbook") in as_tuples
    assert ("PathSkills", "AE to SE", "Minimum level: product", 3, "workbook") in as_tuples
    assert ("Skills", "AE to SE", f"Eligible people in {SMB}", 4, "workbook") in as_tuples
    assert ("CapacityScope", "Sales agent", "Max share of relationship in SMB", 0.4, "workbook") in as_tuples
    assert ("Adoption", "Seller copilot", "Adoption in 2027-Q2", 0.6, "workbook") in as_tuples
    assert ("Budget", "2027-Q2", "Budget", "blank (no budget)", "workbook") in as_tuples
    assert ("Ratios", f"{SE} per {AE} in Enterprise", "Minimum", 0.5, "workbook") in as_tuples
    assert ("SegmentRules", "Enterprise", "Min human share", 0.95, "workbook") in as_tuples
    assert len(as_tuples) == 6 + len(input_assumptions(small_input()))


def test_scenario_overrides_are_listed_and_marked(tmp_path: Path) -> None:
    overrides = [("Roles", f"{AE} / First-year attrition", 0.25, 0.3), ("Settings", "Time limit", 30, 60),
                 ("Budget", "Budget 2027-Q1", 1_000_000, 900_000)]
    path = write_plan_workbook(small_result(), tmp_path / "plan.xlsx", scenario_overrides=overrides,
                               generated_at=WHEN)
    ws = load_workbook(path)["Assumptions"]
    marked = [(r["Sheet"], r["Item"], r["Field"], r["Value"]) for r in table_rows(ws, "assumptions")
              if r["Source"] == "scenario override"]
    assert marked == [("Settings", None, "Time limit", 60), ("Roles", AE, "First-year attrition", 0.3),
                      ("Budget", "2027-Q1", "Budget", 900_000)]
    listed = [tuple(r.values()) for r in table_rows(ws, "scenario_overrides")]
    assert listed == [("Roles", f"{AE} / First-year attrition", 0.25, 0.3), ("Settings", "Time limit", 30, 60),
                      ("Budget", "Budget 2027-Q1", 1_000_000, 900_000)]


def test_override_naming_no_input_value_marks_nothing() -> None:
    rows = input_assumptions(small_input())
    assert overridden(rows, [("Roles", "Nobody / Colour", 1, 2), ("Nowhere", "Time limit", 1, 2)]) == set()


# --------------------------------------------------------------------------- formula injection and values


def test_neutralise() -> None:
    assert neutralise("=SUM(A1:A9)") == ("=SUM(A1:A9)", True)
    assert neutralise("+1 555") == ("+1 555", True)
    assert neutralise("-West") == ("-West", True)
    assert neutralise("@cmd") == ("@cmd", True)
    assert neutralise("\tTab") == ("\tTab", True)
    assert neutralise("\rCR") == ("\rCR", True)
    assert neutralise("\uff1dcmd") == ("\uff1dcmd", True)
    assert neutralise("Solution engineer") == ("Solution engineer", False)
    assert neutralise("bell\x07 sound") == ("bell sound", False)
    assert neutralise("x" * 40_000) == ("x" * 32_767, False)


def test_names_that_look_like_formulas_come_out_as_text(tmp_path: Path) -> None:
    evil_ae, evil_se = '=HYPERLINK("http://x","AE")', "+SE"
    evil_smb, evil_ent = "-North SMB", "@North Enterprise"
    plan_input = small_input(evil_ae, evil_se, evil_smb, evil_ent, plan_name="=1+1")
    path = write_plan_workbook(small_result(plan_input), tmp_path / "plan.xlsx", baseline=small_baseline(plan_input),
                               generated_at=WHEN)
    book = load_workbook(path)
    assert book["Summary"]["A1"].value == "=1+1"
    assert book["Summary"]["A1"].data_type == "s" and book["Summary"]["A1"].quotePrefix
    plan = book["Plan"]
    assert [(plan.cell(2, c).value, plan.cell(2, c).data_type, plan.cell(2, c).quotePrefix) for c in (1, 2)] == [
        (evil_ae, "s", True), (evil_smb, "s", True)]
    assert (plan["A6"].value, plan["B4"].value) == (evil_se, evil_ent)
    coverage_headers = [cell.value for cell in book["Coverage"][1]]
    assert f"{evil_ae} (hours)" in coverage_headers
    found = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} holds a formula"
                if isinstance(cell.value, str) and cell.value in (evil_ae, evil_se, evil_smb, evil_ent):
                    assert cell.data_type == "s" and cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
                    found += 1
    assert found > 20
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in archive.read(name).decode() and "<f " not in archive.read(name).decode()


def test_no_formulas_anywhere(written: Path) -> None:
    with zipfile.ZipFile(written) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 8
        for name in sheets:
            text = archive.read(name).decode()
            assert "<f>" not in text and "<f " not in text, name


def test_tables_have_unique_names_and_headers(tmp_path: Path) -> None:
    # A capacity source named like a role would give the Coverage table two equal headers.
    plan_input = small_input()
    plan_input = replace(plan_input, sources=(replace(plan_input.sources[0], name=AE.upper()),
                                              plan_input.sources[1]))
    result = small_result(plan_input)
    result = replace(result, coverage=tuple(
        replace(row, served_by_source=tuple((AE.upper() if s == "Sales agent" else s, h)
                                            for s, h in row.served_by_source)) for row in result.coverage),
        sources=tuple(replace(row, source=AE.upper() if row.source == "Sales agent" else row.source)
                      for row in result.sources))
    path = write_plan_workbook(result, tmp_path / "plan.xlsx", generated_at=WHEN)
    book = load_workbook(path)
    headers = [cell.value for cell in book["Coverage"][1]]
    assert headers[7:10] == [f"{AE} (hours)", f"{SE} (hours)", f"{AE.upper()} (hours) (2)"]
    names = [name for ws in book.worksheets for name in ws.tables]
    assert len(names) == len({n.lower() for n in names})


# --------------------------------------------------------------------------- writing safely


def test_a_successful_write_leaves_no_temporary_file(tmp_path: Path, written: Path) -> None:
    assert temp_files(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]
    assert oct(written.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_failed_save_keeps_the_old_plan_and_leaves_no_temporary_file(tmp_path: Path, written: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = written.read_bytes()

    def broken_save(self: Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", broken_save)
    with pytest.raises(OutputError) as caught:
        write_plan_workbook(small_result(), written, generated_at=WHEN)
    assert str(caught.value) == f"Cannot write the plan to {written}: No space left on device."
    assert written.read_bytes() == before
    assert temp_files(tmp_path) == []


def test_a_locked_target_is_reported_in_planner_words(tmp_path: Path, written: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    before = written.read_bytes()

    def locked(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError) as caught:
        write_plan_workbook(small_result(), written, generated_at=WHEN)
    assert str(caught.value) == (
        f"Cannot write the plan to {written}: permission denied. If the file is open in Excel or another program, "
        "close it in Excel and run again; otherwise choose a folder you may write to.")
    assert written.read_bytes() == before
    assert temp_files(tmp_path) == []


def test_an_unwritable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(**kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refused)
    with pytest.raises(OutputError, match="permission denied. If the file is open in Excel"):
        write_plan_workbook(small_result(), tmp_path / "plan.xlsx", generated_at=WHEN)
    assert list(tmp_path.iterdir()) == []


def test_writing_over_the_input_workbook_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "inputs.xlsx"
    source.write_bytes(b"input")
    plan_input = replace(small_input(), provenance=(("workbook", str(source)), ("workbook_sha256", SHA)))
    target = tmp_path / "." / "inputs.xlsx"
    with pytest.raises(OutputError) as caught:
        write_plan_workbook(small_result(plan_input), target)
    assert str(caught.value) == (f"Cannot write the plan to {target}: it would overwrite the input workbook {source}. "
                                 "Choose another file name for the plan.")
    assert source.read_bytes() == b"input"


def test_writing_over_the_scenario_file_or_the_copied_workbook_is_refused(tmp_path: Path) -> None:
    scenario = tmp_path / "slow-ai.xlsx"
    plan_input = replace(small_input(), provenance=(("scenario", str(scenario)),))
    with pytest.raises(OutputError, match="it would overwrite the input scenario"):
        write_plan_workbook(small_result(plan_input), scenario)
    copied = tmp_path / "copied.xlsx"
    (tmp_path / "sub").mkdir()
    with pytest.raises(OutputError, match="it would overwrite the input workbook"):
        write_plan_workbook(small_result(), tmp_path / "sub" / ".." / "copied.xlsx", into_copy_of=copied)


def test_bad_targets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        write_plan_workbook(small_result(), tmp_path / "plan.csv")
    assert str(caught.value) == f"Cannot write the plan to {tmp_path / 'plan.csv'}: the file name must end in .xlsx."
    with pytest.raises(OutputError) as caught:
        write_plan_workbook(small_result(), tmp_path / "missing" / "plan.xlsx")
    assert str(caught.value) == (f"Cannot write the plan to {tmp_path / 'missing' / 'plan.xlsx'}: the folder "
                                 f"{tmp_path / 'missing'} does not exist.")


def test_results_written_into_a_copy_of_the_input_workbook(tmp_path: Path) -> None:
    source = tmp_path / "inputs.xlsx"
    book = Workbook()
    book.active.title = "Settings"
    book["Settings"]["A1"] = "Plan name"
    book["Settings"]["B1"] = "=not a formula to keep"
    roles = book.create_sheet("Roles")
    roles.append(["Role", "Loaded cost"])
    roles.append([AE, 120000])
    book.save(source)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    first = write_plan_workbook(small_result(), tmp_path / "plan.xlsx", into_copy_of=source, generated_at=WHEN)
    # Writing again into a copy of the plan replaces its result sheets rather than adding more.
    second = write_plan_workbook(small_result(), tmp_path / "plan2.xlsx", into_copy_of=first, generated_at=WHEN)
    for path in (first, second):
        copy = load_workbook(path)
        assert copy.sheetnames == [*RESULT_SHEETS, "Settings", "Roles"]
        assert copy["Settings"]["B1"].value == "=not a formula to keep"
        assert [[c.value for c in row] for row in copy["Roles"].iter_rows()] == [["Role", "Loaded cost"],
                                                                                [AE, 120000]]
        assert copy.active.title == "Summary"
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest


def test_the_report_package_never_imports_pulp() -> None:
    code = ("import sys, rolemix.report, rolemix.report.pdf; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('pulp', 'highspy')]; print(bad)")
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert finished.stdout.strip() == "[]"


# --------------------------------------------------------------------------- PDF board pack


def test_render_pdf_without_libreoffice_says_how_to_install_it(tmp_path: Path, written: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf_module, "SOFFICE_FALLBACKS", ())
    with pytest.raises(OutputError) as caught:
        render_pdf(written, tmp_path / "board.pdf")
    assert str(caught.value) == (
        "LibreOffice is needed to print the board pack but its `soffice` program was not found. Install it "
        "(Debian/Ubuntu: apt-get install libreoffice-calc-nogui; elsewhere download it from "
        "https://www.libreoffice.org/download/) and run again.")


def test_render_pdf_refuses_a_workbook_that_is_not_a_plan(tmp_path: Path) -> None:
    if pdf_module.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    with pytest.raises(OutputError) as caught:
        render_pdf(other, tmp_path / "board.pdf")
    assert str(caught.value) == f"Cannot print {other}: it has no Summary sheet; is it a plan written by rolemix?"


def _pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert match is not None
    return int(match.group(1))


def _pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def board_pack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if pdf_module.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed; install libreoffice-calc-nogui to run this test")
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdfinfo, pdftotext) are not installed")
    folder = tmp_path_factory.mktemp("board")
    plan = write_plan_workbook(small_result(), folder / "plan.xlsx", baseline=small_baseline(), generated_at=WHEN)
    yield render_pdf(plan, folder / "board.pdf")


def test_board_pack_pdf_has_the_summary_first_then_the_charts(board_pack: Path) -> None:
    assert board_pack.read_bytes().startswith(b"%PDF")
    assert _pdf_pages(board_pack) == 5
    first_page = _pdf_text(board_pack, 1, 1)
    for label in ("Northwind test", "Key figures", "Headcount by role", "Cost per period",
                  "Total cost over the horizon (USD)", "Demand coverage (share served)"):
        assert label in first_page
    rest = _pdf_text(board_pack, 2)
    for title in ("Headcount by role", "Cost by component per period", "Demand served by source per period",
                  "Cost bridge: do-nothing baseline to plan"):
        assert title in rest
    assert sorted(p.name for p in board_pack.parent.iterdir()) == ["board.pdf", "plan.xlsx"]


# --------------------------------------------------------------------------- the shipped example through the real model

EXAMPLE = Path(__file__).resolve().parents[1] / "excel_templates" / "example-software-co.xlsx"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[PlanResult, PlanResult, Path]:
    """The example solved as a rough-cut (fractional) plan, which takes a second rather than ten, and its baseline."""
    if not EXAMPLE.is_file():
        pytest.skip("the shipped example workbook is not there yet")
    from rolemix.model.baseline import do_nothing
    from rolemix.model.solve import SolveOptions, solve_plan
    from rolemix.workbook.reader import read_plan_input

    plan_input = read_plan_input(EXAMPLE)
    result = solve_plan(plan_input, SolveOptions(whole_people=False))
    baseline = do_nothing(plan_input)
    folder = tmp_path_factory.mktemp("example")
    path = write_plan_workbook(result, folder / "plan.xlsx", baseline=baseline, into_copy_of=EXAMPLE)
    return result, baseline, path


def test_example_plan_summary_agrees_with_its_detail_sheets(example: tuple[PlanResult, PlanResult, Path]) -> None:
    result, baseline, path = example
    book = load_workbook(path)
    summary = book["Summary"]
    assert summary["A1"].value == result.plan_input.settings.plan_name
    assert summary["A2"].value == result.outcome.in_words()
    plan = table_rows(book["Plan"], "plan_rows")
    coverage = table_rows(book["Coverage"], "coverage_rows")
    bought = table_rows(book["Coverage"], "coverage_external_capacity")
    reskilling = table_rows(book["Reskilling"], "reskilling_rows")
    last = result.plan_input.periods
    mix = {r["Role"]: r for r in table_rows(summary, "summary_headcount")}
    for role in result.plan_input.roles:
        end = sum(r["End"] for r in plan if r["Role"] == role.name and r["Period"] == last)
        today = sum(r["Start"] for r in plan if r["Role"] == role.name and r["Period"] == 1)
        assert mix[role.name][f"End of {result.plan_input.period_labels[-1]}"] == pytest.approx(end, rel=1e-9)
        assert mix[role.name]["Today"] == pytest.approx(today, rel=1e-9)
    total = (sum(r["Cost (USD)"] for r in plan) + sum(r["Training cost (USD)"] for r in reskilling)
             + sum(r["Cost (USD)"] for r in bought) + sum(r["Lost revenue (USD)"] for r in coverage))
    assert summary_value(summary, "Total cost over the horizon (USD)") == pytest.approx(total, rel=1e-9)
    assert summary_value(summary, "Total cost over the horizon (USD)", "Do-nothing baseline") == pytest.approx(
        baseline.total_cost, rel=1e-12)
    assert summary_value(summary, "Layoffs (people)") == pytest.approx(sum(r["Layoffs"] for r in plan), rel=1e-9)
    demand = sum(r["Demand (hours)"] for r in coverage)
    unmet = sum(r["Unmet (hours)"] for r in coverage)
    assert summary_value(summary, "Demand coverage (share served)") == pytest.approx((demand - unmet) / demand,
                                                                                     rel=1e-9)
    assert len(table_rows(book["Constraints"], "binding_limits")) == len(result.binding)


def test_example_plan_charts_and_colours(example: tuple[PlanResult, PlanResult, Path]) -> None:
    result, _, path = example
    charts = chart_xml(path)
    assert len(charts) == 4
    roles = [role.name for role in result.plan_input.roles]
    palette = role_colours(roles)
    ws = load_workbook(path)["Charts"]
    headcount, served = series_colours(charts[0], ws), series_colours(charts[2], ws)
    assert headcount == palette
    assert {role: served[role] for role in roles} == palette


def test_example_plan_keeps_the_input_sheets_intact(example: tuple[PlanResult, PlanResult, Path]) -> None:
    _, _, path = example
    original = load_workbook(EXAMPLE)
    # Group ids are replaced by pseudonyms in the copy (outputs carry no employee identifiers); the rest is intact.
    assert pseudonymise_groups(original)
    copy = load_workbook(path)
    assert copy.sheetnames == [*RESULT_SHEETS, *original.sheetnames]
    for name in original.sheetnames:
        assert [[c.value for c in row] for row in copy[name].iter_rows()] == [
            [c.value for c in row] for row in original[name].iter_rows()], name
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None


def test_example_board_pack_pdf(example: tuple[PlanResult, PlanResult, Path], tmp_path: Path) -> None:
    if pdf_module.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed; install libreoffice-calc-nogui to run this test")
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdfinfo, pdftotext) are not installed")
    result, _, path = example
    pdf = render_pdf(path, tmp_path / "board.pdf")
    assert 5 <= _pdf_pages(pdf) <= 6
    first_page = _pdf_text(pdf, 1, 1)
    for label in (result.plan_input.settings.plan_name, "Key figures", "Headcount by role", "Cost per period",
                  "Cost over the horizon by component"):
        assert label in first_page
    assert "Cost bridge: do-nothing baseline to plan" in _pdf_text(pdf, 2)


def test_writing_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The collector is paused while a workbook is written (for speed) and must run again afterwards.
    assert gc.isenabled()
    write_plan_workbook(small_result(), tmp_path / "running.xlsx", generated_at=WHEN)
    assert gc.isenabled()
    gc.disable()
    try:
        write_plan_workbook(small_result(), tmp_path / "paused.xlsx", generated_at=WHEN)
        assert not gc.isenabled()
    finally:
        gc.enable()

    def fail(*_: object) -> None:
        raise OutputError("disk full")

    monkeypatch.setattr(workbook_module, "_save_atomically", fail)
    with pytest.raises(OutputError, match="disk full"):
        write_plan_workbook(small_result(), tmp_path / "failed.xlsx", generated_at=WHEN)
    assert gc.isenabled()
