"""The demo's readers as lookup tables: ``READERS["crimea"]`` is an address that the demo database
and the test databases (``support.geodb``) place in Crimea.

The readers come from the package (``geonotice.demo.readers``), so the tests, the demo and the
databases all use one address plan, ``readers.json``: documentation addresses only (RFC 5737
TEST-NETs, RFC 3849 ``2001:db8::/32``). Use these tables rather than addresses written by hand.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from geonotice.demo import READERS_PLAN
from geonotice.demo.readers import DemoReader, load_demo_readers

DEMO_READERS: tuple[DemoReader, ...] = load_demo_readers()
#: Reader key → an IPv4 address placed there ("moscow" → "192.0.2.5").
READERS: dict[str, str] = {reader.key: reader.address for reader in DEMO_READERS}
#: Reader key → an IPv6 address placed there.
READERS_V6: dict[str, str] = {reader.key: reader.address_v6 for reader in DEMO_READERS}
#: Reader key → the codes ``Region.codes`` must give for that reader: "crimea" → ("UA", "UA-43").
READER_REGIONS: dict[str, tuple[str, ...]] = {reader.key: reader.region.codes for reader in DEMO_READERS}


def load_plan() -> dict[str, Any]:
    """``readers.json`` as it is written: the database's description, its readers with every
    detail of their records, and the documentation ranges left out of the database."""
    plan: dict[str, Any] = json.loads(READERS_PLAN.read_text(encoding="utf-8"))
    return plan


def _unmapped(version: str) -> str:
    return str(ipaddress.ip_network(load_plan()["unmapped"][version]).network_address + 7)


#: Documentation addresses no reader has: "not in the database".
UNMAPPED_V4 = _unmapped("ipv4")
UNMAPPED_V6 = _unmapped("ipv6")
