"""The sans-IO scanner: placement points, adversarial markup, any chunking, O(n) holding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geonotice.inject.outcomes import PlacementOutcome
from geonotice.inject.scanner import MAX_HELD, PageRewriter
from geonotice.rules.model import Placement, PlacementKind, Position

from .reference import points

pytestmark = pytest.mark.usefixtures("walk_implementation")

BODY_START = Placement(PlacementKind.BODY_START)
BODY_END = Placement(PlacementKind.BODY_END)
ARTICLE = Placement(PlacementKind.ARTICLE_START)
SLOT = Placement(PlacementKind.ELEMENT, "slot")
HERE = Placement(PlacementKind.MARKER, "here")
FRAGMENT = b"<aside>N</aside>"


def rewrite(
    doc: bytes, placements: list[Placement], chunk_size: int | None = None
) -> tuple[bytes, PageRewriter]:
    rewriter = PageRewriter(placements, lambda placement, lang: FRAGMENT)
    if chunk_size is None:
        out = rewriter.feed(doc)
    else:
        out = b"".join(rewriter.feed(doc[i : i + chunk_size]) for i in range(0, len(doc), chunk_size))
    return out + rewriter.close(), rewriter


def at(doc: bytes, marker: bytes) -> bytes:
    """``doc`` with the fragment where ``|`` is, and the ``|`` removed."""
    assert doc.count(marker) == 1
    return doc.replace(marker, FRAGMENT)


PAGE = (
    b'<!DOCTYPE html><html lang="en"><head><title>T</title></head>'
    b'<body class="page">|S<main><article class=story>|A<div id="slot">|E<p>x</p></div>'
    b"<!-- geonotice: here -->|M</article></main>|B</body></html>"
)


@pytest.mark.parametrize(
    ("placement", "mark"),
    [(BODY_START, b"|S"), (BODY_END, b"|B"), (ARTICLE, b"|A"), (SLOT, b"|E"), (HERE, b"|M")],
)
@pytest.mark.parametrize("chunk_size", [None, 1, 2, 7])
def test_each_placement_point_gets_the_fragment_and_nothing_else_changes(
    placement: Placement, mark: bytes, chunk_size: int | None
) -> None:
    doc = PAGE
    for other in (b"|S", b"|B", b"|A", b"|E", b"|M"):
        if other != mark:
            doc = doc.replace(other, b"")
    out, rewriter = rewrite(doc.replace(mark, b""), [placement], chunk_size)
    assert out == at(doc, mark)
    assert rewriter.placed == [placement]
    assert rewriter.fallbacks == []


@pytest.mark.parametrize(
    "doc",
    [
        b"<html><!-- <body> --><body>|<p>x</p></body>",
        b"<html><script>var s = '<body>';</script><body>|</body>",
        b"<html><style>body>p{}</style><BODY>|</BODY>",
        b"<head><title><body></title><textarea><body></textarea></head><body>|</body>",
        b"<html><noscript><body></noscript><xmp><body></xmp><body>|",
        b'<div data-html="<body>"></div><body data-x="a>b" title=\'<body>\'>|',
        b"<div data-x='<!--'></div><body>|<!-- -->",
        b"<![CDATA[ <body> ]]><body>|",
        b"<?xml <body> ?><body>|",
        b"<bodyx><BoDy\n\tclass=x\n>|",
        b"</ <body>><body>|",
        b"<body/>|",
        b"<script>if (a < b && c > d) { s = '</scr' + 'ipt>' }</script><body>|",
        b"<script><!-- document.write('<body>') --></script><body>|",
    ],
)
def test_start_of_body_skips_comments_raw_text_and_attribute_values(doc: bytes) -> None:
    for chunk_size in (None, 1, 3):
        out, _ = rewrite(doc.replace(b"|", b""), [BODY_START], chunk_size)
        assert out == at(doc, b"|")


@pytest.mark.parametrize(
    "doc",
    [
        b"<body><script>document.write('</body>')</script><!-- </body> -->|</body>",
        b'<body><a title="</body>">x</a>|</BODY >',
        b"<body><textarea></body></textarea>|</body\n>",
        b"<body></bodyx>|</body/>",
        b"<body><![CDATA[</body>]]>|</body>",
    ],
)
def test_end_of_body_is_the_first_real_closing_tag(doc: bytes) -> None:
    for chunk_size in (None, 1, 4):
        out, _ = rewrite(doc.replace(b"|", b""), [BODY_END], chunk_size)
        assert out == at(doc, b"|")


def test_element_id_matches_exactly_quoted_unquoted_any_attribute_case() -> None:
    for doc in (
        b'<body><div id="Slot"></div><div id="slot-2"></div><p ID=slot>|</p>',
        b"<body><section class=a id = 'slot' >|</section>",
        b'<body><textarea id="slot"></textarea><div data-id="slot"></div><div id="slot" id="x">|',
    ):
        out, _ = rewrite(doc.replace(b"|", b""), [SLOT], 1)
        assert out == at(doc, b"|")


def test_marker_comment_is_kept_and_the_fragment_follows_it() -> None:
    doc = b"<body><!-- geonotice: other --><!--geonotice:HERE-->|<p>x</p>"
    out, _ = rewrite(doc.replace(b"|", b""), [HERE], 1)
    assert out == at(doc, b"|")


def test_missing_point_falls_back_to_the_end_of_the_body() -> None:
    doc = b"<html><body><p>no article</p>|</body></html>"
    out, rewriter = rewrite(doc.replace(b"|", b""), [ARTICLE])
    assert out == at(doc, b"|")
    assert rewriter.fallbacks == [ARTICLE]
    assert rewriter.fallback_outcome is PlacementOutcome.END_OF_BODY


def test_without_a_closing_body_the_fragment_ends_the_document() -> None:
    out, rewriter = rewrite(b"<p>fragment of a page", [BODY_START], 3)
    assert out == b"<p>fragment of a page" + FRAGMENT
    assert rewriter.fallbacks == [BODY_START]
    assert rewriter.fallback_outcome is PlacementOutcome.END_OF_DOCUMENT


def test_fragment_goes_before_a_tag_cut_off_by_the_end_of_the_document() -> None:
    out, _ = rewrite(b'<p>x</p><div class="unfinished', [BODY_END])
    assert out == b"<p>x</p>" + FRAGMENT + b'<div class="unfinished'


def test_a_page_that_ends_inside_a_comment_or_script_reports_the_notice_unplaced() -> None:
    for doc, where in ((b"<body><!-- never closed", "comment"), (b"<script>never closed", "raw text")):
        out, rewriter = rewrite(doc, [BODY_END], 2)
        assert out == doc
        assert rewriter.unplaced == [BODY_END]
        assert rewriter.stopped_in == where


def test_several_placements_insert_in_one_pass_and_share_a_spot_in_the_given_order() -> None:
    calls: list[Placement] = []

    def render(placement: Placement, lang: str | None) -> bytes:
        calls.append(placement)
        return f"[{placement.kind.value}]".encode()

    rewriter = PageRewriter([BODY_START, SLOT, BODY_END], render)
    doc = b'<body id="slot"><p>x</p></body>'
    out = b"".join(rewriter.feed(doc[i : i + 1]) for i in range(len(doc))) + rewriter.close()
    assert out == b'<body id="slot">[start-of-body][element]<p>x</p>[end-of-body]</body>'
    assert calls == [BODY_START, SLOT, BODY_END]


def test_render_sees_the_html_lang_of_the_page() -> None:
    seen: list[str | None] = []
    rewriter = PageRewriter([BODY_START], lambda p, lang: seen.append(lang) or b"")
    rewriter.feed(b"<html LANG=' ru-RU '><he")
    rewriter.feed(b"ad></head><body>")
    assert seen == ["ru-RU"]
    assert rewriter.page_language == "ru-RU"


def test_after_the_last_insertion_the_rest_passes_through_unscanned() -> None:
    rewriter = PageRewriter([BODY_START], lambda p, lang: FRAGMENT)
    assert rewriter.feed(b"<body>") == b"<body>" + FRAGMENT
    assert rewriter.done
    tail = b"<!-- unterminated <script> " * 100
    assert rewriter.feed(tail) is tail


def test_only_a_possible_partial_tag_is_held_back() -> None:
    rewriter = PageRewriter([BODY_END], lambda p, lang: FRAGMENT)
    assert rewriter.feed(b"<body><p>text</p></bo") == b"<body><p>text</p>"
    assert rewriter.feed(b"dy>") == FRAGMENT + b"</body>"
    rewriter = PageRewriter([BODY_END], lambda p, lang: FRAGMENT)
    assert rewriter.feed(b"<script>" + b"x" * 1000 + b"</scr") == b"<script>" + b"x" * 1000


def test_a_giant_unfinished_tag_is_not_held_without_bound() -> None:
    rewriter = PageRewriter([BODY_END], lambda p, lang: FRAGMENT)
    sent = rewriter.feed(b'<body><div title="')
    sent += rewriter.feed(b"x" * (MAX_HELD + 10))
    assert len(sent) > MAX_HELD
    assert rewriter.close() == FRAGMENT


# -- property tests against the reference tokenizer ----------------------------------------------

PIECES = [
    b"text ",
    b"a < b && c > d ",
    b'it\'s "quoted" ',
    b"<div>",
    b"</div>",
    b'<DIV class="a>b">',
    b"<p title='x\"y'>",
    b"<a href=x>",
    b"<br/>",
    b"<bodyx>",
    b"<articles>",
    b'<span data-x="</body>">',
    b"<div data-x='<!--'>",
    b"<body>",
    b'<BODY id=slot class="x">',
    b"</body>",
    b"</BODY >",
    b"<article>",
    b"<ARTICLE lang=en>",
    b'<section id="slot">',
    b"<div ID='slot'>",
    b'<div id="Slot">',
    b"<!-- geonotice: here -->",
    b"<!--geonotice:HERE-->",
    b'<html lang="ru">',
    b"<!-- <body> </body> <article> -->",
    b'<script>var s = "</body>"; if (a<b) {}</script>',
    b"<SCRIPT type=module>x</script >",
    b"<style>a>b{}</style>",
    b"<textarea><body></textarea>",
    b"<title></body></title>",
    b"<![CDATA[ </body> <body> ]]>",
    b"<!DOCTYPE html>",
    b'<?xml version="1.0"?>',
    b"<!---->",
    b"<!-->",
    b"<!--->",
    b"<noscript><article></noscript>",
    b"</ notbody>",
    b"</>",
    b"<xmp></body></xmp>",
    b"\xd0\x9f\xd1\x80\xd0\xb8",
    # The placements of the headline, the end of the article and the selectors.
    b"<h1>",
    b"<H1 class=t>",
    b"</h1>",
    b"</H1 >",
    b"</article>",
    b"</ARTICLE\n>",
    b"<p>",
    b"</p>",
    b'<p class="byline">',
    b"<P CLASS='x byline'>",
    b'<p class="bylines">',
    b"<div class=author-box>",
    b"<div data-section=news>",
    b'<div itemprop="articleBody">',
    b"<img class=byline src=x>",
    b"<br class=author-box>",
    b"<script class=byline>'</p>'</script>",
    b"<textarea class=author-box></div></textarea>",
    b"<span title='</h1></article>' class=x>",
    b"<!-- </h1> <p class=byline> </article> -->",
    b"<template>",
    b"</template>",
    b"<TEMPLATE><article><h1>t</h1><p class=byline></template>",
    b"<template><template></template><div id=slot></template>",
    b'<div title="<template>">',
]


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    return b"".join(draw(st.lists(st.sampled_from(PIECES), max_size=25)))


# Few kinds of tags, so that elements nest in their own kind and in each other often.
STRUCTURE = [
    b"<div>",
    b"</div>",
    b"<div class=author-box>",
    b"<article>",
    b"</article>",
    b'<p class="byline">',
    b"<p>",
    b"</p>",
    b"<h1>",
    b"</h1>",
    b"<template>",
    b"</template>",
    b"<section data-section>",
    b"</section>",
    b"<body>",
    b"</body>",
    b"x",
]


OPENERS = [
    b"<div>",
    b"<div class=author-box>",
    b"<article>",
    b"<section data-section>",
    b'<p class="byline">',
    b"<p>",
    b"<h1>",
    b"<template>",
]


def _element(opener: bytes, children: list[bytes]) -> bytes:
    name = opener[1:].split(b">")[0].split(b" ")[0]
    return opener + b"".join(children) + b"</" + name + b">"


# Well-nested trees of those elements, so that an element often holds others of its own name.
TREES = st.recursive(
    st.sampled_from([b"x", b"<br>", b"<img class=byline>"]),
    lambda children: st.builds(_element, st.sampled_from(OPENERS), st.lists(children, max_size=4)),
    max_leaves=20,
)


@st.composite
def structures(draw: st.DrawFn) -> bytes:
    """Trees, with stray tags between them (an end tag left out, one too many)."""
    return b"".join(draw(st.lists(st.one_of(TREES, st.sampled_from(STRUCTURE)), max_size=6)))


@st.composite
def chunkings(draw: st.DrawFn, doc: bytes) -> list[bytes]:
    cuts = sorted(set(draw(st.lists(st.integers(0, len(doc)), max_size=12))))
    bounds = [0, *cuts, len(doc)]
    return [doc[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def expected(doc: bytes, placement: Placement) -> bytes:
    """``doc`` with the fragment where the reference says ``placement`` lands."""
    position = None if placement.position is None else placement.position.value
    spot = points(doc).landing(placement.kind.value, placement.target, position)
    if spot is None:
        return doc
    if spot == -1:
        spot = len(doc)
    return doc[:spot] + FRAGMENT + doc[spot:]


SELECTORS = [
    "p.byline",
    "article p.byline",
    "div",
    ".author-box",
    "[data-section]",
    "#slot",
    "article div",
    "div p",
    "section .byline",
]
PLACEMENTS = [
    BODY_START,
    BODY_END,
    ARTICLE,
    SLOT,
    HERE,
    Placement(PlacementKind.END_OF_ARTICLE),
    Placement(PlacementKind.AFTER_HEADLINE),
    *(
        Placement(PlacementKind.SELECTOR, selector, position)
        for selector in SELECTORS
        for position in Position
    ),
]


def rewrite_in(chunks: list[bytes], placement: Placement) -> bytes:
    rewriter = PageRewriter([placement], lambda p, lang: FRAGMENT)
    return b"".join(rewriter.feed(chunk) for chunk in chunks) + rewriter.close()


# Every placement on every page drawn, so that a rare kind is tried as often as a common one: over
# hostile markup, and over a few tags nested in each other.
@pytest.mark.parametrize("pages", [documents(), structures()], ids=["hostile", "nested"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_chunking_inserts_exactly_one_fragment_where_the_reference_says(
    data: st.DataObject, pages: st.SearchStrategy[bytes]
) -> None:
    doc = data.draw(pages)
    chunks = data.draw(chunkings(doc))
    for placement in PLACEMENTS:
        rewriter = PageRewriter([placement], lambda p, lang: FRAGMENT)
        out = b"".join(rewriter.feed(chunk) for chunk in chunks) + rewriter.close()
        assert out == expected(doc, placement), placement.describe()


@settings(max_examples=60, deadline=None)
@given(doc=st.one_of(documents(), structures()))
def test_feeding_byte_by_byte_equals_feeding_at_once(doc: bytes) -> None:
    placements = PLACEMENTS
    whole, _ = rewrite(doc, placements)
    single, _ = rewrite(doc, placements, 1)
    assert single == whole
    assert whole.replace(FRAGMENT, b"") == doc.replace(FRAGMENT, b"")
