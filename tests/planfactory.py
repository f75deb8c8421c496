"""Small hand-made plan inputs for model tests (no workbook involved)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rolemix.inputs import (
    Copilot,
    Demand,
    ExternalSource,
    PlanInput,
    Policy,
    Ratio,
    ReskillPath,
    Role,
    ScopeRule,
    Settings,
    StartCohort,
    Unit,
    WorkType,
)


def role(name: str = "Seller", **kw: Any) -> Role:
    """A role with no attrition, 100 productive hours a period and round costs."""
    values: dict[str, Any] = dict(
        loaded_cost_per_year=1200.0,
        hours_per_period=100.0,
        attrition_per_year=0.0,
        first_year_attrition_per_year=0.0,
        hiring_cost=0.0,
        severance=0.0,
        ramp_periods=0,
    )
    values.update(kw)
    return Role(name=name, **values)


def plan(
    *,
    roles: tuple[Role, ...] = (),
    units: tuple[Unit, ...] = (Unit("North", "North", "SMB"),),
    work_types: tuple[WorkType, ...] = (WorkType("sales", unmet_penalty_per_hour=1000.0),),
    start: tuple[StartCohort, ...] = (),
    demand: dict[tuple[str, str, int], float] | None = None,
    must_meet: bool = False,
    effectiveness: tuple[tuple[str, str, float], ...] | None = None,
    periods: int = 1,
    period_length: str = "year",
    paths: tuple[ReskillPath, ...] = (),
    sources: tuple[ExternalSource, ...] = (),
    copilots: tuple[Copilot, ...] = (),
    ratios: tuple[Ratio, ...] = (),
    budget: tuple[float | None, ...] | None = None,
    policy: dict[str, Any] | None = None,
    **settings: Any,
) -> PlanInput:
    """A plan input with sensible small defaults; every argument overrides one part."""
    roles = roles or (role(),)
    labels = {
        "year": tuple(str(2027 + i) for i in range(periods)),
        "quarter": tuple(f"{2027 + i // 4}-Q{i % 4 + 1}" for i in range(periods)),
        "month": tuple(f"{2027 + i // 12}-{i % 12 + 1:02d}" for i in range(periods)),
    }[period_length]
    penalty = {w.name: w.unmet_penalty_per_hour for w in work_types}
    rows = demand or {}
    demand_rows = tuple(
        Demand(u, w, t, hours, must_meet or next(x.must_meet for x in work_types if x.name == w), penalty[w])
        for (u, w, t), hours in rows.items()
    )
    if effectiveness is None:
        effectiveness = tuple((r.name, w.name, 1.0) for r in roles for w in work_types)
    base_settings = Settings(
        plan_name="test",
        period_length=period_length,  # type: ignore[arg-type]
        periods=periods,
        first_period=labels[0],
        whole_people=True,
        time_limit_s=30.0,
        gap=0.0,
    )
    return PlanInput(
        settings=replace(base_settings, **settings),
        period_labels=labels,
        roles=roles,
        units=units,
        work_types=work_types,
        start=start,
        demand=demand_rows,
        effectiveness=effectiveness,
        paths=paths,
        sources=sources,
        copilots=copilots,
        policy=Policy(budget=budget or (None,) * periods, **(policy or {})),
        ratios=ratios,
    )


def cohort(role_name: str, unit: str, count: float, cost: float = 1200.0, under_one_year: float = 0.0) -> StartCohort:
    return StartCohort(role_name, unit, count, under_one_year, cost)


def source(
    name: str = "Agent",
    *,
    share: float = 1.0,
    segment: str = "SMB",
    work: str = "sales",
    adoption: tuple[float, ...] = (1.0,),
    **kw: Any,
) -> ExternalSource:
    values: dict[str, Any] = dict(kind="AI agent", cost_per_unit=100.0, hours_per_unit=100.0)
    values.update(kw)
    return ExternalSource(name=name, scope=(ScopeRule(work, segment, share),), adoption=adoption, **values)
