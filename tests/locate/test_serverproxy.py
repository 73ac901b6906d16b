"""The one-time warning when the server resolved forwarding headers before geonotice.

The truth table holds what a scope shows after uvicorn's proxy handling (the client becomes a hop
of the header, with the hop's port or 0) and what ordinary readers send, which must never warn.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from geonotice import GeoNoticeMiddleware
from geonotice.locate import TrustedProxies
from geonotice.locate.serverproxy import FULL_CHECKS, ServerProxyCheck
from support.readers import READERS, READERS_V6

from .helpers import http_scope

RULES = Path(__file__).resolve().parents[2] / "rules"
MOSCOW = READERS["moscow"]
BERLIN = READERS["berlin"]
MOSCOW_V6 = READERS_V6["moscow"]
PROXY = "10.0.0.2"
NO_ENV: dict[str, str] = {}


def warnings_for(
    scopes: list[dict[str, object]],
    *,
    trusted: tuple[str, ...] = (PROXY,),
    environ: dict[str, str] = NO_ENV,
    caplog: pytest.LogCaptureFixture,
) -> list[str]:
    caplog.clear()
    check = ServerProxyCheck(TrustedProxies(trusted), environ=environ)
    with caplog.at_level(logging.WARNING, logger="geonotice.locate"):
        for scope in scopes:
            check.check(scope)
    return [record.getMessage() for record in caplog.records if record.name == "geonotice.locate"]


## Ordinary readers: never a warning.


@pytest.mark.parametrize(
    ("client", "port", "headers"),
    [
        pytest.param(BERLIN, 52311, [], id="direct reader"),
        pytest.param(BERLIN, 52311, [("X-Forwarded-For", "10.1.2.3")], id="behind their own proxy"),
        pytest.param(BERLIN, 52311, [("X-Forwarded-For", MOSCOW)], id="writing someone else's address"),
        # A transparent proxy keeps the reader's address on the connection and adds it to the
        # header too: same address, but a real port, which no hop carries.
        pytest.param(MOSCOW, 52311, [("X-Forwarded-For", MOSCOW)], id="transparent proxy"),
        pytest.param(MOSCOW, 52311, [("Forwarded", f"for={MOSCOW}")], id="transparent proxy, Forwarded"),
        pytest.param(MOSCOW, 0, [], id="port 0 and no forwarding header"),
        pytest.param(MOSCOW, 0, [("X-Forwarded-For", BERLIN)], id="port 0, address not in the header"),
        pytest.param(MOSCOW, 0, [("X-Forwarded-For", f"{MOSCOW}:4711")], id="port 0, hop with a port"),
        pytest.param(PROXY, 0, [("X-Forwarded-For", PROXY)], id="a proxy geonotice trusts"),
        pytest.param("testclient", 50000, [("X-Forwarded-For", MOSCOW)], id="client not an address"),
        pytest.param(None, 0, [("X-Forwarded-For", MOSCOW)], id="no client"),
        pytest.param(MOSCOW, 0, [("X-Forwarded-For", "x" * 9000)], id="header too long to read"),
    ],
)
def test_ordinary_requests_give_no_warning(
    client: str | None, port: int, headers: list[tuple[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    scope = http_scope(client, headers, port=port)
    assert warnings_for([scope], caplog=caplog) == []
    assert warnings_for([scope], environ={"FORWARDED_ALLOW_IPS": "*"}, caplog=caplog) == []


## What the server's rewrite leaves behind: a warning, and when trust in everyone shows, the worst case.


@pytest.mark.parametrize(
    ("client", "port", "headers", "environ", "header", "anyone"),
    [
        pytest.param(
            MOSCOW, 0, [("X-Forwarded-For", MOSCOW)], NO_ENV, "X-Forwarded-For", False, id="one hop"
        ),
        pytest.param(
            MOSCOW,
            0,
            [("X-Forwarded-For", MOSCOW)],
            {"FORWARDED_ALLOW_IPS": "*"},
            "X-Forwarded-For",
            True,
            id="one hop, FORWARDED_ALLOW_IPS=*",
        ),
        pytest.param(
            MOSCOW,
            0,
            [("X-Forwarded-For", MOSCOW)],
            {"FORWARDED_ALLOW_IPS": "127.0.0.1"},
            "X-Forwarded-For",
            False,
            id="one hop, an allow-list",
        ),
        pytest.param(
            MOSCOW,
            0,
            [("X-Forwarded-For", f"{MOSCOW}, {BERLIN}")],
            NO_ENV,
            "X-Forwarded-For",
            True,
            id="the leftmost of two hops: every hop believed",
        ),
        pytest.param(
            BERLIN,
            0,
            [("X-Forwarded-For", f"{MOSCOW}, {BERLIN}")],
            NO_ENV,
            "X-Forwarded-For",
            False,
            id="the rightmost of two hops: an allow-list",
        ),
        pytest.param(
            BERLIN,
            0,
            [("X-Forwarded-For", MOSCOW), ("X-Forwarded-For", BERLIN)],
            NO_ENV,
            "X-Forwarded-For",
            False,
            id="two header lines",
        ),
        pytest.param(
            MOSCOW,
            4711,
            [("X-Forwarded-For", f"{MOSCOW}:4711")],
            NO_ENV,
            "X-Forwarded-For",
            False,
            id="a hop with a port keeps it",
        ),
        pytest.param(
            MOSCOW_V6, 0, [("X-Forwarded-For", MOSCOW_V6)], NO_ENV, "X-Forwarded-For", False, id="IPv6"
        ),
        pytest.param(
            MOSCOW_V6,
            4711,
            [("X-Forwarded-For", f"[{MOSCOW_V6}]:4711")],
            NO_ENV,
            "X-Forwarded-For",
            False,
            id="IPv6 with a port",
        ),
        pytest.param(
            f"::ffff:{MOSCOW}",
            0,
            [("X-Forwarded-For", MOSCOW)],
            NO_ENV,
            "X-Forwarded-For",
            False,
            id="v4-mapped client",
        ),
        pytest.param(
            MOSCOW,
            0,
            [("Forwarded", f"for={MOSCOW};proto=https")],
            NO_ENV,
            "Forwarded",
            False,
            id="Forwarded",
        ),
    ],
)
def test_a_client_taken_from_a_forwarding_header_is_warned_about(
    client: str,
    port: int,
    headers: list[tuple[str, str]],
    environ: dict[str, str],
    header: str,
    anyone: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (message,) = warnings_for([http_scope(client, headers, port=port)], environ=environ, caplog=caplog)
    assert f"the server replaced the client address with one from {header}" in message
    assert "not geonotice's trusted_proxies, decides" in message
    assert ("any reader can choose their address" in message) is anyone
    assert "Fix: serve with 'uvicorn --no-proxy-headers' (or 'geonotice run', which does)" in message


def test_without_trusted_proxies_the_warning_says_the_server_decides(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scope = http_scope(MOSCOW, [("X-Forwarded-For", MOSCOW)], port=0)
    (message,) = warnings_for([scope], trusted=(), caplog=caplog)
    assert "so the server, not geonotice, decides" in message


def test_the_warning_is_given_once_and_names_no_address(caplog: pytest.LogCaptureFixture) -> None:
    scopes = [
        http_scope(MOSCOW, [("X-Forwarded-For", f"{MOSCOW}, {PROXY}")], port=0),
        http_scope(BERLIN, [("X-Forwarded-For", BERLIN)], port=0),
    ]
    (message,) = warnings_for(scopes, caplog=caplog)
    for address in (MOSCOW, BERLIN, PROXY, "192.0.2", "198.51.100"):
        assert address not in message


def test_after_the_first_requests_only_port_0_is_checked(caplog: pytest.LogCaptureFixture) -> None:
    direct = http_scope(BERLIN, [], port=52311)
    with_port = http_scope(MOSCOW, [("X-Forwarded-For", f"{MOSCOW}:4711")], port=4711)
    without_port = http_scope(MOSCOW, [("X-Forwarded-For", MOSCOW)], port=0)
    assert warnings_for([direct] * FULL_CHECKS + [with_port], caplog=caplog) == []
    assert len(warnings_for([direct] * FULL_CHECKS + [without_port], caplog=caplog)) == 1


## Through the middleware, as uvicorn hands a rewritten request over.


async def article(request: object) -> HTMLResponse:
    return HTMLResponse("<!doctype html><article><h1>Cranes</h1><p>They stopped.</p></article>")


def test_the_middleware_warns_once_on_covered_pages(city_db: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = Starlette(routes=[Route("/a/cranes/1.html", article), Route("/about", article)])
    middleware = GeoNoticeMiddleware(app, rules=RULES, geoip_db=city_db, trusted_proxies=[PROXY])
    headers = {"x-forwarded-for": MOSCOW}

    async def fetch(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=middleware, client=(MOSCOW, 0))
        async with httpx.AsyncClient(transport=transport, base_url="http://news.test") as http:
            return await http.get(path, headers=headers)

    try:
        with caplog.at_level(logging.WARNING, logger="geonotice.locate"):
            asyncio.run(fetch("/about"))
            assert not caplog.records, "pages no notice covers are not checked"
            for _ in range(3):
                page = asyncio.run(fetch("/a/cranes/1.html"))
                assert page.headers["legal-notices"] == "ru-undesirable-organization"
    finally:
        middleware.close()
    warnings = [r for r in caplog.records if "replaced the client address" in r.getMessage()]
    assert len(warnings) == 1
