"""When a forked second process may share the work of this one (reading a workbook, writing the results)."""

from __future__ import annotations

import multiprocessing
import sys
import threading


def may_fork() -> bool:
    """Whether a forked second process is safe here: Linux, allowed children, no other thread running.

    A fork copies only the thread that calls it: a lock another thread held at that moment would stay
    locked in the copy for ever.
    """
    return (
        sys.platform == "linux"
        and not multiprocessing.current_process().daemon
        and threading.active_count() == 1
    )
