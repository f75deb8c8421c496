"""The scenario commands of the ``rolemix`` command line: ``compare``, ``frontier`` and ``sweep``.

Thin commands over :mod:`rolemix.scenarios`; :func:`register` adds them to
the main group.  Exit codes as for ``rolemix solve``: 0 success (also when
some scenarios or sweep values have no plan: they are rows in the output),
1 bad input, files or cluster, 2 wrong command-line usage, 3 the workbook has
no plan (frontier), 4 no plan within the time limit, 5 solver failure.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from rolemix.errors import InfeasiblePlan, RolemixError

F = TypeVar("F", bound=Callable[..., Any])


def _fail(error: RolemixError) -> NoReturn:
    """A library error as a red message on stderr and its exit code."""
    text = str(error)
    if isinstance(error, InfeasiblePlan) and error.diagnosis:
        text += "\nConflicting limits, largest first:\n" + "\n".join(f"  - {line}" for line in error.diagnosis)
    click.secho(f"Error: {text}", fg="red", err=True)
    sys.exit(error.exit_code)


def _sayer(quiet: bool) -> Callable[[str], None]:
    if quiet:
        return lambda _message: None
    return lambda message: click.echo(f"rolemix: {message}", err=True)


def _counter(quiet: bool) -> Callable[[str], None]:
    """Prints the ``[3/7] ai-fast: optimal, ...`` lines on stderr as solves finish."""
    if quiet:
        return lambda _message: None
    return lambda message: click.echo(message, err=True)


def run_options(command: F) -> F:
    """Options every scenario command shares: how to solve, where to run, what to print."""
    decorators = [
        click.option("--fractional", is_flag=True, help="Rough-cut plans: people and units in fractions (fast)."),
        click.option("--time-limit", type=click.FloatRange(min=1.0),
                     help="Seconds each solve may run (default: Settings)."),
        click.option("--gap", type=click.FloatRange(min=0.0, max=1.0),
                     help="Relative optimality gap (default: Settings)."),
        click.option("--workers", type=click.IntRange(min=1),
                     help="Parallel solves (default: one per solve, at most one per CPU)."),
        click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                     help="local: processes on this machine. dask: a Dask cluster (pip install 'rolemix[dask]')."),
        click.option("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask; "
                          "without it a local Dask cluster is started)."),
        click.option("--json", "as_json", is_flag=True, help="Print the results as JSON on stdout."),
        click.option("--quiet", is_flag=True, help="No progress messages on stderr."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _options(fractional: bool, time_limit: float | None, gap: float | None) -> Any:
    from rolemix.model.solve import SolveOptions

    return SolveOptions(time_limit_s=time_limit, gap=gap, whole_people=False if fractional else None)


def _check_executor(executor: str, scheduler: str | None) -> None:
    if scheduler is not None and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask.")


def _target(workbook: str, out: str | None, suffix: str) -> Path:
    source = Path(workbook)
    return Path(out) if out else source.with_name(f"{source.stem}-{suffix}.xlsx")


def _read(workbook: str, say: Callable[[str], None]) -> Any:
    from rolemix.workbook.reader import read_plan_input

    say(f"reading {workbook}")
    return read_plan_input(workbook)


@click.command("compare")
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False),
              help="Where to write the comparison (default: <workbook>-compare.xlsx).")
@click.option("--with-plans", is_flag=True, help="Add each scenario's full plan sheet.")
@run_options
def compare_command(
    workbook: str,
    scenarios: tuple[str, ...],
    out: str | None,
    with_plans: bool,
    fractional: bool,
    time_limit: float | None,
    gap: float | None,
    workers: int | None,
    executor: str,
    scheduler: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Solve WORKBOOK under each SCENARIO file, side by side, and write a comparison workbook.

    Scenarios are solved in parallel and shown in the order given; the first is
    the reference the others are measured against.

    \b
    Examples:
      rolemix compare plan.xlsx scenarios/base.yaml scenarios/ai-fast.yaml scenarios/no-layoffs.yaml
      rolemix compare plan.xlsx scenarios/*.yaml --out board/compare.xlsx --with-plans
      rolemix compare plan.xlsx scenarios/*.yaml --fractional --json
      rolemix compare plan.xlsx scenarios/*.yaml --executor dask --scheduler tcp://10.0.0.5:8786
    """
    from rolemix.scenarios.compare import compare_scenarios
    from rolemix.scenarios.excel import check_target, write_comparison_workbook

    _check_executor(executor, scheduler)
    say = _sayer(quiet)
    target = _target(workbook, out, "compare")
    inputs = [workbook, *scenarios]
    try:
        check_target(target, inputs)
        plan_input = _read(workbook, say)
        say(f"solving {len(scenarios)} scenario{'s' if len(scenarios) != 1 else ''}")
        comparison = compare_scenarios(
            plan_input, scenarios, _options(fractional, time_limit, gap), workbook=workbook,
            executor=executor, workers=workers, scheduler=scheduler, say=_counter(quiet),  # type: ignore[arg-type]
        )
        say(f"writing {target}")
        written = write_comparison_workbook(comparison, target, with_plans=with_plans, inputs=inputs)
    except RolemixError as error:
        _fail(error)
    missing = [run for run in comparison.runs if run.outcome.result is None]
    if missing:
        listed = ", ".join(f"{run.scenario.name} ({run.kpis.status})" for run in missing)
        click.secho(f"Warning: {len(missing)} of {len(comparison.runs)} scenarios have no plan: {listed}",
                    fg="yellow", err=True)
    if as_json:
        click.echo(json.dumps({**comparison.as_dict(), "comparison_workbook": str(written)}, indent=2, default=str))
        return
    click.echo(f"Comparison written to {written}")


@click.command("frontier")
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.option("--points", type=click.IntRange(min=0, max=50), default=5, show_default=True,
              help="Points between the two ends (POINTS + 2 in all).")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Where to write the frontier (default: <workbook>-frontier.xlsx).")
@click.option("--scenario", type=click.Path(dir_okay=False), help="Apply this scenario file to the workbook first.")
@run_options
def frontier_command(
    workbook: str,
    points: int,
    out: str | None,
    scenario: str | None,
    fractional: bool,
    time_limit: float | None,
    gap: float | None,
    workers: int | None,
    executor: str,
    scheduler: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Trace the cost-versus-layoffs trade-off of WORKBOOK and write it with a chart.

    The ends are the plan with the fewest layoffs and the least-cost plan; in
    between, POINTS plans each keep total layoffs to at most an evenly spaced
    limit (the epsilon-constraint method).

    \b
    Examples:
      rolemix frontier plan.xlsx
      rolemix frontier plan.xlsx --points 8 --out board/frontier.xlsx
      rolemix frontier plan.xlsx --scenario scenarios/ai-fast.yaml --fractional
    """
    from rolemix.scenarios.excel import check_target, write_frontier_workbook
    from rolemix.scenarios.frontier import cost_layoff_frontier

    _check_executor(executor, scheduler)
    say = _sayer(quiet)
    target = _target(workbook, out, "frontier")
    inputs = [workbook, *([scenario] if scenario else [])]
    try:
        check_target(target, inputs)
        plan_input = _with_scenario(_read(workbook, say), scenario, say)
        say(f"tracing the frontier with {points + 2} points")
        frontier = cost_layoff_frontier(
            plan_input, points, _options(fractional, time_limit, gap),
            executor=executor, workers=workers, scheduler=scheduler, say=_counter(quiet),  # type: ignore[arg-type]
        )
        say(f"writing {target}")
        written = write_frontier_workbook(frontier, target, inputs=inputs)
    except RolemixError as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps({**frontier.as_dict(), "frontier_workbook": str(written)}, indent=2, default=str))
        return
    click.echo(frontier.in_words())
    click.echo(f"Frontier written to {written}")


def _with_scenario(plan_input: Any, scenario: str | None, say: Callable[[str], None]) -> Any:
    if scenario is None:
        return plan_input
    from rolemix.scenarios.loader import load_scenario

    say(f"applying {scenario}")
    changed, _ = load_scenario(scenario, plan_input)
    return changed


def _setting(text: str) -> tuple[str, list[object]]:
    from rolemix.scenarios.sweep import PATH_SYNTAX, parse_values, split_setting

    parts = split_setting(text)
    if parts is None:
        raise click.BadParameter(f"expected PATH=V1,V2,... with PATH one of {PATH_SYNTAX}", param_hint="--set")
    return parts[0], parse_values(parts[1])


@click.command("sweep")
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.option("--set", "setting", required=True, metavar="PATH=V1,V2,...", help="The input to sweep and its values.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Where to write the sweep (default: <workbook>-sweep.xlsx).")
@click.option("--scenario", type=click.Path(dir_okay=False), help="Apply this scenario file to the workbook first.")
@click.option("--threshold", type=click.FloatRange(min=0.0), default=0.1, show_default=True,
              help="Call out a role whose end headcount moves by more than this share.")
@run_options
def sweep_command(
    workbook: str,
    setting: str,
    out: str | None,
    scenario: str | None,
    threshold: float,
    fractional: bool,
    time_limit: float | None,
    gap: float | None,
    workers: int | None,
    executor: str,
    scheduler: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Solve WORKBOOK once per value of one input and say where the role mix tips.

    PATH names the value as the workbook does: Sheet[key, ...].Column for a
    table sheet, Sheet.Setting for Settings and Policy, or budget_multiplier /
    demand_multiplier[segment=..., work_type=...].  Values are separated by
    commas (semicolons when a value has a comma), or FROM:TO:STEP.

    \b
    Examples:
      rolemix sweep plan.xlsx --set "Roles[Account executive].Attrition=0.10,0.14,0.18,0.22"
      rolemix sweep plan.xlsx --set "CapacityScope[Northwind AI sales agent, transactional, SMB].Max share=0:0.6:0.1"
      rolemix sweep plan.xlsx --set "Policy.Layoff cap share=0.005,0.01,0.02,0.04"
      rolemix sweep plan.xlsx --set "budget_multiplier=1,0.95,0.9,0.85" --fractional
    """
    from rolemix.scenarios.excel import check_target, write_sweep_workbook
    from rolemix.scenarios.sweep import run_sweep

    _check_executor(executor, scheduler)
    say = _sayer(quiet)
    target = _target(workbook, out, "sweep")
    inputs = [workbook, *([scenario] if scenario else [])]
    try:
        path, values = _setting(setting)
        check_target(target, inputs)
        plan_input = _with_scenario(_read(workbook, say), scenario, say)
        say(f"solving {len(values)} value{'s' if len(values) != 1 else ''} of {path}")
        sweep = run_sweep(
            plan_input, path, values, _options(fractional, time_limit, gap), threshold=threshold,
            executor=executor, workers=workers, scheduler=scheduler, say=_counter(quiet),  # type: ignore[arg-type]
        )
        say(f"writing {target}")
        written = write_sweep_workbook(sweep, target, inputs=inputs)
    except RolemixError as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps({**sweep.as_dict(), "sweep_workbook": str(written)}, indent=2, default=str))
        return
    for tipping in sweep.tipping_points:
        click.echo(tipping.sentence)
    if not sweep.tipping_points:
        click.echo("The role mix keeps its shape across these values.")
    click.echo(f"Sweep written to {written}")


def register(group: click.Group) -> None:
    """Add ``compare``, ``frontier`` and ``sweep`` to ``group`` (the ``rolemix`` main group)."""
    for command in (compare_command, frontier_command, sweep_command):
        group.add_command(command)
