"""Which files make up a rules version, and reading them without ever raising.

A rules path is one file or a directory read whole: its ``*.yaml`` files in name order. Policy
cases (``*.policy.yaml``) may live next to the rules and are not rules; hidden entries (a
Kubernetes ConfigMap's ``..data`` and ``..2024_...`` links) are skipped. A ``*.yml`` file is
reported rather than silently ignored, since its author surely meant it to count.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from geonotice.rules.model import Ruleset
from geonotice.rules.problems import Problem
from geonotice.rules.validate import check_sources
from geonotice.rules.yamlsafe import MAX_BYTES

POLICY_SUFFIX = ".policy.yaml"


def _is_rules_file(path: Path) -> bool:
    name = path.name
    return name.endswith(".yaml") and not name.endswith(POLICY_SUFFIX) and not name.startswith(".")


def rules_files(path: str | Path) -> list[Path]:
    """The files a rules path stands for, in reading order (the path itself if it is a file)."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    try:
        return sorted((p for p in path.iterdir() if _is_rules_file(p) and p.is_file()), key=lambda p: p.name)
    except OSError:
        return []


def read_sources(path: str | Path) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """The ``(display path, bytes)`` of every rules file under ``path``, and problems reading them."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.exists():
        return [], [Problem(str(path), 1, 1, "error", "no such file or directory", "not-found")]
    if path.is_dir():
        try:
            entries = sorted(path.iterdir(), key=lambda p: p.name)
        except OSError as error:
            return [], [Problem(str(path), 1, 1, "error", f"cannot read: {error.strerror}", "not-found")]
        for entry in entries:
            if entry.name.endswith(".yml") and not entry.name.startswith("."):
                problems.append(
                    Problem(
                        str(entry),
                        1,
                        1,
                        "warning",
                        "not read: rules files end in .yaml (rename it to be read)",
                        "ignored-file",
                    )
                )
    files = rules_files(path)
    if path.is_dir() and not files:
        problems.append(
            Problem(str(path), 1, 1, "error", "no *.yaml rules files in this directory", "no-rules")
        )
    sources = []
    for file in files:
        try:
            with file.open("rb") as handle:
                # Read one byte past the limit so the loader reports the size, without reading a huge file.
                sources.append((str(file), handle.read(MAX_BYTES + 1)))
        except OSError as error:
            problems.append(Problem(str(file), 1, 1, "error", f"cannot read: {error.strerror}", "not-found"))
    return sources, problems


def check_path(path: str | Path, *, now: dt.datetime | None = None) -> tuple[Ruleset | None, list[Problem]]:
    """Check the rules file or directory at ``path``: the ruleset (``None`` on any error) and every
    problem, sorted. Never raises for bad input."""
    sources, problems = read_sources(path)
    ruleset, found = check_sources(sources, now=now)
    problems = sorted([*problems, *found])
    if any(p.level == "error" for p in problems):
        return None, problems
    return ruleset, problems
