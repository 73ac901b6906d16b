"""The kinds of value every format needs: whole numbers, texts with a shape, lists of them, and
mappings (a nested section, named sections, a list of sections) described by their own fields.

A format's own kinds (a placement, a reader) are ``ValueType`` values next to its field tables,
built from the walker's ``mapping``, ``sequence`` and ``string`` the way these are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from geonotice.yamlcheck import codes
from geonotice.yamlcheck.fields import INVALID, Field, JsonSchema, ValueType, fixed, object_schema
from geonotice.yamlcheck.loader import (
    Marked,
    MarkedKey,
    MarkedMapping,
    MarkedScalar,
    MarkedSequence,
    describe,
)
from geonotice.yamlcheck.problems import ProblemCode
from geonotice.yamlcheck.walker import MAPPING, Walker


def _integer(walker: Walker, node: Marked, where: str) -> Any:
    if isinstance(node, MarkedScalar) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    walker.report(node, codes.WRONG_TYPE, f"{where}: expected a whole number, got {describe(node)}")
    return INVALID


INTEGER = ValueType(_integer, fixed({"type": "integer"}))


@dataclass(frozen=True, slots=True)
class TextRule:
    """A text value with a shape: what to call it in "expected ..." messages, the code and the
    function saying what is wrong with a text (``None`` when nothing is)."""

    what: str
    code: ProblemCode | None
    problem: Callable[[str], str | None]


def check_text(walker: Walker, node: Marked, where: str, rule: TextRule) -> Any:
    """The text of ``node`` if it is one and ``rule`` finds nothing wrong, else ``INVALID``."""
    text = walker.string(node, where, rule.what)
    if text is None:
        return INVALID
    problem = rule.problem(text)
    if problem is not None:
        assert rule.code is not None, f"{rule.what}: a rule that finds problems names their code"
        inner = _inside_curly_quotes(text)
        if inner is not None and isinstance(node, MarkedScalar) and not node.quoted:
            problem = (
                f"{text!r} is in curly quotes, which YAML keeps as part of the text (a word "
                f'processor typed them): type straight quotes instead, "{inner}"'
            )
        walker.report(node, rule.code, f"{where}: {problem}")
        return INVALID
    return text


def _inside_curly_quotes(text: str) -> str | None:
    """The text inside the curly quotes that wrap ``text`` whole (“NO”, ‘NO’), if they do."""
    if len(text) > 2 and text[0] in "“‘„‚«" and text[-1] in "”’“‘»":
        return text[1:-1]
    return None


def text(rule: TextRule, schema: JsonSchema) -> ValueType:
    """A text checked by ``rule``."""
    return ValueType(lambda walker, node, where: check_text(walker, node, where, rule), fixed(schema))


Keep = Callable[[str, Marked, str], Any]


def _keep_text(text: str, node: Marked, path: str) -> Any:
    return text


def text_list(rule: TextRule, item_schema: JsonSchema, keep: Keep = _keep_text) -> ValueType:
    """A list of texts, each checked by ``rule``; one text stands for a list of one. ``keep(text,
    node, path)`` is what the result holds per valid item (the text by default)."""

    def check(walker: Walker, node: Marked, where: str) -> Any:
        kept = []
        for index, item in enumerate(walker.sequence(node, where)):
            value = check_text(walker, item, f"{where}[{index}]", rule)
            if value is not INVALID:
                kept.append(keep(value, item, walker.path))
        return kept

    # One value is accepted where a list is expected: `regions: RU` reads as `[RU]`.
    schema = {"anyOf": [item_schema, {"type": "array", "items": item_schema}]}
    return ValueType(check, fixed(schema))


def section(fields: tuple[Field, ...], *, what: str = MAPPING, allow_empty: bool = True) -> ValueType:
    """A nested mapping with these ``fields``: its value is a ``Section``. ``what`` names it in
    "expected ..." messages. With ``allow_empty`` an empty value is an empty section; without,
    the mapping must have at least one key."""

    def check(walker: Walker, node: Marked, where: str) -> Any:
        mapping = walker.mapping(node, where, what=what, none_ok=allow_empty, keys_needed=not allow_empty)
        return INVALID if mapping is None else walker.section(mapping, fields, where)

    extra = {} if allow_empty else {"minProperties": 1}
    return ValueType(check, lambda: object_schema(fields, **extra))


def named(
    fields: tuple[Field, ...], *, label: Callable[[str], str], names: JsonSchema | None = None
) -> ValueType:
    """A mapping of names to sections with these ``fields`` (``jurisdictions: {russia: ...}``): its
    value is a list of ``(key, Section)``. ``label(name)`` starts each section's messages."""

    def check(walker: Walker, node: Marked, where: str) -> Any:
        mapping = walker.mapping(node, where, none_ok=True)
        if mapping is None:
            return INVALID
        found: list[tuple[MarkedKey, Any]] = []
        for key, value in mapping.entries:
            inner = walker.mapping(value, f"{where} {key.name!r}", none_ok=True)
            if inner is not None:
                found.append((key, walker.section(inner, fields, label(key.name), labelled=True)))
        return found

    def schema() -> JsonSchema:
        by_name = {} if names is None else {"propertyNames": names}
        return {"type": "object", **by_name, "additionalProperties": object_schema(fields)}

    return ValueType(check, schema)


def items(
    fields: tuple[Field, ...],
    *,
    label: Callable[[MarkedMapping, int], str],
    item_what: str = MAPPING,
    list_what: str | None = None,
) -> ValueType:
    """A list of sections with these ``fields``: its value is a list of ``Section``.

    ``label(item, index)`` starts each item's messages (``notice 'x'``). With ``list_what`` the
    list must be a non-empty list, else one value stands for a list of one. ``item_what`` names an
    item in "expected ..." messages.
    """

    def check(walker: Walker, node: Marked, where: str) -> Any:
        if list_what is None:
            entries = walker.sequence(node, where)
        elif isinstance(node, MarkedSequence) and node.items:
            entries = node.items
        else:
            walker.report(node, codes.WRONG_TYPE, f"{where}: expected {list_what}, got {describe(node)}")
            return INVALID
        found = []
        for index, item in enumerate(entries):
            inner = walker.mapping(item, f"{where}[{index}]", what=item_what)
            if inner is not None:
                found.append(walker.section(inner, fields, label(inner, index), labelled=True, index=index))
        return found

    def schema() -> JsonSchema:
        result: JsonSchema = {"type": "array", "items": object_schema(fields)}
        return result if list_what is None else {**result, "minItems": 1}

    return ValueType(check, schema)
