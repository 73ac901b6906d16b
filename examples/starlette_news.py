"""A newsroom's existing Starlette application. It knows nothing about geonotice.

Serve it wrapped, from the repository root:

    geonotice run --app-dir examples starlette_news:app --rules rules/ \\
        --geoip-db src/geonotice/demo/demo-city.mmdb --trusted-proxy 127.0.0.1

or add the middleware in code instead:

    from geonotice import GeoNoticeMiddleware
    app.add_middleware(GeoNoticeMiddleware, rules="rules/", geoip_db="GeoLite2-City.mmdb")
"""

from __future__ import annotations

import html

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

ARTICLES = {
    7: (
        "harbour-cranes-fall-silent",
        "Harbour cranes fall silent as the port's last operator leaves",
        [
            "The three blue cranes that have loaded grain at the river port since 1978 stopped on Monday.",
            "The operator, the last one still using the port, moved its contracts to a terminal upstream.",
        ],
    ),
}


def page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        f'<body>\n<header><a href="/">The Harbour Gazette</a></header>\n{body}\n</body>\n</html>\n'
    )


async def home(request: Request) -> HTMLResponse:
    links = "".join(
        f'<li><a href="/a/{slug}/{article_id}.html">{html.escape(title)}</a></li>'
        for article_id, (slug, title, _) in ARTICLES.items()
    )
    return HTMLResponse(page("The Harbour Gazette", f"<main><ul>{links}</ul></main>"))


async def article(request: Request) -> HTMLResponse:
    found = ARTICLES.get(request.path_params["article_id"])
    if found is None or found[0] != request.path_params["slug"]:
        return HTMLResponse(page("Not found", "<main><p>No such article.</p></main>"), status_code=404)
    _, title, paragraphs = found
    text = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return HTMLResponse(page(title, f"<main><article><h1>{html.escape(title)}</h1>{text}</article></main>"))


app = Starlette(
    routes=[
        Route("/", home),
        Route("/a/{slug:str}/{article_id:int}.html", article),
    ]
)
