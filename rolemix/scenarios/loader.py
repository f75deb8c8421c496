"""Loading a scenario file: read it (and the files it extends), check it, apply it to a plan input.

Order of application: the file named by ``extends`` first (recursively), then
this file's ``overrides`` in the order written, then its
``demand_multipliers``, then its ``budget_multiplier``.  A later override of
the same value wins; multipliers compound (a multiplier applies to demand or
budgets as the earlier steps left them).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from rolemix.errors import InputError, Problem
from rolemix.inputs import PlanInput
from rolemix.scenarios.document import Document, KeyPath, read_document
from rolemix.scenarios.overrides import (
    Locate,
    Override,
    apply_budget_multiplier,
    apply_demand_multiplier,
    apply_value,
    merge_overrides,
    resolve_address,
)
from rolemix.scenarios.schema import check_against_schema

#: How deep ``extends`` may chain; deeper is almost certainly a mistake.
MAX_EXTENDS_DEPTH = 10


@dataclass(frozen=True)
class ScenarioFile:
    """One file of a scenario's ``extends`` chain."""

    path: str
    sha256: str


@dataclass(frozen=True)
class Scenario:
    """A scenario applied to a plan input.

    ``files`` lists the files used, the ones extended first and this
    scenario's own file last; ``overrides`` has one record per changed value.
    """

    name: str
    description: str
    path: str
    plan_input: PlanInput
    overrides: tuple[Override, ...]
    files: tuple[ScenarioFile, ...]

    @property
    def sha256(self) -> str:
        return self.files[-1].sha256


def load_scenario(path: str | Path, plan_input: PlanInput) -> tuple[PlanInput, tuple[Override, ...]]:
    """Apply the scenario file at ``path`` to ``plan_input``.

    Parameters
    ----------
    path
        A ``.yaml``, ``.yml`` or ``.json`` scenario file; an ``extends`` in it
        is a path relative to the file's folder.
    plan_input
        The workbook's plan input.

    Returns
    -------
    tuple
        The changed plan input (its provenance names every scenario file used
        with its SHA-256: pairs ``("scenario", path)`` and
        ``("scenario_sha256", hex)``, this file's last) and one
        :class:`Override` per changed value.

    Raises
    ------
    FileRefused
        A scenario file is missing or cannot be read.
    InputError
        Every problem in the scenario files, each with file, line and key path.
    """
    scenario = read_scenario(path, plan_input)
    return scenario.plan_input, scenario.overrides


def read_scenario(path: str | Path, plan_input: PlanInput) -> Scenario:
    """Like :func:`load_scenario`, with the scenario's name, description and files."""
    display = str(path)
    chain = _chain(Path(path), display)
    problems: list[Problem] = []
    for document, _ in chain:
        problems.extend(check_against_schema(document))
    if problems:
        raise InputError(problems)
    changed = plan_input
    records: list[Override] = []
    for document, _ in chain:
        changed = apply_document(document, changed, records, problems)
    if problems:
        raise InputError(problems)
    files = tuple(ScenarioFile(document.display, hashlib.sha256(raw).hexdigest()) for document, raw in chain)
    provenance = list(plan_input.provenance)
    for file in files:
        provenance += [("scenario", file.path), ("scenario_sha256", file.sha256)]
    own = chain[-1][0].data
    assert isinstance(own, Mapping)
    return Scenario(
        name=str(own["name"]),
        description=str(own.get("description", "")),
        path=display,
        plan_input=replace(changed, provenance=tuple(provenance)),
        overrides=merge_overrides(records),
        files=files,
    )


def _chain(path: Path, display: str) -> list[tuple[Document, bytes]]:
    """The scenario file and the files it extends, the furthest ancestor first."""
    chain: list[tuple[Document, bytes]] = []
    seen: list[tuple[Path, str]] = []
    current, shown = path, display
    while True:
        document, raw = read_document(current, shown)
        chain.append((document, raw))
        seen.append((current.resolve(), shown))
        data = document.data
        parent = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(parent, str) or not parent:
            break  # a wrong extends is the schema's to report
        target = current.parent / parent
        target_shown = os.path.normpath(os.path.join(os.path.dirname(shown), parent))
        resolved = target.resolve()
        circle = [name for resolved_path, name in seen if resolved_path == resolved]
        if circle:
            loop = " -> ".join([name for _, name in seen] + [circle[0]])
            raise InputError([document.problem(("extends",), f"found {parent!r}, which leads back to itself: {loop}")])
        if len(seen) > MAX_EXTENDS_DEPTH:
            raise InputError(
                [document.problem(("extends",), f"found {parent!r}, expected at most {MAX_EXTENDS_DEPTH} files "
                                                "extending one another")]
            )
        if not target.is_file():
            raise InputError(
                [document.problem(("extends",), f"found {parent!r}, but {target_shown} does not exist")]
            )
        current, shown = target, target_shown
    chain.reverse()
    return chain


def _locator(document: Document, base: KeyPath) -> Locate:
    def locate(part: KeyPath, message: str) -> Problem:
        return document.problem((*base, *part), message)

    return locate


def apply_document(
    document: Document, plan_input: PlanInput, records: list[Override], problems: list[Problem]
) -> PlanInput:
    """Apply one scenario document that passed the schema: overrides, then demand and budget multipliers.

    Changes are appended to ``records`` and problems to ``problems``; a change
    with a problem is skipped, so that every problem of the file is found.
    """
    data = document.data
    assert isinstance(data, dict)
    changed = plan_input
    for index, entry in enumerate(data.get("overrides", [])):
        base: KeyPath = ("overrides", index)
        locate = _locator(document, base)
        address = resolve_address(changed, entry["sheet"], entry.get("key"), entry["column"], locate, problems)
        if address is None:
            continue
        source = f"{document.display}, line {document.line(base)}"
        changed, record = apply_value(changed, address, entry["value"], locate, problems, source)
        if record is not None:
            records.append(record)
    for index, entry in enumerate(data.get("demand_multipliers", [])):
        base = ("demand_multipliers", index)
        source = f"{document.display}, line {document.line(base)}"
        changed, record = apply_demand_multiplier(
            changed, entry.get("segment"), entry.get("work_type"), float(entry["factor"]), _locator(document, base),
            problems, source,
        )
        if record is not None:
            records.append(record)
    if "budget_multiplier" in data:
        source = f"{document.display}, line {document.line(('budget_multiplier',))}"
        changed, record = apply_budget_multiplier(changed, float(data["budget_multiplier"]), source)
        records.append(record)
    return changed
