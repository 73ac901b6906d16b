"""The injector: rewrites a covered response so that it carries the reader's notices.

``scanner`` finds placement points in a streamed page (sans-IO), ``fragment`` renders the notice
markup, ``encoding`` decodes and re-encodes compressed bodies, ``headers`` keeps caches and
conditional requests correct per variant, and ``responder`` moves the bytes of one request.
"""

from __future__ import annotations

from geonotice.inject.fragment import parse_accept_language, render_notices
from geonotice.inject.headers import CachePolicy
from geonotice.inject.metrics import METRICS, InjectMetrics, PlacementMiss
from geonotice.inject.responder import CacheHeadersResponder, NoticeResponder
from geonotice.inject.scanner import PageRewriter

__all__ = [
    "METRICS",
    "CacheHeadersResponder",
    "CachePolicy",
    "InjectMetrics",
    "NoticeResponder",
    "PageRewriter",
    "PlacementMiss",
    "parse_accept_language",
    "render_notices",
]
