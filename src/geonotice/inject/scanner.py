"""A sans-IO HTML scanner that inserts notice fragments at placement points as the page streams.

``PageRewriter.feed(chunk) -> bytes`` and ``close() -> bytes``: bytes in, bytes out, nothing of
ASGI. Where each placement lands is decided by its tracker (``trackers.py``) from the events of
the tokenizer walk (``tokenizer.py``, the part a compiled twin implements); this module holds
them together: it asks the walk for the events the pending trackers need, inserts fragments at
the spots they answer, sends on every byte that is not part of an unfinished construct, and
falls back to the end of the body for what a page lacks.

Only a construct cut off by the end of a chunk is held back, and it is resumed, never read again
from its start (h11's ``_receivebuffer.py``): a 400 KB attribute in 1-byte chunks costs what it
costs in one chunk. An element whose end is awaited (``append`` into a long article) holds
nothing back: its start tag is sent on, and the walk waits for the end tag. Once every notice is
placed the rest of the page passes through unscanned.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from geonotice.inject import walker
from geonotice.inject.outcomes import PlacementOutcome
from geonotice.inject.tokenizer import Event, EventKind, Interest, Mode
from geonotice.inject.trackers import Needs, Tracker, tracker_for
from geonotice.rules.model import Placement

__all__ = ["MAX_HELD", "Landing", "PageRewriter", "Render"]

Render = Callable[[Placement, "str | None"], bytes]
"""Builds the fragment for the notices at one placement, given the page's ``<html lang>`` if seen."""

# A partial construct longer than this is not held back any further: scanning stops, and the
# notices still pending go to the end of the document (a giant tag is not worth unbounded memory).
MAX_HELD = 1 << 20
_KEYWORD = b"geonotice"
_ENDED_IN: dict[int, str] = {  # by the mode's value: either walk's state gives it as an int
    Mode.DATA: "data",
    Mode.TAG: "tag",
    Mode.RAW_TEXT: "raw text",
    Mode.COMMENT: "comment",
    Mode.BOGUS_COMMENT: "bogus comment",
    Mode.CDATA: "CDATA section",
    Mode.PLAINTEXT: "plaintext",
}
_ATTR_ITEM = re.compile(
    rb"([^\t\n\f\r />][^\t\n\f\r /=>]*)"
    rb"(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:\"([^\"]*)\"|'([^']*)'|([^\t\n\f\r >]*)))?"
)
_HTML, _BODY = b"html", b"body"
_SHOWN = 200  # the bytes of a matched construct kept for explanations


class Landing(NamedTuple):
    """Where one placement's fragment went, in offsets of the page as fed (before any insertion).

    ``matched`` is the construct that decided it (the element's start tag, the ``</h1>``, the
    marker comment, or ``</body>`` for a fallback), ``matched_at`` its offset; both empty when
    the fragment went to the end of the document.
    """

    placement: Placement
    offset: int
    fallback: bool
    matched: bytes = b""
    matched_at: int = -1


# A page's placements come from a few rules: the interests are few, but bounded all the same. Keyed
# by what each pending tracker needs (the trackers keep one value per phase), and the language.
_INTERESTS: dict[tuple[object, ...], Interest] = {}
_MAX_INTERESTS = 256
_LANGUAGE_NAMES = frozenset({b"html", b"body"})
_FALLBACK_ENDS = frozenset({b"body"})  # the fallback spot of every placement


def _interest(needs: tuple[Needs, ...], want_lang: bool) -> Interest:
    key = (needs, want_lang)
    found = _INTERESTS.get(key)
    if found is not None:
        return found
    starts = _LANGUAGE_NAMES if want_lang else frozenset()
    attributes: frozenset[tuple[bytes, bytes, bytes | None]] = frozenset()
    ends = _FALLBACK_ENDS
    comments = False
    for names, tests, end_names, wants_comments in needs:
        starts |= names
        attributes |= tests
        ends |= end_names
        comments = comments or wants_comments
    if len(_INTERESTS) >= _MAX_INTERESTS:
        _INTERESTS.clear()
    found = _INTERESTS[key] = Interest(starts, attributes, ends, _KEYWORD if comments else b"")
    return found


class PageRewriter:
    """Inserts fragments into a streamed HTML page; sans-IO: bytes in, bytes out.

    ``placements`` are the points asked for, in the order their fragments are wanted; several may
    fall at the same spot. ``render(placement, page_language)`` is called once per placement, when
    its point is reached, so it can use the page's own ``<html lang>`` seen earlier in the stream.
    A placement whose point never appears goes to the end of the body (before the first
    ``</body>``), or to the end of the document when there is no ``</body>`` either; such
    placements are listed in ``fallbacks``. Those that could not be placed at all (the document
    ended inside a comment, a script, a plain-text element or ``<template>`` content) are listed in
    ``unplaced``. ``landings`` says where each placed one went and what decided it.

    Raises:
        ValueError: a selector placement that is not valid (rules that passed ``check`` have none).
    """

    def __init__(self, placements: Sequence[Placement], render: Render) -> None:
        self._render = render
        self._trackers: list[Tracker] = [tracker_for(p) for p in dict.fromkeys(placements)]
        self.page_language: str | None = None
        self.placed: list[Placement] = []
        self.fallbacks: list[Placement] = []
        self.unplaced: list[Placement] = []
        self.landings: list[Landing] = []
        # Where the fallbacks went, once there are any.
        self.fallback_outcome = PlacementOutcome.END_OF_BODY
        # The walk (compiled or Python) is chosen once per page: its state type goes with it.
        self._walker = walker.current
        self._tokenizer = self._walker.new_state()
        self._done = not self._trackers
        self._gave_up = False
        self._ended_in = ""
        self._held = bytearray()
        self._base = 0  # the offset in the page of the buffer's first byte
        self._want_lang = True
        self._out: list[bytes | memoryview] = []
        self._emitted = 0
        self._matched: dict[int, tuple[bytes, int]] = {}
        self._interest = self._needed()

    @property
    def done(self) -> bool:
        """True once nothing is pending: the rest of the page passes through untouched."""
        return self._done

    @property
    def examined(self) -> int:
        """Bytes the tokenizer looked at so far, each counted again when looked at again."""
        return self._tokenizer.examined

    @property
    def stopped_in(self) -> str:
        """Where the scanner was when the page ended (for the log of an unplaced notice)."""
        return self._ended_in

    def feed(self, chunk: bytes) -> bytes:
        """Scans ``chunk`` and returns what can be sent on now, fragments included."""
        if self._done:
            return chunk
        held = self._held
        buf: bytes | bytearray
        if held:
            held += chunk  # amortized: the held construct is not copied again
            buf = held
        else:
            buf = chunk
        self._out = []
        self._emitted = 0
        hold = self._scan(buf)
        n = len(buf)
        if n - hold > MAX_HELD:
            self._done = self._gave_up = True
            hold = n
        out = self._sent(buf, hold)
        if buf is held:
            del held[:hold]
        elif hold < n:
            held += memoryview(buf)[hold:]
        self._tokenizer.shift(hold)
        self._base += hold
        return out

    def close(self) -> bytes:
        """Ends the page: returns what was held back, with pending fragments at the end if possible."""
        tail = bytes(self._held)
        self._held = bytearray()
        state = self._tokenizer
        self._ended_in = (
            "gave up" if self._gave_up else "template" if state.template_depth else _ENDED_IN[state.mode]
        )
        if self._done and not self._gave_up:
            return tail
        pending = [t.placement for t in self._trackers]
        self._trackers = []
        self._done = True
        if not pending:
            return tail
        if self._gave_up or (state.template_depth == 0 and state.mode in (Mode.DATA, Mode.TAG)):
            # A construct cut off by the end of the document is dropped by browsers; the fragment
            # goes before it so that it is not swallowed too.
            fragments = b"".join(self._render(p, self.page_language) for p in pending)
            self.fallbacks.extend(pending)
            offset = self._base
            self.landings.extend(Landing(p, offset, True) for p in pending)
            self.fallback_outcome = PlacementOutcome.END_OF_DOCUMENT
            return fragments + tail
        self.unplaced.extend(pending)
        return tail

    # -- scanning -----------------------------------------------------------------------------

    def _sent(self, buf: bytes | bytearray, hold: int) -> bytes:
        """What goes out of this feed: the inserted fragments and the bytes up to ``hold``."""
        out, self._out = self._out, []
        if not out:
            if hold == len(buf) and type(buf) is bytes:
                return buf
            with memoryview(buf) as view:
                return bytes(view[:hold])
        # Slices of a view: the untouched stretches are copied once, by the join. The views are
        # released before the held buffer changes size.
        with memoryview(buf) as view:
            out.append(view[self._emitted : hold])
            joined = b"".join(out)
            for part in out:
                if isinstance(part, memoryview):
                    part.release()
        return joined

    def _scan(self, buf: bytes | bytearray) -> int:
        """Walks ``buf``; returns the index from which bytes must be held back."""
        state = self._tokenizer
        walk = self._walker.walk
        pos = state.resume
        while True:
            event = walk(buf, pos, state, self._interest)
            kind = event.kind
            if kind is EventKind.MORE:
                return event.start
            if kind is EventKind.START_TAG:
                self._start_tag(buf, event)
            elif kind is EventKind.END_TAG:
                self._end_tag(buf, event)
            else:
                self._comment(buf, event)
            if self._done:
                return len(buf)
            pos = event.end

    def _start_tag(self, buf: bytes | bytearray, event: Event) -> None:
        name = event.name
        if self._want_lang and name in (_HTML, _BODY):
            if name == _HTML:
                lang = _attribute(buf, event, b"lang")
                self.page_language = (lang.strip() or None) if lang is not None else None
            self._want_lang = False
            self._interest = self._needed()
        cache: list[Mapping[str, str]] = []

        def attributes() -> Mapping[str, str]:
            if not cache:
                cache.append(_attributes(buf, event))
            return cache[0]

        self._place(buf, *self._ask(buf, event, lambda tracker: tracker.on_start(name, attributes, event)))

    def _end_tag(self, buf: bytes | bytearray, event: Event) -> None:
        name = event.name
        hits, changed = self._ask(buf, event, lambda tracker: tracker.on_end(name, event))
        if name != _BODY:
            self._place(buf, hits, changed)
            return
        # The end of the body: what lands right there is placed, everything else falls back there.
        at = event.start
        self._place(buf, [(spot, tracker) for spot, tracker in hits if spot == at], False)
        rest = self._trackers
        if rest:
            for tracker in rest:
                self._note(buf, tracker, event)
            self._insert(buf, at, rest, fallback=True)

    def _comment(self, buf: bytes | bytearray, event: Event) -> None:
        text = bytes(buf[event.inner_start : event.inner_end]).decode("ascii", "replace")
        self._place(buf, *self._ask(buf, event, lambda tracker: tracker.on_comment(text, event)))

    def _ask(
        self, buf: bytes | bytearray, event: Event, answer: Callable[[Tracker], int | None]
    ) -> tuple[list[tuple[int, Tracker]], bool]:
        """Each tracker's answer to ``event``: the spots decided, and whether any tracker now
        needs other events."""
        hits = []
        changed = False
        for tracker in self._trackers:
            before = tracker.needs()
            spot = answer(tracker)
            if tracker.matched is event:
                self._note(buf, tracker, event)
            if spot is not None:
                hits.append((spot, tracker))
            elif tracker.needs() is not before:
                changed = True
        return hits, changed

    def _place(self, buf: bytes | bytearray, hits: list[tuple[int, Tracker]], changed: bool) -> None:
        """Inserts at each spot, earliest first, in the order the placements were given."""
        if hits:
            hits.sort(key=lambda hit: hit[0])  # stable: same spot, given order
            at = hits[0][0]
            group: list[Tracker] = []
            for spot, tracker in hits:
                if spot != at:
                    self._insert(buf, at, group, fallback=False)
                    at, group = spot, []
                group.append(tracker)
            self._insert(buf, at, group, fallback=False)
        elif changed:
            self._interest = self._needed()

    def _note(self, buf: bytes | bytearray, tracker: Tracker, event: Event) -> None:
        """Keeps what decided ``tracker`` (its start, and the first bytes of it) for ``landings``."""
        end = min(event.end, event.start + _SHOWN)
        self._matched[id(tracker)] = (bytes(buf[event.start : end]), self._base + event.start)

    def _insert(self, buf: bytes | bytearray, at: int, trackers: list[Tracker], *, fallback: bool) -> None:
        self._out.append(memoryview(buf)[self._emitted : at])
        for tracker in trackers:
            placement = tracker.placement
            self._out.append(self._render(placement, self.page_language))
            (self.fallbacks if fallback else self.placed).append(placement)
            text, offset = self._matched.pop(id(tracker), (b"", -1))
            self.landings.append(Landing(placement, self._base + at, fallback, text, offset))
        self._emitted = at
        self._trackers = [t for t in self._trackers if t not in trackers]
        if self._trackers:
            self._interest = self._needed()
        else:
            self._done = True

    def _needed(self) -> Interest:
        """The events the pending placements need now (and the page language, until ``<body>``)."""
        return _interest(tuple([tracker.needs() for tracker in self._trackers]), self._want_lang)


def _attribute(buf: bytes | bytearray, event: Event, wanted: bytes) -> str | None:
    """One attribute of a start tag as ``_attributes`` gives it (the first of duplicates), without
    decoding the others: every page's ``<html>`` is read for its ``lang``."""
    for item in _ATTR_ITEM.finditer(buf, event.inner_start, event.inner_end):
        if item.group(1).lower() == wanted:
            raw = item.group(2) or item.group(3) or item.group(4) or b""
            return html.unescape(bytes(raw).decode("utf-8", "replace"))
    return None


def _attributes(buf: bytes | bytearray, event: Event) -> dict[str, str]:
    """The attributes of a start tag: lowercase names, character references decoded, the first of
    duplicates (as the tokenizer keeps them)."""
    found: dict[str, str] = {}
    for item in _ATTR_ITEM.finditer(buf, event.inner_start, event.inner_end):
        name = item.group(1).lower().decode("utf-8", "replace")
        if name not in found:
            raw = item.group(2) or item.group(3) or item.group(4) or b""
            found[name] = html.unescape(bytes(raw).decode("utf-8", "replace"))
    return found
