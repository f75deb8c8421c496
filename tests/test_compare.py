"""compare, frontier and sweep on the worked example: every shipped scenario solves, numbers add up,
order is kept, the frontier is monotone with the single-objective solves at its ends, Dask equals local,
and the commands exit with the right codes and messages.

Plans are solved fractional (LPs, about half a second each) to keep the suite fast; each expensive
run happens once per module.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from rolemix import cli_scenarios
from rolemix.errors import InfeasiblePlan
from rolemix.inputs import PlanInput
from rolemix.model import SolveOptions, solve_plan
from rolemix.scenarios.compare import Comparison, compare_scenarios
from rolemix.scenarios.excel import write_comparison_workbook, write_frontier_workbook, write_sweep_workbook
from rolemix.scenarios.frontier import Frontier, cost_layoff_frontier, layoff_limits
from rolemix.scenarios.kpis import Kpis, kpis_of, measures, money_short, progress_line
from rolemix.scenarios.runner import DASK_MISSING, ClusterError, run_task, run_tasks
from rolemix.scenarios.sweep import (
    SweepPoint,
    parse_parameter,
    parse_values,
    run_sweep,
    split_setting,
    tipping_points,
)
from rolemix.scenarios.tasks import SolveTask, TaskOutcome
from rolemix.workbook.reader import read_plan_input

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "excel_templates" / "example-software-co.xlsx"
SHIPPED = ROOT / "scenarios"
ORDER = ["base", "ai-fast", "ai-dip", "layoff-cap-4pct", "budget-minus-10pct", "technical-first", "no-layoffs"]
FRACTIONAL = SolveOptions(whole_people=False)


@pytest.fixture(scope="module")
def example() -> PlanInput:
    return read_plan_input(EXAMPLE)


@pytest.fixture(scope="module")
def comparison(example: PlanInput) -> tuple[Comparison, list[str]]:
    heard: list[str] = []
    result = compare_scenarios(
        example, [SHIPPED / f"{name}.yaml" for name in ORDER], FRACTIONAL, workbook=str(EXAMPLE), workers=2,
        say=heard.append,
    )
    return result, heard


@pytest.fixture(scope="module")
def frontier(example: PlanInput) -> Frontier:
    return cost_layoff_frontier(example, 3, FRACTIONAL, workers=2)


@pytest.fixture()
def group() -> click.Group:
    """The ``rolemix`` main group once it has the scenario commands, a stand-in with them until then."""
    from rolemix.cli import main

    if "compare" in main.commands:
        return main

    @click.group()
    def rolemix() -> None:
        """A stand-in for the main group."""

    cli_scenarios.register(rolemix)
    return rolemix


@pytest.fixture()
def workbook(tmp_path: Path) -> Path:
    target = tmp_path / "example.xlsx"
    shutil.copy(EXAMPLE, target)
    return target


# --- compare ------------------------------------------------------------------------------------------


def test_every_shipped_scenario_solves_in_the_order_given(comparison: tuple[Comparison, list[str]]) -> None:
    result, heard = comparison
    assert [run.scenario.name for run in result.runs] == ORDER
    assert [run.kpis.label for run in result.runs] == ORDER
    assert [run.kpis.status for run in result.runs] == ["optimal"] * len(ORDER)
    assert result.reference.scenario.name == "base"
    assert len(heard) == len(ORDER)
    for index, line in enumerate(heard, start=1):
        assert re.fullmatch(rf"\[{index}/7\] [a-z0-9-]+: optimal, total cost \$5\d\d\.\dM", line), line
    assert sorted(line.split("] ")[1].split(":")[0] for line in heard) == sorted(ORDER)


@pytest.mark.skipif(os.environ.get("ROLEMIX_SLOW_TESTS") != "1",
                    reason="whole-people solves of every shipped scenario take a minute; set ROLEMIX_SLOW_TESTS=1")
def test_every_shipped_scenario_solves_with_whole_people(example: PlanInput) -> None:
    result = compare_scenarios(example, [SHIPPED / f"{name}.yaml" for name in ORDER], SolveOptions(explain=False))
    assert [(run.scenario.name, run.kpis.status) for run in result.runs] == [(name, "optimal") for name in ORDER]
    assert all(run.outcome.result is not None and run.outcome.result.outcome.whole_people for run in result.runs)


def test_the_base_scenario_is_the_workbook_itself(comparison: tuple[Comparison, list[str]], example: PlanInput) -> None:
    base = comparison[0].reference
    direct = solve_plan(example, FRACTIONAL)
    assert base.outcome.result is not None
    assert base.outcome.result.plan == direct.plan
    assert base.kpis.total_cost == direct.total_cost


def test_changes_equal_recomputation(comparison: tuple[Comparison, list[str]]) -> None:
    result = comparison[0]
    reference = result.runs[0].kpis
    roles = result.roles
    for run, change in zip(result.runs, result.changes(), strict=True):
        for measure in measures(roles):
            value, base = run.kpis.value(measure.key), reference.value(measure.key)
            assert value is not None and base is not None
            assert change[measure.key] == value - base
    assert set(result.changes()[0].values()) == {0.0}


def test_scenario_numbers_are_those_of_their_plans(comparison: tuple[Comparison, list[str]]) -> None:
    for run in comparison[0].runs:
        plan = run.outcome.result
        assert plan is not None
        assert run.kpis.total_cost == plan.total_cost
        assert run.kpis.layoffs == plan.total_layoffs
        assert dict(run.kpis.end_headcount) == plan.end_headcount()
        assert plan.plan_input.provenance[-2:] == (("scenario", str(SHIPPED / f"{run.scenario.name}.yaml")),
                                                   ("scenario_sha256", run.scenario.sha256))


def test_the_scenarios_move_the_plan_the_way_their_facts_say(comparison: tuple[Comparison, list[str]]) -> None:
    kpis = {run.scenario.name: run.kpis for run in comparison[0].runs}
    base = kpis["base"]
    assert kpis["no-layoffs"].layoffs == 0.0
    assert kpis["layoff-cap-4pct"].layoffs is not None and base.layoffs is not None
    assert kpis["layoff-cap-4pct"].layoffs < base.layoffs
    assert kpis["ai-fast"].ai_share is not None and base.ai_share is not None
    assert kpis["ai-fast"].ai_share > base.ai_share
    assert kpis["ai-dip"].ai_share is not None and kpis["ai-dip"].ai_share < base.ai_share
    for name in ("no-layoffs", "layoff-cap-4pct", "technical-first", "ai-dip"):
        cost, base_cost = kpis[name].total_cost, base.total_cost
        assert cost is not None and base_cost is not None and cost > base_cost, name


def test_the_comparison_workbook(comparison: tuple[Comparison, list[str]], tmp_path: Path) -> None:
    result = comparison[0]
    target = write_comparison_workbook(result, tmp_path / "compare.xlsx", with_plans=True)
    book = load_workbook(target)
    expected_sheets = ["Comparison", "Charts"]
    for index, name in enumerate(ORDER, start=1):
        expected_sheets += [f"{index} {name}", f"{index} {name} plan"]
    assert book.sheetnames == expected_sheets
    sheet = book["Comparison"]
    assert set(sheet.tables) == {"scenario_kpis", "scenario_changes"}
    kpi_rows = list(sheet.iter_rows(min_row=5, max_row=5 + len(ORDER), values_only=True))
    header = kpi_rows[0]
    assert header[:8] == ("Scenario", "Description", "Status", "Gap", "Total cost (USD)", "Hires", "Layoffs",
                          "Reskilled")
    assert header[-3:] == ("AI share", "Unmet hours", "Outcome")
    for row, run in zip(kpi_rows[1:], result.runs, strict=True):
        # A cell keeps 15 significant digits, as Excel does.
        assert row[0] == run.scenario.name
        assert row[4] == pytest.approx(run.kpis.total_cost, rel=1e-14)
        assert row[6] == pytest.approx(run.kpis.layoffs, rel=1e-14)
    assert len(book["Charts"]._charts) == 3
    plan_sheet = book["2 ai-fast plan"]
    ai_fast = result.runs[1].outcome.result
    assert ai_fast is not None
    assert plan_sheet.max_row == 3 + len(ai_fast.plan)
    summary = [cell for row in book["2 ai-fast"].iter_rows(values_only=True) for cell in row if cell is not None]
    assert "What the scenario changes" in summary
    assert "Northwind AI sales agent / transactional / Mid-market" in summary


def test_without_plans_there_is_one_summary_sheet_per_scenario(comparison: tuple[Comparison, list[str]],
                                                                tmp_path: Path) -> None:
    book = load_workbook(write_comparison_workbook(comparison[0], tmp_path / "c.xlsx"))
    assert book.sheetnames == ["Comparison", "Charts", *(f"{i} {n}" for i, n in enumerate(ORDER, start=1))]


def test_an_infeasible_scenario_is_a_row_not_a_crash(example: PlanInput, tmp_path: Path) -> None:
    broke = tmp_path / "broke.yaml"
    broke.write_text("name: broke\ndescription: A tenth of the budget.\nbudget_multiplier: 0.1\n", encoding="utf-8")
    result = compare_scenarios(example, [SHIPPED / "base.yaml", broke], FRACTIONAL, workers=1)
    row = result.runs[1].kpis
    assert (row.status, row.total_cost, row.layoffs, row.end_headcount) == ("infeasible", None, None, ())
    assert row.message.startswith("No plan satisfies every limit in the workbook: the budget of 2027-Q1")
    assert row.diagnosis[0].startswith("the budget of 2027-Q1 ($8,420,000) is short by $")
    assert set(result.changes()[1].values()) == {None}
    book = load_workbook(write_comparison_workbook(result, tmp_path / "c.xlsx", with_plans=True))
    assert book.sheetnames == ["Comparison", "Charts", "1 base", "1 base plan", "2 broke"]
    row_values = next(book["Comparison"].iter_rows(min_row=7, max_row=7, values_only=True))
    assert row_values[:5] == ("broke", "A tenth of the budget.", "infeasible", None, None)
    assert str(row_values[-1]).startswith("No plan satisfies every limit")
    assert "Conflicting limits: the budget of 2027-Q1" in str(row_values[-1])


def test_progress_lines_and_short_money() -> None:
    assert money_short(532_712_345.0, "USD") == "$532.7M"
    assert money_short(-41_200.0, "EUR") == "-€41.2k"
    assert money_short(1_250_000_000.0, "CHF") == "1.2B CHF"
    kpis = Kpis("ai-fast", "optimal", 0.0, 532_712_345.0, 532_712_345.0, 1.0, 2.0, 3.0, (), 0.1, 0.0, "Optimal plan.")
    assert progress_line(3, 7, "ai-fast", kpis, "USD") == "[3/7] ai-fast: optimal, total cost $532.7M"
    missing = kpis_of("broke", TaskOutcome("broke", "infeasible", None, "No plan satisfies every limit.\nmore"))
    assert progress_line(2, 7, "broke", missing, "USD") == "[2/7] broke: infeasible (No plan satisfies every limit.)"


def test_tasks_and_outcomes_travel_by_pickle(example: PlanInput) -> None:
    task = SolveTask("base", example, FRACTIONAL)
    assert pickle.loads(pickle.dumps(task)) == task
    outcome = TaskOutcome("x", "infeasible", None, "why", ("a", "b"))
    assert pickle.loads(pickle.dumps(outcome)) == outcome


def test_local_processes_give_the_same_plans_in_the_order_given(example: PlanInput) -> None:
    cheap = replace(FRACTIONAL, explain=False)
    tasks = [SolveTask(label, replace(example, policy=replace(example.policy, layoff_cap_share=share)), cheap)
             for label, share in (("a", 0.005), ("b", 0.04))]
    here = run_tasks(tasks, workers=1)
    there = run_tasks(tasks, workers=2)
    assert [o.label for o in there] == ["a", "b"]
    assert [_plan_of(o) for o in there] == [_plan_of(o) for o in here]


def _plan_of(outcome: TaskOutcome) -> tuple[object, ...]:
    """Everything of a solve but its run times."""
    result = outcome.result
    assert result is not None
    return (outcome.label, outcome.status, result.plan, result.coverage, result.costs, result.outcome.objective)


# --- frontier -----------------------------------------------------------------------------------------


def test_frontier_layoff_limits_are_evenly_spaced_between_the_ends() -> None:
    assert layoff_limits(0.0, 40.0, 3) == [10.0, 20.0, 30.0]
    assert layoff_limits(10.0, 20.0, 1) == [15.0]


def test_frontier_points_are_monotone(frontier: Frontier) -> None:
    labels = [point.label for point in frontier.points]
    assert labels[0] == "Fewest layoffs" and labels[-1] == "Least cost" and len(labels) == 5
    layoffs = [point.layoffs for point in frontier.points]
    costs = [point.cost for point in frontier.points]
    assert all(value is not None for value in layoffs + costs)
    for (low, cheap), (high, dear) in zip(zip(layoffs, costs, strict=True), zip(layoffs[1:], costs[1:], strict=True),
                                          strict=False):
        assert low is not None and high is not None and cheap is not None and dear is not None
        assert high >= low - 1e-6
        assert dear <= cheap * (1 + 1e-7)
    for point in frontier.points[1:-1]:
        assert point.layoff_limit is not None and point.layoffs is not None
        assert point.layoffs <= point.layoff_limit + 1e-6
        assert point.note == ""


def test_frontier_ends_equal_the_single_objective_solves(frontier: Frontier, example: PlanInput) -> None:
    cheap = replace(FRACTIONAL, explain=False)
    fewest = solve_plan(example, replace(cheap, objective=("layoffs", "cost")))
    least = solve_plan(example, replace(cheap, objective=("cost",)))
    first, last = frontier.points[0], frontier.points[-1]
    assert (first.layoffs, first.kpis.total_cost) == (fewest.total_layoffs, fewest.total_cost)
    assert (last.layoffs, last.kpis.total_cost) == (least.total_layoffs, least.total_cost)
    limits = [point.layoff_limit for point in frontier.points[1:-1]]
    assert limits == layoff_limits(fewest.total_layoffs, least.total_layoffs, 3)


def test_frontier_in_words_and_workbook(frontier: Frontier, tmp_path: Path) -> None:
    first, last = frontier.points[0], frontier.points[-1]
    assert first.cost is not None and last.cost is not None and last.layoffs is not None
    assert frontier.in_words() == (
        f"Avoiding all {last.layoffs:,.1f} layoffs of the least-cost plan costs "
        f"{money_short(first.cost - last.cost, 'USD')} more over the horizon "
        f"({money_short((first.cost - last.cost) / last.layoffs, 'USD')} per layoff avoided on average)."
    )
    book = load_workbook(write_frontier_workbook(frontier, tmp_path / "f.xlsx"))
    sheet = book["Frontier"]
    rows = list(sheet.iter_rows(min_row=6, max_row=10, values_only=True))
    assert [row[0] for row in rows] == [point.label for point in frontier.points]
    assert [row[2] for row in rows] == pytest.approx([point.layoffs for point in frontier.points], rel=1e-14)
    assert [row[3] for row in rows] == pytest.approx([point.cost for point in frontier.points], rel=1e-14)
    assert len(sheet._charts) == 1


def test_a_costlier_plan_for_a_looser_limit_is_replaced_by_the_cheaper_one(frontier: Frontier) -> None:
    from rolemix.scenarios.frontier import monotone

    points = list(frontier.points)
    dearer = replace(points[2], kpis=replace(points[2].kpis, discounted_cost=(points[1].cost or 0) + 1e6))
    fixed = monotone([points[0], points[1], dearer, *points[3:]], "USD")
    assert fixed[2].outcome is points[1].outcome
    assert fixed[2].label == points[2].label and fixed[2].layoff_limit == points[2].layoff_limit
    assert fixed[2].note == (f"Shows the plan of '{points[1].label}', which is cheaper and within this limit "
                             "(the solver's own plan cost $1.0M more, within its gap limit).")


def test_a_workbook_without_a_plan_has_no_frontier(example: PlanInput) -> None:
    broke = replace(example, policy=replace(example.policy, budget=tuple(1.0 for _ in example.policy.budget)))
    with pytest.raises(InfeasiblePlan, match=r"^No plan satisfies every limit in the workbook: the budget of 2027-Q1"):
        cost_layoff_frontier(broke, 2, FRACTIONAL, workers=1)


# --- sweep --------------------------------------------------------------------------------------------


def test_sweep_paths_and_values() -> None:
    parameter = parse_parameter("CapacityScope[Northwind AI sales agent, transactional, SMB].Max share")
    assert (parameter.kind, parameter.sheet, parameter.key, parameter.column) == (
        "override", "CapacityScope", ["Northwind AI sales agent", "transactional", "SMB"], "Max share")
    assert parse_parameter("roles[Account executive].Attrition").sheet == "Roles"
    assert parse_parameter('Roles["Sales, EMEA"].Attrition').key == "Sales, EMEA"
    assert parse_parameter("Policy.Layoff cap share").key is None
    assert parse_parameter("budget_multiplier").kind == "budget_multiplier"
    demand = parse_parameter("demand_multiplier[segment=SMB, work_type=transactional]")
    assert (demand.kind, demand.segment, demand.work_type) == ("demand_multiplier", "SMB", "transactional")
    assert split_setting("demand_multiplier[segment=SMB]=1:0.6:-0.1") == ("demand_multiplier[segment=SMB]",
                                                                           "1:0.6:-0.1")
    assert split_setting('Roles["a=b"].Attrition = 0.1') == ('Roles["a=b"].Attrition', "0.1")
    assert split_setting("Policy.Layoff cap share") is None
    assert parse_values("0.1, 0.2,12%") == [0.1, 0.2, "12%"]
    assert parse_values("least cost; fewest layoffs, then least cost") == [
        "least cost", "fewest layoffs, then least cost"]
    assert parse_values("0:0.3:0.1") == [0.0, 0.1, 0.2, 0.3]
    assert parse_values("1:0.9:-0.05") == [1.0, 0.95, 0.9]


def test_tipping_points_in_words() -> None:
    roles = ("Seller", "Engineer")

    def point(value: float, seller: float, engineer: float) -> SweepPoint:
        kpis = Kpis(str(value), "optimal", 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, (("Seller", seller), ("Engineer", engineer)),
                    0.0, 0.0, "")
        return SweepPoint(value, None, TaskOutcome(str(value), "optimal"), kpis)  # type: ignore[arg-type]

    points = [point(0.1, 100.0, 50.0), point(0.2, 95.0, 52.0), point(0.3, 60.0, 70.0), point(0.4, 60.3, 70.0)]
    assert [t.sentence for t in tipping_points(points, roles, 0.1)] == [
        "From 0.2 to 0.3, the ranking of roles by end headcount changes to Engineer > Seller (was Seller > Engineer).",
        "From 0.2 to 0.3, Seller end headcount falls by 37% (95.0 to 60.0).",
        "From 0.2 to 0.3, Engineer end headcount rises by 35% (52.0 to 70.0).",
    ]
    assert [t.sentence for t in tipping_points(points, roles, 0.04)][0] == (
        "From 0.1 to 0.2, Seller end headcount falls by 5% (100.0 to 95.0).")


def test_a_sweep_on_the_example(example: PlanInput, tmp_path: Path) -> None:
    sweep = run_sweep(example, "CapacityScope[Northwind AI sales agent, transactional, SMB].Max share", [0.0, 0.4],
                      replace(FRACTIONAL, explain=False), workers=2)
    assert sweep.workbook_value == 0.4
    assert [point.value for point in sweep.points] == [0.0, 0.4]
    assert [point.override.scenario_value for point in sweep.points] == [0.0, 0.4]
    without_ai, with_ai = (point.kpis for point in sweep.points)
    assert without_ai.ai_share is not None and with_ai.ai_share is not None and without_ai.ai_share < with_ai.ai_share
    assert [t.sentence for t in sweep.tipping_points] == [
        t.sentence for t in tipping_points(sweep.points, sweep.roles, 0.1)
    ]
    assert any("Inside sales rep end headcount falls" in t.sentence for t in sweep.tipping_points)
    book = load_workbook(write_sweep_workbook(sweep, tmp_path / "s.xlsx"))
    assert len(book["Sweep"]._charts) == 2


# --- Dask ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_dask_and_local_give_identical_results(example: PlanInput, dask_scheduler: str) -> None:
    cheap = replace(FRACTIONAL, explain=False)
    paths = [SHIPPED / "base.yaml", SHIPPED / "no-layoffs.yaml"]
    heard: list[str] = []
    on_dask = compare_scenarios(example, paths, cheap, executor="dask", scheduler=dask_scheduler, say=heard.append)
    local = compare_scenarios(example, paths, cheap, workers=1)
    assert [run.kpis for run in on_dask.runs] == [run.kpis for run in local.runs]
    assert [_plan_of(run.outcome) for run in on_dask.runs] == [_plan_of(run.outcome) for run in local.runs]
    assert len(heard) == 2
    sweep_dask = run_sweep(example, "budget_multiplier", [1.0, 0.9], cheap, executor="dask", scheduler=dask_scheduler)
    sweep_local = run_sweep(example, "budget_multiplier", [1.0, 0.9], cheap, workers=1)
    assert [p.kpis for p in sweep_dask.points] == [p.kpis for p in sweep_local.points]


def test_dask_not_installed_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, example: PlanInput) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ClusterError) as caught:
        run_tasks([SolveTask("x", example, FRACTIONAL)], executor="dask", scheduler="tcp://127.0.0.1:1")
    assert str(caught.value) == DASK_MISSING == (
        "Running on a Dask cluster needs the optional Dask packages: pip install 'rolemix[dask]'")


def test_run_task_turns_a_missing_plan_into_an_outcome(example: PlanInput) -> None:
    broke = replace(example, policy=replace(example.policy, budget=tuple(1.0 for _ in example.policy.budget)))
    outcome = run_task(SolveTask("broke", broke, FRACTIONAL))
    assert (outcome.label, outcome.status, outcome.result) == ("broke", "infeasible", None)
    assert outcome.diagnosis[0].startswith("the budget of 2027-Q1 ($1) is short by $")


def test_run_task_gives_the_collector_back_what_the_build_kept(example: PlanInput) -> None:
    # A worker solves task after task: nothing a build set aside may outlive its task (rolemix/collector.py).
    outcome = run_task(SolveTask("base", example, FRACTIONAL))
    assert outcome.status == "optimal"
    assert gc.get_freeze_count() == 0


# --- the commands -------------------------------------------------------------------------------------


def test_compare_command_json_and_workbook(group: click.Group, workbook: Path) -> None:
    result = CliRunner().invoke(group, ["compare", str(workbook), str(SHIPPED / "base.yaml"),
                                        str(SHIPPED / "layoff-cap-4pct.yaml"), "--fractional", "--json",
                                        "--workers", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["name"] for s in data["scenarios"]] == ["base", "layoff-cap-4pct"]
    assert data["reference"] == "base"
    assert data["comparison_workbook"] == str(workbook.with_name("example-compare.xlsx"))
    second = data["scenarios"][1]
    assert second["change"]["layoffs"] == second["layoffs"] - data["scenarios"][0]["layoffs"]
    assert second["overrides"] == [{"sheet": "Policy", "item": None, "column": "Layoff cap share",
                                    "workbook_value": 0.04, "scenario_value": 0.005}]
    assert result.stderr.splitlines()[:2] == [f"rolemix: reading {workbook}", "rolemix: solving 2 scenarios"]
    assert re.fullmatch(r"\[2/2\] [a-z0-9-]+: optimal, total cost \$5\d\d\.\dM", result.stderr.splitlines()[3])
    assert Path(data["comparison_workbook"]).is_file()


def test_compare_command_exit_codes(group: click.Group, workbook: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\noverrides:\n  - {sheet: Roles, key: Account executive, column: Attrition, value: 1.4}\n",
                   encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(group, ["compare", str(workbook), str(bad), "--fractional"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"rolemix: reading {workbook}\nrolemix: solving 1 scenario\nError: 1 problem in the input:\n"
        f"  {bad}, line 3, overrides[0].value: found 1.4, expected a share between 0 and 1 (write 1.4% or 0.014)\n"
    )
    result = runner.invoke(group, ["compare", str(workbook), str(bad), "--scheduler", "tcp://x:1"])
    assert result.exit_code == 2
    assert "Error: --scheduler needs --executor dask." in result.stderr
    result = runner.invoke(group, ["compare", str(workbook)])
    assert result.exit_code == 2
    result = runner.invoke(group, ["compare", str(workbook), str(SHIPPED / "base.yaml"), "--out", str(workbook)])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {workbook} is an input file; rolemix never overwrites its inputs. "
                             "Choose another --out.\n")
    result = runner.invoke(group, ["compare", str(workbook), str(SHIPPED / "base.yaml"), "--out", "x.csv", "--quiet"])
    assert (result.exit_code, result.stderr) == (
        1, "Error: x.csv: the output is an Excel workbook; give it a name ending in .xlsx.\n")
    twin = tmp_path / "twin.yaml"
    twin.write_text("name: Base\n", encoding="utf-8")
    result = runner.invoke(group, ["compare", str(workbook), str(SHIPPED / "base.yaml"), str(twin), "--quiet"])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: 1 problem in the input:\n  {twin}, name: found 'Base', the name of {SHIPPED / 'base.yaml'} too; "
           "each scenario needs its own name\n")


def test_frontier_command(group: click.Group, workbook: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "curve.xlsx"
    result = runner.invoke(group, ["frontier", str(workbook), "--points", "1", "--fractional", "--out", str(out),
                                   "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Avoiding all ")
    assert result.stdout.endswith(f"Frontier written to {out}\n")
    assert load_workbook(out).sheetnames == ["Frontier"]
    broke = tmp_path / "broke.yaml"
    broke.write_text("name: broke\nbudget_multiplier: 0.1\n", encoding="utf-8")
    result = runner.invoke(group, ["frontier", str(workbook), "--scenario", str(broke), "--fractional", "--quiet",
                                   "--workers", "1"])
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: No plan satisfies every limit in the workbook: the budget of 2027-Q1")
    assert "\nConflicting limits, largest first:\n  - the budget of 2027-Q1 ($8,420,000) is short by $" in result.stderr


def test_sweep_command(group: click.Group, workbook: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(group, ["sweep", str(workbook), "--set", "Policy.Layoff cap share=0.005,0.04",
                                   "--fractional", "--json", "--quiet", "--workers", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["value"] for p in data["points"]] == [0.005, 0.04]
    assert data["workbook_value"] == 0.04
    assert data["parameter"] == "Policy.Layoff cap share"
    result = runner.invoke(group, ["sweep", str(workbook), "--set", "Roles[Account executive].Atrition=0.1,0.2"])
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: 1 problem in the input:\n  --set, Roles[Account executive].Atrition: found 'Atrition', expected a "
        "column of the Roles sheet: 'Loaded cost', 'Productive hours', 'Attrition', 'First-year attrition', "
        "'Hiring cost', 'Hires cap', 'Ramp periods', 'Ramp productivity', 'Severance', 'Layoff cap', "
        "'Reduced-hours cap', 'Reduced-hours FTE', 'Reduced-hours cost', 'Surplus cost' (did you mean 'Attrition'?)\n")
    result = runner.invoke(group, ["sweep", str(workbook), "--set", "Roles[Account executive].Attrition=0.1,1.4"])
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: 1 problem in the input:\n  --set, Roles[Account executive].Attrition = 1.4: found 1.4, expected a "
        "share between 0 and 1 (write 1.4% or 0.014)\n")
    result = runner.invoke(group, ["sweep", str(workbook), "--set", "Attrition"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for --set: expected PATH=V1,V2,... with PATH one of Sheet[key, ...].Column, "
        "Sheet.Setting, budget_multiplier or demand_multiplier[segment=..., work_type=...]\n")


def test_every_command_has_examples_in_its_help(group: click.Group) -> None:
    for name in ("compare", "frontier", "sweep"):
        result = CliRunner().invoke(group, [name, "--help"])
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
        assert f"rolemix {name} plan.xlsx" in result.stdout
