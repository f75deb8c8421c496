"""The scenario file's JSON Schema, and its findings in planner words with file and line.

The schema (``scenario.schema.json``, draft 2020-12) is shipped with the
package so editors can check scenario files as they are typed; this module
checks a :class:`~rolemix.scenarios.document.Document` against it and turns
each finding of :mod:`jsonschema` into a message of the form ``found ...,
expected ...`` at the line where the value (or the unknown key) was written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterator, Sequence
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from rolemix.errors import Problem
from rolemix.scenarios.document import Document, KeyPath, ScenarioProblem, path_text
from rolemix.workbook.validate import show

SCHEMA_FILE = "scenario.schema.json"

#: What a JSON type is, in words.
_TYPE_WORDS: dict[str, str] = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "nothing (null)",
    "array": "a list",
    "object": "a mapping of keys to values",
}


def scenario_schema() -> dict[str, Any]:
    """The scenario file's JSON Schema, as shipped in the package (a fresh copy on every call)."""
    text = resources.files("rolemix.scenarios").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    schema = scenario_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check_against_schema(document: Document) -> list[Problem]:
    """Every way ``document`` breaks the schema, in the order of the file's lines."""
    problems: list[Problem] = []
    for error in _validator().iter_errors(document.data):
        problems.extend(_problems(document, error))
    unique = {(p.row or 0, p.column or "", p.message): p for p in problems}
    return [unique[key] for key in sorted(unique)]


def found(value: object) -> str:
    """A value from a scenario file as a message shows it."""
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return show(value)


def close_match(word: str, candidates: Sequence[str]) -> str:
    """`` (did you mean 'X'?)`` when ``word`` is a likely misspelling of one of ``candidates``."""
    by_lower = {candidate.lower(): candidate for candidate in candidates}
    matches = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.75)
    return f" (did you mean {by_lower[matches[0]]!r}?)" if matches else ""


def _type_words(expected: object) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)  # type: ignore[call-overload]
    words = [_TYPE_WORDS.get(name, name) for name in names]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _path(error: ValidationError) -> KeyPath:
    return tuple(error.absolute_path)


def _problems(document: Document, error: ValidationError) -> Iterator[Problem]:
    path = _path(error)
    instance = error.instance
    kind = error.validator
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        for key in instance:
            if key not in allowed:
                expected = ", ".join(allowed)
                yield document.problem(
                    (*path, key), f"unknown key {key!r}, expected one of {expected}{close_match(key, allowed)}",
                    at_key=True,
                )
        return
    if kind == "required" and isinstance(instance, dict):
        for key in error.validator_value:
            if key not in instance:
                where = path_text((*path, key))
                yield ScenarioProblem(document.display, document.line(path), where, "missing, but it is required")
        return
    if kind == "type":
        message = f"found {found(instance)}, expected {_type_words(error.validator_value)}"
        if isinstance(instance, dt.date) and "string" in error.validator_value:
            message += f" (YAML reads an unquoted date as a date: write '{instance.isoformat()}' in quotes)"
        yield document.problem(path, message)
        return
    if kind == "enum":
        choices = [str(choice) for choice in error.validator_value]
        hint = close_match(instance, choices) if isinstance(instance, str) else ""
        yield document.problem(path, f"found {found(instance)}, expected one of {', '.join(choices)}{hint}")
        return
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "exclusiveMinimum": "more than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }[kind]
        yield document.problem(path, f"found {found(instance)}, expected {words} {show(error.validator_value)}")
        return
    if kind == "minItems":
        yield document.problem(path, f"found {found(instance)}, expected at least {error.validator_value} item")
        return
    if kind == "minLength":
        yield document.problem(path, f"found {found(instance)}, expected text that is not blank")
        return
    if kind == "maxLength":
        yield document.problem(
            path, f"found {found(instance)} ({len(instance)} characters), expected at most {error.validator_value}"
        )
        return
    if kind == "pattern":
        yield document.problem(
            path,
            f"found {found(instance)}, expected letters, digits, spaces and . _ + - only, starting with a letter "
            "or digit (the name becomes a sheet name)",
        )
        return
    yield document.problem(path, error.message)
