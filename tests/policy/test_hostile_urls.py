"""Links that do not parse (``http://[::1``, which makes ``urlsplit`` raise) are reported like any
other bad link, by ``explain --url`` and in a policy case, never as a traceback."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from geonotice.cli import main
from geonotice.policy.cases import PolicyFile, page_of

from .conftest import RULES

BROKEN = ["http://[::1", "https://[2001:db8::1/a", "http://]/", "http://a]b/"]


@pytest.mark.parametrize("url", BROKEN)
def test_a_link_that_does_not_parse_is_no_page(url: str) -> None:
    assert page_of(url) is None


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("http://[::1]/a/x", ("/a/x", "::1")),
        ("/a/%20x", ("/a/ x", None)),
        ("https://news.example", ("/", "news.example")),
    ],
)
def test_links_that_parse_still_give_their_page(url: str, page: tuple[str, str | None]) -> None:
    assert page_of(url) == page


@pytest.mark.parametrize("url", BROKEN)
def test_explain_reports_a_link_that_does_not_parse_in_one_line(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", str(RULES), "--region", "RU", "--url", url]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err == f"Error: Invalid value for '--url': {url!r} is not a path starting with / or an http(s) link"
    )


def test_a_policy_case_with_a_link_that_does_not_parse_is_a_problem_at_its_line(
    cases_from: Callable[[str], PolicyFile],
) -> None:
    policy = cases_from("cases:\n  - {name: a, reader: RU, url: 'http://[::1', expect: {notices: none}}\n")
    assert [f"{p.line}:{p.column}: {p.message}" for p in policy.problems] == [
        "2:32: case 'a': url: expected a path starting with / or an http(s) link, got 'http://[::1'"
    ]
