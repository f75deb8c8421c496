"""Published manpower-planning cases reproduced from their input workbooks (``tests/data/<case>/``).

Each case's ``SOURCE.md`` cites the source, lists its data and every published value;
``make_workbook.py`` regenerates the workbook.  Plans are solved in fractional mode, as
published, and every solved plan must also pass the independent checker.
"""

from __future__ import annotations

from pathlib import Path

import pulp
import pytest

from rolemix.checker import check_plan
from rolemix.inputs import PlanInput
from rolemix.model import SolveOptions, solve_plan
from rolemix.model.data import per_period_rate
from rolemix.results import PlanResult
from rolemix.workbook.reader import read_plan_input

DATA = Path(__file__).parent / "data"
WILLIAMS = DATA / "williams_manpower" / "williams_manpower.xlsx"
CATEGORIES = ("Unskilled", "Semi-skilled", "Skilled")

# H. P. Williams, Model Building in Mathematical Programming, problem "Manpower planning", as published
# in Gurobi's modeling-examples manpower_planning notebook (see SOURCE.md).
FEWEST_REDUNDANCIES = 841.796875  # "Optimal objective 8.417968750e+02"
LEAST_COST = 498677.29  # "policies that would cost $498,677.29 ..."
REDUNDANCIES_AT_LEAST_COST = 1423.7  # "... and result in 1,423.7 layoffs"
ADDITIONAL_REDUNDANCIES = 581.9  # "at the expense of 581.9 additional layoffs"
SAVING = 942712.51  # "we can save $942,712.51"
COST_PER_JOB_SAVED = 1620.06  # "the cost of saving each job ... $1,620.06"

#: The published fewest-redundancy plan, one decimal as printed, per year 1-3 and category.
PUBLISHED_RECRUITS = ((0.0, 0.0, 0.0), (0.0, 649.3, 500.0), (0.0, 677.0, 500.0))
PUBLISHED_REDUNDANCIES = ((443.0, 0.0, 0.0), (166.3, 0.0, 0.0), (232.5, 0.0, 0.0))
PUBLISHED_SHORT_TIME = ((50.0, 50.0, 50.0), (50.0, 0.0, 0.0), (50.0, 0.0, 0.0))
PUBLISHED_OVERMANNING = ((132.0, 18.0, 0.0), (150.0, 0.0, 0.0), (150.0, 0.0, 0.0))
PUBLISHED_RETRAINING = (
    {"Unskilled to semi-skilled": 200.0, "Semi-skilled to skilled": 256.2, "Skilled to semi-skilled": 168.4},
    {"Unskilled to semi-skilled": 200.0, "Semi-skilled to skilled": 80.3},
    {"Unskilled to semi-skilled": 200.0, "Semi-skilled to skilled": 131.6},
)

FRACTIONAL = SolveOptions(whole_people=False, explain=False)


@pytest.fixture(scope="module")
def williams() -> PlanInput:
    return read_plan_input(WILLIAMS)


@pytest.fixture(scope="module")
def fewest_redundancies(williams: PlanInput) -> PlanResult:
    return solve_plan(williams, FRACTIONAL)


@pytest.fixture(scope="module")
def least_cost(williams: PlanInput) -> PlanResult:
    return solve_plan(williams, SolveOptions(whole_people=False, objective=("cost",), explain=False))


def per_year(result: PlanResult, field: str) -> tuple[tuple[float, ...], ...]:
    """``field`` of the plan rows, rounded as published, per year and category."""
    rows = {(row.period, row.role): row for row in result.plan}
    return tuple(tuple(round(getattr(rows[t, c], field), 1) for c in CATEGORIES) for t in (1, 2, 3))


def test_williams_workbook_reads_as_the_source(williams: PlanInput) -> None:
    assert williams.settings.objective == ("layoffs", "cost")
    assert williams.settings.periods_per_year == 1
    assert [(r.name, r.attrition_per_year, r.first_year_attrition_per_year, r.hires_cap) for r in williams.roles] == [
        ("Unskilled", 0.10, 0.25, 500.0),
        ("Semi-skilled", 0.05, 0.20, 800.0),
        ("Skilled", 0.05, 0.10, 500.0),
    ]
    assert [(c.role, c.count, c.under_one_year) for c in williams.start] == [
        ("Unskilled", 2000.0, 0.0),
        ("Semi-skilled", 1500.0, 0.0),
        ("Skilled", 1000.0, 0.0),
    ]
    assert sum(d.hours for d in williams.demand) == 11900.0
    assert williams.policy.surplus_cap == 150.0


def test_williams_fewest_redundancies(fewest_redundancies: PlanResult) -> None:
    outcome = fewest_redundancies.outcome
    assert outcome.status == "optimal"
    assert outcome.stages[0].term == "layoffs"
    assert outcome.stages[0].objective == pytest.approx(FEWEST_REDUNDANCIES, rel=1e-6)
    assert check_plan(fewest_redundancies) == []


def test_williams_fewest_redundancies_plan_as_published(fewest_redundancies: PlanResult) -> None:
    assert per_year(fewest_redundancies, "hires") == PUBLISHED_RECRUITS
    assert per_year(fewest_redundancies, "layoffs") == PUBLISHED_REDUNDANCIES
    assert per_year(fewest_redundancies, "reduced_hours") == PUBLISHED_SHORT_TIME
    assert per_year(fewest_redundancies, "surplus_fte") == PUBLISHED_OVERMANNING
    retraining = tuple(
        {r.path: round(r.started, 1) for r in fewest_redundancies.reskilling if r.period == t and r.started > 0}
        for t in (1, 2, 3)
    )
    assert retraining == PUBLISHED_RETRAINING


def test_williams_cost_of_the_fewest_redundancy_plan(fewest_redundancies: PlanResult) -> None:
    """The cheapest plan among those with the fewest redundancies costs the published £1,441,389.80."""
    assert fewest_redundancies.total_layoffs == pytest.approx(FEWEST_REDUNDANCIES, rel=1e-7)
    assert fewest_redundancies.total_cost == pytest.approx(LEAST_COST + SAVING, rel=1e-6)
    saving = fewest_redundancies.total_cost - LEAST_COST
    # The published saving is the difference of two figures each rounded to the penny.
    assert abs(saving - SAVING) <= 0.01 + 1e-9
    # Published as the saving over the rounded 581.9 additional redundancies.
    assert round(saving / ADDITIONAL_REDUNDANCIES, 2) == COST_PER_JOB_SAVED


def test_williams_least_cost(least_cost: PlanResult) -> None:
    assert least_cost.outcome.status == "optimal"
    assert least_cost.outcome.objective == pytest.approx(LEAST_COST, rel=1e-6)
    assert round(least_cost.total_cost, 2) == LEAST_COST
    # Published to one decimal; the least-cost plan's redundancies are unique (1,423.7188...).
    assert round(least_cost.total_layoffs, 1) == REDUNDANCIES_AT_LEAST_COST
    assert round(least_cost.total_layoffs - FEWEST_REDUNDANCIES, 1) == ADDITIONAL_REDUNDANCIES
    assert check_plan(least_cost) == []


# W. L. Winston, Operations Research: Applications and Algorithms, 4th ed., section 3.12, example 14 (CSL):
# trainees need 50 hours of an experienced technician's supervision (see winston_csl/SOURCE.md).
WINSTON = DATA / "winston_csl" / "winston_csl.xlsx"
CSL_LEAST_COST = 593_777  # "z = $593,777", rounded to the dollar
CSL_DEMAND = (6000.0, 7000.0, 8000.0, 9500.0, 11000.0)
CSL_TRAINEES = (0.0, 8.45, 11.45, 9.52, 0.0)  # x_1..x_5 as published
CSL_TECHNICIANS = (50.0, 47.5, 53.58, 62.35, 68.75)  # y_1..y_5 as published


def csl_lp() -> tuple[float, tuple[float, ...], tuple[float, ...]]:
    """Winston's LP exactly as published, in PuLP: the optimum, x_1..x_5 and y_1..y_5."""
    months = range(len(CSL_DEMAND))
    lp = pulp.LpProblem("csl", pulp.LpMinimize)
    x = [lp.add_variable(f"x{t + 1}", lowBound=0) for t in months]
    y = [lp.add_variable(f"y{t + 1}", lowBound=0) for t in months]
    lp += pulp.lpSum(2000 * y[t] + 1000 * x[t] for t in months)
    for t in months:
        lp += 160 * y[t] - 50 * x[t] >= CSL_DEMAND[t]
        lp += y[t] == (50 if t == 0 else 0.95 * y[t - 1] + x[t - 1])
    lp.solve(pulp.HiGHS(msg=False) if pulp.HiGHS().available() else pulp.PULP_CBC_CMD(msg=False))
    assert pulp.LpStatus[lp.status] == "Optimal"
    value = pulp.value(lp.objective)
    assert value is not None
    return float(value), tuple(float(v.varValue or 0.0) for v in x), tuple(float(v.varValue or 0.0) for v in y)


@pytest.fixture(scope="module")
def csl() -> PlanInput:
    return read_plan_input(WINSTON)


@pytest.fixture(scope="module")
def csl_plan(csl: PlanInput) -> PlanResult:
    return solve_plan(csl, FRACTIONAL)


def test_winston_workbook_reads_as_the_source(csl: PlanInput) -> None:
    assert csl.settings.objective == ("cost",)
    assert csl.settings.periods_per_year == 12 and csl.periods == 5
    technician, trainee = csl.roles
    assert (technician.name, technician.loaded_cost_per_year / 12, technician.hours_per_period) == (
        "Technician", 2000.0, 160.0
    )
    assert per_period_rate(technician.attrition_per_year, 12) == pytest.approx(0.05, rel=1e-12)
    assert (technician.first_year_attrition_per_year, technician.hires_cap) == (0.0, 0.0)
    assert (trainee.name, trainee.loaded_cost_per_year / 12, trainee.hours_per_period) == ("Trainee", 1000.0, 0.0)
    assert [(c.role, c.count, c.under_one_year) for c in csl.start] == [("Technician", 50.0, 50.0)]
    assert tuple(d.hours for d in csl.demand) == CSL_DEMAND
    (path,) = csl.paths
    assert (path.from_role, path.to_role, path.duration, path.completion_rate, path.coaching_hours) == (
        "Trainee", "Technician", 1, 1.0, 50.0
    )


def test_winston_independent_lp_reproduces_the_published_optimum() -> None:
    value, trainees, technicians = csl_lp()
    assert round(value) == CSL_LEAST_COST
    assert tuple(round(v, 2) for v in trainees) == CSL_TRAINEES
    assert tuple(round(v, 2) for v in technicians) == CSL_TECHNICIANS


def test_winston_least_cost(csl_plan: PlanResult) -> None:
    outcome = csl_plan.outcome
    assert outcome.status == "optimal"
    assert outcome.objective == pytest.approx(CSL_LEAST_COST, rel=1e-6)
    assert outcome.objective == pytest.approx(csl_lp()[0], rel=1e-9)
    assert round(csl_plan.total_cost) == CSL_LEAST_COST
    assert check_plan(csl_plan) == []


def test_winston_plan_as_published(csl_plan: PlanResult) -> None:
    rows = {(row.role, row.period): row for row in csl_plan.plan}
    months = range(1, 6)
    assert tuple(round(rows["Technician", t].end, 2) for t in months) == CSL_TECHNICIANS
    started = {r.period: r.started for r in csl_plan.reskilling}
    assert tuple(round(started[t], 2) for t in months) == CSL_TRAINEES
    assert tuple(round(rows["Trainee", t].hires, 2) for t in months) == CSL_TRAINEES
    # Trainees are hired and start training in the same month: nobody waits as a Trainee.
    assert all(abs(rows["Trainee", t].end) < 1e-9 for t in months)
    # Supervision: 50 hours per trainee come off the technicians' 160 hours each, and what is left covers demand.
    for t in months:
        capacity = 160 * rows["Technician", t].end - 50 * started[t]
        assert rows["Technician", t].capacity_hours == pytest.approx(capacity, rel=1e-9)
        assert rows["Technician", t].allocated_hours == pytest.approx(CSL_DEMAND[t - 1], rel=1e-9)
