"""GeoNoticeMiddleware as a whole: the shipped rules, a real database, a real app, and real readers."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Message, Scope, Send
from starlette.websockets import WebSocket

from geonotice import ConfigError, GeoIPDatabaseError, GeoNoticeMiddleware, RulesError
from geonotice.inject.metrics import PlacementCounts
from geonotice.inject.outcomes import MissReason, PlacementMiss, PlacementOutcome
from support.geodb import city_record, write_database
from support.polling import wait_until
from support.readers import READERS, READERS_V6, UNMAPPED_V4

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
NOTICE = b'data-notice-id="ru-undesirable-organization"'
ARTICLE = "/a/court-adjourns/1187.html"
EN_PAGE = b'<!doctype html><html lang="en"><body><article><p>First paragraph.</p></article></body></html>'
RU_PAGE = b'<!doctype html><html lang="ru"><body><article><p>Abzats.</p></article></body></html>'


async def article(request: Request) -> Response:
    page = RU_PAGE if request.url.path.startswith("/ru/") else EN_PAGE
    return HTMLResponse(page, headers={"cache-control": "public, max-age=300, s-maxage=600"})


async def home(request: Request) -> Response:
    return HTMLResponse(EN_PAGE, headers={"cache-control": "public, max-age=60"})


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


def news_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/", home),
            Route("/a/{slug}/{id}.html", article),
            Route("/ru/a/{slug}/{id}.html", article),
            Route("/static/site.css", lambda r: PlainTextResponse("body{}", media_type="text/css")),
            WebSocketRoute("/ws", echo),
        ]
    )


@pytest.fixture
def middleware(city_db: Path) -> Iterator[GeoNoticeMiddleware]:
    app = GeoNoticeMiddleware(news_app(), rules=RULES, geoip_db=city_db, trusted_proxies=["10.0.0.0/8"])
    yield app
    app.close()


def get(app: GeoNoticeMiddleware, path: str, peer: str, **headers: str) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(peer, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://news.example") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(run())


@pytest.mark.parametrize(
    "reader", ["moscow", "crimea", "sevastopol", "donetsk", "luhansk", "zaporizhzhia", "kherson"]
)
def test_readers_in_russia_and_occupied_ukraine_get_the_notice(
    middleware: GeoNoticeMiddleware, reader: str
) -> None:
    for address in (READERS[reader], READERS_V6[reader]):
        response = get(middleware, ARTICLE, address)
        assert NOTICE in response.content
        assert response.headers["legal-notices"] == "ru-undesirable-organization"


@pytest.mark.parametrize("reader", ["kyiv", "berlin", "new-york", "london", "singapore"])
def test_readers_elsewhere_get_the_page_untouched(middleware: GeoNoticeMiddleware, reader: str) -> None:
    response = get(middleware, ARTICLE, READERS[reader])
    assert response.content == EN_PAGE
    assert "legal-notices" not in response.headers


def test_unknown_readers_get_no_notice_by_default(middleware: GeoNoticeMiddleware) -> None:
    for address in (UNMAPPED_V4, "127.0.0.1", "10.1.2.3", "::1"):
        assert get(middleware, ARTICLE, address).content == EN_PAGE


def test_the_notice_goes_at_the_start_of_the_article_in_the_pages_language(
    middleware: GeoNoticeMiddleware,
) -> None:
    english = get(middleware, ARTICLE, READERS["moscow"]).content
    russian = get(middleware, "/ru" + ARTICLE, READERS["moscow"]).content
    assert english.startswith(b'<!doctype html><html lang="en"><body><article><aside ')
    assert b'lang="en" role="note"' in english
    assert russian.startswith(b'<!doctype html><html lang="ru"><body><article><aside ')
    assert b'lang="ru" role="note"' in russian
    # The notice is the only change: cut it out and the page is the app's, byte for byte.
    start = english.index(b"<aside ")
    end = english.index(b"</aside>") + len(b"</aside>")
    assert english[:start] + english[end:] == EN_PAGE


def test_accept_language_chooses_the_text_when_the_page_does_not_say(city_db: Path) -> None:
    async def bare(request: Request) -> Response:
        return HTMLResponse(b"<html><body><article><p>x</p></article></body></html>")

    app = GeoNoticeMiddleware(Starlette(routes=[Route("/a/x/1.html", bare)]), rules=RULES, geoip_db=city_db)
    try:
        russian = get(app, "/a/x/1.html", READERS["moscow"], **{"accept-language": "ru-RU, en;q=0.5"})
        default = get(app, "/a/x/1.html", READERS["moscow"], **{"accept-language": "fr"})
    finally:
        app.close()
    assert b'lang="ru" role="note"' in russian.content
    assert b'lang="en" role="note"' in default.content


def test_pages_no_notice_covers_pass_through_untouched(middleware: GeoNoticeMiddleware) -> None:
    for path in ("/", "/static/site.css"):
        response = get(middleware, path, READERS["moscow"])
        assert "legal-notices" not in response.headers
        assert "vary" not in response.headers
        assert response.headers.get("cache-control", "") != "private"
    assert get(middleware, "/", READERS["moscow"]).content == EN_PAGE


def test_covered_pages_are_private_for_every_reader_when_the_region_comes_from_the_address(
    middleware: GeoNoticeMiddleware,
) -> None:
    with_notice = get(middleware, ARTICLE, READERS["moscow"])
    without = get(middleware, ARTICLE, READERS["berlin"])
    for response in (with_notice, without):
        directives = [d.strip() for d in response.headers["cache-control"].split(",")]
        assert "private" in directives
        assert "public" not in directives
        assert not any(d.startswith("s-maxage") for d in directives)


def test_covered_pages_vary_on_the_cdn_headers_when_the_region_comes_from_them() -> None:
    app = GeoNoticeMiddleware(
        news_app(), rules=RULES, geo_headers="cloudfront", trusted_proxies=["10.0.0.0/8"]
    )
    try:
        russia = get(app, ARTICLE, "10.0.0.1", **{"cloudfront-viewer-country": "RU"})
        germany = get(app, ARTICLE, "10.0.0.1", **{"cloudfront-viewer-country": "DE"})
        spoofed = get(app, ARTICLE, "203.0.113.9", **{"cloudfront-viewer-country": "RU"})
    finally:
        app.close()
    assert NOTICE in russia.content
    assert germany.content == EN_PAGE
    assert spoofed.content == EN_PAGE  # a geo header from outside the CDN is not believed
    for response in (russia, germany):
        vary = response.headers["vary"].lower()
        assert "cloudfront-viewer-country" in vary
        assert "cloudfront-viewer-country-region" in vary


def test_spoofed_forwarding_headers_from_untrusted_peers_are_ignored(middleware: GeoNoticeMiddleware) -> None:
    spoofed = get(middleware, ARTICLE, READERS["berlin"], **{"x-forwarded-for": READERS["moscow"]})
    relayed = get(middleware, ARTICLE, "10.0.0.7", **{"x-forwarded-for": READERS["moscow"]})
    assert spoofed.content == EN_PAGE
    assert NOTICE in relayed.content


def test_a_reader_who_needs_a_notice_is_not_kept_on_a_cached_page_without_it(
    middleware: GeoNoticeMiddleware,
) -> None:
    async def etagged(request: Request) -> Response:
        if request.headers.get("if-none-match") == '"v1"':
            return Response(status_code=304, headers={"etag": '"v1"'})
        return HTMLResponse(EN_PAGE, headers={"etag": '"v1"'})

    app = GeoNoticeMiddleware(
        Starlette(routes=[Route(ARTICLE, etagged)]), rules=RULES, geoip_db=middleware.locator.database.path
    )
    try:
        berlin = get(app, ARTICLE, READERS["berlin"])
        moscow_revalidates = get(app, ARTICLE, READERS["moscow"], **{"if-none-match": berlin.headers["etag"]})
        moscow = get(app, ARTICLE, READERS["moscow"])
        with_notice = {"if-none-match": moscow.headers["etag"]}
        moscow_again = get(app, ARTICLE, READERS["moscow"], **with_notice)
        berlin_after_moscow = get(app, ARTICLE, READERS["berlin"], **with_notice)
    finally:
        app.close()
    assert berlin.headers["etag"] == '"v1"'
    assert moscow_revalidates.status_code == 200 and NOTICE in moscow_revalidates.content
    assert moscow.headers["etag"] != '"v1"'
    assert moscow_again.status_code == 304
    assert berlin_after_moscow.status_code == 200 and berlin_after_moscow.content == EN_PAGE


def test_a_range_request_for_a_covered_page_gets_the_whole_page_with_the_notice(
    middleware: GeoNoticeMiddleware,
) -> None:
    response = get(middleware, ARTICLE, READERS["moscow"], range="bytes=0-10")
    assert response.status_code == 200
    assert NOTICE in response.content


def test_json_article_apis_get_a_field_when_the_rules_ask_for_it(tmp_path: Path, make_db) -> None:  # type: ignore[no-untyped-def]
    db = make_db([("192.0.2.0/24", city_record("BY", ["HM"]))])

    async def api(request: Request) -> Response:
        return JSONResponse({"title": "Court adjourns", "body": "..."})

    async def listing(request: Request) -> Response:
        return JSONResponse([{"title": "Court adjourns"}])

    app = GeoNoticeMiddleware(
        Starlette(routes=[Route("/api/articles/1", api), Route("/api/articles/", listing)]),
        rules=RULES,
        geoip_db=db,
    )
    try:
        obj = get(app, "/api/articles/1", "192.0.2.5").json()
        array = get(app, "/api/articles/", "192.0.2.5").json()
    finally:
        app.close()
    assert obj["title"] == "Court adjourns"
    assert [n["id"] for n in obj["legal_notices"]] == ["by-extremist-materials"]
    assert obj["legal_notices"][0]["language"] == "ru"
    assert array == [{"title": "Court adjourns"}]


def test_websocket_and_lifespan_pass_through(city_db: Path) -> None:
    app = GeoNoticeMiddleware(news_app(), rules=RULES, geoip_db=city_db)
    sent: list[Message] = []

    async def run(scope: Scope, incoming: list[Message]) -> None:
        async def receive() -> Message:
            return incoming.pop(0)

        async def send(message: Message) -> None:
            sent.append(message)

        await app(scope, receive, send)

    websocket: Scope = {
        "type": "websocket",
        "path": "/ws",
        "headers": [],
        "query_string": b"",
        "client": (READERS["moscow"], 40000),
        "subprotocols": [],
    }
    try:
        asyncio.run(run({"type": "lifespan"}, [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]))
        asyncio.run(
            run(
                websocket,
                [
                    {"type": "websocket.connect"},
                    {"type": "websocket.receive", "text": "<body>"},
                    {"type": "websocket.disconnect", "code": 1000},
                ],
            )
        )
    finally:
        app.close()
    assert [m["type"] for m in sent] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
        "websocket.accept",
        "websocket.send",
        "websocket.close",
    ]
    assert sent[3]["text"] == "<body>"


def test_errors_from_the_app_propagate_unchanged(city_db: Path) -> None:
    async def broken(request: Request) -> Response:
        raise LookupError("the article store is down")

    app = GeoNoticeMiddleware(Starlette(routes=[Route(ARTICLE, broken)]), rules=RULES, geoip_db=city_db)
    try:
        with pytest.raises(LookupError, match="article store"):
            get(app, ARTICLE, READERS["moscow"])
    finally:
        app.close()


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"trusted_proxies": ["10.0.0.0/33"]}, ConfigError, "10.0.0.0/33"),
        ({"trusted_proxies": ["proxy.internal"]}, ConfigError, "proxy.internal"),
        ({"geoip_db": "missing.mmdb"}, GeoIPDatabaseError, "missing.mmdb"),
        ({"geoip_db": None}, ConfigError, "geoip_db"),
        ({"geo_headers": "akamai", "trusted_proxies": ["10.0.0.0/8"]}, ConfigError, "akamai"),
    ],
)
def test_invalid_settings_stop_start_up_with_a_message(
    city_db: Path, settings: dict[str, object], error: type[Exception], message: str
) -> None:
    options: dict[str, object] = {"rules": RULES, "geoip_db": city_db, **settings}
    with pytest.raises(error, match=message.replace(".", r"\.")):
        GeoNoticeMiddleware(news_app(), **options)  # type: ignore[arg-type]


def test_invalid_rules_stop_start_up_with_every_problem(city_db: Path, tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text("version: 1\njurisdictions:\n  x:\n    regions: [UA-99, NO]\n")
    with pytest.raises(RulesError) as raised:
        GeoNoticeMiddleware(news_app(), rules=tmp_path, geoip_db=city_db)
    messages = [str(p) for p in raised.value.problems]
    assert any(":4:" in m and "UA-99" in m for m in messages)
    assert any("quote" in m for m in messages)


def test_rules_edited_while_serving_take_effect_and_a_broken_edit_is_refused(
    city_db: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("policy"))
    app = GeoNoticeMiddleware(news_app(), rules=rules, geoip_db=city_db, reload_interval=0.05)
    russia = rules / "10-russia.yaml"
    try:
        assert NOTICE not in get(app, ARTICLE, READERS["kyiv"]).content
        _edit(russia, russia.read_text().replace("regions:\n", "regions:\n      - UA-30\n", 1))
        wait_until(lambda: NOTICE in get(app, ARTICLE, READERS["kyiv"]).content, "the edit was not served")

        caplog.set_level(logging.ERROR, logger="geonotice")
        _edit(russia, russia.read_text() + "\nnotices: [broken\n")
        wait_until(lambda: _refused(caplog, "10-russia.yaml"), "the broken edit was not refused")
        assert NOTICE in get(app, ARTICLE, READERS["kyiv"]).content  # the last good version serves
    finally:
        app.close()


def test_a_database_replaced_while_serving_is_picked_up(city_db: Path, tmp_path: Path) -> None:
    app = GeoNoticeMiddleware(news_app(), rules=RULES, geoip_db=city_db, reload_interval=0.05)
    try:
        assert get(app, ARTICLE, READERS["berlin"]).content == EN_PAGE
        moved = write_database(tmp_path / "next.mmdb", [("198.51.100.0/24", city_record("RU", ["MOW"]))])
        os.replace(moved, city_db)
        wait_until(
            lambda: NOTICE in get(app, ARTICLE, READERS["berlin"]).content, "the new database was not used"
        )
    finally:
        app.close()


def test_the_date_window_is_read_from_the_clock(city_db: Path) -> None:
    before = dt.datetime(2021, 5, 25, 23, 59, tzinfo=dt.UTC)
    app = GeoNoticeMiddleware(news_app(), rules=RULES, geoip_db=city_db, clock=lambda: before)
    try:
        assert get(app, ARTICLE, READERS["moscow"]).content == EN_PAGE
    finally:
        app.close()


def _edit(path: Path, text: str) -> None:
    # Editors and deployments replace files; a new inode also defeats coarse mtime clocks.
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def _refused(caplog: pytest.LogCaptureFixture, name: str) -> bool:
    # A reload refused: an error record naming the file, not any earlier message mentioning it.
    records = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    return any("not reloaded" in m for m in records) and any(name in m for m in records)


def test_header_names_in_any_case_are_understood(middleware: GeoNoticeMiddleware) -> None:
    # Django sends "Content-Type", not "content-type"; its pages must get their notices too.
    async def django_like(scope: Scope, receive: object, send: Send) -> None:
        headers = [(b"Content-Type", b"text/html; charset=utf-8"), (b"Content-Length", b"%d" % len(EN_PAGE))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": EN_PAGE})

    app = GeoNoticeMiddleware(
        django_like,
        rules=RULES,
        geoip_db=middleware.locator.database.path,  # type: ignore[union-attr]
    )
    try:
        moscow = get(app, ARTICLE, READERS["moscow"])
        berlin = get(app, ARTICLE, READERS["berlin"])
    finally:
        app.close()
    assert NOTICE in moscow.content
    assert int(moscow.headers["content-length"]) == len(moscow.content)
    assert berlin.content == EN_PAGE
    assert berlin.headers["cache-control"] == "private"


def test_the_forwarded_header_is_read_when_the_proxies_write_it(city_db: Path) -> None:
    app = GeoNoticeMiddleware(
        news_app(),
        rules=RULES,
        geoip_db=city_db,
        trusted_proxies=["10.0.0.0/8"],
        forwarded_header="Forwarded",
    )
    try:
        element = f'for="[{READERS_V6["crimea"]}]:4711";proto=https, for=10.0.0.3'
        crimea = get(app, ARTICLE, "10.0.0.1", forwarded=element)
        spoofed = get(app, ARTICLE, "10.0.0.1", **{"x-forwarded-for": READERS["moscow"]})
    finally:
        app.close()
    assert NOTICE in crimea.content
    assert spoofed.content == EN_PAGE


def test_cache_headers_follow_every_notice_that_covers_the_page_not_only_the_readers(city_db: Path) -> None:
    # On /a/..., the Belarus notice covers JSON and HTML, the Russia notice HTML only. A reader in
    # Moscow gets no notice in JSON, but a shared cache must not hand that JSON to a reader in Minsk.
    async def data(request: Request) -> Response:
        return JSONResponse({"title": "Court adjourns"}, headers={"cache-control": "public, max-age=60"})

    async def picture(request: Request) -> Response:
        return Response(b"\x89PNG", media_type="image/png", headers={"cache-control": "public, max-age=60"})

    app = GeoNoticeMiddleware(
        Starlette(routes=[Route("/a/x/data.json", data), Route("/a/x/picture.png", picture)]),
        rules=RULES,
        geoip_db=city_db,
    )
    try:
        for reader in ("moscow", "berlin"):
            assert (
                get(app, "/a/x/data.json", READERS[reader]).headers["cache-control"] == "private, max-age=60"
            )
            assert (
                get(app, "/a/x/picture.png", READERS[reader]).headers["cache-control"] == "public, max-age=60"
            )
    finally:
        app.close()


def test_a_page_without_the_placement_point_gets_the_notice_at_the_end_and_operators_are_told(
    city_db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The shipped notice goes at the start of the article; this template has no <article>.
    page = b'<!doctype html><html lang="en"><body><main><p>Live blog.</p></main></body></html>'

    async def live(request: Request) -> Response:
        return HTMLResponse(page)

    misses: list[PlacementMiss] = []
    app = GeoNoticeMiddleware(
        Starlette(routes=[Route(ARTICLE, live)]), rules=RULES, geoip_db=city_db, on_miss=misses.append
    )
    caplog.set_level(logging.WARNING, logger="geonotice.inject")
    try:
        body = get(app, ARTICLE, READERS["moscow"]).content
    finally:
        app.close()
    assert body.startswith(b'<!doctype html><html lang="en"><body><main><p>Live blog.</p></main><aside ')
    assert body.endswith(b"</aside></body></html>")
    assert isinstance(app.metrics, PlacementCounts)
    assert app.metrics.count(outcome=PlacementOutcome.END_OF_BODY, reason=MissReason.NO_PLACEMENT_POINT) == 1
    assert [(m.path, m.notice_ids, m.outcome) for m in misses] == [
        (ARTICLE, ("ru-undesirable-organization",), PlacementOutcome.END_OF_BODY)
    ]
    assert ARTICLE in caplog.text and "ru-undesirable-organization" in caplog.text
