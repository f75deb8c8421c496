"""Scenario-file variants: bad copies of the shipped ``scenarios/*.yaml``.

They are loaded with :func:`rolemix.scenarios.load_scenario`.

Each variant is written next to a copy of the shipped ``base.yaml`` (which the
shipped scenarios extend).  ``where`` lists what the message must name: the
file always, and for a bad value its line and key path.  The wording of each
message belongs to the scenario loader and is checked in its own tests; here
the corpus checks that every bad file is refused with a located message and
never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rolemix.workbook.example import TEMPLATES_DIR

SCENARIOS_DIR = TEMPLATES_DIR.parent / "scenarios"


@dataclass(frozen=True)
class ScenarioVariant:
    """One bad scenario file: its name (with suffix), content, and what the message must name.

    ``known_failure`` names a problem of the loader this variant still finds
    (the test is then expected to fail until the loader is fixed).
    """

    name: str
    family: str
    content: Callable[[], bytes]
    where: tuple[str, ...]
    known_failure: str = ""

    def build(self, folder: Path) -> Path:
        base = folder / "base.yaml"
        if not base.exists():
            base.write_bytes((SCENARIOS_DIR / "base.yaml").read_bytes())
        path = folder / self.name
        path.write_bytes(self.content())
        return path


def shipped(name: str) -> str:
    return (SCENARIOS_DIR / name).read_text(encoding="utf-8")


def _text(make: Callable[[], str]) -> Callable[[], bytes]:
    return lambda: make().encode("utf-8")


def _replace(source: str, old: str, new: str) -> Callable[[], bytes]:
    def make() -> bytes:
        text = shipped(source)
        if old not in text:
            raise AssertionError(f"{old!r} is not in scenarios/{source}")
        return text.replace(old, new, 1).encode("utf-8")

    return make


def _line_of(source: str, needle: str) -> int:
    for number, line in enumerate(shipped(source).splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in scenarios/{source}")


LAYOFF = "layoff-cap-4pct.yaml"
LAYOFF_VALUE = "{sheet: Policy, column: Layoff cap share, value: 0.005}"
DIP = "ai-dip.yaml"
DIP_FIRST = "{sheet: Adoption, key: [Sales copilot, 2027-Q1], column: Adoption, value: 0.22}"
FAST = "ai-fast.yaml"
FAST_UNITS = "{sheet: Capacity, key: Northwind AI sales agent, column: Max units, value: 300}"
BUDGET = "budget-minus-10pct.yaml"

LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
)



def scenario_variants() -> list[ScenarioVariant]:
    """Every bad scenario file of the corpus."""
    value_line = _line_of(LAYOFF, LAYOFF_VALUE)
    dip_line = _line_of(DIP, DIP_FIRST)
    fast_line = _line_of(FAST, FAST_UNITS)
    budget_line = _line_of(BUDGET, "budget_multiplier")
    variants: list[ScenarioVariant] = []
    for label, value in (("text", "lots"), ("nan", ".nan"), ("inf", ".inf"), ("negative", "-0.5"),
                         ("above-one", "4"), ("huge", "1e308"), ("octal", "010"), ("date", "2027-01-01"),
                         ("list", "[1, 2]"), ("yes", "yes"), ("percent", "400%")):
        name = f"layoff-{label}.yaml"
        variants.append(ScenarioVariant(
            name, "scenario: bad value", _replace(LAYOFF, "value: 0.005}", f"value: {value}}}"),
            (name, f"line {value_line}", "overrides[0].value"),
        ))
    wrong = {
        "layoff-unknown-sheet.yaml": ("sheet: Policy", "sheet: Policies", "overrides[0].sheet"),
        "layoff-unknown-column.yaml": ("column: Layoff cap share", "column: Layoff cap shares", "overrides[0].column"),
        "layoff-key-on-settings.yaml": ("sheet: Policy,", "sheet: Policy, key: [x],", "overrides[0].key"),
    }
    for name, (old, new, path) in wrong.items():
        variants.append(ScenarioVariant(name, "scenario: unknown address", _replace(LAYOFF, old, new),
                                        (name, f"line {value_line}", path)))
    dip = {
        "dip-unknown-adopter.yaml": ("Sales copilot, 2027-Q1", "Nobody, 2027-Q1", "overrides[0].key[0]"),
        "dip-period-outside.yaml": ("Sales copilot, 2027-Q1", "Sales copilot, 2031-Q1", "overrides[0].key[1]"),
        "dip-adoption-above-one.yaml": ("value: 0.22}", "value: 22}", "overrides[0].value"),
        "dip-short-key.yaml": ("[Sales copilot, 2027-Q1]", "[Sales copilot]", "overrides[0].key"),
    }
    for name, (old, new, path) in dip.items():
        variants.append(ScenarioVariant(name, "scenario: unknown address", _replace(DIP, old, new),
                                        (name, f"line {dip_line}", path)))
    variants.append(ScenarioVariant(
        "fast-units-text.yaml", "scenario: bad value", _replace(FAST, "value: 300}", "value: three hundred}"),
        ("fast-units-text.yaml", f"line {fast_line}", "overrides[6].value"),
    ))
    variants.append(ScenarioVariant(
        "budget-negative.yaml", "scenario: bad value",
        _replace(BUDGET, "budget_multiplier: 0.9", "budget_multiplier: -1"),
        ("budget-negative.yaml", f"line {budget_line}", "budget_multiplier"),
    ))
    variants.append(ScenarioVariant(
        "budget-huge.yaml", "scenario: bad value",
        _replace(BUDGET, "budget_multiplier: 0.9", "budget_multiplier: 1e308"),
        ("budget-huge.yaml", f"line {budget_line}", "budget_multiplier"),
    ))
    syntax = {
        "syntax-cut-short.yaml": (lambda: shipped(DIP)[: len(shipped(DIP)) // 2] + "\n  - {sheet: [", ()),
        "syntax-tab.yaml": (lambda: shipped(LAYOFF).replace("overrides:\n  -", "overrides:\n\t-", 1), ()),
        "syntax-duplicate-key.yaml": (lambda: shipped(LAYOFF) + "name: again\n", ("name",)),
        "syntax-python-tag.yaml": (
            lambda: shipped(LAYOFF).replace("name: layoff-cap-4pct", "name: !!python/object/apply:os.system [id]"),
            ("name",),
        ),
        "syntax-anchors.yaml": (lambda: LAUGHS + shipped(LAYOFF), ("b[0]",)),
        "syntax-unknown-key.yaml": (lambda: shipped(LAYOFF) + "layoffs: none\n", ("layoffs",)),
        "syntax-no-name.yaml": (lambda: shipped(LAYOFF).replace("name: layoff-cap-4pct\n", ""), ("name",)),
        "syntax-list.yaml": (lambda: "- " + shipped(BUDGET).replace("\n", "\n  "), ()),
        "syntax-empty.yaml": (lambda: "", ()),
        "syntax-comments-only.yaml": (lambda: "# nothing here\n", ()),
        "extends-missing.yaml": (lambda: shipped(LAYOFF).replace("extends: base.yaml", "extends: nowhere.yaml"),
                                 ("extends",)),
        "extends-itself.yaml": (
            lambda: shipped(LAYOFF).replace("extends: base.yaml", "extends: extends-itself.yaml"), ("extends",)
        ),
        # Refused because the file it names is no scenario file; the message names that file.
        "extends-outside.yaml": (
            lambda: shipped(LAYOFF).replace("extends: base.yaml", "extends: ../../../../../../etc/passwd"),
            ("passwd: expected a scenario file ending in .yaml, .yml or .json",),
        ),
    }
    for name, (make, path) in syntax.items():
        where = path if name == "extends-outside.yaml" else (name, *path)
        variants.append(ScenarioVariant(name, "scenario: not a valid file", _text(make), where))
    deep = "name: deep\ndescription: " + "[" * 20_000 + "]" * 20_000 + "\n"
    variants.append(ScenarioVariant("syntax-deep-nesting.yaml", "scenario: not a valid file", _text(lambda: deep),
                                    ("syntax-deep-nesting.yaml",)))
    as_json = {
        "name": "layoff-cap-4pct", "extends": "base.yaml",
        "overrides": [{"sheet": "Policy", "column": "Layoff cap share", "value": 0.005}],
    }
    jsons: dict[str, tuple[Callable[[], str], str]] = {
        "json-nan.json": (lambda: json.dumps(as_json).replace("0.005", "NaN"), ""),
        "json-infinity.json": (lambda: json.dumps(as_json).replace("0.005", "Infinity"), ""),
        "json-trailing-comma.json": (lambda: json.dumps(as_json)[:-1] + ",}", ""),
        "json-cut-short.json": (lambda: json.dumps(as_json)[:40], ""),
        "json-text-value.json": (lambda: json.dumps(as_json).replace("0.005", '"lots"'), "overrides[0].value"),
        "json-duplicate-key.json": (lambda: json.dumps(as_json)[:-1] + ', "name": "again"}', ""),
        "json-deep-nesting.json": (lambda: "[" * 100_000 + "]" * 100_000, ""),
    }
    for name, (make, path) in jsons.items():
        variants.append(ScenarioVariant(name, "scenario: not a valid file", _text(make),
                                        (name, path) if path else (name,)))
    binary: dict[str, Callable[[], bytes]] = {
        "bytes-utf16.yaml": lambda: shipped(LAYOFF).encode("utf-16"),
        "bytes-latin1.yaml": lambda: (shipped(LAYOFF) + "description: Zürich\n").encode("latin-1"),
        "bytes-zip-named-yaml.yaml": lambda: (TEMPLATES_DIR / "example-software-co.xlsx").read_bytes(),
        "bytes-too-large.yaml": lambda: (shipped(LAYOFF) + "# " + "x" * 1_100_000 + "\n").encode("utf-8"),
        "layoff-cap.txt": lambda: shipped(LAYOFF).encode("utf-8"),
    }
    for name, make_bytes in binary.items():
        variants.append(ScenarioVariant(name, "scenario: not a valid file", make_bytes, (name,)))
    return variants
