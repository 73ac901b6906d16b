"""Finding a page's charset the way browsers do: labels, Content-Type, byte order marks, the
<meta> prescan of the first 1024 bytes, and XML declarations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geonotice.inject.charset import (
    PRESCAN_BYTES,
    bom_charset,
    charset_for_label,
    content_type_charset,
    prescan,
    xml_declaration_charset,
)

from .prescan_reference import reference_prescan


def name_of(found: object) -> str | None:
    return None if found is None else found.name  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("windows-1251", "windows-1251"),
        ("  CP1251\t", "windows-1251"),
        ("x-cp1251", "windows-1251"),
        ("koi8-r", "KOI8-R"),
        ("utf8", "UTF-8"),
        ("UTF-8", "UTF-8"),
        # As in every browser: Latin-1 and ASCII labels are windows-1252.
        ("latin1", "windows-1252"),
        ("iso-8859-1", "windows-1252"),
        ("us-ascii", "windows-1252"),
        ("iso-8859-9", "windows-1254"),
        ("utf-16", "UTF-16LE"),
        ("sjis", "Shift_JIS"),
        ("iso-2022-kr", "replacement"),
        ("utf-7", None),
        ("no such charset", None),
        ("", None),
    ],
)
def test_labels_name_the_encoding_standards_encodings(label: str, name: str | None) -> None:
    assert name_of(charset_for_label(label)) == name


@pytest.mark.parametrize(
    ("content_type", "name"),
    [
        ("text/html; charset=windows-1251", "windows-1251"),
        ("text/html;charset=Windows-1251", "windows-1251"),
        ('text/html; charset="koi8-r"', "KOI8-R"),
        ("text/html; q=1; charset=utf-8; charset=koi8-r", "UTF-8"),
        ("text/html", None),
        ("text/html; charset=", None),
        ("text/html; charset=bogus", None),
        ("text/html; foo=charset=koi8-r", None),
        (None, None),
    ],
)
def test_the_content_type_charset_is_its_first_charset_parameter(
    content_type: str | None, name: str | None
) -> None:
    assert name_of(content_type_charset(content_type)) == name


@pytest.mark.parametrize(
    ("prefix", "name", "length"),
    [
        (b"\xef\xbb\xbf<html>", "UTF-8", 3),
        (b"\xff\xfe<\x00", "UTF-16LE", 2),
        (b"\xfe\xff\x00<", "UTF-16BE", 2),
        (b"<html>", None, 0),
        (b"\xef\xbb", None, 0),
    ],
)
def test_a_byte_order_mark_names_its_encoding(prefix: bytes, name: str | None, length: int) -> None:
    found = bom_charset(prefix)
    assert (name_of(found[0]), found[1]) == (name, length) if found else name is None


@pytest.mark.parametrize(
    ("page", "name"),
    [
        (b'<html><head><meta charset="windows-1251"><title>x</title>', "windows-1251"),
        (b"<meta charset=koi8-r>", "KOI8-R"),
        (b"<META CHARSET='Windows-1251'/>", "windows-1251"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', "windows-1251"),
        (b'<meta content="text/html; charset=windows-1251" http-equiv="content-type">', "windows-1251"),
        (b"<meta http-equiv=content-type content='text/html;charset = \"koi8-r\"'>", "KOI8-R"),
        # The first meta that names a charset wins; one that names none does not count.
        (b'<meta name="viewport"><meta charset="koi8-r"><meta charset="utf-8">', "KOI8-R"),
        (b'<meta charset="bogus"><meta charset="koi8-r">', "KOI8-R"),
        # A content charset counts only with http-equiv="content-type".
        (b'<meta content="text/html; charset=koi8-r">', None),
        (b'<meta http-equiv="refresh" content="5; charset=koi8-r">', None),
        # Repeated attributes: the first one counts.
        (b'<meta charset="koi8-r" charset="utf-8">', "KOI8-R"),
        # Inside comments, attribute values and other tags, a "<meta" is no meta.
        (b"<!-- <meta charset=koi8-r> --><p>", None),
        (b"<!--><meta charset=koi8-r>", "KOI8-R"),
        (b'<div title="<meta charset=koi8-r>"></div>', None),
        (b"<metadata charset=koi8-r>", None),
        (b"<!DOCTYPE html><?php x ?></x><meta charset=koi8-r>", "KOI8-R"),
        # A page the prescan could read as ASCII is not UTF-16, whatever it says.
        (b'<meta charset="utf-16">', "UTF-8"),
        (b'<meta charset="x-user-defined">', "windows-1252"),
        # Cut off: no answer.
        (b'<meta charset="koi8-r', None),
        (b"<!-- <meta charset=koi8-r>", None),
        (b"<html><body>no meta at all</body></html>", None),
        (b"", None),
    ],
)
def test_the_prescan_finds_the_charset_browsers_find(page: bytes, name: str | None) -> None:
    assert name_of(prescan(page)) == name


def test_the_prescan_reads_only_the_first_1024_bytes() -> None:
    meta = b'<meta charset="koi8-r">'
    assert name_of(prescan(b" " * (PRESCAN_BYTES - len(meta)) + meta)) == "KOI8-R"
    assert prescan(b" " * (PRESCAN_BYTES - len(meta) + 1) + meta) is None


@pytest.mark.parametrize(
    ("prefix", "name"),
    [
        (b'<?xml version="1.0" encoding="windows-1251"?><html/>', "windows-1251"),
        (b"<?xml version='1.0' encoding='ISO-8859-5' standalone='yes'?>", "ISO-8859-5"),
        (b'<?xml version="1.0"?><html/>', None),
        (b' <?xml version="1.0" encoding="koi8-r"?>', None),
    ],
)
def test_an_xml_declaration_names_the_charset_of_an_xhtml_page(prefix: bytes, name: str | None) -> None:
    assert name_of(xml_declaration_charset(prefix)) == name


## The fast prescan agrees with the spec's steps, byte by byte


PIECES = st.sampled_from(
    [
        b"<meta", b"<META", b" ", b"\t", b"/", b">", b"=", b'"', b"'", b"<", b"</", b"<!", b"<!--", b"-->",
        b"<?", b"charset", b"CHARSET", b"http-equiv", b"content-type", b"content", b"text/html;",
        b"charset=koi8-r", b"windows-1251", b"utf-8", b"utf-16", b"koi8-r", b"x-user-defined", b"a", b"div",
        b"<div", b"<p>", b";", b"<meta charset=", b'<meta charset="', b" charset='",
        b' http-equiv="content-type"', b"<meta http-equiv=Content-Type content=",
        b'"text/html; charset=koi8-r"', b"content='charset=utf-8'",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40), st.binary(max_size=8))
def test_the_prescan_agrees_with_the_spec_written_step_by_step(pieces: list[bytes], noise: bytes) -> None:
    page = b"".join(pieces) + noise
    assert name_of(prescan(page)) == reference_prescan(page)
