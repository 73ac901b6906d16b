"""Per-request responders: rewrite one response as it streams (``NoticeResponder``), or only make
its headers cache-safe for a reader who gets no notice (``CacheHeadersResponder``).

Shaped like Starlette's ``GZipMiddleware`` responder: ``send`` is wrapped, ``http.response.start``
may be held until the first body message decides, one ``if/elif`` handles each message type, and
``http.response.pathsend``, trailers and unknown types are forwarded untouched. Every guard that
leaves a response alone is one early test in ``NoticeResponder._decide``, which also chooses, once,
what handles the body: the HTML or the JSON handler of ``inject.bodies``, or plain forwarding.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from enum import Enum

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geonotice.inject.bodies import HtmlBody, JsonBody
from geonotice.inject.charset import content_type_charset
from geonotice.inject.encoding import supported
from geonotice.inject.headers import (
    CachePolicy,
    RawHeaders,
    apply_cache_policy,
    editable_headers,
    mark_changed,
    request_headers_for_variant,
    request_headers_without_variants,
    variant_suffix,
)
from geonotice.inject.metrics import NoticeMetrics
from geonotice.inject.outcomes import MissReason, PlacementMiss, PlacementOutcome
from geonotice.rules.languages import notice_language
from geonotice.rules.model import Decision, Notice, Placement

__all__ = ["CacheHeadersResponder", "Mode", "NoticeResponder"]

logger = logging.getLogger("geonotice.inject")

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHANGEABLE_STATUS = frozenset({200, 203})
_VARIANT_STATUS = frozenset({200, 203, 206, 304})
NO_CACHE_POLICY = CachePolicy()
JSON_LIMIT = 8 << 20  # JSON bodies are buffered to be parsed; larger ones pass through untouched


class Mode(Enum):
    """What a ``NoticeResponder`` does with the body, decided once, on the start message."""

    UNDECIDED = "undecided"
    """The start message has not come yet."""
    PASS = "pass"
    """The body goes out as the app sends it."""
    HTML = "html"
    """Each body message goes through the page rewriter (``HtmlBody``)."""
    JSON = "json"
    """The body is buffered and gets a ``legal_notices`` field (``JsonBody``)."""


async def unattached_send(message: Message) -> None:
    raise RuntimeError("send awaitable not set")  # pragma: no cover


def _media_type(headers: Sequence[tuple[bytes, bytes]]) -> str | None:
    for key, value in headers:
        if key == b"content-type":
            return value.split(b";", 1)[0].strip().lower().decode("latin-1")
    return None


def _content_headers(headers: Sequence[tuple[bytes, bytes]]) -> tuple[bytes | None, str | None]:
    """The first ``Content-Type`` value, and every ``Content-Encoding`` line joined as one value,
    as HTTP reads a list header (``gzip`` plus ``br`` is ``gzip, br``, not ``gzip``): one pass
    over the headers of each rewritten response, not one per header."""
    content_type = None
    encodings = []
    for key, value in headers:
        if key == b"content-type":
            if content_type is None:
                content_type = value
        elif key == b"content-encoding":
            encodings.append(value.decode("latin-1"))
    return content_type, ", ".join(encodings) if encodings else None


def _media_type_of(content_type: bytes | None) -> str | None:
    if content_type is None:
        return None
    return content_type.split(b";", 1)[0].strip().lower().decode("latin-1")


def _covered_as(media_type: str | None) -> str | None:
    """The media type the rules cover a response as: an XHTML page is a page (``text/html``)."""
    return "text/html" if media_type == "application/xhtml+xml" else media_type


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


# What depends only on the notices and the language preferences, computed once per combination:
# the ETag suffix (a hash) and whether languages chose the texts. Keyed by the notices' identity;
# each entry holds its notices, so no id is reused while the entry lives. Bounded: cleared when full.
_VARIANTS: dict[tuple[tuple[int, ...], tuple[str, ...]], tuple[tuple[Notice, ...], str, bool]] = {}
_MAX_VARIANTS = 512


def _variant(notices: tuple[Notice, ...], preferences: tuple[str, ...]) -> tuple[str, bool]:
    key = (tuple(map(id, notices)), preferences)
    cached = _VARIANTS.get(key)
    if cached is not None:
        return cached[1], cached[2]
    chosen = [(n.id, notice_language(n, preferences)) for n in notices]
    suffix = variant_suffix(chosen)
    languages_vary = any(len(n.texts) > 1 for n in notices)
    if len(_VARIANTS) >= _MAX_VARIANTS:
        _VARIANTS.clear()
    _VARIANTS[key] = (notices, suffix, languages_vary)
    return suffix, languages_vary


class _HeldStartResponder:
    """Wraps ``send`` for one request; ``http.response.start`` may be held until a body decides.

    ``_app_scope`` gives the scope the app sees. ``_decide`` receives the start message: it sends
    it on at once, or keeps it in ``held`` (for instance until the first body message says what
    the length will be). ``send_body`` handles the body messages; here it forwards them. File
    responses (``pathsend``), trailers and message types of later ASGI versions are forwarded as
    they are, after a held start message: the body then does not come as body messages, so it
    stays as is.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.send: Send = unattached_send
        self.held: Message | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.send = send
        await self.app(self._app_scope(scope), receive, self.send_wrapped)
        if self.held is not None:  # the app ended without a body message
            await self.release()

    def _app_scope(self, scope: Scope) -> Scope:
        return scope

    async def send_wrapped(self, message: Message) -> None:
        message_type = message["type"]
        if message_type == "http.response.start":
            await self._decide(message)
        elif message_type == "http.response.body":
            await self.send_body(message)
        else:
            if self.held is not None:
                self._unchanged(message)
                await self.release()
            await self.send(message)

    async def _decide(self, message: Message) -> None:
        await self.send(message)

    def send_body(self, message: Message) -> Awaitable[None]:
        # Returns the awaitable instead of awaiting it: one coroutine less per body message.
        return self.send(message)

    def _unchanged(self, message: Message) -> None:
        """Called when ``message`` (not a body message) means a held response will go out as is."""

    async def release(self) -> None:
        """Sends the held start message: the body will go out as the app sends it."""
        message, self.held = self.held, None
        assert message is not None
        await self.send(message)


class CacheHeadersResponder:
    """For a covered page of a reader who gets no notice: the cache headers every variant needs.

    Shared caches must not hand this reader's page (without a notice) to a reader who needs one,
    so it gets the same ``Vary``/``private`` treatment as pages with notices. A client that cached
    a variant with a notice is not answered 304 for it.

    The start message alone decides, so nothing is ever held and the body is never touched: a
    closure over ``send`` is all it takes, without the held-start machinery. Most readers of a
    covered page take this path, so it stays this short.
    """

    def __init__(
        self,
        app: ASGIApp,
        cache: CachePolicy,
        *,
        media_types: Collection[str] = ("text/html", "application/json"),
    ) -> None:
        self.app = app
        self.cache = cache
        self.media_types = frozenset(media_types)

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Plain functions returning the awaitables, here and in the wrapped send: one coroutine
        # less per request and per message, on the path most readers of a covered page take.
        headers = request_headers_without_variants(scope["headers"])
        if headers is not None:
            scope = {**scope, "headers": headers}
        if not self.cache.vary and not self.cache.private and not self.cache.headers:
            return self.app(scope, receive, send)
        cache, media_types = self.cache, self.media_types

        def send_with_cache_headers(message: Message) -> Awaitable[None]:
            if message["type"] == "http.response.start" and message["status"] in _VARIANT_STATUS:
                headers = editable_headers(message)
                media_type = _covered_as(_media_type(headers))
                if media_type is None or media_type in media_types:
                    apply_cache_policy(headers, cache)
            return send(message)

        return self.app(scope, receive, send_with_cache_headers)


class NoticeResponder(_HeldStartResponder):
    """Rewrites one response so that it carries the notices of ``decision``.

    HTML pages get the notice markup at each notice's placement point as they stream; JSON object
    bodies get a top-level ``"legal_notices"`` field. Responses the notices do not cover, bodies
    in an unsupported encoding, file responses (``pathsend``) and oversized JSON pass through
    untouched (the last three are logged and reported as not placed). Exceptions from the app
    propagate unchanged; if it fails before its first body message, nothing has been sent.

    ``languages`` are the reader's ``Accept-Language`` preferences, best first. What became of
    the notices is reported to ``metrics``; ``on_miss`` is called for each group of notices not
    placed as asked. Responses of ``covered_media_types`` (those other readers' notices apply to
    on this page) get the cache policy even when this reader's notices do not apply to them.
    """

    def __init__(
        self,
        app: ASGIApp,
        decision: Decision,
        *,
        languages: Sequence[str] = (),
        cache: CachePolicy = NO_CACHE_POLICY,
        metrics: NoticeMetrics | None = None,
        on_miss: Callable[[PlacementMiss], None] | None = None,
        json_limit: int = JSON_LIMIT,
        covered_media_types: Collection[str] = (),
    ) -> None:
        super().__init__(app)
        self.covered_media_types = covered_media_types
        self.decision = decision
        self.cache = cache
        self.metrics = metrics
        self.on_miss = on_miss
        self.json_limit = json_limit
        self.preferences = tuple([tag for tag in (decision.page_language, *languages) if tag])
        self.suffix, self.languages_vary = _variant(decision.notices, self.preferences)
        self.path = ""
        self.method = "GET"
        self.notices: tuple[Notice, ...] = ()
        self.mode = Mode.UNDECIDED
        # The handler of the HTML or JSON body, once chosen. It gets the responder with each
        # message instead of keeping it, so that no reference cycle outlives the request.
        self.body: HtmlBody | JsonBody | None = None

    def _app_scope(self, scope: Scope) -> Scope:
        self.path = scope.get("path", "")
        self.method = scope.get("method", "GET")
        headers = scope["headers"]
        changed = request_headers_for_variant(headers, self.suffix)
        return scope if changed is headers else {**scope, "headers": changed}

    def send_body(self, message: Message) -> Awaitable[None]:
        body = self.body
        return self.send(message) if body is None else body.send_body(self, message)

    # -- the decision, on the start message ---------------------------------------------------

    async def _decide(self, message: Message) -> None:
        headers = editable_headers(message)
        status = message["status"]
        content_type, encoding = _content_headers(headers)
        media_type = _media_type_of(content_type)
        covered_as = _covered_as(media_type)
        notices = self.decision.for_media_type(covered_as) if covered_as else ()
        self.mode = Mode.PASS
        if status == 304 and (media_type is None or notices):
            # The app found the reader's copy current: that copy is this variant (the request
            # kept only its entity tags), so the headers must name this variant too.
            self._variant_headers(headers, notices or self.decision.notices, None)
            await self.send(message)
            return
        if not notices or status not in _CHANGEABLE_STATUS:
            # Other readers may get notices in responses of this type: keep shared caches from
            # handing them this reader's copy.
            if status in _VARIANT_STATUS and (notices or covered_as in self.covered_media_types):
                apply_cache_policy(headers, self.cache)
            await self.send(message)
            return
        assert media_type is not None
        self.notices = notices
        if not supported(encoding):
            apply_cache_policy(headers, self.cache)
            self.report(
                notices,
                PlacementOutcome.NOT_PLACED,
                MissReason.UNSUPPORTED_ENCODING,
                f"unsupported Content-Encoding {encoding!r}",
            )
            await self.send(message)
            return
        if self.method == "HEAD":
            # Same headers as GET would send; its length is unknown without the body.
            self._variant_headers(headers, notices, None)
            await self.send(message)
            return
        if media_type in _HTML_TYPES:
            self.held = message
            assert content_type is not None  # it gave the media type
            charset = content_type_charset(content_type.decode("latin-1"))
            xml = media_type == "application/xhtml+xml"
            body = HtmlBody(notices, self.preferences, encoding, charset=charset, xml=xml)
            self.mode, self.body = Mode.HTML, body
        elif _is_json(media_type):
            self.held = message
            self.mode, self.body = Mode.JSON, JsonBody(encoding)
        else:  # a media type the rules name but nothing can be injected into
            apply_cache_policy(headers, self.cache)
            self.report(
                notices,
                PlacementOutcome.NOT_PLACED,
                MissReason.MEDIA_TYPE,
                f"cannot place notices in {media_type}",
            )
            await self.send(message)

    def _unchanged(self, message: Message) -> None:
        if message["type"] == "http.response.pathsend":
            self.report(
                self.notices,
                PlacementOutcome.NOT_PLACED,
                MissReason.PATHSEND,
                "the app sent a file (pathsend), which is not rewritten",
            )

    # -- what the body handlers call ----------------------------------------------------------

    async def release(self) -> None:
        """Sends the held start message unchanged (but cache-safe): the body will not be changed."""
        assert self.held is not None
        # _decide made the held message's header list its own: edited in place.
        apply_cache_policy(self.held["headers"], self.cache)
        self.mode, self.body = Mode.PASS, None
        await super().release()

    def changed_start(self, content_length: int | None) -> Message:
        """The held start message, no longer held, with the headers of this variant: the body is
        changed. The caller sends it."""
        message, self.held = self.held, None
        assert message is not None
        self._variant_headers(message["headers"], self.notices, content_length)
        return message

    def _variant_headers(
        self, headers: RawHeaders, notices: Sequence[Notice], content_length: int | None
    ) -> None:
        mark_changed(
            headers,
            notice_ids=[n.id for n in notices],
            suffix=self.suffix,
            content_length=content_length,
            languages_vary=self.languages_vary,
        )
        apply_cache_policy(headers, self.cache)

    def report(
        self,
        notices: Sequence[Notice],
        outcome: PlacementOutcome,
        reason: MissReason | None = None,
        detail: str = "",
        requested: Placement | None = None,
    ) -> None:
        """Reports what became of ``notices`` to the metrics; every outcome but ``PLACED`` is also
        logged and handed to ``on_miss``."""
        ids = tuple([n.id for n in notices])
        if self.metrics is not None:
            self.metrics.notices_served(ids, outcome, reason)
        if outcome is PlacementOutcome.PLACED:
            return
        assert reason is not None
        asked = ""
        if requested is not None:
            target = f" {requested.target!r}" if requested.target else ""
            asked = f"at {requested.kind.value}{target}"
        logger.warning(
            "notice(s) %s on %s could not be placed %s: %s; %s",
            ", ".join(ids),
            self.path,
            asked,
            detail,
            "not shown" if outcome is PlacementOutcome.NOT_PLACED else f"placed at {outcome.value} instead",
        )
        if self.on_miss is not None:
            self.on_miss(PlacementMiss(self.path, ids, requested, outcome, reason, detail))
