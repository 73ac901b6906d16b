"""A yamllint-like harness for the rules tests: YAML in, located problems out."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable

from geonotice.rules import Ruleset, check_sources
from geonotice.yamlcheck import Problem

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)

Check = Callable[..., list[Problem]]


def run_check(*texts: str, now: dt.datetime = NOW) -> tuple[Ruleset | None, list[Problem]]:
    """Check one or more rules files given as (dedented) text, named a.yaml, b.yaml..."""
    sources = [(f"{chr(ord('a') + i)}.yaml", textwrap.dedent(text)) for i, text in enumerate(texts)]
    return check_sources(sources, now=now)
