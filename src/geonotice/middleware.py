"""``GeoNoticeMiddleware``: the glue between the reader locator, the rules engine and the injector.

Per request: pages no notice could ever cover pass straight through; otherwise the reader is
located, the rules decide, and a per-request responder rewrites the response. Nothing per request
is stored on the middleware, which is shared by every request and holds no cross-worker state.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from geonotice.errors import ConfigError
from geonotice.inject.fragment import parse_accept_language
from geonotice.inject.headers import CachePolicy
from geonotice.inject.metrics import NoticeMetrics
from geonotice.inject.responder import CacheHeadersResponder, NoticeResponder
from geonotice.locate import Locator
from geonotice.locate.serverproxy import ServerProxyCheck
from geonotice.rules import RulesHolder
from geonotice.settings import Settings


class GeoNoticeMiddleware:
    """Adds the legal notices the rules give each reader to the pages they cover.

    The keyword arguments are the middleware's settings, each a field of
    ``geonotice.settings.Settings`` documented there: ``rules`` (required), ``geoip_db``,
    ``trusted_proxies``, ``geo_headers`` and the others. A ``Settings`` may be given instead, as
    the second argument (keywords given too override its fields). Readers are located from a
    GeoIP database, CDN geo headers sent by trusted proxies, or both.

    Watching the rules and the database for changes starts here and stops with ``close()``.

    Raises:
        ConfigError: a setting is invalid, unknown or missing, or readers could not be located
            (neither a database nor geo headers, or geo headers without trusted proxies);
            ``error.setting`` names the setting.
        RulesError: the rules do not validate; it carries every problem.
        GeoIPDatabaseError: the database is missing, corrupt or of an unsuitable kind.
    """

    def __init__(self, app: ASGIApp, settings: Settings | None = None, /, **options: Any) -> None:
        self.app = app
        self.settings = settings = Settings.for_middleware(settings, options)
        self.rules = RulesHolder(settings.rules, interval=settings.reload_interval)
        _check_locating(settings)
        self.locator = Locator(
            geoip_db=settings.geoip_db,
            trusted_proxies=settings.trusted_proxies,
            geo_headers=settings.geo_headers,
            forwarded_header=settings.forwarded_header,
            reload_interval=settings.reload_interval,
        )
        # A shared cache keys pages by URL. When the region comes from the client address, no
        # request header tells variants apart, so covered pages must not be stored by shared
        # caches at all; when it comes from a CDN header, that header joins the cache key.
        self.cache_policy = CachePolicy(vary=self.locator.vary_headers, private=settings.geoip_db is not None)
        # Warns once if the server resolved forwarding headers itself (uvicorn's --proxy-headers).
        self.server_proxy_check = ServerProxyCheck(self.locator.trusted_proxies)
        self.start()

    @property
    def metrics(self) -> NoticeMetrics | None:
        """Where this middleware reports what became of the notices (``settings.metrics``)."""
        return self.settings.metrics

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

        settings = self.settings
        self.server_proxy_check.check(scope)
        region = self.locator.locate(scope)
        at = settings.clock() if settings.clock is not None else None
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
            metrics=settings.metrics,
            on_miss=settings.on_miss,
            covered_media_types=media_types,
        )
        await responder(scope, receive, send)


def _check_locating(settings: Settings) -> None:
    """Readers can be located: a database, or geo headers from proxies that are trusted.

    Raises:
        ConfigError: they cannot.
    """
    if settings.geoip_db is None and settings.geo_headers is None:
        raise ConfigError(
            "locating readers needs a GeoIP database, or CDN geo headers",
            setting="geoip_db",
            related=("geo_headers",),
        )
    if settings.geo_headers is not None and not settings.trusted_proxies:
        raise ConfigError(
            "geo headers are only believed from the CDN or proxy addresses listed as trusted, and "
            "with none listed they would all be ignored",
            setting="geo_headers",
            related=("trusted_proxies",),
        )


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
