"""The PDF board pack: the Summary and Charts sheets of a plan, printed by LibreOffice.

LibreOffice runs headless with a private profile folder, so several runs at
once do not fight over one profile, and with a time limit.  The plan file is
never changed: a temporary copy holding only the two sheets is converted.

The workbook uses Excel's default font, Calibri.  Where it is missing,
LibreOffice substitutes a wider font and prints the pages a little smaller;
the metric-compatible Carlito font (Debian/Ubuntu: fonts-crosextra-carlito)
gives the layout Excel shows.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from rolemix.errors import OutputError
from rolemix.report.files import write_atomically

#: The sheets of the board pack, in print order (the Summary is the first page).
BOARD_PACK_SHEETS: tuple[str, ...] = ("Summary", "Charts")

#: Where LibreOffice lives when it is not on the PATH (the macOS application bundle).
SOFFICE_FALLBACKS: tuple[str, ...] = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)

INSTALL_HINT = (
    "LibreOffice is needed to print the board pack but its `soffice` program was not found. "
    "Install it (Debian/Ubuntu: apt-get install libreoffice-calc-nogui; elsewhere download it from "
    "https://www.libreoffice.org/download/) and run again."
)


def find_soffice() -> str | None:
    """Path of LibreOffice's ``soffice`` program, or ``None`` when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in SOFFICE_FALLBACKS:
        if Path(candidate).is_file():
            return candidate
    return None


def render_pdf(plan_path: str | Path, pdf_path: str | Path, *, timeout_s: float = 180.0) -> Path:
    """Print the Summary and Charts sheets of a plan workbook to a PDF.

    Parameters
    ----------
    plan_path
        A results workbook written by :func:`rolemix.report.write_plan_workbook`.
    pdf_path
        Target ``.pdf`` file; replaced if it exists.
    timeout_s
        Longest LibreOffice may take before the conversion is given up.

    Returns
    -------
    Path
        The written PDF.

    Raises
    ------
    OutputError
        LibreOffice is not installed, fails or runs out of time; the plan has
        no Summary sheet; the target is not a ``.pdf`` in an existing folder
        or cannot be written.
    """
    plan = Path(plan_path)
    target = Path(pdf_path)
    if target.suffix.lower() != ".pdf":
        raise OutputError(f"Cannot write the board pack to {target}: the file name must end in .pdf.")
    if not target.parent.is_dir():
        raise OutputError(f"Cannot write the board pack to {target}: the folder {target.parent} does not exist.")
    if target.resolve() == plan.resolve():
        raise OutputError(f"Cannot write the board pack to {target}: it would overwrite the plan {plan}.")
    soffice = find_soffice()
    if soffice is None:
        raise OutputError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="rolemix-pdf-") as work:
        folder = Path(work)
        board_pack = folder / "board-pack.xlsx"
        _board_pack_copy(plan, board_pack)
        profile = folder / "profile"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(board_pack),
        ]
        try:
            finished = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise OutputError(
                f"LibreOffice did not finish printing {plan} within {timeout_s:g} s; try again, or open the plan "
                "in Excel or LibreOffice and print the Summary and Charts sheets."
            ) from exc
        except OSError as exc:
            raise OutputError(f"LibreOffice could not be started ({soffice}): {exc}.") from exc
        produced = folder / "board-pack.pdf"
        if finished.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            detail = (finished.stderr or finished.stdout or "").strip().splitlines()
            reason = detail[-1] if detail else f"exit code {finished.returncode}"
            raise OutputError(f"LibreOffice could not print {plan} to PDF: {reason}")
        _move_into_place(produced, target)
    return target


def _board_pack_copy(plan: Path, copy: Path) -> None:
    """Save a copy of ``plan`` holding only the board-pack sheets."""
    try:
        workbook = load_workbook(plan)
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise OutputError(f"Cannot read the plan {plan}: {exc}") from exc
    if BOARD_PACK_SHEETS[0] not in workbook.sheetnames:
        raise OutputError(f"Cannot print {plan}: it has no Summary sheet; is it a plan written by rolemix?")
    for name in list(workbook.sheetnames):
        if name not in BOARD_PACK_SHEETS:
            workbook.remove(workbook[name])
    for worksheet in workbook.worksheets:
        worksheet.sheet_view.tabSelected = worksheet.title == BOARD_PACK_SHEETS[0]
    workbook.active = 0
    workbook.save(copy)


def _move_into_place(produced: Path, target: Path) -> None:
    """Copy the PDF next to the target, then rename it over the target (a rename never crosses file systems)."""

    def copy(temporary: Path) -> None:
        shutil.copyfile(produced, temporary)

    write_atomically(target, copy, what="the board pack", close_hint="If the file is open in a PDF viewer, close it "
                     "and run again; otherwise choose a folder you may write to.")
