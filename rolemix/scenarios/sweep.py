"""Sweeping one input value across a list of values, and where the role mix tips.

The value is named by a path in the words of the workbook::

    Roles[Account executive].Attrition             a table sheet: [key values].Column
    CapacityScope[Northwind AI sales agent, transactional, SMB].Max share
    Adoption[Sales copilot, 2027-Q2].Adoption
    Policy.Layoff cap share                          a settings sheet: Sheet.Setting
    budget_multiplier                                every budget x the value
    demand_multiplier[segment=SMB, work_type=transactional]
                                                     demand x the value (either part may be left out)

Key values that contain a comma or a bracket go in double quotes.  Each value
of the sweep becomes a one-override scenario, checked exactly like a scenario
file's override.

A *tipping point* is a step between two neighbouring values where the role
mix changes shape: the ranking of roles by end headcount changes, or a role's
end headcount moves by more than a threshold share (10 % unless told).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rolemix.errors import InputError, Problem
from rolemix.inputs import PlanInput
from rolemix.scenarios.document import ScenarioProblem, parse_scalar
from rolemix.scenarios.kpis import Kpis, kpis_of, progress_line
from rolemix.scenarios.overrides import (
    MISSING,
    Override,
    apply_budget_multiplier,
    apply_demand_multiplier,
    apply_value,
    current_value,
    resolve_address,
)
from rolemix.scenarios.tasks import SolveTask, TaskOutcome
from rolemix.spec import SHEETS_BY_NAME
from rolemix.workbook.validate import show

if TYPE_CHECKING:
    from rolemix.model.solve import SolveOptions
    from rolemix.scenarios.runner import Executor

Say = Callable[[str], None]

PATH_SYNTAX = (
    "Sheet[key, ...].Column, Sheet.Setting, budget_multiplier or "
    "demand_multiplier[segment=..., work_type=...]"
)

#: A role's end headcount must move by at least this many people to count as a tipping point (round-off guard).
MIN_TIPPING_PEOPLE = 0.5

_PATH = re.compile(r"^\s*(?P<sheet>[A-Za-z_]+)\s*(?:\[(?P<key>.*)\])?\s*(?:\.(?P<column>.+))?$", re.DOTALL)


@dataclass(frozen=True)
class Parameter:
    """What a sweep changes: an override address (sheet, key, column) or a multiplier."""

    text: str
    #: ``"override"``, ``"budget_multiplier"`` or ``"demand_multiplier"``.
    kind: str
    sheet: str = ""
    key: object = None
    column: str = ""
    segment: str | None = None
    work_type: str | None = None


def _split(text: str) -> list[str]:
    """Split on commas outside double quotes; strip spaces and the quotes."""
    parts: list[str] = []
    current = ""
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _path_problem(text: str, message: str) -> InputError:
    return InputError([ScenarioProblem("--set", None, text, message)])


def parse_parameter(text: str) -> Parameter:
    """Read a sweep path (see the module docs).

    Raises
    ------
    InputError
        The path does not follow the syntax or names no sheet.
    """
    match = _PATH.match(text)
    if match is None:
        raise _path_problem(text, f"expected {PATH_SYNTAX}")
    sheet, key, column = match.group("sheet"), match.group("key"), match.group("column")
    if sheet.lower() == "budget_multiplier" and key is None and column is None:
        return Parameter(text, "budget_multiplier")
    if sheet.lower() == "demand_multiplier" and column is None:
        named: dict[str, str] = {}
        for part in _split(key) if key else []:
            name, equals, value = part.partition("=")
            name = name.strip().lower()
            if not equals or name not in ("segment", "work_type") or not value.strip():
                raise _path_problem(text, f"found {part!r}, expected segment=... or work_type=...")
            named[name] = value.strip().strip('"')
        return Parameter(text, "demand_multiplier", segment=named.get("segment"), work_type=named.get("work_type"))
    sheets = {name.lower(): name for name in SHEETS_BY_NAME}
    if sheet.lower() not in sheets:
        listed = ", ".join(SHEETS_BY_NAME)
        raise _path_problem(text, f"found {sheet!r}, expected a sheet name ({listed}) or {PATH_SYNTAX}")
    if column is None or not column.strip():
        raise _path_problem(text, f"no column after the sheet, expected {PATH_SYNTAX}")
    parts = _split(key) if key is not None else None
    key_value: object = None if parts is None else (parts[0] if len(parts) == 1 else parts)
    return Parameter(text, "override", sheets[sheet.lower()], key_value, column.strip())


def split_setting(text: str) -> tuple[str, str] | None:
    """``PATH=V1,V2`` -> ``(PATH, "V1,V2")``, splitting at the first ``=`` outside brackets and quotes."""
    depth, quoted = 0, False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "[":
            depth += 1
        elif not quoted and char == "]":
            depth -= 1
        elif not quoted and depth == 0 and char == "=":
            path, values = text[:index].strip(), text[index + 1:].strip()
            return (path, values) if path and values else None
    return None


def parse_values(text: str) -> list[object]:
    """The values of ``--set PATH=V1,V2,...``: separated by commas, or by semicolons when any is present.

    ``FROM:TO:STEP`` (numbers) gives the values from FROM to TO inclusive in
    steps of STEP.  Each value is read like a YAML value in a scenario file
    (``0.2``, ``12%``, ``yes``, text).

    Raises
    ------
    InputError
        A value cannot be read, or a range is not three numbers with a step
        that moves from FROM towards TO.
    """
    stripped = text.strip()
    if re.fullmatch(r"[-+0-9.eE]+:[-+0-9.eE]+:[-+0-9.eE]+", stripped):
        return _range(stripped)
    separator = ";" if ";" in stripped else ","
    values: list[object] = []
    for part in stripped.split(separator):
        part = part.strip()
        if not part:
            raise _path_problem(text, "found an empty value, expected values separated by commas")
        values.append(parse_scalar(part, "--set"))
    return values


def _range(text: str) -> list[object]:
    try:
        start, stop, step = (float(part) for part in text.split(":"))
    except ValueError:
        raise _path_problem(text, "expected FROM:TO:STEP with three numbers") from None
    if step == 0 or (stop - start) / step < 0:
        raise _path_problem(text, "expected a STEP that leads from FROM to TO")
    count = int(round((stop - start) / step, 9)) + 1
    if count > 1000:
        raise _path_problem(text, f"found {count} values, expected at most 1000")
    # Rounding keeps 0.1 + 0.2 from showing as 0.30000000000000004 in the table.
    return [round(start + index * step, 10) for index in range(count)]


@dataclass(frozen=True)
class SweepPoint:
    """One value of the sweep: the change it made, the plan and its numbers."""

    value: object
    override: Override
    outcome: TaskOutcome
    kpis: Kpis


@dataclass(frozen=True)
class TippingPoint:
    """A step between two neighbouring values where the role mix changes shape."""

    before: object
    after: object
    sentence: str


@dataclass(frozen=True)
class Sweep:
    """A parameter swept across values: one plan per value, and the tipping points between them."""

    plan_name: str
    currency: str
    roles: tuple[str, ...]
    parameter: str
    #: The value in the workbook (for a multiplier: 1).
    workbook_value: object
    points: tuple[SweepPoint, ...]
    tipping_points: tuple[TippingPoint, ...]
    threshold: float

    def as_dict(self) -> dict[str, object]:
        """The sweep as JSON-ready data (``--json``)."""
        return {
            "plan": self.plan_name,
            "parameter": self.parameter,
            "workbook_value": self.workbook_value,
            "points": [{"value": p.value, **p.kpis.as_dict(self.roles)} for p in self.points],
            "tipping_points": [{"from": t.before, "to": t.after, "text": t.sentence} for t in self.tipping_points],
        }


def sweep_inputs(
    plan_input: PlanInput, parameter: Parameter, values: Sequence[object]
) -> tuple[list[tuple[PlanInput, Override]], object]:
    """One plan input per value, checked like scenario overrides, and the workbook's own value.

    Raises
    ------
    InputError
        Every problem with the path or the values.
    """
    problems: list[Problem] = []
    changed: list[tuple[PlanInput, Override]] = []

    def locator(shown: str) -> Callable[[tuple[str | int, ...], str], Problem]:
        def locate(_part: tuple[str | int, ...], message: str) -> Problem:
            return ScenarioProblem("--set", None, shown, message)

        return locate

    if parameter.kind == "override":
        address = resolve_address(plan_input, parameter.sheet, parameter.key, parameter.column,
                                  locator(parameter.text), problems)
        if address is None:
            raise InputError(problems)
        before = current_value(plan_input, address)
        before = None if before is MISSING else before
        for value in values:
            result, record = apply_value(plan_input, address, value, locator(f"{parameter.text} = {show(value)}"),
                                         problems, "--set")
            if record is not None:
                changed.append((result, record))
        if problems:
            raise InputError(problems)
        return changed, before
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            problems.append(ScenarioProblem("--set", None, f"{parameter.text} = {show(value)}",
                                            f"found {show(value)}, expected a factor of at least 0"))
            continue
        if parameter.kind == "budget_multiplier":
            changed.append(apply_budget_multiplier(plan_input, float(value), "--set"))
        else:
            result, optional = apply_demand_multiplier(plan_input, parameter.segment, parameter.work_type, float(value),
                                                       locator(parameter.text), problems, "--set")
            if optional is not None:
                changed.append((result, optional))
    if problems:
        # One problem per wrong name, not one per value.
        raise InputError(list(dict.fromkeys(problems)))
    return changed, 1.0


def value_text(value: object) -> str:
    """A swept value as a label: text as typed, numbers without a needless ``.0``."""
    return value if isinstance(value, str) else show(value)


def _ranking(kpis: Kpis, roles: Sequence[str]) -> list[str]:
    ends = dict(kpis.end_headcount)
    # Rounded to a tenth of a person, so solver round-off never reorders roles of equal size.
    return sorted(roles, key=lambda role: (-round(ends[role], 1), roles.index(role)))


def tipping_points(
    points: Sequence[SweepPoint], roles: Sequence[str], threshold: float = 0.1
) -> list[TippingPoint]:
    """The steps between neighbouring values (both with a plan) where the role mix changes shape.

    Parameters
    ----------
    points
        The sweep's points, in the order swept.
    roles
        Role names in workbook order (ties in the ranking keep this order).
    threshold
        A role's end headcount moving by more than this share of its value
        before the step (and by at least half a person) is a tipping point.
    """
    found: list[TippingPoint] = []
    for before, after in zip(points, points[1:], strict=False):
        if not before.kpis.end_headcount or not after.kpis.end_headcount:
            continue
        step = f"From {value_text(before.value)} to {value_text(after.value)}"
        old, new = _ranking(before.kpis, roles), _ranking(after.kpis, roles)
        if old != new:
            found.append(TippingPoint(before.value, after.value,
                                      f"{step}, the ranking of roles by end headcount changes to "
                                      f"{' > '.join(new)} (was {' > '.join(old)})."))
        ends_before, ends_after = dict(before.kpis.end_headcount), dict(after.kpis.end_headcount)
        for role in roles:
            was, now = ends_before[role], ends_after[role]
            change = now - was
            if abs(change) < MIN_TIPPING_PEOPLE or abs(change) <= threshold * abs(was):
                continue
            direction = "rises" if change > 0 else "falls"
            share = f" by {abs(change) / was:.0%}" if was > 0 else ""
            found.append(TippingPoint(before.value, after.value,
                                      f"{step}, {role} end headcount {direction}{share} ({was:,.1f} to {now:,.1f})."))
    return found


def run_sweep(
    plan_input: PlanInput,
    parameter: str,
    values: Sequence[object],
    options: SolveOptions | None = None,
    *,
    threshold: float = 0.1,
    executor: Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    say: Say | None = None,
) -> Sweep:
    """Solve ``plan_input`` once per value of ``parameter`` and find the tipping points.

    Parameters
    ----------
    plan_input
        The plan (a workbook, or a workbook with a scenario applied).
    parameter
        The path of the value to sweep (see the module docs).
    values
        The values, in the order shown.
    options
        Solve options for every value.
    threshold
        Share a role's end headcount must move by to be called out.
    executor, workers, scheduler
        Where the solves run (see :func:`rolemix.scenarios.runner.run_tasks`).
    say
        Hears one progress line per finished solve.

    Raises
    ------
    InputError
        The path or a value has a problem (nothing is solved then).
    ClusterError
        The Dask cluster cannot be used.
    """
    from rolemix.model.solve import SolveOptions
    from rolemix.scenarios.runner import run_tasks

    chosen = parse_parameter(parameter)
    inputs, workbook_value = sweep_inputs(plan_input, chosen, values)
    base = options if options is not None else SolveOptions()
    labels = [f"{chosen.text} = {value_text(value)}" for value in values]
    tasks = [SolveTask(label, changed, base) for label, (changed, _) in zip(labels, inputs, strict=True)]
    currency = plan_input.settings.currency

    def heard(finished: int, total: int, outcome: TaskOutcome) -> None:
        if say is not None:
            say(progress_line(finished, total, outcome.label, kpis_of(outcome.label, outcome), currency))

    outcomes = run_tasks(tasks, executor=executor, workers=workers, scheduler=scheduler, on_done=heard)
    roles = tuple(role.name for role in plan_input.roles)
    points = tuple(
        SweepPoint(value, record, outcome, kpis_of(value_text(value), outcome))
        for value, (_, record), outcome in zip(values, inputs, outcomes, strict=True)
    )
    return Sweep(
        plan_name=plan_input.settings.plan_name,
        currency=currency,
        roles=roles,
        parameter=chosen.text,
        workbook_value=workbook_value,
        points=points,
        tipping_points=tuple(tipping_points(points, roles, threshold)),
        threshold=threshold,
    )
