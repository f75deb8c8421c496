"""The planning model: one ``add_<family>`` function per constraint family.

Each function states its equation in planner words and in algebra (the
symbols of ``docs/model.md``).  :func:`build_model` calls them in a fixed
order.  Names of columns and rows (rolemix.model.lp) are built from positions
(``r3``, ``u17``, ``t4``), never from user text, so they are deterministic and
collision-free; results are read through the registries, never from names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from rolemix.collector import collector_paused
from rolemix.inputs import ReskillPath
from rolemix.model.data import ModelData
from rolemix.model.lp import EQ, GE, LE, Column, Expression, Problem, Row
from rolemix.results import COST_COMPONENTS

Key3 = tuple[str, str, int]
Pairs = list[tuple[Column, float]]
Sense = Literal["<=", ">="]
Mode = Literal["plan", "baseline", "elastic"]


def linear(pairs: Iterable[tuple[Column, float]], constant: float = 0.0) -> Expression:
    """An affine expression from (column, coefficient) pairs, summing repeated columns and leaving out zeros."""
    items = pairs if isinstance(pairs, list) else list(pairs)
    expr = Expression(items, constant)
    if len(expr) != len(items):
        # A column given more than once: add its coefficients up (a dictionary keeps only the last).
        merged: dict[Column, float] = {}
        for var, coef in items:
            merged[var] = merged.get(var, 0.0) + coef
        expr = Expression(merged.items(), constant)
    if 0.0 in expr.values():
        expr = Expression([(v, c) for v, c in expr.items() if c != 0.0], constant)
    return expr


@dataclass
class PolicyRow:
    """A policy limit in the model, kept so results can explain and relax it.

    ``measure`` is the unit the limit is counted in (``money``, ``people``,
    ``hours``, ``units``, ``fte``); ``subject`` names what it limits in planner
    words; ``rhs`` is the limit (for ratio and share rows, the right-hand side
    after moving every variable to the left, usually 0).
    """

    family: str
    name: str
    period: int | None
    subject: str
    sense: Sense
    rhs: float
    measure: str
    limit: float
    constraint: Row
    slack: Column | None = None
    #: For explanations that group limits: the work type and segment of must-meet demand, the share of a
    #: layoff cap.
    work_type: str = ""
    segment: str = ""
    share: float | None = None


@dataclass
class PlanModel:
    """A built model: its columns and rows (a :class:`Problem`) plus registries keyed by tuples of names."""

    data: ModelData
    mode: Mode
    whole_people: bool
    problem: Problem
    headcount: dict[Key3, Column] = field(default_factory=dict)
    hires: dict[Key3, Column] = field(default_factory=dict)
    layoffs: dict[Key3, Column] = field(default_factory=dict)
    starts: dict[Key3, Column] = field(default_factory=dict)  # (path, unit, t)
    reduced: dict[Key3, Column] = field(default_factory=dict)
    seats: dict[Key3, Column] = field(default_factory=dict)  # (copilot, unit, t)
    allocated: dict[tuple[str, str, str, int], Column] = field(default_factory=dict)  # (role, unit, work, t)
    idle: dict[Key3, Column] = field(default_factory=dict)
    served: dict[tuple[str, str, str, int], Column] = field(default_factory=dict)  # (source, unit, work, t)
    ext_units: dict[Key3, Column] = field(default_factory=dict)  # (source, unit, t)
    unmet: dict[Key3, Column] = field(default_factory=dict)  # (unit, work, t)
    cost_pairs: dict[tuple[str, int], Pairs] = field(default_factory=lambda: defaultdict(list))
    cost_constant: dict[tuple[str, int], float] = field(default_factory=lambda: defaultdict(float))
    policies: list[PolicyRow] = field(default_factory=list)
    #: Rows of one unit that rounding can break (headcount accounting, must-meet coverage, seats and reduced
    #: hours within headcount, capacity that gives coaching hours), with their unit: the rounding repair of large
    #: plans may relax them to find the culprits.
    unit_rows: list[tuple[Row, str]] = field(default_factory=list)
    #: The organisation unit of every variable.
    unit_of: dict[Column, str] = field(default_factory=dict)
    #: Per-unit sums that keep company-wide rows sparse: (kind, unit, t) -> variable.
    unit_sums: dict[tuple[str, str, int], Column] = field(default_factory=dict)
    _names: set[str] = field(default_factory=set)
    _unit_positions: dict[str, int] = field(default_factory=dict)

    # -- small helpers ---------------------------------------------------
    def variable(
        self,
        registry: dict,  # type: ignore[type-arg]
        key: tuple[object, ...],
        name: str,
        upper: float | None = None,
        integer: bool = False,
    ) -> Column:
        """Create a non-negative variable, register it under ``key`` and return it."""
        whole = integer and self.whole_people
        var = self.problem.add_column(name, 0.0, upper, whole)
        registry[key] = var
        self.unit_of[var] = str(key[0] if registry is self.unmet else key[1])
        return var

    @property
    def integers(self) -> list[Column]:
        """The whole-number columns, in model order."""
        return [column for column in self.problem.columns if column.integer]

    def by_unit(self, kind: str, period: int, pairs: Pairs) -> Pairs:
        """The same sum as ``pairs``, written as one variable per unit.

        A company-wide row over every unit's columns is dense; a per-unit sum ``z[u] = sum of u's terms`` (a
        row of the unit's own) plus a company-wide row over the ``z[u]`` keeps every row short, which the
        interior-point method needs at scale.
        """
        grouped: dict[str, Pairs] = defaultdict(list)
        for var, coef in pairs:
            grouped[self.unit_of[var]].append((var, coef))
        if len(grouped) < 2:
            return pairs
        out: Pairs = []
        for unit, terms in grouped.items():
            if not self._unit_positions:
                self._unit_positions.update((name, i) for i, name in enumerate(self.data.units))
            ui = self._unit_positions[unit]
            total = self.problem.add_column(f"sum_{kind}_u{ui}_t{period}", None)
            self.unit_sums[kind, unit, period] = total
            self.unit_of[total] = unit
            self.add(f"sum_{kind}_u{ui}_t{period}", linear([*terms, (total, -1.0)]), EQ, 0.0)
            out.append((total, 1.0))
        return out

    def add(self, name: str, expr: Expression, sense: int, rhs: float) -> Row:
        """Add ``expr (sense) rhs`` under a unique deterministic name."""
        if name in self._names:
            raise ValueError(f"duplicate constraint name {name}")
        self._names.add(name)
        return self.problem.add_row(name, expr, sense, rhs)

    def add_policy(
        self,
        family: str,
        name: str,
        period: int | None,
        subject: str,
        pairs: Pairs,
        sense: Sense,
        rhs: float,
        measure: str,
        limit: float | None = None,
        work_type: str = "",
        segment: str = "",
        share: float | None = None,
    ) -> None:
        """Add a policy limit; in elastic mode it gets a priced slack instead of holding hard.

        ``work_type``, ``segment`` and ``share`` are the grouping fields of :class:`PolicyRow`."""
        slack = None
        if self.mode == "elastic":
            slack = self.problem.add_column(f"slack_{name}")
            pairs = [*pairs, (slack, -1.0 if sense == "<=" else 1.0)]
        constraint = self.add(name, linear(pairs), LE if sense == "<=" else GE, rhs)
        self.policies.append(
            PolicyRow(
                family,
                name,
                period,
                subject,
                sense,
                rhs,
                measure,
                rhs if limit is None else limit,
                constraint,
                slack,
                work_type,
                segment,
                share,
            )
        )

    def cost(
        self, component: str, period: int, pairs: Iterable[tuple[Column, float]], constant: float = 0.0
    ) -> None:
        """Book cost terms of ``component`` in ``period`` (undiscounted money)."""
        self.cost_pairs[component, period].extend(pairs)
        self.cost_constant[component, period] += constant

    def period_cost(self, period: int, spending_only: bool = False) -> Expression:
        """Total undiscounted cost of ``period`` (without lost revenue when ``spending_only``)."""
        pairs: Pairs = []
        constant = 0.0
        for component in COST_COMPONENTS:
            if spending_only and component == "unmet_penalty":
                continue
            pairs.extend(self.cost_pairs.get((component, period), []))
            constant += self.cost_constant.get((component, period), 0.0)
        return linear(pairs, constant)

    def total_cost(self) -> Expression:
        """Discounted total cost over the horizon (the least-cost objective)."""
        pairs: Pairs = []
        constant = 0.0
        for t in self.data.periods:
            factor = self.data.discount[t]
            for component in COST_COMPONENTS:
                pairs.extend((v, c * factor) for v, c in self.cost_pairs.get((component, t), []))
                constant += factor * self.cost_constant.get((component, t), 0.0)
        return linear(pairs, constant)

    def term(self, name: str) -> Expression:
        """Objective term ``cost``, ``layoffs`` or ``unmet`` as an expression."""
        if name == "cost":
            return self.total_cost()
        if name == "layoffs":
            return linear((v, 1.0) for v in self.layoffs.values())
        if name == "unmet":
            return linear((v, 1.0) for v in self.unmet.values())
        raise ValueError(f"unknown objective term {name!r}")


# ---------------------------------------------------------------------------
# positions for deterministic names


class _Positions:
    def __init__(self, data: ModelData) -> None:
        pi = data.plan_input
        self.role = {r.name: i for i, r in enumerate(pi.roles)}
        self.unit = {u.name: i for i, u in enumerate(pi.units)}
        self.work = {w.name: i for i, w in enumerate(pi.work_types)}
        self.path = {p.name: i for i, p in enumerate(pi.paths)}
        self.source = {s.name: i for i, s in enumerate(pi.sources)}
        self.copilot = {c.name: i for i, c in enumerate(pi.copilots)}


# ---------------------------------------------------------------------------
# variables


def add_decisions(m: PlanModel, pos: _Positions, fixed_hires: dict[Key3, float] | None) -> None:
    """Create the decision variables and their simple bounds.

    Whole numbers (when whole people): hires ``H``, layoffs ``L``, reskill
    starts ``X``, external units ``K``, copilot seats ``Seats``.  Continuous:
    expected headcount ``N``, people on reduced hours ``Red``.  In the
    do-nothing baseline hires are fixed to the backfill and there are no
    layoffs, reskilling, reduced hours or copilot seats.
    """
    d = m.data
    baseline = m.mode == "baseline"
    for role_name, role in d.roles.items():
        ri = pos.role[role_name]
        for unit in d.units:
            ui = pos.unit[unit]
            for t in d.periods:
                key = (role_name, unit, t)
                m.variable(m.headcount, key, f"N_r{ri}_u{ui}_t{t}")
                if baseline:
                    assert fixed_hires is not None
                    value = fixed_hires[key]
                    var = m.problem.add_column(f"H_r{ri}_u{ui}_t{t}", value, value)
                    m.hires[key] = var
                    continue
                if role.hires_cap is None or role.hires_cap > 0:
                    m.variable(m.hires, key, f"H_r{ri}_u{ui}_t{t}", upper=_bound(m, role.hires_cap), integer=True)
                m.variable(m.layoffs, key, f"L_r{ri}_u{ui}_t{t}", integer=True)
                if role.reduced_hours_cap > 0:
                    m.variable(m.reduced, key, f"Red_r{ri}_u{ui}_t{t}", upper=_bound(m, role.reduced_hours_cap))
    if baseline:
        return
    for path in d.paths:
        pi_ = pos.path[path.name]
        for unit in d.units:
            eligible = path.eligible_in(unit)
            if eligible is not None and eligible <= 0:
                continue
            upper = path.seats_per_period
            if eligible is not None:
                upper = eligible if upper is None else min(upper, eligible)
            for t in d.periods:
                m.variable(
                    m.starts,
                    (path.name, unit, t),
                    f"X_p{pi_}_u{pos.unit[unit]}_t{t}",
                    upper=_bound(m, upper),
                    integer=True,
                )
    for copilot in d.plan_input.copilots:
        ci = pos.copilot[copilot.name]
        for unit in d.units:
            for t in d.periods:
                if copilot.uplift * copilot.adoption[t - 1] > 0:
                    m.variable(m.seats, (copilot.name, unit, t), f"Seats_c{ci}_u{pos.unit[unit]}_t{t}", integer=True)


def _bound(m: PlanModel, upper: float | None) -> float | None:
    """A cap as a variable bound too (it helps the solver), except where caps must be relaxable."""
    return None if m.mode == "elastic" else upper


def add_accounting(m: PlanModel, pos: _Positions) -> None:
    """Headcount accounting per role, unit and period (expected values).

    In words: people at the end of a period are those at its start, less
    expected leavers, plus hires who stay their first period, less layoffs,
    less people who start reskilling out of the role, plus people who complete
    a path into the role, plus non-completers who return.

    .. math::
        N_{r,u,t} = N_{r,u,t-1} - Att_{r,u,t} + H_{r,u,t}(1-a^1_r) - L_{r,u,t}
                    - \\sum_{p: f(p)=r} X_{p,u,t} + \\sum_{p: g(p)=r} \\kappa_p X_{p,u,t-d_p}
                    + \\sum_{p: f(p)=r, return} (1-\\kappa_p) X_{p,u,t-d_p}

    with :math:`Att_{r,u,1} = (N_{r,u,0}-Y_{r,u}) a_r + Y_{r,u} a^1_r` and
    :math:`Att_{r,u,t} = N_{r,u,t-1} a_r` for later periods.
    """
    d = m.data
    flows: dict[Key3, Pairs] = defaultdict(list)
    for (path_name, unit, t), x in m.starts.items():
        path = next(p for p in d.paths if p.name == path_name)
        flows[path.from_role, unit, t].append((x, 1.0))  # leaves the role (moved to the left-hand side: +X)
        arrive = t + path.duration
        if arrive in d.discount:
            flows[path.to_role, unit, arrive].append((x, -path.completion_rate))
            if path.non_completers == "return":
                flows[path.from_role, unit, arrive].append((x, -(1.0 - path.completion_rate)))
    for (role, unit, t), n in m.headcount.items():
        a = d.attrition[role]
        pairs: Pairs = [(n, 1.0)]
        if t == 1:
            rhs = d.start_count.get((role, unit), 0.0) - d.start_attrition(role, unit)
        else:
            rhs = 0.0
            pairs.append((m.headcount[role, unit, t - 1], -(1.0 - a)))
        if (role, unit, t) in m.hires:
            pairs.append((m.hires[role, unit, t], -(1.0 - d.first_year_attrition[role])))
        if (role, unit, t) in m.layoffs:
            pairs.append((m.layoffs[role, unit, t], 1.0))
        pairs.extend(flows.get((role, unit, t), []))
        row = m.add(f"headcount_r{pos.role[role]}_u{pos.unit[unit]}_t{t}", linear(pairs), EQ, rhs)
        m.unit_rows.append((row, unit))


def training_pool(m: PlanModel, path_name: str, unit: str, t: int, duration: int) -> Pairs:
    """People of ``path_name`` in training in ``unit`` during period ``t``: starts of the last ``duration`` periods."""
    return [
        (m.starts[path_name, unit, s], 1.0)
        for s in range(max(1, t - duration + 1), t + 1)
        if (path_name, unit, s) in m.starts
    ]


def ramping_pairs(m: PlanModel, role: str, unit: str, t: int) -> Pairs:
    """Hires still ramping in period ``t``: those of the last ``ramp_periods`` periods who stayed."""
    d = m.data
    periods = d.roles[role].ramp_periods
    keep = 1.0 - d.first_year_attrition[role]
    return [(m.hires[role, unit, s], keep) for s in range(max(1, t - periods + 1), t + 1) if (role, unit, s) in m.hires]


def add_capacity(m: PlanModel, pos: _Positions) -> None:
    """Hours each role can give in each unit and period, and where they go.

    In words: productive hours of the people on board, less what ramping hires
    and people on reduced hours do not deliver, plus the copilot uplift of
    seated people at this period's adoption, less the coaching hours people in
    training on paths into the role need from it in the same unit, are either
    spent on a kind of work or left idle (surplus).

    .. math::
        \\sum_w A_{r,u,w,t} + I_{r,u,t} = h_r \\big(N_{r,u,t} - (1-\\rho_r) Ramping_{r,u,t}
            - (1-fte_r) Red_{r,u,t}\\big) + \\sum_{c: r(c)=r} h_r\\, uplift_c\\, adopt_{c,t}\\, Seats_{c,u,t}
            - \\sum_{p: g(p)=r} coach_p\\, Train_{p,u,t}

    where :math:`Train_{p,u,t}` are the starts of the last :math:`d_p` periods (nobody is in training on a
    path of duration 0).  Also :math:`Red_{r,u,t} \\le N_{r,u,t}` and :math:`Seats_{c,u,t} \\le N_{r(c),u,t}`.
    """
    d = m.data
    copilots_of: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for copilot in d.plan_input.copilots:
        copilots_of[copilot.role].append(copilot)
    works_by_role: dict[str, list[str]] = defaultdict(list)
    for role_key, work in d.effectiveness:
        works_by_role[role_key].append(work)
    coached_by: dict[str, list[ReskillPath]] = defaultdict(list)
    for path in d.paths:
        if path.duration > 0 and path.coaching_hours > 0:
            coached_by[path.to_role].append(path)
    for (role_name, unit, t), n in m.headcount.items():
        role = d.roles[role_name]
        ri, ui = pos.role[role_name], pos.unit[unit]
        hours = role.hours_per_period
        for work in works_by_role.get(role_name, []):
            demand = d.demand.get((unit, work, t))
            if demand is not None and demand.hours > 0:
                m.variable(m.allocated, (role_name, unit, work, t), f"A_r{ri}_u{ui}_w{pos.work[work]}_t{t}")
        idle = m.variable(m.idle, (role_name, unit, t), f"I_r{ri}_u{ui}_t{t}")
        pairs: Pairs = [
            (a, 1.0)
            for w in works_by_role.get(role_name, [])
            if (a := m.allocated.get((role_name, unit, w, t))) is not None
        ]
        pairs += [(idle, 1.0), (n, -hours)]
        if role.ramp_productivity < 1.0:
            pairs += [(v, c * hours * (1.0 - role.ramp_productivity)) for v, c in ramping_pairs(m, role_name, unit, t)]
        red = m.reduced.get((role_name, unit, t))
        if red is not None:
            pairs.append((red, hours * (1.0 - role.reduced_hours_fte)))
            within = m.add(
                f"reduced_within_r{ri}_u{ui}_t{t}", linear([(red, 1.0), (n, -1.0)]), LE, 0.0
            )
            m.unit_rows.append((within, unit))
        for copilot in copilots_of.get(role_name, []):
            seat = m.seats.get((copilot.name, unit, t))
            if seat is None:
                continue
            pairs.append((seat, -hours * copilot.uplift * copilot.adoption[t - 1]))
            within = m.add(
                f"seats_within_c{pos.copilot[copilot.name]}_u{ui}_t{t}",
                linear([(seat, 1.0), (n, -1.0)]),
                LE,
                0.0,
            )
            m.unit_rows.append((within, unit))
        coaching: Pairs = [
            (v, c * path.coaching_hours)
            for path in coached_by.get(role_name, [])
            for v, c in training_pool(m, path.name, unit, t, path.duration)
        ]
        row = m.add(f"capacity_r{ri}_u{ui}_t{t}", linear([*pairs, *coaching]), EQ, 0.0)
        if coaching:
            # Rounding starts up takes coaching hours the row may not have: the rounding repair may relax it.
            m.unit_rows.append((row, unit))


def add_external(m: PlanModel, pos: _Positions) -> None:
    """AI agents, partners and contractors, bought in whole units.

    In words: a source serves only the work and segments in its scope, at most
    its share of that demand scaled by this period's adoption, and no more
    hours than its units deliver.

    .. math::
        S_{s,u,w,t} \\le m_{s,w,seg(u)}\\, adopt_{s,t}\\, D_{u,w,t}, \\qquad
        \\sum_w S_{s,u,w,t} \\le hpu_s K_{s,u,t}, \\qquad \\sum_u K_{s,u,t} \\le maxunits_s

    In the do-nothing baseline :math:`K_{s,u,t}` is fixed at today's units.
    """
    d = m.data
    for source in d.plan_input.sources:
        si = pos.source[source.name]
        share_of = {(rule.work_type, rule.segment): rule.max_share for rule in source.scope}
        for unit in d.units:
            ui = pos.unit[unit]
            segment = d.segment_of[unit]
            for t in d.periods:
                adopt = source.adoption[t - 1]
                served: Pairs = []
                for (work, seg), share in share_of.items():
                    demand = d.demand.get((unit, work, t))
                    if seg != segment or demand is None or demand.hours <= 0 or share * adopt <= 0:
                        continue
                    var = m.variable(
                        m.served,
                        (source.name, unit, work, t),
                        f"S_s{si}_u{ui}_w{pos.work[work]}_t{t}",
                        upper=share * adopt * demand.hours,
                    )
                    served.append((var, 1.0))
                if m.mode == "baseline":
                    if not served and source.existing_units == 0:
                        continue
                    units = m.problem.add_column(f"K_s{si}_u{ui}_t{t}", source.existing_units, source.existing_units)
                    m.ext_units[source.name, unit, t] = units
                elif not served:
                    continue
                else:
                    units = m.variable(m.ext_units, (source.name, unit, t), f"K_s{si}_u{ui}_t{t}", integer=True)
                if served:
                    m.add(
                        f"external_hours_s{si}_u{ui}_t{t}",
                        linear([*served, (units, -source.hours_per_unit)]),
                        LE,
                        0.0,
                    )
                m.cost("external", t, [(units, source.cost_per_unit)])
        if source.max_units is not None and m.mode != "baseline":
            for t in d.periods:
                pairs = [(v, 1.0) for (s, _, tt), v in m.ext_units.items() if s == source.name and tt == t]
                if pairs:
                    m.add_policy(
                        "max_units", f"max_units_s{si}_t{t}", t, source.name, pairs, "<=", source.max_units, "units"
                    )


def add_coverage(m: PlanModel, pos: _Positions) -> None:
    """Demand coverage per unit, work type and period.

    In words: hours spent by each role, weighted by how effective the role is
    at this work, plus hours served by external sources, plus unmet hours,
    equal the demand.  Unmet hours are zero where demand must be met.

    .. math::
        \\sum_r e_{r,w} A_{r,u,w,t} + \\sum_s S_{s,u,w,t} + U_{u,w,t} = D_{u,w,t}
    """
    d = m.data
    roles_by_work: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (role, work), eff in d.effectiveness.items():
        roles_by_work[work].append((role, eff))
    sources_by: dict[tuple[str, str, int], Pairs] = defaultdict(list)
    for (_source, unit, work, t), var in m.served.items():
        sources_by[unit, work, t].append((var, 1.0))
    for (unit, work, t), demand in d.demand.items():
        if demand.hours <= 0:
            continue
        ui, wi = pos.unit[unit], pos.work[work]
        pairs: Pairs = [
            (a, eff)
            for role, eff in roles_by_work.get(work, [])
            if (a := m.allocated.get((role, unit, work, t))) is not None
        ]
        pairs += sources_by.get((unit, work, t), [])
        if not demand.must_meet or m.mode == "baseline":
            unmet = m.variable(m.unmet, (unit, work, t), f"U_u{ui}_w{wi}_t{t}")
            pairs.append((unmet, 1.0))
            m.cost("unmet_penalty", t, [(unmet, demand.unmet_penalty_per_hour)])
        elif m.mode == "elastic":
            unmet = m.variable(m.unmet, (unit, work, t), f"U_u{ui}_w{wi}_t{t}")
            m.add_policy(
                "must_meet",
                f"must_meet_u{ui}_w{wi}_t{t}",
                t,
                f"{work} demand in {unit}",
                [(unmet, 1.0)],
                "<=",
                0.0,
                "hours",
                limit=demand.hours,
                work_type=work,
                segment=d.segment_of[unit],
            )
            pairs.append((unmet, 1.0))
        row = m.add(f"coverage_u{ui}_w{wi}_t{t}", linear(pairs), EQ, demand.hours)
        if demand.must_meet and (unit, work, t) not in m.unmet:
            m.unit_rows.append((row, unit))


def add_costs(m: PlanModel) -> None:
    """Book every people cost per period (external and penalty costs are booked with their families).

    In words, per period: salaries of everyone on board and everyone in
    training (at their role's loaded cost), hiring, severance, training fees,
    copilot seats, reduced-hours and surplus costs.

    .. math::
        cost_t = \\sum_{r,u} \\frac{c_{r,u}}{ppy}(N_{r,u,t} + \\sum_{p: f(p)=r} Train_{p,u,t})
            + \\sum hire_r H + \\sum sev_r L + \\sum fee_p X + \\sum seat_c Seats
            + \\sum \\frac{rc_r}{ppy} Red + \\sum \\frac{sc_r}{ppy} \\frac{I}{h_r}
            + \\sum cpu_s K + \\sum pen_{u,w} U
    """
    d = m.data
    ppy = d.periods_per_year
    for (role_name, unit, t), n in m.headcount.items():
        role = d.roles[role_name]
        m.cost("salaries", t, [(n, d.cost_per_year[role_name, unit] / ppy)])
        if (key := (role_name, unit, t)) in m.hires:
            m.cost("hiring", t, [(m.hires[key], role.hiring_cost)])
        if key in m.layoffs:
            m.cost("severance", t, [(m.layoffs[key], role.severance)])
        if key in m.reduced:
            m.cost("reduced_hours", t, [(m.reduced[key], role.reduced_hours_cost_per_year / ppy)])
        if role.surplus_cost_per_year > 0 and role.hours_per_period > 0:
            m.cost("surplus", t, [(m.idle[key], role.surplus_cost_per_year / ppy / role.hours_per_period)])
    for path in d.paths:
        for unit in d.units:
            for t in d.periods:
                if (path.name, unit, t) in m.starts:
                    m.cost("training", t, [(m.starts[path.name, unit, t], path.cost_per_person)])
                pool = training_pool(m, path.name, unit, t, path.duration) if path.duration > 0 else []
                if pool:
                    rate = d.cost_per_year[path.from_role, unit] / ppy
                    m.cost("salaries", t, [(v, c * rate) for v, c in pool])
    copilot_cost = {c.name: c.seat_cost for c in d.plan_input.copilots}
    for (name, _, t), seat in m.seats.items():
        m.cost("copilots", t, [(seat, copilot_cost[name])])


def add_workforce_limits(m: PlanModel, pos: _Positions) -> None:
    """Hiring, layoff, reduced-hours and surplus limits per period.

    In words: hires of a role company-wide stay within its hires cap; layoffs
    stay within the company-wide share of the workforce at the start of the
    period, the absolute cap, and each role's own share; people on reduced
    hours within each role's cap; surplus (idle) people within the surplus cap.

    .. math::
        \\sum_u H_{r,u,t} \\le hcap_r, \\quad
        \\sum_{r,u} L_{r,u,t} \\le \\lambda \\sum_{r,u} N_{r,u,t-1}, \\quad
        \\sum_{r,u} L_{r,u,t} \\le \\Lambda, \\quad
        \\sum_u L_{r,u,t} \\le \\lambda_r \\sum_u N_{r,u,t-1},

        \\sum_u Red_{r,u,t} \\le redcap_r, \\quad \\sum_{r,u} I_{r,u,t}/h_r \\le surpluscap
    """
    d = m.data
    policy = d.plan_input.policy
    for t in d.periods:
        label = d.label(t)
        for role_name, role in d.roles.items():
            ri = pos.role[role_name]
            hires = [(m.hires[role_name, u, t], 1.0) for u in d.units if (role_name, u, t) in m.hires]
            if role.hires_cap is not None and hires:
                m.add_policy("hires_cap", f"hires_cap_r{ri}_t{t}", t, role_name, hires, "<=", role.hires_cap, "people")
            if role.layoff_cap_share is not None:
                pairs, rhs = _share_of_start(m, [role_name], t, role.layoff_cap_share)
                m.add_policy(
                    "role_layoff_cap",
                    f"role_layoff_cap_r{ri}_t{t}",
                    t,
                    role_name,
                    pairs,
                    "<=",
                    rhs,
                    "people",
                    share=role.layoff_cap_share,
                )
            reds = [(m.reduced[role_name, u, t], 1.0) for u in d.units if (role_name, u, t) in m.reduced]
            if reds:
                m.add_policy(
                    "reduced_hours_cap",
                    f"reduced_cap_r{ri}_t{t}",
                    t,
                    role_name,
                    reds,
                    "<=",
                    role.reduced_hours_cap,
                    "people",
                )
        if policy.layoff_cap_share is not None:
            pairs, rhs = _share_of_start(m, list(d.roles), t, policy.layoff_cap_share)
            pairs = m.by_unit("layoff_margin", t, pairs)
            m.add_policy(
                "layoff_cap",
                f"layoff_cap_t{t}",
                t,
                "the whole workforce",
                pairs,
                "<=",
                rhs,
                "people",
                share=policy.layoff_cap_share,
            )
        if policy.layoff_cap_people is not None:
            pairs = [(v, 1.0) for (_, _, tt), v in m.layoffs.items() if tt == t]
            if pairs:
                m.add_policy(
                    "layoff_cap_people",
                    f"layoff_cap_people_t{t}",
                    t,
                    "the whole workforce",
                    pairs,
                    "<=",
                    policy.layoff_cap_people,
                    "people",
                )
        if policy.surplus_cap is not None:
            pairs = [
                (v, 1.0 / d.roles[r].hours_per_period)
                for (r, _, tt), v in m.idle.items()
                if tt == t and d.roles[r].hours_per_period > 0
            ]
            m.add_policy(
                "surplus_cap", f"surplus_cap_t{t}", t, "the whole workforce", pairs, "<=", policy.surplus_cap, "fte"
            )
        del label


def _share_of_start(m: PlanModel, roles: list[str], t: int, share: float) -> tuple[Pairs, float]:
    """Layoffs of ``roles`` in ``t`` minus ``share`` of their headcount at the start of ``t``.

    Returns the left side and the right side of the cap row."""
    d = m.data
    pairs: Pairs = [(m.layoffs[r, u, t], 1.0) for r in roles for u in d.units if (r, u, t) in m.layoffs]
    if t == 1:
        rhs = share * sum(d.start_count.get((r, u), 0.0) for r in roles for u in d.units)
    else:
        rhs = 0.0
        pairs += [(m.headcount[r, u, t - 1], -share) for r in roles for u in d.units]
    return pairs, rhs


def add_reskilling_limits(m: PlanModel, pos: _Positions) -> None:
    """Limits on reskilling: seats, the cap relative to the target role, eligibility.

    In words: starts on a path company-wide stay within its seats per period;
    starts in a unit stay within the path's share of the target role's
    headcount there at the end of the period; over the horizon, starts in a
    unit stay within the people there today whose skills meet the path's
    minimums.

    .. math::
        \\sum_u X_{p,u,t} \\le seats_p, \\quad X_{p,u,t} \\le cap_p N_{g(p),u,t}, \\quad
        \\sum_t X_{p,u,t} \\le eligible_{p,u}
    """
    d = m.data
    for path in d.paths:
        pi_ = pos.path[path.name]
        for t in d.periods:
            starts = [(m.starts[path.name, u, t], 1.0) for u in d.units if (path.name, u, t) in m.starts]
            if path.seats_per_period is not None and starts:
                m.add_policy("seats", f"seats_p{pi_}_t{t}", t, path.name, starts, "<=", path.seats_per_period, "people")
            if path.cap_share_of_target is not None:
                for unit in d.units:
                    if (path.name, unit, t) not in m.starts:
                        continue
                    m.add_policy(
                        "cap_vs_target",
                        f"cap_vs_target_p{pi_}_u{pos.unit[unit]}_t{t}",
                        t,
                        f"{path.name} in {unit}",
                        [
                            (m.starts[path.name, unit, t], 1.0),
                            (m.headcount[path.to_role, unit, t], -path.cap_share_of_target),
                        ],
                        "<=",
                        0.0,
                        "people",
                    )
        if path.eligible is None:
            continue
        for unit in d.units:
            eligible = path.eligible_in(unit)
            pairs = [(m.starts[path.name, unit, t], 1.0) for t in d.periods if (path.name, unit, t) in m.starts]
            if eligible is not None and pairs:
                m.add_policy(
                    "eligibility",
                    f"eligible_p{pi_}_u{pos.unit[unit]}",
                    None,
                    f"{path.name} in {unit}",
                    pairs,
                    "<=",
                    eligible,
                    "people",
                )


def add_ratios(m: PlanModel, pos: _Positions) -> None:
    """Minimum and maximum ratios between roles in every unit of a segment.

    In words: in each unit of the segment and each period, people of the role
    are at least (at most) the ratio times people of the other role.

    .. math::
        N_{a,u,t} \\ge min \\cdot N_{b,u,t}, \\qquad N_{a,u,t} \\le max \\cdot N_{b,u,t}
    """
    d = m.data
    for i, ratio in enumerate(d.plan_input.ratios):
        for unit in d.units:
            if d.segment_of[unit] != ratio.segment:
                continue
            for t in d.periods:
                role_n = m.headcount[ratio.role, unit, t]
                per_n = m.headcount[ratio.per_role, unit, t]
                subject = f"{ratio.role} per {ratio.per_role} in {unit}"
                ui = pos.unit[unit]
                if ratio.minimum is not None:
                    m.add_policy(
                        "ratio_min",
                        f"ratio_min_{i}_u{ui}_t{t}",
                        t,
                        subject,
                        [(role_n, 1.0), (per_n, -ratio.minimum)],
                        ">=",
                        0.0,
                        "people",
                        limit=ratio.minimum,
                    )
                if ratio.maximum is not None:
                    m.add_policy(
                        "ratio_max",
                        f"ratio_max_{i}_u{ui}_t{t}",
                        t,
                        subject,
                        [(role_n, 1.0), (per_n, -ratio.maximum)],
                        "<=",
                        0.0,
                        "people",
                        limit=ratio.maximum,
                    )


def add_human_share(m: PlanModel) -> None:
    """Minimum share of a segment's demand served by employees.

    .. math::
        \\sum_{u \\in g, r, w} e_{r,w} A_{r,u,w,t} \\ge share_g \\sum_{u \\in g, w} D_{u,w,t}
    """
    d = m.data
    rules = d.plan_input.policy.min_human_share
    if not rules:
        return
    demand: dict[tuple[str, int], float] = defaultdict(float)
    for (unit, _, t), dm in d.demand.items():
        demand[d.segment_of[unit], t] += dm.hours
    served: dict[tuple[str, int], Pairs] = defaultdict(list)
    for (r, u, w, t), var in m.allocated.items():
        served[d.segment_of[u], t].append((var, d.effectiveness[r, w]))
    for j, (segment, share) in enumerate(rules):
        for t in d.periods:
            total = demand.get((segment, t), 0.0)
            if total <= 0 or share <= 0:
                continue
            m.add_policy(
                "human_share",
                f"human_share_g{j}_t{t}",
                t,
                segment,
                m.by_unit(f"human_hours_g{j}", t, served.get((segment, t), [])),
                ">=",
                share * total,
                "hours",
                limit=share,
            )


def add_budget(m: PlanModel) -> None:
    """Budget per period: the period's spending within its budget.

    Spending is every cost component except the lost revenue of unmet demand,
    which is not paid out.

    .. math:: cost_t - penalty_t \\le B_t
    """
    d = m.data
    for t in d.periods:
        budget = d.plan_input.policy.budget[t - 1]
        if budget is None:
            continue
        expr = m.period_cost(t, spending_only=True)
        pairs = m.by_unit("spending", t, list(expr.items()))
        m.add_policy(
            "budget", f"budget_t{t}", t, "total cost", pairs, "<=", budget - expr.constant, "money", limit=budget
        )


def build_model(
    data: ModelData,
    *,
    whole_people: bool,
    mode: Mode = "plan",
    fixed_hires: dict[Key3, float] | None = None,
) -> PlanModel:
    """Build the planning model, one family at a time, in a fixed order.

    ``mode`` is ``plan`` (the optimisation), ``baseline`` (do-nothing: flows
    fixed, policies off, must-meet demand may go unmet) or ``elastic`` (every
    policy limit may be violated at a price, for the infeasibility diagnosis).
    The objective is set by the caller.
    """
    m = PlanModel(
        data=data,
        mode=mode,
        whole_people=whole_people and mode == "plan",
        problem=Problem(),
    )
    pos = _Positions(data)
    with collector_paused(keep=True):  # a million objects at the headline size, no cycles, kept for the solve
        add_decisions(m, pos, fixed_hires)
        add_accounting(m, pos)
        add_capacity(m, pos)
        add_external(m, pos)
        add_coverage(m, pos)
        add_costs(m)
        if mode == "baseline":
            return m
        add_workforce_limits(m, pos)
        add_reskilling_limits(m, pos)
        add_ratios(m, pos)
        add_human_share(m)
        add_budget(m)
    return m
