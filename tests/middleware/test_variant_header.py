"""The variant header: a believed variant decides the notices and keeps the page cacheable by the
edge; anything else falls back to the origin's own lookup and a private page, counted and logged."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from geonotice import ConfigError, GeoNoticeMiddleware
from geonotice.edge.origin import Fallback
from geonotice.rules import load_rules
from geonotice.rules.variants import variants_of
from support.polling import wait_until
from support.readers import READERS

from .test_middleware import ARTICLE, EN_PAGE, NOTICE, RULES, get, news_app

EDGE = "10.0.0.7"  # a trusted proxy
TABLE = variants_of(load_rules(RULES))
DEFAULT, RUSSIA, BELARUS = (variant.name for variant in TABLE.variants)


@pytest.fixture
def middleware(city_db: Path) -> Iterator[GeoNoticeMiddleware]:
    app = GeoNoticeMiddleware(
        news_app(),
        rules=RULES,
        geoip_db=city_db,
        trusted_proxies=["10.0.0.0/8"],
        variant_header="Geonotice-Variant",
    )
    yield app
    app.close()


def through_edge(
    app: GeoNoticeMiddleware, variant: str | None, reader: str = "berlin", path: str = ARTICLE
) -> httpx.Response:
    headers = {"x-forwarded-for": READERS[reader]}
    if variant is not None:
        headers["geonotice-variant"] = variant
    return get(app, path, EDGE, **headers)


def test_a_variant_from_the_edge_decides_the_notices_and_the_page_stays_cacheable(
    middleware: GeoNoticeMiddleware,
) -> None:
    # The edge places this reader in Russia's variant, whatever the database says of the address.
    response = through_edge(middleware, RUSSIA, reader="berlin")
    assert NOTICE in response.content
    assert response.headers["vary"] == "Accept-Language, Geonotice-Variant"
    assert response.headers["cache-control"] == "public, max-age=300, s-maxage=600"
    assert middleware.variant_fallbacks is not None and middleware.variant_fallbacks.count() == 0


def test_readers_of_the_variant_without_notices_get_the_page_as_the_app_made_it_plus_vary(
    middleware: GeoNoticeMiddleware,
) -> None:
    response = through_edge(middleware, DEFAULT, reader="moscow")
    assert response.content == EN_PAGE
    assert response.headers["vary"] == "Geonotice-Variant"
    assert response.headers["cache-control"] == "public, max-age=300, s-maxage=600"


def test_pages_no_notice_covers_keep_their_headers(middleware: GeoNoticeMiddleware) -> None:
    response = through_edge(middleware, RUSSIA, path="/")
    assert "vary" not in response.headers
    assert response.headers["cache-control"] == "public, max-age=60"
    assert middleware.variant_fallbacks is not None and middleware.variant_fallbacks.count() == 0


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, Fallback.MISSING),
        ({"geonotice-variant": "undecided"}, Fallback.UNDECIDED),
        ({"geonotice-variant": "russia"}, Fallback.MALFORMED),
        ({"geonotice-variant": "v1-" + "0" * 200}, Fallback.MALFORMED),
        ({"geonotice-variant": f"{DEFAULT}, {DEFAULT}"}, Fallback.MALFORMED),
        ({"geonotice-variant": "v1-000000"}, Fallback.STALE),
        ({"geonotice-variant": f"v1-{TABLE.tag}-e1"}, Fallback.STALE),  # a window not ended here
        ({"geonotice-variant": f"v7-{TABLE.tag}"}, Fallback.UNKNOWN),
    ],
)
def test_anything_but_a_variant_of_these_rules_falls_back_to_the_lookup_and_a_private_page(
    middleware: GeoNoticeMiddleware, headers: dict[str, str], reason: Fallback
) -> None:
    response = get(middleware, ARTICLE, EDGE, **{"x-forwarded-for": READERS["moscow"], **headers})
    assert NOTICE in response.content  # the database places the reader in Moscow
    assert response.headers["cache-control"] == "private, max-age=300"
    assert response.headers["vary"] == "Accept-Language, Geonotice-Variant"
    fallbacks = middleware.variant_fallbacks
    assert fallbacks is not None and fallbacks.count(reason) == 1 and fallbacks.count() == 1


def test_a_repeated_variant_header_counts_as_garbage(middleware: GeoNoticeMiddleware) -> None:
    scope_headers = [
        ("x-forwarded-for", READERS["berlin"]),
        ("geonotice-variant", RUSSIA),
        ("geonotice-variant", RUSSIA),
    ]

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=middleware, client=(EDGE, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://news.example") as client:
            return await client.get(ARTICLE, headers=httpx.Headers(scope_headers))

    response = asyncio.run(run())
    assert response.content == EN_PAGE
    assert response.headers["cache-control"] == "private, max-age=300"
    assert middleware.variant_fallbacks is not None
    assert middleware.variant_fallbacks.count(Fallback.MALFORMED) == 1


def test_a_reader_cannot_pick_a_variant(middleware: GeoNoticeMiddleware) -> None:
    response = get(middleware, ARTICLE, READERS["moscow"], **{"geonotice-variant": DEFAULT})
    assert NOTICE in response.content
    assert response.headers["cache-control"] == "private, max-age=300"
    assert middleware.variant_fallbacks is not None
    assert middleware.variant_fallbacks.snapshot() == {reason.value: 0 for reason in Fallback} | {
        "untrusted": 1
    }


def test_each_stale_name_is_logged_once_and_garbage_never_verbatim(
    middleware: GeoNoticeMiddleware, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="geonotice.edge")
    for value in ("v1-000000", "v1-000000", "v2-000000", "secret-reader-data", "secret-reader-data-2"):
        through_edge(middleware, value)
    messages = [record.getMessage() for record in caplog.records]
    assert sum("v1-000000" in m for m in messages) == 1
    assert sum("v2-000000" in m for m in messages) == 1
    assert sum("not one variant name" in m for m in messages) == 1
    assert not any("secret" in m for m in messages)
    assert all(record.levelno == logging.WARNING for record in caplog.records)


def test_after_a_rules_change_the_old_tables_names_are_stale(tmp_path: Path, city_db: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    app = GeoNoticeMiddleware(
        news_app(),
        rules=rules,
        geoip_db=city_db,
        trusted_proxies=["10.0.0.0/8"],
        variant_header="Geonotice-Variant",
        reload_interval=0.05,
    )
    try:
        assert through_edge(app, RUSSIA).headers["cache-control"].startswith("public")
        with (rules / "10-russia.yaml").open("a", encoding="utf-8") as file:
            file.write("\n# a new version\n")
        wait_until(lambda: app.rules.version > 1, "the edited rules were not loaded")
        response = through_edge(app, RUSSIA, reader="berlin")
        assert response.content == EN_PAGE  # the origin's own lookup: Berlin
        assert response.headers["cache-control"] == "private, max-age=300"
        assert app.variant_fallbacks is not None and app.variant_fallbacks.count(Fallback.STALE) == 1
        fresh = variants_of(app.rules.ruleset).variants[1].name
        assert NOTICE in through_edge(app, fresh).content
    finally:
        app.close()


def test_the_variant_header_is_a_setting_of_run_and_of_the_environment() -> None:
    from geonotice.settings import SETTINGS, Settings

    entry = SETTINGS["variant_header"]
    assert (entry.option, entry.env) == ("--variant-header", "GEONOTICE_VARIANT_HEADER")
    assert Settings(rules=RULES).variant_header is None  # off unless an edge sends it
    assert Settings(rules=RULES, variant_header=" X-Variant ").variant_header == "X-Variant"
    with pytest.raises(ConfigError, match="variant_header: 'a b' is not an HTTP header name"):
        Settings(rules=RULES, variant_header="a b")
