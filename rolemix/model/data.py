"""Numbers the model needs, derived once from the plan input (per-period rates, lookups)."""

from __future__ import annotations

from dataclasses import dataclass

from rolemix.inputs import Demand, PlanInput, ReskillPath, Role


def per_period_rate(rate_per_year: float, periods_per_year: int) -> float:
    """The per-period rate that compounds to ``rate_per_year`` over a year.

    ``1 - (1 - rate)^(1/periods per year)``: 12 % a year is 3.15 % a quarter.
    """
    return float(1.0 - (1.0 - rate_per_year) ** (1.0 / periods_per_year))


@dataclass(frozen=True)
class ModelData:
    """Indexed view of a :class:`PlanInput` for model building.

    Keys are names (role, unit, work type, path, source, copilot) and periods ``1..T``.
    """

    plan_input: PlanInput
    periods: tuple[int, ...]
    periods_per_year: int
    roles: dict[str, Role]
    units: tuple[str, ...]
    segment_of: dict[str, str]
    attrition: dict[str, float]
    first_year_attrition: dict[str, float]
    start_count: dict[tuple[str, str], float]
    start_under_one_year: dict[tuple[str, str], float]
    cost_per_year: dict[tuple[str, str], float]
    demand: dict[tuple[str, str, int], Demand]
    effectiveness: dict[tuple[str, str], float]
    paths: tuple[ReskillPath, ...]
    discount: dict[int, float]

    @classmethod
    def from_input(cls, plan_input: PlanInput) -> ModelData:
        settings = plan_input.settings
        ppy = settings.periods_per_year
        roles = {role.name: role for role in plan_input.roles}
        units = tuple(unit.name for unit in plan_input.units)
        start_count: dict[tuple[str, str], float] = {}
        under: dict[tuple[str, str], float] = {}
        cost: dict[tuple[str, str], float] = {}
        for cohort in plan_input.start:
            start_count[cohort.role, cohort.unit] = cohort.count
            under[cohort.role, cohort.unit] = cohort.under_one_year
            cost[cohort.role, cohort.unit] = cohort.cost_per_year
        for role in plan_input.roles:
            for unit in units:
                cost.setdefault((role.name, unit), role.loaded_cost_per_year)
        periods = tuple(range(1, settings.periods + 1))
        return cls(
            plan_input=plan_input,
            periods=periods,
            periods_per_year=ppy,
            roles=roles,
            units=units,
            segment_of={unit.name: unit.segment for unit in plan_input.units},
            attrition={name: per_period_rate(r.attrition_per_year, ppy) for name, r in roles.items()},
            first_year_attrition={
                name: per_period_rate(r.first_year_attrition_per_year, ppy) for name, r in roles.items()
            },
            start_count=start_count,
            start_under_one_year=under,
            cost_per_year=cost,
            demand={(d.unit, d.work_type, d.period): d for d in plan_input.demand},
            effectiveness={(r, w): e for r, w, e in plan_input.effectiveness if e > 0},
            paths=plan_input.paths,
            discount={t: (1.0 + settings.discount_rate) ** (-(t - 1) / ppy) for t in periods},
        )

    def label(self, period: int) -> str:
        """Planner-facing label of ``period`` (``"today"`` for 0)."""
        return "today" if period == 0 else self.plan_input.period_labels[period - 1]

    def start_attrition(self, role: str, unit: str) -> float:
        """Expected leavers in period 1 among today's people (first-year rate for those under a year)."""
        count = self.start_count.get((role, unit), 0.0)
        young = self.start_under_one_year.get((role, unit), 0.0)
        return (count - young) * self.attrition[role] + young * self.first_year_attrition[role]
