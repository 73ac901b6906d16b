"""A newsroom's existing FastAPI application. It knows nothing about geonotice.

Serve it wrapped, from the repository root:

    geonotice run --app-dir examples fastapi_news:app --rules rules/ \\
        --geoip-db src/geonotice/demo/demo-city.mmdb --trusted-proxy 127.0.0.1

or add the middleware in code: ``app.add_middleware(GeoNoticeMiddleware, rules=..., geoip_db=...)``.
Only HTML responses are touched; the JSON API below passes through byte for byte.
"""

from __future__ import annotations

import html

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse

app = FastAPI(title="The Valley Courier")

ARTICLES = {
    12: {
        "slug": "school-buses-return-to-mountain-villages",
        "title": "School buses return to three mountain villages after the bridge reopens",
        "paragraphs": [
            "For four months children from the upper valley walked an hour each way to the nearest stop.",
            "The rebuilt bridge opened on Tuesday, two weeks ahead of the schedule the council published.",
        ],
    },
}


@app.get("/a/{slug}/{article_id}.html", response_class=HTMLResponse)
async def article(slug: str, article_id: int) -> str:
    found = ARTICLES.get(article_id)
    if found is None or found["slug"] != slug:
        raise HTTPException(status_code=404, detail="No such article.")
    title = html.escape(str(found["title"]))
    text = "".join(f"<p>{html.escape(p)}</p>" for p in found["paragraphs"])
    return (
        '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n"
        f"<body>\n<main><article><h1>{title}</h1>{text}</article></main>\n</body>\n</html>\n"
    )


@app.get("/api/articles")
async def list_articles() -> list[dict[str, object]]:
    return [{"id": key, "slug": value["slug"], "title": value["title"]} for key, value in ARTICLES.items()]
