"""The demo news site on its own: an ordinary site that knows nothing about notices."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.applications import Starlette

from geonotice.demo.reader_switch import COOKIE_NAME, DemoReader
from geonotice.demo.site import CONTENT_SECURITY_POLICY, LANGUAGES, create_site, load_articles

pytestmark = pytest.mark.anyio

READERS = (
    DemoReader("moscow", "Moscow", "RU-MOW", "203.0.113.10"),
    DemoReader("berlin", "Berlin", "DE-BE", "198.51.100.20"),
)


def client(site: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=site), base_url="http://127.0.0.1")


def test_articles_exist_in_english_russian_and_ukrainian_at_least_twice_each() -> None:
    articles = load_articles()
    for lang in LANGUAGES:
        assert len([a for a in articles if a.lang == lang]) >= 2, lang


def test_article_paths_follow_the_rules_shape() -> None:
    for article in load_articles():
        expected = rf"/a/[a-z0-9-]+/{article.id}\.html" if article.lang == "en" else rf"/{article.lang}/a/.+"
        assert re.fullmatch(expected, article.path), article.path


@pytest.mark.parametrize("article", load_articles(), ids=lambda a: a.path)
async def test_every_article_is_a_full_html_page_in_its_language(article: object) -> None:
    async with client(create_site(READERS)) as http:
        response = await http.get(article.path)  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert f'<html lang="{article.lang}">' in page  # type: ignore[attr-defined]
    assert page.count("<body>") == 1
    assert "<article>" in page and "</article>" in page
    assert "<h1>" in page
    assert len(re.findall(r"<p>[^<]{40,}", page)) >= 3, "an article has paragraphs of text"


async def test_english_articles_are_also_served_under_the_en_prefix() -> None:
    english = next(a for a in load_articles() if a.lang == "en")
    async with client(create_site()) as http:
        plain = await http.get(english.path)
        prefixed = await http.get("/en" + english.path)
    assert prefixed.status_code == 200
    assert prefixed.text == plain.text


@pytest.mark.parametrize(("path", "lang"), [("/", "en"), ("/en/", "en"), ("/ru/", "ru"), ("/uk/", "uk")])
async def test_home_pages_list_the_articles_of_their_language(path: str, lang: str) -> None:
    async with client(create_site()) as http:
        response = await http.get(path)
    assert response.status_code == 200
    for article in load_articles():
        assert (f'href="{article.path}"' in response.text) == (article.lang == lang)


async def test_an_old_slug_redirects_to_the_current_one() -> None:
    article = next(a for a in load_articles() if a.lang == "ru")
    async with client(create_site()) as http:
        response = await http.get(f"/ru/a/old-headline/{article.id}.html")
    assert response.status_code == 301
    assert response.headers["location"] == article.path


@pytest.mark.parametrize("path", ["/a/nothing/999999.html", "/de/", "/xx/a/x/1.html"])
async def test_unknown_pages_are_html_404s(path: str) -> None:
    async with client(create_site()) as http:
        response = await http.get(path, follow_redirects=True)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


async def test_the_stylesheet_styles_the_notice_aside() -> None:
    async with client(create_site()) as http:
        response = await http.get("/static/ledger.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ".geonotice-notice {" in response.text


async def test_pages_have_no_inline_script_or_style() -> None:
    async with client(create_site(READERS)) as http:
        pages = [(await http.get(a.path)).text for a in load_articles()] + [(await http.get("/")).text]
    for page in pages:
        assert "<script" not in page
        assert "<style" not in page
        assert " style=" not in page


def test_the_content_security_policy_forbids_inline_code() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["style-src"] == "'self'"
    assert "script-src" not in directives  # falls back to default-src 'none'


async def test_reader_links_set_the_demo_cookie_and_return_to_the_page() -> None:
    async with client(create_site(READERS)) as http:
        response = await http.get("/_demo/as/moscow", params={"next": "/ru/"})
    assert response.status_code == 303
    assert response.headers["location"] == "/ru/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=moscow;")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/", "/\\elsewhere"])
async def test_reader_links_never_redirect_off_the_site(target: str) -> None:
    async with client(create_site(READERS)) as http:
        response = await http.get("/_demo/as/berlin", params={"next": target})
    assert response.headers["location"] == "/"


async def test_an_unknown_reader_is_a_404() -> None:
    async with client(create_site(READERS)) as http:
        response = await http.get("/_demo/as/atlantis")
    assert response.status_code == 404
    assert "set-cookie" not in response.headers


async def test_reset_forgets_the_reader() -> None:
    async with client(create_site(READERS)) as http:
        response = await http.get("/_demo/reset", params={"next": "/uk/"})
    assert response.status_code == 303
    assert response.headers["location"] == "/uk/"
    assert 'geonotice_demo_reader=""' in response.headers["set-cookie"]


async def test_the_demo_strip_says_which_reader_the_visitor_is() -> None:
    async with client(create_site(READERS)) as http:
        http.cookies.set(COOKIE_NAME, "moscow")
        chosen = (await http.get("/")).text
        http.cookies.clear()
        unchosen = (await http.get("/")).text
    assert 'Reading as a reader in <span class="demo-current">Moscow</span> (RU-MOW, 203.0.113.10)' in chosen
    assert 'href="/_demo/reset?next=/"' in chosen
    assert "Reading from this machine" in unchosen
    assert "/_demo/reset" not in unchosen


async def test_pages_are_never_stored_by_caches() -> None:
    async with client(create_site(READERS)) as http:
        response = await http.get("/")
    assert response.headers["cache-control"] == "no-store"
