"""Reading the reader's region from the geo headers a CDN or platform adds to each request.

Providers send the country as ISO 3166-1 alpha-2 and the subdivision *without* its country
prefix (``TX``, ``43``, App Engine even lower-case ``ca``); the region is always normalized to
the full ISO 3166-2 form (``US-TX``, ``UA-43``). Special country values have fixed outcomes:

=====================================  ===============================================
``XX``, ``ZZ``, ``**``, empty, absent  no answer from the header (database, else unknown)
anything not shaped like a country     no answer, with a debug log
``T1`` (Cloudflare: Tor)               ``ANONYMOUS``, a region the rules can target
=====================================  ===============================================
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from geonotice.errors import ConfigError
from geonotice.region import ANONYMOUS, Region, subdivision_code

logger = logging.getLogger("geonotice.locate")

#: Country values that mean "the provider does not know"; every provider uses one of these.
UNKNOWN_COUNTRY_VALUES = frozenset({"", "XX", "ZZ", "**", "--"})

_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_COUNTRY = re.compile(r"[A-Z]{2}")
_VALUE_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class GeoHeaders:
    """The names of the request headers that carry the reader's country and subdivision.

    ``anonymous_values`` are country values meaning "anonymity network" (Cloudflare's ``T1``).

    Raises:
        ConfigError: a header name is not a valid HTTP field name.
    """

    country: str
    region: str | None = None
    name: str = "custom"
    anonymous_values: frozenset[str] = frozenset()
    _country_key: bytes = field(init=False, repr=False, compare=False)
    _region_key: bytes | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for header in (self.country, self.region):
            if header is not None and (not isinstance(header, str) or not _HEADER_NAME.fullmatch(header)):
                raise ConfigError(f"{header!r} is not a valid HTTP header name", setting="geo_headers")
        # ASGI servers hand over header names lower-cased, as bytes.
        object.__setattr__(self, "_country_key", self.country.lower().encode("latin-1"))
        region_key = self.region.lower().encode("latin-1") if self.region else None
        object.__setattr__(self, "_region_key", region_key)
        object.__setattr__(self, "anonymous_values", frozenset(v.upper() for v in self.anonymous_values))

    @property
    def header_names(self) -> tuple[str, ...]:
        """The headers the region depends on, for ``Vary``."""
        return (self.country,) if self.region is None else (self.country, self.region)

    @property
    def country_key(self) -> bytes:
        return self._country_key

    @property
    def region_key(self) -> bytes | None:
        return self._region_key


PRESETS: dict[str, GeoHeaders] = {
    # The region header is added by the "Add visitor location headers" managed transform.
    "cloudflare": GeoHeaders("CF-IPCountry", "CF-Region-Code", "cloudflare", frozenset({"T1"})),
    "cloudfront": GeoHeaders("CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Region", "cloudfront"),
    "vercel": GeoHeaders("X-Vercel-IP-Country", "X-Vercel-IP-Country-Region", "vercel"),
    "appengine": GeoHeaders("X-AppEngine-Country", "X-AppEngine-Region", "appengine"),
}


def geo_headers_from(value: str | GeoHeaders) -> GeoHeaders:
    """The ``GeoHeaders`` a setting names: a preset name or a ``GeoHeaders`` value.

    Raises:
        ConfigError: an unknown preset name; the message lists the presets.
    """
    if isinstance(value, GeoHeaders):
        return value
    if isinstance(value, str) and value.strip().lower() in PRESETS:
        return PRESETS[value.strip().lower()]
    names = ", ".join(repr(n) for n in PRESETS)
    raise ConfigError(
        f"unknown preset {value!r}; use one of {names}, "
        "or GeoHeaders(country='X-Country', region='X-Region') for custom header names",
        setting="geo_headers",
    )


class HeaderAnswer(NamedTuple):
    """What a pair of geo header values says: the region, or ``None`` when they give no answer
    (the database, if any, decides then), and why, in words."""

    region: Region | None
    detail: str


class HeaderReader:
    """Turns the geo header lines of a request into a region, with a bounded cache per pair of
    values (the same few hundred pairs come back all day, and normalizing them is the costly part)."""

    def __init__(self, headers: GeoHeaders) -> None:
        self.headers = headers
        self._cache: dict[tuple[bytes | None, bytes | None], HeaderAnswer] = {}

    def read(self, lines: Mapping[bytes, Sequence[bytes]]) -> HeaderAnswer:
        """What the request's geo headers say; ``lines`` holds every line of each header, by
        lower-case name. A header sent twice with different values counts as absent."""
        headers = self.headers
        country = _single(lines, headers.country_key)
        region = _single(lines, headers.region_key) if headers.region_key else None
        key = (country, region)
        found = self._cache.get(key)
        if found is None:
            found = self._read(country, region)
            if len(self._cache) >= _VALUE_CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _read(self, country_raw: bytes | None, region_raw: bytes | None) -> HeaderAnswer:
        name = self.headers.country
        if country_raw is None:
            return HeaderAnswer(None, f"no {name} header")
        country = country_raw.decode("latin-1").strip().upper()
        if country in self.headers.anonymous_values:
            return HeaderAnswer(ANONYMOUS, f"{name}: {country} (anonymity network)")
        if country in UNKNOWN_COUNTRY_VALUES:
            return HeaderAnswer(None, f"{name}: {country or 'empty'} (provider does not know)")
        if not _COUNTRY.fullmatch(country):
            logger.debug("%s ignored: %r is not a country code", name, country)
            return HeaderAnswer(None, f"{name}: {country!r} is not a country code")
        detail = f"{name}: {country}"
        if region_raw is None or self.headers.region is None:
            return HeaderAnswer(Region(country), detail)
        raw = region_raw.decode("latin-1").strip()
        code = subdivision_code(country, raw) if raw else None
        if code is None:
            if raw:
                logger.debug("%s ignored: %r is not a subdivision code", self.headers.region, raw)
                return HeaderAnswer(Region(country), f"{detail}; {self.headers.region}: {raw!r} ignored")
            return HeaderAnswer(Region(country), detail)
        return HeaderAnswer(Region(country, (code,)), f"{detail}; {self.headers.region}: {raw}")


def _single(lines: Mapping[bytes, Sequence[bytes]], key: bytes) -> bytes | None:
    found = lines.get(key)
    if not found:
        return None
    if len(found) > 1 and len(set(found)) > 1:
        # Two different countries: one of them was not written by the CDN. Believe neither.
        logger.debug("%s sent %d times with different values; ignored", key.decode("latin-1"), len(found))
        return None
    return found[0]
