"""The rules: which legal notices which readers get on which pages, as lawyers write them.

``load_rules`` reads and validates a rules file or directory into a ``Ruleset``; ``Engine``
compiles one for fast per-request decisions; ``RulesHolder`` keeps the current engine up to date
as the files change. ``check_rules`` and ``check_sources`` report problems without raising.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from geonotice.errors import RulesError
from geonotice.rules.engine import Engine
from geonotice.rules.explain import Explanation, NoticeExplanation, Reason
from geonotice.rules.files import check_path, rules_files
from geonotice.rules.holder import RulesHolder
from geonotice.rules.model import Decision, Notice, Ruleset, RulesFile
from geonotice.rules.validate import check_sources
from geonotice.yamlcheck import Problem, format_problems, load_marked

__all__ = [
    "Decision",
    "Engine",
    "Explanation",
    "Notice",
    "NoticeExplanation",
    "Problem",
    "Reason",
    "RulesFile",
    "Ruleset",
    "RulesError",
    "RulesHolder",
    "check_rules",
    "check_sources",
    "format_problems",
    "load_marked",
    "load_rules",
    "rules_files",
]


def check_rules(path: str | Path, *, now: dt.datetime | None = None) -> tuple[Ruleset | None, list[Problem]]:
    """Check a rules file or directory: the ruleset (``None`` if there is any error) and every
    problem found, warnings included, sorted by place. Never raises for bad input.

    ``now`` (an aware datetime; default the current time) dates the expiry and review warnings.
    """
    return check_path(path, now=now)


def load_rules(path: str | Path) -> Ruleset:
    """Load and validate the rules at ``path``: a ``.yaml`` file, or a directory whose ``*.yaml``
    files are read whole, in name order.

    Returns:
        The validated ruleset. Warnings (an expired notice...) do not prevent loading.

    Raises:
        RulesError: the rules have one or more errors; ``.problems`` carries every problem found.
    """
    ruleset, problems = check_path(path)
    if ruleset is None:
        raise RulesError(problems)
    return ruleset
