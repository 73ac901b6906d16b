"""The responders through the ASGI interface: guards, rewriting, headers, encodings, streaming."""

from __future__ import annotations

import asyncio
import gc
import gzip
import json
import logging
import tracemalloc
import weakref
import zlib

import brotli
import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from geonotice.inject.headers import CachePolicy
from geonotice.inject.metrics import PlacementCounts
from geonotice.inject.outcomes import MissReason, PlacementMiss, PlacementOutcome
from geonotice.inject.responder import CacheHeadersResponder, NoticeResponder
from geonotice.rules.model import Placement, PlacementKind

from .helpers import drive, html_app, http_scope, make_decision, make_notice

PAGE = (
    b'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body class="a"><p>story</p></body></html>'
)
ASIDE_START = b'<aside class="geonotice-notice geonotice-notice--ru-undesirable-organization"'
IP_POLICY = CachePolicy(private=True)
CDN_POLICY = CachePolicy(vary=("CF-IPCountry",))


def responder(app, **options) -> NoticeResponder:  # type: ignore[no-untyped-def]
    options.setdefault("metrics", PlacementCounts())
    decision = options.pop("decision", None) or make_decision()
    return NoticeResponder(app, decision, **options)


def test_html_page_gets_the_notice_after_body_and_legal_notices_header() -> None:
    result = drive(responder(html_app([PAGE])))
    assert result.body.startswith(PAGE.split(b"<p>")[0] + ASIDE_START)
    assert (
        result.body.replace(
            result.body[result.body.index(b"<aside") : result.body.index(b"</aside>") + 8], b""
        )
        == PAGE
    )
    assert b'data-notice-id="ru-undesirable-organization" lang="en" role="note"' in result.body
    assert result.headers["legal-notices"] == "ru-undesirable-organization"
    assert result.headers["content-length"] == str(len(result.body))


def test_streamed_page_loses_content_length_and_keeps_every_other_byte() -> None:
    chunks = [PAGE[i : i + 5] for i in range(0, len(PAGE), 5)]
    result = drive(responder(html_app(chunks)))
    assert "content-length" not in result.headers
    aside = result.body[result.body.index(b"<aside") : result.body.index(b"</aside>") + 8]
    assert result.body.replace(aside, b"") == PAGE


@pytest.mark.parametrize(
    ("status", "content_type", "encoding"),
    [
        (404, b"text/html", None),
        (500, b"text/html", None),
        (200, b"image/png", None),
        (200, b"text/plain", None),
        (200, b"text/html", b"zstd"),
        (200, b"text/html", b"gzip, br"),
    ],
)
def test_guards_leave_the_body_byte_identical(
    status: int, content_type: bytes, encoding: bytes | None
) -> None:
    headers = [(b"content-type", content_type)]
    if encoding is not None:
        headers.append((b"content-encoding", encoding))
    metrics = PlacementCounts()
    result = drive(
        responder(html_app([PAGE[:20], PAGE[20:]], status=status, headers=headers), metrics=metrics)
    )
    assert result.body == PAGE
    assert result.headers["content-length"] == str(len(PAGE))
    assert "legal-notices" not in result.headers
    assert metrics.count(reason=MissReason.UNSUPPORTED_ENCODING) == (1 if encoding else 0)


def test_unsupported_encoding_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    headers = [(b"content-type", b"text/html"), (b"content-encoding", b"zstd")]
    with caplog.at_level(logging.WARNING, "geonotice.inject"):
        drive(responder(html_app([PAGE], headers=headers)))
    assert "unsupported Content-Encoding 'zstd'" in caplog.text
    assert "/a/story/1.html" in caplog.text


def test_pathsend_is_forwarded_untouched_and_counted() -> None:
    metrics = PlacementCounts()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]}
        )
        await send({"type": "http.response.pathsend", "path": "/srv/page.html"})

    result = drive(responder(app, metrics=metrics))
    assert [m["type"] for m in result.messages] == ["http.response.start", "http.response.pathsend"]
    assert "legal-notices" not in result.headers
    assert metrics.count(outcome=PlacementOutcome.NOT_PLACED, reason=MissReason.PATHSEND) == 1


def test_reader_without_notices_gets_the_page_byte_identical_with_cache_headers() -> None:
    app = html_app(
        [PAGE], headers=[(b"content-type", b"text/html"), (b"cache-control", b"public, max-age=60")]
    )
    result = drive(CacheHeadersResponder(app, IP_POLICY))
    assert result.body == PAGE
    assert result.headers["cache-control"] == "private, max-age=60"
    result = drive(CacheHeadersResponder(app, CDN_POLICY))
    assert result.headers["vary"] == "CF-IPCountry"
    assert result.headers["cache-control"] == "public, max-age=60"


@pytest.mark.parametrize("policy", [IP_POLICY, CDN_POLICY])
def test_both_readers_get_the_same_cache_safety_headers(policy: CachePolicy) -> None:
    headers = [
        (b"content-type", b"text/html"),
        (b"cache-control", b"public, max-age=60, s-maxage=600"),
        (b"vary", b"Accept-Encoding"),
    ]
    with_notice = drive(responder(html_app([PAGE], headers=headers), cache=policy))
    without = drive(CacheHeadersResponder(html_app([PAGE], headers=headers), policy))
    for result in (with_notice, without):
        if policy.private:
            assert result.headers["cache-control"] == "private, max-age=60"
        else:
            assert "CF-IPCountry" in result.headers["vary"]
            assert "Accept-Encoding" in result.headers["vary"]
    assert "legal-notices" in with_notice.headers
    assert "legal-notices" not in without.headers


def test_changed_page_gets_a_variant_etag_and_loses_last_modified() -> None:
    headers = [
        (b"content-type", b"text/html"),
        (b"etag", b'"v1"'),
        (b"last-modified", b"Wed, 21 Oct 2015 07:28:00 GMT"),
        (b"accept-ranges", b"bytes"),
    ]
    result = drive(responder(html_app([PAGE], headers=headers)))
    etag = result.headers["etag"]
    assert etag.startswith('"v1-gn') and etag.endswith('"') and len(etag) == len('"v1-gn12345678"')
    assert "last-modified" not in result.headers
    assert result.headers["accept-ranges"] == "none"
    weak = drive(responder(html_app([PAGE], headers=[(b"content-type", b"text/html"), (b"etag", b'W/"v1"')])))
    assert weak.headers["etag"] == "W/" + etag


def test_conditional_request_for_the_same_variant_still_gets_304() -> None:
    first = drive(responder(html_app([PAGE], headers=[(b"content-type", b"text/html"), (b"etag", b'"v1"')])))
    variant_etag = first.headers["etag"]
    seen: list[list[tuple[bytes, bytes]]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["headers"])
        matched = (b"if-none-match", b'"v1"') in scope["headers"]
        await send(
            {
                "type": "http.response.start",
                "status": 304 if matched else 200,
                "headers": [(b"etag", b'"v1"')],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    headers = [(b"if-none-match", f'"other-gn00000000", {variant_etag}'.encode())]
    result = drive(responder(app), http_scope(headers=headers))
    assert seen[0] == [(b"if-none-match", b'"v1"')]
    assert result.start["status"] == 304
    assert result.headers["etag"] == variant_etag
    assert result.headers["legal-notices"] == "ru-undesirable-organization"


def test_a_copy_without_the_notice_is_never_revalidated_for_a_reader_who_needs_it() -> None:
    seen: list[list[tuple[bytes, bytes]]] = []
    app = html_app([PAGE])

    async def recording(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["headers"])
        await app(scope, receive, send)

    headers = [
        (b"if-none-match", b'"v1"'),
        (b"if-modified-since", b"Wed, 21 Oct 2015 07:28:00 GMT"),
        (b"range", b"bytes=0-99"),
        (b"if-range", b'"v1"'),
        (b"accept", b"text/html"),
    ]
    result = drive(responder(recording), http_scope(headers=headers))
    assert seen[0] == [(b"accept", b"text/html")]
    assert result.start["status"] == 200
    assert ASIDE_START in result.body


def test_a_reader_without_notices_is_not_kept_on_a_copy_with_one() -> None:
    seen: list[list[tuple[bytes, bytes]]] = []
    app = html_app([PAGE])

    async def recording(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["headers"])
        await app(scope, receive, send)

    headers = [(b"if-none-match", b'"v1-gn0a1b2c3d", "v0"')]
    drive(CacheHeadersResponder(recording, IP_POLICY), http_scope(headers=headers))
    assert seen[0] == [(b"if-none-match", b'"v0"')]


def test_head_gets_the_headers_get_would_send() -> None:
    result = drive(responder(html_app([])), http_scope(method="HEAD"))
    assert result.body == b""
    assert "content-length" not in result.headers
    assert result.headers["legal-notices"] == "ru-undesirable-organization"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "br"])
def test_compressed_pages_are_decoded_changed_and_re_encoded(encoding: str) -> None:
    if encoding == "gzip":
        body, decode = gzip.compress(PAGE), gzip.decompress
    elif encoding == "deflate":
        body, decode = zlib.compress(PAGE), zlib.decompress
    elif encoding == "raw-deflate":
        squeezer = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = squeezer.compress(PAGE) + squeezer.flush()

        def decode(data: bytes) -> bytes:
            return zlib.decompress(data, -15)
    else:
        body, decode = brotli.compress(PAGE), brotli.decompress
    name = b"deflate" if "deflate" in encoding else encoding.encode()
    chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
    headers = [(b"content-type", b"text/html"), (b"content-encoding", name)]
    result = drive(responder(html_app(chunks, headers=headers)))
    changed = decode(result.body)
    assert ASIDE_START in changed
    aside = changed[changed.index(b"<aside") : changed.index(b"</aside>") + 8]
    assert changed.replace(aside, b"") == PAGE
    assert result.headers["content-encoding"] == name.decode()


def test_a_corrupt_compressed_page_passes_through_untouched() -> None:
    headers = [(b"content-type", b"text/html"), (b"content-encoding", b"gzip")]
    metrics = PlacementCounts()
    result = drive(responder(html_app([b"not gzip at all"], headers=headers), metrics=metrics))
    assert result.body == b"not gzip at all"
    assert metrics.count(outcome=PlacementOutcome.NOT_PLACED, reason=MissReason.CORRUPT_ENCODING) == 1


def test_fallback_placement_is_logged_counted_and_reported(caplog: pytest.LogCaptureFixture) -> None:
    notice = make_notice(placement=Placement(PlacementKind.ELEMENT, "notice-slot"))
    misses: list[PlacementMiss] = []
    metrics = PlacementCounts()
    with caplog.at_level(logging.WARNING, "geonotice.inject"):
        result = drive(
            responder(
                html_app([PAGE]), decision=make_decision(notice), metrics=metrics, on_miss=misses.append
            )
        )
    assert result.body.index(b"<aside") == PAGE.index(b"</body>")
    assert metrics.snapshot() == [
        {
            "notice": "ru-undesirable-organization",
            "outcome": "end-of-body",
            "reason": "no-placement-point",
            "count": 1,
        }
    ]
    assert misses == [
        PlacementMiss(
            "/a/story/1.html",
            ("ru-undesirable-organization",),
            Placement(PlacementKind.ELEMENT, "notice-slot"),
            PlacementOutcome.END_OF_BODY,
            MissReason.NO_PLACEMENT_POINT,
            "the page has no such placement point",
        )
    ]
    assert "ru-undesirable-organization" in caplog.text and "placed at end-of-body instead" in caplog.text


@pytest.mark.parametrize("content_type", [b"text/html", b"application/json"])
def test_placed_notices_are_reported_to_the_metrics_and_not_as_misses(content_type: bytes) -> None:
    first = make_notice("first", placement=Placement(PlacementKind.BODY_END))
    second = make_notice("second", placement=Placement(PlacementKind.BODY_START))
    metrics = PlacementCounts()
    misses: list[PlacementMiss] = []
    body = PAGE if content_type == b"text/html" else b'{"title": "Story"}'
    app = html_app([body], headers=[(b"content-type", content_type)])
    drive(responder(app, decision=make_decision(first, second), metrics=metrics, on_miss=misses.append))
    assert [(row["notice"], row["outcome"], row["count"]) for row in metrics.snapshot()] == [
        ("first", "placed", 1),
        ("second", "placed", 1),
    ]
    assert misses == []


def test_a_page_that_ends_inside_a_comment_reports_its_notice_not_placed() -> None:
    notice = make_notice(placement=Placement(PlacementKind.ELEMENT, "notice-slot"))
    metrics = PlacementCounts()
    misses: list[PlacementMiss] = []
    page = b"<html><body><p>story</p><!-- an unclosed comment"
    drive(responder(html_app([page]), decision=make_decision(notice), metrics=metrics, on_miss=misses.append))
    assert metrics.count(outcome=PlacementOutcome.NOT_PLACED, reason=MissReason.PAGE_ENDED_EARLY) == 1
    assert [(m.outcome, m.reason, m.detail) for m in misses] == [
        (PlacementOutcome.NOT_PLACED, MissReason.PAGE_ENDED_EARLY, "the page ended inside a comment")
    ]


@pytest.mark.parametrize("content_type", [b"text/html", b"application/json"])
def test_a_responder_is_freed_with_its_request_without_waiting_for_the_garbage_collector(
    content_type: bytes,
) -> None:
    # A reference cycle would keep every request's buffers alive until a collection runs.
    body = PAGE if content_type == b"text/html" else b'{"title": "Story"}'
    rewriting = responder(html_app([body[:20], body[20:]], headers=[(b"content-type", content_type)]))
    alive = weakref.ref(rewriting)
    gc.disable()
    try:
        assert b"ru-undesirable-organization" in drive(rewriting).body
        del rewriting
        assert alive() is None
    finally:
        gc.enable()


def test_notices_with_different_placements_on_one_page() -> None:
    first = make_notice("first", placement=Placement(PlacementKind.BODY_END))
    second = make_notice("second", placement=Placement(PlacementKind.BODY_START))
    result = drive(responder(html_app([PAGE]), decision=make_decision(first, second)))
    assert result.body.index(b'data-notice-id="second"') < result.body.index(b"<p>story")
    assert result.body.index(b'data-notice-id="first"') > result.body.index(b"</p>")
    assert result.headers["legal-notices"] == "first, second"


@pytest.mark.parametrize(
    ("page_lang", "rules_lang", "accept", "expected"),
    [
        (b' lang="ru"', None, ("en",), b'lang="ru"'),
        (b"", "ru", ("en",), b'lang="ru"'),
        (b"", None, ("de", "ru"), b'lang="ru"'),
        (b"", None, ("de",), b'lang="en"'),
        (b' lang="de"', None, (), b'lang="en"'),
    ],
)
def test_language_comes_from_the_page_then_the_rules_then_the_reader(
    page_lang: bytes, rules_lang: str | None, accept: tuple[str, ...], expected: bytes
) -> None:
    page = b"<html" + page_lang + b"><body><p>x</p></body></html>"
    result = drive(
        responder(html_app([page]), decision=make_decision(page_language=rules_lang), languages=accept)
    )
    assert b'data-notice-id="ru-undesirable-organization" ' + expected in result.body


def test_right_to_left_text_gets_dir_rtl() -> None:
    notice = make_notice(texts={"ar": "<p>نص</p>"}, default_language="ar")
    result = drive(responder(html_app([PAGE]), decision=make_decision(notice)))
    assert b'lang="ar" dir="rtl" role="note"' in result.body


def json_app(body: bytes, content_type: bytes = b"application/json"):  # type: ignore[no-untyped-def]
    return html_app([body[:3], body[3:]], headers=[(b"content-type", content_type)])


def test_json_object_gets_a_legal_notices_field_and_keeps_its_bytes() -> None:
    body = b'{"title": "Story",\n "body": "..."}\n'
    result = drive(responder(json_app(body)), http_scope("/api/a/1"))
    value = json.loads(result.body)
    assert value["legal_notices"] == [
        {
            "id": "ru-undesirable-organization",
            "language": "en",
            "text": "<p>Reading, sharing or liking this outlet can be punished in Russia.</p>",
        }
    ]
    assert result.body.startswith(b'{"title": "Story",\n "body": "..."')
    assert result.headers["content-length"] == str(len(result.body))
    assert drive(responder(json_app(b"{}"))).body.startswith(b'{"legal_notices":')


@pytest.mark.parametrize("body", [b"[1, 2, 3]", b"not json", b'{"legal_notices": 1}', b'"text"'])
def test_other_json_is_untouched(body: bytes) -> None:
    result = drive(responder(json_app(body)))
    assert result.body == body
    assert "legal-notices" not in result.headers


def test_json_above_the_limit_passes_through_and_is_counted() -> None:
    metrics = PlacementCounts()
    body = b'{"a": "' + b"x" * 100 + b'"}'
    result = drive(responder(json_app(body), json_limit=50, metrics=metrics))
    assert result.body == body
    assert metrics.count(outcome=PlacementOutcome.NOT_PLACED, reason=MissReason.JSON_TOO_LARGE) == 1


def test_app_exception_before_the_body_propagates_and_nothing_is_sent() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]}
        )
        raise RuntimeError("boom")

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request"}

    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(responder(app)(http_scope(), receive, send))
    assert sent == []


def test_the_page_streams_the_first_chunk_leaves_before_the_last_is_produced() -> None:
    async def scenario() -> None:
        release = asyncio.Event()
        sent: list[Message] = []
        first_sent = asyncio.Event()

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            # The charset is declared, as frameworks do: an undeclared page is held until its
            # charset is known (test_charset.py), at most 1024 bytes.
            headers = [(b"content-type", b"text/html; charset=utf-8")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b"<html><body><p>", "more_body": True})
            await release.wait()
            await send({"type": "http.response.body", "body": b"late</p></body></html>", "more_body": False})

        async def send(message: Message) -> None:
            sent.append(message)
            if message["type"] == "http.response.body":
                first_sent.set()

        async def receive() -> Message:
            return {"type": "http.request"}

        task = asyncio.create_task(responder(app)(http_scope(), receive, send))
        await asyncio.wait_for(first_sent.wait(), 5)
        assert ASIDE_START in sent[1]["body"]
        assert not task.done()
        release.set()
        await task
        assert sent[-1]["body"] == b"late</p></body></html>"

    asyncio.run(scenario())


def test_a_50_mb_page_streams_in_bounded_memory() -> None:
    chunk = b"<p>" + b"lorem ipsum dolor sit amet " * 2400 + b"</p>\n"  # ~64 KiB
    count = 50 * 1024 * 1024 // len(chunk)
    notice = make_notice(placement=Placement(PlacementKind.BODY_END))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]}
        )
        await send({"type": "http.response.body", "body": b"<html><body>", "more_body": True})
        for _ in range(count):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"</body></html>", "more_body": False})

    total = 0
    tail = b""

    async def send(message: Message) -> None:
        nonlocal total, tail
        body = message.get("body", b"")
        total += len(body)
        tail = (tail + body)[-2000:]

    async def receive() -> Message:
        return {"type": "http.request"}

    tracemalloc.start()
    asyncio.run(responder(app, decision=make_decision(notice))(http_scope(), receive, send))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total > 50_000_000
    assert ASIDE_START in tail
    assert peak < 4 * len(chunk) + 1_000_000


def test_works_behind_httpx_asgi_transport() -> None:
    async def scenario() -> httpx.Response:
        transport = httpx.ASGITransport(app=responder(html_app([PAGE])))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get("/a/story/1.html")

    response = asyncio.run(scenario())
    assert response.status_code == 200
    assert response.headers["legal-notices"] == "ru-undesirable-organization"
    assert ASIDE_START in response.content
