"""Hand a built model to HiGHS in one call, keep it, and write values back.

The model's columns and rows (:mod:`rolemix.model.lp`) go over as arrays,
through ``highspy.Highs.passModel``, and the solver model is then changed in
place — bounds fixed, integrality relaxed, re-solved from the last basis —
which is what large plans need and what :class:`HighsModel` offers.  It uses
only the public highspy API.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import attrgetter

import highspy
import numpy as np

from rolemix.collector import collector_paused
from rolemix.errors import SolverFailure
from rolemix.model.lp import GE, LE, Expression, Problem, Row

INF = highspy.kHighsInf

_INDEX, _SENSE, _RHS = attrgetter("index"), attrgetter("sense"), attrgetter("rhs")


class HighsModel:
    """A model loaded into an in-process HiGHS instance.

    Column ``j`` of the solver is the model's column with ``index`` ``j``; rows follow the model's rows (rows
    added later with :meth:`add_row` go after them).  With ``mip`` false the whole-number columns go over as
    continuous (the LP relaxation).  ``devex`` picks devex pricing in the dual simplex, for models re-solved
    many times after bounds change (a whole-model solve keeps HiGHS's own choice).
    """

    def __init__(self, problem: Problem, threads: int | None = None, mip: bool = True, devex: bool = False) -> None:
        self.problem = problem
        self.columns = problem.columns
        self.rows = list(problem.rows)
        self.highs = highspy.Highs()  # type: ignore[no-untyped-call]
        self.highs.setOptionValue("output_flag", False)
        if threads is not None:
            self.highs.setOptionValue("threads", threads)
        if devex:
            # Re-solves after fixing many bounds at the headline size took 24 s instead of 39 s with the default
            # dual steepest edge (docs/performance.md).
            self.highs.setOptionValue("simplex_dual_edge_weight_strategy", 1)
        self.slack_columns = np.zeros(0, dtype=np.int32)
        self.slack_owner = np.zeros(0, dtype=np.int64)
        self.elastic_rows = 0
        self.integer_columns = np.array([c.index for c in self.columns if c.integer], dtype=np.int32)
        with collector_paused():
            self._pass(problem, mip)

    def _pass(self, problem: Problem, mip: bool) -> None:
        columns = self.columns
        n = len(columns)
        lower = np.array([-INF if c.lower is None else c.lower for c in columns], dtype=np.float64)
        upper = np.array([INF if c.upper is None else c.upper for c in columns], dtype=np.float64)
        cost = _costs(problem.objective, n)
        # Maps over the rows and terms rather than generators: 630,000 terms at the headline size.
        expressions = [row.expr for row in self.rows]
        lengths = np.fromiter(map(len, expressions), dtype=np.int64, count=len(expressions))
        starts = np.zeros(len(self.rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        indices = np.fromiter(
            map(_INDEX, chain.from_iterable(expressions)), dtype=np.int64, count=int(starts[-1])
        )
        values = np.fromiter(
            chain.from_iterable(map(dict.values, expressions)), dtype=np.float64, count=int(starts[-1])
        )
        sense = np.fromiter(map(_SENSE, self.rows), dtype=np.int64, count=len(self.rows))
        rhs = np.fromiter(map(_RHS, self.rows), dtype=np.float64, count=len(self.rows))
        row_lower = np.where(sense == LE, -INF, rhs).astype(np.float64, copy=False)
        row_upper = np.where(sense == GE, INF, rhs).astype(np.float64, copy=False)
        integrality = np.zeros(n, dtype=np.uint8)
        if mip:
            integrality[self.integer_columns] = 1
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = len(self.rows)
        lp.col_cost_ = cost
        lp.col_lower_ = lower
        lp.col_upper_ = upper
        lp.row_lower_ = row_lower
        lp.row_upper_ = row_upper
        lp.offset_ = float(problem.objective.constant)
        matrix = lp.a_matrix_
        matrix.format_ = highspy.MatrixFormat.kRowwise
        matrix.num_col_ = n
        matrix.num_row_ = len(self.rows)
        matrix.start_ = starts.astype(np.int32)
        matrix.index_ = indices.astype(np.int32)
        matrix.value_ = values
        lp.a_matrix_ = matrix
        if integrality.any():
            kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
            lp.integrality_ = [kinds[v] for v in integrality.tolist()]
        self.highs.passModel(lp)
        self.lower = lower
        self.upper = upper
        #: The bounds in force now (fixings included), and the matrix by rows, for sub-models.
        self.current_lower = lower.copy()
        self.current_upper = upper.copy()
        self.row_start = starts
        self.row_index = indices
        self.row_value = values
        self.row_lower = row_lower
        self.row_upper = row_upper
        self.integrality = integrality
        self.current_cost = cost
        self.objective_offset = float(problem.objective.constant)
        #: The model term the objective is (:meth:`PlanModel.term`), when set by name; ``None`` otherwise.
        self.objective_term: str | None = None
        #: The plan's values when a heuristic found it outside the solver (see rolemix.model.scale).
        self.last_values: np.ndarray | None = None

    # -- changes in place ------------------------------------------------------
    def set_objective(self, expression: Expression, term: str | None = None) -> None:
        """Replace the objective (columns not in it get cost 0); ``term`` names it when it is a model term."""
        cost = _costs(expression, len(self.columns))
        self.objective_term = term
        self.current_cost = cost
        self.objective_offset = float(expression.constant)
        self.highs.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        self.highs.changeObjectiveOffset(self.objective_offset)

    def row_activity(self, x: np.ndarray) -> np.ndarray:
        """Each original row's value at ``x`` (model columns only, slacks left out)."""
        products = self.row_value * x[self.row_index]
        sums = np.add.reduceat(products, self.row_start[:-1]) if len(products) else np.zeros(len(self.rows))
        # reduceat repeats the next value for empty rows: set those to zero.
        empty = self.row_start[:-1] == self.row_start[1:]
        sums[empty] = 0.0
        return sums

    def broken_rows(self, x: np.ndarray, tolerance: float = 1e-6) -> int:
        """How many rows or column bounds ``x`` breaks (relative tolerance)."""
        activity = self.row_activity(x)
        scale = np.maximum(1.0, np.abs(activity))
        rows = int(
            np.sum((activity < self.row_lower - tolerance * scale) | (activity > self.row_upper + tolerance * scale))
        )
        cols = int(
            np.sum(
                (x < self.lower - tolerance * np.maximum(1.0, np.abs(x)))
                | (x > self.upper + tolerance * np.maximum(1.0, np.abs(x)))
            )
        )
        return rows + cols

    def costs(self) -> np.ndarray:
        """Objective coefficients of the model's own columns."""
        return np.asarray(self.highs.getLp().col_cost_, dtype=np.float64)[: len(self.columns)]

    def relax_integrality(self, relax: bool = True) -> None:
        """Solve as an LP (``relax``) or as the MIP."""
        cols = self.integer_columns
        if len(cols):
            kind = np.zeros(len(cols), dtype=np.uint8) if relax else np.ones(len(cols), dtype=np.uint8)
            self.highs.changeColsIntegrality(len(cols), cols, kind)

    def _change_bounds(self, columns: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        # HiGHS refuses (with an error status, not an exception) an index set with repeats, and changes nothing.
        status = self.highs.changeColsBounds(len(columns), columns.astype(np.int32), lower, upper)
        if status == highspy.HighsStatus.kError:
            raise SolverFailure(
                "HiGHS refused a change of column bounds; this is a fault in rolemix, please report it."
            )

    def fix(self, columns: np.ndarray, values: np.ndarray) -> None:
        """Fix ``columns`` at ``values`` (both bounds)."""
        if len(columns):
            self._change_bounds(columns, values, values)
            self.current_lower[columns] = values
            self.current_upper[columns] = values

    def restore_bounds(self, columns: np.ndarray) -> None:
        if len(columns):
            self._change_bounds(columns, self.lower[columns], self.upper[columns])
            self.current_lower[columns] = self.lower[columns]
            self.current_upper[columns] = self.upper[columns]

    def add_elastic(self, constraints: Sequence[Row], penalty: float) -> None:
        """Give each of ``constraints`` slack columns priced at ``penalty`` per unit of violation.

        An "at most" row gets a slack that lowers it, an "at least" row one that raises it, an equality both.
        With a penalty above every dual price the optimum uses no slack whenever the rows can hold, and
        where they cannot, the slacks show which rows gave way.  :meth:`close_elastic` removes the option.
        """
        first = self.highs.getNumCol()
        owners: list[int] = []
        for k, constraint in enumerate(constraints):
            row = constraint.index
            lower, upper = constraint.lower, constraint.upper
            signs = (-1.0,) if lower is None else (1.0,) if upper is None else (1.0, -1.0)
            for sign in signs:
                self.highs.addCol(penalty, 0.0, INF, 1, np.array([row], dtype=np.int32), np.array([sign]))
                owners.append(k)
        self.slack_columns = np.arange(first, self.highs.getNumCol(), dtype=np.int32)
        #: For each slack column, the position of its constraint in the list given.
        self.slack_owner = np.array(owners, dtype=np.int64)
        self.elastic_rows = len(constraints)

    def violations(self) -> np.ndarray:
        """Violation of each elastic row in the current solution, in the order given to :meth:`add_elastic`."""
        values = np.asarray(self.highs.getSolution().col_value, dtype=np.float64)[self.slack_columns]
        result = np.zeros(self.elastic_rows)
        np.add.at(result, self.slack_owner, values)
        return result

    def close_elastic(self) -> None:
        """Fix every slack at zero: the rows hold again."""
        slacks = self.slack_columns
        if len(slacks):
            zeros = np.zeros(len(slacks))
            self.highs.changeColsBounds(len(slacks), slacks, zeros, zeros)

    def add_row(self, constraint: Row) -> None:
        """Add ``constraint`` (just added to the model, so it is the next row) as a row, also to the row arrays
        that unit models and plan checks read."""
        if constraint.index != len(self.rows):
            raise ValueError(f"row {constraint.name} is not the model's next row")
        idx = np.fromiter((c.index for c in constraint.expr), dtype=np.int64, count=len(constraint.expr))
        val = np.fromiter(constraint.expr.values(), dtype=np.float64, count=len(constraint.expr))
        lower, upper = _row_bounds(constraint)
        self.highs.addRow(lower, upper, len(idx), idx.astype(np.int32), val)
        self.rows.append(constraint)
        self.row_start = np.append(self.row_start, self.row_start[-1] + len(idx))
        self.row_index = np.concatenate([self.row_index, idx])
        self.row_value = np.concatenate([self.row_value, val])
        self.row_lower = np.append(self.row_lower, lower)
        self.row_upper = np.append(self.row_upper, upper)

    def basis(self) -> highspy.HighsBasis:
        """The current simplex basis (to come back to after a failed trial)."""
        return self.highs.getBasis()

    def set_basis(self, basis: highspy.HighsBasis) -> None:
        self.highs.setBasis(basis)

    def run(self, **options: bool | int | float | str) -> highspy.HighsModelStatus:
        """Solve with ``options``; ``time_limit`` is seconds from now (HiGHS counts from its first run)."""
        if "time_limit" in options:
            options["time_limit"] = self.highs.getRunTime() + float(options["time_limit"])
        for key, value in options.items():
            self.highs.setOptionValue(key, value)
        self.highs.run()
        return self.highs.getModelStatus()

    def values(self) -> np.ndarray:
        """Values of the model's own columns (slack columns left out)."""
        return np.asarray(self.highs.getSolution().col_value, dtype=np.float64)[: len(self.columns)]

    def write_back(self, values: np.ndarray | None = None) -> None:
        """Store column values in the model's columns for result extraction."""
        col = values if values is not None else self.last_values if self.last_values is not None else self.values()
        for column, value in zip(self.columns, col.tolist(), strict=True):
            column.value = value

    def write_duals(self) -> None:
        """Store the solution's row duals in the model's rows (marginal values)."""
        duals = self.highs.getSolution().row_dual
        for row, dual in zip(self.rows, list(duals)[: len(self.rows)], strict=True):
            row.dual = dual


def _costs(expression: Expression, n: int) -> np.ndarray:
    """The objective coefficient of each of ``n`` columns (0 for columns not in ``expression``)."""
    cost = np.zeros(n)
    if expression:
        cost[np.fromiter((c.index for c in expression), dtype=np.int64, count=len(expression))] = np.fromiter(
            expression.values(), dtype=np.float64, count=len(expression)
        )
    return cost


def _row_bounds(constraint: Row) -> tuple[float, float]:
    """The row's lower and upper bound, infinite where the constraint has none."""
    lb, ub = constraint.lower, constraint.upper
    return (-INF if lb is None else lb), (INF if ub is None else ub)
