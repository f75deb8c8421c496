"""The worked example: Northwind Software's sales organisation, 2027-2028.

A fictional software company with about 2,000 sellers in three regions
(Americas, EMEA, APAC) and three customer segments (Enterprise, Mid-market,
SMB).  It has too many generalist account executives and too few solution
engineers; technical demand rises, relationship demand falls slowly, an AI
sales agent may take over part of the transactional work in SMB and
Mid-market, and a sales copilot is rolled out with the adoption dip seen in
the field (22 % daily use, down to 5 %, then up to about 60 %).

Everything is deterministic: counts and hours follow from the named constants
below, which are the knobs to tune the example.  ``python -m
rolemix.workbook.example`` regenerates the blank template and the example in
``excel_templates/``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from rolemix.workbook.template import period_labels, write_blank_template, write_input_workbook

#: Where ``main`` writes the workbooks, relative to the repository root.
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "excel_templates"
BLANK_TEMPLATE_FILE = "rolemix-template.xlsx"
EXAMPLE_FILE = "example-software-co.xlsx"

COMPANY = "Northwind Software"
PERIOD_LENGTH = "quarter"
PERIODS = 8
FIRST_PERIOD = "2027-Q1"

#: How close to the best plan the solver must prove its plan, and how long it may try.
SOLVER_GAP = 0.005
SOLVER_TIME_LIMIT = 120

ACCOUNT_EXECUTIVE = "Account executive"
SOLUTION_ENGINEER = "Solution engineer"
CUSTOMER_SUCCESS_MANAGER = "Customer success manager"
SALES_MANAGER = "Sales manager"
INSIDE_SALES_REP = "Inside sales rep"

RELATIONSHIP = "relationship"
TECHNICAL = "technical"
TRANSACTIONAL = "transactional"
CUSTOMER_SUCCESS = "customer success"
EXECUTIVE = "executive"

ENTERPRISE = "Enterprise"
MID_MARKET = "Mid-market"
SMB = "SMB"
SEGMENTS = (ENTERPRISE, MID_MARKET, SMB)

#: Region -> (short code for group ids, size relative to the base staffing, cost override factor or None).
REGIONS: dict[str, tuple[str, float, float | None]] = {
    "Americas": ("AMER", 1.6, None),
    "EMEA": ("EMEA", 1.3, None),
    "APAC": ("APAC", 0.9, 0.8),
}

SEGMENT_CODES = {ENTERPRISE: "ENT", MID_MARKET: "MM", SMB: "SMB"}

#: Role -> (short code, loaded cost, productive hours per quarter, attrition, first-year attrition, hiring cost,
#: hires cap per quarter, ramp quarters, severance).
ROLE_FACTS: dict[str, tuple[str, float, float, float, float, float, float, int, float]] = {
    ACCOUNT_EXECUTIVE: ("AE", 180_000, 400, 0.14, 0.30, 30_000, 60, 2, 60_000),
    SOLUTION_ENGINEER: ("SE", 210_000, 400, 0.12, 0.25, 40_000, 45, 2, 70_000),
    CUSTOMER_SUCCESS_MANAGER: ("CSM", 140_000, 410, 0.15, 0.30, 20_000, 40, 1, 45_000),
    SALES_MANAGER: ("SM", 260_000, 380, 0.10, 0.25, 40_000, 10, 1, 80_000),
    INSIDE_SALES_REP: ("ISR", 95_000, 420, 0.20, 0.35, 15_000, 60, 1, 40_000),
}
RAMP_PRODUCTIVITY = 0.5
ROLE_LAYOFF_CAP = 0.04

#: People per role in one unit of each segment before the region's size factor: generalist-heavy,
#: few solution engineers, SMB staffed by inside sales reps.
BASE_STAFFING: dict[str, dict[str, int]] = {
    ENTERPRISE: {ACCOUNT_EXECUTIVE: 110, SOLUTION_ENGINEER: 36, CUSTOMER_SUCCESS_MANAGER: 30, SALES_MANAGER: 16},
    MID_MARKET: {
        ACCOUNT_EXECUTIVE: 80,
        SOLUTION_ENGINEER: 15,
        CUSTOMER_SUCCESS_MANAGER: 25,
        SALES_MANAGER: 12,
        INSIDE_SALES_REP: 30,
    },
    SMB: {
        ACCOUNT_EXECUTIVE: 40,
        SOLUTION_ENGINEER: 4,
        CUSTOMER_SUCCESS_MANAGER: 15,
        SALES_MANAGER: 6,
        INSIDE_SALES_REP: 90,
    },
}
#: Share of each role and unit hired within the last year (tenure band "under 1 year").
NEW_HIRE_SHARE = 0.12
#: Share of tenured account executives with enough technical depth to become solution engineers.
TECHNICAL_AE_SHARE = 0.3

#: Skill levels (Technical depth, Negotiation) of the account-executive groups.
AE_SKILLS: dict[str, dict[str, float]] = {
    "technical": {"Technical depth": 3, "Negotiation": 3},
    "classic": {"Technical depth": 1, "Negotiation": 4},
    "new": {"Technical depth": 2, "Negotiation": 2},
}

#: Work type -> (description, unmet penalty per hour, must meet).
WORK_TYPE_FACTS: dict[str, tuple[str, float, str]] = {
    RELATIONSHIP: ("Account planning, meetings and negotiation with known customers.", 180, "no"),
    TECHNICAL: ("Product demonstrations, architecture, proofs of concept and technical objections.", 300, "no"),
    TRANSACTIONAL: ("One-to-two-call sales: renewals, upgrades, small new deals.", 150, "no"),
    CUSTOMER_SUCCESS: ("Onboarding, adoption and training of customers after the sale.", 200, "no"),
    EXECUTIVE: ("Executive sponsorship of top accounts.", 400, "yes"),
}

#: How well each role does each kind of work (hours of demand served per hour spent).
EFFECTIVENESS: dict[str, dict[str, float]] = {
    ACCOUNT_EXECUTIVE: {RELATIONSHIP: 1.0, TECHNICAL: 0.3, TRANSACTIONAL: 0.8, CUSTOMER_SUCCESS: 0.5, EXECUTIVE: 0.6},
    SOLUTION_ENGINEER: {RELATIONSHIP: 0.4, TECHNICAL: 1.0, TRANSACTIONAL: 0.3, CUSTOMER_SUCCESS: 0.5, EXECUTIVE: 0.3},
    CUSTOMER_SUCCESS_MANAGER: {
        RELATIONSHIP: 0.5,
        TECHNICAL: 0.3,
        TRANSACTIONAL: 0.4,
        CUSTOMER_SUCCESS: 1.0,
        EXECUTIVE: 0.0,
    },
    SALES_MANAGER: {RELATIONSHIP: 0.6, TECHNICAL: 0.2, TRANSACTIONAL: 0.3, CUSTOMER_SUCCESS: 0.3, EXECUTIVE: 1.0},
    INSIDE_SALES_REP: {RELATIONSHIP: 0.3, TECHNICAL: 0.0, TRANSACTIONAL: 1.0, CUSTOMER_SUCCESS: 0.4, EXECUTIVE: 0.0},
}

#: How each role spends its hours today; today's demand is what today's people deliver this way.
TIME_SPLIT_TODAY: dict[str, dict[str, float]] = {
    ACCOUNT_EXECUTIVE: {RELATIONSHIP: 0.70, TRANSACTIONAL: 0.15, CUSTOMER_SUCCESS: 0.10, EXECUTIVE: 0.05},
    SOLUTION_ENGINEER: {TECHNICAL: 0.90, RELATIONSHIP: 0.10},
    CUSTOMER_SUCCESS_MANAGER: {CUSTOMER_SUCCESS: 0.90, RELATIONSHIP: 0.10},
    SALES_MANAGER: {EXECUTIVE: 0.60, RELATIONSHIP: 0.40},
    INSIDE_SALES_REP: {TRANSACTIONAL: 0.95, CUSTOMER_SUCCESS: 0.05},
}
#: Demand in the first quarter relative to what today's people deliver (below 1: some slack for attrition).
DEMAND_LEVEL = 0.95
#: Extra demand today beyond what today's people deliver, per work type (technical work is short-staffed).
DEMAND_GAP_TODAY: dict[str, float] = {TECHNICAL: 1.08}
#: Change of demand per quarter, per work type: technical rises, relationship falls slowly.
DEMAND_GROWTH_PER_QUARTER: dict[str, float] = {
    RELATIONSHIP: -0.02,
    TECHNICAL: 0.06,
    TRANSACTIONAL: 0.01,
    CUSTOMER_SUCCESS: 0.015,
    EXECUTIVE: 0.0,
}
#: Enterprise executive demand is entered as accounts x hours per account.
EXECUTIVE_HOURS_PER_ACCOUNT = 40.0

AI_AGENT = "Northwind AI sales agent"
PARTNERS = "Channel partners"
#: Source -> (kind, cost per unit per quarter, hours per unit per quarter, max units, units today).
CAPACITY_FACTS: dict[str, tuple[str, float, float, float, int]] = {
    AI_AGENT: ("AI agent", 9_000, 450, 200, 0),
    PARTNERS: ("partner", 34_000, 400, 60, 0),
}
#: (source, work type, segment) -> most share of that demand the source may take.
CAPACITY_SCOPE: dict[tuple[str, str, str], float] = {
    (AI_AGENT, TRANSACTIONAL, SMB): 0.4,
    (AI_AGENT, TRANSACTIONAL, MID_MARKET): 0.2,
    (PARTNERS, RELATIONSHIP, SMB): 0.1,
    (PARTNERS, RELATIONSHIP, MID_MARKET): 0.05,
}
#: Adoption of the AI sales agent per quarter: a steady ramp.
AI_AGENT_ADOPTION = (0.10, 0.20, 0.30, 0.45, 0.60, 0.75, 0.90, 1.00)

SALES_COPILOT = "Sales copilot"
ENGINEERING_COPILOT = "Engineering copilot"
#: Copilot -> (role, seat cost per quarter, uplift at full adoption).
COPILOT_FACTS: dict[str, tuple[str, float, float]] = {
    SALES_COPILOT: (ACCOUNT_EXECUTIVE, 90, 0.10),
    ENGINEERING_COPILOT: (SOLUTION_ENGINEER, 120, 0.08),
}
#: Copilot adoption per quarter: 22 % at launch, a dip to 5 %, then a climb to about 60 %.
COPILOT_ADOPTION = (0.22, 0.05, 0.12, 0.22, 0.33, 0.44, 0.53, 0.60)

#: Path -> (from role, to role, cost per person, duration, completion rate, non-completers, seats, cap vs target).
RESKILL_PATH_FACTS: dict[str, tuple[str, str, float, int, float, str, float | None, float | None]] = {
    "AE to solution engineer": (ACCOUNT_EXECUTIVE, SOLUTION_ENGINEER, 15_000, 2, 0.8, "return", 40, 0.25),
    "ISR to customer success": (INSIDE_SALES_REP, CUSTOMER_SUCCESS_MANAGER, 6_000, 1, 0.9, "leave", 30, None),
    "AE to customer success": (ACCOUNT_EXECUTIVE, CUSTOMER_SUCCESS_MANAGER, 8_000, 1, 0.85, "return", 20, 0.2),
}
#: Path -> {skill: minimum level}.
PATH_SKILL_MINIMUMS: dict[str, dict[str, float]] = {"AE to solution engineer": {"Technical depth": 3}}

POLICY_LAYOFF_CAP_SHARE = 0.04
#: Budget per quarter relative to today's salary bill (it also has to pay hiring, training, AI and penalties).
BUDGET_HEADROOM = 1.12
#: Budgets are rounded to this amount.
BUDGET_ROUNDING = 100_000
MIN_HUMAN_SHARE = {ENTERPRISE: 0.95, MID_MARKET: 0.8, SMB: 0.6}
#: Solution engineers per account executive in Enterprise units: today's mix is slightly below it.
ENTERPRISE_SE_PER_AE_MIN = 0.35
SALES_MANAGER_PER_AE_MAX = 0.2


def _unit_name(region: str, segment: str) -> str:
    return f"{region} {segment}"


def _groups() -> list[tuple[dict[str, object], str]]:
    """Headcount rows (role x unit x tenure band; tenured account executives split by skill profile).

    Each row comes with its skill profile (a key of :data:`AE_SKILLS`, or empty for other roles).
    """
    groups: list[tuple[dict[str, object], str]] = []
    for region, (region_code, size, cost_factor) in REGIONS.items():
        for segment in SEGMENTS:
            unit = _unit_name(region, segment)
            for role, base in BASE_STAFFING[segment].items():
                code, loaded_cost = ROLE_FACTS[role][0], ROLE_FACTS[role][1]
                count = round(base * size)
                new = round(count * NEW_HIRE_SHARE)
                tenured = count - new
                if role == ACCOUNT_EXECUTIVE:
                    technical = round(tenured * TECHNICAL_AE_SHARE)
                    parts = [
                        ("technical", "1 year or more", technical),
                        ("classic", "1 year or more", tenured - technical),
                    ]
                    parts.append(("new", "under 1 year", new))
                else:
                    parts = [("", "1 year or more", tenured), ("", "under 1 year", new)]
                for number, (profile, band, people) in enumerate(parts, start=1):
                    if people <= 0:
                        continue
                    row: dict[str, object] = {
                        "Group": f"{region_code}-{SEGMENT_CODES[segment]}-{code}-{number:02d}",
                        "Role": role,
                        "Unit": unit,
                        "Tenure band": band,
                        "Count": people,
                        "Cost override": None if cost_factor is None else round(loaded_cost * cost_factor),
                    }
                    groups.append((row, profile))
    return groups


def _skill_rows(groups: list[tuple[dict[str, object], str]]) -> list[dict[str, object]]:
    """Skill levels of every account-executive group, by its skill profile."""
    rows: list[dict[str, object]] = []
    for group, profile in groups:
        if not profile:
            continue
        levels = dict(AE_SKILLS[profile])
        if profile == "technical" and group["Unit"] in {_unit_name(r, ENTERPRISE) for r in REGIONS}:
            # Enterprise sellers have sat in more architecture meetings than anyone else.
            levels["Technical depth"] = 4
        rows += [{"Group": group["Group"], "Skill": skill, "Level": level} for skill, level in levels.items()]
    return rows


def _people_per_unit(headcount: list[dict[str, object]]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for group in headcount:
        by_role = totals.setdefault(str(group["Unit"]), {})
        count = group["Count"]
        assert isinstance(count, int)
        by_role[str(group["Role"])] = by_role.get(str(group["Role"]), 0) + count
    return totals


def _demand_rows(headcount: list[dict[str, object]]) -> list[dict[str, object]]:
    """Demand per unit, work type and quarter: today's delivered hours, scaled and trended."""
    labels = period_labels(FIRST_PERIOD, PERIODS, PERIOD_LENGTH)
    rows: list[dict[str, object]] = []
    for unit, by_role in _people_per_unit(headcount).items():
        delivered = dict.fromkeys(WORK_TYPE_FACTS, 0.0)
        for role, people in by_role.items():
            hours = people * ROLE_FACTS[role][2]
            for work_type, share in TIME_SPLIT_TODAY[role].items():
                delivered[work_type] += hours * share * EFFECTIVENESS[role][work_type]
        for work_type, today in delivered.items():
            if today <= 0:
                continue
            base = today * DEMAND_LEVEL * DEMAND_GAP_TODAY.get(work_type, 1.0)
            for index, label in enumerate(labels):
                hours = base * (1 + DEMAND_GROWTH_PER_QUARTER[work_type]) ** index
                row: dict[str, object] = {"Unit": unit, "Work type": work_type, "Period": label}
                if work_type == EXECUTIVE and unit.endswith(ENTERPRISE):
                    row["Accounts"] = round(hours / EXECUTIVE_HOURS_PER_ACCOUNT)
                    row["Hours per account"] = EXECUTIVE_HOURS_PER_ACCOUNT
                else:
                    row["Hours"] = round(hours)
                rows.append(row)
    return rows


def settings_rows(plan_name: str, periods: int, time_limit: float, gap: float) -> dict[str, object]:
    """The Settings sheet of a quarterly plan from 2027-Q1 solved for least cost with whole people."""
    return {
        "Plan name": plan_name,
        "Period length": PERIOD_LENGTH,
        "Periods": periods,
        "First period": FIRST_PERIOD,
        "Currency": "USD",
        "Objective": "least cost",
        "Priority tolerance": 0.0,
        "Whole people": "yes",
        "Time limit": time_limit,
        "Gap": gap,
        "Discount rate": 0.0,
        "Solver": "highs",
    }


def salary_bill_per_quarter(headcount: list[dict[str, object]]) -> float:
    """Today's salary bill for one quarter: the sum of count x loaded cost (or override) / 4."""
    total = 0.0
    for group in headcount:
        cost = group["Cost override"] or ROLE_FACTS[str(group["Role"])][1]
        count = group["Count"]
        assert isinstance(cost, int | float) and isinstance(count, int)
        total += count * cost / 4
    return total


def _adoption_rows() -> list[dict[str, object]]:
    labels = period_labels(FIRST_PERIOD, PERIODS, PERIOD_LENGTH)
    ramps: Mapping[str, tuple[float, ...]] = {
        AI_AGENT: AI_AGENT_ADOPTION,
        **dict.fromkeys(COPILOT_FACTS, COPILOT_ADOPTION),
    }
    return [
        {"Name": name, "Period": label, "Adoption": share}
        for name, ramp in ramps.items()
        for label, share in zip(labels, ramp, strict=True)
    ]


def example_rows() -> dict[str, object]:
    """The worked example as rows for :func:`rolemix.workbook.template.write_input_workbook`.

    Returns
    -------
    dict
        Sheet name -> list of records keyed by header label (table sheets) or
        setting label -> value (Settings, Policy).
    """
    groups = _groups()
    headcount = [row for row, _profile in groups]
    labels = period_labels(FIRST_PERIOD, PERIODS, PERIOD_LENGTH)
    budget = round(salary_bill_per_quarter(headcount) * BUDGET_HEADROOM / BUDGET_ROUNDING) * BUDGET_ROUNDING
    return {
        "Settings": settings_rows(f"{COMPANY}: sales organisation 2027-2028", PERIODS, SOLVER_TIME_LIMIT, SOLVER_GAP),
        "Roles": [
            {
                "Role": role,
                "Loaded cost": cost,
                "Productive hours": hours,
                "Attrition": attrition,
                "First-year attrition": first_year,
                "Hiring cost": hiring,
                "Hires cap": cap,
                "Ramp periods": ramp,
                "Ramp productivity": RAMP_PRODUCTIVITY,
                "Severance": severance,
                "Layoff cap": ROLE_LAYOFF_CAP,
            }
            for role, (_code, cost, hours, attrition, first_year, hiring, cap, ramp, severance) in ROLE_FACTS.items()
        ],
        "Units": [
            {"Unit": _unit_name(region, segment), "Region": region, "Segment": segment}
            for region in REGIONS
            for segment in SEGMENTS
        ],
        "WorkTypes": [
            {"Work type": name, "Description": text, "Unmet penalty": penalty, "Must meet": must}
            for name, (text, penalty, must) in WORK_TYPE_FACTS.items()
        ],
        "Headcount": headcount,
        "Skills": _skill_rows(groups),
        "Demand": _demand_rows(headcount),
        "Effectiveness": [
            {"Role": role, "Work type": work_type, "Effectiveness": value}
            for role, by_work in EFFECTIVENESS.items()
            for work_type, value in by_work.items()
        ],
        "ReskillPaths": [
            {
                "Path": path,
                "From role": source,
                "To role": target,
                "Cost per person": cost,
                "Duration": duration,
                "Completion rate": completion,
                "Non-completers": non_completers,
                "Seats per period": seats,
                "Cap vs target": cap,
            }
            for path, (source, target, cost, duration, completion, non_completers, seats, cap) in (
                RESKILL_PATH_FACTS.items()
            )
        ],
        "PathSkills": [
            {"Path": path, "Skill": skill, "Minimum level": level}
            for path, minimums in PATH_SKILL_MINIMUMS.items()
            for skill, level in minimums.items()
        ],
        "Capacity": [
            {
                "Source": source,
                "Kind": kind,
                "Cost per unit": cost,
                "Hours per unit": hours,
                "Max units": max_units,
                "Units today": today,
            }
            for source, (kind, cost, hours, max_units, today) in CAPACITY_FACTS.items()
        ],
        "CapacityScope": [
            {"Source": source, "Work type": work_type, "Segment": segment, "Max share": share}
            for (source, work_type, segment), share in CAPACITY_SCOPE.items()
        ],
        "Copilots": [
            {"Copilot": name, "Role": role, "Seat cost": seat_cost, "Uplift": uplift}
            for name, (role, seat_cost, uplift) in COPILOT_FACTS.items()
        ],
        "Adoption": _adoption_rows(),
        "Policy": {"Layoff cap share": POLICY_LAYOFF_CAP_SHARE},
        "Budget": [{"Period": label, "Budget": budget} for label in labels],
        "Ratios": [
            {
                "Segment": ENTERPRISE,
                "Role": SOLUTION_ENGINEER,
                "Per role": ACCOUNT_EXECUTIVE,
                "Minimum": ENTERPRISE_SE_PER_AE_MIN,
                "Maximum": None,
            },
            *(
                {
                    "Segment": segment,
                    "Role": SALES_MANAGER,
                    "Per role": ACCOUNT_EXECUTIVE,
                    "Minimum": None,
                    "Maximum": SALES_MANAGER_PER_AE_MAX,
                }
                for segment in SEGMENTS
            ),
        ],
        "SegmentRules": [{"Segment": segment, "Min human share": share} for segment, share in MIN_HUMAN_SHARE.items()],
    }


def main(directory: Path | None = None) -> None:
    """Regenerate the blank template and the worked example.

    Parameters
    ----------
    directory
        Folder to write into; ``excel_templates/`` of the repository by default.
    """
    target = TEMPLATES_DIR if directory is None else directory
    target.mkdir(parents=True, exist_ok=True)
    write_blank_template(target / BLANK_TEMPLATE_FILE)
    write_input_workbook(target / EXAMPLE_FILE, example_rows())
    sys.stdout.write(f"wrote {target / BLANK_TEMPLATE_FILE}\nwrote {target / EXAMPLE_FILE}\n")


if __name__ == "__main__":
    main()
