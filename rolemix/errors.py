"""Errors a planner sees: every one carries planner-readable text, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file.

    ``sheet`` is a sheet name (or a file name for non-workbook inputs), ``row``
    the 1-based spreadsheet row (``None`` for a whole sheet or file), ``column``
    the header label (or a key path for scenario files).
    """

    sheet: str
    row: int | None
    column: str | None
    message: str

    def location(self) -> str:
        parts = [self.sheet]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}" if " " not in self.sheet else self.column)
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message, "text": str(self)}


class RolemixError(Exception):
    """Base class of every error rolemix reports to a planner (exit code 1 unless stated)."""

    exit_code = 1


class InputError(RolemixError):
    """The input has problems; all of them are collected in ``problems``."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the input"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class FileRefused(RolemixError):
    """A file cannot be read at all (wrong format, encrypted, damaged, too large)."""


class OutputError(RolemixError):
    """A result cannot be written where asked."""


class InfeasiblePlan(RolemixError):
    """The limits cannot all hold; ``diagnosis`` says which and by how much."""

    exit_code = 3

    def __init__(self, message: str, diagnosis: tuple[str, ...] = ()) -> None:
        self.diagnosis = diagnosis
        super().__init__(message)


class NoPlanInTime(RolemixError):
    """The time limit ran out before any plan was found."""

    exit_code = 4


class SolverFailure(RolemixError):
    """The solver reported numerical trouble or is not installed."""

    exit_code = 5
