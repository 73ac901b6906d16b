"""The middleware behind a real uvicorn server on 127.0.0.1: what a reader's browser receives."""

from __future__ import annotations

import gzip
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from geonotice import GeoNoticeMiddleware
from support.readers import READERS

RULES = Path(__file__).resolve().parents[2] / "rules"
NOTICE = b'data-notice-id="ru-undesirable-organization"'
HEAD = b'<!doctype html><html lang="en"><head><title>t</title></head><body><main><article class="story">'
TAIL = b"<p>The last paragraph.</p></article></main></body></html>"

Serve = Callable[..., AbstractContextManager[str]]


def test_the_page_streams_the_notice_leaves_before_the_app_has_written_the_rest(
    city_db: Path, serve: Serve
) -> None:
    release = threading.Event()

    async def article(request: Request) -> Response:
        async def body() -> AsyncIterator[bytes]:
            for byte in HEAD:  # the placement point arrives split over 1-byte chunks
                yield bytes([byte])
            # The rest is only written once the reader has received the notice.
            while not release.wait(0.01):
                yield b""
            yield TAIL

        return StreamingResponse(body(), media_type="text/html")

    app = GeoNoticeMiddleware(
        Starlette(routes=[Route("/a/x/1.html", article)]),
        rules=RULES,
        geoip_db=city_db,
        trusted_proxies=["127.0.0.1"],
    )
    received = b""
    try:
        with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:
            headers = {"x-forwarded-for": READERS["moscow"]}
            with client.stream("GET", "/a/x/1.html", headers=headers) as response:
                chunks = response.iter_raw()
                while b"</aside>" not in received:
                    received += next(chunks)
                release.set()
                for chunk in chunks:
                    received += chunk
            assert response.headers["legal-notices"] == "ru-undesirable-organization"
            assert "content-length" not in response.headers
    finally:
        release.set()
        app.close()
    assert received.startswith(HEAD + b"<aside ")
    assert NOTICE in received
    assert received.endswith(b"</aside>" + TAIL)


def test_a_gzip_page_is_decoded_changed_and_re_encoded_for_the_reader(city_db: Path, serve: Serve) -> None:
    page = HEAD + b"<p>" + b"Words of the story. " * 5000 + b"</p>" + TAIL

    async def article(request: Request) -> Response:
        return Response(gzip.compress(page), media_type="text/html", headers={"content-encoding": "gzip"})

    app = GeoNoticeMiddleware(
        Starlette(routes=[Route("/a/x/1.html", article)]),
        rules=RULES,
        geoip_db=city_db,
        trusted_proxies=["127.0.0.1"],
    )
    try:
        with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:
            moscow = client.get("/a/x/1.html", headers={"x-forwarded-for": READERS["moscow"]})
            berlin = client.get("/a/x/1.html", headers={"x-forwarded-for": READERS["berlin"]})
    finally:
        app.close()
    assert moscow.headers["content-encoding"] == "gzip"
    start = moscow.content.index(b"<aside ")
    end = moscow.content.index(b"</aside>") + len(b"</aside>")
    assert moscow.content[:start] + moscow.content[end:] == page
    assert berlin.content == page


def test_head_requests_get_the_headers_a_get_would(city_db: Path, serve: Serve) -> None:
    async def article(request: Request) -> Response:
        return Response(HEAD + TAIL, media_type="text/html")

    app = GeoNoticeMiddleware(
        Starlette(routes=[Route("/a/x/1.html", article, methods=["GET", "HEAD"])]),
        rules=RULES,
        geoip_db=city_db,
        trusted_proxies=["127.0.0.1"],
    )
    try:
        with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:
            headers = {"x-forwarded-for": READERS["moscow"]}
            head = client.head("/a/x/1.html", headers=headers)
            get = client.get("/a/x/1.html", headers=headers)
    finally:
        app.close()
    assert head.status_code == 200 and head.content == b""
    assert head.headers["legal-notices"] == get.headers["legal-notices"]
    assert int(get.headers["content-length"]) == len(get.content)
