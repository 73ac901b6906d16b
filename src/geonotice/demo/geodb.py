"""Write MaxMind-format databases from readable records, for the tests and the demo.

Records come out in the real GeoIP2 shapes (``country.iso_code``, ``subdivisions[].iso_code``
without the country prefix, ``names`` maps...), so code that reads them is exercised as it
would be on a GeoLite2 or DB-IP Lite file. Writing needs the ``mmdb-writer`` package (a
development dependency); reading the address plan (``READERS``) does not.

The address plan of the demo readers lives in ``readers.json`` and is described in
docs/locating.md: documentation addresses only (RFC 5737 TEST-NETs, RFC 3849 ``2001:db8::/32``).
"""

from __future__ import annotations

import functools
import ipaddress
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pycountry

SOURCE = "readers.json"

_CONTINENTS = {
    "AF": "Africa",
    "AN": "Antarctica",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
}


@dataclass(frozen=True, slots=True)
class DemoReader:
    """One reader of the address plan: a named place with an IPv4 and an IPv6 network."""

    name: str
    label: str
    ipv4: str
    ipv6: str
    country: str
    country_name: str | None = None
    continent: str | None = None
    subdivisions: tuple[tuple[str, str], ...] = ()
    city: str | None = None
    location: Mapping[str, Any] = field(default_factory=dict)

    @property
    def address(self) -> str:
        """An IPv4 address of this reader: the first host of its network."""
        return str(ipaddress.ip_network(self.ipv4).network_address + 1)

    @property
    def address_v6(self) -> str:
        """An IPv6 address of this reader: the first host of its network."""
        return str(ipaddress.ip_network(self.ipv6).network_address + 1)

    @property
    def region_codes(self) -> tuple[str, ...]:
        """What ``Region.codes`` must give for this reader: ``("UA", "UA-43")``."""
        return (self.country, *(f"{self.country}-{code}" for code, _ in self.subdivisions))

    def city_record(self) -> dict[str, Any]:
        return city_record(
            self.country,
            [code for code, _ in self.subdivisions],
            self.city,
            continent=self.continent,
            country_name=self.country_name,
            subdivision_names=[name for _, name in self.subdivisions],
            location=self.location,
        )

    def country_record(self) -> dict[str, Any]:
        return country_record(self.country, continent=self.continent, country_name=self.country_name)


def load_plan(source: str | Path | None = None) -> tuple[str, list[DemoReader], dict[str, str]]:
    """Read an address plan (by default the shipped ``readers.json``): its description, its
    readers, and its unmapped ranges (``{"ipv4": ..., "ipv6": ...}``, not in the database)."""
    if source is None:
        text = resources.files("geonotice.demo").joinpath(SOURCE).read_text(encoding="utf-8")
    else:
        text = Path(source).read_text(encoding="utf-8")
    data = json.loads(text)
    readers = [
        DemoReader(
            name=item["name"],
            label=item["label"],
            ipv4=item["ipv4"],
            ipv6=item["ipv6"],
            country=item["country"],
            country_name=item.get("country_name"),
            continent=item.get("continent"),
            subdivisions=tuple((code, name) for code, name in item.get("subdivisions", [])),
            city=item.get("city"),
            location=item.get("location", {}),
        )
        for item in data["readers"]
    ]
    return data["description"], readers, dict(data.get("unmapped", {}))


_DESCRIPTION, DEMO_READERS, _UNMAPPED = load_plan()
_BY_NAME = {reader.name: reader for reader in DEMO_READERS}

#: Reader name → an IPv4 address the demo and test databases place there ("moscow" → "192.0.2.1").
READERS: dict[str, str] = {reader.name: reader.address for reader in DEMO_READERS}
#: Reader name → an IPv6 address the demo and test databases place there.
READERS_V6: dict[str, str] = {reader.name: reader.address_v6 for reader in DEMO_READERS}
#: Addresses inside the documentation ranges that no reader has: "not in the database".
UNMAPPED_V4 = str(ipaddress.ip_network(_UNMAPPED["ipv4"]).network_address + 7)
UNMAPPED_V6 = str(ipaddress.ip_network(_UNMAPPED["ipv6"]).network_address + 7)
#: The region codes each reader must come out with: "crimea" → ("UA", "UA-43").
READER_REGIONS: dict[str, tuple[str, ...]] = {reader.name: reader.region_codes for reader in DEMO_READERS}


def demo_reader(name: str) -> DemoReader:
    """The reader of that name. Raises ``KeyError`` naming the known readers."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no demo reader {name!r}; known: {', '.join(_BY_NAME)}") from None


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


@functools.cache
def _subdivision_names() -> dict[str, str]:
    return {str(s.code): str(s.name) for s in pycountry.subdivisions}


def _subdivision_name(country: str, code: str) -> str:
    return _subdivision_names().get(f"{country}-{code}", code)


def country_record(
    country: str, *, continent: str | None = None, country_name: str | None = None
) -> dict[str, Any]:
    """A record in the GeoIP2 Country shape (as in GeoLite2-Country and DB-IP Country Lite)."""
    country_part = {"iso_code": country, "names": {"en": country_name or _country_name(country)}}
    record: dict[str, Any] = {"country": country_part, "registered_country": dict(country_part)}
    if continent is not None:
        record["continent"] = {"code": continent, "names": {"en": _CONTINENTS.get(continent, continent)}}
    return record


def city_record(
    country: str,
    subdivisions: Sequence[str] = (),
    city: str | None = None,
    *,
    continent: str | None = None,
    country_name: str | None = None,
    subdivision_names: Sequence[str] = (),
    location: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A record in the GeoIP2 City shape. ``subdivisions`` are codes without the country prefix,
    largest first, as MaxMind stores them (``["43"]``, ``["ENG", "LND"]``)."""
    record = country_record(country, continent=continent, country_name=country_name)
    if subdivisions:
        names = list(subdivision_names) + [_subdivision_name(country, c) for c in subdivisions]
        record["subdivisions"] = [
            {"iso_code": code, "names": {"en": names[i]}} for i, code in enumerate(subdivisions)
        ]
    if city is not None:
        record["city"] = {"names": {"en": city}}
    if location:
        record["location"] = {"accuracy_radius": 100, **location}
    return record


def write_database(
    path: str | Path,
    records: Iterable[tuple[str, Mapping[str, Any] | Any]],
    *,
    database_type: str = "GeoIP2-City",
    description: str = "geonotice test database",
    ip_version: int = 6,
    languages: Sequence[str] = ("en",),
    build_epoch: int | None = None,
) -> Path:
    """Write ``(network, record)`` pairs to a MaxMind DB file; returns its path.

    IPv4 networks go into an IPv6 database the way MaxMind's own files hold them (under
    ``::/96``), so IPv4 and IPv6 lookups both work. ``build_epoch`` (seconds) makes the output
    reproducible; by default it is the current time.

    Raises:
        ImportError: ``mmdb-writer`` is not installed (``pip install mmdb-writer``).
        ValueError: a network is malformed, or IPv6 in an ``ip_version=4`` database.
    """
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    class _Writer(MMDBWriter):
        def _build_meta(self) -> dict[str, Any]:
            meta = super()._build_meta()
            if build_epoch is not None:
                meta["build_epoch"] = build_epoch
            return meta

    writer = _Writer(
        ip_version=ip_version,
        ipv4_compatible=ip_version == 6,
        database_type=database_type,
        languages=list(languages),
        description=description,
    )
    for network, record in records:
        parsed = ipaddress.ip_network(network)  # our error for bad input, not netaddr's
        writer.insert_network(IPSet([str(parsed)]), _plain(record))
    path = Path(path)
    writer.to_db_file(str(path))
    return path


def _plain(value: Any) -> Any:
    # mmdb-writer encodes by exact type: turn mappings and tuples into dict and list.
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def reader_records(
    readers: Iterable[DemoReader] = DEMO_READERS, *, kind: str = "city"
) -> list[tuple[str, Any]]:
    """The ``(network, record)`` pairs of readers, IPv4 and IPv6, in ``"city"`` or ``"country"`` shape."""
    pairs: list[tuple[str, Any]] = []
    for reader in readers:
        record = reader.city_record() if kind == "city" else reader.country_record()
        pairs += [(reader.ipv4, record), (reader.ipv6, record)]
    return pairs


def write_demo_database(path: str | Path, *, build_epoch: int | None = None) -> Path:
    """Write the demo database (City shape, every demo reader) to ``path``."""
    return write_database(
        path,
        reader_records(DEMO_READERS),
        database_type="GeoIP2-City",
        description=_DESCRIPTION,
        build_epoch=build_epoch,
    )
