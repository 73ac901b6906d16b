"""A corpus of broken rules files, one mistake each, as people make them, with the exact message
each must get: at the right line and column, naming places by name, saying what to type instead.

Each file in ``broken/`` says in its first comment what the mistake is, and lists in ``# expect:``
lines every problem ``geonotice check`` must report, exactly. A folder (for mistakes in file names
and file contents that a comment cannot sit in) lists them in ``expected.txt``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geonotice.rules import check_rules

BROKEN = Path(__file__).resolve().parent / "broken"
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
EXPECT = b"# expect: "


def expected(case: Path) -> list[str]:
    if case.is_dir():
        return (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    # The header is plain ASCII and UTF-8 even in the file saved in another encoding.
    lines = case.read_bytes().split(b"\n")
    return [line.removeprefix(EXPECT).decode() for line in lines if line.startswith(EXPECT)]


def reported(case: Path) -> list[str]:
    return [
        f"{Path(p.path).name + ':' if case.is_dir() else ''}{p.line}:{p.column}: {p.level}: {p.message}"
        for p in check_rules(case, now=NOW)[1]
    ]


CASES = sorted(BROKEN.iterdir())


def test_the_corpus_has_a_case_for_each_mistake_people_make() -> None:
    assert len(CASES) >= 30
    assert all(expected(case) for case in CASES), "every case says what it expects"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_mistake_gets_its_exact_message(case: Path) -> None:
    assert reported(case) == expected(case)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_one_mistake_is_one_problem(case: Path) -> None:
    # No follow-on noise: a mistake's consequences are not reported as problems of their own.
    assert len(reported(case)) == 1
