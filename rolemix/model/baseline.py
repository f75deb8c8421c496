"""The do-nothing baseline: today's organisation carried forward, costed with the same accounting."""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
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
    model.problem.set_objective(model.term("cost"))
    settings = plan_input.settings
    started = time.perf_counter()
    solver = settings.solver
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


#: Plans with at least this many unit, role and period cells cost their baseline in a separate process while
#: the plan is solved: at 62,000 employees (17,280 cells) the baseline takes about 12 s, most of it building
#: the model in Python, which the plan's interior-point solve leaves a core free for.
BACKGROUND_CELLS = 2_000


class BaselineRun:
    """The do-nothing baseline of ``plan_input``, started now and collected by :meth:`result`.

    Large plans cost it in a separate process (started with ``spawn``, so it shares no solver state with this
    one); small plans, where a process costs more than it saves, cost it when asked.  Use as a context
    manager: leaving early (the plan failed) stops the process.
    """

    def __init__(self, plan_input: PlanInput) -> None:
        self.plan_input = plan_input
        cells = len(plan_input.units) * len(plan_input.roles) * plan_input.periods
        self._pool: multiprocessing.pool.Pool | None = None
        self._pending: multiprocessing.pool.AsyncResult[PlanResult] | None = None
        #: Whether the baseline is being costed in a separate process.
        self.in_background = cells >= BACKGROUND_CELLS
        if self.in_background:
            self._pool = multiprocessing.get_context("spawn").Pool(1)
            self._pending = self._pool.apply_async(do_nothing, (plan_input,))

    def result(self) -> PlanResult:
        if self._pending is None:
            return do_nothing(self.plan_input)
        result = self._pending.get()
        self.close()
        return result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> BaselineRun:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
