"""Which files make up a rules version, and reading them without ever raising.

A rules path is one file or a directory read whole: its ``*.yaml`` files in name order. Policy
cases (``*.policy.yaml``) may live next to the rules and are not rules; hidden entries (a
Kubernetes ConfigMap's ``..data`` and ``..2024_...`` links) are skipped. A ``*.yml`` file is
reported rather than silently ignored, since its author surely meant it to count.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from geonotice.rules import codes
from geonotice.rules.model import Ruleset
from geonotice.rules.validate import check_sources
from geonotice.yamlcheck.loader import MAX_BYTES
from geonotice.yamlcheck.problems import START, Problem, has_errors

POLICY_SUFFIX = ".policy.yaml"  # policy case files: the one place this suffix is written


def is_rules_file_name(name: str) -> bool:
    """Whether a file called ``name`` in a rules directory is read as rules (on disk or in git)."""
    return name.endswith(".yaml") and not name.endswith(POLICY_SUFFIX) and not name.startswith(".")


def rules_files(path: str | Path) -> list[Path]:
    """The files a rules path stands for, in reading order (the path itself if it is a file)."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    try:
        return sorted(
            (p for p in path.iterdir() if is_rules_file_name(p.name) and p.is_file()), key=lambda p: p.name
        )
    except OSError:
        return []


def read_sources(path: str | Path) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """The ``(display path, bytes)`` of every rules file under ``path``, and problems reading them."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.exists():
        return [], [Problem.at(str(path), START, codes.NOT_FOUND, "no such file or directory")]
    if path.is_dir():
        try:
            entries = sorted(path.iterdir(), key=lambda p: p.name)
        except OSError as error:
            return [], [Problem.at(str(path), START, codes.NOT_FOUND, f"cannot read: {error.strerror}")]
        for entry in entries:
            if entry.name.endswith(".yml") and not entry.name.startswith("."):
                message = "not read: rules files end in .yaml (rename it to be read)"
                problems.append(Problem.at(str(entry), START, codes.IGNORED_FILE, message))
    files = rules_files(path)
    if path.is_dir() and not files:
        message = "no *.yaml rules files in this directory"
        problems.append(Problem.at(str(path), START, codes.NO_RULES, message))
    sources = []
    for file in files:
        try:
            with file.open("rb") as handle:
                # Read one byte past the limit so the loader reports the size, without reading a huge file.
                sources.append((str(file), handle.read(MAX_BYTES + 1)))
        except OSError as error:
            problems.append(Problem.at(str(file), START, codes.NOT_FOUND, f"cannot read: {error.strerror}"))
    return sources, problems


def check_path(path: str | Path, *, now: dt.datetime | None = None) -> tuple[Ruleset | None, list[Problem]]:
    """Check the rules file or directory at ``path``: the ruleset (``None`` on any error) and every
    problem, sorted. Never raises for bad input."""
    sources, problems = read_sources(path)
    ruleset, found = check_sources(sources, now=now)
    problems = sorted([*problems, *found])
    if has_errors(problems):
        return None, problems
    return ruleset, problems
