"""Read an input workbook into a :class:`rolemix.inputs.PlanInput`.

The workbook is checked by :mod:`rolemix.workbook.safety` before any XML is
parsed, then streamed read-only by :mod:`rolemix.workbook.cells` (cached
values instead of formulas, as openpyxl's ``data_only=True``) and never
written.  Sheets and columns are found by name, so column
order may differ from the template and unknown sheets (notes, a copy of the
results) are ignored.  Every cell is converted by its field in
:mod:`rolemix.spec`; :mod:`rolemix.workbook.validate` then applies the rules
across rows and sheets.  All problems are raised together as one
:class:`rolemix.errors.InputError`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from rolemix.collector import collector_paused
from rolemix.errors import InputError
from rolemix.inputs import (
    OBJECTIVE_TERMS,
    Copilot,
    Demand,
    ExternalSource,
    PlanInput,
    Policy,
    Ratio,
    ReskillPath,
    Role,
    ScopeRule,
    Settings,
    StartCohort,
    Unit,
    WorkType,
)
from rolemix.spec import POLICY, SETTINGS, SHEETS, Field, SheetSpec
from rolemix.workbook.cells import Row, WorkbookCells, open_workbook_cells
from rolemix.workbook.safety import check_workbook_file
from rolemix.workbook.template import period_labels
from rolemix.workbook.validate import (
    PERIOD_EXAMPLES,
    Converter,
    Problems,
    Record,
    SettingsData,
    SheetData,
    WorkbookData,
    check_across_sheets,
    converter,
    demand_hours,
    is_blank,
    period_converter,
    show,
    text_value,
    uncomputed_message,
)

#: Sheets that must be present: Settings and every sheet that needs rows.
REQUIRED_SHEETS: tuple[str, ...] = tuple(spec.name for spec in SHEETS if spec is SETTINGS or spec.required_rows)

#: The objective dropdown joins its terms with this text ("fewest layoffs, then least cost").
OBJECTIVE_SEPARATOR = ", then "

_HASH_CHUNK = 1024 * 1024

#: Cells holding a formula without a saved result, by (row, column): the formula (see WorkbookCells).
Formulas = Mapping[tuple[int, int], str]

#: Stands in for the value of a cell whose formula has no saved result, until it is reported.
_UNCOMPUTED = object()


def read_plan_input(path: str | Path, warnings: list[str] | None = None) -> PlanInput:
    """Read, check and convert an input workbook.

    Parameters
    ----------
    path
        The workbook (``.xlsx``, or ``.xlsm`` whose macros are ignored).  It is
        opened read-only and never changed.
    warnings
        When given, notes for the planner that do not stop the read (such as
        "macros are ignored") are appended to it.

    Returns
    -------
    PlanInput
        The validated plan input; its provenance names the file and the
        SHA-256 of its bytes.

    Raises
    ------
    FileRefused
        When the file cannot or must not be read at all (missing, not a
        workbook, encrypted, damaged, a decompression bomb, XML entities).
    InputError
        With every problem found in the workbook, each located by sheet, row
        and column.
    """
    file = Path(path)
    notes = check_workbook_file(file)
    digest = file_sha256(file)
    problems = Problems()
    data = read_workbook_data(file, problems)
    if problems:
        raise InputError(problems.sorted())
    if warnings is not None:
        warnings.extend(notes)
    provenance = (("workbook", str(file)), ("workbook_sha256", digest))
    return build_plan_input(data, provenance)


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes, as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(_HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def summary(plan_input: PlanInput) -> dict[str, object]:
    """The figures ``rolemix validate`` prints for a workbook that reads cleanly.

    Returns
    -------
    dict
        ``plan``, ``roles``, ``units``, ``work_types``, ``period_length``,
        ``periods``, ``first_period``, ``last_period``, ``headcount`` (today's
        people, a whole number) and ``demand_hours`` (over the horizon).
    """
    headcount = sum(cohort.count for cohort in plan_input.start)
    return {
        "plan": plan_input.settings.plan_name,
        "roles": len(plan_input.roles),
        "units": len(plan_input.units),
        "work_types": len(plan_input.work_types),
        "period_length": plan_input.settings.period_length,
        "periods": plan_input.periods,
        "first_period": plan_input.period_labels[0],
        "last_period": plan_input.period_labels[-1],
        "headcount": round(headcount) if float(headcount).is_integer() else headcount,
        "demand_hours": sum(demand.hours for demand in plan_input.demand),
    }


# --- reading sheets ------------------------------------------------------------------------------


def read_workbook_data(path: Path, problems: Problems) -> WorkbookData:
    """Read every sheet of the spec from a workbook that passed the safety checks.

    Cell problems and cross-sheet problems are added to ``problems``.

    Raises
    ------
    FileRefused
        When the workbook's XML is damaged or declares a DOCTYPE or an entity.
    """
    # What is read lives on as the plan input and makes no cycles: the collector's passes over the rows as
    # they arrive took 0.5-0.7 s of a 62,000-employee workbook's reading (rolemix/collector.py).
    with open_workbook_cells(path) as cells, collector_paused(keep=True):
        return _read_sheets(cells, problems)


def _sheet_key(name: str) -> str:
    """A sheet name reduced to what a misspelling keeps: letters and digits, no plural s."""
    return re.sub(r"[^a-z0-9]", "", name.lower()).removesuffix("s")


def _label_key(label: str) -> str:
    return " ".join(label.split()).lower()


def _read_sheets(cells: WorkbookCells, problems: Problems) -> WorkbookData:
    names = cells.sheetnames
    found: set[str] = set()
    misnamed: dict[str, str] = {}
    for spec in SHEETS:
        if spec.name in names:
            found.add(spec.name)
            continue
        lookalikes = [
            name
            for name in names
            if name not in found and name not in misnamed and _sheet_key(name) == _sheet_key(spec.name)
        ]
        for name in lookalikes:
            misnamed[name] = spec.name
            problems.add(spec.name, None, None, f"sheet {name!r} should be named {spec.name!r}")
        if not lookalikes and spec.name in REQUIRED_SHEETS:
            problems.add(spec.name, None, None, "sheet is missing, but it is required")
    for name in sorted(found):
        if not cells.is_worksheet(name):
            problems.add(name, None, None, "is a chart sheet, expected a sheet of cells")
            found.discard(name)

    table_specs = [spec for spec in SHEETS if spec.layout == "table"]
    # The order below: Settings, Policy, then the tables in the template's order.
    cells.read_ahead([spec.name for spec in (SETTINGS, POLICY, *table_specs) if spec.name in found])

    def rows_of(spec: SheetSpec) -> Iterator[Row] | None:
        return cells.rows(spec.name) if spec.name in found else None

    def formulas(spec: SheetSpec) -> Formulas:
        return cells.formulas_without_results(spec.name) if spec.name in found else {}

    settings = _read_settings(rows_of(SETTINGS), SETTINGS, problems, formulas(SETTINGS))
    policy = _read_settings(rows_of(POLICY), POLICY, problems, formulas(POLICY))
    length = settings.values.get("Period length") if settings.ok("Period length") else None
    period_length = length if isinstance(length, str) else None
    tables = {
        spec.name: _read_table(rows_of(spec), spec, period_length, problems, formulas(spec)) for spec in table_specs
    }
    data = WorkbookData(settings, policy, tables, _period_labels(settings, problems), misnamed)
    check_across_sheets(data, problems)
    return data


def _cell(values: tuple[object, ...], index: int) -> object:
    return values[index] if index < len(values) else None


def _read_settings(
    rows: Iterator[Row] | None, spec: SheetSpec, problems: Problems, formulas: Formulas | None = None
) -> SettingsData:
    """Read a Setting | Value sheet: the label in column A, the value in column B."""
    data = SettingsData(spec, present=rows is not None)
    by_key = {_label_key(f.label): f for f in spec.fields}
    raw: dict[str, object] = {}
    uncomputed = formulas if formulas is not None else {}
    if rows is not None:
        for number, values in rows:
            label, value = text_value(_cell(values, 0)), _cell(values, 1)
            if value is None and (number, 2) in uncomputed:
                value = _UNCOMPUTED
            if label is None:
                if not is_blank(value):
                    problems.add(spec.name, number, "Setting", "blank, but a setting name is required next to a value")
                continue
            if number == 1 and _label_key(label) == "setting":
                continue
            spec_field = by_key.get(_label_key(label))
            if spec_field is None:
                expected = ", ".join(repr(f.label) for f in spec.fields)
                problems.add(spec.name, number, label, f"unknown setting {show(label)}, expected one of {expected}")
                continue
            if spec_field.label in data.rows:
                first = data.rows[spec_field.label]
                problems.add(spec.name, number, spec_field.label, f"duplicate of row {first} (same Setting)")
                continue
            data.rows[spec_field.label] = number
            raw[spec_field.label] = value

    # Period length first: its value decides how First period is read (Excel turns 2027-01 into a date).
    period_length: str | None = None
    for spec_field in sorted(spec.fields, key=lambda f: f.label != "Period length"):
        if spec_field.label not in data.rows:
            if spec_field.required and data.present:
                problems.add(spec.name, None, spec_field.label, "setting is missing, but it is required")
                data.invalid.add(spec_field.label)
            elif spec_field.required:
                data.invalid.add(spec_field.label)  # the missing sheet is the problem
            data.values[spec_field.label] = spec_field.default
            continue
        convert = (
            period_converter(spec_field, period_length) if spec_field.label == "First period" else converter(spec_field)
        )
        message: str | None
        if raw[spec_field.label] is _UNCOMPUTED:
            row = data.rows[spec_field.label]
            value, message = None, uncomputed_message(uncomputed[(row, 2)])
        else:
            value, message = convert(raw[spec_field.label])
        if message is not None:
            problems.add(spec.name, data.rows[spec_field.label], spec_field.label, message)
            data.invalid.add(spec_field.label)
        data.values[spec_field.label] = value
        if spec_field.label == "Period length" and isinstance(value, str):
            period_length = value
    return data


def _period_labels(settings: SettingsData, problems: Problems) -> tuple[str, ...] | None:
    """The planning period labels from Settings; ``None`` (and a problem) when they cannot be made."""
    if not all(settings.ok(label) for label in ("Period length", "Periods", "First period")):
        return None
    length, count, first = (settings.values[label] for label in ("Period length", "Periods", "First period"))
    assert isinstance(length, str) and isinstance(count, int) and isinstance(first, str)
    try:
        return period_labels(first, count, length)
    except ValueError:
        problems.add(
            "Settings",
            settings.rows.get("First period"),
            "First period",
            f"found {show(first)}, expected a {length} label like {PERIOD_EXAMPLES[length]}",
        )
        return None


def _field_converter(spec_field: Field, period_length: str | None) -> Converter:
    if spec_field.type == "ref" and spec_field.ref == "Periods":
        return period_converter(spec_field, period_length)
    return converter(spec_field)


def _read_table(
    rows: Iterator[Row] | None,
    spec: SheetSpec,
    period_length: str | None,
    problems: Problems,
    formulas: Formulas | None = None,
) -> SheetData:
    """Read a table sheet: headers in row 1 found by label, one record per filled-in row.

    ``formulas`` names the cells holding a formula without a saved result
    (they read as blank); each one in a column of the spec is a problem.
    """
    data = SheetData(spec, present=rows is not None)
    if rows is None:
        return data
    first = next(rows, None)
    header = first[1] if first is not None and first[0] == 1 else ()
    if all(is_blank(cell) for cell in header):
        expected = ", ".join(repr(label) for label in spec.labels)
        problems.add(spec.name, 1, None, f"the header row is blank, expected the columns {expected}")
        return data
    columns = _header_columns(header, spec, period_length, problems)
    data.columns = {spec_field.label for _, spec_field, _ in columns}
    defaults: dict[str, object] = {}
    for spec_field in spec.fields:
        if spec_field.label in data.columns:
            continue
        defaults[spec_field.label] = None if spec_field.required else spec_field.default
        if spec_field.required:
            problems.add(spec.name, 1, spec_field.label, "column is missing, but it is required")
    data.records = _records(rows, spec, columns, defaults, problems, formulas if formulas is not None else {})
    if spec.required_rows and not data.records:
        problems.add(spec.name, None, None, "no rows filled in, but at least one is required")
    return data


def _header_columns(
    header: tuple[object, ...], spec: SheetSpec, period_length: str | None, problems: Problems
) -> list[tuple[int, Field, Converter]]:
    """The spec's columns found in the header row: (index from column A, field, converter), in sheet order.

    Unknown and repeated headers are problems; their columns are not read.
    """
    by_key = {_label_key(f.label): f for f in spec.fields}
    expected = ", ".join(repr(label) for label in spec.labels)
    columns: list[tuple[int, Field, Converter]] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = text_value(cell)
        if label is None:
            continue
        spec_field = by_key.get(_label_key(label))
        if spec_field is None:
            problems.add(spec.name, 1, label, f"unknown column {show(label)}, expected one of {expected}")
            continue
        if spec_field.label in seen:
            letters = f"{get_column_letter(seen[spec_field.label] + 1)} and {get_column_letter(index + 1)}"
            problems.add(spec.name, 1, spec_field.label, f"the column appears twice (columns {letters})")
            continue
        seen[spec_field.label] = index
        columns.append((index, spec_field, _field_converter(spec_field, period_length)))
    return columns


def _records(
    rows: Iterator[Row],
    spec: SheetSpec,
    columns: list[tuple[int, Field, Converter]],
    defaults: dict[str, object],
    problems: Problems,
    uncomputed: Formulas,
) -> list[Record]:
    """Convert every filled-in row below the header into a record, adding each cell's problem.

    A Headcount sheet has one row per person (62,000 at the largest
    seller organisations), so this loop does as little per cell as it can:
    each row is padded to the last column read once, and a cell goes
    through its column's converter and nothing else.
    """
    records: list[Record] = []
    readers = [(index, spec_field.label, convert) for index, spec_field, convert in columns]
    indexes = tuple(index for index, _, _ in readers)
    width = max(indexes, default=-1) + 1
    for number, cells in rows:
        values = cells if len(cells) >= width else cells + (None,) * (width - len(cells))
        # Checked per row: the mapping fills up as the sheet is read, and is empty in nearly every workbook.
        pending = [index for index in indexes if (number, index + 1) in uncomputed] if uncomputed else None
        # A row whose first cell read is filled in (nearly every row) is not blank: no call to find out.
        first = values[indexes[0]] if indexes else None
        maybe_blank = first is None or (isinstance(first, str) and not first.strip())
        if not pending and maybe_blank and _is_blank_row(values, indexes):
            continue
        fields = dict(defaults)
        invalid: list[str] = []
        for index, label, convert in readers:
            message: str | None
            if pending and index in pending and values[index] is None:
                value, message = None, uncomputed_message(uncomputed[(number, index + 1)])
            else:
                value, message = convert(values[index])
            if message is not None:
                problems.add(spec.name, number, label, message)
                invalid.append(label)
            fields[label] = value
        records.append(Record(number, fields, set(invalid)) if invalid else Record(number, fields))
    return records


def _is_blank_row(values: tuple[object, ...], indexes: tuple[int, ...]) -> bool:
    """Tell whether every cell read from a row is empty (a row kept only for its formatting)."""
    for index in indexes:
        value = values[index]
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return False
    return True


# --- building the plan input ---------------------------------------------------------------------


def _typed(spec_field: Field, value: object) -> object:
    """A validated value in the type its plan-input field has."""
    if spec_field.type == "yesno":
        return value == "yes"
    if value is None:
        return "" if spec_field.type == "text" else None
    if spec_field.type == "integer":
        return int(value)  # type: ignore[call-overload]
    if spec_field.type in ("number", "money", "hours", "share"):
        return float(value)  # type: ignore[arg-type]
    return value


def _fields(spec: SheetSpec, values: dict[str, object]) -> dict[str, Any]:
    """Keyword arguments of a plan-input dataclass from a validated row, named by the spec's keys."""
    return {f.key: _typed(f, values[f.label]) for f in spec.fields}


def _objective(text: str) -> tuple[str, ...]:
    return tuple(OBJECTIVE_TERMS[term] for term in text.split(OBJECTIVE_SEPARATOR))


def _per_period(
    records: list[Record], value_label: str, index: dict[str, int], default: float | None, name: str | None = None
) -> tuple[float | None, ...]:
    """One value per period from rows keyed by Period (and by Name when ``name`` is given)."""
    values: list[float | None] = [default] * len(index)
    for record in records:
        if name is None or record.values["Name"] == name:
            values[index[record.text("Period")] - 1] = record.number(value_label)
    return tuple(values)


def _adoption(data: WorkbookData, name: str, index: dict[str, int]) -> tuple[float, ...]:
    shares = _per_period(data.tables["Adoption"].records, "Adoption", index, 1.0, name)
    return tuple(1.0 if share is None else share for share in shares)


def _start_cohorts(headcount: list[HeadcountRow], roles: tuple[Role, ...]) -> tuple[StartCohort, ...]:
    """Aggregate Headcount rows per role and unit (count-weighted cost, people under a year)."""
    loaded_cost = {role.name: role.loaded_cost_per_year for role in roles}
    # role, unit -> [people, people under a year, people x cost, sum of row costs, rows]
    totals: dict[tuple[str, str], list[float]] = {}
    for _group, role, unit, count, override, tenure in headcount:
        cost = loaded_cost[role] if override is None else override
        entry = totals.get((role, unit))
        if entry is None:
            entry = totals[role, unit] = [0.0, 0.0, 0.0, 0.0, 0.0]
        entry[0] += count
        entry[1] += count if tenure == "under 1 year" else 0.0
        entry[2] += count * cost
        entry[3] += cost
        entry[4] += 1
    cohorts = []
    for (role, unit), (people, under_one_year, weighted, row_costs, rows) in totals.items():
        # With no people at all there is nothing to weight by; the rows' costs count equally.
        cost_per_year = weighted / people if people > 0 else row_costs / rows
        cohorts.append(StartCohort(role, unit, people, under_one_year, cost_per_year))
    return tuple(cohorts)


HeadcountRow = tuple[str, str, str, float, float | None, object]


def _headcount_rows(data: WorkbookData) -> list[HeadcountRow]:
    """Group, role, unit, count, cost override (``None``: none) and tenure band of every Headcount row.

    Read from the checked values directly (a workbook with problems never gets here): 62,000 rows at the
    headline size, where the typed accessors of each record took 0.1 s of the conversion.
    """
    rows: list[HeadcountRow] = []
    for record in data.tables["Headcount"].records:
        values: dict[str, Any] = record.values
        override = values.get("Cost override")
        rows.append(
            (
                values["Group"],
                values["Role"],
                values["Unit"],
                float(values["Count"]),
                None if override is None else float(override),
                values["Tenure band"],
            )
        )
    return rows


def _paths(data: WorkbookData, headcount: list[HeadcountRow], units: tuple[Unit, ...]) -> tuple[ReskillPath, ...]:
    levels: dict[str, dict[str, float]] = {}
    for record in data.tables["Skills"].records:
        values: dict[str, Any] = record.values  # checked, read directly as Headcount's (26,000 rows at 62,000)
        levels.setdefault(values["Group"], {})[values["Skill"]] = float(values["Level"])
    minimums: dict[str, list[tuple[str, float]]] = {}
    for record in data.tables["PathSkills"].records:
        minimums.setdefault(record.text("Path"), []).append((record.text("Skill"), record.number("Minimum level")))
    paths = []
    for record in data.tables["ReskillPaths"].records:
        kwargs = _fields(data.tables["ReskillPaths"].spec, record.values)
        needs = tuple(minimums.get(kwargs["name"], ()))
        eligible: tuple[tuple[str, float], ...] | None = None
        if needs:
            people = dict.fromkeys((unit.name for unit in units), 0.0)
            from_role = kwargs["from_role"]
            for group, role, unit, count, _override, _tenure in headcount:
                if role != from_role:
                    continue
                # A group without a row for a skill has level 0 in it.
                skills = levels.get(group, {})
                if all(skills.get(skill, 0.0) >= minimum for skill, minimum in needs):
                    people[unit] += count
            eligible = tuple(people.items())
        paths.append(ReskillPath(**kwargs, min_skills=needs, eligible=eligible))
    return tuple(paths)


def build_plan_input(data: WorkbookData, provenance: tuple[tuple[str, str], ...] = ()) -> PlanInput:
    """Convert workbook data that has no problems into the frozen plan input.

    Parameters
    ----------
    data
        What :func:`read_workbook_data` read, with no problems reported.
    provenance
        Pairs naming where the values came from.
    """
    with collector_paused(keep=True):  # a plan input of tens of thousands of cohorts at the headline size
        return _plan_input(data, provenance)


def _plan_input(data: WorkbookData, provenance: tuple[tuple[str, str], ...]) -> PlanInput:
    tables = data.tables
    assert data.period_labels is not None
    labels = data.period_labels
    index = {label: number for number, label in enumerate(labels, start=1)}

    settings_kwargs = _fields(SETTINGS, data.settings.values)
    settings_kwargs["objective"] = _objective(settings_kwargs["objective"])
    settings = Settings(**settings_kwargs)

    roles = tuple(Role(**_fields(tables["Roles"].spec, r.values)) for r in tables["Roles"].records)
    units = tuple(Unit(**_fields(tables["Units"].spec, r.values)) for r in tables["Units"].records)
    work_types = tuple(WorkType(**_fields(tables["WorkTypes"].spec, r.values)) for r in tables["WorkTypes"].records)
    by_work_type = {work_type.name: work_type for work_type in work_types}

    demand = []
    for record in tables["Demand"].records:
        work_type = by_work_type[record.text("Work type")]
        hours = demand_hours(record)
        assert hours is not None
        must_meet = record.values["Must meet"]
        demand.append(
            Demand(
                unit=record.text("Unit"),
                work_type=work_type.name,
                period=index[record.text("Period")],
                hours=hours,
                must_meet=work_type.must_meet if must_meet is None else must_meet == "yes",
                unmet_penalty_per_hour=work_type.unmet_penalty_per_hour,
            )
        )

    effectiveness = tuple(
        (r.text("Role"), r.text("Work type"), r.number("Effectiveness"))
        for r in tables["Effectiveness"].records
        if r.number("Effectiveness") > 0
    )

    sources = []
    for record in tables["Capacity"].records:
        kwargs = _fields(tables["Capacity"].spec, record.values)
        scope = tuple(
            ScopeRule(r.text("Work type"), r.text("Segment"), r.number("Max share"))
            for r in tables["CapacityScope"].records
            if r.values["Source"] == kwargs["name"]
        )
        sources.append(ExternalSource(**kwargs, scope=scope, adoption=_adoption(data, kwargs["name"], index)))

    copilots = []
    for record in tables["Copilots"].records:
        kwargs = _fields(tables["Copilots"].spec, record.values)
        copilots.append(Copilot(**kwargs, adoption=_adoption(data, kwargs["name"], index)))

    policy = Policy(
        budget=_per_period(tables["Budget"].records, "Budget", index, None),
        min_human_share=tuple((r.text("Segment"), r.number("Min human share")) for r in tables["SegmentRules"].records),
        **_fields(POLICY, data.policy.values),
    )
    ratios = tuple(Ratio(**_fields(tables["Ratios"].spec, r.values)) for r in tables["Ratios"].records)

    headcount = _headcount_rows(data)
    return PlanInput(
        settings=settings,
        period_labels=labels,
        roles=roles,
        units=units,
        work_types=work_types,
        start=_start_cohorts(headcount, roles),
        demand=tuple(demand),
        effectiveness=effectiveness,
        paths=_paths(data, headcount, units),
        sources=tuple(sources),
        copilots=tuple(copilots),
        policy=policy,
        ratios=ratios,
        provenance=provenance,
    )
