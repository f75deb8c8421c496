"""Checking the values of an input workbook: cell by cell, then across sheets.

Nothing here touches a file: :mod:`rolemix.workbook.reader` reads the cells
into :class:`SheetData` and :class:`SettingsData`, the functions here convert
each cell by its :class:`rolemix.spec.Field` and apply the rules that span
several rows or sheets.  Every finding is a :class:`rolemix.errors.Problem`
located by sheet, spreadsheet row and column label; all of them are collected
before anything is raised, so a planner sees every problem at once.

Messages say what was found and what is expected, always in the form
``found <value>, expected <what>`` or ``blank, but a value is required``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rolemix.errors import Problem
from rolemix.spec import SHEETS, Field, SheetSpec

#: A cell converter: the cell's raw value in, ``(value, None)`` or ``(None, message)`` out.
Converter = Callable[[object], tuple[object, str | None]]

BLANK_REQUIRED = "blank, but a value is required"

SHARE_HINT = "write 12% or 0.12"

#: What a reference must name, by the spec's ``Field.ref`` (see ``spec.DERIVED_REFERENCES``).
REFERENCE_WORDS: dict[str, str] = {
    "Roles": "one of the roles on the Roles sheet",
    "Units": "one of the units on the Units sheet",
    "WorkTypes": "one of the work types on the WorkTypes sheet",
    "Headcount": "one of the groups on the Headcount sheet",
    "ReskillPaths": "one of the paths on the ReskillPaths sheet",
    "Capacity": "one of the sources on the Capacity sheet",
    "Segments": "one of the segments on the Units sheet",
    "Adopters": "one of the names on the Capacity or Copilots sheet",
    "Skills": "one of the skills on the Skills sheet",
}

#: Example label of the first period, by period length.
PERIOD_EXAMPLES: dict[str, str] = {"quarter": "2027-Q1", "month": "2027-01", "year": "2027"}

_SHEET_ORDER = {spec.name: index for index, spec in enumerate(SHEETS)}
_LARGEST_EXACT_INTEGER = 1e15

#: The largest number any cell may hold, whatever its column.  No headcount, amount or hours of a
#: sales organisation comes near it (a trillion-yen budget is 1e12), while 1e20 people or a budget
#: of 1e308 would reach the solver as numbers it cannot compute with; such a value is a typing error.
LARGEST_NUMBER = 1e15
LARGEST_NUMBER_TEXT = "1,000,000,000,000,000"

#: Texts longer than this are shown by their start and their length (a 10,000-character name would
#: otherwise fill the screen and hide the other problems).
MAX_SHOWN_CHARACTERS = 100
SHOWN_START = 60

UNCOMPUTED_HINT = "expected a value (open the workbook in Excel and save it, or type the value)"


# --- showing values ------------------------------------------------------------------------------


def show(value: object) -> str:
    """Show a cell value in a message the way a planner typed it.

    Numbers without a needless ``.0``, text in quotes, dates as dates.

    Examples
    --------
    >>> show(12.0), show(1.5), show(" abc "), show(True)
    ('12', '1.5', "'abc'", 'TRUE')
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        digits = str(value)
        return digits if len(digits) <= MAX_SHOWN_CHARACTERS else f"a number of {len(digits):,} digits"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "infinity" if value > 0 else "minus infinity"
        if value.is_integer() and abs(value) < _LARGEST_EXACT_INTEGER:
            return str(int(value))
        return repr(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_SHOWN_CHARACTERS:
            return f"{text[:SHOWN_START] + '…'!r} ({len(text):,} characters)"
        return repr(text)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return f"the date {value.date().isoformat()}"
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dt.time):
        return f"the time {value.isoformat()}"
    if isinstance(value, dt.timedelta):
        return f"the duration {value}"
    return repr(value)


def is_blank(value: object) -> bool:
    """Tell whether a cell is empty (nothing, or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def text_value(value: object) -> str | None:
    """A cell as text: stripped, numbers without ``.0``, dates as ISO dates; ``None`` when blank.

    Identifiers are often numbers (employee or group ids), so a number in a
    text column is kept as the text it shows.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < _LARGEST_EXACT_INTEGER:
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0, 0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def period_text(value: object, period_length: str | None) -> str | None:
    """A period label as text, undoing what Excel does to labels typed into a cell.

    Excel turns a typed month label such as ``2027-01`` into the date
    2027-01-01 and a year label into a number; both are turned back into the
    label.  Quarter labels are upper-cased (``2027-q1`` is ``2027-Q1``).
    """
    if isinstance(value, dt.datetime | dt.date) and period_length == "month":
        return f"{value.year}-{value.month:02d}"
    text = text_value(value)
    return None if text is None else text.upper()


def _period_message(value: object, labels: tuple[str, ...]) -> str:
    return f"found {show(value)}, expected a period label from {labels[0]} to {labels[-1]}"


# --- converting cells by field type -------------------------------------------------------------


def _blank(spec_field: Field) -> tuple[object, str | None]:
    if spec_field.required:
        return None, BLANK_REQUIRED
    return spec_field.default, None


def uncomputed_message(formula: str) -> str:
    """Message for a cell holding a formula whose result the workbook never saved.

    Such cells read as blank; taking them for blank would quietly use a
    default (no cap, no limit) where the planner wrote a formula.
    """
    if formula.strip():
        return f"found the formula {show('=' + formula.strip())} without a saved result, {UNCOMPUTED_HINT}"
    return f"found a formula without a saved result, {UNCOMPUTED_HINT}"


def _text_found(raw: str, expected: str) -> str:
    """Message for text in a numeric column, pointing out numbers stored as text."""
    text = raw.strip()
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return f"found {show(text)}, expected {expected}"
    if not math.isfinite(number):
        return f"found {show(text)}, expected {expected}"  # 'NaN' and 'Infinity' are no numbers to a planner
    return f"found {show(text)} (a number stored as text), expected {expected}"


def _range_message(value: float, spec_field: Field) -> str | None:
    if spec_field.minimum is not None and value < spec_field.minimum:
        return f"found {show(value)}, expected at least {show(spec_field.minimum)}"
    if spec_field.maximum is not None and value > spec_field.maximum:
        return f"found {show(value)}, expected at most {show(spec_field.maximum)}"
    if abs(value) > LARGEST_NUMBER:
        return (
            f"found {show(value)}, expected at most {LARGEST_NUMBER_TEXT} (a larger number is taken for a typing error)"
        )
    return None


def _plain_number(raw: object) -> float | None:
    """``raw`` as a finite float when it is a real number (not a bool, date or text)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    try:
        value = float(raw)
    except OverflowError:
        return None  # an int beyond any float
    return value if math.isfinite(value) else None


def _in_range(value: float, spec_field: Field) -> bool:
    """Tell whether a finite number lies within the field's bounds and :data:`LARGEST_NUMBER`."""
    minimum, maximum = spec_field.minimum, spec_field.maximum
    return (
        (minimum is None or value >= minimum)
        and (maximum is None or value <= maximum)
        and -LARGEST_NUMBER <= value <= LARGEST_NUMBER
    )


def _number_converter(spec_field: Field) -> Converter:
    def convert(raw: object) -> tuple[object, str | None]:
        # The usual cell first: a plain number within range (bools and dates are no plain numbers).
        if (type(raw) is float or type(raw) is int) and -LARGEST_NUMBER <= raw <= LARGEST_NUMBER:
            number = float(raw)  # NaN and infinities are out of range, so never reach here
            if _in_range(number, spec_field):
                return number, None
        if is_blank(raw):
            return _blank(spec_field)
        if isinstance(raw, str):
            return None, _text_found(raw, "a number")
        value = _plain_number(raw)
        if value is None:
            return None, f"found {show(raw)}, expected a number"
        message = _range_message(value, spec_field)
        return (None, message) if message else (value, None)

    return convert


def _integer_converter(spec_field: Field) -> Converter:
    def convert(raw: object) -> tuple[object, str | None]:
        # The usual cell first: a whole number within range, as typed (an int) or computed (a float).
        if (type(raw) is int or type(raw) is float) and -LARGEST_NUMBER <= raw <= LARGEST_NUMBER:
            number = float(raw)  # NaN and infinities are out of range, so never reach here
            if number.is_integer() and _in_range(number, spec_field):
                return int(number), None
        if is_blank(raw):
            return _blank(spec_field)
        if isinstance(raw, str):
            return None, _text_found(raw, "a whole number")
        value = _plain_number(raw)
        if value is None or not value.is_integer():
            return None, f"found {show(raw)}, expected a whole number"
        message = _range_message(value, spec_field)
        return (None, message) if message else (int(value), None)

    return convert


def _share_message(found: object, value: float | None) -> str:
    """The message for a value that is not a share; hints at percent when it reads as one."""
    if value is not None and 1 < value <= 100 and not isinstance(found, str):
        return (
            f"found {show(found)}, expected a share between 0 and 1 "
            f"(write {show(value)}% or {show(round(value / 100, 12))})"
        )
    if value is not None and not isinstance(found, str):
        return f"found {show(found)}, expected a share between 0 and 1"
    return f"found {show(found)}, expected a share between 0 and 1 ({SHARE_HINT})"


def share_value(raw: object) -> tuple[float | None, str | None]:
    """A share (0 to 1) from a number or a percent text like ``"12%"``; ``(None, None)`` when blank."""
    if is_blank(raw):
        return None, None
    if isinstance(raw, str):
        text = raw.strip()
        if not text.endswith("%"):
            return None, _share_message(text, None)
        try:
            value = float(text[:-1].strip().replace(",", "")) / 100
        except ValueError:
            return None, _share_message(text, None)
        if not math.isfinite(value) or not 0 <= value <= 1:
            return None, f"found {show(text)}, expected a share between 0 and 1"
        return value, None
    number = _plain_number(raw)
    if number is None:
        return None, _share_message(raw, None)
    if not 0 <= number <= 1:
        return None, _share_message(raw, number)
    return number, None


def _share_converter(spec_field: Field) -> Converter:
    def convert(raw: object) -> tuple[object, str | None]:
        value, message = share_value(raw)
        if message is not None:
            return None, message
        return _blank(spec_field) if value is None else (value, None)

    return convert


def _choice_converter(spec_field: Field) -> Converter:
    canonical = {allowed.lower(): allowed for allowed in spec_field.allowed}
    if spec_field.type == "yesno":
        expected = "yes or no"
    else:
        expected = "one of " + ", ".join(repr(allowed) for allowed in spec_field.allowed)

    def convert(raw: object) -> tuple[object, str | None]:
        if isinstance(raw, str):
            # The usual cell first: one of the allowed values, in any capitals and spacing.
            found = canonical.get(" ".join(raw.split()).lower())
            if found is not None and raw.strip():
                return found, None
        if is_blank(raw):
            return _blank(spec_field)
        if isinstance(raw, bool) and spec_field.type == "yesno":
            # Excel turns a typed TRUE/FALSE into a logical value; it means yes/no here.
            return ("yes" if raw else "no"), None
        if isinstance(raw, str):
            found = canonical.get(" ".join(raw.split()).lower())
            if found is not None:
                return found, None
        return None, f"found {show(raw)}, expected {expected}"

    return convert


def _text_converter(spec_field: Field) -> Converter:
    def convert(raw: object) -> tuple[object, str | None]:
        text = (raw.strip() or None) if isinstance(raw, str) else text_value(raw)
        return _blank(spec_field) if text is None else (text, None)

    return convert


def converter(spec_field: Field) -> Converter:
    """Return the converter of one column or setting, by its field type.

    ``ref`` cells convert like text; whether they name something that exists
    is checked across sheets by :func:`check_references`.
    """
    if spec_field.type in ("number", "money", "hours"):
        return _number_converter(spec_field)
    if spec_field.type == "integer":
        return _integer_converter(spec_field)
    if spec_field.type == "share":
        return _share_converter(spec_field)
    if spec_field.type in ("choice", "yesno"):
        return _choice_converter(spec_field)
    return _text_converter(spec_field)


def period_converter(spec_field: Field, period_length: str | None) -> Converter:
    """Converter of a period-label cell (the Period columns and the First period setting)."""

    def convert(raw: object) -> tuple[object, str | None]:
        label = period_text(raw, period_length)
        return _blank(spec_field) if label is None else (label, None)

    return convert


# --- the data read from a workbook --------------------------------------------------------------


@dataclass
class Record:
    """One filled-in row of a table sheet, converted.

    ``values`` holds every field of the sheet (defaults where blank, ``None``
    where the cell has a problem); ``invalid`` names the fields with a problem,
    so later rules skip them instead of reporting the same cell twice.
    """

    row: int
    values: dict[str, object]
    invalid: set[str] = field(default_factory=set)

    def ok(self, *labels: str) -> bool:
        """Tell whether every field in ``labels`` is valid and filled in."""
        # A plain loop, not all() over a generator: the cross-sheet rules ask this about half a million
        # times for a 62,000-row plan, and the generator doubled their time.
        for label in labels:  # noqa: SIM110
            if label in self.invalid or self.values.get(label) is None:
                return False
        return True

    def text(self, label: str) -> str:
        """The value of a text or reference field known to be valid and filled in."""
        value = self.values[label]
        assert isinstance(value, str)
        return value

    def number(self, label: str) -> float:
        """The value of a numeric field known to be valid and filled in."""
        value = self.values[label]
        assert isinstance(value, int | float)
        return float(value)

    def optional_number(self, label: str) -> float | None:
        """The value of a numeric field, ``None`` when blank (no limit)."""
        value = self.values.get(label)
        return None if value is None else float(value)  # type: ignore[arg-type]


@dataclass
class SheetData:
    """A table sheet as read: whether it was there, and its filled-in rows."""

    spec: SheetSpec
    present: bool = False
    records: list[Record] = field(default_factory=list)
    #: The header labels found (spec labels only).
    columns: set[str] = field(default_factory=set)


@dataclass
class SettingsData:
    """A settings-layout sheet as read: value and spreadsheet row per setting label."""

    spec: SheetSpec
    present: bool = False
    values: dict[str, object] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)

    def ok(self, label: str) -> bool:
        """Tell whether the setting is valid and set (or defaulted)."""
        return label not in self.invalid and self.values.get(label) is not None


@dataclass
class WorkbookData:
    """Everything read from an input workbook, before it becomes a plan input."""

    settings: SettingsData
    policy: SettingsData
    tables: dict[str, SheetData]
    #: The planning period labels, ``None`` while the Settings that define them have problems.
    period_labels: tuple[str, ...] | None = None
    #: Sheets named after a required sheet, but spelt differently (they stand in for nothing).
    misnamed: dict[str, str] = field(default_factory=dict)


class Problems:
    """Collects problems; the order of discovery does not matter (see :meth:`sorted`)."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        """Record one problem."""
        self.items.append(Problem(sheet, row, column, message))

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        """The problems in workbook order: sheet (as in the template), row, column."""

        def order(problem: Problem) -> tuple[int, int, int]:
            sheet_index = _SHEET_ORDER.get(problem.sheet, len(_SHEET_ORDER))
            labels: tuple[str, ...] = ()
            if problem.sheet in _SHEET_ORDER:
                labels = SHEETS[sheet_index].labels
            column_index = labels.index(problem.column) if problem.column in labels else len(labels)
            return sheet_index, problem.row or 0, column_index

        return sorted(self.items, key=order)


# --- rules across rows and sheets ---------------------------------------------------------------


def _names(sheet: SheetData, label: str) -> set[str]:
    """The valid, filled-in values of one text column of a sheet."""
    names: set[str] = set()
    for record in sheet.records:
        value = record.values.get(label)
        if value is not None and label not in record.invalid:
            assert isinstance(value, str)
            names.add(value)
    return names


def reference_sets(data: WorkbookData) -> dict[str, set[str]]:
    """The names each reference may take, by ``Field.ref``."""
    tables = data.tables
    return {
        "Roles": _names(tables["Roles"], "Role"),
        "Units": _names(tables["Units"], "Unit"),
        "WorkTypes": _names(tables["WorkTypes"], "Work type"),
        "Headcount": _names(tables["Headcount"], "Group"),
        "ReskillPaths": _names(tables["ReskillPaths"], "Path"),
        "Capacity": _names(tables["Capacity"], "Source"),
        "Segments": _names(tables["Units"], "Segment"),
        "Adopters": _names(tables["Capacity"], "Source") | _names(tables["Copilots"], "Copilot"),
        "Skills": _names(tables["Skills"], "Skill"),
    }


def _reference_source_missing(data: WorkbookData, ref: str) -> bool:
    """True when the sheet a reference points into is a required sheet that is missing.

    Its absence is already a problem; naming every row that refers to it
    would bury that one problem under thousands.
    """
    sheet = {"Segments": "Units", "Adopters": "Capacity", "Skills": "Skills"}.get(ref, ref)
    table = data.tables.get(sheet)
    return table is not None and table.spec.required_rows and not table.present


def check_references(data: WorkbookData, problems: Problems) -> None:
    """Every reference names something that exists; periods lie in the horizon."""
    names = reference_sets(data)
    by_lower: dict[str, dict[str, str]] = {}  # made for a reference only once one of its names is not found
    for table in data.tables.values():
        for spec_field in table.spec.fields:
            if spec_field.type != "ref" or spec_field.label not in table.columns:
                continue
            label = spec_field.label
            if spec_field.ref == "Periods":
                labels = data.period_labels
                if labels is None:
                    continue
                allowed_periods = set(labels)
                for record in table.records:
                    if record.ok(label) and record.values[label] not in allowed_periods:
                        problems.add(table.spec.name, record.row, label, _period_message(record.values[label], labels))
                        record.invalid.add(label)
                continue
            if _reference_source_missing(data, spec_field.ref):
                continue
            allowed = names[spec_field.ref]
            expected = REFERENCE_WORDS[spec_field.ref]
            found = {record.values.get(label) for record in table.records}
            found.discard(None)
            if found <= allowed:
                continue  # every name is one that exists (as in nearly every workbook): no row to name
            for record in table.records:
                # The name is looked up first: it is found in nearly every row of a valid workbook.
                value = record.values.get(label)
                if value is None or value in allowed or label in record.invalid:
                    continue
                assert isinstance(value, str)
                message = f"found {show(value)}, expected {expected}"
                if spec_field.ref not in by_lower:
                    by_lower[spec_field.ref] = {name.lower(): name for name in allowed}
                close = by_lower[spec_field.ref].get(value.lower())
                if close is not None:
                    message += f" (names must match exactly: {close!r})"
                problems.add(table.spec.name, record.row, label, message)
                record.invalid.add(label)


def _joined(labels: Iterable[str]) -> str:
    items = list(labels)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def check_duplicates(table: SheetData, problems: Problems) -> None:
    """No two rows of a sheet share the same key (``SheetSpec.key``)."""
    key = table.spec.key
    if not key or not all(label in table.columns for label in key):
        return
    first_row: dict[tuple[object, ...], int] = {}
    for record in table.records:
        # record.ok(*key) without the call: this runs for each of the 62,000 Headcount rows, and more.
        values = tuple(map(record.values.get, key))
        if None in values or (record.invalid and not record.invalid.isdisjoint(key)):
            continue
        seen = first_row.setdefault(values, record.row)
        if seen != record.row:
            problems.add(table.spec.name, record.row, key[0], f"duplicate of row {seen} (same {_joined(key)})")
            record.invalid.update(key)


def check_reskill_paths(data: WorkbookData, problems: Problems) -> None:
    """A reskilling path leads to a different role."""
    for record in data.tables["ReskillPaths"].records:
        if record.ok("From role", "To role") and record.values["From role"] == record.values["To role"]:
            problems.add(
                "ReskillPaths",
                record.row,
                "To role",
                f"found {show(record.values['To role'])}, expected a role other than the From role",
            )


def check_ratios(data: WorkbookData, problems: Problems) -> None:
    """A ratio compares two roles and has a minimum or maximum, the minimum not above the maximum."""
    for record in data.tables["Ratios"].records:
        if record.ok("Role", "Per role") and record.values["Role"] == record.values["Per role"]:
            problems.add(
                "Ratios",
                record.row,
                "Per role",
                f"found {show(record.values['Per role'])}, expected a role other than Role",
            )
        if "Minimum" in record.invalid or "Maximum" in record.invalid:
            continue
        low, high = record.values.get("Minimum"), record.values.get("Maximum")
        if low is None and high is None:
            problems.add("Ratios", record.row, "Minimum", "blank, but a Minimum or a Maximum is required")
        elif low is not None and high is not None and record.number("Minimum") > record.number("Maximum"):
            problems.add(
                "Ratios", record.row, "Minimum", f"found {show(low)}, expected at most the Maximum {show(high)}"
            )


def demand_hours(record: Record) -> float | None:
    """Hours of a Demand row: Hours, or Accounts x Hours per account; ``None`` when neither is usable."""
    if record.ok("Hours"):
        return record.number("Hours")
    if record.ok("Accounts", "Hours per account"):
        return record.number("Accounts") * record.number("Hours per account")
    return None


def check_demand_amounts(data: WorkbookData, problems: Problems) -> None:
    """Each Demand row gives Hours, or Accounts and Hours per account, not both."""
    labels = ("Hours", "Accounts", "Hours per account")
    for record in data.tables["Demand"].records:
        if any(label in record.invalid for label in labels):
            continue
        hours, accounts, per_account = (record.values.get(label) for label in labels)
        if hours is not None:
            if accounts is not None and per_account is not None:
                problems.add(
                    "Demand",
                    record.row,
                    "Hours",
                    f"found {show(hours)} and also Accounts x Hours per account, "
                    "expected Hours or Accounts x Hours per account, not both",
                )
                record.invalid.add("Hours")
        elif accounts is None and per_account is None:
            problems.add(
                "Demand", record.row, "Hours", "blank, but Hours or Accounts and Hours per account are required"
            )
            record.invalid.add("Hours")
        elif per_account is None:
            problems.add(
                "Demand", record.row, "Hours per account", "blank, but a value is required when Accounts is given"
            )
            record.invalid.add("Hours per account")
        elif accounts is None:
            problems.add(
                "Demand", record.row, "Accounts", "blank, but a value is required when Hours per account is given"
            )
            record.invalid.add("Accounts")


def _can_hire(hires_cap: float | None) -> bool:
    """A blank Hires cap means no cap; a cap of 0 means the role cannot be hired."""
    return hires_cap is None or hires_cap > 0


def _incomplete(table: SheetData) -> bool:
    """A required sheet that is missing, or a sheet without one of its required columns."""
    if not table.present:
        return table.spec.required_rows
    return any(f.required and f.label not in table.columns for f in table.spec.fields)


def check_demand_coverage(data: WorkbookData, problems: Problems) -> None:
    """Demand someone could serve: a capable role here today, one that can be hired or
    reskilled into, or a capacity source whose scope covers the work in this segment.

    A capable role is one with an Effectiveness above 0 for the work type.
    Named once per unit and work type, at the first row with demand above 0.
    """
    tables = data.tables
    if any(_incomplete(table) for table in tables.values()):
        return
    # A row with a problem of its own might be the one that serves the demand: judging coverage
    # without it would add a second, misleading problem.  Such work types and units are skipped
    # (everything, when the row cannot even say which work type or unit it is about).
    doubtful_work: set[str] = set()
    doubtful_units: set[str] = set()
    capable: dict[str, set[str]] = {}
    for record in tables["Effectiveness"].records:
        if not record.ok("Role", "Work type", "Effectiveness"):
            if not record.ok("Work type"):
                return
            doubtful_work.add(record.text("Work type"))
        elif record.number("Effectiveness") > 0:
            capable.setdefault(record.text("Work type"), set()).add(record.text("Role"))
    present: dict[str, set[str]] = {}
    for record in tables["Headcount"].records:
        # record.ok("Role", "Unit", "Count") spelt out for the 62,000 rows of a large plan.
        values = record.values
        role, unit, count = values.get("Role"), values.get("Unit"), values.get("Count")
        if record.invalid or role is None or unit is None or count is None:
            if not record.ok("Unit"):
                return
            if not record.ok("Role", "Unit", "Count"):
                doubtful_units.add(record.text("Unit"))
                continue
        assert isinstance(count, int | float) and isinstance(unit, str) and isinstance(role, str)
        if count > 0:
            present.setdefault(unit, set()).add(role)
    hireable = {
        record.text("Role")
        for record in tables["Roles"].records
        if record.ok("Role") and ("Hires cap" in record.invalid or _can_hire(record.optional_number("Hires cap")))
    }
    reskill_into: dict[str, set[str]] = {}
    for record in tables["ReskillPaths"].records:
        if not record.ok("From role", "To role"):
            return
        reskill_into.setdefault(record.text("From role"), set()).add(record.text("To role"))
    covered: set[tuple[str, str]] = set()
    for record in tables["CapacityScope"].records:
        if not record.ok("Source", "Work type", "Segment", "Max share"):
            return
        if record.number("Max share") > 0:
            covered.add((record.text("Work type"), record.text("Segment")))
    segment_of = {
        record.text("Unit"): record.text("Segment")
        for record in tables["Units"].records
        if record.ok("Unit", "Segment")
    }
    reported: set[tuple[str, str]] = set()
    reachable_by_unit: dict[str, set[str]] = {}
    for record in tables["Demand"].records:
        # record.ok("Unit", "Work type") and demand_hours(record) spelt out for the rows of a valid workbook.
        values, invalid = record.values, record.invalid
        unit, work, hours = values.get("Unit"), values.get("Work type"), values.get("Hours")
        if invalid:
            if not record.ok("Unit", "Work type"):
                continue
            hours = demand_hours(record)
        elif unit is None or work is None:
            continue
        elif hours is None:
            hours = demand_hours(record)
        assert isinstance(unit, str) and isinstance(work, str) and (hours is None or isinstance(hours, int | float))
        if hours is None or hours <= 0 or (unit, work) in reported or unit not in segment_of:
            continue
        if work in doubtful_work or unit in doubtful_units:
            continue
        reachable = reachable_by_unit.get(unit)
        if reachable is None:
            roles_here = present.get(unit, set())
            reachable = roles_here | hireable | {to for role in roles_here for to in reskill_into.get(role, set())}
            reachable_by_unit[unit] = reachable
        if capable.get(work, set()) & reachable or (work, segment_of[unit]) in covered:
            continue
        reported.add((unit, work))
        problems.add(
            "Demand",
            record.row,
            "Work type",
            f"found demand for {work!r} work that no one can serve: no role with Effectiveness above 0 for it "
            f"is in unit {unit!r} today or can be hired or reskilled into, and no capacity source covers it "
            f"in segment {segment_of[unit]!r}",
        )


def check_adopter_names(data: WorkbookData, problems: Problems) -> None:
    """Capacity sources and copilots have different names: the Adoption sheet tells them apart by name."""
    sources = _names(data.tables["Capacity"], "Source")
    for record in data.tables["Copilots"].records:
        if record.ok("Copilot") and record.text("Copilot") in sources:
            problems.add(
                "Copilots",
                record.row,
                "Copilot",
                f"found {show(record.values['Copilot'])}, expected a name that is not also a source on the Capacity "
                "sheet (the Adoption sheet tells them apart by name)",
            )


def check_across_sheets(data: WorkbookData, problems: Problems) -> None:
    """Apply every rule that spans rows or sheets, in an order where each can trust the ones before."""
    for table in data.tables.values():
        check_duplicates(table, problems)
    check_references(data, problems)
    check_reskill_paths(data, problems)
    check_ratios(data, problems)
    check_demand_amounts(data, problems)
    check_adopter_names(data, problems)
    check_demand_coverage(data, problems)
