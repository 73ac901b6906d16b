"""How a placement is written and checked: a name, ``{element: ID}``, ``{marker: NAME}``, or
``{selector: "...", position: before | prepend | append | after}``.

``placement_type`` makes the ``ValueType`` of a placement for a format, given the problem codes it
reports with: the rules' ``placement`` key uses ``PLACEMENT``; a policy case's ``expect.placed``
builds its own, which also reads the words ``after "p.byline"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from geonotice.rules import codes
from geonotice.rules.model import Placement, PlacementKind, Position
from geonotice.rules.selectors import NO_CONTENT, RAW_TEXT_ELEMENTS, SelectorError, parse_selector
from geonotice.rules.vocabulary import ELEMENT_ID_PATTERN, SIMPLE_PLACEMENTS, SLUG_PATTERN
from geonotice.yamlcheck.fields import INVALID, JsonSchema, ValueType
from geonotice.yamlcheck.hints import choice_hint, did_you_mean
from geonotice.yamlcheck.loader import Marked, MarkedMapping, MarkedScalar, describe
from geonotice.yamlcheck.problems import ProblemCode
from geonotice.yamlcheck.walker import Walker, join

__all__ = ["PLACEMENT", "POSITIONS", "PlacementCodes", "placement_type", "selector_placement"]

POSITIONS = tuple(position.value for position in Position)
_ELEMENT_ID = re.compile(ELEMENT_ID_PATTERN)
_SLUG = re.compile(SLUG_PATTERN)
_SELECTOR_KEYS = ("selector", "position")
_CHOICES = ", ".join(
    [*SIMPLE_PLACEMENTS, "{element: ID}", "{marker: NAME}", "{selector: ..., position: ...}"]
)
# "after p.byline", 'before "div.author-box"': a position, then the selector (quotes optional).
_WORDS = re.compile(r"\s*(?P<position>[a-z]+)\s+(?P<q>[\"']?)(?P<selector>.+?)(?P=q)\s*", re.DOTALL)


@dataclass(frozen=True, slots=True)
class PlacementCodes:
    """The codes a format reports placement problems with."""

    placement: ProblemCode  # not a placement at all, or a bad id or marker name
    selector: ProblemCode  # a selector outside the subset
    position: ProblemCode  # a position the selected element cannot take


def selector_placement(selector: str, position: str) -> Placement:
    """The selector placement ``position`` ``selector``.

    Raises:
        SelectorError: the selector is outside the subset.
        ValueError: ``position`` is not one of the four, or the element cannot take it
            (``ValueError`` only: the message says which).
    """
    if position not in POSITIONS:
        raise ValueError(f"unknown position {position!r}{choice_hint(position, POSITIONS)}")
    parsed = parse_selector(selector)
    tag = parsed.target.tag
    if position in (Position.PREPEND, Position.APPEND) and tag in NO_CONTENT:
        holds = "text, not markup" if tag in RAW_TEXT_ELEMENTS else "nothing"
        raise _PositionError(
            f"<{tag}> holds {holds}, so nothing can go inside it; use position: before or after"
        )
    return Placement(PlacementKind.SELECTOR, parsed.text, Position(position))


class _PositionError(ValueError):
    """A position the selected element cannot take."""


def placement_type(found: PlacementCodes, *, words: bool = False) -> ValueType:
    """The ``ValueType`` of a placement, reporting with ``found``; with ``words``, a text may also
    be a position and a selector (``after "p.byline"``)."""

    def check(walker: Walker, node: Marked, where: str) -> Any:
        if isinstance(node, MarkedScalar) and isinstance(node.value, str):
            return _named(walker, node, where, found, words)
        if isinstance(node, MarkedMapping) and node.get("selector") is not None:
            return _selector(walker, node, where, found)
        if isinstance(node, MarkedMapping) and len(node.entries) == 1:
            key, value = node.entries[0]
            if key.name in (PlacementKind.ELEMENT, PlacementKind.MARKER):
                return _targeted(walker, key.name, value, join(where, key.name), found)
        walker.report(node, found.placement, f"{where}: expected one of {_CHOICES}, got {describe(node)}")
        return INVALID

    return ValueType(check, lambda: _schema(words))


def _named(walker: Walker, node: MarkedScalar, where: str, found: PlacementCodes, words: bool) -> Any:
    text = str(node.value).strip()
    if text in SIMPLE_PLACEMENTS:
        return Placement(PlacementKind(text))
    said = _WORDS.fullmatch(text) if words else None
    if said is not None and said.group("position") in POSITIONS:
        return _checked(walker, node, where, found, said.group("selector"), said.group("position"))
    hint = did_you_mean(text, [*SIMPLE_PLACEMENTS, PlacementKind.ELEMENT, PlacementKind.MARKER])
    also = ', or a position and a selector (after "p.byline")' if words else ""
    walker.report(
        node, found.placement, f"{where}: unknown placement {text!r}{hint}; expected {_CHOICES}{also}"
    )
    return INVALID


def _selector(walker: Walker, node: MarkedMapping, where: str, found: PlacementCodes) -> Any:
    clean = True
    for key, _ in node.entries:
        if key.name not in _SELECTOR_KEYS:
            hint = choice_hint(key.name, _SELECTOR_KEYS)
            walker.report(key, found.placement, f"{where}: unknown key {key.name!r}{hint}")
            clean = False
    selector_node = node.get("selector")
    assert selector_node is not None
    selector = walker.string(selector_node, join(where, "selector"), 'a selector such as "p.byline"')
    position_node = node.get("position")
    if position_node is None:
        message = f"{where}: say where, relative to the element: position: {' | '.join(POSITIONS)}"
        walker.report(node, found.placement, message)
        return INVALID
    position = walker.string(position_node, join(where, "position"), " | ".join(POSITIONS))
    if selector is None or position is None or not clean:
        return INVALID
    return _checked(walker, node, where, found, selector, position.strip())


def _checked(
    walker: Walker, node: Marked, where: str, found: PlacementCodes, selector: str, position: str
) -> Any:
    try:
        return selector_placement(selector, position)
    except SelectorError as error:
        walker.report(node, found.selector, f"{where}: {error}")
    except _PositionError as error:
        walker.report(node, found.position, f"{where}: {error}")
    except ValueError as error:
        walker.report(node, found.placement, f"{where}: {error}")
    return INVALID


def _targeted(walker: Walker, kind: str, value: Marked, here: str, found: PlacementCodes) -> Any:
    target = walker.string(value, here, "an element id or marker name")
    if target is None:
        return INVALID
    if kind == PlacementKind.ELEMENT:
        if not _ELEMENT_ID.fullmatch(target):
            walker.report(value, found.placement, f"{here}: {target!r} is not an element id")
            return INVALID
    elif not _SLUG.fullmatch(target):
        walker.report(
            value, found.placement, f"{here}: {target!r} is not a marker name (lower-case words and -)"
        )
        return INVALID
    return Placement(PlacementKind(kind), target)


def _schema(words: bool) -> JsonSchema:
    names: JsonSchema = {"enum": list(SIMPLE_PLACEMENTS)}
    if words:
        names = {"anyOf": [names, {"type": "string", "pattern": f"^({'|'.join(POSITIONS)}) "}]}
    return {
        "anyOf": [
            names,
            *(
                {
                    "type": "object",
                    "properties": {name: {"type": "string"}},
                    "required": [name],
                    "additionalProperties": False,
                }
                for name in (PlacementKind.ELEMENT.value, PlacementKind.MARKER.value)
            ),
            {
                "type": "object",
                "properties": {"selector": {"type": "string"}, "position": {"enum": list(POSITIONS)}},
                "required": ["selector", "position"],
                "additionalProperties": False,
            },
        ]
    }


PLACEMENT = placement_type(
    PlacementCodes(codes.INVALID_PLACEMENT, codes.INVALID_SELECTOR, codes.IMPOSSIBLE_POSITION)
)
