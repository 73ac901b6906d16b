"""The demo database shipped in the package: documentation addresses only, rebuilt from its source."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from geonotice.demo import build_demo_db
from geonotice.demo.geodb import DEMO_READERS, READER_REGIONS, READERS, READERS_V6, UNMAPPED_V4, UNMAPPED_V6
from geonotice.locate import GeoIPDatabase, Locator
from geonotice.region import UNKNOWN, region_code_problem

DOCUMENTATION = [
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
]


@pytest.fixture(scope="module")
def demo() -> GeoIPDatabase:
    return GeoIPDatabase.open(build_demo_db.DEMO_DATABASE)


def test_the_shipped_database_is_exactly_what_the_script_builds_from_readers_json(tmp_path: Path) -> None:
    rebuilt = tmp_path / "demo-city.mmdb"
    assert build_demo_db.main([str(rebuilt)]) == 0
    assert rebuilt.read_bytes() == build_demo_db.DEMO_DATABASE.read_bytes(), (
        "demo-city.mmdb is out of date: run python -m geonotice.demo.build_demo_db"
    )


def test_the_demo_database_says_it_is_a_demo_city_database(demo: GeoIPDatabase) -> None:
    assert demo.database_type == "GeoIP2-City"
    assert "demo" in demo.description
    assert demo.is_demo


@pytest.mark.parametrize("reader", DEMO_READERS, ids=lambda r: r.name)
def test_every_demo_reader_uses_documentation_addresses_only(reader: object) -> None:
    for network in (reader.ipv4, reader.ipv6):  # type: ignore[attr-defined]
        parsed = ipaddress.ip_network(network)
        assert any(parsed.subnet_of(doc) for doc in DOCUMENTATION if doc.version == parsed.version), network


@pytest.mark.parametrize("name", sorted(READERS))
def test_every_demo_reader_is_found_over_ipv4_and_ipv6(demo: GeoIPDatabase, name: str) -> None:
    assert demo.lookup(READERS[name]).codes == READER_REGIONS[name]
    assert demo.lookup(READERS_V6[name]).codes == READER_REGIONS[name]
    for code in READER_REGIONS[name]:
        assert region_code_problem(code) is None, code


def test_the_demo_has_the_readers_the_example_needs() -> None:
    regions = {codes[-1] for codes in READER_REGIONS.values()}
    assert {"RU-MOW", "UA-43", "UA-40", "UA-30", "DE-BE", "US-NY"} <= regions
    assert {"UA-14", "UA-09", "UA-23", "UA-65"} <= regions


def test_unmapped_documentation_addresses_are_unknown(demo: GeoIPDatabase) -> None:
    assert demo.lookup(UNMAPPED_V4) is UNKNOWN
    assert demo.lookup(UNMAPPED_V6) is UNKNOWN


def test_the_demo_database_is_never_reported_stale(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="geonotice.locate"):
        Locator(geoip_db=build_demo_db.DEMO_DATABASE)
    assert "days old" not in caplog.text
