"""The tokenizer walk's contract, event by event: what it reports for an interest, what it never
reports, and how a construct cut by a buffer's end is held and resumed. Every test runs with
the Python walk and with its compiled twin (``walk_implementation``), calling the one in use."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geonotice.inject import walker
from geonotice.inject.tokenizer import Event, EventKind, Interest, Mode

from .test_scanner import PIECES

pytestmark = pytest.mark.usefixtures("walk_implementation")

Found = list[tuple[str, bytes, int, int]]


def events(doc: bytes, interest: Interest, chunk: int | None = None) -> Found:
    """Every event of ``doc``, with offsets in the document, fed whole or in chunks, holding what
    the walk says to hold as the page rewriter does."""
    walk, state = walker.current.walk, walker.current.new_state()
    found: Found = []
    held = b""
    base = 0  # the offset in the document of the buffer's first byte
    size = chunk or len(doc) or 1
    for at in range(0, len(doc), size):
        buf = held + doc[at : at + size]
        pos = state.resume
        while True:
            event = walk(buf, pos, state, interest)
            if event.kind is EventKind.MORE:
                break
            found.append((event.kind.name, event.name, base + event.start, base + event.end))
            pos = event.end
        held = buf[event.start :]
        state.shift(event.start)
        base += event.start
    return found


NAMES = Interest(frozenset({b"article"}), frozenset(), frozenset({b"article", b"h1"}))


def test_start_and_end_tags_are_reported_by_name_in_any_case_with_their_spans() -> None:
    doc = b"<body><ARTICLE class=x><h1>T</H1 ><p>x</p></article>"
    assert events(doc, NAMES) == [
        ("START_TAG", b"article", 6, 23),
        ("END_TAG", b"h1", 28, 34),
        ("END_TAG", b"article", 42, 52),
    ]


@pytest.mark.parametrize(
    "doc",
    [
        b"<!-- <article></h1> -->",
        b"<script>'<article></h1>'</script>",
        b"<textarea><article></textarea><title></h1></title><noscript><article></noscript>",
        b"<div title='<article>' data-x=\"</h1>\"></div>",
        b"<template><article></h1></template>",
        b"<template><template></template><article></template>",
        b"<template><script>'</template>'</script><article></template>",
        b"<![CDATA[<article>]]><?pi <article>?><!DOCTYPE article>",
    ],
)
def test_nothing_inside_comments_raw_text_attributes_or_templates_is_reported(doc: bytes) -> None:
    assert events(doc + b"<article>", NAMES) == [("START_TAG", b"article", len(doc), len(doc) + 9)]


def test_template_tags_are_never_reported_and_nesting_is_counted() -> None:
    interest = Interest(frozenset({b"template", b"p"}), frozenset(), frozenset({b"template"}))
    doc = b"<template><template><p></template><p></template><p>"
    assert events(doc, interest) == [("START_TAG", b"p", 48, 51)]


@pytest.mark.parametrize(
    ("tag", "reported"),
    [
        (b'<p class="lead byline">', True),
        (b"<p class=byline>", True),
        (b"<p CLASS='byline'>", True),
        (b'<p class="by&#108;ine">', True),  # a character reference may decode to it
        (b'<p class="lead">', False),
        (b'<p data-class="byline">', False),
        (b'<div class="byline">', False),  # the test is for <p> only
    ],
)
def test_attribute_tests_report_the_tags_that_may_pass_them(tag: bytes, reported: bool) -> None:
    interest = Interest(start_attributes=frozenset({(b"p", b"class", b"byline")}))
    found = events(b"<body>" + tag + b"x</p>", interest)
    assert bool(found) is reported
    assert all(name == b"p" for _, name, _, _ in found)


def test_an_attribute_test_of_any_tag_and_a_presence_test() -> None:
    interest = Interest(start_attributes=frozenset({(b"", b"data-section", None), (b"", b"id", b"slot")}))
    doc = b"<div data-sections=1><section data-section><span id=slot-2><b id=pub><b ID=SLOT>"
    # "slot-2" holds "slot": reported, and the caller tells; "SLOT" too (compared in any case).
    assert [name for _, name, _, _ in events(doc, interest)] == [b"section", b"span", b"b"]


def test_comments_are_reported_when_their_text_begins_with_the_keyword() -> None:
    interest = Interest(comment_keyword=b"geonotice")
    doc = b"<!-- ad slot --><!--  GEONOTICE: here --><!-- geonotic -->"
    assert events(doc, interest) == [("COMMENT", b"", 16, 41)]


def test_a_cut_tag_is_held_from_its_start_and_resumed_where_the_buffer_ended() -> None:
    walk, state = walker.current.walk, walker.current.new_state()
    first = b'<body><article data-x="a>b'
    event = walk(first, 0, state, NAMES)
    assert event == Event(EventKind.MORE, 6, len(first))
    assert (state.mode, state.start, state.resume) == (Mode.TAG, 6, len(first))
    state.shift(event.start)
    held = first[event.start :]
    event = walk(held + b'">', state.resume, state, NAMES)
    assert event == Event(EventKind.START_TAG, 0, len(held) + 2, b"article", 8, len(held) + 1)


@pytest.mark.parametrize(
    ("tail", "held"), [(b"<", b"<"), (b"</", b"</"), (b"<!-", b"<!-"), (b"<![CDA", b"<![CDA")]
)
def test_a_construct_too_short_to_tell_is_held_whole(tail: bytes, held: bytes) -> None:
    buf = b"<p>text" + tail
    event = walker.current.walk(buf, 0, walker.current.new_state(), NAMES)
    assert buf[event.start :] == held


def test_a_raw_text_element_holds_only_what_may_start_its_end_tag() -> None:
    walk, state = walker.current.walk, walker.current.new_state()
    buf = b"<script>var a = 1;</scr"
    event = walk(buf, 0, state, NAMES)
    assert (state.mode, buf[event.start :]) == (Mode.RAW_TEXT, b"</scr")


@settings(max_examples=200, deadline=None)
@given(doc=st.lists(st.sampled_from(PIECES), max_size=20).map(b"".join), chunk=st.integers(1, 40))
def test_chunking_changes_no_event(doc: bytes, chunk: int) -> None:
    interest = Interest(
        frozenset({b"article", b"body"}),
        frozenset({(b"", b"id", b"slot"), (b"p", b"class", b"byline")}),
        frozenset({b"body", b"h1", b"article"}),
        b"geonotice",
    )
    assert events(doc, interest, chunk) == events(doc, interest)
