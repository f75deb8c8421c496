"""The cost-versus-layoffs trade-off, by the epsilon-constraint method.

Two single-objective solves give the ends of the curve: the plan with the
fewest layoffs (and the least cost among those), and the least-cost plan.
Between them, ``N`` plans each minimise cost with total layoffs over the
horizon held to at most ``eps``, for ``eps`` evenly spaced strictly between
the two ends' layoffs:

    eps_k = L_fewest + k x (L_least_cost - L_fewest) / (N + 1),   k = 1 .. N

Allowing more layoffs never costs more: a plan within a tighter limit is also
within every looser one.  A solver stopped by its gap limit (whole people)
can return a plan that costs more than the plan of a tighter limit; that
point then shows the tighter limit's plan, which is cheaper and within its
limit, and says so.  The cost on the curve is the cost the solver minimises:
total cost, discounted when the workbook sets a discount rate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rolemix.errors import InfeasiblePlan, NoPlanInTime, SolverFailure
from rolemix.inputs import PlanInput
from rolemix.scenarios.kpis import Kpis, kpis_of, money_short
from rolemix.scenarios.tasks import SolveTask, TaskOutcome

if TYPE_CHECKING:
    from rolemix.model.solve import SolveOptions
    from rolemix.scenarios.runner import Executor

Say = Callable[[str], None]

FEWEST_LAYOFFS = "Fewest layoffs"
LEAST_COST = "Least cost"

#: Layoffs closer than this (people) are the same: there is no trade-off to trace.
SAME_LAYOFFS = 1e-6

#: Relative cost differences below this are the solver's round-off (its feasibility tolerance), not a rise.
COST_TOLERANCE = 1e-7


@dataclass(frozen=True)
class FrontierPoint:
    """One point of the curve: its layoff limit, the plan behind it and that plan's numbers."""

    label: str
    #: Most layoffs allowed over the horizon; ``None`` at the two ends (no limit added).
    layoff_limit: float | None
    outcome: TaskOutcome
    kpis: Kpis
    #: Why the plan shown is not the solver's own plan for this point ("" when it is).
    note: str = ""

    @property
    def layoffs(self) -> float | None:
        return self.kpis.layoffs

    @property
    def cost(self) -> float | None:
        """The cost the solver minimises (discounted when the workbook discounts)."""
        return self.kpis.discounted_cost


@dataclass(frozen=True)
class Frontier:
    """The trade-off curve, from the fewest-layoffs plan to the least-cost plan."""

    plan_name: str
    currency: str
    roles: tuple[str, ...]
    discount_rate: float
    points: tuple[FrontierPoint, ...]

    @property
    def cost_label(self) -> str:
        return "Total cost" if self.discount_rate == 0 else f"Discounted cost ({self.discount_rate:.1%} a year)"

    def in_words(self) -> str:
        """One sentence for the planner: what the fewest layoffs cost over the least-cost plan."""
        first, last = self.points[0], self.points[-1]
        assert first.cost is not None and last.cost is not None
        assert first.layoffs is not None and last.layoffs is not None
        if abs(last.layoffs - first.layoffs) <= SAME_LAYOFFS:
            return (f"The least-cost plan already has the fewest layoffs ({first.layoffs:,.1f}): "
                    "there is no trade-off between cost and layoffs.")
        saved = last.layoffs - first.layoffs
        extra = first.cost - last.cost
        which = (f"all {last.layoffs:,.1f} layoffs of the least-cost plan" if first.layoffs <= SAME_LAYOFFS
                 else f"{saved:,.1f} of the least-cost plan's {last.layoffs:,.1f} layoffs")
        return (
            f"Avoiding {which} costs "
            f"{money_short(extra, self.currency)} more over the horizon "
            f"({money_short(extra / saved, self.currency)} per layoff avoided on average)."
        )

    def as_dict(self) -> dict[str, object]:
        """The curve as JSON-ready data (``--json``)."""
        return {
            "plan": self.plan_name,
            "cost_measure": self.cost_label,
            "summary": self.in_words(),
            "points": [
                {"label": p.label, "layoff_limit": p.layoff_limit, "cost": p.cost, "note": p.note,
                 **p.kpis.as_dict(self.roles)}
                for p in self.points
            ],
        }


def layoff_limits(fewest: float, most: float, points: int) -> list[float]:
    """``points`` layoff limits evenly spaced strictly between ``fewest`` and ``most``."""
    step = (most - fewest) / (points + 1)
    return [fewest + k * step for k in range(1, points + 1)]


def _raise_for(outcome: TaskOutcome) -> None:
    """A missing end of the curve means the workbook itself has no plan: say why, as ``rolemix solve`` would."""
    if outcome.status == "infeasible":
        raise InfeasiblePlan(outcome.message, outcome.diagnosis)
    if outcome.status == "no plan":
        raise NoPlanInTime(outcome.message)
    raise SolverFailure(outcome.message)


def cost_layoff_frontier(
    plan_input: PlanInput,
    points: int = 5,
    options: SolveOptions | None = None,
    *,
    executor: Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    say: Say | None = None,
) -> Frontier:
    """Trace the cost-versus-layoffs curve of ``plan_input``.

    Parameters
    ----------
    plan_input
        The plan (a workbook, or a workbook with a scenario applied).
    points
        Points strictly between the two ends (``points + 2`` in all).
    options
        Solve options for every point; the objective is set per point.
    executor, workers, scheduler
        Where the solves run (see :func:`rolemix.scenarios.runner.run_tasks`).
    say
        Hears one progress line per finished solve.

    Raises
    ------
    InfeasiblePlan, NoPlanInTime, SolverFailure
        One of the two end solves has no plan.
    ClusterError
        The Dask cluster cannot be used.
    """
    from rolemix.model.solve import SolveOptions
    from rolemix.scenarios.runner import run_tasks

    # Binding limits are not shown per point; leaving them out saves one LP per point.
    base = replace(options if options is not None else SolveOptions(), explain=False, max_total_layoffs=None)
    currency = plan_input.settings.currency
    total = points + 2
    done = 0

    def heard(_finished: int, _total: int, outcome: TaskOutcome) -> None:
        nonlocal done
        done += 1
        if say is None:
            return
        kpis = kpis_of(outcome.label, outcome)
        if kpis.total_cost is None or kpis.layoffs is None:
            say(f"[{done}/{total}] {outcome.label}: {outcome.status}")
        else:
            say(f"[{done}/{total}] {outcome.label}: {outcome.status}, {kpis.layoffs:,.1f} layoffs, "
                f"total cost {money_short(kpis.total_cost, currency)}")

    ends = run_tasks(
        [
            SolveTask(FEWEST_LAYOFFS, plan_input, replace(base, objective=("layoffs", "cost"))),
            SolveTask(LEAST_COST, plan_input, replace(base, objective=("cost",))),
        ],
        executor=executor, workers=workers, scheduler=scheduler, on_done=heard,
    )
    for outcome in ends:
        if outcome.result is None:
            _raise_for(outcome)
    fewest, least = (kpis_of(outcome.label, outcome) for outcome in ends)
    assert fewest.layoffs is not None and least.layoffs is not None
    trade_off = least.layoffs - fewest.layoffs > SAME_LAYOFFS
    limits = layoff_limits(fewest.layoffs, least.layoffs, points) if trade_off else []
    tasks = [
        SolveTask(f"At most {limit:,.1f} layoffs", plan_input,
                  replace(base, objective=("cost",), max_total_layoffs=limit))
        for limit in limits
    ]
    middle = run_tasks(tasks, executor=executor, workers=workers, scheduler=scheduler, on_done=heard)
    raw = [FrontierPoint(FEWEST_LAYOFFS, None, ends[0], fewest)]
    raw += [FrontierPoint(o.label, limit, o, kpis_of(o.label, o)) for o, limit in zip(middle, limits, strict=True)]
    raw.append(FrontierPoint(LEAST_COST, None, ends[1], least))
    return Frontier(
        plan_name=plan_input.settings.plan_name,
        currency=currency,
        roles=tuple(role.name for role in plan_input.roles),
        discount_rate=plan_input.settings.discount_rate,
        points=tuple(monotone(raw, currency)),
    )


def monotone(points: list[FrontierPoint], currency: str) -> list[FrontierPoint]:
    """Make cost never rise as the layoff limit loosens, by carrying a cheaper plan forward.

    The plan of a tighter limit is within every looser limit, so where the
    solver's plan for a looser limit costs more (or is missing), the cheaper
    plan of the tighter limit is shown instead, with a note.  The fewest-layoffs
    end is never replaced (nothing is tighter).  Differences within
    :data:`COST_TOLERANCE` are the solver's round-off, not a rise.
    """
    fixed = [points[0]]
    for point in points[1:]:
        best = fixed[-1]
        assert best.cost is not None
        if point.cost is not None and point.cost <= best.cost + COST_TOLERANCE * max(1.0, abs(best.cost)):
            fixed.append(point)
            continue
        if point.cost is None:
            why = f"the solver found no plan for this limit: {point.outcome.status}"
        else:
            extra = money_short(point.cost - best.cost, currency)
            why = f"the solver's own plan cost {extra} more, within its gap limit"
        note = f"Shows the plan of '{best.label}', which is cheaper and within this limit ({why})."
        fixed.append(replace(point, outcome=best.outcome, kpis=replace(best.kpis, label=point.label), note=note))
    return fixed
