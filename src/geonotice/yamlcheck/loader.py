"""A defensive YAML loader for files that people, not programs, write.

It returns *marked* values: every mapping, sequence, key and scalar knows the line and column it
came from (the idea of cfn-lint's ``cfn_yaml.py``), so each problem can point at the exact value.
What ``yaml.safe_load`` quietly accepts is refused here, as problems rather than exceptions:

- duplicate keys (PyYAML silently keeps the last one, so a lawyer's first entry would vanish);
- tags (``!!python/object``, but also ``!!str``) and anchors/aliases (``&a``/``*a``), which nobody
  needs in rules and which make "billion laughs" documents possible;
- files over a size limit, nesting deeper than a limit, more than one document, invalid UTF-8.

Scalars are still resolved the YAML 1.1 way (``NO`` is ``false``, ``2024-01-01`` a date), because
the walker must *see* that happen to tell the author to quote the value (yamllint's ``truthy``).

Each refusal names its code from ``codes.py``. A new refusal is a branch here plus, for a new kind,
a code there; a plainer wording of a PyYAML syntax error is a diagnosis in ``syntax.py``, which
also says what to type instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import yaml

from geonotice.yamlcheck import codes
from geonotice.yamlcheck.problems import START, Place, Positioned, Problem, ProblemCode
from geonotice.yamlcheck.syntax import plain_syntax_error, unusual_spaces

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Marked",
    "MarkedKey",
    "MarkedMapping",
    "MarkedScalar",
    "MarkedSequence",
    "Positioned",
    "ScalarValue",
    "describe",
    "load_marked",
    "to_plain",
]

MAX_BYTES = 1_000_000  # a rules file is a few kilobytes; a megabyte is a mistake or an attack
MAX_DEPTH = 32  # the format nests four deep; PyYAML recurses per level

ScalarValue = str | int | float | bool | None | dt.date | dt.datetime
_DASHED = re.compile(r"-[^\s\d-]")  # "-RU": a list item, its space forgotten ("-5" is a number)


@dataclass(frozen=True, slots=True)
class MarkedScalar:
    """A scalar as loaded (``value``) and as written (``text``, without quotes). ``broken`` marks
    one the loader already reported (a date that is not one), so no check reports it again."""

    value: ScalarValue
    text: str
    quoted: bool
    line: int
    column: int
    broken: bool = False

    @property
    def kind(self) -> str:
        """What YAML made of it: ``string``, ``integer``, ``number``, ``boolean``, ``null``, ``date``."""
        return _kind_of(self.value)


@dataclass(frozen=True, slots=True)
class MarkedKey:
    """A mapping key; always the text as written, so ``no:`` (Norwegian) stays ``"no"``."""

    name: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class MarkedSequence:
    items: tuple[Marked, ...]
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class MarkedMapping:
    entries: tuple[tuple[MarkedKey, Marked], ...]
    line: int
    column: int

    def get(self, name: str) -> Marked | None:
        for key, value in self.entries:
            if key.name == name:
                return value
        return None

    def key(self, name: str) -> MarkedKey | None:
        for key, _ in self.entries:
            if key.name == name:
                return key
        return None


Marked = MarkedScalar | MarkedSequence | MarkedMapping


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    if isinstance(value, dt.datetime):
        return "date and time"
    if isinstance(value, dt.date):
        return "date"
    return "string"


def describe(node: Marked) -> str:
    """How a node reads in a message: ``a list``, ``the boolean false``, ``the date 2024-01-01``."""
    if isinstance(node, MarkedMapping):
        return "a mapping"
    if isinstance(node, MarkedSequence):
        return "a list"
    kind = node.kind
    if kind == "string":
        return f"the text {node.text!r}"
    if kind == "null":
        return "nothing" if not node.text else f"null ({node.text!r})"
    shown = str(node.value).lower() if kind == "boolean" else str(node.value)
    if node.text != shown:
        return f"the {kind} {shown} (YAML reads unquoted {node.text} that way)"
    return f"the {kind} {shown}"


def to_plain(node: Marked | None) -> Any:
    """The node as plain Python data (dicts, lists, scalars), for tools that need no marks."""
    if node is None:
        return None
    if isinstance(node, MarkedScalar):
        return node.value
    if isinstance(node, MarkedSequence):
        return [to_plain(item) for item in node.items]
    return {key.name: to_plain(value) for key, value in node.entries}


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, code: ProblemCode, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.code = code
        self.message = message


class _Loader(yaml.SafeLoader):
    """The pure-Python safe loader (exact marks), composing nodes with tags, aliases and depth checked."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.refusals: list[tuple[yaml.Mark, ProblemCode, str]] = []
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        untyped: Any = self  # PyYAML's composer methods carry no annotations
        event: Any = untyped.peek_event()
        if isinstance(event, yaml.AliasEvent):
            untyped.get_event()
            self._refuse(
                event, codes.YAML_ALIAS, f"aliases (*{event.anchor}) are not allowed: write the value out"
            )
            start: Any = event.start_mark
            return yaml.ScalarNode("tag:yaml.org,2002:null", "", start, start)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._refuse(
                event, codes.YAML_ALIAS, f"anchors (&{anchor}) are not allowed: write each value out"
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = (
                "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
            )
            self._refuse(event, codes.YAML_TAG, f"tags ({shown}) are not allowed: quote the value instead")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(event.start_mark, codes.TOO_DEEP, f"nested more than {MAX_DEPTH} levels deep")
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if tag is not None and node is not None:
            # Forget the explicit tag so nothing is ever constructed from it; the refusal is reported.
            if isinstance(node, yaml.ScalarNode):
                node.tag = untyped.resolve(yaml.ScalarNode, node.value, (True, False))
            elif isinstance(node, yaml.SequenceNode):
                node.tag = "tag:yaml.org,2002:seq"
            else:
                node.tag = "tag:yaml.org,2002:map"
        return node

    def _refuse(self, event: Any, code: ProblemCode, message: str) -> None:
        self.refusals.append((event.start_mark, code, message))


def _place(mark: yaml.Mark | None) -> Place:
    return START if mark is None else Place(mark.line + 1, mark.column + 1)


def _offset_place(text: str, offset: int) -> Place:
    before = text[:offset]
    return Place(before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


def load_marked(
    data: bytes | str, path: str, *, max_bytes: int = MAX_BYTES, keys: Collection[str] = ()
) -> tuple[Marked | None, list[Problem]]:
    """Load one YAML document into marked nodes.

    ``path`` is only used in problems (it may be a display name such as ``rev:rules/a.yaml``);
    ``keys`` are the format's keys, which let a syntax error name the key that lacks its colon.
    Returns the root node (``None`` for an empty document, or when the text cannot be loaded) and
    the problems found, all errors. A syntax error is one problem in plain words (``syntax.py``),
    with nothing after it: what follows a syntax error is not worth reading. Never raises for bad
    input.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        message = f"file is {size} bytes, over the limit of {max_bytes}"
        return None, [Problem.at(path, START, codes.TOO_LARGE, message)]
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
            message = (
                "the file is not UTF-8 text from here on (saved in another encoding, such as "
                "Windows-1251?): save it as UTF-8"
            )
            return None, [Problem(path, line, column, message, codes.SYNTAX)]
    else:
        text = data
    for number, content in enumerate(text.split("\n"), 1):
        # YAML reads these as part of a key, not as indentation: the file would load, wrongly.
        spaces = unusual_spaces(content, number)
        if spaces is not None:
            return None, [Problem(path, spaces.line, spaces.column, spaces.message, codes.SYNTAX)]
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
        problems = [Problem.at(path, _place(mark), code, message) for mark, code, message in loader.refusals]
        if root is None:
            return None, problems
        marked = _convert(loader, root, path, problems)
    except _Refused as refused:
        return None, [Problem.at(path, _place(refused.mark), refused.code, refused.message)]
    except yaml.reader.ReaderError as error:
        at = _offset_place(text, error.position)
        message = f"an invisible control character ({chr(error.character)!r}) is here: delete it"
        return None, [Problem.at(path, at, codes.SYNTAX, message)]
    except yaml.MarkedYAMLError as error:
        diagnosis = plain_syntax_error(text, error, keys)
        return None, [Problem(path, diagnosis.line, diagnosis.column, diagnosis.message, codes.SYNTAX)]
    except yaml.YAMLError as error:
        return None, [Problem.at(path, START, codes.SYNTAX, f"syntax error: {error}")]
    except RecursionError:
        return None, [Problem.at(path, START, codes.TOO_DEEP, "nested too deeply")]
    finally:
        if loader is not None:
            loader.dispose()
    dashes = [p for p in problems if p.code is codes.SYNTAX]
    if dashes:
        return None, dashes[:1]  # a list item without its space: the rest is not what was meant
    return marked, sorted(problems)


def _convert(loader: _Loader, node: yaml.Node, path: str, problems: list[Problem]) -> Marked:
    at = _place(node.start_mark)
    if isinstance(node, yaml.ScalarNode):
        broken = False
        try:
            value = loader.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError) as error:
            # e.g. 2024-13-45 has the shape of a date, so YAML tries and fails to make one
            message = (
                f"{node.value!r} looks like a date but is not one ({error}): write a real date, "
                'year-month-day, or put the text in quotes ("...")'
            )
            problems.append(Problem.at(path, at, codes.INVALID_VALUE, message))
            value, broken = node.value, True
        if node.style is None and isinstance(value, str) and _DASHED.match(value):
            # "-RU" on its own line is a list item without the space after its dash.
            item = value.split()[0]
            message = f"a list item needs a space after its dash: write '- {item[1:]}'"
            problems.append(Problem.at(path, at, codes.SYNTAX, message))
        return MarkedScalar(value, node.value, node.style in ("'", '"'), at.line, at.column, broken)
    if isinstance(node, yaml.SequenceNode):
        return MarkedSequence(
            tuple(_convert(loader, item, path, problems) for item in node.value), at.line, at.column
        )
    entries: list[tuple[MarkedKey, Marked]] = []
    seen: dict[str, MarkedKey] = {}
    for key_node, value_node in node.value:
        key_at = _place(key_node.start_mark)
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                Problem.at(path, key_at, codes.SYNTAX, "keys must be plain text, not lists or mappings")
            )
            continue
        first = seen.get(key_node.value)
        if first is not None:
            message = (
                f"duplicate key {key_node.value!r} (first given on line {first.line}): YAML would keep "
                "only one; delete one of the two, or merge them"
            )
            problems.append(Problem.at(path, key_at, codes.DUPLICATE_KEY, message))
            continue
        key = MarkedKey(key_node.value, key_at.line, key_at.column)
        seen[key.name] = key
        entries.append((key, _convert(loader, value_node, path, problems)))
    return MarkedMapping(tuple(entries), at.line, at.column)
