"""The ``rolemix generate`` command: a synthetic input workbook of any size.

Kept out of :mod:`rolemix.cli` so the command can be wired in with one call,
:func:`register`.
"""

from __future__ import annotations

from pathlib import Path

import click

from rolemix.errors import RolemixError
from rolemix.generate import (
    DEFAULT_EMPLOYEES,
    DEFAULT_PERIODS,
    DEFAULT_REGIONS,
    DEFAULT_ROLES,
    DEFAULT_SEED,
    DEFAULT_SEGMENTS,
    MAX_EMPLOYEES,
    PERIODS_RANGE,
    ROLES_RANGE,
    SEGMENTS_RANGE,
    generate_workbook,
    minimum_employees,
)
from rolemix.report.files import write_atomically


@click.command("generate")
@click.option(
    "--employees",
    type=click.IntRange(1, MAX_EMPLOYEES),
    default=DEFAULT_EMPLOYEES,
    show_default=True,
    help="People today; one Headcount row each. At least roles x regions x segments.",
)
@click.option(
    "--regions", type=click.IntRange(min=1), default=DEFAULT_REGIONS, show_default=True, help="Number of regions."
)
@click.option(
    "--segments",
    type=click.IntRange(*SEGMENTS_RANGE),
    default=DEFAULT_SEGMENTS,
    show_default=True,
    help="Customer segments: the first N of Enterprise, Mid-market, SMB, Public sector, Strategic, Digital natives.",
)
@click.option(
    "--roles",
    type=click.IntRange(*ROLES_RANGE),
    default=DEFAULT_ROLES,
    show_default=True,
    help="Roles: the first K of Account executive, Solution engineer, Customer success manager, Inside sales rep, "
    "Sales manager, Partner manager, Sales development rep.",
)
@click.option(
    "--periods",
    type=click.IntRange(*PERIODS_RANGE),
    default=DEFAULT_PERIODS,
    show_default=True,
    help="Quarters in the horizon, from 2027-Q1.",
)
@click.option(
    "--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed: the same seed, the same workbook."
)
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Workbook to write (.xlsx).")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def generate_command(
    employees: int, regions: int, segments: int, roles: int, periods: int, seed: int, out: str, force: bool
) -> None:
    """Write a synthetic input workbook of a chosen size, to test how rolemix scales.

    The workbook has one Headcount row per employee, uneven regions, a
    shortage of solution engineers, AI agents, partners and a copilot, and a
    budget that tightens each quarter.

    \b
    Examples:
      rolemix generate --out scale.xlsx
      rolemix generate --employees 3000 --regions 10 --segments 3 --roles 5 --periods 8 --seed 7 --out small.xlsx
    """
    least = minimum_employees(regions, segments, roles)
    if employees < least:
        raise click.BadParameter(
            f"{employees:,} is too few: every unit needs one person per role, so at least "
            f"roles x regions x segments = {roles} x {regions} x {segments} = {least:,}.",
            param_hint="'--employees'",
        )
    target = Path(out)
    if target.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{out}: give a name ending in .xlsx.", param_hint="'--out'")
    if target.exists() and not force:
        raise click.ClickException(f"{out} already exists; choose another name or add --force to overwrite it.")
    try:
        write_atomically(
            target,
            lambda path: generate_workbook(
                path, employees=employees, regions=regions, segments=segments, roles=roles, periods=periods, seed=seed
            ),
            what="the workbook",
            close_hint="close it in Excel and run again",
        )
    except (OSError, RolemixError) as error:
        raise click.ClickException(f"Cannot write {out}: {getattr(error, 'strerror', None) or error}.") from error
    units = f"{_count(regions * segments, 'unit')} ({_count(regions, 'region')} x {_count(segments, 'segment')})"
    horizon = f"{_count(roles, 'role')}, {_count(periods, 'quarter')}"
    click.echo(f"Wrote {out}: {_count(employees, 'employee')} in {units}, {horizon}, seed {seed}.")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def register(group: click.Group) -> None:
    """Add the ``generate`` command to ``group`` (the ``rolemix`` command group)."""
    group.add_command(generate_command)
