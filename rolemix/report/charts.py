"""The Charts sheet: native Excel charts sized for 16:9 slides, one printed page each.

The numbers the charts read sit in Excel tables to the right of the charts
(column :data:`DATA_COLUMN` onwards), so a planner can see and reuse them.
Every role keeps the colour :func:`~rolemix.report.figures.role_colours` gives
it in every chart.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart
from openpyxl.chart.legend import LegendEntry
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from rolemix.report.cells import HEADING_FONT, NOTE_FONT, Column, Kind, TableNames, TableRange, print_setup, text_cell
from rolemix.report.cells import write_table as _write_table
from rolemix.report.figures import (
    BRIDGE_DECREASE_COLOUR,
    BRIDGE_INCREASE_COLOUR,
    BRIDGE_TOTAL_COLOUR,
    COMPONENT_COLOURS,
    UNMET_COLOUR,
    cost_bridge,
    cost_by_period,
    headcount_by_period,
    role_colours,
    served_by_period,
    source_colours,
    used_components,
)
from rolemix.results import COST_LABELS, PlanResult

#: 16:9 slide size of every chart, in centimetres.
CHART_WIDTH_CM = 24.0
CHART_HEIGHT_CM = 13.5
#: Rows from one chart's top to the next; a 13.5 cm chart covers about 26 rows of default height.
ROWS_PER_CHART = 28
#: First column of the chart data (column R), clear of the 24 cm charts.
DATA_COLUMN = 18
#: Last column printed (the charts, not their data) and the width of each printed column: 15 columns of
#: width 8 are 61 pixels each, 24.2 cm in all, just wider than a chart, so fitting the print area to the page
#: width prints every chart at full size on A4 or Letter landscape.
LAST_PRINTED_COLUMN = "O"
PRINTED_COLUMN_WIDTH = 8.0

HEADCOUNT_TITLE = "Headcount by role"
COST_TITLE = "Cost by component per period"
SERVED_TITLE = "Demand served by source per period"
BRIDGE_TITLE = "Cost bridge: do-nothing baseline to plan"


def frame_chart(chart: BarChart | LineChart | ScatterChart, title: str, x_title: str, y_title: str) -> None:
    """Title, axis titles, thousands on the value axis, axes shown, 16:9 slide size, legend below."""
    chart.title = title
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    chart.y_axis.number_format = "#,##0"
    # openpyxl 3.1 leaves `delete` unset, which some viewers read as "hide the axis".
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width = CHART_WIDTH_CM
    chart.height = CHART_HEIGHT_CM
    if chart.legend is not None:
        chart.legend.position = "b"


def _stacked_columns(title: str, y_title: str, x_title: str) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    # Without a full overlap Excel draws stacked series side by side.
    chart.overlap = 100
    chart.gapWidth = 60
    frame_chart(chart, title, x_title, y_title)
    return chart


def _colour_series(chart: BarChart, colours: Sequence[str | None]) -> None:
    """Give each series its fixed fill; ``None`` makes a series invisible (the waterfall's base)."""
    for series, colour in zip(chart.series, colours, strict=True):
        properties = series.graphicalProperties
        if colour is None:
            properties.noFill = True
            properties.line.noFill = True
        else:
            properties.solidFill = colour
            properties.line.solidFill = colour


def _plot(chart: BarChart, ws: Worksheet, block: TableRange) -> None:
    data = Reference(
        ws, min_col=block.first_column + 1, max_col=block.last_column, min_row=block.header_row, max_row=block.last_row
    )
    categories = Reference(ws, min_col=block.first_column, min_row=block.first_row, max_row=block.last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)


class _ChartSheet:
    """Places data blocks (right) and charts (left, one per printed page) on the Charts sheet."""

    def __init__(self, ws: Worksheet, names: TableNames) -> None:
        self.ws = ws
        self.names = names
        self.charts = 0
        self.data_row = 1

    def data_block(self, name: str, columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> TableRange:
        block = _write_table(self.ws, self.names, name, columns, rows, top=self.data_row, left=DATA_COLUMN)
        if block is None:  # pragma: no cover - every block has one row per period or step
            raise ValueError(f"chart data {name} has no rows")
        self.data_row = block.last_row + 3
        return block

    def place(self, chart: BarChart) -> None:
        top = 2 + self.charts * ROWS_PER_CHART
        self.ws.add_chart(chart, f"A{top}")
        self.charts += 1
        self.ws.row_breaks.append(Break(id=self.charts * ROWS_PER_CHART))


def add_charts(ws: Worksheet, names: TableNames, result: PlanResult, baseline: PlanResult | None) -> int:
    """Fill the Charts sheet; return the number of charts placed.

    Parameters
    ----------
    ws
        The (empty) Charts sheet.
    names
        Table-name registry of the workbook.
    result
        The solved plan.
    baseline
        The do-nothing baseline; without it there is no cost bridge.
    """
    for column in range(1, column_index_from_string(LAST_PRINTED_COLUMN) + 1):
        ws.column_dimensions[get_column_letter(column)].width = PRINTED_COLUMN_WIDTH
    text_cell(ws, 1, 1, "Charts for the board pack (16:9). The numbers they show are in the tables from column "
              f"{get_column_letter(DATA_COLUMN)} on.", HEADING_FONT)
    if not result.outcome.has_plan:
        text_cell(ws, 2, 1, f"No charts: {result.outcome.in_words()}", NOTE_FONT)
        print_setup(ws)
        return 0
    plan_input = result.plan_input
    currency = plan_input.settings.currency
    roles = [role.name for role in plan_input.roles]
    sources = [source.name for source in plan_input.sources]
    colours_of_roles = role_colours(roles)
    colours_of_sources = source_colours(sources)
    sheet = _ChartSheet(ws, names)
    period_word = plan_input.settings.period_length.capitalize()

    headcount = headcount_by_period(result)
    block = sheet.data_block(
        "chart_headcount",
        [Column(period_word), *(Column(role, "people") for role in roles)],
        [[label, *(totals[role] for role in roles)] for label, totals in headcount],
    )
    chart = _stacked_columns(HEADCOUNT_TITLE, "People (end of period)", period_word)
    _plot(chart, ws, block)
    _colour_series(chart, [colours_of_roles[role] for role in roles])
    sheet.place(chart)

    components = used_components(result) or ["salaries"]
    costs = cost_by_period(result)
    block = sheet.data_block(
        "chart_cost",
        [Column(period_word), *(Column(COST_LABELS[name], "money") for name in components)],
        [[label, *(amounts[name] for name in components)] for label, amounts in costs],
    )
    chart = _stacked_columns(COST_TITLE, f"Cost ({currency}, undiscounted)", period_word)
    _plot(chart, ws, block)
    _colour_series(chart, [COMPONENT_COLOURS[name] for name in components])
    sheet.place(chart)

    served = served_by_period(result)
    served_columns: list[Column] = [Column(period_word)]
    served_columns += [Column(role, "hours") for role in roles]
    served_columns += [Column(source, "hours") for source in sources]
    served_columns.append(Column("Unmet demand", "hours"))
    block = sheet.data_block(
        "chart_served",
        served_columns,
        [
            [period.label, *(period.by_role[r] for r in roles), *(period.by_source[s] for s in sources), period.unmet]
            for period in served
        ],
    )
    chart = _stacked_columns(SERVED_TITLE, "Demand hours", period_word)
    _plot(chart, ws, block)
    _colour_series(
        chart, [*(colours_of_roles[r] for r in roles), *(colours_of_sources[s] for s in sources), UNMET_COLOUR]
    )
    sheet.place(chart)

    if baseline is not None and baseline.outcome.has_plan and baseline.costs:
        steps = cost_bridge(result, baseline)
        money: Kind = "money"
        block = sheet.data_block(
            "chart_bridge",
            [Column("Step"), Column("Base", money), Column("Increase", money), Column("Decrease", money),
             Column("Total", money)],
            [[step.label, step.base, step.increase, step.decrease, step.total] for step in steps],
        )
        chart = _stacked_columns(BRIDGE_TITLE, f"Total cost over the horizon ({currency})", "")
        _plot(chart, ws, block)
        _colour_series(chart, [None, BRIDGE_INCREASE_COLOUR, BRIDGE_DECREASE_COLOUR, BRIDGE_TOTAL_COLOUR])
        if chart.legend is not None:
            # The invisible base carries the floating bars; it has no place in the legend.
            chart.legend.legendEntry = [LegendEntry(idx=0, delete=True)]
        chart.x_axis.title = None
        sheet.place(chart)
        last_printed_row = sheet.charts * ROWS_PER_CHART
    else:
        note_row = 2 + sheet.charts * ROWS_PER_CHART
        text_cell(ws, note_row, 1, "No cost bridge: the do-nothing baseline was not computed.", NOTE_FONT)
        last_printed_row = note_row

    print_setup(ws, area=f"A1:{LAST_PRINTED_COLUMN}{last_printed_row}")
    return sheet.charts
