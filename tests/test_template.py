"""The input template, the worked example and the column reference agree with the spec."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from rolemix.spec import DERIVED_REFERENCES, INSTRUCTIONS_SHEET, SHEETS, SHEETS_BY_NAME, Field
from rolemix.workbook import example
from rolemix.workbook.docs import DOCS_PATH, column_reference_markdown, default_text, field_note
from rolemix.workbook.template import (
    LISTS_SHEET,
    SETTINGS_HEADERS,
    VALIDATED_ROWS,
    blank_template_rows,
    period_labels,
    write_blank_template,
    write_input_workbook,
)

TEMPLATES = Path(__file__).resolve().parents[1] / "excel_templates"
TABLE_SHEETS = [s for s in SHEETS if s.layout == "table"]
SETTINGS_SHEETS = [s for s in SHEETS if s.layout == "settings"]


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbook]:
    path = tmp_path_factory.mktemp("blank") / "blank.xlsx"
    write_blank_template(path)
    workbook = openpyxl.load_workbook(path)
    yield workbook
    workbook.close()


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbook]:
    path = tmp_path_factory.mktemp("example") / "example.xlsx"
    write_input_workbook(path, example.example_rows())
    workbook = openpyxl.load_workbook(path)
    yield workbook
    workbook.close()


def _rule_for(worksheet: Worksheet, cell: str) -> DataValidation | None:
    rules = [rule for rule in worksheet.data_validations.dataValidation if cell in rule.sqref]
    assert len(rules) <= 1, f"{worksheet.title}!{cell} has {len(rules)} validation rules"
    return rules[0] if rules else None


def _list_values(workbook: Workbook, rule: DataValidation) -> list[str]:
    """The values a list dropdown offers: an in-cell list or a range on the Lists sheet."""
    assert rule.type == "list"
    formula = str(rule.formula1)
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet_name, cells = formula.split("!")
    assert sheet_name.strip("'") == LISTS_SHEET
    return [str(row[0].value) for row in workbook[LISTS_SHEET][cells.replace("$", "")]]


def _column(worksheet: Worksheet, label: str) -> str:
    for cell in worksheet[1]:
        if cell.value == label:
            return str(cell.column_letter)
    raise AssertionError(f"{worksheet.title} has no header {label!r}")


# --- the blank template ------------------------------------------------------------------------


def test_blank_template_has_instructions_then_every_spec_sheet_then_hidden_lists(blank: Workbook) -> None:
    assert blank.sheetnames == [INSTRUCTIONS_SHEET, *(s.name for s in SHEETS), LISTS_SHEET]
    assert blank[LISTS_SHEET].sheet_state == "hidden"
    assert blank.active is not None and blank.active.title == INSTRUCTIONS_SHEET


def test_blank_table_sheets_have_exactly_the_spec_headers_and_no_records(blank: Workbook) -> None:
    for spec in TABLE_SHEETS:
        worksheet = blank[spec.name]
        assert tuple(c.value for c in worksheet[1]) == spec.labels, spec.name
        assert all(c.value is None for row in worksheet.iter_rows(min_row=2) for c in row), spec.name


def test_blank_settings_sheets_list_every_setting_with_defaults_and_blank_required_values(blank: Workbook) -> None:
    for spec in SETTINGS_SHEETS:
        worksheet = blank[spec.name]
        assert tuple(c.value for c in worksheet[1]) == SETTINGS_HEADERS
        rows = list(worksheet.iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in rows] == list(spec.labels)
        for field, row in zip(spec.fields, rows, strict=True):
            expected = None if field.required else field.default
            assert row[1] == expected, field.label
            assert row[2] == (field.unit or None)


def test_blank_template_rows_hold_defaults_of_optional_settings_only() -> None:
    rows = blank_template_rows()
    assert rows == {
        "Settings": {
            "Plan name": "Workforce plan",
            "Currency": "USD",
            "Objective": "least cost",
            "Priority tolerance": 0.0,
            "Whole people": "yes",
            "Time limit": 60.0,
            "Gap": 0.001,
            "Discount rate": 0.0,
            "Solver": "highs",
        },
        "Policy": {},
    }


def test_every_header_and_setting_has_a_note_with_its_description(blank: Workbook) -> None:
    for spec in SHEETS:
        worksheet = blank[spec.name]
        if spec.layout == "table":
            cells = list(worksheet[1])
        else:
            cells = [worksheet.cell(row=row, column=1) for row in range(2, len(spec.fields) + 2)]
        for field, cell in zip(spec.fields, cells, strict=True):
            assert cell.comment is not None, f"{spec.name}!{cell.coordinate}"
            assert field.description in cell.comment.text
            assert cell.comment.text == field_note(field)


def test_note_names_unit_required_default_and_range() -> None:
    attrition = SHEETS_BY_NAME["Roles"].field("Attrition")
    assert field_note(attrition) == (
        "Share of people with a year or more of service who leave in a year.\n"
        "Unit: per year.\n"
        "Required: yes.\n"
        "Allowed: 0% to 100%."
    )
    gap = SHEETS_BY_NAME["Settings"].field("Gap")
    assert field_note(gap) == (
        "The solver stops once the plan's cost is proven within this share of the best possible.\n"
        "Required: no. Default: 0.1%.\n"
        "Allowed: 0% to 100%."
    )
    role = SHEETS_BY_NAME["Headcount"].field("Role")
    assert field_note(role) == "Role of these people.\nRequired: yes.\nAllowed: a Role on the Roles sheet."


def test_default_text_in_words() -> None:
    settings = SHEETS_BY_NAME["Settings"]
    assert default_text(settings.field("Time limit")) == "60"
    assert default_text(settings.field("Periods")) == "none: required"
    assert default_text(SHEETS_BY_NAME["Roles"].field("Hires cap")) == "blank"
    assert default_text(SHEETS_BY_NAME["Roles"].field("Ramp productivity")) == "50%"


def test_choice_columns_offer_exactly_the_allowed_values(blank: Workbook) -> None:
    checked = 0
    for spec in SHEETS:
        worksheet = blank[spec.name]
        for row, field in enumerate(spec.fields, start=2):
            if not field.allowed:
                continue
            if spec.layout == "table":
                letter = _column(worksheet, field.label)
                rule = _rule_for(worksheet, f"{letter}2")
                assert rule is not None and f"{letter}{VALIDATED_ROWS}" in rule.sqref
            else:
                rule = _rule_for(worksheet, f"B{row}")
                assert rule is not None
            assert _list_values(blank, rule) == list(field.allowed), f"{spec.name} {field.label}"
            assert rule.showErrorMessage
            checked += 1
    assert checked == 10


def test_objective_dropdown_lives_on_the_lists_sheet_because_its_values_contain_commas(blank: Workbook) -> None:
    row = SHEETS_BY_NAME["Settings"].labels.index("Objective") + 2
    rule = _rule_for(blank["Settings"], f"B{row}")
    assert rule is not None
    assert rule.formula1 == "'Lists'!$E$2:$E$5"


def test_numeric_columns_carry_range_checks(blank: Workbook) -> None:
    roles = blank["Roles"]
    attrition = _rule_for(roles, f"{_column(roles, 'Attrition')}2")
    assert attrition is not None
    assert (attrition.type, attrition.operator, attrition.formula1, attrition.formula2) == (
        "decimal",
        "between",
        "0",
        "1",
    )
    assert attrition.error == "Attrition: expected a number, 0% to 100%. Write 12% or 0.12."
    ramp = _rule_for(roles, f"{_column(roles, 'Ramp periods')}2")
    assert ramp is not None
    assert (ramp.type, ramp.operator, ramp.formula1, ramp.formula2) == ("whole", "between", "0", "120")
    cost = _rule_for(roles, f"{_column(roles, 'Loaded cost')}2")
    assert cost is not None
    assert (cost.type, cost.operator, cost.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert _rule_for(roles, f"{_column(roles, 'Role')}2") is None


def test_blank_template_has_no_dropdown_for_empty_derived_lists(blank: Workbook) -> None:
    demand = blank["Demand"]
    assert _rule_for(demand, f"{_column(demand, 'Period')}2") is None
    assert [c.value for c in blank[LISTS_SHEET][1]][:4] == ["Periods", "Segments", "Adopters", "Skills"]


def test_table_sheets_are_excel_tables_with_frozen_unlocked_formatted_columns(blank: Workbook) -> None:
    for spec in TABLE_SHEETS:
        worksheet = blank[spec.name]
        assert list(worksheet.tables) == [spec.name]
        last = openpyxl.utils.get_column_letter(len(spec.fields))
        assert worksheet.tables[spec.name].ref == f"A1:{last}2"
        assert worksheet.freeze_panes == "A2"
        assert not worksheet.protection.sheet
        assert all(cell.font.bold for cell in worksheet[1])
        assert all(not cell.protection.locked for cell in worksheet[2])
    roles = blank["Roles"]
    assert roles[f"{_column(roles, 'Attrition')}2"].number_format == "0.0%"
    assert roles[f"{_column(roles, 'Loaded cost')}2"].number_format == "#,##0"
    assert roles[f"{_column(roles, 'Ramp periods')}2"].number_format == "0"
    assert roles.column_dimensions[_column(roles, "Attrition")].number_format == "0.0%"


def test_instructions_explain_every_sheet_in_order(blank: Workbook) -> None:
    texts = [str(c.value) for row in blank[INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value is not None]
    joined = "\n".join(texts)
    assert "12% or 0.12" in joined
    assert "2027-Q1" in joined
    positions = [texts.index(spec.purpose) for spec in SHEETS]
    assert positions == sorted(positions)
    rows = {r[1]: r for r in blank[INSTRUCTIONS_SHEET].iter_rows(values_only=True) if r[1] in SHEETS_BY_NAME}
    assert rows["Roles"][2] == "yes"
    assert rows["Settings"][2] == "yes"
    assert rows["Policy"][2] == "no"
    assert rows["Skills"][2] == "no"


# --- writing filled workbooks -------------------------------------------------------------------


def test_example_round_trips_through_the_workbook(filled: Workbook) -> None:
    rows = example.example_rows()
    for spec in SHEETS:
        worksheet = filled[spec.name]
        given = rows[spec.name]
        if spec.layout == "settings":
            assert isinstance(given, dict)
            values = {r[0]: r[1] for r in worksheet.iter_rows(min_row=2, values_only=True)}
            assert values == {f.label: given.get(f.label) for f in spec.fields}
        else:
            assert isinstance(given, list)
            read = [dict(zip(spec.labels, r, strict=True)) for r in worksheet.iter_rows(min_row=2, values_only=True)]
            assert read == [{label: record.get(label) for label in spec.labels} for record in given], spec.name


def test_example_uses_only_spec_sheets_and_labels() -> None:
    rows = example.example_rows()
    assert list(rows) == [s.name for s in SHEETS]
    for spec in SHEETS:
        given = rows[spec.name]
        records = [given] if isinstance(given, dict) else given
        assert isinstance(records, list)
        for record in records:
            assert set(record) <= set(spec.labels), spec.name


def test_reference_columns_point_at_key_columns_and_derived_lists(filled: Workbook) -> None:
    headcount = filled["Headcount"]
    role = _rule_for(headcount, f"{_column(headcount, 'Role')}2")
    assert role is not None and role.formula1 == "'Roles'!$A$2:$A$2000"
    skills = filled["Skills"]
    group = _rule_for(skills, "A2")
    assert group is not None and group.formula1 == "'Headcount'!$A$2:$A$2000"
    demand = filled["Demand"]
    period = _rule_for(demand, f"{_column(demand, 'Period')}361")
    assert period is not None
    assert _list_values(filled, period) == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"] + [
        "2028-Q1",
        "2028-Q2",
        "2028-Q3",
        "2028-Q4",
    ]
    scope = filled["CapacityScope"]
    segment = _rule_for(scope, f"{_column(scope, 'Segment')}2")
    assert segment is not None and _list_values(filled, segment) == ["Enterprise", "Mid-market", "SMB"]
    adoption = _rule_for(filled["Adoption"], "A2")
    assert adoption is not None
    assert _list_values(filled, adoption) == [example.AI_AGENT, example.PARTNERS, *example.COPILOT_FACTS]
    path_skills = filled["PathSkills"]
    skill = _rule_for(path_skills, f"{_column(path_skills, 'Skill')}2")
    assert skill is not None and _list_values(filled, skill) == ["Technical depth", "Negotiation"]


def test_tables_cover_every_record(filled: Workbook) -> None:
    rows = example.example_rows()
    demand = rows["Demand"]
    assert isinstance(demand, list)
    assert filled["Demand"].tables["Demand"].ref == f"A1:G{len(demand) + 1}"
    rule = _rule_for(filled["Demand"], "A2")
    assert rule is not None and f"A{len(demand) + 1}" in rule.sqref


def test_unknown_columns_and_sheets_are_written_after_the_spec(tmp_path: Path) -> None:
    path = tmp_path / "odd.xlsx"
    write_input_workbook(
        path,
        {
            "Units": [{"Unit": "North", "Region": "EU", "Segment": "SMB", "Colour": "red"}],
            "Settings": {"Periods": 4, "Bonus": 1},
            "Notes": [{"Note": "kept"}],
        },
    )
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[-2:] == ["Notes", LISTS_SHEET]
    assert [c.value for c in workbook["Units"][1]] == ["Unit", "Region", "Segment", "Colour"]
    assert [c.value for c in workbook["Units"][2]] == ["North", "EU", "SMB", "red"]
    assert workbook["Units"]["D1"].comment is None
    settings = workbook["Settings"]
    last = len(SHEETS_BY_NAME["Settings"].fields) + 2
    assert (settings.cell(row=last, column=1).value, settings.cell(row=last, column=2).value) == ("Bonus", 1)
    assert [[c.value for c in row] for row in workbook["Notes"].iter_rows()] == [["Note"], ["kept"]]


def test_text_that_looks_like_a_formula_stays_text_and_booleans_become_yes_no(tmp_path: Path) -> None:
    path = tmp_path / "text.xlsx"
    write_input_workbook(
        path,
        {
            "WorkTypes": [{"Work type": "=1+1", "Must meet": True}, {"Work type": "b", "Must meet": False}],
        },
    )
    worksheet = openpyxl.load_workbook(path)["WorkTypes"]
    assert worksheet["A2"].value == "=1+1"
    assert worksheet["A2"].data_type == "s"
    assert (worksheet["D2"].value, worksheet["D3"].value) == ("yes", "no")


def test_rows_of_the_wrong_shape_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"^rows\['Roles'\] must be a list of dicts keyed by column label$"):
        write_input_workbook(tmp_path / "a.xlsx", {"Roles": {"Role": "Seller"}})
    with pytest.raises(TypeError, match=r"^rows\['Settings'\] must be a dict of setting label -> value$"):
        write_input_workbook(tmp_path / "b.xlsx", {"Settings": [{"Periods": 4}]})


# --- period labels ------------------------------------------------------------------------------


def test_period_labels_for_quarters_months_and_years() -> None:
    assert period_labels("2027-Q3", 4, "quarter") == ("2027-Q3", "2027-Q4", "2028-Q1", "2028-Q2")
    assert period_labels("2027-11", 3, "month") == ("2027-11", "2027-12", "2028-01")
    assert period_labels("2027", 3, "year") == ("2027", "2028", "2029")


def test_period_labels_refuse_a_first_period_of_the_wrong_form() -> None:
    with pytest.raises(ValueError, match=r"^first period '2027-13' does not look like 2027-01$"):
        period_labels("2027-13", 2, "month")
    with pytest.raises(ValueError, match=r"^first period '2027-01' does not look like 2027-Q1$"):
        period_labels("2027-01", 2, "quarter")
    with pytest.raises(ValueError, match=r"^unknown period length 'week', expected one of quarter, month, year$"):
        period_labels("2027", 2, "week")


# --- the worked example -------------------------------------------------------------------------


def test_example_is_a_two_thousand_seller_company_over_eight_quarters() -> None:
    rows = example.example_rows()
    headcount = rows["Headcount"]
    assert isinstance(headcount, list)
    assert sum(int(g["Count"]) for g in headcount) == 1936
    assert len(headcount) == 92
    assert len({g["Group"] for g in headcount}) == len(headcount)
    assert len(rows["Units"]) == 9  # type: ignore[arg-type]
    assert len(rows["Demand"]) == 9 * 5 * 8  # type: ignore[arg-type]
    assert example.example_rows() == rows


def test_example_budget_is_above_todays_salary_bill() -> None:
    rows = example.example_rows()
    headcount = rows["Headcount"]
    budget = rows["Budget"]
    assert isinstance(headcount, list) and isinstance(budget, list)
    bill = example.salary_bill_per_quarter(headcount)
    assert bill == 75_213_000
    assert {b["Budget"] for b in budget} == {84_200_000}


def test_example_enterprise_starts_just_below_the_solution_engineer_ratio() -> None:
    headcount = example.example_rows()["Headcount"]
    assert isinstance(headcount, list)
    enterprise = [g for g in headcount if str(g["Unit"]).endswith("Enterprise")]
    engineers = sum(int(g["Count"]) for g in enterprise if g["Role"] == example.SOLUTION_ENGINEER)
    executives = sum(int(g["Count"]) for g in enterprise if g["Role"] == example.ACCOUNT_EXECUTIVE)
    assert (engineers, executives) == (137, 418)
    assert 0.9 * example.ENTERPRISE_SE_PER_AE_MIN < engineers / executives < example.ENTERPRISE_SE_PER_AE_MIN


def test_example_copilot_adoption_dips_before_it_rises() -> None:
    ramp = example.COPILOT_ADOPTION
    assert ramp[0] == 0.22 and ramp[1] == 0.05 and ramp[-1] == 0.60
    assert list(ramp[1:]) == sorted(ramp[1:])


# --- generated files agree with the code --------------------------------------------------------


def test_docs_match_the_spec() -> None:
    text = DOCS_PATH.read_text(encoding="utf-8")
    assert text == column_reference_markdown(), "docs/template.md is stale: run python -m rolemix.workbook.docs"
    for spec in SHEETS:
        assert f"## {spec.name}\n" in text
        for field in spec.fields:
            assert f"| {field.label} |" in text, f"{spec.name} {field.label}"


def test_docs_row_of_a_field() -> None:
    assert (
        "| Layoff cap | share (12% or 0.12) | per period | no | blank | 0% to 100% | Most layoffs in one period as a "
        "share of this role's headcount at the start of the period. Blank: no cap. |" in column_reference_markdown()
    )


def _values(path: Path) -> dict[str, tuple[str, list[tuple[object, ...]]]]:
    workbook = openpyxl.load_workbook(path)
    try:
        return {ws.title: (ws.sheet_state, list(ws.iter_rows(values_only=True))) for ws in workbook.worksheets}
    finally:
        workbook.close()


@pytest.mark.parametrize("name", [example.BLANK_TEMPLATE_FILE, example.EXAMPLE_FILE])
def test_committed_workbooks_match_a_fresh_generation(name: str, tmp_path: Path) -> None:
    example.main(tmp_path)
    assert _values(TEMPLATES / name) == _values(tmp_path / name), (
        f"excel_templates/{name} is stale: run python -m rolemix.workbook.example"
    )


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
def test_libreoffice_converts_the_example_to_pdf(tmp_path: Path) -> None:
    # A private LibreOffice profile, so a concurrent soffice elsewhere cannot lock this one out.
    profile = (tmp_path / "profile").as_uri()
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(TEMPLATES / example.EXAMPLE_FILE),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "example-software-co.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), result.stdout + result.stderr


def test_every_reference_field_has_a_target() -> None:
    refs: list[Field] = [f for s in SHEETS for f in s.fields if f.type == "ref"]
    assert refs
    for field in refs:
        assert field.ref in SHEETS_BY_NAME or field.ref in DERIVED_REFERENCES, field.label
