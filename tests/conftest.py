"""Fixtures shared by the tests of every part: real MaxMind-format databases, and a real server.

The databases follow the demo's address plan: documentation addresses mapped to Moscow, Crimea,
Sevastopol, the other Russia-controlled Ukrainian subdivisions, Kyiv, Berlin, New York, London
(two subdivision levels), Singapore (none) and Minsk. Import the address table from
``support.readers`` (``READERS["crimea"]``) and the database writer from ``support.geodb``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp

from geonotice.locate import staleness
from support.geodb import reader_records, write_database
from support.serving import serving

MakeDatabase = Callable[..., Path]


@pytest.fixture(autouse=True)
def _staleness_markers(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own record of stale-database warnings given (normally shared by every
    process on the machine, once a day), so that a warning one test gave never silences another's."""
    monkeypatch.setattr(staleness, "MARKER_DIR", tmp_path_factory.mktemp("staleness"))


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


@pytest.fixture
def serve() -> Callable[[ASGIApp], AbstractContextManager[str]]:
    """``with serve(app) as url:`` serves ``app`` with uvicorn on a free loopback port."""
    return serving
