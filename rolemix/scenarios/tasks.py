"""Tasks and their outcomes: the plain data sent to a worker process or cluster and sent back.

Nothing here imports the model or PuLP, so the writers can read outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rolemix.inputs import PlanInput
from rolemix.results import PlanResult, Status

if TYPE_CHECKING:
    from rolemix.model.solve import SolveOptions


@dataclass(frozen=True)
class SolveTask:
    """One plan to solve: a label for progress and results, the plan input and the options."""

    label: str
    plan_input: PlanInput
    options: SolveOptions


@dataclass(frozen=True)
class TaskOutcome:
    """How one task ended: the solved plan, or why there is none.

    ``status`` is the plan's status when there is a plan; otherwise
    ``infeasible`` (with ``diagnosis``, the conflicting limits), ``no plan``
    (time limit) or ``error`` (solver failure), with ``message`` in words.
    """

    label: str
    status: Status
    result: PlanResult | None = None
    message: str = ""
    diagnosis: tuple[str, ...] = ()

    @property
    def has_plan(self) -> bool:
        return self.result is not None
