"""Reading the rules for the commands that only read them (``variants``, ``edge-config``), and
the one line every command prints for rules that do not load."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from geonotice.cli._common import BadArgument
from geonotice.importer import one_line
from geonotice.rules import Ruleset, check_rules
from geonotice.yamlcheck.problems import Problem, errors_in


def read_rules(path: Path) -> Ruleset:
    """The rules at ``path``.

    Raises:
        BadArgument: they do not load; one line naming the first error (exit code 2).
    """
    ruleset, problems = check_rules(path)
    if ruleset is None:
        raise BadArgument("RULES", first_problem(problems))
    return ruleset


def first_problem(problems: Sequence[Problem]) -> str:
    """Rules that do not load, in one line: their first error, and how many more there are (the
    whole list is ``geonotice check``'s job)."""
    errors = errors_in(problems) or list(problems)
    more = f" (and {len(errors) - 1} more: run 'geonotice check' to see all)" if len(errors) > 1 else ""
    first = one_line(errors[0]) if errors else "the rules do not load"
    return first + more
