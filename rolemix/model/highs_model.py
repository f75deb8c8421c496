"""Hand a built PuLP model to HiGHS in one call, keep it, and write values back.

PuLP's own HiGHS interface adds columns and rows one call at a time and
rebuilds the solver model on every solve.  Large plans need the model handed
over once (as arrays, through ``highspy.Highs.passModel``) and then changed in
place — bounds fixed, integrality relaxed, re-solved from the last basis —
which is what :class:`HighsModel` offers.  It uses only public PuLP objects
(variables, constraints, expressions) and the public highspy API.
"""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np
import pulp

from rolemix.errors import SolverFailure

INF = highspy.kHighsInf


class HighsModel:
    """A PuLP problem loaded into an in-process HiGHS instance.

    ``columns`` is the column order (PuLP variables); ``index`` maps a variable
    name to its column.  Rows follow the order of the problem's constraints.
    """

    def __init__(
        self, problem: pulp.LpProblem, integers: Sequence[pulp.LpVariable], threads: int | None = None
    ) -> None:
        self.problem = problem
        columns: list[pulp.LpVariable] = []
        index: dict[str, int] = {}
        for constraint in _constraints(problem):
            for var in constraint.keys():  # noqa: SIM118 - an LpConstraint, not a dict
                if var.name not in index:
                    index[var.name] = len(columns)
                    columns.append(var)
        for var in problem.objective.keys() if problem.objective is not None else ():
            if var.name not in index:
                index[var.name] = len(columns)
                columns.append(var)
        self.columns = columns
        self.index = index
        self.rows = _constraints(problem)
        self.highs = highspy.Highs()  # type: ignore[no-untyped-call]
        self.highs.setOptionValue("output_flag", False)
        if threads is not None:
            self.highs.setOptionValue("threads", threads)
        # Devex pricing: re-solves after fixing many bounds at the headline size took 24 s instead of 39 s with
        # the default dual steepest edge (docs/performance.md).
        self.highs.setOptionValue("simplex_dual_edge_weight_strategy", 1)
        self.slack_columns = np.zeros(0, dtype=np.int32)
        self.slack_owner = np.zeros(0, dtype=np.int64)
        self.elastic_rows = 0
        self.integer_columns = np.array(sorted(index[v.name] for v in integers if v.name in index), dtype=np.int32)
        self._pass(problem)

    def _pass(self, problem: pulp.LpProblem) -> None:
        n = len(self.columns)
        lower = np.array([-INF if v.lowBound is None else v.lowBound for v in self.columns], dtype=np.float64)
        upper = np.array([INF if v.upBound is None else v.upBound for v in self.columns], dtype=np.float64)
        cost = np.zeros(n)
        objective = problem.objective if problem.objective is not None else pulp.LpAffineExpression()
        for var, coef in objective.items():
            cost[self.index[var.name]] = coef
        starts = [0]
        indices: list[int] = []
        values: list[float] = []
        row_lower = np.empty(len(self.rows))
        row_upper = np.empty(len(self.rows))
        index = self.index
        for i, constraint in enumerate(self.rows):
            for var, coef in constraint.items():
                if coef != 0:
                    indices.append(index[var.name])
                    values.append(coef)
            starts.append(len(indices))
            row_lower[i], row_upper[i] = _row_bounds(constraint)
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = len(self.rows)
        lp.col_cost_ = cost
        lp.col_lower_ = lower
        lp.col_upper_ = upper
        lp.row_lower_ = row_lower
        lp.row_upper_ = row_upper
        lp.offset_ = float(objective.constant)
        matrix = lp.a_matrix_
        matrix.format_ = highspy.MatrixFormat.kRowwise
        matrix.num_col_ = n
        matrix.num_row_ = len(self.rows)
        matrix.start_ = np.array(starts, dtype=np.int32)
        matrix.index_ = np.array(indices, dtype=np.int32)
        matrix.value_ = np.array(values, dtype=np.float64)
        lp.a_matrix_ = matrix
        integrality = np.zeros(n, dtype=np.uint8)
        integrality[self.integer_columns] = 1
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if v else highspy.HighsVarType.kContinuous for v in integrality
        ]
        self.highs.passModel(lp)
        self.lower = lower
        self.upper = upper
        #: The bounds in force now (fixings included), and the matrix by rows, for sub-models.
        self.current_lower = lower.copy()
        self.current_upper = upper.copy()
        self.row_start = np.asarray(starts, dtype=np.int64)
        self.row_index = np.asarray(indices, dtype=np.int64)
        self.row_value = np.asarray(values, dtype=np.float64)
        self.row_lower = row_lower
        self.row_upper = row_upper
        self.integrality = integrality
        self.current_cost = cost
        self.objective_offset = float(objective.constant)
        #: The plan's values when a heuristic found it outside the solver (see rolemix.model.scale).
        self.last_values: np.ndarray | None = None

    # -- changes in place ------------------------------------------------------
    def set_objective(self, expression: pulp.LpAffineExpression) -> None:
        """Replace the objective (columns not in it get cost 0)."""
        cost = np.zeros(len(self.columns))
        for var, coef in expression.items():
            cost[self.index[var.name]] = coef
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

    def add_elastic(self, constraints: Sequence[pulp.LpConstraint], penalty: float) -> None:
        """Give each of ``constraints`` slack columns priced at ``penalty`` per unit of violation.

        An "at most" row gets a slack that lowers it, an "at least" row one that raises it, an equality both.
        With a penalty above every dual price the optimum uses no slack whenever the rows can hold, and
        where they cannot, the slacks show which rows gave way.  :meth:`close_elastic` removes the option.
        """
        row_of = {id(c): i for i, c in enumerate(self.rows)}
        first = self.highs.getNumCol()
        owners: list[int] = []
        for k, constraint in enumerate(constraints):
            row = row_of[id(constraint)]
            lower, upper = constraint.getLb(), constraint.getUb()
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

    def add_row(self, constraint: pulp.LpConstraint) -> None:
        """Add ``constraint`` (already in the PuLP problem) as a row, also to the row arrays that unit models and
        plan checks read."""
        idx = np.array([self.index[v.name] for v in constraint.keys()], dtype=np.int64)  # noqa: SIM118
        val = np.array(list(constraint.values()), dtype=np.float64)
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
        """Store column values in the PuLP variables (``varValue``) for result extraction."""
        col = values if values is not None else self.last_values if self.last_values is not None else self.values()
        for var, value in zip(self.columns, col.tolist(), strict=True):
            var.varValue = value


def _row_bounds(constraint: pulp.LpConstraint) -> tuple[float, float]:
    """The row's lower and upper bound, infinite where the constraint has none."""
    lb, ub = constraint.getLb(), constraint.getUb()
    return (-INF if lb is None else lb), (INF if ub is None else ub)


def _constraints(problem: pulp.LpProblem) -> list[pulp.LpConstraint]:
    """The problem's constraints in insertion order (the PuLP 4-style call, available in PuLP 3.3)."""
    return list(problem.constraints())
