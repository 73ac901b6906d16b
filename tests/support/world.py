"""Readers from many countries, for the edge tests and the cache benchmark, and their database.

The demo's readers (``support.readers``) plus one network per region of a hundred other
countries (up to three first-level subdivisions each, or the country alone), of Russia,
Belarus and Ukraine, and of Ukraine with no subdivision known. Addresses come from the
benchmarking range 198.18.0.0/15 (RFC 2544) and ``2001:db8:1000::/36`` (RFC 3849), never from a
range any real reader has; they only ever appear in headers and in the test database.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycountry

from geonotice.region import Region
from support.geodb import city_record, reader_records, write_database
from support.readers import DEMO_READERS, UNMAPPED_V4, UNMAPPED_V6

_V4 = ipaddress.ip_network("198.18.0.0/15")
_V6 = ipaddress.ip_network("2001:db8:1000::/36")
OTHER_COUNTRIES = 100
_SUBDIVISIONS_EACH = 3


@dataclass(frozen=True, slots=True)
class Reader:
    """A reader the test database places in ``region``, at ``address`` (IPv4 or IPv6)."""

    key: str
    address: str
    region: Region

    @property
    def country(self) -> str:
        return self.region.country or ""

    @property
    def subdivision(self) -> str:
        """The first subdivision without its country prefix, as a CDN's region header has it."""
        return self.region.subdivisions[0][3:] if self.region.subdivisions else ""


@functools.cache
def _first_level() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for subdivision in pycountry.subdivisions:
        if not getattr(subdivision, "parent_code", None):
            found.setdefault(str(subdivision.country_code), []).append(str(subdivision.code))
    return {country: sorted(codes) for country, codes in found.items()}


def _regions() -> list[Region]:
    regions = [Region("RU", (code,)) for code in ("RU-MOW", "RU-SPE", "RU-NVS", "RU-TA", "RU-KDA")]
    regions += [Region("UA", (f"UA-{code}",)) for code in ("43", "40", "14", "09", "23", "65")]
    regions += [Region("UA", (f"UA-{code}",)) for code in ("30", "46", "51", "63", "12")]
    regions += [Region("UA"), Region("BY", ("BY-HM",)), Region("BY", ("BY-BR",)), Region("BY")]
    countries = sorted(str(c.alpha_2) for c in pycountry.countries if c.alpha_2 not in ("RU", "UA", "BY"))
    for country in countries[:OTHER_COUNTRIES]:
        codes = _first_level().get(country, [])[:_SUBDIVISIONS_EACH]
        regions += [Region(country, (code,)) for code in codes] or [Region(country)]
    return regions


@functools.cache
def world_readers() -> tuple[Reader, ...]:
    """One IPv4 reader per region of the world set, in a fixed order (Russia, occupied Ukraine,
    the rest of Ukraine, Belarus, then the other countries)."""
    return tuple(
        Reader(f"{region}-{index}", _address(_V4, 24, index), region)
        for index, region in enumerate(_regions())
    )


def _address(space: ipaddress.IPv4Network | ipaddress.IPv6Network, prefix: int, index: int) -> str:
    """The 7th address of the ``index``-th network of length ``prefix`` in ``space``."""
    return str(space.network_address + (index << (space.max_prefixlen - prefix)) + 7)


def demo_readers() -> tuple[Reader, ...]:
    """The demo's readers by their IPv4 and IPv6 addresses, and readers the database does not place."""
    readers = [Reader(r.key, r.address, r.region) for r in DEMO_READERS]
    readers += [Reader(f"{r.key}-v6", r.address_v6, r.region) for r in DEMO_READERS]
    readers += [Reader("unmapped", UNMAPPED_V4, Region()), Reader("unmapped-v6", UNMAPPED_V6, Region())]
    return tuple(readers)


def _records() -> Iterable[tuple[str, Any]]:
    yield from reader_records(kind="city")
    for index, reader in enumerate(world_readers()):
        record = city_record(reader.country, [code[3:] for code in reader.region.subdivisions])
        yield f"{ipaddress.ip_network(reader.address + '/24', strict=False)}", record
        yield f"{ipaddress.ip_network(_address(_V6, 48, index) + '/48', strict=False)}", record


def write_world_database(path: Path) -> Path:
    """A GeoLite2-City-shaped database of the demo's readers and the world set (IPv4 and IPv6)."""
    return write_database(path, list(_records()), database_type="GeoLite2-City")
