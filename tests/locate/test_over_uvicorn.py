"""The locator behind a real uvicorn server on 127.0.0.1: scopes exactly as a server builds them."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
from starlette.types import Receive, Scope, Send

from geonotice.locate import Locator
from support.readers import READERS

Serve = Callable[..., AbstractContextManager[str]]


def explaining(locator: Locator):  # type: ignore[no-untyped-def]
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        location = locator.explain(scope)
        body = json.dumps(
            {"codes": list(location.region.codes), "address": location.address, "source": location.source}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def test_repeated_x_forwarded_for_lines_from_a_trusted_proxy_are_joined(city_db: Path, serve: Serve) -> None:
    locator = Locator(geoip_db=city_db, trusted_proxies=["127.0.0.1", "10.0.0.0/8"])
    with serve(explaining(locator)) as url, httpx.Client(base_url=url, timeout=10) as client:
        headers = [("X-Forwarded-For", READERS["crimea"]), ("X-Forwarded-For", "10.0.0.9")]
        answer = client.get("/", headers=headers).json()
        assert answer == {"codes": ["UA", "UA-43"], "address": READERS["crimea"], "source": "database"}


def test_forwarding_headers_are_ignored_when_the_loopback_peer_is_not_trusted(
    city_db: Path, serve: Serve
) -> None:
    locator = Locator(geoip_db=city_db)
    with serve(explaining(locator)) as url, httpx.Client(base_url=url, timeout=10) as client:
        answer = client.get("/", headers={"X-Forwarded-For": READERS["moscow"]}).json()
        assert answer == {"codes": [], "address": "127.0.0.1", "source": "database"}


def test_cloudflare_headers_through_a_real_server(city_db: Path, serve: Serve) -> None:
    locator = Locator(geoip_db=city_db, trusted_proxies=["127.0.0.1"], geo_headers="cloudflare")
    with serve(explaining(locator)) as url, httpx.Client(base_url=url, timeout=10) as client:
        headers = {"CF-IPCountry": "ua", "CF-Region-Code": "40", "X-Forwarded-For": READERS["berlin"]}
        answer = client.get("/", headers=headers).json()
        assert answer == {"codes": ["UA", "UA-40"], "address": READERS["berlin"], "source": "header"}
