"""Build-only tests: each constraint family looked up by name, its coefficients checked against docs/model.md."""

from __future__ import annotations

import pytest
from planfactory import cohort, plan, role, source

from rolemix.inputs import Copilot, Ratio, ReskillPath
from rolemix.model.build import PlanModel, build_model
from rolemix.model.data import ModelData, per_period_rate

A = per_period_rate(0.2, 4)  # Seller attrition a quarter
A1 = per_period_rate(0.4, 4)  # Seller first-year attrition a quarter


@pytest.fixture(scope="module")
def model() -> PlanModel:
    return a_model()


def a_model() -> PlanModel:
    p = plan(
        roles=(
            role("Seller", attrition_per_year=0.2, first_year_attrition_per_year=0.4, hires_cap=5.0, ramp_periods=1,
                 ramp_productivity=0.25, layoff_cap_share=0.1, severance=300.0, hiring_cost=50.0),
            role("Engineer", loaded_cost_per_year=2400.0),
        ),
        start=(cohort("Seller", "North", 20, under_one_year=4), cohort("Engineer", "North", 2, cost=2400.0)),
        demand={("North", "sales", t): 1500.0 for t in (1, 2)},
        paths=(ReskillPath("Up", "Seller", "Engineer", cost_per_person=70.0, duration=1, completion_rate=0.8,
                           seats_per_period=3.0, cap_share_of_target=0.5, coaching_hours=15.0,
                           min_skills=(("Tech", 3.0),), eligible=(("North", 6.0),)),),
        sources=(source(share=0.4, adoption=(0.5, 1.0), cost_per_unit=90.0, hours_per_unit=120.0, max_units=9.0),),
        copilots=(Copilot("Pilot", "Seller", 8.0, 0.2, (0.5, 1.0)),),
        ratios=(Ratio("SMB", "Engineer", "Seller", minimum=0.1, maximum=2.0),),
        budget=(10_000.0, None),
        policy={"layoff_cap_share": 0.05, "layoff_cap_people": 4.0, "min_human_share": (("SMB", 0.6),)},
        periods=2,
        period_length="quarter",
    )
    return build_model(ModelData.from_input(p), whole_people=True)


def coefficients(model: PlanModel, name: str) -> tuple[dict[str, float], float | None, float | None]:
    constraint = next(c for c in model.problem.rows if c.name == name)
    return {v.name: c for v, c in constraint.items()}, constraint.lower, constraint.upper


def test_accounting(model: PlanModel) -> None:
    # Period 1: N = 20 - (16 a + 4 a1) + H (1 - a1) - L - X.
    coefs, low, up = coefficients(model, "headcount_r0_u0_t1")
    assert coefs == pytest.approx({"N_r0_u0_t1": 1.0, "H_r0_u0_t1": -(1 - A1), "L_r0_u0_t1": 1.0, "X_p0_u0_t1": 1.0})
    assert low == up == pytest.approx(20 - 16 * A - 4 * A1)
    # Engineers in period 2 receive 80 % of the period-1 starters (a one-period path).
    coefs, low, _ = coefficients(model, "headcount_r1_u0_t2")
    assert coefs["X_p0_u0_t1"] == pytest.approx(-0.8)
    assert coefs["N_r1_u0_t1"] == pytest.approx(-1.0) and low == 0.0


def test_capacity_with_ramp_and_copilot(model: PlanModel) -> None:
    coefs, low, up = coefficients(model, "capacity_r0_u0_t1")
    # 100 hours a person; ramping hires deliver 25 %; a seat adds 20 % x 50 % adoption.
    assert coefs == pytest.approx({
        "A_r0_u0_w0_t1": 1.0, "I_r0_u0_t1": 1.0, "N_r0_u0_t1": -100.0,
        "H_r0_u0_t1": (1 - A1) * 100 * 0.75, "Seats_c0_u0_t1": -100 * 0.2 * 0.5,
    })
    assert low == up == 0.0
    assert coefficients(model, "seats_within_c0_u0_t1")[0] == {"Seats_c0_u0_t1": 1.0, "N_r0_u0_t1": -1.0}


def test_capacity_gives_coaching_to_people_in_training(model: PlanModel) -> None:
    # Engineers (the path's target) give 15 hours per person in training on the one-period path, in the period of
    # the start only; the sellers' rows (the from-role) carry no coaching.
    coefs, low, up = coefficients(model, "capacity_r1_u0_t1")
    assert coefs == pytest.approx({"A_r1_u0_w0_t1": 1.0, "I_r1_u0_t1": 1.0, "N_r1_u0_t1": -100.0, "X_p0_u0_t1": 15.0})
    assert low == up == 0.0
    coefs, _, _ = coefficients(model, "capacity_r1_u0_t2")
    assert coefs["X_p0_u0_t2"] == pytest.approx(15.0) and "X_p0_u0_t1" not in coefs
    assert not any(name.startswith("X_") for name in coefficients(model, "capacity_r0_u0_t1")[0])
    # A row rounding can break: the rounding repair of large plans may relax it.
    assert any(row.name == "capacity_r1_u0_t1" for row, _ in model.unit_rows)


def test_coverage_and_external(model: PlanModel) -> None:
    coefs, low, up = coefficients(model, "coverage_u0_w0_t1")
    assert coefs == {"A_r0_u0_w0_t1": 1.0, "A_r1_u0_w0_t1": 1.0, "S_s0_u0_w0_t1": 1.0, "U_u0_w0_t1": 1.0}
    assert low == up == 1500.0
    served = next(v for v in model.problem.columns if v.name == "S_s0_u0_w0_t1")
    assert served.upper == pytest.approx(0.4 * 0.5 * 1500)
    assert coefficients(model, "external_hours_s0_u0_t1")[0] == {"S_s0_u0_w0_t1": 1.0, "K_s0_u0_t1": -120.0}
    assert coefficients(model, "max_units_s0_t1")[2] == 9.0


def test_workforce_limits(model: PlanModel) -> None:
    assert coefficients(model, "hires_cap_r0_t1") == ({"H_r0_u0_t1": 1.0}, None, 5.0)
    # Company layoffs in period 2 within 5 % of everyone at its start.
    coefs, _, up = coefficients(model, "layoff_cap_t2")
    assert coefs == pytest.approx({"L_r0_u0_t2": 1.0, "L_r1_u0_t2": 1.0, "N_r0_u0_t1": -0.05, "N_r1_u0_t1": -0.05})
    assert up == 0.0
    assert coefficients(model, "layoff_cap_t1")[2] == pytest.approx(0.05 * 22)
    assert coefficients(model, "role_layoff_cap_r0_t1")[2] == pytest.approx(0.1 * 20)
    assert coefficients(model, "layoff_cap_people_t1") == ({"L_r0_u0_t1": 1.0, "L_r1_u0_t1": 1.0}, None, 4.0)


def test_reskilling_limits(model: PlanModel) -> None:
    assert coefficients(model, "seats_p0_t1") == ({"X_p0_u0_t1": 1.0}, None, 3.0)
    assert coefficients(model, "cap_vs_target_p0_u0_t1")[0] == {"X_p0_u0_t1": 1.0, "N_r1_u0_t1": -0.5}
    assert coefficients(model, "eligible_p0_u0") == ({"X_p0_u0_t1": 1.0, "X_p0_u0_t2": 1.0}, None, 6.0)


def test_ratios_and_human_share(model: PlanModel) -> None:
    assert coefficients(model, "ratio_min_0_u0_t1") == ({"N_r1_u0_t1": 1.0, "N_r0_u0_t1": -0.1}, 0.0, None)
    assert coefficients(model, "ratio_max_0_u0_t2") == ({"N_r1_u0_t2": 1.0, "N_r0_u0_t2": -2.0}, None, 0.0)
    coefs, low, _ = coefficients(model, "human_share_g0_t1")
    assert coefs == {"A_r0_u0_w0_t1": 1.0, "A_r1_u0_w0_t1": 1.0}
    assert low == pytest.approx(0.6 * 1500)


def test_budget_counts_spending_not_lost_revenue(model: PlanModel) -> None:
    coefs, _, up = coefficients(model, "budget_t1")
    assert up == 10_000.0
    assert "U_u0_w0_t1" not in coefs
    # A quarter of salaries, hiring and severance, training fees and trainees' salaries, units and seats.
    assert coefs["N_r0_u0_t1"] == pytest.approx(1200 / 4)
    assert coefs["N_r1_u0_t1"] == pytest.approx(2400 / 4)
    assert coefs["H_r0_u0_t1"] == pytest.approx(50.0) and coefs["L_r0_u0_t1"] == pytest.approx(300.0)
    assert coefs["X_p0_u0_t1"] == pytest.approx(70.0 + 1200 / 4)
    assert coefs["K_s0_u0_t1"] == pytest.approx(90.0) and coefs["Seats_c0_u0_t1"] == pytest.approx(8.0)
    assert not any(c.name.startswith("budget_t2") for c in model.problem.rows)


def test_whole_numbers_and_names(model: PlanModel) -> None:
    kinds = {v.name.split("_")[0] for v in model.integers}
    assert kinds == {"H", "L", "X", "K", "Seats"}
    assert all(v.integer for v in model.integers)
    names = [c.name for c in model.problem.rows]
    assert len(names) == len(set(names))


def test_a_build_keeps_the_model_out_of_the_collectors_passes_until_released() -> None:
    # The model lives for the whole solve and makes no cycles: the collector walking it again and again
    # cost about a second at the headline size (rolemix/collector.py).
    import gc

    from rolemix.collector import release_kept

    release_kept()
    assert gc.get_freeze_count() == 0
    built = build_model(ModelData.from_input(plan(periods=2)), whole_people=True)
    assert gc.isenabled()
    assert gc.get_freeze_count() > len(built.problem.columns)
    release_kept()
    assert gc.get_freeze_count() == 0
    gc.disable()
    try:
        build_model(ModelData.from_input(plan(periods=2)), whole_people=True)
        assert not gc.isenabled() and gc.get_freeze_count() == 0  # a paused collector is left as it was
    finally:
        gc.enable()


def test_the_cost_objective_is_worked_out_once_and_each_caller_gets_its_own_copy() -> None:
    model = a_model()
    first, second = model.term("cost"), model.term("cost")
    assert first == second and first is not second and first.constant == second.constant
    first.clear()
    assert model.term("cost") == second
    # A cost booked afterwards is in the next objective.
    extra = model.problem.add_column("extra_cost_test")
    model.cost("hiring", 1, [(extra, 2.0)])
    assert model.term("cost")[extra] == 2.0 * model.data.discount[1]
