"""Solving many plans at once: on local processes (the default) or on a Dask cluster.

A task is plain data, ``(label, plan input, solve options)``, and its outcome
is plain data too (the :class:`~rolemix.results.PlanResult`, or the status and
diagnosis of a plan that could not be made), so both travel to another
process or machine by pickling.  Outcomes always come back in the order the
tasks were given, whichever finishes first; ``on_done`` hears about each one
as it finishes (for progress lines).

Dask is optional (``pip install 'rolemix[dask]'``) and imported only when
asked for.
"""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Literal

from rolemix.collector import release_kept
from rolemix.errors import InfeasiblePlan, NoPlanInTime, RolemixError
from rolemix.scenarios.tasks import SolveTask, TaskOutcome

Executor = Literal["local", "dask"]

#: Called as each task finishes: (how many have finished, how many there are, the outcome).
OnDone = Callable[[int, int, TaskOutcome], None]

DASK_MISSING = "Running on a Dask cluster needs the optional Dask packages: pip install 'rolemix[dask]'"


class ClusterError(RolemixError):
    """The workers cannot do the work: Dask is not installed or not reachable, or a worker died."""


def run_task(task: SolveTask) -> TaskOutcome:
    """Solve one task; a plan that cannot be made becomes an outcome, never an exception."""
    from rolemix.model.solve import solve_plan

    try:
        result = solve_plan(task.plan_input, task.options)
    except InfeasiblePlan as error:
        return TaskOutcome(task.label, "infeasible", None, str(error), error.diagnosis)
    except NoPlanInTime as error:
        return TaskOutcome(task.label, "no plan", None, str(error))
    except RolemixError as error:
        return TaskOutcome(task.label, "error", None, str(error))
    finally:
        release_kept()  # a worker solves task after task: what the build set aside goes back to the collector
    return TaskOutcome(task.label, result.outcome.status, result, result.outcome.in_words())


def default_workers(tasks: int) -> int:
    """As many processes as tasks, at most one per CPU."""
    return max(1, min(tasks, os.cpu_count() or 1))


def run_tasks(
    tasks: Sequence[SolveTask],
    *,
    executor: Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    on_done: OnDone | None = None,
) -> list[TaskOutcome]:
    """Solve every task and return the outcomes in the order of ``tasks``.

    Parameters
    ----------
    tasks
        The plans to solve.
    executor
        ``"local"``: processes on this machine (one task runs in this
        process when there is one task or one worker).  ``"dask"``: the
        workers of a Dask cluster.
    workers
        Local processes (default: one per task, at most one per CPU); for
        Dask, the workers of the local cluster started when no
        ``scheduler`` is given.
    scheduler
        Address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
    on_done
        Hears about each outcome as it finishes.

    Raises
    ------
    ClusterError
        Dask is not installed, the scheduler cannot be reached, or the
        cluster lost a task.
    """
    if not tasks:
        return []
    if executor == "dask":
        return _run_on_dask(tasks, scheduler, workers, on_done)
    count = workers if workers is not None else default_workers(len(tasks))
    if count <= 1 or len(tasks) == 1:
        return _run_here(tasks, on_done)
    return _run_on_processes(tasks, count, on_done)


def _run_here(tasks: Sequence[SolveTask], on_done: OnDone | None) -> list[TaskOutcome]:
    outcomes = []
    for finished, task in enumerate(tasks, start=1):
        outcome = run_task(task)
        outcomes.append(outcome)
        if on_done is not None:
            on_done(finished, len(tasks), outcome)
    return outcomes


def start_method() -> str:
    """How worker processes start: always as fresh interpreters (``spawn``).

    Forking would save the workers importing the solver again, but a fork
    copies the parent's threads' locks without the threads: HiGHS keeps a pool
    of native worker threads after its first solve, invisible to Python, and a
    forked worker that solves can hang on it.  Spawn is what Windows and macOS
    do anyway, so every platform behaves alike.  ``python -m rolemix`` and the
    ``rolemix`` script are safe to spawn from; a script of one's own that
    calls these functions needs an ``if __name__ == "__main__":`` guard.
    """
    return "spawn"


def _run_on_processes(tasks: Sequence[SolveTask], workers: int, on_done: OnDone | None) -> list[TaskOutcome]:
    context = multiprocessing.get_context(start_method())
    outcomes: list[TaskOutcome | None] = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        futures: dict[Future[TaskOutcome], int] = {
            pool.submit(run_task, task): index for index, task in enumerate(tasks)
        }
        for finished, future in enumerate(as_completed(futures), start=1):
            try:
                outcome = future.result()
            except BrokenProcessPool as error:  # a worker was killed (out of memory, a signal)
                label = tasks[futures[future]].label
                raise ClusterError(f"A worker process stopped while solving {label}: {error}") from None
            outcomes[futures[future]] = outcome
            if on_done is not None:
                on_done(finished, len(tasks), outcome)
    return [outcome for outcome in outcomes if outcome is not None]


def _dask() -> tuple[Any, Any, Any]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ClusterError(DASK_MISSING) from None
    return Client, LocalCluster, as_completed


def _run_on_dask(
    tasks: Sequence[SolveTask], scheduler: str | None, workers: int | None, on_done: OnDone | None
) -> list[TaskOutcome]:
    client_type, cluster_type, dask_as_completed = _dask()
    cluster = None
    try:
        if scheduler is None:
            cluster = cluster_type(n_workers=workers or default_workers(len(tasks)), threads_per_worker=1,
                                   processes=True, dashboard_address=None)
            client = client_type(cluster)
        else:
            client = client_type(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:  # unreachable, too slow to answer, or not an address
        if cluster is not None:
            cluster.close()
        if scheduler is None:
            raise ClusterError(f"Cannot start a local Dask cluster: {error}") from None
        raise ClusterError(f"Cannot reach the Dask scheduler at {scheduler}: {error}") from None
    try:
        # Unique keys: the same task submitted twice (two runs of one sweep) must be solved twice, not cached.
        batch = uuid.uuid4().hex[:12]
        keys = [f"rolemix-{batch}-{index}" for index in range(len(tasks))]
        futures = client.map(run_task, list(tasks), key=keys, pure=False)
        index_of = {future.key: index for index, future in enumerate(futures)}
        outcomes: list[TaskOutcome | None] = [None] * len(tasks)
        for finished, future in enumerate(dask_as_completed(futures), start=1):
            try:
                outcome = future.result()
            except Exception as error:  # a worker died or the task could not be unpickled there
                label = tasks[index_of[future.key]].label
                raise ClusterError(f"The Dask cluster could not solve {label}: {error}") from None
            outcomes[index_of[future.key]] = outcome
            if on_done is not None:
                on_done(finished, len(tasks), outcome)
        return [outcome for outcome in outcomes if outcome is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
