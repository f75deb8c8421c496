"""Sheets parsed ahead in a second process give the same plan input, problems and refusals as parsed here.

A large workbook's sheets after its largest one are parsed by a forked copy
of the reader while the reader parses the largest (rolemix.workbook.cells,
``WorkbookCells.read_ahead``).  These tests force that on the shipped
example and on a sample of the bad-input corpus, and compare every outcome
with the reader working alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from corpus import Base, Variant, workbook_variants

import rolemix.workbook.cells as cells_module
from rolemix.errors import RolemixError
from rolemix.inputs import PlanInput
from rolemix.workbook.example import TEMPLATES_DIR
from rolemix.workbook.reader import read_plan_input

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the read-ahead process is forked, on Linux only")

BASE = Base.load()
VARIANTS = workbook_variants(BASE)
#: Every file and sheet variant (damaged parts, missing and misnamed sheets) and every tenth cell variant.
SAMPLE = [v for v in VARIANTS if v.level != "cell"] + [v for v in VARIANTS if v.level == "cell"][::10]


def outcome(path: Path) -> PlanInput | tuple[str, str]:
    """The plan input read from ``path``, or the error a planner is shown."""
    try:
        return read_plan_input(path)
    except RolemixError as error:
        return type(error).__name__, str(error)


@pytest.fixture
def read_ahead_used(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Read ahead whatever the size (and whatever threads the test run has), counting the processes started."""
    started: list[int] = []
    original = cells_module._ReadAhead.__init__

    def counting(self: cells_module._ReadAhead, *args: object) -> None:
        started.append(1)
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(cells_module, "READ_AHEAD_MIN_BYTES", 0)
    monkeypatch.setattr(cells_module, "_may_fork", lambda: True)
    monkeypatch.setattr(cells_module._ReadAhead, "__init__", counting)
    return started


def test_the_example_reads_the_same_with_sheets_parsed_ahead(read_ahead_used: list[int]) -> None:
    example = TEMPLATES_DIR / "example-software-co.xlsx"
    ahead = outcome(example)
    assert read_ahead_used == [1]
    with pytest.MonkeyPatch.context() as alone:
        alone.setattr(cells_module, "READ_AHEAD_MIN_BYTES", 10**12)
        assert outcome(example) == ahead
    assert isinstance(ahead, PlanInput)


def test_a_small_workbook_is_read_by_one_process() -> None:
    started: list[int] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cells_module._ReadAhead, "__init__", lambda *_: started.append(1))
        read_plan_input(TEMPLATES_DIR / "example-software-co.xlsx")
    assert started == []


@pytest.mark.parametrize("variant", SAMPLE, ids=[v.name for v in SAMPLE])
def test_a_bad_workbook_gets_the_same_message_with_sheets_parsed_ahead(
    variant: Variant, tmp_path: Path, read_ahead_used: list[int]
) -> None:
    path = variant.build(BASE, tmp_path)
    ahead = outcome(path)
    with pytest.MonkeyPatch.context() as alone:
        alone.setattr(cells_module, "READ_AHEAD_MIN_BYTES", 10**12)
        assert outcome(path) == ahead
