"""The scanner's work is linear in the page, however it is cut into chunks.

A construct cut by the end of a chunk is held back and *resumed* when the next chunk comes: the
tokenizer keeps its state inside the tag (which attribute, which quote) instead of reading the
tag again from its ``<``. Before, each chunk of a 400 KB attribute re-read everything held so far:
for 16-byte chunks that is 400 KB * 25,000 chunks / 2 = 5 GB of scanning for one page (seconds
of a server's event loop), for 1-byte chunks 80 GB.

Work is counted, not timed: ``PageRewriter.examined`` is the number of bytes the tokenizer looked
at, each byte counted again every time it is looked at again.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geonotice.inject.scanner import PageRewriter
from geonotice.inject.tokenizer import MAX_COMMENT
from geonotice.rules.model import Placement, PlacementKind, Position

from .test_scanner import FRAGMENT, PLACEMENTS, chunkings, documents, expected

pytestmark = pytest.mark.usefixtures("walk_implementation")

BLOB = 400_000
ARTICLE = Placement(PlacementKind.ARTICLE_START)
BODY_END = Placement(PlacementKind.BODY_END)
HERE = Placement(PlacementKind.MARKER, "here")
BLOB_BEFORE = Placement(PlacementKind.SELECTOR, "[data-blob]", Position.BEFORE)


def stream(doc: bytes, placement: Placement, chunk: int) -> tuple[bytes, PageRewriter]:
    rewriter = PageRewriter([placement], lambda p, lang: FRAGMENT)
    out = [rewriter.feed(doc[i : i + chunk]) for i in range(0, len(doc), chunk)]
    return b"".join(out) + rewriter.close(), rewriter


LONG_CONSTRUCTS = {
    # The attribute of a tag that is itself the placement point: held whole, resumed.
    "article attribute, double-quoted": (
        b'<body><article data-blob="' + b"x>" * (BLOB // 2) + b'">',
        ARTICLE,
    ),
    "article attribute, single-quoted": (b"<body><article data-blob='" + b'"' * BLOB + b"'>", ARTICLE),
    "article attribute, unquoted": (b"<body><article data-blob=" + b"y" * BLOB + b">", ARTICLE),
    "a tag the selector matches by its attribute": (
        b'<body><div data-blob="' + b"z" * BLOB + b'">',
        BLOB_BEFORE,
    ),
    # Tags that are not the point: held (the end of the body may follow) and resumed just the same.
    "attribute of another tag": (b'<body><div title="' + b"x" * BLOB + b'"></div></body>', BODY_END),
    "attribute name": (b"<body><div " + b"n" * BLOB + b"=1></div></body>", BODY_END),
    "tag name": (b"<body><x" + b"-" * BLOB + b"></body>", BODY_END),
    "end tag attributes": (b"<body></div x='" + b"x" * BLOB + b"'></body>", BODY_END),
    # Constructs that are streamed as they come, keeping a few bytes of their end.
    "comment": (b"<body><!--" + b"- " * (BLOB // 2) + b"--></body>", BODY_END),
    "comment while a marker is wanted": (b"<body><!-- geonotice" + b"-" * BLOB + b"--></body>", HERE),
    "script": (b"<body><script>" + b"</scrip " * (BLOB // 8) + b"</script></body>", BODY_END),
    "bogus comment": (b"<!DOCTYPE " + b"h" * BLOB + b"><body></body>", BODY_END),
    "CDATA section": (b"<body><![CDATA[" + b"]]" * (BLOB // 2) + b"]]></body>", BODY_END),
    "text": (b"<body>" + b"word " * (BLOB // 5) + b"</body>", BODY_END),
}


@pytest.mark.parametrize("chunk", [16, 4096])
@pytest.mark.parametrize(("doc", "placement"), LONG_CONSTRUCTS.values(), ids=list(LONG_CONSTRUCTS))
def test_a_long_construct_in_small_chunks_is_read_about_once(
    doc: bytes, placement: Placement, chunk: int
) -> None:
    whole, once = stream(doc, placement, len(doc))
    out, chunked = stream(doc, placement, chunk)
    assert out == whole
    assert once.examined <= 3 * len(doc)
    # Quadratic would be len(doc) ** 2 / (2 * chunk): for 16 bytes, some 5 * 10**9.
    assert chunked.examined <= 3 * len(doc) + 16 * (len(doc) // chunk + 1)


def test_a_100_kb_attribute_fed_byte_by_byte_is_read_about_once() -> None:
    doc = b'<body><article class=story data-blob="' + b"x" * 100_000 + b'"><p>'
    out, rewriter = stream(doc, ARTICLE, 1)
    assert out == doc.replace(b"<p>", FRAGMENT + b"<p>")
    assert rewriter.examined <= 4 * len(doc)


def test_what_is_held_is_the_cut_construct_only_and_it_is_sent_whole_when_complete() -> None:
    rewriter = PageRewriter([ARTICLE], lambda p, lang: FRAGMENT)
    assert rewriter.feed(b"<body><p>text</p><article title='") == b"<body><p>text</p>"
    for _ in range(1000):
        assert rewriter.feed(b"0123456789") == b""
    assert (
        rewriter.feed(b"'>story") == b"<article title='" + b"0123456789" * 1000 + b"'>" + FRAGMENT + b"story"
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data(), doc=documents(), placement=st.sampled_from(PLACEMENTS))
def test_work_is_linear_for_any_page_and_chunking(
    data: st.DataObject, doc: bytes, placement: Placement
) -> None:
    chunks = data.draw(chunkings(doc))
    rewriter = PageRewriter([placement], lambda p, lang: FRAGMENT)
    out = b"".join(rewriter.feed(chunk) for chunk in chunks) + rewriter.close()
    assert out == expected(doc, placement)
    # Only a few bytes of a cut construct are read again per chunk (a possible comment end, "<!-",
    # "</scr"), or a comment that may be the marker asked for, up to MAX_COMMENT bytes.
    again = MAX_COMMENT if placement.kind is PlacementKind.MARKER else 16
    assert rewriter.examined <= 3 * len(doc) + again * len(chunks)
