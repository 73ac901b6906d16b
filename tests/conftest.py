"""Fixtures that build real MaxMind-format databases for the tests of every part.

The databases follow the demo address plan (``geonotice.demo.geodb.READERS``): documentation
addresses mapped to Moscow, Crimea, Sevastopol, the other Russia-controlled Ukrainian
subdivisions, Kyiv, Berlin, New York, London (two subdivision levels) and Singapore (none).
Import the address table from ``geonotice.demo.geodb``, not from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from geonotice.demo.geodb import reader_records, write_database

MakeDatabase = Callable[..., Path]


@pytest.fixture
def make_db(tmp_path: Path) -> MakeDatabase:
    """``make_db(records, name="x.mmdb", database_type="GeoIP2-City", ...)`` writes a database
    of ``(network, record)`` pairs into the test's directory and returns its path."""

    def make(records: Iterable[tuple[str, Any]], name: str = "test.mmdb", **options: Any) -> Path:
        return write_database(tmp_path / name, records, **options)

    return make


@pytest.fixture
def city_db(make_db: MakeDatabase) -> Path:
    """A GeoIP2-City database of every demo reader, IPv4 and IPv6."""
    return make_db(reader_records(kind="city"), name="GeoLite2-City.mmdb", database_type="GeoLite2-City")


@pytest.fixture
def country_db(make_db: MakeDatabase) -> Path:
    """A GeoIP2-Country database of every demo reader (countries only), IPv4 and IPv6."""
    return make_db(
        reader_records(kind="country"), name="GeoLite2-Country.mmdb", database_type="GeoLite2-Country"
    )
