"""Placements as lawyers write them: the new kinds, selectors and their positions, what ``check``
says about each mistake, and the placement section of ``docs/rules.md``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rules_harness import run_check

from geonotice.policy.cases import load_cases
from geonotice.rules.model import Placement, PlacementKind, Position
from geonotice.rules.schema import RULES_FORMAT
from geonotice.rules.selectors import Compound, SelectorError, parse_selector
from yamlcheck.schema_subset import as_editors_see, errors

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "rules.md").read_text()
SECTION = DOC.split("## Placements", 1)[1].split("\n## ", 1)[0]


def notice(placement: str) -> str:
    return (
        "version: 1\njurisdictions:\n  russia: {regions: [RU]}\nnotices:\n  - id: warning\n"
        "    applies to: [russia]\n    text: {en: <p>Read this.</p>}\n    default language: en\n"
        f"    placement: {placement}\n"
    )


def placement_of(written: str) -> Placement:
    ruleset, problems = run_check(notice(written))
    assert problems == [] and ruleset is not None, [str(p) for p in problems]
    return ruleset.notices[0].placement


@pytest.mark.parametrize(
    ("written", "placement"),
    [
        ("end-of-article", Placement(PlacementKind.END_OF_ARTICLE)),
        ("after-headline", Placement(PlacementKind.AFTER_HEADLINE)),
        (
            '{selector: "article p.byline", position: after}',
            Placement(PlacementKind.SELECTOR, "article p.byline", Position.AFTER),
        ),
        (
            "{selector: '#story', position: prepend}",
            Placement(PlacementKind.SELECTOR, "#story", Position.PREPEND),
        ),
        (
            "{selector: img.logo, position: before}",
            Placement(PlacementKind.SELECTOR, "img.logo", Position.BEFORE),
        ),
        ("{element: notice-slot}", Placement(PlacementKind.ELEMENT, "notice-slot")),
        ("{marker: legal-notices}", Placement(PlacementKind.MARKER, "legal-notices")),
    ],
)
def test_each_placement_is_read_as_written(written: str, placement: Placement) -> None:
    assert placement_of(written) == placement


@pytest.mark.parametrize(
    ("written", "code", "message"),
    [
        ('{selector: "article > p", position: after}', "invalid-selector", "the child step '>'"),
        ('{selector: "p:first-child", position: after}', "invalid-selector", "a pseudo-class"),
        ('{selector: "h1, h2", position: after}', "invalid-selector", "a list of selectors"),
        ('{selector: "main article p", position: after}', "invalid-selector", "one is supported"),
        ('{selector: "[data-x^=a]", position: after}', "invalid-selector", "write [name] or [name=value]"),
        ('{selector: "body", position: prepend}', "invalid-selector", "use start-of-body or end-of-body"),
        ('{selector: "template .card", position: after}', "invalid-selector", "is not shown"),
        ('{selector: "img p", position: after}', "invalid-selector", "nothing is ever inside <img>"),
        ('{selector: "", position: after}', "invalid-selector", "the selector is empty"),
        ("{selector: br, position: append}", "impossible-position", "<br> holds nothing"),
        ("{selector: textarea#comment, position: prepend}", "impossible-position", "holds text, not markup"),
        ("{selector: p.byline, position: below}", "invalid-placement", "unknown position 'below'"),
        ("{selector: p.byline}", "invalid-placement", "say where, relative to the element: position:"),
        ("{selector: p.byline, position: after, where: x}", "invalid-placement", "unknown key 'where'"),
        ("{selector: 12, position: after}", "quote-it", "write it in quotes"),
        ("end-of-articel", "invalid-placement", "(did you mean 'end-of-article'?)"),
        ("{element: 1x}", "invalid-placement", "'1x' is not an element id"),
    ],
)
def test_a_wrong_placement_is_an_error_that_says_what_to_write(written: str, code: str, message: str) -> None:
    _, problems = run_check(notice(written))
    assert [p.code.name for p in problems] == [code], [str(p) for p in problems]
    assert message in problems[0].message


def test_every_selector_error_shows_what_is_supported() -> None:
    for text in ("a > b", "a + b", "a ~ b", "*", "p::before", "a\\:b", "svg|a", "#1x"):
        with pytest.raises(SelectorError) as raised:
            parse_selector(text)
        assert "#id" in str(raised.value) or "not an id or class name" in str(raised.value)


def test_selectors_read_quotes_spaces_and_unicode() -> None:
    selector = parse_selector('  Article  DIV.a.b[data-x="a b"][itemprop=articleBody]#caf\u00e9  ')
    assert selector.text == 'Article  DIV.a.b[data-x="a b"][itemprop=articleBody]#caf\u00e9'
    assert selector.ancestor == Compound(tag="article")
    assert selector.target == Compound(
        "div", "caf\u00e9", ("a", "b"), (("data-x", "a b"), ("itemprop", "articleBody"))
    )
    assert selector.target.matches(
        "div", {"id": "caf\u00e9", "class": "x a\tb", "data-x": "a b", "itemprop": "articleBody"}
    )
    assert not selector.target.matches("div", {"id": "caf\u00e9", "class": "a", "data-x": "a b"})


@pytest.mark.parametrize(
    ("written", "valid"),
    [
        ("end-of-article", True),
        ("after-headline", True),
        ('{selector: "article p.byline", position: after}', True),
        ("{element: notice-slot}", True),
        ("{selector: p.byline}", False),
        ("{selector: p.byline, position: below}", False),
        ("{selector: p.byline, position: after, element: x}", False),
    ],
)
def test_the_schema_editors_get_knows_the_placements(written: str, valid: bool) -> None:
    found = errors(RULES_FORMAT.json_schema(), as_editors_see(notice(written)))
    assert (found == []) is valid, found


# -- the docs ------------------------------------------------------------------------------------------


def test_the_docs_state_the_after_headline_rule_and_the_logo_advice() -> None:
    words = " ".join(SECTION.split())
    assert (
        "The rule is: the first `</h1>` of the page that is not inside a comment, raw-text element, "
        "`<template>` or attribute. On an article page built the usual way this is the headline, "
        "inside the article or just above it. The notice streams with the page, with no extra "
        "hold-back. A site whose first `<h1>` is a logo"
    ) in words
    assert '`{selector: "article h1", position: after}` instead' in words


def test_the_docs_example_moves_the_russia_notice_after_the_article_with_a_link() -> None:
    rules, case = re.findall(r"```yaml\n(.*?)```", SECTION, re.DOTALL)
    ruleset, problems = run_check(rules)
    assert [p for p in problems if p.level == "error"] == []
    assert ruleset is not None
    (warning,) = ruleset.notices
    assert warning.placement == Placement(PlacementKind.END_OF_ARTICLE)
    assert all('<a href="https://news.example/' in text for text in warning.texts.values())
    policy = load_cases(case, "example.policy.yaml")
    assert policy.problems == ()
    assert policy.cases[0].expect.placed == Placement(
        PlacementKind.SELECTOR, "div.author-box", Position.AFTER
    )


def test_the_shipped_rules_keep_their_placement() -> None:
    shipped = (ROOT / "rules" / "10-russia.yaml").read_text()
    assert "placement: start-of-article" in shipped
