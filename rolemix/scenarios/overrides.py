"""Changing one value of a plan input, addressed the way the workbook addresses it.

An override names a sheet, the row's key (the sheet's key columns, as in
:attr:`rolemix.spec.SheetSpec.key`) and a column or setting label.  The label
is mapped to the plan-input attribute through the spec (:attr:`Field.key`),
the value is converted and checked by the same converter the workbook reader
uses for that column (:func:`rolemix.workbook.validate.converter`), and the
frozen plan input is rebuilt with :func:`dataclasses.replace`.  Nothing else
changes: a scenario that changes one value changes only that value (and the
copies the reader makes of it, such as a work type's penalty on each of its
Demand rows).

Some values cannot be changed by a scenario because the reader turned them
into something else (today's people are aggregated from Headcount rows;
eligibility for reskilling comes from Skills and PathSkills) or because they
decide the planning periods; :data:`FIXED_SHEETS` and :data:`FIXED_COLUMNS`
say why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from rolemix.errors import Problem
from rolemix.inputs import OBJECTIVE_TERMS, PlanInput, Ratio, ScopeRule
from rolemix.scenarios.document import KeyPath
from rolemix.scenarios.schema import close_match, found
from rolemix.spec import SHEETS_BY_NAME, Field, SheetSpec
from rolemix.workbook.validate import BLANK_REQUIRED, REFERENCE_WORDS, converter, period_text, show, text_value

#: Makes the problem of one part of an override: the part's path below the override (``("value",)``,
#: ``("key", 1)``, or ``()`` for the override as a whole) and the message.
Locate = Callable[[KeyPath, str], Problem]

_Record = TypeVar("_Record")

#: Sheets a scenario cannot change, and why.
FIXED_SHEETS: dict[str, str] = {
    "Headcount": "today's people are fixed by the workbook (the plan works with them per role and unit)",
    "Skills": "skill levels decide who may reskill when the workbook is read; change them in the workbook",
    "PathSkills": "skill minimums decide who may reskill when the workbook is read; change them in the workbook",
}

#: Columns and settings a scenario cannot change, and why.
FIXED_COLUMNS: dict[tuple[str, str], str] = {
    ("Settings", "Period length"): "the planning periods come from the workbook",
    ("Settings", "Periods"): "the planning periods come from the workbook",
    ("Settings", "First period"): "the planning periods come from the workbook",
    ("Units", "Segment"): "rules, ratios and capacity scopes refer to segments; change it in the workbook",
    ("Demand", "Accounts"): "a scenario sets demand in hours: change Hours instead",
    ("Demand", "Hours per account"): "a scenario sets demand in hours: change Hours instead",
    ("ReskillPaths", "From role"): "who is eligible depends on it; add a path in the workbook instead",
    ("ReskillPaths", "To role"): "add a path in the workbook instead",
}

#: Sheets where an override may add a row the workbook does not have.
_ADDABLE = ("Effectiveness", "CapacityScope", "Ratios", "SegmentRules")

#: The objective dropdown joins its terms with this text ("fewest layoffs, then least cost").
_OBJECTIVE_SEPARATOR = ", then "
_TERM_WORDS = {term: words for words, term in OBJECTIVE_TERMS.items()}

#: Plan-input tuples of records found by name, per sheet: (attribute of PlanInput, what the names are).
_NAMED: dict[str, tuple[str, str]] = {
    "Roles": ("roles", REFERENCE_WORDS["Roles"]),
    "Units": ("units", REFERENCE_WORDS["Units"]),
    "WorkTypes": ("work_types", REFERENCE_WORDS["WorkTypes"]),
    "ReskillPaths": ("paths", REFERENCE_WORDS["ReskillPaths"]),
    "Capacity": ("sources", REFERENCE_WORDS["Capacity"]),
    "Copilots": ("copilots", "one of the copilots on the Copilots sheet"),
}


class _Missing:
    """The value of a row the workbook does not have (an override may add it on some sheets)."""

    def __repr__(self) -> str:
        return "missing"


MISSING = _Missing()


@dataclass(frozen=True)
class Override:
    """One value a scenario changed, for the Assumptions sheet of the plan and the comparison workbook.

    Values are shown as in the workbook: shares as fractions, ``"yes"``/``"no"``,
    the objective in the words of its dropdown, ``None`` for blank.
    """

    sheet: str
    #: The row (its key values joined by " / "), ``None`` on Settings and Policy.
    item: str | None
    #: The column or setting label, as in the template.
    column: str
    workbook_value: object
    scenario_value: object
    #: Where the change was written, e.g. ``"scenarios/ai-fast.yaml, line 7"``.
    source: str = ""
    #: A demand or budget multiplier: values are totals over the horizon, and repeated multipliers compound.
    multiplier: bool = False

    @property
    def description(self) -> str:
        """Item and column in the words the Assumptions sheet uses for the same value."""
        field = self.column
        item = self.item
        if self.sheet == "CapacityScope" and item is not None:
            source, work_type, segment = item.split(" / ")
            item, field = source, f"Max share of {work_type} in {segment}"
        elif self.sheet == "Adoption" and item is not None:
            name, period = item.split(" / ")
            item, field = name, f"Adoption in {period}"
        elif self.sheet == "Ratios" and item is not None:
            segment, role, per_role = item.split(" / ")
            item = f"{role} per {per_role} in {segment}"
        return field if item is None else f"{item}: {field}"

    def assumption_row(self) -> tuple[str, str, object, object]:
        """``(sheet, description, workbook value, scenario value)`` as ``write_plan_workbook`` takes them."""
        return (self.sheet, self.description, self.workbook_value, self.scenario_value)


@dataclass(frozen=True)
class Address:
    """A value of the plan input as the workbook addresses it (labels and key values checked)."""

    sheet: str
    key: tuple[str, ...]
    column: str

    @property
    def item(self) -> str | None:
        return " / ".join(self.key) if self.key else None

    def __str__(self) -> str:
        key = f"[{', '.join(self.key)}]" if self.key else ""
        return f"{self.sheet}{key}.{self.column}"


# --- addressing ---------------------------------------------------------------------------------------


def _label_key(label: str) -> str:
    return " ".join(label.split()).lower()


def changeable_columns(spec: SheetSpec) -> list[str]:
    """Labels of the columns or settings of ``spec`` that a scenario may change."""
    return [
        f.label for f in spec.fields if f.label not in spec.key and (spec.name, f.label) not in FIXED_COLUMNS
    ]


def _names(plan_input: PlanInput, ref: str) -> list[str]:
    """The names a key or reference may take, in workbook order."""
    if ref == "Roles":
        return [role.name for role in plan_input.roles]
    if ref == "Units":
        return [unit.name for unit in plan_input.units]
    if ref == "WorkTypes":
        return [work_type.name for work_type in plan_input.work_types]
    if ref == "ReskillPaths":
        return [path.name for path in plan_input.paths]
    if ref == "Capacity":
        return [source.name for source in plan_input.sources]
    if ref == "Copilots":
        return [copilot.name for copilot in plan_input.copilots]
    if ref == "Segments":
        return list(plan_input.segments)
    if ref == "Adopters":
        return [source.name for source in plan_input.sources] + [copilot.name for copilot in plan_input.copilots]
    if ref == "Periods":
        return list(plan_input.period_labels)
    raise ValueError(f"no names for {ref}")  # pragma: no cover - every key of an addressable sheet is covered


def _key_reference(spec: SheetSpec, label: str) -> tuple[str, str]:
    """Which names a key column takes, and those names in words."""
    if spec.name in _NAMED and label == spec.key[0]:
        # The first column of these sheets is the name other sheets refer to by the sheet's own name.
        return spec.name, _NAMED[spec.name][1]
    ref = spec.field(label).ref
    return ref, REFERENCE_WORDS.get(ref, "")


def not_found_message(value: str, names: Sequence[str], expected: str) -> str:
    """``found 'x', expected one of the roles ...`` with a hint at the name that was probably meant."""
    message = f"found {show(value)}, expected {expected}"
    exact_case = {name.lower(): name for name in names}.get(value.lower())
    if exact_case is not None:
        return message + f" (names must match exactly: {exact_case!r})"
    return message + close_match(value, list(names))


def resolve_address(
    plan_input: PlanInput, sheet: str, key: object, column: str, locate: Locate, problems: list[Problem]
) -> Address | None:
    """Check an override's sheet, key and column against the spec and the plan input.

    Parameters
    ----------
    plan_input
        The plan the scenario changes (its names decide which keys exist).
    sheet, key, column
        As written in the scenario: ``key`` is ``None``, one value, or a list
        of values in the order of the sheet's key columns.
    locate
        Makes a problem for a part of the override.
    problems
        Where problems are added.

    Returns
    -------
    Address or None
        The checked address, or ``None`` when a problem was added.
    """
    spec = SHEETS_BY_NAME[sheet]
    if sheet in FIXED_SHEETS:
        message = f"found {show(sheet)}, a sheet a scenario cannot change: {FIXED_SHEETS[sheet]}"
        problems.append(locate(("sheet",), message))
        return None
    label = _column(spec, column, locate, problems)
    key_values = _key(plan_input, spec, key, locate, problems)
    if label is None or key_values is None:
        return None
    return Address(sheet, key_values, label)


def _column(spec: SheetSpec, column: str, locate: Locate, problems: list[Problem]) -> str | None:
    by_key = {_label_key(f.label): f.label for f in spec.fields}
    label = by_key.get(_label_key(column))
    allowed = changeable_columns(spec)
    what = "setting" if spec.layout == "settings" else "column"
    if label is None:
        listed = ", ".join(repr(name) for name in allowed)
        problems.append(
            locate(("column",), f"found {show(column)}, expected a {what} of the {spec.name} sheet: {listed}"
                   f"{close_match(column, allowed)}")
        )
        return None
    if label in spec.key:
        problems.append(
            locate(("column",), f"found {show(label)}, a key column: it names the row and a scenario cannot change it")
        )
        return None
    reason = FIXED_COLUMNS.get((spec.name, label))
    if reason is not None:
        problems.append(locate(("column",), f"found {show(label)}, a {what} a scenario cannot change: {reason}"))
        return None
    return label


def _key(
    plan_input: PlanInput, spec: SheetSpec, key: object, locate: Locate, problems: list[Problem]
) -> tuple[str, ...] | None:
    if spec.layout == "settings":
        if key is not None:
            problems.append(
                locate(("key",),
                       f"found {found(key)}, expected no key: the {spec.name} sheet has one value per setting")
            )
            return None
        return ()
    labels = spec.key
    joined = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    if key is None:
        problems.append(locate((), f"key missing, but the {spec.name} sheet needs one: the {joined} of the row"))
        return None
    parts: list[tuple[KeyPath, object]] = (
        [(("key", index), part) for index, part in enumerate(key)] if isinstance(key, list) else [(("key",), key)]
    )
    if len(parts) != len(labels):
        problems.append(
            locate(("key",),
                   f"found {len(parts)} value{'s' if len(parts) != 1 else ''}, expected {len(labels)}: {joined}")
        )
        return None
    values: list[str] = []
    ok = True
    for (where, raw), label in zip(parts, labels, strict=True):
        ref, expected = _key_reference(spec, label)
        text = period_text(raw, plan_input.settings.period_length) if ref == "Periods" else text_value(raw)
        names = _names(plan_input, ref)
        if text is None:
            problems.append(locate(where, f"blank, but the {label} of the row is required"))
            ok = False
        elif text not in names:
            if ref == "Periods":
                labels_ = plan_input.period_labels
                message = f"found {show(raw)}, expected a period label from {labels_[0]} to {labels_[-1]}"
            else:
                message = not_found_message(text, names, expected)
            problems.append(locate(where, message))
            ok = False
        else:
            values.append(text)
    if not ok:
        return None
    if spec.name == "Ratios" and values[1] == values[2]:
        problems.append(locate(("key", 2), f"found {show(values[2])}, expected a role other than Role"))
        return None
    return tuple(values)


# --- reading and writing values -----------------------------------------------------------------------


def _shown(spec_field: Field, value: object) -> object:
    """A plan-input value as the workbook shows it."""
    if spec_field.type == "yesno" and isinstance(value, bool):
        return "yes" if value else "no"
    if spec_field.key == "objective" and isinstance(value, tuple):
        return _OBJECTIVE_SEPARATOR.join(_TERM_WORDS.get(str(term), str(term)) for term in value)
    return value


def _typed(spec_field: Field, value: object) -> object:
    """A converted workbook value in the type of its plan-input attribute (as the reader builds it)."""
    if spec_field.type == "yesno":
        return value == "yes"
    if value is None:
        return "" if spec_field.type == "text" else None
    if spec_field.key == "objective":
        assert isinstance(value, str)
        return tuple(OBJECTIVE_TERMS[term] for term in value.split(_OBJECTIVE_SEPARATOR))
    if spec_field.type == "integer":
        assert isinstance(value, int | float)
        return int(value)
    if spec_field.type in ("number", "money", "hours", "share"):
        assert isinstance(value, int | float)
        return float(value)
    return value


def _set(record: _Record, attribute: str, value: object) -> _Record:
    """``record`` with one attribute replaced (the attribute is named by the spec, so known only at run time)."""
    changes: dict[str, Any] = {attribute: value}
    changed: _Record = replace(record, **changes)  # type: ignore[type-var]
    return changed


def _index_by_name(records: Sequence[Any], name: str) -> int:
    for index, record in enumerate(records):
        if record.name == name:
            return index
    raise KeyError(name)  # pragma: no cover - names were checked when the address was resolved


def _replaced(records: Sequence[Any], index: int, record: Any) -> tuple[Any, ...]:
    items = list(records)
    items[index] = record
    return tuple(items)


def _period(plan_input: PlanInput, label: str) -> int:
    return plan_input.period_labels.index(label) + 1


def current_value(plan_input: PlanInput, address: Address) -> object:
    """The value at ``address`` as the workbook shows it; :data:`MISSING` for a row the workbook lacks."""
    spec = SHEETS_BY_NAME[address.sheet]
    spec_field = spec.field(address.column)
    sheet, key = address.sheet, address.key
    if sheet == "Settings":
        return _shown(spec_field, getattr(plan_input.settings, spec_field.key))
    if sheet == "Policy":
        return getattr(plan_input.policy, spec_field.key)
    if sheet in _NAMED:
        records = getattr(plan_input, _NAMED[sheet][0])
        return _shown(spec_field, getattr(records[_index_by_name(records, key[0])], spec_field.key))
    if sheet == "Demand":
        unit, work_type, label = key
        period = _period(plan_input, label)
        for demand in plan_input.demand:
            if (demand.unit, demand.work_type, demand.period) == (unit, work_type, period):
                return _shown(spec_field, getattr(demand, spec_field.key))
        return MISSING
    if sheet == "Effectiveness":
        return dict(((role, work), value) for role, work, value in plan_input.effectiveness).get((key[0], key[1]), 0.0)
    if sheet == "CapacityScope":
        source = plan_input.sources[_index_by_name(plan_input.sources, key[0])]
        for rule in source.scope:
            if (rule.work_type, rule.segment) == (key[1], key[2]):
                return rule.max_share
        return MISSING
    if sheet == "Adoption":
        period = _period(plan_input, key[1])
        ramps = {source.name: source.adoption for source in plan_input.sources}
        ramps.update((copilot.name, copilot.adoption) for copilot in plan_input.copilots)
        return ramps[key[0]][period - 1]
    if sheet == "Budget":
        return plan_input.policy.budget[_period(plan_input, key[0]) - 1]
    if sheet == "Ratios":
        for ratio in plan_input.ratios:
            if (ratio.segment, ratio.role, ratio.per_role) == key:
                return getattr(ratio, spec_field.key)
        return MISSING
    if sheet == "SegmentRules":
        return dict(plan_input.policy.min_human_share).get(key[0], MISSING)
    raise ValueError(f"sheet {sheet} cannot be changed")  # pragma: no cover - refused in resolve_address


def _with_value(plan_input: PlanInput, address: Address, value: object) -> PlanInput:
    """``plan_input`` with the value at ``address`` replaced by ``value`` (typed as the plan input holds it)."""
    spec_field = SHEETS_BY_NAME[address.sheet].field(address.column)
    sheet, key, attribute = address.sheet, address.key, spec_field.key
    if sheet == "Settings":
        return replace(plan_input, settings=_set(plan_input.settings, attribute, value))
    if sheet == "Policy":
        return replace(plan_input, policy=_set(plan_input.policy, attribute, value))
    if sheet in _NAMED:
        name = _NAMED[sheet][0]
        records = getattr(plan_input, name)
        index = _index_by_name(records, key[0])
        record = _set(records[index], attribute, value)
        changed = _set(plan_input, name, _replaced(records, index, record))
        if sheet == "WorkTypes" and attribute in ("unmet_penalty_per_hour", "must_meet"):
            # The reader copies a work type's penalty (and its Must meet, where a row leaves it blank) onto each
            # of its Demand rows; the model reads the rows.
            demand = tuple(
                _set(row, attribute, value) if row.work_type == key[0] else row for row in changed.demand
            )
            changed = replace(changed, demand=demand)
        return changed
    if sheet == "Demand":
        unit, work_type, label = key
        period = _period(plan_input, label)
        demand = tuple(
            _set(row, attribute, value) if (row.unit, row.work_type, row.period) == (unit, work_type, period)
            else row
            for row in plan_input.demand
        )
        return replace(plan_input, demand=demand)
    if sheet == "Effectiveness":
        assert isinstance(value, float)
        pairs = [(role, work, level) for role, work, level in plan_input.effectiveness if (role, work) != key]
        if value > 0:
            # The plan input lists only pairs above zero, in workbook order; a changed pair keeps its place.
            position = next(
                (i for i, (role, work, _) in enumerate(plan_input.effectiveness) if (role, work) == key), len(pairs)
            )
            pairs.insert(position, (key[0], key[1], value))
        return replace(plan_input, effectiveness=tuple(pairs))
    if sheet == "CapacityScope":
        assert isinstance(value, float)
        index = _index_by_name(plan_input.sources, key[0])
        source = plan_input.sources[index]
        rules = [rule for rule in source.scope]
        for position, rule in enumerate(rules):
            if (rule.work_type, rule.segment) == (key[1], key[2]):
                rules[position] = replace(rule, max_share=value)
                break
        else:
            rules.append(ScopeRule(key[1], key[2], value))
        sources = _replaced(plan_input.sources, index, replace(source, scope=tuple(rules)))
        return replace(plan_input, sources=sources)
    if sheet == "Adoption":
        period = _period(plan_input, key[1])
        for attribute_name in ("sources", "copilots"):
            records = getattr(plan_input, attribute_name)
            for index, record in enumerate(records):
                if record.name == key[0]:
                    adoption = list(record.adoption)
                    adoption[period - 1] = value
                    changed_record = replace(record, adoption=tuple(adoption))
                    return _set(plan_input, attribute_name, _replaced(records, index, changed_record))
        raise KeyError(key[0])  # pragma: no cover - names were checked when the address was resolved
    if sheet == "Budget":
        budget = list(plan_input.policy.budget)
        budget[_period(plan_input, key[0]) - 1] = value  # type: ignore[call-overload]
        return replace(plan_input, policy=replace(plan_input.policy, budget=tuple(budget)))
    if sheet == "Ratios":
        ratios = list(plan_input.ratios)
        for position, ratio in enumerate(ratios):
            if (ratio.segment, ratio.role, ratio.per_role) == key:
                ratios[position] = _set(ratio, attribute, value)
                break
        else:
            ratios.append(Ratio(key[0], key[1], key[2], **{attribute: value}))  # type: ignore[arg-type]
        return replace(plan_input, ratios=tuple(ratios))
    if sheet == "SegmentRules":
        assert isinstance(value, float)
        shares = list(plan_input.policy.min_human_share)
        for position, (segment, _) in enumerate(shares):
            if segment == key[0]:
                shares[position] = (segment, value)
                break
        else:
            shares.append((key[0], value))
        return replace(plan_input, policy=replace(plan_input.policy, min_human_share=tuple(shares)))
    raise ValueError(f"sheet {sheet} cannot be changed")  # pragma: no cover - refused in resolve_address


def apply_value(
    plan_input: PlanInput, address: Address, raw: object, locate: Locate, problems: list[Problem], source: str = ""
) -> tuple[PlanInput, Override | None]:
    """Set the value at ``address`` to ``raw`` (as written in the scenario), checked like a workbook cell.

    Returns
    -------
    tuple
        The changed plan input and the record of the change; the plan input
        unchanged and ``None`` when the value has a problem (added to
        ``problems``).
    """
    spec = SHEETS_BY_NAME[address.sheet]
    spec_field = spec.field(address.column)
    before = current_value(plan_input, address)
    if before is MISSING and address.sheet not in _ADDABLE:
        problems.append(
            locate(("key",), f"found {', '.join(address.key)}, but the workbook has no {spec.name} row with this "
                             f"{', '.join(spec.key)}; a scenario changes rows the workbook has")
        )
        return plan_input, None
    value, message = converter(spec_field)(raw)
    if message is not None:
        problems.append(locate(("value",), message))
        return plan_input, None
    if spec_field.type == "ref" and value is not None:
        assert isinstance(value, str)
        names = _names(plan_input, spec_field.ref)
        if value not in names:
            problems.append(locate(("value",), not_found_message(value, names, REFERENCE_WORDS[spec_field.ref])))
            return plan_input, None
    if address.sheet == "Demand" and value is None:
        if address.column == "Hours":
            problems.append(locate(("value",), f"{BLANK_REQUIRED} (a scenario sets demand in hours)"))
            return plan_input, None
        # A blank Must meet on a Demand row means: as its work type says.
        work_type = next(w for w in plan_input.work_types if w.name == address.key[1])
        value = "yes" if work_type.must_meet else "no"
    typed = _typed(spec_field, value)
    changed = _with_value(plan_input, address, typed)
    if address.sheet == "Ratios" and not _ratio_ok(changed, address, locate, problems):
        return plan_input, None
    workbook_value = None if before is MISSING else before
    return changed, Override(spec.name, address.item, address.column, workbook_value, _shown(spec_field, typed), source)


def _ratio_ok(plan_input: PlanInput, address: Address, locate: Locate, problems: list[Problem]) -> bool:
    for ratio in plan_input.ratios:
        if (ratio.segment, ratio.role, ratio.per_role) != address.key:
            continue
        if ratio.minimum is None and ratio.maximum is None:
            problems.append(locate(("value",), "blank, but a Minimum or a Maximum is required"))
            return False
        if ratio.minimum is not None and ratio.maximum is not None and ratio.minimum > ratio.maximum:
            if address.column == "Minimum":
                message = f"found {show(ratio.minimum)}, expected at most the Maximum {show(ratio.maximum)}"
            else:
                message = f"found {show(ratio.maximum)}, expected at least the Minimum {show(ratio.minimum)}"
            problems.append(locate(("value",), message))
            return False
    return True


# --- multipliers --------------------------------------------------------------------------------------


def apply_demand_multiplier(
    plan_input: PlanInput,
    segment: str | None,
    work_type: str | None,
    factor: float,
    locate: Locate,
    problems: list[Problem],
    source: str = "",
) -> tuple[PlanInput, Override | None]:
    """Multiply the demand hours of a segment and/or work type (``None``: all) by ``factor``.

    The record shows the hours over the horizon before and after.
    """
    ok = True
    if segment is not None and segment not in plan_input.segments:
        message = not_found_message(segment, plan_input.segments, REFERENCE_WORDS["Segments"])
        problems.append(locate(("segment",), message))
        ok = False
    work_types = [w.name for w in plan_input.work_types]
    if work_type is not None and work_type not in work_types:
        problems.append(locate(("work_type",), not_found_message(work_type, work_types, REFERENCE_WORDS["WorkTypes"])))
        ok = False
    if not ok:
        return plan_input, None
    segment_of = {unit.name: unit.segment for unit in plan_input.units}

    def chosen(unit: str, kind: str) -> bool:
        return (segment is None or segment_of[unit] == segment) and (work_type is None or kind == work_type)

    before = sum(row.hours for row in plan_input.demand if chosen(row.unit, row.work_type))
    demand = tuple(
        replace(row, hours=row.hours * factor) if chosen(row.unit, row.work_type) else row for row in plan_input.demand
    )
    after = sum(row.hours for row in demand if chosen(row.unit, row.work_type))
    item = f"{segment or 'every segment'} / {work_type or 'every work type'}, every period (x {show(factor)})"
    return replace(plan_input, demand=demand), Override("Demand", item, "Hours", before, after, source, multiplier=True)


def apply_budget_multiplier(plan_input: PlanInput, factor: float, source: str = "") -> tuple[PlanInput, Override]:
    """Multiply every period's budget by ``factor`` (periods without a budget stay without).

    The record shows the budget over the horizon before and after.
    """
    budget = plan_input.policy.budget
    scaled = tuple(None if amount is None else amount * factor for amount in budget)
    before = sum(amount for amount in budget if amount is not None)
    after = sum(amount for amount in scaled if amount is not None)
    changed = replace(plan_input, policy=replace(plan_input.policy, budget=scaled))
    item = f"every period (x {show(factor)})"
    return changed, Override("Budget", item, "Budget", before, after, source, multiplier=True)


def merge_overrides(overrides: Sequence[Override]) -> tuple[Override, ...]:
    """One record per changed value: the workbook's value and the last scenario value, in first-change order.

    Multipliers are kept one record each (they compound).
    """
    merged: dict[tuple[str, str | None, str], Override] = {}
    kept: list[tuple[str, str | None, str] | int] = []
    for index, override in enumerate(overrides):
        if override.multiplier:
            kept.append(index)
            continue
        key = (override.sheet, override.item, override.column)
        first = merged.get(key)
        if first is None:
            merged[key] = override
            kept.append(key)
        else:
            merged[key] = replace(override, workbook_value=first.workbook_value)
    return tuple(overrides[entry] if isinstance(entry, int) else merged[entry] for entry in kept)
