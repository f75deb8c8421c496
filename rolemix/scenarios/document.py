"""Reading a scenario file (YAML or JSON) into plain data that remembers where each value was written.

Every value and every mapping key gets the line it stands on, so a problem
found later (by the schema or against the workbook) can be shown as
``scenarios/ai-fast.yaml, line 7, overrides[0].value: ...``.

YAML is read with a safe composer and a stricter resolver than PyYAML's
YAML 1.1 default, because YAML 1.1 quietly changes what a planner typed:

- ``yes``, ``no``, ``on``, ``off`` stay text (YAML 1.1 reads them as true and
  false; Norway's country code ``NO`` would become ``false``).  Only
  ``true`` and ``false`` are logical values.
- Numbers written in YAML 1.1's unusual notations (a leading zero such as
  ``010``, which YAML 1.1 reads as the octal number 8, ``0x1F``, ``1_000``,
  ``1:30``, ``.inf``) are refused with a message that says how YAML read
  them, instead of being used silently.
- ``1e6`` is a number, as in JSON (YAML 1.1 reads it as text).
- Unquoted dates (``2027-01-01``) stay dates, and the schema refuses them
  wherever text is expected, with a hint to quote them.
- Anchors and aliases (``&a`` / ``*a``), merge keys, duplicate keys and
  explicit tags (``!!python/...``) are refused.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from json.scanner import NUMBER_RE
from pathlib import Path

import yaml

from rolemix.errors import FileRefused, InputError, Problem

#: json's own string scanner (C-accelerated): text and position after the opening quote in, string and end out.
scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

#: A place in a scenario document: mapping keys and list indexes from the top.
KeyPath = tuple[str | int, ...]

#: The largest scenario file read; a scenario is a page of overrides, not a data set.
MAX_FILE_BYTES = 1_000_000

SUFFIXES = (".yaml", ".yml", ".json")

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"

#: How a planner writes a whole number and a decimal number; anything else YAML reads as a number is refused.
_PLAIN_INTEGER = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_PLAIN_DECIMAL = re.compile(r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")


class ScenarioProblem(Problem):
    """A problem in a scenario file, located by file, line and key path.

    ``sheet`` holds the file name as the planner gave it, ``row`` the line
    (``None`` when the problem is about the whole file) and ``column`` the key
    path, e.g. ``overrides[0].value``.
    """

    def location(self) -> str:
        parts = [self.sheet]
        if self.row is not None:
            parts.append(f"line {self.row}")
        if self.column:
            parts.append(self.column)
        return ", ".join(parts)


def path_text(path: KeyPath) -> str:
    """A key path as a planner reads it: ``("overrides", 0, "value")`` -> ``overrides[0].value``."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else step
    return text


@dataclass(frozen=True)
class Document:
    """A scenario file's data with the line of every value and key.

    ``lines`` maps a key path to the line of its value, ``key_lines`` a
    mapping entry's path to the line of its key.
    """

    display: str
    data: object
    lines: Mapping[KeyPath, int]
    key_lines: Mapping[KeyPath, int]

    def line(self, path: KeyPath) -> int | None:
        """Line of the value at ``path``, or of the nearest enclosing value that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def key_line(self, path: KeyPath) -> int | None:
        """Line of the key of the mapping entry at ``path`` (its value's line when unknown)."""
        return self.key_lines.get(path) or self.line(path)

    def problem(self, path: KeyPath, message: str, *, at_key: bool = False) -> ScenarioProblem:
        """A problem at ``path`` of this file."""
        line = self.key_line(path) if at_key else self.line(path)
        return ScenarioProblem(self.display, line, path_text(path), message)


# --- YAML --------------------------------------------------------------------------------------------


class _ScenarioLoader(yaml.SafeLoader):  # type: ignore[misc]
    """A safe loader whose resolver keeps yes/no/on/off as text and reads 1e6 as a number."""


def _strict_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    kept: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept[first] = [(tag, pattern) for tag, pattern in resolvers if tag not in (_BOOL, _FLOAT)]
    return kept


_ScenarioLoader.yaml_implicit_resolvers = _strict_resolvers()
_ScenarioLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_ScenarioLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
        |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.VERBOSE,
    ),
    list("-+0123456789."),
)


class _YamlReader:
    """Turns composed YAML nodes into plain data, noting lines and collecting problems."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.lines: dict[KeyPath, int] = {}
        self.key_lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []
        self._seen: set[int] = set()

    def _problem(self, line: int, path: KeyPath, message: str) -> None:
        self.problems.append(ScenarioProblem(self.display, line, path_text(path), message))

    def value(self, node: yaml.Node, path: KeyPath, written_at: int | None = None) -> object:
        line = node.start_mark.line + 1
        if id(node) in self._seen:
            # The composer hands out the anchored node again for an alias, with the anchor's position; the alias
            # stands where its key (or list) was written.  Expanding aliases could also blow up in size.
            line = written_at if written_at is not None else line
            self.lines[path] = line
            self._problem(line, path, "found a YAML alias (*name), expected the values written out in full")
            return None
        self.lines[path] = line
        self._seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self._problem(line, path, f"found the YAML tag {node.tag}, which scenario files do not use")
                return None
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._problem(line, path, f"found the YAML tag {node.tag}, which scenario files do not use")
                return None
            return [self.value(item, (*path, index), line) for index, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, path, line)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, object]:
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                shown = "<<" if key_node.tag == _MERGE else "a list or mapping"
                self._problem(line, path, f"found {shown} as a key, expected a plain name such as 'overrides'")
                continue
            key = str(key_node.value)
            entry = (*path, key)
            if entry in self.key_lines:
                self._problem(line, entry, f"duplicate key {key!r} (first given on line {self.key_lines[entry]})")
                continue
            self.key_lines[entry] = line
            result[key] = self.value(value_node, entry, line)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: KeyPath, line: int) -> object:
        raw = node.value
        tag = node.tag
        if tag == _STR:
            return raw
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return raw.lower() == "true"
        if tag in (_INT, _FLOAT, _TIMESTAMP):
            parsed = yaml.load(raw, Loader=yaml.SafeLoader)  # noqa: S506 - a single plain scalar, SafeLoader
            if tag == _TIMESTAMP:
                return parsed
            plain = _PLAIN_INTEGER if tag == _INT else _PLAIN_DECIMAL
            if not plain.match(raw):
                self._problem(
                    line,
                    path,
                    f"found {raw}, which YAML reads as the number {_number_words(parsed)}; write the number as "
                    f"digits (such as 10 or 0.25), or put {raw} in quotes if it is a name",
                )
                return None
            return float(raw) if tag == _FLOAT else int(raw)
        self._problem(line, path, f"found the YAML tag {tag}, which scenario files do not use")
        return None


def _number_words(value: object) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "'not a number'"
    if isinstance(value, float) and math.isinf(value):
        return "infinity" if value > 0 else "minus infinity"
    return str(value)


def _read_yaml(text: str, display: str) -> Document:
    try:
        node = yaml.compose(text, Loader=_ScenarioLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(part for part in (error.context, error.problem) if part)
        raise InputError([ScenarioProblem(display, line, None, f"not valid YAML: {what}")]) from None
    except yaml.YAMLError as error:
        raise InputError([ScenarioProblem(display, None, None, f"not valid YAML: {error}")]) from None
    if node is None:
        raise InputError([ScenarioProblem(display, None, None, "the file is empty, expected a scenario with a name")])
    reader = _YamlReader(display)
    data = reader.value(node, ())
    if reader.problems:
        raise InputError(reader.problems)
    return Document(display, data, reader.lines, reader.key_lines)


def parse_scalar(text: str, display: str) -> object:
    """One value typed on the command line, read like a plain YAML value in a scenario file.

    Raises
    ------
    InputError
        The text is not a single plain value, or uses a notation that
        scenario files refuse (see the module docs).
    """
    try:
        node = yaml.compose(text, Loader=_ScenarioLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        node = None
    if not isinstance(node, yaml.ScalarNode):
        message = "expected a single value such as 0.2, 12%, yes or a name"
        raise InputError([ScenarioProblem(display, None, text, message)])
    reader = _YamlReader(display)
    value = reader.value(node, ())
    if reader.problems:
        problem = reader.problems[0]
        raise InputError([ScenarioProblem(display, None, text, problem.message)])
    return value


# --- JSON --------------------------------------------------------------------------------------------


class _JsonReader:
    """A small recursive-descent pass over text that :func:`json.loads` accepted, noting lines."""

    _WHITESPACE = re.compile(r"[ \t\n\r]*")

    def __init__(self, text: str, display: str) -> None:
        self.text = text
        self.display = display
        self.newlines = [index for index, char in enumerate(text) if char == "\n"]
        self.lines: dict[KeyPath, int] = {}
        self.key_lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []

    def line_at(self, position: int) -> int:
        return bisect.bisect_left(self.newlines, position) + 1

    def _skip(self, position: int) -> int:
        match = self._WHITESPACE.match(self.text, position)
        assert match is not None
        return match.end()

    def value(self, position: int, path: KeyPath) -> tuple[object, int]:
        position = self._skip(position)
        self.lines[path] = self.line_at(position)
        char = self.text[position]
        if char == "{":
            return self._object(position + 1, path)
        if char == "[":
            return self._array(position + 1, path)
        if char == '"':
            return scanstring(self.text, position + 1)
        for word, meaning in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, position):
                return meaning, position + len(word)
        match = NUMBER_RE.match(self.text, position)
        assert match is not None, "json.loads accepted the text"
        integer, fraction, exponent = match.groups()
        number: object = float(integer + (fraction or "") + (exponent or "")) if fraction or exponent else int(integer)
        return number, match.end()

    def _object(self, position: int, path: KeyPath) -> tuple[object, int]:
        result: dict[str, object] = {}
        position = self._skip(position)
        if self.text[position] == "}":
            return result, position + 1
        while True:
            position = self._skip(position)
            key_line = self.line_at(position)
            key, position = scanstring(self.text, position + 1)
            entry = (*path, key)
            position = self._skip(position) + 1  # the colon
            if entry in self.key_lines:
                first = self.key_lines[entry]
                message = f"duplicate key {key!r} (first given on line {first})"
                self.problems.append(ScenarioProblem(self.display, key_line, path_text(entry), message))
                # Read past the repeated value; its lines go under a path no real key can have.
                _, position = self.value(position, (*path, f"{key} (again)"))
            else:
                self.key_lines[entry] = key_line
                result[key], position = self.value(position, entry)
            position = self._skip(position)
            if self.text[position] == "}":
                return result, position + 1
            position += 1  # the comma

    def _array(self, position: int, path: KeyPath) -> tuple[object, int]:
        result: list[object] = []
        position = self._skip(position)
        if self.text[position] == "]":
            return result, position + 1
        while True:
            item, position = self.value(position, (*path, len(result)))
            result.append(item)
            position = self._skip(position)
            if self.text[position] == "]":
                return result, position + 1
            position += 1


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")


def _read_json(text: str, display: str) -> Document:
    try:
        json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        problem = ScenarioProblem(display, error.lineno, None, f"not valid JSON: {error.msg} (column {error.colno})")
        raise InputError([problem]) from None
    except ValueError as error:
        raise InputError([ScenarioProblem(display, None, None, f"not valid JSON: {error}")]) from None
    reader = _JsonReader(text, display)
    data, _ = reader.value(0, ())
    if reader.problems:
        raise InputError(reader.problems)
    return Document(display, data, reader.lines, reader.key_lines)


# --- files -------------------------------------------------------------------------------------------


def read_document(path: Path, display: str) -> tuple[Document, bytes]:
    """Read a scenario file into a :class:`Document`; also return its bytes (for the SHA-256).

    Parameters
    ----------
    path
        The file to read: ``.yaml``, ``.yml`` or ``.json``, UTF-8.
    display
        The file's name as shown in messages (the path as the planner gave it).

    Raises
    ------
    FileRefused
        The file is missing, too large, not UTF-8 or has another suffix.
    InputError
        The file is not valid YAML or JSON, or uses a YAML feature that
        scenario files refuse (each problem with its line).
    """
    if path.suffix.lower() not in SUFFIXES:
        raise FileRefused(f"{display}: expected a scenario file ending in .yaml, .yml or .json")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileRefused(f"{display}: the file has {size:,} bytes, expected a scenario file of at most 1 MB")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileRefused(f"{display}: no such scenario file") from None
    except IsADirectoryError:
        raise FileRefused(f"{display}: is a folder, expected a scenario file") from None
    except OSError as error:
        raise FileRefused(f"{display}: cannot be read ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(f"{display}: not UTF-8 text; save the scenario file as UTF-8") from None
    try:
        if path.suffix.lower() == ".json":
            return _read_json(text, display), raw
        return _read_yaml(text, display), raw
    except RecursionError:
        # The parsers recurse once per nesting level; a scenario file is a few levels deep at most.
        raise FileRefused(
            f"{display}: nested too deeply to be a scenario file; expected lists and mappings a few levels deep"
        ) from None
