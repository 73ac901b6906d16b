"""A sans-IO HTML scanner that inserts notice fragments at placement points as the page streams.

It follows the WHATWG tokenizer only as far as finding placement points needs: tags (with quoted,
single-quoted and unquoted attribute values, so a ``>`` inside quotes does not end a tag),
comments, bogus comments (``<!DOCTYPE``, ``<?xml``), CDATA sections, and the elements whose content
is not markup (``script``, ``style``, ``textarea``, ``title``, ``xmp``, ``iframe``, ``noembed``,
``noframes``, ``noscript``, ``plaintext``). A placement point inside any of these is never used.

Speed comes from one compiled "skip" pattern per set of pending placement points: it consumes
text and every tag that cannot be a placement point in a single C-level match, and stops only at
markup that needs a decision in Python, or at a construct cut off by the end of the chunk. Only that
partial construct is held back; every other byte is returned from ``feed`` at once and never looked
at again (the idea of h11's ``_receivebuffer.py``). Once every notice is placed the rest of the page
passes through unscanned. Unless an element id is wanted (it may sit in any tag), the fast path of
``skipahead`` leaps from event to event instead, crossing short runs of tags and each event that
needs no decision (a whole script or comment) with the same exact pattern, one match each.

Known simplifications (documented, tested): the "script data double escaped" states of the
tokenizer are not modelled (``</script>`` always ends a script), ``<![CDATA[`` always runs to
``]]>`` (in HTML content browsers end it at the first ``>``, after which we merely look further),
and ``<template>`` content is treated as ordinary markup.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Sequence
from enum import Enum
from typing import NamedTuple

from geonotice.inject.outcomes import PlacementOutcome
from geonotice.inject.skipahead import EventFinder, data_position, events_pattern
from geonotice.rules.model import Placement, PlacementKind

__all__ = ["PageRewriter", "Render"]

Render = Callable[[Placement, "str | None"], bytes]
"""Builds the fragment for the notices at one placement, given the page's ``<html lang>`` if seen."""

# A partial construct longer than this is not held back any further: scanning stops, and the
# notices still pending go to the end of the document (a giant tag is not worth unbounded memory).
MAX_HELD = 1 << 20
# A marker comment is short; a longer unterminated comment cannot be one and is streamed.
_MAX_MARKER = 512

_WS = rb"[\t\n\f\r ]"
_RAW_NAMES = (
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
)
_RAW = b"|".join(_RAW_NAMES)
_VALUE = rb"(?:\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >\"'][^\t\n\f\r >]*+|(?=>))"
_ATTR_NAME = rb"[^\t\n\f\r />][^\t\n\f\r /=>]*+"


def _attrs(guard: bytes = b"") -> bytes:
    # Attributes as the tokenizer reads them. The lookahead after a name makes a name followed by
    # "=" take a value or fail: an unterminated quote then fails the whole tag (it is incomplete)
    # instead of being re-read as more attribute names. Possessive everywhere: O(n), no backtracking.
    return (
        rb"(?:[\t\n\f\r /]++|"
        + guard
        + _ATTR_NAME
        + rb"(?:"
        + _WS
        + rb"*+="
        + _WS
        + rb"*+"
        + _VALUE
        + rb"|(?!"
        + _WS
        + rb"*+=)))*+"
    )


_TAG = re.compile(rb"<([a-z][^\t\n\f\r />]*+)(" + _attrs() + rb")>", re.I)
_END_TAG = re.compile(rb"</[a-z][^\t\n\f\r />]*+" + _attrs() + rb">", re.I)
_END_BODY = re.compile(rb"</body(?=[\t\n\f\r />])", re.I)
_ATTR_ITEM = re.compile(
    rb"([^\t\n\f\r />][^\t\n\f\r /=>]*)"
    rb"(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:\"([^\"]*)\"|'([^']*)'|([^\t\n\f\r >]*)))?"
)
_COMMENT_END = re.compile(rb"--!?>")
_MARKER = re.compile(rb"[\t\n\f\r ]*geonotice[\t\n\f\r ]*:[\t\n\f\r ]*([^\t\n\f\r ]+)[\t\n\f\r ]*", re.I)


@functools.lru_cache(maxsize=16)
def _raw_text(name: bytes) -> re.Pattern[bytes]:
    # Consumes raw text up to (not including) "</name" followed by a delimiter.
    return re.compile(rb"(?:[^<]++|<(?!/" + name + rb"[\t\n\f\r />]))*+", re.I)


# Text runs and tags the fast path crosses with the exact pattern before it searches for the next
# event: near events (as in a page's head) are reached sooner so, far ones by the search.
_SHORT_RUN = 16

# Whole raw-text elements, one alternative per name: a backreference would need a capturing group
# inside a possessive repeat, which the re module of Python 3.11 mishandles.
_RAW_ELEMENTS = b"".join(
    rb"|" + name + rb"(?=[\t\n\f\r />])" + _attrs() + rb">(?:[^<]++|<(?!/" + name + rb"[\t\n\f\r />]))*+</"
    + name + _attrs() + rb">"
    for name in _RAW_NAMES
)  # fmt: skip


@functools.lru_cache(maxsize=256)
def _skip(
    want_lang: bool, want_body: bool, want_article: bool, ids: tuple[str, ...], markers: bool
) -> tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes]]:
    """The patterns that consume what cannot need a decision, for one set of interests: a run of
    any length (the exact path), a short run (the fast path, before it searches for the next
    event) and one construct at a ``<`` (the fast path's events)."""
    stop_names = [_RAW, b"plaintext"]
    if want_lang:
        stop_names.append(b"html")
    if want_lang or want_body:
        stop_names.append(b"body")  # the page language is read up to <body>
    if want_article:
        stop_names.append(b"article")
    guard = b""
    if ids:
        # A tag whose id may be a wanted one stops the skip; Python then compares it exactly.
        wanted = b"|".join(re.escape(i.encode()) for i in ids)
        guard = (
            rb"(?!id" + _WS + rb"*+=" + _WS + rb"*+(?:\"(?:" + wanted + rb")\"|'(?:" + wanted + rb")'|(?:"
            + wanted + rb")(?=[\t\n\f\r >])))"
        )  # fmt: skip
    marker_guard = rb"(?!" + _WS + rb"*+geonotice" + _WS + rb"*+:)" if markers else b""
    construct = (
        rb"<(?:"
        rb"/(?!body[\t\n\f\r />])[a-z][^\t\n\f\r />]*+" + _attrs() + rb">"
        rb"|(?!(?:" + b"|".join(stop_names) + rb")[\t\n\f\r />])[a-z][^\t\n\f\r />]*+" + _attrs(guard) + rb">"
        + _RAW_ELEMENTS +
        rb"|!--" + marker_guard + rb"(?:>|->|(?:[^-]++|-(?!-!?>))*+--!?>)"
        rb"|(?=[^a-z/!?])"
        rb"|!(?!--|\[cdata\[)[^>]*+>|\?[^>]*+>|/(?![a-z])[^>]*+>"
        rb"|!\[cdata\[(?:[^\]]++|\](?!\]>))*+\]\]>"
        rb")"
    )  # fmt: skip
    return (
        re.compile(rb"(?:[^<]++|" + construct + rb")*+", re.I),
        re.compile(rb"(?:[^<]++|" + construct + rb"){0,%d}+" % _SHORT_RUN, re.I),
        re.compile(construct, re.I),
    )


def _events(want_lang: bool, want_body: bool, want_article: bool) -> re.Pattern[bytes]:
    names = [*_RAW_NAMES, b"plaintext"]
    if want_lang or want_body:
        names.append(b"body")  # the page language is read up to <body>
    if want_lang:
        names.append(b"html")
    if want_article:
        names.append(b"article")
    return events_pattern(tuple(names))


class _Plan(NamedTuple):
    """How to scan for one set of pending placements (and whether the page language is wanted)."""

    skip: re.Pattern[bytes]
    """Consumes a run of any length of what needs no decision (the exact path)."""
    short: re.Pattern[bytes]
    """The same, for a short run only (the fast path, before it searches for the next event)."""
    step: re.Pattern[bytes]
    """One construct at a ``<`` (the fast path's events)."""
    events: re.Pattern[bytes] | None
    """The fast path's events, or ``None`` when it cannot serve (an element id is wanted)."""
    markers: bool
    """Whether a marker comment is pending."""


# A page's placements come from a few rules: the keys are few, but the dict is bounded all the same.
_PLANS: dict[tuple[tuple[Placement, ...], bool], _Plan] = {}
_MAX_PLANS = 256


def _plan(pending: tuple[Placement, ...], want_lang: bool) -> _Plan:
    key = (pending, want_lang)
    plan = _PLANS.get(key)
    if plan is not None:
        return plan
    kinds = {p.kind for p in pending}
    ids = tuple(sorted({p.target or "" for p in pending if p.kind is PlacementKind.ELEMENT}))
    want_body = PlacementKind.BODY_START in kinds
    want_article = PlacementKind.ARTICLE_START in kinds
    markers = PlacementKind.MARKER in kinds
    skip, short, step = _skip(want_lang, want_body, want_article, ids, markers)
    # An element id can sit in any tag: only the exact skip pattern can look for one.
    events = None if ids else _events(want_lang, want_body, want_article)
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    plan = _PLANS[key] = _Plan(skip, short, step, events, markers)
    return plan


class _State(Enum):
    DATA = "data"
    COMMENT = "comment"
    BOGUS = "bogus comment"
    CDATA = "CDATA section"
    RAW = "raw text"
    PLAINTEXT = "plaintext"
    DONE = "done"  # nothing pending: pass through
    GAVE_UP = "gave up"  # a construct outgrew MAX_HELD: pass through, place at the end


_INCOMPLETE = -1


class PageRewriter:
    """Inserts fragments into a streamed HTML page; sans-IO: bytes in, bytes out.

    ``placements`` are the points asked for, in the order their fragments are wanted; several may
    fall at the same spot. ``render(placement, page_language)`` is called once per placement, when
    its point is reached, so it can use the page's own ``<html lang>`` seen earlier in the stream.
    A placement whose point never appears goes to the end of the body (before the first
    ``</body>``), or to the end of the document when there is no ``</body>`` either; such
    placements are listed in ``fallbacks``. Those that could not be placed at all (the document ended
    inside a comment, a script or a plain-text element) are listed in ``unplaced``. A marker
    placement puts the fragment right after its ``<!-- geonotice: NAME -->`` comment (kept as is);
    marker names and the ``geonotice`` keyword match in any case, element ids exactly.
    """

    def __init__(self, placements: Sequence[Placement], render: Render) -> None:
        self._render = render
        self._pending: list[Placement] = list(dict.fromkeys(placements))
        self.page_language: str | None = None
        self.placed: list[Placement] = []
        self.fallbacks: list[Placement] = []
        self.unplaced: list[Placement] = []
        # Where the fallbacks went, once there are any.
        self.fallback_outcome = PlacementOutcome.END_OF_BODY
        self._state = _State.DATA if self._pending else _State.DONE
        self._raw_name = b""
        self._ended_in = ""
        self._held = b""
        self._want_lang = True
        self._out: list[bytes | memoryview] = []
        self._emitted = 0
        self._compile()

    @property
    def done(self) -> bool:
        """True once nothing is pending: the rest of the page passes through untouched."""
        return self._state is _State.DONE or self._state is _State.GAVE_UP

    def feed(self, chunk: bytes) -> bytes:
        """Scans ``chunk`` and returns what can be sent on now, fragments included."""
        if self._state is _State.DONE or self._state is _State.GAVE_UP:
            return chunk
        buf = self._held + chunk if self._held else chunk
        self._out = []
        self._emitted = 0
        hold = self._scan(buf)
        if len(buf) - hold > MAX_HELD:
            self._state = _State.GAVE_UP
            hold = len(buf)
        self._held = buf[hold:]
        if not self._out:
            return buf if hold == len(buf) else buf[:hold]
        # Slices of a view: the untouched stretches are copied once, by the join. The views are
        # not kept, so that the chunk is not either.
        out, self._out = self._out, []
        out.append(memoryview(buf)[self._emitted : hold])
        return b"".join(out)

    def close(self) -> bytes:
        """Ends the page: returns what was held back, with pending fragments at the end if possible."""
        tail, self._held = self._held, b""
        self._ended_in = self._state.value
        if not self._pending:
            return tail
        pending, self._pending = self._pending, []
        if self._state in (_State.DATA, _State.GAVE_UP, _State.DONE):
            # A construct cut off by the end of the document is dropped by browsers; the fragment
            # goes before it so that it is not swallowed too.
            fragments = b"".join(self._render(p, self.page_language) for p in pending)
            self.fallbacks.extend(pending)
            self.fallback_outcome = PlacementOutcome.END_OF_DOCUMENT
            self._state = _State.DONE
            return fragments + tail
        self.unplaced.extend(pending)
        self._state = _State.DONE
        return tail

    @property
    def stopped_in(self) -> str:
        """Where the scanner was when the page ended (for the log of an unplaced notice)."""
        return self._ended_in

    # -- scanning -----------------------------------------------------------------------------

    def _compile(self) -> None:
        """Sets the patterns for what is pending now."""
        plan = _plan(tuple(self._pending), self._want_lang)
        self._skip_pattern = plan.skip
        self._short = plan.short
        self._step = plan.step
        self._events = plan.events
        self._markers = plan.markers

    def _insert(self, buf: bytes, at: int, placements: list[Placement], fallback: bool) -> None:
        if not placements:
            return
        self._out.append(memoryview(buf)[self._emitted : at])
        for placement in placements:
            self._out.append(self._render(placement, self.page_language))
            self._pending.remove(placement)
            (self.fallbacks if fallback else self.placed).append(placement)
        self._emitted = at
        if self._pending:
            self._compile()
        else:
            self._state = _State.DONE

    def _scan(self, buf: bytes) -> int:
        """Advances through ``buf``; returns the index from which bytes must be held back."""
        n = len(buf)
        pos = 0
        finder: EventFinder | None = None
        while pos < n:
            state = self._state
            if state is _State.DATA:
                events = self._events
                if events is not None:
                    # Fast path (see skipahead): leap to the next event when the stretch before
                    # it provably hides nothing, else to the last provable data-state position,
                    # from where the exact skip pattern goes on.
                    pos = self._short.match(buf, pos).end()  # type: ignore[union-attr]
                    if pos >= n:
                        return n
                    finder = finder or EventFinder(buf)
                    at = finder.find(events, pos)
                    if at < 0:
                        pos = data_position(buf, pos, n)
                    else:
                        # Only text before the event (common in a page's head) needs no proof.
                        start = at if buf.find(b"<", pos, at) < 0 else data_position(buf, pos, at)
                        if buf.find(b"<", start, at) >= 0:
                            pos = start
                        else:
                            # Most events are whole constructs that need no decision (a
                            # script, a comment): one match crosses them.
                            step = self._step.match(buf, at)
                            if step is not None and step.end() > at + 1:
                                pos = step.end()
                                continue
                            nxt = self._markup(buf, at)
                            if nxt == _INCOMPLETE:
                                return at
                            pos = nxt
                            continue
                match = self._skip_pattern.match(buf, pos)
                assert match is not None  # the pattern can match the empty string
                pos = match.end()
                if pos >= n:
                    return n
                nxt = self._markup(buf, pos)
                if nxt == _INCOMPLETE:
                    return pos
                pos = nxt
            elif state is _State.RAW:
                start = pos
                pos = _raw_text(self._raw_name).match(buf, pos).end()  # type: ignore[union-attr]
                if pos < n:
                    self._state = _State.DATA  # at "</name": the end tag is read as data
                    continue
                # "</name" may be cut at the end: keep the tail that could start it.
                cut = buf.rfind(b"<", max(start, n - len(self._raw_name) - 2))
                return cut if cut >= 0 else n
            elif state is _State.COMMENT:
                end = _COMMENT_END.search(buf, pos)
                if end is None:
                    return max(pos, n - 3)
                pos = end.end()
                self._state = _State.DATA
            elif state is _State.CDATA:
                end_at = buf.find(b"]]>", pos)
                if end_at < 0:
                    return max(pos, n - 2)
                pos = end_at + 3
                self._state = _State.DATA
            elif state is _State.BOGUS:
                end_at = buf.find(b">", pos)
                if end_at < 0:
                    return n
                pos = end_at + 1
                self._state = _State.DATA
            else:  # DONE, GAVE_UP or PLAINTEXT: nothing more to find
                return n
        return n

    def _markup(self, buf: bytes, p: int) -> int:
        """Handles the markup at ``buf[p] == b"<"`` that the skip pattern stopped at."""
        n = len(buf)
        if p + 1 >= n:
            return _INCOMPLETE
        c = buf[p + 1 : p + 2]
        if c == b"!":
            return self._bang(buf, p)
        if c == b"?":
            self._state = _State.BOGUS
            return p + 2
        if c == b"/":
            if p + 2 >= n:
                return _INCOMPLETE
            if not buf[p + 2 : p + 3].isalpha():
                if buf[p + 2 : p + 3] == b">":
                    return p + 3
                self._state = _State.BOGUS
                return p + 2
            if _END_BODY.match(buf, p):
                self._insert(buf, p, [x for x in self._pending if x.kind is PlacementKind.BODY_END], False)
                self._insert(buf, p, list(self._pending), True)
                return p if self._state is not _State.DONE else n
            end = _END_TAG.match(buf, p)
            return end.end() if end else _INCOMPLETE
        if not c.isalpha():
            return p + 1  # a "<" in text
        tag = _TAG.match(buf, p)
        if tag is None:
            return _INCOMPLETE
        return self._start_tag(buf, tag)

    def _start_tag(self, buf: bytes, tag: re.Match[bytes]) -> int:
        name = tag.group(1).lower()
        end = tag.end()
        if name in _RAW_NAMES:
            self._state = _State.RAW
            self._raw_name = name
            return end
        if name == b"plaintext":
            self._state = _State.PLAINTEXT
            return end
        if self._want_lang and name == b"html":
            lang = _attribute(tag.group(2), b"lang")
            self.page_language = (lang.strip() or None) if lang is not None else None
        if self._want_lang and name in (b"html", b"body"):
            self._want_lang = False
            self._compile()
        here: list[Placement] = []
        element_id: str | None = None
        for placement in self._pending:
            kind = placement.kind
            if (kind is PlacementKind.BODY_START and name == b"body") or (
                kind is PlacementKind.ARTICLE_START and name == b"article"
            ):
                here.append(placement)
            elif kind is PlacementKind.ELEMENT:
                if element_id is None:
                    element_id = _attribute(tag.group(2), b"id") or ""
                if element_id == placement.target:
                    here.append(placement)
        self._insert(buf, end, here, False)
        return end if self._state is not _State.DONE else len(buf)

    def _bang(self, buf: bytes, p: int) -> int:
        n = len(buf)
        head = buf[p : p + 9].lower()
        if head.startswith(b"<!--"):
            after = buf[p + 4 : p + 6]
            if after[:1] == b">":
                return p + 5
            if after == b"->":
                return p + 6
            if len(after) < 2 and after in (b"", b"-"):
                return _INCOMPLETE
            if self._markers:
                end = _COMMENT_END.search(buf, p + 4)
                if end is None:
                    if n - p < _MAX_MARKER:
                        return _INCOMPLETE
                else:
                    marker = _MARKER.fullmatch(buf, p + 4, end.start())
                    if marker is not None:
                        wanted = marker.group(1).decode("ascii", "replace").lower()
                        here = [
                            x
                            for x in self._pending
                            if x.kind is PlacementKind.MARKER and (x.target or "").lower() == wanted
                        ]
                        self._insert(buf, end.end(), here, False)
                        return end.end() if self._state is not _State.DONE else n
                    return end.end()
            self._state = _State.COMMENT
            return p + 4
        if head == b"<![cdata[":
            self._state = _State.CDATA
            return p + 9
        if b"<![cdata[".startswith(head) or b"<!--".startswith(head):
            return _INCOMPLETE  # too short to tell yet
        self._state = _State.BOGUS
        return p + 2


def _attribute(attrs: bytes, wanted: bytes) -> str | None:
    """The value of the first attribute named ``wanted`` (lowercase), character references decoded."""
    for item in _ATTR_ITEM.finditer(attrs):
        if item.group(1).lower() == wanted:
            raw = item.group(2) or item.group(3) or item.group(4) or b""
            return html.unescape(raw.decode("utf-8", "replace"))
    return None
