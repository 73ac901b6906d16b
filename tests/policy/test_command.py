"""``geonotice test``: output, exit codes, JUnit, coverage and --app, as CI sees them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from geonotice.cli import main

from .conftest import DEMO_DB, RULES

Capture = pytest.CaptureFixture[str]
Write = Callable[[str], Path]

FAILING = """\
cases:
  - name: a reader in Kyiv is warned
    reader: UA-30
    url: /a/x/1.html
    expect: {notices: [ru-undesirable-organization]}
"""


def test_the_shipped_cases_pass_with_full_coverage(capsys: Capture) -> None:
    code = main(["test", str(RULES), str(RULES / "policy"), "--require-coverage"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[-1] == "38 passed, 0 failed"


def test_the_shipped_cases_pass_end_to_end_through_an_app(capsys: Capture, newsapp_on_path: str) -> None:
    code = main(["test", str(RULES), str(RULES / "policy"), "--app", newsapp_on_path, "--require-coverage"])
    assert (code, capsys.readouterr().out.splitlines()[-1]) == (0, "38 passed, 0 failed")


def test_the_shipped_cases_pass_end_to_end_through_the_demo_site(capsys: Capture) -> None:
    # The demo is the outlet the shipped cases describe: its per-language slugs, a Belarusian
    # edition for the rules' /be/ prefix, and a JSON API for the notice that covers it.
    code = main(
        ["test", str(RULES), str(RULES / "policy"), "--app", "geonotice.demo.site:app", "--require-coverage"]
    )
    out = capsys.readouterr().out
    assert (code, out.splitlines()[-1]) == (0, "38 passed, 0 failed"), out


def test_a_failure_is_explained_and_exits_1(capsys: Capture, write_cases: Write) -> None:
    path = write_cases(FAILING)
    code = main(["test", str(RULES), str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[:5] == [
        f"FAILED {path}:2: a reader in Kyiv is warned",
        "    reader: a reader in UA-30 (Kyiv), placed in UA-30 (Kyiv)",
        "    page: /a/x/1.html",
        "    expected exactly: ru-undesirable-organization; got: no notices",
        "    why: ru-undesirable-organization does not apply: jurisdiction: UA-30 (Kyiv) is in none of "
        "russia-and-occupied-ukraine",
    ]
    assert lines[-1] == "0 passed, 1 failed"


def test_a_yaml_error_in_a_case_file_is_reported_like_geonotice_check(
    capsys: Capture, write_cases: Write
) -> None:
    path = write_cases("cases:\n  - name: a\n    reader: RU\n    reader: BY\n")
    assert main(["test", str(RULES), str(path)]) == 1
    out = capsys.readouterr().out
    assert (
        f"    {path}:4:5: error: duplicate key 'reader' (first given on line 3): YAML would keep only "
        "one; delete one of the two, or merge them  [duplicate-key]" in out.splitlines()
    )


def test_a_case_naming_an_unknown_notice_fails(capsys: Capture, write_cases: Write) -> None:
    path = write_cases(FAILING.replace("[ru-undesirable-organization]", "[ru-warning]"))
    assert main(["test", str(RULES), str(path)]) == 1
    assert "unknown notice id 'ru-warning'" in capsys.readouterr().out


def test_coverage_gaps_are_reported_and_fail_only_when_required(capsys: Capture, write_cases: Write) -> None:
    path = write_cases(FAILING.replace("UA-30", "RU"))
    assert main(["test", str(RULES), str(path)]) == 0
    assert "coverage gap: notices never shown by any case: by-extremist-materials" in capsys.readouterr().out
    assert main(["test", str(RULES), str(path), "--require-coverage"]) == 1


def test_junit_xml_is_written_for_ci(capsys: Capture, write_cases: Write, tmp_path: Path) -> None:
    report = tmp_path / "out" / "policy.xml"
    report.parent.mkdir()
    assert main(["test", str(RULES), str(write_cases(FAILING)), "--junit", str(report)]) == 1
    # CI lists failures by this one line: what was expected, what came, for which reader and page.
    assert (
        '<failure message="expected exactly ru-undesirable-organization, got no notices: '
        'a reader in UA-30 (Kyiv), placed in UA-30 (Kyiv), on /a/x/1.html">'
    ) in report.read_text()


def test_json_output_for_tools(capsys: Capture, write_cases: Write) -> None:
    assert main(["test", str(RULES), str(write_cases(FAILING)), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert (document["passed"], document["failed"], document["ok"]) == (0, 1, False)


def test_readers_by_address_can_take_the_database_from_the_command_line(
    capsys: Capture, write_cases: Write
) -> None:
    path = write_cases(FAILING.replace("UA-30", "{ip: 192.0.2.1}").replace("Kyiv", "Moscow"))
    assert main(["test", str(RULES), str(path), "--geoip-db", str(DEMO_DB)]) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--app", "nocolon"], "Invalid value for '--app': 'nocolon' must have the form MODULE:APP"),
        (["--app", "no_such_module_xyz:app"], "no module named 'no_such_module_xyz'"),
    ],
)
def test_a_bad_app_is_a_one_line_usage_error(capsys: Capture, args: list[str], message: str) -> None:
    assert main(["test", str(RULES), str(RULES / "policy"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_missing_case_files_are_a_usage_error(capsys: Capture, tmp_path: Path) -> None:
    assert main(["test", str(RULES), str(tmp_path / "nope.policy.yaml")]) == 2
    assert main(["test", str(RULES), str(tmp_path)]) == 2
    assert "no *.policy.yaml files in" in capsys.readouterr().err


def test_rules_that_do_not_load_run_no_case(capsys: Capture, tmp_path: Path, write_cases: Write) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nnotices: [{id: x}]\n")
    assert main(["test", str(rules), str(write_cases(FAILING))]) == 1
    assert "the rules do not load, so no case was run" in capsys.readouterr().err
