"""Hand-solvable plans, one lever at a time, with exact objectives.

Unless a test says otherwise: one role "Seller" costing 1,200 a year, 100
productive hours a period, no attrition, one unit "North" in segment SMB, one
work type "sales" whose unmet hours cost 1,000 each, yearly periods.
"""

from __future__ import annotations

import pytest
from planfactory import cohort, plan, role, source

from rolemix.errors import InfeasiblePlan
from rolemix.inputs import Copilot, PlanInput, Ratio, ReskillPath, Unit
from rolemix.model import SolveOptions, do_nothing, solve_plan
from rolemix.model.data import per_period_rate


def test_hiring_fills_demand_at_salary_plus_hiring_cost() -> None:
    # 10 sellers, 1,300 hours of demand: hire 3. Cost = 13 x 1,200 + 3 x 500.
    p = plan(
        roles=(role(hiring_cost=500.0),), start=(cohort("Seller", "North", 10),), demand={("North", "sales", 1): 1300.0}
    )
    result = solve_plan(p)
    assert result.outcome.status == "optimal"
    assert result.outcome.objective == pytest.approx(17_100.0, rel=1e-9)
    assert result.total_hires == 3
    assert result.end_headcount() == {"Seller": 13.0}


def test_attrition_and_first_year_attrition_per_period() -> None:
    # 19 % a year over quarters: 1 - 0.81^(1/4) = 5.1316 % a quarter.
    assert per_period_rate(0.19, 4) == pytest.approx(1 - 0.81**0.25, rel=1e-12)
    # 100 people, 10 % attrition, 50 % first-year; demand of 10,000 hours needs 100 people.
    # Hires h with h x 0.5 = 10 leavers: h = 20. Cost = 100 x 1,200 + 20 x 10.
    p = plan(
        roles=(role(attrition_per_year=0.10, first_year_attrition_per_year=0.5, hiring_cost=10.0),),
        start=(cohort("Seller", "North", 100),),
        demand={("North", "sales", 1): 10_000.0},
        must_meet=True,
        whole_people=False,
    )
    result = solve_plan(p)
    assert result.total_hires == pytest.approx(20.0, rel=1e-9)
    assert result.outcome.objective == pytest.approx(120_000.0 + 200.0, rel=1e-9)
    row = result.plan[0]
    assert row.attrition == pytest.approx(10.0) and row.hires_retained == pytest.approx(10.0)


def test_under_one_year_starters_leave_at_first_year_rate() -> None:
    p = plan(
        roles=(role(attrition_per_year=0.10, first_year_attrition_per_year=0.5),),
        start=(cohort("Seller", "North", 100, under_one_year=40),),
        demand={("North", "sales", 1): 1.0},
        whole_people=False,
    )
    result = solve_plan(p)
    assert result.plan[0].attrition == pytest.approx(60 * 0.10 + 40 * 0.5)


def test_layoffs_with_severance_and_caps() -> None:
    # 20 sellers, work for 10. Severance 600 < a year of salary 1,200: lay off 10 -> 10 x 1,200 + 10 x 600.
    p = plan(
        roles=(role(severance=600.0),), start=(cohort("Seller", "North", 20),), demand={("North", "sales", 1): 1000.0}
    )
    result = solve_plan(p)
    assert result.total_layoffs == 10
    assert result.outcome.objective == pytest.approx(18_000.0)
    # A company cap of 25 % of the workforce allows 5: 15 x 1,200 + 5 x 600.
    capped = solve_plan(
        plan(
            roles=(role(severance=600.0),),
            start=(cohort("Seller", "North", 20),),
            demand={("North", "sales", 1): 1000.0},
            policy={"layoff_cap_share": 0.25},
        )
    )
    assert capped.total_layoffs == 5
    assert capped.outcome.objective == pytest.approx(21_000.0)
    # The per-role cap and the absolute cap act the same way.
    by_role = solve_plan(
        plan(
            roles=(role(severance=600.0, layoff_cap_share=0.1),),
            start=(cohort("Seller", "North", 20),),
            demand={("North", "sales", 1): 1000.0},
        )
    )
    assert by_role.total_layoffs == 2
    absolute = solve_plan(
        plan(
            roles=(role(severance=600.0),),
            start=(cohort("Seller", "North", 20),),
            demand={("North", "sales", 1): 1000.0},
            policy={"layoff_cap_people": 3},
        )
    )
    assert absolute.total_layoffs == 3
    assert absolute.outcome.objective == pytest.approx(17 * 1200 + 3 * 600)


def test_whole_people_versus_fractional() -> None:
    # 1,250 hours need 12.5 sellers: whole people hire 3 (13 x 1,200), fractional 2.5 (12.5 x 1,200).
    base = dict(start=(cohort("Seller", "North", 10),), demand={("North", "sales", 1): 1250.0}, must_meet=True)
    whole = solve_plan(plan(**base))
    rough = solve_plan(plan(**base), SolveOptions(whole_people=False))
    assert whole.outcome.objective == pytest.approx(15_600.0)
    assert rough.outcome.objective == pytest.approx(15_000.0)
    assert rough.outcome.whole_people is False


def test_hires_cap_leaves_demand_unmet() -> None:
    # Cap 1 hire: 11 sellers serve 1,100 of 1,300 hours; 200 unmet at 1,000.
    p = plan(
        roles=(role(hires_cap=1.0),), start=(cohort("Seller", "North", 10),), demand={("North", "sales", 1): 1300.0}
    )
    result = solve_plan(p)
    assert result.total_hires == 1
    assert result.unmet_hours == pytest.approx(200.0)
    assert result.outcome.objective == pytest.approx(11 * 1200 + 200 * 1000)


def test_ramp_reduces_capacity_of_new_hires() -> None:
    # Hires deliver half in their first period: 4 hires give 200 hours. 10 + 6 hires -> 1,000 + 300 = 1,300.
    p = plan(
        roles=(role(ramp_periods=1, ramp_productivity=0.5),),
        start=(cohort("Seller", "North", 10),),
        demand={("North", "sales", 1): 1300.0},
        must_meet=True,
    )
    result = solve_plan(p)
    assert result.total_hires == 6
    assert result.plan[0].ramping == 6
    assert result.outcome.objective == pytest.approx(16 * 1200)


def _reskill_plan(**path_kw: object) -> ReskillPath:
    values: dict[str, object] = dict(
        name="Seller to Engineer", from_role="Seller", to_role="Engineer", cost_per_person=100.0
    )
    values.update(path_kw)
    return ReskillPath(**values)  # type: ignore[arg-type]


def _two_roles(path: ReskillPath, periods: int = 1, **kw: object):  # type: ignore[no-untyped-def]
    # Engineers cannot be hired and cost 10,000 to lay off; sellers are idle (no sales demand) and free to lay
    # off; technical demand of 500 hours a period.
    from rolemix.inputs import WorkType

    return plan(
        roles=(role("Seller", severance=0.0), role("Engineer", hires_cap=0.0, severance=10_000.0)),
        work_types=(
            WorkType("sales", unmet_penalty_per_hour=1000.0),
            WorkType("technical", unmet_penalty_per_hour=1000.0),
        ),
        effectiveness=(("Seller", "sales", 1.0), ("Engineer", "technical", 1.0)),
        start=(cohort("Seller", "North", 10),),
        demand={("North", "technical", t): 500.0 for t in range(1, periods + 1)},
        paths=(path,),
        periods=periods,
        **kw,
    )


def test_reskilling_immediate_move() -> None:
    # Reskill 5 sellers (100 each) and lay off the other 5 for free: 5 engineers x 1,200 + 500.
    result = solve_plan(_two_roles(_reskill_plan()))
    assert result.total_reskilled == 5
    assert result.outcome.objective == pytest.approx(5 * 1200 + 500)


def test_reskilling_completion_and_non_completers_who_leave() -> None:
    # 80 % complete; non-completers leave: 7 starters give 5.6 engineers (560 of 500 hours).
    # Whole people: 7 starters x 100 + 5.6 x 1,200 engineers; the other 3 sellers are laid off.
    result = solve_plan(_two_roles(_reskill_plan(completion_rate=0.8, non_completers="leave")))
    assert result.total_reskilled == 7
    assert result.outcome.objective == pytest.approx(700 + 5.6 * 1200)
    assert sum(r.left for r in result.reskilling) == pytest.approx(1.4)


def test_reskilling_non_completers_return() -> None:
    # 50 % complete and the rest return: 10 starters give 5 engineers; 5 sellers come back (and are laid off).
    result = solve_plan(_two_roles(_reskill_plan(completion_rate=0.5, non_completers="return")))
    assert result.total_reskilled == 10
    assert sum(r.returned for r in result.reskilling) == pytest.approx(5.0)
    assert result.outcome.objective == pytest.approx(1000 + 5 * 1200)


def test_reskilling_duration_pays_salary_without_capacity() -> None:
    # Two yearly periods, a one-period path: starters are in training in period 1 (paid as sellers, no
    # capacity) and arrive in period 2. Period 1 technical demand goes unmet (500 x 1,000) unless... no one can
    # serve it. Best: 5 start in period 1 (salary 5 x 1,200 in training + 500 fees), period 2: 5 engineers.
    result = solve_plan(_two_roles(_reskill_plan(duration=1), periods=2))
    period1 = [r for r in result.reskilling if r.period == 1][0]
    assert period1.started == 5 and period1.in_training == 5
    assert result.outcome.objective == pytest.approx(500 * 1000 + 5 * 1200 + 500 + 5 * 1200)


def test_coaching_hours_come_off_the_target_roles_capacity() -> None:
    # Two yearly periods. 10 idle sellers (free to lay off), 5 engineers (no hires, laying one off costs 10,000),
    # technical demand of 500 hours in period 1 and 1,000 in period 2 (unmet hours cost 1,000 each). A one-period
    # path (fee 100) needs 20 hours of an engineer's coaching for each person in training.
    # Best: 5 sellers start in period 1 and arrive for period 2 (10 engineers, 1,000 hours); the other 5 sellers are
    # laid off. Each starter is worth 100 hours of period-2 demand (100,000) and costs 100 + 1,200 (salary while in
    # training) + 1,200 (salary as an engineer) + 20 coaching hours (20 x 1,000 when they leave demand unmet).
    # Period 1 with 500 hours of demand: the 5 engineers give 500 hours, 100 of them coaching: 100 hours unmet.
    #   5 x 1,200 engineers + 5 x 1,200 in training + 5 x 100 fees + 100 x 1,000 unmet + 10 x 1,200 engineers
    #   = 6,000 + 6,000 + 500 + 100,000 + 12,000 = 124,500.
    # Period 1 with 400 hours of demand: coaching takes the 100 idle hours and costs nothing: 24,500.
    from rolemix.checker import check_plan
    from rolemix.inputs import WorkType

    def coached(period1_hours: float) -> PlanInput:
        return plan(
            roles=(role("Seller"), role("Engineer", hires_cap=0.0, severance=10_000.0)),
            work_types=(
                WorkType("sales", unmet_penalty_per_hour=1000.0),
                WorkType("technical", unmet_penalty_per_hour=1000.0),
            ),
            effectiveness=(("Seller", "sales", 1.0), ("Engineer", "technical", 1.0)),
            start=(cohort("Seller", "North", 10), cohort("Engineer", "North", 5)),
            demand={("North", "technical", 1): period1_hours, ("North", "technical", 2): 1000.0},
            paths=(_reskill_plan(duration=1, coaching_hours=20.0),),
            periods=2,
        )

    busy = solve_plan(coached(500.0))
    assert busy.total_reskilled == 5
    assert busy.outcome.objective == pytest.approx(124_500.0, rel=1e-9)
    assert busy.unmet_hours == pytest.approx(100.0)
    engineers = {row.period: row for row in busy.plan if row.role == "Engineer"}
    assert engineers[1].capacity_hours == pytest.approx(500.0 - 5 * 20.0)
    assert engineers[1].allocated_hours == pytest.approx(400.0)
    assert engineers[2].capacity_hours == pytest.approx(1000.0)  # nobody in training in period 2
    assert check_plan(busy) == []

    idle = solve_plan(coached(400.0))
    assert idle.total_reskilled == 5
    assert idle.outcome.objective == pytest.approx(24_500.0, rel=1e-9)
    assert idle.unmet_hours == pytest.approx(0.0)
    assert check_plan(idle) == []


def test_reskilling_seats_cap_target_and_eligibility() -> None:
    seats = solve_plan(_two_roles(_reskill_plan(seats_per_period=3.0)))
    assert seats.total_reskilled == 3
    assert seats.outcome.objective == pytest.approx(3 * 1200 + 300 + 200 * 1000)
    assert any(
        limit.family == "seats" and limit.marginal_value == pytest.approx(100_000 - 1200 - 100)
        for limit in seats.binding
    )
    eligible = solve_plan(_two_roles(_reskill_plan(min_skills=(("Tech", 3.0),), eligible=(("North", 2.0),))))
    assert eligible.total_reskilled == 2
    # Cap vs target: starters <= 0.5 x engineers at the end of the period -> x <= 0.5 x, only 0 works.
    capped = solve_plan(_two_roles(_reskill_plan(cap_share_of_target=0.5)))
    assert capped.total_reskilled == 0


def test_ai_share_and_adoption_ramp() -> None:
    # 1,000 hours; the agent may take 40 % at full adoption, 50 % adopted in period 1 -> 200 hours = 2 units of 100.
    # Sellers (10) serve 800 hours; 2 laid off free. Cost 8 x 1,200 + 2 x 100 (agent units).
    p = plan(
        start=(cohort("Seller", "North", 10),),
        demand={("North", "sales", 1): 1000.0},
        sources=(source(share=0.4, adoption=(0.5,)),),
    )
    result = solve_plan(p)
    assert result.outcome.objective == pytest.approx(8 * 1200 + 200)
    assert result.external_hours == pytest.approx(200.0)
    # A ramp that dips: period 2 adoption 0.1 -> only 40 hours from the agent.
    dip = solve_plan(
        plan(
            start=(cohort("Seller", "North", 10),),
            demand={("North", "sales", t): 1000.0 for t in (1, 2)},
            sources=(source(share=0.4, adoption=(0.5, 0.1)),),
            periods=2,
            whole_people=False,
        )
    )
    served = {row.period: sum(h for _, h in row.served_by_source) for row in dip.coverage}
    assert served == {1: pytest.approx(200.0), 2: pytest.approx(40.0)}


def test_copilot_uplift_follows_adoption() -> None:
    # 10 sellers, 1,100 hours. A copilot adds 20 % at 50 % adoption: +10 hours per seat at 5 a seat,
    # cheaper than hiring (1,200 per 100 hours): 10 seats give 100 hours.
    p = plan(
        start=(cohort("Seller", "North", 10),),
        demand={("North", "sales", 1): 1100.0},
        must_meet=True,
        copilots=(Copilot("Copilot", "Seller", 5.0, 0.2, (0.5,)),),
    )
    result = solve_plan(p)
    assert result.plan[0].copilot_seats == 10
    assert result.outcome.objective == pytest.approx(10 * 1200 + 50)


def test_budget_limits_spending_and_is_explained() -> None:
    # Without a budget: 13 sellers (15,600). A budget of 14,400 buys 12 sellers; 100 hours go unmet at 1,000.
    # The lost revenue is not spending, so it does not count against the budget.
    p = plan(
        start=(cohort("Seller", "North", 10),),
        demand={("North", "sales", 1): 1300.0},
        budget=(14_400.0,),
        whole_people=False,
    )
    result = solve_plan(p)
    assert result.outcome.objective == pytest.approx(14_400 + 100 * 1000)
    # Each extra 1,000 of budget buys 1/1.2 seller, serves 83.3 hours (83,333 of penalty) and costs 1,000.
    budget = [limit for limit in result.binding if limit.family == "budget"]
    assert budget[0].marginal_value == pytest.approx(1000 * (100 / 1200 * 1000 - 1))
    assert budget[0].sentence == "The budget of 2027 limits the plan: each extra $1,000 of budget would save $82,333."


def test_infeasible_budget_is_diagnosed() -> None:
    p = plan(
        start=(cohort("Seller", "North", 10),),
        demand={("North", "sales", 1): 1300.0},
        must_meet=True,
        budget=(14_400.0,),
    )
    with pytest.raises(InfeasiblePlan) as caught:
        solve_plan(p)
    # 13 sellers are needed (15,600) against a budget of 14,400 that buys 12: the cheapest relaxation (as a
    # share of each limit) leaves 100 of the 1,300 must-meet hours unserved, and the budget is the other side.
    assert caught.value.diagnosis == (
        "sales demand in North in 2027 cannot be served in full: 100 hours short",
        "while the budget of 2027 is $14,400",
    )
    assert str(caught.value) == (
        "No plan satisfies every limit in the workbook: sales demand in North in 2027 cannot be served in full: "
        "100 hours short, while the budget of 2027 is $14,400. Cheapest way out: relax that limit by the amounts shown."
    )


def test_ratio_minimum_forces_the_mix() -> None:
    from rolemix.inputs import WorkType

    p = plan(
        roles=(role("Seller", severance=100.0), role("Engineer")),
        work_types=(WorkType("sales", unmet_penalty_per_hour=1000.0),),
        effectiveness=(("Seller", "sales", 1.0), ("Engineer", "sales", 1.0)),
        start=(cohort("Seller", "North", 10),),
        demand={("North", "sales", 1): 1000.0},
        ratios=(Ratio("SMB", "Engineer", "Seller", minimum=0.25),),
    )
    # Keep 8 sellers and hire 2 engineers (2 >= 0.25 x 8), lay off 2 sellers at 100: 10 x 1,200 + 200.
    result = solve_plan(p)
    end = result.end_headcount()
    assert end["Engineer"] >= 0.25 * end["Seller"] - 1e-9
    assert end == {"Seller": 8.0, "Engineer": 2.0}
    assert result.outcome.objective == pytest.approx(12_200.0)


def test_minimum_human_share_limits_ai() -> None:
    p = plan(
        start=(cohort("Seller", "North", 10),),
        demand={("North", "sales", 1): 1000.0},
        sources=(source(share=1.0, cost_per_unit=10.0),),
        policy={"min_human_share": (("SMB", 0.7),)},
    )
    # The agent is far cheaper, but employees must serve 700 hours: 7 sellers + 3 units.
    result = solve_plan(p)
    assert result.outcome.objective == pytest.approx(7 * 1200 + 30)


def test_penalty_versus_must_meet() -> None:
    from rolemix.inputs import WorkType

    cheap = (WorkType("sales", unmet_penalty_per_hour=5.0),)
    base = dict(start=(cohort("Seller", "North", 0),), demand={("North", "sales", 1): 1000.0}, work_types=cheap)
    # Hiring costs 12 per hour of capacity, unmet costs 5: leave it unmet.
    assert solve_plan(plan(**base)).outcome.objective == pytest.approx(5000.0)
    assert solve_plan(plan(**base, must_meet=True)).outcome.objective == pytest.approx(12_000.0)


def test_priorities_fewest_layoffs_then_least_cost() -> None:
    base = dict(
        roles=(role(severance=100.0),), start=(cohort("Seller", "North", 20),), demand={("North", "sales", 1): 1000.0}
    )
    cost_first = solve_plan(plan(**base))
    assert cost_first.total_layoffs == 10
    layoffs_first = solve_plan(plan(**base, objective=("layoffs", "cost")))
    assert layoffs_first.total_layoffs == 0
    assert layoffs_first.outcome.objective == pytest.approx(20 * 1200)
    assert [stage.term for stage in layoffs_first.outcome.stages] == ["layoffs", "cost"]


def test_reduced_hours_and_surplus_cap() -> None:
    # 12 sellers, 1,000 hours: 2 surplus. Surplus costs 600 each; reduced hours (half time) cost 100 per person,
    # cap 4: 4 on half time absorb 200 hours -> no surplus. Layoffs are impossible (cap 0).
    p = plan(
        roles=(
            role(
                surplus_cost_per_year=600.0,
                reduced_hours_cap=4.0,
                reduced_hours_cost_per_year=100.0,
                layoff_cap_share=0.0,
            ),
        ),
        start=(cohort("Seller", "North", 12),),
        demand={("North", "sales", 1): 1000.0},
        must_meet=True,
    )
    result = solve_plan(p, SolveOptions(whole_people=False))
    assert result.plan[0].reduced_hours == pytest.approx(4.0)
    assert result.outcome.objective == pytest.approx(12 * 1200 + 400)
    capped = plan(
        roles=(role(layoff_cap_share=0.0),),
        start=(cohort("Seller", "North", 12),),
        demand={("North", "sales", 1): 1000.0},
        policy={"surplus_cap": 1.0},
    )
    with pytest.raises(InfeasiblePlan):
        solve_plan(capped)


def test_discount_rate() -> None:
    # Two years, 10 sellers needed both years; 10 % a year: 12,000 + 12,000 / 1.1.
    p = plan(
        start=(cohort("Seller", "North", 10),),
        demand={("North", "sales", t): 1000.0 for t in (1, 2)},
        periods=2,
        discount_rate=0.10,
        must_meet=True,
    )
    result = solve_plan(p)
    assert result.outcome.objective == pytest.approx(12_000 + 12_000 / 1.1)
    assert result.total_cost == pytest.approx(24_000.0)


def test_do_nothing_baseline_backfills_attrition() -> None:
    # 100 sellers, 20 % a year, first-year 50 %: 20 leave, 20 hired, 10 of them stay -> 90 at the end.
    p = plan(
        roles=(role(attrition_per_year=0.2, first_year_attrition_per_year=0.5, hiring_cost=10.0),),
        start=(cohort("Seller", "North", 100),),
        demand={("North", "sales", 1): 10_000.0},
    )
    baseline = do_nothing(p)
    row = baseline.plan[0]
    assert row.hires == pytest.approx(20.0) and row.end == pytest.approx(90.0)
    assert baseline.unmet_hours == pytest.approx(1000.0)
    assert baseline.total_cost == pytest.approx(90 * 1200 + 200 + 1000 * 1000)


def test_two_units_do_not_share_people() -> None:
    units = (Unit("North", "N", "SMB"), Unit("South", "S", "SMB"))
    p = plan(
        units=units,
        start=(cohort("Seller", "North", 10),),
        demand={("North", "sales", 1): 500.0, ("South", "sales", 1): 500.0},
        must_meet=True,
    )
    result = solve_plan(p)
    end = {(r.unit): r.end for r in result.plan}
    assert end == {"North": 5.0, "South": 5.0}


def test_cbc_gives_the_same_plan_as_highs() -> None:
    p = plan(
        roles=(role(hiring_cost=500.0),), start=(cohort("Seller", "North", 10),), demand={("North", "sales", 1): 1300.0}
    )
    result = solve_plan(p, SolveOptions(solver="cbc"))
    assert result.outcome.status == "optimal"
    assert result.outcome.objective == pytest.approx(17_100.0, rel=1e-9)
    assert result.outcome.solver_version == "CBC (bundled with PuLP)"


def test_a_baseline_costed_in_a_separate_process_is_the_same_baseline(monkeypatch: pytest.MonkeyPatch) -> None:
    from rolemix.model import baseline as baseline_module

    p = plan(
        roles=(role(attrition_per_year=0.2, first_year_attrition_per_year=0.5, hiring_cost=10.0),),
        start=(cohort("Seller", "North", 100),),
        demand={("North", "sales", 1): 10_000.0},
    )
    monkeypatch.setattr(baseline_module, "BACKGROUND_CELLS", 1)
    with baseline_module.BaselineRun(p) as costing:
        assert costing.in_background
        baseline = costing.result()
    assert baseline.total_cost == pytest.approx(90 * 1200 + 200 + 1000 * 1000)
    assert baseline.plan == do_nothing(p).plan
