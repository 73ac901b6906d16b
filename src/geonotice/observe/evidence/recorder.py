"""``EvidenceRecorder``: counts notices per window in memory, and writes them off the request path.

The request path adds one to a counter in a dict, under a lock no other request holds for long
(the writer holds it only to swap the dict). A daemon thread wakes at least once a minute (and
as soon as a rules or database change is recorded) and appends what is due: the windows that
have ended, and the rules and database events. A window's counts are written once, when it ends
or when the worker stops (``close``, at ASGI ``lifespan.shutdown``), never as it fills: a line
written every minute would tell, by its place in the file, the minute some reader came.

What a crash costs: the counts of the window that was open (at most one window); every window
that had ended was already on disk, ``fsync``ed. A write that fails (a full disk) is logged once,
counted, and tried again at every wake-up with everything not yet written, which is kept in
memory, up to ``MAX_PENDING_LINES``; requests never wait for it and never fail because of it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from geonotice.observe.evidence.files import DEFAULT_MAX_BYTES, Appender, EvidenceFile, write_all
from geonotice.observe.evidence.lines import CountKey, counts_line, window_line

__all__ = ["FLUSH_INTERVAL", "MAX_PENDING_LINES", "EvidenceRecorder"]

logger = logging.getLogger("geonotice.evidence")

FLUSH_INTERVAL = 60.0
MAX_PENDING_LINES = 200_000

Event = Callable[[], str | None]


class EvidenceRecorder:
    """The evidence record of one worker process, appended to ``path`` (shared with the others).

    ``window`` is the aggregation window in seconds (3600, aligned on the hour in UTC);
    ``clock`` gives the Unix time; ``appender`` is the write seam of ``EvidenceFile``.
    ``on_written(lines)`` and ``on_error()``, when set, are told of each append and failure.

    Raises:
        ConfigError: the record cannot be written (checked at construction, nothing is left).
    """

    def __init__(
        self,
        path: Path,
        *,
        window: int = 3600,
        flush_interval: float = FLUSH_INTERVAL,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], float] = time.time,
        appender: Appender = write_all,
    ) -> None:
        self.file = EvidenceFile(path, max_bytes=max_bytes, appender=appender)
        self.window = window
        self.flush_interval = flush_interval
        self._clock = clock
        self.on_written: Callable[[int], None] | None = None  # the metrics set these two
        self.on_error: Callable[[], None] | None = None
        self._lock = threading.Lock()  # the counts and the queues; held for microseconds
        self._flush_lock = threading.Lock()  # one flush at a time (the thread's, close's, a test's)
        self._counts: dict[CountKey, int] = {}
        self._window_start = -1  # the open window; -1 until started
        self._window_end = -1.0
        self._whole = False  # whether this process has recorded since the open window began
        self._closed: list[tuple[int, dict[CountKey, int], bool]] = []
        self._events: list[Event] = []
        self._pending: list[str] = []
        self._failing = False
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    # -- the request path ---------------------------------------------------------------------

    def count(self, key: CountKey) -> None:
        """One notice went out as ``key`` says, now. Never raises, never blocks on the disk."""
        now = self._clock()
        with self._lock:
            if now >= self._window_end:
                self._roll(now)
            counts = self._counts
            counts[key] = counts.get(key, 0) + 1

    def _roll(self, now: float) -> None:
        """Close the open window (the lock is held) and open the one ``now`` is in."""
        if self._window_start >= 0:
            self._closed.append((self._window_start, self._counts, self._whole))
            self._counts = {}
        start = int(now) - int(now) % self.window
        self._whole = start == self._window_start + self.window  # recorded since it began
        self._window_start = start
        self._window_end = start + self.window

    # -- events and the writer thread ---------------------------------------------------------

    def record(self, event: Event) -> None:
        """Write what ``event()`` returns (one line, or ``None`` for nothing) at the next
        flush; it is called on the writer thread, so it may be slow (hashing a file)."""
        with self._lock:
            self._events.append(event)
        self._wake.set()

    def start(self) -> None:
        """Open the first window and start the writer thread (again, after ``close``)."""
        with self._lock:
            if self._window_start < 0:
                self._roll(self._clock())
                self._whole = False
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="geonotice-evidence", daemon=True)
            self._thread.start()

    def close(self) -> None:
        """Stop the writer thread and write everything, the open window included (as a part)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping = True
            self._wake.set()
            thread.join(timeout=10)
        with self._lock:
            if self._window_start >= 0:
                self._closed.append((self._window_start, self._counts, False))
                self._counts = {}
                self._window_start, self._window_end = -1, -1.0
        self.flush()

    def _run(self) -> None:
        while True:
            self._wake.wait(self._next_wait())
            self._wake.clear()
            if self._stopping:
                return
            self.flush()

    def _next_wait(self) -> float:
        until_window_end = self._window_end - self._clock()
        return max(0.05, min(self.flush_interval, until_window_end + 0.05))

    def flush(self) -> None:
        """Append what is due now: ended windows, events, and lines a failed write left."""
        with self._flush_lock:
            self._flush()

    def _flush(self) -> None:
        now = self._clock()
        with self._lock:
            if self._window_start >= 0 and now >= self._window_end:
                self._roll(now)  # no request came since the window ended
            closed, self._closed = self._closed, []
            events, self._events = self._events, []
        lines = self._pending
        for window, counts, whole in closed:
            lines.append(window_line(window, self.window, whole=whole))
            lines += [
                counts_line(window, self.window, key, n) for key, n in sorted(counts.items(), key=_order)
            ]
        for event in events:
            try:
                line = event()
            except Exception:
                logger.exception("evidence: an event could not be recorded")
                continue
            if line is not None:
                lines.append(line)
        if not lines:
            return
        try:
            self.file.append(lines)
        except OSError as error:
            self._failed(error, lines)
            return
        if self._failing:
            logger.warning(
                "evidence record %s is written again (%d line(s) were held)", self.file.path, len(lines)
            )
            self._failing = False
        self._pending = []
        if self.on_written is not None:
            self.on_written(len(lines))

    def _failed(self, error: OSError, lines: list[str]) -> None:
        if self.on_error is not None:
            self.on_error()
        if len(lines) > MAX_PENDING_LINES:
            dropped = len(lines) - MAX_PENDING_LINES
            del lines[:dropped]
            logger.error("evidence: %d line(s) dropped: the record cannot be written for too long", dropped)
        self._pending = lines
        if not self._failing:
            self._failing = True
            logger.error(
                "evidence record %s cannot be written: %s; %d line(s) kept to write later; readers "
                "are served as usual",
                self.file.path,
                error.strerror or error,
                len(lines),
            )


def _order(item: tuple[CountKey, int]) -> tuple[str, ...]:
    rules, notice, jurisdiction, outcome, reason = item[0]
    return rules, notice, jurisdiction, outcome, reason or ""
