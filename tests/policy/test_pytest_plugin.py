"""The pytest plugin: policy files become test items that fail with the runner's messages."""

from __future__ import annotations

import pytest

from .conftest import DEMO_DB, RULES

pytest_plugins = ["pytester"]

CASE = """\
rules: {rules}
geoip-db: {db}
cases:
  - name: Crimea is warned
    reader: {{ip: 192.0.2.17}}
    url: /a/x/1.html
    expect: {{notices: [ru-undesirable-organization]}}

  - name: Kyiv is warned too, wrongly
    reader: {{region: UA-30}}
    url: /a/x/1.html
    expect: {{notices: [ru-undesirable-organization]}}
"""


def test_each_case_is_an_item_and_failures_read_like_geonotice_test(pytester: pytest.Pytester) -> None:
    pytester.makefile(".policy.yaml", ukraine=CASE.format(rules=RULES, db=DEMO_DB))
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*ukraine.policy.yaml::Crimea is warned PASSED*",
            "*ukraine.policy.yaml::Kyiv is warned too, wrongly FAILED*",
            "policy case 'Kyiv is warned too, wrongly' failed:",
            "reader: a reader in UA-30 (Kyiv), placed in UA-30 (Kyiv)",
            "page: /a/x/1.html",
            "expected exactly: ru-undesirable-organization; got: no notices",
            "why: ru-undesirable-organization does not apply: jurisdiction: UA-30 (Kyiv) is in none of *",
        ]
    )


def test_items_report_the_line_of_their_case(pytester: pytest.Pytester) -> None:
    pytester.makefile(".policy.yaml", ukraine=CASE.format(rules=RULES, db=DEMO_DB))
    items, _ = pytester.inline_genitems("-p", "no:cacheprovider")
    assert [(item.name, item.reportinfo()[1]) for item in items] == [
        ("Crimea is warned", 3),
        ("Kyiv is warned too, wrongly", 8),
    ]


def test_a_yaml_error_is_a_collection_error_with_its_location(pytester: pytest.Pytester) -> None:
    pytester.makefile(".policy.yaml", broken=f"rules: {RULES}\ncases:\n  - name: [oops\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        # fnmatch reads [ as a set of characters: [[] is a plain [.
        ["broken.policy.yaml:3:11: error: the '[[]' here is never closed: end the list with ']' on this *"]
    )


def test_an_unknown_notice_id_fails_that_case_only(pytester: pytest.Pytester) -> None:
    text = CASE.format(rules=RULES, db=DEMO_DB).replace(
        "expect: {notices: [ru-undesirable-organization]}\n\n", "expect: {notices: [ru-undesirable]}\n\n"
    )
    pytester.makefile(".policy.yaml", ukraine=text)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        ["*unknown notice id 'ru-undesirable' (did you mean 'ru-undesirable-organization'?)*"]
    )


def test_the_rules_can_come_from_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makeini(f"[pytest]\ngeonotice_rules = {RULES}\n")
    pytester.makefile(
        ".policy.yaml",
        by="cases:\n  - {name: Minsk, reader: BY-HM, url: /a/x,\n"
        "     expect: {includes: [by-extremist-materials]}}\n",
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_file_without_rules_says_how_to_name_them(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".policy.yaml", lost="cases:\n  - {name: a, reader: RU, url: /, expect: {notices: none}}\n"
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*lost.policy.yaml: no rules to test: add 'rules: <path>' to it, or set geonotice_rules"]
    )


def test_other_yaml_files_are_not_collected(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", settings="version: 1\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
