"""A notice under review (``status: draft``) is never served: proved through the whole middleware,
with the shipped draft label and with a draft that a reload turns live."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from geonotice import GeoNoticeMiddleware
from support.readers import READERS

REPO = Path(__file__).resolve().parents[2]
PAGE = (
    b'<!doctype html><html lang="ru"><body><article><h1>Headline</h1>'
    b"<p>First paragraph.</p></article></body></html>"
)
RULES = """\
version: 1
jurisdictions:
  russia: {{regions: [RU]}}
notices:
  - id: label
    {status}
    applies to: [russia]
    default language: ru
    text: {{ru: <p>Label.</p>}}
    placement: start-of-article
    style: label-large
"""


async def article(request: Request) -> Response:
    return HTMLResponse(PAGE)


def fetch(middleware: GeoNoticeMiddleware, peer: str) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=middleware, client=(peer, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://news.example") as client:
            return await client.get("/ru/a/story/1.html")

    return asyncio.run(run())


def app() -> Starlette:
    return Starlette(routes=[Route("/ru/a/{slug}/{id}.html", article)])


def test_the_shipped_draft_label_reaches_no_reader(city_db: Path) -> None:
    middleware = GeoNoticeMiddleware(app(), rules=REPO / "rules", geoip_db=city_db)
    try:
        for reader in ("moscow", "crimea", "sevastopol", "kyiv", "berlin"):
            response = fetch(middleware, READERS[reader])
            assert b"ru-foreign-agent-label" not in response.content
            assert "ru-foreign-agent-label" not in response.headers.get("legal-notices", "")
        # The live warning still is served, so the draft's absence is no accident of the page.
        assert fetch(middleware, READERS["moscow"]).headers["legal-notices"] == "ru-undesirable-organization"
    finally:
        middleware.close()


def test_a_draft_is_served_once_a_reload_makes_it_live(city_db: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES.format(status="status: draft"))
    middleware = GeoNoticeMiddleware(app(), rules=rules, geoip_db=city_db)
    try:
        response = fetch(middleware, READERS["moscow"])
        assert response.content == PAGE and "legal-notices" not in response.headers
        temporary = tmp_path / "rules.tmp"
        temporary.write_text(RULES.format(status="status: live"))
        os.replace(temporary, rules)
        assert middleware.rules.check_now()
        response = fetch(middleware, READERS["moscow"])
        assert response.headers["legal-notices"] == "label"
        assert (
            b'class="geonotice-notice geonotice-notice--label geonotice-style-label-large"'
            in response.content
        )
    finally:
        middleware.close()
