"""Sheet-level variants: missing, misnamed, extra and reordered sheets and columns, merged cells,
empty workbooks, and rules that span rows (duplicates, paths, ratios, demand amounts).

A change that is harmless by design (columns or sheets in another order,
an extra notes sheet, a header typed in other capitals) is paired with one
planted bad cell, so the variant proves the planted problem is still found
and located by its column's name, not its position.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from rolemix.spec import SHEETS, SheetSpec
from rolemix.workbook.template import write_blank_template

from .variant import Base, Variant, located, package_variant
from .xlsx import CHARTSHEET_TYPE, Package, blank, column_letters, column_number, number, text

REQUIRED_SHEETS = ("Settings", "Roles", "Units", "WorkTypes", "Headcount", "Demand", "Effectiveness")


def _spec(name: str) -> SheetSpec:
    return next(spec for spec in SHEETS if spec.name == name)


def _expected_columns(spec: SheetSpec) -> str:
    return ", ".join(repr(label) for label in spec.labels)


def _joined(labels: tuple[str, ...]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


#: The bad cell planted next to a harmless change: Roles row 3 (Solution engineer), Loaded cost.
PLANTED, PLANTED_WHERE = located("Roles", 3, "Loaded cost", "found 'lots', expected a number")


def _plant(package: Package, column: str = "B") -> None:
    package.set_cell("Roles", f"{column}3", text("lots"))


def _sheet_variants() -> list[Variant]:
    variants: list[Variant] = []
    for sheet in REQUIRED_SHEETS:
        expected, where = located(sheet, None, None, "sheet is missing, but it is required")
        variants.append(package_variant(
            f"sheet-missing-{sheet}", "sheet: missing", "sheet",
            lambda _b, p, sheet=sheet: p.drop_sheet_entry(sheet), expected, where,
        ))
    lookalikes = {
        "Settings": "Setting", "Roles": "roles", "Units": "Unit", "WorkTypes": "Work Types",
        "Headcount": "HeadCount ", "Demand": "demands", "Effectiveness": "EFFECTIVENESS", "Budget": "Budgets",
        "Skills": "skill", "Adoption": "Adoptions",
    }
    for sheet, misnamed in lookalikes.items():
        expected, where = located(sheet, None, None, f"sheet {misnamed!r} should be named {sheet!r}")
        variants.append(package_variant(
            f"sheet-misnamed-{sheet}", "sheet: misnamed", "sheet",
            lambda _b, p, sheet=sheet, misnamed=misnamed: p.rename_sheet(sheet, misnamed), expected, where,
        ))
    for sheet, other in (("Roles", "Sheet3"), ("Demand", "Demand 2027"), ("Units", "Org units")):
        expected, where = located(sheet, None, None, "sheet is missing, but it is required")
        variants.append(package_variant(
            f"sheet-renamed-{sheet}", "sheet: renamed", "sheet",
            lambda _b, p, sheet=sheet, other=other: p.rename_sheet(sheet, other), expected, where,
        ))
    for sheet in ("Roles", "Skills", "Budget"):
        expected, where = located(sheet, None, None, "is a chart sheet, expected a sheet of cells")
        variants.append(package_variant(
            f"sheet-chart-{sheet}", "sheet: chart sheet", "sheet",
            lambda _b, p, sheet=sheet: p.set_relationship_type(sheet, CHARTSHEET_TYPE), expected, where,
        ))

    def reverse_sheets(_base: Base, package: Package) -> None:
        package.reorder_sheets([name for name, _ in reversed(package.sheet_entries())])
        _plant(package)

    def extra_copy(_base: Base, package: Package) -> None:
        package.add_sheet_copy("Roles", "Roles (2026)")
        _plant(package)

    def extra_notes(_base: Base, package: Package) -> None:
        package.add_sheet_copy("Instructions", "Notes")
        package.add_sheet_copy("Budget", "Budget copy")
        _plant(package)

    def hidden_roles(_base: Base, package: Package) -> None:
        package.edit("xl/workbook.xml", lambda xml: xml.replace(
            '<sheet name="Roles" sheetId="3" state="visible"', '<sheet name="Roles" sheetId="3" state="hidden"', 1))
        _plant(package)

    for name, change in (("sheets-reversed", reverse_sheets), ("sheet-extra-copy", extra_copy),
                         ("sheet-extra-notes", extra_notes), ("sheet-hidden", hidden_roles)):
        variants.append(package_variant(name, "sheet: extra or reordered", "cell", change, PLANTED, PLANTED_WHERE))
    return variants


def _column_variants(base: Base) -> list[Variant]:
    variants: list[Variant] = []
    missing = {
        "Roles": ("Loaded cost", "Attrition"), "Units": ("Segment",), "WorkTypes": ("Work type",),
        "Headcount": ("Role", "Group"), "Skills": ("Level",), "Demand": ("Period",),
        "Effectiveness": ("Effectiveness",), "ReskillPaths": ("To role",), "PathSkills": ("Minimum level",),
        "Capacity": ("Kind",), "CapacityScope": ("Max share",), "Copilots": ("Uplift",), "Adoption": ("Adoption",),
        "Budget": ("Budget",), "Ratios": ("Per role",), "SegmentRules": ("Min human share",),
    }
    for sheet, labels in missing.items():
        header = base.package.header(sheet)
        for label in labels:
            expected, where = located(sheet, 1, label, "column is missing, but it is required")
            variants.append(package_variant(
                f"column-missing-{sheet}-{label}".replace(" ", "-"), "column: missing", "sheet",
                lambda _b, p, sheet=sheet, ref=f"{header[label]}1": p.set_cell(sheet, ref, blank()), expected, where,
            ))
    renamed = {"Roles": ("Loaded cost", "Loaded costs (USD)"), "Demand": ("Hours", "Hours needed"),
               "Headcount": ("Count", "Headcount"), "Budget": ("Budget", "Budget 2027"),
               "Adoption": ("Adoption", "Adoption %")}
    for sheet, (label, new) in renamed.items():
        spec = _spec(sheet)
        expected, where = located(sheet, 1, new, f"unknown column {new!r}, expected one of {_expected_columns(spec)}")
        letters = base.package.header(sheet)[label]
        variants.append(package_variant(
            f"column-renamed-{sheet}", "column: renamed", "sheet",
            lambda _b, p, sheet=sheet, ref=f"{letters}1", new=new: p.set_cell(sheet, ref, text(new)), expected, where,
        ))
    extra = {"Headcount": "Employee name", "Roles": "Bonus", "Units": "Country", "Demand": "Comment",
             "Effectiveness": "Source"}
    for sheet, label in extra.items():
        spec = _spec(sheet)
        next_column = column_letters(len(base.package.header(sheet)) + 1)
        expected, where = located(
            sheet, 1, label, f"unknown column {label!r}, expected one of {_expected_columns(spec)}"
        )
        variants.append(package_variant(
            f"column-extra-{sheet}", "column: extra", "sheet",
            lambda _b, p, sheet=sheet, ref=f"{next_column}1", label=label: p.set_cell(sheet, ref, text(label)),
            expected, where,
        ))
    for sheet in ("Roles", "Demand", "Units"):
        spec = _spec(sheet)
        first = spec.labels[0]
        next_column = column_letters(len(base.package.header(sheet)) + 1)
        expected, where = located(sheet, 1, first, f"the column appears twice (columns A and {next_column})")
        variants.append(package_variant(
            f"column-twice-{sheet}", "column: duplicate", "sheet",
            lambda _b, p, sheet=sheet, ref=f"{next_column}1", first=first: p.set_cell(sheet, ref, text(first)),
            expected, where,
        ))
    for sheet in ("Roles", "Headcount", "Budget"):
        spec = _spec(sheet)
        expected, where = located(
            sheet, 1, None, f"the header row is blank, expected the columns {_expected_columns(spec)}"
        )
        variants.append(package_variant(
            f"header-removed-{sheet}", "column: header row blank", "sheet",
            lambda _b, p, sheet=sheet: p.remove_row(sheet, 1), expected, where,
        ))
        variants.append(package_variant(
            f"header-below-title-{sheet}", "column: header row blank", "sheet",
            lambda _b, p, sheet=sheet: p.map_cells(sheet, lambda column, row, _e: (column, row + 1)), expected, where,
        ))

    def swap_first_two(_base: Base, package: Package) -> None:
        swap = {"A": "B", "B": "A"}
        package.map_cells("Roles", lambda column, row, _e: (swap.get(column, column), row))
        _plant(package, column="A")

    def reverse_roles(_base: Base, package: Package) -> None:
        last = len(package.header("Roles"))
        package.map_cells("Roles", lambda column, row, _e: (column_letters(last + 1 - column_number(column)), row))
        _plant(package, column=column_letters(last - 1))

    def header_case(_base: Base, package: Package) -> None:
        package.set_cell("Roles", "B1", text("  LOADED   cost "))
        _plant(package)

    for name, change in (("columns-swapped", swap_first_two), ("columns-reversed", reverse_roles),
                         ("column-other-capitals", header_case)):
        variants.append(package_variant(name, "column: reordered or retyped", "cell", change, PLANTED, PLANTED_WHERE))

    merged = (("Roles", "B", 2, "Loaded cost"), ("Headcount", "B", 4, "Role"), ("Demand", "A", 6, "Unit"),
              ("Effectiveness", "C", 2, "Effectiveness"))
    for sheet, column, row, label in merged:
        expected, where = located(sheet, row + 1, label, "blank, but a value is required")

        def merge(_base: Base, package: Package, sheet: str = sheet, column: str = column, row: int = row) -> None:
            package.set_cell(sheet, f"{column}{row + 1}", blank())
            package.add_merge(sheet, f"{column}{row}:{column}{row + 1}")

        variants.append(package_variant(f"merged-{sheet}", "column: merged cells", "cell", merge, expected, where))
    return variants


def _rule_variants(base: Base) -> list[Variant]:
    variants: list[Variant] = []
    for spec in SHEETS:
        records = base.rows.get(spec.name) or []
        if spec.layout != "table" or not spec.key or len(records) < 2:
            continue
        header = base.package.header(spec.name)
        expected, where = located(spec.name, 3, spec.key[0], f"duplicate of row 2 (same {_joined(spec.key)})")

        def duplicate(_base: Base, package: Package, spec: SheetSpec = spec, header: dict[str, str] = header) -> None:
            for label in spec.key:
                first = package.cell_body(spec.name, f"{header[label]}2")
                if package.cell_body(spec.name, f"{header[label]}3") != first:
                    package.set_cell(spec.name, f"{header[label]}3", first)

        variants.append(package_variant(f"duplicate-{spec.name}", "rule: duplicate key", "cell", duplicate,
                                        expected, where))

    paths = base.rows["ReskillPaths"][0]
    expected, where = located("ReskillPaths", 2, "To role",
                              f"found {paths['From role']!r}, expected a role other than the From role")
    variants.append(package_variant(
        "rule-path-to-itself", "rule: across columns", "cell",
        lambda _b, p: p.set_cell("ReskillPaths", "C2", text(paths["From role"])), expected, where,
    ))
    ratio = base.rows["Ratios"][0]
    expected, where = located("Ratios", 2, "Per role", f"found {ratio['Role']!r}, expected a role other than Role")
    variants.append(package_variant(
        "rule-ratio-to-itself", "rule: across columns", "cell",
        lambda _b, p: p.set_cell("Ratios", "C2", text(ratio["Role"])), expected, where,
    ))
    expected, where = located("Ratios", 2, "Minimum", f"found {ratio['Minimum']}, expected at most the Maximum 0.1")
    variants.append(package_variant(
        "rule-ratio-minimum-above-maximum", "rule: across columns", "cell",
        lambda _b, p: p.set_cell("Ratios", "E2", number("0.1")), expected, where,
    ))
    demand = base.rows["Demand"][0]
    expected, where = located(
        "Demand", 2, "Hours",
        f"found {demand['Hours']} and also Accounts x Hours per account, "
        "expected Hours or Accounts x Hours per account, not both",
    )

    def both_amounts(_base: Base, package: Package) -> None:
        package.set_cell("Demand", "E2", number("10"))
        package.set_cell("Demand", "F2", number("3"))

    variants.append(package_variant("rule-demand-both-amounts", "rule: across columns", "cell", both_amounts,
                                    expected, where))
    expected, where = located("Demand", 2, "Hours", "blank, but Hours or Accounts and Hours per account are required")
    variants.append(package_variant(
        "rule-demand-no-amount", "rule: across columns", "cell",
        lambda _b, p: p.set_cell("Demand", "D2", blank()), expected, where,
    ))

    def accounts_only(_base: Base, package: Package) -> None:
        package.set_cell("Demand", "D2", blank())
        package.set_cell("Demand", "E2", number("10"))

    expected, where = located("Demand", 2, "Hours per account", "blank, but a value is required when Accounts is given")
    variants.append(package_variant("rule-demand-accounts-only", "rule: across columns", "cell", accounts_only,
                                    expected, where))
    source = base.rows["Capacity"][0]["Source"]
    expected, where = located(
        "Copilots", 2, "Copilot",
        f"found {source!r}, expected a name that is not also a source on the Capacity sheet "
        "(the Adoption sheet tells them apart by name)",
    )
    variants.append(package_variant(
        "rule-copilot-named-like-source", "rule: across sheets", "cell",
        lambda _b, p: p.set_cell("Copilots", "A2", text(source)), expected, where,
    ))
    for sheet in ("Units", "Roles", "Demand"):
        expected, where = located(sheet, None, None, "no rows filled in, but at least one is required")

        def empty_table(base: Base, package: Package, sheet: str = sheet) -> None:
            for row in range(2, len(base.rows[sheet]) + 2):
                package.remove_row(sheet, row)

        variants.append(package_variant(f"table-empty-{sheet}", "sheet: no rows", "sheet", empty_table,
                                        expected, where))
    return variants


def _workbook_variants() -> list[Variant]:
    def empty_workbook(_base: Base, folder: Path) -> Path:
        workbook = Workbook()
        path = folder / "workbook-empty.xlsx"
        workbook.save(path)
        return path

    def blank_template(_base: Base, folder: Path) -> Path:
        path = folder / "workbook-blank-template.xlsx"
        write_blank_template(path)
        return path

    missing, missing_where = located("Settings", None, None, "sheet is missing, but it is required")
    blank_setting, blank_where = located("Settings", 3, "Period length", "blank, but a value is required")
    build: Callable[[Base, Path], Path]
    found: list[Variant] = []
    for name, build, expected, where in (
        ("workbook-empty", empty_workbook, missing, missing_where),
        ("workbook-blank-template", blank_template, blank_setting, blank_where),
    ):
        found.append(Variant(name, "workbook: empty", "sheet", build, expected, where))
    return found


def structure_variants(base: Base) -> list[Variant]:
    """Every sheet-, column- and rule-level variant."""
    return _sheet_variants() + _column_variants(base) + _rule_variants(base) + _workbook_variants()
