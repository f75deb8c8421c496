"""The plan input: one frozen object that every reader produces and the model consumes.

Nothing here depends on pandas, openpyxl or PuLP.  Periods are numbered
``1..T``; period 0 is today.  Every per-period sequence is a tuple of length
``T`` indexed by ``t - 1``.  Rates are as entered (per year); the model derives
per-period rates from :attr:`Settings.periods_per_year`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

PeriodLength = Literal["month", "quarter", "year"]

PERIODS_PER_YEAR: dict[str, int] = {"month": 12, "quarter": 4, "year": 1}

#: Terms a priority objective may name, in the words of the Settings dropdown.
OBJECTIVE_TERMS: dict[str, str] = {
    "least cost": "cost",
    "fewest layoffs": "layoffs",
    "least unmet demand": "unmet",
}


@dataclass(frozen=True)
class Settings:
    """Run settings (Settings sheet)."""

    plan_name: str
    period_length: PeriodLength
    periods: int
    first_period: str
    currency: str = "USD"
    #: Priority order, e.g. ``("layoffs", "cost")``; single ``("cost",)`` is least cost.
    objective: tuple[str, ...] = ("cost",)
    priority_tolerance: float = 0.0
    whole_people: bool = True
    time_limit_s: float = 60.0
    gap: float = 0.001
    discount_rate: float = 0.0
    solver: str = "highs"

    @property
    def periods_per_year(self) -> int:
        return PERIODS_PER_YEAR[self.period_length]


@dataclass(frozen=True)
class Role:
    """A job family (Roles sheet). Money per year unless the name says otherwise."""

    name: str
    loaded_cost_per_year: float
    hours_per_period: float
    attrition_per_year: float
    first_year_attrition_per_year: float
    hiring_cost: float = 0.0
    hires_cap: float | None = None
    ramp_periods: int = 0
    ramp_productivity: float = 0.5
    severance: float = 0.0
    layoff_cap_share: float | None = None
    reduced_hours_cap: float = 0.0
    reduced_hours_fte: float = 0.5
    reduced_hours_cost_per_year: float = 0.0
    surplus_cost_per_year: float = 0.0


@dataclass(frozen=True)
class Unit:
    """An organisation unit: region x customer segment (Units sheet)."""

    name: str
    region: str
    segment: str


@dataclass(frozen=True)
class WorkType:
    """A kind of customer work (WorkTypes sheet)."""

    name: str
    description: str = ""
    unmet_penalty_per_hour: float = 0.0
    must_meet: bool = False


@dataclass(frozen=True)
class StartCohort:
    """Today's headcount of one role in one unit, aggregated from the Headcount sheet.

    ``cost_per_year`` is the count-weighted loaded cost of these people (the
    role's cost where no override was given); it applies to everyone of this
    role in this unit over the horizon.
    """

    role: str
    unit: str
    count: float
    under_one_year: float
    cost_per_year: float


@dataclass(frozen=True)
class Demand:
    """Hours of one kind of work asked for in one unit and period (Demand sheet)."""

    unit: str
    work_type: str
    period: int
    hours: float
    must_meet: bool
    unmet_penalty_per_hour: float


@dataclass(frozen=True)
class ReskillPath:
    """A way to retrain people from one role into another (ReskillPaths + PathSkills).

    ``eligible`` is ``None`` when the path has no skill minimums (everyone in
    the from-role may start); otherwise it maps unit name to the number of
    today's people in the from-role there who meet every minimum.
    """

    name: str
    from_role: str
    to_role: str
    cost_per_person: float = 0.0
    duration: int = 0
    completion_rate: float = 1.0
    non_completers: Literal["return", "leave"] = "return"
    seats_per_period: float | None = None
    cap_share_of_target: float | None = None
    #: Hours of the to-role's time (same unit) each person in training needs per period.
    coaching_hours: float = 0.0
    min_skills: tuple[tuple[str, float], ...] = ()
    eligible: tuple[tuple[str, float], ...] | None = None

    def eligible_in(self, unit: str) -> float | None:
        """People eligible in ``unit`` today, or ``None`` when everyone is."""
        if self.eligible is None:
            return None
        return dict(self.eligible).get(unit, 0.0)


@dataclass(frozen=True)
class ScopeRule:
    """A capacity source may take up to ``max_share`` of this work in this segment."""

    work_type: str
    segment: str
    max_share: float


@dataclass(frozen=True)
class ExternalSource:
    """AI agents, partners, contractors (Capacity + CapacityScope + Adoption).

    ``adoption`` has one share per period (1.0 where the Adoption sheet is silent).
    """

    name: str
    kind: str
    cost_per_unit: float
    hours_per_unit: float
    scope: tuple[ScopeRule, ...]
    adoption: tuple[float, ...]
    max_units: float | None = None
    existing_units: int = 0


@dataclass(frozen=True)
class Copilot:
    """An AI assistant that raises the capacity of seated people of one role."""

    name: str
    role: str
    seat_cost: float
    uplift: float
    adoption: tuple[float, ...]


@dataclass(frozen=True)
class Ratio:
    """In every unit of ``segment``: minimum <= headcount(role) / headcount(per_role) <= maximum."""

    segment: str
    role: str
    per_role: str
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Policy:
    """Company-wide limits (Policy, Budget and SegmentRules sheets).

    ``budget`` has one entry per period, ``None`` where there is no budget.
    ``min_human_share`` is a tuple of (segment, share) pairs.
    """

    budget: tuple[float | None, ...]
    layoff_cap_share: float | None = None
    layoff_cap_people: float | None = None
    surplus_cap: float | None = None
    min_human_share: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class PlanInput:
    """Everything the planning model needs, validated and frozen."""

    settings: Settings
    period_labels: tuple[str, ...]
    roles: tuple[Role, ...]
    units: tuple[Unit, ...]
    work_types: tuple[WorkType, ...]
    start: tuple[StartCohort, ...]
    demand: tuple[Demand, ...]
    #: (role, work type, effectiveness) for every pair above zero.
    effectiveness: tuple[tuple[str, str, float], ...]
    paths: tuple[ReskillPath, ...]
    sources: tuple[ExternalSource, ...]
    copilots: tuple[Copilot, ...]
    policy: Policy
    ratios: tuple[Ratio, ...] = ()
    #: Where the values came from: ``{"workbook": path, "workbook_sha256": ..., "scenario": ...}``.
    provenance: tuple[tuple[str, str], ...] = field(default=())

    @property
    def periods(self) -> int:
        return self.settings.periods

    def role(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(name)

    def unit(self, name: str) -> Unit:
        return self._units_by_name[name]

    @cached_property
    def _units_by_name(self) -> dict[str, Unit]:
        # Results sheets look a unit up for every row: tens of thousands of rows in large plans.
        return {unit.name: unit for unit in self.units}

    @property
    def segments(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for unit in self.units:
            seen.setdefault(unit.segment, None)
        return tuple(seen)
