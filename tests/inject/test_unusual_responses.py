"""Responses apps really send that are not the plain case: Content-Encoding over two header
lines, a compressed body cut short, XHTML pages, JSON nested deeper than Python parses, JSON that
is not an object. Each one either gets its notice right or is left alone, logged and counted."""

from __future__ import annotations

import gzip
import json
import logging
import xml.dom.minidom
import zlib

import brotli
import pytest

from geonotice.inject.metrics import PlacementCounts
from geonotice.inject.outcomes import MissReason, PlacementOutcome
from geonotice.inject.responder import NoticeResponder
from geonotice.rules.model import Placement, PlacementKind

from .helpers import Recorded, drive, html_app, make_decision, make_notice

PAGE = b"<!DOCTYPE html><html><head><title>t</title></head><body><p>story</p></body></html>"


def serve(
    chunks: list[bytes], headers: list[tuple[bytes, bytes]], *, placement: Placement | None = None
) -> tuple[Recorded, PlacementCounts]:
    metrics = PlacementCounts()
    notice = make_notice(placement=placement) if placement else make_notice()
    app = html_app(chunks, headers=headers)
    return drive(NoticeResponder(app, make_decision(notice), metrics=metrics)), metrics


## Content-Encoding over several lines


def test_content_encoding_over_two_lines_is_read_whole_and_left_untouched() -> None:
    # gzip then br, one per line: a stacked encoding, which is not rewritten. Reading the first
    # line alone put the notice into a gzip stream inside a brotli one.
    body = brotli.compress(gzip.compress(PAGE))
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-encoding", b"gzip"),
        (b"content-encoding", b"br"),
    ]
    result, metrics = serve([body], headers)
    assert result.body == body
    assert metrics.count(reason=MissReason.UNSUPPORTED_ENCODING) == 1


def test_a_single_encoding_on_one_line_among_others_is_still_rewritten() -> None:
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-encoding", b"gzip")]
    result, _ = serve([gzip.compress(PAGE)], headers)
    assert b"<aside" in gzip.decompress(result.body)


## A compressed body cut short


@pytest.mark.parametrize(
    ("name", "compress"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress)],
)
def test_a_compressed_page_cut_short_is_sent_as_the_app_sent_it(name: str, compress: object) -> None:
    whole = compress(PAGE * 50)  # type: ignore[operator]
    cut = whole[: len(whole) * 2 // 3]
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-encoding", name.encode())]
    result, metrics = serve([cut], headers)
    assert result.body == cut  # not re-encoded as a complete stream
    assert metrics.count(outcome=PlacementOutcome.NOT_PLACED, reason=MissReason.CORRUPT_ENCODING) == 1


def test_a_compressed_page_cut_short_mid_stream_stays_cut_short(caplog: pytest.LogCaptureFixture) -> None:
    whole = gzip.compress(PAGE * 500)
    cut = whole[: len(whole) - 20]
    chunks = [cut[i : i + 200] for i in range(0, len(cut), 200)]
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-encoding", b"gzip")]
    with caplog.at_level(logging.ERROR, logger="geonotice.inject"):
        result, _ = serve(chunks, headers)
    inflate = zlib.decompressobj(31)
    out = inflate.decompress(result.body)
    assert b"<aside" in out  # the notice went out with the part that came
    assert not inflate.eof  # and the stream still ends short, as the app's did
    assert "ended before its compressed stream did" in caplog.text


def test_a_complete_compressed_page_is_still_completed() -> None:
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-encoding", b"gzip")]
    chunks = [gzip.compress(PAGE)[i : i + 10] for i in range(0, len(gzip.compress(PAGE)), 10)]
    result, _ = serve(chunks, headers)
    assert gzip.decompress(result.body).count(b"<aside") == 1


## XHTML


XHTML = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en">'
    b"<head><title>t</title></head><body><p>story</p></body></html>"
)


def test_an_xhtml_page_gets_its_notice_as_well_formed_xml() -> None:
    notice_texts = {"en": "<p>Read&nbsp;this<br>now &amp; then</p>"}
    metrics = PlacementCounts()
    app = html_app([XHTML], headers=[(b"content-type", b"application/xhtml+xml")])
    notice = make_notice(texts=notice_texts)
    result = drive(NoticeResponder(app, make_decision(notice), metrics=metrics))
    assert b"<aside" in result.body
    xml.dom.minidom.parseString(result.body)  # one error and the browser shows none of the page
    assert b"<br/>" in result.body
    assert result.headers["legal-notices"] == "ru-undesirable-organization"
    assert metrics.count(outcome=PlacementOutcome.PLACED) == 1


def test_an_xhtml_page_without_body_end_gets_no_notice_after_its_root_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head></html>'
    with caplog.at_level(logging.WARNING, logger="geonotice.inject"):
        result, metrics = serve(
            [page],
            [(b"content-type", b"application/xhtml+xml")],
            placement=Placement(PlacementKind.ARTICLE_START),
        )
    assert result.body == page
    xml.dom.minidom.parseString(result.body)
    assert metrics.count(outcome=PlacementOutcome.NOT_PLACED, reason=MissReason.NO_PLACEMENT_POINT) == 1
    assert "nothing may follow its root element" in caplog.text


def test_an_xhtml_page_in_windows_1251_gets_its_notice_in_windows_1251() -> None:
    page = (
        '<?xml version="1.0" encoding="windows-1251"?><html xmlns="http://www.w3.org/1999/xhtml">'
        "<body><p>Новости</p></body></html>"
    ).encode("cp1251")
    notice = make_notice(texts={"ru": "<p>Внимание</p>"}, default_language="ru")
    app = html_app([page], headers=[(b"content-type", b"application/xhtml+xml")])
    result = drive(NoticeResponder(app, make_decision(notice), metrics=PlacementCounts()))
    assert "Внимание" in result.body.decode("cp1251")
    xml.dom.minidom.parseString(result.body)


## JSON


def json_serve(body: bytes) -> tuple[Recorded, PlacementCounts]:
    metrics = PlacementCounts()
    app = html_app([body], headers=[(b"content-type", b"application/json")])
    return drive(NoticeResponder(app, make_decision(), metrics=metrics)), metrics


def test_json_nested_5000_deep_passes_through_and_is_counted() -> None:
    body = b'{"a":' * 5000 + b"1" + b"}" * 5000
    result, metrics = json_serve(body)
    assert result.body == body
    assert metrics.count(outcome=PlacementOutcome.NOT_PLACED, reason=MissReason.UNREADABLE_JSON) == 1


@pytest.mark.parametrize("body", [b"[1, 2, 3]", b'"a string"', b"not json", b"{"])
def test_json_that_cannot_carry_the_field_is_counted(body: bytes) -> None:
    result, metrics = json_serve(body)
    assert result.body == body
    assert metrics.count(reason=MissReason.UNREADABLE_JSON) == 1


def test_json_that_has_its_notices_already_is_not_a_miss() -> None:
    body = json.dumps({"legal_notices": []}).encode()
    result, metrics = json_serve(body)
    assert result.body == body
    assert metrics.count() == 0
