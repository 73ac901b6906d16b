"""``GeoNoticeMiddleware``: the glue between the reader locator, the rules engine and the injector.

Per request: pages no notice could ever cover pass straight through; otherwise the reader is
located, the rules decide, and a per-request responder rewrites the response. Nothing per request
is stored on the middleware, which is shared by every request and holds no cross-worker state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from geonotice.inject.fragment import parse_accept_language
from geonotice.inject.headers import CachePolicy
from geonotice.inject.metrics import NoticeMetrics, PlacementCounts
from geonotice.inject.outcomes import PlacementMiss
from geonotice.inject.responder import CacheHeadersResponder, NoticeResponder
from geonotice.locate import GeoHeaders, Locator
from geonotice.rules import RulesHolder
from geonotice.rules.model import Ruleset


class GeoNoticeMiddleware:
    """Adds the legal notices the rules give each reader to the pages they cover.

    Args:
        app: the ASGI application to wrap.
        rules: a rules file or directory (watched and reloaded while serving), or a ``Ruleset``.
        geoip_db: a MaxMind-format City or Country database (GeoIP2, GeoLite2, DB-IP Lite), watched
            for replacement by ``geoipupdate``.
        trusted_proxies: addresses and CIDR networks of the proxies and CDN edges in front of the
            app; only their ``X-Forwarded-For``/``Forwarded`` and geo headers are believed.
        geo_headers: a CDN preset (``"cloudflare"``, ``"cloudfront"``, ``"vercel"``,
            ``"appengine"``) or custom ``GeoHeaders``, read from trusted proxies only.
        forwarded_header: the one forwarding header the trusted proxies write:
            ``"X-Forwarded-For"`` or ``"Forwarded"`` (RFC 7239). The other is ignored, since a
            proxy passes it through from the client untouched.
        reload_interval: seconds between checks of the rules and database files for changes.
        clock: where the current time comes from (for the notices' date windows); the system
            clock in UTC by default. Policy tests use it to serve a page as of a given date.
        on_miss: called with a ``PlacementMiss`` for each group of notices not placed as the
            rules ask (placed at a fallback, or not at all), besides the warning logged.
        metrics: receives what became of every covered response's notices (a
            ``NoticeMetrics``); by default a ``PlacementCounts`` of this middleware.

    Raises:
        ConfigError: a setting is invalid (a malformed proxy network, no location source).
        RulesError: the rules do not validate; it carries every problem.
        GeoIPDatabaseError: the database is missing, corrupt or of an unsuitable kind.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        rules: str | Path | Ruleset,
        geoip_db: str | Path | None = None,
        trusted_proxies: Sequence[str] = (),
        geo_headers: str | GeoHeaders | None = None,
        forwarded_header: str = "X-Forwarded-For",
        reload_interval: float = 2.0,
        clock: Callable[[], dt.datetime] | None = None,
        on_miss: Callable[[PlacementMiss], None] | None = None,
        metrics: NoticeMetrics | None = None,
    ) -> None:
        self.app = app
        self.rules = RulesHolder(rules, interval=reload_interval)
        self.locator = Locator(
            geoip_db=geoip_db,
            trusted_proxies=trusted_proxies,
            geo_headers=geo_headers,
            forwarded_header=forwarded_header,
            reload_interval=reload_interval,
        )
        # A shared cache keys pages by URL. When the region comes from the client address, no
        # request header tells variants apart, so covered pages must not be stored by shared
        # caches at all; when it comes from a CDN header, that header joins the cache key.
        self.cache_policy = CachePolicy(vary=self.locator.vary_headers, private=geoip_db is not None)
        self._clock = clock
        self.on_miss = on_miss
        self.metrics: NoticeMetrics = metrics if metrics is not None else PlacementCounts()
        self.start()

    # The watcher threads start and stop here and nowhere else.

    def start(self) -> None:
        """Start watching the rules and the database for changes (the constructor calls it)."""
        self.rules.start()
        self.locator.start()

    def close(self) -> None:
        """Stop watching the rules and the database for changes."""
        self.rules.stop()
        self.locator.stop()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        engine = self.rules.engine
        path: str = scope["path"]
        host, accept_language = _request_headers(scope)
        media_types = engine.covered_media_types(path, host)
        if not media_types:  # no notice could apply to this page, whoever reads it
            await self.app(scope, receive, send)
            return

        region = self.locator.locate(scope)
        at = self._clock() if self._clock is not None else None
        decision = engine.evaluate(region, path, host, at)
        if not decision.notices:
            await CacheHeadersResponder(self.app, self.cache_policy, media_types=media_types)(
                scope, receive, send
            )
            return

        responder = NoticeResponder(
            self.app,
            decision,
            languages=parse_accept_language(accept_language),
            cache=self.cache_policy,
            metrics=self.metrics,
            on_miss=self.on_miss,
            covered_media_types=media_types,
        )
        await responder(scope, receive, send)


def _request_headers(scope: Scope) -> tuple[str | None, str | None]:
    """``Host`` (the engine normalizes it) and every ``Accept-Language`` line joined, in one pass."""
    host: str | None = None
    languages: list[str] = []
    for key, value in scope["headers"]:
        if key == b"host":
            host = value.decode("latin-1")
        elif key == b"accept-language":
            languages.append(value.decode("latin-1"))
    return host, ", ".join(languages) or None
