"""Where a reader is placed and why: ``Locator.locate`` told in words.

This is the locator's twin, as ``geonotice.rules.explain`` is the engine's. ``locate`` keeps its
general path free of anything but the decision (it runs for every request behind a proxy); this
module takes the same steps in the same order, reading the request with the same helpers
(``request.py``), and says at each one what it read, believed or ignored. It must reach the
region ``locate`` reaches, which a property test checks over random peers, trusted proxies,
forwarding and geo headers and databases (tests/locate/test_explain.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.types import Scope

from geonotice.locate.cdn import GeoHeaders
from geonotice.locate.location import Location, Source
from geonotice.locate.proxies import walk_hops, why_this_hop
from geonotice.locate.request import FORWARDING_NAMES, HeaderLines, collect, hops, peer_of
from geonotice.region import ANONYMOUS, UNKNOWN

if TYPE_CHECKING:
    from geonotice.locate.locator import Locator


def explain_scope(locator: Locator, scope: Scope) -> Location:
    """What ``locator.locate(scope)`` finds, with the address used, the source, and why."""
    notes: list[str] = []
    peer = peer_of(scope)
    if peer is None:
        return Location(UNKNOWN, None, Source.NONE, "the request has no client address")
    values = collect(scope, locator._wanted)
    if not locator.trusted_proxies.trusts_peer(peer):
        present = _header_names(values, locator._geo)
        if present:
            notes.append(f"{', '.join(present)} ignored: peer {peer} is not a trusted proxy")
        return _from_database(locator, peer, notes)
    address = _reader_address(locator, peer, values, notes)
    reader = locator._header_reader
    if reader is not None:
        header_region, why = reader.read(values)
        notes.append(why)
        if header_region is not None:
            database = locator.database
            if (
                header_region is ANONYMOUS
                or header_region.subdivisions
                or address is None
                or database is None
            ):
                return Location(header_region, address, Source.HEADER, "; ".join(notes))
            from_database = locator._lookup(address)
            if from_database.country != header_region.country or not from_database.subdivisions:
                return Location(header_region, address, Source.HEADER, "; ".join(notes))
            notes.append(
                f"subdivisions of {address} from the database, which agrees on "
                f"{header_region.country} ({database.summary})"
            )
            return Location(from_database, address, Source.HEADER_AND_DATABASE, "; ".join(notes))
    if address is None:
        return Location(UNKNOWN, None, Source.NONE, "; ".join(notes))
    return _from_database(locator, address, notes)


def explain_address(locator: Locator, ip: str) -> Location:
    """What ``locator.locate_address(ip)`` finds, with the reasons in words."""
    return _from_database(locator, ip.strip(), [])


def _from_database(locator: Locator, address: str, notes: list[str]) -> Location:
    database = locator.database
    if database is None:
        notes.append("no GeoIP database configured")
        return Location(UNKNOWN, address, Source.NONE, "; ".join(notes))
    region = locator._lookup(address)
    notes.append(f"{database.describe(address)[1]}, database {database.summary}")
    return Location(region, address, Source.DATABASE, "; ".join(notes))


def _reader_address(locator: Locator, peer: str, values: HeaderLines, notes: list[str]) -> str | None:
    """``Locator._reader_address``, step by step in words."""
    key, name = locator._forwarding_key, locator._forwarding_name
    for other, other_name in FORWARDING_NAMES.items():
        if other != key and other in values:
            notes.append(f"{other_name} ignored: the trusted proxies write {name}")
    lines = values.get(key)
    if not lines:
        notes.append(f"peer {peer} is a trusted proxy and sent no {name}: using its address")
        return peer
    found = hops(key, lines)
    hop = walk_hops(found, locator.trusted_proxies)
    notes.append(f"{name} from trusted proxy {peer}: {why_this_hop(found, hop, locator.trusted_proxies)}")
    return peer if hop is None else hop.host


def _header_names(values: HeaderLines, geo: GeoHeaders | None) -> list[str]:
    """The names of the forwarding and geo headers the request carries, in its order."""
    names = dict(FORWARDING_NAMES)
    if geo is not None:
        names[geo.country_key] = geo.country
        if geo.region_key:
            names[geo.region_key] = geo.region or ""
    return [names[key] for key in values if key in names]
