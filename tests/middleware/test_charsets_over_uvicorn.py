"""Russian pages in windows-1251 through the middleware behind a real uvicorn server: the reader
in Moscow reads the warning in the page's own charset, as their browser decodes it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geonotice import GeoNoticeMiddleware
from support.readers import READERS

RULES = Path(__file__).resolve().parents[2] / "rules"
WARNING = "Российские власти признали это издание «нежелательной организацией»."

Serve = Callable[..., AbstractContextManager[str]]


def article(meta: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="ru"><head>{meta}<title>Новости</title></head><body>'
        '<article class="story"><h1>Цены на хлеб выросли</h1><p>Корреспондент сообщает.</p></article>'
        "</body></html>"
    ).encode("cp1251")


PAGES = {
    "/a/header/1.html": (article(""), "text/html; charset=windows-1251"),
    "/a/meta/1.html": (article('<meta charset="windows-1251">'), "text/html"),
    "/a/http-equiv/1.html": (
        article('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'),
        "text/html",
    ),
    "/a/undeclared/1.html": (article(""), "text/html"),
}


@pytest.fixture
def served(city_db: Path, serve: Serve) -> dict[str, httpx.Response]:
    async def page(request: Request) -> Response:
        body, content_type = PAGES[request.url.path]
        return Response(body, headers={"content-type": content_type})

    app = GeoNoticeMiddleware(
        Starlette(routes=[Route(path, page) for path in PAGES]),
        rules=RULES,
        geoip_db=city_db,
        trusted_proxies=["127.0.0.1"],
    )
    headers = {"x-forwarded-for": READERS["moscow"], "accept-language": "ru-RU,ru;q=0.9"}
    try:
        with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:
            return {path: client.get(path, headers=headers) for path in PAGES}
    finally:
        app.close()


@pytest.mark.parametrize("path", ["/a/header/1.html", "/a/meta/1.html", "/a/http-equiv/1.html"])
def test_the_reader_in_moscow_reads_the_warning_in_the_pages_windows_1251(
    served: dict[str, httpx.Response], path: str
) -> None:
    response = served[path]
    assert response.headers["legal-notices"] == "ru-undesirable-organization"
    shown = response.content.decode("cp1251")  # as the browser decodes it
    assert WARNING in shown
    start, end = shown.index("<aside"), shown.index("</aside>") + len("</aside>")
    assert (shown[:start] + shown[end:]).encode("cp1251") == PAGES[path][0]
    assert shown.index("<article") < start  # placed where the rules ask: the article's start


def test_an_undeclared_windows_1251_page_is_served_untouched(served: dict[str, httpx.Response]) -> None:
    response = served["/a/undeclared/1.html"]
    assert response.content == PAGES["/a/undeclared/1.html"][0]
    assert "legal-notices" not in response.headers
