"""The demo's readers: the people the demo can pretend to be, read from ``readers.json``.

``readers.json`` is also the readable source of the demo database, so each reader's address is
one the database places in that reader's region. It holds documentation addresses only
(RFC 5737 TEST-NETs, RFC 3849 ``2001:db8::/32``), never a real reader's.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geonotice.demo import READERS_PLAN
from geonotice.region import Region


@dataclass(frozen=True, slots=True)
class DemoReader:
    """One reader of the demo: ``key`` names them in URLs and the cookie (``"crimea"``), ``place``
    is what the demo shows (``"Crimea"``), ``region`` what the demo database gives their address."""

    key: str
    place: str
    region: Region
    network: ipaddress.IPv4Network
    network_v6: ipaddress.IPv6Network

    @property
    def address(self) -> str:
        """An IPv4 address of this reader's network."""
        return _host(self.network)

    @property
    def address_v6(self) -> str:
        """An IPv6 address of this reader's network."""
        return _host(self.network_v6)


def load_demo_readers() -> tuple[DemoReader, ...]:
    """The demo's readers, in the order of ``readers.json``.

    Read at run time so the demo's addresses cannot drift from the database they are looked up in.

    Raises:
        ValueError: ``readers.json`` is missing or does not have the expected shape.
    """
    try:
        entries = json.loads(READERS_PLAN.read_text(encoding="utf-8"))["readers"]
        return tuple(_reader(entry) for entry in entries)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        raise ValueError(f"demo readers.json cannot be used: {error!r}") from error


def _reader(entry: Mapping[str, Any]) -> DemoReader:
    country = str(entry["country"])
    # Subdivisions as MaxMind stores them: largest first, without the country prefix.
    subdivisions = tuple(f"{country}-{code}" for code, _name in entry.get("subdivisions") or ())
    network = ipaddress.ip_network(entry["ipv4"])
    network_v6 = ipaddress.ip_network(entry["ipv6"])
    if not isinstance(network, ipaddress.IPv4Network) or not isinstance(network_v6, ipaddress.IPv6Network):
        raise ValueError(f"reader {entry['name']!r}: ipv4 and ipv6 must be networks of those versions")
    return DemoReader(
        key=str(entry["name"]),
        place=str(entry["place"]),
        region=Region(country, subdivisions),
        network=network,
        network_v6=network_v6,
    )


def _host(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    # Any host of the network will do; the fifth reads less like a network address.
    return str(network[min(5, network.num_addresses - 1)])
