"""The placements of issue 16 and the headline: end of the article, after the headline, and
selectors with their four positions, on ordinary and hostile markup, with any chunking."""

from __future__ import annotations

import pytest

from geonotice.inject.scanner import PageRewriter
from geonotice.rules.model import Placement, PlacementKind
from geonotice.rules.placements import selector_placement

from .test_scanner import FRAGMENT, at, rewrite

pytestmark = pytest.mark.usefixtures("walk_implementation")

END_OF_ARTICLE = Placement(PlacementKind.END_OF_ARTICLE)
HEADLINE = Placement(PlacementKind.AFTER_HEADLINE)
ARTICLE = Placement(PlacementKind.ARTICLE_START)
BODY_START = Placement(PlacementKind.BODY_START)
BODY_END = Placement(PlacementKind.BODY_END)
SLOT = Placement(PlacementKind.ELEMENT, "slot")


CHUNKINGS = [None, 1, 2, 5, 64]


def check(doc: bytes, placement: Placement) -> None:
    """``doc`` with ``|`` where the fragment must land, for every chunking."""
    for chunk_size in CHUNKINGS:
        out, rewriter = rewrite(doc.replace(b"|", b""), [placement], chunk_size)
        assert out == at(doc, b"|"), chunk_size
        assert rewriter.placed == [placement]


@pytest.mark.parametrize(
    "doc",
    [
        b"<body><article><p>x</p>|</article></body>",
        b"<body><ARTICLE class=story><h1>t</h1><p>x</p>|</Article ></body>",
        # Comments and embedded posts are articles inside the article: they do not end it.
        b"<article><p>story</p><section class=comments><article><p>c1</p></article>"
        b"<article><p>c2</p></article></section><div class=author>By A</div>|</article>"
        b"<article>next</article>",
        b"<article><!-- </article> --><script>'</article>'</script><p title='</article>'>x</p>|</article>",
        b"<article><textarea></article></textarea><template></article><article></template>|</article>",
    ],
)
def test_end_of_article_is_before_the_end_of_the_first_article_counting_nested_ones(doc: bytes) -> None:
    check(doc, END_OF_ARTICLE)


def test_end_of_article_without_its_end_tag_falls_back_to_the_end_of_the_body() -> None:
    doc = b"<body><article><p>x</p><article>nested</article>|</body>"
    out, rewriter = rewrite(doc.replace(b"|", b""), [END_OF_ARTICLE], 3)
    assert out == at(doc, b"|")
    assert rewriter.fallbacks == [END_OF_ARTICLE]


@pytest.mark.parametrize(
    "doc",
    [
        b"<body><header><a href=/>Site</a></header><article><h1>Headline</h1>|<p>x</p></article>",
        b'<body><h1 class="entry-title">Headline <em>now</em></H1 >|<p>x</p>',
        b"<body><!-- <h1>old</h1> --><script>document.write('</h1>')</script><h1>T</h1>|",
        b"<body><template><h1>card</h1></template><span title='</h1>'></span><h1>T</h1>|</body>",
        b"<body><textarea></h1></textarea><title></h1></title><style>/*</h1>*/</style><h1>T</h1>|",
        b"<body><h1>A<h1>B</h1>|C</h1>",  # the first </h1>, as the rule says
    ],
)
def test_after_headline_is_right_after_the_first_real_end_of_an_h1(doc: bytes) -> None:
    check(doc, HEADLINE)


def test_a_page_without_a_headline_gets_the_notice_at_the_end_of_the_body() -> None:
    doc = b"<body><h2>Not a headline</h2>|</body>"
    out, rewriter = rewrite(doc.replace(b"|", b""), [HEADLINE])
    assert out == at(doc, b"|")
    assert rewriter.fallbacks == [HEADLINE]


@pytest.mark.parametrize(
    ("selector", "position", "doc"),
    [
        ("p.byline", "after", b'<article><h1>T</h1><p class="byline">By A</p>|<p>x</p></article>'),
        ("p.byline", "before", b"<article><h1>T</h1>|<P CLASS='x byline'>By A</P><p>x</p></article>"),
        ("p.byline", "prepend", b"<article><p class=byline>|By A</p></article>"),
        ("p.byline", "append", b"<article><p class=byline>By <a href=/a>A</a>|</p></article>"),
        ("#story", "append", b"<div id=story><div><p>x</p></div>|</div><div id=story></div>"),
        ("div.article-body", "append", b'<div class="article-body"><div>1</div><div>2</div>|</div>'),
        ("[data-section]", "before", b"<main><div>x</div>|<section data-section=news>y</section>"),
        ("[itemprop=articleBody]", "prepend", b'<div itemprop="x"></div><div itemprop="articleBody">|'),
        (
            "article p.byline",
            "after",
            b"<p class=byline>site</p><article><p class=byline>By A</p>|</article>",
        ),
        ("article p", "before", b"<p>out</p><article><div>|<p>in</p></div></article>"),
        ("img.logo", "after", b"<header><img class=logo src=l.png>|<p>x</p>"),
        (".logo", "append", b"<header><img class=logo src=l.png>|<p>x</p>"),  # nothing goes inside
        # Text content cannot take a notice inside: the next element that matches does.
        (".x", "prepend", b"<script class=x>var a;</script><div class=x>|</div>"),
        (".x", "after", b"<script class=x>var a = '</div>';</script>|<div class=x></div>"),
        ("div", "after", b"<div><div>inner</div><div>inner</div></div>|<div>x</div>"),
        ("[data-x='a b']", "prepend", b"<div data-x=a></div><div data-x='a b'>|"),
        ("#caf\u00e9", "prepend", '<div id="café">|'.encode()),
        ("#slot", "prepend", b"<div id='sl&#111;t'>|"),  # character references decoded
        ("[title=a>b]", "after", b'<span title="a>b"></span>|'),
        ("p.byline", "after", b"<p class=byline>A</p >|"),
    ],
)
def test_a_selector_places_relative_to_the_first_element_it_matches(
    selector: str, position: str, doc: bytes
) -> None:
    check(doc, selector_placement(selector, position))


@pytest.mark.parametrize(
    "doc",
    [
        # The selector's element mentioned inside comments, scripts, styles, attributes, templates.
        b'<!-- <p class="byline"> --><script>var t = "<p class=byline>";</script>'
        b"<style>p.byline{}</style><div title='<p class=byline>'></div>"
        b"<template><p class=byline>card</p></template><p class=byline>real</p>|",
        b"<noscript><p class=byline>x</p></noscript><textarea><p class=byline></textarea>"
        b"<p class=byline>real</p>|",
        b"<xmp><p class=byline></xmp><![CDATA[<p class=byline>]]><p class=byline>real</p>|",
        b'<P Class="BYLINE">not it: classes match exactly</P><p class="a byline">real</p>|',
        b'<p data-class="byline">no</p><p class="byline" class="x">real</p>|',
    ],
)
def test_selectors_never_match_inside_comments_raw_text_attributes_or_templates(doc: bytes) -> None:
    check(doc, selector_placement("p.byline", "after"))


@pytest.mark.parametrize(
    "doc",
    [
        b"<template><article>card</article></template><body><article>|story</article>",
        b"<template><template></template><article>card</article></template><article>|story</article>",
        b"<TEMPLATE shadowrootmode=open><article>x</article></template ><article>|",
        b"<template><script>'</template>'</script><article>card</article></template><article>|",
        b"<div x-data><template x-for=i><article>item</article></template></div><article>|",
    ],
)
def test_template_content_is_not_markup_for_placement_nested_templates_counted(doc: bytes) -> None:
    check(doc, ARTICLE)


def test_element_ids_and_the_body_inside_templates_are_not_placement_points() -> None:
    check(b"<template><div id=slot></div></template><div id=slot>|</div>", SLOT)
    check(b"<html><template><body></body></template><body>|<p>x</p></body>", BODY_START)
    check(b"<body><template></body></template><p>x</p>|</body>", BODY_END)


def test_a_page_that_ends_inside_a_template_reports_the_notice_unplaced() -> None:
    doc = b"<body><template><p>a template never closed</body>"
    out, rewriter = rewrite(doc, [ARTICLE], 4)
    assert out == doc
    assert rewriter.unplaced == [ARTICLE]
    assert rewriter.stopped_in == "template"


def test_an_element_whose_end_is_far_away_holds_nothing_back() -> None:
    rewriter = PageRewriter([selector_placement("article", "append")], lambda p, lang: FRAGMENT)
    sent = rewriter.feed(b"<article class=story><p>")
    assert sent == b"<article class=story><p>"
    for _ in range(100):
        paragraph = b"A paragraph of the story.</p><p>"
        assert rewriter.feed(paragraph) == paragraph
    assert rewriter.feed(b"end</p></article>") == b"end</p>" + FRAGMENT + b"</article>"


def test_before_holds_only_the_start_tag_it_is_reading() -> None:
    rewriter = PageRewriter([selector_placement("p.byline", "before")], lambda p, lang: FRAGMENT)
    assert rewriter.feed(b"<article><p>x</p><p class=by") == b"<article><p>x</p>"
    assert rewriter.feed(b"line>By A</p>") == FRAGMENT + b"<p class=byline>By A</p>"


def test_placements_that_share_an_event_land_in_document_order_then_given_order() -> None:
    calls: list[str] = []

    def render(placement: Placement, lang: str | None) -> bytes:
        label = placement.describe()
        calls.append(label)
        return f"[{label}]".encode()

    wanted = [
        selector_placement("article", "after"),
        END_OF_ARTICLE,
        selector_placement("article", "append"),
        HEADLINE,
        selector_placement("h1", "append"),
        selector_placement("h1", "before"),
    ]
    rewriter = PageRewriter(wanted, render)
    out = rewriter.feed(b"<article><h1>T</h1><p>x</p></article>") + rewriter.close()
    assert out == (
        b'<article>[before "h1"]<h1>T[append "h1"]</h1>[after-headline]<p>x</p>'
        b'[end-of-article][append "article"]</article>[after "article"]'
    )


def test_after_a_selector_whose_element_ends_after_the_body_falls_back_to_the_body_end() -> None:
    doc = b"<body><div class=x><p>x</p>|</body></div>"
    out, rewriter = rewrite(doc.replace(b"|", b""), [selector_placement(".x", "after")], 2)
    assert out == at(doc, b"|")
    assert rewriter.fallbacks == [selector_placement(".x", "after")]


def test_landings_say_what_decided_each_placement_in_page_offsets() -> None:
    page = b'<html><body><article><h1 class="t">T</h1><p class=byline>By A</p></article></body></html>'
    placements = [HEADLINE, selector_placement("p.byline", "after"), selector_placement(".missing", "before")]
    rewriter = PageRewriter(placements, lambda p, lang: FRAGMENT)
    for i in range(0, len(page), 3):
        rewriter.feed(page[i : i + 3])
    rewriter.close()
    found = {landing.placement: landing for landing in rewriter.landings}
    assert found[HEADLINE].offset == page.index(b"</h1>") + 5
    assert found[HEADLINE].matched == b"</h1>"
    byline = found[selector_placement("p.byline", "after")]
    assert (byline.offset, byline.matched_at, byline.matched) == (
        page.index(b"</p>") + 4,
        page.index(b"<p class=byline>"),
        b"<p class=byline>",
    )
    missing = found[selector_placement(".missing", "before")]
    assert missing.fallback and missing.offset == page.index(b"</body>") and missing.matched == b"</body>"


def test_an_invalid_selector_built_in_code_is_refused() -> None:
    with pytest.raises(ValueError, match="not supported"):
        PageRewriter([selector_placement("article > p", "after")], lambda p, lang: b"")
