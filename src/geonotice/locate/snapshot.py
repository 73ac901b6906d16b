"""A private copy of the GeoIP database file, so that nobody can shrink the file we map.

maxminddb's C reader memory-maps the database. When the mapped file is rewritten in place (``cp
new.mmdb city.mmdb`` truncates it before writing), the next lookup that touches a page past the
new end gets ``SIGBUS``, and the whole worker dies with every request in flight; no Python code
can catch that. Renaming a complete file over the old one (as ``geoipupdate`` does) is safe, but
nothing makes operators rename. So the operator's file is never mapped: it is copied into a file
of our own, created in the temporary directory with ``mkstemp`` (mode 0600) and unlinked as soon
as the reader has mapped it. A file that has no name cannot be opened, truncated or rewritten by
anyone, and the mapping stays valid until the reader is garbage-collected.

The alternative, maxminddb's ``MODE_MEMORY``, is its pure-Python reader: about 15 times slower
per lookup (docs/locating.md has the figures), so the C reader over a private copy it is.

The copy is checked against the source: if the source's size, modification time or inode
changed while it was read, or fewer bytes came than its size promised, it was caught mid-write
and ``SourceChanged`` is raised; the watcher tries again once the file has settled.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

logger = logging.getLogger("geonotice.locate")

_CHUNK = 1 << 20


class SourceChanged(OSError):
    """The database file changed while it was being copied."""


class FileIdentity(NamedTuple):
    """What changes when a file is replaced or rewritten in any way."""

    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileIdentity:
        return cls(stat.st_ino, stat.st_size, stat.st_mtime_ns)


class Snapshot(NamedTuple):
    """The private copy (``path``, still named while the context is open) and what the source
    file was when it was copied."""

    path: Path
    source: FileIdentity


@contextlib.contextmanager
def private_copy(source: Path, directory: str | None = None) -> Iterator[Snapshot]:
    """Copy ``source`` into a private file, yield it, and remove its name on exit: a mapping
    made inside the ``with`` block stays valid, and nobody else can reach the file.

    ``directory`` defaults to the temporary directory (``TMPDIR``).

    Raises:
        OSError: the source cannot be opened or read (``FileNotFoundError``,
            ``IsADirectoryError``, ``PermissionError`` ...), or the copy cannot be written (no
            space left); ``SourceChanged`` when the source changed while it was copied.
    """
    with open(source, "rb") as reader:
        status = os.fstat(reader.fileno())
        if not stat.S_ISREG(status.st_mode):  # a device or a pipe would be read forever
            raise OSError(errno.EINVAL, "not a regular file", str(source))
        before = FileIdentity.of(status)
        descriptor, name = tempfile.mkstemp(prefix="geonotice-geoip-", suffix=".mmdb", dir=directory)
        copy = Path(name)
        try:
            with os.fdopen(descriptor, "wb") as writer:
                shutil.copyfileobj(reader, writer, _CHUNK)
                copied = writer.tell()
            after = FileIdentity.of(os.fstat(reader.fileno()))
            if after != before or copied != before.size:
                raise SourceChanged(f"{source} changed while it was being read")
            yield Snapshot(copy, before)
        finally:
            _remove(copy)


def _remove(copy: Path) -> None:
    try:
        copy.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:  # a system that cannot unlink a mapped file (Windows)
        logger.debug("private copy %s of the GeoIP database not removed: %s", copy, error)
