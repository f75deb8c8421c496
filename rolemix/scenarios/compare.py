"""Comparing scenarios: apply each scenario file to the workbook, solve them side by side, line them up.

Scenarios are solved in parallel (see :mod:`rolemix.scenarios.runner`) and
come back in the order given; the first one is the reference every other is
measured against.  A scenario with no plan (infeasible, out of time) is a row
with its status and diagnosis, not a failure of the comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rolemix.errors import InputError, Problem
from rolemix.inputs import PlanInput
from rolemix.scenarios.document import ScenarioProblem
from rolemix.scenarios.kpis import Kpis, difference, kpis_of, progress_line
from rolemix.scenarios.loader import Scenario, read_scenario
from rolemix.scenarios.tasks import SolveTask, TaskOutcome

if TYPE_CHECKING:
    from rolemix.model.solve import SolveOptions
    from rolemix.scenarios.runner import Executor

#: Hears one progress line per finished solve.
Say = Callable[[str], None]


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario and how its solve ended."""

    scenario: Scenario
    outcome: TaskOutcome
    kpis: Kpis


@dataclass(frozen=True)
class Comparison:
    """Scenarios solved on one workbook, in the order given (the first is the reference)."""

    workbook: str
    plan_name: str
    currency: str
    roles: tuple[str, ...]
    runs: tuple[ScenarioRun, ...]

    @property
    def reference(self) -> ScenarioRun:
        return self.runs[0]

    def changes(self) -> list[dict[str, float | None]]:
        """Each scenario's measures minus the first scenario's (all zero for the first itself)."""
        reference = self.reference.kpis
        return [difference(run.kpis, reference, self.roles) for run in self.runs]

    def as_dict(self) -> dict[str, object]:
        """The comparison as JSON-ready data (``--json``)."""
        return {
            "workbook": self.workbook,
            "reference": self.reference.scenario.name,
            "scenarios": [
                {
                    "name": run.scenario.name,
                    "description": run.scenario.description,
                    "file": run.scenario.path,
                    "sha256": run.scenario.sha256,
                    "overrides": [
                        {"sheet": o.sheet, "item": o.item, "column": o.column, "workbook_value": o.workbook_value,
                         "scenario_value": o.scenario_value}
                        for o in run.scenario.overrides
                    ],
                    **run.kpis.as_dict(self.roles),
                    "change": change,
                }
                for run, change in zip(self.runs, self.changes(), strict=True)
            ],
        }


def load_scenarios(paths: Sequence[str | Path], plan_input: PlanInput) -> list[Scenario]:
    """Read every scenario file against ``plan_input``; all problems of all files are raised together.

    Raises
    ------
    InputError
        Problems in any of the files, or two scenarios with the same name.
    FileRefused
        A file is missing or unreadable.
    """
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            scenarios.append(read_scenario(path, plan_input))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    first_file: dict[str, str] = {}
    for scenario in scenarios:
        key = scenario.name.lower()
        if key in first_file:
            problems.append(
                ScenarioProblem(scenario.path, None, "name",
                                f"found {scenario.name!r}, the name of {first_file[key]} too; "
                                "each scenario needs its own name")
            )
        else:
            first_file[key] = scenario.path
    if problems:
        raise InputError(problems)
    return scenarios


def compare_scenarios(
    plan_input: PlanInput,
    scenario_paths: Sequence[str | Path],
    options: SolveOptions | None = None,
    *,
    workbook: str = "",
    executor: Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    say: Say | None = None,
) -> Comparison:
    """Apply each scenario file to ``plan_input``, solve all of them, and line up their numbers.

    Parameters
    ----------
    plan_input
        The workbook's plan input.
    scenario_paths
        Scenario files, in the order the comparison shows them.
    options
        Solve options for every scenario (time limit, fractional, ...).
    workbook
        The workbook's path, for the comparison's title.
    executor, workers, scheduler
        Where the solves run (see :func:`rolemix.scenarios.runner.run_tasks`).
    say
        Hears ``[3/7] ai-fast: optimal, total cost $532.7M`` as each solve finishes.

    Raises
    ------
    InputError, FileRefused
        A scenario file has problems (nothing is solved then).
    ClusterError
        The Dask cluster cannot be used.
    """
    from rolemix.model.solve import SolveOptions
    from rolemix.scenarios.runner import run_tasks

    scenarios = load_scenarios(scenario_paths, plan_input)
    chosen = options if options is not None else SolveOptions()
    currency = plan_input.settings.currency
    tasks = [SolveTask(scenario.name, scenario.plan_input, chosen) for scenario in scenarios]

    def heard(finished: int, total: int, outcome: TaskOutcome) -> None:
        if say is not None:
            say(progress_line(finished, total, outcome.label, kpis_of(outcome.label, outcome), currency))

    outcomes = run_tasks(tasks, executor=executor, workers=workers, scheduler=scheduler, on_done=heard)
    runs = tuple(
        ScenarioRun(scenario, outcome, kpis_of(scenario.name, outcome))
        for scenario, outcome in zip(scenarios, outcomes, strict=True)
    )
    return Comparison(
        workbook=workbook,
        plan_name=plan_input.settings.plan_name,
        currency=currency,
        roles=tuple(role.name for role in plan_input.roles),
        runs=runs,
    )
