"""Read a solved model once into plain result rows (no model objects leave this module)."""

from __future__ import annotations

from collections import defaultdict

from rolemix.collector import collector_paused
from rolemix.inputs import Copilot
from rolemix.model.build import PlanModel, ramping_pairs, training_pool
from rolemix.model.lp import Column
from rolemix.results import (
    CoverageRow,
    PeriodCost,
    PlanResult,
    PlanRow,
    ReskillRow,
    SolveOutcome,
    SourceRow,
)

#: Values this close to a whole number are snapped to it (solver round-off).
SNAP = 1e-6


def _value(var: Column | None) -> float:
    """A column's value; whole-number decisions are snapped to their whole number (solver round-off)."""
    if var is None or var.value is None:
        return 0.0
    value = float(var.value)
    if var.integer:
        nearest = round(value)
        if abs(value - nearest) <= SNAP:
            return float(nearest)
    return value


def _sum(pairs: list[tuple[Column, float]]) -> float:
    return sum(_value(v) * c for v, c in pairs)


def extract_result(model: PlanModel, outcome: SolveOutcome) -> PlanResult:
    """Every row of the plan, computed from variable values with the model's own accounting."""
    with collector_paused():  # tens of thousands of rows at the headline size, no cycles among them
        return _extract(model, outcome)


def _extract(model: PlanModel, outcome: SolveOutcome) -> PlanResult:
    d = model.data
    ppy = d.periods_per_year
    plan_input = d.plan_input

    out: dict[tuple[str, str, int], float] = defaultdict(float)
    arrive: dict[tuple[str, str, int], float] = defaultdict(float)
    back: dict[tuple[str, str, int], float] = defaultdict(float)
    in_training: dict[tuple[str, str, int], float] = defaultdict(float)
    coaching: dict[tuple[str, str, int], float] = defaultdict(float)
    reskill_rows: list[ReskillRow] = []
    for path in d.paths:
        for unit in d.units:
            if not any((path.name, unit, t) in model.starts for t in d.periods):
                continue
            for t in d.periods:
                started = _value(model.starts.get((path.name, unit, t)))
                earlier = _value(model.starts.get((path.name, unit, t - path.duration)))
                completed = path.completion_rate * earlier
                not_done = (1.0 - path.completion_rate) * earlier
                returned = not_done if path.non_completers == "return" else 0.0
                left = not_done - returned
                pool = _sum(training_pool(model, path.name, unit, t, path.duration)) if path.duration > 0 else 0.0
                out[path.from_role, unit, t] += started
                arrive[path.to_role, unit, t] += completed
                back[path.from_role, unit, t] += returned
                in_training[path.from_role, unit, t] += pool
                coaching[path.to_role, unit, t] += path.coaching_hours * pool
                reskill_rows.append(
                    ReskillRow(
                        path.name, unit, t, started, completed, returned, left, pool, started * path.cost_per_person
                    )
                )

    copilots_of: dict[str, list[Copilot]] = defaultdict(list)
    for copilot in plan_input.copilots:
        copilots_of[copilot.role].append(copilot)
    allocated: dict[tuple[str, str, int], float] = defaultdict(float)
    for (role_key, unit, _work, t), var in model.allocated.items():
        allocated[role_key, unit, t] += _value(var)

    plan_rows: list[PlanRow] = []
    for role_name, role in d.roles.items():
        a, a1 = d.attrition[role_name], d.first_year_attrition[role_name]
        for unit in d.units:
            previous = d.start_count.get((role_name, unit), 0.0)
            for t in d.periods:
                key = (role_name, unit, t)
                attrition = d.start_attrition(role_name, unit) if t == 1 else previous * a
                hires = _value(model.hires.get(key))
                layoffs = _value(model.layoffs.get(key))
                end = _value(model.headcount[key])
                ramping = _sum(ramping_pairs(model, role_name, unit, t)) if role.ramp_periods > 0 else 0.0
                reduced = _value(model.reduced.get(key))
                seated = [(c, _value(model.seats.get((c.name, unit, t)))) for c in copilots_of.get(role_name, [])]
                seats = sum(n for _, n in seated)
                hours = role.hours_per_period
                capacity = hours * (
                    end - (1.0 - role.ramp_productivity) * ramping - (1.0 - role.reduced_hours_fte) * reduced
                )
                capacity += sum(hours * c.uplift * c.adoption[t - 1] * n for c, n in seated)
                capacity -= coaching[key]  # hours the role gives people in training on paths into it
                idle = _value(model.idle[key])
                surplus_fte = idle / hours if hours > 0 else 0.0
                salary = d.cost_per_year[role_name, unit] / ppy * (end + in_training[key])
                cost = (
                    salary
                    + role.hiring_cost * hires
                    + role.severance * layoffs
                    + role.reduced_hours_cost_per_year / ppy * reduced
                    + role.surplus_cost_per_year / ppy * surplus_fte
                    + sum(c.seat_cost * n for c, n in seated)
                )
                plan_rows.append(
                    PlanRow(
                        role=role_name,
                        unit=unit,
                        period=t,
                        start=previous,
                        attrition=attrition,
                        hires=hires,
                        hires_retained=hires * (1.0 - a1),
                        layoffs=layoffs,
                        reskilled_out=out[key],
                        reskilled_in=arrive[key],
                        returned=back[key],
                        in_training=in_training[key],
                        end=end,
                        ramping=ramping,
                        reduced_hours=reduced,
                        copilot_seats=seats,
                        capacity_hours=capacity,
                        allocated_hours=allocated[key],
                        surplus_fte=surplus_fte,
                        salary_cost=salary,
                        cost=cost,
                    )
                )
                previous = end

    served: dict[tuple[str, str, int], list[tuple[str, float]]] = defaultdict(list)
    served_hours: dict[tuple[str, str, int], float] = defaultdict(float)
    for (source, unit, work, t), var in model.served.items():
        served[unit, work, t].append((source, _value(var)))
        served_hours[source, unit, t] += _value(var)
    coverage_rows: list[CoverageRow] = []
    roles_by_work: dict[str, list[str]] = defaultdict(list)
    for role_name, work in d.effectiveness:
        roles_by_work[work].append(role_name)
    for (unit, work, t), demand in sorted(d.demand.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])):
        by_role = tuple(
            (r, d.effectiveness[r, work] * _value(model.allocated.get((r, unit, work, t))))
            for r in d.roles
            if r in roles_by_work.get(work, [])
        )
        coverage_rows.append(
            CoverageRow(
                unit,
                work,
                t,
                demand.hours,
                by_role,
                tuple(served.get((unit, work, t), [])),
                _value(model.unmet.get((unit, work, t))),
                demand.must_meet,
            )
        )
    source_rows = [
        SourceRow(
            source,
            unit,
            t,
            _value(var),
            _value(var) * src.hours_per_unit,
            served_hours[source, unit, t],
            _value(var) * src.cost_per_unit,
        )
        for (source, unit, t), var in model.ext_units.items()
        for src in plan_input.sources
        if src.name == source
    ]

    costs: list[PeriodCost] = []
    for t in d.periods:

        def component(name: str, period: int = t) -> float:
            return _sum(model.cost_pairs.get((name, period), [])) + model.cost_constant.get((name, period), 0.0)

        costs.append(
            PeriodCost(
                period=t,
                salaries=component("salaries"),
                hiring=component("hiring"),
                severance=component("severance"),
                training=component("training"),
                external=component("external"),
                copilots=component("copilots"),
                reduced_hours=component("reduced_hours"),
                surplus=component("surplus"),
                unmet_penalty=component("unmet_penalty"),
                discount_factor=d.discount[t],
            )
        )
    return PlanResult(
        plan_input=plan_input,
        outcome=outcome,
        plan=tuple(plan_rows),
        coverage=tuple(coverage_rows),
        reskilling=tuple(reskill_rows),
        sources=tuple(source_rows),
        costs=tuple(costs),
    )
