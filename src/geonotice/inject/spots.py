"""Where placements land on a whole page: the scanner run over it, told as data.

``explain --page`` and the policy cases' ``placed`` use it to say which element matched and where
a notice goes, in lines and columns a person can find in the page's source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geonotice.inject.outcomes import PlacementOutcome
from geonotice.inject.scanner import PageRewriter
from geonotice.rules.model import Placement

__all__ = ["Spot", "find_spots", "line_column"]


@dataclass(frozen=True, slots=True)
class Spot:
    """Where one placement's notice goes on a page.

    ``offset`` is a byte offset in the page (``None`` when the notice cannot be placed at all);
    ``outcome`` says whether it is the point asked for or a fallback. ``matched`` is the start of
    what decided it (the element's start tag, the ``</h1>``, the marker comment, the ``</body>``
    of a fallback) and ``matched_at`` its offset, or ``b""`` and -1. ``ended_in`` says where the
    page ended for a notice not placed.
    """

    placement: Placement
    outcome: PlacementOutcome
    offset: int | None
    matched: bytes = b""
    matched_at: int = -1
    ended_in: str = ""


def find_spots(page: bytes, placements: Sequence[Placement]) -> list[Spot]:
    """The spot of each of ``placements`` (in their order) on ``page``, as the scanner finds it.

    Raises:
        ValueError: a selector placement that is not valid.
    """
    wanted = list(dict.fromkeys(placements))
    rewriter = PageRewriter(wanted, lambda placement, language: b"")
    rewriter.feed(page)
    rewriter.close()
    found: dict[Placement, Spot] = {}
    for landing in rewriter.landings:
        if not landing.fallback:
            outcome = PlacementOutcome.PLACED
        elif landing.matched:
            outcome = PlacementOutcome.END_OF_BODY
        else:
            outcome = PlacementOutcome.END_OF_DOCUMENT
        found[landing.placement] = Spot(
            landing.placement, outcome, landing.offset, landing.matched, landing.matched_at
        )
    for placement in rewriter.unplaced:
        found[placement] = Spot(placement, PlacementOutcome.NOT_PLACED, None, ended_in=rewriter.stopped_in)
    return [found[placement] for placement in placements]


def line_column(page: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of the byte ``offset`` of ``page``, the column counted in
    characters (the page read as UTF-8)."""
    line_start = page.rfind(b"\n", 0, offset) + 1
    column = len(page[line_start:offset].decode("utf-8", "replace")) + 1
    return page.count(b"\n", 0, offset) + 1, column
