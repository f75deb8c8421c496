"""Solving a plan: solver hand-off, priority stages, the honest outcome."""

from __future__ import annotations

import math
import os
import re
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import highspy
import pulp

from rolemix.errors import InfeasiblePlan, NoPlanInTime, SolverFailure
from rolemix.inputs import PlanInput
from rolemix.model.build import PlanModel, build_model
from rolemix.model.data import ModelData
from rolemix.model.highs_model import HighsModel
from rolemix.model.lp import LE
from rolemix.results import BindingLimit, PlanResult, SolveOutcome, StageOutcome, Status

Progress = Callable[[str], None]
T = TypeVar("T")

#: Slack (relative to the best value, at least this much absolute) added when an earlier priority is held in a
#: later stage, so that round-off in the solver's reported objective never makes it infeasible; small enough that
#: a later stage cannot buy anything with it.
PRIORITY_ABS_SLACK = 1e-9


@dataclass(frozen=True)
class SolveOptions:
    """Overrides of the workbook's Settings for one run (``None`` keeps the workbook's value)."""

    time_limit_s: float | None = None
    gap: float | None = None
    whole_people: bool | None = None
    solver: str | None = None
    objective: tuple[str, ...] | None = None
    explain: bool = True
    #: Most layoffs over the whole horizon (the epsilon of the cost-versus-layoffs frontier).
    max_total_layoffs: float | None = None
    #: ``auto``: branch-and-bound for ordinary plans, relax-and-fix (rolemix.model.scale) for large ones;
    #: ``mip`` or ``relax-and-fix`` to choose.
    strategy: str = "auto"


#: Above about this many columns an LP is solved with the interior-point method.
LARGE_LP_COLUMNS = 20_000

#: Above this many whole-number decisions, ``auto`` uses relax-and-fix (see docs/performance.md): plain
#: branch-and-bound already struggles at a few thousand on workforce plans of realistic shape.
LARGE_PLAN_INTEGERS = 2_500


def effective_settings(plan_input: PlanInput, options: SolveOptions | None) -> PlanInput:
    """The plan input with command-line overrides applied to its settings."""
    if options is None:
        return plan_input
    settings = plan_input.settings
    changes: dict[str, object] = {}
    for name in ("time_limit_s", "gap", "whole_people", "solver", "objective"):
        value = getattr(options, name)
        if value is not None:
            changes[name] = value
    return replace(plan_input, settings=replace(settings, **changes)) if changes else plan_input  # type: ignore[arg-type]


def solver_version(solver: str) -> str:
    """Version string of ``solver`` as installed."""
    if solver == "highs":
        try:
            import highspy

            h = highspy.Highs()  # type: ignore[no-untyped-call]
            return f"HiGHS {h.version()}" if hasattr(h, "version") else "HiGHS"
        except ImportError:
            return "HiGHS (not installed)"
    return "CBC (bundled with PuLP)"


@dataclass(frozen=True)
class _Run:
    status: Status
    termination: str
    objective: float | None
    bound: float | None
    gap: float | None
    runtime_s: float


def run_solver(model: PlanModel, solver: str, time_limit_s: float, gap: float, mip: bool = True) -> _Run:
    """Hand the model to the solver and read back an honest status, bound and gap.

    Column values go to the model's columns and row duals to its rows (the LP's marginal values)."""
    start = time.perf_counter()
    if solver == "highs":
        hm = HighsModel(model.problem, mip=mip)
        is_mip = mip and len(hm.integer_columns) > 0
        options: dict[str, bool | int | float | str] = {"time_limit": max(time_limit_s, 0.01), "mip_rel_gap": gap}
        if not is_mip and len(model.headcount) * 8 > LARGE_LP_COLUMNS:
            # Large LPs: the interior-point method (with crossover) beats simplex by far on these models.
            options["solver"] = "ipm"
        hm.run(**options)
        run = _read_highs(hm.highs, time.perf_counter() - start, is_mip)
        if run.objective is not None:
            hm.write_back()
            hm.write_duals()
        return run
    if solver == "cbc":
        return _run_cbc(model, time_limit_s, gap, mip, start)
    raise SolverFailure(f"Unknown solver {solver!r}: expected highs or cbc.")


def _run_cbc(model: PlanModel, time_limit_s: float, gap: float, mip: bool, start: float) -> _Run:
    """Solve with the CBC bundled with PuLP, through PuLP's public API."""
    # PuLP 3.3 announces the PuLP 4 renaming of its CBC interface as a DeprecationWarning; the interface is
    # the supported one for PuLP 3, so the notice is not the planner's concern.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        cbc = pulp.PULP_CBC_CMD(msg=False)
        if not cbc.available():
            raise SolverFailure(
                "The CBC solver bundled with PuLP is not available on this machine; use --solver highs."
            )
        problem, variables, constraints = model.problem.to_pulp(mip)
        with tempfile.TemporaryDirectory(prefix="rolemix-cbc-") as folder:
            log = os.path.join(folder, "cbc.log")
            api = pulp.PULP_CBC_CMD(
                msg=False, timeLimit=max(1, int(math.ceil(time_limit_s))), gapRel=gap, logPath=log, mip=mip
            )
            problem.solve(api)
            text = Path(log).read_text(encoding="utf-8", errors="replace") if os.path.exists(log) else ""
    for column, var in zip(model.problem.columns, variables, strict=True):
        column.value = var.varValue
    for row, constraint in zip(model.problem.rows, constraints, strict=True):
        row.dual = constraint.pi
    return _read_cbc(problem, text, time.perf_counter() - start)


def _read_highs(h: highspy.Highs, runtime: float, is_mip: bool) -> _Run:
    status = h.getModelStatus()
    info = h.getInfo()
    ms = highspy.HighsModelStatus
    has_solution = info.primal_solution_status == 2
    objective = h.getObjectiveValue() if has_solution else None
    bound = info.mip_dual_bound if is_mip else objective
    if status == ms.kOptimal:
        st: Status = "optimal"
        term = "optimal"
    elif status in (ms.kTimeLimit, ms.kInterrupt, ms.kIterationLimit, ms.kSolutionLimit):
        st = "feasible" if has_solution else "no plan"
        term = "time limit"
    elif status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        st, term = "infeasible", "infeasible"
    elif status == ms.kUnbounded:
        st, term = "unbounded", "unbounded"
    else:
        st, term = "error", h.modelStatusToString(status)
    if bound is not None and not math.isfinite(bound):
        bound = None  # no bound proven yet
    proven = st in ("optimal", "feasible")
    gap = _gap(objective, bound) if proven and objective is not None and bound is not None else None
    return _Run(st, term, objective, bound, gap, runtime)


def _gap(objective: float, bound: float) -> float:
    if abs(objective - bound) <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    return abs(objective - bound) / max(abs(objective), 1e-9)


def _read_cbc(problem: pulp.LpProblem, log: str, runtime: float) -> _Run:
    if problem.status == pulp.LpStatusInfeasible:
        return _Run("infeasible", "infeasible", None, None, None, runtime)
    if problem.status == pulp.LpStatusUnbounded:
        return _Run("unbounded", "unbounded", None, None, None, runtime)
    if problem.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        stopped = "Stopped on time" in log or "time limit" in log.lower()
        return _Run(
            "no plan" if stopped else "error", "time limit" if stopped else "no solution", None, None, None, runtime
        )
    objective = pulp.value(problem.objective)
    bound = None
    found = re.findall(r"Lower bound:\s+(-?[0-9.eE+-]+)", log)
    if found:
        bound = float(found[-1])
    if problem.sol_status == pulp.LpSolutionOptimal:
        return _Run(
            "optimal",
            "optimal",
            objective,
            bound if bound is not None else objective,
            _gap(objective, bound) if bound is not None else 0.0,
            runtime,
        )
    gap = _gap(objective, bound) if bound is not None else None
    return _Run("feasible", "time limit", objective, bound, gap, runtime)


def solve_plan(
    plan_input: PlanInput,
    options: SolveOptions | None = None,
    progress: Progress | None = None,
) -> PlanResult:
    """Solve the plan: least cost, or the priority order of Settings, one stage at a time.

    Raises :class:`InfeasiblePlan` (with a diagnosis) when the limits cannot
    all hold, :class:`NoPlanInTime` when the time limit passes with no plan,
    :class:`SolverFailure` on solver trouble.  A plan stopped by the time limit
    comes back with status ``feasible`` and its gap, never as optimal.
    """
    from rolemix.model.explain import binding_limits, diagnose_infeasibility
    from rolemix.model.extract import extract_result

    plan_input = effective_settings(plan_input, options)
    settings = plan_input.settings
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    data = ModelData.from_input(plan_input)
    say("building the model")
    phases: list[tuple[str, float]] = []
    clock = time.perf_counter()
    model = build_model(data, whole_people=settings.whole_people)
    phases.append(("build", time.perf_counter() - clock))
    say(f"model built: {len(model.problem.columns)} variables, {len(model.problem.rows)} constraints")
    if options is not None and options.max_total_layoffs is not None:
        model.add("frontier_layoffs", model.term("layoffs"), LE, options.max_total_layoffs)
    strategy = options.strategy if options is not None else "auto"
    if strategy == "auto":
        large = settings.whole_people and len(model.integers) > LARGE_PLAN_INTEGERS and settings.solver == "highs"
        strategy = "relax-and-fix" if large else "mip"
    hm: HighsModel | None = None
    if strategy == "relax-and-fix":
        say("handing the model to HiGHS")
        clock = time.perf_counter()
        hm = HighsModel(model.problem, devex=True)
        phases.append(("hand-off", time.perf_counter() - clock))
    clock = time.perf_counter()
    stages: list[StageOutcome] = []
    run: _Run | None = None
    for index, term in enumerate(settings.objective):
        remaining = settings.time_limit_s - (time.perf_counter() - started)
        share = remaining / (len(settings.objective) - index)
        say(f"solving stage {index + 1} of {len(settings.objective)}: {term}")
        if hm is not None:
            hm.set_objective(model.term(term), term)
            run = _relax_and_fix(model, hm, time.perf_counter() + max(share, 1.0), settings.gap, say)
        else:
            model.problem.set_objective(model.term(term))
            run = run_solver(model, settings.solver, max(share, 1.0), settings.gap)
        stages.append(StageOutcome(term, run.status, run.objective, run.bound, run.gap, run.runtime_s))
        if run.status == "infeasible":
            say("no plan meets every limit: diagnosing which limits conflict")
            message, diagnosis = diagnose_infeasibility(data)
            raise InfeasiblePlan(message, diagnosis)
        if run.status == "no plan":
            raise NoPlanInTime(
                f"No plan was found within the time limit of {settings.time_limit_s:g} s. "
                "Raise the time limit (--time-limit), loosen the gap (--gap), or solve a rough-cut plan (--fractional)."
            )
        if run.status in ("unbounded", "error"):
            # HiGHS sometimes gives up on an infeasible model with an unknown status: find out before blaming it.
            message, diagnosis = diagnose_infeasibility(data)
            if diagnosis:
                raise InfeasiblePlan(message, diagnosis)
            raise SolverFailure(f"The solver stopped with '{run.termination}': the model could not be solved reliably.")
        if index < len(settings.objective) - 1:
            assert run.objective is not None
            held = run.objective * (1.0 + settings.priority_tolerance) + PRIORITY_ABS_SLACK * max(
                1.0, abs(run.objective)
            )
            priority = model.add(f"priority_{index}_{term}", model.term(term), LE, held)
            if hm is not None:
                hm.add_row(priority)
    assert run is not None
    phases.append(("solve", time.perf_counter() - clock))
    statuses = [stage.status for stage in stages]
    final_status: Status = "optimal" if all(s == "optimal" for s in statuses) else "feasible"
    outcome = SolveOutcome(
        status=final_status,
        termination=run.termination if final_status == "feasible" or run.termination != "optimal" else "optimal",
        objective=run.objective,
        bound=run.bound,
        gap=run.gap,
        runtime_s=time.perf_counter() - started,
        solver=settings.solver,
        solver_version=solver_version(settings.solver),
        pulp_version=pulp.__version__,
        whole_people=settings.whole_people,
        time_limit_s=settings.time_limit_s,
        gap_limit=settings.gap,
        priorities=settings.objective,
        stages=tuple(stages),
        strategy=strategy,
    )
    say("reading the plan")
    clock = time.perf_counter()
    if hm is not None:
        hm.write_back()
    explained: Callable[[], tuple[BindingLimit, ...]] | None = None
    if options is None or options.explain:
        # The explanations are mostly an LP in HiGHS, which leaves Python free: they run beside the read back.
        explained = _beside(
            lambda: binding_limits(model, hm, time_limit_s=max(10.0, 0.25 * settings.time_limit_s))
        )
    result = extract_result(model, outcome)
    phases.append(("read back", time.perf_counter() - clock))
    if explained is not None:
        say("explaining the binding limits")
        clock = time.perf_counter()
        result = replace(result, binding=explained())
        # What the explanations add after the read back.
        phases.append(("explain", time.perf_counter() - clock))
    return replace(result, outcome=replace(result.outcome, phases=tuple(phases)))


def _beside(work: Callable[[], T]) -> Callable[[], T]:
    """Start ``work`` on a thread of its own; the function returned waits for its result (or raises its error).

    A daemon thread, so that an interrupted run (Ctrl+C) exits at once instead of waiting for the work."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread and raised there
            failure.append(error)

    thread = threading.Thread(target=run, name="rolemix-beside", daemon=True)
    thread.start()

    def wait() -> T:
        thread.join()
        if failure:
            raise failure[0]
        return outcome[0]

    return wait


def _relax_and_fix(model: PlanModel, hm: HighsModel, deadline: float, gap: float, say: Progress) -> _Run:
    from rolemix.model.scale import relax_and_fix

    started = time.perf_counter()
    heuristic = relax_and_fix(model, hm, deadline, gap, say)
    runtime = time.perf_counter() - started
    if heuristic.status in ("infeasible", "no plan"):
        return _Run(heuristic.status, None, heuristic.bound, None, None, runtime)  # type: ignore[arg-type]
    assert heuristic.objective is not None and heuristic.bound is not None
    achieved = _gap(heuristic.objective, heuristic.bound)
    status: Status = "optimal" if achieved <= gap + 1e-12 else "feasible"
    return _Run(
        status,
        "relax-and-fix" if status == "optimal" else "relax-and-fix stopped above the gap",
        heuristic.objective,
        heuristic.bound,
        achieved,
        runtime,
    )
