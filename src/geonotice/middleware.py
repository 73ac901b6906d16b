"""``GeoNoticeMiddleware``: the glue between the reader locator, the rules engine and the injector.

Per request: pages no notice could ever cover pass straight through; otherwise the reader is
located, the rules decide, and a per-request responder rewrites the response. Nothing per request
is stored on the middleware, which is shared by every request and holds no cross-worker state.

Life cycle: constructing the middleware only checks its settings (rules loaded, database opened,
evidence record writable). What runs in the background (the watchers of the rules and database
files, the evidence record's writer) starts on ASGI ``lifespan.startup``, or with the first
request when the server sends no lifespan events, and stops on ``lifespan.shutdown`` (or
``close()``), which also writes the evidence that is due.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import threading
from pathlib import Path
from time import perf_counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geonotice.edge.origin import VariantFallbacks, VariantHeader
from geonotice.errors import ConfigError
from geonotice.inject.fragment import parse_accept_language
from geonotice.inject.headers import CachePolicy
from geonotice.inject.metrics import NoticeMetrics
from geonotice.inject.responder import CacheHeadersResponder, NoticeResponder
from geonotice.locate import GeoHeaders, Locator
from geonotice.locate.serverproxy import ServerProxyCheck
from geonotice.observe.evidence import EvidenceRecorder
from geonotice.observe.observer import Observer
from geonotice.observe.sources import RegionSources
from geonotice.observe.timing import TimedNoticeResponder
from geonotice.rules import Engine, RulesHolder
from geonotice.rules.moments import utc
from geonotice.settings import Settings

logger = logging.getLogger("geonotice")


class GeoNoticeMiddleware:
    """Adds the legal notices the rules give each reader to the pages they cover.

    The keyword arguments are the middleware's settings, each a field of
    ``geonotice.settings.Settings`` documented there: ``rules`` (required), ``geoip_db``,
    ``trusted_proxies``, ``geo_headers`` and the others. A ``Settings`` may be given instead, as
    the second argument (keywords given too override its fields). Readers are located from a
    GeoIP database, CDN geo headers sent by trusted proxies, or both.

    Watching the rules and the database for changes, and the evidence record's writer, start on
    ASGI ``lifespan.startup`` (or the first request, for servers without lifespan events) and
    stop on ``lifespan.shutdown`` or ``close()``; constructing the middleware starts nothing.

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
        # With an edge that sends the reader's variant, a believed variant is the cache key: the
        # page stays as cacheable as the app made it. Any other request to a covered page is
        # served private (docs/caching.md).
        self.variant_header: VariantHeader | None = None
        if settings.variant_header is not None:
            self.variant_header = VariantHeader(settings.variant_header, self.locator.trusted_proxies)
            self.variant_policy = CachePolicy(vary=(settings.variant_header,))
            self.cache_policy = CachePolicy(
                vary=(*self.locator.vary_headers, settings.variant_header), private=True
            )
        evidence = None
        if settings.evidence_log is not None:
            evidence = EvidenceRecorder(Path(settings.evidence_log), window=settings.evidence_window)
            if settings.evidence_window < 3600:
                logger.warning(
                    "evidence_window is %d s: windows shorter than an hour tell more about when readers came",
                    settings.evidence_window,
                )
        self.observer: Observer | None = None
        if evidence is not None or settings.metrics_registry is not None:
            self.observer = Observer(
                registry=settings.metrics_registry, evidence=evidence, forward=settings.metrics
            )
        # Covered responses name the rules version that decided them, through the cache policy
        # (which every covered response gets, whoever reads it), rebuilt once per version.
        self._version_header = settings.version_header.lower().encode("latin-1")
        self._policy_engine: Engine | None = None
        self._versioned_policies: dict[int, CachePolicy] = {}  # by id of the policy it extends
        self._running = False
        self._lock = threading.Lock()

    @property
    def variant_fallbacks(self) -> VariantFallbacks | None:
        """Requests to covered pages not served by the variant their edge sent, by reason
        (``None`` without ``variant_header``)."""
        return self.variant_header.fallbacks if self.variant_header is not None else None

    @property
    def metrics(self) -> NoticeMetrics | None:
        """Where this middleware reports what became of the notices (``settings.metrics``)."""
        return self.settings.metrics

    # What runs in the background starts and stops here and nowhere else.

    @property
    def running(self) -> bool:
        """Whether the watchers (and the evidence writer) run: between ``start`` and ``close``."""
        return self._running

    def start(self) -> None:
        """Start watching the rules and the database for changes, and the evidence record's
        writer. ASGI ``lifespan.startup`` calls it, or the first request; calling it again does
        nothing."""
        with self._lock:
            if self._running:
                return
            self._running = True
            self.rules.start()
            self.locator.start()
            if self.observer is not None:
                geo = self.settings.geo_headers
                sources = RegionSources(self.locator, geo if isinstance(geo, GeoHeaders) else None)
                self.observer.start(self.rules, self.locator, sources, self.variant_fallbacks)
                if self.observer.evidence is not None:
                    # Servers without lifespan events still stop the interpreter normally.
                    atexit.register(self.close)

    def close(self) -> None:
        """Stop watching the rules and the database, and write the evidence that is due (the
        window still open, as a part). ``lifespan.shutdown`` calls it; so may the application."""
        with self._lock:
            if not self._running:
                return
            self._running = False
            self.rules.stop()
            self.locator.stop()
            if self.observer is not None:
                self.observer.close()
                atexit.unregister(self.close)

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the lifespan events to the app, starting before its startup and stopping when
        the server announces the shutdown (connections are drained by then)."""

        async def receive_and_follow() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start()
            elif message["type"] == "lifespan.shutdown":
                self.close()
            return message

        await self.app(scope, receive_and_follow, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self._lifespan(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        if not self._running:
            self.start()  # the server sends no lifespan events

        engine = self.rules.engine
        path: str = scope["path"]
        host, accept_language = _request_headers(scope)
        media_types = engine.covered_media_types(path, host)
        if not media_types:  # no notice could apply to this page, whoever reads it
            await self.app(scope, receive, send)
            return

        settings = self.settings
        observer = self.observer
        started = perf_counter()
        at = settings.clock() if settings.clock is not None else None
        cache = self.cache_policy
        variant = None
        if self.variant_header is not None:
            variant = self.variant_header.read(scope, engine, utc(at))
        if variant is not None:  # the edge placed the reader: no lookup
            region, cache = variant.representative, self.variant_policy
        else:
            self.server_proxy_check.check(scope)
            region = self.locator.locate(scope)
        decision = engine.evaluate(region, path, host, at)
        policy = self._versioned(cache, engine) if self._version_header else cache
        if not decision.notices:
            decided = perf_counter() - started
            await CacheHeadersResponder(self.app, policy, media_types=media_types)(scope, receive, send)
            if observer is not None:
                observer.response(scope, region, False, decided, variant)
            return

        # Timing a rewritten response costs a few µs (it wraps every message): one in a few is.
        timed = observer is not None and observer.time_this_one()
        responder = (TimedNoticeResponder if timed else NoticeResponder)(
            self.app,
            decision,
            languages=parse_accept_language(accept_language),
            cache=policy,
            metrics=observer.sink(engine, region, variant) if observer is not None else settings.metrics,
            on_miss=settings.on_miss,
            covered_media_types=media_types,
        )
        decided = perf_counter() - started
        await responder(scope, receive, send)
        if observer is not None:
            spent = responder.spent if isinstance(responder, TimedNoticeResponder) else None
            observer.response(scope, region, True, None if spent is None else decided + spent, variant)

    def _versioned(self, cache: CachePolicy, engine: Engine) -> CachePolicy:
        """``cache`` (one of the middleware's policies) with the version header of ``engine``'s rules."""
        if engine is not self._policy_engine:
            self._policy_engine, self._versioned_policies = engine, {}
        found = self._versioned_policies.get(id(cache))
        if found is None:
            version = engine.ruleset.version.encode("latin-1")
            found = dataclasses.replace(cache, headers=((self._version_header, version),))
            self._versioned_policies[id(cache)] = found
        return found


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
