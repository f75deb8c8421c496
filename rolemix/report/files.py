"""Writing an output file all at once: a temporary file next to the target, then one rename.

Whatever stops a run (an error, Ctrl+C, the machine's own limits), the target
is either left as it was or fully replaced, and no temporary file stays
behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from rolemix.errors import OutputError

#: Suffix of the temporary files; a leftover one (after a power cut) is recognisable and safe to delete.
TEMPORARY_SUFFIX = ".rolemix.tmp"


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_writable(target: Path, what: str) -> None:
    """Refuse a target the planner marked read-only.

    Replacing a file needs only the right to write its folder, so a
    read-only file would be replaced silently (and always for the
    administrator); rolemix takes the mark as the planner's wish to keep it.

    Raises
    ------
    OutputError
        When ``target`` exists and no one may write it.
    """
    try:
        mode = target.stat().st_mode
    except OSError:
        return  # no file yet (or none we can see): the write itself reports any problem
    if stat.S_ISREG(mode) and not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise OutputError(
            f"Cannot write {what} to {target}: the file is read-only. "
            "Remove its read-only mark, or choose another file name."
        )


def write_atomically(target: Path, write: Callable[[Path], None], *, what: str, close_hint: str) -> None:
    """Call ``write`` on a temporary file in the target's folder, then rename it over ``target``.

    The target is either left as it was or fully replaced; the temporary file
    is removed whatever happens, Ctrl+C (:class:`KeyboardInterrupt`) included.

    Parameters
    ----------
    target
        File to create or replace.
    write
        Writes the complete file at the path it is given.
    what
        The output in words, for messages ("the plan").
    close_hint
        What to do when permission is denied, typically closing the file in
        the program that has it open.

    Raises
    ------
    OutputError
        The target is read-only, permission is denied or the file system
        refuses the write.
    """
    check_writable(target, what)
    temporary: Path | None = None
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=TEMPORARY_SUFFIX, dir=target.parent)
        temporary = Path(name)
        os.close(handle)
        write(temporary)
        # The temporary file is private to its owner; give the output the permissions of any new file.
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, target)
    except PermissionError as exc:
        raise OutputError(f"Cannot write {what} to {target}: permission denied. {close_hint}") from exc
    except OSError as exc:
        raise OutputError(f"Cannot write {what} to {target}: {exc.strerror or exc}.") from exc
    finally:
        # Inside the try from the moment the file exists, so an interrupted write leaves nothing behind.
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
