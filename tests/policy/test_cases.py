"""The policy-case format: what loads, and every mistake reported at its line and column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from geonotice.policy.cases import PolicyFile, check_against, find_case_files, load_case_file
from geonotice.region import Region
from geonotice.rules import load_rules

from .conftest import RULES

Load = Callable[[str], PolicyFile]


def problems(policy: PolicyFile) -> list[str]:
    return [f"{p.line}:{p.column}: {p.message}" for p in policy.problems]


def test_a_full_case_loads_with_every_field(cases_from: Load) -> None:
    policy = cases_from(
        """\
description: Crimea
cases:
  - name: Crimea reader sees the warning
    description: the whole point
    reader: {region: UA-43}
    url: https://news.example/ru/a/story%20one
    language: ru
    date: 2024-06-01
    expect:
      notices: [ru-undesirable-organization]
      includes: [ru-undesirable-organization]
      excludes: [by-extremist-materials]
      text-contains: [нежелательной, "undesirable"]
      language: ru
"""
    )
    assert policy.problems == ()
    assert policy.description == "Crimea"
    (case,) = policy.cases
    assert case.reader.region == Region("UA", ("UA-43",))
    assert (case.path, case.host, case.line) == ("/ru/a/story one", "news.example", 3)
    assert case.at == dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    assert case.expect.notices == ("ru-undesirable-organization",)
    assert case.expect.text_contains == ("нежелательной", "undesirable")
    assert case.language == "ru"


@pytest.mark.parametrize(
    ("reader", "kind"),
    [
        ("unknown", "unknown"),
        ("anonymous", "anonymous"),
        ("RU", "region"),
        ("{ip: 192.0.2.1, geoip-db: db.mmdb}", "ip"),
        ("{headers: {CF-IPCountry: RU}}", "headers"),
        ("{headers: {X-Country: RU}, cdn: {country: X-Country}}", "headers"),
        ("{headers: {X-Vercel-IP-Country: RU}}", "headers"),
    ],
)
def test_every_kind_of_reader_loads(cases_from: Load, reader: str, kind: str) -> None:
    policy = cases_from(
        f"cases:\n  - name: c\n    reader: {reader}\n    url: /a/x\n    expect: {{notices: none}}\n"
    )
    assert policy.problems == ()
    assert policy.cases[0].reader.kind == kind


def test_notices_none_and_an_empty_list_both_mean_no_notices(cases_from: Load) -> None:
    policy = cases_from(
        "cases:\n"
        "  - {name: a, reader: RU, url: /, expect: {notices: none}}\n"
        "  - {name: b, reader: RU, url: /, expect: {notices: []}}\n"
    )
    assert [case.expect.notices for case in policy.cases] == [(), ()]


def test_a_yaml_syntax_error_is_reported_at_its_place(cases_from: Load) -> None:
    policy = cases_from("cases:\n  - name: a\n    reader: [RU\n")
    assert policy.cases == ()
    (problem,) = policy.problems
    # At the bracket left open, not where the parser noticed (the end of the file).
    assert (problem.path, problem.line, problem.code.name) == ("cases.policy.yaml", 3, "syntax")
    assert str(problem) == (
        "cases.policy.yaml:3:13: error: the '[' here is never closed: end the list with ']' on this line"
    )


def test_duplicate_keys_are_refused_like_in_the_rules(cases_from: Load) -> None:
    policy = cases_from(
        "cases:\n  - name: a\n    name: b\n    reader: RU\n    url: /\n    expect: {notices: none}\n"
    )
    assert (
        "3:5: duplicate key 'name' (first given on line 2): YAML would keep only one; "
        "delete one of the two, or merge them"
    ) in problems(policy)


def test_unknown_keys_get_a_did_you_mean(cases_from: Load) -> None:
    policy = cases_from(
        "cases:\n  - name: a\n    reader: RU\n    url: /\n    expect: {notice: [x]}\n    dates: 2024-01-01\n"
    )
    assert problems(policy) == [
        "5:14: case 'a': expect: unknown key 'notice' (did you mean 'notices'?)",
        "6:5: case 'a': unknown key 'dates' (did you mean 'date'?)",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "reader: UA-99",
            "4:13: case 'a': reader: unknown region 'UA-99': Ukraine has no subdivision with that code "
            "(see its codes with: geonotice regions UA)",
        ),
        ("reader: {ip: 1.2.3}", "4:18: case 'a': reader.ip: '1.2.3' is not an IP address"),
        (
            "reader: {region: RU, ip: 192.0.2.1}",
            "4:13: case 'a': reader: give exactly one of region, ip or headers (got region and ip)",
        ),
        (
            "reader: {headers: {X-Where: RU}}",
            (
                "4:23: case 'a': reader.headers: no CDN sends X-Where; add cdn: with one of "
                "'cloudflare', 'cloudfront', 'vercel', 'appengine' or cdn: {country: HEADER, "
                "region: HEADER}"
            ),
        ),
        (
            "reader: {headers: {CF-IPCountry: RU}, cdn: cloudflair}",
            "4:48: case 'a': reader.cdn: unknown CDN 'cloudflair' (did you mean 'cloudflare'?)",
        ),
        ("reader: [RU]", "4:13: case 'a': reader: expected region:, ip: or headers:, got a list"),
    ],
)
def test_bad_readers_are_reported_at_the_value(cases_from: Load, line: str, expected: str) -> None:
    policy = cases_from(f"cases:\n  - name: a\n    url: /a/x\n    {line}\n    expect: {{notices: none}}\n")
    assert problems(policy) == [expected]
    assert policy.cases == ()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "date: 2024-13-01",
            "5:11: '2024-13-01' looks like a date but is not one (month must be in 1..12): write a "
            'real date, year-month-day, or put the text in quotes ("...")',
        ),
        (
            "date: next tuesday",
            (
                "5:11: case 'a': date: expected a date (2025-01-31) or a time with its zone "
                "(2025-01-31T12:00:00Z), got the text 'next tuesday'"
            ),
        ),
        (
            "date: 2024-01-01T10:00:00",
            (
                "5:11: case 'a': date: give the time with its zone, e.g. 2025-01-31T12:00:00Z, "
                "got the date and time 2024-01-01 10:00:00 (YAML reads unquoted "
                "2024-01-01T10:00:00 that way)"
            ),
        ),
        (
            "language: english!",
            "5:15: case 'a': language: 'english!' is not a language tag like 'en', 'ru' or 'pt-BR'",
        ),
    ],
)
def test_bad_dates_and_languages_are_reported(cases_from: Load, line: str, expected: str) -> None:
    policy = cases_from(
        f"cases:\n  - name: a\n    url: /a/x\n    reader: RU\n    {line}\n    expect: {{notices: none}}\n"
    )
    assert expected in problems(policy)


def test_a_url_must_be_a_path_or_a_web_link(cases_from: Load) -> None:
    policy = cases_from("cases:\n  - {name: a, reader: RU, url: a/x, expect: {notices: none}}\n")
    assert problems(policy) == [
        "2:32: case 'a': url: expected a path starting with / or an http(s) link, got 'a/x'"
    ]


def test_missing_parts_of_a_case_are_named(cases_from: Load) -> None:
    policy = cases_from("cases:\n  - reader: RU\n")
    assert problems(policy) == [
        "2:5: cases[0]: missing key 'expect': say what must hold (notices:, includes:, ...)",
        "2:5: cases[0]: missing key 'name': say what the case checks, in a sentence",
        "2:5: cases[0]: missing key 'url': the page, as a path (/a/story) or a link",
    ]
    assert problems(cases_from("cases:\n  - {name: a, url: /, expect: {notices: none}}\n")) == [
        "2:5: case 'a': missing key 'reader': give region:, ip:, headers:, or unknown"
    ]


def test_an_empty_notices_value_asks_for_none(cases_from: Load) -> None:
    policy = cases_from("cases:\n  - name: a\n    reader: RU\n    url: /\n    expect:\n      notices:\n")
    assert problems(policy) == [
        "6:15: case 'a': expect.notices: empty; write 'none' for no notices, or list the ids"
    ]


def test_case_names_are_unique_within_a_file(cases_from: Load) -> None:
    policy = cases_from(
        "cases:\n"
        "  - {name: same, reader: RU, url: /, expect: {notices: none}}\n"
        "  - {name: same, reader: BY, url: /, expect: {notices: none}}\n"
    )
    assert problems(policy) == ["3:5: cases[1]: case name 'same' is already used on line 2"]
    assert len(policy.cases) == 1


def test_a_file_without_cases_is_a_problem(cases_from: Load) -> None:
    assert problems(cases_from("description: nothing\n")) == [
        "1:1: missing key 'cases': the list of cases this file checks"
    ]
    assert problems(cases_from("")) == ["1:1: the file is empty: it should list cases"]


def test_an_unknown_notice_id_is_found_against_the_rules(cases_from: Load) -> None:
    policy = cases_from(
        "cases:\n  - name: a\n    reader: RU\n    url: /a/x\n    expect:\n      "
        "includes: [ru-undesirable-organisation]\n"
    )
    found = check_against(policy, load_rules(RULES))
    (problem,) = found["a"]
    assert str(problem) == (
        "cases.policy.yaml:6:18: error: case 'a': unknown notice id 'ru-undesirable-organisation' "
        "(did you mean 'ru-undesirable-organization'?)"
    )


def test_directories_are_searched_for_policy_files(tmp_path: pytest.TempPathFactory) -> None:
    assert [p.name for p in find_case_files([RULES])] == [
        "belarus.policy.yaml",
        "russia-foreign-agent.policy.yaml",
        "russia.policy.yaml",
    ]
    with pytest.raises(FileNotFoundError):
        find_case_files([RULES / "missing.policy.yaml"])


def test_an_unreadable_file_is_a_problem_not_an_exception() -> None:
    policy = load_case_file(RULES)  # a directory
    assert [p.code.name for p in policy.problems] == ["unreadable"]
