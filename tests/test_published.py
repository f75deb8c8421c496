"""Published manpower-planning cases reproduced from their input workbooks (``tests/data/<case>/``).

Each case's ``SOURCE.md`` cites the source, lists its data and every published value;
``make_workbook.py`` regenerates the workbook.  Plans are solved in fractional mode, as
published, and every solved plan must also pass the independent checker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rolemix.checker import check_plan
from rolemix.inputs import PlanInput
from rolemix.model import SolveOptions, solve_plan
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
