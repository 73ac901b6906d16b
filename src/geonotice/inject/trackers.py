"""What each placement waits for in the token stream, and where its notice lands.

A tracker follows one placement through the events of ``tokenizer.walk``: it says which events
it needs now (``needs``), and answers each event with the spot its fragment goes to, if this
event decides it. Trackers hold a few integers each; they never look at bytes themselves (the
page rewriter reads the attributes of a start tag only when a tracker asks for them).

The rules, as ``docs/rules.md`` states them:

- ``start-of-body``, ``start-of-article``, ``{element: ID}``: right after the start tag of the
  first ``<body>``, ``<article>``, element with that id (as a selector placement ``prepend``).
- ``end-of-article``: right before the end tag of the first ``<article>``, found by counting the
  ``<article>`` start and end tags after it (nested articles do not end it).
- ``after-headline``: right after the first ``</h1>``.
- ``end-of-body``: right before the first ``</body>``.
- ``{marker: NAME}``: right after the first comment ``<!-- geonotice: NAME -->``.
- ``{selector: S, position: P}``: relative to the first element that matches ``S`` (for ``A B``:
  the first ``B`` inside an ``A``, an ``A`` running from its start tag to the end tag that closes
  it, counting start and end tags of its name). ``before`` is right before its start tag,
  ``prepend`` right after it, ``append`` right before its end tag and ``after`` right after it,
  the end tag found by counting start and end tags of its name. An element with no end tag
  (``img``) takes ``prepend``, ``append`` and ``after`` right after its start tag; an element
  whose content is text (``script``, ``textarea``...) cannot take ``prepend`` or ``append`` and
  is passed over for them.

None of this happens inside comments, raw-text elements, attribute values or ``<template>``
content: the walk reports no event there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

from geonotice.inject.tokenizer import Event
from geonotice.rules.model import Placement, PlacementKind, Position
from geonotice.rules.selectors import RAW_TEXT_ELEMENTS, VOID_ELEMENTS, Compound, Selector, parse_selector

__all__ = ["Attributes", "Needs", "Tracker", "tracker_for"]

Attributes = Callable[[], Mapping[str, str]]
"""The attributes of the current start tag, read on first call (lowercase names, decoded values)."""

Needs = tuple[frozenset[bytes], frozenset[tuple[bytes, bytes, bytes | None]], frozenset[bytes], bool]
"""What a tracker needs now: start tag names, start tag attribute tests, end tag names, comments."""

NOTHING: Needs = (frozenset(), frozenset(), frozenset(), False)
_VOID = frozenset(name.encode() for name in VOID_ELEMENTS)
_RAW = frozenset(name.encode() for name in RAW_TEXT_ELEMENTS)
_MARKER = re.compile(r"[\t\n\f\r ]*geonotice[\t\n\f\r ]*:[\t\n\f\r ]*([^\t\n\f\r ]+)[\t\n\f\r ]*", re.I)


class Tracker:
    """One placement's progress. ``matched`` is the event that decided it (the element's start
    tag for a selector), set when it happens; the caller copies what it needs of it at once."""

    __slots__ = ("matched", "placement")

    def __init__(self, placement: Placement) -> None:
        self.placement = placement
        self.matched: Event | None = None

    def needs(self) -> Needs:
        return NOTHING

    def on_start(self, name: bytes, attributes: Attributes, event: Event) -> int | None:
        """The spot this start tag decides, if any."""
        return None

    def on_end(self, name: bytes, event: Event) -> int | None:
        """The spot this end tag decides, if any."""
        return None

    def on_comment(self, text: str, event: Event) -> int | None:
        """The spot this comment decides, if any."""
        return None


class _EndTag(Tracker):
    """The first end tag ``name``: the spot before it (``end-of-body``) or after it (``after-headline``)."""

    __slots__ = ("_after", "_needs", "_name")

    def __init__(self, placement: Placement, name: bytes, *, after: bool) -> None:
        super().__init__(placement)
        self._name = name
        self._after = after
        self._needs: Needs = (frozenset(), frozenset(), frozenset({name}), False)

    def needs(self) -> Needs:
        return self._needs

    def on_end(self, name: bytes, event: Event) -> int | None:
        if name != self._name:
            return None
        self.matched = event
        return event.end if self._after else event.start


class _Marker(Tracker):
    """The first comment ``<!-- geonotice: NAME -->`` (name and keyword in any case): after it."""

    __slots__ = ("_wanted",)

    def __init__(self, placement: Placement) -> None:
        super().__init__(placement)
        self._wanted = (placement.target or "").lower()

    def needs(self) -> Needs:
        return (frozenset(), frozenset(), frozenset(), True)

    def on_comment(self, text: str, event: Event) -> int | None:
        marker = _MARKER.fullmatch(text)
        if marker is None or marker.group(1).lower() != self._wanted:
            return None
        self.matched = event
        return event.end


class _Element(Tracker):
    """A selector placement: searching for the element (and its ancestor), then for its end."""

    __slots__ = ("_a_depth", "_a_name", "_b_depth", "_b_name", "_needs", "_position", "_selector")

    def __init__(self, placement: Placement, selector: Selector, position: Position) -> None:
        super().__init__(placement)
        self._selector = selector
        self._position = position
        self._a_name = b""  # the ancestor element we are inside, if any
        self._a_depth = 0
        self._b_name = b""  # the matched element, while its end is awaited
        self._b_depth = 0
        self._needs: Needs | None = None  # what it needs in its present phase, once computed

    def needs(self) -> Needs:
        if self._needs is None:
            self._needs = self._phase_needs()
        return self._needs

    def _phase_needs(self) -> Needs:
        if self._b_name:
            return _named_needs(self._b_name)
        ancestor = self._selector.ancestor
        if ancestor is not None and not self._a_name:
            return _compound_needs(ancestor)
        starts, attributes, _, _ = _compound_needs(self._selector.target)
        if not self._a_name:
            return starts, attributes, frozenset(), False
        return starts | {self._a_name}, attributes, frozenset({self._a_name}), False

    def on_start(self, name: bytes, attributes: Attributes, event: Event) -> int | None:
        if self._b_name:
            if name == self._b_name:
                self._b_depth += 1
            return None
        ancestor = self._selector.ancestor
        if ancestor is not None:
            if not self._a_name:
                if name not in _VOID and name not in _RAW and _matches(ancestor, name, attributes):
                    self._a_name, self._a_depth, self._needs = name, 1, None
                return None
            if name == self._a_name:
                self._a_depth += 1
        if not _matches(self._selector.target, name, attributes):
            return None
        position = self._position
        if position is Position.BEFORE:
            self.matched = event
            return event.start
        inside = position is Position.PREPEND or position is Position.APPEND
        if inside and name in _RAW:
            return None  # its content is text: passed over, the search goes on
        self.matched = event
        if position is Position.PREPEND or name in _VOID:
            return event.end
        self._b_name, self._b_depth, self._needs = name, 1, None
        return None

    def on_end(self, name: bytes, event: Event) -> int | None:
        if self._b_name:
            if name != self._b_name:
                return None
            self._b_depth -= 1
            if self._b_depth:
                return None
            return event.start if self._position is Position.APPEND else event.end
        if name == self._a_name:
            self._a_depth -= 1
            if not self._a_depth:
                self._a_name, self._needs = b"", None
        return None


def _matches(compound: Compound, name: bytes, attributes: Attributes) -> bool:
    tag = compound.tag
    if tag is not None and tag.encode() != name:
        return False
    if not compound.needs_attributes:
        return True
    return compound.matches(name.decode("latin-1"), attributes())


@functools.lru_cache(maxsize=256)
def _named_needs(name: bytes) -> Needs:
    return frozenset({name}), frozenset(), frozenset({name}), False


@functools.lru_cache(maxsize=256)
def _compound_needs(compound: Compound) -> Needs:
    """The events that may match ``compound``: its tag's start tags, narrowed by its most telling
    attribute (an id, an attribute's value, an attribute, a class) when it has one."""
    tag = compound.tag.encode() if compound.tag is not None else b""
    test: tuple[bytes, bytes | None]
    if compound.id is not None:
        test = (b"id", compound.id.encode())
    elif compound.attributes:
        name, value = max(compound.attributes, key=lambda item: item[1] is not None)
        test = (name.encode(), None if value is None else value.encode())
    elif compound.classes:
        test = (b"class", compound.classes[0].encode())
    else:
        return frozenset({tag}), frozenset(), frozenset(), False
    return frozenset(), frozenset({(tag, *test)}), frozenset(), False


@functools.lru_cache(maxsize=256)
def _selector(text: str) -> Selector:
    return parse_selector(text)


# Built once: a frozen dataclass costs a call per field to construct, and every page needs one.
_BY_TAG = {
    PlacementKind.BODY_START: (Selector("body", Compound(tag="body")), Position.PREPEND),
    PlacementKind.ARTICLE_START: (Selector("article", Compound(tag="article")), Position.PREPEND),
    PlacementKind.END_OF_ARTICLE: (Selector("article", Compound(tag="article")), Position.APPEND),
}


@functools.lru_cache(maxsize=256)
def _element_selector(element_id: str) -> Selector:
    return Selector(f"#{element_id}", Compound(id=element_id))


def tracker_for(placement: Placement) -> Tracker:
    """A new tracker for ``placement``.

    Raises:
        ValueError: a selector placement whose selector or position is invalid (rules that
            passed ``check`` never have one).
    """
    kind = placement.kind
    landmark = _BY_TAG.get(kind)
    if landmark is not None:
        return _Element(placement, *landmark)
    if kind is PlacementKind.ELEMENT:
        return _Element(placement, _element_selector(placement.target or ""), Position.PREPEND)
    if kind is PlacementKind.SELECTOR:
        if placement.position is None:
            raise ValueError(f"the selector placement {placement.target!r} has no position")
        return _Element(placement, _selector(placement.target or ""), placement.position)
    if kind is PlacementKind.BODY_END:
        return _EndTag(placement, b"body", after=False)
    if kind is PlacementKind.AFTER_HEADLINE:
        return _EndTag(placement, b"h1", after=True)
    return _Marker(placement)
