"""``Locator``: the reader's region for a request, from the GeoIP database and/or CDN headers.

Which source wins (documented in docs/locating.md):

1. The peer (the ASGI ``client``) is not a trusted proxy: forwarding and geo headers are
   ignored, since anyone can write them, and the peer's address is looked up in the database.
2. The peer is a trusted proxy and a geo header gives a country: the header wins, because the
   CDN saw the reader's connection. If it gives no subdivision and the database, asked about
   the forwarded address, agrees on the country, the database's subdivisions are added (a
   country-only CDN plan plus GeoLite2 still finds readers in Crimea).
3. Otherwise (no geo header configured, or it says ``XX``/``ZZ``/absent): the reader's address
   from the forwarding header is looked up in the database; when the header does not yield an
   address, the region is unknown rather than the proxy's own location.

Only one forwarding header is read, the one the operator's proxies write (``forwarded_header``,
``X-Forwarded-For`` by default): a proxy passes a header of the *other* kind through untouched,
so reading both, whichever wins, would let a reader write their own address.

``Locator.explain`` tells the same in words. Its body is a twin kept in ``explain.py``, which
reads the settings parsed here, so that ``locate`` carries nothing but the decision; a property
test proves the two agree.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

from starlette.types import Scope

from geonotice._watch import FileWatcher, Watched, file_signature
from geonotice.errors import ConfigError, GeoIPDatabaseError
from geonotice.locate.cache import CachedDatabase
from geonotice.locate.cdn import GeoHeaders, HeaderReader, geo_headers_from
from geonotice.locate.explain import explain_address, explain_scope
from geonotice.locate.geoip import STALE_AFTER, GeoIPDatabase
from geonotice.locate.location import Location
from geonotice.locate.proxies import TrustedProxies, walk_hops
from geonotice.locate.request import (
    FORWARDED,
    FORWARDING_NAMES,
    XFF,
    HeaderLines,
    collect,
    hops,
    peer_of,
)
from geonotice.locate.staleness import StalenessReminder
from geonotice.region import ANONYMOUS, UNKNOWN, Region

logger = logging.getLogger("geonotice.locate")

# After a refused database, how long until the unchanged file is tried again, at most: a file
# caught mid-write can look unchanged once written (timestamps are coarse), so it is retried,
# less and less often, rather than refused for good.
_RETRY_AT_MOST = 60.0


class Locator(Watched):
    """Finds the reader's region for each request. Configure once; share across requests."""

    def __init__(
        self,
        *,
        geoip_db: str | Path | None = None,
        trusted_proxies: str | Sequence[str] = (),
        geo_headers: str | GeoHeaders | None = None,
        reload_interval: float = 2.0,
        cache_size: int = 65_536,
        forwarded_header: str = "X-Forwarded-For",
    ) -> None:
        """Check every setting and open the database.

        ``cache_size`` bounds the per-address cache (entries, about 100 bytes each); it is
        dropped whenever the database is replaced. ``forwarded_header`` names the header the
        trusted proxies write: ``"X-Forwarded-For"`` or ``"Forwarded"`` (RFC 7239).

        Raises:
            ConfigError: neither ``geoip_db`` nor ``geo_headers`` is given; a malformed
                ``trusted_proxies`` entry; an unknown ``geo_headers`` preset; geo headers without
                trusted proxies (they would never be believed); a bad interval, cache size or
                forwarded header name.
            GeoIPDatabaseError: the database is missing, corrupt or of an unsuitable kind; the
                message names the path and how to get a database.
        """
        if geoip_db is None and geo_headers is None:
            raise ConfigError(
                "locating readers needs a GeoIP database (geoip_db=...) or CDN geo headers (geo_headers=...)"
            )
        self._trusted = TrustedProxies(trusted_proxies)
        self._has_trusted = bool(self._trusted)
        self._geo: GeoHeaders | None = None
        self._header_reader: HeaderReader | None = None
        if geo_headers is not None:
            self._geo = geo_headers_from(geo_headers)
            self._header_reader = HeaderReader(self._geo)
            if not self._trusted:
                raise ConfigError(
                    f"geo_headers={self._geo.name!r} needs trusted_proxies: geo headers are only believed "
                    "from the CDN or proxy addresses listed there, and with none listed they would all be "
                    "ignored"
                )
        if not isinstance(reload_interval, int | float) or reload_interval <= 0:
            raise ConfigError(
                f"reload_interval must be a positive number of seconds, not {reload_interval!r}"
            )
        if not isinstance(cache_size, int) or cache_size < 2:
            raise ConfigError(f"cache_size must be an integer of at least 2, not {cache_size!r}")
        self._half_cache = cache_size // 2
        kinds = {name.lower(): (key, name) for key, name in FORWARDING_NAMES.items()}
        if not isinstance(forwarded_header, str) or forwarded_header.strip().lower() not in kinds:
            raise ConfigError(
                f"forwarded_header must be 'X-Forwarded-For' or 'Forwarded', not {forwarded_header!r}"
            )
        self._forwarding_key, self._forwarding_name = kinds[forwarded_header.strip().lower()]
        self._wanted = frozenset(
            [XFF, FORWARDED]
            + ([self._geo.country_key] if self._geo else [])
            + ([self._geo.region_key] if self._geo and self._geo.region_key else [])
        )
        self.vary_headers: tuple[str, ...] = self._geo.header_names if self._geo else ()

        self._path: Path | None = None
        self._state: CachedDatabase | None = None
        self._watcher: FileWatcher | None = None
        self._staleness = StalenessReminder(STALE_AFTER)
        self._refused: tuple[object, str] | None = None  # the signature and reason of the last refusal
        self._retry_wait = self._retry_at = 0.0
        if geoip_db is not None:
            path = self._path = Path(geoip_db).expanduser()
            self._state = CachedDatabase(GeoIPDatabase.open(path), self._half_cache)
            self._loaded(self._state.database, "loaded")
            self._watcher = FileWatcher(
                lambda: file_signature([path]),
                self._reload,
                interval=reload_interval,
                name="geonotice-geoip",
                on_tick=self._remind,
            )
            self._retry_base = reload_interval

    # -- life cycle ---------------------------------------------------------------------------

    @property
    def database(self) -> GeoIPDatabase | None:
        """The database now serving lookups, or ``None`` when only headers are used."""
        state = self._state
        return state.database if state is not None else None

    @property
    def trusted_proxies(self) -> TrustedProxies:
        return self._trusted

    def _reload(self) -> bool:
        """Open the replaced file and swap it in; ``False`` when it was refused (the watcher then
        keeps calling, and the unchanged file is tried again after a growing wait)."""
        assert self._path is not None  # only the database watcher calls this
        signature = file_signature([self._path])
        refused = self._refused
        if refused is not None and refused[0] == signature and time.monotonic() < self._retry_at:
            return False
        try:
            database = GeoIPDatabase.open(self._path)
        except GeoIPDatabaseError as error:
            reason = str(error)
            if self._refused is None or self._refused[1] != reason:
                logger.error("GeoIP database not replaced, the previous one keeps serving: %s", reason)
                self._retry_wait = self._retry_base
            else:  # the same refusal again: said once is enough
                logger.debug("GeoIP database still refused: %s", reason)
                self._retry_wait = min(self._retry_wait * 2, _RETRY_AT_MOST)
            self._refused = (signature, reason)
            self._retry_at = time.monotonic() + self._retry_wait
            return False
        # NOTE: the old reader is left to the garbage collector instead of being closed: a
        # lookup on another thread may still be using it. It maps a private copy (snapshot.py),
        # which nobody can shrink, so that is safe however the file was replaced.
        self._refused = None
        self._state = CachedDatabase(database, self._half_cache)
        self._loaded(database, "replaced")
        return True

    def _loaded(self, database: GeoIPDatabase, what: str) -> None:
        logger.info("GeoIP database %s: %s", what, database.summary)
        self._staleness.reset()
        self._staleness.check(database)

    def _remind(self) -> None:
        """On each watcher tick: the once-a-day reminder of a stale database (``staleness.py``)."""
        state = self._state
        if state is not None:
            self._staleness.check(state.database)

    # -- the hot path -------------------------------------------------------------------------

    def locate(self, scope: Scope) -> Region:
        """The reader's region for an HTTP request.

        Args:
            scope: the ASGI connection scope; ``client`` and ``headers`` are read.

        Returns:
            The region, ``UNKNOWN`` when it cannot be told, or ``ANONYMOUS`` for anonymity
            networks reported by the CDN.

        Raises:
            Nothing: malformed headers and addresses fall back as documented and log at debug.
        """
        client = scope.get("client")
        if client and not (self._has_trusted and self._trusted.trusts_peer(client[0])):
            # The common case, the peer is the reader: one dict lookup when seen recently.
            state = self._state
            if state is None:
                return UNKNOWN
            host = client[0]
            region = state.young.get(host)
            return region if region is not None else state.answer(host)
        return self._resolve(scope)

    def locate_address(self, ip: str) -> Region:
        """The region the database gives for an address (the command line's ``--ip``); never raises."""
        return self._lookup(ip.strip())

    def _resolve(self, scope: Scope) -> Region:
        """The general path, in the order of the module's docstring (``locate`` inlines its
        first step); ``explain.py`` tells the same steps in words."""
        peer = peer_of(scope)
        if peer is None:
            return UNKNOWN
        if not (self._has_trusted and self._trusted.trusts_peer(peer)):
            return self._lookup(peer)
        values = collect(scope, self._wanted)
        address = self._reader_address(peer, values)
        reader = self._header_reader
        if reader is not None:
            header_region = reader.read(values).region
            if header_region is not None:
                if (
                    header_region is ANONYMOUS
                    or header_region.subdivisions
                    or address is None
                    or self._state is None
                ):
                    return header_region
                # A country-only header: the database may know the subdivision, if it agrees.
                from_database = self._lookup(address)
                if from_database.country == header_region.country and from_database.subdivisions:
                    return from_database
                return header_region
        return UNKNOWN if address is None else self._lookup(address)

    def _reader_address(self, peer: str, values: HeaderLines) -> str | None:
        """The reader's address behind the trusted ``peer``; ``None`` when it cannot be told."""
        lines = values.get(self._forwarding_key)
        if not lines:
            return peer
        found = hops(self._forwarding_key, lines)
        hop = walk_hops(found, self._trusted)
        if hop is None:
            return peer
        if hop.host is None:
            logger.debug(
                "%s from %s: hop %r has no usable address; the reader's is unknown",
                self._forwarding_name,
                peer,
                hop.text,
            )
        return hop.host

    def _lookup(self, host: str) -> Region:
        state = self._state
        if state is None:
            return UNKNOWN
        region = state.young.get(host)
        return region if region is not None else state.answer(host)

    # -- explaining ---------------------------------------------------------------------------

    def explain(self, scope: Scope) -> Location:
        """What ``locate`` finds, with the address used, the source and the reasons in words
        (``geonotice.locate.explain``). Raises nothing."""
        return explain_scope(self, scope)

    def explain_address(self, ip: str) -> Location:
        """What ``locate_address`` finds, with the reasons in words. Raises nothing."""
        return explain_address(self, ip)
