"""The demo database shipped in the package: documentation addresses only, rebuilt from its source."""

from __future__ import annotations

import ipaddress
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geonotice.demo import DEMO_DATABASE
from geonotice.demo.readers import DemoReader
from geonotice.demo.site import create_demo_app
from geonotice.locate import GeoIPDatabase, Locator
from geonotice.region import UNKNOWN, region_code_problem
from support.readers import DEMO_READERS, READER_REGIONS, UNMAPPED_V4, UNMAPPED_V6

REPO = Path(__file__).resolve().parents[2]
DOCUMENTATION = [
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
]


@pytest.fixture(scope="module")
def demo() -> GeoIPDatabase:
    return GeoIPDatabase.open(DEMO_DATABASE)


def test_the_shipped_database_is_exactly_what_the_script_builds_from_readers_json(tmp_path: Path) -> None:
    rebuilt = tmp_path / "demo-city.mmdb"
    script = REPO / "scripts" / "build-demo-db"
    environment = {**os.environ, "PYTHON": sys.executable}
    done = subprocess.run([script, rebuilt], env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert rebuilt.read_bytes() == DEMO_DATABASE.read_bytes(), (
        "demo-city.mmdb is out of date: run scripts/build-demo-db"
    )


def test_the_demo_database_says_it_is_a_demo_city_database(demo: GeoIPDatabase) -> None:
    assert demo.database_type == "GeoIP2-City"
    assert "demo" in demo.description


@pytest.mark.parametrize("reader", DEMO_READERS, ids=lambda r: r.key)
def test_every_demo_reader_uses_documentation_addresses_only(reader: DemoReader) -> None:
    for network in (reader.network, reader.network_v6):
        assert any(network.subnet_of(doc) for doc in DOCUMENTATION if doc.version == network.version), network


@pytest.mark.parametrize("reader", DEMO_READERS, ids=lambda r: r.key)
def test_every_demo_reader_is_found_in_its_region_over_ipv4_and_ipv6(
    demo: GeoIPDatabase, reader: DemoReader
) -> None:
    assert demo.lookup(reader.address) == reader.region
    assert demo.lookup(reader.address_v6) == reader.region
    for code in reader.region.codes:
        assert region_code_problem(code) is None, code


def test_the_demo_has_the_readers_the_example_needs() -> None:
    assert {"moscow", "crimea", "sevastopol", "kyiv", "berlin", "minsk"} <= {r.key for r in DEMO_READERS}
    regions = {codes[-1] for codes in READER_REGIONS.values()}
    assert {"RU-MOW", "UA-43", "UA-40", "UA-30", "DE-BE", "US-NY"} <= regions
    assert {"UA-14", "UA-09", "UA-23", "UA-65"} <= regions


def test_unmapped_documentation_addresses_are_unknown(demo: GeoIPDatabase) -> None:
    assert demo.lookup(UNMAPPED_V4) is UNKNOWN
    assert demo.lookup(UNMAPPED_V6) is UNKNOWN


def test_the_demo_does_not_report_its_fictional_database_stale(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="geonotice")
    app = create_demo_app()
    app.app.close()  # type: ignore[attr-defined]  # the middleware inside the reader switch
    assert "days old" not in caplog.text
    # The locator itself knows nothing of the demo: to it, this database is as old as it is.
    Locator(geoip_db=DEMO_DATABASE)
    assert "days old" in caplog.text
    assert logging.getLogger("geonotice.locate.staleness").level == logging.NOTSET, "restored"
