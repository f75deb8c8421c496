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


class UnitModels:
    """Small whole-number models of one organisation unit, the rest of the plan held where it is.

    Units share only a few company-wide rows (budget, caps, shares).  To settle one unit's whole numbers of one
    period, its columns and rows are cut out of the full model: the unit's own rows as they are, each shared row
    with the other units' part moved to the right-hand side at its current value, earlier periods fixed, later
    periods continuous.  Such a model has a few hundred columns and solves in milliseconds.
    """

    def __init__(self, hm: HighsModel, units_of: dict[int, str]) -> None:
        self.hm = hm
        n = len(hm.columns)
        names = sorted(set(units_of.values()))
        self.unit_id = {name: i for i, name in enumerate(names)}
        col_unit = np.full(n, -1, dtype=np.int64)
        for col, unit in units_of.items():
            col_unit[col] = self.unit_id[unit]
        self.col_unit = col_unit
        self.columns_of = {u: np.nonzero(col_unit == i)[0] for u, i in self.unit_id.items()}
        start, index = hm.row_start, hm.row_index
        rows_of: dict[int, set[int]] = defaultdict(set)
        for r in range(len(hm.rows)):
            for u in set(col_unit[index[start[r]:start[r + 1]]].tolist()):
                rows_of[int(u)].add(r)
        self.rows_of = {u: np.array(sorted(rows_of[i]), dtype=np.int64) for u, i in self.unit_id.items()}

    def settle(
        self, unit: str, whole: np.ndarray, x: np.ndarray, gap: float, time_limit: float
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Best whole values for the columns ``whole`` (of ``unit``) with the rest of the plan at ``x``, and the
        unit's whole solution (in the order of ``columns_of[unit]``); ``None`` when the unit has no such plan."""
        hm = self.hm
        cols = self.columns_of[unit]
        local = np.full(len(hm.columns), -1, dtype=np.int64)
        local[cols] = np.arange(len(cols))
        rows = self.rows_of[unit]
        starts = [0]
        indices: list[np.ndarray] = []
        values: list[np.ndarray] = []
        lower = np.empty(len(rows))
        upper = np.empty(len(rows))
        for k, r in enumerate(rows):
            span = slice(hm.row_start[r], hm.row_start[r + 1])
            idx = hm.row_index[span]
            val = hm.row_value[span]
            mine = local[idx] >= 0
            others = float(val[~mine] @ x[idx[~mine]]) if (~mine).any() else 0.0
            indices.append(local[idx[mine]])
            values.append(val[mine])
            starts.append(starts[-1] + int(mine.sum()))
            lower[k] = hm.row_lower[r] - others
            upper[k] = hm.row_upper[r] - others
        lp = highspy.HighsLp()
        lp.num_col_ = len(cols)
        lp.num_row_ = len(rows)
        lp.col_cost_ = hm.current_cost[cols]
        lp.col_lower_ = hm.current_lower[cols]
        lp.col_upper_ = hm.current_upper[cols]
        lp.row_lower_ = lower
        lp.row_upper_ = upper
        matrix = lp.a_matrix_
        matrix.format_ = highspy.MatrixFormat.kRowwise
        matrix.num_col_ = len(cols)
        matrix.num_row_ = len(rows)
        matrix.start_ = np.array(starts, dtype=np.int32)
        matrix.index_ = np.concatenate(indices).astype(np.int32) if indices else np.zeros(0, dtype=np.int32)
        matrix.value_ = np.concatenate(values) if values else np.zeros(0)
        lp.a_matrix_ = matrix
        integer = np.zeros(len(cols), dtype=bool)
        integer[local[whole]] = True
        lp.integrality_ = [highspy.HighsVarType.kInteger if v else highspy.HighsVarType.kContinuous for v in integer]
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("threads", 1)
        solver.setOptionValue("mip_rel_gap", gap)
        solver.setOptionValue("time_limit", time_limit)
        solver.passModel(lp)
        solver.run()
        if solver.getInfo().primal_solution_status != 2:
            return None
        solution = np.asarray(solver.getSolution().col_value, dtype=np.float64)
        solution[local[whole]] = np.round(solution[local[whole]])
        return solution[local[whole]], solution


def improve_units(
    hm: HighsModel, unit_models: UnitModels, deadline: float, gap: float, progress: Progress
) -> int:
    """Local search over units: re-plan each unit's whole numbers over the whole horizon, the others held.

    Every step keeps the plan feasible (each unit's model holds the shared rows with the other units at their
    values), so the pass can stop at the deadline.  Returns the number of units re-planned.
    """
    ms = highspy.HighsModelStatus
    integer = np.zeros(len(hm.columns), dtype=bool)
    integer[hm.integer_columns] = True
    x = hm.values()
    saved_lower, saved_upper = hm.current_lower.copy(), hm.current_upper.copy()
    done = 0
    for unit, cols in unit_models.columns_of.items():
        if time.perf_counter() > deadline - IMPROVE_RESERVE_S:
            break
        whole = cols[integer[cols]]
        if not len(whole):
            continue
        hm.restore_bounds(whole)
        settled = unit_models.settle(unit, whole, x, gap, min(UNIT_TIME_LIMIT_S, deadline - time.perf_counter()))
        if settled is None:
            hm.fix(whole, np.round(x[whole]))
            continue
        hm.fix(whole, settled[0])
        x[cols] = settled[1]
        done += 1
    if hm.run(solver="simplex", presolve="off", time_limit=max(deadline - time.perf_counter(), 1.0)) != ms.kOptimal:
        # Never worse than before: go back to the plan the pass started from.
        changed = np.nonzero((hm.current_lower != saved_lower) | (hm.current_upper != saved_upper))[0]
        hm.fix(changed, saved_lower[changed])
        hm.run(solver="simplex", presolve="off")
        return 0
    progress(f"re-planned {done} units one at a time")
    return done


#: Seconds kept back from the deadline for the final LP after the unit-by-unit improvement.
IMPROVE_RESERVE_S = 2.0
#: Most seconds for one unit's whole-horizon model in the improvement pass.
UNIT_TIME_LIMIT_S = 1.0

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
    unit_models: UnitModels,
    gap: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Fix ``cols`` at ``values``; where that breaks limits, settle the units involved with their own small
    whole-number models and try again.

    The model is elastic while this runs (see :meth:`HighsModel.add_elastic`), so every trial solves, and the
    rows that gave way name the units to settle.  Returns the columns left unfixed (none, normally) and the LP
    values.
    """
    ms = highspy.HighsModelStatus
    start_basis = hm.basis()
    unsettled = np.zeros(len(cols), dtype=bool)
    for _ in range(REPAIR_ROUNDS):
        hm.fix(cols[~unsettled], values[~unsettled])
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            break
        if hm.run(solver="simplex", presolve="off", time_limit=max(remaining, 0.5)) != ms.kOptimal:
            break
        broken_rows = np.nonzero(hm.violations() > 1e-7)[0]
        if len(broken_rows) == 0:
            return cols[unsettled], hm.values()
        broken: set[str] = set()
        for k in broken_rows:
            broken |= row_units[int(k)]
        culprits = np.array([units_of.get(int(c)) in broken for c in cols]) & ~unsettled
        if not culprits.any():
            break
        hm.restore_bounds(cols[culprits])
        if hm.run(solver="simplex", presolve="off", time_limit=max(deadline - time.perf_counter(), 0.5)) != ms.kOptimal:
            break
        x = hm.values()
        values = values.copy()
        for unit in sorted(broken):
            mine = culprits & np.array([units_of.get(int(c)) == unit for c in cols])
            if not mine.any():
                continue
            settled = unit_models.settle(unit, cols[mine], x, gap, max(min(2.0, deadline - time.perf_counter()), 0.1))
            if settled is None:
                unsettled |= mine
            else:
                values[mine] = settled[0]
                # Later units see this unit's new plan.
                x[unit_models.columns_of[unit]] = settled[1]
    # Back to where the period started: its LP solution is still optimal from that basis.
    hm.restore_bounds(cols)
    hm.set_basis(start_basis)
    hm.run(solver="simplex", presolve="off", time_limit=max(deadline - time.perf_counter(), 0.5))
    return cols, hm.values()


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
    unit_models = UnitModels(hm, units_of)
    for t in sorted(by_period):
        cols = by_period[t]
        values = round_period(x, cols, hm.upper, caps, "nearest", growth_flag[cols], seat_flag[cols])
        left, x = _fix_with_repair(hm, cols, values, row_units, units_of, deadline, unit_models, gap_limit)
        progress(f"period {model.data.label(t)}: "
                 + ("whole numbers fixed" if len(left) == 0 else f"{len(left)} whole numbers left to branch-and-bound")
                 + f" ({time.perf_counter() - start:.1f} s)")
        if len(left):
            unfixed.append(t)
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
        if (objective - bound) / max(abs(objective), 1e-9) > gap_limit:
            improve_units(hm, unit_models, deadline, gap_limit / 10, progress)
            objective = float(hm.highs.getInfo().objective_function_value)
    gap = (objective - bound) / max(abs(objective), 1e-9)
    state = "optimal" if gap <= gap_limit + 1e-12 else "feasible"
    return HeuristicRun(state, objective, bound, lp_seconds, time.perf_counter() - fix_start, tuple(unfixed))
