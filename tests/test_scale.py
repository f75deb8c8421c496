"""Large-plan strategy (relax-and-fix) and the benchmark's smoke run.

Speed is measured by ``rolemix bench`` (docs/performance.md), never here: these
tests check that the strategy's plans are whole, consistent and honestly
labelled, and that the benchmark writes its figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rolemix.checker import check_plan
from rolemix.model import SolveOptions, solve_plan
from rolemix.workbook.reader import read_plan_input

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "excel_templates" / "example-software-co.xlsx"


@pytest.fixture(scope="module")
def example_input():  # type: ignore[no-untyped-def]
    return read_plan_input(EXAMPLE)


def test_relax_and_fix_plan_is_whole_consistent_and_honest(example_input) -> None:  # type: ignore[no-untyped-def]
    result = solve_plan(example_input, SolveOptions(strategy="relax-and-fix", time_limit_s=60))
    outcome = result.outcome
    assert outcome.strategy == "relax-and-fix"
    assert outcome.status in ("optimal", "feasible")
    assert outcome.objective is not None and outcome.bound is not None and outcome.gap is not None
    assert outcome.gap == pytest.approx((outcome.objective - outcome.bound) / outcome.objective, rel=1e-9)
    assert (outcome.status == "optimal") == (outcome.gap <= outcome.gap_limit)
    for row in result.plan:
        assert row.hires == round(row.hires) and row.layoffs == round(row.layoffs)
    for row in result.reskilling:
        assert row.started == round(row.started)
    assert check_plan(result) == []


def test_relax_and_fix_bound_is_below_the_branch_and_bound_plan(example_input) -> None:  # type: ignore[no-untyped-def]
    heuristic = solve_plan(example_input, SolveOptions(strategy="relax-and-fix", explain=False))
    exact = solve_plan(example_input, SolveOptions(strategy="mip", explain=False))
    assert heuristic.outcome.bound is not None and exact.outcome.objective is not None
    # The LP bound is a lower bound on every whole-people plan, the branch-and-bound one included.
    assert heuristic.outcome.bound <= exact.outcome.objective * (1 + 1e-9)
    assert exact.outcome.bound is not None
    assert exact.outcome.bound <= heuristic.outcome.objective * (1 + 1e-9)  # type: ignore[operator]


def test_benchmark_smoke_writes_its_figures(tmp_path: Path) -> None:
    from rolemix.bench import run_benchmark

    rows = run_benchmark("smoke", 20.0, 0.005, tmp_path / "out", tmp_path / "cache", plain=True, say=lambda _m: None)
    assert [r.approach for r in rows] == ["rolemix", "plain"]
    payload = json.loads((tmp_path / "out" / "bench.json").read_text())
    assert payload["machine"]["cores"] >= 1
    for row in payload["rows"]:
        for key in ("status", "objective", "bound", "gap", "seconds", "wall_s", "peak_memory_mb", "columns"):
            assert key in row, key
        assert row["status"] in ("optimal", "feasible")
        assert {"read", "validate", "build", "solve"} <= set(row["seconds"])
    table = (tmp_path / "out" / "bench.md").read_text()
    assert table.count("\n| 300 |") == 2
    for row in payload["rows"]:
        # The share of wall that is not the solver, the target's own measure, is a column of its own.
        outside = row["wall_s"] - row["seconds"]["solve"]
        assert f"| {outside:.1f} | {outside / row['wall_s']:.2%} |" in table


def test_a_refused_bound_change_is_a_solver_failure_not_a_silent_no_op() -> None:
    import numpy as np

    from rolemix.errors import SolverFailure
    from rolemix.model.highs_model import HighsModel
    from rolemix.model.lp import GE, Expression, Problem

    problem = Problem()
    x = problem.add_column("x", 0, 10)
    y = problem.add_column("y", 0, 10)
    problem.set_objective(Expression([(x, 1.0), (y, 1.0)]))
    problem.add_row("at_least_3", Expression([(x, 1.0), (y, 1.0)]), GE, 3.0)
    hm = HighsModel(problem)
    hm.fix(np.array([0]), np.array([2.0]))
    hm.run(solver="simplex")
    assert hm.values().tolist() == [2.0, 1.0]
    # HiGHS refuses an index set with a repeat and changes nothing: rolemix must not carry on as if it had.
    with pytest.raises(SolverFailure, match="HiGHS refused a change of column bounds"):
        hm.fix(np.array([1, 1]), np.array([1.0, 1.0]))


def test_whole_shares_round_towards_the_safe_side_and_give_what_is_left_to_the_largest_fractions() -> None:
    import numpy as np

    from rolemix.model.scale import _whole_shares

    # An upper bound of 8 over parts 2.4 + 3.7 + 1.9: 2 + 3 + 1 = 6, the two left go to 1.9 and 3.7.
    assert _whole_shares(np.array([2.4, 3.7, 1.9]), 8.0, 1.0).tolist() == [2.0, 4.0, 2.0]
    # Only what the row allows: a bound of 7 gives one more whole unit, to the largest fraction.
    assert _whole_shares(np.array([2.4, 3.7, 1.9]), 7.0, 1.0).tolist() == [2.0, 3.0, 2.0]
    # A lower bound of 5 (available -5 with the sign flipped): ceilings 3 + 4 + 2 = 9, lowered where the
    # fraction is smallest first, while the shares still add up to at least 5.
    shares = _whole_shares(np.array([2.4, 3.7, 1.9]), -5.0, -1.0)
    assert shares.tolist() == [2.0, 3.0, 1.0] and shares.sum() >= 5.0


def test_shares_of_a_fractional_plan_never_add_up_to_more_than_a_shared_row_allows(example_input) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from rolemix.model.build import build_model
    from rolemix.model.data import ModelData
    from rolemix.model.highs_model import HighsModel
    from rolemix.model.scale import SharedRows, UnitModels, column_units

    model = build_model(ModelData.from_input(example_input), whole_people=True)
    hm = HighsModel(model.problem, devex=True)
    hm.set_objective(model.term("cost"))
    hm.relax_integrality(True)
    hm.run(solver="ipm", run_crossover="on", presolve="on")
    x = hm.values()
    units = UnitModels(hm, column_units(model, hm))
    shared = SharedRows(hm, units, x)
    assert len(shared.rows) > 0
    finite = np.isfinite(shared.upper_bound)
    total = np.where(shared.part, shared.upper, 0.0).sum(axis=1) + shared.held
    assert np.all(total[finite] <= shared.upper_bound[finite] + 1e-6)
    lower_total = np.where(shared.part, shared.lower, 0.0).sum(axis=1) + shared.held
    has_lower = np.isfinite(shared.lower_bound)
    assert np.all(lower_total[has_lower] >= shared.lower_bound[has_lower] - 1e-6)
    # Before any unit is planned, the room a unit can claim is at least its share (more where whole shares
    # left a fraction of a row unshared); released, its reserve is its share again.
    for unit in range(len(units.unit_id)):
        room, share = shared.claim(unit), shared.share(unit)
        shared.release(unit)
        assert room.rows.tolist() == share.rows.tolist()
        up, low = np.isfinite(share.upper), np.isfinite(share.lower)
        assert np.all(room.upper[up] >= share.upper[up] - 1e-9 * np.maximum(1.0, np.abs(share.upper[up])))
        assert np.all(room.lower[low] <= share.lower[low] + 1e-9 * np.maximum(1.0, np.abs(share.lower[low])))
        assert np.all(np.isinf(room.upper[~up])) and np.all(np.isinf(room.lower[~low]))
    # A claim reserves the room it gives: a second unit's claim cannot take it again.
    shared.claim(0)
    shared.claim(1)
    claimed = shared.reserve_upper.sum(axis=1) + shared.held
    assert np.all(claimed[finite] <= shared.upper_bound[finite] + 1e-6)


def test_when_units_cannot_be_planned_one_by_one_the_plan_is_fixed_period_by_period(example_input, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rolemix.model import scale

    messages: list[str] = []
    monkeypatch.setattr(scale, "split_by_unit", lambda *args, **kwargs: None)
    result = solve_plan(example_input, SolveOptions(strategy="relax-and-fix", explain=False), progress=messages.append)
    assert any("fixing whole numbers period by period" in m for m in messages)
    assert result.outcome.status in ("optimal", "feasible")
    assert check_plan(result) == []


def test_relax_and_fix_plans_units_within_their_shares(example_input) -> None:  # type: ignore[no-untyped-def]
    messages: list[str] = []
    result = solve_plan(example_input, SolveOptions(strategy="relax-and-fix", explain=False), progress=messages.append)
    assert any("units planned in whole people within their share" in m for m in messages)
    assert not any("period by period" in m for m in messages)
    assert check_plan(result) == []


def test_relax_and_fix_holds_the_first_priority_while_it_solves_the_second(example_input) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from rolemix.model.solve import PRIORITY_ABS_SLACK

    cost_first = replace(example_input, settings=replace(example_input.settings, objective=("cost", "layoffs")))
    result = solve_plan(cost_first, SolveOptions(strategy="relax-and-fix", explain=False))
    first, second = result.outcome.stages
    assert first.term == "cost" and second.term == "layoffs"
    assert first.objective is not None
    held = first.objective * (1 + cost_first.settings.priority_tolerance) + PRIORITY_ABS_SLACK * max(
        1.0, abs(first.objective)
    )
    # The second stage (fewest layoffs) may not give back what the first (least cost) won.
    assert result.total_cost <= held * (1 + 1e-9)
    assert check_plan(result) == []


def test_the_lp_bound_reports_its_progress(example_input, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import re

    from rolemix.model import scale

    monkeypatch.setattr(scale, "LP_PROGRESS_EVERY_S", 0.0)
    messages: list[str] = []
    solve_plan(example_input, SolveOptions(strategy="relax-and-fix", explain=False), progress=messages.append)
    steps = [m for m in messages if m.startswith("LP bound: interior-point iteration")]
    assert steps, messages
    assert all(re.fullmatch(r"LP bound: interior-point iteration \d+, primal-dual gap \S+ \(\d+ s\)", m) for m in steps)


def test_a_generated_plan_rounded_unit_by_unit_passes_the_independent_checker(tmp_path: Path) -> None:
    from rolemix.generate import generate_workbook

    path = tmp_path / "generated.xlsx"
    generate_workbook(path, employees=2_000, regions=4, segments=3, roles=6, periods=8, seed=7)
    messages: list[str] = []
    result = solve_plan(
        read_plan_input(path),
        SolveOptions(strategy="relax-and-fix", time_limit_s=60, explain=False),
        progress=messages.append,
    )
    assert any("units planned in whole people within their share" in m for m in messages), messages
    assert not any("period by period" in m for m in messages)
    outcome = result.outcome
    assert outcome.objective is not None and outcome.bound is not None and outcome.gap is not None
    assert outcome.bound <= outcome.objective
    assert outcome.gap == pytest.approx((outcome.objective - outcome.bound) / outcome.objective, rel=1e-9)
    for row in result.plan:
        assert row.hires == round(row.hires) and row.layoffs == round(row.layoffs)
    assert check_plan(result) == []
