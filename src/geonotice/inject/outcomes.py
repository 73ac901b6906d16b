"""What became of a response's notices: placed where the rules ask, at a fallback, or not at all.

A notice that is not placed as the rules ask must be visible to the people who operate the site,
so every such case has an outcome and a reason code: the responder logs it, reports it to the
metrics, and hands it to the ``on_miss`` hook as a ``PlacementMiss``. The values of the enums are
the stable spellings used in logs and metrics labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from geonotice.rules.model import Placement

__all__ = ["MissReason", "PlacementMiss", "PlacementOutcome"]


class PlacementOutcome(Enum):
    """Where a notice went in the response that should carry it."""

    PLACED = "placed"
    """At the placement point the rules ask for."""
    END_OF_BODY = "end-of-body"
    """The page has no such point: before ``</body>`` instead."""
    END_OF_DOCUMENT = "end-of-document"
    """No such point and no ``</body>`` either: at the end of the document."""
    NOT_PLACED = "not-placed"
    """The response went out without it."""

    @property
    def is_fallback(self) -> bool:
        return self is PlacementOutcome.END_OF_BODY or self is PlacementOutcome.END_OF_DOCUMENT


class MissReason(Enum):
    """Why notices were not placed as the rules ask (the reason code of a ``PlacementMiss``)."""

    NO_PLACEMENT_POINT = "no-placement-point"
    """The page has no element, marker or tag the placement names (the notice goes to a fallback)."""
    PAGE_ENDED_EARLY = "page-ended-early"
    """The page ended inside a comment, a script or a plain-text element."""
    UNSUPPORTED_ENCODING = "unsupported-encoding"
    """A ``Content-Encoding`` geonotice cannot decode."""
    CORRUPT_ENCODING = "corrupt-encoding"
    """The body does not decode in its declared ``Content-Encoding``."""
    MEDIA_TYPE = "media-type"
    """The rules cover a media type nothing can be injected into."""
    PATHSEND = "pathsend"
    """The app sent a file by path (``http.response.pathsend``), which is not rewritten."""
    JSON_TOO_LARGE = "json-too-large"
    """A JSON body above the size buffered for parsing."""
    UNKNOWN_CHARSET = "unknown-charset"
    """The page declares no charset and is not UTF-8: the browser guesses, and a notice could come
    out unreadable."""
    UNSUPPORTED_CHARSET = "unsupported-charset"
    """The page's charset is one notices cannot be written in (ISO-2022-JP, or an encoding
    browsers refuse to show)."""
    UNREADABLE_JSON = "unreadable-json"
    """A covered JSON body that does not parse (or nests too deep to), or is not an object."""


@dataclass(frozen=True, slots=True)
class PlacementMiss:
    """Notices of one response that were not placed where the rules asked.

    ``requested`` is the placement asked for, or ``None`` when the whole response was left alone;
    ``outcome`` is a fallback or ``NOT_PLACED``; ``detail`` says the reason in words (the
    encoding, the media type, where the page ended).
    """

    path: str
    notice_ids: tuple[str, ...]
    requested: Placement | None
    outcome: PlacementOutcome
    reason: MissReason
    detail: str
