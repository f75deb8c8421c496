"""Every input value a plan used, as rows for the Assumptions sheet.

One :class:`Assumption` per value, named by the input sheet it comes from, the
item on that sheet (role, unit, path, ...) and the field (the template's
header, from :mod:`rolemix.spec`, so the words match the input workbook).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import NamedTuple

from rolemix.inputs import OBJECTIVE_TERMS, PlanInput
from rolemix.report.cells import Kind
from rolemix.spec import SHEETS_BY_NAME, Field

_KIND_OF_TYPE: dict[str, Kind] = {
    "money": "money",
    "share": "share",
    "hours": "hours",
    "integer": "integer",
    "number": "number",
}

#: Words for each objective term (the inverse of :data:`rolemix.inputs.OBJECTIVE_TERMS`).
TERM_WORDS: dict[str, str] = {term: words for words, term in OBJECTIVE_TERMS.items()}

NOT_SET = "blank (no limit)"


class Assumption(NamedTuple):
    """One input value: where it comes from, what it is, and how to show it.

    A named tuple rather than a frozen dataclass: a large plan has one per
    demand figure (tens of thousands), and a tuple is made several times
    faster.
    """

    sheet: str
    item: str | None
    field: str
    value: object
    kind: Kind = "text"
    unit: str = ""


def objective_in_words(terms: Sequence[str]) -> str:
    """``("layoffs", "cost")`` -> ``"fewest layoffs, then least cost"``."""
    return ", then ".join(TERM_WORDS.get(term, term) for term in terms)


def _from_spec(sheet: str, item: str | None, source: object, skip: tuple[str, ...] = ()) -> Iterator[Assumption]:
    """One assumption per template field of ``sheet`` whose key is an attribute of ``source``."""
    for spec_field in SHEETS_BY_NAME[sheet].fields:
        if spec_field.key in skip or not hasattr(source, spec_field.key):
            continue
        yield _valued(sheet, item, spec_field, getattr(source, spec_field.key))


def _valued(sheet: str, item: str | None, spec_field: Field, value: object) -> Assumption:
    if value is None:
        return Assumption(sheet, item, spec_field.label, NOT_SET, "text", spec_field.unit)
    if isinstance(value, bool):
        return Assumption(sheet, item, spec_field.label, "yes" if value else "no", "text", spec_field.unit)
    if isinstance(value, int | float):
        return Assumption(sheet, item, spec_field.label, value, _KIND_OF_TYPE.get(spec_field.type, "number"),
                          spec_field.unit)
    return Assumption(sheet, item, spec_field.label, str(value), "text", spec_field.unit)


def input_assumptions(plan_input: PlanInput) -> list[Assumption]:
    """Every value of ``plan_input``, sheet by sheet in the template's order."""
    rows: list[Assumption] = []
    labels = plan_input.period_labels
    settings = plan_input.settings
    rows.extend(_from_spec("Settings", None, settings, skip=("objective",)))
    rows.append(Assumption("Settings", None, "Objective", objective_in_words(settings.objective)))
    rows.append(Assumption("Settings", None, "Period labels", ", ".join(labels)))

    for role in plan_input.roles:
        rows.extend(_from_spec("Roles", role.name, role, skip=("name",)))
    for unit in plan_input.units:
        rows.extend(_from_spec("Units", unit.name, unit, skip=("name",)))
    for work_type in plan_input.work_types:
        rows.extend(_from_spec("WorkTypes", work_type.name, work_type, skip=("name",)))

    for cohort in plan_input.start:
        item = f"{cohort.role} in {cohort.unit}"
        rows.append(Assumption("Headcount", item, "Count", cohort.count, "people", "people"))
        rows.append(Assumption("Headcount", item, "Under one year", cohort.under_one_year, "people", "people"))
        rows.append(Assumption("Headcount", item, "Loaded cost", cohort.cost_per_year, "money", "per FTE per year"))

    for demand in sorted(plan_input.demand, key=attrgetter("period", "unit", "work_type")):
        item = f"{demand.unit} / {demand.work_type} / {labels[demand.period - 1]}"
        rows.append(Assumption("Demand", item, "Hours", demand.hours, "hours", "hours per period"))
        rows.append(Assumption("Demand", item, "Must meet", "yes" if demand.must_meet else "no"))
        rows.append(Assumption("Demand", item, "Unmet penalty", demand.unmet_penalty_per_hour, "money", "per hour"))

    for role_name, work_type_name, effectiveness in plan_input.effectiveness:
        rows.append(Assumption("Effectiveness", f"{role_name} / {work_type_name}", "Effectiveness", effectiveness,
                               "number"))

    for path in plan_input.paths:
        rows.extend(_from_spec("ReskillPaths", path.name, path, skip=("name",)))
        for skill, level in path.min_skills:
            rows.append(Assumption("PathSkills", path.name, f"Minimum level: {skill}", level, "number"))
        if path.eligible is None:
            rows.append(Assumption("Skills", path.name, "Eligible people", "everyone in the from-role"))
        else:
            for unit_name, count in path.eligible:
                rows.append(Assumption("Skills", path.name, f"Eligible people in {unit_name}", count, "people",
                                       "people today"))

    for source in plan_input.sources:
        rows.extend(_from_spec("Capacity", source.name, source, skip=("name",)))
        for rule in source.scope:
            rows.append(Assumption("CapacityScope", source.name, f"Max share of {rule.work_type} in {rule.segment}",
                                   rule.max_share, "share"))
        rows.extend(_adoption(source.name, source.adoption, labels))
    for copilot in plan_input.copilots:
        rows.extend(_from_spec("Copilots", copilot.name, copilot, skip=("name",)))
        rows.extend(_adoption(copilot.name, copilot.adoption, labels))

    policy = plan_input.policy
    rows.extend(_from_spec("Policy", None, policy))
    for label, budget in zip(labels, policy.budget, strict=False):
        value: object = budget if budget is not None else "blank (no budget)"
        rows.append(Assumption("Budget", label, "Budget", value, "money", "per period"))
    for ratio in plan_input.ratios:
        item = f"{ratio.role} per {ratio.per_role} in {ratio.segment}"
        rows.extend(_from_spec("Ratios", item, ratio, skip=("segment", "role", "per_role")))
    for segment, share in policy.min_human_share:
        rows.append(Assumption("SegmentRules", segment, "Min human share", share, "share"))
    return rows


def _adoption(name: str, adoption: Sequence[float], labels: Sequence[str]) -> Iterator[Assumption]:
    for label, share in zip(labels, adoption, strict=False):
        yield Assumption("Adoption", name, f"Adoption in {label}", share, "share")


def overridden(rows: Sequence[Assumption], overrides: Sequence[tuple[str, str, object, object]]) -> set[int]:
    """Indexes of ``rows`` that a scenario override changed.

    An override ``(sheet, description, workbook value, scenario value)`` marks
    the rows of that sheet whose field label appears in the description
    (the longest such label, so "First-year attrition" is not also read as
    "Attrition") and, for rows about an item, whose item appears in it too
    (again the longest).  Case is ignored.  An override that names no row is
    still listed in the overrides table.
    """
    marked: set[int] = set()
    for sheet, description, _, _ in overrides:
        text = description.lower()
        candidates = [i for i, row in enumerate(rows) if row.sheet.lower() == sheet.lower()]
        fields = [rows[i].field for i in candidates if rows[i].field.lower() in text]
        if not fields:
            continue
        best_field = max(fields, key=len)
        candidates = [i for i in candidates if rows[i].field == best_field]
        items = [item for item in (rows[i].item for i in candidates) if item is not None and item.lower() in text]
        if items:
            best_item = max(items, key=len)
            marked.update(i for i in candidates if rows[i].item == best_item)
        else:
            marked.update(i for i in candidates if rows[i].item is None)
    return marked
