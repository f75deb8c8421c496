"""Write input workbooks: the blank template and filled-in workbooks such as the worked example.

The layout comes from :data:`rolemix.spec.SHEETS` only.  Every workbook has an
Instructions sheet first, then one sheet per spec sheet in spec order, then a
hidden ``Lists`` sheet holding the values of the dropdowns that cannot point at
a sheet's own key column (period labels, segments, adopters, skills, and choice
lists too long or too comma-rich for an in-cell list).

Table sheets are Excel tables (header in row 1, one record per row below);
settings sheets are ``Setting | Value | Unit | Description`` lists.  Input
cells are unlocked but sheet protection stays off, so planners can add rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from rolemix.spec import DERIVED_REFERENCES, INSTRUCTIONS_SHEET, SHEETS, SHEETS_BY_NAME, Field, SheetSpec
from rolemix.workbook.docs import field_note, must_be_filled, range_text, reference_text

#: Hidden sheet with the values of list dropdowns that cannot be written in the cell rule itself.
LISTS_SHEET = "Lists"

#: Dropdowns and number checks reach at least this far down an (empty) table, so new rows get them too.
VALIDATED_ROWS = 500

#: A dropdown naming another sheet's keys looks this far down that sheet's key column.
REFERENCE_ROWS = 2000

#: Column headings of a settings-layout sheet; the reader uses the first two.
SETTINGS_HEADERS = ("Setting", "Value", "Unit", "Description")

TABLE_STYLE = "TableStyleMedium2"

#: Number formats per field type; text columns are text so ids like 0042 and years stay as typed.
NUMBER_FORMATS: dict[str, str] = {
    "share": "0.0%",
    "money": "#,##0",
    "hours": "#,##0.0",
    "number": "General",
    "integer": "0",
    "text": "@",
}

#: Longest in-cell list rule Excel accepts (quotes included).
_INLINE_LIST_LIMIT = 255

_MIN_WIDTH = 10
_MAX_WIDTH = 60
_HEADER_FONT = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14)
_HEADING_FONT = Font(bold=True, size=12)
_SETTINGS_DESCRIPTION_WIDTH = 90.0
_SETTINGS_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
#: Characters of running text per unit of column width (a width unit is one digit, text is narrower).
_CHARS_PER_WIDTH = 1.15

_PERIOD_PATTERNS: dict[str, re.Pattern[str]] = {
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(r"^(\d{4})$"),
}
_STEPS_PER_YEAR = {"quarter": 4, "month": 12, "year": 1}


def period_labels(first_period: str, periods: int, period_length: str) -> tuple[str, ...]:
    """Labels of planning periods ``1..periods`` starting at ``first_period``.

    Parameters
    ----------
    first_period
        ``2027-Q1`` (quarters), ``2027-01`` (months) or ``2027`` (years).
    periods
        Number of planning periods.
    period_length
        ``quarter``, ``month`` or ``year``.

    Returns
    -------
    tuple of str
        For example ``("2027-Q1", "2027-Q2", ...)``.

    Raises
    ------
    ValueError
        When the period length is unknown or ``first_period`` does not match it.
    """
    pattern = _PERIOD_PATTERNS.get(period_length)
    if pattern is None:
        raise ValueError(f"unknown period length {period_length!r}, expected one of quarter, month, year")
    match = pattern.match(first_period.strip())
    steps = _STEPS_PER_YEAR[period_length]
    if match is None or (period_length == "month" and not 1 <= int(match.group(2)) <= 12):
        examples = {"quarter": "2027-Q1", "month": "2027-01", "year": "2027"}
        raise ValueError(f"first period {first_period!r} does not look like {examples[period_length]}")
    year = int(match.group(1))
    start = int(match.group(2)) - 1 if steps > 1 else 0
    labels = []
    for offset in range(periods):
        index = start + offset
        label_year, step = year + index // steps, index % steps + 1
        if period_length == "quarter":
            labels.append(f"{label_year}-Q{step}")
        elif period_length == "month":
            labels.append(f"{label_year}-{step:02d}")
        else:
            labels.append(str(label_year))
    return tuple(labels)


def write_input_workbook(path: str | Path, rows: Mapping[str, object]) -> None:
    """Write an input workbook laid out by the spec, filled with ``rows``.

    Parameters
    ----------
    path
        File to write (``.xlsx``); an existing file is replaced.
    rows
        Sheet name -> for table sheets a sequence of dicts keyed by header
        label; for settings sheets a dict setting label -> value.  A sheet
        missing from ``rows`` is written empty.  Labels or sheets the spec does
        not know are written too (after the spec's), without notes or checks,
        so that test workbooks can carry such mistakes; ``None`` is a blank cell.

    Raises
    ------
    TypeError
        When the value given for a sheet has the wrong shape for its layout.
    """
    workbook = Workbook()
    workbook.properties.creator = "rolemix"
    instructions = workbook.active
    assert instructions is not None  # a new workbook always has one sheet
    instructions.title = INSTRUCTIONS_SHEET
    _write_instructions(instructions)

    lists = _ListsBuilder(_derived_lists(rows))
    key_rows = {name: len(_records(rows, name)) for name in SHEETS_BY_NAME if SHEETS_BY_NAME[name].layout == "table"}
    for spec in SHEETS:
        worksheet = workbook.create_sheet(spec.name)
        if spec.layout == "settings":
            _write_settings(worksheet, spec, _settings(rows, spec.name), lists)
        else:
            _write_table(worksheet, spec, _records(rows, spec.name), lists, key_rows)
    for name in rows:
        if name not in SHEETS_BY_NAME:
            _write_plain_sheet(workbook.create_sheet(name), _records(rows, name))
    lists.write(workbook.create_sheet(LISTS_SHEET))
    workbook.active = 0
    workbook.save(Path(path))


def blank_template_rows() -> dict[str, object]:
    """Rows of the blank template: the optional settings at their defaults, everything else empty."""
    rows: dict[str, object] = {}
    for spec in SHEETS:
        if spec.layout == "settings":
            rows[spec.name] = {f.label: f.default for f in spec.fields if not f.required and f.default is not None}
    return rows


def write_blank_template(path: str | Path) -> None:
    """Write the blank input template.

    Optional settings show their defaults; required settings are blank, so
    validating the blank template names each of them.  Table sheets hold only
    their headers.

    Parameters
    ----------
    path
        File to write (``.xlsx``); an existing file is replaced.
    """
    write_input_workbook(path, blank_template_rows())


# --- reading the ``rows`` argument -------------------------------------------------------------


def _records(rows: Mapping[str, object], name: str) -> list[Mapping[str, object]]:
    value = rows.get(name)
    if value is None:
        return []
    if isinstance(value, Mapping | str) or not isinstance(value, Iterable):
        raise TypeError(f"rows[{name!r}] must be a list of dicts keyed by column label")
    records = list(value)
    for record in records:
        if not isinstance(record, Mapping):
            raise TypeError(f"rows[{name!r}] must be a list of dicts keyed by column label, found {record!r}")
    return records


def _settings(rows: Mapping[str, object], name: str) -> Mapping[str, object]:
    value = rows.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"rows[{name!r}] must be a dict of setting label -> value")
    return value


def _text(value: object) -> str:
    """A cell value as text for list building; ``None`` and blanks become empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _unique(values: Iterable[object]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        text = _text(value)
        if text:
            seen.setdefault(text, None)
    return list(seen)


def _derived_lists(rows: Mapping[str, object]) -> dict[str, list[str]]:
    """Values of the derived references (see ``spec.DERIVED_REFERENCES``) computed from ``rows``."""
    settings = _settings(rows, "Settings")
    periods: list[str] = []
    try:
        count = int(float(_text(settings.get("Periods"))))
        periods = list(period_labels(_text(settings.get("First period")), count, _text(settings.get("Period length"))))
    except ValueError:
        # Settings incomplete or wrong: the reader reports it; the dropdown stays empty.
        periods = []
    lists = {
        "Periods": periods,
        "Segments": _unique(r.get("Segment") for r in _records(rows, "Units")),
        "Adopters": _unique(
            [r.get("Source") for r in _records(rows, "Capacity")]
            + [r.get("Copilot") for r in _records(rows, "Copilots")]
        ),
        "Skills": _unique(r.get("Skill") for r in _records(rows, "Skills")),
    }
    assert set(lists) == set(DERIVED_REFERENCES)  # a new derived reference needs its list here
    return lists


# --- the hidden Lists sheet ---------------------------------------------------------------------


class _ListsBuilder:
    """Collects named value lists and hands out the ranges dropdowns refer to."""

    def __init__(self, derived: Mapping[str, Sequence[str]]) -> None:
        self._lists: dict[str, list[str]] = {name: list(values) for name, values in derived.items()}
        self._by_values: dict[tuple[str, ...], str] = {}

    def add(self, name: str, values: Sequence[str]) -> str:
        """Store ``values`` (once per distinct list) and return the list's name."""
        key = tuple(values)
        if key not in self._by_values:
            unique = name
            while unique in self._lists:
                unique += "+"
            self._lists[unique] = list(values)
            self._by_values[key] = unique
        return self._by_values[key]

    def range_of(self, name: str) -> str | None:
        """Absolute range of list ``name`` on the Lists sheet, ``None`` when the list is empty."""
        values = self._lists[name]
        if not values:
            return None
        column = get_column_letter(list(self._lists).index(name) + 1)
        return f"{quote_sheetname(LISTS_SHEET)}!${column}$2:${column}${len(values) + 1}"

    def write(self, worksheet: Worksheet) -> None:
        for column, (name, values) in enumerate(self._lists.items(), start=1):
            worksheet.cell(row=1, column=column, value=name).font = _HEADER_FONT
            for row, value in enumerate(values, start=2):
                _set_value(worksheet.cell(row=row, column=column), value)
            width = max([len(name), *(len(v) for v in values)]) + 2
            worksheet.column_dimensions[get_column_letter(column)].width = min(max(width, _MIN_WIDTH), _MAX_WIDTH)
        # Hidden, not "very hidden": a planner who wonders where a dropdown comes from can unhide it.
        worksheet.sheet_state = "hidden"


# --- cells, notes and checks --------------------------------------------------------------------


def _set_value(cell: Cell, value: object, field: Field | None = None) -> None:
    if field is not None and field.type == "yesno" and isinstance(value, bool):
        value = "yes" if value else "no"
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        # A planner's text is never a formula.
        cell.data_type = "s"


def _note(field: Field) -> Comment:
    text = field_note(field)
    lines = sum(math.ceil(max(len(line), 1) / 48) for line in text.split("\n"))
    return Comment(text, "rolemix", height=max(60, 16 * lines + 10), width=300)


def _formula_number(value: float, whole: bool) -> str:
    if whole:
        return str(math.ceil(value)) if value >= 0 else str(math.floor(value))
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _numeric_validation(field: Field) -> DataValidation | None:
    if field.type not in ("integer", "number", "money", "hours", "share"):
        return None
    whole = field.type == "integer"
    kind = "whole" if whole else "decimal"
    low, high = field.minimum, field.maximum
    if low is not None and high is not None:
        rule = DataValidation(
            type=kind, operator="between", formula1=_formula_number(low, whole), formula2=_formula_number(high, whole)
        )
    elif low is not None:
        rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=_formula_number(low, whole))
    elif high is not None:
        rule = DataValidation(type=kind, operator="lessThanOrEqual", formula1=_formula_number(high, whole))
    else:
        return None
    expected = "a whole number" if whole else "a number"
    message = f"{field.label}: expected {expected}, {range_text(field)}."
    if field.type == "share":
        message += " Write 12% or 0.12."
    rule.error = message
    rule.errorTitle = "Out of range"
    rule.showErrorMessage = True
    return rule


def _inline_list(values: Sequence[str]) -> str | None:
    """An in-cell list rule, or ``None`` when the values cannot be written in one."""
    if any("," in v or '"' in v for v in values):
        return None
    formula = '"' + ",".join(values) + '"'
    return formula if len(formula) <= _INLINE_LIST_LIMIT else None


def _list_rule(formula: str, message: str) -> DataValidation:
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    rule.error = message
    rule.errorTitle = "Not in the list"
    return rule


def _validation(field: Field, lists: _ListsBuilder, key_rows: Mapping[str, int]) -> DataValidation | None:
    """The data-validation rule of ``field`` (dropdown or number range), or ``None``."""
    if field.allowed:
        formula = _inline_list(field.allowed) or lists.range_of(lists.add(field.label, field.allowed))
        assert formula is not None  # allowed is never empty here
        return _list_rule(formula, f"{field.label}: choose one of the values in the dropdown.")
    if field.type == "ref":
        message = f"{field.label}: expected {reference_text(field)}."
        if field.ref in DERIVED_REFERENCES:
            derived = lists.range_of(field.ref)
            return None if derived is None else _list_rule(derived, message)
        target = SHEETS_BY_NAME[field.ref]
        column = get_column_letter(target.labels.index(target.key[0]) + 1)
        last = max(REFERENCE_ROWS, key_rows.get(target.name, 0) + 1)
        return _list_rule(f"{quote_sheetname(target.name)}!${column}$2:${column}${last}", message)
    rule = _numeric_validation(field)
    if rule is not None:
        rule.allow_blank = True
    return rule


def _width(texts: Iterable[object]) -> float:
    longest = max((len(_text(t)) for t in texts), default=0)
    return float(min(max(longest + 3, _MIN_WIDTH), _MAX_WIDTH))


def _fit_height(worksheet: Worksheet, row: int, text: str, chars_per_line: float) -> None:
    """Give a row with wrapped text room for all its lines (Excel and LibreOffice do not always fit it)."""
    lines = math.ceil(len(text) / chars_per_line)
    if lines > 1:
        worksheet.row_dimensions[row].height = 15.0 * lines + 2


# --- the sheets ---------------------------------------------------------------------------------


def _print_setup(worksheet: Worksheet, landscape: bool, repeat_header: bool) -> None:
    """Print (and export to PDF) one page wide, with the header row on every page."""
    worksheet.page_setup.orientation = "landscape" if landscape else "portrait"
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    if repeat_header:
        worksheet.print_title_rows = "1:1"


def _extra_labels(known: Sequence[str], records: Sequence[Mapping[str, object]]) -> list[str]:
    seen: dict[str, None] = {}
    for record in records:
        for label in record:
            if label not in known:
                seen.setdefault(str(label), None)
    return list(seen)


def _write_table(
    worksheet: Worksheet,
    spec: SheetSpec,
    records: Sequence[Mapping[str, object]],
    lists: _ListsBuilder,
    key_rows: Mapping[str, int],
) -> None:
    extras = _extra_labels(spec.labels, records)
    labels = [*spec.labels, *extras]
    # Excel tables need at least one data row; the reader skips it while it is blank.
    last_row = max(len(records), 1) + 1
    checked_rows = max(len(records) + 1, VALIDATED_ROWS)
    for column, label in enumerate(labels, start=1):
        field = spec.field(label) if label in spec.labels else None
        letter = get_column_letter(column)
        header = worksheet.cell(row=1, column=column, value=label)
        header.font = _HEADER_FONT
        number_format = NUMBER_FORMATS.get(field.type, "General") if field else "General"
        for row in range(2, last_row + 1):
            cell = worksheet.cell(row=row, column=column)
            if row - 2 < len(records):
                _set_value(cell, records[row - 2].get(label), field)
            cell.number_format = number_format
            cell.protection = _UNLOCKED
        # Rows typed below the table later inherit the column's format and stay unlocked.
        dimension = worksheet.column_dimensions[letter]
        dimension.number_format = number_format
        dimension.protection = _UNLOCKED
        dimension.width = _width([label, *(r.get(label) for r in records[:VALIDATED_ROWS])])
        if field is None:
            continue
        header.comment = _note(field)
        rule = _validation(field, lists, key_rows)
        if rule is not None:
            rule.add(f"{letter}2:{letter}{checked_rows}")
            worksheet.add_data_validation(rule)
    table = Table(displayName=spec.name, ref=f"A1:{get_column_letter(len(labels))}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True, showColumnStripes=False)
    worksheet.add_table(table)
    worksheet.freeze_panes = "A2"
    _print_setup(worksheet, landscape=len(labels) > 5, repeat_header=True)


def _write_settings(worksheet: Worksheet, spec: SheetSpec, values: Mapping[str, object], lists: _ListsBuilder) -> None:
    for column, heading in enumerate(SETTINGS_HEADERS, start=1):
        cell = worksheet.cell(row=1, column=column, value=heading)
        cell.font = _HEADER_FONT
        cell.fill = _SETTINGS_HEADER_FILL
    worksheet.cell(row=1, column=1).comment = Comment(
        "Each row is one setting: its name here in column A, its value in column B.", "rolemix", height=60, width=300
    )
    worksheet.cell(row=1, column=2).comment = Comment(
        "Fill in the values in this column. Blank: the default named in the setting's note.",
        "rolemix",
        height=60,
        width=300,
    )
    extras = [label for label in values if label not in spec.labels]
    row = 1
    for row, field in enumerate(spec.fields, start=2):
        label = worksheet.cell(row=row, column=1, value=field.label)
        label.comment = _note(field)
        if field.required:
            label.font = _HEADER_FONT
        value = worksheet.cell(row=row, column=2)
        _set_value(value, values.get(field.label), field)
        value.number_format = NUMBER_FORMATS.get(field.type, "General")
        value.protection = _UNLOCKED
        worksheet.cell(row=row, column=3, value=field.unit)
        description = worksheet.cell(
            row=row, column=4, value=field.description + (" Required." if field.required else "")
        )
        description.alignment = _WRAP
        _fit_height(worksheet, row, str(description.value), _SETTINGS_DESCRIPTION_WIDTH * _CHARS_PER_WIDTH)
        for column in (1, 2, 3):
            worksheet.cell(row=row, column=column).alignment = _TOP
        rule = _validation(field, lists, {})
        if rule is not None:
            rule.add(f"B{row}")
            worksheet.add_data_validation(rule)
    for offset, extra in enumerate(extras, start=1):
        worksheet.cell(row=row + offset, column=1, value=extra)
        _set_value(worksheet.cell(row=row + offset, column=2), values[extra])
    worksheet.column_dimensions["A"].width = _width([SETTINGS_HEADERS[0], *spec.labels, *extras])
    worksheet.column_dimensions["B"].width = max(_width([SETTINGS_HEADERS[1], *values.values()]), 18.0)
    worksheet.column_dimensions["C"].width = _width([SETTINGS_HEADERS[2], *(f.unit for f in spec.fields)])
    worksheet.column_dimensions["D"].width = _SETTINGS_DESCRIPTION_WIDTH
    worksheet.freeze_panes = "A2"
    _print_setup(worksheet, landscape=True, repeat_header=True)


def _write_plain_sheet(worksheet: Worksheet, records: Sequence[Mapping[str, object]]) -> None:
    labels = _extra_labels((), records)
    for column, label in enumerate(labels, start=1):
        worksheet.cell(row=1, column=column, value=label).font = _HEADER_FONT
        for row, record in enumerate(records, start=2):
            _set_value(worksheet.cell(row=row, column=column), record.get(label))


# --- the Instructions sheet ---------------------------------------------------------------------

_INTRODUCTION = (
    "rolemix plans the role mix of a sales organisation over a planning horizon: whom to hire, whom to "
    "reskill into which role and when, where layoffs are unavoidable, how much demand AI agents, partners "
    "and copilots cover, and what it all costs. It finds the plan of least cost (or the priority order set "
    "on Settings) within the limits you set. Fill in this workbook, check it with "
    "'rolemix validate <file>', then run 'rolemix solve <file>' to get the plan as a workbook."
)

_GUIDANCE = (
    "Fill in the sheets in the order of the table below (it is also the order of the tabs). Sheets marked "
    "'yes' must be filled in; the others may stay empty when a lever is not used.",
    "Every column header (and every setting name) carries a note: point at it to see what it means, its "
    "unit, whether it is required and its default.",
    "Shares: type 12% or 0.12; both mean twelve percent.",
    "Periods: the labels follow from Settings (First period, Periods, Period length): quarters 2027-Q1, "
    "2027-Q2, ...; months 2027-01, 2027-02, ...; years 2027, 2028, .... Period 0 is today: the Headcount sheet.",
    "Blank cells: an optional cell left blank takes the default in its note; where there is no default, "
    "blank means no cap or not set. Required cells must not be blank.",
    "Rows: type below a table to add rows (the table grows with them); delete rows you do not need. "
    "Fully blank rows are ignored.",
    "Dropdowns offer the allowed values and the names on the other sheets, so fill in Roles, Units and "
    "WorkTypes before the sheets that refer to them. Names must match exactly.",
    "Money is in the currency set on Settings; costs per year are per full-time person.",
)

_INSTRUCTION_WIDTHS = {"A": 8.0, "B": 18.0, "C": 16.0, "D": 80.0}
_CHARS_PER_LINE = sum(_INSTRUCTION_WIDTHS.values()) * _CHARS_PER_WIDTH


def _paragraph(worksheet: Worksheet, row: int, text: str, font: Font | None = None) -> None:
    cell = worksheet.cell(row=row, column=1, value=text)
    cell.alignment = _WRAP
    if font is not None:
        cell.font = font
    worksheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    _fit_height(worksheet, row, text, _CHARS_PER_LINE)


def _write_instructions(worksheet: Worksheet) -> None:
    for letter, width in _INSTRUCTION_WIDTHS.items():
        worksheet.column_dimensions[letter].width = width
    worksheet.cell(row=1, column=1, value="rolemix: workforce plan input").font = _TITLE_FONT
    _paragraph(worksheet, 3, "What rolemix does", _HEADING_FONT)
    _paragraph(worksheet, 4, _INTRODUCTION)
    _paragraph(worksheet, 6, "How to fill it in", _HEADING_FONT)
    row = 7
    for number, text in enumerate(_GUIDANCE, start=1):
        _paragraph(worksheet, row, f"{number}. {text}")
        row += 1
    row += 1
    _paragraph(worksheet, row, "The sheets, in order", _HEADING_FONT)
    row += 1
    for column, heading in enumerate(("Step", "Sheet", "Must be filled", "What goes in it"), start=1):
        cell = worksheet.cell(row=row, column=column, value=heading)
        cell.font = _HEADER_FONT
        cell.fill = _SETTINGS_HEADER_FILL
    for step, spec in enumerate(SHEETS, start=1):
        row += 1
        worksheet.cell(row=row, column=1, value=step)
        name = worksheet.cell(row=row, column=2, value=spec.name)
        name.hyperlink = Hyperlink(ref=name.coordinate, location=f"{quote_sheetname(spec.name)}!A1")
        name.font = Font(color="0563C1", underline="single")
        worksheet.cell(row=row, column=3, value="yes" if must_be_filled(spec) else "no")
        worksheet.cell(row=row, column=4, value=spec.purpose).alignment = _WRAP
        _fit_height(worksheet, row, spec.purpose, _INSTRUCTION_WIDTHS["D"] * _CHARS_PER_WIDTH)
        for column in (1, 2, 3):
            worksheet.cell(row=row, column=column).alignment = _TOP
    _print_setup(worksheet, landscape=False, repeat_header=False)
