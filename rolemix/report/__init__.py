"""The results workbook of a solved plan and its PDF board pack.

This package formats :class:`rolemix.results.PlanResult` with openpyxl and
prints with LibreOffice; it never imports PuLP.
"""

from rolemix.report.figures import role_colours
from rolemix.report.pdf import render_pdf
from rolemix.report.workbook import RESULT_SHEETS, write_plan_workbook

__all__ = ["RESULT_SHEETS", "render_pdf", "role_colours", "write_plan_workbook"]
