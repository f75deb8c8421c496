"""Large plans: LP bound, then relax-and-fix by period to a whole-people plan with a proven gap.

At tens of thousands of whole-number decisions a plain branch-and-bound run
does not find a plan in a minute.  The structure helps: headcount is an
expected value (continuous), and whole numbers appear only in flows (hires,
layoffs, starts, seats, units).  So:

1. Solve the LP relaxation with the interior-point method and crossover.  Its
   objective is a valid lower bound on every whole-people plan.
2. For each period in turn, round that period's whole-number decisions (to the
   nearest whole number, then down where a company-wide cap on whole numbers
   would be exceeded), fix them, and re-solve the LP from the last basis, so
   later periods absorb the rounding.  If a period cannot be fixed that way, it
   is retried rounding growth down (hires, starts, seats, units) and layoffs up,
   then left to the final branch-and-bound.
3. The last LP, with every whole-number decision fixed, is the plan; its cost
   against the bound of step 1 is the proven gap.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from rolemix.model.build import PlanModel
from rolemix.model.highs_model import HighsModel

Progress = Callable[[str], None]

#: Policy rows (all "at most") that rounding must respect directly: with every other column at its current
#: value, the row must still hold after this period's whole numbers are rounded.
ROUNDING_CAPS = (
    "hires_cap", "seats", "max_units", "layoff_cap_people", "layoff_cap", "role_layoff_cap", "eligibility",
    "cap_vs_target",
)

#: Rounding modes tried in order for a period: nearest; everything down; growth up and layoffs down.
MODES = ("nearest", "down", "growth up")


@dataclass(frozen=True)
class HeuristicRun:
    status: str  # "optimal", "feasible", "infeasible", "no plan"
    objective: float | None
    bound: float | None
    lp_seconds: float
    fix_seconds: float
    unfixed_periods: tuple[int, ...]


def column_units(model: PlanModel, hm: HighsModel) -> dict[int, str]:
    """The organisation unit of every column that belongs to one."""
    units: dict[int, str] = {}
    for registry in (model.hires, model.layoffs, model.starts, model.seats, model.ext_units, model.headcount,
                     model.idle, model.reduced, model.unmet):
        for key, var in registry.items():
            if var.name in hm.index:
                units[hm.index[var.name]] = key[1] if registry is not model.unmet else key[0]
    for registry2 in (model.allocated, model.served):
        for key4, var in registry2.items():
            if var.name in hm.index:
                units[hm.index[var.name]] = key4[1]
    return units


def period_columns(model: PlanModel, hm: HighsModel) -> dict[int, np.ndarray]:
    """Whole-number columns of each period."""
    by_period: dict[int, list[int]] = defaultdict(list)
    integer_names = {v.name for v in model.integers}
    for registry in (model.hires, model.layoffs, model.starts, model.seats, model.ext_units):
        for key, var in registry.items():
            if var.name in integer_names:
                by_period[key[-1]].append(hm.index[var.name])
    return {t: np.array(sorted(cols), dtype=np.int64) for t, cols in by_period.items()}


@dataclass(frozen=True)
class _Cap:
    columns: np.ndarray
    coefficients: np.ndarray
    rhs: float


def _caps(model: PlanModel, hm: HighsModel) -> list[_Cap]:
    caps = []
    for row in model.policies:
        if row.family in ROUNDING_CAPS and row.sense == "<=":
            cols = np.array([hm.index[v.name] for v in row.constraint.keys()], dtype=np.int64)
            coefs = np.array(list(row.constraint.values()), dtype=np.float64)
            caps.append(_Cap(cols, coefs, row.rhs))
    return caps


def round_period(
    x: np.ndarray,
    cols: np.ndarray,
    upper: np.ndarray,
    caps: list[_Cap],
    mode: str,
    growth: np.ndarray,
    always_down: np.ndarray,
    outflow: np.ndarray | None = None,
) -> np.ndarray:
    """Whole values for ``cols`` (see :data:`MODES`; ``"repair"``: people leaving a role — layoffs, starts — down,
    the rest nearest), never above a column's bound, then lowered where a cap would be exceeded with every other
    column at its value in ``x``."""
    values = x[cols]
    nearest = np.floor(values + 0.5)
    down = np.floor(values + 1e-9)
    up = np.ceil(values - 1e-9)
    if mode == "nearest":
        rounded = nearest
    elif mode == "down":
        rounded = down
    elif mode == "repair":
        assert outflow is not None
        rounded = np.where(outflow, down, nearest)
    else:
        rounded = np.where(growth, up, down)
    rounded = np.where(always_down, down, rounded)
    rounded = np.maximum(np.minimum(rounded, np.floor(upper[cols] + 1e-9)), 0.0)
    trial = x.copy()
    trial[cols] = rounded
    position = {int(c): i for i, c in enumerate(cols)}
    for cap in caps:
        local = [(position[int(c)], k) for k, c in enumerate(cap.columns) if int(c) in position and cap.coefficients[k] > 0]
        if not local:
            continue
        activity = float(trial[cap.columns] @ cap.coefficients)
        if activity <= cap.rhs + 1e-7:
            continue
        # Take back whole units, those rounded up the most first, until the cap holds.
        for i, k in sorted(local, key=lambda item: -(rounded[item[0]] - values[item[0]])):
            while activity > cap.rhs + 1e-7 and rounded[i] > 0:
                rounded[i] -= 1.0
                trial[cols[i]] -= 1.0
                activity -= cap.coefficients[k]
            if activity <= cap.rhs + 1e-7:
                break
    return rounded


#: Price of one unit of violation while rounding, as a multiple of the largest cost coefficient: high enough
#: that the LP never buys violation it can avoid.
ELASTIC_PENALTY_FACTOR = 1000.0

#: Rounds of "unfix the units whose limits broke, re-solve, round them again" per period.
REPAIR_ROUNDS = 3


def _fix_with_repair(
    hm: HighsModel,
    cols: np.ndarray,
    values: np.ndarray,
    row_units: list[set[str]],
    units_of: dict[int, str],
    deadline: float,
    reround: Callable[[np.ndarray], np.ndarray],
) -> tuple[bool, np.ndarray]:
    """Fix ``cols`` at ``values``; where that breaks limits, free the units involved, re-solve and round them again.

    The model is elastic while this runs (see :meth:`HighsModel.add_elastic`), so every trial solves, and the
    rows that gave way name the units to free.  Returns whether every column ended up fixed, and the LP values.
    """
    ms = highspy.HighsModelStatus
    start_basis = hm.basis()
    pending = np.ones(len(cols), dtype=bool)
    for _ in range(REPAIR_ROUNDS):
        hm.fix(cols[pending], values[pending])
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            break
        if hm.run(solver="simplex", presolve="off", time_limit=max(remaining, 0.5)) != ms.kOptimal:
            break
        broken_rows = np.nonzero(hm.violations() > 1e-7)[0]
        if len(broken_rows) == 0:
            return True, hm.values()
        broken: set[str] = set()
        for k in broken_rows:
            broken |= row_units[int(k)]
        culprits = np.array([units_of.get(int(c)) in broken for c in cols]) & pending
        if not culprits.any():
            break
        hm.restore_bounds(cols[culprits])
        if hm.run(solver="simplex", presolve="off", time_limit=max(deadline - time.perf_counter(), 0.5)) != ms.kOptimal:
            break
        # Round the freed units again from their new LP values, people leaving a role rounded down.
        again = reround(hm.values())
        values = values.copy()
        values[culprits] = again[culprits]
        pending = culprits
    # Back to where the period started: its LP solution is still optimal from that basis.
    hm.restore_bounds(cols)
    hm.set_basis(start_basis)
    hm.run(solver="simplex", presolve="off", time_limit=max(deadline - time.perf_counter(), 0.5))
    return False, hm.values()


def relax_and_fix(
    model: PlanModel,
    hm: HighsModel,
    deadline: float,
    gap_limit: float,
    progress: Progress,
) -> HeuristicRun:
    """Run the heuristic on ``hm`` (objective already set); values are left in ``hm``."""
    start = time.perf_counter()
    hm.restore_bounds(hm.integer_columns)
    hm.relax_integrality(True)
    status = hm.run(solver="ipm", run_crossover="on", presolve="on", time_limit=max(deadline - time.perf_counter(), 1.0))
    ms = highspy.HighsModelStatus
    lp_seconds = time.perf_counter() - start
    if status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        return HeuristicRun("infeasible", None, None, lp_seconds, 0.0, ())
    if status != ms.kOptimal:
        return HeuristicRun("no plan", None, None, lp_seconds, 0.0, ())
    bound = float(hm.highs.getInfo().objective_function_value)
    progress(f"LP bound {bound:,.0f} in {lp_seconds:.1f} s; fixing whole numbers period by period")
    x = hm.values()
    by_period = period_columns(model, hm)
    caps = _caps(model, hm)
    growth_names = {v.name for reg in (model.hires, model.starts, model.seats, model.ext_units) for v in reg.values()}
    growth_flag = np.array([c.name in growth_names for c in hm.columns])
    # Seats never exceed the (fractional) people they are for: always rounded down.
    seat_names = {v.name for v in model.seats.values()}
    seat_flag = np.array([c.name in seat_names for c in hm.columns])
    outflow_names = {v.name for reg in (model.layoffs, model.starts) for v in reg.values()}
    outflow_flag = np.array([c.name in outflow_names for c in hm.columns])
    fix_start = time.perf_counter()
    unfixed: list[int] = []
    units_of = column_units(model, hm)
    row_units = [
        {units_of[hm.index[v.name]] for v in row.constraint.keys() if hm.index[v.name] in units_of}
        for row in model.policies
    ]
    row_units += [{unit} for _, unit in model.unit_rows]
    hm.add_elastic([row.constraint for row in model.policies] + [row for row, _ in model.unit_rows],
                   penalty=ELASTIC_PENALTY_FACTOR * max(1.0, float(np.abs(hm.costs()).max())))
    hm.run(solver="simplex", presolve="off", time_limit=max(deadline - time.perf_counter(), 0.5))
    for t in sorted(by_period):
        cols = by_period[t]
        fixed = False
        for mode in MODES:
            values = round_period(x, cols, hm.upper, caps, mode, growth_flag[cols], seat_flag[cols])
            def reround(current: np.ndarray, cols: np.ndarray = cols) -> np.ndarray:
                return round_period(current, cols, hm.upper, caps, "repair", growth_flag[cols], seat_flag[cols],
                                    outflow_flag[cols])

            fixed, x = _fix_with_repair(hm, cols, values, row_units, units_of, deadline, reround)
            if fixed:
                break
        progress(f"period {model.data.label(t)}: {'whole numbers fixed' if fixed else 'left to branch-and-bound'} "
                 f"({time.perf_counter() - start:.1f} s)")
        if not fixed:
            unfixed.append(t)
            hm.restore_bounds(cols)
            status = hm.run(solver="simplex", presolve="off", time_limit=max(deadline - time.perf_counter(), 0.5))
            if status != ms.kOptimal:
                return HeuristicRun("no plan", None, bound, lp_seconds, time.perf_counter() - fix_start, tuple(unfixed))
            x = hm.values()
    hm.close_elastic()
    status = hm.run(solver="simplex", presolve="off", time_limit=max(deadline - time.perf_counter(), 0.5))
    if status != ms.kOptimal and not unfixed:
        return HeuristicRun("no plan", None, bound, lp_seconds, time.perf_counter() - fix_start, tuple(unfixed))
    if unfixed:
        # Whole numbers of the periods rounding could not settle: branch-and-bound on what is left.
        progress(f"periods {unfixed} need branch-and-bound")
        hm.relax_integrality(False)
        hm.run(solver="choose", presolve="on", mip_rel_gap=gap_limit,
                        time_limit=max(deadline - time.perf_counter(), 1.0))
        info = hm.highs.getInfo()
        if info.primal_solution_status != 2:
            return HeuristicRun("no plan", None, bound, lp_seconds, time.perf_counter() - fix_start, tuple(unfixed))
        # The MIP's own bound is conditional on the fixed periods; the LP bound stays the proven one.
        objective = float(info.objective_function_value)
    else:
        objective = float(hm.highs.getInfo().objective_function_value)
    gap = (objective - bound) / max(abs(objective), 1e-9)
    state = "optimal" if gap <= gap_limit + 1e-12 else "feasible"
    return HeuristicRun(state, objective, bound, lp_seconds, time.perf_counter() - fix_start, tuple(unfixed))
