"""Writing an output file all at once: a temporary file next to the target, then one rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from rolemix.errors import OutputError


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(target: Path, write: Callable[[Path], None], *, what: str, close_hint: str) -> None:
    """Call ``write`` on a temporary file in the target's folder, then rename it over ``target``.

    The target is either left as it was or fully replaced; the temporary file
    is removed whatever happens.

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
        Permission is denied or the file system refuses the write.
    """
    try:
        handle, temporary_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".rolemix.tmp", dir=target.parent)
    except PermissionError as exc:
        raise OutputError(f"Cannot write {what} to {target}: permission denied. {close_hint}") from exc
    except OSError as exc:
        raise OutputError(f"Cannot write {what} to {target}: {exc.strerror or exc}.") from exc
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        write(temporary)
        # mkstemp makes the file private to its owner; give the output the permissions of any new file.
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, target)
    except PermissionError as exc:
        raise OutputError(f"Cannot write {what} to {target}: permission denied. {close_hint}") from exc
    except OSError as exc:
        raise OutputError(f"Cannot write {what} to {target}: {exc.strerror or exc}.") from exc
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
