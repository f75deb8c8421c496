"""Scenario files: reading YAML and JSON with line numbers, the schema, and overrides applied exactly."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from rolemix.errors import FileRefused, InputError
from rolemix.inputs import PlanInput
from rolemix.scenarios import Override, load_scenario, read_scenario, scenario_schema
from rolemix.scenarios.document import parse_scalar
from rolemix.spec import SHEETS
from rolemix.workbook.reader import read_plan_input

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "excel_templates" / "example-software-co.xlsx"
SHIPPED = ROOT / "scenarios"


@pytest.fixture(scope="module")
def example() -> PlanInput:
    return read_plan_input(EXAMPLE)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems_of(path: Path, plan_input: PlanInput) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_scenario(path, plan_input)
    return [str(problem) for problem in caught.value.problems]


def differences(before: object, after: object, path: str = "") -> list[str]:
    """Every attribute path where two plan inputs (or parts of them) differ."""
    if dataclasses.is_dataclass(before) and not isinstance(before, type):
        found: list[str] = []
        for field in dataclasses.fields(before):
            found += differences(getattr(before, field.name), getattr(after, field.name), f"{path}.{field.name}")
        return found
    if isinstance(before, tuple) and isinstance(after, tuple):
        if len(before) != len(after):
            return [f"{path} (length {len(before)} -> {len(after)})"]
        found = []
        for index, (left, right) in enumerate(zip(before, after, strict=True)):
            found += differences(left, right, f"{path}[{index}]")
        return found
    return [] if before == after else [path]


# --- the schema ---------------------------------------------------------------------------------------


def test_the_schema_is_draft_2020_12_and_closed_everywhere() -> None:
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    objects = [schema, *schema["$defs"].values()]
    assert all(part["additionalProperties"] is False for part in objects)
    assert schema["$defs"]["override"]["properties"]["sheet"]["enum"] == [sheet.name for sheet in SHEETS]


def test_every_shipped_scenario_passes_the_schema() -> None:
    import yaml

    validator = jsonschema.Draft202012Validator(scenario_schema())
    files = sorted(SHIPPED.glob("*.yaml"))
    assert [f.stem for f in files] == [
        "ai-dip", "ai-fast", "base", "budget-minus-10pct", "layoff-cap-4pct", "no-layoffs", "technical-first",
    ]
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert list(validator.iter_errors(data)) == [], file.name
        assert data["name"] == file.stem


# --- schema problems with their lines -----------------------------------------------------------------


def test_unknown_key_names_its_line_and_the_likely_key(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "typo.yaml", """
        name: typo
        description: A misspelt key.
        overides:
          - {sheet: Roles, key: Account executive, column: Attrition, value: 0.2}
        """)
    assert problems_of(path, example) == [
        f"{path}, line 3, overides: unknown key 'overides', expected one of name, description, extends, overrides, "
        "demand_multipliers, budget_multiplier (did you mean 'overrides'?)"
    ]


def test_each_kind_of_schema_mistake_is_named_with_its_line(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "many.yaml", """
        description: Many mistakes.
        overrides:
          - {sheet: Role, key: Account executive, column: Attrition, value: 0.2}
          - {sheet: Roles, key: Account executive, value: 0.2}
          - {sheet: Roles, key: [], column: Attrition, value: [0.2]}
          - {sheet: Roles, key: Account executive, column: Attrition, value: 0.2, note: why}
        demand_multipliers:
          - {segment: SMB, factor: -0.5}
        budget_multiplier: ten percent
        """)
    assert problems_of(path, example) == [
        f"{path}, line 1, name: missing, but it is required",
        f"{path}, line 3, overrides[0].sheet: found 'Role', expected one of "
        + ", ".join(sheet.name for sheet in SHEETS) + " (did you mean 'Roles'?)",
        f"{path}, line 4, overrides[1].column: missing, but it is required",
        f"{path}, line 5, overrides[2].key: found an empty list, expected at least 1 item",
        f"{path}, line 5, overrides[2].value: found a list, expected text, a number, true or false or nothing (null)",
        f"{path}, line 6, overrides[3].note: unknown key 'note', expected one of sheet, key, column, value",
        f"{path}, line 8, demand_multipliers[0].factor: found -0.5, expected at least 0",
        f"{path}, line 9, budget_multiplier: found 'ten percent', expected a number",
    ]


def test_a_name_that_cannot_be_a_sheet_name_is_refused(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "n.yaml", "name: 'ai/fast?'\n")
    assert problems_of(path, example) == [
        f"{path}, line 1, name: found 'ai/fast?', expected letters, digits, spaces and . _ + - only, starting "
        "with a letter or digit (the name becomes a sheet name)"
    ]


def test_a_json_scenario_has_its_lines_too(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "s.json", """
        {
          "name": "json",
          "overrides": [
            {"sheet": "Roles", "key": "Account executive",
             "column": "Attrition", "value": 1.4}
          ],
          "budget_multipler": 0.9
        }
        """)
    assert problems_of(path, example) == [
        f"{path}, line 7, budget_multipler: unknown key 'budget_multipler', expected one of name, description, "
        "extends, overrides, demand_multipliers, budget_multiplier (did you mean 'budget_multiplier'?)"
    ]
    path.write_text(path.read_text(encoding="utf-8").replace('"budget_multipler"', '"budget_multiplier"'),
                    encoding="utf-8")
    assert problems_of(path, example) == [
        f"{path}, line 5, overrides[0].value: found 1.4, expected a share between 0 and 1 (write 1.4% or 0.014)"
    ]


def test_json_syntax_errors_and_duplicate_keys(tmp_path: Path, example: PlanInput) -> None:
    broken = write(tmp_path, "broken.json", '{\n  "name": "x"\n  "description": "y"\n}\n')
    assert problems_of(broken, example) == [f"{broken}, line 3: not valid JSON: Expecting ',' delimiter (column 3)"]
    twice = write(tmp_path, "twice.json", '{\n  "name": "x",\n  "name": "y"\n}\n')
    assert problems_of(twice, example) == [f"{twice}, line 3, name: duplicate key 'name' (first given on line 2)"]


# --- YAML surprises -----------------------------------------------------------------------------------


def test_yaml_syntax_errors_name_the_line(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "bad.yaml", "name: x\noverrides:\n  - {sheet: Roles\n")
    assert problems_of(path, example) == [
        f"{path}, line 4: not valid YAML: while parsing a flow mapping expected ',' or '}}', but got '<stream end>'"
    ]


def test_yes_and_no_stay_text_so_yes_no_settings_read_as_in_the_workbook(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "yn.yaml", """
        name: yn
        overrides:
          - {sheet: Settings, column: Whole people, value: no}
          - {sheet: WorkTypes, key: relationship, column: Must meet, value: Yes}
        """)
    changed, overrides = load_scenario(path, example)
    assert changed.settings.whole_people is False
    assert changed.work_types[0].must_meet is True
    assert [o.scenario_value for o in overrides] == ["no", "yes"]
    assert parse_scalar("no", "--set") == "no"
    assert parse_scalar("on", "--set") == "on"
    assert parse_scalar("true", "--set") is True


def test_numbers_in_surprising_yaml_notations_are_refused(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "n.yaml", """
        name: numbers
        overrides:
          - {sheet: Roles, key: Account executive, column: Ramp periods, value: 010}
          - {sheet: Roles, key: Account executive, column: Hiring cost, value: 1_000}
          - {sheet: Roles, key: Account executive, column: Severance, value: .inf}
        """)
    assert problems_of(path, example) == [
        f"{path}, line 3, overrides[0].value: found 010, which YAML reads as the number 8; write the number as "
        "digits (such as 10 or 0.25), or put 010 in quotes if it is a name",
        f"{path}, line 4, overrides[1].value: found 1_000, which YAML reads as the number 1000; write the number "
        "as digits (such as 10 or 0.25), or put 1_000 in quotes if it is a name",
        f"{path}, line 5, overrides[2].value: found .inf, which YAML reads as the number infinity; write the number "
        "as digits (such as 10 or 0.25), or put .inf in quotes if it is a name",
    ]


def test_exponents_are_numbers_as_in_json(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "e.yaml", """
        name: e
        overrides:
          - {sheet: Budget, key: 2027-Q1, column: Budget, value: 9e7}
        """)
    changed, _ = load_scenario(path, example)
    assert changed.policy.budget[0] == 90_000_000.0


def test_an_unquoted_date_where_text_is_expected_is_refused(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "d.yaml", """
        name: dates
        overrides:
          - {sheet: Budget, key: 2027-01-01, column: Budget, value: 1}
        """)
    assert problems_of(path, example) == [
        f"{path}, line 3, overrides[0].key: found the date 2027-01-01, expected text, a number or a list "
        "(YAML reads an unquoted date as a date: write '2027-01-01' in quotes)"
    ]


def test_aliases_duplicate_keys_and_tags_are_refused(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "a.yaml", """
        name: &n aliases
        description: *n
        overrides: !!python/tuple []
        name: again
        """)
    assert problems_of(path, example) == [
        f"{path}, line 2, description: found a YAML alias (*name), expected the values written out in full",
        f"{path}, line 3, overrides: found the YAML tag tag:yaml.org,2002:python/tuple, which scenario files do "
        "not use",
        f"{path}, line 4, name: duplicate key 'name' (first given on line 1)",
    ]


def test_an_empty_or_missing_file(tmp_path: Path, example: PlanInput) -> None:
    empty = write(tmp_path, "empty.yaml", "# nothing yet\n")
    assert problems_of(empty, example) == [f"{empty}: the file is empty, expected a scenario with a name"]
    with pytest.raises(FileRefused, match=r"nothing\.yaml: no such scenario file$"):
        load_scenario(tmp_path / "nothing.yaml", example)
    with pytest.raises(FileRefused, match=r"s\.txt: expected a scenario file ending in \.yaml, \.yml or \.json$"):
        load_scenario(write(tmp_path, "s.txt", "name: x\n"), example)


# --- problems against the workbook --------------------------------------------------------------------


def test_the_share_message_of_the_issue(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "ai-fast.yaml", """
        name: ai-fast
        description: AI agents may take up to 40 % of SMB transactional work.
        extends: base.yaml
        overrides:
          - {sheet: Roles, key: Account executive, column: Attrition, value: 0.2}
          - {sheet: Settings, column: Objective, value: "fewest layoffs, then least cost"}
          - {sheet: CapacityScope, key: [Northwind AI sales agent, transactional, SMB], column: Max share, value: 1.4}
        """)
    write(tmp_path, "base.yaml", "name: base\n")
    assert problems_of(path, example) == [
        f"{path}, line 7, overrides[2].value: found 1.4, expected a share between 0 and 1 (write 1.4% or 0.014)"
    ]


def test_names_the_workbook_lacks_are_errors_with_a_hint(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "names.yaml", """
        name: names
        overrides:
          - {sheet: Roles, key: Acount executive, column: Attrition, value: 0.2}
          - {sheet: Roles, key: account executive, column: Atrition, value: 0.2}
          - {sheet: CapacityScope, key: [Northwind AI sales agent, transactional, Small], column: Max share, value: 0.2}
          - {sheet: Adoption, key: [Sales copilot, 2029-Q1], column: Adoption, value: 0.5}
          - {sheet: Copilots, key: Sales copilot, column: Role, value: Account exec}
        demand_multipliers:
          - {segment: SMB, work_type: transactonal, factor: 0.9}
        """)
    roles_columns = ", ".join(repr(label) for label in (
        "Loaded cost", "Productive hours", "Attrition", "First-year attrition", "Hiring cost", "Hires cap",
        "Ramp periods", "Ramp productivity", "Severance", "Layoff cap", "Reduced-hours cap", "Reduced-hours FTE",
        "Reduced-hours cost", "Surplus cost"))
    assert problems_of(path, example) == [
        f"{path}, line 3, overrides[0].key: found 'Acount executive', expected one of the roles on the Roles sheet "
        "(did you mean 'Account executive'?)",
        f"{path}, line 4, overrides[1].column: found 'Atrition', expected a column of the Roles sheet: "
        f"{roles_columns} (did you mean 'Attrition'?)",
        f"{path}, line 4, overrides[1].key: found 'account executive', expected one of the roles on the Roles sheet "
        "(names must match exactly: 'Account executive')",
        f"{path}, line 5, overrides[2].key[2]: found 'Small', expected one of the segments on the Units sheet",
        f"{path}, line 6, overrides[3].key[1]: found '2029-Q1', expected a period label from 2027-Q1 to 2028-Q4",
        f"{path}, line 7, overrides[4].value: found 'Account exec', expected one of the roles on the Roles sheet "
        "(did you mean 'Account executive'?)",
        f"{path}, line 9, demand_multipliers[0].work_type: found 'transactonal', expected one of the work types on "
        "the WorkTypes sheet (did you mean 'transactional'?)",
    ]


def test_addresses_a_scenario_cannot_change(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "fixed.yaml", """
        name: fixed
        overrides:
          - {sheet: Headcount, key: AMER-ENT-AE, column: Count, value: 3}
          - {sheet: Settings, column: Periods, value: 12}
          - {sheet: Roles, key: Account executive, column: Role, value: Seller}
          - {sheet: Settings, key: x, column: Gap, value: 0.01}
          - {sheet: Roles, column: Attrition, value: 0.2}
          - {sheet: CapacityScope, key: [Northwind AI sales agent, SMB], column: Max share, value: 0.2}
          - {sheet: Ratios, key: [Enterprise, Solution engineer, Account executive], column: Maximum, value: 0.2}
          - {sheet: Demand, key: [Americas SMB, executive, 2027-Q1], column: Accounts, value: 10}
        """)
    assert problems_of(path, example) == [
        f"{path}, line 3, overrides[0].sheet: found 'Headcount', a sheet a scenario cannot change: today's people "
        "are fixed by the workbook (the plan works with them per role and unit)",
        f"{path}, line 4, overrides[1].column: found 'Periods', a setting a scenario cannot change: the planning "
        "periods come from the workbook",
        f"{path}, line 5, overrides[2].column: found 'Role', a key column: it names the row and a scenario cannot "
        "change it",
        f"{path}, line 6, overrides[3].key: found 'x', expected no key: the Settings sheet has one value per setting",
        f"{path}, line 7, overrides[4]: key missing, but the Roles sheet needs one: the Role of the row",
        f"{path}, line 8, overrides[5].key: found 2 values, expected 3: Source, Work type and Segment",
        f"{path}, line 9, overrides[6].value: found 0.2, expected at least the Minimum 0.35",
        f"{path}, line 10, overrides[7].column: found 'Accounts', a column a scenario cannot change: a scenario sets "
        "demand in hours: change Hours instead",
    ]


def test_a_row_the_workbook_lacks_is_an_error_where_rows_cannot_be_added(tmp_path: Path, example: PlanInput) -> None:
    without = dataclasses.replace(example, demand=tuple(
        d for d in example.demand if (d.unit, d.work_type, d.period) != ("Americas SMB", "executive", 1)
    ))
    path = write(tmp_path, "row.yaml", """
        name: row
        overrides:
          - {sheet: Demand, key: [Americas SMB, executive, 2027-Q1], column: Hours, value: 10}
        """)
    assert problems_of(path, without) == [
        f"{path}, line 3, overrides[0].key: found Americas SMB, executive, 2027-Q1, but the workbook has no Demand "
        "row with this Unit, Work type, Period; a scenario changes rows the workbook has",
    ]


def test_extends_missing_and_circular(tmp_path: Path, example: PlanInput) -> None:
    orphan = write(tmp_path, "orphan.yaml", "name: orphan\nextends: nowhere.yaml\n")
    assert problems_of(orphan, example) == [
        f"{orphan}, line 2, extends: found 'nowhere.yaml', but {tmp_path / 'nowhere.yaml'} does not exist"
    ]
    first = write(tmp_path, "first.yaml", "name: first\nextends: second.yaml\n")
    write(tmp_path, "second.yaml", "name: second\nextends: first.yaml\n")
    assert problems_of(first, example) == [
        f"{tmp_path / 'second.yaml'}, line 2, extends: found 'first.yaml', which leads back to itself: "
        f"{first} -> {tmp_path / 'second.yaml'} -> {first}"
    ]


def test_problems_in_an_extended_file_name_that_file(tmp_path: Path, example: PlanInput) -> None:
    write(tmp_path, "parent.yaml", """
        name: parent
        overrides:
          - {sheet: Roles, key: Nobody, column: Attrition, value: 0.1}
        """)
    child = write(tmp_path, "child.yaml", "name: child\nextends: parent.yaml\n")
    assert problems_of(child, example) == [
        f"{tmp_path / 'parent.yaml'}, line 3, overrides[0].key: found 'Nobody', expected one of the roles on the "
        "Roles sheet"
    ]


# --- overrides applied exactly ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "changed_paths"),
    [
        ("{sheet: Roles, key: Account executive, column: Attrition, value: 0.2}", [".roles[0].attrition_per_year"]),
        ("{sheet: Settings, column: Objective, value: 'fewest layoffs, then least cost'}",
         [".settings.objective (length 1 -> 2)"]),
        ("{sheet: Policy, column: Layoff cap share, value: 4%}", []),
        ("{sheet: Policy, column: Layoff cap share, value: 0.05}", [".policy.layoff_cap_share"]),
        ("{sheet: Adoption, key: [Sales copilot, 2027-Q2], column: Adoption, value: 0.3}",
         [".copilots[0].adoption[1]"]),
        ("{sheet: CapacityScope, key: [Northwind AI sales agent, transactional, SMB], column: Max share, value: 0.3}",
         [".sources[0].scope[0].max_share"]),
        ("{sheet: CapacityScope, key: [Northwind AI sales agent, transactional, Enterprise], column: Max share, "
         "value: 0.1}", [".sources[0].scope (length 2 -> 3)"]),
        ("{sheet: Budget, key: 2028-Q4, column: Budget, value: 80000000}", [".policy.budget[7]"]),
        ("{sheet: Effectiveness, key: [Inside sales rep, relationship], column: Effectiveness, value: 0.35}",
         [".effectiveness[19][2]"]),
        ("{sheet: Ratios, key: [Enterprise, Solution engineer, Account executive], column: Minimum, value: 0.5}",
         [".ratios[0].minimum"]),
        ("{sheet: SegmentRules, key: SMB, column: Min human share, value: 0.5}", [".policy.min_human_share[2][1]"]),
        ("{sheet: Capacity, key: Channel partners, column: Max units, value: null}", [".sources[1].max_units"]),
        ("{sheet: ReskillPaths, key: AE to solution engineer, column: Seats per period, value: 60}",
         [".paths[0].seats_per_period"]),
        ("{sheet: ReskillPaths, key: AE to solution engineer, column: Coaching hours, value: 20}",
         [".paths[0].coaching_hours"]),
    ],
)
def test_a_scenario_that_changes_one_value_changes_only_that_value(
    tmp_path: Path, example: PlanInput, override: str, changed_paths: list[str]
) -> None:
    path = write(tmp_path, "one.yaml", f"name: one\noverrides:\n  - {override}\n")
    changed, _ = load_scenario(path, example)
    assert [p for p in differences(example, changed) if not p.startswith(".provenance")] == changed_paths


def test_a_demand_override_changes_its_row_only(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "d.yaml", """
        name: d
        overrides:
          - {sheet: Demand, key: [Americas SMB, transactional, 2027-Q3], column: Hours, value: 5000}
        """)
    changed, overrides = load_scenario(path, example)
    row = next(i for i, d in enumerate(example.demand) if (d.unit, d.work_type, d.period) == ("Americas SMB",
                                                                                               "transactional", 3))
    assert [p for p in differences(example, changed) if not p.startswith(".provenance")] == [f".demand[{row}].hours"]
    assert changed.demand[row].hours == 5000.0
    assert overrides[0].item == "Americas SMB / transactional / 2027-Q3"


def test_a_work_type_penalty_also_changes_its_demand_rows(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "p.yaml", """
        name: p
        overrides:
          - {sheet: WorkTypes, key: technical, column: Unmet penalty, value: 500}
        """)
    changed, _ = load_scenario(path, example)
    expected = [".work_types[1].unmet_penalty_per_hour"] + [
        f".demand[{i}].unmet_penalty_per_hour" for i, d in enumerate(example.demand) if d.work_type == "technical"
    ]
    assert differences(example, changed)[: len(expected)] == expected
    assert all(d.unmet_penalty_per_hour == 500.0 for d in changed.demand if d.work_type == "technical")


def test_an_effectiveness_of_zero_removes_the_pair(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "z.yaml", """
        name: z
        overrides:
          - {sheet: Effectiveness, key: [Account executive, technical], column: Effectiveness, value: 0}
        """)
    changed, overrides = load_scenario(path, example)
    assert [pair for pair in example.effectiveness if pair not in changed.effectiveness] == [
        ("Account executive", "technical", 0.3)
    ]
    assert overrides == (
        Override("Effectiveness", "Account executive / technical", "Effectiveness", 0.3, 0.0, f"{path}, line 3"),
    )


def test_multipliers_scale_demand_and_budgets(tmp_path: Path, example: PlanInput) -> None:
    path = write(tmp_path, "m.yaml", """
        name: m
        demand_multipliers:
          - {segment: SMB, work_type: transactional, factor: 0.9}
          - {work_type: technical, factor: 1.5}
        budget_multiplier: 0.9
        """)
    changed, overrides = load_scenario(path, example)
    smb = {unit.name for unit in example.units if unit.segment == "SMB"}
    for before, after in zip(example.demand, changed.demand, strict=True):
        factor = 1.0
        if before.unit in smb and before.work_type == "transactional":
            factor = 0.9
        if before.work_type == "technical":
            factor = 1.5
        assert after.hours == before.hours * factor
    assert changed.policy.budget == tuple(b * 0.9 for b in example.policy.budget if b is not None)
    smb_rows = [d.hours for d in example.demand if d.unit in smb and d.work_type == "transactional"]
    technical_rows = [d.hours for d in example.demand if d.work_type == "technical"]
    assert [(o.sheet, o.item, o.column, o.workbook_value, o.scenario_value) for o in overrides] == [
        ("Demand", "SMB / transactional, every period (x 0.9)", "Hours", sum(smb_rows), sum(h * 0.9 for h in smb_rows)),
        ("Demand", "every segment / technical, every period (x 1.5)", "Hours", sum(technical_rows),
         sum(h * 1.5 for h in technical_rows)),
        ("Budget", "every period (x 0.9)", "Budget", sum(example.policy.budget), sum(example.policy.budget) * 0.9),
    ]
    assert all(o.multiplier for o in overrides)


def test_the_issue_example_records_every_change_for_the_assumptions_sheet(tmp_path: Path, example: PlanInput) -> None:
    write(tmp_path, "base.yaml", """
        name: base
        overrides:
          - {sheet: Roles, key: Account executive, column: Attrition, value: 0.3}
        """)
    path = write(tmp_path, "ai-fast.yaml", """
        name: ai-fast
        description: AI agents may take up to 40 % of SMB transactional work.
        extends: base.yaml
        overrides:
          - {sheet: CapacityScope, key: [Northwind AI sales agent, transactional, SMB], column: Max share, value: 0.4}
          - {sheet: Roles, key: Account executive, column: Attrition, value: 0.2}
          - {sheet: Settings, column: Objective, value: "fewest layoffs, then least cost"}
          - {sheet: Policy, column: Layoff cap share, value: 0.04}
          - {sheet: Adoption, key: [Sales copilot, 2027-Q2], column: Adoption, value: 0.05}
        """)
    scenario = read_scenario(path, example)
    changed = scenario.plan_input
    assert changed.role("Account executive").attrition_per_year == 0.2
    assert changed.settings.objective == ("layoffs", "cost")
    assert [o.assumption_row() for o in scenario.overrides] == [
        ("Roles", "Account executive: Attrition", 0.14, 0.2),
        ("CapacityScope", "Northwind AI sales agent: Max share of transactional in SMB", 0.4, 0.4),
        ("Settings", "Objective", "least cost", "fewest layoffs, then least cost"),
        ("Policy", "Layoff cap share", 0.04, 0.04),
        ("Adoption", "Sales copilot: Adoption in 2027-Q2", 0.05, 0.05),
    ]
    assert scenario.overrides[0].source == f"{path}, line 6"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    base_digest = hashlib.sha256((tmp_path / "base.yaml").read_bytes()).hexdigest()
    assert changed.provenance[-4:] == (
        ("scenario", str(tmp_path / "base.yaml")), ("scenario_sha256", base_digest),
        ("scenario", str(path)), ("scenario_sha256", digest),
    )
    assert changed.provenance[:2] == example.provenance[:2]
    assert (scenario.name, scenario.description, scenario.sha256) == (
        "ai-fast", "AI agents may take up to 40 % of SMB transactional work.", digest)


def test_a_json_scenario_equals_its_yaml_twin(tmp_path: Path, example: PlanInput) -> None:
    data = {
        "name": "twin",
        "overrides": [{"sheet": "Roles", "key": "Solution engineer", "column": "Hires cap", "value": 50}],
        "demand_multipliers": [{"segment": "Enterprise", "factor": 1.1}],
    }
    as_json = write(tmp_path, "twin.json", json.dumps(data, indent=2))
    as_yaml = write(tmp_path, "twin.yaml", """
        name: twin
        overrides:
          - {sheet: Roles, key: Solution engineer, column: Hires cap, value: 50}
        demand_multipliers:
          - {segment: Enterprise, factor: 1.1}
        """)
    from_json, _ = load_scenario(as_json, example)
    from_yaml, _ = load_scenario(as_yaml, example)
    assert differences(from_json, from_yaml) == [".provenance[2][1]", ".provenance[3][1]"]


def test_every_shipped_scenario_loads_on_the_example(example: PlanInput) -> None:
    counts = {}
    for path in sorted(SHIPPED.glob("*.yaml")):
        scenario = read_scenario(path, example)
        counts[scenario.name] = len(scenario.overrides)
        assert [file.path for file in scenario.files][-1] == str(path)
    assert counts == {"ai-dip": 24, "ai-fast": 7, "base": 0, "budget-minus-10pct": 1, "layoff-cap-4pct": 1,
                      "no-layoffs": 1, "technical-first": 1}


def test_the_scenario_package_does_not_load_the_solver_to_read_files() -> None:
    import subprocess

    code = "import sys, rolemix.scenarios.loader, rolemix.scenarios.excel; print('pulp' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "False\n"


def test_the_docs_cover_every_sheet_command_and_fixed_column() -> None:
    from rolemix.scenarios.overrides import FIXED_COLUMNS, FIXED_SHEETS

    docs = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for sheet in SHEETS:
        assert sheet.name in docs, sheet.name
    for name in FIXED_SHEETS:
        assert name in docs
    for sheet, column in FIXED_COLUMNS:
        assert column in docs, (sheet, column)
    for command in ("rolemix compare", "rolemix frontier", "rolemix sweep", "--executor dask --scheduler"):
        assert command in docs
    for path in sorted(SHIPPED.glob("*.yaml")):
        assert f"`{path.name}`" in docs


def test_each_change_marks_its_row_on_the_assumptions_sheet(tmp_path: Path, example: PlanInput) -> None:
    from rolemix.report.assumptions import input_assumptions, overridden

    path = write(tmp_path, "marks.yaml", """
        name: marks
        overrides:
          - {sheet: Roles, key: Account executive, column: First-year attrition, value: 0.25}
          - {sheet: CapacityScope, key: [Northwind AI sales agent, transactional, SMB], column: Max share, value: 0.3}
          - {sheet: Adoption, key: [Sales copilot, 2027-Q2], column: Adoption, value: 0.1}
          - {sheet: Ratios, key: [Enterprise, Solution engineer, Account executive], column: Minimum, value: 0.5}
          - {sheet: Budget, key: 2027-Q3, column: Budget, value: 90000000}
          - {sheet: Demand, key: [EMEA SMB, technical, 2028-Q1], column: Hours, value: 100}
          - {sheet: Settings, column: Gap, value: 0.01}
        """)
    changed, overrides = load_scenario(path, example)
    rows = input_assumptions(changed)
    for override in overrides:
        marked = sorted(overridden(rows, [override.assumption_row()]))
        assert len(marked) == 1, override
        row = rows[marked[0]]
        assert (row.sheet, row.value) == (override.sheet, override.scenario_value), override
