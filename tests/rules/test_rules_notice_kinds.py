"""The notice kinds real laws demand: a label under the headline, a style the site's CSS sizes,
a notice under review that is never served, and a notice that must stay in one language; and the
warning for pages whose language a notice has no text in."""

# The YAML snippets read best one notice per line, so long lines are allowed here.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable

from rules_harness import NOW, Check

from geonotice.region import region_from_code
from geonotice.rules import Engine, Ruleset
from geonotice.rules.model import PlacementKind

NOTICE = """\
version: 1
jurisdictions:
  russia: {{regions: [RU]}}
notices:
  - id: label
    applies to: [russia]
    default language: ru
    text: {{ru: <p>Метка.</p>}}
    {extra}
"""
Load = Callable[..., Ruleset]


def notice(extra: str = "") -> str:
    return NOTICE.format(extra=extra)


def test_after_headline_is_a_placement(load: Load) -> None:
    ruleset = load(notice("placement: after-headline"))
    assert ruleset.notices[0].placement.kind is PlacementKind.AFTER_HEADLINE


def test_a_style_is_kept_for_the_page(load: Load) -> None:
    assert load(notice("style: label-large")).notices[0].style == "label-large"
    assert load(notice()).notices[0].style == ""


def test_a_draft_is_checked_but_no_engine_serving_readers_decides_with_it(load: Load) -> None:
    ruleset = load(notice("status: draft"))
    assert ruleset.notices[0].draft
    moscow = region_from_code("RU-MOW")
    assert Engine(ruleset).evaluate(moscow, "/a/x", at=NOW).notices == ()
    assert [n.id for n in Engine(ruleset, include_drafts=True).evaluate(moscow, "/a/x", at=NOW).notices] == [
        "label"
    ]
    assert not load(notice("status: live")).notices[0].draft


def test_a_draft_is_still_checked(check: Check) -> None:
    problems = check(notice("status: draft\n    placement: top"))
    assert [p.code.name for p in problems] == ["invalid-placement"]


def test_a_draft_in_readers_lists_is_not_served_to_them_either(load: Load) -> None:
    ruleset = load(notice("status: draft") + "readers:\n  unknown: [label]\n")
    assert Engine(ruleset).evaluate(region_from_code("RU"), "/a/x", at=NOW).notices == ()
    from geonotice.region import UNKNOWN

    assert Engine(ruleset).evaluate(UNKNOWN, "/a/x", at=NOW).notices == ()


PAGES = 'page languages:\n  "/uk/": uk\n  "/en/": en\n'


def test_a_notice_without_the_text_its_pages_need_gets_a_warning(check: Check) -> None:
    problems = check(notice() + PAGES)
    assert [str(p) for p in problems] == [
        "a.yaml:8:11: warning: notice 'label': text: no 'en' text, so readers of the pages under /en/ (page languages) would be shown the 'ru' text (the default language, unless their browser asks for another it has): add the text in en (a 'en:' line under 'text:')",
        "a.yaml:8:11: warning: notice 'label': text: no 'uk' text, so readers of the pages under /uk/ (page languages) would be shown the 'ru' text (the default language, unless their browser asks for another it has): add the text in uk (a 'uk:' line under 'text:')",
    ]


def test_no_warning_for_pages_the_notice_does_not_cover(check: Check) -> None:
    assert check(notice('pages: {paths: ["/ru/**"]}') + PAGES) == []
    assert check(notice('pages: {paths: ["/**"], except: ["/uk/**", "/en/**"]}') + PAGES) == []
    assert check(notice('pages: {paths: ["/{ru,be}/a/**"]}') + PAGES) == []
    assert len(check(notice('pages: {paths: ["/??/a/**"]}') + PAGES)) == 2


def test_a_primary_language_text_serves_its_regional_pages(check: Check) -> None:
    text = notice().replace("{ru: <p>Метка.</p>}", "{ru: <p>Метка.</p>, pt: <p>Rótulo.</p>}")
    assert check(text + 'page languages:\n  "/br/": pt-BR\n') == []


def test_a_notice_in_one_language_by_law_gets_no_warning(check: Check) -> None:
    assert check(notice("single language: true") + PAGES) == []


def test_page_languages_in_another_file_count(check: Check) -> None:
    problems = check(notice(), "version: 1\n" + PAGES)
    assert [(p.path, p.code.name) for p in problems] == [("a.yaml", "untranslated")] * 2


def test_single_language_must_be_true_or_false(check: Check) -> None:
    problems = check(notice("single language: russian"))
    assert [str(p) for p in problems] == [
        "a.yaml:9:22: error: notice 'label': single language: expected true or false, got the text 'russian'"
    ]
