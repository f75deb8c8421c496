"""What one bad input file is, and what a planner must be told about it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rolemix.workbook.example import TEMPLATES_DIR, example_rows

from .xlsx import Package

#: The shipped worked example every workbook variant starts from.
SHIPPED_EXAMPLE = TEMPLATES_DIR / "example-software-co.xlsx"

Level = Literal["cell", "sheet", "file"]


@dataclass
class Base:
    """What variants are made from: the shipped example's bytes and the example's rows."""

    package: Package
    rows: dict[str, Any]

    @classmethod
    def load(cls) -> Base:
        return cls(Package.read(SHIPPED_EXAMPLE), example_rows())

    def fresh(self) -> Package:
        return self.package.copy()

    def fresh_rows(self) -> dict[str, Any]:
        return copy.deepcopy(self.rows)


@dataclass(frozen=True)
class Variant:
    """One bad input file of the corpus.

    ``build`` writes the file into a folder and returns its path.  ``expected``
    is, for ``cell`` and ``sheet`` variants, one whole problem line the
    planner must see (location and message); for ``file`` variants, the start
    of the one-sentence refusal.  ``where`` lists the pieces of location that
    line must name (sheet or file, row, column).
    """

    name: str
    family: str
    level: Level
    build: Callable[[Base, Path], Path]
    expected: str
    where: tuple[str, ...] = ()
    #: Suffix of the file written (a few file-level variants are not .xlsx).
    suffix: str = ".xlsx"


def located(sheet: str, row: int | None, column: str | None, message: str) -> tuple[str, tuple[str, ...]]:
    """A problem line exactly as :class:`rolemix.errors.Problem` prints it, and the pieces it must name."""
    parts = [sheet]
    if row is not None:
        parts.append(f"row {row}")
    if column:
        parts.append(f"column {column!r}")
    return ", ".join(parts) + ": " + message, tuple(parts)


def plain(value: float) -> str:
    """A limit as messages show it: ``0``, ``120``, ``0.5``."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def package_variant(
    name: str,
    family: str,
    level: Level,
    change: Callable[[Base, Package], None],
    expected: str,
    where: tuple[str, ...] = (),
) -> Variant:
    """A variant made by editing a copy of the shipped example's zip and XML."""

    def build(base: Base, folder: Path) -> Path:
        package = base.fresh()
        change(base, package)
        return package.save(folder / f"{name}.xlsx")

    return Variant(name, family, level, build, expected, where)
