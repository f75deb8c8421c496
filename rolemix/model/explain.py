"""Why the plan looks the way it does: binding limits and infeasibility in planner words."""

from __future__ import annotations

import highspy
import numpy as np

from rolemix.model.build import PlanModel, PolicyRow, build_model, linear
from rolemix.model.data import ModelData
from rolemix.model.highs_model import HighsModel
from rolemix.results import BindingLimit

#: A limit saving less than this per unit of relaxation is not reported.
MIN_MARGINAL_VALUE = 0.01
#: Slack below this (in the limit's own unit) counts as binding.
BINDING_SLACK = 1e-6
#: At most this many binding limits are listed.
MAX_BINDING = 60


def money(value: float, currency: str) -> str:
    """``$41,200`` style amounts (currency code when it has no common symbol)."""
    symbols = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
    sign = "-" if value < 0 else ""
    symbol = symbols.get(currency)
    text = f"{abs(value):,.0f}"
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


#: Per family: the limit in words (``{period}``, ``{subject}``), and what one more unit of it is.
_FAMILY_WORDS = {
    "budget": "The budget of {period}",
    "hires_cap": "The hires cap for {subject} in {period}",
    "role_layoff_cap": "The layoff cap for {subject} in {period}",
    "layoff_cap": "The company-wide layoff cap (share of workforce) in {period}",
    "layoff_cap_people": "The company-wide layoff cap (people) in {period}",
    "reduced_hours_cap": "The reduced-hours cap for {subject} in {period}",
    "surplus_cap": "The surplus staff cap in {period}",
    "seats": "Training seats on {subject} in {period}",
    "cap_vs_target": "The cap on starters on {subject} relative to the target role in {period}",
    "eligibility": "The number of people qualified for {subject}",
    "ratio_min": "The minimum ratio of {subject} in {period}",
    "ratio_max": "The maximum ratio of {subject} in {period}",
    "human_share": "The minimum human share of {subject} demand in {period}",
    "max_units": "The unit cap of {subject} in {period}",
    "must_meet": "Serving all {subject} in {period}",
}

_ONE_MORE = {
    "hires_cap": "one more hire",
    "role_layoff_cap": "one more layoff",
    "layoff_cap": "one more layoff",
    "layoff_cap_people": "one more layoff",
    "reduced_hours_cap": "one more person on reduced hours",
    "surplus_cap": "one more surplus person",
    "seats": "one more seat",
    "cap_vs_target": "one more starter",
    "eligibility": "one more qualified person",
    "max_units": "one more unit",
}

_RELAX_WORDS = {
    "budget": "each extra {amount} of budget would save {value}",
    "ratio_min": "lowering it by 0.01 would save {value}",
    "ratio_max": "raising it by 0.01 would save {value}",
    "human_share": "one percentage point less would save {value}",
    "must_meet": "each hour left unmet would save {value}",
}


def _row_value(
    row: PolicyRow,
    i: int,
    hm: HighsModel,
    duals: np.ndarray,
    reduced: np.ndarray,
    activity: np.ndarray,
    integer_columns: set[int],
) -> float:
    """Saving from relaxing ``row`` by one of its own units, in discounted objective money."""
    pi = float(duals[i])
    saving = -pi if row.sense == "<=" else pi
    if abs(saving) > 1e-9:
        return saving
    if abs(activity[i] - row.rhs) > BINDING_SLACK * max(1.0, abs(row.rhs)):
        return 0.0
    best = 0.0
    for var, coef in row.constraint.items():
        j = var.index
        if j not in integer_columns:
            continue
        # Relaxing an "at most" row lets a decision with a positive coefficient grow (an "at least" row, one with
        # a negative coefficient); the saving per unit of the row is what its reduced cost gives back.
        if row.sense == "<=" and coef > 0:
            best = max(best, -float(reduced[j]) / coef)
        if row.sense == ">=" and coef < 0:
            best = max(best, -float(reduced[j]) / -coef)
    return best


def binding_limits(
    model: PlanModel, hm: HighsModel | None = None, time_limit_s: float = 60.0
) -> tuple[BindingLimit, ...]:
    """Marginal values of the policy limits, from the LP with whole-number decisions fixed at the plan's values.

    ``hm`` is the solver model of a large plan, already holding the plan; without it the model's values are
    handed to a fresh one.
    """
    d = model.data
    currency = d.plan_input.settings.currency
    if hm is None:
        hm = HighsModel(model.problem, devex=True)
        values = np.array([column.value or 0.0 for column in hm.columns])
    else:
        values = hm.last_values if hm.last_values is not None else hm.values()
    cols = hm.integer_columns
    hm.relax_integrality(True)
    hm.fix(cols, np.round(values[cols]))
    if hm.objective_term != "cost":  # the solve's last stage leaves it set (80,000 terms: 0.06 s)
        hm.set_objective(model.term("cost"), "cost")
    # Presolve would remove the fixed columns and lose their reduced costs, which price the limits on
    # whole-number decisions.
    if hm.run(solver="simplex", presolve="off", time_limit=time_limit_s) != highspy.HighsModelStatus.kOptimal:
        return ()
    solution = hm.highs.getSolution()
    duals = np.asarray(solution.row_dual, dtype=np.float64)
    reduced = np.asarray(solution.col_dual, dtype=np.float64)
    activity = np.asarray(solution.row_value, dtype=np.float64)
    plan = np.asarray(solution.col_value, dtype=np.float64)
    integer_columns = {int(c) for c in cols}
    limits: list[BindingLimit] = []
    for row in model.policies:
        i = row.constraint.index
        saving = _row_value(row, i, hm, duals, reduced, activity, integer_columns)
        if not saving:
            continue  # nothing to name (MIN_MARGINAL_VALUE is above 0): most rows, and their scales not worked out
        scale = 1000.0 if row.measure == "money" else 1.0
        if row.family in ("ratio_min", "ratio_max"):
            per = [v.index for v, coef in row.constraint.items() if coef < 0]
            scale = 0.01 * float(plan[per].sum())
        elif row.family == "human_share":
            scale = 0.01 * (row.rhs / row.limit if row.limit else 0.0)
        value = saving * scale
        if value >= MIN_MARGINAL_VALUE:
            limits.append(_limit(row, value, currency, d))
    limits.sort(key=lambda item: -abs(item.marginal_value))
    return tuple(limits[:MAX_BINDING])


def _period_words(row: PolicyRow, d: ModelData) -> str:
    """The period a limit holds in, as a planner reads it."""
    return d.label(row.period) if row.period is not None else "the horizon"


def _limit(row: PolicyRow, value: float, currency: str, d: ModelData) -> BindingLimit:
    period = _period_words(row, d)
    head = _FAMILY_WORDS.get(row.family, row.family).format(period=period, subject=row.subject)
    if row.family in _RELAX_WORDS:
        tail = _RELAX_WORDS[row.family].format(amount=money(1000, currency), value=money(value, currency))
    else:
        tail = f"{_ONE_MORE.get(row.family, 'one more')} would save {money(value, currency)}"
    verb = "limit" if row.family == "seats" else "limits"
    return BindingLimit(row.family, row.period, row.subject, value, f"{head} {verb} the plan: {tail}.")


def diagnose_infeasibility(data: ModelData) -> tuple[str, tuple[str, ...]]:
    """Which policy limits conflict, and by how much (elastic relaxation, least total violation).

    Every policy limit gets a non-negative slack; the LP minimises the sum of
    slacks, each weighted by one over the size of its limit so that dollars,
    people and hours compare as shares.  The limits left with slack are the
    conflict; their slack is the amount to relax.
    """
    model = build_model(data, whole_people=False, mode="elastic")
    weights = []
    for row in model.policies:
        assert row.slack is not None
        weights.append((row.slack, 1.0 / max(abs(row.limit), 1.0)))
    model.problem.set_objective(linear(weights))
    hm = HighsModel(model.problem, mip=False)
    if hm.run() != highspy.HighsModelStatus.kOptimal:
        return (
            "No plan satisfies the workbook even with every policy limit relaxed: the demand that must be met "
            "cannot be covered by any mix of roles and capacity sources.",
            (),
        )
    hm.write_back()
    hm.write_duals()
    currency = data.plan_input.settings.currency
    relaxed: list[tuple[float, str]] = []
    holding: list[tuple[float, str]] = []
    for row in model.policies:
        assert row.slack is not None
        amount = row.slack.value or 0.0
        if amount > 1e-6:
            relaxed.append((amount / max(abs(row.limit), 1.0), _violation(row, amount, currency, data)))
        elif abs(row.constraint.dual or 0.0) > 1e-9:
            # A limit that holds but presses against the relaxed ones: the other side of the conflict.
            holding.append((abs(row.constraint.dual or 0.0), _holding(row, currency, data)))
    if not relaxed:
        return ("No plan satisfies every limit, but no single policy limit explains it.", ())
    relaxed.sort(key=lambda item: -item[0])
    holding.sort(key=lambda item: -item[0])
    # The same kind of limit in many units and periods is said once.
    unique: dict[str, float] = {}
    for weight, text in holding:
        unique.setdefault(text, weight)
    holding = [(weight, text) for text, weight in unique.items()]
    lines = tuple(text for _, text in relaxed) + tuple(f"while {text}" for _, text in holding[:5])
    head = "No plan satisfies every limit in the workbook: " + "; ".join(text for _, text in relaxed[:3])
    if len(relaxed) > 3:
        head += f"; and {len(relaxed) - 3} more"
    if holding:
        said = [text for _, text in holding[:3]]
        head += ", while " + (", ".join(said[:-1]) + " and " + said[-1] if len(said) > 1 else said[0])
    head += (
        ". Cheapest way out: relax "
        + ("that limit" if len(relaxed) == 1 else "those limits")
        + " by the amounts shown."
    )
    return head, lines


def _holding(row: PolicyRow, currency: str, d: ModelData) -> str:
    period = _period_words(row, d)
    if row.family == "budget":
        return f"the budget of {period} is {money(row.limit, currency)}"
    if row.family == "must_meet":
        return f"all {row.work_type} demand in {row.segment} must be met"
    if row.family in ("ratio_min", "ratio_max"):
        word = "at least" if row.family == "ratio_min" else "at most"
        return f"{row.subject} must be {word} {row.limit:g} in {period}"
    if row.family == "human_share":
        return f"employees must serve at least {row.limit:.0%} of {row.subject} demand in {period}"
    if row.family == "layoff_cap" and row.share is not None:
        return f"layoffs are capped at {row.share:.0%} of the workforce a period"
    if row.family == "role_layoff_cap" and row.share is not None:
        return f"{row.subject} layoffs are capped at {row.share:.0%} a period"
    head = _FAMILY_WORDS.get(row.family, row.family).format(period=period, subject=row.subject)
    return f"{head[0].lower()}{head[1:]} is {row.limit:,.1f}"


def _violation(row: PolicyRow, amount: float, currency: str, d: ModelData) -> str:
    period = _period_words(row, d)
    if row.family == "budget":
        return f"the budget of {period} ({money(row.limit, currency)}) is short by {money(amount, currency)}"
    if row.family == "must_meet":
        return f"{row.subject} in {period} cannot be served in full: {amount:,.0f} hours short"
    if row.family in ("ratio_min", "ratio_max"):
        word = "minimum" if row.family == "ratio_min" else "maximum"
        return f"the {word} ratio of {row.subject} ({row.limit:g}) misses by {amount:,.1f} people in {period}"
    if row.family == "human_share":
        return (
            f"the minimum human share of {row.subject} demand ({row.limit:.0%}) misses by {amount:,.0f} hours "
            f"in {period}"
        )
    head = _FAMILY_WORDS.get(row.family, row.family).format(period=period, subject=row.subject)
    unit = {"people": "people", "fte": "FTE", "units": "units", "hours": "hours"}.get(row.measure, "")
    return f"{head[0].lower()}{head[1:]} ({row.limit:,.1f}) must rise by {amount:,.1f} {unit}".rstrip()
