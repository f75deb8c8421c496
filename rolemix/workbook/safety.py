"""Checks a file must pass before any of its XML is parsed.

A planner's workbook comes from e-mail, shared drives and other tools, so the
reader treats it as untrusted input.  Everything here is decided from the first
bytes of the file, the zip directory and the first bytes of each XML part, in
that order, and never writes to the file:

1. the file exists and is a regular file;
2. its name and its first bytes say it is an Office Open XML workbook (a zip),
   not an old ``.xls``, an encrypted workbook (an OLE2 compound file), a
   ``.xlsb``, ``.ods`` or ``.csv``;
3. the zip directory is intact and promises no decompression bomb (total size,
   compression ratio of large members, number of members);
4. no XML part declares a DOCTYPE or an ENTITY (billion-laughs and external
   entity attacks); openpyxl itself parses through defusedxml as a second line
   of defence (:func:`openpyxl_parses_safely`).

Every refusal is a :class:`rolemix.errors.FileRefused` with one sentence that
names the file and says what to do.  The helpers are public so that other
readers (scenario files, result workbooks) can reuse them.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from rolemix.errors import FileRefused

#: Names a workbook may have: the four Office Open XML spreadsheet kinds openpyxl reads.
WORKBOOK_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xltx", ".xltm")

#: Workbook kinds that may carry VBA macros; they are read, their macros never run.
MACRO_SUFFIXES: tuple[str, ...] = (".xlsm", ".xltm")

#: What to tell a planner about formats rolemix cannot read, by file name suffix.
REFUSED_SUFFIXES: dict[str, str] = {
    ".xls": "is an Excel 97-2003 workbook (.xls), which rolemix cannot read: open it in Excel and save it as .xlsx",
    ".xlsb": "is an Excel binary workbook (.xlsb), which rolemix cannot read: open it in Excel and save it as .xlsx",
    ".csv": "is a CSV file, not a workbook: put its data into the rolemix template and save that as .xlsx",
    ".ods": "is an OpenDocument spreadsheet (.ods), which rolemix cannot read: save it as .xlsx (Excel 2007-365)",
    ".numbers": "is an Apple Numbers file, which rolemix cannot read: export it to Excel (.xlsx)",
}

#: Start of every zip file (a local file header), and of an empty zip (end of central directory).
ZIP_MAGIC: tuple[bytes, ...] = (b"PK\x03\x04", b"PK\x05\x06")

#: Start of an OLE2 compound file: an old .xls, or an encrypted (password-protected) .xlsx,
#: which Excel stores as an OLE2 container around the encrypted zip.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: Most bytes all members of a workbook may unpack to.  A 62,000-row headcount
#: sheet unpacks to about 10 MiB; 512 MiB leaves room for anything a planner
#: keeps in an input workbook while refusing decompression bombs.
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024

#: Most ratio of unpacked to packed size for a member larger than
#: :data:`RATIO_CHECK_ABOVE`.  Worksheet XML compresses about 10:1, very
#: repetitive XML about 50:1; bombs reach 1000:1 and more.
MAX_COMPRESSION_RATIO = 200

#: Members smaller than this unpacked are never refused for their ratio: small
#: runs of blank cells compress extremely well and are harmless.
RATIO_CHECK_ABOVE = 4 * 1024 * 1024

#: Most members in a workbook zip.  A workbook with twenty sheets, notes and
#: images has about a hundred; tens of thousands means the file is not a
#: workbook a planner made.
MAX_MEMBERS = 5000

#: Bytes read from the start of each XML part to look for DOCTYPE and ENTITY
#: declarations.  A declaration must come before the root element, which in
#: genuine parts starts within the first hundred bytes.
XML_PROLOG_SCAN_BYTES = 16 * 1024

#: Members scanned as XML, by name suffix.
XML_MEMBER_SUFFIXES: tuple[str, ...] = (".xml", ".rels", ".vml")

#: Parts every workbook has.
REQUIRED_MEMBERS: tuple[str, ...] = ("[Content_Types].xml",)

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ROOT_START = re.compile(r"<[A-Za-z_:]")

MACRO_WARNING = "{name} is a macro-enabled workbook: it is read as data and its macros are ignored (never run)."


def check_file_exists(path: str | Path, what: str = "file") -> Path:
    """Return ``path`` as a :class:`Path` when it names a readable regular file.

    Parameters
    ----------
    path
        The file a planner named.
    what
        How to call the file in the message (``"input workbook"``, ``"scenario file"``).

    Raises
    ------
    FileRefused
        When the file does not exist, is a folder, or cannot be opened.
    """
    file = Path(path)
    if not file.exists():
        raise FileRefused(f"The {what} {str(file)!r} does not exist: check the name and the folder.")
    if file.is_dir():
        raise FileRefused(f"The {what} {str(file)!r} is a folder, not a file: name the file inside it.")
    if not file.is_file():
        raise FileRefused(f"The {what} {str(file)!r} is not a regular file: name a file saved on disk.")
    try:
        with file.open("rb"):
            pass
    except OSError as error:
        raise FileRefused(
            f"The {what} {str(file)!r} cannot be opened ({error.strerror}): check its permissions."
        ) from None
    return file


def read_head(path: Path, size: int = 8) -> bytes:
    """Return the first ``size`` bytes of ``path`` (fewer for a shorter file)."""
    with path.open("rb") as stream:
        return stream.read(size)


def check_workbook_name(path: Path) -> None:
    """Refuse files whose name says they are not an Office Open XML workbook.

    Raises
    ------
    FileRefused
        For ``.xls``, ``.xlsb``, ``.csv``, ``.ods`` and any other suffix
        outside :data:`WORKBOOK_SUFFIXES`.
    """
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return
    if suffix in REFUSED_SUFFIXES:
        raise FileRefused(f"{path.name} {REFUSED_SUFFIXES[suffix]}.")
    shown = f"'{path.suffix}'" if path.suffix else "no extension"
    raise FileRefused(f"{path.name} has {shown}, not .xlsx: rolemix reads Excel workbooks; save it as .xlsx.")


def check_workbook_content(path: Path) -> None:
    """Refuse files whose first bytes are not those of a zip.

    Raises
    ------
    FileRefused
        For an OLE2 compound file (an encrypted workbook or an old ``.xls``
        renamed) and for anything else that is not a zip.
    """
    head = read_head(path, len(OLE2_MAGIC))
    if head == OLE2_MAGIC:
        raise FileRefused(
            f"{path.name} is a password-protected (encrypted) workbook or an old .xls: "
            "remove the password (File > Info > Protect Workbook) or save it as .xlsx, then try again."
        )
    if not head:
        raise FileRefused(f"{path.name} is empty (0 bytes): save the workbook again as .xlsx.")
    if not head.startswith(ZIP_MAGIC):
        raise FileRefused(f"{path.name} is not an Excel workbook (its content is not .xlsx): save it as .xlsx.")


def check_zip_directory(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs, deciding from the zip directory alone.

    Nothing is decompressed here.  The directory's sizes can be trusted
    because Python's zip reader never returns more bytes than a member's
    declared size (and fails the CRC check when the data disagree).

    Raises
    ------
    FileRefused
        When the workbook has more than :data:`MAX_MEMBERS` members, unpacks
        to more than :data:`MAX_TOTAL_UNCOMPRESSED` bytes, or has a member
        larger than :data:`RATIO_CHECK_ABOVE` compressed more than
        :data:`MAX_COMPRESSION_RATIO` to 1.
    """
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise FileRefused(
            f"{path.name} holds {len(members):,} parts, more than the {MAX_MEMBERS:,} a workbook may have: "
            "it is not a workbook rolemix can read safely."
        )
    total = sum(member.file_size for member in members)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise FileRefused(
            f"{path.name} would unpack to {total / 2**20:,.0f} MiB, "
            f"more than the {MAX_TOTAL_UNCOMPRESSED // 2**20} MiB limit: "
            "remove unused sheets, images or blank formatted rows and save it again."
        )
    for member in members:
        if member.file_size <= RATIO_CHECK_ABOVE:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            raise FileRefused(
                f"{path.name} has a part ({member.filename}) that unpacks {ratio:,.0f} times its stored size, "
                f"more than the {MAX_COMPRESSION_RATIO}:1 limit: it is not a workbook rolemix can read safely."
            )


def _decode_prolog(head: bytes) -> str:
    """Decode the start of an XML part well enough to find declarations (UTF-8 or UTF-16)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")


def check_xml_declarations(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse workbooks whose XML parts declare a DOCTYPE or an ENTITY.

    Only the first :data:`XML_PROLOG_SCAN_BYTES` of each part are unpacked.
    Genuine workbook parts never carry a DOCTYPE; entity declarations are how
    "billion laughs" and external-entity attacks work.  A part whose root
    element does not start within the scanned bytes is refused too, since a
    declaration could hide behind a long preamble.

    Raises
    ------
    FileRefused
        When a part declares a DOCTYPE or ENTITY, or has an overlong preamble.
    """
    for member in archive.infolist():
        if not member.filename.lower().endswith(XML_MEMBER_SUFFIXES) or member.file_size == 0:
            continue
        with archive.open(member) as stream:
            head = stream.read(XML_PROLOG_SCAN_BYTES)
        text = _COMMENT.sub("", _decode_prolog(head))
        root = _ROOT_START.search(text)
        prolog = text if root is None else text[: root.start()]
        if _DECLARATION.search(prolog):
            raise FileRefused(declaration_message(path, member.filename))
        if root is None and member.file_size > len(head):
            raise FileRefused(
                f"{path.name} has an XML part ({member.filename}) with an unusually long preamble: "
                "it was not read. Open it in Excel and save it as a new .xlsx."
            )


def check_workbook_parts(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse zips that are not workbooks (a .docx renamed, a plain zip).

    Raises
    ------
    FileRefused
        When ``[Content_Types].xml`` or any workbook part is missing.
    """
    names = set(archive.namelist())
    has_workbook_part = any(name.startswith("xl/workbook") for name in names)
    if not has_workbook_part or any(member not in names for member in REQUIRED_MEMBERS):
        raise FileRefused(
            f"{path.name} is a zip file but not an Excel workbook: save the workbook from Excel as .xlsx."
        )


def check_workbook_file(path: str | Path) -> tuple[str, ...]:
    """Run every check an input workbook must pass before it is parsed.

    Parameters
    ----------
    path
        The workbook to check.  It is only read.

    Returns
    -------
    tuple of str
        Warnings the caller should show the planner (for example that a
        macro-enabled workbook's macros are ignored); empty when none.

    Raises
    ------
    FileRefused
        With one sentence naming the file and what to do, when the file
        cannot or must not be read.
    """
    file = check_file_exists(path, "input workbook")
    check_workbook_name(file)
    check_workbook_content(file)
    try:
        with zipfile.ZipFile(file) as archive:
            check_zip_directory(file, archive)
            check_workbook_parts(file, archive)
            check_xml_declarations(file, archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        # RuntimeError: a member encrypted with a zip password; NotImplementedError: unknown compression.
        raise FileRefused(damaged_message(file, error)) from None
    if file.suffix.lower() in MACRO_SUFFIXES:
        return (MACRO_WARNING.format(name=file.name),)
    return ()


def declaration_message(path: Path, part: str) -> str:
    """Return the sentence shown for a workbook whose XML declares a DOCTYPE or an ENTITY."""
    return (
        f"{path.name} contains an XML DOCTYPE or ENTITY declaration (in {part}), "
        "which Excel never writes and which can be used to attack the reader: it was not read. "
        "Open it in Excel and save it as a new .xlsx."
    )


def damaged_message(path: Path, error: BaseException | str | None = None) -> str:
    """Return the sentence shown for a damaged or truncated workbook (``error`` says what is damaged)."""
    detail = f" ({error})" if error is not None and str(error) else ""
    return (
        f"{path.name} is damaged or incomplete and cannot be read{detail}: "
        "copy it again from where it came from, or open it in Excel and save it as .xlsx."
    )


def openpyxl_parses_safely() -> bool:
    """Tell whether openpyxl parses XML through defusedxml (it does when defusedxml is installed)."""
    from openpyxl import xml as openpyxl_xml

    return bool(openpyxl_xml.DEFUSEDXML)
