"""The planning model: build, solve, read back, explain.  Never imports pandas or openpyxl."""

from rolemix.model.baseline import do_nothing
from rolemix.model.solve import SolveOptions, solve_plan

__all__ = ["SolveOptions", "do_nothing", "solve_plan"]
