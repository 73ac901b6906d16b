"""The scanner's fast path: leap over ordinary tags and text without tokenizing them.

Tokenizing tag by tag costs the ``re`` module 100-300 ns per tag, a few hundred microseconds for
a news page. Yet most tags cannot matter: only *events* can change where a placement point is.
An event is markup that leaves the data state (``<!``, ``<?``, ``</`` not followed by a letter,
the raw-text and ``plaintext`` openers) or a placement point itself (``</body``, ``<body`` ...).

From a position known to be in the data state, ``EventFinder`` finds the next event-looking
string with one C-level search over a lowercased window. Everything before it is text and
ordinary tags, so the only way the event could be fake is by sitting inside one of those tags.
``data_position`` proves cheaply where the data state is, from two facts of the tokenizer:

* outside quotes, the first ``>`` of a tag ends it; so just after the last ``>`` before a point
  is the data state, unless that ``>`` is inside a quoted attribute value;
* a quoted value opens only after ``=`` and optional whitespace, and contains no quote of its
  kind; so a ``>`` inside a value opened in the stretch has, as the last quote of that kind
  before it, the opening quote, which looks like ``="``. When the last ``"`` and the last ``'``
  do not look like openers, no value is open there.

When the proof fails (a base64 value ending in ``=``, text with ``="``), the caller falls back to
the exact tokenizer for that stretch; a fake event found here is harmless, since the caller reads
each event with the exact tokenizer. Exactness rests only on the proof and on finding every event.
"""

from __future__ import annotations

import functools
import re

__all__ = ["OVERLAP", "EventFinder", "data_position", "events_pattern"]

# Events are short ("<plaintext", "</template"); a window overlaps the next by more than that,
# so an event cut by a window's end is found whole in the next window.
OVERLAP = 16
_FIRST_WINDOW = 4096  # placement points at the top of a page are found after lowering 4 KiB
_MAX_WINDOW = 1 << 16
_WS = b"\t\n\f\r "
_EQUALS = ord("=")
_TRIES = 4  # opener-looking quotes skipped before giving up on the proof


@functools.lru_cache(maxsize=64)
def events_pattern(start_names: tuple[bytes, ...], end_names: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """Event-looking strings in lowercased HTML: ``<!``, ``<?``, ``</`` plus a non-letter, ``</``
    plus one of ``end_names``, and ``<`` plus one of ``start_names`` (no delimiter needed: a
    longer name is merely a fake event, read exactly by the caller)."""

    def alternatives(names: tuple[bytes, ...]) -> bytes:
        return b"|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True))

    return re.compile(
        rb"<(?:[!?]|/(?:[^a-z]|" + alternatives(end_names) + rb")|(?:" + alternatives(start_names) + rb"))"
    )


class EventFinder:
    """Finds the next event of one buffer, lowercasing it window by window as the search goes.

    Lowering a whole 100 KB page costs about 30 µs; a placement point near the top needs only the
    first window. Windows double in size up to 64 KiB.
    """

    __slots__ = ("_buf", "_low", "_start", "_end", "_size")

    def __init__(self, buf: bytes | bytearray) -> None:
        self._buf = buf
        self._low: bytes | bytearray = b""
        self._start = 0
        self._end = 0
        self._size = _FIRST_WINDOW

    @property
    def buffer(self) -> bytes | bytearray:
        return self._buf

    def find(self, pattern: re.Pattern[bytes], pos: int) -> int:
        """The index of the first event at or after ``pos``, or -1 if none lies wholly in the buffer."""
        n = len(self._buf)
        if not self._start <= pos < self._end:
            self._load(pos)
        while True:
            found = pattern.search(self._low, pos - self._start)
            last = self._end == n
            if found is not None:
                at = found.start() + self._start
                if last or at + OVERLAP <= self._end:
                    return at
            if last:
                return -1
            # Nothing starts before the overlap; what starts in it may be cut: search it again.
            pos = max(pos, self._end - OVERLAP)
            self._load(pos)

    def _load(self, pos: int) -> None:
        self._start = pos
        self._end = min(len(self._buf), pos + self._size)
        self._size = min(self._size * 2, _MAX_WINDOW)
        self._low = self._buf[pos : self._end].lower()


def data_position(buf: bytes | bytearray, pos: int, limit: int) -> int:
    """A position in ``[pos, limit]`` in the data state, as late as the cheap proof can show.

    ``pos`` must be in the data state and ``buf[pos:limit]`` hold no event: only text and tags.
    Returns just after the last ``>`` before ``limit`` that is not inside a quoted value, or
    ``pos`` when that cannot be shown.
    """
    end = limit
    for _ in range(_TRIES):
        gt = buf.rfind(b">", pos, end)
        if gt < 0:
            return pos
        opener = _last_opener(buf, pos, gt)
        if opener < 0:
            return gt + 1
        end = opener  # a ">" before this quote may still end a tag
    return pos


def _last_opener(buf: bytes | bytearray, pos: int, end: int) -> int:
    """The index of the last ``"`` or ``'`` in ``[pos, end)`` if it looks like a value's opening
    quote (``=`` and optional whitespace before it), else -1; the later one when both do."""
    found = -1
    for quote in (b'"', b"'"):
        at = buf.rfind(quote, pos, end)
        if at < 0:
            continue
        before = at - 1
        while before >= pos and buf[before] in _WS:
            before -= 1
        if before >= pos and buf[before] == _EQUALS and at > found:
            found = at
    return found
