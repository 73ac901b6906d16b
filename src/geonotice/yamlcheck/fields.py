"""A format declared as data: its keys (``Field``) and the kinds of value they hold (``ValueType``).

A format is a few tuples of ``Field``: the keys of each mapping, in the order the reference
lists them. Each field names its ``ValueType``, which says in one place how a value is checked
(``check``, run by the ``Walker``) and how JSON Schema describes it (``schema``, for editors). From
the same tables come the checking (``walker.py``), the JSON Schema (``object_schema``) and the
reference tables of the docs (``reference.py``).

- **A new key** is one more ``Field`` row in its table; the checker, the JSON Schema and the docs
  follow. Read its value where the format builds its result (``section.get("key")``).
- **A new kind of value** is one ``ValueType``: a check function ``(walker, node, where) -> value``
  that reports what is wrong and returns ``INVALID`` (or the parsed value), and a JSON Schema
  fragment. Generic kinds live in ``values.py``, a format's own next to its tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from geonotice.yamlcheck.loader import Marked, MarkedMapping

if TYPE_CHECKING:
    from geonotice.yamlcheck.walker import Walker

JsonSchema = dict[str, Any]
Check = Callable[["Walker", Marked, str], Any]


class _Invalid:
    """A value that failed its check (and was reported); builders skip it."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass(frozen=True, slots=True)
class ValueType:
    """A kind of value: ``check(walker, node, where)`` returns the parsed value or ``INVALID`` (after
    reporting why); ``schema()`` is its JSON Schema fragment."""

    check: Check
    schema: Callable[[], JsonSchema]


def fixed(schema: JsonSchema) -> Callable[[], JsonSchema]:
    """A ``ValueType.schema`` that is always the same fragment."""
    return lambda: dict(schema)


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a format: its name as written, the kind of its value, and what it means.

    ``help`` is the key's line in the reference and, unless ``missing`` says it better, what a
    "missing key" problem tells the author; ``default`` is what the reference says happens
    without it.
    """

    key: str
    type: ValueType
    help: str
    required: bool = False
    default: str = ""
    missing: str = ""

    @property
    def missing_hint(self) -> str:
        return self.missing or self.help


@dataclass(slots=True)
class Section:
    """A walked mapping: its parsed values by key (``INVALID`` where a value failed), its node for
    places, its breadcrumb, and whether walking it reported anything (``clean``)."""

    path: str
    node: MarkedMapping
    where: str = ""
    index: int | None = None  # its place in the list it came from, if any
    values: dict[str, Any] = field(default_factory=dict)
    clean: bool = True

    def get(self, key: str, default: Any = None) -> Any:
        """The parsed value of ``key``; ``default`` when it is absent or failed its check."""
        value = self.values.get(key, default)
        return default if value is INVALID else value

    def given(self, key: str) -> bool:
        """Whether the author wrote ``key``, valid or not."""
        return key in self.values


def object_schema(fields: tuple[Field, ...], **extra: Any) -> JsonSchema:
    """The JSON Schema of a mapping with these keys, and no others."""
    return {
        "type": "object",
        "properties": {f.key: {"description": f.help, **f.type.schema()} for f in fields},
        "required": [f.key for f in fields if f.required],
        "additionalProperties": False,
        **extra,
    }


def fields_by_key(fields: tuple[Field, ...]) -> Mapping[str, Field]:
    return {f.key: f for f in fields}


def document_schema(schema_id: str, title: str, fields: tuple[Field, ...]) -> JsonSchema:
    """The JSON Schema (draft 2020-12) of a whole file whose top mapping has these keys."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": title,
        **object_schema(fields),
    }


def schema_text(schema: JsonSchema) -> str:
    """A JSON Schema as ``geonotice schema`` prints it."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
