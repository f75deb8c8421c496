"""The column reference (``docs/template.md``) and the words that describe a field.

The same phrases appear in the workbook's header notes and in the docs, so both
are built from the helpers here and from :data:`rolemix.spec.SHEETS` only.
``python -m rolemix.workbook.docs`` regenerates ``docs/template.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rolemix.spec import DERIVED_REFERENCES, SHEETS, Field, SheetSpec

#: Where ``main`` writes the column reference, relative to the repository root.
DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "template.md"

_TYPE_WORDS: dict[str, str] = {
    "text": "text",
    "integer": "whole number",
    "number": "number",
    "money": "money",
    "hours": "hours",
    "share": "share (12% or 0.12)",
    "choice": "choice",
    "yesno": "yes / no",
    "ref": "name",
}


def format_number(value: float) -> str:
    """Write ``value`` without a trailing ``.0`` and with thousands separators.

    Parameters
    ----------
    value
        A number from the spec (a default, minimum or maximum).

    Returns
    -------
    str
        ``60`` for 60.0, ``0.001`` for 0.001, ``86,400`` for 86400.0.
    """
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:.6g}"


def format_share(value: float) -> str:
    """Write a share as a percentage: ``0.001`` -> ``0.1%``."""
    return f"{format_number(round(value * 100, 6))}%"


def type_text(field: Field) -> str:
    """The field's type in planner words (``whole number``, ``share (12% or 0.12)``, ...)."""
    return _TYPE_WORDS[field.type]


def default_text(field: Field) -> str:
    """What a blank cell means, in words.

    Required fields have no default (``none: required``); optional fields
    without a default read ``blank`` (the description says what blank means,
    usually "no cap").
    """
    if field.required:
        return "none: required"
    value = field.default
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return format_share(float(value)) if field.type == "share" else format_number(float(value))
    return str(value)


def reference_text(field: Field) -> str:
    """Where the names of a ``ref`` field come from (empty for other fields)."""
    if field.type != "ref":
        return ""
    if field.ref in DERIVED_REFERENCES:
        return f"one of {DERIVED_REFERENCES[field.ref]}"
    target = _sheet_by_name(field.ref)
    return f"a {target.key[0]} on the {target.name} sheet"


def range_text(field: Field) -> str:
    """The allowed numeric range in words (empty when unbounded or not numeric)."""
    if field.minimum is None and field.maximum is None:
        return ""
    fmt = format_share if field.type == "share" else format_number
    if field.minimum is not None and field.maximum is not None:
        return f"{fmt(field.minimum)} to {fmt(field.maximum)}"
    if field.minimum is not None:
        return f"at least {fmt(field.minimum)}"
    assert field.maximum is not None  # narrowed by the branches above
    return f"at most {fmt(field.maximum)}"


def allowed_text(field: Field) -> str:
    """Allowed values, referenced names or numeric range, in words."""
    if field.allowed:
        return "; ".join(field.allowed)
    if field.type == "ref":
        return reference_text(field)
    return range_text(field)


def field_note(field: Field) -> str:
    """The header note of ``field``: description, unit, required, default, allowed.

    Parameters
    ----------
    field
        A column or setting of the spec.

    Returns
    -------
    str
        Several short lines; the first is the field's description.
    """
    lines = [field.description]
    if field.unit:
        lines.append(f"Unit: {field.unit}.")
    lines.append("Required: yes." if field.required else f"Required: no. Default: {default_text(field)}.")
    allowed = allowed_text(field)
    if allowed:
        lines.append(f"Allowed: {allowed}.")
    return "\n".join(lines)


def _sheet_by_name(name: str) -> SheetSpec:
    for candidate in SHEETS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"the template has no sheet {name!r}")


def _cell(text: str) -> str:
    """Make ``text`` safe inside a markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _sheet_section(sheet: SheetSpec) -> list[str]:
    layout = (
        "Excel table: header in row 1, one record per row below it."
        if sheet.layout == "table"
        else "Settings list: the name in column A (Setting), the value in column B (Value)."
    )
    must = "Must have at least one row." if sheet.required_rows else "May be left empty."
    if sheet.layout == "settings":
        must = "One row per setting below; required settings must not be blank."
    lines = [f"## {sheet.name}", "", sheet.purpose, "", f"{layout} {must}"]
    if sheet.key:
        key = ", ".join(sheet.key)
        lines += ["", f"Each row must be unique by: {key}."]
    lines += [
        "",
        "| Column | Type | Unit | Required | Default | Allowed / reference | Description |",
        "|---|---|---|---|---|---|---|",
    ]
    for field in sheet.fields:
        cells = (
            field.label,
            type_text(field),
            field.unit,
            "yes" if field.required else "no",
            "" if field.required else default_text(field),
            allowed_text(field),
            field.description,
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("")
    return lines


def column_reference_markdown() -> str:
    """The column reference of the input workbook, generated from the spec.

    Returns
    -------
    str
        Markdown: an introduction, then per sheet its purpose, layout, unique
        key and a table (Column | Type | Unit | Required | Default | Allowed /
        reference | Description).
    """
    lines = [
        "# Input workbook: column reference",
        "",
        "<!-- Generated by `python -m rolemix.workbook.docs` from rolemix/spec.py. Do not edit by hand. -->",
        "",
        "The input workbook has an Instructions sheet, then the sheets below in this order. "
        "`rolemix template` writes a blank one; every header in it carries a note with the same text as this page.",
        "",
        "- Shares are written as 12% or 0.12 (both mean twelve percent).",
        "- Period labels follow from Settings: quarters 2027-Q1, 2027-Q2, ...; months 2027-01, 2027-02, ...; "
        "years 2027, 2028, .... Period 0 is today: the Headcount sheet.",
        "- A blank optional cell takes the default below; where the default is *blank*, the description says "
        "what blank means (usually: no cap).",
        "- Fully blank rows are ignored.",
        "",
        "| Sheet | Layout | Must be filled | Purpose |",
        "|---|---|---|---|",
    ]
    for sheet in SHEETS:
        filled = "yes" if must_be_filled(sheet) else "no"
        lines.append(f"| [{sheet.name}](#{sheet.name.lower()}) | {sheet.layout} | {filled} | {_cell(sheet.purpose)} |")
    lines.append("")
    for sheet in SHEETS:
        lines += _sheet_section(sheet)
    return "\n".join(lines)


def must_be_filled(sheet: SheetSpec) -> bool:
    """True when a workbook is invalid without this sheet's rows or settings."""
    if sheet.layout == "settings":
        return any(field.required for field in sheet.fields)
    return sheet.required_rows


def main() -> None:
    """Write ``docs/template.md`` from the spec."""
    DOCS_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOCS_PATH.write_text(column_reference_markdown(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOCS_PATH}\n")


if __name__ == "__main__":
    main()
