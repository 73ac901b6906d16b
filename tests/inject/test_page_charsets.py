"""Notices in the page's own charset: windows-1251 and KOI8-R Russian pages, UTF-16 pages, pages
that declare nothing, and the bounded hold of a page's start while its charset is found.

Each page is checked the way a browser would read it: the output decoded in the page's charset
must be the page with the notice's text in it, every other byte as the app sent it.
"""

from __future__ import annotations

import asyncio
import html
import logging

import pytest
from starlette.types import Message, Receive, Scope, Send

from geonotice.inject.charset import PRESCAN_BYTES
from geonotice.inject.metrics import PlacementCounts
from geonotice.inject.outcomes import MissReason, PlacementOutcome
from geonotice.inject.responder import NoticeResponder

from .helpers import RU_TEXT_RU, drive, html_app, make_decision, make_notice

RU_PARAGRAPH = "Чтение и распространение материалов этого издания может повлечь наказание."
ARTICLE = "<p>Москва. Корреспондент сообщает: всё спокойно.</p>"


def page(meta: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="ru"><head>{meta}<title>Новости</title></head>'
        f"<body>{ARTICLE}</body></html>"
    )


def russian(
    body: bytes | list[bytes], content_type: bytes, *, texts: dict[str, str] | None = None
) -> tuple[bytes, PlacementCounts]:
    """Serve ``body`` (chunks if a list) to a reader who gets the Russian notice."""
    metrics = PlacementCounts()
    chunks = body if isinstance(body, list) else [body]
    notice = make_notice(texts=texts or {"ru": RU_TEXT_RU}, default_language="ru")
    app = html_app(chunks, headers=[(b"content-type", content_type)])
    result = drive(NoticeResponder(app, make_decision(notice), metrics=metrics))
    return result.body, metrics


def without_notice(text: str) -> str:
    start, end = text.index("<aside"), text.index("</aside>") + len("</aside>")
    return text[:start] + text[end:]


## Declared charsets: the notice in the page's charset


@pytest.mark.parametrize(
    ("content_type", "meta"),
    [
        (b"text/html; charset=windows-1251", ""),
        (b"text/html", '<meta charset="windows-1251">'),
        (b"text/html", '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'),
        (b"text/html; charset=cp1251", '<meta charset="utf-8">'),  # the header wins over the meta
    ],
    ids=["content-type", "meta-charset", "meta-http-equiv", "header-over-meta"],
)
def test_a_windows_1251_page_gets_its_notice_in_windows_1251(content_type: bytes, meta: str) -> None:
    original = page(meta).encode("cp1251")
    out, metrics = russian(original, content_type)
    text = out.decode("cp1251")  # what a browser shows; strict: not one byte of UTF-8 in it
    assert RU_PARAGRAPH in text
    assert without_notice(text).encode("cp1251") == original
    assert metrics.count(outcome=PlacementOutcome.PLACED) == 1


def test_a_windows_1251_page_streamed_byte_by_byte_gets_the_same_notice() -> None:
    original = page('<meta charset="windows-1251">').encode("cp1251")
    whole, _ = russian(original, b"text/html")
    streamed, _ = russian([original[i : i + 1] for i in range(len(original))], b"text/html")
    assert streamed == whole
    assert RU_PARAGRAPH in streamed.decode("cp1251")


def test_characters_the_charset_cannot_hold_become_numeric_references() -> None:
    texts = {"ru": "<p>Внимание ✓ 注意 — €</p>"}
    original = page().encode("koi8-r")
    out, _ = russian(original, b"text/html; charset=koi8-r", texts=texts)
    text = out.decode("koi8-r")
    assert "Внимание &#10003; &#27880;&#24847; &#8212; &#8364;" in text  # all outside KOI8-R
    assert without_notice(text).encode("koi8-r") == original


@pytest.mark.parametrize("label", ["iso-2022-jp", "iso-2022-kr"])
def test_a_page_in_a_charset_notices_cannot_be_written_in_is_left_untouched_and_counted(
    label: str, caplog: pytest.LogCaptureFixture
) -> None:
    original = b"<html><body><p>\x1b$B$3$s$K$A$O\x1b(B</p></body></html>"
    out, metrics = russian(original, b"text/html; charset=" + label.encode())
    assert out == original
    assert metrics.count(reason=MissReason.UNSUPPORTED_CHARSET) == 1
    assert "cannot be written in the page's charset" in caplog.text


## UTF-16 pages: transcoded for the scan, the notice where it belongs


@pytest.mark.parametrize(
    ("codec", "content_type", "bom"),
    [
        ("utf-16-le", b"text/html", b"\xff\xfe"),
        ("utf-16-be", b"text/html", b"\xfe\xff"),
        ("utf-16-le", b"text/html; charset=utf-16", b""),
        ("utf-16-be", b"text/html; charset=utf-16be", b""),
        ("utf-16-be", b"text/html; charset=windows-1251", b"\xfe\xff"),  # the mark wins
    ],
)
def test_a_utf16_page_gets_its_notice_after_body_not_garbage_after_html(
    codec: str, content_type: bytes, bom: bytes
) -> None:
    original = bom + page().encode(codec)
    out, metrics = russian([original[i : i + 7] for i in range(0, len(original), 7)], content_type)
    text = out[len(bom) :].decode(codec)
    assert text.index("<body>") < text.index(RU_PARAGRAPH) < text.index(ARTICLE)
    assert text.endswith("</html>")
    assert bom + without_notice(text).encode(codec) == original
    assert metrics.count(outcome=PlacementOutcome.PLACED) == 1


def test_a_utf16_page_with_a_lone_surrogate_and_an_odd_last_byte_keeps_them() -> None:
    original = b"\xff\xfe" + page().encode("utf-16-le") + "\ud800".encode("utf-16-le", "surrogatepass") + b"!"
    out, _ = russian(original, b"text/html")
    start = out.index("<aside".encode("utf-16-le"))
    end = out.index("</aside>".encode("utf-16-le")) + len("</aside>".encode("utf-16-le"))
    assert out[:start] + out[end:] == original


## Pages that declare nothing


def test_an_undeclared_utf8_page_gets_its_notice_in_ascii_right_in_any_charset_a_browser_guesses() -> None:
    original = page().encode("utf-8")
    out, metrics = russian(original, b"text/html")
    fragment = out[out.index(b"<aside") : out.index(b"</aside>")]
    assert fragment.isascii()
    assert RU_PARAGRAPH in html.unescape(fragment.decode("ascii"))
    assert without_notice(out.decode("utf-8")).encode("utf-8") == original
    assert metrics.count(outcome=PlacementOutcome.PLACED) == 1


def test_an_undeclared_page_that_is_not_utf8_is_left_untouched_logged_and_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    original = page().encode("cp1251")  # no charset anywhere: the browser will guess
    with caplog.at_level(logging.WARNING, logger="geonotice.inject"):
        out, metrics = russian([original[:10], original[10:]], b"text/html")
    assert out == original
    assert metrics.count(outcome=PlacementOutcome.NOT_PLACED, reason=MissReason.UNKNOWN_CHARSET) == 1
    assert "declares no charset" in caplog.text


## The hold: bounded, and only as long as it must be


def first_output_after(chunks: list[bytes], content_type: bytes) -> int:
    """How many of the app's bytes had been sent when the first body byte left the responder."""

    async def scenario() -> int:
        produced = 0
        seen: list[int] = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            nonlocal produced
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type)]}
            )
            for index, chunk in enumerate(chunks):
                produced += len(chunk)
                await send(
                    {"type": "http.response.body", "body": chunk, "more_body": index < len(chunks) - 1}
                )

        async def send(message: Message) -> None:
            if message["type"] == "http.response.body" and message.get("body") and not seen:
                seen.append(produced)

        async def receive() -> Message:
            return {"type": "http.request"}

        scope = {"type": "http", "method": "GET", "path": "/a/x", "headers": []}
        await NoticeResponder(app, make_decision(), metrics=PlacementCounts())(scope, receive, send)
        return seen[0]

    return asyncio.run(scenario())


def test_a_page_declaring_its_charset_in_content_type_is_not_held() -> None:
    chunks = [b"<html><body>", b"<p>" + b"x" * 5000 + b"</p></body></html>"]
    assert first_output_after(chunks, b"text/html; charset=utf-8") == len(chunks[0])


def test_an_undeclared_page_is_held_until_its_meta_and_no_longer() -> None:
    head = b'<html><head><meta charset="utf-8">'
    chunks = [head, b"<title>t</title></head><body>", b"<p>" + b"x" * 5000 + b"</p></body></html>"]
    assert first_output_after(chunks, b"text/html") == len(head)


def test_an_undeclared_page_without_meta_is_held_for_1024_bytes_at_most() -> None:
    body = b"<html><body>" + b"<p>story</p>" * 400 + b"</body></html>"
    chunks = [body[i : i + 100] for i in range(0, len(body), 100)]
    held = first_output_after(chunks, b"text/html")
    assert PRESCAN_BYTES <= held < PRESCAN_BYTES + 100


def test_every_byte_of_a_page_held_then_left_untouched_goes_out_in_order() -> None:
    original = (page() * 20).encode("cp1251")
    chunks = [original[i : i + 50] for i in range(0, len(original), 50)]
    out, metrics = russian(chunks, b"text/html")
    assert out == original
    assert metrics.count(reason=MissReason.UNKNOWN_CHARSET) == 1
