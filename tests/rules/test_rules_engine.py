"""The decision engine: who gets which notices, on which pages, when, in which order and language."""

# The case tables read best one case per line, YAML included, so long lines are allowed here.
# ruff: noqa: E501

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geonotice.region import ANONYMOUS, UNKNOWN, Region, region_from_code
from geonotice.rules import Engine, Ruleset
from geonotice.rules import engine as engine_module
from geonotice.rules.explain import Aspect
from geonotice.rules.model import Jurisdiction, LanguageRule, Notice, PageMatch, Window

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


def test_covered_media_types_tell_pages_some_notice_could_apply_to(engine: Engine) -> None:
    assert engine.covered_media_types("/a/x") == {"text/html"}
    assert engine.covered_media_types("/ru/a/x") == {"text/html"}
    # The europe notice covers every path, on its hosts only, for JSON only.
    assert engine.covered_media_types("/anything", host="other.example") == {"text/html"}
    assert engine.covered_media_types("/anything", host="news.example") == {"text/html", "application/json"}
    only_occupied = Ruleset(
        jurisdictions={}, notices=tuple(n for n in engine.ruleset.notices if n.id == "occupied")
    )
    assert Engine(only_occupied).covered_media_types("/static/app.js") == frozenset()


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


## explain agrees with evaluate, over random rules


# Few codes, so that random jurisdictions and readers meet often, excepts included.
COUNTRIES = ["UA", "RU", "DE"]
SUBDIVISIONS = ["UA-43", "UA-30", "RU-MOW"]
CODES = st.sampled_from(COUNTRIES + SUBDIVISIONS)
PATH_GLOBS = ["/**", "/a/**", "/??/a/**", "/a/*/*.html", "/{en,ru}/a/**", "/a/live/**", "/news/*", "/a"]
HOST_PATTERNS = ["news.example", "*.news.example", "other.example"]
TEXTS = {"en": "<p>en</p>", "ru": "<p>ru</p>", "pt-BR": "<p>pt</p>"}
MOMENTS = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 1, 1))
AWARE_MOMENTS = MOMENTS.map(lambda moment: moment.replace(tzinfo=dt.UTC))


@st.composite
def rulesets(draw: st.DrawFn) -> Ruleset:
    """Rules as validation would pass them: jurisdictions including earlier ones only (no
    cycles), notices on a few shared page patterns, some with windows, readers lists and page
    languages."""
    jurisdictions: dict[str, Jurisdiction] = {}
    for number in range(draw(st.integers(1, 5))):
        name, earlier = f"j{number}", list(jurisdictions)
        includes = draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True)) if earlier else []
        jurisdictions[name] = Jurisdiction(
            name,
            regions=tuple(draw(st.lists(CODES, max_size=3, unique=True))),
            includes=tuple(includes),
            excludes=tuple(draw(st.lists(CODES, max_size=2, unique=True))),
        )
    notices = []
    for number in range(draw(st.integers(0, 6))):
        start, end = sorted(draw(st.lists(AWARE_MOMENTS, min_size=2, max_size=2)))
        window = draw(st.sampled_from([Window(), Window(start=start), Window(end=end), Window(start, end)]))
        notices.append(
            Notice(
                id=f"n{number}",
                jurisdictions=tuple(
                    draw(st.lists(st.sampled_from(list(jurisdictions)), max_size=2, unique=True))
                ),
                texts=TEXTS,
                default_language="en",
                pages=PageMatch(
                    paths=tuple(
                        draw(st.lists(st.sampled_from(PATH_GLOBS), min_size=1, max_size=2, unique=True))
                    ),
                    exclude_paths=tuple(draw(st.lists(st.sampled_from(PATH_GLOBS), max_size=1))),
                    hosts=tuple(draw(st.lists(st.sampled_from(HOST_PATTERNS), max_size=2, unique=True))),
                    content_types=tuple(
                        draw(
                            st.sampled_from(
                                [["text/html"], ["application/json"], ["text/html", "application/json"]]
                            )
                        )
                    ),
                ),
                window=window,
                priority=draw(st.integers(0, 3)),
            )
        )
    ids = [n.id for n in notices]
    some_ids = st.lists(st.sampled_from(ids), max_size=2, unique=True) if ids else st.just([])
    languages = st.lists(
        st.sampled_from([LanguageRule("/ru/", "ru"), LanguageRule("/en/", "en"), LanguageRule("/", "pt-BR")]),
        max_size=2,
        unique=True,
    )
    return Ruleset(
        jurisdictions,
        tuple(notices),
        unknown_readers=tuple(draw(some_ids)),
        anonymous_readers=tuple(draw(some_ids)),
        page_languages=tuple(sorted(draw(languages), key=lambda rule: -len(rule.prefix))),
    )


@st.composite
def readers(draw: st.DrawFn, ruleset: Ruleset) -> Region:
    """Unknown and anonymous readers, and readers in the codes the rules name (or others)."""
    named = sorted({code for j in ruleset.jurisdictions.values() for code in (*j.regions, *j.excludes)})
    code = draw(st.sampled_from(named + COUNTRIES + SUBDIVISIONS))
    country = code.partition("-")[0]
    if "-" in code:
        subdivisions: tuple[str, ...] = (code,)
    else:
        inside = [s for s in SUBDIVISIONS if s.startswith(country + "-")]
        subdivisions = tuple(draw(st.lists(st.sampled_from(inside), max_size=1))) if inside else ()
    known = Region(country, subdivisions)
    return draw(
        st.sampled_from([known, known, known, Region(country, subdivisions, True), UNKNOWN, ANONYMOUS])
    )


PATHS = st.one_of(
    st.sampled_from(
        ["/", "/a", "/a/", "/a/x", "/a/x/1.html", "/ru/a/x", "/en/a/live/x", "/a/live/x", "/news/today"]
    ),
    st.lists(st.sampled_from(["a", "ru", "live", "x", "1.html", "news", ""]), max_size=4).map(
        lambda parts: "/" + "/".join(parts)
    ),
)
HOSTS = st.sampled_from(
    [
        None,
        "news.example",
        "NEWS.example:8443",
        "a.news.example",
        "news.example.",
        "other.example",
        "[::1]:80",
    ]
)
TIMES = st.one_of(
    AWARE_MOMENTS,
    MOMENTS,  # naive: taken as UTC
    MOMENTS.map(lambda moment: moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=3)))),
)


@settings(max_examples=400, deadline=None)
@given(ruleset=rulesets(), data=st.data(), path=PATHS, host=HOSTS, at=TIMES)
def test_explain_agrees_with_evaluate(
    ruleset: Ruleset, data: st.DataObject, path: str, host: str | None, at: dt.datetime
) -> None:
    region = data.draw(readers(ruleset), label="region")
    engine = Engine(ruleset)
    explanation = engine.explain(region, path, host, at)
    for _ in range(2):  # the second time from the engine's caches
        decision = engine.evaluate(region, path, host, at)
        assert explanation.applied == decision.notices
        assert explanation.page_language == decision.page_language
    for item in explanation.notices:
        failed = {reason.aspect for reason in item.reasons if not reason.ok}
        # A notice that does not apply says why; one that applies has no failed reason, but for an
        # anonymous reader with a country, who gets it through a jurisdiction.
        assert failed if not item.applies else failed <= {Aspect.READERS}
    assert [item.notice for item in explanation.notices] == list(engine.notices)
    # A page some notice could apply to is one the cache headers cover.
    covered = engine.covered_media_types(path, host)
    assert all(set(n.pages.content_types) <= covered for n in decision.notices)


def test_explain_agrees_with_evaluate_on_the_example_rules(engine: Engine) -> None:
    for region in (
        UNKNOWN,
        ANONYMOUS,
        *(region_from_code(c) for c in ["UA", "UA-30", "UA-43", "RU-MOW", "DE-BE", "FR"]),
    ):
        for path in ("/", "/a/x", "/ru/a/x", "/a/live/x", "/uk/a/live"):
            for host in (None, "news.example", "a.news.example"):
                decided = engine.evaluate(region, path, host, IN_FORCE).notices
                assert engine.explain(region, path, host, IN_FORCE).applied == decided


def test_rules_built_in_code_have_a_digest_of_their_values() -> None:
    def build(text: str) -> Ruleset:
        notice = Notice("n", ("j",), {"en": text}, "en")
        return Ruleset({"j": Jurisdiction("j", ("RU",))}, (notice,))

    assert build("<p>a</p>").digest == build("<p>a</p>").digest != build("<p>b</p>").digest
