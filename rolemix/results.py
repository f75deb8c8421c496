"""Solved plans as plain data: extracted once from the model, formatted by writers.

Nothing here depends on PuLP, pandas or openpyxl.  Periods are numbered
``1..T`` as in :mod:`rolemix.inputs`; every quantity of people is an expected
value (headcount after expected attrition), every amount is undiscounted money
in the workbook's currency unless its name says ``discounted``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rolemix.inputs import PlanInput

#: ``optimal``: proven within the gap limit. ``feasible``: a plan, not proven
#: within the gap limit (time limit reached). ``infeasible``: the limits cannot
#: all hold. ``no plan``: the time limit ran out before any plan was found.
#: ``unbounded`` and ``error``: the model or the solver failed.
Status = Literal["optimal", "feasible", "infeasible", "no plan", "unbounded", "error"]

#: The cost components, in the order they are shown everywhere.
COST_COMPONENTS: tuple[str, ...] = (
    "salaries",
    "hiring",
    "severance",
    "training",
    "external",
    "copilots",
    "reduced_hours",
    "surplus",
    "unmet_penalty",
)

COST_LABELS: dict[str, str] = {
    "salaries": "Salaries",
    "hiring": "Hiring",
    "severance": "Severance",
    "training": "Training",
    "external": "AI and external capacity",
    "copilots": "Copilot seats",
    "reduced_hours": "Reduced hours",
    "surplus": "Surplus staff",
    "unmet_penalty": "Lost revenue (unmet demand)",
}


@dataclass(frozen=True)
class StageOutcome:
    """One stage of a priority objective (a single stage for least cost)."""

    term: str  # "cost", "layoffs" or "unmet"
    status: Status
    objective: float | None
    bound: float | None
    gap: float | None
    runtime_s: float


@dataclass(frozen=True)
class SolveOutcome:
    """How the solve ended; travels with every result.

    ``objective`` and ``bound`` are those of the last stage (total discounted
    cost for least cost); ``gap`` is ``(objective - bound) / |objective|``.
    """

    status: Status
    termination: str
    objective: float | None
    bound: float | None
    gap: float | None
    runtime_s: float
    solver: str
    solver_version: str
    pulp_version: str
    whole_people: bool
    time_limit_s: float
    gap_limit: float
    priorities: tuple[str, ...]
    stages: tuple[StageOutcome, ...] = ()
    message: str = ""
    #: Seconds per phase of the run: build, hand-off, solve, read back, explain.
    phases: tuple[tuple[str, float], ...] = ()
    #: How the plan was found: ``mip`` (branch-and-bound) or ``relax-and-fix`` (large plans).
    strategy: str = "mip"

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")

    def in_words(self) -> str:
        """The outcome in one sentence a planner can read."""
        if self.status == "optimal":
            gap = f" (proven within {self.gap:.2%} of the best possible)" if self.gap is not None else ""
            return f"Optimal plan{gap}."
        if self.status == "feasible":
            gap = f"{self.gap:.2%}" if self.gap is not None else "an unknown share"
            return (
                f"Plan found but not proven optimal: the solver stopped ({self.termination}) "
                f"with the plan at most {gap} above the best possible."
            )
        if self.status == "infeasible":
            return "No plan satisfies all the limits in the workbook."
        if self.status == "no plan":
            return f"No plan was found within the time limit of {self.time_limit_s:g} s."
        return f"The solver failed: {self.message or self.termination}."


@dataclass(frozen=True)
class PlanRow:
    """One role in one unit in one period (the Plan sheet).

    ``end = start - attrition + hires_retained - layoffs - reskilled_out
    + reskilled_in + returned`` where ``hires_retained = hires x (1 -
    first-year attrition per period)`` and ``attrition`` is the expected number
    of leavers among the people present at the start.
    """

    role: str
    unit: str
    period: int
    start: float
    attrition: float
    hires: float
    hires_retained: float
    layoffs: float
    reskilled_out: float
    reskilled_in: float
    returned: float
    in_training: float
    end: float
    ramping: float
    reduced_hours: float
    copilot_seats: float
    capacity_hours: float
    allocated_hours: float
    surplus_fte: float
    salary_cost: float
    cost: float


@dataclass(frozen=True)
class CoverageRow:
    """One unit, work type and period (the Coverage sheet).

    ``served_by_role`` holds demand hours covered (effectiveness x hours spent);
    ``demand = sum(served_by_role) + sum(served_by_source) + unmet``.
    """

    unit: str
    work_type: str
    period: int
    demand: float
    served_by_role: tuple[tuple[str, float], ...]
    served_by_source: tuple[tuple[str, float], ...]
    unmet: float
    must_meet: bool


@dataclass(frozen=True)
class ReskillRow:
    """One path in one unit in one period (the Reskilling sheet)."""

    path: str
    unit: str
    period: int
    started: float
    completed: float
    returned: float
    left: float
    in_training: float
    training_cost: float


@dataclass(frozen=True)
class SourceRow:
    """One capacity source in one unit and period."""

    source: str
    unit: str
    period: int
    units: float
    hours_available: float
    hours_served: float
    cost: float


@dataclass(frozen=True)
class PeriodCost:
    """Undiscounted cost of one period by component (see :data:`COST_COMPONENTS`)."""

    period: int
    salaries: float
    hiring: float
    severance: float
    training: float
    external: float
    copilots: float
    reduced_hours: float
    surplus: float
    unmet_penalty: float
    discount_factor: float

    @property
    def total(self) -> float:
        return float(sum(getattr(self, name) for name in COST_COMPONENTS))


@dataclass(frozen=True)
class BindingLimit:
    """A limit that shapes the plan, with its marginal value.

    ``marginal_value`` is the change in total (discounted) cost from relaxing
    the limit by one of its own units, from the LP with whole-number decisions
    fixed; ``sentence`` says it in planner words.
    """

    family: str
    period: int | None
    subject: str
    marginal_value: float
    sentence: str


@dataclass(frozen=True)
class PlanResult:
    """A solved plan: outcome plus every row the writers show."""

    plan_input: PlanInput
    outcome: SolveOutcome
    plan: tuple[PlanRow, ...] = ()
    coverage: tuple[CoverageRow, ...] = ()
    reskilling: tuple[ReskillRow, ...] = ()
    sources: tuple[SourceRow, ...] = ()
    costs: tuple[PeriodCost, ...] = ()
    binding: tuple[BindingLimit, ...] = ()

    @property
    def total_cost(self) -> float:
        """Undiscounted total cost over the horizon."""
        return sum(cost.total for cost in self.costs)

    @property
    def total_hires(self) -> float:
        return sum(row.hires for row in self.plan)

    @property
    def total_layoffs(self) -> float:
        return sum(row.layoffs for row in self.plan)

    @property
    def total_reskilled(self) -> float:
        return sum(row.started for row in self.reskilling)

    @property
    def unmet_hours(self) -> float:
        return sum(row.unmet for row in self.coverage)

    @property
    def demand_hours(self) -> float:
        return sum(row.demand for row in self.coverage)

    @property
    def external_hours(self) -> float:
        return sum(hours for row in self.coverage for _, hours in row.served_by_source)

    def end_headcount(self) -> dict[str, float]:
        """Headcount per role at the end of the last period."""
        last = self.plan_input.periods
        totals: dict[str, float] = {role.name: 0.0 for role in self.plan_input.roles}
        for row in self.plan:
            if row.period == last:
                totals[row.role] += row.end
        return totals

    def start_headcount(self) -> dict[str, float]:
        """Headcount per role today."""
        totals: dict[str, float] = {role.name: 0.0 for role in self.plan_input.roles}
        for cohort in self.plan_input.start:
            totals[cohort.role] += cohort.count
        return totals
