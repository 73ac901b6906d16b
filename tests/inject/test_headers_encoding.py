"""Header edits per variant, and the stream codecs."""

from __future__ import annotations

import gzip
import zlib

import pytest
from starlette.datastructures import MutableHeaders

from geonotice.inject.encoding import decoder_for, encoder_for, supported
from geonotice.inject.headers import (
    CachePolicy,
    apply_cache_policy,
    mark_changed,
    request_headers_for_variant,
    request_headers_without_variants,
    variant_suffix,
)


def headers(*pairs: tuple[str, str]) -> MutableHeaders:
    return MutableHeaders(raw=[(k.encode(), v.encode()) for k, v in pairs])


def test_variant_suffix_depends_on_notices_and_languages() -> None:
    suffix = variant_suffix([("a", "en")])
    assert suffix.startswith("-gn") and len(suffix) == 11
    assert suffix == variant_suffix([("a", "en")])
    assert suffix != variant_suffix([("a", "ru")])
    assert suffix != variant_suffix([("a", "en"), ("b", "en")])


@pytest.mark.parametrize(
    ("cache_control", "expected"),
    [
        ("", "private"),
        ("public, max-age=60", "private, max-age=60"),
        (
            "max-age=60, s-maxage=3600, stale-while-revalidate=30",
            "private, max-age=60, stale-while-revalidate=30",
        ),
        ("private, no-cache", "private, no-cache"),
    ],
)
def test_private_policy_keeps_other_directives(cache_control: str, expected: str) -> None:
    edited = headers(("cache-control", cache_control)) if cache_control else headers()
    apply_cache_policy(edited.raw, CachePolicy(private=True))
    assert edited["cache-control"] == expected


def test_vary_policy_adds_each_geo_header_once() -> None:
    edited = headers(("vary", "Accept-Encoding"))
    apply_cache_policy(
        edited.raw, CachePolicy(vary=("CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Region"))
    )
    assert edited["vary"] == "Accept-Encoding, CloudFront-Viewer-Country, CloudFront-Viewer-Country-Region"


def test_vary_lines_are_joined_into_one_keeping_every_value() -> None:
    edited = headers(("vary", "Accept-Encoding"), ("content-type", "text/html"), ("vary", "Cookie"))
    mark_changed(edited.raw, notice_ids=["a"], suffix="-gn00000001", content_length=1, languages_vary=True)
    assert [(k, v) for k, v in edited.raw if k == b"vary"] == [
        (b"vary", b"Accept-Encoding, Cookie, Accept-Language")
    ]
    assert edited.raw[0][0] == b"vary"  # where the first line was


def test_mark_changed_rewrites_length_etag_and_drops_stale_validators() -> None:
    edited = headers(
        ("content-length", "10"),
        ("etag", '"x"'),
        ("last-modified", "Wed, 21 Oct 2015 07:28:00 GMT"),
        ("content-md5", "abc"),
    )
    mark_changed(
        edited.raw, notice_ids=["a", "b"], suffix="-gn00000001", content_length=42, languages_vary=True
    )
    assert edited["content-length"] == "42"
    assert edited["etag"] == '"x-gn00000001"'
    assert "last-modified" not in edited and "content-md5" not in edited
    assert edited["legal-notices"] == "a, b"
    assert edited["vary"] == "Accept-Language"
    broken = headers(("etag", "no-quotes"))
    mark_changed(broken.raw, notice_ids=["a"], suffix="-gn00000001", content_length=None)
    assert "etag" not in broken


def test_request_for_a_variant_keeps_only_its_entity_tags() -> None:
    raw = [
        (b"if-none-match", b'"a-gn00000001", W/"b-gn00000001"'),
        (b"if-none-match", b'"c", "d-gn00000002", *'),
        (b"range", b"bytes=0-1"),
        (b"if-range", b'"a"'),
        (b"if-modified-since", b"Wed, 21 Oct 2015 07:28:00 GMT"),
        (b"host", b"example.org"),
    ]
    assert request_headers_for_variant(raw, "-gn00000001") == [
        (b"host", b"example.org"),
        (b"if-none-match", b'"a", W/"b"'),
    ]
    assert request_headers_for_variant([(b"if-none-match", b"garbage")], "-gn00000001") == []


def test_request_without_notices_drops_variant_tags_only_when_present() -> None:
    assert request_headers_without_variants([(b"if-none-match", b'"a"')]) is None
    assert request_headers_without_variants([(b"if-none-match", b'"a-gn00000001", "b"')]) == [
        (b"if-none-match", b'"b"')
    ]
    assert request_headers_without_variants([(b"if-none-match", b'"a-gn00000001"')]) == []


@pytest.mark.parametrize("name", ["gzip", "x-gzip", "deflate", "br", "identity", None, " GZIP "])
def test_supported_encodings_round_trip_in_small_chunks(name: str | None) -> None:
    page = b"<html><body>" + b"news " * 5000 + b"</body></html>"
    encoder = encoder_for(name)
    assert encoder is not None and supported(name)
    encoded = (
        b"".join(encoder.encode(page[i : i + 1000]) for i in range(0, len(page), 1000)) + encoder.finish()
    )
    decoder = decoder_for(name)
    assert decoder is not None
    decoded = b"".join(decoder.decode(encoded[i : i + 1]) for i in range(len(encoded))) + decoder.flush()
    assert decoded == page


def test_concatenated_gzip_members_decode_whole() -> None:
    decoder = decoder_for("gzip")
    assert decoder is not None
    assert decoder.decode(gzip.compress(b"one ") + gzip.compress(b"two")) == b"one two"


def test_raw_deflate_is_detected_and_re_encoded_raw() -> None:
    squeezer = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = squeezer.compress(b"page") + squeezer.flush()
    decoder = decoder_for("deflate")
    assert decoder is not None and decoder.decode(raw) + decoder.flush() == b"page"
    encoder = encoder_for("deflate", decoder)
    assert encoder is not None
    assert zlib.decompress(encoder.encode(b"page") + encoder.finish(), -15) == b"page"


@pytest.mark.parametrize("name", ["zstd", "compress", "gzip, br", "exi"])
def test_other_encodings_are_unsupported(name: str) -> None:
    assert not supported(name)
    assert decoder_for(name) is None and encoder_for(name) is None


def test_corrupt_data_raises_value_error() -> None:
    decoder = decoder_for("gzip")
    assert decoder is not None
    with pytest.raises(ValueError, match="corrupt gzip"):
        decoder.decode(b"\x1f\x8bnot really gzip data")
