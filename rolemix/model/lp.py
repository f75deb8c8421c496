"""The model's columns and rows: light objects that go to HiGHS as arrays.

A plan of 62,000 employees has about 190,000 columns and 77,000 rows.  PuLP's
modelling objects cost about 4 s to create at that size (a PuLP variable
hashes through a Python method, so every expression and constraint pays for
it per term), which alone broke the budget of what may be spent outside the
solver (docs/performance.md).  The model is therefore written with these
objects instead: a :class:`Column` hashes by identity (C speed in the
dictionaries that hold expressions), knows its position in the model, and a
:class:`Row` keeps its terms and bounds.  :class:`Problem` collects them in
order, so the hand-off to HiGHS is a few array copies
(:class:`rolemix.model.highs_model.HighsModel`).  The CBC solver bundled with
PuLP gets the same model through PuLP's public API (:meth:`Problem.to_pulp`).
"""

from __future__ import annotations

from collections.abc import Iterable
from math import isfinite

import pulp

#: Row senses, with PuLP's values.
LE, EQ, GE = -1, 0, 1


class Column:
    """A decision of the model: its position, name, bounds, whether it is a whole number, and its value."""

    __slots__ = ("index", "name", "lower", "upper", "integer", "value")

    def __init__(self, index: int, name: str, lower: float | None, upper: float | None, integer: bool) -> None:
        self.index = index
        self.name = name
        self.lower = lower
        self.upper = upper
        self.integer = integer
        #: The solved value (None until a solver has set it).
        self.value: float | None = None

    def __repr__(self) -> str:
        return self.name


class Expression(dict[Column, float]):
    """A linear expression: coefficients by column, plus a constant.

    Made as a dictionary is, ``Expression(terms)``, with the constant set afterwards where it is not 0: a
    constructor of its own made every expression (77,000 rows at the headline size) nearly three times as dear.
    """

    #: Set on the expression where it is not 0.
    constant: float = 0.0


class Row:
    """A constraint ``expression (sense) rhs``; ``rhs`` already has the expression's constant moved over."""

    __slots__ = ("index", "name", "expr", "sense", "rhs", "dual")

    def __init__(self, index: int, name: str, expr: Expression, sense: int, rhs: float) -> None:
        if not isfinite(rhs):
            raise ValueError(f"row {name}: the right-hand side must be a finite number, found {rhs}")
        self.index = index
        self.name = name
        self.expr = expr
        self.sense = sense
        self.rhs = rhs - expr.constant
        #: The row's dual value after a solve that gives one (the LP's marginal value).
        self.dual: float | None = None

    @property
    def lower(self) -> float | None:
        """The least the row's terms may add up to (None: no lower bound)."""
        return self.rhs if self.sense in (GE, EQ) else None

    @property
    def upper(self) -> float | None:
        """The most the row's terms may add up to (None: no upper bound)."""
        return self.rhs if self.sense in (LE, EQ) else None

    def items(self) -> Iterable[tuple[Column, float]]:
        return self.expr.items()

    def __repr__(self) -> str:
        return self.name


class Problem:
    """A minimisation model: columns and rows in the order they were added, and an objective."""

    def __init__(self) -> None:
        self.columns: list[Column] = []
        self.rows: list[Row] = []
        self.objective = Expression()

    def add_column(
        self, name: str, lower: float | None = 0.0, upper: float | None = None, integer: bool = False
    ) -> Column:
        column = Column(len(self.columns), name, lower, upper, integer)
        self.columns.append(column)
        return column

    def add_row(self, name: str, expr: Expression, sense: int, rhs: float) -> Row:
        row = Row(len(self.rows), name, expr, sense, rhs)
        self.rows.append(row)
        return row

    def set_objective(self, expr: Expression) -> None:
        self.objective = expr

    def to_pulp(self, mip: bool = True) -> tuple[pulp.LpProblem, list[pulp.LpVariable], list[pulp.LpConstraint]]:
        """The same model as a PuLP problem (for the CBC solver); variables and constraints in model order.

        With ``mip`` false every column is continuous (the LP relaxation)."""
        problem = pulp.LpProblem("rolemix_plan", pulp.LpMinimize)
        variables = [
            problem.add_variable(
                column.name,
                lowBound=column.lower,
                upBound=column.upper,
                cat=pulp.LpInteger if column.integer and mip else pulp.LpContinuous,
            )
            for column in self.columns
        ]
        constraints = []
        for row in self.rows:
            expression = pulp.LpAffineExpression([(variables[c.index], coef) for c, coef in row.items()])
            constraint = pulp.LpConstraint(expression, sense=row.sense, rhs=row.rhs, name=row.name)
            problem.addConstraint(constraint)
            constraints.append(constraint)
        problem.setObjective(
            pulp.LpAffineExpression(
                [(variables[c.index], coef) for c, coef in self.objective.items()], constant=self.objective.constant
            )
        )
        return problem, variables, constraints
