from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import escape, format_html_join

ARTICLES = {
    31: (
        "city-council-publishes-budget-in-full",
        "City council publishes its budget line by line for the first time",
        [
            "Residents can now see what each district spends on roads, schools and street lighting.",
            "The council says the spreadsheet had 41,000 rows and took two clerks a month to prepare.",
        ],
    ),
}


def _page(title: str, body: str) -> HttpResponse:
    return HttpResponse(
        '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def home(request: HttpRequest) -> HttpResponse:
    links = format_html_join(
        "",
        '<li><a href="/a/{}/{}.html">{}</a></li>',
        ((slug, key, title) for key, (slug, title, _) in ARTICLES.items()),
    )
    return _page("The Town Register", f"<main><ul>{links}</ul></main>")


def article(request: HttpRequest, slug: str, article_id: int) -> HttpResponse:
    found = ARTICLES.get(article_id)
    if found is None or found[0] != slug:
        raise Http404("No such article.")
    _, title, paragraphs = found
    text = format_html_join("", "<p>{}</p>", ((p,) for p in paragraphs))
    return _page(title, f"<main><article><h1>{escape(title)}</h1>{text}</article></main>")
