"""Which files make up a rules version, and reading them without ever raising.

A rules path is one file or a directory read whole: its ``*.yaml`` files in name order. Policy
cases (``*.policy.yaml``) may live next to the rules and are not rules; hidden entries (a
Kubernetes ConfigMap's ``..data`` and ``..2024_...`` links) are skipped, and so are other files
(``README.md``, ``10-russia.yaml.bak``).

Nothing that was meant to count is dropped silently: a file whose name is a near miss of
``.yaml`` (``.yml``, ``.YAML``, ``.yaml.txt``) is an error, since its author surely meant it to be
read, and so is a rules file that cannot be read (a symbolic link to nothing or to itself, a
directory, a pipe, no permission). An empty file is an error too: it is what a deploy that failed
half way leaves behind, and its notices would vanish for every reader.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import errno
import os
import stat
from pathlib import Path

from geonotice.rules import codes
from geonotice.rules.model import Ruleset
from geonotice.rules.validate import check_sources
from geonotice.yamlcheck.loader import MAX_BYTES
from geonotice.yamlcheck.problems import START, Problem, ProblemCode, has_errors

POLICY_SUFFIX = ".policy.yaml"  # policy case files: the one place this suffix is written
RULES_SUFFIX = ".yaml"

# Editors' backups and disabled copies are deliberately not read, and never near misses.
_SET_ASIDE = ("~", ".bak", ".orig", ".old", ".swp", ".tmp", ".rej", ".disabled")
# What word processors and operating systems append to a name without asking.
_ADDED_SUFFIXES = (".txt", ".text")


def is_rules_file_name(name: str) -> bool:
    """Whether a file called ``name`` in a rules directory is read as rules (on disk or in git)."""
    return name.endswith(RULES_SUFFIX) and not name.endswith(POLICY_SUFFIX) and not name.startswith(".")


def near_miss(name: str) -> str | None:
    """The name ``name`` was surely meant to have, when it is a near miss of a ``.yaml`` name
    (``a.yml``, ``a.YAML``, ``a.yaml.txt``, ``a.ymal``, ``a.yaml ``); ``None`` otherwise."""
    if name.startswith(".") or is_rules_file_name(name) or name.endswith(POLICY_SUFFIX):
        return None
    lowered = name.lower().rstrip()
    if lowered.endswith(_SET_ASIDE):
        return None
    stem_end = len(name.rstrip())
    for added in _ADDED_SUFFIXES:
        if lowered.endswith(added):
            lowered, stem_end = lowered.removesuffix(added), stem_end - len(added)
    stem, dot, extension = lowered.rpartition(".")
    if not dot or not stem:
        return None
    close = extension in ("yaml", "yml") or difflib.SequenceMatcher(None, extension, "yaml").ratio() >= 0.75
    if not close:
        return None
    return name[: stem_end - len(extension) - 1].strip() + RULES_SUFFIX


def rules_files(path: str | Path) -> list[Path]:
    """The files a rules path stands for, in reading order (the path itself if it is not a
    directory). Entries that cannot be read are listed too: reading them reports why."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    try:
        return sorted((p for p in path.iterdir() if is_rules_file_name(p.name)), key=lambda p: p.name)
    except OSError:
        return []


def watched_files(path: str | Path) -> list[Path]:
    """What a running server watches to notice a new rules version: the rules files, and the
    near misses, so that one appearing is reported at once."""
    path = Path(path)
    found = rules_files(path)
    if path.is_dir():
        with contextlib.suppress(OSError):  # an unreadable directory is reported when read
            found += sorted(p for p in path.iterdir() if near_miss(p.name) is not None)
    return found


def read_sources(path: str | Path) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """The ``(display path, bytes)`` of every rules file under ``path``, and problems reading them."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.is_dir():
        if not path.exists() and not path.is_symlink():
            return [], [Problem.at(str(path), START, codes.NOT_FOUND, "no such file or directory")]
        content, problem = _read(path, codes.NOT_FOUND)
        return ([] if content is None else [(str(path), content)]), ([] if problem is None else [problem])
    try:
        entries = sorted(path.iterdir(), key=lambda p: p.name)
    except OSError as error:
        return [], [Problem.at(str(path), START, codes.NOT_FOUND, f"cannot read: {error.strerror}")]
    for entry in entries:
        meant = near_miss(entry.name)
        if meant is not None:
            message = f"this file is not read: rules files end in '.yaml'; rename it {meant!r} to be read"
            problems.append(Problem.at(str(entry), START, codes.IGNORED_FILE, message))
    files = [entry for entry in entries if is_rules_file_name(entry.name)]
    if not files and not problems:
        message = "no *.yaml rules files in this directory"
        problems.append(Problem.at(str(path), START, codes.NO_RULES, message))
    sources = []
    for file in files:
        content, problem = _read(file, codes.UNREADABLE)
        if content is not None:
            sources.append((str(file), content))
        if problem is not None:
            problems.append(problem)
    return sources, problems


def _read(file: Path, code: ProblemCode) -> tuple[bytes | None, Problem | None]:
    """The bytes of ``file`` (one byte past the size limit at most, so the loader can report the
    size without a huge read), or the problem reading it."""

    def refused(message: str) -> tuple[None, Problem]:
        return None, Problem.at(str(file), START, code, message)

    try:
        # Non-blocking: a named pipe left where a rules file was must not hang the reload thread.
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if file.is_symlink():
            target = os.readlink(file)
            return refused(
                f"this is a symbolic link to {target!r}, which does not exist: "
                "point the link at the rules file, or delete the link"
            )
        return refused("the file disappeared while it was being read")
    except OSError as error:
        if error.errno == errno.ELOOP:
            return refused(
                "this is a symbolic link that leads back to itself: "
                "point the link at the rules file, or delete the link"
            )
        return refused(f"cannot read: {error.strerror}")
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            return refused(
                "this is a directory, not a file: rules are read only from the folder itself; "
                "move its files up, or rename it so its name does not end in '.yaml'"
            )
        if not stat.S_ISREG(mode):
            return refused("this is not a regular file (a pipe, a socket or a device): put the file here")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(MAX_BYTES + 1), None
    except OSError as error:
        return refused(f"cannot read: {error.strerror}")
    finally:
        os.close(descriptor)


def check_path(path: str | Path, *, now: dt.datetime | None = None) -> tuple[Ruleset | None, list[Problem]]:
    """Check the rules file or directory at ``path``: the ruleset (``None`` on any error) and every
    problem, sorted. Never raises for bad input."""
    sources, problems = read_sources(path)
    ruleset, found = check_sources(sources, now=now, complete=not has_errors(problems))
    problems = sorted([*problems, *found])
    if has_errors(problems):
        return None, problems
    return ruleset, problems
