"""``docs/rules.md`` stays true: its example is valid, its reference is generated from the code,
and every problem code in it does what its examples say."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from geonotice.region import region_from_code
from geonotice.rules import Engine, check_rules, check_sources
from geonotice.rules import codes as rules_codes
from geonotice.rules.codes import CATALOGUE
from geonotice.rules.schema import RULES_FORMAT
from geonotice.yamlcheck import Problem, ProblemCode
from geonotice.yamlcheck import codes as yaml_codes
from geonotice.yamlcheck.reference import MARKER, is_described

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "rules.md").read_text()
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def test_the_reference_section_is_generated_from_the_schema() -> None:
    # Regenerate with: scripts/reference-docs
    assert DOC.split(MARKER, 1)[1].strip() == RULES_FORMAT.docs_reference().strip()


def test_the_complete_example_is_valid_and_decides_as_described() -> None:
    example = re.search(r"```yaml\n(.*?)```", DOC, re.DOTALL)
    assert example is not None
    ruleset, problems = check_sources(
        [("example.yaml", example.group(1))], now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    )
    assert ruleset is not None and problems == []
    engine = Engine(ruleset)
    at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert [n.id for n in engine.evaluate(region_from_code("UA-43"), "/ru/a/x/1.html", at=at).notices] == [
        "ru-undesirable-organization"
    ]
    assert [n.id for n in engine.evaluate(region_from_code("UA-30"), "/a/x", "news.example", at).notices] == [
        "ua-martial-law-reminder"
    ]


def test_the_default_for_unknown_readers_is_stated() -> None:
    assert "**By default they get nothing.**" in DOC


# -- the catalogue of problem codes ----------------------------------------------------------------------

Problems = list[Problem]


def checked(*texts: str) -> Problems:
    return check_sources([(f"{i}.yaml", text) for i, text in enumerate(texts)], now=NOW)[1]


def checked_folder(folder: Path, files: dict[str, str], *, links: dict[str, str] | None = None) -> Problems:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    for name, target in (links or {}).items():
        (folder / name).symlink_to(target)
    return check_rules(folder, now=NOW)[1]


SETTINGS = "version: 1\nreaders:\n  unknown: []\n"
RECENT_REVIEW = (
    "version: 1\nnotices:\n  - id: warning\n    text: {en: <p>Read this.</p>}\n    default language: en\n"
    f"    last reviewed: {(NOW - dt.timedelta(days=30)).date()}\n"
)

# What examples in words describe, set up for real: (problems of the FAIL case, of the PASS case).
SET_UP: dict[ProblemCode, Callable[[Path], tuple[Problems, Problems]]] = {
    yaml_codes.TOO_LARGE: lambda tmp: (checked("#" * 2_000_000), checked("version: 1\n")),
    rules_codes.DUPLICATE_SETTING: lambda tmp: (checked(SETTINGS, SETTINGS), checked(SETTINGS)),
    rules_codes.NOT_FOUND: lambda tmp: (check_rules(tmp / "rulez")[1], check_rules(ROOT / "rules")[1]),
    rules_codes.NO_RULES: lambda tmp: (
        checked_folder(tmp / "empty", {}),
        checked_folder(tmp / "rules", {"main.yaml": "version: 1\n"}),
    ),
    rules_codes.UNREADABLE: lambda tmp: (
        checked_folder(
            tmp / "linked", {"00-main.yaml": "version: 1\n"}, links={"10-russia.yaml": "gone.yaml"}
        ),
        checked_folder(tmp / "rules", {"00-main.yaml": "version: 1\n", "10-russia.yaml": "version: 1\n"}),
    ),
    rules_codes.IGNORED_FILE: lambda tmp: (
        checked_folder(tmp / "yml", {"main.yaml": "version: 1\n", "extra.yml": "version: 1\n"}),
        checked_folder(tmp / "yaml", {"main.yaml": "version: 1\n", "extra.yaml": "version: 1\n"}),
    ),
    rules_codes.REVIEW_OVERDUE: lambda tmp: (
        checked(rules_codes.REVIEW_OVERDUE.fail),
        checked(RECENT_REVIEW),
    ),
}


def by_name(code: ProblemCode) -> str:
    return code.name


@pytest.mark.parametrize("code", CATALOGUE, ids=by_name)
def test_every_code_is_documented_with_a_failing_and_a_passing_example(code: ProblemCode) -> None:
    assert code.summary and code.fail.strip() and code.ok.strip()
    assert code.fail != code.ok
    assert f"##### `{code.name}` ({code.level})" in DOC


@pytest.mark.parametrize("code", CATALOGUE, ids=by_name)
def test_the_failing_example_has_its_problem_and_the_passing_one_does_not(
    code: ProblemCode, tmp_path: Path
) -> None:
    if code in SET_UP:
        failing, passing = SET_UP[code](tmp_path)
    else:
        failing, passing = checked(code.fail), checked(code.ok)
    assert code in [p.code for p in failing], [str(p) for p in failing]
    assert code not in [p.code for p in passing], [str(p) for p in passing]


def test_examples_in_words_are_exactly_those_set_up_by_hand() -> None:
    in_words = {code for code in CATALOGUE if is_described(code.fail) or is_described(code.ok)}
    assert in_words == set(SET_UP)


def test_names_are_unique_in_the_catalogue() -> None:
    names = [code.name for code in CATALOGUE]
    assert len(names) == len(set(names))
