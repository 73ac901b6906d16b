"""From loaded YAML to a ``Ruleset``, collecting every problem on the way.

Checking runs in two passes. The first walks each file against the tables in ``schema.py``
(``walk.py``, with the toolkit's walker and the value types of ``values.py``): keys (with "did you
mean"), required keys, and each value by its declared type; it never stops at the first problem. The second
(``crossref.py``) looks across files: duplicate names, references, include cycles, unused
jurisdictions, dates. A ``Ruleset`` comes out only when no error was found; warnings never block.
Messages carry cfgv-style breadcrumbs on one line: ``notice 'x': pages.paths[1]: ...``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from geonotice.rules import schema
from geonotice.rules.crossref import Checker
from geonotice.rules.model import Ruleset, digest_files
from geonotice.rules.moments import utc
from geonotice.yamlcheck.loader import load_marked
from geonotice.yamlcheck.problems import Problem, has_errors


def check_sources(
    sources: Sequence[tuple[str, bytes | str]], *, now: dt.datetime | None = None, complete: bool = True
) -> tuple[Ruleset | None, list[Problem]]:
    """Check rules given as ``(display path, content)`` pairs, read in order as one rules version.

    Used for files on disk and for rules from elsewhere (a git revision, a test). Returns the
    ruleset (``None`` if any error was found) and every problem, sorted. Never raises for bad input.
    ``now`` (an aware datetime, default the current time) dates the expiry and review warnings.
    ``complete=False`` says some file of the version could not be read, so what looks undefined or
    unused across files may be defined or used there: those checks wait until it can be read.
    """
    checker = Checker(utc(now))
    for path, content in sources:
        root, problems = load_marked(content, path, keys=schema.RULES_FORMAT.keys)
        checker.problems.extend(problems)
        if root is not None or not problems:
            checker.check_file(path, root, blank=not _as_bytes(content).strip())
        else:
            complete = False  # a file YAML cannot read: the rest would be guesses
    if complete:
        checker.cross_check()
    problems = sorted(set(checker.problems))
    if has_errors(problems):
        return None, problems
    digest, files = digest_files([(path, _as_bytes(content)) for path, content in sources])
    return checker.ruleset([path for path, _ in sources], digest=digest, files=files), problems


def _as_bytes(content: bytes | str) -> bytes:
    return content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
