"""Fixtures for the rules tests (the harness itself is in ``rules_harness``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from rules_harness import NOW, Check, run_check

from geonotice.rules import Ruleset
from geonotice.yamlcheck import Problem


@pytest.fixture
def check() -> Check:
    def run(*texts: str, now: dt.datetime = NOW) -> list[Problem]:
        return run_check(*texts, now=now)[1]

    return run


@pytest.fixture
def load() -> Callable[..., Ruleset]:
    def run(*texts: str, now: dt.datetime = NOW) -> Ruleset:
        ruleset, problems = run_check(*texts, now=now)
        assert ruleset is not None, [str(p) for p in problems]
        return ruleset

    return run
