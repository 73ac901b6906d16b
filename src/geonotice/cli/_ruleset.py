"""Reading the rules for the commands that only read them (``variants``, ``edge-config``)."""

from __future__ import annotations

from pathlib import Path

from geonotice.cli._common import BadArgument
from geonotice.importer import one_line
from geonotice.rules import Ruleset, check_rules


def read_rules(path: Path) -> Ruleset:
    """The rules at ``path``.

    Raises:
        BadArgument: they do not load; one line naming the first error (exit code 2).
    """
    ruleset, problems = check_rules(path)
    if ruleset is None:
        errors = [problem for problem in problems if problem.is_error] or problems
        more = f" (and {len(errors) - 1} more: run 'geonotice check')" if len(errors) > 1 else ""
        first = one_line(errors[0]) if errors else "the rules do not load"
        raise BadArgument("RULES", first + more)
    return ruleset
