"""A policy case's ``placed``: where the notice lands on the page the app serves, end to end."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from geonotice.importer import import_app
from geonotice.policy import case_codes
from geonotice.policy.cases import PolicyFile
from geonotice.policy.placed import check_placed
from geonotice.policy.runner import run_policy
from geonotice.rules import load_rules
from geonotice.rules.model import Placement, PlacementKind, Position, Ruleset

from .conftest import RULES

Load = Callable[[str], PolicyFile]
ARTICLE = "/a/printers-turn-away-independent-papers/1042.html"
NOTICE = "ru-undesirable-organization"


def case(placed: str, *, includes: str = f"[{NOTICE}]") -> str:
    return (
        "cases:\n  - name: the case\n    reader: UA-43\n"
        f"    url: {ARTICLE}\n    expect:\n      includes: {includes}\n      placed: {placed}\n"
    )


@pytest.mark.parametrize(
    ("written", "placement"),
    [
        ("end-of-article", Placement(PlacementKind.END_OF_ARTICLE)),
        ("after-headline", Placement(PlacementKind.AFTER_HEADLINE)),
        ('after "p.byline"', Placement(PlacementKind.SELECTOR, "p.byline", Position.AFTER)),
        ("before article h1", Placement(PlacementKind.SELECTOR, "article h1", Position.BEFORE)),
        (
            "{selector: div.author-box, position: append}",
            Placement(PlacementKind.SELECTOR, "div.author-box", Position.APPEND),
        ),
        ("{element: story}", Placement(PlacementKind.ELEMENT, "story")),
    ],
)
def test_placed_reads_a_placement_as_the_rules_write_it_or_in_words(
    cases_from: Load, written: str, placement: Placement
) -> None:
    policy = cases_from(case(f"'{written}'" if written.startswith("after") else written))
    assert policy.problems == ()
    assert policy.cases[0].expect.placed == placement


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("below the headline", "unknown placement 'below the headline'"),
        ("'after article > p'", "the child step '>'"),
        ("'append img.logo'", "<img> holds nothing"),
        ("{selector: p.byline}", "say where, relative to the element"),
    ],
)
def test_a_placed_that_is_not_a_placement_is_a_problem_saying_why(
    cases_from: Load, written: str, message: str
) -> None:
    (problem,) = cases_from(case(written)).problems
    assert problem.code is case_codes.INVALID_PLACED
    assert message in problem.message


# -- end to end -------------------------------------------------------------------------------------

PAGE = b"""<!doctype html>
<html lang="en"><head><title>A story</title></head>
<body>
<header><h1 class="logo"><a href="/">The Ledger</a></h1></header>
<article class="story">
  <h1>Court adjourns hearing again</h1>
  <p class="byline">By Marta Oliynyk</p>
  <p>Text of the story.</p>
  <div class="author-box">About the author</div>
</article>
</body></html>
"""


def site(page: bytes = PAGE) -> Starlette:
    async def article(request: Request) -> HTMLResponse:
        return HTMLResponse(page)

    return Starlette(routes=[Route("/a/{slug:path}", article)])


def rules_placing(placement: Placement) -> Ruleset:
    ruleset = load_rules(RULES)
    notices = tuple(
        dataclasses.replace(n, placement=placement) if n.id == NOTICE else n for n in ruleset.notices
    )
    return dataclasses.replace(ruleset, notices=notices, digest="")


def outcome(ruleset: Ruleset, policy: PolicyFile, app: Starlette | None) -> list[str]:
    (result,) = run_policy(ruleset, [policy], app=app).results
    return [result.outcome.value, *result.messages, *result.notes]


def test_the_notice_lands_where_placed_says_whatever_placement_puts_it_there(cases_from: Load) -> None:
    ruleset = rules_placing(Placement(PlacementKind.END_OF_ARTICLE))
    # The end of this site's article is right after its author box: either way of saying it holds.
    for placed in ("end-of-article", "'after \"div.author-box\"'", "'append article'"):
        assert outcome(ruleset, cases_from(case(placed)), site())[0] == "passed", placed


def test_a_notice_elsewhere_fails_saying_where_it_is_and_where_it_was_expected(cases_from: Load) -> None:
    ruleset = rules_placing(Placement(PlacementKind.AFTER_HEADLINE))  # the site's first <h1> is its logo
    result = outcome(ruleset, cases_from(case("'after \"article h1\"'")), site())
    assert result[:2] == [
        "failed",
        "end to end: GET /a/printers-turn-away-independent-papers/1042.html through the middleware "
        "(status 200) did not match",
    ]
    assert result[2] == (
        f'end to end: expected {NOTICE} after "article h1", which is line 6, column 40 (by <h1> at line 6, '
        'column 3); it is at line 4, column 57, between \'s="logo"><a href="/">The Ledger</a></h1>\' '
        "and '</header> <article class=\"story\"> <h1>'"
    )


def test_a_page_that_lacks_the_spot_says_the_notice_fell_back(cases_from: Load) -> None:
    ruleset = rules_placing(Placement(PlacementKind.SELECTOR, "div.author-box", Position.AFTER))
    page = PAGE.replace(b'<div class="author-box">About the author</div>\n', b"")
    result = outcome(ruleset, cases_from(case("'after div.author-box'")), site(page))
    assert result[0] == "failed"
    assert (
        "the page has no such place: at the end of the body, line 10, column 1 (before </body>)" in result[2]
    )
    assert outcome(ruleset, cases_from(case("end-of-body")), site(page))[0] == "passed"


def test_the_shipped_rules_place_the_russia_notice_at_the_start_of_the_article(
    cases_from: Load, newsapp_on_path: str
) -> None:
    app = import_app(newsapp_on_path)
    ruleset = load_rules(RULES)
    for placed in ("start-of-article", "'before \"article h1\"'", "'prepend article'"):
        assert outcome(ruleset, cases_from(case(placed)), app)[0] == "passed", placed
    assert outcome(ruleset, cases_from(case("after-headline")), app)[0] == "failed"


def test_without_an_app_placed_is_noted_as_not_checked(cases_from: Load) -> None:
    assert outcome(load_rules(RULES), cases_from(case("after-headline")), None) == [
        "passed",
        "placed: not checked; it is checked end to end, with --app",
    ]


def test_check_placed_ignores_white_space_and_other_notices_between() -> None:
    aside = (
        b'<aside class="geonotice-notice geonotice-notice--{id}" data-notice-id="{id}" lang="en">x</aside>'
    )
    other, mine = (aside.replace(b"{id}", name) for name in (b"other", b"mine"))
    served = b"<body><article><h1>T</h1>\n  " + other + b"\n" + mine + b"<p>x</p></article></body>"
    assert check_placed(served, ["mine", "other"], Placement(PlacementKind.AFTER_HEADLINE)) == []
    assert check_placed(served, ["absent"], Placement(PlacementKind.AFTER_HEADLINE)) == [
        "expected absent after-headline; it is not in the page"
    ]
