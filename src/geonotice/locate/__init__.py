"""Locating the reader: ``Locator(...).locate(scope) -> Region``.

The reader's address comes from the connection, or from forwarding headers written by trusted
proxies; the region comes from a MaxMind-format database and/or a CDN's geo headers. Start with
``Locator``; the submodules hold the parsers and the database wrapper it composes.
"""

from __future__ import annotations

from geonotice.locate.cdn import PRESETS, GeoHeaders
from geonotice.locate.geoip import GeoIPDatabase, is_local_address
from geonotice.locate.location import Location, Source
from geonotice.locate.locator import Locator
from geonotice.locate.proxies import TrustedProxies

__all__ = [
    "PRESETS",
    "GeoHeaders",
    "GeoIPDatabase",
    "Location",
    "Locator",
    "Source",
    "TrustedProxies",
    "is_local_address",
]
