"""The Free Ledger: a small, invented news site that ``geonotice demo`` serves behind the middleware.

It is deliberately an ordinary site that knows nothing about notices: articles in English, Russian,
Ukrainian and Belarusian at ``/a/<slug>/<id>.html`` and ``/<lang>/a/<slug>/<id>.html``, home pages,
a small JSON API (``/api/articles/<id>``, for apps), one CSS file, and a strict
Content-Security-Policy (no inline script or style) to show that the notices geonotice inserts
need none. The only demo-specific part is the strip at the top of each page that
says which reader the visitor is pretending to be (see ``reader_switch``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geonotice.demo import DEMO_DATABASE, DEMO_DIR, DEMO_RULES
from geonotice.demo.reader_switch import COOKIE_NAME, ReaderSwitch
from geonotice.demo.readers import DemoReader, load_demo_readers

LANGUAGES = ("en", "ru", "uk", "be")

# Nothing inline, nothing third-party: the injected <aside> must render under this policy.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

_CURRENT = ' aria-current="true"'

_FRONT_MATTER = re.compile(r"\A<!--\n(?P<head>.*?)\n-->\n(?P<body>.*)\Z", re.DOTALL)
# Article bodies are the demo's own files: a run of <p> elements, possibly with inline markup.
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")

_UI: Mapping[str, Mapping[str, str]] = {
    "en": {
        "name": "The Free Ledger",
        "tagline": "Independent news, read wherever you are",
        "latest": "Latest",
        "by": "By",
        "also": "Also in",
        "language": "English",
        "footer": "The Free Ledger is an invented outlet; its articles are fiction written for this demo.",
        "missing": "We could not find that page.",
    },
    "ru": {
        "name": "Свободная ведомость",
        "tagline": "Независимые новости, где бы вы ни были",
        "latest": "Последнее",
        "by": "Автор:",
        "also": "Читать на",
        "language": "Русский",
        "footer": "«Свободная ведомость» — вымышленное издание; её статьи написаны для этой демонстрации.",
        "missing": "Такой страницы нет.",
    },
    "uk": {
        "name": "Вільна відомість",
        "tagline": "Незалежні новини, де б ви не були",
        "latest": "Останнє",
        "by": "Автор:",
        "also": "Читати",
        "language": "Українська",
        "footer": "«Вільна відомість» — вигадане видання; її статті написані для цієї демонстрації.",
        "missing": "Такої сторінки немає.",
    },
    "be": {
        "name": "Вольная ведамасць",
        "tagline": "Незалежныя навіны, дзе б вы ні былі",
        "latest": "Апошняе",
        "by": "Аўтар:",
        "also": "Іншыя мовы",
        "language": "Беларуская",
        "footer": "«Вольная ведамасць» — выдуманае выданне; яе артыкулы напісаны для гэтай дэманстрацыі.",
        "missing": "Такой старонкі няма.",
    },
}

_MONTHS: Mapping[str, str] = {
    "en": "January February March April May June July August September October November December",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "uk": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "be": "студзеня лютага сакавіка красавіка мая чэрвеня ліпеня жніўня верасня кастрычніка лістапада снежня",
}


@dataclass(frozen=True, slots=True)
class Article:
    """One article in one language; translations share an ``id``."""

    id: int
    lang: str
    slug: str
    section: str
    title: str
    dek: str
    byline: str
    date: dt.date
    body: str  # trusted HTML: the demo's own files

    @property
    def path(self) -> str:
        prefix = "" if self.lang == "en" else f"/{self.lang}"
        return f"{prefix}/a/{self.slug}/{self.id}.html"

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body as plain text, one string per paragraph: what an app shows, without markup."""
        return tuple(_plain(part) for part in _PARAGRAPH.findall(self.body))


def load_articles() -> tuple[Article, ...]:
    """Every article under ``demo/articles/``, newest first.

    Each file is an HTML fragment opened by a comment of ``key: value`` lines (its metadata).

    Raises:
        ValueError: an article file is malformed; the message names the file.
    """
    articles = []
    for entry in resources.files("geonotice.demo").joinpath("articles").iterdir():
        if entry.name.endswith(".html"):
            articles.append(_parse_article(entry.name, entry.read_text(encoding="utf-8")))
    return tuple(sorted(articles, key=lambda a: (a.date, a.id), reverse=True))


def showcase_articles(articles: Sequence[Article]) -> tuple[Article, Article]:
    """The newest Russian article that has an English translation, and that translation: the pages
    the demo's printed links and curl lines point at.

    Raises:
        ValueError: no Russian article has an English translation.
    """
    english = {a.id: a for a in articles if a.lang == "en"}
    for article in articles:
        if article.lang == "ru" and article.id in english:
            return article, english[article.id]
    raise ValueError("the demo needs a Russian article with an English translation")


def _parse_article(name: str, text: str) -> Article:
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise ValueError(f"demo article {name}: expected a metadata comment at the top")
    meta = dict(line.split(":", 1) for line in match.group("head").splitlines() if ":" in line)
    meta = {key.strip(): value.strip() for key, value in meta.items()}
    try:
        return Article(
            id=int(meta["id"]),
            lang=meta["lang"],
            slug=meta["slug"],
            section=meta["section"],
            title=meta["title"],
            dek=meta["dek"],
            byline=meta["byline"],
            date=dt.date.fromisoformat(meta["date"]),
            body=match.group("body").strip(),
        )
    except (KeyError, ValueError) as error:
        raise ValueError(f"demo article {name}: bad or missing metadata {error}") from error


def create_site(readers: Sequence[DemoReader] = ()) -> Starlette:
    """The news site alone, without geonotice: what a newsroom already runs.

    ``readers`` are listed in the demo strip as "read as" links; none gives a site with no strip.
    """
    site = _Site(load_articles(), tuple(readers))
    return Starlette(
        routes=[
            Route("/", site.home),
            Route("/{lang:str}/", site.home),
            Route("/a/{slug:str}/{id:int}.html", site.article),
            Route("/{lang:str}/a/{slug:str}/{id:int}.html", site.article),
            Route("/api/articles/{id:int}", site.api_article),
            Route("/_demo/as/{reader:str}", site.read_as),
            Route("/_demo/reset", site.reset),
            Mount("/static", StaticFiles(directory=DEMO_DIR / "static"), name="static"),
        ],
        exception_handlers={404: site.not_found},
    )


def create_demo_app(
    *,
    rules: str | Path = DEMO_RULES,
    geoip_db: str | Path = DEMO_DATABASE,
    reload_interval: float = 2.0,
) -> ASGIApp:
    """The whole demo: the reader switch, then geonotice, then the news site.

    The middleware trusts loopback as a proxy, which is what lets both the reader switch and
    ``curl -H 'X-Forwarded-For: ...'`` from this machine choose a reader. ``rules`` defaults to
    the example rules shipped with geonotice.

    Raises:
        RulesError: the rules do not load.
        GeoIPDatabaseError: the database cannot be opened.
        ValueError: the demo's own files (articles, readers.json) are malformed.
    """
    from geonotice.middleware import GeoNoticeMiddleware

    readers = load_demo_readers()
    quiet = _database_age_unlogged() if Path(geoip_db) == DEMO_DATABASE else contextlib.nullcontext()
    with quiet:
        wrapped = GeoNoticeMiddleware(
            _SecurityHeaders(create_site(readers)),
            rules=rules,
            geoip_db=geoip_db,
            trusted_proxies=("127.0.0.1", "::1"),
            reload_interval=reload_interval,
        )
    return ReaderSwitch(wrapped, readers=readers)


@contextlib.contextmanager
def _database_age_unlogged() -> Iterator[None]:
    # The demo database is fiction with a pinned build date (so it can be rebuilt byte for
    # byte): its age says nothing about where readers are, and a warning to update it would
    # only confuse someone trying the demo. Only the staleness logger is lowered, and only
    # while the database is opened, so every other message still shows.
    staleness = logging.getLogger("geonotice.locate.staleness")
    level = staleness.level
    staleness.setLevel(logging.ERROR)
    try:
        yield
    finally:
        staleness.setLevel(level)


class _SecurityHeaders:
    """Adds the demo's security headers to every response, static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("content-security-policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("referrer-policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _Site:
    def __init__(self, articles: tuple[Article, ...], readers: tuple[DemoReader, ...]) -> None:
        self.articles = articles
        self.by_key = {(a.lang, a.id): a for a in articles}
        self.readers = readers
        self.reader_keys = {reader.key: reader for reader in readers}

    async def home(self, request: Request) -> Response:
        lang = request.path_params.get("lang", "en")
        if lang not in LANGUAGES:
            return await self.not_found(request, None)
        ui = _UI[lang]
        items = "\n".join(
            f'<li><p class="kicker">{_e(a.section)}</p><h2><a href="{_e(a.path)}">{_e(a.title)}</a></h2>'
            f"<p>{_e(a.dek)}</p></li>"
            for a in self.articles
            if a.lang == lang
        )
        main = f'<h1 class="kicker">{_e(ui["latest"])}</h1>\n<ul class="latest">\n{items}\n</ul>'
        return self._page(request, lang, ui["name"], main)

    async def article(self, request: Request) -> Response:
        lang = request.path_params.get("lang", "en")
        found = self.by_key.get((lang, request.path_params["id"]))
        if found is None:
            return await self.not_found(request, None)
        if request.path_params["slug"] != found.slug:
            # Headlines change; old links keep working, as on any news site.
            prefix = "" if "lang" not in request.path_params else f"/{lang}"
            return RedirectResponse(f"{prefix}/a/{found.slug}/{found.id}.html", status_code=301)
        return self._page(request, lang, found.title, self._article_html(found))

    async def api_article(self, request: Request) -> Response:
        """One article as JSON, for apps: ``?lang=`` picks a translation; without it, English if
        the article has it, else the first language it exists in."""
        id_ = request.path_params["id"]
        wanted = request.query_params.get("lang")
        if wanted is None:
            found = next((a for a in (self.by_key.get((lang, id_)) for lang in LANGUAGES) if a), None)
        else:
            found = self.by_key.get((wanted, id_))
        if found is None:
            return await self.not_found(request, None)
        document = {
            "id": found.id,
            "language": found.lang,
            "title": found.title,
            "url": str(request.url.replace(path=found.path, query="")),
            "paragraphs": list(found.paragraphs),
        }
        return JSONResponse(document, headers={"cache-control": "no-store"})

    def _article_html(self, article: Article) -> str:
        ui = _UI[article.lang]
        others = [
            f'<a href="{_e(other.path)}" hreflang="{other.lang}" lang="{other.lang}">'
            f"{_e(_UI[other.lang]['language'])}</a>"
            for other in (self.by_key.get((lang, article.id)) for lang in LANGUAGES)
            if other is not None and other.lang != article.lang
        ]
        translations = f'<p class="translations">{_e(ui["also"])}: {", ".join(others)}</p>' if others else ""
        return (
            f"<article>\n"
            f'<p class="kicker">{_e(article.section)}</p>\n'
            f"<h1>{_e(article.title)}</h1>\n"
            f'<p class="dek">{_e(article.dek)}</p>\n'
            f'<p class="byline">{_e(ui["by"])} {_e(article.byline)} · '
            f'<time datetime="{article.date.isoformat()}">{_date(article.date, article.lang)}</time></p>\n'
            f"{article.body}\n"
            f"{translations}\n"
            f"</article>"
        )

    async def read_as(self, request: Request) -> Response:
        reader = self.reader_keys.get(request.path_params["reader"])
        if reader is None:
            return await self.not_found(request, None)
        response = RedirectResponse(_safe_next(request), status_code=303)
        response.set_cookie(COOKIE_NAME, reader.key, path="/", httponly=True, samesite="lax")
        response.headers["cache-control"] = "no-store"
        return response

    async def reset(self, request: Request) -> Response:
        response = RedirectResponse(_safe_next(request), status_code=303)
        response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax")
        response.headers["cache-control"] = "no-store"
        return response

    async def not_found(self, request: Request, exc: Exception | None) -> Response:
        first = request.url.path.strip("/").split("/", 1)[0]
        if first == "api":
            # Apps get an answer they can parse, not a page.
            return JSONResponse(
                {"error": "not found"}, status_code=404, headers={"cache-control": "no-store"}
            )
        lang = first if first in LANGUAGES else "en"
        main = f"<h1>404</h1>\n<p>{_e(_UI[lang]['missing'])}</p>"
        return self._page(request, lang, "404", main, status_code=404)

    def _page(self, request: Request, lang: str, title: str, main: str, status_code: int = 200) -> Response:
        ui = _UI[lang]
        nav = " ".join(
            f'<a href="{"/" if code == "en" else f"/{code}/"}" hreflang="{code}" lang="{code}"'
            f"{_CURRENT if code == lang else ''}>{_e(_UI[code]['language'])}</a>"
            for code in LANGUAGES
        )
        page = (
            "<!doctype html>\n"
            f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}{'' if title == ui['name'] else ' · ' + _e(ui['name'])}</title>\n"
            '<link rel="stylesheet" href="/static/ledger.css">\n'
            '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">\n'
            "</head>\n<body>\n"
            f"{self._demo_bar(request)}"
            '<header class="masthead">\n'
            f'<a class="brand" href="{"/" if lang == "en" else f"/{lang}/"}">{_e(ui["name"])}</a>\n'
            f"<nav>{nav}</nav>\n</header>\n"
            f"<main>\n{main}\n</main>\n"
            f"<footer>{_e(ui['footer'])}</footer>\n"
            "</body>\n</html>\n"
        )
        # Each reader sees a different page: never let a browser reuse another reader's copy.
        return HTMLResponse(page, status_code=status_code, headers={"cache-control": "no-store"})

    def _demo_bar(self, request: Request) -> str:
        if not self.readers:
            return ""
        current = self.reader_keys.get(request.cookies.get(COOKIE_NAME, ""))
        here = quote(request.url.path)
        if current is None:
            status = "Reading from this machine (no region: loopback)."
        else:
            status = (
                f'Reading as a reader in <span class="demo-current">{_e(current.place)}</span>'
                f" ({_e(str(current.region))}, {_e(current.address)})."
            )
        links = "".join(
            f'<li><a href="/_demo/as/{_e(reader.key)}?next={here}"'
            f"{_CURRENT if reader is current else ''}>{_e(reader.place)}</a></li>"
            for reader in self.readers
        )
        reset = f' <a href="/_demo/reset?next={here}">Reset</a>' if current is not None else ""
        return (
            '<div class="demo-bar" role="region" aria-label="geonotice demo">'
            '<span class="demo-label">geonotice demo</span>'
            f"<span>{status}{reset}</span>"
            f"<span>Read as a reader in:</span><ul>{links}</ul></div>\n"
        )


def _safe_next(request: Request) -> str:
    # Only same-site paths: an open redirect is a bad habit to show, even in a demo.
    target = request.query_params.get("next", "/")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _date(date: dt.date, lang: str) -> str:
    month = _MONTHS[lang].split()[date.month - 1]
    return f"{date.day} {month} {date.year}"


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def _e(text: str) -> str:
    return html.escape(text, quote=True)


_site: Starlette | None = None


def __getattr__(name: str) -> Starlette:
    # ``geonotice.demo.site:app`` (for ``geonotice test --app``) is the site alone, built on first
    # use so that importing this module stays cheap for the demo command.
    global _site
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _site is None:
        _site = create_site()
    return _site
