"""``Locator.explain`` tells ``locate`` in words: over any request, they reach the same answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geonotice.locate import GeoHeaders, Locator, Source
from geonotice.region import UNKNOWN
from support.geodb import city_record, country_record, reader_records, write_database
from support.readers import READERS, READERS_V6, UNMAPPED_V4, UNMAPPED_V6

TRUSTED_SETS = [(), ("10.0.0.0/8",), ("10.0.0.0/8", "fd00::/8"), ("10.0.0.1", "192.0.2.17")]
GEO = [
    None,
    "cloudflare",
    "cloudfront",
    GeoHeaders("X-Country", "X-Region", anonymous_values=frozenset({"A1"})),
]
PROXIES = ["10.0.0.1", "10.9.9.9", "fd00::1", "::ffff:10.0.0.1"]
ADDRESSES = [
    *PROXIES,
    *READERS.values(),
    *READERS_V6.values(),
    UNMAPPED_V4,
    UNMAPPED_V6,
    "127.0.0.1",
    "::ffff:192.0.2.17",
    "198.51.100.9",
    "203.0.113.200",
    "2001:db8:1::5",
]
HEADER_NAMES = [
    "X-Forwarded-For",
    "Forwarded",
    "CF-IPCountry",
    "CF-Region-Code",
    "CloudFront-Viewer-Country",
    "CloudFront-Viewer-Country-Region",
    "X-Country",
    "X-Region",
    "Host",
]


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Databases of several shapes: the demo plan as City and as Country, and one whose answers
    disagree with the demo plan and with the headers (another country, a country-only record)."""
    folder = tmp_path_factory.mktemp("explain-dbs")
    odd = [
        ("198.51.100.0/24", city_record("DE", ["BE"], "Berlin")),
        ("203.0.113.0/25", country_record("RU")),
        ("2001:db8:1::/48", city_record("UA", ["43"])),
        ("192.0.2.0/28", city_record("RU", ["MOW", "XX"])),
    ]
    return {
        "city": write_database(
            folder / "city.mmdb", reader_records(kind="city"), database_type="GeoLite2-City"
        ),
        "country": write_database(
            folder / "country.mmdb", reader_records(kind="country"), database_type="GeoLite2-Country"
        ),
        "odd": write_database(folder / "odd.mmdb", odd, database_type="GeoIP2-City"),
    }


@pytest.fixture(scope="module")
def locators(databases: dict[str, Path]) -> Iterator[dict[tuple[Any, ...], Locator]]:
    """Locators built on demand, one per setting, kept for the module (their caches warm up
    across examples, which the property must survive too)."""
    built: dict[tuple[Any, ...], Locator] = {}
    yield built
    for locator in built.values():
        locator.stop()


@st.composite
def settings_(draw: st.DrawFn) -> tuple[Any, ...]:
    trusted = draw(st.sampled_from(TRUSTED_SETS))
    geo = draw(st.sampled_from(GEO)) if trusted else None
    database = draw(
        st.sampled_from(["city", "country", "odd"] if geo is None else [None, "city", "country", "odd"])
    )
    forwarded = draw(st.sampled_from(["X-Forwarded-For", "Forwarded"]))
    return trusted, geo, database, forwarded


def _node(address: str, port: bool) -> str:
    if ":" in address and not address.startswith("::ffff:"):
        return f'"[{address}]:4711"' if port else f'"[{address}]"'
    return f'"{address}:4711"' if port else address


FORWARDED_ELEMENT = st.one_of(
    st.builds(lambda a, p: f"for={_node(a, p)}", st.sampled_from(ADDRESSES), st.booleans()),
    st.builds(lambda a: f"for={a};proto=https;by=10.0.0.1", st.sampled_from(ADDRESSES)),
    st.sampled_from(["for=unknown", "for=_hidden", "for=", "proto=https", "for=[::1", "garbage"]),
)
XFF_ITEM = st.one_of(
    st.sampled_from(ADDRESSES), st.sampled_from(["unknown", "", " ", "[2001:db8::1]:443", "x"])
)
TOO_MANY = st.integers(65, 80)  # hops: more than any honest chain, so the header is ignored
VALUES = {
    "X-Forwarded-For": st.lists(XFF_ITEM, min_size=1, max_size=5).map(", ".join)
    | TOO_MANY.map(lambda n: ", ".join(["10.0.0.2"] * n)),
    "Forwarded": st.lists(FORWARDED_ELEMENT, min_size=1, max_size=4).map(", ".join)
    | TOO_MANY.map(lambda n: ", ".join(["for=10.0.0.2"] * n)),
    "country": st.sampled_from(["RU", "UA", "DE", "us", " ru ", "XX", "ZZ", "T1", "A1", "", "R", "??"]),
    "region": st.sampled_from(["43", "MOW", "ua-43", "BE", "", "!!", "RU-MOW", "99"]),
}


@st.composite
def header_lines(draw: st.DrawFn) -> list[tuple[bytes, bytes]]:
    lines = []
    for name in draw(st.lists(st.sampled_from(HEADER_NAMES), max_size=6)):
        if name in ("X-Forwarded-For", "Forwarded"):
            value = draw(VALUES[name])
        elif "Region" in name:
            value = draw(VALUES["region"])
        else:
            value = draw(VALUES["country"])
        raw = value.encode("latin-1")
        garbage = draw(st.integers(0, 9)) == 0
        lines.append((name.lower().encode("latin-1"), draw(st.binary(max_size=30)) if garbage else raw))
    return lines


@st.composite
def scopes(draw: st.DrawFn) -> dict[str, Any]:
    scope: dict[str, Any] = {"type": "http", "headers": draw(header_lines())}
    client = draw(
        st.one_of(
            st.sampled_from(ADDRESSES).map(lambda peer: (peer, 50000)),
            st.sampled_from([None, ("", 1), ("not an address", 1), (None, 1), (), 7]),
        )
    )
    if client != 7:  # 7: no client key at all
        scope["client"] = client
    if draw(st.integers(0, 30)) == 0:
        scope["headers"] = draw(st.sampled_from([None, 5, [(b"x-forwarded-for",)]]))
    return scope


def _locator(
    locators: dict[tuple[Any, ...], Locator], databases: dict[str, Path], setting: tuple[Any, ...]
) -> Locator:
    trusted, geo, database, forwarded = setting
    if setting not in locators:
        locators[setting] = Locator(
            trusted_proxies=trusted,
            geo_headers=geo,
            geoip_db=None if database is None else databases[database],
            forwarded_header=forwarded,
        )
    return locators[setting]


@settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(setting=settings_(), scope=scopes())
def test_explain_agrees_with_locate(
    locators: dict[tuple[Any, ...], Locator],
    databases: dict[str, Path],
    setting: tuple[Any, ...],
    scope: dict[str, Any],
) -> None:
    locator = _locator(locators, databases, setting)
    location = locator.explain(scope)
    assert locator.locate(scope) == location.region
    assert locator.locate(scope) == location.region  # and again, from the caches
    assert location.detail  # every step says something
    # The address and source the explanation gives account for the region.
    if location.source is Source.DATABASE:
        assert location.address is not None
        assert location.region == locator.locate_address(location.address)
    elif location.source is Source.NONE:
        assert location.region == UNKNOWN
    else:
        assert location.region.known or location.region.anonymous


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(setting=settings_(), ip=st.one_of(st.sampled_from(ADDRESSES), st.text(max_size=20)))
def test_explain_address_agrees_with_locate_address(
    locators: dict[tuple[Any, ...], Locator], databases: dict[str, Path], setting: tuple[Any, ...], ip: str
) -> None:
    locator = _locator(locators, databases, setting)
    location = locator.explain_address(f" {ip}")
    assert location.region == locator.locate_address(ip)
    assert location.address == ip.strip()
    assert location.source is (Source.NONE if locator.database is None else Source.DATABASE)
