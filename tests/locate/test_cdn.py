"""CDN geo headers: each preset, normalized codes, special values, and who may send them."""

from __future__ import annotations

from pathlib import Path

import pytest

from geonotice.errors import ConfigError
from geonotice.locate import PRESETS, GeoHeaders, Locator
from geonotice.region import ANONYMOUS, UNKNOWN, Region
from support.readers import READERS

from .helpers import http_scope

CDN = "10.0.0.1"
HEADERS = {
    "cloudflare": ("CF-IPCountry", "CF-Region-Code"),
    "cloudfront": ("CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Region"),
    "vercel": ("X-Vercel-IP-Country", "X-Vercel-IP-Country-Region"),
    "appengine": ("X-AppEngine-Country", "X-AppEngine-Region"),
}


def headers_only(preset: str | GeoHeaders) -> Locator:
    return Locator(geo_headers=preset, trusted_proxies=["10.0.0.0/8"])


@pytest.mark.parametrize("preset", sorted(HEADERS))
def test_each_preset_reads_its_own_header_names(preset: str) -> None:
    country, region = HEADERS[preset]
    assert (PRESETS[preset].country, PRESETS[preset].region) == (country, region)
    locator = headers_only(preset)
    assert locator.vary_headers == (country, region)
    assert locator.locate(http_scope(CDN, [(country, "UA"), (region, "43")])) == Region("UA", ("UA-43",))


@pytest.mark.parametrize("preset", sorted(HEADERS))
@pytest.mark.parametrize(
    ("country", "region", "expected"),
    [
        ("US", "TX", Region("US", ("US-TX",))),
        ("UA", "43", Region("UA", ("UA-43",))),
        ("UA", "40", Region("UA", ("UA-40",))),
        ("RU", "MOW", Region("RU", ("RU-MOW",))),
        ("us", "ca", Region("US", ("US-CA",))),  # App Engine writes lower case
        (" DE ", " BE ", Region("DE", ("DE-BE",))),
        ("UA", "UA-43", Region("UA", ("UA-43",))),
        ("UA", "RU-MOW", Region("UA")),  # another country's subdivision: dropped
        ("UA", "", Region("UA")),
        ("UA", "?", Region("UA")),
        ("UA", "not a code", Region("UA")),
        ("UA", None, Region("UA")),
        ("SG", None, Region("SG")),
    ],
)
def test_subdivisions_are_normalized_to_full_iso_3166_2(
    preset: str, country: str, region: str | None, expected: Region
) -> None:
    country_header, region_header = HEADERS[preset]
    headers = [(country_header, country)] + ([(region_header, region)] if region is not None else [])
    assert headers_only(preset).locate(http_scope(CDN, headers)) == expected


@pytest.mark.parametrize("preset", sorted(HEADERS))
@pytest.mark.parametrize("value", ["XX", "ZZ", "**", "", "  ", "xx", "A1", "EU1", "123", "Україна"])
def test_special_and_malformed_country_values_give_unknown(preset: str, value: str) -> None:
    country_header, region_header = HEADERS[preset]
    scope = http_scope(CDN, [(country_header, value.encode().decode("latin-1")), (region_header, "43")])
    assert headers_only(preset).locate(scope) is UNKNOWN


def test_cloudflare_tor_is_the_anonymous_outcome() -> None:
    scope = http_scope(CDN, [("CF-IPCountry", "T1")])
    assert headers_only("cloudflare").locate(scope) is ANONYMOUS
    location = headers_only("cloudflare").explain(scope)
    assert location.source == "header"
    assert "anonymity network" in location.detail


@pytest.mark.parametrize("preset", ["cloudfront", "vercel", "appengine"])
def test_t1_means_nothing_to_other_providers(preset: str) -> None:
    scope = http_scope(CDN, [(HEADERS[preset][0], "T1")])
    assert headers_only(preset).locate(scope) is UNKNOWN


def test_a_missing_country_header_gives_unknown_without_a_database() -> None:
    location = headers_only("cloudflare").explain(http_scope(CDN, [("CF-Region-Code", "43")]))
    assert location.region is UNKNOWN
    assert location.source == "none"
    assert "no CF-IPCountry header" in location.detail


@pytest.mark.parametrize("preset", sorted(HEADERS))
def test_geo_headers_from_an_untrusted_peer_are_ignored(preset: str) -> None:
    country, region = HEADERS[preset]
    scope = http_scope(READERS["berlin"], [(country, "RU"), (region, "MOW")])
    assert headers_only(preset).locate(scope) is UNKNOWN
    location = headers_only(preset).explain(scope)
    assert "is not a trusted proxy" in location.detail
    assert country in location.detail


def test_geo_headers_from_an_untrusted_peer_give_way_to_the_database(city_db: Path) -> None:
    locator = Locator(geoip_db=city_db, geo_headers="cloudflare", trusted_proxies=["10.0.0.0/8"])
    scope = http_scope(READERS["berlin"], [("CF-IPCountry", "RU"), ("CF-Region-Code", "MOW")])
    assert locator.locate(scope) == Region("DE", ("DE-BE",))


def test_two_different_country_values_are_both_disbelieved() -> None:
    scope = http_scope(CDN, [("CF-IPCountry", "RU"), ("CF-IPCountry", "DE")])
    assert headers_only("cloudflare").locate(scope) is UNKNOWN
    same = http_scope(CDN, [("CF-IPCountry", "RU"), ("CF-IPCountry", "RU")])
    assert headers_only("cloudflare").locate(same) == Region("RU")


def test_custom_header_names() -> None:
    locator = headers_only(GeoHeaders(country="X-Country", region="X-Region"))
    assert locator.vary_headers == ("X-Country", "X-Region")
    scope = http_scope(CDN, [("x-country", "UA"), ("x-region", "14")])
    assert locator.locate(scope) == Region("UA", ("UA-14",))


def test_custom_country_only_header() -> None:
    locator = headers_only(GeoHeaders(country="X-Geo-Country"))
    assert locator.vary_headers == ("X-Geo-Country",)
    assert locator.locate(http_scope(CDN, [("X-Geo-Country", "RU")])) == Region("RU")


def test_preset_names_are_case_insensitive() -> None:
    assert headers_only("CloudFlare").vary_headers == HEADERS["cloudflare"]


## Header and database together: the documented precedence


@pytest.fixture
def both(city_db: Path) -> Locator:
    return Locator(geoip_db=city_db, geo_headers="cloudflare", trusted_proxies=["10.0.0.0/8"])


def test_the_header_wins_over_the_database(both: Locator) -> None:
    scope = http_scope(
        CDN, [("CF-IPCountry", "US"), ("CF-Region-Code", "TX"), ("X-Forwarded-For", READERS["moscow"])]
    )
    location = both.explain(scope)
    assert location.region == Region("US", ("US-TX",))
    assert location.source == "header"
    assert location.address == READERS["moscow"]


def test_a_country_only_header_takes_subdivisions_from_a_database_that_agrees(both: Locator) -> None:
    scope = http_scope(CDN, [("CF-IPCountry", "UA"), ("X-Forwarded-For", READERS["crimea"])])
    location = both.explain(scope)
    assert location.region == Region("UA", ("UA-43",))
    assert location.source == "header+database"
    assert both.locate(scope) == Region("UA", ("UA-43",))


def test_a_country_only_header_keeps_its_country_when_the_database_disagrees(both: Locator) -> None:
    scope = http_scope(CDN, [("CF-IPCountry", "DE"), ("X-Forwarded-For", READERS["crimea"])])
    assert both.explain(scope).region == Region("DE")
    assert both.explain(scope).source == "header"


@pytest.mark.parametrize("value", ["XX", "", None])
def test_a_header_without_answer_gives_way_to_the_database(both: Locator, value: str | None) -> None:
    headers = [("X-Forwarded-For", READERS["sevastopol"])]
    if value is not None:
        headers.append(("CF-IPCountry", value))
    location = both.explain(http_scope(CDN, headers))
    assert location.region == Region("UA", ("UA-40",))
    assert location.source == "database"


def test_tor_from_the_header_is_not_overridden_by_the_database(both: Locator) -> None:
    scope = http_scope(CDN, [("CF-IPCountry", "T1"), ("X-Forwarded-For", READERS["moscow"])])
    assert both.locate(scope) is ANONYMOUS


def test_vary_headers_are_empty_when_only_the_database_is_used(city_db: Path) -> None:
    assert Locator(geoip_db=city_db).vary_headers == ()


## Settings


def test_an_unknown_preset_is_refused_with_the_list() -> None:
    with pytest.raises(ConfigError) as caught:
        Locator(geo_headers="akamai", trusted_proxies=["10.0.0.0/8"])
    for name in HEADERS:
        assert repr(name) in str(caught.value)


@pytest.mark.parametrize("name", ["", "X Country", "X-Country:", "Ünïcode"])
def test_invalid_custom_header_names_are_refused(name: str) -> None:
    with pytest.raises(ConfigError, match="not a valid HTTP header name"):
        GeoHeaders(country=name)


def test_geo_headers_without_trusted_proxies_are_refused() -> None:
    with pytest.raises(ConfigError, match="needs trusted_proxies"):
        Locator(geo_headers="cloudflare")


def test_a_locator_needs_a_database_or_headers() -> None:
    with pytest.raises(ConfigError, match="needs a GeoIP database"):
        Locator()
