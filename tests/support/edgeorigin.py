"""The origin the edge tests and the cache benchmark put nginx and Varnish in front of.

A news app with article pages (``/a/...``, ``/ru/a/...``) and a JSON API (``/api/articles/N``),
every answer cacheable by shared caches for an hour, counting the requests that reach it by
path and by the variant the edge sent (what the cache let through). ``notices_shown`` reads what
a response gave the reader: the ``Legal-Notices`` header, checked against the body.
"""

from __future__ import annotations

import json
from collections import Counter

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

CACHEABLE = "public, max-age=60, s-maxage=3600"
PAGE = (
    '<!doctype html><html lang="{lang}"><head><title>Story {id}</title></head>'
    "<body><main><article><h1>Story {id}</h1>{text}</article></main></body></html>"
)
PARAGRAPHS = "".join(f"<p>Paragraph {n} of the story.</p>" for n in range(20))


class NewsOrigin:
    """The app and its tally of requests: ``hits[(path, variant)]`` (variant ``""`` when none)."""

    def __init__(self) -> None:
        self.hits: Counter[tuple[str, str]] = Counter()
        self.app = Starlette(
            routes=[
                Route("/a/{slug}/{id}.html", self.article),
                Route("/ru/a/{slug}/{id}.html", self.article),
                Route("/api/articles/{id}", self.api),
            ]
        )

    def _count(self, request: Request) -> None:
        self.hits[request.url.path, request.headers.get("geonotice-variant", "")] += 1

    async def article(self, request: Request) -> Response:
        self._count(request)
        lang = "ru" if request.url.path.startswith("/ru/") else "en"
        page = PAGE.format(lang=lang, id=request.path_params["id"], text=PARAGRAPHS)
        return HTMLResponse(page, headers={"cache-control": CACHEABLE})

    async def api(self, request: Request) -> Response:
        self._count(request)
        return JSONResponse({"id": request.path_params["id"]}, headers={"cache-control": CACHEABLE})


def notices_shown(response: httpx.Response) -> tuple[str, ...]:
    """The notice ids a response carries, after checking that its body carries the same ones.

    Raises:
        AssertionError: the body and the ``Legal-Notices`` header disagree.
    """
    header = response.headers.get("legal-notices", "")
    ids = tuple(part.strip() for part in header.split(",") if part.strip())
    if response.headers.get("content-type", "").startswith("application/json"):
        in_body = tuple(notice["id"] for notice in json.loads(response.content).get("legal_notices", ()))
    else:
        text = response.text
        in_body = tuple(i for i in ids if f'data-notice-id="{i}"' in text)
        assert text.count("data-notice-id=") == len(in_body), "the page has notices its header does not name"
    assert in_body == ids, f"the body has {in_body}, Legal-Notices says {ids}"
    return ids
