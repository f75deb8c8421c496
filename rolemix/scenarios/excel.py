"""The comparison, frontier and sweep workbooks (openpyxl; never PuLP).

Each writer formats data that was computed before (:mod:`compare`,
:mod:`frontier`, :mod:`sweep`): numbers in Excel tables with number formats,
native charts that read those tables, text through the same safe-cell helpers
as the plan workbook.  Files are written atomically: a temporary file in the
target's folder, then one rename.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart.series import SeriesLabel
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from rolemix import __version__
from rolemix.errors import OutputError
from rolemix.report.cells import (
    BOLD,
    HEADING_FONT,
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
from rolemix.report.charts import frame_chart
from rolemix.report.figures import role_colours
from rolemix.report.files import write_atomically
from rolemix.results import COST_COMPONENTS, COST_LABELS, PlanResult
from rolemix.scenarios.compare import Comparison, ScenarioRun
from rolemix.scenarios.frontier import Frontier
from rolemix.scenarios.kpis import Kpis, Measure, measures
from rolemix.scenarios.sweep import Sweep, value_text

#: Rows a 16:9 chart (sized by rolemix.report.charts.frame_chart) takes on the sheet.
ROWS_PER_CHART = 28

#: Longest Excel sheet name.
SHEET_NAME_LIMIT = 31

_CHANGE_KIND: dict[str, Kind] = {
    "money": "money_change",
    "people": "people_change",
    "hours": "hours_change",
    "share": "share_change",
}

CLOSE_HINT = "Close it in Excel or LibreOffice and run the command again."


# --- shared pieces ------------------------------------------------------------------------------------


def check_target(target: Path, inputs: Sequence[str | Path] = ()) -> None:
    """Refuse a target that is not an ``.xlsx`` file in an existing folder, or that is one of the inputs.

    Raises
    ------
    OutputError
        With what to do instead.
    """
    if target.suffix.lower() != ".xlsx":
        raise OutputError(f"{target}: the output is an Excel workbook; give it a name ending in .xlsx.")
    if not target.parent.is_dir():
        raise OutputError(f"Cannot write {target}: the folder {target.parent} does not exist.")
    for source in inputs:
        path = Path(source)
        if path.exists() and target.exists() and path.resolve() == target.resolve():
            raise OutputError(f"{target} is an input file; rolemix never overwrites its inputs. Choose another --out.")


def _kind(measure: Measure) -> Kind:
    kinds: dict[str, Kind] = {"money": "money", "people": "people", "hours": "hours", "share": "share"}
    return kinds[measure.kind]


def _measure_columns(roles: Sequence[str], currency: str) -> list[Column]:
    columns = []
    for measure in measures(roles):
        header = f"{measure.header} ({currency})" if measure.kind == "money" else measure.header
        columns.append(Column(header, _kind(measure)))
    return columns


def _measure_values(kpis: Kpis, roles: Sequence[str]) -> list[object]:
    return [kpis.value(measure.key) for measure in measures(roles)]


def _why(kpis: Kpis) -> str:
    """The outcome in words, with the diagnosis of an infeasible plan."""
    if kpis.diagnosis:
        return kpis.message + " Conflicting limits: " + "; ".join(kpis.diagnosis)
    return kpis.message


def _columns_chart(title: str, x_title: str, y_title: str, stacked: bool) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    if stacked:
        chart.grouping = "stacked"
        # Without a full overlap Excel draws stacked series side by side.
        chart.overlap = 100
    chart.gapWidth = 60
    frame_chart(chart, title, x_title, y_title)
    return chart


def _style_series(chart: BarChart | LineChart, colours: Sequence[str], titles: Sequence[str] | None = None) -> None:
    """Fixed colours (each role keeps its colour in every chart), straight lines, short legend entries."""
    for index, (series, colour) in enumerate(zip(chart.series, colours, strict=False)):
        if isinstance(chart, BarChart):
            series.graphicalProperties.solidFill = colour
        else:
            # openpyxl smooths line series unless told; a smoothed line suggests values between the points.
            series.smooth = False
        series.graphicalProperties.line.solidFill = colour
        if titles is not None:
            series.tx = SeriesLabel(v=titles[index])


def _table_data(ws: Worksheet, block: TableRange, first_column: int, last_column: int) -> Reference:
    return Reference(ws, min_col=first_column, max_col=last_column, min_row=block.header_row, max_row=block.last_row)


def _categories(ws: Worksheet, block: TableRange) -> Reference:
    return Reference(ws, min_col=block.first_column, min_row=block.first_row, max_row=block.last_row)


def _plan_sheet(ws: Worksheet, names: TableNames, result: PlanResult, title: str) -> None:
    """Role x unit x period: the full plan of one scenario."""
    plan_input = result.plan_input
    currency = plan_input.settings.currency
    labels = plan_input.period_labels
    role_order = {role.name: index for index, role in enumerate(plan_input.roles)}
    unit_order = {unit.name: index for index, unit in enumerate(plan_input.units)}
    text_cell(ws, 1, 1, title, HEADING_FONT)
    rows: list[list[object]] = []
    for row in sorted(result.plan, key=lambda r: (role_order.get(r.role, 0), unit_order.get(r.unit, 0), r.period)):
        unit = plan_input.unit(row.unit)
        rows.append([
            row.role, row.unit, unit.region, unit.segment, labels[row.period - 1], row.start, row.attrition, row.hires,
            row.layoffs, row.reskilled_out, row.reskilled_in, row.returned, row.in_training, row.end,
            row.copilot_seats, row.capacity_hours, row.allocated_hours, row.surplus_fte, row.cost,
        ])
    columns = [
        Column("Role"), Column("Unit"), Column("Region"), Column("Segment"), Column("Period"),
        Column("Start", "people"), Column("Attrition", "people"), Column("Hires", "people"),
        Column("Layoffs", "people"), Column("Reskilled out", "people"), Column("Reskilled in", "people"),
        Column("Returned from training", "people"), Column("In training", "people"), Column("End", "people"),
        Column("Copilot seats", "people"), Column("Capacity (hours)", "hours"), Column("Allocated (hours)", "hours"),
        Column("Surplus (FTE)", "people"), Column(f"Cost ({currency})", "money"),
    ]
    write_table(ws, names, "plan_rows", columns, rows, top=3)
    ws.freeze_panes = "A4"
    print_setup(ws, title_rows="3:3")


def _new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def _save(workbook: Workbook, target: Path, what: str, title: str) -> Path:
    workbook.properties.creator = f"rolemix {__version__}"
    workbook.properties.title = title
    now = datetime.now()
    workbook.properties.created = now
    workbook.properties.modified = now
    workbook.active = 0
    for index, worksheet in enumerate(workbook.worksheets):
        worksheet.sheet_view.tabSelected = index == 0
    write_atomically(target, lambda temporary: workbook.save(temporary), what=what, close_hint=CLOSE_HINT)
    return target


def _sheet_title(index: int, name: str, suffix: str = "") -> str:
    room = SHEET_NAME_LIMIT - len(suffix)
    return f"{index} {name}"[:room].rstrip() + suffix


# --- comparison ---------------------------------------------------------------------------------------


def write_comparison_workbook(
    comparison: Comparison, path: str | Path, *, with_plans: bool = False, inputs: Sequence[str | Path] = ()
) -> Path:
    """Write the comparison workbook: KPIs and changes, charts, each scenario's summary (and plan).

    Parameters
    ----------
    comparison
        The solved scenarios.
    path
        Target ``.xlsx`` file; replaced if it exists.
    with_plans
        Add each scenario's full plan sheet after its summary.
    inputs
        Files the target must not be (the workbook and the scenario files).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    OutputError
        The target is not an ``.xlsx`` file in an existing folder, is an
        input, is open in another program, or cannot be written.
    """
    target = Path(path)
    check_target(target, inputs)
    workbook = _new_workbook()
    names = TableNames(workbook)
    kpi_block = _comparison_sheet(workbook.create_sheet("Comparison"), names, comparison)
    _comparison_charts(workbook.create_sheet("Charts"), workbook["Comparison"], kpi_block, comparison)
    for index, run in enumerate(comparison.runs, start=1):
        _scenario_sheet(workbook.create_sheet(_sheet_title(index, run.scenario.name)), names, run, comparison)
        if with_plans and run.outcome.result is not None:
            _plan_sheet(workbook.create_sheet(_sheet_title(index, run.scenario.name, " plan")), names,
                        run.outcome.result, f"Plan of scenario {run.scenario.name}")
    return _save(workbook, target, "the comparison", f"Scenario comparison: {comparison.plan_name}")


def _comparison_sheet(ws: Worksheet, names: TableNames, comparison: Comparison) -> TableRange:
    roles, currency = comparison.roles, comparison.currency
    reference = comparison.reference.scenario.name
    text_cell(ws, 1, 1, f"Scenario comparison: {comparison.plan_name}", TITLE_FONT)
    text_cell(ws, 2, 1, f"Workbook {comparison.workbook}; {len(comparison.runs)} scenarios, in the order given; "
                        f"money in {currency}, undiscounted over the horizon; headcount at the end of the horizon.")
    text_cell(ws, 3, 1, "A scenario without a plan shows its status and why, and no numbers.", NOTE_FONT)
    columns = [Column("Scenario"), Column("Description", width=40), Column("Status"), Column("Gap", "share_fine"),
               *_measure_columns(roles, currency), Column("Outcome", width=60)]
    rows = [
        [run.scenario.name, run.scenario.description, run.kpis.status, run.kpis.gap,
         *_measure_values(run.kpis, roles), _why(run.kpis)]
        for run in comparison.runs
    ]
    block = write_table(ws, names, "scenario_kpis", columns, rows, top=5)
    assert block is not None
    top = block.last_row + 3
    text_cell(ws, top - 1, 1, f"Change against {reference}", HEADING_FONT)
    change_columns = [Column("Scenario"), Column("Status")]
    for column in _measure_columns(roles, currency):
        change_columns.append(Column(f"Change in {_lower_first(column.header)}", _CHANGE_KIND[column.kind]))
    change_rows = [
        [run.scenario.name, run.kpis.status, *(change[m.key] for m in measures(roles))]
        for run, change in zip(comparison.runs, comparison.changes(), strict=True)
    ]
    write_table(ws, names, "scenario_changes", change_columns, change_rows, top=top)
    ws.freeze_panes = "B6"
    print_setup(ws)
    return block


def _comparison_charts(ws: Worksheet, data: Worksheet, block: TableRange, comparison: Comparison) -> None:
    """Role mix, cost and layoffs by scenario, reading the KPI table of the Comparison sheet."""
    roles = comparison.roles
    text_cell(ws, 1, 1, "Charts for the board pack (16:9); they read the table on the Comparison sheet.", HEADING_FONT)
    keys = [measure.key for measure in measures(roles)]
    # Columns of the KPI table: Scenario, Description, Status, Gap, then the measures in order.
    first_measure = block.first_column + 4
    column_of = {key: first_measure + offset for offset, key in enumerate(keys)}
    categories = _categories(data, block)
    placed = 0

    def place(chart: BarChart) -> None:
        nonlocal placed
        ws.add_chart(chart, f"A{2 + placed * ROWS_PER_CHART}")
        placed += 1
        ws.row_breaks.append(Break(id=placed * ROWS_PER_CHART))

    chart = _columns_chart("Role mix by scenario", "Scenario", "People at the end of the horizon", stacked=True)
    first, last = column_of[f"end_headcount.{roles[0]}"], column_of[f"end_headcount.{roles[-1]}"]
    chart.add_data(_table_data(data, block, first, last), titles_from_data=True)
    chart.set_categories(categories)
    colours = role_colours(roles)
    _style_series(chart, [colours[role] for role in roles], roles)
    place(chart)

    chart = _columns_chart("Total cost by scenario", "Scenario", f"Total cost ({comparison.currency})", stacked=False)
    chart.add_data(_table_data(data, block, column_of["total_cost"], column_of["total_cost"]), titles_from_data=True)
    chart.set_categories(categories)
    _style_series(chart, ["4472C4"])
    place(chart)

    chart = _columns_chart("Layoffs by scenario", "Scenario", "People laid off over the horizon", stacked=False)
    chart.add_data(_table_data(data, block, column_of["layoffs"], column_of["layoffs"]), titles_from_data=True)
    chart.set_categories(categories)
    _style_series(chart, ["D62728"])
    place(chart)
    print_setup(ws)


def _scenario_sheet(ws: Worksheet, names: TableNames, run: ScenarioRun, comparison: Comparison) -> None:
    """One scenario: what it changes, how the solve ended, its numbers against the reference, its costs."""
    scenario, kpis = run.scenario, run.kpis
    roles, currency = comparison.roles, comparison.currency
    text_cell(ws, 1, 1, f"Scenario {scenario.name}", TITLE_FONT)
    text_cell(ws, 2, 1, scenario.description or "(no description)")
    text_cell(ws, 3, 1, f"File {scenario.path}, SHA-256 {scenario.sha256}", NOTE_FONT)
    status = text_cell(ws, 4, 1, _why(kpis), BOLD)
    status.alignment = WRAP
    row = 6
    if scenario.overrides:
        text_cell(ws, row, 1, "What the scenario changes", HEADING_FONT)
        block = write_table(
            ws, names, "scenario_overrides",
            [Column("Sheet"), Column("Item", width=36), Column("Column"), Column("Workbook value", "number"),
             Column("Scenario value", "number"), Column("Written at", width=36)],
            [[o.sheet, o.item or "", o.column, _plain(o.workbook_value), _plain(o.scenario_value), o.source]
             for o in scenario.overrides],
            top=row + 1,
        )
        assert block is not None
        row = block.last_row + 2
    else:
        text_cell(ws, row, 1, "The scenario changes nothing: it is the workbook as it is.", NOTE_FONT)
        row += 2
    if run.outcome.result is None:
        print_setup(ws)
        return
    reference = comparison.reference.kpis
    text_cell(ws, row, 1, f"Key figures against {comparison.reference.scenario.name}", HEADING_FONT)
    figure_rows: list[list[object]] = []
    for measure in measures(roles):
        kind = _kind(measure)
        value, base = kpis.value(measure.key), reference.value(measure.key)
        change = None if value is None or base is None else value - base
        header = f"{measure.header} ({currency})" if measure.kind == "money" else measure.header
        figure_rows.append([header, Shown(value, kind), Shown(base, kind), Shown(change, _CHANGE_KIND[measure.kind])])
    block = write_table(
        ws, names, "scenario_figures",
        [Column("Measure", width=34), Column("This scenario", "number"),
         Column(comparison.reference.scenario.name, "number"), Column("Change", "number")],
        figure_rows, top=row + 1,
    )
    assert block is not None
    row = block.last_row + 2
    result = run.outcome.result
    text_cell(ws, row, 1, f"Cost over the horizon by component ({currency}, undiscounted)", HEADING_FONT)
    totals = {name: sum(getattr(cost, name) for cost in result.costs) for name in COST_COMPONENTS}
    block = write_table(
        ws, names, "scenario_costs", [Column("Component", width=34), Column("Cost", "money")],
        [[COST_LABELS[name], totals[name]] for name in COST_COMPONENTS if totals[name] != 0.0]
        or [["Total", 0.0]],
        top=row + 1,
    )
    assert block is not None
    row = block.last_row + 2
    if result.binding:
        text_cell(ws, row, 1, "Limits that shape this plan", HEADING_FONT)
        for offset, limit in enumerate(result.binding[:10], start=1):
            text_cell(ws, row + offset, 1, f"- {limit.sentence}")
    print_setup(ws)


def _lower_first(header: str) -> str:
    """``Total cost`` -> ``total cost``, but ``AI share`` stays (an acronym keeps its capitals)."""
    return header if header[1:2].isupper() else header[0].lower() + header[1:]


def _plain(value: object) -> object:
    """A workbook or scenario value for a cell: numbers and text as they are, blank as words."""
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | str):
        return value
    return str(value)


# --- frontier -----------------------------------------------------------------------------------------


def write_frontier_workbook(frontier: Frontier, path: str | Path, *, inputs: Sequence[str | Path] = ()) -> Path:
    """Write the cost-versus-layoffs curve: the points with their plans' numbers, and a chart.

    Raises
    ------
    OutputError
        As :func:`write_comparison_workbook`.
    """
    target = Path(path)
    check_target(target, inputs)
    workbook = _new_workbook()
    names = TableNames(workbook)
    ws = workbook.create_sheet("Frontier")
    roles, currency = frontier.roles, frontier.currency
    text_cell(ws, 1, 1, f"Cost versus layoffs: {frontier.plan_name}", TITLE_FONT)
    text_cell(ws, 2, 1, frontier.in_words(), BOLD)
    text_cell(ws, 3, 1, "Each point is the least-cost plan with total layoffs over the horizon held to the limit; "
                        "the ends are the fewest-layoffs plan and the least-cost plan. Allowing more layoffs never "
                        "costs more.", NOTE_FONT)
    columns = [Column("Point"), Column("Layoff limit", "people"), Column("Layoffs", "people"),
               Column(f"{frontier.cost_label} ({currency})", "money"), Column("Status"), Column("Gap", "share_fine"),
               *_measure_columns(roles, currency), Column("Note", width=60)]
    rows = [
        [p.label, p.layoff_limit, p.layoffs, p.cost, p.kpis.status, p.kpis.gap, *_measure_values(p.kpis, roles),
         p.note]
        for p in frontier.points
    ]
    block = write_table(ws, names, "frontier_points", columns, rows, top=5)
    assert block is not None
    chart = ScatterChart()
    chart.scatterStyle = "lineMarker"
    frame_chart(chart, "Cost versus layoffs", "Layoffs over the horizon", f"{frontier.cost_label} ({currency})")
    chart.x_axis.number_format = "#,##0"
    x_values = Reference(ws, min_col=block.first_column + 2, min_row=block.first_row, max_row=block.last_row)
    y_values = Reference(ws, min_col=block.first_column + 3, min_row=block.header_row, max_row=block.last_row)
    series = Series(y_values, x_values, title_from_data=True)
    series.marker.symbol = "circle"
    series.marker.size = 7
    series.graphicalProperties.line.solidFill = "4472C4"
    chart.series.append(series)
    chart.legend = None
    ws.add_chart(chart, f"A{block.last_row + 3}")
    ws.freeze_panes = "B6"
    print_setup(ws)
    return _save(workbook, target, "the frontier", f"Cost versus layoffs: {frontier.plan_name}")


# --- sweep --------------------------------------------------------------------------------------------


def write_sweep_workbook(sweep: Sweep, path: str | Path, *, inputs: Sequence[str | Path] = ()) -> Path:
    """Write the sweep: the tipping points in words, one row per value, and charts.

    Raises
    ------
    OutputError
        As :func:`write_comparison_workbook`.
    """
    target = Path(path)
    check_target(target, inputs)
    workbook = _new_workbook()
    names = TableNames(workbook)
    ws = workbook.create_sheet("Sweep")
    roles, currency = sweep.roles, sweep.currency
    text_cell(ws, 1, 1, f"Sweep of {sweep.parameter}: {sweep.plan_name}", TITLE_FONT)
    shown_workbook_value = "blank" if sweep.workbook_value is None else value_text(sweep.workbook_value)
    text_cell(ws, 2, 1, f"{len(sweep.points)} values; the workbook has {shown_workbook_value}. Money in {currency}, "
                        "undiscounted; headcount at the end of the horizon.")
    row = 4
    text_cell(ws, row, 1, "Where the role mix tips", HEADING_FONT)
    sentences = [t.sentence for t in sweep.tipping_points] or [
        f"The role mix keeps its shape across these values: the ranking of roles by end headcount never changes "
        f"and no role's end headcount moves by more than {sweep.threshold:.0%} from one value to the next."
    ]
    for offset, sentence in enumerate(sentences, start=1):
        text_cell(ws, row + offset, 1, sentence)
    top = row + len(sentences) + 2
    columns = [Column("Value"), Column("Status"), Column("Gap", "share_fine"), *_measure_columns(roles, currency),
               Column("Outcome", width=60)]
    rows = [
        [value_text(p.value) if isinstance(p.value, str) else p.value, p.kpis.status, p.kpis.gap,
         *_measure_values(p.kpis, roles), _why(p.kpis)]
        for p in sweep.points
    ]
    block = write_table(ws, names, "sweep_points", columns, rows, top=top)
    assert block is not None
    keys = [measure.key for measure in measures(roles)]
    column_of = {key: block.first_column + 3 + offset for offset, key in enumerate(keys)}
    categories = _categories(ws, block)

    chart = LineChart()
    frame_chart(chart, "End headcount by role", sweep.parameter, "People at the end of the horizon")
    first, last = column_of[f"end_headcount.{roles[0]}"], column_of[f"end_headcount.{roles[-1]}"]
    chart.add_data(_table_data(ws, block, first, last), titles_from_data=True)
    chart.set_categories(categories)
    colours = role_colours(roles)
    _style_series(chart, [colours[role] for role in roles], roles)
    chart_row = block.last_row + 3
    ws.add_chart(chart, f"A{chart_row}")

    chart = LineChart()
    frame_chart(chart, "Total cost", sweep.parameter, f"Total cost ({currency})")
    chart.add_data(_table_data(ws, block, column_of["total_cost"], column_of["total_cost"]), titles_from_data=True)
    chart.set_categories(categories)
    _style_series(chart, ["4472C4"])
    ws.add_chart(chart, f"A{chart_row + ROWS_PER_CHART}")
    print_setup(ws)
    return _save(workbook, target, "the sweep", f"Sweep of {sweep.parameter}: {sweep.plan_name}")
