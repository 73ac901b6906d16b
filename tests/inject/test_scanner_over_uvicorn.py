"""Every placement on real-looking templates, through the middleware behind a real uvicorn server,
with the page streamed in chunks from 1 byte to 64 KiB: the reader gets the page byte for byte,
with each notice exactly where the independent reference says."""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from geonotice import GeoNoticeMiddleware
from geonotice.demo.site import create_site
from geonotice.locate import PRESETS
from geonotice.rules.model import Jurisdiction, Notice, PageMatch, Placement, PlacementKind, Position, Ruleset
from geonotice.rules.placements import selector_placement

from . import templates
from .reference import points

Serve = Callable[..., AbstractContextManager[str]]


PLACEMENTS = [
    Placement(PlacementKind.BODY_START),
    Placement(PlacementKind.BODY_END),
    Placement(PlacementKind.ARTICLE_START),
    Placement(PlacementKind.END_OF_ARTICLE),
    Placement(PlacementKind.AFTER_HEADLINE),
    selector_placement("article h1", Position.AFTER),
    selector_placement("p.byline", Position.AFTER),
    selector_placement("div.author-box", Position.BEFORE),
    selector_placement("article .author-box", Position.APPEND),
    selector_placement("[itemprop=articleBody]", Position.PREPEND),
    selector_placement("main", Position.AFTER),
]
NOTICES = tuple(
    Notice(
        id=f"n{index}",
        jurisdictions=("russia",),
        texts={"en": f"<p>Notice {index}.</p>"},
        default_language="en",
        placement=placement,
        pages=PageMatch(paths=("/a/**",)),
    )
    for index, placement in enumerate(PLACEMENTS)
)
RULES = Ruleset(jurisdictions={"russia": Jurisdiction("russia", ("RU",))}, notices=NOTICES)
_ASIDE = re.compile(
    rb'<aside class="geonotice-notice [^"]*" data-notice-id="(n\d+)"[^>]*>.*?</aside>', re.DOTALL
)


async def _demo_page() -> bytes:
    transport = httpx.ASGITransport(app=create_site())
    async with httpx.AsyncClient(transport=transport, base_url="http://demo.test") as client:
        return (await client.get("/a/printers-turn-away-independent-papers/1042.html")).content


@functools.cache
def pages() -> dict[str, bytes]:
    demo = asyncio.run(_demo_page())
    return {"wordpress": templates.wordpress(), "nextjs": templates.nextjs(), "demo": demo}


def streamed_site() -> Starlette:
    async def page(request: Request) -> Response:
        data = pages()[request.path_params["name"]]
        size = request.path_params["chunk"]

        async def chunks() -> AsyncIterator[bytes]:
            for i in range(0, len(data), size):
                yield data[i : i + size]

        return StreamingResponse(chunks(), media_type="text/html; charset=utf-8")

    return Starlette(routes=[Route("/a/{name}/{chunk:int}.html", page)])


def landings(page: bytes) -> dict[str, int | None]:
    """Where the reference puts each notice on ``page``."""
    found = points(page)
    spots = {}
    for notice in NOTICES:
        placement = notice.placement
        position = None if placement.position is None else placement.position.value
        spots[notice.id] = found.landing(placement.kind.value, placement.target, position)
    return spots


def positions(served: bytes) -> tuple[bytes, dict[str, int]]:
    """The served page without its notices, and where each notice was in it."""
    parts, found, size, last = [], {}, 0, 0
    for aside in _ASIDE.finditer(served):
        parts.append(served[last : aside.start()])
        size += aside.start() - last
        found[aside.group(1).decode()] = size
        last = aside.end()
    parts.append(served[last:])
    return b"".join(parts), found


@pytest.mark.parametrize("name", ["wordpress", "nextjs", "demo"])
def test_every_placement_lands_where_the_reference_says_for_chunks_of_1_byte_to_64_kib(
    name: str, serve: Serve
) -> None:
    page = pages()[name]
    expected = landings(page)
    assert all(spot is not None for spot in expected.values())
    app = GeoNoticeMiddleware(
        streamed_site(), rules=RULES, geo_headers=PRESETS["cloudflare"], trusted_proxies=["127.0.0.1"]
    )
    try:
        with serve(app) as url, httpx.Client(base_url=url, timeout=60) as client:
            for chunk in (1, 7, 512, 4096, 65536):
                response = client.get(f"/a/{name}/{chunk}.html", headers={"cf-ipcountry": "RU"})
                named = {n.strip() for n in response.headers["legal-notices"].split(",")}
                assert named == {n.id for n in NOTICES}
                original, found = positions(response.content)
                assert original == page, chunk
                assert found == expected, chunk
    finally:
        app.close()
