"""The injector: rewrites a covered response so that it carries the reader's notices.

``scanner`` finds placement points in a streamed page (sans-IO), ``fragment`` renders the notice
markup, ``encoding`` decodes and re-encodes compressed bodies, ``headers`` keeps caches and
conditional requests correct per variant, ``responder`` moves the bytes of one request and
``bodies`` rewrites its HTML or JSON body. What became of the notices is an ``outcomes`` value,
reported to a ``metrics`` sink.
"""

from __future__ import annotations

from geonotice.inject.fragment import parse_accept_language, render_notices
from geonotice.inject.headers import CachePolicy
from geonotice.inject.metrics import NoticeMetrics, PlacementCounts
from geonotice.inject.outcomes import MissReason, PlacementMiss, PlacementOutcome
from geonotice.inject.responder import CacheHeadersResponder, Mode, NoticeResponder
from geonotice.inject.scanner import PageRewriter

__all__ = [
    "CacheHeadersResponder",
    "CachePolicy",
    "MissReason",
    "Mode",
    "NoticeMetrics",
    "NoticeResponder",
    "PageRewriter",
    "PlacementCounts",
    "PlacementMiss",
    "PlacementOutcome",
    "parse_accept_language",
    "render_notices",
]
