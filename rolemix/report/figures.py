"""The figures the Summary and Charts sheets show, computed once from a solved plan.

Pure functions of :class:`~rolemix.results.PlanResult`; no workbook library
here, so the numbers can be checked without writing a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rolemix.results import COST_COMPONENTS, COST_LABELS, PlanResult

#: Role colours, assigned in the order of the Roles sheet.  Red is left out on
#: purpose: it marks unmet demand and cost increases.
ROLE_PALETTE: tuple[str, ...] = (
    "1F77B4", "FF7F0E", "2CA02C", "9467BD", "8C564B", "E377C2", "17BECF", "BCBD22",
    "AEC7E8", "FFBB78", "98DF8A", "C5B0D5", "C49C94", "F7B6D2", "9EDAE5", "DBDB8D",
)  # fmt: skip

#: Greys for capacity that is not people (AI agents, partners, contractors).
SOURCE_PALETTE: tuple[str, ...] = ("404040", "A5A5A5", "737373", "D0D0D0", "262626", "BFBFBF")

UNMET_COLOUR = "D62728"

COMPONENT_COLOURS: dict[str, str] = {
    "salaries": "4472C4",
    "hiring": "ED7D31",
    "severance": "7030A0",
    "training": "FFC000",
    "external": "A5A5A5",
    "copilots": "5B9BD5",
    "reduced_hours": "70AD47",
    "surplus": "9E480E",
    "unmet_penalty": UNMET_COLOUR,
}

BRIDGE_TOTAL_COLOUR = "4472C4"
BRIDGE_INCREASE_COLOUR = "D62728"
BRIDGE_DECREASE_COLOUR = "2CA02C"

AI_KIND = "AI agent"


def role_colours(roles: Sequence[str]) -> dict[str, str]:
    """Fixed colour (hex RGB) of each role, in role order; every chart uses this one mapping."""
    return {role: ROLE_PALETTE[index % len(ROLE_PALETTE)] for index, role in enumerate(roles)}


def source_colours(sources: Sequence[str]) -> dict[str, str]:
    """Fixed colour (hex RGB) of each capacity source, in the order of the Capacity sheet."""
    return {source: SOURCE_PALETTE[index % len(SOURCE_PALETTE)] for index, source in enumerate(sources)}


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


@dataclass(frozen=True)
class KeyFigures:
    """The headline numbers of one plan (all money undiscounted unless named ``discounted``).

    Shares are ``None`` when there is no demand to share.
    """

    total_cost: float
    average_cost_per_period: float
    discounted_cost: float
    headcount_today: float
    headcount_end: float
    hires: float
    layoffs: float
    reskilled: float
    ai_share: float | None
    other_external_share: float | None
    coverage: float | None
    unmet_hours: float


def key_figures(result: PlanResult) -> KeyFigures:
    """Headline numbers of ``result`` as the Summary sheet shows them."""
    kinds = {source.name: source.kind for source in result.plan_input.sources}
    ai_hours = sum(
        hours for row in result.coverage for source, hours in row.served_by_source if kinds.get(source) == AI_KIND
    )
    other_hours = result.external_hours - ai_hours
    demand = result.demand_hours
    periods = max(len(result.costs), 1)
    return KeyFigures(
        total_cost=result.total_cost,
        average_cost_per_period=result.total_cost / periods,
        discounted_cost=sum(cost.total * cost.discount_factor for cost in result.costs),
        headcount_today=sum(result.start_headcount().values()),
        headcount_end=sum(result.end_headcount().values()),
        hires=result.total_hires,
        layoffs=result.total_layoffs,
        reskilled=result.total_reskilled,
        ai_share=_share(ai_hours, demand),
        other_external_share=_share(other_hours, demand),
        coverage=_share(demand - result.unmet_hours, demand),
        unmet_hours=result.unmet_hours,
    )


@dataclass(frozen=True)
class RoleMix:
    """Headcount of one role today and at the end of the horizon, with its share of all people."""

    role: str
    today: float
    today_share: float | None
    end: float
    end_share: float | None


def role_mix(result: PlanResult) -> list[RoleMix]:
    """Headcount per role today and at the end, in role order, with the mix in percent."""
    today = result.start_headcount()
    end = result.end_headcount()
    total_today = sum(today.values())
    total_end = sum(end.values())
    return [
        RoleMix(role, today[role], _share(today[role], total_today), end[role], _share(end[role], total_end))
        for role in today
    ]


def headcount_by_period(result: PlanResult) -> list[tuple[str, dict[str, float]]]:
    """Headcount per role today and at the end of every period: ``[("Today", {...}), (label, {...}), ...]``."""
    roles = [role.name for role in result.plan_input.roles]
    labels = result.plan_input.period_labels
    # One pass over the plan's rows, adding each period's in the order of the rows.
    by_period = {period: dict.fromkeys(roles, 0.0) for period in range(1, len(labels) + 1)}
    for row in result.plan:
        totals = by_period.get(row.period)
        if totals is not None:
            totals[row.role] += row.end
    return [("Today", result.start_headcount()), *zip(labels, by_period.values(), strict=True)]


def used_components(*results: PlanResult | None) -> list[str]:
    """Cost components that are not zero in any period of any of ``results``, in the standard order."""
    used = {
        name
        for result in results
        if result is not None
        for cost in result.costs
        for name in COST_COMPONENTS
        if abs(getattr(cost, name)) > 1e-9
    }
    return [name for name in COST_COMPONENTS if name in used]


def cost_by_period(result: PlanResult) -> list[tuple[str, dict[str, float]]]:
    """Undiscounted cost of every period by component: ``[(label, {component: amount}), ...]``."""
    labels = result.plan_input.period_labels
    return [
        (labels[cost.period - 1], {name: float(getattr(cost, name)) for name in COST_COMPONENTS})
        for cost in sorted(result.costs, key=lambda cost: cost.period)
    ]


@dataclass(frozen=True)
class ServedInPeriod:
    """Demand hours of one period by who served them."""

    label: str
    by_role: dict[str, float]
    by_source: dict[str, float]
    unmet: float
    demand: float


def served_by_period(result: PlanResult) -> list[ServedInPeriod]:
    """Demand hours served per period by each role and each capacity source, and the hours left unmet."""
    roles = [role.name for role in result.plan_input.roles]
    sources = [source.name for source in result.plan_input.sources]
    labels = result.plan_input.period_labels
    by_role = {period: dict.fromkeys(roles, 0.0) for period in range(1, len(labels) + 1)}
    by_source = {period: dict.fromkeys(sources, 0.0) for period in by_role}
    unmet = dict.fromkeys(by_role, 0.0)
    demand = dict.fromkeys(by_role, 0.0)
    # One pass over the coverage rows, adding each period's in the order of the rows.
    for row in result.coverage:
        period = row.period
        role_hours = by_role.get(period)
        if role_hours is None:
            continue
        for role, hours in row.served_by_role:
            role_hours[role] = role_hours.get(role, 0.0) + hours
        source_hours = by_source[period]
        for source, hours in row.served_by_source:
            source_hours[source] = source_hours.get(source, 0.0) + hours
        unmet[period] += row.unmet
        demand[period] += row.demand
    return [
        ServedInPeriod(label, by_role[period], by_source[period], unmet[period], demand[period])
        for period, label in enumerate(labels, start=1)
    ]


@dataclass(frozen=True)
class BridgeStep:
    """One column of the cost bridge (a waterfall drawn as stacked columns).

    ``base`` is the invisible part below the visible bar; exactly one of
    ``total``, ``increase`` and ``decrease`` is non-zero for a step.
    """

    label: str
    base: float
    increase: float
    decrease: float
    total: float


def cost_bridge(plan: PlanResult, baseline: PlanResult) -> list[BridgeStep]:
    """Walk from the baseline's total cost to the plan's, one cost component at a time.

    Components equal in both are left out.  Every running total is the plan's
    cost of the components already walked plus the baseline's of the rest, so
    it is never negative and an invisible base bar can carry each step.
    """
    plan_totals = {name: sum(getattr(cost, name) for cost in plan.costs) for name in COST_COMPONENTS}
    base_totals = {name: sum(getattr(cost, name) for cost in baseline.costs) for name in COST_COMPONENTS}
    running = sum(base_totals.values())
    steps = [BridgeStep("Do-nothing baseline", 0.0, 0.0, 0.0, running)]
    for name in COST_COMPONENTS:
        change = plan_totals[name] - base_totals[name]
        if abs(change) < 0.5:  # below a unit of currency: not worth a bar
            continue
        after = running + change
        steps.append(BridgeStep(COST_LABELS[name], min(running, after), max(change, 0.0), max(-change, 0.0), 0.0))
        running = after
    steps.append(BridgeStep("Plan", 0.0, 0.0, 0.0, sum(plan_totals.values())))
    return steps
