"""The board-ready results workbook of a solved plan.

:func:`write_plan_workbook` writes, in this order, the sheets Summary, Charts,
Plan, Coverage, Reskilling, Constraints, Assumptions and Solver, either into a
new workbook or into a copy of the input workbook.  Every value is a number or
text (never a formula); every table is an Excel table with number formats and
a frozen header; every sheet prints landscape, one page wide.  The data rows
of large tables go straight into the saved file (:mod:`rolemix.report.bulk`).
The file is written to a temporary file next to the target and moved into
place, so a failed run never leaves a half-written plan behind.

This module formats :class:`~rolemix.results.PlanResult`; it computes nothing
the model decides and never imports PuLP.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import datetime
from operator import attrgetter
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from rolemix import __version__
from rolemix.collector import collector_paused
from rolemix.errors import OutputError
from rolemix.inputs import PlanInput
from rolemix.report.assumptions import Assumption, input_assumptions, objective_in_words, overridden
from rolemix.report.bulk import LargeTables
from rolemix.report.cells import (
    BOLD,
    HEADING_FONT,
    HIGHLIGHT,
    NOTE_FONT,
    TITLE_FONT,
    WRAP,
    Column,
    Kind,
    Shown,
    TableNames,
    TableRange,
    print_setup,
    text_cell,
    write_table,
)
from rolemix.report.charts import add_charts
from rolemix.report.figures import KeyFigures, key_figures, role_mix
from rolemix.report.files import check_writable, write_atomically
from rolemix.results import COST_COMPONENTS, COST_LABELS, PlanResult
from rolemix.spec import SHEETS
from rolemix.workbook.validate import text_value

#: The result sheets, in the order they appear (before any input sheets).
RESULT_SHEETS: tuple[str, ...] = (
    "Summary",
    "Charts",
    "Plan",
    "Coverage",
    "Reskilling",
    "Constraints",
    "Assumptions",
    "Solver",
)

BASELINE_MEANING = (
    "Do-nothing baseline: today's headcount with every leaver replaced one for one, no layoffs or reskilling, "
    "today's external capacity, the same demand and costs."
)

NO_LIMIT_BINDS = "No limit binds: relaxing any single limit in the workbook would not lower the cost of this plan."

_UNIT_OF_TERM = {"layoffs": "people", "unmet": "hours"}


# --------------------------------------------------------------------------- public entry point


def write_plan_workbook(
    result: PlanResult,
    path: str | Path,
    *,
    baseline: PlanResult | None = None,
    scenario_overrides: Sequence[tuple[str, str, object, object]] = (),
    into_copy_of: str | Path | None = None,
    generated_at: datetime | None = None,
) -> Path:
    """Write the results workbook of ``result`` to ``path``.

    Parameters
    ----------
    result
        The solved plan.
    path
        Target ``.xlsx`` file; replaced if it exists.
    baseline
        The do-nothing baseline, shown next to the plan on the Summary and as
        the start of the cost bridge.  Without it those parts are left out.
    scenario_overrides
        ``(sheet, setting or column, workbook value, scenario value)`` of each
        value a scenario file changed; listed and marked on Assumptions.
    into_copy_of
        Input workbook whose sheets are kept after the result sheets, values
        untouched except the employee or group identifiers (see
        :func:`pseudonymise_groups`); the input file itself is never written.
        Sheets named like a result sheet (from a plan written into it before)
        are replaced.
    generated_at
        Time stamp printed on the Summary and Assumptions (now when ``None``).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    OutputError
        The target is not an ``.xlsx`` file in an existing folder, would
        overwrite an input, is read-only or open in another program, or cannot
        be written.
    """
    target = Path(path)
    _check_target(target, result.plan_input, into_copy_of)
    when = generated_at if generated_at is not None else datetime.now()
    with collector_paused():
        _write(result, target, baseline, scenario_overrides, into_copy_of, when)
    return target


def _write(result: PlanResult, target: Path, baseline: PlanResult | None,
           scenario_overrides: Sequence[tuple[str, str, object, object]], into_copy_of: str | Path | None,
           when: datetime) -> None:
    """Build every sheet of the results workbook and save it (see :func:`write_plan_workbook`)."""
    workbook = _start_workbook(into_copy_of)
    sheets = {name: workbook.create_sheet(name, index) for index, name in enumerate(RESULT_SHEETS)}
    names = TableNames(workbook)
    large = LargeTables()
    _summary(sheets["Summary"], names, result, baseline, when)
    add_charts(sheets["Charts"], names, result, baseline)
    _plan(sheets["Plan"], names, result, large)
    _coverage(sheets["Coverage"], names, result, large)
    _reskilling(sheets["Reskilling"], names, result, large)
    _constraints(sheets["Constraints"], names, result)
    _assumptions(sheets["Assumptions"], names, result, scenario_overrides, when, large)
    _solver(sheets["Solver"], names, result)
    for worksheet in workbook.worksheets:
        # A copied input may have its own tab selected; two selected tabs would group the sheets in Excel.
        worksheet.sheet_view.tabSelected = False
    sheets["Summary"].sheet_view.tabSelected = True
    workbook.active = 0
    workbook.properties.creator = f"rolemix {__version__}"
    workbook.properties.title = result.plan_input.settings.plan_name
    naive = when.replace(tzinfo=None)
    workbook.properties.created = naive
    workbook.properties.modified = naive
    _save_atomically(workbook, target, large)


# --------------------------------------------------------------------------- target checks and saving


def input_paths(plan_input: PlanInput, into_copy_of: str | Path | None = None) -> list[tuple[str, Path]]:
    """The input files behind a plan (workbook, scenario, workbook copied into), named for messages."""
    found: list[tuple[str, Path]] = []
    if into_copy_of is not None:
        found.append(("workbook", Path(into_copy_of)))
    for key, value in plan_input.provenance:
        if value and "sha" not in key.lower():
            found.append((key.replace("_", " "), Path(value)))
    return found


def _same_file(first: Path, second: Path) -> bool:
    if first.resolve() == second.resolve():
        return True
    try:
        return first.exists() and second.exists() and first.samefile(second)
    except OSError:
        return False


def _check_target(target: Path, plan_input: PlanInput, into_copy_of: str | Path | None) -> None:
    if target.suffix.lower() != ".xlsx":
        raise OutputError(f"Cannot write the plan to {target}: the file name must end in .xlsx.")
    if target.is_dir():
        raise OutputError(f"Cannot write the plan to {target}: it is a folder; give a file name ending in .xlsx.")
    if not target.parent.is_dir():
        raise OutputError(f"Cannot write the plan to {target}: the folder {target.parent} does not exist.")
    for what, source in input_paths(plan_input, into_copy_of):
        if _same_file(target, source):
            raise OutputError(
                f"Cannot write the plan to {target}: it would overwrite the input {what} {source}. "
                "Choose another file name for the plan."
            )
    check_writable(target, "the plan")


def _start_workbook(into_copy_of: str | Path | None) -> Workbook:
    if into_copy_of is None:
        workbook = Workbook()
        workbook.remove(workbook.active)
        return workbook
    source = Path(into_copy_of)
    try:
        workbook = load_workbook(source)
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise OutputError(f"Cannot copy the input workbook {source} into the plan: {exc}") from exc
    for name in RESULT_SHEETS:
        # A plan written earlier into this workbook is replaced, not duplicated as "Summary1".
        if name in workbook.sheetnames:
            workbook.remove(workbook[name])
    pseudonymise_groups(workbook)
    return workbook


#: Where the input names employees or groups of them: the Headcount sheet's key, and every column
#: that refers to it (the Skills sheet's Group), as (sheet, column label).
IDENTIFIER_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (spec.name, field.label)
    for spec in SHEETS
    for field in spec.fields
    if (spec.name == "Headcount" and field.label in spec.key) or field.ref == "Headcount"
)

#: Pseudonym of the n-th identifier, in order of first appearance.
PSEUDONYM = "G{number:05d}"


def _label_key(label: object) -> str:
    """A header as the reader matches it: spaces collapsed, case ignored."""
    return " ".join(str(label).split()).lower()


def pseudonymise_groups(workbook: Workbook) -> dict[str, str]:
    """Replace the employee or group identifiers of a copied input workbook with stable pseudonyms.

    The results carry no employee identifiers (the plan is per role and
    unit).  Every value of the columns in :data:`IDENTIFIER_COLUMNS` becomes
    ``G00001``, ``G00002``, ... in order of first appearance, Headcount
    before Skills, the same identifier getting the same pseudonym on both
    sheets, so the copy still reads as the same plan.  Identifiers match as
    the reader joins them (numbers as the text they show, spaces trimmed).

    Returns
    -------
    dict
        Identifier -> pseudonym (for tests; it is never written anywhere).
    """
    pseudonyms: dict[str, str] = {}
    for sheet, label in IDENTIFIER_COLUMNS:
        if sheet not in workbook.sheetnames:
            continue
        worksheet = workbook[sheet]
        header = next(worksheet.iter_rows(min_row=1, max_row=1), ())
        column = next((cell.column for cell in header if _label_key(cell.value) == _label_key(label)), None)
        if column is None:
            continue
        for (cell,) in worksheet.iter_rows(min_row=2, min_col=column, max_col=column):
            identifier = text_value(cell.value)
            if identifier is None:
                continue
            pseudonym = pseudonyms.setdefault(identifier, PSEUDONYM.format(number=len(pseudonyms) + 1))
            cell.value = pseudonym
            cell.data_type = "s"  # replaces a formula too: a formula could spell out the identifier
    return pseudonyms


CLOSE_IN_EXCEL = (
    "If the file is open in Excel or another program, close it in Excel and run again; "
    "otherwise choose a folder you may write to."
)


def _save_atomically(workbook: Workbook, target: Path, large: LargeTables) -> None:
    """Save to a temporary file in the target's folder, then move it over the target in one step."""
    write_atomically(target, lambda temporary: large.save(workbook, temporary), what="the plan",
                     close_hint=CLOSE_IN_EXCEL)


# --------------------------------------------------------------------------- helpers


def _when(moment: datetime) -> str:
    text = moment.strftime("%Y-%m-%d %H:%M")
    return f"{text} {moment.strftime('%Z') or moment.strftime('%z')}" if moment.tzinfo is not None else text


def _label(plan_input: PlanInput, period: int) -> str:
    return plan_input.period_labels[period - 1]


def _freeze_below(ws: Worksheet, block: TableRange | None) -> None:
    if block is not None:
        ws.freeze_panes = ws.cell(row=block.first_row, column=1)


def _order(plan_input: PlanInput) -> tuple[dict[str, int], dict[str, int]]:
    roles = {role.name: index for index, role in enumerate(plan_input.roles)}
    units = {unit.name: index for index, unit in enumerate(plan_input.units)}
    return roles, units


def _no_plan_note(ws: Worksheet, result: PlanResult, row: int = 1) -> None:
    text_cell(ws, row, 1, f"No rows: {result.outcome.in_words()}", NOTE_FONT)


# --------------------------------------------------------------------------- Summary


def _key_figure_rows(plan: KeyFigures, baseline: KeyFigures | None, currency: str,
                     discounted: bool) -> list[list[object]]:
    measures: list[tuple[str, str, Kind, Kind]] = [
        (f"Total cost over the horizon ({currency})", "total_cost", "money", "money_change"),
        (f"Average cost per period ({currency})", "average_cost_per_period", "money", "money_change"),
    ]
    if discounted:
        measures.append((f"Total cost, discounted ({currency})", "discounted_cost", "money", "money_change"))
    measures += [
        ("Headcount today (people)", "headcount_today", "people", "people_change"),
        ("Headcount at the end (people)", "headcount_end", "people", "people_change"),
        ("Hires (people)", "hires", "people", "people_change"),
        ("Layoffs (people)", "layoffs", "people", "people_change"),
        ("People reskilled (started a path)", "reskilled", "people", "people_change"),
        ("Share of demand served by AI agents", "ai_share", "share", "share_change"),
        ("Share served by partners and contractors", "other_external_share", "share", "share_change"),
        ("Demand coverage (share served)", "coverage", "share", "share_change"),
        ("Unmet demand (hours)", "unmet_hours", "hours", "hours_change"),
    ]
    rows: list[list[object]] = []
    for label, attribute, kind, change_kind in measures:
        value = getattr(plan, attribute)
        row: list[object] = [label, Shown(value, kind)]
        if baseline is not None:
            other = getattr(baseline, attribute)
            difference = value - other if value is not None and other is not None else None
            row += [Shown(other, kind), Shown(difference, change_kind)]
        rows.append(row)
    return rows


def _summary(ws: Worksheet, names: TableNames, result: PlanResult, baseline: PlanResult | None,
             when: datetime) -> None:
    """One printed page: what the plan does, what it costs, and how it compares with doing nothing."""
    plan_input = result.plan_input
    settings = plan_input.settings
    currency = settings.currency
    labels = plan_input.period_labels
    text_cell(ws, 1, 1, settings.plan_name, TITLE_FONT)
    text_cell(ws, 2, 1, result.outcome.in_words(), BOLD)
    text_cell(
        ws, 3, 1,
        f"{settings.periods} {settings.period_length}{'s' if settings.periods != 1 else ''} from {labels[0]} to "
        f"{labels[-1]}; amounts in {currency}, undiscounted; generated {_when(when)}.",
    )
    usable_baseline = baseline if baseline is not None and baseline.outcome.has_plan else None
    if baseline is None:
        text_cell(ws, 4, 1, "No do-nothing baseline was computed for this plan.", NOTE_FONT)
    elif usable_baseline is None:
        text_cell(ws, 4, 1, f"The do-nothing baseline has no plan: {baseline.outcome.in_words()}", NOTE_FONT)
    else:
        text_cell(ws, 4, 1, BASELINE_MEANING, NOTE_FONT)
    if not result.outcome.has_plan:
        text_cell(ws, 6, 1, "There is no plan, so there are no figures to show.", NOTE_FONT)
        print_setup(ws, fit_height=True)
        return

    plan_figures = key_figures(result)
    base_figures = key_figures(usable_baseline) if usable_baseline is not None else None
    key_columns = [Column("Measure"), Column("Plan", "number")]
    if base_figures is not None:
        key_columns += [Column("Do-nothing baseline", "number"), Column("Difference", "number")]
    text_cell(ws, 6, 1, "Key figures", HEADING_FONT)
    key_block = write_table(
        ws, names, "summary_key_figures", key_columns,
        _key_figure_rows(plan_figures, base_figures, currency, settings.discount_rate > 0),
        top=7,
    )

    mix_left = len(key_columns) + 2
    text_cell(ws, 6, mix_left, "Headcount by role", HEADING_FONT)
    mix = role_mix(result)
    mix_rows: list[list[object]] = [
        [entry.role, entry.today, entry.today_share, entry.end, entry.end_share, entry.end - entry.today]
        for entry in mix
    ]
    today_total = sum(entry.today for entry in mix)
    end_total = sum(entry.end for entry in mix)
    mix_rows.append(["All roles", today_total, 1.0 if today_total else None, end_total, 1.0 if end_total else None,
                     end_total - today_total])
    mix_block = write_table(
        ws, names, "summary_headcount",
        [Column("Role"), Column("Today", "people"), Column("Mix today", "share"),
         Column(f"End of {labels[-1]}", "people"), Column("Mix at end", "share"), Column("Change", "people_change")],
        mix_rows, top=7, left=mix_left, bold_rows=(len(mix_rows) - 1,),
    )

    below = max(block.last_row for block in (key_block, mix_block) if block is not None) + 2
    text_cell(ws, below, 1, "Cost per period", HEADING_FONT)
    cost_columns = [Column("Period"), Column(f"Plan ({currency})", "money")]
    baseline_costs = {cost.period: cost.total for cost in usable_baseline.costs} if usable_baseline else {}
    if usable_baseline is not None:
        cost_columns += [Column(f"Do-nothing baseline ({currency})", "money"),
                         Column(f"Difference ({currency})", "money_change")]
    cost_rows: list[list[object]] = []
    for cost in sorted(result.costs, key=lambda cost: cost.period):
        row: list[object] = [_label(plan_input, cost.period), cost.total]
        if usable_baseline is not None:
            other = baseline_costs.get(cost.period)
            row += [other, cost.total - other if other is not None else None]
        cost_rows.append(row)
    write_table(ws, names, "summary_cost_per_period", cost_columns, cost_rows, top=below + 1)

    text_cell(ws, below, mix_left, "Cost over the horizon by component", HEADING_FONT)
    component_columns = [Column("Component"), Column(f"Plan ({currency})", "money")]
    if usable_baseline is not None:
        component_columns += [Column(f"Do-nothing baseline ({currency})", "money"),
                              Column(f"Difference ({currency})", "money_change")]
    component_rows: list[list[object]] = []
    for name in COST_COMPONENTS:
        amount = sum(getattr(cost, name) for cost in result.costs)
        row = [COST_LABELS[name], amount]
        if usable_baseline is not None:
            other_amount = sum(getattr(cost, name) for cost in usable_baseline.costs)
            row += [other_amount, amount - other_amount]
        component_rows.append(row)
    write_table(ws, names, "summary_cost_by_component", component_columns, component_rows, top=below + 1,
                left=mix_left)
    # A narrow gap between the left and right tables keeps the page as large as possible when printed.
    ws.column_dimensions[get_column_letter(mix_left - 1)].width = 2
    print_setup(ws, fit_height=True)


# --------------------------------------------------------------------------- Plan, Coverage, Reskilling


#: The figures of a plan row, in the Plan sheet's column order (one call per row instead of 18 lookups).
_PLAN_FIGURES = attrgetter(
    "start", "attrition", "hires", "hires_retained", "layoffs", "reskilled_out", "reskilled_in", "returned",
    "in_training", "end", "ramping", "reduced_hours", "copilot_seats", "capacity_hours", "allocated_hours",
    "surplus_fte", "salary_cost", "cost",
)


def _plan(ws: Worksheet, names: TableNames, result: PlanResult, large: LargeTables) -> None:
    """Role x unit x period: how headcount moves, what capacity it gives and what it costs."""
    plan_input = result.plan_input
    currency = plan_input.settings.currency
    role_order, unit_order = _order(plan_input)
    labels = plan_input.period_labels
    rows: list[list[object]] = []
    for row in sorted(result.plan, key=lambda r: (role_order.get(r.role, 0), unit_order.get(r.unit, 0), r.period)):
        unit = plan_input.unit(row.unit)
        rows.append([row.role, row.unit, unit.region, unit.segment, row.period, labels[row.period - 1],
                     *_PLAN_FIGURES(row)])
    columns = [
        Column("Role"), Column("Unit"), Column("Region"), Column("Segment"), Column("Period", "integer"),
        Column("Period label"), Column("Start", "people"), Column("Attrition", "people"), Column("Hires", "people"),
        Column("Hires who stay", "people"), Column("Layoffs", "people"), Column("Reskilled out", "people"),
        Column("Reskilled in", "people"), Column("Returned from training", "people"),
        Column("In training", "people"), Column("End", "people"), Column("Ramping", "people"),
        Column("Reduced hours", "people"), Column("Copilot seats", "people"), Column("Capacity (hours)", "hours"),
        Column("Allocated (hours)", "hours"), Column("Surplus (FTE)", "people"),
        Column(f"Salary cost ({currency})", "money"), Column(f"Cost ({currency})", "money"),
    ]
    block = write_table(ws, names, "plan_rows", columns, rows, large=large)
    if block is None:
        _no_plan_note(ws, result)
    _freeze_below(ws, block)
    print_setup(ws, title_rows="1:1" if block is not None else None)


def _penalties(plan_input: PlanInput) -> dict[tuple[str, str, int], float]:
    return {(d.unit, d.work_type, d.period): d.unmet_penalty_per_hour for d in plan_input.demand}


def _coverage(ws: Worksheet, names: TableNames, result: PlanResult, large: LargeTables) -> None:
    """Unit x work type x period: demand, who served it, what went unmet; then external capacity bought."""
    plan_input = result.plan_input
    currency = plan_input.settings.currency
    roles = [role.name for role in plan_input.roles]
    sources = [source.name for source in plan_input.sources]
    work_order = {work_type.name: index for index, work_type in enumerate(plan_input.work_types)}
    _, unit_order = _order(plan_input)
    penalties = _penalties(plan_input)
    labels = plan_input.period_labels
    rows: list[list[object]] = []
    for row in sorted(result.coverage,
                      key=lambda r: (unit_order.get(r.unit, 0), work_order.get(r.work_type, 0), r.period)):
        unit = plan_input.unit(row.unit)
        demand, unmet, period = row.demand, row.unmet, row.period
        served_share = (demand - unmet) / demand if demand > 0 else None
        penalty = penalties.get((row.unit, row.work_type, period), 0.0)
        rows.append([
            row.unit, unit.region, unit.segment, row.work_type, period, labels[period - 1], demand,
            *map(dict(row.served_by_role).get, roles), *map(dict(row.served_by_source).get, sources),
            unmet, served_share, "yes" if row.must_meet else "no", unmet * penalty,
        ])
    columns = [
        Column("Unit"), Column("Region"), Column("Segment"), Column("Work type"), Column("Period", "integer"),
        Column("Period label"), Column("Demand (hours)", "hours"),
        *(Column(f"{role} (hours)", "hours") for role in roles),
        *(Column(f"{source} (hours)", "hours") for source in sources),
        Column("Unmet (hours)", "hours"), Column("Served share", "share"), Column("Must meet"),
        Column(f"Lost revenue ({currency})", "money"),
    ]
    block = write_table(ws, names, "coverage_rows", columns, rows, large=large)
    if block is None:
        _no_plan_note(ws, result)
        print_setup(ws)
        return
    _freeze_below(ws, block)

    kinds = {source.name: source.kind for source in plan_input.sources}
    source_order = {name: index for index, name in enumerate(sources)}
    source_rows: list[list[object]] = []
    for source_row in sorted(result.sources,
                             key=lambda r: (source_order.get(r.source, 0), unit_order.get(r.unit, 0), r.period)):
        unit = plan_input.unit(source_row.unit)
        source_rows.append([
            source_row.source, kinds.get(source_row.source, ""), source_row.unit, unit.region, unit.segment,
            source_row.period, _label(plan_input, source_row.period), source_row.units, source_row.hours_available,
            source_row.hours_served, source_row.cost,
        ])
    heading_row = block.last_row + 3
    text_cell(ws, heading_row, 1, "AI and external capacity bought", HEADING_FONT)
    written = write_table(
        ws, names, "coverage_external_capacity",
        [Column("Source"), Column("Kind"), Column("Unit"), Column("Region"), Column("Segment"),
         Column("Period", "integer"), Column("Period label"), Column("Units", "people"),
         Column("Hours available", "hours"), Column("Hours served", "hours"), Column(f"Cost ({currency})", "money")],
        source_rows, top=heading_row + 1, large=large,
    )
    if written is None:
        text_cell(ws, heading_row + 1, 1, "The workbook names no AI or external capacity source.", NOTE_FONT)
    print_setup(ws, title_rows="1:1")


def _reskilling(ws: Worksheet, names: TableNames, result: PlanResult, large: LargeTables) -> None:
    """Path x unit x period: people who start, finish, return, leave and are in training."""
    plan_input = result.plan_input
    currency = plan_input.settings.currency
    paths = {path.name: path for path in plan_input.paths}
    path_order = {path.name: index for index, path in enumerate(plan_input.paths)}
    _, unit_order = _order(plan_input)
    rows: list[list[object]] = []
    for row in sorted(result.reskilling,
                      key=lambda r: (path_order.get(r.path, 0), unit_order.get(r.unit, 0), r.period)):
        unit = plan_input.unit(row.unit)
        path = paths.get(row.path)
        rows.append([
            row.path, path.from_role if path else "", path.to_role if path else "", row.unit, unit.region,
            unit.segment, row.period, _label(plan_input, row.period), row.started, row.completed, row.returned,
            row.left, row.in_training, row.training_cost,
        ])
    columns = [
        Column("Path"), Column("From role"), Column("To role"), Column("Unit"), Column("Region"), Column("Segment"),
        Column("Period", "integer"), Column("Period label"), Column("Started", "people"),
        Column("Completed", "people"), Column("Returned", "people"), Column("Left", "people"),
        Column("In training", "people"), Column(f"Training cost ({currency})", "money"),
    ]
    block = write_table(ws, names, "reskilling_rows", columns, rows, large=large)
    if block is None:
        if result.outcome.has_plan:
            text_cell(ws, 1, 1, "The workbook names no reskilling path.", NOTE_FONT)
        else:
            _no_plan_note(ws, result)
    _freeze_below(ws, block)
    print_setup(ws, title_rows="1:1" if block is not None else None)


# --------------------------------------------------------------------------- Constraints


def _constraints(ws: Worksheet, names: TableNames, result: PlanResult) -> None:
    """The limits that shape the plan, the costliest first."""
    plan_input = result.plan_input
    currency = plan_input.settings.currency
    binding = sorted(
        result.binding,
        key=lambda limit: (-abs(limit.marginal_value), limit.family, limit.period or 0, limit.subject),
    )
    rows: list[list[object]] = [
        [limit.sentence, limit.family, _label(plan_input, limit.period) if limit.period else "all periods",
         limit.subject, limit.marginal_value]
        for limit in binding
    ]
    block = write_table(
        ws, names, "binding_limits",
        [Column("Limit", width=80), Column("Family"), Column("Period"), Column("Subject"),
         Column(f"Marginal value ({currency} per unit of the limit)", "money_fine", width=22)],
        rows,
    )
    if block is None:
        text_cell(ws, 1, 1, NO_LIMIT_BINDS if result.outcome.has_plan else f"No rows: {result.outcome.in_words()}")
    else:
        for row_number in range(block.first_row, block.last_row + 1):
            ws.cell(row=row_number, column=1).alignment = WRAP
    _freeze_below(ws, block)
    print_setup(ws, title_rows="1:1" if block is not None else None)


# --------------------------------------------------------------------------- Assumptions


_PROVENANCE_LABELS = {
    "workbook": ("Input workbook", "Path"),
    "workbook_sha256": ("Input workbook", "SHA-256"),
    "scenario": ("Scenario file", "Path"),
    "scenario_sha256": ("Scenario file", "SHA-256"),
}


def run_assumptions(result: PlanResult, when: datetime) -> list[Assumption]:
    """Where the inputs came from and which software made the plan."""
    rows: list[Assumption] = []
    for key, value in result.plan_input.provenance:
        item, field = _PROVENANCE_LABELS.get(key, (key.replace("_", " ").capitalize(), "Value"))
        rows.append(Assumption("Run", item, field, value))
    outcome = result.outcome
    rows.append(Assumption("Run", "Software", "rolemix", __version__))
    rows.append(Assumption("Run", "Software", "PuLP", outcome.pulp_version))
    rows.append(Assumption("Run", "Software", f"Solver ({outcome.solver})", outcome.solver_version))
    rows.append(Assumption("Run", "Generated", "Date and time", _when(when)))
    return rows


def _assumptions(ws: Worksheet, names: TableNames, result: PlanResult,
                 overrides: Sequence[tuple[str, str, object, object]], when: datetime, large: LargeTables) -> None:
    """Every input value used, where it came from, and any scenario overrides."""
    inputs = input_assumptions(result.plan_input)
    changed = overridden(inputs, overrides)
    rows: list[list[object]] = [
        [row.sheet, row.item, row.field, Shown(row.value, row.kind), row.unit, "run"]
        for row in run_assumptions(result, when)
    ]
    first_input = len(rows)
    sources = ["workbook"] * len(inputs)
    for index in changed:
        sources[index] = "scenario override"
    # Unpacked rather than read by name: a large plan has tens of thousands of input values.
    rows += [
        [sheet, item, field, Shown(value, kind), unit, source]
        for (sheet, item, field, value, kind, unit), source in zip(inputs, sources, strict=True)
    ]
    block = write_table(
        ws, names, "assumptions",
        [Column("Sheet"), Column("Item"), Column("Field"), Column("Value", width=22), Column("Unit of measure"),
         Column("Source")],
        rows,
        large=large,
    )
    if block is not None:
        for index in changed:
            for column in range(1, 7):
                # Through `large`: a row of a large table is written here only once a cell of it is styled.
                large.cell(ws, block.first_row + first_input + index, column).fill = HIGHLIGHT
    _freeze_below(ws, block)
    if overrides:
        left = 9
        text_cell(ws, 1, left, "Scenario overrides (the values used instead of the workbook's)", HEADING_FONT)
        write_table(
            ws, names, "scenario_overrides",
            [Column("Sheet"), Column("Setting or column", width=36), Column("Workbook value", "number"),
             Column("Scenario value", "number")],
            [[sheet, what, _plain(before), _plain(after)] for sheet, what, before, after in overrides],
            top=2, left=left,
        )
    print_setup(ws, title_rows="1:1")


def _plain(value: object) -> object:
    """A value as a cell can hold it: numbers and text as they are, anything else as its text."""
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


# --------------------------------------------------------------------------- Solver


def _solver(ws: Worksheet, names: TableNames, result: PlanResult) -> None:
    """How the solve ended, with the limits it ran under and each priority stage."""
    outcome = result.outcome
    currency = result.plan_input.settings.currency
    terms = [stage.term for stage in outcome.stages] or list(outcome.priorities) or ["cost"]
    last_term = terms[-1]
    measured = _UNIT_OF_TERM.get(last_term, f"{currency}, discounted")
    rows: list[list[object]] = [
        ["Outcome", outcome.in_words()],
        ["Status", outcome.status],
        ["Termination", outcome.termination],
        [f"Objective ({measured})", Shown(outcome.objective, "money_fine")],
        [f"Best bound ({measured})", Shown(outcome.bound, "money_fine")],
        ["Gap", Shown(outcome.gap, "share_fine")],
        ["Runtime (s)", Shown(outcome.runtime_s, "seconds")],
        ["Time limit (s)", Shown(outcome.time_limit_s, "seconds")],
        ["Gap limit", Shown(outcome.gap_limit, "share_fine")],
        ["People", "whole people" if outcome.whole_people else "fractional (rough-cut plan)"],
        ["Objective priorities", objective_in_words(outcome.priorities)],
        ["Solver", f"{outcome.solver} {outcome.solver_version}".strip()],
        ["PuLP", outcome.pulp_version],
    ]
    if outcome.message:
        rows.append(["Message", outcome.message])
    block = write_table(ws, names, "solver_outcome", [Column("Item", width=30), Column("Value", width=70)], rows)
    _freeze_below(ws, block)
    if block is not None and outcome.stages:
        top = block.last_row + 3
        text_cell(ws, top, 1, "Stages (each priority solved in turn)", HEADING_FONT)
        write_table(
            ws, names, "solver_stages",
            [Column("Stage", "integer"), Column("Priority"), Column("Measured in"), Column("Status"),
             Column("Objective", "money_fine"), Column("Best bound", "money_fine"), Column("Gap", "share_fine"),
             Column("Runtime (s)", "seconds")],
            [
                [number, objective_in_words((stage.term,)), _UNIT_OF_TERM.get(stage.term, f"{currency}, discounted"),
                 stage.status, stage.objective, stage.bound, stage.gap, stage.runtime_s]
                for number, stage in enumerate(outcome.stages, start=1)
            ],
            top=top + 1,
        )
    print_setup(ws)
