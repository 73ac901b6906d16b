"""Where notices land on a page, in words: for ``explain --page`` (or ``--app``) and for the
``placed`` expectation of a policy case.

A lawyer reads "after "p.byline": placed at line 131, column 7; the element: ``<p class="byline">``
at line 130, column 5" and can find both in the page's source. A case's ``placed`` is checked on
the page as served: each notice is found there, the notices are taken out again, and the spot
where the notice sits must be the spot its expected placement names on that page (white space
between them aside).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.types import ASGIApp

from geonotice.inject.outcomes import PlacementOutcome
from geonotice.inject.spots import Spot, find_spots, line_column
from geonotice.rules.model import Notice, Placement

__all__ = [
    "NoticeSpot",
    "check_placed",
    "describe_spot",
    "notice_spots",
    "page_from_app",
    "spots_json",
    "spots_text",
]

# The markup ``inject.fragment`` renders for one notice; notice texts hold no <aside> of their own.
_NOTICE = re.compile(
    rb'<aside class="geonotice-notice geonotice-notice--[^"]*" data-notice-id="(?P<id>[^"]*)"'
    rb"[^>]*>.*?</aside>",
    re.DOTALL,
)
_CONTEXT = 40  # bytes of page shown on each side of a spot


@dataclass(frozen=True, slots=True)
class NoticeSpot:
    notice: Notice
    spot: Spot


def notice_spots(page: bytes, notices: Sequence[Notice]) -> list[NoticeSpot]:
    """Where each of ``notices`` goes on ``page`` (a page without notices)."""
    spots = find_spots(page, [notice.placement for notice in notices])
    return [NoticeSpot(notice, spot) for notice, spot in zip(notices, spots, strict=True)]


def page_from_app(app: ASGIApp, url: str) -> bytes:
    """The HTML page ``app`` serves at ``url`` (a path or a link), requested in process.

    Raises:
        ValueError: the app failed, or answered with something else than an HTML page; the
            message says what it answered.
    """
    absolute = url if "://" in url else "http://explain.test" + url

    async def get() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
            return await http.get(absolute)

    try:
        response = asyncio.run(get())
    except Exception as error:  # the app's own failure is what the person must be told
        raise ValueError(f"GET {url} failed: {type(error).__name__}: {error}") from None
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in ("text/html", "application/xhtml+xml"):
        raise ValueError(f"GET {url} answered {response.status_code} with {media_type or 'no content type'}")
    return response.content


def describe_spot(page: bytes, spot: Spot) -> list[str]:
    """Where ``spot`` is, in lines for a person: the place, then what decided it."""
    if spot.offset is None:
        return [f"not placed: the page ends inside a {spot.ended_in}, where a notice is not shown"]
    line, column = line_column(page, spot.offset)
    where = f"line {line}, column {column}"
    if spot.outcome is PlacementOutcome.END_OF_DOCUMENT:
        return [f"the page has no such place, nor a </body>: at the end of the page, {where}"]
    matched_line, matched_column = line_column(page, spot.matched_at)
    shown = _shown(spot.matched)
    if spot.outcome is PlacementOutcome.END_OF_BODY:
        return [f"the page has no such place: at the end of the body, {where} (before {shown})"]
    return [f"placed at {where}", f"decided by: {shown} at line {matched_line}, column {matched_column}"]


def spots_text(page_name: str, page: bytes, spots: Sequence[NoticeSpot]) -> str:
    """The placement section of ``explain``'s text output."""
    out = [f"Placement on {page_name} ({len(page):,} bytes):"]
    if not spots:
        out.append("  (no notice is shown to this reader)")
    for item in spots:
        lines = describe_spot(page, item.spot)
        out.append(f"  {item.notice.id} ({item.notice.placement.describe()}): {lines[0]}")
        out += [f"      {line}" for line in lines[1:]]
    return "\n".join(out)


def spots_json(page: bytes, spots: Sequence[NoticeSpot]) -> list[dict[str, Any]]:
    """The placement section of ``explain``'s JSON output."""
    found = []
    for item in spots:
        spot = item.spot
        entry: dict[str, Any] = {
            "id": item.notice.id,
            "placement": item.notice.placement.describe(),
            "outcome": spot.outcome.value,
            "offset": spot.offset,
            "line": None,
            "column": None,
            "decided_by": None,
        }
        if spot.offset is not None:
            entry["line"], entry["column"] = line_column(page, spot.offset)
        if spot.matched:
            line, column = line_column(page, spot.matched_at)
            entry["decided_by"] = {"markup": _shown(spot.matched), "line": line, "column": column}
        found.append(entry)
    return found


def check_placed(served: bytes, notice_ids: Iterable[str], expected: Placement) -> list[str]:
    """What is wrong with where ``notice_ids`` sit in the served page, each expected at the spot
    ``expected`` names on the page without notices; empty when all are there."""
    page, positions = _without_notices(served)
    (spot,) = find_spots(page, [expected])
    messages = []
    for notice_id in notice_ids:
        at = positions.get(notice_id)
        if at is None:
            messages.append(f"expected {notice_id} {expected.describe()}; it is not in the page")
            continue
        there = spot.offset
        if (
            spot.outcome is PlacementOutcome.PLACED
            and there is not None
            and not page[min(at, there) : max(at, there)].strip()
        ):
            continue
        line, column = line_column(page, at)
        messages.append(
            f"expected {notice_id} {expected.describe()}, {_expected_at(page, spot)}; it is at line "
            f"{line}, column {column}, between {_around(page, at)}"
        )
    return messages


def _expected_at(page: bytes, spot: Spot) -> str:
    if spot.outcome is PlacementOutcome.PLACED and spot.offset is not None:
        line, column = line_column(page, spot.offset)
        matched_line, matched_column = line_column(page, spot.matched_at)
        decided = f"{_shown(spot.matched)} at line {matched_line}, column {matched_column}"
        return f"which is line {line}, column {column} (by {decided})"
    return "but " + "; ".join(describe_spot(page, spot))


def _without_notices(served: bytes) -> tuple[bytes, dict[str, int]]:
    """The served page with the notices taken out, and where the first of each notice id was."""
    parts: list[bytes] = []
    positions: dict[str, int] = {}
    size = last = 0
    for found in _NOTICE.finditer(served):
        parts.append(served[last : found.start()])
        size += found.start() - last
        positions.setdefault(found.group("id").decode("utf-8", "replace"), size)
        last = found.end()
    parts.append(served[last:])
    return b"".join(parts), positions


def _shown(markup: bytes) -> str:
    text = " ".join(markup.decode("utf-8", "replace").split())
    return text if len(text) <= 80 else text[:77] + "..."


def _around(page: bytes, at: int) -> str:
    before = " ".join(page[max(0, at - _CONTEXT) : at].decode("utf-8", "replace").split())
    after = " ".join(page[at : at + _CONTEXT].decode("utf-8", "replace").split())
    return f"{before!r} and {after!r}"
