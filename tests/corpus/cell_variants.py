"""Cell-level variants: one bad value in one cell of the shipped example, for every column of every sheet.

Every column of the spec gets a few mutations chosen from those that fit its
type, rotating through the list so that each mutation meets each type
(number, money, hours, whole number, share, choice, text, reference).  The
expected message is written here from the spec's data (type, minimum,
maximum, allowed values) and the validator's documented wording, never by
calling the validator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rolemix.spec import SHEETS, Field, SheetSpec

from .variant import Base, Variant, located, package_variant, plain
from .xlsx import CellXml, Package, blank, error, formula, iso_date, logical, number, text

BLANK_REQUIRED = "blank, but a value is required"
SHARE_EXPECTED = "a share between 0 and 1"
SHARE_HINT = " (write 12% or 0.12)"
LARGEST_NUMBER = "1,000,000,000,000,000"
UNCOMPUTED = (
    "found the formula {formula} without a saved result, expected a value "
    "(open the workbook in Excel and save it, or type the value)"
)

#: A name of exactly 10,000 characters with letters outside ASCII.
LONG_NAME = ("Überregionaler Kundenbetreuer – 顧客担当 " * 400)[:10_000]
#: How messages show a text longer than 100 characters: its first 60 characters and its length.
LONG_NAME_SHOWN = repr(LONG_NAME[:60] + "…") + " (10,000 characters)"

#: What a reference must name, by ``Field.ref`` (the validator's wording).
REFERENCE_WORDS = {
    "Roles": "one of the roles on the Roles sheet",
    "Units": "one of the units on the Units sheet",
    "WorkTypes": "one of the work types on the WorkTypes sheet",
    "Headcount": "one of the groups on the Headcount sheet",
    "ReskillPaths": "one of the paths on the ReskillPaths sheet",
    "Capacity": "one of the sources on the Capacity sheet",
    "Segments": "one of the segments on the Units sheet",
    "Adopters": "one of the names on the Capacity or Copilots sheet",
    "Skills": "one of the skills on the Skills sheet",
}

NUMERIC_TYPES = ("number", "money", "hours", "integer", "share")


def _not_a_number(spec_field: Field) -> str:
    """What a numeric field expects, as the message for a value that is no number at all ends."""
    if spec_field.type == "integer":
        return "a whole number"
    if spec_field.type == "share":
        return SHARE_EXPECTED + SHARE_HINT
    return "a number"


def _stored_as_text(spec_field: Field, shown: str) -> str:
    if spec_field.type == "share":
        return f"found {shown}, expected {SHARE_EXPECTED}{SHARE_HINT}"
    return f"found {shown} (a number stored as text), expected {_not_a_number(spec_field)}"


@dataclass(frozen=True)
class Mutation:
    """One way to spoil a cell: the cell written, and the message (``None`` where it does not apply)."""

    name: str
    cell: Callable[[Package, str], CellXml]
    message: Callable[[Field, str], str | None]


def _const(cell: CellXml) -> Callable[[Package, str], CellXml]:
    return lambda _package, _original: cell


def _found(shown: str) -> Callable[[Field, str], str | None]:
    return lambda spec_field, _original: f"found {shown}, expected {_not_a_number(spec_field)}"


def _date_styled(package: Package, _original: str) -> CellXml:
    # 46388 is 2027-01-01 in Excel's 1900 calendar; the date format makes it a date, as typing one does.
    return number("46388", style=package.add_date_style())


def _below_minimum(spec_field: Field, _original: str) -> str | None:
    if spec_field.minimum is None:
        return None
    if spec_field.type == "share":
        return f"found -5, expected {SHARE_EXPECTED}"
    return f"found -5, expected at least {plain(spec_field.minimum)}"


def _huge(shown: str) -> Callable[[Field, str], str | None]:
    def message(spec_field: Field, _original: str) -> str | None:
        if spec_field.type == "share":
            return f"found {shown}, expected {SHARE_EXPECTED}"
        if spec_field.maximum is not None:
            return f"found {shown}, expected at most {plain(spec_field.maximum)}"
        return f"found {shown}, expected at most {LARGEST_NUMBER} (a larger number is taken for a typing error)"

    return message


def _above_maximum_cell(spec_field: Field) -> CellXml:
    assert spec_field.maximum is not None
    return number(plain(spec_field.maximum + 1))


def _only(types: tuple[str, ...], message: str) -> Callable[[Field, str], str | None]:
    return lambda spec_field, _original: message if spec_field.type in types else None


def _required_blank(spec_field: Field, _original: str) -> str | None:
    return BLANK_REQUIRED if spec_field.required else None


def _uncomputed(expression: str) -> Callable[[Field, str], str | None]:
    return lambda _field, _original: UNCOMPUTED.format(formula=repr("=" + expression))


NUMERIC_MUTATIONS: tuple[Mutation, ...] = (
    Mutation("text", _const(text("lots")), _found("'lots'")),
    Mutation("nan-number", _const(number("NaN")), _found("NaN")),
    Mutation("inf-number", _const(number("INF")), _found("infinity")),
    Mutation("huge-1e308", _const(number("1E+308")), _huge("1e+308")),
    Mutation("negative", _const(number("-5")), _below_minimum),
    Mutation("date-typed", _date_styled, _found("the date 2027-01-01")),
    Mutation("div0-formula", _const(error("#DIV/0!", "1/0")), _found("'#DIV/0!'")),
    Mutation("nan-text", _const(text("NaN")), _found("'NaN'")),
    Mutation("uncomputed-formula", _const(formula("1/0")), _uncomputed("1/0")),
    Mutation("minus-inf-number", _const(number("-INF")), _found("minus infinity")),
    Mutation("logical", _const(logical(True)), _found("TRUE")),
    Mutation("number-as-text", _const(text("1,200")), lambda f, _o: _stored_as_text(f, "'1,200'")),
    Mutation("blank", _const(blank()), _required_blank),
    Mutation("fraction", _const(number("2.5")), _only(("integer",), "found 2.5, expected a whole number")),
    Mutation("iso-date", _const(iso_date("2027-01-01T00:00:00")), _found("the date 2027-01-01")),
    Mutation("infinity-text", _const(text("Infinity")), _found("'Infinity'")),
    Mutation("share-150", _const(number("150")), _only(("share",), f"found 150, expected {SHARE_EXPECTED}")),
    Mutation(
        "hyperlink-formula",
        _const(formula('HYPERLINK("http://example.invalid/x","click")', "click")),
        _found("'click'"),
    ),
    Mutation("overflow-1e400", _const(number("1E+400")), _found("infinity")),
    Mutation(
        "share-12", _const(number("12")), _only(("share",), f"found 12, expected {SHARE_EXPECTED}{SHARE_HINT}")
    ),
    Mutation(
        "uncomputed-hyperlink",
        _const(formula('HYPERLINK("http://example.invalid/x")')),
        _uncomputed('HYPERLINK("http://example.invalid/x")'),
    ),
    Mutation("share-150-percent", _const(text("150%")), _only(("share",), f"found '150%', expected {SHARE_EXPECTED}")),
)


def _choice_expected(spec_field: Field) -> str:
    if spec_field.type == "yesno":
        return "yes or no"
    return "one of " + ", ".join(repr(allowed) for allowed in spec_field.allowed)


def _choice_found(shown: str) -> Callable[[Field, str], str | None]:
    return lambda spec_field, _original: f"found {shown}, expected {_choice_expected(spec_field)}"


CHOICE_MUTATIONS: tuple[Mutation, ...] = (
    Mutation("unknown-choice", _const(text("maybe")), _choice_found("'maybe'")),
    Mutation("number-choice", _const(number("5")), _choice_found("5")),
    Mutation("uncomputed-formula", _const(formula("1/0")), _uncomputed("1/0")),
    Mutation("nan-number", _const(number("NaN")), _choice_found("NaN")),
    Mutation("blank", _const(blank()), _required_blank),
    Mutation("long-text", _const(text(LONG_NAME)), _choice_found(LONG_NAME_SHOWN)),
)


def _lookalike(original: str) -> str:
    """The name with one Latin letter replaced by its Cyrillic double (looks the same, is not)."""
    for latin, cyrillic in (("e", "\u0435"), ("a", "\u0430"), ("o", "\u043e"), ("c", "\u0441")):
        if latin in original:
            return original.replace(latin, cyrillic, 1)
    return "\u0410" + original


def _other_case(original: str) -> str:
    return original.upper() if original != original.upper() else original.lower()


def _hidden_space(original: str) -> str:
    middle = max(len(original) // 2, 1)
    return original[:middle] + "\u200b" + original[middle:]


def shown(text_: str) -> str:
    """A typed text as messages show it: quoted, stripped, long texts by their start and length."""
    stripped = text_.strip()
    if len(stripped) > 100:
        return f"{stripped[:60] + '…'!r} ({len(stripped):,} characters)"
    return repr(stripped)


def _reference(typed: Callable[[str], str | None], close: bool = False) -> Mutation:
    """A reference cell given the text ``typed(original)``; ``close``: it differs only in capitals."""

    def message(spec_field: Field, original: str) -> str | None:
        value = typed(original)
        if value is None:
            return None
        if spec_field.ref == "Periods":
            # Period labels are read in capitals (2027-q1 is 2027-Q1), so other capitals are no mistake.
            return None if close else f"found {shown(value.upper())}, expected a period label from 2027-Q1 to 2028-Q4"
        hint = f" (names must match exactly: {original!r})" if close else ""
        return f"found {shown(value)}, expected {REFERENCE_WORDS[spec_field.ref]}{hint}"

    def cell(_package: Package, original: str) -> CellXml:
        value = typed(original)
        assert value is not None
        return text(value)

    return Mutation("", cell, message)


def _named(name: str, mutation: Mutation) -> Mutation:
    return Mutation(name, mutation.cell, mutation.message)


REFERENCE_MUTATIONS: tuple[Mutation, ...] = (
    _named("unknown-name", _reference(lambda _o: "Nobody")),
    _named("lookalike-letters", _reference(_lookalike)),
    _named("long-name", _reference(lambda _o: LONG_NAME)),
    _named("other-capitals", _reference(_other_case, close=True)),
    Mutation("uncomputed-formula", _const(formula("1/0")), _uncomputed("1/0")),
    _named("hidden-space", _reference(_hidden_space)),
    Mutation(
        "number-name",
        _const(number("42")),
        lambda f, _o: f"found '42', expected {REFERENCE_WORDS.get(f.ref, '')}"
        if f.ref != "Periods"
        else "found '42', expected a period label from 2027-Q1 to 2028-Q4",
    ),
    Mutation("blank", _const(blank()), _required_blank),
)

TEXT_MUTATIONS: tuple[Mutation, ...] = (
    Mutation("uncomputed-formula", _const(formula('CONCAT("A","B")')), _uncomputed('CONCAT("A","B")')),
    Mutation("blank", _const(blank()), _required_blank),
)

PERIOD_LABEL_MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        "bad-period-label",
        _const(text("2027-Q9")),
        lambda _f, _o: "found '2027-Q9', expected a quarter label like 2027-Q1",
    ),
    Mutation(
        "banana-period-label",
        _const(text("banana")),
        lambda _f, _o: "found 'BANANA', expected a quarter label like 2027-Q1",
    ),
)

#: How many mutations each kind of column gets (rotating through its list).
PER_FIELD = {"numeric": 4, "choice": 3, "reference": 3, "text": 2, "period": 2}


def _family(spec_field: Field) -> tuple[str, tuple[Mutation, ...]]:
    if spec_field.label == "First period":
        return "period", PERIOD_LABEL_MUTATIONS
    if spec_field.type in NUMERIC_TYPES:
        return "numeric", NUMERIC_MUTATIONS
    if spec_field.type in ("choice", "yesno"):
        return "choice", CHOICE_MUTATIONS
    if spec_field.type == "ref":
        return "reference", REFERENCE_MUTATIONS
    return "text", TEXT_MUTATIONS


def _positions(base: Base, spec: SheetSpec) -> tuple[dict[str, str], list[int]] | None:
    """Column letters by label and the data rows of a sheet, or ``None`` when it has no data rows."""
    package = base.package
    if spec.layout == "settings":
        rows = package.setting_rows(spec.name)
        return {label: "B" for label in rows}, []
    records = base.rows.get(spec.name) or []
    if not records:
        return None
    return package.header(spec.name), [2 + index for index in range(len(records))]


def _cell_variant(base: Base, spec: SheetSpec, spec_field: Field, mutation: Mutation, row: int,
                  column: str, prefix: str = "cell") -> Variant | None:
    reference = f"{column}{row}"
    original = base.package.cell_text(spec.name, reference) or ""
    message = mutation.message(spec_field, original)
    if message is None:
        return None
    expected, where = located(spec.name, row, spec_field.label, message)

    def change(_base: Base, package: Package) -> None:
        package.set_cell(spec.name, reference, mutation.cell(package, original))

    name = f"{prefix}-{spec.name}-{spec_field.key}-{mutation.name}-r{row}".replace("_", "-")
    return package_variant(name, f"cell: {mutation.name}", "cell", change, expected, where)


def cell_variants(base: Base) -> list[Variant]:
    """Bad values in single cells, a few per column of every sheet of the spec."""
    variants: list[Variant] = []
    turn: dict[str, int] = {}
    for spec in SHEETS:
        found = _positions(base, spec)
        if found is None:
            continue
        columns, rows = found
        setting_rows = base.package.setting_rows(spec.name) if spec.layout == "settings" else {}
        for field_index, spec_field in enumerate(spec.fields):
            if spec_field.label not in columns:
                continue
            kind, mutations = _family(spec_field)
            wanted = PER_FIELD[kind]
            made = 0
            tried = 0
            while made < wanted and tried < len(mutations):
                mutation = mutations[turn.get(kind, 0) % len(mutations)]
                turn[kind] = turn.get(kind, 0) + 1
                tried += 1
                row = setting_rows[spec_field.label] if setting_rows else rows[(field_index + made) % len(rows)]
                variant = _cell_variant(base, spec, spec_field, mutation, row, columns[spec_field.label])
                if variant is not None:
                    variants.append(variant)
                    made += 1
    return variants


SHARE_150 = f"found 150, expected {SHARE_EXPECTED}"


def must_have_variants(base: Base) -> list[Variant]:
    """Cells the issue names explicitly, whatever the rotation picked."""
    wanted: list[tuple[str, str, Mutation]] = [
        ("Headcount", "Count", Mutation("headcount-1e20", _const(number("1E+20")), _huge("1e+20"))),
        ("Roles", "Loaded cost", Mutation("nan-number", _const(number("NaN")), _found("NaN"))),
        ("Roles", "Loaded cost", Mutation("inf-number", _const(number("INF")), _found("infinity"))),
        ("Roles", "Attrition", Mutation("share-150", _const(number("150")), _only(("share",), SHARE_150))),
        ("Budget", "Budget", Mutation("huge-1e308", _const(number("1E+308")), _huge("1e+308"))),
    ]
    variants: list[Variant] = []
    for sheet, label, mutation in wanted:
        spec = next(s for s in SHEETS if s.name == sheet)
        columns = base.package.header(sheet)
        variant = _cell_variant(base, spec, spec.field(label), mutation, 3, columns[label], prefix="named")
        if variant is not None:
            variants.append(variant)
    return variants
