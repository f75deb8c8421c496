"""Scenarios: named changes to a workbook's values, compared side by side, traced and swept.

- :func:`load_scenario` applies a scenario file (YAML or JSON, checked by the
  shipped JSON Schema) to a plan input and records every change.
- :func:`~rolemix.scenarios.compare.compare_scenarios` solves several
  scenarios in parallel and lines up their numbers.
- :func:`~rolemix.scenarios.frontier.cost_layoff_frontier` traces the
  cost-versus-layoffs trade-off.
- :func:`~rolemix.scenarios.sweep.run_sweep` solves one value across a range
  and names the tipping points of the role mix.
- :mod:`rolemix.scenarios.excel` writes their workbooks (openpyxl, no PuLP).

Solves run on local processes or, with ``rolemix[dask]``, on a Dask cluster
(:mod:`rolemix.scenarios.runner`).  Importing this package loads neither the
solver nor Dask.
"""

from rolemix.scenarios.loader import Scenario, load_scenario, read_scenario
from rolemix.scenarios.overrides import Override
from rolemix.scenarios.schema import scenario_schema

__all__ = ["Override", "Scenario", "load_scenario", "read_scenario", "scenario_schema"]
