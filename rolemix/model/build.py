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
from rolemix.inputs import Copilot, ReskillPath
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
    expr = Expression(items)
    if len(expr) != len(items):
        # A column given more than once: add its coefficients up (a dictionary keeps only the last).
        merged = dict.fromkeys(expr, 0.0)  # in the order each column first appears
        for var, coef in items:
            merged[var] += coef
        expr = Expression(merged)
    if 0.0 in expr.values():
        expr = Expression([(v, c) for v, c in expr.items() if c != 0.0])
    if constant:
        expr.constant = constant
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
    _total_cost: Expression | None = None

    # -- small helpers ---------------------------------------------------
    def variable(
        self,
        registry: dict,  # type: ignore[type-arg]
        key: tuple[object, ...],
        unit: str,
        name: str,
        upper: float | None = None,
        integer: bool = False,
    ) -> Column:
        """Create a non-negative variable of ``unit``, register it under ``key`` and return it.

        About 190,000 calls at the headline size: the column is made here rather than through
        :meth:`Problem.add_column`, one call less each."""
        columns = self.problem.columns
        var = Column(len(columns), name, 0.0, upper, integer and self.whole_people)
        columns.append(var)
        registry[key] = var
        self.unit_of[var] = unit
        return var

    @property
    def integers(self) -> list[Column]:
        """The whole-number columns, in model order."""
        return [column for column in self.problem.columns if column.integer]

    def by_unit(self, kind: str, period: int, pairs: Iterable[tuple[Column, float]]) -> Pairs:
        """The same sum as ``pairs``, written as one variable per unit.

        A company-wide row over every unit's columns is dense; a per-unit sum ``z[u] = sum of u's terms`` (a
        row of the unit's own) plus a company-wide row over the ``z[u]`` keeps every row short, which the
        interior-point method needs at scale.
        """
        unit_of = self.unit_of
        grouped: dict[str, Pairs] = defaultdict(list)
        for pair in pairs:
            grouped[unit_of[pair[0]]].append(pair)
        if len(grouped) < 2:
            return pairs if isinstance(pairs, list) else [pair for terms in grouped.values() for pair in terms]
        return self.by_unit_grouped(kind, period, grouped)

    def by_unit_grouped(self, kind: str, period: int, grouped: dict[str, Pairs]) -> Pairs:
        """:meth:`by_unit` of terms already grouped by unit, the units in the order they first appear among the
        terms (a family that knows each term's unit saves looking 80,000 of them up)."""
        if len(grouped) < 2:
            return [pair for terms in grouped.values() for pair in terms]
        if not self._unit_positions:
            self._unit_positions.update((name, i) for i, name in enumerate(self.data.units))
        positions, columns, unit_of = self._unit_positions, self.problem.columns, self.unit_of
        out: Pairs = []
        for unit, terms in grouped.items():
            name = f"sum_{kind}_u{positions[unit]}_t{period}"
            total = Column(len(columns), name, None, None, False)
            columns.append(total)
            self.unit_sums[kind, unit, period] = total
            unit_of[total] = unit
            self.add(name, linear([*terms, (total, -1.0)]), EQ, 0.0)
            out.append((total, 1.0))
        return out

    def add(self, name: str, expr: Expression, sense: int, rhs: float) -> Row:
        """Add ``expr (sense) rhs`` under a unique deterministic name."""
        names = self._names
        if name in names:
            raise ValueError(f"duplicate constraint name {name}")
        names.add(name)
        rows = self.problem.rows
        row = Row(len(rows), name, expr, sense, rhs)
        rows.append(row)
        return row

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
        key = (component, period)
        self.cost_pairs[key].extend(pairs)
        self.cost_constant[key] += constant
        self._total_cost = None

    def cost_term(self, component: str, period: int, var: Column, coef: float) -> None:
        """Book one cost term, as ``cost(component, period, [(var, coef)])`` does (80,000 of them at the headline
        size).  Adding a constant of 0 leaves a booked constant as it is, so only the first booking of a
        component and period goes through :meth:`cost`."""
        booked = self.cost_pairs.get((component, period))
        if booked is None:
            self.cost(component, period, [(var, coef)])
        else:
            booked.append((var, coef))
            self._total_cost = None

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
        """Discounted total cost over the horizon (the least-cost objective).

        Worked out once (80,000 terms at the headline size, 0.1 s): the solve, the explanations and the
        baseline each ask for it once the costs are all booked.  Each caller gets a copy of its own."""
        if self._total_cost is None:
            pairs: Pairs = []
            constant = 0.0
            for t in self.data.periods:
                factor = self.data.discount[t]
                for component in COST_COMPONENTS:
                    pairs.extend((v, c * factor) for v, c in self.cost_pairs.get((component, t), []))
                    constant += factor * self.cost_constant.get((component, t), 0.0)
            self._total_cost = linear(pairs, constant)
        total = Expression(self._total_cost)
        if self._total_cost.constant:
            total.constant = self._total_cost.constant
        return total

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
    """Positions of names, and the name parts made of them (``_u17``) for the families that name many columns
    and rows: joining ready parts costs a third of formatting the numbers each time."""

    def __init__(self, data: ModelData) -> None:
        pi = data.plan_input
        self.role = {r.name: i for i, r in enumerate(pi.roles)}
        self.unit = {u.name: i for i, u in enumerate(pi.units)}
        self.work = {w.name: i for i, w in enumerate(pi.work_types)}
        self.path = {p.name: i for i, p in enumerate(pi.paths)}
        self.source = {s.name: i for i, s in enumerate(pi.sources)}
        self.copilot = {c.name: i for i, c in enumerate(pi.copilots)}
        self.role_tag = {name: f"_r{i}" for name, i in self.role.items()}
        self.unit_tag = {name: f"_u{i}" for name, i in self.unit.items()}
        self.work_tag = {name: f"_w{i}" for name, i in self.work.items()}
        self.period_tag = {t: f"_t{t}" for t in data.periods}


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
    variable, unit_tag, period_tag = m.variable, pos.unit_tag, pos.period_tag
    headcount, hires, layoffs, reduced = m.headcount, m.hires, m.layoffs, m.reduced
    for role_name, role in d.roles.items():
        role_tag = pos.role_tag[role_name]
        with_hires = role.hires_cap is None or role.hires_cap > 0
        hires_upper = _bound(m, role.hires_cap)
        with_reduced = role.reduced_hours_cap > 0
        reduced_upper = _bound(m, role.reduced_hours_cap)
        for unit in d.units:
            role_unit = role_tag + unit_tag[unit]
            for t in d.periods:
                key = (role_name, unit, t)
                tag = role_unit + period_tag[t]
                variable(headcount, key, unit, "N" + tag)
                if baseline:
                    assert fixed_hires is not None
                    value = fixed_hires[key]
                    hires[key] = m.problem.add_column("H" + tag, value, value)
                    continue
                if with_hires:
                    variable(hires, key, unit, "H" + tag, hires_upper, True)
                variable(layoffs, key, unit, "L" + tag, None, True)
                if with_reduced:
                    variable(reduced, key, unit, "Red" + tag, reduced_upper)
    if baseline:
        return
    for path in d.paths:
        path_tag = f"X_p{pos.path[path.name]}"
        for unit in d.units:
            eligible = path.eligible_in(unit)
            if eligible is not None and eligible <= 0:
                continue
            upper = path.seats_per_period
            if eligible is not None:
                upper = eligible if upper is None else min(upper, eligible)
            upper = _bound(m, upper)
            path_unit = path_tag + unit_tag[unit]
            for t in d.periods:
                variable(m.starts, (path.name, unit, t), unit, path_unit + period_tag[t], upper, True)
    for copilot in d.plan_input.copilots:
        copilot_tag = f"Seats_c{pos.copilot[copilot.name]}"
        for unit in d.units:
            for t in d.periods:
                if copilot.uplift * copilot.adoption[t - 1] > 0:
                    name = copilot_tag + unit_tag[unit] + period_tag[t]
                    variable(m.seats, (copilot.name, unit, t), unit, name, None, True)


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
    paths = {path.name: path for path in d.paths}
    flows: dict[Key3, Pairs] = defaultdict(list)
    for (path_name, unit, t), x in m.starts.items():
        path = paths[path_name]
        flows[path.from_role, unit, t].append((x, 1.0))  # leaves the role (moved to the left-hand side: +X)
        arrive = t + path.duration
        if arrive in d.discount:
            flows[path.to_role, unit, arrive].append((x, -path.completion_rate))
            if path.non_completers == "return":
                flows[path.from_role, unit, arrive].append((x, -(1.0 - path.completion_rate)))
    # The coefficients of N[t-1] and H, per role.
    stay = {role: -(1.0 - a) for role, a in d.attrition.items()}
    hire_stay = {role: -(1.0 - a1) for role, a1 in d.first_year_attrition.items()}
    headcount, hires, layoffs, unit_rows = m.headcount, m.hires, m.layoffs, m.unit_rows
    role_tag, unit_tag, period_tag = pos.role_tag, pos.unit_tag, pos.period_tag
    for key, n in headcount.items():
        role, unit, t = key
        pairs: Pairs = [(n, 1.0)]
        if t == 1:
            rhs = d.start_count.get((role, unit), 0.0) - d.start_attrition(role, unit)
        else:
            rhs = 0.0
            pairs.append((headcount[role, unit, t - 1], stay[role]))
        if (hire := hires.get(key)) is not None:
            pairs.append((hire, hire_stay[role]))
        if (layoff := layoffs.get(key)) is not None:
            pairs.append((layoff, 1.0))
        if key in flows:
            pairs += flows[key]
        row = m.add("headcount" + role_tag[role] + unit_tag[unit] + period_tag[t], linear(pairs), EQ, rhs)
        unit_rows.append((row, unit))


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
    copilots_of: dict[str, list[tuple[Copilot, str]]] = defaultdict(list)
    for copilot in d.plan_input.copilots:
        copilots_of[copilot.role].append((copilot, f"seats_within_c{pos.copilot[copilot.name]}"))
    works_by_role: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for role_key, work in d.effectiveness:
        works_by_role[role_key].append((work, pos.work_tag[work]))
    coached_by: dict[str, list[ReskillPath]] = defaultdict(list)
    for path in d.paths:
        if path.duration > 0 and path.coaching_hours > 0:
            coached_by[path.to_role].append(path)
    # The work types with demand in each unit and period (one look-up a row rather than one a role and work).
    demanded: dict[tuple[str, int], set[str]] = defaultdict(set)
    for (unit, work, t), demand in d.demand.items():
        if demand.hours > 0:
            demanded[unit, t].add(work)
    allocated, idles, reduced, seats = m.allocated, m.idle, m.reduced, m.seats
    unit_rows, unit_tag, period_tag = m.unit_rows, pos.unit_tag, pos.period_tag
    no_work: set[str] = set()
    for (role_name, unit, t), n in m.headcount.items():
        role = d.roles[role_name]
        tag = pos.role_tag[role_name] + unit_tag[unit]
        t_tag = period_tag[t]
        hours = role.hours_per_period
        pairs: Pairs = []
        works = demanded.get((unit, t), no_work)
        for work, work_tag in works_by_role.get(role_name, ()):
            if work in works:
                a = m.variable(allocated, (role_name, unit, work, t), unit, "A" + tag + work_tag + t_tag)
                pairs.append((a, 1.0))
        pairs.append((m.variable(idles, (role_name, unit, t), unit, "I" + tag + t_tag), 1.0))
        pairs.append((n, -hours))
        if role.ramp_productivity < 1.0:
            pairs += [(v, c * hours * (1.0 - role.ramp_productivity)) for v, c in ramping_pairs(m, role_name, unit, t)]
        red = reduced.get((role_name, unit, t))
        if red is not None:
            pairs.append((red, hours * (1.0 - role.reduced_hours_fte)))
            within = m.add("reduced_within" + tag + t_tag, linear([(red, 1.0), (n, -1.0)]), LE, 0.0)
            unit_rows.append((within, unit))
        for copilot, within_name in copilots_of.get(role_name, ()):
            seat = seats.get((copilot.name, unit, t))
            if seat is None:
                continue
            pairs.append((seat, -hours * copilot.uplift * copilot.adoption[t - 1]))
            within = m.add(within_name + unit_tag[unit] + t_tag, linear([(seat, 1.0), (n, -1.0)]), LE, 0.0)
            unit_rows.append((within, unit))
        coaching = [
            (v, c * path.coaching_hours)
            for path in coached_by.get(role_name, ())
            for v, c in training_pool(m, path.name, unit, t, path.duration)
        ]
        row = m.add("capacity" + tag + t_tag, linear(pairs + coaching), EQ, 0.0)
        if coaching:
            # Rounding starts up takes coaching hours the row may not have: the rounding repair may relax it.
            unit_rows.append((row, unit))


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
        units_in: dict[int, Pairs] = defaultdict(list)  # the source's units per period, for its cap
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
                        unit,
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
                    units = m.variable(m.ext_units, (source.name, unit, t), unit, f"K_s{si}_u{ui}_t{t}", integer=True)
                units_in[t].append((units, 1.0))
                if served:
                    m.add(
                        f"external_hours_s{si}_u{ui}_t{t}",
                        linear([*served, (units, -source.hours_per_unit)]),
                        LE,
                        0.0,
                    )
                m.cost_term("external", t, units, source.cost_per_unit)
        if source.max_units is not None and m.mode != "baseline":
            for t in d.periods:
                pairs = units_in.get(t, [])
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
    baseline, elastic = m.mode == "baseline", m.mode == "elastic"
    allocated, unmets, unit_rows = m.allocated, m.unmet, m.unit_rows
    unit_tag, work_tag, period_tag = pos.unit_tag, pos.work_tag, pos.period_tag
    for key, demand in d.demand.items():
        if demand.hours <= 0:
            continue
        unit, work, t = key
        tag = unit_tag[unit] + work_tag[work] + period_tag[t]
        pairs: Pairs = [
            (a, eff)
            for role, eff in roles_by_work.get(work, ())
            if (a := allocated.get((role, unit, work, t))) is not None
        ]
        if key in sources_by:
            pairs += sources_by[key]
        if not demand.must_meet or baseline:
            unmet = m.variable(unmets, key, unit, "U" + tag)
            pairs.append((unmet, 1.0))
            m.cost_term("unmet_penalty", t, unmet, demand.unmet_penalty_per_hour)
        elif elastic:
            unmet = m.variable(unmets, key, unit, "U" + tag)
            m.add_policy(
                "must_meet",
                "must_meet" + tag,
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
        row = m.add("coverage" + tag, linear(pairs), EQ, demand.hours)
        if demand.must_meet and key not in unmets:
            unit_rows.append((row, unit))


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
    cost_term, cost_per_year = m.cost_term, d.cost_per_year
    hires, layoffs, reduced, idles, starts = m.hires, m.layoffs, m.reduced, m.idle, m.starts
    for key, n in m.headcount.items():
        role_name, unit, t = key
        role = d.roles[role_name]
        cost_term("salaries", t, n, cost_per_year[role_name, unit] / ppy)
        if (hire := hires.get(key)) is not None:
            cost_term("hiring", t, hire, role.hiring_cost)
        if (layoff := layoffs.get(key)) is not None:
            cost_term("severance", t, layoff, role.severance)
        if (red := reduced.get(key)) is not None:
            cost_term("reduced_hours", t, red, role.reduced_hours_cost_per_year / ppy)
        if role.surplus_cost_per_year > 0 and role.hours_per_period > 0:
            cost_term("surplus", t, idles[key], role.surplus_cost_per_year / ppy / role.hours_per_period)
    for path in d.paths:
        for unit in d.units:
            for t in d.periods:
                if (start := starts.get((path.name, unit, t))) is not None:
                    cost_term("training", t, start, path.cost_per_person)
                pool = training_pool(m, path.name, unit, t, path.duration) if path.duration > 0 else []
                if pool:
                    rate = cost_per_year[path.from_role, unit] / ppy
                    m.cost("salaries", t, [(v, c * rate) for v, c in pool])
    copilot_cost = {c.name: c.seat_cost for c in d.plan_input.copilots}
    for (name, _, t), seat in m.seats.items():
        cost_term("copilots", t, seat, copilot_cost[name])


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
    # The terms of the company-wide caps, per period (one pass over the columns rather than one per period).
    layoffs_in: dict[int, Pairs] = defaultdict(list)
    if policy.layoff_cap_people is not None:
        for (_, _, t), v in m.layoffs.items():
            layoffs_in[t].append((v, 1.0))
    surplus_in: dict[int, Pairs] = defaultdict(list)
    if policy.surplus_cap is not None:
        for (r, _, t), v in m.idle.items():
            if d.roles[r].hours_per_period > 0:
                surplus_in[t].append((v, 1.0 / d.roles[r].hours_per_period))
    hires_at, reduced_at = _by_role_period(m.hires), _by_role_period(m.reduced)
    start = _Start(_by_role_period(m.layoffs), _by_role_period(m.headcount))
    for t in d.periods:
        label = d.label(t)
        for role_name, role in d.roles.items():
            ri = pos.role[role_name]
            hires = [(v, 1.0) for _, v in hires_at.get((role_name, t), ())]
            if role.hires_cap is not None and hires:
                m.add_policy("hires_cap", f"hires_cap_r{ri}_t{t}", t, role_name, hires, "<=", role.hires_cap, "people")
            if role.layoff_cap_share is not None:
                pairs, _, rhs = _share_of_start(m, start, [role_name], t, role.layoff_cap_share)
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
            reds = [(v, 1.0) for _, v in reduced_at.get((role_name, t), ())]
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
            pairs, units, rhs = _share_of_start(m, start, list(d.roles), t, policy.layoff_cap_share)
            grouped: dict[str, Pairs] = defaultdict(list)
            for pair, unit in zip(pairs, units, strict=True):
                grouped[unit].append(pair)
            if len(grouped) > 1:  # m.by_unit("layoff_margin", t, pairs), each term's unit known
                pairs = m.by_unit_grouped("layoff_margin", t, grouped)
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
            pairs = layoffs_in.get(t, [])
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
            pairs = surplus_in.get(t, [])
            m.add_policy(
                "surplus_cap", f"surplus_cap_t{t}", t, "the whole workforce", pairs, "<=", policy.surplus_cap, "fte"
            )
        del label


def _by_role_period(registry: dict[Key3, Column]) -> dict[tuple[str, int], list[tuple[str, Column]]]:
    """The columns of a (role, unit, period) registry per role and period, with their units.

    The units are in model order, as the registry holds them (:func:`add_decisions` makes them role by role,
    unit by unit, period by period): a cap over the units reads one list instead of looking up every unit."""
    out: dict[tuple[str, int], list[tuple[str, Column]]] = defaultdict(list)
    for (role, unit, t), var in registry.items():
        out[role, t].append((unit, var))
    return out


@dataclass
class _Start:
    """Layoffs and headcount per role and period (:func:`_by_role_period`), for the layoff caps."""

    layoffs: dict[tuple[str, int], list[tuple[str, Column]]]
    headcount: dict[tuple[str, int], list[tuple[str, Column]]]


def _share_of_start(
    m: PlanModel, start: _Start, roles: list[str], t: int, share: float
) -> tuple[Pairs, list[str], float]:
    """Layoffs of ``roles`` in ``t`` minus ``share`` of their headcount at the start of ``t``.

    Returns the left side of the cap row, the unit of each of its terms, and the right side."""
    d = m.data
    terms = [uv for r in roles for uv in start.layoffs.get((r, t), ())]
    pairs: Pairs = [(v, 1.0) for _, v in terms]
    if t == 1:
        rhs = share * sum(d.start_count.get((r, u), 0.0) for r in roles for u in d.units)
    else:
        rhs = 0.0
        before = [uv for r in roles for uv in start.headcount[r, t - 1]]
        pairs += [(v, -share) for _, v in before]
        terms += before
    return pairs, [u for u, _ in terms], rhs


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
            starts = [(v, 1.0) for u in d.units if (v := m.starts.get((path.name, u, t))) is not None]
            if path.seats_per_period is not None and starts:
                m.add_policy("seats", f"seats_p{pi_}_t{t}", t, path.name, starts, "<=", path.seats_per_period, "people")
            if path.cap_share_of_target is not None:
                for unit in d.units:
                    if (start := m.starts.get((path.name, unit, t))) is None:
                        continue
                    m.add_policy(
                        "cap_vs_target",
                        f"cap_vs_target_p{pi_}_u{pos.unit[unit]}_t{t}",
                        t,
                        f"{path.name} in {unit}",
                        [(start, 1.0), (m.headcount[path.to_role, unit, t], -path.cap_share_of_target)],
                        "<=",
                        0.0,
                        "people",
                    )
        if path.eligible is None:
            continue
        for unit in d.units:
            eligible = path.eligible_in(unit)
            pairs = [(v, 1.0) for t in d.periods if (v := m.starts.get((path.name, unit, t))) is not None]
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
    # Hours served per segment and period, grouped by unit for by_unit_grouped.  The allocations of a role, unit
    # and period come one after the other: their list is looked up once.
    served: dict[tuple[str, int], dict[str, Pairs]] = defaultdict(dict)
    segment_of, effectiveness = d.segment_of, d.effectiveness
    terms: Pairs = []
    last: tuple[str, int] | None = None
    for (r, u, w, t), var in m.allocated.items():
        if last is None or u != last[0] or t != last[1]:
            last = (u, t)
            terms = served[segment_of[u], t].setdefault(u, [])
        terms.append((var, effectiveness[r, w]))
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
                m.by_unit_grouped(f"human_hours_g{j}", t, served.get((segment, t), {})),
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
        pairs = m.by_unit("spending", t, expr.items())
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
