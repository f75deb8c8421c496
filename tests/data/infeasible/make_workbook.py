"""Write ``budget-too-tight.xlsx``: the worked example with a budget that cannot hold.

Northwind Software's example with two changes: every demand row of the
enterprise units must be met in full, and the budget of 2027-Q3 is cut to
$60,000,000 (the example allows $84,200,000 a quarter).  Layoffs stay capped
at 4 % (company-wide and per role, as in the example), so the people needed
for enterprise demand cannot be shed fast enough to fit the quarter's budget:
no plan satisfies every limit, and ``rolemix solve`` explains which limit
conflicts and by how much.

Run from the repository root to regenerate the workbook after the example
changes::

    python tests/data/infeasible/make_workbook.py
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from rolemix.workbook.example import ENTERPRISE, example_rows
from rolemix.workbook.template import write_input_workbook

WORKBOOK = Path(__file__).resolve().parent / "budget-too-tight.xlsx"

#: The quarter whose budget cannot hold, and its budget.
TIGHT_PERIOD = "2027-Q3"
TIGHT_BUDGET = 60_000_000


def infeasible_rows() -> dict[str, Any]:
    """The example's rows with enterprise demand made must-meet and the 2027-Q3 budget cut."""
    rows = copy.deepcopy(example_rows())
    segment_of = {unit["Unit"]: unit["Segment"] for unit in rows["Units"]}
    for demand in rows["Demand"]:
        if segment_of[demand["Unit"]] == ENTERPRISE:
            demand["Must meet"] = "yes"
    for budget in rows["Budget"]:
        if budget["Period"] == TIGHT_PERIOD:
            budget["Budget"] = TIGHT_BUDGET
    rows["Settings"]["Plan name"] = "Northwind Software: a budget that cannot hold"
    return rows


def write_workbook(path: Path = WORKBOOK) -> Path:
    """Write the infeasible workbook to ``path`` and return it."""
    write_input_workbook(path, infeasible_rows())
    return path


if __name__ == "__main__":
    print(f"Wrote {write_workbook()}")
