"""The rules shipped in ``rules/``: they pass the checker and decide as the newsroom expects."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geonotice.cli import main
from geonotice.region import ANONYMOUS, UNKNOWN, region_from_code
from geonotice.rules import Engine, check_rules, load_rules, moments

SHIPPED = Path(__file__).resolve().parents[2] / "rules"
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_rules(SHIPPED))


def test_geonotice_check_passes_on_the_shipped_rules(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # At a pinned moment: a year after their last review, the shipped rules rightly warn.
    monkeypatch.setattr(moments, "now", lambda: NOW)
    assert main(["check", str(SHIPPED)]) == 0
    assert capsys.readouterr().out.endswith(": no problems\n")


def test_the_shipped_rules_have_no_problems_at_all() -> None:
    ruleset, problems = check_rules(SHIPPED, now=NOW)
    assert ruleset is not None and problems == []


@pytest.mark.parametrize(
    ("reader", "notices"),
    [
        ("RU-MOW", ["ru-undesirable-organization"]),  # Moscow
        ("RU", ["ru-undesirable-organization"]),
        ("UA-43", ["ru-undesirable-organization"]),  # Crimea
        ("UA-40", ["ru-undesirable-organization"]),  # Sevastopol
        ("UA-14", ["ru-undesirable-organization"]),  # Donetsk
        ("UA-09", ["ru-undesirable-organization"]),  # Luhansk
        ("UA-23", ["ru-undesirable-organization"]),  # Zaporizhzhia
        ("UA-65", ["ru-undesirable-organization"]),  # Kherson
        ("UA-30", []),  # Kyiv
        ("UA", []),
        ("DE-BE", []),  # Berlin
        ("US-NY", []),  # New York
        ("BY", ["by-extremist-materials"]),
        ("BY-HM", ["by-extremist-materials"]),  # Minsk
    ],
)
def test_who_gets_which_notice_on_an_article(engine: Engine, reader: str, notices: list[str]) -> None:
    decision = engine.evaluate(region_from_code(reader), "/a/some-story/12345.html", "news.example", NOW)
    assert [n.id for n in decision.notices] == notices


def test_unknown_and_anonymous_readers_get_nothing_by_default(engine: Engine) -> None:
    assert engine.evaluate(UNKNOWN, "/a/x/1.html", at=NOW).notices == ()
    assert engine.evaluate(ANONYMOUS, "/a/x/1.html", at=NOW).notices == ()


@pytest.mark.parametrize(
    ("path", "covered"),
    [
        ("/a/some-story/12345.html", True),
        ("/ru/a/some-story/12345.html", True),
        ("/en/a/some-story/12345.html", True),
        ("/a/", True),
        ("/", False),
        ("/ru/", False),
        ("/static/site.css", False),
        ("/favicon.ico", False),
        ("/about.html", False),
        ("/ru/about/a/x.html", False),
        ("/static/a/x.js", False),
    ],
)
def test_the_russian_notice_covers_articles_only(engine: Engine, path: str, covered: bool) -> None:
    decision = engine.evaluate(region_from_code("RU-MOW"), path, at=NOW)
    assert bool(decision.notices) is covered


def test_texts_follow_the_page_language(engine: Engine) -> None:
    moscow = region_from_code("RU-MOW")
    ru = engine.evaluate(moscow, "/ru/a/s/1.html", at=NOW).texts()[0]
    en = engine.evaluate(moscow, "/a/s/1.html", at=NOW).texts()[0]
    assert (ru.language, en.language) == ("ru", "en")
    assert "нежелательной" in ru.html and "undesirable" in en.html
    minsk = region_from_code("BY-HM")
    assert engine.evaluate(minsk, "/be/a/s/1.html", at=NOW).texts()[0].language == "be"
    assert engine.evaluate(minsk, "/a/s/1.html", at=NOW).texts()[0].language == "ru"  # its default


def test_the_russian_notice_goes_at_the_start_of_the_article(engine: Engine) -> None:
    notice = engine.ruleset.notice("ru-undesirable-organization")
    assert notice is not None
    assert notice.placement.kind == "start-of-article"
    assert notice.pages.content_types == ("text/html",)
    assert notice.metadata.legal_basis and notice.metadata.owner and notice.metadata.reference_url


def test_the_belarus_notice_also_goes_into_json_answers(engine: Engine) -> None:
    decision = engine.evaluate(region_from_code("BY"), "/api/articles/12345", at=NOW)
    assert [n.id for n in decision.for_media_type("application/json")] == ["by-extremist-materials"]


def test_the_media_types_the_shipped_notices_cover_on_each_page() -> None:
    engine = Engine(load_rules(SHIPPED))
    assert engine.covered_media_types("/a/s/1.html") == {"text/html", "application/json"}
    assert engine.covered_media_types("/api/articles/1042") == {"text/html", "application/json"}
    assert engine.covered_media_types("/") == frozenset()
    assert engine.covered_media_types("/static/ledger.css") == frozenset()
