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


def test_a_refused_bound_change_is_a_solver_failure_not_a_silent_no_op() -> None:
    import numpy as np
    import pulp

    from rolemix.errors import SolverFailure
    from rolemix.model.highs_model import HighsModel

    problem = pulp.LpProblem("two", pulp.LpMinimize)
    x = problem.add_variable("x", 0, 10)
    y = problem.add_variable("y", 0, 10)
    problem += x + y
    problem += x + y >= 3
    hm = HighsModel(problem, [])
    hm.fix(np.array([0]), np.array([2.0]))
    hm.run(solver="simplex")
    assert hm.values().tolist() == [2.0, 1.0]
    # HiGHS refuses an index set with a repeat and changes nothing: rolemix must not carry on as if it had.
    with pytest.raises(SolverFailure, match="HiGHS refused a change of column bounds"):
        hm.fix(np.array([1, 1]), np.array([1.0, 1.0]))
