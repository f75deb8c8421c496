"""Pausing Python's cyclic garbage collector around work that makes millions of objects and no cycles.

Building the model of a 62,000-employee plan makes about a million columns,
rows and expressions, and writing its results workbook millions of texts and
rows.  The collector's passes over every live object (the plan input and the
model included) took 1.2-1.5 s of the 2.9-3.1 s the model took to build, and
0.55-0.68 s of every write of its results (docs/performance.md).  None of
that work makes reference cycles: reference counting frees what it drops.

What lives on after such work (the model, for the whole solve) is also kept
out of the collector's later passes: left to it, the first pass after the
pause walked the million new objects (0.2 s) and the full passes that
followed walked them again, 1.0-1.2 s in all between the build and the end
of the hand-off to the solver.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(keep: bool = False) -> Iterator[None]:
    """Pause the collector for the ``with`` block; it runs again afterwards (if it ran before), whatever
    happens.

    With ``keep``, every object alive at the end of the block is set aside where the collector never
    walks it (:func:`gc.freeze`); reference counting still frees each one when it is dropped.  A
    long-lived process that makes plan after plan calls :func:`release_kept` between them, so that any
    cycle set aside is collected after all.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            if keep:
                gc.freeze()
            gc.enable()


def release_kept() -> None:
    """Hand what :func:`collector_paused` set aside back to the collector (its next full pass walks it)."""
    gc.unfreeze()
