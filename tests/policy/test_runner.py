"""Running cases against the real engine and, end to end, through the real middleware."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from geonotice.importer import import_app
from geonotice.policy.cases import PolicyFile, find_case_files, load_case_file
from geonotice.policy.junit import COVERAGE_CASE, junit_xml
from geonotice.policy.report import Outcome, format_report
from geonotice.policy.runner import run_policy
from geonotice.rules import load_rules

from .conftest import ARTICLE, DEMO_DB, RULES

Load = Callable[[str], PolicyFile]


def one_case(expect: str, *, reader: str = "{region: UA-43}", url: str = ARTICLE, extra: str = "") -> str:
    return f"cases:\n  - name: the case\n    reader: {reader}\n    url: {url}\n{extra}    expect: {expect}\n"


def run(cases_from: Load, text: str, **options: object) -> list[str]:
    report = run_policy(load_rules(RULES), [cases_from(text)], **options)  # type: ignore[arg-type]
    (result,) = report.results
    return [result.outcome.value, *result.messages]


def test_a_case_that_holds_passes(cases_from: Load) -> None:
    assert run(cases_from, one_case("{notices: [ru-undesirable-organization]}")) == ["passed"]


def test_a_wrong_exact_list_fails_saying_what_was_expected_what_happened_and_why(cases_from: Load) -> None:
    messages = run(cases_from, one_case("{notices: none}"))
    assert messages[:4] == [
        "failed",
        "reader: a reader in UA-43 (Autonomous Republic of Crimea), placed in UA-43 (Autonomous "
        "Republic of Crimea)",
        f"page: {ARTICLE}",
        "expected exactly: no notices; got: ru-undesirable-organization",
    ]
    assert messages[4].startswith(
        "why: ru-undesirable-organization applies: jurisdiction: UA-43 (Autonomous Republic of Crimea) is "
        f"in russia-and-occupied-ukraine (through UA-43); path: {ARTICLE} matches /a/**; window: in force at "
    )


def test_a_missing_notice_names_the_reason_it_did_not_apply(cases_from: Load) -> None:
    messages = run(
        cases_from, one_case("{includes: [ru-undesirable-organization]}", reader="{region: UA-30}")
    )
    assert messages == [
        "failed",
        "reader: a reader in UA-30 (Kyiv), placed in UA-30 (Kyiv)",
        f"page: {ARTICLE}",
        "expected at least: ru-undesirable-organization; got: no notices",
        "why: ru-undesirable-organization does not apply: jurisdiction: UA-30 (Kyiv) is in none of "
        "russia-and-occupied-ukraine",
    ]


def test_excludes_fail_when_the_notice_is_shown(cases_from: Load) -> None:
    messages = run(cases_from, one_case("{excludes: [ru-undesirable-organization]}"))
    assert messages[3] == "expected not to see: ru-undesirable-organization; got: ru-undesirable-organization"


def test_text_contains_matches_whatever_the_line_breaks_and_capitals(cases_from: Load) -> None:
    text = one_case('{text-contains: "declared THIS publication an\\n  \\"undesirable organization\\""}')
    assert run(cases_from, text) == ["passed"]


def test_text_contains_fails_showing_the_text_that_was_shown(cases_from: Load) -> None:
    messages = run(cases_from, one_case("{text-contains: fined for reading}"))
    assert messages[3].startswith(
        "expected text containing 'fined for reading'; got ru-undesirable-organization [en]: "
    )


def test_the_language_follows_the_page_then_the_reader_then_the_default(cases_from: Load) -> None:
    on_russian_page = one_case("{language: ru}", url="/ru/a/x/1.html")
    by_reader = one_case("{language: ru}", extra="    language: ru-RU\n")
    default = one_case("{language: en}", extra="    language: de\n")
    assert [run(cases_from, text)[0] for text in (on_russian_page, by_reader, default)] == ["passed"] * 3
    messages = run(cases_from, one_case("{language: ru}"))
    assert messages[3] == "expected notices in ru; got ru-undesirable-organization in en"


def test_a_date_before_the_notice_takes_effect_shows_nothing(cases_from: Load) -> None:
    before = one_case("{notices: none}", extra="    date: 2021-05-25\n")
    on_the_day = one_case(
        "{notices: [ru-undesirable-organization]}", extra="    date: 2021-05-26T00:00:00Z\n"
    )
    assert run(cases_from, before) == ["passed"]
    assert run(cases_from, on_the_day) == ["passed"]


def test_readers_by_address_use_the_database(cases_from: Load) -> None:
    text = one_case("{notices: [ru-undesirable-organization]}", reader="{ip: 192.0.2.33}")
    assert run(cases_from, text, geoip_db=DEMO_DB) == ["passed"]


def test_a_reader_by_address_without_a_database_fails_saying_so(cases_from: Load) -> None:
    messages = run(cases_from, one_case("{notices: none}", reader="{ip: 192.0.2.33}"))
    assert messages == [
        "failed",
        "reader 192.0.2.33 needs a GeoIP database: add geoip-db: to the case file, or --geoip-db",
    ]


def test_a_missing_database_fails_the_case_with_the_reason(cases_from: Load, tmp_path: Path) -> None:
    messages = run(
        cases_from, one_case("{notices: none}", reader="{ip: 192.0.2.33}"), geoip_db=tmp_path / "no.mmdb"
    )
    assert messages[0] == "failed"
    assert str(tmp_path / "no.mmdb") in messages[1]


def test_readers_by_cdn_header_go_through_the_locator(cases_from: Load) -> None:
    text = one_case(
        "{notices: [ru-undesirable-organization]}",
        reader="{headers: {CF-IPCountry: UA, CF-Region-Code: '43'}}",
    )
    assert run(cases_from, text) == ["passed"]
    tor = one_case("{notices: none}", reader="{headers: {CF-IPCountry: T1}}")
    assert run(cases_from, tor) == ["passed"]


def test_an_unknown_notice_id_fails_the_case_at_its_location(cases_from: Load) -> None:
    messages = run(cases_from, one_case("{notices: [ru-undesirable]}"))
    assert messages == [
        "failed",
        "cases.policy.yaml:5:24: error: case 'the case': unknown notice id 'ru-undesirable' "
        "(did you mean 'ru-undesirable-organization'?)  [unknown-notice]",
    ]


def test_a_file_that_does_not_load_counts_as_one_failure_with_its_problems(cases_from: Load) -> None:
    report = run_policy(load_rules(RULES), [cases_from("cases:\n  - name: [oops\n")])
    (result,) = report.results
    assert result.outcome is Outcome.FAILED
    assert result.messages[0] == (
        "cases.policy.yaml:2:11: error: the '[' here is never closed: end the list with ']' on this "
        "line  [syntax]"
    )
    assert report.summary() == "0 passed, 1 failed"
    assert report.failed


def test_the_shipped_cases_pass_and_cover_the_shipped_rules_fully() -> None:
    files = [load_case_file(path) for path in find_case_files([RULES / "policy"])]
    report = run_policy(load_rules(RULES), files, require_coverage=True)
    assert [r.title for r in report.results if r.outcome is not Outcome.PASSED] == []
    assert report.coverage.complete
    assert not report.failed


def test_coverage_lists_what_no_case_exercised(cases_from: Load) -> None:
    policy = cases_from(one_case("{notices: [ru-undesirable-organization]}", reader="RU"))
    report = run_policy(load_rules(RULES), [policy], require_coverage=True)
    assert report.coverage.notices == ("by-extremist-materials",)
    assert report.coverage.jurisdictions == ("belarus",)
    assert report.coverage.regions == ("UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65", "BY")
    assert report.failed
    assert format_report(report).splitlines()[-4:] == [
        "coverage gap (failure: --require-coverage): notices never shown by any case: by-extremist-materials",
        "coverage gap (failure: --require-coverage): jurisdictions no case's reader was in: belarus",
        "coverage gap (failure: --require-coverage): regions no case's reader was in: "
        "UA-43, UA-40, UA-14, UA-09, UA-23, UA-65, BY",
        "1 passed, 0 failed",
    ]


def test_junit_xml_has_a_suite_per_file_with_failures_and_coverage(cases_from: Load) -> None:
    good = cases_from(one_case("{notices: [ru-undesirable-organization]}"))
    bad = cases_from(one_case("{notices: none}").replace("the case", "the bad case"))
    report = run_policy(load_rules(RULES), [good, bad], require_coverage=True)
    root = ET.fromstring(junit_xml(report))
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        ("cases.policy.yaml", "2", "1"),
        ("coverage", "1", "1"),
    ]
    cases = suites[0].findall("testcase")
    assert [(c.get("name"), c.get("line"), c.find("failure") is not None) for c in cases] == [
        ("the case", "2", False),
        ("the bad case", "2", True),
    ]
    failure = cases[1].find("failure")
    assert failure is not None and "expected exactly: no notices" in (failure.text or "")
    assert suites[1].find("testcase").get("name") == COVERAGE_CASE  # type: ignore[union-attr]


# -- end to end ----------------------------------------------------------------------------------------


def test_end_to_end_runs_check_the_rendered_page(newsapp_on_path: str) -> None:
    files = [load_case_file(path) for path in find_case_files([RULES / "policy"])]
    report = run_policy(load_rules(RULES), files, app=import_app(newsapp_on_path), require_coverage=True)
    assert [r.title for r in report.results if r.outcome is not Outcome.PASSED] == []
    notes = {r.name: r.notes for r in report.results}
    assert notes["a reader in Crimea is warned"] == (
        "end to end: status 200, Legal-Notices: ru-undesirable-organization",
    )


def test_end_to_end_finds_what_the_engine_alone_cannot_see(cases_from: Load, newsapp_on_path: str) -> None:
    # The page's own <html lang="en"> comes before everything else, which only a served page shows.
    text = one_case("{notices: [by-extremist-materials], language: ru}", reader="BY")
    report = run_policy(load_rules(RULES), [cases_from(text)], app=import_app(newsapp_on_path))
    (result,) = report.results
    assert result.messages == (
        f"end to end: GET {ARTICLE} through the middleware (status 200) did not match",
        "end to end: expected notices in ru; got by-extremist-materials in en",
    )


def test_end_to_end_reports_an_app_that_crashes(cases_from: Load) -> None:
    async def broken(scope: object, receive: object, send: object) -> None:
        raise RuntimeError("database is down")

    text = one_case("{notices: [ru-undesirable-organization]}")
    report = run_policy(load_rules(RULES), [cases_from(text)], app=broken)
    (result,) = report.results
    assert result.messages == (f"end to end: GET {ARTICLE} failed: RuntimeError: database is down",)
