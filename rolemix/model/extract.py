"""Read a solved model once into plain result rows (no model objects leave this module).

At the headline size (62,000 employees) that is 188,640 column values and 43,920 rows.  Reading them one
row and one decision at a time took 0.6-0.9 s, so the values are read from the columns once into an array
and each quantity is computed for all units and periods of a role or reskilling path at once.  The numbers
are those of the row-by-row accounting to the bit: numpy's float64 arithmetic is Python's, each product and
difference is formed from the same operands in the same order, what was added up with ``sum`` is still
added up by ``sum`` (on the terms computed at once), and running totals add in the same order from 0.
Where ``sum`` of no terms gave the integer 0 it still does (the copilot seats of a role without copilots,
the ramping hires of a role that does not hire).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

import numpy as np

from rolemix.collector import collector_paused
from rolemix.inputs import Copilot
from rolemix.model.build import PlanModel
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

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class _Values:
    """The solved values of a model's columns, read from the columns once, by position.

    A column without a value counts as 0, a whole-number decision is snapped to its whole number when within
    :data:`SNAP` of it (solver round-off).  One more 0 at the end of :attr:`array`, at position
    :attr:`absent`, is the value of a decision the model does not have.
    """

    def __init__(self, columns: Sequence[Column]) -> None:
        value = np.array([0.0 if c.value is None else c.value for c in columns], dtype=np.float64)
        nearest = np.round(value) + 0.0  # + 0.0: 0.0 where np.round gives -0.0, as float(round(-1e-9)) is 0.0
        # Only where snapping would change the value does the column's kind matter: read it there alone.
        changes = np.flatnonzero((np.abs(value - nearest) <= SNAP) & (nearest.view(np.int64) != value.view(np.int64)))
        whole = changes[np.array([columns[i].integer for i in changes.tolist()], dtype=bool)]
        value[whole] = nearest[whole]
        self.array = np.append(value, 0.0)
        self.absent = len(columns)

    def positions(self, registry: Mapping[K, Column], keys: Sequence[K]) -> np.ndarray:
        """Where the values of ``registry``'s decisions at ``keys`` are (:attr:`absent` for keys it does not have)."""
        absent = self.absent
        if not registry:  # e.g. reduced hours where no role may work them
            return np.full(len(keys), absent, dtype=np.int64)
        return np.array([absent if c is None else c.index for c in map(registry.get, keys)], dtype=np.int64)

    def indices(self, registry: Mapping[K, Column]) -> np.ndarray:
        """Where the values of ``registry``'s decisions are, in its order."""
        return np.array([c.index for c in registry.values()], dtype=np.int64)

    def by_key(self, registry: Mapping[K, Column]) -> dict[K, float]:
        """The value of every decision of ``registry``, by its key."""
        return dict(zip(registry, self.array[self.indices(registry)].tolist(), strict=True))

    def total(self, pairs: Sequence[tuple[Column, float]]) -> float:
        """``sum(value x coefficient)`` over ``pairs``: the products at once, added by Python's ``sum`` in order."""
        index = np.array([c.index for c, _ in pairs], dtype=np.int64)
        coefficient = np.array([k for _, k in pairs], dtype=np.float64)
        products: list[float] = (self.array[index] * coefficient).tolist()
        return sum(products)


def _in_groups(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    """``items`` in consecutive tuples of ``size`` (their count is a multiple of it)."""
    each = iter(items)
    return zip(*[each] * size, strict=True)


def _earlier(grid: np.ndarray, lag: int) -> np.ndarray:
    """``grid`` (units by periods) ``lag`` periods earlier: period t holds period t - lag, nothing before period 1."""
    shifted = np.zeros_like(grid)
    periods = grid.shape[-1]
    if lag < periods:
        shifted[..., lag:] = grid[..., : periods - lag]
    return shifted


def _sums(terms: Sequence[np.ndarray], cells: int) -> list[float]:
    """``sum`` of ``terms`` (arrays of ``cells`` values each) cell by cell, in their order: the integer 0 in every
    cell when there are no terms."""
    if not terms:
        return [0] * cells
    return list(map(sum, zip(*(term.ravel().tolist() for term in terms), strict=True)))


def _window_sum(
    grid: np.ndarray, present: np.ndarray, width: int, weight: float
) -> tuple[np.ndarray, list[float]]:
    """``sum(grid[s] * weight)`` over the decisions present in the last ``width`` periods up to each period.

    The terms go oldest first, as in :func:`rolemix.model.build.ramping_pairs` and
    :func:`rolemix.model.build.training_pool`; a period with no decision (or before period 1) gives a term of 0,
    which changes no such sum.  Returns the sums, and the same as a list with the integer 0 (the ``sum`` of no
    terms) where no decision is present.
    """
    lags = range(min(width, grid.shape[-1]) - 1, -1, -1)
    total = _sums([_earlier(grid, lag) * weight for lag in lags], grid.size)
    found = np.zeros_like(present)
    for lag in lags:
        found |= _earlier(present, lag)
    rows = [x if any_ else 0 for x, any_ in zip(total, found.ravel().tolist(), strict=True)]
    return np.array(total, dtype=np.float64).reshape(grid.shape), rows


def extract_result(model: PlanModel, outcome: SolveOutcome) -> PlanResult:
    """Every row of the plan, computed from variable values with the model's own accounting."""
    with collector_paused(keep=True):  # tens of thousands of rows at the headline size, no cycles, kept to be written
        return _extract(model, outcome)


def _extract(model: PlanModel, outcome: SolveOutcome) -> PlanResult:
    d = model.data
    ppy = d.periods_per_year
    plan_input = d.plan_input
    values = _Values(model.problem.columns)
    array = values.array
    units, periods = d.units, d.periods
    n_units, n_periods = len(units), len(periods)
    shape = (n_units, n_periods)
    role_at = {role_name: i for i, role_name in enumerate(d.roles)}
    unit_at = {unit: i for i, unit in enumerate(units)}

    def keys(name: str) -> list[tuple[str, str, int]]:
        """The keys of ``name`` (a role, path or copilot) in every unit and period, unit by unit."""
        return [(name, unit, t) for unit in units for t in periods]

    def grid(
        registry: Mapping[tuple[str, str, int], Column], keys: list[tuple[str, str, int]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The values of ``registry``'s decisions at ``keys`` by unit and period, and which of them it has."""
        index = values.positions(registry, keys).reshape(shape)
        return array[index], index != values.absent

    # Per role (in the order of d.roles), unit and period: what reskilling moves and the coaching it takes.
    flows = np.zeros((5, len(d.roles), *shape))
    out, arrive, back, in_training, coaching = flows
    reskill_rows: list[ReskillRow] = []
    for path in d.paths:
        started, present = grid(model.starts, keys(path.name))
        active = present.any(axis=1)
        if not active.any():
            continue
        started, present = started[active], present[active]
        earlier = _earlier(started, path.duration)
        completed = path.completion_rate * earlier
        not_done = (1.0 - path.completion_rate) * earlier
        returned = not_done if path.non_completers == "return" else np.zeros_like(not_done)
        left = not_done - returned
        if path.duration > 0:
            pool, pool_rows = _window_sum(started, present, path.duration, 1.0)
        else:
            pool = np.zeros_like(started)
            pool_rows = pool.ravel().tolist()
        from_role, to_role = role_at[path.from_role], role_at[path.to_role]
        out[from_role, active] += started
        arrive[to_role, active] += completed
        back[from_role, active] += returned
        in_training[from_role, active] += pool
        coaching[to_role, active] += path.coaching_hours * pool
        active_units = [units[i] for i in np.flatnonzero(active).tolist()]
        reskill_rows += map(
            ReskillRow,
            [path.name] * len(pool_rows),
            [unit for unit in active_units for _ in periods],
            list(periods) * len(active_units),
            started.ravel().tolist(),
            completed.ravel().tolist(),
            returned.ravel().tolist(),
            left.ravel().tolist(),
            pool_rows,
            (started * path.cost_per_person).ravel().tolist(),
        )

    # The hours each role gives each kind of work, by role, unit, work type and period (0 where it gives none),
    # and their total per role, unit and period, added in the registry's order as one at a time.
    roles_by_work: dict[str, list[str]] = defaultdict(list)
    for role_name, work in d.effectiveness:
        roles_by_work[work].append(role_name)
    work_at = {work: i for i, work in enumerate(roles_by_work)}
    n_works = len(work_at)
    place = np.array(
        [
            ((role_at[role_name] * n_units + unit_at[unit]) * n_works + work_at[work]) * n_periods + t - 1
            for role_name, unit, work, t in model.allocated
        ],
        dtype=np.int64,
    )
    given = array[values.indices(model.allocated)]
    work_hours = np.zeros((len(d.roles), n_units, n_works, n_periods))
    work_hours.flat[place] = given
    allocated = np.bincount(
        place // (n_works * n_periods) * n_periods + place % n_periods,
        weights=given,
        minlength=len(d.roles) * n_units * n_periods,
    ).reshape(len(d.roles), *shape)

    copilots_of: dict[str, list[Copilot]] = defaultdict(list)
    for copilot in plan_input.copilots:
        copilots_of[copilot.role].append(copilot)
    unit_rows = [unit for unit in units for _ in periods]
    period_rows = list(periods) * n_units
    cells = len(unit_rows)
    plan_rows: list[PlanRow] = []
    for r, (role_name, role) in enumerate(d.roles.items()):
        a, a1 = d.attrition[role_name], d.first_year_attrition[role_name]
        of_role = keys(role_name)
        hires, hired = grid(model.hires, of_role)
        layoffs, _ = grid(model.layoffs, of_role)
        end, _ = grid(model.headcount, of_role)
        reduced, _ = grid(model.reduced, of_role)
        idle, _ = grid(model.idle, of_role)
        if role.ramp_periods > 0:
            ramping, ramping_rows = _window_sum(hires, hired, role.ramp_periods, 1.0 - a1)
        else:
            ramping = np.zeros(shape)
            ramping_rows = ramping.ravel().tolist()
        hours = role.hours_per_period
        copilots = copilots_of.get(role_name, [])
        seated = [grid(model.seats, keys(copilot.name))[0] for copilot in copilots]
        seats = _sums(seated, cells)
        uplift = _sums(
            [
                np.array([hours * copilot.uplift * copilot.adoption[t - 1] for t in periods]) * n
                for copilot, n in zip(copilots, seated, strict=True)
            ],
            cells,
        )
        seat_cost = _sums([copilot.seat_cost * n for copilot, n in zip(copilots, seated, strict=True)], cells)
        capacity = hours * (end - (1.0 - role.ramp_productivity) * ramping - (1.0 - role.reduced_hours_fte) * reduced)
        capacity += np.reshape(uplift, shape)
        capacity -= coaching[r]  # hours the role gives people in training on paths into it
        surplus_fte = idle / hours if hours > 0 else np.zeros(shape)
        cost_per_year = np.array([[d.cost_per_year[role_name, unit] / ppy] for unit in units])
        salary = cost_per_year * (end + in_training[r])
        cost = (
            salary
            + role.hiring_cost * hires
            + role.severance * layoffs
            + role.reduced_hours_cost_per_year / ppy * reduced
            + role.surplus_cost_per_year / ppy * surplus_fte
            + np.reshape(seat_cost, shape)
        )
        start = np.zeros(shape)
        start[:, 1:] = end[:, :-1]
        start_rows = start.ravel().tolist()
        start_rows[::n_periods] = [d.start_count.get((role_name, unit), 0.0) for unit in units]
        attrition = start * a
        attrition_rows = attrition.ravel().tolist()
        attrition_rows[::n_periods] = [d.start_attrition(role_name, unit) for unit in units]
        plan_rows += map(
            PlanRow,
            [role_name] * cells,
            unit_rows,
            period_rows,
            start_rows,
            attrition_rows,
            hires.ravel().tolist(),
            (hires * (1.0 - a1)).ravel().tolist(),
            layoffs.ravel().tolist(),
            out[r].ravel().tolist(),
            arrive[r].ravel().tolist(),
            back[r].ravel().tolist(),
            in_training[r].ravel().tolist(),
            end.ravel().tolist(),
            ramping_rows,
            reduced.ravel().tolist(),
            seats,
            capacity.ravel().tolist(),
            allocated[r].ravel().tolist(),
            surplus_fte.ravel().tolist(),
            salary.ravel().tolist(),
            cost.ravel().tolist(),
        )

    by_source: dict[tuple[str, str, int], list[tuple[str, float]]] = defaultdict(list)
    served_hours: dict[tuple[str, str, int], float] = defaultdict(float)
    for (source, unit, work, t), value in values.by_key(model.served).items():
        by_source[unit, work, t].append((source, value))
        served_hours[source, unit, t] += value
    served = {key: tuple(sources) for key, sources in by_source.items()}
    # Coverage rows go by period, unit and work type (names in text order).
    demand_keys = list(d.demand)
    in_text_order = {unit: rank for rank, unit in enumerate(sorted(units))}
    unit_rank = np.array([in_text_order[unit] for unit in units], dtype=np.int64)
    work_names = sorted({work for _unit, work, _t in demand_keys})
    work_rank = {work: i for i, work in enumerate(work_names)}
    in_unit = np.array([unit_at[unit] for unit, _work, _t in demand_keys], dtype=np.int64)
    of_work = np.array([work_rank[work] for _unit, work, _t in demand_keys], dtype=np.int64)
    in_period = np.array([t - 1 for _unit, _work, t in demand_keys], dtype=np.int64)
    order = np.lexsort((of_work, unit_rank[in_unit], in_period))
    demand_keys = [demand_keys[i] for i in order.tolist()]
    in_unit, of_work, in_period = in_unit[order], of_work[order], in_period[order]
    by_role: list[tuple[tuple[str, float], ...]] = [()] * len(demand_keys)
    for work in work_names:
        serving = [r for r in d.roles if r in roles_by_work.get(work, ())]
        if not serving:
            continue
        rows = np.flatnonzero(of_work == work_rank[work])
        shares = np.column_stack(
            [
                d.effectiveness[r, work] * work_hours[role_at[r], in_unit[rows], work_at[work], in_period[rows]]
                for r in serving
            ]
        )
        pairs = zip(serving * len(rows), shares.ravel().tolist(), strict=True)
        for row, shares_of_roles in zip(rows.tolist(), _in_groups(pairs, len(serving)), strict=True):
            by_role[row] = shares_of_roles
    unmet = array[values.positions(model.unmet, demand_keys)].tolist()
    demands = [d.demand[key] for key in demand_keys]
    coverage_rows = list(
        map(
            CoverageRow,
            [unit for unit, _work, _t in demand_keys],
            [work for _unit, work, _t in demand_keys],
            [t for _unit, _work, t in demand_keys],
            [demand.hours for demand in demands],
            by_role,
            [served.get(key, ()) for key in demand_keys],
            unmet,
            [demand.must_meet for demand in demands],
        )
    )
    source_rows = [
        SourceRow(
            source,
            unit,
            t,
            value,
            value * src.hours_per_unit,
            served_hours[source, unit, t],
            value * src.cost_per_unit,
        )
        for (source, unit, t), value in values.by_key(model.ext_units).items()
        for src in plan_input.sources
        if src.name == source
    ]

    costs: list[PeriodCost] = []
    for t in d.periods:

        def component(name: str, period: int = t) -> float:
            return values.total(model.cost_pairs.get((name, period), [])) + model.cost_constant.get(
                (name, period), 0.0
            )

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
