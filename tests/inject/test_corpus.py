"""The page corpus of the benchmarks (``benchmarks/corpus``), and the scanner run over it.

The corpus is what scanner changes are measured and judged on, so its pages must stay the same
bytes from run to run, have the structure the placements need, and put each landmark where an
independent tokenizer (``reference.py``) finds it. Over those pages the scanner must insert
exactly one fragment at the reference position for every placement, however the page is cut
into chunks. Cutting a 1 MB page into 1-byte chunks everywhere would take minutes, so the chunk
boundaries are sampled: every byte around each landmark and around a sample of the constructs
the scanner has to cross (tags, comments, script ends), with large random chunks in between.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from random import Random

import corpus
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geonotice.inject.scanner import PageRewriter
from geonotice.rules.model import Placement, PlacementKind

from .reference import Points, points

pytestmark = pytest.mark.usefixtures("walk_implementation")

FRAGMENT = b"<aside>N</aside>"

# The bytes of every page. A template change shows here first: it changes what the benchmarks
# measure, so update these digests and re-record the figures in docs/performance.md with it.
SHA256 = {
    "amp": "65ac22ed09386f5347776242cb28dfbee5fe86fcd5c59cd7ab8653eb029d9758",
    "wordpress": "14096cb7b9fa47ed81d16f916ab9ea04785d7e2183ef1cf5ebd174f35d99a57d",
    "russian": "34fb5389a2bb7c1c456715933f187937f43207520d731eeaa43c4ae136b7e3f6",
    "late-article": "5c1e6e2095bb82c3c3411d5eb8977c010ee498d7aaa8d8e045a95690ea37a820",
    "arc": "7b105ea55f3e4a15ac7ad81ca16e8d99a742dbe5410fe92c0d91fb4070f69683",
    "nextjs": "e788b2e018ac5ce074d1594f8f092e86b3140641708ef448466ab6ad3ff7cd40",
}


@functools.cache
def reference(name: str) -> Points:
    return points(corpus.page(name).data)


def placements(page: corpus.Page) -> list[Placement]:
    """Every placement the page has a point for: the four kinds every page has, and its markers."""
    return [
        Placement(PlacementKind.BODY_START),
        Placement(PlacementKind.BODY_END),
        Placement(PlacementKind.ARTICLE_START),
        *(Placement(PlacementKind.ELEMENT, element) for element in page.landmarks.elements),
        *(Placement(PlacementKind.MARKER, marker) for marker in page.landmarks.markers),
    ]


CASES = [
    pytest.param(page.name, placement, id=f"{page.name}-{placement.kind.value}")
    for page in corpus.pages()
    for placement in placements(page)
]


def reference_spot(name: str, placement: Placement) -> int:
    spot = reference(name).spot(placement.kind.value, placement.target)
    assert spot is not None, f"the reference finds no {placement} in {name}"
    return spot


def rewrite(chunks: Iterable[bytes], wanted: list[Placement]) -> tuple[bytes, PageRewriter]:
    rewriter = PageRewriter(wanted, lambda placement, lang: FRAGMENT)
    out = b"".join(rewriter.feed(chunk) for chunk in chunks)
    return out + rewriter.close(), rewriter


def split(data: bytes, cuts: set[int]) -> list[bytes]:
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(data)), len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


@functools.cache
def hard_spots(name: str) -> list[int]:
    """Where a chunk boundary can fall in the middle of something the scanner must read whole:
    a tag start, an end tag, a comment's end."""
    return [m.start() for m in re.finditer(rb"<|-->|\]\]>", corpus.page(name).data)]


def landmark_windows(page: corpus.Page) -> set[int]:
    """Every offset from just before the start of each landmark's tag to just after it."""
    marks = page.landmarks
    offsets = [marks.body_start, marks.body_end, marks.article_start, marks.h1, marks.byline]
    offsets += [*marks.elements.values(), *marks.markers.values()]
    cuts: set[int] = set()
    for offset in offsets:
        tag_start = page.data.rfind(b"<", 0, offset)
        cuts.update(range(max(0, tag_start - 8), offset + 24))
    return cuts


def sampled_cuts(page: corpus.Page, rng: Random, samples: int = 600) -> set[int]:
    """1-byte chunks over every landmark and a sample of hard spots; random chunks elsewhere."""
    cuts = landmark_windows(page)
    for spot in rng.sample(hard_spots(page.name), samples):
        cuts.update(range(spot, spot + rng.randint(1, 12)))
    pos = 0
    while pos < len(page.data):
        pos += rng.choice((rng.randint(1, 100), rng.randint(1000, 20_000)))
        cuts.add(pos)
    return cuts


# -- the pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", corpus.NAMES)
def test_the_generator_gives_the_same_bytes_every_time(name: str) -> None:
    fresh = corpus.build(name)
    assert fresh.data == corpus.build(name).data == corpus.page(name).data
    assert fresh.landmarks == corpus.page(name).landmarks
    assert hashlib.sha256(fresh.data).hexdigest() == SHA256[name], "the page changed: see SHA256"


@pytest.mark.parametrize("name", corpus.NAMES)
def test_pages_and_heads_are_as_large_as_real_ones(name: str) -> None:
    page = corpus.page(name)
    assert corpus.MIN_SIZE <= len(page.data) <= corpus.MAX_SIZE
    assert 10_000 <= page.head_size <= 60_000
    assert page.data.startswith(b"<!") and page.data.rstrip().endswith(b"</html>")


@pytest.mark.parametrize("name", corpus.NAMES)
def test_landmarks_are_where_the_reference_tokenizer_finds_them(name: str) -> None:
    page = corpus.page(name)
    found = reference(name)
    marks = page.landmarks
    assert found.ends_in_data
    assert (found.body_start, found.article_start, found.body_end) == (
        marks.body_start,
        marks.article_start,
        marks.body_end,
    )
    for element, offset in marks.elements.items():
        assert found.elements[element] == offset
    for marker, offset in marks.markers.items():
        assert found.markers[marker] == offset
    assert re.search(rb"<h1[^>]*>\Z", page.data[: marks.h1])
    assert re.search(rb'<p class="byline[^"]*"[^>]*>\Z', page.data[: marks.byline])
    assert page.data[marks.head_end : marks.head_end + 7].lower() == b"</head>"
    assert marks.head_end < marks.body_start < marks.article_start < marks.h1 < marks.body_end


class _Structure(HTMLParser):
    """Counts what a placement relies on, with the standard library's tolerant parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bodies = 0
        self.article_depth = 0
        self.top_level_articles = 0
        self.nested_articles = 0
        self.inside_article: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "body":
            self.bodies += 1
        if tag == "article":
            if self.article_depth == 0:
                self.top_level_articles += 1
            else:
                self.nested_articles += 1
            self.article_depth += 1
        if self.article_depth:
            if tag == "h1":
                self.inside_article.append("h1")
            if values.get("id") == "article-body":
                self.inside_article.append("#article-body")
            if tag == "p" and "byline" in (values.get("class") or "").split():
                self.inside_article.append("p.byline")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.article_depth -= 1


@pytest.mark.parametrize("name", corpus.NAMES)
def test_each_page_has_one_article_with_what_placements_need_inside(name: str) -> None:
    page = corpus.page(name)
    structure = _Structure()
    structure.feed(page.data.decode("utf-8"))
    structure.close()
    assert structure.bodies == 1
    assert structure.top_level_articles == 1
    assert structure.article_depth == 0
    assert sorted(structure.inside_article) == ["#article-body", "h1", "p.byline"]
    assert len(re.findall(rb"""\sid=["']?article-body\b""", page.data, re.I)) == 1


def test_nested_articles_comments_and_embeds_appear_where_publishers_use_them() -> None:
    nested = {}
    for page in corpus.pages():
        structure = _Structure()
        structure.feed(page.data.decode("utf-8"))
        nested[page.name] = structure.nested_articles
    assert nested["wordpress"] >= 10  # every comment is an <article>
    assert all(nested[name] >= 1 for name in ("amp", "arc", "nextjs", "russian"))


def test_the_russian_page_is_utf8_cyrillic() -> None:
    text = corpus.page("russian").data.decode("utf-8")
    assert sum("а" <= c <= "я" for c in text) > 20_000
    assert reference("russian").html_lang == "ru"


# -- the scanner over the pages ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "placement"), CASES)
def test_scanner_puts_one_fragment_at_the_reference_spot_in_any_chunking(
    name: str, placement: Placement
) -> None:
    page = corpus.page(name)
    spot = reference_spot(name, placement)
    expected = page.data[:spot] + FRAGMENT + page.data[spot:]
    seed = hashlib.sha256(f"{name}/{placement}".encode()).digest()
    chunkings = {
        "whole": [page.data],
        "16 KiB": split(page.data, set(range(16_384, len(page.data), 16_384))),
        "sampled": split(page.data, sampled_cuts(page, Random(seed))),
    }
    for label, chunks in chunkings.items():
        out, rewriter = rewrite(chunks, [placement])
        assert out == expected, f"{label} chunking"
        assert rewriter.placed == [placement]


@pytest.mark.parametrize("name", corpus.NAMES)
def test_every_placement_at_once_each_at_its_own_spot(name: str) -> None:
    page = corpus.page(name)
    wanted = placements(page)
    spots = sorted((reference_spot(name, p), i) for i, p in enumerate(wanted))
    expected = []
    last = 0
    for spot, index in spots:
        expected += [page.data[last:spot], f"[{index}]".encode()]
        last = spot
    expected.append(page.data[last:])
    rewriter = PageRewriter(wanted, lambda placement, lang: f"[{wanted.index(placement)}]".encode())
    chunks = split(page.data, sampled_cuts(page, Random(name)))
    out = b"".join(rewriter.feed(chunk) for chunk in chunks) + rewriter.close()
    assert out == b"".join(expected)
    assert rewriter.fallbacks == []


@st.composite
def page_and_cuts(draw: st.DrawFn) -> tuple[str, Placement, set[int]]:
    name = draw(st.sampled_from(corpus.NAMES))
    page = corpus.page(name)
    placement = draw(st.sampled_from(placements(page)))
    spot = reference_spot(name, placement)
    near = st.integers(max(0, spot - 300), spot + 40)
    hard = st.sampled_from([s for s in hard_spots(name) if s <= spot + 40])
    anywhere = st.integers(1, len(page.data) - 1)
    starts = draw(st.lists(st.one_of(near, hard, anywhere), max_size=60))
    cuts: set[int] = set()
    for start in starts:
        cuts.update(range(start, start + draw(st.integers(1, 10))))
    return name, placement, cuts


# Drawing cut points over pages of up to 840 KB is cheap but not instant: on a busy machine it
# must not fail the health check meant for slow strategies.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=page_and_cuts())
def test_random_chunkings_of_corpus_pages_match_the_reference(case: tuple[str, Placement, set[int]]) -> None:
    name, placement, cuts = case
    page = corpus.page(name)
    spot = reference_spot(name, placement)
    out, _ = rewrite(split(page.data, cuts), [placement])
    assert out == page.data[:spot] + FRAGMENT + page.data[spot:]


# -- the benchmark that counts instructions on the corpus ------------------------------------


def test_the_instruction_benchmark_serves_each_scenario_as_it_says(tmp_path: Path) -> None:
    """bench_instructions.py runs under valgrind only by hand; here its scenarios run without it
    and check what they serve: the page untouched, or the notice exactly once."""
    import bench_instructions

    db, rules = bench_instructions.write_world(tmp_path)
    for scenario in bench_instructions.SCENARIOS:
        bench_instructions.run_scenario(
            scenario, ["amp", "template"], db, rules[scenario], requests=1, warmup=2, fresh=True
        )
