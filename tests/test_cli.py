"""The command line: exit codes, stdout/stderr separation, exact messages."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolemix import __version__
from rolemix.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "excel_templates" / "example-software-co.xlsx"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def solved_example(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path, str, str]:
    folder = tmp_path_factory.mktemp("solve")
    workbook = folder / "example.xlsx"
    shutil.copy(EXAMPLE, workbook)
    before = _sha(workbook)
    result = CliRunner().invoke(main, ["solve", str(workbook), "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), workbook, before, result.stderr


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"rolemix, version {__version__}\n"


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"`rolemix {name}" in readme, name
        assert main.commands[name].help and "Example" in main.commands[name].help, name


def test_template_refuses_to_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    first = runner.invoke(main, ["template", str(target)])
    assert first.exit_code == 0 and target.exists()
    again = runner.invoke(main, ["template", str(target)])
    assert again.exit_code == 1
    assert f"Error: {target} already exists; choose another name or add --force to overwrite it." in again.stderr
    assert runner.invoke(main, ["template", str(target), "--force"]).exit_code == 0


def test_blank_template_fails_validation_with_located_messages(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    runner.invoke(main, ["template", str(target)])
    result = runner.invoke(main, ["validate", str(target)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert re.search(r"Settings, row \d+, column 'Value'", result.stderr) or "Settings, row" in result.stderr


def test_validate_example_prints_summary(runner: CliRunner) -> None:
    before = _sha(EXAMPLE)
    result = runner.invoke(main, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{EXAMPLE} is valid.\n")
    as_json = runner.invoke(main, ["validate", str(EXAMPLE), "--json"])
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout)["valid"] is True
    assert _sha(EXAMPLE) == before


def test_validate_refuses_non_workbooks_in_one_sentence(runner: CliRunner, tmp_path: Path) -> None:
    bogus = tmp_path / "plan.csv"
    bogus.write_text("role,count\nAE,3\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(bogus)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1


def test_solve_example_json(solved_example: tuple[dict[str, object], Path, str, str]) -> None:
    payload, workbook, before, _stderr = solved_example
    assert payload["status"] == "optimal"
    for key in (
        "status",
        "objective",
        "bound",
        "gap",
        "total_cost",
        "hires",
        "layoffs",
        "reskilled",
        "end_headcount",
        "ai_share",
        "unmet_hours",
        "runtime_s",
    ):
        assert key in payload, key
    # The example asks for a plan proven within 0.5 % of the best possible.
    assert isinstance(payload["gap"], float) and payload["gap"] <= 0.005 + 1e-12
    assert payload["bound"] <= payload["objective"] + 1e-6 * abs(payload["objective"])  # type: ignore[operator]
    assert set(payload["end_headcount"]) == {  # type: ignore[arg-type]
        "Account executive",
        "Solution engineer",
        "Customer success manager",
        "Sales manager",
        "Inside sales rep",
    }
    assert 0.0 < payload["ai_share"] < 1.0  # type: ignore[operator]
    written = Path(str(payload["plan_workbook"]))
    assert written == workbook.with_name("example-plan.xlsx") and written.exists()
    assert _sha(workbook) == before


def test_solve_refuses_to_overwrite_the_input(runner: CliRunner, tmp_path: Path) -> None:
    workbook = tmp_path / "example.xlsx"
    shutil.copy(EXAMPLE, workbook)
    before = _sha(workbook)
    result = runner.invoke(main, ["solve", str(workbook), "--out", str(workbook)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {workbook} is the input workbook; rolemix never overwrites its input. Choose another --out.\n"
    )
    assert _sha(workbook) == before


def test_infeasible_plan_exits_3_with_diagnosis(runner: CliRunner, tmp_path: Path) -> None:
    from rolemix.workbook.example import example_rows
    from rolemix.workbook.template import write_input_workbook

    rows = example_rows()
    budget = rows["Budget"]
    assert isinstance(budget, list)
    rows["Budget"] = [{**row, "Budget": 1_000_000.0} for row in budget]
    workbook = tmp_path / "tight.xlsx"
    write_input_workbook(workbook, rows)
    result = runner.invoke(main, ["solve", str(workbook), "--no-write", "--quiet", "--fractional"])
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(
        "Error: No plan satisfies every limit in the workbook: the budget of 2027-Q1 ($1,000,000) is short by $"
    )
    assert "Traceback" not in result.output


def test_time_limit_without_a_plan_exits_4(monkeypatch: pytest.MonkeyPatch, runner: CliRunner, tmp_path: Path) -> None:
    from rolemix.errors import NoPlanInTime

    def no_plan(*_args: object, **_kwargs: object) -> None:
        raise NoPlanInTime("No plan was found within the time limit of 1 s.")

    monkeypatch.setattr("rolemix.model.solve_plan", no_plan)
    result = runner.invoke(main, ["solve", str(EXAMPLE), "--no-write", "--quiet"])
    assert result.exit_code == 4
    assert result.stderr == "Error: No plan was found within the time limit of 1 s.\n"
