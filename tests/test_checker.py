"""The independent plan checker: solved plans pass it, tampered plans are caught in planner words."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolemix.checker import check_plan, number, share
from rolemix.errors import InfeasiblePlan
from rolemix.inputs import (
    Copilot,
    Demand,
    ExternalSource,
    PeriodLength,
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
from rolemix.model import SolveOptions, solve_plan
from rolemix.results import PlanResult

# ---------------------------------------------------------------------------
# Two hand-made plans whose optimum is easy to follow


def hiring_input() -> PlanInput:
    """One seller role that must hire to meet growing demand.

    Sellers: 10 today, 10 % attrition, 20 % first-year attrition, 100 hours a year each.
    Year 1: 9 stay, 1,000 hours must be met, so 2 hires (1.6 stay): 10.6 people, 0.6 surplus.
    Year 2: 9.54 stay, 1,200 hours, so 4 hires (3.2 stay): 12.74 people, 0.74 surplus.
    """
    return PlanInput(
        settings=Settings("hiring", "year", 2, "2027", whole_people=True, gap=0.0, time_limit_s=30.0),
        period_labels=("2027", "2028"),
        roles=(Role("Seller", 120000.0, 100.0, 0.10, 0.20, hiring_cost=1000.0, severance=100000.0, hires_cap=5.0),),
        units=(Unit("North", "Nordics", "SMB"),),
        work_types=(WorkType("sales", must_meet=True),),
        start=(StartCohort("Seller", "North", 10.0, 0.0, 120000.0),),
        demand=(Demand("North", "sales", 1, 1000.0, True, 0.0), Demand("North", "sales", 2, 1200.0, True, 0.0)),
        effectiveness=(("Seller", "sales", 1.0),),
        paths=(),
        sources=(),
        copilots=(),
        policy=Policy(budget=(None, None)),
    )


def rich_input() -> PlanInput:
    """Sellers, engineers, a reskilling path, an AI agent, a copilot and a layoff cap."""
    return PlanInput(
        settings=Settings("rich", "year", 2, "2027", whole_people=True, gap=0.0, time_limit_s=30.0),
        period_labels=("2027", "2028"),
        roles=(
            Role("Seller", 120000.0, 100.0, 0.10, 0.20, hiring_cost=1000.0, severance=5000.0, hires_cap=3.0),
            Role("Engineer", 150000.0, 100.0, 0.0, 0.0, hiring_cost=2000.0, severance=8000.0, hires_cap=1.0),
        ),
        units=(Unit("North", "Nordics", "SMB"),),
        work_types=(WorkType("sales", unmet_penalty_per_hour=500.0), WorkType("tech", must_meet=True)),
        start=(
            StartCohort("Seller", "North", 10.0, 0.0, 120000.0),
            StartCohort("Engineer", "North", 2.0, 0.0, 150000.0),
        ),
        demand=(
            Demand("North", "sales", 1, 800.0, False, 500.0),
            Demand("North", "sales", 2, 600.0, False, 500.0),
            Demand("North", "tech", 1, 300.0, True, 0.0),
            Demand("North", "tech", 2, 500.0, True, 0.0),
        ),
        effectiveness=(("Seller", "sales", 1.0), ("Engineer", "tech", 1.0), ("Engineer", "sales", 0.5)),
        paths=(ReskillPath("Seller to Engineer", "Seller", "Engineer", 3000.0, 1, 0.8, "return", 2.0, 1.0),),
        sources=(
            ExternalSource(
                "Agent", "AI agent", 1000.0, 100.0, (ScopeRule("sales", "SMB", 0.5),), (1.0, 1.0), max_units=3.0
            ),
        ),
        copilots=(Copilot("Assist", "Seller", 100.0, 0.2, (0.5, 1.0)),),
        policy=Policy(budget=(None, None), layoff_cap_share=0.5),
    )


FAST = SolveOptions(explain=False)


@pytest.fixture(scope="module")
def hiring() -> PlanResult:
    return solve_plan(hiring_input(), FAST)


@pytest.fixture(scope="module")
def rich() -> PlanResult:
    return solve_plan(rich_input(), FAST)


def with_row(result: PlanResult, role: str, period: int, **changes: Any) -> PlanResult:
    """The result with one plan row changed."""
    rows = tuple(replace(r, **changes) if (r.role, r.period) == (role, period) else r for r in result.plan)
    return replace(result, plan=rows)


def with_coverage(result: PlanResult, work: str, period: int, **changes: Any) -> PlanResult:
    rows = tuple(replace(r, **changes) if (r.work_type, r.period) == (work, period) else r for r in result.coverage)
    return replace(result, coverage=rows)


def with_cost(result: PlanResult, period: int, **changes: Any) -> PlanResult:
    rows = tuple(replace(r, **changes) if r.period == period else r for r in result.costs)
    return replace(result, costs=rows)


def with_input(result: PlanResult, **changes: Any) -> PlanResult:
    return replace(result, plan_input=replace(result.plan_input, **changes))


def with_policy(result: PlanResult, **changes: Any) -> PlanResult:
    return with_input(result, policy=replace(result.plan_input.policy, **changes))


# ---------------------------------------------------------------------------
# the hand-made plans themselves


def test_hiring_plan_is_the_hand_computed_one(hiring: PlanResult) -> None:
    rows = {(r.role, r.period): r for r in hiring.plan}
    assert [rows["Seller", t].hires for t in (1, 2)] == [2.0, 4.0]
    assert rows["Seller", 1].end == pytest.approx(10.6, rel=1e-9)
    assert rows["Seller", 2].end == pytest.approx(12.74, rel=1e-9)
    assert hiring.outcome.objective == pytest.approx(2806800.0, rel=1e-9)
    assert check_plan(hiring) == []


def test_rich_plan_passes(rich: PlanResult) -> None:
    assert rich.outcome.status == "optimal"
    assert check_plan(rich) == []


def test_fractional_rich_plan_passes() -> None:
    result = solve_plan(rich_input(), SolveOptions(whole_people=False, explain=False))
    assert check_plan(result) == []


def test_no_plan_has_nothing_to_check(hiring: PlanResult) -> None:
    empty = replace(hiring, outcome=replace(hiring.outcome, status="infeasible"), plan=(), coverage=(), costs=())
    assert check_plan(empty) == []


def test_number_and_share_words() -> None:
    words = [number(x) for x in (12.0, 1274000.0, 0.333333333, -0.00001, 10.6)]
    assert words == ["12", "1,274,000", "0.3333", "0", "10.6"]
    assert [share(x) for x in (0.25, 0.5, 1 / 3)] == ["25%", "50%", "33.33%"]


# ---------------------------------------------------------------------------
# tampering: one number changed, the exact sentences reported


def test_start_not_previous_end(hiring: PlanResult) -> None:
    assert check_plan(with_row(hiring, "Seller", 2, start=11.0)) == [
        "Seller in North, 2028: starts with 11 people, but 2027 ended with 10.6.",
        "Seller in North, 2028: ends with 12.74 people, but start minus leavers plus hires who stay minus layoffs "
        "minus reskilled out plus reskilled in plus returned gives 13.14.",
    ]


def test_attrition_not_from_the_rate(hiring: PlanResult) -> None:
    assert check_plan(with_row(hiring, "Seller", 1, attrition=2.0)) == [
        "Seller in North, 2027: expected leavers are 2, but the attrition rates give 1.",
        "Seller in North, 2027: ends with 10.6 people, but start minus leavers plus hires who stay minus layoffs "
        "minus reskilled out plus reskilled in plus returned gives 9.6.",
    ]


def test_hires_fractional_in_a_whole_people_plan(hiring: PlanResult) -> None:
    assert check_plan(with_row(hiring, "Seller", 1, hires=2.5)) == [
        "Seller in North, 2027: 1.6 hires stay their first period, but 2.5 hires at the first-year attrition rate "
        "give 2.",
        "Seller in North, 2027: hires is 2.5, not a whole number.",
        "Seller in North, 2027: cost is 1,274,000, but its components give 1,274,500.",
        "2027: Hiring cost 2,000, but the plan gives 2,500.",
    ]


def test_negative_layoffs(hiring: PlanResult) -> None:
    tampered = with_row(hiring, "Seller", 1, layoffs=-1.0, end=11.6)
    assert check_plan(tampered) == [
        "Seller in North, 2027: layoffs is negative (-1).",
        "Seller in North, 2028: starts with 10.6 people, but 2027 ended with 11.6.",
        "Seller in North, 2028: expected leavers are 1.06, but the attrition rates give 1.16.",
        "Seller in North, 2027: capacity is 1,060 hours, but headcount, ramping, reduced hours and copilot seats "
        "give 1,160.",
        "Seller in North, 2027: salary cost is 1,272,000, but 120,000 a year for 11.6 people on board and 0 in "
        "training gives 1,392,000.",
        "Seller in North, 2027: cost is 1,274,000, but its components give 1,294,000.",
        "2027: Salaries cost 1,272,000, but the plan gives 1,392,000.",
        "2027: Severance cost 0, but the plan gives -100,000.",
    ]


def test_capacity_not_from_headcount(hiring: PlanResult) -> None:
    assert check_plan(with_row(hiring, "Seller", 1, capacity_hours=1100.0)) == [
        "Seller in North, 2027: capacity is 1,100 hours, but headcount, ramping, reduced hours and copilot seats "
        "give 1,060.",
        "Seller in North, 2027: 1,000 hours allocated plus 0.6 surplus FTE (60 hours) do not add up to the capacity "
        "of 1,100 hours.",
    ]


def test_allocation_above_capacity(hiring: PlanResult) -> None:
    assert check_plan(with_row(hiring, "Seller", 2, allocated_hours=1300.0, surplus_fte=0.0)) == [
        "Seller in North, 2028: 1,300 hours allocated plus 0 surplus FTE (0 hours) do not add up to the capacity "
        "of 1,274 hours.",
        "Seller in North, 2028: 1,300 hours allocated exceed the capacity of 1,274 hours.",
        "Seller in North, 2028: 1,300 hours allocated, but the coverage rows give 1,200.",
    ]


def test_must_meet_demand_left_unmet(hiring: PlanResult) -> None:
    assert check_plan(with_coverage(hiring, "sales", 1, unmet=50.0)) == [
        "sales demand in North, 2027: 1,000 hours asked for, but 1,000 served by roles plus 0 served by external "
        "capacity plus 50 unmet give 1,050.",
        "sales demand in North, 2027: must be met, but 50 hours are unmet.",
    ]


def test_demand_not_as_asked(hiring: PlanResult) -> None:
    assert check_plan(with_coverage(hiring, "sales", 2, demand=1100.0)) == [
        "sales demand in North, 2028: the coverage shows 1,100 hours, but the input asks for 1,200.",
    ]


def test_cost_component_and_period_identity(hiring: PlanResult) -> None:
    assert check_plan(with_cost(hiring, 1, hiring=2500.0)) == [
        "2027: Hiring cost 2,500, but the plan gives 2,000.",
        "2027: total cost is 1,274,500, but the plan rows, training, external capacity and unmet demand add up to "
        "1,274,000.",
        "The solver's objective is 2,806,800, but the plan's discounted total cost is 2,807,300.",
    ]


def test_salary_cost(hiring: PlanResult) -> None:
    assert check_plan(with_row(hiring, "Seller", 2, salary_cost=1500000.0)) == [
        "Seller in North, 2028: salary cost is 1,500,000, but 120,000 a year for 12.74 people on board and 0 in "
        "training gives 1,528,800.",
    ]


def test_discount_factor(hiring: PlanResult) -> None:
    assert check_plan(with_cost(hiring, 2, discount_factor=0.9)) == [
        "2028: discount factor is 0.9, but the discount rate gives 1.",
    ]


def test_hires_cap(hiring: PlanResult) -> None:
    role = replace(hiring.plan_input.roles[0], hires_cap=3.0)
    assert check_plan(with_input(hiring, roles=(role,))) == ["Seller, 2028: 4 hires, above the cap of 3."]


def test_budget(hiring: PlanResult) -> None:
    assert check_plan(with_policy(hiring, budget=(1000000.0, None))) == [
        "2027: spending 1,274,000 (total cost less the unmet-demand penalty), above the budget of 1,000,000.",
    ]


def test_a_budget_holds_spending_not_the_lost_revenue_of_unmet_demand(rich: PlanResult) -> None:
    line = next(c for c in rich.costs if c.period == 1)
    assert line.unmet_penalty > 100_000  # sales demand partly unmet at 500 an hour
    spending = line.total - line.unmet_penalty
    # A budget between spending and total cost holds: unmet demand is not paid out.
    assert check_plan(with_policy(rich, budget=(spending + line.unmet_penalty / 2, None))) == []
    assert check_plan(with_policy(rich, budget=(spending - 10_000.0, None))) == [
        f"2027: spending {spending:,.0f} (total cost less the unmet-demand penalty), above the budget of "
        f"{spending - 10_000.0:,.0f}.",
    ]


def test_surplus_cap(hiring: PlanResult) -> None:
    assert check_plan(with_policy(hiring, surplus_cap=0.5)) == [
        "2027: 0.6 surplus FTE, above the cap of 0.5.",
        "2028: 0.74 surplus FTE, above the cap of 0.5.",
    ]


def test_reduced_hours_beyond_cap(hiring: PlanResult) -> None:
    assert check_plan(with_row(hiring, "Seller", 1, reduced_hours=1.0)) == [
        "Seller in North, 2027: capacity is 1,060 hours, but headcount, ramping, reduced hours and copilot seats "
        "give 1,010.",
        "Seller, 2027: 1 person on reduced hours, above the cap of 0.",
    ]


def test_missing_and_duplicate_rows(hiring: PlanResult) -> None:
    first, second = hiring.plan
    assert check_plan(replace(hiring, plan=(first, first, second))) == [
        "The plan has 2 rows for Seller in North, 2027; expected one.",
    ]
    assert check_plan(replace(hiring, plan=(first,), costs=hiring.costs[:1])) == [
        "The plan has no row for Seller in North, 2028.",
        "The cost summary has no line for 2028.",
        "The solver's objective is 2,806,800, but the plan's discounted total cost is 1,274,000.",
    ]


def test_reskilling_completions(rich: PlanResult) -> None:
    rows = tuple(replace(r, completed=2.0) if r.period == 2 else r for r in rich.reskilling)
    assert check_plan(replace(rich, reskilling=rows)) == [
        "Seller to Engineer in North, 2028: 2 people complete, but the completion rate gives 1.6.",
    ]


def test_reskilling_flows_in_the_plan_rows(rich: PlanResult) -> None:
    assert check_plan(with_row(rich, "Engineer", 2, reskilled_in=2.0, end=6.0)) == [
        "Engineer in North, 2028: 2 reskilled in, but the reskilling rows give 1.6.",
        "Engineer in North, 2028: capacity is 560 hours, but headcount, ramping, reduced hours and copilot seats "
        "give 600.",
        "Engineer in North, 2028: salary cost is 840,000, but 150,000 a year for 6 people on board and 0 in training "
        "gives 900,000.",
        "Engineer in North, 2028: cost is 842,000, but its components give 902,000.",
        "2028: Salaries cost 852,000, but the plan gives 912,000.",
    ]


def test_capacity_gives_coaching_hours_to_people_in_training(rich: PlanResult) -> None:
    # 2 sellers are in training in 2027; with 10 coaching hours each the engineers' 300 hours leave 280.
    path = rich.plan_input.paths[0]
    assert check_plan(with_input(rich, paths=(replace(path, coaching_hours=10.0),))) == [
        "Engineer in North, 2027: capacity is 300 hours, but headcount, ramping, reduced hours, copilot seats and "
        "coaching give 280.",
    ]
    # Rows that add up, but 200 coaching hours for each of the 2 in training are more than the engineers have.
    heavy = with_input(rich, paths=(replace(path, coaching_hours=200.0),))
    heavy = with_row(heavy, "Engineer", 1, capacity_hours=-100.0)
    assert check_plan(heavy) == [
        "Engineer in North, 2027: the people in training on paths into Engineer need 400 coaching hours, more than "
        "the 300 hours its people give.",
        "Engineer in North, 2027: 300 hours allocated plus 0 surplus FTE (0 hours) do not add up to the capacity of "
        "-100 hours.",
        "Engineer in North, 2027: 300 hours allocated exceed the capacity of -100 hours.",
    ]


def test_external_hours_beyond_units(rich: PlanResult) -> None:
    tampered = with_coverage(rich, "sales", 1, served_by_source=(("Agent", 350.0),), unmet=340.0)
    assert check_plan(tampered) == [
        "Agent in North, 2027: 300 hours served, but the coverage rows give 350.",
        "Agent in North, 2027: serves 350 hours, above the 300 hours its units deliver.",
        "2027: Lost revenue (unmet demand) cost 195,000, but the plan gives 170,000.",
        "2027: total cost is 1,046,100, but the plan rows, training, external capacity and unmet demand add up to "
        "1,021,100.",
    ]


def test_external_share_and_scope(rich: PlanResult) -> None:
    source = replace(rich.plan_input.sources[0], scope=(ScopeRule("sales", "SMB", 0.25),))
    assert check_plan(with_input(rich, sources=(source,))) == [
        "sales demand in North, 2027: Agent serves 300 hours, above its limit of 200 hours (25% of demand at 100% "
        "adoption).",
        "sales demand in North, 2028: Agent serves 300 hours, above its limit of 150 hours (25% of demand at 100% "
        "adoption).",
    ]
    source = replace(rich.plan_input.sources[0], scope=(ScopeRule("tech", "SMB", 0.5),))
    assert check_plan(with_input(rich, sources=(source,))) == [
        "sales demand in North, 2027: Agent serves 300 hours outside its scope.",
        "sales demand in North, 2028: Agent serves 300 hours outside its scope.",
    ]


def test_external_unit_cap(rich: PlanResult) -> None:
    source = replace(rich.plan_input.sources[0], max_units=2.0)
    assert check_plan(with_input(rich, sources=(source,))) == [
        "Agent, 2027: 3 units in use, above the limit of 2.",
        "Agent, 2028: 3 units in use, above the limit of 2.",
    ]


def test_reskilling_seats_target_cap_and_eligibility(rich: PlanResult) -> None:
    path = rich.plan_input.paths[0]
    assert check_plan(with_input(rich, paths=(replace(path, seats_per_period=1.0),))) == [
        "Seller to Engineer, 2027: 2 people start, above the 1 seats.",
    ]
    assert check_plan(with_input(rich, paths=(replace(path, cap_share_of_target=0.5),))) == [
        "Seller to Engineer in North, 2027: 2 people start, above 50% of the 3 Engineer there (1.5).",
    ]
    assert check_plan(with_input(rich, paths=(replace(path, eligible=(("North", 1.0),)),))) == [
        "Seller to Engineer in North: 2 people start over the horizon, above the 1 who are eligible.",
    ]


def test_layoff_caps(rich: PlanResult) -> None:
    assert check_plan(with_policy(rich, layoff_cap_share=0.1)) == [
        "2027: 6 layoffs, above the cap of 1.2 (10% of the 12 people at the start of the period).",
        "2028: 2 layoffs, above the cap of 0.4 (10% of the 4 people at the start of the period).",
    ]
    assert check_plan(with_policy(rich, layoff_cap_people=3.0)) == [
        "2027: 6 layoffs, above the cap of 3 people.",
    ]
    seller = replace(rich.plan_input.roles[0], layoff_cap_share=0.5)
    assert check_plan(with_input(rich, roles=(seller, rich.plan_input.roles[1]))) == [
        "Seller, 2027: 6 layoffs, above the cap of 5 (50% of the 10 people at the start of the period).",
        "Seller, 2028: 2 layoffs, above the cap of 0.5 (50% of the 1 person at the start of the period).",
    ]


def test_ratios_and_human_share(rich: PlanResult) -> None:
    ratio = Ratio("SMB", "Engineer", "Seller", minimum=10.0)
    assert check_plan(with_input(rich, ratios=(ratio,))) == [
        "Engineer per Seller in North, 2027: 3 Engineer for 1 Seller is below the minimum ratio of 10.",
    ]
    ratio = Ratio("SMB", "Seller", "Engineer", maximum=0.1)
    assert check_plan(with_input(rich, ratios=(ratio,))) == [
        "Seller per Engineer in North, 2027: 1 Seller for 3 Engineer is above the maximum ratio of 0.1.",
    ]
    assert check_plan(with_policy(rich, min_human_share=(("SMB", 0.9),))) == [
        "SMB, 2027: employees serve 410 of 1,100 demand hours, below the minimum share of 90%.",
        "SMB, 2028: employees serve 540 of 1,100 demand hours, below the minimum share of 90%.",
    ]


def test_copilot_seats_beyond_headcount(rich: PlanResult) -> None:
    assert check_plan(with_row(rich, "Seller", 1, copilot_seats=2.0)) == [
        "Seller in North, 2027: capacity is 110 hours, but headcount, ramping, reduced hours and copilot seats "
        "give 120.",
        "Seller in North, 2027: 2 copilot seats, more than the 1 person on board.",
        "Seller in North, 2027: cost is 390,100, but its components give 390,200.",
        "2027: Copilot seats cost 100, but the plan gives 200.",
    ]


def test_fractional_starts_and_units(rich: PlanResult) -> None:
    resk = tuple(replace(r, started=2.5, training_cost=7500.0) if r.period == 1 else r for r in rich.reskilling)
    messages = check_plan(replace(rich, reskilling=resk))
    assert "Seller to Engineer in North, 2027: 2.5 people start, not a whole number." in messages
    sources = tuple(
        replace(r, units=2.5, hours_available=250.0, cost=2500.0) if r.period == 2 else r for r in rich.sources
    )
    messages = check_plan(replace(rich, sources=sources))
    assert messages == [
        "Agent in North, 2028: serves 300 hours, above the 250 hours its units deliver.",
        "Agent in North, 2028: 2.5 units, not a whole number.",
        "2028: AI and external capacity cost 3,000, but the plan gives 2,500.",
        "2028: total cost is 998,000, but the plan rows, training, external capacity and unmet demand add up to "
        "997,500.",
    ]


def test_fractional_plans_are_not_held_to_whole_numbers(rich: PlanResult) -> None:
    outcome = replace(rich.outcome, whole_people=False)
    tampered = with_row(replace(rich, outcome=outcome), "Engineer", 1, hires=1.5, hires_retained=1.5, end=3.5)
    messages = check_plan(tampered)
    assert not any("not a whole number" in m for m in messages)


# ---------------------------------------------------------------------------
# property: every solved random plan passes the checker

T = TypeVar("T")
NAMES = ("Seller", "Engineer", "Partner manager")
UNITS = (("North", "SMB"), ("South", "Enterprise"), ("West", "SMB"))
WORK = ("sales", "tech")


def maybe_none(values: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """``None`` (no limit) or a value."""
    return st.one_of(st.none(), values)


@st.composite
def plan_inputs(draw: st.DrawFn) -> PlanInput:
    """A small but valid plan input with a random mix of every lever and limit."""
    n_roles = draw(st.integers(1, 3))
    n_units = draw(st.integers(1, 3))
    periods = draw(st.integers(1, 4))
    length: PeriodLength = draw(st.sampled_from(["month", "quarter", "year"]))
    money = st.floats(0.0, 200000.0).map(lambda x: round(x, 0))
    rate = st.floats(0.0, 0.4).map(lambda x: round(x, 3))
    rarely = st.sampled_from([False] * 7 + [True])
    roles = tuple(
        Role(
            name=NAMES[i],
            loaded_cost_per_year=draw(money),
            hours_per_period=draw(st.sampled_from([0.0, 50.0, 100.0, 160.0])),
            attrition_per_year=draw(rate),
            first_year_attrition_per_year=draw(rate),
            hiring_cost=draw(st.floats(0.0, 5000.0).map(round)),
            hires_cap=draw(maybe_none(st.integers(0, 6).map(float))),
            ramp_periods=draw(st.integers(0, 2)),
            ramp_productivity=draw(st.sampled_from([0.0, 0.5, 1.0])),
            severance=draw(st.floats(0.0, 30000.0).map(round)),
            layoff_cap_share=draw(maybe_none(st.sampled_from([0.0, 0.1, 0.5]))),
            reduced_hours_cap=draw(st.sampled_from([0.0, 0.0, 2.0])),
            reduced_hours_fte=draw(st.sampled_from([0.5, 0.8])),
            reduced_hours_cost_per_year=draw(st.floats(0.0, 10000.0).map(round)),
            surplus_cost_per_year=draw(st.floats(0.0, 20000.0).map(round)),
        )
        for i in range(n_roles)
    )
    units = tuple(Unit(name, "Region", segment) for name, segment in UNITS[:n_units])
    penalty = st.sampled_from([0.0, 50.0, 500.0])
    work_types = tuple(WorkType(w, unmet_penalty_per_hour=draw(penalty)) for w in WORK[: draw(st.integers(1, 2))])
    start = tuple(
        StartCohort(r.name, u.name, float(count), float(draw(st.integers(0, count))), draw(money))
        for r in roles
        for u in units
        if (count := draw(st.integers(0, 12))) > 0 or draw(st.booleans())
    )
    must_meet = draw(rarely)
    demand = tuple(
        Demand(u.name, w.name, t, float(draw(st.integers(0, 20)) * 50), must_meet and draw(st.booleans()),
               w.unmet_penalty_per_hour)
        for u in units
        for w in work_types
        for t in range(1, periods + 1)
    )
    effectiveness = tuple(
        (r.name, w.name, e) for r in roles for w in work_types if (e := draw(st.sampled_from([0.0, 0.5, 1.0, 1.0]))) > 0
    )
    paths = []
    if n_roles > 1:
        for k in range(draw(st.integers(0, 2))):
            a, b = draw(st.permutations(range(n_roles)))[:2]
            paths.append(
                ReskillPath(
                    name=f"Path {k + 1}",
                    from_role=NAMES[a],
                    to_role=NAMES[b],
                    cost_per_person=draw(st.floats(0.0, 10000.0).map(round)),
                    duration=draw(st.integers(0, 2)),
                    completion_rate=draw(st.sampled_from([0.5, 0.8, 1.0])),
                    non_completers=draw(st.sampled_from(["return", "leave"])),
                    seats_per_period=draw(maybe_none(st.integers(0, 4).map(float))),
                    cap_share_of_target=draw(maybe_none(st.sampled_from([0.5, 1.0]))),
                    coaching_hours=draw(st.sampled_from([0.0, 0.0, 10.0, 40.0])),
                    eligible=draw(maybe_none(st.just(tuple((u.name, float(draw(st.integers(0, 5)))) for u in units)))),
                )
            )
    adoption = st.lists(st.sampled_from([0.0, 0.3, 1.0]), min_size=periods, max_size=periods).map(tuple)
    sources = tuple(
        ExternalSource(
            name=f"Agent {k + 1}",
            kind="AI agent",
            cost_per_unit=draw(st.floats(100.0, 20000.0).map(round)),
            hours_per_unit=draw(st.sampled_from([40.0, 100.0])),
            scope=(ScopeRule(draw(st.sampled_from(WORK)), draw(st.sampled_from(["SMB", "Enterprise"])), draw(rate)),),
            adoption=draw(adoption),
            max_units=draw(maybe_none(st.integers(0, 5).map(float))),
        )
        for k in range(draw(st.integers(0, 2)))
    )
    copilots = tuple(
        Copilot(f"Copilot {k + 1}", draw(st.sampled_from(roles)).name, draw(st.floats(0.0, 3000.0).map(round)),
                draw(st.sampled_from([0.1, 0.3])), draw(adoption))
        for k in range(draw(st.integers(0, 2)))
    )
    ratios: tuple[Ratio, ...] = ()
    if n_roles > 1 and draw(rarely):
        minimum, maximum = draw(st.sampled_from([(0.5, None), (None, 4.0), (0.5, 4.0)]))
        ratios = (Ratio("SMB", NAMES[0], NAMES[1], minimum=minimum, maximum=maximum),)
    policy = Policy(
        budget=tuple(5e6 if draw(rarely) else None for _ in range(periods)),
        layoff_cap_share=draw(maybe_none(st.sampled_from([0.1, 0.3]))),
        layoff_cap_people=draw(maybe_none(st.integers(0, 5).map(float))),
        surplus_cap=draw(st.sampled_from([None, None, None, 5.0, 40.0])),
        min_human_share=(("SMB", 0.3),) if draw(rarely) else (),
    )
    labels = tuple(f"P{t}" for t in range(1, periods + 1))
    return PlanInput(
        settings=Settings(
            "random", length, periods, labels[0], whole_people=True, gap=0.0, time_limit_s=20.0,
            discount_rate=draw(st.sampled_from([0.0, 0.08])),
            objective=draw(st.sampled_from([("cost",), ("layoffs", "cost"), ("unmet", "cost")])),
        ),
        period_labels=labels,
        roles=roles,
        units=units,
        work_types=work_types,
        start=start,
        demand=demand,
        effectiveness=effectiveness,
        paths=tuple(paths),
        sources=sources,
        copilots=copilots,
        policy=policy,
        ratios=ratios,
    )


@settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_inputs())
def test_every_solved_plan_passes_the_checker(plan_input: PlanInput) -> None:
    # Fractional plans are solved for least cost only while the priority hold issue stands
    # (see test_a_priority_plan_keeps_its_accounting); whole-people plans use the drawn objective.
    for whole in (True, False):
        objective = None if whole else ("cost",)
        try:
            result = solve_plan(plan_input, SolveOptions(whole_people=whole, objective=objective, explain=False))
        except InfeasiblePlan:
            continue
        if result.outcome.has_plan:
            assert check_plan(result) == []


def test_a_priority_plan_keeps_its_accounting() -> None:
    """Fewest layoffs, then least cost, for one seller with no work: the plan keeps the seller and adds up.

    The layoffs stage proves 0 layoffs; the cost stage must not buy a sliver of a layoff with the hold's
    round-off slack, and continuous values are never snapped, so the plan adds up.
    """
    plan_input = PlanInput(
        settings=Settings("snap", "year", 1, "2027", whole_people=False, gap=0.0, objective=("layoffs", "cost")),
        period_labels=("2027",),
        roles=(Role("Seller", 100000.0, 100.0, 0.0, 0.0),),
        units=(Unit("North", "Nordics", "SMB"),),
        work_types=(WorkType("sales"),),
        start=(StartCohort("Seller", "North", 1.0, 0.0, 100000.0),),
        demand=(Demand("North", "sales", 1, 0.0, False, 0.0),),
        effectiveness=(("Seller", "sales", 1.0),),
        paths=(),
        sources=(),
        copilots=(),
        policy=Policy(budget=(None,)),
    )
    assert check_plan(solve_plan(plan_input, FAST)) == []
