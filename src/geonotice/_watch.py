"""Noticing that files changed on disk, off the request path.

A daemon thread compares a cheap signature of the files (``stat`` results) every few seconds and
calls back when it changes, so requests never pay for the check. Used for the rules and the GeoIP
database, which lawyers and ``geoipupdate`` replace while the site serves.

A change is acted on only once it has settled: the same signature twice, ``settle`` seconds
apart. Files are not always replaced by renaming; a plain ``cp`` truncates then writes, and a
delete-and-recreate leaves a moment with no file at all. Loading such a moment would serve rules
without a notice, or refuse a database that was about to be complete.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

logger = logging.getLogger("geonotice")

Signature = tuple[tuple[str, int, int, int], ...]


def file_signature(paths: Iterable[Path]) -> Signature:
    """What changes when any of ``paths`` is edited, replaced, renamed over, or removed.

    ``stat`` follows symlinks, so swapping a symlinked directory (a Kubernetes ConfigMap update)
    changes the inode even when sizes and times happen to match.
    """
    signature = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            signature.append((str(path), -1, -1, -1))
        else:
            signature.append((str(path), st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(signature)


#: Longest wait for a change to settle; shorter when the watcher checks more often.
SETTLE = 0.1


class FileWatcher:
    """Calls ``on_change`` from a daemon thread whenever ``signature()`` returns something new
    and stays the same for ``settle`` seconds (by default ``SETTLE``, or ``interval`` if shorter).

    ``on_change`` runs on the watcher thread; it must swap in new state atomically (one attribute
    assignment) and must not raise. Exceptions are logged and the watcher keeps going. It may
    return ``False`` to say the new files were not taken (refused, or caught mid-change): the
    watcher then calls it again on later checks even if the signature stays the same, and it
    decides itself how often to really try. ``on_tick``, when given, is called on every check of
    the thread, for work that must happen now and then (a reminder that the database is old).
    Each of ``listeners`` is called once per settled change and outcome, on the same thread, after
    ``on_change``, whether or not the change could be used: metrics and the evidence record
    learn of reloads there (they compare what is now served with what was), so that the
    reloading code needs no knowledge of them. A stopped watcher can be started again.
    """

    def __init__(
        self,
        signature: Callable[[], object],
        on_change: Callable[[], bool | None],
        *,
        interval: float = 2.0,
        name: str = "geonotice-watcher",
        on_tick: Callable[[], None] | None = None,
        settle: float | None = None,
    ) -> None:
        self._signature = signature
        self._on_change = on_change
        self._on_tick = on_tick
        self._interval = interval
        self._settle = min(SETTLE, interval) if settle is None else settle
        self._name = name
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._last = signature()
        self._announced: tuple[object, bool] = (self._last, True)
        self.listeners: list[Callable[[], None]] = []

    def start(self) -> None:
        if self._thread is None:
            self._stopped.clear()
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def check(self) -> bool:
        """Compare once now; returns whether a settled change was seen (and handed on)."""
        current = self._signature()
        if current == self._last:
            return False
        # Look again a moment later: a file caught between a truncation and its new contents,
        # or between a delete and a re-create, has changed again by then. Still changing: the
        # next check tries again.
        self._stopped.wait(self._settle)
        if self._signature() != current:
            return False
        try:
            taken = self._on_change()
        except Exception:  # a watcher that dies silently would freeze the rules forever
            logger.exception("%s: reloading after a change failed", self._name)
            taken = True
        outcome = (current, taken is not False)
        if outcome != self._announced:
            # Once per change and outcome: a refused version retried is not refused again, but
            # one taken on a later try is announced as taken.
            self._announced = outcome
            for listener in list(self.listeners):
                try:
                    listener()
                except Exception:
                    logger.exception("%s: a listener of reloads failed", self._name)
        if taken is not False:
            self._last = current
        return True

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            self.check()
            if self._on_tick is not None:
                try:
                    self._on_tick()
                except Exception:
                    logger.exception("%s: periodic check failed", self._name)


class Watched:
    """Something a ``FileWatcher`` keeps up to date, or nothing does (values given in code).

    Subclasses set ``_watcher``; the rules holder and the locator share these controls.
    """

    _watcher: FileWatcher | None = None

    def start(self) -> None:
        """Start watching the files (a daemon thread); a change is picked up without a restart."""
        if self._watcher is not None:
            self._watcher.start()

    def stop(self) -> None:
        """Stop watching; what is loaded keeps serving."""
        if self._watcher is not None:
            self._watcher.stop()

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` on the watcher thread after each change of the files has been
        handled (reloaded, or refused and logged); nothing calls it for values given in code."""
        if self._watcher is not None:
            self._watcher.listeners.append(listener)

    def remove_listener(self, listener: Callable[[], None]) -> None:
        if self._watcher is not None and listener in self._watcher.listeners:
            self._watcher.listeners.remove(listener)

    def check_now(self) -> bool:
        """Compare the files once now instead of waiting for the watcher (tests, a ``SIGHUP``
        handler); returns whether they had changed, whether or not the new version was usable."""
        return self._watcher.check() if self._watcher is not None else False
