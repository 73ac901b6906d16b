"""The decision engine: who gets which notices, on which pages, when, in which order and language."""

# The case tables read best one case per line, YAML included, so long lines are allowed here.
# ruff: noqa: E501

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_harness import run_check

from geonotice.region import ANONYMOUS, UNKNOWN, Region, region_from_code
from geonotice.rules import Engine, Ruleset
from geonotice.rules import engine as engine_module

RULES = """\
version: 1
jurisdictions:
  ukraine-free:
    regions: [UA]
    except: [UA-43, UA-40]
  occupied:
    regions: [UA-43, UA-40]
  russia:
    regions: [RU]
  russia-and-occupied:
    includes: [russia, occupied]
  europe-but-berlin:
    includes: [ukraine-free]
    regions: [DE, FR]
    except: [DE-BE]
notices:
  - id: free
    applies to: [ukraine-free]
    text: {en: <p>free</p>, uk: <p>вільна</p>}
    default language: en
    priority: 10
  - id: occupied
    applies to: [russia-and-occupied]
    text: {en: <p>occupied</p>, ru: <p>оккупированная</p>}
    default language: en
    placement: start-of-article
    pages: {paths: ["/a/**", "/??/a/**"], except: ["/a/live/**"]}
    from: 2025-01-01
    until: 2025-07-01T12:00:00Z
    priority: 100
  - id: europe
    applies to: [europe-but-berlin]
    text: {en: <p>europe</p>, pt-BR: <p>europa</p>}
    default language: en
    pages: {hosts: ["*.news.example", news.example], content types: [application/json]}
  - id: alpha
    applies to: [russia]
    text: {en: <p>alpha</p>}
    default language: en
    priority: 100
  - id: for-unknown
    text: {en: <p>unknown</p>}
    default language: en
  - id: for-anonymous
    text: {en: <p>tor</p>}
    default language: en
readers:
  unknown: [for-unknown]
  anonymous: [for-anonymous]
page languages:
  "/ru/": ru
  "/uk": uk
  "/uk/special/": en
"""

IN_FORCE = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


@pytest.fixture
def engine(load: Callable[..., Ruleset]) -> Engine:
    return Engine(load(RULES))


def ids(engine: Engine, code: str | Region, path: str = "/a/x/1.html", **options: object) -> list[str]:
    region = code if isinstance(code, Region) else region_from_code(code)
    options.setdefault("at", IN_FORCE)
    return [n.id for n in engine.evaluate(region, path, **options).notices]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("UA", ["free"]),
        ("UA-30", ["free"]),  # Kyiv
        ("UA-43", ["occupied"]),  # Crimea: excepted from ukraine-free, included in occupied
        ("UA-40", ["occupied"]),
        ("RU", ["alpha", "occupied"]),
        ("RU-MOW", ["alpha", "occupied"]),
        ("DE-BE", []),  # excepted
        ("DE-BY", []),  # europe is JSON-only: see the content type test; no host either
        ("US-NY", []),
    ],
)
def test_regions_subdivisions_and_excepts(engine: Engine, region: str, expected: list[str]) -> None:
    assert ids(engine, region) == expected


def test_priority_orders_notices_then_id(engine: Engine) -> None:
    assert ids(engine, "RU") == ["alpha", "occupied"]  # both 100: by id


def test_an_outer_except_cancels_what_an_include_brings(engine: Engine) -> None:
    decision = engine.evaluate(region_from_code("UA-43"), "/a/x", host="www.news.example", at=IN_FORCE)
    assert "europe" not in [n.id for n in decision.notices]
    decision = engine.evaluate(region_from_code("UA-30"), "/a/x", host="www.news.example", at=IN_FORCE)
    assert [n.id for n in decision.notices] == ["free", "europe"]
    decision = engine.evaluate(region_from_code("DE-BE"), "/a/x", host="news.example", at=IN_FORCE)
    assert decision.notices == ()
    decision = engine.evaluate(region_from_code("FR"), "/a/x", host="news.example:8443", at=IN_FORCE)
    assert [n.id for n in decision.notices] == ["europe"]


@pytest.mark.parametrize(
    ("host", "applies"),
    [
        ("news.example", True),
        ("a.news.example", True),
        ("a.b.news.example", True),
        ("NEWS.example", True),
        ("othernews.example", False),
        ("example", False),
        (None, False),
    ],
)
def test_hosts(engine: Engine, host: str | None, applies: bool) -> None:
    assert ("europe" in ids(engine, "FR", host=host)) is applies


def test_content_types_filter_later(engine: Engine) -> None:
    decision = engine.evaluate(region_from_code("UA-30"), "/a/x", host="news.example", at=IN_FORCE)
    assert [n.id for n in decision.for_media_type("text/html")] == ["free"]
    assert [n.id for n in decision.for_media_type("application/json")] == ["europe"]


@pytest.mark.parametrize(
    ("path", "applies"),
    [
        ("/a/x/1.html", True),
        ("/ru/a/x/1.html", True),
        ("/a/", True),
        ("/a", False),
        ("/", False),
        ("/static/a/x.js", False),
        ("/rus/a/x", False),
        ("/a/live/now", False),  # except
        ("/ru/a/live/now", True),  # the except names /a/live/** only
    ],
)
def test_paths_and_path_excepts(engine: Engine, path: str, applies: bool) -> None:
    assert ("occupied" in ids(engine, "UA-43", path)) is applies


@pytest.mark.parametrize(
    ("at", "applies"),
    [
        (dt.datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC), False),
        (dt.datetime(2025, 1, 1, tzinfo=dt.UTC), True),  # from is inclusive, at 00:00 UTC
        (
            dt.datetime(2025, 1, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=3))),
            False,
        ),  # 23:00 UTC the day before
        (dt.datetime(2025, 7, 1, 11, 59, 59, tzinfo=dt.UTC), True),
        (dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC), False),  # until is exclusive
        (dt.datetime(2025, 1, 1), True),  # a naive time is UTC
    ],
)
def test_window_boundaries(engine: Engine, at: dt.datetime, applies: bool) -> None:
    assert ("occupied" in ids(engine, "UA-43", at=at)) is applies


def test_at_defaults_to_now(engine: Engine) -> None:
    assert ids(engine, "UA-43", at=None) == []  # the window ended in 2025


def test_unknown_and_anonymous_readers(engine: Engine) -> None:
    assert ids(engine, UNKNOWN) == ["for-unknown"]
    assert ids(engine, ANONYMOUS) == ["for-anonymous"]
    assert ids(engine, Region("UA", ("UA-30",), anonymous=True)) == ["free", "for-anonymous"]


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("/ru/a/x", "ru"),
        ("/uk", "uk"),
        ("/uk/a/x", "uk"),
        ("/uk/special/a/x", "en"),
        ("/ukr/a/x", None),
        ("/a/x", None),
    ],
)
def test_page_language_from_path_prefixes(engine: Engine, path: str, language: str | None) -> None:
    assert engine.evaluate(UNKNOWN, path).page_language == language
    assert engine.page_language(path) == language


@pytest.mark.parametrize(
    ("path", "preferences", "language"),
    [
        ("/uk/a/x", None, "uk"),  # the page's language
        ("/ru/a/x", None, "en"),  # no Russian text: the default language
        ("/a/x", None, "en"),
        ("/a/x", ["uk-UA"], "uk"),  # a primary subtag finds the language
        ("/a/x", ["fr", "uk"], "uk"),
    ],
)
def test_language_fallback(engine: Engine, path: str, preferences: list[str] | None, language: str) -> None:
    chosen = engine.evaluate(region_from_code("UA-30"), path, at=IN_FORCE).texts(preferences)
    assert [(text.notice.id, text.language) for text in chosen] == [("free", language)]
    assert chosen[0].html == chosen[0].notice.texts[language]


def test_a_language_given_by_the_caller_wins(engine: Engine) -> None:
    decision = engine.evaluate(region_from_code("UA-30"), "/ru/a/x", at=IN_FORCE, language="uk")
    assert decision.page_language == "uk"
    assert decision.texts()[0].language == "uk"


def test_covers_tells_pages_some_notice_could_apply_to(engine: Engine) -> None:
    assert engine.covers("/a/x") and engine.covers("/ru/a/x")
    # The europe notice covers every path, on its hosts only.
    assert not Engine(
        Ruleset(jurisdictions={}, notices=tuple(n for n in engine.ruleset.notices if n.id == "occupied"))
    ).covers("/static/app.js")
    assert engine.covers("/anything", host="news.example")


def test_caches_are_bounded(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "PAGE_CACHE_SIZE", 10)
    monkeypatch.setattr(engine_module, "REGION_CACHE_SIZE", 3)
    for number in range(100):
        engine.evaluate(Region("UA", (f"UA-{number % 30}",)), f"/a/{number}")
    assert len(engine._page_cache) <= 10
    assert len(engine._region_cache) <= 3


def test_explain_gives_the_reasons(engine: Engine) -> None:
    explanation = engine.explain(region_from_code("UA-43"), "/a/live/x", at=IN_FORCE)
    by_id = {item.notice.id: item for item in explanation.notices}
    free = by_id["free"]
    assert not free.applies and free.excluded_by == "UA-43"
    occupied = by_id["occupied"]
    assert not occupied.applies
    assert (occupied.jurisdiction, occupied.region_code) == ("russia-and-occupied", "UA-43")
    assert (occupied.path_glob, occupied.excluded_glob) == ("/a/**", "/a/live/**")
    window = next(r for r in occupied.reasons if r.aspect == "window")
    assert window.ok and "from 2025-01-01" in window.detail and "until 2025-07-01T12:00:00Z" in window.detail


REGIONS = st.sampled_from(
    [
        UNKNOWN,
        ANONYMOUS,
        *(region_from_code(c) for c in ["UA", "UA-30", "UA-43", "UA-40", "RU", "RU-MOW", "DE-BE", "FR"]),
    ]
)
PATHS = st.sampled_from(["/", "/a/x", "/ru/a/x", "/a/live/x", "/uk/a/live", "/static/x.css"])
HOSTS = st.sampled_from([None, "news.example", "a.news.example", "other.example"])
MOMENTS = st.datetimes(
    min_value=dt.datetime(2024, 6, 1), max_value=dt.datetime(2026, 1, 1), timezones=st.just(dt.UTC)
)


@settings(max_examples=200, deadline=None)
@given(region=REGIONS, path=PATHS, host=HOSTS, at=MOMENTS)
def test_explain_agrees_with_evaluate(region: Region, path: str, host: str | None, at: dt.datetime) -> None:
    ruleset, _ = run_check(RULES)
    assert ruleset is not None
    engine = _ENGINES.setdefault("engine", Engine(ruleset))
    decided = engine.evaluate(region, path, host, at).notices
    assert engine.explain(region, path, host, at).applied == decided
    assert not decided or engine.covers(path, host)


_ENGINES: dict[str, Engine] = {}
