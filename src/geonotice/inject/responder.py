"""Per-request responders: rewrite one response as it streams (``NoticeResponder``), or only make
its headers cache-safe for a reader who gets no notice (``CacheHeadersResponder``).

Shaped like Starlette's ``GZipMiddleware`` responder: ``send`` is wrapped, ``http.response.start``
is held until the first body message decides, one ``if/elif`` handles each message type, and
``http.response.pathsend``, trailers and unknown types are forwarded untouched. Every guard that
leaves a response alone is one early test in ``_decide``: status, media type, method, encoding.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geonotice.inject.encoding import Decoder, Encoder, decoder_for, encoder_for, supported
from geonotice.inject.fragment import notice_text, render_notices
from geonotice.inject.headers import (
    CachePolicy,
    apply_cache_policy,
    lowercase_names,
    mark_changed,
    request_headers_for_variant,
    request_headers_without_variants,
    variant_suffix,
)
from geonotice.inject.metrics import METRICS, InjectMetrics, PlacementMiss, logger
from geonotice.inject.scanner import PageRewriter
from geonotice.rules.languages import notice_language
from geonotice.rules.model import Decision, Notice, Placement

__all__ = ["CacheHeadersResponder", "NoticeResponder"]

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHANGEABLE_STATUS = frozenset({200, 203})
_VARIANT_STATUS = frozenset({200, 203, 206, 304})
NO_CACHE_POLICY = CachePolicy()
JSON_LIMIT = 8 << 20  # JSON bodies are buffered to be parsed; larger ones pass through untouched


async def unattached_send(message: Message) -> None:
    raise RuntimeError("send awaitable not set")  # pragma: no cover


def _media_type(headers: Sequence[tuple[bytes, bytes]]) -> str | None:
    for key, value in headers:
        if key == b"content-type":
            return value.split(b";", 1)[0].strip().lower().decode("latin-1")
    return None


def _first(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> str | None:
    """The first value of a lowercase header name (``MutableHeaders.get`` without its conversions)."""
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


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


class CacheHeadersResponder:
    """For a covered page of a reader who gets no notice: the cache headers every variant needs.

    Shared caches must not hand this reader's page (without a notice) to a reader who needs one,
    so it gets the same ``Vary``/``private`` treatment as pages with notices. A client that cached
    a variant with a notice is not answered 304 for it.
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = request_headers_without_variants(scope["headers"])
        if headers is not None:
            scope = {**scope, "headers": headers}
        if not self.cache.vary and not self.cache.private:
            await self.app(scope, receive, send)
            return
        cache, media_types = self.cache, self.media_types

        async def send_with_cache_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in _VARIANT_STATUS:
                lowercase_names(message)
                media_type = _media_type(message.get("headers", ()))
                if media_type is None or media_type in media_types:
                    apply_cache_policy(MutableHeaders(scope=message), cache)
            await send(message)

        await self.app(scope, receive, send_with_cache_headers)


class NoticeResponder:
    """Rewrites one response so that it carries the notices of ``decision``.

    HTML pages get the notice markup at each notice's placement point as they stream; JSON object
    bodies get a top-level ``"legal_notices"`` field. Responses the notices do not cover, bodies
    in an unsupported encoding, file responses (``pathsend``) and oversized JSON pass through
    untouched (the last three are logged and counted as not placed). Exceptions from the app
    propagate unchanged; if it fails before its first body message, nothing has been sent.

    ``languages`` are the reader's ``Accept-Language`` preferences, best first. ``on_miss`` is
    called for each response whose notices were not all placed as asked. Responses of
    ``covered_media_types`` (those other readers' notices apply to on this page) get the cache
    policy even when this reader's notices do not apply to them.
    """

    def __init__(
        self,
        app: ASGIApp,
        decision: Decision,
        *,
        languages: Sequence[str] = (),
        cache: CachePolicy = NO_CACHE_POLICY,
        metrics: InjectMetrics = METRICS,
        on_miss: Callable[[PlacementMiss], None] | None = None,
        json_limit: int = JSON_LIMIT,
        covered_media_types: Collection[str] = (),
    ) -> None:
        self.app = app
        self.covered_media_types = covered_media_types
        self.decision = decision
        self.cache = cache
        self.metrics = metrics
        self.on_miss = on_miss
        self.json_limit = json_limit
        self.preferences = tuple(tag for tag in (decision.page_language, *languages) if tag)
        self.suffix, self.languages_vary = _variant(decision.notices, self.preferences)
        self.send: Send = unattached_send
        self.path = ""
        self.method = "GET"
        self.start_message: Message | None = None
        self.notices: tuple[Notice, ...] = ()
        self.groups: dict[Placement, list[Notice]] = {}
        self.mode = "undecided"  # then: "pass", "html", "json"
        self.rewriter: PageRewriter | None = None
        self.decoder: Decoder | None = None
        self.encoder: Encoder | None = None
        self.content_encoding: str | None = None
        self.json_parts: list[bytes] = []
        self.json_size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.send = send
        self.path = scope.get("path", "")
        self.method = scope.get("method", "GET")
        scope = {**scope, "headers": request_headers_for_variant(scope["headers"], self.suffix)}
        await self.app(scope, receive, self.send_with_notices)
        if self.start_message is not None:  # the app ended without a body message
            await self.send(self.start_message)
            self.start_message = None

    async def send_with_notices(self, message: Message) -> None:
        message_type = message["type"]
        if message_type == "http.response.start":
            await self._decide(message)
        elif message_type == "http.response.body" and self.mode == "html":
            await self._html_body(message)
        elif message_type == "http.response.body" and self.mode == "json":
            await self._json_body(message)
        elif message_type == "http.response.pathsend" and self.start_message is not None:
            self._miss(
                None, "not-placed", "the app sent a file (pathsend), which is not rewritten", "pathsend"
            )
            await self._release()
            await self.send(message)
        else:
            if self.start_message is not None:
                await self._release()
            await self.send(message)

    # -- the decision, on the start message ---------------------------------------------------

    async def _decide(self, message: Message) -> None:
        lowercase_names(message)
        status = message["status"]
        raw = message.get("headers", ())
        media_type = _media_type(raw)
        notices = self.decision.for_media_type(media_type) if media_type else ()
        headers = MutableHeaders(scope=message)
        if status == 304 and (media_type is None or notices):
            # The app found the reader's copy current: that copy is this variant (the request
            # kept only its entity tags), so the headers must name this variant too.
            ids = [n.id for n in (notices or self.decision.notices)]
            self._variant_headers(headers, ids, None)
            await self.send(message)
            return
        if not notices or status not in _CHANGEABLE_STATUS:
            # Other readers may get notices in responses of this type: keep shared caches from
            # handing them this reader's copy.
            if status in _VARIANT_STATUS and (notices or media_type in self.covered_media_types):
                apply_cache_policy(headers, self.cache)
            self.mode = "pass"
            await self.send(message)
            return
        assert media_type is not None
        self.notices = notices
        encoding = _first(raw, b"content-encoding")
        if not supported(encoding):
            apply_cache_policy(headers, self.cache)
            self._miss(
                None, "not-placed", f"unsupported Content-Encoding {encoding!r}", "unsupported-encoding"
            )
            self.mode = "pass"
            await self.send(message)
            return
        if self.method == "HEAD":
            # Same headers as GET would send; its length is unknown without the body.
            self._variant_headers(headers, [n.id for n in notices], None)
            self.mode = "pass"
            await self.send(message)
            return
        self.content_encoding = encoding
        self.decoder = decoder_for(encoding)
        self.start_message = message
        if media_type in _HTML_TYPES:
            self.mode = "html"
            self.rewriter = self._rewriter(notices)
        elif _is_json(media_type):
            self.mode = "json"
        else:  # a media type the rules name but nothing can be injected into
            self.start_message = None
            apply_cache_policy(headers, self.cache)
            self._miss(None, "not-placed", f"cannot place notices in {media_type}", "media-type")
            self.mode = "pass"
            await self.send(message)

    def _rewriter(self, notices: Sequence[Notice]) -> PageRewriter:
        groups: dict[Placement, list[Notice]] = {}
        for notice in notices:
            groups.setdefault(notice.placement, []).append(notice)
        preferences = self.preferences

        def render(placement: Placement, page_language: str | None) -> bytes:
            languages = (page_language, *preferences) if page_language else preferences
            return render_notices(groups[placement], languages)

        self.groups = groups
        return PageRewriter(list(groups), render)

    def _variant_headers(self, headers: MutableHeaders, ids: Sequence[str], length: int | None) -> None:
        mark_changed(
            headers,
            notice_ids=ids,
            suffix=self.suffix,
            content_length=length,
            languages_vary=self.languages_vary,
        )
        apply_cache_policy(headers, self.cache)

    async def _release(self) -> None:
        """Sends the held start message unchanged (but cache-safe): the body will not be changed."""
        message, self.start_message = self.start_message, None
        assert message is not None
        apply_cache_policy(MutableHeaders(scope=message), self.cache)
        self.mode = "pass"
        await self.send(message)

    # -- HTML -------------------------------------------------------------------------------

    async def _html_body(self, message: Message) -> None:
        body: bytes = message.get("body", b"")
        more_body: bool = message.get("more_body", False)
        assert self.rewriter is not None and self.decoder is not None
        try:
            decoded = self.decoder.decode(body)
            if not more_body:
                decoded += self.decoder.flush()
        except ValueError as exc:
            if self.start_message is None:
                logger.error("cannot decode the body of %s mid-stream: %s", self.path, exc)
                raise
            self._miss(None, "not-placed", str(exc), "corrupt-encoding")
            await self._release()
            await self.send(message)
            return
        out = self.rewriter.feed(decoded)
        if not more_body:
            out += self.rewriter.close()
        if self.encoder is None:
            self.encoder = encoder_for(self.content_encoding, self.decoder)
            assert self.encoder is not None
        encoded = self.encoder.encode(out)
        if not more_body:
            encoded += self.encoder.finish()
        if self.start_message is not None:
            start, self.start_message = self.start_message, None
            length = None if more_body else len(encoded)
            self._variant_headers(MutableHeaders(scope=start), [n.id for n in self.notices], length)
            await self.send(start)
        if encoded or not more_body:
            await self.send({"type": "http.response.body", "body": encoded, "more_body": more_body})
        if not more_body:
            self._report()

    def _report(self) -> None:
        rewriter = self.rewriter
        assert rewriter is not None
        if rewriter.placed or rewriter.fallbacks:
            self.metrics.injected += 1
        for placement in rewriter.fallbacks:
            self._miss(placement, rewriter.fallback_outcome, "the page has no such placement point")
        for placement in rewriter.unplaced:
            self._miss(
                placement, "not-placed", f"the page ended inside a {rewriter.stopped_in}", "page-ended-early"
            )

    def _miss(self, placement: Placement | None, outcome: str, reason: str, code: str = "") -> None:
        """Logs, counts and reports notices not placed as asked; ``code`` keys the counter."""
        notices = self.groups.get(placement, ()) if placement is not None else self.notices
        ids = tuple(n.id for n in notices) or tuple(n.id for n in self.decision.notices)
        if outcome == "not-placed":
            self.metrics.not_placed[code] += 1
        else:
            self.metrics.fallback_placed += 1
        asked = ""
        if placement is not None:
            target = f" {placement.target!r}" if placement.target else ""
            asked = f"at {placement.kind.value}{target}"
        logger.warning(
            "notice(s) %s on %s could not be placed %s: %s; %s",
            ", ".join(ids),
            self.path,
            asked,
            reason,
            "not shown" if outcome == "not-placed" else f"placed at {outcome} instead",
        )
        if self.on_miss is not None:
            self.on_miss(PlacementMiss(self.path, ids, placement, outcome, reason))

    # -- JSON -------------------------------------------------------------------------------

    async def _json_body(self, message: Message) -> None:
        body: bytes = message.get("body", b"")
        more_body: bool = message.get("more_body", False)
        self.json_parts.append(body)
        self.json_size += len(body)
        if self.json_size > self.json_limit:
            self._miss(None, "not-placed", f"JSON body larger than {self.json_limit} bytes", "json-too-large")
            await self._release()
            await self.send({**message, "body": b"".join(self.json_parts)})
            self.json_parts = []
            return
        if more_body:
            return
        original = b"".join(self.json_parts)
        self.json_parts = []
        changed = self._json_with_notices(original)
        start, self.start_message = self.start_message, None
        assert start is not None
        headers = MutableHeaders(scope=start)
        if changed is None:
            apply_cache_policy(headers, self.cache)
            await self.send(start)
            await self.send({"type": "http.response.body", "body": original, "more_body": False})
            return
        self._variant_headers(headers, [n.id for n in self.notices], len(changed))
        self.metrics.injected += 1
        await self.send(start)
        await self.send({"type": "http.response.body", "body": changed, "more_body": False})

    def _json_with_notices(self, original: bytes) -> bytes | None:
        """The body with ``"legal_notices"`` added after the object's last member, or ``None``.

        Only the field is spliced in: every other byte of the app's JSON stays as it was.
        """
        try:
            assert self.decoder is not None
            text = self.decoder.decode(original) + self.decoder.flush()
            value = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            return None  # not JSON after all: not ours to fix
        if not isinstance(value, dict) or "legal_notices" in value:
            return None
        field = [
            {"id": n.id, "language": lang, "text": notice_text(n, lang)}
            for n in self.notices
            for lang in [notice_language(n, self.preferences)]
        ]
        end = text.rstrip().rfind(b"}")
        insert = (
            (b"," if value else b"") + b'"legal_notices":' + json.dumps(field, ensure_ascii=False).encode()
        )
        spliced = text[:end] + insert + text[end:]
        encoder = encoder_for(self.content_encoding, self.decoder)
        assert encoder is not None
        return encoder.encode(spliced) + encoder.finish()
