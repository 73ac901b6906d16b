"""Every placement kind over the page corpus (``benchmarks/corpus``): the end of the article, the
headline, selectors with each position, whole and in chunks down to 1 byte around each spot and
around the constructs the scanner must read whole, against the independent reference."""

from __future__ import annotations

import hashlib
from random import Random

import corpus
import pytest

from geonotice.inject.scanner import PageRewriter
from geonotice.rules.model import Placement, PlacementKind, Position
from geonotice.rules.placements import selector_placement

from .test_corpus import FRAGMENT, hard_spots, reference, split

pytestmark = pytest.mark.usefixtures("walk_implementation")


PLACEMENTS = [
    Placement(PlacementKind.END_OF_ARTICLE),
    Placement(PlacementKind.AFTER_HEADLINE),
    selector_placement("article h1", Position.AFTER),
    selector_placement("p.byline", Position.BEFORE),
    selector_placement("article p.byline", Position.AFTER),
    selector_placement("#article-body", Position.PREPEND),
    selector_placement("#article-body", Position.APPEND),
    selector_placement("article [data-section]", Position.BEFORE),
    selector_placement("footer", Position.BEFORE),
]
CASES = [
    pytest.param(name, placement, id=f"{name}-{placement.describe()}")
    for name in corpus.NAMES
    for placement in PLACEMENTS
]


def landing(name: str, placement: Placement) -> int:
    position = None if placement.position is None else placement.position.value
    spot = reference(name).landing(placement.kind.value, placement.target, position)
    assert spot is not None and spot >= 0, f"the reference places {placement.describe()} nowhere in {name}"
    return spot


def cuts_around(name: str, spot: int, rng: Random) -> set[int]:
    """1-byte chunks before and after the spot and over a sample of hard spots; random elsewhere."""
    data = corpus.page(name).data
    cuts = set(range(max(0, spot - 300), spot + 40))
    for hard in rng.sample(hard_spots(name), 300):
        cuts.update(range(hard, hard + rng.randint(1, 12)))
    pos = 0
    while pos < len(data):
        pos += rng.choice((rng.randint(1, 100), rng.randint(1000, 20_000)))
        cuts.add(pos)
    return cuts


@pytest.mark.parametrize(("name", "placement"), CASES)
def test_every_placement_lands_at_the_reference_spot_in_any_chunking(name: str, placement: Placement) -> None:
    data = corpus.page(name).data
    spot = landing(name, placement)
    expected = data[:spot] + FRAGMENT + data[spot:]
    rng = Random(hashlib.sha256(f"{name}/{placement.describe()}".encode()).digest())
    for label, chunks in {
        "whole": [data],
        "16 KiB": split(data, set(range(16_384, len(data), 16_384))),
        "sampled": split(data, cuts_around(name, spot, rng)),
    }.items():
        rewriter = PageRewriter([placement], lambda p, lang: FRAGMENT)
        out = b"".join(rewriter.feed(chunk) for chunk in chunks) + rewriter.close()
        assert out == expected, f"{label} chunking"


@pytest.mark.parametrize("name", corpus.NAMES)
def test_all_new_placements_at_once_in_1_byte_chunks_up_to_the_last_spot(name: str) -> None:
    data = corpus.page(name).data
    spots = sorted((landing(name, p), i) for i, p in enumerate(PLACEMENTS))
    last_spot = spots[-1][0]
    expected, last = [], 0
    for spot, index in spots:
        expected += [data[last:spot], f"[{index}]".encode()]
        last = spot
    expected.append(data[last:])
    rewriter = PageRewriter(PLACEMENTS, lambda placement, lang: f"[{PLACEMENTS.index(placement)}]".encode())
    # One byte at a time as far as the last spot (the scanner then passes the rest through).
    chunks = [data[i : i + 1] for i in range(last_spot + 1)] + [data[last_spot + 1 :]]
    out = b"".join(rewriter.feed(chunk) for chunk in chunks) + rewriter.close()
    assert out == b"".join(expected)
    assert rewriter.examined <= 3 * len(data) + 16 * len(chunks)
