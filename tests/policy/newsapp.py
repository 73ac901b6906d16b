"""A tiny news site for end-to-end policy runs: articles under /a/ and /<lang>/a/, home pages, an API."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<header><a href="/">The Independent Courier</a></header>
<article><h1>{title}</h1><p>{body}</p></article>
</body>
</html>
"""


async def article(request: Request) -> HTMLResponse:
    slug = request.path_params["slug"]
    return HTMLResponse(PAGE.format(lang="en", title=f"Story {slug}", body="Reporting from the ground."))


async def article_in(request: Request) -> HTMLResponse:
    slug, lang = request.path_params["slug"], request.path_params["lang"]
    return HTMLResponse(PAGE.format(lang=lang, title=f"Story {slug}", body="Reporting from the ground."))


async def home(request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE.format(lang="en", title="Front page", body="Today's stories."))


async def api(request: Request) -> JSONResponse:
    return JSONResponse({"id": request.path_params["id"], "title": "A story"})


app = Starlette(
    routes=[
        Route("/", home),
        Route("/a/{slug:path}", article),
        Route("/{lang}/", home),
        Route("/{lang}/a/{slug:path}", article_in),
        Route("/api/articles/{id}", api),
    ]
)
