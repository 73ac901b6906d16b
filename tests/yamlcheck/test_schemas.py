"""The JSON Schemas of ``geonotice schema`` (rules) and ``geonotice schema --cases`` accept the
shipped files and refuse what the checker refuses for its shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from geonotice.policy import case_codes
from geonotice.policy.case_format import CASES_FORMAT
from geonotice.rules import codes as rules_codes
from geonotice.rules.schema import RULES_FORMAT
from geonotice.yamlcheck import codes as yaml_codes

from .schema_subset import as_editors_see, errors

ROOT = Path(__file__).resolve().parents[2]
RULES = sorted((ROOT / "rules").glob("[0-9]*.yaml"))
CASES = sorted((ROOT / "rules" / "policy").glob("*.policy.yaml"))


@pytest.mark.parametrize("path", RULES, ids=lambda path: path.name)
def test_the_shipped_rules_fit_the_rules_schema(path: Path) -> None:
    assert errors(RULES_FORMAT.json_schema(), as_editors_see(path.read_text())) == []


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.name)
def test_the_shipped_cases_fit_the_case_schema(path: Path) -> None:
    assert errors(CASES_FORMAT.json_schema(), as_editors_see(path.read_text())) == []


@pytest.mark.parametrize(
    "code",
    [
        yaml_codes.UNKNOWN_KEY,
        yaml_codes.MISSING_KEY,
        yaml_codes.WRONG_TYPE,
        rules_codes.VERSION,
        rules_codes.INVALID_NAME,
        rules_codes.INVALID_PLACEMENT,
        rules_codes.INVALID_CONTENT_TYPE,
        rules_codes.INVALID_URL,
    ],
    ids=str,
)
def test_the_rules_schema_refuses_failing_examples_and_accepts_passing_ones(code: object) -> None:
    schema = RULES_FORMAT.json_schema()
    assert errors(schema, as_editors_see(code.fail))  # type: ignore[attr-defined]
    assert errors(schema, as_editors_see(code.ok)) == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "code", [case_codes.INVALID_READER, case_codes.INVALID_URL, case_codes.INVALID_LANGUAGE], ids=str
)
def test_the_case_schema_refuses_failing_examples_and_accepts_passing_ones(code: object) -> None:
    schema = CASES_FORMAT.json_schema()
    assert errors(schema, as_editors_see(code.fail))  # type: ignore[attr-defined]
    assert errors(schema, as_editors_see(code.ok)) == []  # type: ignore[attr-defined]
