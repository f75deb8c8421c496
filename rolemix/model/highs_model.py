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

INF = highspy.kHighsInf


class HighsModel:
    """A PuLP problem loaded into an in-process HiGHS instance.

    ``columns`` is the column order (PuLP variables); ``index`` maps a variable
    name to its column.  Rows follow the order of the problem's constraints.
    """

    def __init__(self, problem: pulp.LpProblem, integers: Sequence[pulp.LpVariable], threads: int | None = None) -> None:
        self.problem = problem
        columns: list[pulp.LpVariable] = []
        index: dict[str, int] = {}
        for constraint in _constraints(problem):
            for var in constraint.keys():
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
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        if threads is not None:
            self.highs.setOptionValue("threads", threads)
        self.slack_columns = np.zeros(0, dtype=np.int32)
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
            lb, ub = constraint.getLb(), constraint.getUb()
            row_lower[i] = -INF if lb is None else lb
            row_upper[i] = INF if ub is None else ub
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
        lp.integrality_ = [highspy.HighsVarType.kInteger if v else highspy.HighsVarType.kContinuous for v in integrality]
        self.highs.passModel(lp)
        self.lower = lower
        self.upper = upper

    # -- changes in place ------------------------------------------------------
    def set_objective(self, expression: pulp.LpAffineExpression) -> None:
        """Replace the objective (columns not in it get cost 0)."""
        cost = np.zeros(len(self.columns))
        for var, coef in expression.items():
            cost[self.index[var.name]] = coef
        self.highs.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        self.highs.changeObjectiveOffset(float(expression.constant))

    def relax_integrality(self, relax: bool = True) -> None:
        """Solve as an LP (``relax``) or as the MIP."""
        cols = self.integer_columns
        if len(cols):
            kind = np.zeros(len(cols), dtype=np.uint8) if relax else np.ones(len(cols), dtype=np.uint8)
            self.highs.changeColsIntegrality(len(cols), cols, kind)

    def fix(self, columns: np.ndarray, values: np.ndarray) -> None:
        """Fix ``columns`` at ``values`` (both bounds)."""
        if len(columns):
            self.highs.changeColsBounds(len(columns), columns.astype(np.int32), values, values)

    def restore_bounds(self, columns: np.ndarray) -> None:
        if len(columns):
            self.highs.changeColsBounds(len(columns), columns.astype(np.int32), self.lower[columns], self.upper[columns])

    def add_elastic(self, constraints: Sequence[pulp.LpConstraint]) -> np.ndarray:
        """Give each of ``constraints`` a slack column (fixed at 0 until :meth:`least_violation` frees them).

        Returns the slack columns, one per constraint, in order.
        """
        row_of = {id(c): i for i, c in enumerate(self.rows)}
        first = self.highs.getNumCol()
        for constraint in constraints:
            row = row_of[id(constraint)]
            # A slack that moves the row towards feasibility: -1 on "at most" rows, +1 on "at least" rows.
            # (equality rows are demand that must be met: the slack stands for hours left unmet).
            sign = -1.0 if constraint.getUb() is not None and constraint.getLb() is None else 1.0
            self.highs.addCol(0.0, 0.0, 0.0, 1, np.array([row], dtype=np.int32), np.array([sign]))
        self.slack_columns = np.arange(first, self.highs.getNumCol(), dtype=np.int32)
        return self.slack_columns

    def least_violation(self) -> np.ndarray | None:
        """Solve for the least total violation of the elastic rows; the slacks (``None`` when even that fails).

        Costs and slack bounds are restored afterwards.
        """
        n = self.highs.getNumCol()
        lp = self.highs.getLp()
        saved = np.asarray(lp.col_cost_, dtype=np.float64).copy()
        offset = lp.offset_
        slacks = self.slack_columns
        cost = np.zeros(n)
        cost[slacks] = 1.0
        all_cols = np.arange(n, dtype=np.int32)
        self.highs.changeColsCost(n, all_cols, cost)
        self.highs.changeObjectiveOffset(0.0)
        self.highs.changeColsBounds(len(slacks), slacks, np.zeros(len(slacks)), np.full(len(slacks), INF))
        status = self.run(solver="simplex", presolve="off")
        result = None
        if status == highspy.HighsModelStatus.kOptimal:
            result = np.asarray(self.highs.getSolution().col_value, dtype=np.float64)[slacks]
        self.highs.changeColsBounds(len(slacks), slacks, np.zeros(len(slacks)), np.zeros(len(slacks)))
        self.highs.changeColsCost(n, all_cols, saved)
        self.highs.changeObjectiveOffset(offset)
        return result

    def add_row(self, expression: pulp.LpAffineExpression, lower: float, upper: float) -> None:
        """Add a row ``lower <= expression <= upper``."""
        idx = np.array([self.index[v.name] for v in expression.keys()], dtype=np.int32)
        val = np.array(list(expression.values()), dtype=np.float64)
        self.highs.addRow(lower - expression.constant, upper - expression.constant, len(idx), idx, val)

    def run(self, **options: object) -> highspy.HighsModelStatus:
        for key, value in options.items():
            self.highs.setOptionValue(key, value)
        self.highs.run()
        return self.highs.getModelStatus()

    def values(self) -> np.ndarray:
        """Values of the model's own columns (slack columns left out)."""
        return np.asarray(self.highs.getSolution().col_value, dtype=np.float64)[: len(self.columns)]

    def write_back(self, values: np.ndarray | None = None) -> None:
        """Store column values in the PuLP variables (``varValue``) for result extraction."""
        col = self.values() if values is None else values
        for var, value in zip(self.columns, col.tolist(), strict=True):
            var.varValue = value


def _constraints(problem: pulp.LpProblem) -> list[pulp.LpConstraint]:
    """The problem's constraints in insertion order (the PuLP 4-style call, available in PuLP 3.3)."""
    return list(problem.constraints())
