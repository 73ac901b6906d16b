"""The answers of a GeoIP database, cached for the hot path, and dropped with the database.

The cache is part of the answer's cost: a fresh reader pays for the lookup plus whatever the
cache does on a miss, so the miss path is written flat (benchmarks/bench_locate.py).
"""

from __future__ import annotations

import socket
from typing import Any

from geonotice.locate.geoip import GeoIPDatabase
from geonotice.region import UNKNOWN, Region


class CachedDatabase:
    """The current database with its caches; replaced whole (one assignment) on reload, so a
    new database never serves an answer cached from the old one.

    Two caches, each bounded by two generations (when the young one is full it becomes the old
    one, and entries still in use are promoted back on their next hit, with no per-hit
    bookkeeping): IPv4 /24s and IPv6 /48s that lie wholly inside one database network, keyed
    by their text (``"192.0.2"``) or packed bytes, since readers cluster in their providers'
    networks; and single addresses for everything else. Each answer is stored once, in one of
    them: inserting costs more than looking up (bench_locate.py), and fresh readers pay for it.
    """

    __slots__ = ("database", "half", "networks", "old", "old_networks", "young")

    def __init__(self, database: GeoIPDatabase, half: int) -> None:
        self.database = database
        self.half = half
        self.young: dict[str, Region] = {}
        self.old: dict[str, Region] = {}
        self.networks: dict[str | bytes, Region] = {}
        self.old_networks: dict[str | bytes, Region] = {}

    def answer(self, host: Any) -> Region:
        """The region of ``host`` when ``young`` does not have it (the caller looked)."""
        try:
            dot = host.rfind(".")
        except AttributeError:
            return UNKNOWN
        key: str | bytes | None = None
        widest = 0
        region: Region | None = None
        if dot < 0 or ":" in host:
            if dot < 0:
                # IPv6 text has many spellings: the key is the packed /48 (a reader's privacy
                # addresses rotate inside one /64, so they all land here).
                try:
                    key = socket.inet_pton(socket.AF_INET6, host)[:6]
                    widest = 48
                except (OSError, ValueError):
                    key = None
        elif dot > 0:
            # The server and our forwarding parser hand over canonical dotted quads; other text
            # the database accepts (``1.2.3``, ``010.0.0.1``) gives a key no canonical one has.
            key = host[:dot]
            widest = 24
        if key is not None:
            region = self.networks.get(key)
            if region is not None:
                return region
            region = self.old_networks.get(key)
        if region is None:
            region = self.old.get(host)
            if region is None:
                region, prefix_len = self.database.lookup_network(host)
                if key is not None and not 0 < prefix_len <= widest:
                    key = None  # the answer may differ elsewhere in this /24 or /48
            else:
                key = None
        if key is not None:
            networks = self.networks
            if len(networks) >= self.half:
                self.old_networks = networks
                self.networks = networks = {}
            networks[key] = region
            return region
        young = self.young
        if len(young) >= self.half:
            self.old = young
            self.young = young = {}
        young[host] = region
        return region
