"""The input template as data.

One :class:`SheetSpec` per sheet of the input workbook.  The blank template,
the worked example, the reader's checks and the column reference in
``docs/template.md`` are all generated from :data:`SHEETS`; nothing else in the
code base names a header or a sheet by hand.

Two layouts exist:

``table``
    An Excel table: a header row (row 1) and one record per row below it.
    Each :class:`Field` is a column.
``settings``
    A two-column list (``Setting`` | ``Value``): each :class:`Field` is a row,
    looked up by its label in column A.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal[
    "text",  # free text
    "integer",  # whole number
    "number",  # any real number (with min/max)
    "money",  # currency amount
    "hours",  # hours
    "share",  # a fraction between 0 and 1, shown as percent
    "choice",  # one of ``allowed``
    "yesno",  # yes / no
    "ref",  # a key of another sheet (``ref``)
]

Layout = Literal["table", "settings"]

YES_NO = ("yes", "no")

PERIOD_LENGTHS = ("month", "quarter", "year")

OBJECTIVES = (
    "least cost",
    "fewest layoffs, then least cost",
    "least unmet demand, then least cost",
    "fewest layoffs, then least unmet demand, then least cost",
)

SOLVERS = ("highs", "cbc")

CURRENCIES = ("USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD", "INR", "SEK", "NOK", "DKK", "SGD")

TENURE_BANDS = ("under 1 year", "1 year or more")

NON_COMPLETERS = ("return", "leave")

SOURCE_KINDS = ("AI agent", "partner", "contractor")


@dataclass(frozen=True)
class Field:
    """One column (table layout) or one setting row (settings layout).

    Parameters
    ----------
    label
        Header text exactly as it appears in the workbook.
    key
        Python name of the value on the plan-input object.
    type
        See :data:`FieldType`.
    unit
        Unit shown in the header note and in the docs (``"per year"``,
        ``"hours per period"``, ...); empty when unitless.
    required
        A blank cell is a problem when true.
    default
        Value used when the cell is blank and ``required`` is false
        (``None`` means "no limit" / "not set").
    allowed
        Allowed values for ``choice`` and ``yesno``.
    ref
        Sheet whose key column this value must name (type ``ref``).
    minimum, maximum
        Inclusive numeric range.
    description
        One sentence for planners; shown as the header note.
    """

    label: str
    key: str
    type: FieldType
    description: str
    unit: str = ""
    required: bool = False
    default: object = None
    allowed: tuple[str, ...] = ()
    ref: str = ""
    minimum: float | None = None
    maximum: float | None = None
    example: object = None


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of the input workbook.

    ``key`` lists the labels of the fields that together must be unique per
    row; ``purpose`` is the sentence shown in the Instructions sheet.
    """

    name: str
    layout: Layout
    purpose: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()
    required_rows: bool = False

    def field(self, label: str) -> Field:
        """Return the field with header ``label``."""
        for candidate in self.fields:
            if candidate.label == label:
                return candidate
        raise KeyError(f"sheet {self.name} has no column {label!r}")

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(f.label for f in self.fields)


def _share(label: str, key: str, description: str, **kw: object) -> Field:
    return Field(label, key, "share", description, minimum=0.0, maximum=1.0, **kw)  # type: ignore[arg-type]


def _money(label: str, key: str, description: str, unit: str, **kw: object) -> Field:
    return Field(label, key, "money", description, unit=unit, minimum=0.0, **kw)  # type: ignore[arg-type]


SETTINGS = SheetSpec(
    name="Settings",
    layout="settings",
    purpose="The planning horizon, currency, objective and how hard the solver may work.",
    fields=(
        Field("Plan name", "plan_name", "text", "Name printed on the results.", default="Workforce plan"),
        Field(
            "Period length",
            "period_length",
            "choice",
            "Length of one planning period.",
            required=True,
            allowed=PERIOD_LENGTHS,
        ),
        Field(
            "Periods",
            "periods",
            "integer",
            "Number of planning periods after today (period 0 is today).",
            unit="periods",
            required=True,
            minimum=1,
            maximum=120,
        ),
        Field(
            "First period",
            "first_period",
            "text",
            "Label of the first planning period: 2027-Q1 for quarters, 2027-01 for months, "
            "2027 for years. Later labels follow from it.",
            required=True,
        ),
        Field(
            "Currency",
            "currency",
            "choice",
            "Currency of every amount in the workbook.",
            default="USD",
            allowed=CURRENCIES,
        ),
        Field(
            "Objective",
            "objective",
            "choice",
            "What 'best' means: least total cost, or a priority order solved one after the other.",
            default="least cost",
            allowed=OBJECTIVES,
        ),
        _share(
            "Priority tolerance",
            "priority_tolerance",
            "How much an earlier priority may worsen (share of its best value) while later ones are optimised.",
            default=0.0,
        ),
        Field(
            "Whole people",
            "whole_people",
            "yesno",
            "yes: hires, layoffs, people reskilled, copilot seats and external units are whole numbers. "
            "no: a rough-cut plan in fractions.",
            default="yes",
            allowed=YES_NO,
        ),
        Field(
            "Time limit",
            "time_limit_s",
            "number",
            "Longest the solver may run before returning its best plan.",
            unit="seconds",
            default=60.0,
            minimum=1.0,
            maximum=86400.0,
        ),
        _share(
            "Gap",
            "gap",
            "The solver stops once the plan's cost is proven within this share of the best possible.",
            default=0.001,
        ),
        _share(
            "Discount rate",
            "discount_rate",
            "Yearly rate used to discount future costs in the objective (0 = no discounting).",
            unit="per year",
            default=0.0,
        ),
        Field("Solver", "solver", "choice", "Solver used: HiGHS (default) or CBC.", default="highs", allowed=SOLVERS),
    ),
)

ROLES = SheetSpec(
    name="Roles",
    layout="table",
    purpose="One row per role (job family): what a person costs, delivers and how they come and go.",
    key=("Role",),
    required_rows=True,
    fields=(
        Field("Role", "name", "text", "Name of the role (job family).", required=True),
        _money(
            "Loaded cost",
            "loaded_cost_per_year",
            "Salary plus benefits and overhead of one full-time person.",
            "per FTE per year",
            required=True,
        ),
        Field(
            "Productive hours",
            "hours_per_period",
            "hours",
            "Hours one full-time person spends on customer work in one period.",
            unit="hours per FTE per period",
            required=True,
            minimum=0.0,
        ),
        _share(
            "Attrition",
            "attrition_per_year",
            "Share of people with a year or more of service who leave in a year.",
            unit="per year",
            required=True,
        ),
        _share(
            "First-year attrition",
            "first_year_attrition_per_year",
            "Share of new hires who leave in their first year.",
            unit="per year",
            required=True,
        ),
        _money("Hiring cost", "hiring_cost", "Recruiting and onboarding cost of one hire.", "per hire", default=0.0),
        Field(
            "Hires cap",
            "hires_cap",
            "number",
            "Most people of this role that can be hired in one period, company-wide. Blank: no cap.",
            unit="people per period",
            minimum=0.0,
        ),
        Field(
            "Ramp periods",
            "ramp_periods",
            "integer",
            "Periods a new hire needs to reach full productivity (0: productive at once).",
            unit="periods",
            default=0,
            minimum=0,
            maximum=120,
        ),
        _share(
            "Ramp productivity",
            "ramp_productivity",
            "Share of full capacity a new hire delivers while ramping.",
            default=0.5,
        ),
        _money("Severance", "severance", "Cost of one layoff.", "per layoff", default=0.0),
        _share(
            "Layoff cap",
            "layoff_cap_share",
            "Most layoffs in one period as a share of this role's headcount at the start of the period. Blank: no cap.",
            unit="per period",
        ),
        Field(
            "Reduced-hours cap",
            "reduced_hours_cap",
            "number",
            "Most people of this role on reduced hours at once, company-wide. Blank or 0: not used.",
            unit="people",
            default=0.0,
            minimum=0.0,
        ),
        _share(
            "Reduced-hours FTE",
            "reduced_hours_fte",
            "Share of full hours a person on reduced hours works.",
            default=0.5,
        ),
        _money(
            "Reduced-hours cost",
            "reduced_hours_cost_per_year",
            "Extra cost of one person on reduced hours.",
            "per person per year",
            default=0.0,
        ),
        _money(
            "Surplus cost",
            "surplus_cost_per_year",
            "Extra cost of one full-time person not needed for demand (overmanning).",
            "per FTE per year",
            default=0.0,
        ),
    ),
)

UNITS = SheetSpec(
    name="Units",
    layout="table",
    purpose="One row per organisation unit: a region and a customer segment.",
    key=("Unit",),
    required_rows=True,
    fields=(
        Field("Unit", "name", "text", "Name of the organisation unit.", required=True),
        Field("Region", "region", "text", "Region the unit belongs to.", required=True),
        Field(
            "Segment",
            "segment",
            "text",
            "Customer segment the unit serves (enterprise, mid-market, SMB, ...).",
            required=True,
        ),
    ),
)

WORK_TYPES = SheetSpec(
    name="WorkTypes",
    layout="table",
    purpose="One row per kind of customer work, and what it costs when it goes undone.",
    key=("Work type",),
    required_rows=True,
    fields=(
        Field(
            "Work type",
            "name",
            "text",
            "Name of the kind of work (relationship, technical, transactional, ...).",
            required=True,
        ),
        Field("Description", "description", "text", "What this work is, in a sentence."),
        _money(
            "Unmet penalty",
            "unmet_penalty_per_hour",
            "Lost revenue for one hour of this demand that is not served.",
            "per hour",
            default=0.0,
        ),
        Field(
            "Must meet", "must_meet", "yesno", "yes: this demand must be served in full.", default="no", allowed=YES_NO
        ),
    ),
)

HEADCOUNT = SheetSpec(
    name="Headcount",
    layout="table",
    purpose="Today's people: one row per employee or per group with a count.",
    required_rows=True,
    key=("Group",),
    fields=(
        Field(
            "Group",
            "group",
            "text",
            "Employee or group identifier, used to join the Skills sheet. Never copied to the results.",
            required=True,
        ),
        Field("Role", "role", "ref", "Role of these people.", required=True, ref="Roles"),
        Field("Unit", "unit", "ref", "Unit these people work in.", required=True, ref="Units"),
        Field(
            "Tenure band",
            "tenure_band",
            "choice",
            "Service so far; people under a year leave at the first-year rate in period 1.",
            default="1 year or more",
            allowed=TENURE_BANDS,
        ),
        Field("Count", "count", "integer", "Number of people in this row.", unit="people", default=1, minimum=0),
        _money(
            "Cost override",
            "cost_override_per_year",
            "Loaded cost of these people if it differs from the role's. Blank: role's cost.",
            "per FTE per year",
        ),
    ),
)

SKILLS = SheetSpec(
    name="Skills",
    layout="table",
    purpose="Skill levels of the groups on the Headcount sheet (skill names are free).",
    key=("Group", "Skill"),
    fields=(
        Field("Group", "group", "ref", "Group from the Headcount sheet.", required=True, ref="Headcount"),
        Field("Skill", "skill", "text", "Name of the skill.", required=True),
        Field(
            "Level", "level", "number", "Skill level, 0 (none) to 5 (expert).", required=True, minimum=0.0, maximum=5.0
        ),
    ),
)

DEMAND = SheetSpec(
    name="Demand",
    layout="table",
    purpose="Customer demand per unit, work type and period: in hours, or accounts times hours per account.",
    key=("Unit", "Work type", "Period"),
    required_rows=True,
    fields=(
        Field("Unit", "unit", "ref", "Unit whose customers ask for the work.", required=True, ref="Units"),
        Field("Work type", "work_type", "ref", "Kind of work asked for.", required=True, ref="WorkTypes"),
        Field("Period", "period", "ref", "Planning period label (see Settings).", required=True, ref="Periods"),
        Field(
            "Hours",
            "hours",
            "hours",
            "Hours of work asked for. Blank: Accounts x Hours per account.",
            unit="hours per period",
            minimum=0.0,
        ),
        Field(
            "Accounts",
            "accounts",
            "number",
            "Number of customer accounts (used when Hours is blank).",
            unit="accounts",
            minimum=0.0,
        ),
        Field(
            "Hours per account",
            "hours_per_account",
            "hours",
            "Hours each account needs in the period.",
            unit="hours per account per period",
            minimum=0.0,
        ),
        Field(
            "Must meet",
            "must_meet",
            "yesno",
            "yes: this demand must be served in full. Blank: as its work type says.",
            allowed=YES_NO,
        ),
    ),
)

EFFECTIVENESS = SheetSpec(
    name="Effectiveness",
    layout="table",
    purpose="How well each role does each kind of work: hours of demand served per hour spent (0 = cannot).",
    key=("Role", "Work type"),
    required_rows=True,
    fields=(
        Field("Role", "role", "ref", "Role.", required=True, ref="Roles"),
        Field("Work type", "work_type", "ref", "Kind of work.", required=True, ref="WorkTypes"),
        Field(
            "Effectiveness",
            "effectiveness",
            "number",
            "Hours of demand served per hour spent; 1 = fully effective, 0 = cannot.",
            required=True,
            minimum=0.0,
            maximum=5.0,
        ),
    ),
)

RESKILL_PATHS = SheetSpec(
    name="ReskillPaths",
    layout="table",
    purpose="Ways to retrain people from one role into another.",
    key=("Path",),
    fields=(
        Field("Path", "name", "text", "Name of the reskilling path.", required=True),
        Field("From role", "from_role", "ref", "Role people leave.", required=True, ref="Roles"),
        Field("To role", "to_role", "ref", "Role people join when they complete.", required=True, ref="Roles"),
        _money(
            "Cost per person", "cost_per_person", "Training cost for each person who starts.", "per person", default=0.0
        ),
        Field(
            "Duration",
            "duration",
            "integer",
            "Periods in training: paid, delivering no capacity. 0: the move happens within the period.",
            unit="periods",
            default=0,
            minimum=0,
            maximum=120,
        ),
        Field(
            "Coaching hours",
            "coaching_hours",
            "hours",
            "Hours of the To role's time each person in training needs in each period (coaching, supervision), "
            "given by people of the To role in the same unit. Only paths with a Duration of 1 or more have people "
            "in training.",
            unit="hours per person in training per period",
            default=0.0,
            minimum=0.0,
        ),
        _share(
            "Completion rate",
            "completion_rate",
            "Share of starters who complete and join the target role.",
            default=1.0,
        ),
        Field(
            "Non-completers",
            "non_completers",
            "choice",
            "What those who do not complete do: return to their role, or leave.",
            default="return",
            allowed=NON_COMPLETERS,
        ),
        Field(
            "Seats per period",
            "seats_per_period",
            "number",
            "Most people who can start this path in one period, company-wide. Blank: no cap.",
            unit="people per period",
            minimum=0.0,
        ),
        Field(
            "Cap vs target",
            "cap_share_of_target",
            "number",
            "Most starters in a unit and period as a share of the target role's headcount there at the end "
            "of the period. Blank: no cap.",
            unit="share of target headcount",
            minimum=0.0,
            maximum=100.0,
        ),
    ),
)

PATH_SKILLS = SheetSpec(
    name="PathSkills",
    layout="table",
    purpose="Minimum skill levels a person needs to start a reskilling path.",
    key=("Path", "Skill"),
    fields=(
        Field("Path", "path", "ref", "Reskilling path.", required=True, ref="ReskillPaths"),
        Field("Skill", "skill", "ref", "Skill (from the Skills sheet).", required=True, ref="Skills"),
        Field(
            "Minimum level",
            "minimum_level",
            "number",
            "Lowest level that qualifies.",
            required=True,
            minimum=0.0,
            maximum=5.0,
        ),
    ),
)

CAPACITY = SheetSpec(
    name="Capacity",
    layout="table",
    purpose="Non-employee capacity: AI sales agents, partners, contractors, bought in whole units.",
    key=("Source",),
    fields=(
        Field("Source", "name", "text", "Name of the capacity source.", required=True),
        Field("Kind", "kind", "choice", "AI agent, partner or contractor.", required=True, allowed=SOURCE_KINDS),
        _money(
            "Cost per unit",
            "cost_per_unit",
            "Cost of one unit of capacity for one period.",
            "per unit per period",
            required=True,
        ),
        Field(
            "Hours per unit",
            "hours_per_unit",
            "hours",
            "Hours of work one unit delivers in one period.",
            unit="hours per unit per period",
            required=True,
            minimum=0.0,
        ),
        Field(
            "Max units",
            "max_units",
            "number",
            "Most units in use in one period, company-wide. Blank: no cap.",
            unit="units",
            minimum=0.0,
        ),
        Field(
            "Units today",
            "existing_units",
            "integer",
            "Units in use today in each unit that it serves (kept in the do-nothing baseline).",
            unit="units per org unit",
            default=0,
            minimum=0,
        ),
    ),
)

CAPACITY_SCOPE = SheetSpec(
    name="CapacityScope",
    layout="table",
    purpose="Which work and segments each capacity source may serve, and the most share of that demand it may take.",
    key=("Source", "Work type", "Segment"),
    fields=(
        Field("Source", "source", "ref", "Capacity source.", required=True, ref="Capacity"),
        Field("Work type", "work_type", "ref", "Kind of work it may serve.", required=True, ref="WorkTypes"),
        Field("Segment", "segment", "ref", "Customer segment it may serve.", required=True, ref="Segments"),
        _share("Max share", "max_share", "Most share of that demand it may take at full adoption.", required=True),
    ),
)

COPILOTS = SheetSpec(
    name="Copilots",
    layout="table",
    purpose="AI assistants that make people of a role more productive.",
    key=("Copilot",),
    fields=(
        Field("Copilot", "name", "text", "Name of the copilot.", required=True),
        Field("Role", "role", "ref", "Role whose people get seats.", required=True, ref="Roles"),
        _money("Seat cost", "seat_cost", "Cost of one seat for one period.", "per seat per period", required=True),
        Field(
            "Uplift",
            "uplift",
            "number",
            "Extra capacity of a seated person at full adoption (0.2 = 20 % more).",
            required=True,
            minimum=0.0,
            maximum=5.0,
        ),
    ),
)

ADOPTION = SheetSpec(
    name="Adoption",
    layout="table",
    purpose=(
        "Adoption ramp per period for each capacity source and copilot (it may dip before it rises). "
        "Missing periods: full adoption."
    ),
    key=("Name", "Period"),
    fields=(
        Field("Name", "name", "ref", "Capacity source or copilot.", required=True, ref="Adopters"),
        Field("Period", "period", "ref", "Planning period label.", required=True, ref="Periods"),
        _share("Adoption", "adoption", "Share of full effect reached in this period.", required=True),
    ),
)

POLICY = SheetSpec(
    name="Policy",
    layout="settings",
    purpose="Company-wide limits that hold in every period.",
    fields=(
        _share(
            "Layoff cap share",
            "layoff_cap_share",
            "Most layoffs in one period as a share of the whole workforce at its start. Blank: no cap.",
            unit="per period",
        ),
        Field(
            "Layoff cap people",
            "layoff_cap_people",
            "number",
            "Most layoffs in one period, in people. Blank: no cap.",
            unit="people per period",
            minimum=0.0,
        ),
        Field(
            "Surplus cap",
            "surplus_cap",
            "number",
            "Most full-time people not needed for demand in one period, company-wide. Blank: no cap.",
            unit="FTE",
            minimum=0.0,
        ),
    ),
)

BUDGET = SheetSpec(
    name="Budget",
    layout="table",
    purpose=(
        "Most spending per period: every cost but the lost revenue of unmet demand "
        "(blank or missing period: no budget)."
    ),
    key=("Period",),
    fields=(
        Field("Period", "period", "ref", "Planning period label.", required=True, ref="Periods"),
        _money(
            "Budget",
            "budget",
            "Most spending in the period: salaries, hiring, severance, training, AI and other capacity, "
            "copilots, reduced hours, surplus (lost revenue from unmet demand is not spending).",
            "per period",
            required=True,
        ),
    ),
)

RATIOS = SheetSpec(
    name="Ratios",
    layout="table",
    purpose=(
        "Minimum and maximum ratios between roles in every unit of a segment "
        "(e.g. solution engineers per generalist)."
    ),
    key=("Segment", "Role", "Per role"),
    fields=(
        Field(
            "Segment",
            "segment",
            "ref",
            "Customer segment whose units the ratio applies to.",
            required=True,
            ref="Segments",
        ),
        Field("Role", "role", "ref", "Role counted.", required=True, ref="Roles"),
        Field("Per role", "per_role", "ref", "Role it is measured against.", required=True, ref="Roles"),
        Field("Minimum", "minimum", "number", "Least people of Role per person of Per role. Blank: none.", minimum=0.0),
        Field("Maximum", "maximum", "number", "Most people of Role per person of Per role. Blank: none.", minimum=0.0),
    ),
)

SEGMENT_RULES = SheetSpec(
    name="SegmentRules",
    layout="table",
    purpose="Rules per customer segment.",
    key=("Segment",),
    fields=(
        Field("Segment", "segment", "ref", "Customer segment.", required=True, ref="Segments"),
        _share(
            "Min human share",
            "min_human_share",
            "Least share of the segment's demand hours served by employees.",
            required=True,
        ),
    ),
)

#: Every sheet, in the order it appears in the workbook (after Instructions).
SHEETS: tuple[SheetSpec, ...] = (
    SETTINGS,
    ROLES,
    UNITS,
    WORK_TYPES,
    HEADCOUNT,
    SKILLS,
    DEMAND,
    EFFECTIVENESS,
    RESKILL_PATHS,
    PATH_SKILLS,
    CAPACITY,
    CAPACITY_SCOPE,
    COPILOTS,
    ADOPTION,
    POLICY,
    BUDGET,
    RATIOS,
    SEGMENT_RULES,
)

SHEETS_BY_NAME: dict[str, SheetSpec] = {sheet.name: sheet for sheet in SHEETS}

INSTRUCTIONS_SHEET = "Instructions"

#: Reference targets that are not a sheet's first column: derived key sets.
DERIVED_REFERENCES = {
    "Periods": "the period labels that follow from Settings (First period, Periods, Period length)",
    "Segments": "the segments named on the Units sheet",
    "Adopters": "the names on the Capacity and Copilots sheets",
    "Skills": "the skill names on the Skills sheet",
}


def sheet(name: str) -> SheetSpec:
    """Return the spec of sheet ``name``."""
    return SHEETS_BY_NAME[name]
