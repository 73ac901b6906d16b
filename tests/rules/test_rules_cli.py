"""``geonotice check`` and ``geonotice schema``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geonotice.cli import main
from geonotice.policy.case_format import CASES_FORMAT
from geonotice.rules.schema import FILE_FIELDS, RULES_FORMAT

BAD = "version: 1\njurisdictions:\n  russia:\n    regions: [RU, UA-99]\n"


@pytest.fixture
def bad_rules(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    return path


def test_check_prints_each_problem_like_a_compiler_and_exits_1(
    bad_rules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(bad_rules)]) == 1
    lines = capsys.readouterr().out.splitlines()
    # Sorted by place in the file.
    assert lines[0] == f"{bad_rules}:3:3: warning: jurisdiction 'russia' is not used by any notice"
    assert lines[1].startswith(
        f"{bad_rules}:4:19: error: jurisdiction 'russia': regions[1]: unknown region 'UA-99'"
    )
    assert lines[-1] == f"{bad_rules}: 1 error, 1 warning"


def test_check_json_is_one_document_for_tools(bad_rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json", str(bad_rules)]) == 1
    captured = capsys.readouterr()
    problems = json.loads(captured.out)
    assert problems[1] == {
        "path": str(bad_rules),
        "line": 4,
        "column": 19,
        "level": "error",
        "message": problems[1]["message"],
        "code": "invalid-region",
    }
    assert "1 error, 1 warning" in captured.err


def test_check_github_annotates_pull_requests(bad_rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "github", str(bad_rules)]) == 1
    first = capsys.readouterr().out.splitlines()[1]
    assert first.startswith(
        f"::error file={bad_rules},line=4,col=19,title=invalid-region::jurisdiction 'russia'"
    )


def test_warnings_alone_exit_0_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "r.yaml").write_text("version: 1\njurisdictions:\n  russia:\n    regions: [RU]\n")
    assert main(["check", str(tmp_path)]) == 0
    assert main(["check", "--strict", str(tmp_path)]) == 1


def test_check_of_a_missing_path_is_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 1
    assert "no such file or directory" in capsys.readouterr().out


def test_a_bad_format_is_a_usage_error(bad_rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "xml", str(bad_rules)]) == 2


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == RULES_FORMAT.json_schema()
    assert printed["$schema"].endswith("2020-12/schema")
    assert set(printed["properties"]) == {field.key for field in FILE_FIELDS}
    assert printed["required"] == ["version"]
    notice = printed["properties"]["notices"]["items"]
    assert notice["additionalProperties"] is False
    assert {"id", "applies to", "text", "default language", "placement", "pages"} <= set(notice["properties"])


def test_schema_cases_prints_the_json_schema_of_a_case_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--cases"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == CASES_FORMAT.json_schema()
    assert printed["required"] == ["cases"]
    case = printed["properties"]["cases"]["items"]
    assert case["required"] == ["name", "reader", "url", "expect"]
