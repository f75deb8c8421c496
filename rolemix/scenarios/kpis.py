"""The headline numbers of one solved plan, and their differences between plans.

Plain data, computed once from a :class:`~rolemix.scenarios.tasks.TaskOutcome`;
the comparison, frontier and sweep workbooks and the ``--json`` output all
show these same numbers.  A plan that could not be made has its status and
diagnosis and no numbers (``None``), never zeros.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rolemix.report.figures import key_figures
from rolemix.results import Status
from rolemix.scenarios.tasks import TaskOutcome

#: The measures of every plan, in the order they are shown: (key, header, number format kind).
BASE_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("total_cost", "Total cost", "money"),
    ("hires", "Hires", "people"),
    ("layoffs", "Layoffs", "people"),
    ("reskilled", "Reskilled", "people"),
)
TAIL_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("ai_share", "AI share", "share"),
    ("unmet_hours", "Unmet hours", "hours"),
)

END_PREFIX = "End headcount: "


@dataclass(frozen=True)
class Measure:
    """One column of numbers: its key (for JSON), header and number format kind."""

    key: str
    header: str
    kind: str


def measures(roles: Sequence[str]) -> list[Measure]:
    """Every measure of a plan: cost, hires, layoffs, reskilled, end headcount per role, AI share, unmet hours."""
    middle = [Measure(f"end_headcount.{role}", f"{END_PREFIX}{role}", "people") for role in roles]
    return [Measure(*m) for m in BASE_MEASURES] + middle + [Measure(*m) for m in TAIL_MEASURES]


@dataclass(frozen=True)
class Kpis:
    """The headline numbers of one plan (``None`` everywhere when there is no plan).

    Money is undiscounted over the horizon; ``ai_share`` is the share of all
    demand hours served by AI agents, as on the plan's Summary sheet.
    """

    label: str
    status: Status
    gap: float | None
    total_cost: float | None
    discounted_cost: float | None
    hires: float | None
    layoffs: float | None
    reskilled: float | None
    end_headcount: tuple[tuple[str, float], ...]
    ai_share: float | None
    unmet_hours: float | None
    #: The outcome in words, or why there is no plan.
    message: str
    #: For an infeasible plan: the conflicting limits, largest first.
    diagnosis: tuple[str, ...] = ()

    def value(self, key: str) -> float | None:
        """The number of measure ``key`` (see :func:`measures`)."""
        if key.startswith("end_headcount."):
            return dict(self.end_headcount).get(key.removeprefix("end_headcount."))
        value = getattr(self, key)
        assert value is None or isinstance(value, int | float)
        return None if value is None else float(value)

    def as_dict(self, roles: Sequence[str]) -> dict[str, object]:
        """The numbers as JSON-ready data."""
        return {
            "label": self.label,
            "status": self.status,
            "gap": self.gap,
            "total_cost": self.total_cost,
            "discounted_cost": self.discounted_cost,
            "hires": self.hires,
            "layoffs": self.layoffs,
            "reskilled": self.reskilled,
            "end_headcount": {role: dict(self.end_headcount).get(role) for role in roles},
            "ai_share": self.ai_share,
            "unmet_hours": self.unmet_hours,
            "message": self.message,
            "diagnosis": list(self.diagnosis),
        }


def kpis_of(label: str, outcome: TaskOutcome) -> Kpis:
    """The headline numbers of ``outcome``."""
    result = outcome.result
    if result is None:
        return Kpis(label, outcome.status, None, None, None, None, None, None, (), None, None, outcome.message,
                    outcome.diagnosis)
    figures = key_figures(result)
    return Kpis(
        label=label,
        status=result.outcome.status,
        gap=result.outcome.gap,
        # Sums over no rows are the integer 0; the numbers are floats throughout.
        total_cost=float(figures.total_cost),
        discounted_cost=float(figures.discounted_cost),
        hires=float(figures.hires),
        layoffs=float(figures.layoffs),
        reskilled=float(figures.reskilled),
        end_headcount=tuple((role, float(count)) for role, count in result.end_headcount().items()),
        ai_share=figures.ai_share,
        unmet_hours=float(figures.unmet_hours),
        message=outcome.message,
    )


def difference(kpis: Kpis, reference: Kpis, roles: Sequence[str]) -> dict[str, float | None]:
    """``kpis`` minus ``reference``, measure by measure; ``None`` where either has no number."""
    changes: dict[str, float | None] = {}
    for measure in measures(roles):
        value, base = kpis.value(measure.key), reference.value(measure.key)
        changes[measure.key] = None if value is None or base is None else value - base
    return changes


def money_short(value: float, currency: str) -> str:
    """``$532.7M`` style amounts for progress lines (currency code when it has no common symbol)."""
    symbols = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            text = f"{size / limit:,.1f}{suffix}"
            break
    else:
        text = f"{size:,.0f}"
    sign = "-" if value < 0 else ""
    symbol = symbols.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def progress_line(finished: int, total: int, label: str, kpis: Kpis, currency: str) -> str:
    """``[3/7] ai-fast: optimal, total cost $532.7M`` (or the status and reason when there is no plan)."""
    head = f"[{finished}/{total}] {label}: {kpis.status}"
    if kpis.total_cost is None:
        reason = kpis.message.split("\n")[0]
        return f"{head} ({reason})" if reason else head
    return f"{head}, total cost {money_short(kpis.total_cost, currency)}"
