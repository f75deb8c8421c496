"""The synthetic workbook generator: deterministic, valid at every size, solvable, one row per employee."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from rolemix.cli_generate import register
from rolemix.generate import (
    ENTERPRISE_SE_PER_AE_MIN,
    ENTERPRISE_SE_PER_AE_TODAY,
    ROLE_FACTS,
    SALES_MANAGERS_PER_AE_TODAY,
    SKILL,
    budgets,
    check_arguments,
    copilot_adoption,
    generate_rows,
    generate_workbook,
    largest_remainder,
    region_names,
    staff_unit,
)
from rolemix.model import SolveOptions, solve_plan
from rolemix.workbook.example import ACCOUNT_EXECUTIVE, AI_AGENT, PARTNERS, SALES_MANAGER, SOLUTION_ENGINEER
from rolemix.workbook.reader import read_plan_input, summary

Rows = list[dict[str, object]]


def _table(rows: dict[str, object], sheet: str) -> Rows:
    table = rows[sheet]
    assert isinstance(table, list)
    return table


def _number(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def _people_per_unit_and_role(rows: dict[str, object]) -> Counter[tuple[str, str]]:
    return Counter((str(r["Unit"]), str(r["Role"])) for r in _table(rows, "Headcount"))


# --- building blocks with hand-checked values ---------------------------------------------------


def test_largest_remainder_shares_whole_items_in_proportion() -> None:
    # 3.5, 1.75, 1.75: floors 3, 1, 1; the two larger remainders (0.75) get the two left over.
    assert largest_remainder(7, [0.5, 0.25, 0.25]) == [3, 2, 2]
    # Equal remainders: the earlier weight wins.
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert largest_remainder(5, [0, 0]) == [5, 0]


def test_an_enterprise_unit_starts_below_the_ratio_minimum_and_within_the_manager_cap() -> None:
    six_roles = list(ROLE_FACTS)[:6]
    # Weights 52, 15, 14, 0, 7, 5 of 93 give 56, 16, 15, 0, 8, 5; then the 72 account executives and solution
    # engineers are re-split at 0.32: ceil(72 x 0.32 / 1.32) = 18 engineers, 54 executives; 8 <= 0.16 x 54.
    assert staff_unit(100, "Enterprise", six_roles) == {
        "Account executive": 54,
        "Solution engineer": 18,
        "Customer success manager": 15,
        "Inside sales rep": 0,
        "Sales manager": 8,
        "Partner manager": 5,
    }
    # SMB: weights 18, 2, 8, 55, 2, 3 of 88: 20.45, 2.27, 9.09, 62.5, 2.27, 3.41 -> floors 20, 2, 9, 62, 2, 3 and the
    # two largest remainders (inside sales .5, executives .45) get one more each.
    assert staff_unit(100, "SMB", six_roles) == {
        "Account executive": 21,
        "Solution engineer": 2,
        "Customer success manager": 9,
        "Inside sales rep": 63,
        "Sales manager": 2,
        "Partner manager": 3,
    }
    # Ten Enterprise people over five roles: 6, 2, 1, 0, 1; ceil(8 x 0.32 / 1.32) = 2 engineers stay; floor(0.16 x 6)
    # = 0 managers are allowed, so the manager becomes an account executive.
    assert staff_unit(10, "Enterprise", list(ROLE_FACTS)[:5]) == {
        "Account executive": 7,
        "Solution engineer": 2,
        "Customer success manager": 1,
        "Inside sales rep": 0,
        "Sales manager": 0,
    }


def test_budget_starts_at_run_rate_plus_two_percent_and_falls_to_the_floor() -> None:
    assert budgets(1_000_000, 10) == [
        1_020_000,
        1_000_000,
        980_000,
        960_000,
        940_000,
        920_000,
        900_000,
        900_000,
        900_000,
        900_000,
    ]
    # Rounded up to 10,000, never down.
    assert budgets(1_234_567, 1) == [1_260_000]


def test_copilot_adoption_dips_then_climbs() -> None:
    assert copilot_adoption(3) == (0.22, 0.05, 0.12)
    assert copilot_adoption(12) == (0.22, 0.05, 0.12, 0.22, 0.33, 0.44, 0.53, 0.60, 0.625, 0.65, 0.675, 0.7)
    assert copilot_adoption(40)[-1] == 0.75


def test_region_names_cycle_with_a_number_when_there_are_many() -> None:
    assert region_names(3) == ["US West", "US East", "US Central"]
    names = region_names(41)
    assert (names[0], names[19], names[20], names[40]) == ("US West 1", "ANZ 1", "US West 2", "US West 3")
    assert len(set(names)) == 41


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((11, 2, 2, 3, 4), "employees must be at least roles x regions x segments = 3 x 2 x 2 = 12, got 11"),
        ((100, 0, 2, 3, 4), "regions must be at least 1, got 0"),
        ((100, 2, 7, 3, 4), "segments must be between 1 and 6, got 7"),
        ((100, 2, 2, 1, 4), "roles must be between 2 and 7, got 1"),
        ((100, 2, 2, 3, 41), "periods must be between 1 and 40, got 41"),
        ((1_000_001, 2, 2, 3, 4), "employees must be at most 1,000,000, got 1,000,001"),
    ],
)
def test_arguments_out_of_range_are_named(arguments: tuple[int, int, int, int, int], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        check_arguments(*arguments)
    assert str(raised.value) == message
    with pytest.raises(ValueError):
        generate_rows(*arguments, seed=1)


# --- the rows -----------------------------------------------------------------------------------


def test_same_seed_same_rows_and_another_seed_other_rows() -> None:
    first = generate_rows(600, 3, 3, 5, 6, seed=7)
    assert generate_rows(600, 3, 3, 5, 6, seed=7) == first
    other = generate_rows(600, 3, 3, 5, 6, seed=8)
    assert other["Headcount"] != first["Headcount"]
    assert other["Demand"] != first["Demand"]
    # Same shape, different draws.
    assert len(_table(other, "Headcount")) == len(_table(first, "Headcount")) == 600
    assert other["Units"] == first["Units"]


def test_roster_has_one_row_per_employee() -> None:
    rows = generate_rows(2_000, 4, 3, 6, 4, seed=3)
    headcount = _table(rows, "Headcount")
    assert len(headcount) == 2_000
    assert [r["Group"] for r in headcount][:3] == ["E000001", "E000002", "E000003"]
    assert len({r["Group"] for r in headcount}) == 2_000
    assert {r["Count"] for r in headcount} == {1}
    new_hires = sum(r["Tenure band"] == "under 1 year" for r in headcount)
    overrides = sum(r["Cost override"] is not None for r in headcount)
    assert 0.10 <= new_hires / 2_000 <= 0.14
    assert 0.01 <= overrides / 2_000 <= 0.05
    # Every account executive, and only they, has a Technical depth level from 1 to 5.
    executives = {r["Group"] for r in headcount if r["Role"] == ACCOUNT_EXECUTIVE}
    skills = _table(rows, "Skills")
    assert {r["Group"] for r in skills} == executives and len(skills) == len(executives)
    assert {r["Skill"] for r in skills} == {SKILL}
    assert {r["Level"] for r in skills} == {1, 2, 3, 4, 5}


def test_staffing_is_generalist_heavy_uneven_and_short_of_engineers_in_enterprise() -> None:
    rows = generate_rows(10_000, 12, 4, 6, 4, seed=5)
    people = _people_per_unit_and_role(rows)
    roles = Counter[str]()
    for (_unit, role), count in people.items():
        roles[role] += count
    assert 0.35 <= roles[ACCOUNT_EXECUTIVE] / 10_000 <= 0.48
    units = _table(rows, "Units")
    per_unit = Counter[str]()
    for (unit, _role), count in people.items():
        per_unit[unit] += count
    assert all(per_unit[str(u["Unit"])] >= 6 for u in units)
    region_size = Counter[str]()
    for row in units:
        region_size[str(row["Region"])] += per_unit[str(row["Unit"])]
    assert max(region_size.values()) > 2.5 * min(region_size.values())
    enterprise = [str(u["Unit"]) for u in units if u["Segment"] == "Enterprise"]
    for unit in enterprise:
        executives, engineers = people[unit, ACCOUNT_EXECUTIVE], people[unit, SOLUTION_ENGINEER]
        assert ENTERPRISE_SE_PER_AE_TODAY <= engineers / executives < ENTERPRISE_SE_PER_AE_MIN + 0.05
    executives = sum(people[u, ACCOUNT_EXECUTIVE] for u in enterprise)
    engineers = sum(people[u, SOLUTION_ENGINEER] for u in enterprise)
    assert engineers / executives < ENTERPRISE_SE_PER_AE_MIN
    for unit in per_unit:
        assert people[unit, SALES_MANAGER] <= SALES_MANAGERS_PER_AE_TODAY * people[unit, ACCOUNT_EXECUTIVE]
    # SMB is staffed by inside sales reps, and its demand is mostly transactional.
    smb = [str(u["Unit"]) for u in units if u["Segment"] == "SMB"]
    assert sum(people[u, "Inside sales rep"] for u in smb) > 2 * sum(people[u, ACCOUNT_EXECUTIVE] for u in smb)
    smb_demand = Counter[str]()
    for row in _table(rows, "Demand"):
        if row["Unit"] in smb and row["Period"] == "2027-Q1":
            assert isinstance(row["Hours"], int)
            smb_demand[str(row["Work type"])] += row["Hours"]
    assert smb_demand.most_common(1)[0][0] == "transactional"


def test_demand_trends_technical_up_and_relationship_down() -> None:
    rows = generate_rows(300, 1, 1, 2, 5, seed=2)
    hours = {(r["Work type"], r["Period"]): _number(r["Hours"]) for r in _table(rows, "Demand") if "Hours" in r}
    technical = [hours["technical", p] for p in ("2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2028-Q1")]
    relationship = [hours["relationship", p] for p in ("2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2028-Q1")]
    assert technical == sorted(technical) and technical[0] != technical[-1]
    assert relationship == sorted(relationship, reverse=True) and relationship[0] != relationship[-1]
    # Enterprise executive demand is entered as accounts x 40 hours.
    executive = [r for r in _table(rows, "Demand") if r["Work type"] == "executive"]
    assert executive and all("Hours" not in r and r["Hours per account"] == 40.0 for r in executive)


def test_levers_follow_the_roles_and_segments_generated() -> None:
    two_roles_enterprise = generate_rows(100, 2, 1, 2, 3, seed=1)
    assert [p["Path"] for p in _table(two_roles_enterprise, "ReskillPaths")] == ["AE to solution engineer"]
    # Neither source may serve Enterprise, so none is offered; the copilots still are.
    assert _table(two_roles_enterprise, "Capacity") == []
    assert {r["Name"] for r in _table(two_roles_enterprise, "Adoption")} == {"Sales copilot", "Engineering copilot"}
    assert [(r["Role"], r["Per role"]) for r in _table(two_roles_enterprise, "Ratios")] == [
        (SOLUTION_ENGINEER, ACCOUNT_EXECUTIVE)
    ]
    assert len(_table(two_roles_enterprise, "Effectiveness")) == 2 * 5

    full = generate_rows(700, 2, 6, 7, 3, seed=1)
    assert [p["Path"] for p in _table(full, "ReskillPaths")] == [
        "AE to solution engineer",
        "ISR to customer success",
        "AE to customer success",
    ]
    assert [c["Source"] for c in _table(full, "Capacity")] == [AI_AGENT, PARTNERS]
    assert [(s["Source"], s["Segment"], s["Max share"]) for s in _table(full, "CapacityScope")] == [
        (AI_AGENT, "Mid-market", 0.2),
        (AI_AGENT, "SMB", 0.4),
        (AI_AGENT, "Digital natives", 0.3),
        (PARTNERS, "Mid-market", 0.05),
        (PARTNERS, "SMB", 0.1),
        (PARTNERS, "Public sector", 0.15),
    ]
    assert len(_table(full, "Ratios")) == 1 + 6
    assert [r["Adoption"] for r in _table(full, "Adoption") if r["Name"] == AI_AGENT] == [0.10, 0.20, 0.30]
    assert full["Policy"] == {"Layoff cap share": 0.04}
    settings = full["Settings"]
    assert isinstance(settings, dict)
    assert (settings["Whole people"], settings["Time limit"], settings["Gap"]) == ("yes", 60, 0.005)


# --- workbooks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "regions", "segments", "roles", "periods"),
    [(500, 2, 3, 5, 8), (3_000, 10, 4, 6, 12), (10_000, 20, 4, 6, 12)],
)
def test_generated_workbooks_read_cleanly(
    tmp_path: Path, employees: int, regions: int, segments: int, roles: int, periods: int
) -> None:
    path = tmp_path / "generated.xlsx"
    rows = generate_rows(employees, regions, segments, roles, periods, seed=11)
    generate_workbook(
        path, employees=employees, regions=regions, segments=segments, roles=roles, periods=periods, seed=11
    )
    plan_input = read_plan_input(path)
    facts = summary(plan_input)
    assert (facts["headcount"], facts["units"], facts["roles"], facts["work_types"]) == (
        employees,
        regions * segments,
        roles,
        5,
    )
    assert (facts["periods"], facts["first_period"]) == (periods, "2027-Q1")
    assert len(plan_input.demand) == len(_table(rows, "Demand"))
    # The reader gathers the one-per-employee roster back into the same cohorts.
    assert {(c.role, c.unit): c.count for c in plan_input.start} == {
        (role, unit): float(count) for (unit, role), count in _people_per_unit_and_role(rows).items()
    }
    path_to_engineer = plan_input.paths[0]
    assert path_to_engineer.min_skills == ((SKILL, 3.0),)
    levels = {r["Group"]: r["Level"] for r in _table(rows, "Skills")}
    eligible = Counter[str]()
    for row in _table(rows, "Headcount"):
        if row["Role"] == ACCOUNT_EXECUTIVE and _number(levels[row["Group"]]) >= 3:
            eligible[str(row["Unit"])] += 1
    assert path_to_engineer.eligible is not None
    assert {unit: people for unit, people in path_to_engineer.eligible if people} == dict(eligible)


def test_a_small_generated_workbook_solves(tmp_path: Path) -> None:
    path = tmp_path / "small.xlsx"
    generate_workbook(path, employees=300, regions=2, segments=3, roles=6, periods=4, seed=4)
    result = solve_plan(read_plan_input(path), SolveOptions(whole_people=False, time_limit_s=120))
    assert result.outcome.status == "optimal"
    assert sum(result.start_headcount().values()) == 300
    # The Enterprise minimum of solution engineers per account executive holds from the first quarter.
    for unit in ("US West Enterprise", "US East Enterprise"):
        end = {row.role: row.end for row in result.plan if row.unit == unit and row.period == 1}
        assert end[SOLUTION_ENGINEER] >= ENTERPRISE_SE_PER_AE_MIN * end[ACCOUNT_EXECUTIVE] - 1e-6


# --- the command --------------------------------------------------------------------------------


@pytest.fixture()
def cli() -> click.Group:
    @click.group()
    def group() -> None:
        """A stand-in for the rolemix command group."""

    register(group)
    return group


def test_generate_command_writes_and_refuses_to_overwrite(cli: click.Group, tmp_path: Path) -> None:
    target = tmp_path / "gen.xlsx"
    arguments = ["generate", "--employees", "120", "--regions", "2", "--segments", "3"]
    arguments += ["--roles", "4", "--periods", "4", "--seed", "9", "--out", str(target)]
    runner = CliRunner()
    first = runner.invoke(cli, arguments)
    assert first.exit_code == 0, first.output
    assert first.output == (
        f"Wrote {target}: 120 employees in 6 units (2 regions x 3 segments), 4 roles, 4 quarters, seed 9.\n"
    )
    assert summary(read_plan_input(target))["headcount"] == 120
    written = target.read_bytes()

    again = runner.invoke(cli, arguments)
    assert again.exit_code == 1
    assert again.output == f"Error: {target} already exists; choose another name or add --force to overwrite it.\n"
    assert target.read_bytes() == written

    forced = runner.invoke(cli, [*arguments, "--force"])
    assert forced.exit_code == 0, forced.output


def test_generate_command_singular_counts(cli: click.Group, tmp_path: Path) -> None:
    target = tmp_path / "one.xlsx"
    result = CliRunner().invoke(
        cli,
        ["generate", "--employees", "10", "--regions", "1", "--segments", "1", "--roles", "2", "--periods", "1"]
        + ["--out", str(target)],
    )
    assert result.exit_code == 0, result.output
    assert (
        result.output == f"Wrote {target}: 10 employees in 1 unit (1 region x 1 segment), 2 roles, 1 quarter, seed 1.\n"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--employees", "11", "--regions", "2", "--segments", "2", "--roles", "3"],
            "Error: Invalid value for '--employees': 11 is too few: every unit needs one person per role, "
            "so at least roles x regions x segments = 3 x 2 x 2 = 12.",
        ),
        (["--segments", "7"], "Error: Invalid value for '--segments': 7 is not in the range 1<=x<=6."),
        (["--roles", "1"], "Error: Invalid value for '--roles': 1 is not in the range 2<=x<=7."),
        (["--periods", "41"], "Error: Invalid value for '--periods': 41 is not in the range 1<=x<=40."),
        (["--regions", "0"], "Error: Invalid value for '--regions': 0 is not in the range x>=1."),
    ],
)
def test_generate_command_checks_its_arguments(
    cli: click.Group, tmp_path: Path, arguments: list[str], message: str
) -> None:
    target = tmp_path / "bad.xlsx"
    result = CliRunner().invoke(cli, ["generate", *arguments, "--out", str(target)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == message
    assert not target.exists()


def test_generate_command_wants_an_xlsx_name(cli: click.Group, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", "--out", str(tmp_path / "plan.csv")])
    assert result.exit_code == 2
    assert (
        result.output.splitlines()[-1]
        == f"Error: Invalid value for '--out': {tmp_path / 'plan.csv'}: give a name ending in .xlsx."
    )
