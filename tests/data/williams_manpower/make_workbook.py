"""Write ``williams_manpower.xlsx``: H. P. Williams' manpower planning problem as a rolemix input workbook.

Source: H. P. Williams, *Model Building in Mathematical Programming*, 5th ed. (Wiley, 2013),
problem 12.5 "Manpower planning" (formulation 13.5, solution 14.5); the same data are in
SAS/OR *Mathematical Programming Examples* (mpex05) and Gurobi's modeling-examples
``manpower_planning``.  See ``SOURCE.md`` beside this file for the mapping and the published values.

Run ``python tests/data/williams_manpower/make_workbook.py`` to regenerate the workbook.
"""

from __future__ import annotations

from pathlib import Path

from rolemix.workbook.template import write_input_workbook

WORKBOOK = Path(__file__).with_name("williams_manpower.xlsx")

UNIT = "Company"
FIRST_YEAR = "2027"  # Williams' years 1, 2, 3 are labelled 2027, 2028, 2029.
YEARS = 3

#: Category: (strength today, requirement in years 1-3).
REQUIREMENTS: dict[str, tuple[int, tuple[int, int, int]]] = {
    "Unskilled": (2000, (1000, 500, 0)),
    "Semi-skilled": (1500, (1400, 2000, 2500)),
    "Skilled": (1000, (1000, 1500, 2000)),
}

#: Category: (wastage with more than a year's service, wastage in the first year, recruitment limit,
#: redundancy payment, short-time cost per year, overmanning cost per year).
CATEGORY_FACTS: dict[str, tuple[float, float, int, int, int, int]] = {
    "Unskilled": (0.10, 0.25, 500, 200, 500, 1500),
    "Semi-skilled": (0.05, 0.20, 800, 500, 400, 2000),
    "Skilled": (0.05, 0.10, 500, 500, 400, 3000),
}

SHORT_TIME_CAP = 50  # at most 50 workers of each category on short time
SHORT_TIME_FTE = 0.5  # a short-time worker counts as half a worker
OVERMANNING_CAP = 150  # at most 150 extra workers over the whole company

#: Path: (from, to, cost per person, completion, seats per year, cap vs target).  Completion is the share that
#: stays in the target category: retrained workers suffer that category's 5 % wastage in the year they move
#: (Williams' continuity equations multiply them by 0.95), and half of the downgraded leave.
PATHS: dict[str, tuple[str, str, int, float, int | None, float | None]] = {
    "Unskilled to semi-skilled": ("Unskilled", "Semi-skilled", 400, 0.95, 200, None),
    "Semi-skilled to skilled": ("Semi-skilled", "Skilled", 500, 0.95, None, 0.25),
    "Semi-skilled to unskilled": ("Semi-skilled", "Unskilled", 0, 0.5, None, None),
    "Skilled to semi-skilled": ("Skilled", "Semi-skilled", 0, 0.5, None, None),
    "Skilled to unskilled": ("Skilled", "Unskilled", 0, 0.5, None, None),
}


def work_type(category: str) -> str:
    return f"{category} work"


def rows() -> dict[str, object]:
    """The workbook's rows, sheet by sheet, in the layout of :mod:`rolemix.spec`."""
    labels = [str(int(FIRST_YEAR) + offset) for offset in range(YEARS)]
    return {
        "Settings": {
            "Plan name": "Williams manpower planning",
            "Period length": "year",
            "Periods": YEARS,
            "First period": FIRST_YEAR,
            "Currency": "GBP",
            "Objective": "fewest layoffs, then least cost",
            "Priority tolerance": 0.0,
            "Whole people": "no",
            "Time limit": 60.0,
            "Gap": 0.0,
            "Discount rate": 0.0,
            "Solver": "highs",
        },
        "Roles": [
            {
                "Role": category,
                # Williams prices only the changes, not the workforce itself.
                "Loaded cost": 0,
                # One "hour" per worker and year: requirements are counted in workers.
                "Productive hours": 1,
                "Attrition": settled,
                "First-year attrition": first_year,
                "Hiring cost": 0,
                "Hires cap": recruit_cap,
                "Ramp periods": 0,
                "Ramp productivity": 1.0,
                "Severance": redundancy,
                "Layoff cap": None,
                "Reduced-hours cap": SHORT_TIME_CAP,
                "Reduced-hours FTE": SHORT_TIME_FTE,
                "Reduced-hours cost": short_time,
                "Surplus cost": overmanning,
            }
            for category, (settled, first_year, recruit_cap, redundancy, short_time, overmanning) in (
                CATEGORY_FACTS.items()
            )
        ],
        "Units": [{"Unit": UNIT, "Region": "All", "Segment": "All"}],
        "WorkTypes": [
            {"Work type": work_type(category), "Description": f"Requirement for {category.lower()} workers.",
             "Unmet penalty": 0, "Must meet": "yes"}
            for category in REQUIREMENTS
        ],
        "Headcount": [
            # Everyone today has more than a year of service (no recent recruitment).
            {"Group": category, "Role": category, "Unit": UNIT, "Tenure band": "1 year or more", "Count": strength}
            for category, (strength, _) in REQUIREMENTS.items()
        ],
        "Demand": [
            {"Unit": UNIT, "Work type": work_type(category), "Period": label, "Hours": need}
            for category, (_, needs) in REQUIREMENTS.items()
            for label, need in zip(labels, needs, strict=True)
        ],
        "Effectiveness": [
            {"Role": category, "Work type": work_type(category), "Effectiveness": 1} for category in REQUIREMENTS
        ],
        "ReskillPaths": [
            {
                "Path": path,
                "From role": source,
                "To role": target,
                "Cost per person": cost,
                "Duration": 0,
                "Completion rate": completion,
                "Non-completers": "leave",
                "Seats per period": seats,
                "Cap vs target": cap,
            }
            for path, (source, target, cost, completion, seats, cap) in PATHS.items()
        ],
        "Policy": {"Surplus cap": OVERMANNING_CAP},
    }


def main() -> None:
    write_input_workbook(WORKBOOK, rows())


if __name__ == "__main__":
    main()
