"""Write MaxMind-format databases from readable records: the tests' databases and the demo's.

Records come out in the real GeoIP2 shapes (``country.iso_code``, ``subdivisions[].iso_code``
without the country prefix, ``names`` maps...), so code that reads them is exercised as it
would be on a GeoLite2 or DB-IP Lite file. Writing needs ``mmdb-writer``, a development
dependency, which is why this lives with the tests and not in the package.

The demo database shipped in the package is built here from its readable source, the address
plan ``readers.json``::

    scripts/build-demo-db [OUTPUT]     # default: src/geonotice/demo/demo-city.mmdb
"""

from __future__ import annotations

import functools
import ipaddress
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pycountry
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from geonotice.demo import DEMO_DATABASE
from support.readers import load_plan

#: The demo database's build date, 2025-01-01T00:00:00Z: pinned rather than taken from the clock,
#: so the same source always gives the same bytes. Bump it when readers.json changes, so
#: ``explain`` shows a fresh date.
BUILD_EPOCH = 1_735_689_600

_CONTINENTS = {
    "AF": "Africa",
    "AN": "Antarctica",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
}


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
        ValueError: a network is malformed, or IPv6 in an ``ip_version=4`` database.
    """

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


def reader_records(*, kind: str = "city") -> list[tuple[str, Any]]:
    """The ``(network, record)`` pairs of the demo's readers, IPv4 and IPv6, in ``"city"`` or
    ``"country"`` shape, with every detail ``readers.json`` gives (names, city, location)."""
    pairs: list[tuple[str, Any]] = []
    for entry in load_plan()["readers"]:
        if kind == "city":
            subdivisions = entry.get("subdivisions", [])
            record = city_record(
                entry["country"],
                [code for code, _ in subdivisions],
                entry.get("city"),
                continent=entry.get("continent"),
                country_name=entry.get("country_name"),
                subdivision_names=[name for _, name in subdivisions],
                location=entry.get("location"),
            )
        else:
            record = country_record(
                entry["country"], continent=entry.get("continent"), country_name=entry.get("country_name")
            )
        pairs += [(entry["ipv4"], record), (entry["ipv6"], record)]
    return pairs


def write_demo_database(path: str | Path) -> Path:
    """Write the demo database (City shape, every demo reader, build date ``BUILD_EPOCH``)."""
    return write_database(
        path,
        reader_records(kind="city"),
        database_type="GeoIP2-City",
        description=load_plan()["description"],
        build_epoch=BUILD_EPOCH,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m support.geodb [OUTPUT]``: write the demo database, by default over the shipped one."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or any(arg.startswith("-") for arg in args):
        print("usage: scripts/build-demo-db [OUTPUT]", file=sys.stderr)
        return 2
    output = Path(args[0]) if args else DEMO_DATABASE
    write_demo_database(output)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
