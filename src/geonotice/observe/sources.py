"""Where a located reader's region came from, as a metrics label, without locating twice.

``Locator.locate`` returns the region alone, which keeps its hot path short; the source is told
afterwards from the region and the configuration, and reads a request header only in the one
configuration where the answer depends on it (a database and CDN headers both configured, and a
request through a trusted proxy). ``Locator.explain`` tells the same in words, for one request.

The labels, the values of ``geonotice_covered_responses_total{source=...}``:

* ``database``: the GeoIP database placed the reader's address;
* ``cdn-header``: a CDN's geo header, from a trusted proxy (with the database's subdivision
  when the header gives a country only);
* ``variant-header``: the variant an edge computed from its own geo data
  (``Source.VARIANT_HEADER``), passed by a trusted proxy and believed (the middleware knows
  this one itself: it read the header before locating);
* ``unknown``: nowhere (private address, not in the database, no usable header);
* ``anonymous``: an anonymity network, as a CDN reports it.
"""

from __future__ import annotations

from starlette.types import Scope

from geonotice.locate import GeoHeaders, Locator, Source
from geonotice.locate.cdn import HeaderReader
from geonotice.locate.request import collect
from geonotice.region import Region

__all__ = ["SOURCE_LABELS", "VARIANT_LABEL", "RegionSources"]

SOURCE_LABELS: dict[Source, str] = {
    Source.DATABASE: "database",
    Source.HEADER: "cdn-header",
    Source.HEADER_AND_DATABASE: "cdn-header",
    Source.VARIANT_HEADER: "variant-header",
    Source.NONE: "unknown",
}
VARIANT_LABEL = SOURCE_LABELS[Source.VARIANT_HEADER]
UNKNOWN_LABEL = "unknown"
ANONYMOUS_LABEL = "anonymous"


class RegionSources:
    """Tells the source label of a region ``locator`` found for a request."""

    def __init__(self, locator: Locator, geo_headers: GeoHeaders | None) -> None:
        self._trusted = locator.trusted_proxies
        self._has_database = locator.database is not None
        self._reader = HeaderReader(geo_headers) if geo_headers is not None else None
        wanted = [geo_headers.country_key] if geo_headers is not None else []
        if geo_headers is not None and geo_headers.region_key:
            wanted.append(geo_headers.region_key)
        self._wanted = frozenset(wanted)

    def label(self, scope: Scope, region: Region) -> str:
        """The source label of ``region``, which ``locate(scope)`` returned."""
        if region.country is None:
            return ANONYMOUS_LABEL if region.anonymous else UNKNOWN_LABEL
        reader = self._reader
        if reader is None:
            return "database"
        if not self._has_database:
            return "cdn-header"
        # Both configured: the header wins when a trusted proxy sent a usable one.
        client = scope.get("client")
        if not client or not self._trusted.trusts_peer(client[0]):
            return "database"
        return "cdn-header" if reader.read(collect(scope, self._wanted)).region is not None else "database"
