"""Pausing Python's cyclic garbage collector around work that makes millions of objects and no cycles.

Building the model of a 62,000-employee plan makes about a million columns,
rows and expressions, and writing its results workbook millions of texts and
rows.  The collector's passes over every live object (the plan input and the
model included) took 1.2-1.5 s of the 2.9-3.1 s the model took to build, and
0.55-0.68 s of every write of its results (docs/performance.md).  None of
that work makes reference cycles: reference counting frees what it drops.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector for the ``with`` block; it runs again afterwards (if it ran before), whatever
    happens."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
