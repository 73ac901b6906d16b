"""The evidence record on disk: whole-line appends under a lock, size-based rotation.

Several worker processes write one record. Each append takes an exclusive ``flock`` on a lock
file beside the record (``PATH.lock``), opens the record with ``O_APPEND``, writes its lines in
one go, ``fsync``s and closes: lines of two workers never interleave, and an append is whole or
absent (a write the disk cuts short is truncated back before the lock is released). When the
record would grow past ``max_bytes`` it is first renamed to the next free ``PATH.N`` (1, 2, ...:
the higher, the newer); nothing is ever deleted, since this is evidence.

``EvidenceFile.appender`` (``write_all`` by default) is the seam for tests that need a write to
fail the way a full disk does where no small file system can be mounted: it gets the open file
descriptor and the bytes, and may write part of them and raise ``OSError``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Callable
from pathlib import Path

from geonotice.errors import ConfigError

__all__ = ["DEFAULT_MAX_BYTES", "EvidenceFile", "record_files"]

DEFAULT_MAX_BYTES = 64 << 20

Appender = Callable[[int, bytes], None]


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a write may be cut short)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class EvidenceFile:
    """Appends lines to the record at ``path``; see the module docstring.

    Raises:
        ConfigError: at construction, the record or its lock file cannot be written (no such
            directory, a directory in the way, a read-only file system, no permission). Nothing
            is left behind by the check.
    """

    def __init__(self, path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, appender: Appender = write_all):
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.max_bytes = max_bytes
        self.appender = appender
        for candidate in (path, self.lock_path):
            _check_writable(candidate)

    def append(self, lines: list[str]) -> None:
        """Append ``lines`` (each a JSON document without its newline) as one whole write.

        Raises:
            OSError: the lines could not be written (nothing of them stays in the record).
        """
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        lock = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o640)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._rotate_if_full(len(data))
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                start = os.fstat(fd).st_size
                try:
                    self.appender(fd, data)
                    os.fsync(fd)
                except OSError:
                    # A partial line would be read as garbage and a retry would repeat the
                    # whole lines before it: leave the record as it was.
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, start)
                    raise
            finally:
                os.close(fd)
        finally:
            os.close(lock)  # releases the flock

    def _rotate_if_full(self, adding: int) -> None:
        try:
            size = os.stat(self.path).st_size
        except FileNotFoundError:
            return
        if size == 0 or size + adding <= self.max_bytes:
            return
        numbers = [number for _, number in _rotated(self.path)]
        os.rename(self.path, self.path.with_name(f"{self.path.name}.{max(numbers, default=0) + 1}"))
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename survives a crash
        finally:
            os.close(directory)


def _check_writable(path: Path) -> None:
    if path.is_dir():
        raise ConfigError(f"{path} is a directory; give the path of a file", setting="evidence_log")
    existed = path.exists()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    except OSError as error:
        reason = error.strerror or str(error)
        if isinstance(error, FileNotFoundError | NotADirectoryError):
            reason = f"{path.parent} is not a directory"
        raise ConfigError(f"cannot write to {path}: {reason}", setting="evidence_log") from None
    os.close(fd)
    if not existed:
        path.unlink(missing_ok=True)


_ROTATED = re.compile(r"\.(\d+)$")


def _rotated(path: Path) -> list[tuple[Path, int]]:
    found = []
    for candidate in path.parent.glob(path.name + ".*"):
        match = _ROTATED.search(candidate.name[len(path.name) :])
        if match and candidate.name == f"{path.name}.{match.group(1)}":
            found.append((candidate, int(match.group(1))))
    return sorted(found, key=lambda item: item[1])


def record_files(path: Path) -> list[Path]:
    """The files of the record at ``path``, oldest first: the rotated ones, then ``path``."""
    files = [candidate for candidate, _ in _rotated(path)]
    if path.exists():
        files.append(path)
    return files
