"""The ``rolemix`` command line: thin commands that call the library.

Exit codes: 0 success (a plan, optimal or stopped at the time limit with its
gap), 1 bad input or files, 2 wrong command-line usage, 3 no plan satisfies
the limits (infeasible), 4 no plan found within the time limit, 5 solver
failure or missing solver.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from rolemix import __version__
from rolemix.errors import InfeasiblePlan, InputError, RolemixError

F = TypeVar("F", bound=Callable[..., Any])


def _fail(error: RolemixError) -> None:
    """Turn a library error into a red message on stderr and its exit code."""
    text = str(error)
    if isinstance(error, InfeasiblePlan) and error.diagnosis:
        text += "\nConflicting limits, largest first:\n" + "\n".join(f"  - {line}" for line in error.diagnosis)
    click.secho(f"Error: {text}", fg="red", err=True)
    sys.exit(error.exit_code)


@contextmanager
def _solver_chatter_to_stderr(active: bool) -> Iterator[None]:
    """Send anything the solver libraries print on the process's stdout to stderr while ``active``.

    HiGHS can print diagnostics from C++ even with its log switched off; with ``--json`` stdout must
    hold the JSON object and nothing else.
    """
    if not active:
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _progress(message: str) -> None:
    click.echo(f"rolemix: {message}", err=True)


def _read(workbook: str) -> Any:
    from rolemix.workbook.reader import read_plan_input

    notes: list[str] = []
    plan_input = read_plan_input(workbook, warnings=notes)
    for note in notes:
        click.secho(f"Warning: {note}", fg="yellow", err=True)
    return plan_input


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rolemix")
def main() -> None:
    """rolemix: the best role mix for a restructuring sales organisation, from an Excel workbook.

    \b
    Typical use:
      rolemix template plan.xlsx        # a blank, self-explaining workbook
      rolemix validate plan.xlsx        # every problem, by sheet, row and column
      rolemix solve plan.xlsx           # writes plan-plan.xlsx beside it
    """


@main.command("template")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def template_command(path: str, force: bool) -> None:
    """Write a blank input workbook to PATH.

    \b
    Example:
      rolemix template my-plan.xlsx
    """
    from rolemix.workbook.template import write_blank_template

    target = Path(path)
    if target.exists() and not force:
        raise click.ClickException(f"{path} already exists; choose another name or add --force to overwrite it.")
    if target.suffix.lower() != ".xlsx":
        raise click.ClickException(f"{path}: the template is an Excel workbook; give it a name ending in .xlsx.")
    from rolemix.report.files import write_atomically

    try:
        write_atomically(
            target, write_blank_template, what="the template", close_hint="close it in Excel and run again"
        )
    except RolemixError as error:
        _fail(error)
    click.echo(f"Wrote the blank template to {path}. Fill it in, then run: rolemix validate {path}")


@main.command("validate")
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the problems (or the summary) as JSON on stdout.")
def validate_command(workbook: str, as_json: bool) -> None:
    """Check WORKBOOK and name every problem by sheet, row and column.

    \b
    Examples:
      rolemix validate excel_templates/example-software-co.xlsx
      rolemix validate plan.xlsx --json
    """
    from rolemix.workbook.reader import summary

    try:
        plan_input = _read(workbook)
    except InputError as error:
        if as_json:
            click.echo(json.dumps({"valid": False, "problems": [p.as_dict() for p in error.problems]}, indent=2))
            sys.exit(1)
        _fail(error)
    except RolemixError as error:
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "valid": False,
                        "problems": [
                            {"sheet": workbook, "row": None, "column": None, "message": str(error), "text": str(error)}
                        ],
                    },
                    indent=2,
                )
            )
            sys.exit(error.exit_code)
        _fail(error)
    facts = summary(plan_input)
    if as_json:
        click.echo(json.dumps({"valid": True, "summary": facts}, indent=2, default=str))
        return
    click.echo(f"{workbook} is valid.")
    for key, value in facts.items():
        click.echo(f"  {key.replace('_', ' ')}: {value}")


def _solve_json(result: Any, baseline: Any, out: Path | None) -> dict[str, object]:
    outcome = result.outcome
    demand = result.demand_hours
    return {
        "status": outcome.status,
        "termination": outcome.termination,
        "objective": outcome.objective,
        "bound": outcome.bound,
        "gap": outcome.gap,
        "total_cost": result.total_cost,
        "baseline_cost": baseline.total_cost if baseline is not None else None,
        "hires": result.total_hires,
        "layoffs": result.total_layoffs,
        "reskilled": result.total_reskilled,
        "start_headcount": result.start_headcount(),
        "end_headcount": result.end_headcount(),
        "ai_share": result.external_hours / demand if demand else 0.0,
        "unmet_hours": result.unmet_hours,
        "runtime_s": outcome.runtime_s,
        "solver": outcome.solver_version,
        "whole_people": outcome.whole_people,
        "priorities": list(outcome.priorities),
        "binding": [limit.sentence for limit in result.binding[:10]],
        "plan_workbook": str(out) if out is not None else None,
    }


@main.command("solve")
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.option(
    "--scenario", type=click.Path(dir_okay=False), help="A scenario file (YAML or JSON) applied to the workbook."
)
@click.option("--out", type=click.Path(dir_okay=False), help="Where to write the plan (default: <workbook>-plan.xlsx).")
@click.option("--into-copy", is_flag=True, help="Write the result sheets into a copy of the input workbook.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as one JSON object on stdout.")
@click.option("--time-limit", type=click.FloatRange(min=1.0), help="Seconds the solver may run (default: Settings).")
@click.option(
    "--gap", type=click.FloatRange(min=0.0, max=1.0), help="Relative optimality gap, e.g. 0.005 (default: Settings)."
)
@click.option("--fractional", is_flag=True, help="Rough-cut plan: people and units in fractions (an LP).")
@click.option("--solver", type=click.Choice(["highs", "cbc"]), help="Solver (default: Settings, normally highs).")
@click.option("--no-write", is_flag=True, help="Solve and report only; write no plan workbook.")
@click.option("--quiet", is_flag=True, help="No progress messages on stderr.")
def solve_command(
    workbook: str,
    scenario: str | None,
    out: str | None,
    into_copy: bool,
    as_json: bool,
    time_limit: float | None,
    gap: float | None,
    fractional: bool,
    solver: str | None,
    no_write: bool,
    quiet: bool,
) -> None:
    """Solve WORKBOOK for the best role mix and write the plan workbook.

    \b
    Examples:
      rolemix solve excel_templates/example-software-co.xlsx
      rolemix solve plan.xlsx --out board/plan.xlsx --time-limit 120 --gap 0.005
      rolemix solve plan.xlsx --fractional --json
      rolemix solve plan.xlsx --scenario scenarios/ai-fast.yaml --out ai-fast-plan.xlsx
    """
    from rolemix.model import SolveOptions, solve_plan
    from rolemix.model.baseline import BaselineRun
    from rolemix.model.solve import effective_settings

    say = (lambda _m: None) if quiet else _progress
    source = Path(workbook)
    target = Path(out) if out else source.with_name(f"{source.stem}-plan.xlsx")
    try:
        if not no_write:
            _check_output(source, target)
        say(f"reading {workbook}")
        plan_input = _read(workbook)
        overrides: tuple[Any, ...] = ()
        if scenario is not None:
            from rolemix.scenarios.loader import load_scenario

            say(f"applying scenario {scenario}")
            plan_input, overrides = load_scenario(scenario, plan_input)
        options = SolveOptions(
            time_limit_s=time_limit, gap=gap, whole_people=False if fractional else None, solver=solver
        )
        with _solver_chatter_to_stderr(as_json), BaselineRun(effective_settings(plan_input, options)) as costing:
            result = solve_plan(plan_input, options, progress=say)
            say("costing the do-nothing baseline")
            baseline = costing.result()
        written: Path | None = None
        if not no_write:
            from rolemix.report.workbook import write_plan_workbook

            say(f"writing {target}")
            written = write_plan_workbook(
                result,
                target,
                baseline=baseline,
                into_copy_of=source if into_copy else None,
                scenario_overrides=tuple(o.assumption_row() for o in overrides),
            )
    except RolemixError as error:
        _fail(error)
    if result.outcome.status != "optimal":
        click.secho(f"Warning: {result.outcome.in_words()}", fg="yellow", err=True)
    if as_json:
        click.echo(json.dumps(_solve_json(result, baseline, written), indent=2, default=str))
        return
    _print_summary(result, baseline, written)


def _check_output(source: Path, target: Path) -> None:
    from rolemix.errors import OutputError
    from rolemix.report.files import check_writable

    if target.suffix.lower() == ".xlsm":
        raise OutputError(f"{target}: rolemix writes no macro-enabled workbooks; give --out a name ending in .xlsx.")
    if source.exists() and target.exists() and source.resolve() == target.resolve():
        raise OutputError(f"{target} is the input workbook; rolemix never overwrites its input. Choose another --out.")
    if target.suffix.lower() != ".xlsx":
        raise OutputError(f"{target}: the plan is an Excel workbook; give --out a name ending in .xlsx.")
    # Refuse a read-only or locked target before the solve, not after it.
    check_writable(target, "the plan")


def _print_summary(result: Any, baseline: Any, written: Path | None) -> None:
    from rolemix.model.explain import money

    currency = result.plan_input.settings.currency
    click.echo(result.outcome.in_words())
    click.echo(
        f"Total cost over the horizon: {money(result.total_cost, currency)}"
        f" (do nothing: {money(baseline.total_cost, currency)})"
    )
    click.echo(
        f"Hires {result.total_hires:,.0f}, layoffs {result.total_layoffs:,.0f}, "
        f"people reskilled {result.total_reskilled:,.0f}, unmet demand {result.unmet_hours:,.0f} hours"
    )
    start, end = result.start_headcount(), result.end_headcount()
    for role in start:
        click.echo(f"  {role}: {start[role]:,.0f} -> {end[role]:,.1f}")
    for limit in result.binding[:5]:
        click.echo(f"  * {limit.sentence}")
    if written is not None:
        click.echo(f"Plan written to {written}")


@main.command("report")
@click.argument("plan", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--pdf", "pdf_path", type=click.Path(dir_okay=False), help="Write the board pack PDF here (default: <plan>.pdf)."
)
def report_command(plan: str, pdf_path: str | None) -> None:
    """Render the Summary and Charts of a plan workbook to a PDF board pack (needs LibreOffice).

    \b
    Example:
      rolemix report example-software-co-plan.xlsx --pdf board-pack.pdf
    """
    from rolemix.report.pdf import render_pdf
    from rolemix.workbook.safety import check_workbook_file

    target = Path(pdf_path) if pdf_path else Path(plan).with_suffix(".pdf")
    try:
        # The plan is a workbook from somewhere: the same checks as any input before it is opened.
        check_workbook_file(plan)
        written = render_pdf(plan, target)
    except RolemixError as error:
        _fail(error)
    click.echo(f"Board pack written to {written}")


def _register_command_families() -> None:
    """Commands that live beside their library code: scenarios, the generator, the benchmark."""
    from rolemix import bench, cli_scenarios

    cli_scenarios.register(main)
    bench.register(main)
    try:
        from rolemix import cli_generate
    except ImportError:  # pragma: no cover - while the generator's command is being written
        return
    cli_generate.register(main)


_register_command_families()


def run() -> None:
    """The console entry point: ``main`` with Ctrl+C turned into one clear line and exit code 130."""
    try:
        main(standalone_mode=False)
    except KeyboardInterrupt:
        click.secho("Error: interrupted: no plan was written; the input is unchanged.", fg="red", err=True)
        sys.exit(130)
    except click.exceptions.Abort:
        click.secho("Error: interrupted: no plan was written; the input is unchanged.", fg="red", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)


if __name__ == "__main__":
    run()
