"""When a forked second process may share the work of this one (reading a workbook, writing the results)."""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection


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


def start_forked(
    target: Callable[..., None], args: tuple[object, ...], duplex: bool
) -> tuple[multiprocessing.process.BaseProcess, Connection]:
    """Run ``target(*args, connection)`` in a forked daemon process; return it and this process's end of the pipe.

    Without ``duplex`` this process only receives and the second only sends.
    """
    context = multiprocessing.get_context("fork")
    mine, theirs = context.Pipe(duplex=duplex)
    process = context.Process(target=target, args=(*args, theirs), daemon=True)
    process.start()
    theirs.close()
    return process, mine


def stop_forked(process: multiprocessing.process.BaseProcess, connection: Connection) -> None:
    """Stop listening to a forked process, end it if it still runs, and wait for it."""
    connection.close()
    if process.is_alive():
        process.terminate()
    process.join()
