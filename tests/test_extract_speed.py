"""The read back computed a role or path at a time gives exactly what the row-by-row accounting gives.

:func:`rolemix.model.extract.extract_result` reads the column values once and works out each quantity for
all units and periods at once.  These tests hold it to the row-by-row reading it replaced (kept here as
:func:`row_by_row`): the same rows, every number the same float to the last bit (sign of zero included), the
integer 0 where a ``sum`` of no terms gave it.  The plans have the awkward shapes: ramping and training
windows longer than the horizon, a role that ramps but may not hire, a path of no duration, units a path
may not take people from, copilots with no adoption in some periods, reduced hours, whole-number counts
today, a role and unit with no one today, no productive hours; the column values include missing ones,
negative zeros and values just inside and just outside the snapping distance.  No test here is timed.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections import defaultdict
from typing import Any

import pytest

from rolemix.inputs import Copilot, PlanInput
from rolemix.model.baseline import backfill_hires
from rolemix.model.build import PlanModel, build_model, ramping_pairs, training_pool
from rolemix.model.data import ModelData
from rolemix.model.extract import SNAP, extract_result
from rolemix.model.lp import Column
from rolemix.results import (
    COST_COMPONENTS,
    CoverageRow,
    PeriodCost,
    PlanResult,
    PlanRow,
    ReskillRow,
    SolveOutcome,
    SourceRow,
)
from rolemix.workbook.example import TEMPLATES_DIR
from rolemix.workbook.reader import read_plan_input

OUTCOME = SolveOutcome(
    status="optimal",
    termination="optimal",
    objective=1.0,
    bound=1.0,
    gap=0.0,
    runtime_s=1.0,
    solver="highs",
    solver_version="test",
    pulp_version="test",
    whole_people=True,
    time_limit_s=60.0,
    gap_limit=0.001,
    priorities=("cost",),
)


# --- the row-by-row reading, as it was --------------------------------------------------------------


def _value(var: Column | None) -> float:
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


def row_by_row(model: PlanModel, outcome: SolveOutcome) -> PlanResult:
    """The plan's rows one at a time, each value read from its column when needed."""
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
                hours = role.hours_per_period
                capacity = hours * (
                    end - (1.0 - role.ramp_productivity) * ramping - (1.0 - role.reduced_hours_fte) * reduced
                )
                capacity += sum(hours * c.uplift * c.adoption[t - 1] * n for c, n in seated)
                capacity -= coaching[key]
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
                        role_name, unit, t, previous, attrition, hires, hires * (1.0 - a1), layoffs, out[key],
                        arrive[key], back[key], in_training[key], end, ramping, reduced, sum(n for _, n in seated),
                        capacity, allocated[key], surplus_fte, salary, cost,
                    )
                )
                previous = end
    served: dict[tuple[str, str, int], list[tuple[str, float]]] = defaultdict(list)
    served_hours: dict[tuple[str, str, int], float] = defaultdict(float)
    for (source, unit, work, t), var in model.served.items():
        served[unit, work, t].append((source, _value(var)))
        served_hours[source, unit, t] += _value(var)
    roles_by_work: dict[str, list[str]] = defaultdict(list)
    for role_name, work in d.effectiveness:
        roles_by_work[work].append(role_name)
    coverage_rows = [
        CoverageRow(
            unit,
            work,
            t,
            demand.hours,
            tuple(
                (r, d.effectiveness[r, work] * _value(model.allocated.get((r, unit, work, t))))
                for r in d.roles
                if r in roles_by_work.get(work, [])
            ),
            tuple(served.get((unit, work, t), [])),
            _value(model.unmet.get((unit, work, t))),
            demand.must_meet,
        )
        for (unit, work, t), demand in sorted(d.demand.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1]))
    ]
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

    def component(name: str, period: int) -> float:
        return _sum(model.cost_pairs.get((name, period), [])) + model.cost_constant.get((name, period), 0.0)

    costs = [
        PeriodCost(t, **{name: component(name, t) for name in COST_COMPONENTS}, discount_factor=d.discount[t])
        for t in d.periods
    ]
    return PlanResult(
        plan_input, outcome, tuple(plan_rows), tuple(coverage_rows), tuple(reskill_rows), tuple(source_rows),
        tuple(costs),
    )


# --- plans and values -------------------------------------------------------------------------------


def awkward_plan() -> PlanInput:
    """The example company with every shape the read back treats specially."""
    example = read_plan_input(TEMPLATES_DIR / "example-software-co.xlsx")
    change = dataclasses.replace
    roles = list(example.roles)
    roles[0] = change(roles[0], ramp_periods=4, reduced_hours_cap=5.0, reduced_hours_cost_per_year=1234.5)
    roles[1] = change(roles[1], ramp_periods=3, hires_cap=0.0)  # ramps but may not hire: sum of no terms
    roles[2] = change(roles[2], ramp_periods=0, reduced_hours_cap=2.0, hours_per_period=333)
    roles[3] = change(roles[3], ramp_periods=9, hiring_cost=7, severance=11)  # longer than the 8 periods
    roles[4] = change(roles[4], ramp_periods=2, hours_per_period=0.0)
    paths = list(example.paths)
    paths[0] = change(paths[0], duration=3, coaching_hours=12.5, non_completers="leave", completion_rate=0.7)
    paths[1] = change(paths[1], duration=0, coaching_hours=3.0)
    eligible = ((example.units[0].name, 5.0), (example.units[3].name, 0.0))
    paths[2] = change(paths[2], duration=9, coaching_hours=1.0, eligible=eligible)
    paths.append(
        change(paths[0], name="Within", from_role=roles[2].name, to_role=roles[2].name, duration=1, eligible=None)
    )
    copilots = list(example.copilots)
    copilots.append(
        change(copilots[0], name="Third", seat_cost=13, uplift=0.25, adoption=(0.0, 0.1, 0.0, 0.2, 0.3, 0.0, 0.5, 0.6))
    )
    copilots.append(change(copilots[1], name="Fourth", role=roles[0].name, seat_cost=7.5, adoption=(0.3,) * 8))
    start = [
        change(s, count=int(s.count), under_one_year=int(s.under_one_year), cost_per_year=int(s.cost_per_year))
        if i % 3 == 0
        else s
        for i, s in enumerate(example.start)
    ][:-2]
    return change(example, roles=tuple(roles), paths=tuple(paths), copilots=tuple(copilots), start=tuple(start))


def set_values(model: PlanModel, seed: int) -> None:
    """Random column values, with the ones that test the edges of reading them."""
    rng = random.Random(seed)
    for column in model.problem.columns:
        draw = rng.random()
        if draw < 0.05:
            column.value = None
        elif draw < 0.1:
            column.value = -0.0
        elif draw < 0.4:
            near = rng.choice([0.0, 1e-7, SNAP, 1.0000001 * SNAP, 5e-6, 0.3])
            column.value = rng.randint(0, 50) + rng.choice([1, -1]) * near
        elif draw < 0.5:
            column.value = -rng.randint(0, 3) + rng.choice([1e-7, -1e-7, 0.0])
        else:
            column.value = rng.uniform(0.0, 1e5)


def differences(expected: Any, found: Any, where: str = "result") -> list[str]:
    """Where ``found`` is not ``expected`` to the bit: floats by their bits, everything by its type too."""
    if type(expected) is not type(found):
        return [f"{where}: {expected!r} ({type(expected).__name__}) but {found!r} ({type(found).__name__})"]
    if dataclasses.is_dataclass(expected):
        return [
            difference
            for f in dataclasses.fields(expected)
            for difference in differences(getattr(expected, f.name), getattr(found, f.name), f"{where}.{f.name}")
        ]
    if isinstance(expected, tuple):
        if len(expected) != len(found):
            return [f"{where}: {len(expected)} items but {len(found)}"]
        pairs = enumerate(zip(expected, found, strict=True))
        return [difference for i, (e, f) in pairs for difference in differences(e, f, f"{where}[{i}]")]
    if isinstance(expected, float):
        same = expected == found and math.copysign(1.0, expected) == math.copysign(1.0, found)
        return [] if same or (math.isnan(expected) and math.isnan(found)) else [f"{where}: {expected!r} but {found!r}"]
    return [] if expected == found else [f"{where}: {expected!r} but {found!r}"]


@pytest.fixture(scope="module")
def awkward() -> ModelData:
    return ModelData.from_input(awkward_plan())


@pytest.mark.parametrize("kind", ["whole people", "fractional", "baseline"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_read_back_is_the_row_by_row_accounting_to_the_bit(awkward: ModelData, kind: str, seed: int) -> None:
    if kind == "baseline":
        model = build_model(awkward, whole_people=False, mode="baseline", fixed_hires=backfill_hires(awkward))
    else:
        model = build_model(awkward, whole_people=kind == "whole people")
    set_values(model, seed)
    expected = row_by_row(model, OUTCOME)
    found = extract_result(model, OUTCOME)
    assert differences(expected, found) == []
    # The plan has what it is meant to: sums of no terms, whole-number counts today, units a path skips.
    assert any(type(row.copilot_seats) is int for row in expected.plan)
    assert any(type(row.start) is int for row in expected.plan)
    if kind != "baseline":  # the baseline hires everywhere and reskills no one
        assert any(type(row.ramping) is int for row in expected.plan)
        assert len(expected.reskilling) < len(awkward.paths) * len(awkward.units) * len(awkward.periods)


def test_a_plan_read_before_any_solve_is_all_zeros(awkward: ModelData) -> None:
    model = build_model(awkward, whole_people=True)
    assert all(column.value is None for column in model.problem.columns)
    assert differences(row_by_row(model, OUTCOME), extract_result(model, OUTCOME)) == []
