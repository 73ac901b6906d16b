"""The compiled walk against its Python twin: same events, same holds, same state, for any bytes
cut anywhere (differential fuzzing of the C entry point), and the care C needs: positions the
caller gets wrong are refused, not read past, and no call leaks a reference.

Every other scanner test runs against both walks too (``walk_implementation``); these compare
them call by call, which also pins what the scanner never looks at (where a walk holds, its mode).
AddressSanitizer runs these tests over a sanitized build in ``scripts/check-speedups``.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from random import Random

import corpus
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geonotice.inject import walker
from geonotice.inject.tokenizer import EventKind, Interest, Mode

from .conftest import compiled_walker

Trace = list[tuple[object, ...]]

PIECES = [
    b"<html>", b'<html lang="ru">', b"<head>", b"</head>", b"<body>", b'<Body class="a">', b"</body>",
    b"<article>", b"</ARTICLE >", b"<h1>", b"</h1>", b"<p>", b"</p>", b"<!--", b"-->", b"--!>", b"<!-->",
    b"<!--->", b"<!---->", b"<script>", b"</script>", b"</script ", b"<SCRIPT type=x>", b"<style>",
    b"</style>", b"<title>", b"</title>", b"<textarea>", b"</textarea>", b"<xmp>", b"</xmp>",
    b"<noscript>", b"</noscript>", b"<!DOCTYPE html>", b"<template>", b"</template>", b"<![CDATA[",
    b"<![cdata[", b"]]>", b"<?x", b"<plaintext>", b"<!-- geonotice: slot -->", b"<!--geonotice", b"GEONOTICE",
    b'<div id="slot">', b"<div id=slot>", b"<p class='byline'>", b"<P CLASS=BYLINE x>",
    b'<p class="a&amp;">', b"<a =x>", b"<a b/=c>", b"<a b==c>", b"<a b= =c>", b'<a "b"=c>', b'<a b="x"=y>',
    b"<a/=b>", b"<a b / = c>", b"<a = =x>", b"<a b=c=d\"e>",
    b"<section data-section>", b'<a b="x>"c=d>', b"<x y='", b"</>", b"</ x>", b"<", b">", b'"', b"'", b"=",
    b" ", b"\t", b"/", b"</", b"<!", b"<!-", b"-", b"!", b"&", b"a", b"id", b"slot", b"class", b"byline",
    b"\x00", b"\xd0\x9f", b"text ", b"\n",
]  # fmt: skip
NAMES = [b"article", b"body", b"html", b"h1", b"p", b"div", b"script", b"template", b"section", b"textarea",
         b"a", b"x", b"plaintext", b"title"]  # fmt: skip
TEST_TAGS = [b"", b"p", b"div", b"script", b"body", b"section"]
TEST_NAMES = [b"id", b"class", b"data-section", b"b", b"y"]
TEST_VALUES = [None, b"slot", b"byline", b"x", b"", b"x>", b'"c', b"a&"]

documents = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join),
    st.binary(max_size=200),
    st.text(alphabet="<>!-/=\"' abcdeilmnoprstxy[]?&\n\x00", max_size=120).map(str.encode),
)


def _interests(count: int) -> list[Interest]:
    """A fixed, varied set of interests: the Python walk compiles patterns per interest, and a
    set it keeps compiled lets the fuzzing spend its time on documents."""
    rng = Random(10)
    found = [
        Interest(),
        Interest(frozenset({b"html", b"body"}), end_names=frozenset({b"body"})),
        Interest(comment_keyword=b"geonotice", end_names=frozenset({b"body"})),
        Interest(start_attributes=frozenset({(b"", b"id", b"slot")}), end_names=frozenset({b"body"})),
    ]
    while len(found) < count:
        tests = {
            (rng.choice(TEST_TAGS), rng.choice(TEST_NAMES), rng.choice(TEST_VALUES))
            for _ in range(rng.randint(0, 3))
        }
        found.append(
            Interest(
                frozenset(rng.sample(NAMES, rng.randint(0, 4))),
                frozenset(tests),
                frozenset(rng.sample(NAMES, rng.randint(0, 4))),
                rng.choice([b"", b"geonotice"]),
            )
        )
    return found


interests = st.sampled_from(_interests(48))


@st.composite
def cut_points(draw: st.DrawFn, doc: bytes) -> list[int]:
    """Where the document is cut into buffers: nowhere, anywhere, or after every byte."""
    if draw(st.integers(0, 9)) == 0:
        return list(range(1, len(doc)))
    return sorted(draw(st.lists(st.integers(0, len(doc)), max_size=8)))


def trace(implementation: walker.Walker, doc: bytes, interest: Interest, cuts: list[int]) -> Trace:
    """Every call's event and the state it leaves (the fields that mean something in its mode),
    feeding ``doc`` cut at ``cuts`` and holding what each MORE says to hold, as the scanner does."""
    walk, state = implementation.walk, implementation.new_state()
    found: Trace = []
    held = b""
    previous = 0
    for cut in [*cuts, len(doc)]:
        buf = held + doc[previous:cut]
        previous = cut
        pos = state.resume
        while True:
            event = walk(buf, pos, state, interest)
            mode = int(state.mode)
            raw = state.raw if mode == Mode.RAW_TEXT else None
            tag = (int(state.tag), bool(state.end_tag), state.start)
            found.append((*event, mode, raw, tag if mode == Mode.TAG else None, state.resume))
            found.append((state.template_depth,))
            if event.kind is EventKind.MORE:
                break
            pos = event.end
        held = buf[event.start :]
        state.shift(event.start)
    return found


@pytest.fixture(scope="module")
def compiled() -> walker.Walker:
    return compiled_walker()


@settings(
    max_examples=3000,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), doc=documents, interest=interests)
@example(
    data=None,
    doc=b"<p class='a'b=slot x>",
    interest=Interest(start_attributes=frozenset({(b"", b"b", b"slot")})),
)
@example(data=None, doc=b"<!-- geonotice", interest=Interest(comment_keyword=b"geonotice"))
@example(
    data=None, doc=b"<template><script></template></script><body>", interest=Interest(frozenset({b"body"}))
)
def test_the_compiled_walk_reports_holds_and_leaves_what_the_python_walk_does(
    compiled: walker.Walker, data: st.DataObject | None, doc: bytes, interest: Interest
) -> None:
    cuts = [] if data is None else data.draw(cut_points(doc))
    assert trace(compiled, doc, interest, cuts) == trace(walker.PYTHON, doc, interest, cuts)
    if data is None:  # the explicit examples: in 1-byte buffers too
        every = list(range(1, len(doc)))
        assert trace(compiled, doc, interest, every) == trace(walker.PYTHON, doc, interest, every)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(corpus.NAMES), interest=interests)
def test_on_corpus_pages_the_walks_agree_in_any_chunking(
    compiled: walker.Walker, data: st.DataObject, name: str, interest: Interest
) -> None:
    page = corpus.page(name).data
    cuts = sorted(data.draw(st.lists(st.integers(0, len(page)), max_size=30)))
    assert trace(compiled, page, interest, cuts) == trace(walker.PYTHON, page, interest, cuts)


@pytest.mark.parametrize("pos", [-1, 5, 1 << 40])
def test_a_position_outside_the_buffer_is_refused(compiled: walker.Walker, pos: int) -> None:
    with pytest.raises(ValueError, match="outside the buffer"):
        compiled.walk(b"<p>x", pos, compiled.new_state(), Interest())


def test_a_cut_tag_whose_start_is_no_longer_held_is_refused(compiled: walker.Walker) -> None:
    state = compiled.new_state()
    event = compiled.walk(b'<p><article title="a', 0, state, Interest())
    assert event.kind is EventKind.MORE and state.mode == Mode.TAG
    state.shift(event.start + 10)  # the caller dropped more than it was told to
    with pytest.raises(ValueError, match="not held"):
        compiled.walk(b"x", 0, state, Interest())


def test_wrong_types_are_refused(compiled: walker.Walker) -> None:
    with pytest.raises(TypeError):
        compiled.walk("<p>", 0, compiled.new_state(), Interest())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        compiled.walk(b"<p>", 0, walker.PYTHON.new_state(), Interest())
    with pytest.raises(TypeError):
        compiled.walk(b"<p>", 0, compiled.new_state(), Interest(frozenset({"p"})))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        compiled.walk(b"<p>", 0, compiled.new_state())  # type: ignore[call-arg]


def test_walking_leaks_no_reference(compiled: walker.Walker) -> None:
    # Every object a walk makes (events, names, states, compiled interests) must be freed: the
    # number of allocated blocks comes back to where it was (markupsafe's test_leak, by blocks).
    page = corpus.page("wordpress").data
    interests = [
        Interest(
            frozenset({b"article", b"html"}), frozenset({(b"", b"id", b"article-body")}), frozenset({b"body"})
        ),
        Interest(comment_keyword=b"geonotice", end_names=frozenset({b"h1"})),
    ]

    def rounds() -> None:
        for interest in interests:
            for cut in (len(page), 4096, 777):
                trace(compiled, page, interest, list(range(cut, len(page), cut)))

    rounds()  # the compiled interests are cached: fill the cache first
    before = sys.getallocatedblocks()
    for _ in range(5):
        rounds()
    assert sys.getallocatedblocks() - before < 50
