"""An independent check of a solved plan: every identity and every limit, recomputed from the rows.

The checker never looks at the model's expressions.  It takes the plan input
and the plain result rows of a :class:`~rolemix.results.PlanResult`, recomputes
each equation of the planning model (``docs/model.md``) with its own
arithmetic, and returns one sentence per violation in words a planner can
check by hand.  An empty list means the plan is consistent.

Two numbers agree when they differ by at most ``tolerance`` times the largest
magnitude involved (at least 1): a relative tolerance for large amounts and an
absolute one near zero.  Whole numbers are checked with ``tolerance`` as an
absolute distance to the nearest integer.

Pure Python: no PuLP, pandas or openpyxl.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rolemix.inputs import Copilot, ExternalSource, PlanInput, ReskillPath, Role
from rolemix.results import (
    COST_COMPONENTS,
    COST_LABELS,
    CoverageRow,
    PeriodCost,
    PlanResult,
    PlanRow,
    ReskillRow,
    SourceRow,
)

__all__ = ["check_plan", "number", "people", "per_period_rate", "share"]

Key3 = tuple[str, str, int]


def check_plan(result: PlanResult, tolerance: float = 1e-6) -> list[str]:
    """Recompute every accounting identity and policy limit of a solved plan.

    Parameters
    ----------
    result
        A solved plan: its ``plan_input`` and its rows.
    tolerance
        Largest relative difference (absolute below magnitude 1) that still
        counts as equal; also the largest distance to a whole number that still
        counts as whole.

    Returns
    -------
    list of str
        One planner-readable sentence per violation, in a fixed order
        (structure, headcount accounting, reskilling, capacity, coverage,
        external capacity, limits, whole numbers, costs).  Empty when the plan
        is consistent, and when the result carries no plan at all.
    """
    if not result.outcome.has_plan and not result.plan:
        return []
    checker = _Checker(result, tolerance)
    checker.run()
    return checker.problems


def per_period_rate(rate_per_year: float, periods_per_year: int) -> float:
    """The per-period rate that compounds to ``rate_per_year`` over a year: ``1 - (1 - rate)^(1/ppy)``."""
    return 1.0 - float((1.0 - rate_per_year) ** (1.0 / periods_per_year))


def number(value: float) -> str:
    """A number as a planner reads it: thousands separated, at most four decimals, no trailing zeros."""
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def people(value: float) -> str:
    """A count of people in words: ``1 person``, ``10.6 people``."""
    text = number(value)
    return f"{text} person" if text == "1" else f"{text} people"


def share(value: float) -> str:
    """A share as a percentage with at most four significant digits (``0.25`` is ``25%``)."""
    return f"{value * 100:.4g}%"


@dataclass
class _Checker:
    """State of one check: the result, indexes of its rows, and the sentences found so far."""

    result: PlanResult
    tolerance: float
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        pi = self.result.plan_input
        self.pi: PlanInput = pi
        self.ppy = pi.settings.periods_per_year
        self.periods = tuple(range(1, pi.periods + 1))
        self.roles: dict[str, Role] = {role.name: role for role in pi.roles}
        self.units: tuple[str, ...] = tuple(unit.name for unit in pi.units)
        self.segment_of = {unit.name: unit.segment for unit in pi.units}
        self.paths: dict[str, ReskillPath] = {path.name: path for path in pi.paths}
        self.sources: dict[str, ExternalSource] = {source.name: source for source in pi.sources}
        self.effect: dict[tuple[str, str], float] = {(r, w): e for r, w, e in pi.effectiveness if e > 0}
        self.copilots_of: dict[str, list[Copilot]] = defaultdict(list)
        for copilot in pi.copilots:
            self.copilots_of[copilot.role].append(copilot)
        self.today: dict[tuple[str, str], float] = defaultdict(float)
        self.young: dict[tuple[str, str], float] = defaultdict(float)
        self.cost_per_year: dict[tuple[str, str], float] = {
            (role.name, unit): role.loaded_cost_per_year for role in pi.roles for unit in self.units
        }
        for cohort in pi.start:
            self.today[cohort.role, cohort.unit] += cohort.count
            self.young[cohort.role, cohort.unit] += cohort.under_one_year
            self.cost_per_year[cohort.role, cohort.unit] = cohort.cost_per_year
        self.demand = {(d.unit, d.work_type, d.period): d for d in pi.demand}
        self.rows: dict[Key3, PlanRow] = {}
        self.coverage: dict[Key3, CoverageRow] = {}
        self.reskill: dict[Key3, ReskillRow] = {}
        self.source_rows: dict[Key3, SourceRow] = {}
        self.costs: dict[int, PeriodCost] = {}

    # -- helpers -----------------------------------------------------------
    def say(self, sentence: str) -> None:
        self.problems.append(sentence)

    def label(self, period: int) -> str:
        return "today" if period == 0 else self.pi.period_labels[period - 1]

    def where(self, role: str, unit: str, period: int) -> str:
        return f"{role} in {unit}, {self.label(period)}"

    def differ(self, value: float, expected: float, *terms: float) -> bool:
        """True when ``value`` and ``expected`` differ beyond the tolerance scaled by every term involved."""
        scale = max(1.0, abs(value), abs(expected), *(abs(x) for x in terms))
        return abs(value - expected) > self.tolerance * scale

    def above(self, value: float, limit: float, *terms: float) -> bool:
        """True when ``value`` exceeds ``limit`` beyond the tolerance."""
        scale = max(1.0, abs(value), abs(limit), *(abs(x) for x in terms))
        return value - limit > self.tolerance * scale

    def negative(self, value: float) -> bool:
        return value < -self.tolerance * max(1.0, abs(value))

    def fractional(self, value: float) -> bool:
        return abs(value - round(value)) > self.tolerance

    def end(self, role: str, unit: str, period: int) -> float:
        """Headcount at the end of ``period`` (today's count for period 0); 0 where the row is missing."""
        if period == 0:
            return self.today.get((role, unit), 0.0)
        row = self.rows.get((role, unit, period))
        return row.end if row is not None else 0.0

    def started(self, path: str, unit: str, period: int) -> float:
        row = self.reskill.get((path, unit, period))
        return row.started if row is not None else 0.0

    # -- the families, in order ----------------------------------------------
    def run(self) -> None:
        self.check_structure()
        self.check_accounting()
        self.check_reskilling()
        self.check_capacity()
        self.check_coverage()
        self.check_external()
        self.check_workforce_limits()
        self.check_reskilling_limits()
        self.check_ratios_and_shares()
        self.check_whole_numbers()
        self.check_costs()

    def check_structure(self) -> None:
        """Exactly one row per role, unit and period; one coverage row per demand; one cost line per period."""
        counts: dict[Key3, int] = defaultdict(int)
        for row in self.result.plan:
            key = (row.role, row.unit, row.period)
            counts[key] += 1
            if row.role not in self.roles or row.unit not in self.units or row.period not in self.periods:
                self.say(f"The plan has a row for {row.role} in {row.unit}, period {row.period}, unknown to the input.")
                continue
            self.rows[key] = row
        for role in self.roles:
            for unit in self.units:
                for t in self.periods:
                    n = counts.get((role, unit, t), 0)
                    if n == 0:
                        self.say(f"The plan has no row for {self.where(role, unit, t)}.")
                    elif n > 1:
                        self.say(f"The plan has {n} rows for {self.where(role, unit, t)}; expected one.")
        for cov in self.result.coverage:
            key = (cov.unit, cov.work_type, cov.period)
            if key not in self.demand:
                self.say(
                    f"The coverage has a row for {cov.work_type} demand in {cov.unit}, period {cov.period}, "
                    "which the input does not ask for."
                )
                continue
            if key in self.coverage:
                where = f"{cov.work_type} demand in {cov.unit}, {self.label(cov.period)}"
                self.say(f"The coverage has more than one row for {where}.")
            self.coverage[key] = cov
        for key in self.demand:
            if key not in self.coverage:
                unit, work, t = key
                self.say(f"The coverage has no row for {work} demand in {unit}, {self.label(t)}.")
        for resk in self.result.reskilling:
            if resk.path not in self.paths or resk.unit not in self.units or resk.period not in self.periods:
                self.say(
                    f"The reskilling has a row for {resk.path} in {resk.unit}, period {resk.period}, "
                    "unknown to the input."
                )
                continue
            self.reskill[resk.path, resk.unit, resk.period] = resk
        for src in self.result.sources:
            if src.source not in self.sources or src.unit not in self.units or src.period not in self.periods:
                self.say(
                    f"The external capacity has a row for {src.source} in {src.unit}, period {src.period}, "
                    "unknown to the input."
                )
                continue
            self.source_rows[src.source, src.unit, src.period] = src
        for cost in self.result.costs:
            self.costs[cost.period] = cost
        for t in self.periods:
            if t not in self.costs:
                self.say(f"The cost summary has no line for {self.label(t)}.")

    def check_accounting(self) -> None:
        """Start = previous end; attrition from the rates; hires who stay; the end identity; no negative people.

        ``N[t] = N[t-1] - Att[t] + H[t](1-a1) - L[t] - out[t] + in[t] + back[t]``, with
        ``Att[1] = (N0 - Y) a + Y a1`` and ``Att[t] = N[t-1] a`` later.
        """
        for (role_name, unit, t), row in sorted(self.rows.items()):
            role = self.roles[role_name]
            where = self.where(role_name, unit, t)
            a = per_period_rate(role.attrition_per_year, self.ppy)
            a1 = per_period_rate(role.first_year_attrition_per_year, self.ppy)
            previous = self.end(role_name, unit, t - 1)
            if self.differ(row.start, previous):
                before = "today's headcount is" if t == 1 else f"{self.label(t - 1)} ended with"
                self.say(f"{where}: starts with {people(row.start)}, but {before} {number(previous)}.")
            if t == 1:
                young = self.young.get((role_name, unit), 0.0)
                leavers = (previous - young) * a + young * a1
            else:
                leavers = previous * a
            if self.differ(row.attrition, leavers, previous):
                self.say(
                    f"{where}: expected leavers are {number(row.attrition)}, but the attrition rates give "
                    f"{number(leavers)}."
                )
            stay = row.hires * (1.0 - a1)
            if self.differ(row.hires_retained, stay, row.hires):
                self.say(
                    f"{where}: {number(row.hires_retained)} hires stay their first period, but "
                    f"{number(row.hires)} hires at the first-year attrition rate give {number(stay)}."
                )
            terms = [row.start, row.attrition, row.hires_retained, row.layoffs]
            terms += [row.reskilled_out, row.reskilled_in, row.returned]
            expected = row.start - row.attrition + row.hires_retained - row.layoffs
            expected += -row.reskilled_out + row.reskilled_in + row.returned
            if self.differ(row.end, expected, *terms):
                self.say(
                    f"{where}: ends with {people(row.end)}, but start minus leavers plus hires who stay "
                    f"minus layoffs minus reskilled out plus reskilled in plus returned gives {number(expected)}."
                )
            for label, value in (
                ("end headcount", row.end),
                ("hires", row.hires),
                ("layoffs", row.layoffs),
                ("people on reduced hours", row.reduced_hours),
                ("copilot seats", row.copilot_seats),
                ("allocated hours", row.allocated_hours),
                ("surplus FTE", row.surplus_fte),
            ):
                if self.negative(value):
                    self.say(f"{where}: {label} is negative ({number(value)}).")

    def check_reskilling(self) -> None:
        """Reskilling rows follow from the starts; plan rows carry their sums.

        ``Arrive[t] = kappa X[t-d]``, ``Back`` or ``Left = (1-kappa) X[t-d]``,
        ``Train[t] = sum X[t-d+1..t]`` (0 when ``d = 0``), training cost ``= fee X``.
        A missing reskilling row counts as nobody starting.
        """
        out: dict[Key3, float] = defaultdict(float)
        arrive: dict[Key3, float] = defaultdict(float)
        back: dict[Key3, float] = defaultdict(float)
        pool: dict[Key3, float] = defaultdict(float)
        for path in self.pi.paths:
            for unit in self.units:
                for t in self.periods:
                    earlier = self.started(path.name, unit, t - path.duration) if t - path.duration >= 1 else 0.0
                    completed = path.completion_rate * earlier
                    not_done = (1.0 - path.completion_rate) * earlier
                    returned = not_done if path.non_completers == "return" else 0.0
                    left = not_done - returned
                    first = max(1, t - path.duration + 1)
                    training = sum(self.started(path.name, unit, s) for s in range(first, t + 1))
                    training = training if path.duration > 0 else 0.0
                    out[path.from_role, unit, t] += self.started(path.name, unit, t)
                    arrive[path.to_role, unit, t] += completed
                    back[path.from_role, unit, t] += returned
                    pool[path.from_role, unit, t] += training
                    resk = self.reskill.get((path.name, unit, t))
                    if resk is None:
                        continue
                    where = f"{path.name} in {unit}, {self.label(t)}"
                    if self.negative(resk.started):
                        self.say(f"{where}: people starting is negative ({number(resk.started)}).")
                    for value, expected, what in (
                        (resk.completed, completed, "complete, but the completion rate gives"),
                        (resk.returned, returned, "return to their role, but the path gives"),
                        (resk.left, left, "leave, but the path gives"),
                    ):
                        if self.differ(value, expected, earlier):
                            self.say(f"{where}: {people(value)} {what} {number(expected)}.")
                    if self.differ(resk.in_training, training):
                        self.say(
                            f"{where}: {people(resk.in_training)} in training, but the starts of the last "
                            f"{path.duration} periods give {number(training)}."
                        )
                    fee = path.cost_per_person * resk.started
                    if self.differ(resk.training_cost, fee):
                        self.say(
                            f"{where}: training cost is {number(resk.training_cost)}, but {number(resk.started)} "
                            f"starts at {number(path.cost_per_person)} each give {number(fee)}."
                        )
        for key, row in sorted(self.rows.items()):
            where = self.where(*key)
            for label, value, expected in (
                ("reskilled out", row.reskilled_out, out.get(key, 0.0)),
                ("reskilled in", row.reskilled_in, arrive.get(key, 0.0)),
                ("returned from reskilling", row.returned, back.get(key, 0.0)),
                ("in training", row.in_training, pool.get(key, 0.0)),
            ):
                if self.differ(value, expected):
                    self.say(f"{where}: {number(value)} {label}, but the reskilling rows give {number(expected)}.")

    def check_capacity(self) -> None:
        """Ramping, capacity hours, reduced hours and seats within headcount, allocation within capacity.

        ``Cap = h (N - (1-rho) Ramping - (1-fte) Red) + sum_c h uplift_c adopt_c Seats_c - Coaching`` and
        ``allocated + surplus FTE x h = Cap``, where ``Coaching`` is ``coaching hours x people in training``
        (the starts of the last ``d`` periods) summed over the paths into the role.
        """
        coaching: dict[Key3, float] = defaultdict(float)
        for path in self.pi.paths:
            if path.duration <= 0 or path.coaching_hours <= 0:
                continue
            for unit in self.units:
                for t in self.periods:
                    first = max(1, t - path.duration + 1)
                    training = sum(self.started(path.name, unit, s) for s in range(first, t + 1))
                    coaching[path.to_role, unit, t] += path.coaching_hours * training
        allocated: dict[Key3, float] = defaultdict(float)
        for (unit, work, t), cov in self.coverage.items():
            for role_name, hours in cov.served_by_role:
                effect = self.effect.get((role_name, work), 0.0)
                if effect > 0:
                    allocated[role_name, unit, t] += hours / effect
        for key, row in sorted(self.rows.items()):
            role_name, unit, t = key
            role = self.roles[role_name]
            where = self.where(*key)
            hours = role.hours_per_period
            keep = 1.0 - per_period_rate(role.first_year_attrition_per_year, self.ppy)
            ramping = 0.0
            if role.ramp_periods > 0:
                for s in range(max(1, t - role.ramp_periods + 1), t + 1):
                    earlier = self.rows.get((role_name, unit, s))
                    ramping += earlier.hires * keep if earlier is not None else 0.0
            if self.differ(row.ramping, ramping):
                self.say(
                    f"{where}: {people(row.ramping)} ramping, but hires of the last {role.ramp_periods} "
                    f"periods who stayed give {number(ramping)}."
                )
            present = row.end - (1.0 - role.ramp_productivity) * ramping
            present -= (1.0 - role.reduced_hours_fte) * row.reduced_hours
            coached = coaching.get(key, 0.0)
            base = hours * present - coached
            scale = max(hours * row.end, coached)
            copilots = self.copilots_of.get(role_name, [])
            sources = "headcount, ramping, reduced hours and copilot seats"
            if coached:
                sources = "headcount, ramping, reduced hours, copilot seats and coaching"
            if len(copilots) <= 1:
                uplift = sum(hours * c.uplift * c.adoption[t - 1] * row.copilot_seats for c in copilots)
                expected = base + uplift
                if self.differ(row.capacity_hours, expected, scale, uplift):
                    self.say(
                        f"{where}: capacity is {number(row.capacity_hours)} hours, but {sources} give "
                        f"{number(expected)}."
                    )
            else:
                # Seats are reported per role, not per copilot: the uplift can only be bounded.
                factors = [c.uplift * c.adoption[t - 1] for c in copilots]
                low = base + hours * min(factors) * row.copilot_seats
                high = base + hours * max(factors) * row.copilot_seats
                if self.above(low, row.capacity_hours, scale) or self.above(row.capacity_hours, high, scale):
                    self.say(
                        f"{where}: capacity is {number(row.capacity_hours)} hours, outside the {number(low)} to "
                        f"{number(high)} hours that {sources} allow."
                    )
            if coached > 0 and self.negative(row.capacity_hours):
                self.say(
                    f"{where}: the people in training on paths into {role_name} need {number(coached)} coaching "
                    f"hours, more than the {number(row.capacity_hours + coached)} hours its people give."
                )
            on_board = f"the {people(row.end)} on board"
            if self.above(row.reduced_hours, row.end):
                self.say(f"{where}: {people(row.reduced_hours)} on reduced hours, more than {on_board}.")
            if copilots and self.above(row.copilot_seats, len(copilots) * row.end):
                self.say(f"{where}: {number(row.copilot_seats)} copilot seats, more than {on_board}.")
            if not copilots and self.above(row.copilot_seats, 0.0):
                self.say(f"{where}: {number(row.copilot_seats)} copilot seats, but {role_name} has no copilot.")
            if hours > 0:
                idle = row.surplus_fte * hours
                total = row.allocated_hours + idle
                if self.differ(total, row.capacity_hours, row.allocated_hours, idle):
                    self.say(
                        f"{where}: {number(row.allocated_hours)} hours allocated plus {number(row.surplus_fte)} "
                        f"surplus FTE ({number(idle)} hours) do not add up to the capacity of "
                        f"{number(row.capacity_hours)} hours."
                    )
            elif self.differ(row.allocated_hours, 0.0) or self.differ(row.capacity_hours, 0.0):
                self.say(
                    f"{where}: {role_name} has no productive hours, but the capacity is "
                    f"{number(row.capacity_hours)} hours."
                )
            if self.above(row.allocated_hours, row.capacity_hours):
                self.say(
                    f"{where}: {number(row.allocated_hours)} hours allocated exceed the capacity of "
                    f"{number(row.capacity_hours)} hours."
                )
            by_coverage = allocated.get(key, 0.0)
            if self.differ(row.allocated_hours, by_coverage):
                self.say(
                    f"{where}: {number(row.allocated_hours)} hours allocated, but the coverage rows give "
                    f"{number(by_coverage)}."
                )

    def check_coverage(self) -> None:
        """Demand as asked, served by roles, sources and unmet hours in full; must-meet demand fully served."""
        for key in _sorted(self.coverage):
            cov = self.coverage[key]
            unit, work, t = key
            asked = self.demand[key]
            where = f"{work} demand in {unit}, {self.label(t)}"
            if self.differ(cov.demand, asked.hours):
                self.say(
                    f"{where}: the coverage shows {number(cov.demand)} hours, but the input asks for "
                    f"{number(asked.hours)}."
                )
            by_roles = sum(hours for _, hours in cov.served_by_role)
            by_sources = sum(hours for _, hours in cov.served_by_source)
            total = by_roles + by_sources + cov.unmet
            if self.differ(total, asked.hours, by_roles, by_sources, cov.unmet):
                self.say(
                    f"{where}: {number(asked.hours)} hours asked for, but {number(by_roles)} served by roles plus "
                    f"{number(by_sources)} served by external capacity plus {number(cov.unmet)} unmet give "
                    f"{number(total)}."
                )
            for role_name, hours in cov.served_by_role:
                if self.negative(hours):
                    self.say(f"{where}: {role_name} serves a negative number of hours ({number(hours)}).")
                elif self.effect.get((role_name, work), 0.0) <= 0 and self.above(hours, 0.0):
                    self.say(f"{where}: {role_name} serves {number(hours)} hours but cannot do this work.")
            for source_name, hours in cov.served_by_source:
                if self.negative(hours):
                    self.say(f"{where}: {source_name} serves a negative number of hours ({number(hours)}).")
            if self.negative(cov.unmet):
                self.say(f"{where}: unmet hours are negative ({number(cov.unmet)}).")
            if asked.must_meet and self.above(cov.unmet, 0.0, asked.hours):
                self.say(f"{where}: must be met, but {number(cov.unmet)} hours are unmet.")

    def check_external(self) -> None:
        """External sources: scope and share of demand, hours within units, unit cost, unit cap.

        ``S <= max_share x adoption x D``; ``sum_w S <= hours_per_unit x K``; ``sum_u K <= max_units``.
        """
        served: dict[Key3, float] = defaultdict(float)
        for key in _sorted(self.coverage):
            cov = self.coverage[key]
            unit, work, t = key
            where = f"{work} demand in {unit}, {self.label(t)}"
            for source_name, hours in cov.served_by_source:
                source = self.sources.get(source_name)
                if source is None:
                    self.say(f"{where}: {source_name} serves {number(hours)} hours, but the input has no such source.")
                    continue
                served[source_name, unit, t] += hours
                segment = self.segment_of[unit]
                rules = [r.max_share for r in source.scope if r.work_type == work and r.segment == segment]
                if not rules:
                    if self.above(hours, 0.0):
                        self.say(f"{where}: {source_name} serves {number(hours)} hours outside its scope.")
                    continue
                adoption = source.adoption[t - 1]
                limit = max(rules) * adoption * cov.demand
                if self.above(hours, limit, cov.demand):
                    self.say(
                        f"{where}: {source_name} serves {number(hours)} hours, above its limit of {number(limit)} "
                        f"hours ({share(max(rules))} of demand at {share(adoption)} adoption)."
                    )
        for key in _sorted(set(served) | set(self.source_rows)):
            source_name, unit, t = key
            source = self.sources[source_name]
            where = f"{source_name} in {unit}, {self.label(t)}"
            src = self.source_rows.get(key)
            units = src.units if src is not None else 0.0
            hours = served.get(key, 0.0)
            available = source.hours_per_unit * units
            if src is not None:
                if self.negative(src.units):
                    self.say(f"{where}: {number(src.units)} units, a negative number.")
                if self.differ(src.hours_available, available):
                    self.say(
                        f"{where}: {number(src.hours_available)} hours available, but {number(units)} units of "
                        f"{number(source.hours_per_unit)} hours give {number(available)}."
                    )
                if self.differ(src.hours_served, hours):
                    self.say(
                        f"{where}: {number(src.hours_served)} hours served, but the coverage rows give {number(hours)}."
                    )
                cost = source.cost_per_unit * units
                if self.differ(src.cost, cost):
                    self.say(
                        f"{where}: costs {number(src.cost)}, but {number(units)} units at "
                        f"{number(source.cost_per_unit)} give {number(cost)}."
                    )
            if self.above(hours, available):
                self.say(
                    f"{where}: serves {number(hours)} hours, above the {number(available)} hours its units deliver."
                )
        for source in self.pi.sources:
            if source.max_units is None:
                continue
            for t in self.periods:
                in_use = sum(src.units for (s, _, tt), src in self.source_rows.items() if s == source.name and tt == t)
                if self.above(in_use, source.max_units):
                    self.say(
                        f"{source.name}, {self.label(t)}: {number(in_use)} units in use, above the limit of "
                        f"{number(source.max_units)}."
                    )

    def check_workforce_limits(self) -> None:
        """Layoff caps (company share, people, per role), hires caps, reduced-hours caps, surplus cap."""
        policy = self.pi.policy
        for t in self.periods:
            label = self.label(t)
            rows = [row for (_, _, tt), row in sorted(self.rows.items()) if tt == t]
            layoffs = sum(row.layoffs for row in rows)
            at_start = sum(self.end(r, u, t - 1) for r in self.roles for u in self.units)
            if policy.layoff_cap_share is not None:
                cap = policy.layoff_cap_share * at_start
                if self.above(layoffs, cap, at_start):
                    self.say(
                        f"{label}: {number(layoffs)} layoffs, above the cap of {number(cap)} "
                        f"({share(policy.layoff_cap_share)} of the {people(at_start)} at the start "
                        "of the period)."
                    )
            if policy.layoff_cap_people is not None and self.above(layoffs, policy.layoff_cap_people):
                self.say(
                    f"{label}: {number(layoffs)} layoffs, above the cap of {number(policy.layoff_cap_people)} people."
                )
            if policy.surplus_cap is not None:
                surplus = sum(row.surplus_fte for row in rows)
                if self.above(surplus, policy.surplus_cap):
                    self.say(f"{label}: {number(surplus)} surplus FTE, above the cap of {number(policy.surplus_cap)}.")
            for role_name, role in self.roles.items():
                mine = [row for row in rows if row.role == role_name]
                if role.layoff_cap_share is not None:
                    role_start = sum(self.end(role_name, u, t - 1) for u in self.units)
                    role_layoffs = sum(row.layoffs for row in mine)
                    cap = role.layoff_cap_share * role_start
                    if self.above(role_layoffs, cap, role_start):
                        self.say(
                            f"{role_name}, {label}: {number(role_layoffs)} layoffs, above the cap of {number(cap)} "
                            f"({share(role.layoff_cap_share)} of the {people(role_start)} at the start "
                            "of the period)."
                        )
                hires = sum(row.hires for row in mine)
                if role.hires_cap is not None and self.above(hires, role.hires_cap):
                    self.say(f"{role_name}, {label}: {number(hires)} hires, above the cap of {number(role.hires_cap)}.")
                reduced = sum(row.reduced_hours for row in mine)
                if self.above(reduced, role.reduced_hours_cap):
                    self.say(
                        f"{role_name}, {label}: {people(reduced)} on reduced hours, above the cap of "
                        f"{number(role.reduced_hours_cap)}."
                    )

    def check_reskilling_limits(self) -> None:
        """Seats per period, cap versus the target role's end headcount, eligibility over the horizon."""
        for path in self.pi.paths:
            for t in self.periods:
                label = self.label(t)
                starts = sum(self.started(path.name, u, t) for u in self.units)
                seats = path.seats_per_period
                if seats is not None and self.above(starts, seats):
                    self.say(f"{path.name}, {label}: {people(starts)} start, above the {number(seats)} seats.")
                if path.cap_share_of_target is None:
                    continue
                for unit in self.units:
                    started = self.started(path.name, unit, t)
                    target = self.end(path.to_role, unit, t)
                    cap = path.cap_share_of_target * target
                    if self.above(started, cap, target):
                        self.say(
                            f"{path.name} in {unit}, {label}: {people(started)} start, above "
                            f"{share(path.cap_share_of_target)} of the {number(target)} {path.to_role} there "
                            f"({number(cap)})."
                        )
            if path.eligible is None:
                continue
            for unit in self.units:
                eligible = path.eligible_in(unit)
                total = sum(self.started(path.name, unit, t) for t in self.periods)
                if eligible is not None and self.above(total, eligible):
                    self.say(
                        f"{path.name} in {unit}: {people(total)} start over the horizon, above the "
                        f"{number(eligible)} who are eligible."
                    )

    def check_ratios_and_shares(self) -> None:
        """Role ratios in every unit of a segment; the minimum human share of each segment's demand."""
        for ratio in self.pi.ratios:
            for unit in self.units:
                if self.segment_of[unit] != ratio.segment:
                    continue
                for t in self.periods:
                    counted = self.end(ratio.role, unit, t)
                    per = self.end(ratio.per_role, unit, t)
                    where = f"{ratio.role} per {ratio.per_role} in {unit}, {self.label(t)}"
                    mix = f"{number(counted)} {ratio.role} for {number(per)} {ratio.per_role}"
                    if ratio.minimum is not None and self.above(ratio.minimum * per, counted, per):
                        self.say(f"{where}: {mix} is below the minimum ratio of {number(ratio.minimum)}.")
                    if ratio.maximum is not None and self.above(counted, ratio.maximum * per, per):
                        self.say(f"{where}: {mix} is above the maximum ratio of {number(ratio.maximum)}.")
        for segment, minimum in self.pi.policy.min_human_share:
            for t in self.periods:
                keys = [k for k in self.demand if k[2] == t and self.segment_of[k[0]] == segment]
                asked = sum(self.demand[k].hours for k in keys)
                served = [self.coverage[k].served_by_role for k in keys if k in self.coverage]
                by_people = sum(hours for by_role in served for _, hours in by_role)
                if self.above(minimum * asked, by_people, asked):
                    self.say(
                        f"{segment}, {self.label(t)}: employees serve {number(by_people)} of {number(asked)} demand "
                        f"hours, below the minimum share of {share(minimum)}."
                    )

    def check_whole_numbers(self) -> None:
        """Hires, layoffs, reskill starts, copilot seats and external units are whole numbers in a whole-people plan."""
        if not (self.pi.settings.whole_people and self.result.outcome.whole_people):
            return
        for key, row in sorted(self.rows.items()):
            where = self.where(*key)
            for label, value in (("hires", row.hires), ("layoffs", row.layoffs), ("copilot seats", row.copilot_seats)):
                if self.fractional(value):
                    self.say(f"{where}: {label} is {number(value)}, not a whole number.")
        for (path, unit, t), resk in ((k, self.reskill[k]) for k in _sorted(self.reskill)):
            if self.fractional(resk.started):
                self.say(f"{path} in {unit}, {self.label(t)}: {people(resk.started)} start, not a whole number.")
        for (source, unit, t), src in ((k, self.source_rows[k]) for k in _sorted(self.source_rows)):
            if self.fractional(src.units):
                self.say(f"{source} in {unit}, {self.label(t)}: {number(src.units)} units, not a whole number.")

    def check_costs(self) -> None:
        """Every cost recomputed from the rows and the input; the period identity; budget; discounting; objective."""
        ppy = self.ppy
        components: dict[int, dict[str, float]] = {t: dict.fromkeys(COST_COMPONENTS, 0.0) for t in self.periods}
        row_costs: dict[int, float] = defaultdict(float)
        for key, row in sorted(self.rows.items()):
            role_name, unit, t = key
            role = self.roles[role_name]
            where = self.where(*key)
            rate = self.cost_per_year[role_name, unit]
            salary = rate / ppy * (row.end + row.in_training)
            if self.differ(row.salary_cost, salary):
                self.say(
                    f"{where}: salary cost is {number(row.salary_cost)}, but {number(rate)} a year for "
                    f"{people(row.end)} on board and {number(row.in_training)} in training gives "
                    f"{number(salary)}."
                )
            parts = {
                "salaries": salary,
                "hiring": role.hiring_cost * row.hires,
                "severance": role.severance * row.layoffs,
                "reduced_hours": role.reduced_hours_cost_per_year / ppy * row.reduced_hours,
                "surplus": role.surplus_cost_per_year / ppy * row.surplus_fte,
            }
            copilots = self.copilots_of.get(role_name, [])
            if len(copilots) <= 1:
                seats_cost = sum(c.seat_cost * row.copilot_seats for c in copilots)
                expected = sum(parts.values()) + seats_cost
                if self.differ(row.cost, expected, *parts.values(), seats_cost):
                    self.say(f"{where}: cost is {number(row.cost)}, but its components give {number(expected)}.")
            else:
                # Several copilots on one role: their split of the seats is not reported, so bound the seat cost.
                seats_cost = row.cost - sum(parts.values())
                low = min(c.seat_cost for c in copilots) * row.copilot_seats
                high = max(c.seat_cost for c in copilots) * row.copilot_seats
                if self.above(low, seats_cost, row.cost) or self.above(seats_cost, high, row.cost):
                    self.say(
                        f"{where}: cost is {number(row.cost)}, outside the {number(sum(parts.values()) + low)} to "
                        f"{number(sum(parts.values()) + high)} its components allow."
                    )
            parts["copilots"] = seats_cost
            for name, value in parts.items():
                components[t][name] += value
            row_costs[t] += row.cost
        for (path_name, _, t), resk in self.reskill.items():
            components[t]["training"] += self.paths[path_name].cost_per_person * resk.started
            row_costs[t] += resk.training_cost
        for (source_name, _, t), src in self.source_rows.items():
            components[t]["external"] += self.sources[source_name].cost_per_unit * src.units
            row_costs[t] += src.cost
        for (unit, work, t), cov in self.coverage.items():
            penalty = self.demand[unit, work, t].unmet_penalty_per_hour * cov.unmet
            components[t]["unmet_penalty"] += penalty
            row_costs[t] += penalty
        discounted = 0.0
        for t in self.periods:
            line = self.costs.get(t)
            if line is None:
                continue
            label = self.label(t)
            for name in COST_COMPONENTS:
                booked = float(getattr(line, name))
                if self.differ(booked, components[t][name]):
                    self.say(
                        f"{label}: {COST_LABELS[name]} cost {number(booked)}, but the plan gives "
                        f"{number(components[t][name])}."
                    )
            if self.differ(line.total, row_costs[t], *components[t].values()):
                self.say(
                    f"{label}: total cost is {number(line.total)}, but the plan rows, training, external capacity and "
                    f"unmet demand add up to {number(row_costs[t])}."
                )
            factor = float((1.0 + self.pi.settings.discount_rate) ** (-(t - 1) / ppy))
            if self.differ(line.discount_factor, factor):
                self.say(
                    f"{label}: discount factor is {number(line.discount_factor)}, but the discount rate gives "
                    f"{number(factor)}."
                )
            budget = self.pi.policy.budget[t - 1] if t - 1 < len(self.pi.policy.budget) else None
            # A budget holds spending: every cost but the lost revenue of unmet demand, which is not paid out.
            spending = float(line.total) - float(line.unmet_penalty)
            if budget is not None and self.above(spending, budget, line.total):
                self.say(
                    f"{label}: spending {number(spending)} (total cost less the unmet-demand penalty), above the "
                    f"budget of {number(budget)}."
                )
            discounted += factor * line.total
        self.check_objective(discounted)

    def check_objective(self, discounted_cost: float) -> None:
        """The solver's final objective equals the plan's value of the last priority term."""
        outcome = self.result.outcome
        if outcome.objective is None or not outcome.priorities:
            return
        term = outcome.priorities[-1]
        values: dict[str, tuple[str, float]] = {
            "cost": ("discounted total cost", discounted_cost),
            "layoffs": ("total layoffs", sum(row.layoffs for row in self.rows.values())),
            "unmet": ("total unmet hours", sum(cov.unmet for cov in self.coverage.values())),
        }
        if term not in values:
            return
        what, value = values[term]
        if self.differ(outcome.objective, value):
            self.say(
                f"The solver's objective is {number(outcome.objective)}, but the plan's {what} is {number(value)}."
            )


def _sorted(keys: Iterable[Key3]) -> list[Key3]:
    return sorted(keys, key=lambda k: (k[2], k[0], k[1]))
