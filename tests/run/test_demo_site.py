"""The demo news site on its own: an ordinary site that knows nothing about notices."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from starlette.types import ASGIApp

from geonotice.demo.reader_switch import COOKIE_NAME
from geonotice.demo.site import CONTENT_SECURITY_POLICY, LANGUAGES, create_site, load_articles
from geonotice.middleware import GeoNoticeMiddleware
from support.readers import DEMO_READERS, READERS

pytestmark = pytest.mark.anyio

RULES = Path(__file__).resolve().parents[2] / "rules"


def client(site: ASGIApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=site), base_url="http://127.0.0.1")


def test_articles_exist_in_english_russian_and_ukrainian_at_least_twice_each() -> None:
    articles = load_articles()
    for lang in ("en", "ru", "uk"):
        assert len([a for a in articles if a.lang == lang]) >= 2, lang


def test_every_language_of_the_site_has_an_article_and_1042_exists_in_all_of_them() -> None:
    # The shipped policy cases read article 1042 in each language the rules name a page prefix for.
    articles = load_articles()
    assert set(LANGUAGES) == {"en", "ru", "uk", "be"}
    for lang in LANGUAGES:
        assert any(a.lang == lang and a.id == 1042 for a in articles), lang


def test_translations_have_their_own_slugs() -> None:
    translations = [a for a in load_articles() if a.id == 1042]
    assert len({a.slug for a in translations}) == len(translations)


def test_article_paths_follow_the_rules_shape() -> None:
    for article in load_articles():
        expected = rf"/a/[a-z0-9-]+/{article.id}\.html" if article.lang == "en" else rf"/{article.lang}/a/.+"
        assert re.fullmatch(expected, article.path), article.path


@pytest.mark.parametrize("article", load_articles(), ids=lambda a: a.path)
async def test_every_article_is_a_full_html_page_in_its_language(article: object) -> None:
    async with client(create_site(DEMO_READERS)) as http:
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


@pytest.mark.parametrize(
    ("path", "lang"), [("/", "en"), ("/en/", "en"), ("/ru/", "ru"), ("/uk/", "uk"), ("/be/", "be")]
)
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


async def test_an_article_links_to_its_translations_in_their_languages() -> None:
    belarusian = next(a for a in load_articles() if a.lang == "be")
    async with client(create_site()) as http:
        page = (await http.get(belarusian.path)).text
    for other in load_articles():
        if other.id == belarusian.id and other.lang != "be":
            assert f'<a href="{other.path}" hreflang="{other.lang}" lang="{other.lang}">' in page


async def test_the_api_answers_an_article_as_a_json_object_of_plain_text() -> None:
    english = next(a for a in load_articles() if a.lang == "en" and a.id == 1042)
    async with client(create_site()) as http:
        response = await http.get("/api/articles/1042")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    document = response.json()
    assert set(document) == {"id", "language", "title", "url", "paragraphs"}
    assert (document["id"], document["language"], document["title"]) == (1042, "en", english.title)
    assert document["url"] == "http://127.0.0.1" + english.path
    assert len(document["paragraphs"]) == english.body.count("<p>")
    assert all(p and "<" not in p for p in document["paragraphs"])


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_api_serves_each_translation_by_its_lang_parameter(lang: str) -> None:
    article = next(a for a in load_articles() if a.lang == lang and a.id == 1042)
    async with client(create_site()) as http:
        document = (await http.get("/api/articles/1042", params={"lang": lang})).json()
    assert (document["language"], document["title"]) == (lang, article.title)
    assert document["url"].endswith(article.path)


async def test_the_api_answers_an_untranslated_article_in_its_own_language() -> None:
    only = next(
        a for a in load_articles() if not any(b.id == a.id and b.lang == "en" for b in load_articles())
    )
    async with client(create_site()) as http:
        document = (await http.get(f"/api/articles/{only.id}")).json()
    assert document["language"] == only.lang


@pytest.mark.parametrize(
    "path", ["/api/articles/999999", "/api/articles/1042?lang=de", "/api/articles/latest"]
)
async def test_unknown_api_articles_are_json_404s(path: str) -> None:
    async with client(create_site()) as http:
        response = await http.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "not found"}


async def test_behind_geonotice_api_answers_for_belarus_carry_the_notice_field() -> None:
    middleware = GeoNoticeMiddleware(
        create_site(), rules=RULES, geo_headers="cloudfront", trusted_proxies=("127.0.0.1",)
    )
    try:
        async with client(middleware) as http:
            minsk = await http.get("/api/articles/1042", headers={"CloudFront-Viewer-Country": "BY"})
            berlin = await http.get("/api/articles/1042", headers={"CloudFront-Viewer-Country": "DE"})
    finally:
        middleware.close()
    assert minsk.headers["legal-notices"] == "by-extremist-materials"
    [notice] = minsk.json()["legal_notices"]
    assert notice["id"] == "by-extremist-materials"
    assert minsk.json()["paragraphs"] == berlin.json()["paragraphs"]
    assert "legal_notices" not in berlin.json()


async def test_the_stylesheet_styles_the_notice_aside() -> None:
    async with client(create_site()) as http:
        response = await http.get("/static/ledger.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ".geonotice-notice {" in response.text


async def test_pages_have_no_inline_script_or_style() -> None:
    async with client(create_site(DEMO_READERS)) as http:
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
    async with client(create_site(DEMO_READERS)) as http:
        response = await http.get("/_demo/as/moscow", params={"next": "/ru/"})
    assert response.status_code == 303
    assert response.headers["location"] == "/ru/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=moscow;")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/", "/\\elsewhere"])
async def test_reader_links_never_redirect_off_the_site(target: str) -> None:
    async with client(create_site(DEMO_READERS)) as http:
        response = await http.get("/_demo/as/berlin", params={"next": target})
    assert response.headers["location"] == "/"


async def test_an_unknown_reader_is_a_404() -> None:
    async with client(create_site(DEMO_READERS)) as http:
        response = await http.get("/_demo/as/atlantis")
    assert response.status_code == 404
    assert "set-cookie" not in response.headers


async def test_reset_forgets_the_reader() -> None:
    async with client(create_site(DEMO_READERS)) as http:
        response = await http.get("/_demo/reset", params={"next": "/uk/"})
    assert response.status_code == 303
    assert response.headers["location"] == "/uk/"
    assert 'geonotice_demo_reader=""' in response.headers["set-cookie"]


async def test_the_demo_strip_says_which_reader_the_visitor_is() -> None:
    async with client(create_site(DEMO_READERS)) as http:
        http.cookies.set(COOKIE_NAME, "moscow")
        chosen = (await http.get("/")).text
        http.cookies.clear()
        unchosen = (await http.get("/")).text
    moscow = READERS["moscow"]
    assert f'Reading as a reader in <span class="demo-current">Moscow</span> (RU-MOW, {moscow})' in chosen
    assert 'href="/_demo/reset?next=/"' in chosen
    assert "Reading from this machine" in unchosen
    assert "/_demo/reset" not in unchosen


async def test_pages_are_never_stored_by_caches() -> None:
    async with client(create_site(DEMO_READERS)) as http:
        response = await http.get("/")
    assert response.headers["cache-control"] == "no-store"
