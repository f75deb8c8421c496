"""Large plans: LP bound, then whole people unit by unit, with a proven gap.

At tens of thousands of whole-number decisions a plain branch-and-bound run
does not find a plan in a minute.  The structure helps: headcount is an
expected value (continuous), whole numbers appear only in flows (hires,
layoffs, starts, seats, units), and organisation units share only a few
company-wide rows (budget, caps, shares).  So:

1. Solve the LP relaxation with the interior-point method and crossover.  Its
   objective is a valid lower bound on every whole-people plan.
2. Split the company-wide rows into shares, one per unit, from the LP plan
   (:class:`SharedRows`: whole shares of whole-number caps by largest
   remainder), and plan every unit's whole numbers by its own small model
   within its shares, in parallel (:func:`split_by_unit`).  Units with no plan
   there are planned again within the room the others left.  With every whole
   number fixed, one LP (presolve removes the fixed columns) gives the best
   headcount, hours and spending.
3. Should some unit still have no plan, relax-and-fix by period instead: for
   each block of periods in turn, round its whole numbers, fix them and
   re-solve the LP from the last basis, repairing broken rows with small unit
   models (:class:`UnitModels`); what still cannot be fixed is left to a final
   branch-and-bound.
4. While the plan is further from the bound than the gap limit and time
   remains, each unit's whole numbers are re-planned with the rest held
   (:func:`improve_units`).  The plan's cost against the bound of step 1 is the
   proven gap.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np

from rolemix.errors import SolverFailure
from rolemix.model.build import PlanModel
from rolemix.model.highs_model import HighsModel

Progress = Callable[[str], None]

#: Policy rows (all "at most") that rounding must respect directly: with every other column at its current
#: value, the row must still hold after this period's whole numbers are rounded.
ROUNDING_CAPS = (
    "hires_cap",
    "seats",
    "max_units",
    "layoff_cap_people",
    "layoff_cap",
    "role_layoff_cap",
    "eligibility",
    "cap_vs_target",
)


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
    return {column.index: unit for column, unit in model.unit_of.items()}


def period_columns(model: PlanModel, hm: HighsModel) -> dict[int, np.ndarray]:
    """Whole-number columns of each period."""
    by_period: dict[int, list[int]] = defaultdict(list)
    for registry in (model.hires, model.layoffs, model.starts, model.seats, model.ext_units):
        for key, var in registry.items():
            if var.integer:
                by_period[key[-1]].append(var.index)
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
            cols = np.array([v.index for v in row.constraint.expr], dtype=np.int64)
            coefs = np.array(list(row.constraint.expr.values()), dtype=np.float64)
            caps.append(_Cap(cols, coefs, row.rhs))
    return caps


def round_period(
    x: np.ndarray,
    cols: np.ndarray,
    upper: np.ndarray,
    caps: list[_Cap],
    always_down: np.ndarray,
) -> np.ndarray:
    """Whole values for ``cols``: the nearest whole number (down for ``always_down``), never above a column's
    bound, then lowered where a cap would be exceeded with every other column at its value in ``x``."""
    values = x[cols]
    down = np.floor(values + 1e-9)
    rounded = np.where(always_down, down, np.floor(values + 0.5))
    rounded = np.maximum(np.minimum(rounded, np.floor(upper[cols] + 1e-9)), 0.0)
    trial = x.copy()
    trial[cols] = rounded
    position = {int(c): i for i, c in enumerate(cols)}
    for cap in caps:
        local = [
            (position[int(c)], k) for k, c in enumerate(cap.columns) if int(c) in position and cap.coefficients[k] > 0
        ]
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
    return np.asarray(rounded, dtype=np.float64)


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
        self.columns_of = {u: np.nonzero(col_unit == i)[0] for u, i in self.unit_id.items()}
        start, index = hm.row_start, hm.row_index
        rows_of: dict[int, set[int]] = defaultdict(set)
        for r in range(len(hm.rows)):
            for u in set(col_unit[index[start[r] : start[r + 1]]].tolist()):
                rows_of[int(u)].add(r)
        self.rows_of = {u: np.array(sorted(rows_of[i]), dtype=np.int64) for u, i in self.unit_id.items()}
        self.col_unit = col_unit
        #: Whether each column of the model is a whole number.
        self.integer = np.zeros(n, dtype=bool)
        self.integer[hm.integer_columns] = True
        #: Positions (within ``columns_of[unit]``) of each unit's whole-number columns.
        self.whole_of = {u: np.nonzero(self.integer[cols])[0].astype(np.int32) for u, cols in self.columns_of.items()}
        #: Whether every whole-number column belongs to a unit (else the plan cannot be split by unit).
        self.covers_whole_numbers = bool(np.all(col_unit[hm.integer_columns] >= 0))

    def _unit_solver(self, unit: str, x: np.ndarray) -> highspy.Highs:
        """A HiGHS instance holding one unit's model (LP, no integrality): the unit's own rows as they are, each
        shared row with the room the other units leave at ``x``."""
        hm = self.hm
        cols = self.columns_of[unit]
        rows = self.rows_of[unit]
        # Every entry of the unit's rows, row by row: positions in the model's row arrays.
        first, lengths = hm.row_start[rows], hm.row_start[rows + 1] - hm.row_start[rows]
        ends = np.cumsum(lengths)
        entries = np.repeat(first - (ends - lengths), lengths) + np.arange(int(ends[-1]) if len(ends) else 0)
        row_of = np.repeat(np.arange(len(rows)), lengths)
        idx, val = hm.row_index[entries], hm.row_value[entries]
        mine = self.col_unit[idx] == self.unit_id[unit]
        others = np.bincount(row_of[~mine], weights=val[~mine] * x[idx[~mine]], minlength=len(rows))
        lower, upper = hm.row_lower[rows] - others, hm.row_upper[rows] - others
        starts = np.concatenate([[0], np.cumsum(np.bincount(row_of[mine], minlength=len(rows)))])
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
        matrix.start_ = starts.astype(np.int32)
        matrix.index_ = np.searchsorted(cols, idx[mine]).astype(np.int32)
        matrix.value_ = val[mine]
        lp.a_matrix_ = matrix
        solver = highspy.Highs()  # type: ignore[no-untyped-call]
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("threads", 1)
        solver.passModel(lp)
        return solver

    def plan(
        self,
        unit: str,
        x: np.ndarray,
        limits: RowLimits,
        around: str | None,
        widen: int,
        always_down: np.ndarray,
        gap: float,
        time_limit: float,
    ) -> np.ndarray | None:
        """The unit's best plan (all its columns, in the order of ``columns_of[unit]``) with whole numbers,
        the shared rows held to the unit's ``limits``, the rest of the plan at ``x``; ``None`` when there is
        none in ``time_limit``.

        ``around`` narrows the whole numbers to the two whole values either side of a fractional plan
        (``widen`` more each way): ``"given"`` the unit's part of ``x``, ``"lp"`` the unit's own LP under its
        limits; ``None`` leaves them free.  Columns flagged ``always_down`` (seats, never more than the
        fractional people they are for) keep their lower bound.
        """
        cols = self.columns_of[unit]
        solver = self._unit_solver(unit, x)
        rows = np.searchsorted(self.rows_of[unit], limits.rows).astype(np.int32)
        if len(rows):
            solver.changeRowsBounds(len(rows), rows, limits.lower, limits.upper)  # type: ignore[attr-defined]
        whole = self.whole_of[unit]
        if around is not None and len(whole):
            if around == "lp":
                solver.run()
                if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                    return None
                centre = np.asarray(solver.getSolution().col_value, dtype=np.float64)[whole]
            else:
                centre = x[cols[whole]]
            lower = self.hm.lower[cols[whole]]
            upper = self.hm.upper[cols[whole]]
            low = np.maximum(np.floor(centre + WHOLE_TOLERANCE) - widen, lower)
            low = np.where(always_down[cols[whole]], lower, low)
            high = np.minimum(np.ceil(centre - WHOLE_TOLERANCE) + widen, upper)
            solver.changeColsBounds(len(whole), whole, low, np.maximum(high, low))
        solver.changeColsIntegrality(len(whole), whole, np.ones(len(whole), dtype=np.uint8))
        solver.setOptionValue("mip_rel_gap", gap)
        solver.setOptionValue("time_limit", max(time_limit, 0.01))
        solver.run()
        if solver.getInfo().primal_solution_status != 2:
            return None
        solution = np.asarray(solver.getSolution().col_value, dtype=np.float64)
        solution[whole] = np.round(solution[whole])
        return solution

    def settle(
        self, unit: str, whole: np.ndarray, x: np.ndarray, gap: float, time_limit: float, free: bool = False
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Best whole values for the columns ``whole`` (of ``unit``) with the rest of the plan at ``x``, and the
        unit's whole solution (in the order of ``columns_of[unit]``); ``None`` when the unit has no such plan.
        With ``free``, the columns ``whole`` may move away from their current fixings."""
        cols = self.columns_of[unit]
        solver = self._unit_solver(unit, x)
        local = np.searchsorted(cols, whole).astype(np.int32)
        if free:
            solver.changeColsBounds(len(local), local, self.hm.lower[whole], self.hm.upper[whole])
        solver.changeColsIntegrality(len(local), local, np.ones(len(local), dtype=np.uint8))
        solver.setOptionValue("mip_rel_gap", gap)
        solver.setOptionValue("time_limit", time_limit)
        solver.run()
        if solver.getInfo().primal_solution_status != 2:
            return None
        solution = np.asarray(solver.getSolution().col_value, dtype=np.float64)
        solution[local] = np.round(solution[local])
        return solution[local], solution


def improve_units(
    unit_models: UnitModels, x: np.ndarray, deadline: float, gap: float, progress: Progress
) -> np.ndarray:
    """Local search over units: re-plan each unit's whole numbers over the whole horizon, the others held.

    Every step keeps the plan feasible (each unit's model holds the shared rows with the other units at their
    values in ``x``) and never makes it dearer (the unit's current plan is a solution of its model), so the
    pass can stop at the deadline.  Returns the improved values.
    """
    hm = unit_models.hm
    integer = unit_models.integer
    x = x.copy()
    done = 0
    for unit, cols in unit_models.columns_of.items():
        if time.perf_counter() > deadline - IMPROVE_RESERVE_S:
            break
        whole = cols[integer[cols]]
        if not len(whole):
            continue
        settled = unit_models.settle(
            unit, whole, x, gap, min(UNIT_TIME_LIMIT_S, deadline - time.perf_counter()), free=True
        )
        if settled is not None and float(hm.current_cost[cols] @ settled[1]) < float(hm.current_cost[cols] @ x[cols]):
            x[cols] = settled[1]
            done += 1
    progress(f"re-planned {done} units one at a time")
    return x


@dataclass(frozen=True)
class RowLimits:
    """Bounds on one unit's own part of shared rows (model row numbers, ascending)."""

    rows: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


class SharedRows:
    """The rows several units share (company-wide caps, budget, shares) and each unit's part of them.

    From a fractional plan ``x``, each unit's *share* of a shared row is its own part of the row at ``x`` plus
    an equal part of the row's slack.  In a row of whole numbers with whole coefficients (hires caps, seats,
    units) the shares are whole: each unit gets its part rounded down, and what the row has left goes, one by
    one, to the units with the largest fractions.  The shares never add up to more than a row allows, so units
    planned within their shares make a plan that holds every shared row.

    Once a unit is planned, its *reserve* is what it uses; before, its share.  :meth:`claim` gives a unit room
    beyond its share from what the reserves leave free (planned units that used less than their shares).
    """

    def __init__(self, hm: HighsModel, units: UnitModels, x: np.ndarray) -> None:
        n_units = len(units.unit_id)
        counts = np.diff(hm.row_start)
        row_of = np.repeat(np.arange(len(counts)), counts)
        unit_of = units.col_unit[hm.row_index]
        pairs = np.unique(row_of[unit_of >= 0] * n_units + unit_of[unit_of >= 0])
        touched = np.bincount(pairs // n_units, minlength=len(counts))
        self.rows = np.nonzero(touched >= 2)[0]
        position = np.full(len(counts), -1, dtype=np.int64)
        position[self.rows] = np.arange(len(self.rows))
        keep = position[row_of] >= 0
        self._row = position[row_of[keep]]
        self._unit = unit_of[keep]
        self._col = hm.row_index[keep]
        self._value = hm.row_value[keep]
        size = (len(self.rows), n_units)
        use = np.zeros(size)
        mine = self._unit >= 0
        np.add.at(use, (self._row[mine], self._unit[mine]), self._value[mine] * x[self._col[mine]])
        self.held = np.bincount(
            self._row[~mine], weights=self._value[~mine] * x[self._col[~mine]], minlength=len(self.rows)
        )
        self.part = np.zeros(size, dtype=bool)
        self.part[self._row[mine], self._unit[mine]] = True
        whole_entry = units.integer[self._col] & (self._value == np.round(self._value))
        whole = np.bincount(self._row, weights=~whole_entry, minlength=len(self.rows)) == 0
        self.lower_bound = hm.row_lower[self.rows]
        self.upper_bound = hm.row_upper[self.rows]
        self.has_lower = np.isfinite(self.lower_bound)
        self.has_upper = np.isfinite(self.upper_bound)
        self.upper = np.zeros(size)
        self.lower = np.zeros(size)
        for k in range(len(self.rows)):
            units_in = np.nonzero(self.part[k])[0]
            total = float(use[k].sum() + self.held[k])
            for bound, share, sign in ((self.upper_bound[k], self.upper, 1.0), (self.lower_bound[k], self.lower, -1.0)):
                if not np.isfinite(bound):
                    continue
                target = use[k, units_in] + (bound - total) / len(units_in)
                if whole[k]:
                    target = _whole_shares(target, sign * (bound - self.held[k]), sign)
                share[k, units_in] = target
        #: Reserves: shares until a unit is planned, then what it uses.
        self.reserve_upper = np.where(self.has_upper[:, None] & self.part, self.upper, 0.0)
        self.reserve_lower = np.where(self.has_lower[:, None] & self.part, self.lower, 0.0)

    def _limits(self, unit: int, lower: np.ndarray, upper: np.ndarray) -> RowLimits:
        mine = self.part[:, unit]
        lower = np.where(self.has_lower, lower, -highspy.kHighsInf)
        upper = np.where(self.has_upper, upper, highspy.kHighsInf)
        return RowLimits(self.rows[mine], lower[mine], upper[mine])

    def share(self, unit: int) -> RowLimits:
        return self._limits(unit, self.lower[:, unit], self.upper[:, unit])

    def claim(self, unit: int) -> RowLimits:
        """Room for ``unit``: its reserve and what no unit's reserve holds.  The room stays reserved until
        :meth:`record` or :meth:`release`."""
        free_upper = self.upper_bound - self.held - self.reserve_upper.sum(axis=1)
        free_lower = self.lower_bound - self.held - self.reserve_lower.sum(axis=1)
        upper = self.reserve_upper[:, unit] + np.maximum(free_upper, 0.0)
        lower = self.reserve_lower[:, unit] + np.minimum(free_lower, 0.0)
        self._reserve(unit, lower, upper)
        return self._limits(unit, lower, upper)

    def release(self, unit: int) -> None:
        """Give back the room claimed for ``unit``: its reserve is its share again."""
        self._reserve(unit, self.lower[:, unit], self.upper[:, unit])

    def record(self, unit: int, columns: np.ndarray, solution: np.ndarray) -> None:
        """The unit is planned (``solution`` over ``columns``): its reserves become what it uses."""
        mine = self._unit == unit
        local = np.searchsorted(columns, self._col[mine])
        used = np.bincount(self._row[mine], weights=self._value[mine] * solution[local], minlength=len(self.rows))
        self._reserve(unit, used, used)

    def _reserve(self, unit: int, lower: np.ndarray, upper: np.ndarray) -> None:
        """Hold ``lower`` and ``upper`` of the shared rows for ``unit`` (nothing on rows it has no part in, or
        on sides a row does not have)."""
        mine = self.part[:, unit]
        self.reserve_upper[:, unit] = np.where(self.has_upper & mine, upper, 0.0)
        self.reserve_lower[:, unit] = np.where(self.has_lower & mine, lower, 0.0)


def _whole_shares(target: np.ndarray, available: float, sign: float) -> np.ndarray:
    """Whole shares near ``target`` adding up to at most ``available`` (``sign`` 1, an upper bound) or at least
    ``-available`` (``sign`` -1, a lower bound): each rounded towards the safe side, then the largest
    fractions given one more whole unit while the row allows."""
    flipped = sign * target
    base = np.floor(flipped + WHOLE_TOLERANCE)
    extra = int(np.floor(available + WHOLE_TOLERANCE) - base.sum())
    if extra > 0:
        order = np.argsort(-(flipped - base), kind="stable")[:extra]
        base[order] += 1.0
    return np.asarray(sign * base, dtype=np.float64)


#: Whole-number columns within this of a whole number count as whole.
WHOLE_TOLERANCE = 1e-6
#: Share of the plan's gap limit each unit's own whole-number model may leave open.
UNIT_GAP_SHARE = 0.2
#: Most threads planning units at once (each unit's model is solved by HiGHS on one thread).
SPLIT_WORKERS = 4


def split_by_unit(
    units: UnitModels,
    x: np.ndarray,
    always_down: np.ndarray,
    deadline: float,
    gap: float,
    progress: Progress,
    earlier: np.ndarray | None = None,
) -> np.ndarray | None:
    """Whole numbers for every unit at once, each unit planned by its own small model within its share of the
    shared rows (see :class:`SharedRows`); ``None`` when some unit has no plan in time.

    First every unit is planned, in parallel, with its whole numbers next to its values in ``x``.  A unit with
    no such plan within its shares (its rows may need a whole person more somewhere) is planned again, one at
    a time, within the room the others left: next to its own LP under that room, then one more either way,
    then free.

    ``earlier`` is a whole-people plan that holds every row (the plan of the previous priority, whose objective
    is now a row held at its value): the shares come from it instead of ``x``, so each unit's part of it fits
    its shares, and a unit with no better plan keeps that part.
    """
    hm = units.hm
    shared = SharedRows(hm, units, x if earlier is None else earlier)
    names = list(units.columns_of)
    unit_gap = gap * UNIT_GAP_SHARE
    started = time.perf_counter()

    def first(name: str) -> np.ndarray | None:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return None
        limits = shared.share(units.unit_id[name])
        return units.plan(name, x, limits, "given", 0, always_down, unit_gap, min(UNIT_TIME_LIMIT_S, remaining))

    workers = max(1, min(SPLIT_WORKERS, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        plans = list(pool.map(first, names))
    plan = x.copy()
    failed = []
    for name, solution in zip(names, plans, strict=True):
        if solution is None:
            failed.append(name)
            continue
        plan[units.columns_of[name]] = solution
        shared.record(units.unit_id[name], units.columns_of[name], solution)
    progress(
        f"{len(names) - len(failed)} of {len(names)} units planned in whole people within their share of the "
        f"company-wide limits ({time.perf_counter() - started:.1f} s)"
    )
    # One at a time, each with all the room the others left: shared out, whole people would be lost.
    for name in failed:
        uid, cols = units.unit_id[name], units.columns_of[name]
        solution = None
        for around, widen in (("lp", 0), ("given", 1), (None, 0)):
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return None
            solution = units.plan(
                name, x, shared.claim(uid), around, widen, always_down, unit_gap, min(UNIT_TIME_LIMIT_S, remaining)
            )
            if solution is not None:
                break
            shared.release(uid)
        if solution is None and earlier is not None:
            solution = earlier[cols]
        if solution is None:
            return None
        shared.record(uid, cols, solution)
        plan[cols] = solution
    if failed:
        progress(
            f"{len(failed)} units re-planned within the room the others left ({time.perf_counter() - started:.1f} s)"
        )
    return plan


#: Seconds kept back from the deadline for the final LP after the unit-by-unit improvement.
IMPROVE_RESERVE_S = 2.0
#: Most seconds for one unit's whole-horizon model in the improvement pass.
UNIT_TIME_LIMIT_S = 1.0

#: Price of one unit of violation while rounding, as a multiple of the largest cost coefficient: high enough
#: that the LP never buys violation it can avoid.
ELASTIC_PENALTY_FACTOR = 1000.0

#: Periods whose whole numbers are rounded and fixed together before the model is re-solved: fewer re-solves
#: of a large model for a little rounding quality (docs/performance.md).
PERIODS_PER_STEP = 2
PERIODS_PER_STEP_LARGE = 4
#: Columns above which a plan counts as large for :data:`PERIODS_PER_STEP_LARGE`.
LARGE_MODEL_COLUMNS = 60_000

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
        # The culprit units are re-planned by their own small models with every other unit where the last
        # solve put it; no re-solve of the whole model is needed for that.
        hm.restore_bounds(cols[culprits])
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
    if deadline - time.perf_counter() > 0:
        hm.run(solver="simplex", presolve="off", time_limit=deadline - time.perf_counter())
    return cols, hm.values()


def relax_and_fix(
    model: PlanModel,
    hm: HighsModel,
    deadline: float,
    gap_limit: float,
    progress: Progress,
) -> HeuristicRun:
    """Run the heuristic on ``hm`` (objective already set); the plan's values come back in the run."""
    start = time.perf_counter()
    hm.restore_bounds(hm.integer_columns)
    hm.relax_integrality(True)
    # Relax-and-fix needs a basis to re-solve from: crossover.
    with _interior_point_progress(hm, progress):
        status = hm.run(
            solver="ipm",
            run_crossover="on",
            presolve="on",
            time_limit=max(deadline - time.perf_counter(), 1.0),
        )
    ms = highspy.HighsModelStatus
    lp_seconds = time.perf_counter() - start
    if status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        return HeuristicRun("infeasible", None, None, lp_seconds, 0.0, ())
    if status != ms.kOptimal:
        return HeuristicRun("no plan", None, None, lp_seconds, 0.0, ())
    bound = _lower_bound(hm)
    progress(f"LP bound {bound:,.0f} in {lp_seconds:.1f} s; rounding to whole people")
    fix_start = time.perf_counter()
    units_of = column_units(model, hm)
    unit_models = UnitModels(hm, units_of)
    x: np.ndarray | None = None
    unfixed: tuple[int, ...] = ()
    if unit_models.covers_whole_numbers:
        lp_basis = hm.basis()
        lp_values = hm.values()
        # A later priority: the plan of the one before holds every row, its objective included.
        earlier = hm.last_values if hm.last_values is not None and hm.broken_rows(hm.last_values) == 0 else None
        plan = split_by_unit(
            unit_models, lp_values, seat_columns(model, hm), deadline, gap_limit, progress, earlier=earlier
        )
        if plan is not None:
            x = _best_continuous(hm, plan, deadline)
        if x is None:
            progress("planning unit by unit did not settle every unit: fixing whole numbers period by period")
            hm.restore_bounds(hm.integer_columns)
            hm.set_basis(lp_basis)
    if x is None:
        x, unfixed = _fix_by_period(model, hm, unit_models, units_of, deadline, gap_limit, progress, start)
    if x is None:
        return HeuristicRun("no plan", None, bound, lp_seconds, time.perf_counter() - fix_start, unfixed)
    objective = _objective(hm, x)
    above = _above_bound(objective, bound)
    if above > gap_limit and not unfixed:
        progress(f"plan {objective:,.0f}, {above:.2%} above the bound: re-planning units one at a time")
        x = improve_units(unit_models, x, deadline, gap_limit / 10, progress)
        objective = _objective(hm, x)
    broken = hm.broken_rows(x)
    if broken:
        # A guard on the heuristic itself: never hand on a plan that breaks a limit.
        raise SolverFailure(
            f"The large-plan heuristic produced a plan that breaks {broken} limits, so it is not shown; "
            "this is a fault in rolemix, please report it."
        )
    hm.last_values = x
    gap = _above_bound(objective, bound)
    state = "optimal" if gap <= gap_limit + 1e-12 else "feasible"
    return HeuristicRun(state, objective, bound, lp_seconds, time.perf_counter() - fix_start, unfixed)


#: Seconds between progress messages while the LP bound is solved.
LP_PROGRESS_EVERY_S = 5.0


@contextmanager
def _interior_point_progress(hm: HighsModel, progress: Progress) -> Iterator[None]:
    """Say how the interior-point method is getting on, at most every :data:`LP_PROGRESS_EVERY_S` seconds: at
    the headline size the LP bound takes half a minute.  HiGHS's log goes to a callback, not the console."""
    started = time.perf_counter()
    said = [started]

    def on_log(event: highspy.HighsCallbackEvent) -> None:
        fields = event.message.split()
        # An iteration line: "iter primal-objective dual-objective primal-inf dual-inf gap seconds".
        if len(fields) != 7 or not fields[0].rstrip("*").isdigit():
            return
        try:
            gap = float(fields[5])
        except ValueError:  # another line of seven words (presolve's "4465 rows, 11085 cols, ...")
            return
        now = time.perf_counter()
        if now - said[0] >= LP_PROGRESS_EVERY_S:
            said[0] = now
            progress(
                f"LP bound: interior-point iteration {fields[0].rstrip('*')}, primal-dual gap {gap:.1e} "
                f"({now - started:.0f} s)"
            )

    highs = hm.highs
    highs.setOptionValue("log_to_console", False)
    highs.setOptionValue("output_flag", True)
    highs.cbLogging += on_log
    try:
        yield
    finally:
        highs.cbLogging -= on_log
        highs.setOptionValue("output_flag", False)


def seat_columns(model: PlanModel, hm: HighsModel) -> np.ndarray:
    """Flags the seat columns: seats never exceed the (fractional) people they are for, so rounding takes them
    down."""
    flags = np.zeros(len(hm.columns), dtype=bool)
    flags[[v.index for v in model.seats.values()]] = True
    return flags


def _best_continuous(hm: HighsModel, plan: np.ndarray, deadline: float) -> np.ndarray | None:
    """The plan's whole numbers fixed, the best values of everything else (headcount, hours, spending): an LP
    started from ``plan`` (HiGHS builds a basis from it: 0.4 s at 62,000 employees, where the same LP from
    scratch took 4.9 s).  ``plan`` itself when that LP does not finish; ``None`` if ``plan`` breaks a limit."""
    cols = hm.integer_columns
    hm.fix(cols, plan[cols])
    hm.highs.clearSolver()
    start = highspy.HighsSolution()
    start.col_value = plan.tolist()
    start.value_valid = True
    hm.highs.setSolution(start)
    status = hm.run(solver="simplex", presolve="on", time_limit=max(deadline - time.perf_counter(), 1.0))
    if status == highspy.HighsModelStatus.kOptimal:
        values = hm.values()
        if hm.broken_rows(values) == 0:
            return values
    return plan if hm.broken_rows(plan) == 0 else None


def _lower_bound(hm: HighsModel) -> float:
    """A proven lower bound from the LP: its dual objective when the interior-point method stopped short of a
    vertex, else the optimum."""
    info = hm.highs.getInfo()
    primal = float(info.objective_function_value)
    dual = getattr(info, "dual_objective_value", None)
    if dual is not None and dual == dual and abs(dual) < 1e300:
        return min(primal, float(dual))
    return primal


def _above_bound(objective: float, bound: float) -> float:
    """How far a plan's cost is above the bound, relative to the cost."""
    return (objective - bound) / max(abs(objective), 1e-9)


def _objective(hm: HighsModel, x: np.ndarray) -> float:
    return float(hm.current_cost @ x) + hm.objective_offset


def _fix_by_period(
    model: PlanModel,
    hm: HighsModel,
    unit_models: UnitModels,
    units_of: dict[int, str],
    deadline: float,
    gap_limit: float,
    progress: Progress,
    start: float,
) -> tuple[np.ndarray | None, tuple[int, ...]]:
    """Fix each period's whole numbers over the whole model, re-solving it from the last basis."""
    ms = highspy.HighsModelStatus
    x = hm.values()
    by_period = period_columns(model, hm)
    caps = _caps(model, hm)
    seat_flag = seat_columns(model, hm)
    unfixed: list[int] = []
    row_units = [
        {units_of[v.index] for v in row.constraint.expr if v.index in units_of}
        for row in model.policies
    ]
    row_units += [{unit} for _, unit in model.unit_rows]
    hm.add_elastic(
        [row.constraint for row in model.policies] + [row for row, _ in model.unit_rows],
        penalty=ELASTIC_PENALTY_FACTOR * max(1.0, float(np.abs(hm.costs()).max())),
    )
    hm.run(solver="simplex", presolve="off", time_limit=max(deadline - time.perf_counter(), 0.5))
    periods = sorted(by_period)
    step = PERIODS_PER_STEP_LARGE if len(hm.columns) > LARGE_MODEL_COLUMNS else PERIODS_PER_STEP
    for first in range(0, len(periods), step):
        block = periods[first : first + step]
        label = model.data.label(block[0]) + (f" to {model.data.label(block[-1])}" if len(block) > 1 else "")
        if time.perf_counter() >= deadline:
            progress(f"time limit reached while fixing {label}")
            return None, tuple(periods[first:])
        cols = np.concatenate([by_period[t] for t in block])
        values = round_period(x, cols, hm.upper, caps, seat_flag[cols])
        left, x = _fix_with_repair(hm, cols, values, row_units, units_of, deadline, unit_models, gap_limit)
        progress(
            f"{label}: "
            + ("whole numbers fixed" if len(left) == 0 else f"{len(left)} whole numbers left to branch-and-bound")
            + f" ({time.perf_counter() - start:.1f} s)"
        )
        if len(left):
            unfixed.extend(block)
    hm.close_elastic()
    status = hm.run(solver="simplex", presolve="off", time_limit=max(deadline - time.perf_counter(), 0.5))
    if not unfixed:
        return (hm.values() if status == ms.kOptimal else None), ()
    # Whole numbers of the periods rounding could not settle: branch-and-bound on what is left (its own bound
    # is conditional on the fixed periods; the LP bound stays the proven one).
    if deadline - time.perf_counter() < 1.0:
        return None, tuple(unfixed)
    progress(f"periods {unfixed} need branch-and-bound")
    hm.relax_integrality(False)
    hm.run(solver="choose", presolve="on", mip_rel_gap=gap_limit, time_limit=max(deadline - time.perf_counter(), 1.0))
    if hm.highs.getInfo().primal_solution_status != 2:
        return None, tuple(unfixed)
    return hm.values(), tuple(unfixed)
