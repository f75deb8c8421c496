"""Output safety: nothing half-written, no input overwritten, no macros and no employee identifiers out;
solver faults and infeasibility each with their own message and exit code.

Exit codes (``rolemix.cli``): 1 bad input or files, 3 infeasible, 4 no plan
within the time limit, 5 solver failure or missing solver.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pulp
import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook
from planfactory import plan, role

from rolemix.cli import main
from rolemix.errors import OutputError
from rolemix.model import solve as solve_module
from rolemix.model.solve import solve_plan
from rolemix.report.files import write_atomically
from rolemix.report.workbook import pseudonymise_groups, write_plan_workbook
from rolemix.results import PlanResult
from rolemix.workbook.example import TEMPLATES_DIR, example_rows
from rolemix.workbook.reader import read_plan_input
from rolemix.workbook.safety import MACRO_WARNING
from rolemix.workbook.template import write_input_workbook

EXAMPLE = TEMPLATES_DIR / "example-software-co.xlsx"
INFEASIBLE_DIR = Path(__file__).parent / "data" / "infeasible"
INFEASIBLE = INFEASIBLE_DIR / "budget-too-tight.xlsx"
CLOSE_HINT = (
    "If the file is open in Excel or another program, close it in Excel and run again; "
    "otherwise choose a folder you may write to."
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_example(folder: Path, name: str = "example.xlsx") -> Path:
    target = folder / name
    shutil.copyfile(EXAMPLE, target)
    return target


def solve(*args: str) -> Result:
    return CliRunner().invoke(main, ["solve", *args])


@pytest.fixture(scope="module")
def tiny_result() -> PlanResult:
    """A solved one-role, one-period plan: enough for every writer test, solved in a blink."""
    return solve_plan(plan(roles=(role(),), demand={("North", "sales", 1): 100.0}))


# --- interrupting a run ------------------------------------------------------------------------


def _default_sigint() -> None:
    # A shell starts background jobs with SIGINT ignored, and Python keeps it ignored: restore it so
    # the child reacts to Ctrl+C as a planner's terminal would make it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("moment", ["building the model", "solving stage 1"])
def test_ctrl_c_leaves_no_plan_and_no_temporary_file(tmp_path: Path, moment: str) -> None:
    workbook = copy_example(tmp_path)
    before = sha256(workbook)
    out = tmp_path / "plan.xlsx"
    process = subprocess.Popen(
        [sys.executable, "-m", "rolemix", "solve", str(workbook), "--out", str(out), "--time-limit", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, preexec_fn=_default_sigint,
    )
    assert process.stderr is not None
    seen: list[str] = []
    for line in process.stderr:
        seen.append(line)
        if moment in line:
            process.send_signal(signal.SIGINT)
            break
    _stdout, rest = process.communicate(timeout=120)
    stderr = "".join(seen) + rest
    assert any(moment in line for line in seen), stderr
    assert process.returncode in (1, 130), stderr
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last == "Aborted!" or last.startswith("Error: "), stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["example.xlsx"]
    assert sha256(workbook) == before


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


@pytest.mark.parametrize("existing", [False, True])
def test_an_interrupted_write_keeps_the_old_file_and_no_temporary_one(tmp_path: Path, existing: bool) -> None:
    target = tmp_path / "plan.xlsx"
    if existing:
        target.write_bytes(b"the plan of last week")

    def write_half_then_interrupt(path: Path) -> None:
        path.write_bytes(b"PK\x03\x04 half a workbook")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, write_half_then_interrupt, what="the plan", close_hint=CLOSE_HINT)
    assert _leftovers(tmp_path) == []
    if existing:
        assert target.read_bytes() == b"the plan of last week"
    else:
        assert not target.exists()


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"the plan of last week")

    def disk_full(path: Path) -> None:
        path.write_bytes(b"PK")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError) as caught:
        write_atomically(target, disk_full, what="the plan", close_hint=CLOSE_HINT)
    assert str(caught.value) == f"Cannot write the plan to {target}: No space left on device."
    assert target.read_bytes() == b"the plan of last week"
    assert _leftovers(tmp_path) == []


# --- never over an input -------------------------------------------------------------------------


def test_out_spelled_differently_is_still_the_input(tmp_path: Path) -> None:
    workbook = copy_example(tmp_path)
    (tmp_path / "sub").mkdir()
    before = sha256(workbook)
    out = tmp_path / "sub" / ".." / "example.xlsx"
    result = solve(str(workbook), "--out", str(out), "--quiet")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out} is the input workbook; rolemix never overwrites its input. Choose another --out.\n"
    )
    assert sha256(workbook) == before


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_link_to_the_input_is_the_input(tmp_path: Path, link: str, tiny_result: PlanResult) -> None:
    workbook = copy_example(tmp_path)
    before = sha256(workbook)
    alias = tmp_path / "alias.xlsx"
    (os.symlink if link == "symbolic" else os.link)(workbook, alias)
    plan_input = replace(tiny_result.plan_input, provenance=(("workbook", str(workbook)),))
    with pytest.raises(OutputError) as caught:
        write_plan_workbook(replace(tiny_result, plan_input=plan_input), alias)
    assert str(caught.value) == (
        f"Cannot write the plan to {alias}: it would overwrite the input workbook {workbook}. "
        "Choose another file name for the plan."
    )
    assert sha256(workbook) == before


# --- read-only and locked targets ---------------------------------------------------------------


def test_a_read_only_plan_file_is_not_replaced(tmp_path: Path) -> None:
    workbook = copy_example(tmp_path)
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"last week's plan, kept on purpose")
    out.chmod(0o444)
    result = solve(str(workbook), "--out", str(out), "--fractional", "--quiet")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Cannot write the plan to {out}: the file is read-only. "
        "Remove its read-only mark, or choose another file name.\n"
    )
    assert out.read_bytes() == b"last week's plan, kept on purpose"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="the administrator may write into any folder")
def test_a_read_only_folder_gets_a_clear_message(tmp_path: Path, tiny_result: PlanResult) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    target = folder / "plan.xlsx"
    try:
        with pytest.raises(OutputError) as caught:
            write_plan_workbook(tiny_result, target)
    finally:
        folder.chmod(0o755)
    assert str(caught.value) == f"Cannot write the plan to {target}: permission denied. {CLOSE_HINT}"
    assert list(folder.iterdir()) == []


def test_a_folder_that_refuses_new_files_gets_a_clear_message(
    tmp_path: Path, tiny_result: PlanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a read-only folder does for anyone but the administrator (who runs this test suite in CI).
    def refused(**_kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refused)
    target = tmp_path / "plan.xlsx"
    with pytest.raises(OutputError) as caught:
        write_plan_workbook(tiny_result, target)
    assert str(caught.value) == f"Cannot write the plan to {target}: permission denied. {CLOSE_HINT}"
    assert list(tmp_path.iterdir()) == []


def test_a_plan_open_in_excel_gets_a_clear_message(
    tmp_path: Path, tiny_result: PlanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"open in Excel")

    def locked(_source: object, _target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError) as caught:
        write_plan_workbook(tiny_result, target)
    assert str(caught.value) == f"Cannot write the plan to {target}: permission denied. {CLOSE_HINT}"
    assert target.read_bytes() == b"open in Excel"
    assert _leftovers(tmp_path) == []


# --- no macros in, none out ----------------------------------------------------------------------

VBA_CONTENT_TYPE = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def macro_workbook(folder: Path) -> Path:
    """The example as an .xlsm carrying a (dummy) VBA project, as Excel stores one."""
    path = folder / "example.xlsm"
    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", VBA_CONTENT_TYPE
                ).replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                       b"</Types>")
            target.writestr(info, data)
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path


def test_a_macro_enabled_input_is_read_with_a_warning(tmp_path: Path) -> None:
    workbook = macro_workbook(tmp_path)
    warnings: list[str] = []
    plan_input = read_plan_input(workbook, warnings)
    assert warnings == [MACRO_WARNING.format(name="example.xlsm")]
    assert warnings == [
        "example.xlsm is a macro-enabled workbook: it is read as data and its macros are ignored (never run)."
    ]
    assert replace(plan_input, provenance=()) == replace(read_plan_input(EXAMPLE), provenance=())
    result = CliRunner().invoke(main, ["validate", str(workbook)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Warning: {warnings[0]}\n"


def test_a_macro_enabled_plan_is_refused(tmp_path: Path, tiny_result: PlanResult) -> None:
    workbook = copy_example(tmp_path)
    out = tmp_path / "plan.xlsm"
    result = solve(str(workbook), "--out", str(out), "--quiet")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out}: rolemix writes no macro-enabled workbooks; give --out a name ending in .xlsx.\n"
    )
    with pytest.raises(OutputError) as caught:
        write_plan_workbook(tiny_result, out)
    assert str(caught.value) == f"Cannot write the plan to {out}: the file name must end in .xlsx."
    assert sorted(path.name for path in tmp_path.iterdir()) == ["example.xlsx"]


def test_a_copy_of_a_macro_enabled_input_carries_no_macros(tmp_path: Path, tiny_result: PlanResult) -> None:
    workbook = macro_workbook(tmp_path)
    before = sha256(workbook)
    written = write_plan_workbook(tiny_result, tmp_path / "plan.xlsx", into_copy_of=workbook)
    with zipfile.ZipFile(written) as archive:
        names = archive.namelist()
        content_types = archive.read("[Content_Types].xml")
    assert not [name for name in names if name.lower().endswith(".bin") or "vba" in name.lower()]
    assert VBA_CONTENT_TYPE not in content_types and b"vbaProject" not in content_types
    assert sha256(workbook) == before


# --- no employee identifiers in the copy ---------------------------------------------------------


@pytest.fixture(scope="module")
def copied_plan(tmp_path_factory: pytest.TempPathFactory, tiny_result: PlanResult) -> Path:
    folder = tmp_path_factory.mktemp("into-copy")
    return write_plan_workbook(tiny_result, folder / "plan.xlsx", into_copy_of=copy_example(folder))


def test_the_copy_names_groups_by_pseudonym(copied_plan: Path) -> None:
    rows = example_rows()
    groups = list(dict.fromkeys(row["Group"] for row in rows["Headcount"]))
    expected = {group: f"G{number:05d}" for number, group in enumerate(groups, start=1)}
    book = load_workbook(copied_plan)
    try:
        headcount = [row[0] for row in book["Headcount"].iter_rows(min_row=2, max_col=1, values_only=True)]
        skills = [row[0] for row in book["Skills"].iter_rows(min_row=2, max_col=1, values_only=True)]
    finally:
        book.close()
    assert headcount == [expected[row["Group"]] for row in rows["Headcount"]]
    assert headcount[:3] == ["G00001", "G00002", "G00003"]
    assert skills == [expected[row["Group"]] for row in rows["Skills"]]


def test_no_employee_identifier_is_left_anywhere_in_the_copy(copied_plan: Path) -> None:
    groups = {row["Group"] for row in example_rows()["Headcount"]}
    with zipfile.ZipFile(copied_plan) as archive:
        text = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", errors="replace")
    assert [group for group in groups if group in text] == []


def test_the_copy_reads_as_the_same_plan(copied_plan: Path) -> None:
    original = read_plan_input(EXAMPLE)
    copied = read_plan_input(copied_plan)
    assert replace(copied, provenance=()) == replace(original, provenance=())


def test_pseudonyms_follow_first_appearance_and_join_numbers_as_text() -> None:
    book = Workbook()
    headcount = book.active
    assert headcount is not None
    headcount.title = "Headcount"
    for row in (["group ", "Role"], [" E-7 ", "AE"], [1042, "AE"], [None, "AE"], ["E-7", "SE"]):
        headcount.append(row)
    skills = book.create_sheet("Skills")
    for row in (["Group", "Skill"], ["1042", "Negotiation"], ["nobody", "Negotiation"], ["E-7", "Depth"]):
        skills.append(row)
    assert pseudonymise_groups(book) == {"E-7": "G00001", "1042": "G00002", "nobody": "G00003"}
    assert [cell.value for cell in headcount["A"]] == ["group ", "G00001", "G00002", None, "G00001"]
    assert [cell.value for cell in skills["A"]] == ["Group", "G00002", "G00003", "G00001"]


# --- solver faults: each its own message and exit code ----------------------------------------------


# PuLP 3.3 warns that PULP_CBC_CMD goes away in PuLP 4; the warning is PuLP's, the test is about rolemix.
@pytest.mark.filterwarnings("ignore:PULP_CBC_CMD is deprecated:DeprecationWarning")
def test_a_missing_cbc_solver_exits_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # HiGHS (highspy) is a dependency the package cannot import without; CBC is an executable PuLP may lack.
    monkeypatch.setattr(pulp.PULP_CBC_CMD, "available", lambda _self: False)
    message = "The CBC solver bundled with PuLP is not available on this machine; use --solver highs."
    workbook = copy_example(tmp_path)
    result = solve(str(workbook), "--solver", "cbc", "--fractional", "--quiet")
    assert result.exit_code == 5
    assert result.stderr == f"Error: {message}\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["example.xlsx"]


def _fake_run(status: str, termination: str) -> object:
    def run(*_args: object, **_kwargs: object) -> object:
        return solve_module._Run(status, termination, None, None, None, 1.0)

    return run


def test_no_plan_within_the_time_limit_exits_4_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(solve_module, "run_solver", _fake_run("no plan", "time limit"))
    workbook = copy_example(tmp_path)
    result = solve(str(workbook), "--time-limit", "7", "--quiet")
    assert result.exit_code == 4
    assert result.stderr == (
        "Error: No plan was found within the time limit of 7 s. Raise the time limit (--time-limit), "
        "loosen the gap (--gap), or solve a rough-cut plan (--fractional).\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["example.xlsx"]


@pytest.mark.parametrize("termination", ["numerical difficulties", "unbounded"])
def test_numerical_trouble_exits_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, termination: str) -> None:
    status = "unbounded" if termination == "unbounded" else "error"
    monkeypatch.setattr(solve_module, "run_solver", _fake_run(status, termination))
    workbook = copy_example(tmp_path)
    result = solve(str(workbook), "--quiet")
    assert result.exit_code == 5
    assert result.stderr == (
        f"Error: The solver stopped with '{termination}': the model could not be solved reliably.\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["example.xlsx"]


# --- infeasibility in planner words ------------------------------------------------------------------

SHORT_BY = re.compile(
    r"^Error: No plan satisfies every limit in the workbook: "
    r"the budget of 2027-Q3 \(\$60,000,000\) is short by \$(?P<amount>[0-9,]+)[,.]"
)


def make_script() -> ModuleType:
    """``tests/data/infeasible/make_workbook.py``, imported from its file."""
    spec = importlib.util.spec_from_file_location("make_infeasible_workbook", INFEASIBLE_DIR / "make_workbook.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_infeasible_workbook_matches_its_script(tmp_path: Path) -> None:
    fresh = make_script().write_workbook(tmp_path / "fresh.xlsx")
    assert replace(read_plan_input(fresh), provenance=()) == replace(read_plan_input(INFEASIBLE), provenance=())


@pytest.fixture(scope="module")
def infeasible_run() -> Result:
    before = sha256(INFEASIBLE)
    result = solve(str(INFEASIBLE), "--no-write", "--quiet")
    assert sha256(INFEASIBLE) == before
    return result


def test_an_infeasible_plan_exits_3_naming_the_budget_and_the_shortfall(infeasible_run: Result) -> None:
    assert infeasible_run.exit_code == 3, infeasible_run.output
    assert "Traceback" not in infeasible_run.output
    assert SHORT_BY.match(infeasible_run.stderr), infeasible_run.stderr
    assert "\nConflicting limits, largest first:\n  - the budget of 2027-Q3 ($60,000,000) is short by $" in (
        infeasible_run.stderr
    )


def _with_budget(folder: Path, budget: float) -> Path:
    script = make_script()
    rows = script.infeasible_rows()
    for row in rows["Budget"]:
        if row["Period"] == script.TIGHT_PERIOD:
            row["Budget"] = budget
    path = folder / f"budget-{budget:.0f}.xlsx"
    write_input_workbook(path, rows)
    return path


def test_the_shortfall_is_exactly_what_the_budget_lacks(infeasible_run: Result, tmp_path: Path) -> None:
    found = SHORT_BY.match(infeasible_run.stderr)
    assert found is not None, infeasible_run.stderr
    shortfall = float(found["amount"].replace(",", ""))
    assert shortfall > 0
    # Rough-cut plans: the diagnosis relaxes the limits of the fractional model, so that is where the
    # amount is exact (to the dollar it is rounded to).
    enough = solve(str(_with_budget(tmp_path, 60_000_000 + shortfall + 1)), "--no-write", "--quiet", "--fractional")
    assert enough.exit_code == 0, enough.output
    short = solve(str(_with_budget(tmp_path, 60_000_000 + shortfall * 0.99)), "--no-write", "--quiet", "--fractional")
    assert short.exit_code == 3, short.output

