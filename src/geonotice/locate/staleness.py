"""The reminder that the GeoIP database is old: a warning once a day, not once per process.

Logged only at load, a stale database is mentioned once per worker at start-up (four identical
lines with four workers) and then never again, however long the server runs on it. So the check
runs at every load and on the watcher's ticks, and the warning is given at most once per
``EVERY`` for each database path across all of this user's processes on the machine: the first
process whose check falls due claims the day in a small marker file, under a lock, and logs;
the others see the claim and stay quiet. Markers live in a directory of this user's only
(``geonotice-UID`` in the temporary directory, mode 0700, checked to be ours and not a link).
Where markers cannot be kept (a read-only or shared temporary directory), each process warns
once a day on its own: a warning too many beats none.

The warning has a logger of its own, ``geonotice.locate.staleness``: a deployment that keeps an
old database on purpose lowers that logger, and a process with the logger lowered claims nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from geonotice.locate.geoip import GeoIPDatabase

staleness_logger = logging.getLogger("geonotice.locate.staleness")

#: At most one warning per database path per this period.
EVERY = timedelta(days=1)
#: Where markers go; ``None`` for ``geonotice-UID`` in the temporary directory (tests set it).
MARKER_DIR: Path | None = None
# How often a process whose turn it was not looks at the marker again.
_LOOK_AGAIN = 3600.0


class StalenessReminder:
    """Warns that a database is older than ``stale_after``, at most once per ``EVERY``."""

    def __init__(self, stale_after: timedelta) -> None:
        self.stale_after = stale_after
        self._next_look = 0.0  # time.monotonic() of the next look at the marker

    def reset(self) -> None:
        """A new database was loaded: look at once."""
        self._next_look = 0.0

    def check(self, database: GeoIPDatabase) -> bool:
        """Warn if ``database`` is stale and no process warned about its path within ``EVERY``;
        returns whether this call warned. Cheap when nothing is due; never raises."""
        now = time.monotonic()
        if now < self._next_look or database.age <= self.stale_after:
            return False
        if not staleness_logger.isEnabledFor(logging.WARNING):
            return False
        wait = _claim(str(database.path), time.time())
        if wait > 0:
            self._next_look = now + min(wait, _LOOK_AGAIN)
            return False
        self._next_look = now + EVERY.total_seconds()
        staleness_logger.warning(
            "GeoIP database %s is %d days old: readers' locations drift as networks are reassigned; "
            "update it (geoipupdate, or a fresh DB-IP Lite download)",
            database.path,
            database.age.days,
        )
        return True


def _claim(key: str, now: float) -> float:
    """Claim the warning for ``key`` now: 0 if ours to give, else the seconds until it is due."""
    directory = _marker_dir()
    if directory is None:
        return 0.0
    name = "stale-" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    try:
        descriptor = os.open(directory / name, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return 0.0
    with os.fdopen(descriptor, "r+") as marker:
        if fcntl is not None:
            fcntl.flock(marker, fcntl.LOCK_EX)
        try:
            last = float(marker.read() or "0")
        except ValueError:
            last = 0.0
        due = last + EVERY.total_seconds()
        if now < due:
            return due - now
        marker.seek(0)
        marker.truncate()
        marker.write(repr(now))
    return 0.0


def _marker_dir() -> Path | None:
    """This user's marker directory, created if needed; ``None`` if it is not safe to use."""
    if MARKER_DIR is not None:
        return MARKER_DIR
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # pragma: no cover - Windows: no private directory to rely on
        return None
    directory = Path(tempfile.gettempdir()) / f"geonotice-{getuid()}"
    with contextlib.suppress(OSError):
        directory.mkdir(mode=0o700)
    try:
        status = directory.lstat()
    except OSError:
        return None
    # Someone else's directory, a link, or one others can write: markers there could be forged
    # (silencing the warning) or turned into a link to a file of ours.
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != getuid() or status.st_mode & 0o077:
        return None
    return directory
