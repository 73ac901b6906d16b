"""``geonotice test --app`` on an app that already has geonotice: replaced at the top, refused deeper.

The app's own middleware here shows a notice of its own to readers in Berlin, so a case expecting
no notice for them fails if its request passes through the app's middleware as well as the run's.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from geonotice import GeoNoticeMiddleware
from geonotice.cli import main
from geonotice.errors import ConfigError
from geonotice.policy.wrappers import AppSlot, Found, find_middlewares
from support.readers import READERS

from .conftest import DEMO_DB, RULES

ARTICLE = "/a/printers-turn-away-independent-papers/1042.html"
OWN_RULES = """\
version: 1
jurisdictions:
  germany: {regions: [DE]}
notices:
  - id: site-own-notice
    applies to: [germany]
    default language: en
    text: {en: "<p>The site's own notice.</p>"}
    placement: start-of-article
    pages: {paths: ["/a/**"]}
"""
CASES = f"""\
cases:
  - name: a reader in Moscow is warned
    reader: {{ip: {READERS["moscow"]}}}
    url: {ARTICLE}
    expect: {{notices: [ru-undesirable-organization]}}
  - name: a reader in Berlin sees no notice
    reader: {{ip: {READERS["berlin"]}}}
    url: {ARTICLE}
    expect: {{notices: []}}
"""
APP_MODULE = f"""\
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse
from starlette.routing import Route

from geonotice import GeoNoticeMiddleware

OWN = dict(rules={{rules!r}}, geoip_db={str(DEMO_DB)!r})


async def article(request):
    return HTMLResponse("<!doctype html><article><h1>Printers</h1><p>They refuse.</p></article>")


def site():
    return Starlette(routes=[Route("/a/{{{{slug}}}}/{{{{id}}}}.html", article)])


class Wrapper:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)


wrapped = GeoNoticeMiddleware(site(), **OWN)
declared = Starlette(
    routes=[Route("/a/{{{{slug}}}}/{{{{id}}}}.html", article)],
    middleware=[Middleware(GeoNoticeMiddleware, **OWN)],
)
deeper = Wrapper(GeoNoticeMiddleware(site(), **OWN))
"""


@pytest.fixture
def sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A module ``wrapped_sites`` with the three shapes, and a case file; returns the case file."""
    own_rules = tmp_path / "own.yaml"
    own_rules.write_text(OWN_RULES)
    (tmp_path / "wrapped_sites.py").write_text(APP_MODULE.format(rules=str(own_rules)))
    cases = tmp_path / "readers.policy.yaml"
    cases.write_text(CASES)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield cases
    module = sys.modules.pop("wrapped_sites", None)
    for name in ("wrapped", "deeper"):
        found: object = getattr(module, name, None)
        while found is not None:
            if isinstance(found, GeoNoticeMiddleware):
                found.close()
            found = getattr(found, "app", None)


def run_test(app: str, cases: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["test", str(RULES), str(cases), "--app", app, "--geoip-db", str(DEMO_DB)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


## Replaced: the cases pass through one middleware, where the app had its own, with the run's settings.


@pytest.mark.parametrize(
    ("app", "where"),
    [("wrapped_sites:wrapped", "app"), ("wrapped_sites:declared", "app.user_middleware[0]")],
)
def test_a_middleware_at_the_top_of_the_app_is_replaced_by_the_runs(
    app: str, where: str, sites: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_test(app, sites, capsys)
    assert out.splitlines()[-1] == "2 passed, 0 failed", out
    assert code == 0
    assert err == (
        f"--app: the app's own GeoNoticeMiddleware ({where}) is replaced, for this run, by one with "
        "the rules and readers of the cases\n"
    )


def test_the_app_as_given_would_have_shown_its_own_notice(sites: Path) -> None:
    # What the replacement avoids: through the app's own middleware, Berlin gets the site's notice.
    import wrapped_sites  # type: ignore[import-not-found]

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=wrapped_sites.wrapped, client=(READERS["berlin"], 4711))
        async with httpx.AsyncClient(transport=transport, base_url="http://news.test") as http:
            return await http.get(ARTICLE)

    assert asyncio.run(get()).headers["legal-notices"] == "site-own-notice"


## Refused: one line, exit 2, nothing run.


def test_a_middleware_deeper_in_the_app_is_refused_with_one_line(
    sites: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_test("wrapped_sites:deeper", sites, capsys)
    assert code == 2
    assert out == ""
    assert err == (
        "Error: Invalid value for '--app': the app already runs GeoNoticeMiddleware (app.app), which a "
        "policy run cannot take out, so every case would pass through it as well as through the run's "
        "own: give the app it wraps instead\n"
    )


## The walk.


async def page(request: Request) -> HTMLResponse:
    return HTMLResponse("<article><p>Text.</p></article>")


class Wrapper:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class ProtocolRouter:
    """The shape of Channels' ProtocolTypeRouter."""

    def __init__(self, application_mapping: dict[str, ASGIApp]) -> None:
        self.application_mapping = application_mapping

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.application_mapping[scope["type"]](scope, receive, send)


@pytest.fixture
def geonotice() -> Iterator[list[GeoNoticeMiddleware]]:
    """Builds middlewares for a test, and closes them after it."""
    built: list[GeoNoticeMiddleware] = []
    yield built
    for middleware in built:
        middleware.close()


def test_the_walk_finds_every_place_geonotice_can_hide(geonotice: list[GeoNoticeMiddleware]) -> None:
    def wrap(app: ASGIApp) -> GeoNoticeMiddleware:
        geonotice.append(GeoNoticeMiddleware(app, rules=RULES, geoip_db=DEMO_DB))
        return geonotice[-1]

    site = Starlette(routes=[Route("/a/{slug}/{id}.html", page)])
    declared = Middleware(GeoNoticeMiddleware, rules=RULES, geoip_db=DEMO_DB)
    fastapi = FastAPI()
    fastapi.add_middleware(GeoNoticeMiddleware, rules=RULES, geoip_db=DEMO_DB)
    route_level = Starlette(routes=[Route("/a/{slug}/{id}.html", page, middleware=[declared])])
    looped = Wrapper(site)
    looped.app = looped

    assert list(find_middlewares(site)) == []
    assert list(find_middlewares(wrap(site))) == [Found("app", declared=False)]
    assert list(find_middlewares(Wrapper(Wrapper(wrap(site))))) == [Found("app.app.app", declared=False)]
    assert list(find_middlewares(Starlette(middleware=[declared]))) == [
        Found("app.user_middleware[0]", declared=True)
    ]
    assert list(find_middlewares(fastapi)) == [Found("app.user_middleware[0]", declared=True)]
    assert list(find_middlewares(Starlette(routes=[Mount("/news", app=wrap(site))]))) == [
        Found("app.router.routes[0].app", declared=False)
    ]
    assert [f.where for f in find_middlewares(route_level)] == ["app.router.routes[0].app"]
    assert list(find_middlewares(ProtocolRouter({"http": wrap(site)}))) == [
        Found("app.application_mapping['http']", declared=False)
    ]
    assert [f.where for f in find_middlewares(wrap(wrap(site)))] == ["app", "app.app"]
    assert list(find_middlewares(looped)) == []


def test_django_apps_are_walked_to_their_handler(geonotice: list[GeoNoticeMiddleware]) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples"
    sys.path.insert(0, str(examples))
    try:
        from django_news.asgi import application  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(examples))
    assert list(find_middlewares(application)) == []
    geonotice.append(GeoNoticeMiddleware(application, rules=RULES, geoip_db=DEMO_DB))
    assert list(find_middlewares(geonotice[-1])) == [Found("app", declared=False)]


@pytest.mark.parametrize("how", ["twice", "deeper"])
def test_a_slot_refuses_what_it_cannot_replace(how: str, geonotice: list[GeoNoticeMiddleware]) -> None:
    site = Starlette(routes=[Route("/a/{slug}/{id}.html", page)])
    geonotice.append(GeoNoticeMiddleware(site, rules=RULES, geoip_db=DEMO_DB))
    app: ASGIApp = geonotice[-1]
    if how == "twice":
        geonotice.append(GeoNoticeMiddleware(app, rules=RULES, geoip_db=DEMO_DB))
        app = geonotice[-1]
    else:
        app = Wrapper(app)
    with pytest.raises(ConfigError, match="already runs GeoNoticeMiddleware"):
        AppSlot(app)


def test_the_app_is_left_as_it_was(geonotice: list[GeoNoticeMiddleware]) -> None:
    declared = Middleware(GeoNoticeMiddleware, rules=RULES, geoip_db=DEMO_DB)
    app = Starlette(routes=[Route("/a/{slug}/{id}.html", page)], middleware=[declared])
    wrapped = AppSlot(app).wrap(lambda inner: GeoNoticeMiddleware(inner, rules=RULES, geoip_db=DEMO_DB))
    geonotice.append(wrapped.middleware)
    assert wrapped.app is not app
    assert app.user_middleware == [declared] and app.middleware_stack is None
