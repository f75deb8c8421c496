"""Write ``winston_csl.xlsx``: Winston's CSL technician problem as a rolemix input workbook.

Source: W. L. Winston, *Operations Research: Applications and Algorithms*, 4th ed. (Brooks/Cole, 2004),
section 3.12 "Multiperiod decision problems", example 14 (CSL, a chain of computer service stores, trains
technicians; each trainee needs 50 hours of an experienced technician's supervision).  See ``SOURCE.md``
beside this file for the data, the mapping and the published values.

Run ``python tests/data/winston_csl/make_workbook.py`` to regenerate the workbook.
"""

from __future__ import annotations

from pathlib import Path

from rolemix.workbook.template import write_input_workbook

WORKBOOK = Path(__file__).with_name("winston_csl.xlsx")

UNIT = "CSL"
WORK = "Skilled repair"
TECHNICIAN = "Technician"
TRAINEE = "Trainee"
PATH = "Technician training"
FIRST_MONTH = "2027-01"  # Winston's months 1-5 are labelled 2027-01 to 2027-05.

#: Skilled repair hours needed in months 1-5.
REQUIRED_HOURS = (6000, 7000, 8000, 9500, 11000)
TECHNICIANS_TODAY = 50
HOURS_PER_TECHNICIAN = 160  # each technician works up to 160 hours a month
SUPERVISION_HOURS = 50  # hours of an experienced technician's time per trainee during the training month
TECHNICIAN_PAY = 2000  # dollars a month, even when not working all 160 hours
TRAINEE_PAY = 1000  # dollars during the training month
QUIT_RATE = 0.05  # share of experienced technicians who quit at the end of each month

#: rolemix takes yearly rates and compounds them to the month: 1 - (1 - a)^(1/12) = 5 % exactly when
#: a = 1 - 0.95^12.
ATTRITION_PER_YEAR = 1.0 - (1.0 - QUIT_RATE) ** 12


def rows() -> dict[str, object]:
    """The workbook's rows, sheet by sheet, in the layout of :mod:`rolemix.spec`."""
    year, month = FIRST_MONTH.split("-")
    labels = [f"{year}-{int(month) + offset:02d}" for offset in range(len(REQUIRED_HOURS))]
    return {
        "Settings": {
            "Plan name": "Winston CSL technicians",
            "Period length": "month",
            "Periods": len(REQUIRED_HOURS),
            "First period": FIRST_MONTH,
            "Currency": "USD",
            "Objective": "least cost",
            "Priority tolerance": 0.0,
            "Whole people": "no",
            "Time limit": 60.0,
            "Gap": 0.0,
            "Discount rate": 0.0,
            "Solver": "highs",
        },
        "Roles": [
            {
                "Role": TECHNICIAN,
                "Loaded cost": 12 * TECHNICIAN_PAY,
                "Productive hours": HOURS_PER_TECHNICIAN,
                "Attrition": ATTRITION_PER_YEAR,
                # Winston's quits happen at the end of each month: nobody leaves in month 1 (see SOURCE.md).
                "First-year attrition": 0.0,
                "Hiring cost": 0,
                # Technicians cannot be hired directly, only trained.
                "Hires cap": 0,
                "Ramp periods": 0,
                "Ramp productivity": 1.0,
                "Severance": 0,
                # CSL does not lay technicians off.
                "Layoff cap": 0.0,
            },
            {
                "Role": TRAINEE,
                "Loaded cost": 12 * TRAINEE_PAY,
                # Trainees deliver no repair hours (no effectiveness either).
                "Productive hours": 0,
                "Attrition": 0.0,
                "First-year attrition": 0.0,
                "Hiring cost": 0,
                "Hires cap": None,
                "Ramp periods": 0,
                "Ramp productivity": 1.0,
                "Severance": 0,
                "Layoff cap": 0.0,
            },
        ],
        "Units": [{"Unit": UNIT, "Region": "All", "Segment": "All"}],
        "WorkTypes": [
            {
                "Work type": WORK,
                "Description": "Skilled repair hours the stores need.",
                "Unmet penalty": 0,
                "Must meet": "yes",
            },
        ],
        "Headcount": [
            # "under 1 year" with a first-year attrition of 0 keeps all 50 through month 1 (see SOURCE.md).
            {
                "Group": "Technicians",
                "Role": TECHNICIAN,
                "Unit": UNIT,
                "Tenure band": "under 1 year",
                "Count": TECHNICIANS_TODAY,
            },
        ],
        "Demand": [
            {"Unit": UNIT, "Work type": WORK, "Period": label, "Hours": hours}
            for label, hours in zip(labels, REQUIRED_HOURS, strict=True)
        ],
        "Effectiveness": [{"Role": TECHNICIAN, "Work type": WORK, "Effectiveness": 1}],
        "ReskillPaths": [
            {
                "Path": PATH,
                "From role": TRAINEE,
                "To role": TECHNICIAN,
                "Cost per person": 0,
                "Duration": 1,
                "Coaching hours": SUPERVISION_HOURS,
                "Completion rate": 1.0,
                "Non-completers": "return",
                "Seats per period": None,
                "Cap vs target": None,
            },
        ],
    }


def main() -> None:
    write_input_workbook(WORKBOOK, rows())


if __name__ == "__main__":
    main()
