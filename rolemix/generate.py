"""Synthetic input workbooks of any size, for measuring how rolemix scales.

:func:`generate_rows` builds a valid input workbook of realistic shape (as rows
for :func:`rolemix.workbook.template.write_input_workbook`) for a sales
organisation of a chosen size: one Headcount row per employee, regions of
uneven size, customer segments with their own staffing, a shortage of
solution engineers, technical demand rising while relationship demand falls,
AI sales agents capped by segment, a partner channel and a copilot whose
adoption dips before it rises.  The numbers follow the style of the worked
example (:mod:`rolemix.workbook.example`), whose role, work-type and capacity
names it reuses.

Everything is drawn from one ``random.Random(seed)``: the same arguments give
the same workbook, byte for byte in its cell values.

The plan must stay feasible at every size the command line allows, so the
levers are tuned together: the Enterprise ratio gap closes within the first
quarter (the model holds ratios from then on); the budget starts at today's
salary bill + 2 % and falls 2 points a quarter to 90 %, so it binds in the
middle of a horizon while attrition, layoffs within the caps and AI leave room
to meet it; demand trends stop after three years; the minimum human shares
leave room for the unmet demand of the solution-engineer shortage.

How the people are spread
-------------------------
1. Each region gets a size factor between :data:`REGION_SIZE_RANGE`; each unit
   (region x segment) weighs region size x segment size x a small jitter.
2. Every unit gets ``roles`` people first (that is why ``employees`` must be at
   least ``roles x regions x segments``); the rest are shared out in
   proportion to the unit weights (largest remainders).
3. Within a unit, people are split over roles by the segment's staffing mix
   (:data:`SEGMENT_FACTS`), then two corrections keep the start plan inside
   the Ratios sheet's reach: Enterprise units start at
   :data:`ENTERPRISE_SE_PER_AE_TODAY` solution engineers per account executive
   (below the minimum :data:`ENTERPRISE_SE_PER_AE_MIN`), and no unit has more
   sales managers than :data:`SALES_MANAGERS_PER_AE_TODAY` per account
   executive.  People taken from one role go to account executives, so the
   total is exact.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rolemix.workbook.example import (
    ACCOUNT_EXECUTIVE,
    AI_AGENT,
    CUSTOMER_SUCCESS,
    CUSTOMER_SUCCESS_MANAGER,
    ENGINEERING_COPILOT,
    ENTERPRISE,
    EXECUTIVE,
    FIRST_PERIOD,
    INSIDE_SALES_REP,
    MID_MARKET,
    PARTNERS,
    PERIOD_LENGTH,
    RELATIONSHIP,
    SALES_COPILOT,
    SALES_MANAGER,
    SMB,
    SOLUTION_ENGINEER,
    TECHNICAL,
    TRANSACTIONAL,
    settings_rows,
)
from rolemix.workbook.example import EFFECTIVENESS as EXAMPLE_EFFECTIVENESS
from rolemix.workbook.example import WORK_TYPE_FACTS as EXAMPLE_WORK_TYPE_FACTS
from rolemix.workbook.template import period_labels, write_input_workbook

PARTNER_MANAGER = "Partner manager"
SALES_DEVELOPMENT_REP = "Sales development rep"
PUBLIC_SECTOR = "Public sector"
STRATEGIC = "Strategic"
DIGITAL_NATIVES = "Digital natives"


#: Default size: the sales organisation of the field facts (about 62,000 sellers).
DEFAULT_EMPLOYEES = 62_000
DEFAULT_REGIONS = 60
DEFAULT_SEGMENTS = 4
DEFAULT_ROLES = 6
DEFAULT_PERIODS = 12
DEFAULT_SEED = 1

#: Solver settings written to the Settings sheet.
SOLVER_TIME_LIMIT = 60
SOLVER_GAP = 0.005


@dataclass(frozen=True)
class RoleFacts:
    """What one person of a role costs and delivers (one Roles row), and how fast the role may grow."""

    code: str
    loaded_cost: float
    hours_per_quarter: float
    attrition: float
    first_year_attrition: float
    hiring_cost: float
    #: Most hires per quarter, company-wide, as a share of today's headcount of the role.
    hires_cap_share: float
    ramp_quarters: int
    severance: float


#: The roles in the order ``roles=K`` takes them: the first K.
ROLE_FACTS: dict[str, RoleFacts] = {
    ACCOUNT_EXECUTIVE: RoleFacts("AE", 180_000, 400, 0.14, 0.30, 30_000, 0.03, 2, 60_000),
    SOLUTION_ENGINEER: RoleFacts("SE", 210_000, 400, 0.12, 0.25, 40_000, 0.04, 2, 70_000),
    CUSTOMER_SUCCESS_MANAGER: RoleFacts("CSM", 140_000, 410, 0.15, 0.30, 20_000, 0.04, 1, 45_000),
    INSIDE_SALES_REP: RoleFacts("ISR", 95_000, 420, 0.20, 0.35, 15_000, 0.04, 1, 40_000),
    SALES_MANAGER: RoleFacts("SM", 260_000, 380, 0.10, 0.25, 40_000, 0.02, 1, 80_000),
    PARTNER_MANAGER: RoleFacts("PM", 190_000, 400, 0.11, 0.25, 35_000, 0.03, 2, 65_000),
    SALES_DEVELOPMENT_REP: RoleFacts("SDR", 80_000, 430, 0.25, 0.40, 12_000, 0.04, 1, 25_000),
}
RAMP_PRODUCTIVITY = 0.5
ROLE_LAYOFF_CAP = 0.04


@dataclass(frozen=True)
class SegmentFacts:
    """How a customer segment is staffed and served."""

    #: Size of a unit of this segment relative to an Enterprise unit of the same region.
    size: float
    #: People per role in a unit, as weights (renormalised over the roles generated).
    staffing: Mapping[str, float]
    #: Unmet demand counts against it too, so it is also the least share of demand served by people.
    min_human_share: float
    #: Most share of transactional work the AI sales agent may take (0: not allowed).
    ai_agent_share: float
    #: Most share of relationship work channel partners may take (0: not allowed).
    partner_share: float


#: The segments in the order ``segments=N`` takes them: the first N.  Enterprise and Strategic
#: are staffed by account executives and solution engineers, SMB and Mid-market lean on inside sales.
SEGMENT_FACTS: dict[str, SegmentFacts] = {
    ENTERPRISE: SegmentFacts(
        1.0,
        {
            ACCOUNT_EXECUTIVE: 52,
            SOLUTION_ENGINEER: 15,
            CUSTOMER_SUCCESS_MANAGER: 14,
            INSIDE_SALES_REP: 0,
            SALES_MANAGER: 7,
            PARTNER_MANAGER: 5,
            SALES_DEVELOPMENT_REP: 6,
        },
        0.8,
        0.0,
        0.0,
    ),
    MID_MARKET: SegmentFacts(
        0.85,
        {
            ACCOUNT_EXECUTIVE: 38,
            SOLUTION_ENGINEER: 7,
            CUSTOMER_SUCCESS_MANAGER: 12,
            INSIDE_SALES_REP: 22,
            SALES_MANAGER: 5,
            PARTNER_MANAGER: 4,
            SALES_DEVELOPMENT_REP: 11,
        },
        0.7,
        0.2,
        0.05,
    ),
    SMB: SegmentFacts(
        0.7,
        {
            ACCOUNT_EXECUTIVE: 18,
            SOLUTION_ENGINEER: 2,
            CUSTOMER_SUCCESS_MANAGER: 8,
            INSIDE_SALES_REP: 55,
            SALES_MANAGER: 2,
            PARTNER_MANAGER: 3,
            SALES_DEVELOPMENT_REP: 10,
        },
        0.5,
        0.4,
        0.1,
    ),
    PUBLIC_SECTOR: SegmentFacts(
        0.45,
        {
            ACCOUNT_EXECUTIVE: 48,
            SOLUTION_ENGINEER: 14,
            CUSTOMER_SUCCESS_MANAGER: 15,
            INSIDE_SALES_REP: 5,
            SALES_MANAGER: 7,
            PARTNER_MANAGER: 8,
            SALES_DEVELOPMENT_REP: 2,
        },
        0.8,
        0.0,
        0.15,
    ),
    STRATEGIC: SegmentFacts(
        0.3,
        {
            ACCOUNT_EXECUTIVE: 45,
            SOLUTION_ENGINEER: 20,
            CUSTOMER_SUCCESS_MANAGER: 18,
            INSIDE_SALES_REP: 0,
            SALES_MANAGER: 8,
            PARTNER_MANAGER: 4,
            SALES_DEVELOPMENT_REP: 3,
        },
        0.8,
        0.0,
        0.0,
    ),
    DIGITAL_NATIVES: SegmentFacts(
        0.35,
        {
            ACCOUNT_EXECUTIVE: 30,
            SOLUTION_ENGINEER: 10,
            CUSTOMER_SUCCESS_MANAGER: 10,
            INSIDE_SALES_REP: 35,
            SALES_MANAGER: 4,
            PARTNER_MANAGER: 2,
            SALES_DEVELOPMENT_REP: 8,
        },
        0.55,
        0.3,
        0.0,
    ),
}

#: Region names; more regions than names cycle through them with a number ("US West 2").
REGION_NAMES = (
    "US West",
    "US East",
    "US Central",
    "Canada",
    "Brazil",
    "Mexico",
    "UK and Ireland",
    "DACH",
    "France",
    "Benelux",
    "Nordics",
    "Iberia",
    "Italy",
    "Middle East",
    "Africa",
    "India",
    "Japan",
    "Greater China",
    "Southeast Asia",
    "ANZ",
)
#: Smallest and largest region, relative to an average one.
REGION_SIZE_RANGE = (0.3, 2.0)
#: Units of one region and segment differ by up to this share from their expected size.
UNIT_SIZE_JITTER = 0.15

#: Share of today's people hired within the last year (tenure band "under 1 year").
NEW_HIRE_SHARE = 0.12
#: Share of people whose loaded cost differs from their role's (a Cost override), and by how much at most.
COST_OVERRIDE_SHARE = 0.03
COST_OVERRIDE_RANGE = (0.85, 1.2)
COST_ROUNDING = 1_000

SKILL = "Technical depth"
#: Chance of each Technical depth level (1..5) for account executives: Enterprise-like segments more technical.
TECHNICAL_DEPTH_WEIGHTS: dict[str, tuple[float, ...]] = {
    ENTERPRISE: (0.15, 0.30, 0.30, 0.18, 0.07),
    STRATEGIC: (0.10, 0.25, 0.35, 0.20, 0.10),
    PUBLIC_SECTOR: (0.15, 0.35, 0.30, 0.15, 0.05),
}
TECHNICAL_DEPTH_DEFAULT_WEIGHTS = (0.25, 0.35, 0.25, 0.12, 0.03)

#: Work type -> (description, unmet penalty per hour, must meet).
#: What each kind of work is, its lost revenue per unmet hour and whether it must be met: as in the example.
WORK_TYPE_FACTS: dict[str, tuple[str, float, str]] = EXAMPLE_WORK_TYPE_FACTS

#: How well each role does each kind of work (hours of demand served per hour spent): the example's five roles
#: plus the two the generator adds.
EFFECTIVENESS: dict[str, dict[str, float]] = {
    **EXAMPLE_EFFECTIVENESS,
    PARTNER_MANAGER: {RELATIONSHIP: 0.8, TECHNICAL: 0.2, TRANSACTIONAL: 0.6, CUSTOMER_SUCCESS: 0.4, EXECUTIVE: 0.4},
    SALES_DEVELOPMENT_REP: {
        RELATIONSHIP: 0.4,
        TECHNICAL: 0.0,
        TRANSACTIONAL: 0.9,
        CUSTOMER_SUCCESS: 0.2,
        EXECUTIVE: 0.0,
    },
}

#: How each role spends its hours today; today's demand is what today's people deliver this way.
TIME_SPLIT_TODAY: dict[str, dict[str, float]] = {
    ACCOUNT_EXECUTIVE: {RELATIONSHIP: 0.70, TRANSACTIONAL: 0.15, CUSTOMER_SUCCESS: 0.10, EXECUTIVE: 0.05},
    SOLUTION_ENGINEER: {TECHNICAL: 0.90, RELATIONSHIP: 0.10},
    CUSTOMER_SUCCESS_MANAGER: {CUSTOMER_SUCCESS: 0.90, RELATIONSHIP: 0.10},
    INSIDE_SALES_REP: {TRANSACTIONAL: 0.95, CUSTOMER_SUCCESS: 0.05},
    SALES_MANAGER: {EXECUTIVE: 0.60, RELATIONSHIP: 0.40},
    PARTNER_MANAGER: {RELATIONSHIP: 0.60, TRANSACTIONAL: 0.25, CUSTOMER_SUCCESS: 0.10, EXECUTIVE: 0.05},
    SALES_DEVELOPMENT_REP: {TRANSACTIONAL: 0.85, RELATIONSHIP: 0.15},
}
#: Demand in the first quarter relative to what today's people deliver.
DEMAND_LEVEL = 1.0
#: Extra demand today beyond what today's people deliver, per work type (technical work is short-staffed).
DEMAND_GAP_TODAY: dict[str, float] = {TECHNICAL: 1.10}
#: Demand of one unit and work type differs by up to this share from what its people deliver today.
DEMAND_JITTER = 0.08
#: Change of demand per quarter, per work type: technical rises, relationship falls.
DEMAND_GROWTH_PER_QUARTER: dict[str, float] = {
    RELATIONSHIP: -0.01,
    TECHNICAL: 0.04,
    TRANSACTIONAL: 0.015,
    CUSTOMER_SUCCESS: 0.02,
    EXECUTIVE: 0.0,
}
#: Demand follows these trends for the first three years of the horizon and holds after that: compounded over
#: 40 quarters, technical demand would outgrow any workforce the budget and the minimum human shares allow.
DEMAND_TREND_QUARTERS = 12
#: Executive demand of these segments is entered as accounts x hours per account.
ACCOUNT_BASED_SEGMENTS = (ENTERPRISE, STRATEGIC)
EXECUTIVE_HOURS_PER_ACCOUNT = 40.0

#: Source -> (kind, cost per unit per quarter, hours per unit per quarter, work type it may serve).
CAPACITY_FACTS: dict[str, tuple[str, float, float, str]] = {
    AI_AGENT: ("AI agent", 9_000, 450, TRANSACTIONAL),
    PARTNERS: ("partner", 34_000, 400, RELATIONSHIP),
}
#: Most units of a source: this share of the units its whole scope would need in the first quarter.
CAPACITY_UNITS_SHARE: dict[str, float] = {AI_AGENT: 0.75, PARTNERS: 0.6}
#: Adoption of the AI sales agent per quarter: a steady ramp, full from then on.
AI_AGENT_ADOPTION = (0.10, 0.20, 0.30, 0.45, 0.60, 0.75, 0.90, 1.00)

#: Copilot -> (role, seat cost per quarter, uplift at full adoption).
COPILOT_FACTS: dict[str, tuple[str, float, float]] = {
    SALES_COPILOT: (ACCOUNT_EXECUTIVE, 90, 0.10),
    ENGINEERING_COPILOT: (SOLUTION_ENGINEER, 120, 0.08),
}
#: Copilot adoption per quarter: 22 % at launch, a dip to 5 %, then a climb to about 60 % after two years ...
COPILOT_ADOPTION = (0.22, 0.05, 0.12, 0.22, 0.33, 0.44, 0.53, 0.60)
#: ... and a slow climb after that, to at most this share.
COPILOT_ADOPTION_LATER_STEP = 0.025
COPILOT_ADOPTION_CEILING = 0.75


@dataclass(frozen=True)
class PathFacts:
    """One reskilling path (ReskillPaths row)."""

    from_role: str
    to_role: str
    cost_per_person: float
    duration: int
    completion_rate: float
    non_completers: str
    #: Training seats per quarter, company-wide, as a share of today's headcount of the from-role.
    seats_share: float
    cap_share_of_target: float | None
    #: Skill -> minimum level (PathSkills rows).
    min_skills: Mapping[str, float]


RESKILL_PATH_FACTS: dict[str, PathFacts] = {
    "AE to solution engineer": PathFacts(
        ACCOUNT_EXECUTIVE, SOLUTION_ENGINEER, 15_000, 2, 0.8, "return", 0.01, 0.25, {SKILL: 3}
    ),
    "ISR to customer success": PathFacts(
        INSIDE_SALES_REP, CUSTOMER_SUCCESS_MANAGER, 6_000, 1, 0.9, "leave", 0.01, None, {}
    ),
    "AE to customer success": PathFacts(
        ACCOUNT_EXECUTIVE, CUSTOMER_SUCCESS_MANAGER, 8_000, 1, 0.85, "return", 0.005, 0.2, {}
    ),
}

POLICY_LAYOFF_CAP_SHARE = 0.04
#: Budget of the first quarter relative to today's salary bill: tight, since it also pays hiring, training and AI.
BUDGET_HEADROOM = 1.02
#: The budget then falls by this share of today's salary bill each quarter (a cost-reduction target) ...
BUDGET_CUT_PER_QUARTER = 0.02
#: ... down to this share of today's salary bill, where it stays.
BUDGET_FLOOR = 0.90
#: Budgets are rounded up to this amount.
BUDGET_ROUNDING = 10_000

#: Solution engineers per account executive in Enterprise units today, and the least the Ratios sheet allows.
#: The model holds ratios from the first quarter on, so the gap must close within it: account executives
#: leaving (attrition, layoffs up to the cap, reskilling out) and solution engineers hired up to the cap close
#: about 10 %, even when every account executive works in Enterprise.
ENTERPRISE_SE_PER_AE_TODAY = 0.32
ENTERPRISE_SE_PER_AE_MIN = 0.35
#: Most sales managers per account executive today, and the most the Ratios sheet allows.
SALES_MANAGERS_PER_AE_TODAY = 0.16
SALES_MANAGER_PER_AE_MAX = 0.2

#: Limits of the generator's arguments (the command line checks them too).
SEGMENTS_RANGE = (1, len(SEGMENT_FACTS))
ROLES_RANGE = (2, len(ROLE_FACTS))
PERIODS_RANGE = (1, 40)
MAX_EMPLOYEES = 1_000_000


def minimum_employees(regions: int, segments: int, roles: int) -> int:
    """Fewest employees a generated workbook may have: ``roles`` people in every unit."""
    return roles * regions * segments


def check_arguments(employees: int, regions: int, segments: int, roles: int, periods: int) -> None:
    """Raise ``ValueError`` naming the first argument out of range.

    Raises
    ------
    ValueError
        When an argument is outside the ranges the generator supports.
    """
    limits = {
        "segments": (segments, SEGMENTS_RANGE),
        "roles": (roles, ROLES_RANGE),
        "periods": (periods, PERIODS_RANGE),
    }
    if regions < 1:
        raise ValueError(f"regions must be at least 1, got {regions}")
    for name, (value, (low, high)) in limits.items():
        if not low <= value <= high:
            raise ValueError(f"{name} must be between {low} and {high}, got {value}")
    least = minimum_employees(regions, segments, roles)
    if employees < least:
        raise ValueError(
            f"employees must be at least roles x regions x segments = {roles} x {regions} x {segments} = {least:,}, "
            f"got {employees:,}"
        )
    if employees > MAX_EMPLOYEES:
        raise ValueError(f"employees must be at most {MAX_EMPLOYEES:,}, got {employees:,}")


def region_names(regions: int) -> list[str]:
    """Names of ``regions`` regions: real-sounding names, numbered when there are more regions than names."""
    if regions <= len(REGION_NAMES):
        return list(REGION_NAMES[:regions])
    return [f"{REGION_NAMES[i % len(REGION_NAMES)]} {i // len(REGION_NAMES) + 1}" for i in range(regions)]


def unit_name(region: str, segment: str) -> str:
    """Name of the unit of ``region`` serving ``segment``."""
    return f"{region} {segment}"


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Share ``total`` whole items out in proportion to ``weights`` (Hamilton's method).

    Ties go to the earlier weight, so the result depends on the weights only.
    All weights zero: everything goes to the first.
    """
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [total] + [0] * (len(weights) - 1) if weights else []
    exact = [total * w / weight_sum for w in weights]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def staff_unit(people: int, segment: str, roles: Sequence[str]) -> dict[str, int]:
    """Split one unit's ``people`` over ``roles`` by the segment's staffing mix, within reach of the Ratios sheet.

    Enterprise units get :data:`ENTERPRISE_SE_PER_AE_TODAY` solution engineers per account executive (rounded
    up); no unit gets more than :data:`SALES_MANAGERS_PER_AE_TODAY` sales managers per account executive.
    People taken from one role go to account executives.

    Returns
    -------
    dict
        Role -> people, summing to ``people``.
    """
    staffing = SEGMENT_FACTS[segment].staffing
    counts = dict(zip(roles, largest_remainder(people, [staffing[role] for role in roles]), strict=True))
    if segment == ENTERPRISE:
        pair = counts[ACCOUNT_EXECUTIVE] + counts[SOLUTION_ENGINEER]
        # Rounded up: no unit starts further below the minimum than the whole segment, so the first quarter's
        # levers (attrition, layoffs, reskilling out, hires) can close every unit's gap.
        engineers = math.ceil(pair * ENTERPRISE_SE_PER_AE_TODAY / (1 + ENTERPRISE_SE_PER_AE_TODAY))
        counts[SOLUTION_ENGINEER], counts[ACCOUNT_EXECUTIVE] = engineers, pair - engineers
    if SALES_MANAGER in counts:
        most = math.floor(counts[ACCOUNT_EXECUTIVE] * SALES_MANAGERS_PER_AE_TODAY)
        excess = max(0, counts[SALES_MANAGER] - most)
        counts[SALES_MANAGER] -= excess
        counts[ACCOUNT_EXECUTIVE] += excess
    return counts


def _staffing(
    rng: random.Random, employees: int, regions: Sequence[str], segments: Sequence[str], roles: Sequence[str]
) -> dict[str, dict[str, int]]:
    """People per unit and role: uneven regions, segment mixes, exactly ``employees`` in all."""
    low, high = REGION_SIZE_RANGE
    region_size = {region: rng.uniform(low, high) for region in regions}
    units = [(region, segment) for region in regions for segment in segments]
    weights = [
        region_size[region] * SEGMENT_FACTS[segment].size * rng.uniform(1 - UNIT_SIZE_JITTER, 1 + UNIT_SIZE_JITTER)
        for region, segment in units
    ]
    floor = len(roles)
    shares = largest_remainder(employees - floor * len(units), weights)
    return {
        unit_name(region, segment): staff_unit(floor + extra, segment, roles)
        for (region, segment), extra in zip(units, shares, strict=True)
    }


def _headcount_rows(
    rng: random.Random, staffing: Mapping[str, Mapping[str, int]], segment_of: Mapping[str, str]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """One Headcount row per employee (ids in a shuffled order, like an HR export) and their skill rows."""
    people = [
        (unit, role) for unit, by_role in staffing.items() for role, count in by_role.items() for _ in range(count)
    ]
    rng.shuffle(people)
    width = max(6, len(str(len(people))))
    low, high = COST_OVERRIDE_RANGE
    headcount: list[dict[str, object]] = []
    skills: list[dict[str, object]] = []
    levels = (1, 2, 3, 4, 5)
    for number, (unit, role) in enumerate(people, start=1):
        group = f"E{number:0{width}d}"
        band = "under 1 year" if rng.random() < NEW_HIRE_SHARE else "1 year or more"
        override: float | None = None
        if rng.random() < COST_OVERRIDE_SHARE:
            cost = ROLE_FACTS[role].loaded_cost * rng.uniform(low, high)
            override = round(cost / COST_ROUNDING) * COST_ROUNDING
        headcount.append(
            {"Group": group, "Role": role, "Unit": unit, "Tenure band": band, "Count": 1, "Cost override": override}
        )
        if role == ACCOUNT_EXECUTIVE:
            weights = TECHNICAL_DEPTH_WEIGHTS.get(segment_of[unit], TECHNICAL_DEPTH_DEFAULT_WEIGHTS)
            skills.append({"Group": group, "Skill": SKILL, "Level": rng.choices(levels, weights)[0]})
    return headcount, skills


def _demand_rows(
    rng: random.Random,
    staffing: Mapping[str, Mapping[str, int]],
    segment_of: Mapping[str, str],
    work_types: Sequence[str],
    labels: Sequence[str],
) -> list[dict[str, object]]:
    """Demand per unit, work type and quarter: what today's people deliver, scaled, jittered and trended."""
    rows: list[dict[str, object]] = []
    for unit, by_role in staffing.items():
        delivered = dict.fromkeys(work_types, 0.0)
        for role, count in by_role.items():
            hours = count * ROLE_FACTS[role].hours_per_quarter
            for work_type, share in TIME_SPLIT_TODAY[role].items():
                delivered[work_type] += hours * share * EFFECTIVENESS[role][work_type]
        for work_type in work_types:
            if delivered[work_type] <= 0:
                continue
            jitter = rng.uniform(1 - DEMAND_JITTER, 1 + DEMAND_JITTER)
            base = delivered[work_type] * DEMAND_LEVEL * DEMAND_GAP_TODAY.get(work_type, 1.0) * jitter
            for index, label in enumerate(labels):
                hours = base * (1 + DEMAND_GROWTH_PER_QUARTER[work_type]) ** min(index, DEMAND_TREND_QUARTERS)
                row: dict[str, object] = {"Unit": unit, "Work type": work_type, "Period": label}
                if work_type == EXECUTIVE and segment_of[unit] in ACCOUNT_BASED_SEGMENTS:
                    row["Accounts"] = max(1, round(hours / EXECUTIVE_HOURS_PER_ACCOUNT))
                    row["Hours per account"] = EXECUTIVE_HOURS_PER_ACCOUNT
                else:
                    row["Hours"] = round(hours)
                rows.append(row)
    return rows


def _first_period_hours(demand: Sequence[Mapping[str, object]], label: str) -> dict[tuple[str, str], float]:
    """Hours of the first period per (unit, work type)."""
    hours: dict[tuple[str, str], float] = {}
    for row in demand:
        if row["Period"] != label:
            continue
        value = row.get("Hours")
        if value is None:
            accounts, per_account = row["Accounts"], row["Hours per account"]
            assert isinstance(accounts, int | float) and isinstance(per_account, int | float)
            value = accounts * per_account
        assert isinstance(value, int | float)
        hours[str(row["Unit"]), str(row["Work type"])] = float(value)
    return hours


def _scope_share(source: str, segment: str) -> float:
    facts = SEGMENT_FACTS[segment]
    return facts.ai_agent_share if source == AI_AGENT else facts.partner_share


def _capacity_rows(
    demand: Sequence[Mapping[str, object]], segment_of: Mapping[str, str], segments: Sequence[str], first: str
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Capacity and CapacityScope rows of the sources some generated segment lets in."""
    hours = _first_period_hours(demand, first)
    capacity: list[dict[str, object]] = []
    scope: list[dict[str, object]] = []
    for source, (kind, cost, hours_per_unit, work_type) in CAPACITY_FACTS.items():
        rules = [(segment, _scope_share(source, segment)) for segment in segments if _scope_share(source, segment) > 0]
        potential = sum(
            _scope_share(source, segment_of[unit]) * value
            for (unit, work), value in hours.items()
            if work == work_type and _scope_share(source, segment_of[unit]) > 0
        )
        if not rules or potential <= 0:
            continue
        capacity.append(
            {
                "Source": source,
                "Kind": kind,
                "Cost per unit": cost,
                "Hours per unit": hours_per_unit,
                "Max units": max(1, math.ceil(CAPACITY_UNITS_SHARE[source] * potential / hours_per_unit)),
                "Units today": 0,
            }
        )
        scope += [{"Source": source, "Work type": work_type, "Segment": s, "Max share": share} for s, share in rules]
    return capacity, scope


def copilot_adoption(periods: int) -> tuple[float, ...]:
    """Copilot adoption per quarter: the dip of :data:`COPILOT_ADOPTION`, then a slow climb to the ceiling."""
    ramp = list(COPILOT_ADOPTION[:periods])
    while len(ramp) < periods:
        ramp.append(round(min(COPILOT_ADOPTION_CEILING, ramp[-1] + COPILOT_ADOPTION_LATER_STEP), 3))
    return tuple(ramp)


def ai_agent_adoption(periods: int) -> tuple[float, ...]:
    """AI agent adoption per quarter: :data:`AI_AGENT_ADOPTION`, full adoption after it."""
    return tuple(AI_AGENT_ADOPTION[t] if t < len(AI_AGENT_ADOPTION) else 1.0 for t in range(periods))


def salary_bill_per_quarter(headcount: Sequence[Mapping[str, object]]) -> float:
    """Today's salary bill for one quarter: every person's loaded cost (or override) / 4."""
    total = 0.0
    for row in headcount:
        cost = row["Cost override"]
        if cost is None:
            cost = ROLE_FACTS[str(row["Role"])].loaded_cost
        count = row["Count"]
        assert isinstance(cost, int | float) and isinstance(count, int)
        total += count * cost
    return total / 4


def budgets(run_rate: float, periods: int) -> list[int]:
    """Budget per quarter: today's salary bill x :data:`BUDGET_HEADROOM`, cut each quarter down to the floor.

    Parameters
    ----------
    run_rate
        Today's salary bill for one quarter.
    periods
        Number of quarters.
    """
    shares = [max(BUDGET_FLOOR, BUDGET_HEADROOM - BUDGET_CUT_PER_QUARTER * index) for index in range(periods)]
    # Rounded up, so rounding never makes a budget tighter than intended; the inner round keeps float noise
    # (0.96 * 1e6 = 960000.0000000001) from adding a whole rounding step.
    return [math.ceil(round(run_rate * share / BUDGET_ROUNDING, 6)) * BUDGET_ROUNDING for share in shares]


def _role_rows(roles: Sequence[str], headcount_by_role: Mapping[str, int]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for role in roles:
        facts = ROLE_FACTS[role]
        rows.append(
            {
                "Role": role,
                "Loaded cost": facts.loaded_cost,
                "Productive hours": facts.hours_per_quarter,
                "Attrition": facts.attrition,
                "First-year attrition": facts.first_year_attrition,
                "Hiring cost": facts.hiring_cost,
                "Hires cap": max(1, math.ceil(facts.hires_cap_share * headcount_by_role[role])),
                "Ramp periods": facts.ramp_quarters,
                "Ramp productivity": RAMP_PRODUCTIVITY,
                "Severance": facts.severance,
                "Layoff cap": ROLE_LAYOFF_CAP,
            }
        )
    return rows


def _path_rows(
    roles: Sequence[str], headcount_by_role: Mapping[str, int]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    paths: list[dict[str, object]] = []
    skills: list[dict[str, object]] = []
    for name, facts in RESKILL_PATH_FACTS.items():
        if facts.from_role not in roles or facts.to_role not in roles:
            continue
        paths.append(
            {
                "Path": name,
                "From role": facts.from_role,
                "To role": facts.to_role,
                "Cost per person": facts.cost_per_person,
                "Duration": facts.duration,
                "Completion rate": facts.completion_rate,
                "Non-completers": facts.non_completers,
                "Seats per period": max(1, math.ceil(facts.seats_share * headcount_by_role[facts.from_role])),
                "Cap vs target": facts.cap_share_of_target,
            }
        )
        skills += [{"Path": name, "Skill": skill, "Minimum level": level} for skill, level in facts.min_skills.items()]
    return paths, skills


def _ratio_rows(segments: Sequence[str], roles: Sequence[str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    if ENTERPRISE in segments:
        rows.append(
            {
                "Segment": ENTERPRISE,
                "Role": SOLUTION_ENGINEER,
                "Per role": ACCOUNT_EXECUTIVE,
                "Minimum": ENTERPRISE_SE_PER_AE_MIN,
                "Maximum": None,
            }
        )
    if SALES_MANAGER in roles:
        rows += [
            {
                "Segment": segment,
                "Role": SALES_MANAGER,
                "Per role": ACCOUNT_EXECUTIVE,
                "Minimum": None,
                "Maximum": SALES_MANAGER_PER_AE_MAX,
            }
            for segment in segments
        ]
    return rows


def generate_rows(
    employees: int, regions: int, segments: int, roles: int, periods: int, seed: int
) -> dict[str, object]:
    """A synthetic sales organisation as rows for :func:`~rolemix.workbook.template.write_input_workbook`.

    Parameters
    ----------
    employees
        People today; the Headcount sheet has one row per person (Count 1).
        At least ``roles x regions x segments``.
    regions
        Number of regions; units are regions x segments.
    segments
        The first ``segments`` of :data:`SEGMENT_FACTS` (1 to 6).
    roles
        The first ``roles`` of :data:`ROLE_FACTS` (2 to 7; account executives and solution engineers always).
    periods
        Quarters in the horizon, starting 2027-Q1 (1 to 40).
    seed
        Seed of the one random generator used; the same arguments give the same rows.

    Returns
    -------
    dict
        Sheet name -> list of records keyed by header label (table sheets) or
        setting label -> value (Settings, Policy).

    Raises
    ------
    ValueError
        When an argument is out of range (see :func:`check_arguments`).
    """
    check_arguments(employees, regions, segments, roles, periods)
    rng = random.Random(seed)
    role_names = list(ROLE_FACTS)[:roles]
    segment_names = list(SEGMENT_FACTS)[:segments]
    regions_named = region_names(regions)
    labels = period_labels(FIRST_PERIOD, periods, PERIOD_LENGTH)
    segment_of = {unit_name(r, s): s for r in regions_named for s in segment_names}

    staffing = _staffing(rng, employees, regions_named, segment_names, role_names)
    headcount_by_role = {role: sum(by_role[role] for by_role in staffing.values()) for role in role_names}
    headcount, skills = _headcount_rows(rng, staffing, segment_of)
    # Work that one of the generated roles does today; the others would have no demand and no one to serve them.
    work_types = [w for w in WORK_TYPE_FACTS if any(w in TIME_SPLIT_TODAY[role] for role in role_names)]
    demand = _demand_rows(rng, staffing, segment_of, work_types, labels)
    capacity, scope = _capacity_rows(demand, segment_of, segment_names, labels[0])
    copilots = {name: facts for name, facts in COPILOT_FACTS.items() if facts[0] in role_names}
    paths, path_skills = _path_rows(role_names, headcount_by_role)
    run_rate = salary_bill_per_quarter(headcount)
    sources = [str(row["Source"]) for row in capacity]
    ramps: dict[str, tuple[float, ...]] = {}
    if AI_AGENT in sources:
        ramps[AI_AGENT] = ai_agent_adoption(periods)
    ramps.update(dict.fromkeys(copilots, copilot_adoption(periods)))

    return {
        "Settings": settings_rows(
            f"Synthetic sales organisation: {employees:,} people, seed {seed}", periods, SOLVER_TIME_LIMIT, SOLVER_GAP
        ),
        "Roles": _role_rows(role_names, headcount_by_role),
        "Units": [
            {"Unit": unit_name(region, segment), "Region": region, "Segment": segment}
            for region in regions_named
            for segment in segment_names
        ],
        "WorkTypes": [
            {"Work type": name, "Description": text, "Unmet penalty": penalty, "Must meet": must}
            for name, (text, penalty, must) in WORK_TYPE_FACTS.items()
            if name in work_types
        ],
        "Headcount": headcount,
        "Skills": skills,
        "Demand": demand,
        "Effectiveness": [
            {"Role": role, "Work type": work_type, "Effectiveness": EFFECTIVENESS[role][work_type]}
            for role in role_names
            for work_type in work_types
        ],
        "ReskillPaths": paths,
        "PathSkills": path_skills,
        "Capacity": capacity,
        "CapacityScope": scope,
        "Copilots": [
            {"Copilot": name, "Role": role, "Seat cost": seat_cost, "Uplift": uplift}
            for name, (role, seat_cost, uplift) in copilots.items()
        ],
        "Adoption": [
            {"Name": name, "Period": label, "Adoption": share}
            for name, ramp in ramps.items()
            for label, share in zip(labels, ramp, strict=True)
        ],
        "Policy": {"Layoff cap share": POLICY_LAYOFF_CAP_SHARE},
        "Budget": [
            {"Period": label, "Budget": budget}
            for label, budget in zip(labels, budgets(run_rate, periods), strict=True)
        ],
        "Ratios": _ratio_rows(segment_names, role_names),
        "SegmentRules": [
            {"Segment": segment, "Min human share": SEGMENT_FACTS[segment].min_human_share} for segment in segment_names
        ],
    }


def generate_workbook(
    path: str | Path,
    employees: int = DEFAULT_EMPLOYEES,
    regions: int = DEFAULT_REGIONS,
    segments: int = DEFAULT_SEGMENTS,
    roles: int = DEFAULT_ROLES,
    periods: int = DEFAULT_PERIODS,
    seed: int = DEFAULT_SEED,
) -> None:
    """Write a synthetic input workbook (see :func:`generate_rows`) to ``path``.

    Parameters
    ----------
    path
        File to write (``.xlsx``); an existing file is replaced.
    employees, regions, segments, roles, periods, seed
        As for :func:`generate_rows`.

    Raises
    ------
    ValueError
        When an argument is out of range.
    """
    write_input_workbook(path, generate_rows(employees, regions, segments, roles, periods, seed))
