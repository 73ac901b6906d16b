"""The tokenizer walk: the one function of the scanner that a compiled twin implements.

``walk(buf, pos, state, interest) -> Event`` follows the WHATWG HTML tokenizer through ``buf``
from ``pos`` as far as the next *event* (a start tag, end tag or comment the ``interest`` asks
for), or to the end of the buffer. Everything above it (which placement an event completes,
where the fragment goes, what to hold back, the notices' fallbacks) is ``scanner.py``, in Python.

The interface, as a C twin implements it
----------------------------------------

In C the same boundary is one function over plain structs, for example::

    int geonotice_walk(const unsigned char *buf, Py_ssize_t len, Py_ssize_t pos,
                       geonotice_state *state, const geonotice_interest *interest,
                       geonotice_event *event);

Inputs:

- ``buf``: the bytes to walk (``bytes`` or ``bytearray``), ``pos`` the index to start at.
- ``state``: a ``TokenizerState``, read and updated in place. Its fields are small integers:
  ``mode`` (a ``Mode``: data, raw text, comment, bogus comment, CDATA, plaintext, or inside a tag
  the buffer cut off), ``raw`` (the raw-text element being read: one of ``RAW_TEXT_NAMES``, an
  index into that table in C), ``tag`` (a ``TagState``: where in a cut-off tag, as the
  tokenizer's own states name it), ``end_tag`` (whether that tag is an end tag), ``start`` (the
  index of its ``<``), ``resume`` (where the next call continues), ``template_depth`` (how many
  ``<template>`` elements are open) and ``examined`` (bytes looked at, a byte counted again each
  time it is looked at again: the tests hold both twins to linear work with it).
- ``interest``: an ``Interest``, fixed while a caller waits for an event, compiled once (sorted
  name tables in C): start tags by name; start tags by attribute (of one tag name or any: an
  attribute name, or a name and a value its value must hold); end tags by name; and comments
  whose text begins with a keyword.

Output: an ``Event`` (kind, start, end, name, inner_start, inner_end). ``START_TAG`` spans the
tag (``<`` to after ``>``), names it in lowercase and gives the span of its attribute text;
``END_TAG`` spans and names an end tag; ``COMMENT`` spans a comment and gives the span of its text.
``MORE`` says the buffer is used up: bytes from ``event.start`` on belong to a construct not yet
complete and must be held; the next call passes the held bytes followed by new ones, with
``pos = state.resume`` (after ``state.shift(event.start)`` when the caller drops what it sent).
Python's caches in the state (compiled patterns, lowercased windows) are not part of it.

Guarantees the twin must keep (the property tests hold both to them, and to the same output):

- Reported, once each, in document order, and nothing else: every start tag whose name is in
  ``start_names``; every start tag with an attribute that may pass an attribute test (of its
  tag name or of any): an attribute of that name (duplicates included) whose value as written
  holds the test's value, compared ASCII case-insensitively, or holds a ``&``, as a character
  reference may decode to it (the caller checks each event exactly); every end tag named in
  ``end_names``; every comment whose text, after white space, begins with ``comment_keyword``
  (ASCII case-insensitively). Never an event inside a comment, a raw-text element, an attribute
  value or ``<template>`` content (nested templates counted), and never a ``<template>`` tag.
- Never rescan: a construct cut by the end of the buffer is resumed from ``state.resume``, not
  read again from its start. Only a few bytes may be held and read again (``<``, ``</``, ``<!-``,
  the start of a raw-text end tag, a possible comment end), and a comment that may still be the
  one asked for, up to ``MAX_COMMENT`` bytes. Total work is linear in the page.
- ``MORE`` holds only an incomplete construct; all other bytes may be sent on at once.

Tokenizer states follow https://html.spec.whatwg.org/#tokenization as far as placement needs:
tags with their attributes (quoted, single-quoted and unquoted values, so a ``>`` inside quotes
does not end a tag), comments, bogus comments (``<!DOCTYPE``, ``<?xml``), CDATA sections, the
raw-text elements (``RAW_TEXT_NAMES``) and ``plaintext``. The tree builder's own switches are
modelled for what placement needs: the raw-text elements and ``plaintext`` (whose content is not
markup) and ``<template>`` (whose content is not shown). Known simplifications: the "script data
double escaped" states are not modelled (``</script>`` always ends a script); ``<![CDATA[`` runs
to ``]]>`` (browsers end it at the first ``>`` outside SVG and MathML, so a placement point there
is merely looked for further on); SVG and MathML content is tokenized as HTML.

How the Python twin is fast: one compiled pattern per interest consumes text and every construct
that cannot be an event in a single C-level match (``re``, possessive, no backtracking), and
``skipahead`` leaps from event-looking string to event-looking string when it can prove the
stretch between hides nothing. Python runs only at events and at the end of a buffer.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

from geonotice.inject.skipahead import OVERLAP, EventFinder, data_position, events_pattern

__all__ = [
    "MAX_COMMENT",
    "RAW_TEXT_NAMES",
    "Event",
    "EventKind",
    "Interest",
    "Mode",
    "TagState",
    "TokenizerState",
    "walk",
]

RAW_TEXT_NAMES = (
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
"""The elements whose content the tokenizer reads as text up to their own end tag."""
PLAINTEXT = b"plaintext"
TEMPLATE = b"template"
MAX_COMMENT = 512
"""A comment the interest asks for is held back whole up to this size; a longer one cannot be
asked for (a marker comment is short), and streams."""


class Mode(IntEnum):
    """Where the tokenizer is between two calls."""

    DATA = 0
    RAW_TEXT = 1  # inside the element ``state.raw``
    COMMENT = 2
    BOGUS_COMMENT = 3
    CDATA = 4
    PLAINTEXT = 5  # the rest of the document is text
    TAG = 6  # inside a tag the buffer cut off; ``state.tag`` says where


class TagState(IntEnum):
    """Where in a cut-off tag: the tokenizer's states of the same names."""

    TAG_NAME = 0
    BEFORE_ATTRIBUTE_NAME = 1  # also "after attribute value (quoted)" and "self-closing start tag"
    ATTRIBUTE_NAME = 2
    AFTER_ATTRIBUTE_NAME = 3
    BEFORE_ATTRIBUTE_VALUE = 4
    ATTRIBUTE_VALUE_UNQUOTED = 5
    ATTRIBUTE_VALUE_DOUBLE_QUOTED = 6  # the quoted values come last: in them, ">" is text
    ATTRIBUTE_VALUE_SINGLE_QUOTED = 7


class EventKind(IntEnum):
    MORE = 0
    START_TAG = 1
    END_TAG = 2
    COMMENT = 3


class Event(NamedTuple):
    """What ``walk`` stopped at. For ``MORE``: hold from ``start``; ``end`` is the buffer's end."""

    kind: EventKind
    start: int
    end: int
    name: bytes = b""  # lowercase tag name
    inner_start: int = 0  # start tag: its attribute text; comment: its text
    inner_end: int = 0


class TokenizerState:
    """The tokenizer's state between calls (see the module docstring)."""

    __slots__ = (
        "end_tag",
        "examined",
        "mode",
        "raw",
        "resume",
        "start",
        "tag",
        "template_depth",
        "_finder",
        "_plan",
        "_wanted",
    )

    def __init__(self) -> None:
        self.mode = Mode.DATA
        self.raw = b""
        self.tag = TagState.TAG_NAME
        self.end_tag = False
        self.start = 0
        self.resume = 0
        self.template_depth = 0
        self.examined = 0
        # Caches of the Python twin: the fast path's lowercased windows of the current buffer, and
        # the patterns compiled for the interest last walked with.
        self._finder: EventFinder | None = None
        self._wanted: Interest | None = None
        self._plan = _plan(INERT)

    def shift(self, by: int) -> None:
        """The caller dropped the first ``by`` bytes of the buffer: move the held indexes."""
        self.start -= by
        self.resume -= by
        self._finder = None


@dataclass(frozen=True, slots=True)
class Interest:
    """Which events a caller waits for. Names are lowercase bytes.

    ``start_attributes`` holds ``(tag, name, value)`` tests: a start tag named ``tag`` (of any
    name when ``tag`` is empty) carrying the attribute ``name`` is reported, when ``value`` is
    ``None`` or the attribute's value, as written, holds ``value`` or a character reference.
    """

    start_names: frozenset[bytes] = frozenset()
    start_attributes: frozenset[tuple[bytes, bytes, bytes | None]] = frozenset()
    end_names: frozenset[bytes] = frozenset()
    comment_keyword: bytes = b""


INERT = Interest()
"""The interest inside ``<template>`` content: nothing there is an event."""

_INCOMPLETE = -1  # a construct cut by the end of the buffer: hold it and read it again (it is short)
_CUT = -2  # a tag cut by the end of the buffer: hold it; ``state`` resumes it


def walk(buf: bytes | bytearray, pos: int, state: TokenizerState, interest: Interest) -> Event:
    """The next event of ``buf`` at or after ``pos``, or ``MORE``; ``state`` is updated."""
    n = len(buf)
    entry = pos
    while True:
        mode = state.mode
        if mode is Mode.DATA:
            wanted = interest if state.template_depth == 0 else INERT
            if wanted is not state._wanted:  # the compiled patterns of the Python twin, by identity
                state._wanted, state._plan = wanted, _plan(wanted)
            plan = state._plan
            pos = _data(buf, pos, n, plan, state)
            if pos >= n:
                return _more(state, n, n, entry, n)
            got = _markup(buf, pos, n, state, interest)
            if isinstance(got, Event):
                state.examined += got.end - entry
                return got
            if got == _INCOMPLETE:
                return _more(state, pos, pos, entry, n)
            if got == _CUT:
                return _more(state, state.start, n, entry, n)
            pos = got
        elif mode is Mode.TAG:
            # The rest of the tag in one match when it ends in this buffer, else state by state.
            rest = _REST[state.tag].match(buf, pos)
            if rest is not None:
                done = rest.end()
            else:
                state.examined += n - pos  # what the failed match looked at
                done = _advance(buf, pos, n, state)
            if done < 0:
                return _more(state, state.start, n, entry, n)
            state.mode = Mode.DATA
            got = _complete(buf, state.start, done, -1, state, interest)
            if isinstance(got, Event):
                state.examined += done - entry
                return got
            pos = got
        elif mode is Mode.RAW_TEXT:
            start = pos
            pos = _raw_text(state.raw).match(buf, pos).end()  # type: ignore[union-attr]
            if pos < n:
                state.mode = Mode.DATA  # at "</name": the end tag is read in the data state
                continue
            # "</name" may be cut at the end: hold the tail that could start it.
            cut = buf.rfind(b"<", max(start, n - len(state.raw) - 2))
            hold = cut if cut >= 0 else n
            return _more(state, hold, hold, entry, n)
        elif mode is Mode.COMMENT:
            end = _COMMENT_END.search(buf, pos)
            if end is None:
                hold = max(pos, n - 3)
                return _more(state, hold, hold, entry, n)
            pos = end.end()
            state.mode = Mode.DATA
        elif mode is Mode.CDATA:
            end_at = buf.find(b"]]>", pos)
            if end_at < 0:
                hold = max(pos, n - 2)
                return _more(state, hold, hold, entry, n)
            pos = end_at + 3
            state.mode = Mode.DATA
        elif mode is Mode.BOGUS_COMMENT:
            end_at = buf.find(b">", pos)
            if end_at < 0:
                return _more(state, n, n, entry, n)
            pos = end_at + 1
            state.mode = Mode.DATA
        else:  # PLAINTEXT: nothing more is markup
            return _more(state, n, n, entry, n)


def _more(state: TokenizerState, hold: int, resume: int, entry: int, n: int) -> Event:
    # Everything up to the end was looked at; what is held is looked at again from ``resume``.
    state.resume = resume
    state.examined += n - entry
    return Event(EventKind.MORE, hold, n)


# -- the data state: skipping what cannot be an event ------------------------------------------------

_WS = rb"[\t\n\f\r ]"
_RAW = b"|".join(RAW_TEXT_NAMES)
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


_TAG = re.compile(rb"<([a-z][^\t\n\f\r />]*+)" + _attrs() + rb">", re.I)
_END_TAG = re.compile(rb"</([a-z][^\t\n\f\r />]*+)" + _attrs() + rb">", re.I)
_NAME = re.compile(rb"[^\t\n\f\r />]*+")
_COMMENT_END = re.compile(rb"--!?>")
_SPACE = b"\t\n\f\r "


@functools.lru_cache(maxsize=16)
def _raw_text(name: bytes) -> re.Pattern[bytes]:
    # Consumes raw text up to (not including) "</name" followed by a delimiter.
    return re.compile(rb"(?:[^<]++|<(?!/" + name + rb"[\t\n\f\r />]))*+", re.I)


_LONGEST_EVENT_NAME = OVERLAP - 3  # "</" and the name, found whole in the next window
# Text runs and tags the fast path crosses with the exact pattern before it searches for the next
# event: near events (as in a page's head) are reached sooner so, far ones by the search.
_SHORT_RUN = 16


def _names(names: frozenset[bytes] | set[bytes]) -> bytes:
    return b"|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


def _guard(tests: set[tuple[bytes, bytes | None]]) -> bytes:
    """A lookahead that fails at an attribute that may pass one of ``tests``: the name alone, or
    the name with a value that holds the test's value, or a character reference (it may decode
    to it). Case-insensitive: it may stop more tags than needed, never fewer."""
    if not tests:
        return b""
    alternatives = []
    for name, value in sorted(tests, key=lambda test: (test[0], test[1] or b"")):
        if value is None:
            alternatives.append(re.escape(name) + rb"(?=[\t\n\f\r /=>])")
            continue
        held = rb"(?:" + re.escape(value) + rb"|&)"
        values = rb"\"[^\"&]*?" + held + rb"|'[^'&]*?" + held + rb"|(?![\"'])[^\t\n\f\r >&]*?" + held
        alternatives.append(re.escape(name) + _WS + rb"*+=" + _WS + rb"*+(?:" + values + b")")
    return rb"(?!" + b"|".join(alternatives) + rb")"


class _Plan(NamedTuple):
    """The compiled patterns of one interest."""

    skip: re.Pattern[bytes]
    """Consumes a run of any length of what cannot be an event (the exact path)."""
    short: re.Pattern[bytes]
    """The same, for a short run only (the fast path, before it searches for the next event)."""
    step: re.Pattern[bytes]
    """One construct at a ``<`` that is not an event (the fast path's events)."""
    events: re.Pattern[bytes] | None
    """The fast path's event-looking strings, or ``None`` when it cannot serve (attribute tests)."""
    plain: re.Pattern[bytes]
    """A whole start tag that no attribute test may pass (for a tag resumed after a cut)."""


@functools.lru_cache(maxsize=256)
def _plan(interest: Interest) -> _Plan:
    starts = interest.start_names | {*RAW_TEXT_NAMES, PLAINTEXT, TEMPLATE}
    ends = interest.end_names | {TEMPLATE}
    # Attribute tests of any tag apply to every start tag; those of one tag name to that name only.
    anywhere = {(name, value) for tag, name, value in interest.start_attributes if not tag}
    by_tag: dict[bytes, set[tuple[bytes, bytes | None]]] = {}
    for tag, name, value in interest.start_attributes:
        if tag:
            by_tag.setdefault(tag, set()).add((name, value))
    conditional = sorted(set(by_tag) - starts)
    guard = _guard(anywhere)
    keyword = interest.comment_keyword
    comment_guard = rb"(?!" + _WS + rb"*+" + re.escape(keyword) + rb")" if keyword else b""
    # Whole raw-text elements whose tags are not events, one alternative per name: a backreference
    # would need a capturing group inside a possessive repeat, which Python 3.11's re mishandles.
    whole_raw = b"".join(
        rb"|" + name + rb"(?=[\t\n\f\r />])" + _attrs(_guard(anywhere | by_tag.get(name, set())))
        + rb">(?:[^<]++|<(?!/" + name + rb"[\t\n\f\r />]))*+</" + name + _attrs() + rb">"
        for name in RAW_TEXT_NAMES
        if name not in interest.start_names and name not in interest.end_names
    )  # fmt: skip
    # A tag name with attribute tests of its own: its tags are crossed unless an attribute may pass.
    guarded = b"".join(
        rb"|" + re.escape(name) + rb"(?=[\t\n\f\r />])" + _attrs(_guard(anywhere | by_tag[name])) + rb">"
        for name in conditional
        if name not in _RAW_SET
    )  # fmt: skip
    named = set(interest.start_names) | set(by_tag)
    plain = (
        rb"<(?:(?!(?:" + _names(named) + rb")[\t\n\f\r />])[a-z][^\t\n\f\r />]*+" + _attrs(guard) + rb">"
        + b"".join(
            rb"|" + re.escape(name) + rb"(?=[\t\n\f\r />])" + _attrs(_guard(anywhere | tests)) + rb">"
            for name, tests in sorted(by_tag.items())
            if name not in interest.start_names
        )
        + rb")"
    )  # fmt: skip
    construct = (
        rb"<(?:"
        rb"/(?!(?:" + _names(ends) + rb")[\t\n\f\r />])[a-z][^\t\n\f\r />]*+" + _attrs() + rb">"
        rb"|(?!(?:" + _names(starts | set(conditional)) + rb")[\t\n\f\r />])[a-z][^\t\n\f\r />]*+"
        + _attrs(guard) + rb">"
        + guarded
        + whole_raw +
        rb"|!--" + comment_guard + rb"(?:>|->|(?:[^-]++|-(?!-!?>))*+--!?>)"
        rb"|(?=[^a-z/!?])"
        rb"|!(?!--|\[cdata\[)[^>]*+>|\?[^>]*+>|/(?![a-z])[^>]*+>"
        rb"|!\[cdata\[(?:[^\]]++|\](?!\]>))*+\]\]>"
        rb")"
    )  # fmt: skip
    # An attribute can sit in any tag: only the exact skip pattern can look for one. A name longer
    # than the fast path's window overlap could be cut by a window's end, and missed.
    fast = not interest.start_attributes and max(map(len, starts | ends)) <= _LONGEST_EVENT_NAME
    events = events_pattern(tuple(sorted(starts)), tuple(sorted(ends))) if fast else None
    return _Plan(
        re.compile(rb"(?:[^<]++|" + construct + rb")*+", re.I),
        re.compile(rb"(?:[^<]++|" + construct + rb"){0,%d}+" % _SHORT_RUN, re.I),
        re.compile(construct, re.I),
        events,
        re.compile(plain, re.I),
    )


def _data(buf: bytes | bytearray, pos: int, n: int, plan: _Plan, state: TokenizerState) -> int:
    """From ``pos`` in the data state, the next ``<`` that may be an event or is cut off, or ``n``."""
    events = plan.events
    while events is not None:
        # Fast path (see skipahead): leap to the next event when the stretch before it provably
        # hides nothing, else to the last provable data-state position, from where the exact
        # skip pattern goes on.
        pos = plan.short.match(buf, pos).end()  # type: ignore[union-attr]
        if pos >= n:
            return n
        finder = state._finder
        if finder is None or finder.buffer is not buf:
            finder = state._finder = EventFinder(buf)
        at = finder.find(events, pos)
        if at < 0:
            pos = data_position(buf, pos, n)
            break
        # Only text before the event (common in a page's head) needs no proof.
        start = at if buf.find(b"<", pos, at) < 0 else data_position(buf, pos, at)
        if buf.find(b"<", start, at) >= 0:
            pos = start
            break
        # Most events are whole constructs that are not events after all (a script, a
        # comment): one match crosses them.
        step = plan.step.match(buf, at)
        if step is not None and step.end() > at + 1:
            pos = step.end()
            continue
        return at
    return plan.skip.match(buf, pos).end()  # type: ignore[union-attr]


def _markup(buf: bytes | bytearray, p: int, n: int, state: TokenizerState, interest: Interest) -> Event | int:
    """Reads the markup at ``buf[p] == b"<"`` that the skip stopped at: an event, where to go on,
    ``_INCOMPLETE`` or ``_CUT``."""
    if p + 1 >= n:
        return _INCOMPLETE
    c = buf[p + 1]
    if c == 0x21:  # "!"
        return _bang(buf, p, n, state, interest)
    if c == 0x3F:  # "?"
        state.mode = Mode.BOGUS_COMMENT
        return p + 2
    if c == 0x2F:  # "/"
        if p + 2 >= n:
            return _INCOMPLETE
        c2 = buf[p + 2]
        if not (0x41 <= c2 <= 0x5A or 0x61 <= c2 <= 0x7A):
            if c2 == 0x3E:  # "</>" is dropped
                return p + 3
            state.mode = Mode.BOGUS_COMMENT
            return p + 2
        tag = _END_TAG.match(buf, p)
        if tag is None:
            return _cut(buf, p, n, state, interest, True)
        return _complete(buf, p, tag.end(), tag.end(1), state, interest)
    if not (0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A):
        return p + 1  # a "<" in text
    tag = _TAG.match(buf, p)
    if tag is None:
        return _cut(buf, p, n, state, interest, False)
    return _complete(buf, p, tag.end(), tag.end(1), state, interest)


def _complete(
    buf: bytes | bytearray,
    start: int,
    end: int,
    name_end: int,
    state: TokenizerState,
    interest: Interest,
) -> Event | int:
    """A whole tag ``buf[start:end]``: the tokenizer's and tree builder's switches, and its event."""
    end_tag = buf[start + 1] == 0x2F
    name_start = start + 2 if end_tag else start + 1
    if name_end < 0:  # a resumed tag: its name is read once, now
        name_end = _NAME.match(buf, name_start).end()  # type: ignore[union-attr]
        state.examined += name_end - name_start
    name = bytes(buf[name_start:name_end]).lower()
    depth = state.template_depth
    if end_tag:
        if name == TEMPLATE:
            if depth:
                state.template_depth = depth - 1
            return end
        if depth == 0 and name in interest.end_names:
            return Event(EventKind.END_TAG, start, end, name)
        return end
    if name in _RAW_SET:
        state.mode = Mode.RAW_TEXT
        state.raw = name
    elif name == PLAINTEXT:
        state.mode = Mode.PLAINTEXT
    elif name == TEMPLATE:
        state.template_depth = depth + 1
        return end
    if depth == 0 and (
        name in interest.start_names
        or (interest.start_attributes and _plan(interest).plain.fullmatch(buf, start, end) is None)
    ):
        return Event(EventKind.START_TAG, start, end, name, name_end, end - 1)
    return end


_RAW_SET = frozenset(RAW_TEXT_NAMES)


def _bang(buf: bytes | bytearray, p: int, n: int, state: TokenizerState, interest: Interest) -> Event | int:
    head = bytes(buf[p : p + 9]).lower()
    if head.startswith(b"<!--"):
        after = head[4:6]
        if after[:1] == b">":
            return p + 5
        if after == b"->":
            return p + 6
        if len(after) < 2 and after in (b"", b"-"):
            return _INCOMPLETE
        keyword = interest.comment_keyword
        if keyword and state.template_depth == 0:
            end = _COMMENT_END.search(buf, p + 4)
            if end is None:
                if n - p < MAX_COMMENT and _may_begin(buf, p + 4, n, keyword):
                    return _INCOMPLETE
            else:
                state.examined += end.end() - p
                if _begins(buf, p + 4, end.start(), keyword):
                    return Event(EventKind.COMMENT, p, end.end(), b"", p + 4, end.start())
                return end.end()
        state.mode = Mode.COMMENT
        return p + 4
    if head == b"<![cdata[":
        state.mode = Mode.CDATA
        return p + 9
    if b"<![cdata[".startswith(head) or b"<!--".startswith(head):
        return _INCOMPLETE  # too short to tell yet
    state.mode = Mode.BOGUS_COMMENT
    return p + 2


def _begins(buf: bytes | bytearray, start: int, end: int, keyword: bytes) -> bool:
    return bytes(buf[start:end]).lstrip(_SPACE)[: len(keyword)].lower() == keyword


def _may_begin(buf: bytes | bytearray, start: int, end: int, keyword: bytes) -> bool:
    text = bytes(buf[start:end]).lstrip(_SPACE)[: len(keyword)].lower()
    return keyword.startswith(text)


# -- a tag cut by the end of the buffer: resumed state by state --------------------------------------

_RUNS = (
    re.compile(rb"[^\t\n\f\r />]*+"),  # TAG_NAME
    re.compile(rb"[\t\n\f\r /]*+"),  # BEFORE_ATTRIBUTE_NAME
    re.compile(rb"[^\t\n\f\r /=>]*+"),  # ATTRIBUTE_NAME
    re.compile(rb"[\t\n\f\r ]*+"),  # AFTER_ATTRIBUTE_NAME
    re.compile(rb"[\t\n\f\r ]*+"),  # BEFORE_ATTRIBUTE_VALUE
    re.compile(rb"[^\t\n\f\r >]*+"),  # ATTRIBUTE_VALUE_UNQUOTED
    re.compile(rb'[^"]*+'),  # ATTRIBUTE_VALUE_DOUBLE_QUOTED
    re.compile(rb"[^']*+"),  # ATTRIBUTE_VALUE_SINGLE_QUOTED
)
_GT, _SLASH, _EQUALS, _DQ, _SQ = 0x3E, 0x2F, 0x3D, 0x22, 0x27
_AFTER_EQUALS = _WS + rb"*+" + _VALUE
# The rest of a tag from each state, to its ">": what _advance would walk, in one match.
_REST = tuple(
    re.compile(start + _attrs() + rb">")
    for start in (
        rb"[^\t\n\f\r />]*+",  # TAG_NAME
        b"",  # BEFORE_ATTRIBUTE_NAME
        # ATTRIBUTE_NAME
        rb"[^\t\n\f\r /=>]*+(?:" + _WS + rb"*+=" + _AFTER_EQUALS + rb"|(?!" + _WS + rb"*+=))",
        _WS + rb"*+(?:=" + _AFTER_EQUALS + rb"|(?!=))",  # AFTER_ATTRIBUTE_NAME
        _AFTER_EQUALS,  # BEFORE_ATTRIBUTE_VALUE
        rb"[^\t\n\f\r >]*+",  # ATTRIBUTE_VALUE_UNQUOTED
        rb'[^"]*+"',  # ATTRIBUTE_VALUE_DOUBLE_QUOTED
        rb"[^']*+'",  # ATTRIBUTE_VALUE_SINGLE_QUOTED
    )
)


def _cut(
    buf: bytes | bytearray, p: int, n: int, state: TokenizerState, interest: Interest, end_tag: bool
) -> Event | int:
    """A tag the whole-tag pattern found cut off: from now on it is walked state by state."""
    state.examined += n - p  # what the failed whole-tag match looked at
    state.mode = Mode.TAG
    state.tag = TagState.TAG_NAME
    state.end_tag = end_tag
    state.start = p
    done = _advance(buf, p + (2 if end_tag else 1), n, state)
    if done < 0:
        return _CUT
    state.mode = Mode.DATA
    return _complete(buf, p, done, -1, state, interest)


def _transition(tag: TagState, c: int) -> int:
    """What the tokenizer does in ``tag`` at the byte ``c`` that ended its run: -1 for the end of
    the tag, else the next state shifted left once, plus 1 when ``c`` is consumed."""
    space = c in b"\t\n\f\r "
    if c == _GT and tag < TagState.ATTRIBUTE_VALUE_DOUBLE_QUOTED:
        return -1
    if tag is TagState.TAG_NAME or tag is TagState.ATTRIBUTE_VALUE_UNQUOTED:
        following = TagState.BEFORE_ATTRIBUTE_NAME  # white space, or "/" after a name
    elif tag is TagState.BEFORE_ATTRIBUTE_NAME:
        following = TagState.ATTRIBUTE_NAME  # its first character may be "="
    elif tag is TagState.ATTRIBUTE_NAME or tag is TagState.AFTER_ATTRIBUTE_NAME:
        if c == _EQUALS:
            following = TagState.BEFORE_ATTRIBUTE_VALUE
        elif c == _SLASH:
            following = TagState.BEFORE_ATTRIBUTE_NAME
        elif tag is TagState.ATTRIBUTE_NAME and space:
            following = TagState.AFTER_ATTRIBUTE_NAME
        else:
            following = TagState.ATTRIBUTE_NAME  # a new attribute
    elif tag is TagState.BEFORE_ATTRIBUTE_VALUE:
        if c == _DQ:
            following = TagState.ATTRIBUTE_VALUE_DOUBLE_QUOTED
        elif c == _SQ:
            following = TagState.ATTRIBUTE_VALUE_SINGLE_QUOTED
        else:
            return TagState.ATTRIBUTE_VALUE_UNQUOTED << 1  # the byte starts the value
    else:  # the closing quote
        following = TagState.BEFORE_ATTRIBUTE_NAME
    return following << 1 | 1


# One row per state, one entry per byte: the tokenizer's transitions as a table (C would use the
# same), so that walking a cut tag costs one match and one lookup per state change.
_TRANSITIONS = tuple(tuple(_transition(tag, c) for c in range(256)) for tag in TagState)


def _advance(buf: bytes | bytearray, pos: int, n: int, state: TokenizerState) -> int:
    """Walks the tag from ``pos`` in ``state.tag``: the index after its ``>``, or -1 at the end of
    the buffer (``state.tag`` then says where it stopped)."""
    tag = int(state.tag)
    runs, transitions = _RUNS, _TRANSITIONS
    while True:
        pos = runs[tag].match(buf, pos).end()  # type: ignore[union-attr]
        if pos >= n:
            state.tag = TagState(tag)
            return -1
        action = transitions[tag][buf[pos]]
        if action < 0:
            return pos + 1
        tag = action >> 1
        pos += action & 1
