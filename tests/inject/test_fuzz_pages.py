"""Fuzzing the responder with page bytes cut into random chunks: pages made by hypothesis from
the markup that matters (placement points, comments, scripts, <meta charset>, byte order marks,
bytes that are not UTF-8) and from raw bytes, in every charset declaration and body encoding.

Properties: the responder never raises; however the page is chunked, the output is the same; the
output is the page with at most one notice inserted, every other byte as the app sent it; a
page left alone goes out byte for byte and its notice is counted with a reason.
"""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geonotice.inject.metrics import PlacementCounts
from geonotice.inject.outcomes import PlacementOutcome
from geonotice.inject.responder import NoticeResponder
from geonotice.rules.model import Placement, PlacementKind

from .helpers import RU_TEXT_RU, drive, html_app, make_decision, make_notice

pytestmark = pytest.mark.usefixtures("walk_implementation")

FUZZ = settings(max_examples=250, deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow])
PIECES = st.sampled_from(
    [
        b"<html>", b'<html lang="ru">', b"<head>", b"</head>", b"<body>", b'<body class="a">', b"</body>",
        b"</html>", b"<article>", b"</article>", b"<h1>", b"</h1>", b"<p>", b"</p>", b"<!--", b"-->",
        b"<script>", b"</script>", b"<style>", b"</style>", b"<title>", b"</title>", b"<!DOCTYPE html>",
        b'<meta charset="utf-8">', b'<meta charset="windows-1251">', b"<meta charset=koi8-r>",
        b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
        b"<!-- geonotice: slot -->", b'<div id="notice-slot">', b"</div>", b"<", b">", b'"', b"'", b"=",
        b"\xef\xbb\xbf", b"\xff\xfe", b"\xd0\x9f\xd1\x80\xd0\xb8", b"\xcf\xf0\xe8", b"\x00", b"text ", b"\n",
    ]
)  # fmt: skip
PAGES = st.one_of(st.lists(PIECES, max_size=60).map(b"".join), st.binary(max_size=300))
CONTENT_TYPES = st.sampled_from(
    [
        b"text/html; charset=utf-8",
        b"text/html; charset=windows-1251",
        b"text/html",
        b"text/html; charset=bogus",
    ]
)
PLACEMENTS = st.sampled_from(
    [
        Placement(PlacementKind.BODY_START),
        Placement(PlacementKind.ARTICLE_START),
        Placement(PlacementKind.BODY_END),
        Placement(PlacementKind.MARKER, "slot"),
        Placement(PlacementKind.ELEMENT, "notice-slot"),
    ]
)


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({cut % (len(data) + 1) for cut in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)] or [b""]


def serve(
    chunks: list[bytes], content_type: bytes, placement: Placement, encoding: bytes = b""
) -> tuple[bytes, PlacementCounts]:
    metrics = PlacementCounts()
    headers = [(b"content-type", content_type)] + ([(b"content-encoding", encoding)] if encoding else [])
    notice = make_notice(placement=placement, texts={"ru": RU_TEXT_RU, "en": "<p>Notice &amp; more</p>"})
    result = drive(NoticeResponder(html_app(chunks, headers=headers), make_decision(notice), metrics=metrics))
    return result.body, metrics


def without_notice(body: bytes, page: bytes) -> bytes:
    """``body`` without the notice, found in the page's encoding (a page that starts with a UTF-16
    byte order mark is read as UTF-16, whatever else it says, as browsers read it)."""
    codec = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}.get(page[:2], "ascii")
    aside, end_tag = "<aside".encode(codec), "</aside>".encode(codec)
    start = body.find(aside)
    if start < 0:
        return body
    end = body.index(end_tag, start) + len(end_tag)
    return body[:start] + body[end:]


@FUZZ
@given(
    page=PAGES,
    content_type=CONTENT_TYPES,
    placement=PLACEMENTS,
    cuts=st.lists(st.integers(0, 400), max_size=12),
)
@example(b"\xff\xfe<body>text!", b"text/html; charset=utf-8", Placement(PlacementKind.BODY_START), [3, 7])
@example(b"<p>\xcf\xf0\xe8</p>", b"text/html", Placement(PlacementKind.BODY_END), [1])
def test_any_page_in_any_chunks_is_the_page_plus_at_most_one_notice(
    page: bytes, content_type: bytes, placement: Placement, cuts: list[int]
) -> None:
    whole, _ = serve([page], content_type, placement)
    pieces, metrics = serve(chunked(page, cuts), content_type, placement)
    assert pieces == whole  # chunking never changes the result
    left = without_notice(pieces, page)
    assert left == page  # every other byte as the app sent it
    assert without_notice(left, page) == left  # one notice at most
    assert metrics.count() == 1  # the notice is accounted for, placed or not
    if left == pieces:
        assert metrics.count(outcome=PlacementOutcome.NOT_PLACED) == 1


@FUZZ
@given(page=PAGES, cuts=st.lists(st.integers(0, 400), max_size=8), level=st.integers(1, 9))
def test_a_gzip_page_in_any_chunks_decodes_to_the_page_plus_at_most_one_notice(
    page: bytes, cuts: list[int], level: int
) -> None:
    compressed = gzip.compress(page, level)
    body, metrics = serve(
        chunked(compressed, cuts), b"text/html; charset=utf-8", Placement(PlacementKind.BODY_START), b"gzip"
    )
    assert without_notice(gzip.decompress(body), page) == page
    assert metrics.count() == 1


@FUZZ
@given(text=st.text(max_size=200), cuts=st.lists(st.integers(0, 800), max_size=8), big_endian=st.booleans())
def test_a_utf16_page_in_any_chunks_is_the_page_plus_at_most_one_notice(
    text: str, cuts: list[int], big_endian: bool
) -> None:
    codec = "utf-16-be" if big_endian else "utf-16-le"
    bom = b"\xfe\xff" if big_endian else b"\xff\xfe"
    page = bom + f"<html><body>{text}</body></html>".encode(codec, "surrogatepass")
    body, _ = serve(chunked(page, cuts), b"text/html", Placement(PlacementKind.BODY_START))
    aside, end = "<aside".encode(codec), "</aside>".encode(codec)
    start = body.find(aside)
    assert start >= 0
    stop = body.index(end, start) + len(end)
    assert body[:start] + body[stop:] == page
    assert "Чтение".encode(codec) in body or b"N\x00o" in body or b"\x00N\x00o" in body
