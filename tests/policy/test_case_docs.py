"""``docs/policy-tests.md`` stays true: its reference is generated from the case format, its
example loads, and every problem code particular to case files does what its examples say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geonotice.policy import case_codes
from geonotice.policy.case_codes import CATALOGUE
from geonotice.policy.case_format import CASES_FORMAT
from geonotice.policy.cases import check_against, load_case_file, load_cases
from geonotice.rules import load_rules
from geonotice.yamlcheck import Problem, ProblemCode
from geonotice.yamlcheck.reference import MARKER, is_described

from .conftest import HERE, ROOT, RULES

DOC = (ROOT / "docs" / "policy-tests.md").read_text()
RULESET = load_rules(RULES)


def test_the_reference_section_is_generated_from_the_case_format() -> None:
    # Regenerate with: scripts/reference-docs
    assert DOC.split(MARKER, 1)[1].strip() == CASES_FORMAT.docs_reference().strip()


def test_the_example_loads_without_problems() -> None:
    example = re.search(r"```yaml\n(.*?)```", DOC, re.DOTALL)
    assert example is not None
    policy = load_cases(example.group(1), "example.policy.yaml", base=RULES / "policy")
    assert policy.problems == () and len(policy.cases) == 2
    assert check_against(policy, RULESET) == {}


def problems_of(text: str) -> list[Problem]:
    policy = load_cases(text, "example.policy.yaml", base=HERE)
    return [*policy.problems, *(p for found in check_against(policy, RULESET).values() for p in found)]


def unreadable(tmp_path: Path) -> tuple[list[Problem], list[Problem]]:
    readable = tmp_path / "readable.policy.yaml"
    readable.write_text(case_codes.EMPTY_FILE.ok)
    return list(load_case_file(tmp_path).problems), list(load_case_file(readable).problems)


def by_name(code: ProblemCode) -> str:
    return code.name


@pytest.mark.parametrize("code", CATALOGUE, ids=by_name)
def test_every_code_is_documented_with_a_failing_and_a_passing_example(code: ProblemCode) -> None:
    assert code.summary and code.fail.strip() and code.ok.strip() and code.fail != code.ok
    assert f"##### `{code.name}` ({code.level})" in DOC


@pytest.mark.parametrize("code", CATALOGUE, ids=by_name)
def test_the_failing_example_has_its_problem_and_the_passing_one_does_not(
    code: ProblemCode, tmp_path: Path
) -> None:
    if code is case_codes.UNREADABLE:
        failing, passing = unreadable(tmp_path)
    else:
        failing, passing = problems_of(code.fail), problems_of(code.ok)
    assert code in [p.code for p in failing], [str(p) for p in failing]
    assert code not in [p.code for p in passing], [str(p) for p in passing]


def test_only_the_unreadable_file_is_described_in_words() -> None:
    in_words = [code for code in CATALOGUE if is_described(code.fail) or is_described(code.ok)]
    assert in_words == [case_codes.UNREADABLE]


def test_names_are_unique_in_the_catalogue() -> None:
    names = [code.name for code in CATALOGUE]
    assert len(names) == len(set(names))
