"""The do-nothing baseline: today's organisation carried forward, costed with the same accounting."""

from __future__ import annotations

import time

import pulp

from rolemix.inputs import PlanInput
from rolemix.model.build import Key3, build_model
from rolemix.model.data import ModelData
from rolemix.model.extract import extract_result
from rolemix.model.solve import run_solver, solver_version
from rolemix.results import PlanResult, SolveOutcome


def backfill_hires(data: ModelData) -> dict[Key3, float]:
    """Hires that replace every expected leaver one for one, per role, unit and period.

    With no layoffs and no reskilling, headcount follows
    ``N[t] = N[t-1] - Att[t] + Att[t] x (1 - first-year attrition)``, and the
    hires of period t equal its expected leavers ``Att[t]``.
    """
    hires: dict[Key3, float] = {}
    for role in data.roles:
        a, a1 = data.attrition[role], data.first_year_attrition[role]
        for unit in data.units:
            headcount = data.start_count.get((role, unit), 0.0)
            for t in data.periods:
                leavers = data.start_attrition(role, unit) if t == 1 else headcount * a
                hires[role, unit, t] = leavers
                headcount = headcount - leavers + leavers * (1.0 - a1)
    return hires


def do_nothing(plan_input: PlanInput) -> PlanResult:
    """Cost and coverage of keeping today's organisation: backfill leavers, no layoffs, no reskilling,
    today's external units only, no copilot seats; people are put to the work they serve best, and
    demand they cannot serve goes unmet at its penalty (also demand marked must-meet).  Policy limits
    (budget, caps, ratios) are not applied: the baseline shows where doing nothing leads."""
    data = ModelData.from_input(plan_input)
    model = build_model(data, whole_people=False, mode="baseline", fixed_hires=backfill_hires(data))
    model.problem.setObjective(model.term("cost"))
    settings = plan_input.settings
    started = time.perf_counter()
    solver = settings.solver if settings.solver == "cbc" or pulp.HiGHS().available() else "cbc"
    run = run_solver(model, solver, settings.time_limit_s, 0.0, mip=False)
    outcome = SolveOutcome(
        status=run.status,
        termination=run.termination,
        objective=run.objective,
        bound=run.bound,
        gap=run.gap,
        runtime_s=time.perf_counter() - started,
        solver=solver,
        solver_version=solver_version(solver),
        pulp_version=pulp.__version__,
        whole_people=False,
        time_limit_s=settings.time_limit_s,
        gap_limit=0.0,
        priorities=("cost",),
    )
    return extract_result(model, outcome)
